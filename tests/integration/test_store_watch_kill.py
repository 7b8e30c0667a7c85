#!/usr/bin/env python3
"""`sync --watch` against a server that keeps creating, finishing and
deleting runs and pods: SIGKILL it mid-write, check PRAGMA integrity_check,
restart it, and verify that nothing the server showed is missing (every
run with its final phase, every pod, the log of every terminated
container, deletions marked). SIGTERM and SIGINT end a watch cleanly with
exit status 0."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.environ["ARTRIAGE_SRC"], "tests", "lib"))
from checks import SRC, BIN, FAILS, check  # noqa: E402
sys.path.insert(0, os.path.join(SRC, "tests", "integration"))
from kubeapi import KubeAPI  # noqa: E402
from seed_scenario import build_seed  # noqa: E402

N = 120           # runs the script creates
STEP = 0.05       # seconds between them
API = "agents.proompteng.ai/v1alpha1"


def ts(sec):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(sec))


def script_ops(t0):
    ops = []
    for i in range(N):
        at = 0.5 + i * STEP
        name = "watch-lane-20260301%s-%03d" % ("ab"[i % 2], i)
        pod = name + "-job-x%03d" % i
        created = t0 + at
        ops.append({"at": at, "op": "add", "object": {
            "apiVersion": API, "kind": "AgentRun",
            "metadata": {"name": name, "namespace": "agents"},
            "spec": {"agentRef": {"name": "codex-agent"}, "runtime": {"type": "job"},
                     "implementationSpecRef": {"name": "x"},
                     "parameters": {"repository": "proompteng/lab", "head": "codex/" + name}},
            "status": {"phase": "Running", "startedAt": ts(created)}}})
        ops.append({"at": at + 0.01, "op": "add", "object": {
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": pod, "namespace": "agents",
                         "labels": {"agents.proompteng.ai/agent-run": name,
                                    "job-name": name + "-job"}},
            "spec": {"restartPolicy": "Never",
                     "containers": [{"name": "agent-runner", "image": "runner:1"}]},
            "status": {"phase": "Running", "containerStatuses": [{
                "name": "agent-runner", "image": "runner:1",
                "imageID": "runner@sha256:%064x" % i, "restartCount": 0,
                "state": {"running": {"startedAt": ts(created)}}}]}}})
        ops.append({"at": at + 0.02, "op": "log", "namespace": "agents", "pod": pod,
                    "container": "agent-runner", "text": "step %d\nerror: boom %d" % (i, i)})
        ops.append({"at": at + 0.03, "op": "modify", "kind": "Pod", "apiVersion": "v1",
                    "namespace": "agents", "name": pod, "patch": {"status": {
                        "phase": "Failed", "containerStatuses": [{
                            "name": "agent-runner", "image": "runner:1",
                            "imageID": "runner@sha256:%064x" % i, "restartCount": 0,
                            "state": {"terminated": {"exitCode": 1, "reason": "Error",
                                                     "startedAt": ts(created),
                                                     "finishedAt": ts(created + 1)}}}]}}})
        ops.append({"at": at + 0.04, "op": "modify", "kind": "AgentRun", "apiVersion": API,
                    "namespace": "agents", "name": name, "patch": {"status": {
                        "phase": "Failed", "finishedAt": ts(created + 1),
                        "message": "boom %d" % i}}})
        if i % 10 == 9:  # retention: some runs go away while we watch
            old = "watch-lane-20260301%s-%03d" % ("ab"[(i - 5) % 2], i - 5)
            ops.append({"at": at + 0.045, "op": "delete", "kind": "AgentRun", "apiVersion": API,
                        "namespace": "agents", "name": old})
    # the server runs the script from its own start and may lag behind it
    # under load: this last object tells the test that the script is done
    ops.append({"at": 0.5 + N * STEP + 0.1, "op": "add", "object": {
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "script-done", "namespace": "agents"}, "data": {}}})
    ops.sort(key=lambda o: o["at"])
    return ops


def script_done(api):
    return api.request("GET", "/api/v1/namespaces/agents/configmaps/script-done")[0] == 200


def cached_runs(db):
    """Runs in the cache, or 0 while the watch has not made it yet."""
    if not os.path.exists(db):
        return 0   # connecting would create it
    con = sqlite3.connect(db, timeout=30)
    try:
        return con.execute("SELECT count(*) FROM runs").fetchone()[0]
    except sqlite3.Error:
        return 0
    finally:
        con.close()


def watches(api):
    return sum(1 for r in api.requests() if (r.get("query") or {}).get("watch") in ("true", "1"))


def start_watch(base, log):
    return subprocess.Popen([BIN] + base + ["sync", "--watch"], stdout=log, stderr=log)


def server_state(api):
    runs = api.get("/apis/%s/namespaces/agents/agentruns" % API)["items"]
    pods = api.get("/api/v1/namespaces/agents/pods")["items"]
    return runs, pods


def missing(db, api):
    """What the server shows that the cache lacks (empty list = nothing)."""
    runs, pods = server_state(api)
    con = sqlite3.connect(db, timeout=30)
    try:
        gone = []
        for r in runs:
            row = con.execute("SELECT phase, deleted FROM runs WHERE uid = ?",
                              (r["metadata"]["uid"],)).fetchone()
            want = (r.get("status") or {}).get("phase")
            if row is None or row[0] != want or row[1] != 0:
                gone.append("run %s (%s)" % (r["metadata"]["name"], row))
        for p in pods:
            row = con.execute("SELECT id FROM pods WHERE uid = ?",
                              (p["metadata"]["uid"],)).fetchone()
            if row is None:
                gone.append("pod " + p["metadata"]["name"])
                continue
            term = any("terminated" in (c.get("state") or {})
                       for c in (p.get("status") or {}).get("containerStatuses") or [])
            if term and p["metadata"]["name"].startswith("watch-lane") and con.execute(
                    "SELECT count(*) FROM logs WHERE pod_id = ?", (row[0],)).fetchone()[0] == 0:
                gone.append("log of " + p["metadata"]["name"])
        return gone
    finally:
        con.close()


def main():
    tmp = tempfile.mkdtemp(prefix="artriage-watch.")
    data = build_seed(tmp)
    db = os.path.join(tmp, "history.db")
    script = os.path.join(tmp, "script.jsonl")
    t0 = time.time()
    with open(script, "w") as f:
        for op in script_ops(t0):
            f.write(json.dumps(op) + "\n")
    end_of_script = t0 + 0.5 + N * STEP + 0.5
    log = open(os.path.join(tmp, "sync.log"), "w")
    with KubeAPI(data, script=script) as api:
        base = ["--kubeconfig", api.kubeconfig, "--db", db]
        w = start_watch(base, log)
        # kill it in the middle of the stream of changes, once it has
        # written something (a loaded machine may start it late)
        time.sleep(max(0.5, (end_of_script - time.time()) / 2))
        deadline = time.time() + 60
        while cached_runs(db) == 0 and time.time() < deadline and w.poll() is None:
            time.sleep(0.05)
        w.send_signal(signal.SIGKILL)
        w.wait(timeout=10)
        con = sqlite3.connect(db, timeout=30)
        check(con.execute("PRAGMA integrity_check").fetchone()[0] == "ok",
              "integrity after SIGKILL")
        n_mid = con.execute("SELECT count(*) FROM runs").fetchone()[0]
        con.close()
        print("runs cached when killed:", n_mid)
        check(n_mid > 0, "the killed watch had written runs")

        w = start_watch(base, log)
        deadline = time.time() + 90
        gone = ["not yet checked"]
        while time.time() < deadline:
            if script_done(api):
                gone = missing(db, api)
                if not gone:
                    break
            time.sleep(0.5)
        check(not gone, "nothing missing after restart: %s" % gone[:10])
        w.send_signal(signal.SIGTERM)
        try:
            rc = w.wait(timeout=15)
        except subprocess.TimeoutExpired:
            w.kill()
            rc = "hung"
        check(rc == 0, "SIGTERM ends the watch with 0 (got %r)" % (rc,))

        con = sqlite3.connect(db, timeout=30)
        check(con.execute("PRAGMA integrity_check").fetchone()[0] == "ok", "integrity at the end")
        # deleted on the server while watched (or while killed): kept, marked
        runs, _ = server_state(api)
        live = {r["metadata"]["uid"] for r in runs}
        rows = con.execute("SELECT uid, deleted, phase FROM runs"
                           " WHERE name LIKE 'watch-lane%'").fetchall()
        # a run created and deleted entirely while no watch ran was never
        # shown to us; every other one must be there
        check(len(rows) >= N - N // 10, "runs cached: %d of %d" % (len(rows), N))
        wrong = [u for u, d, _ in rows if (u in live) == (d == 1)]
        check(not wrong, "deleted flags match the server: %s" % wrong[:5])
        check(any(d for _, d, _ in rows), "deletions recorded")
        # every failure seen got classified. A run seen Running that failed
        # and was deleted while the watch lay killed keeps its last seen
        # phase (nobody can know more), marked deleted: only those may lag
        failed = sum(1 for _, _, ph in rows if ph == "Failed")
        lagging = [(u, ph) for u, d, ph in rows if ph != "Failed" and d != 1]
        check(not lagging, "runs still on the server cached as not failed: %s" % lagging[:5])
        check(len(rows) - failed <= N // 10, "runs missing their end: %d" % (len(rows) - failed))
        n_cls = con.execute("SELECT count(*) FROM classifications c JOIN runs r ON r.id = c.run_id"
                            " WHERE r.name LIKE 'watch-lane%' AND c.class IS NOT NULL").fetchone()[0]
        check(n_cls == failed, "classified %d of %d failed runs (%d cached)" % (n_cls, failed, len(rows)))
        con.close()

        # SIGINT once this watch is up (its handlers are set before it lists)
        seen = watches(api)
        w = start_watch(base, log)
        deadline = time.time() + 60
        while watches(api) == seen and time.time() < deadline and w.poll() is None:
            time.sleep(0.05)
        w.send_signal(signal.SIGINT)
        try:
            rc = w.wait(timeout=15)
        except subprocess.TimeoutExpired:
            w.kill()
            rc = "hung"
        check(rc == 0, "SIGINT ends the watch with 0 (got %r)" % (rc,))
    log.close()
    if FAILS:
        with open(os.path.join(tmp, "sync.log")) as f:
            print(f.read()[-3000:])
        print("%d failures" % len(FAILS))
        sys.exit(1)
    subprocess.run(["rm", "-rf", tmp])
    print("ok")


if __name__ == "__main__":
    main()
