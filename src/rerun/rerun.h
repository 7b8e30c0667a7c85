/* rerun — the next attempt of an AgentRun, built from the old object and
 * created exactly once (docs/agentrun.md §10-§13, docs/lanes.md).
 *
 * Two halves, both free of I/O:
 *
 * 1. The plan (pure): from the old object, the lane it belongs to and the
 *    engineer's choices, the new object — next name, fresh random
 *    spec.idempotencyKey, fresh head branch everywhere the spec carries one,
 *    server-set metadata / status / schedule and orchestration marks
 *    dropped, provenance annotations added — and a field-level diff of old
 *    against new for the preview.
 *
 *      struct rerun_lane lane;
 *      rerun_lane_collect(&old, runs, nruns, &lane);      (borrows strings)
 *      struct rerun_opts o = {.image = RERUN_IMAGE_KEEP, .who = "me@host"};
 *      struct rerun_plan plan;
 *      if (rerun_plan_build(old.raw, &lane, &o, &plan, err, sizeof err) < 0) ...
 *      ... plan.object, plan.name, plan.key, plan.head, plan.diff ...
 *      rerun_plan_free(&plan); rerun_lane_free(&lane);
 *
 * 2. The create (a sans-I/O state machine, so the console can drive it from
 *    its event loop and the CLI from a blocking loop, rerun_kube.h): it asks
 *    for requests (dry-run POST, POST, GET, wait) and is fed the answers.
 *    The name and key are fixed in the plan before the first POST; after a
 *    timeout, a lost response or a 5xx/429 the POST is repeated; a 409
 *    AlreadyExists leads to a GET of that name, and an object carrying our
 *    key is success (never a second run); another key is a clear error.
 *    When a create attempt had an unknown outcome and a later answer is a
 *    refusal, a final GET tells whether the earlier attempt did create it.
 *
 *      struct rerun_exec *x = rerun_exec_new(&plan, ns);  (borrows plan)
 *      for (;;) {
 *          struct rerun_req rq;
 *          enum rerun_state st = rerun_exec_next(x, &rq);
 *          if (st == RERUN_ST_REQUEST) { ...perform rq...; rerun_exec_feed(x, &resp); }
 *          else if (st == RERUN_ST_CONFIRM) { ...preview, ask...; rerun_exec_confirm(x, yes); }
 *          else break;  (RERUN_ST_DONE / RERUN_ST_DRY_DONE / RERUN_ST_FAILED)
 *      }
 *      rerun_exec_result(x) ... rerun_exec_free(x);
 *
 * Every string a struct here holds is owned by that struct unless the
 * comment says "borrowed".
 */
#ifndef ARTRIAGE_RERUN_RERUN_H
#define ARTRIAGE_RERUN_RERUN_H
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "model/agentrun.h"

#define RERUN_ANN_OF "artriage.dev/rerun-of"
#define RERUN_ANN_OF_UID "artriage.dev/rerun-of-uid"
#define RERUN_ANN_BY "artriage.dev/rerun-by"
#define RERUN_ANN_CLASS "artriage.dev/rerun-class"
#define RERUN_NAME_MAX 63

/* A random RFC 4122 version-4 UUID from getrandom(2), 36 chars + NUL. */
int rerun_uuid4(char out[37], char *err, size_t errlen);
/* True if s is a lower-case 8-4-4-4-12 UUID with version 4, variant 10xx. */
bool rerun_is_uuid4(const char *s);

/* What the lane of the old run knows (lanes.md): its newest attempt, every
 * name the new run must not take and every head branch already used.
 * Strings are borrowed from the runs passed to rerun_lane_collect. */
struct rerun_lane {
    const char *newest_name;     /* the lane's newest attempt (maybe the old run) */
    const char *newest_attempt;  /* its attempt marker ("" for a first try) */
    const char *newest_head;     /* its head branch, NULL if none known */
    const char **taken;          /* every existing name in the namespace */
    size_t ntaken;
    const char **used_heads;     /* every head branch the lane used */
    size_t nused;
};

/* Fills `lane` from the old run and the runs of its namespace (from the
 * cluster and the history cache; duplicates are fine). Membership: the same
 * lane by name, or linked by artriage.dev/rerun-of in either direction. */
void rerun_lane_collect(const struct agentrun *old, const struct agentrun *runs, size_t nruns,
                        struct rerun_lane *lane);
/* Adds names/heads the caller knows from elsewhere (e.g. deleted runs). */
void rerun_lane_add_taken(struct rerun_lane *lane, const char *name);
void rerun_lane_add_head(struct rerun_lane *lane, const char *head);
void rerun_lane_free(struct rerun_lane *lane);

enum rerun_image_mode {
    RERUN_IMAGE_KEEP = 0,  /* keep a pinned spec.workload.image (default) */
    RERUN_IMAGE_DEFAULT,   /* drop it: the controller's default applies */
    RERUN_IMAGE_SET,       /* pin image_ref */
};

/* Parses "keep", "default" or an image reference. */
int rerun_image_parse(const char *s, enum rerun_image_mode *mode, const char **ref,
                      char *err, size_t errlen);

struct rerun_opts {
    const char *name;          /* NULL = the lane's next name */
    const char *head;          /* NULL = the lane's next head */
    enum rerun_image_mode image;
    const char *image_ref;     /* RERUN_IMAGE_SET only */
    const char *who;           /* user@host, for the provenance annotation */
    const char *blamed_class;  /* the old run's failure class, may be NULL */
    const char *key;           /* NULL = a fresh UUIDv4 (tests may fix it) */
};

/* One field that differs, by path ("spec.parameters.head",
 * "spec.workflow.steps[0].parameters.head"); old_json/new_json are the
 * compact JSON of the values, NULL when the field is absent on that side. */
struct rerun_change {
    char *path;
    char *old_json, *new_json;
};

struct rerun_plan {
    cJSON *object;          /* the AgentRun to POST */
    char *ns, *name, *key;  /* new name and idempotency key */
    char *head;             /* new head branch, NULL if the run has none */
    char *from_ns, *from_name, *from_uid;
    struct rerun_change *diff; /* metadata.name/labels/annotations and spec */
    size_t ndiff;
};

/* Builds the plan. Fails (with one sentence) when the old object is not an
 * AgentRun with a name and a spec, when --name is invalid or taken, when
 * --head was already used in the lane, or when getrandom fails. */
int rerun_plan_build(const cJSON *old, const struct rerun_lane *lane, const struct rerun_opts *opts,
                     struct rerun_plan *out, char *err, size_t errlen);
void rerun_plan_free(struct rerun_plan *plan);

/* The field-level diff of two JSON trees under a path prefix (appends). */
void rerun_diff_json(const char *prefix, const cJSON *a, const cJSON *b,
                     struct rerun_change **out, size_t *n);

/* ---- exactly-once create ------------------------------------------- */

enum rerun_state {
    RERUN_ST_REQUEST,   /* perform *rq, then rerun_exec_feed */
    RERUN_ST_CONFIRM,   /* the dry run passed: ask, then rerun_exec_confirm */
    RERUN_ST_DRY_DONE,  /* dry-run only and it passed; nothing created */
    RERUN_ST_DONE,      /* created (or found created by us) */
    RERUN_ST_FAILED,    /* nothing created, or outcome unknown (see result) */
};

enum rerun_req_kind {
    RERUN_REQ_CREATE,   /* POST plan.object to ns; dry_run => ?dryRun=All */
    RERUN_REQ_GET,      /* GET ns/name */
    RERUN_REQ_WAIT,     /* sleep wait_ms (backoff), then feed anything */
};

struct rerun_req {
    enum rerun_req_kind kind;
    bool dry_run;
    const char *ns, *name;  /* borrowed from the plan */
    const cJSON *body;      /* borrowed from the plan (CREATE) */
    int64_t wait_ms;
};

/* An answer: HTTP status (0 when there was none: timeout, connection lost,
 * response dropped), the body parsed as JSON when it was (borrowed), a
 * transport message for status 0, and Retry-After in seconds (-1 if none). */
struct rerun_resp {
    int status;
    const cJSON *body;
    const char *transport_error;
    int retry_after;
};

struct rerun_result {
    bool created;           /* a run with our key exists now */
    bool dry_run;           /* stopped after the dry run */
    bool recovered;         /* found by GET after a 409 / lost answer */
    bool unknown;           /* could not tell whether it was created */
    bool cancelled;         /* the engineer said no after the dry run */
    char *uid;              /* the new run's uid (NULL on dry run / failure) */
    int http_status;        /* of the refusing answer, 0 if none */
    char *reason;           /* Status.reason of the refusal (Forbidden…) */
    char *error;            /* one sentence, NULL on success */
    int posts, gets;        /* requests made (for the audit and tests) */
};

struct rerun_exec_opts {
    bool dry_run_only;      /* --dry-run: stop after the server dry run */
    bool skip_confirm;      /* --yes: no RERUN_ST_CONFIRM pause */
    int max_attempts;       /* POSTs with an unknown outcome before giving up; 0 = 5 */
    int64_t backoff_ms;     /* first backoff; doubles; 0 = 500 ms */
};

struct rerun_exec;
struct rerun_exec *rerun_exec_new(const struct rerun_plan *plan, const struct rerun_exec_opts *o);
enum rerun_state rerun_exec_next(struct rerun_exec *x, struct rerun_req *rq);
void rerun_exec_feed(struct rerun_exec *x, const struct rerun_resp *resp);
void rerun_exec_confirm(struct rerun_exec *x, bool yes);
const struct rerun_result *rerun_exec_result(const struct rerun_exec *x);
void rerun_exec_free(struct rerun_exec *x);

/* "Forbidden: cannot create agentruns.agents.proompteng.ai in namespace
 * agents (…message…)" / "Invalid: spec.parameters.prompt: …" — one sentence
 * from a Kubernetes Status, naming the verb, resource and namespace for 403
 * and every invalid field for 422. Newly allocated. */
char *rerun_status_message(int http_status, const cJSON *status, const char *verb,
                           const char *ns, const char *name);

/* "user@host" of this process (LOGNAME/USER or the passwd entry). */
char *rerun_who(void);
#endif
