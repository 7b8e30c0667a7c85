/* detail — one run, the facts that matter for triage (AGENTRUN.md), its
 * pods and containers, PR and failure, and the lane's attempt chain with
 * what changed between attempts. Built as lines of segments whenever the
 * run set or the width changes; drawn as a scrolling page. */
#include "view.h"
#include "model/linkage.h"
#include "util/cells.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/sanitize.h"
#include "util/timeutil.h"
#include "util/xalloc.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SEGS 12

struct seg {
    char *s;     /* sanitised */
    attr_t a;
    int w;       /* fixed width, 0 = natural */
};

struct dline {
    struct seg seg[MAX_SEGS];
    int n;
    /* `y` on this line: the value whole (raw, the console sanitises it) and
     * its name; NULL = the line's text. A continuation (cont) of a wrapped
     * line belongs to the line above: the cursor passes over it. */
    char *copy, *what;
    bool cont;
};

struct detail {
    char *uid, *ctx;
    struct dline *lines;
    size_t nlines, cap;
    size_t top, cur; /* cur: the line under the cursor, never a continuation */
    int rows, built_cols;
    uint64_t built_gen;
    bool gone;
};

static void lines_free(struct detail *d)
{
    for (size_t i = 0; i < d->nlines; i++) {
        for (int k = 0; k < d->lines[i].n; k++) free(d->lines[i].seg[k].s);
        free(d->lines[i].copy);
        free(d->lines[i].what);
    }
    d->nlines = 0;
}

static struct dline *newline(struct detail *d)
{
    d->lines = xgrow(d->lines, &d->cap, d->nlines + 1, sizeof *d->lines);
    struct dline *l = &d->lines[d->nlines++];
    memset(l, 0, sizeof *l);
    return l;
}

/* Adds a segment: raw = cluster text to sanitise. */
static void seg(struct dline *l, attr_t a, int w, bool raw, const char *s)
{
    if (l->n >= MAX_SEGS) return;
    l->seg[l->n++] = (struct seg){raw ? sanitize_str(s ? s : "", 0) : xstrdup(s ? s : ""), a, w};
}

static void segf(struct dline *l, attr_t a, int w, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void segf(struct dline *l, attr_t a, int w, const char *fmt, ...)
{
    if (l->n >= MAX_SEGS) return;
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    l->seg[l->n++] = (struct seg){s, a, w};
}

#define LABEL_W 18

/* What `y` copies on line l: value whole, named what (a label's leading
 * blanks dropped); nothing for an empty value (then the line's text). */
static void copyable(struct dline *l, const char *what, const char *value)
{
    if (!value || !*value) return;
    while (*what == ' ') what++;
    free(l->copy);
    free(l->what);
    l->copy = xstrdup(value);
    l->what = xstrdup(what);
}

static void field(struct console *c, struct detail *d, const char *label, const char *value, attr_t a)
{
    struct dline *l = newline(d);
    seg(l, draw_attr(c, CP_HEADER) & ~A_UNDERLINE, LABEL_W, false, label);
    seg(l, a, 0, true, value && *value ? value : "-");
    copyable(l, label, value);
}

static size_t fit_bytes(const struct console *c, const char *p, int avail);

/* A long text (message, evidence) wrapped to the width, sanitised first so
 * that escapes are visible and counted. */
static void field_wrapped(struct console *c, struct detail *d, const char *label, const char *value,
                          attr_t a, int cols)
{
    char *clean = sanitize_str(value && *value ? value : "-", 0);
    int avail = cols - LABEL_W - 1;
    if (avail < 20) avail = 20;
    const char *p = clean;
    bool first = true;
    do {
        /* cut at avail display columns, on a character boundary */
        size_t n = strlen(p), cut = fit_bytes(c, p, avail);
        if (cut == 0 && n) cut = 1;
        struct dline *l = newline(d);
        if (first) copyable(l, label, value);
        else l->cont = true;
        seg(l, draw_attr(c, CP_HEADER) & ~A_UNDERLINE, LABEL_W, false, first ? label : "");
        char *part = xstrndup(p, cut);
        seg(l, a, 0, false, part);
        free(part);
        p += cut;
        first = false;
    } while (*p);
    free(clean);
}

static void wrap_lines(struct detail *d, const struct console *c, int cols);

static void heading(struct console *c, struct detail *d, const char *text)
{
    newline(d);
    struct dline *l = newline(d);
    seg(l, draw_attr(c, CP_TITLE), 0, false, text);
}

static const char *fmt_time(int64_t t, char *buf, size_t n)
{
    if (t == TIME_NONE) return "-";
    time_format_rfc3339(t, buf, n);
    return buf;
}

static const char *short_hex(const char *d, char *buf, size_t n)
{
    if (!d || !*d) return "-";
    const char *p = strchr(d, ':');
    snprintf(buf, n, "%.12s", p ? p + 1 : d);
    return buf;
}

static void build_attempts(struct console *c, struct detail *d, struct rs_run *r)
{
    struct rs_attempt *a;
    size_t n = runset_lane(c->rs, r, &a);
    char h[160];
    char *lane = sanitize_str(r->run.lane && *r->run.lane ? r->run.lane : r->run.name, 0);
    snprintf(h, sizeof h, "Attempts (lane %.120s, oldest first)", lane);
    free(lane);
    heading(c, d, h);
    /* the class column fits the lane's longest class: the id is the triage */
    int cw = 6;
    for (size_t i = 0; i < n; i++) {
        const char *k = a[i].run->links->fail.cls;
        int w = k ? (int)strlen(k) + 1 : 2;
        if (w > cw) cw = w;
    }
    if (cw > 33) cw = 33;
    struct dline *l = newline(d);
    attr_t ha = draw_attr(c, CP_HEADER);
    seg(l, ha, 4, false, "ATT");
    seg(l, ha, 10, false, "PHASE");
    seg(l, ha, 13, false, "DIGEST");
    seg(l, ha, 13, false, "SPEC");
    seg(l, ha, cw, false, "CLASS");
    seg(l, ha, 0, false, "CHANGED / NAME");
    for (size_t i = 0; i < n; i++) {
        const struct rs_run *x = a[i].run;
        bool me = x == r;
        attr_t base = me ? A_BOLD : A_NORMAL;
        l = newline(d);
        char b1[32], b2[32];
        seg(l, base, 4, true, x->run.attempt && *x->run.attempt ? x->run.attempt : "-");
        seg(l, draw_phase_attr(c, x->run.phase) | (x->deleted ? A_DIM : 0), 10, true,
            x->run.phase && *x->run.phase ? x->run.phase : "-");
        attr_t hl = draw_attr(c, CP_HILITE);
        seg(l, (a[i].fix && (a[i].changed & CHG_DIGEST)) ? hl : base, 13, false,
            short_hex(x->links->digest, b1, sizeof b1));
        struct agentrun xa; /* the spec hash is not in the list record */
        char xerr[ERRLEN];  /* absent when unreadable: the run's own error line says why */
        runset_run_agentrun(c->rs, x, &xa, xerr, sizeof xerr);
        seg(l, (a[i].fix && (a[i].changed & CHG_SPEC)) ? hl : base, 13, false,
            short_hex(xa.spec_hash, b2, sizeof b2));
        agentrun_free(&xa);
        seg(l, base, cw, true, x->links->fail.cls ? x->links->fail.cls : "-");
        char ch[160] = "";
        if (i == 0) snprintf(ch, sizeof ch, "first attempt");
        else chain_change_names(a[i].changed, ch, sizeof ch);
        if (a[i].fix) segf(l, hl, 0, "%s -> first success", ch);
        else if (a[i].first_success) segf(l, draw_attr(c, CP_SUCCEEDED), 0, "%s%sfirst success", ch, ch[0] ? ", " : "");
        else seg(l, base, 0, false, ch);
        seg(l, base, 0, false, "  ");
        seg(l, base | (x->deleted ? A_DIM : 0), 0, true, x->run.name);
        copyable(l, "run name", x->run.name);
        if (x->deleted) seg(l, draw_attr(c, CP_DIM), 0, false, " (deleted)");
        /* the changed head, spelled out, is what a rerun must differ in */
        if ((a[i].changed & CHG_HEAD) && x->run.head) {
            l = newline(d);
            seg(l, base, 4, false, "");
            seg(l, draw_attr(c, CP_DIM), 0, false, "head ");
            seg(l, draw_attr(c, CP_DIM), 0, true, x->run.head);
        }
    }
    free(a);
}

static void build(struct detail *d, struct console *c, int cols)
{
    lines_free(d);
    d->built_cols = cols;
    d->built_gen = runset_gen(c->rs);
    struct rs_run *r = runset_find(c->rs, d->ctx, d->uid);
    if (!r) {
        d->gone = true;
        struct dline *l = newline(d);
        seg(l, draw_attr(c, CP_DIM), 0, false, "This run is no longer in the list (context or namespace switched).");
        return;
    }
    /* the whole AgentRun (the run set's record is the list's part) */
    struct agentrun full;
    char cold_err[ERRLEN];
    bool cold_ok = runset_run_agentrun(c->rs, r, &full, cold_err, sizeof cold_err) == 0;
    const struct agentrun *a = &full;
    char t1[40], t2[40], t3[40], buf[256];
    {
        struct dline *l = newline(d);
        seg(l, draw_attr(c, CP_HEADER) & ~A_UNDERLINE, LABEL_W, false, "Run");
        seg(l, A_BOLD, 0, true, a->ns);
        seg(l, A_BOLD, 0, false, "/");
        seg(l, A_BOLD, 0, true, a->name);
        copyable(l, "run name", a->name);
        if (r->deleted) seg(l, draw_attr(c, CP_DIM), 0, false, "  (deleted on the server; from the history cache)");
    }
    /* the fields the run set left in the cache could not be read back as
     * they were: said here, where they are missing, never another version */
    if (!cold_ok) field_wrapped(c, d, "Not shown", cold_err, draw_attr(c, CP_ERROR), cols);
    {
        struct dline *l = newline(d);
        seg(l, draw_attr(c, CP_HEADER) & ~A_UNDERLINE, LABEL_W, false, "Phase");
        seg(l, draw_phase_attr(c, a->phase), 0, true, a->phase && *a->phase ? a->phase : "(none yet)");
        if (a->reason) {
            seg(l, A_NORMAL, 0, false, "   reason ");
            seg(l, A_BOLD, 0, true, a->reason);
        }
    }
    /* which cluster, when the list mixes several */
    if (c->nctx > 1) field(c, d, "Context", a->context, A_NORMAL);
    field_wrapped(c, d, "Message", a->message, A_NORMAL, cols);
    field(c, d, "Agent", a->agent, A_NORMAL);
    field(c, d, "Runtime", a->runtime, A_NORMAL);
    {
        struct dline *l = newline(d);
        seg(l, draw_attr(c, CP_HEADER) & ~A_UNDERLINE, LABEL_W, false, "Times");
        segf(l, A_NORMAL, 0, "created %s  started %s  finished %s", fmt_time(a->created, t1, sizeof t1),
             fmt_time(a->started, t2, sizeof t2), fmt_time(a->finished, t3, sizeof t3));
    }
    {
        struct dline *l = newline(d);
        seg(l, draw_attr(c, CP_HEADER) & ~A_UNDERLINE, LABEL_W, false, "VCS");
        seg(l, A_NORMAL, 0, true, a->repository ? a->repository : "-");
        seg(l, A_NORMAL, 0, false, "  base ");
        seg(l, A_NORMAL, 0, true, a->base ? a->base : "-");
        seg(l, A_NORMAL, 0, false, "  head ");
        seg(l, A_NORMAL, 0, true, a->head ? a->head : "-");
        seg(l, A_NORMAL, 0, false, "  mode ");
        seg(l, A_NORMAL, 0, true, a->vcs_mode ? a->vcs_mode : "read-write");
    }
    field(c, d, "Lane / attempt", a->lane, A_NORMAL);
    if (a->attempt && *a->attempt) {
        struct dline *l = &d->lines[d->nlines - 1];
        seg(l, A_NORMAL, 0, false, "  attempt ");
        seg(l, A_BOLD, 0, true, a->attempt);
    }
    field(c, d, "Idempotency key", a->idempotency_key, A_NORMAL);
    field(c, d, "System prompt", a->system_prompt_hash, A_NORMAL);
    field(c, d, "Spec hash", a->spec_hash, A_NORMAL);
    field(c, d, "Image", r->links->image, A_NORMAL);
    field(c, d, "Image digest", r->links->digest, A_NORMAL);
    {
        struct dline *l = newline(d);
        seg(l, draw_attr(c, CP_HEADER) & ~A_UNDERLINE, LABEL_W, false, "Pull request");
        if (r->links->pr_number >= 0 || r->links->pr_url) {
            if (r->links->pr_number >= 0) segf(l, A_BOLD, 0, "#%lld ", (long long)r->links->pr_number);
            seg(l, A_UNDERLINE, 0, true, r->links->pr_url ? r->links->pr_url : "");
            copyable(l, "pull request URL", r->links->pr_url);
            seg(l, A_NORMAL, 0, false, "  (from ");
            seg(l, A_NORMAL, 0, true, r->links->pr_source ? r->links->pr_source : "?");
            seg(l, A_NORMAL, 0, false, ")");
        } else {
            seg(l, draw_attr(c, CP_DIM), 0, false, "none found");
        }
    }
    if (r->links->fail.cls) {
        struct dline *l = newline(d);
        seg(l, draw_attr(c, CP_HEADER) & ~A_UNDERLINE, LABEL_W, false, "Failure");
        seg(l, draw_attr(c, CP_FAILED), 0, true, r->links->fail.cls);
        copyable(l, "failure class", r->links->fail.cls);
        if (r->links->fail.line >= 0) segf(l, A_NORMAL, 0, "  line %lld", (long long)r->links->fail.line);
        if (r->links->fail.container) {
            seg(l, A_NORMAL, 0, false, " of ");
            seg(l, A_NORMAL, 0, true, r->links->fail.container);
        }
        if (r->links->fail.rule) {
            seg(l, A_NORMAL, 0, false, "  rule ");
            seg(l, A_NORMAL, 0, true, r->links->fail.rule);
        }
        field_wrapped(c, d, "  hint", r->links->fail.hint, A_NORMAL, cols);
        field_wrapped(c, d, "  evidence", r->links->fail.text, draw_attr(c, CP_HILITE), cols);
    } else {
        const char *ph = a->phase ? a->phase : "";
        field(c, d, "Failure", strcmp(ph, "Failed") == 0 ? "not classified yet" : "none", draw_attr(c, CP_DIM));
    }
    if (a->has_runner) {
        struct dline *l = newline(d);
        seg(l, draw_attr(c, CP_HEADER) & ~A_UNDERLINE, LABEL_W, false, "Runner");
        seg(l, A_NORMAL, 0, true, a->runner_status ? a->runner_status : "-");
        if (a->runner_exit_code >= 0) segf(l, A_NORMAL, 0, "  exit %lld", (long long)a->runner_exit_code);
        if (a->runner_error) field_wrapped(c, d, "  error", a->runner_error, A_NORMAL, cols);
    }

    heading(c, d, "Conditions");
    if (!a->nconditions) {
        struct dline *l = newline(d);
        seg(l, draw_attr(c, CP_DIM), 0, false, "  none");
    } else {
        struct dline *l = newline(d);
        attr_t ha = draw_attr(c, CP_HEADER);
        seg(l, ha, 20, false, "TYPE");
        seg(l, ha, 8, false, "STATUS");
        seg(l, ha, 26, false, "REASON");
        seg(l, ha, 22, false, "TIME");
        seg(l, ha, 0, false, "MESSAGE");
    }
    for (size_t i = 0; i < a->nconditions; i++) {
        const struct condition *k = &a->conditions[i];
        struct dline *l = newline(d);
        bool t = k->status && strcmp(k->status, "True") == 0;
        attr_t at = t ? A_NORMAL : draw_attr(c, CP_DIM);
        seg(l, at, 20, true, k->type);
        seg(l, at, 8, true, k->status);
        seg(l, at, 26, true, k->reason ? k->reason : "-");
        seg(l, at, 22, false, fmt_time(k->last_transition, t1, sizeof t1));
        seg(l, at, 0, true, k->message ? k->message : "");
        copyable(l, "condition message", k->message);
    }

    heading(c, d, "Pods");
    if (!r->links->npods) {
        struct dline *l = newline(d);
        seg(l, draw_attr(c, CP_DIM), 0, false, "  none known (the Job's TTL may have removed them)");
    }
    for (size_t i = 0; i < r->links->npods; i++) {
        const struct pod *p = &r->links->pods[i];
        struct dline *l = newline(d);
        seg(l, A_BOLD, 0, false, "  ");
        seg(l, A_BOLD, 0, true, p->name);
        copyable(l, "pod name", p->name);
        seg(l, A_NORMAL, 0, false, "  ");
        seg(l, A_NORMAL, 0, true, p->phase ? p->phase : "-");
        if (p->node) {
            seg(l, A_NORMAL, 0, false, "  node ");
            seg(l, A_NORMAL, 0, true, p->node);
        }
        for (size_t k = 0; k < p->ncontainers; k++) {
            const struct container_state *cs = &p->containers[k];
            l = newline(d);
            seg(l, A_NORMAL, 4, false, "");
            snprintf(buf, sizeof buf, "%s", cs->init ? "init " : "");
            seg(l, A_NORMAL, 0, false, buf);
            seg(l, A_BOLD, 0, true, cs->name);
            seg(l, A_NORMAL, 0, false, "  ");
            seg(l, A_NORMAL, 0, true, cs->state ? cs->state : "-");
            if (cs->reason) {
                seg(l, A_NORMAL, 0, false, " ");
                seg(l, A_NORMAL, 0, true, cs->reason);
            }
            if (cs->exit_code >= 0) segf(l, cs->exit_code ? draw_attr(c, CP_FAILED) : A_NORMAL, 0,
                                         "  exit %lld", (long long)cs->exit_code);
            segf(l, A_NORMAL, 0, "  restarts %lld", (long long)(cs->restarts < 0 ? 0 : cs->restarts));
            l = newline(d);
            seg(l, A_NORMAL, 6, false, "");
            seg(l, draw_attr(c, CP_DIM), 0, false, "image ");
            seg(l, A_NORMAL, 0, true, cs->image ? cs->image : "-");
            copyable(l, "image", cs->image);
            l = newline(d);
            seg(l, A_NORMAL, 6, false, "");
            seg(l, draw_attr(c, CP_DIM), 0, false, "digest ");
            seg(l, A_NORMAL, 0, true, cs->digest ? cs->digest : "-");
            copyable(l, "digest", cs->digest);
        }
    }
    agentrun_free(&full);
    build_attempts(c, d, r);
    wrap_lines(d, c, cols);
}

/* Bytes of s (sanitised UTF-8) that fit in avail display columns. */
static size_t fit_bytes(const struct console *c, const char *p, int avail)
{
    size_t n = strlen(p), cut = 0;
    int w = 0;
    while (cut < n) {
        wchar_t wc;
        int cw;
        size_t l = cell_next(p + cut, n - cut, c->utf8, &wc, &cw); /* the one decoder */
        if (w + cw > avail) break;
        w += cw;
        cut += l;
    }
    return cut;
}

/* A fact cut at the edge is read whole: a line wider than the screen goes
 * on under the value column (a digest, the times, a PR source, a condition
 * message), instead of ending in "…". */
static void wrap_lines(struct detail *d, const struct console *c, int cols)
{
    int avail = cols - LABEL_W - 1;
    if (avail < 12) return;
    struct dline *old = d->lines;
    size_t n = d->nlines;
    d->lines = NULL;
    d->nlines = d->cap = 0;
    for (size_t i = 0; i < n; i++) {
        struct dline *src = &old[i];
        struct dline *l = newline(d);
        l->copy = src->copy;
        l->what = src->what;
        l->cont = src->cont;
        int x = 0;
        for (int k = 0; k < src->n; k++) {
            struct seg sg = src->seg[k];
            int w = sg.w ? sg.w + 1 : draw_width(c, sg.s);
            if (x + w <= cols || sg.w) {
                if (l->n < MAX_SEGS) l->seg[l->n++] = sg;
                else free(sg.s);
                x += w;
                continue;
            }
            /* the segment goes over the edge: cut it, continue below */
            const char *p = sg.s;
            while (*p) {
                int room = cols - x;
                size_t cut = room > 0 ? fit_bytes(c, p, room) : 0;
                if (cut == 0 && x <= LABEL_W + 1) cut = strlen(p) ? 1 : 0; /* never loop */
                if (cut && l->n < MAX_SEGS) {
                    l->seg[l->n++] = (struct seg){xstrndup(p, cut), sg.a, 0};
                    x += draw_width(c, l->seg[l->n - 1].s);
                }
                p += cut;
                if (*p) {
                    l = newline(d);
                    l->cont = true;
                    l->seg[l->n++] = (struct seg){xstrdup(""), A_NORMAL, LABEL_W};
                    x = LABEL_W + 1;
                }
            }
            free(sg.s);
        }
    }
    free(old);
}

static bool is_item(const struct detail *d, size_t i)
{
    return i < d->nlines && !d->lines[i].cont && d->lines[i].n > 0;
}

/* The cursor on an item (at or before i, else after), and its lines in view. */
static void cursor_fix(struct detail *d, size_t i)
{
    if (!d->nlines) {
        d->cur = d->top = 0;
        return;
    }
    if (i >= d->nlines) i = d->nlines - 1;
    size_t k = i;
    while (k > 0 && !is_item(d, k)) k--;
    if (!is_item(d, k))
        for (k = i; k < d->nlines && !is_item(d, k); k++) {}
    d->cur = k < d->nlines ? k : 0;
    size_t end = d->cur + 1;
    while (end < d->nlines && d->lines[end].cont) end++;
    size_t rows = d->rows > 0 ? (size_t)d->rows : 1;
    if (d->cur < d->top) d->top = d->cur;
    if (end > d->top + rows) d->top = end - rows > d->cur ? d->cur : end - rows;
}

static void detail_draw(struct view *v, struct console *c, int top, int rows, int cols)
{
    struct detail *d = v->priv;
    if (d->built_cols != cols || d->built_gen != runset_gen(c->rs)) build(d, c, cols);
    d->rows = rows;
    cursor_fix(d, d->cur);
    if (d->nlines > (size_t)rows && d->top > d->nlines - (size_t)rows) d->top = d->nlines - (size_t)rows;
    if (d->nlines <= (size_t)rows) d->top = 0;
    attr_t ca = draw_attr(c, CP_CURSOR);
    for (int i = 0; i < rows; i++) {
        size_t idx = d->top + (size_t)i;
        int x = 0;
        bool at_cursor = idx == d->cur && idx < d->nlines;
        if (idx < d->nlines) {
            const struct dline *l = &d->lines[idx];
            for (int k = 0; k < l->n && x < cols; k++) {
                const struct seg *s = &l->seg[k];
                int w = s->w ? s->w : draw_width(c, s->s);
                if (x + w > cols) w = cols - x;
                draw_text(c, top + i, x, w, s->s, at_cursor ? ca : s->a, false);
                x += w;
                if (s->w && x < cols) {
                    draw_text(c, top + i, x, 1, " ", at_cursor ? ca : A_NORMAL, false);
                    x++;
                }
            }
        }
        draw_clear(top + i, x, cols, at_cursor ? ca : A_NORMAL);
    }
}

static bool detail_key(struct view *v, struct console *c, enum req req, int ch)
{
    struct detail *d = v->priv;
    size_t page = d->rows > 1 ? (size_t)d->rows - 1 : 1;
    size_t k = d->cur;
    (void)ch;
    switch (req) {
    case REQ_DOWN:
        for (k = d->cur + 1; k < d->nlines && !is_item(d, k); k++) {}
        if (k >= d->nlines) k = d->cur;
        break;
    case REQ_UP:
        for (k = d->cur; k > 0 && !is_item(d, k - 1); k--) {}
        k = k > 0 ? k - 1 : d->cur;
        break;
    case REQ_PGDN: k = d->cur + page; break;
    case REQ_PGUP: k = d->cur > page ? d->cur - page : 0; break;
    case REQ_TOP: k = 0; d->top = 0; break;
    case REQ_BOTTOM: k = d->nlines ? d->nlines - 1 : 0; break;
    default: return false;
    }
    cursor_fix(d, k);
    c->redraw = true;
    return true;
}

/* y: the field under the cursor, whole (a wrapped value in one piece). */
static char *detail_copy(struct view *v, struct console *c, char *what, size_t whatlen)
{
    struct detail *d = v->priv;
    if (!is_item(d, d->cur)) {
        console_say(c, true, "nothing under the cursor to copy");
        return NULL;
    }
    const struct dline *l = &d->lines[d->cur];
    if (l->copy) {
        snprintf(what, whatlen, "%s", l->what ? l->what : "value");
        return xstrdup(l->copy);
    }
    /* a line without one value: its text, the blanks between columns squeezed */
    struct buf b = {0};
    for (int k = 0; k < l->n; k++) {
        for (const char *p = l->seg[k].s; *p; p++)
            if (*p != ' ' || (b.len && b.p[b.len - 1] != ' ')) buf_printf(&b, "%c", *p);
        /* a column (fixed width) ends with a blank on screen */
        if (l->seg[k].w && b.len && b.p[b.len - 1] != ' ') buf_puts(&b, " ");
    }
    while (b.len && b.p[b.len - 1] == ' ') b.p[--b.len] = 0;
    snprintf(what, whatlen, "line");
    return b.p ? buf_detach(&b) : xstrdup("");
}

static void detail_data_changed(struct view *v, struct console *c)
{
    struct detail *d = v->priv;
    /* rebuilt lazily by draw when the generation moved */
    if (d->built_gen != runset_gen(c->rs)) c->redraw = true;
}

static void detail_title(struct view *v, struct console *c, char *out, size_t outlen)
{
    struct detail *d = v->priv;
    struct rs_run *r = runset_find(c->rs, d->ctx, d->uid);
    char *nm = sanitize_str(r ? r->run.name : "(gone)", 0);
    snprintf(out, outlen, "detail %s", nm);
    free(nm);
}

static void detail_destroy(struct view *v)
{
    struct detail *d = v->priv;
    lines_free(d);
    free(d->lines);
    free(d->uid);
    free(d->ctx);
    free(d);
    free(v);
}

static const char *detail_run_uid(struct view *v, const char **ctx)
{
    *ctx = ((struct detail *)v->priv)->ctx;
    return ((struct detail *)v->priv)->uid;
}

static const struct view_ops detail_ops = {
    .run_uid = detail_run_uid,
    .name = "detail",
    .kind = VK_DETAIL,
    .draw = detail_draw,
    .key = detail_key,
    .data_changed = detail_data_changed,
    .title = detail_title,
    .destroy = detail_destroy,
    .copy = detail_copy,
};

struct view *detail_view_new(struct console *c, const char *ctx, const char *uid)
{
    (void)c;
    struct view *v = xcalloc(1, sizeof *v);
    struct detail *d = xcalloc(1, sizeof *d);
    d->uid = xstrdup(uid ? uid : "");
    d->ctx = xstrdup(ctx);
    d->built_cols = -1;
    v->ops = &detail_ops;
    v->priv = d;
    return v;
}
