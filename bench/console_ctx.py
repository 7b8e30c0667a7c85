#!/usr/bin/env python3
"""The console following several contexts (issue 17): prints figures,
asserts nothing.

usage: bench/console_ctx.py BINARY [RUNS]

Test API servers (tests/kubeapi) of RUNS AgentRuns each (default 2,000),
as contexts c0, c1, c2 of one merged kubeconfig. For 1, 2 and 3 contexts
followed (--context repeated): the wall time from start until the status
bar says every context live with all their runs listed, the console's CPU
time and RSS then. Then 2 contexts with the second server down: the time
until the first is live with its runs (the down one must not hold it up)
and how long the down one takes to say offline.

The screen is read with tmux capture-pane every 20 ms, so times are good to
about that. Use a Release build (sanitizers multiply CPU and memory).
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "lib"))
from multictx import Clusters, run_obj  # noqa: E402

BIN = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else sys.exit(__doc__)
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
SOCK = ["artriage-bench-ctx-%d-0" % os.getpid()]


def tmux(*args, check=True):
    return subprocess.run(["tmux", "-L", SOCK[0]] + list(args), capture_output=True, text=True, check=check)


def screen():
    return tmux("capture-pane", "-p", check=False).stdout


def pane_child():
    pid = tmux("display", "-p", "#{pane_pid}").stdout.strip()
    out = subprocess.run(["pgrep", "-P", pid], capture_output=True, text=True).stdout.split()
    return int(out[0]) if out else None


def proc_figures(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")
    rss = 0
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
    return cpu, rss


def wait(pred, secs):
    t0 = time.monotonic()
    while time.monotonic() - t0 < secs:
        s = screen()
        if pred(s):
            return time.monotonic() - t0
        time.sleep(0.02)
    return None


def start(tmp, kubeconfig, ctxs, db):
    args = [BIN, "--kubeconfig", kubeconfig, "--db", db]
    for c in ctxs:
        args += ["--context", c]
    cmd = "env LC_ALL=C.UTF-8 XDG_CACHE_HOME=%s XDG_CONFIG_HOME=%s %s 2>%s/stderr; sleep 600" % (
        tmp, tmp, " ".join(args), tmp)
    tmux("kill-server", check=False)
    # a fresh server per session: kill-server returns before the old one is gone
    n = int(SOCK[0].rsplit("-", 1)[1]) + 1
    SOCK[0] = "%s-%d" % (SOCK[0].rsplit("-", 1)[0], n)
    t0 = time.monotonic()
    tmux("-f", "/dev/null", "new-session", "-d", "-x", "160", "-y", "40", cmd)
    return t0


def status(s):
    lines = [l for l in s.splitlines() if l.strip()]
    return lines[-1] if lines else ""


def all_in(ctxs, total):
    def pred(s):
        st = status(s)
        m = re.search(r"\| (\d+) runs", st)
        if not m or int(m.group(1)) != total or re.search(r"\| (cache|listing|linking):", st):
            return False
        if len(ctxs) == 1:
            return "| live |" in st
        return all("%s: live" % c in st for c in ctxs)
    return pred


def main():
    if not shutil.which("tmux"):
        sys.exit("bench/console_ctx.py: tmux is not installed")
    tmp = tempfile.mkdtemp(prefix="artriage-bench-ctx.")
    data = os.path.join(tmp, "data")
    os.makedirs(os.path.join(data, "objects"))
    base = time.time() - 86400
    items = [run_obj("lane-%05d-run-20260225%s" % (i // 3, "abc"[i % 3]),
                     phase=("Failed", "Succeeded", "Running")[i % 3], created=base + i)
             for i in range(RUNS)]
    with open(os.path.join(data, "objects", "runs.json"), "w") as f:
        json.dump({"apiVersion": "v1", "kind": "List", "items": items}, f)
    names = ["c0", "c1", "c2"]
    print("console following several contexts: %d runs per context, binary %s" % (RUNS, BIN))
    try:
        with Clusters(names, tmp, data=data) as cl:
            for n in (1, 2, 3):
                ctxs = names[:n]
                db = os.path.join(tmp, "h%d.db" % n)
                start(tmp, cl.kubeconfig, ctxs, db)
                t = wait(all_in(ctxs, n * RUNS), 120)
                pid = pane_child()
                cpu, rss = proc_figures(pid) if pid else (0, 0)
                print("  %d context%s: all %6d runs listed and live in %s s, CPU %.0f ms, RSS %.1f MB"
                      % (n, "s" if n > 1 else " ", n * RUNS, "%.2f" % t if t is not None else "(timeout)",
                         cpu, rss / 1024))
                tmux("send-keys", "q", check=False)
                time.sleep(0.5)
            # the second cluster down from the start
            cl["c1"].stop()
            db = os.path.join(tmp, "hdown.db")
            start(tmp, cl.kubeconfig, ["c0", "c1"], db)
            t_live = wait(lambda s: "c0: live" in status(s) and re.search(r"\| %d runs" % RUNS, status(s))
                          and not re.search(r"\| (listing|linking):", status(s)), 120)
            t_off = wait(lambda s: "c1: offline" in status(s), 120)
            print("  2 contexts, c1 down: c0 live with its %d runs in %s s; c1 said offline %s s later"
                  % (RUNS, "%.2f" % t_live if t_live is not None else "(timeout)",
                     "%.2f" % t_off if t_off is not None else "(timeout)"))
            print("  status bar then: %s" % status(screen()).strip())
            tmux("send-keys", "q", check=False)
            time.sleep(0.5)
    finally:
        tmux("kill-server", check=False)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
