/* sync.c — full passes and watches from the cluster into the history
 * cache (see sync.h). Pods go first: their logs and digests vanish with
 * the Job TTL, long before the AgentRun does. */
#include "sync/sync.h"
#include "classify/classify.h"
#include "kube/client.h"
#include "kube/lines.h"
#include "model/agentrun.h"
#include "model/linkage.h"
#include "model/runbaseline.h"
#include "model/runsignals.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/jsonutil.h"
#include "util/ratelimit.h"
#include "util/timeutil.h"
#include "util/xalloc.h"
#include "util/sanitize.h"
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define RUN_LABEL "agents.proompteng.ai/agent-run"
#define DEFAULT_FETCH_BYTES (16LL << 20)
#define WATCH_RETRY_MS 1000

/* A log fetched in this process, with the time of each line (from the
 * API's timestamps=true prefixes) for first-cause times. */
struct fresh_log {
    char *pod, *container;
    int64_t *ts;
    size_t n;
};

struct watch {
    struct sync *y;
    bool pods;                 /* else runs */
    struct kube_request *req;
    struct kube_lines lines;
    char *rv;
    bool gone;                 /* 410: relist */
    bool ended;                /* restart needed */
    int64_t retry_at;
};

struct log_job {
    struct sync *y;
    char *ns, *pod, *pod_uid, *container, *run_name;
    bool previous;
    struct kube_request *req;
};

#define SYNC_BASES 16 /* passing logs' hash sets kept (one per lane in use) */

struct sync {
    struct store *s;
    struct kube_client *c;
    struct sync_opts o;
    char warn[ERRLEN];
    struct warn_limit wl;      /* identical progress warnings: printed once, then counted */
    struct sync_stats *st;
    struct sync_stats scratch;
    struct fresh_log *fresh;
    size_t nfresh, capfresh;
    struct log_job **jobs;     /* log fetches in flight (watch mode) */
    size_t njobs, capjobs;
    char **dirty;              /* "ns/name" of runs to classify again */
    size_t ndirty, capdirty;
    char *runs_rv, *pods_rv;
    struct watch wr, wp;
    bool store_failed;
    bool logs_stalled;      /* a log read of this pass timed out: skip the rest */
    char store_err[ERRLEN];
    /* baselines (model/runbaseline.h): the cached succeeded runs of one
     * classify pass, and the hash sets of the logs already read, by run
     * id, so a lane's failures read their passing log once */
    struct store_run_list passed;
    bool passed_loaded;
    struct sync_base {
        int64_t id;
        struct classify_baseline *b;
    } bases[SYNC_BASES];
    size_t nbases, nextbase;
};

void sync_opts_init(struct sync_opts *o)
{
    memset(o, 0, sizeof *o);
    o->context = "";
}

/* An identical warning within this long is counted, not printed again. */
#define SYNC_WARN_REPEAT_MS 10000

static void warnf(struct sync *y, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warnf(struct sync *y, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(y->warn, sizeof y->warn, fmt, ap);
    va_end(ap);
    y->st->errors++;
    unsigned long held = 0;
    if (y->o.progress && warn_limit_pass(&y->wl, y->warn, time_mono_ms(), &held)) {
        if (held) fprintf(y->o.progress, "sync: (the warning above repeated %lu more times)\n", held);
        char *s = sanitize_str(y->warn, 0); /* names and messages from the cluster */
        fprintf(y->o.progress, "sync: %s\n", s);
        free(s);
    }
}

/* A store failure is fatal for the pass/watch: remember the first one. */
static void store_failed(struct sync *y, const char *err)
{
    if (!y->store_failed) snprintf(y->store_err, sizeof y->store_err, "%s", err);
    y->store_failed = true;
}

struct sync *sync_new(struct store *s, struct kube_client *c, const struct sync_opts *o)
{
    struct sync *y = xcalloc(1, sizeof *y);
    y->s = s;
    y->c = c;
    if (o) y->o = *o;
    else sync_opts_init(&y->o);
    if (!y->o.context) y->o.context = "";
    if (y->o.log_fetch_bytes <= 0) y->o.log_fetch_bytes = DEFAULT_FETCH_BYTES;
    y->st = &y->scratch;
    warn_limit_init(&y->wl, SYNC_WARN_REPEAT_MS);
    return y;
}

static void fresh_clear(struct sync *y)
{
    for (size_t i = 0; i < y->nfresh; i++) {
        free(y->fresh[i].pod);
        free(y->fresh[i].container);
        free(y->fresh[i].ts);
    }
    y->nfresh = 0;
}

/* Watch mode keeps the line times of recent logs past the loop turn that
 * fetched them: a pod ends before the controller marks its run Failed, and
 * the run is classified (and its first cause timed) only then. Bounded by
 * count and by stamps held, oldest dropped first. */
#define FRESH_KEEP_LOGS 64
#define FRESH_KEEP_STAMPS ((size_t)1 << 20)

static void fresh_trim(struct sync *y)
{
    size_t total = 0, drop = 0;
    for (size_t i = y->nfresh; i-- > 0;) {
        total += y->fresh[i].n;
        if (y->nfresh - i > FRESH_KEEP_LOGS || total > FRESH_KEEP_STAMPS) {
            drop = i + 1;
            break;
        }
    }
    if (drop == 0) return;
    for (size_t i = 0; i < drop; i++) {
        free(y->fresh[i].pod);
        free(y->fresh[i].container);
        free(y->fresh[i].ts);
    }
    memmove(y->fresh, y->fresh + drop, (y->nfresh - drop) * sizeof *y->fresh);
    y->nfresh -= drop;
}

static void dirty_clear(struct sync *y)
{
    for (size_t i = 0; i < y->ndirty; i++) free(y->dirty[i]);
    y->ndirty = 0;
}

static void job_free(struct log_job *j)
{
    free(j->ns);
    free(j->pod);
    free(j->pod_uid);
    free(j->container);
    free(j->run_name);
    free(j);
}

static void watch_stop(struct watch *w)
{
    if (w->req) kube_request_cancel(w->req);
    w->req = NULL;
    kube_lines_free(&w->lines);
}

void sync_free(struct sync *y)
{
    if (!y) return;
    unsigned long held = warn_limit_flush(&y->wl);
    if (held && y->o.progress) fprintf(y->o.progress, "sync: (the warning above repeated %lu more times)\n", held);
    watch_stop(&y->wr);
    watch_stop(&y->wp);
    free(y->wr.rv);
    free(y->wp.rv);
    for (size_t i = 0; i < y->njobs; i++) {
        kube_request_cancel(y->jobs[i]->req);
        job_free(y->jobs[i]);
    }
    free(y->jobs);
    fresh_clear(y);
    free(y->fresh);
    dirty_clear(y);
    free(y->dirty);
    free(y->runs_rv);
    free(y->pods_rv);
    store_run_list_free(&y->passed);
    for (size_t i = 0; i < y->nbases; i++) classify_baseline_free(y->bases[i].b);
    free(y);
}

const char *sync_last_warning(const struct sync *y) { return y->warn[0] ? y->warn : NULL; }

void sync_wakeup(struct sync *y)
{
    if (y && y->c) kube_client_wakeup(y->c);
}

static void mark_dirty(struct sync *y, const char *ns, const char *name)
{
    if (!name) return;
    char *key = xasprintf("%s/%s", ns ? ns : "", name);
    for (size_t i = 0; i < y->ndirty; i++)
        if (strcmp(y->dirty[i], key) == 0) {
            free(key);
            return;
        }
    y->dirty = xgrow(y->dirty, &y->capdirty, y->ndirty + 1, sizeof *y->dirty);
    y->dirty[y->ndirty++] = key;
}

/* ---- logs ---------------------------------------------------------------- */

/* Splits "2026-02-25T09:14:29.123456789Z text" lines into the text and the
 * time of each line. Lines without a stamp get the previous line's. */
static void strip_stamps(const char *data, size_t len, struct buf *text, int64_t **ts, size_t *nts)
{
    size_t cap = 0, n = 0;
    int64_t *t = NULL, last = TIME_NONE;
    const char *p = data, *end = data + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        const char *sp = memchr(p, ' ', (size_t)(le - p));
        int64_t when;
        if (sp && sp - p >= 20 && sp - p < 40) {
            char stamp[40];
            memcpy(stamp, p, (size_t)(sp - p));
            stamp[sp - p] = 0;
            if (time_parse_rfc3339(stamp, &when) == 0) {
                last = when;
                p = sp + 1;
            }
        }
        buf_append(text, p, (size_t)(le - p));
        if (nl) buf_putc(text, '\n');
        t = xgrow(t, &cap, n + 1, sizeof *t);
        t[n++] = last;
        p = nl ? nl + 1 : end;
    }
    *ts = t;
    *nts = n;
}

static const struct fresh_log *fresh_find(const struct sync *y, const char *pod, const char *container)
{
    for (size_t i = y->nfresh; i-- > 0;)
        if (strcmp(y->fresh[i].pod, pod) == 0 && strcmp(y->fresh[i].container, container) == 0)
            return &y->fresh[i];
    return NULL;
}

/* A fetched log: stored, scanned for the PR, its run marked for
 * classification. `raw` carries the API's timestamp prefixes. */
static void took_log(struct sync *y, const char *ns, const char *pod, const char *pod_uid,
                     const char *container, bool previous, const char *run_name, const char *raw,
                     size_t len)
{
    struct buf text = {0};
    int64_t *ts = NULL;
    size_t nts = 0;
    strip_stamps(raw, len, &text, &ts, &nts);
    char err[ERRLEN];
    if (store_put_log(y->s, y->o.context, pod_uid, container, previous, text.p ? text.p : "",
                      text.len, time_now_ms(), err, sizeof err) < 0) {
        store_failed(y, err);
        buf_free(&text);
        free(ts);
        return;
    }
    y->st->logs++;
    if (!previous) {
        y->fresh = xgrow(y->fresh, &y->capfresh, y->nfresh + 1, sizeof *y->fresh);
        y->fresh[y->nfresh++] = (struct fresh_log){xstrdup(pod), xstrdup(container), ts, nts};
        ts = NULL;
    }
    free(ts);
    /* the PR the agent opened, from this log */
    struct store_run r;
    int got = run_name ? store_get_run(y->s, y->o.context, ns, run_name, &r, err, sizeof err) : 0;
    if (got < 0) store_failed(y, err);
    if (got > 0) {
        char *src = xasprintf("log:%s/%s", pod, container);
        struct pr_scan *sc = pr_scan_new(r.repository, src);
        pr_scan_feed(sc, text.p ? text.p : "", text.len);
        pr_scan_finish(sc);
        struct pr_link pr;
        if (pr_scan_result(sc, &pr)) {
            const struct fresh_log *f = previous ? NULL : fresh_find(y, pod, container);
            int64_t when = f && pr.line > 0 && (size_t)pr.line <= f->n ? f->ts[pr.line - 1] : TIME_NONE;
            if (store_put_pr(y->s, r.id, pr.url, pr.number, pr.repository, "log", when,
                             time_now_ms(), err, sizeof err) < 0)
                store_failed(y, err);
            else
                y->st->prs++;
            pr_link_free(&pr);
        }
        pr_scan_free(sc);
        free(src);
        mark_dirty(y, ns, run_name);
        store_run_free(&r);
    }
    buf_free(&text);
}

static bool container_wants_log(const struct container_state *c, bool previous)
{
    if (previous) return c->has_last;
    return c->state && strcmp(c->state, "terminated") == 0;
}

static void fill_log_req(struct sync *y, struct kube_req *q, const char *ns, const char *pod,
                         const char *container, bool previous)
{
    memset(q, 0, sizeof *q);
    q->verb = KUBE_LOGS;
    q->ns = ns;
    q->name = pod;
    q->container = container;
    q->previous = previous;
    q->timestamps = true;
    q->limit_bytes = y->o.log_fetch_bytes;
}

/* Blocking (full pass): fetch what the pod's terminated containers logged. */
static void fetch_pod_logs(struct sync *y, const struct pod *p)
{
    for (size_t i = 0; i < p->ncontainers; i++) {
        const struct container_state *c = &p->containers[i];
        for (int prev = 0; prev < 2; prev++) {
            if (!c->name || !container_wants_log(c, prev)) continue;
            if (store_has_log(y->s, y->o.context, p->uid, c->name, prev)) continue;
            if (y->logs_stalled) {
                y->st->errors++;
                continue;
            }
            struct kube_req q;
            fill_log_req(y, &q, p->ns, p->name, c->name, prev);
            char *body = NULL;
            size_t len = 0;
            struct kube_error e = {0};
            if (kube_logs(y->c, &q, &body, &len, &e) < 0) {
                /* a server that stalls on one log would stall on each: one wait per pass */
                y->logs_stalled = e.timed_out;
                warnf(y, "log of %s/%s container %s: %s%s", p->ns ? p->ns : "", p->name, c->name, e.msg,
                      e.timed_out ? "; the other logs are left for the next pass" : "");
                kube_error_clear(&e);
                continue;
            }
            kube_error_clear(&e);
            took_log(y, p->ns, p->name, p->uid, c->name, prev, p->run_name, body ? body : "", len);
            free(body);
        }
    }
}

static void log_job_done(void *ud, const struct kube_result *res)
{
    struct log_job *j = ud;
    struct sync *y = j->y;
    for (size_t i = 0; i < y->njobs; i++)
        if (y->jobs[i] == j) {
            y->jobs[i] = y->jobs[--y->njobs];
            break;
        }
    if (res->ok)
        took_log(y, j->ns, j->pod, j->pod_uid, j->container, j->previous, j->run_name,
                 res->body ? res->body : "", res->body_len);
    else
        warnf(y, "log of %s/%s container %s: %s", j->ns, j->pod, j->container,
              res->error ? res->error : "request failed");
    job_free(j);
}

/* Async (watch): start fetches for newly terminated containers. */
static void start_pod_logs(struct sync *y, const struct pod *p)
{
    for (size_t i = 0; i < p->ncontainers; i++) {
        const struct container_state *c = &p->containers[i];
        for (int prev = 0; prev < 2; prev++) {
            if (!c->name || !container_wants_log(c, prev)) continue;
            if (store_has_log(y->s, y->o.context, p->uid, c->name, prev)) continue;
            bool pending = false;
            for (size_t k = 0; k < y->njobs && !pending; k++)
                pending = strcmp(y->jobs[k]->pod_uid, p->uid) == 0 &&
                          strcmp(y->jobs[k]->container, c->name) == 0 && y->jobs[k]->previous == prev;
            if (pending) continue;
            struct log_job *j = xcalloc(1, sizeof *j);
            *j = (struct log_job){y, xstrdup(p->ns ? p->ns : ""), xstrdup(p->name), xstrdup(p->uid),
                                  xstrdup(c->name), xstrdup(p->run_name), prev, NULL};
            struct kube_req q;
            fill_log_req(y, &q, j->ns, j->pod, j->container, prev);
            q.on_done = log_job_done;
            q.ud = j;
            j->req = kube_request_start(y->c, &q);
            if (!j->req) {
                warnf(y, "log of %s/%s container %s: request not started", j->ns, j->pod, j->container);
                job_free(j);
                continue;
            }
            y->jobs = xgrow(y->jobs, &y->capjobs, y->njobs + 1, sizeof *y->jobs);
            y->jobs[y->njobs++] = j;
        }
    }
}

/* ---- classification ----------------------------------------------------------- */

static bool run_terminal(const char *phase)
{
    return phase && (strcmp(phase, "Failed") == 0 || strcmp(phase, "Succeeded") == 0 ||
                     strcmp(phase, "Cancelled") == 0);
}

static char *secondary_json(const struct classify_result *res, int64_t offset)
{
    if (!res->nsecondary) return NULL;
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < res->nsecondary; i++) {
        const struct classify_finding *f = &res->secondary[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "class", f->class_id ? f->class_id : "unknown");
        if (f->line > 0) cJSON_AddNumberToObject(o, "line", (double)(f->line + offset));
        else cJSON_AddNullToObject(o, "line");
        if (f->rule_id) cJSON_AddStringToObject(o, "rule", f->rule_id);
        else cJSON_AddNullToObject(o, "rule");
        if (f->text) cJSON_AddStringToObject(o, "text", f->text);
        else cJSON_AddNullToObject(o, "text");
        cJSON_AddItemToArray(arr, o);
    }
    char *s = cJSON_PrintUnformatted(arr);
    cJSON_Delete(arr);
    char *out = xstrdup(s);
    cJSON_free(s);
    return out;
}

/* A time printed at the start of the evidence line itself, if any. */
static int64_t leading_time(const char *text)
{
    if (!text) return TIME_NONE;
    while (*text == ' ' || *text == '[') text++;
    char stamp[40];
    size_t n = 0;
    while (text[n] && text[n] != ' ' && text[n] != ']' && n < sizeof stamp - 1) {
        stamp[n] = text[n];
        n++;
    }
    stamp[n] = 0;
    int64_t t;
    return n >= 20 && time_parse_rfc3339(stamp, &t) == 0 ? t : TIME_NONE;
}

/* The hash set of a cached run's log, read once per process (kept by
 * run id; when full, the oldest entry goes). NULL if unreadable/empty. */
static const struct classify_baseline *base_log(struct sync *y, int64_t id)
{
    for (size_t j = 0; j < y->nbases; j++)
        if (y->bases[j].id == id) return y->bases[j].b;
    char err[ERRLEN];
    struct store_log lg;
    struct classify_baseline *b = NULL;
    if (store_get_log(y->s, id, NULL, NULL, false, &lg, err, sizeof err) > 0) {
        b = classify_baseline_new();
        classify_baseline_feed(b, lg.data, lg.len);
        classify_baseline_finish(b);
        store_log_free(&lg);
    }
    size_t slot;
    if (y->nbases < SYNC_BASES) {
        slot = y->nbases++;
    } else {
        slot = y->nextbase++ % SYNC_BASES;
        classify_baseline_free(y->bases[slot].b);
    }
    y->bases[slot] = (struct sync_base){id, b};
    return b;
}

/* After a pass: new runs may succeed before the next one. */
static void baseline_pass_end(struct sync *y)
{
    store_run_list_free(&y->passed);
    y->passed_loaded = false;
}

/* The passing log a failed run is compared with (borrowed from y), or NULL. */
static const struct classify_baseline *baseline_of(struct sync *y, const struct agentrun *a)
{
    if (!y->passed_loaded) {
        char err[ERRLEN];
        struct store_query q;
        store_query_init(&q);
        q.context = y->o.context;
        q.phase = "Succeeded";
        q.include_deleted = true;
        if (store_list_runs(y->s, &q, &y->passed, err, sizeof err) < 0) memset(&y->passed, 0, sizeof y->passed);
        y->passed_loaded = true;
    }
    if (!y->passed.n) return NULL;
    struct run_baseline_cand me = run_baseline_cand_of(a);
    char err[ERRLEN];
    int64_t id;
    if (store_pick_baseline(y->s, &me, &y->passed, &id, NULL, err, sizeof err) <= 0) return NULL;
    return base_log(y, id);
}

static int classify_run(struct sync *y, const struct store_run *r, char *err, size_t errlen)
{
    if (!y->o.rules || !run_terminal(r->phase)) return 0;
    struct agentrun a;
    int got = store_get_agentrun(y->s, r->id, &a, err, errlen);
    if (got < 0) {
        warnf(y, "run %s/%s: %s", r->ns, r->name, err);
        return 0;
    }
    if (got == 0) return 0;
    enum classify_outcome oc = run_outcome(&a);
    struct classify_ctx *cx = classify_new(y->o.rules, oc);
    /* lines the passing run also printed are not the cause */
    if (oc == CLASSIFY_OUTCOME_FAILED) classify_set_baseline(cx, baseline_of(y, &a));
    struct store_log lg;
    int hl = store_get_log(y->s, r->id, NULL, NULL, false, &lg, err, errlen);
    if (hl < 0) {
        warnf(y, "run %s/%s: %s", r->ns, r->name, err);
        hl = 0;
    }
    if (hl > 0) classify_feed(cx, lg.data, lg.len);
    struct store_pod_list pods;
    if (store_run_pods(y->s, r->id, &pods, err, errlen) < 0) memset(&pods, 0, sizeof pods);
    /* the same status and pod facts list, show and the console join */
    struct pod *mp = xcalloc(pods.n ? pods.n : 1, sizeof *mp);
    for (size_t i = 0; i < pods.n; i++) store_pod_to_model(&pods.items[i], a.name, &mp[i]);
    run_signals_add(cx, &a, mp, pods.n);
    for (size_t i = 0; i < pods.n; i++) pod_free(&mp[i]);
    free(mp);
    struct store_pr_list prs;
    if (store_run_prs(y->s, r->id, &prs, err, errlen) < 0) memset(&prs, 0, sizeof prs);
    if (linkage_needs_pr(&a) && prs.n == 0)
        classify_add_finding(cx, CLASS_NO_PR, "no-pr", 30,
                             "the run succeeded but no pull request was found for its head branch",
                             NULL);
    struct classify_result *res = classify_finish(cx);
    struct store_class old;
    int had = store_get_classification(y->s, r->id, &old, err, errlen);
    if (had < 0) had = 0;

    struct store_class c = {0};
    c.version = (char *)classify_rules_version(y->o.rules);
    c.outcome = (char *)(oc == CLASSIFY_OUTCOME_FAILED ? "failed"
                         : oc == CLASSIFY_OUTCOME_SUCCEEDED ? "succeeded" : "unknown");
    c.line = -1;
    c.log_time = TIME_NONE;
    char *sec = NULL;
    if (res && res->has_primary) {
        const struct classify_finding *f = &res->primary;
        int64_t skipped = hl > 0 ? lg.skipped_lines : 0;
        c.cls = f->class_id;
        c.rule = f->rule_id;
        c.text = f->text;
        c.hint = f->hint;
        if (f->line > 0 && hl > 0) {
            c.line = f->line + skipped;
            c.pod = lg.pod;
            c.container = lg.container;
            const struct fresh_log *fl = fresh_find(y, lg.pod, lg.container);
            /* the fresh stamps are those of the whole log, before the cap cut its head */
            if (fl && (size_t)c.line <= fl->n) c.log_time = fl->ts[c.line - 1];
            else if (had > 0 && old.line == c.line && old.cls && c.cls && strcmp(old.cls, c.cls) == 0)
                c.log_time = old.log_time;
            if (c.log_time == TIME_NONE) c.log_time = leading_time(f->text);
        }
        sec = secondary_json(res, skipped);
        c.secondary = sec;
    }
    int rc = store_put_classification(y->s, r->id, &c, time_now_ms(), err, errlen);
    if (rc < 0) store_failed(y, err);
    else y->st->classified++;
    free(sec);
    if (had > 0) store_class_free(&old);
    classify_result_free(res);
    classify_free(cx);
    store_pr_list_free(&prs);
    store_pod_list_free(&pods);
    if (hl > 0) store_log_free(&lg);
    agentrun_free(&a);
    return rc;
}

/* One-shot passes: a run whose pod ended before its status did had its
 * log read by an earlier pass (another process), so the line times are
 * not at hand when it is first classified. While the pod still exists,
 * read the log's stamps again (the text is already cached and does not
 * change once the container ended), so its first cause keeps its time. */
static void restamp_pending(struct sync *y)
{
    if (!y->o.rules) return;
    char err[ERRLEN];
    for (size_t i = 0; i < y->ndirty && !y->logs_stalled; i++) {
        const char *slash = strchr(y->dirty[i], '/');
        char *ns = xstrndup(y->dirty[i], (size_t)(slash - y->dirty[i]));
        struct store_run r;
        struct store_class old;
        int got = store_get_run(y->s, y->o.context, ns, slash + 1, &r, err, sizeof err);
        free(ns);
        if (got <= 0) continue;
        /* only a terminal run's first verdict: later ones keep its time */
        int had = 1;
        if (run_terminal(r.phase) && !r.deleted) {
            had = store_get_classification(y->s, r.id, &old, err, sizeof err);
            if (had > 0) store_class_free(&old);
        }
        struct store_pod_list pl = {0};
        if (had == 0 && store_run_pods(y->s, r.id, &pl, err, sizeof err) < 0)
            memset(&pl, 0, sizeof pl);
        for (size_t k = 0; k < pl.n; k++) {
            const struct store_pod *p = &pl.items[k];
            if (p->deleted || !p->uid) continue;
            for (size_t c = 0; c < p->ncontainers; c++) {
                const struct store_container *sc = &p->containers[c];
                if (!sc->name || !sc->state || strcmp(sc->state, "terminated") != 0 ||
                    fresh_find(y, p->name, sc->name) ||
                    !store_has_log(y->s, y->o.context, p->uid, sc->name, false))
                    continue;
                struct kube_req q;
                fill_log_req(y, &q, p->ns ? p->ns : r.ns, p->name, sc->name, false);
                char *body = NULL;
                size_t len = 0;
                struct kube_error e = {0};
                if (kube_logs(y->c, &q, &body, &len, &e) == 0) {
                    struct buf text = {0};
                    int64_t *ts = NULL;
                    size_t nts = 0;
                    strip_stamps(body ? body : "", len, &text, &ts, &nts);
                    buf_free(&text);
                    y->fresh = xgrow(y->fresh, &y->capfresh, y->nfresh + 1, sizeof *y->fresh);
                    y->fresh[y->nfresh++] =
                        (struct fresh_log){xstrdup(p->name), xstrdup(sc->name), ts, nts};
                } else {
                    /* only the time of the cause is lost: no warning */
                    y->logs_stalled = e.timed_out;
                }
                kube_error_clear(&e);
                free(body);
            }
        }
        store_pod_list_free(&pl);
        store_run_free(&r);
    }
}

/* Terminal runs of the scope that have no verdict, an old rule set's, or
 * new evidence (a log fetched, a phase change) since. */
static int classify_pending(struct sync *y, char *err, size_t errlen)
{
    if (!y->o.rules) {
        dirty_clear(y);
        return 0;
    }
    int64_t *ids = NULL;
    size_t n = 0, cap;
    if (store_runs_to_classify(y->s, y->o.context, y->o.ns, classify_rules_version(y->o.rules),
                               &ids, &n, err, errlen) < 0)
        return -1;
    cap = n;
    for (size_t i = 0; i < y->ndirty; i++) {
        const char *slash = strchr(y->dirty[i], '/');
        char *ns = xstrndup(y->dirty[i], (size_t)(slash - y->dirty[i]));
        struct store_run r;
        if (store_get_run(y->s, y->o.context, ns, slash + 1, &r, err, errlen) > 0) {
            ids = xgrow(ids, &cap, n + 1, sizeof *ids);
            ids[n++] = r.id;
            store_run_free(&r);
        }
        free(ns);
    }
    dirty_clear(y);
    int rc = 0;
    if (store_begin(y->s, err, errlen) < 0) {
        free(ids);
        return -1;
    }
    for (size_t i = 0; i < n && rc == 0 && !y->store_failed; i++) {
        bool dup = false;
        for (size_t k = 0; k < i && !dup; k++) dup = ids[k] == ids[i];
        if (dup) continue;
        struct store_run r;
        if (store_get_run_by_id(y->s, ids[i], &r, err, errlen) > 0) {
            rc = classify_run(y, &r, err, errlen);
            store_run_free(&r);
        }
    }
    free(ids);
    baseline_pass_end(y);
    if (y->store_failed && rc == 0) rc = errf(err, errlen, "%s", y->store_err);
    if (rc < 0) {
        store_rollback(y->s);
        return -1;
    }
    return store_commit(y->s, err, errlen);
}

/* ---- objects -------------------------------------------------------------------- */

/* Stores one run object; a newly terminal run is marked for classification. */
static void took_run(struct sync *y, const cJSON *obj)
{
    struct agentrun r;
    char err[ERRLEN];
    if (agentrun_parse(obj, &r, err, sizeof err) < 0) {
        warnf(y, "an AgentRun was skipped: %s", err);
        return;
    }
    if (!r.uid || !*r.uid) {
        /* the cache keys runs by uid; an object without one is not a real run */
        warnf(y, "AgentRun %s/%s was skipped: it has no metadata.uid", r.ns ? r.ns : "", r.name);
        agentrun_free(&r);
        return;
    }
    r.context = xstrdup(y->o.context);
    if (store_put_run(y->s, &r, time_now_ms(), NULL, err, sizeof err) < 0) store_failed(y, err);
    else y->st->runs++;
    if (agentrun_is_terminal(&r)) mark_dirty(y, r.ns, r.name);
    agentrun_free(&r);
}

static bool took_pod(struct sync *y, const cJSON *obj, struct pod *out)
{
    char err[ERRLEN];
    if (pod_parse(obj, out, err, sizeof err) < 0) {
        warnf(y, "a pod was skipped: %s", err);
        return false;
    }
    if (!out->name || !*out->name || !out->uid || !*out->uid) {
        warnf(y, "a pod was skipped: it has no metadata.name or metadata.uid");
        pod_free(out);
        return false;
    }
    if (store_put_pod(y->s, y->o.context, out, time_now_ms(), err, sizeof err) < 0) {
        store_failed(y, err);
        pod_free(out);
        return false;
    }
    y->st->pods++;
    return true;
}

static int list_all(struct sync *y, const struct kube_resource *res, const char *selector,
                    cJSON **items, char **rv, char *err, size_t errlen)
{
    struct kube_list_opts lo = {.res = res, .ns = y->o.ns, .label_selector = selector};
    struct kube_error e = {0};
    int rc = kube_list_all(y->c, &lo, items, rv, &e);
    if (rc < 0) errf(err, errlen, "%s", e.msg);
    kube_error_clear(&e);
    return rc;
}

int sync_pass(struct sync *y, struct sync_stats *stats, char *err, size_t errlen)
{
    struct sync_stats local;
    memset(&local, 0, sizeof local);
    y->st = stats ? stats : &local;
    y->store_failed = false;
    y->logs_stalled = false;
    cJSON *runs = NULL, *pods = NULL;
    char *rv = NULL;
    int rc = -1;
    /* Pods first: they are the evidence that expires soonest. */
    if (list_all(y, &KUBE_PODS, RUN_LABEL, &pods, &rv, err, errlen) < 0) goto out;
    free(y->pods_rv);
    y->pods_rv = rv;
    rv = NULL;
    if (list_all(y, &KUBE_AGENTRUNS, NULL, &runs, &rv, err, errlen) < 0) goto out;
    free(y->runs_rv);
    y->runs_rv = rv;
    rv = NULL;

    /* runs, with lanes by provenance within the list */
    int n = cJSON_GetArraySize(runs);
    struct agentrun *ar = xcalloc((size_t)n + 1, sizeof *ar);
    const char **uids = xcalloc((size_t)n + 1, sizeof *uids);
    size_t nar = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, runs) {
        char perr[ERRLEN];
        if (agentrun_parse(it, &ar[nar], perr, sizeof perr) < 0) {
            warnf(y, "an AgentRun was skipped: %s", perr);
            continue;
        }
        ar[nar].context = xstrdup(y->o.context);
        nar++;
    }
    linkage_resolve_lanes(ar, nar);
    int64_t now = time_now_ms();
    size_t marked = 0;
    rc = store_begin(y->s, err, errlen);
    for (size_t i = 0; i < nar && rc == 0; i++) {
        if (!ar[i].uid) continue;
        uids[i] = ar[i].uid;
        rc = store_put_run(y->s, &ar[i], now, NULL, err, errlen);
        if (rc == 0) y->st->runs++;
        if (agentrun_is_terminal(&ar[i])) mark_dirty(y, ar[i].ns, ar[i].name);
    }
    if (rc == 0)
        rc = store_sweep_deleted(y->s, y->o.context, y->o.ns, uids, nar, now, &marked, err, errlen);
    if (rc == 0) rc = store_commit(y->s, err, errlen);
    else store_rollback(y->s);
    y->st->runs_deleted += marked;
    for (size_t i = 0; i < nar; i++) agentrun_free(&ar[i]);
    free(ar);
    free(uids);
    if (rc < 0) goto out;

    /* pods, then the logs of their terminated containers */
    n = cJSON_GetArraySize(pods);
    struct pod *pv = xcalloc((size_t)n + 1, sizeof *pv);
    const char **puids = xcalloc((size_t)n + 1, sizeof *puids);
    size_t np = 0;
    rc = store_begin(y->s, err, errlen);
    cJSON_ArrayForEach(it, pods) {
        if (rc < 0 || y->store_failed) break;
        if (took_pod(y, it, &pv[np])) {
            puids[np] = pv[np].uid;
            np++;
        }
    }
    if (rc == 0 && y->store_failed) rc = errf(err, errlen, "%s", y->store_err);
    marked = 0;
    if (rc == 0)
        rc = store_sweep_pods(y->s, y->o.context, y->o.ns, puids, np, time_now_ms(), &marked, err,
                              errlen);
    if (rc == 0) rc = store_commit(y->s, err, errlen);
    else store_rollback(y->s);
    y->st->pods_deleted += marked;
    for (size_t i = 0; i < np && rc == 0 && !y->store_failed; i++) fetch_pod_logs(y, &pv[i]);
    for (size_t i = 0; i < np; i++) pod_free(&pv[i]);
    free(pv);
    free(puids);
    if (rc == 0 && y->store_failed) rc = errf(err, errlen, "%s", y->store_err);
    if (rc == 0) restamp_pending(y);
    if (rc == 0) rc = classify_pending(y, err, errlen);
    fresh_clear(y);
out:
    free(rv);
    cJSON_Delete(runs);
    cJSON_Delete(pods);
    y->st = &y->scratch;
    return rc;
}

/* ---- watch ------------------------------------------------------------------- */

static int on_watch_line(void *ud, const char *line, size_t len, const struct kube_line_info *info)
{
    struct watch *w = ud;
    struct sync *y = w->y;
    if (info->overflow) {
        warnf(y, "a watch event larger than %zu bytes was skipped", (size_t)KUBE_MAX_WATCH_LINE);
        return 0;
    }
    struct kube_event ev;
    char err[ERRLEN];
    if (len == 0) return 0;
    if (kube_event_parse(line, len, &ev, err, sizeof err) < 0) {
        warnf(y, "watch of %s: %s", w->pods ? "pods" : "agentruns", err);
        return 0;
    }
    y->st->events++;
    if (ev.type == KUBE_EV_ERROR) {
        int64_t code = 0;
        json_int(ev.object, "code", &code);
        if (code == 410) w->gone = true;
        else warnf(y, "watch of %s: the server sent an error event (%lld)",
                   w->pods ? "pods" : "agentruns", (long long)code);
        cJSON_Delete(ev.root);
        return 1; /* stop this stream; the loop relists or restarts */
    }
    if (ev.rv) {
        free(w->rv);
        w->rv = xstrdup(ev.rv);
    }
    if (ev.type == KUBE_EV_BOOKMARK) {
        cJSON_Delete(ev.root);
        return 0;
    }
    int64_t now = time_now_ms();
    if (!w->pods) {
        if (ev.type == KUBE_EV_DELETED) {
            took_run(y, ev.object); /* the last state first */
            if (ev.uid && store_mark_run_deleted(y->s, y->o.context, ev.uid, now, err, sizeof err) < 0)
                store_failed(y, err);
            else
                y->st->runs_deleted++;
        } else {
            took_run(y, ev.object);
        }
    } else {
        struct pod p;
        if (took_pod(y, ev.object, &p)) {
            if (ev.type == KUBE_EV_DELETED) {
                if (store_mark_pod_deleted(y->s, y->o.context, p.uid, now, err, sizeof err) < 0)
                    store_failed(y, err);
                else
                    y->st->pods_deleted++;
            } else {
                start_pod_logs(y, &p);
            }
            pod_free(&p);
        }
    }
    cJSON_Delete(ev.root);
    return 0;
}

static int on_watch_data(void *ud, const char *data, size_t n)
{
    struct watch *w = ud;
    if (kube_lines_feed(&w->lines, data, n, on_watch_line, w) == 0) return 0;
    /* stopping cancels the request: no on_done will come */
    w->req = NULL;
    w->ended = true;
    w->retry_at = time_mono_ms() + WATCH_RETRY_MS;
    return 1;
}

static void on_watch_done(void *ud, const struct kube_result *res)
{
    struct watch *w = ud;
    w->req = NULL;
    if (res->http == 410) w->gone = true;
    else if (!res->ok) warnf(w->y, "watch of %s ended: %s", w->pods ? "pods" : "agentruns",
                             res->error ? res->error : "connection closed");
    w->ended = true;
    w->retry_at = time_mono_ms() + (res->ok ? 0 : WATCH_RETRY_MS);
}

static void watch_start(struct sync *y, struct watch *w)
{
    kube_lines_free(&w->lines);
    kube_lines_init(&w->lines, KUBE_MAX_WATCH_LINE);
    struct kube_req q = {0};
    q.verb = KUBE_WATCH;
    q.res = w->pods ? &KUBE_PODS : &KUBE_AGENTRUNS;
    q.ns = y->o.ns;
    q.label_selector = w->pods ? RUN_LABEL : NULL;
    q.resource_version = w->rv;
    q.allow_bookmarks = true;
    q.on_data = on_watch_data;
    q.on_done = on_watch_done;
    q.ud = w;
    w->ended = false;
    w->gone = false;
    w->req = kube_request_start(y->c, &q);
    if (!w->req) {
        w->ended = true;
        w->retry_at = time_mono_ms() + WATCH_RETRY_MS;
    }
}

int sync_watch(struct sync *y, volatile sig_atomic_t *stop, struct sync_stats *stats, char *err,
               size_t errlen)
{
    struct sync_stats local;
    memset(&local, 0, sizeof local);
    struct sync_stats *st = stats ? stats : &local;
    bool relist = true;
    int rc = 0;
    y->wr = (struct watch){.y = y, .pods = false};
    y->wp = (struct watch){.y = y, .pods = true};
    while (!*stop) {
        if (relist) {
            watch_stop(&y->wr);
            watch_stop(&y->wp);
            if (sync_pass(y, st, err, errlen) < 0) {
                /* the cluster may be briefly unreachable: keep trying,
                 * but a broken cache is fatal */
                if (y->store_failed) {
                    rc = -1;
                    break;
                }
                if (y->o.progress) fprintf(y->o.progress, "sync: %s; retrying\n", err);
                for (int i = 0; i < 50 && !*stop; i++) {
                    kube_client_wait(y->c, NULL, 0, 100);
                    kube_client_perform(y->c);
                }
                continue;
            }
            free(y->wr.rv);
            free(y->wp.rv);
            y->wr.rv = xstrdup(y->runs_rv);
            y->wp.rv = xstrdup(y->pods_rv);
            watch_start(y, &y->wp);
            watch_start(y, &y->wr);
            relist = false;
            if (y->o.progress) fprintf(y->o.progress, "sync: watching\n");
        }
        y->st = st;
        kube_client_wait(y->c, NULL, 0, 500);
        kube_client_perform(y->c);
        if (y->store_failed) {
            rc = errf(err, errlen, "%s", y->store_err);
            break;
        }
        if (y->ndirty && classify_pending(y, err, errlen) < 0) {
            rc = -1;
            break;
        }
        fresh_trim(y);
        int64_t mono = time_mono_ms();
        struct watch *ws[2] = {&y->wr, &y->wp};
        for (int i = 0; i < 2; i++) {
            struct watch *w = ws[i];
            if (w->gone) {
                relist = true;
            } else if (w->req && !w->ended) {
                continue;
            } else if (w->ended && mono >= w->retry_at) {
                watch_start(y, w);
            }
        }
    }
    watch_stop(&y->wr);
    watch_stop(&y->wp);
    y->st = &y->scratch;
    return rc;
}
