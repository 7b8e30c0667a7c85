/* keys — the one key table: the dispatcher maps keys through it and the
 * `?` help screen prints it, so a key and its description cannot drift. */
#include "view.h"
#include "config/config.h"
#include "util/xalloc.h"
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

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
    {'D', REQ_BASE_DIFF, "D", "log diff: only the lines new against the lane's passing run (again: all lines)", VK_LOGS, 0},
    {'W', REQ_WRAP, "W", "wrap long lines (again: horizontal scroll)", VK_LOGS, 0},
    {'t', REQ_TIMESTAMPS, "t", "show / hide timestamps", VK_LOGS, 0},
    {KEY_LEFT, REQ_LEFT, "Left / Right", "scroll long lines sideways", VK_LOGS, 0},
    {KEY_RIGHT, REQ_RIGHT, NULL, NULL, VK_LOGS, 0},
    {'\t', REQ_TAB_NEXT, "Tab / S-Tab", "next / previous container log", VK_LOGS, 0},
    {KEY_BTAB, REQ_TAB_PREV, NULL, NULL, VK_LOGS, 0},
    {'w', REQ_WRITE, "w", "write the log to a file (mode 0600)", VK_LOGS, 0},
    {'y', REQ_COPY, "y", "copy the line under the cursor, whole, to the clipboard (OSC 52)", VK_LOGS, 0},
    {'n', REQ_NOTE, "n", "add a note at the selected event's time", VK_TIMELINE, 0},
    {'x', REQ_EXPORT, "x", "export the timeline (.md .json .csv by the name)", VK_TIMELINE, 0},
    {'!', REQ_NEXT_FAILED, "!", "next failed run (in the log view: the lane's next failed attempt)", VK_RUNS | VK_DETAIL | VK_LOGS, 0},
    {'h', REQ_HELP, "h / F1", "this help", VK_LOGS, 0},
    {KEY_F(1), REQ_HELP, NULL, NULL, VK_LOGS, 0},
    {'y', REQ_COPY, "y", "copy the run's name to the clipboard (OSC 52)", VK_RUNS, 0},
    {'y', REQ_COPY, "y", "copy the field under the cursor, whole, to the clipboard (OSC 52)", VK_DETAIL, 0},
    {'y', REQ_COPY, "y", "copy the event's full text to the clipboard (OSC 52)", VK_TIMELINE, 0},
    {'R', REQ_REFRESH, "R", "refresh: list again from the cluster", VK_RUNS | VK_DETAIL, 0},
    {':', REQ_COMMAND, ":", "command: :ns [NAME], :ctx [NAME] (no name: pick), :all, :log, :q", VK_ALL, 0},
    {'?', REQ_HELP, "?", "this help", VK_RUNS | VK_DETAIL | VK_CMDLOG | VK_TIMELINE | VK_RERUN | VK_LOGS, 0},
    {CTRL('l'), REQ_REDRAW, "^L", "redraw the screen", VK_ALL, 0},
    {27, REQ_BACK, "Esc", "back to the previous view", VK_DETAIL | VK_HELP | VK_CMDLOG | VK_RERUN | VK_LOGS | VK_TIMELINE, 0},
    {'q', REQ_BACK, "q", "back; quit on the last view", VK_ALL, 0},
    {0, REQ_NONE, NULL, NULL, 0, 0},
};

/* Action names: what a config file binds keys to (keys: ACTION: KEY). */
static const struct {
    enum req req;
    const char *name;
} actions[] = {
    {REQ_DOWN, "down"}, {REQ_UP, "up"}, {REQ_PGDN, "page-down"}, {REQ_PGUP, "page-up"},
    {REQ_TOP, "top"}, {REQ_BOTTOM, "bottom"}, {REQ_LEFT, "left"}, {REQ_RIGHT, "right"},
    {REQ_ENTER, "enter"}, {REQ_BACK, "back"}, {REQ_FILTER, "filter"}, {REQ_COMMAND, "command"},
    {REQ_SORT, "sort"}, {REQ_DETAIL, "detail"}, {REQ_RERUN, "rerun"}, {REQ_COPY, "copy"},
    {REQ_REFRESH, "refresh"}, {REQ_HELP, "help"}, {REQ_REDRAW, "redraw"}, {REQ_LOGS, "logs"},
    {REQ_TIMELINE, "timeline"}, {REQ_NEXT_FAILED, "next-failed"}, {REQ_FIND_NEXT, "find-next"},
    {REQ_FIND_PREV, "find-prev"}, {REQ_EXPLAIN, "explain"}, {REQ_FOLLOW, "follow"},
    {REQ_SEARCH, "search"}, {REQ_SEARCH_BACK, "search-back"}, {REQ_SEARCH_NEXT, "search-next"},
    {REQ_SEARCH_PREV, "search-prev"}, {REQ_LOG_FILTER, "log-filter"}, {REQ_WRAP, "wrap"},
    {REQ_TIMESTAMPS, "timestamps"}, {REQ_BASE_DIFF, "base-diff"}, {REQ_TAB_NEXT, "tab-next"},
    {REQ_TAB_PREV, "tab-prev"}, {REQ_WRITE, "write"}, {REQ_NOTE, "note"}, {REQ_EXPORT, "export"},
    {REQ_YES, "yes"}, {REQ_NO, "no"},
};
#define NACTIONS (sizeof actions / sizeof actions[0])

const char *keys_action_name(enum req req)
{
    for (size_t i = 0; i < NACTIONS; i++)
        if (actions[i].req == req) return actions[i].name;
    return NULL;
}

const char *const *keys_action_names(void)
{
    static const char *names[NACTIONS + 1];
    for (size_t i = 0; i < NACTIONS; i++) names[i] = actions[i].name;
    return names;
}

static enum req action_req(const char *name)
{
    for (size_t i = 0; i < NACTIONS; i++)
        if (strcmp(actions[i].name, name) == 0) return actions[i].req;
    return REQ_NONE;
}

/* The curses codes of a config key (Enter arrives as \r, \n or KEY_ENTER). */
static size_t key_codes(const struct config_key *k, int out[3])
{
    static const int named[CFG_NK_COUNT] = {
        [CFG_NK_UP] = KEY_UP, [CFG_NK_DOWN] = KEY_DOWN, [CFG_NK_LEFT] = KEY_LEFT, [CFG_NK_RIGHT] = KEY_RIGHT,
        [CFG_NK_PGUP] = KEY_PPAGE, [CFG_NK_PGDN] = KEY_NPAGE, [CFG_NK_HOME] = KEY_HOME, [CFG_NK_END] = KEY_END,
        [CFG_NK_ENTER] = '\r', [CFG_NK_TAB] = '\t', [CFG_NK_BTAB] = KEY_BTAB, [CFG_NK_ESC] = 27,
        [CFG_NK_BACKSPACE] = KEY_BACKSPACE, [CFG_NK_DELETE] = KEY_DC, [CFG_NK_INSERT] = KEY_IC,
    };
    if (k->kind == CFG_KEY_FN) return out[0] = KEY_F((int)k->code), 1;
    if (k->kind == CFG_KEY_CHAR) {
        if (k->code == '\r' || k->code == '\n') return out[0] = '\r', out[1] = '\n', out[2] = KEY_ENTER, 3;
        if (k->code == 8 || k->code == 127) return out[0] = 127, out[1] = 8, out[2] = KEY_BACKSPACE, 3;
        return out[0] = (int)k->code, 1;
    }
    if (k->code == CFG_NK_ENTER) return out[0] = '\r', out[1] = '\n', out[2] = KEY_ENTER, 3;
    if (k->code == CFG_NK_BACKSPACE) return out[0] = KEY_BACKSPACE, out[1] = 127, out[2] = 8, 3;
    return out[0] = named[k->code], 1;
}

void keys_setup(struct console *c)
{
    const struct config *cfg = c->cli->cfg;
    if (!cfg) return;
    for (size_t i = 0; i < cfg->nbindings; i++) {
        enum req req = action_req(cfg->bindings[i].action);
        if (req == REQ_NONE) continue; /* warned about when read */
        int codes[3];
        size_t n = key_codes(&cfg->bindings[i].key, codes);
        for (size_t k = 0; k < n; k++) {
            c->ukeys = xrealloc(c->ukeys, (c->nukeys + 1) * sizeof *c->ukeys);
            struct ukey *u = &c->ukeys[c->nukeys++];
            u->key = codes[k];
            u->req = req;
            u->first = k == 0;
            config_key_name(&cfg->bindings[i].key, u->name, sizeof u->name);
        }
    }
    for (size_t i = 0; i < cfg->nhotkeys; i++) {
        int codes[3];
        size_t n = key_codes(&cfg->hotkeys[i].key, codes);
        for (size_t k = 0; k < n; k++) {
            c->hot = xrealloc(c->hot, (c->nhot + 1) * sizeof *c->hot);
            struct hotkey *h = &c->hot[c->nhot++];
            h->key = codes[k];
            h->cmd = cfg->hotkeys[i].command;
            h->first = k == 0;
            config_key_name(&cfg->hotkeys[i].key, h->name, sizeof h->name);
        }
    }
}

void keys_cleanup(struct console *c)
{
    free(c->ukeys);
    free(c->hot);
    c->ukeys = NULL;
    c->hot = NULL;
    c->nukeys = c->nhot = 0;
}

static bool remapped(const struct console *c, enum req req)
{
    for (size_t i = 0; i < c->nukeys; i++)
        if (c->ukeys[i].req == req) return true;
    return false;
}

/* A default key as help shows it. */
static void default_key_name(int key, char *buf, size_t n)
{
    static const struct {
        int key;
        const char *name;
    } names[] = {
        {KEY_UP, "Up"}, {KEY_DOWN, "Down"}, {KEY_LEFT, "Left"}, {KEY_RIGHT, "Right"}, {KEY_PPAGE, "PgUp"},
        {KEY_NPAGE, "PgDn"}, {KEY_HOME, "Home"}, {KEY_END, "End"}, {KEY_ENTER, "Enter"}, {'\r', "Enter"},
        {'\n', "Enter"}, {'\t', "Tab"}, {KEY_BTAB, "S-Tab"}, {27, "Esc"}, {' ', "Space"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].key == key) {
            snprintf(buf, n, "%s", names[i].name);
            return;
        }
    if (key >= KEY_F(1) && key <= KEY_F(24)) snprintf(buf, n, "F%d", key - KEY_F(0));
    else if (key > 0 && key < 32) snprintf(buf, n, "^%c", key + '@');
    else if (key < 128) snprintf(buf, n, "%c", key);
    else snprintf(buf, n, "?");
}

static void add_name(char *buf, size_t n, const char *name)
{
    /* "Enter" once, though three codes carry it */
    size_t nl = strlen(name);
    for (const char *p = buf; (p = strstr(p, name)) != NULL; p += nl)
        if ((p == buf || p[-1] == ' ') && (p[nl] == 0 || p[nl] == ' ')) return;
    size_t len = strlen(buf);
    snprintf(buf + len, n - len, "%s%s", len ? " / " : "", name);
}

const char *keys_display_name(const struct console *c, const struct keybind *kb, char *buf, size_t n)
{
    /* the row and the rows after it without a name of their own: one help line */
    const struct keybind *end = kb + 1;
    while (end->req != REQ_NONE && !end->keyname && end->views == kb->views) end++;
    bool any = false;
    for (const struct keybind *k = kb; k < end; k++) any |= remapped(c, k->req);
    if (!any) return kb->keyname;
    buf[0] = 0;
    for (const struct keybind *k = kb; k < end; k++) {
        bool seen = false;
        for (const struct keybind *j = kb; j < k; j++) seen |= j->req == k->req;
        if (seen) continue;
        if (remapped(c, k->req)) {
            for (size_t i = 0; i < c->nukeys; i++)
                if (c->ukeys[i].req == k->req && c->ukeys[i].first) add_name(buf, n, c->ukeys[i].name);
            continue;
        }
        for (const struct keybind *j = k; j < end; j++) {
            if (j->req != k->req) continue;
            char nm[16];
            default_key_name(j->key, nm, sizeof nm);
            add_name(buf, n, nm);
        }
    }
    return buf;
}

const char *keys_hotkey_command(const struct console *c, int ch)
{
    for (size_t i = 0; i < c->nhot; i++)
        if (c->hot[i].key == ch) return c->hot[i].cmd;
    return NULL;
}

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
    /* the config file's bindings first: they replace the action's default keys */
    for (size_t i = 0; i < c->nukeys; i++) {
        if (c->ukeys[i].key != ch) continue;
        /* the action's row with a name (messages quote it), else any of its rows */
        const struct keybind *any = NULL;
        for (const struct keybind *kb = key_table; kb->req != REQ_NONE; kb++) {
            if (kb->req != c->ukeys[i].req || !(kb->views & kind)) continue;
            if (!any || (!any->keyname && kb->keyname)) any = kb;
        }
        if (any) {
            if (out) *out = any;
            return any->req;
        }
    }
    for (const struct keybind *kb = key_table; kb->req != REQ_NONE; kb++) {
        if (kb->key != ch || !(kb->views & kind) || remapped(c, kb->req)) continue;
        if (out) *out = kb;
        return kb->req;
    }
    if (out) *out = NULL;
    return REQ_NONE;
}
