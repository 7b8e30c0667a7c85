#!/usr/bin/env python3
"""The demo scenarios keep the facts other tests and the demo rely on: the
incident lane through the API test server, the hostile sequences, and the
big-scenario generator."""

import json
import os
import re
import subprocess
import sys
import tempfile
import unittest

SRC = os.environ.get("ARTRIAGE_SRC") or os.path.abspath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(SRC, "tests", "lib"))
from kubeapi import KubeAPI  # noqa: E402

SEED = os.path.join(SRC, "data", "demo", "seed")
HOSTILE = os.path.join(SRC, "data", "demo", "hostile")
RUNS = "/apis/agents.proompteng.ai/v1alpha1/namespaces/agents/agentruns"
LANE = "torghut-v5-doc12-dspy-adoption-run-20260225"
PR_RE = re.compile(r"https://github\.com/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+/pull/[0-9]+")


class SeedTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.api = KubeAPI(SEED).start()

    @classmethod
    def tearDownClass(cls):
        cls.api.stop()

    def pod_of(self, run):
        pods = self.api.get("/api/v1/namespaces/agents/pods?labelSelector="
                            "agents.proompteng.ai%2Fagent-run%3D" + run)["items"]
        self.assertEqual(len(pods), 1, run)
        return pods[0]

    def log_of(self, pod):
        st, _, data = self.api.request(
            "GET", "/api/v1/namespaces/agents/pods/%s/log?container=agent-runner"
            % pod["metadata"]["name"])
        self.assertEqual(st, 200)
        return data.decode()

    def test_incident_lane(self):
        expect = {"b": ("Failed", 'ENOENT reading "/app/node_modules/@proompteng/discord"'),
                  "d": ("Failed", "posix_spawn 'git'"),
                  "e": ("Failed", 'Executable not found in $PATH: "codex-nats-soak"'),
                  "g": ("Succeeded", None)}
        digests = {}
        for letter, (phase, text) in expect.items():
            run = self.api.get(RUNS + "/" + LANE + letter)
            st = run["status"]
            self.assertEqual(st["phase"], phase)
            self.assertEqual(st["vcs"]["mode"], "read-write")
            self.assertTrue(st["vcs"]["headBranch"].startswith("codex/"))
            self.assertEqual(run["spec"]["runtime"]["type"], "job")
            self.assertEqual(st["runner"]["status"], phase.lower())
            pod = self.pod_of(LANE + letter)
            cs = pod["status"]["containerStatuses"][0]
            self.assertEqual(cs["name"], "agent-runner")
            digests[letter] = cs["imageID"].split("@")[1]
            log = self.log_of(pod)
            n = log.count("\n")
            self.assertTrue(60 <= n <= 250, "%s%s log has %d lines" % (LANE, letter, n))
            self.assertIn("[command:started]", log)
            if text:
                self.assertIn(text, st["message"])
                self.assertIn(text, log)
                self.assertEqual(PR_RE.findall(log), [])
            else:
                self.assertEqual(PR_RE.findall(log)[-1],
                                 "https://github.com/proompteng/lab/pull/3653")
        self.assertEqual(digests["b"], digests["d"])
        self.assertEqual(digests["d"], digests["e"])
        self.assertNotEqual(digests["e"], digests["g"])
        g = self.pod_of(LANE + "g")["spec"]["containers"][0]["image"]
        self.assertIn(":sha-1cc0ecd2", g)
        # the incident's time order
        created = [self.api.get(RUNS + "/" + LANE + x)["metadata"]["creationTimestamp"]
                   for x in "bdeg"]
        self.assertEqual(created, sorted(created))
        self.assertTrue(all(c.startswith("2026-02-25T") for c in created))

    def test_variety(self):
        runs = self.api.get("/apis/agents.proompteng.ai/v1alpha1/agentruns")["items"]
        self.assertGreaterEqual(len(runs), 25)
        self.assertEqual({r["metadata"]["namespace"] for r in runs}, {"agents", "synthesis"})
        phases = {(r.get("status") or {}).get("phase") for r in runs}
        self.assertTrue({"Running", "Pending", "Failed", "Succeeded", None} <= phases, phases)
        reasons = set()
        for r in runs:
            for c in (r.get("status") or {}).get("conditions", []):
                if c["status"] == "True":
                    reasons.add((c["type"], c["reason"]))
        for want in (("Blocked", "QueueLimit"), ("InvalidSpec", "MissingRequiredMetadata"),
                     ("Duplicate", "IdempotencyKeyCompleted")):
            self.assertIn(want, reasons)
        pods = self.api.get("/api/v1/pods")["items"]
        states = json.dumps([p["status"] for p in pods])
        self.assertIn("OOMKilled", states)
        self.assertIn("ImagePullBackOff", states)
        self.assertTrue(any(r["metadata"].get("generateName") for r in runs))
        ev = self.api.get("/api/v1/namespaces/agents/events")["items"]
        self.assertGreater(len(ev), 20)

    def test_script_parses(self):
        with open(os.path.join(SEED, "script.jsonl")) as f:
            ops = [json.loads(line) for line in f if line.strip()]
        self.assertTrue(ops)
        self.assertTrue(all(o["op"] in ("add", "modify", "delete", "log") for o in ops))


class HostileTest(unittest.TestCase):
    def test_sequences_present(self):
        blob = b""
        for root, _, files in os.walk(HOSTILE):
            for fn in files:
                with open(os.path.join(root, fn), "rb") as f:
                    blob += f.read()
        text = blob.decode("utf-8", "replace")
        for seq in ("\\u001b]0;", "\\u001b]2;", "\\u001b]52;", "\\u001b]8;;",
                    "\\u001b[2J", "\\u001bP", "\\u009b", "\\u009d", "\\r"):
            self.assertIn(seq, text, seq)
        for raw in (b"\x1b]0;", b"\x1b]52;", b"\x1b]8;;", b"\x1b[2J", b"\x1bP", b"\x9b",
                    b"\xc2\x9d", b"10%\rOVER"):
            self.assertIn(raw, blob, raw)
        with KubeAPI(HOSTILE) as api:
            items = api.get(RUNS)["items"]
            self.assertEqual(len(items), 3)
            msgs = [i["status"]["message"] for i in items]
            self.assertTrue(any("\x1b]52;" in m for m in msgs), msgs)


class BigTest(unittest.TestCase):
    def test_big_generator(self):
        with tempfile.TemporaryDirectory() as d:
            subprocess.run([sys.executable, os.path.join(SRC, "data", "demo", "big.py"), d,
                            "--runs", "300", "--pods"], check=True, stdout=subprocess.DEVNULL)
            with KubeAPI(d) as api:
                lst = api.get("/apis/agents.proompteng.ai/v1alpha1/agentruns?limit=1000")
                names = [i["metadata"]["name"] for i in lst["items"]]
                self.assertEqual(len(names), 300)
                self.assertEqual(len(set(names)), 300)
                self.assertTrue(all(len(n) <= 63 for n in names))
                self.assertTrue(api.get("/api/v1/pods?limit=1")["items"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
