#!/usr/bin/env python3
"""`artriage record` over two contexts (two test API servers in one merged
kubeconfig): a run that fails and whose pod and run are then deleted, on
both clusters, stays in the history with its log, context and verdict;
`status` names the recorder; a second recorder is refused; `--offline
--context` picks whose runs the readers show; `export` (and --redact)
writes a bundle that opens with `--db FILE --offline`; one server down
while the other keeps recording; SIGTERM exits 0 and releases the cache;
SIGKILL mid-write leaves it intact and the next start takes over and
catches up."""

import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.environ["ARTRIAGE_SRC"], "tests", "lib"))
from checks import BIN, check, verdict  # noqa: E402
from multictx import (API, Clusters, op_add, op_delete, op_log, pod_obj,  # noqa: E402
                      run_obj)

SECRET_LOG = ("[runner] cloning https://deploy:hunter2pass@git.example.com/lab.git\n"
              "curl -H 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.c2VjcmV0.sig' https://api\n"
              "notify alice.smith@example.com of the failure\n"
              "ENOENT: no such file or directory, posix_spawn 'git'\n")


def sql(db, q, args=()):
    con = sqlite3.connect(db, timeout=30)
    try:
        return con.execute(q, args).fetchall()
    finally:
        con.close()


def wait_for(pred, timeout=60, step=0.2):
    end = time.time() + timeout
    while time.time() < end:
        try:
            if pred():
                return True
        except sqlite3.Error:
            pass
        time.sleep(step)
    return False


def art(base, *args, timeout=60):
    p = subprocess.run([BIN] + base + list(args), capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def start_record(base, log, *ctx):
    args = [BIN] + base + ["record"]
    for c in ctx:
        args += ["--context", c]
    return subprocess.Popen(args, stdout=log, stderr=log)


def fail_and_delete(api, run, pod):
    """A run whose pod fails (with secrets in its log); then, once the
    recorder held the log, pod and run are deleted (Job TTL, retention)."""
    api.op(op_add(run_obj(run)))
    api.op(op_add(pod_obj(run, pod)))
    api.op(op_log(pod, SECRET_LOG))
    api.op(op_add(pod_obj(run, pod, state="terminated")))
    api.op({"op": "modify", "kind": "AgentRun", "apiVersion": API, "namespace": "agents",
            "name": run, "patch": {"status": {"phase": "Failed", "finishedAt":
                                              time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}}})


def stop(p, sig, timeout=10):
    p.send_signal(sig)
    try:
        return p.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        return "hung"


def main():
    tmp = tempfile.mkdtemp(prefix="artriage-record.")
    db = os.path.join(tmp, "history.db")
    log = open(os.path.join(tmp, "record.log"), "w")
    with Clusters(["east", "west"], tmp) as cl:
        base = ["--kubeconfig", cl.kubeconfig, "--db", db]
        rec = start_record(base, log, "east", "west")
        check(wait_for(lambda: len(sql(db, "SELECT * FROM contexts WHERE state = 'live'")) == 2, 30),
              "both contexts live")

        # --- a failing run, its pod and the run deleted, on both clusters
        for ctx in ("east", "west"):
            fail_and_delete(cl[ctx], "lost-%s-20260301a" % ctx, "lost-%s-pod" % ctx)
        for ctx in ("east", "west"):
            pod = "lost-%s-pod" % ctx
            ok = wait_for(lambda: sql(db, "SELECT count(*) FROM logs l JOIN pods p ON p.id = l.pod_id"
                                          " WHERE p.name = ? AND l.context = ?", (pod, ctx))[0][0] == 1)
            check(ok, "%s: the log of the failed pod was recorded with its context" % ctx)
            cl[ctx].op(op_delete("Pod", pod, "v1"))
            cl[ctx].op(op_delete("AgentRun", "lost-%s-20260301a" % ctx, API))
        for ctx in ("east", "west"):
            run = "lost-%s-20260301a" % ctx
            ok = wait_for(lambda: sql(db, "SELECT deleted FROM runs WHERE name = ? AND context = ?",
                                      (run, ctx)) == [(1,)] and
                          sql(db, "SELECT deleted FROM pods WHERE name = ? AND context = ?",
                              ("lost-%s-pod" % ctx, ctx)) == [(1,)])
            check(ok, "%s: run and pod marked deleted, kept" % ctx)
            rows = sql(db, "SELECT r.phase, c.class, c.context FROM runs r JOIN classifications c"
                           " ON c.run_id = r.id WHERE r.name = ?", (run,))
            check(rows and rows[0][0] == "Failed" and rows[0][2] == ctx,
                  "%s: verdict of the failed run kept with its context: %s" % (ctx, rows))
            check(sql(db, "SELECT count(*) FROM runs WHERE name = ? AND context <> ?", (run, ctx))
                  == [(0,)], "%s: its run is not filed under another context" % ctx)

        # --- status names the recorder and both contexts
        rc, out, err = art(base, "status", "-o", "json")
        check(rc == 0, "status: %s" % err)
        st = json.loads(out) if rc == 0 else {"contexts": []}
        by = {c["context"]: c for c in st["contexts"]}
        for ctx in ("east", "west"):
            c = by.get(ctx) or {}
            check(c.get("runs") == 1 and c.get("logs") == 1 and c.get("namespaces") == ["agents"],
                  "status of %s: %s" % (ctx, c))
            check(c.get("lastSeen") is not None, "%s: lastSeen" % ctx)
            check((c.get("recorder") or {}).get("pid") == rec.pid, "%s: recorder pid" % ctx)
        rc, out, _ = art(base, "status")
        check(rc == 0 and "recorder: live" in out and "east" in out and "west" in out,
              "status text: %s" % out)

        # --- a second recorder is refused while the first beats
        rc, out, err = art(base, "record", "--context", "east", timeout=20)
        check(rc == 1 and "already fed by a recorder" in err and str(rec.pid) in err,
              "second recorder refused: rc=%s %s" % (rc, err))

        # --- readers on the same cache, offline, by context
        for ctx in ("east", "west"):
            rc, out, err = art(base, "--offline", "--context", ctx, "list", "-o", "json")
            runs = json.loads(out) if rc == 0 else []
            check([r["name"] for r in runs] == ["lost-%s-20260301a" % ctx] and
                  all(r["context"] == ctx and r["deleted"] for r in runs),
                  "--offline --context %s list: %s %s" % (ctx, out[:300], err))

        # --- export: one run, plain and redacted; never overwrites
        bundle = os.path.join(tmp, "incident.db")
        red = os.path.join(tmp, "incident-redacted.db")
        rc, out, err = art(base, "export", "--out", bundle, "--run", "lost-east-20260301a")
        check(rc == 0 and "exported 1 runs" in out, "export: %s %s" % (out, err))
        check(stat.S_IMODE(os.stat(bundle).st_mode) == 0o600, "bundle mode 0600")
        before = os.stat(bundle).st_mtime_ns, os.path.getsize(bundle)
        rc, out, err = art(base, "export", "--out", bundle, "--lane", "lost-west-20260301")
        check(rc == 1 and "never overwrites" in err, "export refuses an existing file: %s" % err)
        check((os.stat(bundle).st_mtime_ns, os.path.getsize(bundle)) == before, "bundle untouched")
        rc, out, err = art(base, "export", "--out", red, "--since", "1h", "--redact")
        check(rc == 0 and "exported 2 runs" in out and "secrets masked" in out,
              "export --since --redact: %s %s" % (out, err))
        ob = ["--db", bundle, "--offline", "--kubeconfig", os.path.join(tmp, "none")]
        rc, out, err = art(ob, "list", "-o", "json")
        names = [r["name"] for r in json.loads(out)] if rc == 0 else []
        check(names == ["lost-east-20260301a"], "bundle holds just that run: %s %s" % (names, err))
        rc, out, err = art(ob, "logs", "lost-east-20260301a")
        check(rc == 0 and "hunter2pass" in out and "alice.smith@example.com" in out,
              "plain bundle keeps the log as it was: %s %s" % (out[:200], err))
        rc, out, err = art(ob, "timeline", "--run", "lost-east-20260301a", "-o", "json")
        kinds = [e["kind"] for e in json.loads(out)["events"]] if rc == 0 else []
        check("failed" in kinds and "deleted" in kinds, "bundle timeline: %s %s" % (kinds, err))
        rb = ["--db", red, "--offline", "--kubeconfig", os.path.join(tmp, "none")]
        for ctx in ("east", "west"):
            rc, out, err = art(rb, "--context", ctx, "logs", "lost-%s-20260301a" % ctx)
            check(rc == 0 and "posix_spawn 'git'" in out, "redacted log readable (%s): %s" % (ctx, err))
            for secret in ("hunter2pass", "eyJhbGciOiJIUzI1NiJ9", "alice.smith", "example.com of"):
                check(secret not in out, "--redact masked %r (%s)" % (secret, ctx))
            check("https://deploy:[redacted]@git.example.com" in out and "Bearer [redacted]" in out,
                  "masks keep the shape: %s" % out[:300])
        raw = open(red, "rb").read()
        check(b"hunter2pass" not in raw and b"alice.smith" not in raw, "no secret in the bundle's bytes")

        # --- one server down: the other keeps recording
        cl["west"].stop()
        cl["east"].op(op_add(run_obj("after-west-down-20260301a")))
        check(wait_for(lambda: sql(db, "SELECT context FROM runs WHERE name = ?",
                                   ("after-west-down-20260301a",)) == [("east",)], 20),
              "east recorded while west is down")
        check(wait_for(lambda: sql(db, "SELECT state FROM contexts WHERE context = 'west'")
                       == [("reconnecting",)], 20), "west is said to be reconnecting")
        cl["east"].op(op_add(run_obj("after-west-down-20260301b")))
        check(wait_for(lambda: sql(db, "SELECT count(*) FROM runs WHERE name = ?",
                                   ("after-west-down-20260301b",)) == [(1,)], 20),
              "east still recording after west's retries")

        # --- SIGTERM: exit 0 soon, the cache released
        t = time.time()
        rc = stop(rec, signal.SIGTERM)
        check(rc == 0 and time.time() - t < 6, "SIGTERM: exit %r in %.1f s" % (rc, time.time() - t))
        rc, out, _ = art(base, "status", "-o", "json")
        st = json.loads(out) if rc == 0 else {}
        check(st.get("recorder") is None and all(c["recorder"] is None for c in st["contexts"]),
              "no recorder after SIGTERM: %s" % out[:300])
        check(sql(db, "PRAGMA integrity_check") == [("ok",)], "integrity after SIGTERM")

        # --- SIGKILL mid-write, restart: intact, taken over, caught up
        rec = start_record(base, log, "east")
        check(wait_for(lambda: sql(db, "SELECT state FROM contexts WHERE context = 'east'")
                       == [("live",)], 30), "east live again")
        east = cl["east"]
        stop_burst = threading.Event()

        def burst():
            i = 0
            while not stop_burst.is_set() and i < 400:
                name = "burst-20260302a-%03d" % i
                east.op(op_add(run_obj(name)))
                east.op(op_add(pod_obj(name, name + "-pod", state="terminated")))
                east.op(op_log(name + "-pod", "line %d\nerror: boom" % i))
                if i % 7 == 3:
                    east.op(op_delete("AgentRun", "burst-20260302a-%03d" % (i - 2), API))
                i += 1
        th = threading.Thread(target=burst)
        th.start()
        check(wait_for(lambda: sql(db, "SELECT count(*) FROM runs WHERE name LIKE 'burst-%'")[0][0]
                       > 20, 30), "the burst is being recorded")
        rec.send_signal(signal.SIGKILL)
        rec.wait()
        check(sql(db, "PRAGMA integrity_check") == [("ok",)], "integrity after SIGKILL")
        rec = start_record(base, log, "east")
        th.join()
        stop_burst.set()
        live = {r["metadata"]["uid"]: r for r in
                east.get("/apis/%s/namespaces/agents/agentruns" % API)["items"]}

        def caught_up():
            rows = sql(db, "SELECT uid, deleted FROM runs WHERE context = 'east'")
            cached = {u for u, d in rows if d == 0}
            return cached == set(live)
        check(wait_for(caught_up, 60), "after restart the cache equals the server's runs")
        gone = sql(db, "SELECT count(*) FROM runs WHERE name LIKE 'burst-%' AND deleted = 1")[0][0]
        check(gone > 0, "deletions of the burst marked (%d)" % gone)
        rc = stop(rec, signal.SIGINT)
        check(rc == 0, "SIGINT: exit %r" % (rc,))
    log.close()
    if verdict():
        with open(os.path.join(tmp, "record.log")) as f:
            print(f.read()[-4000:])
        return 1
    subprocess.run(["rm", "-rf", tmp])
    return 0


if __name__ == "__main__":
    sys.exit(main())
