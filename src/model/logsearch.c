/* logsearch — regex search and filtering over a logdoc (see logdoc.h).
 * Matching runs over big slices of the mapped bytes at once (multi-line
 * mode, so ^ and $ are line anchors) rather than line by line: one call
 * per slice keeps a search through 1 GiB near memory speed. */
#include "model/logdoc.h"
#include "util/err.h"
#include "util/xalloc.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#ifdef HAVE_PCRE2
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#else
#include <regex.h>
#endif

struct logre {
#ifdef HAVE_PCRE2
    pcre2_code *code;
    pcre2_match_data *md;
    pcre2_match_context *mc;
#else
    regex_t rx;
#endif
};

/* Smart case: an upper-case letter outside an escape makes it exact. */
static bool has_upper(const char *p)
{
    for (; *p; p++) {
        if (*p == '\\' && p[1]) {
            p++;
            continue;
        }
        if (isupper((unsigned char)*p)) return true;
    }
    return false;
}

struct logre *logre_compile(const char *pattern, char *err, size_t errlen)
{
    struct logre *re = xcalloc(1, sizeof *re);
    bool icase = !has_upper(pattern);
#ifdef HAVE_PCRE2
    int code;
    PCRE2_SIZE at;
    uint32_t opts = PCRE2_MULTILINE | (icase ? PCRE2_CASELESS : 0);
    re->code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, opts, &code, &at, NULL);
    if (!re->code) {
        PCRE2_UCHAR msg[160];
        pcre2_get_error_message(code, msg, sizeof msg);
        errf(err, errlen, "search pattern '%s': %s at offset %zu", pattern, (char *)msg, (size_t)at);
        free(re);
        return NULL;
    }
    pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE);   /* interpreter if JIT is unavailable */
    re->md = pcre2_match_data_create_from_pattern(re->code, NULL);
    re->mc = pcre2_match_context_create(NULL);
    pcre2_set_match_limit(re->mc, 10000000);  /* a pathological pattern fails, not hangs */
#else
    int rc = regcomp(&re->rx, pattern, REG_EXTENDED | REG_NEWLINE | (icase ? REG_ICASE : 0));
    if (rc != 0) {
        char msg[160];
        regerror(rc, &re->rx, msg, sizeof msg);
        errf(err, errlen, "search pattern '%s': %s", pattern, msg);
        free(re);
        return NULL;
    }
#endif
    return re;
}

bool logre_find(const struct logre *re, const char *s, size_t n, size_t start, size_t *so, size_t *eo)
{
    if (start > n) return false;
#ifdef HAVE_PCRE2
    int rc = pcre2_match(re->code, (PCRE2_SPTR)(s ? s : ""), n, start, 0, re->md, re->mc);
    if (rc < 0) return false;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(re->md);
    *so = ov[0];
    *eo = ov[1] < ov[0] ? ov[0] : ov[1];   /* \K can put the end first */
    return true;
#else
    regmatch_t m[1];
    m[0].rm_so = (regoff_t)start;
    m[0].rm_eo = (regoff_t)n;
    if (regexec(&re->rx, s ? s : "", 1, m, REG_STARTEND | (start ? REG_NOTBOL : 0)) != 0)
        return false;
    *so = (size_t)m[0].rm_so;
    *eo = (size_t)m[0].rm_eo;
    return true;
#endif
}

void logre_free(struct logre *re)
{
    if (!re) return;
#ifdef HAVE_PCRE2
    pcre2_match_data_free(re->md);
    pcre2_match_context_free(re->mc);
    pcre2_code_free(re->code);
#else
    regfree(&re->rx);
#endif
    free(re);
}

/* Whether the tail after the last '\n' counts as a line now. */
static bool tail_ok(struct logdoc *d)
{
    return logdoc_indexed(d);
}

static size_t line_off(struct logdoc *d, int64_t n)
{
    const char *p;
    size_t len, off;
    if (logdoc_line(d, n, &p, &len, &off) != 0) return logdoc_indexed_bytes(d);
    return off;
}

/* Reads the whole lines from pos on, about budget bytes of them (more for
 * a single longer line), into win: the bytes [pos, *end) of the document.
 * With tail, an unterminated last line up to limit counts. Reading, not
 * the mapping: see logdoc_read. */
static const char *window_fwd(struct logdoc *d, struct buf *win, size_t pos, size_t limit,
                              size_t budget, bool tail, size_t *end)
{
    size_t want = limit - pos < budget ? limit - pos : budget;
    buf_reset(win);
    for (;;) {
        buf_reserve(win, want - win->len);
        win->len += logdoc_read(d, pos + win->len, win->p + win->len, want - win->len);
        if (pos + win->len >= limit && tail) {
            *end = pos + win->len;
            return win->p;
        }
        const char *q = win->len ? memrchr(win->p, '\n', win->len) : NULL;
        if (q) {
            *end = pos + (size_t)(q - win->p) + 1;
            return win->p;
        }
        if (pos + win->len >= limit) {   /* only a growing tail: nothing yet */
            *end = pos;
            return win->p;
        }
        want = limit - pos - win->len < budget ? limit - pos : win->len + budget;
    }
}

void logdoc_search_begin(struct logdoc *d, struct logsearch *s, const struct logre *re,
                         int64_t from, bool forward)
{
    struct buf keep = s->win;
    memset(s, 0, sizeof *s);
    s->win = keep;
    s->re = re;
    s->forward = forward;
    if (forward) {
        s->pos = from < 0 ? 0 : line_off(d, from + 1);
    } else {
        int64_t lines = logdoc_lines(d);
        s->pos = from >= lines ? logdoc_indexed_bytes(d) : line_off(d, from < 0 ? 0 : from);
    }
}

void logsearch_free(struct logsearch *s)
{
    buf_free(&s->win);
}

static int search_forward(struct logdoc *d, struct logsearch *s, size_t budget, int64_t *hit)
{
    size_t limit = logdoc_indexed_bytes(d);
    if (s->pos >= limit) return -1;
    size_t end;
    const char *w = window_fwd(d, &s->win, s->pos, limit, budget, tail_ok(d), &end);
    if (end <= s->pos) return -1;
    size_t so, eo;
    if (logre_find(s->re, w, end - s->pos, 0, &so, &eo) && so < end - s->pos) {
        *hit = logdoc_line_at(d, s->pos + so);
        s->pos = line_off(d, *hit + 1);
        return 1;
    }
    s->pos = end;
    return s->pos >= limit ? -1 : 0;
}

static int search_backward(struct logdoc *d, struct logsearch *s, size_t budget, int64_t *hit)
{
    if (s->pos == 0) return -1;
    size_t start = s->pos > budget ? s->pos - budget : 0;
    if (start) start = line_off(d, logdoc_line_at(d, start));   /* back to a line start */
    struct buf *win = &s->win;
    buf_reset(win);
    buf_reserve(win, s->pos - start);
    win->len = logdoc_read(d, start, win->p, s->pos - start);
    size_t n = win->len, at = 0, so, eo;
    int64_t best = -1;
    while (at < n && logre_find(s->re, win->p, n, at, &so, &eo) && so < n) {
        best = logdoc_line_at(d, start + so);
        const char *q = memchr(win->p + so, '\n', n - so);
        if (!q) break;
        at = (size_t)(q - win->p) + 1;
    }
    if (best >= 0) {
        *hit = best;
        s->pos = line_off(d, best);
        return 1;
    }
    s->pos = start;
    return start == 0 ? -1 : 0;
}

int logdoc_search_step(struct logdoc *d, struct logsearch *s, size_t budget, int64_t *hit)
{
    if (s->done || !s->re || !logdoc_size(d)) return -1;
    if (budget < 4096) budget = 4096;
    int rc = s->forward ? search_forward(d, s, budget, hit) : search_backward(d, s, budget, hit);
    return rc;
}

void logfilter_init(struct logfilter *f, const struct logre *re)
{
    memset(f, 0, sizeof *f);
    f->re = re;
}

bool logfilter_step(struct logdoc *d, struct logfilter *f, size_t budget)
{
    size_t limit = logdoc_indexed_bytes(d);
    if (f->pos >= limit) return false;
    if (budget < 4096) budget = 4096;
    /* an unterminated tail of a growing document waits for its '\n' */
    size_t end;
    const char *w = window_fwd(d, &f->win, f->pos, limit, budget, tail_ok(d) && !logdoc_growing(d), &end);
    if (end <= f->pos) return false;
    size_t n = end - f->pos, at = 0, so, eo;
    /* invert: the lines between matches; a slice ends after a '\n', so
     * the next one starts on a line of its own */
    int64_t next = f->invert ? logdoc_line_at(d, f->pos) : 0;
    while (at < n && logre_find(f->re, w, n, at, &so, &eo) && so < n) {
        int64_t line = logdoc_line_at(d, f->pos + so);
        if (f->invert) {
            for (; next < line; next++) {
                f->lines = xgrow(f->lines, &f->cap, f->n + 1, sizeof *f->lines);
                f->lines[f->n++] = next;
            }
            if (next == line) next++;
        } else if (!f->n || f->lines[f->n - 1] != line) {
            f->lines = xgrow(f->lines, &f->cap, f->n + 1, sizeof *f->lines);
            f->lines[f->n++] = line;
        }
        const char *q = memchr(w + so, '\n', n - so);
        if (!q) {
            at = n;
            break;
        }
        at = (size_t)(q - w) + 1;
    }
    if (f->invert) {
        int64_t last = logdoc_line_at(d, end - 1);
        for (; next <= last; next++) {
            f->lines = xgrow(f->lines, &f->cap, f->n + 1, sizeof *f->lines);
            f->lines[f->n++] = next;
        }
    }
    f->pos = end;
    return f->pos < limit;
}

void logfilter_free(struct logfilter *f)
{
    free(f->lines);
    buf_free(&f->win);
    memset(f, 0, sizeof *f);
}
