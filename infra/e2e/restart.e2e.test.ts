import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, apiClient, eventually, SocketClient, startMailCatcher } from './clients.ts';
import { type RunningSystem, startStack } from './system.ts';

const TASKS = 30;

describe('stack mode: services restarted in the middle of traffic', () => {
  let system: RunningSystem;
  let mail: Awaited<ReturnType<typeof startMailCatcher>>;
  let api: Api;

  beforeAll(async () => {
    mail = await startMailCatcher();
    system = await startStack(mail.url);
    api = apiClient(system.baseUrl);
  });

  afterAll(async () => {
    await system?.stop();
    await mail?.stop();
  });

  async function person(name: string) {
    const email = `${name.toLowerCase()}.${Math.random().toString(36).slice(2, 8)}@example.com`;
    const registered = await api('POST', '/api/auth/register', {
      body: { name, email, password: 'correct horse battery' },
    });
    const login = await api('POST', '/api/auth/login', {
      body: { email, password: 'correct horse battery' },
    });
    return { id: registered.body.id as string, email, token: login.body.accessToken as string };
  }

  it('given assignments flowing, when projection-service and a notify instance are killed -9, then every notification arrives once in the inbox, once by email and once on the socket', async () => {
    const manager = await person('Mia');
    const member = await person('Max');
    const project = await api('POST', '/api/projects', { token: manager.token, body: { name: 'Gemini' } });
    await api('POST', `/api/projects/${project.body.id}/members`, {
      token: manager.token,
      body: { userId: member.id, role: 'member' },
    });
    let socket = new SocketClient(system.baseUrl, member.token);
    await socket.opened;
    const received: string[] = [];
    const keep = (from: SocketClient) => () => from.notifications().map((n) => n.id as string);

    let lastPosition = '';
    for (let i = 0; i < TASKS; i++) {
      if (i === 8) await system.crash('projection');
      if (i === 16) await system.crash('notify-1');
      const created = await api('POST', '/api/tasks', {
        token: manager.token,
        headers: { 'idempotency-key': `restart-task-${i}` },
        body: { projectId: project.body.id, title: `Task ${i}`, assigneeId: member.id },
      });
      expect(created.status).toBe(201);
      lastPosition = created.body.position;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    // A socket on the killed instance is gone: reconnect and resume after the last one seen.
    if (socket.closed) {
      const seen = keep(socket)();
      received.push(...seen);
      const last = socket.notifications().at(-1);
      expect(last, 'the socket saw the assignments made before the crash').toBeDefined();
      socket = new SocketClient(system.baseUrl, member.token);
      await socket.opened;
      socket.send({ type: 'resume', after: last.position });
    }
    const inbox = await eventually(
      async () => {
        const page = await api('GET', '/api/notifications?limit=100', {
          token: member.token,
          headers: { 'x-min-position': lastPosition },
        });
        return page.status === 200 && page.body.items.length >= TASKS ? page.body.items : undefined;
      },
      'every assignment in the inbox',
      60_000,
    );
    const ids = inbox.map((n: { id: string }) => n.id);
    expect(new Set(ids).size).toBe(TASKS);
    expect(ids).toHaveLength(TASKS);

    await eventually(
      () => (new Set(mail.mails.map((m) => m.notificationId)).size >= TASKS ? true : undefined),
      'every email',
      60_000,
    );
    const onSocket = await eventually(
      () => {
        const all = [...received, ...keep(socket)()];
        return ids.every((id: string) => all.includes(id)) ? all : undefined;
      },
      'every notification on the socket',
      60_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const mailed = mail.mails.map((m) => m.notificationId).filter((id) => id !== null && ids.includes(id));
    expect(mailed.sort()).toEqual([...ids].sort());
    expect(new Set(onSocket).size).toBe(onSocket.length);
  });
});
