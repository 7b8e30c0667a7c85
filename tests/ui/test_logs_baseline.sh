#!/usr/bin/env bash
# The log diff on the bundled seed lane: failed attempt e is compared with
# the lane's passing attempt g (after it). `D` shows only e's lines that g
# did not print (the cause among them; g's clone, install and tool lines
# hidden), the header names g, explain says what the baseline set aside,
# `D` again shows every line, and `h` lists the key.
set -eu
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/logview_lib.sh"
ui_init logs_baseline
kubeapi_start "$UI_SRC/data/demo/seed" || fail "the test API server did not start"
ui_start 160 60 -- --kubeconfig "$KUBEAPI_KUBECONFIG" -n agents
L=torghut-v5-doc12-dspy-adoption-run-20260225
ui_wait "${L}g" 20

elog=$(ls "$UI_SRC"/data/demo/seed/logs/agents/${L}e-job-*/agent-runner.log)
glog=$(ls "$UI_SRC"/data/demo/seed/logs/agents/${L}g-job-*/agent-runner.log)
# e's lines that g printed word for word (no digits to mask): the diff hides them
shared=$(grep -Fxf "$glog" "$elog" | grep -v '[0-9]' | grep -c '[^[:space:]]' || true)
[ "$shared" -ge 20 ] || fail "the seed logs changed: $shared shared lines"

lv_open_run "${L}e"
ui_wait "logs: ${L}e"
ui_wait " runtime.missing-executable  line 208" 15
ui_keys D
ui_wait "| new vs ${L}g: " 15
n=$(lv_header | grep -oE "new vs ${L}g: [0-9]+ lines" | grep -oE '[0-9]+ lines' | grep -oE '[0-9]+')
[ -n "$n" ] || fail "no diff line count in the header: $(lv_header)"
[ "$n" -le $((214 - shared)) ] || fail "the diff keeps $n of 214 lines ($shared shared with g)"
[ "$n" -ge 3 ] || fail "the diff shows $n lines"
# the cursor stays on the cause, which g never printed
lv_cursor_line | grep -qF 'Executable not found in $PATH: "codex-nats-soak"' || fail "cause not shown: $(lv_cursor_line)"
# the whole diff from its top: no line shared with g
ui_keys g
ui_wait_re ' line [0-9]+/214'
scr=$(ui_screen)
for s in "Cloning into '/workspace/lab'..." "[command:started] bun install --frozen-lockfile" \
         "agent-runner: spec /workspace/agent-runner.json, run spec /workspace/run.json"; do
  echo "$scr" | grep -qF -- "$s" && fail "the diff shows a line g printed too: $s"
done
echo "$scr" | grep -qF 'Executable not found in $PATH' || fail "the diff hides the cause"
rows=$(echo "$scr" | grep -cE '^ *[0-9]+[>* ] ' || true)
[ "$rows" -ge 3 ] || fail "the diff shows $rows rows"
ui_keys e
ui_wait "compared with the passing run ${L}g"
ui_wait "also in the passing run"
ui_keys e
ui_wait_gone "compared with the passing run"
# D again: every line
ui_keys D
ui_wait_gone "| new vs "
ui_keys g
ui_wait "line 1/214"
ui_screen | grep -qF "Cloning into '/workspace/lab'..." || fail "all lines: the clone line is missing"
ui_keys h
ui_wait "log diff: only the lines new against"
ui_keys q
ui_wait "logs: ${L}e"
ui_keys q
ui_wait_gone "logs: ${L}e"
ui_keys q
[ "$(ui_exit_status)" = 0 ] || fail "exit status"
echo PASS
