/* rerun drive: the state machine's requests as kube_client calls. */
#include "rerun/drive.h"
#include "util/jsonutil.h"
#include "util/timeutil.h"
#include "util/xalloc.h"
#include <stdlib.h>
#include <string.h>

struct rerun_drive {
    struct kube_client *c;
    struct rerun_exec *x;
    int64_t timeout_ms;
    rerun_state_fn fn;
    void *ud;
    enum rerun_state state;
    struct kube_request *req;
    struct kube_timer *timer;     /* request deadline or backoff */
    bool waiting;                 /* timer is a backoff, not a deadline */
    char *body;                   /* the object as JSON text, made once */
    bool pumping, repump;
};

int64_t rerun_timeout_ms(void)
{
    const char *s = getenv("ARTRIAGE_RERUN_TIMEOUT");
    int64_t ms;
    if (s && *s && time_parse_duration(s, &ms) == 0 && ms > 0) return ms;
    return RERUN_DEFAULT_TIMEOUT_MS;
}

/* The API's Status as JSON, whatever form the error body had. */
static cJSON *status_json(const struct kube_status *st)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "kind", "Status");
    if (st->reason) cJSON_AddStringToObject(o, "reason", st->reason);
    if (st->message) cJSON_AddStringToObject(o, "message", st->message);
    cJSON_AddNumberToObject(o, "code", (double)st->code);
    cJSON *d = cJSON_AddObjectToObject(o, "details");
    if (st->name) cJSON_AddStringToObject(d, "name", st->name);
    if (st->group) cJSON_AddStringToObject(d, "group", st->group);
    if (st->kind) cJSON_AddStringToObject(d, "kind", st->kind);
    if (st->ncauses) {
        cJSON *cs = cJSON_AddArrayToObject(d, "causes");
        for (size_t i = 0; i < st->ncauses; i++) {
            cJSON *c = cJSON_CreateObject();
            if (st->causes[i].reason) cJSON_AddStringToObject(c, "reason", st->causes[i].reason);
            if (st->causes[i].message) cJSON_AddStringToObject(c, "message", st->causes[i].message);
            if (st->causes[i].field) cJSON_AddStringToObject(c, "field", st->causes[i].field);
            cJSON_AddItemToArray(cs, c);
        }
    }
    return o;
}

static void pump(struct rerun_drive *d);

static void finish_request(struct rerun_drive *d, const struct rerun_resp *rs)
{
    if (d->timer) kube_timer_cancel(d->timer);
    d->timer = NULL;
    d->req = NULL;
    rerun_exec_feed(d->x, rs);
    pump(d);
}

static void on_done(void *ud, const struct kube_result *res)
{
    struct rerun_drive *d = ud;
    struct rerun_resp rs = {.status = (int)res->http, .retry_after = -1};
    cJSON *body = NULL;
    if (res->ok && res->body && res->body_len) {
        char err[128];
        body = json_parse_n(res->body, res->body_len, "API answer", err, sizeof err);
    } else if (!res->ok && res->status && res->http) {
        body = status_json(res->status);
    }
    if (res->status && res->status->retry_after_s >= 0) rs.retry_after = (int)res->status->retry_after_s;
    if (!res->http) rs.transport_error = res->error ? res->error : "no answer";
    rs.body = body;
    finish_request(d, &rs);
    cJSON_Delete(body);
}

static void on_deadline(void *ud)
{
    struct rerun_drive *d = ud;
    d->timer = NULL;
    if (d->waiting) {
        d->waiting = false;
        struct rerun_resp rs = {.retry_after = -1};
        rerun_exec_feed(d->x, &rs);
        pump(d);
        return;
    }
    if (d->req) kube_request_cancel(d->req);
    d->req = NULL;
    char msg[96];
    snprintf(msg, sizeof msg, "no answer within %lld ms", (long long)d->timeout_ms);
    struct rerun_resp rs = {.status = 0, .transport_error = msg, .retry_after = -1};
    finish_request(d, &rs);
}

/* Starts the next request or reports the state. Re-entry (a callback that
 * fires while pumping) is folded into the running loop. */
static void pump(struct rerun_drive *d)
{
    if (d->pumping) {
        d->repump = true;
        return;
    }
    d->pumping = true;
    do {
        d->repump = false;
        if (d->req || d->timer) break;
        struct rerun_req rq;
        enum rerun_state st = rerun_exec_next(d->x, &rq);
        d->state = st;
        if (st != RERUN_ST_REQUEST) {
            d->pumping = false;
            if (d->fn) d->fn(d->ud, st);
            return;
        }
        if (rq.kind == RERUN_REQ_WAIT) {
            d->waiting = true;
            d->timer = kube_timer_start(d->c, rq.wait_ms, on_deadline, d);
            break;
        }
        struct kube_req kr = {
            .verb = rq.kind == RERUN_REQ_CREATE ? KUBE_CREATE : KUBE_GET,
            .res = &KUBE_AGENTRUNS,
            .ns = rq.ns,
            .name = rq.kind == RERUN_REQ_GET ? rq.name : NULL,
            .dry_run = rq.dry_run,
            .max_body = KUBE_MAX_OBJECT_BODY,
            .on_done = on_done,
            .ud = d,
        };
        if (rq.kind == RERUN_REQ_CREATE) {
            if (!d->body) d->body = cJSON_PrintUnformatted(rq.body);
            kr.body = d->body;
            kr.body_len = d->body ? strlen(d->body) : 0;
        }
        d->waiting = false;
        d->timer = kube_timer_start(d->c, d->timeout_ms, on_deadline, d);
        d->req = kube_request_start(d->c, &kr);
        if (!d->req) { /* could not even start: the same as no answer */
            if (d->timer) kube_timer_cancel(d->timer);
            d->timer = NULL;
            struct rerun_resp rs = {.transport_error = "the request could not be started", .retry_after = -1};
            rerun_exec_feed(d->x, &rs);
            d->repump = true;
        }
    } while (d->repump);
    d->pumping = false;
}

struct rerun_drive *rerun_drive_start(struct kube_client *c, struct rerun_exec *x, int64_t timeout_ms,
                                      rerun_state_fn fn, void *ud)
{
    struct rerun_drive *d = xcalloc(1, sizeof *d);
    d->c = c;
    d->x = x;
    d->timeout_ms = timeout_ms > 0 ? timeout_ms : rerun_timeout_ms();
    d->fn = fn;
    d->ud = ud;
    d->state = RERUN_ST_REQUEST;
    pump(d);
    return d;
}

void rerun_drive_resume(struct rerun_drive *d)
{
    pump(d);
}

enum rerun_state rerun_drive_state(const struct rerun_drive *d)
{
    return d->state;
}

void rerun_drive_free(struct rerun_drive *d)
{
    if (!d) return;
    if (d->req) kube_request_cancel(d->req);
    if (d->timer) kube_timer_cancel(d->timer);
    free(d->body);
    free(d);
}

enum rerun_state rerun_drive_blocking(struct kube_client *c, struct rerun_exec *x, int64_t timeout_ms,
                                      bool (*confirm)(void *ud), void *ud)
{
    struct rerun_drive *d = rerun_drive_start(c, x, timeout_ms, NULL, NULL);
    for (;;) {
        enum rerun_state st = d->state;
        if (st == RERUN_ST_CONFIRM) {
            rerun_exec_confirm(x, confirm ? confirm(ud) : true);
            rerun_drive_resume(d);
            continue;
        }
        if (st != RERUN_ST_REQUEST) break;
        kube_client_wait(c, NULL, 0, 1000);
        kube_client_perform(c);
    }
    enum rerun_state st = d->state;
    rerun_drive_free(d);
    return st;
}
