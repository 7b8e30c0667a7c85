#!/usr/bin/env python3
"""Writes data/demo/seed/: the 2026-02-25 incident (lane
torghut-v5-doc12-dspy-adoption-run-20260225 attempts b, d, e failing, g
succeeding with PR #3653) plus ~25 other runs in `agents` and `synthesis`,
their Jobs, Pods, Events, runner logs and a live script. Deterministic: the
same output every time (python3 data/demo/gen_seed.py [OUTDIR]).

All values are synthetic, in the shapes of tests/data/examples/.
"""

import datetime
import hashlib
import json
import os
import random
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REGISTRY = "registry.ide-newton.ts.net/lab/agents-codex-runner"
PROMPT_HASH = "c2b6f8b15d77f3af872b28174787ca8059b5e7d9cc2a9e65e341b5541ae06252"
LANE = "torghut-v5-doc12-dspy-adoption-run-20260225"


def hexof(seed, n):
    out = ""
    i = 0
    while len(out) < n:
        out += hashlib.sha256(("%s/%d" % (seed, i)).encode()).hexdigest()
        i += 1
    return out[:n]


def uid(seed):
    h = hexof("uid/" + seed, 32)
    return "%s-%s-4%s-a%s-%s" % (h[:8], h[8:12], h[13:16], h[17:20], h[20:32])


def image(commit8, seed):
    tag = "sha-" + commit8 + hexof("commit/" + seed, 32)
    digest = hexof("digest/" + seed, 64)
    return "%s:%s@sha256:%s" % (REGISTRY, tag, digest), "%s@sha256:%s" % (REGISTRY, digest)


OLD_IMAGE, OLD_IMAGE_ID = image("f12b6082", "old-runner")
NEW_IMAGE = ("registry.ide-newton.ts.net/lab/agents-codex-runner:"
             "sha-1cc0ecd211f1548d7e34b86d9b72ab222f9b2f08@sha256:"
             "6fa809abd4f436789236af008933f8ee7f0dd422775bbb265d969c23c71d3dbd")
NEW_IMAGE_ID = ("registry.ide-newton.ts.net/lab/agents-codex-runner@sha256:"
                "6fa809abd4f436789236af008933f8ee7f0dd422775bbb265d969c23c71d3dbd")
SPARK_IMAGE, SPARK_IMAGE_ID = image("9e1d7a43", "spark-runner")


def ts(s):
    return datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%S").replace(
        tzinfo=datetime.timezone.utc)


def fmt(dt, ms=False):
    if ms:
        return dt.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (dt.microsecond // 1000)
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def plus(dt, seconds):
    return dt + datetime.timedelta(seconds=seconds)


# ---------------------------------------------------------------------------
# runner log building blocks (Codex app-server runner style)

class Log:
    def __init__(self, seed):
        self.lines = []
        self.r = random.Random(seed)

    def add(self, *lines):
        self.lines.extend(lines)

    def cmd(self, command, output=(), code=0):
        self.add("[command:started] %s" % command)
        for o in output:
            self.add("[command:delta] command output %s" % o)
        if code:
            self.add("[command:completed] %s (exit code %d)" % (command, code))
        else:
            self.add("[command:completed] %s" % command)

    def text(self):
        return "\n".join(self.lines) + "\n"


def boot(log, run, head, imagetag, provider="codex", model="gpt-5.3-codex", clone=True,
         repo="proompteng/lab", base="main", stage="implementation"):
    r = log.r
    log.add(
        "agent-runner %s starting (provider=%s adapter=codex-app-server)" % (imagetag, provider),
        "agent-runner: spec /workspace/agent-runner.json, run spec /workspace/run.json",
        "agent-runner: AgentRun agents/%s stage=%s" % (run, stage),
        "agent-runner: system prompt /workspace/.codex/system-prompt.txt sha256=%s (%d bytes) ok"
        % (PROMPT_HASH, 6141),
        "agent-runner: CODEX_HOME=/root/.codex model=%s effort=high" % model,
        "agent-runner: vcs github repository=%s base=%s head=%s mode=read-write"
        % (repo, base, head),
    )
    if clone:
        n = r.randint(412000, 415000)
        log.add(
            "agent-runner: cloning https://github.com/%s.git into /workspace/lab" % repo,
            "Cloning into '/workspace/lab'...",
            "remote: Enumerating objects: %d, done." % n,
            "remote: Counting objects: 100% (3817/3817), done.",
            "remote: Compressing objects: 100% (1904/1904), done.",
            "remote: Total %d (delta %d), reused %d (delta %d), pack-reused %d"
            % (n, n // 2, n - 4000, n // 2 - 1200, n - 3817),
            "Receiving objects: 100%% (%d/%d), %d.%02d MiB | %d.%02d MiB/s, done."
            % (n, n, r.randint(380, 420), r.randint(0, 99), r.randint(30, 60), r.randint(0, 99)),
            "Resolving deltas: 100%% (%d/%d), done." % (n // 2, n // 2),
            "Updating files: 100% (21904/21904), done.",
            "agent-runner: origin/%s not found; creating %s from origin/%s" % (head, head, base),
            "Switched to a new branch '%s'" % head,
        )


def codex_start(log, thread, turn):
    log.add(
        "agent-runner: starting codex app-server (codex 0.104.0)",
        "agent-runner: thread %s started, turn %s" % (thread, turn),
    )


def bun_install(log):
    r = log.r
    log.cmd("bun install --frozen-lockfile", [
        "bun install v1.2.4 (fd9a5ea6)",
        "",
        "Checked %d installs across %d packages (no changes) [%d.%02ds]"
        % (r.randint(2600, 2700), r.randint(2900, 3000), r.randint(1, 4), r.randint(0, 99)),
    ])


TORGHUT_FILES = [
    "services/torghut/app/trading/llm/dspy/__init__.py",
    "services/torghut/app/trading/llm/dspy/program.py",
    "services/torghut/app/trading/llm/dspy/signatures.py",
    "services/torghut/app/trading/llm/review_engine.py",
    "services/torghut/tests/test_dspy_program.py",
    "docs/torghut/design-system/v5/12-dspy-framework-adoption-for-quant-llm-autonomy.md",
]


def torghut_work(log, rounds, head):
    """Substantive implementation progress: reading, editing, testing."""
    r = log.r
    log.add("I'll start by reading the v5 doc 12 design and the current LLM review engine so the "
            "DSPy scaffolding matches the existing interfaces.")
    log.cmd("rg -n \"class .*Review\" services/torghut/app/trading/llm", [
        "services/torghut/app/trading/llm/review_engine.py:41:class LLMReviewEngine:",
        "services/torghut/app/trading/llm/review_engine.py:212:class ReviewOutcome(BaseModel):",
        "services/torghut/app/trading/llm/schema.py:18:class ReviewRequest(BaseModel):",
    ])
    log.cmd("sed -n '1,80p' docs/torghut/design-system/v5/12-dspy-framework-adoption-for-quant-"
            "llm-autonomy.md", [
        "# 12. DSPy framework adoption for quant LLM autonomy",
        "Status: Accepted (2026-02-24)",
        "## Decision",
        "Adopt DSPy signatures for the review path behind a feature flag, with a deterministic",
        "fallback to the current prompt template when the compiled program is unavailable.",
    ])
    log.add("The design wants a DSPy program behind `TORGHUT_DSPY_ENABLED`, a deterministic "
            "fallback, and tests that pin the fallback path.")
    for i in range(rounds):
        f = TORGHUT_FILES[i % len(TORGHUT_FILES)]
        log.cmd("sed -n '1,%dp' %s" % (r.randint(60, 160), f), [
            "from __future__ import annotations",
            "import logging",
            "logger = logging.getLogger(__name__)",
        ][: r.randint(1, 3)])
        if i % 2 == 0:
            log.add("[file:completed] file changes %d change(s)" % r.randint(1, 4))
        if i % 3 == 2:
            passed = r.randint(40, 90)
            log.cmd("uv run --frozen pytest services/torghut/tests/test_dspy_program.py -q", [
                "." * r.randint(20, 40) + " " * 10 + "[100%]",
                "%d passed in %d.%02ds" % (passed, r.randint(2, 9), r.randint(0, 99)),
            ])
    log.cmd("uv run --frozen ruff check services/torghut/app/trading/llm", ["All checks passed!"])
    log.cmd("uv run --frozen pyright services/torghut/app/trading/llm/dspy", [
        "0 errors, 0 warnings, 0 informations",
    ])
    log.add("The DSPy program compiles, the fallback path is covered, and lint and type checks "
            "pass. Committing and handing off to the finalization step.")
    log.cmd("git add -A && git commit -m \"feat(torghut): adopt v5 dspy scaffolding with "
            "deterministic fallback\"", [
        "[%s %s] feat(torghut): adopt v5 dspy scaffolding with deterministic fallback"
        % (head, hexof(log.r.random(), 7)),
        " 6 files changed, %d insertions(+), %d deletions(-)"
        % (r.randint(300, 420), r.randint(10, 40)),
    ])


def generic_work(log, topic, files, rounds, test_cmd):
    r = log.r
    log.add("Reading the code around %s before changing anything." % topic)
    for i in range(rounds):
        f = files[i % len(files)]
        log.cmd("rg -n \"%s\" %s" % (topic.split()[0], os.path.dirname(f)), [
            "%s:%d:  %s" % (f, r.randint(10, 300), topic.split()[0]),
        ])
        log.cmd("sed -n '%d,%dp' %s" % (1, r.randint(50, 140), f), [
            "export function %s() {" % topic.split()[0].replace("-", "_"),
        ])
        if i % 2:
            log.add("[file:completed] file changes %d change(s)" % r.randint(1, 3))
        if i % 3 == 2:
            log.cmd(test_cmd, ["%d pass" % r.randint(12, 80), "0 fail"])
    log.add("Thinking: the change is contained; next the checks.")


def pr_created(log, repo, head, number, title):
    log.cmd("git push -u origin %s" % head, [
        "remote: ",
        "remote: Create a pull request for '%s' on GitHub by visiting:" % head,
        "remote:      https://github.com/%s/pull/new/%s" % (repo, head),
        "remote: ",
        "To https://github.com/%s.git" % repo,
        " * [new branch]      %s -> %s" % (head, head),
        "branch '%s' set up to track 'origin/%s'." % (head, head),
    ])
    log.cmd("gh pr create --base main --head %s --title \"%s\" --body-file "
            "/workspace/.agent/pr-body.md" % (head, title), [
        "https://github.com/%s/pull/%d" % (repo, number),
    ])


def status_json(status, started, finished, thread, turn, code, error=None, model="gpt-5.3-codex"):
    d = {"provider": "codex", "adapter": "codex-app-server", "exitCode": code,
         "status": status, "startedAt": fmt(started), "finishedAt": fmt(finished),
         "threadId": thread, "turnId": turn, "model": model, "effort": "high",
         "cwd": "/workspace/lab",
         "artifacts": {"statusPath": "/workspace/.agent/status.json",
                       "logPath": "/workspace/.agent/runner.log",
                       "outputArtifacts": [
                           {"name": "runner-log", "path": "/workspace/.agent/runner.log"},
                           {"name": "runner-status", "path": "/workspace/.agent/status.json"}]}}
    if error:
        d["error"] = error
    return d


# ---------------------------------------------------------------------------
# object builders

def conditions(phase, at_start, at_end, reason=None, message="", extra=()):
    s, e = fmt(at_start, True), fmt(at_end, True) if at_end else None
    c = [{"type": "Warning", "status": "False", "reason": "None", "message": "",
          "lastTransitionTime": s},
         {"type": "Accepted", "status": "True", "reason": "Submitted", "message": "",
          "lastTransitionTime": s},
         {"type": "InProgress", "status": "True", "reason": "Running", "message": "",
          "lastTransitionTime": s},
         {"type": "ArtifactsLimited", "status": "False", "reason": "WithinLimits", "message": "",
          "lastTransitionTime": s}]
    if phase == "Succeeded":
        c += [{"type": "Ready", "status": "True", "reason": "Completed", "message": "",
               "lastTransitionTime": e},
              {"type": "Progressing", "status": "False", "reason": "Running", "message": "",
               "lastTransitionTime": e},
              {"type": "Degraded", "status": "False", "reason": "Degraded", "message": "",
               "lastTransitionTime": s},
              {"type": "Blocked", "status": "False", "reason": "NotBlocked", "message": "",
               "lastTransitionTime": s},
              {"type": "Succeeded", "status": "True", "reason": "Completed", "message": "",
               "lastTransitionTime": e}]
    elif phase in ("Failed", "Cancelled"):
        c += [{"type": "Ready", "status": "False", "reason": "Reconciled", "message": "",
               "lastTransitionTime": s},
              {"type": "Progressing", "status": "False", "reason": "Running", "message": "",
               "lastTransitionTime": e},
              {"type": "Degraded", "status": "True", "reason": reason, "message": message,
               "lastTransitionTime": e},
              {"type": "Blocked", "status": "False", "reason": "NotBlocked", "message": "",
               "lastTransitionTime": s},
              {"type": "Failed" if phase == "Failed" else "Cancelled", "status": "True",
               "reason": reason, "message": message, "lastTransitionTime": e}]
    else:
        c += [{"type": "Ready", "status": "False", "reason": "Reconciled", "message": "",
               "lastTransitionTime": s},
              {"type": "Progressing", "status": "True", "reason": "Running", "message": "",
               "lastTransitionTime": s},
              {"type": "Degraded", "status": "False", "reason": "Degraded", "message": "",
               "lastTransitionTime": s},
              {"type": "Blocked", "status": "False", "reason": "NotBlocked", "message": "",
               "lastTransitionTime": s}]
    c.extend(extra)
    return c


ARTIFACTS = [{"name": "runner-log", "path": "/workspace/.agent/runner.log"},
             {"name": "runner-status", "path": "/workspace/.agent/status.json"}]


class Scenario:
    def __init__(self):
        self.runs, self.pods, self.jobs, self.events = [], [], [], []
        self.logs = {}          # (ns, pod, container[, previous]) -> text
        self.script = []

    def run(self, ns, name, created, agent="codex-agent", impl=None, runtime="job",
            params=None, labels=None, vcs_mode="read-write", idem=None, generate=None,
            annotations=None, secrets=("github-token",), inline=None):
        spec = {"agentRef": {"name": agent}}
        if inline:
            spec["implementation"] = {"inline": inline}
        else:
            spec["implementationSpecRef"] = {"name": impl or name}
        spec["runtime"] = {"type": runtime}
        if runtime == "temporal":
            spec["runtime"]["config"] = {"workflowType": "synthesisDigest",
                                         "taskQueue": "synthesis"}
        spec["vcsRef"] = {"name": "github"}
        if vcs_mode:
            spec["vcsPolicy"] = {"required": vcs_mode == "read-write", "mode": vcs_mode}
        spec["parameters"] = params or {}
        if secrets:
            spec["secrets"] = list(secrets)
        spec["ttlSecondsAfterFinished"] = 604800
        if idem:
            spec["idempotencyKey"] = idem
        meta = {"name": name, "namespace": ns, "uid": uid(ns + "/" + name),
                "resourceVersion": None, "generation": 1, "creationTimestamp": fmt(created),
                "labels": labels or {}, "finalizers": ["agents.proompteng.ai/runtime-cleanup"]}
        if generate:
            meta["generateName"] = generate
        if annotations:
            meta["annotations"] = annotations
        obj = {"apiVersion": "agents.proompteng.ai/v1alpha1", "kind": "AgentRun",
               "metadata": meta, "spec": spec}
        self.runs.append(obj)
        return obj

    def job_and_pod(self, run, started, finished, img, img_id, state, pod_suffix,
                    log=None, term_message=None, node="talos-worker-02", previous_log=None,
                    job_failed_reason=None, waiting=None):
        ns = run["metadata"]["namespace"]
        name = run["metadata"]["name"]
        jname = name + "-job"
        juid = uid("job/" + ns + "/" + jname)
        labels = {"agents.proompteng.ai/agent": run["spec"]["agentRef"]["name"],
                  "agents.proompteng.ai/agent-run": name,
                  "agents.proompteng.ai/provider": "codex"}
        if "implementationSpecRef" in run["spec"]:
            labels["agents.proompteng.ai/implementation"] = \
                run["spec"]["implementationSpecRef"]["name"]
        container = {"name": "agent-runner", "image": img,
                     "command": ["/usr/local/bin/agent-runner"],
                     "env": [{"name": "AGENT_RUN_SPEC", "value": "/workspace/run.json"},
                             {"name": "AGENT_PROVIDER", "value": "codex"},
                             {"name": "CODEX_SYSTEM_PROMPT_EXPECTED_HASH", "value": PROMPT_HASH}],
                     "resources": {"limits": {"memory": "16Gi"},
                                   "requests": {"cpu": "1", "memory": "4Gi"}},
                     "terminationMessagePath": "/workspace/.agent/status.json",
                     "terminationMessagePolicy": "File", "imagePullPolicy": "IfNotPresent"}
        jstatus = {"startTime": fmt(started), "ready": 0, "terminating": 0,
                   "uncountedTerminatedPods": {}}
        if state == "succeeded":
            jstatus.update({"succeeded": 1, "completionTime": fmt(finished), "conditions": [
                {"type": "SuccessCriteriaMet", "status": "True", "reason": "CompletionsReached",
                 "message": "Reached expected number of succeeded pods",
                 "lastProbeTime": fmt(finished), "lastTransitionTime": fmt(finished)},
                {"type": "Complete", "status": "True", "reason": "CompletionsReached",
                 "message": "Reached expected number of succeeded pods",
                 "lastProbeTime": fmt(finished), "lastTransitionTime": fmt(finished)}]})
        elif state in ("failed", "oom"):
            reason = job_failed_reason or "BackoffLimitExceeded"
            msg = "Job has reached the specified backoff limit"
            jstatus.update({"failed": 1, "conditions": [
                {"type": "FailureTarget", "status": "True", "reason": reason, "message": msg,
                 "lastProbeTime": fmt(finished), "lastTransitionTime": fmt(finished)},
                {"type": "Failed", "status": "True", "reason": reason, "message": msg,
                 "lastProbeTime": fmt(plus(finished, 1)),
                 "lastTransitionTime": fmt(plus(finished, 1))}]})
        else:
            jstatus["active"] = 1
        self.jobs.append({
            "apiVersion": "batch/v1", "kind": "Job",
            "metadata": {"name": jname, "namespace": ns, "uid": juid,
                         "generation": 2 if state in ("succeeded", "failed", "oom") else 1,
                         "creationTimestamp": fmt(started), "labels": labels,
                         "ownerReferences": [{"apiVersion": "agents.proompteng.ai/v1alpha1",
                                              "kind": "AgentRun", "name": name,
                                              "uid": run["metadata"]["uid"]}]},
            "spec": {"backoffLimit": 0, "completions": 1, "parallelism": 1,
                     "ttlSecondsAfterFinished": 86400 if state != "running" else 600,
                     "selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": juid}},
                     "template": {"metadata": {"labels": labels},
                                  "spec": {"restartPolicy": "Never", "containers": [container],
                                           "serviceAccountName": "agents-sa"}}},
            "status": jstatus})
        pname = "%s-%s" % (jname, pod_suffix)
        plabels = dict(labels)
        plabels.update({"batch.kubernetes.io/controller-uid": juid,
                        "batch.kubernetes.io/job-name": jname, "controller-uid": juid,
                        "job-name": jname})
        cs = {"name": "agent-runner", "ready": state == "running", "restartCount": 0,
              "image": img.split("@")[0], "imageID": img_id,
              "containerID": "containerd://" + hexof("ctr/" + pname, 64),
              "started": state == "running", "lastState": {}}
        cstart = plus(started, 7)
        if state == "running":
            cs["state"] = {"running": {"startedAt": fmt(cstart)}}
            phase = "Running"
        elif state == "waiting":
            cs["state"] = {"waiting": waiting}
            cs["imageID"] = ""
            cs.pop("containerID")
            cs["started"] = False
            phase = "Pending"
        elif state == "oom":
            cs["state"] = {"terminated": {"exitCode": 137, "reason": "OOMKilled",
                                          "startedAt": fmt(cstart), "finishedAt": fmt(finished),
                                          "containerID": cs["containerID"]}}
            phase = "Failed"
        else:
            code = 0 if state == "succeeded" else 1
            t = {"exitCode": code, "reason": "Completed" if code == 0 else "Error",
                 "startedAt": fmt(cstart), "finishedAt": fmt(finished),
                 "containerID": cs["containerID"]}
            if term_message:
                t["message"] = json.dumps(term_message, indent=2) + "\n"
            cs["state"] = {"terminated": t}
            phase = "Succeeded" if code == 0 else "Failed"
        if previous_log is not None:
            cs["restartCount"] = 1
            cs["lastState"] = {"terminated": {"exitCode": 1, "reason": "Error",
                                              "startedAt": fmt(plus(started, 2)),
                                              "finishedAt": fmt(plus(started, 6))}}
        pod = {"apiVersion": "v1", "kind": "Pod",
               "metadata": {"name": pname, "generateName": jname + "-", "namespace": ns,
                            "uid": uid("pod/" + pname), "creationTimestamp": fmt(started),
                            "labels": plabels,
                            "ownerReferences": [{"apiVersion": "batch/v1", "kind": "Job",
                                                 "name": jname, "uid": juid, "controller": True,
                                                 "blockOwnerDeletion": True}]},
               "spec": {"restartPolicy": "Never", "serviceAccountName": "agents-sa",
                        "nodeName": node, "containers": [container]},
               "status": {"phase": phase, "hostIP": "10.0.40.2%d" % (len(self.pods) % 5),
                          "podIP": "10.244.%d.%d" % (len(self.pods) % 4, 20 + len(self.pods)),
                          "startTime": fmt(started), "qosClass": "Burstable",
                          "containerStatuses": [cs]}}
        self.pods.append(pod)
        if log is not None:
            self.logs[(ns, pname, "agent-runner")] = log
        if previous_log is not None:
            self.logs[(ns, pname, "agent-runner.previous")] = previous_log
        run["status"].setdefault("runtimeRef", {"type": "job", "name": jname, "namespace": ns,
                                                "uid": juid,
                                                "jobObservedAt": fmt(plus(started, 1), True)})
        # Job controller, scheduler and kubelet events
        self.event(ns, "Job", jname, "SuccessfulCreate", "Created pod: " + pname, started,
                   "job-controller")
        self.event(ns, "Pod", pname, "Scheduled",
                   "Successfully assigned %s/%s to %s" % (ns, pname, node), started,
                   "default-scheduler")
        if state == "waiting":
            ref = img.split("@")[0]
            self.event(ns, "Pod", pname, "Pulling", 'Pulling image "%s"' % ref, plus(started, 2),
                       "kubelet", count=6, last=plus(started, 200))
            self.event(ns, "Pod", pname, "Failed",
                       'Failed to pull image "%s": failed to pull and unpack image "%s": '
                       'failed to resolve reference "%s": unexpected status from HEAD request '
                       'to https://%s: 429 Too Many Requests'
                       % (ref, ref, ref, ref.split(":")[0].replace("/", "/v2/", 1)),
                       plus(started, 3), "kubelet", etype="Warning", count=6,
                       last=plus(started, 200))
            self.event(ns, "Pod", pname, "BackOff", 'Back-off pulling image "%s"' % ref,
                       plus(started, 4), "kubelet", etype="Normal", count=14,
                       last=plus(started, 260))
            return pod
        self.event(ns, "Pod", pname, "Pulled",
                   'Container image "%s" already present on machine' % img, plus(started, 5),
                   "kubelet")
        self.event(ns, "Pod", pname, "Created", "Created container: agent-runner",
                   plus(started, 6), "kubelet")
        self.event(ns, "Pod", pname, "Started", "Started container agent-runner",
                   plus(started, 7), "kubelet")
        if state == "succeeded":
            self.event(ns, "Job", jname, "Completed", "Job completed", finished, "job-controller")
        elif state in ("failed", "oom"):
            self.event(ns, "Job", jname, "BackoffLimitExceeded",
                       "Job has reached the specified backoff limit", plus(finished, 1),
                       "job-controller", etype="Warning")
        return pod

    def event(self, ns, kind, name, reason, message, at, component, etype="Normal", count=1,
              last=None):
        ename = "%s.%s" % (name, hexof("ev/%s/%s/%s" % (name, reason, at), 16))
        api = "batch/v1" if kind == "Job" else "v1"
        self.events.append({
            "apiVersion": "v1", "kind": "Event",
            "metadata": {"name": ename, "namespace": ns, "creationTimestamp": fmt(at)},
            "involvedObject": {"kind": kind, "namespace": ns, "name": name, "apiVersion": api,
                               "uid": uid(("job/" if kind == "Job" else "pod/") +
                                          (ns + "/" + name if kind == "Job" else name))},
            "reason": reason, "message": message,
            "source": {"component": component} if component != "kubelet"
            else {"component": "kubelet", "host": "talos-worker-02"},
            "firstTimestamp": fmt(at), "lastTimestamp": fmt(last or at), "count": count,
            "type": etype, "eventTime": None, "reportingComponent": component,
            "reportingInstance": ""})


def job_status(phase, created, started, finished, reason=None, message=None, runner=None,
               vcs=None, extra_conditions=(), spec_hash=None):
    st = {"observedGeneration": 1, "phase": phase,
          "startedAt": fmt(started, True) if started else None}
    if st["startedAt"] is None:
        del st["startedAt"]
    if finished:
        st["finishedAt"] = fmt(finished, True)
    st["updatedAt"] = fmt(finished or started or created, True)
    if reason and phase != "Succeeded":
        st["reason"] = reason
    if message:
        st["message"] = message
    if runner:
        st["runner"] = runner
    st["artifacts"] = ARTIFACTS
    if vcs:
        st["vcs"] = vcs
    st["systemPromptHash"] = PROMPT_HASH
    st["specHash"] = spec_hash or hexof("spec/" + str(created), 64)
    st["conditions"] = conditions(phase, started or created, finished, reason, message or "",
                                  extra_conditions)
    return st


def runner_block(status, started, finished, thread, turn, code, error=None,
                 model="gpt-5.3-codex"):
    d = status_json(status, started, finished, thread, turn, code, error, model)
    return d


# ---------------------------------------------------------------------------
# the incident lane

def lane(sc):
    spec_hash = "e497bf234f04bc32f7c6fa5109f76a3340f37d7ea18ea3a1c0fe3c359aa58d27"
    common = {"repository": "proompteng/lab", "base": "main", "stage": "implementation"}

    def mk(letter, created):
        name = LANE + letter
        head = "codex/torghut-v5-doc12-dspy-adoption-20260225" + letter
        p = dict(common, head=head)
        r = sc.run("agents", name, created, impl="torghut-v5-doc12-dspy-adoption", params=p,
                   labels={"app.kubernetes.io/part-of": "torghut"},
                   idem="torghut-v5-doc12-dspy-adoption-20260225" + letter)
        vcs = {"provider": "github", "repository": "proompteng/lab", "baseBranch": "main",
               "headBranch": head, "mode": "read-write"}
        return r, head, vcs

    # --- b: runtime import of @proompteng/discord fails at start-up
    created = ts("2026-02-25T08:12:40")
    r, head, vcs = mk("b", created)
    started, fin = plus(created, 1.2), plus(created, 23.9)
    thread, turn = uid("thread/b"), uid("turn/b")
    log = Log("b")
    boot(log, r["metadata"]["name"], head, "sha-f12b6082")
    bun_install(log)
    codex_start(log, thread, turn)
    log.add("agent-runner: launching implement step: bun /app/services/jangar/scripts/codex/"
            "codex-implement.ts",
            "codex-implement: loading run context from /workspace/run.json",
            "codex-implement: repository proompteng/lab head %s" % head,
            "codex-implement: registering notification sinks (discord, nats)")
    err = 'ENOENT reading "/app/node_modules/@proompteng/discord"'
    log.add("error: " + err,
            "    at resolveSync (native:1:1)",
            "    at /app/services/jangar/src/server/codex/notify.ts:3:1",
            "    at /app/services/jangar/scripts/codex/codex-runner.ts:12:8",
            "    at loadAndEvaluateModule (native:2:1)",
            "",
            "Bun v1.2.4 (Linux x64)",
            "agent-runner: implement step exited with code 1",
            "agent-runner: turn %s failed: %s" % (turn, err),
            "agent-runner: wrote /workspace/.agent/status.json (status=failed exitCode=1)",
            "agent-runner: no pull request was created for %s" % head)
    # pad with a realistic app-server handshake before the failure so b is >= 60 lines
    pre = ["agent-runner: app-server %s" % x for x in (
        "initialize ok (protocol 2)", "loaded config /root/.codex/config.toml",
        "auth: chatgpt token from /root/.codex/auth.json (expires in 6d)",
        "mcp: 2 servers configured (github, memories)", "mcp: github ready (21 tools)",
        "mcp: memories ready (4 tools)", "sandbox: danger-full-access (job runtime)",
        "approval policy: never", "model provider: openai (responses api)",
        "thread/start ok", "turn/start ok")]
    idx = log.lines.index("agent-runner: launching implement step: bun /app/services/jangar/"
                          "scripts/codex/codex-implement.ts")
    log.lines[idx:idx] = pre
    log.lines[6:6] = ["agent-runner: environment: node v22.13.1, bun 1.2.4, git 2.47.2, "
                      "gh 2.67.0", "agent-runner: workspace /workspace (ephemeral, 8Gi)"]
    extra_lines = ["agent-runner: resolving workspace packages from /app/package.json"] + [
        "agent-runner:   %s -> /app/node_modules/%s" % (p, p) for p in (
            "@proompteng/codex", "@proompteng/temporal-bun-sdk", "@proompteng/otel",
            "@proompteng/nats", "@proompteng/backoff", "@proompteng/bun-utils",
            "@proompteng/discord")]
    idx = log.lines.index("codex-implement: registering notification sinks (discord, nats)")
    log.lines[idx:idx] = extra_lines
    r["status"] = job_status(
        "Failed", created, started, fin, "RunnerFailed", err,
        runner_block("failed", plus(started, 9), plus(fin, -4), thread, turn, 1, err), vcs,
        spec_hash=spec_hash)
    sc.job_and_pod(r, plus(created, 1), plus(fin, -3), OLD_IMAGE, OLD_IMAGE_ID, "failed",
                   "m8q4d", log.text(),
                   status_json("failed", plus(started, 9), plus(fin, -4), thread, turn, 1, err),
                   node="talos-worker-01")

    # --- d: git spawned in /workspace/lab before any checkout
    created = ts("2026-02-25T09:14:05")
    r, head, vcs = mk("d", created)
    started, fin = plus(created, 1.4), plus(created, 26.6)
    thread, turn = uid("thread/d"), uid("turn/d")
    log = Log("d")
    boot(log, r["metadata"]["name"], head, "sha-f12b6082", clone=False)
    log.add("agent-runner: environment: node v22.13.1, bun 1.2.4, git 2.47.2, gh 2.67.0",
            "agent-runner: workspace /workspace (ephemeral, 8Gi)",
            "agent-runner: repository checkout delegated to the implement step "
            "(CODEX_BOOTSTRAP_REPO=false)")
    bun_install(log)
    codex_start(log, thread, turn)
    log.add(*["agent-runner: app-server %s" % x for x in (
        "initialize ok (protocol 2)", "loaded config /root/.codex/config.toml",
        "auth: chatgpt token from /root/.codex/auth.json (expires in 6d)",
        "mcp: 2 servers configured (github, memories)", "mcp: github ready (21 tools)",
        "mcp: memories ready (4 tools)", "sandbox: danger-full-access (job runtime)",
        "thread/start ok", "turn/start ok")])
    log.add("agent-runner: launching implement step: bun /app/services/jangar/scripts/codex/"
            "codex-implement.ts",
            "codex-implement: loading run context from /workspace/run.json",
            "codex-implement: notification sinks: nats (discord disabled)",
            "codex-implement: repository proompteng/lab base main head %s" % head,
            "codex-implement: worktree /workspace/lab",
            "codex-implement: preparing branch %s" % head)
    log.cmd("ls -la /workspace", ["total 16",
                                  "drwxrwsrwx 4 root root 4096 Feb 25 09:14 .",
                                  "drwxr-xr-x 1 root root 4096 Feb 25 09:14 ..",
                                  "drwxr-sr-x 2 root root 4096 Feb 25 09:14 .agent",
                                  "drwxrwsrwt 3 root root  140 Feb 25 09:14 .codex",
                                  "-rw-r--r-- 1 root root 2311 Feb 25 09:14 agent-runner.json",
                                  "-rw-r--r-- 1 root root 5128 Feb 25 09:14 run.json"])
    log.add("codex-implement: git -C /workspace/lab fetch origin main --prune")
    err = "ENOENT: no such file or directory, posix_spawn 'git'"
    log.add("error: " + err,
            "  path: \"git\",",
            "  syscall: \"posix_spawn\",",
            "  errno: -2,",
            "  spawnargs: [ \"-C\", \"/workspace/lab\", \"fetch\", \"origin\", \"main\", "
            "\"--prune\" ],",
            "  cwd: \"/workspace/lab\",",
            "  code: \"ENOENT\"",
            "",
            "      at spawnSync (node:child_process:866:24)",
            "      at runGit (/app/services/jangar/scripts/codex/codex-implement.ts:188:18)",
            "      at prepareBranch (/app/services/jangar/scripts/codex/codex-implement.ts:241:9)",
            "      at main (/app/services/jangar/scripts/codex/codex-implement.ts:612:5)",
            "",
            "codex-implement: /workspace/lab does not exist (no checkout was made)",
            "agent-runner: implement step exited with code 1",
            "agent-runner: turn %s failed: %s" % (turn, err),
            "agent-runner: wrote /workspace/.agent/status.json (status=failed exitCode=1)",
            "agent-runner: no pull request was created for %s" % head)
    while len(log.lines) < 62:
        log.lines.insert(6, "agent-runner: preflight: %s" % (
            "ok", "gh auth status: logged in to github.com as proompteng-codex",
            "nats: connected to nats://nats.nats.svc:4222", "disk: 7.8Gi free on /workspace",
            "memory limit 16Gi", "cpu request 1")[len(log.lines) % 6])
    r["status"] = job_status(
        "Failed", created, started, fin, "RunnerFailed", err,
        runner_block("failed", plus(started, 8), plus(fin, -3), thread, turn, 1,
                     "CodexRunnerWorkspaceError: run-command git fetch origin main in "
                     "/workspace/lab: " + err), vcs, spec_hash=spec_hash)
    sc.job_and_pod(r, plus(created, 1), plus(fin, -2), OLD_IMAGE, OLD_IMAGE_ID, "failed",
                   "w2lxp", log.text(),
                   status_json("failed", plus(started, 8), plus(fin, -3), thread, turn, 1,
                               "CodexRunnerWorkspaceError: run-command git fetch origin main in "
                               "/workspace/lab: " + err),
                   node="talos-worker-03")

    # --- e: real progress, then the missing codex-nats-soak helper at finalization
    created = ts("2026-02-25T09:31:18")
    r, head, vcs = mk("e", created)
    started, fin = plus(created, 1.088), plus(created, 149.3)
    thread, turn = uid("thread/e"), uid("turn/e")
    log = Log("e")
    boot(log, r["metadata"]["name"], head, "sha-f12b6082")
    bun_install(log)
    codex_start(log, thread, turn)
    log.add("agent-runner: launching implement step: bun /app/services/jangar/scripts/codex/"
            "codex-implement.ts",
            "codex-implement: repository proompteng/lab base main head %s" % head,
            "codex-implement: worktree /workspace/lab ready (HEAD %s)" % hexof("e-head", 12))
    torghut_work(log, 26, head)
    log.add("codex-implement: agent turn completed; finalizing",
            "codex-implement: publishing soak results: codex-nats-soak --run %s --subject "
            "codex.soak.results" % r["metadata"]["name"])
    err = 'Executable not found in $PATH: "codex-nats-soak"'
    log.add("error: " + err,
            "      at spawn (/app/services/jangar/scripts/codex/codex-implement.ts:702:11)",
            "      at finalize (/app/services/jangar/scripts/codex/codex-implement.ts:744:7)",
            "codex-implement: finalization aborted before push; pull request not created",
            "agent-runner: implement step exited with code 1",
            "agent-runner: turn %s failed: %s" % (turn, err),
            "agent-runner: wrote /workspace/.agent/status.json (status=failed exitCode=1)")
    r["status"] = job_status(
        "Failed", created, started, fin, "RunnerFailed", err,
        runner_block("failed", plus(started, 10), plus(fin, -6), thread, turn, 1, err), vcs,
        spec_hash=spec_hash)
    sc.job_and_pod(r, plus(created, 1), plus(fin, -4), OLD_IMAGE, OLD_IMAGE_ID, "failed",
                   "7kq2x", log.text(),
                   status_json("failed", plus(started, 10), plus(fin, -6), thread, turn, 1, err),
                   node="talos-worker-03")

    # --- g: the rerun on the promoted image 1cc0ecd2 succeeds and opens PR #3653
    created = ts("2026-02-25T09:58:30")
    r, head, vcs = mk("g", created)
    started, fin = plus(created, 2), plus(created, 461)
    thread, turn = "b9c04646-dca6-449f-9474-4acf37a17cba", "16c6fd1e-6dab-4ebb-af05-76644a865b9f"
    log = Log("g")
    boot(log, r["metadata"]["name"], head, "sha-1cc0ecd2")
    bun_install(log)
    codex_start(log, thread, turn)
    log.add("agent-runner: launching implement step: bun /app/services/jangar/scripts/codex/"
            "codex-implement.ts",
            "codex-implement: repository proompteng/lab base main head %s" % head,
            "codex-implement: worktree /workspace/lab ready (HEAD %s)" % hexof("g-head", 12))
    torghut_work(log, 28, head)
    title = "feat(torghut): adopt v5 dspy scaffolding with deterministic fallback"
    pr_created(log, "proompteng/lab", head, 3653, title)
    log.add("codex-implement: agent turn completed; finalizing")
    log.cmd("codex-nats-soak --run %s --subject codex.soak.results" % r["metadata"]["name"],
            ["published 1 message to codex.soak.results (seq 88412)"])
    log.cmd("codex-nats-publish --subject codex.runs.completed --run %s"
            % r["metadata"]["name"], ["published 1 message to codex.runs.completed (seq 88413)"])
    log.add("Opened [feat(torghut): adopt v5 dspy scaffolding with deterministic fallback]"
            "(https://github.com/proompteng/lab/pull/3653) from `%s`: DSPy program behind "
            "`TORGHUT_DSPY_ENABLED`, deterministic fallback, tests for both paths." % head,
            "agent-runner: turn %s completed" % turn,
            "agent-runner: wrote /workspace/.agent/status.json (status=succeeded exitCode=0)")
    r["status"] = job_status(
        "Succeeded", created, started, fin, runner=runner_block(
            "succeeded", plus(started, 9), plus(fin, -6), thread, turn, 0), vcs=vcs,
        spec_hash=spec_hash)
    sc.job_and_pod(r, started, plus(fin, -5), NEW_IMAGE, NEW_IMAGE_ID, "succeeded", "x5hzm",
                   log.text(),
                   status_json("succeeded", plus(started, 9), plus(fin, -6), thread, turn, 0),
                   node="talos-worker-01")


# ---------------------------------------------------------------------------
# other runs

def others(sc):
    lab = {"repository": "proompteng/lab", "base": "main"}

    # succeeded with PR (before the incident), old image
    created = ts("2026-02-25T06:02:11")
    name = "leader-election-implementation-20260225-run"
    head = "codex/agents/leader-election-implementation-20260225"
    r = sc.run("agents", name, created, impl="leader-election-implementation",
               params=dict(lab, head=head, stage="implementation"), idem=uid("idem/" + name))
    st, fin = plus(created, 1), plus(created, 1163)
    thread, turn = uid("t/" + name), uid("u/" + name)
    log = Log(name)
    boot(log, name, head, "sha-f12b6082")
    bun_install(log)
    codex_start(log, thread, turn)
    generic_work(log, "leaderElection lease renewal", [
        "services/agents/src/server/leader-election.ts",
        "services/agents/src/server/leader-election.test.ts",
        "charts/agents/templates/deployment.yaml"], 24,
        "bun test services/agents/src/server/leader-election.test.ts")
    log.cmd("git add -A && git commit -m \"feat(agents): lease-based leader election\"",
            ["[%s 4be21c0] feat(agents): lease-based leader election" % head,
             " 3 files changed, 214 insertions(+), 12 deletions(-)"])
    pr_created(log, "proompteng/lab", head, 3641, "feat(agents): lease-based leader election")
    log.add("Opened https://github.com/proompteng/lab/pull/3641 — lease-based leader election "
            "with a 15 s renew deadline; tests cover takeover and graceful release.",
            "agent-runner: turn %s completed" % turn)
    vcs = {"provider": "github", "repository": "proompteng/lab", "baseBranch": "main",
           "headBranch": head, "mode": "read-write"}
    r["status"] = job_status("Succeeded", created, st, fin, runner=runner_block(
        "succeeded", plus(st, 8), plus(fin, -5), thread, turn, 0), vcs=vcs)
    sc.job_and_pod(r, st, plus(fin, -4), OLD_IMAGE, OLD_IMAGE_ID, "succeeded", "p4t8n",
                   log.text(), status_json("succeeded", plus(st, 8), plus(fin, -5), thread,
                                           turn, 0))

    # succeeded read-write without a PR -> agent.no-pr
    created = ts("2026-02-25T07:20:44")
    name = "torghut-v5-uncertainty-gates-loop5-20260225"
    head = "codex/torghut-v5-uncertainty-gates-loop5-20260225"
    r = sc.run("agents", name, created, impl="torghut-v5-uncertainty-gates",
               params=dict(lab, head=head, stage="implementation"),
               labels={"app.kubernetes.io/part-of": "torghut"}, idem=uid("idem/" + name))
    st, fin = plus(created, 1), plus(created, 844)
    thread, turn = uid("t/" + name), uid("u/" + name)
    log = Log(name)
    boot(log, name, head, "sha-f12b6082")
    bun_install(log)
    codex_start(log, thread, turn)
    generic_work(log, "uncertaintyGate thresholds", [
        "services/torghut/app/trading/risk/uncertainty.py",
        "services/torghut/tests/test_uncertainty_gates.py"], 20,
        "uv run --frozen pytest services/torghut/tests/test_uncertainty_gates.py -q")
    log.cmd("git status --short", [" M services/torghut/app/trading/risk/uncertainty.py",
                                   " M services/torghut/tests/test_uncertainty_gates.py"])
    log.add("The loop-5 gates are implemented and tested locally. I left the changes in the "
            "worktree for review; summary of the gate thresholds: p95 spread 0.8%, "
            "min confidence 0.62, cooldown 15m.",
            "agent-runner: turn %s completed" % turn,
            "agent-runner: wrote /workspace/.agent/status.json (status=succeeded exitCode=0)")
    vcs = {"provider": "github", "repository": "proompteng/lab", "baseBranch": "main",
           "headBranch": head, "mode": "read-write"}
    r["status"] = job_status("Succeeded", created, st, fin, runner=runner_block(
        "succeeded", plus(st, 8), plus(fin, -5), thread, turn, 0), vcs=vcs)
    sc.job_and_pod(r, st, plus(fin, -4), OLD_IMAGE, OLD_IMAGE_ID, "succeeded", "c9v2r",
                   log.text(), status_json("succeeded", plus(st, 8), plus(fin, -5), thread,
                                           turn, 0))

    # generateName-style run (agentctl), read-only, succeeded
    created = ts("2026-02-25T07:48:02")
    name = "codex-agent-k2m9x"
    r = sc.run("agents", name, created, impl="jangar-readme-audit",
               params={"repository": "proompteng/lab", "base": "main", "stage": "plan"},
               generate="codex-agent-", vcs_mode="read-only",
               labels={"agents.proompteng.ai/delivery-id": "c0ffee-" + hexof(name, 12)})
    st, fin = plus(created, 1), plus(created, 301)
    thread, turn = uid("t/" + name), uid("u/" + name)
    log = Log(name)
    boot(log, name, "codex/codex-agent-k2m9x", "sha-f12b6082")
    codex_start(log, thread, turn)
    generic_work(log, "README links", ["services/jangar/README.md", "docs/agents/agentctl.md"],
                 18, "bunx markdown-link-check services/jangar/README.md")
    log.add("Plan: 3 stale links in services/jangar/README.md and one outdated flag in "
            "docs/agents/agentctl.md; no code change needed in plan stage.",
            "agent-runner: turn %s completed" % turn)
    vcs = {"provider": "github", "repository": "proompteng/lab", "baseBranch": "main",
           "headBranch": "codex/codex-agent-k2m9x", "mode": "read-only"}
    r["status"] = job_status("Succeeded", created, st, fin, runner=runner_block(
        "succeeded", plus(st, 8), plus(fin, -5), thread, turn, 0), vcs=vcs)
    sc.job_and_pod(r, st, plus(fin, -4), OLD_IMAGE, OLD_IMAGE_ID, "succeeded", "b7d2k",
                   log.text(), status_json("succeeded", plus(st, 8), plus(fin, -5), thread,
                                           turn, 0))

    # OOMKilled: no status.json, only BackoffLimitExceeded on the run
    created = ts("2026-02-25T08:31:09")
    name = "anypi-eval-torghut-repair-20260225e"
    head = "codex/anypi-eval/repair/torghut-diff-coverage-20260225e"
    r = sc.run("agents", name, created, agent="anypi-agent", impl="anypi-eval-torghut-repair",
               params=dict(lab, head=head, stage="verify"),
               labels={"anypi.proompteng.ai/eval-batch": "20260225e"}, idem=uid("idem/" + name))
    st, fin = plus(created, 1), plus(created, 612)
    log = Log(name)
    boot(log, name, head, "sha-f12b6082", provider="anypi")
    bun_install(log)
    generic_work(log, "diffCoverage report", ["services/torghut/app/coverage/diff.py",
                                              "services/torghut/tests/test_diff_coverage.py"],
                 16, "uv run --frozen pytest services/torghut/tests -q -x")
    log.cmd("uv run --frozen pytest services/torghut/tests -q -n 8 --cov=services/torghut", [
        "bringing up nodes...", "........................................................ [ 21%]",
        "........................................................ [ 43%]",
        "...................................."])
    msg = "Job has reached the specified backoff limit"
    r["status"] = job_status("Failed", created, st, fin, "BackoffLimitExceeded", msg,
                             vcs={"provider": "github", "repository": "proompteng/lab",
                                  "baseBranch": "main", "headBranch": head,
                                  "mode": "read-write"})
    sc.job_and_pod(r, st, plus(fin, -2), OLD_IMAGE, OLD_IMAGE_ID, "oom", "z8k3q", log.text(),
                   node="talos-worker-04")
    sc.event("agents", "Pod", "%s-job-z8k3q" % name, "OOMKilling",
             "Memory cgroup out of memory: Killed process 4121 (python) total-vm:19822340kB, "
             "anon-rss:16612800kB", plus(fin, -2), "kernel-monitor", etype="Warning")

    # provider capacity: usage limit (Failed), Codex Spark
    created = ts("2026-02-25T08:55:31")
    name = "jangar-manual-plan-6xw45"
    r = sc.run("agents", name, created, agent="codex-spark-agent", impl="jangar-manual-plan",
               params={"repository": "proompteng/lab", "base": "main", "stage": "plan"},
               generate="jangar-manual-plan-", vcs_mode="read-only")
    st, fin = plus(created, 1), plus(created, 58)
    thread, turn = uid("t/" + name), uid("u/" + name)
    log = Log(name)
    boot(log, name, "codex/jangar-manual-plan-6xw45", "sha-9e1d7a43", model="gpt-5.3-codex-spark")
    codex_start(log, thread, turn)
    generic_work(log, "reconcile queue", ["services/agents/src/server/agents-controller/queue.ts"],
                 12, "bun test services/agents/src/server/agents-controller")
    lim = ("You've hit your usage limit for GPT-5.3-Codex-Spark. Switch to another model now, "
           "or try again at Feb 26th, 2026 9:01 AM.")
    log.add("Stream error -> " + lim, "agent-runner: turn %s failed: %s" % (turn, lim))
    msg = "provider capacity exhausted: " + lim
    r["status"] = job_status("Failed", created, st, fin, "ProviderCapacityExhausted", msg,
                             runner=runner_block("failed", plus(st, 6), plus(fin, -3), thread,
                                                 turn, 1, lim, "gpt-5.3-codex-spark"))
    sc.job_and_pod(r, st, plus(fin, -2), SPARK_IMAGE, SPARK_IMAGE_ID, "failed", "f6r2t",
                   log.text(), status_json("failed", plus(st, 6), plus(fin, -3), thread, turn,
                                           1, lim, "gpt-5.3-codex-spark"))

    # InvalidSpec (no finishedAt, no reason/message), never ran
    created = ts("2026-02-25T09:02:47")
    name = "anypi-eval-torghut-minimal-20260225a"
    r = sc.run("agents", name, created, agent="anypi-agent", impl="anypi-eval-torghut-minimal",
               params={"stage": "verify"}, labels={"anypi.proompteng.ai/eval-batch": "20260225a"})
    s = fmt(plus(created, 0.4), True)
    r["status"] = {"observedGeneration": 1, "phase": "Failed", "updatedAt": s,
                   "conditions": [
                       {"type": "InvalidSpec", "status": "True",
                        "reason": "MissingRequiredMetadata",
                        "message": "missing required metadata keys: repository, head",
                        "lastTransitionTime": s},
                       {"type": "Ready", "status": "False", "reason": "Reconciled", "message": "",
                        "lastTransitionTime": s},
                       {"type": "Progressing", "status": "False", "reason": "Failed",
                        "message": "", "lastTransitionTime": s},
                       {"type": "Degraded", "status": "True", "reason": "MissingRequiredMetadata",
                        "message": "missing required metadata keys: repository, head",
                        "lastTransitionTime": s}]}

    # Duplicate idempotency key
    created = ts("2026-02-25T09:40:12")
    owner = "codex-goal-smoke-20260225"
    r0 = sc.run("agents", owner, created, impl="codex-goal-smoke",
                params={"repository": "proompteng/lab", "base": "main", "stage": "verify"},
                vcs_mode="read-only", idem="codex-goal-smoke-20260225")
    st, fin = plus(created, 1), plus(created, 95)
    thread, turn = uid("t/" + owner), uid("u/" + owner)
    log = Log(owner)
    boot(log, owner, "codex/codex-goal-smoke-20260225", "sha-f12b6082")
    codex_start(log, thread, turn)
    generic_work(log, "goal smoke", ["services/agents/src/runner/goal.ts"], 16,
                 "bun test services/agents/src/runner/goal.test.ts")
    log.add("Goal reached: smoke objective verified in 3 turns.",
            "agent-runner: turn %s completed" % turn)
    r0["status"] = job_status("Succeeded", created, st, fin, runner=runner_block(
        "succeeded", plus(st, 6), plus(fin, -4), thread, turn, 0))
    sc.job_and_pod(r0, st, plus(fin, -3), OLD_IMAGE, OLD_IMAGE_ID, "succeeded", "g3n8s",
                   log.text(), status_json("succeeded", plus(st, 6), plus(fin, -4), thread,
                                           turn, 0))
    created = ts("2026-02-25T09:47:55")
    name = "codex-goal-smoke-20260225b"
    r = sc.run("agents", name, created, impl="codex-goal-smoke",
               params={"repository": "proompteng/lab", "base": "main", "stage": "verify"},
               vcs_mode="read-only", idem="codex-goal-smoke-20260225")
    s = fmt(plus(created, 0.6), True)
    msg = "AgentRun %s already claimed idempotencyKey codex-goal-smoke-20260225" % owner
    r["status"] = {"observedGeneration": 1, "phase": "Failed", "finishedAt": s, "updatedAt": s,
                   "conditions": [
                       {"type": "Duplicate", "status": "True",
                        "reason": "IdempotencyKeyCompleted", "message": msg,
                        "lastTransitionTime": s},
                       {"type": "Ready", "status": "False", "reason": "Reconciled", "message": "",
                        "lastTransitionTime": s},
                       {"type": "Degraded", "status": "True", "reason": "Degraded",
                        "message": "", "lastTransitionTime": s}]}

    # Pending / Blocked QueueLimit (the script admits it later)
    created = ts("2026-02-25T10:04:10")
    name = "torghut-quant-implement-sched-77t4z"
    r = sc.run("agents", name, created, impl="torghut-quant-implement",
               params={"repository": "proompteng/lab", "base": "main", "stage": "implement"},
               generate="torghut-quant-implement-sched-",
               labels={"schedules.proompteng.ai/schedule": "torghut-quant-implement-sched",
                       "swarm.proompteng.ai/name": "torghut-quant",
                       "swarm.proompteng.ai/stage": "implement"}, idem=uid("idem/" + name))
    s = fmt(plus(created, 0.3), True)
    r["status"] = {"observedGeneration": 1, "phase": "Pending", "updatedAt": s,
                   "conditions": [
                       {"type": "Blocked", "status": "True", "reason": "QueueLimit",
                        "message": "Namespace agents reached queue limit",
                        "lastTransitionTime": s},
                       {"type": "Progressing", "status": "True", "reason": "Pending",
                        "message": "", "lastTransitionTime": s},
                       {"type": "Ready", "status": "False", "reason": "Reconciled", "message": "",
                        "lastTransitionTime": s}]}

    # Pending provider capacity (as in examples/)
    created = ts("2026-02-25T10:06:40")
    name = "torghut-market-context-news-7h2pd"
    r = sc.run("agents", name, created, agent="codex-spark-agent",
               impl="torghut-market-context-news", vcs_mode="none",
               params={"symbol": "NVDA", "domain": "news", "requestId": uid("req/" + name)},
               generate="torghut-market-context-news-", secrets=())
    s = fmt(plus(created, 0.2), True)
    msg = ("agent provider codex-spark is not ready: provider capacity exhausted: " + lim)
    r["status"] = {"observedGeneration": 1, "phase": "Pending",
                   "reason": "ProviderCapacityExhausted", "message": msg, "updatedAt": s,
                   "conditions": [
                       {"type": "Blocked", "status": "True", "reason": "ProviderCapacityExhausted",
                        "message": msg, "lastTransitionTime": s},
                       {"type": "Progressing", "status": "True", "reason": "Pending",
                        "message": "", "lastTransitionTime": s}]}

    # a run with no status at all (just created; the script reconciles it)
    created = ts("2026-02-25T10:07:02")
    name = "jangar-control-plane-discover-sched-k7srv"
    r = sc.run("agents", name, created, impl="jangar-control-plane-discover",
               runtime="workflow",
               params={"repository": "proompteng/lab", "base": "main", "stage": "plan"},
               generate="jangar-control-plane-discover-sched-", vcs_mode="read-only",
               labels={"schedules.proompteng.ai/schedule": "jangar-control-plane-discover-sched"})

    # Running job with a live log (the script appends to it and finishes it)
    created = ts("2026-02-25T10:03:20")
    name = "jangar-control-plane-implement-sched-q8w2n"
    head = "codex/jangar-control-plane-implement-sched-q8w2n"
    r = sc.run("agents", name, created, impl="jangar-control-plane-implement",
               params={"repository": "proompteng/lab", "base": "main", "stage": "implement"},
               generate="jangar-control-plane-implement-sched-",
               labels={"schedules.proompteng.ai/schedule": "jangar-control-plane-implement-sched"},
               idem=uid("idem/" + name))
    st = plus(created, 1)
    thread, turn = uid("t/" + name), uid("u/" + name)
    log = Log(name)
    boot(log, name, head, "sha-1cc0ecd2")
    bun_install(log)
    codex_start(log, thread, turn)
    generic_work(log, "controlPlane reconcile storm", [
        "services/jangar/src/server/control-plane/reconcile.ts",
        "services/jangar/src/server/control-plane/reconcile.test.ts"], 10,
        "bun test services/jangar/src/server/control-plane")
    vcs = {"provider": "github", "repository": "proompteng/lab", "baseBranch": "main",
           "headBranch": head, "mode": "read-write"}
    r["status"] = job_status("Running", created, st, None, vcs=vcs)
    pod = sc.job_and_pod(r, st, None, NEW_IMAGE, NEW_IMAGE_ID, "running", "h2c8w", log.text(),
                         node="talos-worker-02")
    live_script(sc, r, pod, head, thread, turn)

    # ImagePullBackOff: the run stays Running, its pod never starts
    created = ts("2026-02-25T09:50:33")
    name = "torghut-priority-loop5"
    r = sc.run("agents", name, created, impl="torghut-priority-loop",
               params={"repository": "proompteng/lab", "base": "main",
                       "head": "codex/torghut-priority-loop5", "stage": "implementation"},
               idem=uid("idem/" + name))
    r["spec"]["workload"] = {"image": "docker.io/proompteng/agents-codex-runner:loop5"}
    st = plus(created, 1)
    vcs = {"provider": "github", "repository": "proompteng/lab", "baseBranch": "main",
           "headBranch": "codex/torghut-priority-loop5", "mode": "read-write"}
    r["status"] = job_status("Running", created, st, None, vcs=vcs)
    sc.job_and_pod(r, st, None, "docker.io/proompteng/agents-codex-runner:loop5", "",
                   "waiting", "n5d7j",
                   waiting={"reason": "ImagePullBackOff",
                            "message": 'Back-off pulling image "docker.io/proompteng/'
                                       'agents-codex-runner:loop5"'})

    # vcs.push-rejected (after the incident fix, new image)
    created = ts("2026-02-25T09:36:40")
    name = "jangar-docs-sync-20260225c"
    head = "codex/jangar-docs-sync-20260225"
    r = sc.run("agents", name, created, impl="jangar-docs-sync",
               params=dict(lab, head=head, stage="implementation"), idem=uid("idem/" + name))
    st, fin = plus(created, 1), plus(created, 402)
    thread, turn = uid("t/" + name), uid("u/" + name)
    log = Log(name)
    boot(log, name, head, "sha-f12b6082")
    bun_install(log)
    codex_start(log, thread, turn)
    generic_work(log, "docsSync frontmatter", ["docs/agents/agentctl.md",
                                               "docs/agents/designs/README.md"], 14,
                 "bunx markdownlint-cli2 docs/agents")
    log.cmd("git push -u origin %s" % head, [
        "To https://github.com/proompteng/lab.git",
        " ! [rejected]        %s -> %s (non-fast-forward)" % (head, head),
        "error: failed to push some refs to 'https://github.com/proompteng/lab.git'",
        "hint: Updates were rejected because the tip of your current branch is behind",
        "hint: its remote counterpart. If you want to integrate the remote changes,",
        "hint: use 'git pull' before pushing again."], code=1)
    err = "git push origin %s failed with exit 1" % head
    log.add("error: " + err, "agent-runner: turn %s failed: %s" % (turn, err))
    vcs = {"provider": "github", "repository": "proompteng/lab", "baseBranch": "main",
           "headBranch": head, "mode": "read-write"}
    e = "CodexRunnerVcsError: run-command git push in /workspace/lab: " + err
    r["status"] = job_status("Failed", created, st, fin, "RunnerFailed", err, runner_block(
        "failed", plus(st, 8), plus(fin, -4), thread, turn, 1, e), vcs)
    sc.job_and_pod(r, st, plus(fin, -3), OLD_IMAGE, OLD_IMAGE_ID, "failed", "q7w3e", log.text(),
                   status_json("failed", plus(st, 8), plus(fin, -4), thread, turn, 1, e))

    # test failure
    created = ts("2026-02-25T07:05:19")
    name = "bumba-ingest-retry-r2"
    head = "codex/bumba-ingest-retry-r2"
    r = sc.run("agents", name, created, impl="bumba-ingest-retry",
               params=dict(lab, head=head, stage="implementation"),
               idem=uid("idem/" + name))
    st, fin = plus(created, 1), plus(created, 733)
    thread, turn = uid("t/" + name), uid("u/" + name)
    log = Log(name)
    boot(log, name, head, "sha-f12b6082")
    bun_install(log)
    codex_start(log, thread, turn)
    generic_work(log, "ingestRetry backoff", ["services/bumba/src/ingest/retry.ts",
                                              "services/bumba/src/ingest/retry.test.ts"], 18,
                 "bun test services/bumba/src/ingest")
    log.cmd("bun test services/bumba", [
        "services/bumba/src/ingest/retry.test.ts:",
        "(pass) retry > backs off exponentially [1.02ms]",
        "(fail) retry > gives up after maxAttempts [12.40ms]",
        "  error: expect(received).toBe(expected)",
        "  Expected: 3",
        "  Received: 4",
        "(pass) retry > honours Retry-After [0.88ms]",
        "",
        " 41 pass", " 1 fail", "Ran 42 tests across 9 files. [6.21s]"], code=1)
    log.add("The retry loop makes one attempt too many: the attempt counter starts at 0 but "
            "the guard compares with <=. Stopping here rather than pushing a red branch.")
    err = "bun test services/bumba failed with exit 1 (1 fail)"
    log.add("agent-runner: turn %s failed: %s" % (turn, err))
    vcs = {"provider": "github", "repository": "proompteng/lab", "baseBranch": "main",
           "headBranch": head, "mode": "read-write"}
    r["status"] = job_status("Failed", created, st, fin, "RunnerFailed", err, runner_block(
        "failed", plus(st, 8), plus(fin, -4), thread, turn, 1, err), vcs)
    sc.job_and_pod(r, st, plus(fin, -3), OLD_IMAGE, OLD_IMAGE_ID, "failed", "v2s9m", log.text(),
                   status_json("failed", plus(st, 8), plus(fin, -4), thread, turn, 1, err),
                   previous_log="agent-runner sha-f12b6082 starting (provider=codex "
                                "adapter=codex-app-server)\nagent-runner: preflight: nats: "
                                "connect ECONNREFUSED 10.96.44.12:4222\n")

    # network failure while cloning
    created = ts("2026-02-25T05:41:00")
    name = "proompteng-site-refresh-20260225"
    head = "codex/proompteng-site-refresh-20260225"
    r = sc.run("agents", name, created, impl="proompteng-site-refresh",
               params=dict(lab, head=head, stage="implementation"), idem=uid("idem/" + name))
    st, fin = plus(created, 1), plus(created, 84)
    thread, turn = uid("t/" + name), uid("u/" + name)
    log = Log(name)
    boot(log, name, head, "sha-f12b6082", clone=False)
    log.add("agent-runner: cloning https://github.com/proompteng/lab.git into /workspace/lab",
            "Cloning into '/workspace/lab'...")
    for i in range(1, 4):
        log.add("fatal: unable to access 'https://github.com/proompteng/lab.git/': Could not "
                "resolve host: github.com",
                "agent-runner: clone attempt %d/3 failed; retrying in %ds" % (i, 2 ** (i + 1)))
    e = ("CodexRunnerWorkspaceError: run-command git clone proompteng/lab: git clone "
         "proompteng/lab failed with exit 128: fatal: unable to access "
         "'https://github.com/proompteng/lab.git/': Could not resolve host: github.com")
    log.add("error: " + e)
    while len(log.lines) < 60:
        log.lines.insert(6, "agent-runner: preflight: resolv.conf nameserver 10.96.0.10 "
                            "search agents.svc.cluster.local svc.cluster.local cluster.local")
    r["status"] = job_status("Failed", created, st, fin, "RunnerFailed", e[:640], runner_block(
        "failed", plus(st, 8), plus(fin, -4), thread, turn, 128, e))
    sc.job_and_pod(r, st, plus(fin, -3), OLD_IMAGE, OLD_IMAGE_ID, "failed", "k4j8h", log.text(),
                   status_json("failed", plus(st, 8), plus(fin, -4), thread, turn, 128, e))

    # cancelled by the runner (exit 130)
    created = ts("2026-02-25T08:20:00")
    name = "jangar-ui-polish-20260225a"
    head = "codex/jangar-ui-polish-20260225a"
    r = sc.run("agents", name, created, impl="jangar-ui-polish",
               params=dict(lab, head=head, stage="implementation"), idem=uid("idem/" + name))
    st, fin = plus(created, 1), plus(created, 260)
    thread, turn = uid("t/" + name), uid("u/" + name)
    log = Log(name)
    boot(log, name, head, "sha-f12b6082")
    codex_start(log, thread, turn)
    generic_work(log, "runList density", ["apps/jangar/src/components/run-list.tsx"], 12,
                 "bun test apps/jangar")
    log.add("agent-runner: received SIGTERM; interrupting turn %s" % turn,
            "agent-runner: wrote /workspace/.agent/status.json (status=cancelled exitCode=130)")
    r["status"] = job_status("Cancelled", created, st, fin, "RunnerCancelled",
                             "runner cancelled (signal SIGTERM)", runner_block(
                                 "cancelled", plus(st, 8), plus(fin, -4), thread, turn, 130))
    r["status"]["conditions"] = [c for c in r["status"]["conditions"]
                                 if c["type"] != "Cancelled"] + [
        {"type": "Cancelled", "status": "True", "reason": "RunnerCancelled",
         "message": "runner cancelled (signal SIGTERM)", "lastTransitionTime": fmt(fin, True)}]
    sc.job_and_pod(r, st, plus(fin, -3), OLD_IMAGE, OLD_IMAGE_ID, "failed", "r8b5c", log.text(),
                   status_json("cancelled", plus(st, 8), plus(fin, -4), thread, turn, 130))

    # --- synthesis namespace
    syn = {"repository": "proompteng/synthesis", "base": "main"}
    created = ts("2026-02-25T06:30:00")
    name = "synthesis-digest-20260225a"
    head = "codex/synthesis-digest-20260225a"
    r = sc.run("synthesis", name, created, impl="synthesis-digest",
               params=dict(syn, head=head, stage="implementation"), idem=uid("idem/" + name))
    st, fin = plus(created, 1), plus(created, 190)
    thread, turn = uid("t/" + name), uid("u/" + name)
    log = Log(name)
    boot(log, name, head, "sha-f12b6082", repo="proompteng/synthesis", clone=False)
    log.add("agent-runner: cloning https://github.com/proompteng/synthesis.git into "
            "/workspace/lab",
            "Cloning into '/workspace/lab'...",
            "remote: Invalid username or token. Password authentication is not supported for "
            "Git operations.",
            "fatal: Authentication failed for 'https://github.com/proompteng/synthesis.git/'")
    e = ("CodexRunnerWorkspaceError: run-command git clone proompteng/synthesis: git clone "
         "proompteng/synthesis failed with exit 128: fatal: Authentication failed for "
         "'https://github.com/proompteng/synthesis.git/'")
    log.add("error: " + e)
    while len(log.lines) < 60:
        log.lines.insert(6, "agent-runner: preflight: gh auth status: token from GH_TOKEN "
                            "(github-token) scopes: repo, read:org")
    r["status"] = job_status("Failed", created, st, fin, "RunnerFailed", e, runner_block(
        "failed", plus(st, 8), plus(fin, -4), thread, turn, 128, e))
    sc.job_and_pod(r, st, plus(fin, -3), OLD_IMAGE, OLD_IMAGE_ID, "failed", "t2k7b", log.text(),
                   status_json("failed", plus(st, 8), plus(fin, -4), thread, turn, 128, e))

    created = ts("2026-02-25T07:12:30")
    name = "synthesis-digest-20260225b"
    head = "codex/synthesis-digest-20260225b"
    r = sc.run("synthesis", name, created, impl="synthesis-digest",
               params=dict(syn, head=head, stage="implementation"), idem=uid("idem/" + name))
    st, fin = plus(created, 1), plus(created, 540)
    thread, turn = uid("t/" + name), uid("u/" + name)
    log = Log(name)
    boot(log, name, head, "sha-f12b6082", repo="proompteng/synthesis")
    codex_start(log, thread, turn)
    generic_work(log, "digestBuilder sections", ["src/digest/builder.ts",
                                                 "src/digest/builder.test.ts"], 20,
                 "bun test src/digest")
    pr_created(log, "proompteng/synthesis", head, 212, "feat(digest): weekly sections")
    log.add("Opened https://github.com/proompteng/synthesis/pull/212.",
            "agent-runner: turn %s completed" % turn)
    vcs = {"provider": "github", "repository": "proompteng/synthesis", "baseBranch": "main",
           "headBranch": head, "mode": "read-write"}
    r["status"] = job_status("Succeeded", created, st, fin, runner=runner_block(
        "succeeded", plus(st, 8), plus(fin, -5), thread, turn, 0), vcs=vcs)
    sc.job_and_pod(r, st, plus(fin, -4), OLD_IMAGE, OLD_IMAGE_ID, "succeeded", "d9f4g",
                   log.text(), status_json("succeeded", plus(st, 8), plus(fin, -5), thread,
                                           turn, 0))

    created = ts("2026-02-25T04:10:00")
    name = "synthesis-eval-nightly-20260225"
    head = "codex/synthesis-eval-nightly-20260225"
    r = sc.run("synthesis", name, created, impl="synthesis-eval-nightly",
               params=dict(syn, head=head, stage="verify"), idem=uid("idem/" + name))
    st, fin = plus(created, 1), plus(created, 377)
    thread, turn = uid("t/" + name), uid("u/" + name)
    log = Log(name)
    boot(log, name, head, "sha-f12b6082", repo="proompteng/synthesis")
    bun_install(log)
    codex_start(log, thread, turn)
    generic_work(log, "evalHarness scoring", ["src/eval/harness.ts", "src/eval/score.ts"], 14,
                 "bun test src/eval")
    log.cmd("bunx tsc --noEmit -p tsconfig.json", [
        "src/eval/score.ts(88,23): error TS2345: Argument of type 'number | undefined' is not "
        "assignable to parameter of type 'number'.",
        "  Type 'undefined' is not assignable to type 'number'.",
        "Found 1 error in src/eval/score.ts:88"], code=2)
    err = "bunx tsc --noEmit failed with exit 2"
    log.add("agent-runner: turn %s failed: %s" % (turn, err))
    r["status"] = job_status("Failed", created, st, fin, "RunnerFailed", err, runner_block(
        "failed", plus(st, 8), plus(fin, -4), thread, turn, 1, err),
        {"provider": "github", "repository": "proompteng/synthesis", "baseBranch": "main",
         "headBranch": head, "mode": "read-write"})
    sc.job_and_pod(r, st, plus(fin, -3), OLD_IMAGE, OLD_IMAGE_ID, "failed", "s5h2n", log.text(),
                   status_json("failed", plus(st, 8), plus(fin, -4), thread, turn, 1, err))

    created = ts("2026-02-25T09:45:00")
    name = "torghut-market-context-fundamentals-vm25s"
    r = sc.run("synthesis", name, created, agent="codex-spark-agent",
               impl="torghut-market-context-fundamentals", vcs_mode="none",
               params={"symbol": "AMD", "domain": "fundamentals", "requestId": uid("req/" + name)},
               generate="torghut-market-context-fundamentals-", secrets=())
    st, fin = plus(created, 1), plus(created, 71)
    thread, turn = uid("t/" + name), uid("u/" + name)
    log = Log(name)
    log.add("agent-runner sha-9e1d7a43 starting (provider=codex adapter=codex-app-server)",
            "agent-runner: AgentRun synthesis/%s stage=context" % name,
            "agent-runner: vcs disabled (mode none)")
    codex_start(log, thread, turn)
    for i in range(58):
        if i % 4 == 0:
            log.add("[webSearch:started] AMD Q4 2025 earnings data center revenue guidance")
        elif i % 4 == 1:
            log.add("[mcp:completed] memories:search")
        elif i % 4 == 2:
            log.add("Gathering fundamentals: revenue, margins, guidance (%d/14)" % (i // 4 + 1))
        else:
            log.add("[command:started] jq '.fundamentals' /workspace/context.json",
                    "[command:completed] jq '.fundamentals' /workspace/context.json")
    log.add("Context written to /workspace/.agent/context.json (14 fields).",
            "agent-runner: turn %s completed" % turn)
    r["status"] = job_status("Succeeded", created, st, fin, runner=runner_block(
        "succeeded", plus(st, 5), plus(fin, -3), thread, turn, 0, None, "gpt-5.3-codex-spark"))
    sc.job_and_pod(r, st, plus(fin, -2), SPARK_IMAGE, SPARK_IMAGE_ID, "succeeded", "l3p9z",
                   log.text(), status_json("succeeded", plus(st, 5), plus(fin, -3), thread,
                                           turn, 0, None, "gpt-5.3-codex-spark"))

    created = ts("2026-02-25T10:01:00")
    name = "synthesis-report-r2"
    r = sc.run("synthesis", name, created, impl="synthesis-report", runtime="temporal",
               params={"repository": "proompteng/synthesis", "base": "main"}, vcs_mode="none",
               idem=uid("idem/" + name), secrets=())
    st = plus(created, 1)
    r["status"] = {"observedGeneration": 1, "phase": "Running",
                   "startedAt": fmt(st, True), "updatedAt": fmt(st, True),
                   "runtimeRef": {"type": "temporal", "name": "synthesis-report-r2",
                                  "workflowId": uid("idem/" + name),
                                  "runId": uid("temporal/" + name), "namespace": "default",
                                  "taskQueue": "synthesis"},
                   "conditions": conditions("Running", st, None)}
    created = ts("2026-02-25T09:20:00")
    name = "synthesis-report"
    r = sc.run("synthesis", name, created, impl="synthesis-report", runtime="temporal",
               params={"repository": "proompteng/synthesis", "base": "main"}, vcs_mode="none",
               idem=uid("idem/" + name), secrets=())
    st, fin = plus(created, 1), plus(created, 1800)
    msg = "workflow synthesisDigest timed out (start-to-close 30m)"
    r["status"] = {"observedGeneration": 1, "phase": "Failed", "reason": "TimedOut",
                   "message": msg, "startedAt": fmt(st, True), "finishedAt": fmt(fin, True),
                   "updatedAt": fmt(fin, True),
                   "runtimeRef": {"type": "temporal", "name": name, "workflowId": uid("idem/" + name),
                                  "runId": uid("temporal/" + name), "namespace": "default",
                                  "taskQueue": "synthesis"},
                   "conditions": conditions("Failed", st, fin, "TimedOut", msg)}


def live_script(sc, run, pod, head, thread, turn):
    """Script ops for the live parts of the demo (seconds after start)."""
    ns, pname = pod["metadata"]["namespace"], pod["metadata"]["name"]
    lines = [
        "[command:started] bun test services/jangar/src/server/control-plane",
        "[command:delta] command output 37 pass",
        "[command:delta] command output 0 fail",
        "[command:completed] bun test services/jangar/src/server/control-plane",
        "[file:completed] file changes 2 change(s)",
        "Debouncing reconcile triggers per namespace fixes the storm; adding a regression test.",
        "[command:started] bun test services/jangar/src/server/control-plane/reconcile.test.ts",
        "[command:delta] command output 12 pass",
        "[command:delta] command output 0 fail",
        "[command:completed] bun test services/jangar/src/server/control-plane/reconcile.test.ts",
        "[command:started] git add -A && git commit -m \"fix(jangar): debounce control-plane "
        "reconcile triggers\"",
        "[command:delta] command output [%s 9c41d2e] fix(jangar): debounce control-plane "
        "reconcile triggers" % head,
        "[command:completed] git add -A && git commit -m \"fix(jangar): debounce control-plane "
        "reconcile triggers\"",
        "[command:started] gh pr create --base main --head %s --title \"fix(jangar): debounce "
        "control-plane reconcile triggers\"" % head,
        "[command:delta] command output https://github.com/proompteng/lab/pull/3655",
        "[command:completed] gh pr create",
        "Opened https://github.com/proompteng/lab/pull/3655 (debounced reconcile triggers).",
        "agent-runner: turn %s completed" % turn,
    ]
    at = 3.0
    for ln in lines:
        sc.script.append({"at": round(at, 1), "op": "log", "namespace": ns, "pod": pname,
                          "container": "agent-runner", "text": ln})
        at += 2.5
    fin = ts("2026-02-25T10:11:40")
    sc.script.append({"at": round(at + 1, 1), "op": "modify", "kind": "Pod", "namespace": ns,
                      "name": pname, "patch": {"status": {"phase": "Succeeded",
                                                          "containerStatuses": [dict(
                                                              pod["status"]["containerStatuses"][0],
                                                              ready=False, started=False,
                                                              state={"terminated": {
                                                                  "exitCode": 0,
                                                                  "reason": "Completed",
                                                                  "startedAt": pod["status"][
                                                                      "containerStatuses"][0][
                                                                      "state"]["running"][
                                                                      "startedAt"],
                                                                  "finishedAt": fmt(fin)}})]}}})
    started = datetime.datetime.strptime(run["status"]["startedAt"][:19], "%Y-%m-%dT%H:%M:%S")
    started = started.replace(tzinfo=datetime.timezone.utc)
    sc.script.append({"at": round(at + 2, 1), "op": "modify", "kind": "AgentRun",
                      "namespace": ns, "name": run["metadata"]["name"],
                      "patch": {"status": job_status(
                          "Succeeded", started, started, plus(fin, 3),
                          runner=runner_block("succeeded", plus(started, 8), fin, thread, turn,
                                              0), vcs=run["status"]["vcs"])}})
    # the queued run gets admitted, the fresh run gets reconciled, and one fails live
    q = "torghut-quant-implement-sched-77t4z"
    qs = ts("2026-02-25T10:08:15")
    sc.script.append({"at": 8.0, "op": "modify", "kind": "AgentRun", "namespace": "agents",
                      "name": q, "patch": {"status": {
                          "phase": "Running", "startedAt": fmt(qs, True),
                          "updatedAt": fmt(qs, True),
                          "conditions": conditions("Running", qs, None)}}})
    k = "jangar-control-plane-discover-sched-k7srv"
    ks = ts("2026-02-25T10:07:03")
    sc.script.append({"at": 5.0, "op": "modify", "kind": "AgentRun", "namespace": "agents",
                      "name": k, "patch": {"status": {
                          "observedGeneration": 1, "phase": "Running",
                          "startedAt": fmt(ks, True), "updatedAt": fmt(ks, True),
                          "conditions": conditions("Running", ks, None)}}})
    kf = ts("2026-02-25T10:09:40")
    msg = "workflow step discover: Job has reached the specified backoff limit"
    sc.script.append({"at": 30.0, "op": "modify", "kind": "AgentRun", "namespace": "agents",
                      "name": k, "patch": {"status": {
                          "phase": "Failed", "reason": "WorkflowStepFailed", "message": msg,
                          "finishedAt": fmt(kf, True), "updatedAt": fmt(kf, True),
                          "conditions": conditions("Failed", ks, kf, "WorkflowStepFailed",
                                                   msg)}}})
    # a new attempt of the rate-limited plan shows up during the demo
    sc.script.append({"at": 20.0, "op": "add", "object": {
        "apiVersion": "agents.proompteng.ai/v1alpha1", "kind": "AgentRun",
        "metadata": {"name": "jangar-manual-plan-r2", "namespace": "agents",
                     "creationTimestamp": "2026-02-25T10:09:00Z",
                     "labels": {}},
        "spec": {"agentRef": {"name": "codex-agent"},
                 "implementationSpecRef": {"name": "jangar-manual-plan"},
                 "runtime": {"type": "job"},
                 "parameters": {"repository": "proompteng/lab", "base": "main",
                                "stage": "plan"}}}})


def write(sc, out):
    for d in ("objects", "logs"):
        if os.path.isdir(os.path.join(out, d)):
            shutil.rmtree(os.path.join(out, d))
    os.makedirs(os.path.join(out, "objects"))
    rv = 48000000
    for group in (sc.runs, sc.jobs, sc.pods, sc.events):
        for o in group:
            rv += 137
            o["metadata"]["resourceVersion"] = str(rv)
    ns_objs = [{"apiVersion": "v1", "kind": "Namespace",
                "metadata": {"name": n, "creationTimestamp": "2025-11-02T17:40:00Z",
                             "labels": {"kubernetes.io/metadata.name": n}},
                "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}}
               for n in ("agents", "synthesis")]

    def dump(fn, kind, items, api):
        with open(os.path.join(out, "objects", fn), "w") as f:
            json.dump({"apiVersion": api, "kind": kind, "metadata": {"resourceVersion": ""},
                       "items": items}, f, indent=1, sort_keys=False)
            f.write("\n")
    dump("00-namespaces.json", "NamespaceList", ns_objs, "v1")
    dump("10-agentruns.json", "AgentRunList", sc.runs, "agents.proompteng.ai/v1alpha1")
    dump("20-jobs.json", "JobList", sc.jobs, "batch/v1")
    dump("30-pods.json", "PodList", sc.pods, "v1")
    dump("40-events.json", "EventList", sc.events, "v1")
    for key, text in sorted(sc.logs.items()):
        ns, pod, c = key
        path = os.path.join(out, "logs", ns, pod)
        os.makedirs(path, exist_ok=True)
        fn = c.replace(".previous", "") + (".previous.log" if c.endswith(".previous") else ".log")
        with open(os.path.join(path, fn), "w") as f:
            f.write(text)
    with open(os.path.join(out, "script.jsonl"), "w") as f:
        for op in sorted(sc.script, key=lambda o: o["at"]):
            f.write(json.dumps(op, sort_keys=True) + "\n")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "seed")
    sc = Scenario()
    lane(sc)
    others(sc)
    write(sc, out)
    print("%s: %d runs, %d pods, %d jobs, %d events, %d logs, %d script ops" % (
        out, len(sc.runs), len(sc.pods), len(sc.jobs), len(sc.events), len(sc.logs),
        len(sc.script)))


if __name__ == "__main__":
    main()
