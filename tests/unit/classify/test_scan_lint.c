/* The scan lint and the `scan apart` database. A pattern with no literal
 * the scanner can look for, and no near gate, is run whole by Hyperscan
 * over every byte of every log; a few such patterns with one- or two-byte
 * factors slowed the whole scan by half (issue #15). The lint names each
 * one that no `scan whole|apart REASON` line allows, the shipped rules
 * must pass it, and an apart pattern must still find every line it
 * matches, from its own database, cached or not. */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "classify/classify.h"
#include "classify/internal.h" /* the scanner's databases */
#include "side_db_cache.h"
#include "util/buf.h"
#include "util/err.h"

static struct classify_rules *parse(const char *text, struct buf *warn)
{
    struct classify_rules *rs = classify_rules_new();
    classify_rules_add_text(rs, "lint.rules", text, strlen(text), warn);
    return rs;
}

/* The lint's count for one rule text, its messages in *msg (freed by the caller). */
static size_t lint_of(const char *text, struct buf *msg)
{
    struct buf warn = {0};
    struct classify_rules *rs = parse(text, &warn);
    ck_assert_msg(warn.len == 0, "%s", warn.p);
    buf_free(&warn);
    size_t n = classify_rules_lint_scan(rs, msg);
    classify_rules_free(rs);
    return n;
}

START_TEST(shipped_rules_pass_the_lint)
{
    const char *src = getenv("ARTRIAGE_SRC");
    ck_assert_ptr_nonnull(src);
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/data/rules", src);
    struct buf warn = {0}, msg = {0};
    struct classify_rules *rs = classify_rules_new();
    char err[ERRLEN];
    ck_assert_msg(classify_rules_add_dir(rs, dir, &warn, err, sizeof err) >= 0, "%s", err);
    ck_assert_msg(warn.len == 0, "%s", warn.p);
    size_t n = classify_rules_lint_scan(rs, &msg);
    /* Check limits its message's size: the list goes to stderr */
    if (n) fprintf(stderr, "%s", msg.p);
    ck_assert_msg(n == 0, "%zu rule pattern(s) the scanner would run whole over every log (listed above, each "
                          "with what to do)", n);
    classify_rules_free(rs);
    buf_free(&warn);
    buf_free(&msg);
}
END_TEST

START_TEST(lint_names_what_to_fix)
{
    struct buf msg = {0};
    /* no plain run of three bytes: named, with what to do */
    ck_assert_uint_eq(lint_of("rule code-line\nclass build.compile\nmatch ^\\s*QX\\d{3}: \\S\n", &msg), 1);
    ck_assert_ptr_nonnull(strstr(msg.p, "lint.rules:3: rule code-line: pattern `^\\s*QX\\d{3}: \\S`"));
    ck_assert_ptr_nonnull(strstr(msg.p, "scan whole REASON"));
    ck_assert_ptr_nonnull(strstr(msg.p, "scan apart REASON"));
    ck_assert_ptr_nonnull(strstr(msg.p, "near N"));
    msg.len = 0;
    /* literals that are numbers only, or a common word: named too */
    ck_assert_uint_eq(lint_of("rule num\nclass network\nmatch \\bcode\\D{0,9}\\b(502|504)\\b\n", &msg), 1);
    ck_assert_ptr_nonnull(strstr(msg.p, "too common or numbers only"));
    ck_assert_uint_eq(lint_of("rule word\nclass network\nmatch ^\\s*error \\d+\n", NULL), 1);
    /* a near pattern is scanned as any other: it needs a literal too */
    ck_assert_uint_eq(lint_of("rule n\nclass network\nmatch zork refused\nnear 2 ^\\s*\\d+ \\S\n", NULL), 1);
    /* allowed by a scan line, with its reason */
    ck_assert_uint_eq(lint_of("rule a\nclass build.compile\nmatch ^\\s*QX\\d{3}: \\S\n"
                              "scan apart two-byte factors only\n",
                              NULL),
                      0);
    ck_assert_uint_eq(lint_of("rule w\nclass network\nmatch \\bcode\\D{0,9}\\b(502|504)\\b\n"
                              "# a comment between is fine\n"
                              "scan whole the numbers alone are on every other line\n",
                              NULL),
                      0);
    /* a rare literal needs nothing, and a gated match pattern neither */
    ck_assert_uint_eq(lint_of("rule lit\nclass network\nmatch zorkfail \\d+\n", NULL), 0);
    ck_assert_uint_eq(lint_of("rule g\nclass test.failure\nmatch ^\\s{2,}\\w+:\\d+\nnear 1 ^Failed zorktests:\n", NULL), 0);
    /* a scan line where none is needed is named: marks must not go stale */
    msg.len = 0;
    ck_assert_uint_eq(lint_of("rule lit\nclass network\nmatch zorkfail \\d+\nscan whole no reason\n", &msg), 1);
    ck_assert_ptr_nonnull(strstr(msg.p, "needs none"));
    buf_free(&msg);
}
END_TEST

START_TEST(scan_line_syntax)
{
    static const char *const bad[] = {
        "rule x\nclass network\nmatch ^\\s*\\d+ \\S\nscan whole\n",        /* no reason */
        "rule x\nclass network\nmatch ^\\s*\\d+ \\S\nscan fast because\n", /* no such mode */
        "rule x\nclass network\nscan whole because\nmatch ^\\s*\\d+ \\S\n", /* before any pattern */
        "rule x\nclass network\nmatch a\\d+b\nunless zz\nscan whole because\n", /* after an unless */
        "rule x\nclass network\nmatch ^\\s*\\d+ \\S\nscan whole a\nscan apart b\n", /* twice */
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct buf warn = {0};
        struct classify_rules *rs = parse(bad[i], &warn);
        ck_assert_msg(warn.len > 0 && strstr(warn.p, "scan"), "case %zu: %s", i, warn.p ? warn.p : "(no warning)");
        ck_assert_uint_eq(classify_rules_count(rs), 0); /* the rule is skipped */
        classify_rules_free(rs);
        buf_free(&warn);
    }
}
END_TEST

/* An apart pattern (and a plain one beside it) over a log of several
 * pieces, in blocks scanned on two threads and fed in small chunks: the
 * findings are those of the fallback scanner, and of the same rules with
 * the pattern whole in the main database. */
static const char apart_rules_fmt[] = "rule code-line\nclass build.compile\nweight 85\ncase\n"
                                      "match ^\\s*QX\\d{4}: \\S\n%s"
                                      "rule other\nclass network\nweight 80\nmatch zorkrefused\n";

static struct classify_rules *apart_rules(const char *mark, const char *scanner)
{
    setenv("ARTRIAGE_CLASSIFY_CACHE", "0", 1);
    if (scanner) setenv("ARTRIAGE_CLASSIFY_SCANNER", scanner, 1);
    char text[512];
    snprintf(text, sizeof text, apart_rules_fmt, mark);
    struct buf warn = {0};
    struct classify_rules *rs = parse(text, &warn);
    char err[ERRLEN];
    ck_assert_msg(classify_rules_compile(rs, &warn, err, sizeof err) == 0, "%s", err);
    ck_assert_msg(warn.len == 0, "%s", warn.p);
    unsetenv("ARTRIAGE_CLASSIFY_SCANNER");
    buf_free(&warn);
    return rs;
}

static struct classify_result *classify_chunks(const struct classify_rules *rs, const char *p, size_t n,
                                               size_t chunk, bool one_thread)
{
    if (one_thread) setenv("ARTRIAGE_CLASSIFY_THREADS", "1", 1);
    struct classify_ctx *c = classify_new(rs, CLASSIFY_OUTCOME_FAILED);
    for (size_t at = 0; at < n; at += chunk) classify_feed(c, p + at, n - at < chunk ? n - at : chunk);
    struct classify_result *r = classify_finish(c);
    classify_free(c);
    unsetenv("ARTRIAGE_CLASSIFY_THREADS");
    return r;
}

START_TEST(apart_pattern_finds_every_line)
{
    struct buf log = {0};
    unsigned x = 4242;
    int line = 0;
    while (log.len < 3u * 1024 * 1024) {
        line++;
        x = x * 1103515245u + 12345u;
        unsigned v = (x >> 16) % 4001;
        if (v == 0) buf_printf(&log, "    QX%04u: Argument of type 'string' is wrong\n", x % 10000);
        else if (v == 1) buf_printf(&log, "connect zorkrefused %u\n", x % 1000);
        else if (v == 2) buf_printf(&log, "qx%04u: lower case, not matched (case)\n", x % 10000);
        else if (v == 3) buf_printf(&log, "2026-03-10T09:00:00.000Z QX%04u: after a stamp\n", x % 10000);
        else buf_printf(&log, "ordinary build output line %d, QX12 and qx 1234: nothing\n", line);
    }
    struct classify_result *want = NULL;
    /* the fallback scanner first, then Hyperscan with the pattern whole, then apart */
    const char *marks[] = {"", "", "scan apart short factors only\n"};
    for (int m = 0; m < 3; m++) {
        struct classify_rules *rs = apart_rules(marks[m], m == 0 ? "pcre2" : NULL);
#ifdef HAVE_HYPERSCAN
        if (m == 2) ck_assert_ptr_nonnull(rs->adb); /* a database of its own */
        if (m == 1) ck_assert_ptr_null(rs->adb);
#endif
        for (int how = 0; how < 3; how++) {
            struct classify_result *r = how == 0   ? classify_chunks(rs, log.p, log.len, log.len, false)
                                        : how == 1 ? classify_chunks(rs, log.p, log.len, log.len, true)
                                                   : classify_chunks(rs, log.p, log.len, 7919, false);
            ck_assert_int_eq(r->lines, line);
            if (!want) {
                want = r;
                ck_assert_uint_gt(want->nfindings, 10);
                bool code = false;
                for (size_t k = 0; k < want->nfindings; k++)
                    code |= strcmp(want->findings[k].rule_id, "code-line") == 0;
                ck_assert(code);
                continue;
            }
            ck_assert_uint_eq(r->nfindings, want->nfindings);
            for (size_t k = 0; k < r->nfindings; k++) {
                ck_assert_int_eq(r->findings[k].line, want->findings[k].line);
                ck_assert_str_eq(r->findings[k].rule_id, want->findings[k].rule_id);
            }
            classify_result_free(r);
        }
        classify_rules_free(rs);
    }
    classify_result_free(want);
    buf_free(&log);
}
END_TEST

/* The apart database is cached beside the main one; a cache without it is
 * compiled afresh (and its pattern still finds its line). */
static size_t apart_findings(void)
{
    char text[512];
    snprintf(text, sizeof text, apart_rules_fmt, "scan apart short factors only\n");
    struct buf warn = {0};
    struct classify_rules *rs = parse(text, &warn);
    char err[ERRLEN];
    ck_assert_msg(classify_rules_compile(rs, &warn, err, sizeof err) == 0, "%s", err);
    buf_free(&warn);
    static const char log[] = "start\n  QX2345: Argument of type\nend\n";
    struct classify_ctx *c = classify_new(rs, CLASSIFY_OUTCOME_FAILED);
    classify_feed(c, log, sizeof log - 1);
    struct classify_result *r = classify_finish(c);
    classify_free(c);
    size_t n = r->nfindings;
    if (n) ck_assert_int_eq(r->findings[0].line, 2);
    classify_result_free(r);
    classify_rules_free(rs);
    return n;
}

START_TEST(apart_database_cached)
{
#ifdef HAVE_HYPERSCAN
    side_database_cached("-apart.hsdb", apart_findings, 1);
#endif
}
END_TEST

int main(void)
{
    Suite *s = suite_create("scan_lint");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, shipped_rules_pass_the_lint);
    tcase_add_test(tc, lint_names_what_to_fix);
    tcase_add_test(tc, scan_line_syntax);
    tcase_add_test(tc, apart_pattern_finds_every_line);
    tcase_add_test(tc, apart_database_cached);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
