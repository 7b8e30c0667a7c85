/* runview — a run with its links, as JSON, table and text (runview.h). */
#include "model/runview.h"
#include "classify/classify.h"
#include "util/jsonutil.h"
#include "util/sanitize.h"
#include "util/timeutil.h"
#include "util/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void run_view_init(struct run_view *v)
{
    memset(v, 0, sizeof *v);
    v->run.created = v->run.started = v->run.finished = v->run.updated = v->run.deleted_at = TIME_NONE;
    v->pr.number = v->pr.line = -1;
    v->failure.line = -1;
}

static void failure_clear(struct run_failure *f)
{
    free(f->cls);
    free(f->container);
    free(f->rule);
    free(f->text);
    memset(f, 0, sizeof *f);
    f->line = -1;
}

void run_view_free(struct run_view *v)
{
    if (!v) return;
    agentrun_free(&v->run);
    free(v->image);
    free(v->digest);
    pr_link_free(&v->pr);
    failure_clear(&v->failure);
    free(v->baseline);
    run_view_init(v);
}

void run_view_set_image(struct run_view *v, const struct pod *pods, size_t npods)
{
    struct run_image img;
    if (!v->run.name || !linkage_runner_image(pods, npods, v->run.name, &img)) return;
    if (img.image) {
        free(v->image);
        v->image = xstrdup(img.image);
    }
    if (img.digest) {
        free(v->digest);
        v->digest = xstrdup(img.digest);
    }
}

void run_view_set_pr(struct run_view *v, const struct pr_link *pr)
{
    pr_link_free(&v->pr);
    v->has_pr = false;
    if (!pr || !pr->url) return;
    pr_link_copy(&v->pr, pr);
    v->has_pr = true;
}

void run_view_set_failure(struct run_view *v, const char *cls, int64_t line, const char *container,
                          const char *rule, const char *text)
{
    failure_clear(&v->failure);
    v->has_failure = cls && *cls;
    if (!v->has_failure) return;
    v->failure.cls = xstrdup(cls);
    v->failure.line = line > 0 ? line : -1;
    v->failure.container = xstrdup(container);
    v->failure.rule = xstrdup(rule);
    v->failure.text = xstrdup(text);
}

void run_view_apply_no_pr(struct run_view *v)
{
    if (v->has_pr && v->has_failure && strcmp(v->failure.cls, CLASS_NO_PR) == 0) {
        /* a PR found later (GitHub, a newer log) settles an earlier verdict */
        run_view_set_failure(v, NULL, -1, NULL, NULL, NULL);
        return;
    }
    if (v->has_pr || !linkage_needs_pr(&v->run)) return;
    if (v->has_failure && strcmp(v->failure.cls, CLASS_NO_PR) != 0) {
        v->failure.secondary_no_pr = true;
        return;
    }
    run_view_set_failure(v, CLASS_NO_PR, -1, NULL, "linkage.no-pr",
                         "succeeded with a read-write VCS policy and a head branch, but no pull request was found");
}

static bool streq(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

const char *run_status_failure(const struct agentrun *r, const struct pod *pods, size_t npods,
                               const char **container)
{
    if (container) *container = NULL;
    if (!r) return NULL;
    /* Container states first: they name the physical cause. */
    for (size_t i = 0; i < npods && pods; i++) {
        if (!streq(pods[i].run_name, r->name)) continue;
        for (size_t k = 0; k < pods[i].ncontainers; k++) {
            const struct container_state *c = &pods[i].containers[k];
            const char *reasons[] = {c->reason, c->last_reason};
            for (size_t j = 0; j < 2; j++) {
                const char *cls = classify_reason_class(reasons[j]);
                if (cls) {
                    if (container) *container = c->name;
                    return cls;
                }
            }
            if (c->exit_code == 139 || c->exit_code == 134 || c->exit_code == 132) {
                if (container) *container = c->name;
                return "runtime.crash";
            }
        }
    }
    const char *reasons[1 + 8];
    size_t nr = 0;
    reasons[nr++] = r->reason;
    for (size_t k = 0; k < r->nconditions && nr < sizeof reasons / sizeof reasons[0]; k++)
        if (streq(r->conditions[k].status, "True")) reasons[nr++] = r->conditions[k].reason;
    for (size_t j = 0; j < nr; j++) {
        const char *cls = classify_reason_class(reasons[j]);
        if (cls) return cls;
    }
    const struct condition *inv = agentrun_condition(r, "InvalidSpec");
    if (inv && streq(inv->status, "True")) return "config.invalid";
    return NULL;
}

int run_view_cmp_newest(const void *a, const void *b)
{
    const struct run_view *x = *(const struct run_view *const *)a;
    const struct run_view *y = *(const struct run_view *const *)b;
    int64_t tx = x->run.created, ty = y->run.created;
    if (tx != ty) {
        if (tx == TIME_NONE) return 1;
        if (ty == TIME_NONE) return -1;
        return tx > ty ? -1 : 1;
    }
    int c = strcmp(x->run.ns ? x->run.ns : "", y->run.ns ? y->run.ns : "");
    if (c) return c;
    return strcmp(x->run.name ? x->run.name : "", y->run.name ? y->run.name : "");
}

bool run_phase_known(const char *phase)
{
    static const char *const phases[] = {"Pending", "Running", "Succeeded", "Failed", "Cancelled", "Template"};
    for (size_t i = 0; phase && i < sizeof phases / sizeof phases[0]; i++)
        if (strcasecmp(phase, phases[i]) == 0) return true;
    return false;
}

bool run_view_match(const struct run_view *v, const struct run_filter *f)
{
    if (!f) return true;
    if (f->phase && (!v->run.phase || strcasecmp(f->phase, v->run.phase) != 0)) return false;
    if (f->lane && !streq(f->lane, v->run.lane)) return false;
    if (f->since != TIME_NONE && (v->run.created == TIME_NONE || v->run.created < f->since)) return false;
    return true;
}

/* ---- JSON ---- */

static cJSON *pr_json(const struct run_view *v)
{
    if (!v->has_pr) return cJSON_CreateNull();
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "url", v->pr.url);
    json_add_int(p, "number", v->pr.number, v->pr.number > 0);
    json_add_str(p, "repository", v->pr.repository);
    json_add_str(p, "source", v->pr.source);
    if (v->pr.state) cJSON_AddStringToObject(p, "state", v->pr.state);
    if (v->pr.head_sha) cJSON_AddStringToObject(p, "headSha", v->pr.head_sha);
    return p;
}

static cJSON *failure_json(const struct run_view *v)
{
    if (!v->has_failure) return cJSON_CreateNull();
    cJSON *f = cJSON_CreateObject();
    cJSON_AddStringToObject(f, "class", v->failure.cls);
    json_add_int(f, "line", v->failure.line, v->failure.line > 0);
    json_add_str(f, "container", v->failure.container);
    json_add_str(f, "rule", v->failure.rule);
    if (v->failure.secondary_no_pr) {
        cJSON *sec = cJSON_AddArrayToObject(f, "secondary");
        cJSON *s = cJSON_CreateObject();
        cJSON_AddStringToObject(s, "class", CLASS_NO_PR);
        cJSON_AddNullToObject(s, "line");
        cJSON_AddItemToArray(sec, s);
    }
    return f;
}

cJSON *run_view_json(const struct run_view *v)
{
    const struct agentrun *r = &v->run;
    cJSON *o = cJSON_CreateObject();
    json_add_str(o, "context", r->context);
    json_add_str(o, "namespace", r->ns);
    json_add_str(o, "name", r->name);
    json_add_str(o, "uid", r->uid);
    json_add_str(o, "phase", r->phase);
    json_add_str(o, "agent", r->agent);
    json_add_str(o, "lane", r->lane ? r->lane : r->name);
    json_add_str(o, "attempt", r->attempt ? r->attempt : "");
    json_add_time(o, "created", r->created);
    json_add_time(o, "started", r->started);
    json_add_time(o, "finished", r->finished);
    json_add_str(o, "repository", r->repository);
    json_add_str(o, "base", r->base);
    json_add_str(o, "head", r->head);
    json_add_str(o, "idempotencyKey", r->idempotency_key);
    json_add_str(o, "image", v->image);
    json_add_str(o, "imageDigest", v->digest);
    cJSON_AddItemToObject(o, "pr", pr_json(v));
    cJSON_AddItemToObject(o, "failure", failure_json(v));
    /* the passing run the failure's log was compared with (list and show) */
    if (v->baseline) cJSON_AddStringToObject(cJSON_AddObjectToObject(o, "baseline"), "run", v->baseline);
    else cJSON_AddNullToObject(o, "baseline");
    cJSON_AddBoolToObject(o, "deleted", v->deleted);
    json_add_str(o, "reason", r->reason);
    char commit[48];
    if (linkage_image_commit(v->image, commit, sizeof commit)) cJSON_AddStringToObject(o, "imageCommit", commit);
    return o;
}

static cJSON *conditions_json(const struct agentrun *r)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < r->nconditions; i++) {
        const struct condition *c = &r->conditions[i];
        cJSON *o = cJSON_CreateObject();
        json_add_str(o, "type", c->type);
        json_add_str(o, "status", c->status);
        json_add_str(o, "reason", c->reason);
        json_add_str(o, "message", c->message);
        json_add_time(o, "lastTransitionTime", c->last_transition);
        cJSON_AddItemToArray(a, o);
    }
    return a;
}

static cJSON *pods_json(const struct run_view *v, const struct pod *pods, size_t npods)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < npods; i++) {
        const struct pod *p = &pods[i];
        if (!streq(p->run_name, v->run.name)) continue;
        cJSON *o = cJSON_CreateObject();
        json_add_str(o, "name", p->name);
        json_add_str(o, "phase", p->phase);
        json_add_str(o, "node", p->node);
        json_add_time(o, "created", p->created);
        cJSON *cs = cJSON_AddArrayToObject(o, "containers");
        for (size_t k = 0; k < p->ncontainers; k++) {
            const struct container_state *c = &p->containers[k];
            cJSON *co = cJSON_CreateObject();
            json_add_str(co, "name", c->name);
            json_add_str(co, "image", c->image);
            json_add_str(co, "imageID", c->image_id);
            json_add_str(co, "state", c->state);
            json_add_str(co, "reason", c->reason);
            json_add_int(co, "exitCode", c->exit_code, c->exit_code >= 0);
            cJSON_AddNumberToObject(co, "restarts", (double)c->restarts);
            if (c->init) cJSON_AddBoolToObject(co, "init", true);
            if (c->has_last) {
                cJSON *l = cJSON_AddObjectToObject(co, "lastState");
                json_add_str(l, "reason", c->last_reason);
                json_add_int(l, "exitCode", c->last_exit_code, c->last_exit_code >= 0);
            }
            cJSON_AddItemToArray(cs, co);
        }
        cJSON_AddItemToArray(a, o);
    }
    return a;
}

static cJSON *change_list(unsigned bits)
{
    char names[128];
    chain_change_names(bits, names, sizeof names);
    cJSON *a = cJSON_CreateArray();
    char *save = NULL;
    for (char *t = strtok_r(names, ",", &save); t; t = strtok_r(NULL, ",", &save))
        cJSON_AddItemToArray(a, cJSON_CreateString(t));
    return a;
}

/* Builds the chain of a lane (views with the same context, namespace and
 * lane as v; v itself is always in it). */
static void lane_chain(const struct run_view *v, const struct attempt_set *lane, struct chain *out,
                       struct lane_member **members_out)
{
    size_t n = lane ? lane->n : 0;
    struct lane_member *m = xcalloc(n + 1, sizeof *m);
    size_t k = 0;
    bool self = false;
    for (size_t i = 0; i < n; i++) {
        const struct run_view *x = lane->views[i];
        if (!x) continue;
        if (!streq(x->run.lane, v->run.lane)) continue;
        if (!(x->run.ns == v->run.ns || streq(x->run.ns, v->run.ns))) continue;
        if (!((!x->run.context && !v->run.context) || streq(x->run.context, v->run.context))) continue;
        if (x == v) self = true;
        m[k++] = (struct lane_member){&x->run, x->image, x->digest,
                                      x->has_failure ? x->failure.cls : NULL, x->has_pr ? x->pr.url : NULL};
    }
    if (!self) m[k++] = (struct lane_member){&v->run, v->image, v->digest,
                                              v->has_failure ? v->failure.cls : NULL, v->has_pr ? v->pr.url : NULL};
    linkage_chain(m, k, out);
    *members_out = m;
}

static const struct run_view *view_of(const struct run_view *v, const struct attempt_set *lane,
                                      const struct agentrun *r)
{
    if (r == &v->run) return v;
    for (size_t i = 0; lane && i < lane->n; i++)
        if (lane->views[i] && &lane->views[i]->run == r) return lane->views[i];
    return v;
}

cJSON *run_show_json(const struct run_view *v, const struct pod *pods, size_t npods,
                     const struct attempt_set *lane)
{
    cJSON *o = run_view_json(v);
    const struct agentrun *r = &v->run;
    cJSON_AddItemToObject(o, "conditions", conditions_json(r));
    json_add_str(o, "message", r->message);
    json_add_str(o, "systemPromptHash", r->system_prompt_hash);
    json_add_str(o, "specHash", r->spec_hash);
    const cJSON *pol = json_obj(r->raw, "spec.vcsPolicy");
    if (pol) {
        cJSON_AddItemToObject(o, "vcsPolicy", cJSON_Duplicate(pol, 1));
    } else {
        cJSON *p = cJSON_AddObjectToObject(o, "vcsPolicy");
        cJSON_AddStringToObject(p, "mode", r->vcs_mode ? r->vcs_mode : "read-write");
        cJSON_AddBoolToObject(p, "required", r->vcs_required);
    }
    json_add_str(o, "runtime", r->runtime);
    cJSON_AddItemToObject(o, "pods", pods_json(v, pods, npods));

    struct chain c;
    struct lane_member *m;
    lane_chain(v, lane, &c, &m);
    cJSON *att = cJSON_AddArrayToObject(o, "attempts");
    for (size_t i = 0; i < c.n; i++) {
        const struct run_view *x = view_of(v, lane, c.items[i].m.run);
        cJSON *a = cJSON_CreateObject();
        json_add_str(a, "name", x->run.name);
        json_add_str(a, "attempt", x->run.attempt ? x->run.attempt : "");
        json_add_str(a, "phase", x->run.phase);
        json_add_time(a, "created", x->run.created);
        json_add_str(a, "image", x->image);
        json_add_str(a, "imageDigest", x->digest);
        json_add_str(a, "head", x->run.head);
        cJSON_AddItemToObject(a, "pr", pr_json(x));
        cJSON_AddItemToObject(a, "failure", failure_json(x));
        cJSON_AddItemToObject(a, "changed", change_list(c.items[i].changed));
        if ((int64_t)i == c.first_success) cJSON_AddBoolToObject(a, "decisive", true);
        if (x == v) cJSON_AddBoolToObject(a, "current", true);
        cJSON_AddItemToArray(att, a);
    }
    cJSON_AddItemToObject(o, "decisiveChange", change_list(c.decisive));
    chain_free(&c);
    free(m);
    return o;
}

/* ---- table ---- */

/* Display width of a sanitised UTF-8 string (one column per scalar). */
static size_t dwidth(const char *s)
{
    size_t w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p & 0xC0) != 0x80) w++;
    return w;
}

/* Appends s cut to `w` columns ("~" marks a cut), padded when pad. */
static void put_cell(struct buf *out, const char *s, size_t w, bool pad)
{
    size_t sw = dwidth(s);
    if (sw <= w) {
        buf_puts(out, s);
        if (pad)
            for (size_t i = sw; i < w; i++) buf_putc(out, ' ');
        return;
    }
    size_t cols = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p && cols + 1 < w) {
        const unsigned char *q = p + 1;
        while (*q && (*q & 0xC0) == 0x80) q++;
        buf_append(out, p, (size_t)(q - p));
        p = q;
        cols++;
    }
    if (w) buf_putc(out, '~');
}

enum col_id { C_CONTEXT, C_NS, C_NAME, C_PHASE, C_ATTEMPT, C_AGE, C_IMAGE, C_PR, C_FAILURE, C_REASON, C_COUNT };

struct col {
    const char *title;
    int prio;       /* lower = dropped later */
    size_t minw;    /* NAME and REASON may shrink to this */
    bool shrink;
};

/* Titles are those of the console's run list (ui/console/views/runs.c): one
 * name per fact, whichever front end shows it. */
static const struct col cols[C_COUNT] = {
    [C_CONTEXT] = {"CONTEXT", 6, 7, true},  [C_NS] = {"NAMESPACE", 4, 9, true},
    [C_NAME] = {"NAME", 0, 16, true},       [C_PHASE] = {"PHASE", 1, 5, false},
    [C_ATTEMPT] = {"ATT", 7, 3, false}, [C_AGE] = {"AGE", 2, 3, false},
    [C_IMAGE] = {"DIGEST", 5, 6, false},     [C_PR] = {"PR", 3, 2, false},
    [C_FAILURE] = {"CLASS", 3, 5, false}, [C_REASON] = {"REASON", 8, 10, true},
};

static char *cell_text(const struct run_view *v, enum col_id c, int64_t now)
{
    const struct agentrun *r = &v->run;
    char tmp[96];
    switch (c) {
    case C_CONTEXT: return sanitize_str(r->context ? r->context : "", 0);
    case C_NS: return sanitize_str(r->ns ? r->ns : "", 0);
    case C_NAME: {
        char *s = sanitize_str(r->name, 0);
        if (!v->deleted) return s;
        char *d = xasprintf("%s (deleted)", s);
        free(s);
        return d;
    }
    case C_PHASE: return sanitize_str(r->phase ? r->phase : "-", 0);
    case C_ATTEMPT: return sanitize_str(r->attempt && *r->attempt ? r->attempt : "-", 0);
    case C_AGE:
        if (r->created == TIME_NONE) return xstrdup("-");
        time_format_age(now - r->created, tmp, sizeof tmp);
        return xstrdup(tmp);
    case C_IMAGE:
        /* the console's DIGEST column: the same short digest */
        if (!v->digest) return xstrdup("-");
        linkage_short_digest(v->digest, tmp, sizeof tmp);
        return sanitize_str(tmp, 0);
    case C_PR:
        if (!v->has_pr) return xstrdup("-");
        if (v->pr.number > 0) {
            snprintf(tmp, sizeof tmp, "#%lld%s%s", (long long)v->pr.number, v->pr.state ? " " : "",
                     v->pr.state ? v->pr.state : "");
            return sanitize_str(tmp, 0);
        }
        return sanitize_str(v->pr.url, 0);
    case C_FAILURE: return sanitize_str(v->has_failure ? v->failure.cls : "-", 0);
    case C_REASON: return sanitize_str(r->reason ? r->reason : "-", 0);
    default: return xstrdup("");
    }
}

void run_table_render(struct buf *out, const struct run_view *const *views, size_t n, int width,
                      unsigned flags, int64_t now_ms)
{
    bool on[C_COUNT];
    for (int c = 0; c < C_COUNT; c++) on[c] = true;
    on[C_CONTEXT] = flags & RUN_TABLE_CONTEXT;
    on[C_NS] = flags & RUN_TABLE_NAMESPACE;
    char **cells = xcalloc(n * C_COUNT + 1, sizeof *cells);
    size_t w[C_COUNT];
    for (int c = 0; c < C_COUNT; c++) w[c] = strlen(cols[c].title);
    for (size_t i = 0; i < n; i++) {
        for (int c = 0; c < C_COUNT; c++) {
            if (!on[c]) continue;
            char *s = cell_text(views[i], (enum col_id)c, now_ms);
            size_t sw = dwidth(s);
            if (sw > w[c]) w[c] = sw;
            cells[i * C_COUNT + c] = s;
        }
    }
    /* Fit: shrink shrinkable columns, then drop columns by priority. */
    if (width > 0) {
        for (;;) {
            size_t total = 0;
            int shown = 0;
            for (int c = 0; c < C_COUNT; c++)
                if (on[c]) total += w[c] + (shown++ ? 2 : 0);
            if (total <= (size_t)width) break;
            size_t excess = total - (size_t)width;
            /* 1. REASON shrinks; 2. minor columns go; 3. NAME and the
             * namespace/context shrink; 4. other columns go. */
            if (on[C_REASON] && w[C_REASON] > cols[C_REASON].minw) {
                size_t can = w[C_REASON] - cols[C_REASON].minw;
                w[C_REASON] -= can < excess ? can : excess;
                continue;
            }
            int drop = -1;
            for (int c = 0; c < C_COUNT; c++)
                if (on[c] && cols[c].prio >= 5 && (drop < 0 || cols[c].prio > cols[drop].prio)) drop = c;
            if (drop >= 0) {
                on[drop] = false;
                continue;
            }
            bool shrunk = false;
            const int order[] = {C_NAME, C_NS, C_CONTEXT};
            for (size_t k = 0; k < 3 && excess; k++) {
                int c = order[k];
                if (!on[c] || w[c] <= cols[c].minw) continue;
                size_t can = w[c] - cols[c].minw;
                size_t take = can < excess ? can : excess;
                w[c] -= take;
                excess -= take;
                shrunk = true;
            }
            if (shrunk) continue;
            for (int c = 0; c < C_COUNT; c++)
                if (on[c] && c != C_NAME && (drop < 0 || cols[c].prio > cols[drop].prio)) drop = c;
            if (drop < 0) break;
            on[drop] = false;
        }
    }
    int last = -1;
    for (int c = 0; c < C_COUNT; c++)
        if (on[c]) last = c;
    bool first = true;
    for (int c = 0; c < C_COUNT; c++) {
        if (!on[c]) continue;
        if (!first) buf_puts(out, "  ");
        put_cell(out, cols[c].title, w[c], c != last);
        first = false;
    }
    buf_putc(out, '\n');
    for (size_t i = 0; i < n; i++) {
        first = true;
        for (int c = 0; c < C_COUNT; c++) {
            if (!on[c]) continue;
            if (!first) buf_puts(out, "  ");
            put_cell(out, cells[i * C_COUNT + c], w[c], c != last);
            first = false;
        }
        buf_putc(out, '\n');
    }
    for (size_t i = 0; i < n * C_COUNT; i++) free(cells[i]);
    free(cells);
}

/* ---- show text ---- */

/* A field of the text view, sanitised and at most TEXT_FIELD_MAX bytes of
 * it: a 20 MiB status message is the cluster's problem, not a screenful
 * for the on-call engineer (-o json keeps every byte). */
#define TEXT_FIELD_MAX 4096

static void put_line(struct buf *out, const char *s, size_t n)
{
    if (n <= TEXT_FIELD_MAX) {
        sanitize_append(out, s, n, 0);
    } else {
        size_t cut = TEXT_FIELD_MAX;
        /* not inside a UTF-8 sequence */
        while (cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80) cut--;
        sanitize_append(out, s, cut, 0);
        buf_printf(out, " … (%zu more bytes; -o json has them all)", n - cut);
    }
    buf_putc(out, '\n');
}

static void kv(struct buf *out, const char *key, const char *val)
{
    buf_printf(out, "%-16s", key);
    put_line(out, val ? val : "-", val ? strlen(val) : 1);
}

static void kv_time(struct buf *out, const char *key, int64_t t, int64_t now)
{
    if (t == TIME_NONE) {
        kv(out, key, NULL);
        return;
    }
    char ts[40], age[32];
    time_format_rfc3339(t, ts, sizeof ts);
    time_format_age(now - t, age, sizeof age);
    buf_printf(out, "%-16s%s (%s ago)\n", key, ts, age);
}

void run_show_text(struct buf *out, const struct run_view *v, const struct pod *pods, size_t npods,
                   const struct attempt_set *lane, int64_t now_ms)
{
    const struct agentrun *r = &v->run;
    char *ident = xasprintf("%s/%s%s", r->ns ? r->ns : "-", r->name, v->deleted ? "  (deleted on the server)" : "");
    kv(out, "Run", ident);
    free(ident);
    if (r->context) kv(out, "Context", r->context);
    kv(out, "Phase", r->phase);
    kv(out, "Reason", r->reason);
    if (r->message) kv(out, "Message", r->message);
    kv(out, "Agent", r->agent);
    kv(out, "Runtime", r->runtime);
    char *la = xasprintf("%s  attempt %s", r->lane ? r->lane : r->name,
                         r->attempt && *r->attempt ? r->attempt : "(first)");
    kv(out, "Lane", la);
    free(la);
    kv_time(out, "Created", r->created, now_ms);
    kv_time(out, "Started", r->started, now_ms);
    kv_time(out, "Finished", r->finished, now_ms);
    kv(out, "Repository", r->repository);
    kv(out, "Base", r->base);
    kv(out, "Head", r->head);
    kv(out, "VCS mode", r->vcs_mode ? r->vcs_mode : "read-write (default)");
    kv(out, "Image", v->image);
    char commit[48];
    if (linkage_image_commit(v->image, commit, sizeof commit)) kv(out, "Image commit", commit);
    kv(out, "Image digest", v->digest);
    if (v->has_pr) {
        char *p = xasprintf("%s%s%s  (from %s)", v->pr.url, v->pr.state ? "  " : "", v->pr.state ? v->pr.state : "",
                            v->pr.source ? v->pr.source : "unknown");
        kv(out, "Pull request", p);
        free(p);
    } else {
        kv(out, "Pull request", NULL);
    }
    if (v->has_failure) {
        char ln[32] = "";
        if (v->failure.line > 0) snprintf(ln, sizeof ln, " line %lld", (long long)v->failure.line);
        char *f = xasprintf("%s%s%s%s%s", v->failure.cls, v->failure.container ? "  in " : "",
                            v->failure.container ? v->failure.container : "", ln,
                            v->failure.secondary_no_pr ? "  (also: agent.no-pr)" : "");
        kv(out, "Failure", f);
        free(f);
        if (v->failure.text) kv(out, "Evidence", v->failure.text);
        /* the passing run whose shared lines were set aside */
        if (v->baseline) kv(out, "Baseline", v->baseline);
    } else {
        kv(out, "Failure", NULL);
    }
    kv(out, "Spec hash", r->spec_hash);
    kv(out, "Prompt hash", r->system_prompt_hash);

    if (r->nconditions) {
        buf_puts(out, "\nConditions:\n");
        for (size_t i = 0; i < r->nconditions; i++) {
            const struct condition *c = &r->conditions[i];
            char *line = xasprintf("  %-18s %-8s %-24s %s", c->type ? c->type : "-", c->status ? c->status : "-",
                                   c->reason ? c->reason : "-", c->message ? c->message : "");
            put_line(out, line, strlen(line));
            free(line);
        }
    }
    bool any_pod = false;
    for (size_t i = 0; i < npods; i++) {
        const struct pod *p = &pods[i];
        if (!streq(p->run_name, r->name)) continue;
        if (!any_pod) buf_puts(out, "\nPods:\n");
        any_pod = true;
        char *line = xasprintf("  %s  %s", p->name, p->phase ? p->phase : "-");
        put_line(out, line, strlen(line));
        free(line);
        for (size_t k = 0; k < p->ncontainers; k++) {
            const struct container_state *c = &p->containers[k];
            char ex[32] = "";
            if (c->exit_code >= 0) snprintf(ex, sizeof ex, " exit %lld", (long long)c->exit_code);
            char sd[32];
            linkage_short_digest(c->digest, sd, sizeof sd);
            line = xasprintf("    %s%s  %s %s%s  restarts %lld  %s%s%s", c->name ? c->name : "-", c->init ? " (init)" : "",
                             c->state ? c->state : "-", c->reason ? c->reason : "", ex, (long long)c->restarts,
                             c->image ? c->image : "-", *sd ? " @" : "", sd);
            put_line(out, line, strlen(line));
            free(line);
        }
    }
    struct chain ch;
    struct lane_member *m;
    lane_chain(v, lane, &ch, &m);
    if (ch.n > 1 || (ch.n == 1 && lane && lane->n > 0)) {
        buf_puts(out, "\nAttempts (oldest first):\n");
        for (size_t i = 0; i < ch.n; i++) {
            const struct run_view *x = view_of(v, lane, ch.items[i].m.run);
            char sd[32], names[128];
            linkage_short_digest(x->digest, sd, sizeof sd);
            chain_change_names(ch.items[i].changed, names, sizeof names);
            char *line = xasprintf("  %s %-4s %-10s %-12s %-28s %-8s %s%s%s", x == v ? "*" : " ",
                                   x->run.attempt && *x->run.attempt ? x->run.attempt : "-",
                                   x->run.phase ? x->run.phase : "-", *sd ? sd : "-",
                                   x->has_failure ? x->failure.cls : "-", x->has_pr ? "PR" : "-",
                                   *names ? "changed: " : "", names,
                                   (int64_t)i == ch.first_success ? "   <= first success" : "");
            put_line(out, line, strlen(line));
            free(line);
        }
        if (ch.first_success > 0) {
            char names[128];
            chain_change_names(ch.decisive, names, sizeof names);
            buf_printf(out, "  Before the first success changed: %s\n", *names ? names : "nothing observed");
        }
    }
    chain_free(&ch);
    free(m);
}
