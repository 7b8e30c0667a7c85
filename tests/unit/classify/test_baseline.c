/* Baselines at speed: the passing log's lines are normalised into a buffer
 * and hashed eight bytes at a time, and their hashes go into the table in
 * batches. What a line equals must not change with that: words joined
 * only by a colour code stay two words, a digit anywhere in a word masks
 * the whole word, and every line of a long baseline is found whatever the
 * batch and chunk boundaries. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "classify/classify.h"
#include "util/buf.h"

static struct classify_baseline *baseline_chunks(const char *text, size_t n, size_t chunk)
{
    struct classify_baseline *b = classify_baseline_new();
    for (size_t at = 0; at < n; at += chunk)
        classify_baseline_feed(b, text + at, n - at < chunk ? n - at : chunk);
    classify_baseline_finish(b);
    return b;
}

static bool has(const struct classify_baseline *b, const char *line)
{
    return classify_baseline_has(b, line, strlen(line));
}

START_TEST(words_joined_by_a_colour_code_stay_apart)
{
    static const char pass[] = "status \x1b[1mok\x1b[0mdone here\n";
    struct classify_baseline *b = baseline_chunks(pass, sizeof pass - 1, 4096);
    ck_assert(has(b, "status ok\x1b[32mdone here"));
    ck_assert(has(b, "status okdone here") == false);
    ck_assert(has(b, "status ok done here") == false);
    classify_baseline_free(b);
    /* and the other way round: one word is not two */
    static const char one[] = "status okdone here\n";
    b = baseline_chunks(one, sizeof one - 1, 4096);
    ck_assert(has(b, "status okdone here"));
    ck_assert(has(b, "status ok\x1b[0mdone here") == false);
    classify_baseline_free(b);
}
END_TEST

START_TEST(digit_words_masked_whole)
{
    static const char pass[] = "took 12ms on node-7a\nresult 0 failed\nat 10:00:05 a0 0.5s\n";
    struct classify_baseline *b = baseline_chunks(pass, sizeof pass - 1, 4096);
    ck_assert(has(b, "took 9999ms on node-2"));
    ck_assert(has(b, "took ms on node-2") == false);
    ck_assert(has(b, "took 9999 on node-2") == true); /* "12ms" and "9999" are both a number */
    ck_assert(has(b, "result 0 failed"));
    ck_assert(has(b, "result 3 failed") == false);
    ck_assert(has(b, "at 11:59:59 b9 7.25s"));
    ck_assert(has(b, "at 11:59:59 bb 7.25s") == false);
    classify_baseline_free(b);
}
END_TEST

/* More lines than a batch, fed in chunks that split lines anywhere: every
 * line is found, a line it never printed is not. */
START_TEST(every_line_of_a_long_baseline)
{
    struct buf log = {0};
    for (int i = 0; i < 1000; i++) buf_printf(&log, "step %c%c%c finished\r\n", 'a' + i % 26, 'a' + i / 26 % 26, 'a' + i / 676);
    buf_puts(&log, "last line without newline");
    for (size_t chunk = 1; chunk <= 8192; chunk = chunk * 3 + 1) {
        struct classify_baseline *b = baseline_chunks(log.p, log.len, chunk);
        ck_assert_uint_eq(classify_baseline_lines(b), 1001);
        for (int i = 0; i < 1000; i++) {
            char line[64];
            snprintf(line, sizeof line, "step %c%c%c finished", 'a' + i % 26, 'a' + i / 26 % 26, 'a' + i / 676);
            ck_assert_msg(has(b, line), "chunk %zu: line %d missing", chunk, i);
        }
        ck_assert(has(b, "last line without newline"));
        ck_assert(has(b, "step zzz finished") == false);
        classify_baseline_free(b);
    }
    buf_free(&log);
}
END_TEST

/* NUL bytes and bytes >= 0x80 are ordinary: part of the line's text. */
START_TEST(nul_and_high_bytes)
{
    static const char pass[] = "a\0b caf\xc3\xa9 x\n";
    struct classify_baseline *b = baseline_chunks(pass, sizeof pass - 1, 3);
    ck_assert(classify_baseline_has(b, "a\0b caf\xc3\xa9 x", 11));
    ck_assert(classify_baseline_has(b, "a\0c caf\xc3\xa9 x", 11) == false);
    ck_assert(classify_baseline_has(b, "ab caf\xc3\xa9 x", 10) == false);
    classify_baseline_free(b);
}
END_TEST

/* Lines of every length from empty to longer than a finding keeps, fed in
 * chunks around the 64 bytes the line walk takes at a time: each line is
 * one line, found whole (a long one by its first CLASSIFY_TEXT_MAX bytes). */
START_TEST(lines_of_every_length)
{
    struct buf log = {0};
    int nlines = 0;
    for (int len = 0; len < 1300; len += len < 140 ? 1 : 97, nlines++) {
        buf_printf(&log, "L%c%c", 'a' + nlines % 26, 'a' + nlines / 26 % 26);
        for (int k = 3; k < len; k++) buf_putc(&log, k % 5 == 0 ? ' ' : (char)('a' + (k * 7 + nlines) % 26));
        buf_putc(&log, '\n');
    }
    static const size_t chunks[] = {1, 63, 64, 65, 127, 4096, 1u << 20};
    for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
        struct classify_baseline *b = baseline_chunks(log.p, log.len, chunks[c]);
        ck_assert_uint_eq(classify_baseline_lines(b), (size_t)nlines);
        const char *p = log.p;
        for (int i = 0; i < nlines; i++) {
            const char *nl = memchr(p, '\n', log.len - (size_t)(p - log.p));
            ck_assert_msg(nl - p == 0 || classify_baseline_has(b, p, (size_t)(nl - p)),
                          "chunk %zu: line %d (%d bytes) missing", chunks[c], i, (int)(nl - p));
            p = nl + 1;
        }
        ck_assert(has(b, "Lzz never printed") == false);
        classify_baseline_free(b);
    }
    buf_free(&log);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("baseline");
    TCase *tc = tcase_create("baseline");
    tcase_add_test(tc, words_joined_by_a_colour_code_stay_apart);
    tcase_add_test(tc, digit_words_masked_whole);
    tcase_add_test(tc, lines_of_every_length);
    tcase_add_test(tc, every_line_of_a_long_baseline);
    tcase_add_test(tc, nul_and_high_bytes);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
