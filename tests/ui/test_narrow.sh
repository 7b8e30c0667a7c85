#!/usr/bin/env bash
# The console as a new user meets it over SSH, at 80x24 and at 200x60:
# ATT kept and long names cut in the middle (the attempt suffix stays),
# classes cut from the left; from launch to the newest failure's cause in
# two keys (! then l); ? is help in the log view too and b searches
# backward; &!RE hides the lines RE matches; messages get a line of their
# own and the status bar stays whole; :ctx refuses an unknown context and
# alone opens a picker; `l` on a run without pods says why in full; a
# terminal that cannot move the cursor is refused with one sentence.
set -eu
source "$(dirname "$0")/lib.sh"
ui_init narrow
ui_cluster
STATUS=' kubeapi / agents | live | 6 runs Failed 3 Running 1 Pending 1 Succeeded 1'

status_whole() { # the last line is the status bar, nothing written over it
  local last
  last=$(ui_screen | tail -1)
  # at 200 columns the recorder's state stands right-aligned after the counts
  last=$(printf '%s' "$last" | sed -E 's/ +recorder: .*$//')
  [ "$last" = "$STATUS" ] || fail "status bar overwritten ($1): '$last'"
}

for size in 80x24 200x60; do
  ui_start "${size%x*}" "${size#*x}" -- --kubeconfig "$KUBEAPI_KUBECONFIG"
  ui_wait "runs 6/6"
  ui_wait_idle
  ui_wait_re '^NAME .* ATT '
  if [ "$size" = 80x24 ]; then
    # b, d and e of one lane read apart: the suffix and ATT stay
    for a in b d e; do ui_wait_re "…n-20260225$a +Failed .* $a +" ; done
    ui_wait_re ' …missing-module +-$'
    ui_wait_re ' …missing-executable +-$'
  else
    ui_wait_re 'torghut-v5-doc12-dspy-adoption-run-20260225e +Failed .* e +runtime.missing-executable'
  fi

  # the detail's facts are read whole: a digest too wide goes on below
  ui_keys g j j Enter
  ui_wait "detail torghut-v5-doc12-dspy-adoption-run-20260225g"
  ui_screen | tr -d '\n ' | grep -qF "sha256:6fa809abd4f436789236af008933f8ee7f0dd422775bbb265d969c23c71d3dbd" ||
    fail "the image digest is not shown whole ($size)"
  ui_screen | grep -qF "…" && fail "a fact in the detail is cut with … ($size)"
  ui_keys q g
  ui_wait "runs 6/6"
  # launch -> the newest failure's cause: ! then l
  ui_keys '!'
  ui_keys l
  ui_wait "logs: torghut-v5-doc12-dspy-adoption-run-20260225e"
  ui_wait_re '^ +3> Error: Executable not found'
  # ? is help here too; b is the backward search
  ui_keys '?'
  ui_wait "Keys (logs)"
  ui_screen | grep -qE '^  / b +search forward / backward' || fail "help names b for backward search"
  ui_keys q
  ui_wait_re '^ +3> Error: Executable not found'
  ui_keys b
  ui_wait_re '^\?'
  ui_keys runner Enter
  ui_wait "| line 1/4 |"
  # &!RE: the lines RE misses
  ui_keys '&' '!runner' Enter
  ui_wait "filter &!runner (2 lines)"
  ui_screen | grep -q '\[runner\]' && fail "&!runner still shows runner lines"
  ui_wait 'codex-nats-soak --lane torghut'
  ui_keys '&' C-u Enter
  ui_wait '[runner] exit 1'
  # ! in the log view: the lane's other failed attempts have no pods here
  ui_keys '!'
  ui_wait "no other failed attempt of this lane has a log to read"
  status_whole "log view message"
  ui_keys q
  ui_wait "runs 6/6"

  # an unknown context is refused on a line of its own
  ui_keys ':ctx nosuch' Enter
  ui_wait "no context 'nosuch' in the kubeconfig"
  status_whole ":ctx nosuch"
  ui_wait "runs 6/6"
  # several contexts, one of them unknown: refused whole, the list stays
  ui_keys ':ctx kubeapi,nosuch' Enter
  ui_wait "no context 'nosuch' in the kubeconfig"
  status_whole ":ctx a,b"
  ui_wait "runs 6/6"
  # :ctx alone: a picker of the kubeconfig's contexts
  ui_keys ':ctx' Enter
  ui_wait "pick a context (1)"
  ui_wait_re '^ \* kubeapi'
  ui_keys Escape
  ui_wait "runs 6/6"

  # l on the Pending run without pods: why, in full
  ui_keys g l
  ui_wait "no pods known for run torghut-market-context-news-7h2pd"
  ui_wait "history cache)"
  status_whole "no pods"
  ui_keys q
  [ "$(ui_exit_status)" = 0 ] || fail "exit status ($size)"
done

# no cursor addressing: one sentence, pointing at the commands
ui_start 80 24 TERM=dumb -- --kubeconfig "$KUBEAPI_KUBECONFIG"
[ "$(ui_exit_status)" = 1 ] || fail "TERM=dumb exit status"
grep -qF "the console needs a terminal that can move the cursor, and TERM=dumb cannot; use the commands instead (artriage list" "$UI_DIR/stderr" ||
  fail "TERM=dumb message: $(cat "$UI_DIR/stderr")"
[ "$(wc -l <"$UI_DIR/stderr")" = 1 ] || fail "TERM=dumb: one line"
echo PASS
