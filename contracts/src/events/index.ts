export * from './domain-event.ts';
export * from './guards.ts';
export * from './inbox-events.ts';
export * from './project-events.ts';
export * from './task-events.ts';
export * from './user-events.ts';
