#!/usr/bin/env python3
"""list/show/logs served from the history cache: after `artriage sync` of
the seed lane, a run deleted on the server is still listed with
"deleted": true; with the API unreachable the commands fail (exit 1, one line naming the
cache) rather than pass cache data off as the cluster's; --offline never
contacts the cluster."""
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



def main():
    tmp = tempfile.mkdtemp(prefix="artriage-offline.")
    try:
        seed_dir = sc.seed(os.path.join(tmp, "seed"))
        home = os.path.join(tmp, "home")
        os.makedirs(home)
        db = os.path.join(tmp, "history.db")
        env = None

        def run(*args, timeout=60):
            p = subprocess.run([BIN, "--db", db] + list(args), env=env, capture_output=True, timeout=timeout)
            return p.returncode, p.stdout, p.stderr.decode(errors="replace")

        with KubeAPI(seed_dir) as api:
            env = api.env(home=home)
            env.pop("GITHUB_TOKEN", None)
            kubeconfig = os.path.join(tmp, "kubeconfig")
            shutil.copy(api.kubeconfig, kubeconfig)
            rc, out, err = run("sync", "--quiet")
            check(rc == 0, "sync: %d %s" % (rc, err))
            rc, out, err = run("list", "-o", "json")
            check(rc == 0, "list after sync")
            by = {r["name"]: r for r in json.loads(out)}
            g = by.get(sc.LANE + "g", {})
            check(g.get("pr") and g["pr"]["number"] == 3653, "g's PR from the cache: %r" % g.get("pr"))
            e = by.get(sc.LANE + "e", {})
            check(e.get("failure") and e["failure"]["class"] == "runtime.missing-executable",
                  "e's class: %r" % e.get("failure"))
            nopr = by.get("docs-refresh-20260301a", {})
            check(nopr.get("failure") and nopr["failure"]["class"] == "agent.no-pr",
                  "cached log without PR: agent.no-pr in list: %r" % nopr.get("failure"))
            # GitHub knows a PR the log did not show: show caches it
            gh_data = os.path.join(tmp, "gh.json")
            with open(gh_data, "w") as f:
                json.dump({"proompteng/lab": [{"number": 4000, "html_url": "https://github.com/proompteng/lab/pull/4000",
                                               "state": "open", "merged_at": None, "created_at": "2026-03-01T11:00:00Z",
                                               "head": {"ref": "codex/docs-refresh-20260301a", "sha": "abc"}}]}, f)
            gh = subprocess.Popen([sys.executable, os.path.join(SRC, "tests", "github", "server.py"),
                                   "--data", gh_data, "--token", "ghtok"], stdout=subprocess.PIPE)
            try:
                port = int(gh.stdout.readline().split()[1])
                env2 = dict(env, GITHUB_TOKEN="ghtok", ARTRIAGE_GITHUB_API="http://127.0.0.1:%d" % port)
                p = subprocess.run([BIN, "--db", db, "show", "docs-refresh-20260301a", "-o", "json"], env=env2,
                                   capture_output=True, timeout=60)
                s = json.loads(p.stdout) if p.returncode == 0 else {}
                check((s.get("pr") or {}).get("number") == 4000 and s.get("failure") is None,
                      "GitHub PR settles agent.no-pr: %r %r" % (s.get("pr"), s.get("failure")))
            finally:
                gh.terminate()
                gh.wait()
            rc, out, err = run("list", "-o", "json")
            r = {x["name"]: x for x in json.loads(out)}.get("docs-refresh-20260301a", {})
            check((r.get("pr") or {}).get("number") == 4000 and r.get("failure") is None,
                  "list shows the cached GitHub PR: %r" % r.get("pr"))
            # b deleted on the server, d's pod gone too
            api.op({"op": "delete", "apiVersion": "agents.proompteng.ai/v1alpha1", "kind": "AgentRun",
                    "namespace": "agents", "name": sc.LANE + "b"})
            rc, out, err = run("list", "-o", "json")
            runs = json.loads(out)
            by = {r["name"]: r for r in runs}
            check(len(runs) == 7, "deleted run still listed: %d" % len(runs))
            check(by.get(sc.LANE + "b", {}).get("deleted") is True, "b deleted: true")
            check(by.get(sc.LANE + "g", {}).get("deleted") is False, "g deleted: false")
            check(by.get(sc.LANE + "b", {}).get("imageDigest") == sc.DIGEST_OLD, "b's digest kept by the cache")
            rc, out, err = run("list")
            check(rc == 0 and "(deleted)" in out.decode(), "table marks deleted runs")
            rc, out, err = run("sync", "--quiet")
            check(rc == 0, "second sync records the deletion")
            rc, out, err = run("show", sc.LANE + "b", "-o", "json")
            check(rc == 0 and json.loads(out)["deleted"] is True, "show a deleted run")
            rc, out, err = run("show", sc.LANE + "g", "-o", "json")
            s = json.loads(out)
            check([a["attempt"] for a in s["attempts"]] == ["b", "d", "e", "g"], "chain keeps deleted b")
        # the server is gone: a failure scripts can see (exit 1, nothing on
        # stdout), one line pointing at --offline for the cache
        env["KUBECONFIG"] = kubeconfig
        rc, out, err = run("list", "-o", "json", timeout=60)
        check(rc == 1 and out == b"" and err.count("\n") == 1 and "--offline" in err and "history cache" in err,
              "unreachable cluster: exit 1, one line naming the cache: %d %r %r" % (rc, out[:100], err))
        rc, out, err = run("--offline", "list", "-o", "json")
        check(rc == 0 and err == "", "--offline list, quiet: %r" % err)
        runs = json.loads(out) if rc == 0 else []
        check(any(r["deleted"] for r in runs), "offline list includes deleted runs")
        rc, out, err = run("--offline", "show", sc.LANE + "g", "-o", "json")
        s = json.loads(out) if rc == 0 else {}
        check(s.get("pr") and s["pr"]["number"] == 3653 and s.get("imageDigest") == sc.DIGEST_NEW,
              "offline show g: %r" % {k: s.get(k) for k in ("pr", "imageDigest")})
        check("digest" in s.get("decisiveChange", []), "offline chain: digest before the success")
        rc, out, err = run("--offline", "logs", sc.LANE + "g")
        check(rc == 0 and sc.PR_URL.encode() in out, "offline logs from the cache: %d %s" % (rc, err))
        rc, out, err = run("--offline", "--db", os.path.join(tmp, "none.db"), "list")
        check(rc == 1 and err.count("\n") == 1 and "none.db" in err, "no cache offline: one line: %r" % err)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return verdict()


if __name__ == "__main__":
    sys.exit(main())
