/**
 * projection-service: the read side. Mount the query routes with
 * `app.register(buildProjectionService, { sql, eventStore, logger })` (after the auth plugin),
 * and run the projector with `startProjector({ sql, eventStore, logger })` in one process.
 */
export { CHECKPOINT_CHANNEL, readCheckpoint } from './checkpoints/store.ts';
export { type ForwarderDeps, type ForwarderHandle, startForwarder } from './forwarder/forwarder.ts';
export { toKafkaMessage } from './forwarder/messages.ts';
export { createInProcessReadSide, type InProcessReadSide } from './internal-queries.ts';
export { LEADER_LOCKS, type Leadership, runAsLeader } from './leader/advisory-lock.ts';
export { NotificationsAfterQuery } from './notifications/routes.ts';
export {
  buildProjectionService,
  DEFAULT_MIN_POSITION_WAIT_MS,
  type ProjectionServiceDeps,
} from './plugin.ts';
export { ProjectorHaltedError } from './projector/apply.ts';
export { ALL_PROJECTORS } from './projector/registry.ts';
export {
  type ProjectorDeps,
  type ProjectorHandle,
  type ProjectorStats,
  startProjector,
} from './projector/runner.ts';
export type { ProjectedEvent, Projector } from './projector/types.ts';
export { MembershipAnswer } from './projects/routes.ts';
export {
  assertSchemaName,
  migrateReadModels,
  READ_MODELS_CHECKPOINT,
  READ_SCHEMA,
  REBUILD_SCHEMA,
  readModelDdl,
} from './schema.ts';
export { DueReminder, DueReminderPage, DueRemindersQuery } from './tasks/deadlines.ts';
export { evolveTaskView, foldRecordedTask } from './tasks/view.ts';
export { dumpReadModels, READ_MODEL_TABLES } from './testing/dump.ts';
export { UserContact } from './users/routes.ts';
