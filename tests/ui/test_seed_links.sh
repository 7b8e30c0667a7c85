#!/usr/bin/env bash
# Seeding from the history cache: 2,500 cached runs come in pages (120,
# then 2,000, then the rest), and the verdicts and PR links the cache holds
# for runs of every page reach the list with them (each page's links are
# read in one go): the CLASS and PR columns show them, and the class filter
# finds exactly those runs.
set -eu
source "$(dirname "$0")/lib.sh"
ui_init seed_links
DB=$UI_DIR/history.db
XDG_CACHE_HOME=$UI_DIR/cache "$UI_BIN" --db "$DB" gc --older-than 1000d >/dev/null
python3 - "$DB" <<'PY'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
base = 1772000000000
rows = [("ctx", "agents", f"seed-{i:04d}-run", f"uid-{i:04d}", f"seed-{i:04d}-run", "", "codex-agent", "job",
         "Failed", base + i * 1000, base + i * 1000, base + i * 1000 + 5000, base + i * 1000, base + i * 1000, 0)
        for i in range(2500)]
con.executemany("INSERT INTO runs (context, namespace, name, uid, lane, attempt, agent, runtime, phase, created,"
                " started, finished, first_seen, last_seen, deleted) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
ids = dict(con.execute("SELECT name, id FROM runs"))
# newest first: 2499 is in the first page, 2300 in the second, 10 in the third
for i in (2499, 2300, 10):
    con.execute("INSERT INTO classifications (run_id, class, rule, line, version, classified)"
                " VALUES (?, 'runtime.oom', 'oom-killed', 3, 'v', 1)", (ids[f"seed-{i:04d}-run"],))
    con.execute("INSERT INTO pr_links (run_id, url, number, repository, source, observed)"
                " VALUES (?, ?, ?, 'o/r', 'log', 1)", (ids[f"seed-{i:04d}-run"], f"https://github.com/o/r/pull/{i}", i))
con.commit()
PY
ui_start 160 30 -- --offline --db "$DB" --context ctx -n agents
ui_wait "seed-2499-run"
ui_wait "runs 2500/2500" 30
ui_wait_gone "cache:" 30
ui_screen | grep -E "^seed-2499-run" | grep -qF "runtime.oom" || fail "the newest run's cached verdict is not shown"
ui_screen | grep -E "^seed-2499-run" | grep -qF "#2499" || fail "the newest run's cached PR link is not shown"
ui_keys / "class:runtime.oom" Enter
ui_wait "runs 3/2500"
for i in 2499 2300 0010; do
  ui_screen | grep -E "^seed-$i-run" | grep -qF "#$((10#$i))" || fail "run $i: verdict or PR link missing"
done
ui_keys q
[ "$(ui_exit_status)" = 0 ] || fail "exit status"
echo PASS
