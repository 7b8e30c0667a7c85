/* picker — `:ctx` / `:ns` without a name: a list of the names there are
 * (the kubeconfig's contexts, the namespaces the runs live in), Enter
 * switches to the one under the cursor, Esc / q goes back. */
#include "view.h"
#include "util/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct picker {
    bool ctx;        /* contexts, else namespaces */
    char **items;    /* owned, as the kubeconfig / cluster spell them */
    size_t n, cursor, top;
};

static void picker_draw(struct view *v, struct console *c, int top, int rows, int cols)
{
    struct picker *p = v->priv;
    if (p->cursor < p->top) p->top = p->cursor;
    if (rows > 0 && p->cursor >= p->top + (size_t)rows) p->top = p->cursor - (size_t)rows + 1;
    const char *cur = p->ctx ? c->context : c->ns;
    for (int i = 0; i < rows; i++) {
        size_t idx = p->top + (size_t)i;
        if (idx >= p->n) {
            draw_clear(top + i, 0, cols, A_NORMAL);
            continue;
        }
        attr_t a = idx == p->cursor ? draw_attr(c, CP_CURSOR) : A_NORMAL;
        draw_text(c, top + i, 0, 3, cur && strcmp(cur, p->items[idx]) == 0 ? " * " : "   ", a, false);
        draw_text(c, top + i, 3, cols - 3, p->items[idx], a, true);
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
    snprintf(out, outlen, "pick a %s (%zu)  Enter switches, Esc goes back", p->ctx ? "context" : "namespace", p->n);
}

static void picker_destroy(struct view *v)
{
    struct picker *p = v->priv;
    for (size_t i = 0; i < p->n; i++) free(p->items[i]);
    free(p->items);
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

struct view *picker_view_new(struct console *c, bool ctx, const char *const *names, size_t n)
{
    struct view *v = xcalloc(1, sizeof *v);
    struct picker *p = xcalloc(1, sizeof *p);
    v->ops = &picker_ops;
    v->priv = p;
    p->ctx = ctx;
    p->items = xcalloc(n + 1, sizeof *p->items);
    for (size_t i = 0; i < n; i++) {
        if (!names[i] || !*names[i]) continue;
        bool dup = false;
        for (size_t k = 0; k < p->n && !dup; k++) dup = strcmp(p->items[k], names[i]) == 0;
        if (!dup) p->items[p->n++] = xstrdup(names[i]);
    }
    qsort(p->items, p->n, sizeof *p->items, cmp_str);
    const char *cur = ctx ? c->context : c->ns;
    for (size_t i = 0; cur && i < p->n; i++)
        if (strcmp(p->items[i], cur) == 0) p->cursor = i;
    return v;
}
