/**
 * Header hygiene: user text (titles, names) reaches Subject and To only through these, so a
 * CR or LF (or any control character) can never start a header of its own.
 */
export function headerText(value: string, maxLength = 200): string {
  const flat = value
    .replace(/[\p{Cc}\p{Zl}\p{Zp}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > maxLength ? `${flat.slice(0, maxLength - 1)}…` : flat;
}

const ADDRESS = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/u;

/** A plain `local@domain` address with nothing that could break out of the To header. */
export function isSafeAddress(address: string): boolean {
  return address.length <= 254 && ADDRESS.test(address);
}

/** The domain Message-IDs are made in: MAIL_FROM's, or `taskflow.local`. */
export function messageIdDomain(from: string): string {
  const match = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from);
  return match?.[1]?.toLowerCase() ?? 'taskflow.local';
}

export function messageIdFor(notificationId: string, from: string): string {
  return `<${notificationId}@${messageIdDomain(from)}>`;
}

export const NOTIFICATION_ID_HEADER = 'X-TaskFlow-Notification-Id';
