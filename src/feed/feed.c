/* feed — list + watch of runs and pods into a sink (see feed.h). */
#include "feed/feed.h"
#include "util/timeutil.h"
#include "util/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A watch that expires (410) sooner than this after it started is not
 * relisted at once but after the backoff: a server answering 410 to every
 * watch must not be answered with a list storm. */
#define FEED_CALM_MS 30000

struct feed;

/* One kind: a list, then a watch from its resourceVersion. */
struct stream {
    struct feed *f;
    enum feed_kind kind;
    const struct kube_resource *res;
    const char *label, *field;  /* selectors sent to the server (runs: the caller's) */
    struct kube_list *list;
    struct kube_watch *watch;
    struct kube_timer *timer;   /* the next list */
    int64_t watch_started;
    int lists, list_failures, watches_before; /* connects of watches already stopped */
    bool synced, framed;        /* a list completed once; begin sent, end not yet */
    struct kube_conn_state st;
    char error[ERRLEN];
};

struct feed {
    struct kube_client *c;
    struct feed_opts o;
    struct feed_sink k;
    char *ns, *run_label, *run_field;
    struct stream s[2];
    enum kube_conn last_state;
    int in_cb;
    bool stopped;
};

const char *feed_kind_name(enum feed_kind k) { return k == FEED_PODS ? "pods" : "agentruns"; }

static void feed_free(struct feed *f)
{
    for (int i = 0; i < 2; i++) {
        kube_list_cancel(f->s[i].list);
        kube_watch_stop(f->s[i].watch);
        kube_timer_cancel(f->s[i].timer);
    }
    free(f->ns);
    free(f->run_label);
    free(f->run_field);
    free(f);
}

static int nstreams(const struct feed *f) { return f->o.runs_only ? 1 : 2; }

struct kube_conn_state feed_state(const struct feed *f)
{
    /* the worst of the kinds: FAILED > RECONNECTING > CONNECTING > LIVE */
    static const int rank[] = {[KUBE_CONN_LIVE] = 0, [KUBE_CONN_CONNECTING] = 1, [KUBE_CONN_RECONNECTING] = 2,
                               [KUBE_CONN_FAILED] = 3};
    const struct stream *w = &f->s[0];
    for (int i = 1; i < nstreams(f); i++)
        if (rank[f->s[i].st.state] > rank[w->st.state]) w = &f->s[i];
    struct kube_conn_state st = w->st;
    if (!st.error) {
        for (int i = 0; i < nstreams(f); i++)
            if (f->s[i].st.error) st.error = f->s[i].st.error;
    }
    return st;
}

/* Every call into the sink goes through enter/leave: the sink may stop
 * the feed, which is then freed when the outermost frame leaves. */
static void enter(struct feed *f) { f->in_cb++; }
static bool leave(struct feed *f)
{
    f->in_cb--;
    if (f->stopped && !f->in_cb) {
        feed_free(f);
        return true;
    }
    return false;
}

static void report(struct feed *f)
{
    if (f->stopped || !f->k.state) return;
    struct kube_conn_state st = feed_state(f);
    /* RECONNECTING is repeated: its next try time changes */
    if (st.state == f->last_state && st.state != KUBE_CONN_RECONNECTING && st.state != KUBE_CONN_FAILED) return;
    f->last_state = st.state;
    f->k.state(f->k.ud, &st);
}

static void set_state(struct stream *s, enum kube_conn state, int64_t next_try_ms, int failures, const char *error)
{
    s->st.state = state;
    s->st.next_try_ms = next_try_ms;
    s->st.failures = failures;
    if (error) {
        if (error != s->error) snprintf(s->error, sizeof s->error, "%s", error);
        s->st.error = s->error;
    } else if (state == KUBE_CONN_LIVE) {
        s->st.error = NULL;
    }
    report(s->f);
}

static void start_list(struct stream *s);

static void on_list_timer(void *ud)
{
    struct stream *s = ud;
    s->timer = NULL;
    start_list(s);
}

/* Lists again now, or after the backoff when `failures` > 0. */
static void relist(struct stream *s, int failures, int64_t retry_after_s, const char *why)
{
    int64_t delay = failures > 0 ? kube_backoff_ms(failures) : 0;
    if (retry_after_s > 0 && retry_after_s * 1000 > delay) delay = retry_after_s * 1000;
    kube_timer_cancel(s->timer);
    s->timer = kube_timer_start(s->f->c, delay, on_list_timer, s);
    set_state(s, KUBE_CONN_RECONNECTING, time_now_ms() + delay, failures, why);
}

static void w_event(void *ud, enum kube_event_type type, const cJSON *obj)
{
    struct stream *s = ud;
    struct feed *f = s->f;
    if (f->stopped) return;
    enter(f);
    if (type == KUBE_EV_DELETED) {
        if (f->k.removed) f->k.removed(f->k.ud, s->kind, obj);
    } else if (f->k.upsert) {
        f->k.upsert(f->k.ud, s->kind, obj, false);
    }
    leave(f);
}

static void w_expired(void *ud)
{
    struct stream *s = ud;
    struct feed *f = s->f;
    if (f->stopped) return;
    enter(f);
    s->watches_before += kube_watch_connects(s->watch);
    kube_watch_stop(s->watch); /* deferred: we are inside its callback */
    s->watch = NULL;
    bool soon = time_mono_ms() - s->watch_started < FEED_CALM_MS;
    s->list_failures = soon ? s->list_failures + 1 : 0;
    char why[ERRLEN];
    snprintf(why, sizeof why, "watch of %s expired (410 Gone): listing again", s->res->plural);
    relist(s, s->list_failures, -1, why);
    leave(f);
}

static void w_state(void *ud, const struct kube_conn_state *st)
{
    struct stream *s = ud;
    struct feed *f = s->f;
    if (f->stopped) return;
    enter(f);
    set_state(s, st->state, st->next_try_ms, st->failures, st->error);
    leave(f);
}

static void w_bad_line(void *ud, const char *why)
{
    struct stream *s = ud;
    struct feed *f = s->f;
    if (f->stopped || !f->k.warning) return;
    enter(f);
    f->k.warning(f->k.ud, why);
    leave(f);
}

static void l_page(void *ud, cJSON *list)
{
    struct stream *s = ud;
    struct feed *f = s->f;
    if (f->stopped) return;
    enter(f);
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(list, "items"), *it;
    cJSON_ArrayForEach(it, items) {
        if (f->stopped) break;
        if (cJSON_IsObject(it) && f->k.upsert) f->k.upsert(f->k.ud, s->kind, it, true);
    }
    leave(f);
}

static void l_done(void *ud, const struct kube_result *res, const char *rv)
{
    struct stream *s = ud;
    struct feed *f = s->f;
    s->list = NULL;
    if (f->stopped) return;
    enter(f);
    if (!res->ok) {
        s->list_failures++;
        long code = res->http;
        if (code == 401 || code == 403 || code == 404 || f->o.once) {
            set_state(s, KUBE_CONN_FAILED, 0, s->list_failures, res->error);
        } else {
            relist(s, s->list_failures, res->status ? res->status->retry_after_s : -1, res->error);
        }
        leave(f);
        return;
    }
    s->framed = false;
    if (f->k.end) f->k.end(f->k.ud, s->kind);
    if (f->stopped) {
        leave(f);
        return;
    }
    s->synced = true;
    if (f->o.once) {
        set_state(s, KUBE_CONN_LIVE, 0, 0, NULL);
        leave(f);
        return;
    }
    struct kube_watch_opts wo = {
        .res = s->res,
        .ns = f->ns,
        .label_selector = s->label,
        .field_selector = s->field,
        .resource_version = rv && *rv ? rv : NULL,
        .idle_ms = f->o.idle_ms,
        .on_event = w_event,
        .on_expired = w_expired,
        .on_state = w_state,
        .on_bad_line = w_bad_line,
        .ud = s,
    };
    s->watch_started = time_mono_ms();
    s->watch = kube_watch_start(f->c, &wo);
    leave(f);
}

static void start_list(struct stream *s)
{
    struct feed *f = s->f;
    s->lists++;
    s->framed = true;
    enter(f);
    if (f->k.begin) f->k.begin(f->k.ud, s->kind);
    if (leave(f) || f->stopped) return;
    struct kube_list_opts lo = {
        .res = s->res,
        .ns = f->ns,
        .label_selector = s->label,
        .field_selector = s->field,
        .page_size = f->o.page_size,
        .on_page = l_page,
        .on_done = l_done,
        .ud = s,
    };
    s->list = kube_list_start(f->c, &lo);
}

struct feed *feed_start(struct kube_client *c, const struct feed_opts *o, const struct feed_sink *sink)
{
    struct feed *f = xcalloc(1, sizeof *f);
    f->c = c;
    f->o = *o;
    f->k = *sink;
    f->ns = xstrdup(o->ns && *o->ns ? o->ns : NULL);
    f->o.ns = f->ns;
    f->run_label = xstrdup(o->label_selector && *o->label_selector ? o->label_selector : NULL);
    f->run_field = xstrdup(o->field_selector && *o->field_selector ? o->field_selector : NULL);
    f->o.label_selector = f->run_label;
    f->o.field_selector = f->run_field;
    f->last_state = KUBE_CONN_CONNECTING;
    f->s[FEED_RUNS] = (struct stream){.f = f, .kind = FEED_RUNS, .res = &KUBE_AGENTRUNS,
                                      .label = f->run_label, .field = f->run_field};
    f->s[FEED_PODS] = (struct stream){.f = f, .kind = FEED_PODS, .res = &KUBE_PODS, .label = RUN_LABEL};
    for (int i = 0; i < 2; i++) f->s[i].st.state = KUBE_CONN_CONNECTING;
    /* pods first: their evidence expires soonest */
    enter(f);
    if (!o->runs_only) start_list(&f->s[FEED_PODS]);
    if (!f->stopped) start_list(&f->s[FEED_RUNS]);
    if (leave(f)) return NULL;
    return f;
}

void feed_stop(struct feed *f)
{
    if (!f) return;
    f->stopped = true;
    if (!f->in_cb) feed_free(f);
}

bool feed_synced(const struct feed *f)
{
    for (int i = 0; i < nstreams(f); i++)
        if (!f->s[i].synced) return false;
    return true;
}

int feed_lists(const struct feed *f, enum feed_kind k) { return f->s[k].lists; }

int feed_watches(const struct feed *f, enum feed_kind k)
{
    const struct stream *s = &f->s[k];
    return s->watches_before + (s->watch ? kube_watch_connects(s->watch) : 0);
}

const char *feed_ns(const struct feed *f) { return f->ns; }
