import { z } from 'zod';
import { Position } from '../primitives/index.ts';
import { Notification } from '../read-models/index.ts';

/** Frames on `GET /ws/notifications`, JSON text messages in both directions. */

export const NotificationFrame = z.object({ type: z.literal('notification'), notification: Notification });

export const WS_ERROR_CODES = ['invalid_frame', 'resume_failed', 'internal_error'] as const;

/** Sent before the server closes or ignores something; `message` is for people, `code` for code. */
export const ErrorFrame = z.object({
  type: z.literal('error'),
  code: z.enum(WS_ERROR_CODES),
  message: z.string(),
});

export const ServerFrame = z.discriminatedUnion('type', [NotificationFrame, ErrorFrame]);
export type ServerFrame = z.infer<typeof ServerFrame>;

/** "Send me everything after this position, then live": the last `notification.position` seen. */
export const ResumeFrame = z.strictObject({ type: z.literal('resume'), after: Position });

export const ClientFrame = z.discriminatedUnion('type', [ResumeFrame]);
export type ClientFrame = z.infer<typeof ClientFrame>;

/** Parses a raw text message from a client; anything else is an `invalid_frame` error. */
export function parseClientFrame(raw: string): ClientFrame | null {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return null;
  }
  const parsed = ClientFrame.safeParse(json);
  return parsed.success ? parsed.data : null;
}
