/* Unit tests of the recorder's part of the history cache: the heartbeat
 * (claim, refusal while fresh, take-over when stale, release), per-context
 * status counts, and export bundles (selection, what comes along, never
 * overwriting, redaction of fields and logs). */
#include "store_fixture.h"
#include <sys/stat.h>

static void put_ctx_run(struct store *s, const char *ctx, const char *name, const char *uid,
                        int64_t created, const char *log)
{
    char err[ERRLEN];
    struct agentrun r;
    fx_run(&r, name, uid, "Failed", created, created + 100, created + 1000);
    free(r.context);
    r.context = xstrdup(ctx);
    free(r.message);
    r.message = xstrdup("push to https://bot:pw123@git.example.com failed; mail ops@example.com");
    int64_t id;
    ck_assert_int_eq(store_put_run(s, &r, created + 2000, &id, err, sizeof err), 0);
    struct pod p;
    char *pn = xasprintf("%s-pod", name), *pu = xasprintf("%s-p", uid);
    fx_pod_img(&p, pn, pu, name, created + 10, "img:1", "sha256:abc");
    ck_assert_int_eq(store_put_pod(s, ctx, &p, created + 2000, err, sizeof err), 0);
    ck_assert_int_eq(store_put_log(s, ctx, pu, "agent-runner", false, log, strlen(log),
                                   created + 2000, err, sizeof err), 0);
    struct store_class c = {.cls = "vcs.push", .line = 1, .text = "Bearer abcdefghijkl rejected",
                            .version = "v1", .outcome = "failed", .log_time = TIME_NONE};
    ck_assert_int_eq(store_put_classification(s, id, &c, created + 2000, err, sizeof err), 0);
    ck_assert_int_eq(store_put_pr(s, id, "https://github.com/o/r/pull/1", 1, "o/r", "log",
                                  TIME_NONE, created + 2000, err, sizeof err), 0);
    pod_free(&p);
    free(pn);
    free(pu);
    agentrun_free(&r);
}

START_TEST(heartbeat_claims_refuses_and_takes_over)
{
    char *path = fx_db_path();
    struct store *s = fx_open(path, NULL);
    char err[ERRLEN];
    struct store_recorder h;
    const char *ctx[] = {"east", "west"};
    ck_assert_int_eq(store_recorder_get(s, &h, err, sizeof err), 0);
    ck_assert_int_eq(store_recorder_claim(s, 100, "bastion", ctx, 2, 10000, &h, err, sizeof err), 0);
    /* a second one, from another handle, while the beat is fresh */
    struct store *s2 = fx_open(path, NULL);
    ck_assert_int_eq(store_recorder_claim(s2, 200, "laptop", ctx, 1, 12000, &h, err, sizeof err), 1);
    ck_assert_int_eq(h.pid, 100);
    ck_assert_str_eq(h.host, "bastion");
    store_recorder_free(&h);
    ck_assert_int_eq(store_recorder_beat(s, 100, "bastion", 20000, err, sizeof err), 0);
    ck_assert_int_eq(store_recorder_claim(s2, 200, "laptop", ctx, 1, 20000 + STORE_RECORDER_STALE_MS - 1,
                                          &h, err, sizeof err), 1);
    store_recorder_free(&h);
    ck_assert_int_eq(fx_sql_int(s, "SELECT count(*) FROM contexts WHERE followed = 1"), 2);
    /* silent too long: taken over; the old one's beat then says so */
    ck_assert_int_eq(store_recorder_claim(s2, 200, "laptop", ctx, 1, 20000 + STORE_RECORDER_STALE_MS,
                                          &h, err, sizeof err), 0);
    ck_assert_int_eq(fx_sql_int(s, "SELECT count(*) FROM contexts WHERE followed = 1"), 1);
    ck_assert_int_eq(store_recorder_beat(s, 100, "bastion", 40000, err, sizeof err), 1);
    ck_assert_int_eq(store_recorder_get(s, &h, err, sizeof err), 1);
    ck_assert(store_recorder_live(&h, 40000));
    ck_assert(!store_recorder_live(&h, 40000 + STORE_RECORDER_STALE_MS));
    store_recorder_free(&h);
    /* the loser's release leaves the winner's row alone */
    ck_assert_int_eq(store_recorder_release(s, 100, "bastion", 41000, err, sizeof err), 0);
    ck_assert_int_eq(store_recorder_get(s, &h, err, sizeof err), 1);
    ck_assert_int_eq(h.pid, 200);
    ck_assert(h.stopped == TIME_NONE);
    store_recorder_free(&h);
    ck_assert_int_eq(store_recorder_release(s2, 200, "laptop", 42000, err, sizeof err), 0);
    ck_assert_int_eq(store_recorder_get(s, &h, err, sizeof err), 1);
    ck_assert(!store_recorder_live(&h, 42001));
    store_recorder_free(&h);
    ck_assert_int_eq(fx_sql_int(s, "SELECT count(*) FROM contexts WHERE followed = 1"), 0);
    /* after a clean stop anyone may claim at once */
    ck_assert_int_eq(store_recorder_claim(s, 300, "bastion", ctx, 2, 42002, &h, err, sizeof err), 0);
    store_close(s2);
    store_close(s);
    free(path);
    fx_rm_rf();
}
END_TEST

START_TEST(status_counts_per_context)
{
    char *path = fx_db_path();
    struct store *s = fx_open(path, NULL);
    char err[ERRLEN];
    put_ctx_run(s, "east", "a-20260301a", "u-a", 1000000, "one\n");
    put_ctx_run(s, "east", "b-20260301a", "u-b", 1100000, "two\n");
    put_ctx_run(s, "west", "a-20260301a", "u-a", 1000000, "three\n");
    ck_assert_int_eq(store_mark_run_deleted(s, "west", "u-a", 1200000, err, sizeof err), 0);
    ck_assert_int_eq(store_context_seen(s, "west", 5000000, "reconnecting", "refused", 5000001, err,
                                        sizeof err), 0);
    struct store_status st;
    ck_assert_int_eq(store_status_read(s, &st, err, sizeof err), 0);
    ck_assert_uint_eq(st.n, 2);
    ck_assert(!st.has_recorder);
    ck_assert_str_eq(st.items[0].context, "east");
    ck_assert_int_eq(st.items[0].runs, 2);
    ck_assert_int_eq(st.items[0].logs, 2);
    ck_assert_int_eq(st.items[0].pods, 2);
    ck_assert_uint_eq(st.items[0].nnamespaces, 1);
    ck_assert_str_eq(st.items[0].namespaces[0], "agents");
    ck_assert_int_eq(st.items[0].last_seen, 1100000 + 2000); /* no writer's word: newest sight */
    ck_assert_str_eq(st.items[1].context, "west");
    ck_assert_int_eq(st.items[1].runs, 1);
    ck_assert_int_eq(st.items[1].runs_deleted, 1);
    ck_assert_int_eq(st.items[1].logs, 1);
    ck_assert_int_eq(st.items[1].last_seen, 5000000);
    ck_assert_str_eq(st.items[1].state, "reconnecting");
    ck_assert_str_eq(st.items[1].error, "refused");
    /* verdicts and logs carry their context */
    ck_assert_int_eq(fx_sql_int(s, "SELECT count(*) FROM classifications WHERE context = 'east'"), 2);
    ck_assert_int_eq(fx_sql_int(s, "SELECT count(*) FROM logs WHERE context = 'west'"), 1);
    store_status_free(&st);
    store_close(s);
    free(path);
    fx_rm_rf();
}
END_TEST

static int64_t bundle_int(const char *path, const char *sql)
{
    struct store *b = fx_open(path, NULL);
    int64_t v = fx_sql_int(b, sql);
    store_close(b);
    return v;
}

START_TEST(export_selects_and_never_overwrites)
{
    char *path = fx_db_path();
    struct store *s = fx_open(path, NULL);
    char err[ERRLEN];
    put_ctx_run(s, "east", "lane-20260301a", "u-1", 1000000, "a\n");
    put_ctx_run(s, "east", "lane-20260301b", "u-2", 2000000, "b\n");
    put_ctx_run(s, "west", "other-20260301a", "u-3", 9000000, "c\n");
    ck_assert_int_eq(store_add_note(s, 1500000, "fix merged", NULL, NULL, 1, NULL, err, sizeof err), 0);
    ck_assert_int_eq(store_add_note(s, 8000000, "unrelated", NULL, NULL, 1, NULL, err, sizeof err), 0);
    struct store_rerun rr = {.time = 1900000, .context = "east", .ns = "agents",
                             .from_name = "lane-20260301a", .new_name = "lane-20260301b",
                             .result = "created"};
    ck_assert_int_eq(store_add_rerun(s, &rr, NULL, err, sizeof err), 0);

    char *out = xasprintf("%s/lane.db", fx_tmpdir());
    struct store_export_opts o = {.lane = "lane-20260301", .since = TIME_NONE, .until = TIME_NONE};
    struct store_export_stats st;
    ck_assert_msg(store_export(s, out, &o, &st, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(st.runs, 2);
    ck_assert_int_eq(st.pods, 2);
    ck_assert_int_eq(st.logs, 2);
    ck_assert_int_eq(st.classifications, 2);
    ck_assert_int_eq(st.prs, 2);
    ck_assert_int_eq(st.reruns, 1);
    ck_assert_int_eq(st.notes, 1);
    ck_assert(st.changes > 0);
    int64_t changes = st.changes;
    struct stat sb;
    ck_assert_int_eq(stat(out, &sb), 0);
    ck_assert_int_eq(sb.st_mode & 0777, 0600);
    /* never overwrites: the file stays as it was */
    ck_assert_int_eq(store_export(s, out, &o, &st, err, sizeof err), -1);
    ck_assert(strstr(err, "never overwrites"));
    ck_assert_int_eq(bundle_int(out, "SELECT count(*) FROM runs"), 2);
    ck_assert_int_eq(bundle_int(out, "SELECT count(*) FROM notes WHERE text = 'unrelated'"), 0);
    ck_assert_int_eq(bundle_int(out, "SELECT count(*) FROM changes c JOIN runs r ON r.id = c.run_id"),
                     changes);
    /* not redacted unless asked */
    ck_assert_int_eq(bundle_int(out, "SELECT count(*) FROM runs WHERE message LIKE '%pw123%'"), 2);

    /* by name and context, redacted */
    char *out2 = xasprintf("%s/one.db", fx_tmpdir());
    const char *names[] = {"lane-20260301b"};
    struct store_export_opts o2 = {.context = "east", .names = names, .nnames = 1,
                                   .since = TIME_NONE, .until = TIME_NONE, .redact = true};
    ck_assert_msg(store_export(s, out2, &o2, &st, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(st.runs, 1);
    /* password and e-mail in the run's message and in its change, the verdict's token */
    ck_assert_int_eq(st.masked, 2 + 2 + 1);
    ck_assert_int_eq(bundle_int(out2, "SELECT count(*) FROM runs WHERE message LIKE '%pw123%'"
                                      " OR message LIKE '%ops@%'"), 0);
    ck_assert_int_eq(bundle_int(out2, "SELECT count(*) FROM classifications"
                                      " WHERE text = 'Bearer [redacted] rejected'"), 1);
    ck_assert_int_eq(bundle_int(out2, "SELECT count(*) FROM runs WHERE name = 'lane-20260301b'"), 1);

    /* a window; nothing selected writes nothing */
    char *out3 = xasprintf("%s/window.db", fx_tmpdir());
    struct store_export_opts o3 = {.since = 8500000, .until = TIME_NONE};
    ck_assert_msg(store_export(s, out3, &o3, &st, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(st.runs, 1);
    ck_assert_int_eq(st.notes, 0);
    char *out4 = xasprintf("%s/none.db", fx_tmpdir());
    const char *missing[] = {"no-such-run"};
    struct store_export_opts o4 = {.names = missing, .nnames = 1, .since = TIME_NONE, .until = TIME_NONE};
    ck_assert_int_eq(store_export(s, out4, &o4, &st, err, sizeof err), -1);
    ck_assert(strstr(err, "no-such-run"));
    ck_assert_int_eq(access(out4, F_OK), -1);
    /* the source cache is unchanged and still writable */
    ck_assert_int_eq(fx_sql_int(s, "SELECT count(*) FROM runs"), 3);
    put_ctx_run(s, "west", "later-20260301a", "u-9", 9500000, "d\n");
    free(out);
    free(out2);
    free(out3);
    free(out4);
    store_close(s);
    free(path);
    fx_rm_rf();
}
END_TEST

START_TEST(shared_group_directory_gives_group_files)
{
    /* a team's cache: setgid, group rwx directory -> files 0660 (WAL too) */
    char *dir = xasprintf("%s/team", fx_tmpdir());
    ck_assert_int_eq(mkdir(dir, 0700), 0);
    ck_assert_int_eq(chmod(dir, 02770), 0);
    char *path = xasprintf("%s/history.db", dir);
    struct store *s = fx_open(path, NULL);
    char err[ERRLEN];
    put_ctx_run(s, "east", "a-20260301a", "u-a", 1000000, "x\n");
    struct stat sb;
    const char *sufs[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        char *p = xasprintf("%s%s", path, sufs[i]);
        ck_assert_msg(stat(p, &sb) == 0, "%s", p);
        ck_assert_msg((sb.st_mode & 0777) == 0660, "%s mode %o", p, sb.st_mode & 0777);
        free(p);
    }
    store_close(s);
    /* loosened by hand: others lose access again, the group keeps it */
    ck_assert_int_eq(chmod(path, 0666), 0);
    s = fx_open(path, NULL);
    ck_assert_int_eq(stat(path, &sb), 0);
    ck_assert_int_eq(sb.st_mode & 0777, 0660);
    store_close(s);
    /* an ordinary directory keeps files private */
    char *dir2 = xasprintf("%s/mine", fx_tmpdir());
    ck_assert_int_eq(mkdir(dir2, 0770), 0);
    char *path2 = xasprintf("%s/history.db", dir2);
    s = fx_open(path2, NULL);
    ck_assert_int_eq(store_add_note(s, 1, "n", NULL, NULL, 1, NULL, err, sizeof err), 0);
    ck_assert_int_eq(stat(path2, &sb), 0);
    ck_assert_int_eq(sb.st_mode & 0777, 0600);
    store_close(s);
    free(dir);
    free(path);
    free(dir2);
    free(path2);
    fx_rm_rf();
}
END_TEST

int main(void)
{
    Suite *su = suite_create("store_recorder");
    TCase *tc = tcase_create("recorder");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, heartbeat_claims_refuses_and_takes_over);
    tcase_add_test(tc, status_counts_per_context);
    tcase_add_test(tc, export_selects_and_never_overwrites);
    tcase_add_test(tc, shared_group_directory_gives_group_files);
    suite_add_tcase(su, tc);
    SRunner *sr = srunner_create(su);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
