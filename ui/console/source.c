/* source — see source.h. Two feeds into the run set:
 *
 * The history cache (store) is read first, in pages of newest runs, so
 * the list paints at once even from 100,000 cached runs; then, run by run,
 * its classifier verdicts, PR links and pods (digests) are attached. Runs
 * the cache says were deleted show as deleted.
 *
 * The cluster: the feed (src/feed: list + watch of AgentRuns and their
 * pods, resume, relist on 410, one backoff policy) into this file's sink:
 * a list frame marks runs it no longer returns as deleted; the feed's
 * state goes to the status bar ("reconnecting" with the next try's time;
 * from the third failure in a row, or when the first contact fails,
 * offline, with what the console has kept browsable). What the cluster
 * shows is written to the cache as it arrives.
 *
 * Triage: when a run's runner container has terminated and the cache has
 * no verdict for it, its log is streamed (two at a time) through the
 * classifier and the PR scanner chunk by chunk as it arrives, and the
 * verdict, PR link and log go to the run set and the cache. */
#include "source.h"
#include "model/logstamp.h"
#include "view.h"
#include "kube/client.h"
#include "kube/kubeconfig.h"
#include "feed/feed.h"
#include "classify/classify.h"
#include "runs/runclass.h"
#include "runs/triage.h"
#include "model/agentrun.h"
#include "model/linkage.h"
#include "store/store.h"
#include "sync/sync.h"
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

struct source;

struct link_item {
    char *uid;
};

struct source {
    struct console *c;
    struct kubeconfig *kc;
    struct kube_client *kube;
    struct feed *feed;
    uint64_t epoch;       /* the run list frame: runs it brought carry this mark */
    size_t listed;        /* runs the open frame brought so far */
    bool listing;
    struct store *store;
    bool store_tx;
    bool cache_failed;    /* a write failed and was said */
    /* cache pages */
    bool cache_loading;
    int64_t cache_until;
    size_t cache_loaded;
    /* linkage from the cache, by uid */
    struct link_item *link;
    size_t nlink, caplink, linkpos;
    bool ever_live;
    int wake_pipe[2];
    /* log triage (src/runs/triage.c), made with the cluster client */
    struct classify_rules *rules;
    bool rules_failed;
    struct triage *triage;
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

/* A failed cache write is said once (the console keeps showing the
 * cluster; what it could not write is missing from the history). */
static void cache_wrote(struct source *s, int rc, const char *err)
{
    if (rc >= 0 || s->cache_failed) return;
    s->cache_failed = true;
    console_say(s->c, true, "history cache not updated: %s", err);
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
        if (!store_run_take_agentrun(sr, &a)) continue;
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

/* ---- triage: logs through the classifier and the PR scanner (src/runs/triage.c) ---- */

static bool rules_ready(struct source *s);

static bool triage_run_of(void *ud, const char *uid, struct triage_run *out)
{
    struct source *s = ud;
    struct rs_run *r = runset_find(s->c->rs, uid);
    if (!r) return false;
    *out = (struct triage_run){&r->run, r->pods, r->npods};
    return true;
}

/* A log was read: its verdict and PR to the run set, then to the cache. */
static void triage_result(void *ud, const struct triage_result *t)
{
    struct source *s = ud;
    struct console *c = s->c;
    const struct pr_link *pr = t->pr;
    if (pr) runset_set_pr(c->rs, t->run_uid, pr->number, pr->url, pr->source);
    const struct classify_result *cr = t->verdict;
    if (cr && cr->has_primary) {
        struct rs_failure f = {.cls = cr->primary.class_id, .rule = cr->primary.rule_id,
                               .container = (char *)t->container, /* copied by the run set */ .hint = cr->primary.hint,
                               .text = cr->primary.text, .line = cr->primary.line > 0 ? cr->primary.line : -1};
        runset_set_failure(c->rs, t->run_uid, &f);
    }
    struct rs_run *r = runset_find(c->rs, t->run_uid);
    if (s->store && r) {
        char err[ERRLEN];
        store_tx_open(s);
        cache_wrote(s, triage_record(s->store, ctx_name(s), s->rules, &r->run, t, time_now_ms(), err, sizeof err), err);
    }
}

/* Queues the runner log of a terminated pod of a run that still lacks a
 * verdict or a PR. */
static void triage_consider_pod(struct source *s, const struct pod *p)
{
    if (!s->kube || !p->run_name) return;
    struct rs_run *r = runset_find_name(s->c->rs, p->ns, p->run_name);
    if (!r || !r->run.uid || (r->fail.cls && r->pr_url)) return;
    if (!s->triage) {
        if (!rules_ready(s)) return;
        struct triage_hooks h = {.run = triage_run_of, .done = triage_result, .ud = s};
        s->triage = triage_new(s->kube, s->rules, &h);
    }
    triage_consider(s->triage, &r->run, p);
}

/* Problems in rule files (the broken rule is skipped, the rest apply): the
 * message line names the first and how many, `:log` keeps every one. */
static void rule_warnings(struct console *c, const struct buf *warn)
{
    size_t n = 0;
    const char *first = NULL, *first_end = NULL;
    for (const char *p = warn->p, *end = warn->p + warn->len; p && p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        if (e > p) {
            char *line = xasprintf("# rule file problem: %.*s", (int)(e - p), p);
            console_cmdlog(c, line);
            free(line);
            if (!n++) {
                first = p;
                first_end = e;
            }
        }
        p = e + 1;
    }
    if (n == 1) console_say(c, true, "rule file problem: %.*s", (int)(first_end - first), first);
    else if (n > 1)
        console_say(c, true, "%zu rule file problems (see :log), first: %.*s", n, (int)(first_end - first), first);
}

static bool rules_ready(struct source *s)
{
    if (!s->rules && !s->rules_failed) {
        char err[ERRLEN];
        struct buf warn = {0};
        s->rules = runclass_load(s->c->cli->rules_dir, &warn, err, sizeof err);
        rule_warnings(s->c, &warn);
        buf_free(&warn);
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
    struct classify_result *cr = runclass_status(s->rules, &r->run, r->pods, r->npods);
    if (cr) {
        struct rs_failure f = {.cls = cr->primary.class_id, .rule = cr->primary.rule_id,
                               .hint = cr->primary.hint, .text = cr->primary.text, .line = -1};
        runset_set_failure(s->c->rs, r->run.uid, &f);
    }
    classify_result_free(cr);
}

/* ---- cluster ---- */


static void store_tx_open(struct source *s)
{
    char err[ERRLEN];
    if (s->store && !s->store_tx && store_begin(s->store, err, sizeof err) == 0) s->store_tx = true;
}

static void store_tx_close(struct source *s)
{
    char err[ERRLEN];
    if (s->store && s->store_tx) {
        if (store_commit(s->store, err, sizeof err) != 0) {
            cache_wrote(s, -1, err);
            store_rollback(s->store);
        }
        s->store_tx = false;
    }
}

/* ---- the feed's sink: run set and cache ---- */

static void apply_object(struct source *s, enum feed_kind kind, enum rs_event ev, const cJSON *obj)
{
    struct console *c = s->c;
    char err[ERRLEN];
    int64_t now = time_now_ms();
    if (kind == FEED_PODS) {
        struct pod p;
        if (pod_parse(obj, &p, err, sizeof err) != 0) return;
        if (s->store) {
            store_tx_open(s);
            if (ev == RS_EV_DELETED)
                cache_wrote(s, store_mark_pod_deleted(s->store, ctx_name(s), p.uid, now, err, sizeof err), err);
            else
                cache_wrote(s, store_put_pod(s->store, ctx_name(s), &p, now, err, sizeof err), err);
        }
        if (ev != RS_EV_DELETED) triage_consider_pod(s, &p);
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
        if (ev == RS_EV_DELETED)
            cache_wrote(s, store_mark_run_deleted(s->store, ctx_name(s), a.uid, now, err, sizeof err), err);
        else
            cache_wrote(s, store_put_run(s->store, &a, now, NULL, err, sizeof err), err);
    }
    char *uid = xstrdup(a.uid);
    bool known = runset_find(c->rs, uid) != NULL;
    runset_apply_run(c->rs, ev, &a, false);
    struct rs_run *r = runset_find(c->rs, uid);
    if (r) r->mark = s->epoch;
    if (!known) queue_link(s, uid);
    /* pods that came before their run, or a run that just ended */
    if (r && ev != RS_EV_DELETED) {
        classify_from_status(s, r);
        for (size_t i = 0; i < r->npods; i++) triage_consider_pod(s, &r->pods[i]);
    }
    free(uid);
}

static void k_begin(void *ud, enum feed_kind kind)
{
    struct source *s = ud;
    if (kind != FEED_RUNS) return;
    s->epoch++;
    s->listed = 0;
    s->listing = true;
}

static void k_upsert(void *ud, enum feed_kind kind, const cJSON *obj, bool listed)
{
    struct source *s = ud;
    apply_object(s, kind, listed ? RS_EV_ADDED : RS_EV_MODIFIED, obj);
    if (listed && kind == FEED_RUNS) s->listed++;
}

static void k_removed(void *ud, enum feed_kind kind, const cJSON *last)
{
    apply_object(ud, kind, RS_EV_DELETED, last);
}

/* After a full list: runs of our scope that the server no longer has. The
 * cache learns it too, as from a DELETED event: their deletion fell in a
 * gap the watch could not replay (410), and `--offline` and the postmortem
 * must not show them as still on the server. */
static void k_end(void *ud, enum feed_kind kind)
{
    struct source *s = ud;
    struct console *c = s->c;
    if (kind != FEED_RUNS) return;
    s->listing = false;
    const char *ns = scope_ns(s);
    char err[ERRLEN];
    int64_t now = time_now_ms();
    for (size_t i = 0; i < runset_count(c->rs); i++) {
        struct rs_run *r = runset_at(c->rs, i);
        if (r->deleted || r->mark == s->epoch) continue;
        if (ns && (!r->run.ns || strcmp(r->run.ns, ns) != 0)) continue;
        if (s->store && r->run.uid) {
            store_tx_open(s);
            cache_wrote(s, store_mark_run_deleted(s->store, ctx_name(s), r->run.uid, now, err, sizeof err), err);
        }
        struct agentrun gone = {0};
        gone.uid = xstrdup(r->run.uid);
        gone.ns = xstrdup(r->run.ns);
        gone.name = xstrdup(r->run.name);
        runset_apply_run(c->rs, RS_EV_DELETED, &gone, false);
        agentrun_free(&gone);
    }
    c->redraw = true;
}

/* The feed's one state, in the status bar: live; reconnecting with the
 * next try's time; offline (the cache stays browsable) when the cluster
 * was never reached, from the third failure in a row, or for good. */
static void k_state(void *ud, const struct kube_conn_state *st)
{
    struct source *s = ud;
    struct console *c = s->c;
    switch (st->state) {
    case KUBE_CONN_CONNECTING: c->conn = CONN_CONNECTING; break;
    case KUBE_CONN_LIVE:
        c->conn = CONN_LIVE;
        s->ever_live = true;
        set_conn_detail(c, NULL);
        break;
    case KUBE_CONN_RECONNECTING:
    case KUBE_CONN_FAILED:
        c->next_try_ms = st->next_try_ms;
        c->conn = (st->state == KUBE_CONN_FAILED || !s->ever_live || st->failures > 2) ? CONN_OFFLINE
                                                                                      : CONN_RECONNECTING;
        if (c->conn == CONN_OFFLINE && c->data_time_ms == TIME_NONE) c->data_time_ms = time_now_ms();
        if (st->error && (!c->conn_detail || strcmp(c->conn_detail, st->error) != 0)) {
            set_conn_detail(c, st->error);
            console_say(c, true, "%s", c->conn_detail);
        }
        break;
    }
    c->redraw = true;
}

static void request_logged(void *ud, const char *kubectl) { console_cmdlog(ud, kubectl); }

static void feed_begin(struct source *s)
{
    feed_stop(s->feed);
    struct feed_sink k = {.begin = k_begin, .upsert = k_upsert, .removed = k_removed, .end = k_end,
                          .state = k_state, .ud = s};
    struct feed_opts o = {.ns = scope_ns(s)};
    s->listing = false;
    s->c->conn = CONN_CONNECTING;
    s->feed = feed_start(s->kube, &o, &k);
}

static void cluster_stop(struct source *s)
{
    /* the reads run on the client: they go with it */
    triage_free(s->triage);
    s->triage = NULL;
    feed_stop(s->feed);
    s->feed = NULL;
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
    /* every call the client makes, in :log (list pages, watch reconnects, logs, reruns' dry runs) */
    kube_client_set_request_log(s->kube, request_logged, c);
    feed_begin(s);
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
    if (s->rules) classify_rules_free(s->rules);
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
    bool reading = triage_reading(s->triage);
    size_t queued = triage_queued(s->triage);
    char p[sizeof c->progress];
    if (s->cache_loading && s->store) snprintf(p, sizeof p, "cache: %zu runs", s->cache_loaded);
    else if (s->listing && s->listed) snprintf(p, sizeof p, "listing: %zu runs", s->listed);
    else if (s->linkpos < s->nlink) snprintf(p, sizeof p, "linking: %zu/%zu", s->linkpos, s->nlink);
    else if (reading || queued) snprintf(p, sizeof p, "reading logs: %zu queued", queued);
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
        if (s->triage) triage_pump(s->triage);
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
    feed_begin(s);
}
