/* runclass — classify runs from their status and logs (runclass.h). */
#include "runclass.h"
#include "runsrc.h"
#include "model/runbaseline.h"
#include "model/runsignals.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/jsonutil.h"
#include "util/sanitize.h"
#include "util/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct classify_rules *runclass_load(const char *rules_dir, struct buf *warnings, char *err, size_t errlen)
{
    struct buf warn = {0};
    struct classify_rules_opts ro = {.extra_dir = rules_dir};
    struct classify_rules *rs = classify_rules_load(&ro, &warn, err, errlen);
    if (warn.len && warnings) {
        /* a rule file's bytes are anyone's: one sanitised line per problem */
        sanitize_append(warnings, warn.p, warn.len, SAN_KEEP_NEWLINE);
        if (warnings->p[warnings->len - 1] != '\n') buf_putc(warnings, '\n');
    }
    buf_free(&warn);
    return rs;
}

struct classify_ctx *runclass_begin(const struct classify_rules *rs, const struct run_view *v,
                                    const struct pod *pods, size_t npods)
{
    if (!rs) return NULL;
    struct classify_ctx *c = classify_new(rs, run_outcome(&v->run));
    run_signals_add(c, &v->run, pods, npods);
    return c;
}

static void apply(const struct classify_result *res, struct run_view *v, const char *container, bool keep_unknown)
{
    if (!res || !res->has_primary || !res->primary.class_id) return;
    const struct classify_finding *f = &res->primary;
    if (!keep_unknown && strcmp(f->class_id, "unknown") == 0) return;
    bool from_log = f->line > 0;
    run_view_set_failure(v, f->class_id, from_log ? f->line : -1, from_log ? container : NULL, f->rule_id, f->text);
}

void runclass_end(struct classify_ctx *c, struct run_view *v, const char *container)
{
    if (!c) return;
    struct classify_result *res = classify_finish(c);
    apply(res, v, container, true);
    classify_result_free(res);
    classify_free(c);
}

struct classify_result *runclass_status(const struct classify_rules *rs, const struct agentrun *r,
                                        const struct pod *pods, size_t npods)
{
    if (!rs) return NULL;
    /* only runs that ended badly or show trouble are worth the work */
    enum classify_outcome o = run_outcome(r);
    if (o == CLASSIFY_OUTCOME_SUCCEEDED) return NULL;
    struct classify_ctx *c = classify_new(rs, o);
    run_signals_add(c, r, pods, npods);
    struct classify_result *res = classify_finish(c);
    classify_free(c);
    if (res && res->has_primary && res->primary.class_id && strcmp(res->primary.class_id, "unknown") != 0)
        return res;
    classify_result_free(res);
    return NULL;
}

void runclass_from_status(const struct classify_rules *rs, struct run_view *v, const struct pod *pods,
                          size_t npods)
{
    if (!rs || v->has_failure) return;
    struct classify_result *res = runclass_status(rs, &v->run, pods, npods);
    apply(res, v, NULL, false);
    classify_result_free(res);
}

struct base_read {
    struct run_set *set;
    const struct classify_baseline *b; /* the log of the run last asked about */
};

/* Passing logs already read for a set, by run: the failed runs of one lane
 * share a baseline, which is fetched once (list settles every failed run
 * of a cold cache). b NULL: that run's log could not be read. Held by the
 * set (run_set.base_memo), so it lives and dies with it. */
struct runclass_memo {
    char *key;
    struct classify_baseline *b;
};

static const char *memo_key(const struct run_view *v)
{
    return v->run.uid ? v->run.uid : v->run.name ? v->run.name : "";
}

void runclass_forget(struct run_set *set)
{
    if (!set) return;
    for (size_t i = 0; i < set->nbase_memo; i++) {
        free(set->base_memo[i].key);
        classify_baseline_free(set->base_memo[i].b);
    }
    free(set->base_memo);
    set->base_memo = NULL;
    set->nbase_memo = set->capbase_memo = 0;
}

static int base_chunk(void *ud, const char *data, size_t n)
{
    classify_baseline_feed(ud, data, n);
    return 0;
}

/* "Has a log" is answered by reading it: a run whose log cannot be read
 * (pod gone and nothing cached) gives way to the next one. */
static bool base_has_log(void *ud, size_t i)
{
    struct base_read *r = ud;
    struct run_set *set = r->set;
    const char *key = memo_key(&set->views[i]);
    for (size_t k = 0; k < set->nbase_memo; k++)
        if (strcmp(set->base_memo[k].key, key) == 0) {
            r->b = set->base_memo[k].b;
            return r->b != NULL;
        }
    struct classify_baseline *b = classify_baseline_new();
    char pod[256], cont[256], err[ERRLEN];
    if (runsrc_read_log(r->set, &r->set->views[i], NULL, NULL, false, false, base_chunk, b, pod, cont, err,
                        sizeof err) == 0) {
        classify_baseline_finish(b);
    } else {
        classify_baseline_free(b);
        b = NULL;
    }
    if (b && classify_baseline_lines(b) == 0) {
        classify_baseline_free(b);
        b = NULL;
    }
    set->base_memo = xgrow(set->base_memo, &set->capbase_memo, set->nbase_memo + 1, sizeof *set->base_memo);
    set->base_memo[set->nbase_memo++] = (struct runclass_memo){xstrdup(key), b};
    r->b = b;
    return b != NULL;
}

const struct classify_baseline *runclass_baseline(struct run_set *set, struct run_view *v)
{
    if (!set || !set->n || run_outcome(&v->run) != CLASSIFY_OUTCOME_FAILED) return NULL;
    struct run_baseline_cand *c = xcalloc(set->n, sizeof *c);
    for (size_t i = 0; i < set->n; i++) c[i] = run_baseline_cand_of(&set->views[i].run);
    struct run_baseline_cand me = run_baseline_cand_of(&v->run);
    struct base_read r = {set, NULL};
    long i = run_baseline_pick(&me, c, set->n, base_has_log, &r);
    free(c);
    if (i < 0) return NULL;
    free(v->baseline);
    v->baseline = xstrdup(set->views[i].run.name);
    return r.b;
}
