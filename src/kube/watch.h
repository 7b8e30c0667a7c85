/* watch — long-lived watches on a kube_client's loop.
 *
 * A kube_watch follows one resource from a resourceVersion: it frames the
 * stream into events (kube/lines.h), remembers the last resourceVersion
 * (events and BOOKMARKs), and when the connection drops it reconnects from
 * there, at once if the connection was healthy, else after a capped
 * exponential backoff with jitter (0.5 s doubling to 30 s; Retry-After is
 * honoured). A watch that was very short (see KUBE_WATCH_SHORT_MS) counts
 * as failed even if the server ended it cleanly, and one silent for longer
 * than the idle limit is dropped and retried (the state leaves LIVE). A 410 Gone / Expired (an HTTP answer or an ERROR event) ends
 * the watch and calls on_expired: the caller must list again. 401, 403 and
 * 404 stop it in state FAILED.
 *
 * List + watch with relists, sweeps and one state for runs and pods is
 * src/feed (feed.h), built on this.
 *
 * Objects passed to callbacks are owned by the watch and valid only during
 * the call; cJSON_Duplicate what you keep. A watch may be stopped from
 * inside its own callbacks.
 */
#ifndef ARTRIAGE_KUBE_WATCH_H
#define ARTRIAGE_KUBE_WATCH_H
#include "kube/client.h"
#include "kube/lines.h"

/* Connection state, for the console's status bar. */
enum kube_conn { KUBE_CONN_CONNECTING, KUBE_CONN_LIVE, KUBE_CONN_RECONNECTING, KUBE_CONN_FAILED };
struct kube_conn_state {
    enum kube_conn state;
    int64_t next_try_ms;  /* RECONNECTING: wall-clock ms of the next attempt */
    int failures;         /* consecutive failed attempts */
    const char *error;    /* last error sentence, or NULL; valid until the next change */
};
const char *kube_conn_name(enum kube_conn s); /* "connecting", "live", … */

#define KUBE_BACKOFF_BASE_MS 500
#define KUBE_BACKOFF_CAP_MS 30000
/* Backoff before attempt number `failures` (>= 1), with jitter in [d/2, d]. */
int64_t kube_backoff_ms(int failures);
/* A watch that ends (even cleanly) within KUBE_WATCH_SHORT_MS, or within
 * KUBE_WATCH_QUIET_MS without one event or bookmark, counts as a failure. */
#define KUBE_WATCH_SHORT_MS 1000
#define KUBE_WATCH_QUIET_MS 5000
/* API servers send a BOOKMARK about every minute to watches that allow
 * them; a watch silent for that plus slack is restarted. The environment
 * variable ARTRIAGE_WATCH_IDLE_S (seconds, >= 0.2) overrides it. */
#define KUBE_WATCH_IDLE_MS 90000
int64_t kube_watch_default_idle_ms(void);

struct kube_watch;
struct kube_watch_opts {
    const struct kube_resource *res;
    const char *ns;                 /* NULL = all namespaces */
    const char *label_selector, *field_selector;
    const char *resource_version;   /* where to start; "" = current state as ADDED events */
    int timeout_seconds;            /* 0 = 300..600 s (then it reconnects) */
    int64_t idle_ms;                /* silent this long = dead; 0 = kube_watch_default_idle_ms() */
    /* ADDED, MODIFIED, DELETED (BOOKMARK and ERROR are handled inside). */
    void (*on_event)(void *ud, enum kube_event_type type, const cJSON *obj);
    void (*on_expired)(void *ud);   /* 410: the watch has stopped */
    void (*on_state)(void *ud, const struct kube_conn_state *st);
    /* A line of the stream that is not an event (garbage from a proxy or a
     * broken server): skipped; said here so the user can be told. May be NULL. */
    void (*on_bad_line)(void *ud, const char *why);
    void *ud;
};
struct kube_watch *kube_watch_start(struct kube_client *c, const struct kube_watch_opts *o);
const char *kube_watch_resource_version(const struct kube_watch *w);
/* Connections opened so far (the first and every reconnect). */
int kube_watch_connects(const struct kube_watch *w);
struct kube_conn_state kube_watch_state(const struct kube_watch *w);
void kube_watch_stop(struct kube_watch *w);

#endif
