/* The console's cold source on a real history cache: runs seeded from it
 * into a run set that leaves their cold fields there give back, read by
 * row id (runs/coldsrc.c), exactly what a run set keeping them in memory
 * gives; a row rewritten by another writer, deleted, or a cache that
 * cannot be read gives none (one sentence), never another version's.
 * Fixtures: tests/data/examples (the example AgentRun list). */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model/agentrun.h"
#include "model/agentrun_check.h"
#include "model/runset.h"
#include "runs/coldsrc.h"
#include "store/store.h"
#include "store/store_fixture.h"
#include "util/err.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

/* The cache's runs, as the console seeds them (feedsink.c seed_page). */
static void seed(struct store *s, struct runset *rs)
{
    struct store_run_list l;
    char err[ERRLEN];
    ck_assert_int_eq(store_list_runs(s, NULL, &l, err, sizeof err), 0);
    for (size_t i = 0; i < l.n; i++) {
        struct agentrun a;
        bool deleted = l.items[i].deleted;
        int64_t id = l.items[i].id;
        if (store_run_take_agentrun(&l.items[i], &a)) runset_apply_cached(rs, &a, deleted, id);
    }
    store_run_list_free(&l);
}

START_TEST(cold_fields_from_a_real_cache)
{
    char *path = fx_db_path();
    struct store *s = fx_open(path, NULL);
    char err[ERRLEN];
    cJSON *list = fx_example("agentrunlist.json");
    const cJSON *it;
    size_t nruns = 0;
    char *uids[8] = {0}; /* 0, 1, 2: read only after their rows change, below */
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(list, "items")) {
        struct agentrun r;
        ck_assert_int_eq(agentrun_parse(it, &r, err, sizeof err), 0);
        r.context = xstrdup("demo");
        ck_assert_int_eq(store_put_run(s, &r, 1000, NULL, err, sizeof err), 0);
        if (nruns < 8) uids[nruns] = xstrdup(r.uid);
        agentrun_free(&r);
        nruns++;
    }
    /* one the server deleted: the cache's deletion time is part of it */
    ck_assert_uint_ge(nruns, 4);
    ck_assert_int_eq(store_mark_run_deleted(s, "demo", uids[3], 7000, err, sizeof err), 0);
    struct runset *mem = runset_new(), *cold = runset_new();
    runset_set_cold_source(cold, coldsrc_load, s);
    seed(s, mem);
    seed(s, cold);
    ck_assert_uint_eq(runset_count(cold), nruns);
    /* (the first three are read only after their rows changed, below: a run
     * read once is remembered as the set read it, as a set keeping it would) */
    for (size_t i = 0; i < runset_count(mem); i++) {
        const struct rs_run *m = runset_at(mem, i), *c = runset_find(cold, m->run.context, m->run.uid);
        ck_assert_ptr_nonnull(c);
        if (!strcmp(m->run.uid, uids[0]) || !strcmp(m->run.uid, uids[1]) || !strcmp(m->run.uid, uids[2])) continue;
        struct agentrun want, got;
        ck_assert_int_eq(runset_run_agentrun(mem, m, &want, err, sizeof err), 0);
        ck_assert_msg(runset_run_agentrun(cold, c, &got, err, sizeof err) == 0, "%s", err);
        check_same_run(&want, &got, m->run.name);
        agentrun_free(&want);
        agentrun_free(&got);
    }
    ck_assert(runset_find(cold, "demo", uids[3])->deleted);

    /* another writer (a recorder) stores a newer version: the cold set
     * says so rather than mix it with the list it holds */
    struct rs_run *c = runset_find(cold, "demo", uids[0]), *m = runset_find(mem, "demo", uids[0]);
    struct agentrun newer, want, got;
    ck_assert_int_eq(runset_run_agentrun(mem, m, &want, err, sizeof err), 0);
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(list, "items")) {
        if (strcmp(cJSON_GetObjectItem(cJSON_GetObjectItem(it, "metadata"), "uid")->valuestring, uids[0]) != 0)
            continue;
        cJSON *o = cJSON_Duplicate(it, 1);
        cJSON *md = cJSON_GetObjectItem(o, "metadata"), *st = cJSON_GetObjectItem(o, "status");
        cJSON_ReplaceItemInObject(md, "resourceVersion", cJSON_CreateString("99999999"));
        cJSON_ReplaceItemInObject(st, "message", cJSON_CreateString("a message written later"));
        ck_assert_int_eq(agentrun_parse(o, &newer, err, sizeof err), 0);
        cJSON_Delete(o);
    }
    newer.context = xstrdup("demo");
    ck_assert_int_eq(store_put_run(s, &newer, 2000, NULL, err, sizeof err), 0);
    agentrun_free(&newer);
    ck_assert_int_eq(runset_run_agentrun(cold, c, &got, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "changed since the list read it"), "%s", err);
    ck_assert_ptr_null(got.message);
    ck_assert_str_eq(got.resource_version, want.resource_version);
    agentrun_free(&got);
    agentrun_free(&want);

    /* the row deleted (gc), then the cache unreadable: one sentence each */
    struct rs_run *g = runset_find(cold, "demo", uids[1]);
    char *sql = xasprintf("DELETE FROM runs WHERE id = %lld", (long long)g->cache_id);
    ck_assert_int_eq(sqlite3_exec(store_db(s), sql, NULL, NULL, NULL), SQLITE_OK);
    free(sql);
    ck_assert_int_eq(runset_run_agentrun(cold, g, &got, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "no longer in the history cache"), "%s", err);
    agentrun_free(&got);
    const struct rs_run *third = runset_find(cold, "demo", uids[2]);
    ck_assert_int_eq(sqlite3_exec(store_db(s), "ALTER TABLE runs RENAME TO runs_elsewhere", NULL, NULL, NULL),
                     SQLITE_OK);
    ck_assert_int_eq(runset_run_agentrun(cold, third, &got, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "could not be read"), "%s", err);
    agentrun_free(&got);

    cJSON_Delete(list);
    for (size_t i = 0; i < 8; i++) free(uids[i]);
    runset_free(mem);
    runset_free(cold);
    store_close(s);
    free(path);
    fx_rm_rf();
}
END_TEST

int main(void)
{
    Suite *su = suite_create("coldsrc");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, cold_fields_from_a_real_cache);
    suite_add_tcase(su, tc);
    SRunner *sr = srunner_create(su);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
