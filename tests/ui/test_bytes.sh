#!/usr/bin/env bash
# Bytes the console writes to its pty (tmux pipe-pane): an idle screen
# writes nothing; one run changing phase costs at most 2 KB.
set -eu
source "$(dirname "$0")/lib.sh"
ui_init bytes
ui_cluster
E=torghut-v5-doc12-dspy-adoption-run-20260225e
OUT=$UI_DIR/pty.out

ui_start 120 40 -- --kubeconfig "$KUBEAPI_KUBECONFIG"
ui_wait "$E"
# every log read and linked: nothing is left to change the screen
ui_wait_idle
tmux -L "$UI_SOCK" pipe-pane -o "cat >> $OUT"
for ((i = 0; i < 200; i++)); do [ -e "$OUT" ] && break; sleep 0.05; done
[ -e "$OUT" ] || fail "tmux pipe-pane did not start"
s0=$(stat -c %s "$OUT")
sleep 3
s1=$(stat -c %s "$OUT")
idle=$((s1 - s0))
echo "idle bytes over 3 s: $idle"
[ "$idle" -eq 0 ] || fail "an idle screen wrote $idle bytes in 3 s"

kubeapi_op "{\"op\": \"modify\", \"kind\": \"AgentRun\", \"namespace\": \"agents\", \"name\": \"$E\", \"patch\": {\"status\": {\"phase\": \"Cancelled\"}}}" >/dev/null
ui_wait_row "$E" Cancelled
# the screen has it, so tmux has passed it to the pipe; cat may lag
for ((i = 0; i < 400; i++)); do [ "$(stat -c %s "$OUT")" -gt "$s1" ] && break; sleep 0.05; done
sleep 1.5   # the window in which the change's bytes are counted
s2=$(stat -c %s "$OUT")
change=$((s2 - s1))
echo "bytes for one row's phase change: $change"
[ "$change" -gt 0 ] || fail "nothing was written for a change"
[ "$change" -le 2048 ] || fail "one row's change wrote $change bytes (> 2 KB)"
ui_keys q
[ "$(ui_exit_status)" = 0 ] || fail "exit status"
echo PASS
