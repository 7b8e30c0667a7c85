#!/usr/bin/env bash
# bench/record.sh BINARY — the recorder under load (issue 17): 3 contexts x
# 2,000 runs, 50 watch events/s each, pods deleted 2 s after their
# container ends. Prints figures; asserts nothing (targets: nothing lost,
# every log captured, RSS growth <= 5% after the first minute, CPU <= 10%
# of one core). Env: DURATION seconds (default 600), CONTEXTS, RUNS, RATE;
# KEEP=1 keeps the temporary directory (record.log, history.db).
# Use a Release build: sanitizers multiply CPU and memory.
set -euo pipefail
bin=${1:?usage: bench/record.sh BINARY}
exec python3 "$(dirname "$0")/record_bench.py" "$bin"
