/** Messages between the benchmark and its child processes (over the fork IPC channel). */

export type ServerCommand =
  | { cmd: 'memory' }
  | { cmd: 'tokens'; users: string[] }
  /** Pushes `perTick` notifications every 10 ms for `seconds`, round-robin over `users`. */
  | { cmd: 'fanout'; users: string[]; perTick: number; seconds: number }
  | { cmd: 'stop' };

export type ServerReply =
  | { type: 'ready'; port: number }
  | { type: 'memory'; rss: number; heapUsed: number; sockets: number }
  | { type: 'tokens'; tokens: string[] }
  | { type: 'fanout-done'; pushed: number; seconds: number };

export type ClientCommand =
  | { cmd: 'open'; url: string; tokens: string[]; localAddresses: string[] }
  | { cmd: 'reset' }
  | { cmd: 'report' }
  | { cmd: 'close' };

export type ClientReply =
  | { type: 'opened'; open: number; failed: number }
  | { type: 'report'; received: number; latencies: number[] }
  | { type: 'closed' };
