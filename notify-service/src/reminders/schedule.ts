import type { Logger } from '@taskflow/platform';
import cron from 'node-cron';
import type { DeadlineScanner } from './scanner.ts';

export interface ReminderSchedule {
  stop(): Promise<void>;
}

/** Runs the scan on a cron expression (every minute by default); a slow scan is never overlapped. */
export function scheduleDeadlineScan(
  scanner: DeadlineScanner,
  expression: string,
  logger: Logger,
): ReminderSchedule {
  if (!cron.validate(expression)) throw new Error(`DEADLINE_CRON: not a cron expression: ${expression}`);
  const task = cron.createTask(
    expression,
    async () => {
      try {
        await scanner.scan(new Date());
      } catch (error) {
        logger.warn({ err: error }, 'scheduled deadline scan failed');
      }
    },
    { name: 'deadline-scan', noOverlap: true },
  );
  void task.start();
  return {
    async stop() {
      await task.destroy();
    },
  };
}
