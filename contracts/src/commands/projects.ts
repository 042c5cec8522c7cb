import { z } from 'zod';
import { LIMITS, ProjectRole, singleLineText, Uuid } from '../primitives/index.ts';

export const CreateProjectBody = z.strictObject({
  name: singleLineText(LIMITS.projectNameMax),
  description: z.string().max(LIMITS.projectDescriptionMax).default(''),
});
export type CreateProjectBody = z.infer<typeof CreateProjectBody>;

/** The new member is named by id or by email (exactly one); the role is always explicit. */
export const AddMemberBody = z
  .strictObject({
    userId: Uuid.optional(),
    email: z.email().max(LIMITS.emailMax).optional(),
    role: ProjectRole,
  })
  .superRefine((body, context) => {
    if ((body.userId === undefined) === (body.email === undefined)) {
      context.addIssue({ code: 'custom', path: ['userId'], message: 'give exactly one of userId or email' });
    }
  });
export type AddMemberBody = z.infer<typeof AddMemberBody>;

export const ChangeMemberRoleBody = z.strictObject({ role: ProjectRole });
export type ChangeMemberRoleBody = z.infer<typeof ChangeMemberRoleBody>;
