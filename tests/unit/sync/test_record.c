/* The record sink (src/sync: `sync --watch` = feed + record) against the
 * API test server with its fault injection. While sync_watch runs, a
 * second thread changes the server and breaks its watches: a dropped
 * connection, a watch cut in the middle of an event, compaction (410 on
 * resume) with a run deleted in the gap, an ERROR 410 event, a relist
 * answered 429 + Retry-After then 500. Afterwards the cache equals the
 * server: every run with the server's resourceVersion, the runs deleted on
 * the server marked deleted (never dropped), nothing else marked. */
#include <check.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "kube/client.h"
#include "kube/server_fixture.h"
#include "store/store.h"
#include "sync/sync.h"
#include "util/jsonutil.h"

static struct kubeapi api;
static volatile sig_atomic_t stop_flag;
static struct sync *active;
static int op_failures;

static void op(const char *json)
{
    if (kubeapi_op(&api, json, false) != 0) op_failures++;
}

static void patch(int i, const char *phase)
{
    if (kubeapi_patch_run(&api, i, phase) != 0) op_failures++;
}

static void del(int i)
{
    if (kubeapi_delete_run(&api, i) != 0) op_failures++;
}

static void pause_ms(int ms) { usleep((useconds_t)ms * 1000); }

#define RUNS_WATCH "GET /apis/agents.proompteng.ai/v1alpha1/namespaces/agents/agentruns?watch=true"
#define RUNS_LIST "GET /apis/agents.proompteng.ai/v1alpha1/namespaces/agents/agentruns?limit=500"

static void *driver(void *ud)
{
    (void)ud;
    pause_ms(2500); /* listed and watching */
    patch(1, "Running");
    pause_ms(500);
    op("{\"op\":\"drop-streams\"}");
    patch(2, "Failed");
    pause_ms(1500);
    op("{\"op\":\"fault\",\"rule\":\"" RUNS_WATCH ":close-after=150\"}");
    op("{\"op\":\"drop-streams\"}");
    patch(3, "Failed");
    patch(4, "Succeeded");
    pause_ms(2000);
    /* down, a deletion in the gap, then compaction: only a relist finds it */
    op("{\"op\":\"drop-streams\"}");
    del(5);
    patch(6, "Failed");
    op("{\"op\":\"compact\"}");
    pause_ms(2500);
    op("{\"op\":\"fault\",\"rule\":\"" RUNS_WATCH ":gone\"}");
    op("{\"op\":\"fault\",\"rule\":\"" RUNS_LIST ":status=429&retry-after=1\"}");
    op("{\"op\":\"fault\",\"rule\":\"" RUNS_LIST ":status=500\"}");
    op("{\"op\":\"drop-streams\"}");
    del(7);
    patch(8, "Failed");
    pause_ms(5000);
    /* a live deletion */
    del(9);
    pause_ms(1500);
    stop_flag = 1;
    sync_wakeup(active);
    return NULL;
}

START_TEST(cache_equals_server_after_faults)
{
    kubeapi_prepare(&api);
    kubeapi_write_runs(&api, "runs.json", "agents", 30);
    const char *args[] = {"--bookmark-interval", "1", NULL};
    ck_assert_int_eq(kubeapi_start(&api, args), 0);
    char err[ERRLEN];
    struct kubeconfig *kc;
    struct kube_config *cfg;
    struct kube_client *c;
    ck_assert_msg(kubeconfig_load(api.kubeconfig, &kc, err, sizeof err) == 0, "%s", err);
    ck_assert_msg(kubeconfig_resolve(kc, NULL, NULL, &cfg, err, sizeof err) == 0, "%s", err);
    ck_assert_msg(kube_client_new(cfg, &c, err, sizeof err) == 0, "%s", err);
    char *db = xasprintf("%s/history.db", api.dir);
    struct store *s = store_open(db, NULL, err, sizeof err);
    ck_assert_msg(s != NULL, "%s", err);
    struct sync_opts o;
    sync_opts_init(&o);
    o.context = "kubeapi";
    o.ns = "agents";
    struct sync *y = sync_new(s, c, &o);
    active = y;
    stop_flag = 0;
    pthread_t th;
    ck_assert_int_eq(pthread_create(&th, NULL, driver, NULL), 0);
    struct sync_stats st = {0};
    int rc = sync_watch(y, &stop_flag, &st, err, sizeof err);
    pthread_join(th, NULL);
    ck_assert_msg(rc == 0, "%s", err);
    ck_assert_int_eq(op_failures, 0);

    /* the server's state */
    struct kube_error ke = {0};
    cJSON *items;
    struct kube_list_opts lo = {.res = &KUBE_AGENTRUNS, .ns = "agents"};
    ck_assert_msg(kube_list_all(c, &lo, &items, NULL, &ke) == 0, "%s", ke.msg);
    ck_assert_int_eq(cJSON_GetArraySize(items), 27);

    struct store_query q;
    store_query_init(&q);
    struct store_run_list runs;
    ck_assert_msg(store_list_runs(s, &q, &runs, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_eq(runs.n, 30); /* none dropped */
    size_t deleted = 0;
    for (size_t i = 0; i < runs.n; i++) {
        const struct store_run *r = &runs.items[i];
        const cJSON *live = NULL, *it;
        cJSON_ArrayForEach(it, items) {
            const char *uid = json_str(it, "metadata.uid");
            if (uid && !strcmp(uid, r->uid)) live = it;
        }
        if (!live) {
            ck_assert_msg(r->deleted, "%s is gone from the server but not marked deleted", r->name);
            deleted++;
            continue;
        }
        ck_assert_msg(!r->deleted, "%s is on the server but marked deleted", r->name);
        cJSON *raw = cJSON_Parse(r->raw);
        ck_assert_ptr_nonnull(raw);
        ck_assert_msg(!strcmp(json_str(raw, "metadata.resourceVersion"), json_str(live, "metadata.resourceVersion")),
                      "%s: cache has rv %s, server %s", r->name, json_str(raw, "metadata.resourceVersion"),
                      json_str(live, "metadata.resourceVersion"));
        cJSON_Delete(raw);
    }
    ck_assert_uint_eq(deleted, 3);
    store_run_list_free(&runs);
    cJSON_Delete(items);
    sync_free(y);
    store_close(s);
    free(db);
    kube_client_free(c);
    kube_config_free(cfg);
    kubeconfig_free(kc);
    kubeapi_stop(&api);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("record");
    TCase *tc = tcase_create("server");
    tcase_set_timeout(tc, 150);
    tcase_add_test(tc, cache_equals_server_after_faults);
    suite_add_tcase(su, tc);
    SRunner *sr = srunner_create(su);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
