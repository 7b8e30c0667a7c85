#!/usr/bin/env python3
"""list/show/logs on the bundled demo scenarios (data/demo/seed, hostile):
the incident lane, PR #3653 of run g, the digest change before the first
success, agent.no-pr of the PR-less success, and hostile strings that must
never reach a terminal."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.environ["ARTRIAGE_SRC"], "tests", "lib"))
from checks import SRC, BIN, check, verdict  # noqa: E402
from kubeapi import KubeAPI  # noqa: E402

LANE = "torghut-v5-doc12-dspy-adoption-run-20260225"


def main():
    tmp = tempfile.mkdtemp(prefix="artriage-demo.")
    try:
        def run(api, *args):
            env = api.env(home=tmp)
            env["XDG_CACHE_HOME"] = os.path.join(tmp, "cache")
            env.pop("GITHUB_TOKEN", None)
            p = subprocess.run([BIN] + list(args), env=env, capture_output=True, timeout=60)
            return p.returncode, p.stdout, p.stderr.decode(errors="replace")

        with KubeAPI(os.path.join(SRC, "data", "demo", "seed")) as api:
            rc, out, err = run(api, "-A", "list", "-o", "json")
            check(rc == 0, "list -A: %d %s" % (rc, err))
            runs = json.loads(out) if rc == 0 else []
            by = {r["name"]: r for r in runs}
            check(len(runs) >= 25, "seed has the incident and the others: %d" % len(runs))
            lane = sorted((r for r in runs if r["lane"] == LANE), key=lambda r: r["created"])
            check([r["attempt"] for r in lane] == ["b", "d", "e", "g"], "lane b,d,e,g")
            check(len({r["imageDigest"] for r in lane[:3]}) == 1 and lane[3]["imageDigest"] != lane[0]["imageDigest"],
                  "b,d,e share a digest, g has another")
            oom = by.get("anypi-eval-torghut-repair-20260225e", {})
            check((oom.get("failure") or {}).get("class") == "resource.oom", "OOMKilled from the pod state: %r" % oom.get("failure"))
            rc, out, err = run(api, "show", LANE + "g", "-o", "json")
            s = json.loads(out) if rc == 0 else {}
            check((s.get("pr") or {}).get("number") == 3653, "g PR #3653: %r" % s.get("pr"))
            check(s.get("imageDigest", "").startswith("sha256:6fa809ab"), "g digest")
            check("digest" in s.get("decisiveChange", []), "digest changed before the first success")
            rc, out, err = run(api, "show", LANE + "e", "-o", "json")
            s = json.loads(out) if rc == 0 else {}
            check((s.get("failure") or {}).get("class") == "runtime.missing-executable"
                  and isinstance(s["failure"].get("line"), int), "e classified from its log: %r" % s.get("failure"))
            rc, out, err = run(api, "show", "torghut-v5-uncertainty-gates-loop5-20260225", "-o", "json")
            s = json.loads(out) if rc == 0 else {}
            check(s.get("failure") == {"class": "agent.no-pr", "line": None, "container": None, "rule": "linkage.no-pr"},
                  "agent.no-pr: %r" % s.get("failure"))
            rc, out, err = run(api, "show", "codex-agent-k2m9x", "-o", "json")
            s = json.loads(out) if rc == 0 else {}
            check(rc == 0 and s.get("failure") is None, "read-only success owes no PR: %r" % s.get("failure"))
            rc, out, err = run(api, "logs", LANE + "g", "-f")
            check(rc == 0 and b"https://github.com/proompteng/lab/pull/3653" in out, "logs -f of an ended container")
            # --previous: the log of the container's previous instance (the
            # crash before the restart), exactly, and not the current one
            podlogs = os.path.join(SRC, "data", "demo", "seed", "logs", "agents",
                                   "bumba-ingest-retry-r2-job-v2s9m")
            with open(os.path.join(podlogs, "agent-runner.previous.log"), "rb") as f:
                previous = f.read()
            with open(os.path.join(podlogs, "agent-runner.log"), "rb") as f:
                current = f.read()
            rc, out, err = run(api, "logs", "bumba-ingest-retry-r2", "--previous")
            check(rc == 0 and out.splitlines() == previous.splitlines(),
                  "logs --previous prints the previous instance's log: %d %r %s" % (rc, out[:300], err))
            rc, out, err = run(api, "logs", "bumba-ingest-retry-r2")
            check(rc == 0 and out.splitlines() == current.splitlines(),
                  "logs without --previous prints the current instance's log: %d %r %s" % (rc, out[:300], err))

        with KubeAPI(os.path.join(SRC, "data", "demo", "hostile")) as api:
            rc, out, err = run(api, "-A", "list")
            check(rc == 0 and out, "hostile list")
            bad = [b"\x1b", b"\x07", b"\x9b", b"\xc2\x9b", b"\xc2\x9d", b"\x08", b"\r"]
            check(not any(x in out for x in bad), "hostile table is clean")
            rc, out, err = run(api, "-A", "list", "-o", "json")
            names = [r["name"] for r in json.loads(out)] if rc == 0 else []
            for n in names:
                rc, out, err = run(api, "show", n)
                check(rc == 0 and not any(x in out for x in bad), "hostile show %s is clean" % n)
                check(not any(x.decode("latin-1") in err for x in bad[:2]), "hostile stderr clean %s" % n)
                rc, out, err = run(api, "logs", n, "--sanitize")
                check(not any(x in out for x in bad[:3]), "hostile logs --sanitize %s" % n)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return verdict()


if __name__ == "__main__":
    sys.exit(main())
