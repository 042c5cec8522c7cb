import { Position } from '@taskflow/contracts';
import type { App } from '@taskflow/platform';
import type { EventStore } from '@taskflow/platform/eventstore';
import type { SqlClient } from '@taskflow/platform/sql';
import { z } from 'zod';

/** What every query slice needs: the read models' database and schema, and the event store. */
export interface QueryContext {
  sql: SqlClient;
  eventStore: EventStore;
  /** Interpolated into SQL; validated by `assertSchemaName` when the plugin starts. */
  schema: string;
}

export type { App };

/** OpenAPI: the routes clients call with their access token. */
export const BEARER = [{ bearer: [] }];

/** Routes without query parameters still refuse unknown ones (400 naming them). */
export const NoQuery = z.strictObject({});

/** Documents (and checks the form of) the read-your-writes header on every query route. */
export const ReadYourWritesHeaders = z.looseObject({
  'x-min-position': Position.optional().describe(
    'Answer only once the read models include this position (a command response’s `position`); 503 with Retry-After when they do not catch up in time',
  ),
});
