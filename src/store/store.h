/* store — artriage's history cache: one SQLite database (WAL, busy timeout,
 * so consoles and a `sync --watch` share it) holding what the cluster
 * showed, long after the Job TTL and the retention sweep removed it:
 * runs (one row per context+uid, never dropped when the server deletes
 * them), every observed change, pods and container states, fetched logs
 * (zlib, capped per run and in total), classifier verdicts, PR links,
 * rerun actions (audit) and user notes. Never credentials.
 *
 * Calls:
 *   struct store *s = store_open(NULL or path, NULL or &opts, err, errlen);
 *   store_begin(s, ...);                        -- optional batching
 *   store_put_run(s, &agentrun, now, ...);      -- diffs, records changes
 *   store_put_pod(s, context, &pod, now, ...);
 *   store_put_log(s, ...); store_put_classification(s, ...); ...
 *   store_commit(s, ...);
 *   store_list_runs(s, &query, &list, ...); ... store_run_list_free(&list);
 *   store_close(s);
 * Every struct filled by a store_get_* / store_list_* call owns its strings
 * and is released with the matching *_free(), which accepts a zeroed
 * struct. A write outside store_begin/commit is its own transaction.
 * Functions return 0 on success and -1 with one sentence in err (naming
 * the database file) on failure; store_get_* return 1 found, 0 not found.
 * A struct store is not thread-safe; open one per thread.
 */
#ifndef ARTRIAGE_STORE_H
#define ARTRIAGE_STORE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "model/agentrun.h"

struct store;

/* Schema version this build writes (PRAGMA user_version). */
#define STORE_SCHEMA_VERSION 4

struct store_opts {
    int64_t log_cap_run;   /* bytes of log text kept per run; 0 = default (8 MiB) */
    int64_t log_cap_total; /* compressed log bytes in the whole cache; 0 = default (512 MiB) */
    int busy_ms;           /* busy timeout; 0 = default (5000) */
    int cache_kib;         /* SQLite page cache; 0 = default (32768: bulk syncs do not spill
                              index pages); a long-running writer takes less to stay flat */
    bool read_only;        /* open without creating or migrating */
};

/* Fills opts with defaults, then applies ARTRIAGE_LOG_CAP_RUN and
 * ARTRIAGE_LOG_CAP_TOTAL (sizes like "8M", "512K", "1G", plain bytes). */
void store_opts_default(struct store_opts *opts);

/* "8M", "512K", "1G", "1GiB", plain bytes -> bytes; -1 if not a size. */
int store_parse_size(const char *s, int64_t *out);

/* $XDG_CACHE_HOME/artriage/history.db, else ~/.cache/artriage/history.db. */
int store_default_path(char *out, size_t outlen, char *err, size_t errlen);

/* Opens (creating the directory 0700 and the file 0600 if needed) and
 * migrates to STORE_SCHEMA_VERSION. path NULL = store_default_path. A
 * database written by a newer artriage is refused. */
struct store *store_open(const char *path, const struct store_opts *opts, char *err, size_t errlen);
void store_close(struct store *s);
/* Gives back the page cache's memory (it fills again as queries need it):
 * after a bulk read the caller will not repeat, e.g. the console's seeding. */
void store_release_memory(struct store *s);
const char *store_path(const struct store *s);
/* The underlying handle, for tests and benchmarks only. */
struct sqlite3 *store_db(struct store *s);

int store_begin(struct store *s, char *err, size_t errlen);
int store_commit(struct store *s, char *err, size_t errlen);
void store_rollback(struct store *s);

/* ---- writing observations ---------------------------------------- */

/* Upserts run r (r->context: the kube context, NULL = ""). On first sight
 * the run's history is reconstructed from its status times (created,
 * started, conditions, phase, deletion) and flagged reconstructed; later
 * calls record what changed since the previous call. Returns the row id
 * in *run_id when run_id is not NULL. */
int store_put_run(struct store *s, const struct agentrun *r, int64_t now,
                  int64_t *run_id, char *err, size_t errlen);

/* store_put_run, saying in *what what the call did (0: the same
 * resourceVersion as stored, only seen): STORE_RUN_NEW first sight;
 * STORE_RUN_REWRITTEN a new version of a known run, with STORE_RUN_PHASE
 * when its phase differs from the stored one. A writer of verdicts
 * classifies again only what changed. */
enum { STORE_RUN_NEW = 1, STORE_RUN_REWRITTEN = 2, STORE_RUN_PHASE = 4 };
int store_put_run_what(struct store *s, const struct agentrun *r, int64_t now, int64_t *run_id,
                       unsigned *what, char *err, size_t errlen);

/* Marks a run deleted on the server (kept, with a `deleted` change). */
int store_mark_run_deleted(struct store *s, const char *context, const char *uid,
                           int64_t when, char *err, size_t errlen);

/* After a full list of (context, namespace) — ns NULL = every namespace —
 * marks every cached run of that scope whose uid is not in live[] deleted.
 * *marked (may be NULL) gets the count. */
int store_sweep_deleted(struct store *s, const char *context, const char *ns,
                        const char *const *live, size_t nlive, int64_t now,
                        size_t *marked, char *err, size_t errlen);

/* Upserts a pod and its container states; links it to its run by the
 * agent-run label. */
int store_put_pod(struct store *s, const char *context, const struct pod *p, int64_t now,
                  char *err, size_t errlen);
int store_mark_pod_deleted(struct store *s, const char *context, const char *uid,
                           int64_t when, char *err, size_t errlen);
/* Same as store_sweep_deleted for pods. */
int store_sweep_pods(struct store *s, const char *context, const char *ns,
                     const char *const *live, size_t nlive, int64_t now,
                     size_t *marked, char *err, size_t errlen);

/* Stores a container log of the pod (by uid), replacing an earlier copy.
 * Text beyond the per-run cap is cut from the head at a line boundary
 * (the tail holds the failure); then the total cap is enforced by
 * dropping the oldest logs of other runs. */
int store_put_log(struct store *s, const char *context, const char *pod_uid,
                  const char *container, bool previous, const char *data, size_t len,
                  int64_t now, char *err, size_t errlen);
/* True when a log of that container is already stored. */
bool store_has_log(struct store *s, const char *context, const char *pod_uid,
                   const char *container, bool previous);

/* ---- reading (offline mode, console, timeline) ------------------- */

struct store_run {
    int64_t id;
    char *context, *ns, *name, *uid, *lane, *attempt;
    char *agent, *runtime, *phase, *reason, *message;
    char *repository, *base, *head, *idempotency_key, *workload_image;
    char *vcs_mode, *system_prompt_hash, *spec_hash, *rerun_of;
    int64_t created, started, finished, updated; /* TIME_NONE if unknown */
    int64_t first_seen, last_seen, deleted_at;
    bool deleted;
    int64_t npods;     /* pods ever seen for this run */
    char *raw;         /* last raw object JSON (agentrun_parse it), or NULL */
};

struct store_run_list {
    struct store_run *items;
    size_t n;
};

struct store_query {
    const char *context;   /* NULL = any */
    const char *ns;        /* NULL = any */
    const char *lane;      /* NULL = any */
    const char *phase;     /* NULL = any */
    const char *name;      /* NULL = any */
    int64_t since;         /* created >= since; TIME_NONE = no bound */
    int64_t until;         /* created <= until; TIME_NONE = no bound */
    size_t limit;          /* 0 = no limit */
    bool include_deleted;
};
/* A query matching everything (deleted runs included). */
void store_query_init(struct store_query *q);

/* Runs newest first (creation time); a lane query returns the lane's
 * attempts oldest first, as lanes.md orders them. */
int store_list_runs(struct store *s, const struct store_query *q, struct store_run_list *out,
                    char *err, size_t errlen);
void store_run_list_free(struct store_run_list *l);
void store_run_free(struct store_run *r);

/* The run named `name` in (context, ns); context NULL = any. Prefers a
 * run still on the server, then the newest. 1 found, 0 not, -1 error. */
int store_get_run(struct store *s, const char *context, const char *ns, const char *name,
                  struct store_run *out, char *err, size_t errlen);
int store_get_run_by_id(struct store *s, int64_t id, struct store_run *out,
                        char *err, size_t errlen);
/* The one conversion of a cached run row to the model: its raw object
 * when the cache kept one that parses (so conditions are there), else the
 * columns (false if the row has no name either); then the cache's context,
 * its lane and attempt (resolved by provenance across a whole list) over
 * the name-derived ones, and deleted_at when the cache marked it deleted.
 * Takes strings out of sr (still store_run_free it); agentrun_free out. */
bool store_run_take_agentrun(struct store_run *sr, struct agentrun *out);
/* The run parsed back into the model (as above); 0 when the cache has no
 * raw object for it. 1/0/-1. */
int store_get_agentrun(struct store *s, int64_t run_id, struct agentrun *out,
                       char *err, size_t errlen);

struct store_change {
    int64_t time;
    char *kind;       /* created | started | phase | condition | deleted */
    char *phase, *cond_type, *cond_status, *reason, *message;
    bool reconstructed;
    int64_t observed;
};
struct store_change_list {
    struct store_change *items;
    size_t n;
};
int store_run_changes(struct store *s, int64_t run_id, struct store_change_list *out,
                      char *err, size_t errlen);
void store_change_list_free(struct store_change_list *l);

struct store_pod {
    int64_t id;
    char *ns, *name, *uid, *phase, *node, *job_name;
    int64_t created, started, first_seen, last_seen, deleted_at;
    bool deleted;
    struct container_state *containers; /* the model's: store_pod_to_model moves them */
    size_t ncontainers;
};
struct store_pod_list {
    struct store_pod *items;
    size_t n;
};
/* Pods of a run, oldest first. */
struct pod;
/* A cached pod as the model's struct pod (model/agentrun.h), for code that
 * serves live and cached pods alike (classifier signals, the console).
 * Moves the strings out of sp (sp stays valid for store_pod_list_free);
 * out is owned by the caller: pod_free(). */
void store_pod_to_model(struct store_pod *sp, const char *run_name, struct pod *out);
int store_run_pods(struct store *s, int64_t run_id, struct store_pod_list *out,
                   char *err, size_t errlen);
void store_pod_list_free(struct store_pod_list *l);

struct store_log {
    char *pod, *container;
    bool previous;
    char *data;             /* decompressed text, NUL-terminated */
    size_t len;
    int64_t fetched;
    int64_t full_size;      /* bytes of the log as fetched */
    int64_t skipped_lines;  /* lines cut from the head by the cap */
};
/* A log of the run: pod NULL = the newest pod that has one; container
 * NULL = "agent-runner", else any. 1/0/-1. */
int store_get_log(struct store *s, int64_t run_id, const char *pod, const char *container,
                  bool previous, struct store_log *out, char *err, size_t errlen);
void store_log_free(struct store_log *l);
/* True when the cache holds a log (not a previous one) of the run. */
bool store_run_has_log(struct store *s, int64_t run_id);
/* The baseline of a failed run `me` (model/runbaseline.h: same lane,
 * else same agent and repository) among the cached succeeded runs of
 * me->context, deleted ones too, whose log the cache holds. `succeeded`
 * is that list when the caller keeps one (phase Succeeded, deleted
 * included), NULL to look here for the newest candidate of each rule that
 * has a log (two index walks, however many runs the cache holds). 1 with *id and, if name is not NULL,
 * *name (malloc'd); 0 none; -1 error. */
struct run_baseline_cand;
int store_pick_baseline(struct store *s, const struct run_baseline_cand *me,
                        const struct store_run_list *succeeded, int64_t *id, char **name,
                        char *err, size_t errlen);

/* ---- classification, PR links, reruns, notes --------------------- */

struct store_class {
    char *cls;          /* failure class, NULL = no failure found */
    char *rule, *text, *hint;
    int64_t line;       /* 1-based; -1 = none */
    char *pod, *container;
    int64_t log_time;   /* time of the evidence line, TIME_NONE if unknown */
    char *outcome;      /* failed | succeeded | unknown */
    char *secondary;    /* JSON array text, or NULL */
    char *version;      /* classifier rule-set version */
    int64_t classified;
    /* the passing run whose log the failed run was compared with (sync,
     * record: store_pick_baseline); NULL = none */
    char *baseline_name, *baseline_uid;
};
int store_put_classification(struct store *s, int64_t run_id, const struct store_class *c,
                             int64_t now, char *err, size_t errlen);
int store_get_classification(struct store *s, int64_t run_id, struct store_class *out,
                             char *err, size_t errlen);
void store_class_free(struct store_class *c);
/* Ids of finished runs (Failed, Succeeded, Cancelled) of (context, ns;
 * ns NULL = all) with no verdict or one from a rule set other than
 * `version`. *ids is malloc'd (caller frees). */
int store_runs_to_classify(struct store *s, const char *context, const char *ns,
                           const char *version, int64_t **ids, size_t *n, char *err,
                           size_t errlen);

struct store_pr {
    char *url;
    int64_t number;       /* -1 if unknown */
    char *repository;
    char *source;         /* "log", "github", "manual", ... */
    int64_t time;         /* when the PR was opened, TIME_NONE if unknown */
    int64_t observed;
};
struct store_pr_list {
    struct store_pr *items;
    size_t n;
};
/* Adds a PR link (same run+url again updates source/time if known). */
int store_put_pr(struct store *s, int64_t run_id, const char *url, int64_t number,
                 const char *repository, const char *source, int64_t time, int64_t now,
                 char *err, size_t errlen);
/* The run's PR links, newest observation first. */
int store_run_prs(struct store *s, int64_t run_id, struct store_pr_list *out,
                  char *err, size_t errlen);
void store_pr_list_free(struct store_pr_list *l);

/* What the cache knows of many runs at once beyond the runs themselves
 * (store_link.c): the verdict (with the passing run it was set against),
 * the newest PR link and, when asked, the pods with their containers of
 * each run id given, in a few queries per STORE_LINK_CHUNK runs rather
 * than a few per run. Runs with none of what was asked are absent from
 * the list; the list is sorted by run_id (bsearch it with run_id). */
enum { STORE_LINK_FACTS = 1, /* verdict and PR link */
       STORE_LINK_PODS = 2 };
#define STORE_LINK_CHUNK 1000
struct store_link {
    int64_t run_id;
    struct store_class verdict;                 /* as store_get_classification; cls NULL = none */
    char *pr_url, *pr_source, *pr_repository;   /* pr_url NULL = no PR link */
    int64_t pr_number;
    struct store_pod_list pods;                 /* STORE_LINK_PODS: oldest first */
};
struct store_link_list {
    struct store_link *items;
    size_t n;
};
/* what: STORE_LINK_FACTS and/or STORE_LINK_PODS. Duplicate ids are fine. */
int store_link_runs(struct store *s, const int64_t *ids, size_t n, unsigned what, struct store_link_list *out,
                    char *err, size_t errlen);
/* The entry of run_id in l, NULL when it has none. */
struct store_link *store_link_find(const struct store_link_list *l, int64_t run_id);
void store_link_list_free(struct store_link_list *l);

/* The cache row ids of the runs of `context` (NULL = "") whose uids are
 * given, in one statement per STORE_LINK_CHUNK uids (store_link.c):
 * ids[i] = the row of uids[i], 0 when the cache has none; an entry whose
 * uid is NULL is left as it is. *durable says whether the ids may be kept:
 * false while a write transaction is open on s, because a row written in
 * it goes away if it rolls back and SQLite then gives its id to the next
 * run written (rowid reuse); use such ids at once, keep none. */
int store_run_ids(struct store *s, const char *context, char *const *uids, size_t n, int64_t *ids, bool *durable,
                  char *err, size_t errlen);

struct store_rerun {
    int64_t id, time;
    char *context, *ns, *from_name, *from_uid, *new_name, *new_uid;
    char *idempotency_key, *head, *image;
    bool dry_run;
    char *result;         /* "created", "dry-run", "failed", "refused" */
    char *error;
    char *actor;          /* local user name, if known */
};
struct store_rerun_list {
    struct store_rerun *items;
    size_t n;
};
/* Records a rerun action (fields of r are copied). */
int store_add_rerun(struct store *s, const struct store_rerun *r, int64_t *id,
                    char *err, size_t errlen);
/* Rerun actions in [from, to] (TIME_NONE = open), of (context, ns) if not
 * NULL, oldest first. */
int store_list_reruns(struct store *s, const char *context, const char *ns, int64_t from,
                      int64_t to, struct store_rerun_list *out, char *err, size_t errlen);
void store_rerun_list_free(struct store_rerun_list *l);

struct store_note {
    int64_t id, time, created;
    char *text, *context, *ns;
};
struct store_note_list {
    struct store_note *items;
    size_t n;
};
int store_add_note(struct store *s, int64_t at, const char *text, const char *context,
                   const char *ns, int64_t now, int64_t *id, char *err, size_t errlen);
/* Removes note `id`: 1 removed, 0 no such note, -1 error. */
int store_delete_note(struct store *s, int64_t id, char *err, size_t errlen);
/* Notes with time in [from, to] (TIME_NONE = open), oldest first. */
int store_list_notes(struct store *s, int64_t from, int64_t to, struct store_note_list *out,
                     char *err, size_t errlen);
void store_note_list_free(struct store_note_list *l);

/* ---- the recorder, contexts, status, export ------------------------ */

/* A recorder beats every STORE_BEAT_MS; one whose heartbeat is older than
 * STORE_RECORDER_STALE_MS is taken for gone (killed, host down). */
#define STORE_BEAT_MS 2000
#define STORE_RECORDER_STALE_MS 15000

struct store_recorder {
    int64_t pid;
    char *host;
    int64_t started, heartbeat, stopped; /* stopped: TIME_NONE while it runs */
};
void store_recorder_free(struct store_recorder *r);
/* The recorder row: 1 found, 0 none ever, -1 error. */
int store_recorder_get(struct store *s, struct store_recorder *out, char *err, size_t errlen);
/* True when r is feeding the cache at `now` (not stopped, beat fresh). */
bool store_recorder_live(const struct store_recorder *r, int64_t now);
/* Claims the cache for the recorder (pid, host) and marks `contexts` as
 * the ones it follows (the others not). Returns 0 claimed, 1 refused
 * because another recorder's heartbeat is fresh (*holder filled, may be
 * NULL), -1 error. One transaction: two starting at once cannot both win. */
int store_recorder_claim(struct store *s, int64_t pid, const char *host,
                         const char *const *contexts, size_t ncontexts, int64_t now,
                         struct store_recorder *holder, char *err, size_t errlen);
/* Heartbeat of (pid, host). 0 ok, 1 the row is no longer ours, -1 error. */
int store_recorder_beat(struct store *s, int64_t pid, const char *host, int64_t now,
                        char *err, size_t errlen);
/* Clean exit: stopped = now, contexts no longer followed. */
int store_recorder_release(struct store *s, int64_t pid, const char *host, int64_t now,
                           char *err, size_t errlen);

/* What a writer saw of a context's cluster: last_seen (TIME_NONE = keep the
 * earlier one) is the last time it answered; state "live",
 * "reconnecting", "failed"; error one sentence or NULL. */
int store_context_seen(struct store *s, const char *context, int64_t last_seen,
                       const char *state, const char *error, int64_t now,
                       char *err, size_t errlen);

struct store_context_status {
    char *context;
    char **namespaces;  /* sorted */
    size_t nnamespaces;
    int64_t runs, runs_deleted, pods, logs, log_bytes;
    int64_t last_seen;  /* TIME_NONE if never */
    char *state, *error;
    bool followed;      /* by the recorder row (live or not) */
};
struct store_status {
    struct store_context_status *items;  /* by context name */
    size_t n;
    bool has_recorder;
    struct store_recorder recorder;
};
int store_status_read(struct store *s, struct store_status *out, char *err, size_t errlen);
void store_status_free(struct store_status *st);

/* Which runs an export bundle holds. Exactly one of lane, names, or the
 * time window (since, until; TIME_NONE = open) selects; context NULL =
 * every context. */
struct store_export_opts {
    const char *context;
    const char *lane;
    const char *const *names;
    size_t nnames;
    int64_t since, until;
    bool redact;
};
struct store_export_stats {
    int64_t runs, changes, pods, logs, classifications, prs, reruns, notes;
    int64_t masked;       /* redactions applied */
};
/* Writes a standalone history cache at `path` (created 0600, never an
 * existing file) holding the selected runs with their changes, pods,
 * containers, logs, verdicts and PR links, the rerun records naming them
 * and the notes of their time window. No run selected: nothing written,
 * -1. A failure removes the partial file. */
int store_export(struct store *s, const char *path, const struct store_export_opts *o,
                 struct store_export_stats *st, char *err, size_t errlen);

/* ---- maintenance -------------------------------------------------- */

struct store_gc_stats {
    int64_t runs, pods, logs, notes, reruns; /* rows removed */
    int64_t log_bytes;                       /* compressed bytes kept */
};
/* Removes runs (with everything of theirs) whose last activity (finished,
 * else deletion, else last seen) is before `before`, pods orphaned that
 * long, notes older than that with no kept lane around them (a run of
 * the lane created before the note and one active after it), rerun
 * records older than that, then enforces the log
 * caps. before = TIME_NONE only enforces the caps. */
int store_gc(struct store *s, int64_t before, struct store_gc_stats *st,
             char *err, size_t errlen);
/* Compressed log bytes currently stored. */
int64_t store_log_bytes(struct store *s);
#endif
