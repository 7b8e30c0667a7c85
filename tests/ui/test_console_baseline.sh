#!/usr/bin/env bash
# The console's background triage (CLASS column) sets a failed run against
# the baseline `sync` chooses, so the verdict the console stores equals
# sync's. On the seed lane, failed attempt e prints the cause twice and
# passing attempt g printed the first of those lines too: compared with g,
# e's cause is line 3 (the line g never printed), not line 2. The console's
# cache and a `sync` into another cache must hold the same verdict for
# every run of the lane, naming g (by name and uid) for e.
set -eu
source "$(dirname "$0")/lib.sh"
ui_init console_baseline
L=torghut-v5-doc12-dspy-adoption-run-20260225
CAUSE='Executable not found in $PATH: "codex-nats-soak"'
python3 - "$UI_DIR/scenario" "$CAUSE" <<'PY'
import os, sys
sys.path.insert(0, os.path.join(os.environ.get("ARTRIAGE_SRC", "."), "tests", "integration"))
import scenarios as sc
root, cause = sys.argv[1], sys.argv[2]
seed = sc.seed(root)
d = os.path.join(seed, "logs", "agents")
pod = lambda run: [p for p in os.listdir(d) if p.startswith(run + "-job-")][0]
sc.write_log(seed, pod(sc.LANE + "e"), "[command:started] codex-nats-soak --check\n" + cause + "\n"
             "agent-runner: turn failed: " + cause + "\n")
sc.write_log(seed, pod(sc.LANE + "g"), cause + "\n[command:started] gh pr create --fill\n"
             "[command:delta] command output " + sc.PR_URL + "\n")
PY
[ -d "$UI_DIR/scenario/objects" ] || fail "the scenario was not seeded"
kubeapi_start "$UI_DIR/scenario" || fail "the test API server did not start"
CDB=$UI_DIR/console.db
SDB=$UI_DIR/sync.db
ui_start 160 40 -- --kubeconfig "$KUBEAPI_KUBECONFIG" -n agents --db "$CDB"
ui_wait "${L}g" 20
ui_wait_idle 60
# the console commits as it goes: wait for e's verdict from its log
for ((i = 0; i < 300; i++)); do
  n=$(python3 - "$CDB" "${L}e" <<'PY'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1], timeout=10)
print(con.execute("SELECT count(*) FROM classifications c JOIN runs r ON r.id = c.run_id"
                  " WHERE r.name = ? AND c.line > 0", (sys.argv[2],)).fetchone()[0])
PY
)
  [ "$n" = 1 ] && break
  sleep 0.1
done
[ "$n" = 1 ] || fail "the console stored no verdict from e's log"
ui_wait_idle 60
ui_keys q
[ "$(ui_exit_status)" = 0 ] || fail "exit status"
env XDG_CACHE_HOME="$UI_DIR/cache" XDG_CONFIG_HOME="$UI_DIR/config" \
  "$UI_BIN" --kubeconfig "$KUBEAPI_KUBECONFIG" -n agents --db "$SDB" sync --quiet \
  || fail "sync failed"
python3 - "$CDB" "$SDB" "$L" <<'PY' || fail "the console's verdicts differ from sync's"
import sqlite3, sys
cdb, sdb, lane = sys.argv[1:4]
Q = ("SELECT r.name, c.class, c.line, c.rule, c.container, c.baseline_name, c.baseline_uid"
     " FROM classifications c JOIN runs r ON r.id = c.run_id WHERE r.name LIKE ? ORDER BY r.name")
def rows(db):
    con = sqlite3.connect(db, timeout=10)
    try:
        return {r[0]: r[1:] for r in con.execute(Q, (lane + "%",))}
    finally:
        con.close()
console, synced = rows(cdb), rows(sdb)
ok = True
e = console.get(lane + "e")
print("console e:", e)
print("sync    e:", synced.get(lane + "e"))
if not e or e[1] != 3 or e[4] != lane + "g" or not e[5]:
    print("FAIL: the console's verdict for e is not set against g (line 3, baseline g):", e)
    ok = False
for name in sorted(set(console) | set(synced)):
    c, s = console.get(name), synced.get(name)
    if c is None or s is None:
        continue  # one side classified it from its status alone at another time
    if c != s:
        print("FAIL: %s console %r != sync %r" % (name, c, s))
        ok = False
common = set(console) & set(synced)
print("runs compared:", len(common))
if lane + "e" not in common:
    print("FAIL: e is not in both caches")
    ok = False
sys.exit(0 if ok else 1)
PY
echo ok
