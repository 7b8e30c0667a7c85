/* logsrc — one container log, live then cached, resumed across drops
 * (logsrc.h). */
#include "runs/logsrc.h"
#include "kube/client.h"
#include "kube/watch.h"
#include "model/logdoc.h"
#include "store/store.h"
#include "util/err.h"
#include "util/timeutil.h"
#include "util/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct logsrc {
    struct logsrc_spec sp;      /* strings are ours */
    struct logjoin join;
    struct kube_request *req;
    struct kube_timer *timer;
    int failures;               /* consecutive attempts that delivered nothing */
    int resumes;
    bool live_lines;            /* a live line was delivered */
    bool join_tried;            /* join_cache: the first chunk was looked at */
    bool conn_lines;            /* ... on the current connection */
    bool done;
    bool timed_out;             /* the last live request was given up */
    char *note;
};

static void finish(struct logsrc *ls, bool ok, long http, enum logsrc_from from, const char *error)
{
    if (ls->done) return;
    ls->done = true;
    struct logsrc_end e = {.ok = ok, .error = ok ? NULL : error, .http = http, .timed_out = !ok && ls->timed_out,
                           .from = from, .note = ls->note};
    if (ls->sp.on_end) ls->sp.on_end(ls->sp.ud, &e);
}

static int deliver(struct logsrc *ls, struct logsrc_line *l)
{
    if (ls->sp.on_line(ls->sp.ud, l) == 0) return 0;
    ls->done = true; /* stopped by the reader: no end follows */
    return 1;
}

/* ---- the history cache ---- */

/* The leading RFC 3339 time of a line (bounded: lines are not NUL-ended). */
static int64_t own_time(const char *p, size_t len)
{
    char head[64];
    size_t n = len < sizeof head - 1 ? len : sizeof head - 1;
    memcpy(head, p, n);
    head[n] = 0;
    return time_leading_stamp(head);
}

size_t logsrc_tail_offset(const char *text, size_t len, int64_t n)
{
    if (n <= 0) return 0;
    size_t end = len;
    if (end && text[end - 1] == '\n') end--; /* the last line's own end */
    int64_t seen = 0;
    while (end > 0) {
        if (text[end - 1] == '\n' && ++seen == n) return end;
        end--;
    }
    return 0;
}

static int64_t since_of(const struct logsrc *ls)
{
    if (ls->sp.since_ms > 0) return ls->sp.since_ms;
    if (ls->sp.since_seconds > 0) return time_now_ms() - ls->sp.since_seconds * 1000;
    return TIME_NONE;
}

/* Delivers the cached log: 0 done (end called or stopped), -1 when the
 * cache has no copy (err set, nothing delivered). */
static int from_cache(struct logsrc *ls, char *err, size_t errlen)
{
    if (!ls->sp.store || !ls->sp.run_id) return errf(err, errlen, "the history cache has no copy");
    struct store_log lg;
    memset(&lg, 0, sizeof lg);
    int rc = store_get_log(ls->sp.store, ls->sp.run_id, ls->sp.pod, ls->sp.container, ls->sp.previous, &lg, err,
                           errlen);
    if (rc == 0 && !ls->sp.container)
        rc = store_get_log(ls->sp.store, ls->sp.run_id, ls->sp.pod, NULL, ls->sp.previous, &lg, err, errlen);
    if (rc != 1) {
        store_log_free(&lg);
        if (rc == 0) errf(err, errlen, "the history cache has no copy");
        return -1;
    }
    if (lg.skipped_lines > 0 && !ls->note)
        ls->note = xasprintf("the first %lld lines were cut by the history cache's cap", (long long)lg.skipped_lines);
    const char *t = lg.data ? lg.data : "";
    size_t len = lg.len;
    /* each line's time: its own, else the nearest timed line above (else below) */
    int64_t first = TIME_NONE;
    for (size_t at = 0; at < len && first == TIME_NONE;) {
        const char *nl = memchr(t + at, '\n', len - at);
        size_t e = nl ? (size_t)(nl - t) : len;
        first = own_time(t + at, e - at);
        at = e + 1;
    }
    int64_t since = since_of(ls);
    /* since first (by line time), then the last tail_lines of what is left */
    size_t from = 0;
    if (since != TIME_NONE && first != TIME_NONE) {
        int64_t cur = first;
        from = len;
        for (size_t at = 0; at < len;) {
            const char *nl = memchr(t + at, '\n', len - at);
            size_t e = nl ? (size_t)(nl - t) : len;
            int64_t own = own_time(t + at, e - at);
            if (own != TIME_NONE) cur = own;
            if (cur >= since) {
                from = at;
                break;
            }
            at = e + 1;
        }
    }
    if (ls->sp.tail_lines > 0) from += logsrc_tail_offset(t + from, len - from, ls->sp.tail_lines);
    int64_t cur = first;
    for (size_t at = 0; at < from;) { /* the time carried into the first line shown */
        const char *nl = memchr(t + at, '\n', from - at);
        size_t e = nl ? (size_t)(nl - t) : from;
        int64_t own = own_time(t + at, e - at);
        if (own != TIME_NONE) cur = own;
        at = e + 1;
    }
    int stopped = 0;
    for (size_t at = from; at < len && !stopped;) {
        const char *nl = memchr(t + at, '\n', len - at);
        size_t e = nl ? (size_t)(nl - t) : len;
        int64_t own = own_time(t + at, e - at);
        if (own != TIME_NONE) cur = own;
        struct logsrc_line l = {.text = t + at, .len = e - at, .time = cur, .from = LOGSRC_CACHE, .newline = nl != NULL};
        stopped = deliver(ls, &l);
        at = e + 1;
    }
    store_log_free(&lg);
    if (!stopped) finish(ls, true, 0, LOGSRC_CACHE, NULL);
    return 0;
}

/* ---- live ---- */

static void start_live(struct logsrc *ls);

static bool stamped(const struct logsrc *ls)
{
    return ls->sp.timestamps || ls->sp.follow;
}

static int live_line(void *ud, const char *line, size_t len, bool newline)
{
    struct logsrc *ls = ud;
    size_t tl = stamped(ls) ? logdoc_ts_prefix(line, len) : 0;
    struct logsrc_line l = {.text = line + tl, .len = len - tl, .time = TIME_NONE, .from = LOGSRC_LIVE,
                            .newline = newline};
    if (tl) {
        l.stamp = line;
        l.stamp_len = tl - 1;
        char s[48];
        size_t n = tl - 1 < sizeof s - 1 ? tl - 1 : sizeof s - 1;
        memcpy(s, line, n);
        s[n] = 0;
        int64_t ms;
        if (time_parse_rfc3339(s, &ms) == 0) l.time = ms;
    }
    ls->live_lines = ls->conn_lines = true;
    return deliver(ls, &l);
}

/* join_cache: the cache's head before the live text. A log repeats lines
 * (the same command, the same output), so the first live line alone does
 * not say where: each place it occurs in the cache is tried, and the first
 * where the rest of the cache agrees with the live lines at hand (stamps
 * stripped) is the join. None, or at the very start: nothing to add.
 * Nonzero: the reader stopped. */
static int join_cache_head(struct logsrc *ls, const char *data, size_t n)
{
    const char *nl = memchr(data, '\n', n);
    if (!nl || !ls->sp.store || !ls->sp.run_id) return 0;
    size_t tl = logdoc_ts_prefix(data, (size_t)(nl - data));
    size_t flen = (size_t)(nl - (data + tl));
    if (flen < 8) return 0; /* too common to locate */
    struct store_log l;
    memset(&l, 0, sizeof l);
    char err[ERRLEN];
    if (store_get_log(ls->sp.store, ls->sp.run_id, ls->sp.pod, ls->sp.container, ls->sp.previous, &l, err,
                      sizeof err) != 1) {
        store_log_free(&l);
        return 0;
    }
    /* the complete live lines of this chunk, without their stamps */
    struct buf live = {0};
    for (const char *p = data, *end = data + n; p < end;) {
        const char *e = memchr(p, '\n', (size_t)(end - p));
        if (!e) break;
        size_t t = logdoc_ts_prefix(p, (size_t)(e - p));
        buf_append(&live, p + t, (size_t)(e + 1 - (p + t)));
        p = e + 1;
    }
    const char *at = NULL;
    for (const char *from = l.data; live.len && from < l.data + l.len;) {
        const char *hit = memmem(from, (size_t)(l.data + l.len - from), live.p, flen + 1);
        if (!hit) break;
        size_t rest = (size_t)(l.data + l.len - hit);
        if ((hit == l.data || hit[-1] == '\n') && memcmp(hit, live.p, rest < live.len ? rest : live.len) == 0) {
            at = hit;
            break;
        }
        from = hit + 1;
    }
    int stopped = 0;
    for (const char *p = l.data; at && p < at && !stopped;) {
        const char *e = memchr(p, '\n', (size_t)(at - p));
        size_t len = e ? (size_t)(e - p) : (size_t)(at - p);
        struct logsrc_line ln = {.text = p, .len = len, .time = own_time(p, len), .from = LOGSRC_CACHE,
                                 .newline = true};
        stopped = deliver(ls, &ln);
        p += len + 1;
    }
    buf_free(&live);
    store_log_free(&l);
    return stopped;
}

static int live_data(void *ud, const char *data, size_t n)
{
    struct logsrc *ls = ud;
    ls->failures = 0; /* the connection works */
    if (ls->sp.join_cache && !ls->join_tried && !ls->live_lines) {
        ls->join_tried = true;
        if (join_cache_head(ls, data, n) != 0) {
            ls->req = NULL;
            return 1;
        }
    }
    if (logjoin_feed(&ls->join, data, n, live_line, ls) == 0) return 0;
    ls->req = NULL; /* cancelled by our nonzero return */
    return 1;
}

static void resume_fire(void *ud)
{
    struct logsrc *ls = ud;
    ls->timer = NULL;
    start_live(ls);
}

static void resume_later(struct logsrc *ls, const char *why)
{
    if (!ls->conn_lines) ls->failures++;
    int64_t d = kube_backoff_ms(ls->failures > 0 ? ls->failures : 1);
    ls->resumes++;
    if (ls->sp.on_resume) ls->sp.on_resume(ls->sp.ud, ls->resumes, d, why);
    ls->timer = kube_timer_start(ls->sp.kube, d, resume_fire, ls);
    if (!ls->timer) finish(ls, false, 0, LOGSRC_LIVE, why);
}

static bool permanent(long http)
{
    return http >= 400 && http < 500 && http != 408 && http != 429;
}

static void live_done(void *ud, const struct kube_result *res)
{
    struct logsrc *ls = ud;
    ls->req = NULL;
    ls->timed_out = res->timed_out;
    if (res->ok) {
        bool again = ls->sp.follow && ls->sp.still_running && ls->sp.still_running(ls->sp.ud);
        if (logjoin_end(&ls->join, !again, live_line, ls) != 0) return;
        if (again) {
            resume_later(ls, "the server ended the follow while the container runs");
            return;
        }
        finish(ls, true, res->http, LOGSRC_LIVE, NULL);
        return;
    }
    const char *why = res->error ? res->error : "the log stream failed";
    if (ls->live_lines) {
        /* broke after it had delivered: resume (a deleted pod ends the log) */
        if (logjoin_end(&ls->join, false, live_line, ls) != 0) return;
        if (res->http == 404) {
            finish(ls, true, res->http, LOGSRC_LIVE, NULL);
            return;
        }
        /* only a follow is resumed: a plain read keeps its time budget (the
         * CLI answers within 10 s) and reports the break, as kubectl's */
        if (!permanent(res->http) && ls->sp.follow) {
            resume_later(ls, why);
            return;
        }
        finish(ls, false, res->http, LOGSRC_LIVE, why);
        return;
    }
    if (permanent(res->http) || res->http == 0 || res->http >= 500 || res->http == 429) {
        /* nothing came: the pod may be gone (or its log unreadable) while
         * the cache has its copy; a follow keeps trying through transient
         * failures */
        if (!permanent(res->http) && ls->sp.follow) {
            resume_later(ls, why);
            return;
        }
        if (permanent(res->http) && ls->sp.cache_fallback) {
            char cerr[ERRLEN];
            char *note = xasprintf("not on the cluster any more: %s", why);
            free(ls->note);
            ls->note = note;
            if (from_cache(ls, cerr, sizeof cerr) == 0) return;
            free(ls->note);
            ls->note = NULL;
        }
    }
    finish(ls, false, res->http, 0, why);
}

static void start_live(struct logsrc *ls)
{
    ls->conn_lines = false;
    const char *resume = logjoin_reconnect(&ls->join);
    char since[40];
    struct kube_req rq;
    memset(&rq, 0, sizeof rq);
    rq.verb = KUBE_LOGS;
    rq.res = &KUBE_PODS;
    rq.ns = ls->sp.ns;
    rq.name = ls->sp.pod;
    rq.container = ls->sp.container;
    rq.previous = ls->sp.previous;
    rq.timestamps = stamped(ls);
    rq.follow = ls->sp.follow;
    if (resume) {
        rq.since_time = resume; /* the overlap is dropped by the stamps */
    } else {
        if (ls->sp.since_ms > 0) {
            time_format_rfc3339(ls->sp.since_ms, since, sizeof since);
            rq.since_time = since;
        } else {
            rq.since_seconds = ls->sp.since_seconds;
        }
        rq.tail_lines = ls->sp.tail_lines;
    }
    rq.limit_bytes = ls->sp.limit_bytes;
    rq.on_data = live_data;
    rq.on_done = live_done;
    rq.ud = ls;
    ls->req = kube_request_start(ls->sp.kube, &rq);
    if (!ls->req) finish(ls, false, 0, 0, "the log could not be requested");
}

struct logsrc *logsrc_start(const struct logsrc_spec *sp)
{
    struct logsrc *ls = xcalloc(1, sizeof *ls);
    ls->sp = *sp;
    ls->sp.ns = sp->ns ? xstrdup(sp->ns) : NULL;
    ls->sp.pod = sp->pod ? xstrdup(sp->pod) : NULL;
    ls->sp.container = sp->container ? xstrdup(sp->container) : NULL;
    logjoin_init(&ls->join);
    if (ls->sp.kube && ls->sp.pod) {
        start_live(ls);
        return ls;
    }
    char err[ERRLEN];
    if (from_cache(ls, err, sizeof err) != 0) {
        char *msg = xasprintf("no live pod has the log%s%s%s%s, and %s", ls->sp.container ? " of container " : "",
                              ls->sp.container ? ls->sp.container : "", ls->sp.pod ? " of pod " : "",
                              ls->sp.pod ? ls->sp.pod : "", err);
        finish(ls, false, 0, 0, msg);
        free(msg);
    }
    return ls;
}

bool logsrc_done(const struct logsrc *ls)
{
    return ls->done;
}

int logsrc_resumes(const struct logsrc *ls)
{
    return ls->resumes;
}

int64_t logsrc_duplicates(const struct logsrc *ls)
{
    return ls->join.dropped;
}

void logsrc_free(struct logsrc *ls)
{
    if (!ls) return;
    if (ls->req) kube_request_cancel(ls->req);
    if (ls->timer) kube_timer_cancel(ls->timer);
    logjoin_free(&ls->join);
    free((char *)ls->sp.ns);
    free((char *)ls->sp.pod);
    free((char *)ls->sp.container);
    free(ls->note);
    free(ls);
}

int logsrc_wait(struct kube_client *k, struct logsrc *const *srcs, size_t n, void (*turn)(void *ud), void *ud)
{
    for (;;) {
        bool all = true;
        for (size_t i = 0; i < n && all; i++) all = logsrc_done(srcs[i]);
        if (all || !k) return 0;
        if (kube_client_wait(k, NULL, 0, 1000) != 0) return -1;
        kube_client_perform(k);
        if (turn) turn(ud);
    }
}
