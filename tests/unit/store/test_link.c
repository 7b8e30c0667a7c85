/* Unit tests for store_link_runs (src/store/store_link.c): the verdicts
 * (with their baseline) and newest PR links of a page of runs, in two
 * queries; and their pods with every container, the same as
 * store_run_pods gives run by run, in two queries per chunk of runs
 * (across a chunk boundary, duplicate ids given). */
#include "store_fixture.h"

static void same_str(const char *a, const char *b)
{
    if (!a || !b) ck_assert_ptr_eq(a, b);
    else ck_assert_str_eq(a, b);
}

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
    ck_assert_int_eq(store_link_runs(s, ids, 4, STORE_LINK_FACTS, &l, err, sizeof err), 0);
    ck_assert_uint_eq(l.n, 3);
    bool seen[3] = {false};
    for (size_t i = 0; i < l.n; i++) {
        const struct store_link *x = &l.items[i];
        if (x->run_id == ids[0]) {
            ck_assert_str_eq(x->verdict.cls, "vcs.push-rejected");
            ck_assert_str_eq(x->verdict.rule, "git-push");
            ck_assert_int_eq(x->verdict.line, 7);
            ck_assert_ptr_null(x->pr_url);
            seen[0] = true;
        } else if (x->run_id == ids[1]) {
            ck_assert_ptr_null(x->verdict.cls);
            ck_assert_int_eq(x->pr_number, 2);
            ck_assert_str_eq(x->pr_url, "https://github.com/o/r/pull/2");
            seen[1] = true;
        } else if (x->run_id == ids[2]) {
            ck_assert_str_eq(x->verdict.cls, "runtime.oom");
            ck_assert_int_eq(x->pr_number, 3);
            ck_assert_str_eq(x->pr_source, "cache");
            seen[2] = true;
        } else {
            ck_abort_msg("run %lld has neither", (long long)x->run_id);
        }
    }
    ck_assert(seen[0] && seen[1] && seen[2]);
    /* the batched verdict is the one store_get_classification reads, field for field */
    struct store_class one;
    ck_assert_int_eq(store_get_classification(s, ids[2], &one, err, sizeof err), 1);
    const struct store_class *many = &store_link_find(&l, ids[2])->verdict;
    same_str(many->cls, one.cls);
    same_str(many->rule, one.rule);
    same_str(many->text, one.text);
    same_str(many->hint, one.hint);
    same_str(many->pod, one.pod);
    same_str(many->container, one.container);
    same_str(many->outcome, one.outcome);
    same_str(many->secondary, one.secondary);
    same_str(many->version, one.version);
    same_str(many->baseline_name, one.baseline_name);
    same_str(many->baseline_uid, one.baseline_uid);
    ck_assert_int_eq(many->line, one.line);
    ck_assert_int_eq(many->log_time, one.log_time);
    ck_assert_int_eq(many->classified, one.classified);
    ck_assert_str_eq(many->outcome, "failed");
    ck_assert_int_eq(many->classified, 6000);
    store_class_free(&one);
    store_link_list_free(&l);
    ck_assert_int_eq(store_link_runs(s, ids, 0, STORE_LINK_FACTS, &l, err, sizeof err), 0);
    ck_assert_uint_eq(l.n, 0);
    store_close(s);
    free(path);
    fx_rm_rf();
}
END_TEST

static void put_pod(struct store *s, const char *run, int i, int k, int64_t created)
{
    struct pod p;
    char *name = xasprintf("%s-job-%d", run, k), *uid = xasprintf("pod-%d-%d", i, k);
    fx_pod_img(&p, name, uid, run, created, "registry.example/lab/codex-runner:f12b6082", "sha256:abc");
    /* a second container (and an init one) on every other pod */
    if (k % 2 == 0) {
        p.containers = xrealloc(p.containers, 3 * sizeof *p.containers);
        memset(&p.containers[1], 0, 2 * sizeof *p.containers);
        p.containers[1].name = xstrdup("sidecar");
        p.containers[1].state = xstrdup("running");
        p.containers[1].exit_code = p.containers[1].last_exit_code = -1;
        p.containers[2].name = xstrdup("init-git");
        p.containers[2].init = true;
        p.containers[2].state = xstrdup("terminated");
        p.containers[2].exit_code = 0;
        p.containers[2].last_exit_code = -1;
        p.ncontainers = 3;
    }
    char err[ERRLEN];
    ck_assert_int_eq(store_put_pod(s, "test", &p, 2000, err, sizeof err), 0);
    pod_free(&p);
    free(name);
    free(uid);
}

START_TEST(link_runs_gives_pods_as_run_pods_does)
{
    char *path = fx_db_path();
    struct store *s = fx_open(path, NULL);
    char err[ERRLEN];
    /* more runs than one chunk; run i has i % 4 pods (0: none) */
    enum { N = STORE_LINK_CHUNK + 37 };
    int64_t *ids = xcalloc(N + 2, sizeof *ids);
    ck_assert_int_eq(store_begin(s, err, sizeof err), 0);
    for (int i = 0; i < N; i++) {
        struct agentrun r;
        char *name = xasprintf("run-%04d", i), *uid = xasprintf("uid-%d", i);
        fx_run(&r, name, uid, "Failed", 1000 + i, 1100 + i, 1200 + i);
        ck_assert_int_eq(store_put_run(s, &r, 5000, &ids[i], err, sizeof err), 0);
        /* pods out of creation order: the list is oldest first */
        for (int k = i % 4; k-- > 0;) put_pod(s, name, i, k, 1500 + 10 * k);
        agentrun_free(&r);
        free(name);
        free(uid);
    }
    struct store_class k = {.cls = "runtime.oom", .rule = "oom", .line = 3, .outcome = "failed",
                            .log_time = TIME_NONE, .baseline_name = "run-0007", .baseline_uid = "uid-7"};
    ck_assert_int_eq(store_put_classification(s, ids[5], &k, 6000, err, sizeof err), 0);
    ck_assert_int_eq(store_put_pr(s, ids[N - 1], "https://github.com/o/r/pull/9", 9, "o/r", "log", TIME_NONE, 6000,
                                  err, sizeof err), 0);
    ck_assert_int_eq(store_commit(s, err, sizeof err), 0);
    ids[N] = ids[3];     /* duplicates */
    ids[N + 1] = ids[N - 2];
    struct store_link_list l;
    ck_assert_int_eq(store_link_runs(s, ids, N + 2, STORE_LINK_PODS, &l, err, sizeof err), 0);
    size_t with_pods = 0;
    for (int i = 0; i < N; i++) {
        const struct store_link *x = store_link_find(&l, ids[i]);
        struct store_pod_list pl;
        ck_assert_int_eq(store_run_pods(s, ids[i], &pl, err, sizeof err), 0);
        ck_assert_uint_eq(pl.n, (size_t)(i % 4));
        if (!pl.n) {
            ck_assert_ptr_null(x); /* nothing asked for is known of it */
            store_pod_list_free(&pl);
            continue;
        }
        with_pods++;
        ck_assert_ptr_nonnull(x);
        ck_assert_ptr_null(x->verdict.cls); /* not asked */
        ck_assert_uint_eq(x->pods.n, pl.n);
        for (size_t p = 0; p < pl.n; p++) {
            const struct store_pod *a = &x->pods.items[p], *b = &pl.items[p];
            ck_assert_int_eq(a->id, b->id);
            same_str(a->name, b->name);
            same_str(a->uid, b->uid);
            same_str(a->phase, b->phase);
            ck_assert_int_eq(a->created, b->created);
            ck_assert_uint_eq(a->ncontainers, b->ncontainers);
            for (size_t c = 0; c < a->ncontainers; c++) {
                same_str(a->containers[c].name, b->containers[c].name);
                ck_assert_int_eq(a->containers[c].init, b->containers[c].init);
                same_str(a->containers[c].state, b->containers[c].state);
                same_str(a->containers[c].digest, b->containers[c].digest);
                ck_assert_int_eq(a->containers[c].exit_code, b->containers[c].exit_code);
            }
        }
        store_pod_list_free(&pl);
    }
    ck_assert_uint_eq(l.n, with_pods);
    store_link_list_free(&l);
    /* both kinds: the verdict's baseline and the PR's repository come too */
    ck_assert_int_eq(store_link_runs(s, ids, N, STORE_LINK_FACTS | STORE_LINK_PODS, &l, err, sizeof err), 0);
    const struct store_link *v = store_link_find(&l, ids[5]);
    ck_assert_ptr_nonnull(v);
    ck_assert_str_eq(v->verdict.cls, "runtime.oom");
    ck_assert_str_eq(v->verdict.baseline_name, "run-0007");
    ck_assert_uint_eq(v->pods.n, 1);
    v = store_link_find(&l, ids[N - 1]);
    ck_assert_ptr_nonnull(v);
    ck_assert_str_eq(v->pr_repository, "o/r");
    ck_assert_int_eq(v->pr_number, 9);
    ck_assert_ptr_null(store_link_find(&l, ids[4])); /* no pods, no verdict, no PR */
    store_link_list_free(&l);
    free(ids);
    store_close(s);
    free(path);
    fx_rm_rf();
}
END_TEST

/* store_run_ids: a slice's row ids in one query, and whether they may be
 * kept. An id read while a write transaction is open is not: after a
 * rollback SQLite gives it to the next run written, and a console that
 * kept it would show that run's verdict, pods and logs on the first. */
static int64_t put(struct store *s, const char *name, const char *uid)
{
    struct agentrun r;
    char err[ERRLEN];
    int64_t id = 0;
    fx_run(&r, name, uid, "Failed", 1000, TIME_NONE, TIME_NONE);
    ck_assert_int_eq(store_put_run(s, &r, 5000, &id, err, sizeof err), 0);
    agentrun_free(&r);
    return id;
}

START_TEST(run_ids_are_durable_only_outside_a_transaction)
{
    char *path = fx_db_path();
    struct store *s = fx_open(path, NULL);
    char err[ERRLEN];
    int64_t a = put(s, "run-a", "uid-a"), b = put(s, "run-b", "uid-b");
    /* committed rows: ids kept; unknown uid 0; a NULL uid's entry untouched; a repeat filled too */
    char *uids[5] = {"uid-b", "uid-none", NULL, "uid-a", "uid-b"};
    int64_t ids[5] = {-1, -1, 77, -1, -1};
    bool durable = false;
    ck_assert_int_eq(store_run_ids(s, "test", uids, 5, ids, &durable, err, sizeof err), 0);
    ck_assert(durable);
    ck_assert_int_eq(ids[0], b);
    ck_assert_int_eq(ids[1], 0);
    ck_assert_int_eq(ids[2], 77);
    ck_assert_int_eq(ids[3], a);
    ck_assert_int_eq(ids[4], b);
    /* another context's rows are not this context's */
    ck_assert_int_eq(store_run_ids(s, "other", uids, 1, ids, &durable, err, sizeof err), 0);
    ck_assert_int_eq(ids[0], 0);

    /* a run written in a transaction: its id is there, but not to keep */
    ck_assert_int_eq(store_begin(s, err, sizeof err), 0);
    int64_t c = put(s, "run-c", "uid-c");
    char *cu[1] = {"uid-c"};
    int64_t cid = 0;
    ck_assert_int_eq(store_run_ids(s, "test", cu, 1, &cid, &durable, err, sizeof err), 0);
    ck_assert_int_eq(cid, c);
    ck_assert(!durable);
    store_rollback(s);
    /* the rollback took run-c back and the next run gets its id */
    int64_t d = put(s, "run-d", "uid-d");
    ck_assert_int_eq(d, c);
    ck_assert_int_eq(store_run_ids(s, "test", cu, 1, &cid, &durable, err, sizeof err), 0);
    ck_assert(durable);
    ck_assert_int_eq(cid, 0);
    ck_assert_int_eq(store_run_ids(s, "test", uids, 0, ids, &durable, err, sizeof err), 0);
    store_close(s);
    free(path);
    fx_rm_rf();
}
END_TEST

/* More uids than one statement takes (STORE_LINK_CHUNK): every one found. */
START_TEST(run_ids_across_chunks)
{
    char *path = fx_db_path();
    struct store *s = fx_open(path, NULL);
    char err[ERRLEN];
    enum { N = STORE_LINK_CHUNK + 7 };
    char **uids = xcalloc(N, sizeof *uids);
    int64_t *want = xcalloc(N, sizeof *want), *ids = xcalloc(N, sizeof *ids);
    ck_assert_int_eq(store_begin(s, err, sizeof err), 0);
    for (int i = 0; i < N; i++) {
        char *name = xasprintf("run-%04d", i);
        uids[i] = xasprintf("uid-%04d", N - i);
        want[i] = put(s, name, uids[i]);
        free(name);
    }
    ck_assert_int_eq(store_commit(s, err, sizeof err), 0);
    bool durable = false;
    ck_assert_int_eq(store_run_ids(s, "test", uids, N, ids, &durable, err, sizeof err), 0);
    ck_assert(durable);
    for (int i = 0; i < N; i++) ck_assert_int_eq(ids[i], want[i]);
    for (int i = 0; i < N; i++) free(uids[i]);
    free(uids);
    free(want);
    free(ids);
    store_close(s);
    free(path);
    fx_rm_rf();
}
END_TEST

int main(void)
{
    Suite *su = suite_create("store_link");
    TCase *tc = tcase_create("link");
    tcase_set_timeout(tc, 120); /* a thousand runs and their pods, under the sanitizers */
    tcase_add_test(tc, link_runs_gives_verdicts_and_newest_pr);
    tcase_add_test(tc, link_runs_gives_pods_as_run_pods_does);
    tcase_add_test(tc, run_ids_are_durable_only_outside_a_transaction);
    tcase_add_test(tc, run_ids_across_chunks);
    suite_add_tcase(su, tc);
    SRunner *sr = srunner_create(su);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
