#!/usr/bin/env python3
"""Proxies as kubectl (client-go) uses them. A tiny recording HTTP proxy on
loopback (absolute-URI GET forwarding and CONNECT tunnels) shows:
- a loopback server is reached directly, whatever http_proxy/HTTPS_PROXY/
  ALL_PROXY say;
- the kubeconfig's proxy-url is used even when NO_PROXY=* and another
  proxy is in the environment; over plain http the proxy sees no
  Authorization header (credentials are not sent over plain HTTP);
- over https the proxy only sees a CONNECT, and the token authenticates
  through the tunnel."""

import json
import os
import shutil
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.join(os.environ["ARTRIAGE_SRC"], "tests", "lib"))
from checks import SRC, BIN, check, verdict  # noqa: E402
from kubeapi import KubeAPI  # noqa: E402

SEED = os.path.join(SRC, "data", "demo", "seed")
TOKEN = "proxy-test-token"
SEEN = []


def pipe(a, b):
    try:
        while True:
            d = a.recv(65536)
            if not d:
                break
            b.sendall(d)
    except OSError:
        pass
    finally:
        for s in (a, b):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class Proxy(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        data = b""
        while b"\r\n\r\n" not in data:
            d = self.request.recv(65536)
            if not d:
                return
            data += d
        head, _, rest = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        headers = {k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:])}
        SEEN.append({"method": method, "target": target, "headers": headers})
        if method == "CONNECT":
            port = int(target.rsplit(":", 1)[1])
            up = socket.create_connection(("127.0.0.1", port))
            self.request.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            t = threading.Thread(target=pipe, args=(up, self.request), daemon=True)
            t.start()
            pipe(self.request, up)
            t.join(5)
            return
        # http://host:port/path -> the test server on loopback
        hostport = target.split("/", 3)[2]
        path = "/" + target.split("/", 3)[3] if target.count("/") >= 3 else "/"
        port = int(hostport.rsplit(":", 1)[1])
        up = socket.create_connection(("127.0.0.1", port))
        fwd = ["%s %s HTTP/1.1" % (method, path)]
        fwd += [ln for ln in lines[1:] if not ln.lower().startswith(("connection:", "proxy-connection:"))]
        fwd.append("Connection: close")
        up.sendall(("\r\n".join(fwd) + "\r\n\r\n").encode("latin-1") + rest)
        pipe(up, self.request)


def kubeconfig(path, server, cluster_extra, user):
    with open(path, "w") as f:
        f.write("""apiVersion: v1
kind: Config
current-context: px
clusters:
- name: c
  cluster:
    server: %s
%s
users:
- name: u
  user:
%s
contexts:
- name: px
  context: {cluster: c, user: u, namespace: agents}
""" % (server, cluster_extra, user))


def main():
    tmp = tempfile.mkdtemp(prefix="artriage-proxy.")
    db = os.path.join(tmp, "history.db")
    proxy = Proxy(("127.0.0.1", 0), Handler)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    purl = "http://127.0.0.1:%d" % proxy.server_address[1]

    def run(kc, env_extra):
        env = dict(os.environ)
        for k in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
                  "no_proxy", "NO_PROXY"):
            env.pop(k, None)
        env.update(env_extra)
        p = subprocess.run([BIN, "--kubeconfig", kc, "--db", db, "list", "-o", "json"], capture_output=True,
                           text=True, timeout=60, stdin=subprocess.DEVNULL, env=env)
        return p.returncode, p.stdout, p.stderr

    try:
        with KubeAPI(SEED) as api:
            # loopback: never through the environment's proxy
            kc = os.path.join(tmp, "loopback")
            kubeconfig(kc, api.url, "", "    {}")
            del SEEN[:]
            rc, out, err = run(kc, {"http_proxy": purl, "HTTPS_PROXY": purl, "ALL_PROXY": purl})
            check(rc == 0 and len(json.loads(out or "[]")) >= 20, "loopback server, proxies in env: %d %r" % (rc, err))
            check(SEEN == [], "a loopback server is not reached through a proxy: %r" % SEEN[:2])

            # proxy-url wins over NO_PROXY and the environment's proxy
            kc = os.path.join(tmp, "proxyurl")
            kubeconfig(kc, "http://kube-api.test:%d" % api.port, "    proxy-url: %s" % purl,
                       "    token: %s" % TOKEN)
            del SEEN[:]
            rc, out, err = run(kc, {"NO_PROXY": "*", "no_proxy": "*", "http_proxy": "http://127.0.0.1:9"})
            check(rc == 0 and len(json.loads(out or "[]")) >= 20, "proxy-url despite NO_PROXY=*: %d %r" % (rc, err))
            check(SEEN and all(s["target"].startswith("http://kube-api.test:%d/" % api.port) for s in SEEN),
                  "the proxy-url proxy carried the requests: %r" % [s["target"] for s in SEEN[:2]])
            check(SEEN and all("authorization" not in s["headers"] for s in SEEN),
                  "no credential in clear to the proxy over http")

        with KubeAPI(SEED, token=TOKEN, tls=True) as api:
            text = open(api.kubeconfig).read()
            kc = os.path.join(tmp, "tls-proxy")
            with open(kc, "w") as f:
                f.write(text.replace("    server:", "    proxy-url: %s\n    server:" % purl, 1))
            del SEEN[:]
            rc, out, err = run(kc, {"NO_PROXY": "127.0.0.1"})
            check(rc == 0 and len(json.loads(out or "[]")) >= 20, "token through a CONNECT tunnel: %d %r" % (rc, err))
            check(SEEN and all(s["method"] == "CONNECT" for s in SEEN), "the proxy saw only CONNECT: %r"
                  % [(s["method"], s["target"]) for s in SEEN[:3]])
    finally:
        proxy.shutdown()
        shutil.rmtree(tmp, ignore_errors=True)
    return verdict()


if __name__ == "__main__":
    sys.exit(main())
