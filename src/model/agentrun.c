/* agentrun — tolerant parsing of AgentRun and Pod objects (see agentrun.h). */
#include "model/agentrun.h"
#include "model/lane.h"
#include "util/err.h"
#include "util/jsonutil.h"
#include "util/timeutil.h"
#include "util/xalloc.h"
#include <stdlib.h>
#include <string.h>

static char *dup_str(const cJSON *obj, const char *path)
{
    return xstrdup(json_str(obj, path));
}

static int64_t get_time(const cJSON *obj, const char *path)
{
    int64_t t;
    const char *s = json_str(obj, path);
    if (s && time_parse_rfc3339(s, &t) == 0) return t;
    return TIME_NONE;
}

static int64_t get_int(const cJSON *obj, const char *path, int64_t fallback)
{
    int64_t v;
    return json_int(obj, path, &v) == 0 ? v : fallback;
}

/* Labels and annotations have dots in their keys, so they cannot go
 * through json_at's dotted paths. */
static const char *map_str(const cJSON *obj, const char *map_path, const char *key)
{
    const cJSON *m = json_obj(obj, map_path);
    if (!m) return NULL;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(m, key);
    return cJSON_IsString(v) && v->valuestring ? v->valuestring : NULL;
}

/* First non-empty string among spec.parameters[keys...]. */
static const char *param_alias(const cJSON *obj, const char *const *keys)
{
    for (; *keys; keys++) {
        const char *v = map_str(obj, "spec.parameters", *keys);
        if (v && *v) return v;
    }
    return NULL;
}

static const char *const repo_keys[] = {"repository", "repo", "issueRepository", NULL};
static const char *const base_keys[] = {"base", "baseBranch", "base_ref", "baseRef", NULL};
static const char *const head_keys[] = {"head", "headBranch", "head_ref", "headRef", "branch", NULL};

static char *nonempty_or(const char *a, const char *b)
{
    if (a && *a) return xstrdup(a);
    if (b && *b) return xstrdup(b);
    return NULL;
}

static void parse_conditions(const cJSON *obj, struct agentrun *r)
{
    const cJSON *arr = json_arr(obj, "status.conditions");
    if (!arr) return;
    int n = cJSON_GetArraySize(arr);
    if (n <= 0) return;
    r->conditions = xcalloc((size_t)n, sizeof *r->conditions);
    const cJSON *c;
    cJSON_ArrayForEach(c, arr) {
        if (!cJSON_IsObject(c)) continue;
        struct condition *d = &r->conditions[r->nconditions++];
        d->type = dup_str(c, "type");
        d->status = dup_str(c, "status");
        d->reason = dup_str(c, "reason");
        d->message = dup_str(c, "message");
        d->last_transition = get_time(c, "lastTransitionTime");
    }
}

static bool cond_true(const struct condition *c)
{
    return c && c->status && strcmp(c->status, "True") == 0;
}

/* AGENTRUN.md §4: status.reason, else the first True condition among
 * Failed, Cancelled, InvalidSpec, Duplicate, Blocked (in that order of
 * preference); Running runs also look at True Warnings. */
static const struct condition *reason_condition(const struct agentrun *r)
{
    static const char *const types[] = {"Failed", "Cancelled", "InvalidSpec", "Duplicate", "Blocked"};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        for (size_t k = 0; k < r->nconditions; k++) {
            const struct condition *c = &r->conditions[k];
            if (c->type && strcmp(c->type, types[i]) == 0 && cond_true(c) && c->reason && *c->reason)
                return c;
        }
    }
    if (r->phase && strcmp(r->phase, "Running") == 0) {
        for (size_t k = 0; k < r->nconditions; k++) {
            const struct condition *c = &r->conditions[k];
            if (c->type && strcmp(c->type, "Warning") == 0 && cond_true(c) && c->reason && *c->reason)
                return c;
        }
    }
    return NULL;
}

static int parse_run(const cJSON *obj, struct agentrun *out, char *err, size_t errlen);

int agentrun_parse(const cJSON *obj, struct agentrun *out, char *err, size_t errlen)
{
    if (parse_run(obj, out, err, errlen) != 0) return -1;
    out->raw = cJSON_Duplicate(obj, 1);
    return 0;
}

int agentrun_parse_take(cJSON *obj, struct agentrun *out, char *err, size_t errlen)
{
    if (parse_run(obj, out, err, errlen) != 0) return -1;
    out->raw = obj;
    return 0;
}

static int parse_run(const cJSON *obj, struct agentrun *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->created = out->deleted_at = TIME_NONE;
    out->started = out->finished = out->updated = TIME_NONE;
    out->runner_exit_code = -1;
    if (!cJSON_IsObject(obj)) return errf(err, errlen, "AgentRun: not a JSON object");
    const char *name = json_str(obj, "metadata.name");
    if (!name || !*name) return errf(err, errlen, "AgentRun: metadata.name missing or not a string");

    out->ns = dup_str(obj, "metadata.namespace");
    out->name = xstrdup(name);
    out->uid = dup_str(obj, "metadata.uid");
    out->resource_version = dup_str(obj, "metadata.resourceVersion");
    out->created = get_time(obj, "metadata.creationTimestamp");
    out->deleted_at = get_time(obj, "metadata.deletionTimestamp");

    const char *gen = json_str(obj, "metadata.generateName");
    if (lane_is_generated(name, gen)) {
        out->lane = xstrdup(name);
        out->attempt = xstrdup("");
    } else {
        lane_from_name(name, &out->lane, &out->attempt);
    }
    out->rerun_of = xstrdup(map_str(obj, "metadata.annotations", "artriage.dev/rerun-of"));
    out->rerun_of_uid = xstrdup(map_str(obj, "metadata.annotations", "artriage.dev/rerun-of-uid"));

    out->agent = dup_str(obj, "spec.agentRef.name");
    out->runtime = dup_str(obj, "spec.runtime.type");
    out->idempotency_key = dup_str(obj, "spec.idempotencyKey");
    out->workload_image = dup_str(obj, "spec.workload.image");
    const char *mode = json_str(obj, "spec.vcsPolicy.mode");
    out->vcs_mode = mode && *mode ? xstrdup(mode) : NULL;
    out->vcs_required = json_bool(obj, "spec.vcsPolicy.required", 0) == 1;
    out->param_head = xstrdup(param_alias(obj, head_keys));

    out->phase = dup_str(obj, "status.phase");
    if (out->phase && !*out->phase) {
        free(out->phase);
        out->phase = NULL;
    }
    out->started = get_time(obj, "status.startedAt");
    out->finished = get_time(obj, "status.finishedAt");
    out->updated = get_time(obj, "status.updatedAt");
    out->repository = nonempty_or(json_str(obj, "status.vcs.repository"), param_alias(obj, repo_keys));
    out->base = nonempty_or(json_str(obj, "status.vcs.baseBranch"), param_alias(obj, base_keys));
    out->head = nonempty_or(json_str(obj, "status.vcs.headBranch"), out->param_head);
    out->system_prompt_hash = dup_str(obj, "status.systemPromptHash");
    out->spec_hash = dup_str(obj, "status.specHash");
    out->runtime_ref_name = dup_str(obj, "status.runtimeRef.name");
    parse_conditions(obj, out);

    const char *sreason = json_str(obj, "status.reason");
    const char *smessage = json_str(obj, "status.message");
    const struct condition *rc = reason_condition(out);
    if (sreason && *sreason) out->reason = xstrdup(sreason);
    else if (rc) out->reason = xstrdup(rc->reason);
    if (smessage && *smessage) out->message = xstrdup(smessage);
    else if (rc && rc->message && *rc->message) out->message = xstrdup(rc->message);

    if (json_obj(obj, "status.runner")) {
        out->has_runner = true;
        out->runner_status = dup_str(obj, "status.runner.status");
        out->runner_error = dup_str(obj, "status.runner.error");
        out->runner_exit_code = get_int(obj, "status.runner.exitCode", -1);
    }
    return 0;
}

void agentrun_free(struct agentrun *r)
{
    if (!r) return;
    char **strs[] = {&r->context, &r->ns, &r->name, &r->uid, &r->resource_version, &r->lane,
                     &r->attempt, &r->rerun_of, &r->rerun_of_uid, &r->agent, &r->runtime,
                     &r->idempotency_key, &r->workload_image, &r->vcs_mode, &r->param_head,
                     &r->phase, &r->reason, &r->message, &r->repository, &r->base, &r->head,
                     &r->system_prompt_hash, &r->spec_hash, &r->runtime_ref_name,
                     &r->runner_status, &r->runner_error};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) free(*strs[i]);
    for (size_t i = 0; i < r->nconditions; i++) {
        free(r->conditions[i].type);
        free(r->conditions[i].status);
        free(r->conditions[i].reason);
        free(r->conditions[i].message);
    }
    free(r->conditions);
    cJSON_Delete(r->raw);
    memset(r, 0, sizeof *r);
}

const struct condition *agentrun_condition(const struct agentrun *r, const char *type)
{
    if (!r || !type) return NULL;
    for (size_t i = 0; i < r->nconditions; i++)
        if (r->conditions[i].type && strcmp(r->conditions[i].type, type) == 0) return &r->conditions[i];
    return NULL;
}

bool agentrun_is_terminal(const struct agentrun *r)
{
    if (!r || !r->phase) return false;
    return strcmp(r->phase, "Succeeded") == 0 || strcmp(r->phase, "Failed") == 0 ||
           strcmp(r->phase, "Cancelled") == 0;
}

/* ---- pods ---- */

static const cJSON *find_spec_container(const cJSON *pod, const char *arr_path, const char *name)
{
    const cJSON *arr = json_arr(pod, arr_path);
    const cJSON *c;
    cJSON_ArrayForEach(c, arr) {
        const char *n = json_str(c, "name");
        if (n && name && strcmp(n, name) == 0) return c;
    }
    return NULL;
}

static char *digest_of(const char *image_id)
{
    if (!image_id) return NULL;
    const char *at = strrchr(image_id, '@');
    const char *d = at ? at + 1 : image_id;
    /* Without '@' only a bare "sha256:..." form counts as a digest. */
    if (!at && strncmp(d, "sha256:", 7) != 0) return NULL;
    return *d ? xstrdup(d) : NULL;
}

static void parse_state(const cJSON *st, struct container_state *c)
{
    static const char *const kinds[] = {"terminated", "running", "waiting"};
    for (size_t i = 0; i < 3; i++) {
        const cJSON *s = json_obj(st, kinds[i]);
        if (!s) continue;
        c->state = xstrdup(kinds[i]);
        c->reason = dup_str(s, "reason");
        c->message = dup_str(s, "message");
        c->started = get_time(s, "startedAt");
        c->finished = get_time(s, "finishedAt");
        if (i == 0) c->exit_code = get_int(s, "exitCode", -1);
        return;
    }
}

static void parse_statuses(const cJSON *pod, const char *path, const char *spec_path, bool init,
                           struct pod *p, size_t *cap)
{
    const cJSON *arr = json_arr(pod, path);
    const cJSON *cs;
    cJSON_ArrayForEach(cs, arr) {
        if (!cJSON_IsObject(cs)) continue;
        p->containers = xgrow(p->containers, cap, p->ncontainers + 1, sizeof *p->containers);
        struct container_state *c = &p->containers[p->ncontainers++];
        memset(c, 0, sizeof *c);
        c->exit_code = -1;
        c->last_exit_code = -1;
        c->started = c->finished = TIME_NONE;
        c->init = init;
        c->name = dup_str(cs, "name");
        /* The status' image is what the runtime reports (tag form); some
         * runtimes report a bare "sha256:..." there, then the spec's
         * reference is the readable one. */
        const char *img = json_str(cs, "image");
        if (!img || !*img || strncmp(img, "sha256:", 7) == 0) {
            const cJSON *spec = find_spec_container(pod, spec_path, c->name);
            const char *simg = json_str(spec, "image");
            if (simg && *simg) img = simg;
        }
        c->image = xstrdup(img && *img ? img : NULL);
        c->image_id = dup_str(cs, "imageID");
        c->digest = digest_of(c->image_id);
        if (!c->digest) {
            /* A reference pinned by digest in the spec names what ran. */
            const char *simg = json_str(find_spec_container(pod, spec_path, c->name), "image");
            if (simg && strchr(simg, '@')) c->digest = digest_of(simg);
        }
        c->restarts = get_int(cs, "restartCount", 0);
        parse_state(json_obj(cs, "state"), c);
        const cJSON *last = json_obj(cs, "lastState.terminated");
        if (last) {
            c->has_last = true;
            c->last_reason = dup_str(last, "reason");
            c->last_exit_code = get_int(last, "exitCode", -1);
        }
    }
}

/* Containers in the spec with no status yet (pod still Pending). */
static void add_spec_only(const cJSON *pod, const char *spec_path, bool init, struct pod *p, size_t *cap)
{
    const cJSON *arr = json_arr(pod, spec_path);
    const cJSON *sc;
    cJSON_ArrayForEach(sc, arr) {
        const char *n = json_str(sc, "name");
        if (!n) continue;
        bool seen = false;
        for (size_t i = 0; i < p->ncontainers; i++)
            if (p->containers[i].name && strcmp(p->containers[i].name, n) == 0) seen = true;
        if (seen) continue;
        p->containers = xgrow(p->containers, cap, p->ncontainers + 1, sizeof *p->containers);
        struct container_state *c = &p->containers[p->ncontainers++];
        memset(c, 0, sizeof *c);
        c->exit_code = c->last_exit_code = -1;
        c->started = c->finished = TIME_NONE;
        c->init = init;
        c->name = xstrdup(n);
        c->image = dup_str(sc, "image");
        /* A pinned reference "repo:tag@sha256:..." names its digest. */
        if (c->image && strchr(c->image, '@')) c->digest = digest_of(c->image);
    }
}

int pod_parse(const cJSON *obj, struct pod *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->created = out->started = TIME_NONE;
    if (!cJSON_IsObject(obj)) return errf(err, errlen, "Pod: not a JSON object");
    const char *name = json_str(obj, "metadata.name");
    if (!name || !*name) return errf(err, errlen, "Pod: metadata.name missing or not a string");
    out->name = xstrdup(name);
    out->ns = dup_str(obj, "metadata.namespace");
    out->uid = dup_str(obj, "metadata.uid");
    out->phase = dup_str(obj, "status.phase");
    out->node = dup_str(obj, "spec.nodeName");
    out->run_name = xstrdup(map_str(obj, "metadata.labels", RUN_LABEL));
    const char *job = map_str(obj, "metadata.labels", "job-name");
    if (!job) job = map_str(obj, "metadata.labels", "batch.kubernetes.io/job-name");
    out->job_name = xstrdup(job);
    out->created = get_time(obj, "metadata.creationTimestamp");
    out->started = get_time(obj, "status.startTime");
    size_t cap = 0;
    parse_statuses(obj, "status.initContainerStatuses", "spec.initContainers", true, out, &cap);
    parse_statuses(obj, "status.containerStatuses", "spec.containers", false, out, &cap);
    add_spec_only(obj, "spec.initContainers", true, out, &cap);
    add_spec_only(obj, "spec.containers", false, out, &cap);
    out->raw = cJSON_Duplicate(obj, 1);
    return 0;
}

void container_state_free(struct container_state *c)
{
    if (!c) return;
    free(c->name);
    free(c->image);
    free(c->image_id);
    free(c->digest);
    free(c->state);
    free(c->reason);
    free(c->message);
    free(c->last_reason);
    memset(c, 0, sizeof *c);
}

void pod_free(struct pod *p)
{
    if (!p) return;
    for (size_t i = 0; i < p->ncontainers; i++) container_state_free(&p->containers[i]);
    free(p->containers);
    free(p->ns);
    free(p->name);
    free(p->uid);
    free(p->phase);
    free(p->node);
    free(p->run_name);
    free(p->job_name);
    cJSON_Delete(p->raw);
    memset(p, 0, sizeof *p);
}

const struct container_state *pod_main_container(const struct pod *p, const char *name)
{
    if (!p) return NULL;
    if (name)
        for (size_t i = 0; i < p->ncontainers; i++)
            if (p->containers[i].name && strcmp(p->containers[i].name, name) == 0) return &p->containers[i];
    for (size_t i = 0; i < p->ncontainers; i++)
        if (!p->containers[i].init) return &p->containers[i];
    return NULL;
}
