/* timeline — the postmortem timeline from the history cache: run changes
 * (created, started — with the runner image, and whether it changed since
 * the lane's previous attempt —, phase, failed, succeeded, deleted), the first-cause
 * log line (at its log timestamp when known), PR creation, rerun actions
 * and user notes merged into one list ordered by time, worded as a person
 * would write an incident report ("Run …d fails: posix_spawn 'git'
 * (vcs.worktree)"). docs/cli.md's `timeline` command and the console's timeline
 * view render the same list.
 *
 * Calls:
 *   struct timeline_query q; timeline_query_init(&q); q.lane = "...";
 *   struct timeline t; timeline_build(store, &q, &t, err, errlen);
 *   struct buf b = {0}; timeline_render(&t, TIMELINE_MD, &b); ... buf_free(&b);
 *   timeline_free(&t);
 * Event strings are owned by the timeline and NOT sanitised (the renderers
 * sanitise for the terminal; JSON is escaped by cJSON).
 */
#ifndef ARTRIAGE_TIMELINE_H
#define ARTRIAGE_TIMELINE_H
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "store/store.h"
#include "util/buf.h"

/* The kinds of docs/cli.md, in the order events of the same instant are told
 * (a PR whose time is only known as the run's end was opened before it). */
enum timeline_kind {
    TL_CREATED,
    TL_STARTED,
    TL_PHASE,
    TL_FIRST_CAUSE,
    TL_PR,
    TL_FAILED,
    TL_SUCCEEDED,
    TL_RERUN,
    TL_DELETED,
    TL_NOTE,
};
const char *timeline_kind_name(enum timeline_kind k); /* "first-cause", ... */

struct timeline_event {
    int64_t time;            /* ms UTC */
    enum timeline_kind kind;
    char *run;               /* run name; NULL for notes */
    char *ns;                /* namespace of the run; NULL for notes */
    char *cls;               /* failure class (first-cause, failed), else NULL */
    char *text;              /* one sentence */
    bool reconstructed;      /* inferred from status times, not watched */
    bool estimated;          /* a first cause or PR whose log line's time is
                                unknown: placed at the failure / finish time */
};

struct timeline {
    struct timeline_event *ev;
    size_t n;
};

struct timeline_query {
    const char *context;     /* NULL = any */
    const char *ns;          /* NULL = any */
    const char *lane;        /* NULL = no lane filter */
    const char *const *runs; /* run names (NULL/0 = no name filter) */
    size_t nruns;
    int64_t since, until;    /* TIME_NONE = open */
};
void timeline_query_init(struct timeline_query *q);

/* With neither lane nor runs, every run of the scope is told. Notes whose
 * time lies between the first and the last event of the selected runs are
 * included (all notes in [since, until] when no run filter is given). */
int timeline_build(struct store *s, const struct timeline_query *q, struct timeline *out,
                   char *err, size_t errlen);
void timeline_free(struct timeline *t);

enum timeline_format { TIMELINE_MD, TIMELINE_JSON, TIMELINE_CSV };
/* Parses "md" / "markdown" / "json" / "csv"; -1 otherwise. */
int timeline_format_parse(const char *s, enum timeline_format *out);
/* Appends the rendered timeline to out (JSON: {"events": [...]}\n). */
void timeline_render(const struct timeline *t, enum timeline_format f, struct buf *out);
/* The JSON document (caller cJSON_Delete()s it). */
cJSON *timeline_to_json(const struct timeline *t);
#endif
