/* feed — turns (context, namespace) into run and pod events for sinks.
 *
 * A feed lists AgentRuns and their pods (label RUN_LABEL), then watches
 * each from the list's resourceVersion (kube/watch.h: resume after a drop,
 * bookmarks, the idle watchdog). A 410 Gone, or a failed list, makes it
 * list that kind again. It keeps no copy of the objects: the sink is the
 * copy. Every (re)list of a kind is framed
 *
 *     begin(kind)  upsert(kind, obj, listed=true) ...  end(kind)
 *
 * so a sink can sweep what it holds of that kind in the feed's scope and
 * did not see between begin and end (it vanished while we were not
 * watching). Between lists, watch events arrive as upsert(listed=false)
 * and removed (the object's last state). A relist may repeat objects the
 * sink already has: upsert must be idempotent (keyed by metadata.uid).
 * begin without end can happen (a list failing half-way, feed_stop): the
 * sink then sweeps nothing; the next begin starts a new frame.
 *
 * One backoff policy for everything, as client-go's reflector:
 * kube_backoff_ms (0.5 s doubling to 30 s, jitter in [d/2, d], Retry-After
 * honoured when longer) before a failed or very short watch is retried,
 * before a failed list is retried, and before a relist that follows a
 * watch expired soon after it started. 401, 403 and 404 stop that kind
 * (state FAILED, the reason in the state's error).
 *
 * The state (struct kube_conn_state, the one connection-state type) is
 * the feed's as a whole: LIVE only when both kinds are listed and
 * watching; RECONNECTING (with the next try time) as soon as either is
 * not; FAILED if either failed for good. Pods are listed first: their
 * logs and digests expire with the Job TTL, long before the run.
 *
 *   struct feed_sink k = {.begin = ..., .upsert = ..., .removed = ...,
 *                         .end = ..., .state = ..., .ud = me};
 *   struct feed_opts o = {.ns = "agents"};
 *   struct feed *f = feed_start(client, &o, &k);
 *   ... the client's loop runs (kube/client.h) ...
 *   feed_stop(f);
 *
 * Objects passed to the sink are valid only during the call. Callbacks
 * run from kube_client_perform and may call feed_stop (the feed is freed
 * when the callback returns). Any number of feeds may share one loop.
 */
#ifndef ARTRIAGE_FEED_H
#define ARTRIAGE_FEED_H
#include "kube/client.h"
#include "kube/watch.h"
#include "model/agentrun.h" /* RUN_LABEL */
#include <stdbool.h>

enum feed_kind { FEED_RUNS, FEED_PODS };
const char *feed_kind_name(enum feed_kind k); /* "agentruns", "pods" */

struct feed_sink {
    void (*begin)(void *ud, enum feed_kind k);
    void (*upsert)(void *ud, enum feed_kind k, const cJSON *obj, bool listed);
    void (*removed)(void *ud, enum feed_kind k, const cJSON *last);
    void (*end)(void *ud, enum feed_kind k);
    void (*state)(void *ud, const struct kube_conn_state *st);
    void (*warning)(void *ud, const char *msg); /* skipped garbage in a watch; may be NULL */
    void *ud;
};

struct feed_opts {
    const char *ns;       /* NULL or "" = all namespaces */
    int64_t page_size;    /* 0 = KUBE_DEFAULT_PAGE */
    int64_t idle_ms;      /* watch silent this long is restarted; 0 = kube_watch's default */
    bool runs_only;       /* no pods (tests, a runs-only view) */
    bool once;            /* list each kind once, no watch (`sync` without --watch): a
                             failed list then ends that kind in FAILED too */
    /* AgentRuns only, applied by the API server as kubectl's -l and
     * --field-selector (pods always go by RUN_LABEL); NULL = all. A run
     * that stops matching comes as removed, like a deleted one: a sink
     * with a selector must not record that as a deletion. Copied. */
    const char *label_selector, *field_selector;
};

struct feed;
/* Starts listing at once. Copies opts and sink. */
struct feed *feed_start(struct kube_client *c, const struct feed_opts *o, const struct feed_sink *sink);
void feed_stop(struct feed *f);

struct kube_conn_state feed_state(const struct feed *f);
/* Both kinds have completed at least one list. */
bool feed_synced(const struct feed *f);
/* Lists started of that kind (initial + relists), and watch connections
 * opened (reconnects included): for tests and stats. */
int feed_lists(const struct feed *f, enum feed_kind k);
int feed_watches(const struct feed *f, enum feed_kind k);
const char *feed_ns(const struct feed *f); /* NULL = all namespaces */
#endif
