/* Unit tests for the store's kept prepared statements (store_prep): a
 * query is parsed once and reused, the same query nested in itself gets a
 * private statement, a reused address with other text is not mistaken for
 * the old query, a full cache still answers, and reads through kept
 * statements leave no transaction open. */
#include "store_fixture.h"
#include "store/store_impl.h"

/* A statement still stepping holds a read snapshot open. */
static bool any_busy(sqlite3 *db)
{
    for (sqlite3_stmt *st = sqlite3_next_stmt(db, NULL); st; st = sqlite3_next_stmt(db, st))
        if (sqlite3_stmt_busy(st)) return true;
    return false;
}

START_TEST(kept_nested_reused_and_full)
{
    char *path = fx_db_path();
    struct store *s = fx_open(path, NULL);
    static const char q1[] = "SELECT ?1 + 1";
    sqlite3_stmt *a, *b, *c;
    ck_assert_int_eq(store_prep(s, q1, &a), SQLITE_OK);
    sqlite3_bind_int(a, 1, 41);
    ck_assert_int_eq(sqlite3_step(a), SQLITE_ROW);
    ck_assert_int_eq(sqlite3_column_int(a, 0), 42);
    /* a is still stepping: the same query again must not reset it */
    ck_assert_int_eq(store_prep(s, q1, &b), SQLITE_OK);
    ck_assert_ptr_ne(a, b);
    sqlite3_bind_int(b, 1, 1);
    ck_assert_int_eq(sqlite3_step(b), SQLITE_ROW);
    ck_assert_int_eq(sqlite3_column_int(b, 0), 2);
    ck_assert_int_eq(sqlite3_column_int(a, 0), 42);
    store_unprep(s, b); /* private: finalized */
    store_unprep(s, a); /* kept: reset */
    ck_assert_int_eq(store_prep(s, q1, &c), SQLITE_OK);
    ck_assert_ptr_eq(a, c);
    ck_assert_int_eq(sqlite3_bind_parameter_count(c), 1);
    ck_assert_int_eq(sqlite3_step(c), SQLITE_ROW);
    ck_assert_int_eq(sqlite3_column_type(c, 0), SQLITE_NULL); /* bindings were cleared */
    store_unprep(s, c);

    /* the same address holding other text is another query */
    char dyn[64];
    snprintf(dyn, sizeof dyn, "SELECT 7");
    ck_assert_int_eq(store_prep(s, dyn, &a), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(a), SQLITE_ROW);
    ck_assert_int_eq(sqlite3_column_int(a, 0), 7);
    store_unprep(s, a);
    snprintf(dyn, sizeof dyn, "SELECT 8");
    ck_assert_int_eq(store_prep(s, dyn, &b), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(b), SQLITE_ROW);
    ck_assert_int_eq(sqlite3_column_int(b, 0), 8);
    store_unprep(s, b);

    /* more queries than the cache keeps: every one still answers */
    char qs[STORE_PREP_MAX * 2][32];
    for (int i = 0; i < STORE_PREP_MAX * 2; i++) {
        snprintf(qs[i], sizeof qs[i], "SELECT %d", i);
        ck_assert_int_eq(store_prep(s, qs[i], &a), SQLITE_OK);
        ck_assert_int_eq(sqlite3_step(a), SQLITE_ROW);
        ck_assert_int_eq(sqlite3_column_int(a, 0), i);
        store_unprep(s, a);
    }
    ck_assert_int_le(s->nprep, STORE_PREP_MAX);
    /* a bad query is an error code, not a crash, and is not kept */
    int n = s->nprep;
    ck_assert_int_ne(store_prep(s, "SELECT FROM WHERE", &a), SQLITE_OK);
    ck_assert_ptr_null(a);
    ck_assert_int_eq(s->nprep, n);
    ck_assert(!any_busy(s->db)); /* no read left open */
    store_close(s);
    free(path);
    fx_rm_rf();
}
END_TEST

START_TEST(reads_leave_no_transaction_open)
{
    /* a kept statement that was not reset would hold a read snapshot:
     * another handle's write would then stay invisible to this one */
    char *path = fx_db_path();
    struct store *s = fx_open(path, NULL);
    struct store *w = fx_open(path, NULL);
    char err[ERRLEN];
    struct agentrun r;
    fx_run(&r, "r1", "u-1", "Failed", 1000, 2000, 3000);
    int64_t id = 0;
    ck_assert_int_eq(store_put_run(w, &r, 3100, &id, err, sizeof err), 0);
    struct store_class k;
    ck_assert_int_eq(store_get_classification(s, id, &k, err, sizeof err), 0);
    ck_assert(!any_busy(s->db));
    struct store_class c = {.cls = "network", .rule = "dns", .line = 3, .text = "x",
                            .outcome = "failed", .version = "1", .log_time = TIME_NONE};
    ck_assert_int_eq(store_put_classification(w, id, &c, 3200, err, sizeof err), 0);
    ck_assert_int_eq(store_get_classification(s, id, &k, err, sizeof err), 1);
    ck_assert_str_eq(k.cls, "network");
    store_class_free(&k);
    ck_assert(!any_busy(s->db)); /* a row was read: the statement was still reset */
    struct store_run sr;
    ck_assert_int_eq(store_get_run(s, "test", "agents", "r1", &sr, err, sizeof err), 1);
    store_run_free(&sr);
    ck_assert(!any_busy(s->db));
    agentrun_free(&r);
    store_close(w);
    store_close(s);
    free(path);
    fx_rm_rf();
}
END_TEST

int main(void)
{
    Suite *su = suite_create("store_prep");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, kept_nested_reused_and_full);
    tcase_add_test(tc, reads_leave_no_transaction_open);
    suite_add_tcase(su, tc);
    SRunner *sr = srunner_create(su);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
