/* Unit tests for src/model/lane: every naming rule of lanes.md. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "model/lane.h"

static void check_lane(const char *name, const char *lane, const char *attempt)
{
    char *l = NULL, *a = NULL;
    lane_from_name(name, &l, &a);
    ck_assert_msg(strcmp(l, lane) == 0, "%s: lane %s, want %s", name, l, lane);
    ck_assert_msg(strcmp(a, attempt) == 0, "%s: attempt %s, want %s", name, a, attempt);
    free(l);
    free(a);
}

START_TEST(lane_date_letter_suffix)
{
    check_lane("torghut-v5-doc12-dspy-adoption-run-20260225b", "torghut-v5-doc12-dspy-adoption-run-20260225", "b");
    check_lane("torghut-v5-doc12-dspy-adoption-run-20260225g", "torghut-v5-doc12-dspy-adoption-run-20260225", "g");
    check_lane("anypi-eval-torghut-minimal-20260617a", "anypi-eval-torghut-minimal-20260617", "a");
    check_lane("x-20260225za", "x-20260225", "za");
    /* bare date is the first try of the same lane */
    check_lane("codex-goal-smoke-20260517", "codex-goal-smoke-20260517", "");
    /* three letters, no prefix, impossible dates: not rule 2 */
    check_lane("x-20260225abc", "x-20260225abc", "");
    check_lane("-20260225b", "-20260225b", "");
    check_lane("20260225b", "20260225b", "");
    check_lane("x-20261325b", "x-20261325b", "");
    check_lane("x-2026022b", "x-2026022b", "");
    /* date not at the end */
    check_lane("leader-election-implementation-20260207-run", "leader-election-implementation-20260207-run", "");
}
END_TEST

START_TEST(lane_numbered_suffix)
{
    check_lane("fix-flaky-test-r2", "fix-flaky-test", "r2");
    check_lane("fix-flaky-test-r10", "fix-flaky-test", "r10");
    check_lane("fix-flaky-test-retry-3", "fix-flaky-test", "r3");
    check_lane("fix-flaky-test-attempt-4", "fix-flaky-test", "r4");
    check_lane("fix-flaky-test-retry-007", "fix-flaky-test", "r7");
    check_lane("fix-flaky-test", "fix-flaky-test", "");
    check_lane("-r2", "-r2", "");
    check_lane("x-r", "x-r", "");
    check_lane("x-r1234567890", "x-r1234567890", "");
    check_lane("torghut-priority-loop5", "torghut-priority-loop5", "");
    /* a retry of a dated attempt is a retry of that attempt */
    check_lane("x-20260225b-r2", "x-20260225b", "r2");
}
END_TEST

START_TEST(lane_generated_names_are_their_own_lane)
{
    check_lane("codex-agent-x7k2p", "codex-agent-x7k2p", "");
    check_lane("jangar-control-plane-discover-sched-k7srv", "jangar-control-plane-discover-sched-k7srv", "");
    check_lane("jangar-manual-plan-6xw45", "jangar-manual-plan-6xw45", "");
    /* generateName's alphabet can spell r<4 digits> */
    check_lane("codex-agent-r2456", "codex-agent-r2456", "");
    ck_assert(lane_is_generated("codex-agent-x7k2p", "codex-agent-"));
    ck_assert(!lane_is_generated("codex-agent-x7k2p", NULL));
    ck_assert(!lane_is_generated("codex-agent-x7k2p", ""));
    ck_assert(!lane_is_generated("codex-agent-x7k2pp", "codex-agent-"));
    ck_assert(!lane_is_generated("codex-agent-aeiou", "codex-agent-"));
    ck_assert(!lane_is_generated("other-x7k2p", "codex-agent-"));
    /* empty and NULL names do not crash */
    check_lane("", "", "");
    check_lane(NULL, "", "");
}
END_TEST

static void check_next(const char *newest, const char *const *taken, size_t n, const char *want)
{
    char *got = lane_next_name(newest, taken, n);
    ck_assert_msg(strcmp(got, want) == 0, "next(%s) = %s, want %s", newest, got, want);
    ck_assert_uint_le(strlen(got), 63);
    free(got);
}

START_TEST(lane_next_names)
{
    check_next("torghut-v5-doc12-dspy-adoption-run-20260225e", NULL, 0,
               "torghut-v5-doc12-dspy-adoption-run-20260225f");
    check_next("x-20260225z", NULL, 0, "x-20260225za");
    check_next("x-20260225za", NULL, 0, "x-20260225zb");
    check_next("x-20260225az", NULL, 0, "x-20260225ba");
    check_next("x-20260225zz", NULL, 0, "x-20260225-r2");
    check_next("x-20260225", NULL, 0, "x-20260225-r2");
    check_next("fix-r2", NULL, 0, "fix-r3");
    check_next("fix-r9", NULL, 0, "fix-r10");
    check_next("fix-retry-3", NULL, 0, "fix-r4");
    check_next("fix-attempt-1", NULL, 0, "fix-r2");
    check_next("fix", NULL, 0, "fix-r2");
    check_next("codex-agent-x7k2p", NULL, 0, "codex-agent-x7k2p-r2");
    const char *taken[] = {"x-20260225f", "x-20260225g", "fix-r3"};
    check_next("x-20260225e", taken, 3, "x-20260225h");
    check_next("fix-r2", taken, 3, "fix-r4");
    /* the results parse back into the same lane */
    char *l1, *a1, *l2, *a2;
    char *next = lane_next_name("x-20260225", NULL, 0);
    lane_from_name("x-20260225", &l1, &a1);
    lane_from_name(next, &l2, &a2);
    ck_assert_str_eq(l1, l2);
    ck_assert_str_eq(a2, "r2");
    free(next); free(l1); free(a1); free(l2); free(a2);
}
END_TEST

START_TEST(lane_next_name_63_limit)
{
    /* 60-char prefix + "-20260225z": the suffix stays, the prefix shrinks */
    char name[128];
    memset(name, 'p', 60);
    strcpy(name + 60, "-20260225z");
    char *got = lane_next_name(name, NULL, 0);
    ck_assert_uint_eq(strlen(got), 63);
    ck_assert_str_eq(got + strlen(got) - 11, "-20260225za");
    free(got);
    /* a cut never leaves "--" before the suffix */
    char name2[128];
    memset(name2, 'q', 70);
    name2[51] = '-';
    strcpy(name2 + 70, "-r9");
    got = lane_next_name(name2, NULL, 0);
    ck_assert_uint_le(strlen(got), 63);
    ck_assert_ptr_null(strstr(got, "--"));
    ck_assert_str_eq(got + strlen(got) - 4, "-r10");
    free(got);
    /* no suffix at all: -r2 still fits */
    char name3[80];
    memset(name3, 'a', 63);
    name3[63] = 0;
    got = lane_next_name(name3, NULL, 0);
    ck_assert_uint_eq(strlen(got), 63);
    ck_assert_str_eq(got + 60, "-r2");
    free(got);
}
END_TEST

static void check_head(const char *head, const char *o, const char *n, const char *const *used, size_t nu,
                       const char *want)
{
    char *got = lane_next_head(head, o, n, used, nu);
    ck_assert_msg(strcmp(got, want) == 0, "head(%s) = %s, want %s", head, got, want);
    free(got);
}

START_TEST(lane_next_heads)
{
    check_head("codex/torghut-v5-doc12-dspy-adoption-20260225g", "g", "h", NULL, 0,
               "codex/torghut-v5-doc12-dspy-adoption-20260225h");
    check_head("codex/torghut-dspy-adoption", "", "r2", NULL, 0, "codex/torghut-dspy-adoption-r2");
    check_head("codex/torghut-dspy-adoption", "e", "f", NULL, 0, "codex/torghut-dspy-adoption-r2");
    check_head("codex/fix-r2", "r2", "r3", NULL, 0, "codex/fix-r3");
    check_head("codex/fix-retry-2", "r2", "r3", NULL, 0, "codex/fix-r3");
    const char *used[] = {"codex/x-20260225f", "codex/y-r2", "codex/y-r3"};
    check_head("codex/x-20260225e", "e", "f", used, 3, "codex/x-20260225g");
    check_head("codex/y", "", "r2", used, 3, "codex/y-r4");
    ck_assert_ptr_null(lane_next_head(NULL, "e", "f", NULL, 0));
    ck_assert_ptr_null(lane_next_head("", "e", "f", NULL, 0));
    /* NULL attempts are tolerated */
    check_head("codex/z", NULL, NULL, NULL, 0, "codex/z-r2");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("lane");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, lane_date_letter_suffix);
    tcase_add_test(tc, lane_numbered_suffix);
    tcase_add_test(tc, lane_generated_names_are_their_own_lane);
    tcase_add_test(tc, lane_next_names);
    tcase_add_test(tc, lane_next_name_63_limit);
    tcase_add_test(tc, lane_next_heads);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
