/* Starts the project's Kubernetes API test server (tests/kubeapi/server.py)
 * from a C test, the way tests/lib/kubeapi.sh does: stdin is a pipe we hold
 * (closing it stops the server), and "READY <port> <pid>" on stdout says
 * the server and its kubeconfig are ready. Header-only test support. */
#ifndef ARTRIAGE_TEST_SERVER_FIXTURE_H
#define ARTRIAGE_TEST_SERVER_FIXTURE_H
#include <curl/curl.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "util/buf.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

struct kubeapi {
    pid_t child, server_pid;
    int in_fd;
    int port;
    char dir[256];       /* temp dir: data/, kubeconfig */
    char data[300];      /* scenario dir (data/objects, data/logs) */
    char kubeconfig[300];
    char url[64];
};

static void fixture_write(const char *path, const char *content)
{
    char *p = xstrdup(path);
    for (char *s = p + 1; (s = strchr(s, '/')); s++) {
        *s = 0;
        mkdir(p, 0700);
        *s = '/';
    }
    free(p);
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "cannot write %s\n", path);
        abort();
    }
    fputs(content, f);
    fclose(f);
}

/* Makes the temp dir and data dir; call before writing objects. */
static void kubeapi_prepare(struct kubeapi *k)
{
    memset(k, 0, sizeof *k);
    k->in_fd = -1;
    snprintf(k->dir, sizeof k->dir, "/tmp/artriage-kubeapi-XXXXXX");
    if (!mkdtemp(k->dir)) abort();
    snprintf(k->data, sizeof k->data, "%s/data", k->dir);
    snprintf(k->kubeconfig, sizeof k->kubeconfig, "%s/kubeconfig", k->dir);
    char *objs = xasprintf("%s/objects", k->data);
    mkdir(k->data, 0700);
    mkdir(objs, 0700);
    free(objs);
}

/* extra: NULL-terminated server arguments. 0 when READY, -1 otherwise. */
static int kubeapi_start(struct kubeapi *k, const char *const *extra)
{
    const char *src = getenv("ARTRIAGE_SRC");
    if (!src) src = ".";
    char *server = xasprintf("%s/tests/kubeapi/server.py", src);
    const char *argv[64];
    int n = 0;
    argv[n++] = "python3";
    argv[n++] = server;
    argv[n++] = "--data";
    argv[n++] = k->data;
    argv[n++] = "--port";
    argv[n++] = "0";
    argv[n++] = "--kubeconfig-out";
    argv[n++] = k->kubeconfig;
    for (int i = 0; extra && extra[i] && n < 62; i++) argv[n++] = extra[i];
    argv[n] = NULL;
    int in[2], out[2];
    if (pipe(in) < 0 || pipe(out) < 0) abort();
    k->child = fork();
    if (k->child == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[1]);
        close(out[0]);
        execvp("python3", (char **)argv);
        _exit(127);
    }
    free(server);
    close(in[0]);
    close(out[1]);
    k->in_fd = in[1];
    struct buf b = {0};
    int64_t deadline = time_mono_ms() + 30000;
    int rc = -1;
    while (time_mono_ms() < deadline) {
        struct pollfd pf = {.fd = out[0], .events = POLLIN};
        if (poll(&pf, 1, 200) <= 0) continue;
        char chunk[256];
        ssize_t r = read(out[0], chunk, sizeof chunk);
        if (r <= 0) break;
        buf_append(&b, chunk, (size_t)r);
        char *ready = strstr(b.p, "READY ");
        if (ready && strchr(ready, '\n')) {
            int pid = 0;
            if (sscanf(ready, "READY %d %d", &k->port, &pid) >= 1) {
                k->server_pid = pid;
                rc = 0;
            }
            break;
        }
    }
    buf_free(&b);
    close(out[0]);
    snprintf(k->url, sizeof k->url, "http://127.0.0.1:%d", k->port);
    return rc;
}

static void kubeapi_stop(struct kubeapi *k)
{
    if (k->in_fd >= 0) close(k->in_fd);
    k->in_fd = -1;
    if (k->server_pid > 0) kill(k->server_pid, SIGTERM);
    if (k->child > 0) {
        int st;
        waitpid(k->child, &st, 0);
    }
    char *cmd = xasprintf("rm -rf '%s'", k->dir);
    if (system(cmd) != 0) fprintf(stderr, "cannot remove %s\n", k->dir);
    free(cmd);
}

static size_t fixture_sink(char *p, size_t s, size_t n, void *ud)
{
    buf_append(ud, p, s * n);
    return s * n;
}

/* POSTs one script op to the control endpoint (plain HTTP or HTTPS
 * without verification: the control plane is test-only). */
static int kubeapi_op(struct kubeapi *k, const char *json, bool tls)
{
    CURL *e = curl_easy_init();
    char *url = xasprintf("%s://127.0.0.1:%d/_kubeapi/op", tls ? "https" : "http", k->port);
    struct buf b = {0};
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, json);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, fixture_sink);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
    CURLcode cc = curl_easy_perform(e);
    long code = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
    curl_slist_free_all(h);
    curl_easy_cleanup(e);
    free(url);
    if (cc != CURLE_OK || code >= 300) fprintf(stderr, "op failed (%ld): %s\n", code, b.p ? b.p : "");
    buf_free(&b);
    return cc == CURLE_OK && code < 300 ? 0 : -1;
}

/* Script ops on the runs kubeapi_write_runs made (0 when the server took it). */
static inline int kubeapi_patch_run(struct kubeapi *k, int i, const char *phase)
{
    char b[512];
    snprintf(b, sizeof b,
             "{\"op\":\"modify\",\"kind\":\"AgentRun\",\"apiVersion\":\"agents.proompteng.ai/v1alpha1\","
             "\"namespace\":\"agents\",\"name\":\"run-%05d\",\"patch\":{\"status\":{\"phase\":\"%s\","
             "\"message\":\"padding padding padding padding padding padding padding padding padding\"}}}",
             i, phase);
    return kubeapi_op(k, b, false);
}

static inline int kubeapi_delete_run(struct kubeapi *k, int i)
{
    char b[256];
    snprintf(b, sizeof b, "{\"op\":\"delete\",\"kind\":\"AgentRun\",\"apiVersion\":\"agents.proompteng.ai/v1alpha1\","
                          "\"namespace\":\"agents\",\"name\":\"run-%05d\"}", i);
    return kubeapi_op(k, b, false);
}

/* n AgentRuns named run-00000.. in namespace ns, as one AgentRunList file. */
static inline void kubeapi_write_runs(struct kubeapi *k, const char *file, const char *ns, int n)
{
    struct buf b = {0};
    buf_puts(&b, "{\"apiVersion\":\"agents.proompteng.ai/v1alpha1\",\"kind\":\"AgentRunList\",\"items\":[");
    for (int i = 0; i < n; i++) {
        buf_printf(&b,
                   "%s{\"apiVersion\":\"agents.proompteng.ai/v1alpha1\",\"kind\":\"AgentRun\","
                   "\"metadata\":{\"name\":\"run-%05d\",\"namespace\":\"%s\",\"uid\":\"uid-%s-%05d\","
                   "\"labels\":{\"lane\":\"l%d\"}},"
                   "\"spec\":{\"agentRef\":{\"name\":\"codex-agent\"},\"runtime\":{\"type\":\"job\"},"
                   "\"implementationSpecRef\":{\"name\":\"impl\"},\"idempotencyKey\":\"key-%d\","
                   "\"parameters\":{\"repository\":\"proompteng/lab\",\"base\":\"main\",\"head\":\"codex/run-%d\"}},"
                   "\"status\":{\"phase\":\"%s\",\"startedAt\":\"2026-02-25T09:10:02Z\"}}",
                   i ? "," : "", i, ns, ns, i, i % 7, i, i, i % 3 ? "Succeeded" : "Failed");
    }
    buf_puts(&b, "]}");
    char *path = xasprintf("%s/objects/%s", k->data, file);
    fixture_write(path, b.p);
    free(path);
    buf_free(&b);
}
#endif
