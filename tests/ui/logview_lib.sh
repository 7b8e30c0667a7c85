# Helpers of the log and timeline view tests, on top of lib.sh (sourced;
# not a test itself).

# lv_open_run NAME [KEY]: filters the run list down to NAME, then KEY (l).
lv_open_run() {
  local name=$1 key=${2:-l}
  ui_wait "runs " 20
  ui_keys / C-u
  ui_keys -l "$name"
  ui_keys Enter
  ui_wait " runs 1/"
  ui_keys "$key"
}

# The cursor line's row: the line number the header names, in the gutter.
lv_cursor_line() {
  local scr n
  scr=$(ui_screen)
  n=$(echo "$scr" | grep -m1 -oE ' line [0-9]+/[0-9]+' | grep -oE '[0-9]+' | head -1)
  [ -n "$n" ] || return 0
  echo "$scr" | grep -m1 -E "^ *$n[>* ] " || true
}

# The log view's first header row.
lv_header() { ui_screen | grep -m1 -E '^ \[[0-9]+/[0-9]+\] ' || true; }
