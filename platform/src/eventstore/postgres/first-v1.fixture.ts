/**
 * The event store's migration v1 exactly as first published (commit aa3b951), before its
 * functions were reworked: databases migrated then must be brought up to date by v2.
 */
export const FIRST_PUBLISHED_V1_SQL = `
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

CREATE FUNCTION eventstore_position(p_transaction_id xid8, p_global_position bigint) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN lpad(p_transaction_id::text, 20, '0') || '-' || lpad(p_global_position::text, 20, '0');

-- p_current is the stream's last revision, NULL when the stream does not exist.
CREATE FUNCTION eventstore_expectation_met(p_expected text, p_current bigint) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE p_expected
  WHEN 'any' THEN true
  WHEN 'no_stream' THEN p_current IS NULL
  WHEN 'stream_exists' THEN p_current IS NOT NULL
  ELSE p_current IS NOT DISTINCT FROM p_expected::bigint
END;

-- Outcomes: appended | replayed (a retry of an append already recorded: same answer, nothing
-- written) | wrong_expected_revision (stream_revision = current, NULL for no stream) |
-- event_id_taken (some ids are recorded, but not as this same append; event_position then
-- names the stream holding the first of them).
-- Two appends racing for one stream collide on (stream_id, revision); the loser gets a
-- unique violation and the caller retries the call, which then sees the winner.
CREATE FUNCTION eventstore_append(p_stream_id text, p_expected text, p_events jsonb)
RETURNS TABLE (outcome text, stream_revision bigint, event_position text)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_count bigint := jsonb_array_length(p_events);
  v_current bigint;
  v_known_stream text;
  v_known_revision bigint;
  v_known_ordinal bigint;
  v_matching bigint;
BEGIN
  SELECT e.stream_id, e.revision, p.ordinal INTO v_known_stream, v_known_revision, v_known_ordinal
  FROM jsonb_array_elements(p_events) WITH ORDINALITY AS p(event, ordinal)
  JOIN eventstore_events e ON e.event_id = (p.event->>'id')::uuid
  ORDER BY p.ordinal LIMIT 1;

  IF FOUND THEN
    SELECT count(*) INTO v_matching
    FROM jsonb_array_elements(p_events) WITH ORDINALITY AS p(event, ordinal)
    JOIN eventstore_events e ON e.event_id = (p.event->>'id')::uuid
    WHERE e.stream_id = p_stream_id AND e.revision = v_known_revision + p.ordinal - 1;
    IF v_known_ordinal <> 1 OR v_known_stream <> p_stream_id OR v_matching <> v_count THEN
      RETURN QUERY SELECT 'event_id_taken'::text, v_known_revision, v_known_stream;
      RETURN;
    END IF;
    IF eventstore_expectation_met(p_expected, NULLIF(v_known_revision - 1, -1)) THEN
      RETURN QUERY SELECT 'replayed'::text, e.revision, eventstore_position(e.transaction_id, e.global_position)
      FROM eventstore_events e
      WHERE e.stream_id = p_stream_id AND e.revision = v_known_revision + v_count - 1;
      RETURN;
    END IF;
  END IF;

  SELECT e.revision INTO v_current FROM eventstore_events e
  WHERE e.stream_id = p_stream_id ORDER BY e.revision DESC LIMIT 1;
  IF v_known_stream IS NOT NULL OR NOT eventstore_expectation_met(p_expected, v_current) THEN
    RETURN QUERY SELECT 'wrong_expected_revision'::text, v_current, NULL::text;
    RETURN;
  END IF;

  RETURN QUERY
  WITH appended AS (
    INSERT INTO eventstore_events (stream_id, revision, event_id, event_type, data, metadata)
    SELECT p_stream_id, coalesce(v_current, -1) + p.ordinal, (p.event->>'id')::uuid, p.event->>'type',
           p.event->'data', p.event->'metadata'
    FROM jsonb_array_elements(p_events) WITH ORDINALITY AS p(event, ordinal)
    ORDER BY p.ordinal
    RETURNING revision, transaction_id, global_position
  )
  SELECT 'appended'::text, a.revision, eventstore_position(a.transaction_id, a.global_position)
  FROM appended a ORDER BY a.revision DESC LIMIT 1;
END;
$fn$;
`;
