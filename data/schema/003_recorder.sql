-- artriage history cache, schema version 3: one cache, several clusters, a recorder.
-- Logs and verdicts carry the context of their pod / run, so that `status`
-- counts them per cluster and an export copies them without guessing; rows
-- written before this version take their parent's context ('' when the
-- writer knew none: a cache filled without a kubeconfig).

ALTER TABLE logs ADD COLUMN context TEXT NOT NULL DEFAULT '';
UPDATE logs SET context = coalesce((SELECT p.context FROM pods p WHERE p.id = logs.pod_id), '');
CREATE INDEX logs_by_context ON logs (context);

ALTER TABLE classifications ADD COLUMN context TEXT NOT NULL DEFAULT '';
UPDATE classifications
   SET context = coalesce((SELECT r.context FROM runs r WHERE r.id = classifications.run_id), '');

CREATE INDEX runs_by_context ON runs (context, namespace);

-- The recorder feeding this cache (`artriage record`): at most one row. A
-- heartbeat older than a few beats means none is feeding (killed, or the
-- host went away); `stopped` is set when it exits cleanly.
CREATE TABLE recorder (
  id        INTEGER PRIMARY KEY CHECK (id = 1),
  pid       INTEGER NOT NULL,
  host      TEXT NOT NULL,
  started   INTEGER NOT NULL,
  heartbeat INTEGER NOT NULL,
  stopped   INTEGER
);

-- Per context: the last time its cluster answered (a list, a watch event
-- or bookmark), the state of the connection as the writer saw it, and
-- whether the current recorder follows it.
CREATE TABLE contexts (
  context   TEXT PRIMARY KEY,
  last_seen INTEGER,
  state     TEXT,
  error     TEXT,
  followed  INTEGER NOT NULL DEFAULT 0,
  updated   INTEGER NOT NULL
);
