import { describe, expect, it } from 'vitest';
import { LIMITS } from '../primitives/index.ts';
import { AddMemberBody, CreateProjectBody } from './projects.ts';
import { CreateTaskBody, DeadlineReminderBody, UpdateTaskBody } from './tasks.ts';
import { LoginBody, PreferencesBody, RegisterBody } from './users.ts';

const PROJECT = '22222222-2222-4222-8222-222222222222';
const issuePaths = (result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) =>
  result.error?.issues.map((issue) => issue.path.join('.')) ?? [];

describe('request bodies', () => {
  it.each([
    ['RegisterBody', RegisterBody, { name: 'A', email: 'a@example.com', password: 'long enough' }],
    ['CreateTaskBody', CreateTaskBody, { projectId: PROJECT, title: 'T' }],
    ['UpdateTaskBody', UpdateTaskBody, {}],
    [
      'PreferencesBody',
      PreferencesBody,
      { email: { taskAssigned: true, statusChanged: true, deadlineApproaching: true } },
    ],
  ] as const)('%s accepts a valid body and refuses an unknown field', (_, schema, body) => {
    expect(schema.safeParse(body).success).toBe(true);
    const withExtra = schema.safeParse({ ...body, isAdmin: true });
    expect(withExtra.error?.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['isAdmin'] });
  });

  it('refuses unknown fields nested in preferences too', () => {
    const body = { email: { taskAssigned: true, statusChanged: true, deadlineApproaching: true, sms: true } };
    expect(PreferencesBody.safeParse(body).success).toBe(false);
  });

  it('fills task defaults and stores the deadline in canonical UTC', () => {
    expect(
      CreateTaskBody.parse({
        projectId: PROJECT,
        title: '  Fix login ',
        deadline: '2030-01-01T10:00:00+02:00',
      }),
    ).toEqual({
      projectId: PROJECT,
      title: 'Fix login',
      description: '',
      priority: 'medium',
      deadline: '2030-01-01T08:00:00.000Z',
      assigneeId: null,
    });
  });

  it('keeps absent PATCH fields absent and null as a clear', () => {
    expect(UpdateTaskBody.parse({ deadline: null, assigneeId: null })).toEqual({
      deadline: null,
      assigneeId: null,
    });
  });

  it.each([
    ['title', 'x'.repeat(LIMITS.taskTitleMax), true],
    ['title', 'x'.repeat(LIMITS.taskTitleMax + 1), false],
    ['title', '   ', false],
    ['title', 'two\nlines', false],
    ['description', 'x'.repeat(LIMITS.taskDescriptionMax), true],
    ['description', 'x'.repeat(LIMITS.taskDescriptionMax + 1), false],
    ['status', 'archived', false],
    ['deadline', '2030-02-30T00:00:00Z', false],
    ['assigneeId', 'bob', false],
  ] as const)('PATCH %s of %j: accepted %s', (field, value, accepted) => {
    expect(UpdateTaskBody.safeParse({ [field]: value }).success).toBe(accepted);
  });

  it.each([
    [{ name: 'x'.repeat(LIMITS.nameMax + 1) }, 'name'],
    [{ email: `${'x'.repeat(LIMITS.emailMax)}@example.com` }, 'email'],
    [{ email: 'not-an-email' }, 'email'],
    [{ password: 'x'.repeat(LIMITS.passwordMin - 1) }, 'password'],
    [{ password: 'x'.repeat(LIMITS.passwordMax + 1) }, 'password'],
  ])('register refuses %j at %s', (override, path) => {
    const body = { name: 'Alice', email: 'alice@example.com', password: 'correct horse', ...override };
    expect(issuePaths(RegisterBody.safeParse(body))).toEqual([path]);
  });

  it('does not reveal password rules at login: any non-empty password is checked', () => {
    expect(LoginBody.safeParse({ email: 'alice@example.com', password: 'x' }).success).toBe(true);
  });

  it('names a new member by exactly one of userId or email', () => {
    expect(AddMemberBody.safeParse({ userId: PROJECT, role: 'member' }).success).toBe(true);
    expect(AddMemberBody.safeParse({ email: 'bob@example.com', role: 'manager' }).success).toBe(true);
    expect(issuePaths(AddMemberBody.safeParse({ role: 'member' }))).toEqual(['userId']);
    expect(
      issuePaths(AddMemberBody.safeParse({ userId: PROJECT, email: 'b@example.com', role: 'member' })),
    ).toEqual(['userId']);
  });

  it('gives a project an empty description by default', () => {
    expect(CreateProjectBody.parse({ name: 'Launch' })).toEqual({ name: 'Launch', description: '' });
  });

  it('accepts only the known reminder windows', () => {
    expect(DeadlineReminderBody.safeParse({ window: '1h', deadline: '2030-01-01T00:00:00Z' }).success).toBe(
      true,
    );
    expect(
      issuePaths(DeadlineReminderBody.safeParse({ window: '2h', deadline: '2030-01-01T00:00:00Z' })),
    ).toEqual(['window']);
  });
});
