/* logfind — classifier findings as line marks (see logfind.h). */
#include "model/logfind.h"
#include "util/xalloc.h"
#include <stdlib.h>
#include <string.h>

#define FEED_CHUNK ((size_t)1 << 20)

struct logfind {
    const struct classify_rules *rules;
    const struct classify_baseline *base; /* borrowed, NULL = none */
    char *chunk;                    /* FEED_CHUNK bytes read for the classifier */
    enum classify_outcome outcome;
    /* full pass */
    struct classify_ctx *full;
    struct classify_result *fres;   /* latest snapshot / final */
    size_t fed, snap_fed;
    bool done;
    /* tail-first pass */
    bool tail_tried;
    struct classify_result *tres;
    size_t tail_start;              /* byte offset of the tail's first line */
    int64_t tail_line;              /* its 0-based line, -1 until indexed */
    /* what is shown */
    struct logmark *marks;
    size_t nmarks, cap;
    const struct classify_finding *primary;
    int64_t primary_line;
    const char *explain;
    bool provisional;
};

struct logfind *logfind_new(const struct classify_rules *rules, enum classify_outcome outcome)
{
    struct logfind *f = xcalloc(1, sizeof *f);
    f->rules = rules;
    f->outcome = outcome;
    f->full = classify_new(rules, outcome);
    f->tail_line = -1;
    f->primary_line = -1;
    f->explain = "";
    return f;
}

void logfind_set_baseline(struct logfind *f, const struct classify_baseline *b)
{
    f->base = b;
    classify_set_baseline(f->full, b);
}

void logfind_free(struct logfind *f)
{
    if (!f) return;
    classify_free(f->full);
    classify_result_free(f->fres);
    classify_result_free(f->tres);
    free(f->marks);
    free(f->chunk);
    free(f);
}

static void add_mark(struct logfind *f, int64_t line, const struct classify_finding *fd)
{
    if (f->nmarks && f->marks[f->nmarks - 1].line == line) {
        struct logmark *m = &f->marks[f->nmarks - 1];
        if (fd->weight > m->f->weight) m->f = fd;
        return;
    }
    if (f->nmarks && f->marks[f->nmarks - 1].line > line) return;   /* keep line order */
    f->marks = xgrow(f->marks, &f->cap, f->nmarks + 1, sizeof *f->marks);
    f->marks[f->nmarks++] = (struct logmark){line, fd, false};
}

/* Adds r's log-line findings, shifted by base lines, below `limit`. */
static void add_result(struct logfind *f, const struct classify_result *r, int64_t base,
                       int64_t limit)
{
    for (size_t i = 0; i < r->nfindings; i++) {
        const struct classify_finding *fd = &r->findings[i];
        if (fd->line <= 0 || (fd->flags & CLASSIFY_F_SIGNAL)) continue;
        int64_t line = base + fd->line - 1;
        if (limit >= 0 && line >= limit) break;
        add_mark(f, line, fd);
    }
}

static void set_primary(struct logfind *f, const struct classify_result *r, int64_t base)
{
    f->explain = r->explain ? r->explain : "";
    if (!r->has_primary) return;
    f->primary = &r->primary;
    f->primary_line = r->primary.line > 0 ? base + r->primary.line - 1 : -1;
}

static void rebuild(struct logfind *f)
{
    f->nmarks = 0;
    f->primary = NULL;
    f->primary_line = -1;
    f->explain = "";
    f->provisional = !f->done && f->tres && f->tail_line >= 0;
    if (f->provisional) {
        if (f->fres) add_result(f, f->fres, 0, f->tail_line);
        add_result(f, f->tres, f->tail_line, -1);
        set_primary(f, f->tres, f->tail_line);
    } else if (f->fres) {
        add_result(f, f->fres, 0, -1);
        set_primary(f, f->fres, 0);
    }
    for (size_t i = 0; i < f->nmarks; i++)
        if (f->marks[i].line == f->primary_line) f->marks[i].primary = true;
}

static bool tail_pass(struct logfind *f, struct logdoc *d)
{
    size_t size = logdoc_size(d);
    f->tail_tried = true;
    if (logdoc_growing(d) || size <= LOGFIND_TAIL_FIRST) return false;
    const char *b = logdoc_bytes(d);
    size_t start = size - LOGFIND_TAIL;
    const char *q = memchr(b + start, '\n', size - start);
    if (!q) return false;
    start = (size_t)(q - b) + 1;
    struct classify_ctx *t = classify_new(f->rules, f->outcome);
    classify_set_baseline(t, f->base);
    classify_feed(t, b + start, size - start);
    f->tres = classify_finish(t);
    classify_free(t);
    f->tail_start = start;
    return true;
}

unsigned logfind_step(struct logfind *f, struct logdoc *d, size_t budget)
{
    bool changed = false;
    if (!f->tail_tried) tail_pass(f, d);
    if (f->tres && f->tail_line < 0 && !f->done && logdoc_indexed_bytes(d) > f->tail_start) {
        f->tail_line = logdoc_line_at(d, f->tail_start);
        changed = true;
    }
    size_t size = logdoc_size(d);
    if (f->fed < size && !f->done && budget) {
        size_t n = size - f->fed < budget ? size - f->fed : budget;
        if (!f->chunk) f->chunk = xmalloc(FEED_CHUNK);
        while (n) {
            size_t got = logdoc_read(d, f->fed, f->chunk, n < FEED_CHUNK ? n : FEED_CHUNK);
            if (!got) break;
            classify_feed(f->full, f->chunk, got);
            f->fed += got;
            n -= got;
        }
    }
    if (!f->done && f->fed == size && !logdoc_growing(d)) {
        classify_result_free(f->fres);
        f->fres = classify_finish(f->full);
        f->snap_fed = f->fed;
        f->done = true;
        changed = true;
    } else if (!f->done && f->fed > f->snap_fed &&
               (f->fed == size || f->fed - f->snap_fed >= ((size_t)64 << 20))) {
        /* growing documents re-rank as lines arrive; big ones now and then */
        classify_result_free(f->fres);
        f->fres = classify_snapshot(f->full);
        f->snap_fed = f->fed;
        changed = true;
    }
    if (changed) rebuild(f);
    unsigned st = changed ? LOGFIND_CHANGED : 0;
    if (!f->done && f->fed < size) st |= LOGFIND_MORE;
    if (f->tres && f->tail_line < 0 && !f->done) st |= LOGFIND_MORE;
    return st;
}

bool logfind_done(const struct logfind *f)
{
    return f->done;
}

const struct logmark *logfind_marks(const struct logfind *f, size_t *n)
{
    *n = f->nmarks;
    return f->marks;
}

const struct classify_finding *logfind_primary(const struct logfind *f, int64_t *line)
{
    if (line) *line = f->primary ? f->primary_line : -1;
    return f->primary;
}

/* First mark with line >= `line`. */
static size_t lower_bound(const struct logfind *f, int64_t line)
{
    size_t lo = 0, hi = f->nmarks;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (f->marks[mid].line < line) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

const struct logmark *logfind_mark_at(const struct logfind *f, int64_t line)
{
    size_t i = lower_bound(f, line);
    return i < f->nmarks && f->marks[i].line == line ? &f->marks[i] : NULL;
}

const struct logmark *logfind_next(const struct logfind *f, int64_t line, int dir)
{
    if (dir > 0) {
        size_t i = lower_bound(f, line + 1);
        return i < f->nmarks ? &f->marks[i] : NULL;
    }
    size_t i = lower_bound(f, line);
    return i > 0 ? &f->marks[i - 1] : NULL;
}

const char *logfind_explain(const struct logfind *f)
{
    return f->explain;
}

bool logfind_provisional(const struct logfind *f)
{
    return f->provisional;
}
