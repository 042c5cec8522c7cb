import { notificationsProjector } from '../notifications/projector.ts';
import { projectsProjector } from '../projects/projector.ts';
import { tasksProjector } from '../tasks/projector.ts';
import { usersProjector } from '../users/projector.ts';
import type { Projector } from './types.ts';

/** Every read model the one subscriber feeds; each sees the whole batch in global order. */
export const ALL_PROJECTORS: readonly Projector[] = [
  usersProjector,
  projectsProjector,
  tasksProjector,
  notificationsProjector,
];
