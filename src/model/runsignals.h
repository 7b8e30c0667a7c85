/* runsignals — what a run's status and its pods say, handed to the
 * classifier as signals, so that the CLI (list/show), the console and the
 * history sync join the same facts to a run's logs and agree on its class
 * (a run killed for memory is resource.oom everywhere, not only where the
 * pods happened to be looked at).
 *
 *   struct classify_ctx *c = classify_new(rules, run_outcome(&run));
 *   run_signals_add(c, &run, pods, npods);
 *   classify_feed(c, log, n) ...; classify_finish(c) ...
 *
 * Nothing is retained: signals are copied by the classifier. */
#ifndef ARTRIAGE_MODEL_RUNSIGNALS_H
#define ARTRIAGE_MODEL_RUNSIGNALS_H
#include <stddef.h>
#include "classify/classify.h"
#include "model/agentrun.h"

/* Failed -> failed, Succeeded -> succeeded, else (Cancelled, still running,
 * no phase) unknown. */
enum classify_outcome run_outcome(const struct agentrun *r);

/* Adds the run's status reason/message, its True failure conditions
 * (AGENTRUN.md §4), status.runner (the runner's status.json), and the
 * non-running container states, termination messages and last states of
 * those pods[] whose run label names this run. */
void run_signals_add(struct classify_ctx *c, const struct agentrun *r, const struct pod *pods, size_t npods);
#endif
