#!/usr/bin/env python3
"""A failed run's verdict set against the lane's passing attempt: on the
seed lane, failed attempt e prints the cause twice and passing attempt g
printed the first of those lines too. `sync` (from the cached logs),
`classify --run` and `show` (live, then --offline from the cache) compare e with g, so e's
cause is the line g never printed (3), not the first match (2); show
names g as the baseline. `list` on a cold cache chooses the same baseline
(reading g's log once for the lane's failures, b, d and e), and the
verdict `sync` stores names g (schema 4), which `list` and `show --offline`
then report from the cache."""
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.environ["ARTRIAGE_SRC"], "tests", "lib"))
from checks import BIN, check, verdict  # noqa: E402
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kubeapi import KubeAPI  # noqa: E402
import scenarios as sc  # noqa: E402

CAUSE = 'Executable not found in $PATH: "codex-nats-soak"'


def pod_of(seed_dir, run):
    d = os.path.join(seed_dir, "logs", "agents")
    return [p for p in os.listdir(d) if p.startswith(run + "-job-")][0]


def main():
    tmp = tempfile.mkdtemp(prefix="artriage-baseline.")
    try:
        seed_dir = sc.seed(os.path.join(tmp, "seed"))
        sc.write_log(seed_dir, pod_of(seed_dir, sc.LANE + "e"),
                     "[command:started] codex-nats-soak --check\n" + CAUSE + "\n"
                     "agent-runner: turn failed: " + CAUSE + "\n")
        sc.write_log(seed_dir, pod_of(seed_dir, sc.LANE + "g"),
                     CAUSE + "\n[command:started] gh pr create --fill\n"
                     "[command:delta] command output " + sc.PR_URL + "\n")
        home = os.path.join(tmp, "home")
        os.makedirs(home)
        db = os.path.join(tmp, "history.db")
        env = None

        def run(*args, timeout=60):
            p = subprocess.run([BIN, "--db", db] + list(args), env=env, capture_output=True, timeout=timeout)
            return p.returncode, p.stdout, p.stderr.decode(errors="replace")

        with KubeAPI(seed_dir) as api:
            env = api.env(home=home)
            env.pop("GITHUB_TOKEN", None)
            # --- list on a cold cache settles e itself, against g like show
            api.clear_requests()
            rc, out, err = run("list", "-o", "json")
            check(rc == 0, "cold list: %d %s" % (rc, err))
            by = {r["name"]: r for r in json.loads(out or b"[]")}
            e = by.get(sc.LANE + "e") or {}
            check(e.get("baseline") == {"run": sc.LANE + "g"}, "cold list names g for e: %r" % e.get("baseline"))
            check((e.get("failure") or {}).get("line") == 3, "cold list: e's line g never printed: %r"
                  % e.get("failure"))
            check((by.get(sc.LANE + "g") or {}).get("baseline", 0) is None, "a success has no baseline in list")
            g_pod = pod_of(seed_dir, sc.LANE + "g")
            g_reads = [r for r in api.requests() if r["path"].endswith("/pods/%s/log" % g_pod)]
            # once settling g itself (its PR), once as the baseline of b, d and e
            check(len(g_reads) == 2, "g's log read once as the lane's baseline: %d reads" % len(g_reads))
            rc, out, err = run("show", sc.LANE + "e", "-o", "json")
            check(rc == 0, "show e: %d %s" % (rc, err))
            s = json.loads(out or b"{}")
            check(s.get("baseline") == {"run": sc.LANE + "g"}, "show e names g: %r" % s.get("baseline"))
            check((s.get("failure") or {}).get("line") == 3, "show e: the line g never printed: %r" % s.get("failure"))
            rc, out, err = run("classify", "--run", sc.LANE + "e", "-o", "json")
            c = json.loads(out or b"{}")
            check(rc == 0 and (c.get("baseline") or {}).get("run") == sc.LANE + "g",
                  "classify --run e names g: %r %s" % (c.get("baseline"), err))
            check((c.get("primary") or {}).get("line") == 3, "classify --run e: line 3: %r" % c.get("primary"))
            rc, out, err = run("sync", "--quiet")
            check(rc == 0, "sync: %d %s" % (rc, err))
        rc, out, err = run("--offline", "list", "-o", "json")
        check(rc == 0, "offline list: %d %s" % (rc, err))
        by = {r["name"]: r for r in json.loads(out or b"[]")}
        f = (by.get(sc.LANE + "e") or {}).get("failure") or {}
        check(f.get("class") == "runtime.missing-executable" and f.get("line") == 3,
              "sync's verdict for e is set against g: %r" % f)
        check((by.get(sc.LANE + "e") or {}).get("baseline") == {"run": sc.LANE + "g"},
              "offline list names e's baseline from the cache: %r" % (by.get(sc.LANE + "e") or {}).get("baseline"))
        con = sqlite3.connect(db)
        row = con.execute("SELECT c.baseline_name, c.baseline_uid = g.uid FROM classifications c"
                          " JOIN runs r ON r.id = c.run_id JOIN runs g ON g.name = c.baseline_name"
                          " WHERE r.name = ?", (sc.LANE + "e",)).fetchone()
        con.close()
        check(row == (sc.LANE + "g", 1), "sync's verdict for e records g by name and uid: %r" % (row,))
        rc, out, err = run("--offline", "show", sc.LANE + "e", "-o", "json")
        s = json.loads(out or b"{}")
        check(rc == 0 and s.get("baseline") == {"run": sc.LANE + "g"}, "offline show e names g: %r %s" % (s.get("baseline"), err))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return verdict()


if __name__ == "__main__":
    sys.exit(main())
