#!/usr/bin/env bash
# `:ns` with several contexts followed asks every followed cluster for its
# namespaces (each on its own client, the loop never waiting) and merges
# the answers: a namespace that only the second context's cluster has is
# completed by Tab and accepted by `:ns NAME`, and each server is asked.
# One cluster forbidding the list (403): the others' namespaces still
# count, the namespaces seen in runs stand in for the forbidden one's, and
# a refusal names that context.
set -eu
source "$(dirname "$0")/lib.sh"
ui_init nsmulti
DB=$UI_DIR/history.db
API=agents.proompteng.ai/v1alpha1
source "$(dirname "$0")/clusters_lib.sh"
clusters_start
ns_lists() { # ns_lists CLUSTER: how many namespace lists it served
  requests "$1" | python3 -c '
import json, sys
print(sum(1 for r in json.load(sys.stdin)["requests"]
          if r.get("method") == "GET" and r.get("path", "").rstrip("/") == "/api/v1/namespaces"))'
}

# a run in agents on each; a namespace without runs on each
for n in east west; do
  op $n '{"op": "add", "object": {"apiVersion": "'$API'", "kind": "AgentRun",
    "metadata": {"name": "run-'$n'-20260225a", "namespace": "agents"},
    "spec": {"agentRef": {"name": "codex-agent"}, "runtime": {"type": "job"}, "implementationSpecRef": {"name": "x"}},
    "status": {"phase": "Running", "startedAt": "2026-02-25T10:00:00Z"}}}'
  op $n '{"op": "add", "object": {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "'$n'-team"}}}'
done

# ---- both clusters answer: their namespaces merged
ui_start 140 30 -- --kubeconfig "$KC" --db "$DB" --context east --context west
ui_wait "run-west-20260225a"
ui_wait_re "east: live \| west: live"
ui_keys : "ns west-te" Tab
ui_wait_prompt ":ns west-team"
ui_keys C-u Escape
ui_keys : "ns east-te" Tab
ui_wait_prompt ":ns east-team"
ui_keys C-u Escape
[ "$(ns_lists east)" -ge 1 ] || fail "east was not asked for its namespaces"
[ "$(ns_lists west)" -ge 1 ] || fail "west was not asked for its namespaces"
ui_keys : "ns west-team" Enter
ui_wait "namespace west-team"
ui_wait " east,west / west-team "
ui_screen | grep -qF "no namespace" && fail ":ns west-team was refused"
ui_keys q
[ "$(ui_exit_status)" = 0 ] || fail "exit status"

# ---- west forbids the list: east's namespaces and those seen in runs
op west '{"op": "fault", "rule": "GET /api/v1/namespaces$:status=403:1"}'
ui_start 140 30 -- --kubeconfig "$KC" --db "$DB" --context east --context west
ui_wait "run-west-20260225a"
ui_wait_re "east: live \| west: live"
ui_keys : "ns west-team" Enter
ui_wait "no namespace 'west-team' among those seen in runs (west: listing the cluster's namespaces is forbidden (403)"
ui_keys : "ns east-team" Enter
ui_wait " east,west / east-team "
ui_keys q
[ "$(ui_exit_status)" = 0 ] || fail "exit status (west forbidden)"
echo PASS
