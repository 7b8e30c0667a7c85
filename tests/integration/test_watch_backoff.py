#!/usr/bin/env python3
"""`sync --watch` backs off as client-go's reflector does (issue: a server
ending every watch at once made it open ~15,000 watches in 10 s, and one
answering 410 to every watch caused ~860 relists in 10 s). Against a
server that ends every watch at once (an empty stream, or a dropped
connection), that answers 410 to every watch, or whose first watch goes
silent, for 10 s: a handful of watches and lists per resource, not
thousands; the cache still holds every run; a silent watch is restarted
after ARTRIAGE_WATCH_IDLE_S."""

import os
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.environ["ARTRIAGE_SRC"], "tests", "lib"))
from checks import SRC, BIN, check, verdict  # noqa: E402
sys.path.insert(0, os.path.join(SRC, "tests", "integration"))
from kubeapi import KubeAPI  # noqa: E402
from seed_scenario import build_seed  # noqa: E402

SECONDS = 10


def is_watch(r):
    return (r.get("query") or {}).get("watch") in ("true", "1")


def per_resource(reqs, want_watch):
    n = {"agentruns": 0, "pods": 0}
    for r in reqs:
        if is_watch(r) != want_watch or r.get("method") != "GET":
            continue
        path = r.get("path", "")
        for k in n:
            if path.endswith("/" + k):
                n[k] += 1
    return n


def cached_runs(db):
    try:
        con = sqlite3.connect(db, timeout=10)
        try:
            return con.execute("SELECT count(*) FROM runs WHERE deleted_at IS NULL").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error as e:
        return "error: %s" % e


def run_sync(tmp, name, fault, seconds=SECONDS, env_extra=None, until=None):
    """Runs sync --watch for `seconds`, or with `until` (a test of the
    server's requests) until it holds, at most `seconds`."""
    data = build_seed(tmp)
    db = os.path.join(tmp, name + ".db")
    log = open(os.path.join(tmp, name + ".log"), "w+")
    with KubeAPI(data, "--fault-first", fault) as api:
        env = dict(os.environ)
        env.update(env_extra or {})
        p = subprocess.Popen([BIN, "--kubeconfig", api.kubeconfig, "--db", db, "sync", "--watch"],
                             stdout=log, stderr=log, env=env)
        if until is None:
            time.sleep(seconds)
        else:
            deadline = time.time() + seconds
            while time.time() < deadline and not until(api.requests()):
                time.sleep(0.5)
        p.terminate()
        try:
            p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        reqs = api.requests()
        listed = len([r for r in api.get("/apis/agents.proompteng.ai/v1alpha1/agentruns")["items"]])
    log.seek(0)
    out = log.read()
    return p.returncode, reqs, listed, cached_runs(db), out


def main():
    tmp = tempfile.mkdtemp(prefix="artriage-backoff.")
    empty = os.path.join(tmp, "empty")
    open(empty, "w").close()
    for name, fault in (("clean-end", "GET /?watch=true:body=%s:*" % empty),
                        ("dropped", "GET /?watch=true:drop:*")):
        rc, reqs, listed, cached, out = run_sync(tmp, name, fault)
        w = per_resource(reqs, True)
        print("%s: watches in %d s: %s" % (name, SECONDS, w))
        check(rc == 0, "%s: sync --watch exits 0 on SIGTERM (%s): %s" % (name, rc, out[-500:]))
        for k, n in w.items():
            check(2 <= n <= 10, "%s: %d watches of %s in %d s (want 2..10)" % (name, n, k, SECONDS))
        check(cached == listed, "%s: cache has %s runs, server %d" % (name, cached, listed))
        check("reconnecting" in out, "%s: progress says reconnecting: %s" % (name, out[-300:]))

    rc, reqs, listed, cached, out = run_sync(tmp, "gone", "GET /?watch=true:gone:*")
    lists = per_resource(reqs, False)
    print("gone: lists in %d s: %s" % (SECONDS, lists))
    check(rc == 0, "gone: exit 0 (%s)" % rc)
    for k, n in lists.items():
        check(2 <= n <= 10, "gone: %d lists of %s in %d s (want 2..10)" % (n, k, SECONDS))
    check(cached == listed, "gone: cache has %s runs, server %d" % (cached, listed))

    # a watch that goes silent (headers, then nothing) is restarted
    # (a loaded machine may take seconds to list: wait for the restarts, up to 40 s)
    rc, reqs, listed, cached, out = run_sync(
        tmp, "stall", "GET /?watch=true:stall:2", seconds=40, env_extra={"ARTRIAGE_WATCH_IDLE_S": "2"},
        until=lambda reqs: min(per_resource(reqs, True).values()) >= 2)
    w = per_resource(reqs, True)
    print("stall: watches: %s" % w)
    for k, n in w.items():
        check(n >= 2, "stall: the silent watch of %s was restarted (%d watches)" % (k, n))
    check("nothing from the server" in out, "stall: says why: %s" % out[-300:])
    subprocess.run(["rm", "-rf", tmp])
    return verdict()


if __name__ == "__main__":
    sys.exit(main())
