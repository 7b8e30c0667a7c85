/* triage — runner logs through the classifier and the PR scanner (triage.h). */
#include "triage.h"
#include "kube/client.h"
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

/* One container log being read. */
struct read {
    struct triage *t;
    struct item it;
    struct kube_request *req;
    struct classify_ctx *cls;
    struct pr_scan *pr;
    struct buf keep;        /* the log for the cache, up to TRIAGE_LOG_KEEP */
    bool cut;
    struct logstamp stamps; /* the lines' times (timestamps=true), as sync */
};

struct triage {
    struct kube_client *kc;
    const struct classify_rules *rs;
    struct triage_hooks h;
    struct item *q;
    size_t nq, capq;
    struct read *active[TRIAGE_PARALLEL];
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
    if (r->req) kube_request_cancel(r->req);
    classify_free(r->cls);
    pr_scan_free(r->pr);
    buf_free(&r->keep);
    logstamp_free(&r->stamps);
    item_free(&r->it);
    free(r);
}

struct triage *triage_new(struct kube_client *kc, const struct classify_rules *rs, const struct triage_hooks *h)
{
    struct triage *t = xcalloc(1, sizeof *t);
    t->kc = kc;
    t->rs = rs;
    t->h = *h;
    return t;
}

void triage_free(struct triage *t)
{
    if (!t) return;
    for (int i = 0; i < TRIAGE_PARALLEL; i++) read_free(t->active[i]);
    for (size_t i = 0; i < t->nq; i++) item_free(&t->q[i]);
    free(t->q);
    for (size_t i = 0; i < t->nseen; i++) free(t->seen[i]);
    free(t->seen);
    free(t);
}

static bool seen(struct triage *t, const char *key)
{
    for (size_t i = 0; i < t->nseen; i++)
        if (strcmp(t->seen[i], key) == 0) return true;
    return false;
}

bool triage_consider(struct triage *t, const struct agentrun *r, const struct pod *p)
{
    if (!r || !r->uid || !p->uid || !p->name) return false;
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
    t->q[t->nq++] = (struct item){xstrdup(r->uid), xstrdup(p->ns ? p->ns : r->ns), xstrdup(p->name),
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

static int on_data(void *ud, const char *data, size_t n)
{
    struct read *r = ud;
    struct buf text = {0};
    logstamp_feed(&r->stamps, data, n, &text);
    if (text.len) read_text(r, text.p, text.len);
    buf_free(&text);
    return 0;
}

static void on_done(void *ud, const struct kube_result *res)
{
    struct read *r = ud;
    struct triage *t = r->t;
    r->req = NULL;
    for (int i = 0; i < TRIAGE_PARALLEL; i++)
        if (t->active[i] == r) t->active[i] = NULL;
    struct triage_run run;
    if (!res->ok || !t->h.run(t->h.ud, r->it.run_uid, &run)) {
        read_free(r);
        return;
    }
    struct buf rest = {0};
    logstamp_finish(&r->stamps, &rest);
    if (rest.len) read_text(r, rest.p, rest.len);
    buf_free(&rest);
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
    };
    t->h.done(t->h.ud, &out);
    if (has_pr) pr_link_free(&pr);
    classify_result_free(cr);
    read_free(r);
}

void triage_pump(struct triage *t)
{
    for (int i = 0; i < TRIAGE_PARALLEL && t->nq; i++) {
        if (t->active[i]) continue;
        struct item it = t->q[0];
        memmove(t->q, t->q + 1, (t->nq - 1) * sizeof *t->q);
        t->nq--;
        struct triage_run run;
        if (!t->rs || !t->h.run(t->h.ud, it.run_uid, &run)) {
            item_free(&it);
            i--; /* the slot is still free */
            continue;
        }
        struct read *r = xcalloc(1, sizeof *r);
        logstamp_init(&r->stamps);
        r->t = t;
        r->it = it;
        r->cls = classify_new(t->rs, run_outcome(run.run));
        char *prefix = xasprintf("log:%s/%s", it.pod, it.container);
        r->pr = pr_scan_new(run.run->repository, prefix);
        free(prefix);
        run_signals_add(r->cls, run.run, run.pods, run.npods);
        struct kube_req q = {
            .verb = KUBE_LOGS, .ns = it.ns, .name = it.pod, .container = it.container,
            .timestamps = true, .on_data = on_data, .on_done = on_done, .ud = r,
        };
        t->active[i] = r;
        r->req = kube_request_start(t->kc, &q);
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
                                       NULL, NULL, now, e, sizeof e),
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
