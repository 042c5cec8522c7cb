import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { UnauthorizedError } from '@taskflow/platform';
import type { SqlClient, SqlQueryable } from '@taskflow/platform/sql';

/**
 * Refresh tokens are opaque random strings, stored only as SHA-256 hashes, grouped in families
 * (one per login). Each use rotates the token; presenting a used one means it leaked, so the
 * whole family is revoked. Two concurrent refreshes with the same token are serialised by the
 * row lock: the first rotates, the second is reuse and revokes the family (strict on purpose —
 * a client must not race its own refreshes).
 */
export const REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 3600;

const hashToken = (token: string) => createHash('sha256').update(token).digest();

async function insertToken(sql: SqlQueryable, userId: string, familyId: string, now: Date): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + REFRESH_TOKEN_TTL_SECONDS * 1000);
  await sql.query(
    `INSERT INTO command.refresh_tokens (token_hash, family_id, user_id, issued_at, expires_at)
     VALUES ($1, $2, $3, $4, $5)`,
    [hashToken(token), familyId, userId, now.toISOString(), expiresAt.toISOString()],
  );
  return token;
}

export function issueRefreshToken(sql: SqlQueryable, userId: string, now: Date): Promise<string> {
  return insertToken(sql, userId, randomUUID(), now);
}

interface TokenRow {
  family_id: string;
  user_id: string;
  expires_at: Date | string;
  used_at: Date | string | null;
  revoked: boolean;
}

async function revokeFamily(sql: SqlQueryable, familyId: string, now: Date, reason: string): Promise<void> {
  await sql.query(
    `INSERT INTO command.revoked_families (family_id, revoked_at, reason) VALUES ($1, $2, $3)
     ON CONFLICT (family_id) DO NOTHING`,
    [familyId, now.toISOString(), reason],
  );
}

/** Returns the user and a new token, or throws 401 (unknown, expired, revoked, or reused → family revoked). */
export async function rotateRefreshToken(
  sql: SqlClient,
  token: string,
  now: Date,
): Promise<{ userId: string; refreshToken: string }> {
  const outcome = await sql.transaction(async (tx) => {
    const { rows } = await tx.query<TokenRow>(
      `SELECT t.family_id, t.user_id, t.expires_at, t.used_at,
              EXISTS (SELECT 1 FROM command.revoked_families r WHERE r.family_id = t.family_id) AS revoked
         FROM command.refresh_tokens t WHERE t.token_hash = $1 FOR UPDATE`,
      [hashToken(token)],
    );
    const row = rows[0];
    if (!row || row.revoked) return { ok: false as const };
    if (row.used_at !== null) {
      await revokeFamily(tx, row.family_id, now, 'refresh token reused');
      return { ok: false as const };
    }
    if (new Date(row.expires_at).getTime() <= now.getTime()) return { ok: false as const };
    await tx.query('UPDATE command.refresh_tokens SET used_at = $2 WHERE token_hash = $1', [
      hashToken(token),
      now.toISOString(),
    ]);
    const refreshToken = await insertToken(tx, row.user_id, row.family_id, now);
    return { ok: true as const, userId: row.user_id, refreshToken };
  });
  if (!outcome.ok) throw new UnauthorizedError('invalid refresh token');
  return { userId: outcome.userId, refreshToken: outcome.refreshToken };
}

/** Logout: the token's family ends. Unknown tokens are ignored, so logout is idempotent. */
export async function revokeRefreshToken(sql: SqlQueryable, token: string, now: Date): Promise<void> {
  const { rows } = await sql.query<{ family_id: string }>(
    'SELECT family_id FROM command.refresh_tokens WHERE token_hash = $1',
    [hashToken(token)],
  );
  if (rows[0]) await revokeFamily(sql, rows[0].family_id, now, 'logout');
}
