#!/usr/bin/env bash
# The config file from the command line: a default option taken from
# $XDG_CONFIG_HOME/artriage/config.yaml, the command line winning over it,
# --config naming another file, unknown keys as a warning naming file:line,
# and a broken or group-writable file refused with ONE line naming
# file:line:column (exit 2) by the commands and the console alike.
set -euo pipefail
src=${ARTRIAGE_SRC:?}
bin=${ARTRIAGE_BIN:?}
. "$src/tests/lib/kubeapi.sh"
tmp=$(mktemp -d)
trap 'kubeapi_stop 2>/dev/null || true; rm -rf "$tmp"' EXIT
kubeapi_start "$src/data/demo/seed"
export KUBECONFIG=$KUBEAPI_KUBECONFIG XDG_CACHE_HOME=$tmp/cache XDG_CONFIG_HOME=$tmp/config
mkdir -p "$tmp/config/artriage"
cfg=$tmp/config/artriage/config.yaml
fail=0
bad() { echo "FAIL: $*"; fail=1; }
namespaces() { python3 -c 'import json,sys; print(" ".join(sorted({r["namespace"] for r in json.load(sys.stdin)})))'; }
put() { printf '%s' "$1" >"$cfg"; chmod 600 "$cfg"; }

# the flag's default from the file
put $'# defaults\nnamespace: synthesis\n'
"$bin" list -o json >"$tmp/out" 2>"$tmp/err" || bad "list with a config: $(cat "$tmp/err")"
[ "$(namespaces <"$tmp/out")" = synthesis ] || bad "namespace from the file: got '$(namespaces <"$tmp/out")'"
[ ! -s "$tmp/err" ] || bad "a clean file prints nothing on stderr: $(cat "$tmp/err")"
# the command line wins: -n, and -A over the file's namespace
"$bin" -n agents list -o json >"$tmp/out" 2>"$tmp/err" || bad "list -n: $(cat "$tmp/err")"
[ "$(namespaces <"$tmp/out")" = agents ] || bad "-n agents over the file: got '$(namespaces <"$tmp/out")'"
"$bin" list -A -o json >"$tmp/out" 2>"$tmp/err" || bad "list -A: $(cat "$tmp/err")"
[ "$(namespaces <"$tmp/out")" = "agents synthesis" ] || bad "-A over the file: got '$(namespaces <"$tmp/out")'"
# all-namespaces from the file
put $'all-namespaces: true\n'
"$bin" list -o json >"$tmp/out" 2>"$tmp/err" || bad "list with all-namespaces: $(cat "$tmp/err")"
[ "$(namespaces <"$tmp/out")" = "agents synthesis" ] || bad "all-namespaces from the file: got '$(namespaces <"$tmp/out")'"
# db from the file ("~/" is the home directory), and --db over it
put $'db: ~/from-file.db\n'
rc=0; HOME=$tmp "$bin" --offline list 2>"$tmp/err" || rc=$?
[ "$rc" = 1 ] && grep -qF "$tmp/from-file.db does not exist" "$tmp/err" || bad "db from the file: rc $rc, $(cat "$tmp/err")"
rc=0; HOME=$tmp "$bin" --offline --db "$tmp/cli.db" list 2>"$tmp/err" || rc=$?
grep -qF "$tmp/cli.db does not exist" "$tmp/err" || bad "--db over the file: $(cat "$tmp/err")"

# --config names another file; the default one is not read then
printf 'namespace: agents\n' >"$tmp/other.yaml"
chmod 600 "$tmp/other.yaml"
put $'namespace: [broken\n'
"$bin" --config "$tmp/other.yaml" list -o json >"$tmp/out" 2>"$tmp/err" || bad "--config FILE: $(cat "$tmp/err")"
[ "$(namespaces <"$tmp/out")" = agents ] || bad "--config FILE's namespace: got '$(namespaces <"$tmp/out")'"
rc=0; "$bin" --config "$tmp/nosuch.yaml" list >"$tmp/out" 2>"$tmp/err" || rc=$?
[ "$rc" = 2 ] && grep -qF "config $tmp/nosuch.yaml: No such file" "$tmp/err" || bad "--config missing: rc $rc, $(cat "$tmp/err")"

# a broken file: one line, file:line:column and what is wrong, exit 2, nothing on stdout
for case in $'namespace: [broken\n|:2:1: did not find expected' \
            $'context: prod\nno-color: maybe\n|:2:11: no-color: expected true or false' \
            $'keys:\n  help: F99\n|:2:9: \'F99\': function keys are F1 to F24' \
            $'skin:\n  failed: chartreuse\n|:2:11: \'chartreuse\' is not a colour' \
            $'a: &x [1]\nb: *x\n|:1:4: anchors and aliases'; do
  put "${case%%|*}"
  want=${case#*|}
  rc=0; "$bin" list >"$tmp/out" 2>"$tmp/err" || rc=$?
  [ "$rc" = 2 ] || bad "broken file ($want): exit $rc, want 2"
  [ "$(wc -l <"$tmp/err")" = 1 ] || bad "broken file ($want): $(wc -l <"$tmp/err") lines: $(cat "$tmp/err")"
  grep -qF "artriage: $cfg$want" "$tmp/err" || bad "broken file: want '$cfg$want', got $(cat "$tmp/err")"
  [ ! -s "$tmp/out" ] || bad "broken file: stdout not empty"
  # the console refuses to start with the same line (before it needs a terminal)
  rc=0; "$bin" </dev/null >"$tmp/out" 2>"$tmp/err2" || rc=$?
  [ "$rc" = 2 ] && cmp -s "$tmp/err" "$tmp/err2" || bad "console with a broken file: exit $rc, $(cat "$tmp/err2")"
done

# unknown keys: a warning naming file:line:column, and the command still runs
put $'namespace: synthesis\ncolour-scheme: dark\nkeys:\n  teleport: T\n'
"$bin" list -o json >"$tmp/out" 2>"$tmp/err" || bad "unknown keys are not an error: $(cat "$tmp/err")"
[ "$(namespaces <"$tmp/out")" = synthesis ] || bad "unknown keys: the rest of the file applies"
grep -qxF "artriage: warning: $cfg:2:1: unknown key 'colour-scheme' (ignored)" "$tmp/err" || bad "warning: $(cat "$tmp/err")"
grep -qxF "artriage: warning: $cfg:4:3: unknown action 'teleport' (ignored)" "$tmp/err" || bad "action warning: $(cat "$tmp/err")"

# writable by group or others: refused with one line (as ssh), exit 2
put $'namespace: synthesis\n'
chmod 664 "$cfg"
rc=0; "$bin" list >"$tmp/out" 2>"$tmp/err" || rc=$?
[ "$rc" = 2 ] || bad "group-writable file: exit $rc"
[ "$(wc -l <"$tmp/err")" = 1 ] && grep -qF "writable by group or others (mode 0664); refusing to read it" "$tmp/err" ||
  bad "group-writable: $(cat "$tmp/err")"
chmod 644 "$cfg"
"$bin" list -o json >/dev/null 2>"$tmp/err" || bad "a world-readable file is fine: $(cat "$tmp/err")"

# what the build runs never reads a user's file: the man page and completion come out with a broken one
put $'namespace: [broken\n'
"$bin" __man "$src/docs/artriage.1.in" >"$tmp/man" 2>"$tmp/err" || bad "__man with a broken config: $(cat "$tmp/err")"
grep -q '^\.SH' "$tmp/man" || bad "__man printed no page"
"$bin" completion bash >"$tmp/comp" 2>"$tmp/err" || bad "completion with a broken config: $(cat "$tmp/err")"
grep -q complete "$tmp/comp" || bad "completion printed no script"

# the example in docs/ is a valid file with no warnings (a copy: the checkout's mode may be anything)
cp "$src/docs/config.example.yaml" "$tmp/example.yaml"
chmod 600 "$tmp/example.yaml"
rc=0; "$bin" --config "$tmp/example.yaml" --offline --db "$tmp/none.db" list >/dev/null 2>"$tmp/err" || rc=$?
grep -q "warning\|config.yaml:" "$tmp/err" && bad "docs/config.example.yaml: $(cat "$tmp/err")"
grep -qF "$tmp/none.db does not exist" "$tmp/err" || bad "docs/config.example.yaml was not taken: $(cat "$tmp/err")"

[ "$fail" = 0 ] && echo "config file from the command line: ok"
exit "$fail"
