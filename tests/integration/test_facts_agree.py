#!/usr/bin/env python3
"""list and show give the same failure and the same PR for every run, from
one function (runsrc_settle), on a cold cache, after a sync (warm cache),
and offline: the PR-less success is agent.no-pr in both, run g's PR (only
its log names it) is in both, and each failed run's cause is the same."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.environ["ARTRIAGE_SRC"], "tests", "lib"))
from checks import BIN, check, verdict  # noqa: E402
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kubeapi import KubeAPI  # noqa: E402
import scenarios as sc  # noqa: E402


def run(api, home, *args):
    env = api.env(home=home)
    env["XDG_CACHE_HOME"] = os.path.join(home, ".cache")
    env.pop("GITHUB_TOKEN", None)
    p = subprocess.run([BIN] + list(args), env=env, capture_output=True, timeout=60)
    return p.returncode, p.stdout, p.stderr.decode(errors="replace")


def facts(r):
    f = r.get("failure") or {}
    pr = r.get("pr") or {}
    return (f.get("class"), f.get("line"), pr.get("number"))


def compare(api, home, label, *extra):
    rc, out, err = run(api, home, *extra, "list", "-o", "json")
    check(rc == 0, "%s: list exit %d: %s" % (label, rc, err))
    listed = {r["name"]: r for r in json.loads(out)}
    for name, r in listed.items():
        rc, out, err = run(api, home, *extra, "show", name, "-o", "json")
        check(rc == 0, "%s: show %s exit %d: %s" % (label, name, rc, err))
        shown = json.loads(out)
        check(facts(r) == facts(shown), "%s: %s list %r == show %r" % (label, name, facts(r), facts(shown)))
    return listed


def main():
    tmp = tempfile.mkdtemp(prefix="artriage-facts.")
    try:
        seed_dir = sc.seed(os.path.join(tmp, "seed"))
        home = os.path.join(tmp, "home")
        os.makedirs(home)
        with KubeAPI(seed_dir) as api:
            cold = compare(api, home, "cold cache")
            solo = cold["docs-refresh-20260301a"]
            check(solo["failure"] and solo["failure"]["class"] == "agent.no-pr",
                  "cold list flags the PR-less success: %r" % solo["failure"])
            check(cold[sc.LANE + "g"]["pr"] and cold[sc.LANE + "g"]["pr"]["number"] == 3653,
                  "cold list has g's PR from its log: %r" % cold[sc.LANE + "g"]["pr"])
            rc, out, err = run(api, home, "sync")
            check(rc == 0, "sync exit %d: %s" % (rc, err))
            warm = compare(api, home, "warm cache")
            for name in cold:
                check(facts(cold[name]) == facts(warm[name]),
                      "%s: cold %r == warm %r" % (name, facts(cold[name]), facts(warm[name])))
            # a warm cache spares the log reads
            before = len([q for q in api.requests() if q["path"].endswith("/log")])
            run(api, home, "list", "-o", "json")
            after = len([q for q in api.requests() if q["path"].endswith("/log")])
            check(after == before, "warm list reads no logs (%d)" % (after - before))
            off = compare(api, home, "offline", "--offline")
            for name in off:
                check(name in cold and facts(cold[name]) == facts(off[name]),
                      "%s: cold %r == offline %r" % (name, facts(cold.get(name, {})), facts(off[name])))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return verdict()


if __name__ == "__main__":
    sys.exit(main())
