/* The run services without a front end: the one rule loader hands its
 * warnings back as values (sanitised, nothing printed), and the run source
 * serves the history cache offline with its notes and rule warnings in
 * the set, from a plain options struct. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "runs/runclass.h"
#include "runs/runs.h"
#include "runs/runsrc.h"
#include "store/store.h"
#include "util/err.h"
#include "util/jsonutil.h"
#include "util/xalloc.h"

static char tmp[64];

static void setup(void)
{
    snprintf(tmp, sizeof tmp, "/tmp/artriage-runs-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmp));
    /* no user rules from whoever runs the test */
    setenv("XDG_CONFIG_HOME", tmp, 1);
}

static void teardown(void)
{
    char *cmd = xasprintf("rm -rf '%s'", tmp);
    ck_assert_int_eq(system(cmd), 0);
    free(cmd);
}

/* A rules directory with one good rule and one whose pattern does not
 * compile, in a file whose name carries an escape sequence. */
static char *broken_rules_dir(void)
{
    char *dir = xasprintf("%s/rules", tmp);
    ck_assert_int_eq(mkdir(dir, 0700), 0);
    char *p = xasprintf("%s/10-x\033[31m.rules", dir);
    FILE *f = fopen(p, "w");
    ck_assert_ptr_nonnull(f);
    fputs("rule team.good\nclass team.good\nmatch TEAM-GOOD-MARKER\n\nrule team.bad\nclass team.bad\nmatch broken(\n", f);
    fclose(f);
    free(p);
    return dir;
}

START_TEST(load_reports_warnings_as_values)
{
    char *dir = broken_rules_dir();
    struct buf warn = {0};
    char err[ERRLEN];
    struct classify_rules *rs = runclass_load(dir, &warn, err, sizeof err);
    ck_assert_msg(rs != NULL, "%s", err);
    ck_assert_ptr_nonnull(warn.p);
    /* the problem is named with its file and line, the rest still applies */
    ck_assert_ptr_nonnull(strstr(warn.p, ".rules:7: rule team.bad: bad pattern"));
    ck_assert_ptr_null(strchr(warn.p, '\033'));
    ck_assert_int_eq(warn.p[warn.len - 1], '\n');
    ck_assert_uint_gt(classify_rules_count(rs), 1);
    classify_rules_free(rs);
    /* without a warning buffer the load is the same, silently */
    rs = runclass_load(dir, NULL, err, sizeof err);
    ck_assert_ptr_nonnull(rs);
    classify_rules_free(rs);
    /* an unreadable --rules DIR is an error naming it */
    buf_reset(&warn);
    ck_assert_ptr_null(runclass_load("/nonexistent/rules-dir", &warn, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent/rules-dir"));
    buf_free(&warn);
    free(dir);
}
END_TEST

static void put_run(struct store *s, const char *name, const char *phase, const char *uid)
{
    char *js = xasprintf("{\"apiVersion\":\"agents.proompteng.ai/v1alpha1\",\"kind\":\"AgentRun\","
                         "\"metadata\":{\"name\":\"%s\",\"namespace\":\"agents\",\"uid\":\"%s\","
                         "\"creationTimestamp\":\"2026-02-25T10:00:00Z\",\"resourceVersion\":\"7\"},"
                         "\"spec\":{\"agentRef\":{\"name\":\"codex-agent\"}},"
                         "\"status\":{\"phase\":\"%s\",\"reason\":\"BackoffLimitExceeded\"}}",
                         name, uid, phase);
    cJSON *j = cJSON_Parse(js);
    ck_assert_ptr_nonnull(j);
    struct agentrun r;
    char err[ERRLEN];
    ck_assert_int_eq(agentrun_parse(j, &r, err, sizeof err), 0);
    free(r.context);
    r.context = xstrdup("kind-test");
    ck_assert_msg(store_put_run(s, &r, 1772013600000LL, NULL, err, sizeof err) == 0, "%s", err);
    agentrun_free(&r);
    cJSON_Delete(j);
    free(js);
}

START_TEST(offline_set_from_plain_options)
{
    char *db = xasprintf("%s/cache.db", tmp);
    char err[ERRLEN];
    struct store *s = store_open(db, NULL, err, sizeof err);
    ck_assert_msg(s != NULL, "%s", err);
    put_run(s, "alpha-run-a", "Failed", "u-1");
    put_run(s, "alpha-run-b", "Succeeded", "u-2");
    store_close(s);

    char *dir = broken_rules_dir();
    char *kcfg = xasprintf("%s/no-kubeconfig", tmp);
    struct runs_opts ro = {.kubeconfig = kcfg, .context = "kind-test", .ns = "agents", .db = db,
                           .rules_dir = dir, .offline = true};
    struct runsrc_opts o = {.with_pods = true, .with_deleted = true};
    struct run_set set;
    ck_assert_msg(runsrc_load(&ro, &o, &set, err, sizeof err) == 0, "%s", err);
    ck_assert(set.offline);
    ck_assert_uint_eq(set.n, 2);
    ck_assert_ptr_nonnull(runsrc_find(&set, "alpha-run-a"));
    ck_assert_ptr_nonnull(runsrc_find(&set, "agents/alpha-run-b"));
    ck_assert_ptr_null(runsrc_find(&set, "other/alpha-run-b"));
    /* the rule problem came back in the set, for the front end to say */
    ck_assert_ptr_nonnull(set.rule_warnings.p);
    ck_assert_ptr_nonnull(strstr(set.rule_warnings.p, "rule team.bad: bad pattern"));
    ck_assert_ptr_nonnull(set.rules);
    runsrc_free(&set);

    /* a missing cache offline is an error that says what to do */
    char *nodb = xasprintf("%s/none.db", tmp);
    ro.db = nodb;
    ro.rules_dir = NULL;
    ck_assert_int_ne(runsrc_load(&ro, &o, &set, err, sizeof err), 0);
    ck_assert_ptr_nonnull(strstr(err, "artriage sync"));
    runsrc_free(&set);
    /* selectors belong to the API server */
    ro.db = db;
    o.label_selector = "app=x";
    ck_assert_int_ne(runsrc_load(&ro, &o, &set, err, sizeof err), 0);
    ck_assert_ptr_nonnull(strstr(err, "selectors"));
    runsrc_free(&set);
    free(nodb);
    free(kcfg);
    free(dir);
    free(db);
}
END_TEST

/* One status verdict for both front ends: a named class for a run that
 * failed, nothing for a success or for signals that name no class. */
START_TEST(status_verdict)
{
    char err[ERRLEN];
    struct classify_rules *rs = runclass_load(NULL, NULL, err, sizeof err);
    ck_assert_msg(rs != NULL, "%s", err);
    const char *js = "{\"metadata\":{\"name\":\"r-b\",\"namespace\":\"agents\",\"uid\":\"u\"},"
                     "\"status\":{\"phase\":\"%s\",\"reason\":\"%s\"}}";
    struct { const char *phase, *reason, *cls; } cases[] = {
        {"Failed", "IdempotencyKeyCompleted", "config.invalid"},
        {"Succeeded", "IdempotencyKeyCompleted", NULL},
        {"Failed", "SomethingNobodyNamed", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *t = xasprintf(js, cases[i].phase, cases[i].reason);
        cJSON *j = cJSON_Parse(t);
        struct agentrun r;
        ck_assert_int_eq(agentrun_parse(j, &r, err, sizeof err), 0);
        struct classify_result *res = runclass_status(rs, &r, NULL, 0);
        if (cases[i].cls) {
            ck_assert_msg(res != NULL, "%s/%s: no verdict", cases[i].phase, cases[i].reason);
            ck_assert_str_eq(res->primary.class_id, cases[i].cls);
        } else {
            ck_assert_msg(res == NULL, "%s/%s: %s", cases[i].phase, cases[i].reason, res->primary.class_id);
        }
        classify_result_free(res);
        agentrun_free(&r);
        cJSON_Delete(j);
        free(t);
    }
    classify_rules_free(rs);
}
END_TEST

START_TEST(notes_are_sanitised_lines)
{
    struct runs_notes l = {0};
    runs_note(&l, "pod %s gone", "x\033]52;c;AAAA\007\nsecond");
    runs_note(&l, "two");
    ck_assert_uint_eq(l.n, 2);
    ck_assert_ptr_null(strchr(l.v[0], '\033'));
    ck_assert_ptr_null(strchr(l.v[0], '\n'));
    char **v;
    size_t n = runs_notes_take(&l, &v);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(l.n, 0);
    ck_assert_str_eq(v[1], "two");
    for (size_t i = 0; i < n; i++) free(v[i]);
    free(v);
    runs_notes_free(&l);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("runsrc");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, load_reports_warnings_as_values);
    tcase_add_test(tc, offline_set_from_plain_options);
    tcase_add_test(tc, notes_are_sanitised_lines);
    tcase_add_test(tc, status_verdict);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
