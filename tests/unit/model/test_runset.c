/* Unit tests for src/model/runset: the console's run set — events, filter,
 * sort, a cursor that follows its run by uid, lanes, and filter speed on
 * 100,000 runs. Fixtures: tests/data/examples (parsed with the model). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "model/agentrun.h"
#include "model/agentrun_check.h"
#include "model/linkage.h"
#include "model/runset.h"
#include "util/err.h"
#include "util/jsonutil.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

static char *slurp(const char *rel)
{
    const char *src = getenv("ARTRIAGE_SRC");
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/data/examples/%s", src ? src : ".", rel);
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = xmalloc((size_t)n + 1);
    ck_assert_uint_eq(fread(p, 1, (size_t)n, f), (size_t)n);
    p[n] = 0;
    fclose(f);
    return p;
}

static cJSON *load_json(const char *rel)
{
    char *s = slurp(rel);
    char err[256];
    cJSON *j = json_parse_n(s, strlen(s), rel, err, sizeof err);
    ck_assert_msg(j != NULL, "%s", err);
    free(s);
    return j;
}

/* The six example runs, through the model's parser. */
static struct runset *load_examples(void)
{
    struct runset *rs = runset_new();
    cJSON *list = load_json("agentrunlist.json");
    const cJSON *items = json_arr(list, "items"), *it;
    cJSON_ArrayForEach(it, items) {
        struct agentrun r;
        char err[256];
        ck_assert_int_eq(agentrun_parse(it, &r, err, sizeof err), 0);
        runset_apply_run(rs, RS_EV_ADDED, &r, false);
    }
    cJSON_Delete(list);
    return rs;
}

static const char *E = "torghut-v5-doc12-dspy-adoption-run-20260225e";
static const char *G = "torghut-v5-doc12-dspy-adoption-run-20260225g";

static struct rs_run *by_name(struct runset *rs, const char *name)
{
    for (size_t i = 0; i < runset_view_count(rs); i++) {
        struct rs_run *r = runset_view_at(rs, i);
        if (strcmp(r->run.name, name) == 0) return r;
    }
    return NULL;
}

static void add_pod(struct runset *rs, const char *file)
{
    cJSON *j = load_json(file);
    struct pod p;
    char err[256];
    ck_assert_int_eq(pod_parse(j, &p, err, sizeof err), 0);
    runset_apply_pod(rs, NULL, RS_EV_ADDED, &p);
    cJSON_Delete(j);
}

START_TEST(examples_sorted_newest_first)
{
    struct runset *rs = load_examples();
    ck_assert_uint_eq(runset_count(rs), 6);
    ck_assert_uint_eq(runset_view_count(rs), 6);
    ck_assert_str_eq(runset_view_at(rs, 0)->run.name, "torghut-market-context-news-7h2pd");
    ck_assert_str_eq(runset_view_at(rs, 5)->run.name, "torghut-v5-doc12-dspy-adoption-run-20260225b");
    struct rs_counts c;
    runset_counts(rs, &c);
    ck_assert_uint_eq(c.failed, 3);
    ck_assert_uint_eq(c.succeeded, 1);
    ck_assert_uint_eq(c.running, 1);
    ck_assert_uint_eq(c.pending, 1);
    runset_set_sort(rs, RS_COL_NAME);
    ck_assert_str_eq(runset_view_at(rs, 0)->run.name, "jangar-control-plane-implement-sched-q8w2n");
    runset_set_sort(rs, RS_COL_PHASE);
    ck_assert_str_eq(rs_run_phase(runset_view_at(rs, 0)), "Failed");
    /* ties inside a phase: newest first */
    ck_assert_str_eq(runset_view_at(rs, 0)->run.name, E);
    runset_free(rs);
}
END_TEST

START_TEST(filter_tokens_and_text)
{
    struct runset *rs = load_examples();
    char err[256];
    ck_assert_int_eq(runset_set_filter(rs, "phase:failed", err, sizeof err), 0);
    ck_assert_uint_eq(runset_view_count(rs), 3);
    ck_assert_int_eq(runset_set_filter(rs, "phase:Failed 20260225d", err, sizeof err), 0);
    ck_assert_uint_eq(runset_view_count(rs), 1);
    ck_assert_int_eq(runset_set_filter(rs, "!phase:Failed", err, sizeof err), 0);
    ck_assert_uint_eq(runset_view_count(rs), 3);
    ck_assert_int_eq(runset_set_filter(rs, "lane:torghut-v5*", err, sizeof err), 0);
    ck_assert_uint_eq(runset_view_count(rs), 4);
    ck_assert_int_eq(runset_set_filter(rs, "ns:agents JANGAR", err, sizeof err), 0);
    ck_assert_uint_eq(runset_view_count(rs), 1);
    ck_assert_int_eq(runset_set_filter(rs, "ns:other", err, sizeof err), 0);
    ck_assert_uint_eq(runset_view_count(rs), 0);
    ck_assert_int_eq(runset_set_filter(rs, "colour:red", err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "colour"));
    /* a bad filter leaves the previous one in force */
    ck_assert_str_eq(runset_filter(rs), "ns:other");

    struct rs_failure f = {.cls = "vcs.worktree", .line = 57, .hint = "check the checkout"};
    runset_set_failure(rs, NULL, "8664fd9b-91a3-465d-8c4d-7a5663a958d4", &f); /* run e */
    ck_assert_int_eq(runset_set_filter(rs, "class:vcs.*", err, sizeof err), 0);
    ck_assert_uint_eq(runset_view_count(rs), 1);
    ck_assert_int_eq(runset_set_filter(rs, "class:vcs", err, sizeof err), 0);
    ck_assert_uint_eq(runset_view_count(rs), 1);
    ck_assert_int_eq(runset_set_filter(rs, "class:vc", err, sizeof err), 0);
    ck_assert_uint_eq(runset_view_count(rs), 0);
    ck_assert_int_eq(runset_set_filter(rs, "worktree", err, sizeof err), 0);
    ck_assert_uint_eq(runset_view_count(rs), 1);
    ck_assert_int_eq(runset_set_filter(rs, "", err, sizeof err), 0);
    ck_assert_uint_eq(runset_view_count(rs), 6);
    runset_free(rs);
}
END_TEST

/* Typing a filter narrows the previous view; the result must equal the
 * same filter applied from scratch, also across keys, negation and globs. */
START_TEST(narrowing_equals_fresh_filter)
{
    static const char *typed[] = {"t", "to", "tor", "torghut", "torghut ", "torghut phase:F",
                                  "torghut phase:Failed", "torghut phase:Failed !", "torghut phase:Failed !2",
                                  "torghut phase:Failed !20260225e", "name:t", "name:t*", "name:t*g",
                                  "AGENT", "agent:codex*", "agent:codex*-agent"};
    struct runset *inc = load_examples(), *fresh = load_examples();
    char err[256];
    for (size_t i = 0; i < sizeof typed / sizeof typed[0]; i++) {
        ck_assert_int_eq(runset_set_filter(inc, typed[i], err, sizeof err), 0);
        ck_assert_int_eq(runset_set_filter(fresh, "", err, sizeof err), 0);
        runset_view_count(fresh);
        runset_set_sort(fresh, RS_COL_NAME);
        runset_set_sort(fresh, RS_COL_AGE);
        ck_assert_int_eq(runset_set_filter(fresh, typed[i], err, sizeof err), 0);
        size_t n = runset_view_count(inc);
        ck_assert_msg(n == runset_view_count(fresh), "'%s': %zu rows typed, %zu fresh", typed[i], n,
                      runset_view_count(fresh));
        for (size_t k = 0; k < n; k++)
            ck_assert_str_eq(runset_view_at(inc, k)->run.name, runset_view_at(fresh, k)->run.name);
    }
    runset_free(inc);
    runset_free(fresh);
}
END_TEST

/* The order and the view are kept across changes (runs added, changed,
 * deleted, verdicts and PRs arriving, filters typed, columns switched),
 * not rebuilt; after every step they must equal a set that sorts and
 * filters from scratch, and the counts must equal a recount. */
static struct agentrun mk_run(unsigned i, const char *phase, int64_t started)
{
    static const char *agents[] = {"codex-agent", "anypi-agent", "zed"};
    struct agentrun r = {0};
    r.ns = xstrdup(i % 3 ? "agents" : "synthesis");
    r.name = xasprintf("lane-%03u-run-20260225%c", i / 3, 'a' + i % 3);
    r.uid = xasprintf("uid-%u", i);
    r.lane = xasprintf("lane-%03u-run-20260225", i / 3);
    r.attempt = xasprintf("%c", 'a' + i % 3);
    r.agent = xstrdup(agents[i % 3]);
    r.phase = phase ? xstrdup(phase) : NULL;
    r.resource_version = xasprintf("%lld", (long long)started);
    r.created = 1772000000000LL + (int64_t)(i % 97) * 1000LL; /* ties on purpose */
    r.started = started;
    r.finished = started == TIME_NONE ? TIME_NONE : started + (int64_t)(i % 13) * 1000;
    return r;
}

static void check_same(struct runset *inc, struct runset *fresh, const char *what)
{
    char err[256];
    enum rs_col col = runset_sort(fresh);
    runset_set_sort(fresh, col == RS_COL_NAME ? RS_COL_AGE : RS_COL_NAME);
    runset_view_count(fresh);
    runset_set_sort(fresh, col);
    char *f = xstrdup(runset_filter(fresh));
    ck_assert_int_eq(runset_set_filter(fresh, "", err, sizeof err), 0);
    runset_view_count(fresh);
    ck_assert_int_eq(runset_set_filter(fresh, f, err, sizeof err), 0);
    free(f);
    size_t n = runset_view_count(inc);
    ck_assert_msg(n == runset_view_count(fresh), "%s: %zu rows kept, %zu fresh", what, n, runset_view_count(fresh));
    for (size_t k = 0; k < n; k++) {
        const struct rs_run *a = runset_view_at(inc, k), *b = runset_view_at(fresh, k);
        ck_assert_msg(strcmp(a->run.uid, b->run.uid) == 0, "%s: row %zu is %s kept, %s fresh", what, k,
                      a->run.uid, b->run.uid);
        ck_assert_uint_eq(runset_view_index(inc, NULL, a->run.uid), k);
    }
    struct rs_counts ci, cf = {0};
    runset_counts(inc, &ci);
    for (size_t i = 0; i < runset_count(fresh); i++) {
        const struct rs_run *r = runset_at(fresh, i);
        const char *p = r->run.phase;
        cf.total++;
        if (r->deleted) cf.deleted++;
        if (!p) cf.none++;
        else if (strcmp(p, "Failed") == 0) cf.failed++;
        else if (strcmp(p, "Running") == 0) cf.running++;
        else if (strcmp(p, "Succeeded") == 0) cf.succeeded++;
        else cf.other++;
    }
    ck_assert_uint_eq(ci.total, cf.total);
    ck_assert_uint_eq(ci.deleted, cf.deleted);
    ck_assert_uint_eq(ci.none, cf.none);
    ck_assert_uint_eq(ci.failed, cf.failed);
    ck_assert_uint_eq(ci.running, cf.running);
    ck_assert_uint_eq(ci.succeeded, cf.succeeded);
    ck_assert_uint_eq(ci.other, cf.other);
}

START_TEST(kept_order_equals_fresh_sort)
{
    static const char *phases[] = {"Failed", "Succeeded", "Running", NULL, "Weird"};
    static const char *classes[] = {"vcs.push-rejected", "runtime.oom", "agent.no-pr", NULL};
    static const char *filters[] = {"", "l", "la", "lane-0", "lane-01", "lane-01 ", "lane-01 phase:F*",
                                    "codex", "class:vcs", "!zed", "!zed run", "phase:deleted", "2a", "a"};
    struct runset *inc = runset_new(), *fresh = runset_new();
    struct runset *both[2] = {inc, fresh};
    char err[256], what[128];
    unsigned seed = 7;
    for (int step = 0; step < 3000; step++) {
        seed = seed * 1103515245u + 12345u;
        unsigned r = (seed >> 8) % 1000, i = (seed >> 4) % 400;
        const char *ph = phases[(seed >> 12) % 5];
        int64_t started = (seed >> 15) % 3 ? 1772000000000LL + (int64_t)((seed >> 3) % 50) * 1000 : TIME_NONE;
        for (int k = 0; k < 2; k++) {
            if (r < 500) { /* a run arrives or changes */
                struct agentrun a = mk_run(i, ph, started);
                runset_apply_run(both[k], r < 480 ? RS_EV_MODIFIED : RS_EV_DELETED, &a, false);
                agentrun_free(&a);
            } else if (r < 700) {
                char uid[32];
                snprintf(uid, sizeof uid, "uid-%u", i);
                struct rs_failure f = {.cls = (char *)classes[(seed >> 9) % 4], .line = -1};
                runset_set_failure(both[k], NULL, uid, &f);
            } else if (r < 800) {
                char uid[32];
                snprintf(uid, sizeof uid, "uid-%u", i);
                runset_set_pr(both[k], NULL, uid, (int64_t)(seed >> 20) % 40, "u", "log");
            } else if (r < 830) {
                runset_set_sort(both[k], (enum rs_col)((seed >> 7) % RS_NCOLS));
            } else if (r < 900) {
                ck_assert_int_eq(runset_set_filter(both[k], filters[(seed >> 6) % 14], err, sizeof err), 0);
            } else if (k == 0) {
                runset_view_count(inc); /* a paint between changes */
            }
        }
        if (step % 7 == 0) {
            snprintf(what, sizeof what, "step %d (sort %s, filter '%s')", step, runset_col_name(runset_sort(inc)),
                     runset_filter(inc));
            check_same(inc, fresh, what);
        }
    }
    runset_free(inc);
    runset_free(fresh);
}
END_TEST

/* A longer term is looked for first where its prefix matched, then after:
 * the run matches on its second "lane-". */
START_TEST(narrowing_finds_a_later_hit)
{
    struct runset *rs = runset_new();
    struct agentrun a = mk_run(1, "Failed", TIME_NONE);
    free(a.name);
    a.name = xstrdup("lane-1-retry-of-lane-2");
    runset_apply_run(rs, RS_EV_ADDED, &a, false);
    char err[256];
    static const char *typed[] = {"lane", "lane-", "lane-2", "lane-2x", "l", "lane-1-retry-of-l",
                                  "lane-1-retry-of-lane-2", "lane-1-retry-of-lane-3",
                                  "r", "retry lane", "retry lane-2", "retry lane-2 x"};
    static const size_t want[] = {1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 0};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        ck_assert_int_eq(runset_set_filter(rs, typed[i], err, sizeof err), 0);
        ck_assert_msg(runset_view_count(rs) == want[i], "'%s': %zu rows", typed[i], runset_view_count(rs));
    }
    runset_free(rs);
}
END_TEST

/* The run set is the console's only copy: no raw object per run, and the
 * strings runs repeat (namespace, agent, phase, lane...) stored once. */
START_TEST(runs_are_compact)
{
    struct runset *rs = load_examples();
    ck_assert_uint_ge(runset_count(rs), 2);
    const struct rs_run *a = runset_at(rs, 0), *b = NULL;
    for (size_t i = 1; i < runset_count(rs); i++)
        if (runset_at(rs, i)->run.ns && a->run.ns && strcmp(runset_at(rs, i)->run.ns, a->run.ns) == 0)
            b = runset_at(rs, i);
    ck_assert_ptr_nonnull(b);
    ck_assert_ptr_eq(a->run.ns, b->run.ns);
    for (size_t i = 0; i < runset_count(rs); i++) {
        struct agentrun x;
        ck_assert_int_eq(runset_run_agentrun(rs, runset_at(rs, i), &x, NULL, 0), 0);
        ck_assert_ptr_null(x.raw); /* the set keeps no raw object */
        ck_assert_str_eq(x.name, runset_at(rs, i)->run.name);
        agentrun_free(&x);
    }
    /* a newer version of a run replaces the old one's strings, shared ones stay valid */
    struct agentrun r1 = mk_run(5, "Running", TIME_NONE), r2 = mk_run(5, "Failed", TIME_NONE);
    free(r2.resource_version);
    r2.resource_version = xstrdup("2");
    runset_apply_run(rs, RS_EV_ADDED, &r1, false);
    const char *running = runset_find(rs, NULL, "uid-5")->run.phase;
    runset_apply_run(rs, RS_EV_MODIFIED, &r2, false);
    ck_assert_str_eq(runset_find(rs, NULL, "uid-5")->run.phase, "Failed");
    ck_assert_str_eq(running, "Running");
    runset_free(rs);
}
END_TEST

/* A run with every field set, odd values where a compact form could slip. */
static struct agentrun mk_full_run(const char *uid, const char *rv, const char *message)
{
    struct agentrun r = mk_run(7, "Failed", 1772000005000LL);
    free(r.uid);
    r.uid = uid ? xstrdup(uid) : NULL;
    free(r.resource_version);
    r.resource_version = xstrdup(rv);
    r.context = xstrdup("east");
    r.deleted_at = 1772000009000LL;
    r.rerun_of = xstrdup("agents/lane-002-run-20260225a");
    r.rerun_of_uid = xstrdup("uid-6");
    r.runtime = xstrdup("job");
    r.idempotency_key = xstrdup("");          /* empty is not absent */
    r.workload_image = xstrdup("registry/x@sha256:ab");
    r.vcs_mode = xstrdup("read-only");
    r.vcs_required = true;
    r.param_head = xstrdup("Feature/UPPER");
    r.reason = xstrdup("BackoffLimitExceeded");
    r.message = message ? xstrdup(message) : NULL;
    r.updated = 0;                            /* zero is a time, not "none" */
    r.repository = xstrdup("proompteng/lab");
    r.base = xstrdup("main");
    r.head = xstrdup("Feature/UPPER-lane-002");
    r.system_prompt_hash = xstrdup("5f1e");
    r.spec_hash = xstrdup("9a0c");
    r.runtime_ref_name = xstrdup("job-7");
    r.has_runner = true;
    r.runner_status = xstrdup("failed");
    r.runner_error = xstrdup("exit 2\nline two");
    r.runner_exit_code = 0;
    r.nconditions = 3;
    r.conditions = xcalloc(3, sizeof *r.conditions);
    r.conditions[0] = (struct condition){xstrdup("Ready"), xstrdup("False"), xstrdup("Failed"), xstrdup("boom"), 1772000006000LL};
    r.conditions[1] = (struct condition){xstrdup("Succeeded"), NULL, NULL, NULL, TIME_NONE};
    r.conditions[2] = (struct condition){NULL, xstrdup("Unknown"), NULL, xstrdup(""), -1};
    return r;
}

static struct agentrun copy_of(const struct agentrun *a)
{
    struct agentrun c = *a;
    char **f[] = {&c.context, &c.ns, &c.name, &c.uid, &c.resource_version, &c.lane, &c.attempt, &c.rerun_of,
                  &c.rerun_of_uid, &c.agent, &c.runtime, &c.idempotency_key, &c.workload_image, &c.vcs_mode,
                  &c.param_head, &c.phase, &c.reason, &c.message, &c.repository, &c.base, &c.head,
                  &c.system_prompt_hash, &c.spec_hash, &c.runtime_ref_name, &c.runner_status, &c.runner_error};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        if (*f[i]) *f[i] = xstrdup(*f[i]);
    c.conditions = a->nconditions ? xcalloc(a->nconditions, sizeof *c.conditions) : NULL;
    for (size_t k = 0; k < a->nconditions; k++) {
        const struct condition *s = &a->conditions[k];
        c.conditions[k] = (struct condition){s->type ? xstrdup(s->type) : NULL, s->status ? xstrdup(s->status) : NULL,
                                             s->reason ? xstrdup(s->reason) : NULL,
                                             s->message ? xstrdup(s->message) : NULL, s->last_transition};
    }
    c.raw = NULL;
    return c;
}

/* The record keeps all of a run: runset_run_agentrun gives back every field
 * as applied, after a replace, and after the run is deleted (the detail
 * view of a deleted run shows what it showed); example runs too. */
START_TEST(record_keeps_every_field)
{
    struct runset *rs = load_examples();
    cJSON *list = load_json("agentrunlist.json");
    const cJSON *it;
    cJSON_ArrayForEach(it, json_arr(list, "items")) {
        struct agentrun want, got;
        char err[256];
        ck_assert_int_eq(agentrun_parse(it, &want, err, sizeof err), 0);
        struct rs_run *r = runset_find(rs, NULL, want.uid);
        ck_assert_ptr_nonnull(r);
        ck_assert_int_eq(runset_run_agentrun(rs, r, &got, NULL, 0), 0);
        cJSON_Delete(want.raw);
        want.raw = NULL;
        check_same_run(&want, &got, want.name);
        agentrun_free(&want);
        agentrun_free(&got);
    }
    cJSON_Delete(list);

    struct agentrun a = mk_full_run("uid-full", "10", "first message"), want = copy_of(&a), got;
    runset_apply_run(rs, RS_EV_ADDED, &a, false);
    struct rs_run *r = runset_find(rs, "east", "uid-full");
    ck_assert_ptr_nonnull(r);
    ck_assert_str_eq(r->run.head, "Feature/UPPER-lane-002");
    ck_assert_str_eq(r->run.repository, "proompteng/lab");
    ck_assert_int_eq(runset_run_agentrun(rs, r, &got, NULL, 0), 0);
    check_same_run(&want, &got, "added");
    agentrun_free(&got);
    agentrun_free(&want);

    /* the same resourceVersion changes nothing; a new one replaces it all */
    uint64_t gen = r->gen;
    struct agentrun same = mk_full_run("uid-full", "10", "ignored");
    runset_apply_run(rs, RS_EV_MODIFIED, &same, false);
    ck_assert_uint_eq(r->gen, gen);
    struct agentrun b = mk_full_run("uid-full", "11", NULL);
    for (size_t k = 1; k < b.nconditions; k++) {
        free(b.conditions[k].type);
        free(b.conditions[k].status);
        free(b.conditions[k].reason);
        free(b.conditions[k].message);
    }
    b.nconditions = 1;
    b.has_runner = false;
    want = copy_of(&b);
    runset_apply_run(rs, RS_EV_MODIFIED, &b, false);
    ck_assert_ptr_eq(runset_find(rs, "east", "uid-full"), r);
    ck_assert_uint_gt(r->gen, gen);
    ck_assert_int_eq(runset_run_agentrun(rs, r, &got, NULL, 0), 0);
    check_same_run(&want, &got, "replaced");
    agentrun_free(&got);

    /* deleted: flagged, and still all there */
    struct agentrun gone = {0};
    gone.uid = xstrdup("uid-full");
    gone.context = xstrdup("east");
    runset_apply_run(rs, RS_EV_DELETED, &gone, false);
    ck_assert(r->deleted);
    ck_assert_int_eq(runset_run_agentrun(rs, r, &got, NULL, 0), 0);
    check_same_run(&want, &got, "deleted");
    agentrun_free(&got);
    agentrun_free(&want);

    /* own strings share the hay's tail only when it ends with all of them */
    struct agentrun t = mk_full_run("xy-1", "1", NULL);
    free(t.head);
    t.head = xstrdup("abcxyzw"); /* its tail "xyzw" starts like the uid */
    free(t.context);
    t.context = xstrdup("tail");
    want = copy_of(&t);
    runset_apply_run(rs, RS_EV_ADDED, &t, false);
    r = runset_find(rs, "tail", "xy-1");
    ck_assert_ptr_nonnull(r);
    ck_assert_str_eq(r->run.uid, "xy-1");
    ck_assert_str_eq(r->run.head, "abcxyzw");
    ck_assert_int_eq(runset_run_agentrun(rs, r, &got, NULL, 0), 0);
    check_same_run(&want, &got, "tail");
    agentrun_free(&got);
    agentrun_free(&want);

    /* a run without uid is kept by namespace/name, and replaced by it */
    struct agentrun n1 = mk_full_run(NULL, "1", "no uid"), n2 = mk_full_run(NULL, "2", "no uid, newer");
    runset_apply_run(rs, RS_EV_ADDED, &n1, false);
    size_t count = runset_count(rs);
    want = copy_of(&n2);
    runset_apply_run(rs, RS_EV_MODIFIED, &n2, false);
    ck_assert_uint_eq(runset_count(rs), count);
    r = runset_find_name(rs, "east", "agents", want.name);
    ck_assert_ptr_nonnull(r);
    ck_assert_ptr_null(r->run.uid);
    ck_assert_int_eq(runset_run_agentrun(rs, r, &got, NULL, 0), 0);
    check_same_run(&want, &got, "no uid");
    agentrun_free(&got);
    agentrun_free(&want);
    runset_free(rs);
}
END_TEST

/* The hay leaves out a field found inside another and the failure class
 * is searched apart: a text term still finds a run by any of its name,
 * agent, lane, head (any case) or class, typed at once or key by key. */
START_TEST(text_terms_find_every_field)
{
    struct runset *rs = runset_new();
    struct agentrun a = mk_run(0, "Failed", TIME_NONE);
    free(a.head);
    a.head = xstrdup("codex/Feature-XYZ");
    runset_apply_run(rs, RS_EV_ADDED, &a, false);
    struct rs_failure f = {.cls = "vcs.worktree", .line = -1};
    runset_set_failure(rs, NULL, "uid-0", &f);
    char err[256];
    static const char *hits[] = {"lane-000-run-20260225a", "lane-000-run-20260225", "codex-a", "feature-xyz",
                                 "FEATURE", "codex/f", "vcs.work", "worktree", "VCS", "run-2026"};
    for (size_t i = 0; i < sizeof hits / sizeof hits[0]; i++) {
        /* typed at once, and key by key (narrowing with the memo) */
        ck_assert_int_eq(runset_set_filter(rs, "", err, sizeof err), 0);
        char typed[64] = "";
        for (size_t k = 0; hits[i][k]; k++) {
            typed[k] = hits[i][k];
            typed[k + 1] = 0;
            ck_assert_int_eq(runset_set_filter(rs, typed, err, sizeof err), 0);
            ck_assert_msg(runset_view_count(rs) == 1, "'%s' finds nothing", typed);
        }
    }
    /* (the namespace is no text field) */
    static const char *misses[] = {"synth", "vcs.workspace", "feature-xyz-", "lane-001"};
    for (size_t i = 0; i < sizeof misses / sizeof misses[0]; i++) {
        ck_assert_int_eq(runset_set_filter(rs, misses[i], err, sizeof err), 0);
        ck_assert_msg(runset_view_count(rs) == 0, "'%s' finds the run", misses[i]);
    }
    runset_free(rs);
}
END_TEST

START_TEST(cursor_follows_uid_when_rows_move)
{
    struct runset *rs = load_examples();
    runset_set_sort(rs, RS_COL_PHASE);
    struct rs_run *g = by_name(rs, G);
    ck_assert_ptr_nonnull(g);
    char *uid = xstrdup(g->run.uid);
    size_t before = runset_view_index(rs, NULL, uid);
    ck_assert_uint_eq(before, 5); /* Succeeded sorts after Failed, Pending, Running */
    uint64_t gen0 = runset_gen(rs);

    /* A MODIFIED event turns g's phase into Cancelled: it moves up. */
    cJSON *list = load_json("agentrunlist.json");
    const cJSON *it;
    cJSON_ArrayForEach(it, json_arr(list, "items")) {
        if (strcmp(json_str(it, "metadata.name"), G) != 0) continue;
        cJSON *copy = cJSON_Duplicate(it, 1);
        cJSON_ReplaceItemInObject(cJSON_GetObjectItem(copy, "status"), "phase", cJSON_CreateString("Cancelled"));
        cJSON_ReplaceItemInObject(cJSON_GetObjectItem(copy, "metadata"), "resourceVersion", cJSON_CreateString("999999"));
        struct agentrun r;
        char err[256];
        ck_assert_int_eq(agentrun_parse(copy, &r, err, sizeof err), 0);
        runset_apply_run(rs, RS_EV_MODIFIED, &r, false);
        cJSON_Delete(copy);
    }
    cJSON_Delete(list);
    ck_assert_uint_gt(runset_gen(rs), gen0);
    size_t after = runset_view_index(rs, NULL, uid);
    ck_assert_uint_eq(after, 0); /* Cancelled sorts first */
    struct rs_run *moved = runset_view_at(rs, after);
    ck_assert_str_eq(moved->run.uid, uid);
    ck_assert_str_eq(rs_run_phase(moved), "Cancelled");
    ck_assert_uint_gt(moved->gen, gen0);
    /* the pointer a view held before the event is still that run */
    ck_assert_ptr_eq(moved, g);

    /* the same resourceVersion again is not a change */
    uint64_t gen1 = runset_gen(rs);
    list = load_json("agentrunlist.json");
    cJSON_ArrayForEach(it, json_arr(list, "items")) {
        if (strcmp(json_str(it, "metadata.name"), E) != 0) continue;
        struct agentrun r;
        char err[256];
        ck_assert_int_eq(agentrun_parse(it, &r, err, sizeof err), 0);
        runset_apply_run(rs, RS_EV_MODIFIED, &r, false);
    }
    cJSON_Delete(list);
    ck_assert_uint_eq(runset_gen(rs), gen1);

    /* filtered out: no row; deleted: still there, flagged */
    char err[256];
    runset_set_filter(rs, "phase:Failed", err, sizeof err);
    ck_assert_uint_eq(runset_view_index(rs, NULL, uid), SIZE_MAX);
    runset_set_filter(rs, "", err, sizeof err);
    struct agentrun gone = {0};
    gone.uid = xstrdup(uid);
    runset_apply_run(rs, RS_EV_DELETED, &gone, false);
    ck_assert(runset_find(rs, NULL, uid)->deleted);
    runset_set_filter(rs, "phase:deleted", err, sizeof err);
    ck_assert_uint_eq(runset_view_count(rs), 1);
    free(uid);
    runset_free(rs);
}
END_TEST

START_TEST(pods_give_digest_and_lane_shows_the_fix)
{
    struct runset *rs = load_examples();
    /* pods before and after their runs are known both attach */
    add_pod(rs, "pod-agentrun-20260225e.json");
    add_pod(rs, "pod-agentrun-20260225g.json");
    struct rs_run *e = by_name(rs, E), *g = by_name(rs, G);
    ck_assert_ptr_nonnull(e->links->digest);
    ck_assert_ptr_nonnull(g->links->digest);
    ck_assert_str_ne(e->links->digest, g->links->digest);
    ck_assert_uint_eq(e->links->npods, 1);
    ck_assert(strncmp(e->links->digest, "sha256:", 7) == 0);

    struct rs_attempt *a;
    size_t n = runset_lane(rs, g, &a);
    ck_assert_uint_eq(n, 4);
    ck_assert_str_eq(a[0].run->run.attempt, "b");
    ck_assert_str_eq(a[3].run->run.name, G);
    ck_assert(a[3].first_success);
    ck_assert(a[3].changed & CHG_DIGEST);
    ck_assert(a[3].changed & CHG_OUTCOME);
    ck_assert(a[3].fix);
    ck_assert(!a[2].first_success);
    ck_assert_uint_eq(a[0].changed, 0);
    free(a);

    /* a run alone is its own lane */
    n = runset_lane(rs, by_name(rs, "jangar-control-plane-implement-sched-q8w2n"), &a);
    ck_assert_uint_eq(n, 1);
    free(a);

    runset_set_pr(rs, NULL, g->run.uid, 3653, "https://github.com/proompteng/lab/pull/3653", "log");
    ck_assert_int_eq(g->links->pr_number, 3653);
    runset_set_sort(rs, RS_COL_PR);
    ck_assert_ptr_eq(runset_view_at(rs, 0), g);
    runset_clear(rs);
    ck_assert_uint_eq(runset_count(rs), 0);
    ck_assert_uint_eq(runset_view_count(rs), 0);
    runset_free(rs);
}
END_TEST

/* ---- sort: every column, against a comparator written here ------------- */

/* Missing text (NULL or "") sorts last; the rest ascending, byte order. */
static int want_str(const char *a, const char *b)
{
    bool ea = !a || !*a, eb = !b || !*b;
    if (ea || eb) return ea - eb;
    return strcmp(a, b) < 0 ? -1 : strcmp(a, b) > 0;
}

/* Numbers: largest first (longest run, newest PR), missing (none) last. */
static int want_desc(int64_t a, int64_t b, int64_t none)
{
    if (a == none || b == none) return (a == none) - (b == none);
    return (a < b) - (a > b);
}

static int want_cmp(enum rs_col col, const struct rs_run *a, const struct rs_run *b)
{
    switch (col) {
    case RS_COL_NAME: return want_str(a->run.name, b->run.name);
    case RS_COL_PHASE: return want_str(a->run.phase, b->run.phase);
    case RS_COL_AGENT: return want_str(a->run.agent, b->run.agent);
    case RS_COL_AGE: return want_desc(a->run.created, b->run.created, TIME_NONE);
    case RS_COL_DURATION: {
        int64_t da = a->run.started == TIME_NONE || a->run.finished == TIME_NONE ? -1 : a->run.finished - a->run.started;
        int64_t db = b->run.started == TIME_NONE || b->run.finished == TIME_NONE ? -1 : b->run.finished - b->run.started;
        return want_desc(da, db, -1);
    }
    case RS_COL_ATTEMPT: return want_str(a->run.attempt, b->run.attempt);
    case RS_COL_CLASS: return want_str(a->links->fail.cls, b->links->fail.cls);
    case RS_COL_PR: return want_desc(a->links->pr_number, b->links->pr_number, -1);
    case RS_COL_DIGEST: return want_str(a->links->digest, b->links->digest);
    case RS_COL_NS: return want_str(a->run.ns, b->run.ns);
    case RS_NCOLS: break;
    }
    return 0;
}

START_TEST(sort_by_every_column)
{
    /* 60 ended runs whose columns repeat with different periods, so every
     * column has ties, missing values and an order of its own */
    static const char *phases[] = {"Failed", "Succeeded", "Cancelled", "Failed", ""};
    static const char *agents[] = {"codex-agent", "", "anypi", "codex-spark", "bumba"};
    static const char *attempts[] = {"b", "", "d", "a", "g", "c", "e"};
    static const char *classes[] = {"vcs.worktree", NULL, "runtime.missing-module", "network", "build.compile", "agent.no-pr"};
    static const char *nss[] = {"agents", "synthesis", "batch"};
    struct runset *rs = runset_new();
    const int64_t t0 = 1772000000000;
    enum { N = 60 };
    char uids[N][32];
    for (int i = 0; i < N; i++) {
        struct agentrun r = {0};
        snprintf(uids[i], sizeof uids[i], "uid-%02d", i);
        r.uid = xstrdup(uids[i]);
        r.ns = xstrdup(nss[i % 3]);
        r.name = xasprintf("lane-%02d-run-20260225%s", (i * 7) % 23, attempts[i % 7]);
        r.phase = *phases[i % 5] ? xstrdup(phases[i % 5]) : NULL;
        r.agent = *agents[i % 5 == 4 ? 4 : (i / 2) % 5] ? xstrdup(agents[i % 5 == 4 ? 4 : (i / 2) % 5]) : NULL;
        r.attempt = xstrdup(attempts[i % 7]);
        r.created = i % 11 == 10 ? TIME_NONE : t0 + (int64_t)((i * 37) % 50) * 60000;
        r.started = i % 9 == 8 ? TIME_NONE : r.created + 1000;
        r.finished = r.started == TIME_NONE || i % 13 == 12 ? TIME_NONE : r.started + (int64_t)((i * 17) % 29) * 30000;
        r.updated = TIME_NONE;
        runset_apply_run(rs, RS_EV_ADDED, &r, false);
        if (classes[i % 6]) {
            struct rs_failure f = {.cls = (char *)classes[i % 6], .line = 3};
            runset_set_failure(rs, NULL, uids[i], &f);
        }
        if (i % 4) runset_set_pr(rs, NULL, uids[i], 3600 + (i * 13) % 40, "https://github.com/o/r/pull/1", "log");
        if (i % 5 != 3) {
            char d[80];
            snprintf(d, sizeof d, "sha256:%02x%062d", (i * 29) % 17, 0);
            runset_set_image(rs, NULL, uids[i], "img:1", d);
        }
    }
    ck_assert_uint_eq(runset_view_count(rs), N);
    for (int k = 0; k < RS_NCOLS; k++) {
        /* from another column first: setting the current one is a no-op */
        runset_set_sort(rs, (enum rs_col)((k + 1) % RS_NCOLS));
        runset_set_sort(rs, (enum rs_col)k);
        ck_assert_int_eq(runset_sort(rs), k);
        ck_assert_uint_eq(runset_view_count(rs), N);
        for (size_t i = 0; i + 1 < N; i++) {
            const struct rs_run *a = runset_view_at(rs, i), *b = runset_view_at(rs, i + 1);
            int c = want_cmp((enum rs_col)k, a, b);
            ck_assert_msg(c <= 0, "sort by %s: row %zu (%s) before row %zu (%s)", runset_col_name((enum rs_col)k), i,
                          a->run.name, i + 1, b->run.name);
            /* ties: newest first */
            if (c == 0 && k != RS_COL_AGE)
                ck_assert_msg(want_desc(a->run.created, b->run.created, TIME_NONE) <= 0,
                              "sort by %s: a tie is not newest first at row %zu", runset_col_name((enum rs_col)k), i);
        }
        /* every column has missing values, and they come last */
        const struct rs_run *last = runset_view_at(rs, N - 1);
        ck_assert_msg(want_cmp((enum rs_col)k, runset_view_at(rs, 0), last) < 0,
                      "sort by %s: the first and the last row compare equal", runset_col_name((enum rs_col)k));
    }
    runset_free(rs);
}
END_TEST

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

START_TEST(filter_speed_100k)
{
    struct runset *rs = runset_new();
    static const char *phases[] = {"Failed", "Succeeded", "Running", "Pending"};
    for (int i = 0; i < 100000; i++) {
        struct agentrun r = {0};
        r.ns = xstrdup(i % 10 ? "agents" : "synthesis");
        r.name = xasprintf("lane-%05d-run-20260225%c", i / 4, 'a' + i % 4);
        r.uid = xasprintf("uid-%d", i);
        r.lane = xasprintf("lane-%05d-run-20260225", i / 4);
        r.attempt = xasprintf("%c", 'a' + i % 4);
        r.agent = xstrdup(i % 3 ? "codex-agent" : "anypi-agent");
        r.phase = xstrdup(phases[i % 4]);
        r.created = 1772000000000LL + i * 1000LL;
        r.started = r.finished = TIME_NONE;
        runset_apply_run(rs, RS_EV_ADDED, &r, false);
    }
    ck_assert_uint_eq(runset_view_count(rs), 100000);
    char err[256];
    const char *typed = "lane-0999";
    char buf[32];
    double worst = 0;
    for (size_t k = 1; k <= strlen(typed); k++) {
        snprintf(buf, sizeof buf, "%.*s", (int)k, typed);
        double t0 = now_s();
        ck_assert_int_eq(runset_set_filter(rs, buf, err, sizeof err), 0);
        size_t n = runset_view_count(rs);
        double dt = now_s() - t0;
        if (dt > worst) worst = dt;
        ck_assert_uint_gt(n, 0);
    }
    ck_assert_uint_eq(runset_view_count(rs), 40); /* lane-09990 .. lane-09999, 4 each */
    ck_assert_int_eq(runset_set_filter(rs, "phase:Failed agent:anypi*", err, sizeof err), 0);
    double t0 = now_s();
    size_t n = runset_view_count(rs);
    double dt = now_s() - t0;
    if (dt > worst) worst = dt;
    ck_assert_uint_gt(n, 0);
    fprintf(stderr, "runset: worst filter pass over 100000 runs: %.1f ms\n", worst * 1e3);
    /* 16 ms is the console's budget per keystroke (bench/console.sh measures
     * it); here a loaded machine and the sanitizers must not make the test
     * flaky, while a pass that is not linear still fails */
#if defined(__SANITIZE_ADDRESS__)
    const double limit = 1.0;
#else
    const double limit = 0.2;
#endif
    ck_assert_msg(worst < limit, "filter took %.1f ms", worst * 1e3);
    runset_free(rs);
}
END_TEST

/* A pod of run_name in namespace agents; every one has the same uid. */
static struct pod mk_pod(const char *name, const char *run_name)
{
    struct pod p = {0};
    p.ns = xstrdup("agents");
    p.name = xstrdup(name);
    p.uid = xstrdup("pod-uid-1");
    p.run_name = xstrdup(run_name);
    return p;
}

/* Two clusters may hold runs of the same namespace and name (and a uid is
 * only unique within its cluster): each is its own run, found by its
 * context, and a pod attaches to its own cluster's run only. */
START_TEST(contexts_never_collide)
{
    struct runset *rs = runset_new();
    for (int k = 0; k < 2; k++) {
        struct agentrun r = mk_run(4, "Running", 1772000100000LL);
        r.context = xstrdup(k ? "east" : "west");
        runset_apply_run(rs, RS_EV_ADDED, &r, false);
    }
    ck_assert_uint_eq(runset_count(rs), 2);
    ck_assert_uint_eq(runset_view_count(rs), 2);
    struct rs_run *w = runset_find(rs, "west", "uid-4"), *e = runset_find(rs, "east", "uid-4");
    ck_assert_ptr_nonnull(w);
    ck_assert_ptr_nonnull(e);
    ck_assert_ptr_ne(w, e);
    ck_assert_ptr_null(runset_find(rs, NULL, "uid-4"));
    ck_assert_ptr_eq(runset_find_name(rs, "east", "agents", w->run.name), e);
    /* a change in one cluster leaves the other's run alone */
    struct agentrun f = mk_run(4, "Failed", 1772000200000LL);
    f.context = xstrdup("east");
    runset_apply_run(rs, RS_EV_MODIFIED, &f, false);
    ck_assert_str_eq(runset_find(rs, "east", "uid-4")->run.phase, "Failed");
    ck_assert_str_eq(runset_find(rs, "west", "uid-4")->run.phase, "Running");
    runset_set_pr(rs, "west", "uid-4", 7, "https://github.com/o/r/pull/7", "log");
    ck_assert_int_eq(runset_find(rs, "east", "uid-4")->links->pr_number, -1);
    ck_assert_int_eq(runset_find(rs, "west", "uid-4")->links->pr_number, 7);
    /* a pod of east, and one that comes before its run in a third cluster */
    struct pod p = mk_pod("pod-a", w->run.name);
    runset_apply_pod(rs, "east", RS_EV_ADDED, &p);
    ck_assert_uint_eq(runset_find(rs, "east", "uid-4")->links->npods, 1);
    ck_assert_uint_eq(runset_find(rs, "west", "uid-4")->links->npods, 0);
    struct pod q = mk_pod("pod-b", w->run.name);
    runset_apply_pod(rs, "north", RS_EV_ADDED, &q);
    ck_assert_uint_eq(runset_find(rs, "west", "uid-4")->links->npods, 0);
    struct agentrun n = mk_run(4, "Running", 1772000100000LL);
    n.context = xstrdup("north");
    runset_apply_run(rs, RS_EV_ADDED, &n, false);
    ck_assert_uint_eq(runset_find(rs, "north", "uid-4")->links->npods, 1);
    ck_assert_uint_eq(runset_find(rs, "west", "uid-4")->links->npods, 0);
    /* deleting one flags that one only */
    struct agentrun d = {0};
    d.uid = xstrdup("uid-4");
    d.context = xstrdup("west");
    runset_apply_run(rs, RS_EV_DELETED, &d, false);
    ck_assert(runset_find(rs, "west", "uid-4")->deleted);
    ck_assert(!runset_find(rs, "east", "uid-4")->deleted);
    ck_assert_uint_eq(runset_count(rs), 3);
    runset_free(rs);
}
END_TEST

/* `ctx:` (or `context:`) picks runs by their context, as a glob; `!ctx:`
 * leaves a context out. */
START_TEST(filter_by_context)
{
    struct runset *rs = runset_new();
    const char *ctxs[] = {"kind-east", "kind-west", "prod"};
    for (unsigned k = 0; k < 3; k++)
        for (unsigned i = 0; i < 2; i++) {
            struct agentrun r = mk_run(i, "Running", 1772000100000LL + i);
            r.context = xstrdup(ctxs[k]);
            runset_apply_run(rs, RS_EV_ADDED, &r, false);
        }
    char err[256];
    ck_assert_int_eq(runset_set_filter(rs, "ctx:prod", err, sizeof err), 0);
    ck_assert_uint_eq(runset_view_count(rs), 2);
    for (size_t i = 0; i < runset_view_count(rs); i++) ck_assert_str_eq(runset_view_at(rs, i)->run.context, "prod");
    ck_assert_int_eq(runset_set_filter(rs, "context:KIND-*", err, sizeof err), 0);
    ck_assert_uint_eq(runset_view_count(rs), 4);
    ck_assert_int_eq(runset_set_filter(rs, "!ctx:kind-west", err, sizeof err), 0);
    ck_assert_uint_eq(runset_view_count(rs), 4);
    for (size_t i = 0; i < runset_view_count(rs); i++)
        ck_assert_str_ne(runset_view_at(rs, i)->run.context, "kind-west");
    ck_assert_int_eq(runset_set_filter(rs, "ctx:nosuch", err, sizeof err), 0);
    ck_assert_uint_eq(runset_view_count(rs), 0);
    ck_assert_int_eq(runset_set_filter(rs, "", err, sizeof err), 0);
    ck_assert_uint_eq(runset_view_count(rs), 6);
    runset_free(rs);
}
END_TEST

static void count_gone(void *ud, const struct rs_run *r)
{
    ck_assert(!r->deleted); /* told before it is flagged */
    (*(size_t *)ud)++;
}

/* A full list of one context marks what it brought; the sweep after it
 * flags deleted only that context's unmarked runs (of its namespace):
 * the other cluster's runs, listed or not, stay as they are. */
START_TEST(sweep_is_limited_to_its_context)
{
    struct runset *rs = runset_new();
    const char *ctxs[] = {"a", "b"};
    for (unsigned k = 0; k < 2; k++)
        for (unsigned i = 0; i < 3; i++) {
            struct agentrun r = mk_run(i, "Running", 1772000100000LL + i);
            r.context = xstrdup(ctxs[k]);
            free(r.ns);
            r.ns = xstrdup(i == 2 ? "other" : "agents");
            runset_apply_run(rs, RS_EV_ADDED, &r, false);
        }
    /* a's list (namespace agents) brought uid-0 only; b was never listed */
    runset_find(rs, "a", "uid-0")->mark = 7;
    size_t told = 0;
    ck_assert_uint_eq(runset_sweep(rs, "a", "agents", 7, count_gone, &told), 1);
    ck_assert_uint_eq(told, 1);
    ck_assert(!runset_find(rs, "a", "uid-0")->deleted);
    ck_assert(runset_find(rs, "a", "uid-1")->deleted);
    ck_assert(!runset_find(rs, "a", "uid-2")->deleted); /* another namespace */
    for (unsigned i = 0; i < 3; i++) {
        char uid[16];
        snprintf(uid, sizeof uid, "uid-%u", i);
        ck_assert(!runset_find(rs, "b", uid)->deleted);
    }
    /* all namespaces of b: b's runs all go (b's marks are its own) */
    uint64_t gen = runset_gen(rs);
    ck_assert_uint_eq(runset_sweep(rs, "b", NULL, 1, NULL, NULL), 3);
    ck_assert_uint_gt(runset_gen(rs), gen);
    ck_assert(!runset_find(rs, "a", "uid-0")->deleted);
    ck_assert(!runset_find(rs, "a", "uid-2")->deleted);
    /* nothing left to sweep: a second sweep changes nothing */
    gen = runset_gen(rs);
    ck_assert_uint_eq(runset_sweep(rs, "b", NULL, 1, NULL, NULL), 0);
    ck_assert_uint_eq(runset_gen(rs), gen);
    struct rs_counts k;
    runset_counts(rs, &k);
    ck_assert_uint_eq(k.deleted, 4);
    runset_free(rs);
}
END_TEST

/* ---- cold fields left in the history cache ---- */

/* A stand-in for the history cache: rows by id (1-based), each a copy of
 * what was applied; a row can be rewritten, dropped or made unreadable. */
struct fake_cache {
    struct agentrun rows[16];
    size_t n;
    int loads;
    bool broken;
};

static int fake_load(void *ud, int64_t id, struct agentrun *out, char *err, size_t errlen)
{
    struct fake_cache *fc = ud;
    fc->loads++;
    if (fc->broken) return errf(err, errlen, "history cache /x/history.db: disk I/O error");
    if (id < 1 || (size_t)id > fc->n || !fc->rows[id - 1].name) return 0;
    *out = copy_of(&fc->rows[id - 1]);
    return 1;
}

static void fake_free(struct fake_cache *fc)
{
    for (size_t i = 0; i < fc->n; i++) agentrun_free(&fc->rows[i]);
}

/* Row fc->n + 1 holds *a; *a goes to `mem` (no cold source: every field
 * in memory) and a copy to `cold` (fields left in the cache). */
static int64_t seed_both(struct fake_cache *fc, struct runset *mem, struct runset *cold, struct agentrun *a,
                         bool deleted)
{
    ck_assert_uint_lt(fc->n, sizeof fc->rows / sizeof fc->rows[0]);
    cJSON_Delete(a->raw);
    a->raw = NULL;
    fc->rows[fc->n++] = copy_of(a);
    struct agentrun b = copy_of(a);
    runset_apply_cached(mem, a, deleted, (int64_t)fc->n);
    runset_apply_cached(cold, &b, deleted, (int64_t)fc->n);
    return (int64_t)fc->n;
}

static struct rs_run *same_run_in(struct runset *rs, const struct rs_run *r)
{
    return r->run.uid ? runset_find(rs, r->run.context, r->run.uid)
                      : runset_find_name(rs, r->run.context, r->run.ns, r->run.name);
}

/* A run seeded from the cache gives back, read from the cache, exactly
 * what a run set keeping everything in memory gives (the example runs,
 * a run with every field, one without uid, a deleted one); reading again
 * does not read the cache again; the cluster's same version keeps the
 * reference, a newer one brings its own fields. */
START_TEST(cold_fields_read_back_from_the_cache)
{
    struct fake_cache fc = {0};
    struct runset *mem = runset_new(), *cold = runset_new();
    runset_set_cold_source(cold, fake_load, &fc);
    cJSON *list = load_json("agentrunlist.json");
    const cJSON *it;
    cJSON_ArrayForEach(it, json_arr(list, "items")) {
        struct agentrun a;
        char err[256];
        ck_assert_int_eq(agentrun_parse(it, &a, err, sizeof err), 0);
        seed_both(&fc, mem, cold, &a, false);
    }
    cJSON_Delete(list);
    struct agentrun full = mk_full_run("uid-full", "10", "first message"), nouid = mk_full_run(NULL, "3", "no uid"),
                    lean = mk_run(4, "Running", TIME_NONE), live = mk_full_run("uid-live", "5", "live one");
    free(live.name);
    live.name = xstrdup("lane-003-run-20260225a");
    int64_t full_id = seed_both(&fc, mem, cold, &full, true);
    int64_t live_id = seed_both(&fc, mem, cold, &live, false);
    seed_both(&fc, mem, cold, &nouid, false);
    seed_both(&fc, mem, cold, &lean, false);
    ck_assert_uint_eq(runset_count(cold), fc.n);
    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i < runset_count(mem); i++) {
            const struct rs_run *m = runset_at(mem, i), *c = same_run_in(cold, m);
            ck_assert_ptr_nonnull(c);
            ck_assert_int_eq(c->cache_id, m->cache_id);
            struct agentrun want, got;
            char err[256] = "";
            ck_assert_int_eq(runset_run_agentrun(mem, m, &want, err, sizeof err), 0);
            ck_assert_msg(runset_run_agentrun(cold, c, &got, err, sizeof err) == 0, "%s", err);
            check_same_run(&want, &got, m->run.name);
            agentrun_free(&want);
            agentrun_free(&got);
        }
        /* the fields did come from the cache, once per run */
        ck_assert_int_gt(fc.loads, 0);
        ck_assert_int_le(fc.loads, (int)fc.n);
    }
    int loads = fc.loads;
    ck_assert(runset_find(cold, "east", "uid-full")->deleted);
    ck_assert_int_eq(runset_find(cold, "east", "uid-full")->cache_id, full_id);

    /* the cluster's same version changes nothing: the reference stays (the row is that version) */
    struct rs_run *r = runset_find(cold, "east", "uid-live");
    uint64_t gen = r->gen;
    struct agentrun same = mk_full_run("uid-live", "5", "live one");
    free(same.name);
    same.name = xstrdup("lane-003-run-20260225a");
    runset_apply_run(cold, RS_EV_MODIFIED, &same, false);
    ck_assert_uint_eq(r->gen, gen);
    struct agentrun got;
    ck_assert_int_eq(runset_run_agentrun(cold, r, &got, NULL, 0), 0);
    check_same_run(&fc.rows[live_id - 1], &got, "same version");
    agentrun_free(&got);
    /* a newer version from the cluster brings its own fields: no read, even with the cache broken */
    struct agentrun newer = mk_full_run("uid-live", "11", "second message"), want = copy_of(&newer);
    free(newer.name);
    free(want.name);
    newer.name = xstrdup("lane-003-run-20260225a");
    want.name = xstrdup("lane-003-run-20260225a");
    runset_apply_run(cold, RS_EV_MODIFIED, &newer, false);
    ck_assert_uint_gt(r->gen, gen);
    fc.broken = true;
    loads = fc.loads;
    ck_assert_int_eq(runset_run_agentrun(cold, r, &got, NULL, 0), 0);
    ck_assert_int_eq(fc.loads, loads);
    check_same_run(&want, &got, "newer");
    agentrun_free(&got);
    agentrun_free(&want);
    runset_free(mem);
    runset_free(cold);
    fake_free(&fc);
}
END_TEST

/* A row that no longer gives what the set read (rewritten by another
 * writer, gone, another run's, unreadable, the cache closed): -1 with one
 * sentence naming the run, the list record's fields and no cold field of
 * any version; the lane still builds; nothing crashes. */
START_TEST(cold_fields_never_stale)
{
    struct fake_cache fc = {0};
    struct runset *mem = runset_new(), *cold = runset_new();
    runset_set_cold_source(cold, fake_load, &fc);
    struct agentrun a = mk_full_run("uid-full", "10", "first message"), b = mk_full_run("uid-b", "20", "b's");
    free(b.name);
    b.name = xstrdup("lane-002-run-20260225b");
    seed_both(&fc, mem, cold, &a, false);
    seed_both(&fc, mem, cold, &b, false);
    struct rs_run *r = runset_find(cold, "east", "uid-full"), *rb = runset_find(cold, "east", "uid-b");
    struct agentrun want, got;
    ck_assert_int_eq(runset_run_agentrun(mem, runset_find(mem, "east", "uid-full"), &want, NULL, 0), 0);

    /* the one change of a row without a new version: the cache marks the
     * run deleted (the console did, as it flagged it). Read back as the set
     * read it, its deletion time too. */
    struct agentrun want_b;
    ck_assert_int_eq(runset_run_agentrun(mem, runset_find(mem, "east", "uid-b"), &want_b, NULL, 0), 0);
    fc.rows[1].deleted_at = 1772000099000LL;
    ck_assert_int_eq(runset_run_agentrun(cold, rb, &got, NULL, 0), 0);
    check_same_run(&want_b, &got, "marked deleted in the cache");
    agentrun_free(&got);
    agentrun_free(&want_b);

    static const char *const cases[] = {"rewritten", "gone", "another run", "unreadable", "closed"};
    static const char *const says[] = {"changed since the list read it", "no longer in the history cache",
                                       "no longer in the history cache", "disk I/O error", "closed"};
    struct agentrun keep = fc.rows[0];
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        fc.rows[0] = keep;
        switch (k) {
        case 0: fc.rows[0] = mk_full_run("uid-full", "11", "second message"); break;
        case 1: memset(&fc.rows[0], 0, sizeof fc.rows[0]); break;
        case 2: fc.rows[0] = fc.rows[1]; break;
        case 3: fc.broken = true; break;
        case 4: runset_set_cold_source(cold, NULL, NULL); break;
        }
        char err[256] = "";
        ck_assert_int_eq(runset_run_agentrun(cold, r, &got, err, sizeof err), -1);
        ck_assert_msg(strstr(err, says[k]) && strstr(err, "agents/lane-002-run-20260225b"), "%s: %s", cases[k],
                      err);
        /* what the list shows, and nothing of another version */
        ck_assert_str_eq(got.name, want.name);
        ck_assert_str_eq(got.phase, want.phase);
        ck_assert_str_eq(got.head, want.head);
        ck_assert_str_eq(got.resource_version, "10");
        ck_assert_ptr_null(got.message);
        ck_assert_ptr_null(got.spec_hash);
        ck_assert_uint_eq(got.nconditions, 0);
        ck_assert_int_eq(got.deleted_at, TIME_NONE);
        agentrun_free(&got);
        ck_assert_int_eq(runset_run_agentrun(cold, r, &got, NULL, 0), -1); /* no err buffer: no crash */
        agentrun_free(&got);
        struct rs_attempt *att;
        ck_assert_uint_ge(runset_lane(cold, rb, &att), 2);
        free(att);
        if (k == 0) agentrun_free(&fc.rows[0]);
        fc.broken = false;
        runset_set_cold_source(cold, fake_load, &fc);
    }
    fc.rows[0] = keep;
    /* the row as it was: read back whole again */
    ck_assert_int_eq(runset_run_agentrun(cold, r, &got, NULL, 0), 0);
    check_same_run(&want, &got, "restored");
    agentrun_free(&got);
    agentrun_free(&want);
    runset_free(mem);
    runset_free(cold);
    fake_free(&fc);
}
END_TEST

/* A text term matches inside one field (name, agent, lane, head), never
 * across two: not with the byte the fields used to be joined by, typed
 * at once or key by key, and a field holding that byte still matches. */
START_TEST(text_terms_never_span_fields)
{
    struct runset *rs = runset_new();
    struct agentrun a = mk_run(0, "Failed", TIME_NONE);
    free(a.name);
    free(a.lane);
    free(a.agent);
    free(a.head);
    a.name = xstrdup("alpha-1");
    a.lane = xstrdup("alpha");
    a.agent = xstrdup("beta");
    a.head = xstrdup("gamma");
    runset_apply_run(rs, RS_EV_ADDED, &a, false);
    struct agentrun b = mk_run(1, "Failed", TIME_NONE);
    free(b.name);
    b.name = xstrdup("x\x01y");
    runset_apply_run(rs, RS_EV_ADDED, &b, false);
    char err[256];
    static const char *const terms[] = {"alpha-1", "beta", "gamma", "1\x01" "beta", "alpha-1\x01", "beta\x01gam",
                                        "a\x01g", "\x01", "x\x01y"};
    static const size_t want[] = {1, 1, 1, 0, 0, 0, 0, 1, 1};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        ck_assert_int_eq(runset_set_filter(rs, "", err, sizeof err), 0);
        ck_assert_int_eq(runset_set_filter(rs, terms[i], err, sizeof err), 0);
        ck_assert_msg(runset_view_count(rs) == want[i], "term %zu: %zu rows", i, runset_view_count(rs));
        /* key by key: the narrowing memo must not carry a hit across a field's end */
        char typed[32] = "";
        for (size_t k = 0; terms[i][k]; k++) {
            typed[k] = terms[i][k];
            typed[k + 1] = 0;
            ck_assert_int_eq(runset_set_filter(rs, typed, err, sizeof err), 0);
        }
        ck_assert_msg(runset_view_count(rs) == want[i], "term %zu typed: %zu rows", i, runset_view_count(rs));
    }
    runset_free(rs);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("runset");
    TCase *tc = tcase_create("runset");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, examples_sorted_newest_first);
    tcase_add_test(tc, sort_by_every_column);
    tcase_add_test(tc, filter_tokens_and_text);
    tcase_add_test(tc, narrowing_equals_fresh_filter);
    tcase_add_test(tc, kept_order_equals_fresh_sort);
    tcase_add_test(tc, narrowing_finds_a_later_hit);
    tcase_add_test(tc, runs_are_compact);
    tcase_add_test(tc, record_keeps_every_field);
    tcase_add_test(tc, text_terms_find_every_field);
    tcase_add_test(tc, cursor_follows_uid_when_rows_move);
    tcase_add_test(tc, pods_give_digest_and_lane_shows_the_fix);
    tcase_add_test(tc, filter_speed_100k);
    tcase_add_test(tc, contexts_never_collide);
    tcase_add_test(tc, filter_by_context);
    tcase_add_test(tc, sweep_is_limited_to_its_context);
    tcase_add_test(tc, cold_fields_read_back_from_the_cache);
    tcase_add_test(tc, cold_fields_never_stale);
    tcase_add_test(tc, text_terms_never_span_fields);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
