import type { SqlQueryable } from '@taskflow/platform/sql';

export interface Credentials {
  userId: string;
  email: string;
  name: string;
  passwordHash: string;
}

interface CredentialsRow {
  user_id: string;
  email: string;
  name: string;
  password_hash: string;
}

const toCredentials = (row: CredentialsRow): Credentials => ({
  userId: row.user_id,
  email: row.email,
  name: row.name,
  passwordHash: row.password_hash,
});

/**
 * Password hashes live here, never in events. A registration that crashed after this row was
 * written but before its user event is finished by the next attempt, which overwrites the row.
 */
export async function saveCredentials(
  sql: SqlQueryable,
  credentials: Credentials & { emailNormalised: string },
): Promise<void> {
  await sql.query(
    `INSERT INTO command.credentials (user_id, email_normalised, email, name, password_hash)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (user_id) DO UPDATE
       SET email = EXCLUDED.email, name = EXCLUDED.name, password_hash = EXCLUDED.password_hash`,
    [
      credentials.userId,
      credentials.emailNormalised,
      credentials.email,
      credentials.name,
      credentials.passwordHash,
    ],
  );
}

export async function findCredentialsByEmail(
  sql: SqlQueryable,
  emailNormalised: string,
): Promise<Credentials | null> {
  const { rows } = await sql.query<CredentialsRow>(
    'SELECT user_id, email, name, password_hash FROM command.credentials WHERE email_normalised = $1',
    [emailNormalised],
  );
  return rows[0] ? toCredentials(rows[0]) : null;
}

export async function findCredentialsById(sql: SqlQueryable, userId: string): Promise<Credentials | null> {
  const { rows } = await sql.query<CredentialsRow>(
    'SELECT user_id, email, name, password_hash FROM command.credentials WHERE user_id = $1',
    [userId],
  );
  return rows[0] ? toCredentials(rows[0]) : null;
}
