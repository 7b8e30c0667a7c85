/* runclass — the classifier (src/classify) applied to runs for list and
 * show: status signals (AgentRun reason/conditions, status.runner, pod
 * container states and termination messages) and, for show, the log.
 * The shipped rules are loaded once per process (runclass_rules) and
 * released by runclass_done().
 *
 *   const struct classify_rules *rs = runclass_rules(cli);   NULL: unavailable
 *   runclass_from_status(rs, &view, pods, npods);           list
 *   struct classify_ctx *c = runclass_begin(rs, &view, pods, npods);   show
 *   classify_feed(c, bytes, n) ...; runclass_end(c, &view, "agent-runner");
 *   runclass_done();
 */
#ifndef ARTRIAGE_UI_RUNCLASS_H
#define ARTRIAGE_UI_RUNCLASS_H
#include <stdbool.h>
#include <stddef.h>
#include "cli.h"
#include "classify/classify.h"
#include "model/runview.h"

const struct classify_rules *runclass_rules(struct cli *cli);
/* The one loader of the CLI: the shipped rules, ARTRIAGE_RULES and --rules;
 * problems in rule files go to stderr (sanitised) unless quiet. NULL with
 * err filled when no rule set can be had. The caller frees the result with
 * classify_rules_free. */
struct classify_rules *runclass_load(const struct cli *cli, bool quiet, char *err, size_t errlen);
void runclass_done(void);

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
 * until runclass_forget(set) (runsrc_free) or runclass_done. Set it on
 * the context from runclass_begin before feeding. */
struct run_set;
const struct classify_baseline *runclass_baseline(struct run_set *set, struct run_view *v);
/* Drops the logs runclass_baseline kept for set (NULL: for every set). */
void runclass_forget(const struct run_set *set);

/* Finishes, sets v's failure from the primary finding (log line and
 * `container` when the evidence is a log line), frees the context. */
void runclass_end(struct classify_ctx *c, struct run_view *v, const char *container);
#endif
