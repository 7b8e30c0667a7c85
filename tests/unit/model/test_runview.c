/* Unit tests for src/model/runview: the docs/cli.md run JSON (exact field
 * names), show JSON attempts, agent.no-pr, table sanitising and fitting. */
#include <check.h>
#include "classify/classify.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model/runview.h"
#include "util/err.h"
#include "util/sanitize.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

static cJSON *load_example(const char *file)
{
    const char *src = getenv("ARTRIAGE_SRC");
    ck_assert_ptr_nonnull(src);
    char *path = xasprintf("%s/tests/data/examples/%s", src, file);
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    free(path);
    char *data = xmalloc(1 << 20);
    size_t len = fread(data, 1, (1 << 20) - 1, f);
    fclose(f);
    cJSON *j = cJSON_ParseWithLength(data, len);
    free(data);
    ck_assert_ptr_nonnull(j);
    return j;
}

/* The lane b, d, e, g from the example list; pods e and g. */
struct fixture {
    struct run_view v[6];
    size_t n;
    struct pod pods[2];
};

static void load_fixture(struct fixture *fx)
{
    cJSON *list = load_example("agentrunlist.json");
    const cJSON *it;
    fx->n = 0;
    char err[ERRLEN];
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(list, "items")) {
        run_view_init(&fx->v[fx->n]);
        ck_assert_int_eq(agentrun_parse(it, &fx->v[fx->n].run, err, sizeof err), 0);
        fx->v[fx->n].run.context = xstrdup("demo");
        fx->n++;
    }
    cJSON_Delete(list);
    const char *files[] = {"pod-agentrun-20260225e.json", "pod-agentrun-20260225g.json"};
    for (int i = 0; i < 2; i++) {
        cJSON *j = load_example(files[i]);
        ck_assert_int_eq(pod_parse(j, &fx->pods[i], err, sizeof err), 0);
        cJSON_Delete(j);
    }
    for (size_t i = 0; i < fx->n; i++) run_view_set_image(&fx->v[i], fx->pods, 2);
}

static void free_fixture(struct fixture *fx)
{
    for (size_t i = 0; i < fx->n; i++) run_view_free(&fx->v[i]);
    pod_free(&fx->pods[0]);
    pod_free(&fx->pods[1]);
}

static struct run_view *find(struct fixture *fx, const char *suffix)
{
    for (size_t i = 0; i < fx->n; i++) {
        const char *n = fx->v[i].run.name;
        if (strlen(n) >= strlen(suffix) && strcmp(n + strlen(n) - strlen(suffix), suffix) == 0) return &fx->v[i];
    }
    ck_abort_msg("no run %s", suffix);
    return NULL;
}

START_TEST(run_json_has_the_contract_fields)
{
    struct fixture fx;
    load_fixture(&fx);
    struct run_view *g = find(&fx, "20260225g");
    struct pr_link pr;
    ck_assert_int_eq(pr_link_parse_url("https://github.com/proompteng/lab/pull/3653", &pr), 0);
    pr.source = xstrdup("log:p/agent-runner:line 9");
    run_view_set_pr(g, &pr);
    pr_link_free(&pr);
    run_view_apply_no_pr(g);
    cJSON *j = run_view_json(g);
    static const char *const keys[] = {"context", "namespace", "name", "uid", "phase", "agent", "lane",
                                       "attempt", "created", "started", "finished", "repository", "base",
                                       "head", "idempotencyKey", "image", "imageDigest", "pr", "failure",
                                       "deleted"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        ck_assert_msg(cJSON_GetObjectItemCaseSensitive(j, keys[i]) != NULL, "missing %s", keys[i]);
    ck_assert_str_eq(cJSON_GetObjectItem(j, "context")->valuestring, "demo");
    ck_assert_str_eq(cJSON_GetObjectItem(j, "lane")->valuestring, "torghut-v5-doc12-dspy-adoption-run-20260225");
    ck_assert_str_eq(cJSON_GetObjectItem(j, "attempt")->valuestring, "g");
    ck_assert_str_eq(cJSON_GetObjectItem(j, "created")->valuestring, "2026-02-25T09:58:30Z");
    ck_assert_str_eq(cJSON_GetObjectItem(j, "imageDigest")->valuestring,
                     "sha256:6fa809abd4f436789236af008933f8ee7f0dd422775bbb265d969c23c71d3dbd");
    cJSON *p = cJSON_GetObjectItem(j, "pr");
    ck_assert_str_eq(cJSON_GetObjectItem(p, "url")->valuestring, "https://github.com/proompteng/lab/pull/3653");
    ck_assert_int_eq(cJSON_GetObjectItem(p, "number")->valueint, 3653);
    ck_assert(cJSON_IsNull(cJSON_GetObjectItem(j, "failure")));
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(j, "deleted")));
    cJSON_Delete(j);

    /* a run with no pods: image and digest are null, not missing */
    struct run_view *b = find(&fx, "20260225b");
    j = run_view_json(b);
    ck_assert(cJSON_IsNull(cJSON_GetObjectItem(j, "imageDigest")));
    ck_assert(cJSON_IsNull(cJSON_GetObjectItem(j, "pr")));
    cJSON_Delete(j);
    free_fixture(&fx);
}
END_TEST

START_TEST(no_pr_flag)
{
    struct fixture fx;
    load_fixture(&fx);
    struct run_view *g = find(&fx, "20260225g");
    run_view_apply_no_pr(g);
    cJSON *j = run_view_json(g);
    cJSON *f = cJSON_GetObjectItem(j, "failure");
    ck_assert_str_eq(cJSON_GetObjectItem(f, "class")->valuestring, "agent.no-pr");
    ck_assert(cJSON_IsNull(cJSON_GetObjectItem(f, "line")));
    cJSON_Delete(j);
    /* a PR found later settles it */
    struct pr_link pr;
    ck_assert_int_eq(pr_link_parse_url("https://github.com/proompteng/lab/pull/3653", &pr), 0);
    run_view_set_pr(g, &pr);
    pr_link_free(&pr);
    run_view_apply_no_pr(g);
    ck_assert(!g->has_failure);
    /* a failed run keeps its real cause */
    struct run_view *e = find(&fx, "20260225e");
    run_view_set_failure(e, "runtime.missing-executable", 57, "agent-runner", "path-exec-not-found", "x");
    run_view_apply_no_pr(e);
    ck_assert_str_eq(e->failure.cls, "runtime.missing-executable");
    ck_assert(!e->failure.secondary_no_pr); /* failed: no PR was owed */
    /* the running and pending runs are not flagged */
    for (size_t i = 0; i < fx.n; i++) {
        if (&fx.v[i] == g) continue;
        if (fx.v[i].has_failure) continue;
        run_view_apply_no_pr(&fx.v[i]);
        ck_assert(!fx.v[i].has_failure);
    }
    free_fixture(&fx);
}
END_TEST

START_TEST(show_json_attempt_chain)
{
    struct fixture fx;
    load_fixture(&fx);
    /* b and d ran the same old image as e (their pods are gone: set it) */
    struct run_view *e = find(&fx, "20260225e");
    const char *suf[] = {"20260225b", "20260225d"};
    for (int i = 0; i < 2; i++) {
        struct run_view *x = find(&fx, suf[i]);
        x->digest = xstrdup(e->digest);
        x->image = xstrdup(e->image);
    }
    run_view_set_failure(e, "runtime.missing-executable", 57, "agent-runner", "r", NULL);
    const struct run_view *all[6];
    for (size_t i = 0; i < fx.n; i++) all[i] = &fx.v[i];
    struct attempt_set lane = {all, fx.n};
    cJSON *j = run_show_json(e, fx.pods, 2, &lane);
    cJSON *att = cJSON_GetObjectItem(j, "attempts");
    ck_assert_int_eq(cJSON_GetArraySize(att), 4);
    const char *want[] = {"b", "d", "e", "g"};
    for (int i = 0; i < 4; i++) {
        cJSON *a = cJSON_GetArrayItem(att, i);
        ck_assert_str_eq(cJSON_GetObjectItem(a, "attempt")->valuestring, want[i]);
        ck_assert_ptr_nonnull(cJSON_GetObjectItem(a, "imageDigest"));
        ck_assert_ptr_nonnull(cJSON_GetObjectItem(a, "head"));
        ck_assert_ptr_nonnull(cJSON_GetObjectItem(a, "failure"));
        ck_assert_ptr_nonnull(cJSON_GetObjectItem(a, "phase"));
    }
    cJSON *g = cJSON_GetArrayItem(att, 3);
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(g, "decisive")));
    ck_assert_str_eq(cJSON_GetArrayItem(cJSON_GetObjectItem(g, "changed"), 0)->valuestring, "digest");
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetArrayItem(att, 2), "current")));
    ck_assert_str_eq(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "decisiveChange"), 0)->valuestring, "digest");
    ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "vcsPolicy"), "mode")->valuestring, "read-write");
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(j, "conditions")), 9);
    cJSON *pods = cJSON_GetObjectItem(j, "pods");
    ck_assert_int_eq(cJSON_GetArraySize(pods), 1);
    cJSON *c0 = cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetArrayItem(pods, 0), "containers"), 0);
    static const char *const ck[] = {"name", "image", "imageID", "state", "reason", "exitCode", "restarts"};
    for (size_t i = 0; i < 7; i++) ck_assert_ptr_nonnull(cJSON_GetObjectItem(c0, ck[i]));
    ck_assert_int_eq(cJSON_GetObjectItem(c0, "exitCode")->valueint, 1);
    cJSON_Delete(j);

    /* text rendering names the decisive change */
    struct buf b = {0};
    run_show_text(&b, e, fx.pods, 2, &lane, time_now_ms());
    ck_assert_msg(strstr(b.p, "Before the first success changed: digest") != NULL, "%s", b.p);
    ck_assert_ptr_null(strchr(b.p, 0x1b));
    buf_free(&b);
    free_fixture(&fx);
}
END_TEST

START_TEST(table_is_sanitised_and_fits)
{
    struct fixture fx;
    load_fixture(&fx);
    /* hostile name and reason */
    free(fx.v[0].run.name);
    fx.v[0].run.name = xstrdup("evil\x1b]0;pwned\x07-run");
    free(fx.v[0].run.reason);
    fx.v[0].run.reason = xstrdup("\x1b[2J\xe2\x80\xaeRTL");
    const struct run_view *all[6];
    for (size_t i = 0; i < fx.n; i++) all[i] = &fx.v[i];
    qsort(all, fx.n, sizeof all[0], run_view_cmp_newest);
    ck_assert_str_eq(all[0]->run.name, "torghut-market-context-news-7h2pd");
    ck_assert_str_eq(all[1]->run.name, "jangar-control-plane-implement-sched-q8w2n");
    struct buf b = {0};
    run_table_render(&b, all, fx.n, 0, RUN_TABLE_NAMESPACE, time_now_ms());
    ck_assert_ptr_null(strchr(b.p, 0x1b));
    ck_assert_ptr_null(strchr(b.p, 0x07));
    ck_assert_ptr_null(strstr(b.p, "\xe2\x80\xae"));
    ck_assert_ptr_nonnull(strstr(b.p, "NAMESPACE"));
    /* the console's column names and its short digest (one name per fact) */
    ck_assert_ptr_nonnull(strstr(b.p, "DIGEST"));
    ck_assert_ptr_nonnull(strstr(b.p, " 6fa809abd4f4 "));
    ck_assert_ptr_null(strstr(b.p, "IMAGE"));
    ck_assert_ptr_null(strstr(b.p, "FAILURE"));
    buf_free(&b);
    for (int width = 20; width <= 200; width += 10) {
        struct buf t = {0};
        run_table_render(&t, all, fx.n, width, RUN_TABLE_NAMESPACE, time_now_ms());
        char *save = NULL;
        for (char *line = strtok_r(t.p, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
            size_t cols = 0;
            for (const unsigned char *p = (const unsigned char *)line; *p; p++)
                if ((*p & 0xC0) != 0x80) cols++;
            /* NAME keeps a minimum of 16 columns + PHASE etc., so very narrow
             * terminals may overflow; from 60 columns on every line fits */
            if (width >= 60) ck_assert_msg(cols <= (size_t)width, "width %d: %zu: %s", width, cols, line);
        }
        buf_free(&t);
    }
    /* filters */
    struct run_filter f = {"failed", NULL, TIME_NONE};
    size_t nf = 0;
    for (size_t i = 0; i < fx.n; i++) nf += run_view_match(&fx.v[i], &f);
    ck_assert_uint_eq(nf, 3);
    f = (struct run_filter){NULL, "torghut-v5-doc12-dspy-adoption-run-20260225", TIME_NONE};
    nf = 0;
    for (size_t i = 0; i < fx.n; i++) nf += run_view_match(&fx.v[i], &f);
    ck_assert_uint_eq(nf, 4); /* the lane was fixed at parse time */
    int64_t since;
    ck_assert_int_eq(time_parse_rfc3339("2026-02-25T09:50:00Z", &since), 0);
    f = (struct run_filter){NULL, NULL, since};
    nf = 0;
    for (size_t i = 0; i < fx.n; i++) nf += run_view_match(&fx.v[i], &f);
    ck_assert_uint_ge(nf, 1);
    ck_assert_uint_lt(nf, fx.n);
    free_fixture(&fx);
}
END_TEST

START_TEST(show_text_caps_huge_fields)
{
    /* a 1 MiB status message with a hostile tail and a condition message
     * as big: show's text keeps a screenful of each and says how much is
     * left, never cutting a UTF-8 character in two */
    struct fixture fx;
    load_fixture(&fx);
    struct run_view *v = find(&fx, "20260225e");
    size_t n = 1u << 20;
    char *big = xmalloc(n + 1);
    for (size_t i = 0; i < n; i++) big[i] = "\xc3\xa9x"[i % 3]; /* "éx" repeated */
    memcpy(big + n - 8, "\x1b]0;pw\a", 8);
    big[n] = 0;
    free(v->run.message);
    v->run.message = xstrdup(big);
    if (v->run.nconditions) {
        free(v->run.conditions[0].message);
        v->run.conditions[0].message = xstrdup(big);
    }
    struct buf b = {0};
    run_show_text(&b, v, fx.pods, 2, NULL, time_now_ms());
    ck_assert_uint_lt(b.len, 64u * 1024);
    ck_assert_ptr_null(strchr(b.p, 0x1b));
    ck_assert_ptr_nonnull(strstr(b.p, "more bytes; -o json has them all)"));
    /* the cut backed up to a character boundary: no half "é" escaped */
    ck_assert_ptr_null(strstr(b.p, "\\xc3"));
    ck_assert_ptr_null(strstr(b.p, "\\xa9"));
    for (size_t i = 0; i < b.len;) {
        unsigned cp;
        size_t k = utf8_decode((const unsigned char *)b.p + i, b.len - i, &cp);
        ck_assert_msg(k > 0, "invalid UTF-8 at %zu", i);
        i += k;
    }
    buf_free(&b);
    free(big);
    free_fixture(&fx);
}
END_TEST

START_TEST(status_failure_without_logs)
{
    cJSON *j = cJSON_Parse("{\"metadata\":{\"name\":\"p\",\"labels\":{\"agents.proompteng.ai/agent-run\":\"r\"}},"
                           "\"status\":{\"containerStatuses\":[{\"name\":\"agent-runner\",\"state\":{\"terminated\":"
                           "{\"exitCode\":137,\"reason\":\"OOMKilled\"}}}]}}");
    struct pod p;
    char err[ERRLEN];
    ck_assert_int_eq(pod_parse(j, &p, err, sizeof err), 0);
    cJSON_Delete(j);
    j = cJSON_Parse("{\"metadata\":{\"name\":\"r\"},\"status\":{\"phase\":\"Failed\",\"reason\":\"BackoffLimitExceeded\"}}");
    struct agentrun r;
    ck_assert_int_eq(agentrun_parse(j, &r, err, sizeof err), 0);
    cJSON_Delete(j);
    const char *cont = NULL;
    ck_assert_str_eq(run_status_failure(&r, &p, 1, &cont), "resource.oom");
    ck_assert_str_eq(cont, "agent-runner");
    ck_assert_ptr_null(run_status_failure(&r, NULL, 0, &cont));
    agentrun_free(&r);
    pod_free(&p);
    j = cJSON_Parse("{\"metadata\":{\"name\":\"r\"},\"status\":{\"phase\":\"Failed\",\"conditions\":["
                    "{\"type\":\"InvalidSpec\",\"status\":\"True\",\"reason\":\"MissingAgent\"}]}}");
    ck_assert_int_eq(agentrun_parse(j, &r, err, sizeof err), 0);
    cJSON_Delete(j);
    ck_assert_str_eq(run_status_failure(&r, NULL, 0, NULL), "config.invalid");
    agentrun_free(&r);
    /* the classifier's reason table is the list's too: each reason the
     * engine knows gives the same class here */
    const char *const reasons[][2] = {{"WorkflowConfigMapMissing", "config.invalid"},
                                      {"UnsupportedVcsAuth", "vcs.auth"},
                                      {"OOMKilling", "resource.oom"},
                                      {"ProviderCapacityExhausted", "rate-limit"}};
    for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++) {
        char *js = xasprintf("{\"metadata\":{\"name\":\"r\"},\"status\":{\"phase\":\"Failed\",\"reason\":\"%s\"}}",
                             reasons[i][0]);
        j = cJSON_Parse(js);
        free(js);
        ck_assert_int_eq(agentrun_parse(j, &r, err, sizeof err), 0);
        cJSON_Delete(j);
        ck_assert_str_eq(run_status_failure(&r, NULL, 0, NULL), reasons[i][1]);
        ck_assert_str_eq(classify_reason_class(reasons[i][0]), reasons[i][1]);
        agentrun_free(&r);
    }
    /* and an eviction is classified as the list shows it */
    ck_assert_str_eq(classify_reason_class("Evicted"), "resource.disk");
    ck_assert_ptr_null(classify_reason_class("BackoffLimitExceeded"));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("runview");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, run_json_has_the_contract_fields);
    tcase_add_test(tc, no_pr_flag);
    tcase_add_test(tc, show_json_attempt_chain);
    tcase_add_test(tc, table_is_sanitised_and_fits);
    tcase_add_test(tc, status_failure_without_logs);
    tcase_add_test(tc, show_text_caps_huge_fields);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
