-- artriage history cache, schema version 2.
-- Lane and name lookups usually come without a context or namespace
-- (timeline --lane, show NAME across contexts), so index by lane and name
-- first; the version-1 indexes led with context and could not serve them.

DROP INDEX IF EXISTS runs_by_lane;
DROP INDEX IF EXISTS runs_by_name;
CREATE INDEX runs_by_lane_created ON runs (lane, created);
CREATE INDEX runs_by_name_only ON runs (name);
