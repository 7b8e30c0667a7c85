#!/usr/bin/env python3
"""Edge cases of the Kubernetes API test server itself: lists and
pagination, selectors, watch (resume, 410, bookmarks), create/dryRun/422,
logs, auth, fault injection."""

import json
import os
import shutil
import socket
import sys
import tempfile
import time
import unittest

SRC = os.environ.get("ARTRIAGE_SRC") or os.path.abspath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(SRC, "tests", "lib"))
from kubeapi import KubeAPI  # noqa: E402

G = "/apis/agents.proompteng.ai/v1alpha1"
NS_RUNS = G + "/namespaces/agents/agentruns"


def run_obj(name, ns="agents", labels=None, phase="Succeeded", params=None):
    o = {"apiVersion": "agents.proompteng.ai/v1alpha1", "kind": "AgentRun",
         "metadata": {"name": name, "namespace": ns, "labels": labels or {}},
         "spec": {"agentRef": {"name": "codex-agent"},
                  "implementationSpecRef": {"name": "impl"},
                  "runtime": {"type": "job"}, "parameters": params or {}},
         "status": {"phase": phase}}
    return o


class Scenario:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="kubeapi-test.")
        os.makedirs(os.path.join(self.dir, "objects"))
        items = [run_obj("run-%03d" % i, labels={"lane": "l%d" % (i % 3)})
                 for i in range(25)]
        items.append(run_obj("other-1", ns="synthesis", phase="Failed"))
        with open(os.path.join(self.dir, "objects", "runs.json"), "w") as f:
            json.dump({"apiVersion": "v1", "kind": "List", "items": items}, f)
        pod = {"apiVersion": "v1", "kind": "Pod",
               "metadata": {"name": "run-001-job-abcde", "namespace": "agents",
                            "labels": {"agents.proompteng.ai/agent-run": "run-001"}},
               "spec": {"containers": [{"name": "agent-runner", "image": "img:1"}]},
               "status": {"phase": "Running", "containerStatuses": [
                   {"name": "agent-runner", "ready": True, "restartCount": 1,
                    "state": {"running": {"startedAt": "2026-02-25T09:00:00Z"}},
                    "lastState": {"terminated": {"exitCode": 1,
                                                 "startedAt": "2026-02-25T08:00:00Z",
                                                 "finishedAt": "2026-02-25T08:01:00Z"}}}]}}
        waiting = {"apiVersion": "v1", "kind": "Pod",
                   "metadata": {"name": "pull-fail", "namespace": "agents"},
                   "spec": {"containers": [{"name": "agent-runner", "image": "img:2"}]},
                   "status": {"phase": "Pending", "containerStatuses": [
                       {"name": "agent-runner", "ready": False, "restartCount": 0,
                        "state": {"waiting": {"reason": "ImagePullBackOff"}}}]}}
        ev = {"apiVersion": "v1", "kind": "Event",
              "metadata": {"name": "run-001.1", "namespace": "agents"},
              "involvedObject": {"kind": "Pod", "name": "run-001-job-abcde",
                                 "namespace": "agents"},
              "reason": "Started", "message": "Started container", "type": "Normal"}
        for fn, o in (("pod.json", pod), ("pod2.json", waiting), ("ev.json", ev)):
            with open(os.path.join(self.dir, "objects", fn), "w") as f:
                json.dump(o, f)
        ld = os.path.join(self.dir, "logs", "agents", "run-001-job-abcde")
        os.makedirs(ld)
        with open(os.path.join(ld, "agent-runner.log"), "w") as f:
            f.write("".join("line %d\n" % i for i in range(10)))
        os.makedirs(ld.replace("run-001-job-abcde", "run-002-job-fghij"))
        with open(os.path.join(ld.replace("run-001-job-abcde", "run-002-job-fghij"),
                               "agent-runner.log"), "w") as f:
            f.write("only line\n")
        with open(os.path.join(ld, "agent-runner.previous.log"), "w") as f:
            f.write("2026-02-25T08:00:30.000000001Z crashed before\n")

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def read_stream_lines(api, path, n, timeout=10, headers=None):
    """Open a streaming GET, return (socket, list of the first n body lines)."""
    conn = api.connection(timeout)
    h = {"Authorization": "Bearer " + api.token} if api.token else {}
    h.update(headers or {})
    conn.request("GET", path, headers=h)
    resp = conn.getresponse()
    out = []
    while len(out) < n:
        line = resp.readline()
        if not line:
            break
        out.append(line)
    return conn, resp, out


class ServerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sc = Scenario()
        cls.api = KubeAPI(cls.sc.dir, "--bookmark-interval", "0.3", "--history", "50").start()

    @classmethod
    def tearDownClass(cls):
        cls.api.stop()
        cls.sc.cleanup()

    def test_discovery(self):
        self.assertEqual(self.api.get("/version")["major"], "1")
        groups = [g["name"] for g in self.api.get("/apis")["groups"]]
        self.assertIn("agents.proompteng.ai", groups)
        res = self.api.get(G)["resources"]
        self.assertIn("agentruns/status", [r["name"] for r in res])
        idx = self.api.get("/openapi/v3")["paths"]
        doc = self.api.get(idx["apis/agents.proompteng.ai/v1alpha1"]["serverRelativeURL"])
        patch = doc["paths"][NS_RUNS.replace("namespaces/agents", "namespaces/{namespace}")
                             + "/{name}"]["patch"]
        self.assertEqual(patch["x-kubernetes-group-version-kind"]["kind"], "AgentRun")
        self.assertIn("fieldValidation", [p["name"] for p in patch["parameters"]])

    def test_pagination_covers_everything_once(self):
        names, cont, pages = [], "", 0
        while True:
            q = "?limit=7" + ("&continue=" + cont if cont else "")
            lst = self.api.get(G + "/agentruns" + q)
            names += [i["metadata"]["name"] for i in lst["items"]]
            pages += 1
            cont = lst["metadata"].get("continue", "")
            if not cont:
                break
        self.assertEqual(pages, 4)
        self.assertEqual(len(names), len(set(names)))
        self.assertIn("other-1", names)
        self.assertGreaterEqual(len(names), 26)
        st, _, body = self.api.request("GET", NS_RUNS + "?limit=2&continue=garbage!")
        self.assertEqual(st, 400)
        self.assertEqual(json.loads(body)["kind"], "Status")

    def test_selectors(self):
        lst = self.api.get(NS_RUNS + "?labelSelector=lane%3Dl1")
        self.assertTrue(lst["items"])
        self.assertTrue(all(i["metadata"]["labels"]["lane"] == "l1" for i in lst["items"]))
        lst = self.api.get(NS_RUNS + "?labelSelector=lane+in+(l0,l2),lane!=l2")
        self.assertTrue(all(i["metadata"]["labels"]["lane"] == "l0" for i in lst["items"]))
        lst = self.api.get(NS_RUNS + "?labelSelector=!lane")
        self.assertTrue(all("lane" not in (i["metadata"].get("labels") or {})
                            for i in lst["items"]))
        self.assertNotIn("run-000", [i["metadata"]["name"] for i in lst["items"]])
        lst = self.api.get(NS_RUNS + "?fieldSelector=metadata.name%3Drun-004")
        self.assertEqual([i["metadata"]["name"] for i in lst["items"]], ["run-004"])
        st, _, _ = self.api.request("GET", NS_RUNS + "?fieldSelector=spec.x%3D1")
        self.assertEqual(st, 400)
        ev = self.api.get("/api/v1/namespaces/agents/events?fieldSelector="
                          "involvedObject.name%3Drun-001-job-abcde")
        self.assertEqual(len(ev["items"]), 1)
        ev2 = self.api.get("/apis/events.k8s.io/v1/namespaces/agents/events")
        self.assertEqual(ev2["items"][0]["note"], "Started container")

    def test_table(self):
        t = self.api.get(NS_RUNS, headers={
            "Accept": "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"})
        self.assertEqual(t["kind"], "Table")
        cols = [c["name"] for c in t["columnDefinitions"]]
        self.assertEqual(cols[:3], ["Name", "Phase", "Agent"])
        row = [r for r in t["rows"] if r["cells"][0] == "run-000"][0]
        self.assertEqual(row["cells"][1], "Succeeded")
        self.assertEqual(row["object"]["metadata"]["namespace"], "agents")

    def test_create_dryrun_invalid_conflict(self):
        body = run_obj("created-1")
        st, _, data = self.api.request("POST", NS_RUNS + "?dryRun=All", body=body)
        self.assertEqual(st, 201, data)
        self.assertNotIn("status", json.loads(data))
        st, _, _ = self.api.request("GET", NS_RUNS + "/created-1")
        self.assertEqual(st, 404)
        st, _, data = self.api.request("POST", NS_RUNS, body=body)
        self.assertEqual(st, 201)
        obj = json.loads(data)
        self.assertTrue(obj["metadata"]["uid"])
        self.assertTrue(obj["metadata"]["resourceVersion"].isdigit())
        st, _, data = self.api.request("POST", NS_RUNS, body=body)
        self.assertEqual((st, json.loads(data)["reason"]), (409, "AlreadyExists"))
        bad = run_obj("bad-1", params={"prompt": "do it"})
        del bad["spec"]["implementationSpecRef"]
        bad["spec"]["systemPrompt"] = "x"
        st, _, data = self.api.request("POST", NS_RUNS, body=bad)
        self.assertEqual(st, 422)
        causes = json.loads(data)["details"]["causes"]
        msgs = " ".join(c["message"] for c in causes)
        self.assertIn("implementationSpecRef or spec.implementation is required", msgs)
        self.assertIn("parameters.prompt is not allowed", msgs)
        self.assertIn("overrides are not allowed", msgs)
        self.assertEqual({c["field"] for c in causes}, {"spec"})
        bad = run_obj("bad-2")
        del bad["spec"]["runtime"]
        bad["spec"]["agentRef"] = {}
        st, _, data = self.api.request("POST", NS_RUNS, body=bad)
        fields = {c["field"] for c in json.loads(data)["details"]["causes"]}
        self.assertEqual(fields, {"spec.runtime", "spec.agentRef.name"})
        gen = run_obj("")
        gen["metadata"] = {"generateName": "codex-agent-"}
        st, _, data = self.api.request("POST", NS_RUNS, body=gen)
        self.assertEqual(st, 201)
        self.assertRegex(json.loads(data)["metadata"]["name"], r"^codex-agent-[a-z0-9]{5}$")
        st, _, data = self.api.request("DELETE", NS_RUNS + "/created-1")
        self.assertEqual(st, 200)
        st, _, data = self.api.request("DELETE", NS_RUNS + "/created-1")
        self.assertEqual((st, json.loads(data)["reason"]), (404, "NotFound"))

    def test_status_subresource(self):
        st, _, data = self.api.request(
            "PATCH", NS_RUNS + "/run-010/status", body=json.dumps(
                {"status": {"phase": "Failed"}, "spec": {"runtime": {"type": "custom"}}}),
            headers={"Content-Type": "application/merge-patch+json"})
        self.assertEqual(st, 200, data)
        obj = json.loads(data)
        self.assertEqual(obj["status"]["phase"], "Failed")
        self.assertEqual(obj["spec"]["runtime"]["type"], "job")

    def test_watch_resume_and_410(self):
        lst = self.api.get(NS_RUNS + "?limit=1")
        rv = lst["metadata"]["resourceVersion"]
        self.api.op({"op": "modify", "kind": "AgentRun", "namespace": "agents",
                     "name": "run-002", "patch": {"status": {"phase": "Running"}}})
        conn, _, lines = read_stream_lines(
            self.api, NS_RUNS + "?watch=true&resourceVersion=%s" % rv, 1)
        conn.close()
        ev = json.loads(lines[0])
        self.assertEqual((ev["type"], ev["object"]["metadata"]["name"]),
                         ("MODIFIED", "run-002"))
        self.assertGreater(int(ev["object"]["metadata"]["resourceVersion"]), int(rv))
        # a label change moves the object out of a filtered watch: DELETED
        conn, _, lines = read_stream_lines(
            self.api, NS_RUNS + "?watch=true&labelSelector=lane%%3Dl0&resourceVersion=%s"
            % ev["object"]["metadata"]["resourceVersion"], 0)
        self.api.op({"op": "modify", "kind": "AgentRun", "namespace": "agents",
                     "name": "run-003", "patch": {"metadata": {"labels": {"lane": "zz"}}}})
        resp = conn.sock.makefile("rb")
        conn.close()
        line = b""
        while not line.startswith(b"{"):
            line = resp.readline()
        self.assertEqual(json.loads(line)["type"], "DELETED")
        resp.close()
        self.api.op({"op": "compact"})
        conn, _, lines = read_stream_lines(
            self.api, NS_RUNS + "?watch=true&resourceVersion=%s" % rv, 1)
        conn.close()
        ev = json.loads(lines[0])
        self.assertEqual(ev["type"], "ERROR")
        self.assertEqual((ev["object"]["code"], ev["object"]["reason"]), (410, "Expired"))

    def test_watch_bookmark_and_timeout(self):
        t0 = time.time()
        conn, resp, lines = read_stream_lines(
            self.api, NS_RUNS + "?watch=true&resourceVersion=%s&allowWatchBookmarks=true"
            "&timeoutSeconds=1" % self.api.get("/_kubeapi/state")["resourceVersion"], 100)
        conn.close()
        types = [json.loads(x)["type"] for x in lines]
        self.assertIn("BOOKMARK", types)
        self.assertLess(time.time() - t0, 5)

    def test_watch_initial_events(self):
        conn, _, lines = read_stream_lines(
            self.api, "/apis/agents.proompteng.ai/v1alpha1/namespaces/synthesis/agentruns"
            "?watch=true&timeoutSeconds=1", 10)
        conn.close()
        self.assertEqual([json.loads(x)["type"] for x in lines], ["ADDED"])

    def test_logs(self):
        base = "/api/v1/namespaces/agents/pods/run-001-job-abcde/log"
        st, _, data = self.api.request("GET", base + "?container=agent-runner&tailLines=2")
        self.assertEqual((st, data), (200, b"line 8\nline 9\n"))
        st, _, data = self.api.request("GET", base + "?timestamps=true&limitBytes=45")
        self.assertEqual(st, 200)
        self.assertRegex(data.decode(), r"^2026-02-25T09:00:00\.0{9}Z line 0\n")
        self.assertEqual(len(data), 45)
        st, _, data = self.api.request("GET", base + "?previous=true&timestamps=true")
        self.assertEqual(data, b"2026-02-25T08:00:30.000000001Z crashed before\n")
        st, _, data = self.api.request("GET", base + "?sinceTime=2026-02-25T09:00:00.35Z")
        self.assertTrue(data.startswith(b"line 4\n"), data)
        st, _, data = self.api.request("GET", "/api/v1/namespaces/agents/pods/pull-fail/log")
        self.assertEqual(st, 400)
        self.assertIn("is waiting to start", json.loads(data)["message"])
        st, _, data = self.api.request("GET", base + "?container=nope")
        self.assertEqual(st, 400)
        st, _, data = self.api.request("GET", "/api/v1/namespaces/agents/pods/none/log")
        self.assertEqual(st, 404)

    def test_log_follow(self):
        base = "/api/v1/namespaces/agents/pods/run-002-job-fghij/log?follow=true&tailLines=1"
        conn, resp, lines = read_stream_lines(self.api, base, 1)
        self.assertEqual(lines, [b"only line\n"])
        self.api.op({"op": "log", "namespace": "agents", "pod": "run-002-job-fghij",
                     "container": "agent-runner", "text": "fresh line"})
        self.assertEqual(resp.readline(), b"fresh line\n")
        conn.close()

    def test_faults(self):
        st, hdrs, data = self.api.request("GET", NS_RUNS, headers={
            "X-Fault": "status=429&retry-after=7"})
        self.assertEqual((st, hdrs.get("Retry-After")), (429, "7"))
        self.assertEqual(json.loads(data)["reason"], "TooManyRequests")
        st, _, data = self.api.request("GET", NS_RUNS + "?fault=status=500")
        self.assertEqual((st, json.loads(data)["code"]), (500, 500))
        st, _, data = self.api.request("GET", NS_RUNS + "?fault=truncate")
        self.assertEqual(st, 200)
        with self.assertRaises(ValueError):
            json.loads(data)
        t0 = time.time()
        self.api.request("GET", "/version?fault=delay=300")
        self.assertGreaterEqual(time.time() - t0, 0.3)
        with self.assertRaises((http_client_errors())):
            self.api.request("GET", NS_RUNS + "?fault=close-after=10")
        conn, _, lines = read_stream_lines(self.api, NS_RUNS + "?watch=true&fault=gone", 1)
        conn.close()
        self.assertEqual(json.loads(lines[0])["object"]["code"], 410)
        # create, then drop the connection: the object exists afterwards
        with self.assertRaises((http_client_errors())):
            self.api.request("POST", NS_RUNS, body=run_obj("dropped-1"),
                             headers={"X-Fault": "drop-after-create"})
        self.assertEqual(self.api.get(NS_RUNS + "/dropped-1")["metadata"]["name"], "dropped-1")
        # fail the first 2 matching requests only
        self.api.op({"op": "fault", "rule": "GET %s?limit=3:status=503:2" % NS_RUNS})
        codes = [self.api.request("GET", NS_RUNS + "?limit=3")[0] for _ in range(3)]
        self.assertEqual(codes, [503, 503, 200])
        self.assertEqual(self.api.request("GET", NS_RUNS + "?limit=4")[0], 200)

    def test_body_faults(self):
        import http.client
        tmp = tempfile.mkdtemp(prefix="kubeapi-body.")
        try:
            html = os.path.join(tmp, "page.html")
            with open(html, "wb") as f:
                f.write(b"<html><body>502 Bad Gateway\x00</body></html>")
            st, hdrs, data = self.api.request(
                "GET", NS_RUNS, headers={"X-Fault": "body=%s&status=500&ctype=text/html" % html})
            self.assertEqual((st, hdrs.get("Content-Type"), data),
                             (500, "text/html", b"<html><body>502 Bad Gateway\x00</body></html>"))
            # a POST answered from the file stores nothing
            st, _, data = self.api.request("POST", NS_RUNS, body=run_obj("body-fault"),
                                           headers={"X-Fault": "body=%s" % html})
            self.assertEqual(st, 200)
            self.assertEqual(self.api.request("GET", NS_RUNS + "/body-fault")[0], 404)
            # a watch gets the bytes as a stream that then ends
            conn, resp, lines = read_stream_lines(
                self.api, NS_RUNS + "?watch=true", 5, headers={"X-Fault": "body=%s" % html})
            conn.close()
            self.assertEqual(lines, [b"<html><body>502 Bad Gateway\x00</body></html>"])
            # repeat: the same bytes forever
            line = os.path.join(tmp, "line")
            with open(line, "wb") as f:
                f.write(b"not json\n")
            conn, resp, lines = read_stream_lines(
                self.api, NS_RUNS, 500, headers={"X-Fault": "body=%s&repeat" % line})
            conn.close()
            self.assertEqual(lines, [b"not json\n"] * 500)
            # stall: headers, then silence
            conn = self.api.connection(timeout=0.5)
            conn.request("GET", NS_RUNS, headers={"X-Fault": "stall"})
            resp = conn.getresponse()
            self.assertEqual(resp.status, 200)
            with self.assertRaises((socket.timeout, OSError, http.client.HTTPException)):
                resp.read(1)
            conn.close()
            st, _, data = self.api.request("GET", NS_RUNS, headers={"X-Fault": "body=/nonexistent/x"})
            self.assertEqual(st, 500)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


    def test_stream_faults(self):
        import http.client
        st = self.api.get("/_kubeapi/state")["resourceVersion"]
        # close-after cuts a watch mid-stream: no clean chunked end
        sock = socket.create_connection(("127.0.0.1", self.api.port), timeout=10)
        sock.sendall(b"GET /apis/agents.proompteng.ai/v1alpha1/agentruns?watch=true"
                     b"&fault=close-after=300 HTTP/1.1\r\nHost: x\r\n\r\n")
        raw = b""
        while True:
            d = sock.recv(65536)
            if not d:
                break
            raw += d
        sock.close()
        head, _, body = raw.partition(b"\r\n\r\n")
        self.assertIn(b"Transfer-Encoding: chunked", head)
        self.assertIn(b'{"type":"ADDED"', body)
        self.assertFalse(body.endswith(b"0\r\n\r\n"))
        self.assertLess(len(body), 320)
        # drop-streams aborts an idle watch
        conn, resp, lines = read_stream_lines(
            self.api, NS_RUNS + "?watch=true&resourceVersion=%s" % st, 0)
        self.api.op({"op": "drop-streams"})
        with self.assertRaises((http.client.IncompleteRead, ConnectionError, OSError)):
            while resp.readline():
                pass
            raise ConnectionError("stream ended")
        conn.close()


class FaultFlagTest(unittest.TestCase):
    def test_fault_first_flag(self):
        sc = Scenario()
        try:
            with KubeAPI(sc.dir, "--fault-first", "POST %s:drop-after-create:1" % NS_RUNS,
                         "--fault-first", "GET /api/v1/namespaces/agents/pods:status=429&"
                         "retry-after=2:1") as api:
                with self.assertRaises(http_client_errors()):
                    api.request("POST", NS_RUNS, body=run_obj("retry-me"))
                st, _, data = api.request("POST", NS_RUNS, body=run_obj("retry-me"))
                self.assertEqual((st, json.loads(data)["reason"]), (409, "AlreadyExists"))
                st, hdrs, _ = api.request("GET", "/api/v1/namespaces/agents/pods")
                self.assertEqual((st, hdrs.get("Retry-After")), (429, "2"))
                self.assertEqual(api.request("GET", "/api/v1/namespaces/agents/pods")[0], 200)
                reqs = api.requests()
                self.assertEqual([r["status"] for r in reqs if r["method"] == "POST"][:2],
                                 [0, 409])
        finally:
            sc.cleanup()


def http_client_errors():
    import http.client
    return (http.client.HTTPException, ConnectionError, socket.timeout, OSError)


class AuthTest(unittest.TestCase):
    def test_token_and_tls(self):
        sc = Scenario()
        try:
            with KubeAPI(sc.dir, token="s3cret", tls=True) as api:
                self.assertTrue(api.url.startswith("https://"))
                with open(api.kubeconfig) as f:
                    kc = f.read()
                self.assertIn('token: "s3cret"', kc)
                self.assertIn("certificate-authority-data", kc)
                self.assertIn("namespace: agents", kc)
                self.assertEqual(oct(os.stat(api.kubeconfig).st_mode & 0o777), "0o600")
                st, _, _ = api.request("GET", NS_RUNS)
                self.assertEqual(st, 200)
                st, _, data = api.request("GET", NS_RUNS, headers={"Authorization": "Bearer x"})
                self.assertEqual((st, json.loads(data)["reason"]), (401, "Unauthorized"))
                st, _, _ = api.request("GET", "/version", headers={"Authorization": ""})
                self.assertEqual(st, 401)
                pid = api.pid
            time.sleep(0.3)
            with self.assertRaises(OSError):
                os.kill(pid, 0)
        finally:
            sc.cleanup()


if __name__ == "__main__":
    unittest.main(verbosity=2)
