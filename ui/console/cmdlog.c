/* cmdlog — `:log`: every call the console made to the cluster, newest
 * last, as the kubectl command that does the same (lazygit's command log),
 * so it can be repeated elsewhere or pasted into a postmortem. */
#include "view.h"
#include "util/timeutil.h"
#include "util/xalloc.h"
#include <stdio.h>
#include <stdlib.h>

struct cmdlog {
    size_t top;
    int rows;
    bool follow;   /* stick to the newest entry */
};

static const struct cmdlog_entry *entry_at(const struct console *c, size_t i)
{
    return &c->cmdlog[(c->cmdlog_first + i) % CMDLOG_MAX];
}

static void cmdlog_draw(struct view *v, struct console *c, int top, int rows, int cols)
{
    struct cmdlog *s = v->priv;
    s->rows = rows;
    size_t n = c->ncmdlog;
    if (s->follow || s->top + (size_t)rows > n) s->top = n > (size_t)rows ? n - (size_t)rows : 0;
    for (int i = 0; i < rows; i++) {
        size_t idx = s->top + (size_t)i;
        if (idx >= n) {
            draw_clear(top + i, 0, cols, A_NORMAL);
            if (n == 0 && i == 0) draw_text(c, top, 0, cols, "no cluster calls yet", draw_attr(c, CP_DIM), false);
            continue;
        }
        const struct cmdlog_entry *e = entry_at(c, idx);
        char t[32];
        time_format_rfc3339(e->time, t, sizeof t);
        int x = draw_text(c, top + i, 0, cols < 21 ? cols : 21, t + (t[0] ? 11 : 0), draw_attr(c, CP_DIM), false);
        (void)x;
        if (cols > 11) draw_text(c, top + i, 10, cols - 10, e->text, A_NORMAL, false);
    }
}

static bool cmdlog_key(struct view *v, struct console *c, enum req req, int ch)
{
    struct cmdlog *s = v->priv;
    size_t n = c->ncmdlog;
    size_t max = n > (size_t)s->rows ? n - (size_t)s->rows : 0;
    size_t page = s->rows > 1 ? (size_t)s->rows - 1 : 1;
    (void)ch;
    if (req == REQ_NONE) return false; /* an unbound key leaves following on */
    s->follow = false;
    switch (req) {
    case REQ_DOWN: if (s->top < max) s->top++; break;
    case REQ_UP: if (s->top) s->top--; break;
    case REQ_PGDN: s->top = s->top + page > max ? max : s->top + page; break;
    case REQ_PGUP: s->top = s->top > page ? s->top - page : 0; break;
    case REQ_TOP: s->top = 0; break;
    case REQ_BOTTOM: s->follow = true; break;
    default: return false;
    }
    if (s->top >= max) s->follow = true;
    c->redraw = true;
    return true;
}

static void cmdlog_title(struct view *v, struct console *c, char *out, size_t outlen)
{
    (void)v;
    snprintf(out, outlen, "command log: %zu cluster calls as kubectl", c->ncmdlog);
}

static void cmdlog_data_changed(struct view *v, struct console *c)
{
    (void)v;
    c->redraw = true;
}

static void cmdlog_destroy(struct view *v)
{
    free(v->priv);
    free(v);
}

static const struct view_ops cmdlog_ops = {
    .name = "log",
    .kind = VK_CMDLOG,
    .draw = cmdlog_draw,
    .key = cmdlog_key,
    .data_changed = cmdlog_data_changed,
    .title = cmdlog_title,
    .destroy = cmdlog_destroy,
};

struct view *cmdlog_view_new(struct console *c)
{
    (void)c;
    struct view *v = xcalloc(1, sizeof *v);
    struct cmdlog *s = xcalloc(1, sizeof *s);
    s->follow = true;
    v->ops = &cmdlog_ops;
    v->priv = s;
    return v;
}
