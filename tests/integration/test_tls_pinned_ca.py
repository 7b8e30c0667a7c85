#!/usr/bin/env python3
"""A kubeconfig's certificate-authority(-data) is the ONLY CA trusted for
its cluster, as in kubectl: libcurl's built-in bundle and CA directory
(/etc/ssl/certs) must not vouch for it too. The test server's certificate
is signed by its own CA A; A is made a "system" CA by bind-mounting a
directory holding it over /etc/ssl/certs in a private mount namespace
(unshare -rm). A kubeconfig that pins another CA B (inline data, and as a
file) is then refused; one pinning A, or pinning nothing (the system CAs,
A included), works. Exits 77 (skipped) where user namespaces are off."""

import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.environ["ARTRIAGE_SRC"], "tests", "lib"))
from checks import SRC, BIN, check, verdict  # noqa: E402
from kubeapi import KubeAPI  # noqa: E402

SEED = os.path.join(SRC, "data", "demo", "seed")


def openssl(*args, cwd):
    subprocess.run(["openssl"] + list(args), cwd=cwd, check=True, capture_output=True)


def kubeconfig(path, server, cluster_extra):
    with open(path, "w") as f:
        f.write("""apiVersion: v1
kind: Config
current-context: pinned
clusters:
- name: c
  cluster:
    server: %s
%s
users:
- name: u
  user: {}
contexts:
- name: pinned
  context: {cluster: c, user: u, namespace: agents}
""" % (server, cluster_extra))


def main():
    if shutil.which("unshare") is None or subprocess.run(
            ["unshare", "-rm", "true"], capture_output=True).returncode != 0:
        print("skipped: unshare -rm (user + mount namespaces) is not available here", file=sys.stderr)
        return 77
    tmp = tempfile.mkdtemp(prefix="artriage-ca.")
    db = os.path.join(tmp, "history.db")
    try:
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "other.key", "-out", "other.crt",
                "-days", "2", "-subj", "/CN=some other CA", cwd=tmp)
        other = open(os.path.join(tmp, "other.crt"), "rb").read()
        with KubeAPI(SEED, tls=True) as api:
            sysdir = os.path.join(tmp, "system-certs")
            os.makedirs(sysdir)
            shutil.copy(api.ca_file, os.path.join(sysdir, "kubeapi-ca.pem"))
            shutil.copy(api.ca_file, os.path.join(sysdir, "ca-certificates.crt"))
            openssl("rehash", sysdir, cwd=tmp)

            def run(kc):
                # artriage runs where /etc/ssl/certs holds (and trusts) the server's CA
                p = subprocess.run(["unshare", "-rm", "sh", "-c",
                                    'mount --bind "$1" /etc/ssl/certs && shift && exec "$@"', "sh", sysdir,
                                    BIN, "--kubeconfig", kc, "--db", db, "list", "-o", "json"],
                                   capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
                return p.returncode, p.stdout, p.stderr

            kc = os.path.join(tmp, "system")
            kubeconfig(kc, api.url, "")
            rc, out, err = run(kc)
            check(rc == 0 and len(json.loads(out or "[]")) >= 20,
                  "no CA pinned: the system CAs (the test's) are trusted: %d %r" % (rc, err))

            kc = os.path.join(tmp, "pinned-server-ca")
            kubeconfig(kc, api.url, "    certificate-authority: %s" % api.ca_file)
            rc, out, err = run(kc)
            check(rc == 0, "the pinned CA that signed the server is trusted: %d %r" % (rc, err))

            kc = os.path.join(tmp, "pinned-other-data")
            kubeconfig(kc, api.url, "    certificate-authority-data: %s" % base64.b64encode(other).decode())
            rc, out, err = run(kc)
            check(rc == 1 and out.strip() in ("", "[]") and "certificate" in err.lower() and err.count("\n") == 1,
                  "another CA pinned as data: the server is refused despite the system CAs: %d %r" % (rc, err))

            kc = os.path.join(tmp, "pinned-other-file")
            kubeconfig(kc, api.url, "    certificate-authority: %s" % os.path.join(tmp, "other.crt"))
            rc, out, err = run(kc)
            check(rc == 1 and "certificate" in err.lower(),
                  "another CA pinned as a file: the server is refused despite the system CAs: %d %r" % (rc, err))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return verdict()


if __name__ == "__main__":
    sys.exit(main())
