/* complete — what the `:` prompt knows of the names it takes, and the
 * pickers: Tab completion of commands, contexts (the kubeconfig's),
 * namespaces (the cluster's) and `:runs` flags; `:ns` (checked against the
 * cluster's namespaces, a picker without a name); `:runs -l … /
 * --field-selector …` (selectors the API server applies, as `list -l`).
 *
 * The cluster's namespaces come from GET /api/v1/namespaces on the
 * console's own client (source_kube), without blocking the loop: a `:ns
 * NAME` or a Tab that needs them waits for the answer and is finished when
 * it arrives; the picker opens at once and fills in. With several contexts
 * followed, every one's cluster is asked on its own client
 * (source_kube_for) and the answers are merged. When listing them is
 * forbidden (403) or fails (for any of the contexts), or offline, the
 * namespaces seen in runs stand in, and the picker's title and the
 * refusals say so (naming the context). The list is kept per context for
 * NS_KEEP_MS.
 *
 * Owns struct nsinfo (c->nsinfo), freed by ns_forget(c, true). */
#ifndef ARTRIAGE_UI_COMPLETE_H
#define ARTRIAGE_UI_COMPLETE_H
#include "view.h"
#include "util/lineedit.h"

#define NS_KEEP_MS 30000

/* `:ns NAME` (switch if the cluster has it, else refuse) or `:ns` alone
 * (the picker). */
void ns_command(struct console *c, const char *name);
/* `:ctx` alone / `:ns` alone: the picker of contexts or namespaces. */
void pick_open(struct console *c, bool ctx);
/* Tab in the `:` prompt whose editor is e (it stays valid while the
 * console runs: a Tab waiting for namespaces completes into it later if
 * its text is unchanged). True = a picker opened instead: the prompt
 * closes. */
bool prompt_complete(struct console *c, struct lineedit *e);
/* `:runs [-l SEL] [--field-selector SEL]`: sets (or with no flag clears)
 * the selectors of the run list and lists again. */
void runs_command(struct console *c, const char *args);
/* Acts on the cluster's answer (a waiting `:ns NAME` or Tab, the picker);
 * the console's loop calls it each turn, outside any client callback. */
void ns_work(struct console *c);
/* Any switch (the source frees its client): a request in flight goes,
 * and the `:ns NAME` or Tab waiting for it; the names stay. */
void ns_cancel(struct console *c);
/* The context changes (the names are another cluster's) or the console
 * ends (all = free everything): cancels a request in flight. */
void ns_forget(struct console *c, bool all);
#endif
