import { describe, expect, it } from 'vitest';
import { MAX_PAGE_SIZE, NotificationListQuery, TaskAsOfQuery, TaskListQuery } from './index.ts';

describe('query strings', () => {
  it('splits a status list and coerces the limit', () => {
    expect(TaskListQuery.parse({ status: 'todo, in_progress', limit: '5', assignee: 'me' })).toEqual({
      status: ['todo', 'in_progress'],
      limit: 5,
      assignee: 'me',
      sort: '-createdAt',
    });
  });

  it('caps the page size', () => {
    expect(TaskListQuery.safeParse({ limit: String(MAX_PAGE_SIZE + 1) }).success).toBe(false);
  });

  it('refuses an unknown status or an unknown parameter', () => {
    expect(TaskListQuery.safeParse({ status: 'todo,archived' }).success).toBe(false);
    expect(TaskListQuery.safeParse({ owner: 'me' }).success).toBe(false);
  });

  it('reads unread=true as a boolean', () => {
    expect(NotificationListQuery.parse({ unread: 'true' })).toEqual({ unread: true, limit: 50 });
    expect(NotificationListQuery.safeParse({ unread: 'yes' }).success).toBe(false);
  });

  it('takes asOf or revision, not both', () => {
    expect(TaskAsOfQuery.parse({ revision: '3' })).toEqual({ revision: 3 });
    expect(TaskAsOfQuery.safeParse({ revision: '3', asOf: '2030-01-01T00:00:00Z' }).success).toBe(false);
  });
});
