#!/usr/bin/env bash
# y copies any value whole through OSC 52 at 80x24, and the message line
# says what was copied: the run list the run's name, the detail the field
# under the cursor (an image reference wider than the screen, wrapped on
# screen, copied in one piece), the timeline the selected event's full
# row, the log view the line under the cursor. tmux keeps what an OSC 52
# sends (set-clipboard on): show-buffer reads it back.
set -eu
source "$(dirname "$0")/lib.sh"
ui_init copy
ui_cluster

E=torghut-v5-doc12-dspy-adoption-run-20260225e
IMAGE=registry.ide-newton.ts.net/lab/agents-codex-runner:sha-338312f43610dbdc84f5ef122878e43d184abef9

# the detail's cursor row without colours (NO_COLOR: reverse video; its
# labels are plain then, while in colour they share the cursor's cyan)
detail_cursor() {
  ui_screen_attr | grep -nP '^(\e\[[0-9;]*m)*\e\[([0-9;]*;)?7m' | cut -d: -f1 | awk '$1 >= 2 && $1 < 24 { print; exit }'
}

# waits until the clipboard (tmux's newest buffer) is $1
clip_is() {
  local want=$1 got= i
  for ((i = 0; i < 200; i++)); do
    got=$(tmux -L "$UI_SOCK" show-buffer 2>/dev/null || true)
    [ "$got" = "$want" ] && return 0
    sleep 0.05
  done
  fail "the clipboard holds '$got', not '$want'"
}

ui_start 80 24 NO_COLOR=1 -- --kubeconfig "$KUBEAPI_KUBECONFIG"
tmux -L "$UI_SOCK" set-option -g set-clipboard on >/dev/null
ui_wait "| live |"
ui_wait "n-20260225e"

# the run list: the run's name (cut in the middle on screen at 80 columns)
ui_keys g j j j
ui_wait_cursor 6
ui_keys y
ui_wait "copied run name (44 bytes)"
clip_is "$E"

# the detail: a cursor moves over fields; y copies the one under it whole
ui_keys Enter
ui_wait "detail $E"
[ "$(detail_cursor)" = 2 ] || fail "the detail's cursor is not on its first field (line $(detail_cursor))"
ui_keys y
ui_wait "copied run name"
clip_is "$E"
for ((k = 0; k < 30; k++)); do
  line=$(detail_cursor)
  [ -n "$line" ] && ui_screen | sed -n "${line}p" | grep -q "^Image  " && break
  ui_keys j
  sleep 0.1
done
ui_screen | sed -n "$(detail_cursor)p" | grep -q "^Image  " || fail "the cursor never reached the Image field"
# wider than the screen: the field wraps on screen, and is copied in one piece
[ ${#IMAGE} -gt 80 ] || fail "the test value is not wider than the screen"
ui_screen | grep -qF "$IMAGE" && fail "the image fits on one line: not a wrapped field"
ui_keys y
ui_wait "copied Image (${#IMAGE} bytes)"
clip_is "$IMAGE"
# the wrapped line's continuation is not a stop of its own: j goes to the digest
ui_keys j y
ui_wait "copied Image digest (71 bytes)"
clip_is "$(tmux -L "$UI_SOCK" show-buffer)"
case "$(tmux -L "$UI_SOCK" show-buffer)" in sha256:df5ebfde7841*) ;; *) fail "the digest copied is $(tmux -L "$UI_SOCK" show-buffer)" ;; esac

# the timeline: the event's whole row, wider than the screen
ui_keys t
ui_wait "timeline: torghut-v5-doc12-dspy-adoption-run-20260225"
ui_keys g
ui_keys y
want="2026-02-25 08:12:40 torghut-v5-doc12-dspy-adoption-run-20260225b created Run torghut-v5-doc12-dspy-adoption-run-20260225b created (reconstructed)"
ui_wait "copied event (${#want} bytes)"
clip_is "$want"
ui_keys q
ui_wait "detail $E"

# the log view: the line under the cursor (it opens on the evidence line)
ui_keys l
ui_wait "Executable not found"
ui_keys y
ui_wait "copied line 3 "
clip_is 'Error: Executable not found in $PATH: "codex-nats-soak"'
ui_keys j y
ui_wait "copied line 4 "
clip_is '[runner] exit 1'
ui_keys q q q
[ "$(ui_exit_status)" = 0 ] || fail "console did not exit 0"
echo "y copies whole values: ok"
