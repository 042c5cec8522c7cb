// The messages between the end-to-end benchmark and its load-generator processes (IPC).

export interface Latency {
  count: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** One autocannon run: 64 clients sending task commands, or N clients reading the task list. */
export interface HttpJob {
  role: 'commands' | 'queries';
  baseUrl: string;
  projectId: string;
  /** Access tokens the clients take turns with (each logged in through the API). */
  tokens: string[];
  connections: number;
  warmupSeconds: number;
  seconds: number;
}

export interface HttpResult {
  role: HttpJob['role'];
  connections: number;
  seconds: number;
  ok: number;
  perSecond: number;
  latency: Latency;
  byKind: Record<string, Latency>;
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
  sampleErrors: string[];
  cpuCores: number;
}

/** Idle sockets: each token opens one socket and keeps it until told to close. */
export interface FleetJob {
  role: 'fleet';
  baseUrl: string;
  tokens: string[];
  concurrency: number;
}

/** Paced assignments to users whose sockets this process holds, timed to the frame. */
export interface AssignJob {
  role: 'assign';
  baseUrl: string;
  managerToken: string;
  assignees: { userId: string; token: string }[];
  taskIds: string[];
  perSecond: number;
  warmupSeconds: number;
  seconds: number;
  /** After the measured window: how long to wait for the last answers and frames. */
  frameTimeoutSeconds: number;
}

export interface AssignResult {
  role: 'assign';
  offeredPerSecond: number;
  seconds: number;
  sent: number;
  accepted: number;
  /** Requests still without an answer when the drain ended. */
  unanswered: number;
  statuses: Record<string, number>;
  /** Assignments not sent because every task had a request in flight (the system fell behind). */
  skipped: number;
  frames: number;
  /** Accepted assignments whose frame had not come when the drain ended. */
  missing: number;
  /** Frames whose position belonged to another task or user (should be 0). */
  mismatched: number;
  frameLatency: Latency;
  postLatency: Latency;
  /** Frame arrival minus the PATCH's answer (negative when the frame came first). */
  afterAnswerLatency: Latency;
  /** By the second of the window the assignment was sent in: frames, p50 and max latency. */
  timeline: { second: number; frames: number; p50Ms: number; maxMs: number }[];
  sampleErrors: string[];
  cpuCores: number;
}

export type LoadJob = HttpJob | FleetJob | AssignJob;

export type LoadReply =
  | { type: 'progress'; role: LoadJob['role']; text: string }
  | { type: 'ready' }
  | { type: 'opened'; open: number; failed: number; seconds: number; sampleErrors: string[] }
  | { type: 'closed'; stillOpen: number }
  | { type: 'result'; result: HttpResult | AssignResult }
  | { type: 'failed'; error: string };

/** `go` starts an assign job whose sockets are open (it answered `ready`). */
export type LoadCommand = { cmd: 'run'; job: LoadJob } | { cmd: 'go' } | { cmd: 'close' };
