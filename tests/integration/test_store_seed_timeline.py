#!/usr/bin/env python3
"""The seed incident through the test API server: `sync`, then `timeline
--lane` tells the report's run-related rows in time order (b fails with the
discord ENOENT, d fails on posix_spawn 'git', e on codex-nats-soak, g
succeeds with PR #3653), notes join it, a run deleted on the server stays in
the cache marked deleted, a second sync adds no duplicate changes, and the
cache holds no credential (the kubeconfig's token is grepped for)."""

import json
import os
import sqlite3
import stat
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.environ["ARTRIAGE_SRC"], "tests", "lib"))
from checks import SRC, BIN, FAILS, check  # noqa: E402
sys.path.insert(0, os.path.join(SRC, "tests", "integration"))
from kubeapi import KubeAPI  # noqa: E402
from seed_scenario import LANE, build_seed  # noqa: E402

TOKEN = "sEcReT-t0ken-3f9a1c77d2b84e61"


def run(*args, ok=True):
    p = subprocess.run([BIN] + list(args), capture_output=True, text=True, timeout=60)
    if ok and p.returncode != 0:
        print("command failed:", args, p.returncode, p.stdout, p.stderr)
        sys.exit(1)
    return p


def main():
    tmp = tempfile.mkdtemp(prefix="artriage-seed.")
    data = build_seed(tmp)
    db = os.path.join(tmp, "cache", "artriage", "history.db")
    with KubeAPI(data, token=TOKEN, tls=True) as api:
        base = ["--kubeconfig", api.kubeconfig, "--db", db]
        p = run(*base, "sync")
        check("6 runs" in p.stdout and "3 logs" in p.stdout and "1 PR" in p.stdout,
              "sync summary: %r" % p.stdout)
        st = os.stat(db)
        check(stat.S_IMODE(st.st_mode) == 0o600, "db mode %o" % stat.S_IMODE(st.st_mode))
        check(stat.S_IMODE(os.stat(os.path.dirname(db)).st_mode) == 0o700, "cache dir mode")

        # the fix notes of the report, between the lane's first and last events
        run("--db", db, "note", "add", "--at", "2026-02-25T09:05:00Z",
            "Fix merged for discord workspace import coupling (#3644, f12b6082)")
        run("--db", db, "note", "add", "--at", "2026-02-25T09:24:00Z",
            "Runtime image fix merged to include codex NATS helper scripts (#3650, 1cc0ecd2)")
        run("--db", db, "note", "add", "--at", "2026-02-26T12:00:00Z", "after the lane: not told")

        md = run("--db", db, "timeline", "--lane", LANE, "-o", "md").stdout
        print(md)
        lines = md.splitlines()
        check(lines[0] == "| Time (UTC) | Event |" and lines[1] == "| --- | --- |", "md header")
        rows = [ln for ln in lines[2:] if ln.startswith("| 2026-")]
        check(len(rows) == len(lines) - 2, "every row is a dated table row")
        times = [r.split(" | ")[0][2:] for r in rows]
        check(times == sorted(times), "rows in time order")

        def row_index(*needles):
            for i, r in enumerate(rows):
                if all(n in r for n in needles):
                    return i
            check(False, "no row with %r" % (needles,))
            return -1

        ib = row_index(LANE + "b fails", 'ENOENT reading "/app/node_modules/@proompteng/discord"')
        check("| 2026-02-25 08:13:03 |" in rows[ib], "b fails at its finishedAt")
        check("pods were gone" in rows[ib], "b's missing pods are said plainly")
        i3644 = row_index("#3644")
        idfc = row_index("First cause in " + LANE + "d", "posix_spawn 'git'")
        idf = row_index(LANE + "d fails", "posix_spawn 'git'", "(vcs.worktree)")
        check("| 2026-02-25 09:14:31 |" in rows[idf], "d fails at 09:14:31")
        i3650 = row_index("#3650")
        ie = row_index(LANE + "e fails", 'Executable not found in $PATH: "codex-nats-soak"')
        ipr = row_index(LANE + "g opens PR #3653", "https://github.com/proompteng/lab/pull/3653")
        ig = row_index(LANE + "g succeeds")
        check(ib < i3644 < idfc < idf < i3650 < ie < ipr < ig,
              "the report's order: %r" % [ib, i3644, idfc, idf, i3650, ie, ipr, ig])
        check(not any("not told" in r for r in rows), "a note after the lane is left out")
        check(not any("jangar" in r or "market-context" in r for r in rows), "other runs left out")

        doc = json.loads(run("--db", db, "timeline", "--lane", LANE, "-o", "json").stdout)
        evs = doc["events"]
        kinds = {"created", "started", "phase", "first-cause", "failed", "succeeded", "deleted",
                 "pr", "rerun", "note"}
        check(all(e["kind"] in kinds for e in evs), "kinds from docs/cli.md only")
        check([e["time"] for e in evs] == sorted(e["time"] for e in evs), "json ordered by time")
        fd = [e for e in evs if e["kind"] == "failed" and e["run"] == LANE + "d"]
        check(len(fd) == 1 and fd[0]["class"] == "vcs.worktree"
              and fd[0]["time"] == "2026-02-25T09:14:31Z", "d's failed event: %r" % fd)
        fc = [e for e in evs if e["kind"] == "first-cause" and e["run"] == LANE + "d"]
        check(len(fc) == 1 and "2026-02-25T09:14:10Z" <= fc[0]["time"] <= "2026-02-25T09:14:31Z",
              "d's first cause at its log time: %r" % fc)
        check(sum(1 for e in evs if e["kind"] == "pr") == 1, "one PR event")

        csv = run("--db", db, "timeline", "--run", LANE + "e", "-o", "csv").stdout
        check(csv.splitlines()[0] == "time,kind,run,namespace,class,reconstructed,text", "csv header")
        check(all(LANE + "e" in ln for ln in csv.splitlines()[1:]), "--run selects one run")

        # a new rule set: the cached logs are classified again, line numbers kept
        con = sqlite3.connect(db)
        v1 = {r[0] for r in con.execute("SELECT version FROM classifications")}
        rules = os.path.join(tmp, "rules")
        os.makedirs(rules)
        with open(os.path.join(rules, "99-seed-test.rules"), "w") as f:
            f.write("rule seed-test-nats-helper\nclass runtime.nats-helper-missing\nweight 99\n"
                    "match not found in .PATH: .codex-nats-soak\nhint test rule\n")
        p = run(*base, "--rules", rules, "sync")
        check("0 logs" in p.stdout, "logs already cached are not fetched again: %r" % p.stdout)
        v2 = {r[0] for r in con.execute("SELECT version FROM classifications")}
        check(len(v2) == 1 and not (v1 & v2), "every run re-classified (%r -> %r)" % (v1, v2))
        row = con.execute("SELECT c.class, c.line FROM classifications c JOIN runs r"
                          " ON r.id = c.run_id WHERE r.name = ?", (LANE + "e",)).fetchone()
        check(row == ("runtime.nats-helper-missing", 7), "e under the new rules: %r" % (row,))
        con.close()

        # the server deletes b (retention sweep); sync again twice
        con = sqlite3.connect(db)
        before = con.execute("SELECT count(*) FROM changes").fetchone()[0]
        api.op({"op": "delete", "kind": "AgentRun", "apiVersion": "agents.proompteng.ai/v1alpha1",
                "namespace": "agents", "name": LANE + "b"})
        run(*base, "--rules", rules, "sync")
        run(*base, "--rules", rules, "sync")
        after = con.execute("SELECT count(*) FROM changes").fetchone()[0]
        check(after == before + 1, "re-syncing adds only b's deletion (%d -> %d)" % (before, after))
        row = con.execute("SELECT deleted FROM runs WHERE name = ?", (LANE + "b",)).fetchone()
        check(row is not None and row[0] == 1, "b kept and marked deleted")
        evs = json.loads(run("--db", db, "timeline", "--lane", LANE, "-o", "json").stdout)["events"]
        check(any(e["kind"] == "deleted" and e["run"] == LANE + "b" for e in evs),
              "b's deletion is in the timeline")
        con.close()

        # offline: no cluster needed
        p = run("--db", db, "--offline", "--kubeconfig", "/nonexistent", "timeline",
                "--lane", LANE, "-o", "json")
        check(json.loads(p.stdout)["events"], "offline timeline")
        p = run("--db", db, "--offline", "sync", ok=False)
        check(p.returncode == 1 and p.stderr.startswith("artriage: "), "sync refuses --offline")

    # the demo scenario of the repository (data/demo/seed), all namespaces
    demo = os.path.join(SRC, "data", "demo", "seed")
    if os.path.isdir(demo):
        db2 = os.path.join(tmp, "demo.db")
        with KubeAPI(demo) as api:
            run("-A", "--kubeconfig", api.kubeconfig, "--db", db2, "sync")
        evs = json.loads(run("--db", db2, "timeline", "--lane", LANE, "-o", "json").stdout)["events"]
        story = [(e["kind"], e["run"][-1]) for e in evs if e["kind"] in ("failed", "succeeded", "pr")]
        check(story == [("failed", "b"), ("failed", "d"), ("failed", "e"), ("pr", "g"),
                        ("succeeded", "g")], "demo seed story: %r" % story)
        classes = [e["class"] for e in evs if e["kind"] == "failed"]
        check(classes == ["runtime.missing-module", "vcs.worktree", "runtime.missing-executable"],
              "demo seed classes: %r" % classes)

    # never a credential on disk
    for suffix in ("", "-wal", "-shm"):
        path = db + suffix
        if os.path.exists(path):
            with open(path, "rb") as f:
                blob = f.read()
            check(TOKEN.encode() not in blob, "token found in " + path)
    if FAILS:
        print("%d failures" % len(FAILS))
        sys.exit(1)
    subprocess.run(["rm", "-rf", tmp])
    print("ok")


if __name__ == "__main__":
    main()
