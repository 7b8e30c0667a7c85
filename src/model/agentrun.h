/* agentrun — the AgentRun and Pod facts artriage triages with, parsed from
 * untrusted API JSON (docs/agentrun.md). Missing fields, extra
 * fields and wrong types are tolerated: a field that is absent or of the
 * wrong type is NULL / TIME_NONE / -1, never a crash.
 *
 * Ownership: every string in these structs is owned by the struct (heap,
 * NUL-terminated, already free of NUL bytes but NOT sanitised for a
 * terminal — pass display strings through util/sanitize). Release with
 * agentrun_free() / pod_free(); both accept a zeroed struct.
 *
 * Calls:  struct agentrun r; agentrun_parse(json, &r, err, sizeof err);
 *         ... use r ...; agentrun_free(&r);
 */
#ifndef ARTRIAGE_MODEL_AGENTRUN_H
#define ARTRIAGE_MODEL_AGENTRUN_H
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The label every pod of an AgentRun carries; its value is the run's name. */
#define RUN_LABEL "agents.proompteng.ai/agent-run"

struct condition {
    char *type, *status, *reason, *message;
    int64_t last_transition; /* ms, TIME_NONE if absent */
};

struct agentrun {
    /* identity */
    char *context;        /* set by the caller (kube context), may be NULL */
    char *ns, *name, *uid, *resource_version;
    int64_t created, deleted_at; /* deleted_at: metadata.deletionTimestamp */
    char *lane, *attempt; /* lanes.md; attempt "" for the first try */
    char *rerun_of;       /* annotation artriage.dev/rerun-of "ns/name" */
    char *rerun_of_uid;
    /* spec */
    char *agent;          /* spec.agentRef.name */
    char *runtime;        /* spec.runtime.type */
    char *idempotency_key;
    char *workload_image; /* spec.workload.image (pinned), usually NULL */
    char *vcs_mode;       /* spec.vcsPolicy.mode; NULL = read-write */
    bool vcs_required;
    char *param_head;     /* head from spec.parameters (any alias) */
    /* status */
    char *phase;          /* NULL when the controller has not reconciled */
    char *reason;         /* computed as AGENTRUN.md §4 says */
    char *message;        /* status.message, else the reason condition's message */
    int64_t started, finished, updated;
    char *repository, *base, *head; /* status.vcs, falling back to parameters */
    char *system_prompt_hash, *spec_hash;
    char *runtime_ref_name; /* status.runtimeRef.name (Job name) */
    struct condition *conditions;
    size_t nconditions;
    /* status.runner (job runs) */
    bool has_runner;
    char *runner_status, *runner_error;
    int64_t runner_exit_code; /* -1 if absent */
    /* raw object (owned), for show -o json, the cache and rerun */
    cJSON *raw;
};

struct container_state {
    char *name;
    bool init;            /* from initContainerStatuses */
    char *image, *image_id, *digest; /* digest: "sha256:..." after '@' */
    char *state;          /* "waiting" | "running" | "terminated" | NULL */
    char *reason, *message;
    int64_t exit_code;    /* -1 unless terminated */
    int64_t restarts;
    int64_t started, finished;
    /* lastState.terminated, for --previous */
    bool has_last;
    char *last_reason;
    int64_t last_exit_code;
};

struct pod {
    char *ns, *name, *uid, *phase, *node;
    char *run_name;       /* label agents.proompteng.ai/agent-run */
    char *job_name;       /* label job-name */
    int64_t created, started;
    struct container_state *containers;
    size_t ncontainers;
    cJSON *raw;           /* owned */
};

/* Parses one AgentRun object; takes a deep copy of obj for `raw`.
 * Returns -1 (with err) only if obj is not an object or has no name. */
int agentrun_parse(const cJSON *obj, struct agentrun *out, char *err, size_t errlen);
/* Same, but takes obj itself as `raw` (no copy) when it returns 0; obj
 * must be detached from any parent. On -1 obj stays the caller's. */
int agentrun_parse_take(cJSON *obj, struct agentrun *out, char *err, size_t errlen);
void agentrun_free(struct agentrun *r);
/* The condition of that type, or NULL. */
const struct condition *agentrun_condition(const struct agentrun *r, const char *type);
/* True for Succeeded / Failed / Cancelled. */
bool agentrun_is_terminal(const struct agentrun *r);

int pod_parse(const cJSON *obj, struct pod *out, char *err, size_t errlen);
void pod_free(struct pod *p);
/* Frees a container's strings (pod_free does it for each; the history
 * cache's pods hold the same struct). */
void container_state_free(struct container_state *c);
/* The container named `name` (e.g. "agent-runner"), else the first
 * non-init container, else NULL. */
const struct container_state *pod_main_container(const struct pod *p, const char *name);
#endif
