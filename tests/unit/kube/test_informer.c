/* Integration tests of src/kube/watch.c against the API test server: an
 * informer sees every change exactly once across a dropped connection, a
 * watch cut in the middle of an event, a compacted history (410 on
 * reconnect) and an injected ERROR 410 event; its set then equals a fresh
 * list. Also backoff bounds. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "kube/client.h"
#include "kube/server_fixture.h"
#include "kube/watch.h"
#include "util/jsonutil.h"

static struct kubeapi api;

#define MAXRUNS 64
struct tally {
    int adds, updates, deletes, synced;
    int per_update[MAXRUNS + 8]; /* by run number; new runs at the end */
    int per_add[MAXRUNS + 8], per_delete[MAXRUNS + 8];
    bool saw_reconnecting, saw_live_again;
    enum kube_conn last;
};

static int run_index(const cJSON *obj)
{
    const char *name = json_str(obj, "metadata.name");
    if (!name) return MAXRUNS + 7;
    if (!strcmp(name, "run-new")) return MAXRUNS;
    if (!strcmp(name, "run-new2")) return MAXRUNS + 1;
    if (!strncmp(name, "run-", 4)) return atoi(name + 4) % MAXRUNS;
    return MAXRUNS + 7;
}

static void t_add(void *ud, const cJSON *obj)
{
    struct tally *t = ud;
    t->adds++;
    t->per_add[run_index(obj)]++;
}

static void t_update(void *ud, const cJSON *old, const cJSON *obj)
{
    struct tally *t = ud;
    ck_assert_str_ne(json_str(old, "metadata.resourceVersion"), json_str(obj, "metadata.resourceVersion"));
    t->updates++;
    t->per_update[run_index(obj)]++;
}

static void t_delete(void *ud, const cJSON *last)
{
    struct tally *t = ud;
    t->deletes++;
    t->per_delete[run_index(last)]++;
}

static void t_synced(void *ud) { ((struct tally *)ud)->synced++; }

static void t_state(void *ud, const struct kube_conn_state *st)
{
    struct tally *t = ud;
    if (st->state == KUBE_CONN_RECONNECTING) t->saw_reconnecting = true;
    if (st->state == KUBE_CONN_LIVE && t->saw_reconnecting) t->saw_live_again = true;
    t->last = st->state;
}

static void op(const char *json) { ck_assert_int_eq(kubeapi_op(&api, json, false), 0); }

static void patch(int i, const char *phase)
{
    char b[512];
    snprintf(b, sizeof b,
             "{\"op\":\"modify\",\"kind\":\"AgentRun\",\"apiVersion\":\"agents.proompteng.ai/v1alpha1\","
             "\"namespace\":\"agents\",\"name\":\"run-%05d\",\"patch\":{\"status\":{\"phase\":\"%s\","
             "\"message\":\"padding padding padding padding padding padding padding padding padding\"}}}",
             i, phase);
    op(b);
}

static void del(int i)
{
    char b[256];
    snprintf(b, sizeof b, "{\"op\":\"delete\",\"kind\":\"AgentRun\",\"apiVersion\":\"agents.proompteng.ai/v1alpha1\","
                          "\"namespace\":\"agents\",\"name\":\"run-%05d\"}", i);
    op(b);
}

static void add(const char *name)
{
    char b[512];
    snprintf(b, sizeof b, "{\"op\":\"add\",\"object\":{\"apiVersion\":\"agents.proompteng.ai/v1alpha1\",\"kind\":\"AgentRun\","
                          "\"metadata\":{\"name\":\"%s\",\"namespace\":\"agents\"},\"spec\":{\"agentRef\":{\"name\":\"a\"},"
                          "\"runtime\":{\"type\":\"job\"},\"implementationSpecRef\":{\"name\":\"i\"}}}}", name);
    op(b);
}

/* Runs the loop until cond holds (or 20 s pass). */
#define SPIN_UNTIL(c, cond)                                              \
    do {                                                                 \
        int64_t deadline_ = time_mono_ms() + 20000;                      \
        while (!(cond) && time_mono_ms() < deadline_) {                  \
            kube_client_wait((c), NULL, 0, 100);                         \
            kube_client_perform(c);                                      \
        }                                                                \
        ck_assert_msg((cond), "timed out waiting for: %s", #cond);       \
    } while (0)

/* Lets the loop run a little so late duplicates would show. */
static void settle(struct kube_client *c, int ms)
{
    int64_t end = time_mono_ms() + ms;
    while (time_mono_ms() < end) {
        kube_client_wait(c, NULL, 0, 50);
        kube_client_perform(c);
    }
}

/* Each object the informer holds against the fresh list: there, with the
 * same resourceVersion, name and phase (the informer -> list direction;
 * the loop over the list checks the other one). */
struct cmp {
    const cJSON *items;
    int n, missing, differ;
};

static void compare_one(void *ud, const cJSON *obj)
{
    struct cmp *k = ud;
    k->n++;
    const char *uid = json_str(obj, "metadata.uid");
    const cJSON *it;
    cJSON_ArrayForEach(it, k->items) {
        const char *u = json_str(it, "metadata.uid");
        if (!uid || !u || strcmp(uid, u) != 0) continue;
        static const char *const keys[] = {"metadata.resourceVersion", "metadata.name", "status.phase"};
        for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
            const char *a = json_str(obj, keys[i]), *b = json_str(it, keys[i]);
            if ((!a) != (!b) || (a && strcmp(a, b) != 0)) k->differ++;
        }
        return;
    }
    k->missing++;
}

START_TEST(informer_sees_each_change_once)
{
    kubeapi_prepare(&api);
    kubeapi_write_runs(&api, "runs.json", "agents", 40);
    const char *args[] = {"--bookmark-interval", "1", NULL};
    ck_assert_int_eq(kubeapi_start(&api, args), 0);
    char err[ERRLEN];
    struct kubeconfig *kc;
    ck_assert_msg(kubeconfig_load(api.kubeconfig, &kc, err, sizeof err) == 0, "%s", err);
    struct kube_config *cfg;
    ck_assert_msg(kubeconfig_resolve(kc, NULL, NULL, &cfg, err, sizeof err) == 0, "%s", err);
    struct kube_client *c;
    ck_assert_msg(kube_client_new(cfg, &c, err, sizeof err) == 0, "%s", err);

    struct tally t = {0};
    struct kube_informer_opts o = {.res = &KUBE_AGENTRUNS, .ns = "agents", .page_size = 7,
                                   .on_add = t_add, .on_update = t_update, .on_delete = t_delete,
                                   .on_synced = t_synced, .on_state = t_state, .ud = &t};
    struct kube_informer *inf = kube_informer_start(c, &o);
    SPIN_UNTIL(c, t.synced == 1 && t.last == KUBE_CONN_LIVE);
    ck_assert_int_eq(t.adds, 40);
    ck_assert_uint_eq(kube_informer_count(inf), 40);
    ck_assert_ptr_nonnull(kube_informer_get(inf, "uid-agents-00005"));

    /* live changes */
    patch(1, "Running");
    add("run-new");
    del(2);
    SPIN_UNTIL(c, t.updates == 1 && t.adds == 41 && t.deletes == 1);
    ck_assert_int_eq(t.per_update[1], 1);
    ck_assert_int_eq(t.per_add[MAXRUNS], 1);
    ck_assert_int_eq(t.per_delete[2], 1);

    /* dropped connection: changes made while down arrive once, on resume */
    op("{\"op\":\"drop-streams\"}");
    patch(3, "Failed");
    SPIN_UNTIL(c, t.per_update[3] == 1 && t.saw_live_again);
    ck_assert_int_eq(kube_informer_lists(inf), 1); /* resumed, not relisted */

    /* the next watch is cut in the middle of an event */
    op("{\"op\":\"fault\",\"rule\":\"GET /apis/agents.proompteng.ai/v1alpha1/namespaces/agents/agentruns?watch=true:close-after=150\"}");
    op("{\"op\":\"drop-streams\"}");
    patch(4, "Failed");
    patch(5, "Failed");
    SPIN_UNTIL(c, t.per_update[4] == 1 && t.per_update[5] == 1);
    ck_assert_int_eq(kube_informer_lists(inf), 1);

    /* changes while down, then the history is compacted: 410 on resume, a relist reports only the difference */
    op("{\"op\":\"drop-streams\"}");
    patch(6, "Succeeded");
    del(7);
    add("run-new2");
    op("{\"op\":\"compact\"}");
    SPIN_UNTIL(c, kube_informer_lists(inf) == 2 && t.synced == 2 && t.per_update[6] == 1 && t.per_delete[7] == 1 &&
                      t.per_add[MAXRUNS + 1] == 1);

    /* an ERROR 410 event on the watch stream */
    op("{\"op\":\"fault\",\"rule\":\"GET /apis/agents.proompteng.ai/v1alpha1/namespaces/agents/agentruns?watch=true:gone\"}");
    op("{\"op\":\"drop-streams\"}");
    patch(8, "Succeeded");
    SPIN_UNTIL(c, kube_informer_lists(inf) == 3 && t.per_update[8] == 1 && t.last == KUBE_CONN_LIVE);
    settle(c, 1500);

    /* totals: nothing lost, nothing repeated */
    ck_assert_int_eq(t.adds, 42);
    ck_assert_int_eq(t.deletes, 2);
    ck_assert_int_eq(t.updates, 6);
    for (int i = 0; i < MAXRUNS + 8; i++) {
        ck_assert_int_le(t.per_update[i], 1);
        ck_assert_int_le(t.per_add[i], i < 40 || i >= MAXRUNS ? 1 : 0);
    }
    /* and the set equals a fresh list */
    struct kube_error e = {0};
    cJSON *items;
    struct kube_list_opts lo = {.res = &KUBE_AGENTRUNS, .ns = "agents"};
    ck_assert_msg(kube_list_all(c, &lo, &items, NULL, &e) == 0, "%s", e.msg);
    ck_assert_uint_eq(kube_informer_count(inf), (size_t)cJSON_GetArraySize(items));
    const cJSON *it;
    cJSON_ArrayForEach(it, items) {
        const cJSON *mine = kube_informer_get(inf, json_str(it, "metadata.uid"));
        ck_assert_ptr_nonnull(mine);
        ck_assert_str_eq(json_str(mine, "metadata.resourceVersion"), json_str(it, "metadata.resourceVersion"));
    }
    struct cmp k = {items, 0, 0, 0};
    kube_informer_foreach(inf, compare_one, &k);
    ck_assert_int_eq(k.n, cJSON_GetArraySize(items));
    ck_assert_int_eq(k.missing, 0);
    ck_assert_int_eq(k.differ, 0);
    cJSON_Delete(items);
    kube_informer_stop(inf);
    kube_client_free(c);
    kube_config_free(cfg);
    kubeconfig_free(kc);
    kubeapi_stop(&api);
}
END_TEST

struct stopper {
    struct kube_informer *inf;
    int adds;
};

static void stop_on_add(void *ud, const cJSON *obj)
{
    struct stopper *s = ud;
    if (++s->adds == 3) kube_informer_stop(s->inf);
}

START_TEST(stop_from_inside_a_callback)
{
    kubeapi_prepare(&api);
    kubeapi_write_runs(&api, "runs.json", "agents", 20);
    ck_assert_int_eq(kubeapi_start(&api, NULL), 0);
    char err[ERRLEN];
    struct kubeconfig *kc;
    ck_assert_int_eq(kubeconfig_load(api.kubeconfig, &kc, err, sizeof err), 0);
    struct kube_config *cfg;
    ck_assert_int_eq(kubeconfig_resolve(kc, NULL, NULL, &cfg, err, sizeof err), 0);
    struct kube_client *c;
    ck_assert_int_eq(kube_client_new(cfg, &c, err, sizeof err), 0);
    struct stopper s = {0};
    struct kube_informer_opts o = {.res = &KUBE_AGENTRUNS, .ns = "agents", .page_size = 5, .on_add = stop_on_add, .ud = &s};
    s.inf = kube_informer_start(c, &o);
    settle(c, 1000);
    ck_assert_int_eq(s.adds, 3);
    ck_assert_int_eq(kube_client_perform(c), 0); /* nothing left running */
    kube_client_free(c);
    kube_config_free(cfg);
    kubeconfig_free(kc);
    kubeapi_stop(&api);
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
    Suite *s = suite_create("informer");
    TCase *tc = tcase_create("server");
    tcase_set_timeout(tc, 150);
    tcase_add_test(tc, backoff_is_capped_with_jitter);
    tcase_add_test(tc, informer_sees_each_change_once);
    tcase_add_test(tc, stop_from_inside_a_callback);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
