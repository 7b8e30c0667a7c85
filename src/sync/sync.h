/* sync — fills the history cache from the cluster: AgentRuns, their pods
 * (container states, images, digests), the logs of terminated containers
 * (before the Job TTL deletes the pod), classification and PR links.
 * `artriage sync` is a thin front end; the console can run the same
 * passes.
 *
 *   struct sync_opts o; sync_opts_init(&o); o.ns = "agents"; o.rules = rs;
 *   struct sync *y = sync_new(store, client, &o);
 *   sync_pass(y, &stats, err, errlen);          one full pass
 *   sync_watch(y, &stop_flag, err, errlen);     follow until *stop_flag
 *   sync_free(y);
 * The store, client and rules stay the caller's; they must outlive y.
 * A run deleted on the server is marked deleted in the cache, never
 * dropped; runs whose pods were gone before any pass saw them have no
 * pods in the cache (store_run.npods == 0), which the timeline and show
 * say plainly.
 */
#ifndef ARTRIAGE_SYNC_H
#define ARTRIAGE_SYNC_H
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "classify/classify.h"
#include "store/store.h"

struct kube_client;
struct classify_rules;

struct sync_opts {
    const char *context;     /* context name recorded in the cache ("" if none) */
    const char *ns;          /* NULL = all namespaces */
    const struct classify_rules *rules; /* NULL = no classification */
    int64_t log_fetch_bytes; /* limitBytes per container log; 0 = 16 MiB */
    FILE *progress;          /* one line per notable step, or NULL */
};
void sync_opts_init(struct sync_opts *o);

struct sync_stats {
    size_t runs, runs_deleted, pods, pods_deleted, logs, classified, prs, events;
    size_t errors;           /* per-object failures that did not stop the pass */
};

struct sync;
struct sync *sync_new(struct store *s, struct kube_client *c, const struct sync_opts *o);
void sync_free(struct sync *y);

/* One full pass. Per-object problems (an unparsable object, a log the
 * server refuses) are counted in stats->errors and the last one kept for
 * sync_last_warning(); only a failed list or a store error fails the
 * pass. */
int sync_pass(struct sync *y, struct sync_stats *stats, char *err, size_t errlen);

/* A full pass, then watches runs and pods and records every change until
 * *stop becomes nonzero (a signal handler sets it; call sync_wakeup from
 * the handler too). Relists after 410 Gone or a broken watch. */
int sync_watch(struct sync *y, volatile sig_atomic_t *stop, struct sync_stats *stats, char *err,
               size_t errlen);
/* Following one step at a time, so that one loop (kube/client.h:
 * struct kube_loop) serves several contexts (`artriage record`):
 * sync_follow_begin starts y's feed; after each kube_loop_perform call
 * sync_follow_turn (verdicts, first-cause times) for every sync on the
 * loop; sync_follow_end stops the feed. A turn fails only on a store
 * error: an unreachable cluster is retried by the feed, alone. stats stays
 * the caller's and must outlive the following. */
void sync_follow_begin(struct sync *y, struct sync_stats *stats);
int sync_follow_turn(struct sync *y, char *err, size_t errlen);
void sync_follow_end(struct sync *y);
/* Log fetches in flight (a stopping recorder lets them finish). */
size_t sync_follow_pending_logs(const struct sync *y);
/* The feed's state name ("connecting", "live", "reconnecting", "failed"),
 * its last error (NULL when live), and the wall-clock time the cluster
 * last answered (now while live; TIME_NONE: never). Strings valid until
 * the next loop turn. */
void sync_connection(const struct sync *y, const char **state, const char **error,
                     int64_t *last_answer);

/* Async-signal-safe: makes a sleeping sync_watch look at *stop now. */
void sync_wakeup(struct sync *y);

const char *sync_last_warning(const struct sync *y);

/* The one writer of verdicts (sync and the console's triage) is
 * runs/verdict.h verdict_put. */
#endif
