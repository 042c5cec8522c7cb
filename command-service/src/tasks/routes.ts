import {
  CommandAccepted,
  CreateTaskBody,
  DeadlineReminderBody,
  IdParams,
  projectStream,
  taskStream,
  UpdateTaskBody,
} from '@taskflow/contracts';
import type { EventStore } from '@taskflow/platform/eventstore';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { FeatureDeps } from '../app.ts';
import { entityIdFor, loadAggregate, runCommand } from '../command-runner.ts';
import { commandContextFor, expectedRevisionFrom } from '../http/context.ts';
import { accepted, actorOf } from '../http/responses.ts';
import { membershipOf, projectDecider } from '../projects/decider.ts';
import { taskDecider, taskNotFound } from './decider.ts';

const tags = ['tasks'];
const security = [{ bearer: [] }];

/** Membership comes from the project's own stream (authoritative), never from a read model. */
async function membership(store: EventStore, projectId: string) {
  const { state } = await loadAggregate(store, projectStream(projectId), projectDecider);
  return membershipOf(projectId, state);
}

async function projectOfTask(store: EventStore, taskId: string): Promise<string> {
  const [created] = await store.readStream(taskStream(taskId), { limit: 1 });
  const projectId = created?.data.projectId;
  if (typeof projectId !== 'string') throw taskNotFound();
  return projectId;
}

export async function taskRoutes(root: FastifyInstance, deps: FeatureDeps): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const store = deps.eventStore;

  app.post(
    '/api/tasks',
    {
      onRequest: app.requireUser,
      schema: { tags, security, body: CreateTaskBody, response: { 201: CommandAccepted } },
    },
    async (request, reply) => {
      const context = commandContextFor(request, deps.clock());
      const taskId = entityIdFor(context.commandId, 'task');
      const project = await membership(store, request.body.projectId);
      const outcome = await runCommand({
        store,
        streamId: taskStream(taskId),
        decider: taskDecider,
        command: {
          type: 'CreateTask',
          taskId,
          ...request.body,
          actor: actorOf(request),
          project,
          now: context.now,
        },
        context,
      });
      reply.code(201).header('location', `/api/tasks/${taskId}`);
      return accepted(reply, taskId, outcome);
    },
  );

  app.patch(
    '/api/tasks/:id',
    {
      onRequest: app.requireUser,
      schema: { tags, security, params: IdParams, body: UpdateTaskBody, response: { 200: CommandAccepted } },
    },
    async (request, reply) => {
      const context = commandContextFor(request, deps.clock());
      const taskId = request.params.id;
      const outcome = await runCommand({
        store,
        streamId: taskStream(taskId),
        decider: taskDecider,
        // The task names its project; membership is loaded per attempt, so a retry sees changes.
        command: async (task) => {
          if (!task.exists) throw taskNotFound();
          return {
            type: 'UpdateTask' as const,
            taskId,
            changes: request.body,
            actor: actorOf(request),
            project: await membership(store, task.projectId),
            now: context.now,
          };
        },
        context,
        expectedRevision: expectedRevisionFrom(request),
      });
      return accepted(reply, taskId, outcome);
    },
  );

  app.post(
    '/internal/tasks/:id/deadline-reminders',
    {
      onRequest: app.requireService,
      schema: {
        tags: ['internal'],
        hide: true,
        params: IdParams,
        body: DeadlineReminderBody,
        response: { 200: CommandAccepted.extend({ reminded: z.boolean() }) },
      },
    },
    async (request, reply) => {
      const context = { ...commandContextFor(request, deps.clock()), actor: null };
      const taskId = request.params.id;
      await projectOfTask(store, taskId);
      const outcome = await runCommand({
        store,
        streamId: taskStream(taskId),
        decider: taskDecider,
        command: { type: 'RemindDeadline', taskId, ...request.body, now: context.now },
        context,
      });
      return { ...accepted(reply, taskId, outcome), reminded: outcome.appended > 0 };
    },
  );
}
