#!/usr/bin/env bash
# The timeline view: `t` on an attempt of the seed lane shows the lane's
# events from the history cache in time order, the first cause of b, d and
# e marked, the change before g's success marked; `n` adds a note at the
# selected time; `x` exports Markdown and JSON files (0600); `l` opens the
# selected run's logs.
set -eu
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/logview_lib.sh"
ui_init timeline
kubeapi_start "$UI_SRC/data/demo/seed" || fail "the test API server did not start"
DB=$UI_DIR/history.db
L=torghut-v5-doc12-dspy-adoption-run-20260225
ui_start 140 40 -- --kubeconfig "$KUBEAPI_KUBECONFIG" -n agents --db "$DB"
ui_wait "${L}e" 20
ui_wait "runtime.missing" 20
ui_wait_gone "reading logs" 30
for run in b:'ENOENT reading "/app/node_modules' d:"posix_spawn 'git'" e:'Executable not found in $PATH'; do
  ui_wait_cached "$DB" "${L}${run%%:*}" "${run#*:}" -n agents
done
lv_open_run "${L}e" t
ui_wait "timeline: $L"
ui_wait "first-cause"
scr=$(ui_screen)
rows=$(echo "$scr" | grep -E '^[!* ] 20[0-9]{2}-' || true)
[ "$(echo "$rows" | wc -l)" -ge 12 ] || fail "too few timeline rows"
echo "$rows" | cut -c3-21 | sort -c || fail "events are not in time order"
for a in b:runtime.missing-module d:vcs.worktree e:runtime.missing-executable; do
  echo "$rows" | grep -E "^! .* ${a%%:*} +first-cause +${a#*:} " >/dev/null ||
    fail "the first cause of ${a%%:*} (${a#*:}) does not stand out"
done
echo "$rows" | grep -E '^\* .* g +created .*<- changed: .*image' >/dev/null ||
  fail "the change before the first success does not stand out"
[ "$(echo "$rows" | grep -c '^! ')" = 3 ] || fail "more than the three first causes stand out"

# a note at the selected event's time (the view opens on e's first event)
ui_keys n
ui_wait "note at 2026-02-25 09:31:18:"
ui_keys -l "fix merged #3644"
ui_keys Enter
ui_wait "note added"
ui_screen | grep -E '^  2026-02-25 09:31:18 +- +note .*fix merged #3644' >/dev/null || fail "the note is not in the timeline"

md=$UI_DIR/t.md
ui_keys x C-u "$md" Enter
# the file's own message: a key clears the last one, but maybe not before
# the next look at the screen
ui_wait_re "exported [0-9]+ events to .*/t\.md"
[ "$(stat -c %a "$md")" = 600 ] || fail "the export is not mode 0600"
grep -q 'Time (UTC)' "$md" || fail "the Markdown export has no Time (UTC) column"
grep -q 'fix merged #3644' "$md" || fail "the note is missing from the export"
js=$UI_DIR/t.json
ui_keys x C-u "$js" Enter
ui_wait_re "exported [0-9]+ events to .*/t\.json"
python3 - "$js" <<'PY' || fail "the JSON export is wrong"
import json, sys
ev = json.load(open(sys.argv[1]))["events"]
times = [e["time"] for e in ev]
assert times == sorted(times), "not in time order"
kinds = {e["kind"] for e in ev}
assert {"first-cause", "failed", "succeeded", "note"} <= kinds, kinds
PY

# l on an event opens that run's logs, on its cause
ui_keys g l
ui_wait "logs: ${L}b"
ui_wait " runtime.missing-module  line 50"
ui_keys q
ui_wait "timeline: $L"
ui_keys q q
[ "$(ui_exit_status)" = 0 ] || fail "exit status"

# whoever filled the cache, the first causes sit at their log lines' times:
# the console's cache and one filled by sync tell the same times, none estimated
"$UI_BIN" --kubeconfig "$KUBEAPI_KUBECONFIG" -n agents --db "$UI_DIR/sync.db" sync >/dev/null 2>&1 ||
  fail "sync into a second cache"
for db in "$DB" "$UI_DIR/sync.db"; do
  "$UI_BIN" --offline -n agents --db "$db" timeline --lane "$L" -o json |
    python3 -c 'import json,sys; print("\n".join("%s %s %s" % (e["run"], e["time"], e.get("estimated")) for e in json.load(sys.stdin)["events"] if e["kind"] == "first-cause"))' \
    >"$db.causes" || fail "timeline of $db"
done
[ -s "$DB.causes" ] || fail "no first causes from the console's cache"
diff "$DB.causes" "$UI_DIR/sync.db.causes" >&2 || fail "console and sync place the first causes differently"
grep -q ' True$' "$DB.causes" && fail "a first cause with a known line time is marked estimated"
echo PASS
