import type { ReminderWindow } from '@taskflow/contracts';
import type { Logger } from '@taskflow/platform';
import type { ReadSide } from '../read-side/port.ts';
import { planReminders } from './plan.ts';
import type { ReminderCommands, ScanResult } from './port.ts';

export interface DeadlineScanner {
  /** One scan: read side → reminder commands. Concurrent calls share the scan in progress. */
  scan(now?: Date): Promise<ScanResult>;
}

export interface ScannerOptions {
  readSide: Pick<ReadSide, 'dueReminders'>;
  commands: ReminderCommands;
  windows: readonly ReminderWindow[];
  logger: Logger;
  /** Commands in flight at once. */
  concurrency?: number;
}

/**
 * `scanned` counts the tasks the read side proposed; `reminded` the commands that appended a
 * reminder. A failing command is logged and retried by the next scan (the decider keeps it
 * idempotent, so any number of scanners in any number of instances may overlap).
 */
export function createDeadlineScanner(options: ScannerOptions): DeadlineScanner {
  const log = options.logger.child({ component: 'deadline-scan' });
  const concurrency = options.concurrency ?? 8;
  let running: Promise<ScanResult> | null = null;

  async function scanOnce(now: Date): Promise<ScanResult> {
    const due = await options.readSide.dueReminders(now);
    const planned = planReminders(due, now, options.windows);
    let reminded = 0;
    let next = 0;
    const worker = async () => {
      while (next < planned.length) {
        const item = planned[next++]!;
        try {
          const answer = await options.commands.remindDeadline(item.taskId, {
            window: item.window,
            deadline: item.deadline,
          });
          if (answer.reminded) reminded += 1;
        } catch (error) {
          log.warn({ err: error, taskId: item.taskId, window: item.window }, 'reminder command failed');
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, planned.length) }, worker));
    const result = { scanned: due.length, reminded };
    if (planned.length > 0) log.info({ ...result, planned: planned.length }, 'deadline scan done');
    return result;
  }

  return {
    scan(now = new Date()) {
      running ??= scanOnce(now).finally(() => {
        running = null;
      });
      return running;
    },
  };
}
