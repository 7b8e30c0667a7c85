/* Unit tests for src/model/linkage: image/digest, PR scanning (streamed,
 * split anywhere), attempt chains, provenance lanes, agent.no-pr. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model/linkage.h"
#include "util/err.h"
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

START_TEST(image_and_digest_of_example_pods)
{
    struct pod pods[2];
    char err[ERRLEN];
    const char *files[] = {"pod-agentrun-20260225e.json", "pod-agentrun-20260225g.json"};
    for (int i = 0; i < 2; i++) {
        cJSON *j = load_example(files[i]);
        ck_assert_int_eq(pod_parse(j, &pods[i], err, sizeof err), 0);
        cJSON_Delete(j);
    }
    struct run_image img;
    ck_assert(linkage_runner_image(pods, 2, "torghut-v5-doc12-dspy-adoption-run-20260225g", &img));
    ck_assert_ptr_eq(img.pod, &pods[1]);
    ck_assert_str_eq(img.digest, "sha256:6fa809abd4f436789236af008933f8ee7f0dd422775bbb265d969c23c71d3dbd");
    char sd[32], commit[48];
    linkage_short_digest(img.digest, sd, sizeof sd);
    ck_assert_str_eq(sd, "6fa809abd4f4");
    ck_assert(linkage_image_commit(img.image, commit, sizeof commit));
    ck_assert_str_eq(commit, "1cc0ecd211f1548d7e34b86d9b72ab222f9b2f08");
    ck_assert(linkage_runner_image(pods, 2, "torghut-v5-doc12-dspy-adoption-run-20260225e", &img));
    ck_assert_ptr_eq(img.pod, &pods[0]);
    ck_assert_str_ne(img.digest, "sha256:6fa809abd4f436789236af008933f8ee7f0dd422775bbb265d969c23c71d3dbd");
    ck_assert(!linkage_runner_image(pods, 2, "other", &img));
    ck_assert_ptr_null(img.digest);
    /* any pod: the newest (g) */
    ck_assert(linkage_runner_image(pods, 2, NULL, &img));
    ck_assert_ptr_eq(img.pod, &pods[1]);
    ck_assert(!linkage_runner_image(NULL, 0, NULL, &img));
    pod_free(&pods[0]);
    pod_free(&pods[1]);
}
END_TEST

START_TEST(digests_and_commit_tags)
{
    char out[64];
    linkage_short_digest(NULL, out, sizeof out);
    ck_assert_str_eq(out, "");
    linkage_short_digest("sha256:abc", out, sizeof out);
    ck_assert_str_eq(out, "abc");
    linkage_short_digest("sha512:0123456789abcdef0123", out, sizeof out);
    ck_assert_str_eq(out, "sha512:0123456789ab");
    ck_assert(linkage_image_commit("registry.example/lab/codex-runner:f12b6082", out, sizeof out));
    ck_assert_str_eq(out, "f12b6082");
    ck_assert(linkage_image_commit("r/x:git-338312f4@sha256:00", out, sizeof out));
    ck_assert_str_eq(out, "338312f4");
    ck_assert(!linkage_image_commit("r/x:latest", out, sizeof out));
    ck_assert(!linkage_image_commit("r/x:20260225", out, sizeof out));  /* a date, not a SHA */
    ck_assert(!linkage_image_commit("r/x:v1.2.3", out, sizeof out));
    ck_assert(!linkage_image_commit("r/x:abc12", out, sizeof out));      /* too short */
    ck_assert(!linkage_image_commit("localhost:5000/x", out, sizeof out)); /* port, no tag */
    ck_assert(!linkage_image_commit("r/x@sha256:f12b6082aa", out, sizeof out));
    ck_assert(!linkage_image_commit(NULL, out, sizeof out));
}
END_TEST

static const char LOG[] =
    "[command:started] gh pr create\n"
    "see https://github.com/other/repo/pull/12 for context\n"
    "[command:delta] command output https://github.com/proompteng/lab/pull/3652\n"
    "https://github.com/proompteng/lab/pull/0 https://github.com/x/y/pull/ https://github.com//y/pull/3\n"
    "Done: [PR](https://github.com/proompteng/lab/pull/3653).\n"
    "and later https://github.com/other/repo/pull/99\n";

static void expect_lab_3653(struct pr_scan *s)
{
    struct pr_link pr;
    ck_assert_int_eq(pr_scan_result(s, &pr), 1);
    ck_assert_str_eq(pr.url, "https://github.com/proompteng/lab/pull/3653");
    ck_assert_str_eq(pr.repository, "proompteng/lab");
    ck_assert_int_eq(pr.number, 3653);
    ck_assert_int_eq(pr.line, 5);
    ck_assert_str_eq(pr.source, "log:p1/agent-runner:line 5");
    pr_link_free(&pr);
}

START_TEST(pr_scan_prefers_last_in_repository)
{
    struct pr_scan *s = pr_scan_new("ProompTeng/Lab", "log:p1/agent-runner");
    pr_scan_feed(s, LOG, sizeof LOG - 1);
    pr_scan_finish(s);
    expect_lab_3653(s);
    ck_assert_uint_eq(pr_scan_count(s), 4);
    pr_scan_free(s);
    /* without a preferred repository the last match wins */
    s = pr_scan_new(NULL, "log:p1/agent-runner");
    pr_scan_feed(s, LOG, sizeof LOG - 1);
    pr_scan_finish(s);
    struct pr_link pr;
    ck_assert_int_eq(pr_scan_result(s, &pr), 1);
    ck_assert_int_eq(pr.number, 99);
    ck_assert_int_eq(pr.line, 6);
    pr_link_free(&pr);
    pr_scan_free(s);
}
END_TEST

START_TEST(pr_scan_split_at_every_byte)
{
    size_t n = sizeof LOG - 1;
    for (size_t cut = 0; cut <= n; cut++) {
        struct pr_scan *s = pr_scan_new("proompteng/lab", "log:p1/agent-runner");
        pr_scan_feed(s, LOG, cut);
        pr_scan_feed(s, LOG + cut, n - cut);
        pr_scan_finish(s);
        expect_lab_3653(s);
        ck_assert_uint_eq(pr_scan_count(s), 4);
        pr_scan_free(s);
    }
    /* one byte at a time */
    struct pr_scan *s = pr_scan_new("proompteng/lab", "log:p1/agent-runner");
    for (size_t i = 0; i < n; i++) pr_scan_feed(s, LOG + i, 1);
    pr_scan_finish(s);
    expect_lab_3653(s);
    pr_scan_free(s);
}
END_TEST

START_TEST(pr_scan_edges)
{
    /* a URL ending at the last byte counts only after finish */
    const char *t = "x https://github.com/a/b/pull/7";
    struct pr_scan *s = pr_scan_new("a/b", "log:p/c");
    pr_scan_feed(s, t, strlen(t));
    struct pr_link pr;
    ck_assert_int_eq(pr_scan_result(s, &pr), 0);
    pr_link_free(&pr);
    pr_scan_finish(s);
    ck_assert_int_eq(pr_scan_result(s, &pr), 1);
    ck_assert_int_eq(pr.number, 7);
    ck_assert_int_eq(pr.line, 1);
    pr_link_free(&pr);
    pr_scan_free(s);
    /* a huge line of junk and NULs stays bounded and finds nothing */
    s = pr_scan_new("a/b", "log:p/c");
    char *junk = xmalloc(1 << 20);
    memset(junk, 'h', 1 << 20);
    junk[100] = 0;
    for (int i = 0; i < 8; i++) pr_scan_feed(s, junk, 1 << 20);
    const char *tail = "https://github.com/a/b/pull/1234567890 https://github.com/a/b/pull/5\n";
    pr_scan_feed(s, tail, strlen(tail));
    pr_scan_finish(s);
    ck_assert_int_eq(pr_scan_result(s, &pr), 1);
    ck_assert_int_eq(pr.number, 5);
    pr_link_free(&pr);
    ck_assert_uint_eq(pr_scan_count(s), 1);
    pr_scan_free(s);
    free(junk);
    /* NULL-safe */
    ck_assert_int_eq(pr_scan_result(NULL, &pr), 0);
    pr_scan_feed(NULL, "x", 1);
    pr_scan_free(NULL);
    /* URL parsing */
    ck_assert_int_eq(pr_link_parse_url("https://github.com/proompteng/lab/pull/3653", &pr), 0);
    ck_assert_str_eq(pr.repository, "proompteng/lab");
    ck_assert_int_eq(pr.number, 3653);
    pr_link_free(&pr);
    ck_assert_int_eq(pr_link_parse_url("https://github.com/proompteng/lab/pull/3653/files", &pr), -1);
    ck_assert_int_eq(pr_link_parse_url("http://github.com/a/b/pull/1", &pr), -1);
    ck_assert_int_eq(pr_link_parse_url(NULL, &pr), -1);
}
END_TEST

static struct agentrun mkrun(const char *name, const char *created, const char *phase, const char *head,
                             const char *spec_hash)
{
    char *json = xasprintf("{\"metadata\":{\"name\":\"%s\",\"namespace\":\"agents\",\"creationTimestamp\":\"%s\"},"
                           "\"status\":{\"phase\":\"%s\",\"specHash\":\"%s\",\"vcs\":{\"headBranch\":\"%s\"}}}",
                           name, created, phase, spec_hash, head);
    cJSON *j = cJSON_Parse(json);
    free(json);
    struct agentrun r;
    char err[ERRLEN];
    ck_assert_int_eq(agentrun_parse(j, &r, err, sizeof err), 0);
    cJSON_Delete(j);
    return r;
}

START_TEST(attempt_chain_highlights_digest_before_first_success)
{
    /* the seed lane: b, d, e fail on one image; g succeeds on a new one */
    struct agentrun r[4] = {
        mkrun("lane-20260225g", "2026-02-25T09:58:30Z", "Succeeded", "codex/lane-g", "h1"),
        mkrun("lane-20260225b", "2026-02-25T08:12:40Z", "Failed", "codex/lane-b", "h1"),
        mkrun("lane-20260225e", "2026-02-25T09:40:00Z", "Failed", "codex/lane-e", "h1"),
        mkrun("lane-20260225d", "2026-02-25T09:10:02Z", "Failed", "codex/lane-d", "h1"),
    };
    struct lane_member m[4] = {
        {&r[0], "img:new", "sha256:new", NULL, "https://github.com/proompteng/lab/pull/3653"},
        {&r[1], "img:old", "sha256:old", "runtime.missing-module", NULL},
        {&r[2], "img:old", "sha256:old", "runtime.missing-executable", NULL},
        {&r[3], "img:old", "sha256:old", "vcs.worktree", NULL},
    };
    struct chain c;
    linkage_chain(m, 4, &c);
    ck_assert_uint_eq(c.n, 4);
    const char *want[] = {"lane-20260225b", "lane-20260225d", "lane-20260225e", "lane-20260225g"};
    for (int i = 0; i < 4; i++) ck_assert_str_eq(c.items[i].m.run->name, want[i]);
    ck_assert_int_eq(c.first_success, 3);
    ck_assert_uint_eq(c.items[0].changed, 0);
    ck_assert(!(c.items[1].changed & CHG_DIGEST));
    ck_assert(c.items[1].changed & CHG_CLASS);
    ck_assert(c.items[1].changed & CHG_HEAD);
    ck_assert(!(c.items[1].changed & CHG_OUTCOME));
    ck_assert(c.decisive & CHG_DIGEST);
    ck_assert(!(c.decisive & CHG_OUTCOME));
    ck_assert(!(c.decisive & CHG_SPEC));
    char names[128];
    chain_change_names(c.decisive, names, sizeof names);
    ck_assert_str_eq(names, "digest,image,head");
    chain_change_names(c.items[3].changed, names, sizeof names);
    ck_assert_str_eq(names, "digest,image,head,outcome,class");
    chain_change_names(0, names, sizeof names);
    ck_assert_str_eq(names, "");
    chain_free(&c);
    /* ties by name; unknown digests are not a change */
    struct agentrun t[2] = {
        mkrun("x-r3", "2026-02-25T08:00:00Z", "Failed", "h", "s1"),
        mkrun("x-r2", "2026-02-25T08:00:00Z", "Failed", "h", "s2"),
    };
    struct lane_member tm[2] = {{&t[0], NULL, NULL, NULL, NULL}, {&t[1], NULL, "sha256:a", NULL, NULL}};
    linkage_chain(tm, 2, &c);
    ck_assert_str_eq(c.items[0].m.run->name, "x-r2");
    ck_assert_uint_eq(c.items[1].changed, CHG_SPEC);
    ck_assert_int_eq(c.first_success, -1);
    ck_assert_uint_eq(c.decisive, 0);
    chain_free(&c);
    linkage_chain(NULL, 0, &c);
    ck_assert_uint_eq(c.n, 0);
    chain_free(&c);
    for (int i = 0; i < 4; i++) agentrun_free(&r[i]);
    for (int i = 0; i < 2; i++) agentrun_free(&t[i]);
}
END_TEST

static struct agentrun parse(const char *json)
{
    cJSON *j = cJSON_Parse(json);
    ck_assert_ptr_nonnull(j);
    struct agentrun r;
    char err[ERRLEN];
    ck_assert_int_eq(agentrun_parse(j, &r, err, sizeof err), 0);
    cJSON_Delete(j);
    return r;
}

START_TEST(provenance_lanes)
{
    struct agentrun r[4] = {
        parse("{\"metadata\":{\"name\":\"fix-20260225e\",\"namespace\":\"agents\"}}"),
        parse("{\"metadata\":{\"name\":\"codex-agent-x7k2p\",\"namespace\":\"agents\",\"generateName\":\"codex-agent-\","
              "\"annotations\":{\"artriage.dev/rerun-of\":\"agents/fix-20260225e\"}}}"),
        parse("{\"metadata\":{\"name\":\"custom-name\",\"namespace\":\"agents\","
              "\"annotations\":{\"artriage.dev/rerun-of\":\"codex-agent-x7k2p\"}}}"),
        parse("{\"metadata\":{\"name\":\"loop\",\"namespace\":\"agents\","
              "\"annotations\":{\"artriage.dev/rerun-of\":\"agents/loop\"}}}"),
    };
    linkage_resolve_lanes(r, 4);
    ck_assert_str_eq(r[1].lane, "fix-20260225");
    ck_assert_str_eq(r[2].lane, "fix-20260225");
    ck_assert_str_eq(r[3].lane, "loop");
    for (int i = 0; i < 4; i++) agentrun_free(&r[i]);
}
END_TEST

START_TEST(no_pr_contract)
{
    struct agentrun a = parse("{\"metadata\":{\"name\":\"a\"},\"status\":{\"phase\":\"Succeeded\","
                              "\"vcs\":{\"headBranch\":\"codex/a\"}}}");
    ck_assert(linkage_needs_pr(&a));
    agentrun_free(&a);
    a = parse("{\"metadata\":{\"name\":\"a\"},\"spec\":{\"vcsPolicy\":{\"mode\":\"read-only\"}},"
              "\"status\":{\"phase\":\"Succeeded\",\"vcs\":{\"headBranch\":\"codex/a\"}}}");
    ck_assert(!linkage_needs_pr(&a));
    agentrun_free(&a);
    a = parse("{\"metadata\":{\"name\":\"a\"},\"status\":{\"phase\":\"Succeeded\"}}");
    ck_assert(!linkage_needs_pr(&a));
    agentrun_free(&a);
    a = parse("{\"metadata\":{\"name\":\"a\"},\"spec\":{\"parameters\":{\"head\":\"h\"}},\"status\":{\"phase\":\"Failed\"}}");
    ck_assert(!linkage_needs_pr(&a));
    agentrun_free(&a);
    ck_assert(!linkage_needs_pr(NULL));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("linkage");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, image_and_digest_of_example_pods);
    tcase_add_test(tc, digests_and_commit_tags);
    tcase_add_test(tc, pr_scan_prefers_last_in_repository);
    tcase_add_test(tc, pr_scan_split_at_every_byte);
    tcase_add_test(tc, pr_scan_edges);
    tcase_add_test(tc, attempt_chain_highlights_digest_before_first_success);
    tcase_add_test(tc, provenance_lanes);
    tcase_add_test(tc, no_pr_contract);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
