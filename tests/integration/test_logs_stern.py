#!/usr/bin/env python3
"""`artriage logs` with kubectl's and stern's habits, through the CLI's output
against tests/kubeapi/server.py: --tail, --since (a duration or a time),
--timestamps, with --include/--exclude, live (the query the server got) and
offline (the history cache sync filled); several runs at once (RUN
arguments, --lane), each line prefixed with its run, coloured only on a
terminal and never with NO_COLOR; `--lane L -f` interleaves two followed
runs as their lines arrive, and a drop of every follow in the middle is
resumed without a line lost or printed twice."""
import json
import os
import pty
import select
import shutil
import subprocess
import sys
import tempfile
import time

SRC = os.environ["ARTRIAGE_SRC"]
BIN = os.environ["ARTRIAGE_BIN"]
sys.path.insert(0, os.path.join(SRC, "tests", "lib"))
from kubeapi import KubeAPI  # noqa: E402

LANE = "stern-20260301"
A, B, C = LANE + "a", LANE + "b", LANE + "c"
fails = []


def check(ok, what):
    if not ok:
        fails.append(what)
        print("FAIL:", what)


def run_obj(name, phase, created):
    return {"apiVersion": "agents.proompteng.ai/v1alpha1", "kind": "AgentRun",
            "metadata": {"name": name, "namespace": "agents", "creationTimestamp": created},
            "spec": {"agentRef": {"name": "codex-agent"}, "runtime": {"type": "job"},
                     "implementationSpecRef": {"name": "stern"}, "idempotencyKey": name,
                     "parameters": {"repository": "proompteng/lab", "base": "main", "head": "codex/" + name}},
            "status": {"phase": phase, "startedAt": created}}


def pod_obj(run, state):
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": run + "-job-x1", "namespace": "agents", "creationTimestamp": "2026-03-01T10:00:00Z",
                         "labels": {"agents.proompteng.ai/agent-run": run, "job-name": run + "-job"}},
            "spec": {"containers": [{"name": "agent-runner", "image": "runner:1"}]},
            "status": {"phase": "Running" if "running" in state else "Failed",
                       "containerStatuses": [{"name": "agent-runner", "state": state, "ready": True,
                                              "restartCount": 0, "image": "runner:1", "imageID": ""}]}}


TERMINATED = {"terminated": {"exitCode": 1, "reason": "Error", "startedAt": "2026-03-01T10:00:00Z",
                             "finishedAt": "2026-03-01T10:00:09Z"}}
RUNNING = {"running": {"startedAt": "2026-03-01T11:00:00Z"}}
# A's line i was written at 10:00:0i (the server spreads the lines over the
# container's run; each also carries that time itself, as agent logs do),
# and every other line has a continuation line without a time.
A_LINES = []
for i in range(10):
    A_LINES.append("[2026-03-01T10:00:0%dZ] a line %d" % (i, i))
A_TEXT = "".join(l + "\n" for l in A_LINES)


def scenario(root):
    objs = [run_obj(A, "Failed", "2026-03-01T10:00:00Z"), run_obj(B, "Running", "2026-03-01T11:00:00Z"),
            run_obj(C, "Running", "2026-03-01T11:00:00Z"),
            pod_obj(A, TERMINATED), pod_obj(B, RUNNING), pod_obj(C, RUNNING)]
    os.makedirs(os.path.join(root, "objects"))
    with open(os.path.join(root, "objects", "all.json"), "w") as f:
        json.dump({"apiVersion": "v1", "kind": "List", "items": objs}, f)
    for run, text in ((A, A_TEXT), (B, "b start\n"), (C, "c start\n")):
        d = os.path.join(root, "logs", "agents", run + "-job-x1")
        os.makedirs(d)
        with open(os.path.join(d, "agent-runner.log"), "w") as f:
            f.write(text)


def art(env, *args, tty=False):
    if not tty:
        p = subprocess.run([BIN, *args], capture_output=True, env=env, timeout=60)
        return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")
    master, slave = pty.openpty()
    p = subprocess.Popen([BIN, *args], stdout=slave, stderr=subprocess.PIPE, env=env)
    os.close(slave)
    out = b""
    while True:
        r, _, _ = select.select([master], [], [], 30)
        if not r:
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    err = p.stderr.read().decode()
    return p.wait(timeout=30), out.decode("utf-8", "replace").replace("\r\n", "\n"), err


def log_queries(api):
    return [r["query"] for r in api.requests() if r["path"].endswith("/log")]


def lines(s):
    return s.splitlines()


def follow_interleaved(api, env):
    """`--lane L -f`: A's log (ended), then B's and C's lines as they are
    written, alternately, each seen before the next is written; a drop of
    every follow with lines of the same second on both sides; the process
    ends when both containers do."""
    p = subprocess.Popen([BIN, "logs", "--lane", LANE, "-f"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=env)
    buf = b""
    got = []

    def wait_for(text, secs=20):
        nonlocal buf
        deadline = time.time() + secs
        while time.time() < deadline:
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                got.append(line.decode())
            if text in got:
                return True
            r, _, _ = select.select([p.stdout], [], [], 0.2)
            if r:
                chunk = os.read(p.stdout.fileno(), 65536)
                if not chunk:
                    break
                buf += chunk
        return text in got

    def say(run, text, when):
        api.op({"op": "log", "namespace": "agents", "pod": run + "-job-x1", "container": "agent-runner",
                "text": text, "time": when})

    try:
        check(wait_for(B + " b start") and wait_for(C + " c start"), "-f: the followed runs' first lines: %r" % got)
        expect = []
        for i in range(3):  # alternately, each printed before the next is written
            say(B, "b %d" % i, "2026-03-01T11:00:1%d.100Z" % i)
            check(wait_for("%s b %d" % (B, i)), "-f: B's line %d as it came: %r" % (i, got[-4:]))
            say(C, "c %d" % i, "2026-03-01T11:00:1%d.200Z" % i)
            check(wait_for("%s c %d" % (C, i)), "-f: C's line %d as it came: %r" % (i, got[-4:]))
            expect += ["%s b %d" % (B, i), "%s c %d" % (C, i)]
        # same second before and after the drop: the resume repeats it
        say(B, "b same-1", "2026-03-01T11:00:20.100Z")
        check(wait_for(B + " b same-1"), "-f: before the drop")
        api.op({"op": "drop-streams"})
        say(B, "b same-2", "2026-03-01T11:00:20.300Z")
        say(C, "c after", "2026-03-01T11:00:21.000Z")
        check(wait_for(B + " b same-2") and wait_for(C + " c after"),
              "-f: the lines written while the follows were down came after the resume: %r" % got[-6:])
        expect += [B + " b same-1", B + " b same-2", C + " c after"]
        for run in (B, C):
            pod = pod_obj(run, {"terminated": {"exitCode": 0, "reason": "Completed",
                                               "startedAt": "2026-03-01T11:00:00Z",
                                               "finishedAt": "2026-03-01T11:01:00Z"}})
            api.op({"op": "modify", "object": pod})
        try:
            out, err = p.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            out, err = p.communicate()
            check(False, "-f did not end when the containers did")
        buf += out
        wait_for("\0", 0)
        check(p.returncode == 0, "-f exit %s: %s" % (p.returncode, err.decode()))
        a_got = [l for l in got if l.startswith(A + " ")]
        check(a_got == [A + " " + l for l in A_LINES], "-f: the ended run's log whole: %r" % a_got)
        bc = [l for l in got if l.startswith((B + " ", C + " ")) and "start" not in l]
        # the alternating part in the order written; after the drop each
        # run's lines in its own order (which follow resumes first is a race)
        check(bc[:6] == expect[:6], "-f: interleaved as written: %r" % bc)
        for run in (B, C):
            check([l for l in bc if l.startswith(run)] == [l for l in expect if l.startswith(run)],
                  "-f: every line of %s once, in order, across the drop: %r" % (run, bc))
        check(sorted(bc) == sorted(expect), "-f: no line lost or added: %r" % bc)
        check(len(got) == len(set(got)), "-f: no line printed twice: %r" % got)
        resumed = [q for q in log_queries(api) if "sinceTime" in q and q.get("follow") == "true"]
        check(len(resumed) >= 2, "-f: each dropped follow resumed from its last line's time: %r" % resumed)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()


def main():
    tmp = tempfile.mkdtemp(prefix="logs-stern.")
    try:
        data = os.path.join(tmp, "data")
        scenario(data)
        with KubeAPI(data) as api:
            env = dict(os.environ, KUBECONFIG=api.kubeconfig, XDG_CACHE_HOME=os.path.join(tmp, "cache"),
                       XDG_CONFIG_HOME=os.path.join(tmp, "config"), ASAN_OPTIONS="detect_leaks=1")
            env.pop("NO_COLOR", None)
            # ---- one run, live
            rc, out, err = art(env, "logs", A)
            check(rc == 0 and out == A_TEXT, "logs A: %d %r %r" % (rc, out[:200], err))
            api.clear_requests()
            rc, out, err = art(env, "logs", A, "--tail", "3")
            check(rc == 0 and lines(out) == A_LINES[-3:], "--tail 3: %r %r" % (out, err))
            check(any(q.get("tailLines") == "3" for q in log_queries(api)), "--tail went to the server: %r" % log_queries(api))
            rc, out, err = art(env, "logs", A, "--since", "2026-03-01T10:00:05Z")
            check(rc == 0 and lines(out) == A_LINES[5:], "--since TIME live: %r %r" % (out, err))
            check(any(q.get("sinceTime") == "2026-03-01T10:00:05Z" for q in log_queries(api)),
                  "sinceTime went to the server: %r" % log_queries(api))
            rc, out, err = art(env, "logs", A, "--since", "10m")
            check(rc == 0 and out == "", "--since 10m: the lines are older: %r %r" % (out, err))
            check(any(q.get("sinceSeconds") == "600" for q in log_queries(api)), "sinceSeconds went to the server")
            rc, out, err = art(env, "logs", A, "--timestamps", "--tail", "2")
            want = ["2026-03-01T10:00:0%d.000000000Z %s" % (i, A_LINES[i]) for i in (8, 9)]
            check(rc == 0 and lines(out) == want, "--timestamps live: %r %r" % (out, err))
            rc, out, err = art(env, "logs", A, "--tail", "5", "--include", "line [79]")
            check(rc == 0 and lines(out) == [A_LINES[7], A_LINES[9]], "--tail with --include: %r" % out)
            rc, out, err = art(env, "logs", A, "--since", "2026-03-01T10:00:05Z", "--exclude", "line [56]")
            check(rc == 0 and lines(out) == A_LINES[7:], "--since with --exclude: %r" % out)
            for bad in (["--since", "yesterday"], ["--tail", "x"], ["--tail", "-2"]):
                rc, out, err = art(env, "logs", A, *bad)
                check(rc == 2 and err.startswith("artriage: --") and out == "", "bad %s: usage, exit 2: %d %r" % (bad, rc, err))
            rc, out, err = art(env, "logs", A, "--lane", LANE)
            check(rc == 2, "RUN and --lane together: usage: %d" % rc)

            # ---- several runs: prefixes, no colour in a pipe
            rc, out, err = art(env, "logs", A, B)
            got = lines(out)
            check(rc == 0 and [l for l in got if l.startswith(A + " ")] == [A + " " + l for l in A_LINES]
                  and got.count(B + " b start") == 1 and len(got) == 11 and "\x1b" not in out,
                  "logs A B: each line prefixed with its run: %r %r" % (out[:300], err))
            rc, out2, err = art(env, "logs", "--lane", LANE)
            check(rc == 0 and sorted(lines(out2)) == sorted(got + [C + " c start"]),
                  "--lane: every attempt: %r %r" % (out2[:300], err))
            rc, out, err = art(env, "logs", "--lane", "no-such-lane")
            check(rc == 1 and err.count("\n") == 1, "an empty lane: one line, exit 1: %r" % err)
            # on a terminal: a colour per run, the log itself sanitised
            rc, out, err = art(env, "logs", A, B, tty=True)
            check(rc == 0 and ("\x1b[31m%s\x1b[0m " % A) in out and ("\x1b[32m%s\x1b[0m " % B) in out,
                  "colours on a terminal: %r %r" % (out[:200], err))
            rc, out, err = art(dict(env, NO_COLOR="1"), "logs", A, B, tty=True)
            check(rc == 0 and "\x1b" not in out and (A + " " + A_LINES[0]) in out, "NO_COLOR: %r" % out[:200])
            rc, out, err = art(env, "--no-color", "logs", A, B, tty=True)
            check(rc == 0 and "\x1b" not in out, "--no-color: %r" % out[:200])

            # ---- offline: the history cache sync filled
            rc, out, err = art(env, "sync", "--quiet")
            check(rc == 0, "sync: %d %s" % (rc, err))
            rc, out, err = art(env, "--offline", "logs", A)
            check(rc == 0 and out == A_TEXT, "offline logs A: %r %r" % (out[:200], err))
            rc, out, err = art(env, "--offline", "logs", A, "--tail", "3")
            check(rc == 0 and lines(out) == A_LINES[-3:], "offline --tail 3: %r %r" % (out, err))
            rc, out, err = art(env, "--offline", "logs", A, "--since", "2026-03-01T10:00:05Z")
            check(rc == 0 and lines(out) == A_LINES[5:], "offline --since TIME: %r %r" % (out, err))
            rc, out, err = art(env, "--offline", "logs", A, "--since", "1h")
            check(rc == 0 and out == "", "offline --since 1h: nothing that recent: %r" % out)
            rc, out, err = art(env, "--offline", "logs", A, "--timestamps", "--tail", "1")
            check(rc == 0 and lines(out) == ["2026-03-01T10:00:09Z " + A_LINES[9]],
                  "offline --timestamps: the line's own time: %r %r" % (out, err))
            rc, out, err = art(env, "--offline", "logs", A, "--tail", "4", "--exclude", "line 8")
            check(rc == 0 and lines(out) == [A_LINES[6], A_LINES[7], A_LINES[9]], "offline --tail --exclude: %r" % out)

            # ---- follow two runs, interleaved, through a drop
            follow_interleaved(api, env)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if fails:
        print("%d failed" % len(fails))
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
