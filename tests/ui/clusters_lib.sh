# Two test API servers, east and west, as two contexts of one kubeconfig
# (for the tests of a console following several contexts), on top of
# lib.sh (sourced after ui_init; not a test itself).
#
#   clusters_start          starts both (empty), writes $KC (current-context
#                           east, namespace agents) and stops both at exit
#   stop_cluster NAME       stops one (the other keeps serving)
#   op NAME JSON            a kubeapi op on that server, else fail
#   requests NAME           that server's request log (JSON)

declare -A URL PID DIR FD
KC=$UI_DIR/kubeconfig

# kubeapi.sh keeps one server in its globals, so each one's are saved.
start_cluster() {
  mkdir -p "$UI_DIR/empty/objects"
  kubeapi_start "$UI_DIR/empty" || fail "the test API server $1 did not start"
  URL[$1]=$KUBEAPI_URL PID[$1]=$KUBEAPI_PID DIR[$1]=$KUBEAPI_DIR FD[$1]=$KUBEAPI_FD
  KUBEAPI_DIR= KUBEAPI_PID= KUBEAPI_FD=
}
stop_cluster() {
  KUBEAPI_URL=${URL[$1]} KUBEAPI_PID=${PID[$1]} KUBEAPI_DIR=${DIR[$1]} KUBEAPI_FD=${FD[$1]}
  kubeapi_stop
  DIR[$1]=
}
clusters_stop_all() {
  local n
  for n in east west; do [ -n "${DIR[$n]:-}" ] && stop_cluster "$n"; done
  ui_cleanup
}
clusters_start() {
  start_cluster east
  start_cluster west
  trap clusters_stop_all EXIT
  local n
  {
    echo "apiVersion: v1"; echo "kind: Config"; echo "clusters:"
    for n in east west; do printf -- '- name: %s\n  cluster:\n    server: %s\n' "$n" "${URL[$n]}"; done
    echo "contexts:"
    for n in east west; do
      printf -- '- name: %s\n  context:\n    cluster: %s\n    namespace: agents\n    user: %s\n' "$n" "$n" "$n"
    done
    echo "current-context: east"; echo "users:"
    for n in east west; do printf -- '- name: %s\n  user: {}\n' "$n"; done
  } >"$KC"
  chmod 600 "$KC"
}
op() {
  KUBEAPI_URL=${URL[$1]} kubeapi_op "$2" >/dev/null || fail "op on $1: $2"
}
requests() { KUBEAPI_URL=${URL[$1]} kubeapi_requests; }
