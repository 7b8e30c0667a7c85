/* runsrc — where the run commands (list, show, logs, classify) get their
 * runs: the cluster (one paginated AgentRun list and ONE pod list by the
 * agent-run label, in parallel), enriched from the history cache (failure
 * classes, PR links, runs deleted on the server), or the cache alone
 * (offline). Nothing here prints: what a front end should say comes back
 * in the set's notes and rule_warnings.
 *
 *   struct runs_opts ro = {.context = ..., .db = ..., .offline = ...};
 *   struct run_set set;
 *   if (runsrc_load(&ro, &opts, &set, err, sizeof err) != 0) ... err ...
 *   ... set.views[i], set.pods; show set.notes, set.rule_warnings ...
 *   runsrc_free(&set);
 *
 * The set owns everything it points to (views, pods, client, cache,
 * rules, notes); runsrc_free releases it, also after a failed load. */
#ifndef ARTRIAGE_RUNS_RUNSRC_H
#define ARTRIAGE_RUNS_RUNSRC_H
#include <stdbool.h>
#include <stddef.h>
#include "runs.h"
#include "model/runview.h"
#include "util/buf.h"

struct kube_client;
struct store;
struct classify_rules;

struct runsrc_opts {
    bool all_namespaces;   /* -A (else the context's / -n namespace) */
    bool with_pods;        /* fetch pods (image, digest, status failure) */
    bool with_deleted;     /* add cached runs the server no longer has */
    const char *ns;        /* list this namespace (show NS/NAME), NULL = default */
    const char *label_selector, *field_selector; /* AgentRuns, by the API server; NULL = all */
};

struct run_set {
    struct run_view *views;
    size_t n;
    struct pod *pods;
    size_t npods;
    char *context;         /* kube context name ("" in-cluster), NULL offline */
    char *ns;              /* namespace listed, NULL = all */
    bool offline;          /* served from the cache only */
    struct kube_client *kube; /* live client (for logs), NULL offline */
    struct store *store;   /* history cache if it exists, else NULL */
    char *server;          /* API server URL, for messages */
    struct classify_rules *rules; /* classifier (runclass.h), NULL if unavailable */
    struct buf rule_warnings;  /* problems in rule files, sanitised lines (runclass_load) */
    struct runs_notes notes;   /* what the answer lacks and why, for the front end */
    /* passing logs runclass_baseline read for this set (runclass.c; freed by
     * runsrc_free through runclass_forget) */
    struct runclass_memo *base_memo;
    size_t nbase_memo, capbase_memo;
};

int runsrc_load(const struct runs_opts *ro, const struct runsrc_opts *o, struct run_set *out, char *err,
                size_t errlen);
void runsrc_free(struct run_set *s);
/* The history cache (db, or the default path when NULL) opened read-only;
 * NULL when it does not exist (err set only if need) or cannot be opened. */
struct store *runsrc_open_cache(const char *db, bool need, char *err, size_t errlen);

/* Finds RUN ("name" in the set's namespace, or "ns/name"); NULL if none. */
struct run_view *runsrc_find(struct run_set *s, const char *run);
/* The lane of v (same context, namespace and lane), for show. The array
 * is newly allocated (free() it); its pointers borrow from the set. */
const struct run_view **runsrc_lane(struct run_set *s, const struct run_view *v, size_t *n);
/* The pods of a run, newest first (borrowed pointers; free() the array). */
const struct pod **runsrc_pods_of(struct run_set *s, const struct run_view *v, size_t *n);
/* A container log of run v, streamed to fn (return nonzero to stop):
 * pod NULL = the run's newest pod that has the container; container NULL
 * = agent-runner, else the pod's first main container. Live through the
 * API (follow streams until the container ends), else from the cache
 * (deleted runs, --offline, or pods the TTL removed). The pod and
 * container used are copied into used_pod / used_container (>= 254 B).
 * Returns 0, or -1 with err. */
/* The pod (and *cs its container) whose log runsrc_read_log and `logs`
 * read: the run's newest pod (pod NULL) or that pod, having the container
 * (NULL: agent-runner, else the first main one). NULL when none has it. */
const struct pod *runsrc_log_pod(struct run_set *s, const struct run_view *v, const char *pod, const char *container,
                                 const struct container_state **cs);
typedef int (*runsrc_log_fn)(void *ud, const char *data, size_t n);
int runsrc_read_log(struct run_set *s, const struct run_view *v, const char *pod, const char *container,
                    bool previous, bool follow, runsrc_log_fn fn, void *ud, char *used_pod,
                    char *used_container, char *err, size_t errlen);

/* The one place a run's failure and PR are settled for list and show,
 * so that both say the same with or without a warm cache: the run's
 * agent-runner log (live, else cached) is classified with its status
 * signals and scanned for the PR; with `github` (show), GitHub is asked by
 * head branch (GITHUB_TOKEN) and a PR it names is kept in the cache, and a
 * failed run's log is set against its passing run (runclass_baseline;
 * list, without it, reads one log per run). A run
 * whose contract needs a PR and that has none is flagged agent.no-pr once
 * a source was read. Returns true when some source was read. */
bool runsrc_settle(struct run_set *s, struct run_view *v, bool github);
/* runsrc_settle (without GitHub) for those of views[] that ended, still
 * have a pod with the runner container, and on which the history cache
 * holds no verdict yet; returns how many logs were read. */
size_t runsrc_settle_unknown(struct run_set *s, const struct run_view *const *views, size_t n);

/* Cache row id of a run (by context + uid, else ns/name), 0 if not cached. */
long long runsrc_cache_id(struct run_set *s, const struct run_view *v);
#endif
