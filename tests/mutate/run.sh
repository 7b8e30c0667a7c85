#!/usr/bin/env bash
# Mutation check for the test suite (a developer tool, not a test: ctest
# does not run it). Each line of tests/mutate/mutations.txt breaks the
# product with one realistic one-line change:
#
#   FILE @@ PERL SUBSTITUTION (s/.../.../g) @@ CTEST REGEX @@ what it breaks
#
# For each, this script applies the change (it must change FILE exactly
# once), rebuilds BUILD (default build-test), runs the tests matching the
# regex, and restores FILE byte for byte. A mutation is CAUGHT when those
# tests fail. Prints one line per mutation and the score; exits 1 if any
# mutation survived or did not apply.
#
#   tests/mutate/run.sh [BUILD] [GREP]    GREP: only mutations whose line matches
set -u
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-build-test}
ONLY=${2:-}
cd "$SRC" || exit 2
LIST=${MUTATIONS:-tests/mutate/mutations.txt} # another list: MUTATIONS=FILE
caught=0 total=0 bad=0
# restored with a new mtime, so that the next build recompiles it
restore() { [ -n "${BACKUP:-}" ] && cat "$BACKUP" >"$FILE" && rm -f "$BACKUP"; BACKUP=; }
trap restore EXIT INT TERM
while IFS= read -r line; do
  file=$(awk -F ' @@ ' '{print $1}' <<<"$line")
  subst=$(awk -F ' @@ ' '{print $2}' <<<"$line")
  regex=$(awk -F ' @@ ' '{print $3}' <<<"$line")
  what=$(awk -F ' @@ ' '{print $4}' <<<"$line")
  case $file in ''|'#'*) continue ;; esac
  [ -n "$ONLY" ] && ! grep -qF -- "$ONLY" <<<"$line" && continue
  total=$((total + 1))
  FILE=$file BACKUP=$(mktemp)
  cp -p "$FILE" "$BACKUP"
  n=$(perl -0777 -i -pe "\$n += ($subst); END { print STDERR \$n+0 }" "$FILE" 2>&1 >/dev/null)
  if [ "$n" != 1 ]; then
    echo "NOT APPLIED ($n matches): $file: $what"
    bad=$((bad + 1))
    restore
    continue
  fi
  if ! cmake --build "$BUILD" -j2 >/tmp/mutate-build.$$ 2>&1; then
    echo "CAUGHT (build): $file: $what"
    caught=$((caught + 1))
    restore
    continue
  fi
  if (cd "$BUILD" && ctest -R "$regex" >/tmp/mutate-test.$$ 2>&1); then
    echo "SURVIVED: $file: $what  [tests: $regex]"
    bad=$((bad + 1))
  else
    echo "CAUGHT: $file: $what  [$(grep -E 'Failed|\*\*\*' /tmp/mutate-test.$$ | sed 's/.* - //; s/ *(.*//' | tr '\n' ' ')]"
    caught=$((caught + 1))
  fi
  restore
done <"$LIST"
rm -f /tmp/mutate-build.$$ /tmp/mutate-test.$$
cmake --build "$BUILD" -j2 >/dev/null 2>&1
echo "caught $caught of $total"
[ "$bad" = 0 ]
