import { z } from 'zod';
import { UserPreferences, Uuid } from '../primitives/index.ts';
import { defineEvent } from './define.ts';

/**
 * Stream `user-<userId>`. The password hash is not here on purpose: secrets live in
 * command-service's own tables, never in the log everyone can replay.
 */
export const UserRegistered = defineEvent('UserRegistered', 1, {
  userId: Uuid,
  name: z.string(),
  /** Normalised (see `normaliseEmail`): the form logins and uniqueness compare. */
  email: z.string(),
  /** Explicit, so a later change of defaults does not silently change existing users. */
  preferences: UserPreferences,
});

/** Carries the whole new preferences object: PUT semantics, no merging for consumers. */
export const UserPreferencesChanged = defineEvent('UserPreferencesChanged', 1, {
  userId: Uuid,
  preferences: UserPreferences,
});

/** Stream `email-<normalised email>`: the write-side guarantee that an email has one owner. */
export const EmailReserved = defineEvent('EmailReserved', 1, {
  email: z.string(),
  userId: Uuid,
});

export const UserEvent = z.discriminatedUnion('type', [UserRegistered, UserPreferencesChanged]);
export type UserEvent = z.infer<typeof UserEvent>;

export const EmailReservationEvent = z.discriminatedUnion('type', [EmailReserved]);
export type EmailReservationEvent = z.infer<typeof EmailReservationEvent>;
