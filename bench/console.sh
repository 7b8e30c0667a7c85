#!/usr/bin/env bash
# Console figures on a history cache of 100,000 runs (prints numbers; not a
# test): first paint, RSS, keystroke-to-screen while filtering, idle bytes.
#   bench/console.sh BINARY [RUNS [OTHER_BINARY... ]]
# With other binaries (an older build), each runs on the same cache in
# turn, ROUNDS times (default 2), alternating, so a machine busy with other
# work weighs on all of them alike.
# Targets (issue 16, at 1,000,000 runs): first paint <= 100 ms, filter
# keystroke median <= 16 ms, RSS <= 400 MB, 0 idle bytes.
# BENCH_ROWS=lean (default): rows hold the list columns only.
# BENCH_ROWS=full: rows hold what a synced AgentRun does (the columns, and
# the raw object `sync` keeps, with resourceVersion, reason, message,
# idempotency key, both hashes, runtimeRef and three conditions: the
# fields bench/runset_mem.c's "full" runs carry).
set -eu
BIN=${1:?usage: bench/console.sh BINARY [RUNS]}
N=${2:-100000}
shift $(($# < 2 ? $# : 2))
ROUNDS=${ROUNDS:-2}
HERE=$(cd "$(dirname "$0")" && pwd)
DIR=$(mktemp -d "${TMPDIR:-/tmp}/artriage-bench-console.XXXXXX")
trap 'rm -rf "$DIR"' EXIT
ROWS=${BENCH_ROWS:-lean}
case $ROWS in lean|full) ;; *) echo "bench/console.sh: BENCH_ROWS is lean or full" >&2; exit 2 ;; esac
# BENCH_DB=FILE: the cache is kept there, and used again when it exists (a
# million full rows take minutes to write; bench/runset_mem.sh reads it too)
DB=${BENCH_DB:-$DIR/history.db}
if [ ! -s "$DB" ]; then
  # the binary creates the cache with its current schema ...
  XDG_CACHE_HOME=$DIR "$BIN" --db "$DB" gc --older-than 1000d >/dev/null
  # ... and the runs go straight into it (what `sync` would have written)
  python3 "$HERE/cache_rows.py" "$DB" "$N" "$ROWS"
fi
NEWEST=$(printf 'lane-%05d-run-20260225%s' $(((N - 1) / 4)) "$(echo abcd | cut -c$(((N - 1) % 4 + 1)))")
echo "runs in the cache: $N, $ROWS rows ($(du -h "$DB" | cut -f1))"
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
