/* rerun prepare: what the plan needs, from the cluster and the cache. */
#include "rerun/prepare.h"
#include "util/err.h"
#include "util/timeutil.h"
#include "util/xalloc.h"
#include <stdlib.h>
#include <string.h>

static void add_run(struct rerun_prep *p, const cJSON *obj)
{
    p->runs = xgrow(p->runs, &p->caprun, p->nruns + 1, sizeof *p->runs);
    char err[ERRLEN];
    struct agentrun *r = &p->runs[p->nruns];
    if (agentrun_parse(obj, r, err, sizeof err) < 0) return;
    if (!r->context && p->context) r->context = xstrdup(p->context);
    p->nruns++;
}

/* Deleted attempts of the lane and the blamed class. Best effort: the
 * cache only adds names and heads to avoid. */
static void from_cache(struct rerun_prep *p, struct store *st)
{
    char err[ERRLEN];
    if (p->old.lane) {
        struct store_query q;
        store_query_init(&q);
        q.context = p->context;
        q.ns = p->old.ns;
        q.lane = p->old.lane;
        q.include_deleted = true;
        struct store_run_list l = {0};
        if (store_list_runs(st, &q, &l, err, sizeof err) == 0) {
            for (size_t i = 0; i < l.n; i++) {
                if (!l.items[i].raw) continue;
                cJSON *o = cJSON_Parse(l.items[i].raw);
                if (o) add_run(p, o);
                cJSON_Delete(o);
            }
        }
        store_run_list_free(&l);
    }
    struct store_run sr = {0};
    if (store_get_run(st, p->context, p->old.ns, p->old.name, &sr, err, sizeof err) == 1) {
        struct store_class c = {0};
        if (store_get_classification(st, sr.id, &c, err, sizeof err) == 1 && c.cls) p->blamed = xstrdup(c.cls);
        store_class_free(&c);
    }
    store_run_free(&sr);
}

void rerun_prep_begin(struct rerun_prep *p, const char *context)
{
    free(p->context);
    p->context = xstrdup(context ? context : "");
    if (!p->who) p->who = rerun_who();
}

int rerun_prep_set_old(struct rerun_prep *p, cJSON *obj, const char *ns, const char *name, char *err,
                       size_t errlen)
{
    cJSON_Delete(p->old_obj);
    agentrun_free(&p->old);
    p->old_obj = obj;
    if (agentrun_parse(p->old_obj, &p->old, err, errlen) < 0) return errprefix(err, errlen, "rerun: run %s/%s", ns, name);
    if (!p->old.context) p->old.context = xstrdup(p->context);
    return 0;
}

void rerun_prep_add_runs(struct rerun_prep *p, const cJSON *items)
{
    const cJSON *it;
    if (!cJSON_IsArray(items)) return;
    cJSON_ArrayForEach(it, items) add_run(p, it);
}

void rerun_prep_finish(struct rerun_prep *p, struct store *st)
{
    if (st) from_cache(p, st);
    rerun_lane_free(&p->lane);
    rerun_lane_collect(&p->old, p->runs, p->nruns, &p->lane);
}

int rerun_prep_load(struct rerun_prep *p, struct kube_client *c, struct store *st, const char *ns,
                    const char *name, char *err, size_t errlen)
{
    const struct kube_config *cfg = kube_client_config(c);
    rerun_prep_begin(p, cfg ? cfg->context : NULL);
    struct kube_error ke = {0};
    cJSON *obj = NULL;
    if (kube_get_json(c, &KUBE_AGENTRUNS, ns, name, &obj, &ke) < 0) {
        errf(err, errlen, "rerun: %s", ke.msg);
        kube_error_clear(&ke);
        return -1;
    }
    if (rerun_prep_set_old(p, obj, ns, name, err, errlen) < 0) return -1;
    cJSON *items = NULL;
    struct kube_list_opts lo = {.res = &KUBE_AGENTRUNS, .ns = ns};
    if (kube_list_all(c, &lo, &items, NULL, &ke) < 0) {
        errf(err, errlen, "rerun: listing the runs of namespace %s (to name the next attempt): %s", ns, ke.msg);
        kube_error_clear(&ke);
        return -1;
    }
    rerun_prep_add_runs(p, items);
    cJSON_Delete(items);
    rerun_prep_finish(p, st);
    return 0;
}

int rerun_prep_plan(struct rerun_prep *p, const struct rerun_opts *opts, char *err, size_t errlen)
{
    struct rerun_opts o = *opts;
    if (!o.who) o.who = p->who;
    if (!o.blamed_class) o.blamed_class = p->blamed;
    struct rerun_plan np;
    if (rerun_plan_build(p->old_obj, &p->lane, &o, &np, err, errlen) < 0) return -1;
    rerun_plan_free(&p->plan);
    p->plan = np;
    return 0;
}

void rerun_prep_free(struct rerun_prep *p)
{
    rerun_plan_free(&p->plan);
    rerun_lane_free(&p->lane);
    for (size_t i = 0; i < p->nruns; i++) agentrun_free(&p->runs[i]);
    free(p->runs);
    agentrun_free(&p->old);
    cJSON_Delete(p->old_obj);
    free(p->context);
    free(p->blamed);
    free(p->who);
    memset(p, 0, sizeof *p);
}

int rerun_audit(struct store *st, const struct rerun_prep *p, const struct rerun_result *r, const char *image,
                char *err, size_t errlen)
{
    if (r->cancelled) return 0; /* declined at the prompt: no action to record */
    const struct rerun_plan *pl = &p->plan;
    struct store_rerun a = {
        .time = time_now_ms(),
        .context = p->context,
        .ns = pl->ns,
        .from_name = pl->from_name,
        .from_uid = pl->from_uid,
        .new_name = pl->name,
        .new_uid = r->uid,
        .idempotency_key = pl->key,
        .head = pl->head,
        .image = (char *)image,
        .dry_run = r->dry_run,
        .actor = p->who,
        .error = r->error,
    };
    if (r->created) a.result = "created";
    else if (r->dry_run) a.result = "dry-run";
    else a.result = "failed"; /* server refusals too: the timeline shows failed reruns */
    return store_add_rerun(st, &a, NULL, err, errlen);
}
