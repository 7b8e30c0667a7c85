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
# the demo seed, with a label on attempts e and g to select by
cp -r "$src/data/demo/seed" "$tmp/seed"
python3 - "$tmp/seed/objects/10-agentruns.json" <<'PY'
import json, sys
p = sys.argv[1]
d = json.load(open(p))
for r in (d["items"] if isinstance(d, dict) else d):
    if r["metadata"]["name"].endswith(("20260225e", "20260225g")):
        r["metadata"].setdefault("labels", {})["team"] = "triage"
json.dump(d, open(p, "w"))
PY
kubeapi_start "$tmp/seed"
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
# selectors as kubectl's, sent to the API server, and kubectl agrees
lsel='team=triage'
"$bin" list -l "$lsel" -o name >"$tmp/names" 2>"$tmp/err" || bad "list -l: $(cat "$tmp/err")"
[ "$(wc -l <"$tmp/names")" -ge 2 ] || bad "list -l $lsel: $(cat "$tmp/names")"
grep -q '20260225d$' "$tmp/names" && bad "list -l $lsel listed an unlabelled run"
kubeapi_requests | python3 -c 'import json,sys; q=[r for r in json.load(sys.stdin)["requests"] if r["path"].endswith("/agentruns") and r["query"].get("labelSelector") == "team=triage"]; sys.exit(0 if q else 1)' ||
  bad "no AgentRun list carried labelSelector"
if command -v kubectl >/dev/null; then
  kubectl get agentruns -l "$lsel" -o name 2>/dev/null | sort >"$tmp/kubectl-names"
  sort "$tmp/names" | diff - "$tmp/kubectl-names" >&2 || bad "kubectl -l gives other runs"
  one=$(head -1 "$tmp/names"); one=${one#*/}
  "$bin" list --field-selector "metadata.name=$one" -o name >"$tmp/fnames" 2>"$tmp/err" || bad "--field-selector: $(cat "$tmp/err")"
  kubectl get agentruns --field-selector "metadata.name=$one" -o name 2>/dev/null | diff "$tmp/fnames" - >&2 ||
    bad "kubectl --field-selector disagrees"
fi
"$bin" list -l app=no-such-app -o name >"$tmp/none" 2>/dev/null || bad "an empty selection is not a failure"
[ ! -s "$tmp/none" ] || bad "-l app=no-such-app listed runs"
rc=0; "$bin" list -l 'a b c' >/dev/null 2>"$tmp/err" || rc=$?
[ "$rc" = 1 ] && grep -q 'unable to parse requirement' "$tmp/err" || bad "a bad selector: exit $rc, $(cat "$tmp/err")"
rc=0; "$bin" --offline list -l "$lsel" >/dev/null 2>"$tmp/err" || rc=$?
[ "$rc" = 1 ] && grep -q 'not with --offline' "$tmp/err" || bad "selector offline: exit $rc, $(cat "$tmp/err")"

# output formats: name and wide as kubectl's; an unknown one is bad usage
"$bin" list -o name | grep -qE '^agentrun\.agents\.proompteng\.ai/torghut-v5-doc12-dspy-adoption-run-20260225e$' || bad "-o name"
COLUMNS=60 "$bin" list -o wide | head -1 | grep -q 'REASON' || bad "-o wide keeps every column"
rc=0; "$bin" list -o yml >/dev/null 2>"$tmp/err" || rc=$?
[ "$rc" = 2 ] && grep -q "output format 'yml'" "$tmp/err" || bad "-o yml: exit $rc, $(cat "$tmp/err")"
[ "$fail" = 0 ] && echo ok
exit "$fail"
