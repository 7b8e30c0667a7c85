/* runview — one run as the CLI and the console present it: the AgentRun
 * plus its links (runner image, digest, PR, failure, deleted), and the
 * renderings of docs/cli.md: the "A run" JSON object (list -o json), the show
 * JSON with pods and attempts, the list table and the show text. Tables
 * and text go through util/sanitize; JSON is built with cJSON.
 *
 *   struct run_view v; run_view_init(&v);  v.run = <parsed run, moved in>;
 *   run_view_set_image(&v, pods, npods);      image + digest from the pods
 *   run_view_set_pr(&v, &pr);                 copies
 *   run_view_set_failure(&v, "vcs.worktree", 57, "agent-runner", "rule", text);
 *   run_view_apply_no_pr(&v);                 agent.no-pr for PR-less successes
 *   cJSON *j = run_view_json(&v); ...
 *   run_view_free(&v);                        frees the run too
 */
#ifndef ARTRIAGE_MODEL_RUNVIEW_H
#define ARTRIAGE_MODEL_RUNVIEW_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>
#include "model/agentrun.h"
#include "model/linkage.h"
#include "util/buf.h"

struct run_failure {
    char *cls;        /* class id, e.g. "vcs.worktree" */
    int64_t line;     /* 1-based log line; -1 = none (JSON null) */
    char *container;  /* NULL = none */
    char *rule;       /* NULL = none */
    char *text;       /* evidence text, NULL = none (not in the list JSON) */
    bool secondary_no_pr; /* a failed run that also lacks its PR */
};

struct run_view {
    struct agentrun run;  /* owned */
    char *image, *digest; /* owned, NULL = unknown */
    bool has_pr;
    struct pr_link pr;
    bool has_failure;
    struct run_failure failure;
    bool deleted;         /* gone from the server (served from the cache) */
};

void run_view_init(struct run_view *v);
void run_view_free(struct run_view *v);
/* Image and digest of the run's runner container among pods (any pods;
 * those of other runs are ignored). Keeps what is set when none match. */
void run_view_set_image(struct run_view *v, const struct pod *pods, size_t npods);
void run_view_set_pr(struct run_view *v, const struct pr_link *pr);
/* Replaces the failure; all strings copied, NULL allowed. */
void run_view_set_failure(struct run_view *v, const char *cls, int64_t line, const char *container,
                          const char *rule, const char *text);
/* A run that needs a PR (linkage_needs_pr) and has none gets
 * failure agent.no-pr (line null); a run with another failure keeps it
 * (agent.no-pr then only noted as secondary). A run that has a PR loses
 * an agent.no-pr verdict made before the PR was found. */
void run_view_apply_no_pr(struct run_view *v);

/* The failure a run's status alone shows, without logs or classifier:
 * container states (OOMKilled, image pull errors, exit 137/139) and the
 * AgentRun's reason/conditions. NULL when nothing is known; the returned
 * string is static. `pods` may be NULL. */
const char *run_status_failure(const struct agentrun *r, const struct pod *pods, size_t npods,
                               const char **container);

/* newest first: creation time, then namespace, then name */
int run_view_cmp_newest(const void *a, const void *b);

struct run_filter {
    const char *phase;   /* case-insensitive; NULL = any */
    const char *lane;    /* exact; NULL = any */
    int64_t since;       /* created >= since; TIME_NONE = any */
};
/* True for the phases AGENTRUN.md §4 names (Pending, Running, Succeeded,
 * Failed, Cancelled, Template), case-insensitive: a filter on any other
 * is a typo, refused as bad usage rather than answered with "no runs". */
bool run_phase_known(const char *phase);
bool run_view_match(const struct run_view *v, const struct run_filter *f);

/* docs/cli.md "A run". */
cJSON *run_view_json(const struct run_view *v);

/* A lane's attempts for show: views of every run of the lane. */
struct attempt_set {
    const struct run_view *const *views;
    size_t n;
};
/* docs/cli.md show: the run object plus conditions, systemPromptHash,
 * specHash, vcsPolicy, pods[], attempts[] (oldest first; each with
 * "changed" — what differs from the previous attempt — and, on the first
 * success, "decisive": true), and "decisiveChange" at the top. */
cJSON *run_show_json(const struct run_view *v, const struct pod *pods, size_t npods,
                     const struct attempt_set *lane);

enum {
    RUN_TABLE_NAMESPACE = 1 << 0, /* add a NAMESPACE column (-A) */
    RUN_TABLE_CONTEXT = 1 << 1,   /* add a CONTEXT column */
};
/* The list table, fitted to `width` columns (0 = no limit): columns that
 * do not fit are dropped from the right in order of importance, long
 * names are cut with "~". now_ms for the AGE column. */
void run_table_render(struct buf *out, const struct run_view *const *views, size_t n, int width,
                      unsigned flags, int64_t now_ms);
/* show -o text. */
void run_show_text(struct buf *out, const struct run_view *v, const struct pod *pods, size_t npods,
                   const struct attempt_set *lane, int64_t now_ms);
#endif
