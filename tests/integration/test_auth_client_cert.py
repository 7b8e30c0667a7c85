#!/usr/bin/env python3
"""Client-certificate authentication, as kubeadm's admin.conf and many
managed clusters use it: the test server (--tls --client-cert) accepts only
a certificate signed by its CA. `list` works with the certificate and key
inline (client-certificate-data / client-key-data) and as files
(client-certificate / client-key, relative to the kubeconfig), kubectl
agrees; a kubeconfig without them gets one line saying the user has no
credentials; a key that does not match its certificate, or a missing key
file, is named in one line; and the key never reaches the history cache."""

import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.environ["ARTRIAGE_SRC"], "tests", "lib"))
from checks import SRC, BIN, check, verdict  # noqa: E402
from kubeapi import KubeAPI  # noqa: E402

SEED = os.path.join(SRC, "data", "demo", "seed")


def run(kc, db, *args):
    p = subprocess.run([BIN, "--kubeconfig", kc, "--db", db] + list(args), capture_output=True, text=True,
                       timeout=60, stdin=subprocess.DEVNULL)
    return p.returncode, p.stdout, p.stderr


def one_line(err):
    return err.count("\n") == 1 and err.startswith("artriage: ")


def field(text, key):
    m = re.search(r"^\s*%s: \"?([^\"\n]+)\"?$" % re.escape(key), text, re.M)
    return m.group(1) if m else None


def main():
    tmp = tempfile.mkdtemp(prefix="artriage-cert.")
    db = os.path.join(tmp, "history.db")
    try:
        with KubeAPI(SEED, "--client-cert", tls=True) as api:
            text = open(api.kubeconfig).read()
            crt = base64.b64decode(field(text, "client-certificate-data"))
            key = base64.b64decode(field(text, "client-key-data"))
            check(b"BEGIN CERTIFICATE" in crt and b"PRIVATE KEY" in key, "the server wrote a client cert and key")

            # inline data
            rc, out, err = run(api.kubeconfig, db, "list", "-o", "json")
            check(rc == 0 and len(json.loads(out or "[]")) >= 20, "list with client-certificate-data: %d %s" % (rc, err))
            if shutil.which("kubectl"):
                p = subprocess.run(["kubectl", "--kubeconfig", api.kubeconfig, "get", "agentruns", "-o", "name"],
                                   capture_output=True, text=True, timeout=60)
                check(p.returncode == 0 and "torghut-v5-doc12-dspy-adoption-run-20260225e" in p.stdout,
                      "kubectl agrees the certificate authenticates: %s" % p.stderr)

            # files beside the kubeconfig, named relative to it
            d = os.path.join(tmp, "kc")
            os.makedirs(os.path.join(d, "pki"))
            for name, data in (("user.crt", crt), ("user.key", key)):
                fd = os.open(os.path.join(d, "pki", name), os.O_WRONLY | os.O_CREAT, 0o600)
                os.write(fd, data)
                os.close(fd)
            files = re.sub(r"client-certificate-data: .*", "client-certificate: pki/user.crt", text)
            files = re.sub(r"client-key-data: .*", "client-key: pki/user.key", files)
            kc_files = os.path.join(d, "config")
            with open(kc_files, "w") as f:
                f.write(files)
            rc, out, err = run(kc_files, db, "list", "-o", "json")
            check(rc == 0 and len(json.loads(out or "[]")) >= 20, "list with client-certificate files: %d %s" % (rc, err))

            # no credential at all: the server's 401 says the user has none
            bare = re.sub(r"\n\s*client-(certificate|key)-data: .*", "", text)
            kc_bare = os.path.join(tmp, "bare.yaml")
            with open(kc_bare, "w") as f:
                f.write(bare)
            rc, out, err = run(kc_bare, db, "list")
            check(rc == 1 and one_line(err) and "has none" in err and "unauthorized" in err,
                  "no certificate: one line saying so: %r" % err)

            # a key file that is not there
            os.unlink(os.path.join(d, "pki", "user.key"))
            rc, out, err = run(kc_files, db, "list")
            check(rc == 1 and one_line(err) and "client-key" in err and "user.key" in err,
                  "missing key file named: %r" % err)

            # a key that does not belong to the certificate
            other = subprocess.run(["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt",
                                    "ec_paramgen_curve:prime256v1"], capture_output=True, check=True).stdout
            wrong = re.sub(r"client-key-data: .*", "client-key-data: " + base64.b64encode(other).decode(), text)
            kc_wrong = os.path.join(tmp, "wrong.yaml")
            with open(kc_wrong, "w") as f:
                f.write(wrong)
            rc, out, err = run(kc_wrong, db, "list")
            check(rc == 1 and one_line(err) and "client certificate of user 'kubeapi'" in err and "cannot reach" not in err,
                  "mismatched key: one line naming the certificate: %r" % err)

            # the private key stays out of the cache
            rc, out, err = run(api.kubeconfig, db, "sync", "--quiet")
            check(rc == 0, "sync with the certificate: %s" % err)
            blob = open(db, "rb").read()
            body = b"".join(key.splitlines()[1:-1])
            check(body[:40] not in blob and base64.b64encode(key)[:40] not in blob, "no key material in the cache")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return verdict()


if __name__ == "__main__":
    sys.exit(main())
