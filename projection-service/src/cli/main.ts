// Operator and auditor commands, run by ./taskflow: `projections rebuild`, `projections verify`,
// `history <taskId>`. Reads DATABASE_URL (the read models, and the event store unless
// EVENT_STORE=esdb). Exit 0 when done (verify: equal), 1 on failure or difference, 2 on bad usage.
import { ConfigError, envUrl, loadConfig } from '@taskflow/platform';
import { createEsdbEventStore, createPostgresEventStore } from '@taskflow/platform/eventstore';
import { createPgSqlClient } from '@taskflow/platform/sql';
import { z } from 'zod';
import { rebuildReadModels } from '../rebuild/rebuild.ts';
import { verifyReadModels } from '../rebuild/verify.ts';
import { printTaskHistory } from './history.ts';
import { stderrLogger } from './logger.ts';
import { formatVerdict } from './verdict.ts';

const USAGE = `usage: projections rebuild | projections verify | history <taskId> [--json]`;

const Env = z
  .object({
    DATABASE_URL: envUrl,
    EVENT_STORE: z.enum(['postgres', 'esdb']).default('postgres'),
    ESDB_URL: z.string().min(1).optional(),
    LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('warn'),
  })
  .refine((env) => env.EVENT_STORE !== 'esdb' || env.ESDB_URL !== undefined, {
    message: 'ESDB_URL is required when EVENT_STORE=esdb',
    path: ['ESDB_URL'],
  });

const Command = z.union([
  z.object({
    words: z.tuple([z.literal('projections'), z.enum(['rebuild', 'verify'])]),
    json: z.literal(false),
  }),
  z.object({
    words: z.tuple([z.literal('history'), z.uuid({ error: 'taskId must be a task id (a UUID)' })]),
    json: z.boolean(),
  }),
]);

function parseArgs(argv: string[]): z.infer<typeof Command> {
  const unknown = argv.filter((arg) => arg.startsWith('-') && arg !== '--json');
  if (unknown.length > 0) throw new UsageError(`unknown option ${unknown.join(', ')}`);
  const parsed = Command.safeParse({
    words: argv.filter((arg) => !arg.startsWith('-')),
    json: argv.includes('--json'),
  });
  if (!parsed.success) {
    const taskId = parsed.error.issues.find((issue) => issue.message.startsWith('taskId'));
    throw new UsageError(taskId?.message ?? `unknown command: ${argv.join(' ') || '(none)'}`);
  }
  return parsed.data;
}

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const command = parseArgs(argv);
  const env = loadConfig(Env);
  const logger = stderrLogger(env.LOG_LEVEL);
  // A few connections: a replay reads the next page while it commits, a swap holds its lock.
  const sql = createPgSqlClient({ connectionString: env.DATABASE_URL, maxConnections: 6 });
  const eventStore =
    env.EVENT_STORE === 'esdb'
      ? await createEsdbEventStore(env.ESDB_URL!)
      : await createPostgresEventStore(sql, { migrate: false });
  const report = (line: string) => process.stderr.write(`${line}\n`);
  try {
    const [verb, argument] = command.words;
    if (verb === 'history') {
      const count = await printTaskHistory({ eventStore, sql }, argument, {
        json: command.json,
        write: (text) => process.stdout.write(text),
      });
      if (count === 0) report(`history: no events for task ${argument}`);
      return count === 0 ? 1 : 0;
    }
    if (argument === 'rebuild') {
      const result = await rebuildReadModels({ sql, eventStore, logger, report });
      process.stdout.write(
        `rebuild: swapped in read models at ${result.position ?? 'the start (empty log)'}: ${result.events} events in ${result.seconds.toFixed(1)}s (${result.eventsPerSecond} events/s)\n`,
      );
      return 0;
    }
    const result = await verifyReadModels({ sql, eventStore, logger, report });
    process.stdout.write(formatVerdict(result));
    return result.equal ? 0 : 1;
  } finally {
    await eventStore.close();
    await sql.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n${USAGE}\n`);
      process.exitCode = 2;
    } else if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    }
  },
);
