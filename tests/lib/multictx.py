"""Several Kubernetes API test servers as several contexts of one merged
kubeconfig, for the recorder's tests and bench (tests/integration/
test_record*.py, bench/record.sh).

    from multictx import Clusters, run_obj, pod_obj
    with Clusters(["east", "west"], tmpdir) as cl:
        cl.kubeconfig                      # one file, contexts east and west
        cl["east"].op({...})               # a KubeAPI (tests/lib/kubeapi.py)
"""

import json
import os
import time

from kubeapi import KubeAPI

API = "agents.proompteng.ai/v1alpha1"
RUN_LABEL = "agents.proompteng.ai/agent-run"


def ts(sec):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(sec))


class Clusters:
    def __init__(self, names, tmp, *extra, data=None):
        self.names = list(names)
        self.tmp = tmp
        self.data = data  # scenario dir for every server; None = empty
        self.extra = list(extra)
        self.apis = {}
        self.kubeconfig = os.path.join(tmp, "kubeconfig")

    def __enter__(self):
        data = self.data or os.path.join(self.tmp, "empty")
        os.makedirs(os.path.join(data, "objects"), exist_ok=True)
        for n in self.names:
            self.apis[n] = KubeAPI(data, *self.extra).start()
        self.write_kubeconfig()
        return self

    def __exit__(self, *a):
        for api in self.apis.values():
            api.stop()

    def __getitem__(self, name):
        return self.apis[name]

    def write_kubeconfig(self):
        lines = ["apiVersion: v1", "kind: Config", "clusters:"]
        for n in self.names:
            lines += ["- name: %s" % n, "  cluster:", "    server: %s" % self.apis[n].url]
        lines.append("contexts:")
        for n in self.names:
            lines += ["- name: %s" % n, "  context:", "    cluster: %s" % n,
                      "    namespace: agents", "    user: %s" % n]
        lines.append("current-context: %s" % self.names[0])
        lines.append("users:")
        for n in self.names:
            lines += ["- name: %s" % n, "  user: {}"]
        fd = os.open(self.kubeconfig, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write("\n".join(lines) + "\n")


def run_obj(name, phase="Running", created=None, **status):
    created = created or time.time()
    st = {"phase": phase, "startedAt": ts(created)}
    st.update(status)
    return {"apiVersion": API, "kind": "AgentRun",
            "metadata": {"name": name, "namespace": "agents"},
            "spec": {"agentRef": {"name": "codex-agent"}, "runtime": {"type": "job"},
                     "implementationSpecRef": {"name": "x"},
                     "parameters": {"repository": "proompteng/lab", "head": "codex/" + name}},
            "status": st}


def pod_obj(run, pod, state="running", created=None, exit_code=1):
    created = created or time.time()
    if state == "running":
        cs = {"running": {"startedAt": ts(created)}}
        phase = "Running"
    else:
        cs = {"terminated": {"exitCode": exit_code, "reason": "Error" if exit_code else "Completed",
                             "startedAt": ts(created), "finishedAt": ts(created + 1)}}
        phase = "Failed" if exit_code else "Succeeded"
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": pod, "namespace": "agents",
                         "labels": {RUN_LABEL: run, "job-name": run + "-job"}},
            "spec": {"restartPolicy": "Never",
                     "containers": [{"name": "agent-runner", "image": "runner:1"}]},
            "status": {"phase": phase, "containerStatuses": [{
                "name": "agent-runner", "image": "runner:1",
                "imageID": "runner@sha256:" + "ab" * 32, "restartCount": 0, "state": cs}]}}


def op_add(obj):
    return {"op": "add", "object": obj}


def op_delete(kind, name, api_version=None):
    o = {"op": "delete", "kind": kind, "namespace": "agents", "name": name}
    if api_version:
        o["apiVersion"] = api_version
    return o


def op_log(pod, text):
    return {"op": "log", "namespace": "agents", "pod": pod, "container": "agent-runner",
            "text": text}


def dumps(o):
    return json.dumps(o)
