/* The scan's plumbing: colour codes are cut out of a block before the
 * scanner sees it, so a code anywhere (at every offset, several in a
 * line, a lone ESC, at the very end of a block) must still leave the text
 * a rule matches, with the right line number and the raw line as the
 * finding's text. */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "classify/classify.h"
#include "classify/internal.h" /* the scanner's literal table */
#include "side_db_cache.h"
#include "util/buf.h"
#include "util/err.h"

static const char rules_text[] = "rule conn-refused\n"
                                 "class network\n"
                                 "weight 80\n"
                                 "match ECONNREFUSED 127\\.0\\.0\\.1\n";

/* Rules from text, compiled with the scanner cache off (and the scanner
 * forced when given); the count of warnings in *nwarn when asked. */
static struct classify_rules *compile_rules(const char *name, const char *text, size_t len, const char *scanner,
                                           size_t *nwarn)
{
    setenv("ARTRIAGE_CLASSIFY_CACHE", "0", 1);
    if (scanner) setenv("ARTRIAGE_CLASSIFY_SCANNER", scanner, 1);
    struct buf warn = {0};
    struct classify_rules *rs = classify_rules_new();
    classify_rules_add_text(rs, name, text, len, &warn);
    char err[ERRLEN];
    ck_assert_msg(classify_rules_compile(rs, &warn, err, sizeof err) == 0, "%s", err);
    unsetenv("ARTRIAGE_CLASSIFY_SCANNER");
    if (nwarn) *nwarn = warn.len;
    buf_free(&warn);
    return rs;
}

static struct classify_rules *rules(void)
{
    return compile_rules("test.rules", rules_text, sizeof rules_text - 1, NULL, NULL);
}

static struct classify_result *classify_text(const struct classify_rules *rs, const char *text, size_t n)
{
    struct classify_ctx *c = classify_new(rs, CLASSIFY_OUTCOME_FAILED);
    classify_feed(c, text, n);
    struct classify_result *r = classify_finish(c);
    classify_free(c);
    return r;
}

/* classify_text, with the large-block split on two threads (threads 0,
 * the default) or kept on one (1). */
static struct classify_result *classify_text_threads(const struct classify_rules *rs, const char *text, size_t n,
                                                     int threads)
{
    if (threads) setenv("ARTRIAGE_CLASSIFY_THREADS", "1", 1);
    struct classify_result *r = classify_text(rs, text, n);
    unsetenv("ARTRIAGE_CLASSIFY_THREADS");
    return r;
}

/* "ECONNREFUSED 127.0.0.1" with a colour code cut into it at `at`, after
 * `pad` bytes of other text, on line 3 of a block. */
START_TEST(colour_code_at_every_offset)
{
    struct classify_rules *rs = rules();
    static const char target[] = "ECONNREFUSED 127.0.0.1";
    for (size_t pad = 0; pad < 40; pad++) {
        for (size_t at = 0; at <= sizeof target - 1; at++) {
            struct buf log = {0}, line = {0};
            buf_puts(&log, "first line, long enough to fill a few sixteen-byte steps\nsecond\n");
            for (size_t k = 0; k < pad; k++) buf_putc(&line, (char)('a' + k % 26));
            buf_append(&line, target, at);
            buf_puts(&line, "\x1b[1;31m");
            buf_puts(&line, target + at);
            buf_puts(&line, "\x1b[0m tail");
            buf_append(&log, line.p, line.len);
            buf_puts(&log, "\nlast line\n");
            struct classify_result *r = classify_text(rs, log.p, log.len);
            ck_assert_msg(r->has_primary && strcmp(r->primary.class_id, "network") == 0,
                          "pad %zu at %zu: no match", pad, at);
            ck_assert_int_eq(r->primary.line, 3);
            ck_assert_str_eq(r->primary.text, line.p); /* the raw line, codes kept */
            ck_assert_int_eq(r->lines, 4);
            classify_result_free(r);
            buf_free(&log);
            buf_free(&line);
        }
    }
    classify_rules_free(rs);
}
END_TEST

START_TEST(lone_esc_and_code_at_block_end)
{
    struct classify_rules *rs = rules();
    /* a lone ESC is dropped too */
    static const char lone[] = "0123456789abcdefECONN\x1bREFUSED 127.0.0.1\n";
    struct classify_result *r = classify_text(rs, lone, sizeof lone - 1);
    ck_assert(r->has_primary);
    ck_assert_str_eq(r->primary.class_id, "network");
    classify_result_free(r);
    /* many codes in a row, 16-byte aligned, then the text; a code that
     * ends the block without a newline */
    struct buf log = {0};
    for (int i = 0; i < 8; i++) buf_puts(&log, "\x1b[0m\x1b[1m\x1b[31m\x1b[0");
    buf_puts(&log, "mECONNREFUSED 127.0.0.1\n\x1b[");
    r = classify_text(rs, log.p, log.len);
    ck_assert(r->has_primary);
    ck_assert_str_eq(r->primary.class_id, "network");
    ck_assert_int_eq(r->primary.line, 1);
    ck_assert_int_eq(r->lines, 2);
    classify_result_free(r);
    buf_free(&log);
    /* a code that splits the words apart is cut, not turned into a space */
    static const char apart[] = "xxxxxxxxxxxxxxxxECONNREFUSED\x1b[0m127.0.0.1\n";
    r = classify_text(rs, apart, sizeof apart - 1);
    ck_assert(!r->has_primary || strcmp(r->primary.class_id, "network") != 0);
    classify_result_free(r);
    classify_rules_free(rs);
}
END_TEST

/* Rules read a line after its log prefix (a timestamp, kubectl --prefix,
 * the runner's "[command:delta] command output " frame) and without its
 * CR, so a pattern anchored with ^ or $ must match there whichever scanner
 * looks for candidates: the scanners see whole blocks, where ^ is a line's
 * first byte and $ comes after a CR. The pattern holds no literal, so the
 * scanner looks for the pattern itself. */
static const char anchored_rules[] = "rule anchored-code\n"
                                     "class build\n"
                                     "weight 80\n"
                                     "match ^[A-Z]{4}: [a-z]+$\n";

static void anchored_under(const char *scanner)
{
    struct classify_rules *rs = compile_rules("anchored.rules", anchored_rules, sizeof anchored_rules - 1, scanner, NULL);
    static const char *const lines[] = {
        "WXYZ: boom",                                /* no prefix */
        "2026-03-10T09:00:00.123Z WXYZ: boom",       /* kubectl --timestamps */
        "[2026-03-10 09:00:00,123]   WXYZ: boom",    /* Python logging, bracketed */
        "[pod/run-1/agent] WXYZ: boom",              /* kubectl --prefix */
        "#7 0.512 WXYZ: boom",                       /* BuildKit */
        "[command:delta] command output WXYZ: boom", /* the runner's frame */
        "2026-03-10T09:00:00Z [command:delta] command output WXYZ: boom",
        "\x1b[2m2026-03-10T09:00:00Z\x1b[0m WXYZ: \x1b[31mboom\x1b[0m", /* coloured */
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        for (int crlf = 0; crlf < 2; crlf++) {
            struct buf log = {0};
            buf_puts(&log, "2026-03-10T08:59:59Z starting\r\nsome output, nothing anchored\n");
            buf_puts(&log, lines[i]);
            buf_puts(&log, crlf ? "\r\n" : "\n");
            buf_puts(&log, "2026-03-10T09:00:01Z WXYZ: no match here 1\nlast line\n");
            struct classify_result *r = classify_text(rs, log.p, log.len);
            ck_assert_msg(r->has_primary && strcmp(r->primary.class_id, "build") == 0,
                          "%s scanner: no match in line %zu%s", classify_rules_engine(rs), i,
                          crlf ? " (CRLF)" : "");
            ck_assert_int_eq(r->primary.line, 3);
            ck_assert_str_eq(r->primary.text, lines[i]);
            ck_assert_uint_eq(r->nfindings, 1);
            classify_result_free(r);
            buf_free(&log);
        }
    }
    /* a prefix is only skipped at a line's start: further in it is text */
    static const char mid[] = "text 2026-03-10T09:00:00Z WXYZ: boom\n";
    struct classify_result *r = classify_text(rs, mid, sizeof mid - 1);
    ck_assert_uint_eq(r->nfindings, 0);
    classify_result_free(r);
    classify_rules_free(rs);
}

START_TEST(anchored_after_log_prefix)
{
    anchored_under(NULL);
    anchored_under("pcre2");
}
END_TEST

/* A block large enough to be masked and scanned in two halves on two
 * threads: anchored matches after a prefix on both sides of the cut, in a
 * block with colour codes (masked in place) and one without (masked in a
 * copy), with and without the second thread. */
START_TEST(anchored_in_a_large_block)
{
    struct classify_rules *rs = compile_rules("anchored.rules", anchored_rules, sizeof anchored_rules - 1, NULL, NULL);
    static const int at[] = {5, 29999, 30000, 30001, 30002, 59990};
    for (int colour = 0; colour < 2; colour++) {
        struct buf log = {0};
        for (int i = 0; i < 60000; i++) {
            bool hit = false;
            for (size_t k = 0; k < sizeof at / sizeof at[0]; k++) hit |= at[k] == i;
            if (hit) buf_printf(&log, "2026-03-10T09:00:%02d.000Z WXYZ: boom\r\n", i % 60);
            else if (colour && i % 100 == 0) buf_printf(&log, "2026-03-10T09:00:00Z \x1b[32mok\x1b[0m %d\n", i);
            else buf_printf(&log, "2026-03-10T09:00:00Z line %d of ordinary output WXYZ: x1\n", i);
        }
        ck_assert_uint_gt(log.len, 2u * 1024 * 1024);
        for (int threads = 0; threads < 2; threads++) {
            struct classify_result *r = classify_text_threads(rs, log.p, log.len, threads);
            ck_assert_uint_eq(r->nfindings, sizeof at / sizeof at[0]);
            for (size_t k = 0; k < r->nfindings; k++)
                ck_assert_int_eq(r->findings[k].line, at[k] + 1);
            ck_assert_int_eq(r->lines, 60000);
            classify_result_free(r);
        }
        buf_free(&log);
    }
    classify_rules_free(rs);
}
END_TEST

/* A required literal that holds a shorter one ("quota exceeded for
 * project" holds "quota exceeded") is not scanned for: the shorter one's
 * hit stands for both, and each rule still matches only its own lines. */
static const char fold_rules[] = "rule quota-project\n"
                                 "class rate-limit\n"
                                 "weight 80\n"
                                 "match Quota exceeded for project \\S+\n"
                                 "\n"
                                 "rule quota\n"
                                 "class resource.quota\n"
                                 "weight 60\n"
                                 "match quota exceeded\n";

static void folded_under(const char *scanner)
{
    struct classify_rules *rs = compile_rules("fold.rules", fold_rules, sizeof fold_rules - 1, scanner, NULL);
    ck_assert_uint_eq(rs->nlits, 1);
    ck_assert_str_eq(rs->lits[0], "quota exceeded");
    ck_assert_uint_eq(rs->nraw, 0);
    static const char log[] = "starting\n"
                              "error: quota exceeded\n"
                              "Quota exceeded for project acme-prod\n"
                              "done\n";
    struct classify_result *r = classify_text(rs, log, sizeof log - 1);
    ck_assert_uint_eq(r->nfindings, 3);
    ck_assert_int_eq(r->findings[0].line, 2);
    ck_assert_str_eq(r->findings[0].rule_id, "quota");
    ck_assert_int_eq(r->findings[1].line, 3);
    ck_assert_int_eq(r->findings[2].line, 3);
    bool project = false, plain = false;
    for (size_t k = 1; k < 3; k++) {
        project |= strcmp(r->findings[k].rule_id, "quota-project") == 0;
        plain |= strcmp(r->findings[k].rule_id, "quota") == 0;
    }
    ck_assert(project && plain);
    classify_result_free(r);
    classify_rules_free(rs);
}

START_TEST(contained_literal_folded)
{
    folded_under(NULL);
    folded_under("pcre2");
}
END_TEST

/* Forty rules "boom-K" matching "kaboom-KK happened" (at most 16 findings
 * each), so that findings can reach the end of a long log. Caller frees. */
enum { NRULES = 40 };
static struct classify_rules *many_rules(void)
{
    struct buf text = {0};
    for (int k = 0; k < NRULES; k++)
        buf_printf(&text, "rule boom-%d\nclass build\nweight 80\nmatch kaboom-%02d happened\n\n", k, k);
    struct classify_rules *rs = compile_rules("many.rules", text.p, text.len, NULL, NULL);
    buf_free(&text);
    return rs;
}

/* Line numbers come from newline checkpoints the masking pass leaves
 * every few KiB (and from the previous hit when it is closer): hits
 * dense and sparse, on lines right before and after checkpoints, in both
 * halves of a block scanned on two threads and in one thread, each get
 * their own line number, and the block's line count is exact. Forty rules
 * (at most 16 findings each) so that findings reach the end of the log. */
START_TEST(line_numbers_from_checkpoints)
{
    struct classify_rules *rs = many_rules();
    for (int crlf = 0; crlf < 2; crlf++) {
        struct buf log = {0};
        static int want[NRULES * 16];
        size_t nwant = 0;
        int line = 0;
        unsigned x = 12345;
        while (log.len < 6u * 1024 * 1024) {
            line++;
            x = x * 1103515245u + 12345u;
            /* hits in runs (dense) and alone (sparse), lines of varied length */
            bool hit = (x >> 16) % 53 == 0 || (line % 20000 < 30 && line % 3 == 0);
            if (hit && nwant < sizeof want / sizeof want[0]) {
                buf_printf(&log, "2026-03-10T09:00:00Z kaboom-%02d happened%s\n", (int)(nwant % NRULES),
                           crlf ? "\r" : "");
                want[nwant++] = line;
            } else {
                buf_puts(&log, "2026-03-10T09:00:00Z ordinary ");
                for (unsigned k = 0; k < (x >> 8) % 300; k++) buf_putc(&log, (char)('a' + k % 26));
                buf_puts(&log, crlf ? "\r\n" : "\n");
            }
        }
        ck_assert_uint_eq(nwant, sizeof want / sizeof want[0]);
        ck_assert_int_gt(line - want[nwant - 1], 1000); /* the last hits lie well inside */
        for (int threads = 0; threads < 2; threads++) {
            struct classify_result *r = classify_text_threads(rs, log.p, log.len, threads);
            ck_assert_int_eq(r->lines, line);
            ck_assert_uint_eq(r->nfindings, nwant);
            for (size_t k = 0; k < r->nfindings; k++) ck_assert_int_eq(r->findings[k].line, want[k]);
            classify_result_free(r);
        }
        buf_free(&log);
    }
    classify_rules_free(rs);
}
END_TEST

/* A pattern whose rarest literals are numbers only ("exit ... 137") is
 * scanned for whole by Hyperscan: every line of a log with the number in it
 * (counts, sizes, progress) would be a candidate for PCRE2 otherwise. Its
 * matches come out as before, on either scanner; a literal with letters
 * in it still anchors. */
static const char number_rules[] = "rule killed\n"
                                   "class oom\n"
                                   "weight 80\n"
                                   "match \\b(exit(ed)?|code)\\b\\D{0,16}\\b(137|143)\\b\n"
                                   "match \\bsignal 9 \\(SIGKILL\\)\n";

START_TEST(numbers_only_not_an_anchor)
{
    static const char log[] = "Receiving objects: 137 of 143 done\n"
                              "exit code 137\n"
                              "worker 143 got signal 9 (SIGKILL)\n"
                              "process exited with 143\n"
                              "137 files, code review 143\n";
    for (int fallback = 0; fallback < 2; fallback++) {
        struct classify_rules *rs =
            compile_rules("numbers.rules", number_rules, sizeof number_rules - 1, fallback ? "pcre2" : NULL, NULL);
        bool hs = false;
#ifdef HAVE_HYPERSCAN
        hs = rs->use_hs;
#endif
        /* the fallback scanner finds regexes in one combined pattern: it
         * keeps every literal it can */
        ck_assert_uint_eq(rs->nlits, hs ? 1 : 3);
        ck_assert_uint_eq(rs->nraw, hs ? 1 : 0);
        ck_assert_str_eq(rs->lits[hs ? 0 : 2], "signal 9 (sigkill)");
        struct classify_result *r = classify_text(rs, log, sizeof log - 1);
        ck_assert_uint_eq(r->nfindings, 4);
        ck_assert_int_eq(r->findings[0].line, 2);
        ck_assert_int_eq(r->findings[1].line, 3);
        ck_assert_int_eq(r->findings[2].line, 4);
        ck_assert_int_eq(r->findings[3].line, 5);
        classify_result_free(r);
        classify_rules_free(rs);
    }
}
END_TEST

/* A block's pieces start after the first newline past each multiple of
 * the piece size, so a line longer than a piece leaves empty pieces behind
 * it, and the next piece starts far into the block: hits on the lines
 * after such lines, and inside them, get their line numbers on one thread
 * and on two, and the line count is exact. */
START_TEST(lines_longer_than_a_piece)
{
    static const char text[] = "rule long-boom\nclass build\nweight 80\nmatch kaboom-\\d+ happened\n";
    struct classify_rules *rs = compile_rules("long.rules", text, sizeof text - 1, NULL, NULL);
    struct buf log = {0};
    int want[16], nwant = 0, line = 0;
    static const size_t longs[] = {700u * 1024, 200u * 1024, 1u, 450u * 1024, 3u * 1024 * 1024, 90u};
    for (size_t k = 0; k < sizeof longs / sizeof longs[0]; k++) {
        line++;
        /* a hit in the middle of a long line: found in the window around it */
        for (size_t i = 0; i < longs[k] / 2; i++) buf_putc(&log, (char)('a' + i % 26));
        if (nwant < 16) want[nwant++] = line;
        buf_printf(&log, " kaboom-%zu happened ", k);
        for (size_t i = 0; i < longs[k] / 2; i++) buf_putc(&log, (char)('a' + i % 26));
        buf_putc(&log, '\n');
        for (int q = 0; q < 3; q++) {
            line++;
            buf_puts(&log, q == 1 ? "kaboom-7 happened\n" : "ordinary\n");
            if (q == 1 && nwant < 16) want[nwant++] = line;
        }
    }
    for (int threads = 0; threads < 2; threads++) {
        struct classify_result *r = classify_text_threads(rs, log.p, log.len, threads);
        ck_assert_int_eq(r->lines, line);
        ck_assert_uint_eq(r->nfindings, (size_t)nwant);
        for (size_t k = 0; k < r->nfindings; k++) ck_assert_int_eq(r->findings[k].line, want[k]);
        classify_result_free(r);
    }
    buf_free(&log);
    classify_rules_free(rs);
}
END_TEST

/* A rule's `match` pattern with no usable literal, in a rule with `near N`
 * patterns, is gated: left out of the whole-log scan and tried only on the
 * lines within N of a hit of its near patterns. Its findings must come out
 * as without the gate wherever the log is cut into the pieces fed (the near
 * line in one block, the match just across the boundary in the next, or the
 * other way round; a cut inside a line), on a line longer than
 * CLASSIFY_LINE_MAX, and as the fallback scanner (no gates) finds them; a
 * match with no near line within reach gives nothing. */
static const char gate_rules[] = "rule listed-test\n"
                                 "class test.failure\n"
                                 "weight 80\n"
                                 "case\n"
                                 "match ^\\s{2,}[A-Za-z_]\\w*(\\.\\w+)+:\\d+\n"
                                 "near 1 ^Failed tests:\\s*$\n";

static const char gate_log[] = "build started\n"
                               "  com.acme.Early.x:1\n" /* 2: no near line within 1 */
                               "ordinary output\n"
                               "ordinary output\n"
                               "Failed tests:\n"
                               "  com.acme.FooTest.bar:12\n" /* 6: the near line above */
                               "ordinary output\n"
                               "  com.acme.BarTest.baz:7\n" /* 8: the near line below */
                               "Failed tests:\n"
                               "done\n"
                               "  com.acme.Late.y:3\n"; /* 11: two lines from it */

static struct classify_rules *gate_rules_text(const char *scanner, const char *text, size_t len)
{
    size_t nwarn;
    struct classify_rules *rs = compile_rules("gate.rules", text, len, scanner, &nwarn);
    ck_assert_uint_eq(nwarn, 0);
    return rs;
}

static struct classify_rules *gate_rules_under(const char *scanner)
{
    return gate_rules_text(scanner, gate_rules, sizeof gate_rules - 1);
}

static void assert_gate_findings(const struct classify_result *r, const char *how, size_t at)
{
    ck_assert_msg(r->nfindings == 2, "%s %zu: %zu findings", how, at, r->nfindings);
    ck_assert_msg(r->findings[0].line == 6 && r->findings[1].line == 8, "%s %zu: lines %lld %lld", how, at,
                  (long long)r->findings[0].line, (long long)r->findings[1].line);
    ck_assert_int_eq(r->lines, 11);
}

START_TEST(gated_match_across_pieces)
{
    for (int fallback = 0; fallback < 2; fallback++) {
        struct classify_rules *rs = gate_rules_under(fallback ? "pcre2" : NULL);
#ifdef HAVE_HYPERSCAN
        ck_assert_uint_eq(rs->ngated, fallback ? 0 : 1); /* the match pattern is gated */
#endif
        size_t n = sizeof gate_log - 1;
        for (size_t cut = 0; cut <= n; cut++) { /* two pieces, cut at every byte */
            struct classify_ctx *c = classify_new(rs, CLASSIFY_OUTCOME_FAILED);
            classify_feed(c, gate_log, cut);
            classify_feed(c, gate_log + cut, n - cut);
            struct classify_result *r = classify_finish(c);
            classify_free(c);
            assert_gate_findings(r, fallback ? "fallback, cut at" : "cut at", cut);
            classify_result_free(r);
        }
        for (size_t step = 1; step < 8; step++) { /* many small pieces */
            struct classify_ctx *c = classify_new(rs, CLASSIFY_OUTCOME_FAILED);
            for (size_t at = 0; at < n; at += step) classify_feed(c, gate_log + at, n - at < step ? n - at : step);
            struct classify_result *r = classify_finish(c);
            classify_free(c);
            assert_gate_findings(r, "pieces of", step);
            classify_result_free(r);
        }
        /* a match line longer than CLASSIFY_LINE_MAX, in one piece: it is
         * evaluated around its real hits, not a synthetic one */
        struct buf log = {0};
        buf_puts(&log, "start\n  com.acme.LongTest.x:5 ");
        for (size_t k = 0; k < CLASSIFY_LINE_MAX + 100; k++) buf_putc(&log, 'x');
        buf_puts(&log, "\nFailed tests:\n");
        struct classify_result *r = classify_text(rs, log.p, log.len);
        ck_assert_uint_eq(r->nfindings, 1);
        ck_assert_int_eq(r->findings[0].line, 2);
        classify_result_free(r);
        buf_free(&log);
        /* no near line anywhere: nothing */
        static const char lone[] = "start\n  com.acme.FooTest.bar:12\n  com.acme.BarTest.baz:7\nend\n";
        r = classify_text(rs, lone, sizeof lone - 1);
        ck_assert_uint_eq(r->nfindings, 0);
        classify_result_free(r);
        classify_rules_free(rs);
    }
}
END_TEST

/* The same in blocks large enough to be scanned on two threads: near and
 * match lines all over (around the cut between the halves too), found as
 * the fallback scanner finds them. A rule records at most 16 findings, so
 * each part of the log has a rule of its own (its near line names the
 * part) and findings reach the end. */
START_TEST(gated_match_in_large_blocks)
{
    enum { PARTS = 24 };
    const size_t size = 5u * 1024 * 1024;
    struct buf text = {0}, log = {0};
    for (int k = 0; k < PARTS; k++)
        buf_printf(&text, "rule listed-%d\nclass test.failure\nweight 80\ncase\n"
                          "match ^\\s{2,}[A-Za-z_]\\w*(\\.\\w+)+:\\d+\nnear 1 ^Failed tests in part %d:\\s*$\n\n",
                   k, k);
    unsigned x = 777;
    int line = 0;
    while (log.len < size) {
        line++;
        x = x * 1103515245u + 12345u;
        unsigned v = (x >> 16) % 1501;
        if (v < 3) { /* the match line before, after, two lines after the near line */
            int part = (int)(log.len * PARTS / size);
            if (v == 0) buf_printf(&log, "  com.acme.T%u.run:%u\n", x % 1000, line++ % 500);
            buf_printf(&log, "Failed tests in part %d:\n", part);
            if (v == 2) buf_printf(&log, "ordinary\n"), line++;
            if (v) buf_printf(&log, "  com.acme.T%u.run:%u\n", x % 1000, ++line % 500);
        } else if (v < 6) {
            buf_printf(&log, "  com.acme.T%u.run:%u\n", x % 1000, line % 500);
        } else {
            buf_printf(&log, "  ordinary output line %d of the build, nothing to see\n", line);
        }
    }
    struct classify_result *want = NULL;
    for (int fallback = 1; fallback >= 0; fallback--) {
        struct classify_rules *rs = gate_rules_text(fallback ? "pcre2" : NULL, text.p, text.len);
#ifdef HAVE_HYPERSCAN
        ck_assert_uint_eq(rs->ngated, fallback ? 0 : PARTS);
#endif
        for (int threads = 0; threads < 2; threads++) {
            struct classify_result *r = classify_text_threads(rs, log.p, log.len, threads);
            ck_assert_int_eq(r->lines, line);
            if (!want) {
                want = r;
                ck_assert_uint_gt(want->nfindings, 100);
                ck_assert_int_gt(want->findings[want->nfindings - 1].line, line * 9 / 10);
                continue;
            }
            ck_assert_uint_eq(r->nfindings, want->nfindings);
            for (size_t k = 0; k < r->nfindings; k++) ck_assert_int_eq(r->findings[k].line, want->findings[k].line);
            classify_result_free(r);
        }
        classify_rules_free(rs);
    }
    classify_result_free(want);
    buf_free(&log);
    buf_free(&text);
}
END_TEST

/* The gated patterns' database is cached beside the main one and loaded
 * with it: a long match line (found only through it) still gives its
 * finding from a cached load, and a cache that lacks the gated file is
 * compiled afresh. */
static size_t gate_long_findings(void)
{
    struct buf warn = {0};
    struct classify_rules *rs = classify_rules_new();
    classify_rules_add_text(rs, "gate.rules", gate_rules, sizeof gate_rules - 1, &warn);
    char err[ERRLEN];
    ck_assert_msg(classify_rules_compile(rs, &warn, err, sizeof err) == 0, "%s", err);
    buf_free(&warn);
    struct buf log = {0};
    buf_puts(&log, "start\n  com.acme.LongTest.x:5 ");
    for (size_t k = 0; k < CLASSIFY_LINE_MAX + 100; k++) buf_putc(&log, 'x');
    buf_puts(&log, "\nFailed tests:\n");
    struct classify_result *r = classify_text(rs, log.p, log.len);
    size_t n = r->nfindings;
    classify_result_free(r);
    buf_free(&log);
    classify_rules_free(rs);
    return n;
}

/* The database cache is keyed by the CPU it was compiled for: one built
 * where AVX2 was missing (valgrind hides it) must not be loaded natively,
 * where it works but runs slower; the same CPU finds the same file. */
START_TEST(database_cache_keyed_by_platform)
{
#ifdef HAVE_HYPERSCAN
    setenv("XDG_CACHE_HOME", "/tmp/artriage-key-unused", 1);
    unsetenv("ARTRIAGE_CLASSIFY_CACHE");
    struct buf warn = {0};
    struct classify_rules *rs = classify_rules_new();
    classify_rules_add_text(rs, "gate.rules", gate_rules, sizeof gate_rules - 1, &warn);
    setenv("ARTRIAGE_CLASSIFY_CACHE", "0", 1); /* compile without touching a cache */
    char err[ERRLEN];
    ck_assert_msg(classify_rules_compile(rs, &warn, err, sizeof err) == 0, "%s", err);
    unsetenv("ARTRIAGE_CLASSIFY_CACHE");
    hs_platform_info_t plain = {0}, avx2 = {0};
    avx2.cpu_features = HS_CPU_FEATURES_AVX2;
    avx2.tune = HS_TUNE_FAMILY_HSW;
    char *a = classify_hs_cache_path_for(rs, &plain);
    char *b = classify_hs_cache_path_for(rs, &avx2);
    char *b2 = classify_hs_cache_path_for(rs, &avx2);
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    ck_assert_str_ne(a, b);
    ck_assert_str_eq(b, b2);
    free(a);
    free(b);
    free(b2);
    buf_free(&warn);
    classify_rules_free(rs);
    unsetenv("XDG_CACHE_HOME");
    setenv("ARTRIAGE_CLASSIFY_CACHE", "0", 1);
#endif
}
END_TEST

START_TEST(gated_database_cached)
{
#ifdef HAVE_HYPERSCAN
    side_database_cached("-gated.hsdb", gate_long_findings, 1);
#endif
}
END_TEST

/* gh run view's "job<TAB>step<TAB>stamp " columns are a log prefix only
 * in a line that holds a tab: the masking pass finds the tabs 64 bytes at
 * a time with the newlines, and a line's tab may sit in the same 64 bytes
 * as its newline, in earlier ones, or before the first aligned ones. A
 * line anchored after the columns is found at every offset, in a block fed
 * whole and in two pieces; a line whose only tab is in the line before is
 * not read as prefixed. */
START_TEST(job_step_columns_at_every_offset)
{
    /* no literal: only the scanner's masking lets ^ hold after the columns */
    static const char rules_gh[] = "rule zk-fail\nclass test.failure\nweight 80\ncase\nmatch ^ZK\\d\\d:\\d\n";
    struct classify_rules *rs = compile_rules("gh.rules", rules_gh, sizeof rules_gh - 1, NULL, NULL);
    static const char gh[] = "unit\tRun the zork suite\t2031-05-06T07:08:19.1234567Z ZK12:3 cases failed\n";
    for (size_t pad = 0; pad < 200; pad++) {
        for (int split = 0; split < 2; split++) {
            struct buf log = {0};
            for (size_t k = 0; k < pad; k++) buf_putc(&log, k % 50 == 49 ? '\n' : 'x');
            buf_puts(&log, "\n");
            int want = 2 + (int)(pad / 50);
            buf_puts(&log, gh);
            /* short: its tabs in the same 64 bytes as its newline, or not */
            buf_puts(&log, "u\tt\t2031-05-06T07:08:19.1234567Z ZK12:5\n");
            /* a tab at the end of the line before cannot make a prefix */
            buf_puts(&log, "ordinary\t\n2031-05-06T07:08:19.1234567Z ZK12:3\tno columns: stamp only\n");
            buf_puts(&log, "ordinary line ending in a tab\t\nZK12:4 after a tabbed line\n");
            struct classify_ctx *c = classify_new(rs, CLASSIFY_OUTCOME_FAILED);
            size_t cut = split ? pad / 2 + 1 : log.len;
            classify_feed(c, log.p, cut);
            classify_feed(c, log.p + cut, log.len - cut);
            struct classify_result *r = classify_finish(c);
            classify_free(c);
            ck_assert_msg(r->nfindings == 4, "pad %zu split %d: %zu findings", pad, split, r->nfindings);
            ck_assert_int_eq(r->findings[0].line, want);
            ck_assert_int_eq(r->findings[1].line, want + 1);
            ck_assert_int_eq(r->findings[2].line, want + 3);
            ck_assert_int_eq(r->findings[3].line, want + 5);
            classify_result_free(r);
            buf_free(&log);
        }
    }
    classify_rules_free(rs);
}
END_TEST

/* Each piece of a large block is stripped of colour codes and NULs on its
 * own (by whichever lane scans it), so the stripped text of a block is
 * pieces side by side, each with its own cuts. Failure lines put just
 * before and after every 32 KiB (where pieces start, whatever their
 * size), some coloured, some CRLF, in stretches with codes and NULs and in
 * stretches with none, must come out with the line number, the stream
 * offset and the raw text they have, on one thread, on two, and fed in
 * small chunks (a block per chunk). */
START_TEST(stripped_pieces_map_back)
{
    enum { WANT_MAX = NRULES * 16 };
    struct classify_rules *rs = many_rules();
    struct buf log = {0};
    static int64_t want_line[WANT_MAX], want_off[WANT_MAX];
    static char *want_text[WANT_MAX];
    size_t nwant = 0;
    int64_t line = 0;
    unsigned x = 777;
    size_t next_mark = 32 * 1024;
    while (log.len < 3u * 1024 * 1024) {
        line++;
        x = x * 1103515245u + 12345u;
        /* codes and NULs in the first half of every 512 KiB only */
        bool dirty = (log.len / (256 * 1024)) % 2 == 0;
        bool near = log.len + 120 >= next_mark;
        if (near && nwant < WANT_MAX) {
            size_t at = log.len;
            int kind = (int)(nwant % 4);
            char l[128];
            int k = (int)(nwant % NRULES);
            if (kind == 0 && dirty) snprintf(l, sizeof l, "\x1b[1;31mkaboom-%02d\x1b[0m happened\x1b[K", k);
            else if (kind == 1) snprintf(l, sizeof l, "2026-03-10T09:00:00Z kaboom-%02d happened", k);
            else snprintf(l, sizeof l, "kaboom-%02d happened here", k);
            buf_puts(&log, l);
            buf_puts(&log, kind == 2 ? "\r\n" : "\n");
            want_line[nwant] = line;
            want_off[nwant] = (int64_t)at;
            want_text[nwant++] = strdup(l);
            if (log.len >= next_mark + 40) next_mark += 32 * 1024;
            continue;
        }
        if (dirty && x % 3 == 0) buf_puts(&log, "\x1b[32m+\x1b[0m ");
        if (dirty && x % 5 == 0) buf_append(&log, "n\0u\0l\0", 6);
        buf_puts(&log, "ordinary ");
        for (unsigned k = 0; k < (x >> 8) % 120; k++) buf_putc(&log, (char)('a' + k % 26));
        buf_puts(&log, "\n");
    }
    ck_assert_uint_gt(nwant, 300);
    for (int how = 0; how < 3; how++) {
        struct classify_result *r;
        if (how < 2) {
            r = classify_text_threads(rs, log.p, log.len, how);
        } else {
            struct classify_ctx *c = classify_new(rs, CLASSIFY_OUTCOME_FAILED);
            for (size_t at = 0; at < log.len; at += 50000)
                classify_feed(c, log.p + at, log.len - at < 50000 ? log.len - at : 50000);
            r = classify_finish(c);
            classify_free(c);
        }
        ck_assert_int_eq(r->lines, line);
        ck_assert_uint_eq(r->nfindings, nwant);
        for (size_t k = 0; k < nwant; k++) {
            ck_assert_msg(r->findings[k].line == want_line[k] && r->findings[k].offset == want_off[k],
                          "how %d finding %zu: line %lld offset %lld, want %lld at %lld", how, k,
                          (long long)r->findings[k].line, (long long)r->findings[k].offset,
                          (long long)want_line[k], (long long)want_off[k]);
            ck_assert_str_eq(r->findings[k].text, want_text[k]);
        }
        classify_result_free(r);
    }
    for (size_t k = 0; k < nwant; k++) free(want_text[k]);
    buf_free(&log);
    classify_rules_free(rs);
}
END_TEST

/* The masking pass looks closely only at lines whose first bytes could
 * start a log prefix (or that hold a tab, end in a CR or are very long):
 * each kind of prefix, starting at every offset of the 64-byte steps the
 * pass walks and as the block's last line, must still let a pattern
 * anchored at the line's text match. */
START_TEST(prefix_shapes_at_every_offset)
{
    struct classify_rules *rs = compile_rules("anchored.rules", anchored_rules, sizeof anchored_rules - 1, NULL, NULL);
    static const char *const shapes[] = {
        "2026-03-10T09:00:00.123Z WXYZ: boom",
        "[2026-03-10 09:00:00,123] WXYZ: boom",
        "[pod/run-1/agent] WXYZ: boom",
        "#7 0.512 WXYZ: boom",
        "Mar 19 01:20:25 WXYZ: boom",
        "Mar  9 01:20:25 PM WXYZ: boom",
        "\xef\xbb\xbf" "2026-03-10T09:00:00Z WXYZ: boom",
        "     [exec] WXYZ: boom",
        "build\tRun the suite\t2026-01-04T14:52:18.2244306Z WXYZ: boom",
        "[command:delta] command output WXYZ: boom",
        "WXYZ: boom\r",
    };
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        for (size_t pad = 0; pad < 130; pad++) {
            for (int last = 0; last < 2; last++) {
                struct buf log = {0};
                buf_puts(&log, "some output before it, long enough for a 64-byte step or two of the pass\n");
                for (size_t k = 0; k < pad; k++) buf_putc(&log, 'x');
                buf_puts(&log, "\n");
                buf_puts(&log, shapes[i]);
                buf_puts(&log, "\n");
                if (!last) buf_puts(&log, "and a line after it, as long as the first one or so, to fill steps\n");
                struct classify_result *r = classify_text(rs, log.p, log.len);
                ck_assert_msg(r->nfindings == 1 && r->findings[0].line == 3, "shape %zu pad %zu%s: %zu findings",
                              i, pad, last ? " (last line)" : "", r->nfindings);
                classify_result_free(r);
                buf_free(&log);
            }
        }
    }
    classify_rules_free(rs);
}
END_TEST

/* A block's pieces: the first at 0, each other one just after a newline,
 * in order, none empty; with two lanes the last ones get smaller (the
 * lane that takes the block's last piece is the one the other waits for). */
START_TEST(piece_plan_tapers)
{
    struct buf log = {0};
    unsigned x = 99;
    while (log.len < 3u * 1024 * 1024) {
        x = x * 1103515245u + 12345u;
        for (unsigned k = 0; k < 20 + (x >> 8) % 150; k++) buf_putc(&log, (char)('a' + k % 26));
        buf_putc(&log, '\n');
    }
    size_t sizes[] = {100, 300 * 1024, 1024 * 1024, 1024 * 1024 + 4097, log.len};
    for (size_t t = 0; t < sizeof sizes / sizeof sizes[0]; t++) {
        size_t n = sizes[t];
        while (n < log.len && log.p[n - 1] != '\n') n++; /* blocks hold whole lines */
        for (int taper = 0; taper < 2; taper++) {
            size_t room = classify_piece_room(n);
            size_t *st = malloc(room * sizeof *st);
            size_t np = classify_piece_starts(log.p, n, taper, st, room);
            ck_assert_uint_ge(np, 1);
            ck_assert_uint_eq(st[0], 0);
            for (size_t i = 1; i < np; i++) {
                ck_assert_uint_gt(st[i], st[i - 1]);
                ck_assert_uint_lt(st[i], n);
                ck_assert_int_eq(log.p[st[i] - 1], '\n');
            }
            size_t last = n - st[np - 1];
            if (n >= 1024 * 1024) {
                ck_assert_uint_ge(np, 5);
                /* tapered, the last piece is a small fraction of a whole one */
                if (taper) ck_assert_msg(last <= 64 * 1024, "size %zu: last piece %zu", n, last);
                else ck_assert_msg(np < 2 || st[1] - st[0] >= 128 * 1024, "size %zu: first piece %zu", n, st[1]);
            }
            free(st);
        }
    }
    buf_free(&log);
}
END_TEST

/* A failure line as the first line of every piece (where a lane's cuts,
 * offsets and line count start afresh), some coloured, some CRLF: each
 * comes out with its line, stream offset and raw text. The lines are put
 * where the plan of the block as it is puts the pieces, and have the
 * length of the lines they replace, so the plan stays the same. */
START_TEST(hits_at_every_piece_start)
{
    struct classify_rules *rs = many_rules();
    struct buf log = {0};
    unsigned x = 4242;
    while (log.len < 3u * 1024 * 1024) {
        x = x * 1103515245u + 12345u;
        if (x % 7 == 0) buf_puts(&log, "\x1b[32m+\x1b[0m ");
        buf_puts(&log, "ordinary output line ");
        for (unsigned k = 0; k < 40 + (x >> 8) % 100; k++) buf_putc(&log, (char)('a' + k % 26));
        buf_putc(&log, '\n');
    }
    size_t room = classify_piece_room(log.len);
    size_t *st = malloc(room * sizeof *st);
    size_t np = classify_piece_starts(log.p, log.len, true, st, room);
    ck_assert_uint_gt(np, 10);
    char **want = calloc(np, sizeof *want);
    for (size_t i = 0; i < np; i++) {
        char *ls = log.p + st[i];
        size_t len = (size_t)((char *)memchr(ls, '\n', log.len - st[i]) - ls);
        char l[256];
        int k = (int)(i % NRULES);
        int w = i % 3 == 0 ? snprintf(l, sizeof l, "\x1b[1;31mkaboom-%02d happened\x1b[0m", k)
                           : snprintf(l, sizeof l, "kaboom-%02d happened", k);
        ck_assert_uint_lt((size_t)w, len);
        memset(l + w, '.', len - (size_t)w);
        if (i % 3 == 1) l[len - 1] = '\r';
        memcpy(ls, l, len);
        want[i] = strndup(l, i % 3 == 1 ? len - 1 : len);
    }
    for (int threads = 0; threads < 2; threads++) {
        struct classify_result *r = classify_text_threads(rs, log.p, log.len, threads);
        ck_assert_uint_eq(r->nfindings, np);
        for (size_t i = 0; i < np; i++) {
            int64_t line = 1 + (int64_t)classify_count_newlines(log.p, st[i]);
            ck_assert_msg(r->findings[i].line == line && r->findings[i].offset == (int64_t)st[i],
                          "threads %d piece %zu: line %lld offset %lld, want %lld at %zu", threads, i,
                          (long long)r->findings[i].line, (long long)r->findings[i].offset, (long long)line, st[i]);
            ck_assert_str_eq(r->findings[i].text, want[i]);
        }
        classify_result_free(r);
    }
    for (size_t i = 0; i < np; i++) free(want[i]);
    free(want);
    free(st);
    buf_free(&log);
    classify_rules_free(rs);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("scan");
    TCase *tc = tcase_create("scan");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, colour_code_at_every_offset);
    tcase_add_test(tc, lone_esc_and_code_at_block_end);
    tcase_add_test(tc, anchored_after_log_prefix);
    tcase_add_test(tc, anchored_in_a_large_block);
    tcase_add_test(tc, contained_literal_folded);
    tcase_add_test(tc, numbers_only_not_an_anchor);
    tcase_add_test(tc, line_numbers_from_checkpoints);
    tcase_add_test(tc, lines_longer_than_a_piece);
    tcase_add_test(tc, gated_match_across_pieces);
    tcase_add_test(tc, gated_match_in_large_blocks);
    tcase_add_test(tc, gated_database_cached);
    tcase_add_test(tc, database_cache_keyed_by_platform);
    tcase_add_test(tc, job_step_columns_at_every_offset);
    tcase_add_test(tc, stripped_pieces_map_back);
    tcase_add_test(tc, prefix_shapes_at_every_offset);
    tcase_add_test(tc, piece_plan_tapers);
    tcase_add_test(tc, hits_at_every_piece_start);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
