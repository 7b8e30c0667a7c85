/* Unit tests for src/model/logfind: findings mapped to document lines,
 * navigation between marks, the tail-first estimate on a big log being
 * replaced by the full ranking, and re-ranking as a followed log grows. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model/logfind.h"
#include "util/buf.h"
#include "util/err.h"

static struct classify_rules *rules;

static void load_rules(void)
{
    char err[ERRLEN];
    struct classify_rules_opts o = {NULL, "", NULL, NULL};
    rules = classify_rules_load(&o, NULL, err, sizeof err);
    ck_assert_msg(rules != NULL, "%s", err);
}

static void unload_rules(void)
{
    classify_rules_free(rules);
}

static const char *SMALL =
    "hello\n"
    "warning: something\n"
    "fatal: not a git repository (or any of the parent directories): .git\n"
    "ok\r\n"
    "Error: Executable not found in $PATH: \"codex-nats-soak\"\n"
    "bye";

START_TEST(small_log_marks_and_navigation)
{
    char err[ERRLEN];
    struct logdoc *d = logdoc_new_bytes(SMALL, strlen(SMALL), err, sizeof err);
    struct logfind *f = logfind_new(rules, CLASSIFY_OUTCOME_FAILED);
    unsigned st;
    int guard = 0;
    do {
        logdoc_index_step(d, 8);
        st = logfind_step(f, d, 8);
    } while ((st & LOGFIND_MORE || !logdoc_indexed(d)) && ++guard < 1000);
    ck_assert(logfind_done(f));
    ck_assert(!logfind_provisional(f));
    int64_t line;
    const struct classify_finding *p = logfind_primary(f, &line);
    ck_assert_ptr_nonnull(p);
    ck_assert_str_eq(p->class_id, "vcs.worktree");
    ck_assert_int_eq(line, 2);
    size_t n;
    const struct logmark *m = logfind_marks(f, &n);
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(m[0].line, 2);
    ck_assert(m[0].primary);
    ck_assert_int_eq(m[1].line, 4);
    ck_assert(!m[1].primary);
    ck_assert_str_eq(m[1].f->class_id, "runtime.missing-executable");
    ck_assert_ptr_eq(logfind_mark_at(f, 4), &m[1]);
    ck_assert_ptr_null(logfind_mark_at(f, 3));
    ck_assert_ptr_eq(logfind_next(f, 2, 1), &m[1]);
    ck_assert_ptr_eq(logfind_next(f, 0, 1), &m[0]);
    ck_assert_ptr_null(logfind_next(f, 4, 1));
    ck_assert_ptr_eq(logfind_next(f, 4, -1), &m[0]);
    ck_assert_ptr_null(logfind_next(f, 2, -1));
    ck_assert_ptr_nonnull(strstr(logfind_explain(f), "git-not-a-repository"));
    logfind_free(f);
    logdoc_free(d);
}
END_TEST

START_TEST(big_log_cause_marked_before_full_pass)
{
    struct buf b = {0};
    int i = 0;
    while (b.len < LOGFIND_TAIL_FIRST + (2u << 20))
        buf_printf(&b, "2026-02-25T09:00:00Z INFO step %d: reading file src/m.py\n", i++);
    int cause = i;
    buf_puts(&b, "2026-02-25T09:59:58Z Error: Executable not found in $PATH: \"codex-nats-soak\"\n");
    buf_puts(&b, "2026-02-25T09:59:59Z INFO runner exiting with code 127\n");
    char err[ERRLEN];
    struct logdoc *d = logdoc_new_bytes(b.p, b.len, err, sizeof err);
    struct logfind *f = logfind_new(rules, CLASSIFY_OUTCOME_FAILED);
    /* index everything, classify only a small slice */
    while (logdoc_index_step(d, 1 << 24)) {}
    unsigned st = logfind_step(f, d, 4096);
    ck_assert(st & LOGFIND_CHANGED);
    ck_assert(st & LOGFIND_MORE);
    ck_assert(logfind_provisional(f));
    int64_t line;
    const struct classify_finding *p = logfind_primary(f, &line);
    ck_assert_ptr_nonnull(p);
    ck_assert_str_eq(p->class_id, "runtime.missing-executable");
    ck_assert_int_eq(line, cause);
    while (logfind_step(f, d, 1 << 22) & LOGFIND_MORE) {}
    ck_assert(logfind_done(f));
    ck_assert(!logfind_provisional(f));
    p = logfind_primary(f, &line);
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(line, cause);
    logfind_free(f);
    logdoc_free(d);
    buf_free(&b);
}
END_TEST

START_TEST(follow_reranks_as_lines_arrive)
{
    struct logdoc *d = logdoc_new_stream();
    struct logfind *f = logfind_new(rules, CLASSIFY_OUTCOME_UNKNOWN);
    char err[ERRLEN];
    const char *parts[] = {"start\nworking\n", "Error: Executable not found in $PATH: \"x\"\n",
                           "more\n"};
    int64_t line;
    for (size_t k = 0; k < 3; k++) {
        logdoc_append(d, parts[k], strlen(parts[k]), err, sizeof err);
        while (logdoc_index_step(d, 1 << 20)) {}
        while (logfind_step(f, d, 1 << 20) & LOGFIND_MORE) {}
        const struct classify_finding *p = logfind_primary(f, &line);
        if (k == 0) {
            ck_assert_ptr_null(p);
        } else {
            ck_assert_ptr_nonnull(p);
            ck_assert_int_eq(line, 2);
        }
    }
    ck_assert(!logfind_done(f));
    logdoc_finish(d);
    logfind_step(f, d, 1 << 20);
    ck_assert(logfind_done(f));
    ck_assert_ptr_nonnull(logfind_primary(f, &line));
    logfind_free(f);
    logdoc_free(d);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("logfind");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_unchecked_fixture(tc, load_rules, unload_rules);
    tcase_add_test(tc, small_log_marks_and_navigation);
    tcase_add_test(tc, big_log_cause_marked_before_full_pass);
    tcase_add_test(tc, follow_reranks_as_lines_arrive);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
