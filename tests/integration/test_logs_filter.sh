#!/usr/bin/env bash
# logs --include / --exclude as stern's: whole lines kept or dropped by a
# regular expression (smart case), in a pipe and sanitised (--sanitize);
# a bad expression is bad usage (exit 2).
set -euo pipefail
src=${ARTRIAGE_SRC:?}
bin=${ARTRIAGE_BIN:?}
. "$src/tests/lib/kubeapi.sh"
tmp=$(mktemp -d)
trap 'kubeapi_stop 2>/dev/null || true; rm -rf "$tmp"' EXIT
kubeapi_start "$src/data/demo/seed"
export KUBECONFIG=$KUBEAPI_KUBECONFIG XDG_CACHE_HOME=$tmp/cache XDG_CONFIG_HOME=$tmp/config
run=torghut-v5-doc12-dspy-adoption-run-20260225e
fail=0
bad() { echo "FAIL: $*"; fail=1; }

"$bin" logs "$run" >"$tmp/all" || bad "logs: exit $?"
total=$(wc -l <"$tmp/all")
[ "$total" -gt 10 ] || bad "the whole log has $total lines"
"$bin" logs "$run" --include 'executable not found' >"$tmp/inc" || bad "--include: exit $?"
[ -s "$tmp/inc" ] || bad "--include kept nothing"
grep -vqi 'executable not found' "$tmp/inc" && bad "--include kept a line without the match: $(grep -vi 'executable not found' "$tmp/inc" | head -1)"
[ "$(grep -ci 'executable not found' "$tmp/all")" = "$(wc -l <"$tmp/inc")" ] || bad "--include lost matching lines"
"$bin" logs "$run" --exclude 'agent-runner' --sanitize >"$tmp/exc" || bad "--exclude: exit $?"
grep -q 'agent-runner' "$tmp/exc" && bad "--exclude kept a matching line"
[ "$(( $(wc -l <"$tmp/exc") + $(grep -c 'agent-runner' "$tmp/all") ))" = "$total" ] || bad "--exclude dropped other lines"
rc=0; "$bin" logs "$run" --include '(' >/dev/null 2>"$tmp/err" || rc=$?
[ "$rc" = 2 ] && grep -q -- "--include '('" "$tmp/err" || bad "a bad --include: exit $rc, $(cat "$tmp/err")"
[ "$fail" = 0 ] && echo ok
exit "$fail"
