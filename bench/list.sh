#!/usr/bin/env bash
# Benchmark (BENCHMARKS.md "List"): `artriage list -A -o json` against
# `kubectl get agentruns -A -o json`, 5,000 AgentRuns served by
# tests/kubeapi/server.py. Prints the figures; not a test.
#   bench/list.sh [BINARY|BUILD_DIR] [N]
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
arg=${1:-$src/build}
n=${2:-5000}
if [ -d "$arg" ]; then bin=$arg/artriage; else bin=$arg; fi
export ARTRIAGE_SRC=$src
tmp=$(mktemp -d)
trap 'kubeapi_stop 2>/dev/null || true; rm -rf "$tmp"' EXIT
export HOME=$tmp  # kubectl caches discovery under $HOME/.kube
python3 -c "import sys; sys.path.insert(0, '$src/tests/integration'); import scenarios; scenarios.many('$tmp/data', $n)"
. "$src/tests/lib/kubeapi.sh"
kubeapi_start "$tmp/data"
export KUBECONFIG=$KUBEAPI_KUBECONFIG XDG_CACHE_HOME=$tmp/cache
echo "runs: $("$bin" list -A -o json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"
if command -v hyperfine >/dev/null; then
  hyperfine -w 1 -r 3 -N \
    "$bin list -A -o json" \
    "kubectl get agentruns -A -o json"
else
  for c in "$bin list -A -o json" "kubectl get agentruns -A -o json"; do
    echo "$c"; for _ in 1 2 3; do /usr/bin/time -f "%e s" $c >/dev/null; done
  done
fi
