/* Integration tests of src/kube/client.c against the project's API test
 * server (tests/kubeapi/server.py, started per test): paginated lists of
 * 5,000 runs, get/create/delete with their Status errors, injected faults,
 * bearer tokens, TLS with CA data, an exec plugin re-run on 401, logs
 * (plain and followed), pods by label, events. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "kube/client.h"
#include "kube/kubeconfig.h"
#include "kube/server_fixture.h"
#include "util/jsonutil.h"

static struct kubeapi api;

static struct kube_config *load_cfg(void)
{
    char err[ERRLEN];
    struct kubeconfig *kc;
    ck_assert_msg(kubeconfig_load(api.kubeconfig, &kc, err, sizeof err) == 0, "%s", err);
    struct kube_config *cfg;
    ck_assert_msg(kubeconfig_resolve(kc, NULL, NULL, &cfg, err, sizeof err) == 0, "%s", err);
    ck_assert_str_eq(cfg->context, "kubeapi");
    ck_assert_str_eq(cfg->ns, "agents");
    kubeconfig_free(kc);
    return cfg;
}

static struct kube_client *client_for(const struct kube_config *cfg)
{
    char err[ERRLEN];
    struct kube_client *c;
    ck_assert_msg(kube_client_new(cfg, &c, err, sizeof err) == 0, "%s", err);
    kube_client_set_interactive(c, false);
    return c;
}

static void start(const char *const *extra)
{
    ck_assert_msg(kubeapi_start(&api, extra) == 0, "test API server did not start");
}

static void stop(void) { kubeapi_stop(&api); }

struct pages {
    int pages, items;
    bool done, ok;
    char rv[64];
};

static void count_page(void *ud, cJSON *list)
{
    struct pages *p = ud;
    p->pages++;
    p->items += cJSON_GetArraySize(cJSON_GetObjectItem(list, "items"));
}

static void count_done(void *ud, const struct kube_result *res, const char *rv)
{
    struct pages *p = ud;
    p->done = true;
    p->ok = res->ok;
    snprintf(p->rv, sizeof p->rv, "%s", rv ? rv : "");
}

static void log_line(void *ud, const char *kubectl)
{
    buf_printf(ud, "%s\n", kubectl);
}

START_TEST(list_5000_runs_with_pagination)
{
    kubeapi_prepare(&api);
    kubeapi_write_runs(&api, "runs.json", "agents", 5000);
    kubeapi_write_runs(&api, "other.json", "other", 10);
    start(NULL);
    struct kube_config *cfg = load_cfg();
    struct kube_client *c = client_for(cfg);
    struct kube_error e = {0};

    int64_t t0 = time_mono_ms();
    cJSON *items = NULL;
    char *rv = NULL;
    struct kube_list_opts all = {.res = &KUBE_AGENTRUNS, .ns = NULL};
    ck_assert_msg(kube_list_all(c, &all, &items, &rv, &e) == 0, "%s", e.msg);
    fprintf(stderr, "listed %d runs in %lld ms\n", cJSON_GetArraySize(items), (long long)(time_mono_ms() - t0));
    ck_assert_int_eq(cJSON_GetArraySize(items), 5010);
    ck_assert_ptr_nonnull(rv);
    ck_assert_int_gt(strlen(rv), 0);
    /* every run exactly once */
    char *seen = xcalloc(5000, 1);
    const cJSON *it;
    cJSON_ArrayForEach(it, items) {
        const char *ns = json_str(it, "metadata.namespace"), *name = json_str(it, "metadata.name");
        ck_assert_ptr_nonnull(name);
        if (strcmp(ns, "agents") != 0) continue;
        int i = atoi(name + 4);
        ck_assert_int_eq(seen[i], 0);
        seen[i] = 1;
    }
    for (int i = 0; i < 5000; i++) ck_assert_int_eq(seen[i], 1);
    free(seen);
    cJSON_Delete(items);
    free(rv);

    /* pages arrive one by one, each request in the command log */
    struct buf log = {0};
    kube_client_set_request_log(c, log_line, &log);
    struct pages p = {0};
    struct kube_list_opts one = {.res = &KUBE_AGENTRUNS, .ns = "agents", .page_size = 700,
                                 .on_page = count_page, .on_done = count_done, .ud = &p};
    kube_list_start(c, &one);
    while (!p.done) {
        kube_client_wait(c, NULL, 0, 1000);
        kube_client_perform(c);
    }
    ck_assert(p.ok);
    ck_assert_int_eq(p.items, 5000);
    ck_assert_int_eq(p.pages, 8);
    ck_assert_msg(strstr(log.p, "kubectl get agentruns -n agents --context kubeapi -o json --chunk-size=700\n") == log.p,
                  "%s", log.p);
    int nlog = 0;
    for (const char *q = log.p; (q = strchr(q, '\n')); q++) nlog++;
    ck_assert_int_eq(nlog, 8);
    kube_client_set_request_log(c, NULL, NULL);
    buf_free(&log);

    /* a label selector */
    struct kube_list_opts sel = {.res = &KUBE_AGENTRUNS, .ns = "other", .label_selector = "lane=l3"};
    ck_assert_msg(kube_list_all(c, &sel, &items, NULL, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(cJSON_GetArraySize(items), 1);
    cJSON_Delete(items);
    kube_client_free(c);
    kube_config_free(cfg);
    stop();
}
END_TEST

START_TEST(get_create_delete_and_status_errors)
{
    kubeapi_prepare(&api);
    kubeapi_write_runs(&api, "runs.json", "agents", 3);
    start(NULL);
    struct kube_config *cfg = load_cfg();
    struct kube_client *c = client_for(cfg);
    struct kube_error e = {0};
    cJSON *obj = NULL;
    ck_assert_msg(kube_get_json(c, &KUBE_AGENTRUNS, "agents", "run-00001", &obj, &e) == 0, "%s", e.msg);
    ck_assert_str_eq(json_str(obj, "spec.idempotencyKey"), "key-1");

    ck_assert_int_eq(kube_get_json(c, &KUBE_AGENTRUNS, "agents", "nope", &obj, &e), -1);
    ck_assert_str_eq(e.msg, "AgentRun \"nope\" not found in namespace \"agents\"");
    ck_assert_int_eq(e.http, 404);
    ck_assert_str_eq(e.status.reason, "NotFound");

    /* create: dry run stores nothing; then real; then 409 */
    cJSON *fresh = cJSON_Duplicate(obj, 1);
    cJSON *meta = cJSON_GetObjectItem(fresh, "metadata");
    cJSON_DeleteItemFromObject(meta, "uid");
    cJSON_DeleteItemFromObject(meta, "resourceVersion");
    cJSON_DeleteItemFromObject(meta, "creationTimestamp");
    cJSON_ReplaceItemInObject(meta, "name", cJSON_CreateString("run-new"));
    cJSON_DeleteItemFromObject(fresh, "status");
    cJSON *created = NULL;
    ck_assert_msg(kube_create(c, &KUBE_AGENTRUNS, "agents", fresh, true, &created, &e) == 0, "%s", e.msg);
    ck_assert_str_eq(json_str(created, "metadata.name"), "run-new");
    cJSON_Delete(created);
    ck_assert_int_eq(kube_get_json(c, &KUBE_AGENTRUNS, "agents", "run-new", &created, &e), -1);
    ck_assert_msg(kube_create(c, &KUBE_AGENTRUNS, "agents", fresh, false, &created, &e) == 0, "%s", e.msg);
    ck_assert_ptr_nonnull(json_str(created, "metadata.uid"));
    cJSON_Delete(created);
    ck_assert_int_eq(kube_create(c, &KUBE_AGENTRUNS, "agents", fresh, false, NULL, &e), -1);
    ck_assert_str_eq(e.msg, "AgentRun \"run-new\" already exists in namespace \"agents\"");
    ck_assert_int_eq(e.http, 409);
    ck_assert_str_eq(e.status.reason, "AlreadyExists");

    /* 422 with causes */
    cJSON_ReplaceItemInObject(meta, "name", cJSON_CreateString("run-bad"));
    cJSON_AddStringToObject(json_obj(fresh, "spec.parameters") ? (cJSON *)json_obj(fresh, "spec.parameters") : fresh,
                            "prompt", "do it");
    ck_assert_int_eq(kube_create(c, &KUBE_AGENTRUNS, "agents", fresh, false, NULL, &e), -1);
    ck_assert_int_eq(e.http, 422);
    ck_assert_ptr_nonnull(strstr(e.msg, "AgentRun \"run-bad\" is invalid: "));
    ck_assert_uint_ge(e.status.ncauses, 1);
    cJSON_Delete(fresh);

    ck_assert_msg(kube_delete(c, &KUBE_AGENTRUNS, "agents", "run-new", &e) == 0, "%s", e.msg);
    ck_assert_int_eq(kube_delete(c, &KUBE_AGENTRUNS, "agents", "run-new", &e), -1);
    ck_assert_str_eq(e.msg, "AgentRun \"run-new\" not found in namespace \"agents\"");
    cJSON_Delete(obj);

    /* injected faults */
    const char *path = "/apis/agents.proompteng.ai/v1alpha1/namespaces/agents/agentruns";
    char rule[512];
    /* 429 with a short Retry-After: repeated twice, then reported */
    snprintf(rule, sizeof rule, "{\"op\":\"fault\",\"rule\":\"GET %s:status=429&retry-after=1:3\"}", path);
    ck_assert_int_eq(kubeapi_op(&api, rule, false), 0);
    struct kube_list_opts lo = {.res = &KUBE_AGENTRUNS, .ns = "agents"};
    cJSON *items;
    int64_t t0 = time_mono_ms();
    ck_assert_int_eq(kube_list_all(c, &lo, &items, NULL, &e), -1);
    ck_assert_int_ge(time_mono_ms() - t0, 1900);
    ck_assert_ptr_nonnull(strstr(e.msg, "is throttling requests (429 Too Many Requests); retry after 1 s"));
    ck_assert_int_eq(e.status.retry_after_s, 1);
    snprintf(rule, sizeof rule, "{\"op\":\"fault\",\"rule\":\"GET %s:status=503&retry-after=1:1\"}", path);
    ck_assert_int_eq(kubeapi_op(&api, rule, false), 0);
    ck_assert_msg(kube_list_all(c, &lo, &items, NULL, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(cJSON_GetArraySize(items), 3);
    cJSON_Delete(items);
    /* a long Retry-After is the caller's decision */
    snprintf(rule, sizeof rule, "{\"op\":\"fault\",\"rule\":\"GET %s:status=429&retry-after=60:1\"}", path);
    ck_assert_int_eq(kubeapi_op(&api, rule, false), 0);
    ck_assert_int_eq(kube_list_all(c, &lo, &items, NULL, &e), -1);
    ck_assert_int_eq(e.status.retry_after_s, 60);
    snprintf(rule, sizeof rule, "{\"op\":\"fault\",\"rule\":\"GET %s:truncate\"}", path);
    ck_assert_int_eq(kubeapi_op(&api, rule, false), 0);
    ck_assert_int_eq(kube_list_all(c, &lo, &items, NULL, &e), -1);
    ck_assert_ptr_nonnull(strstr(e.msg, "is not valid JSON"));
    /* an answer that is not JSON is refused at its first byte, even one
     * that never ends (not after reading up to the 64 MiB cap) */
    char page[400];
    snprintf(page, sizeof page, "%s/endless.html", api.dir);
    fixture_write(page, "\n <html><body>proxy says hello</body></html>\n");
    snprintf(rule, sizeof rule, "{\"op\":\"fault\",\"rule\":\"GET %s:body=%s&repeat\"}", path, page);
    ck_assert_int_eq(kubeapi_op(&api, rule, false), 0);
    t0 = time_mono_ms();
    ck_assert_int_eq(kube_list_all(c, &lo, &items, NULL, &e), -1);
    ck_assert_int_lt(time_mono_ms() - t0, 3000);
    ck_assert_msg(strstr(e.msg, "is not a JSON object (it starts with '<')") != NULL, "%s", e.msg);
    snprintf(rule, sizeof rule, "{\"op\":\"fault\",\"rule\":\"GET %s/run-00002:status=500\"}", path);
    ck_assert_int_eq(kubeapi_op(&api, rule, false), 0);
    ck_assert_int_eq(kube_get_json(c, &KUBE_AGENTRUNS, "agents", "run-00002", &obj, &e), -1);
    ck_assert_ptr_nonnull(strstr(e.msg, "server error 500 from http://127.0.0.1:"));
    snprintf(rule, sizeof rule, "{\"op\":\"fault\",\"rule\":\"GET %s/run-00002:close-after=10\"}", path);
    ck_assert_int_eq(kubeapi_op(&api, rule, false), 0);
    ck_assert_int_eq(kube_get_json(c, &KUBE_AGENTRUNS, "agents", "run-00002", &obj, &e), -1);
    ck_assert_msg(strstr(e.msg, "run-00002") != NULL, "%s", e.msg);
    snprintf(rule, sizeof rule, "{\"op\":\"fault\",\"rule\":\"GET %s/run-00002:status=403\"}", path);
    ck_assert_int_eq(kubeapi_op(&api, rule, false), 0);
    ck_assert_int_eq(kube_get_json(c, &KUBE_AGENTRUNS, "agents", "run-00002", &obj, &e), -1);
    ck_assert_msg(strncmp(e.msg, "forbidden: ", 11) == 0, "%s", e.msg);
    /* the fault rules were used up: a normal answer again */
    ck_assert_msg(kube_get_json(c, &KUBE_AGENTRUNS, "agents", "run-00002", &obj, &e) == 0, "%s", e.msg);
    cJSON_Delete(obj);
    kube_error_clear(&e);

    /* nothing listens: one sentence naming the server and context */
    kube_client_free(c);
    free(cfg->server);
    cfg->server = xstrdup("http://127.0.0.1:1");
    c = client_for(cfg);
    ck_assert_int_eq(kube_get_json(c, &KUBE_AGENTRUNS, "agents", "x", &obj, &e), -1);
    ck_assert_msg(strstr(e.msg, "cannot reach http://127.0.0.1:1 (context 'kubeapi')") != NULL, "%s", e.msg);
    kube_client_free(c);
    kube_config_free(cfg);
    stop();
}
END_TEST

START_TEST(bearer_token_and_tls_with_ca_data)
{
    kubeapi_prepare(&api);
    kubeapi_write_runs(&api, "runs.json", "agents", 2);
    const char *args[] = {"--tls", "--token", "s3cr3t-t0ken", NULL};
    start(args);
    struct kube_config *cfg = load_cfg();
    ck_assert_ptr_nonnull(cfg->ca_data);
    ck_assert_str_eq(cfg->token, "s3cr3t-t0ken");
    struct kube_client *c = client_for(cfg);
    struct kube_error e = {0};
    cJSON *obj;
    ck_assert_msg(kube_get_json(c, &KUBE_AGENTRUNS, "agents", "run-00001", &obj, &e) == 0, "%s", e.msg);
    cJSON_Delete(obj);
    kube_client_free(c);

    /* tls-server-name: the certificate is checked against that name */
    cfg->tls_server_name = xstrdup("localhost");
    c = client_for(cfg);
    ck_assert_msg(kube_get_json(c, &KUBE_AGENTRUNS, "agents", "run-00001", &obj, &e) == 0, "%s", e.msg);
    cJSON_Delete(obj);
    kube_client_free(c);
    free(cfg->tls_server_name);
    cfg->tls_server_name = xstrdup("not-the-server.example");
    c = client_for(cfg);
    ck_assert_int_eq(kube_get_json(c, &KUBE_AGENTRUNS, "agents", "run-00001", &obj, &e), -1);
    ck_assert_msg(strstr(e.msg, "cannot reach https://127.0.0.1:") != NULL, "%s", e.msg);
    kube_client_free(c);
    free(cfg->tls_server_name);
    cfg->tls_server_name = NULL;

    /* a wrong token: 401, and the sentence does not show any token */
    free(cfg->token);
    cfg->token = xstrdup("wrong-t0ken");
    c = client_for(cfg);
    ck_assert_int_eq(kube_get_json(c, &KUBE_AGENTRUNS, "agents", "run-00001", &obj, &e), -1);
    ck_assert_int_eq(e.http, 401);
    ck_assert_msg(strstr(e.msg, "unauthorized: https://127.0.0.1:") != NULL, "%s", e.msg);
    ck_assert_ptr_null(strstr(e.msg, "t0ken"));
    kube_client_free(c);

    /* without the CA the certificate cannot be verified */
    free(cfg->ca_data);
    cfg->ca_data = NULL;
    cfg->ca_len = 0;
    c = client_for(cfg);
    ck_assert_int_eq(kube_get_json(c, &KUBE_AGENTRUNS, "agents", "run-00001", &obj, &e), -1);
    ck_assert_msg(strstr(e.msg, "cannot reach https://127.0.0.1:") != NULL, "%s", e.msg);
    kube_client_free(c);
    /* insecure-skip-tls-verify */
    cfg->insecure = true;
    free(cfg->token);
    cfg->token = xstrdup("s3cr3t-t0ken");
    c = client_for(cfg);
    ck_assert_msg(kube_get_json(c, &KUBE_AGENTRUNS, "agents", "run-00001", &obj, &e) == 0, "%s", e.msg);
    cJSON_Delete(obj);
    kube_client_free(c);
    kube_error_clear(&e);
    kube_config_free(cfg);
    stop();
}
END_TEST

START_TEST(exec_plugin_is_rerun_on_401)
{
    kubeapi_prepare(&api);
    kubeapi_write_runs(&api, "runs.json", "agents", 2);
    /* TLS: user credentials (an exec plugin's token) never go over plain http */
    const char *args[] = {"--token", "good-token", "--tls", NULL};
    start(args);
    /* first run: an outdated token with no expiry (cached); second: good */
    char *plugin = xasprintf("%s/plugin.sh", api.dir);
    fixture_write(plugin,
                  "#!/bin/sh\n"
                  "n=$(cat \"$STATE/count\" 2>/dev/null || echo 0); n=$((n+1)); echo $n > \"$STATE/count\"\n"
                  "if [ $n = 1 ]; then t=stale-token; else t=good-token; fi\n"
                  "printf '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
                  "\"status\":{\"token\":\"%s\"}}' $t\n");
    chmod(plugin, 0700);
    char *kc = xasprintf("current-context: x\nclusters: [{name: c, cluster: {server: 'https://127.0.0.1:%d', "
                         "insecure-skip-tls-verify: true}}]\n"
                         "contexts: [{name: x, context: {cluster: c, user: u, namespace: agents}}]\n"
                         "users:\n- name: u\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
                         "      command: ./plugin.sh\n      interactiveMode: Never\n"
                         "      env: [{name: STATE, value: '%s'}]\n",
                         api.port, api.dir);
    char *kcpath = xasprintf("%s/exec-kubeconfig", api.dir);
    fixture_write(kcpath, kc);
    char err[ERRLEN];
    struct kubeconfig *k;
    ck_assert_msg(kubeconfig_load(kcpath, &k, err, sizeof err) == 0, "%s", err);
    struct kube_config *cfg;
    ck_assert_msg(kubeconfig_resolve(k, NULL, NULL, &cfg, err, sizeof err) == 0, "%s", err);
    struct kube_client *c = client_for(cfg);
    struct kube_error e = {0};
    cJSON *obj;
    ck_assert_msg(kube_get_json(c, &KUBE_AGENTRUNS, "agents", "run-00001", &obj, &e) == 0, "%s", e.msg);
    cJSON_Delete(obj);
    /* cached: no third run */
    ck_assert_msg(kube_get_json(c, &KUBE_AGENTRUNS, "agents", "run-00000", &obj, &e) == 0, "%s", e.msg);
    cJSON_Delete(obj);
    char *countf = xasprintf("%s/count", api.dir);
    FILE *f = fopen(countf, "r");
    int count = 0;
    ck_assert_int_eq(fscanf(f, "%d", &count), 1);
    fclose(f);
    ck_assert_int_eq(count, 2);
    kube_client_free(c);
    kube_config_free(cfg);
    kubeconfig_free(k);
    free(countf);
    free(kc);
    free(kcpath);
    free(plugin);
    stop();
}
END_TEST

static void note_done(void *ud, const struct kube_result *res)
{
    int *n = ud;
    ck_assert(!res->ok);
    ck_assert_ptr_nonnull(strstr(res->error, "exit status 3"));
    (*n)++;
}

START_TEST(failed_exec_plugin_runs_once_for_requests_started_together)
{
    kubeapi_prepare(&api);
    kubeapi_write_runs(&api, "runs.json", "agents", 1);
    const char *args[] = {"--tls", NULL}; /* over http the plugin is never run */
    start(args);
    char *plugin = xasprintf("%s/plugin.sh", api.dir);
    fixture_write(plugin,
                  "#!/bin/sh\n"
                  "n=$(cat \"$STATE/count\" 2>/dev/null || echo 0); n=$((n+1)); echo $n > \"$STATE/count\"\n"
                  "echo 'no credentials' >&2; exit 3\n");
    chmod(plugin, 0700);
    char *kc = xasprintf("current-context: x\nclusters: [{name: c, cluster: {server: 'https://127.0.0.1:%d', "
                         "insecure-skip-tls-verify: true}}]\n"
                         "contexts: [{name: x, context: {cluster: c, user: u, namespace: agents}}]\n"
                         "users:\n- name: u\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
                         "      command: ./plugin.sh\n      interactiveMode: Never\n"
                         "      env: [{name: STATE, value: '%s'}]\n",
                         api.port, api.dir);
    char *kcpath = xasprintf("%s/exec-kubeconfig", api.dir);
    fixture_write(kcpath, kc);
    char err[ERRLEN];
    struct kubeconfig *k;
    ck_assert_msg(kubeconfig_load(kcpath, &k, err, sizeof err) == 0, "%s", err);
    struct kube_config *cfg;
    ck_assert_msg(kubeconfig_resolve(k, NULL, NULL, &cfg, err, sizeof err) == 0, "%s", err);
    struct kube_client *c = client_for(cfg);
    int done = 0;
    struct kube_req q1 = {.verb = KUBE_LIST, .res = &KUBE_AGENTRUNS, .ns = "agents", .on_done = note_done, .ud = &done};
    struct kube_req q2 = {.verb = KUBE_LIST, .res = &KUBE_PODS, .ns = "agents", .on_done = note_done, .ud = &done};
    kube_request_start(c, &q1);
    kube_request_start(c, &q2);
    for (int i = 0; i < 100 && done < 2; i++) {
        kube_client_wait(c, NULL, 0, 100);
        kube_client_perform(c);
    }
    ck_assert_int_eq(done, 2);
    char *countf = xasprintf("%s/count", api.dir);
    FILE *f = fopen(countf, "r");
    int count = 0;
    ck_assert_int_eq(fscanf(f, "%d", &count), 1);
    fclose(f);
    ck_assert_int_eq(count, 1);
    kube_client_free(c);
    kube_config_free(cfg);
    kubeconfig_free(k);
    free(countf);
    free(kc);
    free(kcpath);
    free(plugin);
    stop();
}
END_TEST

static const char *POD =
    "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"run-00001-job-abcde\",\"namespace\":\"agents\","
    "\"labels\":{\"agents.proompteng.ai/agent-run\":\"run-00001\",\"job-name\":\"run-00001-job\"}},"
    "\"spec\":{\"containers\":[{\"name\":\"agent-runner\",\"image\":\"runner:1\"},{\"name\":\"sidecar\",\"image\":\"s:1\"}]},"
    "\"status\":{\"phase\":\"Running\",\"containerStatuses\":["
    "{\"name\":\"agent-runner\",\"state\":{\"running\":{\"startedAt\":\"2026-02-25T09:10:02Z\"}},\"ready\":true,"
    "\"restartCount\":1,\"image\":\"runner:1\",\"imageID\":\"\",\"lastState\":{\"terminated\":{\"exitCode\":1,"
    "\"reason\":\"Error\",\"startedAt\":\"2026-02-25T09:00:00Z\",\"finishedAt\":\"2026-02-25T09:05:00Z\"}}},"
    "{\"name\":\"sidecar\",\"state\":{\"waiting\":{\"reason\":\"ImagePullBackOff\"}},\"ready\":false,"
    "\"restartCount\":0,\"image\":\"s:1\",\"imageID\":\"\"}]}}";

static const char *EVENT =
    "{\"apiVersion\":\"v1\",\"kind\":\"Event\",\"metadata\":{\"name\":\"run-00001.1\",\"namespace\":\"agents\"},"
    "\"involvedObject\":{\"kind\":\"AgentRun\",\"name\":\"run-00001\",\"namespace\":\"agents\"},"
    "\"reason\":\"Started\",\"message\":\"started\",\"type\":\"Normal\"}";

struct follow {
    struct buf got;
    bool done, ok;
};

static int follow_data(void *ud, const char *data, size_t n)
{
    struct follow *f = ud;
    buf_append(&f->got, data, n);
    return 0;
}

static void follow_done(void *ud, const struct kube_result *res)
{
    struct follow *f = ud;
    f->done = true;
    f->ok = res->ok;
}

START_TEST(logs_pods_and_events)
{
    kubeapi_prepare(&api);
    kubeapi_write_runs(&api, "runs.json", "agents", 2);
    char *p = xasprintf("%s/objects/pod.json", api.data);
    fixture_write(p, POD);
    free(p);
    p = xasprintf("%s/objects/event.json", api.data);
    fixture_write(p, EVENT);
    free(p);
    p = xasprintf("%s/logs/agents/run-00001-job-abcde/agent-runner.log", api.data);
    fixture_write(p, "one\ntwo\nthree\n");
    free(p);
    p = xasprintf("%s/logs/agents/run-00001-job-abcde/agent-runner.previous.log", api.data);
    fixture_write(p, "before the restart\n");
    free(p);
    start(NULL);
    struct kube_config *cfg = load_cfg();
    struct kube_client *c = client_for(cfg);
    struct kube_error e = {0};

    cJSON *items;
    ck_assert_msg(kube_pods_by_selector(c, "agents", "agents.proompteng.ai/agent-run=run-00001", &items, &e) == 0,
                  "%s", e.msg);
    ck_assert_int_eq(cJSON_GetArraySize(items), 1);
    cJSON_Delete(items);
    ck_assert_msg(kube_pods_by_selector(c, "agents", "agents.proompteng.ai/agent-run=run-00000", &items, &e) == 0,
                  "%s", e.msg);
    ck_assert_int_eq(cJSON_GetArraySize(items), 0);
    cJSON_Delete(items);
    ck_assert_msg(kube_events_for(c, "agents", "run-00001", &items, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(cJSON_GetArraySize(items), 1);
    cJSON_Delete(items);

    struct kube_req q = {.verb = KUBE_LOGS, .ns = "agents", .name = "run-00001-job-abcde",
                         .container = "agent-runner", .tail_lines = 2};
    char *text = NULL;
    size_t len = 0;
    ck_assert_msg(kube_logs(c, &q, &text, &len, &e) == 0, "%s", e.msg);
    ck_assert_str_eq(text, "two\nthree\n");
    free(text);
    char *kubectl = kube_kubectl_equivalent(c, &q);
    ck_assert_str_eq(kubectl, "kubectl logs run-00001-job-abcde -c agent-runner -n agents --context kubeapi --tail=2");
    free(kubectl);
    q.tail_lines = 0;
    q.previous = true;
    ck_assert_msg(kube_logs(c, &q, &text, &len, &e) == 0, "%s", e.msg);
    ck_assert_str_eq(text, "before the restart\n");
    free(text);
    q.previous = false;
    q.timestamps = true;
    q.limit_bytes = 5;
    ck_assert_msg(kube_logs(c, &q, &text, &len, &e) == 0, "%s", e.msg);
    ck_assert_uint_eq(len, 5);
    free(text);
    struct kube_req w = {.verb = KUBE_LOGS, .ns = "agents", .name = "run-00001-job-abcde", .container = "sidecar"};
    ck_assert_int_eq(kube_logs(c, &w, &text, &len, &e), -1);
    ck_assert_msg(strstr(e.msg, "cannot read logs of pod \"run-00001-job-abcde\" in namespace \"agents\": ") != NULL,
                  "%s", e.msg);
    ck_assert_msg(strstr(e.msg, "is waiting to start") != NULL, "%s", e.msg);

    /* blocking stream: kube_logs with on_data hands chunks to the caller's
     * own ud (it once got kube_do's internal state instead and crashed) */
    struct follow bs = {0};
    struct kube_req sq = {.verb = KUBE_LOGS, .ns = "agents", .name = "run-00001-job-abcde",
                          .container = "agent-runner", .on_data = follow_data, .ud = &bs};
    ck_assert_msg(kube_logs(c, &sq, NULL, NULL, &e) == 0, "%s", e.msg);
    ck_assert_msg(bs.got.p && strcmp(bs.got.p, "one\ntwo\nthree\n") == 0, "streamed: %s", bs.got.p ? bs.got.p : "");
    buf_free(&bs.got);

    /* follow: the stream stays open and grows */
    struct follow f = {0};
    struct kube_req fq = {.verb = KUBE_LOGS, .ns = "agents", .name = "run-00001-job-abcde",
                          .container = "agent-runner", .follow = true, .on_data = follow_data,
                          .on_done = follow_done, .ud = &f};
    struct kube_request *r = kube_request_start(c, &fq);
    ck_assert_str_eq(kube_request_kubectl(r),
                     "kubectl logs run-00001-job-abcde -c agent-runner -n agents --context kubeapi -f");
    int64_t deadline = time_mono_ms() + 15000;
    bool appended = false;
    while (time_mono_ms() < deadline && !f.done) {
        kube_client_wait(c, NULL, 0, 200);
        kube_client_perform(c);
        if (!appended && f.got.len >= 14) {
            ck_assert_int_eq(kubeapi_op(&api, "{\"op\":\"log\",\"namespace\":\"agents\",\"pod\":\"run-00001-job-abcde\","
                                              "\"container\":\"agent-runner\",\"text\":\"live line\"}", false), 0);
            appended = true;
        }
        if (f.got.p && strstr(f.got.p, "live line\n")) break;
    }
    ck_assert_msg(f.got.p && strstr(f.got.p, "one\ntwo\nthree\nlive line\n"), "followed: %s", f.got.p ? f.got.p : "");
    ck_assert(!f.done);
    kube_request_cancel(r);
    kube_client_perform(c);
    ck_assert(!f.done); /* no callback after cancel */
    buf_free(&f.got);
    kube_error_clear(&e);
    kube_client_free(c);
    kube_config_free(cfg);
    stop();
}
END_TEST

START_TEST(kubectl_equivalents)
{
    struct kube_req q = {.verb = KUBE_LIST, .res = &KUBE_AGENTRUNS, .ns = "agents", .limit = 500};
    char *s = kube_kubectl_equivalent(NULL, &q);
    ck_assert_str_eq(s, "kubectl get agentruns -n agents -o json --chunk-size=500");
    free(s);
    q = (struct kube_req){.verb = KUBE_LIST, .res = &KUBE_PODS, .ns = "agents",
                          .label_selector = "agents.proompteng.ai/agent-run=r 1"};
    s = kube_kubectl_equivalent(NULL, &q);
    ck_assert_str_eq(s, "kubectl get pods -l 'agents.proompteng.ai/agent-run=r 1' -n agents -o json");
    free(s);
    q = (struct kube_req){.verb = KUBE_GET, .res = &KUBE_AGENTRUNS, .name = "it's"};
    s = kube_kubectl_equivalent(NULL, &q);
    ck_assert_str_eq(s, "kubectl get agentruns 'it'\\''s' -A -o json");
    free(s);
    q = (struct kube_req){.verb = KUBE_LOGS, .ns = "agents", .name = "p", .container = "agent-runner", .previous = true};
    s = kube_kubectl_equivalent(NULL, &q);
    ck_assert_str_eq(s, "kubectl logs p -c agent-runner -n agents --previous");
    free(s);
    s = kube_request_path(&q);
    ck_assert_str_eq(s, "/api/v1/namespaces/agents/pods/p/log?container=agent-runner&previous=true");
    free(s);
    q = (struct kube_req){.verb = KUBE_WATCH, .res = &KUBE_AGENTRUNS, .ns = NULL, .resource_version = "42",
                          .allow_bookmarks = true, .timeout_seconds = 60};
    s = kube_kubectl_equivalent(NULL, &q);
    ck_assert_str_eq(s, "kubectl get agentruns -A --watch-only -o json --output-watch-events");
    free(s);
    s = kube_request_path(&q);
    ck_assert_str_eq(s, "/apis/agents.proompteng.ai/v1alpha1/agentruns?resourceVersion=42&watch=true"
                        "&allowWatchBookmarks=true&timeoutSeconds=60");
    free(s);
    q = (struct kube_req){.verb = KUBE_CREATE, .res = &KUBE_AGENTRUNS, .ns = "agents", .dry_run = true};
    s = kube_kubectl_equivalent(NULL, &q);
    ck_assert_str_eq(s, "kubectl create -f - -n agents --dry-run=server -o json");
    free(s);
    s = kube_request_path(&q);
    ck_assert_str_eq(s, "/apis/agents.proompteng.ai/v1alpha1/namespaces/agents/agentruns?dryRun=All&fieldManager=artriage");
    free(s);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("client");
    TCase *tc = tcase_create("server");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, kubectl_equivalents);
    tcase_add_test(tc, list_5000_runs_with_pagination);
    tcase_add_test(tc, get_create_delete_and_status_errors);
    tcase_add_test(tc, bearer_token_and_tls_with_ca_data);
    tcase_add_test(tc, exec_plugin_is_rerun_on_401);
    tcase_add_test(tc, failed_exec_plugin_runs_once_for_requests_started_together);
    tcase_add_test(tc, logs_pods_and_events);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
