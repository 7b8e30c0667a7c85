/* Unit tests for src/store: permissions, runs and their changes (observed
 * and reconstructed), deleted-not-dropped, pods, log caps, gc, notes,
 * reruns, PR links and sharing one file between two handles. */
#include "store_fixture.h"
#include "model/runbaseline.h"
#include <sys/stat.h>

START_TEST(open_creates_private_dir_and_files)
{
    char *path = fx_db_path();
    struct store *s = fx_open(path, NULL);
    struct agentrun r;
    fx_run(&r, "a-run", "uid-1", "Running", 1000, 2000, TIME_NONE);
    char err[ERRLEN];
    ck_assert_int_eq(store_put_run(s, &r, 3000, NULL, err, sizeof err), 0);
    agentrun_free(&r);
    struct stat sb;
    char *dir = xasprintf("%s/cache/artriage", fx_dir);
    ck_assert_int_eq(stat(dir, &sb), 0);
    ck_assert_int_eq(sb.st_mode & 0777, 0700);
    ck_assert_int_eq(stat(path, &sb), 0);
    ck_assert_int_eq(sb.st_mode & 0777, 0600);
    const char *sufs[] = {"-wal", "-shm"};
    for (int i = 0; i < 2; i++) {
        char *p = xasprintf("%s%s", path, sufs[i]);
        ck_assert_msg(stat(p, &sb) == 0, "%s missing (WAL mode expected)", p);
        ck_assert_int_eq(sb.st_mode & 0777, 0600);
        free(p);
    }
    ck_assert_int_eq(fx_sql_int(s, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
    store_close(s);
    free(dir);
    free(path);
    fx_rm_rf();
}
END_TEST

START_TEST(default_path_follows_xdg)
{
    char out[512], err[ERRLEN];
    setenv("XDG_CACHE_HOME", "/x/cache", 1);
    ck_assert_int_eq(store_default_path(out, sizeof out, err, sizeof err), 0);
    ck_assert_str_eq(out, "/x/cache/artriage/history.db");
    unsetenv("XDG_CACHE_HOME");
    setenv("HOME", "/home/u", 1);
    ck_assert_int_eq(store_default_path(out, sizeof out, err, sizeof err), 0);
    ck_assert_str_eq(out, "/home/u/.cache/artriage/history.db");
}
END_TEST

START_TEST(open_fails_with_one_clear_sentence)
{
    char err[ERRLEN] = "";
    struct store *s = store_open("/proc/no/such/dir/history.db", NULL, err, sizeof err);
    ck_assert_ptr_null(s);
    ck_assert_msg(strstr(err, "/proc/no/such") != NULL, "error names the path: %s", err);
}
END_TEST

/* A run watched from creation to failure: every step is an observed change. */
START_TEST(observed_changes_are_recorded_once)
{
    char *path = fx_db_path();
    struct store *s = fx_open(path, NULL);
    char err[ERRLEN];
    struct agentrun r;
    fx_run(&r, "lane-20260225b", "uid-b", NULL, 1000, TIME_NONE, TIME_NONE);
    int64_t id = 0;
    ck_assert_int_eq(store_put_run(s, &r, 1100, &id, err, sizeof err), 0);
    ck_assert_int_gt(id, 0);
    /* the same observation again adds nothing */
    ck_assert_int_eq(store_put_run(s, &r, 1200, NULL, err, sizeof err), 0);
    fx_set_phase(&r, "Running", 1500);
    ck_assert_int_eq(store_put_run(s, &r, 1600, NULL, err, sizeof err), 0);
    ck_assert_int_eq(store_put_run(s, &r, 1700, NULL, err, sizeof err), 0);
    fx_set_phase(&r, "Failed", 9000);
    r.conditions = xcalloc(1, sizeof *r.conditions);
    r.nconditions = 1;
    r.conditions[0] = (struct condition){xstrdup("Failed"), xstrdup("True"), xstrdup("RunnerFailed"),
                                         xstrdup("boom"), 9000};
    ck_assert_int_eq(store_put_run(s, &r, 9100, NULL, err, sizeof err), 0);
    ck_assert_int_eq(store_put_run(s, &r, 9200, NULL, err, sizeof err), 0);

    struct store_change_list cl;
    ck_assert_int_eq(store_run_changes(s, id, &cl, err, sizeof err), 0);
    ck_assert_uint_eq(cl.n, 5);
    ck_assert_str_eq(cl.items[0].kind, "created");
    ck_assert_int_eq(cl.items[0].time, 1000);
    ck_assert(!cl.items[0].reconstructed);
    ck_assert_str_eq(cl.items[1].kind, "started");
    ck_assert_int_eq(cl.items[1].time, 1500);
    ck_assert_str_eq(cl.items[2].kind, "phase");
    ck_assert_str_eq(cl.items[2].phase, "Running");
    ck_assert_str_eq(cl.items[3].kind, "condition");
    ck_assert_str_eq(cl.items[3].cond_type, "Failed");
    ck_assert_str_eq(cl.items[4].kind, "phase");
    ck_assert_str_eq(cl.items[4].phase, "Failed");
    ck_assert_int_eq(cl.items[4].time, 9000);
    for (size_t i = 0; i < cl.n; i++) ck_assert(!cl.items[i].reconstructed);
    store_change_list_free(&cl);

    struct store_run sr;
    ck_assert_int_eq(store_get_run(s, "test", "agents", "lane-20260225b", &sr, err, sizeof err), 1);
    ck_assert_str_eq(sr.phase, "Failed");
    ck_assert_str_eq(sr.lane, "lane-20260225");
    ck_assert_str_eq(sr.attempt, "b");
    ck_assert_int_eq(sr.last_seen, 9200);
    ck_assert_int_eq(sr.first_seen, 1100);
    ck_assert(!sr.deleted);
    store_run_free(&sr);
    agentrun_free(&r);
    store_close(s);
    free(path);
    fx_rm_rf();
}
END_TEST

/* A run first seen finished: its story comes from the status times. */
START_TEST(first_seen_finished_is_reconstructed)
{
    char *path = fx_db_path();
    struct store *s = fx_open(path, NULL);
    char err[ERRLEN];
    cJSON *list = fx_example("agentrunlist.json");
    struct agentrun r;
    fx_example_run(list, "20260225d", "demo", &r);
    int64_t id;
    int64_t now = fx_t("2026-02-26T00:00:00Z");
    ck_assert_int_eq(store_put_run(s, &r, now, &id, err, sizeof err), 0);
    struct store_change_list cl;
    ck_assert_int_eq(store_run_changes(s, id, &cl, err, sizeof err), 0);
    ck_assert_uint_ge(cl.n, 4);
    ck_assert_str_eq(cl.items[0].kind, "created");
    ck_assert_int_eq(cl.items[0].time, fx_t("2026-02-25T09:14:05Z"));
    ck_assert_str_eq(cl.items[1].kind, "started");
    ck_assert_int_eq(cl.items[1].time, fx_t("2026-02-25T09:14:06.412Z"));
    const struct store_change *last = &cl.items[cl.n - 1];
    ck_assert_str_eq(last->kind, "phase");
    ck_assert_str_eq(last->phase, "Failed");
    ck_assert_int_eq(last->time, fx_t("2026-02-25T09:14:31.557Z"));
    for (size_t i = 0; i < cl.n; i++) {
        ck_assert_msg(cl.items[i].reconstructed, "change %zu (%s) not flagged reconstructed", i,
                      cl.items[i].kind);
        ck_assert_int_eq(cl.items[i].observed, now);
        /* the derived and never-cleared conditions are noise */
        if (cl.items[i].cond_type) {
            ck_assert_str_ne(cl.items[i].cond_type, "Degraded");
            ck_assert_str_ne(cl.items[i].cond_type, "InProgress");
        }
    }
    store_change_list_free(&cl);
    /* the object survives for offline show */
    struct agentrun back;
    ck_assert_int_eq(store_get_agentrun(s, id, &back, err, sizeof err), 1);
    ck_assert_str_eq(back.name, r.name);
    ck_assert_str_eq(back.message, r.message);
    ck_assert_str_eq(back.context, "demo");
    ck_assert_str_eq(back.lane, "torghut-v5-doc12-dspy-adoption-run-20260225");
    agentrun_free(&back);
    agentrun_free(&r);
    cJSON_Delete(list);
    store_close(s);
    free(path);
    fx_rm_rf();
}
END_TEST

/* One conversion of a cached row to the model, for the console, the CLI
 * and store_get_agentrun alike: the raw object, then the cache's context,
 * its provenance lane over the name-derived one, and the deletion time. */
START_TEST(cached_row_to_agentrun)
{
    char *path = fx_db_path();
    struct store *s = fx_open(path, NULL);
    char err[ERRLEN];
    cJSON *list = fx_example("agentrunlist.json");
    struct agentrun r;
    fx_example_run(list, "20260225e", "demo", &r);
    char *name_lane = xstrdup(r.lane);
    free(r.lane);
    free(r.attempt);
    r.lane = xstrdup("resolved-by-provenance");
    r.attempt = xstrdup("c");
    ck_assert_int_eq(store_put_run(s, &r, 5000, NULL, err, sizeof err), 0);
    ck_assert_int_eq(store_mark_run_deleted(s, "demo", r.uid, 7000, err, sizeof err), 0);
    struct agentrun plain;
    fx_run(&plain, "no-raw-run", "uid-plain", "Failed", 1000, 2000, 3000);
    cJSON_Delete(plain.raw);
    plain.raw = NULL;
    ck_assert_int_eq(store_put_run(s, &plain, 5000, NULL, err, sizeof err), 0);

    struct store_query q;
    store_query_init(&q);
    struct store_run_list l;
    ck_assert_int_eq(store_list_runs(s, &q, &l, err, sizeof err), 0);
    ck_assert_uint_eq(l.n, 2);
    int seen = 0;
    for (size_t i = 0; i < l.n; i++) {
        struct agentrun a;
        ck_assert(store_run_take_agentrun(&l.items[i], &a));
        if (!strcmp(a.name, r.name)) {
            seen++;
            ck_assert_str_eq(a.context, "demo");
            ck_assert_str_eq(a.lane, "resolved-by-provenance");
            ck_assert_str_ne(a.lane, name_lane);
            ck_assert_str_eq(a.attempt, "c");
            ck_assert_int_eq(a.deleted_at, 7000);
            ck_assert_int_gt(a.nconditions, 0); /* from the raw object */
        } else {
            seen++;
            ck_assert_str_eq(a.name, "no-raw-run");
            ck_assert_str_eq(a.context, "test");
            ck_assert_str_eq(a.phase, "Failed");
            ck_assert_int_eq(a.finished, 3000);
            ck_assert_int_eq(a.deleted_at, TIME_NONE);
        }
        agentrun_free(&a);
    }
    ck_assert_int_eq(seen, 2);
    store_run_list_free(&l);
    free(name_lane);
    agentrun_free(&r);
    agentrun_free(&plain);
    cJSON_Delete(list);
    store_close(s);
    free(path);
    fx_rm_rf();
}
END_TEST

START_TEST(deleted_runs_are_marked_never_dropped)
{
    char *path = fx_db_path();
    struct store *s = fx_open(path, NULL);
    char err[ERRLEN];
    cJSON *list = fx_example("agentrunlist.json");
    const char *sufs[] = {"20260225b", "20260225d", "20260225e", "20260225g"};
    const char *uids[4];
    struct agentrun runs[4];
    for (int i = 0; i < 4; i++) {
        fx_example_run(list, sufs[i], "demo", &runs[i]);
        ck_assert_int_eq(store_put_run(s, &runs[i], 5000, NULL, err, sizeof err), 0);
        uids[i] = runs[i].uid;
    }
    /* the next full list no longer has b and d */
    size_t marked = 99;
    ck_assert_int_eq(store_sweep_deleted(s, "demo", "agents", uids + 2, 2, 6000, &marked, err,
                                         sizeof err), 0);
    ck_assert_uint_eq(marked, 2);
    /* a sweep of another context or namespace touches nothing */
    ck_assert_int_eq(store_sweep_deleted(s, "other", "agents", NULL, 0, 6000, &marked, err,
                                         sizeof err), 0);
    ck_assert_uint_eq(marked, 0);
    ck_assert_int_eq(store_sweep_deleted(s, "demo", "elsewhere", NULL, 0, 6000, &marked, err,
                                         sizeof err), 0);
    ck_assert_uint_eq(marked, 0);
    /* sweeping again does not add a second deleted change */
    ck_assert_int_eq(store_sweep_deleted(s, "demo", "agents", uids + 2, 2, 7000, &marked, err,
                                         sizeof err), 0);
    ck_assert_uint_eq(marked, 0);

    struct store_query q;
    store_query_init(&q);
    struct store_run_list l;
    ck_assert_int_eq(store_list_runs(s, &q, &l, err, sizeof err), 0);
    ck_assert_uint_eq(l.n, 4);
    /* newest first */
    ck_assert(strstr(l.items[0].name, "20260225g"));
    ck_assert(strstr(l.items[3].name, "20260225b"));
    ck_assert(l.items[3].deleted);
    ck_assert_int_eq(l.items[3].deleted_at, 6000);
    ck_assert(!l.items[0].deleted);
    store_run_list_free(&l);
    q.include_deleted = false;
    ck_assert_int_eq(store_list_runs(s, &q, &l, err, sizeof err), 0);
    ck_assert_uint_eq(l.n, 2);
    store_run_list_free(&l);
    ck_assert_int_eq(fx_sql_int(s, "SELECT count(*) FROM changes WHERE kind = 'deleted'"), 2);

    /* the lane, oldest attempt first, deleted ones included */
    store_query_init(&q);
    q.lane = "torghut-v5-doc12-dspy-adoption-run-20260225";
    q.context = "demo";
    ck_assert_int_eq(store_list_runs(s, &q, &l, err, sizeof err), 0);
    ck_assert_uint_eq(l.n, 4);
    ck_assert_str_eq(l.items[0].attempt, "b");
    ck_assert_str_eq(l.items[3].attempt, "g");
    store_run_list_free(&l);

    /* single delete by uid (a watch DELETED event) */
    ck_assert_int_eq(store_mark_run_deleted(s, "demo", uids[3], 8000, err, sizeof err), 0);
    struct store_run sr;
    ck_assert_int_eq(store_get_run(s, NULL, "agents", runs[3].name, &sr, err, sizeof err), 1);
    ck_assert(sr.deleted);
    store_run_free(&sr);
    for (int i = 0; i < 4; i++) agentrun_free(&runs[i]);
    cJSON_Delete(list);
    store_close(s);
    free(path);
    fx_rm_rf();
}
END_TEST

START_TEST(rerun_provenance_joins_the_lane)
{
    char *path = fx_db_path();
    struct store *s = fx_open(path, NULL);
    char err[ERRLEN];
    struct agentrun a, b;
    fx_run(&a, "nightly-eval", "u-a", "Failed", 1000, 1100, 1200);
    ck_assert_int_eq(store_put_run(s, &a, 2000, NULL, err, sizeof err), 0);
    fx_run(&b, "something-else-entirely", "u-b", NULL, 3000, TIME_NONE, TIME_NONE);
    b.rerun_of = xstrdup("agents/nightly-eval");
    ck_assert_int_eq(store_put_run(s, &b, 3100, NULL, err, sizeof err), 0);
    struct store_run sr;
    ck_assert_int_eq(store_get_run(s, "test", "agents", "something-else-entirely", &sr, err,
                                   sizeof err), 1);
    ck_assert_str_eq(sr.lane, "nightly-eval");
    store_run_free(&sr);
    agentrun_free(&a);
    agentrun_free(&b);
    store_close(s);
    free(path);
    fx_rm_rf();
}
END_TEST

static void fx_pod(struct pod *p, const char *name, const char *uid, const char *run,
                   int64_t created)
{
    fx_pod_img(p, name, uid, run, created, "registry.example/lab/codex-runner:f12b6082",
               "sha256:abc");
}

START_TEST(pods_link_to_runs_either_order)
{
    char *path = fx_db_path();
    struct store *s = fx_open(path, NULL);
    char err[ERRLEN];
    struct pod p;
    /* the pod arrives before its run (watch order is not guaranteed) */
    fx_pod(&p, "r1-job-abcde", "pod-1", "r1", 1500);
    ck_assert_int_eq(store_put_pod(s, "test", &p, 1600, err, sizeof err), 0);
    struct agentrun r;
    fx_run(&r, "r1", "uid-r1", "Running", 1000, 1200, TIME_NONE);
    int64_t id;
    ck_assert_int_eq(store_put_run(s, &r, 1700, &id, err, sizeof err), 0);
    struct store_pod_list pl;
    ck_assert_int_eq(store_run_pods(s, id, &pl, err, sizeof err), 0);
    ck_assert_uint_eq(pl.n, 1);
    ck_assert_str_eq(pl.items[0].name, "r1-job-abcde");
    ck_assert_uint_eq(pl.items[0].ncontainers, 1);
    ck_assert_str_eq(pl.items[0].containers[0].digest, "sha256:abc");
    ck_assert_int_eq(pl.items[0].containers[0].exit_code, 1);
    ck_assert_str_eq(pl.items[0].containers[0].reason, "Error");
    store_pod_list_free(&pl);
    /* updated state of the same pod replaces the container row */
    p.containers[0].restarts = 2;
    ck_assert_int_eq(store_put_pod(s, "test", &p, 1800, err, sizeof err), 0);
    ck_assert_int_eq(fx_sql_int(s, "SELECT count(*) FROM containers"), 1);
    ck_assert_int_eq(fx_sql_int(s, "SELECT restarts FROM containers"), 2);
    struct store_run sr;
    ck_assert_int_eq(store_get_run_by_id(s, id, &sr, err, sizeof err), 1);
    ck_assert_int_eq(sr.npods, 1);
    store_run_free(&sr);
    /* the pod goes away (Job TTL): kept, marked */
    const char *none[1] = {NULL};
    size_t marked;
    ck_assert_int_eq(store_sweep_pods(s, "test", "agents", none, 0, 9000, &marked, err, sizeof err), 0);
    ck_assert_uint_eq(marked, 1);
    ck_assert_int_eq(store_run_pods(s, id, &pl, err, sizeof err), 0);
    ck_assert(pl.items[0].deleted);
    store_pod_list_free(&pl);
    pod_free(&p);
    agentrun_free(&r);
    store_close(s);
    free(path);
    fx_rm_rf();
}
END_TEST

static char *make_log(size_t lines, size_t *len)
{
    struct buf b = {0};
    for (size_t i = 1; i <= lines; i++) buf_printf(&b, "line %06zu of the runner output\n", i);
    *len = b.len;
    return buf_detach(&b);
}

/* A failed attempt's baseline from the cache: the lane's passing attempt
 * when its log is cached, also once the server deleted it; none without
 * a cached log. */
START_TEST(baseline_is_a_cached_passing_attempt)
{
    char *path = fx_db_path();
    struct store *s = fx_open(path, NULL);
    char err[ERRLEN];
    cJSON *list = fx_example("agentrunlist.json");
    const char *sufs[] = {"20260225b", "20260225e", "20260225g"};
    struct agentrun runs[3];
    for (int i = 0; i < 3; i++) {
        fx_example_run(list, sufs[i], "demo", &runs[i]);
        ck_assert_int_eq(store_put_run(s, &runs[i], 5000, NULL, err, sizeof err), 0);
    }
    ck_assert_str_eq(runs[2].phase, "Succeeded");
    const struct agentrun *e = &runs[1];
    struct run_baseline_cand me = {e->context, e->ns, e->name, e->lane, e->agent, e->repository, e->phase, e->created};
    int64_t id = 0;
    char *name = NULL;
    /* g's log is not cached yet */
    ck_assert_int_eq(store_pick_baseline(s, &me, NULL, &id, &name, err, sizeof err), 0);
    struct pod p;
    fx_pod(&p, "g-job-x5hzm", "pod-g", runs[2].name, 6000);
    ck_assert_int_eq(store_put_pod(s, "demo", &p, 6000, err, sizeof err), 0);
    pod_free(&p);
    ck_assert_int_eq(store_put_log(s, "demo", "pod-g", "agent-runner", false, "ok\n", 3, 6000, err, sizeof err),
                     0);
    ck_assert_int_eq(store_pick_baseline(s, &me, NULL, &id, &name, err, sizeof err), 1);
    ck_assert_str_eq(name, runs[2].name);
    free(name);
    name = NULL;
    struct store_run sr;
    ck_assert_int_eq(store_get_run(s, "demo", "agents", runs[2].name, &sr, err, sizeof err), 1);
    ck_assert_int_eq(id, sr.id);
    ck_assert(store_run_has_log(s, sr.id));
    store_run_free(&sr);
    /* the server deletes g: the cache still has it and its log */
    ck_assert_int_eq(store_mark_run_deleted(s, "demo", runs[2].uid, 8000, err, sizeof err), 0);
    ck_assert_int_eq(store_pick_baseline(s, &me, NULL, &id, &name, err, sizeof err), 1);
    ck_assert_str_eq(name, runs[2].name);
    free(name);
    /* another context's runs are not candidates */
    me.context = "other";
    ck_assert_int_eq(store_pick_baseline(s, &me, NULL, &id, NULL, err, sizeof err), 0);
    for (int i = 0; i < 3; i++) agentrun_free(&runs[i]);
    cJSON_Delete(list);
    store_close(s);
    free(path);
    fx_rm_rf();
}
END_TEST

/* A cache of many succeeded runs of one agent without a log (their pods
 * were gone before anyone looked) and one with: the baseline is found by
 * walking from the newest, and a same-lane run with a log beats a newer
 * run of the same agent and repository; another context's never counts. */
static void put_passing(struct store *s, const char *ctx, const char *name, const char *uid,
                        int64_t created, bool with_log)
{
    char err[ERRLEN];
    struct agentrun r;
    fx_run(&r, name, uid, "Succeeded", created, created + 10, created + 20);
    free(r.context);
    r.context = xstrdup(ctx);
    r.agent = xstrdup("codex-agent");
    r.repository = xstrdup("proompteng/lab");
    ck_assert_int_eq(store_put_run(s, &r, created + 30, NULL, err, sizeof err), 0);
    if (with_log) {
        struct pod p;
        char *pod = xasprintf("%s-pod", name), *puid = xasprintf("p-%s", uid);
        fx_pod(&p, pod, puid, name, created);
        ck_assert_int_eq(store_put_pod(s, ctx, &p, created + 30, err, sizeof err), 0);
        ck_assert_int_eq(store_put_log(s, ctx, puid, "agent-runner", false, "ok\n", 3, created + 30, err,
                                       sizeof err), 0);
        pod_free(&p);
        free(pod);
        free(puid);
    }
    agentrun_free(&r);
}

/* The page cache is the caller's choice (the recorder keeps a small one so
 * that its memory stays flat as the cache file grows). */
START_TEST(page_cache_size_is_an_option)
{
    char *path = fx_db_path();
    struct store *s = fx_open(path, NULL);
    ck_assert_int_eq(fx_sql_int(s, "PRAGMA cache_size"), -32768);
    store_close(s);
    struct store_opts o;
    store_opts_default(&o);
    o.cache_kib = 4096;
    s = fx_open(path, &o);
    ck_assert_int_eq(fx_sql_int(s, "PRAGMA cache_size"), -4096);
    store_close(s);
    free(path);
    fx_rm_rf();
}
END_TEST

START_TEST(baseline_walks_past_logless_runs)
{
    char *path = fx_db_path();
    struct store *s = fx_open(path, NULL);
    char err[ERRLEN];
    ck_assert_int_eq(store_begin(s, err, sizeof err), 0);
    put_passing(s, "test", "old-20260301a", "u-old", 1000, true);
    for (int i = 0; i < 300; i++) {
        char name[64], uid[32];
        snprintf(name, sizeof name, "x%03d-20260301a", i);
        snprintf(uid, sizeof uid, "u-x%d", i);
        put_passing(s, "test", name, uid, 2000 + i, false);
    }
    put_passing(s, "other", "newest-20260301a", "u-other", 9000, true);
    ck_assert_int_eq(store_commit(s, err, sizeof err), 0);
    struct run_baseline_cand me = {"test", "agents", "y-20260301b", "y-20260301", "codex-agent",
                                   "proompteng/lab", "Failed", 5000};
    int64_t id = 0;
    char *name = NULL;
    ck_assert_int_eq(store_pick_baseline(s, &me, NULL, &id, &name, err, sizeof err), 1);
    ck_assert_str_eq(name, "old-20260301a");
    free(name);
    name = NULL;
    /* an attempt of the lane with a log wins, however old */
    put_passing(s, "test", "y-20260301a", "u-ya", 500, true);
    ck_assert_int_eq(store_pick_baseline(s, &me, NULL, &id, &name, err, sizeof err), 1);
    ck_assert_str_eq(name, "y-20260301a");
    free(name);
    name = NULL;
    /* no agent or repository, no lane sibling: none */
    struct run_baseline_cand lone = {"test", "agents", "z-20260301a", "z-20260301", NULL, NULL, "Failed", 5000};
    ck_assert_int_eq(store_pick_baseline(s, &lone, NULL, &id, &name, err, sizeof err), 0);
    ck_assert_ptr_null(name);
    store_close(s);
    free(path);
    fx_rm_rf();
}
END_TEST

/* store_put_run_what says what changed, so a writer of verdicts classifies
 * again only then. */
START_TEST(put_run_says_what_changed)
{
    char *path = fx_db_path();
    struct store *s = fx_open(path, NULL);
    char err[ERRLEN];
    struct agentrun r;
    fx_run(&r, "w-20260301a", "u-w", "Running", 1000, 1100, TIME_NONE);
    r.resource_version = xstrdup("1");
    unsigned what = 99;
    ck_assert_int_eq(store_put_run_what(s, &r, 2000, NULL, &what, err, sizeof err), 0);
    ck_assert_uint_eq(what, STORE_RUN_NEW);
    ck_assert_int_eq(store_put_run_what(s, &r, 2100, NULL, &what, err, sizeof err), 0);
    ck_assert_uint_eq(what, 0);
    fx_set_phase(&r, "Failed", 3000);
    free(r.resource_version);
    r.resource_version = xstrdup("2");
    ck_assert_int_eq(store_put_run_what(s, &r, 3100, NULL, &what, err, sizeof err), 0);
    ck_assert_uint_eq(what, STORE_RUN_REWRITTEN | STORE_RUN_PHASE);
    free(r.message);
    r.message = xstrdup("runner exited 1");
    free(r.resource_version);
    r.resource_version = xstrdup("3");
    ck_assert_int_eq(store_put_run_what(s, &r, 3200, NULL, &what, err, sizeof err), 0);
    ck_assert_uint_eq(what, STORE_RUN_REWRITTEN);
    agentrun_free(&r);
    store_close(s);
    free(path);
    fx_rm_rf();
}
END_TEST

START_TEST(logs_round_trip_and_respect_caps)
{
    char *path = fx_db_path();
    struct store_opts o;
    store_opts_default(&o);
    o.log_cap_run = 64 * 1024;
    o.log_cap_total = 1 << 30;
    struct store *s = fx_open(path, &o);
    char err[ERRLEN];
    struct agentrun r;
    fx_run(&r, "r1", "uid-r1", "Failed", 1000, 1200, 5000);
    int64_t id;
    ck_assert_int_eq(store_put_run(s, &r, 6000, &id, err, sizeof err), 0);
    struct pod p;
    fx_pod(&p, "r1-job-abcde", "pod-1", "r1", 1100);
    ck_assert_int_eq(store_put_pod(s, "test", &p, 6000, err, sizeof err), 0);

    size_t len;
    char *small = make_log(100, &len);
    ck_assert_int_eq(store_put_log(s, "test", "pod-1", "agent-runner", false, small, len, 6000, err,
                                   sizeof err), 0);
    ck_assert(store_has_log(s, "test", "pod-1", "agent-runner", false));
    ck_assert(!store_has_log(s, "test", "pod-1", "agent-runner", true));
    struct store_log lg;
    ck_assert_int_eq(store_get_log(s, id, NULL, NULL, false, &lg, err, sizeof err), 1);
    ck_assert_uint_eq(lg.len, len);
    ck_assert_mem_eq(lg.data, small, len);
    ck_assert_int_eq(lg.skipped_lines, 0);
    ck_assert_str_eq(lg.pod, "r1-job-abcde");
    store_log_free(&lg);
    free(small);

    /* 20000 lines (~700 KB) > 64 KiB: the tail is kept, line numbers known */
    char *big = make_log(20000, &len);
    ck_assert_int_eq(store_put_log(s, "test", "pod-1", "agent-runner", false, big, len, 7000, err,
                                   sizeof err), 0);
    ck_assert_int_eq(store_get_log(s, id, "r1-job-abcde", "agent-runner", false, &lg, err,
                                   sizeof err), 1);
    ck_assert_uint_le(lg.len, 64 * 1024);
    ck_assert_uint_gt(lg.len, 60 * 1024);
    ck_assert_int_eq(lg.full_size, (int64_t)len);
    ck_assert(strstr(lg.data, "line 020000 of") != NULL);
    /* the first kept line is line skipped+1 */
    char want[64];
    snprintf(want, sizeof want, "line %06lld of", (long long)lg.skipped_lines + 1);
    ck_assert_msg(strncmp(lg.data, want, strlen(want)) == 0, "kept part starts '%.20s', want '%s'",
                  lg.data, want);
    store_log_free(&lg);
    /* replaced, not added */
    ck_assert_int_eq(fx_sql_int(s, "SELECT count(*) FROM logs"), 1);
    /* compressed */
    ck_assert_int_lt(store_log_bytes(s), 64 * 1024 / 2);
    free(big);
    ck_assert_int_eq(store_get_log(s, id, NULL, "no-such", false, &lg, err, sizeof err), 0);
    /* a log of an unknown pod is refused with a sentence */
    ck_assert_int_eq(store_put_log(s, "test", "pod-404", "agent-runner", false, "x", 1, 1, err,
                                   sizeof err), -1);
    ck_assert(strstr(err, "pod-404") != NULL);
    pod_free(&p);
    agentrun_free(&r);
    store_close(s);
    free(path);
    fx_rm_rf();
}
END_TEST

/* Random bytes do not compress: easy to exceed a small total cap. */
static char *noise(size_t n, unsigned seed)
{
    char *p = xmalloc(n);
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        p[i] = (char)((seed >> 16) & 0xff);
        if (p[i] == '\n') p[i] = 'x';
    }
    return p;
}

START_TEST(total_log_cap_drops_oldest)
{
    char *path = fx_db_path();
    struct store_opts o;
    store_opts_default(&o);
    o.log_cap_run = 1 << 20;
    o.log_cap_total = 200 * 1024;
    struct store *s = fx_open(path, &o);
    char err[ERRLEN];
    for (int i = 0; i < 5; i++) {
        char name[32], uid[32], pname[32], puid[32];
        snprintf(name, sizeof name, "run-%d", i);
        snprintf(uid, sizeof uid, "uid-%d", i);
        snprintf(pname, sizeof pname, "run-%d-job-x", i);
        snprintf(puid, sizeof puid, "pod-%d", i);
        struct agentrun r;
        fx_run(&r, name, uid, "Failed", 1000 * i, 1000 * i + 1, 1000 * i + 2);
        ck_assert_int_eq(store_put_run(s, &r, 10000 + i, NULL, err, sizeof err), 0);
        struct pod p;
        fx_pod(&p, pname, puid, name, 1000 * i);
        ck_assert_int_eq(store_put_pod(s, "test", &p, 10000 + i, err, sizeof err), 0);
        char *data = noise(80 * 1024, (unsigned)i + 1);
        ck_assert_int_eq(store_put_log(s, "test", puid, "agent-runner", false, data, 80 * 1024,
                                       10000 + i, err, sizeof err), 0);
        free(data);
        pod_free(&p);
        agentrun_free(&r);
        ck_assert_int_le(store_log_bytes(s), 200 * 1024);
    }
    /* the newest two remain */
    ck_assert_int_eq(fx_sql_int(s, "SELECT count(*) FROM logs"), 2);
    ck_assert_int_eq(fx_sql_int(s, "SELECT min(fetched) FROM logs"), 10003);
    store_close(s);
    free(path);
    fx_rm_rf();
}
END_TEST

START_TEST(env_configures_caps)
{
    setenv("ARTRIAGE_LOG_CAP_RUN", "2M", 1);
    setenv("ARTRIAGE_LOG_CAP_TOTAL", "1G", 1);
    struct store_opts o;
    store_opts_default(&o);
    ck_assert_int_eq(o.log_cap_run, 2LL << 20);
    ck_assert_int_eq(o.log_cap_total, 1LL << 30);
    setenv("ARTRIAGE_LOG_CAP_RUN", "lots", 1);
    store_opts_default(&o);
    ck_assert_int_eq(o.log_cap_run, 8LL << 20);
    unsetenv("ARTRIAGE_LOG_CAP_RUN");
    unsetenv("ARTRIAGE_LOG_CAP_TOTAL");
}
END_TEST

START_TEST(sizes_and_odd_paths)
{
    int64_t v;
    ck_assert_int_eq(store_parse_size("512K", &v), 0);
    ck_assert_int_eq(v, 512 * 1024);
    ck_assert_int_eq(store_parse_size("1GiB", &v), 0);
    ck_assert_int_eq(v, 1LL << 30);
    ck_assert_int_eq(store_parse_size("42", &v), 0);
    ck_assert_int_eq(v, 42);
    ck_assert_int_eq(store_parse_size("-1M", &v), -1);
    ck_assert_int_eq(store_parse_size("3X", &v), -1);
    ck_assert_int_eq(store_parse_size("99999999999999999999G", &v), -1);
    char err[ERRLEN] = "";
    ck_assert_ptr_null(store_open(fx_tmpdir(), NULL, err, sizeof err));
    ck_assert_msg(strstr(err, "not a regular file") != NULL, "%s", err);
    fx_rm_rf();
}
END_TEST

START_TEST(gc_prunes_old_and_keeps_recent)
{
    char *path = fx_db_path();
    struct store *s = fx_open(path, NULL);
    char err[ERRLEN];
    int64_t day = 86400000;
    int64_t now = 200 * day;
    struct agentrun old_deleted, old_live, recent;
    fx_run(&old_deleted, "old", "u-old", "Failed", 1 * day, 1 * day, 2 * day);
    ck_assert_int_eq(store_put_run(s, &old_deleted, 3 * day, NULL, err, sizeof err), 0);
    ck_assert_int_eq(store_mark_run_deleted(s, "test", "u-old", 9 * day, err, sizeof err), 0);
    fx_run(&old_live, "retained", "u-ret", "Succeeded", 1 * day, 1 * day, 2 * day);
    ck_assert_int_eq(store_put_run(s, &old_live, now - day, NULL, err, sizeof err), 0);
    fx_run(&recent, "recent", "u-new", "Failed", now - 2 * day, now - 2 * day, now - day);
    ck_assert_int_eq(store_put_run(s, &recent, now, NULL, err, sizeof err), 0);
    struct pod p;
    fx_pod(&p, "old-job-x", "pod-old", "old", 1 * day);
    ck_assert_int_eq(store_put_pod(s, "test", &p, 3 * day, err, sizeof err), 0);
    ck_assert_int_eq(store_put_log(s, "test", "pod-old", "agent-runner", false, "boom\n", 5,
                                   3 * day, err, sizeof err), 0);
    ck_assert_int_eq(store_add_note(s, 5 * day, "ancient note", NULL, NULL, 5 * day, NULL, err,
                                    sizeof err), 0);
    ck_assert_int_eq(store_add_note(s, now - day, "fresh note", NULL, NULL, now, NULL, err,
                                    sizeof err), 0);
    struct store_gc_stats st;
    ck_assert_int_eq(store_gc(s, now - 90 * day, &st, err, sizeof err), 0);
    ck_assert_int_eq(st.runs, 1);
    ck_assert_int_eq(st.pods, 1);
    ck_assert_int_eq(st.logs, 1);
    ck_assert_int_eq(st.notes, 1);
    ck_assert_int_eq(fx_sql_int(s, "SELECT count(*) FROM runs"), 2);
    ck_assert_int_eq(fx_sql_int(s, "SELECT count(*) FROM changes WHERE run_id NOT IN"
                                   " (SELECT id FROM runs)"), 0);
    ck_assert_int_eq(fx_sql_int(s, "SELECT count(*) FROM notes"), 1);
    ck_assert_int_eq(fx_sql_int(s, "SELECT count(*) FROM runs WHERE name = 'retained'"), 1);
    pod_free(&p);
    agentrun_free(&old_deleted);
    agentrun_free(&old_live);
    agentrun_free(&recent);
    store_close(s);
    free(path);
    fx_rm_rf();
}
END_TEST

/* An incident's runs are kept (one is still on the server): its note,
 * older than the cut-off, stays with them; a note around no kept run goes. */
START_TEST(gc_keeps_notes_around_kept_runs)
{
    char *path = fx_db_path();
    struct store *s = fx_open(path, NULL);
    char err[ERRLEN];
    int64_t day = 86400000;
    int64_t now = 200 * day;
    struct agentrun e, g;
    fx_run(&e, "inc-20260101e", "u-e", "Failed", 10 * day, 10 * day, 11 * day);
    ck_assert_int_eq(store_put_run(s, &e, now, NULL, err, sizeof err), 0);
    fx_run(&g, "inc-20260101g", "u-g", "Succeeded", 13 * day, 13 * day, 14 * day);
    ck_assert_int_eq(store_put_run(s, &g, now, NULL, err, sizeof err), 0);
    /* between e's failure and g's start: around the lane, not in one run */
    ck_assert_int_eq(store_add_note(s, 12 * day, "fix merged #3650", NULL, NULL, 12 * day, NULL, err,
                                    sizeof err), 0);
    ck_assert_int_eq(store_add_note(s, 30 * day, "unrelated", NULL, NULL, 30 * day, NULL, err,
                                    sizeof err), 0);
    struct store_gc_stats st;
    ck_assert_int_eq(store_gc(s, now - 90 * day, &st, err, sizeof err), 0);
    ck_assert_int_eq(st.runs, 0);
    ck_assert_int_eq(st.notes, 1);
    ck_assert_int_eq(fx_sql_int(s, "SELECT count(*) FROM notes WHERE text = 'fix merged #3650'"), 1);
    ck_assert_int_eq(fx_sql_int(s, "SELECT count(*) FROM notes WHERE text = 'unrelated'"), 0);
    agentrun_free(&e);
    agentrun_free(&g);
    store_close(s);
    free(path);
    fx_rm_rf();
}
END_TEST

START_TEST(notes_reruns_prs_and_classes)
{
    char *path = fx_db_path();
    struct store *s = fx_open(path, NULL);
    char err[ERRLEN];
    ck_assert_int_eq(store_add_note(s, 300, "third", NULL, NULL, 1, NULL, err, sizeof err), 0);
    ck_assert_int_eq(store_add_note(s, 100, "first", "demo", "agents", 1, NULL, err, sizeof err), 0);
    ck_assert_int_eq(store_add_note(s, 200, "second", NULL, NULL, 1, NULL, err, sizeof err), 0);
    ck_assert_int_eq(store_add_note(s, 200, "", NULL, NULL, 1, NULL, err, sizeof err), -1);
    struct store_note_list nl;
    ck_assert_int_eq(store_list_notes(s, 150, 300, &nl, err, sizeof err), 0);
    ck_assert_uint_eq(nl.n, 2);
    ck_assert_str_eq(nl.items[0].text, "second");
    ck_assert_str_eq(nl.items[1].text, "third");
    store_note_list_free(&nl);
    ck_assert_int_eq(store_list_notes(s, TIME_NONE, TIME_NONE, &nl, err, sizeof err), 0);
    ck_assert_uint_eq(nl.n, 3);
    ck_assert_str_eq(nl.items[0].ns, "agents");
    store_note_list_free(&nl);

    struct store_rerun rr = {.time = 500, .context = "demo", .ns = "agents",
                             .from_name = "x-20260225e", .from_uid = "u-e",
                             .new_name = "x-20260225f", .new_uid = "u-f", .head = "codex/x-f",
                             .result = "created", .actor = "me"};
    int64_t rid;
    ck_assert_int_eq(store_add_rerun(s, &rr, &rid, err, sizeof err), 0);
    rr.time = 600;
    rr.dry_run = true;
    rr.result = "dry-run";
    ck_assert_int_eq(store_add_rerun(s, &rr, NULL, err, sizeof err), 0);
    struct store_rerun_list rl;
    ck_assert_int_eq(store_list_reruns(s, "demo", "agents", TIME_NONE, 550, &rl, err, sizeof err), 0);
    ck_assert_uint_eq(rl.n, 1);
    ck_assert_str_eq(rl.items[0].new_name, "x-20260225f");
    ck_assert_str_eq(rl.items[0].result, "created");
    ck_assert_int_eq(rl.items[0].id, rid);
    store_rerun_list_free(&rl);

    struct agentrun r;
    fx_run(&r, "x-20260225g", "u-g", "Succeeded", 1000, 1100, 2000);
    int64_t id;
    ck_assert_int_eq(store_put_run(s, &r, 3000, &id, err, sizeof err), 0);
    const char *url = "https://github.com/proompteng/lab/pull/3653";
    ck_assert_int_eq(store_put_pr(s, id, url, 3653, "proompteng/lab", "log", 1900, 3000, err,
                                  sizeof err), 0);
    ck_assert_int_eq(store_put_pr(s, id, url, -1, NULL, "log", TIME_NONE, 3100, err, sizeof err), 0);
    struct store_pr_list pl;
    ck_assert_int_eq(store_run_prs(s, id, &pl, err, sizeof err), 0);
    ck_assert_uint_eq(pl.n, 1);
    ck_assert_int_eq(pl.items[0].number, 3653);
    ck_assert_int_eq(pl.items[0].time, 1900);
    ck_assert_str_eq(pl.items[0].repository, "proompteng/lab");
    store_pr_list_free(&pl);

    struct store_class c = {.cls = "vcs.worktree", .rule = "git-posix-spawn", .line = 57,
                            .text = "posix_spawn 'git'", .container = "agent-runner",
                            .log_time = 1800, .outcome = "failed", .version = "rules-1"};
    ck_assert_int_eq(store_put_classification(s, id, &c, 3000, err, sizeof err), 0);
    c.version = "rules-2";
    c.line = 58;
    ck_assert_int_eq(store_put_classification(s, id, &c, 3100, err, sizeof err), 0);
    struct store_class back;
    ck_assert_int_eq(store_get_classification(s, id, &back, err, sizeof err), 1);
    ck_assert_str_eq(back.cls, "vcs.worktree");
    ck_assert_int_eq(back.line, 58);
    ck_assert_str_eq(back.version, "rules-2");
    ck_assert_int_eq(back.log_time, 1800);
    store_class_free(&back);
    ck_assert_int_eq(store_get_classification(s, id + 1000, &back, err, sizeof err), 0);
    agentrun_free(&r);
    store_close(s);
    free(path);
    fx_rm_rf();
}
END_TEST

/* Two handles on one file (a console and a sync --watch). */
START_TEST(two_handles_share_the_file)
{
    char *path = fx_db_path();
    struct store *a = fx_open(path, NULL);
    struct store *b = fx_open(path, NULL);
    char err[ERRLEN];
    ck_assert_int_eq(store_begin(a, err, sizeof err), 0);
    struct agentrun r;
    fx_run(&r, "shared", "u-s", "Running", 1, 2, TIME_NONE);
    ck_assert_int_eq(store_put_run(a, &r, 3, NULL, err, sizeof err), 0);
    /* b reads the last committed state while a writes */
    struct store_run_list l;
    ck_assert_int_eq(store_list_runs(b, NULL, &l, err, sizeof err), 0);
    ck_assert_uint_eq(l.n, 0);
    ck_assert_int_eq(store_commit(a, err, sizeof err), 0);
    ck_assert_int_eq(store_list_runs(b, NULL, &l, err, sizeof err), 0);
    ck_assert_uint_eq(l.n, 1);
    store_run_list_free(&l);
    /* read-only opening works on a current file */
    struct store_opts o;
    store_opts_default(&o);
    o.read_only = true;
    struct store *c = fx_open(path, &o);
    ck_assert_int_eq(store_list_runs(c, NULL, &l, err, sizeof err), 0);
    ck_assert_uint_eq(l.n, 1);
    store_run_list_free(&l);
    store_close(c);
    agentrun_free(&r);
    store_close(a);
    store_close(b);
    free(path);
    fx_rm_rf();
}
END_TEST

START_TEST(rollback_discards_a_batch)
{
    char *path = fx_db_path();
    struct store *s = fx_open(path, NULL);
    char err[ERRLEN];
    ck_assert_int_eq(store_begin(s, err, sizeof err), 0);
    struct agentrun r;
    fx_run(&r, "gone", "u-g", "Running", 1, 2, TIME_NONE);
    ck_assert_int_eq(store_put_run(s, &r, 3, NULL, err, sizeof err), 0);
    store_rollback(s);
    ck_assert_int_eq(fx_sql_int(s, "SELECT count(*) FROM runs"), 0);
    ck_assert_int_eq(fx_sql_int(s, "SELECT count(*) FROM changes"), 0);
    agentrun_free(&r);
    store_close(s);
    free(path);
    fx_rm_rf();
}
END_TEST

START_TEST(bad_input_is_refused_not_crashed)
{
    char *path = fx_db_path();
    struct store *s = fx_open(path, NULL);
    char err[ERRLEN];
    struct agentrun r;
    memset(&r, 0, sizeof r);
    ck_assert_int_eq(store_put_run(s, &r, 1, NULL, err, sizeof err), -1);
    struct pod p;
    memset(&p, 0, sizeof p);
    ck_assert_int_eq(store_put_pod(s, "x", &p, 1, err, sizeof err), -1);
    struct store_run sr;
    ck_assert_int_eq(store_get_run(s, NULL, NULL, "nope", &sr, err, sizeof err), 0);
    store_close(s);
    free(path);
    fx_rm_rf();
}
END_TEST

int main(void)
{
    Suite *su = suite_create("store");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, open_creates_private_dir_and_files);
    tcase_add_test(tc, baseline_walks_past_logless_runs);
    tcase_add_test(tc, page_cache_size_is_an_option);
    tcase_add_test(tc, put_run_says_what_changed);
    tcase_add_test(tc, default_path_follows_xdg);
    tcase_add_test(tc, open_fails_with_one_clear_sentence);
    tcase_add_test(tc, observed_changes_are_recorded_once);
    tcase_add_test(tc, first_seen_finished_is_reconstructed);
    tcase_add_test(tc, deleted_runs_are_marked_never_dropped);
    tcase_add_test(tc, baseline_is_a_cached_passing_attempt);
    tcase_add_test(tc, cached_row_to_agentrun);
    tcase_add_test(tc, rerun_provenance_joins_the_lane);
    tcase_add_test(tc, pods_link_to_runs_either_order);
    tcase_add_test(tc, logs_round_trip_and_respect_caps);
    tcase_add_test(tc, total_log_cap_drops_oldest);
    tcase_add_test(tc, env_configures_caps);
    tcase_add_test(tc, gc_prunes_old_and_keeps_recent);
    tcase_add_test(tc, gc_keeps_notes_around_kept_runs);
    tcase_add_test(tc, sizes_and_odd_paths);
    tcase_add_test(tc, notes_reruns_prs_and_classes);
    tcase_add_test(tc, two_handles_share_the_file);
    tcase_add_test(tc, rollback_discards_a_batch);
    tcase_add_test(tc, bad_input_is_refused_not_crashed);
    suite_add_tcase(su, tc);
    SRunner *sr = srunner_create(su);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
