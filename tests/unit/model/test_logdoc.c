/* Unit tests for src/model/logdoc: the sparse line index against a naive
 * split (any slice size, long lines, NUL, CRLF, no final newline), growth,
 * the sink, search both ways, the filter, timestamps, follow joins across
 * reconnects, and writing the log out. */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "model/logdoc.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/xalloc.h"

/* Naive reference: line starts and lengths (without \n and one \r). */
struct ref {
    size_t *off, *len;
    size_t n;
};

static struct ref ref_split(const char *p, size_t n)
{
    struct ref r = {xmalloc((n + 2) * sizeof(size_t)), xmalloc((n + 2) * sizeof(size_t)), 0};
    size_t s = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\n') {
            size_t l = i - s;
            if (l && p[i - 1] == '\r') l--;
            r.off[r.n] = s;
            r.len[r.n++] = l;
            s = i + 1;
        }
    }
    if (s < n) {
        size_t l = n - s;
        if (p[n - 1] == '\r') l--;
        r.off[r.n] = s;
        r.len[r.n++] = l;
    }
    return r;
}

static void ref_free(struct ref *r)
{
    free(r->off);
    free(r->len);
}

/* Plain comparisons in the loops (a Check assertion per line would cost
 * more than the code under test); one assertion names the first miss. */
static void check_against_ref(struct logdoc *d, const char *data, size_t n)
{
    struct ref r = ref_split(data, n);
    ck_assert_int_eq(logdoc_lines(d), (int64_t)r.n);
    long bad = -1;
    /* in order, then scattered with each line's offsets mapped back */
    for (size_t i = 0; i < r.n && bad < 0; i++) {
        const char *p;
        size_t len, off;
        if (logdoc_line(d, (int64_t)i, &p, &len, &off) != 0 || off != r.off[i] || len != r.len[i] ||
            memcmp(p, data + r.off[i], len) != 0)
            bad = (long)i;
    }
    ck_assert_msg(bad < 0, "line %ld differs (in order)", bad);
    for (size_t k = 0; k < r.n && bad < 0; k++) {
        size_t i = (k * 7919) % r.n;
        const char *p;
        size_t len, off;
        if (logdoc_line(d, (int64_t)i, &p, &len, &off) != 0 || off != r.off[i] || len != r.len[i] ||
            logdoc_line_at(d, r.off[i]) != (int64_t)i || logdoc_line_at(d, r.off[i] + len) != (int64_t)i)
            bad = (long)i;
    }
    ck_assert_msg(bad < 0, "line %ld differs (scattered)", bad);
    const char *p;
    size_t len;
    ck_assert_int_eq(logdoc_line(d, (int64_t)r.n, &p, &len, NULL), -1);
    ck_assert_int_eq(logdoc_line(d, -1, &p, &len, NULL), -1);
    ref_free(&r);
}

/* A log with short lines, CRLF, NUL, invalid UTF-8, escapes and lines of
 * 1 MiB and more. */
static char *make_log(size_t *out_n, bool final_newline)
{
    struct buf b = {0};
    unsigned seed = 12345;
    for (int i = 0; i < 20000; i++) {
        seed = seed * 1103515245 + 12345;
        switch ((seed >> 16) % 7) {
        case 0: buf_printf(&b, "line %d plain\n", i); break;
        case 1: buf_printf(&b, "line %d crlf\r\n", i); break;
        case 2: buf_append(&b, "nul\0inside\xff\xfe\n", 13); break;
        case 3: buf_puts(&b, "\x1b]0;title\x07 \x1b[31mred\x1b[0m\n"); break;
        case 4: buf_puts(&b, "\n"); break;
        case 5: buf_printf(&b, "error: thing %d failed\n", i); break;
        default: buf_printf(&b, "%d\n", i); break;
        }
        if (i == 5000 || i == 15000) {
            for (size_t k = 0; k < (1u << 20) + 17; k++) buf_putc(&b, (char)('a' + k % 26));
            buf_putc(&b, '\n');
        }
    }
    if (!final_newline) buf_puts(&b, "tail without newline");
    *out_n = b.len;
    return buf_detach(&b);
}

struct sinkacc {
    struct buf got;
    size_t calls;
};

static void sink(void *ud, const char *p, size_t n)
{
    struct sinkacc *s = ud;
    buf_append(&s->got, p, n);
    s->calls++;
}

START_TEST(index_matches_naive_split_at_any_slice)
{
    size_t n;
    char *data = make_log(&n, _i == 0);
    size_t budgets[] = {1, 7, 4096, 1 << 20, (size_t)1 << 30};
    for (size_t bi = 0; bi < sizeof budgets / sizeof *budgets; bi++) {
        if (budgets[bi] == 1) {
            /* one byte at a time over a short prefix only */
            char err[ERRLEN];
            struct logdoc *d = logdoc_new_bytes(data, 3000, err, sizeof err);
            ck_assert_ptr_nonnull(d);
            while (logdoc_index_step(d, 1)) {}
            check_against_ref(d, data, 3000);
            logdoc_free(d);
            continue;
        }
        char err[ERRLEN];
        struct logdoc *d = logdoc_new_bytes(data, n, err, sizeof err);
        ck_assert_ptr_nonnull(d);
        struct sinkacc acc = {{0}, 0};
        logdoc_set_sink(d, sink, &acc);
        ck_assert(!logdoc_indexed(d));
        while (logdoc_index_step(d, budgets[bi])) {}
        ck_assert(logdoc_indexed(d));
        ck_assert_uint_eq(acc.got.len, n);
        ck_assert(memcmp(acc.got.p, data, n) == 0);
        check_against_ref(d, data, n);
        buf_free(&acc.got);
        logdoc_free(d);
    }
    free(data);
}
END_TEST

START_TEST(first_screen_before_index_is_complete)
{
    size_t n;
    char *data = make_log(&n, true);
    char err[ERRLEN];
    struct logdoc *d = logdoc_new_bytes(data, n, err, sizeof err);
    ck_assert_ptr_nonnull(d);
    logdoc_index_step(d, 4096);
    ck_assert(!logdoc_indexed(d));
    int64_t have = logdoc_lines(d);
    ck_assert_int_gt(have, 40);
    const char *p;
    size_t len;
    ck_assert_int_eq(logdoc_line(d, 0, &p, &len, NULL), 0);
    /* lines beyond the indexed part are not handed out yet */
    ck_assert_int_eq(logdoc_line(d, have, &p, &len, NULL), -1);
    logdoc_free(d);
    free(data);
}
END_TEST

START_TEST(file_map_and_errors)
{
    char path[] = "/tmp/logdoc-test-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    const char *text = "one\r\ntwo\n\nfour";
    ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    char err[ERRLEN];
    struct logdoc *d = logdoc_open_file(path, err, sizeof err);
    ck_assert_ptr_nonnull(d);
    while (logdoc_index_step(d, 3)) {}
    check_against_ref(d, text, strlen(text));
    ck_assert(logdoc_partial_tail(d));
    /* a mapped user file is read-only */
    ck_assert_int_eq(logdoc_append(d, "x", 1, err, sizeof err), -1);
    /* writing never replaces an existing file */
    ck_assert_int_eq(logdoc_write(d, path, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, path));
    char out[] = "/tmp/logdoc-out-XXXXXX";
    int ofd = mkstemp(out);
    close(ofd);
    unlink(out);
    ck_assert_int_eq(logdoc_write(d, out, err, sizeof err), 0);
    struct stat st;
    ck_assert_int_eq(stat(out, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    ck_assert_int_eq(st.st_size, (off_t)strlen(text));
    unlink(out);
    logdoc_free(d);
    unlink(path);

    ck_assert_ptr_null(logdoc_open_file("/nonexistent/x.log", err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent/x.log"));
    /* empty documents */
    d = logdoc_new_bytes("", 0, err, sizeof err);
    ck_assert_ptr_nonnull(d);
    ck_assert(!logdoc_index_step(d, 100));
    ck_assert_int_eq(logdoc_lines(d), 0);
    logdoc_free(d);
}
END_TEST

START_TEST(stream_grows_and_tail_line_extends)
{
    struct logdoc *d = logdoc_new_stream();
    char err[ERRLEN];
    struct buf all = {0};
    const char *chunks[] = {"alpha\nbe", "ta\n", "gam", "ma", "\r\ndelta\n", "", "eps"};
    for (size_t i = 0; i < sizeof chunks / sizeof *chunks; i++) {
        ck_assert_int_eq(logdoc_append(d, chunks[i], strlen(chunks[i]), err, sizeof err), 0);
        buf_puts(&all, chunks[i]);
        while (logdoc_index_step(d, 2)) {}
        check_against_ref(d, all.p, all.len);
    }
    ck_assert_int_eq(logdoc_lines(d), 5);
    /* bulk growth past many checkpoints and remaps */
    int fails = 0;
    for (int i = 0; i < 100000; i++) {
        char line[64];
        int k = snprintf(line, sizeof line, "\nline %d", i);
        fails += logdoc_append(d, line, (size_t)k, err, sizeof err) != 0;
        buf_append(&all, line, (size_t)k);
        if (i % 9973 == 0) while (logdoc_index_step(d, 1 << 16)) {}
    }
    while (logdoc_index_step(d, 1 << 16)) {}
    ck_assert_int_eq(fails, 0);
    check_against_ref(d, all.p, all.len);
    buf_free(&all);
    logdoc_free(d);
}
END_TEST

static int64_t search_all(struct logdoc *d, struct logsearch *s)
{
    int64_t hit = -1;
    int rc;
    while ((rc = logdoc_search_step(d, s, 4096, &hit)) == 0) {}
    return rc == 1 ? hit : -1;
}

START_TEST(search_forward_backward_and_cycles)
{
    struct buf b = {0};
    for (int i = 0; i < 50000; i++) {
        if (i == 10 || i == 30000 || i == 49999) buf_printf(&b, "%d ERROR: posix_spawn 'git' failed\n", i);
        else buf_printf(&b, "%d info: ok step\n", i);
    }
    char err[ERRLEN];
    struct logdoc *d = logdoc_new_bytes(b.p, b.len, err, sizeof err);
    while (logdoc_index_step(d, 1 << 20)) {}
    struct logre *re = logre_compile("posix_spawn", err, sizeof err);
    ck_assert_ptr_nonnull(re);
    struct logsearch s = {0};
    logdoc_search_begin(d, &s, re, -1, true);
    ck_assert_int_eq(search_all(d, &s), 10);
    ck_assert_int_eq(search_all(d, &s), 30000);
    ck_assert_int_eq(search_all(d, &s), 49999);
    ck_assert_int_eq(search_all(d, &s), -1);
    /* n from a line: the next hit after it, not the line itself */
    logdoc_search_begin(d, &s, re, 30000, true);
    ck_assert_int_eq(search_all(d, &s), 49999);
    /* backward from the end and from a hit */
    logdoc_search_begin(d, &s, re, logdoc_lines(d), false);
    ck_assert_int_eq(search_all(d, &s), 49999);
    ck_assert_int_eq(search_all(d, &s), 30000);
    ck_assert_int_eq(search_all(d, &s), 10);
    ck_assert_int_eq(search_all(d, &s), -1);
    logdoc_search_begin(d, &s, re, 30000, false);
    ck_assert_int_eq(search_all(d, &s), 10);
    logre_free(re);
    /* smart case and anchors */
    re = logre_compile("^30000 error", err, sizeof err);
    logdoc_search_begin(d, &s, re, -1, true);
    ck_assert_int_eq(search_all(d, &s), 30000);
    logre_free(re);
    re = logre_compile("^30000 Error", err, sizeof err);
    logdoc_search_begin(d, &s, re, -1, true);
    ck_assert_int_eq(search_all(d, &s), -1);
    logre_free(re);
    re = logre_compile("failed$", err, sizeof err);
    logdoc_search_begin(d, &s, re, 10, true);
    ck_assert_int_eq(search_all(d, &s), 30000);
    logre_free(re);
    /* a bad pattern names itself */
    ck_assert_ptr_null(logre_compile("a(b", err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "a(b"));
    logsearch_free(&s);
    logdoc_free(d);
    buf_free(&b);
}
END_TEST

START_TEST(search_in_lines_with_nul_and_long_lines)
{
    size_t n;
    char *data = make_log(&n, false);
    char err[ERRLEN];
    struct logdoc *d = logdoc_new_bytes(data, n, err, sizeof err);
    while (logdoc_index_step(d, 1 << 20)) {}
    struct logre *re = logre_compile("inside", err, sizeof err);
    struct logsearch s = {0};
    logdoc_search_begin(d, &s, re, -1, true);
    int64_t hit = search_all(d, &s);
    ck_assert_int_ge(hit, 0);
    const char *p;
    size_t len;
    logdoc_line(d, hit, &p, &len, NULL);
    ck_assert(memmem(p, len, "inside", 6) != NULL);
    logre_free(re);
    re = logre_compile("without newline$", err, sizeof err);
    logdoc_search_begin(d, &s, re, -1, true);
    ck_assert_int_eq(search_all(d, &s), logdoc_lines(d) - 1);
    logre_free(re);
    re = logre_compile("xyz", err, sizeof err);   /* inside the 1 MiB lines */
    logdoc_search_begin(d, &s, re, -1, true);
    hit = search_all(d, &s);
    ck_assert_int_ge(hit, 0);
    logdoc_line(d, hit, &p, &len, NULL);
    ck_assert_uint_gt(len, 1u << 20);
    logre_free(re);
    logsearch_free(&s);
    logdoc_free(d);
    free(data);
}
END_TEST

START_TEST(filter_collects_and_follows_growth)
{
    struct logdoc *d = logdoc_new_stream();
    char err[ERRLEN];
    struct logre *re = logre_compile("warn|fail", err, sizeof err);
    struct logfilter f;
    logfilter_init(&f, re);
    const char *text = "ok\nwarn one\nok\nfail two fail\nok\nwar";
    logdoc_append(d, text, strlen(text), err, sizeof err);
    while (logdoc_index_step(d, 5)) {}
    while (logfilter_step(d, &f, 4)) {}
    ck_assert_uint_eq(f.n, 2);
    ck_assert_int_eq(f.lines[0], 1);
    ck_assert_int_eq(f.lines[1], 3);
    /* the unterminated "war" becomes "warn three" */
    logdoc_append(d, "n three\nok\n", 11, err, sizeof err);
    while (logdoc_index_step(d, 5)) {}
    while (logfilter_step(d, &f, 4)) {}
    ck_assert_uint_eq(f.n, 3);
    ck_assert_int_eq(f.lines[2], 5);
    logfilter_free(&f);
    logre_free(re);
    logdoc_free(d);
}
END_TEST

/* k9s's /!: the lines the pattern misses, across slices and growth */
START_TEST(filter_inverted_keeps_the_other_lines)
{
    struct logdoc *d = logdoc_new_stream();
    char err[ERRLEN];
    struct logre *re = logre_compile("warn|fail", err, sizeof err);
    struct logfilter f;
    logfilter_init(&f, re);
    f.invert = true;
    const char *text = "ok\nwarn one\nok\nfail two fail\nok\nwar";
    logdoc_append(d, text, strlen(text), err, sizeof err);
    while (logdoc_index_step(d, 5)) {}
    while (logfilter_step(d, &f, 4)) {}
    ck_assert_uint_eq(f.n, 3);
    ck_assert_int_eq(f.lines[0], 0);
    ck_assert_int_eq(f.lines[1], 2);
    ck_assert_int_eq(f.lines[2], 4);
    logdoc_append(d, "n three\nok\nok\n", 14, err, sizeof err);
    while (logdoc_index_step(d, 5)) {}
    while (logfilter_step(d, &f, 4)) {}
    ck_assert_uint_eq(f.n, 5);
    ck_assert_int_eq(f.lines[3], 6);
    ck_assert_int_eq(f.lines[4], 7);
    logfilter_free(&f);
    logre_free(re);
    logdoc_free(d);
}
END_TEST

START_TEST(timestamp_prefix)
{
    const char *a = "2026-02-25T09:12:40.123456789Z hello";
    ck_assert_uint_eq(logdoc_ts_prefix(a, strlen(a)), 31);
    const char *b = "2026-02-25T09:12:40Z x";
    ck_assert_uint_eq(logdoc_ts_prefix(b, strlen(b)), 21);
    const char *c = "2026-02-25T09:12:40+02:00 x";
    ck_assert_uint_eq(logdoc_ts_prefix(c, strlen(c)), 26);
    const char *bad[] = {"2026-02-25 09:12:40Z x", "2026-02-25T09:12:40Zx", "hello world",
                         "2026-02-25T09:12:40.Z x", "2026-02-25T09:12:40Z", ""};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        ck_assert_uint_eq(logdoc_ts_prefix(bad[i], strlen(bad[i])), 0);
}
END_TEST

static int to_doc(void *ud, const char *line, size_t len, bool newline)
{
    char err[ERRLEN];
    if (logdoc_append(ud, line, len, err, sizeof err) != 0) return -1;
    return newline ? logdoc_append(ud, "\n", 1, err, sizeof err) : 0;
}

START_TEST(follow_join_across_reconnects)
{
    struct logdoc *d = logdoc_new_stream();
    struct logjoin j;
    logjoin_init(&j);
    ck_assert_ptr_null(logjoin_reconnect(&j));
    const char *c1 = "2026-02-25T09:00:00.1Z a\n2026-02-25T09:00:01.5Z b\n"
                     "2026-02-25T09:00:01.5Z b2\n2026-02-25T09:00:01.7Z c\n2026-02-25T09:00:01.7Z c";
    ck_assert_int_eq(logjoin_feed(&j, c1, strlen(c1), to_doc, d), 0);
    /* connection drops in the middle of a line */
    ck_assert_int_eq(logjoin_end(&j, false, to_doc, d), 0);
    const char *since = logjoin_reconnect(&j);
    ck_assert_str_eq(since, "2026-02-25T09:00:01Z");
    /* the server repeats everything from 09:00:01 */
    const char *c2 = "2026-02-25T09:00:01.5Z b\n2026-02-25T09:00:01.5Z b2\n"
                     "2026-02-25T09:00:01.7Z c\n2026-02-25T09:00:01.7Z c2\n2026-02-25T09:00:02Z d\n";
    for (size_t i = 0; i < strlen(c2); i++)    /* byte by byte */
        ck_assert_int_eq(logjoin_feed(&j, c2 + i, 1, to_doc, d), 0);
    since = logjoin_reconnect(&j);
    ck_assert_str_eq(since, "2026-02-25T09:00:02Z");
    const char *c3 = "2026-02-25T09:00:02Z d\n2026-02-25T09:00:03Z e";
    ck_assert_int_eq(logjoin_feed(&j, c3, strlen(c3), to_doc, d), 0);
    ck_assert_int_eq(logjoin_end(&j, true, to_doc, d), 0);
    while (logdoc_index_step(d, 1 << 20)) {}
    const char *want[] = {" a", " b", " b2", " c", " c2", " d", " e"};
    ck_assert_int_eq(logdoc_lines(d), 7);
    for (int i = 0; i < 7; i++) {
        const char *p;
        size_t len;
        logdoc_line(d, i, &p, &len, NULL);
        size_t tl = logdoc_ts_prefix(p, len);
        ck_assert_uint_gt(tl, 0);
        ck_assert_uint_eq(len - tl + 1, strlen(want[i]));
        ck_assert(memcmp(p + tl - 1, want[i], len - tl + 1) == 0);
    }
    ck_assert_int_eq(j.dropped, 4);
    logjoin_free(&j);
    logdoc_free(d);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("logdoc");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, index_matches_naive_split_at_any_slice, 0, 2);
    tcase_add_test(tc, first_screen_before_index_is_complete);
    tcase_add_test(tc, filter_inverted_keeps_the_other_lines);
    tcase_add_test(tc, file_map_and_errors);
    tcase_add_test(tc, stream_grows_and_tail_line_extends);
    tcase_add_test(tc, search_forward_backward_and_cycles);
    tcase_add_test(tc, search_in_lines_with_nul_and_long_lines);
    tcase_add_test(tc, filter_collects_and_follows_growth);
    tcase_add_test(tc, timestamp_prefix);
    tcase_add_test(tc, follow_join_across_reconnects);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
