#!/usr/bin/env bash
# The install (issue 13, "Done when"): `cmake --install` of the build under
# test into a prefix P, P moved elsewhere; the moved binary still finds its
# rules (and does not fall back on the source tree: without P's rules it
# fails), the man page renders without warnings and names every command and
# option of the table, both completions are installed and the bash one
# registers and completes, the kubectl plugin link speaks as `kubectl
# artriage`, and --version names the commit. Reuses the built binary (no
# second build).
set -euo pipefail
src=${ARTRIAGE_SRC:?}
build=${ARTRIAGE_BUILD:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HOME=$tmp/home XDG_CACHE_HOME=$tmp/cache XDG_CONFIG_HOME=$tmp/config ASAN_OPTIONS=detect_leaks=0
unset ARTRIAGE_RULES KUBECONFIG
mkdir -p "$HOME"
fail=0
bad() { echo "FAIL: $*"; fail=1; }

cmake --install "$build" --prefix "$tmp/p" >/dev/null
mv "$tmp/p" "$tmp/moved"
P=$tmp/moved
bin=$P/bin/artriage

# the moved prefix still classifies with its shipped rules
log=$src/tests/data/classify-dev/004-ghorg-exec-git-not-found.log
out=$("$bin" classify --outcome failed -o json "$log") || bad "classify in the moved prefix: $out"
class=$(python3 -c 'import json,sys; p=json.load(sys.stdin)["primary"]; print(p["class"] if p else None)' <<<"$out")
case $class in None | unknown | "") bad "moved prefix: no cause found in $log ($class)" ;; *) echo "ok: moved prefix classifies ($class)" ;; esac
# ... and they are the prefix's rules, not the source tree's
mv "$P/share/artriage/rules" "$tmp/rules.away"
set +e
err=$("$bin" classify "$log" 2>&1 >/dev/null); rc=$?
set -e
[ $rc = 1 ] && grep -q "rules not found" <<<"$err" || bad "without share/artriage/rules: rc=$rc $err"
# ARTRIAGE_RULES overrides
ARTRIAGE_RULES=$tmp/rules.away "$bin" classify "$log" >/dev/null || bad "ARTRIAGE_RULES is not used"
mv "$tmp/rules.away" "$P/share/artriage/rules"
[ -f "$P/share/artriage/schema/001_init.sql" ] || bad "schema not installed"
# the classifier's wording model is installed beside the rules and used from there
[ -f "$P/share/artriage/model/classes.nb" ] || bad "wording model not installed"
printf 'Error: blob store refused the upload\n  not enough space left on the device\nexit status 1\n' >"$tmp/block.log"
"$bin" classify --outcome failed --explain "$tmp/block.log" | grep -q "model $P/bin/../share/artriage/model/classes.nb:" ||
  bad "the installed wording model is not read"

# the man page: renders without warnings, names every command and option
man1=$P/share/man/man1/artriage.1
[ -f "$man1" ] || bad "no $man1"
warn=$(LC_ALL=C.UTF-8 MANWIDTH=100 man --warnings -l "$man1" 2>&1 >"$tmp/man.txt") || bad "man -l failed"
[ -z "$warn" ] || bad "man -l warns: $warn"
# the table, asked of the binary: commands, then each command's options
words() { "$bin" __complete -- "$@"; }
cmds=$(words "")
[ -n "$cmds" ] || bad "no commands from __complete"
for c in $cmds; do
  subs=$(words "$c" "")
  full=("$c")
  if [ "$c" = note ]; then full=(); for s in $subs; do full+=("$c $s"); done; fi
  for fc in "${full[@]}"; do
    grep -qF -- "artriage $fc" "$tmp/man.txt" || bad "man page lacks the command '$fc'"
    # shellcheck disable=SC2086
    for o in $(words $fc --); do
      grep -qF -- "$o" "$tmp/man.txt" || bad "man page lacks '$fc' option $o"
    done
  done
done
grep -q "^CONSOLE KEYS" "$tmp/man.txt" && grep -q "^ENVIRONMENT" "$tmp/man.txt" &&
  grep -q "^FILES" "$tmp/man.txt" && grep -q "^EXIT STATUS" "$tmp/man.txt" &&
  grep -q "^EXAMPLES" "$tmp/man.txt" || bad "man page section missing"
# every key of the console's key table, with its description
python3 - "$src/ui/console/keys.c" "$tmp/man.txt" <<'PY' || bad "man page lacks console keys"
import re, sys
keys = open(sys.argv[1]).read()
man = open(sys.argv[2], encoding="utf-8").read()
man = re.sub("\u2010\n\\s*", "", man)          # hyphenated at a line end
man = " ".join(man.replace("\u2212", "-").split())
rows = re.findall(r'\{[^{}\n]*?, "((?:[^"\\]|\\.)+)", "((?:[^"\\]|\\.)+)", [A-Z_| ]+, [A-Z_0-9]+\}', keys)
missing = [(k, h) for k, h in rows if " ".join(h.split()) not in man]
for k, h in missing: print("man page lacks key", k, "-", h)
sys.exit(1 if missing or len(rows) < 20 else 0)
PY
echo "ok: man page checked against $(wc -w <<<"$cmds") commands"

# completions
[ -f "$P/share/bash-completion/completions/artriage" ] || bad "bash completion not installed"
[ -f "$P/share/zsh/site-functions/_artriage" ] || bad "zsh completion not installed"
got=$(PATH=$P/bin:$PATH bash -c '
  source <(artriage completion bash) && complete -p artriage >/dev/null || exit 1
  COMP_WORDS=(artriage li); COMP_CWORD=1; _artriage; echo "${COMPREPLY[*]}"
  COMP_WORDS=(artriage list --ph); COMP_CWORD=2; _artriage; echo "${COMPREPLY[*]}"
  COMP_WORDS=(artriage note r); COMP_CWORD=2; _artriage; echo "${COMPREPLY[*]}"') || bad "completion did not register"
[ "$got" = $'list\n--phase\nrm' ] || bad "bash completion gives '$got'"
PATH=$P/bin:$PATH bash -c 'source '"$P"'/share/bash-completion/completions/artriage && complete -p artriage' >/dev/null ||
  bad "the installed bash completion does not register"

# the kubectl plugin link
[ -L "$P/bin/kubectl-artriage" ] || bad "no kubectl-artriage link"
"$P/bin/kubectl-artriage" --help | head -1 | grep -q "^usage: kubectl artriage " || bad "plugin help does not say kubectl artriage"
"$P/bin/kubectl-artriage" list --help | head -1 | grep -q "^usage: kubectl artriage list" || bad "plugin list help"
"$bin" --help | head -1 | grep -q "^usage: artriage " || bad "artriage --help"

# --version names the commit (or says it is no checkout)
ver=$("$bin" --version)
if [ -d "$src/.git" ] || git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
  rev=$(sed -n 's/.*(git \(.*\))$/\1/p' <<<"$ver")
  rev=${rev%-dirty}
  case $rev in *-g*) rev=${rev##*-g} ;; esac
  [ -n "$rev" ] && git -C "$src" cat-file -e "$rev^{commit}" 2>/dev/null || bad "--version names no commit of this repository: $ver"
else
  grep -q "not built from a git checkout" <<<"$ver" || bad "--version in a tarball: $ver"
fi
echo "ok: $ver"
exit $fail
