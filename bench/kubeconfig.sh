#!/usr/bin/env bash
# Kubeconfig load time with very many users and contexts (issue: 100,000
# users took 20.6 s, kubectl 3.6 s): generates a kubeconfig of N users and N
# contexts (default 100,000) and times `artriage --offline list` on it
# (which loads, merges and resolves the kubeconfig, then reads an empty
# cache), and `kubectl config view --minify` when kubectl is installed.
# A benchmark, not a test: it prints figures.
# usage: bench/kubeconfig.sh path/to/artriage [N]
set -euo pipefail
BIN=$(readlink -f "${1:?usage: bench/kubeconfig.sh path/to/artriage [N]}")
N=${2:-100000}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/artriage-bench-kc.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
python3 - "$N" "$WORK/config" <<'PY'
import sys
n, out = int(sys.argv[1]), sys.argv[2]
with open(out, "w") as f:
    f.write("apiVersion: v1\nkind: Config\ncurrent-context: ctx%d\nclusters:\n- name: k\n  cluster:\n"
            "    server: https://127.0.0.1:1\nusers:\n" % (n - 1))
    for i in range(n):
        f.write("- name: user%d\n  user:\n    token: token-%d\n" % (i, i))
    f.write("contexts:\n")
    for i in range(n):
        f.write("- name: ctx%d\n  context:\n    cluster: k\n    user: user%d\n    namespace: agents\n" % (i, i))
PY
printf 'kubeconfig: %d users, %d contexts, %s\n' "$N" "$N" "$(du -h "$WORK/config" | cut -f1)"
# wall time, and CPU time (user+sys), which a loaded machine distorts less
TIMEFORMAT='%R s wall, %U s user + %S s sys'
printf 'artriage --offline list:      '
{ time "$BIN" --kubeconfig "$WORK/config" --db "$WORK/db" --offline list >/dev/null 2>&1 || true; } 2>&1
if command -v kubectl >/dev/null; then
  printf 'kubectl config view --minify: '
  { time kubectl --kubeconfig "$WORK/config" config view --minify >/dev/null 2>&1 || true; } 2>&1
fi
