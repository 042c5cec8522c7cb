export * from './reminders.ts';
export * from './status.ts';
