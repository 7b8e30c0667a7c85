/* Exec credential plugins (client.authentication.k8s.io v1 / v1beta1), as
 * kubectl runs them: the plugin gets KUBERNETES_EXEC_INFO and the user's
 * env, prints an ExecCredential on stdout; the token lives in memory only. */
#include "kube/kubeconfig.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/jsonutil.h"
#include "util/sanitize.h"
#include "util/timeutil.h"
#include "util/xalloc.h"
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define EXEC_MAX_OUTPUT (1u << 20)
/* A non-interactive plugin that has not answered by then is stuck; the CLI
 * promises an answer within 10 s even against a broken setup. */
#define EXEC_TIMEOUT_MS 6000

extern char **environ;

bool kube_cred_valid(const struct kube_cred *c, int64_t now_ms)
{
    if (!c->token && !c->cert_data) return false;
    return c->expires_ms == TIME_NONE || c->expires_ms > now_ms + 10000;
}

void kube_cred_clear(struct kube_cred *c)
{
    if (c->token) explicit_bzero(c->token, strlen(c->token));
    free(c->token);
    free(c->cert_data);
    if (c->key_data) explicit_bzero(c->key_data, c->key_len);
    free(c->key_data);
    memset(c, 0, sizeof *c);
    c->expires_ms = TIME_NONE;
}

static char *exec_info(const struct kube_config *cfg, bool interactive)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "apiVersion", cfg->exec->api_version);
    cJSON_AddStringToObject(o, "kind", "ExecCredential");
    cJSON *spec = cJSON_AddObjectToObject(o, "spec");
    cJSON_AddBoolToObject(spec, "interactive", interactive);
    if (cfg->exec->provide_cluster_info) {
        cJSON *cl = cJSON_AddObjectToObject(spec, "cluster");
        cJSON_AddStringToObject(cl, "server", cfg->server);
        if (cfg->tls_server_name) cJSON_AddStringToObject(cl, "tls-server-name", cfg->tls_server_name);
        if (cfg->insecure) cJSON_AddBoolToObject(cl, "insecure-skip-tls-verify", true);
        if (cfg->proxy_url) cJSON_AddStringToObject(cl, "proxy-url", cfg->proxy_url);
        if (cfg->ca_data && cfg->ca_len < (1u << 24)) {
            char *b64 = xmalloc(cfg->ca_len / 3 * 4 + 8);
            EVP_EncodeBlock((unsigned char *)b64, cfg->ca_data, (int)cfg->ca_len);
            cJSON_AddStringToObject(cl, "certificate-authority-data", b64);
            free(b64);
        }
    }
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!s) abort();
    return s;
}

/* The last non-empty line of the plugin's stderr, sanitised and short. */
static void stderr_tail(const struct buf *b, char *out, size_t outlen)
{
    out[0] = 0;
    if (!b->len) return;
    size_t end = b->len;
    while (end > 0 && (b->p[end - 1] == '\n' || b->p[end - 1] == '\r')) end--;
    size_t start = end;
    while (start > 0 && b->p[start - 1] != '\n') start--;
    if (end - start > 200) end = start + 200;
    struct buf s = {0};
    sanitize_append(&s, b->p + start, end - start, 0);
    snprintf(out, outlen, ": %s", s.p ? s.p : "");
    buf_free(&s);
}

int kube_exec_run(const struct kube_config *cfg, bool have_terminal, struct kube_cred *out,
                  char *err, size_t errlen)
{
    const struct kube_exec *ex = cfg->exec;
    if (!ex) return errf(err, errlen, "context '%s' has no exec plugin", cfg->context);
    bool never = strcmp(ex->interactive_mode, "Never") == 0;
    if (strcmp(ex->interactive_mode, "Always") == 0 && !have_terminal)
        return errf(err, errlen,
                    "exec plugin '%s' of user '%s' (context '%s') needs an interactive terminal (interactiveMode Always)",
                    ex->command, cfg->user_name, cfg->context);
    bool interactive = !never && have_terminal;

    /* Everything the child needs is built before fork. */
    size_t na = 0, ne = 0, nenv = 0;
    while (ex->args && ex->args[na]) na++;
    while (ex->env && ex->env[ne]) ne++;
    while (environ && environ[nenv]) nenv++;
    char **argv = xcalloc(na + 2, sizeof *argv);
    argv[0] = ex->command;
    for (size_t i = 0; i < na; i++) argv[i + 1] = ex->args[i];
    char **envp = xcalloc(nenv + ne + 2, sizeof *envp);
    size_t k = 0;
    char *info = exec_info(cfg, interactive);
    char *info_env = xasprintf("KUBERNETES_EXEC_INFO=%s", info);
    free(info);
    for (size_t i = 0; i < nenv; i++) {
        if (strncmp(environ[i], "KUBERNETES_EXEC_INFO=", 21) == 0) continue;
        bool overridden = false;
        for (size_t j = 0; j < ne; j++) {
            size_t l = strcspn(ex->env[j], "=");
            if (strncmp(environ[i], ex->env[j], l + 1) == 0) overridden = true;
        }
        if (!overridden) envp[k++] = environ[i];
    }
    for (size_t j = 0; j < ne; j++) envp[k++] = ex->env[j];
    envp[k++] = info_env;

    int outp[2] = {-1, -1}, errp[2] = {-1, -1};
    int rc = -1;
    if (pipe2(outp, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0) {
        errf(err, errlen, "cannot run exec plugin '%s': %s", ex->command, strerror(errno));
        goto done;
    }
    pid_t pid = fork();
    if (pid < 0) {
        errf(err, errlen, "cannot run exec plugin '%s': %s", ex->command, strerror(errno));
        goto done;
    }
    if (pid == 0) {
        if (!interactive) {
            int dn = open("/dev/null", O_RDONLY);
            if (dn >= 0) dup2(dn, 0);
            dup2(errp[1], 2);
        }
        dup2(outp[1], 1);
        execvpe(argv[0], argv, envp);
        _exit(errno == ENOENT ? 127 : 126);
    }
    close(outp[1]);
    close(errp[1]);
    outp[1] = errp[1] = -1;

    struct buf sout = {0}, serr = {0};
    bool too_big = false, timed_out = false;
    int64_t deadline = time_mono_ms() + EXEC_TIMEOUT_MS;
    struct pollfd pf[2] = {{.fd = outp[0], .events = POLLIN}, {.fd = errp[0], .events = POLLIN}};
    int open_fds = 2;
    while (open_fds > 0) {
        int64_t left = deadline - time_mono_ms();
        if (!interactive && left <= 0) {
            timed_out = true;
            break;
        }
        int pr = poll(pf, 2, interactive ? -1 : (int)left);
        if (pr < 0) {
            if (errno == EINTR) continue;
            break;
        }
        for (int i = 0; i < 2; i++) {
            if (pf[i].fd < 0 || !(pf[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            char chunk[4096];
            ssize_t n = read(pf[i].fd, chunk, sizeof chunk);
            if (n <= 0) {
                if (n < 0 && errno == EINTR) continue;
                pf[i].fd = -1;
                open_fds--;
                continue;
            }
            struct buf *b = i == 0 ? &sout : &serr;
            if (b->len + (size_t)n > EXEC_MAX_OUTPUT) too_big = true;
            else buf_append(b, chunk, (size_t)n);
        }
        if (too_big) break;
    }
    if (timed_out || too_big) kill(pid, SIGKILL);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    char tail[256];
    stderr_tail(&serr, tail, sizeof tail);
    if (timed_out) {
        errf(err, errlen, "exec plugin '%s' of user '%s' (context '%s') did not finish within %d s",
             ex->command, cfg->user_name, cfg->context, EXEC_TIMEOUT_MS / 1000);
    } else if (too_big) {
        errf(err, errlen, "exec plugin '%s' of user '%s' (context '%s') printed more than %u bytes",
             ex->command, cfg->user_name, cfg->context, EXEC_MAX_OUTPUT);
    } else if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && !sout.len) {
        errf(err, errlen, "exec plugin '%s' of user '%s' (context '%s') was not found%s%s", ex->command,
             cfg->user_name, cfg->context, ex->install_hint ? ": " : "", ex->install_hint ? ex->install_hint : "");
    } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        errf(err, errlen, "exec plugin '%s' of user '%s' (context '%s') failed with %s %d%s", ex->command,
             cfg->user_name, cfg->context, WIFEXITED(status) ? "exit status" : "signal",
             WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), tail);
    } else {
        char perr[ERRLEN];
        cJSON *j = json_parse_n(sout.p ? sout.p : "", sout.len, "exec plugin output", perr, sizeof perr);
        const char *kind = json_str(j, "kind"), *av = json_str(j, "apiVersion");
        const char *tok = json_str(j, "status.token");
        const char *cd = json_str(j, "status.clientCertificateData");
        const char *kd = json_str(j, "status.clientKeyData");
        const char *exp = json_str(j, "status.expirationTimestamp");
        int64_t exp_ms = TIME_NONE;
        if (!j || !cJSON_IsObject(j)) {
            errf(err, errlen, "exec plugin '%s' of user '%s' (context '%s') printed no ExecCredential JSON",
                 ex->command, cfg->user_name, cfg->context);
        } else if (!kind || strcmp(kind, "ExecCredential") != 0 || !av || strcmp(av, ex->api_version) != 0) {
            errf(err, errlen,
                 "exec plugin '%s' of user '%s' (context '%s') printed kind/apiVersion other than ExecCredential %s",
                 ex->command, cfg->user_name, cfg->context, ex->api_version);
        } else if (!tok && !(cd && kd)) {
            errf(err, errlen,
                 "exec plugin '%s' of user '%s' (context '%s') returned neither status.token nor a client certificate and key",
                 ex->command, cfg->user_name, cfg->context);
        } else if (exp && time_parse_rfc3339(exp, &exp_ms) < 0) {
            errf(err, errlen, "exec plugin '%s' of user '%s' (context '%s') returned an invalid expirationTimestamp",
                 ex->command, cfg->user_name, cfg->context);
        } else if ((cd && !kd) || (kd && !cd)) {
            errf(err, errlen, "exec plugin '%s' of user '%s' (context '%s') returned a client certificate without its key",
                 ex->command, cfg->user_name, cfg->context);
        } else {
            kube_cred_clear(out);
            out->token = tok ? xstrdup(tok) : NULL;
            if (cd) {
                out->cert_len = strlen(cd);
                out->cert_data = (unsigned char *)xstrdup(cd); /* PEM text, not base64 */
                out->key_len = strlen(kd);
                out->key_data = (unsigned char *)xstrdup(kd);
            }
            out->expires_ms = exp ? exp_ms : TIME_NONE;
            rc = 0;
        }
        if (j) {
            /* the tree holds the token: wipe it before freeing */
            cJSON *st = cJSON_GetObjectItemCaseSensitive(j, "status");
            for (cJSON *f = st && cJSON_IsObject(st) ? st->child : NULL; f; f = f->next)
                if (cJSON_IsString(f) && f->valuestring) explicit_bzero(f->valuestring, strlen(f->valuestring));
            cJSON_Delete(j);
        }
    }
    if (sout.p) explicit_bzero(sout.p, sout.len);
    buf_free(&sout);
    buf_free(&serr);
done:
    for (int i = 0; i < 2; i++) {
        if (outp[i] >= 0) close(outp[i]);
        if (errp[i] >= 0) close(errp[i]);
    }
    free(argv);
    free(envp);
    free(info_env);
    return rc;
}
