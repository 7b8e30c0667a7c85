-- artriage history cache, schema version 4: verdicts name their baseline.
-- A failed run is classified against the log of a passing run (the newest
-- succeeded attempt of its lane, else of its agent and repository); the
-- verdict keeps which one, by name and uid, so that `show` and `list` name
-- it from the cache even after that run is deleted or the cache exported
-- without it. NULL: classified without a baseline (none had a log, or the
-- verdict predates version 4).

ALTER TABLE classifications ADD COLUMN baseline_name TEXT;
ALTER TABLE classifications ADD COLUMN baseline_uid TEXT;

-- The baseline by agent and repository is the newest such succeeded run
-- with a log: walked from the newest through this index, not by scanning
-- every run of the context.
CREATE INDEX runs_by_agent_repo ON runs (agent, repository, created);
