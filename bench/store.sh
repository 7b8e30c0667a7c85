#!/usr/bin/env bash
# bench/store.sh BINARY — history cache figures (issue 4): ingest 100,000
# runs and 1,000,000 changes, then the newest-1,000 list, a lane list, lane
# and run timelines, and `artriage timeline --lane` end to end. Prints
# figures; asserts nothing (targets: >= 50,000 rows/s, < 50 ms per lane
# timeline, < 100 ms for the newest 1,000 runs).
# Env: RUNS (default 100000).
set -euo pipefail
bin=${1:?usage: bench/store.sh BINARY}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
build=$(dirname "$bin")
src=$(cd "$(dirname "$0")/.." && pwd)
lib=$build/libartriage_core.a
[ -f "$lib" ] || { echo "bench/store.sh: $lib not found (build first)" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/artriage-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
flags=""
if grep -q '^ARTRIAGE_SANITIZE:BOOL=ON' "$build/CMakeCache.txt" 2>/dev/null; then
  flags="-fsanitize=address,undefined"
fi
# shellcheck disable=SC2046,SC2086
cc -std=c11 -O2 -D_GNU_SOURCE $flags -I"$src/src" -o "$work/store_bench" "$src/bench/store_bench.c" \
  "$lib" $(pkg-config --libs sqlite3 libcjson zlib libcurl yaml-0.1) \
  $(pkg-config --libs libpcre2-8 2>/dev/null || true) $(pkg-config --libs libhs 2>/dev/null || true) \
  -lcrypto -lm -lstdc++
echo "store bench: $(nproc) cores, SQLite $(pkg-config --modversion sqlite3)"
out=$("$work/store_bench" "$work/history.db" "${RUNS:-100000}")
echo "$out" | grep -v '^lane-for-cli'
lane=$(echo "$out" | sed -n 's/^lane-for-cli //p')
echo "database: $(du -h "$work/history.db" | cut -f1)"
best=""
for _ in 1 2 3; do
  t0=$(date +%s%N)
  "$bin" --db "$work/history.db" --offline timeline --lane "$lane" -o json >/dev/null
  t1=$(date +%s%N)
  ms=$(( (t1 - t0) / 1000000 ))
  if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
done
echo "artriage timeline --lane $lane -o json (whole process, best of 3): ${best} ms"
