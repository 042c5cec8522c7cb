/**
 * The people and data the end-to-end benchmark needs, made through the public API the way
 * clients make them: users register and log in (the tokens come from login), the manager
 * creates a project, adds the assignees as members and creates the tasks to assign.
 *
 * Logins are spread over loopback source addresses (127.0.0.2, .3, …; the destination is always
 * 127.0.0.1), 25 per address: command-service allows 30 login attempts per client address per
 * minute, and a thousand users do not come from one address. Through nginx that does not help —
 * command-service sees nginx's address for every login — so the stack gets few users (see plan).
 */
import { Agent, request } from 'node:http';
import { apiClient, type Json } from '../e2e/clients.ts';

export const PASSWORD = 'bench password, long enough';
const LOGINS_PER_ADDRESS = 25;

export interface User {
  userId: string;
  email: string;
  token: string;
}

export interface World {
  manager: User;
  assignees: User[];
  idle: User[];
  projectId: string;
  taskIds: string[];
  setupSeconds: number;
}

const agents = new Map<string, Agent>();

/** One JSON request from a given loopback source address. */
function callFrom(
  localAddress: string,
  baseUrl: string,
  method: string,
  path: string,
  body: unknown,
): Promise<{ status: number; retryAfter: number; body: Json }> {
  let agent = agents.get(localAddress);
  if (!agent) {
    agent = new Agent({ keepAlive: true, localAddress });
    agents.set(localAddress, agent);
  }
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      `${baseUrl}${path}`,
      {
        method,
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: Number(res.headers['retry-after'] ?? 1),
            body: text ? JSON.parse(text) : null,
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** An auth call; 429 (nginx's limit_req on /api/auth/) is retried after its Retry-After, briefly. */
async function auth(localAddress: string, baseUrl: string, path: string, body: unknown, expected: number) {
  for (let attempt = 0; ; attempt++) {
    const response = await callFrom(localAddress, baseUrl, 'POST', path, body);
    if (response.status === expected) return response.body;
    if (response.status === 429 && attempt < 10 && response.retryAfter <= 5) {
      await new Promise((resolve) => setTimeout(resolve, response.retryAfter * 1000));
      continue;
    }
    throw new Error(`${path} from ${localAddress}: ${response.status} ${JSON.stringify(response.body)}`);
  }
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function bounded<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>) {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await fn(items[index]!, index);
      }
    }),
  );
  return results;
}

export async function buildWorld(
  baseUrl: string,
  plan: { assignees: number; idleUsers: number; tasks: number },
  progress: (text: string) => void,
): Promise<World> {
  const started = performance.now();
  const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const kinds = [
    'manager',
    ...Array.from({ length: plan.assignees }, () => 'assignee'),
    ...Array.from({ length: plan.idleUsers }, () => 'idle'),
  ];
  const addressOf = (i: number) => `127.0.0.${2 + Math.floor(i / LOGINS_PER_ADDRESS)}`;
  let done = 0;
  const users = await bounded(kinds, 16, async (kind, i): Promise<User> => {
    const email = `bench-${run}-${kind}-${i}@example.com`;
    const address = addressOf(i);
    const registered = await auth(
      address,
      baseUrl,
      '/api/auth/register',
      { name: `Bench ${kind} ${i}`, email, password: PASSWORD },
      201,
    );
    const login = await auth(address, baseUrl, '/api/auth/login', { email, password: PASSWORD }, 200);
    done += 1;
    if (done % 25 === 0) progress(`${done}/${kinds.length} users registered and logged in`);
    return { userId: registered.id, email, token: login.accessToken };
  });
  for (const agent of agents.values()) agent.destroy();
  agents.clear();
  const [manager, ...rest] = users;
  const assignees = rest.slice(0, plan.assignees);
  const idle = rest.slice(plan.assignees);

  const api = apiClient(baseUrl);
  const must = async (what: string, response: Promise<{ status: number; body: Json }>, expected: number) => {
    const { status, body } = await response;
    if (status !== expected) throw new Error(`${what}: ${status} ${JSON.stringify(body)}`);
    return body;
  };
  const token = manager!.token;
  const project = await must(
    'create project',
    api('POST', '/api/projects', { token, body: { name: `Bench ${run}` } }),
    201,
  );
  // One project stream: members are added one after another.
  for (const assignee of assignees) {
    await must(
      'add member',
      api('POST', `/api/projects/${project.id}/members`, {
        token,
        body: { userId: assignee.userId, role: 'member' },
      }),
      201,
    );
  }
  progress(`project with ${assignees.length} members; creating ${plan.tasks} tasks`);
  // Positions are fixed-width strings: they compare as strings.
  let lastPosition = '';
  const taskIds = await bounded(Array.from({ length: plan.tasks }), 16, async (_, i) => {
    const created = await must(
      'create task',
      api('POST', '/api/tasks', { token, body: { projectId: project.id, title: `Seed ${i}` } }),
      201,
    );
    if (String(created.position) > lastPosition) lastPosition = String(created.position);
    return created.id as string;
  });
  // The read side has them (and the memberships) before the load starts.
  const page = await must(
    'list tasks',
    api('GET', `/api/tasks?projectId=${project.id}&status=todo&limit=50`, {
      token,
      headers: { 'x-min-position': lastPosition },
    }),
    200,
  );
  if (page.items.length !== Math.min(50, plan.tasks))
    throw new Error(`the task list has ${page.items.length} items`);
  return {
    manager: manager!,
    assignees,
    idle,
    projectId: project.id,
    taskIds,
    setupSeconds: Math.round((performance.now() - started) / 100) / 10,
  };
}
