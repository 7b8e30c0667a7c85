/* Unit tests for src/classify: streaming (chunk boundaries, CRLF, ANSI,
 * NUL, invalid UTF-8, huge lines), rule files (errors with file:line, user
 * classes, near/unless, versions), status signals and ranking. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "classify/classify.h"
#include "util/buf.h"
#include "util/xalloc.h"

static struct classify_rules *shipped; /* loaded once in main, shared read-only */

static const char small_rules[] =
    "# test rules\n"
    "rule cannot-find-module\n"
    "class runtime.missing-module\n"
    "weight 90\n"
    "match Cannot find module\n"
    "hint install it\n"
    "\n"
    "rule ts-error\n"
    "class build.compile\n"
    "weight 85\n"
    "match error TS\\d{4}\n"
    "\n"
    "rule net\n"
    "class network\n"
    "weight 88\n"
    "match ECONNREFUSED\n"
    "\n"
    "rule crash\n"
    "class runtime.crash\n"
    "weight 92\n"
    "match Segmentation fault\n"
    "\n"
    "rule pr-fail\n"
    "class vcs.pr-create\n"
    "weight 20\n"
    "match failed to create pull request\n"
    "\n"
    "rule exit\n"
    "class @failure\n"
    "match exit(ed)? (with )?(code|status) [1-9]\n"
    "\n"
    "rule ok\n"
    "class @success\n"
    "match run succeeded\n"
    "\n"
    "rule retry\n"
    "class @retry\n"
    "match retrying\n"
    "\n"
    "rule team-flaky\n"
    "class team.flaky-db\n"
    "weight 80\n"
    "match database is warming up\n"
    "near 3 connection pool exhausted\n"
    "hint team rule\n"
    "\n"
    "rule assert\n"
    "class test.failure\n"
    "weight 60\n"
    "match AssertionError\n"
    "unless expected failure\n";

static struct classify_rules *rules_from(const char *text, struct buf *warn)
{
    struct classify_rules *rs = classify_rules_new();
    classify_rules_add_text(rs, "test.rules", text, strlen(text), warn);
    char err[512];
    ck_assert_msg(classify_rules_compile(rs, warn, err, sizeof err) == 0, "%s", err);
    return rs;
}

static struct classify_result *run(const struct classify_rules *rs, enum classify_outcome o,
                                   const char *log, size_t n)
{
    struct classify_ctx *c = classify_new(rs, o);
    classify_feed(c, log, n);
    struct classify_result *r = classify_finish(c);
    classify_free(c);
    return r;
}

/* Classifies log (n bytes) and checks the primary's class and line; the
 * message names what came instead and the rule that named it. */
static void expect_primary(const struct classify_rules *rs, enum classify_outcome o, const char *log, size_t n,
                           const char *want_class, int64_t want_line)
{
    struct classify_result *r = run(rs, o, log, n);
    ck_assert_msg(r->has_primary && strcmp(r->primary.class_id, want_class) == 0 && r->primary.line == want_line,
                  "want %s line %lld, got %s line %lld (rule %s) for:\n%.*s", want_class, (long long)want_line,
                  r->has_primary ? r->primary.class_id : "-", (long long)r->primary.line,
                  r->primary.rule_id ? r->primary.rule_id : "-", (int)n, log);
    classify_result_free(r);
}

static void same_result(const struct classify_result *a, const struct classify_result *b, size_t cut)
{
    ck_assert_msg(a->has_primary == b->has_primary, "primary differs at cut %zu", cut);
    ck_assert_int_eq(a->lines, b->lines);
    ck_assert_int_eq(a->bytes, b->bytes);
    ck_assert_uint_eq(a->nfindings, b->nfindings);
    if (a->has_primary) {
        ck_assert_str_eq(a->primary.class_id, b->primary.class_id);
        ck_assert_msg(a->primary.line == b->primary.line, "line %lld vs %lld at cut %zu",
                      (long long)a->primary.line, (long long)b->primary.line, cut);
        ck_assert_int_eq(a->primary.offset, b->primary.offset);
        ck_assert_str_eq(a->primary.text ? a->primary.text : "", b->primary.text ? b->primary.text : "");
    }
    for (size_t i = 0; i < a->nfindings; i++) {
        ck_assert_int_eq(a->findings[i].line, b->findings[i].line);
        ck_assert_str_eq(a->findings[i].rule_id, b->findings[i].rule_id);
    }
}

START_TEST(chunk_boundaries_every_offset)
{
    struct classify_rules *rs = rules_from(small_rules, NULL);
    const char log[] = "[agent] start\r\n"
                       "\x1b[31mError: Cannot find module 'x'\x1b[0m\r\n"
                       "  at require\n"
                       "exited with code 1\n"
                       "last line without newline ECONNREFUSED";
    size_t n = sizeof log - 1;
    struct classify_result *whole = run(rs, CLASSIFY_OUTCOME_FAILED, log, n);
    ck_assert(whole->has_primary);
    ck_assert_str_eq(whole->primary.class_id, "runtime.missing-module");
    ck_assert_int_eq(whole->primary.line, 2);
    ck_assert_int_eq(whole->primary.offset, 15);
    ck_assert_str_eq(whole->primary.text, "\x1b[31mError: Cannot find module 'x'\x1b[0m");
    ck_assert_int_eq(whole->lines, 5);
    ck_assert_int_eq(whole->bytes, (int64_t)n);
    ck_assert_uint_eq(whole->nfindings, 2);
    ck_assert_int_eq(whole->findings[1].line, 5);
    for (size_t cut = 0; cut <= n; cut++) {
        struct classify_ctx *c = classify_new(rs, CLASSIFY_OUTCOME_FAILED);
        classify_feed(c, log, cut);
        classify_feed(c, log + cut, n - cut);
        struct classify_result *r = classify_finish(c);
        same_result(whole, r, cut);
        classify_result_free(r);
        classify_free(c);
    }
    /* one byte at a time */
    struct classify_ctx *c = classify_new(rs, CLASSIFY_OUTCOME_FAILED);
    for (size_t i = 0; i < n; i++) classify_feed(c, log + i, 1);
    struct classify_result *r = classify_finish(c);
    same_result(whole, r, 1);
    classify_result_free(r);
    classify_free(c);
    classify_result_free(whole);
    classify_rules_free(rs);
}
END_TEST

START_TEST(nul_and_invalid_utf8)
{
    struct classify_rules *rs = rules_from(small_rules, NULL);
    const char log[] = "ok\n\xff\xfe\x00junk\x00 Segmentation fault \xc3\x28\n";
    struct classify_result *r = run(rs, CLASSIFY_OUTCOME_FAILED, log, sizeof log - 1);
    ck_assert(r->has_primary);
    ck_assert_str_eq(r->primary.class_id, "runtime.crash");
    ck_assert_int_eq(r->primary.line, 2);
    /* NUL bytes are replaced so the text stays one C string */
    ck_assert_ptr_nonnull(strstr(r->primary.text, "\xef\xbf\xbdjunk\xef\xbf\xbd Segmentation"));
    classify_result_free(r);
    classify_rules_free(rs);
}
END_TEST

/* A log a Windows shell redirected arrives as UTF-16LE: the evidence line is
 * shown decoded (no NUL between letters, no byte order mark, no CR), and a
 * character beyond ASCII and beyond the BMP keeps its meaning. */
START_TEST(utf16le_evidence_decoded)
{
    struct classify_rules *rs = rules_from(small_rules, NULL);
    const char *lines[] = {"\xef\xbb\xbfinstall \xc3\xa9tape", "node \xf0\x9f\x9a\x80 build",
                           "Error: Cannot find module 'left-pad'"};
    /* each line's code points (all below U+10000 except the rocket) as UTF-16LE, CRLF ends */
    unsigned char log[512];
    size_t n = 0;
    for (size_t l = 0; l < 3; l++) {
        const unsigned char *u = (const unsigned char *)lines[l];
        if (l == 0) u += 3; /* the BOM is written as FF FE below */
        if (l == 0) {
            log[n++] = 0xff;
            log[n++] = 0xfe;
        }
        while (*u) {
            uint32_t cp;
            if (*u < 0x80) {
                cp = *u++;
            } else if ((*u & 0xe0) == 0xc0) {
                cp = (uint32_t)(u[0] & 0x1f) << 6 | (u[1] & 0x3f);
                u += 2;
            } else {
                cp = (uint32_t)(u[0] & 0x07) << 18 | (uint32_t)(u[1] & 0x3f) << 12 | (uint32_t)(u[2] & 0x3f) << 6 |
                     (u[3] & 0x3f);
                u += 4;
            }
            if (cp >= 0x10000) {
                uint32_t v = cp - 0x10000, hi = 0xd800 | v >> 10, lo = 0xdc00 | (v & 0x3ff);
                log[n++] = (unsigned char)hi;
                log[n++] = (unsigned char)(hi >> 8);
                log[n++] = (unsigned char)lo;
                log[n++] = (unsigned char)(lo >> 8);
            } else {
                log[n++] = (unsigned char)cp;
                log[n++] = (unsigned char)(cp >> 8);
            }
        }
        const unsigned char crlf[] = {'\r', 0, '\n', 0};
        memcpy(log + n, crlf, 4);
        n += 4;
    }
    struct classify_result *r = run(rs, CLASSIFY_OUTCOME_FAILED, (const char *)log, n);
    ck_assert(r->has_primary);
    ck_assert_str_eq(r->primary.class_id, "runtime.missing-module");
    ck_assert_int_eq(r->primary.line, 3);
    ck_assert_str_eq(r->primary.text, "Error: Cannot find module 'left-pad'");
    classify_result_free(r);
    /* the same decoding for any line: the first, with its mark and accent */
    static const char line1_rules[] = "rule etape\nclass runtime.crash\nmatch install\n";
    struct classify_rules *rs1 = rules_from(line1_rules, NULL);
    r = run(rs1, CLASSIFY_OUTCOME_FAILED, (const char *)log, n);
    ck_assert(r->has_primary);
    ck_assert_int_eq(r->primary.line, 1);
    ck_assert_str_eq(r->primary.text, "install \xc3\xa9tape");
    classify_result_free(r);
    classify_rules_free(rs1);
    classify_rules_free(rs);
}
END_TEST

START_TEST(huge_line_bounded)
{
    struct classify_rules *rs = rules_from(small_rules, NULL);
    size_t n = 8u * 1024 * 1024;
    char *log = xmalloc(n + 64);
    memset(log, 'a', n);
    memcpy(log + n - 30, " Segmentation fault\n", 20);
    size_t len = n - 10;
    memcpy(log + len, "next ECONNREFUSED\n", 18);
    len += 18;
    /* all at once, and in 4 KiB pieces: both find the crash at the end */
    for (int mode = 0; mode < 2; mode++) {
        struct classify_ctx *c = classify_new(rs, CLASSIFY_OUTCOME_FAILED);
        if (mode == 0) {
            classify_feed(c, log, len);
        } else {
            for (size_t i = 0; i < len; i += 4096)
                classify_feed(c, log + i, len - i < 4096 ? len - i : 4096);
        }
        struct classify_result *r = classify_finish(c);
        ck_assert(r->has_primary);
        ck_assert_str_eq(r->primary.class_id, "runtime.crash");
        ck_assert_int_eq(r->primary.line, 1);
        ck_assert_int_eq(r->primary.offset, 0);
        ck_assert_uint_le(strlen(r->primary.text), CLASSIFY_TEXT_MAX);
        ck_assert_int_eq(r->lines, 2);
        ck_assert_int_eq(r->bytes, (int64_t)len);
        ck_assert_uint_eq(r->nsecondary, 1);
        ck_assert_int_eq(r->secondary[0].line, 2);
        classify_result_free(r);
        classify_free(c);
    }
    free(log);
    classify_rules_free(rs);
}
END_TEST

START_TEST(rule_errors_name_file_and_line)
{
    struct buf warn = {0};
    const char text[] = "rule good-one\n"
                        "class network\n"
                        "match ECONNRESET\n"
                        "\n"
                        "rule bad-weight\n"
                        "class network\n"
                        "weight lots\n"
                        "match xyz\n"
                        "\n"
                        "rule bad-regex\n"
                        "class network\n"
                        "match (unclosed\n"
                        "\n"
                        "rule no-class\n"
                        "match something\n"
                        "\n"
                        "rule bad-key\n"
                        "class network\n"
                        "colour red\n"
                        "match x\n"
                        "\n"
                        "rule empty-match\n"
                        "class network\n"
                        "match a*\n"
                        "\n"
                        "rule bad-marker\n"
                        "class @nonsense\n"
                        "match y\n"
                        "\n"
                        "rule also-good\n"
                        "class team.xyz\n"
                        "match ZZTOP\n";
    struct classify_rules *rs = classify_rules_new();
    int added = classify_rules_add_text(rs, "/etc/u.rules", text, sizeof text - 1, &warn);
    ck_assert_int_eq(added, 2);
    ck_assert_ptr_nonnull(strstr(warn.p, "/etc/u.rules:7: rule bad-weight: weight must be"));
    ck_assert_ptr_nonnull(strstr(warn.p, "/etc/u.rules:12: rule bad-regex: bad pattern"));
    ck_assert_ptr_nonnull(strstr(warn.p, "/etc/u.rules:14: rule no-class has no class"));
    ck_assert_ptr_nonnull(strstr(warn.p, "/etc/u.rules:19: rule bad-key: unknown key 'colour'"));
    ck_assert_ptr_nonnull(strstr(warn.p, "/etc/u.rules:24: rule empty-match: pattern matches an empty line"));
    ck_assert_ptr_nonnull(strstr(warn.p, "/etc/u.rules:27: rule bad-marker: bad class"));
    char err[256];
    ck_assert_int_eq(classify_rules_compile(rs, &warn, err, sizeof err), 0);
    ck_assert_uint_eq(classify_rules_count(rs), 2);
    const char log[] = "hello ZZTOP\n";
    struct classify_result *r = run(rs, CLASSIFY_OUTCOME_FAILED, log, sizeof log - 1);
    ck_assert_str_eq(r->primary.class_id, "team.xyz"); /* a user class, weight default 50 */
    classify_result_free(r);
    classify_rules_free(rs);
    buf_free(&warn);
}
END_TEST

/* One id twice in one rules directory is two rules sharing a name, one of
 * which would silently vanish: the loader says so. A later directory
 * replacing a rule (user rules over shipped ones) stays silent. */
START_TEST(rule_id_twice_in_one_directory_is_named)
{
    const char a[] = "rule probe-timeout\nclass timeout\nmatch probe gave up\n";
    const char b[] = "rule probe-timeout\nclass network\nmatch probe could not connect\n";
    struct buf warn = {0};
    struct classify_rules *rs = classify_rules_new();
    ck_assert_int_eq(classify_rules_add_text(rs, "/srv/rules/10-a.rules", a, sizeof a - 1, &warn), 1);
    ck_assert_int_eq(classify_rules_add_text(rs, "/srv/rules/20-b.rules", b, sizeof b - 1, &warn), 1);
    ck_assert_ptr_nonnull(warn.p);
    ck_assert_msg(strstr(warn.p, "/srv/rules/20-b.rules:1: rule probe-timeout is already defined at /srv/rules/10-a.rules:1"),
                  "%s", warn.p);
    classify_rules_free(rs);
    buf_free(&warn);

    rs = classify_rules_new();
    ck_assert_int_eq(classify_rules_add_text(rs, "/srv/rules/10-a.rules", a, sizeof a - 1, &warn), 1);
    ck_assert_int_eq(classify_rules_add_text(rs, "/home/u/.config/artriage/rules.d/b.rules", b, sizeof b - 1, &warn), 1);
    ck_assert_msg(warn.len == 0, "%s", warn.p);
    char err[256];
    ck_assert_int_eq(classify_rules_compile(rs, &warn, err, sizeof err), 0);
    ck_assert_uint_eq(classify_rules_count(rs), 1);
    const char log[] = "probe could not connect\n";
    struct classify_result *r = run(rs, CLASSIFY_OUTCOME_FAILED, log, sizeof log - 1);
    ck_assert(r->has_primary);
    ck_assert_str_eq(r->primary.class_id, "network");
    classify_result_free(r);
    classify_rules_free(rs);
    buf_free(&warn);
}
END_TEST

START_TEST(rules_from_dirs_and_versions)
{
    char dir[] = "/tmp/artriage-rules-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char *p1 = xasprintf("%s/10-a.rules", dir);
    char *p2 = xasprintf("%s/20-b.rules", dir);
    char *p3 = xasprintf("%s/ignored.txt", dir);
    FILE *f = fopen(p1, "w");
    fputs("rule a\nclass network\nmatch ECONNRESET\n", f);
    fclose(f);
    f = fopen(p2, "w");
    fputs("rule b\nclass team.b\nweight 95\nmatch broken(\n\nrule a\nclass timeout\nmatch ECONNRESET\n", f);
    fclose(f);
    f = fopen(p3, "w");
    fputs("garbage\n", f);
    fclose(f);
    struct buf warn = {0};
    char err[512];
    struct classify_rules_opts o = {.shipped_dir = dir, .user_dir = ""};
    struct classify_rules *rs = classify_rules_load(&o, &warn, err, sizeof err);
    ck_assert_msg(rs != NULL, "%s", err);
    ck_assert_ptr_nonnull(strstr(warn.p, "20-b.rules:4: rule b: bad pattern"));
    ck_assert_ptr_null(strstr(warn.p, "ignored.txt"));
    ck_assert_uint_eq(classify_rules_count(rs), 1);
    /* the later file's rule "a" replaced the earlier one */
    const char log[] = "read ECONNRESET\n";
    struct classify_result *r = run(rs, CLASSIFY_OUTCOME_FAILED, log, sizeof log - 1);
    ck_assert_str_eq(r->primary.class_id, "timeout");
    classify_result_free(r);
    const char *v1 = classify_rules_version(rs);
    ck_assert_int_eq(strncmp(v1, "cls1-", 5), 0);
    char *v1c = xstrdup(v1);
    classify_rules_free(rs);
    /* a changed rule changes the version */
    f = fopen(p1, "w");
    fputs("rule a\nclass network\nmatch ECONNRESET|EPIPE\n", f);
    fclose(f);
    unlink(p2);
    rs = classify_rules_load(&o, NULL, err, sizeof err);
    ck_assert_ptr_nonnull(rs);
    ck_assert_str_ne(classify_rules_version(rs), v1c);
    classify_rules_free(rs);
    /* --rules DIR that does not exist is an error naming it */
    struct classify_rules_opts o2 = {.shipped_dir = dir, .user_dir = "", .extra_dir = "/nonexistent/x"};
    ck_assert_ptr_null(classify_rules_load(&o2, NULL, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent/x"));
    unlink(p1);
    unlink(p3);
    rmdir(dir);
    free(p1);
    free(p2);
    free(p3);
    free(v1c);
    buf_free(&warn);
}
END_TEST

START_TEST(ranking_first_cause_beats_consequences)
{
    struct classify_rules *rs = rules_from(small_rules, NULL);
    const char log[] = "build start\n"
                       "Error: connect ECONNREFUSED 127.0.0.1:5432\n"
                       "Error: Cannot find module 'pg'\n"
                       "failed to create pull request\n"
                       "exited with code 1\n";
    struct classify_result *r = run(rs, CLASSIFY_OUTCOME_FAILED, log, sizeof log - 1);
    ck_assert_str_eq(r->primary.class_id, "network");
    ck_assert_int_eq(r->primary.line, 2);
    ck_assert_uint_eq(r->nsecondary, 1); /* pr-create is below the consequence cut */
    ck_assert_str_eq(r->secondary[0].class_id, "runtime.missing-module");
    classify_result_free(r);
    /* a much stronger later cause wins over a weak early one */
    const char log2[] = "AssertionError: x\nSegmentation fault\n";
    r = run(rs, CLASSIFY_OUTCOME_FAILED, log2, sizeof log2 - 1);
    ck_assert_str_eq(r->primary.class_id, "runtime.crash");
    classify_result_free(r);
    /* negative pattern */
    const char log3[] = "AssertionError: expected failure in demo\nexited with code 1\n";
    r = run(rs, CLASSIFY_OUTCOME_FAILED, log3, sizeof log3 - 1);
    ck_assert_str_eq(r->primary.class_id, "unknown");
    ck_assert_int_eq(r->primary.line, 2); /* the first failure line */
    ck_assert_ptr_null(r->primary.rule_id);
    classify_result_free(r);
    /* nothing at all */
    const char log4[] = "hello\n";
    expect_primary(rs, CLASSIFY_OUTCOME_FAILED, log4, sizeof log4 - 1, "unknown", 0);
    classify_rules_free(rs);
}
END_TEST

START_TEST(outcomes_and_retries)
{
    struct classify_rules *rs = rules_from(small_rules, NULL);
    const char retried[] = "npm http ECONNREFUSED registry, retrying\n"
                           "fetched\n"
                           "Error: Cannot find module 'x'\n"
                           "exited with code 1\n";
    struct classify_result *r = run(rs, CLASSIFY_OUTCOME_FAILED, retried, sizeof retried - 1);
    ck_assert_str_eq(r->primary.class_id, "runtime.missing-module");
    ck_assert_int_eq(r->primary.line, 3);
    classify_result_free(r);
    /* retried and then the run succeeded: no primary without an outcome */
    const char ok[] = "ECONNREFUSED, retrying\nall good\nrun succeeded\n";
    r = run(rs, CLASSIFY_OUTCOME_UNKNOWN, ok, sizeof ok - 1);
    ck_assert(!r->has_primary);
    classify_result_free(r);
    /* an unrecovered failure shows without an outcome */
    const char bad[] = "Segmentation fault\nexited with code 139\n";
    r = run(rs, CLASSIFY_OUTCOME_UNKNOWN, bad, sizeof bad - 1);
    ck_assert(r->has_primary);
    ck_assert_str_eq(r->primary.class_id, "runtime.crash");
    classify_result_free(r);
    /* ... but not if the log does not show the run failing */
    const char noisy[] = "Segmentation fault in a child, ignored\nrun succeeded\n";
    r = run(rs, CLASSIFY_OUTCOME_UNKNOWN, noisy, sizeof noisy - 1);
    ck_assert(!r->has_primary);
    classify_result_free(r);
    /* succeeded: never a primary from the logs */
    r = run(rs, CLASSIFY_OUTCOME_SUCCEEDED, bad, sizeof bad - 1);
    ck_assert(!r->has_primary);
    ck_assert_uint_eq(r->nsecondary, 1);
    classify_result_free(r);
    /* all causes retried and the run failed anyway: the retried one */
    const char only[] = "ECONNREFUSED, retrying\nECONNREFUSED, retrying\nexited with code 1\n";
    expect_primary(rs, CLASSIFY_OUTCOME_FAILED, only, sizeof only - 1, "network", 1);
    /* retries that ran out, then the same failure for good: the evidence is
     * the first attempt; a retried failure of another class is not */
    const char exhausted[] = "step fetch\n"
                             "Segmentation fault in helper, retrying\n"
                             "ECONNREFUSED, retrying\n"
                             "ECONNREFUSED, retrying\n"
                             "Error: connect ECONNREFUSED\n"
                             "exited with code 1\n";
    expect_primary(rs, CLASSIFY_OUTCOME_FAILED, exhausted, sizeof exhausted - 1, "network", 3);
    /* a bare retry line is about the failure printed just above it */
    const char wrapper[] = "ECONNREFUSED\n"
                           "push: transient error, retrying (1/3)\n"
                           "Error: Cannot find module 'y'\n"
                           "exited with code 1\n";
    expect_primary(rs, CLASSIFY_OUTCOME_FAILED, wrapper, sizeof wrapper - 1, "runtime.missing-module", 3);
    /* ... but not one that names its own failure, nor one further down
     * (a later, weaker cause would win if the crash were set aside) */
    const char own[] = "Segmentation fault\n"
                       "exited with code 139\n"
                       "service not ready (ECONNREFUSED), retrying\n"
                       "AssertionError\n";
    expect_primary(rs, CLASSIFY_OUTCOME_FAILED, own, sizeof own - 1, "runtime.crash", 1);
    const char far[] = "Segmentation fault\na\nb\nc\nretrying later\nAssertionError\n";
    expect_primary(rs, CLASSIFY_OUTCOME_FAILED, far, sizeof far - 1, "runtime.crash", 1);
    classify_rules_free(rs);
}
END_TEST

START_TEST(log_prefix_before_anchored_patterns)
{
    /* rules anchored at the start of a tool's line still match when the
     * collector put a timestamp or a kubectl --prefix in front */
    ck_assert_ptr_nonnull(shipped);
    static const struct {
        const char *log, *class_id;
        int64_t line;
    } cases[] = {
        {"2026-04-11T09:00:00.123456789Z start\n"
         "2026-04-11T09:00:01.123456789Z --- FAIL: TestParse (0.00s)\n"
         "2026-04-11T09:00:01.223456789Z FAIL\n",
         "test.failure", 2},
        {"[pod/run-job-x/agent-runner] 2026-04-11T09:00:01.1234567Z start\n"
         "[pod/run-job-x/agent-runner] 2026-04-11T09:00:02.1234567Z panic: boom\n",
         "runtime.crash", 2},
        {"2026-04-11 09:00:01,004 INFO start\n[2026-04-11 09:00:02] FAILED tests/test_a.py::test_b\n",
         "test.failure", 2},
        /* the agent runner's frame around each chunk of command output */
        {"[command:started] /bin/bash -lc \"go test ./...\"\n"
         "[command:delta] command output --- FAIL: TestParse (0.00s)\n"
         "    --- FAIL: TestParse/minutes (0.00s)\n",
         "test.failure", 2},
        {"2026-04-11T09:00:00.1Z [command:delta] command output start\n"
         "2026-04-11T09:00:01.1Z [command:delta] command output panic: boom\n",
         "runtime.crash", 2},
        /* not a timestamp: the anchor does not match inside the line (no
         * rule names it; the wording model may read the line) */
        {"step 2026-04-11 --- FAIL: TestParse\n", NULL, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct classify_result *r = run(shipped, CLASSIFY_OUTCOME_FAILED, cases[i].log, strlen(cases[i].log));
        if (!cases[i].class_id) {
            ck_assert_msg(!r->primary.rule_id || strcmp(r->primary.rule_id, "model") == 0, "case %zu: rule %s", i,
                          r->primary.rule_id);
            classify_result_free(r);
            continue;
        }
        ck_assert_msg(strcmp(r->primary.class_id, cases[i].class_id) == 0, "case %zu: %s", i, r->primary.class_id);
        ck_assert_int_eq(r->primary.line, cases[i].line);
        classify_result_free(r);
    }
}
END_TEST

START_TEST(runner_commands_rerun_and_search)
{
    /* the agent runner's command spans: a check that failed and was re-run
     * cleanly, a search printing error text from files, and the command
     * line itself are not the cause; a re-run that fails again is */
    ck_assert_ptr_nonnull(shipped);
    static const char fixed[] =
        "[command:started] /bin/bash -lc \"cd app && bunx tsc --noEmit\"\n"
        "[command:delta] command output src/a.ts(3,1): error TS2304: Cannot find name 'x'.\n"
        "[command:completed] /bin/bash -lc \"cd app && bunx tsc --noEmit\" (exit 2)\n"
        "[file:completed] file changes 1 change(s)\n"
        "[command:started] /bin/bash -lc \"cd app && bunx tsc --noEmit\"\n"
        "[command:completed] /bin/bash -lc \"cd app && bunx tsc --noEmit\" (exit 0)\n"
        "[command:started] /bin/bash -lc 'rg -n \"OOMKilled|No space left on device\" src'\n"
        "[command:delta] command output src/k8s.ts:12:  if (reason === 'OOMKilled') {\n"
        "[command:completed] /bin/bash -lc 'rg -n \"OOMKilled|No space left on device\" src' (exit 0)\n"
        "[command:started] /bin/bash -lc \"git push origin HEAD:main\"\n"
        "[command:delta] command output  ! [rejected]        main -> main (non-fast-forward)\n"
        "[command:completed] /bin/bash -lc \"git push origin HEAD:main\" (exit 1)\n"
        "agent-runner: exiting with code 1\n";
    struct classify_result *r = run(shipped, CLASSIFY_OUTCOME_FAILED, fixed, sizeof fixed - 1);
    ck_assert_str_eq(r->primary.class_id, "vcs.push-rejected");
    ck_assert_int_eq(r->primary.line, 11);
    classify_result_free(r);
    /* without an outcome: nothing but the recovered check and the search,
     * then a success marker: no primary */
    static const char ok[] =
        "[command:started] /bin/bash -lc \"cd app && bunx tsc --noEmit\"\n"
        "[command:delta] command output src/a.ts(3,1): error TS2304: Cannot find name 'x'.\n"
        "[command:completed] /bin/bash -lc \"cd app && bunx tsc --noEmit\" (exit 2)\n"
        "[command:started] /bin/bash -lc \"cd app && bunx tsc --noEmit\"\n"
        "[command:completed] /bin/bash -lc \"cd app && bunx tsc --noEmit\" (exit 0)\n"
        "[command:started] /bin/bash -lc \"grep -rn 'Segmentation fault' docs\"\n"
        "[command:delta] command output docs/faq.md:40: Segmentation fault (core dumped) means a crash\n"
        "[command:completed] /bin/bash -lc \"grep -rn 'Segmentation fault' docs\" (exit 0)\n"
        "[command:started] /bin/bash -lc \"make check\"\n"
        "[command:delta] command output make: *** [Makefile:3: check] Error 2\n"
        "[command:completed] /bin/bash -lc \"make check\" (exit 2)\n";
    r = run(shipped, CLASSIFY_OUTCOME_UNKNOWN, ok, sizeof ok - 1);
    ck_assert_msg(!r->has_primary, "got %s line %lld", r->has_primary ? r->primary.class_id : "",
                  (long long)r->primary.line);
    classify_result_free(r);
    /* the re-run fails again: the first failure is the cause */
    static const char again[] =
        "[command:started] /bin/bash -lc \"cd app && bunx tsc --noEmit\"\n"
        "[command:delta] command output src/a.ts(3,1): error TS2304: Cannot find name 'x'.\n"
        "[command:completed] /bin/bash -lc \"cd app && bunx tsc --noEmit\" (exit 2)\n"
        "[command:started] /bin/bash -lc \"cd app && bunx tsc --noEmit\"\n"
        "[command:delta] command output src/a.ts(3,1): error TS2304: Cannot find name 'x'.\n"
        "[command:completed] /bin/bash -lc \"cd app && bunx tsc --noEmit\" (exit 2)\n"
        "agent-runner: exiting with code 1\n";
    expect_primary(shipped, CLASSIFY_OUTCOME_FAILED, again, sizeof again - 1, "build.compile", 2);
}
END_TEST

START_TEST(runner_command_line_is_not_output)
{
    /* the runner echoes each command it starts: error text written in the
     * command line itself (an echo into notes, a test name, a grep pattern)
     * is not the run's output, for any command, search or not; a search's
     * output (git grep too) quotes files. What the command printed is
     * output. */
    ck_assert_ptr_nonnull(shipped);
    static const char echo[] =
        "[command:started] /bin/bash -lc \"echo 'Segmentation fault (core dumped) seen in CI' >> notes.md\"\n"
        "[command:completed] /bin/bash -lc \"echo 'Segmentation fault (core dumped) seen in CI' >> notes.md\" (exit 0)\n"
        "[command:started] /bin/bash -lc \"git grep -n 'Permission denied (publickey)'\"\n"
        "[command:delta] command output docs/ssh.md:12: git@github.com: Permission denied (publickey).\n"
        "[command:completed] /bin/bash -lc \"git grep -n 'Permission denied (publickey)'\" (exit 0)\n";
    struct classify_result *r = run(shipped, CLASSIFY_OUTCOME_UNKNOWN, echo, sizeof echo - 1);
    ck_assert_msg(!r->has_primary, "got %s line %lld", r->has_primary ? r->primary.class_id : "",
                  (long long)r->primary.line);
    classify_result_free(r);
    /* a failed run: the cause is what a command printed, after the echoes */
    static const char failed[] =
        "[command:started] /bin/bash -lc \"echo 'Segmentation fault (core dumped) seen in CI' >> notes.md\"\n"
        "[command:completed] /bin/bash -lc \"echo 'Segmentation fault (core dumped) seen in CI' >> notes.md\" (exit 0)\n"
        "[command:started] /bin/bash -lc \"git grep -n 'Permission denied (publickey)'\"\n"
        "[command:delta] command output docs/ssh.md:12: git@github.com: Permission denied (publickey).\n"
        "[command:completed] /bin/bash -lc \"git grep -n 'Permission denied (publickey)'\" (exit 0)\n"
        "[command:started] /bin/bash -lc \"node dist/main.js\"\n"
        "[command:delta] command output Error: Cannot find module 'zod'\n"
        "[command:completed] /bin/bash -lc \"node dist/main.js\" (exit 1)\n"
        "agent-runner: exiting with code 1\n";
    expect_primary(shipped, CLASSIFY_OUTCOME_FAILED, failed, sizeof failed - 1, "runtime.missing-module", 7);
    /* a completed line that goes on past the command carries its result */
    static const char result[] =
        "[command:started] git status --porcelain\n"
        "[command:completed] git status --porcelain failed: ENOENT: no such file or directory, posix_spawn 'git'\n"
        "[agents][agent-runner] turn failed\n";
    expect_primary(shipped, CLASSIFY_OUTCOME_FAILED, result, sizeof result - 1, "vcs.worktree", 2);
    /* the same text printed by a command (not a search) is output */
    static const char printed[] =
        "[command:started] /bin/bash -lc \"./run-tests.sh\"\n"
        "[command:delta] command output Segmentation fault (core dumped)\n"
        "[command:completed] /bin/bash -lc \"./run-tests.sh\" (exit 139)\n"
        "agent-runner: exiting with code 1\n";
    expect_primary(shipped, CLASSIFY_OUTCOME_FAILED, printed, sizeof printed - 1, "runtime.crash", 2);
}
END_TEST

START_TEST(near_rules_and_snapshot)
{
    struct classify_rules *rs = rules_from(small_rules, NULL);
    /* near after the main pattern, within 3 lines */
    const char a[] = "database is warming up\nx\nconnection pool exhausted\n";
    struct classify_result *r = run(rs, CLASSIFY_OUTCOME_FAILED, a, sizeof a - 1);
    ck_assert_str_eq(r->primary.class_id, "team.flaky-db");
    ck_assert_int_eq(r->primary.line, 1);
    ck_assert_str_eq(r->primary.hint, "team rule");
    classify_result_free(r);
    /* near before */
    const char b[] = "connection pool exhausted\ndatabase is warming up\n";
    expect_primary(rs, CLASSIFY_OUTCOME_FAILED, b, sizeof b - 1, "team.flaky-db", 2);
    /* too far apart */
    const char c2[] = "database is warming up\n1\n2\n3\n4\nconnection pool exhausted\n";
    r = run(rs, CLASSIFY_OUTCOME_FAILED, c2, sizeof c2 - 1);
    ck_assert_str_eq(r->primary.class_id, "unknown");
    classify_result_free(r);
    /* snapshot does not end the stream */
    struct classify_ctx *c = classify_new(rs, CLASSIFY_OUTCOME_FAILED);
    classify_feed(c, "start\nSegmentation", 18);
    r = classify_snapshot(c);
    ck_assert_str_eq(r->primary.class_id, "unknown");
    ck_assert_int_eq(r->lines, 2);
    classify_result_free(r);
    classify_feed(c, " fault\nmore\n", 12);
    r = classify_snapshot(c);
    ck_assert_str_eq(r->primary.class_id, "runtime.crash");
    ck_assert_int_eq(r->primary.line, 2);
    classify_result_free(r);
    r = classify_finish(c);
    ck_assert_int_eq(r->lines, 3);
    classify_result_free(r);
    classify_free(c);
    classify_rules_free(rs);
}
END_TEST

START_TEST(status_signals_without_logs)
{
    ck_assert_ptr_nonnull(shipped);
    /* OOMKilled container, no pod logs at all */
    struct classify_ctx *c = classify_new(shipped, CLASSIFY_OUTCOME_FAILED);
    struct classify_signal s = {.source = CLASSIFY_SIG_CONTAINER, .kind = "terminated",
                                .name = "agent-runner", .reason = "OOMKilled", .exit_code = 137};
    classify_add_signal(c, &s);
    struct classify_result *r = classify_finish(c);
    ck_assert_str_eq(r->primary.class_id, "resource.oom");
    ck_assert_int_eq(r->primary.line, 0);
    ck_assert_ptr_nonnull(strstr(r->primary.source, "agent-runner"));
    classify_result_free(r);
    classify_free(c);

    /* image pull waiting state */
    c = classify_new(shipped, CLASSIFY_OUTCOME_UNKNOWN);
    struct classify_signal w = {.source = CLASSIFY_SIG_CONTAINER, .kind = "waiting",
                                .reason = "ImagePullBackOff", .message = "Back-off pulling image", .exit_code = -1};
    classify_add_signal(c, &w);
    struct classify_signal f = {.source = CLASSIFY_SIG_CONDITION, .kind = "Failed", .reason = "BackoffLimitExceeded"};
    classify_add_signal(c, &f);
    r = classify_finish(c);
    ck_assert(r->has_primary);
    ck_assert_str_eq(r->primary.class_id, "image.pull");
    classify_result_free(r);
    classify_free(c);

    /* Duplicate and InvalidSpec conditions */
    const struct {
        const char *kind, *reason, *want;
    } conds[] = {
        {"Duplicate", "IdempotencyKeyCompleted", "config.invalid"},
        {"InvalidSpec", "MissingAgent", "config.invalid"},
        {"InvalidSpec", "VcsAuthUnavailable", "vcs.auth"},
        {"Failed", "WorkflowStepTimedOut", "timeout"},
        {"Failed", "DeadlineExceeded", "timeout"},
        {"Blocked", "ProviderCapacityExhausted", "rate-limit"},
        {"Failed", "ProviderAuthUnavailable", "auth.credentials"},
    };
    for (size_t i = 0; i < sizeof conds / sizeof conds[0]; i++) {
        c = classify_new(shipped, CLASSIFY_OUTCOME_FAILED);
        struct classify_signal k = {.source = CLASSIFY_SIG_CONDITION, .kind = conds[i].kind,
                                    .status = "True", .reason = conds[i].reason, .message = "m"};
        classify_add_signal(c, &k);
        r = classify_finish(c);
        ck_assert_msg(strcmp(r->primary.class_id, conds[i].want) == 0, "%s/%s gave %s",
                      conds[i].kind, conds[i].reason, r->primary.class_id);
        classify_result_free(r);
        classify_free(c);
    }
    /* a condition that is not True says nothing */
    c = classify_new(shipped, CLASSIFY_OUTCOME_FAILED);
    struct classify_signal nf = {.source = CLASSIFY_SIG_CONDITION, .kind = "Duplicate", .status = "False"};
    classify_add_signal(c, &nf);
    r = classify_finish(c);
    ck_assert_str_eq(r->primary.class_id, "unknown");
    classify_result_free(r);
    classify_free(c);
}
END_TEST

START_TEST(termination_message_and_posix_spawn)
{
    /* the runner's status.json for the seed incident's run d */
    const char *msg = "{\"status\": \"failed\", \"exitCode\": 1, \"cwd\": \"/workspace/lab\","
                      " \"error\": \"ENOENT: no such file or directory, posix_spawn 'git'\"}";
    struct classify_ctx *c = classify_new(shipped, CLASSIFY_OUTCOME_UNKNOWN);
    struct classify_signal t = {.source = CLASSIFY_SIG_TERMINATION, .message = msg};
    classify_add_signal(c, &t);
    struct classify_result *r = classify_finish(c);
    ck_assert(r->has_primary);
    ck_assert_str_eq(r->primary.class_id, "vcs.worktree");
    ck_assert_ptr_nonnull(strstr(r->primary.hint, "missing working directory"));
    classify_result_free(r);
    classify_free(c);

    /* the same error after the workspace was restored: git is missing */
    const char log[] = "workspace restored from cache (/workspace/app)\n"
                       "Error: spawn git ENOENT\n"
                       "exited with code 1\n";
    r = run(shipped, CLASSIFY_OUTCOME_FAILED, log, sizeof log - 1);
    ck_assert_str_eq(r->primary.class_id, "runtime.missing-executable");
    ck_assert_int_eq(r->primary.line, 2);
    ck_assert_ptr_nonnull(strstr(r->primary.hint, "missing program"));
    classify_result_free(r);

    /* git ran before (clone), so the directory must be missing */
    const char log2[] = "Cloning into '/workspace/lab'...\n"
                        "ENOENT: no such file or directory, posix_spawn 'git'\n";
    r = run(shipped, CLASSIFY_OUTCOME_FAILED, log2, sizeof log2 - 1);
    ck_assert_str_eq(r->primary.class_id, "vcs.worktree");
    classify_result_free(r);

    /* a truncated (invalid JSON) termination message is still read */
    c = classify_new(shipped, CLASSIFY_OUTCOME_FAILED);
    struct classify_signal t2 = {.source = CLASSIFY_SIG_TERMINATION,
                                 .message = "{\"error\": \"Executable not found in $PATH: \\\"codex-nats-soak\\\"\", \"x\": \"aaa"};
    classify_add_signal(c, &t2);
    r = classify_finish(c);
    ck_assert_str_eq(r->primary.class_id, "runtime.missing-executable");
    classify_result_free(r);
    classify_free(c);
}
END_TEST

START_TEST(caller_findings_no_pr)
{
    struct classify_rules *rs = rules_from(small_rules, NULL);
    /* succeeded by phase, no PR: the caller's agent.no-pr is the primary */
    struct classify_ctx *c = classify_new(rs, CLASSIFY_OUTCOME_SUCCEEDED);
    classify_feed(c, "all fine\nrun succeeded\n", 23);
    classify_add_finding(c, "agent.no-pr", "linkage.no-pr", 30, "no pull request for head codex/x", "check the PR step");
    struct classify_result *r = classify_finish(c);
    ck_assert(r->has_primary);
    ck_assert_str_eq(r->primary.class_id, "agent.no-pr");
    ck_assert_int_eq(r->primary.line, 0);
    classify_result_free(r);
    classify_free(c);
    /* a failed run whose log names a cause keeps it; no-pr is secondary */
    c = classify_new(rs, CLASSIFY_OUTCOME_FAILED);
    classify_feed(c, "Segmentation fault\n", 19);
    classify_add_finding(c, "agent.no-pr", "linkage.no-pr", 30, NULL, NULL);
    r = classify_finish(c);
    ck_assert_str_eq(r->primary.class_id, "runtime.crash");
    ck_assert_uint_eq(r->nsecondary, 1);
    ck_assert_str_eq(r->secondary[0].class_id, "agent.no-pr");
    classify_result_free(r);
    classify_free(c);
    classify_rules_free(rs);
}
END_TEST

START_TEST(fallback_scanner_same_results)
{
    /* the PCRE2 scanner (no Hyperscan) must find the same findings */
    const char log[] = "start\n\x1b[1mError: Cannot find module 'x'\x1b[0m\r\n"
                       "ECONNREFUSED, retrying\nAssertionError: expected failure\n"
                       "database is warming up\nconnection pool exhausted\nexited with code 1\n";
    struct classify_rules *hs = rules_from(small_rules, NULL);
    setenv("ARTRIAGE_CLASSIFY_SCANNER", "pcre2", 1);
    struct classify_rules *pc = rules_from(small_rules, NULL);
    unsetenv("ARTRIAGE_CLASSIFY_SCANNER");
    ck_assert_str_eq(classify_rules_engine(pc), "pcre2");
    struct classify_result *a = run(hs, CLASSIFY_OUTCOME_FAILED, log, sizeof log - 1);
    struct classify_result *b = run(pc, CLASSIFY_OUTCOME_FAILED, log, sizeof log - 1);
    same_result(a, b, 0);
    ck_assert_uint_eq(a->nfindings, 3);
    classify_result_free(a);
    classify_result_free(b);
    classify_rules_free(hs);
    classify_rules_free(pc);
}
END_TEST

START_TEST(two_thread_scan_same_results)
{
    /* a block large enough to be scanned in two halves: findings on both
     * sides of the cut keep their line numbers and offsets */
    struct classify_rules *rs = rules_from(small_rules, NULL);
    struct buf log = {0};
    for (int i = 0; i < 60000; i++) {
        if (i == 10 || i == 45000) buf_puts(&log, "Error: connect ECONNREFUSED 10.0.0.1:5432\n");
        else if (i == 59990) buf_puts(&log, "Segmentation fault (core dumped)\n");
        else buf_printf(&log, "line %d of ordinary build output, nothing to see here\n", i);
    }
    ck_assert_uint_gt(log.len, 2u * 1024 * 1024);
    struct classify_result *a = run(rs, CLASSIFY_OUTCOME_FAILED, log.p, log.len);
    setenv("ARTRIAGE_CLASSIFY_THREADS", "1", 1);
    struct classify_result *b = run(rs, CLASSIFY_OUTCOME_FAILED, log.p, log.len);
    unsetenv("ARTRIAGE_CLASSIFY_THREADS");
    same_result(a, b, 0);
    ck_assert_uint_eq(a->nfindings, 3);
    ck_assert_int_eq(a->findings[1].line, 45001);
    ck_assert_int_eq(a->findings[2].line, 59991);
    ck_assert_int_eq(a->findings[2].offset, b->findings[2].offset);
    ck_assert_str_eq(a->primary.class_id, "network"); /* first of comparable weight */
    ck_assert_int_eq(a->primary.line, 11);
    classify_result_free(a);
    classify_result_free(b);
    buf_free(&log);
    classify_rules_free(rs);
}
END_TEST

START_TEST(ansi_lines_map_to_original_bytes)
{
    /* Colour codes are cut for matching: every finding must still name its
     * own line, offset and original text, wherever the codes sit (line
     * start, middle, right before the newline, a lone ESC) and however
     * many coloured lines come before it in the block. */
    struct classify_rules *rs = rules_from(small_rules, NULL);
    struct buf log = {0};
    int64_t want_line[3], want_off[3];
    const char *want_text[3] = {
        "\x1b[1m\x1b[31mError: connect ECONNREFUSED 10.0.0.1:5432\x1b[0m",
        "prefix \x1b[33mSegmentation\x1b[0m fault \x1b",
        "\x1b[2Kerror TS2345: Argument of type\x1b[0m",
    };
    int k = 0;
    for (int i = 0; i < 3000; i++) {
        if (i == 700 || i == 1800 || i == 2999) {
            want_line[k] = i + 1;
            want_off[k] = (int64_t)log.len;
            buf_printf(&log, "%s\n", want_text[k]);
            k++;
        } else if (i % 3 == 0) {
            buf_printf(&log, "\x1b[32m\xe2\x9c\x94\x1b[0m step %d ok\x1b[0m\n", i);
        } else {
            buf_printf(&log, "plain line %d\n", i);
        }
    }
    struct classify_result *r = run(rs, CLASSIFY_OUTCOME_FAILED, log.p, log.len);
    ck_assert_uint_eq(r->nfindings, 3);
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(r->findings[i].line, want_line[i]);
        ck_assert_int_eq(r->findings[i].offset, want_off[i]);
        ck_assert_str_eq(r->findings[i].text, want_text[i]);
    }
    ck_assert_int_eq(r->lines, 3000);
    classify_result_free(r);
    buf_free(&log);
    classify_rules_free(rs);
}
END_TEST

/* from classify/internal.h: not part of the public API */
size_t classify_literals(const char *pattern, char ***out, size_t minlen, unsigned *bits);
size_t classify_skip_log_prefix(const char *s, size_t n);

static bool has_finding(const struct classify_result *r, int64_t line, unsigned flag)
{
    for (size_t i = 0; i < r->nfindings; i++)
        if (r->findings[i].line == line && (r->findings[i].flags & flag)) return true;
    return false;
}

START_TEST(ci_script_text_is_not_output)
{
    /* GitHub Actions echoes a step's script between ##[group]Run and
     * ##[endgroup] (in cyan); Travis/GitLab echo "$ command". Error text and
     * "exit 1" inside the echo are the script, not its output. */
    ck_assert_ptr_nonnull(shipped);
    static const char gh[] =
        "2024-05-01T10:00:00.1000000Z ##[group]Run if ! make; then echo \"Segmentation fault\"; exit 1; fi\n"
        "2024-05-01T10:00:00.1000000Z \x1b[36;1mif ! make; then echo \"Segmentation fault\"; exit 1; fi\x1b[0m\n"
        "2024-05-01T10:00:00.1000000Z shell: /usr/bin/bash -e {0}\n"
        "2024-05-01T10:00:00.1000000Z ##[endgroup]\n"
        "2024-05-01T10:00:01.1000000Z src/a.ts(3,1): error TS2304: Cannot find name 'x'.\n"
        "2024-05-01T10:00:01.2000000Z ##[error]Process completed with exit code 2.\n";
    struct classify_result *r = run(shipped, CLASSIFY_OUTCOME_FAILED, gh, sizeof gh - 1);
    ck_assert_str_eq(r->primary.class_id, "build.compile");
    ck_assert_int_eq(r->primary.line, 5);
    ck_assert(has_finding(r, 1, CLASSIFY_F_SCRIPT));
    ck_assert(has_finding(r, 2, CLASSIFY_F_SCRIPT));
    classify_result_free(r);
    /* cyan script text alone (the group markers lost in a paste) */
    static const char cyan[] = "\x1b[36;1mecho \"Segmentation fault\"\x1b[0m\n"
                               "src/a.ts(3,1): error TS2304: Cannot find name 'x'.\n";
    expect_primary(shipped, CLASSIFY_OUTCOME_FAILED, cyan, sizeof cyan - 1, "build.compile", 2);
    /* a Travis command echo: the command line is not its output */
    static const char travis[] = "$ grep -q 'Segmentation fault' out.txt || ./run.sh\n"
                                 "Error: Cannot find module 'left-pad'\n"
                                 "The command \"./run.sh\" exited with 1.\n";
    expect_primary(shipped, CLASSIFY_OUTCOME_FAILED, travis, sizeof travis - 1, "runtime.missing-module", 2);
    /* the script's "exit 1" is no failure marker: without an outcome, a
     * cause in script text alone gives no primary */
    static const char quiet[] = "##[group]Run echo \"OOMKilled\"; exit 1\n"
                                "echo \"OOMKilled\"; exit 1\n"
                                "##[endgroup]\n"
                                "OOMKilled\n";
    r = run(shipped, CLASSIFY_OUTCOME_UNKNOWN, quiet, sizeof quiet - 1);
    ck_assert_msg(!r->has_primary, "got %s line %lld", r->has_primary ? r->primary.class_id : "",
                  (long long)r->primary.line);
    classify_result_free(r);
}
END_TEST

START_TEST(error_continued_past_is_not_the_cause)
{
    /* a helper's "command not found" in an earlier step the run continued
     * past; the step the run fails on has its own cause */
    ck_assert_ptr_nonnull(shipped);
    static const char log[] =
        "##[group]Run ./scripts/setup.sh\n"
        "./scripts/setup.sh\n"
        "##[endgroup]\n"
        "./scripts/setup.sh: line 3: shellcheck: command not found\n"
        "setup done\n"
        "##[group]Run go test ./...\n"
        "go test ./...\n"
        "##[endgroup]\n"
        "=== RUN   TestParse\n"
        "--- FAIL: TestParse (0.00s)\n"
        "    parse_test.go:12: got 1, want 2\n"
        "FAIL\tgithub.com/acme/x\t0.012s\n"
        "##[error]Process completed with exit code 1.\n";
    struct classify_result *r = run(shipped, CLASSIFY_OUTCOME_FAILED, log, sizeof log - 1);
    ck_assert_str_eq(r->primary.class_id, "test.failure");
    ck_assert_int_eq(r->primary.line, 10);
    ck_assert(has_finding(r, 4, CLASSIFY_F_PASSED));
    classify_result_free(r);
    /* the failing step names no cause: the earlier error stays the cause */
    static const char bare[] =
        "##[group]Run ./scripts/setup.sh\n"
        "##[endgroup]\n"
        "./scripts/setup.sh: line 3: shellcheck: command not found\n"
        "##[group]Run ./scripts/lint.sh\n"
        "##[endgroup]\n"
        "##[error]Process completed with exit code 1.\n";
    expect_primary(shipped, CLASSIFY_OUTCOME_FAILED, bare, sizeof bare - 1, "runtime.missing-executable", 3);
    /* nothing names a cause: unknown points at the first failure line of
     * the step the run failed on, not at an earlier step's */
    static const char unknown[] =
        "##[group]Run ./a.sh\n"
        "##[endgroup]\n"
        "Error: widget frobnication incomplete\n"
        "##[group]Run ./b.sh\n"
        "##[endgroup]\n"
        "starting b\n"
        "Error: gizmo calibration out of range\n"
        "##[error]Process completed with exit code 3.\n";
    expect_primary(shipped, CLASSIFY_OUTCOME_FAILED, unknown, sizeof unknown - 1, "unknown", 7);
}
END_TEST

static void shipped_names(const char *log, const char *want_class, int64_t want_line);

START_TEST(gh_run_view_columns_are_a_log_prefix)
{
    /* `gh run view --log` writes "job<TAB>step<TAB>stamp " before every
     * line, and a byte-order mark before the stamp of a step's first line:
     * the step echo and its cyan script lines are recognised behind them */
    ck_assert_ptr_nonnull(shipped);
    static const char log[] =
        "lint\tSet up job\t\xef\xbb\xbf" "2025-03-02T08:00:00.1000000Z Current runner version: '2.321.0'\n"
        "lint\tType-check\t\xef\xbb\xbf" "2025-03-02T08:00:05.1000000Z ##[group]Run npx tsc || { echo \"Segmentation fault\"; exit 1; }\n"
        "lint\tType-check\t2025-03-02T08:00:05.1100000Z \x1b[36;1mnpx tsc || { echo \"Segmentation fault\"; exit 1; }\x1b[0m\n"
        "lint\tType-check\t2025-03-02T08:00:05.1200000Z ##[endgroup]\n"
        "lint\tType-check\t2025-03-02T08:00:09.4000000Z src/cart.ts(14,7): error TS2322: Type 'string' is not assignable to type 'number'.\n"
        "lint\tType-check\t2025-03-02T08:00:09.5000000Z ##[error]Process completed with exit code 1.\n";
    struct classify_result *r = run(shipped, CLASSIFY_OUTCOME_FAILED, log, sizeof log - 1);
    ck_assert_str_eq(r->primary.class_id, "build.compile");
    ck_assert_int_eq(r->primary.line, 5);
    ck_assert(has_finding(r, 2, CLASSIFY_F_SCRIPT));
    ck_assert(has_finding(r, 3, CLASSIFY_F_SCRIPT));
    classify_result_free(r);
    /* a passing job in the same columns: the echoed script's failure words
     * are no finding that a failure follows */
    static const char ok[] =
        "e2e\tWait for db\t\xef\xbb\xbf" "2025-03-02T08:01:00.1000000Z ##[group]Run ./wait.sh || { echo \"::error::db did not become ready in time\"; exit 1; }\n"
        "e2e\tWait for db\t2025-03-02T08:01:00.1100000Z \x1b[36;1m./wait.sh || { echo \"::error::db did not become ready in time\"; exit 1; }\x1b[0m\n"
        "e2e\tWait for db\t2025-03-02T08:01:00.1200000Z ##[endgroup]\n"
        "e2e\tWait for db\t2025-03-02T08:01:03.0000000Z db is up\n"
        "e2e\tComplete job\t\xef\xbb\xbf" "2025-03-02T08:01:04.0000000Z Cleaning up orphan processes\n";
    r = run(shipped, CLASSIFY_OUTCOME_UNKNOWN, ok, sizeof ok - 1);
    ck_assert_msg(!r->has_primary, "got %s line %lld", r->has_primary ? r->primary.class_id : "",
                  (long long)r->primary.line);
    classify_result_free(r);
    /* rules anchored at the tool's own line start hold after the columns */
    shipped_names("unit\tSet up job\t2031-05-06T07:08:09.1234567Z Current runner version: '9.9.9'\n"
                  "unit\tRun go test\t2031-05-06T07:08:19.1234567Z === RUN   TestParseWidgets\n"
                  "unit\tRun go test\t2031-05-06T07:08:19.2234567Z --- FAIL: TestParseWidgets (0.01s)\n"
                  "unit\tRun go test\t2031-05-06T07:08:19.3234567Z ##[error]Process completed with exit code 1.\n",
                  "test.failure", 3);
    shipped_names("Docs Lint\tRun go test\t\xEF\xBB\xBF" "2031-05-06T07:08:19.2234567Z --- FAIL: TestRenderPage (0.20s)\n"
                  "Docs Lint\tRun go test\t2031-05-06T07:08:19.3234567Z ##[error]Process completed with exit code 1.\n",
                  "test.failure", 1);
    static const char cols[] = "a b\tstep one\t2031-05-06T07:08:09Z x";
    ck_assert_uint_eq(classify_skip_log_prefix(cols, sizeof cols - 1), sizeof cols - 2);
    /* two tab-separated columns without a stamp after them are text */
    static const char tsv[] = "name\tvalue\tmore text";
    ck_assert_uint_eq(classify_skip_log_prefix(tsv, sizeof tsv - 1), 0);
}
END_TEST

START_TEST(steps_after_the_failure_are_not_the_cause)
{
    /* the failing step names its cause; a step that only runs once the job
     * has failed (dumping the services' logs) prints stronger-sounding
     * words, but the run had failed already */
    ck_assert_ptr_nonnull(shipped);
    static const char log[] =
        "##[group]Run ./ci/wait-for-stack.sh\n"
        "##[endgroup]\n"
        "waiting for the gateway (attempt 30/30)\n"
        "gateway did not become healthy within 300s\n"
        "##[error]Process completed with exit code 1.\n"
        "##[group]Run docker compose logs --tail=50\n"
        "##[endgroup]\n"
        "gateway-1  | warn: geo lookup skipped: Incorrect API key provided\n"
        "gateway-1  | still migrating schema 41/77\n";
    struct classify_result *r = run(shipped, CLASSIFY_OUTCOME_FAILED, log, sizeof log - 1);
    ck_assert_str_eq(r->primary.class_id, "timeout");
    ck_assert_int_eq(r->primary.line, 4);
    ck_assert(has_finding(r, 8, CLASSIFY_F_PASSED));
    classify_result_free(r);
    /* with no cause in the failing step, the later step's words stay */
    static const char bare[] =
        "##[group]Run ./ci/wait-for-stack.sh\n"
        "##[endgroup]\n"
        "##[error]Process completed with exit code 1.\n"
        "##[group]Run docker compose logs --tail=50\n"
        "##[endgroup]\n"
        "gateway-1  | fatal: Incorrect API key provided\n";
    expect_primary(shipped, CLASSIFY_OUTCOME_FAILED, bare, sizeof bare - 1, "auth.credentials", 6);
}
END_TEST

START_TEST(the_job_that_failed_first_decides)
{
    /* `gh run view --log` lists a run's jobs one after the other, in the
     * workflow's order, not in time. Here the docs job comes first but
     * failed last of the two builds; the api job failed first; a gate job
     * that only checks the others' results fails after both with words of
     * its own. Read as one run of steps, the last failed step (the gate's)
     * set every other job's cause aside. */
    ck_assert_ptr_nonnull(shipped);
    static const char log[] =
        "docs\tSet up job\t\xef\xbb\xbf" "2031-02-03T10:00:00.0000000Z Current runner version: '2.330.0'\n"
        "docs\tBuild site\t\xef\xbb\xbf" "2031-02-03T10:00:40.0000000Z ##[group]Run npx tsc -p site\n"
        "docs\tBuild site\t2031-02-03T10:00:40.0100000Z ##[endgroup]\n"
        "docs\tBuild site\t2031-02-03T10:00:47.0000000Z site/nav.ts(3,1): error TS2304: Cannot find name 'pages'.\n"
        "docs\tBuild site\t2031-02-03T10:00:47.1000000Z ##[error]Process completed with exit code 1.\n"
        "api\tSet up job\t\xef\xbb\xbf" "2031-02-03T10:00:00.0000000Z Current runner version: '2.330.0'\n"
        "api\tRun pytest\t\xef\xbb\xbf" "2031-02-03T10:00:05.0000000Z ##[group]Run pytest -q -n auto\n"
        "api\tRun pytest\t2031-02-03T10:00:05.0100000Z ##[endgroup]\n"
        "api\tRun pytest\t2031-02-03T10:00:09.0000000Z E   ModuleNotFoundError: No module named 'billing.ledger'\n"
        "api\tRun pytest\t2031-02-03T10:00:09.1000000Z ##[error]Process completed with exit code 2.\n"
        "gate\tSet up job\t\xef\xbb\xbf" "2031-02-03T10:01:20.0000000Z Current runner version: '2.330.0'\n"
        "gate\tVerify\t\xef\xbb\xbf" "2031-02-03T10:01:21.0000000Z ##[group]Run ./ci/require.sh docs api\n"
        "gate\tVerify\t2031-02-03T10:01:21.0100000Z ##[endgroup]\n"
        "gate\tVerify\t2031-02-03T10:01:21.2000000Z Unit tests failed\n"
        "gate\tVerify\t2031-02-03T10:01:21.3000000Z ##[error]Process completed with exit code 1.\n";
    struct classify_result *r = run(shipped, CLASSIFY_OUTCOME_FAILED, log, sizeof log - 1);
    ck_assert_str_eq(r->primary.class_id, "runtime.missing-module");
    ck_assert_int_eq(r->primary.line, 9);
    ck_assert(has_finding(r, 4, CLASSIFY_F_PASSED));
    ck_assert(has_finding(r, 14, CLASSIFY_F_PASSED));
    classify_result_free(r);
    /* one job: a later failed step still decides over an earlier one the
     * job continued past (continue-on-error), as in a raw job log */
    static const char one[] =
        "api\tLint\t\xef\xbb\xbf" "2031-02-03T10:00:01.0000000Z ##[group]Run ./lint.sh\n"
        "api\tLint\t2031-02-03T10:00:01.1000000Z ##[endgroup]\n"
        "api\tLint\t2031-02-03T10:00:02.0000000Z ./lint.sh: line 3: shellcheck: command not found\n"
        "api\tLint\t2031-02-03T10:00:02.1000000Z ##[error]Process completed with exit code 127.\n"
        "api\tRun pytest\t\xef\xbb\xbf" "2031-02-03T10:00:05.0000000Z ##[group]Run pytest -q\n"
        "api\tRun pytest\t2031-02-03T10:00:05.0100000Z ##[endgroup]\n"
        "api\tRun pytest\t2031-02-03T10:00:09.0000000Z E   ModuleNotFoundError: No module named 'billing.ledger'\n"
        "api\tRun pytest\t2031-02-03T10:00:09.1000000Z ##[error]Process completed with exit code 2.\n";
    r = run(shipped, CLASSIFY_OUTCOME_FAILED, one, sizeof one - 1);
    ck_assert_str_eq(r->primary.class_id, "runtime.missing-module");
    ck_assert_int_eq(r->primary.line, 7);
    ck_assert(has_finding(r, 3, CLASSIFY_F_PASSED));
    classify_result_free(r);
}
END_TEST

START_TEST(an_actions_own_log_group_is_output)
{
    /* the runner echoes a step's script under "##[group]Run " (capital R);
     * an action that groups its own output ("##[group]run vet") prints the
     * tool's findings there, not script text */
    ck_assert_ptr_nonnull(shipped);
    static const char log[] = "##[group]Run acme/vet-action@v2\n"
                              "with:\n"
                              "  version: 1.4\n"
                              "##[endgroup]\n"
                              "##[group]run vet\n"
                              "Running [/home/runner/vet run ./...] in [] ...\n"
                              "##[error]internal/store/cache.go:12:9: undefined: ttlDefault (typecheck)\n"
                              "##[endgroup]\n"
                              "##[error]vet exit with code 1\n";
    expect_primary(shipped, CLASSIFY_OUTCOME_FAILED, log, sizeof log - 1, "build.compile", 7);
}
END_TEST

START_TEST(pinned_versions_actions_refs_formatters_and_cloud_login)
{
    /* ci-blind12 misses, in other words than its files */
    ck_assert_ptr_nonnull(shipped);
    /* a dependency wants a newer go than the image pins */
    shipped_names("#9 [build 3/5] RUN go build ./cmd/relay\n"
                  "#9 1.204 go: golang.org/x/net@v0.51.0 requires go >= 1.26 (running go 1.25.4; GOTOOLCHAIN=local)\n"
                  "#9 ERROR: process \"/bin/sh -c go build ./cmd/relay\" did not complete successfully: exit code: 1\n",
                  "config.invalid", 2);
    /* the linter is an older major version than its configuration file */
    shipped_names("Running [/home/runner/bin/golangci-lint run ./...] in [] ...\n"
                  "Error: you are using a configuration file for golangci-lint v2 with golangci-lint v1: please use golangci-lint v2\n"
                  "##[error]golangci-lint exit with code 3\n",
                  "config.invalid", 2);
    /* the runner cannot fetch the action a job names: that job fails at
     * set-up, before a later job's own failure in time */
    shipped_names("deploy\tSet up job\t2031-04-05T06:00:01.0000000Z Getting action download info\n"
                  "deploy\tSet up job\t2031-04-05T06:00:01.5000000Z ##[error]Unable to resolve action `acme/ship-it@v9.9.9`, unable to find version `v9.9.9`\n"
                  "lint\tRun linter\t\xef\xbb\xbf" "2031-04-05T06:00:20.0000000Z ##[group]Run make lint\n"
                  "lint\tRun linter\t2031-04-05T06:00:20.1000000Z ##[endgroup]\n"
                  "lint\tRun linter\t2031-04-05T06:00:31.0000000Z app/util.py:4:1: F401 'os' imported but unused\n"
                  "lint\tRun linter\t2031-04-05T06:00:31.2000000Z ##[error]Process completed with exit code 1.\n",
                  "config.invalid", 2);
    /* Spotless lists the files a formatter would change */
    shipped_names("[INFO] BUILD FAILURE\n"
                  "[ERROR] Failed to execute goal com.diffplug.spotless:spotless-maven-plugin:2.43.0:check (default) on project shop: The following files had format violations:\n"
                  "[ERROR]     src/main/java/shop/Cart.java\n",
                  "test.failure", 2);
    /* the cloud login worked, but the identity may use no subscription */
    shipped_names("Attempting Azure CLI login by using OIDC...\n"
                  "##[error]No subscriptions found for 0000aaaa-1111-2222-3333-444455556666.\n"
                  "##[error]Login failed with Error: The process '/usr/bin/az' failed with exit code 1.\n",
                  "auth.credentials", 2);
}
END_TEST

START_TEST(echoed_command_is_no_fallback_cause)
{
    /* GitLab echoes each script command ("$ ..."): its text names what the
     * command guards against, nothing that happened. With no cause in the
     * output, the verdict is unknown on the job's failure, not the echo */
    ck_assert_ptr_nonnull(shipped);
    static const char log[] =
        "$ git remote set-url origin \"$CI_REPOSITORY_URL\" || echo 'Not a git repository; skipping'\n"
        "$ ./deploy.sh\n"
        "Rolling out release 2025.03.1\n"
        "rollout halted by the operator\n"
        "ERROR: Job failed: exit code 1\n";
    struct classify_result *r = run(shipped, CLASSIFY_OUTCOME_FAILED, log, sizeof log - 1);
    ck_assert(has_finding(r, 1, CLASSIFY_F_SCRIPT));
    ck_assert_msg(r->primary.line != 1 && strcmp(r->primary.class_id, "vcs.worktree") != 0,
                  "got %s line %lld", r->primary.class_id, (long long)r->primary.line);
    classify_result_free(r);
}
END_TEST

START_TEST(diff_hunk_lines_are_file_text)
{
    /* pre-commit prints the diff of what its hooks rewrote: the hunk's
     * lines are a script's text ("No space left on device" in an echo),
     * the failure is the hook's verdict above it */
    ck_assert_ptr_nonnull(shipped);
    static const char log[] =
        "fix end of files.........................................................Failed\n"
        "- hook id: end-of-file-fixer\n"
        "- exit code: 1\n"
        "All changes made by hooks:\n"
        "diff --git a/ci/space.sh b/ci/space.sh\n"
        "index 3f2a1c0..9b7d4e2 100755\n"
        "--- a/ci/space.sh\n"
        "+++ b/ci/space.sh\n"
        "@@ -1,3 +1,4 @@\n"
        " #!/bin/sh\n"
        " df -h / || echo \"No space left on device\"\n"
        "-exit 0\n"
        "\\ No newline at end of file\n"
        "+exit 0\n"
        "##[error]Process completed with exit code 1.\n";
    struct classify_result *r = run(shipped, CLASSIFY_OUTCOME_FAILED, log, sizeof log - 1);
    ck_assert_str_eq(r->primary.class_id, "test.failure");
    ck_assert_int_eq(r->primary.line, 1);
    ck_assert(has_finding(r, 11, CLASSIFY_F_SCRIPT));
    classify_result_free(r);
    /* the hunk's text alone names nothing, even for a failed run */
    static const char only[] = "@@ -4,2 +4,2 @@\n"
                               "-  die \"Segmentation fault\"\n"
                               "+  die \"Segmentation fault (core dumped)\"\n"
                               "Error: hook rewrote 1 file\n";
    r = run(shipped, CLASSIFY_OUTCOME_FAILED, only, sizeof only - 1);
    ck_assert_msg(r->primary.line != 2 && r->primary.line != 3, "got %s line %lld", r->primary.class_id,
                  (long long)r->primary.line);
    classify_result_free(r);
}
END_TEST

START_TEST(gherkin_step_text_is_not_output)
{
    /* behave prints every step of every scenario with the step definition
     * it ran ("# steps/x.py:12") or "# None"; a step's wording ("returns
     * HTTP 429") is the feature's text. The failing step's assertion is
     * the output */
    ck_assert_ptr_nonnull(shipped);
    static const char log[] =
        "  Scenario: Place an order                     # features/orders.feature:4\n"
        "    Given a signed-in buyer                    # features/steps/auth.py:9\n"
        "    Then the order is accepted                 # features/steps/orders.py:40\n"
        "      Assertion Failed: Expected 201, got 500\n"
        "\n"
        "  Scenario: Throttle bursts                    # features/limits.feature:3\n"
        "    When 100 orders arrive in a second         # None\n"
        "    Then the API returns HTTP 429 Too Many Requests # None\n"
        "\n"
        "Failing scenarios:\n"
        "  features/orders.feature:4  Place an order\n";
    struct classify_result *r = run(shipped, CLASSIFY_OUTCOME_FAILED, log, sizeof log - 1);
    ck_assert_str_eq(r->primary.class_id, "test.failure");
    ck_assert_int_eq(r->primary.line, 4);
    ck_assert(has_finding(r, 8, CLASSIFY_F_SCRIPT));
    classify_result_free(r);
}
END_TEST

START_TEST(first_failed_command_when_the_runner_kept_going)
{
    /* Travis runs every command of its script phase even after one fails
     * ("The command ... exited with N." per command): the run did not
     * continue past the first failure, so the first failed command with a
     * cause of its own decides; the later one failed because of it */
    ck_assert_ptr_nonnull(shipped);
    static const char log[] = "$ make\n"
                              "cc -c lib.c\n"
                              "lib.c:12:5: error: implicit declaration of function 'frob'\n"
                              "make: *** [Makefile:4: lib.o] Error 1\n"
                              "The command \"make\" exited with 2.\n"
                              "$ go test ./...\n"
                              "--- FAIL: TestLib (0.00s)\n"
                              "    lib_test.go:9: liblib.so missing\n"
                              "FAIL\tgithub.com/acme/lib\t0.010s\n"
                              "The command \"go test ./...\" exited with 1.\n"
                              "\n"
                              "Done. Your build exited with 1.\n";
    struct classify_result *r = run(shipped, CLASSIFY_OUTCOME_FAILED, log, sizeof log - 1);
    ck_assert_str_eq(r->primary.class_id, "build.compile");
    ck_assert_int_eq(r->primary.line, 3);
    ck_assert(!has_finding(r, 3, CLASSIFY_F_PASSED));
    classify_result_free(r);
    /* a runner that stops at a failing step (GitHub Actions) ran the later
     * step only because the earlier one was allowed to fail: the last
     * failing step decides, as before */
    static const char gha[] = "##[group]Run make\n"
                              "##[endgroup]\n"
                              "lib.c:12:5: error: implicit declaration of function 'frob'\n"
                              "##[error]Process completed with exit code 2.\n"
                              "##[group]Run go test ./...\n"
                              "##[endgroup]\n"
                              "--- FAIL: TestLib (0.00s)\n"
                              "    lib_test.go:9: liblib.so missing\n"
                              "##[error]Process completed with exit code 1.\n";
    expect_primary(shipped, CLASSIFY_OUTCOME_FAILED, gha, sizeof gha - 1, "test.failure", 7);
}
END_TEST

START_TEST(ci_job_that_ended_clean_has_no_primary)
{
    /* without an outcome: GitHub Actions marks every failed step, so a job
     * that reaches its last line without one passed, whatever a tolerated
     * step printed; Travis says so itself */
    ck_assert_ptr_nonnull(shipped);
    static const char gha[] = "2023-09-29T22:00:00.0000000Z ##[group]Run ./bench.sh\n"
                              "2023-09-29T22:00:00.0000001Z ##[endgroup]\n"
                              "2023-09-29T22:03:18.6711051Z RuntimeError: CUDA out of memory. Tried to allocate 2.00 MiB\n"
                              "2023-09-29T22:03:18.6713095Z model skipped, continuing\n"
                              "2023-09-29T22:03:18.6720832Z Traceback (most recent call last):\n"
                              "2023-09-29T22:03:18.6720833Z RuntimeError: model failed\n"
                              "2023-09-29T22:04:00.0000000Z Post job cleanup.\n"
                              "2023-09-29T22:04:00.5168082Z Cleaning up orphan processes\n";
    struct classify_result *r = run(shipped, CLASSIFY_OUTCOME_UNKNOWN, gha, sizeof gha - 1);
    ck_assert_msg(!r->has_primary, "primary %s line %lld", r->primary.class_id, (long long)r->primary.line);
    classify_result_free(r);
    /* the same job with a failed step: the cause counts */
    static const char gha_failed[] = "##[group]Run ./bench.sh\n"
                                     "##[endgroup]\n"
                                     "RuntimeError: CUDA out of memory. Tried to allocate 2.00 MiB\n"
                                     "Traceback (most recent call last):\n"
                                     "##[error]Process completed with exit code 1.\n"
                                     "Post job cleanup.\n"
                                     "Cleaning up orphan processes\n";
    r = run(shipped, CLASSIFY_OUTCOME_UNKNOWN, gha_failed, sizeof gha_failed - 1);
    ck_assert(r->has_primary);
    ck_assert_str_eq(r->primary.class_id, "resource.oom");
    ck_assert_int_eq(r->primary.line, 3);
    classify_result_free(r);
    /* with --outcome failed the end line changes nothing */
    r = run(shipped, CLASSIFY_OUTCOME_FAILED, gha, sizeof gha - 1);
    ck_assert(r->has_primary);
    ck_assert_str_eq(r->primary.class_id, "resource.oom");
    classify_result_free(r);
    static const char travis[] = "$ travis_retry mvn test\n"
                                 "Tests run: 3, Failures: 1, Errors: 0, Skipped: 0 <<< FAILURE!\n"
                                 "testA(x.ATest)  Time elapsed: 0.1 sec  <<< FAILURE!\n"
                                 "java.lang.AssertionError: expected:<1> but was:<2>\n"
                                 "\tat x.ATest.testA(ATest.java:12)\n"
                                 "\tat x.ATest.run(ATest.java:40)\n"
                                 "Results :\n"
                                 "Failed tests:   testA(x.ATest)\n"
                                 "[INFO] BUILD FAILURE\n"
                                 "The command \"mvn test\" failed. Retrying, 2 of 3.\n"
                                 "[INFO] BUILD SUCCESS\n"
                                 "The command \"travis_retry mvn test\" exited with 0.\n"
                                 "\n"
                                 "Done. Your build exited with 0.\n";
    r = run(shipped, CLASSIFY_OUTCOME_UNKNOWN, travis, sizeof travis - 1);
    ck_assert_msg(!r->has_primary, "primary %s line %lld", r->primary.class_id, (long long)r->primary.line);
    classify_result_free(r);
}
END_TEST

START_TEST(exit_137_alone_is_not_oom)
{
    /* 137 is a SIGKILL: the memory limit only with an OOMKilled reason */
    ck_assert_ptr_nonnull(shipped);
    struct classify_ctx *c = classify_new(shipped, CLASSIFY_OUTCOME_FAILED);
    struct classify_signal sig = {.source = CLASSIFY_SIG_CONTAINER, .kind = "terminated",
                                  .name = "agent-runner", .reason = "Error", .exit_code = 137};
    classify_add_signal(c, &sig);
    static const char log[] = "step 3/5\nagent-runner: process exited with code 137\n";
    classify_feed(c, log, sizeof log - 1);
    struct classify_result *r = classify_finish(c);
    ck_assert_str_eq(r->primary.class_id, "unknown");
    ck_assert_int_eq(r->primary.line, 2);
    classify_result_free(r);
    classify_free(c);
    c = classify_new(shipped, CLASSIFY_OUTCOME_FAILED);
    sig.reason = "OOMKilled";
    classify_add_signal(c, &sig);
    r = classify_finish(c);
    ck_assert_str_eq(r->primary.class_id, "resource.oom");
    classify_result_free(r);
    classify_free(c);
}
END_TEST

START_TEST(resolved_conflict_and_echoed_arguments)
{
    ck_assert_ptr_nonnull(shipped);
    /* a rebase stopped on a conflict, the agent resolved it and the rebase
     * completed: the conflict is not the cause */
    static const char rebase[] =
        "CONFLICT (content): Merge conflict in src/a.ts\n"
        "error: could not apply 1a2b3c4... change\n"
        "Successfully rebased and updated refs/heads/feature.\n"
        "src/a.ts(3,1): error TS2304: Cannot find name 'x'.\n"
        "exit code 2\n";
    struct classify_result *r = run(shipped, CLASSIFY_OUTCOME_FAILED, rebase, sizeof rebase - 1);
    ck_assert_str_eq(r->primary.class_id, "build.compile");
    ck_assert_int_eq(r->primary.line, 4);
    classify_result_free(r);
    r = run(shipped, CLASSIFY_OUTCOME_UNKNOWN, rebase, (size_t)(strstr(rebase, "src/a.ts(") - rebase));
    ck_assert(!r->has_primary);
    classify_result_free(r);
    /* JSON command events: output that the command's own text matches (a
     * commit message naming an error) is the command echoing its arguments */
    static const char json[] =
        "{\"event\": \"command.started\", \"command\": \"/bin/bash -lc \\\"git commit -m \\\\\\\"handle No space left on device\\\\\\\"\\\"\"}\n"
        "{\"event\": \"command.delta\", \"data\": \"[fix 1a2b3c4] handle No space left on device\"}\n"
        "{\"event\": \"command.completed\", \"command\": \"git commit (exit 0)\"}\n"
        "{\"event\": \"command.started\", \"command\": \"/bin/bash -lc \\\"git push\\\"\"}\n"
        "{\"event\": \"command.delta\", \"data\": \" ! [rejected]        fix -> fix (non-fast-forward)\"}\n"
        "{\"event\": \"command.completed\", \"command\": \"git push (exit 1)\"}\n";
    expect_primary(shipped, CLASSIFY_OUTCOME_FAILED, json, sizeof json - 1, "vcs.push-rejected", 5);
}
END_TEST

static struct classify_baseline *baseline_of(const char *text, size_t cut)
{
    struct classify_baseline *b = classify_baseline_new();
    size_t n = strlen(text);
    if (cut > n) cut = n;
    classify_baseline_feed(b, text, cut); /* in two chunks: a line may be split */
    classify_baseline_feed(b, text + cut, n - cut);
    classify_baseline_finish(b);
    return b;
}

START_TEST(baseline_normalises_and_demotes)
{
    ck_assert_ptr_nonnull(shipped);
    static const char pass[] =
        "2024-05-01T10:00:00.1000000Z npm WARN deprecated left-pad@1.3.0\n"
        "\x1b[31mError: connect ECONNREFUSED 127.0.0.1:6379\x1b[0m (cache warm-up, ignored) in 12ms\n"
        "/tmp/tmpXkq/build.sh: line 4: shellcheck: command not found\n"
        "GreeterTest > testGreeting PASSED\n"
        "1 test completed, 0 failed\n"
        "done";
    for (size_t cut = 0; cut < sizeof pass; cut += 7) {
        struct classify_baseline *b = baseline_of(pass, cut);
        ck_assert_uint_eq(classify_baseline_lines(b), 6);
        /* times, durations, counters, ANSI codes, blanks and temp names masked */
        static const char same[] = "2025-01-02T03:04:05.9Z   Error: connect ECONNREFUSED 10.1.2.3:6379 (cache warm-up, ignored) in 340ms";
        ck_assert(classify_baseline_has(b, same, strlen(same)));
        ck_assert(classify_baseline_has(b, "/tmp/abcdef/build.sh: line 9: shellcheck: command not found", 59));
        ck_assert(classify_baseline_has(b, "done", 4));
        /* but "1 failed" is not "0 failed" */
        ck_assert(!classify_baseline_has(b, "1 test completed, 1 failed", 26));
        ck_assert(!classify_baseline_has(b, "Error: connect ECONNREFUSED 127.0.0.1:5432 (db)", 47));
        classify_baseline_free(b);
    }
    /* a finding the passing run printed too is set aside: the new one wins */
    static const char fail[] =
        "Error: connect ECONNREFUSED 127.0.0.1:6379 (cache warm-up, ignored) in 9ms\n"
        "GreeterTest > testGreeting FAILED\n"
        "1 test completed, 1 failed\n"
        "exit code 1\n";
    struct classify_baseline *b = baseline_of(pass, 0);
    struct classify_ctx *c = classify_new(shipped, CLASSIFY_OUTCOME_FAILED);
    classify_set_baseline(c, b);
    classify_feed(c, fail, sizeof fail - 1);
    struct classify_result *r = classify_finish(c);
    ck_assert_str_eq(r->primary.class_id, "test.failure");
    ck_assert_int_eq(r->primary.line, 2);
    ck_assert(has_finding(r, 1, CLASSIFY_F_BASELINE));
    ck_assert_ptr_nonnull(strstr(r->explain, "also in the passing run"));
    classify_result_free(r);
    classify_free(c);
    /* without the baseline the earlier connection error is the cause */
    r = run(shipped, CLASSIFY_OUTCOME_FAILED, fail, sizeof fail - 1);
    ck_assert_str_eq(r->primary.class_id, "network");
    classify_result_free(r);
    /* unknown: the first failure line that is new against the baseline */
    static const char odd[] = "Error: widget not calibrated\nError: gizmo out of range\nexit 3\n";
    classify_baseline_free(b);
    b = baseline_of("Error: widget not calibrated\n", 0);
    c = classify_new(shipped, CLASSIFY_OUTCOME_FAILED);
    classify_set_baseline(c, b);
    classify_feed(c, odd, sizeof odd - 1);
    r = classify_finish(c);
    ck_assert_str_eq(r->primary.class_id, "unknown");
    ck_assert_int_eq(r->primary.line, 2);
    classify_result_free(r);
    classify_free(c);
    classify_baseline_free(b);
}
END_TEST

/* A log classified against an asked-first baseline as the CLI does it:
 * settled after each round, classified again while an answer was wrong
 * (unread: the baseline is read by the settle only, which counts it). */
static struct classify_result *run_asked_first(const char *pass, const char *log, bool unread, int *rounds)
{
    struct classify_baseline *b = classify_baseline_new_deferred();
    size_t pn = strlen(pass);
    if (!unread) {
        classify_baseline_feed(b, pass, pn);
        classify_baseline_finish(b);
    }
    struct classify_result *r = NULL;
    for (*rounds = 1;; ++*rounds) {
        struct classify_ctx *c = classify_new(shipped, CLASSIFY_OUTCOME_FAILED);
        classify_set_baseline(c, b);
        classify_feed(c, log, strlen(log));
        r = classify_finish(c);
        classify_free(c);
        if (classify_baseline_settled(b)) break;
        ck_assert(classify_baseline_settle_begin(b, *rounds >= 2));
        classify_baseline_settle_feed(b, pass, pn);
        if (!classify_baseline_settle_end(b)) break;
        classify_result_free(r);
    }
    classify_baseline_free(b);
    return r;
}

/* The asked-first baseline gives the verdict the whole one gives: the
 * same primary, the same findings set aside, the same explanation (the
 * baseline's line count in it); a log with nothing in the baseline takes
 * one round, one with a failure line the passing run printed too takes
 * two, and so does every log against a baseline read by the settle only. */
START_TEST(baseline_asked_first_as_whole)
{
    ck_assert_ptr_nonnull(shipped);
    static const char pass[] =
        "2024-05-01T10:00:00.1000000Z npm WARN deprecated left-pad@1.3.0\n"
        "\x1b[31mError: connect ECONNREFUSED 127.0.0.1:6379\x1b[0m (cache warm-up, ignored) in 12ms\n"
        "Error: widget not calibrated\n"
        "GreeterTest > testGreeting PASSED\n"
        "1 test completed, 0 failed\n"
        "done";
    static const struct {
        const char *log;
        int rounds;
    } cases[] = {
        {"Error: connect ECONNREFUSED 127.0.0.1:6379 (cache warm-up, ignored) in 9ms\n"
         "GreeterTest > testGreeting FAILED\n1 test completed, 1 failed\nexit code 1\n", 2},
        {"Error: widget not calibrated\nError: gizmo out of range\nexit 3\n", 2},
        {"GreeterTest > testGreeting FAILED\n1 test completed, 1 failed\nexit code 1\n", 1},
    };
    for (size_t k = 0; k < 2 * sizeof cases / sizeof cases[0]; k++) {
        bool unread = k % 2;
        struct classify_baseline *w = baseline_of(pass, 0);
        struct classify_ctx *c = classify_new(shipped, CLASSIFY_OUTCOME_FAILED);
        classify_set_baseline(c, w);
        classify_feed(c, cases[k / 2].log, strlen(cases[k / 2].log));
        struct classify_result *want = classify_finish(c);
        classify_free(c);
        classify_baseline_free(w);
        int rounds;
        struct classify_result *r = run_asked_first(pass, cases[k / 2].log, unread, &rounds);
        ck_assert_str_eq(r->primary.class_id, want->primary.class_id);
        ck_assert_int_eq(r->primary.line, want->primary.line);
        ck_assert_str_eq(r->explain, want->explain);
        ck_assert_uint_eq(r->nfindings, want->nfindings);
        for (size_t i = 0; i < r->nfindings; i++) ck_assert_uint_eq(r->findings[i].flags, want->findings[i].flags);
        ck_assert_int_eq(rounds, unread ? 2 : cases[k / 2].rounds);
        classify_result_free(r);
        classify_result_free(want);
    }
}
END_TEST

START_TEST(buildkit_and_syslog_prefixes)
{
    /* BuildKit's "#5 0.245 " and a syslog stamp before it are log prefixes:
     * rules anchored at the tool's line start match after them */
    ck_assert_ptr_nonnull(shipped);
    static const char log[] = "Mar 19 01:20:25 PM  #20 [frontend 4/6] RUN pnpm install\n"
                              "Mar 19 01:20:26 PM  #20 0.766 /bin/sh: pnpm: not found\n"
                              "#20 ERROR: process \"/bin/sh -c pnpm install\" did not complete successfully: exit code: 127\n";
    struct classify_result *r = run(shipped, CLASSIFY_OUTCOME_FAILED, log, sizeof log - 1);
    ck_assert_str_eq(r->primary.class_id, "runtime.missing-executable");
    ck_assert_int_eq(r->primary.line, 2);
    classify_result_free(r);
}
END_TEST

START_TEST(quoted_source_is_not_output)
{
    /* pytest quotes the code of the failing frame: "raise ConnectionError"
     * there is code; the E line below is the error */
    ck_assert_ptr_nonnull(shipped);
    static const char log[] = "____ test_cookies ____\n"
                              "        except socket.error as sockerr:\n"
                              "            raise ConnectionError(sockerr)\n"
                              ">           raise ConnectionError(e)\n"
                              "E           ConnectionError: HTTPConnectionPool(host='x', port=80): Max retries exceeded\n"
                              "1 failed, 85 passed in 6.57 seconds\n";
    struct classify_result *r = run(shipped, CLASSIFY_OUTCOME_FAILED, log, sizeof log - 1);
    ck_assert_str_eq(r->primary.class_id, "network");
    ck_assert_int_eq(r->primary.line, 5);
    classify_result_free(r);
}
END_TEST

/* One log line, the shipped rules: the class and line of the primary. */
START_TEST(lint_findings_cluster_assertions_and_dir_missing_recipes)
{
    /* ci-blind13 misses, in other words than its files */
    ck_assert_ptr_nonnull(shipped);
    /* golangci-lint's findings are a failed check; the source line it quotes
     * under a finding is code, even when it says "timeout error" */
    shipped_names("##[group]run golangci-lint\n"
                  "Running [/opt/lint/golangci-lint run] in [/src/shop] ...\n"
                  "##[error]billing/export.go:88:3: Error return value of `buf.Flush` is not checked (errcheck)\n"
                  "\tbuf.Flush() // on a timeout error the caller retries\n"
                  "\t^\n"
                  "##[error]billing/export.go:120:1: cyclomatic complexity 31 of func `Render` is high (> 30) (gocyclo)\n"
                  "##[error]issues found\n",
                  "test.failure", 3);
    /* its "(typecheck)" findings are the code not compiling, not lint */
    static const char typecheck[] = "##[error]cart/total.go:14:9: undefined: priceTable (typecheck)\n"
                                    "##[error]issues found\n";
    struct classify_result *r = run(shipped, CLASSIFY_OUTCOME_FAILED, typecheck, sizeof typecheck - 1);
    ck_assert_msg(!r->has_primary || !r->primary.rule_id ||
                      strcmp(r->primary.rule_id, "golangci-lint-finding") != 0,
                  "a typecheck finding read as lint");
    classify_result_free(r);
    /* an end-to-end assertion tool reporting a compared field in the API
     * server's words is a test expectation, not a rejected object */
    shipped_names("    | 04:10:02 | rollout | Wait ready | ASSERT | ERROR | apps/v1/StatefulSet @ shop/db\n"
                  "        === ERROR\n"
                  "        * status.availableReplicas: Required value: field not found in the input object\n"
                  "--- FAIL: e2e/rollout (600.00s)\n"
                  "FAIL\n",
                  "test.failure", 3);
    shipped_names("        === ERROR\n"
                  "        * spec.replicas: Invalid value: \"1\": Expected value: \"3\"\n"
                  "--- FAIL: e2e/scale (30.00s)\n",
                  "test.failure", 2);
    /* the API server itself refusing a field stays a spec problem */
    shipped_names("The Deployment \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0\n"
                  "##[error]Process completed with exit code 1.\n",
                  "config.invalid", 1);
    /* an assertion naming the ".status.succeeded" field of a Job is no
     * report that the run succeeded: the crash before it is not recovered */
    shipped_names("panic: runtime error: index out of range [3] with length 3\n"
                  "    harness.go:77: resource Job:ci/seed: .status.succeeded: key is missing from map\n"
                  "--- FAIL: TestSeedJob (9.00s)\n"
                  "FAIL\n",
                  "runtime.crash", 1);
    /* a make recipe changing into a directory the checkout lacks: the
     * build's own definition names a missing path */
    shipped_names("=> tidying module tools\n"
                  "/bin/sh: 1: cd: tools: No such file or directory\n"
                  "make[2]: *** [build/mod.mk:41: tidy.tools] Error 2\n"
                  "make: *** [Makefile:9: tidy] Error 2\n",
                  "config.invalid", 2);
}
END_TEST

static void shipped_names(const char *log, const char *want_class, int64_t want_line)
{
    expect_primary(shipped, CLASSIFY_OUTCOME_FAILED, log, strlen(log), want_class, want_line);
}

START_TEST(ci_step_unknown_sudo_and_missing_cli_wordings)
{
    /* ci-blind9 misses, in other words than its files: a CI server refusing
     * a pipeline step it does not provide is the job's own definition being
     * wrong; sudo asking a job for a password it cannot give is a missing
     * credential; a tool saying a CLI is missing names the missing program,
     * unless the script goes on to install it or only echoes the words */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("[Pipeline] stage\n"
                  "[Pipeline] { (Report)\n"
                  "java.lang.NoSuchMethodError: No such DSL method 'uploadCoverage' found among steps [archive, echo, sh]\n"
                  "\tat org.jenkinsci.plugins.workflow.cps.DSL.invokeMethod(DSL.java:219)\n"
                  "Finished: FAILURE\n",
                  "config.invalid", 3);
    shipped_names("+ sudo apt-get install -y jq\n"
                  "sudo: no tty present and no askpass program specified\n"
                  "script returned exit code 1\n",
                  "auth.credentials", 2);
    shipped_names("$ sudo make install\n"
                  "builder is not in the sudoers file.  This incident will be reported.\n"
                  "ERROR: Job failed: exit code 1\n",
                  "auth.credentials", 2);
    shipped_names("checking deploy tools\n"
                  "GitHub CLI is not installed\n"
                  "##[error]Process completed with exit code 1.\n",
                  "runtime.missing-executable", 2);
    /* a script that installs the missing CLI is not failing on it: what
     * stops the install is the cause */
    shipped_names("Terraform CLI not found - installing 1.7.5\n"
                  "sudo: a password is required\n"
                  "exit status 1\n",
                  "auth.credentials", 2);
    /* make prints the recipe's echo command before its output: the command
     * is the script's text, the output line is the evidence */
    shipped_names("echo \"Docker CLI not available\"\n"
                  "Docker CLI not available\n"
                  "make: *** [Makefile:12: check-tools] Error 1\n",
                  "runtime.missing-executable", 2);
}
END_TEST

START_TEST(shipped_rules_other_wordings)
{
    /* the same failure in other tools' words (issue #15, ci-blind5 misses):
     * argument parsers other than cobra/argparse name an option the program
     * does not take; agent CLIs print HTTP 529 without the error type; the
     * JVM words TLS failures its own way, under Gradle's "Could not resolve"
     * wrapper, and the innermost cause of that chain is the one to name */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("> tool@1.0 lint\nerror: unknown option '--fix-all'\nexit status 1\n", "config.invalid", 2);
    shipped_names("tar: unrecognized option '--zstd-long'\nTry 'tar --help' for more information.\n",
                  "config.invalid", 1);
    shipped_names("error: unexpected argument '--frozen-lockfile' found\n\nUsage: x [OPTIONS]\n", "config.invalid", 1);
    shipped_names("Running...\n  \u23bf  API Error: 529 Overloaded. Try again later.\n", "rate-limit", 2);
    shipped_names("* What went wrong:\n"
                  "Execution failed for task ':app:compileKotlin'.\n"
                  "> Could not resolve all files for configuration ':app:compileClasspath'.\n"
                  "   > Could not resolve org.example:lib:1.2.\n"
                  "      > Could not get resource 'https://repo.example.org/lib-1.2.pom'.\n"
                  "         > javax.net.ssl.SSLHandshakeException: Received fatal alert: handshake_failure\n"
                  "BUILD FAILED in 3s\n",
                  "network", 6);
    /* the wrapper alone still names the class: nothing stronger under it */
    shipped_names("> Could not resolve all dependencies for configuration ':compile'.\n"
                  "   > Could not find org.example:lib:1.2.\nBUILD FAILED\n",
                  "runtime.missing-module", 1);
}
END_TEST

START_TEST(shipped_rules_agent_and_package_wordings)
{
    /* issue #15, agent-blind6 misses, in other words than those logs:
     * dependency conflicts (npm ERESOLVE in npm 7-9 and npm 10 wording, pip's
     * and poetry's resolvers) are the run's spec; a package or version that
     * does not exist is the registry family (yarn, poetry) */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("npm error code ERESOLVE\nnpm error ERESOLVE could not resolve\nnpm error While resolving: app@1.0.0\n",
                  "config.invalid", 1);
    /* npm's warning of the same name is not the failure */
    shipped_names("npm WARN ERESOLVE overriding peer dependency\nnpm ERR! code ERESOLVE\n"
                  "npm ERR! ERESOLVE unable to resolve dependency tree\n",
                  "config.invalid", 2);
    shipped_names("ERROR: Cannot install a==1.0 and b==2.0 because these package versions have conflicting dependencies.\n\n"
                  "The conflict is caused by:\n",
                  "config.invalid", 1);
    shipped_names("Resolving dependencies...\n\nSo, because app depends on both x (1.0) and y (2.0), version solving failed.\n",
                  "config.invalid", 3);
    shipped_names("  Because app depends on zlibx (>=9.0) which doesn't match any versions, version solving failed.\n",
                  "config.invalid", 1);
    shipped_names("[1/4] Resolving packages...\n"
                  "error Couldn't find package \"left-padd@^1.0.0\" required by \"app@1.0.0\" on the \"npm\" registry.\n",
                  "config.invalid", 2);
    /* argument parsers: clap for any unexpected argument, cobra, commander,
     * Go's flag package, click and argparse */
    shipped_names("$ tool run extra\nerror: unexpected argument 'extra' found\n\nUsage: tool run [OPTIONS]\n", "config.invalid", 2);
    shipped_names("Error: required flag(s) \"name\", \"port\" not set\nUsage:\n  srv start [flags]\n", "config.invalid", 1);
    shipped_names("Error: accepts 1 arg(s), received 2\nUsage:\n  srv get NAME [flags]\n", "config.invalid", 1);
    shipped_names("error: required option '-t, --token <token>' not specified\n", "config.invalid", 1);
    shipped_names("flag provided but not defined: -verbose\nUsage of ./tool:\n", "config.invalid", 1);
    shipped_names("Usage: cli [OPTIONS]\nTry 'cli --help' for help.\n\nError: Missing option '--config'.\n", "config.invalid", 4);
    shipped_names("usage: prog [-h] [--mode {a,b}]\nprog: error: argument --mode: invalid choice: 'fast' (choose from 'a', 'b')\n",
                  "config.invalid", 2);
    /* agent CLIs mark their own errors with a test reporter's cross: the
     * error says what failed (a model name, a spent quota), not a test */
    shipped_names("> fix the tests\n\n\u2717 Model call failed: {\"code\":\"model_not_supported\",\"message\":\"The requested model is not supported.\"}\n",
                  "config.invalid", 3);
    shipped_names("\u2717 402 You have no quota (Request ID: 1234)\n", "rate-limit", 1);
    shipped_names("Error: {\"type\":\"error\",\"error\":{\"type\":\"usage_limit_reached\",\"message\":\"limit reached\"}}\n",
                  "rate-limit", 1);
    /* a connection that failed, in agent CLIs' and SDKs' words; retried,
     * and the retries ran out */
    shipped_names("  \u23bf  API Error (Connection error.) \u00b7 Retrying in 2 seconds\u2026 (attempt 1/10)\n"
                  "    \u23bf  TypeError (fetch failed)\n",
                  "network", 1);
    shipped_names("Traceback (most recent call last):\n  File \"a.py\", line 3, in <module>\nopenai.APIConnectionError: Connection error.\n",
                  "network", 3);
    shipped_names("Unexpected error: litellm.NotFoundError: OpenAIException - model gpt-x not found\n", "config.invalid", 1);
    /* pytest -x names the stop before its summary */
    shipped_names("tests/test_a.py ..F\n!!!!!!!!!! Interrupted: stopping after 1 failures !!!!!!!!!!\n=== 1 failed, 2 passed in 0.1s ===\n",
                  "test.failure", 2);
    /* git over https: the remote's line comes first */
    shipped_names("git fetch origin\nremote: Repository not found.\nfatal: repository 'https://github.com/acme/x.git/' not found\n",
                  "vcs.worktree", 2);
    /* the job controller's message for BackoffLimitExceeded is the same bare failure */
    shipped_names("Events:\n  Warning  Failed  3m  job-controller  Job has reached the specified backoff limit\n", "unknown", 2);
}
END_TEST

START_TEST(shipped_rules_connection_model_and_resolver_wordings)
{
    /* issue #15, agent-blind7 misses by mechanism: a connection failure in
     * words with no errno or resolver name (litellm's provider wrapper, the
     * OpenAI SDK, yarn v1); a model the provider or plan cannot serve in agent
     * CLIs' words; uv's resolver opening its report with the cross that test
     * reporters use for a failed test */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("> hello\n\nlitellm.APIError: APIError: AnthropicException - Connection error.\nRetrying in 0.2 seconds...\n"
                  "litellm.APIError: APIError: AnthropicException - Connection error.\n",
                  "network", 3);
    shipped_names("Traceback (most recent call last):\nopenai.APIError: Connection error.\n", "network", 2);
    /* the SDKs' request timeout is their connection error too (issue #15,
     * agent-blind8): the provider did not answer, no deadline of the run passed */
    shipped_names("> summarise the diff\n  \u23bf  API Error (Request timed out.) \u00b7 Retrying in 4 seconds\u2026 (attempt 3/10)\n",
                  "network", 2);
    shipped_names("  File \"agent.py\", line 9, in call\nopenai.APITimeoutError: Request timed out.\n", "network", 2);
    shipped_names("yarn install v1.22.0\n[2/4] Fetching packages...\n"
                  "error An unexpected error occurred: \"https://registry.yarnpkg.com/x/-/x-1.0.0.tgz: ESOCKETTIMEDOUT\".\n",
                  "network", 3);
    shipped_names("[2/4] Fetching packages...\ninfo There appears to be trouble with your network connection. Retrying...\n"
                  "error An unexpected error occurred: \"https://registry.yarnpkg.com/y/-/y-2.0.0.tgz: ESOCKETTIMEDOUT\".\n",
                  "network", 3);
    shipped_names("$ opencode run hi\nProviderModelNotFoundError: ProviderModelNotFoundError\n data: {\n", "config.invalid", 2);
    shipped_names("Error: 404 No endpoints found for acme/some-model:free.\n", "config.invalid", 1);
    shipped_names("Model call failed: {\"message\":\"no endpoints available for this model under your\n   current plan\"}\n",
                  "config.invalid", 1);
    shipped_names("$ uv pip install -r requirements.txt\n  \u00d7 No solution found when resolving dependencies:\n"
                  "  \u2570\u2500\u25b6 Because a==1 depends on b>=2 and you require b==1, we can conclude that your requirements are unsatisfiable.\n",
                  "config.invalid", 2);
    static const char uv_build[] = "$ uv sync\n  \u00d7 Failed to build `pkg @ file:///src`\n"
                                   "  \u251c\u2500\u25b6 The build backend returned an error\n";
    struct classify_result *r = run(shipped, CLASSIFY_OUTCOME_FAILED, uv_build, sizeof uv_build - 1);
    ck_assert_msg(!r->has_primary || strcmp(r->primary.class_id, "test.failure") != 0, "uv's build failure read as a test");
    classify_result_free(r);
    /* Claude Code's newer 429 wording, wrapped by the terminal */
    shipped_names("API Error: Request rejected (429) \u00b7 This request would exceed your\n"
                  "  organization's rate limit of 30,000 input tokens per\n        minute.\n",
                  "rate-limit", 1);
    shipped_names("Error: upstream refused (429); slow down\n", "rate-limit", 1);
    /* a cross before a test name is still a failed test */
    shipped_names(" \u00d7 src/a.test.ts > parses the header 3ms\n", "test.failure", 1);

    /* yarn's network retries that then succeed are not the cause */
    static const char ok[] = "[2/4] Fetching packages...\ninfo There appears to be trouble with your network connection. Retrying...\n"
                             "[3/4] Linking dependencies...\n[4/4] Building fresh packages...\nDone in 42.1s.\n";
    r = run(shipped, CLASSIFY_OUTCOME_UNKNOWN, ok, sizeof ok - 1);
    ck_assert_msg(!r->has_primary, "recovered yarn retry named %s", r->has_primary ? r->primary.class_id : "-");
    classify_result_free(r);
}
END_TEST

START_TEST(rust_test_panic_is_a_test_failure)
{
    /* libtest runs each test on a thread named after its path and reports a
     * failed test's panic under "---- name stdout ----": that is the test
     * failing; a program's own thread panicking is a crash. Rust 1.88+ puts
     * the thread id after the name. */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("thread 'main' (8866) panicked at src/main.rs:3:5:\nindex out of bounds: the len is 0 but the index is 0\n",
                  "runtime.crash", 1);
    shipped_names("thread 'tests::adds' panicked at 'assertion failed: `(left == right)`\n  left: `1`,\n right: `2`', src/lib.rs:9:9\n",
                  "test.failure", 1);
    shipped_names("failures:\n\n---- it_parses stdout ----\nthread 'it_parses' (77) panicked at tests/parse.rs:3:5:\n"
                  "assertion `left == right` failed\n\nfailures:\n    it_parses\n\ntest result: FAILED. 0 passed; 1 failed\n",
                  "test.failure", 4);
}
END_TEST

START_TEST(octokit_pr_create_422_is_the_first_attempt)
{
    /* octokit logs each request; a 422 on the create-PR call, retried, then
     * GitHub's reason: the failing call's first attempt is the evidence (the
     * retry joins it to the block), not the reason printed after the retries */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("Creating pull request...\n"
                  "POST /repos/acme/web/pulls - 422 with id AB:CD in 400ms\n"
                  "Retrying after 5000ms...\n"
                  "POST /repos/acme/web/pulls - 422 with id AB:CE in 410ms\n"
                  "Validation Failed: {\"resource\":\"PullRequest\",\"code\":\"custom\",\"message\":\"A pull request already exists for acme:fix.\"}\n",
                  "vcs.pr-create", 2);
    /* a 422 on a review or comment of an existing PR is not creating one */
    struct classify_result *r = run(shipped, CLASSIFY_OUTCOME_FAILED, "POST /repos/acme/web/pulls/7/reviews - 422 with id X in 5ms\n",
                                    strlen("POST /repos/acme/web/pulls/7/reviews - 422 with id X in 5ms\n"));
    ck_assert_msg(!r->has_primary || strcmp(r->primary.class_id, "vcs.pr-create") != 0, "a review call read as PR creation");
    classify_result_free(r);
}
END_TEST

START_TEST(shipped_rules_lockfile_and_limit_wordings)
{
    /* a frozen install whose lock file no longer matches the manifest is
     * the change's own spec, in each package manager's words */
    ck_assert_ptr_nonnull(shipped);
    shipped_names(" ERR_PNPM_OUTDATED_LOCKFILE  Cannot install with \"frozen-lockfile\" because pnpm-lock.yaml is not up to date\n",
                  "config.invalid", 1);
    shipped_names("npm ERR! `npm ci` can only install packages when your package.json and package-lock.json or "
                  "npm-shrinkwrap.json are in sync. Please update your lock file with `npm install` before continuing.\n",
                  "config.invalid", 1);
    shipped_names("error Your lockfile needs to be updated, but yarn was run with `--frozen-lockfile`.\n", "config.invalid", 1);
    shipped_names("pyproject.toml changed significantly since poetry.lock was last generated. Run `poetry lock` to fix the lock file.\n",
                  "config.invalid", 1);
    shipped_names("error: the lock file /src/Cargo.lock needs to be updated but --locked was passed to prevent this\n",
                  "config.invalid", 1);
    shipped_names("go: updates to go.mod needed; to update it:\n\tgo mod tidy\n", "config.invalid", 1);
    /* go.sum is go's lock file: a missing checksum is the lock file out of
     * step with go.mod, not a package missing from the image */
    shipped_names("$ go vet ./...\ncmd/api/main.go:6:2: missing go.sum entry for module providing package golang.org/x/sync/errgroup "
                  "(imported by example.com/api/cmd/api); to add:\n\tgo get example.com/api/cmd/api\n",
                  "config.invalid", 2);
    shipped_names("pkg/db/db.go:4:2: missing go.sum entry needed to verify package example.org/pq (imported by example.com/db) "
                  "is provided by exactly one module; to add:\n",
                  "config.invalid", 1);
    shipped_names(" ERR_PNPM_PEER_DEP_ISSUES  Unmet peer dependencies\n", "config.invalid", 1);
    /* Claude Code's plan limits and the Anthropic API's error type */
    shipped_names("  \u23bf  You've hit your limit \u00b7 resets 3pm (UTC)\n", "rate-limit", 1);
    shipped_names("5-hour limit reached \u2219 resets 2pm\n", "rate-limit", 1);
    shipped_names("{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"too many tokens\"}}\n",
                  "rate-limit", 1);
    /* git over https refused with 403: credentials, not the network */
    shipped_names("error: RPC failed; HTTP 403 curl 22 The requested URL returned error: 403\n", "vcs.auth", 1);
    shipped_names("fatal: unable to access 'https://github.com/acme/x.git/': The requested URL returned error: 403\n",
                  "vcs.auth", 1);
}
END_TEST

START_TEST(shipped_rules_limit_lockfile_parser_and_apt_wordings)
{
    /* issue #15, agent-blind8 misses by mechanism, in other words than those
     * logs: a rate limit named after the verb (and behind an agent CLI's
     * cross), Claude Code's short credit notice, pnpm's other frozen-lockfile
     * refusals, yargs' positional-argument errors, client-go's rate limiter
     * refusing to wait past a deadline, and apt unable to install a package */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("\u2717 Sorry, you have hit a rate limit on model requests. Please try again in 3 hours.\n", "rate-limit", 1);
    shipped_names("> refactor the parser\n  \u23bf  Credit balance too low \u00b7 Add funds to continue\n", "rate-limit", 2);
    shipped_names("Scope: all 4 workspace projects\n"
                  " ERR_PNPM_FROZEN_LOCKFILE_WITH_OUTDATED_LOCKFILE  Cannot perform a frozen installation because the lockfile needs updates\n",
                  "config.invalid", 2);
    shipped_names("$ deploytool push\nNot enough non-option arguments: got 0, need at least 2\n", "config.invalid", 2);
    shipped_names("wait.go:48: [debug] beginning wait for 3 resources\n"
                  "Error: INSTALLATION FAILED: rate: Wait(n=3) would exceed context deadline\n",
                  "timeout", 2);
    shipped_names("Reading package lists...\nE: Unable to locate package libfoo-dev\n", "config.invalid", 2);
    shipped_names("E: Package 'python2-minimal' has no installation candidate\n", "config.invalid", 1);
    /* a name-resolution failure before it is still the cause */
    shipped_names("Err:1 http://deb.example.org/debian stable InRelease\n"
                  "  Temporary failure resolving 'deb.example.org'\n"
                  "E: Unable to locate package curl\n",
                  "network", 2);
}
END_TEST

START_TEST(agent_cli_log_level_after_a_cross_is_not_a_test)
{
    /* an agent CLI marks its own crash report with the cross a test reporter
     * puts before a failed test, then a log level in capitals: the cause is
     * what the report says (here a program missing from $PATH) */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("\u2717 FATAL: unhandled promise rejection\n  reason: spawn rg ENOENT\n", "runtime.missing-executable", 2);
    shipped_names("\u00d7 CRITICAL \u2192 process crashed\n  Error: spawn uvx ENOENT\n", "runtime.missing-executable", 2);
    /* a failed test whose name starts with a word is still a failed test */
    shipped_names(" \u00d7 critical section is released on error 12ms\n", "test.failure", 1);
}
END_TEST

START_TEST(merge_concluded_by_its_commit_is_not_the_cause)
{
    /* a merge stopped on a conflict, the commit that concludes it ("[branch
     * sha] Merge branch ...") shows it was resolved: the conflict, and the
     * refusals to commit or push while it stood, are not the cause */
    ck_assert_ptr_nonnull(shipped);
    static const char merged[] =
        "$ git merge origin/develop\n"
        "Auto-merging lib/io.c\n"
        "CONFLICT (content): Merge conflict in lib/io.c\n"
        "Automatic merge failed; fix conflicts and then commit the result.\n"
        "$ git commit\n"
        "error: Committing is not possible because you have unmerged files.\n"
        "fatal: Exiting because of an unresolved conflict.\n"
        "$ git add lib/io.c\n"
        "$ git commit --no-edit\n"
        "[release-2 5e6f7a8] Merge remote-tracking branch 'origin/develop' into release-2\n"
        "$ git push\n"
        "   3c4d5e6..5e6f7a8  release-2 -> release-2\n";
    struct classify_result *r = run(shipped, CLASSIFY_OUTCOME_UNKNOWN, merged, sizeof merged - 1);
    ck_assert_msg(!r->has_primary, "a concluded merge named %s line %lld", r->has_primary ? r->primary.class_id : "-",
                  (long long)r->primary.line);
    classify_result_free(r);
    /* the same merge left unconcluded is the cause */
    r = run(shipped, CLASSIFY_OUTCOME_FAILED, merged, (size_t)(strstr(merged, "$ git add") - merged));
    ck_assert_str_eq(r->primary.class_id, "vcs.worktree");
    ck_assert_int_eq(r->primary.line, 3);
    classify_result_free(r);
}
END_TEST

START_TEST(registry_misses_are_the_dependency_spec)
{
    /* issue #15: a package manager that cannot satisfy the manifest's pin
     * from its registry is the run's dependency spec (config.invalid, as the
     * taxonomy files the resolvers' failures); code importing a module that is
     * not installed stays runtime.missing-module */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("    Updating crates.io index\nerror: failed to select a version for the requirement `serde_json = \"^7.1\"`\n"
                  "candidate versions found which didn't match: 1.0.140, 1.0.139, ...\n",
                  "config.invalid", 2);
    shipped_names("Collecting numpy==0.1.99\n"
                  "ERROR: Could not find a version that satisfies the requirement numpy==0.1.99 (from versions: 1.26.4, 2.0.0)\n"
                  "ERROR: No matching distribution found for numpy==0.1.99\n",
                  "config.invalid", 2);
    shipped_names("npm error code ETARGET\nnpm error notarget No matching version found for react@^99.0.0.\n", "config.invalid", 1);
    shipped_names("Traceback (most recent call last):\n  File \"app.py\", line 1, in <module>\n    import numpy\n"
                  "ModuleNotFoundError: No module named 'numpy'\n",
                  "runtime.missing-module", 4);
    /* the index could not be reached at all: the network is the cause */
    shipped_names("WARNING: Retrying (Retry(total=0)) after connection broken by 'NewConnectionError(\"Failed to establish a new "
                  "connection: [Errno -3] Temporary failure in name resolution\")': /simple/numpy/\n"
                  "ERROR: Could not find a version that satisfies the requirement numpy==2.0.0 (from versions: none)\n",
                  "network", 1);
}
END_TEST

START_TEST(error_text_quoted_in_prose)
{
    /* an agent's (or a person's) summary quotes the error it fixed in a
     * Markdown code span: that is not the run failing (issue #15: a false
     * primary on a successful run with scary lines) */
    ck_assert_ptr_nonnull(shipped);
    static const char summary[] = "## Summary\n"
                                  "- Root cause: `ECONNREFUSED 127.0.0.1:5432` when the DB was not ready (exit code 1)\n"
                                  "- Fix: wait for the DB before the migrations\n";
    struct classify_result *r = run(shipped, CLASSIFY_OUTCOME_UNKNOWN, summary, sizeof summary - 1);
    ck_assert_msg(!r->has_primary, "got %s", r->has_primary ? r->primary.class_id : "-");
    ck_assert(r->nfindings == 1 && (r->findings[0].flags & CLASSIFY_F_SCRIPT));
    classify_result_free(r);
    /* a run said to have failed with nothing else: the quoted cause still names it */
    expect_primary(shipped, CLASSIFY_OUTCOME_FAILED, summary, sizeof summary - 1, "network", 2);
    /* a real cause after a quoted one wins */
    shipped_names("I saw `No space left on device` in an earlier run.\n"
                  "Error: connect ECONNREFUSED 10.0.0.1:443\nexit status 1\n",
                  "network", 2);
    /* a tool that quotes only a name matches outside the quotes */
    shipped_names("error[E0432]: unresolved import `crate::parser::Token`\n", "build.compile", 1);
}
END_TEST

START_TEST(shipped_rules_context_and_module_proxy)
{
    ck_assert_ptr_nonnull(shipped);
    /* the request is larger than the model's window, in each provider's
     * words; under Codex's stream wrapper too */
    shipped_names("API Error: 400 {\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\","
                  "\"message\":\"prompt is too long: 212000 tokens > 200000 maximum\"}}\n",
                  "config.invalid", 1);
    shipped_names("openai.BadRequestError: Error code: 400 - {'error': {'message': \"This model's maximum context length is "
                  "8192 tokens.\", 'code': 'context_length_exceeded'}}\n",
                  "config.invalid", 1);
    shipped_names("ERROR: stream disconnected before completion: Your input exceeds the context window of this model.\n",
                  "config.invalid", 1);
    /* Go's module proxy has no such version: the dependency spec names a
     * version the registry lacks (config.invalid, as pip's and cargo's are) */
    shipped_names("go: example.com/lib@v1.9.0: reading https://proxy.golang.org/example.com/lib/@v/v1.9.0.mod: 404 Not Found\n",
                  "config.invalid", 1);
    shipped_names("go: example.com/lib@v0.0.0-2024: invalid version: unknown revision 0123abcd\n", "config.invalid", 1);
    /* a push with no upstream set */
    shipped_names("fatal: The current branch topic has no upstream branch.\nTo push the current branch and set the remote as "
                  "upstream, use\n\n    git push --set-upstream origin topic\n",
                  "vcs.worktree", 1);
}
END_TEST

START_TEST(parser_refusals_in_bare_pflag_and_pip_words)
{
    /* issue #15 (agent-blind18): pflag's refusal as Go CLIs print it without
     * cobra's "Error: " (its help text after it names log levels, "error"
     * among them), and pip refusing an install that names nothing */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("$ podman-remote ps -z\n"
                  "unknown shorthand flag: 'z' in -z\n"
                  "See 'podman-remote --help'.\n"
                  "\n"
                  "Options:\n"
                  "      --log-level string   Log messages above this level (\"debug\"|\"info\"|\"error\") (default \"warn\")\n",
                  "config.invalid", 2);
    shipped_names("(venv) ci@runner:~/app$ python -m pip install --upgrade\n"
                  "ERROR: You must give at least one requirement to install (see \"pip help install\")\n",
                  "config.invalid", 2);
}
END_TEST

START_TEST(go_revision_and_brew_formula_missing_are_registry_misses)
{
    /* a revision a Go module's repository does not have, in `go mod
     * download`'s chain wrapped with tabs, and a Homebrew formula that does
     * not exist: the spec names what the registry lacks */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("go: downloading example.org/tools v0.4.0\n"
                  "go: example.org/app imports\n"
                  "\texample.org/tools/lint@v0.4.0: reading example.org/tools/go.mod at revision lint/v0.4.0: unknown revision lint/v0.4.0\n",
                  "config.invalid", 3);
    shipped_names("==> Fetching formula\nError: No available formula with the name \"imaginary-tool\".\n", "config.invalid", 2);
    shipped_names("% brew install nosuchthing\nError: No available formula for nosuchthing\n", "config.invalid", 2);
    /* bundler's lock file pins a version its source no longer has */
    shipped_names("$ bundle install --deployment\n"
                  "Your bundle is locked to rack (9.9.9) from rubygems repository https://rubygems.org/ or installed locally, "
                  "but that version can no longer be found in that source.\n",
                  "config.invalid", 2);
    /* git's own unknown revision is a ref the checkout lacks */
    shipped_names("fatal: ambiguous argument 'release/9.9': unknown revision or path not in the working tree.\n",
                  "vcs.worktree", 1);
}
END_TEST

START_TEST(helm_template_refusing_values_is_config)
{
    /* a chart's `required`/`fail` refusing the values of the release, as
     * helm install/upgrade and helm template print it */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("$ helm upgrade --install runner ./deploy/chart -f values.ci.yaml\n"
                  "Error: UPGRADE FAILED: execution error at (runner/templates/pvc.yaml:7:18): storage.bucket must be set\n",
                  "config.invalid", 2);
    shipped_names("Error: execution error at (runner/templates/deployment.yaml:31:22): replicas must be 1 for the sqlite store\n"
                  "\n"
                  "Use --debug flag to render out invalid YAML\n",
                  "config.invalid", 1);
}
END_TEST

START_TEST(cargo_install_summary_defers_to_its_cause)
{
    /* cargo install's "failed to compile `x`, intermediate artifacts can be
     * found at" names no cause: a version it could not select under
     * "Caused by:" is the cause, rustc's error above it is when there is one */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("  Installing mdtool v2.0.1\n"
                  "error: failed to compile `mdtool v2.0.1`, intermediate artifacts can be found at `/tmp/cargo-installAbC`.\n"
                  "\n"
                  "Caused by:\n"
                  "  failed to select a version for the requirement `tokio = \"^9.1\"`\n",
                  "config.invalid", 5);
    shipped_names("   Compiling mdtool v2.0.1\n"
                  "error[E0425]: cannot find value `cfg` in this scope\n"
                  "error: failed to compile `mdtool v2.0.1`, intermediate artifacts can be found at `/tmp/cargo-installAbC`.\n",
                  "build.compile", 2);
}
END_TEST

START_TEST(ipython_traceback_header_defers_to_exception_line)
{
    /* IPython prints the exception's type in its traceback header; the line
     * at the end names the missing module and is the evidence. A header
     * whose traceback was cut off still names the class */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("ModuleNotFoundError                       Traceback (most recent call last)\n"
                  "Cell In[3], line 1\n"
                  "----> 1 import polars as pl\n"
                  "      2 df = pl.read_csv('x.csv')\n"
                  "      3 print(df)\n"
                  "      4 \n"
                  "      5 \n"
                  "\n"
                  "ModuleNotFoundError: No module named 'polars'\n",
                  "runtime.missing-module", 9);
    shipped_names("ModuleNotFoundError                       Traceback (most recent call last)\n"
                  "Cell In[3], line 1\n",
                  "runtime.missing-module", 1);
}
END_TEST

START_TEST(requested_upstream_branch_missing_is_worktree)
{
    /* setting a branch's upstream to a remote branch that is not there */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("+ git branch -u upstream/feature-x\n"
                  "fatal: the requested upstream branch 'upstream/feature-x' does not exist\n"
                  "hint: If you are planning to push out a new local branch that\n"
                  "hint: will track its remote counterpart, you may want to use\n"
                  "hint: \"git push -u\" to set the upstream config as you push.\n",
                  "vcs.worktree", 2);
}
END_TEST

START_TEST(more_parser_refusal_wordings)
{
    /* issue #15: argument parsers' refusals in the words of clap 2/3/4,
     * click, commander, Symfony Console (composer), Thor (bundler), npm, gh
     * (cobra without "Error: "), yarn berry, helm and apt; each is the run's
     * command line being wrong */
    ck_assert_ptr_nonnull(shipped);
    static const char *const lines[] = {
        "error: Found argument '--verbose-x' which wasn't expected, or isn't valid in this context\n",
        "error: invalid value 'many' for '--threads <N>': invalid digit found in string\n",
        "error: a value is required for '--out <DIR>' but none was supplied\n",
        "error: the argument '--tag <TAG>' cannot be used multiple times\n",
        "Error: Got unexpected extra arguments (extra1 extra2)\n",
        "Error: No such command 'deploi'.\n",
        "error: too many arguments for 'serve'. Expected 0 arguments but got 1.\n",
        "  The \"--no-scripts-x\" option does not exist.\n",
        "  Command \"requre\" is not defined.\n",
        "Unknown switches \"--jobz\"\n",
        "Could not find command \"instal\".\n",
        "Unknown command: \"isntall\"\n",
        "unknown command \"prr\" for \"gh\"\n",
        "Unknown Syntax Error: Unsupported option name (\"--frozen\").\n",
        "Error: \"helm upgrade\" requires exactly 2 arguments\n",
        "E: Invalid operation instal\n",
        "error: option '--permission-mode <mode>' argument 'yes' is invalid. Allowed choices are default, plan.\n",
        "error: option '-m, --model <name>' argument missing\n",
        "cut: option requires an argument -- 'd'\n",
        "rsync: option '--exclude' requires an argument\n",
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        char log[512];
        snprintf(log, sizeof log, "$ run-the-step\n%s", lines[i]);
        shipped_names(log, "config.invalid", 2);
    }
}
END_TEST

START_TEST(wrapped_message_read_joined)
{
    /* issue #15: a message wrapped over two lines (a terminal's width, a
     * paste) matches no rule on either half; with nothing else named, the
     * error block's first line is read joined with the next */
    ck_assert_ptr_nonnull(shipped);
    static const char log[] = "$ node app.js\nError: Cannot find\n    module 'left-pad'\nRequire stack:\n- /app/index.js\n";
    struct classify_result *r = run(shipped, CLASSIFY_OUTCOME_FAILED, log, sizeof log - 1);
    ck_assert_str_eq(r->primary.class_id, "runtime.missing-module");
    ck_assert_int_eq(r->primary.line, 2);
    ck_assert_str_eq(r->primary.rule_id, "node-cannot-find-module");
    ck_assert_ptr_nonnull(strstr(r->primary.hint, "wrapped"));
    classify_result_free(r);
    shipped_names("Error: request refused: rate limit\n  exceeded for this key, try again later\nexit status 1\n",
                  "rate-limit", 1);
    /* two lines that do not make a known message stay unknown */
    shipped_names("Error: something broke here\nand the next line is unrelated\nexit status 1\n", "unknown", 1);
    /* a run that was not said to fail gets no primary from it */
    r = run(shipped, CLASSIFY_OUTCOME_UNKNOWN, log, sizeof log - 1);
    ck_assert(!r->has_primary);
    classify_result_free(r);
}
END_TEST

START_TEST(wrapped_message_without_error_block_read_joined)
{
    /* issue #15 (agent-blind18 brief): a wrapped message where no tool error
     * block starts (git's "fatal:", a line before a bare exit line) is read
     * joined too, pair by adjacent pair among the lines the model would read */
    ck_assert_ptr_nonnull(shipped);
    static const char log[] = "$ git push\n"
                              "fatal: The current branch topic/a-rather-long-branch-name-here has no upstream\n"
                              "branch.\n"
                              "To push the current branch and set the remote as upstream, use\n";
    struct classify_result *r = run(shipped, CLASSIFY_OUTCOME_FAILED, log, sizeof log - 1);
    ck_assert_str_eq(r->primary.class_id, "vcs.worktree");
    ck_assert_int_eq(r->primary.line, 2);
    ck_assert_ptr_nonnull(strstr(r->primary.hint, "wrapped"));
    classify_result_free(r);
    /* the lines before a bare failure line */
    shipped_names("+ git push --quiet\n"
                  "fatal: The current branch release/2026-q4-hotfix-for-the-importer has no upstream\n"
                  "branch.\n"
                  "step exited with code 128\n",
                  "vcs.worktree", 2);
    /* a blank line between: two messages, not one wrapped */
    static const char apart[] = "$ git push\n"
                                "fatal: The current branch topic/a-rather-long-branch-name-here has no upstream\n"
                                "\n"
                                "branch.\n";
    r = run(shipped, CLASSIFY_OUTCOME_FAILED, apart, sizeof apart - 1);
    ck_assert_str_ne(r->primary.class_id, "vcs.worktree");
    classify_result_free(r);
    /* nor for a run not said to have failed */
    r = run(shipped, CLASSIFY_OUTCOME_UNKNOWN, log, sizeof log - 1);
    ck_assert(!r->has_primary);
    classify_result_free(r);
}
END_TEST

START_TEST(shipped_rules_indented_reports)
{
    /* a report pasted or nested with an indent (an issue, a CI action
     * printing a tool's output under its own): the report's line starts
     * still count (issue #15: "test output indented as it was pasted") */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("    === RUN   TestParse\n    --- FAIL: TestParse (0.00s)\n        parse_test.go:12: got 2, want 3\n    FAIL\n",
                  "test.failure", 2);
    shipped_names("  ============================= FAILURES =============================\n"
                  "  ____________________________ test_add ____________________________\n\n"
                  "      def test_add():\n  >       assert add(1, 2) == 4\n  E       assert 3 == 4\n",
                  "test.failure", 2);
    shipped_names("    ======================================================================\n"
                  "    FAIL: Parser keeps the order\n"
                  "    ----------------------------------------------------------------------\n"
                  "    Traceback (most recent call last):\n",
                  "test.failure", 2);
    shipped_names("    not ok 3 - rejects a trailing comma\n      ---\n      operator: equal\n", "test.failure", 1);
    shipped_names("    panic: boom\n\n    goroutine 1 [running]:\n    main.main()\n", "runtime.crash", 1);
    /* npm 10 says "npm error" where npm 7-9 said "npm ERR!" */
    shipped_names("npm error code E404\nnpm error 404 Not Found - GET https://registry.npmjs.org/left-padd - Not found\n",
                  "config.invalid", 1);
}
END_TEST

START_TEST(shipped_rules_test_report_wordings)
{
    /* test reports in their own words: unittest/nose name a failing test by
     * its description under a "=" rule; cucumber counts failed scenarios;
     * and a "+ " line of prose in an assertion diff is not a shell trace
     * starting a new step (which would set the first failure aside) */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("$ python -m unittest\n"
                  "..E.\n"
                  "======================================================================\n"
                  "ERROR: Parser rejects a trailing comma\n"
                  "----------------------------------------------------------------------\n"
                  "Traceback (most recent call last):\n"
                  "  File \"t.py\", line 4, in test_comma\n"
                  "KeyError: 'x'\n"
                  "\n"
                  "======================================================================\n"
                  "FAIL: Parser keeps the order\n"
                  "----------------------------------------------------------------------\n"
                  "AssertionError: 'a b' != 'b a'\n"
                  "- a b\n"
                  "+ Reversed order here\n"
                  "Ran 4 tests in 0.01s\n"
                  "FAILED (failures=1, errors=1)\n"
                  "The command \"python -m unittest\" exited with 1.\n",
                  "test.failure", 4);
    shipped_names("$ bundle exec cucumber\n"
                  "Using the default profile...\n"
                  "12 scenarios (1 failed, 11 passed)\n"
                  "40 steps (1 failed, 39 passed)\n",
                  "test.failure", 3);
    /* surefire's list of failing tests names the first one; the count
     * under it does not */
    shipped_names("[INFO] Results:\n"
                  "[INFO]\n"
                  "[ERROR] Failures:\n"
                  "[ERROR]   ParserTest.testTrailingComma:41 expected:<2> but was:<3>\n"
                  "[INFO]\n"
                  "[ERROR] Tests run: 12, Failures: 1, Errors: 0, Skipped: 0\n"
                  "[INFO] BUILD FAILURE\n",
                  "test.failure", 4);
    /* a pod that keeps crashing, its log not shown: unknown, at the state */
    shipped_names("$ kubectl get pods\n"
                  "NAME        READY   STATUS             RESTARTS   AGE\n"
                  "api-7d9f-x  0/1     CrashLoopBackOff   7          12m\n",
                  "unknown", 3);
}
END_TEST

START_TEST(unknown_points_at_the_tools_error_block)
{
    /* no rule names the cause: "unknown" points at the header of the tool's
     * own error block in the failing step, not at the generic lines around */
    ck_assert_ptr_nonnull(shipped);
    static const char log[] = "$ ./gradlew assemble\n"
                              ":app:compileDebugNdk FAILED\n"
                              "\n"
                              "FAILURE: Build failed with an exception.\n"
                              "\n"
                              "* What went wrong:\n"
                              "Execution failed for task ':app:compileDebugNdk'.\n"
                              "> NDK not configured.\n"
                              "\n"
                              "BUILD FAILED\n"
                              "The command \"./gradlew assemble\" exited with 1.\n";
    struct classify_result *r = run(shipped, CLASSIFY_OUTCOME_FAILED, log, sizeof log - 1);
    /* no rule: "unknown", or the class the wording model gives the block */
    ck_assert_msg(strcmp(r->primary.class_id, "unknown") == 0 ? !r->primary.rule_id
                                                               : strcmp(r->primary.rule_id, "model") == 0,
                  "%s by %s", r->primary.class_id, r->primary.rule_id);
    ck_assert_int_eq(r->primary.line, 7);
    classify_result_free(r);
}
END_TEST

static char *only_literal(const char *pattern)
{
    char **ls = NULL;
    unsigned bits = 0;
    size_t n = classify_literals(pattern, &ls, 3, &bits);
    ck_assert_msg(n == 1, "%s: %zu literals", pattern, n);
    char *s = ls[0];
    free(ls);
    return s;
}

START_TEST(literal_choice_prefers_rare)
{
    /* the rarer anchor wins, not the longer one */
    char *s = only_literal("ENOENT\\W.{0,80}node_modules");
    ck_assert_str_eq(s, "enoent");
    free(s);
    s = only_literal("\\bEROFS\\b.{0,60}/workspace/");
    ck_assert_str_eq(s, "erofs");
    free(s);
    s = only_literal("\\b(exit(ed|s)?|code|status|returned)\\b\\D{0,16}\\b127\\b");
    ck_assert_str_eq(s, "127");
    free(s);
    /* every branch must contribute: a branch without a literal means none */
    char **ls = NULL;
    unsigned bits = 99;
    ck_assert_uint_eq(classify_literals("(foo|\\d+)bar", &ls, 3, &bits), 1);
    ck_assert_str_eq(ls[0], "bar");
    free(ls[0]);
    free(ls);
    ck_assert_uint_eq(classify_literals("(abc|\\d+)", &ls, 3, &bits), 0);
    ck_assert_ptr_null(ls);
    /* alternatives are all kept, lower-cased */
    ck_assert_uint_eq(classify_literals("Segfault|Bus Error", &ls, 3, &bits), 2);
    ck_assert_str_eq(ls[0], "segfault");
    ck_assert_str_eq(ls[1], "bus error");
    ck_assert_uint_gt(bits, 14);
    free(ls[0]);
    free(ls[1]);
    free(ls);
    /* a common word alone is a poor anchor */
    ck_assert_uint_eq(classify_literals("^\\s*(Error|Warning)\\b", &ls, 3, &bits), 2);
    ck_assert_uint_lt(bits, 14);
    free(ls[0]);
    free(ls[1]);
    free(ls);
}
END_TEST

START_TEST(newline_count)
{
    char b[300];
    for (size_t n = 0; n < sizeof b; n++) {
        size_t want = 0;
        for (size_t i = 0; i < n; i++) {
            b[i] = (i * 7 % 5 == 0) ? '\n' : (char)(i & 0xff);
            if (b[i] == '\n') want++;
        }
        ck_assert_uint_eq(classify_count_newlines(b, n), want);
    }
}
END_TEST

START_TEST(outcome_parse)
{
    enum classify_outcome o;
    ck_assert_int_eq(classify_outcome_parse("failed", &o), 0);
    ck_assert_int_eq(o, CLASSIFY_OUTCOME_FAILED);
    ck_assert_int_eq(classify_outcome_parse("succeeded", &o), 0);
    ck_assert_int_eq(o, CLASSIFY_OUTCOME_SUCCEEDED);
    ck_assert_int_eq(classify_outcome_parse("unknown", &o), 0);
    ck_assert_int_eq(o, CLASSIFY_OUTCOME_UNKNOWN);
    ck_assert_int_eq(classify_outcome_parse("Failed", &o), -1);
    ck_assert_int_eq(classify_outcome_parse(NULL, &o), -1);
}
END_TEST


/* ---- the wording model (second stage) ------------------------------------ */

static const char model_rules[] = "rule err-block\n"
                                  "class @error-block\n"
                                  "match ^Error:\n"
                                  "\n"
                                  "rule failed\n"
                                  "class @failure\n"
                                  "match exit status [1-9]\n"
                                  "\n"
                                  "rule cannot-find-module\n"
                                  "class runtime.missing-module\n"
                                  "weight 90\n"
                                  "match Cannot find module\n";

/* two classes, window 3 (the block's line and two after it) */
static const char model_text[] = "# test model\n"
                                 "artriage-nb 1\n"
                                 "window 3\n"
                                 "alpha 0.500\n"
                                 "threshold 0.900\n"
                                 "classes 2\n"
                                 "vocab 6\n"
                                 "class network 10 30\n"
                                 "class resource.disk 10 30\n"
                                 "tok device 1:9\n"
                                 "tok left 1:8\n"
                                 "tok peer 0:8\n"
                                 "tok socket 0:9\n"
                                 "tok space 1:10\n"
                                 "tok unreachable 0:10\n";

static struct classify_rules *model_rules_with(const char *model)
{
    struct buf warn = {0};
    struct classify_rules *rs = rules_from(model_rules, &warn);
    ck_assert_int_eq(classify_rules_set_model(rs, "test.nb", model, strlen(model), &warn), 0);
    ck_assert_msg(warn.len == 0, "%s", warn.p);
    buf_free(&warn);
    return rs;
}

START_TEST(model_names_an_unknown_block)
{
    struct classify_rules *rs = model_rules_with(model_text);
    /* no rule names it; the words two lines below the block's first line do */
    static const char log[] = "step one\n"
                              "Error: blob store refused the upload\n"
                              "  not enough space left on the device\n"
                              "exit status 1\n";
    struct classify_result *r = run(rs, CLASSIFY_OUTCOME_FAILED, log, sizeof log - 1);
    ck_assert(r->has_primary);
    ck_assert_str_eq(r->primary.class_id, "resource.disk");
    ck_assert_str_eq(r->primary.rule_id, "model");
    ck_assert_int_eq(r->primary.line, 2);
    ck_assert(r->primary.confidence >= 0.9 && r->primary.confidence <= 1.0);
    ck_assert_ptr_nonnull(strstr(r->explain, "space (+"));
    ck_assert_ptr_nonnull(strstr(r->explain, "deciding tokens"));
    classify_result_free(r);
    /* the same bytes fed one at a time: the block's lines arrive in pieces */
    struct classify_ctx *c = classify_new(rs, CLASSIFY_OUTCOME_FAILED);
    for (size_t i = 0; i < sizeof log - 1; i++) classify_feed(c, log + i, 1);
    r = classify_finish(c);
    ck_assert_str_eq(r->primary.class_id, "resource.disk");
    classify_result_free(r);
    classify_free(c);
    /* a successful run gets no primary, model or not */
    r = run(rs, CLASSIFY_OUTCOME_SUCCEEDED, log, sizeof log - 1);
    ck_assert(!r->has_primary);
    classify_result_free(r);
    /* a bare failure line is no block: what follows it is not read */
    static const char bare[] = "step one\n"
                               "exit status 1\n"
                               "  not enough space left on the device\n";
    r = run(rs, CLASSIFY_OUTCOME_FAILED, bare, sizeof bare - 1);
    ck_assert_str_eq(r->primary.class_id, "unknown");
    classify_result_free(r);
    /* the words past the model's window are not read */
    static const char far[] = "Error: blob store refused the upload\n"
                              "a\n"
                              "b\n"
                              "not enough space left on the device\n"
                              "exit status 1\n";
    r = run(rs, CLASSIFY_OUTCOME_FAILED, far, sizeof far - 1);
    ck_assert_str_eq(r->primary.class_id, "unknown");
    ck_assert_ptr_null(r->primary.rule_id);
    classify_result_free(r);
    classify_rules_free(rs);
}
END_TEST

START_TEST(model_reads_the_last_lines_when_no_line_says_failed)
{
    struct classify_rules *rs = model_rules_with(model_text);
    /* a tool that prints its message and exits non-zero: no error block,
     * no failure line; the last non-blank lines (the window, 3) are read */
    static const char log[] = "step one\n"
                              "step two\n"
                              "blob store refused the upload\n"
                              "\n"
                              "  not enough space left on the device\n"
                              "\n";
    struct classify_result *r = run(rs, CLASSIFY_OUTCOME_FAILED, log, sizeof log - 1);
    ck_assert(r->has_primary);
    ck_assert_str_eq(r->primary.class_id, "resource.disk");
    ck_assert_str_eq(r->primary.rule_id, "model");
    /* of the lines read, the one that names the class */
    ck_assert_int_eq(r->primary.line, 5);
    ck_assert_int_eq(r->primary.offset, (int64_t)strlen("step one\nstep two\nblob store refused the upload\n\n"));
    ck_assert_str_eq(r->primary.text, "  not enough space left on the device");
    ck_assert_ptr_nonnull(strstr(r->explain, "last 3 non-blank lines"));
    classify_result_free(r);
    /* fed one byte at a time, and in two halves: the same lines */
    for (size_t step = 1; step <= sizeof log / 2; step += sizeof log / 2 - 1) {
        struct classify_ctx *c = classify_new(rs, CLASSIFY_OUTCOME_FAILED);
        for (size_t i = 0; i < sizeof log - 1; i += step)
            classify_feed(c, log + i, i + step < sizeof log - 1 ? step : sizeof log - 1 - i);
        r = classify_finish(c);
        ck_assert_str_eq(r->primary.class_id, "resource.disk");
        ck_assert_int_eq(r->primary.line, 5);
        ck_assert_int_eq(r->primary.offset, (int64_t)strlen("step one\nstep two\nblob store refused the upload\n\n"));
        classify_result_free(r);
        classify_free(c);
    }
    /* unterminated last line: read too */
    static const char open_end[] = "step one\nno space left on device";
    expect_primary(rs, CLASSIFY_OUTCOME_FAILED, open_end, sizeof open_end - 1, "resource.disk", 2);
    /* a successful run gets no primary */
    r = run(rs, CLASSIFY_OUTCOME_SUCCEEDED, log, sizeof log - 1);
    ck_assert(!r->has_primary);
    classify_result_free(r);
    /* words before the last 3 non-blank lines are not read */
    static const char early[] = "no space left on device\nstep a\n\nstep b\nstep c\n";
    r = run(rs, CLASSIFY_OUTCOME_FAILED, early, sizeof early - 1);
    ck_assert_str_eq(r->primary.class_id, "unknown");
    ck_assert_int_eq(r->primary.line, 0);
    ck_assert_ptr_null(r->primary.rule_id);
    classify_result_free(r);
    /* unsure (as much of one class as of the other): stays unknown, no line */
    static const char unsure[] = "space unreachable\n";
    r = run(rs, CLASSIFY_OUTCOME_FAILED, unsure, sizeof unsure - 1);
    ck_assert_str_eq(r->primary.class_id, "unknown");
    ck_assert_int_eq(r->primary.line, 0);
    ck_assert_ptr_nonnull(strstr(r->explain, "stays unknown"));
    classify_result_free(r);
    /* a failure line there: not the log's last lines but the ones before it */
    static const char bare[] = "step one\nexit status 1\nno space left on device\n";
    r = run(rs, CLASSIFY_OUTCOME_FAILED, bare, sizeof bare - 1);
    ck_assert_str_eq(r->primary.class_id, "unknown");
    ck_assert_int_eq(r->primary.line, 2);
    ck_assert_ptr_null(strstr(r->explain, "last 3 non-blank lines"));
    classify_result_free(r);
    classify_rules_free(rs);
}
END_TEST

START_TEST(model_reads_the_lines_before_a_bare_failure_line)
{
    struct classify_rules *rs = model_rules_with(model_text);
    /* "exit status 1" says only that it failed; what the command printed
     * before it (the window, 3 non-blank lines) says why */
    static const char log[] = "step one\n"
                              "blob store refused the upload\n"
                              "\n"
                              "  not enough space left on the device\n"
                              "exit status 1\n"
                              "cleaning up peer socket\n";
    struct classify_result *r = run(rs, CLASSIFY_OUTCOME_FAILED, log, sizeof log - 1);
    ck_assert_str_eq(r->primary.class_id, "resource.disk");
    ck_assert_str_eq(r->primary.rule_id, "model");
    /* of the lines read, the one that names the class */
    ck_assert_int_eq(r->primary.line, 4);
    ck_assert_int_eq(r->primary.offset, (int64_t)strlen("step one\nblob store refused the upload\n\n"));
    ck_assert_str_eq(r->primary.text, "  not enough space left on the device");
    ck_assert_ptr_nonnull(strstr(r->explain, "bare failure line"));
    classify_result_free(r);
    /* fed one byte at a time: the lines before come from earlier pieces */
    struct classify_ctx *c = classify_new(rs, CLASSIFY_OUTCOME_FAILED);
    for (size_t i = 0; i < sizeof log - 1; i++) classify_feed(c, log + i, 1);
    r = classify_finish(c);
    ck_assert_str_eq(r->primary.class_id, "resource.disk");
    ck_assert_int_eq(r->primary.line, 4);
    ck_assert_int_eq(r->primary.offset, (int64_t)strlen("step one\nblob store refused the upload\n\n"));
    classify_result_free(r);
    classify_free(c);
    /* a successful run gets no primary */
    r = run(rs, CLASSIFY_OUTCOME_SUCCEEDED, log, sizeof log - 1);
    ck_assert(!r->has_primary);
    classify_result_free(r);
    /* nothing known before it: unknown on the failure line */
    static const char plain[] = "step one\nexit status 1\n";
    r = run(rs, CLASSIFY_OUTCOME_FAILED, plain, sizeof plain - 1);
    ck_assert_str_eq(r->primary.class_id, "unknown");
    ck_assert_int_eq(r->primary.line, 2);
    ck_assert_ptr_null(r->primary.rule_id);
    classify_result_free(r);
    classify_rules_free(rs);
}
END_TEST

START_TEST(model_fallback_evidence_is_the_line_naming_the_class)
{
    /* a fallback block starts wherever its window happened to start: the
     * evidence is the first line that alone reads like the class (at least
     * half as much as the line that reads most like it), not the block's
     * first line */
    static const char text[] = "artriage-nb 1\n"
                               "window 4\n"
                               "alpha 0.500\n"
                               "threshold 0.900\n"
                               "classes 2\n"
                               "vocab 5\n"
                               "class network 10 30\n"
                               "class resource.disk 10 30\n"
                               "tok device 1:9\n"
                               "tok left 1:8\n"
                               "tok peer 0:8\n"
                               "tok space 1:10\n"
                               "tok upload 0:2 1:3\n";
    struct classify_rules *rs = model_rules_with(text);
    /* lines before a bare failure line: line 3 names the class (two words),
     * line 4 more loudly (three), line 2 barely (a word both classes use) */
    static const char bare[] = "compressing the bundle\n"
                               "upload of layer 4 started\n"
                               "write: space left 0\n"
                               "  no space left on device\n"
                               "exited with code 1\n";
    struct classify_result *r = run(rs, CLASSIFY_OUTCOME_FAILED, bare, sizeof bare - 1);
    ck_assert_str_eq(r->primary.class_id, "resource.disk");
    ck_assert_int_eq(r->primary.line, 3);
    ck_assert_str_eq(r->primary.text, "write: space left 0");
    ck_assert_int_eq(r->primary.offset, (int64_t)strlen("compressing the bundle\nupload of layer 4 started\n"));
    ck_assert_ptr_nonnull(strstr(r->explain, "evidence line 3"));
    classify_result_free(r);
    /* the log's last lines (no failure line at all); blank lines between
     * them are not lines of the block, so the numbers must still be the log's */
    static const char tail[] = "compressing the bundle\n\n"
                               "upload of layer 4 started\n\n\n"
                               "  no space left on device\n"
                               "giving up\n";
    r = run(rs, CLASSIFY_OUTCOME_FAILED, tail, sizeof tail - 1);
    ck_assert_str_eq(r->primary.class_id, "resource.disk");
    ck_assert_int_eq(r->primary.line, 6);
    ck_assert_str_eq(r->primary.text, "  no space left on device");
    classify_result_free(r);
    classify_rules_free(rs);
}
END_TEST

START_TEST(model_fallback_evidence_may_lie_above_the_lines_read)
{
    /* The model reads a fixed number of lines (here 3); a message that was
     * printed again and again until the tool gave up, or whose details fill
     * those lines, first shows above them. Its first showing is the
     * evidence, while the class is still decided by the lines read only. */
    struct classify_rules *rs = model_rules_with(model_text);
    static const char bare[] = "fetching layers\n"                      /* 1 */
                               "disk full: no space left on the device\n" /* 2: first showing */
                               "\n"
                               "will try again\n"                        /* 4 */
                               "will try again\n"                        /* 5: read from here */
                               "disk full: no space left on the device\n" /* 6 */
                               "giving up\n"                             /* 7 */
                               "exit status 1\n";
    struct classify_result *r = run(rs, CLASSIFY_OUTCOME_FAILED, bare, sizeof bare - 1);
    ck_assert_str_eq(r->primary.class_id, "resource.disk");
    ck_assert_int_eq(r->primary.line, 2);
    ck_assert_int_eq(r->primary.offset, (int64_t)strlen("fetching layers\n"));
    ck_assert_str_eq(r->primary.text, "disk full: no space left on the device");
    /* the explanation still names the lines the model read */
    ck_assert_ptr_nonnull(strstr(r->explain, "reads the 3 non-blank lines before it (from line 5)"));
    double conf = r->primary.confidence;
    classify_result_free(r);
    /* one byte at a time: the lines above come from earlier pieces */
    struct classify_ctx *c = classify_new(rs, CLASSIFY_OUTCOME_FAILED);
    for (size_t i = 0; i < sizeof bare - 1; i++) classify_feed(c, bare + i, 1);
    r = classify_finish(c);
    ck_assert_int_eq(r->primary.line, 2);
    ck_assert_int_eq(r->primary.offset, (int64_t)strlen("fetching layers\n"));
    classify_result_free(r);
    classify_free(c);
    /* words of the other class above the lines read: neither the class,
     * its confidence nor the evidence changes */
    static const char other[] = "peer socket unreachable\n"
                                "will try again\n"
                                "will try again\n"
                                "disk full: no space left on the device\n"
                                "giving up\n"
                                "exit status 1\n";
    r = run(rs, CLASSIFY_OUTCOME_FAILED, other, sizeof other - 1);
    ck_assert_str_eq(r->primary.class_id, "resource.disk");
    ck_assert(r->primary.confidence - conf < 1e-9 && conf - r->primary.confidence < 1e-9);
    ck_assert_int_eq(r->primary.line, 4);
    classify_result_free(r);
    /* no failure line: the log's last lines, the same way */
    static const char tail[] = "fetching layers\n"
                               "  disk full: no space left on the device\n"
                               "will try again\n"
                               "will try again\n"
                               "  disk full: no space left on the device\n"
                               "giving up\n";
    r = run(rs, CLASSIFY_OUTCOME_FAILED, tail, sizeof tail - 1);
    ck_assert_str_eq(r->primary.class_id, "resource.disk");
    ck_assert_int_eq(r->primary.line, 2);
    ck_assert_str_eq(r->primary.text, "  disk full: no space left on the device");
    ck_assert_ptr_nonnull(strstr(r->explain, "last 3 non-blank lines (from line 4)"));
    classify_result_free(r);
    /* the lines read name the class only faintly ("space left"): a line
     * above holding one word of it ("space", odds 21:1) reads half as much
     * like it, yet names it too faintly on its own to be the evidence; one
     * that names it clearly ("space left on device") is */
    static const char faint[] = "reserving space\n"      /* 1: faint */
                                "will try again\n"       /* 2: read from here */
                                "quota: space left 0\n"  /* 3 */
                                "giving up\n"
                                "exit status 1\n";
    expect_primary(rs, CLASSIFY_OUTCOME_FAILED, faint, sizeof faint - 1, "resource.disk", 3);
    static const char clear[] = "no space left on device\n"
                                "will try again\n"
                                "quota: space left 0\n"
                                "giving up\n"
                                "exit status 1\n";
    r = run(rs, CLASSIFY_OUTCOME_FAILED, clear, sizeof clear - 1);
    ck_assert_int_eq(r->primary.line, 1);
    classify_result_free(r);
    /* with a passing run that printed that line too, it is the run's usual
     * chatter, not where this run failed: the evidence stays in the lines read */
    struct classify_baseline *b = baseline_of("no space left on device\nall done\n", 5);
    struct classify_ctx *c2 = classify_new(rs, CLASSIFY_OUTCOME_FAILED);
    classify_set_baseline(c2, b);
    classify_feed(c2, clear, sizeof clear - 1);
    r = classify_finish(c2);
    ck_assert_str_eq(r->primary.class_id, "resource.disk");
    ck_assert_int_eq(r->primary.line, 3);
    classify_result_free(r);
    classify_free(c2);
    classify_baseline_free(b);
    classify_rules_free(rs);
}
END_TEST

START_TEST(model_confidence_power_tempers_many_tokens)
{
    /* Naive Bayes takes each token as independent evidence, so three words
     * of a class make it 6700 times likelier (0.99985). With
     * confidence_power p the log-odds are divided by (known tokens)^p: at
     * 0.5, three known tokens give e^(8.81/sqrt 3) = 162:1 (0.9939). The
     * class stays the same; only how sure the model says it is changes. */
    static const char log[] = "step one\n"
                              "Error: blob store refused the upload\n"
                              "  not enough space left on the device\n"
                              "exit status 1\n";
    const char *at = strstr(model_text, "threshold 0.900\n");
    ck_assert_ptr_nonnull(at);
    size_t head = (size_t)(at - model_text) + strlen("threshold 0.900\n");
    char tempered[sizeof model_text + 64];
    snprintf(tempered, sizeof tempered, "%.*sconfidence_power 0.500\n%s", (int)head, model_text, model_text + head);
    struct classify_rules *rs = model_rules_with(model_text);
    struct classify_result *r = run(rs, CLASSIFY_OUTCOME_FAILED, log, sizeof log - 1);
    ck_assert_str_eq(r->primary.class_id, "resource.disk");
    ck_assert(r->primary.confidence > 0.9998);
    classify_result_free(r);
    classify_rules_free(rs);
    rs = model_rules_with(tempered);
    r = run(rs, CLASSIFY_OUTCOME_FAILED, log, sizeof log - 1);
    ck_assert_str_eq(r->primary.class_id, "resource.disk");
    ck_assert_str_eq(r->primary.rule_id, "model");
    ck_assert_msg(r->primary.confidence > 0.993 && r->primary.confidence < 0.995, "%f", r->primary.confidence);
    classify_result_free(r);
    classify_rules_free(rs);
    /* out of 0..1: the file is refused, with its line */
    struct buf warn = {0};
    struct classify_rules *bad = rules_from(model_rules, &warn);
    static const char badp[] = "artriage-nb 1\nwindow 3\nalpha 0.5\nthreshold 0.9\nconfidence_power 1.5\n";
    ck_assert_int_ne(classify_rules_set_model(bad, "test.nb", badp, sizeof badp - 1, &warn), 0);
    ck_assert_ptr_nonnull(strstr(warn.p, "test.nb:5: confidence_power"));
    buf_free(&warn);
    classify_rules_free(bad);
}
END_TEST

START_TEST(model_reads_a_traceback_from_its_exception_line)
{
    /* Python prints a traceback's header, then its frames (file names and
     * code), then the exception that says what went wrong. A block that
     * opens on the header is read from the exception line on, which is also
     * its evidence; a header whose traceback never ends keeps the header. */
    static const char rules[] = "rule py-traceback\n"
                                "class @error-block\n"
                                "match Traceback \\(most recent call last\\)\n"
                                "\n"
                                "rule failed\n"
                                "class @failure\n"
                                "match exit status [1-9]\n";
    struct buf warn = {0};
    struct classify_rules *rs = rules_from(rules, &warn);
    ck_assert_int_eq(classify_rules_set_model(rs, "test.nb", model_text, strlen(model_text), &warn), 0);
    ck_assert_msg(warn.len == 0, "%s", warn.p);
    buf_free(&warn);
    static const char log[] = "running export\n"
                              "Traceback (most recent call last):\n"
                              "  File \"/app/export.py\", line 12, in <module>\n"
                              "    write_all(rows)\n"
                              "\n"
                              "  File \"/app/store.py\", line 40, in write_all\n"
                              "    fh.write(data)\n"
                              "OSError: [Errno 28] No space left on device\n"
                              "exit status 1\n";
    const char *exc = strstr(log, "OSError");
    struct classify_result *r = run(rs, CLASSIFY_OUTCOME_FAILED, log, sizeof log - 1);
    ck_assert_str_eq(r->primary.class_id, "resource.disk");
    ck_assert_str_eq(r->primary.rule_id, "model");
    ck_assert_int_eq(r->primary.line, 8);
    ck_assert_int_eq(r->primary.offset, (int64_t)(exc - log));
    ck_assert_str_eq(r->primary.text, "OSError: [Errno 28] No space left on device");
    classify_result_free(r);
    /* one byte at a time: the same line and offset */
    struct classify_ctx *c = classify_new(rs, CLASSIFY_OUTCOME_FAILED);
    for (size_t i = 0; i < sizeof log - 1; i++) classify_feed(c, log + i, 1);
    r = classify_finish(c);
    ck_assert_int_eq(r->primary.line, 8);
    ck_assert_int_eq(r->primary.offset, (int64_t)(exc - log));
    classify_result_free(r);
    classify_free(c);
    /* behind a CI runner's time stamps, which take the blanks after them:
     * the frames are still the lines indented deeper than the header */
    static const char stamped[] = "2026-01-02T03:04:05.0000001Z running export\n"
                                  "2026-01-02T03:04:05.0000002Z Traceback (most recent call last):\n"
                                  "2026-01-02T03:04:05.0000003Z   File \"/app/export.py\", line 12, in <module>\n"
                                  "2026-01-02T03:04:05.0000004Z     write_all(rows)\n"
                                  "2026-01-02T03:04:05.0000005Z OSError: [Errno 28] No space left on device\n"
                                  "2026-01-02T03:04:05.0000006Z exit status 1\n";
    expect_primary(rs, CLASSIFY_OUTCOME_FAILED, stamped, sizeof stamped - 1, "resource.disk", 5);
    /* an exception the model cannot name: unknown points at the header, the
     * first failure line, as it does without a model */
    static const char vague[] = "running export\n"
                                "Traceback (most recent call last):\n"
                                "  File \"/app/export.py\", line 12, in <module>\n"
                                "ValueError: bad input\n"
                                "exit status 1\n";
    r = run(rs, CLASSIFY_OUTCOME_FAILED, vague, sizeof vague - 1);
    ck_assert_str_eq(r->primary.class_id, "unknown");
    ck_assert_int_eq(r->primary.line, 2);
    ck_assert_str_eq(r->primary.text, "Traceback (most recent call last):");
    ck_assert_ptr_nonnull(strstr(r->explain, "from its exception line 4"));
    classify_result_free(r);
    /* a traceback cut off before its exception: the header stays */
    static const char cut[] = "running export\n"
                              "Traceback (most recent call last):\n"
                              "  File \"/app/export.py\", line 12, in <module>\n";
    expect_primary(rs, CLASSIFY_OUTCOME_FAILED, cut, sizeof cut - 1, "unknown", 2);
    classify_rules_free(rs);
}
END_TEST

START_TEST(model_fallback_blocks_have_their_own_threshold)
{
    /* the lines before a bare failure line and a log's last lines are
     * right less often than an error block: the file gives them a higher
     * threshold. "space" alone reads 21:1 as resource.disk (0.955): enough
     * for an error block (0.900), not for a fallback block (0.990) */
    static const char text[] = "artriage-nb 1\n"
                               "window 3\n"
                               "alpha 0.500\n"
                               "threshold 0.900\n"
                               "fallback_threshold 0.990\n"
                               "classes 2\n"
                               "vocab 6\n"
                               "class network 10 30\n"
                               "class resource.disk 10 30\n"
                               "tok device 1:9\n"
                               "tok left 1:8\n"
                               "tok peer 0:8\n"
                               "tok socket 0:9\n"
                               "tok space 1:10\n"
                               "tok unreachable 0:10\n";
    struct classify_rules *rs = model_rules_with(text);
    static const char block[] = "Error: blob store refused the upload\n  space\nexit status 1\n";
    static const char bare[] = "blob store refused the upload\n  space\nexit status 1\n";
    static const char tail[] = "blob store refused the upload\n  space\n";
    static const char sure[] = "blob store refused the upload\n  no space left on device\nexit status 1\n";
    struct classify_result *r = run(rs, CLASSIFY_OUTCOME_FAILED, block, sizeof block - 1);
    ck_assert_str_eq(r->primary.class_id, "resource.disk");
    ck_assert(r->primary.confidence > 0.95 && r->primary.confidence < 0.96);
    classify_result_free(r);
    r = run(rs, CLASSIFY_OUTCOME_FAILED, bare, sizeof bare - 1);
    ck_assert_str_eq(r->primary.class_id, "unknown");
    ck_assert_int_eq(r->primary.line, 3); /* stays on the failure line */
    ck_assert_ptr_nonnull(strstr(r->explain, "< fallback threshold 0.990"));
    classify_result_free(r);
    r = run(rs, CLASSIFY_OUTCOME_FAILED, tail, sizeof tail - 1);
    ck_assert_str_eq(r->primary.class_id, "unknown");
    ck_assert_ptr_nonnull(strstr(r->explain, "< fallback threshold 0.990"));
    classify_result_free(r);
    /* three words of it (0.9998) pass the fallback threshold too */
    r = run(rs, CLASSIFY_OUTCOME_FAILED, sure, sizeof sure - 1);
    ck_assert_str_eq(r->primary.class_id, "resource.disk");
    ck_assert_ptr_nonnull(strstr(r->explain, ">= fallback threshold 0.990"));
    classify_result_free(r);
    classify_rules_free(rs);
    /* a file without the line: the fallback blocks use the threshold */
    rs = model_rules_with(model_text);
    r = run(rs, CLASSIFY_OUTCOME_FAILED, bare, sizeof bare - 1);
    ck_assert_str_eq(r->primary.class_id, "resource.disk");
    ck_assert_int_eq(r->primary.line, 2); /* "space", not the block's first line */
    classify_result_free(r);
    /* out of 0..1: the model is not used */
    struct buf warn = {0};
    static const char badfb[] = "artriage-nb 1\nwindow 3\nalpha 0.5\nthreshold 0.9\nfallback_threshold 1.5\n";
    ck_assert_int_eq(classify_rules_set_model(rs, "test.nb", badfb, strlen(badfb), &warn), -1);
    ck_assert_ptr_nonnull(strstr(warn.p, "test.nb:5: fallback_threshold"));
    buf_free(&warn);
    classify_rules_free(rs);
}
END_TEST

START_TEST(model_reads_word_pairs_and_camel_case_parts)
{
    /* the model knows one word pair and one part of a camelCase word: each
     * alone names its class at 21:1 (0.955) */
    static const char text[] = "artriage-nb 1\n"
                               "window 3\n"
                               "alpha 0.500\n"
                               "threshold 0.900\n"
                               "classes 2\n"
                               "vocab 2\n"
                               "class network 10 10\n"
                               "class resource.disk 10 10\n"
                               "tok no__space 1:10\n"
                               "tok pull 0:10\n";
    struct classify_rules *rs = model_rules_with(text);
    static const struct {
        const char *log, *want;
    } cases[] = {
        {"Error: no space on the volume\n", "resource.disk"},
        {"Error: NO   Space\n", "resource.disk"},           /* words, not bytes: case and blanks */
        {"Error: space, no\n", "unknown"},                  /* the other order is another pair */
        {"Error: no\n  space\n", "unknown"},                /* no pair across lines */
        {"Error: no\rspace\n", "unknown"},                  /* a lone CR ends a line too */
        {"Error: no such space\n", "unknown"},               /* a pair is of neighbours only */
        {"Error: no a space\n", "resource.disk"},           /* a one-byte word is no token */
        {"Error: no 12 space\n", "unknown"},                 /* a number is a token between them */
        {"Error: back-off: ImagePullBackOff\n", "network"}, /* image, pull, back, off */
        {"Error: IMAGEPULLBACKOFF\n", "unknown"},            /* no lower-case before upper-case */
        {"Error: imagepull\n", "unknown"},
        {"Error: x_Pull\n", "unknown"},                      /* "_" before "P": no cut */
        {"Error: aPull\n", "network"},                       /* a part of one byte is dropped, "pull" read */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct classify_result *r = run(rs, CLASSIFY_OUTCOME_FAILED, cases[i].log, strlen(cases[i].log));
        ck_assert_msg(strcmp(r->primary.class_id, cases[i].want) == 0, "%zu: %s: %s, want %s", i, cases[i].log,
                      r->primary.class_id, cases[i].want);
        classify_result_free(r);
    }
    classify_rules_free(rs);
}
END_TEST

START_TEST(model_never_changes_a_rule_verdict)
{
    struct classify_rules *rs = model_rules_with(model_text);
    static const char log[] = "Error: Cannot find module 'left-pad'\n"
                              "  no space left on device\n"
                              "exit status 1\n";
    struct classify_result *r = run(rs, CLASSIFY_OUTCOME_FAILED, log, sizeof log - 1);
    ck_assert_str_eq(r->primary.class_id, "runtime.missing-module");
    ck_assert_str_eq(r->primary.rule_id, "cannot-find-module");
    ck_assert(r->primary.confidence == 0);
    classify_result_free(r);
    classify_rules_free(rs);
}
END_TEST

START_TEST(model_low_confidence_stays_unknown)
{
    struct classify_rules *rs = model_rules_with(model_text);
    /* as much of one class as of the other: 0.5 < threshold 0.9 */
    static const char log[] = "Error: upload failed\n"
                              "  space unreachable\n"
                              "exit status 1\n";
    struct classify_result *r = run(rs, CLASSIFY_OUTCOME_FAILED, log, sizeof log - 1);
    ck_assert_str_eq(r->primary.class_id, "unknown");
    ck_assert(r->primary.confidence == 0);
    ck_assert_ptr_nonnull(strstr(r->explain, "stays unknown"));
    classify_result_free(r);
    classify_rules_free(rs);
}
END_TEST

START_TEST(model_corrupt_file_is_reported_and_ignored)
{
    struct classify_rules *rs = model_rules_with(model_text);
    const char *before = classify_rules_version(rs);
    char v1[64];
    snprintf(v1, sizeof v1, "%s", before);
    static const char *const bad[] = {
        "artriage-nb 2\n",                                                   /* line 1 */
        "artriage-nb 1\nwindow 3\nalpha x\n",                                /* line 3 */
        "artriage-nb 1\nwindow 3\nalpha 0.5\nthreshold 0.9\nclasses 2\nvocab 1\n"
        "class network 1 1\nclass resource.disk 1 1\ntok space 7:1\n",       /* line 9 */
        "artriage-nb 1\nwindow 3\n",                                         /* incomplete */
    };
    static const char *const where[] = {"test.nb:1: ", "test.nb:3: ", "test.nb:9: ", "test.nb: "};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct buf warn = {0};
        ck_assert_int_eq(classify_rules_set_model(rs, "test.nb", bad[i], strlen(bad[i]), &warn), -1);
        ck_assert_msg(warn.p && strncmp(warn.p, where[i], strlen(where[i])) == 0, "%zu: %s", i, warn.p);
        ck_assert_int_eq((int)(strchr(warn.p, '\n') - warn.p), (int)warn.len - 1); /* one line */
        ck_assert(!classify_rules_has_model(rs));
        buf_free(&warn);
    }
    ck_assert_str_ne(classify_rules_version(rs), v1);
    /* the classifier works without it: the block stays unknown */
    static const char log[] = "Error: blob store refused the upload\n"
                              "  not enough space left on the device\n"
                              "exit status 1\n";
    struct classify_result *r = run(rs, CLASSIFY_OUTCOME_FAILED, log, sizeof log - 1);
    ck_assert_str_eq(r->primary.class_id, "unknown");
    ck_assert_int_eq(r->primary.line, 1);
    classify_result_free(r);
    /* a missing file is no problem; a file is loaded like the text */
    struct buf warn = {0};
    ck_assert_int_eq(classify_rules_load_model(rs, "/nonexistent/classes.nb", &warn), 0);
    ck_assert_int_eq((int)warn.len, 0);
    buf_free(&warn);
    classify_rules_free(rs);
}
END_TEST

START_TEST(test_diff_value_is_not_a_shell_trace)
{
    /* a test runner's "- Expected / + Received" diff prints lone values
     * ("+ 7"): not the shell tracing a command, so not a new step that would
     * set the failing test above it aside as an earlier step */
    ck_assert_ptr_nonnull(shipped);
    static const char log[] = "##[group]Run npm test\n"
                              "npm test\n"
                              "##[endgroup]\n"
                              " \xc3\x97 cart > totals the basket 4ms\n"
                              "   \xe2\x86\x92 expected 7 to be 9\n"
                              "- Expected\n"
                              "+ Received\n"
                              "- 9\n"
                              "+ 7\n"
                              "+ false\n"
                              " Test Files  1 failed (1)\n"
                              "##[error]Process completed with exit code 1.\n";
    struct classify_result *r = run(shipped, CLASSIFY_OUTCOME_FAILED, log, sizeof log - 1);
    ck_assert_str_eq(r->primary.class_id, "test.failure");
    ck_assert_int_eq(r->primary.line, 4);
    ck_assert(!has_finding(r, 4, CLASSIFY_F_PASSED));
    classify_result_free(r);
    /* a real trace line still starts a step */
    static const char traced[] = "+ ./configure --quiet\n"
                                 "configure: error: zlib development files missing\n"
                                 "+ make check\n"
                                 " \xc3\x97 parser > reads headers 2ms\n"
                                 " Test Files  1 failed (1)\n"
                                 "make: *** [check] Error 1\n";
    r = run(shipped, CLASSIFY_OUTCOME_FAILED, traced, sizeof traced - 1);
    ck_assert_int_eq(r->primary.line, 4);
    classify_result_free(r);
}
END_TEST

START_TEST(lld_undefined_symbol_is_a_link_error)
{
    /* LLVM's linker names an unresolved symbol "undefined symbol", not GNU
     * ld's "undefined reference": the build does not link */
    ck_assert_ptr_nonnull(shipped);
    static const char log[] = "  LD      vmlinux.o\n"
                              "ld.lld: error: undefined symbol: frob_widget_init\n"
                              ">>> referenced by widget.c:88 (drivers/widget.c:88)\n"
                              "make[1]: *** [Makefile:1160: vmlinux] Error 1\n"
                              "make: *** [Makefile:146: sub-make] Error 2\n";
    struct classify_result *r = run(shipped, CLASSIFY_OUTCOME_FAILED, log, sizeof log - 1);
    ck_assert_str_eq(r->primary.class_id, "build.compile");
    ck_assert_int_eq(r->primary.line, 2);
    classify_result_free(r);
}
END_TEST

START_TEST(lint_verdicts_and_go_tool_wordings)
{
    /* flake8's "file:line:col: CODE text", pre-commit's dotted verdict per
     * hook, and the go command missing a tool of its own toolchain */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("$ flake8 --statistics\n"
                  "./shop/cart.py:88:80: E501 line too long (97 > 79 characters)\n"
                  "1     E501 line too long (97 > 79 characters)\n"
                  "Exited with code exit status 1\n",
                  "test.failure", 2);
    shipped_names("check yaml...............................................................Passed\n"
                  "trim trailing whitespace.................................................Failed\n"
                  "- hook id: trailing-whitespace\n",
                  "test.failure", 2);
    shipped_names("# example.com/svc/cmd/tool\n"
                  "go: no such tool \"covdata\"\n"
                  "ok  \texample.com/svc/pkg/api\t0.21s\tcoverage: 80.1% of statements\n"
                  "##[error]Process completed with exit code 1.\n",
                  "runtime.missing-executable", 2);
}
END_TEST

START_TEST(jenkins_verdicts_are_failure_lines)
{
    /* Jenkins ends a failed build with "Finished: FAILURE", a freestyle
     * job's shell step with "Build step '...' marked build as failure", and
     * a pipeline's build step reports the downstream job it started */
    ck_assert_ptr_nonnull(shipped);
    static const char freestyle[] = "[deploy] $ /bin/sh -xe /tmp/jenkins42.sh\n"
                                    "+ ./migrate.sh\n"
                                    "Error: connect ECONNREFUSED 10.0.4.7:5432\n"
                                    "Build step 'Execute shell' marked build as failure\n"
                                    "Finished: FAILURE\n";
    /* no outcome given: the verdict lines are what says the run failed */
    struct classify_result *r = run(shipped, CLASSIFY_OUTCOME_UNKNOWN, freestyle, sizeof freestyle - 1);
    ck_assert_msg(r->has_primary, "no primary");
    ck_assert_str_eq(r->primary.class_id, "network");
    ck_assert_int_eq(r->primary.line, 3);
    classify_result_free(r);
    static const char pipeline[] = "[Pipeline] build\n"
                                   "Scheduling project: shop \xc2\xbb hooks \xc2\xbb pre-build\n"
                                   "Starting building: shop \xc2\xbb hooks \xc2\xbb pre-build #13\n"
                                   "Build shop \xc2\xbb hooks \xc2\xbb pre-build #13 completed: FAILURE\n"
                                   "[Pipeline] }\n"
                                   "[Pipeline] End of Pipeline\n"
                                   "Finished: FAILURE\n";
    expect_primary(shipped, CLASSIFY_OUTCOME_FAILED, pipeline, sizeof pipeline - 1, "unknown", 4);
}
END_TEST

START_TEST(ant_task_column_is_a_log_prefix)
{
    /* Ant prints a task's lines behind its name in brackets, right-aligned
     * in 12 columns ("     [exec] "), or after a stamp: the task's own
     * "ERROR: ..." is the failure, before Ant's "BUILD FAILED" */
    static const char rules[] = "rule failure\n"
                                "class @failure\n"
                                "match ^\\s*(Error|\\w+Error): \\S\n"
                                "match ^BUILD FAILED\\b\n";
    struct buf warn = {0};
    struct classify_rules *rs = rules_from(rules, &warn);
    static const char plain[] = "jars:\n"
                                "     [exec] reading the jar list\n"
                                "     [exec] ERROR: lib directory not found\n"
                                "\n"
                                "BUILD FAILED\n";
    struct classify_result *r = run(rs, CLASSIFY_OUTCOME_FAILED, plain, sizeof plain - 1);
    ck_assert_str_eq(r->primary.class_id, "unknown");
    ck_assert_int_eq(r->primary.line, 3);
    classify_result_free(r);
    static const char stamped[] = "[2025-02-11T09:30:00.100Z] jars:\n"
                                  "[2025-02-11T09:30:00.200Z]      [exec] ERROR: lib directory not found\n"
                                  "[2025-02-11T09:30:00.900Z] BUILD FAILED\n";
    r = run(rs, CLASSIFY_OUTCOME_FAILED, stamped, sizeof stamped - 1);
    ck_assert_int_eq(r->primary.line, 2);
    classify_result_free(r);
    /* a bracketed word that is not Ant's column stays text */
    static const char other[] = "  [note] Error: only a note\n"
                                "BUILD FAILED\n";
    r = run(rs, CLASSIFY_OUTCOME_FAILED, other, sizeof other - 1);
    ck_assert_int_eq(r->primary.line, 2);
    classify_result_free(r);
    classify_rules_free(rs);
    buf_free(&warn);
}
END_TEST

START_TEST(passed_test_name_is_not_a_cause)
{
    /* a passing test's report line names what it checks ("rejects an
     * invalid API key"); the job failed later, on a hook answering 401 */
    ck_assert_ptr_nonnull(shipped);
    static const char log[] = " \xe2\x9c\x93 auth > rejects an invalid API key 3ms\n"
                              " \xe2\x9c\x94 auth > refuses an expired token\n"
                              " Test Files  4 passed (4)\n"
                              "Notifying the release hook...\n"
                              "release hook request failed with status: 401\n"
                              "##[error]Process completed with exit code 1.\n";
    struct classify_result *r = run(shipped, CLASSIFY_OUTCOME_FAILED, log, sizeof log - 1);
    ck_assert_str_eq(r->primary.class_id, "auth.credentials");
    ck_assert_int_eq(r->primary.line, 5);
    for (size_t i = 0; i < r->nfindings; i++)
        if (r->findings[i].line == 1) ck_assert(r->findings[i].flags & CLASSIFY_F_SCRIPT);
    classify_result_free(r);
}
END_TEST

START_TEST(pytest_collecting_nothing_fails_the_check)
{
    /* pytest exits 5 when it collects no test; with nothing stronger in the
     * log its own summary line is where the step failed */
    ck_assert_ptr_nonnull(shipped);
    static const char log[] = "##[group]Run python -m pytest tests/unit\n"
                              "python -m pytest tests/unit\n"
                              "##[endgroup]\n"
                              "============================= test session starts ==============================\n"
                              "rootdir: /home/runner/work/shop/shop\n"
                              "collected 0 items\n"
                              "\n"
                              "============================ no tests ran in 0.04s =============================\n"
                              "##[error]Process completed with exit code 5.\n";
    struct classify_result *r = run(shipped, CLASSIFY_OUTCOME_FAILED, log, sizeof log - 1);
    ck_assert_str_eq(r->primary.class_id, "test.failure");
    ck_assert_int_eq(r->primary.line, 8);
    classify_result_free(r);
}
END_TEST

START_TEST(markdownlint_error_is_a_failed_check)
{
    /* markdownlint names the file, line and rule of each violation; the
     * lint step fails on them */
    ck_assert_ptr_nonnull(shipped);
    static const char log[] = "##[group]Run npx markdownlint-cli2 \"**/*.md\"\n"
                              "##[endgroup]\n"
                              "Linting: 12 file(s)\n"
                              "Summary: 1 error(s)\n"
                              "docs/guide/setup.md:40:81 error MD013/line-length Line length [Expected: 80; Actual: 96]\n"
                              "##[error]Process completed with exit code 1.\n";
    struct classify_result *r = run(shipped, CLASSIFY_OUTCOME_FAILED, log, sizeof log - 1);
    ck_assert_str_eq(r->primary.class_id, "test.failure");
    ck_assert_int_eq(r->primary.line, 5);
    classify_result_free(r);
}
END_TEST

START_TEST(input_token_count_over_the_maximum_is_the_context_window)
{
    /* Gemini's words for a request larger than the model's window */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("> summarise the repository\n"
                  "Error: request rejected: The input token count (301522) exceeds the maximum number of "
                  "tokens allowed (262144).\n",
                  "config.invalid", 2);
}
END_TEST

START_TEST(no_model_available_is_not_a_test_cross)
{
    /* an agent CLI's cross before "no model is available" is its own error
     * glyph: the account has no model to use, no test failed */
    ck_assert_ptr_nonnull(shipped);
    shipped_names(" Signed in as build-bot\n"
                  " x  cannot start the session\n"
                  " ✗ No models are available for this organisation. Ask an admin to enable one.\n",
                  "config.invalid", 3);
}
END_TEST

START_TEST(dependency_checksum_mismatch_is_the_pin)
{
    ck_assert_ptr_nonnull(shipped);
    shipped_names("go: downloading example.org/kit v1.9.0\n"
                  "verifying example.org/kit@v1.9.0: checksum mismatch\n"
                  "\tdownloaded: h1:AAAA\n"
                  "\tgo.sum:     h1:BBBB\n"
                  "SECURITY ERROR\n",
                  "config.invalid", 2);
}
END_TEST

START_TEST(apt_unmet_dependencies_are_the_spec)
{
    ck_assert_ptr_nonnull(shipped);
    shipped_names("Reading package lists...\n"
                  "Some packages could not be installed.\n"
                  "The following packages have unmet dependencies:\n"
                  " libfoo-dev : Depends: libfoo2 (= 2.1-1) but 2.3-1 is to be installed\n"
                  "E: Unable to correct problems, you have held broken packages.\n"
                  "exit code: 100\n",
                  "config.invalid", 3);
}
END_TEST

START_TEST(execvp_of_a_missing_program)
{
    ck_assert_ptr_nonnull(shipped);
    shipped_names("starting sandbox for task 17\n"
                  "nsjail: execvp ./tools/lint.sh: No such file or directory\n"
                  "task 17 exited with 1\n",
                  "runtime.missing-executable", 2);
}
END_TEST

START_TEST(libtest_header_after_a_clock_prefix)
{
    /* a CI stamps each line "[hh:mm:ss] ": the panic under libtest's report
     * header is still the test failing */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("[10:42:07] running 3 tests\n"
                  "[10:42:08] ---- parse::rejects_empty stdout ----\n"
                  "[10:42:08] thread 'parse::rejects_empty' panicked at src/parse.rs:41:9:\n"
                  "[10:42:08] explicit panic\n"
                  "[10:42:08] test result: FAILED. 2 passed; 1 failed\n",
                  "test.failure", 3);
}
END_TEST

START_TEST(helper_died_unexpectedly_is_a_crash)
{
    ck_assert_ptr_nonnull(shipped);
    shipped_names("fetching 12 archives\n"
                  "pool: worker 3 has died unexpectedly\n"
                  "pool: worker 3 killed by signal 11\n"
                  "exit status 1\n",
                  "runtime.crash", 2);
}
END_TEST

START_TEST(oomkilled_false_is_not_an_oom)
{
    /* a state dump that says the kill was not for memory */
    ck_assert_ptr_nonnull(shipped);
    static const char log[] = "{\n"
                              "  \"Status\": \"exited\",\n"
                              "  \"OOMKilled\": false,\n"
                              "  \"ExitCode\": 137\n"
                              "}\n";
    struct classify_result *r = run(shipped, CLASSIFY_OUTCOME_FAILED, log, sizeof log - 1);
    ck_assert(r->has_primary);
    ck_assert_str_ne(r->primary.class_id, "resource.oom");
    classify_result_free(r);
    /* the word alone still names it */
    shipped_names("container app: OOMKilled (exit 137)\n", "resource.oom", 1);
}
END_TEST

START_TEST(pip_retries_on_aborted_connections_are_the_cause)
{
    /* every fetch of the index was aborted: the missing version that
     * follows is the consequence */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("WARNING: Retrying (Retry(total=2, connect=None, read=None)) after connection broken by "
                  "'ProtocolError('Connection aborted.', RemoteDisconnected('closed'))': /simple/attrs/\n"
                  "WARNING: Retrying (Retry(total=1, connect=None, read=None)) after connection broken by "
                  "'ProtocolError('Connection aborted.', RemoteDisconnected('closed'))': /simple/attrs/\n"
                  "ERROR: Could not find a version that satisfies the requirement attrs\n",
                  "network", 1);
}
END_TEST

START_TEST(download_network_timeout_is_network)
{
    /* a socket that timed out while downloading, not a deadline of the run */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("Resolved 40 packages in 1.2s\n"
                  "error: Failed to download torch==2.4.0 due to network timeout. Try again later.\n",
                  "network", 2);
}
END_TEST

START_TEST(passive_timeout_wording)
{
    /* "the time limit was reached" names the deadline before the runner's
     * job-failed line */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("Running integration suite\n"
                  "Terminated\n"
                  "WARNING: the step stopped early because its time limit was reached\n"
                  "ERROR: Job failed: execution took longer than 10m0s seconds\n",
                  "timeout", 3);
}
END_TEST

START_TEST(existing_pr_check_failing_is_pr_create)
{
    ck_assert_ptr_nonnull(shipped);
    shipped_names("pushed branch fix/typo\n"
                  "failed to check for existing pull request: GraphQL: something went wrong\n",
                  "vcs.pr-create", 2);
}
END_TEST

START_TEST(shell_prompt_line_is_the_command_not_its_output)
{
    /* a pasted session: the words after the prompt are what the user typed */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("dev@build-02:~/svc$ grep 'exited with code 2' /var/log/svc.log\n"
                  "Jun 02 10:00:01 build-02 svc[311]: migrate exited with code 2\n",
                  "unknown", 2);
}
END_TEST

START_TEST(tree_head_of_a_failed_download_is_the_evidence)
{
    /* a miette-style tree: the head names the download, the leaf the
     * connection; the head is the error's first line */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("Resolved 12 packages in 0.4s\n"
                  "  × Failed to fetch `https://files.example.org/pkg-1.0.tar.gz`\n"
                  "  ├─▶ Request failed after 3 retries\n"
                  "  ╰─▶ tcp connect error: Connection refused (os error 111)\n",
                  "network", 2);
    /* a 404 in the tree is no connection failure: not this rule */
    static const char gone[] = "  × Failed to download `pkg==9.9`\n"
                               "  ╰─▶ HTTP status client error (404 Not Found) for url (https://x.example/pkg)\n";
    struct classify_result *r = run(shipped, CLASSIFY_OUTCOME_FAILED, gone, sizeof gone - 1);
    ck_assert(!r->has_primary || !r->primary.rule_id || strcmp(r->primary.rule_id, "tree-download-failed-network") != 0);
    classify_result_free(r);
}
END_TEST

START_TEST(shipped_rules_agent_pod_and_git_wordings)
{
    /* issue #15, agent-blind10 misses by mechanism, in other words than those
     * logs. A cloud SDK that cannot load its login, or whose SSO login ran
     * out, is a credential (even when a daemon logs it as a warning) */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("INFO  agent: resuming session 12\n"
                  "WARN  agent: provider bedrock unavailable: Failed to load AWS credentials (profile ci)\n",
                  "auth.credentials", 2);
    shipped_names("$ aws s3 ls\n\nError when retrieving token from sso: Token has expired and refresh failed\n",
                  "auth.credentials", 3);
    /* a model the provider or the plan refuses by name */
    shipped_names("> tidy the imports\nrequest failed: The \"opus-x-9\" model is not supported on the free plan.\n",
                  "config.invalid", 2);
    shipped_names("error: model 'gemini-ultra-7' is not supported by this endpoint\n", "config.invalid", 1);
    /* runtimes other than the kubelet say "failed to pull <kind> image" */
    shipped_names("sandbox start: unable to pull OCI image registry.example/acme/tools:9: not authorized\n",
                  "image.pull", 1);
    /* a push that names no branch and finds none in common does nothing; the
     * hang-up after it is that failure, not the network */
    shipped_names("$ git push\nNo refs in common and none specified; doing nothing.\n"
                  "Perhaps you should specify a branch.\nfatal: The remote end hung up unexpectedly\n",
                  "vcs.worktree", 2);
    /* git-lfs cannot fetch an object on checkout: the first line names it, not
     * the clone's closing "checkout failed" */
    shipped_names("Cloning into 'assets'...\nDownloading models/w.bin (12 MB)\n"
                  "Error downloading object: models/w.bin (abc1234): Smudge error: Error downloading models/w.bin "
                  "(abc1234def): [404] Object does not exist on the server\n"
                  "error: external filter 'git-lfs filter-process' failed\n"
                  "fatal: models/w.bin: smudge filter lfs failed\n"
                  "warning: Clone succeeded, but checkout failed.\n",
                  "vcs.worktree", 3);
    /* ... unless the same line says the connection failed */
    shipped_names("Smudge error: Error downloading models/w.bin: dial tcp 10.0.0.9:443: i/o timeout\n", "network", 1);
    /* a Python program logging a failed spawn without the exception's name:
     * a bare name is the program; a file name with an extension is not */
    shipped_names("12:00:01 - runner:ERROR: box.py:40 - could not start the builder: "
                  "[Errno 2] No such file or directory: 'podman'\n",
                  "runtime.missing-executable", 1);
    static const char file[] = "loader: [Errno 2] No such file or directory: 'settings.toml'\nexit status 1\n";
    struct classify_result *r = run(shipped, CLASSIFY_OUTCOME_FAILED, file, sizeof file - 1);
    /* (no rule: the wording model may still read the bare failure's block) */
    ck_assert(!r->has_primary || strcmp(r->primary.rule_id, "model") == 0 ||
              strcmp(r->primary.class_id, "runtime.missing-executable") != 0);
    classify_result_free(r);
    /* pre-commit's line of a hook that failed, with its id under it */
    shipped_names("[INFO] Initializing environment for local hooks.\n"
                  "ruff.....................................................................Failed\n"
                  "- hook id: ruff\n- exit code: 1\n\nsrc/app.py:3:1: F401 `os` imported but unused\n",
                  "test.failure", 2);
}
END_TEST

START_TEST(shipped_rules_platform_wordings)
{
    /* issue #15, agent-blind13 misses by mechanism, in other words than those
     * logs: the platform around a run (the API server, registries, cloud
     * logins, CI runners) words its refusals its own way */
    ck_assert_ptr_nonnull(shipped);
    /* kubectl for a 401 of the API server, in both of client-go's wordings */
    shipped_names("$ kubectl -n agents get jobs\n"
                  "error: You must be logged in to the server (token rejected by the webhook authenticator)\n",
                  "auth.credentials", 2);
    shipped_names("E0102 03:04:05.678901   4242 memcache.go:265] couldn't get current server API group list: "
                  "the server has asked for the client to provide credentials\n",
                  "auth.credentials", 1);
    /* an exec credential helper whose cloud login must be renewed, behind
     * kubectl's "Unable to connect" wrapper (not a network failure) */
    shipped_names("kubectl rollout status deploy/worker\n"
                  "Unable to connect to the server: getting credentials: exec: helper failed: Reauthentication required.\n",
                  "auth.credentials", 2);
    shipped_names("ERROR: (gcloud.auth.print-access-token) There was a problem refreshing your current auth tokens: "
                  "session ended\n",
                  "auth.credentials", 1);
    /* Azure AD's coded sign-in errors, and a refresh token that "has" expired */
    shipped_names("$ az aks get-credentials -g team -n c2\n"
                  "AADSTS50173: The provided grant is no longer valid, a fresh sign-in is needed.\n",
                  "auth.credentials", 2);
    shipped_names("deploy: cannot continue, the refresh token has expired for tenant contoso\n", "auth.credentials", 1);
    /* RBAC: the run's service account may not do what it tried */
    shipped_names("Error from server (Forbidden): jobs.batch is forbidden: User \"system:serviceaccount:ci:bot\" "
                  "cannot create resource \"jobs\" in API group \"batch\" in the namespace \"builds\"\n",
                  "auth.credentials", 1);
    /* a registry that refuses a login is a credential; the same refusal of a
     * manifest request is a pull that failed */
    shipped_names("$ docker login reg.example.net -u ci --password-stdin\n"
                  "Error response from daemon: Get \"https://reg.example.net/v2/\": unauthorized: incorrect username or password\n",
                  "auth.credentials", 2);
    shipped_names("Pulling sidecar...\n"
                  "error: Head \"https://reg.example.net/v2/tools/sidecar/manifests/2.4\": "
                  "unauthorized: authentication required\n",
                  "image.pull", 2);
    /* a ResourceQuota that is spent, and one that wants a field declared */
    shipped_names("  Warning  FailedCreate  4s  job-controller  Error creating: pods \"sync-7\" is forbidden: "
                  "exceeded quota: team-q, requested: requests.cpu=4, used: requests.cpu=6, limited: requests.cpu=8\n",
                  "rate-limit", 1);
    shipped_names("pods \"sync-8\" is forbidden: failed quota: mem-q: must specify requests.memory\n",
                  "config.invalid", 1);
    /* admission policies and controllers other than webhooks */
    shipped_names("$ kubectl apply -f job.yaml\n"
                  "The jobs \"agent-9\" is forbidden: ValidatingAdmissionPolicy 'need-owner' with binding 'need-owner-b' "
                  "denied request: owner label missing\n",
                  "config.invalid", 2);
    shipped_names("Error from server (Forbidden): pods \"p\" is forbidden: admission plugin PodNodeSelector rejected the pod\n",
                  "config.invalid", 1);
    /* a CI runner that was lost names no cause: unknown, at its own line
     * rather than at a wording model's guess on the lines before */
    shipped_names("Run ./scripts/e2e.sh\n"
                  "The self-hosted runner: rack-3-b lost communication with the server. Verify the machine is up.\n",
                  "unknown", 2);
    /* a key=value log's fatal line is the failure line, not the wrapper's
     * exit line after it */
    shipped_names("time=\"2026-01-02T03:04:05Z\" level=info msg=\"refreshing app\"\n"
                  "time=\"2026-01-02T03:04:06Z\" level=fatal msg=\"sync aborted by the operator\"\n"
                  "script returned exit code 1\n",
                  "unknown", 2);
    /* klog's F-prefixed line is a program's own fatal exit */
    shipped_names("I0102 03:04:05.000001      77 main.go:40] starting controller\n"
                  "F0102 03:04:09.000002      77 main.go:88] cannot continue: leader lease lost\n",
                  "unknown", 2);
    /* a runner stopped under the job */
    shipped_names("Starting job 42\nThe runner has received a shutdown signal. Stopping.\n", "unknown", 2);
    /* a push without a stored login */
    shipped_names("$ docker push reg.example.net/tools/cli:5\n"
                  "The push refers to repository [reg.example.net/tools/cli]\n"
                  "no basic auth credentials\n",
                  "auth.credentials", 3);
}
END_TEST

START_TEST(package_index_fetch_failed_before_missing_package)
{
    /* apk could not fetch its indexes (the network), so it then cannot find
     * the package: the fetch is the cause, the missing package its
     * consequence; without a fetch failure the missing package is the spec */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("$ apk add --no-cache jq\n"
                  "fetch https://mirror.example.net/alpine/v3.19/main/x86_64/APKINDEX.tar.gz\n"
                  "WARNING: updating and opening https://mirror.example.net/alpine/v3.19/main: temporary error (try again later)\n"
                  "ERROR: unable to select packages:\n"
                  "  jq (no such package):\n"
                  "    required by: world[jq]\n",
                  "network", 3);
    shipped_names("$ apk add --no-cache jqq\n"
                  "ERROR: unable to select packages:\n"
                  "  jqq (no such package):\n"
                  "    required by: world[jqq]\n",
                  "config.invalid", 2);
}
END_TEST

START_TEST(php_and_ruby_resolvers_name_the_spec)
{
    /* composer's and bundler's words for a requirement the sources cannot
     * satisfy; bundler's runtime check of an installed bundle is a gem that
     * is only not installed */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("Loading composer repositories with package information\n"
                  "Updating dependencies\n"
                  "Your requirements could not be resolved to an installable set of packages.\n"
                  "\n"
                  "  Problem 1\n"
                  "    - acme/widgets 2.0.0 requires acme/gears ^9.0 -> no matching package found.\n",
                  "config.invalid", 3);
    shipped_names("    - acme/widgets 2.0.0 requires acme/gears ^9.0 -> no matching package found.\n",
                  "config.invalid", 1);
    shipped_names("$ bundle install --jobs 4\n"
                  "Fetching gem metadata from https://gems.example.org/...\n"
                  "Could not find rack-9.9.9 in any of the sources\n",
                  "config.invalid", 3);
    shipped_names("Could not find gem 'widgetry (~> 4.2)' in any of the gem sources listed in your Gemfile.\n",
                  "config.invalid", 1);
    shipped_names("Your Gemfile has no gem server sources. Add a source line to it.\n"
                  "Could not find gem 'widgetry' in any of the gem sources listed in your Gemfile\n",
                  "config.invalid", 1);
    shipped_names("$ bundle exec rspec\n"
                  "Could not find gem 'widgetry (~> 4.2)' in any of the gem sources listed in your Gemfile. "
                  "Run `bundle install` to install missing gems.\n",
                  "runtime.missing-module", 2);
}
END_TEST

START_TEST(image_build_dockerfile_path_is_config)
{
    /* a build pointed at a Dockerfile that is not there, in kaniko's and
     * docker's words */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("INFO[0000] Retrieving image manifest alpine:3.19\n"
                  "Error: error resolving dockerfile path: please provide a valid path to a Dockerfile within the "
                  "build context with --dockerfile\n",
                  "config.invalid", 2);
    shipped_names("#1 [internal] load build definition from build/Dockerfile.ci\n"
                  "ERROR: failed to solve: failed to read dockerfile: open build/Dockerfile.ci: no such file or directory\n",
                  "config.invalid", 2);
}
END_TEST

START_TEST(npm_registry_refuses_the_credential)
{
    /* npm's debug log: the registry asked for a credential, before the E401
     * code line */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("41 verbose stack HttpErrorAuthUnknown: Unable to authenticate, need: Basic realm=\"Sonatype Nexus\"\n"
                  "42 verbose statusCode 401\n"
                  "43 error code E401\n",
                  "auth.credentials", 1);
}
END_TEST

START_TEST(typescript_code_under_a_loader_header)
{
    /* webpack loaders print the TypeScript code without "error", under an
     * "ERROR in <file>" header: the header is the message's first line */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("Hash: 4f1c2a\n"
                  "ERROR in ./src/api/client.ts:12:7\n"
                  "    TS2345: Argument of type 'string' is not assignable to parameter of type 'number'.\n",
                  "build.compile", 2);
    shipped_names("compiling...\n"
                  "  TS2304: Cannot find name 'fetchUser'.\n",
                  "build.compile", 2);
}
END_TEST

START_TEST(ctest_first_failed_result_line_before_the_count)
{
    /* CTest reports each test as it ends; the first "***Failed" result is the
     * evidence, not the "% tests passed" count printed after all of them */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("Test project /build/libfoo\n"
                  "    Start 1: parser_roundtrip\n"
                  "1/3 Test #1: parser_roundtrip .................   Passed    0.02 sec\n"
                  "    Start 2: lexer_unicode\n"
                  "2/3 Test #2: lexer_unicode ....................***Failed    1.10 sec\n"
                  "3/3 Test #3: cli_smoke ........................***Failed    0.30 sec\n"
                  "\n"
                  "33% tests passed, 2 tests failed out of 3\n",
                  "test.failure", 5);
}
END_TEST

START_TEST(dotnet_test_run_failed_and_per_test_lines)
{
    /* vstest's banner over its totals names failed tests on its own */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("Starting test execution, please wait...\n"
                  "Test Run Failed.\n"
                  "Total tests: 40\n"
                  "     Passed: 38\n"
                  "     Failed: 2\n",
                  "test.failure", 2);
    /* the per-test line comes before its assertion (vstest, then the
     * testing platform's lower-case form with arguments and a duration) */
    shipped_names("  Passed Shop.Tests.CartTests.AddsItem [3 ms]\n"
                  "  Failed Shop.Tests.CartTests.AppliesDiscount [41 ms]\n"
                  "  Error Message:\n"
                  "   Assert.Equal() Failure: Values differ\n",
                  "test.failure", 2);
    shipped_names("Running tests from Shop.Tests.dll (net8.0|x64)\n"
                  "  failed RejectsEmptyCart (\"net8.0\",Release) (1s 12ms)\n"
                  "    Assert.IsTrue failed. cart was empty\n",
                  "test.failure", 2);
    /* a connection attempt that failed after some seconds is no test */
    shipped_names("Connecting to cache...\n"
                  "  failed to reach redis at 10.0.0.5 (3s)\n"
                  "Error: connect ECONNREFUSED 10.0.0.5:6379\n",
                  "network", 3);
}
END_TEST

START_TEST(go_package_fail_glued_to_test_output)
{
    /* a test binary whose last output has no newline: go appends its package
     * FAIL line to that line */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("$ go test ./store\n"
                  "store: fatal: bad fixture, aborting nowFAIL\tgithub.com/acme/app/store\t0.204s\n"
                  "FAIL\n",
                  "test.failure", 2);
}
END_TEST

START_TEST(exunit_numbered_failure_header)
{
    /* ExUnit's "N) test name (Module)" opens the failure, the count comes last */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("Compiling 3 files (.ex)\n"
                  "\n"
                  "  1) test parses an empty document (Markup.ParserTest)\n"
                  "     test/markup/parser_test.exs:12\n"
                  "     match (=) failed\n"
                  "\n"
                  "Finished in 0.3 seconds\n"
                  "14 tests, 1 failure\n",
                  "test.failure", 3);
}
END_TEST

START_TEST(rspec_expected_got_pair)
{
    /* rspec-expectations' mismatch report, also under cucumber, with no header */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("Then the total should be 30\n"
                  "      expected: 30\n"
                  "           got: 27\n"
                  "      (compared using ==)\n",
                  "test.failure", 2);
}
END_TEST

START_TEST(mocha_detail_header_after_the_counts)
{
    /* mocha prints "N passing / M failing" before the details: the first
     * numbered detail header is the first failing test */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("  Cart\n"
                  "    ✓ adds an item\n"
                  "    1) applies the coupon\n"
                  "\n"
                  "  1 passing (9ms)\n"
                  "  1 failing\n"
                  "\n"
                  "  1) Cart applies the coupon:\n"
                  "     AssertionError [ERR_ASSERTION]: 90 == 81\n"
                  "      at Context.<anonymous> (test/cart.spec.js:14:12)\n",
                  "test.failure", 8);
    /* the count alone still says tests failed */
    shipped_names("> mocha\n"
                  "\n"
                  "  12 passing (2s)\n"
                  "  3 failing\n",
                  "test.failure", 4);
}
END_TEST

START_TEST(surefire_inline_failed_test_entry)
{
    /* surefire 2.x puts the first failing test on the "Failed tests:" line */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("Results :\n"
                  "\n"
                  "Failed tests:   parsesEmptyInput(org.example.csv.ReaderTest): expected:<0> but was:<1>\n"
                  "\n"
                  "Tests run: 57, Failures: 1, Errors: 0, Skipped: 0\n",
                  "test.failure", 3);
}
END_TEST

START_TEST(pytest_import_header_names_the_missing_module)
{
    /* pytest's collection header comes before the traceback that names the
     * module */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("ImportError while importing test module '/src/tests/test_cli.py'.\n"
                  "Hint: make sure your test modules/packages have valid Python names.\n"
                  "Traceback:\n"
                  "tests/test_cli.py:3: in <module>\n"
                  "    import click_extra\n"
                  "tests/helpers.py:1: in <module>\n"
                  "    import yaml\n"
                  "E   ModuleNotFoundError: No module named 'yaml'\n",
                  "runtime.missing-module", 1);
}
END_TEST

START_TEST(shipped_model_loads)
{
    /* the model file in data/model parses, next to the shipped rules */
    ck_assert(classify_rules_has_model(shipped));
}
END_TEST

START_TEST(deploy_platform_finished_after_refused_healthchecks)
{
    /* a rolling deploy whose new container refused the first health probes,
     * then passed and replaced the old one: no cause on a run not said to
     * have failed */
    ck_assert_ptr_nonnull(shipped);
    static const char log[] = "Building docker image completed.\n"
                              "Waiting for healthcheck to pass on the new container.\n"
                              "Healthcheck logs: wget: can't connect to remote host: Connection refused | Return code: 1\n"
                              "exit status 1\n"
                              "New container is healthy.\n"
                              "Removing old containers.\n"
                              "Rolling update completed.\n";
    struct classify_result *r = run(shipped, CLASSIFY_OUTCOME_UNKNOWN, log, sizeof log - 1);
    ck_assert_msg(!r->has_primary, "primary %s line %lld", r->primary.class_id, (long long)r->primary.line);
    classify_result_free(r);
}
END_TEST

/* Node's TLS error codes (what npm, yarn and pnpm print as `code X` before the
 * sentence, or alone behind a step clock) name the proxy's certificate as
 * well as the sentence does; the code line comes first, so it is the evidence. */
START_TEST(node_tls_error_codes_are_network)
{
    shipped_names("> pnpm install --frozen-lockfile\n"
                  "ERR_PNPM_META_FETCH_FAIL  GET https://registry.example.test/vite: UNABLE_TO_GET_ISSUER_CERT_LOCALLY\n",
                  "network", 2);
    shipped_names("FetchError: request to https://api.example.test/v1/models failed\n"
                  "  code: 'DEPTH_ZERO_SELF_SIGNED_CERT'\n",
                  "network", 2);
    shipped_names("npm error code SELF_SIGNED_CERT_IN_CHAIN\n"
                  "npm error errno SELF_SIGNED_CERT_IN_CHAIN\n"
                  "npm error request to https://npm.example.test/zod failed, reason: self signed certificate in certificate chain\n",
                  "network", 1);
    shipped_names("#12 4.02 CERT_NOT_YET_VALID\n#12 ERROR: process \"/bin/sh -c yarn install\" did not complete successfully: exit code: 1\n",
                  "network", 1);
}
END_TEST

/* uv starting a program that the environment does not have: its
 * `Failed to spawn` line, with the reason on the next line (or flat on the same
 * one); a spawn that failed for another reason is no missing program. */
START_TEST(uv_failed_to_spawn_a_missing_program)
{
    shipped_names("$ uv run mypy src\nerror: Failed to spawn: `mypy`\n  Caused by: No such file or directory (os error 2)\n",
                  "runtime.missing-executable", 2);
    shipped_names("error: Failed to spawn: `black` Caused by: program not found\n",
                  "runtime.missing-executable", 1);
    shipped_names("error: Failed to spawn: `black`\n  Caused by: Permission denied (os error 13)\n",
                  "unknown", 1);
}
END_TEST

START_TEST(jvm_oom_option_is_not_an_oom)
{
    /* a JVM option naming OutOfMemoryError in a daemon's settings is not the
     * error; the JVM's own fatal report on a failed native allocation is */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("Starting daemon with jvmargs [-Xmx2g, -XX:+HeapDumpOnOutOfMemoryError, -XX:OnOutOfMemoryError=kill]\n"
                  "> Task :lib:compileKotlin FAILED\n"
                  "e: src/main/kotlin/Widget.kt:12:5 Unresolved reference: frobnicate\n",
                  "build.compile", 3);
    shipped_names("#\n# There is insufficient memory for the Java Runtime Environment to continue.\n"
                  "# Native memory allocation (mmap) failed to map 4096 bytes\n",
                  "resource.oom", 2);
}
END_TEST

START_TEST(format_style_and_scan_checks_fail_the_job)
{
    /* formatters in check mode, a style fixer's summary, a scanner's total and
     * Playwright's numbered failed-test header are checks of the change failing */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("Checking formatting...\n[warn] lib/util.ts\n"
                  "[warn] Code style issues found in 3 files. Run Prettier with --write to fix.\n"
                  "Error: Process completed with exit code 1.\n",
                  "test.failure", 3);
    shipped_names("  ....x....\n    FAIL   ........................ 42 files, 1 style issue\n"
                  "  x app/Models/Order.php  no_unused_imports\n",
                  "test.failure", 2);
    shipped_names("registry.example/app:1.2 (debian 12.4)\n=====\n"
                  "Total: 4 (UNKNOWN: 0, LOW: 1, MEDIUM: 1, HIGH: 1, CRITICAL: 1)\n"
                  "exit status 1\n",
                  "test.failure", 3);
    shipped_names("Running 4 tests using 2 workers\n"
                  "  1) [firefox] \xE2\x80\xBA specs/cart.spec.ts:9:3 \xE2\x80\xBA Cart \xE2\x80\xBA adds an item\n"
                  "    Error: locator.fill: Test timeout of 15000ms exceeded.\n"
                  "  1 failed\n",
                  "test.failure", 2);
}
END_TEST

START_TEST(cmake_find_package_failures_name_the_missing_piece)
{
    /* CMake's find_package: a required library or program that is not in the
     * image, worded under the "CMake Error" or as a status line just above it
     * (issue #15, agent-blind15 misses; the wording here is this test's own) */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("-- The C compiler identification is GNU 13.2.0\n"
                  "CMake Error at cmake/deps.cmake:14 (message):\n"
                  "  Could NOT find CURL (missing: CURL_LIBRARY CURL_INCLUDE_DIR)\n"
                  "-- Configuring incomplete, errors occurred!\n"
                  "./ci/build.sh: line 12: cd: src/out: No such file or directory\n",
                  "runtime.missing-module", 3);
    shipped_names("-- Could NOT find LibXml2 (missing: LIBXML2_LIBRARY LIBXML2_INCLUDE_DIR)\n"
                  "CMake Error at CMakeLists.txt:40 (message):\n"
                  "  the importer needs libxml2\n",
                  "runtime.missing-module", 1);
    shipped_names("CMake Error at /usr/share/cmake-3.28/Modules/FindPackageHandleStandardArgs.cmake:230 (message):\n"
                  "  Could NOT find Doxygen (missing: DOXYGEN_EXECUTABLE)\n",
                  "runtime.missing-executable", 2);
    /* optional packages reported by a configure that went on are no cause:
     * the compile error later in the build is */
    shipped_names("-- Could NOT find Doxygen (missing: DOXYGEN_EXECUTABLE)\n"
                  "-- Could NOT find ZLIB (missing: ZLIB_LIBRARY ZLIB_INCLUDE_DIR)\n"
                  "-- Configuring done (0.4s)\n"
                  "-- Generating done (0.0s)\n"
                  "[ 50%] Building C object CMakeFiles/app.dir/main.c.o\n"
                  "/src/main.c:7:5: error: implicit declaration of function 'frob'\n"
                  "make[2]: *** [CMakeFiles/app.dir/build.make:76: CMakeFiles/app.dir/main.c.o] Error 1\n",
                  "build.compile", 6);
    /* ninja's last line alone names no cause, but it is the failure line */
    shipped_names("[17/40] Compiling C object libio.a.p/src_reader.c.o\n"
                  "ninja: build stopped: subcommand failed.\n",
                  "unknown", 2);
}
END_TEST

START_TEST(language_toolchain_check_and_compile_wordings)
{
    /* go vet's findings, Gradle's Kotlin-DSL script errors, GHC's module
     * lookup (both quote styles) and a libtest panic in an integration test */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("$ go vet ./internal/...\n"
                  "internal/store/cache.go:88:9: internal/store.Entry composite literal uses unkeyed fields\n"
                  "internal/store/lock.go:31:6: Flush passes lock by value: internal/store.Cache contains sync.Mutex\n"
                  "exit status 1\n",
                  "test.failure", 2);
    shipped_names("FAILURE: Build failed with an exception.\n"
                  "\n"
                  "* What went wrong:\n"
                  "Script compilation errors:\n"
                  "\n"
                  "  Line 17:     composeOptions {\n"
                  "               ^ Unresolved reference: composeOptions\n",
                  "build.compile", 4);
    shipped_names("[2 of 5] Compiling Api.Server\n"
                  "\n"
                  "src/Api/Server.hs:9:8:\n"
                  "    Could not find module `Data.Aeson.Lens'\n"
                  "    It is a member of the hidden package `lens-aeson-1.2'.\n",
                  "runtime.missing-module", 4);
    shipped_names("src/Api/Server.hs:9:8:\n"
                  "    Could not find module \xe2\x80\x98" "Data.Aeson.Lens\xe2\x80\x99\n",
                  "runtime.missing-module", 2);
    shipped_names("     Running tests/api.rs (target/debug/deps/api-1f2e3d4c)\n"
                  "\tthread 'rejects_empty_body' panicked at 'assertion failed: body.is_empty()', tests/api.rs:41:5\n",
                  "test.failure", 2);
    /* a program's own panic outside tests/ stays a crash */
    shipped_names("thread 'main' panicked at src/main.rs:12:5:\n"
                  "called `Option::unwrap()` on a `None` value\n",
                  "runtime.crash", 1);
}
END_TEST

START_TEST(package_and_migration_tool_wordings)
{
    /* NuGet, pub, rustup, bun, prisma, flyway, alembic, tox and pytest in
     * their own words: the spec, the connection, a crash, an argument */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("  Determining projects to restore...\n"
                  "/src/App/App.csproj : error NU1101: Unable to find package Acme.Widgets. No packages exist with this id in source(s): nuget.org\n"
                  "/src/App/Program.cs(3,7): error CS0246: The type or namespace name 'Acme' could not be found (are you missing a using directive or an assembly reference?) [/src/App/App.csproj]\n",
                  "config.invalid", 2);
    shipped_names("Resolving dependencies...\n"
                  "Because shop_app depends on http ^0.13.0 which depends on meta ^1.3.0, meta ^1.3.0 is required.\n"
                  "So, because shop_app depends on meta >=1.1.0 <1.2.0, version solving failed.\n",
                  "config.invalid", 2);
    shipped_names("info: syncing channel updates for 'nightly-aarch64-unknown-linux-gnu'\n"
                  "error: component download failed for clippy-aarch64-unknown-linux-gnu\n"
                  "info: caused by: could not download file from 'https://dist.example.org/clippy.tar.xz' to '/root/.rustup/downloads/c1.partial'\n",
                  "network", 2);
    shipped_names("bun install v1.1.8\n"
                  "error: ConnectionClosed downloading tarball left-pad@1.3.0\n",
                  "network", 2);
    shipped_names("Datasource \"db\": PostgreSQL database \"shop\", schema \"public\" at \"db.internal:5432\"\n"
                  "\n"
                  "Error: P1001: Can't reach database server at `db.internal:5432`\n",
                  "network", 3);
    shipped_names("Flyway OSS Edition 10.1.0 by Redgate\n"
                  "ERROR: Validate failed: Migrations have failed validation\n"
                  "Migration checksum mismatch for migration version 3\n",
                  "config.invalid", 2);
    shipped_names("INFO  [alembic.runtime.migration] Context impl SQLiteImpl.\n"
                  "ERROR [alembic.util.messaging] Multiple head revisions are present for given argument 'head'\n",
                  "config.invalid", 2);
    shipped_names("py311 run-test: commands[0] | pytest -q\n"
                  "ERROR: InvocationError for command /work/.tox/py311/bin/pytest -q (exited with code -6)\n"
                  "ERROR:   py311: commands failed\n",
                  "runtime.crash", 2);
    shipped_names("$ python -m pytest tests/test_parsr.py\n"
                  "\n"
                  "no tests ran in 0.01s\n"
                  "ERROR: file or directory not found: tests/test_parsr.py\n",
                  "config.invalid", 4);
}
END_TEST

START_TEST(more_build_and_package_tool_wordings)
{
    /* the Dart front end's error line; yarn v1's trace for a name the
     * registry lacks; a COPY source missing from the build context; NuGet
     * pointed at a fallback folder that is not on this machine */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("Compiling lib/main.dart for the Web...\n"
                  "lib/src/home.dart:14:9: Error: The getter 'colour' isn't defined for the class 'Theme'.\n"
                  "Failed to compile application.\n",
                  "build.compile", 2);
    shipped_names("Trace: \n  Error: https://registry.npmjs.org/lefft-padd: Not found\n"
                  "      at Request.params.callback (/usr/lib/yarn/cli.js:1:1)\n",
                  "config.invalid", 2);
    shipped_names("#7 [build 3/6] COPY web/dist ./public\n"
                  "#7 ERROR: failed to calculate checksum of ref 0f1e2d::abc: \"/web/dist\": not found\n",
                  "config.invalid", 2);
    shipped_names("Step 4/9 : COPY out/ /srv/\nCOPY failed: file not found in build context or excluded by .dockerignore: stat out/: file does not exist\n",
                  "config.invalid", 2);
    shipped_names("error MSB4018: The \"ResolvePackageAssets\" task failed unexpectedly.\n"
                  "error MSB4018: NuGet.Packaging.Core.PackagingException: Unable to find fallback package folder 'D:\\\\nuget\\\\fallback'.\n",
                  "config.invalid", 2);
}
END_TEST

START_TEST(check_gate_and_build_setup_wordings)
{
    /* checks that fail a job whose code compiled and whose tests passed
     * (rustfmt --check hunks, a coverage gate, clang-tidy diagnostics
     * promoted to errors), and setup that names what is not there (a
     * CMake package, a download URL, a Cargo too old for the manifest, a
     * west workspace or board that does not exist) */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("Diff in /build/widget/src/codec.rs:118:\n"
                  "     fn encode(&self) {\n-        let n=self.len();\n+        let n = self.len();\n"
                  "##[error]Process completed with exit code 1.\n",
                  "test.failure", 1);
    shipped_names("    Checking widget v0.3.0\nDiff in /w/widget/src/main.rs at line 7:\n"
                  " fn main() {\n-  run()\n+    run()\n",
                  "test.failure", 2);
    shipped_names("tests/test_codec.py::test_roundtrip PASSED                  [100%]\n"
                  "ERROR: Coverage failure: total of 48.50 is less than fail-under=80.00\n"
                  "======== 41 passed in 2.31s ========\n",
                  "test.failure", 2);
    shipped_names("---------- coverage: platform linux, python 3.12.1 ----------\n"
                  "FAIL Required test coverage of 90% not reached. Total coverage: 71.20%\n",
                  "test.failure", 2);
    shipped_names("/src/ring/buffer.hpp:40:7: error: member variable 'size_' has public visibility "
                  "[misc-non-private-member-variables-in-classes,-warnings-as-errors]\n"
                  "3 warnings treated as errors\n",
                  "test.failure", 1);
    /* a compiler's own -Werror diagnostic stays a compile error */
    shipped_names("/src/ring/buffer.cpp:12:9: error: unused variable 'n' [-Werror,-Wunused-variable]\n",
                  "build.compile", 1);
    shipped_names("-- Found Threads: TRUE\nCMake Error at src/CMakeLists.txt:33 (find_package):\n"
                  "  By not providing \"FindBoost.cmake\" in CMAKE_MODULE_PATH this project has\n"
                  "  asked CMake to find a package configuration file provided by \"Boost\", but\n"
                  "-- Configuring incomplete, errors occurred!\n",
                  "runtime.missing-module", 2);
    /* an optional package explained under a warning is no cause: the
     * configure went on and the compiler failed later */
    shipped_names("CMake Warning at src/CMakeLists.txt:40 (find_package):\n"
                  "  By not providing \"FindLibJpeg.cmake\" in CMAKE_MODULE_PATH this project has\n"
                  "  asked CMake to find a package configuration file provided by \"LibJpeg\", but\n"
                  "-- Configuring done\n"
                  "/src/img/decode.c:77:5: error: implicit declaration of function 'jpeg_read'\n",
                  "build.compile", 5);
    shipped_names("--2026-01-05 09:00:01--  https://example.org/dl/tool-v9.9.9.tar.gz\n"
                  "Connecting to example.org (example.org)|93.184.215.14|:443... connected.\n"
                  "HTTP request sent, awaiting response... 404 Not Found\n"
                  "2026-01-05 09:00:01 ERROR 404: Not Found.\n",
                  "config.invalid", 4);
    shipped_names("curl: (22) The requested URL returned error: 404\nError: Process completed with exit code 22.\n",
                  "config.invalid", 1);
    /* a probe for an optional file that 404s is not the cause of a later
     * test failure */
    shipped_names("2026-01-05 09:00:02 ERROR 404: Not Found.\nno cached fixtures, generating them\n"
                  "FAIL src/cart.test.ts\nTests:       1 failed, 40 passed, 41 total\n",
                  "test.failure", 3);
    shipped_names("error: failed to parse manifest at `/build/widget/Cargo.toml`\n\nCaused by:\n"
                  "  this version of Cargo is older than the `2024` edition, and only supports `2015`, `2018`, and `2021` editions.\n",
                  "config.invalid", 1);
    shipped_names("-- Board: xiao_ble\nNo board named 'xiao_bel' found.\n"
                  "CMake Error at cmake/modules/boards.cmake:200 (message):\n  Invalid BOARD; see above.\n",
                  "config.invalid", 2);
    shipped_names("+ west init -l /work/cfg\nFATAL ERROR: can't init: no west.yml found in /work/cfg\n",
                  "config.invalid", 2);
    /* pytest -v names the failing test on its result line, before the
     * FAILURES section's header and traceback */
    shipped_names("tests/test_io.py::test_read[utf8] PASSED                  [ 50%]\n"
                  "tests/test_io.py::test_read[latin1] FAILED                [100%]\n\n"
                  "=================================== FAILURES ===================================\n"
                  "______________________________ test_read[latin1] _______________________________\n"
                  "tests/test_io.py:21: in test_read\n    assert decode(raw) == text\nE   AssertionError: assert 'caf\\xe9' == 'cafe'\n",
                  "test.failure", 2);
}
END_TEST

START_TEST(token_refused_outside_a_pull_request_is_auth)
{
    /* GitHub's "Resource not accessible by integration" is the pull request
     * not being opened only where the call opened one; a release upload or
     * an issue comment refused the same way is the token's permission */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("Run softprops/action-gh-release@v2\n"
                  "  tag_name: v0.4.1\n"
                  "##[error]Resource not accessible by integration\n",
                  "vcs.auth", 3);
    shipped_names("Posting the benchmark table to issue #88\n"
                  "HttpError: Resource not accessible by integration\n"
                  "    at /home/runner/work/_actions/actions/github-script/v7/dist/index.js:9537:21\n",
                  "vcs.auth", 2);
    shipped_names("+ gh pr create --fill --base main --head bot/bump-deps\n"
                  "GraphQL: Resource not accessible by integration (createPullRequest)\n",
                  "vcs.pr-create", 2);
    shipped_names("POST https://api.github.com/repos/acme/shop/pulls\n"
                  "403 Resource not accessible by integration\n",
                  "vcs.pr-create", 2);
}
END_TEST

/* The primary of a log under the shipped rules, or none. */
static void shipped_outcome(enum classify_outcome o, const char *log, const char *want_class, int64_t want_line)
{
    if (want_class) {
        expect_primary(shipped, o, log, strlen(log), want_class, want_line);
        return;
    }
    struct classify_result *r = run(shipped, o, log, strlen(log));
    ck_assert_msg(!r->has_primary, "want no primary, got %s line %lld (rule %s) for:\n%s", r->primary.class_id,
                  (long long)r->primary.line, r->primary.rule_id ? r->primary.rule_id : "-", log);
    classify_result_free(r);
}

static bool rule_found(const struct classify_result *r, const char *rule_id)
{
    for (size_t i = 0; i < r->nfindings; i++)
        if (r->findings[i].rule_id && strcmp(r->findings[i].rule_id, rule_id) == 0) return true;
    return false;
}

/* A credential word is a failure where a tool reports it (gRPC's status, a
 * JSON error, the message on its own line), not where prose or a test's
 * name uses it. */
START_TEST(credential_words_in_prose_are_no_finding)
{
    static const char *const prose[] = {
        "  PASS  middleware.spec.ts > redirects unauthenticated visitors to the sign-in page\n",
        "Summary: the proxy now rejects unauthenticated calls before they reach the cache.\n",
        "  * handle a missing API key in the settings screen gracefully\n",
        "    it('answers 401 for a missing API key', async () => {\n",
    };
    static const char *const rule_of[] = {"http-401", "http-401", "api-key-invalid", "api-key-invalid"};
    for (size_t i = 0; i < sizeof prose / sizeof prose[0]; i++) {
        struct classify_result *r = run(shipped, CLASSIFY_OUTCOME_FAILED, prose[i], strlen(prose[i]));
        ck_assert_msg(!rule_found(r, rule_of[i]), "%s matched prose: %s", rule_of[i], prose[i]);
        classify_result_free(r);
    }
    static const char *const said[] = {
        "rpc error: code = Unauthenticated desc = token expired\n",
        "Error: 16 UNAUTHENTICATED: Request had invalid authentication credentials.\n",
        "{\"error\":{\"code\":401,\"status\":\"UNAUTHENTICATED\"}}\n",
        "HTTP/1.1 401\n{\"message\":\"Unauthenticated.\"}\n",
        "Unauthenticated.\n",
        "ValueError: Missing API key for the embeddings provider\n",
        "Missing API key. Set PROVIDER_KEY and run again.\n",
    };
    for (size_t i = 0; i < sizeof said / sizeof said[0]; i++) {
        struct classify_result *r = run(shipped, CLASSIFY_OUTCOME_FAILED, said[i], strlen(said[i]));
        ck_assert_msg(r->has_primary && strcmp(r->primary.class_id, "auth.credentials") == 0,
                      "want auth.credentials, got %s (rule %s) for: %s", r->has_primary ? r->primary.class_id : "-",
                      r->has_primary && r->primary.rule_id ? r->primary.rule_id : "-", said[i]);
        classify_result_free(r);
    }
}
END_TEST

START_TEST(agent_framework_wordings)
{
    /* agent-blind20 misses, in other words than its files: the error codes
     * and sentences of agent frameworks, their sandboxes and the editors
     * they run in */
    ck_assert_ptr_nonnull(shipped);
    /* Chromium's network error code, as an editor's chat panel shows it */
    shipped_names("The request did not go through (id 7f3a-11).\n"
                  "\n"
                  "Cause: could not reach the service. Error Code: net::ERR_CONNECTION_RESET.\n",
                  "network", 3);
    /* net::ERR_ABORTED is a navigation the page cancelled, not the network */
    shipped_outcome(CLASSIFY_OUTCOME_UNKNOWN, "preview: load cancelled (net::ERR_ABORTED)\nexit code 1\n", NULL, 0);
    /* httpx: the server closed the connection before it answered */
    shipped_names("checking the agent server\n"
                  "agent server down at http://127.0.0.1:39001 : Server disconnected without sending a response.\n",
                  "network", 2);
    /* a sandbox that did not come up in time, alone ... */
    shipped_names("creating workspace ws-42\n"
                  "error: workspace container failed to start within 300s\n",
                  "timeout", 2);
    shipped_names("the remote runtime did not start within the timeout; giving up\n", "timeout", 1);
    /* ... and with the reason it did not start printed after it */
    shipped_names("pod runner-x did not start within 90s, events follow\n"
                  "  Warning  Failed  kubelet  Failed to pull image \"reg.example/runner:9\": manifest unknown\n",
                  "image.pull", 2);
    /* a shell tool that killed a command at its limit */
    shipped_names("running: make check\n"
                  "the bash tool stopped the command after exceeding the timeout (600000 ms)\n",
                  "timeout", 2);
    /* a provider that cannot serve the configured model */
    shipped_names("loading providers\n"
                  "error: vertex provider only supports gemini models, got claude-x\n",
                  "config.invalid", 2);
    /* "the model does not exist" in Chinese */
    shipped_names("调用失败: 404 {\"msg\":\"模型不存在: glm-9-air\"}\n", "config.invalid", 1);
    /* a program announcing its own crash on a line of its own */
    shipped_names("restoring session\n"
                  "Helper crashed. A report was written to ~/.cache/helper/crash.log\n",
                  "runtime.crash", 2);
    /* PowerShell's record for a missing command in another UI language: its
     * first line is the evidence, the English category says what it is */
    shipped_names("PS C:\\src> gradlew build\n"
                  "gradlew : Die Benennung \"gradlew\" wurde nicht als Name eines Cmdlet erkannt.\n"
                  "In Zeile:1 Zeichen:1\n"
                  "+ gradlew build\n"
                  "+ ~~~~~~~\n"
                  "    + CategoryInfo          : ObjectNotFound: (gradlew:String) [], CommandNotFoundException\n"
                  "    + FullyQualifiedErrorId : CommandNotFoundException\n",
                  "runtime.missing-executable", 2);
    /* a prompt template in an agent's saved config is what the agent tells
     * the model, not an event: no cause, even with a failure line after it */
    shipped_outcome(CLASSIFY_OUTCOME_UNKNOWN,
                    "{\n"
                    "  \"config\": {\n"
                    "    \"slow_command_template\": \"Your command timed out after 60 seconds and was killed.\",\n"
                    "    \"step_limit\": 250\n"
                    "  },\n"
                    "  \"note\": \"exit code 1\"\n"
                    "}\n",
                    NULL, 0);
    shipped_outcome(CLASSIFY_OUTCOME_UNKNOWN,
                    "agent:\n"
                    "  recovery_prompt: If the shell says Connection refused, wait and try again.\n"
                    "exit code 1\n",
                    NULL, 0);
    /* goose's banner for the error that ended the turn heads the error
     * block: with no cause named, unknown points at it */
    shipped_names("( O)> tidy the imports\n"
                  "thinking...\n"
                  "Ran into this error: Execution error: the reply carried no token counts.\n"
                  "\n"
                  "Please retry if you think this is a transient or recoverable error.\n",
                  "unknown", 3);
    /* the same words outside a template key are evidence */
    shipped_names("{\n  \"observation\": \"Your command timed out after 60 seconds and was killed.\"\n}\nexit code 1\n",
                  "timeout", 2);
}
END_TEST

START_TEST(agent_ci_action_wordings)
{
    /* agent-blind21 misses, in other words than its files: the steps around
     * a coding agent run by a CI action (the job's OIDC token, an app token
     * exchange, the trigger, the launcher, the turn budget, the PR call) and
     * the agent's own result event */
    ck_assert_ptr_nonnull(shipped);
    /* the runner hands out no OIDC token without `id-token: write` */
    shipped_names("Run aws-actions/configure-aws-credentials@v4\n"
                  "Assuming role with OIDC\n"
                  "Error: Unable to get ACTIONS_ID_TOKEN_REQUEST_TOKEN env variable\n",
                  "auth.credentials", 3);
    shipped_names("deploy: step 2/5\n"
                  "deploy: failed to request an OIDC token from the runner, giving up\n"
                  "exit status 1\n",
                  "auth.credentials", 2);
    /* an app refusing a workflow that is not the default branch's copy is
     * the run's own workflow, though the exchange answers 401 */
    shipped_names("Swapping the job token for an installation token\n"
                  "exchange: 401 Unauthorized - Workflow validation failed; the workflow file must equal the copy on main\n"
                  "Error: Process completed with exit code 1.\n",
                  "config.invalid", 2);
    /* an action refusing its trigger */
    shipped_names("Run some-org/review-bot@v2\n"
                  "error: unsupported event name: merge_group\n"
                  "##[error]Process completed with exit code 1.\n",
                  "config.invalid", 2);
    /* a launcher that checks for the program it starts */
    shipped_names("preparing renderer\n"
                  "fatal: ffmpeg binary not found at ./vendor/bin/ffmpeg\n",
                  "runtime.missing-executable", 2);
    /* the agent used up its turn budget */
    shipped_names("[agent] step 24 done\n"
                  "[agent] stopped: reached the maximum number of turns (25)\n"
                  "exit code 1\n",
                  "timeout", 2);
    shipped_names("{\"type\":\"assistant\",\"message\":{\"content\":[]}}\n"
                  "{\"type\":\"result\",\"subtype\":\"error_max_turns\",\"is_error\":true,\"num_turns\":31}\n",
                  "timeout", 2);
    /* hub's refusal heads the block the token error closes */
    shipped_names("$ hub pull-request -m 'bump deps'\n"
                  "Error creating pull request: Forbidden (HTTP 403)\n"
                  "  Resource not accessible by integration\n",
                  "vcs.pr-create", 2);
    /* a result event split one key per line: its status field comes first */
    shipped_names("{\n"
                  "  \"error_status\": 401,\n"
                  "  \"terminal_reason\": \"api_error\",\n"
                  "  \"result\": \"API Error: 401 the key was revoked\"\n"
                  "}\n",
                  "auth.credentials", 2);
    /* a program's own check of a setting, not the traceback's source line */
    shipped_names("Traceback (most recent call last):\n"
                  "  File \"bot.py\", line 12, in <module>\n"
                  "    raise ValueError('an API base URL is required')\n"
                  "ValueError: an API base URL is required\n",
                  "config.invalid", 4);
    /* a stream wrapper reporting a model the account cannot use */
    shipped_names("stream error: stream disconnected before completion: The model `o9-mini` does not exist or you do not have access to it.\n",
                  "config.invalid", 1);
    /* the agent's result event with is_error true is where the run failed,
     * on one line or pretty-printed, whatever its subtype */
    shipped_names("I'll look at the failing job first.\n"
                  "{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":true,\"duration_ms\":12}\n",
                  "unknown", 2);
    shipped_names("{\n"
                  "  \"type\": \"result\",\n"
                  "  \"subtype\": \"error_during_execution\",\n"
                  "  \"is_error\": true,\n"
                  "  \"num_turns\": 4\n"
                  "}\n",
                  "unknown", 4);
}
END_TEST

/* A pod's events list "Successfully pulled image" after whatever the run
 * printed: the pull retried away the pull's failures before it, not a
 * failed test or build. */
START_TEST(image_pulled_recovers_only_pull_failures)
{
    ck_assert_ptr_nonnull(shipped);
    shipped_outcome(CLASSIFY_OUTCOME_UNKNOWN,
                    "go test ./...\n"
                    "--- FAIL: TestParseConfig (0.01s)\n"
                    "    config_test.go:41: want 3 sections, got 2\n"
                    "FAIL\texample.org/svc/config\t0.213s\n"
                    "make: *** [Makefile:12: test] Error 1\n"
                    "Events:\n"
                    "  Type    Reason   Age  From     Message\n"
                    "  Normal  Pulling  3m   kubelet  Pulling image \"reg.example/ci/go:1.22\"\n"
                    "  Normal  Pulled   3m   kubelet  Successfully pulled image \"reg.example/ci/go:1.22\" in 2.1s\n"
                    "  Normal  Started  3m   kubelet  Started container build\n",
                    "test.failure", 2);
    /* the pull's own failures, whatever their class, were retried away */
    shipped_outcome(CLASSIFY_OUTCOME_UNKNOWN,
                    "  Warning  Failed   4m  kubelet  Failed to pull image \"reg.example/ci/go:1.22\": "
                    "429 Too Many Requests\n"
                    "  Normal   BackOff  4m  kubelet  Back-off pulling image \"reg.example/ci/go:1.22\"\n"
                    "  Normal   Pulled   3m  kubelet  Successfully pulled image \"reg.example/ci/go:1.22\" in 9.8s\n"
                    "  Normal   Started  3m  kubelet  Started container build\n",
                    NULL, 0);
}
END_TEST

/* A Kubernetes event of type Normal is the cluster saying nothing failed:
 * its message ("Issuing certificate as Secret does not exist") is no cause,
 * in kubectl describe's table, kubectl get events' columns or a test tool's
 * tab-separated dump. A Warning event still is. */
START_TEST(normal_events_are_no_cause)
{
    ck_assert_ptr_nonnull(shipped);
    shipped_names("rolling out web\n"
                  "Events:\n"
                  "  Type     Reason     Age  From          Message\n"
                  "  Normal   Issuing    2m   cert-manager  Issuing certificate as Secret does not exist\n"
                  "  Warning  Failed     1m   kubelet       Error: ImagePullBackOff\n",
                  "image.pull", 5);
    shipped_names("LAST SEEN   TYPE      REASON    OBJECT          MESSAGE\n"
                  "5m          Normal    Issuing   certificate/db  Issuing certificate as Secret does not exist\n"
                  "cloning the repository\n"
                  "fatal: could not read Username for 'https://git.example.org': No such device or address\n",
                  "vcs.auth", 4);
    shipped_names("e2e.go:88: 12:00:01 | smoke | 2026-01-02 11:59:58 +0000 UTC\tNormal\tCertificate.cert-manager.io web-tls\t\t"
                  "Issuing\tIssuing certificate as Secret does not exist\n"
                  "--- FAIL: TestSmoke (61.20s)\n",
                  "test.failure", 2);
    /* the word in a message is no event's type column */
    shipped_names("deploy: Error: Normal Secret \"db-password\" not found in namespace apps\n", "auth.credentials", 1);
}
END_TEST

START_TEST(appended_agent_runs_the_last_run_decides)
{
    /* a chat history that appends sessions: the first session's key was
     * missing, the user set it and started again, and the second one could
     * not reach the model server. The log ends on the second session */
    ck_assert_ptr_nonnull(shipped);
    static const char two[] = "\n# aider chat started at 2031-02-03 09:00:00\n\n"
                              "> aider --model openai/local-coder\n"
                              "#### add a health endpoint\n"
                              "> litellm.AuthenticationError: AuthenticationError: OpenAIException - missing key\n"
                              "\n# aider chat started at 2031-02-03 09:05:00\n\n"
                              "> aider --model openai/local-coder\n"
                              "#### add a health endpoint\n"
                              "> ConnectionRefusedError: [Errno 111] Connection refused\n"
                              "#### /exit\n";
    shipped_outcome(CLASSIFY_OUTCOME_FAILED, two, "network", 12);
    /* one session only: nothing is an earlier run */
    static const char one[] = "# aider chat started at 2031-02-03 09:00:00\n"
                              "> litellm.AuthenticationError: AuthenticationError: OpenAIException - missing key\n"
                              "> ConnectionRefusedError: [Errno 111] Connection refused\n";
    shipped_outcome(CLASSIFY_OUTCOME_FAILED, one, "auth.credentials", 2);
    /* what failed before the first run (the pod's setup) is no earlier run */
    static const char setup[] = "cloning into /work/app\n"
                                "fatal: not a git repository (or any of the parent directories): .git\n"
                                "OpenAI Codex v0.50.1 (research preview)\n"
                                "ERROR: stream disconnected: Connection refused\n"
                                "OpenAI Codex v0.50.1 (research preview)\n"
                                "ERROR: stream disconnected: Connection refused\n";
    shipped_outcome(CLASSIFY_OUTCOME_FAILED, setup, "vcs.worktree", 2);
    /* every cause retried in both runs: the last run's first one */
    static const char retried[] = "# aider chat started at 2031-02-03 09:00:00\n"
                                  "> litellm.AuthenticationError: AuthenticationError: bad key\n"
                                  "> Retrying in 0.5 seconds...\n"
                                  "# aider chat started at 2031-02-03 09:10:00\n"
                                  "> litellm.APIConnectionError: [Errno 111] Connection refused\n"
                                  "> Retrying in 0.5 seconds...\n";
    shipped_outcome(CLASSIFY_OUTCOME_FAILED, retried, "network", 5);
}
END_TEST

START_TEST(agent_result_event_marks_the_run_succeeded)
{
    /* a headless agent's JSON events: a tool call failed on the way (a test
     * run before the fix, a file naming a missing key), then the agent's
     * result says the run finished without error */
    ck_assert_ptr_nonnull(shipped);
    static const char compact[] =
        "{\"type\":\"system\",\"subtype\":\"init\",\"session_id\":\"s1\"}\n"
        "{\"type\":\"user\",\"message\":{\"content\":[{\"type\":\"tool_result\",\"content\":\"OPENAI_API_KEY is not set; the check exited with code 1\",\"is_error\":true}]}}\n"
        "{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":false,\"num_turns\":9,\"result\":\"Fixed.\"}\n";
    shipped_outcome(CLASSIFY_OUTCOME_UNKNOWN, compact, NULL, 0);
    /* the same events pretty-printed by a wrapper */
    static const char pretty[] = "[\n  {\n   \"type\": \"user\",\n"
                                 "   \"content\": \"Error: Missing API key provided for the backend; exited with code 1\"\n"
                                 "  },\n  {\n   \"type\": \"result\",\n   \"subtype\": \"success\",\n"
                                 "   \"is_error\": false,\n   \"num_turns\": 4\n  }\n]\n";
    shipped_outcome(CLASSIFY_OUTCOME_UNKNOWN, pretty, NULL, 0);
    /* an error reported as the result is no success */
    static const char api_error[] = "[\n  {\n   \"type\": \"result\",\n   \"subtype\": \"success\",\n"
                                    "   \"is_error\": true,\n"
                                    "   \"result\": \"API Error: 429 rate_limit_error: slow down\"\n  }\n]\n";
    shipped_outcome(CLASSIFY_OUTCOME_FAILED, api_error, "rate-limit", 6);
}
END_TEST

START_TEST(marker_near_looks_back_only)
{
    /* a marker holds from its line on: its near pattern must have matched on
     * that line or the N above, not below */
    static const char rules[] = "rule boom\nclass runtime.crash\nweight 90\nmatch BOOM\n\n"
                                "rule failed\nclass @failure\nmatch exit status [1-9]\n\n"
                                "rule fine\nclass @success\nmatch ^all good$\nnear 1 ^verdict:\n";
    struct buf warn = {0};
    struct classify_rules *rs = rules_from(rules, &warn);
    ck_assert_msg(warn.len == 0, "%s", warn.p ? warn.p : "");
    static const char above[] = "BOOM\nexit status 1\nverdict:\nall good\n";
    struct classify_result *r = run(rs, CLASSIFY_OUTCOME_UNKNOWN, above, sizeof above - 1);
    ck_assert_msg(!r->has_primary, "near above: the success marker holds");
    classify_result_free(r);
    static const char below[] = "BOOM\nexit status 1\nall good\nverdict:\n";
    r = run(rs, CLASSIFY_OUTCOME_UNKNOWN, below, sizeof below - 1);
    ck_assert_msg(r->has_primary && r->primary.line == 1, "near below: no success marker");
    classify_result_free(r);
    static const char none[] = "BOOM\nexit status 1\nall good\n";
    r = run(rs, CLASSIFY_OUTCOME_UNKNOWN, none, sizeof none - 1);
    ck_assert_msg(r->has_primary && r->primary.line == 1, "no near: no success marker");
    classify_result_free(r);
    classify_rules_free(rs);
    buf_free(&warn);
}
END_TEST

START_TEST(retry_loop_block_points_at_the_first_attempt)
{
    /* a client that prints three lines per attempt and gives up after the
     * sixth: the block reaches up attempt by attempt to the first one */
    ck_assert_ptr_nonnull(shipped);
    struct buf b = {0};
    buf_puts(&b, "starting sync\n");
    for (int i = 0; i < 6; i++) {
        buf_puts(&b, "upstream: dial tcp 10.0.0.9:443: connect: connection refused\n");
        buf_puts(&b, "the upstream is not answering\n");
        if (i < 5) buf_printf(&b, "Retrying in %d seconds...\n", 1 << i);
    }
    buf_puts(&b, "giving up\n");
    shipped_outcome(CLASSIFY_OUTCOME_FAILED, b.p, "network", 2);
    buf_free(&b);
}
END_TEST

START_TEST(agent_provider_limit_and_model_wordings)
{
    /* a plan whose extra usage is spent; a router that does not list the
     * model name; a local model server without the memory to load a model */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("  \xE2\x8E\xBF  Read src/app.py (40 lines)\n"
                  "  \xE2\x8E\xBF  You're out of extra usage \xC2\xB7 resets 7am (UTC)\n"
                  "     /upgrade to increase your usage limit.\n",
                  "rate-limit", 2);
    shipped_names("#### refactor the parser\n"
                  "> litellm.BadRequestError: RouterException - {\"error\":{\"message\":\"acme/coder-xl is not a valid model ID\",\"code\":400}}\n",
                  "config.invalid", 2);
    shipped_names("> litellm.APIConnectionError: LocalServerException - {\"error\":\"model requires more system memory (12.0 GiB) than is available (7.8 GiB)\"}\n",
                  "resource.oom", 1);
}
END_TEST

START_TEST(bundler_build_failed_cross_is_not_a_test)
{
    /* a bundler marks its own failed build with the cross; the import it
     * could not resolve is the cause, no test ran */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("#9 2.101 vite v7.1.2 building for production...\n"
                  "#9 2.418 ✗ Build failed in 212ms\n"
                  "#9 2.419 error during build:\n"
                  "#9 2.419 [UNRESOLVED_IMPORT] Error: Could not resolve './panels/usePanel' in src/views/Board.tsx\n",
                  "runtime.missing-module", 4);
}
END_TEST

START_TEST(build_script_panic_over_a_missing_program)
{
    /* a crate's build script unwraps "could not run cmake" and panics: the
     * missing program is the cause, not a crash */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("   Compiling widget-sys v0.3.1\n"
                  "error: failed to run custom build command for `widget-sys v0.3.1`\n"
                  "  --- stderr\n"
                  "  thread 'main' (412) panicked at build.rs:40:10:\n"
                  "  called `Result::unwrap()` on an `Err` value: Could not run `cmake --version`\n"
                  "  The cmake command could not be found.\n",
                  "runtime.missing-executable", 4);
    shipped_names("checking the toolchain\n"
                  "The protoc program could not be found.\n"
                  "make: *** [gen] Error 1\n",
                  "runtime.missing-executable", 2);
}
END_TEST

START_TEST(interpreter_or_compiler_cannot_be_found)
{
    /* a tool naming the program it needs and cannot find, in the words
     * "interpreter"/"compiler" and "cannot"/"couldn't" rather than "command
     * could not": the missing program, before the make failure it causes */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("Installing dependencies from Pipfile.lock (7d21e0)...\n"
                  "The Ruby interpreter cannot be found.\n"
                  "make: *** [Makefile:7: deps] Error 1\n",
                  "runtime.missing-executable", 2);
    shipped_names("checking the toolchain\n"
                  "The Fortran compiler couldn't be found\n"
                  "error: build aborted\n",
                  "runtime.missing-executable", 2);
}
END_TEST

START_TEST(agent_cli_refusing_to_run_outside_a_checkout)
{
    /* codex exec starts only in a git checkout (or with the skip flag): the
     * run has no working copy, as with git's "not a git repository" */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("$ codex exec --model o4-mini 'bump the version in setup.cfg'\n"
                  "Not inside a trusted directory and --skip-git-repo-check was not specified.\n"
                  "agent exited with status 1\n",
                  "vcs.worktree", 2);
}
END_TEST

START_TEST(npm_peer_conflict_report_without_its_code_line)
{
    /* npm 10 may print the resolution report without "code ERESOLVE": its
     * "While resolving" line opens the conflict */
    ck_assert_ptr_nonnull(shipped);
    static const char report[] = "added 3 packages in 2s\n"
                                 "npm error\n"
                                 "npm error While resolving: storefront@2.3.0\n"
                                 "npm error Found: vue@3.4.21\n"
                                 "npm error\n"
                                 "npm error Could not resolve dependency:\n"
                                 "npm error peer vue@\"^2.6.0\" from vue-chartjs@3.5.1\n"
                                 "npm error node_modules/vue-chartjs\n"
                                 "npm error   vue-chartjs@\"^3.5.1\" from the root project\n";
    struct classify_result *c = run(shipped, CLASSIFY_OUTCOME_FAILED, report, sizeof report - 1);
    ck_assert_str_eq(c->primary.class_id, "config.invalid");
    ck_assert_int_eq(c->primary.line, 3);
    /* a rule names it, not the wording model's guess on the last lines */
    ck_assert_str_eq(c->primary.rule_id, "dependency-conflict");
    classify_result_free(c);
    /* the same words as warnings (npm resolved it by overriding) are no
     * cause of a run that goes on */
    static const char warned[] = "npm WARN ERESOLVE overriding peer dependency\n"
                                 "npm WARN While resolving: storefront@2.3.0\n"
                                 "npm WARN Could not resolve dependency:\n"
                                 "added 812 packages in 31s\n";
    struct classify_result *r = run(shipped, CLASSIFY_OUTCOME_UNKNOWN, warned, sizeof warned - 1);
    ck_assert(!r->has_primary);
    classify_result_free(r);
}
END_TEST

START_TEST(http_read_timeout_is_network)
{
    /* urllib3's read timeout: the connection stopped answering (a network
     * failure, as yarn's ESOCKETTIMEDOUT), not a deadline of the run */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("Downloading torch-2.1.0-cp311-cp311-manylinux1_x86_64.whl (670 MB)\n"
                  "ERROR: Exception:\n"
                  "pip._vendor.urllib3.exceptions.ReadTimeoutError: HTTPSConnectionPool(host='download.pytorch.org', "
                  "port=443): Read timed out.\n",
                  "network", 3);
}
END_TEST

START_TEST(traceback_source_line_behind_a_log_prefix_is_code)
{
    /* a traceback quotes the code that raised ("    raise X(...)"): behind
     * a BuildKit step clock or a timestamp the prefix skip takes the line's
     * indentation with it, and the line is still quoted code, so the
     * exception line under it is the evidence */
    ck_assert_ptr_nonnull(shipped);
    static const char bk[] = "#12 3.501 Traceback (most recent call last):\n"
                             "#12 3.501   File \"/src/upload.py\", line 40, in push\n"
                             "#12 3.501     raise TimeoutError(\"upload of the bundle timed out\")\n"
                             "#12 3.502 TimeoutError: upload of the bundle timed out\n";
    struct classify_result *r = run(shipped, CLASSIFY_OUTCOME_FAILED, bk, sizeof bk - 1);
    ck_assert(has_finding(r, 3, CLASSIFY_F_SCRIPT));
    ck_assert_str_eq(r->primary.class_id, "timeout");
    ck_assert_int_eq(r->primary.line, 4);
    classify_result_free(r);
    shipped_names("2024-05-01T10:00:00.1000000Z Traceback (most recent call last):\n"
                  "2024-05-01T10:00:00.1000000Z   File \"/src/upload.py\", line 40, in push\n"
                  "2024-05-01T10:00:00.1000000Z     raise TimeoutError(\"upload of the bundle timed out\")\n"
                  "2024-05-01T10:00:00.1100000Z TimeoutError: upload of the bundle timed out\n",
                  "timeout", 4);
    /* one blank after the prefix is only its separator: a line that starts
     * there is output, not indented code */
    shipped_names("#4 0.911 raise the limit with --max-old-space-size: the step timed out\n", "timeout", 1);
}
END_TEST

START_TEST(web_font_fetch_without_network)
{
    /* next/font downloads fonts while building; its message asks whether the
     * network is available. A dev server that falls back to a local font
     * goes on and says so: that line is no cause of a run failing later */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("   Creating an optimized production build ...\n"
                  "Failed to fetch font `Roboto Mono`.\n"
                  "URL: https://fonts.googleapis.com/css2?family=Roboto+Mono&display=swap\n"
                  "Please check if the network is available.\n",
                  "network", 2);
    static const char dev[] = "Failed to fetch font `Lato`. Using the fallback font instead.\n"
                              "Please check if the network is available.\n"
                              " FAIL  src/Header.test.tsx\n"
                              "  \xe2\x97\x8f Header \xe2\x80\xba shows the title\n";
    struct classify_result *r = run(shipped, CLASSIFY_OUTCOME_FAILED, dev, sizeof dev - 1);
    ck_assert_str_eq(r->primary.class_id, "test.failure");
    classify_result_free(r);
}
END_TEST

START_TEST(codex_finished_turn_sets_tool_failures_aside)
{
    /* codex exec ran a git command that failed, went on, and finished its
     * turn ("tokens used", the count, its report): the run did not fail */
    ck_assert_ptr_nonnull(shipped);
    const char log[] = "OpenAI Codex v0.140.0\n"
                       "exec\n"
                       "git switch -c topic in /work/app\n"
                       " exited 128 in 210ms:\n"
                       "fatal: Unable to create '/work/app/.git/index.lock': Permission denied\n"
                       "\n"
                       "2026-07-01T10:02:11.5Z ERROR codex_core::tools::router: error=Exit code: 128\n"
                       "codex\n"
                       "The branch could not be made; I edited the file on the current branch.\n"
                       "tokens used\n"
                       "9,412\n"
                       "Updated the toolbar colours.\n";
    struct classify_result *r = run(shipped, CLASSIFY_OUTCOME_UNKNOWN, log, sizeof log - 1);
    ck_assert_msg(!r->has_primary, "got %s line %lld (rule %s)", r->primary.class_id,
                  (long long)r->primary.line, r->primary.rule_id ? r->primary.rule_id : "-");
    classify_result_free(r);
}
END_TEST

START_TEST(zero_tests_failed_tally_is_no_failure)
{
    /* a passing module's tally says "0 tests failed"; the compile error of
     * the next module is what broke */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("[info] core: 31 tests passed. 0 tests failed. 2 tests ignored.\n"
                  "[info] compiling 4 sources to /w/extras/target ...\n"
                  "error[E0425]: cannot find value `limit` in this scope\n",
                  "build.compile", 3);
    /* alone, no rule may call the tally a failure (the wording model, a
     * second stage, may still guess) */
    static const char alone[] = "[info] core: 31 tests passed. 0 tests failed. 2 tests ignored.\n"
                                "Process exited with code 1\n";
    struct classify_result *r = run(shipped, CLASSIFY_OUTCOME_FAILED, alone, sizeof alone - 1);
    for (size_t i = 0; i < r->nfindings; i++)
        ck_assert_msg(strcmp(r->findings[i].rule_id, "tests-failed-prose") != 0, "rule %s on line %lld",
                      r->findings[i].rule_id, (long long)r->findings[i].line);
    classify_result_free(r);
}
END_TEST

START_TEST(scala3_numbered_diagnostic_is_a_compile_error)
{
    /* dotc's numbered diagnostic under sbt's [error] level; the compiler's
     * own assertion that follows is a consequence */
    ck_assert_ptr_nonnull(shipped);
    shipped_names("[info] compiling 2 Scala sources to /w/core/target/scala-3.6.2/classes ...\n"
                  "[error] -- [E008] Not Found Error: /w/core/src/main/scala/shop/Cart.scala:17:22 \n"
                  "[error] 17 |    items.sumBy(_.price)\n"
                  "[error]    |    ^^^^^^^^^^^\n"
                  "[error]    |    value sumBy is not a member of List[shop.Item]\n"
                  "[error] java.lang.AssertionError: assertion failed: span mismatch\n",
                  "build.compile", 2);
}
END_TEST

/* A log a Windows shell redirected into a file is UTF-16LE: every ASCII
 * character is followed by a NUL byte. The rules must still see its text,
 * and its lines must keep their numbers. */
START_TEST(utf16le_log_is_matched_as_its_text)
{
    struct buf warn = {0};
    struct classify_rules *rs = rules_from("rule vanished-helper\n"
                                           "class runtime.missing-executable\n"
                                           "weight 70\n"
                                           "match the (\\w+) helper binary vanished\n",
                                           &warn);
    static const char *lines[] = {"job\tstep\tsetting things up", "job\tstep\tcompiling 12 crates",
                                  "job\tstep\t\x1b[31mstage two: the packer helper binary vanished\x1b[0m",
                                  "job\tstep\tdone"};
    char log[512];
    size_t n = 0;
    log[n++] = (char)0xff; /* the byte order mark */
    log[n++] = (char)0xfe;
    for (size_t i = 0; i < sizeof lines / sizeof *lines; i++)
        for (const char *p = lines[i];; p++) {
            log[n++] = *p ? *p : '\n';
            log[n++] = 0;
            if (!*p) break;
        }
    expect_primary(rs, CLASSIFY_OUTCOME_FAILED, log, n, "runtime.missing-executable", 3);
    classify_rules_free(rs);
    buf_free(&warn);
}
END_TEST

/* Buildkite stamps each line with an APC string, "ESC _bk;t=<ms> BEL", and
 * tools print OSC 8 links ("ESC ]8;;url BEL"): neither is the tool's text,
 * so a rule anchored at the tool's line start must still match after them. */
START_TEST(apc_and_osc_strings_are_not_line_text)
{
    struct buf warn = {0};
    struct classify_rules *rs = rules_from("rule widget-abort\n"
                                           "class runtime.crash\n"
                                           "weight 90\n"
                                           "case\n"
                                           "match ^WIDGET ABORT: \n",
                                           &warn);
    static const char bk[] = "\x1b_bk;t=1700000000001\x07~~~ Running commands\r\n"
                             "\x1b_bk;t=1700000000002\x07$ ./widget --selftest\r\n"
                             "\x1b_bk;t=1700000000003\x07WIDGET ABORT: gear ratio out of range\r\n"
                             "\x1b_bk;t=1700000000004\x07^^^ +++\r\n";
    expect_primary(rs, CLASSIFY_OUTCOME_FAILED, bk, sizeof bk - 1, "runtime.crash", 3);
    static const char osc[] = "see \x1b]8;;https://example.test/run/7\x07the run page\x1b]8;;\x07 for details\n"
                              "\x1b]8;;file:///w/log\x1b\\WIDGET ABORT: spring tension lost\n";
    expect_primary(rs, CLASSIFY_OUTCOME_FAILED, osc, sizeof osc - 1, "runtime.crash", 2);
    classify_rules_free(rs);
    buf_free(&warn);
}
END_TEST

/* bazel --show_timestamps puts its clock "(HH:MM:SS) " before the lines it
 * prints: the clock is a log prefix, and bazel's own FAIL line for a test
 * target is the failure, not the "Build completed, N tests FAILED" tally */
START_TEST(bazel_clock_prefix_and_failed_test_target)
{
    ck_assert_ptr_nonnull(shipped);
    shipped_names("(10:01:02) INFO: Analyzed 40 targets (12 packages loaded).\n"
                  "(10:01:09) INFO: Found 31 targets and 9 test targets...\n"
                  "(10:01:17) FAIL: //lib/parser:tokens_test (Exit 1) (see /cache/out/testlogs/lib/parser/tokens_test/test.log)\n"
                  "(10:01:20) INFO: Elapsed time: 18.1s, Critical Path: 6.2s\n"
                  "(10:01:20) INFO: Build completed, 1 test FAILED, 212 total actions\n"
                  "//lib/parser:tokens_test                     FAILED in 0.4s\n",
                  "test.failure", 3);
    /* the clock alone, before an anchored rule of another tool */
    shipped_names("(10:02:00) INFO: Running command line: bazel-bin/tools/gen\n"
                  "(10:02:01) Traceback (most recent call last):\n"
                  "(10:02:01)   File \"tools/gen.py\", line 3, in <module>\n"
                  "(10:02:01) ModuleNotFoundError: No module named 'yaml'\n",
                  "runtime.missing-module", 4);
}
END_TEST

/* wordings that named no cause: a JDBC driver puts the address inside
 * "Connection to ... refused"; Helm will not install over an object that
 * is already in the cluster; bazel's lock file lags a module extension;
 * npm's error block indented by its wrapper still marks where it failed */
START_TEST(jdbc_refusal_helm_conflict_bazel_lock_indented_npm)
{
    ck_assert_ptr_nonnull(shipped);
    shipped_names("INFO  Starting pool ...\n"
                  "org.postgresql.util.PSQLException: Connection to db.internal:6543 refused. Check that the hostname and port are correct.\n"
                  "\tat org.postgresql.core.v3.ConnectionFactoryImpl.openConnectionImpl(ConnectionFactoryImpl.java:342)\n"
                  "Caused by: java.net.ConnectException: Connection refused\n"
                  "[ERROR] Tests run: 4, Failures: 0, Errors: 4, Skipped: 0\n",
                  "network", 2);
    shipped_names("+ helm upgrade --install shop charts/shop -n web\n"
                  "Error: UPGRADE FAILED: rendered manifests contain a resource that already exists. Unable to continue with update: "
                  "ConfigMap \"shop-env\" in namespace \"web\" exists and cannot be imported into the current release: invalid "
                  "ownership metadata\n"
                  "script returned exit code 1\n",
                  "config.invalid", 2);
    shipped_names("Loading: 0 packages loaded\n"
                  "ERROR: Error computing the main repository mapping: MODULE.bazel.lock is no longer up-to-date because the "
                  "module file has changed. Please run `bazel mod deps --lockfile_mode=update` to update your lockfile.\n"
                  "ERROR: Build did NOT complete successfully\n",
                  "config.invalid", 2);
    shipped_names("[Pipeline] sh\n"
                  " + npm ci --no-audit\n"
                  " npm warn deprecated glob@7.2.3: Glob versions prior to v9 are no longer supported\n"
                  " npm error code EPERM\n"
                  " npm error syscall open\n"
                  " npm error path /srv/cache/_cacache/tmp/5f1e\n"
                  "[Pipeline] }\n"
                  "[Pipeline] End of Pipeline\n"
                  "ERROR: script returned exit code 1\n"
                  "Finished: FAILURE\n",
                  "unknown", 4);
}
END_TEST

START_TEST(package_manager_and_code_host_cli_wordings)
{
    /* agent-blind22 misses, in other words than its files: package managers,
     * git hosting CLIs and build tools phrasing failures the rules knew in
     * other tools' words */
    ck_assert_ptr_nonnull(shipped);
    /* a negative return code written as a labelled field is still a signal */
    shipped_names("[INFO] Installing environment for https://example.org/hooks.\n"
                  "An unexpected error has occurred: CalledProcessError: command: ('/opt/venv/bin/python', '-m', 'pip', "
                  "'install', '.')\n"
                  "return code: -6\n"
                  "expected return code: 0\n",
                  "runtime.crash", 3);
    /* a code host's API refusing the token is the code host's refusal */
    shipped_names("fetching releases: GET https://gitlab.example.com/api/v4/projects/42/releases: 401 {message: 401 "
                  "Unauthorized}\n",
                  "vcs.auth", 1);
    shipped_names("listing tags\n"
                  "error: HTTP 401 from https://api.github.com/repos/acme/tool/tags (token expired?)\n",
                  "vcs.auth", 2);
    shipped_names("Error: EGITNOPERMISSION while pushing tag v2.3.0 to origin\n", "vcs.auth", 1);
    shipped_names("release step aborted: Cannot push to the Git repository (branch main)\n", "vcs.auth", 1);
    /* containers/image clients (podman, buildah, skopeo) refusing a manifest */
    shipped_names("Trying to pull quay.io/acme/worker:v7...\n"
                  "Error: initializing source docker://quay.io/acme/worker:v7: reading manifest v7 in "
                  "quay.io/acme/worker: unauthorized: access to the requested resource is not authorized\n",
                  "image.pull", 2);
    shipped_names("STEP 1/4: FROM registry.local/base/app:1.2\n"
                  "Error: initializing source docker://registry.local/base/app:1.2: reading manifest 1.2 in "
                  "registry.local/base/app: errors:\n"
                  "denied: access forbidden\n",
                  "image.pull", 2);
    shipped_names("level=fatal msg=\"copying image: reading manifest latest in docker.io/acme/private: requested access "
                  "to the resource is denied\"\n",
                  "image.pull", 1);
    /* a helper program looked up on $PATH by the CLI that needs it */
    shipped_names("error: the kubelogin helper was not found on your PATH\n", "runtime.missing-executable", 1);
    static const char found[] = "using the kubelogin helper found on your PATH\n"
                                "token refreshed\n";
    struct classify_result *r = run(shipped, CLASSIFY_OUTCOME_FAILED, found, sizeof found - 1);
    ck_assert_str_ne(r->primary.class_id, "runtime.missing-executable");
    classify_result_free(r);
    /* Deno spawning a program that is not there; reading a missing file is not that */
    shipped_names("error: Uncaught (in promise) NotFound: No such file or directory (os error 2)\n"
                  "    at opRun (ext:runtime/40_process.js:46:10)\n"
                  "    at Object.run (ext:runtime/40_process.js:134:17)\n"
                  "    at main (file:///app/build.ts:9:22)\n",
                  "runtime.missing-executable", 1);
    static const char readfile[] = "error: Uncaught (in promise) NotFound: No such file or directory (os error 2), "
                                   "readfile 'config.json'\n"
                                   "    at Object.readTextFile (ext:deno_fs/30_fs.js:878:24)\n";
    r = run(shipped, CLASSIFY_OUTCOME_FAILED, readfile, sizeof readfile - 1);
    ck_assert_str_ne(r->primary.class_id, "runtime.missing-executable");
    classify_result_free(r);
    /* resolvers that find no package set: cabal, libsolv (mamba, dnf), conda */
    shipped_names("Resolving dependencies...\n"
                  "cabal: Could not resolve dependencies:\n"
                  "[__0] next goal: aeson (user goal)\n",
                  "config.invalid", 2);
    shipped_names("error    libmamba Could not solve for environment specs\n", "config.invalid", 1);
    shipped_names("Encountered problems while solving:\n"
                  "  - nothing provides requested ripgrep 99.*\n",
                  "config.invalid", 2);
    shipped_names("Problem: package scipy-1.14.1-py312 requires libgfortran5 >=13\n"
                  "  - nothing provides libgfortran5 >=13 needed by scipy-1.14.1-py312\n",
                  "config.invalid", 2);
    shipped_names("UnsatisfiableError: The following specifications were found to be incompatible with each other:\n",
                  "config.invalid", 1);
    /* pip pointed at a directory that is no Python project */
    shipped_names("ERROR: Directory './plugins/exporter' is not installable. Neither 'setup.py' nor 'pyproject.toml' "
                  "found.\n",
                  "config.invalid", 1);
    /* a configuration file in a schema version the tool no longer reads */
    shipped_names("  x loading config failed  error=only configurations files on version: 3 are supported\n",
                  "config.invalid", 1);
    /* CocoaPods: no spec source has the pod at that version */
    shipped_names("[!] CocoaPods could not find compatible versions for pod \"Alamofire\":\n"
                  "  In Podfile:\n"
                  "    Alamofire (= 9.9.9)\n",
                  "config.invalid", 1);
    shipped_names("None of your spec sources contain a spec satisfying the dependency: `Charts (~> 99.0)`.\n",
                  "config.invalid", 1);
    /* a Nix derivation that names no source */
    shipped_names("unpacking sources\n"
                  "variable $src or $srcs should point to the source\n"
                  "error: builder for '/nix/store/abc-hello.drv' failed with exit code 1\n",
                  "config.invalid", 2);
    /* failure lines that name no cause: a driver's "Error running ..." and
     * turbo's summary line naming the failed task come before the bare exit */
    shipped_names("Launching lib/main.dart on Pixel 7 in debug mode...\n"
                  "Error running Gradle task 'assembleDebug'\n"
                  "Exited (1)\n",
                  "unknown", 2);
    shipped_names("Error launching application on emulator-5554.\n"
                  "process exited with code 1\n",
                  "unknown", 1);
    shipped_names(" Tasks:    11 successful, 12 total\n"
                  "Cached:    3 cached, 12 total\n"
                  "  Time:    41.2s\n"
                  "Failed:    web#lint\n"
                  "\n"
                  " ERROR  run failed: command  exited (1)\n",
                  "unknown", 4);
}
END_TEST

int main(void)
{
    const char *src = getenv("ARTRIAGE_SRC");
    char *dir = xasprintf("%s/data/rules", src ? src : ".");
    struct buf warn = {0};
    char err[512];
    struct classify_rules_opts o = {.shipped_dir = dir, .user_dir = ""};
    shipped = classify_rules_load(&o, &warn, err, sizeof err);
    if (!shipped) {
        fprintf(stderr, "cannot load shipped rules: %s\n", err);
        return 1;
    }
    if (warn.len) {
        fprintf(stderr, "shipped rules have problems:\n%s", warn.p);
        return 1;
    }
    buf_free(&warn);
    free(dir);

    Suite *s = suite_create("classify");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, chunk_boundaries_every_offset);
    tcase_add_test(tc, nul_and_invalid_utf8);
    tcase_add_test(tc, utf16le_evidence_decoded);
    tcase_add_test(tc, huge_line_bounded);
    tcase_add_test(tc, log_prefix_before_anchored_patterns);
    tcase_add_test(tc, runner_commands_rerun_and_search);
    tcase_add_test(tc, runner_command_line_is_not_output);
    tcase_add_test(tc, rule_errors_name_file_and_line);
    tcase_add_test(tc, rules_from_dirs_and_versions);
    tcase_add_test(tc, rule_id_twice_in_one_directory_is_named);
    tcase_add_test(tc, ranking_first_cause_beats_consequences);
    tcase_add_test(tc, outcomes_and_retries);
    tcase_add_test(tc, near_rules_and_snapshot);
    tcase_add_test(tc, status_signals_without_logs);
    tcase_add_test(tc, termination_message_and_posix_spawn);
    tcase_add_test(tc, caller_findings_no_pr);
    tcase_add_test(tc, fallback_scanner_same_results);
    tcase_add_test(tc, two_thread_scan_same_results);
    tcase_add_test(tc, newline_count);
    tcase_add_test(tc, ansi_lines_map_to_original_bytes);
    tcase_add_test(tc, literal_choice_prefers_rare);
    tcase_add_test(tc, outcome_parse);
    tcase_add_test(tc, ci_script_text_is_not_output);
    tcase_add_test(tc, error_continued_past_is_not_the_cause);
    tcase_add_test(tc, first_failed_command_when_the_runner_kept_going);
    tcase_add_test(tc, gh_run_view_columns_are_a_log_prefix);
    tcase_add_test(tc, steps_after_the_failure_are_not_the_cause);
    tcase_add_test(tc, the_job_that_failed_first_decides);
    tcase_add_test(tc, an_actions_own_log_group_is_output);
    tcase_add_test(tc, pinned_versions_actions_refs_formatters_and_cloud_login);
    tcase_add_test(tc, lint_findings_cluster_assertions_and_dir_missing_recipes);
    tcase_add_test(tc, echoed_command_is_no_fallback_cause);
    tcase_add_test(tc, diff_hunk_lines_are_file_text);
    tcase_add_test(tc, gherkin_step_text_is_not_output);
    tcase_add_test(tc, lint_verdicts_and_go_tool_wordings);
    tcase_add_test(tc, jenkins_verdicts_are_failure_lines);
    tcase_add_test(tc, ant_task_column_is_a_log_prefix);
    tcase_add_test(tc, ci_job_that_ended_clean_has_no_primary);
    tcase_add_test(tc, exit_137_alone_is_not_oom);
    tcase_add_test(tc, resolved_conflict_and_echoed_arguments);
    tcase_add_test(tc, baseline_normalises_and_demotes);
    tcase_add_test(tc, baseline_asked_first_as_whole);
    tcase_add_test(tc, buildkit_and_syslog_prefixes);
    tcase_add_test(tc, unknown_points_at_the_tools_error_block);
    tcase_add_test(tc, shipped_rules_other_wordings);
    tcase_add_test(tc, ci_step_unknown_sudo_and_missing_cli_wordings);
    tcase_add_test(tc, shipped_rules_test_report_wordings);
    tcase_add_test(tc, shipped_rules_agent_and_package_wordings);
    tcase_add_test(tc, shipped_rules_indented_reports);
    tcase_add_test(tc, wrapped_message_read_joined);
    tcase_add_test(tc, shipped_rules_context_and_module_proxy);
    tcase_add_test(tc, error_text_quoted_in_prose);
    tcase_add_test(tc, shipped_rules_lockfile_and_limit_wordings);
    tcase_add_test(tc, shipped_rules_connection_model_and_resolver_wordings);
    tcase_add_test(tc, rust_test_panic_is_a_test_failure);
    tcase_add_test(tc, octokit_pr_create_422_is_the_first_attempt);
    tcase_add_test(tc, shipped_rules_limit_lockfile_parser_and_apt_wordings);
    tcase_add_test(tc, agent_cli_log_level_after_a_cross_is_not_a_test);
    tcase_add_test(tc, merge_concluded_by_its_commit_is_not_the_cause);
    tcase_add_test(tc, registry_misses_are_the_dependency_spec);
    tcase_add_test(tc, quoted_source_is_not_output);
    tcase_add_test(tc, model_names_an_unknown_block);
    tcase_add_test(tc, model_reads_the_last_lines_when_no_line_says_failed);
    tcase_add_test(tc, model_reads_the_lines_before_a_bare_failure_line);
    tcase_add_test(tc, model_fallback_blocks_have_their_own_threshold);
    tcase_add_test(tc, model_fallback_evidence_is_the_line_naming_the_class);
    tcase_add_test(tc, model_fallback_evidence_may_lie_above_the_lines_read);
    tcase_add_test(tc, model_confidence_power_tempers_many_tokens);
    tcase_add_test(tc, model_reads_a_traceback_from_its_exception_line);
    tcase_add_test(tc, model_reads_word_pairs_and_camel_case_parts);
    tcase_add_test(tc, model_never_changes_a_rule_verdict);
    tcase_add_test(tc, model_low_confidence_stays_unknown);
    tcase_add_test(tc, model_corrupt_file_is_reported_and_ignored);
    tcase_add_test(tc, shipped_model_loads);
    tcase_add_test(tc, test_diff_value_is_not_a_shell_trace);
    tcase_add_test(tc, lld_undefined_symbol_is_a_link_error);
    tcase_add_test(tc, passed_test_name_is_not_a_cause);
    tcase_add_test(tc, pytest_collecting_nothing_fails_the_check);
    tcase_add_test(tc, markdownlint_error_is_a_failed_check);
    tcase_add_test(tc, input_token_count_over_the_maximum_is_the_context_window);
    tcase_add_test(tc, no_model_available_is_not_a_test_cross);
    tcase_add_test(tc, dependency_checksum_mismatch_is_the_pin);
    tcase_add_test(tc, apt_unmet_dependencies_are_the_spec);
    tcase_add_test(tc, execvp_of_a_missing_program);
    tcase_add_test(tc, libtest_header_after_a_clock_prefix);
    tcase_add_test(tc, helper_died_unexpectedly_is_a_crash);
    tcase_add_test(tc, oomkilled_false_is_not_an_oom);
    tcase_add_test(tc, pip_retries_on_aborted_connections_are_the_cause);
    tcase_add_test(tc, download_network_timeout_is_network);
    tcase_add_test(tc, passive_timeout_wording);
    tcase_add_test(tc, existing_pr_check_failing_is_pr_create);
    tcase_add_test(tc, shell_prompt_line_is_the_command_not_its_output);
    tcase_add_test(tc, tree_head_of_a_failed_download_is_the_evidence);
    tcase_add_test(tc, shipped_rules_agent_pod_and_git_wordings);
    tcase_add_test(tc, shipped_rules_platform_wordings);
    tcase_add_test(tc, package_index_fetch_failed_before_missing_package);
    tcase_add_test(tc, php_and_ruby_resolvers_name_the_spec);
    tcase_add_test(tc, image_build_dockerfile_path_is_config);
    tcase_add_test(tc, agent_framework_wordings);
    tcase_add_test(tc, agent_ci_action_wordings);
    tcase_add_test(tc, npm_registry_refuses_the_credential);
    tcase_add_test(tc, typescript_code_under_a_loader_header);
    tcase_add_test(tc, surefire_inline_failed_test_entry);
    tcase_add_test(tc, mocha_detail_header_after_the_counts);
    tcase_add_test(tc, ctest_first_failed_result_line_before_the_count);
    tcase_add_test(tc, dotnet_test_run_failed_and_per_test_lines);
    tcase_add_test(tc, go_package_fail_glued_to_test_output);
    tcase_add_test(tc, exunit_numbered_failure_header);
    tcase_add_test(tc, rspec_expected_got_pair);
    tcase_add_test(tc, pytest_import_header_names_the_missing_module);
    tcase_add_test(tc, deploy_platform_finished_after_refused_healthchecks);
    tcase_add_test(tc, jvm_oom_option_is_not_an_oom);
    tcase_add_test(tc, node_tls_error_codes_are_network);
    tcase_add_test(tc, uv_failed_to_spawn_a_missing_program);
    tcase_add_test(tc, format_style_and_scan_checks_fail_the_job);
    tcase_add_test(tc, more_build_and_package_tool_wordings);
    tcase_add_test(tc, cmake_find_package_failures_name_the_missing_piece);
    tcase_add_test(tc, language_toolchain_check_and_compile_wordings);
    tcase_add_test(tc, package_and_migration_tool_wordings);
    tcase_add_test(tc, check_gate_and_build_setup_wordings);
    tcase_add_test(tc, token_refused_outside_a_pull_request_is_auth);
    tcase_add_test(tc, appended_agent_runs_the_last_run_decides);
    tcase_add_test(tc, normal_events_are_no_cause);
    tcase_add_test(tc, image_pulled_recovers_only_pull_failures);
    tcase_add_test(tc, credential_words_in_prose_are_no_finding);
    tcase_add_test(tc, agent_result_event_marks_the_run_succeeded);
    tcase_add_test(tc, marker_near_looks_back_only);
    tcase_add_test(tc, retry_loop_block_points_at_the_first_attempt);
    tcase_add_test(tc, agent_provider_limit_and_model_wordings);
    tcase_add_test(tc, utf16le_log_is_matched_as_its_text);
    tcase_add_test(tc, apc_and_osc_strings_are_not_line_text);
    tcase_add_test(tc, bazel_clock_prefix_and_failed_test_target);
    tcase_add_test(tc, jdbc_refusal_helm_conflict_bazel_lock_indented_npm);
    tcase_add_test(tc, scala3_numbered_diagnostic_is_a_compile_error);
    tcase_add_test(tc, zero_tests_failed_tally_is_no_failure);
    tcase_add_test(tc, codex_finished_turn_sets_tool_failures_aside);
    tcase_add_test(tc, bundler_build_failed_cross_is_not_a_test);
    tcase_add_test(tc, build_script_panic_over_a_missing_program);
    tcase_add_test(tc, interpreter_or_compiler_cannot_be_found);
    tcase_add_test(tc, agent_cli_refusing_to_run_outside_a_checkout);
    tcase_add_test(tc, npm_peer_conflict_report_without_its_code_line);
    tcase_add_test(tc, http_read_timeout_is_network);
    tcase_add_test(tc, traceback_source_line_behind_a_log_prefix_is_code);
    tcase_add_test(tc, web_font_fetch_without_network);
    tcase_add_test(tc, parser_refusals_in_bare_pflag_and_pip_words);
    tcase_add_test(tc, go_revision_and_brew_formula_missing_are_registry_misses);
    tcase_add_test(tc, cargo_install_summary_defers_to_its_cause);
    tcase_add_test(tc, ipython_traceback_header_defers_to_exception_line);
    tcase_add_test(tc, requested_upstream_branch_missing_is_worktree);
    tcase_add_test(tc, more_parser_refusal_wordings);
    tcase_add_test(tc, wrapped_message_without_error_block_read_joined);
    tcase_add_test(tc, helm_template_refusing_values_is_config);
    tcase_add_test(tc, package_manager_and_code_host_cli_wordings);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    classify_rules_free(shipped);
    return failed ? 1 : 0;
}
