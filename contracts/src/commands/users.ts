import { z } from 'zod';
import { EmailPreferences, LIMITS, singleLineText } from '../primitives/index.ts';

/** Request bodies are strict: an unknown field is a client bug worth a 400, not silence. */

const Email = z.email().max(LIMITS.emailMax);
const Token = z.string().min(1).max(LIMITS.tokenMax);

export const RegisterBody = z.strictObject({
  name: singleLineText(LIMITS.nameMax),
  email: Email,
  password: z.string().min(LIMITS.passwordMin).max(LIMITS.passwordMax),
});
export type RegisterBody = z.infer<typeof RegisterBody>;

/** No minimum length here: a login must fail with 401 like any wrong password, not say why. */
export const LoginBody = z.strictObject({
  email: Email,
  password: z.string().min(1).max(LIMITS.passwordMax),
});
export type LoginBody = z.infer<typeof LoginBody>;

export const RefreshBody = z.strictObject({ refreshToken: Token });
export type RefreshBody = z.infer<typeof RefreshBody>;

export const LogoutBody = z.strictObject({ refreshToken: Token });
export type LogoutBody = z.infer<typeof LogoutBody>;

/** PUT: the whole preferences object, every flag required. */
export const PreferencesBody = z.strictObject({ email: EmailPreferences.strict() });
export type PreferencesBody = z.infer<typeof PreferencesBody>;
