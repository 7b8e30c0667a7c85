/* run_signals_add: the status and pod facts every front end joins to a
 * run's logs. A bug found in review: the console classified a run whose
 * runner was OOMKilled as "unknown" because it passed the status only,
 * while `list` said resource.oom. One function now serves all of them. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "classify/classify.h"
#include "model/agentrun.h"
#include "model/runsignals.h"
#include "util/err.h"

static struct classify_rules *rules(void)
{
    char err[ERRLEN];
    struct classify_rules_opts o = {.user_dir = ""};
    struct classify_rules *rs = classify_rules_load(&o, NULL, err, sizeof err);
    ck_assert_msg(rs != NULL, "%s", err);
    return rs;
}

static cJSON *obj(const char *json)
{
    cJSON *j = cJSON_Parse(json);
    ck_assert_ptr_nonnull(j);
    return j;
}

START_TEST(oomkilled_pod_names_the_class_without_a_log)
{
    struct classify_rules *rs = rules();
    char err[ERRLEN];
    cJSON *rj = obj("{\"metadata\":{\"name\":\"repair-20260225e\",\"namespace\":\"agents\"},"
                    "\"status\":{\"phase\":\"Failed\",\"reason\":\"BackoffLimitExceeded\","
                    "\"message\":\"Job has reached the specified backoff limit\"}}");
    cJSON *pj = obj("{\"metadata\":{\"name\":\"repair-20260225e-job-x\",\"namespace\":\"agents\","
                    "\"labels\":{\"agents.proompteng.ai/agent-run\":\"repair-20260225e\"}},"
                    "\"status\":{\"phase\":\"Failed\",\"containerStatuses\":[{\"name\":\"agent-runner\","
                    "\"state\":{\"terminated\":{\"reason\":\"OOMKilled\",\"exitCode\":137}}}]}}");
    struct agentrun r = {0};
    struct pod p = {0};
    ck_assert_int_eq(agentrun_parse(rj, &r, err, sizeof err), 0);
    ck_assert_int_eq(pod_parse(pj, &p, err, sizeof err), 0);
    ck_assert_int_eq(run_outcome(&r), CLASSIFY_OUTCOME_FAILED);

    struct classify_ctx *c = classify_new(rs, run_outcome(&r));
    run_signals_add(c, &r, &p, 1);
    struct classify_result *res = classify_finish(c);
    ck_assert(res->has_primary);
    ck_assert_str_eq(res->primary.class_id, "resource.oom");
    classify_result_free(res);
    classify_free(c);

    /* A pod of another run says nothing about this one. */
    free(p.run_name);
    p.run_name = strdup("someone-else");
    c = classify_new(rs, run_outcome(&r));
    run_signals_add(c, &r, &p, 1);
    res = classify_finish(c);
    ck_assert(!res->has_primary || strcmp(res->primary.class_id, "resource.oom") != 0);
    classify_result_free(res);
    classify_free(c);

    agentrun_free(&r);
    pod_free(&p);
    cJSON_Delete(rj);
    cJSON_Delete(pj);
    classify_rules_free(rs);
}
END_TEST

START_TEST(duplicate_condition_is_config_invalid_and_outcomes_follow_phase)
{
    struct classify_rules *rs = rules();
    char err[ERRLEN];
    cJSON *rj = obj("{\"metadata\":{\"name\":\"smoke-20260225b\"},\"status\":{\"phase\":\"Failed\","
                    "\"conditions\":[{\"type\":\"Duplicate\",\"status\":\"True\",\"reason\":\"IdempotencyKeyCompleted\","
                    "\"message\":\"AgentRun smoke-20260225 already claimed idempotencyKey k\"}]}}");
    struct agentrun r = {0};
    ck_assert_int_eq(agentrun_parse(rj, &r, err, sizeof err), 0);
    struct classify_ctx *c = classify_new(rs, run_outcome(&r));
    run_signals_add(c, &r, NULL, 0);
    struct classify_result *res = classify_finish(c);
    ck_assert(res->has_primary);
    ck_assert_str_eq(res->primary.class_id, "config.invalid");
    classify_result_free(res);
    classify_free(c);
    free(r.phase);
    r.phase = strdup("Succeeded");
    ck_assert_int_eq(run_outcome(&r), CLASSIFY_OUTCOME_SUCCEEDED);
    free(r.phase);
    /* cancelled: a cause only if the log shows one, never "unknown" */
    r.phase = strdup("Cancelled");
    ck_assert_int_eq(run_outcome(&r), CLASSIFY_OUTCOME_UNKNOWN);
    c = classify_new(rs, run_outcome(&r));
    classify_feed(c, "turn cancelled by operator\n", 27);
    res = classify_finish(c);
    ck_assert(!res || !res->has_primary);
    classify_result_free(res);
    classify_free(c);
    free(r.phase);
    r.phase = NULL;
    ck_assert_int_eq(run_outcome(&r), CLASSIFY_OUTCOME_UNKNOWN);
    run_signals_add(NULL, &r, NULL, 0); /* tolerated */
    agentrun_free(&r);
    cJSON_Delete(rj);
    classify_rules_free(rs);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("runsignals");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, oomkilled_pod_names_the_class_without_a_log);
    tcase_add_test(tc, duplicate_condition_is_config_invalid_and_outcomes_follow_phase);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
