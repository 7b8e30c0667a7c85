/* source — see source.h. Two feeds into the run set:
 *
 * The history cache (store) is read first, in pages of newest runs, so
 * the list paints at once even from 100,000 cached runs; then, run by run,
 * its classifier verdicts, PR links and pods (digests) are attached. Runs
 * the cache says were deleted show as deleted.
 *
 * The cluster (kube client): a list then a watch of AgentRuns and of their
 * pods (label agents.proompteng.ai/agent-run), resumed from the last
 * resourceVersion; a relist (first, after 410 Gone, or after a reconnect)
 * marks runs it no longer returns as deleted. A failed call backs off (1 s
 * doubling to 30 s) with "reconnecting" and the next try's time in the
 * status bar; from the third failure in a row, or when the first contact
 * fails, the console says offline and keeps what it has browsable. What
 * the cluster shows is written to the cache as it arrives.
 *
 * Triage: when a run's runner container has terminated and the cache has
 * no verdict for it, its log is streamed (two at a time) through the
 * classifier and the PR scanner chunk by chunk as it arrives, and the
 * verdict, PR link and log go to the run set and the cache. */
#include "source.h"
#include "view.h"
#include "kube/client.h"
#include "kube/kubeconfig.h"
#include "kube/lines.h"
#include "classify/classify.h"
#include "model/agentrun.h"
#include "model/linkage.h"
#include "model/runsignals.h"
#include "store/store.h"
#include "util/err.h"
#include "util/sanitize.h"
#include "util/timeutil.h"
#include "util/xalloc.h"
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CACHE_FIRST_PAGE 120
#define CACHE_PAGE 2000
#define LINK_SLICE 16 /* runs linked between two looks at the keyboard (~0.5 ms) */
#define BACKOFF_MAX_MS 30000

struct source;

struct watcher {
    struct source *src;
    const struct kube_resource *res;
    const char *label;
    bool pods;
    struct kube_list *list;
    struct kube_request *watch;
    struct kube_timer *timer;
    struct kube_lines lines;
    char *rv;
    uint64_t epoch;
    size_t listed;
    int failures;
    bool live;
};

struct link_item {
    char *uid;
};

#define TRIAGE_PARALLEL 2
#define TRIAGE_LOG_KEEP ((size_t)8 << 20)

/* One container log being read for the classifier and the PR scanner. */
struct triage {
    struct source *src;
    char *run_uid, *ns, *pod, *pod_uid, *container;
    struct kube_request *req;
    struct classify_ctx *cls;
    struct pr_scan *pr;
    struct buf keep;      /* the log for the cache, up to TRIAGE_LOG_KEEP */
    bool cut;
};

struct triage_item {
    char *run_uid, *ns, *pod, *pod_uid, *container;
};

struct source {
    struct console *c;
    struct kubeconfig *kc;
    struct kube_client *kube;
    struct watcher runs, pods;
    struct store *store;
    bool store_tx;
    /* cache pages */
    bool cache_loading;
    int64_t cache_until;
    size_t cache_loaded;
    /* linkage from the cache, by uid */
    struct link_item *link;
    size_t nlink, caplink, linkpos;
    bool ever_live;
    int wake_pipe[2];
    /* log triage */
    struct classify_rules *rules;
    bool rules_failed;
    struct triage_item *tq;
    size_t ntq, captq;
    struct triage *active[TRIAGE_PARALLEL];
    char **triaged;       /* pod uid + container already read */
    size_t ntriaged, captriaged;
};

static const char *ctx_name(struct source *s)
{
    return s->c->context && *s->c->context ? s->c->context : NULL;
}

static const char *scope_ns(struct source *s)
{
    return s->c->all_ns ? NULL : s->c->ns;
}

static void set_conn_detail(struct console *c, const char *msg)
{
    free(c->conn_detail);
    c->conn_detail = msg ? sanitize_str(msg, 0) : NULL;
}

/* ---- cache ---- */

static void queue_link(struct source *s, const char *uid)
{
    if (!uid || !s->store) return;
    s->link = xgrow(s->link, &s->caplink, s->nlink + 1, sizeof *s->link);
    s->link[s->nlink++].uid = xstrdup(uid);
}

static void link_clear(struct source *s)
{
    for (size_t i = 0; i < s->nlink; i++) free(s->link[i].uid);
    s->nlink = s->linkpos = 0;
}

static void take(char **dst, char **src)
{
    *dst = *src;
    *src = NULL;
}

/* A cached run as the model: its raw object when the cache kept it (so
 * the detail has conditions), else the columns. */
static void run_from_cache(struct store_run *sr, struct agentrun *a)
{
    memset(a, 0, sizeof *a);
    if (sr->raw) {
        char err[256];
        cJSON *j = cJSON_Parse(sr->raw);
        if (j && agentrun_parse(j, a, err, sizeof err) == 0) {
            cJSON_Delete(j);
            free(a->context);
            take(&a->context, &sr->context);
            if (sr->deleted && a->deleted_at == TIME_NONE) a->deleted_at = sr->deleted_at;
            if (!a->lane && sr->lane) take(&a->lane, &sr->lane);
            if (!a->attempt && sr->attempt) take(&a->attempt, &sr->attempt);
            return;
        }
        cJSON_Delete(j);
        agentrun_free(a);
        memset(a, 0, sizeof *a);
    }
    take(&a->context, &sr->context);
    take(&a->ns, &sr->ns);
    take(&a->name, &sr->name);
    take(&a->uid, &sr->uid);
    take(&a->lane, &sr->lane);
    take(&a->attempt, &sr->attempt);
    take(&a->agent, &sr->agent);
    take(&a->runtime, &sr->runtime);
    take(&a->phase, &sr->phase);
    take(&a->reason, &sr->reason);
    take(&a->message, &sr->message);
    take(&a->repository, &sr->repository);
    take(&a->base, &sr->base);
    take(&a->head, &sr->head);
    take(&a->idempotency_key, &sr->idempotency_key);
    take(&a->workload_image, &sr->workload_image);
    take(&a->vcs_mode, &sr->vcs_mode);
    take(&a->system_prompt_hash, &sr->system_prompt_hash);
    take(&a->spec_hash, &sr->spec_hash);
    take(&a->rerun_of, &sr->rerun_of);
    a->created = sr->created;
    a->started = sr->started;
    a->finished = sr->finished;
    a->updated = sr->updated;
    a->deleted_at = sr->deleted ? sr->deleted_at : TIME_NONE;
    a->runner_exit_code = -1;
}

static void cache_page(struct source *s)
{
    struct console *c = s->c;
    struct store_query q;
    store_query_init(&q);
    q.context = ctx_name(s);
    q.ns = scope_ns(s);
    q.until = s->cache_until;
    q.limit = s->cache_loaded ? CACHE_PAGE : CACHE_FIRST_PAGE;
    struct store_run_list l;
    char err[ERRLEN];
    if (store_list_runs(s->store, &q, &l, err, sizeof err) != 0) {
        console_say(c, true, "%s", err);
        s->cache_loading = false;
        return;
    }
    int64_t last = TIME_NONE;
    for (size_t i = 0; i < l.n; i++) {
        struct store_run *sr = &l.items[i];
        if (sr->last_seen != TIME_NONE && (c->data_time_ms == TIME_NONE || sr->last_seen > c->data_time_ms))
            c->data_time_ms = sr->last_seen;
        bool deleted = sr->deleted;
        int64_t id = sr->id;
        struct agentrun a;
        run_from_cache(sr, &a);
        last = a.created;
        char *uid = xstrdup(a.uid);
        runset_apply_run(c->rs, RS_EV_ADDED, &a, deleted);
        struct rs_run *r = runset_find(c->rs, uid);
        if (r && !r->cache_id) {
            r->cache_id = id;
            queue_link(s, uid);
        }
        free(uid);
    }
    s->cache_loaded += l.n;
    /* next page: older than the last one; equal creation times at the
     * boundary are read again and merged by uid */
    bool more = l.n == q.limit && last != TIME_NONE;
    if (more && q.until != TIME_NONE && last >= q.until) last = q.until - 1;
    s->cache_until = last;
    s->cache_loading = more;
    store_run_list_free(&l);
}

/* Classifier verdict, PR link and pods of one run from the cache. */
static void link_one(struct source *s, const char *uid)
{
    struct console *c = s->c;
    struct rs_run *r = runset_find(c->rs, uid);
    if (!r) return;
    char err[ERRLEN];
    if (!r->cache_id) {
        struct store_run sr;
        if (store_get_run(s->store, r->run.context, r->run.ns, r->run.name, &sr, err, sizeof err) != 1) return;
        r->cache_id = sr.id;
        store_run_free(&sr);
    }
    int64_t id = r->cache_id;
    struct store_class k;
    if (store_get_classification(s->store, id, &k, err, sizeof err) == 1) {
        if (k.cls) {
            struct rs_failure f = {.cls = k.cls, .rule = k.rule, .container = k.container,
                                   .hint = k.hint, .text = k.text, .line = k.line};
            runset_set_failure(c->rs, uid, &f);
        }
        store_class_free(&k);
    }
    struct store_pr_list prs;
    if (store_run_prs(s->store, id, &prs, err, sizeof err) == 0) {
        if (prs.n) runset_set_pr(c->rs, uid, prs.items[0].number, prs.items[0].url, prs.items[0].source);
        store_pr_list_free(&prs);
    }
    /* pods from the cache only when the cluster gave none (Job TTL) */
    r = runset_find(c->rs, uid);
    if (r && r->npods == 0) {
        struct store_pod_list pl;
        if (store_run_pods(s->store, id, &pl, err, sizeof err) == 0) {
            char *name = xstrdup(r->run.name);
            for (size_t i = 0; i < pl.n; i++) {
                struct pod p;
                store_pod_to_model(&pl.items[i], name, &p);
                runset_apply_pod(c->rs, RS_EV_ADDED, &p);
                pod_free(&p);
            }
            free(name);
            store_pod_list_free(&pl);
        }
    }
}

static void store_tx_open(struct source *s);

/* ---- triage: logs through the classifier and the PR scanner ---- */

static void triage_item_free(struct triage_item *t)
{
    free(t->run_uid);
    free(t->ns);
    free(t->pod);
    free(t->pod_uid);
    free(t->container);
}

static bool already_triaged(struct source *s, const char *key)
{
    for (size_t i = 0; i < s->ntriaged; i++)
        if (strcmp(s->triaged[i], key) == 0) return true;
    return false;
}

/* Queues the runner log of a terminated pod of a run without a verdict. */
static void triage_consider(struct source *s, const struct pod *p)
{
    struct console *c = s->c;
    if (!p->uid || !p->run_name || !p->name) return;
    struct rs_run *r = runset_find_name(c->rs, p->ns, p->run_name);
    if (!r || !r->run.uid || (r->fail.cls && r->pr_url)) return;
    const struct container_state *cs = pod_main_container(p, RUNNER_CONTAINER);
    if (!cs || !cs->name || !cs->state || strcmp(cs->state, "terminated") != 0) return;
    char *key = xasprintf("%s/%s", p->uid, cs->name);
    if (already_triaged(s, key)) {
        free(key);
        return;
    }
    s->triaged = xgrow(s->triaged, &s->captriaged, s->ntriaged + 1, sizeof *s->triaged);
    s->triaged[s->ntriaged++] = key;
    s->tq = xgrow(s->tq, &s->captq, s->ntq + 1, sizeof *s->tq);
    s->tq[s->ntq++] = (struct triage_item){xstrdup(r->run.uid), xstrdup(p->ns), xstrdup(p->name),
                                           xstrdup(p->uid), xstrdup(cs->name)};
}

static void triage_free(struct triage *t)
{
    if (!t) return;
    if (t->req) kube_request_cancel(t->req);
    classify_free(t->cls);
    pr_scan_free(t->pr);
    buf_free(&t->keep);
    free(t->run_uid);
    free(t->ns);
    free(t->pod);
    free(t->pod_uid);
    free(t->container);
    free(t);
}

static int triage_data(void *ud, const char *data, size_t n)
{
    struct triage *t = ud;
    classify_feed(t->cls, data, n);
    pr_scan_feed(t->pr, data, n);
    if (t->keep.len + n <= TRIAGE_LOG_KEEP) buf_append(&t->keep, data, n);
    else t->cut = true;
    return 0;
}

static void triage_done(void *ud, const struct kube_result *res)
{
    struct triage *t = ud;
    struct source *s = t->src;
    struct console *c = s->c;
    t->req = NULL;
    for (int i = 0; i < TRIAGE_PARALLEL; i++)
        if (s->active[i] == t) s->active[i] = NULL;
    struct rs_run *r = runset_find(c->rs, t->run_uid);
    if (!res->ok || !r) {
        triage_free(t);
        return;
    }
    char err[ERRLEN];
    int64_t now = time_now_ms();
    pr_scan_finish(t->pr);
    struct pr_link pr;
    bool has_pr = pr_scan_result(t->pr, &pr) == 1;
    if (has_pr) runset_set_pr(c->rs, t->run_uid, pr.number, pr.url, pr.source);
    /* agent.no-pr: succeeded, needed a PR, none in the log */
    if (!has_pr && linkage_needs_pr(&r->run))
        classify_add_finding(t->cls, CLASS_NO_PR, "no-pr", 30,
                             "the run succeeded without a pull request",
                             "read-write VCS and a head branch, but no PR link in the runner log");
    struct classify_result *cr = classify_finish(t->cls);
    if (cr && cr->has_primary) {
        struct rs_failure f = {.cls = cr->primary.class_id, .rule = cr->primary.rule_id,
                               .container = t->container, .hint = cr->primary.hint,
                               .text = cr->primary.text, .line = cr->primary.line > 0 ? cr->primary.line : -1};
        runset_set_failure(c->rs, t->run_uid, &f);
    }
    r = runset_find(c->rs, t->run_uid);
    if (s->store && r) {
        store_tx_open(s);
        store_put_log(s->store, ctx_name(s), t->pod_uid, t->container, false, t->keep.p ? t->keep.p : "",
                      t->keep.len, now, err, sizeof err);
        struct store_run sr;
        if (store_get_run(s->store, r->run.context, r->run.ns, r->run.name, &sr, err, sizeof err) == 1) {
            if (cr) {
                const char *ph = r->run.phase ? r->run.phase : "";
                struct store_class k = {
                    .cls = cr->has_primary ? cr->primary.class_id : NULL,
                    .rule = cr->has_primary ? cr->primary.rule_id : NULL,
                    .text = cr->has_primary ? cr->primary.text : NULL,
                    .hint = cr->has_primary ? cr->primary.hint : NULL,
                    .line = cr->has_primary && cr->primary.line > 0 ? cr->primary.line : -1,
                    .pod = t->pod, .container = t->container, .log_time = TIME_NONE,
                    .outcome = strcmp(ph, "Failed") == 0 ? "failed" : strcmp(ph, "Succeeded") == 0 ? "succeeded" : "unknown",
                };
                store_put_classification(s->store, sr.id, &k, now, err, sizeof err);
            }
            if (has_pr)
                store_put_pr(s->store, sr.id, pr.url, pr.number, pr.repository, pr.source, TIME_NONE, now,
                             err, sizeof err);
            store_run_free(&sr);
        }
    }
    if (has_pr) pr_link_free(&pr);
    classify_result_free(cr);
    triage_free(t);
}

static bool rules_ready(struct source *s)
{
    if (!s->rules && !s->rules_failed) {
        char err[ERRLEN];
        struct classify_rules_opts o = {.extra_dir = s->c->cli->rules_dir};
        s->rules = classify_rules_load(&o, NULL, err, sizeof err);
        if (!s->rules) {
            s->rules_failed = true;
            console_say(s->c, true, "%s", err);
        }
    }
    return s->rules != NULL;
}

/* A failed run with no verdict yet gets one from its status alone (its pods
 * may be gone); a log read later replaces it. */
static void classify_from_status(struct source *s, struct rs_run *r)
{
    if (r->fail.cls || !r->run.phase || strcmp(r->run.phase, "Failed") != 0 || !rules_ready(s)) return;
    struct classify_ctx *k = classify_new(s->rules, CLASSIFY_OUTCOME_FAILED);
    run_signals_add(k, &r->run, r->pods, r->npods);
    struct classify_result *cr = classify_finish(k);
    if (cr && cr->has_primary && cr->primary.class_id && strcmp(cr->primary.class_id, "unknown") != 0) {
        struct rs_failure f = {.cls = cr->primary.class_id, .rule = cr->primary.rule_id,
                               .hint = cr->primary.hint, .text = cr->primary.text, .line = -1};
        runset_set_failure(s->c->rs, r->run.uid, &f);
    }
    classify_result_free(cr);
    classify_free(k);
}

static void triage_start_next(struct source *s)
{
    struct console *c = s->c;
    if (!s->kube || !s->ntq) return;
    rules_ready(s);
    for (int i = 0; i < TRIAGE_PARALLEL && s->ntq; i++) {
        if (s->active[i]) continue;
        struct triage_item it = s->tq[0];
        memmove(s->tq, s->tq + 1, (s->ntq - 1) * sizeof *s->tq);
        s->ntq--;
        struct rs_run *r = runset_find(c->rs, it.run_uid);
        if (!r || !s->rules) {
            triage_item_free(&it);
            continue;
        }
        struct triage *t = xcalloc(1, sizeof *t);
        t->src = s;
        t->run_uid = it.run_uid;
        t->ns = it.ns;
        t->pod = it.pod;
        t->pod_uid = it.pod_uid;
        t->container = it.container;
        t->cls = classify_new(s->rules, run_outcome(&r->run));
        char *prefix = xasprintf("log:%s/%s", t->pod, t->container);
        t->pr = pr_scan_new(r->run.repository, prefix);
        free(prefix);
        run_signals_add(t->cls, &r->run, r->pods, r->npods);
        struct kube_req q = {
            .verb = KUBE_LOGS, .ns = t->ns, .name = t->pod, .container = t->container,
            .on_data = triage_data, .on_done = triage_done, .ud = t,
        };
        s->active[i] = t;
        t->req = kube_request_start(s->kube, &q);
        if (t->req && kube_request_kubectl(t->req)) console_cmdlog(c, kube_request_kubectl(t->req));
    }
}

static void triage_stop(struct source *s)
{
    for (int i = 0; i < TRIAGE_PARALLEL; i++) {
        triage_free(s->active[i]);
        s->active[i] = NULL;
    }
    for (size_t i = 0; i < s->ntq; i++) triage_item_free(&s->tq[i]);
    s->ntq = 0;
}

/* ---- cluster ---- */

static void watcher_start_list(struct watcher *w);

static void store_tx_open(struct source *s)
{
    char err[ERRLEN];
    if (s->store && !s->store_tx && store_begin(s->store, err, sizeof err) == 0) s->store_tx = true;
}

static void store_tx_close(struct source *s)
{
    char err[ERRLEN];
    if (s->store && s->store_tx) {
        if (store_commit(s->store, err, sizeof err) != 0) store_rollback(s->store);
        s->store_tx = false;
    }
}

static void apply_object(struct watcher *w, enum rs_event ev, const cJSON *obj)
{
    struct source *s = w->src;
    struct console *c = s->c;
    char err[ERRLEN];
    int64_t now = time_now_ms();
    if (w->pods) {
        struct pod p;
        if (pod_parse(obj, &p, err, sizeof err) != 0) return;
        if (s->store) {
            store_tx_open(s);
            if (ev == RS_EV_DELETED) store_mark_pod_deleted(s->store, ctx_name(s), p.uid, now, err, sizeof err);
            else store_put_pod(s->store, ctx_name(s), &p, now, err, sizeof err);
        }
        if (ev != RS_EV_DELETED) triage_consider(s, &p);
        runset_apply_pod(c->rs, ev, &p);
        pod_free(&p);
        return;
    }
    struct agentrun a;
    if (agentrun_parse(obj, &a, err, sizeof err) != 0) return;
    free(a.context);
    a.context = xstrdup(ctx_name(s));
    if (s->store) {
        store_tx_open(s);
        if (ev == RS_EV_DELETED) store_mark_run_deleted(s->store, ctx_name(s), a.uid, now, err, sizeof err);
        else store_put_run(s->store, &a, now, NULL, err, sizeof err);
    }
    char *uid = xstrdup(a.uid);
    bool known = runset_find(c->rs, uid) != NULL;
    runset_apply_run(c->rs, ev, &a, false);
    struct rs_run *r = runset_find(c->rs, uid);
    if (r) r->mark = w->epoch;
    if (!known) queue_link(s, uid);
    /* pods that came before their run, or a run that just ended */
    if (r && ev != RS_EV_DELETED) {
        classify_from_status(s, r);
        for (size_t i = 0; i < r->npods; i++) triage_consider(s, &r->pods[i]);
    }
    free(uid);
}

static void went_live(struct watcher *w)
{
    struct source *s = w->src;
    struct console *c = s->c;
    w->failures = 0;
    w->live = true;
    if (s->runs.live && s->pods.live) {
        c->conn = CONN_LIVE;
        s->ever_live = true;
        set_conn_detail(c, NULL);
        c->redraw = true;
    }
}

static void retry_fire(void *ud)
{
    struct watcher *w = ud;
    w->timer = NULL;
    watcher_start_list(w);
}

static void watcher_failed(struct watcher *w, const char *why)
{
    struct source *s = w->src;
    struct console *c = s->c;
    w->live = false;
    w->failures++;
    int64_t delay = 1000;
    for (int i = 1; i < w->failures && delay < BACKOFF_MAX_MS; i++) delay *= 2;
    if (delay > BACKOFF_MAX_MS) delay = BACKOFF_MAX_MS;
    c->next_try_ms = time_now_ms() + delay;
    /* never reached the cluster, or lost it twice: browse the cache */
    c->conn = (!s->ever_live || w->failures > 2) ? CONN_OFFLINE : CONN_RECONNECTING;
    if (c->conn == CONN_OFFLINE && c->data_time_ms == TIME_NONE) c->data_time_ms = time_now_ms();
    set_conn_detail(c, why);
    if (why) console_say(c, true, "%s", c->conn_detail);
    c->redraw = true;
    if (w->timer) kube_timer_cancel(w->timer);
    w->timer = kube_timer_start(s->kube, delay, retry_fire, w);
}

static int watch_line(void *ud, const char *line, size_t len, const struct kube_line_info *info)
{
    struct watcher *w = ud;
    if (info->overflow || len == 0) return 0;
    struct kube_event ev;
    char err[ERRLEN];
    if (kube_event_parse(line, len, &ev, err, sizeof err) != 0) return 0;
    if (ev.rv) {
        free(w->rv);
        w->rv = xstrdup(ev.rv);
    }
    switch (ev.type) {
    case KUBE_EV_ADDED: apply_object(w, RS_EV_ADDED, ev.object); break;
    case KUBE_EV_MODIFIED: apply_object(w, RS_EV_MODIFIED, ev.object); break;
    case KUBE_EV_DELETED: apply_object(w, RS_EV_DELETED, ev.object); break;
    case KUBE_EV_BOOKMARK: break;
    case KUBE_EV_ERROR:
        /* 410 Gone (or any error event): our resourceVersion is too old */
        free(w->rv);
        w->rv = NULL;
        break;
    }
    cJSON_Delete(ev.root);
    return 0;
}

static int watch_data(void *ud, const char *data, size_t n)
{
    struct watcher *w = ud;
    kube_lines_feed(&w->lines, data, n, watch_line, w);
    return 0;
}

static void watch_open(void *ud, long http)
{
    (void)http;
    went_live(ud);
}

static void watch_done(void *ud, const struct kube_result *res)
{
    struct watcher *w = ud;
    w->watch = NULL;
    kube_lines_finish(&w->lines, watch_line, w);
    kube_lines_reset(&w->lines);
    if (res->ok && w->rv) {
        /* the server ended the watch (its timeout): resume where we were */
        struct source *s = w->src;
        if (w->timer) kube_timer_cancel(w->timer);
        w->timer = kube_timer_start(s->kube, 0, retry_fire, w);
        w->failures = 0;
        return;
    }
    if (res->ok || res->http == 410) {
        free(w->rv);
        w->rv = NULL;
        watcher_start_list(w);
        return;
    }
    watcher_failed(w, res->error);
}

static void watcher_start_watch(struct watcher *w)
{
    struct source *s = w->src;
    struct kube_req q = {
        .verb = KUBE_WATCH,
        .res = w->res,
        .ns = scope_ns(s),
        .label_selector = w->label,
        .resource_version = w->rv,
        .allow_bookmarks = true,
        .on_data = watch_data,
        .on_done = watch_done,
        .on_open = watch_open,
        .ud = w,
    };
    kube_lines_reset(&w->lines);
    w->watch = kube_request_start(s->kube, &q);
    if (w->watch && kube_request_kubectl(w->watch)) console_cmdlog(s->c, kube_request_kubectl(w->watch));
}

static void list_page(void *ud, cJSON *list)
{
    struct watcher *w = ud;
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(list, "items"), *it;
    cJSON_ArrayForEach(it, items) {
        if (!cJSON_IsObject(it)) continue;
        apply_object(w, RS_EV_ADDED, it);
        w->listed++;
    }
}

/* After a full list: runs of our scope that the server no longer has. The
 * cache learns it too, as from a DELETED event: their deletion fell in a
 * gap the watch could not replay (410), and `--offline` and the postmortem
 * must not show them as still on the server. */
static void sweep_deleted(struct watcher *w)
{
    struct source *s = w->src;
    struct console *c = s->c;
    const char *ns = scope_ns(s);
    char err[ERRLEN];
    int64_t now = time_now_ms();
    for (size_t i = 0; i < runset_count(c->rs); i++) {
        struct rs_run *r = runset_at(c->rs, i);
        if (r->deleted || r->mark == w->epoch) continue;
        if (ns && (!r->run.ns || strcmp(r->run.ns, ns) != 0)) continue;
        if (s->store && r->run.uid) {
            store_tx_open(s);
            store_mark_run_deleted(s->store, ctx_name(s), r->run.uid, now, err, sizeof err);
        }
        struct agentrun gone = {0};
        gone.uid = xstrdup(r->run.uid);
        gone.ns = xstrdup(r->run.ns);
        gone.name = xstrdup(r->run.name);
        runset_apply_run(c->rs, RS_EV_DELETED, &gone, false);
        agentrun_free(&gone);
    }
}

static void list_done(void *ud, const struct kube_result *res, const char *rv)
{
    struct watcher *w = ud;
    struct source *s = w->src;
    w->list = NULL;
    if (res->kubectl) console_cmdlog(s->c, res->kubectl);
    if (!res->ok) {
        watcher_failed(w, res->error);
        return;
    }
    if (!w->pods) sweep_deleted(w);
    free(w->rv);
    w->rv = xstrdup(rv);
    went_live(w);
    watcher_start_watch(w);
}

static void watcher_start_list(struct watcher *w)
{
    struct source *s = w->src;
    if (w->rv) {
        watcher_start_watch(w);
        return;
    }
    w->epoch++;
    w->listed = 0;
    struct kube_list_opts o = {
        .res = w->res,
        .ns = scope_ns(s),
        .label_selector = w->label,
        .on_page = list_page,
        .on_done = list_done,
        .ud = w,
    };
    w->list = kube_list_start(s->kube, &o);
}

static void watcher_stop(struct watcher *w)
{
    if (w->list) kube_list_cancel(w->list);
    if (w->watch) kube_request_cancel(w->watch);
    if (w->timer) kube_timer_cancel(w->timer);
    w->list = NULL;
    w->watch = NULL;
    w->timer = NULL;
    free(w->rv);
    w->rv = NULL;
    w->live = false;
    w->failures = 0;
    kube_lines_reset(&w->lines);
}

static void cluster_stop(struct source *s)
{
    triage_stop(s);
    watcher_stop(&s->runs);
    watcher_stop(&s->pods);
    if (s->kube) kube_client_free(s->kube);
    s->kube = NULL;
}

static void cluster_start(struct source *s)
{
    struct console *c = s->c;
    char err[ERRLEN];
    if (!s->kc && kubeconfig_load(c->cli->kubeconfig, &s->kc, err, sizeof err) != 0) {
        c->conn = CONN_OFFLINE;
        set_conn_detail(c, err);
        console_say(c, true, "%s", c->conn_detail);
        return;
    }
    struct kube_config *cfg;
    if (kubeconfig_resolve(s->kc, c->context, c->all_ns ? NULL : c->ns, &cfg, err, sizeof err) != 0) {
        c->conn = CONN_OFFLINE;
        set_conn_detail(c, err);
        console_say(c, true, "%s", c->conn_detail);
        return;
    }
    free(c->context);
    c->context = xstrdup(cfg->context);
    if (!c->ns) c->ns = xstrdup(cfg->ns);
    int rc = kube_client_new(cfg, &s->kube, err, sizeof err);
    kube_config_free(cfg);
    if (rc != 0) {
        c->conn = CONN_OFFLINE;
        set_conn_detail(c, err);
        console_say(c, true, "%s", c->conn_detail);
        return;
    }
    kube_client_set_interactive(s->kube, false);
    c->conn = CONN_CONNECTING;
    watcher_start_list(&s->runs);
    watcher_start_list(&s->pods);
}

/* ---- source API ---- */

static void cache_start(struct source *s)
{
    if (!s->store) return;
    s->cache_loading = true;
    s->cache_until = TIME_NONE;
    s->cache_loaded = 0;
    link_clear(s);
}

struct source *source_new(struct console *c)
{
    struct source *s = xcalloc(1, sizeof *s);
    s->c = c;
    s->wake_pipe[0] = s->wake_pipe[1] = -1;
    if (pipe(s->wake_pipe) != 0) s->wake_pipe[0] = s->wake_pipe[1] = -1;
    s->runs = (struct watcher){.src = s, .res = &KUBE_AGENTRUNS};
    s->pods = (struct watcher){.src = s, .res = &KUBE_PODS, .label = "agents.proompteng.ai/agent-run", .pods = true};
    kube_lines_init(&s->runs.lines, KUBE_MAX_WATCH_LINE);
    kube_lines_init(&s->pods.lines, KUBE_MAX_WATCH_LINE);
    char err[ERRLEN];
    struct store_opts so;
    store_opts_default(&so);
    so.read_only = c->cli->offline;
    s->store = store_open(c->cli->db, &so, err, sizeof err);
    if (!s->store) console_say(c, true, "%s", err);
    if (c->cli->offline) {
        c->conn = CONN_OFFLINE;
        /* name the scope from the kubeconfig if there is one, quietly */
        if (kubeconfig_load(c->cli->kubeconfig, &s->kc, err, sizeof err) == 0) {
            struct kube_config *cfg;
            if (kubeconfig_resolve(s->kc, c->context, c->ns, &cfg, err, sizeof err) == 0) {
                if (!c->context || !*c->context) {
                    free(c->context);
                    c->context = xstrdup(cfg->context && *cfg->context ? cfg->context : NULL);
                }
                if (!c->ns) c->ns = xstrdup(cfg->ns);
                kube_config_free(cfg);
            }
        }
    }
    /* the context first (the cache is per context), then the cache */
    if (!c->cli->offline) cluster_start(s);
    cache_start(s);
    return s;
}

void source_free(struct source *s)
{
    if (!s) return;
    cluster_stop(s);
    store_tx_close(s);
    link_clear(s);
    free(s->link);
    free(s->tq);
    for (size_t i = 0; i < s->ntriaged; i++) free(s->triaged[i]);
    free(s->triaged);
    if (s->rules) classify_rules_free(s->rules);
    kube_lines_free(&s->runs.lines);
    kube_lines_free(&s->pods.lines);
    if (s->kc) kubeconfig_free(s->kc);
    if (s->store) store_close(s->store);
    if (s->wake_pipe[0] >= 0) close(s->wake_pipe[0]);
    if (s->wake_pipe[1] >= 0) close(s->wake_pipe[1]);
    free(s);
}

struct kube_client *source_kube(struct source *s)
{
    return s->kube;
}

struct store *source_store(struct source *s)
{
    return s->store;
}

const struct classify_rules *source_rules(struct source *s)
{
    return rules_ready(s) ? s->rules : NULL;
}

void source_wakeup(struct source *s)
{
    if (s->kube) kube_client_wakeup(s->kube);
    if (s->wake_pipe[1] >= 0) {
        ssize_t w = write(s->wake_pipe[1], "x", 1);
        (void)w;
    }
}

void source_wait(struct source *s, int tty_fd, int timeout_ms, bool *tty_ready)
{
    *tty_ready = false;
    if (s->kube) {
        struct curl_waitfd fds[2] = {{.fd = tty_fd, .events = CURL_WAIT_POLLIN}};
        unsigned n = 1;
        if (s->wake_pipe[0] >= 0) fds[n++] = (struct curl_waitfd){.fd = s->wake_pipe[0], .events = CURL_WAIT_POLLIN};
        kube_client_wait(s->kube, fds, n, timeout_ms);
        *tty_ready = fds[0].revents != 0;
        if (n > 1 && fds[1].revents) {
            char b[16];
            ssize_t r = read(s->wake_pipe[0], b, sizeof b);
            (void)r;
        }
        return;
    }
    struct pollfd p[2] = {{.fd = tty_fd, .events = POLLIN}};
    nfds_t n = 1;
    if (s->wake_pipe[0] >= 0) p[n++] = (struct pollfd){.fd = s->wake_pipe[0], .events = POLLIN};
    if (poll(p, n, timeout_ms) > 0) {
        *tty_ready = p[0].revents != 0;
        if (n > 1 && p[1].revents) {
            char b[16];
            ssize_t r = read(s->wake_pipe[0], b, sizeof b);
            (void)r;
        }
    }
}

/* A key typed while background work runs goes first: the loop returns to
 * the terminal at the next slice instead of spending its whole budget. */
static bool key_waiting(void)
{
    struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
    return poll(&p, 1, 0) > 0 && (p.revents & POLLIN);
}

/* The status bar's progress, from what is under way now: one text for
 * several independent jobs, so it is worked out again after each step
 * rather than set and cleared by each job (linking that ended used to
 * clear "reading logs" while logs were still being read). */
static void update_progress(struct source *s)
{
    struct console *c = s->c;
    bool reading = false;
    for (int i = 0; i < TRIAGE_PARALLEL; i++) reading |= s->active[i] != NULL;
    char p[sizeof c->progress];
    if (s->cache_loading && s->store) snprintf(p, sizeof p, "cache: %zu runs", s->cache_loaded);
    else if (s->runs.list && s->runs.listed) snprintf(p, sizeof p, "listing: %zu runs", s->runs.listed);
    else if (s->linkpos < s->nlink) snprintf(p, sizeof p, "linking: %zu/%zu", s->linkpos, s->nlink);
    else if (reading || s->ntq) snprintf(p, sizeof p, "reading logs: %zu queued", s->ntq);
    else p[0] = 0;
    if (strcmp(p, c->progress) != 0) {
        memcpy(c->progress, p, sizeof p);
        c->redraw = true;
    }
}

bool source_step(struct source *s, int budget_ms)
{
    struct console *c = s->c;
    int64_t start = time_mono_ms();
    if (s->kube) {
        kube_client_perform(s->kube);
        triage_start_next(s);
        store_tx_close(s);
    }
    if (s->cache_loading && s->store) cache_page(s);
    while (s->linkpos < s->nlink && time_mono_ms() - start < budget_ms && !key_waiting()) {
        for (int k = 0; k < LINK_SLICE && s->linkpos < s->nlink; k++) {
            link_one(s, s->link[s->linkpos].uid);
            s->linkpos++;
        }
    }
    if (s->linkpos >= s->nlink && s->nlink) {
        link_clear(s);
        c->redraw = true;
    }
    update_progress(s);
    return s->cache_loading || s->linkpos < s->nlink;
}

void source_switch(struct source *s)
{
    struct console *c = s->c;
    cluster_stop(s);
    c->progress[0] = 0;
    c->data_time_ms = TIME_NONE;
    if (!c->cli->offline) cluster_start(s);
    else c->conn = CONN_OFFLINE;
    cache_start(s);
}

void source_refresh(struct source *s)
{
    if (s->c->cli->offline || !s->kube) {
        source_switch(s);
        return;
    }
    watcher_stop(&s->runs);
    watcher_stop(&s->pods);
    s->c->conn = CONN_CONNECTING;
    watcher_start_list(&s->runs);
    watcher_start_list(&s->pods);
}
