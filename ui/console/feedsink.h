/* feedsink — the only glue between the feed (src/feed) and the console's
 * run set (model/runset.h), and the history cache as the console's other
 * source of the same events.
 *
 * Two origins, one path: the feed's events (begin, upsert..., end per
 * list; upsert / removed while watching) and the seeding from the history
 * cache (begin, upsert of each cached run, end) both go through one event
 * function per kind, so a cached run and a live one reach the run set the
 * same way. The cluster's events are also written to the cache as they
 * arrive; a list's end marks runs it no longer returned as deleted (in the
 * run set and the cache). Seeding runs in slices (feedsink_step): the
 * first screen paints after the first small page, the loop never waits
 * for the whole cache, and each page's verdicts and PR links are read in
 * two queries (store_link_runs).
 *
 * One sink per followed context (the console may follow several on one
 * loop): it stamps its context on every run and pod it takes, seeds that
 * context's runs from the cache, and its sweep after a full list flags
 * deleted only that context's runs. It keeps that context's connection
 * state (feedsink_state); the source (source.c) sums the sinks up for the
 * status bar.
 *
 * Owns: its context's name, its connection state, the seeding cursor, the
 * queue of runs whose cached pods are still to be attached, its share of
 * the cache's write transaction (the store nests them: the last flush of a
 * turn commits). Borrows the console (run set, status bar fields) and the
 * store (NULL = no cache); both outlive it.
 *
 *   struct feedsink *fs = feedsink_new(c, store, "ctx", &hooks);
 *   feedsink_seed(fs);                        (after a context / namespace switch)
 *   struct feed_sink k = feedsink_sink(fs);   for feed_start
 *   loop: feedsink_step(fs, deadline, key_waiting); feedsink_flush(fs);
 *   feedsink_free(fs);
 */
#ifndef ARTRIAGE_UI_FEEDSINK_H
#define ARTRIAGE_UI_FEEDSINK_H
#include "feed/feed.h"
#include "model/agentrun.h"
#include "view.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct console;
struct store;
struct rs_run;
struct feedsink;

/* What the console does with live objects beyond showing them (reading
 * logs of finished runs): called after the run set took the object. */
struct feedsink_hooks {
    void (*pod)(void *ud, const struct pod *p);
    void (*run)(void *ud, struct rs_run *r);
    /* the sink's connection state changed (may be NULL) */
    void (*state)(void *ud);
    void *ud;
    bool say_context;   /* errors in the message line start with the context's name */
};

/* ctx: the context this sink feeds (NULL or "" = none named); copied. */
struct feedsink *feedsink_new(struct console *c, struct store *st, const char *ctx, const struct feedsink_hooks *h);
void feedsink_free(struct feedsink *fs);

/* The callbacks for feed_start (ud = fs). */
struct feed_sink feedsink_sink(struct feedsink *fs);
/* A new feed starts: the status bar says connecting. */
void feedsink_connecting(struct feedsink *fs);
/* The context cannot be followed at all (no kubeconfig, no such context,
 * no server): offline, err said in the message line. */
void feedsink_unreachable(struct feedsink *fs, const char *err);
/* This context's connection: state, when a reconnecting feed tries next
 * (wall clock, ms) and the last error (sanitised, NULL when live); the
 * pointers are optional, the string valid until the sink's next event. */
enum conn_state feedsink_state(const struct feedsink *fs, int64_t *next_try_ms, const char **detail);
/* The context the sink feeds (NULL = none named). */
const char *feedsink_context(const struct feedsink *fs);

/* (Re)starts seeding the run set from the cache for the sink's context
 * and the console's namespace (c->ns / c->all_ns); drops queued linking. */
void feedsink_seed(struct feedsink *fs);
/* Seeds one page, then links cached pods until deadline_ms (time_mono_ms)
 * or until stop() says a key is waiting. True while work remains. */
bool feedsink_step(struct feedsink *fs, int64_t deadline_ms, bool (*stop)(void));

/* The status bar's progress ("cache: N runs", "listing: N runs",
 * "linking: i/n"), or false when none of these is under way. */
bool feedsink_progress(const struct feedsink *fs, char *out, size_t outlen);

/* Cache writes (also the console's log triage): open the write transaction
 * before one, report its result (a failure is said once), and commit
 * what the turn wrote. */
void feedsink_tx_open(struct feedsink *fs);
void feedsink_wrote(struct feedsink *fs, int rc, const char *err);
void feedsink_flush(struct feedsink *fs);
#endif
