#!/usr/bin/env bash
# kubectl conformance: the real kubectl against tests/kubeapi/server.py, once
# over plain HTTP and once over HTTPS with a bearer token (client-go never
# sends a token over plain HTTP). Exactly the commands issue 2 lists.
set -euo pipefail

SRC=${ARTRIAGE_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
if ! command -v kubectl >/dev/null 2>&1; then
  echo "SKIP: kubectl not found"
  exit 77 # reported as skipped (SKIP_RETURN_CODE in CMakeLists.txt)
fi
# shellcheck source=../lib/kubeapi.sh
source "$SRC/tests/lib/kubeapi.sh"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/kubectl-conf.XXXXXX")
cleanup() {
  kubeapi_stop || true
  rm -rf "$WORK"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

RUN=conf-lane-run-20260225b
POD=$RUN-job-x7k2p
LIVE=conf-lane-run-20260225c
LIVEPOD=$LIVE-job-q4m9z

# ---- scenario
python3 - "$WORK/data" <<'PY'
import json, os, sys
d = sys.argv[1]
os.makedirs(d + "/objects")
def run(name, phase, started=None, finished=None):
    st = {"phase": phase, "conditions": []}
    if started: st["startedAt"] = started
    if finished: st["finishedAt"] = finished
    return {"apiVersion": "agents.proompteng.ai/v1alpha1", "kind": "AgentRun",
            "metadata": {"name": name, "namespace": "agents",
                         "finalizers": ["agents.proompteng.ai/runtime-cleanup"]},
            "spec": {"agentRef": {"name": "codex-agent"},
                     "implementationSpecRef": {"name": "conf-impl"},
                     "runtime": {"type": "job"},
                     "parameters": {"repository": "proompteng/lab", "base": "main"}},
            "status": st}
runs = [run("conf-lane-run-20260225b", "Failed", "2026-02-25T08:10:00.100Z", "2026-02-25T08:12:00Z"),
        run("conf-lane-run-20260225c", "Running", "2026-02-25T08:20:00Z"),
        run("conf-queued-x7k2p", "Pending")]
def pod(name, runname, state, last=None):
    cs = {"name": "agent-runner", "ready": "running" in state, "restartCount": 1 if last else 0,
          "image": "registry.example/lab/agents-codex-runner:sha-f12b6082",
          "imageID": "registry.example/lab/agents-codex-runner@sha256:" + "ab" * 32,
          "state": state}
    if last: cs["lastState"] = last
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": "agents",
                         "labels": {"agents.proompteng.ai/agent-run": runname,
                                    "job-name": runname + "-job"}},
            "spec": {"restartPolicy": "Never", "nodeName": "talos-worker-01",
                     "containers": [{"name": "agent-runner",
                                     "image": "registry.example/lab/agents-codex-runner:sha-f12b6082"}]},
            "status": {"phase": "Running" if "running" in state else "Failed",
                       "podIP": "10.244.1.7", "containerStatuses": [cs]}}
pods = [pod("conf-lane-run-20260225b-job-x7k2p", "conf-lane-run-20260225b",
            {"terminated": {"exitCode": 1, "reason": "Error",
                            "startedAt": "2026-02-25T08:10:05Z", "finishedAt": "2026-02-25T08:11:55Z"}},
            {"terminated": {"exitCode": 137, "reason": "OOMKilled",
                            "startedAt": "2026-02-25T08:09:00Z", "finishedAt": "2026-02-25T08:10:00Z"}}),
        pod("conf-lane-run-20260225c-job-q4m9z", "conf-lane-run-20260225c",
            {"running": {"startedAt": "2026-02-25T08:20:05Z"}})]
events = [{"apiVersion": "v1", "kind": "Event",
           "metadata": {"name": "conf-lane-run-20260225b-job-x7k2p.1827a", "namespace": "agents"},
           "involvedObject": {"kind": "Pod", "name": "conf-lane-run-20260225b-job-x7k2p",
                              "namespace": "agents"},
           "reason": "BackOffConfTest", "message": "Back-off restarting failed container",
           "type": "Warning", "source": {"component": "kubelet"}, "count": 3,
           "firstTimestamp": "2026-02-25T08:10:00Z", "lastTimestamp": "2026-02-25T08:11:55Z"}]
json.dump({"apiVersion": "v1", "kind": "List", "items": runs}, open(d + "/objects/runs.json", "w"))
json.dump({"apiVersion": "v1", "kind": "PodList", "items": pods}, open(d + "/objects/pods.json", "w"))
json.dump(events[0], open(d + "/objects/event.json", "w"))
for p, text in (("conf-lane-run-20260225b-job-x7k2p/agent-runner.log",
                 "[command:started] git clone proompteng/lab\nfatal: current attempt line\n"),
                ("conf-lane-run-20260225b-job-x7k2p/agent-runner.previous.log",
                 "previous attempt was OOMKilled here\n"),
                ("conf-lane-run-20260225c-job-q4m9z/agent-runner.log", "live line 1\n")):
    os.makedirs(os.path.dirname(d + "/logs/agents/" + p), exist_ok=True)
    open(d + "/logs/agents/" + p, "w").write(text)
with open(d + "/script.jsonl", "w") as f:
    for i, at in enumerate((1.0, 1.5, 2.0)):
        f.write(json.dumps({"at": at, "op": "log", "namespace": "agents",
                            "pod": "conf-lane-run-20260225c-job-q4m9z",
                            "container": "agent-runner", "text": "scripted line %d" % (i + 2)}) + "\n")
    f.write(json.dumps({"at": 2.5, "op": "modify", "kind": "Pod", "namespace": "agents",
                        "name": "conf-lane-run-20260225c-job-q4m9z",
                        "patch": {"status": {"phase": "Succeeded", "containerStatuses": [
                            {"name": "agent-runner", "ready": False, "restartCount": 0,
                             "state": {"terminated": {"exitCode": 0, "reason": "Completed",
                                                      "startedAt": "2026-02-25T08:20:05Z",
                                                      "finishedAt": "2026-02-25T08:30:00Z"}}}]}}}) + "\n")
PY

cat >"$WORK/new-run.yaml" <<'EOF'
apiVersion: agents.proompteng.ai/v1alpha1
kind: AgentRun
metadata:
  name: conf-lane-run-20260225d
  namespace: agents
spec:
  agentRef:
    name: codex-agent
  implementationSpecRef:
    name: conf-impl
  runtime:
    type: job
  parameters:
    head: codex/conf-lane-20260225d
EOF
sed 's/conf-lane-run-20260225d/conf-lane-run-20260225z/; s/    head: .*/    prompt: do it anyway/' \
  "$WORK/new-run.yaml" >"$WORK/bad-run.yaml"

conformance() {
  local label=$1
  shift
  kubeapi_start "$WORK/data" --script "$WORK/data/script.jsonl" "$@" || fail "$label: server did not start"
  local home=$WORK/home-$label
  mkdir -p "$home"
  k() { HOME=$home KUBECONFIG=$KUBEAPI_KUBECONFIG timeout 20 kubectl --request-timeout=15s "$@"; }
  local out

  # get agentruns: the CRD's printer columns
  out=$(k get agentruns) || fail "$label: kubectl get agentruns"
  grep -q '^NAME  *PHASE  *AGENT  *SUCCEEDED  *REASON  *STARTTIME  *COMPLETIONTIME  *RUNTIME' <<<"$out" ||
    fail "$label: get agentruns header: $out"
  grep -q "^$RUN  *Failed  *codex-agent .* job" <<<"$out" || fail "$label: get agentruns row: $out"

  # -o json: a List with every run
  out=$(k get agentruns -o json) || fail "$label: get -o json"
  python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
assert d["kind"] == "List", d["kind"]
names = sorted(i["metadata"]["name"] for i in d["items"])
assert names == ["conf-lane-run-20260225b", "conf-lane-run-20260225c", "conf-queued-x7k2p"], names
assert all(i["metadata"]["uid"] and i["metadata"]["resourceVersion"] for i in d["items"])
' <<<"$out" || fail "$label: get -o json content"

  # one run as YAML
  out=$(k get agentrun "$RUN" -o yaml) || fail "$label: get -o yaml"
  grep -q "^  name: $RUN\$" <<<"$out" || fail "$label: yaml name: $out"
  grep -q '^  phase: Failed$' <<<"$out" || fail "$label: yaml phase"

  # get -w sees a change made through a script op
  HOME=$home KUBECONFIG=$KUBEAPI_KUBECONFIG timeout 40 kubectl get agentruns -w \
    >"$WORK/watch.out" 2>&1 &
  local wpid=$! i
  for ((i = 0; i < 300; i++)); do
    grep -q conf-queued-x7k2p "$WORK/watch.out" && break
    sleep 0.1
  done
  kubeapi_op '{"op": "modify", "kind": "AgentRun", "namespace": "agents", "name": "conf-queued-x7k2p", "patch": {"status": {"phase": "Running"}}}' >/dev/null
  for ((i = 0; i < 200; i++)); do
    grep -q '^conf-queued-x7k2p  *Running' "$WORK/watch.out" && break
    sleep 0.1
  done
  kill "$wpid" 2>/dev/null || true
  wait "$wpid" 2>/dev/null || true
  grep -q '^conf-queued-x7k2p  *Pending' "$WORK/watch.out" || fail "$label: watch initial: $(cat "$WORK/watch.out")"
  grep -q '^conf-queued-x7k2p  *Running' "$WORK/watch.out" || fail "$label: watch change: $(cat "$WORK/watch.out")"

  # create -f (server-side validation through the OpenAPI v3 document)
  out=$(k create -f "$WORK/new-run.yaml" 2>&1) || fail "$label: create -f: $out"
  grep -q 'agentrun.agents.proompteng.ai/conf-lane-run-20260225d created' <<<"$out" || fail "$label: create output: $out"
  if out=$(k create -f "$WORK/new-run.yaml" 2>&1); then fail "$label: second create succeeded"; fi
  grep -q 'AlreadyExists' <<<"$out" || fail "$label: second create: $out"
  if out=$(k create -f "$WORK/bad-run.yaml" 2>&1); then fail "$label: CEL violation accepted"; fi
  grep -q 'spec.parameters.prompt is not allowed' <<<"$out" || fail "$label: CEL message: $out"

  # delete
  out=$(k delete agentrun conf-lane-run-20260225d 2>&1) || fail "$label: delete: $out"
  grep -q '"conf-lane-run-20260225d" deleted' <<<"$out" || fail "$label: delete output: $out"
  if out=$(k get agentrun conf-lane-run-20260225d 2>&1); then fail "$label: deleted run still there"; fi
  grep -q 'NotFound' <<<"$out" || fail "$label: get after delete: $out"

  # pods by the run label
  out=$(k get pods -l "agents.proompteng.ai/agent-run=$RUN") || fail "$label: get pods -l"
  grep -q "^$POD  *0/1  *Error  *1 " <<<"$out" || fail "$label: get pods row: $out"
  [ "$(grep -c . <<<"$out")" = 2 ] || fail "$label: get pods -l returned other pods: $out"

  # logs, previous logs, followed logs
  out=$(k logs "$POD" -c agent-runner) || fail "$label: logs"
  [ "$out" = $'[command:started] git clone proompteng/lab\nfatal: current attempt line' ] || fail "$label: logs content: $out"
  out=$(k logs "$POD" -c agent-runner --previous) || fail "$label: logs --previous"
  [ "$out" = "previous attempt was OOMKilled here" ] || fail "$label: previous content: $out"
  out=$(k logs -f "$LIVEPOD" -c agent-runner) || fail "$label: logs -f did not end when the container did"
  [ "$out" = $'live line 1\nscripted line 2\nscripted line 3\nscripted line 4' ] || fail "$label: logs -f content: $out"

  # events
  out=$(k get events) || fail "$label: get events"
  grep -q "Warning  *BackOffConfTest  *pod/$POD  *Back-off restarting failed container" <<<"$out" ||
    fail "$label: get events: $out"

  kubeapi_stop
  echo "ok: kubectl conformance over $label"
}

conformance http
conformance https-token --tls --token "conf-$RANDOM$RANDOM"
echo "PASS"
