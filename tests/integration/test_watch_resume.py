#!/usr/bin/env python3
"""`sync --watch` resumes as a Kubernetes client must (tests/lib/resume.py
has the scenario): a plain drop resumes from the last resourceVersion
without listing again and still learns of a deletion made while it was
away; a 410 Expired makes it list again and mark the runs the list no
longer has as deleted; after that relist it watches from the new
resourceVersion. Judged from the server's request log and the history
cache as `artriage --offline list -o json` shows it."""

import json
import os
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.environ["ARTRIAGE_SRC"], "tests", "lib"))
from checks import SRC, BIN, check, verdict  # noqa: E402
from kubeapi import KubeAPI  # noqa: E402
from resume import run_scenario  # noqa: E402


def main():
    tmp = tempfile.mkdtemp(prefix="artriage-resume.")
    data = os.path.join(tmp, "scenario")
    subprocess.run([sys.executable, os.path.join(SRC, "tests", "ui", "fixture.py"), data], check=True)
    db = os.path.join(tmp, "history.db")
    log = open(os.path.join(tmp, "sync.log"), "w")
    # no BOOKMARKs: the resourceVersion the client resumes from is the one
    # of the last event it saw
    with KubeAPI(data, "--bookmark-interval", "3600") as api:
        base = ["--kubeconfig", api.kubeconfig, "--db", db]

        def cache():
            p = subprocess.run([BIN] + base + ["--offline", "list", "-o", "json"],
                               capture_output=True, text=True)
            try:
                return {r["name"]: r for r in json.loads(p.stdout)}
            except (ValueError, KeyError, TypeError):
                return {}

        w = subprocess.Popen([BIN] + base + ["sync", "--watch"], stdout=log, stderr=log)
        try:
            for f in run_scenario(api, cache):
                check(False, f)
        finally:
            w.send_signal(signal.SIGTERM)
            try:
                rc = w.wait(timeout=20)
            except subprocess.TimeoutExpired:
                w.kill()
                rc = "hung"
        check(rc == 0, "SIGTERM ends sync --watch with 0 (got %r)" % (rc,))
    log.close()
    if verdict() != 0:
        with open(os.path.join(tmp, "sync.log")) as f:
            print(f.read()[-3000:])
        return 1
    subprocess.run(["rm", "-rf", tmp])
    return 0


if __name__ == "__main__":
    sys.exit(main())
