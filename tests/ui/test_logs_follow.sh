#!/usr/bin/env bash
# Following a running container's log: scripted lines stream in while the
# cursor stays on its line (follow off), `f` sticks to the end, and after
# the server drops every stream the view reconnects without losing or
# repeating a line (the written log has each scripted line exactly once).
set -eu
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/logview_lib.sh"
ui_init logsfollow
kubeapi_start "$UI_SRC/data/demo/seed" || fail "the test API server did not start"
ui_start 120 40 -- --kubeconfig "$KUBEAPI_KUBECONFIG" -n agents
R=jangar-control-plane-implement-sched-q8w2n
POD=$R-job-h2c8w
base=$(wc -l <"$UI_SRC/data/demo/seed/logs/agents/$POD/agent-runner.log")
say() { # appends one line to the running container's log
  kubeapi_op "{\"op\": \"log\", \"namespace\": \"agents\", \"pod\": \"$POD\", \"container\": \"agent-runner\", \"text\": \"$1\"}" >/dev/null
}
lv_open_run "$R"
ui_wait "logs: $R"
ui_wait "line $base/$base | following"
# move up: follow goes off and the cursor must stay on its line
ui_keys k k k
want=$((base - 3))
ui_wait "line $want/$base"
for i in 1 2 3; do say "scripted line $i of the follow test"; done
ui_wait "line $want/$((base + 3))"
lv_cursor_line | grep -qE "^ *$want  " || fail "the cursor left line $want"
# f: to the end, and stay there as lines come
ui_keys f
ui_wait "following the end of the log"
say "scripted line 4 of the follow test"
ui_wait "line $((base + 4))/$((base + 4)) | following"
ui_screen | grep -q "scripted line 3 of the follow test" || fail "new lines not shown"
# the network drops every stream: resume with no loss and no duplicate
kubeapi_op '{"op": "drop-streams"}' >/dev/null
sleep 0.3
say "scripted line 5 of the follow test"
say "scripted line 6 of the follow test"
ui_wait "line $((base + 6))/$((base + 6))" 20
sleep 1.5   # a second reconnect window: nothing may come twice
ui_screen | grep -q "line $((base + 6))/$((base + 6))" || fail "lines repeated after the reconnect"
kubeapi_requests | grep -q 'sinceTime' || fail "the stream was not resumed with sinceTime"
out=$UI_DIR/follow.log
ui_keys w C-u "$out" Enter
ui_wait "wrote"
for i in 1 2 3 4 5 6; do
  n=$(grep -c "scripted line $i of the follow test" "$out" || true)
  [ "$n" = 1 ] || fail "scripted line $i is in the log $n times"
done
[ "$(wc -l <"$out")" = $((base + 6)) ] || fail "the joined log has $(wc -l <"$out") lines, want $((base + 6))"
ui_keys q q
[ "$(ui_exit_status)" = 0 ] || fail "exit status"
echo PASS
