#!/usr/bin/env bash
# The status bar's progress while the console reads logs in the background:
# it says "reading logs" for as long as any log is being read, even when the
# run list arrives last and its linking ends meanwhile; once it shows no
# progress, every log is read (g's PR, found only in its log, is in its
# row).
set -eu
source "$(dirname "$0")/lib.sh"
ui_init progress
ui_cluster
G=torghut-v5-doc12-dspy-adoption-run-20260225g
RUNS=/apis/agents.proompteng.ai/v1alpha1/namespaces/agents/agentruns
# the run list comes after the pods (its runs are linked in the step that
# starts the log reads), and every log answer is held back for a while
# (less than the 5 s after which the client calls a silent answer stalled)
kubeapi_op "{\"op\": \"fault\", \"rule\": \"GET $RUNS:delay=1500:1\"}" >/dev/null
kubeapi_op '{"op": "fault", "rule": "GET /api/v1/namespaces/agents/pods/:delay=3000:*"}' >/dev/null

ui_start 120 40 -- --kubeconfig "$KUBEAPI_KUBECONFIG"
ui_wait "| live |"
bar=$(ui_screen | tail -1)
case $bar in
*"reading logs"*) ;;
*) fail "the status bar shows no progress while logs are being read: '$bar'" ;;
esac
# idle: then the logs are in
ui_wait_idle 60
ui_screen | grep -F "$G" | grep -qF "#3653" || fail "idle before g's log was read"
ui_keys q
[ "$(ui_exit_status)" = 0 ] || fail "exit status"
echo PASS
