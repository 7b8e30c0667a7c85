/* Repeated identical warnings are printed once and then counted; the count
 * goes out with the next different line, after the interval, or at the
 * end (util/ratelimit). */
#include <check.h>
#include <stdlib.h>
#include "util/ratelimit.h"

START_TEST(identical_lines_are_counted)
{
    struct warn_limit wl;
    warn_limit_init(&wl, 10000);
    unsigned long held = 99;
    ck_assert(warn_limit_pass(&wl, "watch of pods: garbage", 1000, &held));
    ck_assert_uint_eq(held, 0);
    for (int i = 0; i < 5000; i++) ck_assert(!warn_limit_pass(&wl, "watch of pods: garbage", 1000 + i, &held));
    /* a different line goes out, with the count of the held-back ones */
    ck_assert(warn_limit_pass(&wl, "watch of agentruns: garbage", 7000, &held));
    ck_assert_uint_eq(held, 5000);
    ck_assert(!warn_limit_pass(&wl, "watch of agentruns: garbage", 8000, &held));
    /* past the interval the same line is printed again, with its count */
    ck_assert(warn_limit_pass(&wl, "watch of agentruns: garbage", 17001, &held));
    ck_assert_uint_eq(held, 1);
    ck_assert(!warn_limit_pass(&wl, "watch of agentruns: garbage", 17002, &held));
    ck_assert(!warn_limit_pass(&wl, "watch of agentruns: garbage", 17003, &held));
    ck_assert_uint_eq(warn_limit_flush(&wl), 2);
    ck_assert_uint_eq(warn_limit_flush(&wl), 0);
    /* the very first line passes even at time 0 */
    warn_limit_init(&wl, 10000);
    ck_assert(warn_limit_pass(&wl, "x", 0, &held));
    ck_assert(!warn_limit_pass(&wl, "x", 0, &held));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ratelimit");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, identical_lines_are_counted);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
