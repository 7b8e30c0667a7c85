#!/usr/bin/env bash
# The console follows several contexts in one list (issue #17): two test
# API servers, east and west, as two contexts of one merged kubeconfig.
# `:ctx east,west` shows both clusters' runs with a CONTEXT column (a run of
# the same namespace and name on each is two rows); a run deleted on west
# leaves east's namesake alone, and west's relist never flags east's runs
# deleted; the log of a west run is read from west (the east server sees no
# log request); one server stopped: its context says reconnecting or
# offline while the other's runs still update; `ctx:` filters by context;
# `:ctx east` is one context again (no column); `--context east --context
# west` on the command line, or `context: [east, west]` in the config
# file, follows both from the start.
set -eu
source "$(dirname "$0")/lib.sh"
ui_init ctxmulti
DB=$UI_DIR/history.db
API=agents.proompteng.ai/v1alpha1
source "$(dirname "$0")/clusters_lib.sh"
clusters_start

run() { # run CLUSTER NAME PHASE
  op "$1" '{"op": "add", "object": {"apiVersion": "'$API'", "kind": "AgentRun",
    "metadata": {"name": "'"$2"'", "namespace": "agents"},
    "spec": {"agentRef": {"name": "codex-agent"}, "runtime": {"type": "job"}, "implementationSpecRef": {"name": "x"},
             "parameters": {"repository": "proompteng/lab", "head": "codex/'"$2"'"}},
    "status": {"phase": "'"$3"'", "startedAt": "2026-02-25T10:00:00Z"}}}'
}
pod() { # pod CLUSTER RUN POD: a running agent-runner
  op "$1" '{"op": "add", "object": {"apiVersion": "v1", "kind": "Pod",
    "metadata": {"name": "'"$3"'", "namespace": "agents", "labels": {"agents.proompteng.ai/agent-run": "'"$2"'"}},
    "spec": {"containers": [{"name": "agent-runner", "image": "runner:1"}]},
    "status": {"phase": "Running", "containerStatuses": [{"name": "agent-runner", "image": "runner:1",
      "imageID": "runner@sha256:'"$(printf 'ab%.0s' {1..32})"'", "restartCount": 0,
      "state": {"running": {"startedAt": "2026-02-25T10:00:01Z"}}}]}}}'
}
phase() { # phase CLUSTER RUN PHASE
  op "$1" '{"op": "modify", "kind": "AgentRun", "apiVersion": "'$API'", "namespace": "agents", "name": "'"$2"'",
    "patch": {"status": {"phase": "'"$3"'"}}}'
}

# the same namespace and name on both clusters, and one run of each alone
for n in east west; do
  run $n shared-20260225a Running
  pod $n shared-20260225a shared-pod
  op $n '{"op": "log", "namespace": "agents", "pod": "shared-pod", "container": "agent-runner",
    "text": "[runner] hello from '$n'-cluster\n"}'
done
run east only-east-20260225a Running
run west only-west-20260225a Running
run west doomed-west-20260225a Running

rows() { ui_screen | grep -cE "$1" || true; }

# ---- one context: as before, no CONTEXT column
ui_start 140 30 -- --kubeconfig "$KC" --db "$DB" --context east
ui_wait "only-east-20260225a"
ui_wait "| live |"
ui_screen | grep -qF "CONTEXT" && fail "a CONTEXT column with one context"
ui_screen | grep -qF "only-west" && fail "west's run shows while following east alone"

# ---- :ctx east,west: both clusters in one list (Tab completes the name
# after the comma)
ui_keys : "ctx east,w" Tab
ui_wait ":ctx east,west"
ui_keys Enter
ui_wait "only-west-20260225a"
ui_wait "doomed-west-20260225a"
ui_wait "only-east-20260225a"
ui_wait_re "east: live \| west: live"
ui_wait "CONTEXT"
ui_screen | tail -1 | grep -qF " east,west / agents " || fail "the status bar does not name both contexts"
[ "$(rows '^east +shared-20260225a')" = 1 ] || fail "east's shared run is not one row with its context"
[ "$(rows '^west +shared-20260225a')" = 1 ] || fail "west's shared run is not one row with its context"
[ "$(rows '^west +only-west-20260225a')" = 1 ] || fail "west's run is not shown with its context"

# ---- logs of a west run come from west (east has a pod of the same name)
ui_keys / C-u "ctx:west shared" Enter
ui_wait_gone "only-west-20260225a"
ui_screen | grep -qE '^east ' && fail "ctx:west shows an east run"
ui_keys g Enter
ui_wait "detail shared-20260225a"
ui_wait_re "^ *Context +west *$"
ui_keys q
ui_wait_re "^west +shared-20260225a"
ui_keys l
ui_wait "hello from west-cluster" 30
ui_screen | grep -qF "hello from east-cluster" && fail "a west run's log shows east's"
ui_keys q
requests west | grep -qF 'pods/shared-pod/log' || fail "west's server never served the log"
[ "$(requests east | grep -cF 'pods/shared-pod/log' || true)" = 0 ] || fail "the log of a west run was asked of east"
# the filter key the other way round
ui_keys / C-u "!context:west" Enter
ui_wait "only-east-20260225a"
ui_wait_gone "only-west-20260225a"
ui_keys / Escape
ui_wait "only-west-20260225a"

# ---- a run deleted on west: its row only; east's runs stay (west's own
# sweep after its relist included)
op west '{"op": "delete", "kind": "AgentRun", "apiVersion": "'$API'", "namespace": "agents", "name": "doomed-west-20260225a"}'
ui_wait_row "doomed-west-20260225a" "(deleted)"
# west alone lists again: its watch resumes into 410 Expired
lists_west() {
  requests west | python3 -c '
import json, sys
print(sum(1 for r in json.load(sys.stdin)["requests"] if r.get("method") == "GET"
          and r.get("path", "").endswith("/agentruns") and (r.get("query") or {}).get("watch") not in ("true", "1")))'
}
before=$(lists_west)
op west '{"op": "fault", "rule": "GET /apis/'$API'/namespaces/agents/agentruns?watch=true:gone:1"}'
op west '{"op": "drop-streams"}'
now=$before
for ((i = 0; i < 60 && now <= before; i++)); do
  sleep 0.5
  now=$(lists_west)
done
[ "$now" -gt "$before" ] || fail "west did not list again after its watch got 410"
ui_wait_re "east: live \| west: live"
sleep 2
ui_screen | grep -E '^east ' | grep -qF "(deleted)" && fail "a west relist flagged east's runs deleted"
[ "$(ui_screen | grep -cF '(deleted)')" = 1 ] || fail "more than west's deleted run shows deleted"
# and the same name deleted on one cluster leaves the other's
op west '{"op": "delete", "kind": "AgentRun", "apiVersion": "'$API'", "namespace": "agents", "name": "shared-20260225a"}'
ui_wait_re "^west +shared-20260225a.*\(deleted\)"
ui_screen | grep -E '^east +shared-20260225a' | grep -qF "(deleted)" && fail "west's deletion reached east's namesake"

# ---- west stops: its state says so; east's runs go on updating
stop_cluster west
ui_wait_re "west: (reconnecting [0-9]+s|offline)" 20
ui_screen | tail -1 | grep -qF "east: live" || fail "east is not live while west is down"
ui_screen | grep -qF "OFFLINE - history cache only" && fail "the offline banner while east is live"
phase east only-east-20260225a Failed
ui_wait_re "^east +only-east-20260225a +Failed" 20
ui_wait "only-west-20260225a"
ui_keys q
[ "$(ui_exit_status)" = 0 ] || fail "exit status"

# ---- one context again with :ctx east; then both from the command line
ui_start 140 30 -- --kubeconfig "$KC" --db "$DB" --context east --context west
ui_wait "CONTEXT"
ui_wait "only-east-20260225a"
ui_wait "only-west-20260225a" # west is down: from the cache
ui_wait_re "east: live \| west: (connecting|reconnecting [0-9]+s|offline)"
ui_keys : "ctx east" Enter
ui_wait_gone "only-west-20260225a"
ui_wait "| live |"
ui_screen | grep -qF "CONTEXT" && fail "a CONTEXT column after :ctx east"
ui_keys : "ctx east,nosuch" Enter
ui_wait "no context 'nosuch' in the kubeconfig"
ui_keys q
[ "$(ui_exit_status)" = 0 ] || fail "exit status (command line)"

# ---- the config file's context list: both from the start, and a hotkey
# that follows both again after :ctx east
mkdir -p "$UI_DIR/config/artriage"
printf 'context: [east, west]\nhotkeys:\n  F2: "ctx east,west"\n' >"$UI_DIR/config/artriage/config.yaml"
chmod 600 "$UI_DIR/config/artriage/config.yaml"
ui_start 140 30 -- --kubeconfig "$KC" --db "$DB"
ui_wait "CONTEXT"
ui_wait "only-west-20260225a"
ui_wait_re "^east +only-east-20260225a"
ui_keys : "ctx east" Enter
ui_wait_gone "only-west-20260225a"
ui_keys F2
ui_wait_re "^west +only-west-20260225a"
ui_keys q
[ "$(ui_exit_status)" = 0 ] || fail "exit status (config file)"

# ---- --offline: each context's runs from the history cache, in one list
ui_start 140 30 -- --kubeconfig "$KC" --db "$DB" --offline --context east --context west
ui_wait "OFFLINE - history cache only"
ui_wait_re "^east +only-east-20260225a +Failed"
ui_wait_re "^west +only-west-20260225a"
ui_wait_re "^west +doomed-west-20260225a.*\(deleted\)"
ui_screen | grep -E '^east ' | grep -qF "(deleted)" && fail "offline: an east run shows deleted"
ui_keys q
[ "$(ui_exit_status)" = 0 ] || fail "exit status (offline)"
echo PASS
