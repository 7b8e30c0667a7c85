#!/usr/bin/env python3
"""The recorder under a steady load (bench/record.sh runs this; it prints
figures and asserts nothing). CONTEXTS test API servers, each seeded with
RUNS AgentRuns, each getting RATE watch events per second for DURATION
seconds: runs created, their pod running then terminated (with a log),
the run Failed or Succeeded, the pod deleted 2 s after its container
ended (a Job TTL far shorter than any real one), now and then an old run
deleted. One `artriage record` follows them all. At the end: the cache
against the servers' state (runs, phases, deletions), the log of every
terminated container, the recorder's RSS over time and its CPU share.

usage: record_bench.py BINARY   (env: DURATION s, default 600; CONTEXTS 3;
                                 RUNS 2000; RATE 50)
"""

import heapq
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

SRC = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.join(SRC, "tests", "lib"))
from multictx import API, Clusters, op_add, op_delete, op_log, pod_obj, run_obj, ts  # noqa: E402

BIN = os.path.abspath(sys.argv[1])
DURATION = float(os.environ.get("DURATION", "600"))
NCTX = int(os.environ.get("CONTEXTS", "3"))
RUNS = int(os.environ.get("RUNS", "2000"))
RATE = float(os.environ.get("RATE", "50"))
TTL = 2.0  # pod deleted this long after its container ended
HZ = os.sysconf("SC_CLK_TCK")


def seed(d):
    os.makedirs(os.path.join(d, "objects"), exist_ok=True)
    t0 = time.time() - 86400
    items = []
    for i in range(RUNS):
        r = run_obj("seed-%05d-20260301a" % i, "Succeeded" if i % 3 else "Failed", t0 + i,
                    finishedAt=ts(t0 + i + 60))
        r["metadata"]["creationTimestamp"] = ts(t0 + i)
        items.append(r)
    with open(os.path.join(d, "objects", "runs.json"), "w") as f:
        json.dump({"apiVersion": "v1", "kind": "List", "items": items}, f)


class Load(threading.Thread):
    """RATE events/s on one server, paced; counts what it did."""

    def __init__(self, name, api, stop):
        super().__init__(daemon=True)
        self.name_, self.api, self.stop = name, api, stop
        self.events = 0
        self.terminated = []   # pod names whose container ended
        self.behind = 0.0      # worst lag behind the schedule, s
        self.errors = 0
        self.conn = None

    def op(self, o):
        # one kept-alive connection: a new one per op cannot keep up the rate
        body = json.dumps(o).encode()
        for attempt in (0, 1):
            try:
                if self.conn is None:
                    self.conn = self.api.connection(30)
                self.conn.request("POST", "/_kubeapi/op", body=body,
                                  headers={"Content-Type": "application/json"})
                r = self.conn.getresponse()
                r.read()
                if r.status != 200:
                    self.errors += 1
                return
            except Exception:
                if self.conn is not None:
                    self.conn.close()
                self.conn = None
                if attempt:
                    self.errors += 1

    def run(self):
        due = []   # (time, seq, op)
        seq = 0
        i = 0
        start = time.time()
        next_cycle = start
        # one cycle = 6 events: run add, pod add, pod terminated, run final,
        # pod deleted (later), an old run deleted
        period = 6.0 / RATE
        while not self.stop.is_set():
            now = time.time()
            while due and due[0][0] <= now:
                _, _, o = heapq.heappop(due)
                self.op(o)
                self.events += 1
            if now >= next_cycle:
                self.behind = max(self.behind, now - next_cycle)
                name = "load-%s-%06d-20260302a" % (self.name_, i)
                pod = name + "-pod"
                ok = i % 4 != 0
                self.op(op_add(run_obj(name)))
                self.op(op_add(pod_obj(name, pod)))
                self.op(op_log(pod, "[runner] start %d\n%s\n" % (
                    i, "done" if ok else "ENOENT: no such file or directory, posix_spawn 'git'")))
                self.op(op_add(pod_obj(name, pod, state="terminated", exit_code=0 if ok else 1)))
                self.terminated.append(pod)
                self.op({"op": "modify", "kind": "AgentRun", "apiVersion": API,
                         "namespace": "agents", "name": name,
                         "patch": {"status": {"phase": "Succeeded" if ok else "Failed",
                                              "finishedAt": ts(time.time())}}})
                self.events += 4
                heapq.heappush(due, (time.time() + TTL, seq, op_delete("Pod", pod, "v1")))
                seq += 1
                self.op(op_delete("AgentRun", "seed-%05d-20260301a" % (i % RUNS), API)
                        if i < RUNS else op_delete("AgentRun", "load-%s-%06d-20260302a"
                                                   % (self.name_, i - RUNS), API))
                self.events += 1
                i += 1
                next_cycle += period
            wake = min(next_cycle, due[0][0] if due else next_cycle)
            time.sleep(max(0.0, min(0.05, wake - time.time())))
        for _, _, o in sorted(due):
            self.op(o)
            self.events += 1


def proc_stat(pid):
    with open("/proc/%d/stat" % pid) as f:
        parts = f.read().rsplit(")", 1)[1].split()
    cpu = (int(parts[11]) + int(parts[12])) / HZ
    with open("/proc/%d/status" % pid) as f:
        rss = next(int(l.split()[1]) for l in f if l.startswith("VmRSS:"))
    return cpu, rss


def main():
    tmp = tempfile.mkdtemp(prefix="artriage-record-bench.")
    data = os.path.join(tmp, "seed")
    seed(data)
    db = os.path.join(tmp, "history.db")
    names = ["ctx%d" % i for i in range(NCTX)]
    print("record bench: %d contexts x %d runs, %.0f events/s each, %.0f s, pods deleted %.0f s "
          "after their container ends; %d cores" % (NCTX, RUNS, RATE, DURATION, TTL, os.cpu_count()))
    with Clusters(names, tmp, "--history", "200000", data=data) as cl:
        args = [BIN, "--kubeconfig", cl.kubeconfig, "--db", db, "record"]
        for n in names:
            args += ["--context", n]
        log = open(os.path.join(tmp, "record.log"), "w")
        t_start = time.time()
        rec = subprocess.Popen(args, stdout=log, stderr=log)

        def synced():
            try:
                con = sqlite3.connect(db, timeout=5)
                n = con.execute("SELECT count(*) FROM runs").fetchone()[0]
                con.close()
                return n >= NCTX * RUNS
            except sqlite3.Error:
                return False
        while not synced() and time.time() - t_start < 300:
            time.sleep(0.2)
        print("initial sync of %d runs: %.1f s" % (NCTX * RUNS, time.time() - t_start))
        stop = threading.Event()
        loads = [Load(n, cl[n], stop) for n in names]
        for l in loads:
            l.start()
        t0 = time.time()
        cpu0, _ = proc_stat(rec.pid)
        # the test servers share the machine: their CPU is reported apart
        srv0 = sum(proc_stat(cl[n].pid)[0] for n in names)
        samples = []
        cpu_at_1min = None
        while time.time() - t0 < DURATION:
            time.sleep(5)
            cpu, rss = proc_stat(rec.pid)
            samples.append((time.time() - t0, cpu, rss))
            if cpu_at_1min is None and time.time() - t0 >= min(60, DURATION / 2):
                cpu_at_1min = (time.time(), cpu, rss)
        cpu_end, rss_end = proc_stat(rec.pid)
        srv_end = sum(proc_stat(cl[n].pid)[0] for n in names)
        t_end = time.time()
        with open("/proc/loadavg") as f:
            load = f.read().split()[0]
        stop.set()
        for l in loads:
            l.join()
        # let the last events land
        time.sleep(5)
        missing = {}
        logs_missing = {}
        con = sqlite3.connect(db, timeout=30)
        for l in loads:
            n = l.name_
            runs = cl[n].get("/apis/%s/namespaces/agents/agentruns" % API)["items"]
            want = {r["metadata"]["uid"]: (r.get("status") or {}).get("phase") for r in runs}
            have = dict(con.execute("SELECT uid, phase FROM runs WHERE context = ? AND deleted = 0",
                                    (n,)).fetchall())
            wrong = [u for u in want if have.get(u) != want[u]] + [u for u in have if u not in want]
            missing[n] = len(wrong)
            got = {r[0] for r in con.execute(
                "SELECT p.name FROM logs g JOIN pods p ON p.id = g.pod_id WHERE p.context = ?", (n,))}
            logs_missing[n] = sum(1 for p in l.terminated if p not in got)
        deleted_marked = con.execute("SELECT count(*) FROM pods WHERE deleted = 1").fetchone()[0]
        con.close()
        rec.send_signal(signal.SIGTERM)
        t_sig = time.time()
        rc = rec.wait(timeout=30)
        t_exit = time.time() - t_sig
    events = sum(l.events for l in loads)
    print("events sent: %d (%.1f/s per context); load generator worst lag %.2f s, op errors %d"
          % (events, events / NCTX / (t_end - t0), max(l.behind for l in loads),
             sum(l.errors for l in loads)))
    print("cache vs servers at the end (runs missing, extra or in another phase): %s"
          % ", ".join("%s %d" % kv for kv in missing.items()))
    print("terminated containers: %d; logs not captured before the pod was deleted: %s"
          % (sum(len(l.terminated) for l in loads),
             ", ".join("%s %d" % kv for kv in logs_missing.items())))
    print("pods marked deleted in the cache: %d" % deleted_marked)
    if cpu_at_1min:
        t1, c1, r1 = cpu_at_1min
        print("CPU after the first minute: %.1f%% of one core" % (100 * (cpu_end - c1) / (t_end - t1)))
        print("RSS: at 1 min %d KiB, at the end %d KiB, growth %+.1f%%; max %d KiB"
              % (r1, rss_end, 100.0 * (rss_end - r1) / r1, max(s[2] for s in samples)))
    print("CPU over the whole load: %.1f%% of one core; %.3f ms of CPU per event (%.1f s for %d events)"
          % (100 * (cpu_end - cpu0) / (t_end - t0), 1000 * (cpu_end - cpu0) / max(events, 1),
             cpu_end - cpu0, events))
    print("test servers' CPU (apart from the recorder's): %.1f%% of one core, %d servers; "
          "machine load average at the end %s" % (100 * (srv_end - srv0) / (t_end - t0), NCTX, load))
    print("SIGTERM: exit %s after %.2f s" % (rc, t_exit))
    print("database: %.1f MiB" % (os.path.getsize(db) / 1048576.0))
    with open(os.path.join(tmp, "record.log")) as f:
        warn = [l for l in f if "log of" in l]
    print("recorder warnings about logs: %d%s" % (len(warn), (": " + warn[0].strip()[:400]) if warn else ""))
    if os.environ.get("KEEP"):
        print("kept %s (record.log, history.db)" % tmp)
    else:
        subprocess.run(["rm", "-rf", tmp])


if __name__ == "__main__":
    main()
