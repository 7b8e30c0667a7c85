/* logstamp: API timestamp prefixes taken off a streamed log whatever the
 * chunking, each line's time kept (sync and the console's triage agree). */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "model/logstamp.h"
#include "util/timeutil.h"

static const char LOG[] = "2026-02-25T09:14:29.123456789Z first line\n"
                          "2026-02-25T09:14:30Z Error: boom\n"
                          "no stamp here\n"
                          "\n"
                          "2026-02-25T09:14:31Z last";

static void check_split(size_t step)
{
    struct logstamp st;
    logstamp_init(&st);
    struct buf out = {0};
    size_t n = strlen(LOG);
    for (size_t i = 0; i < n; i += step) logstamp_feed(&st, LOG + i, i + step > n ? n - i : step, &out);
    logstamp_finish(&st, &out);
    buf_putc(&out, 0);
    ck_assert_str_eq(out.p, "first line\nError: boom\nno stamp here\n\nlast");
    int64_t t1, t2, t3;
    time_parse_rfc3339("2026-02-25T09:14:29.123456789Z", &t1);
    time_parse_rfc3339("2026-02-25T09:14:30Z", &t2);
    time_parse_rfc3339("2026-02-25T09:14:31Z", &t3);
    ck_assert_uint_eq(st.n, 5);
    ck_assert_int_eq(logstamp_line_time(&st, 1), t1);
    ck_assert_int_eq(logstamp_line_time(&st, 2), t2);
    ck_assert_int_eq(logstamp_line_time(&st, 3), t2); /* the previous line's */
    ck_assert_int_eq(logstamp_line_time(&st, 5), t3);
    ck_assert_int_eq(logstamp_line_time(&st, 6), TIME_NONE);
    ck_assert_int_eq(logstamp_line_time(&st, 0), TIME_NONE);
    buf_free(&out);
    logstamp_free(&st);
}

START_TEST(stamps_off_whatever_the_chunks)
{
    for (size_t step = 1; step <= strlen(LOG); step++) check_split(step);
}
END_TEST

START_TEST(long_first_words_are_text)
{
    struct logstamp st;
    logstamp_init(&st);
    struct buf out = {0};
    const char *s = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa b\n2026-13-45T99:99:99Z x\n";
    logstamp_feed(&st, s, strlen(s), &out);
    logstamp_finish(&st, &out);
    buf_putc(&out, 0);
    ck_assert_str_eq(out.p, s);
    ck_assert_int_eq(logstamp_line_time(&st, 1), TIME_NONE);
    buf_free(&out);
    logstamp_free(&st);
}
END_TEST

/* Times pushed a line at a time (a reader that took the stamps off
 * itself) follow the same rule: a line without one has the one above's. */
START_TEST(pushed_times_carry_down)
{
    struct logstamp st;
    logstamp_init(&st);
    logstamp_push(&st, TIME_NONE);
    logstamp_push(&st, 5000);
    logstamp_push(&st, TIME_NONE);
    logstamp_push(&st, 7000);
    ck_assert_int_eq(logstamp_line_time(&st, 1), TIME_NONE);
    ck_assert_int_eq(logstamp_line_time(&st, 2), 5000);
    ck_assert_int_eq(logstamp_line_time(&st, 3), 5000);
    ck_assert_int_eq(logstamp_line_time(&st, 4), 7000);
    ck_assert_int_eq(logstamp_line_time(&st, 5), TIME_NONE);
    logstamp_free(&st);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("logstamp");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, stamps_off_whatever_the_chunks);
    tcase_add_test(tc, long_first_words_are_text);
    tcase_add_test(tc, pushed_times_carry_down);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
