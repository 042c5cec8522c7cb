import { z } from 'zod';
import { Uuid } from '../primitives/index.ts';

/** Path parameters: a malformed id is a 400, never a lookup. */
export const IdParams = z.strictObject({ id: Uuid });
export type IdParams = z.infer<typeof IdParams>;

export const MemberParams = z.strictObject({ id: Uuid, userId: Uuid });
export type MemberParams = z.infer<typeof MemberParams>;
