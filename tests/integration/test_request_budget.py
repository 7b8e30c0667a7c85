#!/usr/bin/env python3
"""Every ordinary request ends within the documented 10 s budget, and a
CLI command answers within it in all: a server that stays alive but sends
2 bytes a second passes libcurl's low-speed check (1 byte/s over 5 s), so
without an overall timeout `list` and `logs` ran for minutes. Here `list`
against such a server, and `logs` whose run list is slow (4 s) and whose
log then dribbles, each end in about 10 s with exit 1 and one line saying
what did not finish (the log read gets only what the list left of
the 10 s)."""

import os
import re
import subprocess
import sys
import tempfile
import time
import shutil

sys.path.insert(0, os.path.join(os.environ["ARTRIAGE_SRC"], "tests", "lib"))
from checks import SRC, BIN, check, verdict  # noqa: E402
from kubeapi import KubeAPI  # noqa: E402

SEED = os.path.join(SRC, "data", "demo", "seed")
RUN = "bumba-ingest-retry-r2"
POD = "bumba-ingest-retry-r2-job-v2s9m"


def timed(kc, db, *args):
    t0 = time.monotonic()
    try:
        p = subprocess.run([BIN, "--kubeconfig", kc, "--db", db] + list(args), capture_output=True, text=True,
                           timeout=60, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return time.monotonic() - t0, -1, "", "still running after 60 s"
    return time.monotonic() - t0, p.returncode, p.stdout, p.stderr


def main():
    tmp = tempfile.mkdtemp(prefix="artriage-budget.")
    db = os.path.join(tmp, "history.db")
    try:
        with KubeAPI(SEED, "--fault", "dribble=2") as api:
            secs, rc, out, err = timed(api.kubeconfig, db, "list", "-o", "json")
            # wall time has slack for a loaded machine: without the budget it never ends
            check(rc == 1 and secs < 20 and err.count("\n") == 1 and "within 10 s" in err,
                  "list against a dribbling server: exit 1 within ~10 s: %.1f s, %d %r" % (secs, rc, err))
        with KubeAPI(SEED,
                     "--fault-first", "GET /apis/agents.proompteng.ai:delay=4000:*",
                     "--fault-first", "GET /api/v1/namespaces/agents/pods/%s/log:dribble=2:*" % POD) as api:
            secs, rc, out, err = timed(api.kubeconfig, db, "logs", RUN)
            # the log read got only what the slow list left of the 10 s
            m = re.search(r"logs .* within (\d+) s", err)
            check(rc == 1 and secs < 20 and err.count("\n") == 1 and m and int(m.group(1)) <= 7,
                  "logs: slow list then a dribbling log, 10 s in all: %.1f s, %d %r" % (secs, rc, err))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return verdict()


if __name__ == "__main__":
    sys.exit(main())
