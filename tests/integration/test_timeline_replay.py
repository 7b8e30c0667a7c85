#!/usr/bin/env python3
"""The seed incident's lane replayed through the test API server the way an
outside checker would (tests/integration/replay_scenario.py: b, d, e created
one after the other, pods running, logs growing, failures, the Job TTL
deleting each pod before the next attempt, g on a new image digest opening
PR #3653, run b deleted by retention at the end), once under `sync --watch`
and once with one-shot `sync` runs between the steps. Then `timeline --lane`
must tell the report's story in the order of the objects' own times (the
log lines of the watched replay carry wall-clock kubelet stamps, months
after the runs), with the fix notes interleaved, nothing duplicated, and the
deleted pods and run still telling theirs; `--run`, `--since/--until` and
`-o csv` select and render the same events.

The test waits for states (the cache through `artriage --offline`), never
for a clock."""

import csv
import io
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.environ["ARTRIAGE_SRC"], "tests", "lib"))
from checks import SRC, BIN, FAILS, check, verdict  # noqa: E402
sys.path.insert(0, os.path.join(SRC, "tests", "integration"))
from kubeapi import KubeAPI  # noqa: E402
import replay_scenario as R  # noqa: E402

LANE = R.LANE
# b and d log with wall-clock kubelet stamps (a replay that does not fake
# them), e and g on the report's clock
WATCHED_LOG_TIMES = "eg"
KINDS = {"created", "started", "phase", "first-cause", "failed", "succeeded", "deleted", "pr",
         "rerun", "note"}


def art(*args, ok=True):
    p = subprocess.run([BIN] + list(args), capture_output=True, text=True, timeout=60)
    if ok and p.returncode != 0:
        print("command failed:", args, p.returncode, p.stdout, p.stderr)
        sys.exit(1)
    return p


def cached(db):
    """{attempt letter: run as `list -o json` shows it} from the cache."""
    if not os.path.exists(db):
        return {}
    p = art("--offline", "--db", db, "list", "-o", "json", ok=False)
    if p.returncode != 0:
        return {}
    try:
        return {r["name"][len(LANE):]: r for r in json.loads(p.stdout)
                if r["name"].startswith(LANE)}
    except ValueError:
        return {}


def wait_for(what, cond, timeout=40):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if cond():
            return True
        time.sleep(0.1)
    check(False, "timed out waiting for " + what)
    return False


def evidence_cached(db, a):
    """Run a ended and the cache holds what its pod showed: the log-based
    cause of a failure, the PR of g."""
    r = cached(db).get(a)
    if not r:
        return False
    if a == "g":
        return r["phase"] == "Succeeded" and r["pr"] is not None
    return r["phase"] == "Failed" and (r["failure"] or {}).get("line") is not None


def log_cached(db, a):
    """The cache holds the whole log of a's pod."""
    p = art("--offline", "--db", db, "logs", R.run_name(a), ok=False)
    return p.returncode == 0 and R.ATTEMPTS[a]["log"][-1] in p.stdout


def watches(api):
    return sum(1 for q in api.requests() if (q.get("query") or {}).get("watch") in ("true", "1"))


def add_notes(db):
    for at, text in R.NOTES:
        art("--db", db, "note", "add", "--at", at, text)
    art("--db", db, "note", "add", "--at", "2026-02-25T07:30:00Z", "before the lane: not told")


def timeline(db, *extra, fmt="json"):
    return art("--offline", "--db", db, "timeline", *extra, "-o", fmt).stdout


def judge(db, label, log_times):
    """The incident writer's reading of the lane's timeline."""
    md = timeline(db, "--lane", LANE, fmt="md")
    print("---- %s\n%s" % (label, md))
    lines = md.splitlines()
    check(lines[:2] == ["| Time (UTC) | Event |", "| --- | --- |"], label + ": md header")
    rows = lines[2:]
    check(all(r.startswith("| 2026-") and r.endswith(" |") for r in rows),
          label + ": every md row is dated")
    times = [r[2:21] for r in rows]
    check(times == sorted(times), label + ": md rows in time order")

    evs = json.loads(timeline(db, "--lane", LANE))["events"]
    check(len(evs) == len(rows), label + ": md and json tell the same events")
    check(all(e["kind"] in KINDS for e in evs), label + ": kinds from docs/cli.md")
    check([e["time"] for e in evs] == sorted(e["time"] for e in evs), label + ": json in time order")
    keys = [(e["time"], e["kind"], e["run"], e["text"]) for e in evs]
    check(len(keys) == len(set(keys)), label + ": no event told twice")

    def one(kind, a, *needles):
        got = [i for i, e in enumerate(evs) if e["kind"] == kind
               and (e["run"] or "") == (R.run_name(a) if a else "")
               and all(n in e["text"] for n in needles)]
        check(len(got) == 1, "%s: one %s event of %s with %r (got %d)" % (label, kind, a, needles, len(got)))
        return got[0] if got else -1

    def note(needle):
        got = [i for i, e in enumerate(evs) if e["kind"] == "note" and needle in e["text"]]
        check(len(got) == 1, "%s: note %s told once" % (label, needle))
        return got[0] if got else -1

    causes = {"b": ('ENOENT reading "/app/node_modules/@proompteng/discord"', "runtime.missing-module"),
              "d": ("posix_spawn 'git'", "vcs.worktree"),
              "e": ('Executable not found in $PATH: "codex-nats-soak"', "runtime.missing-executable")}
    idx = {}
    for a in "bdeg":
        x = R.ATTEMPTS[a]
        idx[a + "c"] = one("created", a)
        idx[a + "s"] = one("started", a, "commit " + x["commit"][:8], x["digest"][:12])
        if a in causes:
            text, cls = causes[a]
            idx[a + "f"] = one("failed", a, R.run_name(a) + " fails: ", text, "(%s)" % cls)
            idx[a + "fc"] = one("first-cause", a, text)
            if idx[a + "fc"] >= 0:
                fc = evs[idx[a + "fc"]]
                check(fc["class"] == cls, "%s: %s first cause class %r" % (label, a, fc["class"]))
                check("[command:" not in fc["text"], "%s: %s cause quoted without framing: %r"
                      % (label, a, fc["text"]))
                # the cause is told at its log line's time when that time is
                # believable, else at the failure: never after it
                lo, hi = x["runner_start"], x["finished"][:19] + "Z"
                if a in log_times:
                    check(lo <= fc["time"] < hi, "%s: %s first cause at its log time %s"
                          % (label, a, fc["time"]))
                else:
                    check(fc["time"] == hi, "%s: %s first cause at the failure %s"
                          % (label, a, fc["time"]))
        else:
            idx["gok"] = one("succeeded", a, R.run_name("g") + " succeeds")
            idx["gpr"] = one("pr", a, "PR #3653", "https://github.com/proompteng/lab/pull/3653")
    check(sum(1 for e in evs if e["kind"] == "pr") == 1, label + ": one PR (the log's #3650 is no PR of g)")
    check(not any(e["kind"] == "failed" and e["run"] == R.run_name("g") for e in evs),
          label + ": g does not fail")

    # the image change that fixed it, told at g's start
    gs = evs[idx["gs"]] if idx["gs"] >= 0 else {"text": ""}
    check("new image" in gs["text"] and R.ATTEMPTS["e"]["digest"][:12] in gs["text"],
          label + ": g starts on a new image, e's named: %r" % gs["text"])
    ds = evs[idx["ds"]] if idx["ds"] >= 0 else {"text": ""}
    check("new image" in ds["text"], label + ": d's image differs from b's")

    # the retention sweep deleted b: told last, its run and pod still tell the story
    idel = one("deleted", "b")
    check(idel == len(evs) - 1, label + ": b's deletion is the last event")
    check(not any(e["kind"] == "deleted" and e["run"] != R.run_name("b") for e in evs),
          label + ": only b was deleted (the TTL deletes pods, not runs)")
    check("pods were gone" not in evs[idx["bf"]]["text"] if idx["bf"] >= 0 else False,
          label + ": b's pod was seen")

    n3644, n3647, n3650 = note("#3644"), note("#3647"), note("#3650")
    check(not any("not told" in e["text"] for e in evs), label + ": a note before the lane is left out")
    order = [idx["bc"], idx["bfc"], idx["bf"], n3644, idx["dc"], idx["ds"], idx["dfc"], idx["df"],
             n3647, n3650, idx["ec"], idx["efc"], idx["ef"], idx["gc"], idx["gs"], idx["gpr"],
             idx["gok"], idel]
    check(order == sorted(order) and -1 not in order, label + ": the report's order %r" % order)

    # every event but the deletion is on the report's clock, 08:xx-10:06
    story = [e for e in evs if e["kind"] != "deleted"]
    check(all("2026-02-25T08:46:58Z" <= e["time"] <= "2026-02-25T10:06:02Z" for e in story),
          label + ": events on the objects' clock: %r" % [e["time"] for e in story
                                                          if e["time"] > "2026-02-25T10:06:02Z"])
    check("| 2026-02-25 09:16:34 | Run %s fails: " % R.run_name("d") in md, label + ": d fails at 09:16:34")
    check("| 2026-02-25 10:06:02 | Run %s succeeds |" % R.run_name("g") in md, label + ": g at 10:06:02")
    return evs


def judge_selections(db, label):
    # one run: its own events, no note outside its span (#3644 is before d, #3647 after)
    out = timeline(db, "--run", R.run_name("d"), fmt="csv")
    rows = list(csv.reader(io.StringIO(out)))
    check(rows and rows[0] == ["time", "kind", "run", "namespace", "class", "reconstructed", "text"],
          label + ": csv header")
    check(len(rows) > 3 and all(r[2] == R.run_name("d") for r in rows[1:]),
          label + ": --run d tells only d: %r" % [r[2] for r in rows[1:]])
    check(any(r[1] == "failed" and r[4] == "vcs.worktree" for r in rows[1:]), label + ": d's failure in csv")
    # a window: d, e and the two fixes merged between them
    evs = json.loads(timeline(db, "--lane", LANE, "--since", "2026-02-25T09:10:00Z",
                              "--until", "2026-02-25T09:40:00Z"))["events"]
    runs = {e["run"][len(LANE):] for e in evs if e["run"]}
    check(runs == {"d", "e"}, label + ": window 09:10-09:40 holds d and e: %r" % runs)
    notes = [e["text"] for e in evs if e["kind"] == "note"]
    check(len(notes) == 2 and "#3647" in notes[0] and "#3650" in notes[1],
          label + ": window notes %r" % notes)
    check(all("2026-02-25T09:10:00Z" <= e["time"] <= "2026-02-25T09:40:00Z" for e in evs),
          label + ": window respected")
    # two runs by name: e and g, e's fix-era image change not told as new
    evs = json.loads(timeline(db, "--run", R.run_name("e"), "--run", R.run_name("g")))["events"]
    check({e["run"] for e in evs if e["run"]} == {R.run_name("e"), R.run_name("g")},
          label + ": --run e --run g")
    check([e["kind"] for e in evs if e["run"] == R.run_name("g")][-2:] == ["pr", "succeeded"],
          label + ": g's PR before its success")


def replay_watched(tmp):
    """`sync --watch` follows the replay; each step waits for the state the
    next one destroys (a log before its pod's TTL) to be in the cache. The
    log is read while its run is still Running, as when the controller
    writes the status after the pod ended: e's first cause must keep its
    log line's time."""
    data = os.path.join(tmp, "watched")
    os.makedirs(os.path.join(data, "objects"))
    db = os.path.join(tmp, "watched.db")
    log = open(os.path.join(tmp, "watch.log"), "w")
    with KubeAPI(data) as api:
        w = subprocess.Popen([BIN, "--kubeconfig", api.kubeconfig, "--db", db, "sync", "--watch"],
                             stdout=log, stderr=log)
        try:
            wait_for("the watch of runs and pods", lambda: watches(api) >= 2 or w.poll() is not None)
            for label, ops in R.steps(log_times=WATCHED_LOG_TIMES):
                for op in ops:
                    api.op(op)
                a = label[0]
                if label.endswith(" pod ends"):
                    # the log is read while the run is still Running
                    wait_for("%s's log in the cache" % a, lambda: log_cached(db, a))
                elif label.endswith(" run ends"):
                    wait_for("%s's evidence in the cache" % a, lambda: evidence_cached(db, a))
                    if a == "e":
                        # a timeline while the watch writes: the cache is shared
                        p = art("--offline", "--db", db, "timeline", "--lane", LANE, ok=False)
                        check(p.returncode == 0 and "codex-nats-soak" in p.stdout,
                              "timeline during the watch: %r" % p.stderr)
                elif label == "b retention":
                    wait_for("b marked deleted", lambda: cached(db).get("b", {}).get("deleted"))
            check(w.poll() is None, "the watch is still running")
        finally:
            w.send_signal(signal.SIGINT)
            try:
                rc = w.wait(timeout=20)
            except subprocess.TimeoutExpired:
                w.kill()
                rc = "hung"
    log.close()
    check(rc == 0, "sync --watch ends with 0 on SIGINT (got %r)" % (rc,))
    return db


def replay_polled(tmp):
    """Only one-shot `sync` runs, a few per attempt (the pod running, the
    pod ended, the run ended, the TTL done); kubelet stamps on the report's
    clock."""
    data = os.path.join(tmp, "polled")
    os.makedirs(os.path.join(data, "objects"))
    db = os.path.join(tmp, "polled.db")
    with KubeAPI(data) as api:
        base = ["--kubeconfig", api.kubeconfig, "--db", db]
        for label, ops in R.steps(log_times=True):
            for op in ops:
                api.op(op)
            if label.endswith((" pod running", " pod ends", " run ends", " ttl", " retention")):
                art(*base, "sync")
        p = art(*base, "sync")
        check(" 0 logs" in p.stdout and " 0 PR links" in p.stdout,
              "a last sync finds nothing new: %r" % p.stdout)
    return db


def main():
    tmp = tempfile.mkdtemp(prefix="artriage-replay.")
    t0 = time.time()
    db = replay_watched(tmp)
    add_notes(db)
    judge(db, "watched", log_times=WATCHED_LOG_TIMES)
    judge_selections(db, "watched")
    db2 = replay_polled(tmp)
    add_notes(db2)
    judge(db2, "polled", log_times="bdeg")
    judge_selections(db2, "polled")
    print("replay test took %.1f s" % (time.time() - t0))
    if FAILS:
        for name in ("watch.log",):
            path = os.path.join(tmp, name)
            if os.path.exists(path):
                with open(path) as f:
                    print(f.read()[-3000:])
    else:
        subprocess.run(["rm", "-rf", tmp])
    return verdict()


if __name__ == "__main__":
    sys.exit(main())
