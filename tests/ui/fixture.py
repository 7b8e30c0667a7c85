#!/usr/bin/env python3
"""Builds the console tests' scenario directory for tests/kubeapi/server.py
from the synthetic examples in tests/data/examples: the seed lane
(b, d, e failed; g succeeded with a new image), a running and a pending run,
the pods of e and g with logs (g's log names its PR), one run in namespace
`synthesis`, and with --hostile a run whose cluster strings carry terminal
escapes (OSC 0/2 title, OSC 52 clipboard, OSC 8 hyperlink, CSI, bare CR).

usage: fixture.py OUT_DIR [--hostile]
"""
import copy
import json
import os
import sys

HOSTILE = ("title\x1b]0;PWNED-TITLE\x07 clip\x1b]52;c;cHduZWQ=\x07 link\x1b]8;;https://evil.example/\x1b\\x\x1b]8;;\x1b\\"
           " clear\x1b[2J\x1b[H cr\roverwrite \x9b31m c1")


def main():
    out = sys.argv[1]
    hostile = "--hostile" in sys.argv[2:]
    src = os.environ.get("ARTRIAGE_SRC") or os.path.join(os.path.dirname(__file__), "..", "..")
    ex = os.path.join(src, "tests", "data", "examples")
    os.makedirs(os.path.join(out, "objects"), exist_ok=True)
    with open(os.path.join(ex, "agentrunlist.json")) as f:
        runs = json.load(f)
    items = runs["items"]
    # one run in another namespace, for :ns
    other = copy.deepcopy(next(r for r in items if r["metadata"]["name"].endswith("20260225d")))
    other["metadata"]["namespace"] = "synthesis"
    other["metadata"]["name"] = "synthesis-probe-run-20260225a"
    other["metadata"]["uid"] = "5e7a0c11-0000-4000-8000-000000000001"
    items.append(other)
    if hostile:
        h = copy.deepcopy(next(r for r in items if r["metadata"]["name"].endswith("20260225b")))
        h["metadata"]["name"] = "hostile-run-20260301a"
        h["metadata"]["uid"] = "0badc0de-0000-4000-8000-000000000002"
        h["metadata"]["creationTimestamp"] = "2026-02-25T10:06:59Z"
        h["status"]["message"] = HOSTILE
        h["status"]["reason"] = "Evil\x1b]2;REASON-TITLE\x07"
        h["spec"]["agentRef"]["name"] = "agent\x1b]2;AGENT-TITLE\x07"
        for c in h["status"].get("conditions", []):
            c["message"] = HOSTILE
        items.append(h)
    with open(os.path.join(out, "objects", "agentruns.json"), "w") as f:
        json.dump(runs, f)
    for name in ("pod-agentrun-20260225e.json", "pod-agentrun-20260225g.json", "job-agentrun-20260225e.json"):
        with open(os.path.join(ex, name)) as f:
            obj = json.load(f)
        with open(os.path.join(out, "objects", name), "w") as f:
            json.dump(obj, f)
    logs = {
        "torghut-v5-doc12-dspy-adoption-run-20260225e-job-7kq2x":
            "[runner] starting codex\n[command:started] codex-nats-soak --lane torghut\n"
            "Error: Executable not found in $PATH: \"codex-nats-soak\"\n[runner] exit 1\n",
        "torghut-v5-doc12-dspy-adoption-run-20260225g-job-x5hzm":
            "[runner] starting codex\n[command:delta] command output https://github.com/proompteng/lab/pull/3653\n"
            "Opened PR [#3653](https://github.com/proompteng/lab/pull/3653)\n[runner] done\n",
    }
    for pod, text in logs.items():
        d = os.path.join(out, "logs", "agents", pod)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "agent-runner.log"), "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
