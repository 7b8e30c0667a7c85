/* verdict — the ONE writer of classifier verdicts into the history cache,
 * for every producer of them (the record sink src/sync, the console's log
 * triage src/runs/triage.c), so that a run's stored verdict has the same
 * fields whoever wrote it.
 *
 *   verdict_put(store, run_id, rules, outcome, res, skipped, pod, container,
 *               log_time, base_name, base_uid, now, err, errlen);
 *
 * Everything is borrowed for the call; the store copies what it keeps. */
#ifndef ARTRIAGE_RUNS_VERDICT_H
#define ARTRIAGE_RUNS_VERDICT_H
#include <stddef.h>
#include <stdint.h>
#include "classify/classify.h"

struct store;

/* Stores res (NULL or without a primary finding = no failure found) for
 * run_id with every field: the rule set's version, the outcome, the
 * secondary findings, and for an evidence line in a log the pod,
 * container, line (+ skipped, the lines the cache's cap cut from the log's
 * head; -1 = no log) and log_time (TIME_NONE = a time printed on the line
 * itself, if any), and the passing run it was compared with (base_name,
 * base_uid; NULL = none). 0, or -1 with err filled. */
int verdict_put(struct store *s, int64_t run_id, const struct classify_rules *rules, enum classify_outcome oc,
                const struct classify_result *res, int64_t skipped, const char *pod, const char *container,
                int64_t log_time, const char *base_name, const char *base_uid, int64_t now, char *err,
                size_t errlen);
#endif
