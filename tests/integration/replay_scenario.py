"""The seed incident's lane replayed over time, written independently of
seed_scenario.py and data/demo/seed: attempts b, d, e of
torghut-v5-doc12-dspy-adoption-run-20260225 are created one after the
other, their pods run, the runner logs grow line by line, the runs fail with
the report's causes, the Job TTL deletes each Job (and so its pod) before the
next attempt starts, then g runs on a new runner image digest, opens PR
#3653 and succeeds; at the end the retention sweep deletes run b. Object
times carry the report's 08:xx-10:06 times; the replay itself takes a few
seconds of wall clock.

    from replay_scenario import LANE, steps, script_ops
    for label, ops in steps(log_times="eg"): ...   # [(label, [op, ...]), ...]
    ops = script_ops(gap=0.4)                  # the same, timed for --script

Each op is a tests/kubeapi/server.py script op. `log_times=False` leaves the
kubelet timestamps of appended log lines to the server's wall clock, as a
replay that does not fake them would; True (or a string of attempt letters)
stamps them on the report's clock.
"""

import json

API = "agents.proompteng.ai/v1alpha1"
NS = "agents"
LANE = "torghut-v5-doc12-dspy-adoption-run-20260225"
REGISTRY = "registry.ide-newton.ts.net/lab/agents-codex-runner"
PROMPT_HASH = "c2b6f8b15d77f3af872b28174787ca8059b5e7d9cc2a9e65e341b5541ae06252"
SPEC_HASH = "3b0e5b1f7f1c4f0aa9d0bb0de7c1a2e4a61f6b0cfe0f5d2a8b4c9e3d7a1f2c6b"

# attempt -> what happened, in the report's times
ATTEMPTS = {
    "b": dict(
        uid="0b8f6a2e-5d61-4c1e-9a43-7f2d1c0e9b11", job_uid="1c2d3e4f-0b11-4a8a-9d1e-52b6a0c3f7d2",
        pod="q2vzt", pod_uid="7e1f0c9d-b6a5-4d3c-8e2f-0a1b2c3d4e01",
        commit="7c51e0aa93b4d27ef6f1c0e4b8a2d9d17e3c5a60",
        digest="0f3e9a7c5b1d2e4f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7",
        created="2026-02-25T08:46:58Z", started="2026-02-25T08:46:59.412Z",
        pod_start="2026-02-25T08:47:01Z", runner_start="2026-02-25T08:47:06Z",
        runner_end="2026-02-25T08:47:21Z", finished="2026-02-25T08:47:24.905Z",
        error='CodexRunnerBootError: load codex runner: ENOENT reading '
              '"/app/node_modules/@proompteng/discord"',
        log=[
            "[agent-runner] provider codex, adapter codex-app-server, spec /workspace/run.json",
            "[agent-runner] verifying system prompt sha256 " + PROMPT_HASH[:16] + "...",
            "[agent-runner] loading runtime modules for codex-runner",
            'ENOENT reading "/app/node_modules/@proompteng/discord"',
            "    at resolveWorkspacePackage (/app/services/jangar/src/server/codex/runner-deps.ts:38:13)",
            "    at async bootCodexRunner (/app/services/jangar/src/server/codex/runner.ts:112:5)",
            "[agent-runner] runner exited before the first turn (exit 1)",
        ],
    ),
    "d": dict(
        uid="2d4c6e8a-0b1c-4d2e-8f3a-5b6c7d8e9f22", job_uid="3e4f5a6b-1c22-4b9b-8e2f-63c7b1d4e8f3",
        pod="j8mkw", pod_uid="8f2a1d0e-c7b6-4e4d-9f3a-1b2c3d4e5f02",
        commit="f12b6082c4e9a1d7b3f5e8c2a6d0b4f9e1c7a3d5",
        digest="1a4f0b8d6c2e3f5a7182930b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f",
        created="2026-02-25T09:15:44Z", started="2026-02-25T09:15:45.061Z",
        pod_start="2026-02-25T09:15:47Z", runner_start="2026-02-25T09:15:53Z",
        runner_end="2026-02-25T09:16:31Z", finished="2026-02-25T09:16:34.218Z",
        error="CodexRunnerWorkspaceError: run-command git -C /workspace/lab rev-parse HEAD: "
              "ENOENT: no such file or directory, posix_spawn 'git'",
        log=[
            "[agent-runner] provider codex, adapter codex-app-server, spec /workspace/run.json",
            "[agent-runner] codex app-server listening, thread 4f0c2a9e-6b1d-4e7a-9c3f-0d2b5e8a1c74",
            "Let me look at the torghut v5 docs and the DSPy scaffolding first.",
            "[command:started] git -C /workspace/lab rev-parse HEAD",
            "ENOENT: no such file or directory, posix_spawn 'git'",
            "[agent-runner] turn aborted: workspace bootstrap failed",
        ],
    ),
    "e": dict(
        uid="4e6a8c0e-2d3e-4f4a-9b5c-7d8e9f0a1b33", job_uid="5a6b7c8d-2d33-4cac-9f3a-74d8c2e5f9a4",
        pod="w5cxh", pod_uid="9a3b2e1f-d8c7-4f5e-8a4b-2c3d4e5f6a03",
        commit="338312f4a7d1c9e5b2f8a4c6e0d3b7f1a9c5e2d8",
        digest="2b5a1c9e7d3f4a6b8293a4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f809",
        created="2026-02-25T09:34:09Z", started="2026-02-25T09:34:10.377Z",
        pod_start="2026-02-25T09:34:12Z", runner_start="2026-02-25T09:34:18Z",
        runner_end="2026-02-25T09:37:40Z", finished="2026-02-25T09:37:44.650Z",
        error='CodexRunnerCommandError: run-command codex-nats-soak: Executable not found in '
              '$PATH: "codex-nats-soak"',
        log=[
            "[agent-runner] provider codex, adapter codex-app-server, spec /workspace/run.json",
            "[command:started] git clone https://github.com/proompteng/lab.git /workspace/lab",
            "[command:completed] git clone https://github.com/proompteng/lab.git /workspace/lab",
            "[command:started] git checkout -b codex/torghut-v5-doc12-dspy-adoption-20260225e origin/main",
            "[command:completed] git checkout -b codex/torghut-v5-doc12-dspy-adoption-20260225e origin/main",
            "I'll add the DSPy program registry and the deterministic fallback.",
            "[file:completed] file changes 5 change(s)",
            "[command:started] bun run --filter torghut lint",
            "[command:delta] command output Checked 212 files in 1.9s. 0 errors, 0 warnings",
            "[command:completed] bun run --filter torghut lint",
            "[command:started] codex-nats-soak --subject agents.torghut.dspy --timeout 30s",
            '[command:delta] command output Executable not found in $PATH: "codex-nats-soak"',
            "[command:completed] codex-nats-soak --subject agents.torghut.dspy --timeout 30s",
            "[agent-runner] turn failed before finalization; no pull request was opened",
        ],
    ),
    "g": dict(
        uid="6a8c0e2a-4f5a-4b6c-8d7e-9f0a1b2c3d44", job_uid="7c8d9e0f-3e44-4dbd-8a4b-85e9d3f6a0b5",
        pod="tk4rb", pod_uid="0b4c3f2a-e9d8-4a6f-9b5c-3d4e5f6a7b04",
        commit="1cc0ecd2b8e4f7a1c3d5e9b2a6f0c4d8e1b7a3f5",
        digest="6fa8c1e29d47b035e1c2d3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4",
        created="2026-02-25T09:57:41Z", started="2026-02-25T09:57:42.890Z",
        pod_start="2026-02-25T09:57:44Z", runner_start="2026-02-25T09:57:51Z",
        runner_end="2026-02-25T10:05:58Z", finished="2026-02-25T10:06:02.117Z",
        error=None,
        log=[
            "[agent-runner] provider codex, adapter codex-app-server, spec /workspace/run.json",
            "[command:started] git clone https://github.com/proompteng/lab.git /workspace/lab",
            "[command:completed] git clone https://github.com/proompteng/lab.git /workspace/lab",
            "main already carries the runtime fixes (https://github.com/proompteng/lab/pull/3650).",
            "[file:completed] file changes 9 change(s)",
            "[command:started] codex-nats-soak --subject agents.torghut.dspy --timeout 30s",
            "[command:delta] command output soak ok: 3 messages in 1.2s",
            "[command:completed] codex-nats-soak --subject agents.torghut.dspy --timeout 30s",
            "[command:started] gh pr create --base main --head codex/torghut-v5-doc12-dspy-adoption-20260225g --fill",
            "[command:delta] command output https://github.com/proompteng/lab/pull/3653",
            "[command:completed] gh pr create --base main --head codex/torghut-v5-doc12-dspy-adoption-20260225g --fill",
            "Opened [feat(torghut): adopt v5 dspy scaffolding with deterministic fallback]"
            "(https://github.com/proompteng/lab/pull/3653); checks are green.",
        ],
    ),
}

# the report's fix merges, as a person adds them with `note add --at`
NOTES = [
    ("2026-02-25T09:05:00Z", "Fix merged for discord workspace import coupling (#3644, f12b6082)"),
    ("2026-02-25T09:22:00Z", "Fix merged for repository bootstrap in Codex implement path (#3647, 338312f4)"),
    ("2026-02-25T09:24:00Z", "Runtime image fix merged to include codex NATS helper scripts (#3650, 1cc0ecd2)"),
]


def run_name(a):
    return LANE + a


def pod_name(a):
    return run_name(a) + "-job-" + ATTEMPTS[a]["pod"]


def _image(a):
    return "%s:sha-%s" % (REGISTRY, ATTEMPTS[a]["commit"])


def _conditions(at, state, err=None, end=None):
    """The controller's condition list (AGENTRUN.md section 4)."""
    c = [("Warning", "False", "None", "", at), ("Accepted", "True", "Submitted", "", at),
         ("InProgress", "True", "Running", "", at), ("ArtifactsLimited", "False", "WithinLimits", "", at)]
    if state == "Running":
        c += [("Ready", "False", "Reconciled", "", at), ("Progressing", "True", "Running", "", at),
              ("Degraded", "False", "Degraded", "", at)]
    elif state == "Failed":
        c += [("Ready", "False", "Reconciled", "", at), ("Progressing", "False", "Running", "", end),
              ("Degraded", "True", "RunnerFailed", err, end)]
    else:
        c += [("Ready", "True", "Completed", "", end), ("Progressing", "False", "Running", "", end),
              ("Degraded", "False", "Degraded", "", at)]
    c.append(("Blocked", "False", "NotBlocked", "", at))
    if state == "Failed":
        c.append(("Failed", "True", "RunnerFailed", err, end))
    elif state == "Succeeded":
        c.append(("Succeeded", "True", "Completed", "", end))
    return [{"type": t, "status": s, "reason": r, "message": m, "lastTransitionTime": w}
            for t, s, r, m, w in c]


def _run_object(a):
    x = ATTEMPTS[a]
    return {
        "apiVersion": API, "kind": "AgentRun",
        "metadata": {"name": run_name(a), "namespace": NS, "uid": x["uid"], "generation": 1,
                     "creationTimestamp": x["created"],
                     "labels": {"app.kubernetes.io/part-of": "torghut"},
                     "finalizers": ["agents.proompteng.ai/runtime-cleanup"]},
        "spec": {"agentRef": {"name": "codex-agent"},
                 "implementationSpecRef": {"name": "torghut-v5-doc12-dspy-adoption"},
                 "runtime": {"type": "job"}, "vcsRef": {"name": "github"},
                 "vcsPolicy": {"required": True, "mode": "read-write"},
                 "parameters": {"repository": "proompteng/lab", "base": "main",
                                "head": "codex/torghut-v5-doc12-dspy-adoption-20260225" + a,
                                "stage": "implementation"},
                 "secrets": ["github-token"], "ttlSecondsAfterFinished": 604800,
                 "idempotencyKey": "torghut-v5-doc12-dspy-adoption-20260225" + a},
    }


def _running_status(a):
    x = ATTEMPTS[a]
    return {
        "observedGeneration": 1, "phase": "Running", "startedAt": x["started"],
        "updatedAt": x["started"],
        "runtimeRef": {"type": "job", "name": run_name(a) + "-job", "namespace": NS,
                       "uid": x["job_uid"], "jobObservedAt": x["started"]},
        "artifacts": [{"name": "runner-log", "path": "/workspace/.agent/runner.log"},
                      {"name": "runner-status", "path": "/workspace/.agent/status.json"}],
        "vcs": {"provider": "github", "repository": "proompteng/lab", "baseBranch": "main",
                "headBranch": "codex/torghut-v5-doc12-dspy-adoption-20260225" + a,
                "mode": "read-write"},
        "systemPromptHash": PROMPT_HASH, "specHash": SPEC_HASH,
        "conditions": _conditions(x["started"], "Running"),
    }


def _runner_status(a):
    x = ATTEMPTS[a]
    ok = x["error"] is None
    st = {"status": "succeeded" if ok else "failed", "provider": "codex",
          "adapter": "codex-app-server", "binary": "/usr/local/bin/agent-runner",
          "exitCode": 0 if ok else 1, "startedAt": x["runner_start"],
          "finishedAt": x["runner_end"], "model": "gpt-5.3-codex", "effort": "high",
          "cwd": "/workspace/lab", "image": _image(a) + "@sha256:" + x["digest"],
          "artifacts": {"statusPath": "/workspace/.agent/status.json",
                        "logPath": "/workspace/.agent/runner.log"}}
    if not ok:
        st["error"] = x["error"]
    return st


def _end_patch(a):
    x = ATTEMPTS[a]
    ok = x["error"] is None
    st = {"phase": "Succeeded" if ok else "Failed", "finishedAt": x["finished"],
          "updatedAt": x["finished"], "runner": _runner_status(a),
          "conditions": _conditions(x["started"], "Succeeded" if ok else "Failed",
                                    x["error"], x["finished"])}
    if not ok:
        st["reason"] = "RunnerFailed"
        st["message"] = x["error"]
    return {"status": st}


def _labels(a):
    return {"agents.proompteng.ai/agent": "codex-agent",
            "agents.proompteng.ai/agent-run": run_name(a),
            "agents.proompteng.ai/implementation": "torghut-v5-doc12-dspy-adoption",
            "agents.proompteng.ai/provider": "codex",
            "batch.kubernetes.io/controller-uid": ATTEMPTS[a]["job_uid"],
            "batch.kubernetes.io/job-name": run_name(a) + "-job",
            "controller-uid": ATTEMPTS[a]["job_uid"], "job-name": run_name(a) + "-job"}


def _job_object(a):
    x = ATTEMPTS[a]
    return {
        "apiVersion": "batch/v1", "kind": "Job",
        "metadata": {"name": run_name(a) + "-job", "namespace": NS, "uid": x["job_uid"],
                     "creationTimestamp": x["pod_start"],
                     "labels": {k: v for k, v in _labels(a).items() if "controller-uid" not in k
                                and "job-name" not in k},
                     "ownerReferences": [{"apiVersion": API, "kind": "AgentRun",
                                          "name": run_name(a), "uid": x["uid"]}]},
        "spec": {"backoffLimit": 0, "template": {"spec": {"restartPolicy": "Never", "containers": [
            {"name": "agent-runner", "image": _image(a) + "@sha256:" + x["digest"]}]}}},
        "status": {"active": 1, "startTime": x["pod_start"]},
    }


def _container(a, state):
    x = ATTEMPTS[a]
    c = {"name": "agent-runner", "ready": state == "running", "restartCount": 0,
         "image": _image(a), "started": state == "running"}
    if state == "waiting":
        c["state"] = {"waiting": {"reason": "ContainerCreating"}}
        return c
    c["imageID"] = REGISTRY + "@sha256:" + x["digest"]
    c["containerID"] = "containerd://" + x["digest"][::-1]
    if state == "running":
        c["state"] = {"running": {"startedAt": x["pod_start"]}}
    else:
        ok = x["error"] is None
        msg = json.dumps(_runner_status(a), indent=2) + "\n"
        c["state"] = {"terminated": {"exitCode": 0 if ok else 1,
                                     "reason": "Completed" if ok else "Error", "message": msg,
                                     "startedAt": x["pod_start"], "finishedAt": x["runner_end"],
                                     "containerID": c["containerID"]}}
    return c


def _pod_object(a, state):
    x = ATTEMPTS[a]
    phase = {"waiting": "Pending", "running": "Running"}.get(
        state, "Succeeded" if x["error"] is None else "Failed")
    return {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": pod_name(a), "generateName": run_name(a) + "-job-", "namespace": NS,
                     "uid": x["pod_uid"], "creationTimestamp": x["pod_start"], "labels": _labels(a),
                     "ownerReferences": [{"apiVersion": "batch/v1", "kind": "Job",
                                          "name": run_name(a) + "-job", "uid": x["job_uid"],
                                          "controller": True, "blockOwnerDeletion": True}]},
        "spec": {"restartPolicy": "Never", "serviceAccountName": "agents-sa",
                 "nodeName": "talos-worker-02",
                 "containers": [{"name": "agent-runner",
                                 "image": _image(a) + "@sha256:" + x["digest"],
                                 "command": ["/usr/local/bin/agent-runner"],
                                 "terminationMessagePath": "/workspace/.agent/status.json",
                                 "terminationMessagePolicy": "File"}]},
        "status": {"phase": phase, "startTime": x["pod_start"], "hostIP": "10.0.40.22",
                   "podIP": "10.244.2.17", "containerStatuses": [_container(a, state)]},
    }


def _event(a, n, obj_kind, obj_name, obj_uid, reason, message, when, typ="Normal"):
    return {"op": "add", "object": {
        "apiVersion": "v1", "kind": "Event",
        "metadata": {"name": "%s.%x" % (obj_name, 0x1820 + n), "namespace": NS,
                     "creationTimestamp": when},
        "involvedObject": {"kind": obj_kind, "namespace": NS, "name": obj_name, "uid": obj_uid,
                           "apiVersion": "batch/v1" if obj_kind == "Job" else "v1"},
        "reason": reason, "message": message, "type": typ, "count": 1,
        "firstTimestamp": when, "lastTimestamp": when, "eventTime": None,
        "source": {"component": "job-controller" if obj_kind == "Job" else "kubelet"}}}


def _log_op(a, line, when, log_times):
    op = {"op": "log", "namespace": NS, "pod": pod_name(a), "container": "agent-runner",
          "text": line}
    if log_times:
        op["time"] = when
    return op


def _spread(start, end, n):
    """n RFC 3339 times evenly from start to end (the report's clock)."""
    import datetime as dt
    p = lambda s: dt.datetime.strptime(s[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=dt.timezone.utc)  # noqa: E731
    a, b = p(start), p(end)
    step = (b - a) / max(1, n - 1)
    return [(a + step * i).strftime("%Y-%m-%dT%H:%M:%SZ") for i in range(n)]


def attempt_steps(a, log_times=False):
    """[(label, [ops])] of one attempt, in the order the cluster shows them.
    log_times: True, False, or the attempt letters whose log lines carry
    kubelet stamps on the report's clock."""
    x = ATTEMPTS[a]
    if not isinstance(log_times, bool):
        log_times = a in log_times
    run, pod = run_name(a), pod_name(a)
    out = [
        ("%s created" % a, [{"op": "add", "object": _run_object(a)}]),
        ("%s submitted" % a, [
            {"op": "modify", "kind": "AgentRun", "apiVersion": API, "namespace": NS, "name": run,
             "patch": {"status": _running_status(a)}},
            {"op": "add", "object": _job_object(a)},
            {"op": "add", "object": _pod_object(a, "waiting")},
            _event(a, 1, "Job", run + "-job", x["job_uid"], "SuccessfulCreate",
                   "Created pod: " + pod, x["pod_start"]),
        ]),
        ("%s pod running" % a, [
            {"op": "modify", "object": _pod_object(a, "running")},
            _event(a, 2, "Pod", pod, x["pod_uid"], "Pulled",
                   'Container image "%s@sha256:%s" already present on machine'
                   % (_image(a), x["digest"]), x["pod_start"]),
            _event(a, 3, "Pod", pod, x["pod_uid"], "Started", "Started container agent-runner",
                   x["pod_start"]),
        ]),
    ]
    times = _spread(x["runner_start"], x["runner_end"], len(x["log"]))
    lines = list(zip(x["log"], times))
    half = (len(lines) + 1) // 2
    for part, chunk in (("log 1", lines[:half]), ("log 2", lines[half:])):
        out.append(("%s %s" % (a, part), [_log_op(a, ln, t, log_times) for ln, t in chunk]))
    ok = x["error"] is None
    # the pod ends first; the controller writes the run's status after it
    out.append(("%s pod ends" % a, [
        {"op": "modify", "object": _pod_object(a, "terminated")},
        {"op": "modify", "kind": "Job", "apiVersion": "batch/v1", "namespace": NS,
         "name": run + "-job", "patch": {"status": {
             "active": None, "succeeded" if ok else "failed": 1,
             "completionTime" if ok else "failedAt": x["runner_end"],
             "conditions": [{"type": "Complete" if ok else "Failed", "status": "True",
                             "reason": None if ok else "BackoffLimitExceeded",
                             "message": None if ok else "Job has reached the specified backoff limit",
                             "lastTransitionTime": x["runner_end"]}]}}},
        _event(a, 4, "Job", run + "-job", x["job_uid"],
               "Completed" if ok else "BackoffLimitExceeded",
               "Job completed" if ok else "Job has reached the specified backoff limit",
               x["runner_end"], "Normal" if ok else "Warning"),
    ]))
    out.append(("%s run ends" % a, [
        {"op": "modify", "kind": "AgentRun", "apiVersion": API, "namespace": NS, "name": run,
         "patch": _end_patch(a)},
    ]))
    if a != "g":
        # the Job TTL: the Job and (by its ownerReference) the pod go away
        out.append(("%s job ttl" % a, [
            {"op": "delete", "kind": "Job", "apiVersion": "batch/v1", "namespace": NS,
             "name": run + "-job"}]))
    return out


def steps(log_times=False):
    """The whole replay: [(label, [ops])]."""
    out = []
    for a in "bdeg":
        out += attempt_steps(a, log_times)
    out.append(("b retention", [{"op": "delete", "kind": "AgentRun", "apiVersion": API,
                                 "namespace": NS, "name": run_name("b")}]))
    out.append(("done", [{"op": "add", "object": {
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "replay-done", "namespace": NS}, "data": {}}}]))
    return out


def script_ops(gap=0.4, log_times=False, start=0.5):
    """The replay as --script lines: one step every `gap` seconds."""
    ops = []
    at = start
    for _, group in steps(log_times):
        for op in group:
            o = dict(op)
            o["at"] = round(at, 3)
            ops.append(o)
        at += gap
    return ops
