#!/usr/bin/env python3
"""list -A -o json of 5,000 AgentRuns in two namespaces through the API test
server: every run once, pages fetched with limit/continue, lanes and
attempts from the names, newest first, and one namespace with -n. Prints
the time taken (the benchmark proper is bench/list.sh)."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.environ["ARTRIAGE_SRC"], "tests", "lib"))
from checks import SRC, BIN, check, verdict  # noqa: E402
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kubeapi import KubeAPI  # noqa: E402
import scenarios as sc  # noqa: E402



def main():
    tmp = tempfile.mkdtemp(prefix="artriage-many.")
    try:
        data = sc.many(os.path.join(tmp, "many"), 5000)
        with KubeAPI(data) as api:
            env = api.env(home=tmp)
            env["XDG_CACHE_HOME"] = os.path.join(tmp, "cache")
            t0 = time.monotonic()
            p = subprocess.run([BIN, "list", "-A", "-o", "json"], env=env, capture_output=True, timeout=120)
            dt = time.monotonic() - t0
            check(p.returncode == 0, "list -A: %d %s" % (p.returncode, p.stderr[:300]))
            runs = json.loads(p.stdout) if p.returncode == 0 else []
            check(len(runs) == 5000, "5000 runs, got %d" % len(runs))
            check(len({(r["namespace"], r["name"]) for r in runs}) == 5000, "no run twice")
            created = [r["created"] for r in runs]
            check(created == sorted(created, reverse=True), "newest first")
            r0 = [r for r in runs if r["name"] == "bulk-0001-20260301c"]
            check(r0 and r0[0]["lane"] == "bulk-0001-20260301" and r0[0]["attempt"] == "c", "lane from the name")
            pages = [q for q in api.requests() if q["path"] == "/apis/agents.proompteng.ai/v1alpha1/agentruns"]
            check(len(pages) >= 3 and any("continue" in q["query"] for q in pages),
                  "paginated with continue: %d requests" % len(pages))
            print("list -A -o json of 5000 runs: %.2f s (%d pages)" % (dt, len(pages)))
            p = subprocess.run([BIN, "-n", "synthesis", "list", "-o", "json", "--phase", "succeeded"],
                               env=env, capture_output=True, timeout=120)
            runs = json.loads(p.stdout) if p.returncode == 0 else []
            check(len(runs) == 1250 and all(r["namespace"] == "synthesis" for r in runs),
                  "-n synthesis --phase succeeded: %d" % len(runs))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return verdict()


if __name__ == "__main__":
    sys.exit(main())
