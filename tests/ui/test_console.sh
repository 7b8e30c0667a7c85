#!/usr/bin/env bash
# The console end to end in tmux against the test API server: the list
# appears, / narrows it, Enter opens the detail with digest and attempt
# chain, a MODIFIED event changes a phase while the cursor stays on its run,
# :ns switches, a resize to 80x24 keeps rows unwrapped, q and :q exit 0
# with the terminal restored.
set -eu
source "$(dirname "$0")/lib.sh"
ui_init console
ui_cluster

E=torghut-v5-doc12-dspy-adoption-run-20260225e
G=torghut-v5-doc12-dspy-adoption-run-20260225g

ui_start 120 40 -- --kubeconfig "$KUBEAPI_KUBECONFIG"
ui_wait "$G"
ui_wait "| live |"
ui_screen | grep -qF "6 runs Failed 3 Running 1 Pending 1 Succeeded 1" || fail "phase counts"
ui_screen | grep -F "$G" | grep -qF "Succeeded" || fail "g is not shown Succeeded"
# logs read in the background: e's cause and g's PR reach the list
# (b's class is also runtime.missing-*, cut from the left at 120 columns)
ui_wait_row "$G" "#3653"
ui_wait_row "$E" "-executable"
# names of up to 45 characters are shown in full at 120 columns
ui_screen | grep -qF "jangar-control-plane-implement-sched-q8w2n " || fail "name cut at 120 columns"

# / narrows incrementally; Esc clears
ui_keys / p h a s e : F a i l e d
ui_wait "runs 3/6"
ui_screen | grep -qF "$G" && fail "the phase:Failed filter still shows g"
ui_keys ' ' 2 0 2 6 0 2 2 5 e
ui_wait "runs 1/6"
ui_keys Escape
ui_wait "runs 6/6"

# Enter opens the detail: digest and the attempt chain with the fix marked
ui_keys g j j j Enter
ui_wait "detail $E"
ui_keys Escape
ui_wait "runs 6/6"
ui_keys g j j Enter
ui_wait "detail $G"
ui_screen | grep -qF "sha256:6fa809abd4f4" || fail "the detail has no image digest"
ui_screen | grep -qF "#3653 https://github.com/proompteng/lab/pull/3653" || fail "the detail has no PR link"
ui_keys G
ui_wait "Attempts (lane torghut-v5-doc12-dspy-adoption-run-20260225"
ui_screen | grep -E "^g +Succeeded +6fa809abd4f4" | grep -F "first success" | grep -qF "digest,image,head,outcome" || fail "the fix before the first success is not marked"
ui_screen | grep -E "^e +Failed +df5ebfde7841" >/dev/null || fail "attempt e with its digest missing"
ui_keys q
ui_wait "runs 6/6"

# the cursor is on e; a new run arrives on top and e's phase changes:
# the rows move, the cursor stays on e
ui_keys g j j j
kubeapi_op '{"op": "add", "object": {"apiVersion": "agents.proompteng.ai/v1alpha1", "kind": "AgentRun", "metadata": {"name": "newest-run-20260225a", "namespace": "agents", "creationTimestamp": "2026-02-25T10:06:58Z"}, "spec": {"agentRef": {"name": "codex-agent"}, "runtime": {"type": "job"}}}}' >/dev/null
kubeapi_op "{\"op\": \"modify\", \"kind\": \"AgentRun\", \"namespace\": \"agents\", \"name\": \"$E\", \"patch\": {\"status\": {\"phase\": \"Cancelled\"}}}" >/dev/null
ui_wait "runs 7/7"
ui_wait "newest-run-20260225a"
ui_wait_row "$E" Cancelled
ui_keys Enter
ui_wait "detail $E"
ui_keys Escape

# :ns switches without a restart
ui_keys : n s ' ' s y n t h e s i s Enter
ui_wait "synthesis-probe-run-20260225a"
ui_wait "runs 1/1"
ui_screen | grep -qF "$G" && fail ":ns synthesis still shows agents runs"
ui_keys : n s ' ' a g e n t s Enter
ui_wait "$G"

# resize to 80x24: no wrapped rows, name and phase kept
tmux -L "$UI_SOCK" resize-window -x 80 -y 24
# tmux cuts the 120-column rows at once; only the console's own repaint
# cuts a name with an ellipsis (in the middle: the suffix stays)
ui_wait "jangar-control-plane-…sched-q8w2n "
[ "$(ui_screen | wc -l)" -le 24 ] || fail "more than 24 lines at 80x24"
ui_screen | python3 -c 'import sys; sys.exit(any(len(l.rstrip("\n")) > 80 for l in sys.stdin))' || fail "a line is wider than 80 columns"
ui_screen | grep -F "torghut-v5-doc12-dspy…" | grep -qF "Failed" || fail "phase column dropped at 80 columns"

# help is generated from the key table; read-only keys are absent
ui_keys '?'
ui_wait "Keys (runs)"
ui_screen | grep -qF "sort by the next column" || fail "help lacks s"
ui_keys q
ui_wait_gone "Keys (runs)"

# q on the last view exits 0 and leaves the alternate screen
ui_keys q
[ "$(ui_exit_status)" = 0 ] || fail "q did not exit 0"
ui_screen | grep -qF "NAME" && fail "the console's screen was not restored"

# :q too
ui_start 120 40 -- --kubeconfig "$KUBEAPI_KUBECONFIG"
ui_wait "$G"
ui_keys Enter
ui_wait "detail"
ui_keys : q Enter
[ "$(ui_exit_status)" = 0 ] || fail ":q did not exit 0"

# SIGTERM restores the terminal too
ui_start 120 40 -- --kubeconfig "$KUBEAPI_KUBECONFIG"
ui_wait "$G"
kill -TERM "$(ui_pid)"
[ "$(ui_exit_status)" = 0 ] || fail "SIGTERM did not end the console cleanly"
ui_screen | grep -qF "NAME" && fail "the screen was not restored after SIGTERM"
echo PASS
