#!/usr/bin/env python3
"""Runs are classified again only when something changed: a second `sync`
over an unchanged cluster classifies nothing; a run whose status changed
is classified again, alone; a new run is classified once. `record`
classifies a failed run once, and its deletion (the watch's last state of
it, unchanged) does not classify it again."""

import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.environ["ARTRIAGE_SRC"], "tests", "lib"))
from checks import BIN, check, verdict  # noqa: E402
from multictx import API, Clusters, op_add, op_delete, op_log, pod_obj, run_obj  # noqa: E402

FAIL_LOG = "[runner] start\nENOENT: no such file or directory, posix_spawn 'git'\n"


def classified(text):
    m = re.findall(r"(\d+) classified", text)
    return int(m[-1]) if m else -1


def add_failed(api, name, log=FAIL_LOG):
    pod = name + "-pod"
    api.op(op_add(run_obj(name, "Failed", finishedAt="2026-03-02T10:00:00Z")))
    api.op(op_add(pod_obj(name, pod)))
    api.op(op_log(pod, log))
    api.op(op_add(pod_obj(name, pod, state="terminated", exit_code=1)))


def main():
    tmp = tempfile.mkdtemp(prefix="artriage-unchanged.")
    db = os.path.join(tmp, "history.db")
    with Clusters(["east"], tmp) as cl:
        api = cl["east"]
        base = [BIN, "--kubeconfig", cl.kubeconfig, "--db", db]

        def sync():
            p = subprocess.run(base + ["sync"], capture_output=True, text=True, timeout=60)
            check(p.returncode == 0, "sync: %d %s" % (p.returncode, p.stderr))
            return classified(p.stdout + p.stderr)

        for i in range(3):
            add_failed(api, "fix-%d-20260302a" % i)
        api.op(op_add(run_obj("ok-20260302a", "Succeeded", finishedAt="2026-03-02T10:00:00Z")))
        check(sync() == 4, "first sync classifies the 4 ended runs")
        check(sync() == 0, "a second sync over an unchanged cluster classifies nothing")
        api.op({"op": "modify", "kind": "AgentRun", "apiVersion": API, "namespace": "agents",
                "name": "fix-1-20260302a", "patch": {"status": {"message": "runner exited 1"}}})
        check(sync() == 1, "a run whose status changed is classified again, alone")
        add_failed(api, "fix-3-20260302a")
        check(sync() == 1, "a new ended run is classified once")

        # --- record: a deletion is not a change of the verdict's facts
        log = open(os.path.join(tmp, "record.log"), "w+")
        rec = subprocess.Popen(base + ["record"], stdout=log, stderr=log)

        def wait_for(what, cond, limit=60):
            end = time.time() + limit
            while time.time() < end:
                if cond():
                    return True
                time.sleep(0.2)
            return check(False, "timed out waiting for " + what)

        def sql1(q, args=()):
            con = sqlite3.connect(db, timeout=30)
            try:
                return con.execute(q, args).fetchone()[0]
            finally:
                con.close()

        wait_for("the recorder to watch", lambda: "watching" in open(log.name).read())
        # as a controller does it: the pod ends, then the run is marked Failed
        api.op(op_add(run_obj("rec-20260302a")))
        api.op(op_add(pod_obj("rec-20260302a", "rec-pod")))
        api.op(op_log("rec-pod", FAIL_LOG))
        api.op(op_add(pod_obj("rec-20260302a", "rec-pod", state="terminated", exit_code=1)))
        wait_for("the log", lambda: sql1("SELECT count(*) FROM logs l JOIN pods p ON p.id = l.pod_id"
                                         " WHERE p.name = 'rec-pod'") == 1)
        api.op({"op": "modify", "kind": "AgentRun", "apiVersion": API, "namespace": "agents",
                "name": "rec-20260302a", "patch": {"status": {"phase": "Failed"}}})
        wait_for("the verdict", lambda: sql1("SELECT count(*) FROM classifications c JOIN runs r"
                                             " ON r.id = c.run_id WHERE r.name = 'rec-20260302a'") == 1)
        api.op(op_delete("AgentRun", "rec-20260302a", API))
        api.op(op_delete("AgentRun", "fix-0-20260302a", API))
        wait_for("the deletions", lambda: sql1("SELECT count(*) FROM runs WHERE deleted = 1") == 2)
        time.sleep(1)
        rec.send_signal(signal.SIGTERM)
        rc = rec.wait(timeout=30)
        log.seek(0)
        text = log.read()
        check(rc == 0, "record exits 0 on SIGTERM: %s" % text)
        check(classified(text) == 1, "record classified only the new failure, not the deleted runs: %r"
              % text[-400:])
    subprocess.run(["rm", "-rf", tmp])
    return verdict()


if __name__ == "__main__":
    sys.exit(main())
