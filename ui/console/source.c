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
#include "runs/coldsrc.h"
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

/* One followed context: its client (on the source's shared loop), feed,
 * sink and log triage. A context that is down reconnects on its own feed;
 * the others go on. */
struct unit {
    struct source *s;
    char *ctx;                  /* as resolved (NULL = none named) */
    struct kube_client *kube;   /* NULL offline or when it could not be made */
    struct feed *feed;
    struct feedsink *sink;      /* its runs into the run set, its state, cache writes */
    struct triage *triage;      /* made with kube on first need */
    struct agentrun triage_copy; /* the run its triage asked for last (the run set keeps no agentrun) */
};

struct source {
    struct console *c;
    struct kubeconfig *kc;
    struct kube_loop *loop;     /* every unit's client on it; NULL offline */
    struct store *store;
    struct unit *units;
    size_t nunits;
    int wake_pipe[2];
    /* the classifier's rules (src/runs/triage.c), shared by the units */
    struct classify_rules *rules;
    bool rules_failed;
};

static const char *ctx_name(const struct unit *u)
{
    return u->ctx && *u->ctx ? u->ctx : NULL;
}

static const char *scope_ns(struct source *s)
{
    return s->c->all_ns ? NULL : s->c->ns;
}

static bool ctx_eq(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

static struct unit *unit_of(struct source *s, const char *ctx)
{
    for (size_t i = 0; i < s->nunits; i++)
        if (ctx_eq(ctx_name(&s->units[i]), ctx)) return &s->units[i];
    return NULL;
}

/* A run's cold fields could not be read back from the cache (the run set
 * says which run and why, with cluster bytes: sanitised). */
static void say_cold(struct console *c, const char *err)
{
    char *m = sanitize_str(err, 0);
    console_say(c, true, "%s", m);
    free(m);
}

/* ---- triage: logs through the classifier and the PR scanner (src/runs/triage.c) ---- */

static bool rules_ready(struct source *s);

static bool triage_run_of(void *ud, const char *uid, struct triage_run *out)
{
    struct unit *u = ud;
    struct rs_run *r = runset_find(u->s->c->rs, ctx_name(u), uid);
    if (!r) return false;
    agentrun_free(&u->triage_copy);
    char err[ERRLEN];
    /* a run whose cached fields are unreadable is triaged on the rest */
    if (runset_run_agentrun(u->s->c->rs, r, &u->triage_copy, err, sizeof err) != 0) say_cold(u->s->c, err);
    *out = (struct triage_run){&u->triage_copy, r->links->pods, r->links->npods};
    return true;
}

/* A log was read: its verdict and PR to the run set, then to the cache. */
static void triage_result(void *ud, const struct triage_result *t)
{
    struct unit *u = ud;
    struct source *s = u->s;
    struct console *c = s->c;
    const struct pr_link *pr = t->pr;
    if (pr) runset_set_pr(c->rs, ctx_name(u), t->run_uid, pr->number, pr->url, pr->source);
    const struct classify_result *cr = t->verdict;
    if (cr && cr->has_primary) {
        struct rs_failure f = {.cls = cr->primary.class_id, .rule = cr->primary.rule_id,
                               .container = (char *)t->container, /* copied by the run set */ .hint = cr->primary.hint,
                               .text = cr->primary.text, .line = cr->primary.line > 0 ? cr->primary.line : -1};
        runset_set_failure(c->rs, ctx_name(u), t->run_uid, &f);
    }
    struct rs_run *r = runset_find(c->rs, ctx_name(u), t->run_uid);
    if (s->store && r) {
        char err[ERRLEN];
        feedsink_tx_open(u->sink);
        struct agentrun a;
        char e2[ERRLEN];
        if (runset_run_agentrun(c->rs, r, &a, e2, sizeof e2) != 0) say_cold(c, e2);
        feedsink_wrote(u->sink, triage_record(s->store, ctx_name(u), s->rules, &a, t, time_now_ms(), err, sizeof err), err);
        agentrun_free(&a);
    }
}

/* Queues the runner log of a terminated pod of a run that still lacks a
 * verdict or a PR. */
static void triage_consider_pod(struct unit *u, const struct pod *p)
{
    struct source *s = u->s;
    if (!u->kube || !p->run_name) return;
    struct rs_run *r = runset_find_name(s->c->rs, ctx_name(u), p->ns, p->run_name);
    if (!r || !r->run.uid || (r->links->fail.cls && r->links->pr_url)) return;
    if (!u->triage) {
        if (!rules_ready(s)) return;
        /* the log is read from the run's own cluster: this unit's client */
        struct triage_hooks h = {.run = triage_run_of, .done = triage_result, .ud = u};
        u->triage = triage_new(u->kube, s->store, s->rules, &h);
    }
    triage_consider(u->triage, r->run.uid, r->run.ns, p);
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
    char err[ERRLEN];
    if (runset_run_agentrun(s->c->rs, r, &a, err, sizeof err) != 0) say_cold(s->c, err);
    struct classify_result *cr = runclass_status(s->rules, &a, r->links->pods, r->links->npods);
    agentrun_free(&a);
    if (cr) {
        struct rs_failure f = {.cls = cr->primary.class_id, .rule = cr->primary.rule_id,
                               .hint = cr->primary.hint, .text = cr->primary.text, .line = -1};
        runset_set_failure(s->c->rs, r->run.context, r->run.uid, &f);
    }
    classify_result_free(cr);
}

/* ---- cluster: one unit per followed context ---- */

static void request_logged(void *ud, const char *kubectl) { console_cmdlog(ud, kubectl); }

static void feed_begin(struct unit *u)
{
    struct source *s = u->s;
    feed_stop(u->feed);
    struct feed_sink k = feedsink_sink(u->sink);
    struct feed_opts o = {.ns = scope_ns(s), .label_selector = s->c->label_selector,
                          .field_selector = s->c->field_selector};
    feedsink_connecting(u->sink);
    u->feed = feed_start(u->kube, &o, &k);
}

static void cluster_stop(struct unit *u)
{
    /* the reads run on the client: they go with it */
    triage_free(u->triage);
    u->triage = NULL;
    feed_stop(u->feed);
    u->feed = NULL;
    if (u->kube) kube_client_free(u->kube);
    u->kube = NULL;
}

/* The console's connection fields from the units': the one unit's state
 * as it is, or with several the best of them (live if any is live) and
 * the first error of one that is not. */
static void conn_sum(struct source *s)
{
    struct console *c = s->c;
    static const int rank[] = {[CONN_LIVE] = 0, [CONN_CONNECTING] = 1, [CONN_RECONNECTING] = 2, [CONN_OFFLINE] = 3};
    enum conn_state best = CONN_OFFLINE;
    int64_t next = 0;
    const char *detail = NULL;
    for (size_t i = 0; i < s->nunits; i++) {
        if (!s->units[i].sink) continue;
        int64_t t;
        const char *d;
        enum conn_state st = feedsink_state(s->units[i].sink, &t, &d);
        if (rank[st] < rank[best]) best = st;
        if (st == CONN_RECONNECTING && (!next || t < next)) next = t;
        if (!detail && d) detail = d;
    }
    if (c->cli->offline) best = CONN_OFFLINE;
    c->conn = best;
    c->next_try_ms = next;
    if (!detail != !c->conn_detail || (detail && strcmp(detail, c->conn_detail) != 0)) {
        free(c->conn_detail);
        c->conn_detail = detail ? xstrdup(detail) : NULL;
    }
}

static void hook_pod(void *ud, const struct pod *p) { triage_consider_pod(ud, p); }

static void hook_state(void *ud) { conn_sum(((struct unit *)ud)->s); }

/* a run that just ended gets a verdict from its status; its pods that came
 * first are considered for log triage */
static void hook_run(void *ud, struct rs_run *r)
{
    struct unit *u = ud;
    classify_from_status(u->s, r);
    for (size_t i = 0; i < r->links->npods; i++) triage_consider_pod(u, &r->links->pods[i]);
}

/* The unit's sink, for context ctx (as resolved). */
static void unit_sink(struct unit *u, const char *ctx)
{
    struct source *s = u->s;
    free(u->ctx);
    u->ctx = ctx && *ctx ? xstrdup(ctx) : NULL;
    struct feedsink_hooks h = {.pod = hook_pod, .run = hook_run, .state = hook_state, .ud = u,
                               .say_context = s->nunits > 1};
    feedsink_free(u->sink);
    u->sink = feedsink_new(s->c, s->store, ctx_name(u), &h);
}

/* Resolves the unit's context (want: a name, NULL = the kubeconfig's
 * current one) and starts its client and feed on the shared loop. A
 * failure leaves the unit offline with the reason said. The one context
 * of a single-context console names the console's scope, as before. */
static void cluster_start(struct unit *u, const char *want)
{
    struct source *s = u->s;
    struct console *c = s->c;
    char err[ERRLEN];
    bool single = s->nunits == 1;
    if (!s->kc && kubeconfig_load(c->cli->kubeconfig, &s->kc, err, sizeof err) != 0) {
        if (!u->sink) unit_sink(u, want);
        feedsink_unreachable(u->sink, err);
        return;
    }
    struct kube_config *cfg;
    if (kubeconfig_resolve(s->kc, want, c->all_ns ? NULL : c->ns, &cfg, err, sizeof err) != 0) {
        if (!u->sink) unit_sink(u, want);
        feedsink_unreachable(u->sink, err);
        return;
    }
    if (single) {
        free(c->context);
        c->context = xstrdup(cfg->context);
    }
    if (!c->ns) c->ns = xstrdup(cfg->ns);
    if (!u->sink || !ctx_eq(ctx_name(u), cfg->context)) unit_sink(u, cfg->context);
    if (!s->loop) s->loop = kube_loop_new();
    int rc = kube_client_new_on(s->loop, cfg, &u->kube, err, sizeof err);
    kube_config_free(cfg);
    if (rc != 0) {
        u->kube = NULL;
        feedsink_unreachable(u->sink, err);
        return;
    }
    kube_client_set_interactive(u->kube, false);
    /* every call the client makes, in :log (list pages, watch reconnects, logs, reruns' dry runs) */
    kube_client_set_request_log(u->kube, request_logged, c);
    feed_begin(u);
}

/* Offline: the one context's name from the kubeconfig if there is one,
 * quietly (the cache is per context); with several, the namespace of the
 * first when none is given, as online. */
static void offline_scope(struct source *s)
{
    struct console *c = s->c;
    char err[ERRLEN];
    if (!s->kc && kubeconfig_load(c->cli->kubeconfig, &s->kc, err, sizeof err) != 0) return;
    struct kube_config *cfg;
    bool several = c->nctx > 1;
    if (kubeconfig_resolve(s->kc, several ? c->ctxs[0] : c->context, c->ns, &cfg, err, sizeof err) == 0) {
        if (!several && (!c->context || !*c->context)) {
            free(c->context);
            c->context = xstrdup(cfg->context && *cfg->context ? cfg->context : NULL);
        }
        if (!c->ns) c->ns = xstrdup(cfg->ns);
        kube_config_free(cfg);
    }
}

static void units_free(struct source *s)
{
    for (size_t i = 0; i < s->nunits; i++) {
        cluster_stop(&s->units[i]);
        agentrun_free(&s->units[i].triage_copy);
        feedsink_free(s->units[i].sink);
        free(s->units[i].ctx);
    }
    free(s->units);
    s->units = NULL;
    s->nunits = 0;
}

/* One unit per context the console follows (c->ctxs, else c->context),
 * each started (online) and seeding its runs from the cache. */
static void units_start(struct source *s)
{
    struct console *c = s->c;
    size_t n = c->nctx > 1 ? c->nctx : 1;
    s->units = xcalloc(n, sizeof *s->units);
    s->nunits = n;
    if (c->cli->offline) offline_scope(s);
    for (size_t i = 0; i < n; i++) {
        struct unit *u = &s->units[i];
        u->s = s;
        const char *want = c->nctx > 1 ? c->ctxs[i] : c->context;
        if (c->cli->offline) unit_sink(u, want);
        else cluster_start(u, want);
    }
    /* the context first (the cache is per context), then the cache */
    for (size_t i = 0; i < n; i++) feedsink_seed(s->units[i].sink);
    conn_sum(s);
}

/* ---- source API ---- */

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
    /* runs seeded from the cache leave their cold fields there */
    else runset_set_cold_source(c->rs, coldsrc_load, s->store);
    if (c->cli->offline) c->conn = CONN_OFFLINE;
    units_start(s);
    return s;
}

void source_free(struct source *s)
{
    if (!s) return;
    units_free(s);
    /* the clients were on it: they went first */
    kube_loop_free(s->loop);
    if (s->rules) classify_rules_free(s->rules);
    if (s->kc) kubeconfig_free(s->kc);
    if (s->store) {
        runset_set_cold_source(s->c->rs, NULL, NULL);
        store_close(s->store);
    }
    if (s->wake_pipe[0] >= 0) close(s->wake_pipe[0]);
    if (s->wake_pipe[1] >= 0) close(s->wake_pipe[1]);
    free(s);
}

struct kube_client *source_kube(struct source *s)
{
    for (size_t i = 0; i < s->nunits; i++)
        if (s->units[i].kube) return s->units[i].kube;
    return NULL;
}

struct kube_client *source_kube_for(struct source *s, const char *ctx)
{
    struct unit *u = unit_of(s, ctx);
    return u ? u->kube : NULL;
}

struct store *source_store(struct source *s)
{
    return s->store;
}

const struct classify_rules *source_rules(struct source *s)
{
    return rules_ready(s) ? s->rules : NULL;
}

size_t source_conn_text(struct source *s, char *out, size_t outlen)
{
    size_t n = 0;
    int64_t now = time_now_ms();
    if (outlen) out[0] = 0;
    for (size_t i = 0; i < s->nunits && n + 1 < outlen; i++) {
        const struct unit *u = &s->units[i];
        int64_t next;
        enum conn_state st = u->sink ? feedsink_state(u->sink, &next, NULL) : CONN_OFFLINE;
        if (s->c->cli->offline) st = CONN_OFFLINE;
        char what[48];
        switch (st) {
        case CONN_CONNECTING: snprintf(what, sizeof what, "connecting"); break;
        case CONN_LIVE: snprintf(what, sizeof what, "live"); break;
        case CONN_RECONNECTING: {
            int64_t in = next - now;
            snprintf(what, sizeof what, "reconnecting %llds", (long long)(in > 0 ? (in + 999) / 1000 : 0));
            break;
        }
        case CONN_OFFLINE: snprintf(what, sizeof what, "offline"); break;
        }
        /* what a connection does not check or send, next to its state */
        const char *mark = !u->kube || st == CONN_OFFLINE ? ""
                           : kube_client_notice_insecure(u->kube) ? " INSECURE-TLS"
                           : kube_client_notice_plain_http(u->kube) ? " HTTP-NO-CREDENTIALS" : "";
        char *name = sanitize_str(ctx_name(u) ? ctx_name(u) : "-", 0);
        int k = snprintf(out + n, outlen - n, "%s%.24s: %s%s", i ? " | " : "", name, what, mark);
        free(name);
        if (k < 0) break;
        n += (size_t)k < outlen - n ? (size_t)k : outlen - n - 1;
    }
    return s->nunits;
}

void source_wakeup(struct source *s)
{
    if (s->loop) kube_loop_wakeup(s->loop);
    if (s->wake_pipe[1] >= 0) {
        ssize_t w = write(s->wake_pipe[1], "x", 1);
        (void)w;
    }
}

void source_wait(struct source *s, int tty_fd, int timeout_ms, bool *tty_ready)
{
    *tty_ready = false;
    if (s->loop) {
        struct curl_waitfd fds[2] = {{.fd = tty_fd, .events = CURL_WAIT_POLLIN}};
        unsigned n = 1;
        if (s->wake_pipe[0] >= 0) fds[n++] = (struct curl_waitfd){.fd = s->wake_pipe[0], .events = CURL_WAIT_POLLIN};
        kube_loop_wait(s->loop, fds, n, timeout_ms);
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
 * clear "reading logs" while logs were still being read). With several
 * contexts, the first one busy says it, named. */
static void update_progress(struct source *s)
{
    struct console *c = s->c;
    bool reading = false;
    size_t queued = 0;
    char p[sizeof c->progress] = "";
    for (size_t i = 0; i < s->nunits; i++) {
        reading = reading || triage_reading(s->units[i].triage);
        queued += triage_queued(s->units[i].triage);
    }
    for (size_t i = 0; i < s->nunits && !p[0]; i++) {
        char q[sizeof c->progress];
        if (!s->units[i].sink || !feedsink_progress(s->units[i].sink, q, sizeof q)) continue;
        if (s->nunits > 1) {
            char *name = sanitize_str(ctx_name(&s->units[i]) ? ctx_name(&s->units[i]) : "-", 0);
            snprintf(p, sizeof p, "%.24s: %.100s", name, q);
            free(name);
        } else memcpy(p, q, sizeof p);
    }
    if (!p[0] && (reading || queued)) snprintf(p, sizeof p, "reading logs: %zu queued", queued);
    if (strcmp(p, c->progress) != 0) {
        memcpy(c->progress, p, sizeof p);
        c->redraw = true;
    }
}

bool source_step(struct source *s, int budget_ms)
{
    int64_t start = time_mono_ms();
    if (s->loop) {
        kube_loop_perform(s->loop);
        for (size_t i = 0; i < s->nunits; i++)
            if (s->units[i].triage) triage_pump(s->units[i].triage);
        /* the store nests the units' transactions: the last flush commits */
        for (size_t i = 0; i < s->nunits; i++) feedsink_flush(s->units[i].sink);
    }
    bool more = false;
    for (size_t i = 0; i < s->nunits; i++)
        if (feedsink_step(s->units[i].sink, start + budget_ms, key_waiting)) more = true;
    update_progress(s);
    return more;
}

void source_switch(struct source *s)
{
    struct console *c = s->c;
    units_free(s);
    c->progress[0] = 0;
    c->data_time_ms = TIME_NONE;
    units_start(s);
}

void source_refresh(struct source *s)
{
    if (s->c->cli->offline || !source_kube(s)) {
        source_switch(s);
        return;
    }
    /* each context lists again; one that could not start tries again */
    for (size_t i = 0; i < s->nunits; i++) {
        struct unit *u = &s->units[i];
        if (u->kube) feed_begin(u);
        else cluster_start(u, s->c->nctx > 1 ? s->c->ctxs[i] : s->c->context);
    }
}
