#!/usr/bin/env python3
"""Writes a large scenario for tests/kubeapi/server.py:

    python3 data/demo/big.py OUTDIR --runs 5000 [--pods] [--seed S]

OUTDIR/objects/agentruns.json holds N AgentRuns of realistic size and shape
(job runtime, status.vcs, status.runner, the controller's condition list) in
lanes of 1-6 attempts (`<prefix>-<YYYYMMDD><letter>`), spread over
`agents` and `synthesis`: earlier attempts of a lane Failed (or Cancelled),
the newest one Succeeded, Failed, Running, Pending (Blocked) or without
status, so about 2/3 of all runs are Failed. With --pods, every run
that started also gets a Job, a Pod (agent-runner image + digest) and a
short runner log. Deterministic for a given --seed.
"""

import argparse
import datetime
import hashlib
import json
import os
import random
import shutil

REGISTRY = "registry.ide-newton.ts.net/lab/agents-codex-runner"
PREFIXES = ["torghut-v5-doc%02d-%s" % (i, w) for i, w in enumerate(
    ["dspy-adoption", "risk-gates", "fill-model", "latency-budget", "regime-detector",
     "uncertainty", "position-sizer", "backtest-harness", "news-embedding", "alpha-ledger"])] + [
    "jangar-control-plane-%s" % w for w in ("reconcile", "receipts", "rollout", "quota",
                                            "handoff", "readiness")] + [
    "anypi-eval-torghut-%s" % w for w in ("minimal", "repair", "coverage", "refactor")] + [
    "bumba-ingest-%s" % w for w in ("retry", "dedupe", "schema")] + [
    "synthesis-digest-%s" % w for w in ("weekly", "daily", "sources")]
FAILURES = [
    ("RunnerFailed", 'ENOENT reading "/app/node_modules/@proompteng/discord"'),
    ("RunnerFailed", "ENOENT: no such file or directory, posix_spawn 'git'"),
    ("RunnerFailed", 'Executable not found in $PATH: "codex-nats-soak"'),
    ("BackoffLimitExceeded", "Job has reached the specified backoff limit"),
    ("RunnerFailed", "bun test failed with exit 1 (2 fail)"),
    ("ProviderCapacityExhausted", "provider capacity exhausted: You've hit your usage limit "
                                  "for GPT-5.3-Codex-Spark."),
    ("RunnerFailed", "git push origin failed with exit 1"),
]


def hexof(seed, n):
    out, i = "", 0
    while len(out) < n:
        out += hashlib.sha256(("%s/%d" % (seed, i)).encode()).hexdigest()
        i += 1
    return out[:n]


def uid(seed):
    h = hexof(seed, 32)
    return "%s-%s-4%s-a%s-%s" % (h[:8], h[8:12], h[13:16], h[17:20], h[20:32])


def fmt(dt, ms=False):
    if ms:
        return dt.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (dt.microsecond // 1000)
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def conditions(phase, start, end, reason, message):
    s = fmt(start, True)
    e = fmt(end, True) if end else s
    c = [{"type": "Warning", "status": "False", "reason": "None", "message": "",
          "lastTransitionTime": s},
         {"type": "Accepted", "status": "True", "reason": "Submitted", "message": "",
          "lastTransitionTime": s},
         {"type": "InProgress", "status": "True", "reason": "Running", "message": "",
          "lastTransitionTime": s},
         {"type": "ArtifactsLimited", "status": "False", "reason": "WithinLimits",
          "message": "", "lastTransitionTime": s}]
    if phase == "Succeeded":
        c += [{"type": "Ready", "status": "True", "reason": "Completed", "message": "",
               "lastTransitionTime": e},
              {"type": "Succeeded", "status": "True", "reason": "Completed", "message": "",
               "lastTransitionTime": e}]
    elif phase in ("Failed", "Cancelled"):
        c += [{"type": "Degraded", "status": "True", "reason": reason, "message": message,
               "lastTransitionTime": e},
              {"type": "Failed" if phase == "Failed" else "Cancelled", "status": "True",
               "reason": reason, "message": message, "lastTransitionTime": e}]
    elif phase == "Pending":
        c = [{"type": "Blocked", "status": "True", "reason": "QueueLimit",
              "message": "Namespace agents reached queue limit", "lastTransitionTime": s}]
    else:
        c += [{"type": "Progressing", "status": "True", "reason": "Running", "message": "",
               "lastTransitionTime": s}]
    return c


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--runs", type=int, default=5000)
    ap.add_argument("--pods", action="store_true", help="also Jobs, Pods and logs")
    ap.add_argument("--seed", default="big")
    args = ap.parse_args()
    rnd = random.Random(args.seed)
    base = datetime.datetime(2026, 2, 18, tzinfo=datetime.timezone.utc)
    images = [("sha-%s%s" % (hexof("c%d" % i, 8), hexof("t%d" % i, 32)), hexof("d%d" % i, 64))
              for i in range(6)]
    runs, jobs, pods, logs = [], [], [], {}
    seen = set()
    lane_no = 0
    while len(runs) < args.runs:
        lane_no += 1
        prefix = rnd.choice(PREFIXES)
        day = base + datetime.timedelta(days=rnd.randint(0, 7))
        lane = "%s-run-%s" % (prefix, day.strftime("%Y%m%d"))
        if lane in seen:
            lane = "%s-%d" % (lane, lane_no)
        seen.add(lane)
        ns = "synthesis" if prefix.startswith("synthesis") or rnd.random() < 0.05 else "agents"
        attempts = min(rnd.randint(1, 6), args.runs - len(runs))
        t = day + datetime.timedelta(seconds=rnd.randint(0, 20 * 3600))
        letters = "abcdefghijklmnopqrstuvwxyz"
        skip = 0
        for a in range(attempts):
            skip += rnd.choice((1, 1, 1, 2))
            letter = letters[min(skip - 1, 25)]
            name = (lane + letter)[:63]
            created = t
            t = t + datetime.timedelta(seconds=rnd.randint(300, 7200))
            head = "codex/%s-%s%s" % (prefix, day.strftime("%Y%m%d"), letter)
            last = a == attempts - 1
            roll = rnd.random()
            if not last:
                phase = "Failed" if roll < 0.85 else "Cancelled"
            elif roll < 0.62:
                phase = "Succeeded"
            elif roll < 0.78:
                phase = "Failed"
            elif roll < 0.90:
                phase = "Running"
            elif roll < 0.97:
                phase = "Pending"
            else:
                phase = None
            img_tag, digest = images[min(5, (created - base).days * 6 // 8)]
            obj = {"apiVersion": "agents.proompteng.ai/v1alpha1", "kind": "AgentRun",
                   "metadata": {"name": name, "namespace": ns, "uid": uid(ns + name),
                                "generation": 1, "creationTimestamp": fmt(created),
                                "labels": {"app.kubernetes.io/part-of": prefix.split("-")[0]},
                                "finalizers": ["agents.proompteng.ai/runtime-cleanup"]},
                   "spec": {"agentRef": {"name": "codex-agent"},
                            "implementationSpecRef": {"name": prefix},
                            "runtime": {"type": "job"}, "vcsRef": {"name": "github"},
                            "vcsPolicy": {"required": True, "mode": "read-write"},
                            "parameters": {"repository": "proompteng/lab", "base": "main",
                                           "head": head, "stage": "implementation"},
                            "secrets": ["github-token"], "ttlSecondsAfterFinished": 604800,
                            "idempotencyKey": uid("key" + name)}}
            if phase is not None:
                start = created + datetime.timedelta(seconds=1.2)
                end = None
                reason = message = None
                if phase in ("Succeeded", "Failed", "Cancelled"):
                    end = start + datetime.timedelta(seconds=rnd.randint(20, 1500))
                if phase == "Failed":
                    reason, message = rnd.choice(FAILURES)
                if phase == "Cancelled":
                    reason, message = "RunnerCancelled", "runner cancelled (signal SIGTERM)"
                st = {"observedGeneration": 1, "phase": phase}
                if phase != "Pending":
                    st["startedAt"] = fmt(start, True)
                    st["runtimeRef"] = {"type": "job", "name": name + "-job", "namespace": ns,
                                        "uid": uid("job" + name),
                                        "jobObservedAt": fmt(start, True)}
                    st["vcs"] = {"provider": "github", "repository": "proompteng/lab",
                                 "baseBranch": "main", "headBranch": head, "mode": "read-write"}
                    st["systemPromptHash"] = hexof("prompt", 64)
                    st["specHash"] = hexof("spec" + prefix, 64)
                    st["artifacts"] = [
                        {"name": "runner-log", "path": "/workspace/.agent/runner.log"},
                        {"name": "runner-status", "path": "/workspace/.agent/status.json"}]
                if end:
                    st["finishedAt"] = fmt(end, True)
                    st["runner"] = {"status": {"Succeeded": "succeeded", "Failed": "failed",
                                               "Cancelled": "cancelled"}[phase],
                                    "provider": "codex", "adapter": "codex-app-server",
                                    "exitCode": {"Succeeded": 0, "Failed": 1,
                                                 "Cancelled": 130}[phase],
                                    "startedAt": fmt(start), "finishedAt": fmt(end),
                                    "threadId": uid("th" + name), "turnId": uid("tu" + name),
                                    "model": "gpt-5.3-codex", "effort": "high",
                                    "cwd": "/workspace/lab"}
                    if message and reason == "RunnerFailed":
                        st["runner"]["error"] = message
                if reason:
                    st["reason"] = reason
                    st["message"] = message
                st["updatedAt"] = fmt(end or start, True)
                st["conditions"] = conditions(phase, start, end, reason, message)
                obj["status"] = st
                if args.pods and phase != "Pending":
                    pname = "%s-job-%s" % (name[:57], hexof("p" + name, 5))
                    img = "%s:%s@sha256:%s" % (REGISTRY, img_tag, digest)
                    state = {"running": {"startedAt": fmt(start)}} if not end else {
                        "terminated": {"exitCode": st["runner"]["exitCode"],
                                       "reason": "Completed" if phase == "Succeeded" else "Error",
                                       "startedAt": fmt(start), "finishedAt": fmt(end)}}
                    labels = {"agents.proompteng.ai/agent-run": name,
                              "job-name": name + "-job",
                              "batch.kubernetes.io/job-name": name + "-job"}
                    jobs.append({"apiVersion": "batch/v1", "kind": "Job",
                                 "metadata": {"name": name + "-job", "namespace": ns,
                                              "uid": uid("job" + name),
                                              "creationTimestamp": fmt(start),
                                              "labels": {"agents.proompteng.ai/agent-run": name},
                                              "ownerReferences": [{
                                                  "apiVersion": "agents.proompteng.ai/v1alpha1",
                                                  "kind": "AgentRun", "name": name,
                                                  "uid": obj["metadata"]["uid"]}]},
                                 "spec": {"backoffLimit": 0, "template": {"spec": {
                                     "containers": [{"name": "agent-runner", "image": img}]}}},
                                 "status": {"startTime": fmt(start)}})
                    pods.append({"apiVersion": "v1", "kind": "Pod",
                                 "metadata": {"name": pname, "namespace": ns,
                                              "uid": uid("pod" + name),
                                              "creationTimestamp": fmt(start), "labels": labels},
                                 "spec": {"restartPolicy": "Never", "containers": [
                                     {"name": "agent-runner", "image": img}]},
                                 "status": {"phase": {"Succeeded": "Succeeded",
                                                      "Running": "Running"}.get(phase, "Failed"),
                                            "containerStatuses": [{
                                                "name": "agent-runner", "image": img.split("@")[0],
                                                "imageID": "%s@sha256:%s" % (REGISTRY, digest),
                                                "ready": phase == "Running", "restartCount": 0,
                                                "state": state}]}})
                    text = ["agent-runner %s starting (provider=codex adapter=codex-app-server)"
                            % img_tag[:12],
                            "[command:started] git clone proompteng/lab",
                            "[command:completed] git clone proompteng/lab"]
                    if phase == "Succeeded":
                        text.append("[command:delta] command output https://github.com/"
                                    "proompteng/lab/pull/%d" % (4000 + len(runs)))
                    elif message:
                        text.append("error: " + message)
                    logs[(ns, pname)] = "\n".join(text) + "\n"
            runs.append(obj)
    shutil.rmtree(os.path.join(args.outdir, "objects"), ignore_errors=True)
    shutil.rmtree(os.path.join(args.outdir, "logs"), ignore_errors=True)
    os.makedirs(os.path.join(args.outdir, "objects"))
    with open(os.path.join(args.outdir, "objects", "agentruns.json"), "w") as f:
        json.dump({"apiVersion": "agents.proompteng.ai/v1alpha1", "kind": "AgentRunList",
                   "metadata": {}, "items": runs}, f)
    if args.pods:
        with open(os.path.join(args.outdir, "objects", "jobs.json"), "w") as f:
            json.dump({"apiVersion": "batch/v1", "kind": "JobList", "items": jobs}, f)
        with open(os.path.join(args.outdir, "objects", "pods.json"), "w") as f:
            json.dump({"apiVersion": "v1", "kind": "PodList", "items": pods}, f)
        for (ns, pname), text in logs.items():
            d = os.path.join(args.outdir, "logs", ns, pname)
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, "agent-runner.log"), "w") as f:
                f.write(text)
    print("%s: %d runs in %d lanes%s" % (args.outdir, len(runs), lane_no,
                                         ", %d pods" % len(pods) if args.pods else ""))


if __name__ == "__main__":
    main()
