/* Unit tests for the pieces of rerun_prep_load (rerun/prepare.h) that the
 * console's dialog feeds from its own event loop: the run, the namespace's
 * runs in pages (in any order, with junk items), then the lane and plan;
 * and a run object that is not an AgentRun. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rerun/prepare.h"
#include "util/xalloc.h"

#define LANE "torghut-v5-doc12-dspy-adoption-run-20260225"

static cJSON *examples(void)
{
    const char *src = getenv("ARTRIAGE_SRC");
    ck_assert_ptr_nonnull(src);
    char *path = xasprintf("%s/tests/data/examples/agentrunlist.json", src);
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot read %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = xmalloc((size_t)n + 1);
    size_t got = fread(text, 1, (size_t)n, f);
    text[got] = 0;
    fclose(f);
    cJSON *doc = cJSON_Parse(text);
    ck_assert_ptr_nonnull(doc);
    cJSON *items = cJSON_DetachItemFromObject(doc, "items");
    cJSON_Delete(doc);
    free(text);
    free(path);
    return items;
}

static cJSON *copy_named(const cJSON *items, const char *name)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, items)
    {
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(it, "metadata"), "name");
        if (cJSON_IsString(n) && strcmp(n->valuestring, name) == 0) return cJSON_Duplicate(it, 1);
    }
    ck_abort_msg("no run %s", name);
    return NULL;
}

START_TEST(pieces_in_pages_make_the_plan)
{
    cJSON *items = examples();
    struct rerun_prep p = {0};
    rerun_prep_begin(&p, "kubeapi");
    char err[512] = "";
    ck_assert_int_eq(rerun_prep_set_old(&p, copy_named(items, LANE "e"), "agents", LANE "e", err, sizeof err), 0);
    /* two pages, the newest attempt (g) in the second, and junk that is skipped */
    cJSON *page1 = cJSON_CreateArray(), *page2 = cJSON_CreateArray();
    int i = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, items) cJSON_AddItemToArray(i++ < 2 ? page1 : page2, cJSON_Duplicate(it, 1));
    cJSON_AddItemToArray(page2, cJSON_CreateString("not a run"));
    cJSON_AddItemToArray(page2, cJSON_CreateObject());
    rerun_prep_add_runs(&p, page1);
    rerun_prep_add_runs(&p, page2);
    rerun_prep_add_runs(&p, NULL);
    cJSON *notarray = cJSON_CreateObject();
    rerun_prep_add_runs(&p, notarray);
    cJSON_Delete(notarray);
    rerun_prep_finish(&p, NULL);
    ck_assert_str_eq(p.lane.newest_name, LANE "g");
    struct rerun_opts o = {0};
    ck_assert_msg(rerun_prep_plan(&p, &o, err, sizeof err) == 0, "plan: %s", err);
    ck_assert_str_eq(p.plan.name, LANE "h");
    ck_assert_str_eq(p.plan.head, "codex/torghut-v5-doc12-dspy-adoption-20260225h");
    ck_assert_str_eq(p.plan.from_name, LANE "e");
    ck_assert_ptr_nonnull(p.who);
    /* the same, loaded a second time into the same prep: nothing leaks */
    ck_assert_int_eq(rerun_prep_set_old(&p, copy_named(items, LANE "e"), "agents", LANE "e", err, sizeof err), 0);
    rerun_prep_finish(&p, NULL);
    ck_assert_int_eq(rerun_prep_plan(&p, &o, err, sizeof err), 0);
    ck_assert_str_eq(p.plan.name, LANE "h");
    rerun_prep_free(&p);
    cJSON_Delete(page1);
    cJSON_Delete(page2);
    cJSON_Delete(items);
}
END_TEST

START_TEST(old_that_is_not_a_run)
{
    struct rerun_prep p = {0};
    rerun_prep_begin(&p, NULL);
    char err[512] = "";
    cJSON *o = cJSON_Parse("{\"kind\":\"AgentRun\",\"metadata\":{}}");
    ck_assert_int_eq(rerun_prep_set_old(&p, o, "agents", "broken-run", err, sizeof err), -1);
    ck_assert_msg(strstr(err, "agents/broken-run") != NULL, "error does not name the run: %s", err);
    rerun_prep_free(&p);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rerun_prepare");
    TCase *tc = tcase_create("prepare");
    tcase_add_test(tc, pieces_in_pages_make_the_plan);
    tcase_add_test(tc, old_that_is_not_a_run);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
