/* source — see source.h. The run set is fed by feedsink.c (the feed's
 * events and the seeding from the history cache, one path); this file
 * starts and stops the cluster (kubeconfig, client, feed), waits for the
 * loop and hands finished runs to log triage.
 *
 * Triage: when a run's runner container has terminated and the cache has
 * no verdict for it, its log is streamed (two at a time) through the
 * classifier and the PR scanner chunk by chunk as it arrives, and the
 * verdict, PR link and log go to the run set and the cache. */
#include "source.h"
#include "feedsink.h"
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

struct source;

struct source {
    struct console *c;
    struct kubeconfig *kc;
    struct kube_client *kube;
    struct feed *feed;
    struct store *store;
    struct feedsink *sink; /* the run set's feed glue and the cache's writer */
    int wake_pipe[2];
    /* log triage (src/runs/triage.c), made with the cluster client */
    struct classify_rules *rules;
    bool rules_failed;
    struct triage *triage;
    struct agentrun triage_copy; /* the run triage asked for last (the run set keeps no agentrun) */
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


/* ---- triage: logs through the classifier and the PR scanner (src/runs/triage.c) ---- */

static bool rules_ready(struct source *s);

static bool triage_run_of(void *ud, const char *uid, struct triage_run *out)
{
    struct source *s = ud;
    struct rs_run *r = runset_find(s->c->rs, ctx_name(s), uid);
    if (!r) return false;
    agentrun_free(&s->triage_copy);
    rs_run_agentrun(r, &s->triage_copy);
    *out = (struct triage_run){&s->triage_copy, r->links->pods, r->links->npods};
    return true;
}

/* A log was read: its verdict and PR to the run set, then to the cache. */
static void triage_result(void *ud, const struct triage_result *t)
{
    struct source *s = ud;
    struct console *c = s->c;
    const struct pr_link *pr = t->pr;
    if (pr) runset_set_pr(c->rs, ctx_name(s), t->run_uid, pr->number, pr->url, pr->source);
    const struct classify_result *cr = t->verdict;
    if (cr && cr->has_primary) {
        struct rs_failure f = {.cls = cr->primary.class_id, .rule = cr->primary.rule_id,
                               .container = (char *)t->container, /* copied by the run set */ .hint = cr->primary.hint,
                               .text = cr->primary.text, .line = cr->primary.line > 0 ? cr->primary.line : -1};
        runset_set_failure(c->rs, ctx_name(s), t->run_uid, &f);
    }
    struct rs_run *r = runset_find(c->rs, ctx_name(s), t->run_uid);
    if (s->store && r) {
        char err[ERRLEN];
        feedsink_tx_open(s->sink);
        struct agentrun a;
        rs_run_agentrun(r, &a);
        feedsink_wrote(s->sink, triage_record(s->store, ctx_name(s), s->rules, &a, t, time_now_ms(), err, sizeof err), err);
        agentrun_free(&a);
    }
}

/* Queues the runner log of a terminated pod of a run that still lacks a
 * verdict or a PR. */
static void triage_consider_pod(struct source *s, const struct pod *p)
{
    if (!s->kube || !p->run_name) return;
    struct rs_run *r = runset_find_name(s->c->rs, ctx_name(s), p->ns, p->run_name);
    if (!r || !r->run.uid || (r->links->fail.cls && r->links->pr_url)) return;
    if (!s->triage) {
        if (!rules_ready(s)) return;
        struct triage_hooks h = {.run = triage_run_of, .done = triage_result, .ud = s};
        s->triage = triage_new(s->kube, s->rules, &h);
    }
    struct agentrun a;
    rs_run_agentrun(r, &a);
    triage_consider(s->triage, &a, p);
    agentrun_free(&a);
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
    if (r->links->fail.cls || !r->run.phase || strcmp(r->run.phase, "Failed") != 0 || !rules_ready(s)) return;
    struct agentrun a;
    rs_run_agentrun(r, &a);
    struct classify_result *cr = runclass_status(s->rules, &a, r->links->pods, r->links->npods);
    agentrun_free(&a);
    if (cr) {
        struct rs_failure f = {.cls = cr->primary.class_id, .rule = cr->primary.rule_id,
                               .hint = cr->primary.hint, .text = cr->primary.text, .line = -1};
        runset_set_failure(s->c->rs, r->run.context, r->run.uid, &f);
    }
    classify_result_free(cr);
}

/* ---- cluster ---- */


static void request_logged(void *ud, const char *kubectl) { console_cmdlog(ud, kubectl); }

static void feed_begin(struct source *s)
{
    feed_stop(s->feed);
    struct feed_sink k = feedsink_sink(s->sink);
    struct feed_opts o = {.ns = scope_ns(s), .label_selector = s->c->label_selector,
                          .field_selector = s->c->field_selector};
    feedsink_connecting(s->sink);
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

static void hook_pod(void *ud, const struct pod *p) { triage_consider_pod(ud, p); }

/* a run that just ended gets a verdict from its status; its pods that came
 * first are considered for log triage */
static void hook_run(void *ud, struct rs_run *r)
{
    struct source *s = ud;
    classify_from_status(s, r);
    for (size_t i = 0; i < r->links->npods; i++) triage_consider_pod(s, &r->links->pods[i]);
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
    struct feedsink_hooks h = {.pod = hook_pod, .run = hook_run, .ud = s};
    s->sink = feedsink_new(c, s->store, &h);
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
    feedsink_seed(s->sink);
    return s;
}

void source_free(struct source *s)
{
    if (!s) return;
    cluster_stop(s);
    feedsink_free(s->sink);
    if (s->rules) classify_rules_free(s->rules);
    if (s->kc) kubeconfig_free(s->kc);
    if (s->store) store_close(s->store);
    agentrun_free(&s->triage_copy);
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
    if (!feedsink_progress(s->sink, p, sizeof p)) {
        if (reading || queued) snprintf(p, sizeof p, "reading logs: %zu queued", queued);
        else p[0] = 0;
    }
    if (strcmp(p, c->progress) != 0) {
        memcpy(c->progress, p, sizeof p);
        c->redraw = true;
    }
}

bool source_step(struct source *s, int budget_ms)
{
    int64_t start = time_mono_ms();
    if (s->kube) {
        kube_client_perform(s->kube);
        if (s->triage) triage_pump(s->triage);
        feedsink_flush(s->sink);
    }
    bool more = feedsink_step(s->sink, start + budget_ms, key_waiting);
    update_progress(s);
    return more;
}

void source_switch(struct source *s)
{
    struct console *c = s->c;
    cluster_stop(s);
    c->progress[0] = 0;
    c->data_time_ms = TIME_NONE;
    if (!c->cli->offline) cluster_start(s);
    else c->conn = CONN_OFFLINE;
    feedsink_seed(s->sink);
}

void source_refresh(struct source *s)
{
    if (s->c->cli->offline || !s->kube) {
        source_switch(s);
        return;
    }
    feed_begin(s);
}
