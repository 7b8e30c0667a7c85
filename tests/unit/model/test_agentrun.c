/* Unit tests for src/model/agentrun: the example objects (tests/data/examples), §4 reason,
 * parameter aliases, and wrong types everywhere. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model/agentrun.h"
#include "util/err.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

static cJSON *load_example(const char *file)
{
    const char *src = getenv("ARTRIAGE_SRC");
    ck_assert_msg(src != NULL, "ARTRIAGE_SRC not set");
    char *path = xasprintf("%s/tests/data/examples/%s", src, file);
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    free(path);
    char *data = NULL;
    size_t len = 0, cap = 0;
    char tmp[65536];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) {
        data = xgrow(data, &cap, len + n + 1, 1);
        memcpy(data + len, tmp, n);
        len += n;
    }
    fclose(f);
    cJSON *j = cJSON_ParseWithLength(data, len);
    free(data);
    ck_assert_ptr_nonnull(j);
    return j;
}

static const cJSON *item_named(const cJSON *list, const char *suffix)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(list, "items")) {
        const char *n = cJSON_GetObjectItem(cJSON_GetObjectItem(it, "metadata"), "name")->valuestring;
        if (strlen(n) >= strlen(suffix) && strcmp(n + strlen(n) - strlen(suffix), suffix) == 0) return it;
    }
    ck_abort_msg("no item %s", suffix);
    return NULL;
}

START_TEST(parse_lane_runs_from_example_list)
{
    cJSON *list = load_example("agentrunlist.json");
    struct agentrun r;
    char err[ERRLEN];
    ck_assert_int_eq(agentrun_parse(item_named(list, "20260225b"), &r, err, sizeof err), 0);
    ck_assert_str_eq(r.ns, "agents");
    ck_assert_str_eq(r.lane, "torghut-v5-doc12-dspy-adoption-run-20260225");
    ck_assert_str_eq(r.attempt, "b");
    ck_assert_str_eq(r.phase, "Failed");
    ck_assert_str_eq(r.reason, "RunnerFailed");
    ck_assert_str_eq(r.message, "ENOENT reading \"/app/node_modules/@proompteng/discord\"");
    ck_assert_str_eq(r.agent, "codex-agent");
    ck_assert_str_eq(r.runtime, "job");
    ck_assert_str_eq(r.repository, "proompteng/lab");
    ck_assert_str_eq(r.base, "main");
    ck_assert_str_eq(r.head, "codex/torghut-v5-doc12-dspy-adoption-20260225b");
    ck_assert_str_eq(r.vcs_mode, "read-write");
    ck_assert(r.vcs_required);
    ck_assert_str_eq(r.idempotency_key, "torghut-v5-doc12-dspy-adoption-20260225b");
    ck_assert_str_eq(r.spec_hash, "e497bf234f04bc32f7c6fa5109f76a3340f37d7ea18ea3a1c0fe3c359aa58d27");
    ck_assert_str_eq(r.runtime_ref_name, "torghut-v5-doc12-dspy-adoption-run-20260225b-job");
    ck_assert(r.has_runner);
    ck_assert_str_eq(r.runner_status, "failed");
    ck_assert_int_eq(r.runner_exit_code, 1);
    ck_assert_int_eq(r.nconditions, 9);
    ck_assert_str_eq(agentrun_condition(&r, "Degraded")->reason, "RunnerFailed");
    ck_assert(agentrun_is_terminal(&r));
    char t[32];
    time_format_rfc3339(r.created, t, sizeof t);
    ck_assert_str_eq(t, "2026-02-25T08:12:40Z");
    ck_assert(r.started != TIME_NONE && r.finished > r.started);
    ck_assert_ptr_nonnull(r.raw);
    agentrun_free(&r);

    ck_assert_int_eq(agentrun_parse(item_named(list, "20260225g"), &r, err, sizeof err), 0);
    ck_assert_str_eq(r.phase, "Succeeded");
    ck_assert_str_eq(r.attempt, "g");
    ck_assert(agentrun_is_terminal(&r));
    agentrun_free(&r);

    /* the schedule-created workflow run is its own lane */
    ck_assert_int_eq(agentrun_parse(item_named(list, "sched-q8w2n"), &r, err, sizeof err), 0);
    ck_assert_str_eq(r.lane, "jangar-control-plane-implement-sched-q8w2n");
    ck_assert_str_eq(r.attempt, "");
    ck_assert_str_eq(r.phase, "Running");
    ck_assert(!agentrun_is_terminal(&r));
    agentrun_free(&r);

    ck_assert_int_eq(agentrun_parse(item_named(list, "news-7h2pd"), &r, err, sizeof err), 0);
    ck_assert_str_eq(r.phase, "Pending");
    ck_assert_ptr_nonnull(r.reason);
    agentrun_free(&r);
    cJSON_Delete(list);
}
END_TEST

static struct agentrun parse_text(const char *json)
{
    cJSON *j = cJSON_Parse(json);
    ck_assert_msg(j != NULL, "bad test JSON: %s", json);
    struct agentrun r;
    char err[ERRLEN];
    ck_assert_int_eq(agentrun_parse(j, &r, err, sizeof err), 0);
    cJSON_Delete(j);
    return r;
}

START_TEST(reason_rules_of_section_4)
{
    /* InvalidSpec failure: no status.reason, condition gives it */
    struct agentrun r = parse_text("{\"metadata\":{\"name\":\"a\"},\"status\":{\"phase\":\"Failed\",\"conditions\":["
        "{\"type\":\"InProgress\",\"status\":\"True\",\"reason\":\"Running\"},"
        "{\"type\":\"Blocked\",\"status\":\"False\",\"reason\":\"NotBlocked\"},"
        "{\"type\":\"InvalidSpec\",\"status\":\"True\",\"reason\":\"MissingWorkloadImage\",\"message\":\"no image\"}]}}");
    ck_assert_str_eq(r.reason, "MissingWorkloadImage");
    ck_assert_str_eq(r.message, "no image");
    agentrun_free(&r);
    /* Failed beats Duplicate regardless of order in the list */
    r = parse_text("{\"metadata\":{\"name\":\"a\"},\"status\":{\"phase\":\"Failed\",\"conditions\":["
        "{\"type\":\"Duplicate\",\"status\":\"True\",\"reason\":\"IdempotencyKeyInUse\"},"
        "{\"type\":\"Failed\",\"status\":\"True\",\"reason\":\"JobMissing\"}]}}");
    ck_assert_str_eq(r.reason, "JobMissing");
    agentrun_free(&r);
    /* Warning only counts for Running runs */
    const char *warn = "{\"metadata\":{\"name\":\"a\"},\"status\":{\"phase\":\"%s\",\"conditions\":["
        "{\"type\":\"InProgress\",\"status\":\"True\",\"reason\":\"Running\"},"
        "{\"type\":\"Warning\",\"status\":\"True\",\"reason\":\"JobMissing\",\"message\":\"m\"}]}}";
    char buf[512];
    snprintf(buf, sizeof buf, warn, "Running");
    r = parse_text(buf);
    ck_assert_str_eq(r.reason, "JobMissing");
    agentrun_free(&r);
    snprintf(buf, sizeof buf, warn, "Succeeded");
    r = parse_text(buf);
    ck_assert_ptr_null(r.reason);
    agentrun_free(&r);
    /* status.reason wins; empty status.reason does not */
    r = parse_text("{\"metadata\":{\"name\":\"a\"},\"status\":{\"reason\":\"ProviderCapacityExhausted\","
        "\"conditions\":[{\"type\":\"Failed\",\"status\":\"True\",\"reason\":\"X\",\"message\":\"mx\"}]}}");
    ck_assert_str_eq(r.reason, "ProviderCapacityExhausted");
    ck_assert_str_eq(r.message, "mx");
    ck_assert_ptr_null(r.phase);
    agentrun_free(&r);
    r = parse_text("{\"metadata\":{\"name\":\"a\"},\"status\":{\"reason\":\"\",\"phase\":\"\","
        "\"conditions\":[{\"type\":\"Blocked\",\"status\":\"True\",\"reason\":\"QueueLimit\"}]}}");
    ck_assert_str_eq(r.reason, "QueueLimit");
    ck_assert_ptr_null(r.phase);
    agentrun_free(&r);
}
END_TEST

START_TEST(vcs_falls_back_to_parameter_aliases)
{
    struct agentrun r = parse_text("{\"metadata\":{\"name\":\"a\"},\"spec\":{\"parameters\":{"
        "\"repo\":\"o/r\",\"baseRef\":\"dev\",\"head\":\"\",\"head_ref\":\"codex/x\"}}}");
    ck_assert_str_eq(r.repository, "o/r");
    ck_assert_str_eq(r.base, "dev");
    ck_assert_str_eq(r.head, "codex/x");
    ck_assert_str_eq(r.param_head, "codex/x");
    ck_assert_ptr_null(r.vcs_mode);
    agentrun_free(&r);
    r = parse_text("{\"metadata\":{\"name\":\"a\"},\"spec\":{\"parameters\":{\"branch\":\"b1\","
        "\"issueRepository\":\"o/i\"}},\"status\":{\"vcs\":{\"headBranch\":\"codex/a\",\"repository\":\"\"}}}");
    ck_assert_str_eq(r.head, "codex/a");
    ck_assert_str_eq(r.param_head, "b1");
    ck_assert_str_eq(r.repository, "o/i");
    agentrun_free(&r);
    /* provenance and generateName */
    r = parse_text("{\"metadata\":{\"name\":\"codex-agent-x7k2p\",\"generateName\":\"codex-agent-\","
        "\"annotations\":{\"artriage.dev/rerun-of\":\"agents/old\",\"artriage.dev/rerun-of-uid\":\"u1\"}}}");
    ck_assert_str_eq(r.lane, "codex-agent-x7k2p");
    ck_assert_str_eq(r.rerun_of, "agents/old");
    ck_assert_str_eq(r.rerun_of_uid, "u1");
    agentrun_free(&r);
    /* a generated name that happens to look like a retry is its own lane */
    r = parse_text("{\"metadata\":{\"name\":\"fix-r2-r2456\",\"generateName\":\"fix-r2-\"}}");
    ck_assert_str_eq(r.lane, "fix-r2-r2456");
    agentrun_free(&r);
}
END_TEST

START_TEST(wrong_types_everywhere)
{
    static const char *const cases[] = {
        "{\"metadata\":{\"name\":\"a\",\"namespace\":7,\"uid\":[],\"creationTimestamp\":12,"
        "\"annotations\":[\"x\"],\"labels\":\"l\",\"generateName\":{}},"
        "\"spec\":{\"agentRef\":\"codex\",\"runtime\":[1],\"parameters\":[\"head\"],"
        "\"vcsPolicy\":{\"mode\":3,\"required\":\"yes\"},\"workload\":5,\"idempotencyKey\":{}},"
        "\"status\":{\"phase\":1,\"reason\":{},\"message\":[],\"conditions\":{\"type\":\"Failed\"},"
        "\"startedAt\":\"not a time\",\"finishedAt\":true,\"vcs\":\"x\",\"runner\":[],\"specHash\":1e400}}",
        "{\"metadata\":{\"name\":\"a\"},\"spec\":[],\"status\":\"Failed\"}",
        "{\"metadata\":{\"name\":\"a\"},\"spec\":null,\"status\":{\"conditions\":[1,\"x\",null,[],"
        "{\"type\":5,\"status\":true,\"reason\":[],\"lastTransitionTime\":9},"
        "{\"type\":\"Failed\",\"status\":\"True\",\"reason\":7}],\"runner\":{\"exitCode\":\"1\",\"status\":2}}}",
        "{\"metadata\":{\"name\":\"a\"},\"spec\":{\"parameters\":{\"head\":5,\"headBranch\":null,"
        "\"headRef\":\"h\"}},\"status\":{\"runner\":{\"exitCode\":1.5}}}",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct agentrun r = parse_text(cases[i]);
        ck_assert_str_eq(r.name, "a");
        ck_assert_ptr_null(r.ns);
        ck_assert_ptr_null(r.phase);
        ck_assert_ptr_null(r.reason);
        ck_assert(r.created == TIME_NONE && r.started == TIME_NONE && r.finished == TIME_NONE);
        ck_assert_int_eq(r.runner_exit_code, -1);
        ck_assert(!r.vcs_required);
        if (i == 3) ck_assert_str_eq(r.head, "h");
        agentrun_free(&r);
    }
    /* not objects, no name, name of the wrong type */
    static const char *const bad[] = {"[]", "\"x\"", "null", "{}", "{\"metadata\":[]}",
                                      "{\"metadata\":{\"name\":5}}", "{\"metadata\":{\"name\":\"\"}}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cJSON *j = cJSON_Parse(bad[i]);
        struct agentrun r;
        char err[ERRLEN] = "";
        ck_assert_int_eq(agentrun_parse(j, &r, err, sizeof err), -1);
        ck_assert_msg(strstr(err, "AgentRun") != NULL, "err: %s", err);
        agentrun_free(&r);
        struct pod p;
        ck_assert_int_eq(pod_parse(j, &p, err, sizeof err), -1);
        pod_free(&p);
        cJSON_Delete(j);
    }
    ck_assert_int_eq(agentrun_parse(NULL, &(struct agentrun){0}, NULL, 0), -1);
}
END_TEST

START_TEST(huge_strings)
{
    size_t n = 4u << 20;
    char *big = xmalloc(n + 1);
    memset(big, 'x', n);
    big[n] = 0;
    cJSON *j = cJSON_CreateObject();
    cJSON *md = cJSON_AddObjectToObject(j, "metadata");
    cJSON_AddStringToObject(md, "name", big);
    cJSON *st = cJSON_AddObjectToObject(j, "status");
    cJSON_AddStringToObject(st, "message", big);
    cJSON_AddStringToObject(st, "phase", big);
    struct agentrun r;
    char err[ERRLEN];
    ck_assert_int_eq(agentrun_parse(j, &r, err, sizeof err), 0);
    ck_assert_uint_eq(strlen(r.name), n);
    ck_assert_uint_eq(strlen(r.lane), n);
    ck_assert(!agentrun_is_terminal(&r));
    agentrun_free(&r);
    cJSON_Delete(j);
    free(big);
}
END_TEST

START_TEST(pods_from_examples)
{
    cJSON *j = load_example("pod-agentrun-20260225g.json");
    struct pod p;
    char err[ERRLEN];
    ck_assert_int_eq(pod_parse(j, &p, err, sizeof err), 0);
    ck_assert_str_eq(p.run_name, "torghut-v5-doc12-dspy-adoption-run-20260225g");
    ck_assert_str_eq(p.job_name, "torghut-v5-doc12-dspy-adoption-run-20260225g-job");
    ck_assert_str_eq(p.phase, "Succeeded");
    ck_assert_str_eq(p.node, "talos-worker-01");
    const struct container_state *c = pod_main_container(&p, "agent-runner");
    ck_assert_ptr_nonnull(c);
    ck_assert_str_eq(c->digest, "sha256:6fa809abd4f436789236af008933f8ee7f0dd422775bbb265d969c23c71d3dbd");
    ck_assert_str_eq(c->image, "registry.ide-newton.ts.net/lab/agents-codex-runner:sha-1cc0ecd211f1548d7e34b86d9b72ab222f9b2f08");
    ck_assert_str_eq(c->state, "terminated");
    ck_assert_str_eq(c->reason, "Completed");
    ck_assert_int_eq(c->exit_code, 0);
    ck_assert_int_eq(c->restarts, 0);
    ck_assert(!c->has_last);
    pod_free(&p);
    cJSON_Delete(j);

    j = load_example("pod-agentrun-20260225e.json");
    ck_assert_int_eq(pod_parse(j, &p, err, sizeof err), 0);
    c = pod_main_container(&p, "agent-runner");
    ck_assert_int_eq(c->exit_code, 1);
    ck_assert_str_eq(c->reason, "Error");
    ck_assert_str_ne(c->digest, "sha256:6fa809abd4f436789236af008933f8ee7f0dd422775bbb265d969c23c71d3dbd");
    ck_assert_ptr_eq(pod_main_container(&p, "nope"), c);
    pod_free(&p);
    cJSON_Delete(j);
}
END_TEST

START_TEST(pod_wrong_types_and_pending)
{
    cJSON *j = cJSON_Parse("{\"metadata\":{\"name\":\"p\",\"labels\":{\"agents.proompteng.ai/agent-run\":5}},"
        "\"spec\":{\"initContainers\":[{\"name\":\"init\",\"image\":\"busybox\"}],"
        "\"containers\":[{\"name\":\"agent-runner\",\"image\":\"r/x:t@sha256:abc\"},7,{\"name\":3}]},"
        "\"status\":{\"phase\":\"Pending\",\"containerStatuses\":[5,{\"name\":\"agent-runner\",\"imageID\":\"\","
        "\"restartCount\":\"2\",\"state\":{\"waiting\":{\"reason\":\"ImagePullBackOff\",\"message\":[]}},"
        "\"lastState\":{\"terminated\":{\"exitCode\":137,\"reason\":\"OOMKilled\"}}}],"
        "\"initContainerStatuses\":\"x\"}}");
    struct pod p;
    char err[ERRLEN];
    ck_assert_int_eq(pod_parse(j, &p, err, sizeof err), 0);
    ck_assert_ptr_null(p.run_name);
    ck_assert_uint_eq(p.ncontainers, 2);
    const struct container_state *c = pod_main_container(&p, NULL);
    ck_assert_str_eq(c->name, "agent-runner");
    ck_assert_str_eq(c->state, "waiting");
    ck_assert_str_eq(c->reason, "ImagePullBackOff");
    ck_assert_ptr_null(c->message);
    ck_assert_int_eq(c->exit_code, -1);
    ck_assert_int_eq(c->restarts, 0);
    ck_assert(c->has_last);
    ck_assert_int_eq(c->last_exit_code, 137);
    ck_assert_str_eq(c->last_reason, "OOMKilled");
    ck_assert_str_eq(c->digest, "sha256:abc");
    const struct container_state *init = pod_main_container(&p, "init");
    ck_assert(init->init);
    ck_assert_ptr_null(init->digest);
    pod_free(&p);
    cJSON_Delete(j);
}
END_TEST

START_TEST(parse_take_owns_the_object)
{
    cJSON *j = cJSON_Parse("{\"metadata\":{\"name\":\"a-r2\"},\"status\":{\"phase\":\"Failed\"}}");
    struct agentrun r;
    char err[ERRLEN];
    ck_assert_int_eq(agentrun_parse_take(j, &r, err, sizeof err), 0);
    ck_assert_ptr_eq(r.raw, j);
    ck_assert_str_eq(r.lane, "a");
    agentrun_free(&r); /* frees j */
    j = cJSON_Parse("[1]");
    ck_assert_int_eq(agentrun_parse_take(j, &r, err, sizeof err), -1);
    ck_assert_ptr_null(r.raw);
    agentrun_free(&r);
    cJSON_Delete(j);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("agentrun");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, parse_lane_runs_from_example_list);
    tcase_add_test(tc, reason_rules_of_section_4);
    tcase_add_test(tc, vcs_falls_back_to_parameter_aliases);
    tcase_add_test(tc, wrong_types_everywhere);
    tcase_add_test(tc, huge_strings);
    tcase_add_test(tc, pods_from_examples);
    tcase_add_test(tc, pod_wrong_types_and_pending);
    tcase_add_test(tc, parse_take_owns_the_object);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
