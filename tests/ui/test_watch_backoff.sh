#!/usr/bin/env bash
# The console backs off as client-go's reflector does (it used to open
# ~15,000 watches in 10 s against a server ending every watch at once, and
# to relist ~860 times in 10 s, saying "live", when every watch got 410):
# against such servers, 10 s bring a handful of watches or lists per
# resource, and the status bar does not say live while every watch expires.
set -eu
source "$(dirname "$0")/lib.sh"
ui_init backoff
python3 "$UI_SRC/tests/ui/fixture.py" "$UI_DIR/scenario"
: >"$UI_DIR/empty"

# count GET requests of agentruns / pods, watches (w) or lists (l)
count() {
  kubeapi_requests | python3 -c '
import json, sys
kind, res = sys.argv[1], sys.argv[2]
n = 0
for r in json.load(sys.stdin)["requests"]:
    w = (r.get("query") or {}).get("watch") in ("true", "1")
    if r.get("method") == "GET" and r.get("path", "").endswith("/" + res) and w == (kind == "w"):
        n += 1
print(n)' "$1" "$2"
}

kubeapi_start "$UI_DIR/scenario" --fault-first "GET /?watch=true:body=$UI_DIR/empty:*" ||
  fail "the test API server did not start"
ui_start 120 40 -- --kubeconfig "$KUBEAPI_KUBECONFIG" --db "$UI_DIR/h1.db"
ui_wait_re "reconnecting|offline" 15
sleep 10
for res in agentruns pods; do
  n=$(count w $res)
  echo "ending every watch: $n watches of $res"
  [ "$n" -ge 2 ] && [ "$n" -le 12 ] || fail "$n watches of $res in ~10 s (want 2..12)"
done
ui_keys q
[ "$(ui_exit_status)" = 0 ] || fail "exit status"
kubeapi_stop

kubeapi_start "$UI_DIR/scenario" --fault-first "GET /?watch=true:gone:*" ||
  fail "the test API server did not start"
ui_start 120 40 -- --kubeconfig "$KUBEAPI_KUBECONFIG" --db "$UI_DIR/h2.db"
ui_wait_re "reconnecting|offline" 15
for _ in 1 2 3 4 5 6 7 8 9 10; do
  sleep 1
  ui_screen | grep -qF "| live |" && fail "the status bar says live while every watch expires"
done
for res in agentruns pods; do
  n=$(count l $res)
  echo "expiring every watch: $n lists of $res"
  [ "$n" -ge 2 ] && [ "$n" -le 12 ] || fail "$n lists of $res in ~11 s (want 2..12)"
done
ui_keys q
[ "$(ui_exit_status)" = 0 ] || fail "exit status"
echo ok
