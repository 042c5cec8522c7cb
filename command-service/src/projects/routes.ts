import {
  AddMemberBody,
  ChangeMemberRoleBody,
  CommandAccepted,
  CreateProjectBody,
  emailReservationStream,
  IdParams,
  MemberParams,
  projectStream,
  userStream,
} from '@taskflow/contracts';
import type { EventStore } from '@taskflow/platform/eventstore';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { FeatureDeps } from '../app.ts';
import { entityIdFor, runCommand } from '../command-runner.ts';
import { DomainNotFoundError } from '../domain-errors.ts';
import { commandContextFor, expectedRevisionFrom } from '../http/context.ts';
import { accepted, actorOf } from '../http/responses.ts';
import { projectDecider } from './decider.ts';

const tags = ['projects'];
const security = [{ bearer: [] }];

/** A member is named by id or email; either way the user must exist on the write side. */
async function resolveUser(store: EventStore, body: AddMemberBody): Promise<string> {
  if (body.userId !== undefined) {
    const registered = await store.readStream(userStream(body.userId), { limit: 1 });
    if (registered.length > 0) return body.userId;
  } else if (body.email !== undefined) {
    const [reservation] = await store.readStream(emailReservationStream(body.email), { limit: 1 });
    const owner = reservation?.data.userId;
    if (typeof owner === 'string' && (await store.readStream(userStream(owner), { limit: 1 })).length > 0) {
      return owner;
    }
  }
  throw new DomainNotFoundError('user_not_found', 'No registered user matches');
}

export async function projectRoutes(root: FastifyInstance, deps: FeatureDeps): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const store = deps.eventStore;
  app.addHook('onRequest', app.requireUser);

  app.post(
    '/api/projects',
    { schema: { tags, security, body: CreateProjectBody, response: { 201: CommandAccepted } } },
    async (request, reply) => {
      const context = commandContextFor(request, deps.clock());
      const projectId = entityIdFor(context.commandId, 'project');
      const outcome = await runCommand({
        store,
        streamId: projectStream(projectId),
        decider: projectDecider,
        command: {
          type: 'CreateProject',
          projectId,
          ...request.body,
          actor: actorOf(request),
          now: context.now,
        },
        context,
      });
      reply.code(201).header('location', `/api/projects/${projectId}`);
      return accepted(reply, projectId, outcome);
    },
  );

  app.post(
    '/api/projects/:id/members',
    { schema: { tags, security, params: IdParams, body: AddMemberBody, response: { 201: CommandAccepted } } },
    async (request, reply) => {
      const context = commandContextFor(request, deps.clock());
      const projectId = request.params.id;
      const userId = await resolveUser(store, request.body);
      const outcome = await runCommand({
        store,
        streamId: projectStream(projectId),
        decider: projectDecider,
        command: {
          type: 'AddMember',
          projectId,
          userId,
          role: request.body.role,
          actor: actorOf(request),
          now: context.now,
        },
        context,
        expectedRevision: expectedRevisionFrom(request),
      });
      reply.code(201).header('location', `/api/projects/${projectId}`);
      return accepted(reply, projectId, outcome);
    },
  );

  app.patch(
    '/api/projects/:id/members/:userId',
    {
      schema: {
        tags,
        security,
        params: MemberParams,
        body: ChangeMemberRoleBody,
        response: { 200: CommandAccepted },
      },
    },
    async (request, reply) => {
      const context = commandContextFor(request, deps.clock());
      const { id: projectId, userId } = request.params;
      const outcome = await runCommand({
        store,
        streamId: projectStream(projectId),
        decider: projectDecider,
        command: {
          type: 'ChangeMemberRole',
          projectId,
          userId,
          role: request.body.role,
          actor: actorOf(request),
          now: context.now,
        },
        context,
        expectedRevision: expectedRevisionFrom(request),
      });
      return accepted(reply, projectId, outcome);
    },
  );

  app.delete(
    '/api/projects/:id/members/:userId',
    { schema: { tags, security, params: MemberParams, response: { 204: z.null() } } },
    async (request, reply) => {
      const context = commandContextFor(request, deps.clock());
      const { id: projectId, userId } = request.params;
      const outcome = await runCommand({
        store,
        streamId: projectStream(projectId),
        decider: projectDecider,
        command: { type: 'RemoveMember', projectId, userId, actor: actorOf(request), now: context.now },
        context,
        expectedRevision: expectedRevisionFrom(request),
      });
      accepted(reply, projectId, outcome);
      return reply
        .code(204)
        .header('x-position', outcome.position ?? '')
        .send(null);
    },
  );
}
