/* Log triage without a console (src/runs/triage.c): against the API test
 * server on the demo scenario, the terminated runner log of a failed run
 * is streamed through the classifier, its verdict handed to the hook once
 * (a pod considered twice is read once), and triage_record writes it to
 * the history cache with the rules' version, as sync does; a cache that
 * refuses the writes makes triage_record fail with the store's sentence
 * instead of dropping it. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kube/client.h"
#include "kube/kubeconfig.h"
#include "kube/server_fixture.h"
#include "runs/runclass.h"
#include "runs/triage.h"
#include "store/store.h"
#include "util/err.h"
#include "util/jsonutil.h"

#define RUN "bumba-ingest-retry-r2"

/* the fixture's helpers this test does not need */
__attribute__((unused)) static void *const fixture_unused[] = {(void *)kubeapi_write_runs, (void *)kubeapi_op};

static cJSON *load_items(const char *file)
{
    char *p = xasprintf("%s/data/demo/seed/objects/%s", getenv("ARTRIAGE_SRC"), file);
    FILE *f = fopen(p, "rb");
    ck_assert_msg(f != NULL, "%s", p);
    struct buf b = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) buf_append(&b, chunk, n);
    fclose(f);
    free(p);
    cJSON *j = cJSON_ParseWithLength(b.p, b.len);
    buf_free(&b);
    ck_assert_ptr_nonnull(j);
    return j;
}

static const cJSON *named(const cJSON *list, const char *name, bool prefix)
{
    const cJSON *items = cJSON_IsArray(list) ? list : cJSON_GetObjectItemCaseSensitive(list, "items");
    const cJSON *it;
    cJSON_ArrayForEach(it, items) {
        const char *n = json_str(it, "metadata.name");
        if (n && (prefix ? strncmp(n, name, strlen(name)) == 0 && strstr(n, "-job-") : strcmp(n, name) == 0))
            return it;
    }
    return NULL;
}

struct seen {
    struct agentrun *run;
    struct pod *pod;
    int results;
    char cls[64];
    int64_t line;
    struct store *store;
    const struct classify_rules *rs;
    int record_rc;
    char record_err[ERRLEN];
};

static bool run_of(void *ud, const char *uid, struct triage_run *out)
{
    struct seen *s = ud;
    if (strcmp(uid, s->run->uid) != 0) return false;
    *out = (struct triage_run){s->run, s->pod, 1};
    return true;
}

static void done(void *ud, const struct triage_result *r)
{
    struct seen *s = ud;
    s->results++;
    ck_assert_str_eq(r->pod, s->pod->name);
    ck_assert_str_eq(r->container, "agent-runner");
    ck_assert_uint_gt(r->log_len, 1000);
    if (r->verdict && r->verdict->has_primary) {
        snprintf(s->cls, sizeof s->cls, "%s", r->verdict->primary.class_id);
        s->line = r->verdict->primary.line;
    }
    s->record_rc = triage_record(s->store, "kubeapi", s->rs, s->run, r, 1772013600000LL, s->record_err,
                                 sizeof s->record_err);
}

static void triage_once(struct kube_client *c, struct seen *s)
{
    struct triage_hooks h = {.run = run_of, .done = done, .ud = s};
    struct triage *t = triage_new(c, s->store, s->rs, &h);
    ck_assert(triage_consider(t, s->run->uid, s->run->ns, s->pod));
    ck_assert(!triage_consider(t, s->run->uid, s->run->ns, s->pod)); /* once per pod */
    ck_assert_uint_eq(triage_queued(t), 1);
    triage_pump(t);
    ck_assert(triage_reading(t));
    int64_t until = time_mono_ms() + 20000;
    while (s->results == 0 && time_mono_ms() < until) {
        kube_client_wait(c, NULL, 0, 200);
        kube_client_perform(c);
        triage_pump(t);
    }
    ck_assert(!triage_reading(t));
    triage_free(t);
}

START_TEST(reads_classifies_records)
{
    struct kubeapi api;
    kubeapi_prepare(&api);
    char *cp = xasprintf("cp -r '%s/data/demo/seed/.' '%s/'", getenv("ARTRIAGE_SRC"), api.data);
    ck_assert_int_eq(system(cp), 0);
    free(cp);
    ck_assert_int_eq(kubeapi_start(&api, NULL), 0);
    char err[ERRLEN];
    struct kubeconfig *kc;
    struct kube_config *cfg;
    struct kube_client *c;
    ck_assert_msg(kubeconfig_load(api.kubeconfig, &kc, err, sizeof err) == 0, "%s", err);
    ck_assert_msg(kubeconfig_resolve(kc, NULL, NULL, &cfg, err, sizeof err) == 0, "%s", err);
    ck_assert_msg(kube_client_new(cfg, &c, err, sizeof err) == 0, "%s", err);

    cJSON *runs = load_items("10-agentruns.json"), *pods = load_items("30-pods.json");
    struct agentrun run;
    struct pod pod;
    ck_assert_int_eq(agentrun_parse(named(runs, RUN, false), &run, err, sizeof err), 0);
    free(run.context);
    run.context = xstrdup("kubeapi");
    ck_assert_int_eq(pod_parse(named(pods, RUN "-job-", true), &pod, err, sizeof err), 0);

    char *db = xasprintf("%s/history.db", api.dir);
    struct store *st = store_open(db, NULL, err, sizeof err);
    ck_assert_msg(st != NULL, "%s", err);
    int64_t id = 0;
    ck_assert_int_eq(store_put_run(st, &run, 1772013600000LL, &id, err, sizeof err), 0);
    ck_assert_msg(store_put_pod(st, "kubeapi", &pod, 1772013600000LL, err, sizeof err) == 0, "%s", err);
    struct classify_rules *rs = runclass_load(NULL, NULL, err, sizeof err);
    ck_assert_msg(rs != NULL, "%s", err);

    struct seen s = {.run = &run, .pod = &pod, .store = st, .rs = rs};
    triage_once(c, &s);
    ck_assert_int_eq(s.results, 1);
    ck_assert_str_eq(s.cls, "test.failure");
    ck_assert_int_gt(s.line, 0);
    ck_assert_msg(s.record_rc == 0, "%s", s.record_err);
    struct store_class k;
    memset(&k, 0, sizeof k);
    ck_assert_int_eq(store_get_classification(st, id, &k, err, sizeof err), 1);
    ck_assert_str_eq(k.cls, "test.failure");
    ck_assert_int_eq(k.line, s.line);
    store_class_free(&k);
    ck_assert(store_has_log(st, "kubeapi", pod.uid, "agent-runner", false));
    store_close(st);

    /* a cache that refuses writes: the failure comes back, named */
    struct store_opts so;
    store_opts_default(&so);
    so.read_only = true;
    st = store_open(db, &so, err, sizeof err);
    ck_assert_msg(st != NULL, "%s", err);
    struct seen s2 = {.run = &run, .pod = &pod, .store = st, .rs = rs};
    triage_once(c, &s2);
    ck_assert_int_eq(s2.results, 1);
    ck_assert_int_eq(s2.record_rc, -1);
    ck_assert_msg(s2.record_err[0] != 0, "no sentence for the refused write");
    store_close(st);

    classify_rules_free(rs);
    agentrun_free(&run);
    pod_free(&pod);
    cJSON_Delete(runs);
    cJSON_Delete(pods);
    free(db);
    kube_client_free(c);
    kube_config_free(cfg);
    kubeconfig_free(kc);
    kubeapi_stop(&api);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("triage");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, reads_classifies_records);
    suite_add_tcase(su, tc);
    SRunner *sr = srunner_create(su);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
