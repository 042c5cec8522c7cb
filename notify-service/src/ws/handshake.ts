/**
 * Pure rules of the WebSocket upgrade: where the access token comes from, which subprotocol is
 * echoed back, and whether an Origin may connect.
 */

export const BEARER_PROTOCOL = 'bearer';

/** The token from `?access_token=` or from the subprotocol pair `bearer, <token>`; null if neither. */
export function accessTokenOf(query: unknown, protocolHeader: string | string[] | undefined): string | null {
  const fromQuery =
    typeof query === 'object' && query !== null && 'access_token' in query ? query.access_token : undefined;
  if (typeof fromQuery === 'string' && fromQuery.length > 0) return fromQuery;
  const protocols = offeredProtocols(protocolHeader);
  const at = protocols.indexOf(BEARER_PROTOCOL);
  const token = at >= 0 ? protocols[at + 1] : undefined;
  return token && token.length > 0 ? token : null;
}

export function offeredProtocols(header: string | string[] | undefined): string[] {
  const joined = Array.isArray(header) ? header.join(',') : (header ?? '');
  return joined
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}

/**
 * The subprotocol the server answers with: `bearer` when the client offered it (a browser
 * client that offered subprotocols refuses a handshake that picks none), never the token.
 */
export function chooseProtocol(offered: ReadonlySet<string>): string | false {
  return offered.has(BEARER_PROTOCOL) ? BEARER_PROTOCOL : false;
}

/**
 * Browsers always send Origin, so a page on a foreign site cannot ride a user's token; clients
 * that are not browsers send none and are let through (the token still has to be valid).
 * `*` in the allowlist admits every origin.
 */
export function originAllowed(origin: string | undefined, allowlist: readonly string[]): boolean {
  if (origin === undefined) return true;
  if (allowlist.includes('*')) return true;
  const normalised = normaliseOrigin(origin);
  return normalised !== null && allowlist.some((allowed) => normaliseOrigin(allowed) === normalised);
}

function normaliseOrigin(origin: string): string | null {
  if (origin === 'null') return null;
  try {
    return new URL(origin).origin;
  } catch {
    return null;
  }
}

/** Request logs must never carry the token: the query string is cut from the logged URL. */
export function redactedUrl(url: string): string {
  return url.replace(/([?&]access_token=)[^&]*/g, '$1[redacted]');
}
