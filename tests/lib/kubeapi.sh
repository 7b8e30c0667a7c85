# Start and stop the Kubernetes API test server (tests/kubeapi/server.py)
# from bash tests. Source this file, then:
#
#   kubeapi_start DATA_DIR [--token T] [--tls] [--script FILE] [...]
#       sets KUBEAPI_PORT, KUBEAPI_PID, KUBEAPI_KUBECONFIG, KUBEAPI_URL,
#       KUBEAPI_DIR (scratch dir: stdout, stderr, kubeconfig); returns 1
#       (with the server's stderr on ours) if it does not come up in 20 s.
#   kubeapi_op '{"op": "modify", ...}'   run one script op now (README.md)
#   kubeapi_requests                      JSON of the requests seen so far
#   kubeapi_stop                          stop it and remove KUBEAPI_DIR
#
# One server per shell at a time (the variables above are global); for more,
# use tests/lib/kubeapi.py. The server's stdin is a pipe held open by this
# shell: if the test dies without calling kubeapi_stop, the server sees EOF
# and exits by itself.

kubeapi_start() {
  local data=$1
  shift
  local src=${ARTRIAGE_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
  KUBEAPI_DIR=$(mktemp -d "${TMPDIR:-/tmp}/kubeapi.XXXXXX") || return 1
  chmod 700 "$KUBEAPI_DIR"
  KUBEAPI_KUBECONFIG=$KUBEAPI_DIR/kubeconfig
  mkfifo "$KUBEAPI_DIR/stdin" || return 1
  python3 "$src/tests/kubeapi/server.py" --data "$data" --port 0 \
    --kubeconfig-out "$KUBEAPI_KUBECONFIG" "$@" \
    <"$KUBEAPI_DIR/stdin" >"$KUBEAPI_DIR/stdout" 2>"$KUBEAPI_DIR/stderr" &
  local launcher=$!
  exec {KUBEAPI_FD}>"$KUBEAPI_DIR/stdin"
  local i tag port pid
  for ((i = 0; i < 200; i++)); do
    if read -r tag port pid 2>/dev/null <"$KUBEAPI_DIR/stdout" && [ "$tag" = READY ]; then
      KUBEAPI_PORT=$port
      KUBEAPI_PID=$pid
      if grep -q 'server: "https' "$KUBEAPI_KUBECONFIG"; then
        KUBEAPI_URL=https://127.0.0.1:$port
      else
        KUBEAPI_URL=http://127.0.0.1:$port
      fi
      export KUBEAPI_PORT KUBEAPI_PID KUBEAPI_KUBECONFIG KUBEAPI_URL KUBEAPI_DIR
      return 0
    fi
    if ! kill -0 "$launcher" 2>/dev/null; then
      break
    fi
    sleep 0.1
  done
  echo "kubeapi_start: the test server did not become ready (data $data):" >&2
  cat "$KUBEAPI_DIR/stderr" >&2
  kill "$launcher" 2>/dev/null || true
  exec {KUBEAPI_FD}>&-
  rm -rf "$KUBEAPI_DIR"
  return 1
}

# POST one op (a JSON object, same fields as a script line without "at").
kubeapi_op() {
  python3 -c '
import json, ssl, sys, urllib.request
url, body = sys.argv[1], sys.argv[2]
ctx = ssl._create_unverified_context()
req = urllib.request.Request(url + "/_kubeapi/op", data=body.encode(), method="POST")
with urllib.request.urlopen(req, context=ctx, timeout=10) as r:
    sys.stdout.write(r.read().decode() + "\n")
' "$KUBEAPI_URL" "$1"
}

kubeapi_requests() {
  python3 -c '
import ssl, sys, urllib.request
ctx = ssl._create_unverified_context()
with urllib.request.urlopen(sys.argv[1] + "/_kubeapi/requests", context=ctx, timeout=10) as r:
    sys.stdout.write(r.read().decode() + "\n")
' "$KUBEAPI_URL"
}

kubeapi_stop() {
  [ -n "${KUBEAPI_DIR:-}" ] || return 0
  if [ -n "${KUBEAPI_FD:-}" ]; then
    exec {KUBEAPI_FD}>&-
    KUBEAPI_FD=
  fi
  if [ -n "${KUBEAPI_PID:-}" ]; then
    local i
    for ((i = 0; i < 50; i++)); do
      kill -0 "$KUBEAPI_PID" 2>/dev/null || break
      if [ "$i" = 10 ]; then kill "$KUBEAPI_PID" 2>/dev/null || true; fi
      sleep 0.1
    done
    kill -9 "$KUBEAPI_PID" 2>/dev/null || true
  fi
  rm -rf "$KUBEAPI_DIR"
  KUBEAPI_DIR= KUBEAPI_PID= KUBEAPI_PORT=
}
