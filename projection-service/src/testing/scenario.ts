import { randomUUID } from 'node:crypto';
import {
  DEFAULT_PREFERENCES,
  makeEvent,
  type ProjectRole,
  projectStream,
  type TaskPriority,
  type TaskStatus,
  taskStream,
  userStream,
} from '@taskflow/contracts';
import type { AppendResult } from '@taskflow/platform/eventstore';
import type { Harness } from './harness.ts';

export interface TestUser {
  id: string;
  name: string;
  email: string;
}

export interface TestTask {
  id: string;
  projectId: string;
  title: string;
  createdBy: string;
  assigneeId: string | null;
  status: TaskStatus;
}

/** Realistic event sequences, as command-service's deciders would append them. */
export function scenario(harness: Harness) {
  const { append } = harness;
  return {
    async user(name: string): Promise<TestUser> {
      const user = { id: randomUUID(), name, email: `${name.toLowerCase()}-${randomUUID()}@example.com` };
      await append(
        userStream(user.id),
        [makeEvent('UserRegistered', { userId: user.id, ...user, preferences: DEFAULT_PREFERENCES })],
        { actor: user.id },
      );
      return user;
    },

    async project(owner: TestUser, name = 'Launch', description = ''): Promise<string> {
      const projectId = randomUUID();
      await append(
        projectStream(projectId),
        [
          makeEvent('ProjectCreated', { projectId, name, description, createdBy: owner.id }),
          makeEvent('MemberAdded', { projectId, userId: owner.id, role: 'owner' }),
        ],
        { actor: owner.id },
      );
      return projectId;
    },

    addMember(projectId: string, user: TestUser, role: ProjectRole, actor: TestUser): Promise<AppendResult> {
      return append(
        projectStream(projectId),
        [makeEvent('MemberAdded', { projectId, userId: user.id, role })],
        {
          actor: actor.id,
        },
      );
    },

    async task(
      projectId: string,
      creator: TestUser,
      fields: {
        title?: string;
        description?: string;
        priority?: TaskPriority;
        deadline?: string | null;
        assignee?: TestUser;
        occurredAt?: string;
      } = {},
    ): Promise<TestTask & { result: AppendResult }> {
      const taskId = randomUUID();
      const title = fields.title ?? 'A task';
      const events = [
        makeEvent('TaskCreated', {
          taskId,
          projectId,
          title,
          description: fields.description ?? '',
          priority: fields.priority ?? 'medium',
          deadline: fields.deadline ?? null,
          createdBy: creator.id,
        }),
        ...(fields.assignee
          ? [
              makeEvent('TaskAssigned', {
                taskId,
                projectId,
                title,
                assigneeId: fields.assignee.id,
                previousAssigneeId: null,
                actorName: creator.name,
              }),
            ]
          : []),
      ];
      const result = await append(taskStream(taskId), events, {
        actor: creator.id,
        ...(fields.occurredAt ? { occurredAt: fields.occurredAt } : {}),
      });
      const assigneeId = fields.assignee?.id ?? null;
      return { id: taskId, projectId, title, createdBy: creator.id, assigneeId, status: 'todo', result };
    },

    moveTask(task: TestTask, to: TaskStatus, actor: TestUser, occurredAt?: string): Promise<AppendResult> {
      const from = task.status;
      task.status = to;
      return append(
        taskStream(task.id),
        [
          makeEvent('TaskStatusChanged', {
            taskId: task.id,
            projectId: task.projectId,
            title: task.title,
            from,
            to,
            createdBy: task.createdBy,
            assigneeId: task.assigneeId,
            actorName: actor.name,
          }),
        ],
        { actor: actor.id, ...(occurredAt ? { occurredAt } : {}) },
      );
    },
  };
}
