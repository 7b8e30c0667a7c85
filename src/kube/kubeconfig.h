/* kubeconfig — where the cluster is and who we are, read exactly as kubectl
 * reads it.
 *
 * Two steps, so that switching context (the console's :ctx / :ns) costs no
 * file I/O:
 *   struct kubeconfig *kc;
 *   kubeconfig_load(cli->kubeconfig, &kc, err, sizeof err);   reads + merges files
 *   struct kube_config *cfg;
 *   kubeconfig_resolve(kc, cli->context, cli->ns, &cfg, err, sizeof err);
 *   ... kube_client_new(cfg, ...) (kube/client.h) ...
 *   kube_config_free(cfg); kubeconfig_free(kc);
 *
 * Files: an explicit path (--kubeconfig; several may be joined with ':'),
 * each of which must exist; else $KUBECONFIG, a ':' list where missing
 * files are skipped and the first file to set a map entry (cluster, user,
 * context name) or current-context wins; else ~/.kube/config; and when none
 * of these exists, the in-cluster service account (KUBERNETES_SERVICE_HOST/
 * PORT and the files in KUBE_SA_DIR, overridable with $ARTRIAGE_SA_DIR for
 * tests). Relative paths inside a file are relative to that file.
 *
 * Secrets (tokens, keys, passwords, exec output) live only in memory: they
 * are never written to disk nor put into error messages. Error messages name
 * the file, the context and the field ("context 'prod' not found in
 * /home/x/.kube/config").
 */
#ifndef ARTRIAGE_KUBE_KUBECONFIG_H
#define ARTRIAGE_KUBE_KUBECONFIG_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KUBE_SA_DIR "/var/run/secrets/kubernetes.io/serviceaccount"

/* A user's exec credential plugin (client.authentication.k8s.io). */
struct kube_exec {
    char *api_version;       /* client.authentication.k8s.io/v1 or /v1beta1 */
    char *command;           /* relative to the kubeconfig if it has a '/' */
    char **args;             /* NULL-terminated */
    char **env;              /* NULL-terminated "NAME=value" */
    char *interactive_mode;  /* Never | IfAvailable | Always */
    bool provide_cluster_info;
    char *install_hint;
};

/* One resolved context: everything needed to talk to its cluster.
 * Owned by the caller; kube_config_free() releases it. Byte fields (*_data)
 * are decoded (PEM), not base64. */
struct kube_config {
    char *source;            /* file(s) it came from, or "in-cluster config" */
    char *context;           /* context name ("" for in-cluster) */
    char *cluster_name, *user_name;
    char *ns;                /* -n, else the context's namespace, else "default" */
    bool ns_explicit;        /* -n was given */
    char *server;            /* https://host:port[/prefix], no trailing '/' */
    char *ca_file;
    unsigned char *ca_data; size_t ca_len;
    bool insecure;           /* insecure-skip-tls-verify */
    char *tls_server_name;
    char *proxy_url;
    char *token;             /* bearer token */
    char *token_file;        /* re-read when the server answers 401 */
    char *cert_file, *key_file;
    unsigned char *cert_data; size_t cert_len;
    unsigned char *key_data; size_t key_len;
    char *username, *password; /* basic auth; also a server URL's userinfo, which
                                  is cut out of `server` (never printed) */
    struct kube_exec *exec;  /* NULL unless the user has an exec plugin */
};

struct kubeconfig;

/* Reads and merges the kubeconfig files (see above). explicit_paths is
 * --kubeconfig or NULL. Succeeds with an in-cluster marker when no file
 * exists; kubeconfig_resolve then reports what is missing. */
int kubeconfig_load(const char *explicit_paths, struct kubeconfig **out, char *err, size_t errlen);
/* Parses one kubeconfig from memory (tests, fuzzing); `name` is used as the
 * file name in messages and as the base for relative paths. */
int kubeconfig_load_data(const char *data, size_t len, const char *name,
                         struct kubeconfig **out, char *err, size_t errlen);
void kubeconfig_free(struct kubeconfig *kc);

/* Resolves a context (NULL = current-context) and a namespace override
 * (NULL = the context's). Cheap: no file I/O except tokenFile/cert files
 * being checked for existence. */
int kubeconfig_resolve(const struct kubeconfig *kc, const char *context, const char *ns,
                       struct kube_config **out, char *err, size_t errlen);
/* The current-context ("" if none), the files read (for messages), and the
 * context names in file order, for the console's :ctx completion. */
const char *kubeconfig_current_context(const struct kubeconfig *kc);
const char *kubeconfig_source(const struct kubeconfig *kc);
size_t kubeconfig_context_count(const struct kubeconfig *kc);
const char *kubeconfig_context_name(const struct kubeconfig *kc, size_t i);

/* Reads a tokenFile (at most KUBE_TOKEN_FILE_MAX bytes, trailing newlines
 * and blanks cut): the same rule for the first read and for the re-read
 * after a 401. 1 = does not exist, 0 = ok (*out malloc'd), -1 = error. */
#define KUBE_TOKEN_FILE_MAX ((size_t)1 << 20)
int kube_read_token_file(const char *path, char **out, char *err, size_t errlen);

struct kube_config *kube_config_dup(const struct kube_config *cfg);
void kube_config_free(struct kube_config *cfg);

/* Decodes standard base64 (whitespace ignored) with libcrypto. Returns a
 * malloc'd buffer (NUL-terminated for convenience) or NULL if invalid. */
unsigned char *kube_base64_decode(const char *s, size_t *outlen);

/* Exec credential plugins (exec.c). A credential is cached in memory by
 * the caller (struct kube_cred) until its expiry; kube_exec_run runs the
 * plugin and fills it. */
struct kube_cred {
    char *token;
    unsigned char *cert_data; size_t cert_len;
    unsigned char *key_data; size_t key_len;
    int64_t expires_ms;      /* TIME_NONE (util/timeutil.h) = never */
};
/* Runs cfg->exec; stdin is given to the plugin only when interactiveMode
 * allows and stdin is a terminal (have_terminal). Errors name the plugin
 * command and the context, never the output. */
int kube_exec_run(const struct kube_config *cfg, bool have_terminal, struct kube_cred *out,
                  char *err, size_t errlen);
/* True if the credential is present and not expiring within 10 s. */
bool kube_cred_valid(const struct kube_cred *c, int64_t now_ms);
void kube_cred_clear(struct kube_cred *c);
#endif
