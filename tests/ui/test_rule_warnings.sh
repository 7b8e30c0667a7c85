#!/usr/bin/env bash
# Problems in rule files (--rules DIR with two patterns that do not
# compile) are not dropped by the console: the message line says how many
# and names the first, `:log` lists each with its file and line, and the
# rest of the rules still classify (the demo's failed runs keep their
# classes). The same loader as the CLI's (src/runs/runclass.c).
set -eu
source "$(dirname "$0")/lib.sh"
ui_init rulewarn
ui_cluster
R=$UI_DIR/r
mkdir -p "$R"
printf 'rule team.bad\nclass team.bad\nmatch broken(\n\nrule team.worse\nclass team.bad\nmatch (also\n' >"$R/50-t.rules"

ui_start 200 40 -- --kubeconfig "$KUBEAPI_KUBECONFIG" --db "$UI_DIR/h.db" --rules "$R"
ui_wait "2 rule file problems (see :log), first:"
ui_screen | grep -F "2 rule file problems" | grep -qF "50-t.rules:3: rule team.bad: bad pattern" ||
  fail "the message line does not name the first problem: $(ui_screen | tail -3)"
# the other rules still apply
ui_wait "runtime.missing"
ui_keys : l o g Enter
ui_wait "rule file problem: "
ui_screen | grep -F "rule file problem: " | grep -qF "50-t.rules:3: rule team.bad: bad pattern" ||
  fail ":log lacks the first problem"
ui_screen | grep -F "rule file problem: " | grep -qF "50-t.rules:7: rule team.worse: bad pattern" ||
  fail ":log lacks the second problem"
ui_keys q q
[ "$(ui_exit_status)" = 0 ] || fail "exit status"
# the CLI says the same problems from the same loader
"$UI_BIN" --kubeconfig "$KUBEAPI_KUBECONFIG" --db "$UI_DIR/h.db" --rules "$R" list >/dev/null 2>"$UI_DIR/list.err" ||
  fail "list: $(cat "$UI_DIR/list.err")"
grep -qF "rule team.worse: bad pattern" "$UI_DIR/list.err" || fail "list does not warn: $(cat "$UI_DIR/list.err")"
echo ok
