#!/usr/bin/env python3
"""User credentials travel over TLS only, as in kubectl (client-go,
kubernetes/kubectl#744). Against a plain http:// test server that records
every request's Authorization header, each credential form a kubeconfig
can carry (token, tokenFile, username/password, the server URL's userinfo,
an exec plugin) leaves the header empty, the exec plugin is never run, the
URL's password is printed nowhere, and one note names the context and says
credentials are not sent over plain HTTP. Over TLS the same token still
authenticates. A 401 over http says the credentials were withheld, not
that the user has none."""

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.environ["ARTRIAGE_SRC"], "tests", "lib"))
from checks import SRC, BIN, check, verdict  # noqa: E402
from kubeapi import KubeAPI  # noqa: E402

SEED = os.path.join(SRC, "data", "demo", "seed")
TOKEN = "s3cret-token-value"


def kubeconfig(path, server, user_yaml, cluster_extra=""):
    with open(path, "w") as f:
        f.write("""apiVersion: v1
kind: Config
current-context: plain
clusters:
- name: c
  cluster:
    server: "%s"
%s
users:
- name: u
  user:
%s
contexts:
- name: plain
  context: {cluster: c, user: u, namespace: agents}
""" % (server, cluster_extra, user_yaml))
    os.chmod(path, 0o600)


def run(kc, db, *args, env=None):
    p = subprocess.run([BIN, "--kubeconfig", kc, "--db", db] + list(args), capture_output=True, text=True,
                       timeout=60, stdin=subprocess.DEVNULL, env=env)
    return p.returncode, p.stdout, p.stderr


def main():
    tmp = tempfile.mkdtemp(prefix="artriage-creds.")
    db = os.path.join(tmp, "history.db")
    marker = os.path.join(tmp, "plugin-ran")
    plugin = os.path.join(tmp, "plugin.sh")
    with open(plugin, "w") as f:
        f.write("#!/bin/sh\ntouch '%s'\necho '{\"apiVersion\":\"client.authentication.k8s.io/v1\","
                "\"kind\":\"ExecCredential\",\"status\":{\"token\":\"%s\"}}'\n" % (marker, TOKEN))
    os.chmod(plugin, stat.S_IRWXU)
    tokfile = os.path.join(tmp, "token")
    with open(tokfile, "w") as f:
        f.write(TOKEN + "\n")
    forms = {
        "token": "    token: %s" % TOKEN,
        "tokenFile": "    tokenFile: %s" % tokfile,
        "basic": "    username: admin\n    password: %s" % TOKEN,
        "exec": "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: %s\n"
                "      interactiveMode: Never" % plugin,
    }
    try:
        # a server that accepts anyone and records what it was sent
        with KubeAPI(SEED) as api:
            for name, user in list(forms.items()) + [("userinfo", "    {}")]:
                kc = os.path.join(tmp, "kc-" + name)
                server = api.url
                if name == "userinfo":
                    server = api.url.replace("http://", "http://admin:%s@" % TOKEN)
                kubeconfig(kc, server, user)
                api.clear_requests()
                rc, out, err = run(kc, db, "list", "-o", "json")
                check(rc == 0 and len(json.loads(out or "[]")) >= 20,
                      "%s over http: list works without credentials: %d %r" % (name, rc, err))
                reqs = [r for r in api.requests() if not r["path"].startswith("/_kubeapi")]
                check(reqs and all(r.get("authorization", "?") == "" for r in reqs),
                      "%s over http: no Authorization header reached the server: %r"
                      % (name, sorted({r.get("authorization") for r in reqs})))
                check("context 'plain'" in err and "not sent over plain HTTP" in err and err.count("\n") == 1,
                      "%s over http: one line naming the context: %r" % (name, err))
                check(TOKEN not in out + err, "%s over http: the secret is printed nowhere" % name)
            check(not os.path.exists(marker), "the exec plugin was not run for an http:// server")

            # a 401 over http names the reason, not "the user has none"
            kc = os.path.join(tmp, "kc-token")
            api.op({"op": "fault", "rule": "GET /apis:status=401:*"})
            rc, out, err = run(kc, db, "list", "-o", "json")
            check(rc == 1 and "not sent over plain HTTP" in err and "has none" not in err,
                  "401 over http says the credentials were withheld: %d %r" % (rc, err))
            api.op({"op": "clear-faults"})

        # over TLS the same token works (and the server wants it)
        with KubeAPI(SEED, token=TOKEN, tls=True) as api:
            rc, out, err = run(api.kubeconfig, db, "list", "-o", "json")
            check(rc == 0 and len(json.loads(out or "[]")) >= 20, "token over TLS authenticates: %d %r" % (rc, err))
            check("plain HTTP" not in err, "no plain-HTTP note over TLS: %r" % err)
            reqs = [r for r in api.requests() if not r["path"].startswith("/_kubeapi")]
            check(reqs and all(r.get("authorization") == "Bearer " + TOKEN for r in reqs),
                  "the token went over TLS")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return verdict()


if __name__ == "__main__":
    sys.exit(main())
