/* sync.c — full passes and watches from the cluster into the history
 * cache (see sync.h). Pods go first: their logs and digests vanish with
 * the Job TTL, long before the AgentRun does. */
#include "sync/sync.h"
#include "classify/classify.h"
#include "kube/client.h"
#include "feed/feed.h"
#include "model/agentrun.h"
#include "model/linkage.h"
#include "model/runbaseline.h"
#include "model/runsignals.h"
#include "runs/logsrc.h"
#include "runs/verdict.h"
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

#define DEFAULT_FETCH_BYTES (16LL << 20)

/* A log fetched in this process, with the time of each line (from the
 * API's timestamps=true prefixes) for first-cause times. */
struct fresh_log {
    char *pod, *container;
    int64_t *ts;
    size_t n;
};

/* One container log read through the one log source (runs/logsrc.h):
 * its text and each line's time are gathered; at its end the log is
 * stored (or, stamps_only, only its line times kept). */
struct log_job {
    struct sync *y;
    char *ns, *pod, *pod_uid, *container, *run_name;
    bool previous;
    bool stamps_only;          /* the text is cached already: only the times */
    struct logsrc *ls;
    struct buf text;           /* the log without the API's stamps */
    int64_t *ts;               /* per line: its stamp, else the line above's */
    size_t nts, capts;
    int64_t last;
    bool done;                 /* ended (stored, or failed and warned) */
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
    struct log_job **jobs;     /* log fetches in flight (watch mode); freed once done */
    size_t njobs, capjobs;
    char **dirty;              /* "ns/name" of runs to classify again */
    size_t ndirty, capdirty;
    /* runs of the scope without a current verdict, found once per list
     * frame (sweep): classified after the dirty ones, within a time budget
     * per turn while following, so a backlog of thousands never holds up
     * the loop that fetches logs before their pods go */
    int64_t *backlog;
    size_t nbacklog, capbacklog, backlog_at;
    bool sweep;
    /* the record sink: what the current list frame of each kind brought */
    struct feed *feed;
    bool watching;             /* sync_watch (logs fetched as the loop runs) */
    struct agentrun *frun;     /* runs of the open frame */
    size_t nfrun, capfrun;
    struct pod *fpod;          /* pods of the open frame, then pods whose logs are due */
    size_t nfpod, capfpod;
    bool pods_listed;          /* a pod frame ended: stored once runs are */
    bool runs_listed;          /* a run frame ended and was stored */
    struct pod *due;           /* pods stored by a pass whose logs are fetched after the loop */
    size_t ndue, capdue;
    bool list_failed;
    char list_err[ERRLEN];
    enum kube_conn conn;       /* the feed's state last reported */
    bool store_failed;
    bool logs_stalled;      /* a log read of this pass timed out: skip the rest */
    char store_err[ERRLEN];
    /* baselines (model/runbaseline.h): the hash sets of the passing logs
     * already read, by run id, so a lane's failures read their passing log
     * once; with the run's name and uid for the verdict */
    struct sync_base {
        int64_t id;
        struct classify_baseline *b;
        char *name, *uid;
    } bases[SYNC_BASES];
    size_t nbases, nextbase;
    int64_t last_answer;    /* wall clock: the cluster last sent data or went live */
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
    logsrc_free(j->ls); /* cancels a read under way: no callback after it */
    buf_free(&j->text);
    free(j->ts);
    free(j->ns);
    free(j->pod);
    free(j->pod_uid);
    free(j->container);
    free(j->run_name);
    free(j);
}

static void frames_clear(struct sync *y)
{
    for (size_t i = 0; i < y->nfrun; i++) agentrun_free(&y->frun[i]);
    y->nfrun = 0;
    for (size_t i = 0; i < y->nfpod; i++) pod_free(&y->fpod[i]);
    y->nfpod = 0;
    for (size_t i = 0; i < y->ndue; i++) pod_free(&y->due[i]);
    y->ndue = 0;
}

void sync_free(struct sync *y)
{
    if (!y) return;
    unsigned long held = warn_limit_flush(&y->wl);
    if (held && y->o.progress) fprintf(y->o.progress, "sync: (the warning above repeated %lu more times)\n", held);
    feed_stop(y->feed);
    frames_clear(y);
    free(y->frun);
    free(y->fpod);
    free(y->due);
    for (size_t i = 0; i < y->njobs; i++) job_free(y->jobs[i]);
    free(y->jobs);
    fresh_clear(y);
    free(y->fresh);
    dirty_clear(y);
    free(y->dirty);
    free(y->backlog);
    for (size_t i = 0; i < y->nbases; i++) {
        classify_baseline_free(y->bases[i].b);
        free(y->bases[i].name);
        free(y->bases[i].uid);
    }
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

static const struct fresh_log *fresh_find(const struct sync *y, const char *pod, const char *container)
{
    for (size_t i = y->nfresh; i-- > 0;)
        if (strcmp(y->fresh[i].pod, pod) == 0 && strcmp(y->fresh[i].container, container) == 0)
            return &y->fresh[i];
    return NULL;
}

/* A fetched log (j's text and line times, taken): stored, scanned for the
 * PR, its run marked for classification. */
static void took_log(struct sync *y, struct log_job *j)
{
    const char *ns = j->ns, *pod = j->pod, *pod_uid = j->pod_uid, *container = j->container,
               *run_name = j->run_name;
    bool previous = j->previous;
    struct buf text = j->text;
    int64_t *ts = j->ts;
    size_t nts = j->nts;
    memset(&j->text, 0, sizeof j->text);
    j->ts = NULL;
    j->nts = j->capts = 0;
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

static int job_line(void *ud, const struct logsrc_line *l)
{
    struct log_job *j = ud;
    if (!j->stamps_only) {
        buf_append(&j->text, l->text, l->len);
        if (l->newline) buf_putc(&j->text, '\n');
    }
    if (l->time != TIME_NONE) j->last = l->time; /* a line without a stamp: the one above's */
    j->ts = xgrow(j->ts, &j->capts, j->nts + 1, sizeof *j->ts);
    j->ts[j->nts++] = j->last;
    return 0;
}

static void job_end(void *ud, const struct logsrc_end *e)
{
    struct log_job *j = ud;
    struct sync *y = j->y;
    j->done = true;
    if (e->ok && j->stamps_only) {
        y->fresh = xgrow(y->fresh, &y->capfresh, y->nfresh + 1, sizeof *y->fresh);
        y->fresh[y->nfresh++] = (struct fresh_log){xstrdup(j->pod), xstrdup(j->container), j->ts, j->nts};
        j->ts = NULL;
        j->nts = j->capts = 0;
        return;
    }
    if (e->ok) {
        took_log(y, j);
        return;
    }
    /* a server that stalls on one log would stall on each: one wait per
     * pass (or per turn, for the reads a turn waits for) */
    if (!y->watching || j->stamps_only) y->logs_stalled = e->timed_out;
    if (j->stamps_only) return; /* only the time of the cause is lost: no warning */
    warnf(y, "log of %s/%s container %s: %s%s", j->ns, j->pod, j->container,
          e->error ? e->error : "request failed",
          !y->watching && e->timed_out ? "; the other logs are left for the next pass" : "");
}

/* Starts reading one container log (the end may come before this returns). */
static struct log_job *job_start(struct sync *y, const char *ns, const char *pod, const char *pod_uid,
                                 const char *container, const char *run_name, bool previous, bool stamps_only)
{
    struct log_job *j = xcalloc(1, sizeof *j);
    *j = (struct log_job){.y = y, .ns = xstrdup(ns ? ns : ""), .pod = xstrdup(pod), .pod_uid = xstrdup(pod_uid),
                          .container = xstrdup(container), .run_name = xstrdup(run_name), .previous = previous,
                          .stamps_only = stamps_only, .last = TIME_NONE};
    /* live only: the cache is what this fills; the stamps time each line */
    struct logsrc_spec sp = {.kube = y->c, .ns = j->ns, .pod = j->pod, .container = j->container,
                             .previous = previous, .timestamps = true, .limit_bytes = y->o.log_fetch_bytes,
                             .on_line = job_line, .on_end = job_end, .ud = j};
    j->ls = logsrc_start(&sp);
    return j;
}

/* Blocking: one log read to its end, on the client's loop. */
static void job_run(struct sync *y, struct log_job *j)
{
    struct logsrc *ls = j->ls;
    logsrc_wait(y->c, &ls, 1, NULL, NULL);
    job_free(j);
}

/* Frees the jobs that ended (not from inside their own callbacks). */
static void jobs_reap(struct sync *y)
{
    for (size_t i = 0; i < y->njobs;) {
        if (!y->jobs[i]->done) {
            i++;
            continue;
        }
        job_free(y->jobs[i]);
        y->jobs[i] = y->jobs[--y->njobs];
    }
}

static bool container_wants_log(const struct container_state *c, bool previous)
{
    if (previous) return c->has_last;
    return c->state && strcmp(c->state, "terminated") == 0;
}

/* The logs of the pod's terminated containers the cache does not hold yet
 * and no read under way is fetching: started (watch), or read one by one
 * (full pass; a read that timed out leaves the rest for the next pass). */
static void pod_logs(struct sync *y, const struct pod *p, bool wait)
{
    for (size_t i = 0; i < p->ncontainers; i++) {
        const struct container_state *c = &p->containers[i];
        for (int prev = 0; prev < 2; prev++) {
            if (!c->name || !container_wants_log(c, prev)) continue;
            if (store_has_log(y->s, y->o.context, p->uid, c->name, prev)) continue;
            bool pending = false;
            for (size_t k = 0; k < y->njobs && !pending; k++)
                pending = !y->jobs[k]->done && strcmp(y->jobs[k]->pod_uid, p->uid) == 0 &&
                          strcmp(y->jobs[k]->container, c->name) == 0 && y->jobs[k]->previous == prev;
            if (pending) continue;
            if (wait && y->logs_stalled) {
                y->st->errors++;
                continue;
            }
            struct log_job *j = job_start(y, p->ns, p->name, p->uid, c->name, p->run_name, prev, false);
            if (wait) {
                job_run(y, j);
                continue;
            }
            y->jobs = xgrow(y->jobs, &y->capjobs, y->njobs + 1, sizeof *y->jobs);
            y->jobs[y->njobs++] = j;
        }
    }
}

/* Blocking (full pass): fetch what the pod's terminated containers logged. */
static void fetch_pod_logs(struct sync *y, const struct pod *p)
{
    pod_logs(y, p, true);
}

/* Async (watch): start fetches for newly terminated containers. */
static void start_pod_logs(struct sync *y, const struct pod *p)
{
    pod_logs(y, p, false);
}

/* ---- classification ----------------------------------------------------------- */

static bool run_terminal(const char *phase)
{
    return phase && (strcmp(phase, "Failed") == 0 || strcmp(phase, "Succeeded") == 0 ||
                     strcmp(phase, "Cancelled") == 0);
}

/* The hash set of a cached run's log, read once per process (kept by
 * run id; when full, the oldest entry goes), with the run's name and uid.
 * NULL if the log is unreadable or empty. */
static const struct sync_base *base_log(struct sync *y, int64_t id)
{
    for (size_t j = 0; j < y->nbases; j++)
        if (y->bases[j].id == id) return &y->bases[j];
    char err[ERRLEN];
    struct store_log lg;
    struct store_run r;
    struct classify_baseline *b = NULL;
    if (store_get_run_by_id(y->s, id, &r, err, sizeof err) <= 0) return NULL;
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
        free(y->bases[slot].name);
        free(y->bases[slot].uid);
    }
    y->bases[slot] = (struct sync_base){id, b, r.name, r.uid};
    r.name = r.uid = NULL;
    store_run_free(&r);
    return &y->bases[slot];
}

/* The passing run a failed run is compared with (borrowed from y), or
 * NULL. The store looks for it through its indexes: a relist of
 * thousands of failed runs must not scan every succeeded run for each. */
static const struct sync_base *baseline_of(struct sync *y, const struct agentrun *a)
{
    struct run_baseline_cand me = run_baseline_cand_of(a);
    char err[ERRLEN];
    int64_t id;
    if (store_pick_baseline(y->s, &me, NULL, &id, NULL, err, sizeof err) <= 0) return NULL;
    const struct sync_base *b = base_log(y, id);
    return b && b->b ? b : NULL;
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
    const struct sync_base *base = oc == CLASSIFY_OUTCOME_FAILED ? baseline_of(y, &a) : NULL;
    if (base) classify_set_baseline(cx, base->b);
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

    int64_t skipped = hl > 0 ? lg.skipped_lines : 0, log_time = TIME_NONE;
    const char *pod = NULL, *container = NULL;
    if (res && res->has_primary) {
        const struct classify_finding *f = &res->primary;
        if (f->line > 0 && hl > 0) {
            int64_t line = f->line + skipped;
            pod = lg.pod;
            container = lg.container;
            const struct fresh_log *fl = fresh_find(y, lg.pod, lg.container);
            /* the fresh stamps are those of the whole log, before the cap cut its head */
            if (fl && (size_t)line <= fl->n) log_time = fl->ts[line - 1];
            else if (had > 0 && old.line == line && old.cls && f->class_id && strcmp(old.cls, f->class_id) == 0)
                log_time = old.log_time;
        }
    }
    int rc = verdict_put(y->s, r->id, y->o.rules, oc, res, hl > 0 ? skipped : -1, pod, container, log_time,
                         base ? base->name : NULL, base ? base->uid : NULL, time_now_ms(), err, errlen);
    if (rc < 0) store_failed(y, err);
    else y->st->classified++;
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
                const struct container_state *sc = &p->containers[c];
                if (!sc->name || !sc->state || strcmp(sc->state, "terminated") != 0 ||
                    fresh_find(y, p->name, sc->name) ||
                    !store_has_log(y->s, y->o.context, p->uid, sc->name, false))
                    continue;
                job_run(y, job_start(y, p->ns ? p->ns : r.ns, p->name, p->uid, sc->name, NULL, false, true));
            }
        }
        store_pod_list_free(&pl);
        store_run_free(&r);
    }
}

/* Classification work of one turn while following: the runs an event
 * changed always; the backlog only this long. */
#define BACKLOG_BUDGET_MS 40

/* Terminal runs of the scope that have no verdict, an old rule set's, or
 * new evidence (a log fetched, a phase change) since: the dirty ones
 * first, then the backlog the sweep found (all of it in a pass; a slice
 * per turn while following). One transaction. */
static int classify_pending(struct sync *y, char *err, size_t errlen)
{
    if (!y->o.rules) {
        dirty_clear(y);
        y->sweep = false;
        y->nbacklog = y->backlog_at = 0;
        return 0;
    }
    const char *version = classify_rules_version(y->o.rules);
    if (y->sweep) {
        int64_t *ids = NULL;
        size_t n = 0;
        if (store_runs_to_classify(y->s, y->o.context, y->o.ns, version, &ids, &n, err, errlen) < 0)
            return -1;
        y->sweep = false;
        /* what is left of an earlier sweep is in this one too */
        free(y->backlog);
        y->backlog = ids;
        y->nbacklog = y->capbacklog = n;
        y->backlog_at = 0;
    }
    int64_t *ids = NULL;
    size_t n = 0, cap = 0;
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
    int64_t until = time_mono_ms() + BACKLOG_BUDGET_MS;
    while (y->backlog_at < y->nbacklog && rc == 0 && !y->store_failed &&
           (!y->watching || time_mono_ms() < until)) {
        int64_t id = y->backlog[y->backlog_at++];
        /* an event may have classified it since the sweep */
        struct store_class old;
        int had = store_get_classification(y->s, id, &old, err, errlen);
        bool current = had > 0 && old.version && strcmp(old.version, version) == 0;
        if (had > 0) store_class_free(&old);
        if (had < 0) rc = -1;
        if (current || rc < 0) continue;
        struct store_run r;
        if (store_get_run_by_id(y->s, id, &r, err, errlen) > 0) {
            rc = classify_run(y, &r, err, errlen);
            store_run_free(&r);
        }
    }
    if (y->backlog_at >= y->nbacklog) y->nbacklog = y->backlog_at = 0;
    if (y->store_failed && rc == 0) rc = errf(err, errlen, "%s", y->store_err);
    if (rc < 0) {
        store_rollback(y->s);
        return -1;
    }
    return store_commit(y->s, err, errlen);
}

/* ---- objects -------------------------------------------------------------------- */

/* Stores one run object (a watch event's, or the last state of a removed
 * run); a terminal run is marked for classification when it is new, its
 * phase changed, or (not a removal) its status changed: an unchanged run is
 * not classified again, nor one whose deletion is all that happened. */
static void took_run(struct sync *y, const cJSON *obj, bool removal)
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
    unsigned what = 0;
    if (store_put_run_what(y->s, &r, time_now_ms(), NULL, &what, err, sizeof err) < 0) store_failed(y, err);
    else y->st->runs++;
    if (removal) what &= ~(unsigned)STORE_RUN_REWRITTEN;
    if (what && agentrun_is_terminal(&r)) mark_dirty(y, r.ns, r.name);
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

/* ---- the record sink ------------------------------------------------------------
 * The feed (src/feed) lists and watches; this sink is the cache's side:
 * a list frame of runs is stored in one transaction with lanes resolved
 * across it, and whatever cached run of the scope it did not bring is
 * marked deleted (never dropped); the same for pods, stored after the runs
 * they link to. Watch events are stored one by one; a terminated
 * container's log is fetched at once (the Job TTL deletes the pod). */

static void store_run_frame(struct sync *y)
{
    linkage_resolve_lanes(y->frun, y->nfrun);
    const char **uids = xcalloc(y->nfrun + 1, sizeof *uids);
    size_t nu = 0, marked = 0;
    int64_t now = time_now_ms();
    char err[ERRLEN];
    int rc = store_begin(y->s, err, sizeof err);
    for (size_t i = 0; i < y->nfrun && rc == 0; i++) {
        struct agentrun *r = &y->frun[i];
        if (!r->uid || !*r->uid) {
            warnf(y, "AgentRun %s/%s was skipped: it has no metadata.uid", r->ns ? r->ns : "", r->name);
            continue;
        }
        uids[nu++] = r->uid;
        unsigned what = 0;
        rc = store_put_run_what(y->s, r, now, NULL, &what, err, sizeof err);
        if (rc == 0) y->st->runs++;
        /* a run listed as it was stored keeps its verdict, and one seen for
         * the first time has none: the sweep below finds it (classified in
         * slices, so that a first list of thousands does not hold up the
         * loop); a known run that changed meanwhile is classified now */
        if ((what & (STORE_RUN_REWRITTEN | STORE_RUN_PHASE)) && agentrun_is_terminal(r))
            mark_dirty(y, r->ns, r->name);
    }
    y->sweep = true;
    if (rc == 0) rc = store_sweep_deleted(y->s, y->o.context, feed_ns(y->feed), uids, nu, now, &marked, err, sizeof err);
    if (rc == 0) rc = store_commit(y->s, err, sizeof err);
    else store_rollback(y->s);
    if (rc < 0) store_failed(y, err);
    y->st->runs_deleted += marked;
    free(uids);
    for (size_t i = 0; i < y->nfrun; i++) agentrun_free(&y->frun[i]);
    y->nfrun = 0;
    y->runs_listed = true;
}

static void store_pod_frame(struct sync *y)
{
    const char **uids = xcalloc(y->nfpod + 1, sizeof *uids);
    size_t marked = 0;
    int64_t now = time_now_ms();
    char err[ERRLEN];
    int rc = store_begin(y->s, err, sizeof err);
    for (size_t i = 0; i < y->nfpod && rc == 0; i++) {
        uids[i] = y->fpod[i].uid;
        rc = store_put_pod(y->s, y->o.context, &y->fpod[i], now, err, sizeof err);
        if (rc == 0) y->st->pods++;
    }
    if (rc == 0) rc = store_sweep_pods(y->s, y->o.context, feed_ns(y->feed), uids, y->nfpod, now, &marked, err, sizeof err);
    if (rc == 0) rc = store_commit(y->s, err, sizeof err);
    else store_rollback(y->s);
    if (rc < 0) store_failed(y, err);
    y->st->pods_deleted += marked;
    free(uids);
    /* their logs: now (watch) or after the loop (a pass fetches them one by one) */
    for (size_t i = 0; i < y->nfpod; i++) {
        if (rc == 0 && y->watching) start_pod_logs(y, &y->fpod[i]);
        if (rc == 0 && !y->watching) {
            y->due = xgrow(y->due, &y->capdue, y->ndue + 1, sizeof *y->due);
            y->due[y->ndue++] = y->fpod[i];
        } else {
            pod_free(&y->fpod[i]);
        }
    }
    y->nfpod = 0;
    y->pods_listed = false;
}

static void k_begin(void *ud, enum feed_kind k)
{
    struct sync *y = ud;
    y->last_answer = time_now_ms();
    if (k == FEED_RUNS) {
        for (size_t i = 0; i < y->nfrun; i++) agentrun_free(&y->frun[i]);
        y->nfrun = 0;
    } else {
        for (size_t i = 0; i < y->nfpod; i++) pod_free(&y->fpod[i]);
        y->nfpod = 0;
        y->pods_listed = false;
    }
}

static void k_upsert(void *ud, enum feed_kind k, const cJSON *obj, bool listed)
{
    struct sync *y = ud;
    y->last_answer = time_now_ms();
    char err[ERRLEN];
    if (!listed) y->st->events++;
    if (k == FEED_RUNS) {
        if (!listed) {
            took_run(y, obj, false);
            return;
        }
        y->frun = xgrow(y->frun, &y->capfrun, y->nfrun + 1, sizeof *y->frun);
        if (agentrun_parse(obj, &y->frun[y->nfrun], err, sizeof err) < 0) {
            warnf(y, "an AgentRun was skipped: %s", err);
            return;
        }
        y->frun[y->nfrun].context = xstrdup(y->o.context);
        y->nfrun++;
        return;
    }
    struct pod p;
    if (!listed) {
        if (took_pod(y, obj, &p)) {
            start_pod_logs(y, &p);
            pod_free(&p);
        }
        return;
    }
    if (pod_parse(obj, &p, err, sizeof err) < 0) {
        warnf(y, "a pod was skipped: %s", err);
        return;
    }
    if (!p.name || !*p.name || !p.uid || !*p.uid) {
        warnf(y, "a pod was skipped: it has no metadata.name or metadata.uid");
        pod_free(&p);
        return;
    }
    y->fpod = xgrow(y->fpod, &y->capfpod, y->nfpod + 1, sizeof *y->fpod);
    y->fpod[y->nfpod++] = p;
}

static void k_removed(void *ud, enum feed_kind k, const cJSON *last)
{
    struct sync *y = ud;
    y->last_answer = time_now_ms();
    char err[ERRLEN];
    int64_t now = time_now_ms();
    const char *uid = json_str(last, "metadata.uid");
    y->st->events++;
    if (k == FEED_RUNS) {
        took_run(y, last, true); /* the last state first */
        if (uid && store_mark_run_deleted(y->s, y->o.context, uid, now, err, sizeof err) < 0) store_failed(y, err);
        else y->st->runs_deleted++;
        return;
    }
    struct pod p;
    if (took_pod(y, last, &p)) {
        if (store_mark_pod_deleted(y->s, y->o.context, p.uid, now, err, sizeof err) < 0) store_failed(y, err);
        else y->st->pods_deleted++;
        pod_free(&p);
    }
}

static void k_end(void *ud, enum feed_kind k)
{
    struct sync *y = ud;
    if (k == FEED_RUNS) {
        store_run_frame(y);
        if (y->pods_listed) store_pod_frame(y); /* pods link to their runs when stored */
    } else {
        y->pods_listed = true;
        if (y->runs_listed) store_pod_frame(y);
    }
}

static void k_warning(void *ud, const char *msg)
{
    warnf(ud, "%s", msg); /* rate-limited: 2,000 garbage lines are one line and a count */
}

static void k_state(void *ud, const struct kube_conn_state *st)
{
    struct sync *y = ud;
    bool changed = st->state != y->conn;
    y->conn = st->state;
    if (st->state == KUBE_CONN_FAILED || (st->state == KUBE_CONN_RECONNECTING && st->error)) {
        snprintf(y->list_err, sizeof y->list_err, "%s", st->error ? st->error : "the cluster could not be reached");
        if (!feed_synced(y->feed) || st->state == KUBE_CONN_FAILED) y->list_failed = true;
    }
    if (st->state == KUBE_CONN_LIVE) y->last_answer = time_now_ms();
    if (!changed || !y->watching || !y->o.progress) return;
    /* several contexts share one stderr in `record`: say whose */
    const char *cx = y->o.context, *sep = *y->o.context ? ": " : "";
    if (st->state == KUBE_CONN_LIVE) {
        fprintf(y->o.progress, "sync: %s%swatching\n", cx, sep);
    } else if (st->state == KUBE_CONN_RECONNECTING || st->state == KUBE_CONN_FAILED) {
        int64_t in = st->next_try_ms - time_now_ms();
        char *why = sanitize_str(st->error ? st->error : "connection lost", 0);
        if (st->state == KUBE_CONN_FAILED) fprintf(y->o.progress, "sync: %s%s%s; stopped\n", cx, sep, why);
        else fprintf(y->o.progress, "sync: %s%s%s; reconnecting in %.1f s\n", cx, sep, why,
                     in > 0 ? (double)in / 1000 : 0.0);
        free(why);
    }
}

static void feed_begin(struct sync *y, bool once)
{
    feed_stop(y->feed);
    frames_clear(y);
    y->runs_listed = y->pods_listed = false;
    y->list_failed = false;
    y->list_err[0] = 0;
    y->conn = KUBE_CONN_CONNECTING;
    struct feed_sink k = {.begin = k_begin, .upsert = k_upsert, .removed = k_removed, .end = k_end,
                          .state = k_state, .warning = k_warning, .ud = y};
    struct feed_opts fo = {.ns = y->o.ns, .once = once};
    y->feed = feed_start(y->c, &fo, &k);
}

/* After the loop turn: a pass's logs, first-cause times and verdicts (these
 * may block on the API: never from inside a feed callback). */
static int after_turn(struct sync *y, char *err, size_t errlen)
{
    jobs_reap(y);
    for (size_t i = 0; i < y->ndue && !y->store_failed; i++) fetch_pod_logs(y, &y->due[i]);
    for (size_t i = 0; i < y->ndue; i++) pod_free(&y->due[i]);
    y->ndue = 0;
    if (y->store_failed) return errf(err, errlen, "%s", y->store_err);
    if (!y->ndirty && !y->sweep && y->backlog_at >= y->nbacklog) return 0;
    restamp_pending(y);
    return classify_pending(y, err, errlen);
}

int sync_pass(struct sync *y, struct sync_stats *stats, char *err, size_t errlen)
{
    struct sync_stats local;
    memset(&local, 0, sizeof local);
    y->st = stats ? stats : &local;
    y->store_failed = false;
    y->logs_stalled = false;
    y->watching = false;
    int rc = 0;
    feed_begin(y, true);
    while (!feed_synced(y->feed) && !y->list_failed && !y->store_failed) {
        kube_client_wait(y->c, NULL, 0, 500);
        kube_client_perform(y->c);
    }
    feed_stop(y->feed);
    y->feed = NULL;
    if (y->store_failed) rc = errf(err, errlen, "%s", y->store_err);
    else if (y->list_failed) rc = errf(err, errlen, "%s", y->list_err);
    if (rc == 0) rc = after_turn(y, err, errlen);
    frames_clear(y);
    fresh_clear(y);
    y->st = &y->scratch;
    return rc;
}

void sync_follow_begin(struct sync *y, struct sync_stats *stats)
{
    y->st = stats ? stats : &y->scratch;
    y->store_failed = false;
    y->logs_stalled = false;
    y->watching = true;
    feed_begin(y, false);
}

int sync_follow_turn(struct sync *y, char *err, size_t errlen)
{
    if (y->store_failed || after_turn(y, err, errlen) < 0) {
        if (y->store_failed) errf(err, errlen, "%s", y->store_err);
        return -1;
    }
    y->logs_stalled = false;
    fresh_trim(y);
    return 0;
}

void sync_follow_end(struct sync *y)
{
    feed_stop(y->feed);
    y->feed = NULL;
    frames_clear(y);
    y->watching = false;
    y->st = &y->scratch;
}

size_t sync_follow_pending_logs(const struct sync *y)
{
    size_t n = 0;
    for (size_t i = 0; i < y->njobs; i++) n += !y->jobs[i]->done;
    return n;
}

void sync_connection(const struct sync *y, const char **state, const char **error,
                     int64_t *last_answer)
{
    struct kube_conn_state st = {KUBE_CONN_CONNECTING, 0, 0, NULL};
    if (y->feed) st = feed_state(y->feed);
    if (state) *state = kube_conn_name(st.state);
    if (error) *error = st.state == KUBE_CONN_LIVE ? NULL : st.error;
    /* a live feed is a cluster answering: its watches restart when silent */
    int64_t seen = st.state == KUBE_CONN_LIVE ? time_now_ms() : y->last_answer;
    if (last_answer) *last_answer = seen ? seen : TIME_NONE;
}

int sync_watch(struct sync *y, volatile sig_atomic_t *stop, struct sync_stats *stats, char *err,
               size_t errlen)
{
    struct sync_stats local;
    memset(&local, 0, sizeof local);
    struct sync_stats *st = stats ? stats : &local;
    int rc = 0;
    y->st = st;
    y->store_failed = false;
    y->logs_stalled = false;
    y->watching = true;
    feed_begin(y, false);
    while (!*stop) {
        kube_client_wait(y->c, NULL, 0, 500);
        kube_client_perform(y->c);
        if (y->store_failed || after_turn(y, err, errlen) < 0) {
            if (y->store_failed) errf(err, errlen, "%s", y->store_err);
            rc = -1;
            break;
        }
        y->logs_stalled = false;
        fresh_trim(y);
    }
    feed_stop(y->feed);
    y->feed = NULL;
    frames_clear(y);
    y->watching = false;
    y->st = &y->scratch;
    return rc;
}
