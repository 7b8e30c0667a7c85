#!/usr/bin/env python3
"""The console resumes its watches as a Kubernetes client must (scenario in
tests/lib/resume.py): after a plain drop it resumes from the last
resourceVersion without listing again and shows a run deleted while it
was away as deleted; after a 410 Expired it lists again and sweeps the run
the list no longer has (shown "(deleted)" and marked deleted in the
history cache); then it watches from the relist's resourceVersion. Judged
from the screen (tmux), the server's request log and the cache
(`artriage --offline list -o json`), not from the code inside."""

import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

SRC = os.environ["ARTRIAGE_SRC"]
sys.path.insert(0, os.path.join(SRC, "tests", "lib"))
from checks import BIN, check, verdict  # noqa: E402
from kubeapi import KubeAPI  # noqa: E402
from resume import run_scenario  # noqa: E402

SOCK = "artriage-resume-%d" % os.getpid()


def tmux(*args):
    return subprocess.run(["tmux", "-L", SOCK] + list(args), capture_output=True, text=True)


def screen():
    return tmux("capture-pane", "-p", "-t", "r").stdout


def main():
    if not shutil.which("tmux"):
        print("SKIP: tmux is not installed")
        return 77
    tmp = tempfile.mkdtemp(prefix="artriage-uiresume.")
    data = os.path.join(tmp, "scenario")
    subprocess.run([sys.executable, os.path.join(SRC, "tests", "ui", "fixture.py"), data], check=True)
    db = os.path.join(tmp, "history.db")
    with KubeAPI(data, "--bookmark-interval", "3600") as api:
        base = ["--kubeconfig", api.kubeconfig, "--db", db]

        def cache():
            p = subprocess.run([BIN] + base + ["--offline", "list", "-o", "json"],
                               capture_output=True, text=True)
            try:
                return {r["name"]: r for r in json.loads(p.stdout)}
            except (ValueError, KeyError, TypeError):
                return {}

        def row(name, text, timeout):
            deadline = time.time() + timeout
            while time.time() < deadline:
                if any(name in ln and text in ln for ln in screen().splitlines()):
                    return True
                time.sleep(0.1)
            check(False, "the console's row of %s never showed %r" % (name, text))
            print(screen())
            return False

        cmd = "env LC_ALL=C.UTF-8 TERM=xterm-256color %s 2>%s" % (
            " ".join(shlex.quote(a) for a in [BIN] + base), shlex.quote(os.path.join(tmp, "stderr")))
        tmux("-f", "/dev/null", "new-session", "-d", "-s", "r", "-x", "200", "-y", "40", cmd)
        last = ""
        try:
            for f in run_scenario(api, cache, screen=row):
                check(False, f)
        finally:
            last = screen()
            tmux("kill-server")
    rc = verdict()
    if rc:
        print("---- screen ----")
        print(last)
        with open(os.path.join(tmp, "stderr"), errors="replace") as f:
            print("---- stderr ----\n" + f.read()[-2000:])
    shutil.rmtree(tmp, ignore_errors=True)
    return rc


if __name__ == "__main__":
    sys.exit(main())
