/* Unit tests for store_link_runs (src/store/store_link.c): the verdicts
 * and newest PR links of a page of runs, in two queries. */
#include "store_fixture.h"

START_TEST(link_runs_gives_verdicts_and_newest_pr)
{
    char *path = fx_db_path();
    struct store *s = fx_open(path, NULL);
    char err[ERRLEN];
    int64_t ids[4];
    for (int i = 0; i < 4; i++) {
        struct agentrun r = {0};
        r.context = xstrdup("demo");
        r.ns = xstrdup("agents");
        r.name = xasprintf("run-%d", i);
        r.uid = xasprintf("uid-%d", i);
        r.created = 1000 + i;
        r.started = r.finished = r.updated = r.deleted_at = TIME_NONE;
        r.runner_exit_code = -1;
        ck_assert_int_eq(store_put_run(s, &r, 5000, &ids[i], err, sizeof err), 0);
        agentrun_free(&r);
    }
    /* run 0: a verdict; run 1: two PR links (the newer one counts); run 2:
     * both; run 3: neither */
    struct store_class k = {.cls = "vcs.push-rejected", .rule = "git-push", .line = 7, .text = "! [rejected]",
                            .container = "agent-runner", .outcome = "failed", .log_time = TIME_NONE};
    ck_assert_int_eq(store_put_classification(s, ids[0], &k, 6000, err, sizeof err), 0);
    ck_assert_int_eq(store_put_pr(s, ids[1], "https://github.com/o/r/pull/1", 1, "o/r", "log", TIME_NONE, 6000,
                                  err, sizeof err), 0);
    ck_assert_int_eq(store_put_pr(s, ids[1], "https://github.com/o/r/pull/2", 2, "o/r", "log", TIME_NONE, 7000,
                                  err, sizeof err), 0);
    k.cls = "runtime.oom";
    ck_assert_int_eq(store_put_classification(s, ids[2], &k, 6000, err, sizeof err), 0);
    ck_assert_int_eq(store_put_pr(s, ids[2], "https://github.com/o/r/pull/3", 3, "o/r", "cache", TIME_NONE, 6000,
                                  err, sizeof err), 0);
    struct store_link_list l;
    ck_assert_int_eq(store_link_runs(s, ids, 4, &l, err, sizeof err), 0);
    ck_assert_uint_eq(l.n, 3);
    bool seen[3] = {false};
    for (size_t i = 0; i < l.n; i++) {
        const struct store_link *x = &l.items[i];
        if (x->run_id == ids[0]) {
            ck_assert_str_eq(x->cls, "vcs.push-rejected");
            ck_assert_str_eq(x->rule, "git-push");
            ck_assert_int_eq(x->line, 7);
            ck_assert_ptr_null(x->pr_url);
            seen[0] = true;
        } else if (x->run_id == ids[1]) {
            ck_assert_ptr_null(x->cls);
            ck_assert_int_eq(x->pr_number, 2);
            ck_assert_str_eq(x->pr_url, "https://github.com/o/r/pull/2");
            seen[1] = true;
        } else if (x->run_id == ids[2]) {
            ck_assert_str_eq(x->cls, "runtime.oom");
            ck_assert_int_eq(x->pr_number, 3);
            ck_assert_str_eq(x->pr_source, "cache");
            seen[2] = true;
        } else {
            ck_abort_msg("run %lld has neither", (long long)x->run_id);
        }
    }
    ck_assert(seen[0] && seen[1] && seen[2]);
    store_link_list_free(&l);
    ck_assert_int_eq(store_link_runs(s, ids, 0, &l, err, sizeof err), 0);
    ck_assert_uint_eq(l.n, 0);
    store_close(s);
    free(path);
    fx_rm_rf();
}
END_TEST

int main(void)
{
    Suite *su = suite_create("store_link");
    TCase *tc = tcase_create("link");
    tcase_add_test(tc, link_runs_gives_verdicts_and_newest_pr);
    suite_add_tcase(su, tc);
    SRunner *sr = srunner_create(su);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
