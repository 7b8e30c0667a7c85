/* Unit tests for src/model/runbaseline: the lane rule, the agent and
 * repository fallback, no baseline, and runs only the cache still holds. */
#include <check.h>
#include <string.h>
#include "model/runbaseline.h"

#define RUN(nm, ln, ph, t) {"demo", "agents", nm, ln, "codex-agent", "proompteng/lab", ph, t}

static const struct run_baseline_cand failed = RUN("seed-20260225d", "seed-20260225", "Failed", 400);

struct logs {
    const char *const *with; /* names that have a log */
    int asked;
};

static const struct run_baseline_cand *cands;

static bool has_log(void *ud, size_t i)
{
    struct logs *l = ud;
    l->asked++;
    for (const char *const *w = l->with; *w; w++)
        if (strcmp(*w, cands[i].name) == 0) return true;
    return false;
}

START_TEST(lane_newest_success_before_or_after)
{
    struct run_baseline_cand c[] = {
        RUN("seed-20260225b", "seed-20260225", "Succeeded", 100),
        RUN("seed-20260225d", "seed-20260225", "Failed", 400), /* itself */
        RUN("seed-20260225g", "seed-20260225", "Succeeded", 700), /* after the failure */
        RUN("seed-20260225h", "seed-20260225", "Failed", 800),
        RUN("other-run", "other-run", "Succeeded", 900), /* same agent+repo, newer */
    };
    ck_assert_int_eq(run_baseline_pick(&failed, c, 5, NULL, NULL), 2);
    /* the newest lane success without a log gives way to an older one */
    cands = c;
    const char *with[] = {"seed-20260225b", "other-run", NULL};
    struct logs l = {with, 0};
    ck_assert_int_eq(run_baseline_pick(&failed, c, 5, has_log, &l), 0);
    ck_assert_int_eq(l.asked, 2);
}
END_TEST

START_TEST(fallback_agent_and_repository)
{
    struct run_baseline_cand c[] = {
        RUN("seed-20260225d", "seed-20260225", "Failed", 400),
        RUN("a-run", "a-run", "Succeeded", 100),
        RUN("b-run", "b-run", "Succeeded", 300),
        {"demo", "agents", "c-run", "c-run", "other-agent", "proompteng/lab", "Succeeded", 900},
        {"demo", "agents", "d-run", "d-run", "codex-agent", "other/repo", "Succeeded", 900},
        {"prod", "agents", "e-run", "e-run", "codex-agent", "proompteng/lab", "Succeeded", 900},
    };
    ck_assert_int_eq(run_baseline_pick(&failed, c, 6, NULL, NULL), 2);
    /* only runs whose log the cache holds */
    cands = c;
    const char *with[] = {"a-run", NULL};
    struct logs l = {with, 0};
    ck_assert_int_eq(run_baseline_pick(&failed, c, 6, has_log, &l), 1);
}
END_TEST

START_TEST(no_baseline)
{
    struct run_baseline_cand c[] = {
        RUN("seed-20260225d", "seed-20260225", "Failed", 400),
        RUN("seed-20260225e", "seed-20260225", "Running", 500),
        RUN("x-run", "x-run", "Failed", 600),
        RUN("y-run", "y-run", NULL, 600),
    };
    ck_assert_int_eq(run_baseline_pick(&failed, c, 4, NULL, NULL), -1);
    ck_assert_int_eq(run_baseline_pick(&failed, c, 0, NULL, NULL), -1);
    /* successes whose logs are gone do not count */
    struct run_baseline_cand s[] = {RUN("seed-20260225g", "seed-20260225", "Succeeded", 700)};
    cands = s;
    const char *none[] = {NULL};
    struct logs l = {none, 0};
    ck_assert_int_eq(run_baseline_pick(&failed, s, 1, has_log, &l), -1);
    ck_assert_int_eq(l.asked, 1);
}
END_TEST

START_TEST(deleted_runs_from_cache)
{
    /* A run the server deleted is still a candidate when the cache holds
     * it and its log; a lane in another namespace is another lane. */
    struct run_baseline_cand c[] = {
        RUN("seed-20260225d", "seed-20260225", "Failed", 400),
        {"demo", "other-ns", "seed-20260225g", "seed-20260225", "x", "y", "Succeeded", 900},
        RUN("seed-20260225a", "seed-20260225", "Succeeded", 50), /* deleted, cached */
    };
    cands = c;
    const char *with[] = {"seed-20260225a", "seed-20260225g", NULL};
    struct logs l = {with, 0};
    ck_assert_int_eq(run_baseline_pick(&failed, c, 3, has_log, &l), 2);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("runbaseline");
    TCase *t = tcase_create("core");
    tcase_add_test(t, lane_newest_success_before_or_after);
    tcase_add_test(t, fallback_agent_and_repository);
    tcase_add_test(t, no_baseline);
    tcase_add_test(t, deleted_runs_from_cache);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *r = srunner_create(suite());
    srunner_run_all(r, CK_NORMAL);
    int failed_n = srunner_ntests_failed(r);
    srunner_free(r);
    return failed_n ? 1 : 0;
}
