/* keys — the one key table: the dispatcher maps keys through it and the
 * `?` help screen prints it, so a key and its description cannot drift. */
#include "view.h"
#include <stddef.h>

#define NAV (VK_RUNS | VK_DETAIL | VK_HELP | VK_CMDLOG)
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
    {'\n', REQ_ENTER, "Enter", "open the run's detail", VK_RUNS, 0},
    {'\r', REQ_ENTER, NULL, NULL, VK_RUNS, 0},
    {KEY_ENTER, REQ_ENTER, NULL, NULL, VK_RUNS, 0},
    {'d', REQ_DETAIL, "d", "detail of the run under the cursor", VK_RUNS, 0},
    {'/', REQ_FILTER, "/", "filter runs: text, phase: class: lane: agent: ns: (Enter keeps, Esc clears)", VK_RUNS, 0},
    {'s', REQ_SORT, "s", "sort by the next column (AGE = newest first)", VK_RUNS, 0},
    {'r', REQ_RERUN, "r", "rerun: create the run's next attempt", VK_RUNS | VK_DETAIL, KB_WRITES},
    {'l', REQ_LOGS, "l", "logs of the run, opened at the cause", VK_RUNS | VK_DETAIL, 0},
    {'t', REQ_TIMELINE, "t", "timeline of the run's lane", VK_RUNS | VK_DETAIL, 0},
    {'y', REQ_COPY, "y", "copy the run's PR URL to the clipboard (OSC 52)", VK_RUNS | VK_DETAIL, 0},
    {'R', REQ_REFRESH, "R", "refresh: list again from the cluster", VK_RUNS | VK_DETAIL, 0},
    {':', REQ_COMMAND, ":", "command: :ns NAME, :ctx NAME, :all, :log, :q", VK_ALL, 0},
    {'?', REQ_HELP, "?", "this help", VK_RUNS | VK_DETAIL | VK_CMDLOG, 0},
    {CTRL('l'), REQ_REDRAW, "^L", "redraw the screen", VK_ALL, 0},
    {27, REQ_BACK, "Esc", "back to the previous view", VK_DETAIL | VK_HELP | VK_CMDLOG | VK_RERUN, 0},
    {'q', REQ_BACK, "q", "back; quit on the last view", VK_ALL & ~VK_RERUN, 0},
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
