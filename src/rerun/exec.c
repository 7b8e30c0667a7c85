/* rerun exec: the exactly-once create as a state machine without I/O.
 *
 *   DRY  --2xx--> (CONFIRM) --yes--> POST --201--> DONE
 *    |                                 |--0/5xx/429--> WAIT --> POST (same name, same key)
 *    |                                 |--409--> GET --ours--> DONE (recovered)
 *    |                                 |            `-theirs-> FAILED (clear error)
 *    |                                 `--4xx--> [VERIFY GET if an earlier POST was unanswered] FAILED
 *    `--4xx--> FAILED (the server's refusal as is)
 */
#include "rerun/rerun.h"
#include "util/err.h"
#include "util/jsonutil.h"
#include "util/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum phase {
    PH_DRY,        /* send the dry run */
    PH_CONFIRM,    /* wait for rerun_exec_confirm */
    PH_POST,       /* send the real POST */
    PH_GET,        /* after a 409: whose is it? */
    PH_VERIFY,     /* after a refusal following an unanswered POST */
    PH_WAIT,       /* backoff before phase `after_wait` */
    PH_DRY_DONE,
    PH_DONE,
    PH_FAILED,
};

struct rerun_exec {
    const struct rerun_plan *plan;
    struct rerun_exec_opts o;
    enum phase ph, after_wait;
    bool in_flight;
    int64_t wait_ms, backoff_ms;
    int dry_tries, post_tries, get_tries;
    bool post_unanswered;  /* some POST had no answer: it may have landed */
    bool get_after_dry;    /* the 409 that led to PH_GET answered the dry run */
    char *pending_error;   /* the refusal to report if VERIFY finds nothing */
    int pending_status;
    char *pending_reason;
    struct rerun_result r;
};

struct rerun_exec *rerun_exec_new(const struct rerun_plan *plan, const struct rerun_exec_opts *o)
{
    struct rerun_exec *x = xcalloc(1, sizeof *x);
    x->plan = plan;
    if (o) x->o = *o;
    if (x->o.max_attempts <= 0) x->o.max_attempts = 5;
    if (x->o.backoff_ms <= 0) x->o.backoff_ms = 500;
    x->backoff_ms = x->o.backoff_ms;
    x->ph = PH_DRY;
    return x;
}

void rerun_exec_free(struct rerun_exec *x)
{
    if (!x) return;
    free(x->pending_error);
    free(x->pending_reason);
    free(x->r.uid);
    free(x->r.reason);
    free(x->r.error);
    free(x);
}

const struct rerun_result *rerun_exec_result(const struct rerun_exec *x)
{
    return &x->r;
}

static void fail(struct rerun_exec *x, int status, const char *reason, char *msg)
{
    x->ph = PH_FAILED;
    x->r.http_status = status;
    free(x->r.reason);
    x->r.reason = xstrdup(reason);
    free(x->r.error);
    x->r.error = msg;
}

static void wait_then(struct rerun_exec *x, enum phase next, int retry_after)
{
    x->after_wait = next;
    x->wait_ms = x->backoff_ms;
    if (retry_after > 0) x->wait_ms = (int64_t)(retry_after > 30 ? 30 : retry_after) * 1000;
    x->backoff_ms *= 2;
    if (x->backoff_ms > 8000) x->backoff_ms = 8000;
    x->ph = PH_WAIT;
}

enum rerun_state rerun_exec_next(struct rerun_exec *x, struct rerun_req *rq)
{
    memset(rq, 0, sizeof *rq);
    rq->ns = x->plan->ns;
    rq->name = x->plan->name;
    rq->body = x->plan->object;
    switch (x->ph) {
    case PH_DRY:
        rq->kind = RERUN_REQ_CREATE;
        rq->dry_run = true;
        break;
    case PH_POST:
        rq->kind = RERUN_REQ_CREATE;
        break;
    case PH_GET:
    case PH_VERIFY:
        rq->kind = RERUN_REQ_GET;
        break;
    case PH_WAIT:
        rq->kind = RERUN_REQ_WAIT;
        rq->wait_ms = x->wait_ms;
        break;
    case PH_CONFIRM:
        return RERUN_ST_CONFIRM;
    case PH_DRY_DONE:
        return RERUN_ST_DRY_DONE;
    case PH_DONE:
        return RERUN_ST_DONE;
    case PH_FAILED:
        return RERUN_ST_FAILED;
    }
    x->in_flight = true;
    return RERUN_ST_REQUEST;
}

void rerun_exec_confirm(struct rerun_exec *x, bool yes)
{
    if (x->ph != PH_CONFIRM) return;
    if (yes) {
        x->ph = PH_POST;
    } else {
        fail(x, 0, NULL, xstrdup("rerun cancelled: nothing was created"));
        x->r.cancelled = true;
    }
}

static char *transport_msg(const struct rerun_exec *x, const struct rerun_resp *rs, const char *what)
{
    if (rs->status == 0)
        return xasprintf("%s of run %s/%s got no answer: %s", what, x->plan->ns, x->plan->name,
                         rs->transport_error ? rs->transport_error : "connection lost");
    return xasprintf("%s of run %s/%s: HTTP %d", what, x->plan->ns, x->plan->name, rs->status);
}

static bool retryable(int status)
{
    return status == 0 || status == 429 || status >= 500;
}

static const char *status_reason(const cJSON *body)
{
    const char *k = json_str(body, "kind");
    if (!k || strcmp(k, "Status") != 0) return NULL;
    return json_str(body, "reason");
}

static void created_ok(struct rerun_exec *x, const cJSON *obj, bool recovered)
{
    x->ph = PH_DONE;
    x->r.created = true;
    x->r.recovered = recovered;
    x->r.unknown = false;
    free(x->r.uid);
    x->r.uid = xstrdup(json_str(obj, "metadata.uid"));
    free(x->r.error);
    x->r.error = NULL;
    x->r.http_status = 0;
}

/* After a 4xx refusal: if an earlier POST went unanswered, it may have
 * created the run, so look before reporting the refusal. */
static void refuse(struct rerun_exec *x, int status, const char *reason, char *msg)
{
    if (x->post_unanswered && x->ph == PH_POST) {
        free(x->pending_error);
        free(x->pending_reason);
        x->pending_error = msg;
        x->pending_reason = xstrdup(reason);
        x->pending_status = status;
        x->get_tries = 0;
        x->ph = PH_VERIFY;
        return;
    }
    fail(x, status, reason, msg);
}

static void feed_create(struct rerun_exec *x, const struct rerun_resp *rs, bool dry)
{
    const char *what = dry ? "server dry run" : "create";
    if (rs->status >= 200 && rs->status < 300) {
        if (dry) {
            if (x->o.dry_run_only) {
                x->ph = PH_DRY_DONE;
                x->r.dry_run = true;
            } else {
                x->ph = x->o.skip_confirm ? PH_POST : PH_CONFIRM;
            }
            x->backoff_ms = x->o.backoff_ms;
            return;
        }
        if (!cJSON_IsObject(rs->body) || !json_str(rs->body, "metadata.uid")) {
            /* A 2xx without the object: it was created; ask for it. */
            x->post_unanswered = true;
            x->get_tries = 0;
            x->ph = PH_VERIFY;
            return;
        }
        created_ok(x, rs->body, false);
        return;
    }
    const char *reason = status_reason(rs->body);
    if (rs->status == 409 && (!reason || strcmp(reason, "AlreadyExists") == 0)) {
        /* The name exists: ours (an earlier POST landed) or someone else's. */
        x->get_tries = 0;
        x->get_after_dry = dry;
        x->ph = PH_GET;
        return;
    }
    if (retryable(rs->status)) {
        int *tries = dry ? &x->dry_tries : &x->post_tries;
        if (!dry) x->post_unanswered = true;
        if (++*tries < x->o.max_attempts) {
            wait_then(x, dry ? PH_DRY : PH_POST, rs->retry_after);
            return;
        }
        char *m;
        if (rs->status == 0) {
            m = transport_msg(x, rs, what);
        } else {
            char *sm = rerun_status_message(rs->status, rs->body, "create", x->plan->ns, x->plan->name);
            m = xasprintf("%s of run %s/%s: %s", what, x->plan->ns, x->plan->name, sm);
            free(sm);
        }
        char *m2 = xasprintf("%s (gave up after %d attempts)", m, *tries);
        free(m);
        if (!dry) {
            refuse(x, rs->status, reason, m2);
            return;
        }
        fail(x, rs->status, reason, m2);
        return;
    }
    char *m = rerun_status_message(rs->status, rs->body, "create", x->plan->ns, x->plan->name);
    char *m2 = xasprintf("%s refused: %s", what, m);
    free(m);
    refuse(x, rs->status, reason, m2);
}

static void feed_get(struct rerun_exec *x, const struct rerun_resp *rs)
{
    bool verify = x->ph == PH_VERIFY;
    if (rs->status == 200 && cJSON_IsObject(rs->body)) {
        const char *key = json_str(rs->body, "spec.idempotencyKey");
        if (key && strcmp(key, x->plan->key) == 0) {
            created_ok(x, rs->body, true);
            return;
        }
        if (verify) { /* someone else's object under our name: ours never landed */
            fail(x, x->pending_status, x->pending_reason, x->pending_error);
            x->pending_error = NULL;
            return;
        }
        fail(x, 409, "AlreadyExists",
             xasprintf("run %s/%s already exists and is not this rerun (its idempotencyKey is %s, "
                       "ours %s): nothing was created; choose another --name",
                       x->plan->ns, x->plan->name, key ? key : "absent", x->plan->key));
        return;
    }
    if (rs->status == 404) {
        if (verify) {
            fail(x, x->pending_status, x->pending_reason, x->pending_error);
            x->pending_error = NULL;
            return;
        }
        /* 409 then gone (deleted in between): try again, bounded; after a
         * dry run that means the dry run again (never skip confirmation). */
        if (x->get_after_dry && ++x->dry_tries < x->o.max_attempts) {
            x->ph = PH_DRY;
            return;
        }
        if (!x->get_after_dry && ++x->post_tries < x->o.max_attempts) {
            x->ph = PH_POST;
            return;
        }
        fail(x, 409, "AlreadyExists",
             xasprintf("run %s/%s: the server reported it exists but it cannot be read", x->plan->ns,
                       x->plan->name));
        return;
    }
    if (retryable(rs->status) && ++x->get_tries < x->o.max_attempts) {
        wait_then(x, verify ? PH_VERIFY : PH_GET, rs->retry_after);
        return;
    }
    char *m;
    if (retryable(rs->status)) {
        m = transport_msg(x, rs, "reading back");
    } else {
        char *s = rerun_status_message(rs->status, rs->body, "get", x->plan->ns, x->plan->name);
        m = xasprintf("reading back run %s/%s failed: %s", x->plan->ns, x->plan->name, s);
        free(s);
    }
    if (x->post_unanswered || !verify) {
        /* We cannot tell; say how to find out, never claim nothing happened. */
        char *m2 = xasprintf("%s; whether run %s/%s was created is unknown: it carries "
                             "spec.idempotencyKey %s if it was",
                             m, x->plan->ns, x->plan->name, x->plan->key);
        free(m);
        m = m2;
        x->r.unknown = true;
    }
    fail(x, rs->status, status_reason(rs->body), m);
}

void rerun_exec_feed(struct rerun_exec *x, const struct rerun_resp *rs)
{
    if (!x->in_flight) return;
    x->in_flight = false;
    switch (x->ph) {
    case PH_DRY:
        feed_create(x, rs, true);
        break;
    case PH_POST:
        x->r.posts++;
        feed_create(x, rs, false);
        break;
    case PH_GET:
    case PH_VERIFY:
        x->r.gets++;
        feed_get(x, rs);
        break;
    case PH_WAIT:
        x->ph = x->after_wait;
        break;
    default:
        break;
    }
}

/* "… cannot create resource "agentruns" in API group "g" in the namespace "ns"" */
static char *quoted_after(const char *msg, const char *marker)
{
    const char *p = msg ? strstr(msg, marker) : NULL;
    if (!p) return NULL;
    p += strlen(marker);
    const char *e = strchr(p, '"');
    if (!e || e - p > 253) return NULL;
    return xstrndup(p, (size_t)(e - p));
}

char *rerun_status_message(int status, const cJSON *st, const char *verb, const char *ns,
                           const char *name)
{
    const char *msg = json_str(st, "message");
    const char *reason = json_str(st, "reason");
    const char *group = json_str(st, "details.group");
    const char *kind = json_str(st, "details.kind");
    if (status == 403) {
        char *res = quoted_after(msg, "resource \"");
        char *grp = quoted_after(msg, "in API group \"");
        char *sns = quoted_after(msg, "in the namespace \"");
        char *v = NULL;
        const char *c = msg ? strstr(msg, "cannot ") : NULL;
        if (c) {
            c += 7;
            size_t n = strcspn(c, " \"");
            if (n > 0 && n < 32) v = xstrndup(c, n);
        }
        /* Some servers word it by HTTP method; RBAC speaks in verbs. */
        if (v && strcmp(v, "post") == 0) {
            free(v);
            v = xstrdup("create");
        } else if (v && strcmp(v, "put") == 0) {
            free(v);
            v = xstrdup("update");
        }
        const char *r = res ? res : (kind ? kind : "agentruns");
        const char *g = grp ? grp : (group ? group : "agents.proompteng.ai");
        char *out = xasprintf("Forbidden (HTTP 403): missing permission to %s %s%s%s in namespace %s%s%s",
                              v ? v : verb, r, *g ? "." : "", g, sns ? sns : ns,
                              msg ? " — server: " : "", msg ? msg : "");
        free(res);
        free(grp);
        free(sns);
        free(v);
        return out;
    }
    if (status == 422 || (reason && strcmp(reason, "Invalid") == 0)) {
        char *head = xasprintf("Invalid (HTTP %d): run %s/%s was not accepted", status, ns, name);
        const cJSON *causes = json_arr(st, "details.causes"), *c;
        size_t nc = 0;
        char *list = xstrdup("");
        cJSON_ArrayForEach(c, causes)
        {
            const char *f = json_str(c, "field");
            const char *m = json_str(c, "message");
            char *nl = xasprintf("%s%s%s: %s", list, nc ? "; " : "", f ? f : "(object)", m ? m : "invalid");
            free(list);
            list = nl;
            nc++;
        }
        char *out;
        if (nc) out = xasprintf("%s — invalid field%s: %s", head, nc > 1 ? "s" : "", list);
        else out = xasprintf("%s — %s", head, msg ? msg : "no details given");
        free(list);
        free(head);
        return out;
    }
    if (msg) return xasprintf("%s (HTTP %d): %s", reason ? reason : "error", status, msg);
    return xasprintf("HTTP %d from the API server for run %s/%s", status, ns, name);
}
