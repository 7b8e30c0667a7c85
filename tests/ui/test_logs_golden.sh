#!/usr/bin/env bash
# Golden screens of the log view (attempt e, opened on its cause) and the
# timeline view (the seed lane) at 80x24 and 200x60, compared with
# tests/ui/golden/{logs,timeline}-WxH.txt. Clock times are masked (HH:MM:SS)
# and the console's status bar is left out: it belongs to the frame's own
# goldens. UPDATE_GOLDEN=1 rewrites the expected screens.
set -eu
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/logview_lib.sh"
ui_init logsgolden
kubeapi_start "$UI_SRC/data/demo/seed" || fail "the test API server did not start"
L=torghut-v5-doc12-dspy-adoption-run-20260225

shot() { ui_screen | sed '$d' | sed -E 's/[0-9]{2}:[0-9]{2}:[0-9]{2}/HH:MM:SS/g'; }

check() { ui_golden "$1" shot; }

for size in 80x24 200x60; do
  ui_start "${size%x*}" "${size#*x}" TERM=xterm-256color -- --kubeconfig "$KUBEAPI_KUBECONFIG" -n agents \
    --db "$UI_DIR/history-$size.db"
  ui_wait "runs 21/21" 20
  ui_wait "missing-module" 20
  # the log view takes e's verdict as triage left it, and the timeline the
  # first causes of b, d and e and g's PR from the cache: wait for the logs
  # themselves (a verdict shows from the run's status before its log is
  # read; a log is committed with its verdict and PR)
  for run in b:'ENOENT reading "/app/node_modules' d:"posix_spawn 'git'" e:'Executable not found in $PATH' g:pull/3653; do
    ui_wait_cached "$UI_DIR/history-$size.db" "${L}${run%%:*}" "${run#*:}" -n agents
  done
  lv_open_run "${L}e"
  ui_wait "line 208/214"
  ui_wait "runtime.missing-executable  line 208"
  check "logs-$size"
  ui_keys q
  ui_wait_gone "logs: "
  ui_keys t
  ui_wait "timeline: $L"
  ui_wait "first-cause"
  check "timeline-$size"
  ui_keys q q
  [ "$(ui_exit_status)" = 0 ] || fail "exit status ($size)"
done
echo PASS
