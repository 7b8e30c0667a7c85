#!/usr/bin/env python3
"""The console's rerun dialog in tmux against the test API server: `r` on a
run opens the preview (new name, head, the fields that differ), `r` runs the
server dry run, `y` creates, and the new run appears in the run list; the
server then holds exactly one new run, made by this dialog."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

SRC = os.environ["ARTRIAGE_SRC"]
BIN = os.environ["ARTRIAGE_BIN"]
sys.path.insert(0, os.path.join(SRC, "tests", "lib"))
from kubeapi import KubeAPI  # noqa: E402

LANE = "torghut-v5-doc12-dspy-adoption-run-20260225"
RUNS = "/apis/agents.proompteng.ai/v1alpha1/namespaces/agents/agentruns"


def tmux(*args, check=True):
    return subprocess.run(["tmux", "-L", SOCK] + list(args), capture_output=True, text=True, check=check)


def screen():
    return tmux("capture-pane", "-p", "-t", SESSION).stdout


def wait_for(text, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        s = screen()
        if text in s:
            return s
        time.sleep(0.2)
    print("---- screen ----\n" + screen() + "----------------")
    raise SystemExit("FAIL: %r did not appear on screen" % text)


def keys(*k):
    tmux("send-keys", "-t", SESSION, *k)
    time.sleep(0.3)


SOCK = "artriage-rerun-%d" % os.getpid()
SESSION = "rr"


def main():
    if not os.path.exists(os.path.join(SRC, "ui", "console.c")):
        # The dialog is part of the console; a build without it has neither.
        print("SKIP: this tree has no console (ui/console.c)")
        return 0
    if not shutil.which("tmux"):
        print("FAIL: tmux is required (scripts/bootstrap installs it)")
        return 1
    tmp = tempfile.mkdtemp(prefix="artriage-rerun-ui-")
    data = os.path.join(tmp, "data")
    os.makedirs(os.path.join(data, "objects"))
    shutil.copy(os.path.join(SRC, "..", "shared", "domain", "examples", "agentrunlist.json"),
                os.path.join(data, "objects"))
    api = KubeAPI(data).start()
    try:
        before = {it["metadata"]["name"] for it in api.get(RUNS)["items"]}
        asan = os.path.join(tmp, "asan")
        cmd = ("env HOME=%s XDG_CACHE_HOME=%s/cache TERM=xterm-256color LANG=C.UTF-8 "
               "ASAN_OPTIONS=log_path=%s UBSAN_OPTIONS=log_path=%s %s --kubeconfig %s --db %s/h.db") % (
            tmp, tmp, asan, asan, BIN, api.kubeconfig, tmp)
        tmux("new-session", "-d", "-s", SESSION, "-x", "200", "-y", "45", cmd)
        wait_for(LANE + "e")
        keys("/")
        keys(*list("20260225e"))
        keys("Enter")
        time.sleep(0.5)
        keys("r")
        s = wait_for("changes from the old run")
        ok = True
        for want in ("rerun of agents/" + LANE + "e", LANE + "h",
                     "codex/torghut-v5-doc12-dspy-adoption-20260225h", "spec.parameters.head",
                     "spec.idempotencyKey", "nothing sent yet"):
            if want not in s:
                print("FAIL: preview lacks %r" % want)
                ok = False
        if api.get(RUNS)["items"].__len__() != len(before):
            print("FAIL: opening the dialog created something")
            ok = False
        # Edit the head: Down to the field, Enter, ^U, type, Enter.
        keys("Down")
        keys("Enter")
        keys("C-u")
        keys(*list("fix/dspy-retry"))
        keys("Enter")
        s = wait_for("fix/dspy-retry")
        if "-> \"fix/dspy-retry\"" not in s:
            print("FAIL: the diff does not show the edited head")
            ok = False
        keys("r")
        wait_for("server dry run accepted")
        if {it["metadata"]["name"] for it in api.get(RUNS)["items"]} != before:
            print("FAIL: the dry run created something")
            ok = False
        keys("y")
        wait_for("created agents/" + LANE + "h")
        after = {it["metadata"]["name"] for it in api.get(RUNS)["items"]}
        if after - before != {LANE + "h"}:
            print("FAIL: expected exactly one new run h, got %r" % (after - before))
            ok = False
        made = api.get(RUNS + "/" + LANE + "h")
        if made["spec"]["parameters"].get("head") != "fix/dspy-retry":
            print("FAIL: the created run's head is %r" % made["spec"]["parameters"].get("head"))
            ok = False
        if made["metadata"].get("annotations", {}).get("artriage.dev/rerun-of") != "agents/" + LANE + "e":
            print("FAIL: no provenance annotation on the created run")
            ok = False
        posts = [r for r in api.requests() if r.get("method") == "POST" and RUNS in r.get("path", "")]
        if len(posts) != 2:
            print("FAIL: expected a dry run and one create, got %d POSTs" % len(posts))
            ok = False
        keys("Escape")
        # Clear the filter: the new run is in the list.
        keys("/")
        keys("Escape")
        wait_for(LANE + "h")
        keys("q")
        deadline = time.time() + 10
        while time.time() < deadline and tmux("has-session", "-t", SESSION, check=False).returncode == 0:
            time.sleep(0.2)
        # Sanitizer reports (leaks, UB) of the console process, if any.
        for f in os.listdir(tmp):
            if f.startswith("asan"):
                with open(os.path.join(tmp, f)) as fh:
                    print("FAIL: sanitizer report:\n" + fh.read()[:4000])
                ok = False
        return 0 if ok else 1
    finally:
        tmux("kill-server", check=False)
        api.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
