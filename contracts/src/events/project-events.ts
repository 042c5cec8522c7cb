import { z } from 'zod';
import { ProjectRole, Uuid } from '../primitives/index.ts';
import { defineEvent } from './define.ts';

/**
 * Stream `project-<projectId>`. Membership changes only through Member* events (the creator
 * becomes owner by a `MemberAdded` right after `ProjectCreated`), so a projector needs one
 * code path for members.
 */
export const ProjectCreated = defineEvent('ProjectCreated', 1, {
  projectId: Uuid,
  name: z.string(),
  description: z.string(),
  createdBy: Uuid,
});

export const MemberAdded = defineEvent('MemberAdded', 1, {
  projectId: Uuid,
  userId: Uuid,
  role: ProjectRole,
});

export const MemberRoleChanged = defineEvent('MemberRoleChanged', 1, {
  projectId: Uuid,
  userId: Uuid,
  from: ProjectRole,
  to: ProjectRole,
});

/** Also how a member leaves (actor = the member). `role` is the role they held. */
export const MemberRemoved = defineEvent('MemberRemoved', 1, {
  projectId: Uuid,
  userId: Uuid,
  role: ProjectRole,
});

export const ProjectEvent = z.discriminatedUnion('type', [
  ProjectCreated,
  MemberAdded,
  MemberRoleChanged,
  MemberRemoved,
]);
export type ProjectEvent = z.infer<typeof ProjectEvent>;
