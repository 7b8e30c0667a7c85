#!/usr/bin/env bash
# The console's verdicts go through the same writer as sync's: every
# classification it stores carries the rule set's version and the outcome
# (it used to store an empty version, so the next `sync` classified every
# run the console had triaged again).
set -eu
source "$(dirname "$0")/lib.sh"
ui_init verdicts
ui_cluster
DB=$UI_DIR/history.db
ui_start 120 40 -- --kubeconfig "$KUBEAPI_KUBECONFIG" --db "$DB"
ui_wait_idle 60
ui_keys q
[ "$(ui_exit_status)" = 0 ] || fail "exit status"
out=$(python3 - "$DB" <<'PY'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
rows = con.execute("SELECT version, outcome FROM classifications").fetchall()
print(len(rows), sum(1 for v, o in rows if not v), sum(1 for v, o in rows if o not in ("failed", "succeeded", "unknown")))
PY
)
read -r n noversion badoutcome <<<"$out"
echo "verdicts: $n, without a version: $noversion, without an outcome: $badoutcome"
[ "$n" -gt 0 ] || fail "the console stored no verdict"
[ "$noversion" = 0 ] || fail "$noversion verdicts without the rule set's version"
[ "$badoutcome" = 0 ] || fail "$badoutcome verdicts without an outcome"
echo ok
