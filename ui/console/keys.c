/* keys — the one key table: the dispatcher maps keys through it and the
 * `?` help screen prints it, so a key and its description cannot drift. */
#include "view.h"
#include <stddef.h>

#define NAV (VK_RUNS | VK_DETAIL | VK_HELP | VK_CMDLOG | VK_LOGS | VK_TIMELINE)
#define CTRL(x) ((x) & 0x1f)

const struct keybind key_table[] = {
    {'j', REQ_DOWN, "j / Down", "move down", NAV, 0},
    {KEY_DOWN, REQ_DOWN, NULL, NULL, NAV, 0},
    {'k', REQ_UP, "k / Up", "move up", NAV, 0},
    {KEY_UP, REQ_UP, NULL, NULL, NAV, 0},
    {KEY_NPAGE, REQ_PGDN, "PgDn / Space / ^F", "page down", NAV, 0},
    {' ', REQ_PGDN, NULL, NULL, NAV, 0},
    {CTRL('f'), REQ_PGDN, NULL, NULL, NAV, 0},
    {KEY_PPAGE, REQ_PGUP, "PgUp / ^B", "page up", NAV, 0},
    {CTRL('b'), REQ_PGUP, NULL, NULL, NAV, 0},
    {'g', REQ_TOP, "g / Home", "first line", NAV, 0},
    {KEY_HOME, REQ_TOP, NULL, NULL, NAV, 0},
    {'G', REQ_BOTTOM, "G / End", "last line", NAV, 0},
    {KEY_END, REQ_BOTTOM, NULL, NULL, NAV, 0},
    /* the rerun dialog (rerun.c); while its field editor is open, every key goes to it */
    {KEY_DOWN, REQ_DOWN, "Down / Up / j / k", "next / previous field", VK_RERUN, 0},
    {KEY_UP, REQ_UP, NULL, NULL, VK_RERUN, 0},
    {'j', REQ_DOWN, NULL, NULL, VK_RERUN, 0},
    {'k', REQ_UP, NULL, NULL, VK_RERUN, 0},
    {KEY_NPAGE, REQ_PGDN, "PgDn / PgUp", "scroll the changes from the old run", VK_RERUN, 0},
    {KEY_PPAGE, REQ_PGUP, NULL, NULL, VK_RERUN, 0},
    {'\n', REQ_ENTER, "Enter", "edit the field: type, Left / Right / Home / End, Backspace, ^U; Enter keeps, Esc cancels the edit", VK_RERUN, 0},
    {'\r', REQ_ENTER, NULL, NULL, VK_RERUN, 0},
    {KEY_ENTER, REQ_ENTER, NULL, NULL, VK_RERUN, 0},
    {'r', REQ_RERUN, "r", "server dry run of the new run (nothing is created yet)", VK_RERUN, KB_WRITES},
    {'y', REQ_YES, "y / n", "after the dry run: create the run / go back to the preview", VK_RERUN, KB_WRITES},
    {'n', REQ_NO, NULL, NULL, VK_RERUN, KB_WRITES},
    {'\n', REQ_ENTER, "Enter", "open the run's detail", VK_RUNS, 0},
    {'\r', REQ_ENTER, NULL, NULL, VK_RUNS, 0},
    {KEY_ENTER, REQ_ENTER, NULL, NULL, VK_RUNS, 0},
    {'d', REQ_DETAIL, "d", "detail of the run under the cursor", VK_RUNS, 0},
    {'/', REQ_FILTER, "/", "filter runs: text, phase: class: lane: agent: ns: (Enter keeps, Esc clears)", VK_RUNS, 0},
    {'s', REQ_SORT, "s", "sort by the next column (AGE = newest first)", VK_RUNS, 0},
    {'r', REQ_RERUN, "r", "rerun: create the run's next attempt", VK_RUNS | VK_DETAIL, KB_WRITES},
    {'l', REQ_LOGS, "l", "logs of the run, opened at the cause", VK_RUNS | VK_DETAIL | VK_TIMELINE, 0},
    {'t', REQ_TIMELINE, "t", "timeline of the run's lane", VK_RUNS | VK_DETAIL, 0},
    {']', REQ_FIND_NEXT, "] / [", "next / previous finding of the classifier", VK_LOGS, 0},
    {'[', REQ_FIND_PREV, NULL, NULL, VK_LOGS, 0},
    {'e', REQ_EXPLAIN, "e", "explain: which rules matched where (classify --explain)", VK_LOGS, 0},
    {'f', REQ_FOLLOW, "f / F", "follow: stick to the end as lines arrive (again: off)", VK_LOGS, 0},
    {'F', REQ_FOLLOW, NULL, NULL, VK_LOGS, 0},
    /* ? is help in every view, as the title line says: backward search is b */
    {'/', REQ_SEARCH, "/ b", "search forward / backward (regex; smart case)", VK_LOGS, 0},
    {'b', REQ_SEARCH_BACK, NULL, NULL, VK_LOGS, 0},
    {'n', REQ_SEARCH_NEXT, "n / N", "next / previous search hit, with lines around it", VK_LOGS, 0},
    {'N', REQ_SEARCH_PREV, NULL, NULL, VK_LOGS, 0},
    {'&', REQ_LOG_FILTER, "&", "show only lines matching a regex (!RE: lines not matching; empty: all)", VK_LOGS, 0},
    {'W', REQ_WRAP, "W", "wrap long lines (again: horizontal scroll)", VK_LOGS, 0},
    {'t', REQ_TIMESTAMPS, "t", "show / hide timestamps", VK_LOGS, 0},
    {KEY_LEFT, REQ_LEFT, "Left / Right", "scroll long lines sideways", VK_LOGS, 0},
    {KEY_RIGHT, REQ_RIGHT, NULL, NULL, VK_LOGS, 0},
    {'\t', REQ_TAB_NEXT, "Tab / S-Tab", "next / previous container log", VK_LOGS, 0},
    {KEY_BTAB, REQ_TAB_PREV, NULL, NULL, VK_LOGS, 0},
    {'w', REQ_WRITE, "w", "write the log to a file (mode 0600)", VK_LOGS, 0},
    {'y', REQ_COPY, "y", "copy the evidence line to the clipboard (OSC 52)", VK_LOGS, 0},
    {'n', REQ_NOTE, "n", "add a note at the selected event's time", VK_TIMELINE, 0},
    {'x', REQ_EXPORT, "x", "export the timeline (.md .json .csv by the name)", VK_TIMELINE, 0},
    {'!', REQ_NEXT_FAILED, "!", "next failed run (in the log view: the lane's next failed attempt)", VK_RUNS | VK_DETAIL | VK_LOGS, 0},
    {'h', REQ_HELP, "h / F1", "this help", VK_LOGS, 0},
    {KEY_F(1), REQ_HELP, NULL, NULL, VK_LOGS, 0},
    {'y', REQ_COPY, "y", "copy the run's PR URL to the clipboard (OSC 52)", VK_RUNS | VK_DETAIL, 0},
    {'R', REQ_REFRESH, "R", "refresh: list again from the cluster", VK_RUNS | VK_DETAIL, 0},
    {':', REQ_COMMAND, ":", "command: :ns [NAME], :ctx [NAME] (no name: pick), :all, :log, :q", VK_ALL, 0},
    {'?', REQ_HELP, "?", "this help", VK_RUNS | VK_DETAIL | VK_CMDLOG | VK_TIMELINE | VK_RERUN | VK_LOGS, 0},
    {CTRL('l'), REQ_REDRAW, "^L", "redraw the screen", VK_ALL, 0},
    {27, REQ_BACK, "Esc", "back to the previous view", VK_DETAIL | VK_HELP | VK_CMDLOG | VK_RERUN | VK_LOGS | VK_TIMELINE, 0},
    {'q', REQ_BACK, "q", "back; quit on the last view", VK_ALL, 0},
    {0, REQ_NONE, NULL, NULL, 0, 0},
};

bool keys_available(const struct console *c, const struct keybind *kb)
{
    if ((kb->flags & KB_WRITES) && c->cli->read_only) return false;
    if (kb->req == REQ_RERUN && !rerun_view_open) return false;
    if (kb->req == REQ_LOGS && !logs_view_open) return false;
    if (kb->req == REQ_TIMELINE && !timeline_view_open) return false;
    return true;
}

enum req keys_lookup(const struct console *c, unsigned kind, int ch, const struct keybind **out)
{
    for (const struct keybind *kb = key_table; kb->req != REQ_NONE; kb++) {
        if (kb->key != ch || !(kb->views & kind)) continue;
        if (out) *out = kb;
        return kb->req;
    }
    (void)c;
    if (out) *out = NULL;
    return REQ_NONE;
}
