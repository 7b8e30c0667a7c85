#!/usr/bin/env bash
# A hostile log (data/demo/hostile: OSC 0/2 title, OSC 52 clipboard, OSC 8
# link, CSI clear-screen and cursor moves, DCS, raw and UTF-8 C1, bare CR,
# BEL/BS) in the log view: the pane title and tmux's clipboard stay as
# they were, the sequences show as visible text, the screen keeps its
# header, and the cause line is still found and shown.
set -eu
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/logview_lib.sh"
ui_init logshostile
kubeapi_start "$UI_SRC/data/demo/hostile" || fail "the test API server did not start"
ui_start 120 40 -- --kubeconfig "$KUBEAPI_KUBECONFIG" -n agents
tmux -L "$UI_SOCK" set-option -g set-clipboard on >/dev/null
tmux -L "$UI_SOCK" select-pane -T artriage-safe-title
for R in hostile-title-run-20260225a hostile-clipboard-run-20260225b; do
  lv_open_run "$R"
  ui_wait "logs: $R"
  ui_wait "| live | line "
  # the whole log (15 lines) has been drawn: its last line is on screen
  ui_wait_re '^ *15[>* ] +agent-runner: turn failed'
  scr=$(ui_screen)
  title=$(tmux -L "$UI_SOCK" display -p '#{pane_title}')
  [ "$title" = artriage-safe-title ] || fail "$R: the pane title became '$title'"
  [ -z "$(tmux -L "$UI_SOCK" list-buffers 2>/dev/null)" ] || fail "$R: something reached tmux's clipboard"
  echo "$scr" | grep -qF "logs: $R" || fail "$R: the title line was overwritten"
  echo "$scr" | grep -qE '^ \[[0-9]+/[0-9]+\] ' || fail "$R: the header was overwritten"
  case $R in
  hostile-title-*)
    ui_wait " runtime.missing-module  line "
    lv_cursor_line | grep -qF 'error: ENOENT reading "/app/node_modules/@proompteng/discord" ^[]0;x^G' ||
      fail "the cause line is not shown with its escape made visible"
    ui_keys g
    ui_wait "| line 1/"
    scr=$(ui_screen)
    echo "$scr" | grep -qF 'echo ^[]0;pwned-title^G' || fail "OSC 0 not shown as text"
    echo "$scr" | grep -qF '^[[2J^[[Hscreen cleared above' || fail "CSI clear not shown as text"
    echo "$scr" | grep -qF 'progress 10%^MOVERWRITTEN by a bare CR' || fail "bare CR not shown as ^M"
    echo "$scr" | grep -qF 'link ^[]8;;https://evil.example/login^[\click me' || fail "OSC 8 not shown as text"
    ;;
  *)
    ui_keys g
    ui_wait "| line 1/"
    ;;
  esac
  ui_keys q
  ui_wait_gone "logs: $R"
done
title=$(tmux -L "$UI_SOCK" display -p '#{pane_title}')
[ "$title" = artriage-safe-title ] || fail "the pane title became '$title'"
ui_keys q
[ "$(ui_exit_status)" = 0 ] || fail "exit status"
echo PASS
