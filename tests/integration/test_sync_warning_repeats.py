#!/usr/bin/env python3
"""A watch that sends 2,000 garbage lines makes `sync --watch` print the
warning once and then a count ("repeated 1999 more times"), not 2,000
lines on stderr."""

import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.environ["ARTRIAGE_SRC"], "tests", "lib"))
from checks import SRC, BIN, check, verdict  # noqa: E402
from kubeapi import KubeAPI  # noqa: E402

SEED = os.path.join(SRC, "data", "demo", "seed")


def main():
    tmp = tempfile.mkdtemp(prefix="artriage-warn.")
    garbage = os.path.join(tmp, "garbage")
    with open(garbage, "w") as f:
        f.write("not json\n" * 2000)
    try:
        rule = "GET /apis/agents.proompteng.ai/v1alpha1/namespaces/agents/agentruns?watch=true:body=%s:1" % garbage
        with KubeAPI(SEED, "--fault-first", rule) as api:
            p = subprocess.Popen([BIN, "--kubeconfig", api.kubeconfig, "--db", os.path.join(tmp, "db"), "sync",
                                  "--watch"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                 stdin=subprocess.DEVNULL)
            time.sleep(8)
            p.terminate()
            _, err = p.communicate(timeout=60)
        bad = [ln for ln in err.splitlines() if "invalid JSON" in ln]
        check(len(bad) == 1, "the garbage-line warning printed once, not %d times" % len(bad))
        check("repeated 1999 more times" in err, "with the count of the others: %r" % err[-300:])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return verdict()


if __name__ == "__main__":
    sys.exit(main())
