/* Unit tests for the history cache schema: the compiled-in migrations are
 * the files in data/schema/, every older version migrates forward with its
 * data intact, and a newer file is refused. */
#include "store_fixture.h"
#include "store/store_impl.h"

START_TEST(embedded_schema_matches_data_files)
{
    const char *src = getenv("ARTRIAGE_SRC");
    ck_assert_ptr_nonnull(src);
    for (size_t i = 0; i < store_nmigrations; i++) {
        const struct store_migration *m = &store_migrations[i];
        ck_assert_int_eq(m->version, (int)i + 1);
        char *path = xasprintf("%s/data/schema/%s", src, m->name);
        char *text = fx_read_file(path, NULL);
        ck_assert_msg(text != NULL, "missing %s", path);
        ck_assert_msg(strcmp(text, m->sql) == 0,
                      "%s differs from src/store/schema.c: run python3 scripts/schema2c.py", path);
        free(text);
        free(path);
    }
    ck_assert_int_eq(store_migrations[store_nmigrations - 1].version, STORE_SCHEMA_VERSION);
}
END_TEST

/* Creates a database at schema version v (0 = empty file) by applying the
 * embedded migrations up to v, and puts one row of each table that exists
 * at that version. */
static void make_db_at(const char *path, int v)
{
    sqlite3 *db;
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    for (size_t i = 0; i < store_nmigrations && store_migrations[i].version <= v; i++) {
        char *msg = NULL;
        ck_assert_msg(sqlite3_exec(db, store_migrations[i].sql, NULL, NULL, &msg) == SQLITE_OK,
                      "migration %s: %s", store_migrations[i].name, msg ? msg : "");
        char *pv = xasprintf("PRAGMA user_version = %d", store_migrations[i].version);
        ck_assert_int_eq(sqlite3_exec(db, pv, NULL, NULL, NULL), SQLITE_OK);
        free(pv);
    }
    if (v >= 1) {
        const char *rows =
            "INSERT INTO runs (id, context, namespace, name, uid, lane, attempt, phase, created,"
            " first_seen, last_seen) VALUES (1, 'demo', 'agents', 'old-20260101a', 'u-1',"
            " 'old-20260101', 'a', 'Failed', 1000, 2000, 2000);"
            "INSERT INTO changes (run_id, time, kind, reconstructed, observed)"
            " VALUES (1, 1000, 'created', 1, 2000);"
            "INSERT INTO notes (time, text, created) VALUES (1500, 'kept note', 2000);"
            "INSERT INTO pods (id, context, namespace, name, uid, run_name, run_id, first_seen,"
            " last_seen) VALUES (1, 'demo', 'agents', 'old-pod', 'p-1', 'old-20260101a', 1, 2000,"
            " 2000);"
            "INSERT INTO logs (pod_id, container, fetched, raw_size, stored_size, full_size, data)"
            " VALUES (1, 'agent-runner', 2000, 1, 1, 1, x'00');"
            "INSERT INTO classifications (run_id, class, version, classified)"
            " VALUES (1, 'vcs.worktree', 'v', 2000);";
        char *msg = NULL;
        ck_assert_msg(sqlite3_exec(db, rows, NULL, NULL, &msg) == SQLITE_OK, "rows: %s",
                      msg ? msg : "");
    }
    sqlite3_close(db);
}

START_TEST(migrates_from_every_older_version)
{
    for (int v = 0; v < STORE_SCHEMA_VERSION; v++) {
        char *path = xasprintf("%s/v%d.db", fx_tmpdir(), v);
        make_db_at(path, v);
        struct store *s = fx_open(path, NULL);
        ck_assert_int_eq(fx_sql_int(s, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
        sqlite3_stmt *st;
        ck_assert_int_eq(sqlite3_prepare_v2(store_db(s), "PRAGMA integrity_check", -1, &st, NULL),
                         SQLITE_OK);
        ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
        ck_assert_str_eq((const char *)sqlite3_column_text(st, 0), "ok");
        sqlite3_finalize(st);
        char err[ERRLEN];
        if (v >= 1) {
            struct store_run r;
            ck_assert_int_eq(store_get_run(s, "demo", "agents", "old-20260101a", &r, err,
                                           sizeof err), 1);
            ck_assert_str_eq(r.phase, "Failed");
            store_run_free(&r);
            ck_assert_int_eq(fx_sql_int(s, "SELECT count(*) FROM notes"), 1);
            /* version 3: logs and verdicts written before take their pod's / run's context */
            if (v < 3) {
                ck_assert_int_eq(fx_sql_int(s, "SELECT count(*) FROM logs WHERE context = 'demo'"), 1);
                ck_assert_int_eq(
                    fx_sql_int(s, "SELECT count(*) FROM classifications WHERE context = 'demo'"), 1);
            }
            /* version 4: an older verdict names no baseline; the new columns take one */
            struct store_class c;
            ck_assert_int_eq(store_get_classification(s, 1, &c, err, sizeof err), 1);
            ck_assert_str_eq(c.cls, "vcs.worktree");
            ck_assert_ptr_null(c.baseline_name);
            ck_assert_ptr_null(c.baseline_uid);
            free(c.baseline_name);
            c.baseline_name = xstrdup("old-20260101g");
            c.baseline_uid = xstrdup("u-g");
            ck_assert_int_eq(store_put_classification(s, 1, &c, 3000, err, sizeof err), 0);
            store_class_free(&c);
            ck_assert_int_eq(store_get_classification(s, 1, &c, err, sizeof err), 1);
            ck_assert_str_eq(c.baseline_name, "old-20260101g");
            ck_assert_str_eq(c.baseline_uid, "u-g");
            store_class_free(&c);
            ck_assert_int_eq(
                fx_sql_int(s, "SELECT count(*) FROM sqlite_master WHERE name = 'runs_by_agent_repo'"), 1);
            ck_assert_int_eq(fx_sql_int(s, "SELECT count(*) FROM recorder"), 0);
        }
        /* the migrated file works for every kind of write */
        struct agentrun ar;
        fx_run(&ar, "new-run", "u-new", "Running", 5000, 5100, TIME_NONE);
        ck_assert_int_eq(store_put_run(s, &ar, 6000, NULL, err, sizeof err), 0);
        agentrun_free(&ar);
        ck_assert_int_eq(store_add_note(s, 1, "n", NULL, NULL, 1, NULL, err, sizeof err), 0);
        store_close(s);
        /* opening again is a no-op */
        s = fx_open(path, NULL);
        ck_assert_int_eq(fx_sql_int(s, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
        store_close(s);
        free(path);
        fx_rm_rf();
    }
}
END_TEST

START_TEST(newer_schema_is_refused)
{
    char *path = xasprintf("%s/future.db", fx_tmpdir());
    make_db_at(path, STORE_SCHEMA_VERSION);
    sqlite3 *db;
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    char *pv = xasprintf("PRAGMA user_version = %d", STORE_SCHEMA_VERSION + 1);
    ck_assert_int_eq(sqlite3_exec(db, pv, NULL, NULL, NULL), SQLITE_OK);
    free(pv);
    sqlite3_close(db);
    char err[ERRLEN] = "";
    struct store *s = store_open(path, NULL, err, sizeof err);
    ck_assert_ptr_null(s);
    ck_assert_msg(strstr(err, "newer") && strstr(err, path), "message: %s", err);
    free(path);
    fx_rm_rf();
}
END_TEST

START_TEST(read_only_needs_current_schema)
{
    char *path = xasprintf("%s/old.db", fx_tmpdir());
    make_db_at(path, 0);
    struct store_opts o;
    store_opts_default(&o);
    o.read_only = true;
    char err[ERRLEN] = "";
    ck_assert_ptr_null(store_open(path, &o, err, sizeof err));
    ck_assert_msg(strstr(err, "schema version") != NULL, "message: %s", err);
    free(path);
    fx_rm_rf();
}
END_TEST

START_TEST(garbage_file_is_an_error_not_a_crash)
{
    char *path = xasprintf("%s/garbage.db", fx_tmpdir());
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    for (int i = 0; i < 8192; i++) fputc((i * 7919) & 0xff, f);
    fclose(f);
    char err[ERRLEN] = "";
    ck_assert_ptr_null(store_open(path, NULL, err, sizeof err));
    ck_assert_msg(strstr(err, path) != NULL, "message names the file: %s", err);
    free(path);
    fx_rm_rf();
}
END_TEST

int main(void)
{
    Suite *su = suite_create("schema");
    TCase *tc = tcase_create("migrations");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, embedded_schema_matches_data_files);
    tcase_add_test(tc, migrates_from_every_older_version);
    tcase_add_test(tc, newer_schema_is_refused);
    tcase_add_test(tc, read_only_needs_current_schema);
    tcase_add_test(tc, garbage_file_is_an_error_not_a_crash);
    suite_add_tcase(su, tc);
    SRunner *sr = srunner_create(su);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
