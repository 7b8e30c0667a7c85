/* triage — runner logs through the classifier and the PR scanner (triage.h). */
#include "triage.h"
#include "kube/client.h"
#include "runs/logsrc.h"
#include "model/runbaseline.h"
#include "model/runsignals.h"
#include "store/store.h"
#include "runs/verdict.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/timeutil.h"
#include "util/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct item {
    char *run_uid, *ns, *pod, *pod_uid, *container;
};

/* A passing run's log as a baseline (classify_baseline), read from the
 * cache once for all the failures that are set against it. */
struct base {
    int64_t id;                 /* the run's row in the cache */
    struct classify_baseline *b;
    char *name, *uid;
};

/* One container log being read. */
struct read {
    struct triage *t;
    struct item it;
    struct logsrc *ls;      /* the log, through the one log source */
    struct read *next;      /* ended: freed after the source's callback returned */
    struct buf block;       /* lines not yet through the classifier */
    struct classify_ctx *cls;
    struct pr_scan *pr;
    struct buf keep;        /* the log for the cache, up to TRIAGE_LOG_KEEP */
    bool cut;
    struct logstamp stamps; /* the lines' times (the API's stamps), as sync */
    const struct base *base; /* the passing run it is compared with, NULL none */
};

struct triage {
    struct kube_client *kc;
    struct store *st;
    const struct classify_rules *rs;
    struct base bases[TRIAGE_BASES];
    size_t nbases, nextbase;
    struct triage_hooks h;
    struct item *q;
    size_t nq, capq;
    struct read *active[TRIAGE_PARALLEL];
    struct read *ended;     /* reads whose source ended, to free */
    char **seen;            /* pod uid + container already queued */
    size_t nseen, capseen;
};

static void item_free(struct item *i)
{
    free(i->run_uid);
    free(i->ns);
    free(i->pod);
    free(i->pod_uid);
    free(i->container);
}

static void read_free(struct read *r)
{
    if (!r) return;
    logsrc_free(r->ls); /* cancels a read under way: no callback after it */
    buf_free(&r->block);
    classify_free(r->cls);
    pr_scan_free(r->pr);
    buf_free(&r->keep);
    logstamp_free(&r->stamps);
    item_free(&r->it);
    free(r);
}

static void reap(struct triage *t)
{
    while (t->ended) {
        struct read *r = t->ended;
        t->ended = r->next;
        read_free(r);
    }
}

struct triage *triage_new(struct kube_client *kc, struct store *st, const struct classify_rules *rs,
                          const struct triage_hooks *h)
{
    struct triage *t = xcalloc(1, sizeof *t);
    t->kc = kc;
    t->st = st;
    t->rs = rs;
    t->h = *h;
    return t;
}

void triage_free(struct triage *t)
{
    if (!t) return;
    for (int i = 0; i < TRIAGE_PARALLEL; i++) read_free(t->active[i]);
    reap(t);
    for (size_t i = 0; i < t->nq; i++) item_free(&t->q[i]);
    free(t->q);
    for (size_t i = 0; i < t->nseen; i++) free(t->seen[i]);
    free(t->seen);
    for (size_t i = 0; i < t->nbases; i++) {
        classify_baseline_free(t->bases[i].b);
        free(t->bases[i].name);
        free(t->bases[i].uid);
    }
    free(t);
}

static bool seen(struct triage *t, const char *key)
{
    for (size_t i = 0; i < t->nseen; i++)
        if (strcmp(t->seen[i], key) == 0) return true;
    return false;
}

bool triage_consider(struct triage *t, const char *run_uid, const char *run_ns, const struct pod *p)
{
    if (!run_uid || !p->uid || !p->name) return false;
    const struct container_state *cs = pod_main_container(p, RUNNER_CONTAINER);
    if (!cs || !cs->name || !cs->state || strcmp(cs->state, "terminated") != 0) return false;
    char *key = xasprintf("%s/%s", p->uid, cs->name);
    if (seen(t, key)) {
        free(key);
        return false;
    }
    t->seen = xgrow(t->seen, &t->capseen, t->nseen + 1, sizeof *t->seen);
    t->seen[t->nseen++] = key;
    t->q = xgrow(t->q, &t->capq, t->nq + 1, sizeof *t->q);
    t->q[t->nq++] = (struct item){xstrdup(run_uid), xstrdup(p->ns ? p->ns : run_ns), xstrdup(p->name),
                                  xstrdup(p->uid), xstrdup(cs->name)};
    return true;
}

static void read_text(struct read *r, const char *data, size_t n)
{
    classify_feed(r->cls, data, n);
    pr_scan_feed(r->pr, data, n);
    if (r->keep.len + n <= TRIAGE_LOG_KEEP) buf_append(&r->keep, data, n);
    else r->cut = true;
}

/* Lines go through the classifier and the PR scanner in blocks (one scan
 * per block, not per line). */
#define TRIAGE_BLOCK 65536

static int on_line(void *ud, const struct logsrc_line *l)
{
    struct read *r = ud;
    buf_append(&r->block, l->text, l->len);
    if (l->newline) buf_putc(&r->block, '\n');
    logstamp_push(&r->stamps, l->time);
    if (r->block.len >= TRIAGE_BLOCK) {
        read_text(r, r->block.p, r->block.len);
        buf_reset(&r->block);
    }
    return 0;
}

static void on_end(void *ud, const struct logsrc_end *e)
{
    struct read *r = ud;
    struct triage *t = r->t;
    for (int i = 0; i < TRIAGE_PARALLEL; i++)
        if (t->active[i] == r) t->active[i] = NULL;
    /* freed after the source has returned (next pump, or triage_free) */
    r->next = t->ended;
    t->ended = r;
    struct triage_run run;
    if (!e->ok || !t->h.run(t->h.ud, r->it.run_uid, &run)) return;
    if (r->block.len) read_text(r, r->block.p, r->block.len);
    buf_reset(&r->block);
    pr_scan_finish(r->pr);
    struct pr_link pr;
    bool has_pr = pr_scan_result(r->pr, &pr) == 1;
    /* agent.no-pr: succeeded, needed a PR, none in the log */
    if (!has_pr && linkage_needs_pr(run.run))
        classify_add_finding(r->cls, CLASS_NO_PR, "no-pr", 30, "the run succeeded without a pull request",
                             "read-write VCS and a head branch, but no PR link in the runner log");
    struct classify_result *cr = classify_finish(r->cls);
    struct triage_result out = {
        .run_uid = r->it.run_uid, .ns = r->it.ns, .pod = r->it.pod, .pod_uid = r->it.pod_uid,
        .container = r->it.container, .verdict = cr, .pr = has_pr ? &pr : NULL,
        .log = r->keep.p ? r->keep.p : "", .log_len = r->keep.len, .log_cut = r->cut, .stamps = &r->stamps,
        .baseline_name = r->base ? r->base->name : NULL, .baseline_uid = r->base ? r->base->uid : NULL,
    };
    t->h.done(t->h.ud, &out);
    if (has_pr) pr_link_free(&pr);
    classify_result_free(cr);
}

/* The baseline of a failed run (model/runbaseline.h), chosen as sync
 * chooses it: among the cache's succeeded runs whose log it holds
 * (store_pick_baseline); its log read into a hash set once, kept for the
 * lane's other failures. NULL: none, or no cache. */
static const struct base *baseline_of(struct triage *t, const struct agentrun *a)
{
    if (!t->st || run_outcome(a) != CLASSIFY_OUTCOME_FAILED) return NULL;
    struct run_baseline_cand me = run_baseline_cand_of(a);
    char err[ERRLEN];
    int64_t id;
    if (store_pick_baseline(t->st, &me, NULL, &id, NULL, err, sizeof err) <= 0) return NULL;
    for (size_t i = 0; i < t->nbases; i++)
        if (t->bases[i].id == id) return t->bases[i].b ? &t->bases[i] : NULL;
    struct store_run sr;
    if (store_get_run_by_id(t->st, id, &sr, err, sizeof err) <= 0) return NULL;
    struct classify_baseline *b = NULL;
    struct store_log lg;
    if (store_get_log(t->st, id, NULL, NULL, false, &lg, err, sizeof err) > 0) {
        b = classify_baseline_new();
        classify_baseline_feed(b, lg.data, lg.len);
        classify_baseline_finish(b);
        store_log_free(&lg);
    }
    /* a full memo gives up its oldest entry no read under way is using */
    size_t slot = t->nbases;
    if (t->nbases < TRIAGE_BASES) {
        t->nbases++;
    } else {
        for (size_t k = 0; k < TRIAGE_BASES; k++) {
            slot = t->nextbase++ % TRIAGE_BASES;
            bool used = false;
            for (int a2 = 0; a2 < TRIAGE_PARALLEL; a2++) used |= t->active[a2] && t->active[a2]->base == &t->bases[slot];
            if (!used) break;
        }
        classify_baseline_free(t->bases[slot].b);
        free(t->bases[slot].name);
        free(t->bases[slot].uid);
    }
    t->bases[slot] = (struct base){id, b, sr.name, sr.uid};
    sr.name = sr.uid = NULL;
    store_run_free(&sr);
    return b ? &t->bases[slot] : NULL;
}

/* A passing log that may be a failed run's baseline is read (and cached)
 * before that failure: the failure waits while a succeeded run it could
 * be compared with is queued or being read. */
static bool may_be_baseline(const struct agentrun *failed, const struct agentrun *r)
{
    if (run_outcome(r) != CLASSIFY_OUTCOME_SUCCEEDED) return false;
    struct run_baseline_cand me = run_baseline_cand_of(failed), c = run_baseline_cand_of(r);
    return run_baseline_pick(&me, &c, 1, NULL, NULL) == 0;
}

/* The next queued item to read: the first whose run did not fail, else
 * the first failure no pending passing log could be the baseline of.
 * Items whose run is gone are dropped. -1: nothing can start now. */
static long next_item(struct triage *t)
{
    long failed = -1;
    for (size_t i = 0; i < t->nq;) {
        struct triage_run run;
        if (!t->h.run(t->h.ud, t->q[i].run_uid, &run)) {
            item_free(&t->q[i]);
            memmove(t->q + i, t->q + i + 1, (t->nq - i - 1) * sizeof *t->q);
            t->nq--;
            continue;
        }
        if (run_outcome(run.run) != CLASSIFY_OUTCOME_FAILED) return (long)i;
        if (failed < 0) failed = (long)i;
        i++;
    }
    if (failed < 0 || !t->st) return failed;
    /* only failures are queued: those under way decide */
    struct triage_run me;
    if (!t->h.run(t->h.ud, t->q[failed].run_uid, &me)) return -1;
    for (int a = 0; a < TRIAGE_PARALLEL; a++) {
        struct triage_run other;
        if (t->active[a] && t->h.run(t->h.ud, t->active[a]->it.run_uid, &other) && may_be_baseline(me.run, other.run))
            return -1;
    }
    return failed;
}

void triage_pump(struct triage *t)
{
    reap(t);
    if (!t->rs) {
        for (size_t i = 0; i < t->nq; i++) item_free(&t->q[i]);
        t->nq = 0;
        return;
    }
    for (int i = 0; i < TRIAGE_PARALLEL && t->nq; i++) {
        if (t->active[i]) continue;
        long at = next_item(t);
        if (at < 0) return;
        struct item it = t->q[at];
        memmove(t->q + at, t->q + at + 1, (t->nq - (size_t)at - 1) * sizeof *t->q);
        t->nq--;
        struct triage_run run;
        if (!t->h.run(t->h.ud, it.run_uid, &run)) {
            item_free(&it);
            i--; /* the slot is still free */
            continue;
        }
        struct read *r = xcalloc(1, sizeof *r);
        logstamp_init(&r->stamps);
        r->t = t;
        r->it = it;
        r->cls = classify_new(t->rs, run_outcome(run.run));
        /* lines the passing run also printed are not the cause (as sync) */
        r->base = baseline_of(t, run.run);
        if (r->base) classify_set_baseline(r->cls, r->base->b);
        char *prefix = xasprintf("log:%s/%s", it.pod, it.container);
        r->pr = pr_scan_new(run.run->repository, prefix);
        free(prefix);
        run_signals_add(r->cls, run.run, run.pods, run.npods);
        /* live only: the log goes to the cache from here */
        struct logsrc_spec sp = {.kube = t->kc, .ns = it.ns, .pod = it.pod, .container = it.container,
                                 .timestamps = true, .on_line = on_line, .on_end = on_end, .ud = r};
        t->active[i] = r;
        r->ls = logsrc_start(&sp);
    }
}

size_t triage_queued(const struct triage *t)
{
    return t ? t->nq : 0;
}

bool triage_reading(const struct triage *t)
{
    if (!t) return false;
    for (int i = 0; i < TRIAGE_PARALLEL; i++)
        if (t->active[i]) return true;
    return false;
}

/* Keeps the first failure of several writes. */
static void first_err(int rc, const char *e, int *out, char *err, size_t errlen)
{
    if (rc >= 0 || *out < 0) return;
    *out = -1;
    snprintf(err, errlen, "%s", e);
}

int triage_record(struct store *s, const char *context, const struct classify_rules *rs, const struct agentrun *r,
                  const struct triage_result *res, int64_t now, char *err, size_t errlen)
{
    int rc = 0;
    char e[ERRLEN];
    first_err(store_put_log(s, context, res->pod_uid, res->container, false, res->log, res->log_len, now, e, sizeof e),
              e, &rc, err, errlen);
    struct store_run sr;
    memset(&sr, 0, sizeof sr);
    int got = store_get_run(s, r->context, r->ns, r->name, &sr, e, sizeof e);
    first_err(got, e, &rc, err, errlen);
    if (got == 1) {
        if (res->verdict) {
            /* the line's own time (API stamp, else its text's), as sync */
            int64_t lt = res->verdict->has_primary ? logstamp_line_time(res->stamps, res->verdict->primary.line)
                                                   : TIME_NONE;
            first_err(verdict_put(s, sr.id, rs, run_outcome(r), res->verdict, 0, res->pod, res->container, lt,
                                  res->baseline_name, res->baseline_uid, now, e, sizeof e),
                      e, &rc, err, errlen);
        }
        if (res->pr)
            first_err(store_put_pr(s, sr.id, res->pr->url, res->pr->number, res->pr->repository, res->pr->source,
                                   logstamp_line_time(res->stamps, res->pr->line), now, e, sizeof e),
                      e, &rc, err, errlen);
    }
    store_run_free(&sr);
    return rc;
}
