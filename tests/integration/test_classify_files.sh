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
exit $fail
