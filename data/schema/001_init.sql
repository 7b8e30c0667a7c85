-- artriage history cache, schema version 1.
-- Times are INTEGER milliseconds since the Unix epoch (UTC); NULL = unknown.
-- Runs are never dropped when the server deletes them: `deleted` is set.
-- Nothing here may hold a credential (tokens, keys, passwords, kubeconfig users).

CREATE TABLE runs (
  id              INTEGER PRIMARY KEY,
  context         TEXT NOT NULL DEFAULT '',
  namespace       TEXT NOT NULL,
  name            TEXT NOT NULL,
  uid             TEXT NOT NULL,
  lane            TEXT NOT NULL,
  attempt         TEXT NOT NULL DEFAULT '',
  agent           TEXT,
  runtime         TEXT,
  phase           TEXT,
  reason          TEXT,
  message         TEXT,
  created         INTEGER,
  started         INTEGER,
  finished        INTEGER,
  updated         INTEGER,
  repository      TEXT,
  base            TEXT,
  head            TEXT,
  idempotency_key TEXT,
  workload_image  TEXT,
  vcs_mode        TEXT,
  system_prompt_hash TEXT,
  spec_hash       TEXT,
  rerun_of        TEXT,
  resource_version TEXT,
  cond_state      TEXT NOT NULL DEFAULT '',
  first_seen      INTEGER NOT NULL,
  last_seen       INTEGER NOT NULL,
  deleted         INTEGER NOT NULL DEFAULT 0,
  deleted_at      INTEGER,
  raw             TEXT,
  UNIQUE (context, uid)
);
CREATE INDEX runs_by_created ON runs (created DESC, id DESC);
CREATE INDEX runs_by_lane ON runs (context, namespace, lane, created);
CREATE INDEX runs_by_name ON runs (context, namespace, name);

-- Every observed change of a run. kind: created | started | phase |
-- condition | deleted. reconstructed = 1 when the change was inferred from
-- status times on first sight rather than watched as it happened.
CREATE TABLE changes (
  id            INTEGER PRIMARY KEY,
  run_id        INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  time          INTEGER NOT NULL,
  kind          TEXT NOT NULL,
  phase         TEXT,
  cond_type     TEXT,
  cond_status   TEXT,
  reason        TEXT,
  message       TEXT,
  reconstructed INTEGER NOT NULL DEFAULT 0,
  observed      INTEGER NOT NULL
);
CREATE INDEX changes_by_run ON changes (run_id, time);

-- Pods of runs (label agents.proompteng.ai/agent-run). run_id is filled
-- once the run is known; a pod may be seen before its run.
CREATE TABLE pods (
  id         INTEGER PRIMARY KEY,
  context    TEXT NOT NULL DEFAULT '',
  namespace  TEXT NOT NULL,
  name       TEXT NOT NULL,
  uid        TEXT NOT NULL,
  run_name   TEXT,
  run_id     INTEGER REFERENCES runs (id) ON DELETE CASCADE,
  job_name   TEXT,
  phase      TEXT,
  node       TEXT,
  created    INTEGER,
  started    INTEGER,
  first_seen INTEGER NOT NULL,
  last_seen  INTEGER NOT NULL,
  deleted    INTEGER NOT NULL DEFAULT 0,
  deleted_at INTEGER,
  UNIQUE (context, uid)
);
CREATE INDEX pods_by_run ON pods (run_id);
CREATE INDEX pods_by_run_name ON pods (context, namespace, run_name);

CREATE TABLE containers (
  id             INTEGER PRIMARY KEY,
  pod_id         INTEGER NOT NULL REFERENCES pods (id) ON DELETE CASCADE,
  name           TEXT NOT NULL,
  init           INTEGER NOT NULL DEFAULT 0,
  image          TEXT,
  image_id       TEXT,
  digest         TEXT,
  state          TEXT,
  reason         TEXT,
  message        TEXT,
  exit_code      INTEGER,
  restarts       INTEGER NOT NULL DEFAULT 0,
  started        INTEGER,
  finished       INTEGER,
  last_reason    TEXT,
  last_exit_code INTEGER,
  UNIQUE (pod_id, name)
);

-- Fetched container logs, zlib-compressed. A log longer than the per-run
-- cap keeps its tail; skipped_lines counts the lines cut from the head so
-- that line numbers stay those of the full log.
CREATE TABLE logs (
  id            INTEGER PRIMARY KEY,
  pod_id        INTEGER NOT NULL REFERENCES pods (id) ON DELETE CASCADE,
  container     TEXT NOT NULL,
  previous      INTEGER NOT NULL DEFAULT 0,
  fetched       INTEGER NOT NULL,
  raw_size      INTEGER NOT NULL,
  stored_size   INTEGER NOT NULL,
  full_size     INTEGER NOT NULL,
  skipped_lines INTEGER NOT NULL DEFAULT 0,
  data          BLOB NOT NULL,
  UNIQUE (pod_id, container, previous)
);
CREATE INDEX logs_by_fetched ON logs (fetched);

-- The classifier's verdict for a run; `version` names the rule set, so a
-- new rule set re-classifies.
CREATE TABLE classifications (
  id         INTEGER PRIMARY KEY,
  run_id     INTEGER NOT NULL UNIQUE REFERENCES runs (id) ON DELETE CASCADE,
  class      TEXT,
  rule       TEXT,
  line       INTEGER,
  text       TEXT,
  hint       TEXT,
  pod        TEXT,
  container  TEXT,
  log_time   INTEGER,
  outcome    TEXT,
  secondary  TEXT,
  version    TEXT NOT NULL,
  classified INTEGER NOT NULL
);

-- Pull requests of runs and where the link came from (log, github, ...).
CREATE TABLE pr_links (
  id         INTEGER PRIMARY KEY,
  run_id     INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  url        TEXT NOT NULL,
  number     INTEGER,
  repository TEXT,
  source     TEXT NOT NULL,
  time       INTEGER,
  observed   INTEGER NOT NULL,
  UNIQUE (run_id, url)
);

-- Audit trail of rerun actions (also failed and dry runs).
CREATE TABLE reruns (
  id              INTEGER PRIMARY KEY,
  time            INTEGER NOT NULL,
  context         TEXT NOT NULL DEFAULT '',
  namespace       TEXT NOT NULL,
  from_name       TEXT NOT NULL,
  from_uid        TEXT,
  new_name        TEXT,
  new_uid         TEXT,
  idempotency_key TEXT,
  head            TEXT,
  image           TEXT,
  dry_run         INTEGER NOT NULL DEFAULT 0,
  result          TEXT NOT NULL,
  error           TEXT,
  actor           TEXT
);
CREATE INDEX reruns_by_time ON reruns (time);

-- Timeline annotations; they belong to no run.
CREATE TABLE notes (
  id        INTEGER PRIMARY KEY,
  time      INTEGER NOT NULL,
  text      TEXT NOT NULL,
  context   TEXT,
  namespace TEXT,
  created   INTEGER NOT NULL
);
CREATE INDEX notes_by_time ON notes (time);
