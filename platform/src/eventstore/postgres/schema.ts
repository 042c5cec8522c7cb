import type { Migration } from '../../sql/migrations.ts';

export const EVENTSTORE_MIGRATION_NAMESPACE = 'eventstore';

/** NOTIFY channel that wakes live subscriptions; the payload carries nothing. */
export const EVENTSTORE_CHANNEL = 'eventstore_appended';

/**
 * The full append, `eventstore_append(stream, expected, events-json)`: every batch, and any
 * single event the one-statement path below does not settle. It decides every outcome.
 */
export const APPEND_SQL =
  'SELECT outcome, stream_revision, event_position FROM eventstore_append($1, $2, $3::jsonb)';
/**
 * The common case, one event, as one plain statement: no function call, no JSON array to
 * unpack. Parameters: stream, mode ('any' | 'no_stream' | 'stream_exists' | 'exact'), exact
 * revision or NULL, id, type, data JSON, metadata JSON. It appends and returns a row, or
 * returns none when the expectation fails or (for any/stream_exists) the id is recorded,
 * which APPEND_SQL then sorts out. Expectations no_stream and exact need no id probe: a
 * retry of such an append always finds its stream moved on.
 */
export const APPEND_ONE_SQL = `INSERT INTO eventstore_events (stream_id, revision, event_id, event_type, data, metadata)
SELECT $1, stream.current + 1, $4::uuid, $5, $6::jsonb, $7::jsonb
FROM (SELECT coalesce((SELECT e.revision FROM eventstore_events e WHERE e.stream_id = $1
                       ORDER BY e.revision DESC LIMIT 1), -1) AS current) AS stream
WHERE CASE $2::text
        WHEN 'no_stream' THEN stream.current = -1
        WHEN 'exact' THEN stream.current = $3::bigint
        WHEN 'stream_exists' THEN stream.current >= 0
        ELSE true
      END
  AND ($2::text IN ('no_stream', 'exact')
       OR NOT EXISTS (SELECT FROM eventstore_events k WHERE k.event_id = $4::uuid))
RETURNING revision AS stream_revision, eventstore_position(transaction_id, global_position) AS event_position`;
/** Same parameters as APPEND_SQL; answers an append whose event ids turned out to be recorded already. */
export const CLASSIFY_RECORDED_SQL =
  'SELECT outcome, stream_revision, event_position FROM eventstore_classify_recorded($1, $2, $3::jsonb)';
/** The unique index an append trips when one of its event ids is recorded already. */
export const EVENT_ID_CONSTRAINT = 'eventstore_events_event_id_key';

// Every function of the event store, in its current form. v1 was edited while it was new, so
// databases migrated then hold older versions of these; v2 replaces them all, and from now
// on a change to a function is a new migration that runs this again.
const FUNCTIONS_SQL = `
CREATE OR REPLACE FUNCTION eventstore_position(p_transaction_id xid8, p_global_position bigint) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN lpad(p_transaction_id::text, 20, '0') || '-' || lpad(p_global_position::text, 20, '0');

-- The transaction-id horizon readers stay below. Rows below the oldest running transaction
-- are final, but that transaction may be in another database of the cluster (another
-- service, a test, a long report) and can never write here: transactions still running and
-- listed in another database are skipped; anything not known to be elsewhere counts, which
-- errs on the safe side. STABLE, so it sees the calling statement's snapshot; plpgsql, so its
-- plan is cached per session (as a SQL function it was re-planned on every call, ~0.4 ms).
CREATE OR REPLACE FUNCTION eventstore_horizon() RETURNS xid8
LANGUAGE plpgsql STABLE
AS $$
BEGIN
  RETURN (
    SELECT coalesce(min(running), pg_snapshot_xmax(pg_current_snapshot()))
    FROM pg_snapshot_xip(pg_current_snapshot()) AS running
    WHERE xid(running) NOT IN (
      SELECT activity.backend_xid FROM pg_stat_get_activity(NULL) AS activity
      WHERE activity.backend_xid IS NOT NULL
        AND activity.datid IS DISTINCT FROM (SELECT oid FROM pg_database WHERE datname = current_database())));
END;
$$;

-- p_current is the stream's last revision, NULL when the stream does not exist.
CREATE OR REPLACE FUNCTION eventstore_expectation_met(p_expected text, p_current bigint) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE p_expected
  WHEN 'any' THEN true
  WHEN 'no_stream' THEN p_current IS NULL
  WHEN 'stream_exists' THEN p_current IS NOT NULL
  ELSE p_current IS NOT DISTINCT FROM p_expected::bigint
END;

-- Called only when some of the events' ids are already recorded: a retry of an append that
-- already happened (same ids, same place, an expectation that held then) gets the original
-- answer; anything else is a conflict. event_position names the holding stream for event_id_taken.
CREATE OR REPLACE FUNCTION eventstore_classify_recorded(p_stream_id text, p_expected text, p_events jsonb,
  OUT outcome text, OUT stream_revision bigint, OUT event_position text)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_count bigint := jsonb_array_length(p_events);
  v_first_stream text;
  v_first_revision bigint;
  v_first_ordinal bigint;
  v_matching bigint;
BEGIN
  SELECT e.stream_id, e.revision, p.ordinal INTO v_first_stream, v_first_revision, v_first_ordinal
  FROM jsonb_array_elements(p_events) WITH ORDINALITY AS p(event, ordinal)
  JOIN eventstore_events e ON e.event_id = (p.event->>'id')::uuid
  ORDER BY p.ordinal LIMIT 1;
  SELECT count(*) INTO v_matching
  FROM jsonb_array_elements(p_events) WITH ORDINALITY AS p(event, ordinal)
  JOIN eventstore_events e ON e.event_id = (p.event->>'id')::uuid
  WHERE e.stream_id = p_stream_id AND e.revision = v_first_revision + p.ordinal - 1;
  IF v_first_ordinal <> 1 OR v_first_stream <> p_stream_id OR v_matching <> v_count THEN
    outcome := 'event_id_taken';
    stream_revision := v_first_revision;
    event_position := v_first_stream;
  ELSIF eventstore_expectation_met(p_expected, NULLIF(v_first_revision - 1, -1)) THEN
    SELECT 'replayed', e.revision, eventstore_position(e.transaction_id, e.global_position)
    INTO outcome, stream_revision, event_position
    FROM eventstore_events e WHERE e.stream_id = p_stream_id AND e.revision = v_first_revision + v_count - 1;
  ELSE
    outcome := 'wrong_expected_revision';
    SELECT max(e.revision) INTO stream_revision FROM eventstore_events e WHERE e.stream_id = p_stream_id;
  END IF;
END;
$fn$;

-- Outcomes: appended | replayed (nothing written, the first attempt's answer) |
-- wrong_expected_revision (stream_revision = current, NULL for no stream) | event_id_taken.
-- Two appends racing for one stream collide on (stream_id, revision); the loser gets a unique
-- violation and the caller calls again, which then sees the winner. Every statement here costs
-- an executor start-up, so the common cases run two: a retried append expecting no_stream or
-- an exact revision always finds its stream moved on, and only then are its ids looked up;
-- ids recorded elsewhere trip the unique index (the caller then asks eventstore_classify_recorded).
CREATE OR REPLACE FUNCTION eventstore_append(p_stream_id text, p_expected text, p_events jsonb,
  OUT outcome text, OUT stream_revision bigint, OUT event_position text)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_single boolean := jsonb_array_length(p_events) = 1;
  v_unconditional boolean := p_expected IN ('any', 'stream_exists');
  v_current bigint;
  v_recorded boolean := false;
  v_transaction_id xid8;
  v_global_position bigint;
BEGIN
  IF v_unconditional AND v_single THEN
    SELECT (SELECT e.revision FROM eventstore_events e WHERE e.stream_id = p_stream_id ORDER BY e.revision DESC LIMIT 1),
           EXISTS (SELECT FROM eventstore_events e WHERE e.event_id = (p_events->0->>'id')::uuid)
    INTO v_current, v_recorded;
  ELSE
    SELECT e.revision INTO v_current FROM eventstore_events e
    WHERE e.stream_id = p_stream_id ORDER BY e.revision DESC LIMIT 1;
    IF v_unconditional OR NOT eventstore_expectation_met(p_expected, v_current) THEN
      v_recorded := EXISTS (SELECT FROM eventstore_events e
        WHERE e.event_id IN (SELECT (x->>'id')::uuid FROM jsonb_array_elements(p_events) AS x));
    END IF;
  END IF;
  IF v_recorded THEN
    SELECT r.outcome, r.stream_revision, r.event_position INTO outcome, stream_revision, event_position
    FROM eventstore_classify_recorded(p_stream_id, p_expected, p_events) AS r;
    RETURN;
  END IF;
  IF NOT eventstore_expectation_met(p_expected, v_current) THEN
    outcome := 'wrong_expected_revision';
    stream_revision := v_current;
    RETURN;
  END IF;

  IF v_single THEN
    INSERT INTO eventstore_events (stream_id, revision, event_id, event_type, data, metadata)
    VALUES (p_stream_id, coalesce(v_current, -1) + 1, (p_events->0->>'id')::uuid, p_events->0->>'type',
            p_events->0->'data', p_events->0->'metadata')
    RETURNING revision, transaction_id, global_position INTO stream_revision, v_transaction_id, v_global_position;
  ELSE
    WITH appended AS (
      INSERT INTO eventstore_events (stream_id, revision, event_id, event_type, data, metadata)
      SELECT p_stream_id, coalesce(v_current, -1) + p.ordinal, (p.event->>'id')::uuid, p.event->>'type',
             p.event->'data', p.event->'metadata'
      FROM jsonb_array_elements(p_events) WITH ORDINALITY AS p(event, ordinal)
      ORDER BY p.ordinal
      RETURNING revision, transaction_id, global_position
    )
    SELECT a.revision, a.transaction_id, a.global_position INTO stream_revision, v_transaction_id, v_global_position
    FROM appended a ORDER BY a.revision DESC LIMIT 1;
  END IF;
  outcome := 'appended';
  event_position := eventstore_position(v_transaction_id, v_global_position);
END;
$fn$;
`;

export const eventStoreMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'events table and append function',
    sql: `
CREATE TABLE eventstore_events (
  -- Readers stop below the oldest running transaction, so a late commit can never be skipped.
  transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
  global_position bigserial NOT NULL,
  stream_id text NOT NULL,
  revision bigint NOT NULL CHECK (revision >= 0),
  event_id uuid NOT NULL,
  event_type text NOT NULL,
  data jsonb NOT NULL,
  metadata jsonb NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT eventstore_events_pkey PRIMARY KEY (transaction_id, global_position),
  CONSTRAINT eventstore_events_stream_revision_key UNIQUE (stream_id, revision),
  CONSTRAINT eventstore_events_event_id_key UNIQUE (event_id)
);
${FUNCTIONS_SQL}`,
  },
  {
    version: 2,
    name: 'current function definitions',
    // The append functions changed their result shape, which CREATE OR REPLACE cannot do.
    sql: `
DROP FUNCTION IF EXISTS eventstore_append(text, text, jsonb);
DROP FUNCTION IF EXISTS eventstore_classify_recorded(text, text, jsonb);
${FUNCTIONS_SQL}`,
  },
];
