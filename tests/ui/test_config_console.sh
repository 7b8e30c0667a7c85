#!/usr/bin/env bash
# The config file in the console at 80x24: a key bound by action name
# works and takes the place of the default one, and the help screen (and
# the title's hint) show the bound key; a skin colour shows in an attribute
# capture, and NO_COLOR still wins over it; a hotkey runs its `:` command;
# an unknown key is a warning in the message line;
# a broken file keeps the console from starting with one line.
set -eu
source "$(dirname "$0")/lib.sh"
ui_init config
ui_cluster

E=n-20260225e
mkdir -p "$UI_DIR/config/artriage"
CFG=$UI_DIR/config/artriage/config.yaml
cat >"$CFG" <<'EOF'
# a user's config: keys by action name, a skin, hotkeys
keys:
  help: F2
  next-failed: [N, "^N"]
skin:
  failed: magenta
  header: white on blue
hotkeys:
  "^G": "all"
  F5: ":log"
widgets: 3
EOF
chmod 600 "$CFG"

ui_start 80 24 -- --kubeconfig "$KUBEAPI_KUBECONFIG"
# a key the console does not know: a warning naming file:line:column, the rest applies
ui_wait "'widgets' (ignored)"
ui_screen | tail -4 | sed 's/^ //; s/ *$//' | tr '\n' ' ' | grep -qF "config: $CFG:11:1: unknown key 'widgets' (ignored)" ||
  fail "the warning does not name the file, line and column"
ui_wait "| live |"
ui_wait "$E"
# the title's hint names the key help is bound to
ui_screen | head -1 | grep -qF "F2 help" || fail "the title does not hint F2 for help"
# the skin: failed rows in magenta (35), the header white on blue (37;44),
# no longer the built-in red (31) / black on cyan (30;46)
attrs=$(ui_screen_attr)
echo "$attrs" | grep -F "Failed" | grep -qE $'\e\\[([0-9;]*;)?35[;m]' || fail "a failed row is not magenta: $(echo "$attrs" | grep -F Failed | head -2 | cat -v)"
echo "$attrs" | grep -F "Failed" | grep -qE $'\e\\[([0-9;]*;)?31[;m]' && fail "a failed row is still red"
echo "$attrs" | grep -F "NAME" | grep -qE $'\e\\[([0-9;]*;)?(37;44|44;37)[;m]|\e\\[([0-9;]*;)?37m\e\\[([0-9;]*;)?44m' ||
  fail "the header is not white on blue: $(echo "$attrs" | grep -F NAME | cat -v)"

# ? no longer opens help (its action is bound to F2); F2 does, showing the bound keys
ui_keys '?'
sleep 0.5
ui_screen | grep -qF "help: keys of the runs view" && fail "? still opens help though help is bound to F2"
ui_keys F2
ui_wait "help: keys of the runs view"
ui_screen | grep -qE "^  F2 +this help" || fail "help does not show F2 for itself"
ui_screen | grep -qE "^  N / \^N +next failed run" || fail "help does not show N / ^N for next-failed"
ui_screen | grep -qE "^  ! +next failed" && fail "help still shows ! for next-failed"
ui_keys G
ui_wait "Hotkeys (config file)"
ui_screen | grep -qE "^  \^G +:all" || fail "help does not list the hotkey ^G"
ui_screen | grep -qE "^  F5 +:log" || fail "help does not list the hotkey F5"
ui_keys q
ui_wait_gone "help: keys of the runs view"

# the remapped key works: N jumps to a failed run (from the top)
ui_keys g
ui_keys N
ui_wait_re "^(.\[[0-9;]*m)*.*Failed" 5
line=$(ui_cursor_line)
[ -n "$line" ] || fail "no cursor after N"
ui_screen | sed -n "${line}p" | grep -qF "Failed" || fail "N did not move to a failed run (line $line)"

# a hotkey runs its command: ^G = :all, F5 = :log
ui_keys C-g
ui_wait "all namespaces"
ui_screen | tail -1 | grep -qF " / * |" || fail "^G did not switch to all namespaces"
ui_keys F5
ui_wait "artriage | command log"
ui_keys q
ui_keys q
[ "$(ui_exit_status)" = 0 ] || fail "console did not exit 0"

# NO_COLOR wins over the skin: no colour at all
ui_start 80 24 NO_COLOR=1 -- --kubeconfig "$KUBEAPI_KUBECONFIG"
ui_wait "| live |"
ui_wait "$E"
ui_screen_attr | grep -qE $'\e\\[([0-9;]*;)?(3[0-7]|4[0-7])[;m]' && fail "NO_COLOR: colours in $(ui_screen_attr | cat -v | head -5)"
ui_keys q
[ "$(ui_exit_status)" = 0 ] || fail "console (NO_COLOR) did not exit 0"

# a broken file: the console does not start; one line names file:line:column
printf 'keys:\n  help: F99\n' >"$CFG"
ui_start 80 24 -- --kubeconfig "$KUBEAPI_KUBECONFIG"
[ "$(ui_exit_status)" = 2 ] || fail "console with a broken config: status $(ui_exit_status)"
[ "$(wc -l <"$UI_DIR/stderr")" = 1 ] || fail "more than one line: $(cat "$UI_DIR/stderr")"
grep -qF "artriage: $CFG:2:9: 'F99': function keys are F1 to F24" "$UI_DIR/stderr" || fail "message: $(cat "$UI_DIR/stderr")"
echo "config file in the console: ok"
