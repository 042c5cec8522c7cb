import { IdParams, Task, TaskAsOfQuery, TaskHistory, TaskListQuery, TaskPage } from '@taskflow/contracts';
import { NotFoundError } from '@taskflow/platform';
import { z } from 'zod';
import { taskAsOf, taskHistory } from '../history/queries.ts';
import { type App, BEARER, NoQuery, type QueryContext, ReadYourWritesHeaders } from '../shared/context.ts';
import { findVisibleTask, listTasks } from './queries.ts';

const TAGS = ['tasks'];
const etag = (revision: number) => `"${revision}"`;

/** GET /api/tasks, /api/tasks/{id} (now, or at a revision / time) and /api/tasks/{id}/history. */
export function registerTaskRoutes(app: App, ctx: QueryContext): void {
  app.get(
    '/api/tasks',
    {
      onRequest: app.requireUser,
      schema: {
        summary: 'The tasks of the caller’s projects, filtered, sorted and paged by cursor',
        tags: TAGS,
        security: BEARER,
        headers: ReadYourWritesHeaders,
        querystring: TaskListQuery,
        response: { 200: TaskPage },
      },
    },
    async (request) => listTasks(ctx, request.user.userId, request.query),
  );

  app.get(
    '/api/tasks/:id',
    {
      onRequest: app.requireUser,
      schema: {
        summary: 'A task with its ETag; ?revision= or ?asOf= gives it as it was then',
        tags: TAGS,
        security: BEARER,
        headers: ReadYourWritesHeaders,
        params: IdParams,
        querystring: TaskAsOfQuery,
        response: { 200: Task, 304: z.null().describe('Not modified: If-None-Match matched the ETag') },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const current = await findVisibleTask(ctx, request.user.userId, id);
      if (!current) throw new NotFoundError(`task ${id} not found`);
      const { revision, asOf } = request.query;
      const task =
        revision !== undefined
          ? await taskAsOf(ctx, id, { revision })
          : asOf !== undefined
            ? await taskAsOf(ctx, id, { asOf })
            : current;
      const tag = etag(task.revision);
      reply.header('etag', tag);
      if (request.headers['if-none-match'] === tag) return reply.code(304).send(null);
      return task;
    },
  );

  app.get(
    '/api/tasks/:id/history',
    {
      onRequest: app.requireUser,
      schema: {
        summary: 'The task’s events as recorded, oldest first',
        tags: TAGS,
        security: BEARER,
        headers: ReadYourWritesHeaders,
        params: IdParams,
        querystring: NoQuery,
        response: { 200: TaskHistory },
      },
    },
    async (request) => {
      const { id } = request.params;
      if (!(await findVisibleTask(ctx, request.user.userId, id)))
        throw new NotFoundError(`task ${id} not found`);
      return taskHistory(ctx, id);
    },
  );
}
