#!/usr/bin/env bash
# Console figures on a history cache of 100,000 runs (prints numbers; not a
# test): first paint, RSS, keystroke-to-screen while filtering, idle bytes.
#   bench/console.sh BINARY [RUNS [OTHER_BINARY... ]]
# With other binaries (an older build), each runs on the same cache in
# turn, ROUNDS times (default 2), alternating, so a machine busy with other
# work weighs on all of them alike.
# Targets (issue 16, at 1,000,000 runs): first paint <= 100 ms, filter
# keystroke median <= 16 ms, RSS <= 400 MB, 0 idle bytes.
# BENCH_ROWS=lean (default): rows hold the list columns only.
# BENCH_ROWS=full: rows hold what a synced AgentRun does (the columns, and
# the raw object `sync` keeps, with resourceVersion, reason, message,
# idempotency key, both hashes, runtimeRef and three conditions: the
# fields bench/runset_mem.c's "full" runs carry).
set -eu
BIN=${1:?usage: bench/console.sh BINARY [RUNS]}
N=${2:-100000}
shift $(($# < 2 ? $# : 2))
ROUNDS=${ROUNDS:-2}
HERE=$(cd "$(dirname "$0")" && pwd)
DIR=$(mktemp -d "${TMPDIR:-/tmp}/artriage-bench-console.XXXXXX")
trap 'rm -rf "$DIR"' EXIT
DB=$DIR/history.db
# the binary creates the cache with its current schema ...
XDG_CACHE_HOME=$DIR "$BIN" --db "$DB" gc --older-than 1000d >/dev/null
# ... and the runs go straight into it (what `sync` would have written)
ROWS=${BENCH_ROWS:-lean}
case $ROWS in lean|full) ;; *) echo "bench/console.sh: BENCH_ROWS is lean or full" >&2; exit 2 ;; esac
python3 - "$DB" "$N" "$ROWS" <<'PY'
import datetime, json, sqlite3, sys
db, n, full = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "full"
con = sqlite3.connect(db)
base = 1772000000000
phases = ["Failed", "Succeeded", "Running", "Pending", "Cancelled"]

def ts(ms):
    return datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

def raw(i, ns, name, uid, agent, phase, created, head, rv, reason, message, idem, sph, sh):
    conds = [{"type": t, "status": "False" if k == 2 else "True", "reason": "Reconciled",
              "message": "the controller reconciled it", "lastTransitionTime": ts(created + k * 1000)}
             for k, t in enumerate(["Accepted", "Ready", "Succeeded"])]
    return json.dumps({
        "apiVersion": "agents.proompteng.ai/v1alpha1", "kind": "AgentRun",
        "metadata": {"name": name, "namespace": ns, "uid": uid, "resourceVersion": rv,
                     "creationTimestamp": ts(created)},
        "spec": {"agentRef": {"name": agent}, "runtime": {"type": "job"}, "idempotencyKey": idem,
                 "parameters": {"repository": "proompteng/lab", "base": "main", "head": head}},
        "status": {"phase": phase, "reason": reason, "message": message, "startedAt": ts(created + 2000),
                   "finishedAt": ts(created + 60000),
                   "vcs": {"repository": "proompteng/lab", "baseBranch": "main", "headBranch": head},
                   "systemPromptHash": sph, "specHash": sh, "runtimeRef": {"name": name + "-job"},
                   "conditions": conds}}, separators=(",", ":"))

cols = ("context, namespace, name, uid, lane, attempt, agent, runtime, phase, created, started, finished,"
        " repository, base, head, first_seen, last_seen, deleted")
if full:
    cols += ", resource_version, reason, message, idempotency_key, system_prompt_hash, spec_hash, raw"
sql = f"INSERT INTO runs ({cols}) VALUES ({','.join('?' * len(cols.split(',')))})"
rows = []
for i in range(n):
    lane = f"lane-{i // 4:05d}-run-20260225"
    att = "abcd"[i % 4]
    created = base + i * 1000
    ns, name, uid = "agents" if i % 10 else "synthesis", lane + att, f"uid-{i:06d}"
    agent, phase, head = "codex-agent" if i % 3 else "anypi-agent", phases[i % 5], f"codex/{lane}{att}"
    row = ("bench", ns, name, uid, lane, att, agent, "job", phase, created, created + 2000, created + 60000,
           "proompteng/lab", "main", head, created, created, i % 50 == 0)
    if full:
        rv, reason = str(100000000 + i * 7), "BackoffLimitExceeded"
        message = f"job {name}: BackoffLimitExceeded after 1 attempt(s)"
        idem, sph, sh = f"idem-{lane}-{i}", f"{i // 1000:064x}", f"{i:064x}"
        row += (rv, reason, message, idem, sph, sh,
                raw(i, ns, name, uid, agent, phase, created, head, rv, reason, message, idem, sph, sh))
    rows.append(row)
    if len(rows) == 50000:
        con.executemany(sql, rows)
        rows = []
con.executemany(sql, rows)
con.commit()
PY
NEWEST=$(printf 'lane-%05d-run-20260225%s' $(((N - 1) / 4)) "$(echo abcd | cut -c$(((N - 1) % 4 + 1)))")
echo "runs in the cache: $N, $ROWS rows ($(du -h "$DB" | cut -f1))"
if [ $# -eq 0 ]; then
  python3 "$HERE/console_pty.py" "$BIN" "$DB" "$NEWEST"
  exit
fi
for round in $(seq "$ROUNDS"); do
  for b in "$BIN" "$@"; do
    echo "== round $round: $b"
    python3 "$HERE/console_pty.py" "$b" "$DB" "$NEWEST"
  done
done
