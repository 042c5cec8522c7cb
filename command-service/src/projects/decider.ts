import { type Actor, makeEvent, type ProjectEvent, type ProjectRole } from '@taskflow/contracts';
import {
  assertNever,
  DomainConflictError,
  DomainForbiddenError,
  DomainNotFoundError,
} from '../domain-errors.ts';

/**
 * The project aggregate (stream `project-<id>`): its members and their roles. Membership is
 * decided here, from the project's own events, never from a read model that may lag.
 *
 * Who may do what: owners manage everyone; managers manage managers and members but never
 * touch an owner or make one (no privilege escalation); members manage nobody but may leave.
 * A project always keeps at least one owner.
 */

export type ProjectState =
  | { exists: false }
  | { exists: true; projectId: string; name: string; members: ReadonlyMap<string, ProjectRole> };

export const initialState: ProjectState = { exists: false };

interface ProjectCommandBase {
  projectId: string;
  actor: Actor;
  now: string;
}

export type ProjectCommand =
  | (ProjectCommandBase & { type: 'CreateProject'; name: string; description: string })
  | (ProjectCommandBase & { type: 'AddMember'; userId: string; role: ProjectRole })
  | (ProjectCommandBase & { type: 'ChangeMemberRole'; userId: string; role: ProjectRole })
  | (ProjectCommandBase & { type: 'RemoveMember'; userId: string });

export function evolve(state: ProjectState, event: ProjectEvent): ProjectState {
  if (event.type === 'ProjectCreated') {
    return { exists: true, projectId: event.data.projectId, name: event.data.name, members: new Map() };
  }
  // Decide refuses every command before creation, so a stream never starts otherwise.
  if (!state.exists) return state;
  const members = new Map(state.members);
  switch (event.type) {
    case 'MemberAdded':
      members.set(event.data.userId, event.data.role);
      break;
    case 'MemberRoleChanged':
      members.set(event.data.userId, event.data.to);
      break;
    case 'MemberRemoved':
      members.delete(event.data.userId);
      break;
    default:
      return assertNever(event);
  }
  return { ...state, members };
}

export function decide(command: ProjectCommand, state: ProjectState): ProjectEvent[] {
  if (command.type === 'CreateProject') {
    if (state.exists) throw new DomainConflictError('already_exists', 'This project already exists');
    const { projectId, name, description, actor } = command;
    return [
      makeEvent('ProjectCreated', { projectId, name, description, createdBy: actor.userId }),
      makeEvent('MemberAdded', { projectId, userId: actor.userId, role: 'owner' }),
    ];
  }
  const project = visibleProject(state, command.actor);
  switch (command.type) {
    case 'AddMember':
      return addMember(project, command);
    case 'ChangeMemberRole':
      return changeMemberRole(project, command);
    case 'RemoveMember':
      return removeMember(project, command);
    default:
      return assertNever(command);
  }
}

export const projectDecider = { initialState, evolve, decide };

/**
 * The members as the task decider takes them (`project` on task commands). A project that
 * does not exist has no members, so nobody can see it and the task decider answers 404.
 */
export function membershipOf(
  projectId: string,
  state: ProjectState,
): { projectId: string; members: ReadonlyMap<string, ProjectRole> } {
  return { projectId, members: state.exists ? state.members : new Map() };
}

type ExistingProject = Extract<ProjectState, { exists: true }> & { actorRole: ProjectRole };

/** A project the actor is not a member of is, to them, a project that does not exist. */
function visibleProject(state: ProjectState, actor: Actor): ExistingProject {
  const actorRole = state.exists ? state.members.get(actor.userId) : undefined;
  if (!state.exists || actorRole === undefined) {
    throw new DomainNotFoundError('project_not_found', 'Project not found');
  }
  return { ...state, actorRole };
}

function requireManager(project: ExistingProject): void {
  if (project.actorRole === 'member') {
    throw new DomainForbiddenError('managers_only', 'Only owners and managers can manage members');
  }
}

/** Managers may not create owners nor act on one: that would let them take the project over. */
function requireOwnerFor(project: ExistingProject, roles: readonly (ProjectRole | undefined)[]): void {
  if (project.actorRole !== 'owner' && roles.includes('owner')) {
    throw new DomainForbiddenError('owners_only', 'Only owners can grant, change or remove the owner role');
  }
}

function requireMember(project: ExistingProject, userId: string): ProjectRole {
  const role = project.members.get(userId);
  if (role === undefined) throw new DomainNotFoundError('member_not_found', 'No such member in this project');
  return role;
}

function requireAnotherOwner(project: ExistingProject): void {
  const owners = [...project.members.values()].filter((role) => role === 'owner').length;
  if (owners <= 1) {
    throw new DomainConflictError(
      'last_owner',
      'A project must keep at least one owner: make someone else owner first',
    );
  }
}

function addMember(
  project: ExistingProject,
  command: Extract<ProjectCommand, { type: 'AddMember' }>,
): ProjectEvent[] {
  requireManager(project);
  requireOwnerFor(project, [command.role]);
  if (project.members.has(command.userId)) {
    throw new DomainConflictError('already_member', 'This user is already a member of the project');
  }
  return [
    makeEvent('MemberAdded', { projectId: project.projectId, userId: command.userId, role: command.role }),
  ];
}

function changeMemberRole(
  project: ExistingProject,
  command: Extract<ProjectCommand, { type: 'ChangeMemberRole' }>,
): ProjectEvent[] {
  requireManager(project);
  const from = requireMember(project, command.userId);
  requireOwnerFor(project, [from, command.role]);
  if (from === command.role) return [];
  if (from === 'owner') requireAnotherOwner(project);
  return [
    makeEvent('MemberRoleChanged', {
      projectId: project.projectId,
      userId: command.userId,
      from,
      to: command.role,
    }),
  ];
}

/** Removing oneself is leaving: any member may leave, except the last owner. */
function removeMember(
  project: ExistingProject,
  command: Extract<ProjectCommand, { type: 'RemoveMember' }>,
): ProjectEvent[] {
  const leaving = command.userId === command.actor.userId;
  if (!leaving) requireManager(project);
  const role = requireMember(project, command.userId);
  if (!leaving) requireOwnerFor(project, [role]);
  if (role === 'owner') requireAnotherOwner(project);
  return [makeEvent('MemberRemoved', { projectId: project.projectId, userId: command.userId, role })];
}
