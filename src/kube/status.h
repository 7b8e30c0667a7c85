/* status — Kubernetes API errors as one clear sentence.
 *
 * An error response (a `Status` object, an HTML 500 page, an empty or
 * truncated body) is parsed with kube_status_parse() into a struct
 * kube_status that keeps what callers act on (reason, details, causes,
 * Retry-After: rerun needs 409 AlreadyExists, 403 verb/resource and 422
 * causes), and kube_status_sentence() words it for a person, using what the
 * request was about (struct kube_what) — e.g.
 *   AgentRun "x" not found in namespace "agents"
 *   forbidden: user "x" cannot create agentruns.agents.proompteng.ai in namespace "agents"
 * Server-provided text in the sentence is sanitised (util/sanitize.h) and
 * shortened; no secret ever enters it. kube_status_free() releases the
 * strings; a zeroed struct is valid and empty.
 */
#ifndef ARTRIAGE_KUBE_STATUS_H
#define ARTRIAGE_KUBE_STATUS_H
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct kube_status_cause {
    char *reason, *message, *field; /* each may be NULL; raw (not sanitised) */
};

struct kube_status {
    long code;            /* HTTP status of the response */
    char *reason;         /* Status.reason ("NotFound", "AlreadyExists", …) or NULL */
    char *message;        /* Status.message, or text taken from a non-JSON body; raw */
    char *name, *group, *kind; /* Status.details */
    struct kube_status_cause *causes;
    size_t ncauses;
    int64_t retry_after_s; /* Retry-After header or details.retryAfterSeconds; -1 if none */
    int is_status;        /* 1 if the body was a JSON Status object */
};

/* What a request was about, for wording messages. Any field may be NULL. */
struct kube_what {
    const char *verb;     /* get, list, watch, create, delete, logs */
    const char *kind;     /* AgentRun, Pod, … */
    const char *resource; /* agentruns.agents.proompteng.ai */
    const char *name;
    const char *ns;       /* NULL = all namespaces / cluster scope */
    const char *server;   /* https://host:port */
    const char *path;     /* request path without query */
    const char *user;     /* kubeconfig user name */
    const char *context;
    bool no_credentials;  /* the kubeconfig user carries none (a 401 then says so) */
    bool credentials_withheld; /* it has some, not sent over plain http:// (a 401 then says so) */
};

/* Parses an error response. Never fails: whatever the body is, out gets
 * the HTTP code and as much as could be understood. retry_after may be NULL. */
void kube_status_parse(long http, const char *body, size_t len, const char *retry_after,
                       struct kube_status *out);
/* Also used for watch ERROR events, whose object is a Status. */
void kube_status_from_json(const cJSON *obj, long http, struct kube_status *out);
void kube_status_sentence(const struct kube_status *st, const struct kube_what *w, char *out, size_t outlen);
void kube_status_copy(struct kube_status *dst, const struct kube_status *src);
void kube_status_free(struct kube_status *st);
#endif
