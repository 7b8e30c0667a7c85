#!/usr/bin/env python3
"""artriage rerun against the test API server (tests/kubeapi/server.py) with
its fault injection: --read-only and no-terminal refusals, --dry-run, the
created object compared field by field with the old one, next-after-newest,
a response dropped after creation, a timeout then retry, 403, 422, and a 409
from a run with another key. Each case counts the AgentRuns on the server
before and after: no path may create two runs."""

import json
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.environ["ARTRIAGE_SRC"], "tests", "lib"))
from checks import SRC, BIN, check, verdict  # noqa: E402
from kubeapi import KubeAPI  # noqa: E402
EXAMPLES = os.path.join(SRC, "tests", "data", "examples")
LANE = "torghut-v5-doc12-dspy-adoption-run-20260225"
NS = "agents"
RUNS = "/apis/agents.proompteng.ai/v1alpha1/namespaces/agents/agentruns"
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")



class Server:
    def __init__(self, tmp):
        data = os.path.join(tmp, "data")
        os.makedirs(os.path.join(data, "objects"))
        shutil.copy(os.path.join(EXAMPLES, "agentrunlist.json"),
                    os.path.join(data, "objects", "agentrunlist.json"))
        # A run whose spec the CEL rules refuse: its rerun must get a 422.
        bad = {
            "apiVersion": "agents.proompteng.ai/v1alpha1", "kind": "AgentRun",
            "metadata": {"name": "prompt-run-20260301a", "namespace": NS,
                         "creationTimestamp": "2026-03-01T10:00:00Z"},
            "spec": {"agentRef": {"name": "codex-agent"},
                     "implementationSpecRef": {"name": "x"},
                     "runtime": {"type": "job"},
                     "parameters": {"prompt": "do it", "head": "codex/prompt-run-20260301a"}},
            "status": {"phase": "Failed"},
        }
        with open(os.path.join(data, "objects", "bad.json"), "w") as f:
            json.dump(bad, f)
        self.api = KubeAPI(data).start()
        self.kubeconfig = self.api.kubeconfig

    def get(self, path):
        return self.api.get(path)

    def op(self, op):
        return self.api.op(op)

    def runs(self):
        return {it["metadata"]["name"]: it for it in self.get(RUNS)["items"]}

    def fault(self, rule):
        self.op({"op": "fault", "rule": rule})

    def clear(self):
        self.op({"op": "clear-faults"})
        self.api.clear_requests()

    def posts(self):
        reqs = self.api.requests()
        out = []
        for r in reqs:
            if r.get("method") == "POST" and RUNS in (r.get("path") or ""):
                out.append(r)
        return out

    def stop(self):
        self.api.stop()


def env_for(tmp, extra=None):
    env = dict(os.environ)
    env["HOME"] = tmp
    env["XDG_CACHE_HOME"] = os.path.join(tmp, "cache")
    env.pop("KUBECONFIG", None)
    env["NO_COLOR"] = "1"
    if extra:
        env.update(extra)
    return env


def artriage(srv, tmp, *args, extra_env=None, timeout=60):
    cmd = [BIN, "--kubeconfig", srv.kubeconfig, "--db", os.path.join(tmp, "history.db")] + list(args)
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                       env=env_for(tmp, extra_env), timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def artriage_tty(srv, tmp, args, at_prompt, answer="y\n", extra_env=None, timeout=60):
    """Runs with a terminal on stdin; calls at_prompt() when the y/N question
    shows, then answers. Returns (rc, stdout, stderr)."""
    master, slave = os.openpty()
    cmd = [BIN, "--kubeconfig", srv.kubeconfig, "--db", os.path.join(tmp, "history.db")] + list(args)
    p = subprocess.Popen(cmd, stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=env_for(tmp, extra_env))
    os.close(slave)
    out = b""
    deadline = time.time() + timeout
    while b"[y/N]" not in out and time.time() < deadline and p.poll() is None:
        r, _, _ = select.select([p.stdout], [], [], 0.5)
        if r:
            chunk = os.read(p.stdout.fileno(), 65536)
            if not chunk:
                break
            out += chunk
    prompted = b"[y/N]" in out
    if prompted:
        at_prompt()
        os.write(master, answer.encode())
    try:
        rest, err = p.communicate(timeout=max(1, deadline - time.time()))
    except subprocess.TimeoutExpired:
        p.kill()
        rest, err = p.communicate()
    os.close(master)
    check(prompted, "tty run %s: the y/N question appeared" % args)
    return p.returncode, (out + rest).decode(errors="replace"), err.decode(errors="replace")


def flat(obj, prefix=""):
    """{path: value} of every leaf."""
    out = {}
    if isinstance(obj, dict) and obj:
        for k, v in obj.items():
            out.update(flat(v, prefix + "." + k if prefix else k))
    elif isinstance(obj, list) and obj:
        for i, v in enumerate(obj):
            out.update(flat(v, "%s[%d]" % (prefix, i)))
    else:
        out[prefix] = obj
    return out


def main():
    tmp = tempfile.mkdtemp(prefix="artriage-rerun-")
    srv = Server(tmp)
    try:
        before = srv.runs()

        # --read-only: refused, exit 1, nothing created.
        rc, out, err = artriage(srv, tmp, "--read-only", "rerun", LANE + "e", "--yes")
        check(rc == 1, "--read-only exits 1 (got %d)" % rc)
        check("read-only" in err, "--read-only says why: %r" % err)
        check(srv.runs().keys() == before.keys(), "--read-only created nothing")
        check(not srv.posts(), "--read-only sent no POST")

        # No terminal and no --yes: bad usage, nothing created.
        rc, out, err = artriage(srv, tmp, "rerun", LANE + "e")
        check(rc == 2, "no terminal without --yes exits 2 (got %d, %r)" % (rc, err))
        check(srv.runs().keys() == before.keys(), "no --yes created nothing")

        # --dry-run: the server dry run only.
        srv.clear()
        rc, out, err = artriage(srv, tmp, "rerun", LANE + "e", "--dry-run", "-o", "json")
        check(rc == 0, "--dry-run exits 0 (%r)" % err)
        j = json.loads(out) if rc == 0 else {}
        check(j.get("dryRun") is True, '--dry-run prints "dryRun": true')
        check('"dryRun": true' in out, "--dry-run output has the literal \"dryRun\": true")
        check(j.get("created", {}).get("name") == LANE + "h", "dry run names the next attempt h: %r" % j)
        check(UUID4.match(j.get("created", {}).get("idempotencyKey", "")) is not None, "key is a UUIDv4")
        check(j.get("from", {}).get("name") == LANE + "e", "from.name is the old run")
        check(srv.runs().keys() == before.keys(), "--dry-run created nothing")
        check(len(srv.posts()) == 1, "--dry-run sent exactly one POST (%d)" % len(srv.posts()))

        # A real rerun of e: h, compared field by field with e.
        srv.clear()
        rc, out, err = artriage(srv, tmp, "rerun", LANE + "e", "--yes", "-o", "json")
        check(rc == 0, "rerun --yes exits 0 (%r)" % err)
        j = json.loads(out) if rc == 0 else {}
        check(j.get("dryRun") is False, "dryRun false on a real rerun")
        after = srv.runs()
        new = set(after) - set(before)
        check(new == {LANE + "h"}, "exactly one new run, h: %r" % new)
        if LANE + "h" in after:
            old, nw = before[LANE + "e"], after[LANE + "h"]
            check(j["created"]["uid"] == nw["metadata"]["uid"], "created.uid is the server's uid")
            check(j["created"]["idempotencyKey"] == nw["spec"]["idempotencyKey"], "created key matches")
            check(j["created"]["head"] == "codex/torghut-v5-doc12-dspy-adoption-20260225h",
                  "head is the next attempt's branch: %r" % j["created"].get("head"))
            fo, fn = flat(old["spec"]), flat(nw["spec"])
            differ = {k for k in set(fo) | set(fn) if fo.get(k) != fn.get(k)}
            check(differ == {"idempotencyKey", "parameters.head"},
                  "only the key and the head differ in spec: %r" % differ)
            check(nw["spec"]["parameters"]["head"] == j["created"]["head"], "spec head = created.head")
            check(UUID4.match(nw["spec"]["idempotencyKey"]) is not None, "new key is a UUIDv4")
            ann = nw["metadata"].get("annotations", {})
            check(ann.get("artriage.dev/rerun-of") == NS + "/" + LANE + "e", "rerun-of annotation")
            check(ann.get("artriage.dev/rerun-of-uid") == old["metadata"]["uid"], "rerun-of-uid annotation")
            check("@" in ann.get("artriage.dev/rerun-by", ""), "rerun-by user@host")
            check(nw["metadata"].get("labels") == old["metadata"].get("labels"), "labels kept")
            check(nw["metadata"]["uid"] != old["metadata"]["uid"], "a new uid")
            check(not nw.get("status") or "phase" not in nw.get("status", {}), "no status copied")
            extra_md = set(nw["metadata"]) - {"name", "namespace", "uid", "resourceVersion",
                                                "creationTimestamp", "generation", "labels",
                                                "annotations", "managedFields"}
            check(not extra_md, "no other metadata: %r" % extra_md)
        check(len(srv.posts()) == 2, "dry run + one create (%d POSTs)" % len(srv.posts()))

        # The audit trail: the rerun is on the timeline of the history cache.
        rc, out, err = artriage(srv, tmp, "timeline", "-o", "json")
        check(rc == 0, "timeline exits 0 (%r)" % err)
        ev = json.loads(out).get("events", []) if rc == 0 else []
        reruns = [e for e in ev if e.get("kind") == "rerun"]
        check(any(e.get("run") == LANE + "h" for e in reruns), "timeline shows the rerun to h: %r" % reruns)

        # Next after the newest: a rerun of d (h exists now) is i, not e.
        srv.clear()
        rc, out, err = artriage(srv, tmp, "rerun", NS + "/" + LANE + "d", "--yes", "-o", "json")
        check(rc == 0, "rerun of d exits 0 (%r)" % err)
        j = json.loads(out) if rc == 0 else {}
        check(j.get("created", {}).get("name") == LANE + "i", "rerun of d is named i: %r" % j)
        check(j.get("created", {}).get("head") == "codex/torghut-v5-doc12-dspy-adoption-20260225i",
              "head of i: %r" % j.get("created", {}).get("head"))

        # The response is dropped after the server created the run: the client
        # retries, meets 409 with its own key: success, exactly one run.
        srv.clear()
        count = len(srv.runs())
        rc, out, err = artriage_tty(
            srv, tmp, ["rerun", LANE + "e"],
            lambda: srv.fault("POST %s:drop-after-create:1" % RUNS),
            extra_env={"ARTRIAGE_RERUN_TIMEOUT": "5s"})
        check(rc == 0, "dropped response: exit 0 (%r)" % err)
        check("created run agents/" + LANE + "j" in out, "dropped response: created j: %r" % out[-300:])
        check("confirmed by reading it back" in out, "dropped response: recovered via GET")
        check(len(srv.runs()) == count + 1, "dropped response: exactly one new run")
        real = [p for p in srv.posts() if "dryRun" not in json.dumps(p)]
        check(len(real) == 2, "dropped response: the create was retried once (%d)" % len(real))

        # A slow answer past the deadline, then a retry: one run.
        srv.clear()
        count = len(srv.runs())
        rc, out, err = artriage_tty(
            srv, tmp, ["rerun", LANE + "e"],
            lambda: srv.fault("POST %s:delay=2500:1" % RUNS),
            extra_env={"ARTRIAGE_RERUN_TIMEOUT": "1s"})
        check(rc == 0, "timeout then retry: exit 0 (%r)" % err)
        time.sleep(3)  # let the delayed request finish on the server
        runs = srv.runs()
        check(len(runs) == count + 1, "timeout then retry: exactly one new run (%d -> %d)"
              % (count, len(runs)))
        check(LANE + "k" in runs, "timeout then retry: k exists")

        # 409 from a run with another key under our name (created between the
        # preview and the confirmation): a clear error, nothing of ours.
        srv.clear()
        count = len(srv.runs())

        def squat():
            srv.op({"op": "add", "object": {
                "apiVersion": "agents.proompteng.ai/v1alpha1", "kind": "AgentRun",
                "metadata": {"name": LANE + "l", "namespace": NS},
                "spec": {"agentRef": {"name": "codex-agent"}, "runtime": {"type": "job"},
                         "idempotencyKey": "someone-else"}}})
        rc, out, err = artriage_tty(srv, tmp, ["rerun", LANE + "e"], squat)
        check(rc == 1, "409 other key: exit 1 (%d)" % rc)
        check("not this rerun" in err and "someone-else" in err, "409 other key says so: %r" % err)
        check(len(srv.runs()) == count + 1, "409 other key: only the squatter exists")

        # 403 on create: names verb, resource and namespace; nothing created.
        srv.clear()
        count = len(srv.runs())
        srv.fault("POST %s:status=403:*" % RUNS)
        rc, out, err = artriage(srv, tmp, "rerun", LANE + "e", "--yes")
        check(rc == 1, "403: exit 1 (%d)" % rc)
        check("missing permission to create agentruns" in err and "namespace agents" in err,
              "403 names verb, resource, namespace: %r" % err)
        check(len(srv.runs()) == count, "403: nothing created")
        srv.clear()

        # 422 from the CEL rules: the invalid field is shown; nothing created.
        count = len(srv.runs())
        rc, out, err = artriage(srv, tmp, "rerun", "prompt-run-20260301a", "--yes")
        check(rc == 1, "422: exit 1 (%d)" % rc)
        check("Invalid (HTTP 422)" in err and "spec" in err and "prompt" in err,
              "422 shows the invalid field: %r" % err)
        check(len(srv.runs()) == count, "422: nothing created")
        check(len(srv.posts()) == 1, "422: refused at the dry run, no real POST (%d)" % len(srv.posts()))
    finally:
        srv.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return verdict()


if __name__ == "__main__":
    sys.exit(main())
