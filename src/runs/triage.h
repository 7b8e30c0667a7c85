/* triage — why a run ended, from its runner log: the log of a terminated
 * runner container is streamed (TRIAGE_PARALLEL at a time, on the caller's
 * kube client loop) through the classifier and the PR scanner chunk by
 * chunk, and what it found is handed to the caller; triage_record writes
 * it to the history cache with every field (the same verdict writer as
 * sync, so sync does not classify again), every write checked.
 *
 * A failed run is compared with the baseline sync would choose for it
 * (model/runbaseline.h, among the cache's succeeded runs with a cached
 * log: store_pick_baseline), so the console's verdict is sync's: passing
 * logs are read first, and a failure waits while a succeeded run that
 * could be its baseline is queued or being read (its log reaches the
 * cache through triage_record before the failure is read).
 *
 *   struct triage_hooks h = {.run = run_of, .done = on_result, .ud = me};
 *   struct triage *t = triage_new(kube, store, rules, &h);
 *   triage_consider(t, run.uid, run.ns, &pod); queued if its runner terminated, once per pod
 *   triage_pump(t);                      after each kube_client_perform
 *   ... on_result(me, &res): show it; triage_record(store, ctx, rules, &run, &res, now, err, n) ...
 *   triage_free(t);                      cancels what is under way
 *
 * The triage borrows the client, the store (NULL: no baselines) and the
 * rules (they must outlive it) and owns its queue, its reads, the set of
 * pods already read and the baselines' hash sets. A result
 * and everything it points to live only during the done hook. */
#ifndef ARTRIAGE_RUNS_TRIAGE_H
#define ARTRIAGE_RUNS_TRIAGE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "classify/classify.h"
#include "model/agentrun.h"
#include "model/linkage.h"
#include "model/logstamp.h"

#define TRIAGE_PARALLEL 2
#define TRIAGE_LOG_KEEP ((size_t)8 << 20) /* bytes of log kept for the cache */
#define TRIAGE_BASES 16 /* passing logs' hash sets kept (one per lane in use) */

struct kube_client;
struct store;

/* A run as it is when its read starts or ends (borrowed for the call). */
struct triage_run {
    const struct agentrun *run;
    const struct pod *pods;
    size_t npods;
};

struct triage_result {
    const char *run_uid, *ns, *pod, *pod_uid, *container;
    const struct classify_result *verdict; /* NULL: no finding at all */
    const struct pr_link *pr;              /* NULL: the log names no PR */
    const char *log;                       /* the log (timestamps taken off), up to TRIAGE_LOG_KEEP */
    size_t log_len;
    bool log_cut;                          /* longer than what was kept */
    const struct logstamp *stamps;         /* the lines' times */
    const char *baseline_name, *baseline_uid; /* the passing run compared with, NULL none */
};

struct triage_hooks {
    /* The run of uid now; false when it is gone (the read is dropped). */
    bool (*run)(void *ud, const char *uid, struct triage_run *out);
    /* A log was read to its end (not called for a failed or cancelled read). */
    void (*done)(void *ud, const struct triage_result *r);
    void *ud;
};

struct triage *triage_new(struct kube_client *kc, struct store *st, const struct classify_rules *rs,
                          const struct triage_hooks *h);
void triage_free(struct triage *t);
/* Queues the runner log of pod p (of the run with that uid, in namespace
 * run_ns when the pod names none) when the runner container has terminated
 * and this pod's log was not queued before; true when queued. Takes the
 * run's uid and namespace, not the run: it is called for every pod event,
 * and the console's run set would have to rebuild a whole AgentRun. */
bool triage_consider(struct triage *t, const char *run_uid, const char *run_ns, const struct pod *p);
/* Starts queued reads while fewer than TRIAGE_PARALLEL are under way
 * (passing logs first; see above). */
void triage_pump(struct triage *t);
/* Reads queued and under way. */
size_t triage_queued(const struct triage *t);
bool triage_reading(const struct triage *t);

/* Writes what a read found for run r: the log, the verdict (with the
 * rules' version, the outcome, the secondary findings and the line's own
 * time) and the PR link. Every write is checked; all are tried, and the
 * first failure is returned (-1, err). A run the cache does not know is
 * skipped (0). */
int triage_record(struct store *s, const char *context, const struct classify_rules *rs, const struct agentrun *r,
                  const struct triage_result *res, int64_t now, char *err, size_t errlen);
#endif
