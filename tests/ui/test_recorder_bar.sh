#!/usr/bin/env bash
# The console's status bar says whether a recorder feeds the history cache:
# "recorder: none — history only while this console runs" without one,
# "recorder: live, N s" while `artriage record` beats into the same cache,
# and none again after the recorder stops (SIGTERM releases the cache).
set -eu
source "$(dirname "$0")/lib.sh"
ui_init recbar
ui_cluster
DB=$UI_DIR/history.db

ui_start 160 30 -- --kubeconfig "$KUBEAPI_KUBECONFIG" --db "$DB"
ui_wait "| live |"
ui_wait "recorder: none — history only while this console runs"

"$UI_BIN" --kubeconfig "$KUBEAPI_KUBECONFIG" --db "$DB" record --quiet >"$UI_DIR/record.err" 2>&1 &
rec=$!
trap 'kill -KILL $rec 2>/dev/null || true; ui_cleanup' EXIT
ui_wait_re "recorder: live, [0-9]+ s" 20
# the bar stays within its line: the runs and the connection are still there
ui_screen | tail -1 | grep -qF "| live |" || fail "status bar lost the connection"
kill -TERM "$rec"
wait "$rec" || fail "record exited $? on SIGTERM: $(cat "$UI_DIR/record.err")"
ui_wait "recorder: none — history only while this console runs" 10

# too narrow for it: the counts keep their place, no half sentence
ui_keys q
[ "$(ui_exit_status)" = 0 ] || fail "exit status"
ui_start 80 24 -- --kubeconfig "$KUBEAPI_KUBECONFIG" --db "$DB"
ui_wait "| live |"
ui_screen | tail -1 | grep -qF "recorder" && fail "a cut recorder note on 80 columns"
ui_keys q
[ "$(ui_exit_status)" = 0 ] || fail "exit status (80 columns)"
echo PASS
