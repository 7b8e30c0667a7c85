/* Unit tests for src/timeline: the seed incident's lane told in time order
 * with the report's wording, notes in range, reruns, windows, and the
 * Markdown / JSON / CSV shapes of docs/cli.md. */
#include "../store/store_fixture.h"
#include "timeline/timeline.h"

#define LANE "torghut-v5-doc12-dspy-adoption-run-20260225"

/* The lane b, d, e, g as the example list has it, a d classification with
 * a log timestamp, g's PR, a rerun record and notes. */
static struct store *seed(char **path)
{
    *path = fx_db_path();
    struct store *s = fx_open(*path, NULL);
    char err[ERRLEN];
    cJSON *list = fx_example("agentrunlist.json");
    const char *sufs[] = {"20260225b", "20260225d", "20260225e", "20260225g",
                          "implement-sched-q8w2n"};
    int64_t now = fx_t("2026-02-25T10:07:00Z");
    int64_t ids[5];
    for (int i = 0; i < 5; i++) {
        struct agentrun r;
        fx_example_run(list, sufs[i], "demo", &r);
        ck_assert_int_eq(store_put_run(s, &r, now, &ids[i], err, sizeof err), 0);
        agentrun_free(&r);
    }
    cJSON_Delete(list);
    struct store_class c = {.cls = "vcs.worktree", .rule = "git-posix-spawn", .line = 57,
                            .text = "ENOENT: no such file or directory, posix_spawn 'git'",
                            .container = "agent-runner", .log_time = fx_t("2026-02-25T09:14:29Z"),
                            .outcome = "failed", .version = "1"};
    ck_assert_int_eq(store_put_classification(s, ids[1], &c, now, err, sizeof err), 0);
    struct store_class ce = {.cls = "runtime.missing-executable", .rule = "path-exec-not-found",
                             .line = 80, .text = "Executable not found in $PATH: \"codex-nats-soak\"",
                             .container = "agent-runner", .log_time = TIME_NONE,
                             .outcome = "failed", .version = "1"};
    ck_assert_int_eq(store_put_classification(s, ids[2], &ce, now, err, sizeof err), 0);
    ck_assert_int_eq(store_put_pr(s, ids[3], "https://github.com/proompteng/lab/pull/3653", 3653,
                                  "proompteng/lab", "log", fx_t("2026-02-25T10:05:50Z"), now, err,
                                  sizeof err), 0);
    ck_assert_int_eq(store_add_note(s, fx_t("2026-02-25T09:05:00Z"),
                                    "Fix merged for discord workspace import coupling (#3644, f12b6082)",
                                    NULL, NULL, now, NULL, err, sizeof err), 0);
    ck_assert_int_eq(store_add_note(s, fx_t("2026-02-24T09:00:00Z"), "unrelated, the day before",
                                    NULL, NULL, now, NULL, err, sizeof err), 0);
    struct store_rerun rr = {.time = fx_t("2026-02-25T09:58:29Z"), .context = "demo",
                             .ns = "agents", .from_name = LANE "e", .new_name = LANE "g",
                             .head = "codex/torghut-v5-doc12-dspy-adoption-20260225g",
                             .result = "created"};
    ck_assert_int_eq(store_add_rerun(s, &rr, NULL, err, sizeof err), 0);
    return s;
}

static const struct timeline_event *find(const struct timeline *t, enum timeline_kind k,
                                         const char *run_suffix, size_t *idx)
{
    for (size_t i = 0; i < t->n; i++) {
        const struct timeline_event *e = &t->ev[i];
        if (e->kind != k) continue;
        if (run_suffix && (!e->run || !strstr(e->run, run_suffix))) continue;
        if (idx) *idx = i;
        return e;
    }
    return NULL;
}

START_TEST(lane_tells_the_seed_story_in_order)
{
    char *path;
    struct store *s = seed(&path);
    struct timeline_query q;
    timeline_query_init(&q);
    q.lane = LANE;
    struct timeline t;
    char err[ERRLEN];
    ck_assert_int_eq(timeline_build(s, &q, &t, err, sizeof err), 0);
    for (size_t i = 1; i < t.n; i++) ck_assert_int_le(t.ev[i - 1].time, t.ev[i].time);

    size_t ib, id, ie, ig, ipr, inote, ifc, irerun;
    const struct timeline_event *fb = find(&t, TL_FAILED, "20260225b", &ib);
    const struct timeline_event *fd = find(&t, TL_FAILED, "20260225d", &id);
    const struct timeline_event *fe = find(&t, TL_FAILED, "20260225e", &ie);
    const struct timeline_event *sg = find(&t, TL_SUCCEEDED, "20260225g", &ig);
    const struct timeline_event *pr = find(&t, TL_PR, "20260225g", &ipr);
    const struct timeline_event *note = find(&t, TL_NOTE, NULL, &inote);
    const struct timeline_event *fc = find(&t, TL_FIRST_CAUSE, "20260225d", &ifc);
    const struct timeline_event *rerun = find(&t, TL_RERUN, NULL, &irerun);
    ck_assert_ptr_nonnull(fb);
    ck_assert_ptr_nonnull(fd);
    ck_assert_ptr_nonnull(fe);
    ck_assert_ptr_nonnull(sg);
    ck_assert_ptr_nonnull(pr);
    ck_assert_ptr_nonnull(note);
    ck_assert_ptr_nonnull(fc);
    ck_assert_ptr_nonnull(rerun);
    /* the report's order: b fails, fix merged, d fails, e fails, g succeeds + PR */
    ck_assert_uint_lt(ib, inote);
    ck_assert_uint_lt(inote, id);
    ck_assert_uint_lt(ifc, id);
    ck_assert_uint_lt(id, ie);
    ck_assert_uint_lt(ie, irerun);
    ck_assert_uint_lt(irerun, ig);
    ck_assert_uint_lt(ipr, ig); /* PR opened before the run finished */

    ck_assert_str_eq(fb->text, "Run " LANE "b fails: ENOENT reading \"/app/node_modules/@proompteng/discord\""
                              "; its pods were gone before artriage saw them, so no log");
    ck_assert_ptr_null(fb->cls);
    ck_assert(fb->reconstructed);
    ck_assert_str_eq(fd->text, "Run " LANE "d fails: ENOENT: no such file or directory, posix_spawn 'git' (vcs.worktree)");
    ck_assert_str_eq(fd->cls, "vcs.worktree");
    ck_assert_str_eq(fe->text, "Run " LANE "e fails: Executable not found in $PATH: \"codex-nats-soak\" (runtime.missing-executable)");
    ck_assert_str_eq(sg->text, "Run " LANE "g succeeds");
    ck_assert_str_eq(pr->text, "Run " LANE "g opens PR #3653 (https://github.com/proompteng/lab/pull/3653)");
    ck_assert_int_eq(fc->time, fx_t("2026-02-25T09:14:29Z"));
    ck_assert(!fc->estimated); /* the log line's own time */
    ck_assert_str_eq(fc->text, "First cause in " LANE "d (agent-runner log line 57): ENOENT: no such file or directory, posix_spawn 'git'");
    /* e's log had no timestamps: its first cause sits right before its failure */
    size_t ife;
    const struct timeline_event *fce = find(&t, TL_FIRST_CAUSE, "20260225e", &ife);
    ck_assert_ptr_nonnull(fce);
    ck_assert_uint_eq(ife + 1, ie);
    ck_assert(fce->estimated); /* and says that its time is a guess */
    ck_assert_str_eq(rerun->text, "Rerun of " LANE "e created as " LANE "g (head codex/torghut-v5-doc12-dspy-adoption-20260225g)");
    /* the note from the day before and the other lane's run are not told */
    for (size_t i = 0; i < t.n; i++) {
        ck_assert(!strstr(t.ev[i].text, "day before"));
        ck_assert(!t.ev[i].run || !strstr(t.ev[i].run, "jangar"));
    }
    /* each run: created and started too */
    ck_assert_ptr_nonnull(find(&t, TL_CREATED, "20260225b", NULL));
    ck_assert_ptr_nonnull(find(&t, TL_STARTED, "20260225g", NULL));
    timeline_free(&t);
    store_close(s);
    free(path);
    fx_rm_rf();
}
END_TEST

START_TEST(run_filter_and_window)
{
    char *path;
    struct store *s = seed(&path);
    struct timeline_query q;
    timeline_query_init(&q);
    const char *runs[] = {LANE "d"};
    q.runs = runs;
    q.nruns = 1;
    struct timeline t;
    char err[ERRLEN];
    ck_assert_int_eq(timeline_build(s, &q, &t, err, sizeof err), 0);
    for (size_t i = 0; i < t.n; i++) {
        ck_assert_msg(t.ev[i].kind != TL_NOTE, "the 09:05 note lies outside d's 09:14-09:14 span");
        ck_assert_str_eq(t.ev[i].run, LANE "d");
    }
    ck_assert_ptr_nonnull(find(&t, TL_FAILED, "20260225d", NULL));
    timeline_free(&t);

    /* b and d: the 09:05 note lies between their first and last events */
    const char *two[] = {LANE "b", LANE "d"};
    q.runs = two;
    q.nruns = 2;
    ck_assert_int_eq(timeline_build(s, &q, &t, err, sizeof err), 0);
    ck_assert_ptr_nonnull(find(&t, TL_NOTE, NULL, NULL));
    timeline_free(&t);

    /* a window cuts events, not runs */
    timeline_query_init(&q);
    q.lane = LANE;
    q.since = fx_t("2026-02-25T09:30:00Z");
    q.until = fx_t("2026-02-25T09:59:00Z");
    ck_assert_int_eq(timeline_build(s, &q, &t, err, sizeof err), 0);
    ck_assert_uint_gt(t.n, 0);
    for (size_t i = 0; i < t.n; i++) {
        ck_assert_int_ge(t.ev[i].time, q.since);
        ck_assert_int_le(t.ev[i].time, q.until);
    }
    ck_assert_ptr_nonnull(find(&t, TL_FAILED, "20260225e", NULL));
    ck_assert_ptr_null(find(&t, TL_SUCCEEDED, NULL, NULL));
    timeline_free(&t);

    /* unknown lane: empty, not an error */
    timeline_query_init(&q);
    q.lane = "no-such-lane";
    ck_assert_int_eq(timeline_build(s, &q, &t, err, sizeof err), 0);
    ck_assert_uint_eq(t.n, 0);
    timeline_free(&t);
    store_close(s);
    free(path);
    fx_rm_rf();
}
END_TEST

START_TEST(renders_md_json_csv)
{
    char *path;
    struct store *s = seed(&path);
    char err[ERRLEN];
    /* a hostile note: pipes, newlines, an escape sequence */
    ck_assert_int_eq(store_add_note(s, fx_t("2026-02-25T09:20:00Z"), "a | b\nc \x1b]0;pwn\x07 d", NULL,
                                    NULL, 1, NULL, err, sizeof err), 0);
    struct timeline_query q;
    timeline_query_init(&q);
    q.lane = LANE;
    struct timeline t;
    ck_assert_int_eq(timeline_build(s, &q, &t, err, sizeof err), 0);

    struct buf b = {0};
    timeline_render(&t, TIMELINE_MD, &b);
    ck_assert_msg(strncmp(b.p, "| Time (UTC) | Event |\n| --- | --- |\n", 36) == 0, "%s", b.p);
    ck_assert(strstr(b.p, "| 2026-02-25 09:14:31 | Run " LANE "d fails: ENOENT: no such file or directory, posix_spawn 'git' (vcs.worktree) |\n"));
    ck_assert(strstr(b.p, "| a \\| b c ^[]0;pwn^G d |\n"));
    ck_assert(!strchr(b.p, '\x1b'));
    /* one row per event */
    size_t rows = 0;
    for (char *p = b.p; (p = strchr(p, '\n')); p++) rows++;
    ck_assert_uint_eq(rows, t.n + 2);
    buf_free(&b);

    timeline_render(&t, TIMELINE_JSON, &b);
    cJSON *doc = cJSON_Parse(b.p);
    ck_assert_ptr_nonnull(doc);
    cJSON *evs = cJSON_GetObjectItem(doc, "events");
    ck_assert_int_eq(cJSON_GetArraySize(evs), (int)t.n);
    static const char *const kinds[] = {"created", "started", "phase", "first-cause", "failed",
                                        "succeeded", "deleted", "pr", "rerun", "note"};
    const cJSON *e;
    bool saw_failed_d = false;
    cJSON_ArrayForEach(e, evs) {
        const char *k = cJSON_GetObjectItem(e, "kind")->valuestring;
        bool ok = false;
        for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) ok |= strcmp(k, kinds[i]) == 0;
        ck_assert_msg(ok, "kind %s", k);
        ck_assert(cJSON_IsString(cJSON_GetObjectItem(e, "time")));
        ck_assert(cJSON_IsString(cJSON_GetObjectItem(e, "text")));
        ck_assert(cJSON_HasObjectItem(e, "run") && cJSON_HasObjectItem(e, "class"));
        if (strcmp(k, "failed") == 0 && strstr(cJSON_GetObjectItem(e, "run")->valuestring, "225d")) {
            ck_assert_str_eq(cJSON_GetObjectItem(e, "time")->valuestring, "2026-02-25T09:14:31Z");
            ck_assert_str_eq(cJSON_GetObjectItem(e, "class")->valuestring, "vcs.worktree");
            saw_failed_d = true;
        }
    }
    ck_assert(saw_failed_d);
    /* JSON keeps the raw text (escaped by cJSON) */
    ck_assert(strstr(b.p, "a | b c \\u001b]0;pwn\\u0007 d"));
    cJSON_Delete(doc);
    buf_free(&b);

    timeline_render(&t, TIMELINE_CSV, &b);
    ck_assert(strncmp(b.p, "time,kind,run,namespace,class,reconstructed,text\n", 49) == 0);
    ck_assert(strstr(b.p, "2026-02-25T09:14:31Z,failed," LANE "d,agents,vcs.worktree,true,"
                          "\"Run " LANE "d fails: ENOENT: no such file or directory, posix_spawn 'git' (vcs.worktree)\"\n"));
    buf_free(&b);
    timeline_free(&t);
    enum timeline_format f;
    ck_assert_int_eq(timeline_format_parse("md", &f), 0);
    ck_assert_int_eq(f, TIMELINE_MD);
    ck_assert_int_eq(timeline_format_parse("yaml", &f), -1);
    store_close(s);
    free(path);
    fx_rm_rf();
}
END_TEST

/* Watched live: events are not flagged reconstructed; Blocked is told. */
START_TEST(observed_run_and_blocked)
{
    char *path = fx_db_path();
    struct store *s = fx_open(path, NULL);
    char err[ERRLEN];
    struct agentrun r;
    fx_run(&r, "live-r1", "u-live", "Pending", 1000, TIME_NONE, TIME_NONE);
    r.conditions = xcalloc(1, sizeof *r.conditions);
    r.nconditions = 1;
    r.conditions[0] = (struct condition){xstrdup("Blocked"), xstrdup("True"), xstrdup("QueueLimit"),
                                         xstrdup("Namespace agents reached queue limit"), 1500};
    ck_assert_int_eq(store_put_run(s, &r, 1600, NULL, err, sizeof err), 0);
    fx_set_phase(&r, "Running", 2000);
    free(r.conditions[0].status);
    r.conditions[0].status = xstrdup("False");
    ck_assert_int_eq(store_put_run(s, &r, 2100, NULL, err, sizeof err), 0);
    fx_set_phase(&r, "Succeeded", 3000);
    ck_assert_int_eq(store_put_run(s, &r, 3100, NULL, err, sizeof err), 0);
    ck_assert_int_eq(store_mark_run_deleted(s, "test", "u-live", 4000, err, sizeof err), 0);
    struct timeline_query q;
    timeline_query_init(&q);
    q.lane = "live";
    struct timeline t;
    ck_assert_int_eq(timeline_build(s, &q, &t, err, sizeof err), 0);
    const char *want[] = {"Run live-r1 created",
                          "Run live-r1 is blocked: QueueLimit (Namespace agents reached queue limit)",
                          "Run live-r1 is Pending",
                          "Run live-r1 starts",
                          "Run live-r1 succeeds",
                          "Run live-r1 is deleted from the cluster"};
    ck_assert_uint_eq(t.n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < t.n; i++) {
        ck_assert_str_eq(t.ev[i].text, want[i]);
        ck_assert(!t.ev[i].reconstructed);
    }
    timeline_free(&t);
    agentrun_free(&r);
    store_close(s);
    free(path);
    fx_rm_rf();
}
END_TEST

/* The cause is quoted without the runner's framing or a level word; a
 * run that never started is not said to have lost its pods. */
START_TEST(start_names_the_image_and_its_change)
{
    /* what fixed the seed lane was a new runner image: the start of g says
     * so, next to what e ran; attempts on the same image just name it */
    char *path;
    struct store *s = seed(&path);
    char err[ERRLEN];
    const char *old = "registry.example/lab/codex-runner:sha-f12b608249e5ff66a70784c42089aac0dfc7bc32";
    const char *neu = "registry.example/lab/codex-runner:sha-1cc0ecd211f1548d7e34b86d9b72ab222f9b2f08";
    const char *sufs[] = {"20260225b", "20260225d", "20260225e", "20260225g"};
    for (int i = 0; i < 4; i++) {
        struct pod p;
        char *run = xasprintf(LANE "%s", sufs[i] + 8);
        char *pname = xasprintf("%s-job-x", run), *uid = xasprintf("pod-%d", i);
        fx_pod_img(&p, pname, uid, run, fx_t("2026-02-25T08:00:00Z") + i * 1000, i < 3 ? old : neu,
                   i < 3 ? "sha256:bb8f57a4f141eeb45cc3d9c584c615a87bbac4bc096600fd97bc284fd138fe16"
                         : "sha256:6fa809abd4f436789236af008933f8ee7f0dd422775bbb265d969c23c71d3dbd");
        ck_assert_int_eq(store_put_pod(s, "demo", &p, fx_t("2026-02-25T10:07:00Z"), err, sizeof err), 0);
        pod_free(&p);
        free(run);
        free(pname);
        free(uid);
    }
    struct timeline_query q;
    timeline_query_init(&q);
    q.lane = LANE;
    struct timeline t;
    ck_assert_int_eq(timeline_build(s, &q, &t, err, sizeof err), 0);
    const struct timeline_event *e = find(&t, TL_STARTED, "20260225e", NULL);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(e->text, "Run " LANE "e starts on image codex-runner@bb8f57a4f141, commit f12b6082");
    const struct timeline_event *g = find(&t, TL_STARTED, "20260225g", NULL);
    ck_assert_ptr_nonnull(g);
    ck_assert_str_eq(g->text, "Run " LANE "g starts on a new image codex-runner@6fa809abd4f4, commit 1cc0ecd2"
                              " (" LANE "e ran bb8f57a4f141, commit f12b6082)");
    timeline_free(&t);
    store_close(s);
    free(path);
    fx_rm_rf();
}
END_TEST

START_TEST(cause_wording)
{
    char *path = fx_db_path();
    struct store *s = fx_open(path, NULL);
    char err[ERRLEN];
    struct agentrun r;
    fx_run(&r, "docs-sync-20260225c", "u-c", "Failed", 1000, 1100, 5000);
    r.runtime = xstrdup("job");
    int64_t id;
    ck_assert_int_eq(store_put_run(s, &r, 6000, &id, err, sizeof err), 0);
    struct store_class c = {.cls = "vcs.push-rejected", .line = 136, .log_time = 4000,
                            .text = "[command:delta] command output   error: failed to push some refs",
                            .container = "agent-runner", .version = "1"};
    ck_assert_int_eq(store_put_classification(s, id, &c, 6000, err, sizeof err), 0);
    struct agentrun inv;
    fx_run(&inv, "docs-sync-20260225d", "u-d", "Failed", 7000, TIME_NONE, 7000);
    inv.runtime = xstrdup("job");
    inv.message = xstrdup("missing required metadata keys: repository, head");
    ck_assert_int_eq(store_put_run(s, &inv, 8000, NULL, err, sizeof err), 0);
    struct store_run sr;
    ck_assert_int_eq(store_get_run(s, NULL, NULL, "docs-sync-20260225d", &sr, err, sizeof err), 1);
    struct store_class u = {.cls = "unknown", .line = -1, .log_time = TIME_NONE, .version = "1"};
    ck_assert_int_eq(store_put_classification(s, sr.id, &u, 8000, err, sizeof err), 0);
    store_run_free(&sr);
    struct timeline_query q;
    timeline_query_init(&q);
    q.lane = "docs-sync-20260225";
    struct timeline t;
    ck_assert_int_eq(timeline_build(s, &q, &t, err, sizeof err), 0);
    const struct timeline_event *f = find(&t, TL_FAILED, "0225c", NULL);
    ck_assert_ptr_nonnull(f);
    ck_assert_str_eq(f->text, "Run docs-sync-20260225c fails: failed to push some refs (vcs.push-rejected)");
    f = find(&t, TL_FAILED, "0225d", NULL);
    ck_assert_ptr_nonnull(f);
    ck_assert_str_eq(f->text, "Run docs-sync-20260225d fails: missing required metadata keys: repository, head");
    ck_assert_str_eq(f->cls, "unknown");
    timeline_free(&t);
    agentrun_free(&r);
    agentrun_free(&inv);
    store_close(s);
    free(path);
    fx_rm_rf();
}
END_TEST

/* A replayed log is stamped with the time it was read, months after the
 * run: its first cause and PR are told at the run's failure/end, not
 * after everything else (tests/integration/test_timeline_replay.py). */
START_TEST(log_times_outside_the_run_are_not_believed)
{
    char *path = fx_db_path();
    struct store *s = fx_open(path, NULL);
    char err[ERRLEN];
    int64_t now = fx_t("2026-11-26T01:33:00Z");
    struct agentrun e, g;
    fx_run(&e, "nats-lane-20260225e", "u-e", "Failed", fx_t("2026-02-25T09:34:09Z"),
           fx_t("2026-02-25T09:34:10Z"), fx_t("2026-02-25T09:37:44Z"));
    e.runtime = xstrdup("job");
    fx_run(&g, "nats-lane-20260225g", "u-g", "Succeeded", fx_t("2026-02-25T09:57:41Z"),
           fx_t("2026-02-25T09:57:42Z"), fx_t("2026-02-25T10:06:02Z"));
    g.runtime = xstrdup("job");
    int64_t ide, idg;
    ck_assert_int_eq(store_put_run(s, &e, now, &ide, err, sizeof err), 0);
    ck_assert_int_eq(store_put_run(s, &g, now, &idg, err, sizeof err), 0);
    struct store_class c = {.cls = "runtime.missing-executable", .rule = "path-exec-not-found",
                            .line = 12, .log_time = fx_t("2026-11-26T01:33:07Z"),
                            .text = "[command:delta] command output Executable not found in $PATH: \"codex-nats-soak\"",
                            .container = "agent-runner", .outcome = "failed", .version = "1"};
    ck_assert_int_eq(store_put_classification(s, ide, &c, now, err, sizeof err), 0);
    ck_assert_int_eq(store_put_pr(s, idg, "https://github.com/proompteng/lab/pull/3653", 3653,
                                  "proompteng/lab", "log", fx_t("2026-11-26T01:33:13Z"), now, err,
                                  sizeof err), 0);
    ck_assert_int_eq(store_add_note(s, fx_t("2026-06-01T00:00:00Z"), "months after the lane",
                                    NULL, NULL, now, NULL, err, sizeof err), 0);
    struct timeline_query q;
    timeline_query_init(&q);
    q.lane = "nats-lane-20260225";
    struct timeline t;
    ck_assert_int_eq(timeline_build(s, &q, &t, err, sizeof err), 0);
    size_t ifc, ife, ipr, ig;
    const struct timeline_event *fc = find(&t, TL_FIRST_CAUSE, "0225e", &ifc);
    const struct timeline_event *fe = find(&t, TL_FAILED, "0225e", &ife);
    const struct timeline_event *pr = find(&t, TL_PR, "0225g", &ipr);
    const struct timeline_event *sg = find(&t, TL_SUCCEEDED, "0225g", &ig);
    ck_assert_ptr_nonnull(fc);
    ck_assert_ptr_nonnull(fe);
    ck_assert_ptr_nonnull(pr);
    ck_assert_ptr_nonnull(sg);
    ck_assert_int_eq(fc->time, fx_t("2026-02-25T09:37:44Z"));
    ck_assert_uint_eq(ifc + 1, ife);
    ck_assert_str_eq(fc->text, "First cause in nats-lane-20260225e (agent-runner log line 12): "
                               "Executable not found in $PATH: \"codex-nats-soak\"");
    ck_assert_int_eq(pr->time, fx_t("2026-02-25T10:06:02Z"));
    ck_assert(pr->reconstructed);
    ck_assert(pr->estimated);
    ck_assert(fc->estimated); /* a stamp months away is not the line's time */
    ck_assert_uint_lt(ipr, ig);
    ck_assert_int_eq(t.ev[t.n - 1].time, fx_t("2026-02-25T10:06:02Z"));
    for (size_t i = 0; i < t.n; i++) ck_assert(!strstr(t.ev[i].text, "months after"));
    timeline_free(&t);

    /* a stamp a few seconds past the failure (another clock) is believed,
     * but the cause is still told before the failure */
    c.log_time = fx_t("2026-02-25T09:37:46Z");
    ck_assert_int_eq(store_put_classification(s, ide, &c, now, err, sizeof err), 0);
    ck_assert_int_eq(timeline_build(s, &q, &t, err, sizeof err), 0);
    fc = find(&t, TL_FIRST_CAUSE, "0225e", &ifc);
    fe = find(&t, TL_FAILED, "0225e", &ife);
    ck_assert_ptr_nonnull(fc);
    ck_assert_ptr_nonnull(fe);
    ck_assert_int_eq(fc->time, fx_t("2026-02-25T09:37:44Z"));
    ck_assert(!fc->reconstructed);
    ck_assert_uint_lt(ifc, ife);
    timeline_free(&t);
    agentrun_free(&e);
    agentrun_free(&g);
    store_close(s);
    free(path);
    fx_rm_rf();
}
END_TEST

int main(void)
{
    Suite *su = suite_create("timeline");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, lane_tells_the_seed_story_in_order);
    tcase_add_test(tc, run_filter_and_window);
    tcase_add_test(tc, renders_md_json_csv);
    tcase_add_test(tc, observed_run_and_blocked);
    tcase_add_test(tc, cause_wording);
    tcase_add_test(tc, start_names_the_image_and_its_change);
    tcase_add_test(tc, log_times_outside_the_run_are_not_believed);
    suite_add_tcase(su, tc);
    SRunner *sr = srunner_create(su);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
