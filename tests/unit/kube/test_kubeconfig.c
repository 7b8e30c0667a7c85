/* Unit tests for src/kube/kubeconfig.c and exec.c: kubectl's merge rules,
 * every auth form, exec plugins (a fake plugin script written here), the
 * in-cluster fallback and garbage files (clear errors, never a crash). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "kube/kubeconfig.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

#define ERRLEN_T 512

static char tmpdir[256];

static void setup(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/artriage-kc-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    unsetenv("KUBECONFIG");
    unsetenv("KUBERNETES_SERVICE_HOST");
    unsetenv("KUBERNETES_SERVICE_PORT");
    setenv("HOME", tmpdir, 1);
}

static void teardown(void)
{
    char *cmd = xasprintf("rm -rf '%s'", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
    free(cmd);
}

static char *write_file(const char *name, const char *content, mode_t mode)
{
    char *path = xasprintf("%s/%s", tmpdir, name);
    for (char *p = path + strlen(tmpdir) + 1; (p = strchr(p, '/')); p++) {
        *p = 0;
        mkdir(path, 0700);
        *p = '/';
    }
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(content, f);
    fclose(f);
    chmod(path, mode);
    return path;
}

static struct kube_config *resolve_text(const char *yaml, const char *ctx, const char *ns, char *err)
{
    char *path = write_file("config", yaml, 0600);
    struct kubeconfig *kc = NULL;
    struct kube_config *cfg = NULL;
    if (kubeconfig_load(path, &kc, err, ERRLEN_T) == 0) {
        kubeconfig_resolve(kc, ctx, ns, &cfg, err, ERRLEN_T);
        kubeconfig_free(kc);
    }
    free(path);
    return cfg;
}

static const char *FILE_A =
    "apiVersion: v1\nkind: Config\ncurrent-context: a\n"
    "clusters:\n- name: c1\n  cluster:\n    server: https://one.example:6443/\n    certificate-authority: certs/ca.pem\n"
    "users:\n- name: u1\n  user:\n    token: tok-a\n"
    "contexts:\n- name: a\n  context:\n    cluster: c1\n    user: u1\n    namespace: ns-a\n";
static const char *FILE_B =
    "apiVersion: v1\nkind: Config\ncurrent-context: b\n"
    "clusters:\n- name: c1\n  cluster:\n    server: https://shadowed.example\n"
    "- name: c2\n  cluster:\n    server: http://two.example:8080\n    insecure-skip-tls-verify: true\n"
    "    tls-server-name: api.internal\n    proxy-url: http://proxy:3128\n"
    "users:\n- name: u1\n  user:\n    token: shadowed\n- name: u2\n  user:\n    username: alice\n    password: s3cret\n"
    "contexts:\n- name: b\n  context:\n    cluster: c2\n    user: u2\n- name: a\n  context:\n    cluster: c2\n";

START_TEST(merge_first_file_wins)
{
    char err[ERRLEN_T] = "";
    char *ca = write_file("a/certs/ca.pem", "PEM", 0600);
    char *pa = write_file("a/config", FILE_A, 0600);
    char *pb = write_file("b/config", FILE_B, 0600);
    char *list = xasprintf("%s/missing:%s::%s:%s", tmpdir, pa, pb, pa);
    setenv("KUBECONFIG", list, 1);
    struct kubeconfig *kc;
    ck_assert_int_eq(kubeconfig_load(NULL, &kc, err, sizeof err), 0);
    ck_assert_str_eq(kubeconfig_current_context(kc), "a");
    ck_assert_uint_eq(kubeconfig_context_count(kc), 2);
    struct kube_config *cfg;
    ck_assert_int_eq(kubeconfig_resolve(kc, NULL, NULL, &cfg, err, sizeof err), 0);
    ck_assert_str_eq(cfg->context, "a");
    ck_assert_str_eq(cfg->server, "https://one.example:6443");
    ck_assert_str_eq(cfg->ns, "ns-a");
    ck_assert(!cfg->ns_explicit);
    ck_assert_str_eq(cfg->token, "tok-a");
    ck_assert_str_eq(cfg->ca_file, ca); /* relative to the file that defined it */
    kube_config_free(cfg);

    ck_assert_int_eq(kubeconfig_resolve(kc, "b", "other", &cfg, err, sizeof err), 0);
    ck_assert_str_eq(cfg->server, "http://two.example:8080");
    ck_assert(cfg->insecure);
    ck_assert_str_eq(cfg->tls_server_name, "api.internal");
    ck_assert_str_eq(cfg->proxy_url, "http://proxy:3128");
    ck_assert_str_eq(cfg->username, "alice");
    ck_assert_str_eq(cfg->password, "s3cret");
    ck_assert_str_eq(cfg->ns, "other");
    ck_assert(cfg->ns_explicit);
    struct kube_config *dup = kube_config_dup(cfg);
    ck_assert_str_eq(dup->password, "s3cret");
    kube_config_free(dup);
    kube_config_free(cfg);

    ck_assert_int_eq(kubeconfig_resolve(kc, "prod", NULL, &cfg, err, sizeof err), -1);
    char *want = xasprintf("context 'prod' not found in %s, %s", pa, pb);
    ck_assert_str_eq(err, want);
    free(want);
    kubeconfig_free(kc);
    free(ca);
    free(pa);
    free(pb);
    free(list);
}
END_TEST

START_TEST(default_file_and_namespace_default)
{
    char err[ERRLEN_T] = "";
    char *p = write_file(".kube/config",
                         "current-context: x\nclusters: [{name: c, cluster: {server: 'https://h'}}]\n"
                         "contexts: [{name: x, context: {cluster: c}}]\n", 0600);
    struct kubeconfig *kc;
    ck_assert_int_eq(kubeconfig_load(NULL, &kc, err, sizeof err), 0);
    struct kube_config *cfg;
    ck_assert_int_eq(kubeconfig_resolve(kc, NULL, NULL, &cfg, err, sizeof err), 0);
    ck_assert_str_eq(cfg->ns, "default");
    ck_assert_str_eq(cfg->user_name, "");
    ck_assert_ptr_null(cfg->token);
    ck_assert_str_eq(cfg->source, p);
    kube_config_free(cfg);
    kubeconfig_free(kc);
    free(p);
}
END_TEST

START_TEST(auth_forms)
{
    char err[ERRLEN_T] = "";
    char *tf = write_file("tok", "file-token\n", 0600);
    (void)tf;
    char *yaml = xasprintf(
        "current-context: t\n"
        "clusters:\n- name: c\n  cluster:\n    server: https://h:1\n"
        "    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==\n"
        "users:\n"
        "- name: tf\n  user:\n    tokenFile: tok\n"
        "- name: cd\n  user:\n    client-certificate-data: Y2VydA==\n    client-key-data: a2V5\n"
        "- name: cf\n  user:\n    client-certificate: tok\n    client-key: %s/tok\n"
        "- name: both\n  user:\n    token: zzz-secret\n    username: u\n"
        "- name: half\n  user:\n    client-certificate-data: Y2VydA==\n"
        "contexts:\n- {name: t, context: {cluster: c, user: tf}}\n- {name: d, context: {cluster: c, user: cd}}\n"
        "- {name: f, context: {cluster: c, user: cf}}\n- {name: both, context: {cluster: c, user: both}}\n"
        "- {name: half, context: {cluster: c, user: half}}\n- {name: nouser, context: {cluster: c, user: ghost}}\n"
        "- {name: nocl, context: {cluster: ghost}}\n",
        tmpdir);
    struct kube_config *cfg = resolve_text(yaml, NULL, NULL, err);
    ck_assert_msg(cfg != NULL, "%s", err);
    ck_assert_str_eq(cfg->token, "file-token");
    ck_assert_ptr_nonnull(cfg->token_file);
    ck_assert_uint_eq(cfg->ca_len, strlen("-----BEGIN CERTIFICATE-----\n"));
    ck_assert_int_eq(memcmp(cfg->ca_data, "-----BEGIN CERTIFICATE-----\n", cfg->ca_len), 0);
    kube_config_free(cfg);
    cfg = resolve_text(yaml, "d", NULL, err);
    ck_assert_msg(cfg != NULL, "%s", err);
    ck_assert_uint_eq(cfg->cert_len, 4);
    ck_assert_str_eq((char *)cfg->cert_data, "cert");
    ck_assert_str_eq((char *)cfg->key_data, "key");
    kube_config_free(cfg);
    cfg = resolve_text(yaml, "f", NULL, err);
    ck_assert_msg(cfg != NULL, "%s", err);
    ck_assert_str_eq(cfg->cert_file, tf);
    ck_assert_str_eq(cfg->key_file, tf);
    kube_config_free(cfg);
    cfg = resolve_text(yaml, "both", NULL, err);
    ck_assert_ptr_null(cfg);
    ck_assert_ptr_nonnull(strstr(err, "more than one authentication method"));
    ck_assert_ptr_null(strstr(err, "zzz-secret"));
    cfg = resolve_text(yaml, "half", NULL, err);
    ck_assert_ptr_null(cfg);
    ck_assert_ptr_nonnull(strstr(err, "client-certificate is set without client-key"));
    cfg = resolve_text(yaml, "nouser", NULL, err);
    ck_assert_ptr_null(cfg);
    ck_assert_ptr_nonnull(strstr(err, "names user 'ghost', which is not defined"));
    cfg = resolve_text(yaml, "nocl", NULL, err);
    ck_assert_ptr_null(cfg);
    ck_assert_ptr_nonnull(strstr(err, "names cluster 'ghost'"));
    free(yaml);
    free(tf);
}
END_TEST

static void expect_error(const char *yaml, const char *ctx, const char *needle)
{
    char err[ERRLEN_T] = "";
    struct kube_config *cfg = resolve_text(yaml, ctx, NULL, err);
    ck_assert_msg(cfg == NULL, "expected failure for: %s", yaml);
    ck_assert_msg(strstr(err, needle) != NULL, "error '%s' lacks '%s'", err, needle);
    ck_assert_msg(strstr(err, tmpdir) != NULL || strstr(err, "context") != NULL, "error '%s' names no file", err);
}

START_TEST(garbage_is_a_clear_error)
{
    expect_error("clusters: [unclosed\n", NULL, "invalid YAML at line");
    expect_error("- just\n- a list\n", NULL, "top level must be a mapping");
    expect_error("clusters: 5\n", NULL, "'clusters' must be a list");
    expect_error("clusters:\n- 7\n", NULL, "clusters[0] must be a mapping");
    expect_error("clusters:\n- cluster: {server: x}\n", NULL, "clusters[0] has no name");
    expect_error("current-context: x\nclusters: [{name: c, cluster: {}}]\ncontexts: [{name: x, context: {cluster: c}}]\n",
                 NULL, "cluster 'c' has no server");
    expect_error("current-context: x\nclusters: [{name: c, cluster: {server: 'ftp://x'}}]\n"
                 "contexts: [{name: x, context: {cluster: c}}]\n", NULL, "is not an http(s) URL");
    expect_error("current-context: x\nclusters: [{name: c, cluster: {server: 'https://x', certificate-authority-data: '!!!'}}]\n"
                 "contexts: [{name: x, context: {cluster: c}}]\n", NULL, "certificate-authority-data is not valid base64");
    expect_error("current-context: x\nclusters: [{name: c, cluster: {server: 'https://x', insecure-skip-tls-verify: maybe}}]\n"
                 "contexts: [{name: x, context: {cluster: c}}]\n", NULL, "insecure-skip-tls-verify must be true or false");
    expect_error("current-context: x\nclusters: [{name: c, cluster: {server: 'https://x', insecure-skip-tls-verify: true,"
                 " certificate-authority-data: 'YQ=='}}]\ncontexts: [{name: x, context: {cluster: c}}]\n",
                 NULL, "together with insecure-skip-tls-verify");
    expect_error("current-context: x\nclusters: [{name: c, cluster: {server: 'https://x', certificate-authority: nope.pem}}]\n"
                 "contexts: [{name: x, context: {cluster: c}}]\n", NULL, "certificate-authority");
    expect_error("clusters: []\n", NULL, "current-context is not set");
    expect_error("", "prod", "context 'prod' not found in");
    expect_error("current-context: x\nclusters: [{name: c, cluster: {server: 'https://x'}}]\n"
                 "users: [{name: u, user: {exec: {command: x, apiVersion: client.authentication.k8s.io/v1}}}]\n"
                 "contexts: [{name: x, context: {cluster: c, user: u}}]\n", NULL, "interactiveMode must be specified");
    expect_error("current-context: x\nusers: [{name: u, user: {exec: {command: x, apiVersion: v0}}}]\n", NULL,
                 "exec.apiVersion must be");
    expect_error("a: &x [*x]\n", NULL, "kubeconfig");
}
END_TEST

START_TEST(random_bytes_never_crash)
{
    char err[ERRLEN_T];
    srandom(42);
    const char *alphabet = "abc:- \n\t[]{}&*!|>'\"#%@`,?\x01\xff\x00";
    for (int round = 0; round < 3000; round++) {
        char data[200];
        size_t n = (size_t)(random() % (long)sizeof data);
        for (size_t i = 0; i < n; i++) data[i] = alphabet[random() % 28];
        struct kubeconfig *kc = NULL;
        if (kubeconfig_load_data(data, n, "fuzz", &kc, err, sizeof err) == 0) {
            struct kube_config *cfg = NULL;
            if (kubeconfig_resolve(kc, NULL, NULL, &cfg, err, sizeof err) == 0) kube_config_free(cfg);
            kubeconfig_free(kc);
        } else {
            ck_assert_ptr_nonnull(strstr(err, "fuzz"));
        }
    }
    /* deep nesting */
    char *deep = xmalloc(200002);
    memset(deep, '[', 100000);
    memset(deep + 100000, ']', 100000);
    deep[200000] = 0;
    struct kubeconfig *kc = NULL;
    ck_assert_int_eq(kubeconfig_load_data(deep, 200000, "deep", &kc, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "deep: nested too deeply"));
    free(deep);
}
END_TEST

START_TEST(base64_decoding)
{
    size_t n;
    unsigned char *d = kube_base64_decode("aGVsbG8=", &n);
    ck_assert_uint_eq(n, 5);
    ck_assert_str_eq((char *)d, "hello");
    free(d);
    d = kube_base64_decode("aGVs\nbG8", &n); /* wrapped, unpadded */
    ck_assert_uint_eq(n, 5);
    free(d);
    d = kube_base64_decode("", &n);
    ck_assert_uint_eq(n, 0);
    free(d);
    ck_assert_ptr_null(kube_base64_decode("a", &n));
    ck_assert_ptr_null(kube_base64_decode("@@@@", &n));
}
END_TEST

START_TEST(in_cluster_fallback)
{
    char err[ERRLEN_T] = "";
    struct kubeconfig *kc;
    ck_assert_int_eq(kubeconfig_load(NULL, &kc, err, sizeof err), 0); /* no ~/.kube/config */
    struct kube_config *cfg;
    ck_assert_int_eq(kubeconfig_resolve(kc, NULL, NULL, &cfg, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "not running inside a cluster"));
    setenv("KUBERNETES_SERVICE_HOST", "10.0.0.1", 1);
    setenv("KUBERNETES_SERVICE_PORT", "443", 1);
    char *sa = xasprintf("%s/sa", tmpdir);
    setenv("ARTRIAGE_SA_DIR", sa, 1);
    ck_assert_int_eq(kubeconfig_resolve(kc, NULL, NULL, &cfg, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "service account token"));
    free(write_file("sa/token", "sa-token\n", 0600));
    free(write_file("sa/ca.crt", "PEM", 0600));
    free(write_file("sa/namespace", "agents\n", 0600));
    ck_assert_int_eq(kubeconfig_resolve(kc, NULL, NULL, &cfg, err, sizeof err), 0);
    ck_assert_str_eq(cfg->server, "https://10.0.0.1:443");
    ck_assert_str_eq(cfg->token, "sa-token");
    ck_assert_str_eq(cfg->ns, "agents");
    kube_config_free(cfg);
    setenv("KUBERNETES_SERVICE_HOST", "fd00::1", 1);
    ck_assert_int_eq(kubeconfig_resolve(kc, NULL, "x", &cfg, err, sizeof err), 0);
    ck_assert_str_eq(cfg->server, "https://[fd00::1]:443");
    ck_assert_str_eq(cfg->ns, "x");
    kube_config_free(cfg);
    kubeconfig_free(kc);
    free(sa);
    unsetenv("ARTRIAGE_SA_DIR");
}
END_TEST

START_TEST(explicit_path_must_exist)
{
    char err[ERRLEN_T] = "";
    struct kubeconfig *kc;
    char *p = xasprintf("%s/nope", tmpdir);
    ck_assert_int_eq(kubeconfig_load(p, &kc, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "does not exist"));
    ck_assert_ptr_nonnull(strstr(err, p));
    ck_assert_int_eq(kubeconfig_load(tmpdir, &kc, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "is a directory"));
    free(p);
}
END_TEST

/* A fake exec plugin: counts its runs, records its env and args, prints an
 * ExecCredential whose token and expiry come from its environment. */
static const char *PLUGIN =
    "#!/bin/sh\n"
    "n=$(cat \"$STATE/count\" 2>/dev/null || echo 0); n=$((n+1)); echo $n > \"$STATE/count\"\n"
    "printf '%s' \"$KUBERNETES_EXEC_INFO\" > \"$STATE/info\"\n"
    "echo \"$@\" > \"$STATE/args\"\n"
    "if [ -n \"$FAIL\" ]; then echo 'stdout-secret'; echo 'plugin broke: no login' >&2; exit 3; fi\n"
    "exp=''\n"
    "if [ -n \"$EXPIRY\" ]; then exp=\",\\\"expirationTimestamp\\\":\\\"$EXPIRY\\\"\"; fi\n"
    "printf '{\"apiVersion\":\"%s\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"%s-%s-%s\"%s}}\\n' "
    "\"${OUT_VERSION:-client.authentication.k8s.io/v1}\" \"$PREFIX\" \"$1\" \"$n\" \"$exp\"\n";

static struct kube_config *exec_config(const char *version, const char *mode, const char *extra_env)
{
    char *plugin = write_file("bin/plugin", PLUGIN, 0700);
    free(plugin);
    char *yaml = xasprintf(
        "current-context: x\nclusters: [{name: c, cluster: {server: 'https://h'}}]\n"
        "contexts: [{name: x, context: {cluster: c, user: u}}]\n"
        "users:\n- name: u\n  user:\n    exec:\n      apiVersion: %s\n      command: ./bin/plugin\n"
        "      args: [first, second]\n%s%s"
        "      env:\n      - {name: PREFIX, value: tok}\n      - {name: STATE, value: '%s'}\n%s",
        version, mode ? "      interactiveMode: " : "", mode ? mode : "", tmpdir, extra_env ? extra_env : "");
    char err[ERRLEN_T] = "";
    struct kube_config *cfg = resolve_text(yaml, NULL, NULL, err);
    ck_assert_msg(cfg != NULL, "%s", err);
    free(yaml);
    return cfg;
}

static char *slurp(const char *name)
{
    char *p = xasprintf("%s/%s", tmpdir, name);
    FILE *f = fopen(p, "r");
    free(p);
    if (!f) return xstrdup("");
    char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    return xstrdup(buf);
}

START_TEST(exec_plugin_v1)
{
    struct kube_config *cfg = exec_config("client.authentication.k8s.io/v1", "Never\n", NULL);
    ck_assert_ptr_nonnull(cfg->exec);
    ck_assert_ptr_nonnull(strstr(cfg->exec->command, "/bin/plugin"));
    ck_assert_int_eq(cfg->exec->command[0], '/'); /* made relative to the kubeconfig */
    struct kube_cred cred = {.expires_ms = TIME_NONE};
    char err[ERRLEN_T] = "";
    ck_assert_msg(kube_exec_run(cfg, true, &cred, err, sizeof err) == 0, "%s", err);
    ck_assert_str_eq(cred.token, "tok-first-1");
    ck_assert(kube_cred_valid(&cred, time_now_ms()));
    char *info = slurp("info");
    ck_assert_ptr_nonnull(strstr(info, "\"interactive\":false")); /* Never: no stdin even with a tty */
    ck_assert_ptr_nonnull(strstr(info, "\"apiVersion\":\"client.authentication.k8s.io/v1\""));
    free(info);
    char *args = slurp("args");
    ck_assert_str_eq(args, "first second\n");
    free(args);
    kube_cred_clear(&cred);
    kube_config_free(cfg);
}
END_TEST

START_TEST(exec_plugin_v1beta1_expiry_and_rerun)
{
    setenv("OUT_VERSION", "client.authentication.k8s.io/v1beta1", 1);
    struct kube_config *cfg = exec_config("client.authentication.k8s.io/v1beta1", NULL,
                                          "      - {name: EXPIRY, value: '2001-01-01T00:00:00Z'}\n");
    ck_assert_str_eq(cfg->exec->interactive_mode, "IfAvailable");
    struct kube_cred cred = {.expires_ms = TIME_NONE};
    char err[ERRLEN_T] = "";
    ck_assert_msg(kube_exec_run(cfg, false, &cred, err, sizeof err) == 0, "%s", err);
    ck_assert_str_eq(cred.token, "tok-first-1");
    ck_assert(!kube_cred_valid(&cred, time_now_ms())); /* expired: the caller runs it again */
    ck_assert_msg(kube_exec_run(cfg, false, &cred, err, sizeof err) == 0, "%s", err);
    ck_assert_str_eq(cred.token, "tok-first-2");
    kube_cred_clear(&cred);
    kube_config_free(cfg);
    /* a future expiry is valid until 10 s before it */
    cfg = exec_config("client.authentication.k8s.io/v1beta1", NULL, "      - {name: EXPIRY, value: '2999-01-01T00:00:00Z'}\n");
    ck_assert_msg(kube_exec_run(cfg, false, &cred, err, sizeof err) == 0, "%s", err);
    ck_assert(kube_cred_valid(&cred, time_now_ms()));
    ck_assert_int_gt(cred.expires_ms, time_now_ms());
    kube_cred_clear(&cred);
    kube_config_free(cfg);
    unsetenv("OUT_VERSION");
}
END_TEST

START_TEST(exec_plugin_failures)
{
    char err[ERRLEN_T] = "";
    struct kube_cred cred = {.expires_ms = TIME_NONE};
    struct kube_config *cfg = exec_config("client.authentication.k8s.io/v1", "Never\n", "      - {name: FAIL, value: '1'}\n");
    ck_assert_int_eq(kube_exec_run(cfg, false, &cred, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "failed with exit status 3: plugin broke: no login"));
    ck_assert_ptr_nonnull(strstr(err, "context 'x'"));
    ck_assert_ptr_null(strstr(err, "stdout-secret"));
    kube_config_free(cfg);

    /* the plugin answers with another apiVersion than asked for */
    setenv("OUT_VERSION", "client.authentication.k8s.io/v1beta1", 1);
    cfg = exec_config("client.authentication.k8s.io/v1", "IfAvailable\n", NULL);
    ck_assert_int_eq(kube_exec_run(cfg, false, &cred, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "kind/apiVersion"));
    ck_assert_ptr_null(strstr(err, "tok-first"));
    unsetenv("OUT_VERSION");
    kube_config_free(cfg);

    cfg = exec_config("client.authentication.k8s.io/v1", "Always\n", NULL);
    ck_assert_int_eq(kube_exec_run(cfg, false, &cred, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "needs an interactive terminal"));
    free(cfg->exec->command);
    cfg->exec->command = xstrdup("artriage-no-such-plugin");
    free(cfg->exec->interactive_mode);
    cfg->exec->interactive_mode = xstrdup("Never");
    cfg->exec->install_hint = xstrdup("install it");
    ck_assert_int_eq(kube_exec_run(cfg, false, &cred, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "was not found: install it"));
    kube_config_free(cfg);
    kube_cred_clear(&cred);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("kubeconfig");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, merge_first_file_wins);
    tcase_add_test(tc, default_file_and_namespace_default);
    tcase_add_test(tc, auth_forms);
    tcase_add_test(tc, garbage_is_a_clear_error);
    tcase_add_test(tc, random_bytes_never_crash);
    tcase_add_test(tc, base64_decoding);
    tcase_add_test(tc, in_cluster_fallback);
    tcase_add_test(tc, explicit_path_must_exist);
    tcase_add_test(tc, exec_plugin_v1);
    tcase_add_test(tc, exec_plugin_v1beta1_expiry_and_rerun);
    tcase_add_test(tc, exec_plugin_failures);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
