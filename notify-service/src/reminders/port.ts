import type { ReminderWindow } from '@taskflow/contracts';

/** The reminder command on command-service; idempotent per (deadline, window) there. */
export interface ReminderCommands {
  remindDeadline(
    taskId: string,
    body: { window: ReminderWindow; deadline: string },
  ): Promise<{ reminded: boolean }>;
}

export interface ScanResult {
  scanned: number;
  reminded: number;
}
