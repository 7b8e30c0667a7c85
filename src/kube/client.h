/* client — the Kubernetes API client: asynchronous over libcurl's multi
 * interface for the single-threaded console, with blocking conveniences on
 * the same loop for the CLI.
 *
 * A client is made from a resolved config (kube/kubeconfig.h; it keeps its
 * own copy) and is cheap, so a context/namespace switch is
 *   kubeconfig_resolve(kc, "other", NULL, &cfg, ...); kube_client_new(cfg, &c2, ...)
 *
 * Event loop (the console polls its terminal through the same call):
 *   struct curl_waitfd term = {.fd = 0, .events = CURL_WAIT_POLLIN};
 *   for (;;) {
 *       kube_client_wait(c, &term, 1, 1000);   sleeps until a socket, a timer or stdin
 *       kube_client_perform(c);                moves transfers, fires callbacks
 *       ... read keys if term.revents ...
 *   }
 * Every callback runs from inside kube_client_perform (never from inside a
 * libcurl callback), so callbacks may start and cancel requests freely; they
 * must not call the blocking helpers (kube_get_json …), which run the loop
 * themselves.
 *
 * Requests: kube_request_start(c, &req) copies everything it needs from req
 * and returns a handle; exactly one on_done follows unless the request is
 * cancelled first (kube_request_cancel: no callback after it, the handle is
 * gone). Streams (req.on_data set) get 2xx body bytes as they come; other
 * requests get the whole body in on_done (res->body, valid only during the
 * callback).
 *
 * Objects are cJSON trees (model/agentrun.h parses them); trees handed to
 * callbacks belong to the caller of the callback unless stated otherwise.
 */
#ifndef ARTRIAGE_KUBE_CLIENT_H
#define ARTRIAGE_KUBE_CLIENT_H
#include "kube/kubeconfig.h"
#include "kube/status.h"
#include "util/err.h"
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A kind of object the client knows how to address. */
struct kube_resource {
    const char *group;     /* "" for the core group */
    const char *version;
    const char *plural;
    const char *kind;
    const char *kubectl;   /* what kubectl calls it: "agentruns", "pods" */
    bool namespaced;
};
extern const struct kube_resource KUBE_AGENTRUNS, KUBE_PODS, KUBE_EVENTS, KUBE_JOBS, KUBE_NAMESPACES;

enum kube_verb { KUBE_GET, KUBE_LIST, KUBE_WATCH, KUBE_CREATE, KUBE_DELETE, KUBE_LOGS };

/* Default caps on buffered bodies, non-follow log streams (the object cap)
 * and watch lines. A list page of 2000 runs is a few MiB; a server that
 * never ends its answer is stopped within seconds. */
#define KUBE_MAX_LIST_BODY ((size_t)64 << 20)
#define KUBE_MAX_OBJECT_BODY ((size_t)64 << 20)
#define KUBE_MAX_WATCH_LINE ((size_t)16 << 20)
#define KUBE_MAX_ERROR_BODY ((size_t)1 << 20)
#define KUBE_DEFAULT_PAGE 500
/* Reads answered 429/503 with Retry-After <= this are repeated, at most
 * KUBE_MAX_RETRIES times; longer waits are the caller's call. */
#define KUBE_MAX_RETRY_AFTER_S 3
#define KUBE_MAX_RETRIES 2
/* A request that is not a watch or follow and receives no byte for this
 * long is given up (a stalled server or proxy): the CLI answers within 10 s. */
#define KUBE_STALL_S 5
/* Every request that is not a watch or follow ends within this many
 * seconds, however slowly the server keeps sending (docs/cli.md). */
#define KUBE_REQUEST_BUDGET_S 10

struct kube_result {
    bool ok;                           /* 2xx and (if not a stream) a complete body */
    long http;                         /* HTTP status; 0 = no response */
    const char *error;                 /* one sentence when !ok, else NULL */
    const struct kube_status *status;  /* the API's Status when the server answered an error */
    const char *body;                  /* whole body (not for streams); NUL-terminated */
    size_t body_len;
    const char *kubectl;               /* the equivalent kubectl command */
    bool timed_out;                    /* given up: no answer / a stalled transfer */
};

/* Stream bytes (2xx only). Return nonzero to stop: the request is then
 * cancelled and on_done is not called. */
typedef int (*kube_data_fn)(void *ud, const char *data, size_t n);
typedef void (*kube_done_fn)(void *ud, const struct kube_result *res);

/* One request. Unused fields stay zero. */
struct kube_req {
    enum kube_verb verb;
    const struct kube_resource *res;  /* KUBE_LOGS: ignored (pods) */
    const char *ns;                   /* NULL/"" = all namespaces (list, watch) */
    const char *name;                 /* get, delete, logs (the pod) */
    const char *label_selector, *field_selector;
    int64_t limit;                    /* list: page size (0 = server's choice) */
    const char *continue_token;
    const char *resource_version;     /* list/watch */
    bool allow_bookmarks;             /* watch */
    int timeout_seconds;              /* watch: server-side end (0 = 300..600 s) */
    const char *body;                 /* create: JSON text */
    size_t body_len;
    bool dry_run;                     /* create: ?dryRun=All */
    /* logs */
    const char *container;
    bool previous, timestamps, follow;
    int64_t tail_lines;               /* > 0 to set */
    const char *since_time;           /* RFC 3339 */
    int64_t since_seconds;            /* > 0 to set (sinceSeconds; not with since_time) */
    int64_t limit_bytes;              /* > 0 to set */
    size_t max_body;                  /* 0 = KUBE_MAX_LIST_BODY / KUBE_MAX_OBJECT_BODY (also caps a
                                         stream that is not a watch or follow) */
    kube_data_fn on_data;             /* set: stream */
    kube_done_fn on_done;
    /* Called once when a 2xx response starts (a watch is live). */
    void (*on_open)(void *ud, long http);
    void *ud;
};

struct kube_client;
struct kube_request;

/* The loop: one curl multi handle with its requests and timers. Any
 * number of clients (contexts) can share one, so a single thread follows
 * them all; kube_client_new makes a client with a loop of its own (freed
 * with it). kube_client_wait/perform run the client's whole loop. Free
 * the clients on a shared loop before the loop. */
struct kube_loop;
struct kube_loop *kube_loop_new(void);
void kube_loop_free(struct kube_loop *l);
int kube_loop_wait(struct kube_loop *l, struct curl_waitfd *extra, unsigned nextra, int timeout_ms);
int kube_loop_perform(struct kube_loop *l);
void kube_loop_wakeup(struct kube_loop *l);
/* A client on a shared loop (the caller keeps the loop). */
int kube_client_new_on(struct kube_loop *loop, const struct kube_config *cfg, struct kube_client **out, char *err,
                       size_t errlen);
struct kube_loop *kube_client_loop(const struct kube_client *c);

/* Copies cfg. Fails only on an unusable config (no server). */
int kube_client_new(const struct kube_config *cfg, struct kube_client **out, char *err, size_t errlen);
/* Cancels its requests and timers (no callbacks fire) and releases the client
 * (and its loop, if it has its own). */
void kube_client_free(struct kube_client *c);
const struct kube_config *kube_client_config(const struct kube_client *c);
/* One sentence each, or NULL: the user's credentials are withheld because
 * the server is plain http:// (kubectl's rule: user credentials go over TLS
 * only, exec plugins are not run); the server's certificate is not verified
 * (insecure-skip-tls-verify). Front ends show them once. Owned by c. */
const char *kube_client_notice_plain_http(const struct kube_client *c);
const char *kube_client_notice_insecure(const struct kube_client *c);
/* Whether exec plugins may use the terminal (the console sets false while
 * curses owns it; default: isatty(0)). */
void kube_client_set_interactive(struct kube_client *c, bool yes);
/* A monotonic time (util/timeutil.h time_mono_ms) by which every ordinary
 * request ends, retries included (0 = none; each still has its own
 * KUBE_REQUEST_BUDGET_S): the CLI's answer-within-10-s promise for a
 * command that makes several requests one after another. */
void kube_client_set_deadline(struct kube_client *c, int64_t mono_ms);

/* Waits up to timeout_ms for a transfer, a due timer or one of the extra
 * fds (their revents are filled). Returns 0, or -1 on a poll error. */
int kube_client_wait(struct kube_client *c, struct curl_waitfd *extra, unsigned nextra, int timeout_ms);
/* Advances transfers, fires callbacks and timers. Returns how many requests
 * and timers are still pending. */
int kube_client_perform(struct kube_client *c);
/* Wakes a kube_client_wait from a signal handler or another thread. */
void kube_client_wakeup(struct kube_client *c);

/* Called with the kubectl equivalent of every request the client starts
 * (list pages, watch reconnects and retries included), for the console's
 * command log. The string is valid during the call. NULL fn turns it off. */
void kube_client_set_request_log(struct kube_client *c, void (*fn)(void *ud, const char *kubectl), void *ud);

struct kube_request *kube_request_start(struct kube_client *c, const struct kube_req *req);
void kube_request_cancel(struct kube_request *r);
const char *kube_request_kubectl(const struct kube_request *r);

/* The kubectl command equivalent to a request (for the console's command
 * log), e.g. "kubectl logs POD -c agent-runner -n agents --previous".
 * Caller frees. */
char *kube_kubectl_equivalent(const struct kube_client *c, const struct kube_req *req);
/* The request path with its query ("/apis/…?limit=500"). Caller frees. */
char *kube_request_path(const struct kube_req *req);

/* Timers on the client's loop (watch backoff uses them). The callback runs
 * once from kube_client_perform. */
struct kube_timer;
struct kube_timer *kube_timer_start(struct kube_client *c, int64_t delay_ms, void (*fn)(void *ud), void *ud);
void kube_timer_cancel(struct kube_timer *t);

/* ---- paginated list, pages delivered as they come ---- */
struct kube_list;
struct kube_list_opts {
    const struct kube_resource *res;
    const char *ns;                 /* NULL = all namespaces */
    const char *label_selector, *field_selector;
    int64_t page_size;              /* 0 = KUBE_DEFAULT_PAGE */
    /* One page: the *List object (items may be empty; items that are not
     * objects are dropped). The callee may detach items it keeps (e.g.
     * cJSON_DetachItemViaPointer); the list is freed after the call. */
    void (*on_page)(void *ud, cJSON *list);
    /* The end: ok, or the error. rv = the list's resourceVersion (where a
     * watch starts). */
    void (*on_done)(void *ud, const struct kube_result *res, const char *rv);
    void *ud;
};
struct kube_list *kube_list_start(struct kube_client *c, const struct kube_list_opts *o);
void kube_list_cancel(struct kube_list *l);

/* ---- blocking conveniences (CLI) ----
 * Errors fill struct kube_error: a sentence plus the Status details;
 * kube_error_clear() releases them. */
struct kube_error {
    char msg[ERRLEN];
    long http;                /* 0 = no HTTP answer */
    bool timed_out;           /* the server stopped sending (kube_result.timed_out) */
    struct kube_status status;
};
void kube_error_clear(struct kube_error *e);

/* Runs any request to completion; *out_body (optional) gets the body. */
int kube_do(struct kube_client *c, const struct kube_req *req, char **out_body, size_t *out_len,
            struct kube_error *e);
int kube_get_json(struct kube_client *c, const struct kube_resource *res, const char *ns, const char *name,
                  cJSON **out, struct kube_error *e);
/* Every item of every page, in one array (caller cJSON_Delete's it). */
int kube_list_all(struct kube_client *c, const struct kube_list_opts *o, cJSON **items, char **rv,
                  struct kube_error *e);
/* Posts obj; *created (optional) gets the server's answer. */
int kube_create(struct kube_client *c, const struct kube_resource *res, const char *ns, const cJSON *obj,
                bool dry_run, cJSON **created, struct kube_error *e);
int kube_delete(struct kube_client *c, const struct kube_resource *res, const char *ns, const char *name,
                struct kube_error *e);
/* Pods whose labels match (e.g. "agents.proompteng.ai/agent-run=NAME"). */
int kube_pods_by_selector(struct kube_client *c, const char *ns, const char *selector, cJSON **items,
                          struct kube_error *e);
/* Events of one object (involvedObject.name) or all (name NULL). */
int kube_events_for(struct kube_client *c, const char *ns, const char *name, cJSON **items, struct kube_error *e);
/* Logs: a non-follow read into *out (caller frees), or, with req->follow /
 * req->on_data, streamed to req->on_data until the server ends it. req must
 * have verb KUBE_LOGS, ns, name (pod). */
int kube_logs(struct kube_client *c, const struct kube_req *req, char **out, size_t *out_len, struct kube_error *e);
#endif
