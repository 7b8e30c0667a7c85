"""Start the Kubernetes API test server (tests/kubeapi/server.py) from Python
tests, the same way tests/lib/kubeapi.sh does from bash.

    import sys, os
    sys.path.insert(0, os.path.join(os.environ["ARTRIAGE_SRC"], "tests", "lib"))
    from kubeapi import KubeAPI

    with KubeAPI("data/demo/seed", token="t0k", tls=True) as api:
        api.port, api.pid, api.kubeconfig, api.url   # where it is
        api.get("/apis/agents.proompteng.ai/v1alpha1/namespaces/agents/agentruns")
        api.op({"op": "modify", "kind": "AgentRun", ...})   # script op, now
        api.requests()                                      # what clients sent

The server's stdin is a pipe owned by this object; leaving the `with` block
closes it, so the server exits even if the test is killed.
"""

import base64
import http.client
import json
import os
import re
import select
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time

SRC = os.environ.get("ARTRIAGE_SRC") or os.path.abspath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SERVER = os.path.join(SRC, "tests", "kubeapi", "server.py")


class KubeAPIError(Exception):
    pass


class KubeAPI:
    def __init__(self, data_dir, *extra, token=None, tls=False, script=None, timeout=20.0):
        self.data_dir = data_dir
        self.token = token
        self.tls = tls
        self.script = script
        self.extra = list(extra)
        self.timeout = timeout
        self.proc = None
        self.dir = None
        self.port = None
        self.pid = None
        self.kubeconfig = None
        self.url = None
        self.ca_file = None

    # ---- lifetime

    def start(self):
        self.dir = tempfile.mkdtemp(prefix="kubeapi.")
        self.kubeconfig = os.path.join(self.dir, "kubeconfig")
        args = [sys.executable, SERVER, "--data", self.data_dir, "--port", "0",
                "--kubeconfig-out", self.kubeconfig]
        if self.token is not None:
            args += ["--token", self.token]
        if self.tls:
            args.append("--tls")
        if self.script:
            args += ["--script", self.script]
        args += self.extra
        self.stderr_path = os.path.join(self.dir, "stderr")
        self._stderr = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self._stderr)
        deadline = time.time() + self.timeout
        line = b""
        while time.time() < deadline and not line.endswith(b"\n"):
            r, _, _ = select.select([self.proc.stdout], [], [], 0.1)
            if r:
                ch = os.read(self.proc.stdout.fileno(), 1)
                if not ch:
                    break
                line += ch
        m = re.match(rb"^READY (\d+) (\d+)\n$", line)
        if not m:
            self.stop()
            raise KubeAPIError("test server did not become ready: %r; stderr: %s"
                               % (line, self.stderr()))
        self.port, self.pid = int(m.group(1)), int(m.group(2))
        self.url = "%s://127.0.0.1:%d" % ("https" if self.tls else "http", self.port)
        if self.tls:
            with open(self.kubeconfig) as f:
                m = re.search(r'certificate-authority-data: "([^"]+)"', f.read())
            self.ca_file = os.path.join(self.dir, "ca.crt")
            with open(self.ca_file, "wb") as f:
                f.write(base64.b64decode(m.group(1)))
        return self

    def stderr(self):
        try:
            with open(self.stderr_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def stop(self):
        if self.proc is not None:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
            try:
                self.proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                self.proc.terminate()
                try:
                    self.proc.wait(timeout=3)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
            if self.pid and self.pid != self.proc.pid:
                try:
                    os.kill(self.pid, signal.SIGKILL)
                except OSError:
                    pass
            self.proc.stdout.close()
            self._stderr.close()
            self.proc = None
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False

    # ---- talking to it

    def connection(self, timeout=10):
        if self.tls:
            ctx = ssl.create_default_context(cafile=self.ca_file)
            return http.client.HTTPSConnection("127.0.0.1", self.port, timeout=timeout,
                                               context=ctx)
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(self, method, path, body=None, headers=None, timeout=10):
        """(status, headers dict, body bytes); adds the bearer token."""
        h = dict(headers or {})
        if self.token is not None and "Authorization" not in h:
            h["Authorization"] = "Bearer " + self.token
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            h.setdefault("Content-Type", "application/json")
        conn = self.connection(timeout)
        try:
            conn.request(method, path, body=body, headers=h)
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, dict(resp.getheaders()), data
        finally:
            conn.close()

    def get(self, path, **kw):
        status, _, data = self.request("GET", path, **kw)
        if status != 200:
            raise KubeAPIError("GET %s: %d %s" % (path, status, data[:300]))
        return json.loads(data)

    def op(self, op):
        status, _, data = self.request("POST", "/_kubeapi/op", body=op)
        if status != 200:
            raise KubeAPIError("op %r: %d %s" % (op, status, data[:300]))
        return json.loads(data).get("result")

    def requests(self):
        return self.get("/_kubeapi/requests")["requests"]

    def clear_requests(self):
        self.request("DELETE", "/_kubeapi/requests")

    def env(self, home=None):
        """Environment for a client (kubectl, artriage) pointed at this server."""
        e = dict(os.environ)
        e["KUBECONFIG"] = self.kubeconfig
        if home:
            e["HOME"] = home
        return e
