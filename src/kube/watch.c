/* Watches with resume, backoff and an idle watchdog (see watch.h). */
#include "kube/watch.h"
#include "util/jsonutil.h"
#include "util/timeutil.h"
#include "util/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *kube_conn_name(enum kube_conn s)
{
    switch (s) {
    case KUBE_CONN_CONNECTING: return "connecting";
    case KUBE_CONN_LIVE: return "live";
    case KUBE_CONN_RECONNECTING: return "reconnecting";
    case KUBE_CONN_FAILED: return "failed";
    }
    return "?";
}

int64_t kube_backoff_ms(int failures)
{
    int64_t d = KUBE_BACKOFF_BASE_MS;
    for (int i = 1; i < failures && d < KUBE_BACKOFF_CAP_MS; i++) d *= 2;
    if (d > KUBE_BACKOFF_CAP_MS) d = KUBE_BACKOFF_CAP_MS;
    return d / 2 + (int64_t)(random() % (d / 2 + 1));
}

/* ---- watch ---- */

struct kube_watch {
    struct kube_client *c;
    struct kube_watch_opts o;
    char *ns, *label, *field;
    char *rv;
    struct kube_request *req;
    struct kube_timer *timer;
    struct kube_lines lines;
    enum kube_conn state;
    int failures;
    int64_t next_try_ms;
    char error[ERRLEN];
    bool has_error;
    int64_t conn_started;
    int64_t last_byte;    /* monotonic ms of the last byte of this connection */
    int64_t idle_ms;
    struct kube_timer *idle_timer;
    int connects;
    bool conn_had_events;
    int in_cb;            /* depth of calls into the caller */
    bool stopped;         /* stop requested inside a callback */
    bool expired;         /* the stream said 410: stop reading it */
};

static void watch_free(struct kube_watch *w)
{
    kube_request_cancel(w->req);
    kube_timer_cancel(w->timer);
    kube_timer_cancel(w->idle_timer);
    kube_lines_free(&w->lines);
    free(w->ns);
    free(w->label);
    free(w->field);
    free(w->rv);
    free(w);
}

struct kube_conn_state kube_watch_state(const struct kube_watch *w)
{
    return (struct kube_conn_state){.state = w->state, .next_try_ms = w->next_try_ms, .failures = w->failures,
                                    .error = w->has_error ? w->error : NULL};
}

static void set_state(struct kube_watch *w, enum kube_conn s)
{
    if (w->state == s && s != KUBE_CONN_RECONNECTING) return;
    w->state = s;
    if (w->o.on_state) {
        struct kube_conn_state st = kube_watch_state(w);
        w->in_cb++;
        w->o.on_state(w->o.ud, &st);
        w->in_cb--;
    }
}

static void watch_connect(struct kube_watch *w);
static void schedule(struct kube_watch *w, bool failed, int64_t retry_after_s);

/* The watchdog: a connection silent for longer than the bookmark interval
 * plus slack is dead (a half-open TCP connection, a stalled proxy) even if
 * the socket says nothing; it is dropped and retried as a failure, so the
 * state stops saying LIVE. */
static void on_idle_timer(void *ud)
{
    struct kube_watch *w = ud;
    w->idle_timer = NULL;
    int64_t now = time_mono_ms();
    if (w->req && now - w->last_byte >= w->idle_ms) {
        kube_request_cancel(w->req);
        w->req = NULL;
        snprintf(w->error, sizeof w->error, "watch of %s: nothing from the server for %lld s; reconnecting",
                 w->o.res->plural, (long long)(w->idle_ms / 1000));
        w->has_error = true;
        w->in_cb++;
        schedule(w, true, -1);
        w->in_cb--;
        if (w->stopped && !w->in_cb) {
            watch_free(w);
            return;
        }
    }
    int64_t next = w->req ? w->last_byte + w->idle_ms - now : w->idle_ms;
    w->idle_timer = kube_timer_start(w->c, next > 100 ? next : 100, on_idle_timer, w);
}

static void on_timer(void *ud)
{
    struct kube_watch *w = ud;
    w->timer = NULL;
    watch_connect(w);
}

/* Schedules the next attempt; retry_after_s >= 0 is the server's wish. */
static void schedule(struct kube_watch *w, bool failed, int64_t retry_after_s)
{
    int64_t delay = 0;
    if (failed) {
        w->failures++;
        delay = kube_backoff_ms(w->failures);
        if (retry_after_s >= 0 && retry_after_s * 1000 > delay) delay = retry_after_s * 1000;
    }
    w->next_try_ms = time_now_ms() + delay;
    w->timer = kube_timer_start(w->c, delay, on_timer, w);
    set_state(w, KUBE_CONN_RECONNECTING);
}

static void expire(struct kube_watch *w)
{
    w->expired = true;
    if (w->o.on_expired) {
        w->in_cb++;
        w->o.on_expired(w->o.ud);
        w->in_cb--;
    }
}

static int on_line(void *ud, const char *line, size_t len, const struct kube_line_info *info)
{
    struct kube_watch *w = ud;
    if (info->overflow || info->partial) return 0; /* cannot be a whole event: resume re-sends it */
    struct kube_event ev;
    char err[ERRLEN];
    if (len == 0) return 0;
    if (kube_event_parse(line, len, &ev, err, sizeof err) < 0) {
        if (w->o.on_bad_line) {
            char why[ERRLEN + 64];
            snprintf(why, sizeof why, "watch of %s: a line that is not an event was skipped (%s)",
                     w->o.res->plural, err);
            w->in_cb++;
            w->o.on_bad_line(w->o.ud, why);
            w->in_cb--;
        }
        return w->stopped ? 1 : 0;
    }
    w->conn_had_events = true;
    int stop = 0;
    if (ev.type == KUBE_EV_ERROR) {
        struct kube_status st;
        kube_status_from_json(ev.object, 0, &st);
        bool gone = st.code == 410 || (st.reason && (!strcmp(st.reason, "Expired") || !strcmp(st.reason, "Gone")));
        snprintf(w->error, sizeof w->error, "watch of %s ended by the server: %s", w->o.res->plural,
                 st.reason ? st.reason : "error");
        w->has_error = true;
        kube_status_free(&st);
        if (gone) expire(w); /* else counted as a failed connection when the stream stops */
        stop = 1;
    } else {
        if (ev.rv && *ev.rv) {
            free(w->rv);
            w->rv = xstrdup(ev.rv);
        }
        if (ev.type != KUBE_EV_BOOKMARK && w->o.on_event) {
            w->in_cb++;
            w->o.on_event(w->o.ud, ev.type, ev.object);
            w->in_cb--;
        }
        if (w->stopped) stop = 1;
    }
    cJSON_Delete(ev.root);
    return stop;
}

static int watch_data(void *ud, const char *data, size_t n)
{
    struct kube_watch *w = ud;
    w->last_byte = time_mono_ms();
    w->in_cb++;
    int stop = kube_lines_feed(&w->lines, data, n, on_line, w);
    w->in_cb--;
    if (stop) {
        /* the request is cancelled by the client: no on_done follows */
        w->req = NULL;
        if (w->stopped) {
            if (!w->in_cb) watch_free(w);
        } else if (!w->expired) {
            schedule(w, true, -1); /* an ERROR event other than 410 */
            if (w->stopped && !w->in_cb) watch_free(w);
        }
    }
    return stop;
}

static void watch_open(void *ud, long http)
{
    struct kube_watch *w = ud;
    w->last_byte = time_mono_ms();
    w->has_error = false;
    set_state(w, KUBE_CONN_LIVE);
    if (w->stopped && !w->in_cb) watch_free(w); /* stopped from on_state */
}

static void watch_done(void *ud, const struct kube_result *res)
{
    struct kube_watch *w = ud;
    w->req = NULL;
    kube_lines_finish(&w->lines, on_line, w); /* drops a cut-off last event */
    w->in_cb++;
    if (!w->stopped && !w->expired) {
        /* client-go's "very short watch": one that ended within a second,
         * or brought nothing in its first seconds, is retried after the
         * backoff, so a server ending every watch at once is not hammered */
        int64_t lasted = time_mono_ms() - w->conn_started;
        bool healthy = res->ok && lasted >= KUBE_WATCH_SHORT_MS &&
                       (w->conn_had_events || lasted > KUBE_WATCH_QUIET_MS);
        if (res->ok) {
            if (healthy) {
                w->failures = 0;
            } else {
                snprintf(w->error, sizeof w->error, "watch of %s ended by the server after %lld ms%s",
                         w->o.res->plural, (long long)lasted, w->conn_had_events ? "" : " with nothing sent");
                w->has_error = true;
            }
            schedule(w, !healthy, -1);
        } else {
            snprintf(w->error, sizeof w->error, "%s", res->error);
            w->has_error = true;
            long code = res->http;
            bool gone = code == 410 || (res->status && res->status->reason && !strcmp(res->status->reason, "Expired"));
            if (gone) {
                expire(w);
            } else if (code == 401 || code == 403 || code == 404) {
                w->failures++;
                set_state(w, KUBE_CONN_FAILED);
            } else {
                if (w->conn_had_events) w->failures = 0;
                schedule(w, true, res->status ? res->status->retry_after_s : -1);
            }
        }
    }
    w->in_cb--;
    if (w->stopped && !w->in_cb) watch_free(w);
}

static void watch_connect(struct kube_watch *w)
{
    kube_lines_reset(&w->lines);
    w->conn_started = w->last_byte = time_mono_ms();
    w->connects++;
    w->conn_had_events = false;
    struct kube_req q = {
        .verb = KUBE_WATCH,
        .res = w->o.res,
        .ns = w->ns,
        .label_selector = w->label,
        .field_selector = w->field,
        .resource_version = w->rv,
        .allow_bookmarks = true,
        .timeout_seconds = w->o.timeout_seconds,
        .on_data = watch_data,
        .on_done = watch_done,
        .on_open = watch_open,
        .ud = w,
    };
    w->req = kube_request_start(w->c, &q);
}

struct kube_watch *kube_watch_start(struct kube_client *c, const struct kube_watch_opts *o)
{
    struct kube_watch *w = xcalloc(1, sizeof *w);
    w->c = c;
    w->o = *o;
    w->ns = xstrdup(o->ns && *o->ns ? o->ns : NULL);
    w->label = xstrdup(o->label_selector);
    w->field = xstrdup(o->field_selector);
    w->rv = xstrdup(o->resource_version);
    w->o.ns = w->ns;
    w->o.label_selector = w->label;
    w->o.field_selector = w->field;
    w->o.resource_version = NULL;
    w->state = KUBE_CONN_CONNECTING;
    kube_lines_init(&w->lines, KUBE_MAX_WATCH_LINE);
    w->idle_ms = o->idle_ms > 0 ? o->idle_ms : kube_watch_default_idle_ms();
    watch_connect(w);
    w->idle_timer = kube_timer_start(c, w->idle_ms, on_idle_timer, w);
    return w;
}

const char *kube_watch_resource_version(const struct kube_watch *w) { return w->rv; }
int kube_watch_connects(const struct kube_watch *w) { return w->connects; }

int64_t kube_watch_default_idle_ms(void)
{
    const char *e = getenv("ARTRIAGE_WATCH_IDLE_S");
    if (e && *e) {
        char *end;
        double s = strtod(e, &end);
        if (*end == 0 && s >= 0.2 && s <= 86400) return (int64_t)(s * 1000);
    }
    return KUBE_WATCH_IDLE_MS;
}

void kube_watch_stop(struct kube_watch *w)
{
    if (!w) return;
    w->stopped = true;
    if (!w->in_cb) watch_free(w);
}
