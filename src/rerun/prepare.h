/* rerun prepare — everything a front end needs before the dry run, shared
 * by `artriage rerun` and the console dialog: the old run from the cluster,
 * its namespace's runs (names the next attempt must not take, heads the
 * lane used), the lane's deleted attempts and the old run's blamed failure
 * class from the history cache; then the plan (rerun/rerun.h), rebuilt as
 * often as the engineer edits head, name or image. And the audit row.
 *
 *   struct rerun_prep p = {0};
 *   rerun_prep_load(&p, client, store_or_NULL, ns, name, err, errlen);   (blocking)
 *   rerun_prep_plan(&p, &opts, err, errlen);        p.plan is the current plan
 *   ... rerun_exec_new(&p.plan, ...) ... (keep p alive while it runs)
 *   rerun_audit(store, &p, result, image_arg, err, errlen);
 *   rerun_prep_free(&p);
 *
 * A front end that must not block (the console) loads the same pieces
 * itself, from its own event loop, and hands them over as they arrive:
 *   rerun_prep_begin(&p, context);
 *   rerun_prep_set_old(&p, obj, ns, name, err, errlen);   (takes obj)
 *   rerun_prep_add_runs(&p, items);                       (each list page)
 *   rerun_prep_finish(&p, store_or_NULL);                 (cache, lane)
 *   rerun_prep_plan(...) as above.
 */
#ifndef ARTRIAGE_RERUN_PREPARE_H
#define ARTRIAGE_RERUN_PREPARE_H
#include <stddef.h>
#include "kube/client.h"
#include "model/agentrun.h"
#include "rerun/rerun.h"
#include "store/store.h"

struct rerun_prep {
    char *context;           /* kube context of the client */
    cJSON *old_obj;          /* the run as the server has it */
    struct agentrun old;
    struct agentrun *runs;   /* namespace runs + cached lane attempts */
    size_t nruns, caprun;
    char *blamed;            /* failure class from the cache, or NULL */
    char *who;               /* user@host */
    struct rerun_lane lane;  /* borrows from old and runs */
    struct rerun_plan plan;  /* zeroed until rerun_prep_plan succeeds */
};

/* GETs ns/name and LISTs ns; st may be NULL (no cache). The error names
 * the run or the namespace and carries the server's reason. */
int rerun_prep_load(struct rerun_prep *p, struct kube_client *c, struct store *st, const char *ns,
                    const char *name, char *err, size_t errlen);
/* The pieces of rerun_prep_load, for a caller that fetches on its own.
 * begin: the context the runs come from (NULL = ""), and who we are.
 * set_old: the run as the server has it; takes obj (freed by
 * rerun_prep_free even when parsing fails). add_runs: an array of
 * AgentRun objects of the namespace (borrowed; non-objects skipped).
 * finish: the lane's deleted attempts and the blamed class from the cache
 * (st may be NULL), then the lane. */
void rerun_prep_begin(struct rerun_prep *p, const char *context);
int rerun_prep_set_old(struct rerun_prep *p, cJSON *obj, const char *ns, const char *name, char *err,
                       size_t errlen);
void rerun_prep_add_runs(struct rerun_prep *p, const cJSON *items);
void rerun_prep_finish(struct rerun_prep *p, struct store *st);
/* (Re)builds p->plan from opts; opts->who / blamed_class NULL take the
 * prep's own. On failure the previous plan is kept. */
int rerun_prep_plan(struct rerun_prep *p, const struct rerun_opts *opts, char *err, size_t errlen);
void rerun_prep_free(struct rerun_prep *p);

/* Records the action in the history cache (shown as `rerun` on the
 * timeline): created, dry-run, or failed (with the error); a rerun the
 * engineer declined at the confirmation is not recorded. */
int rerun_audit(struct store *st, const struct rerun_prep *p, const struct rerun_result *r, const char *image,
                char *err, size_t errlen);
#endif
