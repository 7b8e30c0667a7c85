/* runclass — the classifier (src/classify) applied to runs, for both
 * front ends: the ONE rule loader (shipped rules, the user's rules,
 * --rules DIR), and a run's status signals (AgentRun reason/conditions,
 * status.runner, pod container states and termination messages) and log
 * turned into its failure.
 *
 *   struct buf warn = {0};
 *   struct classify_rules *rs = runclass_load(rules_dir, &warn, err, sizeof err);
 *   ... show warn (sanitised lines "file:line: message\n") ...
 *   runclass_from_status(rs, &view, pods, npods);                      status only
 *   struct classify_ctx *c = runclass_begin(rs, &view, pods, npods);   with the log
 *   classify_feed(c, bytes, n) ...; runclass_end(c, &view, "agent-runner");
 *   classify_rules_free(rs); buf_free(&warn);
 *
 * The caller owns the rules and the warning buffer; nothing here prints. */
#ifndef ARTRIAGE_RUNS_RUNCLASS_H
#define ARTRIAGE_RUNS_RUNCLASS_H
#include <stdbool.h>
#include <stddef.h>
#include "classify/classify.h"
#include "model/runview.h"
#include "util/buf.h"

/* The one rule loader: the shipped rules, the user's, and rules_dir
 * (NULL = none). Problems in rule files do not stop the load: they are
 * appended to warnings (may be NULL) as sanitised lines "file:line:
 * message\n", for the front end to show; the broken rule is skipped.
 * NULL with err filled when no rule set can be had. The caller frees the
 * result with classify_rules_free. */
struct classify_rules *runclass_load(const char *rules_dir, struct buf *warnings, char *err, size_t errlen);

/* The verdict of a run's status signals alone (its pods may be gone), for
 * a run that did not succeed: NULL when they name no class ("unknown"),
 * else a result with a primary finding (classify_result_free it). The
 * console and runclass_from_status both use it; a log read later
 * replaces it. */
struct classify_result *runclass_status(const struct classify_rules *rs, const struct agentrun *r,
                                        const struct pod *pods, size_t npods);
/* Sets v's failure from status signals alone when it has none yet and
 * they name a class (an "unknown" verdict leaves it unset). */
void runclass_from_status(const struct classify_rules *rs, struct run_view *v, const struct pod *pods,
                          size_t npods);

/* A context primed with v's signals, for feeding its log. */
struct classify_ctx *runclass_begin(const struct classify_rules *rs, const struct run_view *v,
                                    const struct pod *pods, size_t npods);
/* For a failed run, its baseline (model/runbaseline.h) among the set's
 * runs: the chosen run's agent-runner log (live, else cached) read into
 * a hash set, and its name stored in v->baseline. NULL when v did not
 * fail, or no passing run with a readable log exists. Borrowed: each
 * run's log is read once per set (a lane's failures share it) and kept
 * until runclass_forget(set) (runsrc_free). Set it on the context from
 * runclass_begin before feeding. */
struct run_set;
const struct classify_baseline *runclass_baseline(struct run_set *set, struct run_view *v);
/* Drops the logs runclass_baseline kept for set (runsrc_free calls it). */
void runclass_forget(struct run_set *set);

/* Finishes, sets v's failure from the primary finding (log line and
 * `container` when the evidence is a log line), frees the context. */
void runclass_end(struct classify_ctx *c, struct run_view *v, const char *container);
#endif
