import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, apiClient, eventually, type Json, SocketClient, startMailCatcher } from './clients.ts';
import { type Mode, type RunningSystem, startAllInOne, startStack } from './system.ts';

interface Person {
  id: string;
  email: string;
  token: string;
}

const MODES: Mode[] = ['all-in-one', 'stack'];

describe.each(MODES)('TaskFlow end to end through one URL (%s mode)', (mode) => {
  let system: RunningSystem;
  let mail: Awaited<ReturnType<typeof startMailCatcher>>;
  let api: Api;
  let manager: Person;
  let member: Person;
  let outsider: Person;
  let projectId: string;
  let taskId: string;
  let lastPosition: string;
  const sockets: SocketClient[] = [];

  async function person(name: string): Promise<Person> {
    const email = `${name.toLowerCase()}.${Math.random().toString(36).slice(2, 8)}@example.com`;
    const registered = await api('POST', '/api/auth/register', {
      body: { name, email, password: 'correct horse battery' },
    });
    expect(registered.status).toBe(201);
    const login = await api('POST', '/api/auth/login', {
      body: { email, password: 'correct horse battery' },
    });
    expect(login.status).toBe(200);
    return { id: registered.body.id, email, token: login.body.accessToken };
  }

  const fresh = (position: string) => ({ 'x-min-position': position });
  const inbox = async (who: Person, position = lastPosition) =>
    (await api('GET', '/api/notifications', { token: who.token, headers: fresh(position) })).body
      .items as Json[];
  const unread = async (who: Person) =>
    (await api('GET', '/api/notifications/unread-count', { token: who.token, headers: fresh(lastPosition) }))
      .body.count;
  const openSocket = async (who: Person) => {
    const socket = new SocketClient(system.baseUrl, who.token);
    sockets.push(socket);
    await socket.opened;
    return socket;
  };

  beforeAll(async () => {
    mail = await startMailCatcher();
    system = mode === 'stack' ? await startStack(mail.url) : await startAllInOne(mail.url);
    api = apiClient(system.baseUrl);
    [manager, member, outsider] = [await person('Mia'), await person('Max'), await person('Olga')];
  });

  afterAll(async () => {
    await Promise.all(sockets.map((socket) => socket.close()));
    await system?.stop();
    await mail?.stop();
  });

  it('given a manager, a member and a project, when a task with a near deadline is assigned to the member, then their socket, inbox and mailbox all get the same notification', async () => {
    const project = await api('POST', '/api/projects', { token: manager.token, body: { name: 'Apollo' } });
    expect(project.status).toBe(201);
    projectId = project.body.id;
    const added = await api('POST', `/api/projects/${projectId}/members`, {
      token: manager.token,
      body: { email: member.email, role: 'member' },
    });
    expect(added.status).toBe(201);
    const memberSocket = await openSocket(member);

    const deadline = new Date(Date.now() + 30 * 60_000).toISOString();
    const created = await api('POST', '/api/tasks', {
      token: manager.token,
      body: { projectId, title: 'Fix the O-ring', deadline, assigneeId: member.id, priority: 'urgent' },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/api/tasks/${created.body.id}`);
    taskId = created.body.id;
    lastPosition = created.body.position;

    const pushed = await eventually(
      () => memberSocket.notifications('task.assigned')[0],
      'task.assigned on the socket',
    );
    expect(pushed.taskId).toBe(taskId);
    const [stored] = await inbox(member);
    expect(stored).toMatchObject({ id: pushed.id, type: 'task.assigned', isRead: false, taskId, projectId });
    const email = await eventually(
      () => mail.mails.find((m) => m.notificationId === pushed.id),
      'the assignment email',
    );
    expect(email.to).toEqual([member.email]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(mail.mails.filter((m) => m.notificationId === pushed.id)).toHaveLength(1);
  });

  it('when the member moves the task, then the creator is notified and the actor is not', async () => {
    const moved = await api('PATCH', `/api/tasks/${taskId}`, {
      token: member.token,
      body: { status: 'in_progress' },
    });
    expect(moved.status).toBe(200);
    lastPosition = moved.body.position;
    const managerInbox = await inbox(manager);
    expect(managerInbox.map((n) => n.type)).toEqual(['task.status_changed']);
    expect((await inbox(member)).map((n) => n.type)).toEqual(['task.assigned']);
  });

  it('when the deadline scan runs, then exactly one reminder, and a second scan adds none', async () => {
    const scan = () => api('POST', '/notify/deadline', { token: system.operatorToken });
    const first = await scan();
    expect(first.status).toBe(200);
    expect(first.body.reminded).toBe(1);
    const second = await scan();
    expect(second.body.reminded).toBe(0);
    const reminders = await eventually(async () => {
      const items = (await inbox(member, lastPosition)).filter((n) => n.type === 'task.deadline_approaching');
      return items.length > 0 ? items : undefined;
    }, 'the deadline reminder in the inbox');
    expect(reminders).toHaveLength(1);
    const denied = await api('POST', '/notify/deadline', { token: member.token });
    expect(denied.status).toBe(403);
  });

  it('given the member disconnected and missed a change, when they resume, then they get exactly the missed notification', async () => {
    const socket = sockets[0]!;
    const seen = socket.notifications();
    const lastSeen = seen.at(-1)!;
    await socket.close();
    const blocked = await api('PATCH', `/api/tasks/${taskId}`, {
      token: manager.token,
      body: { status: 'blocked' },
    });
    expect(blocked.status).toBe(200);
    lastPosition = blocked.body.position;
    const missed = (await inbox(member)).find((n) => n.type === 'task.status_changed');
    expect(missed).toBeDefined();

    const again = await openSocket(member);
    again.send({ type: 'resume', after: lastSeen.position });
    const delivered = await eventually(
      () => (again.notifications().some((n) => n.id === missed.id) ? again.notifications() : undefined),
      'the missed notification after resume',
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const afterLastSeen = again.notifications().filter((n) => !seen.some((s) => s.id === n.id));
    expect(afterLastSeen.map((n) => n.id)).toEqual([missed.id]);
    expect(new Set(delivered.map((n) => n.id)).size).toBe(again.notifications().length);
  });

  it('when the member marks one notification read, then the unread count drops by one', async () => {
    const before = await unread(member);
    const [newest] = await inbox(member);
    const read = await api('POST', `/api/notifications/${newest.id}/read`, { token: member.token });
    expect(read.status).toBe(204);
    const position = read.headers.get('x-position');
    if (position) lastPosition = position;
    expect(await unread(member)).toBe(before - 1);
  });

  it('then history lists every event and ?revision=1 shows the task as created', async () => {
    const history = await api('GET', `/api/tasks/${taskId}/history`, { token: manager.token });
    expect(history.status).toBe(200);
    expect(history.body.items.map((item: Json) => item.type)).toEqual([
      'TaskCreated',
      'TaskAssigned',
      'TaskStatusChanged',
      'TaskDeadlineApproaching',
      'TaskStatusChanged',
    ]);
    const asCreated = await api('GET', `/api/tasks/${taskId}?revision=1`, { token: manager.token });
    expect(asCreated.status).toBe(200);
    expect(asCreated.body).toMatchObject({ id: taskId, status: 'todo', assigneeId: null, revision: 1 });
    const now = await api('GET', `/api/tasks/${taskId}`, {
      token: manager.token,
      headers: fresh(lastPosition),
    });
    expect(now.body).toMatchObject({ status: 'blocked', assigneeId: member.id });
    expect(now.headers.get('etag')).toBe(`"${now.body.revision}"`);
  });

  it('an outsider can see, change and hear nothing of the project', async () => {
    const socket = await openSocket(outsider);
    for (const path of [
      `/api/tasks/${taskId}`,
      `/api/tasks/${taskId}/history`,
      `/api/projects/${projectId}`,
    ]) {
      expect((await api('GET', path, { token: outsider.token })).status).toBe(404);
    }
    const listed = await api('GET', `/api/tasks?projectId=${projectId}`, { token: outsider.token });
    expect(listed.body.items ?? []).toEqual([]);
    const patched = await api('PATCH', `/api/tasks/${taskId}`, {
      token: outsider.token,
      body: { title: 'mine' },
    });
    expect(patched.status).toBe(404);
    const touched = await api('PATCH', `/api/tasks/${taskId}`, {
      token: manager.token,
      body: { priority: 'low' },
    });
    expect(touched.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(socket.notifications()).toEqual([]);
    expect(await inbox(outsider, touched.body.position)).toEqual([]);
  });

  it('the gateway hides internal routes and serves one OpenAPI document for every route', async () => {
    // Behind nginx internal routes do not exist; the all-in-one process has no gateway, so
    // there they answer only to the service identity.
    const internal = await api('GET', `/internal/users/${member.id}/contact`, { token: member.token });
    expect(internal.status).toBe(mode === 'stack' ? 404 : 403);
    const doc = await api('GET', '/api/openapi.json');
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/api/tasks', '/api/tasks/{id}', '/api/auth/login', '/api/notifications']),
    );
    expect(doc.body.paths['/api/tasks']).toHaveProperty('get');
    expect(doc.body.paths['/api/tasks']).toHaveProperty('post');
  });
});
