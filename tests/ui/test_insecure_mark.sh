#!/usr/bin/env bash
# A cluster with insecure-skip-tls-verify is marked in the status bar
# (INSECURE-TLS next to the connection state), and the CLI says so in one
# note naming the context; a verified cluster carries no mark.
set -eu
source "$(dirname "$0")/lib.sh"
ui_init insecure
python3 "$UI_SRC/tests/ui/fixture.py" "$UI_DIR/scenario"
kubeapi_start "$UI_DIR/scenario" --tls || fail "the test API server did not start"
G=torghut-v5-doc12-dspy-adoption-run-20260225g
kc=$UI_DIR/insecure.kubeconfig
sed -E 's/^( *)certificate-authority-data: .*/\1insecure-skip-tls-verify: true/' "$KUBEAPI_KUBECONFIG" >"$kc"
grep -q "insecure-skip-tls-verify: true" "$kc" || fail "could not make the insecure kubeconfig"

ui_start 140 40 -- --kubeconfig "$kc" --db "$UI_DIR/history.db"
ui_wait "$G"
ui_wait "| live INSECURE-TLS |"
ui_keys q
[ "$(ui_exit_status)" = 0 ] || fail "exit status"

ui_start 140 40 -- --kubeconfig "$KUBEAPI_KUBECONFIG" --db "$UI_DIR/history2.db"
ui_wait "| live |"
ui_screen | grep -qF INSECURE && fail "a verified cluster is marked insecure"
ui_keys q

err=$("$UI_BIN" --kubeconfig "$kc" --db "$UI_DIR/history3.db" list 2>&1 >/dev/null)
[ "$(printf '%s\n' "$err" | grep -c "insecure-skip-tls-verify")" = 1 ] || fail "CLI note: $err"
printf '%s\n' "$err" | grep -qF "context 'kubeapi'" || fail "the note names the context: $err"
echo ok
