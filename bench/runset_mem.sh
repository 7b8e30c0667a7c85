#!/usr/bin/env bash
# bench/runset_mem.sh BINARY [RUNS [DB]] — bytes per run of the console's run
# set (issue 16: a million runs within the console's RSS budget). Builds
# bench/runset_mem.c against BINARY's libartriage_core.a; prints figures.
# DB: a history cache of full rows (BENCH_ROWS=full BENCH_DB=DB
# bench/console.sh ...): the run set seeded from it, and the time of
# reading a run's cold fields back from it.
set -euo pipefail
bin=${1:?usage: bench/runset_mem.sh BINARY [RUNS]}
build=$(cd "$(dirname "$bin")" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
lib=$build/libartriage_core.a
[ -f "$lib" ] || { echo "bench/runset_mem.sh: $lib not found (build first)" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/artriage-bench-runset.XXXXXX")
trap 'rm -rf "$work"' EXIT
# shellcheck disable=SC2046
cc -std=c11 -O2 -D_GNU_SOURCE -I"$src/src" -o "$work/runset_mem" "$src/bench/runset_mem.c" \
  "$lib" $(pkg-config --libs sqlite3 libcjson zlib libcurl yaml-0.1) \
  $(pkg-config --libs libpcre2-8 2>/dev/null || true) $(pkg-config --libs libhs 2>/dev/null || true) \
  -lcrypto -lm -lstdc++
"$work/runset_mem" "${2:-1000000}" ${3:+"$3"}
