#!/usr/bin/env bash
# Golden screens: the run list, the detail of run g and the help, at 80x24
# and 200x60, under every TERM a bastion may have, NO_COLOR and --no-color,
# compared with tests/ui/golden/ (the clock is pinned with ARTRIAGE_NOW so
# ages are stable). UPDATE_GOLDEN=1 rewrites the expected screens.
# Also: an unknown TERM falls back with a note, and the C locale works.
# GOLDEN_SIZES selects the sizes (test_golden_wide.sh runs 200x60 so that
# each test stays well under a minute).
set -eu
source "$(dirname "$0")/lib.sh"
ui_init golden
ui_cluster
G=torghut-v5-doc12-dspy-adoption-run-20260225g

check() { ui_golden "$1" ui_screen "$label"; }

settle() { # waits for the list to be complete and live
  ui_wait "runs 6/6"
  ui_wait "Succeeded 1"
  # the background log triage has named causes and the PR ...
  ui_wait "#3653"
  ui_wait "vcs.worktree"
  ui_wait "missing-module"
  # ... and is done: the status bar says live and shows no progress (a
  # verdict can show from a run's status before its log is read)
  ui_wait_idle
}

configs=("TERM=xterm-256color" "TERM=xterm" "TERM=screen" "TERM=screen-256color"
         "TERM=tmux-256color" "TERM=vt100" "TERM=xterm-256color NO_COLOR=1" "TERM=xterm-256color --no-color")
for cfg in "${configs[@]}"; do
  for size in ${GOLDEN_SIZES:-80x24}; do
    label="$cfg $size"
    read -r -a words <<<"$cfg"
    envs=() args=()
    for w in "${words[@]}"; do
      case $w in --*) args+=("$w") ;; *) envs+=("$w") ;; esac
    done
    ui_start "${size%x*}" "${size#*x}" "${envs[@]}" -- --kubeconfig "$KUBEAPI_KUBECONFIG" "${args[@]}"
    settle
    check "runs-$size"
    ui_keys g j j Enter
    ui_wait "detail $G"
    check "detail-$size"
    ui_keys '?'
    ui_wait "Keys (detail)"
    check "help-$size"
    ui_keys q q q
    [ "$(ui_exit_status)" = 0 ] || fail "exit status ($label)"
  done
  if [ "${UPDATE_GOLDEN:-}" = 1 ]; then break; fi
done

[ "${GOLDEN_SIZES:-80x24}" = 80x24 ] || { echo PASS; exit 0; }

# an unknown terminal type: a one-line note, then a working console
label="unknown TERM"
ui_start 120 40 TERM=no-such-terminal-xyz -- --kubeconfig "$KUBEAPI_KUBECONFIG"
ui_wait "$G"
ui_screen | grep -qF "TERM 'no-such-terminal-xyz' unknown here; using xterm-256color" || fail "no fallback note"
ui_keys q
[ "$(ui_exit_status)" = 0 ] || fail "exit status ($label)"

# a broken private terminfo database falls back as well
mkdir -p "$UI_DIR/terminfo/x"
printf 'garbage' >"$UI_DIR/terminfo/x/xterm-256color"
label="broken terminfo"
ui_start 120 40 TERM=xterm-256color TERMINFO="$UI_DIR/terminfo" -- --kubeconfig "$KUBEAPI_KUBECONFIG"
ui_wait "$G"
ui_keys q
[ "$(ui_exit_status)" = 0 ] || fail "exit status ($label)"

# the C locale: ASCII only, still usable
label="C locale"
ui_start 80 24 LC_ALL=C -- --kubeconfig "$KUBEAPI_KUBECONFIG"
ui_wait_re "torghut-v5-doc12-dspy~n-20260225e +Failed"
ui_screen | grep -qF "AGEv" || fail "C locale sort marker"
ui_keys q
[ "$(ui_exit_status)" = 0 ] || fail "exit status ($label)"
echo PASS
