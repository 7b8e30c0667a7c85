#!/usr/bin/env bash
# Console figures on a history cache of 100,000 runs (prints numbers; not a
# test): first paint, RSS, keystroke-to-screen while filtering, idle bytes.
#   bench/console.sh BINARY [RUNS [OTHER_BINARY... ]]
# With other binaries (an older build), each runs on the same cache in
# turn, ROUNDS times (default 2), alternating, so a machine busy with other
# work weighs on all of them alike.
# Targets (issue 16, at 1,000,000 runs): first paint <= 100 ms, filter
# keystroke median <= 16 ms, RSS <= 400 MB, 0 idle bytes.
set -eu
BIN=${1:?usage: bench/console.sh BINARY [RUNS]}
N=${2:-100000}
shift $(($# < 2 ? $# : 2))
ROUNDS=${ROUNDS:-2}
HERE=$(cd "$(dirname "$0")" && pwd)
DIR=$(mktemp -d "${TMPDIR:-/tmp}/artriage-bench-console.XXXXXX")
trap 'rm -rf "$DIR"' EXIT
DB=$DIR/history.db
# the binary creates the cache with its current schema ...
XDG_CACHE_HOME=$DIR "$BIN" --db "$DB" gc --older-than 1000d >/dev/null
# ... and the runs go straight into it (what `sync` would have written)
python3 - "$DB" "$N" <<'PY'
import sqlite3, sys
db, n = sys.argv[1], int(sys.argv[2])
con = sqlite3.connect(db)
base = 1772000000000
phases = ["Failed", "Succeeded", "Running", "Pending", "Cancelled"]
rows = []
for i in range(n):
    lane = f"lane-{i // 4:05d}-run-20260225"
    att = "abcd"[i % 4]
    created = base + i * 1000
    rows.append(("bench", "agents" if i % 10 else "synthesis", lane + att, f"uid-{i:06d}", lane, att,
                 "codex-agent" if i % 3 else "anypi-agent", "job", phases[i % 5], created,
                 created + 2000, created + 60000, "proompteng/lab", "main", f"codex/{lane}{att}",
                 created, created, i % 50 == 0))
con.executemany("INSERT INTO runs (context, namespace, name, uid, lane, attempt, agent, runtime, phase,"
                " created, started, finished, repository, base, head, first_seen, last_seen, deleted)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
con.commit()
PY
NEWEST=$(printf 'lane-%05d-run-20260225%s' $(((N - 1) / 4)) "$(echo abcd | cut -c$(((N - 1) % 4 + 1)))")
echo "runs in the cache: $N ($(du -h "$DB" | cut -f1))"
if [ $# -eq 0 ]; then
  python3 "$HERE/console_pty.py" "$BIN" "$DB" "$NEWEST"
  exit
fi
for round in $(seq "$ROUNDS"); do
  for b in "$BIN" "$@"; do
    echo "== round $round: $b"
    python3 "$HERE/console_pty.py" "$b" "$DB" "$NEWEST"
  done
done
