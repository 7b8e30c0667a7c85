/* Tests of src/feed against the API test server (tests/kubeapi/server.py)
 * and its fault injection. The sink here is a uid-keyed copy, as the
 * console's run set and the history cache are: after drops, a watch cut in
 * the middle of an event, compaction (410 on resume), an ERROR 410 event,
 * 429 with Retry-After and 500s, the copy equals a fresh list, nothing was
 * lost, no watch event was applied twice, and what was deleted while the
 * feed was not watching is swept by the relist's begin/end frame. Also the
 * bounds of the one backoff policy: a server ending every watch at once, or
 * answering 410 to every watch, is not hammered, and a silent watch is
 * restarted. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "feed/feed.h"
#include "kube/client.h"
#include "kube/server_fixture.h"
#include "util/jsonutil.h"

static struct kubeapi api;

#define MAXOBJ 256
struct obj {
    char uid[64], name[64], rv[32];
    bool seen;           /* in the current list frame */
};

/* The sink: the only copy of the objects. */
struct copy {
    struct obj o[MAXOBJ];
    int n;
    int upserts_watch, removes, begins[2], ends[2], swept;
    int applied[MAXOBJ]; /* per name index: watch events applied with a new rv */
    int dup_watch;       /* watch events whose rv the copy already had */
    bool framing[2];
    enum kube_conn last;
    int states, live_after_reconnect;
    bool saw_reconnecting, saw_failed;
    int64_t first_reconnect_ms;
    char last_error[ERRLEN];
};

static struct obj *find(struct copy *c, const char *uid)
{
    for (int i = 0; i < c->n; i++)
        if (!strcmp(c->o[i].uid, uid)) return &c->o[i];
    return NULL;
}

static void k_begin(void *ud, enum feed_kind k)
{
    struct copy *c = ud;
    c->begins[k]++;
    if (k != FEED_RUNS) return;
    c->framing[k] = true;
    for (int i = 0; i < c->n; i++) c->o[i].seen = false;
}

static void k_upsert(void *ud, enum feed_kind k, const cJSON *obj, bool listed)
{
    struct copy *c = ud;
    if (k != FEED_RUNS) return;
    const char *uid = json_str(obj, "metadata.uid"), *rv = json_str(obj, "metadata.resourceVersion");
    const char *name = json_str(obj, "metadata.name");
    ck_assert_ptr_nonnull(uid);
    struct obj *o = find(c, uid);
    if (!listed) {
        c->upserts_watch++;
        if (o && !strcmp(o->rv, rv)) c->dup_watch++;
    }
    if (!o) {
        ck_assert_int_lt(c->n, MAXOBJ);
        o = &c->o[c->n++];
        snprintf(o->uid, sizeof o->uid, "%s", uid);
        snprintf(o->name, sizeof o->name, "%s", name ? name : "");
    }
    snprintf(o->rv, sizeof o->rv, "%s", rv ? rv : "");
    if (listed) o->seen = true;
}

static void drop_at(struct copy *c, int i)
{
    c->o[i] = c->o[--c->n];
}

static void k_removed(void *ud, enum feed_kind k, const cJSON *last)
{
    struct copy *c = ud;
    if (k != FEED_RUNS) return;
    c->removes++;
    const char *uid = json_str(last, "metadata.uid");
    for (int i = 0; i < c->n; i++)
        if (!strcmp(c->o[i].uid, uid)) {
            drop_at(c, i);
            return;
        }
    ck_abort_msg("removed an object the copy did not have: %s", uid);
}

static void k_end(void *ud, enum feed_kind k)
{
    struct copy *c = ud;
    c->ends[k]++;
    if (k != FEED_RUNS) return;
    ck_assert(c->framing[k]);
    c->framing[k] = false;
    for (int i = 0; i < c->n;) {
        if (!c->o[i].seen) {
            drop_at(c, i);
            c->swept++;
        } else {
            i++;
        }
    }
}

static void k_state(void *ud, const struct kube_conn_state *st)
{
    struct copy *c = ud;
    c->states++;
    if (st->state == KUBE_CONN_RECONNECTING && !c->saw_reconnecting) {
        c->saw_reconnecting = true;
        c->first_reconnect_ms = time_mono_ms();
    }
    if (st->state == KUBE_CONN_LIVE && c->saw_reconnecting) c->live_after_reconnect++;
    if (st->state == KUBE_CONN_FAILED) c->saw_failed = true;
    if (st->error) snprintf(c->last_error, sizeof c->last_error, "%s", st->error);
    c->last = st->state;
}

static const struct feed_sink SINK = {.begin = k_begin, .upsert = k_upsert, .removed = k_removed,
                                      .end = k_end, .state = k_state};

static void op(const char *json) { ck_assert_int_eq(kubeapi_op(&api, json, false), 0); }

static void patch(int i, const char *phase) { ck_assert_int_eq(kubeapi_patch_run(&api, i, phase), 0); }

static void del(int i) { ck_assert_int_eq(kubeapi_delete_run(&api, i), 0); }

static void add(const char *name)
{
    char b[512];
    snprintf(b, sizeof b, "{\"op\":\"add\",\"object\":{\"apiVersion\":\"agents.proompteng.ai/v1alpha1\",\"kind\":\"AgentRun\","
                          "\"metadata\":{\"name\":\"%s\",\"namespace\":\"agents\"},\"spec\":{\"agentRef\":{\"name\":\"a\"},"
                          "\"runtime\":{\"type\":\"job\"},\"implementationSpecRef\":{\"name\":\"i\"}}}}", name);
    op(b);
}

#define SPIN_UNTIL(c, cond)                                              \
    do {                                                                 \
        int64_t deadline_ = time_mono_ms() + 20000;                      \
        while (!(cond) && time_mono_ms() < deadline_) {                  \
            kube_client_wait((c), NULL, 0, 100);                         \
            kube_client_perform(c);                                      \
        }                                                                \
        ck_assert_msg((cond), "timed out waiting for: %s", #cond);       \
    } while (0)

static void settle(struct kube_client *c, int ms)
{
    int64_t end = time_mono_ms() + ms;
    while (time_mono_ms() < end) {
        kube_client_wait(c, NULL, 0, 50);
        kube_client_perform(c);
    }
}

struct env {
    struct kubeconfig *kc;
    struct kube_config *cfg;
    struct kube_client *c;
};

static void env_start(struct env *e, int nruns, const char *const *args)
{
    kubeapi_prepare(&api);
    kubeapi_write_runs(&api, "runs.json", "agents", nruns);
    ck_assert_int_eq(kubeapi_start(&api, args), 0);
    char err[ERRLEN];
    ck_assert_msg(kubeconfig_load(api.kubeconfig, &e->kc, err, sizeof err) == 0, "%s", err);
    ck_assert_msg(kubeconfig_resolve(e->kc, NULL, NULL, &e->cfg, err, sizeof err) == 0, "%s", err);
    ck_assert_msg(kube_client_new(e->cfg, &e->c, err, sizeof err) == 0, "%s", err);
}

static void env_stop(struct env *e)
{
    kube_client_free(e->c);
    kube_config_free(e->cfg);
    kubeconfig_free(e->kc);
    kubeapi_stop(&api);
}

/* The copy equals a fresh list: same uids, same resourceVersions. */
static void assert_equals_server(struct env *e, struct copy *k)
{
    struct kube_error ke = {0};
    cJSON *items;
    struct kube_list_opts lo = {.res = &KUBE_AGENTRUNS, .ns = "agents"};
    ck_assert_msg(kube_list_all(e->c, &lo, &items, NULL, &ke) == 0, "%s", ke.msg);
    ck_assert_int_eq(k->n, cJSON_GetArraySize(items));
    const cJSON *it;
    cJSON_ArrayForEach(it, items) {
        struct obj *o = find(k, json_str(it, "metadata.uid"));
        ck_assert_msg(o != NULL, "missing %s", json_str(it, "metadata.name"));
        ck_assert_str_eq(o->rv, json_str(it, "metadata.resourceVersion"));
    }
    cJSON_Delete(items);
}

#define RUNS_WATCH "GET /apis/agents.proompteng.ai/v1alpha1/namespaces/agents/agentruns?watch=true"
#define RUNS_LIST "GET /apis/agents.proompteng.ai/v1alpha1/namespaces/agents/agentruns"

START_TEST(copy_equals_server_after_every_fault)
{
    struct env e;
    const char *args[] = {"--bookmark-interval", "1", NULL};
    env_start(&e, 40, args);
    struct copy *k = calloc(1, sizeof *k);
    struct feed_sink sink = SINK;
    sink.ud = k;
    struct feed_opts o = {.ns = "agents", .page_size = 7};
    struct feed *f = feed_start(e.c, &o, &sink);
    SPIN_UNTIL(e.c, feed_synced(f) && k->last == KUBE_CONN_LIVE);
    ck_assert_int_eq(k->n, 40);
    ck_assert_int_eq(k->begins[FEED_PODS], 1);
    ck_assert_int_eq(k->ends[FEED_PODS], 1);

    /* live changes */
    patch(1, "Running");
    add("run-new");
    del(2);
    SPIN_UNTIL(e.c, k->upserts_watch == 2 && k->removes == 1);

    /* a dropped connection: what changed meanwhile arrives once, on resume */
    op("{\"op\":\"drop-streams\"}");
    patch(3, "Failed");
    SPIN_UNTIL(e.c, k->upserts_watch == 3 && k->live_after_reconnect >= 1);
    ck_assert_int_eq(feed_lists(f, FEED_RUNS), 1); /* resumed, not relisted */

    /* the next watch is cut in the middle of an event */
    op("{\"op\":\"fault\",\"rule\":\"" RUNS_WATCH ":close-after=150\"}");
    op("{\"op\":\"drop-streams\"}");
    patch(4, "Failed");
    patch(5, "Failed");
    SPIN_UNTIL(e.c, k->upserts_watch == 5);
    ck_assert_int_eq(feed_lists(f, FEED_RUNS), 1);

    /* changes while down, then compaction: 410 on resume; the relist
     * brings the changes and its frame sweeps the run deleted meanwhile */
    op("{\"op\":\"drop-streams\"}");
    patch(6, "Succeeded");
    del(7);
    add("run-new2");
    op("{\"op\":\"compact\"}");
    SPIN_UNTIL(e.c, feed_lists(f, FEED_RUNS) == 2 && k->ends[FEED_RUNS] == 2 && k->last == KUBE_CONN_LIVE);
    ck_assert_int_eq(k->swept, 1);
    assert_equals_server(&e, k);

    /* an ERROR 410 event on the watch stream */
    op("{\"op\":\"fault\",\"rule\":\"" RUNS_WATCH ":gone\"}");
    op("{\"op\":\"drop-streams\"}");
    patch(8, "Succeeded");
    SPIN_UNTIL(e.c, feed_lists(f, FEED_RUNS) == 3 && k->ends[FEED_RUNS] == 3 && k->last == KUBE_CONN_LIVE);

    /* the relist answered 429 with Retry-After, then 500: retried, with the backoff */
    op("{\"op\":\"fault\",\"rule\":\"" RUNS_LIST "?limit=7:status=429&retry-after=1\"}");
    op("{\"op\":\"fault\",\"rule\":\"" RUNS_LIST "?limit=7:status=500\"}");
    op("{\"op\":\"fault\",\"rule\":\"" RUNS_WATCH ":gone\"}");
    op("{\"op\":\"drop-streams\"}");
    del(9);
    SPIN_UNTIL(e.c, k->ends[FEED_RUNS] == 4 && k->last == KUBE_CONN_LIVE);
    ck_assert_int_ge(feed_lists(f, FEED_RUNS), 5);
    settle(e.c, 1500);

    /* nothing applied twice, nothing lost */
    ck_assert_int_eq(k->dup_watch, 0);
    assert_equals_server(&e, k);
    ck_assert(!find(k, "uid-agents-00009"));
    feed_stop(f);
    free(k);
    env_stop(&e);
}
END_TEST

/* Counts watch requests of agentruns the server saw. */
static int count_requests(const char *needle)
{
    char *url = xasprintf("http://127.0.0.1:%d/_kubeapi/requests", api.port);
    CURL *h = curl_easy_init();
    struct buf b = {0};
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, fixture_sink);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
    ck_assert_int_eq(curl_easy_perform(h), CURLE_OK);
    curl_easy_cleanup(h);
    free(url);
    int n = 0;
    for (const char *p = b.p; p && (p = strstr(p, needle)); p++) n++;
    buf_free(&b);
    return n;
}

/* A server that ends every watch at once, cleanly (an empty stream) or by
 * dropping it: 10 s bring a handful of watches, not thousands. */
static void always_closing(const char *spec)
{
    struct env e;
    char *rule = xasprintf(RUNS_WATCH ":%s:*", spec);
    const char *args[] = {"--fault-first", rule, NULL};
    kubeapi_prepare(&api);
    char *empty = xasprintf("%s/empty", api.dir);
    fixture_write(empty, "");
    free(rule);
    rule = xasprintf(RUNS_WATCH ":%s%s:*", spec, strcmp(spec, "body=") ? "" : empty);
    args[1] = rule;
    kubeapi_write_runs(&api, "runs.json", "agents", 3);
    ck_assert_int_eq(kubeapi_start(&api, args), 0);
    char err[ERRLEN];
    ck_assert_int_eq(kubeconfig_load(api.kubeconfig, &e.kc, err, sizeof err), 0);
    ck_assert_int_eq(kubeconfig_resolve(e.kc, NULL, NULL, &e.cfg, err, sizeof err), 0);
    ck_assert_int_eq(kube_client_new(e.cfg, &e.c, err, sizeof err), 0);
    struct copy *k = calloc(1, sizeof *k);
    struct feed_sink sink = SINK;
    sink.ud = k;
    struct feed_opts o = {.ns = "agents", .runs_only = true};
    struct feed *f = feed_start(e.c, &o, &sink);
    SPIN_UNTIL(e.c, feed_synced(f));
    settle(e.c, 10000);
    int watches = feed_watches(f, FEED_RUNS);
    int seen = count_requests("\"watch\":\"true\"");
    fprintf(stderr, "always closing (%s): %d watches in 10 s (server saw %d), %d lists\n", spec, watches, seen,
            feed_lists(f, FEED_RUNS));
    ck_assert_int_ge(watches, 3);
    ck_assert_int_le(watches, 10);
    ck_assert_int_ge(seen, 3);
    ck_assert_int_le(seen, 10);
    ck_assert(k->saw_reconnecting);
    ck_assert_int_ne(k->last, KUBE_CONN_FAILED);
    feed_stop(f);
    free(k);
    free(rule);
    free(empty);
    env_stop(&e);
}

START_TEST(server_ending_every_watch_cleanly) { always_closing("body="); }
END_TEST

START_TEST(server_dropping_every_watch) { always_closing("drop"); }
END_TEST

/* Every watch answered 410: relists back off too, and the state says so. */
START_TEST(server_expiring_every_watch)
{
    struct env e;
    const char *args[] = {"--fault-first", RUNS_WATCH ":gone:*", NULL};
    env_start(&e, 3, args);
    struct copy *k = calloc(1, sizeof *k);
    struct feed_sink sink = SINK;
    sink.ud = k;
    struct feed_opts o = {.ns = "agents", .runs_only = true};
    struct feed *f = feed_start(e.c, &o, &sink);
    int64_t end = time_mono_ms() + 10000;
    int live_ms = 0;
    while (time_mono_ms() < end) {
        kube_client_wait(e.c, NULL, 0, 50);
        kube_client_perform(e.c);
        if (feed_state(f).state == KUBE_CONN_LIVE) live_ms += 50;
    }
    int lists = feed_lists(f, FEED_RUNS);
    fprintf(stderr, "always 410: %d lists in 10 s, live about %d ms\n", lists, live_ms);
    ck_assert_int_ge(lists, 3);
    ck_assert_int_le(lists, 10);
    ck_assert_int_eq(feed_state(f).state, KUBE_CONN_RECONNECTING);
    ck_assert_int_eq(k->n, 3); /* the relists keep the copy whole */
    ck_assert_int_eq(k->swept, 0);
    feed_stop(f);
    free(k);
    env_stop(&e);
}
END_TEST

/* A watch that stalls (headers, then nothing, no bookmarks) is restarted
 * after the idle limit and the state stops saying live. */
START_TEST(silent_watch_is_restarted)
{
    struct env e;
    const char *args[] = {"--fault-first", RUNS_WATCH ":stall:1", NULL};
    env_start(&e, 3, args);
    struct copy *k = calloc(1, sizeof *k);
    struct feed_sink sink = SINK;
    sink.ud = k;
    struct feed_opts o = {.ns = "agents", .runs_only = true, .idle_ms = 1500};
    struct feed *f = feed_start(e.c, &o, &sink);
    SPIN_UNTIL(e.c, feed_synced(f) && k->last == KUBE_CONN_LIVE);
    int64_t live_at = time_mono_ms();
    SPIN_UNTIL(e.c, k->saw_reconnecting);
    int64_t dead_for = k->first_reconnect_ms - live_at;
    ck_assert_int_ge(dead_for, 1000);
    ck_assert_int_le(dead_for, 3500);
    ck_assert_msg(strstr(k->last_error, "nothing from the server"), "%s", k->last_error);
    /* the next watch is healthy: a change arrives */
    SPIN_UNTIL(e.c, k->last == KUBE_CONN_LIVE);
    patch(1, "Failed");
    SPIN_UNTIL(e.c, k->upserts_watch >= 1);
    ck_assert_int_eq(feed_watches(f, FEED_RUNS), 2);
    feed_stop(f);
    free(k);
    env_stop(&e);
}
END_TEST

/* 403 on the list: that kind stops, FAILED with the reason. */
START_TEST(forbidden_stops)
{
    struct env e;
    const char *args[] = {"--fault-first", RUNS_LIST ":status=403:*", NULL};
    env_start(&e, 3, args);
    struct copy *k = calloc(1, sizeof *k);
    struct feed_sink sink = SINK;
    sink.ud = k;
    struct feed_opts o = {.ns = "agents"};
    struct feed *f = feed_start(e.c, &o, &sink);
    SPIN_UNTIL(e.c, k->saw_failed);
    settle(e.c, 1500);
    ck_assert_int_eq(feed_lists(f, FEED_RUNS), 1);
    ck_assert_int_eq(feed_state(f).state, KUBE_CONN_FAILED);
    ck_assert_ptr_nonnull(feed_state(f).error);
    feed_stop(f);
    free(k);
    env_stop(&e);
}
END_TEST

struct stopper {
    struct feed *f;
    int n;
};

static void stop_on_upsert(void *ud, enum feed_kind kind, const cJSON *obj, bool listed)
{
    struct stopper *s = ud;
    if (kind == FEED_RUNS && ++s->n == 3) feed_stop(s->f);
}

START_TEST(stop_from_inside_a_callback)
{
    struct env e;
    env_start(&e, 20, NULL);
    struct stopper s = {0};
    struct feed_sink sink = {.upsert = stop_on_upsert, .ud = &s};
    struct feed_opts o = {.ns = "agents", .page_size = 5};
    s.f = feed_start(e.c, &o, &sink);
    settle(e.c, 1000);
    ck_assert_int_eq(s.n, 3);
    ck_assert_int_eq(kube_client_perform(e.c), 0); /* nothing left running */
    env_stop(&e);
}
END_TEST

/* Two clients (two contexts, in the recorder) on one loop: one thread
 * follows both; freeing one leaves the other's requests running. */
START_TEST(two_clients_share_one_loop)
{
    struct env e;
    env_start(&e, 5, NULL);
    char err[ERRLEN];
    struct kube_loop *loop = kube_loop_new();
    struct kube_client *a, *b;
    ck_assert_int_eq(kube_client_new_on(loop, e.cfg, &a, err, sizeof err), 0);
    ck_assert_int_eq(kube_client_new_on(loop, e.cfg, &b, err, sizeof err), 0);
    ck_assert_ptr_eq(kube_client_loop(a), kube_client_loop(b));
    struct copy *ka = calloc(1, sizeof *ka), *kb = calloc(1, sizeof *kb);
    struct feed_sink sa = SINK, sb = SINK;
    sa.ud = ka;
    sb.ud = kb;
    struct feed_opts o = {.ns = "agents"};
    struct feed *fa = feed_start(a, &o, &sa), *fb = feed_start(b, &o, &sb);
    SPIN_UNTIL(a, feed_synced(fa) && feed_synced(fb) && ka->last == KUBE_CONN_LIVE && kb->last == KUBE_CONN_LIVE);
    ck_assert_int_eq(ka->n, 5);
    ck_assert_int_eq(kb->n, 5);
    feed_stop(fa);
    kube_client_free(a);
    patch(1, "Failed");
    SPIN_UNTIL(b, kb->upserts_watch == 1);
    ck_assert_int_eq(ka->upserts_watch, 0);
    feed_stop(fb);
    kube_client_free(b);
    ck_assert_int_eq(kube_loop_perform(loop), 0);
    kube_loop_free(loop);
    free(ka);
    free(kb);
    env_stop(&e);
}
END_TEST

START_TEST(backoff_is_capped_with_jitter)
{
    for (int f = 1; f < 40; f++) {
        int64_t d = kube_backoff_ms(f);
        int64_t full = KUBE_BACKOFF_BASE_MS;
        for (int i = 1; i < f && full < KUBE_BACKOFF_CAP_MS; i++) full *= 2;
        if (full > KUBE_BACKOFF_CAP_MS) full = KUBE_BACKOFF_CAP_MS;
        ck_assert_int_ge(d, full / 2);
        ck_assert_int_le(d, full);
    }
    ck_assert_str_eq(kube_conn_name(KUBE_CONN_RECONNECTING), "reconnecting");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("feed");
    TCase *tc = tcase_create("server");
    tcase_set_timeout(tc, 150);
    tcase_add_test(tc, backoff_is_capped_with_jitter);
    tcase_add_test(tc, copy_equals_server_after_every_fault);
    tcase_add_test(tc, server_ending_every_watch_cleanly);
    tcase_add_test(tc, server_dropping_every_watch);
    tcase_add_test(tc, server_expiring_every_watch);
    tcase_add_test(tc, silent_watch_is_restarted);
    tcase_add_test(tc, forbidden_stops);
    tcase_add_test(tc, stop_from_inside_a_callback);
    tcase_add_test(tc, two_clients_share_one_loop);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
