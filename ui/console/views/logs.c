/* logs — the log view (`l` on a run): every container log of every pod of
 * the run (init containers, agent-runner, sidecars, previous restarts),
 * one at a time, Tab / Shift-Tab to switch. It opens on the primary
 * finding's evidence line with the class, hint and line number in the
 * header, marks every other finding in the gutter, follows running
 * containers, searches (/ b n N), filters (& and &!), shows only the lines
 * new against a passing run of the same lane (D: the log diff, the baseline
 * of model/runbaseline.h, whose shared lines the classifier also sets
 * aside), and never lets a log byte reach the terminal unsanitised.
 *
 * Text comes from the one log source (runs/logsrc.h): the cluster (with
 * timestamps, followed while the container runs, resumed across drops
 * without a line lost or repeated), or the history cache when the pod is
 * gone, or both when the cache holds lines the live log no longer has. The documents
 * (model/logdoc.h) and findings (model/logfind.h) grow in slices from the
 * view's work() hook, so keys are answered while a big log loads. */
#include "view.h"
#include "source.h"
#include "vprompt.h"
#include "classify/classify.h"
#include "kube/client.h"
#include "model/logdoc.h"
#include "model/logfind.h"
#include "model/runbaseline.h"
#include "runs/logsrc.h"
#include "store/store.h"
#include "util/cells.h"
#include "util/err.h"
#include "util/sanitize.h"
#include "util/timeutil.h"
#include "util/xalloc.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define DISPLAY_MAX (64 * 1024)  /* bytes of one line shown; the rest is counted */
#define INDEX_SLICE ((size_t)4 << 20)
#define FIRST_SLICE ((size_t)256 << 10) /* enough lines for a first screen */
#define FIND_SLICE ((size_t)2 << 20)
#define SEARCH_SLICE ((size_t)16 << 20)

enum { SRC_LIVE = 1, SRC_CACHE = 2, SRC_FILE = 4 };
enum { ST_IDLE, ST_LOADING, ST_READY, ST_ERROR };

struct logs;

struct lstream {
    struct logs *lv;
    char *pod, *pod_uid, *container;
    bool init, previous, running, pod_live;
    int st;
    unsigned src;
    char *error;              /* sanitised, shown in the body */
    char *note;               /* sanitised, shown in the header (cache cut...) */
    struct logdoc *doc;
    struct logfind *find;
    enum classify_outcome outcome;
    struct logsrc *ls;        /* the log's source while it loads or follows */
    struct buf pend;          /* cached lines not yet in doc (one write per slice) */
    /* where the reader is */
    int64_t cur, top;         /* rows (doc lines, or filter entries when filtered) */
    int hscroll;
    bool placed;              /* opened on the cause (or the user moved first) */
    bool follow;              /* stick to the end as lines arrive */
    bool shown;               /* a first slice was indexed (and painted) */
};

struct logs {
    struct console *c;
    char *uid, *ctx, *ns, *name, *phase;
    int64_t cache_id;         /* the run's row in the history cache, 0 unknown */
    /* the run's recorded failure (history cache / triage) */
    char *fail_cls, *fail_rule, *fail_hint, *fail_container;
    int64_t fail_line;        /* 1-based, <= 0 none */
    size_t fail_stream;       /* the stream it was found in */
    struct lstream *s;
    size_t n, cur;
    bool wrap, show_ts, explain;
    int64_t explain_top;
    /* search and filter */
    struct logre *re;
    char *pattern;
    struct logsearch search;
    bool searching, search_fwd;
    int64_t search_from;
    struct logre *fre;
    char *fpattern;
    struct logfilter filter;
    bool filtering;
    /* the passing run the agent-runner log is compared with: read from
     * the cache, else live (base_src); complete once base_ready */
    char *base_name;
    struct classify_baseline *base;
    struct logsrc *base_src;
    bool base_ready, diffing;
    struct vprompt prompt;
    int body_rows, body_cols;
};

/* ---- helpers ---- */

static struct lstream *cur_stream(struct logs *lv)
{
    return lv->n ? &lv->s[lv->cur] : NULL;
}

static const struct classify_rules *rules_of(struct logs *lv)
{
    return lv->c->src ? source_rules(lv->c->src) : NULL;
}

static int64_t nrows(struct logs *lv, struct lstream *s)
{
    if (!s->doc) return 0;
    if (lv->filtering) return (int64_t)lv->filter.n;
    return logdoc_lines(s->doc);
}

static int64_t row_line(struct logs *lv, int64_t row)
{
    if (lv->filtering) return row >= 0 && (size_t)row < lv->filter.n ? lv->filter.lines[row] : -1;
    return row;
}

/* The row showing doc line `line` (filtered: the first entry at or after it). */
static int64_t line_row(struct logs *lv, int64_t line)
{
    if (!lv->filtering) return line;
    size_t lo = 0, hi = lv->filter.n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (lv->filter.lines[mid] < line) lo = mid + 1;
        else hi = mid;
    }
    return (int64_t)lo;
}

static void clamp(struct logs *lv, struct lstream *s)
{
    int64_t n = nrows(lv, s);
    if (s->cur >= n) s->cur = n - 1;
    if (s->cur < 0) s->cur = 0;
    int body = lv->body_rows > 0 ? lv->body_rows : 1;
    if (s->top > s->cur) s->top = s->cur;
    if (!lv->wrap && s->cur >= s->top + body) s->top = s->cur - body + 1;
    if (!lv->wrap && s->top > n - body) s->top = n - body;   /* no blank page after the end */
    if (s->top < 0) s->top = 0;
}

/* Puts doc line `line` under the cursor with context above it. */
static void place(struct logs *lv, struct lstream *s, int64_t line)
{
    s->cur = line_row(lv, line);
    int body = lv->body_rows > 0 ? lv->body_rows : 10;
    s->top = s->cur - body / 3;
    clamp(lv, s);
}

/* The primary finding of the current stream: the run's recorded failure
 * when it names this container's line, else the log's own ranking. */
struct primary {
    const char *cls, *rule, *hint;
    int64_t line;     /* 0-based, -1 none */
    bool estimate;
};

static bool blamed(struct logs *lv, struct lstream *s)
{
    if (s->previous || s->init) return false;
    if (lv->fail_container) return strcmp(lv->fail_container, s->container) == 0;
    return strcmp(s->container, "agent-runner") == 0;
}

static bool get_primary(struct logs *lv, struct lstream *s, struct primary *p)
{
    memset(p, 0, sizeof *p);
    p->line = -1;
    if (lv->fail_cls && lv->fail_line > 0 && s == &lv->s[lv->fail_stream] && blamed(lv, s) &&
        (!s->doc || lv->fail_line <= logdoc_lines(s->doc) || !logdoc_indexed(s->doc))) {
        p->cls = lv->fail_cls;
        p->rule = lv->fail_rule;
        p->hint = lv->fail_hint;
        p->line = lv->fail_line - 1;
        /* the log's own finding on that line knows the rule's hint */
        const struct logmark *m = s->find ? logfind_mark_at(s->find, p->line) : NULL;
        if (m && !p->hint) p->hint = m->f->hint;
        return true;
    }
    if (!s->find) return false;
    int64_t line;
    const struct classify_finding *f = logfind_primary(s->find, &line);
    if (!f) return false;
    p->cls = f->class_id;
    p->rule = f->rule_id;
    p->hint = f->hint;
    p->line = line;
    p->estimate = logfind_provisional(s->find);
    return true;
}

/* ---- loading (runs/logsrc.h: live, resumed, then the cache) ---- */

static void stream_reset(struct lstream *s)
{
    logsrc_free(s->ls);
    s->ls = NULL;
    buf_free(&s->pend);
    logfind_free(s->find);
    s->find = NULL;
    logdoc_free(s->doc);
    s->doc = NULL;
}

static void stream_free(struct lstream *s)
{
    stream_reset(s);
    free(s->pod);
    free(s->pod_uid);
    free(s->container);
    free(s->error);
    free(s->note);
}

static void set_error(struct lstream *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_error(struct lstream *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *raw = xvasprintf(fmt, ap);
    va_end(ap);
    free(s->error);
    s->error = sanitize_str(raw, 0);
    free(raw);
}

/* The baseline is the passing run's agent-runner log: it says nothing
 * about other containers. */
static const struct classify_baseline *base_for(struct logs *lv, const struct lstream *s)
{
    return lv->base_ready && s->container && strcmp(s->container, "agent-runner") == 0 && !s->previous
               ? lv->base
               : NULL;
}

static void attach_find(struct logs *lv, struct lstream *s)
{
    const struct classify_rules *rs = rules_of(lv);
    if (rs && s->doc && !s->find) {
        s->find = logfind_new(rs, s->outcome);
        logfind_set_baseline(s->find, base_for(lv, s));
    }
}

/* The run's row in the history cache, 0 if it has none. */
static int64_t cache_id(struct logs *lv)
{
    struct store *st = lv->c->src ? source_store(lv->c->src) : NULL;
    if (lv->cache_id > 0 || !st || !lv->name) return lv->cache_id;
    char err[ERRLEN];
    struct store_run r;
    memset(&r, 0, sizeof r);
    if (store_get_run(st, lv->ctx, lv->ns, lv->name, &r, err, sizeof err) == 1) lv->cache_id = r.id;
    store_run_free(&r);
    return lv->cache_id;
}

/* Still running per the run set's copy of the pod? */
static bool container_running(struct logs *lv, struct lstream *s)
{
    struct rs_run *r = runset_find(lv->c->rs, lv->ctx, lv->uid);
    if (!r) return false;
    for (size_t i = 0; i < r->links->npods; i++) {
        const struct pod *p = &r->links->pods[i];
        if (!p->name || strcmp(p->name, s->pod) != 0) continue;
        for (size_t k = 0; k < p->ncontainers; k++)
            if (p->containers[k].name && strcmp(p->containers[k].name, s->container) == 0)
                return p->containers[k].state && strcmp(p->containers[k].state, "running") == 0;
    }
    return false;
}

static bool src_still_running(void *ud)
{
    struct lstream *s = ud;
    return container_running(s->lv, s);
}

#define PEND_FLUSH ((size_t)1 << 20)

static int pend_flush(struct lstream *s)
{
    char err[ERRLEN];
    if (!s->pend.len) return 0;
    int rc = logdoc_append(s->doc, s->pend.p, s->pend.len, err, sizeof err);
    buf_reset(&s->pend);
    if (rc) {
        set_error(s, "%s", err);
        s->st = ST_ERROR;
    }
    return rc;
}

/* Each line into the document as the API sends it (stamp, space, text):
 * the view shows or hides the stamps itself. A cached log comes whole at
 * once: its lines are written in big slices, not one write per line. */
static int src_line(void *ud, const struct logsrc_line *l)
{
    struct lstream *s = ud;
    if (l->stamp) {
        buf_append(&s->pend, l->stamp, l->stamp_len);
        buf_append(&s->pend, " ", 1);
    }
    buf_append(&s->pend, l->text, l->len);
    if (l->newline) buf_append(&s->pend, "\n", 1);
    if ((l->from == LOGSRC_LIVE || s->pend.len >= PEND_FLUSH) && pend_flush(s) != 0) return 1;
    s->src |= l->from == LOGSRC_LIVE ? SRC_LIVE : SRC_CACHE;
    s->st = ST_READY;
    s->lv->c->redraw = true;
    return 0;
}

static void src_end(void *ud, const struct logsrc_end *e)
{
    struct lstream *s = ud;
    s->lv->c->redraw = true;
    s->running = false;
    if (pend_flush(s) != 0) {
        logdoc_finish(s->doc);
        return;
    }
    logdoc_finish(s->doc);
    if (e->note) {
        free(s->note);
        s->note = sanitize_str(e->note, 0);
    }
    if (!e->ok && !(s->src & (SRC_LIVE | SRC_CACHE))) {
        set_error(s, "%s", e->error ? e->error : "the log could not be read");
        s->st = ST_ERROR;
        return;
    }
    s->st = ST_READY; /* a stream that broke after it delivered keeps what came */
}

static void stream_load(struct logs *lv, struct lstream *s)
{
    if (s->st != ST_IDLE) return;
    s->st = ST_LOADING;
    /* the run's own cluster, whichever context the console shows first */
    struct kube_client *k = lv->c->src ? source_kube_for(lv->c->src, lv->ctx) : NULL;
    struct store *st = lv->c->src ? source_store(lv->c->src) : NULL;
    s->doc = logdoc_new_stream();
    attach_find(lv, s);
    struct logsrc_spec sp = {
        .kube = s->pod_live ? k : NULL, .ns = lv->ns, .pod = s->pod, .container = s->container,
        .previous = s->previous, .follow = s->running, .timestamps = true, /* the view shows or hides them */
        .store = st, .run_id = st ? cache_id(lv) : 0,
        .cache_fallback = true, .join_cache = true, .still_running = src_still_running,
        .on_line = src_line, .on_end = src_end, .ud = s,
    };
    s->ls = logsrc_start(&sp); /* in :log through the client's request log */
}

/* ---- the baseline ---- */

struct base_pick {
    struct logs *lv;
    struct store *st;
    bool live;
    const struct rs_run *run; /* the chosen one */
    const char *pod;          /* its live pod, NULL: from the cache */
};

static const char *live_runner_pod(const struct rs_run *r)
{
    const struct pod *best = NULL;
    for (size_t i = 0; i < r->links->npods; i++)
        for (size_t k = 0; k < r->links->pods[i].ncontainers; k++)
            if (r->links->pods[i].containers[k].name && strcmp(r->links->pods[i].containers[k].name, "agent-runner") == 0 &&
                (!best || r->links->pods[i].created > best->created))
                best = &r->links->pods[i];
    return best ? best->name : NULL;
}

/* A run's log counts when the cache holds it, else when its pod is live. */
static bool base_has_log(void *ud, size_t i)
{
    struct base_pick *p = ud;
    const struct rs_run *r = runset_at(p->lv->c->rs, i);
    p->run = r;
    p->pod = NULL;
    if (p->st && r->cache_id && store_run_has_log(p->st, r->cache_id)) return true;
    if (p->live && !r->deleted) p->pod = live_runner_pod(r);
    return p->pod != NULL;
}

static void base_loaded(struct logs *lv)
{
    classify_baseline_finish(lv->base);
    lv->base_ready = true;
    lv->c->redraw = true;
    /* findings are redone with the baseline (the classifier reads it before the log) */
    for (size_t i = 0; i < lv->n; i++)
        if (lv->s[i].find && base_for(lv, &lv->s[i])) {
            logfind_free(lv->s[i].find);
            lv->s[i].find = NULL;
            attach_find(lv, &lv->s[i]);
        }
}

static int base_line(void *ud, const struct logsrc_line *l)
{
    struct logs *lv = ud;
    classify_baseline_feed(lv->base, l->text, l->len);
    if (l->newline) classify_baseline_feed(lv->base, "\n", 1);
    return 0;
}

static void base_end(void *ud, const struct logsrc_end *e)
{
    struct logs *lv = ud;
    if (!e->ok) {
        /* without the passing log there is nothing to compare with */
        classify_baseline_free(lv->base);
        lv->base = NULL;
        free(lv->base_name);
        lv->base_name = NULL;
        return;
    }
    base_loaded(lv);
}

/* For a failed run: its baseline among the console's runs (the runset
 * holds the cache's deleted runs too), its log from the cache or asked
 * for live. */
/* The candidate facts of a run (runbaseline.h), from the run set's record. */
static struct run_baseline_cand rs_run_baseline_cand(const struct rs_run *r)
{
    const struct rs_rec *a = &r->run;
    return (struct run_baseline_cand){a->context, a->ns, a->name, a->lane, a->agent, a->repository, a->phase,
                                      a->created};
}

static void base_open(struct logs *lv, const struct rs_run *me)
{
    struct console *c = lv->c;
    if (!c->rs || !c->src || !lv->phase || strcmp(lv->phase, "Failed") != 0) return;
    size_t n = runset_count(c->rs);
    if (!n) return;
    struct run_baseline_cand *cand = xcalloc(n, sizeof *cand);
    for (size_t i = 0; i < n; i++) cand[i] = rs_run_baseline_cand(runset_at(c->rs, i));
    struct run_baseline_cand self = rs_run_baseline_cand(me);
    struct base_pick p = {lv, source_store(c->src), source_kube_for(c->src, me->run.context) != NULL, NULL, NULL};
    long i = run_baseline_pick(&self, cand, n, base_has_log, &p);
    free(cand);
    if (i < 0) return;
    lv->base_name = xstrdup(p.run->run.name);
    lv->base = classify_baseline_new();
    /* the cache's copy when it has one, else the live pod's (one source) */
    struct logsrc_spec sp = {
        .kube = p.pod ? source_kube_for(c->src, p.run->run.context) : NULL, .ns = p.run->run.ns, .pod = p.pod, .container = "agent-runner",
        .store = p.st, .run_id = p.pod ? 0 : p.run->cache_id, .on_line = base_line, .on_end = base_end, .ud = lv,
    };
    lv->base_src = logsrc_start(&sp);
}

/* The filter of the current mode, restarted (new stream, new baseline). */
static void filter_restart(struct logs *lv)
{
    bool invert = lv->filter.invert;
    logfilter_free(&lv->filter);
    if (lv->diffing) {
        logfilter_init_new(&lv->filter, lv->base);
    } else {
        logfilter_init(&lv->filter, lv->fre);
        lv->filter.invert = invert;
    }
}

/* ---- building the list of streams ---- */

static void add_stream(struct logs *lv, const char *pod, const char *pod_uid, const char *container,
                       bool init, bool previous, bool running, bool pod_live)
{
    for (size_t i = 0; i < lv->n; i++)
        if (strcmp(lv->s[i].pod, pod) == 0 && strcmp(lv->s[i].container, container) == 0 &&
            lv->s[i].previous == previous)
            return;
    lv->s = xrealloc(lv->s, (lv->n + 1) * sizeof *lv->s);
    struct lstream *s = &lv->s[lv->n++];
    memset(s, 0, sizeof *s);
    s->lv = lv;
    s->pod = xstrdup(pod);
    s->pod_uid = xstrdup(pod_uid ? pod_uid : "");
    s->container = xstrdup(container);
    s->init = init;
    s->previous = previous;
    s->running = running && !previous;
    s->pod_live = pod_live;
}

static void add_pod_streams(struct logs *lv, const struct pod *p, bool live)
{
    if (!p->name) return;
    for (int pass = 0; pass < 2; pass++) {   /* init containers first */
        for (size_t k = 0; k < p->ncontainers; k++) {
            const struct container_state *cs = &p->containers[k];
            if (!cs->name || cs->init != (pass == 0)) continue;
            if (cs->restarts > 0 || cs->has_last)
                add_stream(lv, p->name, p->uid, cs->name, cs->init, true, false, live);
            bool running = cs->state && strcmp(cs->state, "running") == 0;
            add_stream(lv, p->name, p->uid, cs->name, cs->init, false, running, live);
        }
    }
}

static void add_cached_pods(struct logs *lv, int64_t run_id)
{
    struct store *st = lv->c->src ? source_store(lv->c->src) : NULL;
    if (!st) return;
    char err[ERRLEN];
    struct store_run r;
    memset(&r, 0, sizeof r);
    int64_t id = run_id;
    if (id <= 0) {
        if (store_get_run(st, lv->ctx, lv->ns, lv->name, &r, err, sizeof err) != 1) {
            store_run_free(&r);
            return;
        }
        id = r.id;
        store_run_free(&r);
    }
    struct store_pod_list pl;
    memset(&pl, 0, sizeof pl);
    if (store_run_pods(st, id, &pl, err, sizeof err) != 0) return;
    for (size_t i = 0; i < pl.n; i++) {
        const struct store_pod *p = &pl.items[i];
        for (int pass = 0; pass < 2; pass++) {
            for (size_t k = 0; k < p->ncontainers; k++) {
                const struct container_state *cs = &p->containers[k];
                if (!cs->name || cs->init != (pass == 0)) continue;
                if (cs->restarts > 0)
                    add_stream(lv, p->name, p->uid, cs->name, cs->init, true, false, !p->deleted);
                bool running = !p->deleted && cs->state && strcmp(cs->state, "running") == 0;
                add_stream(lv, p->name, p->uid, cs->name, cs->init, false, running, !p->deleted);
            }
        }
    }
    store_pod_list_free(&pl);
}

/* ---- drawing ---- */

struct cell {
    wchar_t wc;
    attr_t a;
    int w;
};

struct cells {
    struct cell *v;
    size_t n, cap;
};

static void cells_add_text(const struct console *c, struct cells *out, const char *s, size_t n, attr_t a)
{
    for (size_t i = 0; i < n;) {
        int w;
        wchar_t wc;
        i += cell_next(s + i, n - i, c->utf8, &wc, &w); /* the one decoder */
        if (w == 0 && out->n == 0) continue;   /* a combining mark needs a base */
        out->v = xgrow(out->v, &out->cap, out->n + 1, sizeof *out->v);
        out->v[out->n++] = (struct cell){wc, a, w};
    }
}

/* Sanitises raw[from, to) into cells. */
static void cells_add_raw(const struct console *c, struct cells *out, struct buf *tmp, const char *raw,
                          size_t n, attr_t a)
{
    buf_reset(tmp);
    sanitize_append(tmp, raw, n, SAN_STRIP_SGR);
    cells_add_text(c, out, tmp->p ? tmp->p : "", tmp->len, a);
}

/* One log line as cells: timestamp hidden unless asked, search matches
 * highlighted, the part beyond DISPLAY_MAX counted instead of shown. */
static void line_cells(struct logs *lv, const char *p, size_t len, attr_t base, attr_t hl,
                       struct cells *out, struct buf *tmp)
{
    const struct console *c = lv->c;
    out->n = 0;
    if (!lv->show_ts) {
        size_t tl = logdoc_ts_prefix(p, len);
        p += tl;
        len -= tl;
    }
    size_t shown = len > DISPLAY_MAX ? DISPLAY_MAX : len;
    size_t at = 0;
    if (lv->re) {
        size_t so, eo;
        while (at < shown && logre_find(lv->re, p, shown, at, &so, &eo)) {
            if (eo <= so) {          /* an empty match: step over it */
                if (so >= shown) break;
                cells_add_raw(c, out, tmp, p + at, so + 1 - at, base);
                at = so + 1;
                continue;
            }
            if (so > at) cells_add_raw(c, out, tmp, p + at, so - at, base);
            cells_add_raw(c, out, tmp, p + so, eo - so, hl);
            at = eo;
        }
    }
    if (at < shown) cells_add_raw(c, out, tmp, p + at, shown - at, base);
    if (shown < len) {
        char more[64];
        snprintf(more, sizeof more, " [+%zu bytes]", len - shown);
        cells_add_text(c, out, more, strlen(more), draw_attr(c, CP_DIM));
    }
}

/* Draws cells[from..] at (y, x) in w columns; returns the index after the
 * last cell drawn. */
static size_t draw_cells(const struct cells *cs, size_t from, int y, int x, int w, attr_t fill)
{
    move(y, x);
    int used = 0;
    size_t i = from;
    wchar_t run[256];
    int nrun = 0;
    attr_t ra = 0;
    for (; i < cs->n; i++) {
        const struct cell *cl = &cs->v[i];
        if (used + cl->w > w) break;
        if (nrun && (cl->a != ra || nrun == 255)) {
            attrset(ra);
            addnwstr(run, nrun);
            nrun = 0;
        }
        ra = cl->a;
        run[nrun++] = cl->wc;
        used += cl->w;
    }
    if (nrun) {
        attrset(ra);
        addnwstr(run, nrun);
    }
    attrset(fill);
    for (; used < w; used++) addch(' ');
    attrset(A_NORMAL);
    return i;
}

/* Index of the first cell at or after display column col. */
static size_t cell_at_col(const struct cells *cs, int col)
{
    int x = 0;
    size_t i = 0;
    while (i < cs->n && x + cs->v[i].w <= col) x += cs->v[i++].w;
    return i;
}

/* Rows a line takes when wrapped in w columns. */
static int wrapped_rows(const struct cells *cs, int w)
{
    int rows = 1, x = 0;
    for (size_t i = 0; i < cs->n; i++) {
        if (x + cs->v[i].w > w) {
            rows++;
            x = 0;
        }
        x += cs->v[i].w;
    }
    return rows;
}

static int digits(int64_t n)
{
    int d = 1;
    while (n >= 10) {
        n /= 10;
        d++;
    }
    return d;
}

static const char *src_label(unsigned src)
{
    if ((src & SRC_LIVE) && (src & SRC_CACHE)) return "live + from history";
    if (src & SRC_LIVE) return "live";
    if (src & SRC_CACHE) return "from history";
    if (src & SRC_FILE) return "file";
    return "loading";
}

static void draw_header(struct logs *lv, struct lstream *s, int y, int cols)
{
    struct console *c = lv->c;
    struct buf b = {0};
    /* the facts first, the (long) pod name last where a narrow screen cuts */
    char *pod = sanitize_str(s->pod, 0), *ctr = sanitize_str(s->container, 0);
    buf_printf(&b, " [%zu/%zu] %s", lv->cur + 1, lv->n, ctr);
    free(ctr);
    if (s->init) buf_puts(&b, " (init)");
    if (s->previous) buf_puts(&b, " (previous)");
    buf_printf(&b, " | %s", src_label(s->src));
    if (s->doc) {
        int64_t lines = logdoc_lines(s->doc);
        int64_t line = row_line(lv, s->cur);
        buf_printf(&b, " | line %lld/%lld", (long long)(line + 1), (long long)lines);
        if (!logdoc_indexed(s->doc)) {
            size_t size = logdoc_size(s->doc);
            buf_printf(&b, " (indexing %d%%)", size ? (int)(logdoc_indexed_bytes(s->doc) * 100 / size) : 100);
        }
    }
    if (s->running) buf_puts(&b, s->follow ? " | following" : " | streaming");
    if (lv->wrap) buf_puts(&b, " | wrap");
    if (lv->diffing) {
        char *bn = sanitize_str(lv->base_name, 0);
        buf_printf(&b, " | new vs %s: %zu lines", bn, lv->filter.n);
        free(bn);
    }
    if (!(s->src & SRC_FILE)) buf_printf(&b, " | pod %s", pod);
    free(pod);
    if (s->note) buf_printf(&b, " | %s", s->note);
    draw_text(c, y, 0, cols, b.p, draw_attr(c, CP_HEADER), false);
    buf_free(&b);

    struct primary p;
    buf_reset(&b);
    attr_t a = draw_attr(c, CP_FAILED);
    if (get_primary(lv, s, &p)) {
        char *cls = sanitize_str(p.cls, 0);
        buf_printf(&b, " %s", cls);
        free(cls);
        if (p.line >= 0) buf_printf(&b, "  line %lld", (long long)(p.line + 1));
        if (p.estimate) buf_puts(&b, " (tail estimate)");
        if (p.hint) {
            char *h = sanitize_str(p.hint, 0);
            buf_printf(&b, "  - %s", h);
            free(h);
        }
    } else if (s->find && !logfind_done(s->find) && s->doc && logdoc_size(s->doc)) {
        buf_puts(&b, " classifying...");
        a = draw_attr(c, CP_DIM);
    } else if (s->st == ST_READY) {
        buf_puts(&b, " no failure found in this log");
        a = draw_attr(c, CP_DIM);
    } else {
        a = draw_attr(c, CP_DIM);
    }
    draw_text(c, y + 1, 0, cols, b.p ? b.p : "", a, false);
    buf_free(&b);
}

static void draw_explain(struct logs *lv, struct lstream *s, int y, int rows, int cols)
{
    struct console *c = lv->c;
    struct buf b = {0};
    struct primary p;
    if (get_primary(lv, s, &p)) {
        buf_printf(&b, "primary %s", p.cls);
        if (p.rule) buf_printf(&b, " (rule %s)", p.rule);
        if (p.line >= 0) buf_printf(&b, " at line %lld", (long long)(p.line + 1));
        buf_puts(&b, lv->fail_cls && p.cls == lv->fail_cls ? ", as recorded for the run\n" : "\n");
    }
    if (base_for(lv, s))
        buf_printf(&b, "compared with the passing run %s: findings on lines it also printed are set aside\n",
                   lv->base_name);
    const char *ex = s->find ? logfind_explain(s->find) : "";
    buf_puts(&b, *ex ? ex : "the classifier has not ranked this log yet\n");
    char *clean = sanitize_str(b.p, SAN_KEEP_NEWLINE | SAN_STRIP_SGR);
    buf_free(&b);
    int64_t line = 0;
    int yy = y;
    const char *q = clean;
    while (*q && yy < y + rows) {
        const char *e = strchr(q, '\n');
        size_t l = e ? (size_t)(e - q) : strlen(q);
        if (line >= lv->explain_top) {
            char *one = xstrndup(q, l);
            draw_text(c, yy++, 0, cols, one, A_NORMAL, false);
            free(one);
        }
        line++;
        q += l + (e ? 1 : 0);
    }
    while (yy < y + rows) draw_clear(yy++, 0, cols, A_NORMAL);
    free(clean);
}

static void logs_draw(struct view *v, struct console *c, int top, int rows, int cols)
{
    struct logs *lv = v->priv;
    struct lstream *s = cur_stream(lv);
    int body_y = top + 2;
    lv->body_rows = rows - 3 > 1 ? rows - 3 : 1;
    lv->body_cols = cols;
    int last_y = top + rows - 1;
    if (!s) {
        draw_text(c, top, 0, cols, " this run has no pods or container logs known", draw_attr(c, CP_DIM), false);
        for (int y = top + 1; y < top + rows; y++) draw_clear(y, 0, cols, A_NORMAL);
        return;
    }
    draw_header(lv, s, top, cols);
    if (lv->explain) {
        draw_explain(lv, s, body_y, lv->body_rows, cols);
    } else if (!s->doc || (logdoc_lines(s->doc) == 0 && s->st != ST_READY) || s->st == ST_ERROR) {
        const char *what = s->st == ST_ERROR ? (s->error ? s->error : "error") : "loading...";
        draw_text(c, body_y, 1, cols - 1, what, s->st == ST_ERROR ? draw_attr(c, CP_ERROR) : draw_attr(c, CP_DIM), false);
        draw_clear(body_y, 0, 1, A_NORMAL);
        for (int y = body_y + 1; y < body_y + lv->body_rows; y++) draw_clear(y, 0, cols, A_NORMAL);
    } else {
        clamp(lv, s);
        int64_t total = logdoc_lines(s->doc);
        int nw = digits(total > 0 ? total : 1);
        if (nw < 4) nw = 4;
        int gutter = nw + 2;
        int tw = cols - gutter;
        if (tw < 1) tw = 1;
        struct primary p;
        bool hasp = get_primary(lv, s, &p);
        struct cells cs = {0};
        struct buf tmp = {0};
        attr_t hl = draw_attr(c, CP_HILITE) | A_REVERSE;
        int y = body_y;
        int64_t n = nrows(lv, s);
        /* in wrap mode, move top down until the cursor line fits */
        if (lv->wrap && s->cur >= s->top) {
            for (;;) {
                int used = 0;
                for (int64_t r = s->top; r <= s->cur && r < n; r++) {
                    const char *lp;
                    size_t ll;
                    if (logdoc_line(s->doc, row_line(lv, r), &lp, &ll, NULL) != 0) break;
                    line_cells(lv, lp, ll, 0, 0, &cs, &tmp);
                    used += wrapped_rows(&cs, tw);
                }
                if (used <= lv->body_rows || s->top >= s->cur) break;
                s->top++;
            }
        }
        for (int64_t r = s->top; r < n && y < body_y + lv->body_rows; r++) {
            int64_t line = row_line(lv, r);
            const char *lp;
            size_t ll;
            if (logdoc_line(s->doc, line, &lp, &ll, NULL) != 0) break;
            const struct logmark *m = s->find ? logfind_mark_at(s->find, line) : NULL;
            bool is_primary = hasp && p.line == line;
            bool is_cur = r == s->cur;
            attr_t base = A_NORMAL;
            if (is_primary) base = draw_attr(c, CP_FAILED);
            if (is_cur) base = draw_attr(c, CP_CURSOR);
            char gut[48];
            char mark = is_primary ? '>' : (m ? '*' : ' ');
            snprintf(gut, sizeof gut, "%*lld%c ", nw > 20 ? 20 : nw, (long long)(line + 1), mark);
            attr_t ga = is_primary || m ? draw_attr(c, CP_FAILED) : draw_attr(c, CP_DIM);
            draw_text(c, y, 0, gutter, gut, ga, false);
            line_cells(lv, lp, ll, base, hl, &cs, &tmp);
            if (lv->wrap) {
                size_t i = 0;
                do {
                    if (i > 0) draw_clear(y, 0, gutter, A_NORMAL);
                    i = draw_cells(&cs, i, y, gutter, tw, base);
                    y++;
                } while (i < cs.n && y < body_y + lv->body_rows);
            } else {
                size_t i = cell_at_col(&cs, s->hscroll);
                draw_cells(&cs, i, y, gutter, tw, base);
                y++;
            }
        }
        while (y < body_y + lv->body_rows) draw_clear(y++, 0, cols, A_NORMAL);
        free(cs.v);
        buf_free(&tmp);
    }
    if (lv->prompt.kind) {
        vprompt_draw(c, &lv->prompt, last_y, cols);
    } else {
        struct buf b = {0};
        if (lv->filtering) {
            char *pat = sanitize_str(lv->fpattern, 0);
            buf_printf(&b, " filter &%s (%zu lines) |", pat, lv->filter.n);
            free(pat);
        }
        if (lv->searching) buf_puts(&b, " searching...");
        else if (lv->pattern) {
            char *pat = sanitize_str(lv->pattern, 0);
            buf_printf(&b, " %c%s  n/N next/previous", lv->search_fwd ? '/' : '?', pat);
            free(pat);
        }
        if (!b.len) buf_puts(&b, " ]/[ findings  e explain  / b search  & filter  ! next failed  f follow  Tab container  ? help");
        draw_text(c, last_y, 0, cols, b.p, draw_attr(c, CP_DIM), false);
        buf_free(&b);
    }
}

static void logs_title(struct view *v, struct console *c, char *out, size_t outlen)
{
    struct logs *lv = v->priv;
    char *name = sanitize_str(lv->name ? lv->name : "log", 0);
    snprintf(out, outlen, "logs: %s", name);
    free(name);
}

static const char *logs_run_uid(struct view *v, const char **ctx)
{
    struct logs *lv = v->priv;
    *ctx = lv->ctx;
    return lv->uid;
}

/* ---- keys ---- */

static void switch_stream(struct logs *lv, size_t to)
{
    if (!lv->n) return;
    lv->cur = to % lv->n;
    lv->explain = false;
    if (lv->diffing && !base_for(lv, cur_stream(lv))) {
        lv->diffing = lv->filtering = false;
        console_say(lv->c, false, "the baseline is an agent-runner log: all lines");
    }
    if (lv->filtering) filter_restart(lv);
    lv->searching = false;
    stream_load(lv, cur_stream(lv));
}

static void start_search(struct logs *lv, bool forward, bool from_cursor_line)
{
    struct lstream *s = cur_stream(lv);
    if (!s || !s->doc || !lv->re) return;
    int64_t from = row_line(lv, s->cur);
    if (from_cursor_line && forward) from--;   /* a new pattern may match the cursor line */
    lv->search_fwd = forward;
    lv->search_from = from;
    logdoc_search_begin(s->doc, &lv->search, lv->re, from, forward);
    lv->searching = true;
}

static void set_pattern(struct logs *lv, const char *text, bool forward)
{
    char err[ERRLEN];
    struct logre *re = logre_compile(text, err, sizeof err);
    if (!re) {
        console_say(lv->c, true, "%s", err);
        return;
    }
    logre_free(lv->re);
    free(lv->pattern);
    lv->re = re;
    lv->pattern = xstrdup(text);
    start_search(lv, forward, true);
}

static void set_filter(struct logs *lv, const char *text)
{
    logfilter_free(&lv->filter);
    logre_free(lv->fre);
    free(lv->fpattern);
    lv->fre = NULL;
    lv->fpattern = NULL;
    struct lstream *s = cur_stream(lv);
    int64_t line = s && s->doc ? row_line(lv, s->cur) : 0;
    lv->filtering = lv->diffing = false;
    /* k9s's /!: "!RE" keeps the lines RE does not match */
    bool invert = text && text[0] == '!';
    if (text && *text && !(invert && !text[1])) {
        char err[ERRLEN];
        lv->fre = logre_compile(invert ? text + 1 : text, err, sizeof err);
        if (!lv->fre) {
            console_say(lv->c, true, "%s", err);
        } else {
            lv->fpattern = xstrdup(text);
            logfilter_init(&lv->filter, lv->fre);
            lv->filter.invert = invert;
            lv->filtering = true;
            /* a first slice now, the rest from work() */
            if (s && s->doc) logfilter_step(s->doc, &lv->filter, SEARCH_SLICE);
        }
    }
    if (s && s->doc && line >= 0) place(lv, s, line);
}

/* D: only the lines the baseline did not print (again: every line). */
static void toggle_diff(struct logs *lv)
{
    struct lstream *s = cur_stream(lv);
    int64_t line = s && s->doc ? row_line(lv, s->cur) : 0;
    if (lv->diffing) {
        lv->diffing = lv->filtering = false;
        logfilter_free(&lv->filter);
    } else if (!lv->base_name) {
        console_say(lv->c, true, "no passing run of this lane (or agent and repository) with a log to compare with");
        return;
    } else if (!lv->base_ready) {
        console_say(lv->c, false, "the passing run's log is still loading");
        return;
    } else if (!s || !base_for(lv, s)) {
        console_say(lv->c, true, "the baseline is an agent-runner log: Tab to it");
        return;
    } else {
        logre_free(lv->fre);
        free(lv->fpattern);
        lv->fre = NULL;
        lv->fpattern = NULL;
        lv->diffing = lv->filtering = true;
        filter_restart(lv);
        if (s->doc) logfilter_step(s->doc, &lv->filter, SEARCH_SLICE);
    }
    if (s && s->doc && line >= 0) place(lv, s, line);
}

static void write_log(struct logs *lv, const char *path)
{
    struct lstream *s = cur_stream(lv);
    if (!s || !s->doc) {
        console_say(lv->c, true, "no log loaded to write");
        return;
    }
    char err[ERRLEN];
    if (logdoc_write(s->doc, path, err, sizeof err) != 0) {
        char *e = sanitize_str(err, 0);
        console_say(lv->c, true, "%s", e);
        free(e);
        return;
    }
    char *p = sanitize_str(path, 0);
    console_say(lv->c, false, "wrote %zu bytes to %s (mode 0600)", logdoc_size(s->doc), p);
    free(p);
}

#define LOG_COPY_MAX 65536

static void copy_line(struct logs *lv)
{
    struct lstream *s = cur_stream(lv);
    if (!s || !s->doc) return;
    /* the line under the cursor (the view opens on the evidence line) */
    int64_t line = row_line(lv, s->cur);
    const char *lp;
    size_t ll;
    if (line < 0 || logdoc_line(s->doc, line, &lp, &ll, NULL) != 0) {
        console_say(lv->c, true, "the line is not loaded yet");
        return;
    }
    size_t tl = logdoc_ts_prefix(lp, ll);
    /* whole, up to what a terminal takes in one OSC 52 (a log line may be megabytes) */
    size_t n = ll - tl > LOG_COPY_MAX ? LOG_COPY_MAX : ll - tl;
    struct buf b = {0};
    /* sanitised: the clipboard gets printable text only */
    sanitize_append(&b, lp + tl, n, SAN_STRIP_SGR);
    console_osc52(lv->c, b.p ? b.p : "");
    console_say(lv->c, false, "copied line %lld (%zu bytes%s) to the clipboard", (long long)(line + 1), b.len,
                n < ll - tl ? ", the start of a longer line" : "");
    buf_free(&b);
}

static bool logs_raw_key(struct view *v, struct console *c, bool isfunc, int ch)
{
    struct logs *lv = v->priv;
    int kind = lv->prompt.kind;
    int rc = vprompt_key(&lv->prompt, isfunc, ch);
    if (rc == VP_CLOSED || rc == VP_PASS) return false;
    c->redraw = true;
    if (rc == VP_DONE) {
        char *text = vprompt_text(&lv->prompt);
        if (kind == '/' || kind == '?') {
            if (*text) set_pattern(lv, text, kind == '/');
            else if (lv->re) start_search(lv, kind == '/', false);
        } else if (kind == '&') {
            set_filter(lv, text);
        } else if (kind == 'w' && *text) {
            write_log(lv, text);
        }
        free(text);
    }
    return true;
}

static void moved(struct lstream *s)
{
    s->placed = true;
    s->follow = false;
}

static bool logs_key(struct view *v, struct console *c, enum req req, int ch)
{
    struct logs *lv = v->priv;
    struct lstream *s = cur_stream(lv);
    int body = lv->body_rows > 1 ? lv->body_rows : 1;
    if (lv->explain) {
        switch (req) {
        case REQ_DOWN: lv->explain_top++; return true;
        case REQ_UP: if (lv->explain_top > 0) lv->explain_top--; return true;
        case REQ_EXPLAIN: case REQ_BACK: lv->explain = false; return true;
        default: break;
        }
    }
    switch (req) {
    case REQ_TAB_NEXT: switch_stream(lv, lv->cur + 1); return true;
    case REQ_TAB_PREV: switch_stream(lv, lv->cur + lv->n - 1); return true;
    case REQ_WRAP:
        lv->wrap = !lv->wrap;
        if (s) s->hscroll = 0;
        return true;
    case REQ_TIMESTAMPS:
        lv->show_ts = !lv->show_ts;
        console_say(c, false, "timestamps %s", lv->show_ts ? "shown" : "hidden");
        return true;
    case REQ_SEARCH: vprompt_open(&lv->prompt, '/', "/", NULL); return true;
    case REQ_SEARCH_BACK: vprompt_open(&lv->prompt, '?', "?", NULL); return true;
    case REQ_LOG_FILTER: vprompt_open(&lv->prompt, '&', "& (filter; empty = off) ", lv->fpattern); return true;
    case REQ_WRITE: {
        if (!s) return true;
        char *def = xasprintf("%s_%s%s.log", s->pod, s->container, s->previous ? "_previous" : "");
        for (char *q = def; *q; q++)
            if (*q == '/' || (unsigned char)*q < 32) *q = '_';
        vprompt_open(&lv->prompt, 'w', "write log to: ", def);
        free(def);
        return true;
    }
    case REQ_EXPLAIN:
        lv->explain = true;
        lv->explain_top = 0;
        return true;
    case REQ_COPY: copy_line(lv); return true;
    case REQ_BASE_DIFF: toggle_diff(lv); return true;
    default: break;
    }
    if (!s || !s->doc) return req != REQ_BACK && req != REQ_QUIT && req != REQ_HELP && req != REQ_COMMAND;
    int64_t n = nrows(lv, s);
    switch (req) {
    case REQ_DOWN: moved(s); if (s->cur + 1 < n) s->cur++; break;
    case REQ_UP: moved(s); if (s->cur > 0) s->cur--; break;
    case REQ_PGDN: moved(s); s->cur += body; s->top += body; break;
    case REQ_PGUP: moved(s); s->cur -= body; s->top -= body; break;
    case REQ_TOP: moved(s); s->cur = 0; s->top = 0; break;
    case REQ_BOTTOM: moved(s); s->cur = n - 1; s->top = n - body; break;
    case REQ_LEFT: if (!lv->wrap) s->hscroll = s->hscroll > 8 ? s->hscroll - 8 : 0; break;
    case REQ_RIGHT: if (!lv->wrap) s->hscroll += 8; break;
    case REQ_FOLLOW:
        s->follow = !s->follow;
        s->placed = true;
        if (s->follow) {
            s->cur = n - 1;
            s->top = n - body;
        }
        console_say(c, false, s->follow ? "following the end of the log" : "follow off");
        break;
    case REQ_FIND_NEXT:
    case REQ_FIND_PREV: {
        moved(s);
        const struct logmark *m = s->find ? logfind_next(s->find, row_line(lv, s->cur), req == REQ_FIND_NEXT ? 1 : -1) : NULL;
        if (!m) {
            console_say(c, false, "no %s finding", req == REQ_FIND_NEXT ? "next" : "previous");
            break;
        }
        place(lv, s, m->line);
        char *cls = sanitize_str(m->f->class_id, 0);
        console_say(c, false, "line %lld: %s", (long long)(m->line + 1), cls);
        free(cls);
        break;
    }
    case REQ_SEARCH_NEXT:
    case REQ_SEARCH_PREV:
        moved(s);
        if (!lv->re) {
            console_say(c, true, "no search pattern yet (/ or b)");
            break;
        }
    {
        bool dir = lv->search_fwd;   /* N searches the other way but keeps the direction */
        start_search(lv, req == REQ_SEARCH_NEXT ? dir : !dir, false);
        lv->search_fwd = dir;
        break;
    }
    default: return false;
    }
    clamp(lv, s);
    return true;
}

/* ---- background work ---- */

static void maybe_place(struct logs *lv, struct lstream *s)
{
    if (s->placed || !s->doc) return;
    struct primary p;
    if (!get_primary(lv, s, &p) || p.line < 0) {
        if (s->find && logfind_done(s->find)) s->placed = true;   /* nothing to jump to */
        return;
    }
    if (p.line >= logdoc_lines(s->doc)) return;   /* not indexed that far yet */
    place(lv, s, p.line);
    s->placed = true;
}

static bool logs_work(struct view *v, struct console *c, int budget_ms)
{
    struct logs *lv = v->priv;
    struct lstream *s = cur_stream(lv);
    if (!s) return false;
    if (s->st == ST_IDLE) stream_load(lv, s);
    if (!s->doc) return false;
    int64_t start = time_mono_ms();
    bool more = false;
    int64_t before = logdoc_lines(s->doc);
    do {
        more = false;
        if (!logdoc_indexed(s->doc)) {
            more |= logdoc_index_step(s->doc, s->shown ? INDEX_SLICE : FIRST_SLICE);
            c->redraw = true;
        }
        if (!s->shown) {
            /* the first screen before anything else (rules, classifier);
             * a log that arrived whole before this step still gets its
             * follow below, or the view would stay on line 1 */
            s->shown = true;
            more = true;
            goto indexed;
        }
        if (!s->find) attach_find(lv, s);
        if (s->find) {
            /* the index first: until it is done only the tail-first pass runs */
            unsigned st = logfind_step(s->find, s->doc, logdoc_indexed(s->doc) ? FIND_SLICE : 0);
            if (st & LOGFIND_CHANGED) c->redraw = true;
            more |= (st & LOGFIND_MORE) != 0;
        }
        if (lv->filtering && logfilter_step(s->doc, &lv->filter, SEARCH_SLICE)) more = true;
        if (lv->searching) {
            int64_t hit;
            int rc = logdoc_search_step(s->doc, &lv->search, SEARCH_SLICE, &hit);
            if (rc == 1) {
                lv->searching = false;
                s->placed = true;
                s->follow = false;
                place(lv, s, hit);
                c->redraw = true;
            } else if (rc < 0 && logdoc_indexed(s->doc)) {
                lv->searching = false;
                char *pat = sanitize_str(lv->pattern, 0);
                console_say(c, true, "pattern not found: %s", pat);
                free(pat);
                c->redraw = true;
            } else if (rc == 0) {
                more = true;
            }
        }
        maybe_place(lv, s);
    } while (more && time_mono_ms() - start < budget_ms);
indexed:
    if (logdoc_lines(s->doc) != before) {
        c->redraw = true;
        if (s->follow) {
            int64_t n = nrows(lv, s);
            s->cur = n - 1;
            s->top = n - (lv->body_rows > 0 ? lv->body_rows : 1);
            clamp(lv, s);
        }
    }
    if (lv->searching) more = true;
    return more;
}

static void logs_destroy(struct view *v)
{
    struct logs *lv = v->priv;
    for (size_t i = 0; i < lv->n; i++) stream_free(&lv->s[i]);
    free(lv->s);
    logre_free(lv->re);
    logre_free(lv->fre);
    logsearch_free(&lv->search);
    logfilter_free(&lv->filter);
    logsrc_free(lv->base_src);
    classify_baseline_free(lv->base);
    free(lv->base_name);
    free(lv->pattern);
    free(lv->fpattern);
    free(lv->uid);
    free(lv->ctx);
    free(lv->ns);
    free(lv->name);
    free(lv->phase);
    free(lv->fail_cls);
    free(lv->fail_rule);
    free(lv->fail_hint);
    free(lv->fail_container);
    free(lv);
    free(v);
}

static const struct view_ops logs_ops = {
    .name = "logs",
    .kind = VK_LOGS,
    .draw = logs_draw,
    .key = logs_key,
    .title = logs_title,
    .run_uid = logs_run_uid,
    .destroy = logs_destroy,
    .raw_key = logs_raw_key,
    .work = logs_work,
};

static struct view *make_view(struct logs *lv)
{
    struct view *v = xcalloc(1, sizeof *v);
    v->ops = &logs_ops;
    v->priv = lv;
    return v;
}

/* Which stream to open first: the container the failure names (newest
 * pod first), else agent-runner, else the first. */
static size_t first_stream(struct logs *lv)
{
    const char *want = lv->fail_container ? lv->fail_container : "agent-runner";
    for (size_t i = lv->n; i-- > 0;)
        if (!lv->s[i].previous && strcmp(lv->s[i].container, want) == 0) return i;
    for (size_t i = lv->n; i-- > 0;)
        if (!lv->s[i].previous && !lv->s[i].init) return i;
    return 0;
}

struct view *logs_view_open(struct console *c, struct rs_run *r)
{
    if (!r) {
        console_say(c, true, "no run selected");
        return NULL;
    }
    struct logs *lv = xcalloc(1, sizeof *lv);
    lv->c = c;
    lv->uid = xstrdup(r->run.uid);
    lv->ctx = xstrdup(r->run.context);
    lv->ns = xstrdup(r->run.ns);
    lv->name = xstrdup(r->run.name);
    lv->phase = xstrdup(r->run.phase);
    lv->cache_id = r->cache_id;
    lv->fail_line = -1;
    if (r->links->fail.cls) {
        lv->fail_cls = xstrdup(r->links->fail.cls);
        lv->fail_rule = xstrdup(r->links->fail.rule);
        lv->fail_hint = xstrdup(r->links->fail.hint);
        lv->fail_container = xstrdup(r->links->fail.container);
        lv->fail_line = r->links->fail.line;
    }
    bool live = !r->deleted && c->src && source_kube_for(c->src, r->run.context);
    for (size_t i = 0; i < r->links->npods; i++) add_pod_streams(lv, &r->links->pods[i], live);
    add_cached_pods(lv, r->cache_id);
    if (!lv->n) {
        char *name = sanitize_str(r->run.name, 0);
        console_say(c, true, "no pods known for run %s (live or in the history cache)", name);
        free(name);
        logs_destroy(make_view(lv));
        return NULL;
    }
    bool failed = lv->phase && strcmp(lv->phase, "Failed") == 0;
    for (size_t i = 0; i < lv->n; i++)
        lv->s[i].outcome = failed && blamed(lv, &lv->s[i]) ? CLASSIFY_OUTCOME_FAILED : CLASSIFY_OUTCOME_UNKNOWN;
    lv->cur = first_stream(lv);
    lv->fail_stream = lv->cur;
    for (size_t i = 0; i < lv->n; i++)
        if (lv->s[i].running) {   /* a live log opens at its end, following */
            lv->s[i].follow = true;
            lv->s[i].placed = true;
        }
    base_open(lv, r);
    stream_load(lv, cur_stream(lv));
    return make_view(lv);
}

struct view *logs_view_file(struct console *c, const char *path, char *err, size_t errlen)
{
    struct logdoc *d = logdoc_open_file(path, err, errlen);
    if (!d) return NULL;
    struct logs *lv = xcalloc(1, sizeof *lv);
    lv->c = c;
    lv->name = xstrdup(path);
    lv->fail_line = -1;
    const char *slash = strrchr(path, '/');
    add_stream(lv, "file", NULL, slash ? slash + 1 : path, false, false, false, false);
    struct lstream *s = &lv->s[0];
    s->doc = d;
    s->src = SRC_FILE;
    s->st = ST_READY;
    s->outcome = CLASSIFY_OUTCOME_FAILED;
    return make_view(lv);
}
