/* What the client trusts and sends (issue "Trust"): names checked as the API
 * server checks them before they become a path; a server URL's userinfo cut
 * out of every URL and kept as basic auth; the process not dumpable once a
 * kubeconfig (credentials) is loaded; a tokenFile read with one size limit
 * the first time and after a 401; many users/contexts load in linear time;
 * notices for plain http and insecure-skip-tls-verify. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>
#include "kube/client.h"
#include "kube/kubeconfig.h"
#include "kube/names.h"
#include "util/buf.h"
#include "util/timeutil.h"

static const char *KC_FMT =
    "apiVersion: v1\nkind: Config\ncurrent-context: c\n"
    "clusters:\n- name: k\n  cluster:\n    server: %s\n%s"
    "users:\n- name: u\n  user:\n%s"
    "contexts:\n- name: c\n  context: {cluster: k, user: u, namespace: %s}\n";

static struct kube_config *resolve(const char *server, const char *cluster_extra, const char *user, const char *ns,
                                   const char *override, char *err)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    fprintf(f, KC_FMT, server, cluster_extra, user, ns);
    fclose(f);
    struct kubeconfig *kc;
    ck_assert_msg(kubeconfig_load_data(text, len, "/tmp/kc", &kc, err, ERRLEN) == 0, "%s", err);
    free(text);
    struct kube_config *cfg = NULL;
    if (kubeconfig_resolve(kc, NULL, override, &cfg, err, ERRLEN) != 0) cfg = NULL;
    kubeconfig_free(kc);
    return cfg;
}

START_TEST(names_as_the_api_server)
{
    ck_assert(kube_is_dns1123_label("agents"));
    ck_assert(kube_is_dns1123_label("a-1"));
    ck_assert(!kube_is_dns1123_label(".."));
    ck_assert(!kube_is_dns1123_label(""));
    ck_assert(!kube_is_dns1123_label("Agents"));
    ck_assert(!kube_is_dns1123_label("-a"));
    ck_assert(!kube_is_dns1123_label("a/b"));
    ck_assert(!kube_is_dns1123_label("a.b"));
    char l64[65];
    memset(l64, 'a', 64);
    l64[64] = 0;
    ck_assert(!kube_is_dns1123_label(l64));
    l64[63] = 0;
    ck_assert(kube_is_dns1123_label(l64));
    ck_assert(kube_is_dns1123_subdomain("run-a.b-2"));
    ck_assert(!kube_is_dns1123_subdomain(".."));
    ck_assert(!kube_is_dns1123_subdomain("a..b"));
    ck_assert(!kube_is_dns1123_subdomain("a%2f"));
    char err[ERRLEN];
    ck_assert_int_eq(kube_check_run_ref("agents/run-1", err, sizeof err), 0);
    ck_assert_int_eq(kube_check_run_ref("run-1", err, sizeof err), 0);
    ck_assert_int_eq(kube_check_run_ref("../run-1", err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "namespace"));
    ck_assert_int_eq(kube_check_run_ref("agents/..", err, sizeof err), -1);
    ck_assert_int_eq(kube_check_run_ref("agents/a/b", err, sizeof err), -1);
}
END_TEST

static void done_cb(void *ud, const struct kube_result *res)
{
    struct buf *b = ud;
    buf_printf(b, "%d|%ld|%s", res->ok, res->http, res->error ? res->error : "");
}

START_TEST(bad_names_never_become_requests)
{
    char err[ERRLEN];
    /* a context namespace and a -n that are not names */
    ck_assert_ptr_null(resolve("https://127.0.0.1:1", "", "    {}\n", "..", NULL, err));
    ck_assert_ptr_nonnull(strstr(err, "context 'c': namespace '..'"));
    ck_assert_ptr_null(resolve("https://127.0.0.1:1", "", "    {}\n", "agents", "..", err));
    ck_assert_ptr_nonnull(strstr(err, "namespace '..'"));
    /* the client refuses without a connection (port 1 would say "cannot reach") */
    struct kube_config *cfg = resolve("https://127.0.0.1:1", "", "    {}\n", "agents", NULL, err);
    ck_assert_msg(cfg != NULL, "%s", err);
    struct kube_client *c;
    ck_assert(kube_client_new(cfg, &c, err, sizeof err) == 0);
    struct buf out = {0};
    struct kube_req q = {.verb = KUBE_LIST, .res = &KUBE_AGENTRUNS, .ns = "..", .on_done = done_cb, .ud = &out};
    kube_request_start(c, &q);
    while (!out.len) kube_client_perform(c);
    ck_assert_ptr_nonnull(strstr(out.p, "namespace '..' is not a valid Kubernetes name"));
    buf_reset(&out);
    struct kube_req g = {.verb = KUBE_GET, .res = &KUBE_AGENTRUNS, .ns = "agents", .name = "../../x",
                         .on_done = done_cb, .ud = &out};
    kube_request_start(c, &g);
    while (!out.len) kube_client_perform(c);
    ck_assert_ptr_nonnull(strstr(out.p, "name '../../x' is not a valid Kubernetes name"));
    buf_free(&out);
    kube_client_free(c);
    kube_config_free(cfg);
}
END_TEST

START_TEST(url_userinfo_is_basic_auth_and_never_printed)
{
    char err[ERRLEN];
    struct kube_config *cfg = resolve("\"http://adm%40x:p%3Ass@127.0.0.1:8080/pre\"", "", "    {}\n", "agents", NULL, err);
    ck_assert_msg(cfg != NULL, "%s", err);
    ck_assert_str_eq(cfg->server, "http://127.0.0.1:8080/pre");
    ck_assert_str_eq(cfg->username, "adm@x");
    ck_assert_str_eq(cfg->password, "p:ss");
    struct kube_client *c;
    ck_assert(kube_client_new(cfg, &c, err, sizeof err) == 0);
    const char *n = kube_client_notice_plain_http(c);
    ck_assert_ptr_nonnull(n);
    ck_assert_ptr_nonnull(strstr(n, "context 'c'"));
    ck_assert_ptr_nonnull(strstr(n, "not sent over plain HTTP"));
    ck_assert_ptr_null(strstr(n, "p:ss"));
    ck_assert_ptr_null(strstr(n, "p%3Ass"));
    ck_assert_ptr_null(kube_client_notice_insecure(c));
    kube_client_free(c);
    kube_config_free(cfg);
    /* the user's own credential wins over the URL's */
    cfg = resolve("https://a:b@k:6443", "", "    token: t0k\n", "agents", NULL, err);
    ck_assert_msg(cfg != NULL, "%s", err);
    ck_assert_str_eq(cfg->server, "https://k:6443");
    ck_assert_ptr_null(cfg->username);
    ck_assert_ptr_null(cfg->password);
    kube_config_free(cfg);
    /* an '@' in the path is not userinfo */
    cfg = resolve("https://k:6443/a@b", "", "    {}\n", "agents", NULL, err);
    ck_assert_msg(cfg != NULL, "%s", err);
    ck_assert_str_eq(cfg->server, "https://k:6443/a@b");
    ck_assert_ptr_null(cfg->username);
    kube_config_free(cfg);
}
END_TEST

START_TEST(insecure_is_announced_and_https_withholds_nothing)
{
    char err[ERRLEN];
    struct kube_config *cfg = resolve("https://k:6443", "    insecure-skip-tls-verify: true\n", "    token: t\n",
                                      "agents", NULL, err);
    ck_assert_msg(cfg != NULL, "%s", err);
    struct kube_client *c;
    ck_assert(kube_client_new(cfg, &c, err, sizeof err) == 0);
    ck_assert_ptr_null(kube_client_notice_plain_http(c));
    ck_assert_ptr_nonnull(kube_client_notice_insecure(c));
    ck_assert_ptr_nonnull(strstr(kube_client_notice_insecure(c), "insecure-skip-tls-verify"));
    ck_assert_ptr_nonnull(strstr(kube_client_notice_insecure(c), "context 'c'"));
    kube_client_free(c);
    kube_config_free(cfg);
    /* plain http without any credential: nothing withheld, nothing said */
    cfg = resolve("http://k:8080", "", "    {}\n", "agents", NULL, err);
    ck_assert(kube_client_new(cfg, &c, err, sizeof err) == 0);
    ck_assert_ptr_null(kube_client_notice_plain_http(c));
    kube_client_free(c);
    kube_config_free(cfg);
}
END_TEST

START_TEST(not_dumpable_once_loaded)
{
    char dir[] = "/tmp/artriage-dump-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/config", dir);
    FILE *f = fopen(path, "w");
    fprintf(f, KC_FMT, "https://k:6443", "", "    token: t\n", "agents");
    fclose(f);
    prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
    ck_assert_int_eq(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 1);
    char err[ERRLEN];
    struct kubeconfig *kc;
    ck_assert_msg(kubeconfig_load(path, &kc, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 0);
    kubeconfig_free(kc);
    unlink(path);
    rmdir(dir);
}
END_TEST

START_TEST(token_file_one_limit)
{
    char dir[] = "/tmp/artriage-tok-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/token", dir);
    /* a token longer than the 16 KiB the re-read used to take is read whole */
    size_t n = 40000;
    char *tok = malloc(n + 2);
    memset(tok, 'x', n);
    tok[n] = '\n';
    tok[n + 1] = 0;
    FILE *f = fopen(path, "w");
    fputs(tok, f);
    fclose(f);
    char err[ERRLEN], *got = NULL;
    ck_assert_int_eq(kube_read_token_file(path, &got, err, sizeof err), 0);
    ck_assert_uint_eq(strlen(got), n);
    free(got);
    /* and one over the limit is refused, not cut */
    f = fopen(path, "w");
    for (size_t i = 0; i <= KUBE_TOKEN_FILE_MAX; i += 1000) fwrite(tok, 1, 1000, f);
    fclose(f);
    got = NULL;
    ck_assert_int_eq(kube_read_token_file(path, &got, err, sizeof err), -1);
    ck_assert_ptr_null(got);
    ck_assert_ptr_nonnull(strstr(err, "larger than"));
    snprintf(path, sizeof path, "%s/none", dir);
    ck_assert_int_eq(kube_read_token_file(path, &got, err, sizeof err), 1);
    free(tok);
    snprintf(path, sizeof path, "%s/token", dir);
    unlink(path);
    rmdir(dir);
}
END_TEST

/* Time to load and resolve a kubeconfig of n users and contexts. */
static double load_many(size_t n)
{
    struct buf b = {0};
    buf_puts(&b, "apiVersion: v1\nkind: Config\ncurrent-context: ctx0\nclusters:\n- name: k\n  cluster:\n"
                 "    server: https://k:6443\nusers:\n");
    for (size_t i = 0; i < n; i++) buf_printf(&b, "- name: user%zu\n  user:\n    token: t%zu\n", i, i);
    buf_puts(&b, "contexts:\n");
    for (size_t i = 0; i < n; i++) buf_printf(&b, "- name: ctx%zu\n  context: {cluster: k, user: user%zu}\n", i, i);
    int64_t t0 = time_mono_ms();
    char err[ERRLEN];
    struct kubeconfig *kc;
    ck_assert_msg(kubeconfig_load_data(b.p, b.len, "many", &kc, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_eq(kubeconfig_context_count(kc), n);
    struct kube_config *cfg;
    char last[32];
    snprintf(last, sizeof last, "ctx%zu", n - 1);
    ck_assert_msg(kubeconfig_resolve(kc, last, NULL, &cfg, err, sizeof err) == 0, "%s", err);
    char want[32];
    snprintf(want, sizeof want, "t%zu", n - 1);
    ck_assert_str_eq(cfg->token, want);
    kube_config_free(cfg);
    kubeconfig_free(kc);
    buf_free(&b);
    return (double)(time_mono_ms() - t0);
}

START_TEST(many_users_load_in_linear_time)
{
    /* 8x the entries must not take anywhere near 64x the time (it did:
     * every entry was looked up in a list of all the earlier ones) */
    double small = load_many(4000), big = load_many(32000);
    if (small < 1) small = 1;
    ck_assert_msg(big < small * 24, "4,000 users: %.0f ms, 32,000: %.0f ms", small, big);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("trust");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, names_as_the_api_server);
    tcase_add_test(tc, bad_names_never_become_requests);
    tcase_add_test(tc, url_userinfo_is_basic_auth_and_never_printed);
    tcase_add_test(tc, insecure_is_announced_and_https_withholds_nothing);
    tcase_add_test(tc, not_dumpable_once_loaded);
    tcase_add_test(tc, token_file_one_limit);
    tcase_add_test(tc, many_users_load_in_linear_time);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
