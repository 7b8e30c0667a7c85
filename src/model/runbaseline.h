/* runbaseline — which passing run a failed run's log is compared with
 * (classify_set_baseline, docs/rules.md "Baseline"). Pure choice on run
 * facts; the caller says which candidates have a readable log and reads
 * it. The candidates are borrowed; nothing is kept.
 *
 *   struct run_baseline_cand c[n] = {...};     one per known run
 *   long i = run_baseline_pick(&failed, c, n, has_log, ud);   -1: none
 */
#ifndef ARTRIAGE_MODEL_RUNBASELINE_H
#define ARTRIAGE_MODEL_RUNBASELINE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct run_baseline_cand {
    const char *context, *ns, *name; /* identity; context NULL = unknown */
    const char *lane, *agent, *repository, *phase;
    int64_t created;
};

struct agentrun;
/* The candidate facts of a run (borrowing its strings). */
struct run_baseline_cand run_baseline_cand_of(const struct agentrun *a);

/* Asked only for succeeded candidates, newest first, until one answers
 * true (so a log is looked up for few runs); NULL = every one has a log. */
typedef bool (*run_baseline_has_log_fn)(void *ud, size_t i);

/* The baseline of `failed` among c[0..n): the newest succeeded attempt of
 * the same lane (same context and namespace; before or after the
 * failure) that has a log, else the newest succeeded run of the same
 * agent and repository (same context) that has one. The failed run
 * itself never counts. Returns its index, or -1 when there is none. */
long run_baseline_pick(const struct run_baseline_cand *failed, const struct run_baseline_cand *c,
                       size_t n, run_baseline_has_log_fn has_log, void *ud);
#endif
