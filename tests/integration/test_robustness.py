#!/usr/bin/env python3
"""Robustness sweep, the way BENCHMARKS.md "Robustness" checks artriage from
outside: a deliberately broken API endpoint (tests/kubeapi/server.py's
body=/stall/repeat/truncate/close-after faults), garbage kubeconfigs and
exec plugins, and hostile classifier inputs. Every command that talks to
the API runs against every broken mode and must:

  - exit within 10 s, by itself, without a signal or a sanitizer report;
  - exit 0 with sane output (JSON that parses; text without raw control
    bytes: ESC, C1, bare CR, NUL, BEL ...), or exit 1 with exactly ONE line
    "artriage: ..." on stderr that names where the problem came from (the
    API server, the context, the run, or the file).

`sync --watch` and `logs -f` against a garbage / never-ending watch or
follow stream must keep running without crashing and stop promptly on
SIGINT. Commands run in parallel (one test server per worker, its faults
set per job). The transport modes are run by test_robustness_transport.py,
garbage kubeconfigs and classifier inputs by test_robustness_inputs.py
(same code, other parts)."""

import concurrent.futures
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.environ["ARTRIAGE_SRC"], "tests", "lib"))
from checks import SRC, BIN, FAILS, check  # noqa: E402
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kubeapi import KubeAPI  # noqa: E402
import scenarios as sc  # noqa: E402



def sanitized_build():
    try:
        with open(os.path.join(os.environ.get("ARTRIAGE_BUILD", ""), "CMakeCache.txt")) as f:
            return "ARTRIAGE_SANITIZE:BOOL=ON" in f.read()
    except OSError:
        return False


# Every command must end within 10 s (the client gives a silent server 5 s).
# Under ASan+UBSan on two loaded cores the same work takes several times as
# long (a 20 MiB Status, the leak check at exit), so there the limit only
# tells a hang from slowness; the slowest command is printed either way.
CONTRACT_S = 10.0
LIMIT_S = CONTRACT_S * (3 if sanitized_build() else 1)
SLOWEST = [0.0, ""]
SLOWEST_LOCK = threading.Lock()
RUN = sc.LANE + "e"
POD = RUN + "-job-7kq2x"
G = "/apis/agents.proompteng.ai/v1alpha1"
MiB = 1 << 20



# ---- output checks

def control_bytes(data):
    """Raw terminal control bytes in data (TAB and LF are fine)."""
    bad = []
    for i, b in enumerate(data):
        if b in (9, 10):
            continue
        if b == 13 and data[i + 1:i + 2] == b"\n":
            continue
        if b < 32 or b == 127:
            bad.append("0x%02x at %d" % (b, i))
        elif b == 0xC2 and i + 1 < len(data) and 0x80 <= data[i + 1] <= 0x9F:
            bad.append("C1 0x%02x at %d" % (data[i + 1], i))
        if len(bad) >= 3:
            break
    return bad


SANITIZER = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
             "UndefinedBehaviorSanitizer", "SUMMARY: ")


def run_cmd(args, env, cwd=None, stdin=None, limit=LIMIT_S):
    """(rc or None on hang, stdout, stderr bytes, seconds)."""
    t0 = time.monotonic()
    p = subprocess.Popen([BIN] + args, env=env, cwd=cwd, stdin=subprocess.PIPE if stdin is not None
                         else subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, err = p.communicate(stdin, timeout=limit)
        rc = p.returncode
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        rc = None
    secs = time.monotonic() - t0
    with SLOWEST_LOCK:
        if secs > SLOWEST[0]:
            SLOWEST[:] = [secs, " ".join(a[:40] for a in args)]
    return rc, out, err, secs


def judge(label, args, rc, out, err, secs, where, json_out=False, raw_ok=False, ok_rcs=(0, 1)):
    """The contract for one finished command. where: substrings of which the
    error line must name at least one."""
    name = "%s: artriage %s" % (label, " ".join(a if len(a) < 80 else a[:60] + "..." for a in args))
    text = err.decode("utf-8", "replace")
    if not check(rc is not None, "%s: still running after %.0f s (hang)" % (name, LIMIT_S)):
        return
    check(rc >= 0, "%s: killed by signal %d; stderr %r" % (name, -rc, text[-600:]))
    check(not any(s in text for s in SANITIZER), "%s: sanitizer report: %s" % (name, text[-1500:]))
    check(rc in ok_rcs, "%s: exit %d, want one of %s; stderr %r" % (name, rc, ok_rcs, text[-600:]))
    bad = control_bytes(err)
    check(not bad, "%s: raw control bytes on stderr (%s): %r" % (name, ", ".join(bad), text[:300]))
    if rc == 1:
        lines = err.split(b"\n")
        one = len(lines) == 2 and lines[1] == b""
        check(one, "%s: exit 1 needs exactly one stderr line, got %d: %r"
              % (name, len(lines) - 1, text[:600]))
        first = lines[0].decode("utf-8", "replace")
        check(first.startswith("artriage: "), "%s: error line lacks 'artriage: ': %r" % (name, first[:300]))
        check(len(first) <= 1024, "%s: error line of %d chars" % (name, len(first)))
        check(any(w in first for w in where),
              "%s: error line names none of %s: %r" % (name, where, first[:300]))
    elif rc == 0:
        if json_out:
            try:
                json.loads(out)
            except ValueError as ex:
                check(False, "%s: -o json output does not parse (%s): %r" % (name, ex, out[:300]))
        if not raw_ok:
            bad = control_bytes(out)
            check(not bad, "%s: raw control bytes on stdout (%s): %r" % (name, ", ".join(bad), out[:300]))


# ---- broken bodies

def dumps(o):
    return json.dumps(o).encode()


def run_item(name=RUN, **over):
    o = {"apiVersion": "agents.proompteng.ai/v1alpha1", "kind": "AgentRun",
         "metadata": {"name": name, "namespace": "agents", "uid": "u-" + name,
                      "creationTimestamp": "2026-02-25T09:00:00Z",
                      "labels": {"app": "x"}, "annotations": {"a": "b"}},
         "spec": {"agentRef": {"name": "codex-agent"}, "runtime": {"type": "job"},
                  "parameters": {"repository": "proompteng/lab", "head": "codex/x"}},
         "status": {"phase": "Failed", "startedAt": "2026-02-25T09:00:01Z",
                    "finishedAt": "2026-02-25T09:05:00Z",
                    "conditions": [{"type": "Failed", "status": "True", "reason": "RunnerFailed",
                                    "message": "m"}]}}
    for path, val in over.items():
        cur = o
        keys = path.split("__")
        for k in keys[:-1]:
            cur = cur[k]
        cur[keys[-1]] = val
    return o


def pod_item(**over):
    o = {"apiVersion": "v1", "kind": "Pod",
         "metadata": {"name": POD, "namespace": "agents",
                      "labels": {"agents.proompteng.ai/agent-run": RUN}},
         "spec": {"containers": [{"name": "agent-runner", "image": "img:1"}]},
         "status": {"phase": "Failed", "containerStatuses": [
             {"name": "agent-runner", "image": "img:1", "imageID": "img@sha256:" + "a" * 64,
              "restartCount": 0, "state": {"terminated": {"exitCode": 1, "reason": "Error"}}}]}}
    for path, val in over.items():
        cur = o
        keys = path.split("__")
        for k in keys[:-1]:
            cur = cur[k]
        cur[keys[-1]] = val
    return o


def lst(kind, items, **extra):
    o = {"apiVersion": "v1", "kind": kind, "metadata": {"resourceVersion": "7"}, "items": items}
    o.update(extra)
    return dumps(o)


def variants(make, pairs):
    """One item per (field, value): each wrong type in its own item."""
    return [make(**{k: v}) for k, v in pairs]


BAD = [5, -1.5, [], [1, "x"], None, "s", True, {"x": 1}]


def wrong_runs(fields):
    items = []
    for f in fields:
        for i, v in enumerate(BAD):
            it = run_item(name="%s-%s-%d" % (RUN, f.replace("__", "-"), i), **{f: v})
            items.append(it)
    return items


def deep(n):
    return b"[" * n + b"1" + b"]" * n


ESC_TEXT = "\x1b]0;pwned\x07\x1b[2J\x1b]52;c;cGF5bG9hZA==\x07\x9b31m\r\x00bell\x07\x1bP+q\x1b\\"


def modes():
    """name -> {target: bytes or None, 'spec': extra fault items, 'targets': [...]}"""
    m = {}
    html = (b"<!DOCTYPE html><html><head><title>500 Internal Server Error</title></head>"
            b"<body><h1>Internal Server Error</h1>\x1b]0;html\x07<p>nginx</p></body></html>\n")
    invalid = b'{"apiVersion": "v1", "kind": "List", "items": [{"metadata": {"name": "x",}}, ]]\xff\xfe'
    m["invalid-json"] = dict(runs=invalid, run=invalid, pods=invalid, log=None)
    m["types-metadata"] = dict(
        runs=lst("AgentRunList", wrong_runs(["metadata", "metadata__name", "metadata__namespace",
                                             "metadata__creationTimestamp", "metadata__uid"])),
        run=dumps(run_item(metadata={"name": 5, "namespace": [], "uid": None})),
        pods=lst("PodList", variants(pod_item, [("metadata", 5), ("metadata__name", []),
                                                ("metadata__labels", None), ("metadata__namespace", 7)])))
    m["types-status"] = dict(
        runs=lst("AgentRunList", wrong_runs(["status", "status__phase", "status__startedAt",
                                             "status__finishedAt", "spec", "spec__parameters",
                                             "spec__agentRef"])),
        run=dumps(run_item(status=[1, 2], spec="x")),
        pods=lst("PodList", variants(pod_item, [("status", 5), ("status__containerStatuses", {"a": 1}),
                                                ("status__phase", []), ("spec", None),
                                                ("spec__containers", "x")])))
    m["types-conditions"] = dict(
        runs=lst("AgentRunList", wrong_runs(["status__conditions"]) + [
            run_item(name=RUN + "-c", status__conditions=[5, None, "x", [], {"type": 5, "status": [],
                                                                           "reason": {}, "message": 7}])]),
        run=dumps(run_item(status__conditions={"type": "Failed"})),
        pods=lst("PodList", [pod_item(status__containerStatuses=[
            5, None, [], {"name": 5, "state": [], "restartCount": "x", "image": {}},
            {"name": "agent-runner", "state": {"terminated": {"exitCode": "1", "reason": 5}},
             "lastState": 7, "restartCount": 1e300, "imageID": []}])]))
    m["types-labels"] = dict(
        runs=lst("AgentRunList", wrong_runs(["metadata__labels", "metadata__annotations"]) + [
            run_item(name=RUN + "-l", metadata__labels={"agents.proompteng.ai/lane": 5, "x": None,
                                                         "y": [], "z": {}})]),
        run=dumps(run_item(metadata__labels=[1, 2], metadata__annotations=7)),
        pods=lst("PodList", [pod_item(metadata__labels={"agents.proompteng.ai/agent-run": 5}),
                             pod_item(metadata__labels=["x"])]))
    m["types-list"] = dict(
        runs=b'{"kind": 5, "apiVersion": [], "metadata": {"resourceVersion": 9, "continue": []}, "items": null}',
        run=b'[1, 2, 3]', pods=b'{"kind": "PodList", "metadata": 5, "items": [1, "x", null, []]}')
    m["items-object"] = dict(
        runs=b'{"kind": "AgentRunList", "metadata": {}, "items": ' + dumps(run_item()) + b'}',
        run=b'"just a string"', pods=b'{"kind": "PodList", "items": ' + dumps(pod_item()) + b'}')
    big = "x" * (20 * MiB)
    m["huge-string"] = dict(
        runs=lst("AgentRunList", [run_item(status__conditions=[{"type": "Failed", "status": "True",
                                                                 "message": big}],
                                           metadata__labels={"agents.proompteng.ai/lane": big[:MiB]})]),
        run=dumps(run_item(status__message=big)),
        pods=lst("PodList", [pod_item(spec__containers=[{"name": "agent-runner", "image": big}])]),
        log=(b"y" * (20 * MiB)) + b"\n")
    m["deep-nesting"] = dict(
        runs=b'{"kind": "AgentRunList", "items": [{"metadata": {"name": "d"}, "status": ' + deep(100000)
        + b'}]}',
        run=deep(100000), pods=b'{"kind": "PodList", "items": ' + deep(100000) + b'}',
        log=deep(100000))
    m["html-500"] = dict(runs=html, run=html, pods=html, log=html, spec="status=500&ctype=text/html",
                         also_all=True)
    m["html-200"] = dict(runs=html, run=html, pods=html, log=None, spec="ctype=text/html")
    m["empty-200"] = dict(runs=b"", run=b"", pods=b"", log=b"", also_all=True)
    m["nul-escaped"] = dict(
        runs=lst("AgentRunList", [run_item(name=RUN + "\u0000x", status__phase="Fai\u0000led",
                                           metadata__labels={"a\u0000": "b\u0000"}),
                                  run_item(status__conditions=[{"type": "Failed", "status": "True",
                                                                "message": "a\u0000b"}])]),
        run=dumps(run_item(status__phase="Fa\u0000iled", status__message="\u0000" * 100)),
        pods=lst("PodList", [pod_item(spec__containers=[{"name": "agent\u0000runner", "image": "i\u0000"}])]))
    raw_nul = dumps(run_item()).replace(b'"Failed"', b'"Fa\x00iled"').replace(b'"codex/x"', b'"co\x00\x00dex"')
    m["nul-raw"] = dict(
        runs=b'{"kind": "AgentRunList", "items": [' + raw_nul + b']}\x00\x00',
        run=raw_nul, pods=b'{"kind":"PodList","items":[\x00]}',
        log=b"start\n" + b"\x00" * 4096 + b"\nExecutable not found in $PATH: \"x\x00y\"\n\x00")
    m["truncated"] = dict(runs=None, run=None, pods=None, log=None, spec="truncate", real=True)
    m["cut-connection"] = dict(runs=None, run=None, pods=None, log=None, spec="close-after=200", real=True)
    status = dumps({"kind": "Status", "apiVersion": "v1", "status": "Failure", "code": 500,
                    "reason": "InternalError" + ESC_TEXT,
                    "message": ESC_TEXT + "\n" + "m" * (20 * MiB) + "\nsecond line",
                    "details": {"name": [], "causes": 5}})
    m["huge-status"] = dict(runs=status, run=status, pods=status, log=status, spec="status=500")
    status403 = dumps({"kind": "Status", "code": "403", "message": {"x": 1}, "reason": 5})
    m["status-wrong-types"] = dict(runs=status403, run=status403, pods=status403, log=status403,
                                   spec="status=403")
    m["stall"] = dict(runs=b"", run=b"", pods=b"", log=b"", spec="stall")
    m["endless"] = dict(runs=b"garbage " * 8192, run=b"garbage " * 8192, pods=b"[" * 65536,
                        log=b"endless log line\n" * 4096, spec="repeat")
    esc_runs = [run_item(name=RUN, status__phase="Failed" + ESC_TEXT,
                         status__conditions=[{"type": "Failed", "status": "True",
                                              "reason": "R" + ESC_TEXT, "message": ESC_TEXT * 3}],
                         metadata__labels={"agents.proompteng.ai/lane": ESC_TEXT},
                         spec__parameters={"repository": ESC_TEXT, "head": "codex/" + ESC_TEXT})]
    m["escape-sequences"] = dict(
        runs=lst("AgentRunList", esc_runs), run=dumps(esc_runs[0]),
        pods=lst("PodList", [pod_item(spec__containers=[{"name": "agent-runner", "image": ESC_TEXT}],
                                      status__containerStatuses=[{
                                          "name": "agent-runner", "image": ESC_TEXT, "imageID": ESC_TEXT,
                                          "state": {"terminated": {"exitCode": 1, "reason": ESC_TEXT,
                                                                   "message": ESC_TEXT}}}])]),
        log=("\x1b]0;log title\x07\x1b]52;c;Y2xpcA==\x07 fatal: \x1b[31mExecutable not found in $PATH: "
             "\"x\"\r\x1b[2K\x9b2J\n").encode() * 50)
    m["absurd-values"] = dict(
        runs=lst("AgentRunList", [run_item(metadata__creationTimestamp="99999-99-99T99:99:99Z",
                                           status__startedAt="0000-00-00T00:00:00Z",
                                           status__finishedAt="2026-02-25T09:00:00.9999999999999999Z",
                                           metadata__resourceVersion="9" * 400),
                                  run_item(name="../../etc/passwd", metadata__namespace="../x"),
                                  run_item(name="x" * 70000)],
                 metadata={"resourceVersion": "1" * 5000, "continue": "c" * 70000,
                           "remainingItemCount": -5}),
        run=dumps(run_item(metadata__name="other-name", metadata__namespace="elsewhere")),
        pods=lst("PodList", [pod_item(status__containerStatuses=[{
            "name": "agent-runner", "restartCount": -9223372036854775808,
            "state": {"terminated": {"exitCode": 9223372036854775807, "startedAt": "yesterday",
                                     "finishedAt": "-1"}}}])]))
    model = {"types-metadata", "types-status", "types-conditions", "types-labels", "types-list",
             "items-object", "huge-string", "nul-escaped", "nul-raw", "escape-sequences", "absurd-values"}
    for name, mode in m.items():
        mode["kind"] = "model" if name in model else "transport"
    # one stalled log must not cost a sync one wait per log
    m["stall"]["sync_targets"] = ["log"]
    m["huge-string"]["sync_targets"] = ["log"]
    # Heavy modes (tens of MiB per command, seconds of CPU under ASan) run
    # fewer commands. sync stores, rereads and classifies a 20 MiB run
    # several times: ~7 s of CPU under ASan (~2.5 s Release), too close to
    # the limit on a loaded machine, so it is left out there.
    m["huge-string"]["heavy"] = True
    m["endless"]["heavy"] = True
    return m


# ---- commands and where they are pointed
#
# "model" modes parse as JSON and reach the model, the tables and the JSON
# writers: every command runs. "transport" modes fail in the client (not
# JSON, a Status, a cut or a stall): a few commands show that the failure
# comes out as one line.

JSON = {"json": True}
RAW = {"raw": True}
# Each invocation costs 0.2-0.5 s of CPU under ASan (the rule set is
# compiled each time), so each (mode, target) runs a core set plus one
# command of a rotating pool: over the modes every command meets every kind
# of breakage. ARTRIAGE_ROBUST_FULL=1 runs the whole pool everywhere.
FULL = bool(os.environ.get("ARTRIAGE_ROBUST_FULL"))
CMDS = {
    ("runs", "model"): [(["list", "-o", "json"], JSON), (["sync"], {})],
    ("pods", "model"): [],
    ("log", "model"): [(["logs", RUN], RAW), (["classify", "--run", RUN], {})],
    ("runs", "transport"): [],
    ("pods", "transport"): [],
    ("log", "transport"): [],
    ("all", "transport"): [(["list", "-o", "json"], JSON)],
}
POOL = {
    ("runs", "model"): [(["show", RUN], {}), (["list", "-A"], {}), (["show", RUN, "-o", "json"], JSON),
                        (["classify", "--run", RUN, "-o", "json"], JSON), (["rerun", RUN, "--dry-run"], {}),
                        (["logs", RUN, "--sanitize"], {}), (["timeline", "-o", "json"], JSON),
                        (["rerun", RUN, "--dry-run", "-o", "json"], JSON), (["timeline"], {})],
    ("pods", "model"): [(["show", RUN], {}), (["sync"], {}), (["list", "-A"], {}), (["logs", RUN, "--sanitize"], {}),
                        (["classify", "--run", RUN, "-o", "json"], JSON)],
    ("runs", "transport"): [(["list", "-o", "json"], JSON), (["show", RUN], {}), (["sync"], {}),
                            (["list", "-A"], {}), (["rerun", RUN, "--dry-run"], {}),
                            (["classify", "--run", RUN], {})],
    ("log", "transport"): [(["logs", RUN], RAW), (["classify", "--run", RUN], {}), (["show", RUN], {}),
                           (["sync"], {}), (["logs", RUN, "--sanitize"], {})],
    ("pods", "transport"): [(["show", RUN], {}), (["list", "-A"], {}), (["sync"], {}),
                            (["logs", RUN], RAW)],
}
HEAVY = {"runs": [(["list", "-o", "json"], JSON)], "pods": [(["show", RUN], {})], "log": [(["logs", RUN], RAW)]}


def fault_rules(target, mode, files):
    spec = mode.get("spec", "")

    def rule(method, path, key):
        items = [spec] if spec else []
        if not mode.get("real"):
            items.append("body=" + files[key])
        return ["%s %s:%s:*" % (method, path, "&".join(items))]

    if target == "runs":
        return rule("*", G + "/", "runs") + rule("*", G + "/namespaces/agents/agentruns/", "run")
    if target == "pods":
        return rule("GET", "/api/v1/pods", "pods") + rule("GET", "/api/v1/namespaces/agents/pods", "pods")
    if target == "log":
        return rule("GET", "/api/v1/namespaces/agents/pods/%s/log" % POD, "log")
    if target == "all":
        return rule("*", "/", "runs")
    raise ValueError(target)


SERVERS = []
SERVERS_LOCK = threading.Lock()
LOCAL = threading.local()


def server(seed_dir):
    """One test server per worker thread; each job sets its own faults."""
    api = getattr(LOCAL, "api", None)
    if api is None:
        api = KubeAPI(seed_dir).start()
        with SERVERS_LOCK:
            SERVERS.append(api)
        LOCAL.api = api
    return api


def api_job(tmp, seed_dir, mode_name, mode, target, cmds):
    d = tempfile.mkdtemp(prefix="%s.%s." % (mode_name, target), dir=tmp)
    files = {}
    for key in ("runs", "run", "pods", "log"):
        body = mode.get(key)
        if body is not None:
            files[key] = os.path.join(d, key + ".body")
            with open(files[key], "wb") as f:
                f.write(body)
    home = os.path.join(d, "home")
    os.makedirs(home)
    api = server(seed_dir)
    api.op({"op": "clear-faults"})
    for r in fault_rules(target, mode, files):
        api.op({"op": "fault", "rule": r})
    env = api.env(home=home)
    env["XDG_CACHE_HOME"] = os.path.join(home, ".cache")
    env.pop("GITHUB_TOKEN", None)
    where = ["127.0.0.1:%d" % api.port, "kubeapi", RUN, "agents/", 'namespace "agents"']
    for args, how in cmds:
        rc, out, err, secs = run_cmd(args, env)
        judge("%s/%s" % (mode_name, target), args, rc, out, err, secs, where,
              json_out=how.get("json", False), raw_ok=how.get("raw", False))
    api.op({"op": "clear-faults"})
    shutil.rmtree(d, ignore_errors=True)


def stream_job(tmp, seed_dir, name, rule, args, body):
    """A long-running command against a garbage or endless stream: alive
    after 2 s (no crash), then gone within a few seconds of SIGINT."""
    d = os.path.join(tmp, "stream." + name)
    os.makedirs(d)
    bf = os.path.join(d, "body")
    with open(bf, "wb") as f:
        f.write(body)
    home = os.path.join(d, "home")
    os.makedirs(home)
    with KubeAPI(seed_dir, "--fault-first", rule.replace("BODY", bf)) as api:
        env = api.env(home=home)
        env["XDG_CACHE_HOME"] = os.path.join(home, ".cache")
        env.pop("GITHUB_TOKEN", None)
        p = subprocess.Popen([BIN] + args, env=env, stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        box = {}

        def drain():
            box["out"], box["err"] = p.communicate()

        t = threading.Thread(target=drain)
        t.start()
        time.sleep(1.5)
        label = "stream %s: artriage %s" % (name, " ".join(args))
        alive = p.poll() is None
        if not alive:
            t.join()
            judge("stream " + name, args, p.returncode, box["out"], box["err"], 2.5,
                  ["127.0.0.1:%d" % api.port, "kubeapi", RUN, "agents/"])
        else:
            p.send_signal(signal.SIGINT)
            t.join(LIMIT_S)
            if not check(not t.is_alive(), "%s: still running %.0f s after SIGINT" % (label, LIMIT_S)):
                p.kill()
                t.join()
            err = box.get("err", b"").decode("utf-8", "replace")
            check(p.returncode in (0, 1, 130, -signal.SIGINT),
                  "%s: exit %s after SIGINT; stderr %r" % (label, p.returncode, err[-600:]))
            check(not any(s in err for s in SANITIZER), "%s: sanitizer report: %s" % (label, err[-1500:]))
            if "--sanitize" in args or args[0] == "sync":
                bad = control_bytes(box.get("out", b""))
                check(not bad, "%s: raw control bytes on stdout (%s)" % (label, ", ".join(bad)))
    shutil.rmtree(d, ignore_errors=True)


def stream_jobs():
    watch = G + "/namespaces/agents/agentruns?watch=true"
    watch_all = G + "/agentruns?watch=true"
    follow = "/api/v1/namespaces/agents/pods/%s/log?follow=true" % POD
    garbage = b"not json at all \x1b]0;t\x07\n{\"type\": 5, \"object\": []}\n{\"type\":\"ADDED\"}\n[[[[\n"
    out = []
    out.append(("watch-garbage", "GET %s:body=BODY&repeat:*" % watch, ["sync", "--watch"], garbage))
    out.append(("watch-endless", "GET %s:stall:*" % watch, ["sync", "--watch"], b""))
    out.append(("watch-html-all", "GET %s:body=BODY&status=500&ctype=text/html:*" % watch_all,
                ["sync", "--watch", "-A"], b"<html>500</html>"))
    out.append(("follow-garbage", "GET %s:body=BODY&repeat:*" % follow, ["logs", RUN, "-f", "--sanitize"],
                b"\x1b]0;t\x07\x00\xff\xfe line \r\x9b\n"))
    return out


# ---- garbage kubeconfigs

def kubeconfig_cases(d):
    rnd = random.Random(1234)
    cases = []

    def add(name, content=None, path=None, mode=0o600):
        p = path or os.path.join(d, name + ".yaml")
        if content is not None:
            with open(p, "wb") as f:
                f.write(content if isinstance(content, bytes) else content.encode())
            os.chmod(p, mode)
        cases.append((name, p))

    def kc(cluster="  server: http://127.0.0.1:1\n", user="  token: t\n", extra=""):
        return ("apiVersion: v1\nkind: Config\ncurrent-context: c\n"
                "clusters:\n- name: k\n  cluster:\n" + "\n".join("  " + ln for ln in cluster.splitlines())
                + "\nusers:\n- name: u\n  user:\n" + "\n".join("  " + ln for ln in user.splitlines())
                + "\ncontexts:\n- name: c\n  context:\n    cluster: k\n    user: u\n    namespace: agents\n"
                + extra)

    add("random-bytes", rnd.randbytes(8192))
    add("empty", b"")
    add("nul-only", b"\x00" * 65536)
    add("invalid-utf8", b"apiVersion: v1\nkind: Config\ncurrent-context: \xff\xfe\xc0\x80\nclusters: []\n")
    lol = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 12):
        lol.append("a%d: &a%d [%s]" % (i, i, ", ".join(["*a%d" % (i - 1)] * 9)))
    add("yaml-bomb", "\n".join(lol) + "\nclusters: *a11\ncurrent-context: *a11\n")
    add("yaml-alias-loop", "clusters: &c\n- name: k\n  cluster: *c\ncurrent-context: k\n")
    add("deep-flow", "clusters: " + "[" * 100000 + "]" * 100000 + "\n")
    add("deep-block", "clusters:\n" + "".join(" " * i + "- \n" for i in range(0, 6000, 2)))
    add("huge-server", kc(cluster="  server: http://" + "a" * (20 * MiB) + "\n"))
    add("huge-token", kc(user="  token: " + "t" * (20 * MiB) + "\n"))
    add("huge-names", "current-context: " + "c" * (4 * MiB) + "\n")
    add("wrong-types-top", "apiVersion: 5\nkind: [1]\ncurrent-context: [a, b]\nclusters: 5\n"
        "users: {a: 1}\ncontexts: hello\npreferences: []\n")
    add("wrong-types-entries", "current-context: c\nclusters: [5, null, [], {name: 7, cluster: x},\n"
        "  {name: k, cluster: {server: [1], certificate-authority-data: 5, insecure-skip-tls-verify: x}}]\n"
        "users: [null, {name: u, user: [1]}, {name: [], user: {token: {a: b}, exec: 5}}]\n"
        "contexts: [{name: c, context: {cluster: 5, user: [], namespace: {x: 1}}}]\n")
    add("wrong-types-exec", kc(user="  exec:\n    command: [1, 2]\n    args: 5\n    env: [{name: 5}, x]\n"
                                    "    apiVersion: 7\n    interactiveMode: []\n"))
    add("missing-ca-file", kc(cluster="  server: https://127.0.0.1:1\n"
                                      "  certificate-authority: /nonexistent/artriage/ca.crt\n"))
    add("missing-client-cert", kc(user="  client-certificate: /nonexistent/cert.pem\n"
                                       "  client-key: /nonexistent/key.pem\n"))
    add("garbage-ca-data", kc(cluster="  server: https://127.0.0.1:1\n"
                                      "  certificate-authority-data: '!!!not base64\x1b]0;x\x07'\n"))
    add("missing-token-file", kc(user="  tokenFile: /nonexistent/token\n"))
    add("server-garbage", kc(cluster="  server: \"\\e]0;pwn\\a://[::1\"\n"))
    add("server-ftp", kc(cluster="  server: ftp://127.0.0.1:1/x\n"))
    add("no-such-context", kc().replace("current-context: c", "current-context: nope"))
    add("yaml-tags", "--- !!python/object:os.system\nclusters: !!binary AAAA\ncurrent-context: !<tag:x> c\n"
        "---\nsecond: document\n")
    add("tabs-and-junk", "clusters:\n\t- name: k\n  : : :\n- - - ]]]\n")
    add("dev-zero", path="/dev/zero")
    add("directory", path=d)
    add("missing-file", path=os.path.join(d, "does-not-exist"))
    # exec plugins
    hang = os.path.join(d, "plugin-hang.sh")
    with open(hang, "w") as f:
        f.write("#!/bin/sh\nexec sleep 1000\n")
    garbage = os.path.join(d, "plugin-garbage.sh")
    with open(garbage, "w") as f:
        f.write("#!/bin/sh\nprintf '\\033]0;pwned\\007\\033]52;c;eA==\\007garbage{{{\\000\\377'\n"
                "printf 'err \\033[2J\\033]0;t\\007\\n' >&2\nexit 0\n")
    flood = os.path.join(d, "plugin-flood.sh")
    with open(flood, "w") as f:
        f.write("#!/bin/sh\nexec yes 'flood flood flood'\n")
    fail = os.path.join(d, "plugin-fail.sh")
    with open(fail, "w") as f:
        f.write("#!/bin/sh\nprintf 'bad \\033]0;title\\007 thing\\r\\n' >&2\nexit 3\n")
    wrong = os.path.join(d, "plugin-wrong-json.sh")
    with open(wrong, "w") as f:
        f.write("#!/bin/sh\necho '{\"kind\": \"ExecCredential\", \"apiVersion\": "
                "\"client.authentication.k8s.io/v1\", \"status\": {\"token\": 5, "
                "\"expirationTimestamp\": []}}'\n")
    for p in (hang, garbage, flood, fail, wrong):
        os.chmod(p, 0o755)
    for name, p in (("exec-hang", hang), ("exec-garbage", garbage), ("exec-flood", flood),
                    ("exec-fail", fail), ("exec-wrong-json", wrong)):
        # https: over plain http the plugin would never run (credentials go over TLS only)
        add(name, kc(cluster="  server: https://127.0.0.1:1\n",
                     user="  exec:\n    apiVersion: client.authentication.k8s.io/v1\n    command: %s\n"
                          "    interactiveMode: Never\n" % p))
    return cases


def kubeconfig_job(tmp, name, path, turn):
    home = os.path.join(tmp, "kc-home." + name)
    os.makedirs(home)
    env = dict(os.environ)
    env["HOME"] = home
    env["XDG_CACHE_HOME"] = os.path.join(home, ".cache")
    env.pop("KUBECONFIG", None)
    env.pop("KUBERNETES_SERVICE_HOST", None)
    env.pop("GITHUB_TOKEN", None)
    # the file, or the context it resolved to
    where = [path, "context 'c'"]
    if turn % 2 == 0 or FULL:
        args = ["--kubeconfig", path, "list", "-o", "json"]
        rc, out, err, secs = run_cmd(args, env)
        judge("kubeconfig " + name, args, rc, out, err, secs, where, json_out=True)
    if turn % 2 == 1 or FULL:
        e2 = dict(env)
        e2["KUBECONFIG"] = path + ":" + path
        args = ["sync"] if turn % 4 == 1 else ["show", RUN]
        rc, out, err, secs = run_cmd(args, e2)
        judge("KUBECONFIG=%s twice" % name, args, rc, out, err, secs, where)
    shutil.rmtree(home, ignore_errors=True)


# ---- classifier inputs

def classify_cases(d):
    rnd = random.Random(99)
    cases = {
        "random-bytes": rnd.randbytes(2 * MiB),
        "line-8mib": b"fatal: " + b"q" * (8 * MiB) + b"\n",
        "line-8mib-no-newline": b"Executable not found in $PATH: " + b"z" * (8 * MiB),
        "nul-only": b"\x00" * MiB,
        "invalid-utf8": b"\xff\xfe\xc0\x80\xed\xa0\x80 error: \xf8\x88\x80\x80\x80\n" * 20000,
        "escapes-1mib": (b"\x1b]0;pwned\x07\x1b[31m\x1b[2J\x1b]52;c;eA==\x07\x9b1m\r\x1bP$q\x1b\\"
                         b"Cannot find module 'x'\x1b[0m\n") * (MiB // 80),
        "empty": b"",
        "only-newlines": b"\n" * MiB,
        "cr-only": b"\r" * MiB,
    }
    out = []
    for name, data in cases.items():
        p = os.path.join(d, "classify." + name + ".log")
        with open(p, "wb") as f:
            f.write(data)
        out.append((name, p))
    return out


def classify_job(tmp, name, path):
    env = dict(os.environ)
    home = os.path.join(tmp, "cl-home." + name)
    os.makedirs(home)
    env["HOME"] = home
    env["XDG_CACHE_HOME"] = os.path.join(home, ".cache")
    where = [path, os.path.basename(path), "stdin"]
    args = ["classify", path] + (["--explain"] if name in ("random-bytes", "escapes-1mib") else [])
    rc, out, err, secs = run_cmd(args, env)
    judge("classify " + name, args, rc, out, err, secs, where)
    with open(path, "rb") as f:
        data = f.read()
    args = ["classify", "-", "-o", "json", "--outcome", "failed"]
    rc, out, err, secs = run_cmd(args, env, stdin=data)
    judge("classify stdin " + name, args, rc, out, err, secs, where, json_out=True)
    shutil.rmtree(home, ignore_errors=True)


def main(part="model"):
    """part "model": endpoint modes that parse as JSON, and the streams (this
    file); "transport": modes that fail in the client
    (test_robustness_transport.py); "inputs": kubeconfigs and classifier
    inputs (test_robustness_inputs.py). Three ctest tests, each well under a
    minute."""
    t0 = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="artriage-robust.")
    try:
        seed_dir = sc.seed(os.path.join(tmp, "seed"))
        jobs = []
        turn = {}
        for name, mode in (modes() if part in ("model", "transport") else {}).items():
            kind = mode["kind"]
            if kind != part:
                continue
            for target in ("runs", "pods", "log", "all"):
                if target == "all" and not mode.get("also_all"):
                    continue
                if target != "all" and mode.get(target) is None and not mode.get("real"):
                    continue
                cmds = list(CMDS[(target, kind)])
                pool = POOL.get((target, kind))
                if mode.get("heavy"):
                    cmds = HEAVY[target]
                elif pool and FULL:
                    cmds += pool
                elif pool:
                    k = turn.get((target, kind), 0)
                    turn[(target, kind)] = k + 1
                    cmds.append(pool[k % len(pool)])
                if target in mode.get("sync_targets", ()):
                    cmds.append((["sync"], {}))
                jobs.append((api_job, (tmp, seed_dir, name, mode, target, cmds)))
        for name, rule, args, body in (stream_jobs() if part == "model" else []):
            jobs.append((stream_job, (tmp, seed_dir, name + ("-all" if "/agentruns?" in rule and
                                                               "namespaces" not in rule else ""),
                                      rule, args, body)))
        if part == "inputs":
            kd = os.path.join(tmp, "kc")
            os.makedirs(kd)
            for i, (name, path) in enumerate(kubeconfig_cases(kd)):
                jobs.append((kubeconfig_job, (tmp, name, path, i)))
            for name, path in classify_cases(tmp):
                jobs.append((classify_job, (tmp, name, path)))
        only = os.environ.get("ARTRIAGE_TEST_ONLY")  # a substring of the job, for debugging
        if only:
            jobs = [j for j in jobs if only in str(j[1][1:])]
        # the slowest (streams, stalls) first so they overlap the rest
        jobs.sort(key=lambda j: 0 if j[0] is stream_job or "stall" in str(j[1][2:4])
                  or "exec-hang" in str(j[1][1:2]) else 1)
        workers = int(os.environ.get("ARTRIAGE_TEST_JOBS", "3"))
        with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as ex:
            def timed(fn, args):
                t = time.monotonic()
                fn(*args)
                if os.environ.get("ARTRIAGE_TEST_VERBOSE"):
                    print("%6.1f s  %s %s" % (time.monotonic() - t, fn.__name__,
                                              [a for a in args[2:] if isinstance(a, str)][:2]), flush=True)

            futs = [ex.submit(timed, fn, args) for fn, args in jobs]
            for f in futs:
                try:
                    f.result()
                except Exception as e:  # noqa: BLE001 — a broken harness is a failure too
                    check(False, "job raised %s: %s" % (type(e).__name__, e))
    finally:
        for api in SERVERS:
            api.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print("robustness sweep (%s): %d jobs in %.1f s, %d failures; slowest command %.1f s (limit %.0f s): artriage %s"
          % (part, len(jobs), time.monotonic() - t0, len(FAILS), SLOWEST[0], LIMIT_S, SLOWEST[1]))
    if FAILS:
        sys.exit(1)


if __name__ == "__main__":
    main()
