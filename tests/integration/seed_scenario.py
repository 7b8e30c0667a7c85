"""The seed incident's lane as a scenario for tests/kubeapi/server.py, built
from the shared synthetic examples (tests/data/examples): runs b, d, e, g
of torghut-v5-doc12-dspy-adoption-run-20260225 plus two other runs; pods
for d, e and g with their runner logs (b's pod is already gone, as after
the Job TTL). Used by the store/sync/timeline integration tests.

    from seed_scenario import build_seed
    data_dir = build_seed(tmpdir)          # objects/ and logs/ inside
"""

import copy
import json
import os

SRC = os.environ.get("ARTRIAGE_SRC") or os.path.abspath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
EXAMPLES = os.path.join(SRC, "tests", "data", "examples")
LANE = "torghut-v5-doc12-dspy-adoption-run-20260225"

LOG_D = """[runner] codex-app-server starting (model gpt-5.3-codex, effort high)
[runner] system prompt hash c2b6f8b15d77f3af872b28174787ca8059b5e7d9cc2a9e65e341b5541ae06252 verified
I'll start by looking at the repository layout.
[command:started] git status --short
ENOENT: no such file or directory, posix_spawn 'git'
[runner] turn failed
"""

LOG_E = """[runner] codex-app-server starting (model gpt-5.3-codex, effort high)
[command:started] git clone https://github.com/proompteng/lab.git /workspace/lab
[command:completed] git clone https://github.com/proompteng/lab.git /workspace/lab
Implementing the DSPy scaffolding now.
[file:completed] file changes 3 change(s)
[command:started] codex-nats-soak --subject torghut.dspy
Executable not found in $PATH: "codex-nats-soak"
[runner] turn failed
"""

LOG_G = """[runner] codex-app-server starting (model gpt-5.3-codex, effort high)
[command:started] git clone https://github.com/proompteng/lab.git /workspace/lab
[command:completed] git clone https://github.com/proompteng/lab.git /workspace/lab
[file:completed] file changes 7 change(s)
[command:started] gh pr create --fill --head codex/torghut-v5-doc12-dspy-adoption-20260225g
[command:delta] command output https://github.com/proompteng/lab/pull/3653
[command:completed] gh pr create --fill --head codex/torghut-v5-doc12-dspy-adoption-20260225g
Opened PR: [feat(torghut): adopt v5 dspy scaffolding](https://github.com/proompteng/lab/pull/3653)
"""


def _load(name):
    with open(os.path.join(EXAMPLES, name)) as f:
        return json.load(f)


def _pod_for_d(pod_e):
    """Run d's pod: e's pod renamed and re-timed (d failed at 09:14:31)."""
    p = copy.deepcopy(pod_e)
    run = LANE + "d"
    md = p["metadata"]
    md["name"] = run + "-job-m4n7q"
    md["generateName"] = run + "-job-"
    md["uid"] = "5a0d8c33-1f0e-4b64-9d51-2a1cf0d7e9a4"
    md["creationTimestamp"] = "2026-02-25T09:14:07Z"
    md.pop("resourceVersion", None)
    for k in list(md.get("labels", {})):
        if md["labels"][k] == LANE + "e":
            md["labels"][k] = run
        elif md["labels"][k] == LANE + "e-job":
            md["labels"][k] = run + "-job"
    for ref in md.get("ownerReferences", []):
        ref["name"] = run + "-job"
    st = p["status"]
    st["startTime"] = "2026-02-25T09:14:07Z"
    cs = st["containerStatuses"][0]
    term = cs["state"]["terminated"]
    term["startedAt"] = "2026-02-25T09:14:10Z"
    term["finishedAt"] = "2026-02-25T09:14:29Z"
    term["message"] = json.dumps({"status": "failed", "exitCode": 1,
                                  "error": "ENOENT: no such file or directory, posix_spawn 'git'"})
    cs["image"] = "registry.ide-newton.ts.net/lab/agents-codex-runner:sha-f12b608279c0d9a5a0a0c1c22b4dbe4f00d1e7a1"
    cs["imageID"] = ("registry.ide-newton.ts.net/lab/agents-codex-runner@sha256:"
                     "11aa5e0c3b0f0a4e4fd2c79d6c1b1a35d3b0f0f3b5c8a3c6f1e1e0d9c8b7a6f5")
    return p


def build_seed(tmp, runs=None):
    """Writes the scenario under tmp/seed and returns that directory.
    runs: optional list of run-name suffixes to keep (default: all six)."""
    data = os.path.join(tmp, "seed")
    objs = os.path.join(data, "objects")
    os.makedirs(objs, exist_ok=True)
    lst = _load("agentrunlist.json")
    if runs is not None:
        lst["items"] = [it for it in lst["items"]
                        if any(it["metadata"]["name"].endswith(s) for s in runs)]
    with open(os.path.join(objs, "agentruns.json"), "w") as f:
        json.dump(lst, f)
    pod_e = _load("pod-agentrun-20260225e.json")
    pod_g = _load("pod-agentrun-20260225g.json")
    pod_d = _pod_for_d(pod_e)
    logs = {}
    for pod, text in ((pod_d, LOG_D), (pod_e, LOG_E), (pod_g, LOG_G)):
        run = pod["metadata"]["labels"]["agents.proompteng.ai/agent-run"]
        if runs is not None and not any(run.endswith(s) for s in runs):
            continue
        pod["metadata"].pop("resourceVersion", None)
        with open(os.path.join(objs, pod["metadata"]["name"] + ".json"), "w") as f:
            json.dump(pod, f)
        d = os.path.join(data, "logs", pod["metadata"]["namespace"], pod["metadata"]["name"])
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "agent-runner.log"), "w") as f:
            f.write(text)
        logs[run] = pod["metadata"]["name"]
    return data
