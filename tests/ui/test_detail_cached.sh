#!/usr/bin/env bash
# The detail of runs seeded from the history cache, whose message,
# conditions and hashes the run set leaves in the cache (model/runset.h):
# read back by row id, they show as they did, for a run the server still
# had, for a deleted one, and for one a live console found deleted (and
# marked so in the cache); a row another writer rewrote after the console
# read it is said where its fields would be, and its newer version is
# never shown under the list's older one.
set -eu
source "$(dirname "$0")/lib.sh"
ui_init detail_cached
ui_cluster
B=torghut-v5-doc12-dspy-adoption-run-20260225b
N=torghut-market-context-news-7h2pd
E=torghut-v5-doc12-dspy-adoption-run-20260225e
DB=$UI_DIR/history.db
env XDG_CACHE_HOME="$UI_DIR/cache" "$UI_BIN" --kubeconfig "$KUBEAPI_KUBECONFIG" --db "$DB" sync \
  >/dev/null 2>"$UI_DIR/sync.err" || fail "sync: $(cat "$UI_DIR/sync.err")"
# a run the cache holds and the server no longer has (deleted while no
# console ran): a live console seeds it from the cache, its list does not
# bring it, so it flags it deleted and marks its row deleted in the cache
# (the row's one change without a new version): its detail still shows
# what the cache held
python3 - "$DB" "$E" <<'PY'
import json, sqlite3, sys
con = sqlite3.connect(sys.argv[1])
con.row_factory = sqlite3.Row
row = dict(con.execute("SELECT * FROM runs WHERE name = ?", (sys.argv[2],)).fetchone())
raw = json.loads(row["raw"])
raw["metadata"].update(name="ghost-run-20260225a", uid="ghost-uid")
raw["status"]["message"] = "the ghost's own message"
row.update(id=None, name="ghost-run-20260225a", uid="ghost-uid", lane="ghost-run-20260225", attempt="a",
           message="the ghost's own message", raw=json.dumps(raw))
con.execute("INSERT INTO runs (%s) VALUES (%s)" % (",".join(row), ",".join("?" * len(row))), list(row.values()))
con.commit()
PY
ui_start 160 70 -- --kubeconfig "$KUBEAPI_KUBECONFIG" --db "$DB"
ui_wait "| live |"
ui_wait "deleted 1"
ui_keys / ghost-run Enter
ui_wait "runs 1/7"
ui_keys Enter
ui_wait "detail ghost-run-20260225a"
ui_wait "the ghost's own message"
ui_screen | grep -qF "(deleted on the server" || fail "the ghost is not shown deleted"
ui_screen | grep -qE "^ArtifactsLimited +False +WithinLimits" || fail "the ghost's conditions are not shown"
ui_screen | grep -qF "Not shown" && fail "the ghost's fields were not read back: $(ui_screen | grep -F 'Not shown')"
ui_keys q q
[ "$(ui_exit_status)" = 0 ] || fail "exit status (live)"
python3 - "$DB" <<'PY'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
con.execute("DELETE FROM runs WHERE uid = 'ghost-uid'")
con.commit()
PY

kc=$UI_DIR/kubeconfig.copy
cp "$KUBEAPI_KUBECONFIG" "$kc"
kubeapi_stop
# b was deleted on the server since: the cache keeps it, flagged
python3 - "$DB" "$B" <<'PY'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
con.execute("UPDATE runs SET deleted = 1, deleted_at = 1772010000000 WHERE name = ?", (sys.argv[2],))
con.commit()
PY

ui_start 160 70 -- --offline --kubeconfig "$kc" --db "$DB"
ui_wait "$E"
ui_wait "| 6 runs"
ui_wait_gone "cache:" 30
open_detail() {
  ui_keys / "$1" Enter
  ui_wait "runs 1/6"
  ui_keys Enter
  ui_wait "detail $1"
}
close_detail() {
  ui_keys q
  ui_wait "runs 1/6"
  # (Escape in the filter prompt clears the filter)
  ui_keys /
  ui_keys Escape
  ui_wait "runs 6/6"
}

# e, cached: its message, idempotency key, spec hash and conditions
open_detail "$E"
ui_wait 'Executable not found in $PATH: "codex-nats-soak"'
ui_screen | grep -E "^Idempotency key" | grep -qF "torghut-v5-doc12-dspy-adoption-20260225e" ||
  fail "e's idempotency key is not shown"
ui_screen | grep -E "^Spec hash" | grep -qE "[0-9a-f]{12}" || fail "e's spec hash is not shown"
ui_screen | grep -qE "^Conditions" || fail "e's conditions heading is missing"
ui_screen | grep -qE "^ArtifactsLimited +False +WithinLimits" || fail "e's conditions are not shown"
ui_screen | grep -qF "Not shown" && fail "e's fields were not read back: $(ui_screen | grep -F 'Not shown')"
close_detail

# b, deleted on the server: the same, and flagged
open_detail "$B"
ui_wait 'ENOENT reading "/app/node_modules/@proompteng/discord"'
ui_screen | grep -qF "(deleted on the server" || fail "b is not shown deleted"
ui_screen | grep -qE "^ArtifactsLimited +False +WithinLimits" || fail "b's conditions are not shown"
close_detail

# n's row rewritten by another writer after the console read it (a run
# not read yet: one read is remembered as the set read it, and e's and b's
# details read their whole lane)
python3 - "$DB" "$N" <<'PY'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
con.execute("UPDATE runs SET resource_version = '99999999', raw = json_set(raw, '$.status.message',"
            " 'REWRITTEN LATER', '$.metadata.resourceVersion', '99999999') WHERE name = ?", (sys.argv[2],))
con.commit()
PY
open_detail "$N"
ui_wait "changed since the list read it"
ui_screen | grep -qF "REWRITTEN LATER" && fail "n's newer row is shown under the list's older version"
ui_screen | grep -qF "Not shown" || fail "n's missing fields are not said"
close_detail
ui_keys q
[ "$(ui_exit_status)" = 0 ] || fail "exit status"
echo PASS
