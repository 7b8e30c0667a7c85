#!/usr/bin/env python3
"""Writes data/demo/hostile/: a small scenario whose cluster strings carry
terminal control sequences, for sanitiser tests (console inside tmux: the
pane title, the clipboard and the screen must stay intact).

Every hostile string below is one of: OSC 0/2 (window title), OSC 52
(clipboard write), OSC 8 (hyperlink), CSI 2J/H (clear screen), DCS (device
control string), C1 controls (U+009B CSI, U+009D OSC, and raw 0x9b/0x9d bytes
in logs), a bare CR that would overwrite a line, BEL and backspace.
Deterministic: python3 data/demo/gen_hostile.py [OUTDIR].
"""

import json
import os
import shutil
import sys

ESC = "\x1b"
BEL = "\x07"
ST = ESC + "\\"
OSC0 = ESC + "]0;pwned-title" + BEL
OSC2 = ESC + "]2;owned window" + ST
OSC52 = ESC + "]52;c;cm0gLXJmIH4vKg==" + BEL          # "rm -rf ~/*" to the clipboard
OSC8 = ESC + "]8;;https://evil.example/login" + ST + "click me" + ESC + "]8;;" + ST
CLEAR = ESC + "[2J" + ESC + "[H"
DCS = ESC + "Pq#0;2;0;0;0#1;2;100;100;0" + ST
C1_CSI = "\u009b2J"
C1_OSC = "\u009d0;c1-title" + BEL
CR = "progress 10%\rOVERWRITTEN"
ALL = [OSC0, OSC2, OSC52, OSC8, CLEAR, DCS, C1_CSI, C1_OSC, CR]

T0 = "2026-02-25T11:00:00Z"


def run(name, phase, message, reason, head, agent="codex-agent", extra_labels=None):
    cond_msg = "condition: " + OSC52 + " " + CLEAR + " " + message
    labels = {"app.kubernetes.io/part-of": "hostile"}
    labels.update(extra_labels or {})
    return {
        "apiVersion": "agents.proompteng.ai/v1alpha1", "kind": "AgentRun",
        "metadata": {"name": name, "namespace": "agents", "creationTimestamp": T0,
                     "labels": labels,
                     "annotations": {"note": OSC0 + "annotation" + DCS}},
        "spec": {"agentRef": {"name": agent},
                 "implementationSpecRef": {"name": "impl" + OSC2},
                 "runtime": {"type": "job"},
                 "vcsPolicy": {"mode": "read-write", "required": True},
                 "parameters": {"repository": "proompteng/lab" + OSC8, "base": "main" + C1_OSC,
                                "head": head, "issueTitle": CLEAR + "title" + CR},
                 "idempotencyKey": "key" + OSC0},
        "status": {
            "phase": phase, "reason": reason + C1_CSI, "message": message,
            "startedAt": "2026-02-25T11:00:01.000Z", "finishedAt": "2026-02-25T11:02:00.000Z",
            "vcs": {"provider": "github" + DCS, "repository": "proompteng/lab" + OSC52,
                    "baseBranch": "main", "headBranch": head, "mode": "read-write"},
            "runner": {"status": "failed", "exitCode": 1, "error": message},
            "conditions": [
                {"type": "Failed", "status": "True", "reason": "RunnerFailed" + OSC0,
                 "message": cond_msg, "lastTransitionTime": "2026-02-25T11:02:00.000Z"},
                {"type": "Warning" + C1_OSC, "status": "True", "reason": "Odd" + CR,
                 "message": OSC8, "lastTransitionTime": "2026-02-25T11:02:00.000Z"}]}}


def pod(runname, suffix, image, waiting=None):
    name = "%s-job-%s" % (runname, suffix)
    cs = {"name": "agent-runner", "ready": False, "restartCount": 0,
          "image": image, "imageID": "registry.example/runner@sha256:" + "0" * 60 + "dead",
          "state": {"terminated": {"exitCode": 1, "reason": "Error" + OSC0,
                                   "message": "{\"error\": \"" + OSC52.replace(ESC, "\\u001b")
                                   .replace(BEL, "\\u0007") + "\"}",
                                   "startedAt": "2026-02-25T11:00:05Z",
                                   "finishedAt": "2026-02-25T11:01:55Z"}}}
    if waiting:
        cs["state"] = {"waiting": {"reason": "ImagePullBackOff",
                                   "message": waiting}}
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": "agents", "creationTimestamp": T0,
                         "labels": {"agents.proompteng.ai/agent-run": runname,
                                    "job-name": runname + "-job"}},
            "spec": {"restartPolicy": "Never",
                     "containers": [{"name": "agent-runner", "image": image}]},
            "status": {"phase": "Failed" if not waiting else "Pending",
                       "containerStatuses": [cs]}}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "hostile")
    for d in ("objects", "logs"):
        shutil.rmtree(os.path.join(out, d), ignore_errors=True)
    os.makedirs(os.path.join(out, "objects"))
    runs = [
        run("hostile-title-run-20260225a", "Failed",
            "ENOENT " + OSC0 + OSC2 + " reading \"/app/node_modules/x\"", "RunnerFailed",
            "codex/hostile" + OSC8),
        run("hostile-clipboard-run-20260225b", "Failed",
            "Executable not found " + OSC52 + " " + CLEAR + DCS, "RunnerFailed",
            "codex/hostile-b" + C1_OSC),
        run("hostile-cr-run-20260225c", "Succeeded", CR + " " + C1_CSI + " done",
            "Completed", "codex/hostile-c\rX", agent="codex-agent" + ESC + "[31m"),
    ]
    pods = [pod("hostile-title-run-20260225a", "t1t1e", "registry.example/runner:" + OSC0),
            pod("hostile-clipboard-run-20260225b", "c1ip8", "registry.example/runner:1"),
            pod("hostile-cr-run-20260225c", "cr0ab", "registry.example/runner:2",
                waiting="Back-off pulling image " + OSC52 + CLEAR)]
    events = [{"apiVersion": "v1", "kind": "Event",
               "metadata": {"name": "hostile-title-run-20260225a-job-t1t1e.1",
                            "namespace": "agents", "creationTimestamp": T0},
               "involvedObject": {"kind": "Pod", "namespace": "agents",
                                  "name": "hostile-title-run-20260225a-job-t1t1e"},
               "reason": "BackOff" + OSC0, "message": "Back-off " + OSC52 + CLEAR + DCS,
               "type": "Warning", "source": {"component": "kubelet" + C1_OSC},
               "firstTimestamp": T0, "lastTimestamp": T0, "count": 2}]
    for fn, kind, items, api in (("10-agentruns.json", "AgentRunList", runs,
                                  "agents.proompteng.ai/v1alpha1"),
                                 ("30-pods.json", "PodList", pods, "v1"),
                                 ("40-events.json", "EventList", events, "v1")):
        with open(os.path.join(out, "objects", fn), "w") as f:
            json.dump({"apiVersion": api, "kind": kind, "metadata": {}, "items": items}, f,
                      indent=1)
            f.write("\n")
    # logs: raw bytes, including invalid UTF-8 C1 bytes
    e, b = ESC.encode(), BEL.encode()
    lines = [
        b"agent-runner starting",
        b"[command:started] echo " + e + b"]0;pwned-title" + b,
        b"[command:delta] command output " + e + b"]52;c;cm0gLXJmIH4vKg==" + b,
        b"title via ST " + e + b"]2;owned window" + e + b"\\ after",
        b"link " + e + b"]8;;https://evil.example/login" + e + b"\\click me" + e + b"]8;;" + e + b"\\",
        e + b"[2J" + e + b"[H" + b"screen cleared above",
        b"dcs " + e + b"Pq#0;2;0;0;0#1;2;100;100;0" + e + b"\\ end",
        b"raw C1 CSI \x9b2J and raw C1 OSC \x9d0;raw-c1" + b,
        b"utf8 C1 CSI \xc2\x9b2J and utf8 C1 OSC \xc2\x9d0;utf8-c1" + b,
        b"progress 10%\rOVERWRITTEN by a bare CR",
        b"bell " + b * 3 + b" backspace abc\x08\x08\x08XYZ",
        b"cursor up " + e + b"[5A" + e + b"[K erased",
        b"colors " + e + b"[31mred" + e + b"[0m ok",
        b"error: ENOENT reading \"/app/node_modules/@proompteng/discord\" " + e + b"]0;x" + b,
        b"agent-runner: turn failed",
    ]
    for runname, suffix in (("hostile-title-run-20260225a", "t1t1e"),
                            ("hostile-clipboard-run-20260225b", "c1ip8")):
        d = os.path.join(out, "logs", "agents", "%s-job-%s" % (runname, suffix))
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "agent-runner.log"), "wb") as f:
            f.write(b"\n".join(lines) + b"\n")
    print("%s: %d runs, %d pods, %d hostile log lines" % (out, len(runs), len(pods), len(lines)))


if __name__ == "__main__":
    main()
