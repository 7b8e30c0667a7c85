#!/usr/bin/env bash
# The API server stops mid-session: the status bar says reconnecting (with
# the next try), then offline with a banner, and the runs stay browsable.
# Later, --offline and an unreachable server open on the history cache the
# console filled while it was live.
set -eu
source "$(dirname "$0")/lib.sh"
ui_init offline
ui_cluster
G=torghut-v5-doc12-dspy-adoption-run-20260225g
DB=$UI_DIR/history.db

ui_start 120 40 -- --kubeconfig "$KUBEAPI_KUBECONFIG" --db "$DB"
ui_wait "$G"
ui_wait "| live |"
# the cache also gets the run of namespace synthesis (sync -A), which an
# offline console on namespace agents must not show
env XDG_CACHE_HOME="$UI_DIR/cache" "$UI_BIN" --kubeconfig "$KUBEAPI_KUBECONFIG" --db "$DB" -A sync \
  >/dev/null 2>"$UI_DIR/sync.err" || fail "sync -A: $(cat "$UI_DIR/sync.err")"
"$UI_BIN" --db "$DB" -A --offline list -o json | grep -qF synthesis-probe || fail "sync -A did not cache the synthesis run"
kc=$UI_DIR/kubeconfig.copy
cp "$KUBEAPI_KUBECONFIG" "$kc"
kubeapi_stop
ui_wait "reconnecting, next try in" 15
ui_wait "OFFLINE - history cache only" 20
ui_screen | grep -qF "offline" || fail "status bar does not say offline"
ui_keys g j j Enter
ui_wait "detail $G"
ui_screen | grep -qF "sha256:6fa809abd4f4" || fail "offline detail lost the digest"
ui_keys q q
[ "$(ui_exit_status)" = 0 ] || fail "exit status"

# --offline: straight from the cache, with the banner
ui_start 120 40 -- --offline --kubeconfig "$kc" --db "$DB"
ui_wait "OFFLINE - history cache only"
ui_wait "$G"
# exactly the six cached runs of namespace agents (the seventh, cached, is
# in namespace synthesis), with their phases
ui_screen | tail -1 | grep -qF "| 6 runs Failed 3 Running 1 Pending 1 Succeeded 1" ||
  fail "the offline status bar does not count the six cached runs of agents"
[ "$(ui_screen | grep -cE '^(torghut|jangar)-')" = 6 ] || fail "the offline list does not show the six cached runs"
ui_screen | grep -qF "synthesis-probe" && fail "a run of another namespace shows offline"
ui_keys g j j Enter
ui_wait "detail $G"
ui_keys q q
[ "$(ui_exit_status)" = 0 ] || fail "exit status (offline)"

# server unreachable from the start: the cache, offline
ui_start 120 40 -- --kubeconfig "$kc" --db "$DB"
ui_wait "$G"
ui_wait "OFFLINE - history cache only" 15
ui_keys q
[ "$(ui_exit_status)" = 0 ] || fail "exit status (unreachable)"
echo PASS
