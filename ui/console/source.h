/* source — where the console's runs come from: the cluster (kube client:
 * list, then watch, for AgentRuns and their pods; reconnect with backoff)
 * and the history cache (store: runs deleted on the server, classifier
 * verdicts, PR links, digests; the whole list when offline). It feeds the
 * console's run set and reports the connection state, progress and every
 * cluster call (as kubectl) through the struct console it was made for.
 *
 * Everything advances in slices from the console's single loop:
 *   struct source *s = source_new(c);
 *   for (;;) {
 *       source_wait(s, tty_fd, timeout_ms, &tty_ready);   one poll for all
 *       ... keys ...
 *       busy = source_step(s, 8);    at most ~8 ms of work, true = more ready
 *   }
 *   source_free(s);
 * source_switch() re-targets after :ctx / :ns / :all (c->context or
 * c->ctxs, c->ns, c->all_ns already changed); source_refresh() lists again.
 *
 * Several contexts (c->ctxs) are followed at once, each on its own client,
 * feed and sink, all on one kube loop (kube/client.h struct kube_loop): a
 * cluster that is down reconnects alone while the others go on; what a
 * view does with a run (logs, rerun) goes to that run's context's client.
 */
#ifndef ARTRIAGE_UI_SOURCE_H
#define ARTRIAGE_UI_SOURCE_H
#include <stdbool.h>
#include <stddef.h>

struct console;
struct source;

struct source *source_new(struct console *c);
void source_free(struct source *s);
/* Sleeps until tty_fd is readable, a cluster socket or timer is ready, or
 * timeout_ms passed (0 = just look). Sets *tty_ready. */
void source_wait(struct source *s, int tty_fd, int timeout_ms, bool *tty_ready);
/* Does ready work for about budget_ms; returns true if more is ready now. */
bool source_step(struct source *s, int budget_ms);
void source_switch(struct source *s);
void source_refresh(struct source *s);
/* Wakes source_wait from a signal handler. */
void source_wakeup(struct source *s);
/* For views that read on their own (logs, timeline): the cluster client
 * (NULL offline), the history cache (NULL if it could not be opened) and
 * the classifier's rules (loaded on first use; NULL if they cannot be).
 * All owned by the source. */
struct kube_client *source_kube(struct source *s);
/* The client of context ctx (a run's: r->run.context), NULL when that
 * context is not followed or not connected. Never another context's. */
struct kube_client *source_kube_for(struct source *s, const char *ctx);
/* Each followed context's connection, compactly, into out
 * ("a: live | b: reconnecting 4s"; names sanitised); returns how many
 * contexts the source follows. */
size_t source_conn_text(struct source *s, char *out, size_t outlen);
struct store *source_store(struct source *s);
const struct classify_rules *source_rules(struct source *s);
#endif
