import { IdParams, MAX_PAGE_SIZE, ProjectDetail, ProjectPage, ProjectRole, Uuid } from '@taskflow/contracts';
import { NotFoundError } from '@taskflow/platform';
import { z } from 'zod';
import { type App, BEARER, NoQuery, type QueryContext, ReadYourWritesHeaders } from '../shared/context.ts';
import { roleIn } from './access.ts';
import { findProjectName, findVisibleProject, listProjects } from './queries.ts';

const TAGS = ['projects'];

export const ProjectListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(50),
  cursor: z.string().min(1).max(512).optional(),
});

/** 200 only for a member: a 404 means "not a member (now)", which callers must treat as no. */
export const MembershipAnswer = z.object({ projectId: Uuid, userId: Uuid, role: ProjectRole });

export const InternalProject = z.object({ id: Uuid, name: z.string() });

/** GET /api/projects, /api/projects/{id}; internal: is a user a member of a project now. */
export function registerProjectRoutes(app: App, ctx: QueryContext): void {
  app.get(
    '/api/projects',
    {
      onRequest: app.requireUser,
      schema: {
        summary: 'The caller’s projects with their role',
        tags: TAGS,
        security: BEARER,
        headers: ReadYourWritesHeaders,
        querystring: ProjectListQuery,
        response: { 200: ProjectPage },
      },
    },
    async (request) => listProjects(ctx, request.user.userId, request.query),
  );

  app.get(
    '/api/projects/:id',
    {
      onRequest: app.requireUser,
      schema: {
        summary: 'A project of the caller’s, with its members',
        tags: TAGS,
        security: BEARER,
        headers: ReadYourWritesHeaders,
        params: IdParams,
        querystring: NoQuery,
        response: { 200: ProjectDetail },
      },
    },
    async (request) => {
      const project = await findVisibleProject(ctx, request.user.userId, request.params.id);
      if (!project) throw new NotFoundError(`project ${request.params.id} not found`);
      return project;
    },
  );

  app.get(
    '/internal/projects/:id/members/:userId',
    {
      onRequest: app.requireService,
      schema: {
        summary:
          'A user’s membership of a project right now (push-time authorization); 404 when not a member',
        tags: ['internal'],
        hide: true,
        params: z.strictObject({ id: Uuid, userId: Uuid }),
        querystring: NoQuery,
        response: { 200: MembershipAnswer },
      },
    },
    async (request) => {
      const { id, userId } = request.params;
      const role = await roleIn(ctx, id, userId);
      if (role === null) throw new NotFoundError(`user ${userId} is not a member of project ${id}`);
      return { projectId: id, userId, role };
    },
  );

  app.get(
    '/internal/projects/:id',
    {
      onRequest: app.requireService,
      schema: {
        summary: 'Any project’s name (for notification emails)',
        tags: ['internal'],
        hide: true,
        params: IdParams,
        querystring: NoQuery,
        response: { 200: InternalProject },
      },
    },
    async (request) => {
      const name = await findProjectName(ctx, request.params.id);
      if (name === null) throw new NotFoundError(`project ${request.params.id} not found`);
      return { id: request.params.id, name };
    },
  );
}
