#!/usr/bin/env python3
"""The console's rerun dialog in tmux against the test API server.

- `r` on a run opens the dialog at once, showing "loading…", even while the
  server holds back the run and the namespace list for seconds; it fills in
  when they arrive (preview: new name, head, the fields that differ).
- `?` in the dialog lists the dialog's keys, from the key table.
- The field editor is fed one key at a time by the console's loop: a watch
  event (MODIFIED) reaches the status bar's counts while it is open;
  Backspace, ^U, Left/Right/Home/End edit the value; Esc cancels an edit
  without closing the dialog.
- An idle dialog writes nothing to the terminal; Esc or :q while it loads
  closes it at once (the requests are cancelled).
- `r` runs the server dry run; a 403 on the create shows inside the dialog
  and creates nothing; Enter, `r`, `y` again create exactly one run whose
  head is the edited value (the create carries the same object as the dry
  run), and the new run appears in the run list.
"""

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
DELAY_MS = 3000

SOCK = "artriage-rerun-%d" % os.getpid()
SESSION = "rr"
FAILS = []


def fail(msg):
    print("FAIL: " + msg)
    FAILS.append(msg)


def tmux(*args, check=True):
    return subprocess.run(["tmux", "-L", SOCK] + list(args), capture_output=True, text=True, check=check)


def screen():
    return tmux("capture-pane", "-p", "-t", SESSION).stdout


def wait_for(text, timeout=20, step=0.2):
    deadline = time.time() + timeout
    while time.time() < deadline:
        s = screen()
        if text in s:
            return s
        time.sleep(step)
    print("---- screen ----\n" + screen() + "----------------")
    raise SystemExit("FAIL: %r did not appear on screen" % text)


def wait_until(pred, timeout=20, step=0.05):
    """The screen once pred(screen) holds, or the last one after timeout."""
    deadline = time.time() + timeout
    while True:
        s = screen()
        if pred(s) or time.time() >= deadline:
            return s
        time.sleep(step)


def keys(*k):
    tmux("send-keys", "-t", SESSION, *k)
    time.sleep(0.3)


def posts(api):
    return [r for r in api.requests() if r.get("method") == "POST" and r.get("path", "").startswith(RUNS)]


def dialog_line(s, prefix):
    """The dialog's line that starts (after indentation) with prefix."""
    for line in s.splitlines():
        if line.strip().startswith(prefix):
            return line.strip()
    return ""


def one_line(s, text, help_prefix):
    """Whether text is on one row of the dialog, right above its key help."""
    rows = s.splitlines()
    for i, row in enumerate(rows[:-1]):
        if text in row:
            return rows[i + 1].strip().startswith(help_prefix)
    return False


def main():
    if not shutil.which("tmux"):
        print("SKIP: tmux is not installed")
        return 77
    tmp = tempfile.mkdtemp(prefix="artriage-rerun-ui-")
    data = os.path.join(tmp, "data")
    os.makedirs(os.path.join(data, "objects"))
    shutil.copy(os.path.join(SRC, "tests", "data", "examples", "agentrunlist.json"),
                os.path.join(data, "objects"))
    api = KubeAPI(data).start()
    try:
        before = {it["metadata"]["name"] for it in api.get(RUNS)["items"]}
        asan = os.path.join(tmp, "asan")
        cmd = ("env HOME=%s XDG_CACHE_HOME=%s/cache TERM=tmux-256color LANG=C.UTF-8 "
               "ASAN_OPTIONS=log_path=%s UBSAN_OPTIONS=log_path=%s %s --kubeconfig %s --db %s/h.db") % (
            tmp, tmp, asan, asan, BIN, api.kubeconfig, tmp)
        # the pane is tmux: its terminfo entry matches the keys tmux sends (Home, End)
        tmux("new-session", "-d", "-s", SESSION, "-x", "200", "-y", "45", cmd)
        wait_for(LANE + "e")
        wait_for("| live |")
        keys("/")
        keys(*list("20260225e"))
        keys("Enter")
        time.sleep(0.5)

        # ---- opens at once on a slow server
        for rule in ("GET %s/%se:delay=%d:1" % (RUNS, LANE, DELAY_MS),
                     "GET %s?limit=500:delay=%d:1" % (RUNS, DELAY_MS)):
            api.op({"op": "fault", "rule": rule})
        t0 = time.time()
        tmux("send-keys", "-t", SESSION, "r")
        s = wait_for("loading…", timeout=DELAY_MS / 1000.0, step=0.02)
        t_open = time.time() - t0
        if "changes from the old run" in s:
            fail("the preview was complete before the delayed answers came")
        if "rerun of agents/" + LANE + "e" not in s:
            fail("the loading dialog does not name the run")
        # the console keeps answering keys while the dialog loads: ^L repaints
        keys("C-l")
        s = wait_for("changes from the old run", timeout=DELAY_MS / 1000.0 + 15)
        t_full = time.time() - t0
        print("measured: r -> dialog on screen %.0f ms; -> preview filled %.0f ms (server delay %d ms)" % (
            t_open * 1000, t_full * 1000, DELAY_MS))
        if t_open > 1.0:
            fail("the dialog took %.2f s to appear (the server was slowed by %d ms)" % (t_open, DELAY_MS))
        for want in ("rerun of agents/" + LANE + "e", LANE + "h",
                     "codex/torghut-v5-doc12-dspy-adoption-20260225h", "spec.parameters.head",
                     "spec.idempotencyKey", "nothing sent yet"):
            if want not in s:
                fail("preview lacks %r" % want)
        if len(api.get(RUNS)["items"]) != len(before):
            fail("opening the dialog created something")

        # ---- ? lists the dialog's keys, from the key table
        keys("?")
        s = wait_for("Keys (rerun)")
        for want in ("next / previous field", "server dry run of the new run", "y / n", "Enter"):
            if want not in s:
                fail("the dialog's help lacks %r" % want)
        for unwanted in ("filter runs", "open the run's detail", "sort by"):
            if unwanted in s:
                fail("the dialog's help lists the run list's key %r" % unwanted)
        keys("q")
        wait_for("changes from the old run")

        # ---- the editor is open while the watch delivers a MODIFIED event
        keys("Down")
        keys("Enter")
        wait_for("Esc cancel the edit")
        s = screen()
        if "Failed 3" not in s or "Running 1" not in s:
            fail("status bar counts before the event are not Failed 3 / Running 1")
        api.op({"op": "modify", "kind": "AgentRun", "namespace": "agents",
                "name": "jangar-control-plane-implement-sched-q8w2n",
                "patch": {"status": {"phase": "Failed"}}})
        s = wait_for("Failed 4", timeout=10)
        if "Esc cancel the edit" not in s:
            fail("the field editor closed when the watch event came")

        # ---- editing keys, one at a time
        keys("C-u")                      # cursor at the end: the whole value goes
        keys(*list("dspx-rétry"))         # UTF-8 is typed as such
        keys("C-b", "C-t", "C-g")        # control characters never enter the value
        keys("Home")
        keys(*list("fix/"))              # "fix/dspx-retry", cursor after "fix/"
        for _ in range(4):
            keys("Right")                # after "dspx"
        keys("BSpace")
        keys("y")                        # "fix/dspy-rétry"
        keys("Home")
        keys(*list("junk/"))
        keys("C-u")                      # deletes "junk/" only (before the cursor)
        keys("End")
        keys(*list("-22"))
        keys("BSpace")                   # "fix/dspy-rétry-2"
        keys("Left", "Left")
        keys("Right", "Right")
        # the keys are paced, not waited for: give the last ones time to land
        s = wait_until(lambda s: "fix/dspy-rétry-2" in dialog_line(s, "head"))
        if "fix/dspy-rétry-2" not in dialog_line(s, "head"):
            fail("the editor shows %r, expected fix/dspy-rétry-2" % dialog_line(s, "head"))
        keys("Enter")
        s = wait_for("-> \"fix/dspy-rétry-2\"")
        if "Esc cancel the edit" in s:
            fail("Enter did not close the editor")

        # ---- Esc cancels an edit and keeps the dialog
        keys("Up")
        keys("Enter")
        wait_for("Esc cancel the edit")
        keys(*list("zzz"))
        keys("Escape")
        s = wait_for("edit cancelled")
        if "rerun of agents/" + LANE + "e" not in s:
            fail("Esc in the editor closed the dialog")
        if dialog_line(s, "name") != "name       " + LANE + "h" and not dialog_line(s, "name").endswith(LANE + "h"):
            fail("Esc kept the edit: name line is %r" % dialog_line(s, "name"))
        if "zzz" in s:
            fail("the cancelled text is still shown")

        # ---- an idle dialog writes nothing
        out = os.path.join(tmp, "pane.out")
        time.sleep(1.5)
        tmux("pipe-pane", "-o", "-t", SESSION, "cat >> " + out)
        time.sleep(4)
        idle = os.path.getsize(out) if os.path.exists(out) else 0
        # the same pipe sees a change: a field moved down and back up
        keys("Down")
        keys("Up")
        deadline = time.time() + 20
        while time.time() < deadline and (os.path.getsize(out) if os.path.exists(out) else 0) <= idle:
            time.sleep(0.05)
        tmux("pipe-pane", "-t", SESSION)
        moved = (os.path.getsize(out) if os.path.exists(out) else 0) - idle
        print("measured: idle output with the dialog open: %.1f bytes/s (over 4 s); a focus move: %d bytes" % (
            idle / 4.0, moved))
        if idle:
            fail("the idle dialog wrote %d bytes in 4 s" % idle)
        if moved <= 0:
            fail("the pane pipe saw nothing when the focus moved: the idle figure means nothing")

        # ---- dry run, then a 403 on the create shows in the dialog
        keys("r")
        wait_for("server dry run accepted")
        p = posts(api)
        if len(p) != 1 or p[0].get("query", {}).get("dryRun") != "All":
            fail("expected exactly one dry-run POST, got %r" % p)
        if {it["metadata"]["name"] for it in api.get(RUNS)["items"]} != before:
            fail("the dry run created something")
        api.op({"op": "fault", "rule": "POST %s:status=403:1" % RUNS})
        keys("y")
        s = wait_for("Forbidden")
        if "rerun of agents/" + LANE + "e" not in s:
            fail("the 403 did not show inside the dialog")
        if not one_line(s, "Forbidden", "Enter edit and retry"):
            fail("the 403 is not one line above the dialog's key help")
        if {it["metadata"]["name"] for it in api.get(RUNS)["items"]} != before:
            fail("the refused create created something")

        # ---- Enter back to the preview, dry run and create for real
        keys("Enter")
        wait_for("nothing sent yet")
        keys("r")
        wait_for("server dry run accepted")
        keys("y")
        wait_for("created agents/" + LANE + "h")
        after = {it["metadata"]["name"] for it in api.get(RUNS)["items"]}
        if after - before != {LANE + "h"}:
            fail("expected exactly one new run h, got %r" % (after - before))
        made = api.get(RUNS + "/" + LANE + "h")
        if made["spec"]["parameters"].get("head") != "fix/dspy-rétry-2":
            fail("the created run's head is %r" % made["spec"]["parameters"].get("head"))
        if made["metadata"].get("annotations", {}).get("artriage.dev/rerun-of") != "agents/" + LANE + "e":
            fail("no provenance annotation on the created run")
        p = posts(api)
        dry = [r for r in p if r.get("query", {}).get("dryRun") == "All"]
        if len(p) != 4 or len(dry) != 2:
            fail("expected 2 dry runs, a refused create and one create, got %r" % p)
        keys("Escape")
        # Clear the filter: the new run is in the list (the dialog named it
        # too, so wait for the list itself).
        keys("/")
        keys("Escape")
        s = wait_for("runs 7/7")
        if "rerun of" in s or LANE + "h" not in s:
            fail("the created run is not in the run list")

        # ---- a refused read while loading shows inside the dialog, as one line
        api.op({"op": "fault", "rule": "GET %s/%sd:status=403:1" % (RUNS, LANE)})
        keys("/")
        keys(*list("20260225d"))
        keys("Enter")
        time.sleep(0.5)
        keys("r")
        s = wait_for("cannot get agentruns")
        if "rerun of agents/" + LANE + "d" not in s:
            fail("the failed load did not show inside the dialog")
        if "changes from the old run" in s:
            fail("a preview was shown although the run could not be read")
        if not one_line(s, "cannot get agentruns", "q / Esc close"):
            fail("the load error is not one line above the dialog's key help")
        keys("Escape")
        s = wait_for("runs 1/7")
        if "rerun of" in s:
            fail("Esc did not close the dialog after a failed load")

        # ---- Esc while loading closes at once and cancels the requests
        api.op({"op": "fault", "rule": "GET %s/%sd:delay=%d:1" % (RUNS, LANE, DELAY_MS)})
        keys("r")
        wait_for("loading…")
        t0 = time.time()
        tmux("send-keys", "-t", SESSION, "Escape")
        wait_for("runs 1/7", timeout=2, step=0.02)
        if time.time() - t0 > 1.0:
            fail("Esc took %.2f s to close a loading dialog" % (time.time() - t0))
        time.sleep(DELAY_MS / 1000.0 + 0.5)  # the held answer arrives for a request that is gone
        s = screen()
        if "rerun of" in s or "runs 1/7" not in s:
            fail("the cancelled load came back to the screen")

        # ---- and :q while loading ends the console cleanly (the sanitizer checks below)
        api.op({"op": "fault", "rule": "GET %s/%sd:delay=%d:1" % (RUNS, LANE, DELAY_MS)})
        keys("r")
        wait_for("loading…")
        keys(":", "q", "Enter")
        deadline = time.time() + 30
        while time.time() < deadline and tmux("has-session", "-t", SESSION, check=False).returncode == 0:
            time.sleep(0.2)
        if tmux("has-session", "-t", SESSION, check=False).returncode == 0:
            fail("the console did not quit on :q")
        # Sanitizer reports (leaks, UB) of the console process, if any.
        for f in os.listdir(tmp):
            if f.startswith("asan"):
                with open(os.path.join(tmp, f)) as fh:
                    fail("sanitizer report:\n" + fh.read()[:4000])
        return 1 if FAILS else 0
    finally:
        tmux("kill-server", check=False)
        api.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
