#!/usr/bin/env bash
# Completion candidates (artriage __complete, which the bash and zsh scripts
# call): commands, sub-commands, options and their values from the table,
# contexts from the kubeconfig, namespaces, runs and lanes from the history
# cache; and the bash script completing through them.
set -euo pipefail
src=${ARTRIAGE_SRC:?}
bin=${ARTRIAGE_BIN:?}
. "$src/tests/lib/kubeapi.sh"
tmp=$(mktemp -d)
trap 'kubeapi_stop 2>/dev/null || true; rm -rf "$tmp"' EXIT
export XDG_CACHE_HOME=$tmp/cache XDG_CONFIG_HOME=$tmp/config ASAN_OPTIONS=detect_leaks=0
fail=0
want() { # description expected-lines got
  if [ "$2" != "$3" ]; then echo "FAIL: $1: expected [$2], got [$3]"; fail=1; else echo "ok: $1"; fi
}
has() { # description word got
  if grep -qx -- "$2" <<<"$3"; then echo "ok: $1"; else echo "FAIL: $1: no '$2' in [$3]"; fail=1; fi
}
c() { "$bin" "${pre[@]}" __complete -- "$@"; }
pre=()

want "command prefix" list "$(c li)"
want "sub-commands" $'add\nlist\nrm' "$(c note "")"
want "option prefix" --phase "$(c list --ph)"
want "option values" $'Pending\nRunning\nSucceeded\nFailed' "$(c list --phase "")"
want "a short option's value" $'table\nwide\nname\njson\nyaml\njsonpath=' "$(c list -o "")"
want "-o after the command" $'md\njson\ncsv' "$(c timeline -o "")"
want "file argument" ":file" "$(c classify "")"
want "shells" $'bash\nzsh' "$(c completion "")"
want "nothing after an unknown command" "" "$(c nosuch "")"
has "global options after a command" --all-namespaces "$(c show --all)"

# contexts from the kubeconfig (--kubeconfig, then $KUBECONFIG)
cat >"$tmp/kc" <<'KC'
apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: u, user: {token: t}}]
contexts:
- {name: alpha, context: {cluster: c, user: u}}
- {name: beta-2, context: {cluster: c, user: u, namespace: x}}
current-context: alpha
KC
want "contexts" $'alpha\nbeta-2' "$(c --kubeconfig "$tmp/kc" list --context "")"
want "contexts via KUBECONFIG" beta-2 "$(KUBECONFIG=$tmp/kc c --context b)"

# namespaces, runs and lanes from the history cache
kubeapi_start "$src/data/demo/seed"
export KUBECONFIG=$KUBEAPI_KUBECONFIG
"$bin" -A sync --quiet >/dev/null
has "namespaces" agents "$(c -n "")"
runs=$(c show "")
has "runs" torghut-v5-doc12-dspy-adoption-run-20260225d "$runs"
[ "$(wc -l <<<"$runs")" -ge 10 ] || { echo "FAIL: only $(wc -l <<<"$runs") runs"; fail=1; }
want "run prefix" torghut-v5-doc12-dspy-adoption-run-20260225e "$(c logs torghut-v5-doc12-dspy-adoption-run-20260225e)"
has "lanes" torghut-v5-doc12-dspy-adoption-run-20260225 "$(c timeline --lane torghut-v5-doc12)"
want "a second RUN is not offered" "" "$(c show torghut-v5-doc12-dspy-adoption-run-20260225d "")"
# no cache: nothing, and no cache created
want "no cache" "" "$(XDG_CACHE_HOME=$tmp/none c show "")"
[ ! -e "$tmp/none" ] || { echo "FAIL: completion created a cache"; fail=1; }

# the bash script completes through the same candidates
got=$(PATH=$(dirname "$bin"):$PATH bash -c '
  source <(artriage completion bash) || exit 1
  COMP_WORDS=(artriage rerun torghut-v5-doc12-dspy-adoption-run-20260225d --im); COMP_CWORD=3; _artriage; echo "${COMPREPLY[*]}"
  COMP_WORDS=(artriage rerun x --image ""); COMP_CWORD=4; _artriage; echo "${COMPREPLY[*]}"')
want "bash script" $'--image\nkeep default' "$got"
exit $fail
