#!/usr/bin/env bash
# The `:` prompt at 80x24 and 200x60 against the test API server: the one
# line editor's keys (move, insert, ^A ^E ^W ^K ^U, history), a bracketed
# paste that neither submits nor quits, Tab completion of commands,
# namespaces (the cluster's), contexts (the kubeconfig's) and :runs flags,
# an unknown namespace refused, the namespace picker listing the cluster's
# namespaces (`:ns` alone and `:ns <Tab>`), its fallback to the namespaces
# seen in runs when listing them is forbidden (403), and `:runs -l` /
# `--field-selector` sent to the API server.
set -eu
source "$(dirname "$0")/lib.sh"
ui_init prompt
ui_cluster

G=n-20260225g # the attempt suffix: a name cut in the middle at 80 columns keeps it
E=torghut-v5-doc12-dspy-adoption-run-20260225e

# a second context in the kubeconfig, for :ctx completion
KC2=$UI_DIR/kubeconfig
python3 - "$KUBEAPI_KUBECONFIG" "$KC2" <<'PY'
import sys
t = open(sys.argv[1]).read()
extra = ("contexts:\n- name: kubeapi-staging\n  context:\n    cluster: kubeapi\n"
         "    namespace: agents\n    user: kubeapi\n")
assert "contexts:\n" in t
open(sys.argv[2], "w").write(t.replace("contexts:\n", extra, 1))
PY
chmod 600 "$KC2"

# whether an AgentRun list and a watch went to the server with query KEY=VALUE
sent() {
  local i
  for ((i = 0; i < 100; i++)); do sent_once "$@" && return 0; sleep 0.1; done
  return 1
}
sent_once() {
  kubeapi_requests | python3 -c '
import json, sys
rs = [r for r in json.load(sys.stdin)["requests"] if r["path"].endswith("/agentruns")]
hit = [r for r in rs if r["query"].get(sys.argv[1]) in (sys.argv[2], [sys.argv[2]])]
sys.exit(0 if any("watch" in r["query"] for r in hit) and any("watch" not in r["query"] for r in hit) else 1)
' "$1" "$2"
}

for size in 80x24 200x60; do
  W=${size%x*}
  H=${size#*x}
  ui_start "$W" "$H" -- --kubeconfig "$KC2"
  ui_wait "$G"
  ui_wait "| live |"

  # ---- a switch while the namespaces are on their way drops that request
  # (the client it was on goes); the next :ns asks again ----
  kubeapi_op '{"op": "fault", "rule": "GET /api/v1/namespaces$:delay=3000:1"}' >/dev/null
  ui_keys : n s ' ' s y n t h e s i s Enter
  ui_wait "checking namespace synthesis"
  ui_keys : a l l Enter
  ui_wait "kubeapi / * |"

  # ---- :ns NAME waits for the cluster's namespaces, then switches ----
  ui_keys : n s ' ' s y n t h e s i s Enter
  ui_wait "synthesis-probe-run-20260225a"
  ui_wait "kubeapi / synthesis"
  ui_keys : n s ' ' a g e n t s Enter
  ui_wait "$G"

  # ---- the line editor ----
  ui_keys : n s ' ' s y n t
  ui_wait_prompt ":ns synt"
  ui_keys Left Left X
  ui_wait_prompt ":ns syXnt"
  ui_keys BSpace C-e h
  ui_wait_prompt ":ns synth"
  ui_keys C-a Right Right Right C-k
  ui_wait_prompt ":ns"
  ui_keys ' ' a b c ' ' d e f C-w
  ui_wait_prompt ":ns  abc"
  ui_keys C-u
  ui_wait_prompt ":"
  ui_keys l o g Enter
  ui_wait "kubectl get agentruns"
  ui_keys Escape
  # history: Up brings back the last command
  ui_keys : Up
  ui_wait_prompt ":log"
  ui_keys Escape

  # ---- a paste is text: its line break neither submits nor lets 'q' quit ----
  ui_keys :
  ui_wait_prompt ":"
  tmux -L "$UI_SOCK" set-buffer -- $'ns syn\nq\x1b[2J'
  tmux -L "$UI_SOCK" paste-buffer -p
  ui_wait_prompt ":ns syn q[2J"
  ui_keys C-u Escape
  ui_wait "$G"

  # ---- Tab: commands, namespaces (the cluster's), contexts, flags ----
  ui_keys : n a m Tab
  ui_wait_prompt ":namespace"
  ui_keys s y n Tab
  ui_wait_prompt ":namespace synthesis"
  ui_keys Enter
  ui_wait "synthesis-probe-run-20260225a"
  ui_wait "runs 1/1"
  # kube-system is the cluster's, not a namespace any run lives in
  ui_keys : n s ' ' k u b Tab
  ui_wait_prompt ":ns kube-system"
  ui_keys C-u Escape
  ui_keys : c t x ' ' k u b e a p i - Tab
  ui_wait_prompt ":ctx kubeapi-staging"
  ui_keys C-u Escape
  ui_keys : c t x ' ' k Tab
  ui_wait_prompt ":ctx kubeapi"
  ui_wait "contexts: kubeapi kubeapi-staging"
  ui_keys C-u Escape
  ui_keys : r u n s ' ' - - f Tab
  ui_wait_prompt ":runs --field-selector"
  ui_keys C-u Escape

  # ---- an unknown namespace is refused; the list stays ----
  ui_keys : n s ' ' n o s u c h Enter
  ui_wait "no namespace 'nosuch' in the cluster"
  ui_screen | grep -qF "synthesis-probe-run-20260225a" || fail ":ns nosuch left the synthesis runs"
  ui_screen | grep -qF "/ nosuch" && fail ":ns nosuch switched"

  # ---- the picker: the cluster's namespaces, from :ns alone and from Tab ----
  ui_keys : n s Enter
  ui_wait "pick a namespace (4)"
  ui_wait "kube-system"
  ui_wait " * synthesis"
  ui_keys Escape
  ui_wait_gone "pick a namespace"
  ui_keys : n s ' ' Tab
  ui_wait "pick a namespace (4)"
  ui_keys g Enter
  ui_wait "$G"
  ui_wait "kubeapi / agents"

  # ---- selectors, sent to the API server as list -l does ----
  ui_keys : r u n s ' ' - l ' ' a p p . k u b e r n e t e s . i o / p a r t - o f = t o r g h u t Enter
  ui_wait "runs 4/4"
  ui_wait "agents -l app.kubernetes.io/part-of=torghut"
  ui_screen | grep -qF "jangar-control-plane" && fail "-l still shows a run without the label"
  sent labelSelector app.kubernetes.io/part-of=torghut || fail "the label selector was not sent to the server"
  ui_keys : r u n s ' ' - - f i e l d - s e l e c t o r = m e t a d a t a . n a m e = "$E" Enter
  ui_wait "runs 1/1"
  ui_wait "--field-selector metadata.name="
  sent fieldSelector "metadata.name=$E" || fail "the field selector was not sent to the server"
  ui_keys : r u n s Enter
  ui_wait "runs 6/6"
  ui_wait "runs: no selector"
  ui_keys : r u n s ' ' - l Enter
  ui_wait ":runs -l needs a selector"

  ui_keys : q Enter
  [ "$(ui_exit_status)" = 0 ] || fail "exit status after :q"
  ! grep -q "ERROR: AddressSanitizer\|runtime error" "$UI_DIR/stderr" || fail "sanitizer report"
done

# ---- listing namespaces forbidden: the namespaces seen in runs, said so ----
kubeapi_stop
kubeapi_start "$UI_DIR/scenario" --fault-first 'GET /api/v1/namespaces$:status=403:*' ||
  fail "the test API server did not start"
for size in 80x24 200x60; do
  ui_start "${size%x*}" "${size#*x}" -- --kubeconfig "$KUBEAPI_KUBECONFIG"
  ui_wait "$G"
  ui_wait "| live |"
  ui_keys : n s Enter
  ui_wait "pick a namespace (1)"
  ui_wait "forbidden (403)"
  ui_screen | grep -qF "kube-system" && fail "the 403 picker lists namespaces no run lives in"
  ui_keys Escape
  ui_keys : n s ' ' s y n t h e s i s Enter
  ui_wait "no namespace 'synthesis' among those seen in runs"
  ui_keys : q Enter
  [ "$(ui_exit_status)" = 0 ] || fail "exit status after :q"
done
echo "PASS"
