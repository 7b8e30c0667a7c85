/* rerun plan: the next attempt's object from the old one (AGENTRUN.md §12
 * table, lanes.md "The next attempt"), and the field-level diff. */
#include "rerun/rerun.h"
#include "model/lane.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/jsonutil.h"
#include "util/xalloc.h"
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

/* The head parameter and its aliases, in the controller's order (§2);
 * `branch` is read when looking for a run's head, so it is replaced too. */
static const char *const head_keys[] = {"head", "headBranch", "head_ref", "headRef", "branch"};
#define NHEAD_KEYS (sizeof head_keys / sizeof head_keys[0])

/* Labels that mark a run as a schedule's or an orchestration's output. */
static const char *const drop_labels[] = {
    "agents.proompteng.ai/delivery-id",
    "schedules.proompteng.ai/schedule",
    "agents.proompteng.ai/orchestration-run",
    "agents.proompteng.ai/orchestration-step",
};

int rerun_uuid4(char out[37], char *err, size_t errlen)
{
    unsigned char b[16];
    size_t got = 0;
    while (got < sizeof b) {
        ssize_t n = getrandom(b + got, sizeof b - got, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            return errf(err, errlen, "rerun: getrandom failed for the idempotency key: %s",
                        strerror(errno));
        }
        got += (size_t)n;
    }
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(out, 37,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
             b[13], b[14], b[15]);
    return 0;
}

bool rerun_is_uuid4(const char *s)
{
    if (!s || strlen(s) != 36) return false;
    for (int i = 0; i < 36; i++) {
        char c = s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-') return false;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return false;
        }
    }
    return s[14] == '4' && strchr("89ab", s[19]) != NULL;
}

/* ---- lane ------------------------------------------------------------ */

static void push_str(const char ***arr, size_t *n, const char *s)
{
    if (!s || !*s) return;
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*arr)[i], s) == 0) return;
    *arr = xrealloc(*arr, (*n + 1) * sizeof **arr);
    (*arr)[(*n)++] = s;
}

void rerun_lane_add_taken(struct rerun_lane *lane, const char *name)
{
    push_str(&lane->taken, &lane->ntaken, name);
}

void rerun_lane_add_head(struct rerun_lane *lane, const char *head)
{
    push_str(&lane->used_heads, &lane->nused, head);
}

static bool streq(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

/* "ns/name" of an artriage.dev/rerun-of annotation refers to run r. */
static bool refers_to(const char *rerun_of, const struct agentrun *r)
{
    if (!rerun_of || !r->name) return false;
    const char *slash = strchr(rerun_of, '/');
    if (!slash) return strcmp(rerun_of, r->name) == 0;
    size_t nl = (size_t)(slash - rerun_of);
    return r->ns && strlen(r->ns) == nl && strncmp(rerun_of, r->ns, nl) == 0 &&
           strcmp(slash + 1, r->name) == 0;
}

static bool newer(const struct agentrun *a, const struct agentrun *b)
{
    if (a->created != b->created) return a->created > b->created;
    return strcmp(a->name, b->name) > 0;
}

static const char *run_head(const struct agentrun *r)
{
    return r->param_head ? r->param_head : r->head;
}

void rerun_lane_collect(const struct agentrun *old, const struct agentrun *runs, size_t nruns,
                        struct rerun_lane *lane)
{
    memset(lane, 0, sizeof *lane);
    bool *in = xcalloc(nruns + 1, sizeof *in);
    for (size_t i = 0; i < nruns; i++) {
        const struct agentrun *r = &runs[i];
        if (!r->name) continue;
        rerun_lane_add_taken(lane, r->name);
        if (old->ns && r->ns && strcmp(old->ns, r->ns) != 0) continue;
        if (streq(r->name, old->name) || (old->lane && streq(r->lane, old->lane))) in[i] = true;
    }
    /* Provenance links in either direction, to a fixpoint. */
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t i = 0; i < nruns; i++) {
            if (in[i] || !runs[i].name) continue;
            if (old->ns && runs[i].ns && strcmp(old->ns, runs[i].ns) != 0) continue;
            for (size_t j = 0; j < nruns && !in[i]; j++) {
                if (!in[j]) continue;
                if (refers_to(runs[i].rerun_of, &runs[j]) || refers_to(runs[j].rerun_of, &runs[i])) {
                    in[i] = true;
                    changed = true;
                }
            }
            if (!in[i] && (refers_to(runs[i].rerun_of, old) || refers_to(old->rerun_of, &runs[i]))) {
                in[i] = true;
                changed = true;
            }
        }
    }
    const struct agentrun *newest = old;
    rerun_lane_add_taken(lane, old->name);
    rerun_lane_add_head(lane, old->param_head);
    rerun_lane_add_head(lane, old->head);
    for (size_t i = 0; i < nruns; i++) {
        if (!in[i]) continue;
        rerun_lane_add_head(lane, runs[i].param_head);
        rerun_lane_add_head(lane, runs[i].head);
        if (newer(&runs[i], newest)) newest = &runs[i];
    }
    free(in);
    lane->newest_name = newest->name;
    lane->newest_attempt = newest->attempt ? newest->attempt : "";
    lane->newest_head = run_head(newest);
}

void rerun_lane_free(struct rerun_lane *lane)
{
    free(lane->taken);
    free(lane->used_heads);
    memset(lane, 0, sizeof *lane);
}

int rerun_image_parse(const char *s, enum rerun_image_mode *mode, const char **ref, char *err,
                      size_t errlen)
{
    *ref = NULL;
    if (!s || !*s) return errf(err, errlen, "--image needs keep, default or an image reference");
    if (strcmp(s, "keep") == 0) {
        *mode = RERUN_IMAGE_KEEP;
    } else if (strcmp(s, "default") == 0) {
        *mode = RERUN_IMAGE_DEFAULT;
    } else {
        for (const char *p = s; *p; p++)
            if ((unsigned char)*p <= ' ' || *p == 0x7f)
                return errf(err, errlen, "--image: an image reference has no spaces or control characters");
        if (strlen(s) > 1024) return errf(err, errlen, "--image: image reference longer than 1024 characters");
        *mode = RERUN_IMAGE_SET;
        *ref = s;
    }
    return 0;
}

/* ---- diff -------------------------------------------------------------- */

static void add_change(struct rerun_change **out, size_t *n, const char *path, const cJSON *a,
                       const cJSON *b)
{
    *out = xrealloc(*out, (*n + 1) * sizeof **out);
    struct rerun_change *c = &(*out)[(*n)++];
    c->path = xstrdup(path);
    c->old_json = a ? cJSON_PrintUnformatted(a) : NULL;
    c->new_json = b ? cJSON_PrintUnformatted(b) : NULL;
    if (a && !c->old_json) c->old_json = xstrdup("?");
    if (b && !c->new_json) c->new_json = xstrdup("?");
}

/* Keys with dots or odd characters are quoted so paths stay unambiguous. */
static char *child_path(const char *prefix, const char *key)
{
    bool plain = *key != 0;
    for (const char *p = key; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '_' || *p == '-'))
            plain = false;
    if (plain) return *prefix ? xasprintf("%s.%s", prefix, key) : xstrdup(key);
    cJSON *s = cJSON_CreateString(key);
    char *q = s ? cJSON_PrintUnformatted(s) : NULL;
    cJSON_Delete(s);
    char *r = xasprintf("%s[%s]", prefix, q ? q : "\"?\"");
    free(q);
    return r;
}

void rerun_diff_json(const char *prefix, const cJSON *a, const cJSON *b, struct rerun_change **out,
                     size_t *n)
{
    if (!a && !b) return;
    /* An object added or removed whole is shown field by field. */
    bool objs = (cJSON_IsObject(a) || !a) && (cJSON_IsObject(b) || !b) &&
                ((a && a->child) || (b && b->child));
    if (objs) {
        const cJSON *it;
        cJSON_ArrayForEach(it, a)
        {
            if (!it->string) continue;
            char *p = child_path(prefix, it->string);
            rerun_diff_json(p, it, cJSON_GetObjectItemCaseSensitive(b, it->string), out, n);
            free(p);
        }
        cJSON_ArrayForEach(it, b)
        {
            if (!it->string || cJSON_GetObjectItemCaseSensitive(a, it->string)) continue;
            char *p = child_path(prefix, it->string);
            rerun_diff_json(p, NULL, it, out, n);
            free(p);
        }
        return;
    }
    if (a && b && cJSON_IsArray(a) && cJSON_IsArray(b)) {
        int na = cJSON_GetArraySize(a), nb = cJSON_GetArraySize(b);
        int m = na > nb ? na : nb;
        for (int i = 0; i < m; i++) {
            char *p = xasprintf("%s[%d]", prefix, i);
            rerun_diff_json(p, i < na ? cJSON_GetArrayItem(a, i) : NULL,
                            i < nb ? cJSON_GetArrayItem(b, i) : NULL, out, n);
            free(p);
        }
        return;
    }
    if (a && b && cJSON_Compare(a, b, true)) return;
    add_change(out, n, prefix, a, b);
}

/* ---- plan -------------------------------------------------------------- */

/* A Kubernetes object name usable as a label value too (the controller
 * labels Jobs with it, unnormalised): ≤63, [a-z0-9.-], alnum at both ends. */
static int check_name(const char *s, char *err, size_t errlen)
{
    size_t n = strlen(s);
    if (n == 0 || n > RERUN_NAME_MAX)
        return errf(err, errlen, "--name '%s': a run name has 1 to %d characters", s, RERUN_NAME_MAX);
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!alnum && c != '-' && c != '.')
            return errf(err, errlen, "--name '%s': only lower-case letters, digits, '-' and '.' are allowed", s);
        if ((i == 0 || i == n - 1) && !alnum)
            return errf(err, errlen, "--name '%s': must start and end with a letter or digit", s);
    }
    return 0;
}

static int check_branch(const char *s, char *err, size_t errlen)
{
    size_t n = strlen(s);
    if (n == 0 || n > 255) return errf(err, errlen, "--head: a branch name has 1 to 255 characters");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= ' ' || c == 0x7f || strchr("~^:?*[\\", c))
            return errf(err, errlen, "--head '%s': not a valid git branch name", s);
    }
    if (s[0] == '-' || s[0] == '/' || s[n - 1] == '/' || s[n - 1] == '.' || strstr(s, "..") ||
        strstr(s, "//") || strstr(s, "@{") || (n >= 5 && strcmp(s + n - 5, ".lock") == 0))
        return errf(err, errlen, "--head '%s': not a valid git branch name", s);
    return 0;
}

static bool in_list(const char *const *list, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (list[i] && strcmp(list[i], s) == 0) return true;
    return false;
}

/* The first non-empty head alias of a parameters object. */
static const char *params_head(const cJSON *params)
{
    for (size_t k = 0; k < NHEAD_KEYS; k++) {
        const char *v = json_str(params, head_keys[k]);
        if (v && *v) return v;
    }
    return NULL;
}

/* Replaces every head alias present in params (the value `from`, or any
 * value when from is NULL) by `to`. Returns how many were replaced. */
static int replace_heads(cJSON *params, const char *from, const char *to)
{
    int n = 0;
    if (!cJSON_IsObject(params)) return 0;
    for (size_t k = 0; k < NHEAD_KEYS; k++) {
        cJSON *v = cJSON_GetObjectItemCaseSensitive(params, head_keys[k]);
        if (!cJSON_IsString(v) || !v->valuestring || !*v->valuestring) continue;
        if (from && strcmp(v->valuestring, from) != 0) continue;
        cJSON_ReplaceItemInObjectCaseSensitive(params, head_keys[k], cJSON_CreateString(to));
        n++;
    }
    return n;
}

static void set_string(cJSON *obj, const char *key, const char *val)
{
    cJSON_DeleteItemFromObjectCaseSensitive(obj, key);
    cJSON_AddItemToObject(obj, key, cJSON_CreateString(val));
}

/* Drops workload.image per the mode; removes an emptied workload. */
static void apply_image(cJSON *holder, enum rerun_image_mode mode, const char *ref)
{
    cJSON *wl = cJSON_GetObjectItemCaseSensitive(holder, "workload");
    if (mode == RERUN_IMAGE_DEFAULT) {
        if (!cJSON_IsObject(wl)) return;
        cJSON_DeleteItemFromObjectCaseSensitive(wl, "image");
        if (!wl->child) cJSON_DeleteItemFromObjectCaseSensitive(holder, "workload");
    } else if (mode == RERUN_IMAGE_SET) {
        if (!cJSON_IsObject(wl)) {
            cJSON_DeleteItemFromObjectCaseSensitive(holder, "workload");
            wl = cJSON_AddObjectToObject(holder, "workload");
        }
        set_string(wl, "image", ref);
    }
}

static bool step_pins_image(const cJSON *step)
{
    return json_str(step, "workload.image") != NULL;
}

/* The metadata of the new object: a whitelist (name, namespace, labels,
 * annotations); everything server-set or owner-related is left out. */
static cJSON *new_metadata(const cJSON *old_md, const char *name, const char *ns,
                           const struct rerun_opts *o, const char *from_uid)
{
    cJSON *md = cJSON_CreateObject();
    cJSON_AddStringToObject(md, "name", name);
    cJSON_AddStringToObject(md, "namespace", ns);
    const cJSON *labels = json_obj(old_md, "labels");
    if (labels) {
        cJSON *l = cJSON_Duplicate(labels, true);
        for (size_t i = 0; i < sizeof drop_labels / sizeof drop_labels[0]; i++)
            cJSON_DeleteItemFromObjectCaseSensitive(l, drop_labels[i]);
        if (l->child) cJSON_AddItemToObject(md, "labels", l);
        else cJSON_Delete(l);
    }
    cJSON *ann = cJSON_CreateObject();
    const cJSON *old_ann = json_obj(old_md, "annotations"), *it;
    cJSON_ArrayForEach(it, old_ann)
    {
        const char *k = it->string;
        if (!k || !cJSON_IsString(it)) continue;
        if (strcmp(k, "kubectl.kubernetes.io/last-applied-configuration") == 0 ||
            strcmp(k, "agents.proompteng.ai/template") == 0 ||
            strncmp(k, "agents.proompteng.ai/terminal-ack.", 34) == 0 ||
            strncmp(k, "artriage.dev/rerun-", 19) == 0)
            continue;
        cJSON_AddItemToObject(ann, k, cJSON_Duplicate(it, true));
    }
    char *of = xasprintf("%s/%s", ns, json_str(old_md, "name"));
    cJSON_AddStringToObject(ann, RERUN_ANN_OF, of);
    free(of);
    if (from_uid) cJSON_AddStringToObject(ann, RERUN_ANN_OF_UID, from_uid);
    if (o->who && *o->who) cJSON_AddStringToObject(ann, RERUN_ANN_BY, o->who);
    if (o->blamed_class && *o->blamed_class) cJSON_AddStringToObject(ann, RERUN_ANN_CLASS, o->blamed_class);
    cJSON_AddItemToObject(md, "annotations", ann);
    return md;
}

/* The head the new run gets by default: the newest attempt's head with
 * its attempt marker replaced (lanes.md); without a known head, the
 * production template codex/<newest name>. NULL if the run has no VCS. */
static char *default_head(const struct rerun_lane *lane, const cJSON *old, const char *new_name,
                          bool old_has_head)
{
    const char *mode = json_str(old, "spec.vcsPolicy.mode");
    const char *base = lane->newest_head;
    char *derived = NULL;
    if (!base) {
        if (!old_has_head && mode && strcmp(mode, "none") == 0) return NULL;
        derived = xasprintf("codex/%s", lane->newest_name);
        base = derived;
    }
    char *lane_name = NULL, *new_attempt = NULL;
    lane_from_name(new_name, &lane_name, &new_attempt);
    char *h = lane_next_head(base, lane->newest_attempt, new_attempt ? new_attempt : "",
                             lane->used_heads, lane->nused);
    free(lane_name);
    free(new_attempt);
    free(derived);
    return h;
}

int rerun_plan_build(const cJSON *old, const struct rerun_lane *lane, const struct rerun_opts *o,
                     struct rerun_plan *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    const char *old_name = json_str(old, "metadata.name");
    const char *old_ns = json_str(old, "metadata.namespace");
    const cJSON *old_spec = json_obj(old, "spec");
    if (!old_name || !*old_name) return errf(err, errlen, "rerun: the run has no metadata.name");
    if (!old_spec) return errf(err, errlen, "rerun: run %s has no spec to copy", old_name);
    if (!old_ns || !*old_ns) old_ns = "default";
    const char *kind = json_str(old, "kind");
    if (kind && strcmp(kind, "AgentRun") != 0)
        return errf(err, errlen, "rerun: %s is a %s, not an AgentRun", old_name, kind);

    /* Name: fixed here, before any request, so a retried POST is the same. */
    char *name;
    if (o->name) {
        if (check_name(o->name, err, errlen) < 0) return -1;
        if (in_list(lane->taken, lane->ntaken, o->name) || strcmp(o->name, old_name) == 0)
            return errf(err, errlen, "--name %s: a run of that name already exists in %s", o->name, old_ns);
        name = xstrdup(o->name);
    } else {
        const char *newest = lane->newest_name ? lane->newest_name : old_name;
        name = lane_next_name(newest, lane->taken, lane->ntaken);
        if (!name || check_name(name, err, errlen) < 0 || in_list(lane->taken, lane->ntaken, name)) {
            int rc = errf(err, errlen, "rerun: no valid next name after %s (got '%s')", newest,
                          name ? name : "");
            free(name);
            return rc;
        }
    }

    char key[37];
    if (o->key) {
        if (strlen(o->key) >= sizeof key) {
            free(name);
            return errf(err, errlen, "rerun: idempotency key too long");
        }
        strcpy(key, o->key);
    } else if (rerun_uuid4(key, err, errlen) < 0) {
        free(name);
        return -1;
    }

    cJSON *spec = cJSON_Duplicate(old_spec, true);
    cJSON *params = cJSON_GetObjectItemCaseSensitive(spec, "parameters");
    /* A copy: replacing the parameter frees the string it points into. */
    char *old_head = xstrdup(params_head(params));
    bool steps_have_head = false;
    cJSON *steps = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(spec, "workflow"), "steps");
    if (!cJSON_IsArray(steps)) steps = NULL;
    cJSON *st;
    cJSON_ArrayForEach(st, steps)
        if (params_head(cJSON_GetObjectItemCaseSensitive(st, "parameters"))) steps_have_head = true;

    char *head = NULL;
    if (o->head) {
        if (check_branch(o->head, err, errlen) < 0) goto fail;
        if (in_list(lane->used_heads, lane->nused, o->head)) {
            errf(err, errlen, "--head %s: that branch was already used in the lane of %s; choose a new one",
                 o->head, old_name);
            goto fail;
        }
        head = xstrdup(o->head);
    } else {
        head = default_head(lane, old, name, old_head || steps_have_head);
    }

    /* Every head this plan assigns joins `used`, so none repeats; `map`
     * sends each old branch value to its new one. */
    struct hmap { char *from, *to; } *map = NULL;
    size_t nmap = 0;
    const char **used = xcalloc(lane->nused + 1, sizeof *used);
    size_t nused = lane->nused;
    if (lane->nused) memcpy(used, lane->used_heads, lane->nused * sizeof *used);
    char *la = NULL, *new_attempt = NULL;
    lane_from_name(name, &la, &new_attempt);
    if (head) {
        used[nused++] = head;
        map = xrealloc(map, sizeof *map);
        map[nmap].from = xstrdup(old_head);
        map[nmap++].to = xstrdup(head);
        if (!cJSON_IsObject(params)) {
            cJSON_DeleteItemFromObjectCaseSensitive(spec, "parameters");
            params = cJSON_AddObjectToObject(spec, "parameters");
        }
        if (replace_heads(params, NULL, head) == 0) cJSON_AddStringToObject(params, "head", head);
    }
    /* Step overrides: the run's own head becomes the new head; a step that
     * names a different branch gets that branch's next attempt. */
    cJSON_ArrayForEach(st, steps)
    {
        cJSON *sp = cJSON_GetObjectItemCaseSensitive(st, "parameters");
        if (!cJSON_IsObject(sp)) continue;
        for (size_t k = 0; k < NHEAD_KEYS; k++) {
            const char *v = json_str(sp, head_keys[k]);
            if (!v || !*v) continue;
            const char *to = NULL;
            for (size_t m = 0; m < nmap && !to; m++)
                if (map[m].from && strcmp(map[m].from, v) == 0) to = map[m].to;
            for (size_t m = 0; m < nmap && !to; m++)
                if (strcmp(map[m].to, v) == 0) to = map[m].to; /* already new */
            if (!to) {
                char *h = lane_next_head(v, lane->newest_attempt, new_attempt ? new_attempt : "",
                                         used, nused);
                used = xrealloc(used, (nused + 1) * sizeof *used);
                map = xrealloc(map, (nmap + 1) * sizeof *map);
                map[nmap].from = xstrdup(v);
                map[nmap++].to = h;
                used[nused++] = h;
                to = h;
            }
            char *from = xstrdup(v);
            replace_heads(sp, from, to);
            free(from);
        }
    }
    free(la);
    free(new_attempt);
    for (size_t m = 0; m < nmap; m++) {
        free(map[m].from);
        free(map[m].to);
    }
    free(map);
    free(used);

    set_string(spec, "idempotencyKey", key);
    apply_image(spec, o->image, o->image_ref);
    cJSON_ArrayForEach(st, steps)
        if (o->image == RERUN_IMAGE_DEFAULT || step_pins_image(st)) apply_image(st, o->image, o->image_ref);

    const char *from_uid = json_str(old, "metadata.uid");
    cJSON *obj = cJSON_CreateObject();
    const char *api = json_str(old, "apiVersion");
    cJSON_AddStringToObject(obj, "apiVersion", api ? api : "agents.proompteng.ai/v1alpha1");
    cJSON_AddStringToObject(obj, "kind", "AgentRun");
    cJSON_AddItemToObject(obj, "metadata", new_metadata(json_obj(old, "metadata"), name, old_ns, o, from_uid));
    cJSON_AddItemToObject(obj, "spec", spec);
    spec = NULL;

    free(old_head);
    out->object = obj;
    out->ns = xstrdup(old_ns);
    out->name = name;
    out->key = xstrdup(key);
    out->head = head;
    out->from_ns = xstrdup(old_ns);
    out->from_name = xstrdup(old_name);
    out->from_uid = xstrdup(from_uid);
    /* The preview diff: the fields an engineer should check. */
    rerun_diff_json("metadata.name", json_at(old, "metadata.name"), json_at(obj, "metadata.name"),
                    &out->diff, &out->ndiff);
    rerun_diff_json("metadata.labels", json_at(old, "metadata.labels"), json_at(obj, "metadata.labels"),
                    &out->diff, &out->ndiff);
    rerun_diff_json("metadata.annotations", json_at(old, "metadata.annotations"),
                    json_at(obj, "metadata.annotations"), &out->diff, &out->ndiff);
    rerun_diff_json("spec", old_spec, json_at(obj, "spec"), &out->diff, &out->ndiff);
    return 0;

fail:
    free(old_head);
    cJSON_Delete(spec);
    free(head);
    free(name);
    return -1;
}

void rerun_plan_free(struct rerun_plan *p)
{
    cJSON_Delete(p->object);
    free(p->ns);
    free(p->name);
    free(p->key);
    free(p->head);
    free(p->from_ns);
    free(p->from_name);
    free(p->from_uid);
    for (size_t i = 0; i < p->ndiff; i++) {
        free(p->diff[i].path);
        free(p->diff[i].old_json);
        free(p->diff[i].new_json);
    }
    free(p->diff);
    memset(p, 0, sizeof *p);
}

char *rerun_who(void)
{
    const char *user = getenv("LOGNAME");
    if (!user || !*user) user = getenv("USER");
    struct passwd *pw = NULL;
    if (!user || !*user) {
        pw = getpwuid(getuid());
        user = pw && pw->pw_name ? pw->pw_name : "unknown";
    }
    char host[256] = "";
    if (gethostname(host, sizeof host - 1) < 0 || !host[0]) strcpy(host, "localhost");
    host[sizeof host - 1] = 0;
    return xasprintf("%s@%s", user, host);
}
