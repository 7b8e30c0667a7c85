#!/usr/bin/env bash
# Logs from the history cache: the console's triage caches terminated
# containers' logs; after the Job TTL deletes attempt d's pod, `l` shows the
# cached log with a "from history" header, still opened on its cause; and
# with --offline the same holds for attempt e.
set -eu
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/logview_lib.sh"
ui_init logshistory
# a copy: the test removes a pod's log files as the node would with the pod
cp -r "$UI_SRC/data/demo/seed" "$UI_DIR/scenario"
kubeapi_start "$UI_DIR/scenario" || fail "the test API server did not start"
DB=$UI_DIR/history.db
L=torghut-v5-doc12-dspy-adoption-run-20260225
ui_start 120 40 -- --kubeconfig "$KUBEAPI_KUBECONFIG" -n agents --db "$DB"
ui_wait "${L}d" 20
ui_wait "vcs.worktree" 20
ui_wait_cached "$DB" "${L}d" "posix_spawn 'git'" -n agents
ui_wait_cached "$DB" "${L}e" 'Executable not found in $PATH' -n agents
POD=$(basename "$(ls -d "$UI_DIR"/scenario/logs/agents/${L}d-job-*)")
rm -r "$UI_DIR/scenario/logs/agents/$POD"
kubeapi_op "{\"op\": \"delete\", \"kind\": \"Pod\", \"namespace\": \"agents\", \"name\": \"$POD\"}" >/dev/null
# the console has seen the deletion once its cache marks the pod deleted
# (both happen in the same step of its loop)
python3 - "$DB" "$POD" <<'PY' || fail "the console never saw pod $POD deleted"
import sqlite3, sys, time
deadline = time.time() + 30
while time.time() < deadline:
    con = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True, timeout=30)
    try:
        row = con.execute("SELECT deleted FROM pods WHERE name = ?", (sys.argv[2],)).fetchone()
    finally:
        con.close()
    if row and row[0]:
        sys.exit(0)
    time.sleep(0.1)
sys.exit(1)
PY
lv_open_run "${L}d"
ui_wait "logs: ${L}d"
ui_wait "agent-runner | from history | line 45/62 | pod $POD"
lv_header | grep -qE "\| live( \||$)" && fail "the deleted pod's log claims to be live"
ui_wait " vcs.worktree  line 45"
lv_cursor_line | grep -qF "posix_spawn 'git'" || fail "the cached log is not opened on its cause"
ui_keys q q
[ "$(ui_exit_status)" = 0 ] || fail "exit status"

ui_start 120 40 -- --kubeconfig "$KUBEAPI_KUBECONFIG" -n agents --db "$DB" --offline
ui_wait "OFFLINE" 20
lv_open_run "${L}e"
ui_wait "logs: ${L}e"
ui_wait "agent-runner | from history | line 208/214"
ui_wait " runtime.missing-executable  line 208"
ui_keys q q
[ "$(ui_exit_status)" = 0 ] || fail "exit status (offline)"
echo PASS
