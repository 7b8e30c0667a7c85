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
mkdir -p "$UI_DIR/empty/objects"
API=agents.proompteng.ai/v1alpha1

declare -A URL PID DIR FD
start_cluster() {
  kubeapi_start "$UI_DIR/empty" || fail "the test API server $1 did not start"
  URL[$1]=$KUBEAPI_URL PID[$1]=$KUBEAPI_PID DIR[$1]=$KUBEAPI_DIR FD[$1]=$KUBEAPI_FD
  KUBEAPI_DIR= KUBEAPI_PID= KUBEAPI_FD=
}
stop_cluster() {
  KUBEAPI_URL=${URL[$1]} KUBEAPI_PID=${PID[$1]} KUBEAPI_DIR=${DIR[$1]} KUBEAPI_FD=${FD[$1]}
  kubeapi_stop
  DIR[$1]=
}
stop_all() {
  local n
  for n in east west; do [ -n "${DIR[$n]:-}" ] && stop_cluster "$n"; done
  ui_cleanup
}
start_cluster east
start_cluster west
trap stop_all EXIT

KC=$UI_DIR/kubeconfig
{
  echo "apiVersion: v1"; echo "kind: Config"; echo "clusters:"
  for n in east west; do printf -- '- name: %s\n  cluster:\n    server: %s\n' "$n" "${URL[$n]}"; done
  echo "contexts:"
  for n in east west; do
    printf -- '- name: %s\n  context:\n    cluster: %s\n    namespace: agents\n    user: %s\n' "$n" "$n" "$n"
  done
  echo "current-context: east"; echo "users:"
  for n in east west; do printf -- '- name: %s\n  user: {}\n' "$n"; done
} >"$KC"
chmod 600 "$KC"

op() { # op CLUSTER JSON
  KUBEAPI_URL=${URL[$1]} kubeapi_op "$2" >/dev/null || fail "op on $1: $2"
}
ns_lists() { # ns_lists CLUSTER: how many namespace lists it served
  KUBEAPI_URL=${URL[$1]} kubeapi_requests | python3 -c '
import json, sys
print(sum(1 for r in json.load(sys.stdin)["requests"]
          if r.get("method") == "GET" and r.get("path", "").rstrip("/") == "/api/v1/namespaces"))'
}
prompt_line() { ui_screen | tail -1; }
wait_prompt() {
  local want=$1 i
  for ((i = 0; i < 400; i++)); do
    [ "$(prompt_line | sed 's/ *$//')" = "$want" ] && return 0
    sleep 0.05
  done
  fail "the prompt line is '$(prompt_line | sed 's/ *$//')', not '$want'"
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
wait_prompt ":ns west-team"
ui_keys C-u Escape
ui_keys : "ns east-te" Tab
wait_prompt ":ns east-team"
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
