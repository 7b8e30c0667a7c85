#!/usr/bin/env bash
# list on the command line: its filters refuse what they cannot mean (an
# unknown phase is bad usage: exit 2, one line naming it and the phases
# there are, not "no runs" and exit 0; a known phase in any case still
# filters), and its table names the columns as the console does.
set -euo pipefail
src=${ARTRIAGE_SRC:?}
bin=${ARTRIAGE_BIN:?}
. "$src/tests/lib/kubeapi.sh"
tmp=$(mktemp -d)
trap 'kubeapi_stop 2>/dev/null || true; rm -rf "$tmp"' EXIT
kubeapi_start "$src/data/demo/seed"
export KUBECONFIG=$KUBEAPI_KUBECONFIG XDG_CACHE_HOME=$tmp/cache XDG_CONFIG_HOME=$tmp/config
fail=0
bad() { echo "FAIL: $*"; fail=1; }

rc=0; "$bin" list --phase Faild >"$tmp/out" 2>"$tmp/err" || rc=$?
[ "$rc" = 2 ] || bad "--phase Faild exit $rc, want 2"
grep -q "phase 'Faild' is not a phase" "$tmp/err" || bad "--phase Faild message: $(cat "$tmp/err")"
grep -q 'Failed' "$tmp/err" || bad "the message names the phases there are"
[ ! -s "$tmp/out" ] || bad "nothing on stdout for a usage error"

rc=0; "$bin" list --phase failed -o json >"$tmp/out" 2>"$tmp/err" || rc=$?
[ "$rc" = 0 ] || bad "--phase failed exit $rc: $(cat "$tmp/err")"
n=$(python3 -c 'import json,sys; r=json.load(sys.stdin); print(len(r) if r and all(x["phase"]=="Failed" for x in r) else -1)' <"$tmp/out")
[ "$n" -gt 0 ] || bad "--phase failed lists failed runs only ($n)"
# one name per fact: the console's DIGEST, CLASS and ATT
COLUMNS=200 "$bin" list >"$tmp/table" 2>"$tmp/err" || bad "list table: $(cat "$tmp/err")"
head -1 "$tmp/table" | grep -qE '^NAME +PHASE +ATT +AGE +DIGEST +PR +CLASS' || bad "table header: $(head -1 "$tmp/table")"
grep -E 'adoption-run-20260225g ' "$tmp/table" | grep -q ' 6fa809abd4f4 ' || bad "g's short digest in DIGEST: $(grep 20260225g "$tmp/table")"
[ "$fail" = 0 ] && echo ok
exit "$fail"
