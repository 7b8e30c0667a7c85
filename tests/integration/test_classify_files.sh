#!/usr/bin/env bash
# classify FILE FILE...: one process, one verdict per file, in order; with
# -o json one object per line naming its "file", each the same as that
# file classified alone; text gets a "==> FILE <==" header per file; an
# unreadable file is named on stderr, the others still classified, exit 1;
# "-" among files is bad usage; --baseline applies to every file.
set -euo pipefail
src=${ARTRIAGE_SRC:?}
bin=${ARTRIAGE_BIN:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_CONFIG_HOME=$tmp/config
fail=0
no() { echo "FAIL: $*"; fail=1; }
logs=$src/data/demo/seed/logs/agents
lane=torghut-v5-doc12-dspy-adoption-run-20260225
b=$(ls "$logs/${lane}b"-job-*/agent-runner.log)
e=$(ls "$logs/${lane}e"-job-*/agent-runner.log)
g=$(ls "$logs/${lane}g"-job-*/agent-runner.log)
sed -n 208p "$e" >"$tmp/pass.log"

"$bin" classify "$b" "$e" --outcome failed -o json >"$tmp/many.json"
[ "$(wc -l <"$tmp/many.json")" -eq 2 ] || no "two files, $(wc -l <"$tmp/many.json") lines"
for i in 1 2; do
  f=$([ $i = 1 ] && echo "$b" || echo "$e")
  one=$("$bin" classify "$f" --outcome failed -o json)
  python3 - "$f" "$one" "$(sed -n ${i}p "$tmp/many.json")" <<'PY' || fail=1
import json, sys
f, one, many = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
if many.pop("file", None) != f:
    sys.exit("FAIL: line for %s does not name it first" % f)
if many != one:
    sys.exit("FAIL: %s: alone %r, among files %r" % (f, one.get("primary"), many.get("primary")))
PY
done

text=$("$bin" classify "$b" "$g" --outcome failed)
[ "$(grep -c '^==> ' <<<"$text")" -eq 2 ] || no "text: two headers"
grep -qxF "==> $g <==" <<<"$text" || no "text: no header for g"

set +e
out=$("$bin" classify "$b" "$tmp/missing.log" "$e" -o json 2>"$tmp/err"); rc=$?
set -e
[ $rc -eq 1 ] || no "unreadable file: rc $rc"
[ "$(wc -l <<<"$out")" -eq 2 ] || no "unreadable file: the others not classified: $out"
grep -q 'missing.log' "$tmp/err" || no "unreadable file not named: $(cat "$tmp/err")"
set +e
"$bin" classify "$b" - </dev/null >/dev/null 2>&1; rc=$?
set -e
[ $rc -eq 2 ] || no "'-' among files: rc $rc"

# the baseline holds e's cause line: set aside in e, and each line says so
"$bin" classify "$e" "$e" --outcome failed --baseline "$tmp/pass.log" -o json >"$tmp/base.json"
python3 - "$tmp/base.json" <<'PY' || fail=1
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
if len(rows) != 2 or any(r["baseline"]["lines"] != 1 or r["primary"]["line"] == 208 for r in rows):
    sys.exit("FAIL: --baseline with several files: %r" % [(r.get("baseline"), r["primary"]["line"]) for r in rows])
PY

# A baseline file is read again to settle what the log asked about; a log
# or a baseline that can only be read once (stdin, a pipe) is classified
# the same. The baseline here is e's own log with other stamps and CRLF:
# many of e's lines are in it.
sed -e 's/[0-9]/7/g' -e 's/$/\r/' "$e" >"$tmp/crlf.log"
"$bin" classify "$e" --outcome failed --baseline "$tmp/crlf.log" -o json --explain >"$tmp/file.json"
"$bin" classify - --outcome failed --baseline "$tmp/crlf.log" -o json --explain <"$e" >"$tmp/stdin.json"
"$bin" classify "$e" --outcome failed --baseline <(cat "$tmp/crlf.log") -o json --explain >"$tmp/pipe.json"
# a baseline many times the log's size is read once, after the log
for i in $(seq 13); do cat "$tmp/crlf.log"; done >"$tmp/big.log"
"$bin" classify "$e" --outcome failed --baseline "$tmp/big.log" -o json --explain >"$tmp/bigfile.json"
"$bin" classify - --outcome failed --baseline "$tmp/big.log" -o json --explain <"$e" >"$tmp/bigstdin.json"
cmp -s "$tmp/bigfile.json" "$tmp/bigstdin.json" || no "a baseline read after the log differs from one read before"
grep -qE "\"lines\":$(( 13 * $(wc -l <"$e") ))[,}]" "$tmp/bigfile.json" || no "big baseline: lines not counted"
python3 - "$tmp/file.json" "$tmp/stdin.json" "$tmp/pipe.json" "$(wc -l <"$e")" <<'PY' || fail=1
import json, sys
rows = [json.load(open(f)) for f in sys.argv[1:4]]
for r in rows:
    r["baseline"].pop("file")
if rows[1] != rows[0] or rows[2] != rows[0]:
    sys.exit("FAIL: --baseline read once (stdin, pipe) differs from read twice")
r = rows[0]
if r["baseline"]["lines"] != int(sys.argv[4]) or "0 finding(s) set aside as also" in r["explain"]:
    sys.exit("FAIL: e against its own lines: %r" % r["explain"].splitlines()[:2])
PY
# A baseline of megabytes is settled in two halves side by side (split at
# a line start) from literals sampled over it, and without --explain it is
# read once, after the log, whatever the log's size: the same verdicts and
# count as a baseline hashed whole (stdin) or settled on one thread.
{ cat "$tmp/crlf.log"; awk 'BEGIN { for (i = 0; i < 170000; i++) print "npm WARN deprecated filler@1." i ".0: no longer supported" }'
  cat "$tmp/crlf.log"; awk 'BEGIN { for (i = 0; i < 250000; i++) print "  PASS  src/filler/module.test.ts (" i " ms)" }'
  cat "$tmp/crlf.log"; } >"$tmp/huge.log"
"$bin" classify "$e" --outcome failed --baseline "$tmp/huge.log" -o json >"$tmp/huge.json"
ARTRIAGE_CLASSIFY_THREADS=1 "$bin" classify "$e" --outcome failed --baseline "$tmp/huge.log" -o json >"$tmp/huge1.json"
"$bin" classify - --outcome failed --baseline "$tmp/huge.log" -o json <"$e" >"$tmp/hugestdin.json"
"$bin" classify "$e" --outcome failed --baseline "$tmp/huge.log" -o json --explain >"$tmp/hugeexpl.json"
python3 - "$tmp/huge.json" "$tmp/huge1.json" "$tmp/hugestdin.json" "$tmp/hugeexpl.json" "$(wc -l <"$tmp/huge.log")" <<'PY' || fail=1
import json, sys
rows = [json.load(open(f)) for f in sys.argv[1:5]]
rows[3].pop("explain")
if any(r != rows[0] for r in rows):
    sys.exit("FAIL: a huge baseline in halves differs from one thread, stdin or --explain: %r" % rows)
if rows[0]["baseline"]["lines"] != int(sys.argv[5]) or not any(
        f.get("in_baseline") for f in [rows[0]["primary"]] + rows[0]["secondary"]):
    sys.exit("FAIL: huge baseline: %r" % rows[0])
PY
# A log of megabytes is read ahead by a thread while it is classified
# (two cores): the same verdict as read in the classifier's own thread
# (one core, or stdin), as a log classified again after a settle (its
# baseline read after it) and as a log that many times itself fed whole.
for i in $(seq 60); do cat "$e"; awk -v i="$i" 'BEGIN { for (k = 0; k < 4000; k++) print "  PASS  src/filler/m" i ".test.ts (" k " ms)" }'; done >"$tmp/large.log"
[ "$(stat -c %s "$tmp/large.log")" -gt $((8 * 1024 * 1024)) ] || no "large.log is not large: $(stat -c %s "$tmp/large.log")"
"$bin" classify "$tmp/large.log" --outcome failed -o json >"$tmp/large.json"
ARTRIAGE_CLASSIFY_THREADS=1 "$bin" classify "$tmp/large.log" --outcome failed -o json >"$tmp/large1.json"
"$bin" classify - --outcome failed -o json <"$tmp/large.log" >"$tmp/largestdin.json"
"$bin" classify "$tmp/large.log" --outcome failed --baseline "$tmp/huge.log" -o json --explain >"$tmp/largebase.json"
ARTRIAGE_CLASSIFY_THREADS=1 "$bin" classify "$tmp/large.log" --outcome failed --baseline "$tmp/huge.log" -o json --explain >"$tmp/largebase1.json"
cmp -s "$tmp/large.json" "$tmp/large1.json" || no "a large log read ahead differs from one read in one thread"
cmp -s "$tmp/large.json" "$tmp/largestdin.json" || no "a large log read ahead differs from one read from stdin"
"$bin" classify "$tmp/large.log" --outcome failed --baseline "$tmp/huge.log" -o json >"$tmp/largeset.json"
ARTRIAGE_CLASSIFY_THREADS=1 "$bin" classify "$tmp/large.log" --outcome failed --baseline "$tmp/huge.log" -o json >"$tmp/largeset1.json"
cmp -s "$tmp/largebase.json" "$tmp/largebase1.json" || no "a large log with a baseline read first differs"
cmp -s "$tmp/largeset.json" "$tmp/largeset1.json" || no "a large log read again after a settle differs"
python3 - "$tmp/large.json" "$(wc -l <"$tmp/large.log")" <<'PY' || fail=1
import json, sys
r = json.load(open(sys.argv[1]))
if r["lines"] != int(sys.argv[2]) or not r.get("primary"):
    sys.exit("FAIL: large log: %r lines of %s, primary %r" % (r.get("lines"), sys.argv[2], r.get("primary")))
PY
# an empty baseline: nothing set aside; one that cannot be read: one line
: >"$tmp/empty.log"
"$bin" classify "$e" --outcome failed --baseline "$tmp/empty.log" -o json --explain >"$tmp/empty.json"
grep -q '"lines":0' "$tmp/empty.json" && grep -q '0 finding(s) set aside as also' "$tmp/empty.json" ||
  no "empty baseline: $(head -c 300 "$tmp/empty.json")"
set +e
"$bin" classify "$e" --outcome failed --baseline "$tmp/nothere.log" -o json >"$tmp/out" 2>"$tmp/err"; rc=$?
set -e
[ $rc -eq 1 ] && [ ! -s "$tmp/out" ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q 'nothere.log' "$tmp/err" ||
  no "unreadable baseline: rc $rc, stderr $(cat "$tmp/err")"
exit $fail
