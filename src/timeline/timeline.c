/* timeline.c — building the postmortem timeline from the history cache and
 * rendering it as Markdown, JSON or CSV. */
#include "timeline/timeline.h"
#include "model/agentrun.h"
#include "model/linkage.h"
#include "util/err.h"
#include "util/sanitize.h"
#include "util/timeutil.h"
#include "util/xalloc.h"
#include "util/jsonutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CAUSE_MAX 200 /* characters of a cause quoted in one event */

static const char *const kind_names[] = {
    [TL_CREATED] = "created",     [TL_STARTED] = "started", [TL_PHASE] = "phase",
    [TL_FIRST_CAUSE] = "first-cause", [TL_FAILED] = "failed", [TL_SUCCEEDED] = "succeeded",
    [TL_PR] = "pr",               [TL_RERUN] = "rerun",     [TL_DELETED] = "deleted",
    [TL_NOTE] = "note",
};

const char *timeline_kind_name(enum timeline_kind k)
{
    return (unsigned)k < sizeof kind_names / sizeof kind_names[0] ? kind_names[k] : "?";
}

void timeline_query_init(struct timeline_query *q)
{
    memset(q, 0, sizeof *q);
    q->since = TIME_NONE;
    q->until = TIME_NONE;
}

void timeline_free(struct timeline *t)
{
    if (!t) return;
    for (size_t i = 0; i < t->n; i++) {
        free(t->ev[i].run);
        free(t->ev[i].ns);
        free(t->ev[i].cls);
        free(t->ev[i].text);
    }
    free(t->ev);
    memset(t, 0, sizeof *t);
}

struct builder {
    struct timeline *t;
    size_t cap;
};

static struct timeline_event *add(struct builder *b, int64_t time, enum timeline_kind kind,
                                  const struct store_run *r, const char *cls, bool rec,
                                  char *text /* taken */)
{
    b->t->ev = xgrow(b->t->ev, &b->cap, b->t->n + 1, sizeof *b->t->ev);
    struct timeline_event *e = &b->t->ev[b->t->n++];
    e->time = time;
    e->kind = kind;
    e->run = r ? xstrdup(r->name) : NULL;
    e->ns = r ? xstrdup(r->ns) : NULL;
    e->cls = cls ? xstrdup(cls) : NULL;
    e->text = text;
    e->reconstructed = rec;
    e->estimated = false;
    return e;
}

/* One line of at most max characters (0 = any): whitespace runs (newlines
 * included) become one space; cut at a UTF-8 boundary with an ellipsis. */
static char *one_line_max(const char *s, size_t max)
{
    struct buf b = {0};
    bool space = false;
    size_t chars = 0;
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
            space = b.len > 0;
            continue;
        }
        if (space) {
            buf_putc(&b, ' ');
            chars++;
            space = false;
        }
        if ((*p & 0xC0) != 0x80) chars++;
        if (max && chars > max) {
            buf_puts(&b, "…");
            break;
        }
        buf_putc(&b, (char)*p);
    }
    return buf_detach(&b);
}

static char *one_line(const char *s) { return one_line_max(s, CAUSE_MAX); }

static char *one_line_keep(const char *s) { return one_line_max(s, 0); }

static bool is_phase(const char *p, const char *want) { return p && strcmp(p, want) == 0; }

/* A log line without the runner's tool-output framing (AGENTRUN.md §16):
 * "[command:delta] command output Executable not found ..." is quoted as
 * "Executable not found ...". */
static const char *without_frame(const char *s)
{
    if (!s) return "";
    while (*s == ' ' || *s == '\t') s++;
    static const char *const frames[] = {"[command:delta] command output ", "[command:delta] "};
    for (size_t i = 0; i < sizeof frames / sizeof frames[0]; i++)
        if (strncmp(s, frames[i], strlen(frames[i])) == 0) {
            s += strlen(frames[i]);
            break;
        }
    while (*s == ' ' || *s == '\t') s++;
    return s;
}

/* A log line without its framing and level word ("error: ENOENT ..." ->
 * "ENOENT ..."), as a person quotes the cause. */
static const char *without_level(const char *s)
{
    static const char *const levels[] = {"error:", "Error:", "ERROR:", "fatal:", "FATAL:",
                                         "[error]", "[ERROR]", "ERROR", "error"};
    s = without_frame(s);
    for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++) {
        size_t n = strlen(levels[i]);
        if (strncmp(s, levels[i], n) == 0 && s[n] == ' ' && s[n + 1] && s[n + 1] != ' ')
            return s + n + 1;
    }
    return s;
}

/* Kubelet stamps and controller times come from different clocks; a log
 * line stamped this far outside its run's life is still believed. */
#define LOG_SKEW_MS (2 * 60 * 1000)

/* Is t a believable time for a line of r's logs? A log stamped far
 * outside the run's life (a replayed or re-imported log whose lines carry
 * the time they were read, a node with a wrong clock) would tell its first
 * cause or PR months away from the failure it explains. */
static bool log_time_plausible(const struct store_run *r, int64_t t)
{
    if (t == TIME_NONE) return false;
    int64_t lo = r->created != TIME_NONE ? r->created : r->started;
    if (lo != TIME_NONE && t < lo - LOG_SKEW_MS) return false;
    if (r->finished != TIME_NONE && t > r->finished + LOG_SKEW_MS) return false;
    return true;
}

/* The cause of a failed run in a few words: the classifier's evidence,
 * else status.message, else the reason. */
static char *cause_of(const struct store_run *r, const struct store_change *c,
                      const struct store_class *cl)
{
    if (cl && cl->cls && cl->text && *cl->text) return one_line(without_level(cl->text));
    const char *msg = c && c->message && *c->message ? c->message : r->message;
    if (msg && *msg) return one_line(msg);
    const char *reason = c && c->reason ? c->reason : r->reason;
    if (reason && *reason) return one_line(reason);
    return NULL;
}

static void run_events(struct builder *b, struct store *s, const struct store_run *r,
                       const struct store_change_list *cl, const struct store_class *cls,
                       bool has_class, const struct store_pr_list *prs, const char *image_note)
{
    bool has_started = false;
    int64_t fail_time = TIME_NONE;
    bool fail_rec = false;
    for (size_t i = 0; i < cl->n; i++)
        if (strcmp(cl->items[i].kind, "started") == 0) has_started = true;
    const char *cls_name = has_class && cls->cls ? cls->cls : NULL;
    for (size_t i = 0; i < cl->n; i++) {
        const struct store_change *c = &cl->items[i];
        const char *k = c->kind;
        if (strcmp(k, "created") == 0) {
            add(b, c->time, TL_CREATED, r, NULL, c->reconstructed,
                xasprintf("Run %s created", r->name));
        } else if (strcmp(k, "started") == 0) {
            add(b, c->time, TL_STARTED, r, NULL, c->reconstructed,
                xasprintf("Run %s starts%s%s", r->name, image_note ? " " : "",
                          image_note ? image_note : ""));
        } else if (strcmp(k, "deleted") == 0) {
            add(b, c->time, TL_DELETED, r, NULL, c->reconstructed,
                xasprintf("Run %s is deleted from the cluster", r->name));
        } else if (strcmp(k, "condition") == 0) {
            /* only being held back says something the phase does not */
            if (c->cond_type && strcmp(c->cond_type, "Blocked") == 0 &&
                is_phase(c->cond_status, "True")) {
                char *why = one_line(c->message && *c->message ? c->message : c->reason);
                add(b, c->time, TL_PHASE, r, NULL, c->reconstructed,
                    xasprintf("Run %s is blocked: %s%s%s%s", r->name, c->reason ? c->reason : "",
                              *why ? " (" : "", why, *why ? ")" : ""));
                free(why);
            }
        } else if (strcmp(k, "phase") == 0 && c->phase) {
            if (is_phase(c->phase, "Failed")) {
                char *cause = cause_of(r, c, has_class ? cls : NULL);
                struct buf t = {0};
                buf_printf(&t, "Run %s fails", r->name);
                if (cause) buf_printf(&t, ": %s", cause);
                /* "unknown" names no cause: the sentence says what is known */
                if (cls_name && strcmp(cls_name, "unknown") != 0) buf_printf(&t, " (%s)", cls_name);
                /* only a run that started had pods to lose */
                if (r->npods == 0 && c->reconstructed && r->started != TIME_NONE &&
                    !(has_class && cls->line > 0) && r->runtime &&
                    (strcmp(r->runtime, "job") == 0 || strcmp(r->runtime, "workflow") == 0))
                    buf_puts(&t, "; its pods were gone before artriage saw them, so no log");
                add(b, c->time, TL_FAILED, r, cls_name, c->reconstructed, buf_detach(&t));
                free(cause);
                fail_time = c->time;
                fail_rec = c->reconstructed;
            } else if (is_phase(c->phase, "Succeeded")) {
                add(b, c->time, TL_SUCCEEDED, r, NULL, c->reconstructed,
                    xasprintf("Run %s succeeds", r->name));
            } else if (is_phase(c->phase, "Running")) {
                if (!has_started)
                    add(b, c->time, TL_PHASE, r, NULL, c->reconstructed,
                        xasprintf("Run %s is Running", r->name));
            } else if (is_phase(c->phase, "Cancelled")) {
                add(b, c->time, TL_PHASE, r, NULL, c->reconstructed,
                    xasprintf("Run %s is cancelled", r->name));
            } else {
                char *why = one_line(c->message && *c->message ? c->message : c->reason);
                add(b, c->time, TL_PHASE, r, NULL, c->reconstructed,
                    xasprintf("Run %s is %s%s%s", r->name, c->phase, *why ? ": " : "", why));
                free(why);
            }
        }
    }
    /* The first cause, where the log shows it: at the line's own time,
     * else just before the failure it explains (never after it). */
    bool cause_at_log = has_class && log_time_plausible(r, cls->log_time);
    if (has_class && cls->cls && cls->line > 0 && (cause_at_log || fail_time != TIME_NONE)) {
        int64_t t = cause_at_log ? cls->log_time : fail_time;
        if (fail_time != TIME_NONE && t > fail_time) t = fail_time;
        char *text = one_line(without_frame(cls->text));
        struct timeline_event *e =
            add(b, t, TL_FIRST_CAUSE, r, cls->cls, !cause_at_log && fail_rec,
                xasprintf("First cause in %s (%s log line %lld): %s", r->name,
                          cls->container ? cls->container : "container", (long long)cls->line, text));
        /* whoever filled the cache: the line's time, else said to be a guess */
        e->estimated = !cause_at_log;
        free(text);
    }
    for (size_t i = 0; i < prs->n; i++) {
        const struct store_pr *p = &prs->items[i];
        bool at_log = log_time_plausible(r, p->time);
        int64_t t = at_log ? p->time : r->finished != TIME_NONE ? r->finished : p->observed;
        char num[32] = "";
        if (p->number > 0) snprintf(num, sizeof num, "#%lld ", (long long)p->number);
        struct timeline_event *e = add(b, t, TL_PR, r, NULL, !at_log,
                                       xasprintf("Run %s opens PR %s(%s)", r->name, num, p->url));
        e->estimated = !at_log;
    }
    (void)s;
}

static int cmp_event(const void *a, const void *b)
{
    const struct timeline_event *x = a, *y = b;
    if (x->time != y->time) return x->time < y->time ? -1 : 1;
    if (x->kind != y->kind) return x->kind < y->kind ? -1 : 1;
    int c = strcmp(x->run ? x->run : "", y->run ? y->run : "");
    if (c) return c;
    return strcmp(x->text, y->text);
}

static bool name_selected(const struct timeline_query *q, const char *name)
{
    if (!q->runs || q->nruns == 0) return true;
    for (size_t i = 0; i < q->nruns; i++)
        if (q->runs[i] && strcmp(q->runs[i], name) == 0) return true;
    return false;
}

static int collect_runs(struct store *s, const struct timeline_query *q,
                        struct store_run_list *out, char *err, size_t errlen)
{
    struct store_query sq;
    store_query_init(&sq);
    sq.context = q->context;
    sq.ns = q->ns;
    sq.lane = q->lane;
    sq.until = q->until; /* a run created after the window tells nothing in it */
    if (q->runs && q->nruns > 0 && !q->lane) {
        /* one indexed lookup per name */
        memset(out, 0, sizeof *out);
        size_t cap = 0;
        for (size_t i = 0; i < q->nruns; i++) {
            if (!q->runs[i]) continue;
            sq.name = q->runs[i];
            struct store_run_list one;
            if (store_list_runs(s, &sq, &one, err, errlen) < 0) {
                store_run_list_free(out);
                return -1;
            }
            for (size_t k = 0; k < one.n; k++) {
                out->items = xgrow(out->items, &cap, out->n + 1, sizeof *out->items);
                out->items[out->n++] = one.items[k];
            }
            free(one.items);
        }
        return 0;
    }
    if (store_list_runs(s, &sq, out, err, errlen) < 0) return -1;
    if (q->runs && q->nruns > 0) {
        size_t k = 0;
        for (size_t i = 0; i < out->n; i++) {
            if (name_selected(q, out->items[i].name)) out->items[k++] = out->items[i];
            else store_run_free(&out->items[i]);
        }
        out->n = k;
    }
    return 0;
}

static bool str_same_ns(const struct store_run *r, const struct store_rerun *x)
{
    if (x->ns && r->ns && strcmp(r->ns, x->ns) != 0) return false;
    if (x->context && *x->context && r->context && strcmp(r->context, x->context) != 0)
        return false;
    return true;
}

/* Reruns that concern the selected runs (from or to one of them). */
static void rerun_events(struct builder *b, const struct store_rerun_list *rl,
                         const struct store_run_list *runs, bool all)
{
    for (size_t i = 0; i < rl->n; i++) {
        const struct store_rerun *x = &rl->items[i];
        if (x->dry_run || !x->result) continue;
        const struct store_run *from = NULL;
        for (size_t k = 0; k < runs->n; k++) {
            const struct store_run *r = &runs->items[k];
            if (!str_same_ns(r, x)) continue;
            if (strcmp(r->name, x->from_name) == 0 ||
                (x->new_name && strcmp(r->name, x->new_name) == 0)) {
                from = r;
                break;
            }
        }
        if (!from && !all) continue;
        struct store_run pseudo = {.name = x->from_name, .ns = x->ns};
        const struct store_run *who = from ? from : &pseudo;
        char *text;
        if (strcmp(x->result, "created") == 0) {
            text = xasprintf("Rerun of %s created as %s%s%s%s", x->from_name,
                             x->new_name ? x->new_name : "a new run", x->head ? " (head " : "",
                             x->head ? x->head : "", x->head ? ")" : "");
        } else if (strcmp(x->result, "failed") == 0) {
            char *why = one_line(x->error);
            text = xasprintf("Rerun of %s failed%s%s", x->from_name, *why ? ": " : "", why);
            free(why);
        } else {
            continue;
        }
        struct timeline_event *e = add(b, x->time, TL_RERUN, NULL, NULL, false, text);
        e->run = xstrdup(x->new_name && strcmp(x->result, "created") == 0 ? x->new_name
                                                                         : who->name);
        e->ns = xstrdup(x->ns ? x->ns : "");
    }
}

/* ---- the image each attempt ran ---- */

struct run_img {
    char *image, *digest; /* owned; NULL = unknown */
};

/* The runner image and digest of a run, from its cached pods. */
static void run_image_of(struct store *s, const struct store_run *r, struct run_img *out)
{
    memset(out, 0, sizeof *out);
    struct store_pod_list pl;
    char err[256];
    if (store_run_pods(s, r->id, &pl, err, sizeof err) < 0) return;
    struct pod *pods = xcalloc(pl.n ? pl.n : 1, sizeof *pods);
    for (size_t i = 0; i < pl.n; i++) store_pod_to_model(&pl.items[i], r->name, &pods[i]);
    struct run_image ri;
    if (linkage_runner_image(pods, pl.n, r->name, &ri)) {
        out->image = ri.image ? xstrdup(ri.image) : NULL;
        out->digest = ri.digest ? xstrdup(ri.digest) : NULL;
    }
    for (size_t i = 0; i < pl.n; i++) pod_free(&pods[i]);
    free(pods);
    store_pod_list_free(&pl);
}

/* "agents-codex-runner@6fa809abd4f4, commit 1cc0ecd2": the repository's
 * last path part (unless with_repo is false), the short digest and the
 * commit a tag names. */
static char *image_words(const struct run_img *m, bool with_repo)
{
    struct buf b = {0};
    if (m->image && with_repo) {
        const char *ref = m->image;
        size_t n = strcspn(ref, "@");
        const char *slash = NULL;
        for (size_t i = 0; i < n; i++)
            if (ref[i] == '/') slash = ref + i;
        const char *base = slash ? slash + 1 : ref;
        size_t bn = (size_t)(ref + n - base);
        const char *colon = memchr(base, ':', bn);
        buf_append(&b, base, colon ? (size_t)(colon - base) : bn);
    }
    char d[40];
    linkage_short_digest(m->digest, d, sizeof d);
    if (*d) buf_printf(&b, "%s%s", b.len ? "@" : "", d);
    char commit[48];
    if (m->image && linkage_image_commit(m->image, commit, sizeof commit)) {
        buf_printf(&b, "%scommit %.8s", b.len ? ", " : "", commit);
    } else if (m->image && !*d) {
        /* no digest and no commit: the tag is all there is */
        const char *colon = strrchr(m->image, ':');
        if (colon && !strchr(colon, '/')) buf_printf(&b, "%s%.40s", b.len ? ":" : "tag ", colon + 1);
    }
    return buf_detach(&b);
}

/* Same repository (the reference before its tag/digest)? */
static bool same_repo(const char *a, const char *b)
{
    if (!a || !b) return false;
    size_t na = strcspn(a, "@"), nb = strcspn(b, "@");
    const char *ca = memrchr(a, ':', na), *cb = memrchr(b, ':', nb);
    if (ca && memchr(ca, '/', (size_t)(a + na - ca))) ca = NULL;
    if (cb && memchr(cb, '/', (size_t)(b + nb - cb))) cb = NULL;
    if (ca) na = (size_t)(ca - a);
    if (cb) nb = (size_t)(cb - b);
    return na == nb && memcmp(a, b, na) == 0;
}

static bool img_same(const struct run_img *a, const struct run_img *b)
{
    if (a->digest && b->digest) return strcmp(a->digest, b->digest) == 0;
    if (a->image && b->image) return strcmp(a->image, b->image) == 0;
    return true; /* not known well enough to call it a change */
}

static const struct store_run *sort_runs; /* qsort has no context in C11 */

static int cmp_lane_order(const void *pa, const void *pb)
{
    const struct store_run *a = &sort_runs[*(const size_t *)pa], *b = &sort_runs[*(const size_t *)pb];
    int c = strcmp(a->context ? a->context : "", b->context ? b->context : "");
    if (!c) c = strcmp(a->ns ? a->ns : "", b->ns ? b->ns : "");
    if (!c) c = strcmp(a->lane ? a->lane : "", b->lane ? b->lane : "");
    if (!c && a->created != b->created) c = a->created < b->created ? -1 : 1;
    if (!c) c = strcmp(a->name ? a->name : "", b->name ? b->name : "");
    return c;
}

/* What each run's start says about its image: the image, and whether it
 * changed since the lane's previous attempt (what fixed the seed lane was
 * a new runner image). notes[i] is owned, NULL when nothing is known. */
static char **image_notes(struct store *s, const struct store_run_list *runs)
{
    size_t n = runs->n;
    char **notes = xcalloc(n ? n : 1, sizeof *notes);
    struct run_img *im = xcalloc(n ? n : 1, sizeof *im);
    size_t *ord = xcalloc(n ? n : 1, sizeof *ord);
    for (size_t i = 0; i < n; i++) {
        run_image_of(s, &runs->items[i], &im[i]);
        ord[i] = i;
    }
    sort_runs = runs->items;
    qsort(ord, n, sizeof *ord, cmp_lane_order);
    sort_runs = NULL;
    for (size_t k = 0; k < n; k++) {
        size_t i = ord[k];
        if (!im[i].image && !im[i].digest) continue;
        const struct store_run *r = &runs->items[i], *p = NULL;
        size_t pi = 0;
        /* the previous attempt of the same lane that ran an image */
        for (size_t j = k; j-- > 0;) {
            const struct store_run *q = &runs->items[ord[j]];
            if (!r->lane || !*r->lane || !q->lane || strcmp(q->lane, r->lane) != 0 ||
                strcmp(q->ns ? q->ns : "", r->ns ? r->ns : "") != 0 ||
                strcmp(q->context ? q->context : "", r->context ? r->context : "") != 0)
                break;
            if (im[ord[j]].image || im[ord[j]].digest) {
                p = q;
                pi = ord[j];
                break;
            }
        }
        char *now = image_words(&im[i], true);
        if (p && !img_same(&im[i], &im[pi])) {
            char *was = image_words(&im[pi], !same_repo(im[i].image, im[pi].image));
            notes[i] = xasprintf("on a new image %s (%s ran %s)", now, p->name, was);
            free(was);
        } else {
            notes[i] = xasprintf("on image %s", now);
        }
        free(now);
    }
    for (size_t i = 0; i < n; i++) {
        free(im[i].image);
        free(im[i].digest);
    }
    free(im);
    free(ord);
    return notes;
}

static bool in_window(const struct timeline_query *q, int64_t t)
{
    return (q->since == TIME_NONE || t >= q->since) && (q->until == TIME_NONE || t <= q->until);
}

int timeline_build(struct store *s, const struct timeline_query *q, struct timeline *out,
                   char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    struct builder b = {.t = out};
    struct store_run_list runs;
    if (collect_runs(s, q, &runs, err, errlen) < 0) return -1;
    bool filtered = q->lane || (q->runs && q->nruns > 0);
    int rc = 0;
    char **notes = image_notes(s, &runs);
    for (size_t i = 0; i < runs.n && rc == 0; i++) {
        const struct store_run *r = &runs.items[i];
        struct store_change_list cl;
        struct store_pr_list prs;
        struct store_class cls;
        if (store_run_changes(s, r->id, &cl, err, errlen) < 0) {
            rc = -1;
            break;
        }
        int hc = store_get_classification(s, r->id, &cls, err, errlen);
        if (hc < 0 || store_run_prs(s, r->id, &prs, err, errlen) < 0) {
            if (hc > 0) store_class_free(&cls);
            store_change_list_free(&cl);
            rc = -1;
            break;
        }
        run_events(&b, s, r, &cl, &cls, hc > 0, &prs, notes[i]);
        store_change_list_free(&cl);
        store_pr_list_free(&prs);
        if (hc > 0) store_class_free(&cls);
    }
    /* the window applies to events, not to runs */
    int64_t first = TIME_NONE, last = TIME_NONE;
    if (rc == 0) {
        size_t k = 0;
        for (size_t i = 0; i < out->n; i++) {
            struct timeline_event *e = &out->ev[i];
            if (!in_window(q, e->time)) {
                free(e->run);
                free(e->ns);
                free(e->cls);
                free(e->text);
                continue;
            }
            if (first == TIME_NONE || e->time < first) first = e->time;
            if (last == TIME_NONE || e->time > last) last = e->time;
            out->ev[k++] = *e;
        }
        out->n = k;
    }
    if (rc == 0) {
        int64_t from = filtered ? first : q->since, to = filtered ? last : q->until;
        if (first != TIME_NONE && !filtered) {
            /* everything in scope: the window, else the span of the events */
            if (from == TIME_NONE) from = first;
            if (to == TIME_NONE) to = last;
        }
        struct store_rerun_list rl;
        if (store_list_reruns(s, q->context, q->ns, from, to, &rl, err, errlen) < 0) {
            rc = -1;
        } else {
            if (!filtered || first != TIME_NONE) rerun_events(&b, &rl, &runs, !filtered);
            store_rerun_list_free(&rl);
        }
        /* notes belong to no run: those within the told span */
        struct store_note_list nl;
        if (rc == 0 && (first != TIME_NONE || !filtered)) {
            if (store_list_notes(s, from, to, &nl, err, errlen) < 0) {
                rc = -1;
            } else {
                for (size_t i = 0; i < nl.n; i++) {
                    const struct store_note *n = &nl.items[i];
                    if (q->context && n->context && strcmp(n->context, q->context) != 0) continue;
                    if (q->ns && n->ns && strcmp(n->ns, q->ns) != 0) continue;
                    if (!in_window(q, n->time)) continue;
                    add(&b, n->time, TL_NOTE, NULL, NULL, false, one_line_keep(n->text));
                }
                store_note_list_free(&nl);
            }
        }
    }
    for (size_t i = 0; i < runs.n; i++) free(notes[i]);
    free(notes);
    store_run_list_free(&runs);
    if (rc < 0) {
        timeline_free(out);
        return -1;
    }
    if (out->n > 1) qsort(out->ev, out->n, sizeof *out->ev, cmp_event);
    return 0;
}

/* ---- rendering -------------------------------------------------------------- */

int timeline_format_parse(const char *s, enum timeline_format *out)
{
    if (!s) return -1;
    if (strcmp(s, "md") == 0 || strcmp(s, "markdown") == 0) *out = TIMELINE_MD;
    else if (strcmp(s, "json") == 0) *out = TIMELINE_JSON;
    else if (strcmp(s, "csv") == 0) *out = TIMELINE_CSV;
    else return -1;
    return 0;
}

cJSON *timeline_to_json(const struct timeline *t)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(doc, "events");
    for (size_t i = 0; i < t->n; i++) {
        const struct timeline_event *e = &t->ev[i];
        cJSON *o = cJSON_CreateObject();
        char ts[40];
        time_format_rfc3339(e->time, ts, sizeof ts);
        cJSON_AddStringToObject(o, "time", ts);
        json_add_str(o, "run", e->run);
        json_add_str(o, "namespace", e->ns);
        cJSON_AddStringToObject(o, "kind", timeline_kind_name(e->kind));
        json_add_str(o, "class", e->cls);
        cJSON_AddStringToObject(o, "text", e->text);
        cJSON_AddBoolToObject(o, "reconstructed", e->reconstructed);
        cJSON_AddBoolToObject(o, "estimated", e->estimated);
        cJSON_AddItemToArray(arr, o);
    }
    return doc;
}

/* "2026-02-25 09:14:31" — the incident report's time column. */
static void md_time(int64_t t, char *out, size_t outlen)
{
    time_format_rfc3339(t, out, outlen);
    char *p = strchr(out, 'T');
    if (p) *p = ' ';
    size_t n = strlen(out);
    if (n && out[n - 1] == 'Z') out[n - 1] = 0;
}

static void md_cell(struct buf *out, const char *s)
{
    char *clean = sanitize_str(s, 0);
    for (const char *p = clean; *p; p++) {
        if (*p == '|' || *p == '\\') buf_putc(out, '\\');
        buf_putc(out, *p);
    }
    free(clean);
}

static void csv_cell(struct buf *out, const char *s)
{
    char *clean = sanitize_str(s ? s : "", 0);
    bool quote = strpbrk(clean, ",\"\r\n") != NULL || (clean[0] == ' ');
    if (quote) buf_putc(out, '"');
    for (const char *p = clean; *p; p++) {
        if (*p == '"') buf_putc(out, '"');
        buf_putc(out, *p);
    }
    if (quote) buf_putc(out, '"');
    free(clean);
}

void timeline_render(const struct timeline *t, enum timeline_format f, struct buf *out)
{
    if (f == TIMELINE_JSON) {
        cJSON *doc = timeline_to_json(t);
        char *s = json_print_safe(doc, 1);
        buf_puts(out, s);
        buf_putc(out, '\n');
        free(s);
        cJSON_Delete(doc);
        return;
    }
    if (f == TIMELINE_CSV) {
        buf_puts(out, "time,kind,run,namespace,class,reconstructed,text\n");
        for (size_t i = 0; i < t->n; i++) {
            const struct timeline_event *e = &t->ev[i];
            char ts[40];
            time_format_rfc3339(e->time, ts, sizeof ts);
            buf_puts(out, ts);
            buf_putc(out, ',');
            buf_puts(out, timeline_kind_name(e->kind));
            buf_putc(out, ',');
            csv_cell(out, e->run);
            buf_putc(out, ',');
            csv_cell(out, e->ns);
            buf_putc(out, ',');
            csv_cell(out, e->cls);
            buf_puts(out, e->reconstructed ? ",true," : ",false,");
            csv_cell(out, e->text);
            buf_puts(out, "\n");
        }
        return;
    }
    buf_puts(out, "| Time (UTC) | Event |\n| --- | --- |\n");
    for (size_t i = 0; i < t->n; i++) {
        const struct timeline_event *e = &t->ev[i];
        char ts[40];
        md_time(e->time, ts, sizeof ts);
        buf_printf(out, "| %s | ", ts);
        md_cell(out, e->text);
        /* a time that is not the log line's own says so */
        if (e->estimated) buf_puts(out, " (time estimated)");
        buf_puts(out, " |\n");
    }
}
