/* runset — the console's in-memory set of runs: what every console view
 * reads, with no terminal code (so it is unit-tested without ncurses).
 *
 * Owns: one struct rs_run per run, keyed by context and uid (two clusters'
 * runs never collide; a NULL context is the empty one), each holding a
 * compact record of its AgentRun, its pods, and the linkage facts that
 * arrive separately (failure class, PR, image digest, "deleted on the
 * server"). Fed by the feed's events (runset_apply_run / runset_apply_pod)
 * and by the history cache (the same calls with deleted = true for runs
 * the server no longer has).
 *
 * It is the console's only copy of the runs (a million of them), so it is
 * compact: a run keeps no raw object and no struct agentrun. r->run holds
 * what the list, the filter, the sort and the lanes read; every other
 * field the AgentRun had (message, conditions, hashes, runner...), its
 * "cold" fields, comes back whole with runset_run_agentrun() (a copy the
 * caller frees), so a deleted run's detail still shows all it showed.
 * Where the cold fields live:
 *  - a run applied with runset_apply_run (the cluster's, or any run when
 *    the set has no cold source) keeps them serialised in its one block;
 *  - a run applied with runset_apply_cached is exactly a history cache
 *    row: when the set has a cold source (runset_set_cold_source: a
 *    loader by row id that the console wires to the store; this module
 *    knows no store) the block keeps only a reference (the row is
 *    r->cache_id, a hash of the cold fields it gave, the resourceVersion,
 *    the deletion time: the one field the cache's own deletion mark changes)
 *    whenever that is smaller, and runset_run_agentrun reads the row back
 *    (one indexed read; the last COLD_MEMO runs read are remembered). A
 *    row that no longer gives the same fields (rewritten by another
 *    artriage, gone, unreadable) gives none: the call returns -1 with one
 *    sentence, never another version's fields. A newer version of the run
 *    from the cluster replaces the reference with its own fields.
 * Strings runs repeat (context, namespace, lane,
 * attempt, agent, phase, repository) are interned: equal values share one
 * pointer, owned by the set; a run's own strings (name, uid, head) live in
 * its block; r->links holds pods and link facts. Treat every string as
 * read-only; a run's strings stay valid until that run changes
 * (runset_apply_run replacing it, a runset_set_* or a pod for it),
 * runset_clear or runset_free.
 *
 * Views read a filtered, sorted "view": runset_view_count / runset_view_at.
 * The sorted order and the view are kept across changes (a changed run
 * moves only if it left its place; new ones are merged in), so a paint
 * after a change costs about the changed runs, not the whole set; a filter
 * typed longer searches only the previous matches.
 * Every change bumps runset_gen(); a view compares it with the generation it
 * drew last, and each run carries the generation of its own last change, so
 * a view knows which rows to redraw. A view keeps its cursor by uid and asks
 * runset_view_index(uid) for the row after rows moved.
 *
 * Calls:
 *   struct runset *rs = runset_new();
 *   runset_apply_run(rs, RS_EV_ADDED, &run, false);   takes the agentrun
 *   runset_apply_pod(rs, RS_EV_ADDED, &pod);          takes the pod
 *   runset_set_failure(rs, uid, &fail); runset_set_pr(rs, uid, 3653, url, "log");
 *   runset_set_filter(rs, "phase:Failed lane:torghut*", err, sizeof err);
 *   runset_set_sort(rs, RS_COL_AGE);
 *   for (i = 0; i < runset_view_count(rs); i++) runset_view_at(rs, i) ...
 *   runset_free(rs);
 * Pointers returned by runset_view_at / runset_find stay valid until the
 * next runset_clear or runset_free (runs are never removed otherwise: a
 * run deleted on the server stays, flagged deleted). All strings are raw
 * cluster bytes: sanitise before display (util/sanitize.h).
 */
#ifndef ARTRIAGE_MODEL_RUNSET_H
#define ARTRIAGE_MODEL_RUNSET_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "model/agentrun.h"

struct runset;

enum rs_event { RS_EV_ADDED, RS_EV_MODIFIED, RS_EV_DELETED };

/* List columns, in the order the console shows them; also sort keys. */
enum rs_col {
    RS_COL_NAME, RS_COL_PHASE, RS_COL_AGENT, RS_COL_AGE, RS_COL_DURATION,
    RS_COL_ATTEMPT, RS_COL_CLASS, RS_COL_PR, RS_COL_DIGEST, RS_COL_NS,
    RS_NCOLS
};

struct rs_failure {
    char *cls, *rule, *container, *hint, *text; /* owned; any may be NULL */
    int64_t line;                               /* 1-based, -1 = none */
};

/* What the list, the filter, the sort and the lanes read of a run's
 * AgentRun (the field names are struct agentrun's). The strings belong to
 * the run set (see above); NULL where the AgentRun had none. */
struct rs_rec {
    const char *context, *ns, *name, *uid;
    const char *lane, *attempt, *agent, *phase, *head, *repository;
    int64_t created, started, finished;
};

/* The facts that arrive apart from the run (pods, image, verdict, PR).
 * Most runs have none: then r->links points at one shared empty record,
 * never NULL, so readers need no test. Owned by the run set. */
struct rs_links {
    struct pod *pods;          /* pods whose run label names this run */
    size_t npods;
    char *image, *digest;      /* main container's image / "sha256:…", or from the cache */
    struct rs_failure fail;    /* fail.cls NULL = not classified / no failure */
    int64_t pr_number;         /* -1 = none */
    char *pr_url, *pr_source;  /* pr_source: where the link came from ("log", "cache"…) */
};

struct rs_run {
    struct rs_rec run;
    const struct rs_links *links; /* never NULL */
    uint64_t gen;              /* runset generation of this run's last change */
    int64_t cache_id;          /* history cache row id, 0 = unknown: set by runset_apply_cached;
                                  a feeder may set it for a run that has none, never change it */
    uint64_t mark;             /* scratch for the feeder (e.g. the list pass that saw it) */
    bool deleted;              /* gone from the server (history cache only) */
};

/* The run's whole AgentRun as it was applied (raw excepted: NULL), copied
 * into *out; agentrun_free(out) after. 0; or -1 with err when its cold
 * fields are in the history cache and could not be read back as they
 * were (see above): then *out holds the list record's fields and the
 * resourceVersion, every other field absent. */
int runset_run_agentrun(struct runset *rs, const struct rs_run *r, struct agentrun *out, char *err,
                        size_t errlen);
/* True for Succeeded / Failed / Cancelled (agentrun_is_terminal). */
bool rs_run_is_terminal(const struct rs_run *r);

struct runset *runset_new(void);
void runset_free(struct runset *rs);
/* Drops every run (context / namespace switch); bumps the generation. */
void runset_clear(struct runset *rs);

/* Informer or cache event for one run. ADDED/MODIFIED take *run (it is
 * freed and zeroed; the set keeps its compact copy) and replace the stored
 * record when its resourceVersion differs. DELETED flags the run deleted
 * (it stays visible, dimmed) and frees *run. from_cache = the run comes
 * from the history cache: it never overrides a live object, and with
 * deleted it is shown as deleted. Runs without a uid are keyed by
 * namespace/name. */
void runset_apply_run(struct runset *rs, enum rs_event ev, struct agentrun *run, bool deleted);
/* The history cache's row cache_id (> 0), as the cache's one conversion
 * gave it (store_run_take_agentrun): runset_apply_run(ADDED) that also
 * sets r->cache_id, and leaves the cold fields in the cache when the set
 * has a cold source (above). deleted: the cache's flag. */
void runset_apply_cached(struct runset *rs, struct agentrun *run, bool deleted, int64_t cache_id);

/* Reads the run the history cache holds in row cache_id into *out (zeroed
 * before the call; the callee fills it, the run set frees it): 1, 0 when
 * there is no such row, -1 with err. It must be the conversion the
 * seeding used, so that an unchanged row gives back the same fields. */
typedef int (*rs_cold_fn)(void *ud, int64_t cache_id, struct agentrun *out, char *err, size_t errlen);
/* Where runs applied with runset_apply_cached get their cold fields back
 * (fn NULL: none; runs applied from now on keep theirs in memory, and the
 * ones that left theirs in the cache answer -1 until a source is set). */
void runset_set_cold_source(struct runset *rs, rs_cold_fn fn, void *ud);
/* Pod event: attaches the pod (ownership taken) to the run named by its
 * agent-run label in its namespace of context ctx (kept aside until that run arrives),
 * and takes the run's image/digest from its main container. */
void runset_apply_pod(struct runset *rs, const char *ctx, enum rs_event ev, struct pod *pod);

/* Linkage facts by run context and uid; copies the strings. Unknown uid: ignored. */
void runset_set_failure(struct runset *rs, const char *ctx, const char *uid, const struct rs_failure *f);
void runset_set_pr(struct runset *rs, const char *ctx, const char *uid, int64_t number, const char *url,
                   const char *source);
void runset_set_image(struct runset *rs, const char *ctx, const char *uid, const char *image, const char *digest);

struct rs_run *runset_find(const struct runset *rs, const char *ctx, const char *uid);
/* The run named name in namespace ns of context ctx (a live one before a
 * deleted namesake). */
struct rs_run *runset_find_name(const struct runset *rs, const char *ctx, const char *ns, const char *name);
/* Every run, in arrival order, whatever the filter: i < runset_count. */
struct rs_run *runset_at(const struct runset *rs, size_t i);
size_t runset_count(const struct runset *rs);
uint64_t runset_gen(const struct runset *rs);
/* After a full list of context ctx (NULL = the empty one), namespace ns
 * (NULL = all): flags deleted every run of that context and namespace
 * not yet deleted whose mark is not `mark` (the list did not bring it),
 * calling gone(ud, r) for each just before. Runs of other contexts are
 * never touched: each context is listed on its own. Returns how many. */
size_t runset_sweep(struct runset *rs, const char *ctx, const char *ns, uint64_t mark,
                    void (*gone)(void *ud, const struct rs_run *r), void *ud);

/* Filter: whitespace-separated terms, all must match. `key:value` with key
 * phase, class, lane, agent, ns, name or ctx (context) matches that field against a
 * case-insensitive glob (`class:vcs.*`; `class:vcs` also matches `vcs.*`;
 * `phase:none` = no phase yet; `phase:deleted` = deleted runs); any other
 * term is a case-insensitive substring of name, agent, lane, class or head
 * (of one of them: a term never matches across two).
 * A leading '!' negates a term. Returns -1 with err for an unknown key. */
int runset_set_filter(struct runset *rs, const char *expr, char *err, size_t errlen);
const char *runset_filter(const struct runset *rs);
/* Sort by a column; RS_COL_AGE (newest first) is the default. Ties: newest
 * first, then namespace, then name. */
void runset_set_sort(struct runset *rs, enum rs_col col);
enum rs_col runset_sort(const struct runset *rs);
const char *runset_col_name(enum rs_col col);

/* The view (filtered and sorted), brought up to date lazily after changes. */
size_t runset_view_count(struct runset *rs);
struct rs_run *runset_view_at(struct runset *rs, size_t i);
/* Row of the run with that context and uid in the view, or SIZE_MAX. */
size_t runset_view_index(struct runset *rs, const char *ctx, const char *uid);

/* Counts over all runs (not only the view), for the status bar. */
struct rs_counts {
    size_t total, pending, running, succeeded, failed, cancelled, tmpl, none, other, deleted;
};
void runset_counts(struct runset *rs, struct rs_counts *out);

/* Column helpers shared by the list view and tests. */
int64_t rs_run_duration(const struct rs_run *r, int64_t now_ms); /* -1 if unknown */
const char *rs_run_phase(const struct rs_run *r);                /* "" if none */
uint64_t rs_uid_key(const char *s);                                /* FNV-1a, for callers' maps */

/* The lane's attempts, oldest first, with what changed from the previous
 * attempt, as model/linkage.h computes it (linkage_chain): same context,
 * namespace and lane as run. */
struct rs_attempt {
    const struct rs_run *run;
    unsigned changed;          /* CHG_* (model/linkage.h) against the previous attempt */
    bool first_success;        /* the lane's first Succeeded attempt */
    bool fix;                  /* first success, and something changed right before it */
};
/* Fills *out (caller frees) and returns the count (>= 1: the run itself). */
size_t runset_lane(struct runset *rs, const struct rs_run *run, struct rs_attempt **out);
#endif
