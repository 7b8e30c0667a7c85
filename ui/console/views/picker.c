/* picker — `:ctx` / `:ns` without a name (or Tab after them): a list of
 * the names there are (the kubeconfig's contexts, the cluster's namespaces
 * as ui/console/complete.c finds them: it opens the namespace picker at
 * once and fills it in when the cluster answers), Enter switches to the
 * one under the cursor, Esc / q goes back. */
#include "view.h"
#include "util/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct picker {
    bool ctx;        /* contexts, else namespaces */
    char **items;    /* owned, as the kubeconfig / cluster spell them */
    size_t n, cursor, top;
    bool loading;    /* namespaces: the cluster has not answered yet */
    char *note;      /* owned: where the names come from when not the cluster */
};

static void picker_draw(struct view *v, struct console *c, int top, int rows, int cols)
{
    struct picker *p = v->priv;
    if (p->cursor < p->top) p->top = p->cursor;
    if (rows > 0 && p->cursor >= p->top + (size_t)rows) p->top = p->cursor - (size_t)rows + 1;
    const char *cur = p->ctx ? c->context : c->ns;
    int first = 0;
    if (p->note && rows > 1) {
        /* why these are not the cluster's own list, above it */
        draw_text(c, top, 0, cols, p->note, draw_attr(c, CP_ERROR), true);
        first = 1;
    }
    for (int i = 0; i + first < rows; i++) {
        int y = top + first + i;
        size_t idx = p->top + (size_t)i;
        if (idx >= p->n) {
            if (i == 0 && p->loading) draw_text(c, y, 0, cols, "   asking the cluster for its namespaces...", A_DIM, false);
            else draw_clear(y, 0, cols, A_NORMAL);
            continue;
        }
        attr_t a = idx == p->cursor ? draw_attr(c, CP_CURSOR) : A_NORMAL;
        draw_text(c, y, 0, 3, cur && strcmp(cur, p->items[idx]) == 0 ? " * " : "   ", a, false);
        draw_text(c, y, 3, cols - 3, p->items[idx], a, true);
    }
}

static bool picker_key(struct view *v, struct console *c, enum req req, int ch)
{
    struct picker *p = v->priv;
    c->redraw = true;
    switch (req) {
    case REQ_DOWN: if (p->cursor + 1 < p->n) p->cursor++; return true;
    case REQ_UP: if (p->cursor) p->cursor--; return true;
    case REQ_TOP: p->cursor = 0; return true;
    case REQ_BOTTOM: p->cursor = p->n ? p->n - 1 : 0; return true;
    case REQ_NONE:
        if ((ch == '\n' || ch == '\r' || ch == KEY_ENTER) && p->n) {
            char *name = xstrdup(p->items[p->cursor]);
            bool ctx = p->ctx;
            /* console_switch pops every view above the list, this one too */
            if (ctx) console_switch(c, name, NULL, c->all_ns);
            else console_switch(c, NULL, name, false);
            console_say(c, false, "%s %s", ctx ? "context" : "namespace", name);
            free(name);
        }
        return true;
    default: return false;
    }
}

static void picker_title(struct view *v, struct console *c, char *out, size_t outlen)
{
    struct picker *p = v->priv;
    (void)c;
    if (p->loading) snprintf(out, outlen, "pick a namespace (loading)  Esc goes back");
    else snprintf(out, outlen, "pick a %s (%zu)  Enter switches, Esc goes back", p->ctx ? "context" : "namespace", p->n);
}

static void picker_destroy(struct view *v)
{
    struct picker *p = v->priv;
    for (size_t i = 0; i < p->n; i++) free(p->items[i]);
    free(p->items);
    free(p->note);
    free(p);
    free(v);
}

static const struct view_ops picker_ops = {
    .name = "pick",
    .kind = VK_HELP,
    .draw = picker_draw,
    .key = picker_key,
    .title = picker_title,
    .destroy = picker_destroy,
};

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void set_items(struct console *c, struct picker *p, const char *const *names, size_t n)
{
    for (size_t i = 0; i < p->n; i++) free(p->items[i]);
    free(p->items);
    p->n = p->cursor = p->top = 0;
    p->items = xcalloc(n + 1, sizeof *p->items);
    for (size_t i = 0; i < n; i++) {
        if (!names[i] || !*names[i]) continue;
        bool dup = false;
        for (size_t k = 0; k < p->n && !dup; k++) dup = strcmp(p->items[k], names[i]) == 0;
        if (!dup) p->items[p->n++] = xstrdup(names[i]);
    }
    qsort(p->items, p->n, sizeof *p->items, cmp_str);
    const char *cur = p->ctx ? c->context : c->ns;
    for (size_t i = 0; cur && i < p->n; i++)
        if (strcmp(p->items[i], cur) == 0) p->cursor = i;
}

struct view *picker_view_new(struct console *c, bool ctx, const char *const *names, size_t n)
{
    struct view *v = xcalloc(1, sizeof *v);
    struct picker *p = xcalloc(1, sizeof *p);
    v->ops = &picker_ops;
    v->priv = p;
    p->ctx = ctx;
    p->loading = !ctx && n == 0;
    set_items(c, p, names, n);
    return v;
}

bool picker_view_is(struct view *v, bool ctx)
{
    return v && v->ops == &picker_ops && ((struct picker *)v->priv)->ctx == ctx;
}

void picker_view_update(struct console *c, struct view *v, const char *const *names, size_t n, const char *note)
{
    struct picker *p = v->priv;
    p->loading = false;
    free(p->note);
    p->note = note ? xstrdup(note) : NULL;
    set_items(c, p, names, n);
}
