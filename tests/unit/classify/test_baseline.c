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

/* ---- asked-first baselines ---------------------------------------------- */

static struct classify_baseline *deferred_chunks(const char *text, size_t n, size_t chunk)
{
    struct classify_baseline *b = classify_baseline_new_deferred();
    for (size_t at = 0; at < n; at += chunk)
        classify_baseline_feed(b, text + at, n - at < chunk ? n - at : chunk);
    classify_baseline_finish(b);
    return b;
}

/* The settle, the baseline read again in chunks; -1 nothing to settle. */
static int settle_chunks(struct classify_baseline *b, const char *text, size_t n, size_t chunk, bool whole)
{
    if (!classify_baseline_settle_begin(b, whole)) return -1;
    for (size_t at = 0; at < n; at += chunk)
        classify_baseline_settle_feed(b, text + at, n - at < chunk ? n - at : chunk);
    return classify_baseline_settle_end(b);
}

/* A passing log with the cases the literal filter must not lose: stamps
 * and numbers that differ, CRLF, a colour code between a word and its
 * colon, tabs and blank runs, a /tmp/ name, a line longer than the cap
 * (the same first CLASSIFY_TEXT_MAX bytes, then anything), no newline at
 * the end. */
static void passing_log(struct buf *log)
{
    buf_puts(log, "2024-05-01T10:00:00Z build step 12 finished in 3.2s\r\n");
    buf_puts(log, "status \x1b[1mok\x1b[0mdone here\n");
    buf_puts(log, "\x1b[31mTypeError\x1b[0m: cannot\tfind   module 'pad'\n");
    buf_puts(log, "/tmp/tmpAbc/build.sh: line 4: shellcheck: command not found\n");
    buf_puts(log, "long:");
    for (int i = 0; i < CLASSIFY_TEXT_MAX; i++) buf_putc(log, i % 9 == 8 ? ' ' : (char)('a' + i % 7));
    buf_puts(log, " and then the passing run's own tail\n");
    for (int i = 0; i < 300; i++) buf_printf(log, "[agent] turn %d: reading src/module_%c%c.ts\n", i, 'a' + i % 26, 'a' + i / 26);
    buf_puts(log, "last line without newline");
}

static const char *const questions[] = {
    "2025-01-01T00:00:00Z build step 9 finished in 17.25s", /* yes: numbers, stamp masked */
    "build step 9 failed in 10s",                        /* no: a word differs */
    "status ok\x1b[32mdone here",                        /* yes */
    "status okdone here",                                /* no: one word is not two */
    "TypeError: cannot find module 'pad'",               /* yes: colour, tab, blanks */
    "TypeError: cannot find module 'pads'",              /* no */
    "/tmp/xyz/build.sh: line 9: shellcheck: command not found", /* yes */
    "[agent] turn 7: reading src/module_ha.ts",          /* yes */
    "[agent] turn 7: reading src/module_zz.ts",          /* no */
    "last line without newline",                         /* yes */
    "a line it never printed",                           /* no */
};

/* What an asked-first baseline answers once settled is what the whole
 * baseline answers, whatever the chunks it is read in; its first answers
 * are "no", and the settle says whether one was wrong. */
START_TEST(asked_first_answers_as_the_whole_baseline)
{
    struct buf log = {0};
    passing_log(&log);
    struct classify_baseline *whole = baseline_chunks(log.p, log.len, 4096);
    size_t nq = sizeof questions / sizeof questions[0];
    bool want[sizeof questions / sizeof questions[0]];
    for (size_t i = 0; i < nq; i++) want[i] = has(whole, questions[i]);
    ck_assert(want[0] && !want[1] && want[2] && !want[3] && want[4] && !want[5] && want[6] && want[7] &&
              !want[8] && want[9] && !want[10]);
    /* the long line: its first CLASSIFY_TEXT_MAX bytes are what counts */
    const char *lp = strstr(log.p, "long:");
    char lq[CLASSIFY_TEXT_MAX + 32];
    memcpy(lq, lp, CLASSIFY_TEXT_MAX);
    memcpy(lq + CLASSIFY_TEXT_MAX, " another tail", 14);
    ck_assert(classify_baseline_has(whole, lq, strlen(lq)));
    static const size_t chunks[] = {1, 7, 64, 65, 4096, 1u << 20};
    for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
        struct classify_baseline *b = deferred_chunks(log.p, log.len, chunks[c]);
        ck_assert_uint_eq(classify_baseline_lines(b), classify_baseline_lines(whole));
        for (size_t i = 0; i < nq; i++) ck_assert_msg(!has(b, questions[i]), "asked before settling: %zu", i);
        ck_assert(!classify_baseline_has(b, lq, strlen(lq)));
        ck_assert_int_eq(settle_chunks(b, log.p, log.len, chunks[c], false), 1);
        for (size_t i = 0; i < nq; i++)
            ck_assert_msg(has(b, questions[i]) == want[i], "chunk %zu: question %zu", chunks[c], i);
        ck_assert(classify_baseline_has(b, lq, strlen(lq)));
        ck_assert_int_eq(settle_chunks(b, log.p, log.len, chunks[c], false), -1); /* all answered */
        /* a line not asked before is not known yet: answered "no", then settled */
        ck_assert(!has(b, "[agent] turn 99: reading src/module_cb.ts"));
        ck_assert_int_eq(settle_chunks(b, log.p, log.len, chunks[c], false), 1);
        ck_assert(has(b, "[agent] turn 99: reading src/module_cb.ts"));
        ck_assert_uint_eq(classify_baseline_lines(b), classify_baseline_lines(whole));
        classify_baseline_free(b);
    }
    classify_baseline_free(whole);
    buf_free(&log);
}
END_TEST

/* Only "no" answers that were wrong make the settle say so; a question
 * without a letter to look for (nothing but numbers and punctuation)
 * settles by hashing every line, and the baseline then answers new
 * questions at once; so does one settled whole on purpose. */
START_TEST(asked_first_settles)
{
    struct buf log = {0};
    passing_log(&log);
    buf_puts(&log, "\n+++ 12/40 ===\n");
    struct classify_baseline *b = deferred_chunks(log.p, log.len, 100);
    ck_assert(!has(b, "build step 9 failed in 10s"));
    ck_assert(!has(b, "a line it never printed"));
    ck_assert_int_eq(settle_chunks(b, log.p, log.len, 100, false), 0);
    ck_assert(!has(b, "+++ 1/4 ==="));
    ck_assert_int_eq(settle_chunks(b, log.p, log.len, 100, false), 1);
    ck_assert(has(b, "+++ 1/4 ==="));
    ck_assert(has(b, "TypeError: cannot find module 'pad'")); /* whole now: known at once */
    ck_assert_int_eq(settle_chunks(b, log.p, log.len, 100, false), -1);
    classify_baseline_free(b);

    b = deferred_chunks(log.p, log.len, 4096);
    ck_assert_int_eq(settle_chunks(b, log.p, log.len, 4096, true), 0);
    for (size_t i = 0; i < sizeof questions / sizeof questions[0]; i++) {
        struct classify_baseline *w = baseline_chunks(log.p, log.len, 4096);
        ck_assert(has(b, questions[i]) == has(w, questions[i]));
        classify_baseline_free(w);
    }
    classify_baseline_free(b);
    buf_free(&log);
}
END_TEST

/* A baseline not fed before its first settle is read by it: its lines
 * counted as it goes, answers as the whole baseline's, and the settle says
 * the classification was told something wrong (0 lines) even when no
 * question's line is there. */
START_TEST(asked_first_read_once)
{
    struct buf log = {0};
    passing_log(&log);
    struct classify_baseline *whole = baseline_chunks(log.p, log.len, 4096);
    static const size_t chunks[] = {1, 64, 4096};
    for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
        struct classify_baseline *b = classify_baseline_new_deferred();
        ck_assert(!classify_baseline_settled(b));
        ck_assert_int_eq(settle_chunks(b, log.p, log.len, chunks[c], false), 1);
        ck_assert_uint_eq(classify_baseline_lines(b), classify_baseline_lines(whole));
        ck_assert(classify_baseline_settled(b));
        ck_assert(!has(b, "a line it never printed"));
        ck_assert_int_eq(settle_chunks(b, log.p, log.len, chunks[c], false), 0);
        classify_baseline_free(b);

        b = classify_baseline_new_deferred();
        for (size_t i = 0; i < sizeof questions / sizeof questions[0]; i++) ck_assert(!has(b, questions[i]));
        ck_assert_int_eq(settle_chunks(b, log.p, log.len, chunks[c], c == 2), 1);
        ck_assert_uint_eq(classify_baseline_lines(b), classify_baseline_lines(whole));
        for (size_t i = 0; i < sizeof questions / sizeof questions[0]; i++)
            ck_assert(has(b, questions[i]) == has(whole, questions[i]));
        classify_baseline_free(b);
    }
    classify_baseline_free(whole);
    buf_free(&log);
}
END_TEST

/* A line of megabytes full of a question's literal, one of its other
 * words missing: no twin, and settled in one pass over it (each hit looks
 * at the line's first CLASSIFY_TEXT_MAX bytes only, where a twin's words
 * are; not the whole line again). */
START_TEST(asked_first_huge_line)
{
    struct buf log = {0};
    buf_puts(&log, "fatal: unable to access 'repo1': Could not resolve host: github.com\n");
    for (int i = 0; i < 200000; i++) buf_puts(&log, "resolve ");
    buf_puts(&log, "unable access Could host com fatal x\n"); /* no "github" */
    buf_puts(&log, "tail line\n");
    static const char q[] = "fatal: unable to access 'repo22': Could not resolve host: github.com";
    static const char far[] = "resolve unable access Could host github com fatal x";
    struct classify_baseline *b = deferred_chunks(log.p, log.len, log.len);
    ck_assert(!has(b, q));
    ck_assert(!has(b, far));
    ck_assert(!has(b, "tail line"));
    ck_assert_int_eq(settle_chunks(b, log.p, log.len, log.len, false), 1);
    ck_assert(has(b, q));
    ck_assert(!has(b, far));
    ck_assert(has(b, "tail line"));
    classify_baseline_free(b);
    buf_free(&log);
}
END_TEST

/* Many questions with the same literal (a common long word): the lines
 * holding it are normalised without looking for each question's other
 * words, and each question gets its answer. */
START_TEST(asked_first_many_questions_one_literal)
{
    struct buf log = {0};
    for (int i = 0; i < 40; i += 2) buf_printf(&log, "TypeError: cannot read property '%c%c' of undefined\n", 'a' + i, 'a' + i);
    buf_puts(&log, "undefined behaviour\n");
    struct classify_baseline *b = deferred_chunks(log.p, log.len, 4096);
    char q[80];
    for (int i = 0; i < 40; i++) {
        snprintf(q, sizeof q, "TypeError: cannot read property '%c%c' of undefined", 'a' + i, 'a' + i);
        ck_assert(!has(b, q));
    }
    ck_assert_int_eq(settle_chunks(b, log.p, log.len, 4096, false), 1);
    for (int i = 0; i < 40; i++) {
        snprintf(q, sizeof q, "TypeError: cannot read property '%c%c' of undefined", 'a' + i, 'a' + i);
        ck_assert_msg(has(b, q) == (i % 2 == 0), "question %d", i);
    }
    classify_baseline_free(b);
    buf_free(&log);
}
END_TEST

/* An empty baseline, and one whose every line is blank: nothing is in it. */
START_TEST(asked_first_empty)
{
    static const char *const logs[] = {"", "\n\n\r\n   \n"};
    for (size_t k = 0; k < 2; k++) {
        size_t n = strlen(logs[k]);
        struct classify_baseline *b = deferred_chunks(logs[k], n, 3);
        ck_assert_uint_eq(classify_baseline_lines(b), k ? 4 : 0);
        ck_assert(!has(b, "Error: anything"));
        ck_assert(!has(b, ""));
        ck_assert_int_eq(settle_chunks(b, logs[k], n, 3, false), 0);
        ck_assert(!has(b, "Error: anything"));
        classify_baseline_free(b);
    }
}
END_TEST

/* ---- settles in parts, literals from samples ----------------------------- */

/* A passing log whose lines share long words that end alike, so that
 * samples can steer each question to any of its words: questions with
 * different literals, some sharing one. */
static void shared_words_log(struct buf *log)
{
    static const char *const w[] = {"deprecated", "completed", "rejected", "requested", "node", "code",
                                    "module", "resolve", "forward", "ECONNREFUSED"};
    for (int i = 0; i < 400; i++)
        buf_printf(log, "%02d:%02d step %d %s %s %s\n", i / 60, i % 60, i, w[i % 10], w[(i * 3 + 1) % 10],
                   w[(i * 7 + 2) % 10]);
    buf_puts(log, "npm ERR! code E401\n");
    buf_puts(log, " ! [rejected]        main -> main (non-fast-forward)\n");
}

/* Questions for shared_words_log: twins of its lines (other numbers) and
 * near misses; *n gets how many. */
static char **shared_questions(size_t *n)
{
    static const char *const w[] = {"deprecated", "completed", "rejected", "requested", "node", "code",
                                    "module", "resolve", "forward", "ECONNREFUSED"};
    char **q = calloc(64, sizeof *q);
    size_t k = 0;
    for (int i = 0; i < 40; i++) {
        char line[160];
        int j = i * 9 + 3; /* a line of the log, or (odd i) a word order it never printed */
        if (i % 2 == 0)
            snprintf(line, sizeof line, "%02d:%02d step %d %s %s %s", 7, 7, j + 1000, w[j % 10], w[(j * 3 + 1) % 10],
                     w[(j * 7 + 2) % 10]);
        else
            snprintf(line, sizeof line, "01:01 step 5 %s %s %s", w[(j * 3 + 1) % 10], w[j % 10], w[(j * 7 + 2) % 10]);
        q[k++] = strdup(line);
    }
    q[k++] = strdup("npm ERR! code E402");
    q[k++] = strdup("npm ERR! node E401");
    q[k++] = strdup(" ! [rejected] main -> main (non-fast-forward)");
    q[k++] = strdup(" ! [requested] main -> main (non-fast-forward)");
    *n = k;
    return q;
}

/* The bytes [at, at + n) fed to a part in chunks of `chunk`. */
static void part_chunks(struct classify_baseline_part *pt, const char *at, size_t n, size_t chunk)
{
    for (size_t o = 0; o < n; o += chunk) classify_baseline_part_feed(pt, at + o, n - o < chunk ? n - o : chunk);
}

/* The first line start at or after off. */
static size_t line_start(const struct buf *log, size_t off)
{
    while (off > 0 && off < log->len && log->p[off - 1] != '\n') off++;
    return off < log->len ? off : log->len;
}

/* Whatever the samples steer each question to (any of its words), and
 * however the settle is cut into parts (line starts, fed in any chunks,
 * ended in any order), the answers are the whole baseline's and the lines
 * are counted as it counts them. */
START_TEST(asked_first_parts_and_samples)
{
    struct buf log = {0};
    shared_words_log(&log);
    passing_log(&log); /* ends without a newline */
    struct classify_baseline *whole = baseline_chunks(log.p, log.len, 4096);
    size_t nq;
    char **q = shared_questions(&nq);
    bool want[64];
    size_t yes = 0;
    for (size_t i = 0; i < nq; i++) yes += want[i] = has(whole, q[i]);
    ck_assert_uint_eq(yes, 22); /* the even ones, "code E402" and "[rejected]" */
    /* samples: none, the log, each of the words alone many times */
    static const char *const samples[] = {NULL, "", "deprecated completed rejected requested",
                                          "node code module", "resolve forward ECONNREFUSED", "ERR npm main"};
    for (size_t sm = 0; sm < sizeof samples / sizeof samples[0]; sm++) {
        for (int nparts = 1; nparts <= 3; nparts++) {
            for (int fed = 0; fed < 2; fed++) { /* fed before the settle, or counted by it */
                struct classify_baseline *b =
                    fed ? deferred_chunks(log.p, log.len, 512) : classify_baseline_new_deferred();
                for (size_t i = 0; i < nq; i++) ck_assert(!has(b, q[i]));
                ck_assert(classify_baseline_settle_begin(b, false));
                if (samples[sm] && !*samples[sm]) classify_baseline_settle_sample(b, log.p, log.len);
                for (int rep = 0; samples[sm] && *samples[sm] && rep < 50; rep++)
                    classify_baseline_settle_sample(b, samples[sm], strlen(samples[sm]));
                struct classify_baseline_part *pt[3];
                size_t cut[4] = {0};
                for (int k = 0; k < nparts; k++) {
                    pt[k] = classify_baseline_settle_part(b);
                    ck_assert_ptr_nonnull(pt[k]);
                    cut[k + 1] = k + 1 == nparts ? log.len : line_start(&log, log.len * (size_t)(k + 1) / (size_t)nparts);
                }
                /* fed side by side, a chunk of each in turn, last part first */
                size_t chunk = 97 + sm * 31, at[3];
                for (int k = 0; k < nparts; k++) at[k] = cut[k];
                for (bool more = true; more;) {
                    more = false;
                    for (int k = nparts - 1; k >= 0; k--) {
                        size_t n = cut[k + 1] - at[k] < chunk ? cut[k + 1] - at[k] : chunk;
                        if (!n) continue;
                        part_chunks(pt[k], log.p + at[k], n, n);
                        at[k] += n;
                        more = true;
                    }
                }
                for (int k = nparts - 1; k >= 0; k--) classify_baseline_part_end(pt[k]);
                unsigned why = classify_baseline_settle_end_why(b);
                ck_assert_uint_eq(why, CLASSIFY_SETTLE_ANSWER | (fed ? 0 : CLASSIFY_SETTLE_LINES));
                ck_assert_uint_eq(classify_baseline_lines(b), classify_baseline_lines(whole));
                for (size_t i = 0; i < nq; i++)
                    ck_assert_msg(has(b, q[i]) == want[i], "sample %zu, %d parts, fed %d: question %zu (%s)", sm,
                                  nparts, fed, i, q[i]);
                classify_baseline_free(b);
            }
        }
    }
    for (size_t i = 0; i < nq; i++) free(q[i]);
    free(q);
    classify_baseline_free(whole);
    buf_free(&log);
}
END_TEST

/* Many questions, each with its own words or sharing some, over a log of
 * random lines from one vocabulary: every settle (samples of any kind,
 * one to three parts) answers each as the whole baseline does. */
START_TEST(asked_first_many_literals)
{
    static const char *const voc[] = {
        "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "theta", "iota", "kappa", "lambda", "mu", "nu",
        "omicron", "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega", "Error", "error", "failed", "fail",
        "Cannot", "cannot", "find", "module", "node", "code", "decode", "encode", "rejected", "deprecated",
        "ENOENT", "EACCES", "timeout", "timed", "out", "at", "in", "on", "of", "resolve", "resolved", "host",
        "x", "y", "z", "a", "warning", "WARN", "npm", "ERR", "git", "fatal", "unable", "access", "denied", "ok"};
    size_t nv = sizeof voc / sizeof voc[0];
    unsigned seed = 12345;
#define RND() (seed = seed * 1103515245u + 12345u, (seed >> 16) & 0x7fff)
    struct buf log = {0};
    enum { LINES = 1500, QS = 240 };
    static unsigned words[LINES][6], nw[LINES];
    static bool num[LINES][6];
    for (int i = 0; i < LINES; i++) {
        nw[i] = 2 + RND() % 5;
        buf_printf(&log, "%d:", i);
        for (unsigned k = 0; k < nw[i]; k++) {
            words[i][k] = RND() % (unsigned)nv;
            buf_printf(&log, " %s", voc[words[i][k]]);
            num[i][k] = RND() % 4 == 0;
            if (num[i][k]) buf_printf(&log, " %u", RND() + 1);
        }
        buf_putc(&log, '\n');
    }
    struct classify_baseline *whole = baseline_chunks(log.p, log.len, 4096);
    static char q[QS][200];
    bool want[QS];
    size_t yes = 0;
    for (int i = 0; i < QS; i++) {
        int l = RND() % LINES;
        int o = snprintf(q[i], sizeof q[i], "%d:", RND());
        unsigned change = i % 3 == 0 ? RND() % nw[l] : 99; /* a third: one word differs */
        for (unsigned k = 0; k < nw[l]; k++) {
            o += snprintf(q[i] + o, sizeof q[i] - (size_t)o, " %s",
                          voc[k == change ? (words[l][k] + 1) % nv : words[l][k]]);
            if (num[l][k]) o += snprintf(q[i] + o, sizeof q[i] - (size_t)o, " %d", 7 + i); /* other numbers */
        }
        want[i] = has(whole, q[i]);
        yes += want[i];
    }
    ck_assert(yes > QS / 2 && yes < QS); /* twins and misses alike */
    for (int sm = 0; sm < 3; sm++) {
        for (int nparts = 1; nparts <= 3; nparts++) {
            struct classify_baseline *b = deferred_chunks(log.p, log.len, 4096);
            for (int i = 0; i < QS; i++) ck_assert(!has(b, q[i]));
            ck_assert(classify_baseline_settle_begin(b, false));
            if (sm == 1) classify_baseline_settle_sample(b, log.p, log.len);
            if (sm == 2) classify_baseline_settle_sample(b, log.p + log.len / 2, 2000);
            struct classify_baseline_part *pt[3];
            size_t from = 0;
            for (int k = 0; k < nparts; k++) pt[k] = classify_baseline_settle_part(b);
            for (int k = 0; k < nparts; k++) {
                size_t to = k + 1 == nparts ? log.len : line_start(&log, log.len * (size_t)(k + 1) / (size_t)nparts);
                part_chunks(pt[k], log.p + from, to - from, 1000);
                from = to;
            }
            for (int k = 0; k < nparts; k++) classify_baseline_part_end(pt[k]);
            ck_assert_uint_eq(classify_baseline_settle_end_why(b), CLASSIFY_SETTLE_ANSWER);
            for (int i = 0; i < QS; i++)
                ck_assert_msg(has(b, q[i]) == want[i], "sample %d, %d parts: question %d (%s)", sm, nparts, i, q[i]);
            classify_baseline_free(b);
        }
    }
#undef RND
    classify_baseline_free(whole);
    buf_free(&log);
}
END_TEST

/* A settle whose questions need every line hashed (one without a letter)
 * has no parts: the caller feeds it in order, as before. Parts and the
 * serial settle_feed answer alike. */
START_TEST(asked_first_whole_settle_has_no_parts)
{
    struct buf log = {0};
    passing_log(&log);
    buf_puts(&log, "\n+++ 12/40 ===\n");
    struct classify_baseline *b = deferred_chunks(log.p, log.len, 100);
    ck_assert(!has(b, "+++ 1/4 ==="));
    ck_assert(classify_baseline_settle_begin(b, false));
    ck_assert_ptr_null(classify_baseline_settle_part(b));
    for (size_t at = 0; at < log.len; at += 100)
        classify_baseline_settle_feed(b, log.p + at, log.len - at < 100 ? log.len - at : 100);
    ck_assert_uint_eq(classify_baseline_settle_end_why(b), CLASSIFY_SETTLE_ANSWER);
    ck_assert(has(b, "+++ 1/4 ==="));
    classify_baseline_free(b);
    /* nothing settling: no parts either */
    b = classify_baseline_new_deferred();
    ck_assert_ptr_null(classify_baseline_settle_part(b));
    ck_assert_ptr_null(classify_baseline_settle_part(NULL));
    classify_baseline_free(b);
    buf_free(&log);
}
END_TEST

/* Only the count was wrong (the baseline read for the first time by the
 * settle, no question's line in it): the settle says so apart from a
 * wrong answer, which only an explanation needs to know. */
START_TEST(asked_first_why)
{
    struct buf log = {0};
    passing_log(&log);
    struct classify_baseline *b = classify_baseline_new_deferred();
    ck_assert(!has(b, "a line it never printed"));
    ck_assert(classify_baseline_settle_begin(b, false));
    classify_baseline_settle_feed(b, log.p, log.len);
    ck_assert_uint_eq(classify_baseline_settle_end_why(b), CLASSIFY_SETTLE_LINES);
    ck_assert(!has(b, "TypeError: cannot find module 'pad'"));
    ck_assert(classify_baseline_settle_begin(b, false));
    classify_baseline_settle_feed(b, log.p, log.len);
    ck_assert_uint_eq(classify_baseline_settle_end_why(b), CLASSIFY_SETTLE_ANSWER);
    ck_assert(has(b, "TypeError: cannot find module 'pad'"));
    ck_assert_uint_eq(classify_baseline_settle_end_why(b), 0); /* none under way */
    classify_baseline_free(b);
    buf_free(&log);
}
END_TEST

/* Newlines are counted alike at every length and alignment (the wide
 * vector loop, its 255-step flushes, the byte tail). */
START_TEST(newlines_counted_at_every_length)
{
    size_t n = 70000;
    unsigned char *p = malloc(n + 64);
    unsigned seed = 7;
    for (size_t i = 0; i < n + 64; i++) {
        seed = seed * 1103515245u + 12345u;
        p[i] = (seed >> 16) % 5 == 0 ? '\n' : (unsigned char)(seed >> 8);
    }
    for (size_t off = 0; off < 40; off += 3) {
        for (size_t len = 0; len < 1200; len += len < 300 ? 1 : 37) {
            size_t want = 0;
            for (size_t i = 0; i < len; i++) want += p[off + i] == '\n';
            ck_assert_uint_eq(classify_count_newlines(p + off, len), want);
        }
        size_t want = 0;
        for (size_t i = 0; i < n; i++) want += p[off + i] == '\n';
        ck_assert_uint_eq(classify_count_newlines(p + off, n), want);
    }
    memset(p, '\n', n);
    ck_assert_uint_eq(classify_count_newlines(p, n), n); /* every byte: no lane overflows */
    free(p);
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
    tcase_add_test(tc, asked_first_answers_as_the_whole_baseline);
    tcase_add_test(tc, asked_first_settles);
    tcase_add_test(tc, asked_first_empty);
    tcase_add_test(tc, asked_first_read_once);
    tcase_add_test(tc, asked_first_huge_line);
    tcase_add_test(tc, asked_first_many_questions_one_literal);
    tcase_add_test(tc, asked_first_parts_and_samples);
    tcase_add_test(tc, asked_first_many_literals);
    tcase_add_test(tc, asked_first_whole_settle_has_no_parts);
    tcase_add_test(tc, asked_first_why);
    tcase_add_test(tc, newlines_counted_at_every_length);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
