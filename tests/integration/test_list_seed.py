#!/usr/bin/env python3
"""list, show and logs against the API test server on the seed lane:
contract JSON fields, newest-first order, filters, images and digests from
ONE pod list, PR #3653 found in run g's log (and its state from the GitHub
test server), the attempt chain b,d,e,g with the digest change before the
first success, agent.no-pr for a PR-less success, sanitised table and log
output, and wrong-typed objects that must not crash anything."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.environ["ARTRIAGE_SRC"], "tests", "lib"))
from checks import SRC, BIN, check, verdict  # noqa: E402
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kubeapi import KubeAPI  # noqa: E402
import scenarios as sc  # noqa: E402



def run(api, home, *args, env_extra=None, timeout=60):
    env = api.env(home=home)
    env["XDG_CACHE_HOME"] = os.path.join(home, ".cache")
    env.pop("GITHUB_TOKEN", None)
    env.update(env_extra or {})
    p = subprocess.run([BIN] + list(args), env=env, capture_output=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr.decode(errors="replace")


def main():
    tmp = tempfile.mkdtemp(prefix="artriage-list.")
    try:
        seed_dir = sc.seed(os.path.join(tmp, "seed"))
        home = os.path.join(tmp, "home")
        os.makedirs(home)
        with KubeAPI(seed_dir) as api:
            # ---- list -o json
            rc, out, err = run(api, home, "list", "-o", "json")
            check(rc == 0, "list -o json exit %d: %s" % (rc, err))
            runs = json.loads(out)
            check(len(runs) == 7, "7 runs listed, got %d" % len(runs))
            names = [r["name"] for r in runs]
            check(names[0] == "docs-refresh-20260301a", "newest first: %s" % names[:2])
            created = [r["created"] for r in runs]
            check(created == sorted(created, reverse=True), "sorted by creation, newest first")
            keys = ["context", "namespace", "name", "uid", "phase", "agent", "lane", "attempt", "created",
                    "started", "finished", "repository", "base", "head", "idempotencyKey", "image",
                    "imageDigest", "pr", "failure", "deleted"]
            for r in runs:
                for k in keys:
                    check(k in r, "run %s has %s" % (r["name"], k))
            by = {r["name"]: r for r in runs}
            g = by[sc.LANE + "g"]
            check(g["context"] == "kubeapi", "context kubeapi: %r" % g["context"])
            check(g["lane"] == sc.LANE and g["attempt"] == "g", "lane/attempt of g")
            check(g["imageDigest"] == sc.DIGEST_NEW, "g digest %r" % g["imageDigest"])
            check(by[sc.LANE + "b"]["imageDigest"] == sc.DIGEST_OLD, "b digest")
            check(g["deleted"] is False, "deleted false")
            check(by["jangar-control-plane-implement-sched-q8w2n"]["attempt"] == "", "own lane attempt ''")
            # exactly one pod list for all runs; on a cold cache one log read
            # per ended run that still has its pod (runsrc_settle, as show)
            reqs = api.requests()
            pod_lists = [q for q in reqs if q["path"].endswith("/pods") and q["method"] == "GET"]
            logs = [q for q in reqs if q["path"].endswith("/log")]
            check(len(pod_lists) == 1, "one pod list, got %d" % len(pod_lists))
            # ... plus one passing log per lane with failures: the baseline
            # (g's log, read once for b, d and e)
            check(len(logs) <= 6, "list reads at most one log per ended run with a pod and one "
                  "baseline per lane: %d" % len(logs))

            # ---- filters
            rc, out, err = run(api, home, "list", "-o", "json", "--phase", "Failed")
            check(rc == 0 and len(json.loads(out)) == 3, "--phase Failed gives 3")
            rc, out, err = run(api, home, "list", "-o", "json", "--lane", sc.LANE)
            check(rc == 0 and [r["attempt"] for r in json.loads(out)] == ["g", "e", "d", "b"], "--lane")
            rc, out, err = run(api, home, "list", "-o", "json", "--since", "2026-02-25T09:50:00Z")
            check(rc == 0 and len(json.loads(out)) == 4, "--since")
            rc, out, err = run(api, home, "list", "--since", "yesterday-ish")
            check(rc == 2 and err.count("\n") >= 1, "bad --since is usage error 2")

            # ---- list table
            rc, out, err = run(api, home, "list")
            text = out.decode()
            check(rc == 0, "list table exit")
            check(text.startswith("NAME"), "table header: %r" % text[:40])
            check("\x1b" not in text and "\x07" not in text, "no control bytes in the table")
            check(" 6fa809abd4f4 " in text, "g's short digest in the DIGEST column, as in the console")
            check(len(text.splitlines()) == 8, "header + 7 rows")
            rc, out, err = run(api, home, "-A", "list")
            check(rc == 0 and "NAMESPACE" in out.decode().splitlines()[0], "-A adds NAMESPACE")

            # ---- show g: PR from its log, digest, chain
            rc, out, err = run(api, home, "show", sc.LANE + "g", "-o", "json")
            check(rc == 0, "show g exit %d %s" % (rc, err))
            s = json.loads(out)
            check(s["pr"] and s["pr"]["number"] == 3653 and s["pr"]["url"] == sc.PR_URL, "g PR #3653: %r" % s["pr"])
            check(s["pr"] and s["pr"]["source"].startswith("log:" + sc.LANE + "g-job-"), "PR source names the pod")
            check(s["imageDigest"] == sc.DIGEST_NEW, "g digest in show")
            check(s["failure"] is None, "g has no failure: %r" % s["failure"])
            for k in ("conditions", "systemPromptHash", "specHash", "vcsPolicy", "pods", "attempts"):
                check(k in s, "show has %s" % k)
            c = s["pods"][0]["containers"][0]
            for k in ("name", "image", "imageID", "state", "reason", "exitCode", "restarts"):
                check(k in c, "container has %s" % k)
            att = s["attempts"]
            check([a["attempt"] for a in att] == ["b", "d", "e", "g"], "attempts b,d,e,g: %r" % [a["attempt"] for a in att])
            check(att[3].get("decisive") is True and "digest" in att[3]["changed"], "digest change before g")
            check(all("digest" not in a["changed"] for a in att[:3]), "no digest change among b,d,e")
            check("digest" in s["decisiveChange"], "decisiveChange names digest")
            check(s.get("baseline", 0) is None, "a success has no baseline: %r" % s.get("baseline", 0))

            # ---- show e (namespace/name form): same chain, e current
            rc, out, err = run(api, home, "show", "agents/" + sc.LANE + "e", "-o", "json")
            check(rc == 0, "show ns/name exit")
            s = json.loads(out)
            check(s["name"] == sc.LANE + "e" and s["pr"] is None, "e has no PR")
            check([a.get("current", False) for a in s["attempts"]] == [False, False, True, False], "e is current")
            check(s["attempts"][3]["imageDigest"] == sc.DIGEST_NEW and s["attempts"][2]["imageDigest"] == sc.DIGEST_OLD,
                  "digests per attempt")
            # the failed attempt is compared with the lane's passing attempt g (after it)
            check(s.get("baseline") == {"run": sc.LANE + "g"}, "e's baseline is g: %r" % s.get("baseline"))
            check(s["failure"] and s["failure"]["class"] == "runtime.missing-executable",
                  "e's cause with the baseline: %r" % s["failure"])

            # ---- a succeeded run with no PR
            rc, out, err = run(api, home, "show", "docs-refresh-20260301a", "-o", "json")
            s = json.loads(out)
            check(rc == 0 and s["failure"] and s["failure"]["class"] == "agent.no-pr" and s["failure"]["line"] is None,
                  "agent.no-pr: %r" % s.get("failure"))

            # ---- show text
            rc, out, err = run(api, home, "show", sc.LANE + "e")
            t = out.decode()
            check(rc == 0 and "Before the first success changed: digest" in t, "show text chain")
            rc, out, err = run(api, home, "show", "no-such-run")
            check(rc == 1 and err.startswith("artriage: ") and err.count("\n") == 1 and "no-such-run" in err,
                  "unknown run: exit 1, one line: %r" % err)

            # ---- logs
            rc, out, err = run(api, home, "logs", sc.LANE + "g")
            check(rc == 0 and sc.PR_URL.encode() in out, "logs g")
            rc, out, err = run(api, home, "logs", "docs-refresh-20260301a")
            check(rc == 0 and b"\x1b]0;pwned" in out, "piped logs are raw bytes")
            rc, out, err = run(api, home, "logs", "docs-refresh-20260301a", "--sanitize")
            check(rc == 0 and b"\x1b" not in out and b"^[]0;pwned" in out, "--sanitize escapes: %r" % out[-80:])
            rc, out, err = run(api, home, "logs", sc.LANE + "g", "--container", "nope")
            check(rc == 1 and err.count("\n") == 1, "logs of a missing container: one line: %r" % err)

            # ---- GitHub lookup gives the PR state
            gh_data = os.path.join(tmp, "gh.json")
            with open(gh_data, "w") as f:
                json.dump({"proompteng/lab": [{"number": 3653, "html_url": sc.PR_URL, "state": "closed",
                                               "merged_at": "2026-02-25T11:00:00Z", "created_at": "2026-02-25T10:06:00Z",
                                               "head": {"ref": "codex/torghut-v5-doc12-dspy-adoption-20260225g",
                                                        "sha": "1cc0ecd211f1548d7e34b86d9b72ab222f9b2f08"}}]}, f)
            gh = subprocess.Popen([sys.executable, os.path.join(SRC, "tests", "github", "server.py"),
                                   "--data", gh_data, "--token", "ghtok"], stdout=subprocess.PIPE)
            try:
                port = int(gh.stdout.readline().split()[1])
                env = {"GITHUB_TOKEN": "ghtok", "ARTRIAGE_GITHUB_API": "http://127.0.0.1:%d" % port}
                rc, out, err = run(api, home, "show", sc.LANE + "g", "-o", "json", env_extra=env)
                s = json.loads(out)
                check(rc == 0 and s["pr"]["state"] == "merged" and s["pr"]["headSha"].startswith("1cc0ecd2"),
                      "GitHub state merged: %r" % s.get("pr"))
                check("ghtok" not in err, "token never printed")
                # the API down: show still works, with a note
                env["ARTRIAGE_GITHUB_API"] = "http://127.0.0.1:1"
                rc, out, err = run(api, home, "show", sc.LANE + "g", "-o", "json", env_extra=env)
                check(rc == 0 and json.loads(out)["pr"]["number"] == 3653, "GitHub unreachable is not fatal")
            finally:
                gh.terminate()
                gh.wait()

        # ---- wrong types from a broken endpoint: no crash
        with KubeAPI(sc.broken(os.path.join(tmp, "broken"))) as api:
            rc, out, err = run(api, home, "list", "-o", "json")
            check(rc == 0, "list of wrong-typed runs exits 0: %d %s" % (rc, err[:200]))
            runs = json.loads(out) if rc == 0 else []
            check(sorted(r["name"] for r in runs) == ["huge-fields", "wrong-types"], "both listed")
            rc, out, err = run(api, home, "list")
            check(rc == 0 and b"\x1b" not in out, "table of wrong-typed runs")
            for name in ("wrong-types", "huge-fields"):
                rc, out, err = run(api, home, "show", name, "-o", "json")
                check(rc == 0, "show %s: %d %s" % (name, rc, err[:200]))
                rc, out, err = run(api, home, "show", name)
                check(rc == 0 and b"\x1b" not in out, "show text %s" % name)
            # truncated JSON, a 500, a dropped connection: exit 1, one line
            for fault in ("truncate", "status=500", "drop"):
                api.op({"op": "fault", "rule": "GET /apis/agents.proompteng.ai/v1alpha1:%s:*" % fault})
                rc, out, err = run(api, home, "list", "-o", "json", timeout=30)
                check(rc == 1 and err.startswith("artriage: ") and err.count("\n") == 1,
                      "fault %s: exit 1 + one line, got %d %r" % (fault, rc, err))
                api.op({"op": "clear-faults"})
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return verdict()


if __name__ == "__main__":
    sys.exit(main())
