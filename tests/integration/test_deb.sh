#!/usr/bin/env bash
# `cpack -G DEB` of the build under test (issue 13): a package whose Depends
# come from shlibdeps and name libcurl, libncursesw, libsqlite3 and libcjson,
# holding the binary, the kubectl plugin link, the man page, both
# completions and the rules. Skips (77) only where dpkg-deb is missing;
# scripts/bootstrap installs it.
set -euo pipefail
build=${ARTRIAGE_BUILD:?}
command -v dpkg-deb >/dev/null && command -v dpkg-shlibdeps >/dev/null || { echo "SKIP: no dpkg-deb/dpkg-shlibdeps"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$tmp" >"$tmp/cpack.log" 2>&1) ||
  { cat "$tmp/cpack.log"; echo "FAIL: cpack -G DEB"; exit 1; }
deb=$(ls "$tmp"/artriage_*.deb)
fail=0
dep=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $dep"
for lib in libcurl libncursesw libsqlite3 libcjson; do
  grep -q "\b$lib" <<<"$dep" || { echo "FAIL: Depends lacks $lib"; fail=1; }
done
files=$(dpkg-deb -c "$deb" | awk '{print $6}')
for f in ./usr/bin/artriage ./usr/bin/kubectl-artriage ./usr/share/man/man1/artriage.1 \
  ./usr/share/bash-completion/completions/artriage ./usr/share/zsh/site-functions/_artriage \
  ./usr/share/artriage/rules/10-runtime.rules; do
  grep -qx -- "$f" <<<"$files" || { echo "FAIL: the package lacks $f"; fail=1; }
done
exit $fail
