#!/usr/bin/env bash
# A run whose message, reason, agent and conditions carry OSC 0/2 (title),
# OSC 52 (clipboard), OSC 8 (hyperlink), CSI clear-screen, a C1 CSI and a
# bare CR: the pane title stays, the sequences show as visible text, the
# clipboard (tmux buffers) and the screen stay intact.
set -eu
source "$(dirname "$0")/lib.sh"
ui_init hostile
ui_cluster --hostile

ui_start 160 50 -- --kubeconfig "$KUBEAPI_KUBECONFIG"
tmux -L "$UI_SOCK" select-pane -T "before-artriage"
# tmux would take an OSC 52 that reached the terminal into its buffers
tmux -L "$UI_SOCK" set-option -g set-clipboard on >/dev/null
ui_wait "hostile-run-20260301a"
before=$(tmux -L "$UI_SOCK" display -p '#{pane_title}')
[ "$before" = before-artriage ] || fail "could not set the pane title (got '$before')"
# the agent column shows the escape as text
ui_screen | grep -F "hostile-run-20260301a" | grep -qF 'agent^[]2' || fail "agent column does not show the escape"
# the hostile run is the newest: the first row under the header; G goes
# to the last row, g back to it
ui_screen | sed -n 3p | grep -qF "hostile-run-20260301a" || fail "the newest (hostile) run is not the first row"
ui_keys G
ui_wait_cursor 9
ui_keys g
ui_wait_cursor 3
# open the hostile run's detail (it is the newest but two: go to it by filter)
ui_keys / h o s t i l e Enter
ui_wait "runs 1/"
ui_keys Enter
ui_wait "detail hostile-run-20260301a"
ui_wait 'title^[]0;PWNED-TITLE^G'
ui_screen | grep -qF 'clip^[]52;c;cHduZWQ=^G' || fail "OSC 52 not shown escaped"
ui_screen | grep -qF 'link^[]8;;https://evil.example/^[\x^[]8;;^[\' || fail "OSC 8 not shown escaped"
ui_screen | grep -qF 'clear^[[2J^[[H' || fail "CSI not shown escaped"
ui_screen | grep -qF 'cr^Moverwrite' || fail "bare CR not shown as ^M"
ui_screen | grep -qF '\u009b31m' || fail "C1 CSI not shown escaped"
ui_screen | grep -qF 'Evil^[]2;REASON-TITLE^G' || fail "reason not shown escaped"
# the frame is intact: title line on top, status bar at the bottom
ui_screen | head -1 | grep -qF "artriage | detail hostile-run-20260301a" || fail "title line damaged"
ui_screen | grep -qF "kubeapi / agents |" || fail "status bar damaged"
ui_keys G
sleep 0.3
after=$(tmux -L "$UI_SOCK" display -p '#{pane_title}')
[ "$after" = "$before" ] || fail "pane title changed to '$after'"
[ -z "$(tmux -L "$UI_SOCK" list-buffers 2>/dev/null)" ] || fail "something reached tmux's clipboard"
ui_keys q q
[ "$(ui_exit_status)" = 0 ] || fail "exit status"
after=$(tmux -L "$UI_SOCK" display -p '#{pane_title}')
[ "$after" = "$before" ] || fail "pane title changed to '$after' after exit"
[ -z "$(tmux -L "$UI_SOCK" list-buffers 2>/dev/null)" ] || fail "something reached tmux's clipboard after exit"
echo PASS
