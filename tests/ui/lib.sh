# Helpers for the console's tmux tests: source after setting -eu.
#
#   ui_init NAME            scratch dir UI_DIR, unique tmux socket UI_SOCK
#   ui_start W H CMD...     new detached session running CMD (exit status
#                           is written to $UI_DIR/rc when CMD ends)
#   ui_screen               the pane's text
#   ui_screen_attr          the pane's text with its attributes and colours
#                           as SGR sequences (capture-pane -e)
#   ui_screen_attr_canon    the same in canonical form (attrnorm.py), for goldens
#   ui_cursor_line          the screen line (1-based) of the selected row:
#                           the first below the header that starts in reverse
#                           video or the cursor colour (bg cyan); empty if none
#   ui_wait_cursor N [SECS] until the selected row is screen line N, else fail
#   ui_wait TEXT [SECS]     until the pane shows TEXT (fixed string), else fail
#   ui_wait_gone TEXT [SECS]
#   ui_wait_re REGEX [SECS] until a line of the pane matches REGEX (grep -E)
#   ui_wait_row KEY TEXT [SECS]
#                           until a line of the pane shows both KEY and TEXT
#   ui_wait_idle [SECS]     until the status bar says live with no progress
#                           (lists, log triage and linking all done)
#   ui_wait_cached DB RUN TEXT [ARGS...]
#                           until the history cache DB holds RUN's log with
#                           TEXT (read offline by the CLI; ARGS are global
#                           options such as -n), else fail
#   ui_keys KEYS...         tmux send-keys
#   ui_prompt_line          the pane's last line (the prompt, the message line)
#   ui_wait_prompt TEXT     until that line is exactly TEXT (trailing blanks
#                           aside), else fail
#   ui_pid                  the console's process id
#   ui_exit_status [SECS]   waits for CMD to end, prints its status
#   ui_cleanup              kills the tmux server, stops the API server
#   fail MSG                prints the screen and exits 1
#   ui_golden NAME SHOT [WHAT]
#                           compares the settled output of command SHOT with
#                           tests/ui/golden/NAME.txt (UPDATE_GOLDEN=1 writes it)

UI_SRC=${ARTRIAGE_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
UI_BIN=${ARTRIAGE_BIN:-$UI_SRC/build/artriage}
# shellcheck source=../lib/kubeapi.sh
source "$UI_SRC/tests/lib/kubeapi.sh"

ui_init() {
  UI_DIR=$(mktemp -d "${TMPDIR:-/tmp}/artriage-ui-$1.XXXXXX")
  chmod 700 "$UI_DIR"
  UI_NAME="artriage-$1-$$"
  UI_SOCK=$UI_NAME-0
  UI_N=0
  trap ui_cleanup EXIT
  # 77: ctest reports the test as skipped, not passed (SKIP_RETURN_CODE)
  command -v tmux >/dev/null || { echo "SKIP: tmux is not installed"; exit 77; }
}

ui_cleanup() {
  tmux -L "$UI_SOCK" kill-server 2>/dev/null || true
  kubeapi_stop 2>/dev/null || true
  [ -n "${UI_DIR:-}" ] && rm -rf "$UI_DIR"
}

# ui_start W H [ENV=VALUE...] -- ARGS...: runs the console binary
ui_start() {
  local w=$1 h=$2
  shift 2
  local envs=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
  [ "${1:-}" = -- ] && shift
  rm -f "$UI_DIR/rc"
  local cmd
  cmd="env LC_ALL=C.UTF-8 ARTRIAGE_NOW=2026-02-25T10:07:00Z XDG_CACHE_HOME=$UI_DIR/cache"
  cmd+=" XDG_CONFIG_HOME=$UI_DIR/config"
  local e
  for e in "${envs[@]}"; do cmd+=" $(printf %q "$e")"; done
  cmd+=" $(printf %q "$UI_BIN")"
  for e in "$@"; do cmd+=" $(printf %q "$e")"; done
  cmd+=" 2>$UI_DIR/stderr; echo \$? >$UI_DIR/rc.tmp; mv $UI_DIR/rc.tmp $UI_DIR/rc; sleep 600"
  # a fresh server per session: kill-server returns before the old server is
  # gone, and a client that reaches a dying server fails
  tmux -L "$UI_SOCK" kill-server 2>/dev/null || true
  UI_N=$((UI_N + 1))
  UI_SOCK=$UI_NAME-$UI_N
  tmux -L "$UI_SOCK" -f /dev/null new-session -d -x "$w" -y "$h" "$cmd"
  tmux -L "$UI_SOCK" set-option -g status off >/dev/null
}

ui_screen() { tmux -L "$UI_SOCK" capture-pane -p; }
ui_screen_attr() { tmux -L "$UI_SOCK" capture-pane -p -e; }
# The same in canonical form for goldens (tests/ui/attrnorm.py: a blank's
# foreground, which ncurses paints either way, does not count).
ui_screen_attr_canon() { ui_screen_attr | python3 "$(dirname "${BASH_SOURCE[0]}")/attrnorm.py"; }
ui_cursor_line() {
  ui_screen_attr | grep -nP '^(\e\[[0-9;]*m)*\e\[([0-9;]*;)?(7|46)m' | cut -d: -f1 |
    awk '$1 > 2 { print; exit }'
}

# The console's pid: the child of the pane's shell.
ui_pid() { pgrep -P "$(tmux -L "$UI_SOCK" display -p '#{pane_pid}')" | head -1; }

ui_keys() { tmux -L "$UI_SOCK" send-keys "$@"; }
ui_prompt_line() { ui_screen | tail -1; }
ui_wait_prompt() {
  local want=$1 i
  for ((i = 0; i < 400; i++)); do
    [ "$(ui_prompt_line | sed 's/ *$//')" = "$want" ] && return 0
    sleep 0.05
  done
  fail "the prompt line is '$(ui_prompt_line | sed 's/ *$//')', not '$want'"
}

fail() {
  echo "FAIL: $*" >&2
  echo "---- screen ----" >&2
  ui_screen >&2 || true
  echo "---- stderr ----" >&2
  cat "$UI_DIR/stderr" >&2 2>/dev/null || true
  exit 1
}

# Timeouts are generous: an ASan build on two loaded cores is slow, and a
# wait ends as soon as its condition holds.
ui_wait() {
  local text=$1 secs=${2:-20} i
  for ((i = 0; i < secs * 20; i++)); do
    ui_screen | grep -qF -- "$text" && return 0
    sleep 0.05
  done
  fail "screen never showed '$text' within ${secs}s"
}

ui_wait_cursor() {
  local n=$1 secs=${2:-20} i
  for ((i = 0; i < secs * 20; i++)); do
    [ "$(ui_cursor_line)" = "$n" ] && return 0
    sleep 0.05
  done
  fail "the selected row is line '$(ui_cursor_line)', not $n, after ${secs}s"
}

ui_wait_gone() {
  local text=$1 secs=${2:-20} i
  for ((i = 0; i < secs * 20; i++)); do
    ui_screen | grep -qF -- "$text" || return 0
    sleep 0.05
  done
  fail "screen still shows '$text' after ${secs}s"
}

ui_wait_re() {
  local re=$1 secs=${2:-20} i
  for ((i = 0; i < secs * 20; i++)); do
    ui_screen | grep -qE -- "$re" && return 0
    sleep 0.05
  done
  fail "no line of the screen matched '$re' within ${secs}s"
}

ui_wait_row() {
  local key=$1 text=$2 secs=${3:-20} i
  for ((i = 0; i < secs * 20; i++)); do
    ui_screen | grep -F -- "$key" | grep -qF -- "$text" && return 0
    sleep 0.05
  done
  fail "no line with '$key' showed '$text' within ${secs}s"
}

# The console is live only once both the run and the pod lists are in, and
# the logs to triage are queued while those lists are read; so "live" with
# no progress in the status bar means every log is read and linked, and the
# screen changes no more by itself. (A verdict or "reading logs" gone alone
# proves nothing: verdicts show from a run's status first, and the progress
# may not be up yet.)
ui_wait_idle() {
  local secs=${1:-30} i
  for ((i = 0; i < secs * 20; i++)); do
    # a progress would follow the phase counts as " | what"
    ui_screen | tail -1 | grep -qE '\| live \| [0-9]+ runs[^|]*$' && return 0
    sleep 0.05
  done
  fail "the console was not live and idle within ${secs}s"
}

# A run's verdict can show from its status alone, before its log is read,
# and "reading logs" may not be up yet: tests that need the cached log wait
# for the log itself (the cache is WAL, so the CLI reads what is committed).
ui_wait_cached() {
  local db=$1 run=$2 text=$3 i
  shift 3
  for ((i = 0; i < 300; i++)); do
    "$UI_BIN" "$@" --db "$db" --offline logs "$run" 2>/dev/null | grep -qF -- "$text" && return 0
    sleep 0.1
  done
  fail "the history cache $db never got the log of $run"
}

ui_golden() {
  local name=$1 shot=$2 what=${3:-} gold=$UI_SRC/tests/ui/golden got=$UI_DIR/$1.txt i
  $shot >"$got"
  if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
    mkdir -p "$gold"
    cp "$got" "$gold/$name.txt"
    return 0
  fi
  # the frame may still be on its way through the pty: compare the screen
  # once it has settled, and fail on what it settled to
  for ((i = 0; i < 100; i++)); do
    cmp -s "$gold/$name.txt" "$got" && return 0
    sleep 0.05
    $shot >"$got"
  done
  diff -u "$gold/$name.txt" "$got" >&2 || true
  fail "screen $name differs from the golden one${what:+ ($what)}"
}

ui_exit_status() {
  local secs=${1:-30} i
  for ((i = 0; i < secs * 20; i++)); do
    [ -f "$UI_DIR/rc" ] && { cat "$UI_DIR/rc"; return 0; }
    sleep 0.05
  done
  echo timeout
}

# Starts the API server on the fixture (extra args go to fixture.py).
ui_cluster() {
  python3 "$UI_SRC/tests/ui/fixture.py" "$UI_DIR/scenario" "$@"
  kubeapi_start "$UI_DIR/scenario" || fail "the test API server did not start"
}
