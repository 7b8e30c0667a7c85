/* The API client over libcurl's multi interface (see client.h). libcurl
 * callbacks only record bytes; everything the caller sees is delivered from
 * kube_client_perform, so callers may start/cancel requests anywhere. */
#include "kube/client.h"
#include "kube/names.h"
#include "util/buf.h"
#include "util/jsonutil.h"
#include "util/sanitize.h"
#include "util/timeutil.h"
#include "util/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

const struct kube_resource KUBE_AGENTRUNS = {"agents.proompteng.ai", "v1alpha1", "agentruns", "AgentRun",
                                             "agentruns", true};
const struct kube_resource KUBE_PODS = {"", "v1", "pods", "Pod", "pods", true};
const struct kube_resource KUBE_EVENTS = {"", "v1", "events", "Event", "events", true};
const struct kube_resource KUBE_JOBS = {"batch", "v1", "jobs", "Job", "jobs", true};
const struct kube_resource KUBE_NAMESPACES = {"", "v1", "namespaces", "Namespace", "namespaces", false};

struct kube_timer {
    struct kube_client *c;
    struct kube_timer *next;
    int64_t due;      /* time_mono_ms */
    void (*fn)(void *ud);
    void *ud;
    bool firing;
};

struct kube_request {
    struct kube_client *c;
    struct kube_request *prev, *next;
    CURL *easy;
    struct curl_slist *hdrs;
    enum kube_verb verb;
    const struct kube_resource *res;
    char *ns, *name, *path, *url, *kubectl, *post;
    size_t post_len;
    size_t max_body;
    size_t streamed;           /* stream bytes so far (a non-follow stream is capped too) */
    bool stream, long_running;
    kube_data_fn on_data;
    kube_done_fn on_done;
    void (*on_open)(void *ud, long http);
    void *ud;
    struct buf body;      /* buffered body, or the error body of a stream */
    struct buf pending;   /* stream bytes not yet handed to on_data */
    char *retry_after;
    char curl_err[CURL_ERROR_SIZE];
    bool in_multi, cancelled, too_big, auth_retried, opened, early;
    bool not_json; /* a JSON answer that did not open with '{' */
    unsigned char first; /* its first byte, for the error */
    int retries;              /* 429/503 retries so far (reads only) */
    int64_t budget_ms;        /* the overall timeout of the current transfer */
    struct kube_timer *retry_timer;
    char early_error[ERRLEN];
};

/* One curl multi handle, its requests and timers, for any number of
 * clients (one per context). */
struct kube_loop {
    CURLM *multi;
    struct kube_request *reqs;
    struct kube_timer *timers;
    int clients;
};

struct kube_client {
    struct kube_loop *loop;
    bool own_loop;
    struct kube_config *cfg;
    struct kube_cred cred;     /* exec plugin credential, cached until expiry */
    int64_t exec_failed_ms;    /* monotonic time of the last failed plugin run, 0 = none */
    char exec_err[ERRLEN];     /* its error, repeated to requests within KUBE_EXEC_RETRY_MS */
    char *token;               /* bearer token in use (cfg->token, tokenFile or exec) */
    bool interactive;
    /* server is http://: no user credential is sent (token, tokenFile,
     * basic auth) and no exec plugin is run, as client-go does
     * (kubernetes/kubectl#744); client certificates are TLS-only anyway */
    bool plain_http;
    bool loopback;             /* the server is localhost/127.0.0.0/8/::1: never through a proxy */
    char *notice_http;         /* the sentence saying so, NULL if nothing is withheld */
    char *notice_insecure;     /* insecure-skip-tls-verify, NULL if not set */
    char *base;                /* URL prefix (host replaced by tls-server-name) */
    struct curl_slist *connect_to;
    char *display;             /* server as the user wrote it, for messages */
    int64_t deadline_ms;       /* time_mono_ms by which every ordinary request ends, 0 = none */
    void (*log_fn)(void *ud, const char *kubectl);
    void *log_ud;
};

/* A failed exec plugin is not run again for this long. */
#define KUBE_EXEC_RETRY_MS 10000

/* ---- helpers ---- */

static const char *verb_name(enum kube_verb v)
{
    switch (v) {
    case KUBE_GET: return "get";
    case KUBE_LIST: return "list";
    case KUBE_WATCH: return "watch";
    case KUBE_CREATE: return "create";
    case KUBE_DELETE: return "delete";
    case KUBE_LOGS: return "logs";
    }
    return "request";
}

static void put_escaped(struct buf *b, const char *s)
{
    char *e = curl_easy_escape(NULL, s, 0);
    if (!e) abort();
    buf_puts(b, e);
    curl_free(e);
}

static void put_param(struct buf *b, bool *first, const char *key, const char *val)
{
    buf_putc(b, *first ? '?' : '&');
    *first = false;
    buf_puts(b, key);
    buf_putc(b, '=');
    put_escaped(b, val);
}

static void put_collection(struct buf *b, const struct kube_resource *res, const char *ns)
{
    if (res->group[0]) buf_printf(b, "/apis/%s/%s", res->group, res->version);
    else buf_printf(b, "/api/%s", res->version);
    if (res->namespaced && ns && *ns) {
        buf_puts(b, "/namespaces/");
        put_escaped(b, ns);
    }
    buf_printf(b, "/%s", res->plural);
}

/* Path without query, for messages. */
static char *path_only(const struct kube_req *q)
{
    struct buf b = {0};
    if (q->verb == KUBE_LOGS) {
        buf_puts(&b, "/api/v1/namespaces/");
        put_escaped(&b, q->ns ? q->ns : "");
        buf_puts(&b, "/pods/");
        put_escaped(&b, q->name ? q->name : "");
        buf_puts(&b, "/log");
        return buf_detach(&b);
    }
    put_collection(&b, q->res, q->ns);
    if ((q->verb == KUBE_GET || q->verb == KUBE_DELETE) && q->name) {
        buf_putc(&b, '/');
        put_escaped(&b, q->name);
    }
    return buf_detach(&b);
}

char *kube_request_path(const struct kube_req *q)
{
    struct buf b = {0};
    char *p = path_only(q);
    buf_puts(&b, p);
    free(p);
    bool first = true;
    char num[32];
    switch (q->verb) {
    case KUBE_LOGS:
        if (q->container) put_param(&b, &first, "container", q->container);
        if (q->follow) put_param(&b, &first, "follow", "true");
        if (q->previous) put_param(&b, &first, "previous", "true");
        if (q->timestamps) put_param(&b, &first, "timestamps", "true");
        if (q->tail_lines > 0) {
            snprintf(num, sizeof num, "%lld", (long long)q->tail_lines);
            put_param(&b, &first, "tailLines", num);
        }
        if (q->since_time) put_param(&b, &first, "sinceTime", q->since_time);
        if (q->since_seconds > 0 && !q->since_time) {
            snprintf(num, sizeof num, "%lld", (long long)q->since_seconds);
            put_param(&b, &first, "sinceSeconds", num);
        }
        if (q->limit_bytes > 0) {
            snprintf(num, sizeof num, "%lld", (long long)q->limit_bytes);
            put_param(&b, &first, "limitBytes", num);
        }
        break;
    case KUBE_LIST:
    case KUBE_WATCH:
        if (q->label_selector) put_param(&b, &first, "labelSelector", q->label_selector);
        if (q->field_selector) put_param(&b, &first, "fieldSelector", q->field_selector);
        if (q->verb == KUBE_LIST && q->limit > 0) {
            snprintf(num, sizeof num, "%lld", (long long)q->limit);
            put_param(&b, &first, "limit", num);
        }
        if (q->verb == KUBE_LIST && q->continue_token && *q->continue_token)
            put_param(&b, &first, "continue", q->continue_token);
        if (q->resource_version && *q->resource_version)
            put_param(&b, &first, "resourceVersion", q->resource_version);
        if (q->verb == KUBE_WATCH) {
            put_param(&b, &first, "watch", "true");
            if (q->allow_bookmarks) put_param(&b, &first, "allowWatchBookmarks", "true");
            int t = q->timeout_seconds > 0 ? q->timeout_seconds : 300 + (int)(random() % 300);
            snprintf(num, sizeof num, "%d", t);
            put_param(&b, &first, "timeoutSeconds", num);
        }
        break;
    case KUBE_CREATE:
        if (q->dry_run) put_param(&b, &first, "dryRun", "All");
        put_param(&b, &first, "fieldManager", "artriage");
        break;
    default:
        break;
    }
    return buf_detach(&b);
}

/* Shell-quotes a word when it needs it, so the command can be pasted. */
static void put_word(struct buf *b, const char *s)
{
    buf_putc(b, ' ');
    if (*s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,@+") == strlen(s)) {
        buf_puts(b, s);
        return;
    }
    buf_putc(b, '\'');
    for (; *s; s++) {
        if (*s == '\'') buf_puts(b, "'\\''");
        else buf_putc(b, *s);
    }
    buf_putc(b, '\'');
}

char *kube_kubectl_equivalent(const struct kube_client *c, const struct kube_req *q)
{
    struct buf b = {0};
    char num[48];
    buf_puts(&b, "kubectl");
    const char *rname = q->res ? q->res->kubectl : "pods";
    switch (q->verb) {
    case KUBE_LOGS:
        buf_puts(&b, " logs");
        put_word(&b, q->name ? q->name : "");
        if (q->container) {
            buf_puts(&b, " -c");
            put_word(&b, q->container);
        }
        break;
    case KUBE_GET:
        buf_printf(&b, " get %s", rname);
        if (q->name) put_word(&b, q->name);
        break;
    case KUBE_LIST:
    case KUBE_WATCH:
        buf_printf(&b, " get %s", rname);
        if (q->label_selector) {
            buf_puts(&b, " -l");
            put_word(&b, q->label_selector);
        }
        if (q->field_selector) {
            buf_puts(&b, " --field-selector");
            put_word(&b, q->field_selector);
        }
        break;
    case KUBE_CREATE:
        buf_puts(&b, " create -f -");
        break;
    case KUBE_DELETE:
        buf_printf(&b, " delete %s", rname);
        if (q->name) put_word(&b, q->name);
        break;
    }
    bool namespaced = q->verb == KUBE_LOGS || (q->res && q->res->namespaced);
    if (namespaced) {
        if (q->ns && *q->ns) {
            buf_puts(&b, " -n");
            put_word(&b, q->ns);
        } else {
            buf_puts(&b, " -A");
        }
    }
    if (c && c->cfg->context && *c->cfg->context) {
        buf_puts(&b, " --context");
        put_word(&b, c->cfg->context);
    }
    switch (q->verb) {
    case KUBE_LOGS:
        if (q->previous) buf_puts(&b, " --previous");
        if (q->timestamps) buf_puts(&b, " --timestamps");
        if (q->tail_lines > 0) buf_printf(&b, " --tail=%lld", (long long)q->tail_lines);
        if (q->since_time) {
            buf_puts(&b, " --since-time");
            put_word(&b, q->since_time);
        }
        if (q->since_seconds > 0 && !q->since_time) buf_printf(&b, " --since=%llds", (long long)q->since_seconds);
        if (q->limit_bytes > 0) buf_printf(&b, " --limit-bytes=%lld", (long long)q->limit_bytes);
        if (q->follow) buf_puts(&b, " -f");
        break;
    case KUBE_GET:
    case KUBE_LIST:
        buf_puts(&b, " -o json");
        if (q->verb == KUBE_LIST && q->limit > 0) {
            snprintf(num, sizeof num, " --chunk-size=%lld", (long long)q->limit);
            buf_puts(&b, num);
        }
        break;
    case KUBE_WATCH:
        /* kubectl has no flag for the resourceVersion a watch resumes
         * from; the command stays pasteable without it. */
        buf_puts(&b, " --watch-only -o json --output-watch-events");
        break;
    case KUBE_CREATE:
        if (q->dry_run) buf_puts(&b, " --dry-run=server");
        buf_puts(&b, " -o json");
        break;
    default:
        break;
    }
    return buf_detach(&b);
}

/* ---- client ---- */

static int setup_base(struct kube_client *c, char *err, size_t errlen)
{
    const struct kube_config *cfg = c->cfg;
    c->display = xstrdup(cfg->server);
    if (!cfg->tls_server_name || !*cfg->tls_server_name) {
        c->base = xstrdup(cfg->server);
        return 0;
    }
    /* tls-server-name: talk to the server's address but verify (and send
     * SNI for) another name. curl does that when the URL names the TLS
     * name and CONNECT_TO maps it to the real host. */
    CURLU *u = curl_url();
    char *host = NULL, *port = NULL, *scheme = NULL, *path = NULL;
    int rc = 0;
    if (curl_url_set(u, CURLUPART_URL, cfg->server, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_PATH, &path, 0) != CURLUE_OK) {
        rc = errf(err, errlen, "kubeconfig %s: cluster '%s': server '%s' is not a valid URL", cfg->source,
                  cfg->cluster_name, cfg->server);
    } else {
        size_t pl = strlen(path);
        while (pl && path[pl - 1] == '/') pl--;
        c->base = xasprintf("%s://%s:%s%.*s", scheme, cfg->tls_server_name, port, (int)pl, path);
        char *ct = xasprintf("%s:%s:%s:%s", cfg->tls_server_name, port, host, port);
        c->connect_to = curl_slist_append(NULL, ct);
        free(ct);
    }
    curl_free(host);
    curl_free(port);
    curl_free(scheme);
    curl_free(path);
    curl_url_cleanup(u);
    return rc;
}

/* localhost, 127.0.0.0/8 or ::1, as Go's proxy rules see loopback. */
static bool server_is_loopback(const char *server)
{
    CURLU *u = curl_url();
    char *host = NULL;
    bool yes = false;
    if (curl_url_set(u, CURLUPART_URL, server, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK && host) {
        size_t n = strlen(host);
        if (n && host[n - 1] == '.') host[--n] = 0;
        yes = strcasecmp(host, "localhost") == 0 || strcmp(host, "[::1]") == 0 ||
              (strncmp(host, "127.", 4) == 0 && strspn(host, "0123456789.") == n);
        if (n > 10 && strcasecmp(host + n - 10, ".localhost") == 0) yes = true;
    }
    curl_free(host);
    curl_url_cleanup(u);
    return yes;
}

/* Does the user carry a credential that a request header would carry? */
static bool has_user_credentials(const struct kube_config *cfg)
{
    return cfg->token || cfg->token_file || cfg->exec || cfg->username || cfg->password;
}

static void request_destroy(struct kube_request *r);

struct kube_loop *kube_loop_new(void)
{
    static bool global_done;
    if (!global_done) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        global_done = true;
    }
    struct kube_loop *l = xcalloc(1, sizeof *l);
    l->multi = curl_multi_init();
    if (!l->multi) abort();
    curl_multi_setopt(l->multi, CURLMOPT_MAX_HOST_CONNECTIONS, 8L);
    return l;
}

void kube_loop_free(struct kube_loop *l)
{
    if (!l) return;
    /* clients still on it keep a dangling pointer: free them first */
    while (l->reqs) request_destroy(l->reqs);
    while (l->timers) {
        struct kube_timer *t = l->timers;
        l->timers = t->next;
        free(t);
    }
    curl_multi_cleanup(l->multi);
    free(l);
}

int kube_client_new(const struct kube_config *cfg, struct kube_client **out, char *err, size_t errlen)
{
    if (!cfg || !cfg->server) return errf(err, errlen, "no API server configured");
    struct kube_loop *l = kube_loop_new();
    if (kube_client_new_on(l, cfg, out, err, errlen) < 0) {
        kube_loop_free(l);
        return -1;
    }
    (*out)->own_loop = true;
    return 0;
}

int kube_client_new_on(struct kube_loop *loop, const struct kube_config *cfg, struct kube_client **out, char *err,
                       size_t errlen)
{
    if (!cfg || !cfg->server) return errf(err, errlen, "no API server configured");
    struct kube_client *c = xcalloc(1, sizeof *c);
    c->loop = loop;
    loop->clients++;
    c->cfg = kube_config_dup(cfg);
    c->cred.expires_ms = TIME_NONE;
    c->interactive = isatty(0);
    c->plain_http = strncasecmp(cfg->server, "http://", 7) == 0;
    c->loopback = server_is_loopback(cfg->server);
    if (c->plain_http && has_user_credentials(cfg))
        c->notice_http = xasprintf("context '%s': credentials of user '%s' are not sent over plain HTTP (%s); "
                                   "requests go without them, as kubectl's do",
                                   cfg->context, cfg->user_name ? cfg->user_name : "", cfg->server);
    if (cfg->insecure)
        c->notice_insecure = xasprintf("context '%s': the certificate of %s is not verified "
                                       "(insecure-skip-tls-verify)", cfg->context, cfg->server);
    c->token = c->plain_http ? NULL : xstrdup(cfg->token);
    if (setup_base(c, err, errlen) < 0) {
        kube_client_free(c);
        return -1;
    }
    *out = c;
    return 0;
}

void kube_client_free(struct kube_client *c)
{
    if (!c) return;
    struct kube_loop *l = c->loop;
    for (struct kube_request *r = l->reqs, *next; r; r = next) {
        next = r->next;
        if (r->c == c) request_destroy(r);
    }
    for (struct kube_timer **pp = &l->timers; *pp;) {
        struct kube_timer *t = *pp;
        if (t->c == c && !t->firing) {
            *pp = t->next;
            free(t);
        } else {
            pp = &t->next;
        }
    }
    l->clients--;
    if (c->own_loop) kube_loop_free(l);
    kube_cred_clear(&c->cred);
    if (c->token) explicit_bzero(c->token, strlen(c->token));
    free(c->token);
    free(c->base);
    free(c->display);
    free(c->notice_http);
    free(c->notice_insecure);
    curl_slist_free_all(c->connect_to);
    kube_config_free(c->cfg);
    free(c);
}

const struct kube_config *kube_client_config(const struct kube_client *c) { return c->cfg; }
const char *kube_client_notice_plain_http(const struct kube_client *c) { return c->notice_http; }
const char *kube_client_notice_insecure(const struct kube_client *c) { return c->notice_insecure; }
void kube_client_set_interactive(struct kube_client *c, bool yes) { c->interactive = yes; }
void kube_client_set_deadline(struct kube_client *c, int64_t mono_ms) { c->deadline_ms = mono_ms; }
void kube_client_wakeup(struct kube_client *c) { curl_multi_wakeup(c->loop->multi); }
struct kube_loop *kube_client_loop(const struct kube_client *c) { return c->loop; }
void kube_loop_wakeup(struct kube_loop *l) { curl_multi_wakeup(l->multi); }

void kube_client_set_request_log(struct kube_client *c, void (*fn)(void *ud, const char *kubectl), void *ud)
{
    c->log_fn = fn;
    c->log_ud = ud;
}

/* Makes sure an exec credential is fresh; force = the server said 401. */
static int refresh_credentials(struct kube_client *c, bool force, char *err, size_t errlen)
{
    const struct kube_config *cfg = c->cfg;
    if (c->plain_http) return force ? -1 : 0; /* nothing is sent: nothing to run or read */
    if (cfg->exec) {
        if (!force && kube_cred_valid(&c->cred, time_now_ms())) return 0;
        /* Requests started together (runs and pods) must not each wait for
         * a plugin that just failed or hung: one run, one error. */
        if (c->exec_failed_ms && time_mono_ms() - c->exec_failed_ms < KUBE_EXEC_RETRY_MS)
            return errf(err, errlen, "%s", c->exec_err);
        if (kube_exec_run(cfg, c->interactive, &c->cred, err, errlen) < 0) {
            c->exec_failed_ms = time_mono_ms();
            snprintf(c->exec_err, sizeof c->exec_err, "%s", err);
            return -1;
        }
        c->exec_failed_ms = 0;
        free(c->token);
        c->token = xstrdup(c->cred.token);
        return 0;
    }
    if (force && cfg->token_file) {
        char *tok = NULL;
        int rc = kube_read_token_file(cfg->token_file, &tok, err, errlen);
        if (rc == 1) errf(err, errlen, "cannot re-read tokenFile %s of user '%s': it does not exist", cfg->token_file,
                          cfg->user_name);
        if (rc != 0) return -1;
        if (c->token) explicit_bzero(c->token, strlen(c->token));
        free(c->token);
        c->token = tok;
        return 0;
    }
    return force ? -1 : 0;
}

/* ---- timers ---- */

struct kube_timer *kube_timer_start(struct kube_client *c, int64_t delay_ms, void (*fn)(void *ud), void *ud)
{
    struct kube_timer *t = xcalloc(1, sizeof *t);
    t->c = c;
    t->due = time_mono_ms() + (delay_ms > 0 ? delay_ms : 0);
    t->fn = fn;
    t->ud = ud;
    t->next = c->loop->timers;
    c->loop->timers = t;
    return t;
}

void kube_timer_cancel(struct kube_timer *t)
{
    if (!t || t->firing) return;
    struct kube_client *c = t->c;
    for (struct kube_timer **pp = &c->loop->timers; *pp; pp = &(*pp)->next) {
        if (*pp == t) {
            *pp = t->next;
            free(t);
            return;
        }
    }
}

static void fire_timers(struct kube_loop *l)
{
    int64_t now = time_mono_ms();
    for (;;) {
        struct kube_timer **pp, *t = NULL;
        for (pp = &l->timers; *pp; pp = &(*pp)->next)
            if ((*pp)->due <= now) {
                t = *pp;
                *pp = t->next;
                break;
            }
        if (!t) return;
        t->firing = true;
        t->fn(t->ud);
        free(t);
    }
}

/* ---- requests ---- */

/* Has a non-blank byte arrived yet? */
static bool body_opened(const struct buf *b)
{
    for (size_t i = 0; i < b->len; i++)
        if (b->p[i] != ' ' && b->p[i] != '\t' && b->p[i] != '\r' && b->p[i] != '\n') return true;
    return false;
}

static size_t on_write(char *p, size_t sz, size_t nm, void *ud)
{
    struct kube_request *r = ud;
    size_t n = sz * nm;
    if (r->cancelled) return 0;
    long code = 0;
    curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &code);
    bool good = code >= 200 && code < 300;
    if (good && r->stream) {
        /* a log read without follow ends; one that never does is a broken server */
        r->streamed += n;
        if (!r->long_running && r->streamed > r->max_body) {
            r->too_big = true;
            return 0;
        }
        buf_append(&r->pending, p, n);
        return n;
    }
    if (good && r->verb != KUBE_LOGS && !body_opened(&r->body)) {
        /* every API answer is one JSON object: a body that opens otherwise
         * (an HTML page, garbage, an endless stream) is refused at its first
         * byte, not after the 64 MiB cap */
        size_t i = 0;
        while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n')) i++;
        if (i < n && p[i] != '{') {
            r->not_json = true;
            r->first = (unsigned char)p[i];
            return 0;
        }
    }
    size_t cap = good ? r->max_body : KUBE_MAX_ERROR_BODY;
    if (r->body.len + n > cap) {
        if (good) {
            r->too_big = true;
            return 0;
        }
        buf_append(&r->body, p, cap - r->body.len); /* enough of an error page */
        return n;
    }
    buf_append(&r->body, p, n);
    return n;
}

static size_t on_header(char *p, size_t sz, size_t nm, void *ud)
{
    struct kube_request *r = ud;
    size_t n = sz * nm;
    if (n >= 5 && strncmp(p, "HTTP/", 5) == 0) {
        free(r->retry_after);
        r->retry_after = NULL;
    } else if (n > 12 && strncasecmp(p, "Retry-After:", 12) == 0) {
        size_t s = 12;
        while (s < n && p[s] == ' ') s++;
        size_t e = n;
        while (e > s && (p[e - 1] == '\r' || p[e - 1] == '\n' || p[e - 1] == ' ')) e--;
        free(r->retry_after);
        r->retry_after = xstrndup(p + s, e - s);
    }
    return n;
}

static void build_headers(struct kube_request *r)
{
    struct kube_client *c = r->c;
    curl_slist_free_all(r->hdrs);
    r->hdrs = NULL;
    r->hdrs = curl_slist_append(r->hdrs, r->verb == KUBE_LOGS ? "Accept: */*" : "Accept: application/json");
    if (r->verb == KUBE_CREATE) r->hdrs = curl_slist_append(r->hdrs, "Content-Type: application/json");
    r->hdrs = curl_slist_append(r->hdrs, "Expect:");
    if (c->token && *c->token) {
        char *h = xasprintf("Authorization: Bearer %s", c->token);
        r->hdrs = curl_slist_append(r->hdrs, h);
        explicit_bzero(h, strlen(h));
        free(h);
    }
    curl_easy_setopt(r->easy, CURLOPT_HTTPHEADER, r->hdrs);
    /* client certificate: exec credential first, then the kubeconfig */
    const struct kube_config *cfg = c->cfg;
    struct curl_blob blob;
    if (c->cred.cert_data) {
        blob = (struct curl_blob){c->cred.cert_data, c->cred.cert_len, CURL_BLOB_COPY};
        curl_easy_setopt(r->easy, CURLOPT_SSLCERT_BLOB, &blob);
        blob = (struct curl_blob){c->cred.key_data, c->cred.key_len, CURL_BLOB_COPY};
        curl_easy_setopt(r->easy, CURLOPT_SSLKEY_BLOB, &blob);
    } else if (cfg->cert_data) {
        blob = (struct curl_blob){cfg->cert_data, cfg->cert_len, CURL_BLOB_COPY};
        curl_easy_setopt(r->easy, CURLOPT_SSLCERT_BLOB, &blob);
        blob = (struct curl_blob){cfg->key_data, cfg->key_len, CURL_BLOB_COPY};
        curl_easy_setopt(r->easy, CURLOPT_SSLKEY_BLOB, &blob);
    } else if (cfg->cert_file) {
        curl_easy_setopt(r->easy, CURLOPT_SSLCERT, cfg->cert_file);
        curl_easy_setopt(r->easy, CURLOPT_SSLKEY, cfg->key_file);
    }
    if (cfg->cert_data || cfg->cert_file || c->cred.cert_data) {
        curl_easy_setopt(r->easy, CURLOPT_SSLCERTTYPE, "PEM");
        curl_easy_setopt(r->easy, CURLOPT_SSLKEYTYPE, "PEM");
    }
}

/* An ordinary request (not a watch or follow) ends within the budget, and
 * by the client's deadline when one is set: a server that dribbles a byte a
 * second passes the low-speed check but must not hold the CLI. Set again
 * before every (re)start of the transfer. */
static void apply_budget(struct kube_request *r)
{
    if (r->long_running) return;
    int64_t ms = KUBE_REQUEST_BUDGET_S * 1000;
    if (r->c->deadline_ms) {
        int64_t left = r->c->deadline_ms - time_mono_ms();
        if (left < ms) ms = left < 1 ? 1 : left;
    }
    r->budget_ms = ms;
    curl_easy_setopt(r->easy, CURLOPT_TIMEOUT_MS, (long)ms);
}

static void setup_easy(struct kube_request *r)
{
    struct kube_client *c = r->c;
    const struct kube_config *cfg = c->cfg;
    CURL *e = r->easy;
    curl_easy_setopt(e, CURLOPT_URL, r->url);
    curl_easy_setopt(e, CURLOPT_PRIVATE, r);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->curl_err);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, 10L);
    /* fewer loop turns for big lists and logs */
    curl_easy_setopt(e, CURLOPT_BUFFERSIZE, 256L * 1024);
    curl_easy_setopt(e, CURLOPT_USERAGENT, "artriage/" ARTRIAGE_VERSION);
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(e, CURLOPT_TCP_KEEPIDLE, 30L);
    curl_easy_setopt(e, CURLOPT_TCP_KEEPINTVL, 15L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    if (r->verb == KUBE_WATCH) {
        /* The server ends a watch after timeoutSeconds; a silent link is
         * caught by TCP keepalive and this overall bound. */
        curl_easy_setopt(e, CURLOPT_TIMEOUT, 700L);
    } else if (!r->long_running) {
        curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
        curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, (long)KUBE_STALL_S);
    }
    apply_budget(r);
    if (c->connect_to) curl_easy_setopt(e, CURLOPT_CONNECT_TO, c->connect_to);
    /* Proxies as kubectl: the kubeconfig's proxy-url is used for every
     * request, whatever NO_PROXY says; without it libcurl follows the
     * environment (http_proxy, HTTPS_PROXY, NO_PROXY), except that a
     * loopback server is never reached through a proxy. */
    if (cfg->proxy_url) {
        curl_easy_setopt(e, CURLOPT_PROXY, cfg->proxy_url);
        curl_easy_setopt(e, CURLOPT_NOPROXY, "");
    } else if (c->loopback) {
        curl_easy_setopt(e, CURLOPT_PROXY, "");
    }
    if (cfg->insecure) {
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
    } else if (cfg->ca_data || cfg->ca_file) {
        /* A pinned CA is the only one trusted, as in kubectl: libcurl's
         * built-in bundle and CA directory (/etc/ssl/certs) are cleared, or
         * any system CA could vouch for this cluster. */
        curl_easy_setopt(e, CURLOPT_CAPATH, NULL);
        curl_easy_setopt(e, CURLOPT_CAINFO, NULL);
        if (cfg->ca_data) {
            struct curl_blob blob = {cfg->ca_data, cfg->ca_len, CURL_BLOB_COPY};
            curl_easy_setopt(e, CURLOPT_CAINFO_BLOB, &blob);
        } else {
            curl_easy_setopt(e, CURLOPT_CAINFO, cfg->ca_file);
        }
    }
    if ((cfg->username || cfg->password) && !c->plain_http) {
        curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        curl_easy_setopt(e, CURLOPT_USERNAME, cfg->username ? cfg->username : "");
        curl_easy_setopt(e, CURLOPT_PASSWORD, cfg->password ? cfg->password : "");
    }
    if (r->verb == KUBE_CREATE) {
        curl_easy_setopt(e, CURLOPT_POST, 1L);
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->post ? r->post : "");
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->post_len);
    } else if (r->verb == KUBE_DELETE) {
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, "DELETE");
    }
    build_headers(r);
}

static void link_request(struct kube_client *c, struct kube_request *r)
{
    r->next = c->loop->reqs;
    if (c->loop->reqs) c->loop->reqs->prev = r;
    c->loop->reqs = r;
}

static void request_destroy(struct kube_request *r)
{
    struct kube_client *c = r->c;
    if (r->retry_timer) kube_timer_cancel(r->retry_timer);
    if (r->in_multi) curl_multi_remove_handle(c->loop->multi, r->easy);
    if (r->easy) curl_easy_cleanup(r->easy);
    curl_slist_free_all(r->hdrs);
    if (r->prev) r->prev->next = r->next;
    else c->loop->reqs = r->next;
    if (r->next) r->next->prev = r->prev;
    free(r->ns);
    free(r->name);
    free(r->path);
    free(r->url);
    free(r->kubectl);
    free(r->post);
    free(r->retry_after);
    buf_free(&r->body);
    buf_free(&r->pending);
    free(r);
}

struct kube_request *kube_request_start(struct kube_client *c, const struct kube_req *q)
{
    struct kube_request *r = xcalloc(1, sizeof *r);
    r->c = c;
    r->verb = q->verb;
    r->res = q->verb == KUBE_LOGS ? &KUBE_PODS : q->res;
    r->ns = xstrdup(q->ns && *q->ns ? q->ns : NULL);
    r->name = xstrdup(q->name);
    r->path = path_only(q);
    char *full = kube_request_path(q);
    r->url = xasprintf("%s%s", c->base, full);
    free(full);
    r->kubectl = kube_kubectl_equivalent(c, q);
    if (q->body) {
        r->post = xmalloc(q->body_len + 1);
        memcpy(r->post, q->body, q->body_len);
        r->post[q->body_len] = 0;
        r->post_len = q->body_len;
    }
    r->stream = q->on_data != NULL;
    r->long_running = q->follow || q->verb == KUBE_WATCH;
    r->max_body = q->max_body ? q->max_body : q->verb == KUBE_LIST ? KUBE_MAX_LIST_BODY : KUBE_MAX_OBJECT_BODY;
    r->on_data = q->on_data;
    r->on_done = q->on_done;
    r->on_open = q->on_open;
    r->ud = q->ud;
    link_request(c, r);
    r->easy = curl_easy_init();
    if (!r->easy) abort();
    char err[ERRLEN];
    /* a name that is not one would change the request's path ("..") */
    if ((r->ns && !kube_is_dns1123_label(r->ns)) || (q->name && !kube_is_dns1123_subdomain(q->name))) {
        r->early = true;
        snprintf(r->early_error, sizeof r->early_error, "%s '%s' is not a valid Kubernetes name; not requested",
                 r->ns && !kube_is_dns1123_label(r->ns) ? "namespace" : "name",
                 r->ns && !kube_is_dns1123_label(r->ns) ? r->ns : q->name);
        return r;
    }
    if (refresh_credentials(c, false, err, sizeof err) < 0) {
        r->early = true;
        snprintf(r->early_error, sizeof r->early_error, "%s", err);
        return r;
    }
    setup_easy(r);
    if (c->log_fn) c->log_fn(c->log_ud, r->kubectl);
    if (curl_multi_add_handle(c->loop->multi, r->easy) != CURLM_OK) {
        r->early = true;
        snprintf(r->early_error, sizeof r->early_error, "cannot start a request to %s", c->display);
        return r;
    }
    r->in_multi = true;
    return r;
}

void kube_request_cancel(struct kube_request *r)
{
    if (r) r->cancelled = true; /* reaped at the end of kube_client_perform */
}

const char *kube_request_kubectl(const struct kube_request *r) { return r->kubectl; }

static long response_code(struct kube_request *r)
{
    long code = 0;
    curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &code);
    return code;
}

/* Hands stream bytes and the "opened" notice to the caller. */
static void deliver(struct kube_request *r)
{
    if (r->cancelled || r->early) return;
    if (!r->opened && r->on_open) {
        long code = response_code(r);
        if (code >= 200 && code < 300) {
            r->opened = true;
            r->on_open(r->ud, code);
        }
    }
    if (r->cancelled || !r->pending.len) return;
    /* Swap out first: on_data may cancel, and more bytes may not arrive
     * until the next perform anyway. */
    struct buf chunk = r->pending;
    r->pending = (struct buf){0};
    if (r->on_data(r->ud, chunk.p, chunk.len)) r->cancelled = true;
    buf_free(&chunk);
}

static void what_of(struct kube_request *r, struct kube_what *w)
{
    const struct kube_config *cfg = r->c->cfg;
    *w = (struct kube_what){
        .verb = verb_name(r->verb),
        .kind = r->res ? r->res->kind : NULL,
        .name = r->name,
        .ns = r->ns,
        .server = r->c->display,
        .path = r->path,
        .user = cfg->user_name,
        .context = cfg->context,
        .no_credentials = !has_user_credentials(cfg) && !cfg->cert_file && !cfg->cert_data,
        .credentials_withheld = r->c->notice_http != NULL,
    };
}

static void retry_now(void *ud)
{
    struct kube_request *r = ud;
    r->retry_timer = NULL;
    if (r->cancelled) return;
    buf_reset(&r->body);
    buf_reset(&r->pending);
    free(r->retry_after);
    r->retry_after = NULL;
    r->curl_err[0] = 0;
    apply_budget(r);
    if (r->c->log_fn) r->c->log_fn(r->c->log_ud, r->kubectl);
    if (curl_multi_add_handle(r->c->loop->multi, r->easy) == CURLM_OK) {
        r->in_multi = true;
    } else {
        r->early = true;
        snprintf(r->early_error, sizeof r->early_error, "cannot repeat a request to %s", r->c->display);
    }
}

static int64_t elapsed_ms(struct kube_request *r)
{
    curl_off_t us = 0;
    curl_easy_getinfo(r->easy, CURLINFO_TOTAL_TIME_T, &us);
    return (int64_t)(us / 1000);
}

static void finish(struct kube_request *r, CURLcode cc)
{
    struct kube_client *c = r->c;
    deliver(r);
    if (r->in_multi) {
        curl_multi_remove_handle(c->loop->multi, r->easy);
        r->in_multi = false;
    }
    if (r->cancelled) {
        request_destroy(r);
        return;
    }
    long code = r->early ? 0 : response_code(r);
    char err[ERRLEN];
    err[0] = 0;
    /* 401 with a credential that can be renewed: renew and retry once. */
    if (code == 401 && !r->auth_retried && !c->plain_http && (c->cfg->exec || c->cfg->token_file)) {
        r->auth_retried = true;
        if (refresh_credentials(c, true, err, sizeof err) == 0) {
            buf_reset(&r->body);
            buf_reset(&r->pending);
            r->opened = false;
            build_headers(r);
            apply_budget(r);
            if (curl_multi_add_handle(c->loop->multi, r->easy) == CURLM_OK) {
                r->in_multi = true;
                return;
            }
        }
    }
    /* A read the server asks to repeat soon (429/503 with a short
     * Retry-After) is repeated, as client-go does; writes never are. */
    if ((code == 429 || code == 503) && r->retries < KUBE_MAX_RETRIES &&
        (r->verb == KUBE_GET || r->verb == KUBE_LIST || (r->verb == KUBE_LOGS && !r->stream))) {
        long ra = r->retry_after ? strtol(r->retry_after, NULL, 10) : -1;
        if (ra >= 0 && ra <= KUBE_MAX_RETRY_AFTER_S) {
            r->retries++;
            r->retry_timer = kube_timer_start(c, ra * 1000, retry_now, r);
            return;
        }
    }
    char resource[160];
    if (r->res) snprintf(resource, sizeof resource, "%s%s%s", r->res->plural, r->res->group[0] ? "." : "", r->res->group);
    else snprintf(resource, sizeof resource, "objects");
    struct kube_what w;
    what_of(r, &w);
    w.resource = resource;
    struct kube_status st = {.retry_after_s = -1};
    struct kube_result res = {.http = code, .kubectl = r->kubectl};
    if (r->early) {
        snprintf(err, sizeof err, "%s", r->early_error);
    } else if (r->not_json) {
        if (r->first >= 0x21 && r->first < 0x7f)
            snprintf(err, sizeof err, "the answer of %s to %s %s is not a JSON object (it starts with '%c')", c->display,
                     w.verb, r->path, r->first);
        else
            snprintf(err, sizeof err, "the answer of %s to %s %s is not a JSON object (it starts with byte 0x%02x)",
                     c->display, w.verb, r->path, r->first);
    } else if (r->too_big) {
        snprintf(err, sizeof err, "the answer of %s to %s %s is larger than %zu MiB", c->display, w.verb, r->path,
                 r->max_body >> 20);
    } else if (code >= 200 && code < 300 && cc == CURLE_OK) {
        res.ok = true;
    } else if (code >= 300 || (code && code < 200)) {
        kube_status_parse(code, r->body.p, r->body.len, r->retry_after, &st);
        kube_status_sentence(&st, &w, err, sizeof err);
        res.status = &st;
    } else if (cc == CURLE_OPERATION_TIMEDOUT && !r->long_running && r->budget_ms && !r->early &&
               elapsed_ms(r) + 200 >= r->budget_ms) {
        snprintf(err, sizeof err, "%s (context '%s') did not finish %s %s within %lld s%s", c->display,
                 c->cfg->context, w.verb, r->path, (long long)((r->budget_ms + 999) / 1000),
                 code ? " (it answers, but too slowly)" : "");
    } else if (code >= 200 && code < 300) {
        struct buf m = {0};
        sanitize_append(&m, r->curl_err[0] ? r->curl_err : curl_easy_strerror(cc),
                        strlen(r->curl_err[0] ? r->curl_err : curl_easy_strerror(cc)), 0);
        snprintf(err, sizeof err, "connection to %s lost during %s %s: %s", c->display, w.verb, r->path,
                 m.p ? m.p : "");
        buf_free(&m);
    } else if (cc == CURLE_SSL_CERTPROBLEM) {
        /* our side, not the server: the kubeconfig's certificate or key */
        const char *why = r->curl_err[0] ? r->curl_err : curl_easy_strerror(cc);
        struct buf m = {0};
        sanitize_append(&m, why, strlen(why), 0);
        snprintf(err, sizeof err,
                 "the client certificate of user '%s' (context '%s') cannot be used for %s: %s "
                 "(does the key belong to the certificate, both PEM?)",
                 c->cfg->user_name ? c->cfg->user_name : "", c->cfg->context, c->display, m.p ? m.p : "");
        buf_free(&m);
    } else {
        const char *why = r->curl_err[0] ? r->curl_err : curl_easy_strerror(cc);
        struct buf m = {0};
        sanitize_append(&m, why, strlen(why), 0);
        snprintf(err, sizeof err, "cannot reach %s (context '%s') for %s %s: %s", c->display, c->cfg->context,
                 w.verb, r->path, m.p ? m.p : "");
        buf_free(&m);
    }
    if (!res.ok) {
        res.error = err;
        res.timed_out = cc == CURLE_OPERATION_TIMEDOUT;
    } else {
        res.body = r->body.p ? r->body.p : "";
        res.body_len = r->body.len;
    }
    if (r->on_done) r->on_done(r->ud, &res);
    kube_status_free(&st);
    request_destroy(r);
}

int kube_loop_wait(struct kube_loop *l, struct curl_waitfd *extra, unsigned nextra, int timeout_ms)
{
    int64_t now = time_mono_ms();
    int64_t t = timeout_ms < 0 ? 0 : timeout_ms;
    for (struct kube_timer *tm = l->timers; tm; tm = tm->next)
        if (tm->due - now < t) t = tm->due - now < 0 ? 0 : tm->due - now;
    for (struct kube_request *r = l->reqs; r; r = r->next)
        if (r->early || r->cancelled || r->pending.len) t = 0;
    int numfds = 0;
    for (unsigned i = 0; i < nextra; i++) extra[i].revents = 0;
    CURLMcode mc = curl_multi_poll(l->multi, extra, nextra, (int)t, &numfds);
    return mc == CURLM_OK ? 0 : -1;
}

int kube_loop_perform(struct kube_loop *l)
{
    int running = 0;
    curl_multi_perform(l->multi, &running);
    for (struct kube_request *r = l->reqs, *next; r; r = next) {
        next = r->next;
        deliver(r);
    }
    CURLMsg *m;
    int left;
    while ((m = curl_multi_info_read(l->multi, &left))) {
        if (m->msg != CURLMSG_DONE) continue;
        struct kube_request *r = NULL;
        curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&r);
        CURLcode cc = m->data.result;
        if (r) finish(r, cc);
    }
    for (bool again = true; again;) {
        again = false;
        for (struct kube_request *r = l->reqs; r; r = r->next) {
            if (r->early && !r->cancelled) {
                finish(r, CURLE_OK);
                again = true; /* the list changed */
                break;
            }
        }
    }
    fire_timers(l);
    int pending = 0;
    for (struct kube_request *r = l->reqs, *next; r; r = next) {
        next = r->next;
        if (r->cancelled) request_destroy(r);
        else pending++;
    }
    for (struct kube_timer *t = l->timers; t; t = t->next) pending++;
    return pending;
}

int kube_client_wait(struct kube_client *c, struct curl_waitfd *extra, unsigned nextra, int timeout_ms)
{
    return kube_loop_wait(c->loop, extra, nextra, timeout_ms);
}

int kube_client_perform(struct kube_client *c) { return kube_loop_perform(c->loop); }

/* ---- paginated list ---- */

struct kube_list {
    struct kube_client *c;
    struct kube_list_opts o;
    char *ns, *label, *field;
    char *cont;
    struct kube_request *cur;
    bool in_cb, cancelled;
};

static void list_free(struct kube_list *l)
{
    free(l->ns);
    free(l->label);
    free(l->field);
    free(l->cont);
    free(l);
}

static void list_next(struct kube_list *l);

static void list_page_done(void *ud, const struct kube_result *res)
{
    struct kube_list *l = ud;
    l->cur = NULL;
    if (!res->ok) {
        l->in_cb = true;
        l->o.on_done(l->o.ud, res, NULL);
        list_free(l);
        return;
    }
    cJSON *j = cJSON_ParseWithLength(res->body, res->body_len);
    const cJSON *items = json_at(j, "items");
    if (!cJSON_IsObject(j) || (items && !cJSON_IsArray(items) && !cJSON_IsNull(items))) {
        char err[ERRLEN];
        snprintf(err, sizeof err, "the list of %s from %s is not valid JSON (%zu bytes, truncated or malformed)",
                 l->o.res->plural, l->c->display, res->body_len);
        struct kube_result bad = *res;
        bad.ok = false;
        bad.error = err;
        bad.body = NULL;
        bad.body_len = 0;
        cJSON_Delete(j);
        l->in_cb = true;
        l->o.on_done(l->o.ud, &bad, NULL);
        list_free(l);
        return;
    }
    if (!items || !cJSON_IsArray(items)) {
        cJSON_DeleteItemFromObjectCaseSensitive(j, "items");
        cJSON_AddArrayToObject(j, "items");
        items = json_at(j, "items");
    }
    /* Drop items that are not objects: callers may rely on that. */
    for (cJSON *it = items->child, *nx; it; it = nx) {
        nx = it->next;
        if (!cJSON_IsObject(it)) cJSON_Delete(cJSON_DetachItemViaPointer((cJSON *)items, it));
    }
    const char *cont = json_str(j, "metadata.continue");
    const char *rvp = json_str(j, "metadata.resourceVersion");
    char *rv = xstrdup(rvp);
    free(l->cont);
    l->cont = cont && *cont ? xstrdup(cont) : NULL;
    l->in_cb = true;
    if (l->o.on_page) l->o.on_page(l->o.ud, j);
    cJSON_Delete(j);
    if (l->cancelled) {
        free(rv);
        list_free(l);
        return;
    }
    l->in_cb = false;
    if (l->cont) {
        list_next(l);
    } else {
        l->in_cb = true;
        l->o.on_done(l->o.ud, res, rv);
        list_free(l);
    }
    free(rv);
}

static void list_next(struct kube_list *l)
{
    struct kube_req q = {
        .verb = KUBE_LIST,
        .res = l->o.res,
        .ns = l->ns,
        .label_selector = l->label,
        .field_selector = l->field,
        .limit = l->o.page_size > 0 ? l->o.page_size : KUBE_DEFAULT_PAGE,
        .continue_token = l->cont,
        .on_done = list_page_done,
        .ud = l,
    };
    l->cur = kube_request_start(l->c, &q);
}

struct kube_list *kube_list_start(struct kube_client *c, const struct kube_list_opts *o)
{
    struct kube_list *l = xcalloc(1, sizeof *l);
    l->c = c;
    l->o = *o;
    l->ns = xstrdup(o->ns && *o->ns ? o->ns : NULL);
    l->label = xstrdup(o->label_selector);
    l->field = xstrdup(o->field_selector);
    l->o.ns = l->ns;
    l->o.label_selector = l->label;
    l->o.field_selector = l->field;
    list_next(l);
    return l;
}

void kube_list_cancel(struct kube_list *l)
{
    if (!l) return;
    if (l->in_cb) {
        l->cancelled = true; /* freed when the callback returns */
        return;
    }
    kube_request_cancel(l->cur);
    list_free(l);
}

/* ---- blocking ---- */

void kube_error_clear(struct kube_error *e)
{
    if (!e) return;
    kube_status_free(&e->status);
    e->msg[0] = 0;
    e->http = 0;
}

static void error_from(struct kube_error *e, const struct kube_result *res)
{
    if (!e) return;
    kube_status_free(&e->status);
    snprintf(e->msg, sizeof e->msg, "%s", res->error ? res->error : "request failed");
    e->http = res->http;
    e->timed_out = res->timed_out;
    if (res->status) kube_status_copy(&e->status, res->status);
}

static void error_text(struct kube_error *e, const char *msg)
{
    if (!e) return;
    kube_status_free(&e->status);
    snprintf(e->msg, sizeof e->msg, "%s", msg);
    e->http = 0;
    e->timed_out = false;
}

static void run_until(struct kube_client *c, const bool *done)
{
    while (!*done) {
        kube_client_wait(c, NULL, 0, 1000);
        kube_client_perform(c);
    }
}

struct blocking {
    bool done, ok;
    struct kube_error *e;
    char *body;
    size_t len;
    bool want_body;
    /* the caller's stream callbacks and their own ud */
    kube_data_fn on_data;
    void (*on_open)(void *ud, long http);
    void *ud;
};

static int blocking_data(void *ud, const char *data, size_t n)
{
    struct blocking *b = ud;
    return b->on_data(b->ud, data, n);
}

static void blocking_open(void *ud, long http)
{
    struct blocking *b = ud;
    b->on_open(b->ud, http);
}

static void blocking_done(void *ud, const struct kube_result *res)
{
    struct blocking *b = ud;
    b->done = true;
    b->ok = res->ok;
    if (!res->ok) {
        error_from(b->e, res);
        return;
    }
    if (b->want_body) {
        b->body = xmalloc(res->body_len + 1);
        memcpy(b->body, res->body, res->body_len);
        b->body[res->body_len] = 0;
        b->len = res->body_len;
    }
}

int kube_do(struct kube_client *c, const struct kube_req *req, char **out_body, size_t *out_len,
            struct kube_error *e)
{
    struct blocking b = {.e = e, .want_body = out_body != NULL, .on_data = req->on_data,
                         .on_open = req->on_open, .ud = req->ud};
    struct kube_req q = *req;
    q.on_done = blocking_done;
    /* q.ud is ours now: stream callbacks reach the caller through b */
    if (q.on_data) q.on_data = blocking_data;
    if (q.on_open) q.on_open = blocking_open;
    q.ud = &b;
    kube_request_start(c, &q);
    run_until(c, &b.done);
    if (!b.ok) return -1;
    if (out_body) *out_body = b.body;
    if (out_len) *out_len = b.len;
    return 0;
}

static int parse_object(const char *body, size_t len, const char *what, const char *server, cJSON **out,
                        struct kube_error *e)
{
    cJSON *j = cJSON_ParseWithLength(body, len);
    if (!cJSON_IsObject(j)) {
        cJSON_Delete(j);
        char msg[ERRLEN];
        snprintf(msg, sizeof msg, "the answer of %s for %s is not a JSON object (%zu bytes, truncated or malformed)",
                 server, what, len);
        error_text(e, msg);
        return -1;
    }
    *out = j;
    return 0;
}

int kube_get_json(struct kube_client *c, const struct kube_resource *res, const char *ns, const char *name,
                  cJSON **out, struct kube_error *e)
{
    struct kube_req q = {.verb = KUBE_GET, .res = res, .ns = ns, .name = name};
    char *body = NULL;
    size_t len = 0;
    if (kube_do(c, &q, &body, &len, e) < 0) return -1;
    char what[300];
    snprintf(what, sizeof what, "%s %s", res->kind, name);
    int rc = parse_object(body, len, what, c->display, out, e);
    free(body);
    return rc;
}

struct collect {
    bool done, ok;
    cJSON *items;
    char *rv;
    struct kube_error *e;
};

static void collect_page(void *ud, cJSON *list)
{
    struct collect *k = ud;
    cJSON *items = cJSON_GetObjectItemCaseSensitive(list, "items");
    /* Move the items instead of copying them: pages can be large. */
    while (items && items->child) cJSON_AddItemToArray(k->items, cJSON_DetachItemViaPointer(items, items->child));
}

static void collect_done(void *ud, const struct kube_result *res, const char *rv)
{
    struct collect *k = ud;
    k->done = true;
    k->ok = res->ok;
    if (!res->ok) error_from(k->e, res);
    k->rv = xstrdup(rv);
}

int kube_list_all(struct kube_client *c, const struct kube_list_opts *o, cJSON **items, char **rv,
                  struct kube_error *e)
{
    struct collect k = {.items = cJSON_CreateArray(), .e = e};
    struct kube_list_opts lo = *o;
    lo.on_page = collect_page;
    lo.on_done = collect_done;
    lo.ud = &k;
    kube_list_start(c, &lo);
    run_until(c, &k.done);
    if (!k.ok) {
        cJSON_Delete(k.items);
        free(k.rv);
        return -1;
    }
    *items = k.items;
    if (rv) *rv = k.rv;
    else free(k.rv);
    return 0;
}

int kube_create(struct kube_client *c, const struct kube_resource *res, const char *ns, const cJSON *obj,
                bool dry_run, cJSON **created, struct kube_error *e)
{
    char *text = cJSON_PrintUnformatted(obj);
    if (!text) abort();
    struct kube_req q = {.verb = KUBE_CREATE, .res = res, .ns = ns, .name = json_str(obj, "metadata.name"),
                         .body = text, .body_len = strlen(text), .dry_run = dry_run};
    char *body = NULL;
    size_t len = 0;
    int rc = kube_do(c, &q, &body, &len, e);
    free(text);
    if (rc < 0) return -1;
    if (created) {
        char what[300];
        snprintf(what, sizeof what, "the created %s", res->kind);
        rc = parse_object(body, len, what, c->display, created, e);
    }
    free(body);
    return rc;
}

int kube_delete(struct kube_client *c, const struct kube_resource *res, const char *ns, const char *name,
                struct kube_error *e)
{
    struct kube_req q = {.verb = KUBE_DELETE, .res = res, .ns = ns, .name = name};
    return kube_do(c, &q, NULL, NULL, e);
}

int kube_pods_by_selector(struct kube_client *c, const char *ns, const char *selector, cJSON **items,
                          struct kube_error *e)
{
    struct kube_list_opts o = {.res = &KUBE_PODS, .ns = ns, .label_selector = selector};
    return kube_list_all(c, &o, items, NULL, e);
}

int kube_events_for(struct kube_client *c, const char *ns, const char *name, cJSON **items, struct kube_error *e)
{
    char *fs = name ? xasprintf("involvedObject.name=%s", name) : NULL;
    struct kube_list_opts o = {.res = &KUBE_EVENTS, .ns = ns, .field_selector = fs};
    int rc = kube_list_all(c, &o, items, NULL, e);
    free(fs);
    return rc;
}

int kube_logs(struct kube_client *c, const struct kube_req *req, char **out, size_t *out_len, struct kube_error *e)
{
    struct kube_req q = *req;
    q.verb = KUBE_LOGS;
    q.res = &KUBE_PODS;
    if (q.on_data) return kube_do(c, &q, NULL, NULL, e);
    return kube_do(c, &q, out, out_len, e);
}
