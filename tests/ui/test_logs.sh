#!/usr/bin/env bash
# The log view against the API test server on the bundled seed incident:
# `l` on each failed attempt (b, d, e) opens on its own cause line with the
# class in the header; `]` / `[` move between findings; `e` explains; `/`
# finds and `n` / `N` cycle; `&` filters; Tab reaches the other
# containers; `w` writes the log 0600; `q` goes back.
set -eu
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/logview_lib.sh"
ui_init logs
kubeapi_start "$UI_SRC/data/demo/seed" || fail "the test API server did not start"
ui_start 120 40 -- --kubeconfig "$KUBEAPI_KUBECONFIG" -n agents
L=torghut-v5-doc12-dspy-adoption-run-20260225
ui_wait "${L}e" 20

# attempt -> class, evidence line, a fragment of that line
declare -A CLS=([b]=runtime.missing-module [d]=vcs.worktree [e]=runtime.missing-executable)
declare -A LINE=([b]=50 [d]=45 [e]=208)
declare -A TEXT=([b]='ENOENT reading "/app/node_modules/@proompteng/discord"'
                 [d]="no such file or directory, posix_spawn 'git'"
                 [e]='Executable not found in $PATH: "codex-nats-soak"')
for a in b d e; do
  lv_open_run "$L$a"
  ui_wait "logs: $L$a"
  ui_wait " ${CLS[$a]}  line ${LINE[$a]}" 15
  lv_header | grep -qF "agent-runner | live | line ${LINE[$a]}/" || fail "attempt $a: not opened on line ${LINE[$a]}"
  cur=$(lv_cursor_line)
  echo "$cur" | grep -qF "${LINE[$a]}> " || fail "attempt $a: cursor line is not the marked cause: $cur"
  echo "$cur" | grep -qF -- "${TEXT[$a]}" || fail "attempt $a: cause text not under the cursor: $cur"
  ui_keys q
  ui_wait_gone "logs: $L$a"
done

# e: findings navigation, explain, search, filter, write
lv_open_run "${L}e"
ui_wait " runtime.missing-executable  line 208"
ui_keys ']'
ui_wait "line 211/214"
lv_cursor_line | grep -qE '^ *211\* ' || fail "] did not land on the next finding (211)"
ui_keys ']'
ui_wait "line 213/214"
ui_keys ']'
ui_wait "no next finding"
ui_keys '[' '['
ui_wait "line 208/214"
ui_keys e
ui_wait "primary runtime.missing-executable"
ui_wait "path-exec-not-found"
ui_keys e
ui_wait_gone "primary runtime.missing-executable"

ui_keys g
ui_wait "line 1/214"
elog=$(ls "$UI_SRC"/data/demo/seed/logs/agents/${L}e-job-*/agent-runner.log)
mapfile -t hits < <(grep -in 'command:started' "$elog" | cut -d: -f1)
[ "${#hits[@]}" -ge 3 ] || fail "the seed log changed: ${#hits[@]} hits"
ui_keys / 'command:started'
ui_wait "/command:started"
ui_keys Enter
ui_wait "line ${hits[0]}/214"
ui_keys n
ui_wait "line ${hits[1]}/214"
lv_cursor_line | grep -qi 'command:started' || fail "the hit is not under the cursor"
# the lines before the hit stay in view
ui_screen | grep -qE "^ *$((hits[1] - 2))  " || fail "no context above the hit"
ui_keys n
ui_wait "line ${hits[2]}/214"
ui_keys N
ui_wait "line ${hits[1]}/214"
ui_keys b 'command:started' Enter
ui_wait "line ${hits[0]}/214"
ui_keys / 'no-such-text-anywhere' Enter
ui_wait "pattern not found"

ui_keys '&' 'codex-nats-soak' Enter
ui_wait "filter &codex-nats-soak"
n=$(ui_screen | grep -cE '^ *[0-9]+[>* ] ' || true)
ui_screen | grep -E '^ *[0-9]+[>* ] ' | grep -vqi 'codex-nats-soak' && fail "& left a non-matching line"
[ "$n" -ge 3 ] || fail "& shows $n lines"
ui_keys '&' C-u Enter
ui_wait_gone "filter &"

out=$UI_DIR/e-agent-runner.log
ui_keys w C-u "$out" Enter
ui_wait "wrote"
[ "$(stat -c %a "$out")" = 600 ] || fail "the written log is not mode 0600"
[ "$(wc -l <"$out")" = 214 ] || fail "the written log has $(wc -l <"$out") lines"
ui_keys w C-u "$out" Enter
ui_wait "writing the log to"

# timestamps toggle: the server stamps every line
ui_keys t
ui_wait "timestamps shown"
lv_cursor_line | grep -qE '20[0-9]{2}-[0-9]{2}-[0-9]{2}T' || fail "t did not show timestamps"
ui_keys t
ui_wait "timestamps hidden"

# y: the line under the cursor (here the evidence line) reaches the
# clipboard through OSC 52 (tmux keeps it)
tmux -L "$UI_SOCK" set-option -g set-clipboard on >/dev/null
ui_keys / 'Executable not found in' Enter
ui_wait "line 208/214"
ui_keys y
ui_wait "copied line 208"
# the OSC 52 and the message travel separately: poll the buffer
want='error: Executable not found in $PATH: "codex-nats-soak"'
for ((i = 0; i < 400; i++)); do
  clip=$(tmux -L "$UI_SOCK" show-buffer 2>/dev/null || true)
  [ "$clip" = "$want" ] && break
  sleep 0.05
done
[ "$clip" = "$want" ] || fail "the clipboard holds '$clip'"

# W wraps long lines; h shows the view's keys from the key table
ui_keys W
ui_wait "| wrap |"
ui_keys W
ui_wait_gone "| wrap |"
ui_keys h
ui_wait "next / previous finding"
ui_keys q
ui_wait "logs: ${L}e"

ui_keys q
ui_wait_gone "logs: ${L}e"

# a restarted container: the previous instance's log is a Tab away
R=bumba-ingest-retry-r2
lv_open_run "$R"
ui_wait "logs: $R"
ui_wait "[2/2] agent-runner | live | line"
ui_keys Tab
ui_wait "[1/2] agent-runner (previous) | live | line"
ui_keys BTab
ui_wait "[2/2] agent-runner | live"
ui_keys q
ui_wait_gone "logs: $R"
ui_keys q
[ "$(ui_exit_status)" = 0 ] || fail "exit status"
echo PASS
