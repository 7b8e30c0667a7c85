/* Unit tests for src/model/github against tests/github/server.py: lookup
 * by branch, merged/open state and head SHA, token handling, rate limits
 * (no request is sent before the reset), a disabled client. */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "model/github.h"
#include "util/xalloc.h"

static pid_t server_pid;
static char base[64];
static char datafile[] = "/tmp/artriage-gh-XXXXXX";

static const char DATA[] =
    "{\"proompteng/lab\":["
    "{\"number\":3650,\"html_url\":\"https://github.com/proompteng/lab/pull/3650\",\"state\":\"closed\","
    "\"merged_at\":null,\"created_at\":\"2026-02-25T09:00:00Z\",\"head\":{\"ref\":\"codex/g\",\"sha\":\"aaa\"}},"
    "{\"number\":3653,\"html_url\":\"https://github.com/proompteng/lab/pull/3653\",\"state\":\"closed\","
    "\"merged_at\":\"2026-02-25T11:00:00Z\",\"created_at\":\"2026-02-25T10:06:00Z\","
    "\"head\":{\"ref\":\"codex/g\",\"sha\":\"1cc0ecd211f1548d7e34b86d9b72ab222f9b2f08\"}},"
    "{\"number\":3660,\"html_url\":\"https://github.com/proompteng/lab/pull/3660\",\"state\":\"open\","
    "\"merged_at\":null,\"created_at\":\"2026-02-26T10:06:00Z\",\"head\":{\"ref\":\"codex/open\",\"sha\":\"bbb\"}}],"
    "\"bad/types\":[5,{\"number\":\"7\",\"html_url\":3},{\"number\":8,\"html_url\":\"https://github.com/bad/types/pull/8\","
    "\"head\":{\"ref\":\"b\"},\"state\":[]}]}";

static void start_server(const char *extra1, const char *extra2)
{
    int fd = mkstemp(datafile);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, DATA, sizeof DATA - 1), (ssize_t)(sizeof DATA - 1));
    close(fd);
    int pipefd[2];
    ck_assert_int_eq(pipe(pipefd), 0);
    char *script = xasprintf("%s/tests/github/server.py", getenv("ARTRIAGE_SRC"));
    server_pid = fork();
    if (server_pid == 0) {
        dup2(pipefd[1], 1);
        close(pipefd[0]);
        execlp("python3", "python3", script, "--data", datafile, "--token", "s3cret", extra1, extra2,
               (char *)NULL);
        _exit(127);
    }
    free(script);
    close(pipefd[1]);
    FILE *f = fdopen(pipefd[0], "r");
    char line[64] = "";
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
    fclose(f);
    int port = 0;
    ck_assert_int_eq(sscanf(line, "READY %d", &port), 1);
    snprintf(base, sizeof base, "http://127.0.0.1:%d", port);
}

static void stop_server(void)
{
    if (server_pid > 0) {
        kill(server_pid, SIGTERM);
        waitpid(server_pid, NULL, 0);
        server_pid = 0;
    }
    unlink(datafile);
    strcpy(datafile, "/tmp/artriage-gh-XXXXXX");
}

START_TEST(lookup_by_branch)
{
    start_server(NULL, NULL);
    struct gh_client *g = gh_client_new("s3cret", base);
    ck_assert(gh_client_enabled(g));
    struct pr_link pr;
    char err[ERRLEN] = "";
    ck_assert_int_eq(gh_lookup_sync(g, "proompteng/lab", "codex/g", 10000, &pr, err, sizeof err), 1);
    ck_assert_int_eq(pr.number, 3653);
    ck_assert_str_eq(pr.url, "https://github.com/proompteng/lab/pull/3653");
    ck_assert_str_eq(pr.repository, "proompteng/lab");
    ck_assert_str_eq(pr.state, "merged");
    ck_assert_str_eq(pr.head_sha, "1cc0ecd211f1548d7e34b86d9b72ab222f9b2f08");
    ck_assert_str_eq(pr.source, "github-api");
    pr_link_free(&pr);
    ck_assert_int_eq(gh_lookup_sync(g, "proompteng/lab", "codex/open", 10000, &pr, err, sizeof err), 1);
    ck_assert_str_eq(pr.state, "open");
    pr_link_free(&pr);
    ck_assert_int_eq(gh_lookup_sync(g, "proompteng/lab", "codex/none", 10000, &pr, err, sizeof err), 0);
    ck_assert_int_eq(gh_lookup_sync(g, "nobody/none", "x", 10000, &pr, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "404") != NULL, "%s", err);
    ck_assert_int_eq(gh_lookup_sync(g, "bad/types", "b", 10000, &pr, err, sizeof err), 1);
    ck_assert_int_eq(pr.number, 8);
    ck_assert_ptr_null(pr.state);
    pr_link_free(&pr);
    /* bad input is refused before any request */
    ck_assert_int_eq(gh_lookup_sync(g, "not-a-repo", "b", 1000, &pr, err, sizeof err), -1);
    ck_assert_int_eq(gh_lookup_sync(g, "a/b", "", 1000, &pr, err, sizeof err), -1);
    gh_client_free(g);

    /* a wrong token: 401, and the token never shows in the message */
    g = gh_client_new("wrong-token-value", base);
    ck_assert_int_eq(gh_lookup_sync(g, "proompteng/lab", "codex/g", 10000, &pr, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "401") != NULL, "%s", err);
    ck_assert_ptr_null(strstr(err, "wrong-token-value"));
    gh_client_free(g);

    /* asynchronous: two lookups in flight, results carry user pointers */
    g = gh_client_new("s3cret", base);
    int u1, u2;
    ck_assert_int_eq(gh_lookup_start(g, "proompteng/lab", "codex/g", &u1, err, sizeof err), 0);
    ck_assert_int_eq(gh_lookup_start(g, "proompteng/lab", "codex/open", &u2, err, sizeof err), 0);
    ck_assert_ptr_nonnull(gh_client_multi(g));
    int spins = 0;
    while (gh_client_perform(g, 100) > 0 && spins++ < 200) {}
    int seen = 0;
    struct gh_result res;
    while (gh_client_next_result(g, &res)) {
        ck_assert_int_eq(res.status, 1);
        if (res.user == &u1) ck_assert_int_eq(res.pr.number, 3653);
        else ck_assert_int_eq(res.pr.number, 3660);
        seen++;
        gh_result_free(&res);
    }
    ck_assert_int_eq(seen, 2);
    gh_client_free(g);
    stop_server();
}
END_TEST

START_TEST(rate_limit_is_honoured)
{
    start_server("--limit", "2");
    struct gh_client *g = gh_client_new("s3cret", base);
    struct pr_link pr;
    char err[ERRLEN] = "";
    ck_assert_int_eq(gh_lookup_sync(g, "proompteng/lab", "codex/g", 10000, &pr, err, sizeof err), 1);
    pr_link_free(&pr);
    ck_assert_int_eq(gh_client_blocked_until(g), 0);
    /* the second answer says Remaining: 0 */
    ck_assert_int_eq(gh_lookup_sync(g, "proompteng/lab", "codex/g", 10000, &pr, err, sizeof err), 1);
    pr_link_free(&pr);
    ck_assert_int_gt(gh_client_blocked_until(g), 0);
    /* so the third is refused without a request */
    ck_assert_int_eq(gh_lookup_sync(g, "proompteng/lab", "codex/g", 10000, &pr, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "rate limit") != NULL, "%s", err);
    gh_client_free(g);
    /* a fresh client learns it from the 403 and stops too */
    g = gh_client_new("s3cret", base);
    ck_assert_int_eq(gh_lookup_sync(g, "proompteng/lab", "codex/g", 10000, &pr, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "rate limited") != NULL, "%s", err);
    ck_assert_int_eq(gh_lookup_sync(g, "proompteng/lab", "codex/g", 10000, &pr, err, sizeof err), -1);
    gh_client_free(g);
    /* the server saw exactly 3 API requests, all with the token */
    struct gh_client *probe = gh_client_new("x", base);
    (void)probe;
    gh_client_free(probe);
    char *cmd = xasprintf("python3 -c \"import json,urllib.request;"
                          "d=json.load(urllib.request.urlopen('%s/_stats'));"
                          "print(d['requests'], all(d['auth']))\"", base);
    FILE *p = popen(cmd, "r");
    free(cmd);
    char line[64] = "";
    ck_assert_ptr_nonnull(fgets(line, sizeof line, p));
    pclose(p);
    ck_assert_str_eq(line, "3 True\n");
    stop_server();
}
END_TEST

START_TEST(retry_after_blocks)
{
    start_server("--retry-after", "120");
    struct gh_client *g = gh_client_new("s3cret", base);
    struct pr_link pr;
    char err[ERRLEN] = "";
    ck_assert_int_eq(gh_lookup_sync(g, "proompteng/lab", "codex/g", 10000, &pr, err, sizeof err), -1);
    ck_assert_int_gt(gh_client_blocked_until(g), 0);
    ck_assert_int_eq(gh_lookup_start(g, "proompteng/lab", "codex/g", NULL, err, sizeof err), -1);
    gh_client_free(g);
    stop_server();
}
END_TEST

START_TEST(disabled_without_token)
{
    unsetenv("GITHUB_TOKEN");
    struct gh_client *g = gh_client_new(NULL, NULL);
    ck_assert(!gh_client_enabled(g));
    ck_assert_str_eq(gh_client_base(g), GH_DEFAULT_API);
    char err[ERRLEN];
    ck_assert_int_eq(gh_lookup_start(g, "a/b", "c", NULL, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "GITHUB_TOKEN") != NULL, "%s", err);
    ck_assert_int_eq(gh_client_perform(g, 0), 0);
    gh_client_free(g);
    setenv("ARTRIAGE_GITHUB_API", "http://127.0.0.1:1/", 1);
    setenv("GITHUB_TOKEN", "t", 1);
    g = gh_client_new(NULL, NULL);
    ck_assert(gh_client_enabled(g));
    ck_assert_str_eq(gh_client_base(g), "http://127.0.0.1:1");
    /* an unreachable API is an error, quickly */
    struct pr_link pr;
    ck_assert_int_eq(gh_lookup_sync(g, "a/b", "c", 10000, &pr, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "127.0.0.1:1") != NULL, "%s", err);
    gh_client_free(g);
    unsetenv("GITHUB_TOKEN");
    unsetenv("ARTRIAGE_GITHUB_API");
    /* malformed bodies */
    ck_assert_int_eq(gh_parse_pulls("{}", 2, NULL, &pr, err, sizeof err), -1);
    ck_assert_int_eq(gh_parse_pulls("[", 1, NULL, &pr, err, sizeof err), -1);
    ck_assert_int_eq(gh_parse_pulls("[]", 2, NULL, &pr, err, sizeof err), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("github");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, lookup_by_branch);
    tcase_add_test(tc, rate_limit_is_honoured);
    tcase_add_test(tc, retry_after_blocks);
    tcase_add_test(tc, disabled_without_token);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
