/* PCRE2 limits and rule files that are not files: a catastrophic user
 * pattern gives up on a line (which then counts as no match for it) instead
 * of taking seconds per line, the scan of the rest of the block goes on so
 * later causes are still found, and the rule is named once; a *.rules path
 * that is a FIFO is skipped with a warning instead of hanging the load.
 * Run under both scanners (ARTRIAGE_CLASSIFY_SCANNER=pcre2 forces PCRE2). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "classify/classify.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/timeutil.h"

static const char rules_text[] =
    "rule slow-user-rule\n"
    "class team.slow\n"
    "match (a+)+\\bd\n"
    "\n"
    "rule ts-error\n"
    "class build.compile\n"
    "weight 85\n"
    "match error TS\\d{4}\n";

static void limits_under(const char *scanner)
{
    setenv("ARTRIAGE_CLASSIFY_SCANNER", scanner, 1);
    setenv("ARTRIAGE_CLASSIFY_CACHE", "0", 1);
    struct buf warn = {0};
    struct classify_rules *rs = classify_rules_new();
    classify_rules_add_text(rs, "user.rules", rules_text, sizeof rules_text - 1, &warn);
    char err[ERRLEN];
    ck_assert_msg(classify_rules_compile(rs, &warn, err, sizeof err) == 0, "%s", err);
    ck_assert_str_eq(classify_rules_engine(rs), scanner);
    /* 200 lines that make (a+)+\\bd backtrack exponentially, then the cause */
    struct buf log = {0};
    for (int i = 0; i < 200; i++) buf_puts(&log, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaac ad\n");
    buf_puts(&log, "src/x.ts(3,1): error TS2304: Cannot find name 'y'.\n");
    int64_t t0 = time_mono_ms();
    struct classify_ctx *c = classify_new(rs, CLASSIFY_OUTCOME_FAILED);
    classify_feed(c, log.p, log.len);
    struct classify_result *r = classify_finish(c);
    int64_t ms = time_mono_ms() - t0;
    ck_assert_msg(r->has_primary && strcmp(r->primary.class_id, "build.compile") == 0,
                  "%s: the cause after the slow lines is found (primary %s)", scanner,
                  r->has_primary ? r->primary.class_id : "none");
    ck_assert_int_eq(r->primary.line, 201);
    ck_assert_msg(r->notes != NULL, "%s: the rule that gave up is named", scanner);
    const char *first = strstr(r->notes, "rule slow-user-rule");
    ck_assert_ptr_nonnull(first);
    ck_assert_ptr_null(strstr(first + 1, "rule slow-user-rule")); /* once */
    ck_assert_ptr_null(strstr(r->notes, "ts-error"));
    ck_assert_msg(ms < 20000, "%s: 200 catastrophic lines took %lld ms", scanner, (long long)ms);
    classify_result_free(r);
    classify_free(c);
    classify_rules_free(rs);
    buf_free(&log);
    buf_free(&warn);
}

START_TEST(catastrophic_rule_pcre2)
{
    limits_under("pcre2");
}
END_TEST

START_TEST(catastrophic_rule_hyperscan)
{
    struct classify_rules *probe = classify_rules_new();
    classify_rules_add_text(probe, "p.rules", rules_text, sizeof rules_text - 1, NULL);
    unsetenv("ARTRIAGE_CLASSIFY_SCANNER");
    char err[ERRLEN];
    ck_assert(classify_rules_compile(probe, NULL, err, sizeof err) == 0);
    bool have_hs = strcmp(classify_rules_engine(probe), "hyperscan") == 0;
    classify_rules_free(probe);
    if (have_hs) limits_under("hyperscan");
}
END_TEST

START_TEST(fifo_rule_file_does_not_hang)
{
    char dir[] = "/tmp/artriage-rules-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char fifo[300], ok[300];
    snprintf(fifo, sizeof fifo, "%s/10-pipe.rules", dir);
    snprintf(ok, sizeof ok, "%s/20-ok.rules", dir);
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    FILE *f = fopen(ok, "w");
    fputs(rules_text, f);
    fclose(f);
    struct classify_rules *rs = classify_rules_new();
    struct buf warn = {0};
    char err[ERRLEN];
    int added = classify_rules_add_dir(rs, dir, &warn, err, sizeof err);
    ck_assert_int_eq(added, 2); /* the regular file still loads */
    ck_assert_ptr_nonnull(warn.p);
    ck_assert_ptr_nonnull(strstr(warn.p, "10-pipe.rules"));
    ck_assert_ptr_nonnull(strstr(warn.p, "not a regular file"));
    ck_assert_int_eq(classify_rules_add_file(rs, "/dev/zero", &warn, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "not a regular file"));
    classify_rules_free(rs);
    buf_free(&warn);
    unlink(fifo);
    unlink(ok);
    rmdir(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rule_limits");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, catastrophic_rule_pcre2);
    tcase_add_test(tc, catastrophic_rule_hyperscan);
    tcase_add_test(tc, fifo_rule_file_does_not_hang);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
