import type { EmailPreferences, Notification, ReminderWindow } from '@taskflow/contracts';

/**
 * What notify-service needs of the read side (projection-service). The distributed mode reaches
 * it over HTTP (`createHttpReadSide`); the all-in-one process may pass an in-process one.
 */
export interface ReadSide {
  /** The user's address, display name and email preferences; null for an unknown user. */
  userContact(userId: string): Promise<UserContact | null>;
  /** The user's notifications strictly after `position`, oldest first, at most `limit`. */
  notificationsAfter(userId: string, position: string, limit: number): Promise<Notification[]>;
  /**
   * Whether the user is a member of the project, answered by a read side that has applied at
   * least `atLeast` (the notification's position) when given: Kafka may deliver an event before
   * the projector has caught up with the membership changes before it.
   */
  isMember(projectId: string, userId: string, atLeast?: string): Promise<boolean>;
  /** Open, assigned tasks with a deadline that may have entered a reminder window at `now` (every page). */
  dueReminders(now: Date): Promise<DueReminder[]>;
  /** The project's display name for email texts; optional, null when unknown. */
  projectName?(projectId: string): Promise<string | null>;
}

export interface UserContact {
  id: string;
  name: string;
  email: string;
  preferences: { email: EmailPreferences };
}

export interface DueReminder {
  taskId: string;
  deadline: string;
  /** The window the read side thinks is due; when absent the scanner works it out itself. */
  window?: ReminderWindow;
}
