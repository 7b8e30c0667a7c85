"""Scenario directories for the list/show/logs integration tests, built
from tests/data/examples (the seed lane b, d, e, g) plus runs made for
one property each. Layout as tests/kubeapi/README.md describes."""
import copy
import json
import os

SRC = os.environ.get("ARTRIAGE_SRC") or os.path.abspath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
EXAMPLES = os.path.join(SRC, "tests", "data", "examples")
LANE = "torghut-v5-doc12-dspy-adoption-run-20260225"
DIGEST_OLD = "sha256:df5ebfde784126747332d48b25aae76e431643775589c5540f115679888345d0"
DIGEST_NEW = "sha256:6fa809abd4f436789236af008933f8ee7f0dd422775bbb265d969c23c71d3dbd"
PR_URL = "https://github.com/proompteng/lab/pull/3653"


def load(name):
    with open(os.path.join(EXAMPLES, name)) as f:
        return json.load(f)


def write(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(obj, f)


def write_log(root, pod, text, container="agent-runner", ns="agents"):
    d = os.path.join(root, "logs", ns, pod)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, container + ".log"), "wb") as f:
        f.write(text if isinstance(text, bytes) else text.encode())


def pod_for(template, run, suffix, created):
    p = copy.deepcopy(template)
    name = run + "-job-" + suffix
    p["metadata"]["name"] = name
    p["metadata"]["generateName"] = run + "-job-"
    p["metadata"]["creationTimestamp"] = created
    p["metadata"].pop("uid", None)
    p["metadata"].pop("resourceVersion", None)
    labels = p["metadata"]["labels"]
    labels["agents.proompteng.ai/agent-run"] = run
    labels["job-name"] = run + "-job"
    labels["batch.kubernetes.io/job-name"] = run + "-job"
    return p


def seed(root):
    """The seed lane: b, d, e failed on the old runner image, g succeeded on
    the new one and opened PR #3653 (only its log says so); plus a Running
    and a Pending run, and a succeeded run that opened no PR."""
    runs = load("agentrunlist.json")
    pod_e = load("pod-agentrun-20260225e.json")
    pod_g = load("pod-agentrun-20260225g.json")
    objs = [pod_e, pod_g]
    # b and d ran the same image as e
    objs.append(pod_for(pod_e, LANE + "b", "b4k2n", "2026-02-25T08:12:42Z"))
    objs.append(pod_for(pod_e, LANE + "d", "d9x7w", "2026-02-25T09:14:07Z"))
    # a succeeded run with a head branch and a read-write policy, no PR
    g = [r for r in runs["items"] if r["metadata"]["name"] == LANE + "g"][0]
    solo = copy.deepcopy(g)
    solo["metadata"]["name"] = "docs-refresh-20260301a"
    solo["metadata"]["creationTimestamp"] = "2026-03-01T10:00:00Z"
    for k in ("uid", "resourceVersion"):
        solo["metadata"].pop(k, None)
    solo["spec"]["parameters"]["head"] = "codex/docs-refresh-20260301a"
    solo["spec"]["idempotencyKey"] = "docs-refresh-20260301a"
    solo["status"]["vcs"]["headBranch"] = "codex/docs-refresh-20260301a"
    runs["items"].append(solo)
    objs.append(pod_for(pod_g, "docs-refresh-20260301a", "s0l0q", "2026-03-01T10:00:02Z"))
    write(os.path.join(root, "objects", "agentruns.json"), runs)
    write(os.path.join(root, "objects", "pods.json"), {"apiVersion": "v1", "kind": "List", "items": objs})
    write_log(root, pod_e["metadata"]["name"],
              "[command:started] codex-nats-soak --check\n"
              "Executable not found in $PATH: \"codex-nats-soak\"\n")
    write_log(root, pod_g["metadata"]["name"],
              "[command:started] gh pr create --fill\n"
              "[command:delta] command output " + PR_URL + "\n"
              "Opened the PR: [#3653](" + PR_URL + ")\n"
              "see also https://github.com/other/repo/pull/1\n")
    write_log(root, "docs-refresh-20260301a-job-s0l0q",
              "[command:started] git status\nnothing to commit, working tree clean\n"
              "Hostile \x1b]0;pwned\x07 title and \x1b[2J clear\n")
    return root


def many(root, n=5000):
    """n runs in two namespaces, lanes of 4 attempts, no pods."""
    items = []
    for i in range(n):
        lane = "bulk-%04d-20260301" % (i // 4)
        name = lane + "abcd"[i % 4]
        items.append({
            "apiVersion": "agents.proompteng.ai/v1alpha1", "kind": "AgentRun",
            "metadata": {"name": name, "namespace": "agents" if i % 2 == 0 else "synthesis",
                         "creationTimestamp": "2026-03-01T%02d:%02d:%02dZ" % (i // 3600 % 24, i // 60 % 60, i % 60),
                         "labels": {"app": "bulk"}},
            "spec": {"agentRef": {"name": "codex-agent"}, "runtime": {"type": "job"},
                     "parameters": {"repository": "proompteng/lab", "head": "codex/" + name}},
            "status": {"phase": ["Failed", "Succeeded", "Running", "Pending"][i % 4],
                       "startedAt": "2026-03-01T00:00:00Z",
                       "conditions": [{"type": "InProgress", "status": "True", "reason": "Running"}]},
        })
    write(os.path.join(root, "objects", "agentruns.json"),
          {"apiVersion": "agents.proompteng.ai/v1alpha1", "kind": "AgentRunList", "items": items})
    return root


def broken(root):
    """AgentRuns and pods with wrong types everywhere, huge and deep fields."""
    deep = {}
    cur = deep
    for _ in range(200):
        cur["x"] = {}
        cur = cur["x"]
    items = [
        {"apiVersion": "agents.proompteng.ai/v1alpha1", "kind": "AgentRun",
         "metadata": {"name": "wrong-types", "namespace": "agents", "labels": {"a": "b"},
                      "annotations": {"artriage.dev/rerun-of": "agents/wrong-types"}},
         "spec": {"agentRef": "codex", "runtime": {"type": "job"}, "parameters": {"head": "h"},
                  "vcsPolicy": "read-write", "workload": 5},
         "status": {"phase": 7, "conditions": {"type": "Failed"}, "reason": ["x"], "message": {},
                    "startedAt": "yesterday", "vcs": "x", "runner": [], "deep": deep}},
        {"apiVersion": "agents.proompteng.ai/v1alpha1", "kind": "AgentRun",
         "metadata": {"name": "huge-fields", "namespace": "agents"},
         "spec": {"agentRef": {"name": "a" * 100000}, "runtime": {"type": "job"}},
         "status": {"phase": "Failed", "message": "\x1b]0;t\x07" + "m" * 1000000,
                    "conditions": [1, "x", None, {"type": "Failed", "status": "True", "reason": 5}]}},
    ]
    write(os.path.join(root, "objects", "agentruns.json"),
          {"apiVersion": "agents.proompteng.ai/v1alpha1", "kind": "AgentRunList", "items": items})
    pod = {"apiVersion": "v1", "kind": "Pod",
           "metadata": {"name": "wrong-types-job-abcde", "namespace": "agents",
                        "labels": {"agents.proompteng.ai/agent-run": "wrong-types"}},
           "spec": {"containers": [{"name": "agent-runner", "image": 5}]},
           "status": {"phase": "Failed", "containerStatuses": [5, {"name": "agent-runner", "imageID": [],
                      "state": {"terminated": {"exitCode": "1"}}, "restartCount": "x"}]}}
    write(os.path.join(root, "objects", "pods.json"), pod)
    return root
