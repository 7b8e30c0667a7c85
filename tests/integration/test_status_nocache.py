#!/usr/bin/env python3
"""`artriage status` where there is no history cache (`--db PATH`, or the
default path under $XDG_CACHE_HOME): it says so, names the path, exits 1
(docs/cli.md), and creates neither the file nor its directory; `-o json`
says it as JSON too. Where a cache exists, the JSON names it."""

import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.environ["ARTRIAGE_SRC"], "tests", "lib"))
from checks import BIN, check, verdict  # noqa: E402


def art(env, *args):
    p = subprocess.run([BIN] + list(args), capture_output=True, text=True, timeout=60, env=env)
    return p.returncode, p.stdout, p.stderr


def main():
    tmp = tempfile.mkdtemp(prefix="artriage-status.")
    env = dict(os.environ, XDG_CACHE_HOME=os.path.join(tmp, "xdg"), HOME=tmp,
               KUBECONFIG=os.path.join(tmp, "no-kubeconfig"))
    db = os.path.join(tmp, "sub", "history.db")

    # --- --db PATH that does not exist: text
    rc, out, err = art(env, "--db", db, "status")
    check(rc == 1, "status without a cache exits 1, got %d (%s)" % (rc, err))
    check(out == "", "nothing on stdout in text mode: %r" % out)
    check(err.startswith("artriage: no history cache at %s" % db) and err.count("\n") == 1,
          "one line naming the path: %r" % err)
    check(not os.path.exists(db) and not os.path.exists(os.path.dirname(db)),
          "status created %s or its directory" % db)

    # --- the same as JSON
    rc, out, err = art(env, "--db", db, "status", "-o", "json")
    check(rc == 1, "status -o json without a cache exits 1, got %d" % rc)
    try:
        j = json.loads(out)
    except ValueError:
        j = None
    check(j == {"cache": db, "exists": False, "contexts": [], "recorder": None},
          "status -o json without a cache: %r" % out)
    check("no history cache at %s" % db in err, "the line on stderr too: %r" % err)
    check(not os.path.exists(db), "status -o json created %s" % db)

    # --- the default path
    want = os.path.join(tmp, "xdg", "artriage", "history.db")
    rc, out, err = art(env, "status")
    check(rc == 1 and ("no history cache at %s" % want) in err,
          "default path named: rc %d %r" % (rc, err))
    check(not os.path.exists(os.path.join(tmp, "xdg")), "status created the default cache directory")

    # --- a cache that exists (here an empty file, which opening migrates) is described
    os.makedirs(os.path.dirname(db), mode=0o700, exist_ok=True)
    os.close(os.open(db, os.O_WRONLY | os.O_CREAT, 0o600))
    rc, out, err = art(env, "--db", db, "status", "-o", "json")
    check(rc == 0, "status of an existing cache exits 0: %d %s" % (rc, err))
    try:
        j = json.loads(out)
    except ValueError:
        j = {}
    check(j.get("cache") == db and j.get("exists") is True and j.get("contexts") == [],
          "status -o json of an empty cache: %r" % out)
    rc, out, err = art(env, "--db", db, "status")
    check(rc == 0 and "history cache %s" % db in out and "no context recorded yet" in out,
          "status text of an empty cache: %d %r %r" % (rc, out, err))

    subprocess.run(["rm", "-rf", tmp])
    return verdict()


if __name__ == "__main__":
    sys.exit(main())
