#!/usr/bin/env bash
# The log view joins a rotated live log with the cached head: the history
# cache holds a container's whole log (read by `sync` while the server
# served all of it); later the kubelet has rotated the first lines away and
# the container runs on. Opening its log shows the cached head, then the
# live rest, then what comes live: every line once, in order, none lost or
# repeated (the written log equals the original plus the new lines). The
# log repeats lines (the same command several times), and the first live
# line is one of them: the join must find where the live text continues
# the cache, not the first place its first line occurs.
set -eu
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/logview_lib.sh"
ui_init logsjoin
R=jangar-control-plane-implement-sched-q8w2n
POD=$R-job-h2c8w
LOG=logs/agents/$POD/agent-runner.log
DB=$UI_DIR/history.db
CUT=40 # lines the kubelet rotated away

# The runner log ends in a cause and a PR: once cached with its verdict and
# link, the console has no reason to read it again (triage) by itself.
ORIG=$UI_DIR/orig.log
{ cat "$UI_SRC/data/demo/seed/$LOG"
  echo 'Error: Executable not found in $PATH: "codex-nats-soak"'
  echo 'Opened PR https://github.com/proompteng/lab/pull/3700'; } >"$ORIG"
n=$(wc -l <"$ORIG")

# 1. the cache gets the whole log: a copy of the seed where the run has
# failed and its container ended (sync reads the logs of ended containers)
cp -r "$UI_SRC/data/demo/seed" "$UI_DIR/ended"
cp "$ORIG" "$UI_DIR/ended/$LOG"
python3 - "$UI_DIR/ended/objects" "$R" "$POD" <<'PY'
import json, os, sys
d, run, pod = sys.argv[1:4]
for f in ("10-agentruns.json", "30-pods.json"):
    path = os.path.join(d, f)
    doc = json.load(open(path))
    for o in doc["items"]:
        name = o["metadata"]["name"]
        if name == run:
            o["status"]["phase"] = "Failed"
            o["status"]["finishedAt"] = "2026-02-25T10:06:00Z"
        if name == pod:
            o["status"]["phase"] = "Failed"
            for cs in o["status"]["containerStatuses"]:
                started = (cs.get("state", {}).get("running") or {}).get("startedAt", "2026-02-25T10:00:00Z")
                cs["state"] = {"terminated": {"exitCode": 1, "reason": "Error", "startedAt": started,
                                              "finishedAt": "2026-02-25T10:06:00Z"}}
    json.dump(doc, open(path, "w"))
PY
kubeapi_start "$UI_DIR/ended" || fail "the test API server did not start"
env XDG_CACHE_HOME="$UI_DIR/cache" "$UI_BIN" --kubeconfig "$KUBEAPI_KUBECONFIG" -n agents --db "$DB" sync \
  >/dev/null 2>"$UI_DIR/sync.err" || fail "sync: $(cat "$UI_DIR/sync.err")"
kubeapi_stop
cached=$("$UI_BIN" --db "$DB" -n agents --offline logs "$R" | wc -l)
[ "$cached" = "$n" ] || fail "the cache holds $cached lines of $POD's log, want $n"

# 2. the container runs on; its live log lost its first CUT lines
cp -r "$UI_SRC/data/demo/seed" "$UI_DIR/rotated"
tail -n +$((CUT + 1)) "$ORIG" >"$UI_DIR/rotated/$LOG"
kubeapi_start "$UI_DIR/rotated" || fail "the test API server did not start"
ui_start 120 40 -- --kubeconfig "$KUBEAPI_KUBECONFIG" -n agents --db "$DB"
lv_open_run "$R"
ui_wait "logs: $R"
ui_wait "line $n/$n | following" || true
kubeapi_op "{\"op\": \"log\", \"namespace\": \"agents\", \"pod\": \"$POD\", \"container\": \"agent-runner\", \"text\": \"a live line after the join\"}" >/dev/null
ui_wait "line $((n + 1))/$((n + 1)) | following"
out=$UI_DIR/joined.log
ui_keys w C-u "$out" Enter
ui_wait "wrote"
{ cat "$ORIG"; echo "a live line after the join"; } >"$UI_DIR/want.log"
# the live lines are written with their kubelet timestamps: compare the text
sed -E 's/^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z //' "$out" >"$UI_DIR/got.log"
diff -u "$UI_DIR/want.log" "$UI_DIR/got.log" >&2 || fail "the joined log is not the cached head + the live rest, each line once"
ui_keys q q
[ "$(ui_exit_status)" = 0 ] || fail "exit status"
echo PASS
