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
