#!/usr/bin/env bash
# classify --run RUN: a run's log joined with its status and pods, live
# from the test API server and then from the history cache (--offline).
set -euo pipefail
src=${ARTRIAGE_SRC:?}
bin=${ARTRIAGE_BIN:?}
. "$src/tests/lib/kubeapi.sh"
tmp=$(mktemp -d)
trap 'kubeapi_stop 2>/dev/null || true; rm -rf "$tmp"' EXIT
kubeapi_start "$src/data/demo/seed"
export KUBECONFIG=$KUBEAPI_KUBECONFIG XDG_CACHE_HOME=$tmp/cache XDG_CONFIG_HOME=$tmp/config
lane=torghut-v5-doc12-dspy-adoption-run-20260225
fail=0
check() { # name expected-class expected-line json
  local got
  got=$(python3 -c 'import json,sys; p=json.load(sys.stdin)["primary"]; print("%s %s" % (p["class"], p["line"]) if p else "null")' <<<"$4")
  if [ "$got" != "$2 $3" ]; then echo "FAIL: $1: expected '$2 $3', got '$got'"; fail=1; else echo "ok: $1 -> $got"; fi
}
check "run b" runtime.missing-module 50 "$("$bin" classify --run "$lane"b -o json)"
check "run d" vcs.worktree 45 "$("$bin" classify --run "agents/${lane}d" -o json)"
check "run e" runtime.missing-executable 208 "$("$bin" classify --run "$lane"e -o json)"
# the OOMKilled runner names its class from the pod, with no log line
check "oom run" resource.oom None "$("$bin" classify --run anypi-eval-torghut-repair-20260225e -o json)"
# a run that succeeded has no primary unless asked to assume failure
out=$("$bin" classify --run "$lane"g -o json)
[ "$(python3 -c 'import json,sys; print(json.load(sys.stdin)["primary"])' <<<"$out")" = None ] || { echo "FAIL: run g has a primary"; fail=1; }
# after sync, the same verdict from the history cache
"$bin" sync --quiet >/dev/null
check "run d offline" vcs.worktree 45 "$("$bin" --offline classify --run "$lane"d -o json)"
# sync's verdict in the cache agrees with the live one for the OOMKilled run
cls=$("$bin" --offline list -o json | python3 -c 'import json,sys; print([r["failure"]["class"] if r["failure"] else None for r in json.load(sys.stdin) if r["name"]=="anypi-eval-torghut-repair-20260225e"][0])')
[ "$cls" = resource.oom ] || { echo "FAIL: cached class of the OOMKilled run is $cls"; fail=1; }
# errors: unknown run exits 1 with one line; a file and --run together is bad usage
set +e
err=$("$bin" classify --run no-such-run 2>&1 >/dev/null); rc=$?
[ $rc -eq 1 ] && [ "$(wc -l <<<"$err")" -eq 1 ] || { echo "FAIL: unknown run rc=$rc: $err"; fail=1; }
"$bin" classify /dev/null --run x >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || { echo "FAIL: file and --run rc=$rc"; fail=1; }
set -e
exit $fail
