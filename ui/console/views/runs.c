/* runs — the home view: one row per run of the run set's view, columns
 * dropped in a fixed order on narrow terminals, the cursor kept on its
 * run (by uid) when rows move. */
#include "view.h"
#include "util/sanitize.h"
#include "util/timeutil.h"
#include "util/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct runs {
    char *sel_uid;      /* run under the cursor */
    char *sel_ctx;      /* and its context (NULL = none) */
    size_t cursor, top; /* row in the view, first row shown */
    int rows;           /* rows drawn last time (page size) */
};

/* Column widths (NAME takes what is left, up to NAME_MAX_W) and the order
 * in which narrow terminals drop them: least important first. */
#define NAME_MIN_W 32
#define NAME_MAX_W 63
#define CLASS_EXTRA 10     /* 16 + 10 holds every shipped class id */
#define CLASS_WIDE_NAME 48
static const int col_w[RS_NCOLS] = {
    [RS_COL_NAME] = 0, [RS_COL_PHASE] = 9, [RS_COL_AGENT] = 11, [RS_COL_AGE] = 5,
    [RS_COL_DURATION] = 5, [RS_COL_ATTEMPT] = 3, [RS_COL_CLASS] = 16, [RS_COL_PR] = 6,
    [RS_COL_DIGEST] = 12, [RS_COL_NS] = 12,
};
static const char *col_title[RS_NCOLS] = {
    "NAME", "PHASE", "AGENT", "AGE", "DUR", "ATT", "CLASS", "PR", "DIGEST", "NAMESPACE",
};
/* ATT stays to the last but the class: attempts b, d and e of one lane
 * must read apart at 80 columns. */
static const enum rs_col drop_order[] = {
    RS_COL_DIGEST, RS_COL_DURATION, RS_COL_AGENT, RS_COL_PR,
    RS_COL_AGE, RS_COL_NS, RS_COL_ATTEMPT, RS_COL_CLASS,
};
/* Left-to-right order on screen. */
static const enum rs_col screen_order[] = {
    RS_COL_NS, RS_COL_NAME, RS_COL_PHASE, RS_COL_AGENT, RS_COL_AGE, RS_COL_DURATION,
    RS_COL_ATTEMPT, RS_COL_CLASS, RS_COL_PR, RS_COL_DIGEST,
};
#define NSCREEN (sizeof screen_order / sizeof screen_order[0])

struct layout {
    bool shown[RS_NCOLS];
    int width[RS_NCOLS];
    int ctx_w;          /* CONTEXT, first on the left; 0 = not shown */
};

/* CONTEXT: only when the console follows several contexts, as wide as
 * the longest followed name (CTX_MIN_W..CTX_MAX_W), and only where the
 * rest keeps a usable name column. */
#define CTX_MIN_W 7
#define CTX_MAX_W 16
static int ctx_width(const struct console *c, int cols)
{
    if (c->nctx < 2) return 0;
    int w = CTX_MIN_W;
    for (size_t i = 0; i < c->nctx; i++) {
        char *n = sanitize_str(c->ctxs[i], 0);
        int k = draw_width(c, n);
        free(n);
        if (k > w) w = k;
    }
    if (w > CTX_MAX_W) w = CTX_MAX_W;
    return cols - (w + 1) >= NAME_MIN_W + 10 ? w : 0;
}

static void layout_for(const struct console *c, int cols, struct layout *l)
{
    memset(l, 0, sizeof *l);
    l->ctx_w = ctx_width(c, cols);
    if (l->ctx_w) cols -= l->ctx_w + 1;
    int others = 0;
    for (int k = 0; k < RS_NCOLS; k++) {
        l->shown[k] = k != RS_COL_NS || c->all_ns;
        l->width[k] = col_w[k];
        if (k != RS_COL_NAME && l->shown[k]) others += col_w[k] + 1;
    }
    for (size_t d = 0; d < sizeof drop_order / sizeof drop_order[0]; d++) {
        if (NAME_MIN_W + others <= cols) break;
        enum rs_col k = drop_order[d];
        if (l->shown[k]) {
            l->shown[k] = false;
            others -= col_w[k] + 1;
        }
    }
    int name_w = cols - others;
    /* a wide terminal spells the class out (runtime.missing-executable vs
     * runtime.missing-module is the triage) while names keep CLASS_WIDE_NAME */
    if (l->shown[RS_COL_CLASS] && name_w - CLASS_EXTRA >= CLASS_WIDE_NAME) {
        l->width[RS_COL_CLASS] += CLASS_EXTRA;
        name_w -= CLASS_EXTRA;
    }
    /* narrow (names are cut anyway): three more columns let
     * "…missing-executable" show whole */
    else if (l->shown[RS_COL_CLASS] && name_w < 45 && name_w - 3 >= NAME_MIN_W) {
        l->width[RS_COL_CLASS] += 3;
        name_w -= 3;
    }
    if (name_w > NAME_MAX_W) name_w = NAME_MAX_W;
    if (name_w < 4) name_w = 4;
    l->width[RS_COL_NAME] = name_w;
}

static int64_t console_now(void)
{
    /* ARTRIAGE_NOW pins the clock for screen tests (golden screens). */
    static int64_t pinned = TIME_NONE;
    static bool read;
    if (!read) {
        read = true;
        const char *s = getenv("ARTRIAGE_NOW");
        int64_t t;
        if (s && time_parse_rfc3339(s, &t) == 0) pinned = t;
    }
    return pinned != TIME_NONE ? pinned : time_now_ms();
}

static void short_digest(const char *d, char *out, size_t outlen)
{
    if (!d || !*d) {
        snprintf(out, outlen, "-");
        return;
    }
    const char *p = strchr(d, ':');
    snprintf(out, outlen, "%.12s", p ? p + 1 : d);
}

static void draw_row(struct console *c, struct rs_run *r, int y, const struct layout *l,
                     bool cursor, int cols, int64_t now)
{
    attr_t base = cursor ? draw_attr(c, CP_CURSOR) : (r->deleted ? draw_attr(c, CP_DIM) : A_NORMAL);
    int x = 0;
    char buf[64];
    if (l->ctx_w) {
        draw_text_cut(c, y, 0, l->ctx_w, r->run.context ? r->run.context : "-", base, true, DRAW_CUT_MIDDLE);
        draw_text(c, y, l->ctx_w, 1, " ", base, false);
        x = l->ctx_w + 1;
    }
    for (size_t i = 0; i < NSCREEN; i++) {
        enum rs_col k = screen_order[i];
        if (!l->shown[k]) continue;
        int w = l->width[k];
        if (x + w > cols) w = cols - x;
        if (w <= 0) break;
        const char *txt = "";
        bool raw = true;
        attr_t a = base;
        switch (k) {
        case RS_COL_NAME: {
            if (r->deleted) {
                /* keep "(deleted)" visible: cut the name instead */
                int used = draw_text_cut(c, y, x, w > 10 ? w - 10 : w, r->run.name, a, true, DRAW_CUT_MIDDLE);
                if (w > 10) draw_text(c, y, x + used, w - used, " (deleted)", a, false);
                x += w + 1;
                if (x - 1 < cols) draw_text(c, y, x - 1, 1, " ", base, false);
                continue;
            }
            txt = r->run.name;
            break;
        }
        case RS_COL_PHASE:
            txt = r->run.phase && *r->run.phase ? r->run.phase : "-";
            if (!cursor) a = draw_phase_attr(c, r->run.phase) | (r->deleted ? A_DIM : 0);
            break;
        case RS_COL_AGENT: txt = r->run.agent ? r->run.agent : "-"; break;
        case RS_COL_AGE:
            time_format_age(r->run.created == TIME_NONE ? TIME_NONE : now - r->run.created, buf, sizeof buf);
            txt = buf;
            raw = false;
            break;
        case RS_COL_DURATION: {
            int64_t d = rs_run_duration(r, now);
            time_format_age(d < 0 ? TIME_NONE : d, buf, sizeof buf);
            txt = buf;
            raw = false;
            break;
        }
        case RS_COL_ATTEMPT: txt = r->run.attempt && *r->run.attempt ? r->run.attempt : "-"; break;
        case RS_COL_CLASS: txt = r->links->fail.cls ? r->links->fail.cls : "-"; break;
        case RS_COL_PR:
            if (r->links->pr_number >= 0) snprintf(buf, sizeof buf, "#%lld", (long long)r->links->pr_number);
            else snprintf(buf, sizeof buf, "-");
            txt = buf;
            raw = false;
            break;
        case RS_COL_DIGEST: short_digest(r->links->digest, buf, sizeof buf); txt = buf; break;
        case RS_COL_NS: txt = r->run.ns ? r->run.ns : "-"; break;
        case RS_NCOLS: break;
        }
        /* a long name keeps its attempt suffix, a class its last part */
        draw_text_cut(c, y, x, w, txt, a, raw,
                      k == RS_COL_NAME ? DRAW_CUT_MIDDLE : k == RS_COL_CLASS ? DRAW_CUT_LEFT : DRAW_CUT_END);
        x += w;
        if (x < cols) draw_text(c, y, x, 1, " ", base, false);
        x += 1;
    }
    if (x < cols) draw_clear(y, x, cols, base);
}

static void runs_draw(struct view *v, struct console *c, int top, int rows, int cols)
{
    struct runs *s = v->priv;
    struct layout l;
    layout_for(c, cols, &l);
    /* header */
    int x = 0;
    if (l.ctx_w) {
        draw_text(c, top, 0, l.ctx_w + 1, "CONTEXT", draw_attr(c, CP_HEADER), false);
        x = l.ctx_w + 1;
    }
    for (size_t i = 0; i < NSCREEN; i++) {
        enum rs_col k = screen_order[i];
        if (!l.shown[k]) continue;
        int w = l.width[k];
        if (x + w > cols) w = cols - x;
        if (w <= 0) break;
        char h[32];
        bool desc = k == RS_COL_AGE || k == RS_COL_DURATION || k == RS_COL_PR;
        const char *mark = runset_sort(c->rs) != k ? "" : c->utf8 ? (desc ? "\xe2\x86\x93" : "\xe2\x86\x91") : (desc ? "v" : "^");
        snprintf(h, sizeof h, "%s%s", col_title[k], mark);
        draw_text(c, top, x, w + (x + w < cols ? 1 : 0), h, draw_attr(c, CP_HEADER), false);
        x += w + 1;
    }
    if (x < cols) draw_clear(top, x, cols, draw_attr(c, CP_HEADER));
    rows -= 1;
    top += 1;
    s->rows = rows;
    size_t n = runset_view_count(c->rs);
    if (s->cursor >= n) s->cursor = n ? n - 1 : 0;
    if (s->cursor < s->top) s->top = s->cursor;
    if (rows > 0 && s->cursor >= s->top + (size_t)rows) s->top = s->cursor - (size_t)rows + 1;
    if (s->top + (size_t)rows > n) s->top = n > (size_t)rows ? n - (size_t)rows : 0;
    int64_t now = console_now();
    for (int i = 0; i < rows; i++) {
        size_t idx = s->top + (size_t)i;
        if (idx >= n) {
            draw_clear(top + i, 0, cols, A_NORMAL);
            if (n == 0 && i == 0) {
                const char *why = runset_count(c->rs) ? "no run matches the filter" :
                                  c->progress[0] ? "loading..." : "no runs";
                draw_text(c, top, 1, cols - 1, why, draw_attr(c, CP_DIM), false);
            }
            continue;
        }
        draw_row(c, runset_view_at(c->rs, idx), top + i, &l, idx == s->cursor, cols, now);
    }
}

static void select_row(struct runs *s, struct console *c, size_t idx)
{
    size_t n = runset_view_count(c->rs);
    if (n == 0) {
        s->cursor = 0;
        return;
    }
    if (idx >= n) idx = n - 1;
    s->cursor = idx;
    struct rs_run *r = runset_view_at(c->rs, idx);
    free(s->sel_uid);
    s->sel_uid = xstrdup(r->run.uid ? r->run.uid : "");
    free(s->sel_ctx);
    s->sel_ctx = xstrdup(r->run.context);
    c->redraw = true;
}

static void runs_data_changed(struct view *v, struct console *c)
{
    struct runs *s = v->priv;
    size_t n = runset_view_count(c->rs);
    if (s->sel_uid) {
        size_t idx = runset_view_index(c->rs, s->sel_ctx, s->sel_uid);
        if (idx != SIZE_MAX) {
            /* keep the run on the same screen row when it moved */
            if (idx != s->cursor) {
                long shift = (long)idx - (long)s->cursor;
                long nt = (long)s->top + shift;
                s->top = nt < 0 ? 0 : (size_t)nt;
            }
            s->cursor = idx;
            c->redraw = true;
            return;
        }
    }
    /* the selected run left the view: stay on the same row */
    if (n) select_row(s, c, s->cursor < n ? s->cursor : n - 1);
    c->redraw = true;
}

static struct rs_run *current(struct runs *s, struct console *c)
{
    if (!runset_view_count(c->rs)) return NULL;
    return runset_view_at(c->rs, s->cursor);
}

static bool runs_key(struct view *v, struct console *c, enum req req, int ch)
{
    struct runs *s = v->priv;
    size_t page = s->rows > 1 ? (size_t)s->rows - 1 : 1;
    size_t n = runset_view_count(c->rs);
    (void)ch;
    switch (req) {
    case REQ_DOWN: select_row(s, c, s->cursor + 1); return true;
    case REQ_UP: select_row(s, c, s->cursor ? s->cursor - 1 : 0); return true;
    case REQ_PGDN: select_row(s, c, s->cursor + page); return true;
    case REQ_PGUP: select_row(s, c, s->cursor > page ? s->cursor - page : 0); return true;
    case REQ_TOP: select_row(s, c, 0); return true;
    case REQ_BOTTOM: select_row(s, c, n ? n - 1 : 0); return true;
    case REQ_ENTER:
    case REQ_DETAIL: {
        struct rs_run *r = current(s, c);
        if (!r) {
            console_say(c, true, "no run selected");
            return true;
        }
        select_row(s, c, s->cursor);
        console_push(c, detail_view_new(c, r->run.context, r->run.uid));
        return true;
    }
    case REQ_NEXT_FAILED: {
        /* newest first: from launch, the first press lands on the newest
         * failure (row 0 included); then on the next older one, wrapping */
        size_t start = s->sel_uid ? s->cursor + 1 : 0;
        for (size_t k = 0; k < n; k++) {
            size_t idx = (start + k) % n;
            if (strcmp(rs_run_phase(runset_view_at(c->rs, idx)), "Failed") == 0) {
                select_row(s, c, idx);
                return true;
            }
        }
        console_say(c, true, "no failed run in the list");
        return true;
    }
    case REQ_SORT: {
        enum rs_col next = (enum rs_col)((runset_sort(c->rs) + 1) % RS_NCOLS);
        if (next == RS_COL_NS && !c->all_ns) next = (enum rs_col)((next + 1) % RS_NCOLS);
        runset_set_sort(c->rs, next);
        console_say(c, false, "sorted by %s", runset_col_name(next));
        return true;
    }
    default: return false;
    }
}

static void runs_click(struct view *v, struct console *c, int y, bool dbl)
{
    struct runs *s = v->priv;
    /* row 0 is the title, row 1 the column header */
    if (y < 2) return;
    size_t idx = s->top + (size_t)(y - 2);
    if (idx >= runset_view_count(c->rs)) return;
    select_row(s, c, idx);
    if (dbl) runs_key(v, c, REQ_ENTER, 0);
}

static void runs_title(struct view *v, struct console *c, char *out, size_t outlen)
{
    (void)v;
    const char *f = runset_filter(c->rs);
    char *ff = sanitize_str(f, 0);
    snprintf(out, outlen, "runs %zu/%zu%s%s  sort:%s", runset_view_count(c->rs),
             runset_count(c->rs), *f ? "  filter:" : "", ff, runset_col_name(runset_sort(c->rs)));
    free(ff);
}

static void runs_destroy(struct view *v)
{
    struct runs *s = v->priv;
    free(s->sel_uid);
    free(s->sel_ctx);
    free(s);
    free(v);
}

static const char *runs_run_uid(struct view *v, const char **ctx)
{
    *ctx = ((struct runs *)v->priv)->sel_ctx;
    return ((struct runs *)v->priv)->sel_uid;
}

static const struct view_ops runs_ops = {
    .run_uid = runs_run_uid,
    .name = "runs",
    .kind = VK_RUNS,
    .draw = runs_draw,
    .key = runs_key,
    .data_changed = runs_data_changed,
    .click = runs_click,
    .title = runs_title,
    .destroy = runs_destroy,
};

struct view *runs_view_new(struct console *c)
{
    (void)c;
    struct view *v = xcalloc(1, sizeof *v);
    v->ops = &runs_ops;
    v->priv = xcalloc(1, sizeof(struct runs));
    return v;
}

const char *runs_view_selected(struct view *v, const char **ctx)
{
    if (!v || v->ops != &runs_ops) return NULL;
    *ctx = ((struct runs *)v->priv)->sel_ctx;
    return ((struct runs *)v->priv)->sel_uid;
}
