/* feedsink — see feedsink.h. The cluster's events and the cache's seeding
 * meet in run_event / pod_event; begin and end frame both. */
#include "feedsink.h"
#include "view.h"
#include "model/runset.h"
#include "store/store.h"
#include "util/err.h"
#include "util/sanitize.h"
#include "util/timeutil.h"
#include "util/xalloc.h"
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CACHE_FIRST_PAGE 120 /* the first screen, read at once */
#define CACHE_PAGE 2000      /* then one page per loop turn (~10 ms) */
#define LINK_SLICE 16        /* runs linked between two looks at the keyboard (~0.5 ms) */

enum origin { FROM_CLUSTER, FROM_CACHE };

struct link_item {
    char *ctx, *uid;
    bool pods_only;       /* seeded: the page's verdicts and PR links came with it */
};

struct feedsink {
    struct console *c;
    struct store *store;
    struct feedsink_hooks h;
    char *ctx;            /* the context this sink feeds (NULL = none named) */
    /* this context's connection (the console shows each, or the one) */
    enum conn_state conn;
    int64_t next_try_ms;
    char *detail;         /* sanitised last error, NULL when live */
    bool tx, write_failed;
    /* the cluster's run list frame: runs it brought carry the epoch */
    uint64_t epoch;
    size_t listed;
    bool listing, ever_live;
    /* seeding from the cache */
    bool seeding;
    int64_t seed_until;
    size_t seeded;
    int64_t *page_ids;    /* this page's new runs: cache id and uid, for store_link_runs */
    char **page_uids, **page_ctxs;
    size_t npage, cap_ids, cap_uids, cap_ctxs;
    /* runs whose cached verdict, PR link or pods are still to be attached */
    struct link_item *link;
    size_t nlink, caplink, linkpos;
};

static const char *ctx_name(const struct feedsink *fs)
{
    return fs->ctx && *fs->ctx ? fs->ctx : NULL;
}

static const char *scope_ns(const struct feedsink *fs)
{
    return fs->c->all_ns ? NULL : fs->c->ns;
}

static void set_detail(struct feedsink *fs, const char *msg)
{
    free(fs->detail);
    fs->detail = msg ? sanitize_str(msg, 0) : NULL;
}

static void state_changed(struct feedsink *fs)
{
    if (fs->h.state) fs->h.state(fs->h.ud);
    fs->c->redraw = true;
}

/* An error of this context in the message line: named when the console
 * follows several (which cluster said it matters then). */
static void say_detail(struct feedsink *fs)
{
    char *name = fs->h.say_context ? sanitize_str(ctx_name(fs) ? ctx_name(fs) : "-", 0) : NULL;
    if (name) console_say(fs->c, true, "%s: %s", name, fs->detail);
    else console_say(fs->c, true, "%s", fs->detail);
    free(name);
}

/* ---- the cache's write transaction ---- */

void feedsink_tx_open(struct feedsink *fs)
{
    char err[ERRLEN];
    if (fs->store && !fs->tx && store_begin(fs->store, err, sizeof err) == 0) fs->tx = true;
}

/* A failed cache write is said once (the console keeps showing the
 * cluster; what it could not write is missing from the history). */
void feedsink_wrote(struct feedsink *fs, int rc, const char *err)
{
    if (rc >= 0 || fs->write_failed) return;
    fs->write_failed = true;
    console_say(fs->c, true, "history cache not updated: %s", err);
}

void feedsink_flush(struct feedsink *fs)
{
    char err[ERRLEN];
    if (!fs->store || !fs->tx) return;
    if (store_commit(fs->store, err, sizeof err) != 0) {
        feedsink_wrote(fs, -1, err);
        store_rollback(fs->store);
    }
    fs->tx = false;
}

/* ---- linking: what the cache knows of a run beyond the run itself ---- */

static void queue_link(struct feedsink *fs, const char *ctx, const char *uid, bool pods_only)
{
    if (!uid || !fs->store) return;
    fs->link = xgrow(fs->link, &fs->caplink, fs->nlink + 1, sizeof *fs->link);
    fs->link[fs->nlink++] = (struct link_item){xstrdup(ctx), xstrdup(uid), pods_only};
}

static void link_clear(struct feedsink *fs)
{
    for (size_t i = 0; i < fs->nlink; i++) {
        free(fs->link[i].ctx);
        free(fs->link[i].uid);
    }
    fs->nlink = fs->linkpos = 0;
}

/* A run's cached verdict and PR link, into the run set. */
static void link_facts(struct feedsink *fs, const char *ctx, const char *uid, const struct store_link *k)
{
    const struct store_class *v = &k->verdict;
    if (v->cls) {
        struct rs_failure f = {.cls = v->cls, .rule = v->rule, .container = v->container,
                               .hint = v->hint, .text = v->text, .line = v->line};
        runset_set_failure(fs->c->rs, ctx, uid, &f);
    }
    if (k->pr_url) runset_set_pr(fs->c->rs, ctx, uid, k->pr_number, k->pr_url, k->pr_source);
}

/* Classifier verdicts, PR links and pods of a slice of queued runs from
 * the cache, in a few queries for the whole slice (store_link_runs). */
static void link_slice(struct feedsink *fs, const struct link_item *items, size_t n)
{
    struct console *c = fs->c;
    char err[ERRLEN];
    int64_t *ids = xcalloc(n ? n : 1, sizeof *ids);
    char **ask = xcalloc(n ? n : 1, sizeof *ask); /* uids of runs whose row id is not known yet */
    unsigned what = STORE_LINK_PODS;
    for (size_t i = 0; i < n; i++) {
        struct rs_run *r = runset_find(c->rs, items[i].ctx, items[i].uid);
        ids[i] = r ? r->cache_id : 0;
        if (r && !ids[i]) ask[i] = items[i].uid;
        if (!items[i].pods_only) what |= STORE_LINK_FACTS;
    }
    /* the slice's row ids in one query; kept on the runs only when no
     * transaction can still take their rows back (store_run_ids) */
    bool durable = false;
    struct store_link_list l;
    if (store_run_ids(fs->store, ctx_name(fs), ask, n, ids, &durable, err, sizeof err) != 0 ||
        store_link_runs(fs->store, ids, n, what, &l, err, sizeof err) != 0) {
        console_say(c, true, "%s", err);
        free(ask);
        free(ids);
        return;
    }
    for (size_t i = 0; i < n && durable; i++) {
        struct rs_run *r = ask[i] && ids[i] ? runset_find(c->rs, items[i].ctx, items[i].uid) : NULL;
        if (r) r->cache_id = ids[i];
    }
    for (size_t i = 0; i < n; i++) {
        const struct store_link *k = ids[i] ? store_link_find(&l, ids[i]) : NULL;
        if (!k) continue;
        const char *uid = items[i].uid, *ctx = items[i].ctx;
        if (!items[i].pods_only) link_facts(fs, ctx, uid, k);
        /* pods from the cache only when the cluster gave none (Job TTL) */
        struct rs_run *r = runset_find(c->rs, ctx, uid);
        if (r && r->links->npods == 0 && k->pods.n) {
            char *name = xstrdup(r->run.name);
            for (size_t p = 0; p < k->pods.n; p++) {
                struct pod pm;
                store_pod_to_model(&k->pods.items[p], name, &pm);
                runset_apply_pod(c->rs, ctx, RS_EV_ADDED, &pm);
                pod_free(&pm);
            }
            free(name);
        }
    }
    store_link_list_free(&l);
    free(ask);
    free(ids);
}

static void page_clear(struct feedsink *fs)
{
    for (size_t i = 0; i < fs->npage; i++) {
        free(fs->page_uids[i]);
        free(fs->page_ctxs[i]);
    }
    fs->npage = 0;
}

/* The verdicts and PR links of the page just seeded, in two queries. */
static void link_page(struct feedsink *fs)
{
    if (!fs->npage) return;
    struct store_link_list l;
    char err[ERRLEN];
    if (store_link_runs(fs->store, fs->page_ids, fs->npage, STORE_LINK_FACTS, &l, err, sizeof err) != 0) {
        console_say(fs->c, true, "%s", err);
        page_clear(fs);
        return;
    }
    for (size_t i = 0; i < l.n; i++) {
        const struct store_link *k = &l.items[i];
        const char *uid = NULL, *ctx = NULL;
        for (size_t j = 0; j < fs->npage && !uid; j++)
            if (fs->page_ids[j] == k->run_id) {
                uid = fs->page_uids[j];
                ctx = fs->page_ctxs[j];
            }
        if (!uid) continue;
        link_facts(fs, ctx, uid, k);
    }
    store_link_list_free(&l);
    page_clear(fs);
}

/* ---- events, from either origin ---- */

static void begin_event(struct feedsink *fs, enum origin o, enum feed_kind kind)
{
    if (kind != FEED_RUNS) return;
    if (o == FROM_CACHE) {
        fs->seeding = true;
        fs->seed_until = TIME_NONE;
        fs->seeded = 0;
        return;
    }
    fs->epoch++;
    fs->listed = 0;
    fs->listing = true;
}

/* One run. From the cache: deleted is the cache's flag, cache_id its row,
 * with_pods whether it holds pods for the run. From the cluster: ev is
 * the watch's (or ADDED for a listed one), and the cache learns it. */
static void run_event(struct feedsink *fs, enum origin o, enum rs_event ev, struct agentrun *a, bool deleted,
                      int64_t cache_id, bool with_pods)
{
    struct console *c = fs->c;
    char err[ERRLEN];
    if (o == FROM_CLUSTER) {
        free(a->context);
        a->context = xstrdup(ctx_name(fs));
        /* with a selector (:runs -l) a run that stops matching comes as deleted:
         * the cache must not believe it */
        bool selecting = c->label_selector || c->field_selector;
        if (fs->store && !(selecting && ev == RS_EV_DELETED)) {
            int64_t now = time_now_ms();
            feedsink_tx_open(fs);
            if (ev == RS_EV_DELETED)
                feedsink_wrote(fs, store_mark_run_deleted(fs->store, ctx_name(fs), a->uid, now, err, sizeof err), err);
            else
                feedsink_wrote(fs, store_put_run(fs->store, a, now, NULL, err, sizeof err), err);
        }
    }
    char *uid = xstrdup(a->uid), *ctx = xstrdup(a->context);
    struct rs_run *was = runset_find(c->rs, ctx, uid);
    bool known = was != NULL, had_id = was && was->cache_id;
    /* a cached run is its row: the run set may leave its cold fields there */
    if (o == FROM_CACHE) runset_apply_cached(c->rs, a, deleted, cache_id);
    else runset_apply_run(c->rs, ev, a, deleted);
    struct rs_run *r = runset_find(c->rs, ctx, uid);
    if (o == FROM_CACHE) {
        if (r && !had_id) {
            fs->page_ids = xgrow(fs->page_ids, &fs->cap_ids, fs->npage + 1, sizeof *fs->page_ids);
            fs->page_uids = xgrow(fs->page_uids, &fs->cap_uids, fs->npage + 1, sizeof *fs->page_uids);
            fs->page_ctxs = xgrow(fs->page_ctxs, &fs->cap_ctxs, fs->npage + 1, sizeof *fs->page_ctxs);
            fs->page_ids[fs->npage] = cache_id;
            fs->page_ctxs[fs->npage] = ctx;
            ctx = NULL;
            fs->page_uids[fs->npage++] = uid;
            uid = NULL;
            if (with_pods) queue_link(fs, r->run.context, r->run.uid, true);
        }
        free(uid);
        free(ctx);
        return;
    }
    if (r) r->mark = fs->epoch;
    if (!known) queue_link(fs, ctx, uid, false);
    /* pods that came before their run, or a run that just ended */
    if (r && ev != RS_EV_DELETED && fs->h.run) fs->h.run(fs->h.ud, r);
    free(uid);
    free(ctx);
}

static void pod_event(struct feedsink *fs, enum rs_event ev, struct pod *p)
{
    char err[ERRLEN];
    if (fs->store) {
        int64_t now = time_now_ms();
        feedsink_tx_open(fs);
        if (ev == RS_EV_DELETED)
            feedsink_wrote(fs, store_mark_pod_deleted(fs->store, ctx_name(fs), p->uid, now, err, sizeof err), err);
        else
            feedsink_wrote(fs, store_put_pod(fs->store, ctx_name(fs), p, now, err, sizeof err), err);
    }
    if (ev != RS_EV_DELETED && fs->h.pod) fs->h.pod(fs->h.ud, p);
    runset_apply_pod(fs->c->rs, ctx_name(fs), ev, p);
}

/* A run the list no longer brought, just before the run set flags it. */
static void swept(void *ud, const struct rs_run *r)
{
    struct feedsink *fs = ud;
    struct console *c = fs->c;
    if (!fs->store || !r->run.uid || c->label_selector || c->field_selector) return;
    char err[ERRLEN];
    feedsink_tx_open(fs);
    feedsink_wrote(fs, store_mark_run_deleted(fs->store, ctx_name(fs), r->run.uid, time_now_ms(), err, sizeof err),
                   err);
}

/* Seeding read the whole cache once: its page cache and the pages' freed
 * heap go back to the system (RSS is what a million runs cost). */
static void seeded_memory(struct feedsink *fs)
{
    if (fs->store) store_release_memory(fs->store);
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

/* The end of a frame. From the cache: seeding is done (the cache says
 * itself which runs are deleted). From the cluster, after a full list:
 * runs of our scope that the server no longer has. The cache learns it
 * too, as from a DELETED event: their deletion fell in a gap the watch
 * could not replay (410), and `--offline` and the postmortem must not
 * show them as still on the server. */
static void end_event(struct feedsink *fs, enum origin o, enum feed_kind kind)
{
    struct console *c = fs->c;
    if (kind != FEED_RUNS) return;
    if (o == FROM_CACHE) {
        fs->seeding = false;
        c->redraw = true;
        seeded_memory(fs);
        return;
    }
    fs->listing = false;
    /* only this context's runs: another context's list is its own */
    runset_sweep(c->rs, ctx_name(fs), scope_ns(fs), fs->epoch, swept, fs);
    c->redraw = true;
}

/* ---- the cache's origin: seeding in pages ---- */

static void seed_page(struct feedsink *fs)
{
    struct console *c = fs->c;
    struct store_query q;
    store_query_init(&q);
    q.context = ctx_name(fs);
    q.ns = scope_ns(fs);
    q.until = fs->seed_until;
    q.limit = fs->seeded ? CACHE_PAGE : CACHE_FIRST_PAGE;
    struct store_run_list l;
    char err[ERRLEN];
    if (store_list_runs(fs->store, &q, &l, err, sizeof err) != 0) {
        console_say(c, true, "%s", err);
        fs->seeding = false;
        return;
    }
    int64_t last = TIME_NONE;
    for (size_t i = 0; i < l.n; i++) {
        struct store_run *sr = &l.items[i];
        if (sr->last_seen != TIME_NONE && (c->data_time_ms == TIME_NONE || sr->last_seen > c->data_time_ms))
            c->data_time_ms = sr->last_seen;
        bool deleted = sr->deleted, with_pods = sr->npods > 0;
        int64_t id = sr->id;
        struct agentrun a;
        if (!store_run_take_agentrun(sr, &a)) continue;
        last = a.created;
        run_event(fs, FROM_CACHE, RS_EV_ADDED, &a, deleted, id, with_pods);
    }
    link_page(fs);
    fs->seeded += l.n;
    /* next page: older than the last one; equal creation times at the
     * boundary are read again and merged by uid */
    bool more = l.n == q.limit && last != TIME_NONE;
    if (more && q.until != TIME_NONE && last >= q.until) last = q.until - 1;
    fs->seed_until = last;
    store_run_list_free(&l);
    if (!more) end_event(fs, FROM_CACHE, FEED_RUNS);
}

void feedsink_seed(struct feedsink *fs)
{
    link_clear(fs);
    page_clear(fs);
    fs->seeding = false;
    /* a selector is the server's (:runs -l): the cache cannot judge its runs */
    if (fs->store && !fs->c->label_selector && !fs->c->field_selector) begin_event(fs, FROM_CACHE, FEED_RUNS);
}

bool feedsink_step(struct feedsink *fs, int64_t deadline_ms, bool (*stop)(void))
{
    if (fs->seeding && fs->store) seed_page(fs);
    while (fs->linkpos < fs->nlink && time_mono_ms() < deadline_ms && !(stop && stop())) {
        size_t k = fs->nlink - fs->linkpos < LINK_SLICE ? fs->nlink - fs->linkpos : LINK_SLICE;
        link_slice(fs, &fs->link[fs->linkpos], k);
        fs->linkpos += k;
    }
    if (fs->linkpos >= fs->nlink && fs->nlink) {
        link_clear(fs);
        fs->c->redraw = true;
    }
    return (fs->seeding && fs->store) || fs->linkpos < fs->nlink;
}

bool feedsink_progress(const struct feedsink *fs, char *out, size_t outlen)
{
    if (fs->seeding && fs->store) snprintf(out, outlen, "cache: %zu runs", fs->seeded);
    else if (fs->listing && fs->listed) snprintf(out, outlen, "listing: %zu runs", fs->listed);
    else if (fs->linkpos < fs->nlink) snprintf(out, outlen, "linking: %zu/%zu", fs->linkpos, fs->nlink);
    else return false;
    return true;
}

/* ---- the cluster's origin: the feed's callbacks ---- */

static void object_event(struct feedsink *fs, enum feed_kind kind, enum rs_event ev, const cJSON *obj)
{
    char err[ERRLEN];
    if (kind == FEED_PODS) {
        struct pod p;
        if (pod_parse(obj, &p, err, sizeof err) != 0) return;
        pod_event(fs, ev, &p);
        pod_free(&p);
        return;
    }
    struct agentrun a;
    if (agentrun_parse(obj, &a, err, sizeof err) != 0) return;
    run_event(fs, FROM_CLUSTER, ev, &a, false, 0, false);
}

static void k_begin(void *ud, enum feed_kind kind) { begin_event(ud, FROM_CLUSTER, kind); }

static void k_upsert(void *ud, enum feed_kind kind, const cJSON *obj, bool listed)
{
    struct feedsink *fs = ud;
    object_event(fs, kind, listed ? RS_EV_ADDED : RS_EV_MODIFIED, obj);
    if (listed && kind == FEED_RUNS) fs->listed++;
}

static void k_removed(void *ud, enum feed_kind kind, const cJSON *last)
{
    object_event(ud, kind, RS_EV_DELETED, last);
}

static void k_end(void *ud, enum feed_kind kind) { end_event(ud, FROM_CLUSTER, kind); }

/* The feed's one state, in the status bar: live; reconnecting with the
 * next try's time; offline (the cache stays browsable) when the cluster
 * was never reached, from the third failure in a row, or for good. */
static void k_state(void *ud, const struct kube_conn_state *st)
{
    struct feedsink *fs = ud;
    struct console *c = fs->c;
    switch (st->state) {
    case KUBE_CONN_CONNECTING: fs->conn = CONN_CONNECTING; break;
    case KUBE_CONN_LIVE:
        fs->conn = CONN_LIVE;
        fs->ever_live = true;
        set_detail(fs, NULL);
        break;
    case KUBE_CONN_RECONNECTING:
    case KUBE_CONN_FAILED:
        fs->next_try_ms = st->next_try_ms;
        fs->conn = (st->state == KUBE_CONN_FAILED || !fs->ever_live || st->failures > 2) ? CONN_OFFLINE
                                                                                        : CONN_RECONNECTING;
        if (fs->conn == CONN_OFFLINE && c->data_time_ms == TIME_NONE) c->data_time_ms = time_now_ms();
        if (st->error) {
            char *e = sanitize_str(st->error, 0);
            bool same = fs->detail && strcmp(fs->detail, e) == 0;
            free(e);
            if (!same) {
                set_detail(fs, st->error);
                say_detail(fs);
            }
        }
        break;
    }
    state_changed(fs);
}

struct feed_sink feedsink_sink(struct feedsink *fs)
{
    return (struct feed_sink){.begin = k_begin, .upsert = k_upsert, .removed = k_removed, .end = k_end,
                              .state = k_state, .ud = fs};
}

void feedsink_connecting(struct feedsink *fs)
{
    fs->listing = false;
    fs->conn = CONN_CONNECTING;
    state_changed(fs);
}

void feedsink_unreachable(struct feedsink *fs, const char *err)
{
    fs->listing = false;
    fs->conn = CONN_OFFLINE;
    set_detail(fs, err);
    if (fs->detail) say_detail(fs);
    state_changed(fs);
}

enum conn_state feedsink_state(const struct feedsink *fs, int64_t *next_try_ms, const char **detail)
{
    if (next_try_ms) *next_try_ms = fs->next_try_ms;
    if (detail) *detail = fs->detail;
    return fs->conn;
}

const char *feedsink_context(const struct feedsink *fs) { return ctx_name(fs); }

struct feedsink *feedsink_new(struct console *c, struct store *st, const char *ctx, const struct feedsink_hooks *h)
{
    struct feedsink *fs = xcalloc(1, sizeof *fs);
    fs->c = c;
    fs->store = st;
    fs->ctx = ctx && *ctx ? xstrdup(ctx) : NULL;
    fs->conn = c->cli->offline ? CONN_OFFLINE : CONN_CONNECTING;
    if (h) fs->h = *h;
    return fs;
}

void feedsink_free(struct feedsink *fs)
{
    if (!fs) return;
    feedsink_flush(fs);
    link_clear(fs);
    free(fs->link);
    page_clear(fs);
    free(fs->page_ids);
    free(fs->page_uids);
    free(fs->page_ctxs);
    free(fs->ctx);
    free(fs->detail);
    free(fs);
}
