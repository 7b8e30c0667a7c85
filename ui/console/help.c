/* help — `?`: every key of the view it was opened from, generated from
 * the same key table the dispatcher reads (keys.c), plus the filter and
 * command syntax. */
#include "view.h"
#include "util/xalloc.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct help {
    char **lines;
    size_t n, cap, top;
    size_t ndisp;   /* rows the lines take on screen (wrapped) */
    int rows;
    char *name;
};

static void add(struct help *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct help *h, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    h->lines = xgrow(h->lines, &h->cap, h->n + 1, sizeof *h->lines);
    h->lines[h->n++] = xvasprintf(fmt, ap);
    va_end(ap);
}

/* Help lines are ASCII: a line wider than the screen continues under its
 * description column, so that nothing is cut at 80 columns. */
#define HELP_INDENT 23

static void help_draw(struct view *v, struct console *c, int top, int rows, int cols)
{
    struct help *h = v->priv;
    h->rows = rows;
    /* display rows: (line, byte offset) */
    struct drow {
        size_t line, off;
    } *d = NULL;
    size_t nd = 0, cap = 0;
    int room = cols - HELP_INDENT > 10 ? cols - HELP_INDENT : 0;
    for (size_t i = 0; i < h->n; i++) {
        size_t len = strlen(h->lines[i]), off = 0;
        d = xgrow(d, &cap, nd + 1, sizeof *d);
        d[nd++] = (struct drow){i, 0};
        off = (size_t)cols;
        while (room && h->lines[i][0] == ' ' && off < len) {
            d = xgrow(d, &cap, nd + 1, sizeof *d);
            d[nd++] = (struct drow){i, off};
            off += (size_t)room;
        }
    }
    h->ndisp = nd;
    if (nd <= (size_t)rows) h->top = 0;
    else if (h->top > nd - (size_t)rows) h->top = nd - (size_t)rows;
    for (int i = 0; i < rows; i++) {
        size_t idx = h->top + (size_t)i;
        if (idx >= nd) {
            draw_clear(top + i, 0, cols, A_NORMAL);
            continue;
        }
        const char *s = h->lines[d[idx].line];
        attr_t a = (s[0] && s[0] != ' ') ? draw_attr(c, CP_TITLE) : A_NORMAL;
        if (d[idx].off == 0) {
            size_t len = strlen(s);
            /* cut where the continuation takes over (no marker) */
            char *first = xstrndup(s, len > (size_t)cols && room && s[0] == ' ' ? (size_t)cols : len);
            draw_text(c, top + i, 0, cols, first, a, false);
            free(first);
        } else {
            draw_clear(top + i, 0, HELP_INDENT, a);
            size_t end = d[idx].off + (size_t)room;
            char *part = xstrndup(s + d[idx].off, end - d[idx].off);
            draw_text(c, top + i, HELP_INDENT, cols - HELP_INDENT, part, a, false);
            free(part);
        }
    }
    free(d);
}

static bool help_key(struct view *v, struct console *c, enum req req, int ch)
{
    struct help *h = v->priv;
    size_t total = h->ndisp > h->n ? h->ndisp : h->n;
    size_t max = total > (size_t)h->rows ? total - (size_t)h->rows : 0;
    size_t page = h->rows > 1 ? (size_t)h->rows - 1 : 1;
    (void)ch;
    switch (req) {
    case REQ_DOWN: if (h->top < max) h->top++; break;
    case REQ_UP: if (h->top) h->top--; break;
    case REQ_PGDN: h->top = h->top + page > max ? max : h->top + page; break;
    case REQ_PGUP: h->top = h->top > page ? h->top - page : 0; break;
    case REQ_TOP: h->top = 0; break;
    case REQ_BOTTOM: h->top = max; break;
    default: return false;
    }
    c->redraw = true;
    return true;
}

static void help_title(struct view *v, struct console *c, char *out, size_t outlen)
{
    (void)c;
    snprintf(out, outlen, "help: keys of the %s view", ((struct help *)v->priv)->name);
}

static void help_destroy(struct view *v)
{
    struct help *h = v->priv;
    for (size_t i = 0; i < h->n; i++) free(h->lines[i]);
    free(h->lines);
    free(h->name);
    free(h);
    free(v);
}

static const struct view_ops help_ops = {
    .name = "help",
    .kind = VK_HELP,
    .draw = help_draw,
    .key = help_key,
    .title = help_title,
    .destroy = help_destroy,
};

struct view *help_view_new(struct console *c, unsigned kind, const char *name)
{
    struct view *v = xcalloc(1, sizeof *v);
    struct help *h = xcalloc(1, sizeof *h);
    v->ops = &help_ops;
    v->priv = h;
    h->name = xstrdup(name);
    add(h, "Keys (%s)", name);
    for (const struct keybind *kb = key_table; kb->req != REQ_NONE; kb++) {
        if (!kb->keyname || !(kb->views & kind) || !keys_available(c, kb)) continue;
        char names[96];
        add(h, "  %-20s %s", keys_display_name(c, kb, names, sizeof names), kb->help);
    }
    if (kind & (VK_RUNS | VK_DETAIL)) add(h, "  %-20s %s", "mouse", "wheel scrolls, click selects a row");
    if (kind & VK_RUNS) {
        add(h, "%s", "");
        add(h, "Filter terms (all must match; ! negates)");
        add(h, "  %-20s %s", "text", "part of the name, agent, lane, class or head");
        add(h, "  %-20s %s", "phase:Failed", "phase (glob; phase:none = not reconciled, phase:deleted)");
        add(h, "  %-20s %s", "class:vcs.*", "failure class (class:vcs = the vcs family)");
        add(h, "  %-20s %s", "lane:NAME", "lane (glob)");
        add(h, "  %-20s %s", "agent:NAME", "agent (glob)");
        add(h, "  %-20s %s", "ns:NAME", "namespace (glob)");
        add(h, "  %-20s %s", "ctx:NAME", "kubeconfig context (glob), when several are followed");
    }
    add(h, "%s", "");
    add(h, "Commands");
    add(h, "  %-20s %s", ":ns [NAME]", "switch namespace (no name: pick one of the cluster's; unknown: refused)");
    add(h, "  %-20s %s", ":ctx [NAME]", "switch kubeconfig context (no name: pick one; unknown: refused)");
    add(h, "  %-20s %s", ":ctx A,B", "follow several contexts in one list, with a CONTEXT column");
    add(h, "  %-20s %s", ":all", "all namespaces");
    add(h, "  %-20s %s", ":runs [SELECTORS]",
        "only the runs the API server selects: -l team=infra, --field-selector metadata.name=X "
        "(kubectl's syntax); alone: all");
    add(h, "  %-20s %s", ":log", "command log: every cluster call as kubectl");
    add(h, "  %-20s %s", ":q", "quit");
    add(h, "%s", "");
    add(h, "Prompt keys (: / and every other prompt)");
    add(h, "  %-20s %s", "Tab", "complete a command, context, namespace or :runs flag; after :ns / :ctx, pick");
    add(h, "  %-20s %s", "Left Right ^B ^F", "move; Home End ^A ^E: to the start, the end");
    add(h, "  %-20s %s", "^W ^U ^K", "delete the word before, to the start, to the end");
    add(h, "  %-20s %s", "Up Down ^P ^N", "earlier and later lines (: and / keep a history)");
    if (c->nhot) {
        add(h, "%s", "");
        add(h, "Hotkeys (config file)");
        for (size_t i = 0; i < c->nhot; i++)
            if (c->hot[i].first) add(h, "  %-20s :%s", c->hot[i].name, c->hot[i].cmd);
    }
    if (c->cli->read_only) {
        add(h, "%s", "");
        add(h, "Read-only: actions that write to the cluster are off.");
    }
    return v;
}
