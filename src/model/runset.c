/* runset — see runset.h. Runs live in entries that are never freed before
 * runset_clear/runset_free, so pointers handed to views stay valid; two
 * open-addressing maps find them by uid and by namespace/name. The view is
 * a filter pass over an array kept sorted by the current column. */
#include "model/runset.h"
#include "model/linkage.h"
#include "util/xalloc.h"
#include "util/err.h"
#include "util/timeutil.h"
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct entry {
    struct rs_run pub;   /* first: views get &e->pub */
    char *key;           /* uid, else "ns/name" */
    char *nskey;         /* "ns/name" */
    char *hay;           /* lower-case name, agent, lane, class, head: what text terms search */
};

struct map {
    struct entry **slot;
    size_t cap, used;    /* cap is a power of two */
    bool by_name;
};

enum term_key { TK_TEXT, TK_PHASE, TK_CLASS, TK_LANE, TK_AGENT, TK_NS, TK_NAME };

struct term {
    enum term_key key;
    bool neg, glob;
    char *pat;
    char *lower;                  /* pat in lower case, for the text search */
};

struct runset {
    struct entry **all;
    size_t nall, capall;
    struct map by_uid, by_name;
    struct pod *orphans;          /* pods whose run has not arrived */
    size_t norphans, caporphans;
    uint64_t gen;
    /* sorted order of all entries, and the filtered view over it */
    struct entry **sorted;
    size_t capsorted;
    bool sort_dirty;
    struct entry **view;
    size_t nview, capview;
    bool view_dirty;
    enum rs_col sort;
    char *filter;
    struct term *terms;
    size_t nterms;
    bool narrow;                  /* the new filter only narrows the view: refilter it */
    uint64_t data_gen;            /* bumped by changes to runs only (not filter/sort) */
    uint64_t counts_gen;          /* data_gen the cached counts belong to, 0 = none */
    struct rs_counts counts;
    int64_t sort_now;             /* "now" used for running durations */
};

uint64_t rs_uid_key(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; s && *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

static const char *entry_mapkey(const struct entry *e, bool by_name)
{
    return by_name ? e->nskey : e->key;
}

static struct entry **map_lookup(const struct map *m, const char *key)
{
    if (!m->cap) return NULL;
    size_t mask = m->cap - 1;
    for (size_t i = rs_uid_key(key) & mask;; i = (i + 1) & mask) {
        struct entry **s = &m->slot[i];
        if (!*s || strcmp(entry_mapkey(*s, m->by_name), key) == 0) return s;
    }
}

static void map_put(struct map *m, struct entry *e);

static void map_grow(struct map *m)
{
    struct entry **old = m->slot;
    size_t oldcap = m->cap;
    m->cap = oldcap ? oldcap * 2 : 64;
    m->slot = xcalloc(m->cap, sizeof *m->slot);
    m->used = 0;
    for (size_t i = 0; i < oldcap; i++)
        if (old[i]) map_put(m, old[i]);
    free(old);
}

/* Inserts or replaces the entry stored under e's key. */
static void map_put(struct map *m, struct entry *e)
{
    if ((m->used + 1) * 4 >= m->cap * 3) map_grow(m);
    struct entry **s = map_lookup(m, entry_mapkey(e, m->by_name));
    if (!*s) m->used++;
    *s = e;
}

static void map_clear(struct map *m)
{
    free(m->slot);
    m->slot = NULL;
    m->cap = m->used = 0;
}

struct runset *runset_new(void)
{
    struct runset *rs = xcalloc(1, sizeof *rs);
    rs->by_name.by_name = true;
    rs->sort = RS_COL_AGE;
    rs->filter = xstrdup("");
    rs->sort_dirty = rs->view_dirty = true;
    rs->data_gen = 1;
    return rs;
}

static void failure_free(struct rs_failure *f)
{
    free(f->cls);
    free(f->rule);
    free(f->container);
    free(f->hint);
    free(f->text);
    memset(f, 0, sizeof *f);
    f->line = -1;
}

static void entry_free(struct entry *e)
{
    struct rs_run *r = &e->pub;
    agentrun_free(&r->run);
    for (size_t i = 0; i < r->npods; i++) pod_free(&r->pods[i]);
    free(r->pods);
    free(r->image);
    free(r->digest);
    failure_free(&r->fail);
    free(r->pr_url);
    free(r->pr_source);
    free(e->key);
    free(e->nskey);
    free(e->hay);
    free(e);
}

static void terms_free(struct runset *rs)
{
    for (size_t i = 0; i < rs->nterms; i++) {
        free(rs->terms[i].pat);
        free(rs->terms[i].lower);
    }
    free(rs->terms);
    rs->terms = NULL;
    rs->nterms = 0;
}

void runset_clear(struct runset *rs)
{
    for (size_t i = 0; i < rs->nall; i++) entry_free(rs->all[i]);
    rs->nall = 0;
    for (size_t i = 0; i < rs->norphans; i++) pod_free(&rs->orphans[i]);
    rs->norphans = 0;
    map_clear(&rs->by_uid);
    map_clear(&rs->by_name);
    rs->nview = 0;
    rs->sort_dirty = rs->view_dirty = true;
    rs->narrow = false;
    rs->gen++;
    rs->data_gen++;
}

void runset_free(struct runset *rs)
{
    if (!rs) return;
    runset_clear(rs);
    free(rs->all);
    free(rs->orphans);
    free(rs->sorted);
    free(rs->view);
    free(rs->filter);
    terms_free(rs);
    free(rs);
}

static void lower_append(char *dst, size_t *o, const char *s)
{
    for (; s && *s; s++) {
        unsigned char ch = (unsigned char)*s;
        dst[(*o)++] = (char)(ch < 128 && ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
    }
    dst[(*o)++] = '\x01';
}

static char *lower_dup(const char *s)
{
    size_t o = 0;
    char *d = xmalloc(strlen(s ? s : "") + 2);
    lower_append(d, &o, s);
    d[o - 1] = 0;
    return d;
}

/* Text terms search one lower-case string per run (strstr is far faster
 * than strcasestr over five fields); rebuilt whenever the run changes. */
static void build_hay(struct entry *e)
{
    const struct rs_run *r = &e->pub;
    const char *f[] = {r->run.name, r->run.agent, r->run.lane, r->fail.cls, r->run.head};
    size_t n = 1;
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) n += (f[i] ? strlen(f[i]) : 0) + 1;
    free(e->hay);
    e->hay = xmalloc(n);
    size_t o = 0;
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) lower_append(e->hay, &o, f[i]);
    e->hay[o] = 0;
}

static void touch(struct runset *rs, struct entry *e)
{
    rs->gen++;
    rs->data_gen++;
    if (e) {
        e->pub.gen = rs->gen;
        build_hay(e);
    }
    rs->sort_dirty = rs->view_dirty = true;
    rs->narrow = false;
}

static char *nskey_of(const char *ns, const char *name)
{
    return xasprintf("%s/%s", ns ? ns : "", name ? name : "");
}

/* The main container's image and digest become the run's, unless a pod
 * gives none (then an earlier value, e.g. from the cache, is kept). */
static void take_image_from_pods(struct rs_run *r)
{
    struct run_image img;
    if (!linkage_runner_image(r->pods, r->npods, NULL, &img)) return;
    if (img.image) {
        char *s = xstrdup(img.image);
        free(r->image);
        r->image = s;
    }
    if (img.digest) {
        char *s = xstrdup(img.digest);
        free(r->digest);
        r->digest = s;
    }
}

static void attach_pod(struct rs_run *r, struct pod *p)
{
    for (size_t i = 0; i < r->npods; i++) {
        if (r->pods[i].uid && p->uid && strcmp(r->pods[i].uid, p->uid) == 0) {
            pod_free(&r->pods[i]);
            r->pods[i] = *p;
            memset(p, 0, sizeof *p);
            take_image_from_pods(r);
            return;
        }
    }
    r->pods = xrealloc(r->pods, (r->npods + 1) * sizeof *r->pods);
    r->pods[r->npods++] = *p;
    memset(p, 0, sizeof *p);
    take_image_from_pods(r);
}

static void adopt_orphans(struct runset *rs, struct entry *e)
{
    size_t w = 0;
    for (size_t i = 0; i < rs->norphans; i++) {
        struct pod *p = &rs->orphans[i];
        if (p->run_name && e->pub.run.name && strcmp(p->run_name, e->pub.run.name) == 0 &&
            strcmp(p->ns ? p->ns : "", e->pub.run.ns ? e->pub.run.ns : "") == 0) {
            attach_pod(&e->pub, p);
        } else {
            rs->orphans[w++] = *p;
        }
    }
    rs->norphans = w;
}

void runset_apply_run(struct runset *rs, enum rs_event ev, struct agentrun *run, bool deleted)
{
    char *key = (run->uid && *run->uid) ? xstrdup(run->uid) : nskey_of(run->ns, run->name);
    struct entry **slot = map_lookup(&rs->by_uid, key);
    struct entry *e = slot ? *slot : NULL;

    if (ev == RS_EV_DELETED) {
        if (e && !e->pub.deleted) {
            e->pub.deleted = true;
            touch(rs, e);
        } else if (!e) {
            /* A deletion of a run we never saw: keep what it says, as deleted. */
            ev = RS_EV_ADDED;
            deleted = true;
        }
        if (ev == RS_EV_DELETED) {
            agentrun_free(run);
            memset(run, 0, sizeof *run);
            free(key);
            return;
        }
    }
    if (e) {
        /* The live object wins over the cache's copy; a cache copy never
         * resurrects or overwrites a run the feed already reported. */
        if (deleted && !e->pub.deleted) {
            agentrun_free(run);
            memset(run, 0, sizeof *run);
            free(key);
            return;
        }
        bool same = e->pub.run.resource_version && run->resource_version &&
                    strcmp(e->pub.run.resource_version, run->resource_version) == 0;
        if (!same || e->pub.deleted != deleted) {
            agentrun_free(&e->pub.run);
            e->pub.run = *run;
            memset(run, 0, sizeof *run);
            e->pub.deleted = deleted;
            touch(rs, e);
        } else {
            agentrun_free(run);
            memset(run, 0, sizeof *run);
        }
        free(key);
        return;
    }
    e = xcalloc(1, sizeof *e);
    e->key = key;
    e->pub.run = *run;
    memset(run, 0, sizeof *run);
    e->nskey = nskey_of(e->pub.run.ns, e->pub.run.name);
    e->pub.deleted = deleted;
    e->pub.pr_number = -1;
    e->pub.fail.line = -1;
    e->pub.vpos = SIZE_MAX;
    rs->all = xgrow(rs->all, &rs->capall, rs->nall + 1, sizeof *rs->all);
    rs->all[rs->nall++] = e;
    map_put(&rs->by_uid, e);
    /* Name lookups (for pods) prefer a live run over a deleted namesake. */
    struct entry **ns = map_lookup(&rs->by_name, e->nskey);
    if (!ns || !*ns || (*ns)->pub.deleted || !deleted) map_put(&rs->by_name, e);
    if (rs->norphans) adopt_orphans(rs, e);
    touch(rs, e);
}

void runset_apply_pod(struct runset *rs, enum rs_event ev, struct pod *pod)
{
    /* A deleted pod (Job TTL) still tells which image ran: keep its facts. */
    (void)ev;
    if (!pod->run_name) {
        pod_free(pod);
        memset(pod, 0, sizeof *pod);
        return;
    }
    char *k = nskey_of(pod->ns, pod->run_name);
    struct entry **s = map_lookup(&rs->by_name, k);
    free(k);
    if (s && *s) {
        attach_pod(&(*s)->pub, pod);
        touch(rs, *s);
        return;
    }
    for (size_t i = 0; i < rs->norphans; i++) {
        if (rs->orphans[i].uid && pod->uid && strcmp(rs->orphans[i].uid, pod->uid) == 0) {
            pod_free(&rs->orphans[i]);
            rs->orphans[i] = *pod;
            memset(pod, 0, sizeof *pod);
            return;
        }
    }
    rs->orphans = xgrow(rs->orphans, &rs->caporphans, rs->norphans + 1, sizeof *rs->orphans);
    rs->orphans[rs->norphans++] = *pod;
    memset(pod, 0, sizeof *pod);
}

struct rs_run *runset_find(const struct runset *rs, const char *uid)
{
    if (!uid) return NULL;
    struct entry **s = map_lookup(&rs->by_uid, uid);
    return (s && *s) ? &(*s)->pub : NULL;
}

static bool str_eq(const char *a, const char *b)
{
    if (!a || !b) return a == b;
    return strcmp(a, b) == 0;
}

void runset_set_failure(struct runset *rs, const char *uid, const struct rs_failure *f)
{
    struct rs_run *r = runset_find(rs, uid);
    if (!r) return;
    if (str_eq(r->fail.cls, f->cls) && str_eq(r->fail.rule, f->rule) &&
        str_eq(r->fail.text, f->text) && str_eq(r->fail.hint, f->hint) &&
        str_eq(r->fail.container, f->container) && r->fail.line == f->line)
        return;
    failure_free(&r->fail);
    r->fail.cls = xstrdup(f->cls);
    r->fail.rule = xstrdup(f->rule);
    r->fail.container = xstrdup(f->container);
    r->fail.hint = xstrdup(f->hint);
    r->fail.text = xstrdup(f->text);
    r->fail.line = f->line;
    touch(rs, (struct entry *)r);
}

void runset_set_pr(struct runset *rs, const char *uid, int64_t number, const char *url,
                   const char *source)
{
    struct rs_run *r = runset_find(rs, uid);
    if (!r) return;
    if (r->pr_number == number && str_eq(r->pr_url, url) && str_eq(r->pr_source, source)) return;
    r->pr_number = number;
    free(r->pr_url);
    r->pr_url = xstrdup(url);
    free(r->pr_source);
    r->pr_source = xstrdup(source);
    touch(rs, (struct entry *)r);
}

void runset_set_image(struct runset *rs, const char *uid, const char *image, const char *digest)
{
    struct rs_run *r = runset_find(rs, uid);
    if (!r) return;
    if (str_eq(r->image, image) && str_eq(r->digest, digest)) return;
    if (image) {
        free(r->image);
        r->image = xstrdup(image);
    }
    if (digest) {
        free(r->digest);
        r->digest = xstrdup(digest);
    }
    touch(rs, (struct entry *)r);
}

size_t runset_count(const struct runset *rs) { return rs->nall; }

struct rs_run *runset_find_name(const struct runset *rs, const char *ns, const char *name)
{
    if (!name) return NULL;
    char *k = nskey_of(ns, name);
    struct entry **s = map_lookup(&rs->by_name, k);
    free(k);
    return (s && *s) ? &(*s)->pub : NULL;
}

struct rs_run *runset_at(const struct runset *rs, size_t i)
{
    return i < rs->nall ? &rs->all[i]->pub : NULL;
}
uint64_t runset_gen(const struct runset *rs) { return rs->gen; }

/* ---- filter ---- */

static const struct {
    const char *name;
    enum term_key key;
} term_keys[] = {
    {"phase", TK_PHASE}, {"class", TK_CLASS}, {"lane", TK_LANE},
    {"agent", TK_AGENT}, {"ns", TK_NS},       {"namespace", TK_NS},
    {"name", TK_NAME},
};

int runset_set_filter(struct runset *rs, const char *expr, char *err, size_t errlen)
{
    if (!expr) expr = "";
    struct term *terms = NULL;
    size_t nterms = 0, cap = 0;
    const char *p = expr;
    while (*p) {
        while (*p == ' ' || *p == '\t') p++;
        if (!*p) break;
        const char *end = p;
        while (*end && *end != ' ' && *end != '\t') end++;
        struct term t = {.key = TK_TEXT};
        const char *w = p;
        if (*w == '!' && end - w > 1) {
            t.neg = true;
            w++;
        }
        const char *colon = memchr(w, ':', (size_t)(end - w));
        if (colon && colon > w) {
            size_t kl = (size_t)(colon - w);
            bool found = false;
            for (size_t k = 0; k < sizeof term_keys / sizeof term_keys[0]; k++) {
                if (strlen(term_keys[k].name) == kl && strncasecmp(term_keys[k].name, w, kl) == 0) {
                    t.key = term_keys[k].key;
                    found = true;
                    break;
                }
            }
            if (!found) {
                for (size_t i = 0; i < nterms; i++) {
                    free(terms[i].pat);
                    free(terms[i].lower);
                }
                free(terms);
                return errf(err, errlen,
                            "filter: unknown key '%.*s' (phase, class, lane, agent, ns, name)",
                            (int)kl, w);
            }
            w = colon + 1;
        }
        t.pat = xstrndup(w, (size_t)(end - w));
        t.glob = strpbrk(t.pat, "*?[") != NULL;
        t.lower = lower_dup(t.pat);
        terms = xgrow(terms, &cap, nterms + 1, sizeof *terms);
        terms[nterms++] = t;
        p = end;
    }
    /* Typing more of the filter (a longer last text term, or more terms)
     * can only remove rows: then only the current view is filtered again. */
    size_t oldlen = strlen(rs->filter);
    bool narrow = !rs->view_dirty && !rs->sort_dirty && oldlen > 0 &&
                  strncmp(expr, rs->filter, oldlen) == 0 && nterms >= rs->nterms && rs->nterms > 0;
    for (size_t i = 0; narrow && i < rs->nterms; i++) {
        const struct term *o = &rs->terms[i], *n = &terms[i];
        if (o->key != n->key || o->neg != n->neg) narrow = false;
        else if (strcmp(o->pat, n->pat) != 0 &&
                 !(i + 1 == rs->nterms && (n->key == TK_TEXT || (n->key == TK_NAME && !n->glob)) && !n->neg))
            narrow = false;
    }
    terms_free(rs);
    rs->terms = terms;
    rs->nterms = nterms;
    free(rs->filter);
    rs->filter = xstrdup(expr);
    rs->view_dirty = true;
    rs->narrow = narrow;
    rs->gen++;
    return 0;
}

const char *runset_filter(const struct runset *rs) { return rs->filter; }

static bool field_match(const struct term *t, const char *v)
{
    if (!v) v = "";
    if (t->glob) return fnmatch(t->pat, v, FNM_CASEFOLD) == 0;
    return strcasecmp(t->pat, v) == 0;
}

static bool contains(const char *hay, const char *needle)
{
    return hay && strcasestr(hay, needle) != NULL;
}

static bool term_match(const struct term *t, const struct entry *e)
{
    const struct rs_run *r = &e->pub;
    const struct agentrun *a = &r->run;
    switch (t->key) {
    case TK_TEXT:
        if (!*t->pat) return true;
        return strstr(e->hay, t->lower) != NULL;
    case TK_PHASE:
        if (strcasecmp(t->pat, "none") == 0) return !a->phase || !*a->phase;
        if (strcasecmp(t->pat, "deleted") == 0) return r->deleted;
        return field_match(t, a->phase);
    case TK_CLASS: {
        if (field_match(t, r->fail.cls)) return true;
        /* class:vcs means the whole vcs.* family */
        size_t n = strlen(t->pat);
        return !t->glob && r->fail.cls && strncasecmp(r->fail.cls, t->pat, n) == 0 &&
               r->fail.cls[n] == '.';
    }
    case TK_LANE: return field_match(t, a->lane ? a->lane : a->name);
    case TK_AGENT: return field_match(t, a->agent);
    case TK_NS: return field_match(t, a->ns);
    case TK_NAME: return t->glob ? field_match(t, a->name) : contains(a->name, t->pat);
    }
    return false;
}

static bool entry_match(const struct runset *rs, const struct entry *e)
{
    for (size_t i = 0; i < rs->nterms; i++)
        if (term_match(&rs->terms[i], e) == rs->terms[i].neg) return false;
    return true;
}

/* ---- sort ---- */

static const char *col_names[RS_NCOLS] = {
    "NAME", "PHASE", "AGENT", "AGE", "DURATION", "ATTEMPT", "CLASS", "PR", "DIGEST", "NAMESPACE",
};

const char *runset_col_name(enum rs_col col)
{
    return (unsigned)col < RS_NCOLS ? col_names[col] : "?";
}

void runset_set_sort(struct runset *rs, enum rs_col col)
{
    if ((unsigned)col >= RS_NCOLS || col == rs->sort) return;
    rs->sort = col;
    rs->sort_dirty = rs->view_dirty = true;
    rs->gen++;
}

enum rs_col runset_sort(const struct runset *rs) { return rs->sort; }

const char *rs_run_phase(const struct rs_run *r) { return r->run.phase ? r->run.phase : ""; }

int64_t rs_run_duration(const struct rs_run *r, int64_t now_ms)
{
    int64_t s = r->run.started;
    if (s == TIME_NONE) return -1;
    int64_t f = r->run.finished;
    if (f == TIME_NONE) {
        if (agentrun_is_terminal(&r->run) || r->deleted) return -1;
        f = now_ms;
    }
    return f >= s ? f - s : -1;
}

/* Missing values sort last whatever the column. */
static int cmp_str(const char *a, const char *b)
{
    bool ea = !a || !*a, eb = !b || !*b;
    if (ea || eb) return ea - eb;
    return strcmp(a, b);
}

static int cmp_i64_desc(int64_t a, int64_t b, int64_t none)
{
    if (a == none || b == none) return (a == none) - (b == none);
    return (a < b) - (a > b);
}

static struct runset *sort_ctx; /* qsort has no context argument in C11 */

static int cmp_entries(const void *pa, const void *pb)
{
    const struct entry *ea = *(struct entry *const *)pa, *eb = *(struct entry *const *)pb;
    const struct rs_run *a = &ea->pub, *b = &eb->pub;
    int c = 0;
    switch (sort_ctx->sort) {
    case RS_COL_NAME: c = cmp_str(a->run.name, b->run.name); break;
    case RS_COL_PHASE: c = cmp_str(a->run.phase, b->run.phase); break;
    case RS_COL_AGENT: c = cmp_str(a->run.agent, b->run.agent); break;
    case RS_COL_AGE: break; /* the tie-break below is newest first */
    case RS_COL_DURATION:
        c = cmp_i64_desc(rs_run_duration(a, sort_ctx->sort_now), rs_run_duration(b, sort_ctx->sort_now), -1);
        break;
    case RS_COL_ATTEMPT: c = cmp_str(a->run.attempt, b->run.attempt); break;
    case RS_COL_CLASS: c = cmp_str(a->fail.cls, b->fail.cls); break;
    case RS_COL_PR: c = cmp_i64_desc(a->pr_number, b->pr_number, -1); break;
    case RS_COL_DIGEST: c = cmp_str(a->digest, b->digest); break;
    case RS_COL_NS: c = cmp_str(a->run.ns, b->run.ns); break;
    case RS_NCOLS: break;
    }
    if (c) return c;
    c = cmp_i64_desc(a->run.created, b->run.created, TIME_NONE);
    if (c) return c;
    c = cmp_str(a->run.ns, b->run.ns);
    if (c) return c;
    c = cmp_str(a->run.name, b->run.name);
    if (c) return c;
    return strcmp(ea->key, eb->key);
}

static void rebuild(struct runset *rs)
{
    if (rs->sort_dirty) {
        rs->sorted = xgrow(rs->sorted, &rs->capsorted, rs->nall + 1, sizeof *rs->sorted);
        if (rs->nall) memcpy(rs->sorted, rs->all, rs->nall * sizeof *rs->all);
        rs->sort_now = time_now_ms();
        sort_ctx = rs;
        qsort(rs->sorted, rs->nall, sizeof *rs->sorted, cmp_entries);
        sort_ctx = NULL;
        rs->sort_dirty = false;
        rs->view_dirty = true;
        rs->narrow = false;
    }
    if (!rs->view_dirty) return;
    rs->view = xgrow(rs->view, &rs->capview, rs->nall + 1, sizeof *rs->view);
    if (rs->narrow) {
        size_t w = 0;
        for (size_t i = 0; i < rs->nview; i++) {
            struct entry *e = rs->view[i];
            if (entry_match(rs, e)) {
                e->pub.vpos = w;
                rs->view[w++] = e;
            } else {
                e->pub.vpos = SIZE_MAX;
            }
        }
        rs->nview = w;
        rs->narrow = false;
        rs->view_dirty = false;
        return;
    }
    rs->nview = 0;
    for (size_t i = 0; i < rs->nall; i++) {
        struct entry *e = rs->sorted[i];
        if (entry_match(rs, e)) {
            e->pub.vpos = rs->nview;
            rs->view[rs->nview++] = e;
        } else {
            e->pub.vpos = SIZE_MAX;
        }
    }
    rs->view_dirty = false;
}

size_t runset_view_count(struct runset *rs)
{
    rebuild(rs);
    return rs->nview;
}

struct rs_run *runset_view_at(struct runset *rs, size_t i)
{
    rebuild(rs);
    return i < rs->nview ? &rs->view[i]->pub : NULL;
}

size_t runset_view_index(struct runset *rs, const char *uid)
{
    rebuild(rs);
    struct rs_run *r = runset_find(rs, uid);
    return r ? r->vpos : SIZE_MAX;
}

void runset_counts(struct runset *rs, struct rs_counts *out)
{
    /* the status bar asks on every paint: count again only after changes */
    if (rs->counts_gen && rs->counts_gen == rs->data_gen) {
        *out = rs->counts;
        return;
    }
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < rs->nall; i++) {
        const struct rs_run *r = &rs->all[i]->pub;
        const char *p = r->run.phase;
        out->total++;
        if (r->deleted) out->deleted++;
        if (!p || !*p) out->none++;
        else if (strcmp(p, "Pending") == 0) out->pending++;
        else if (strcmp(p, "Running") == 0) out->running++;
        else if (strcmp(p, "Succeeded") == 0) out->succeeded++;
        else if (strcmp(p, "Failed") == 0) out->failed++;
        else if (strcmp(p, "Cancelled") == 0) out->cancelled++;
        else if (strcmp(p, "Template") == 0) out->tmpl++;
        else out->other++;
    }
    rs->counts = *out;
    rs->counts_gen = rs->data_gen;
}

/* ---- lanes ---- */

static const char *lane_of(const struct rs_run *r)
{
    return r->run.lane && *r->run.lane ? r->run.lane : r->run.name;
}

size_t runset_lane(struct runset *rs, const struct rs_run *run, struct rs_attempt **out)
{
    size_t n = 0, cap = 0;
    struct lane_member *m = NULL;
    const char *lane = lane_of(run);
    for (size_t i = 0; i < rs->nall; i++) {
        const struct rs_run *r = &rs->all[i]->pub;
        if (r != run && (!str_eq(lane_of(r), lane) || !str_eq(r->run.ns, run->run.ns) ||
                         !str_eq(r->run.context, run->run.context)))
            continue;
        m = xgrow(m, &cap, n + 1, sizeof *m);
        m[n++] = (struct lane_member){.run = &r->run, .image = r->image, .digest = r->digest,
                                      .failure_class = r->fail.cls, .pr_url = r->pr_url};
    }
    struct chain ch;
    linkage_chain(m, n, &ch);
    struct rs_attempt *a = xcalloc(ch.n ? ch.n : 1, sizeof *a);
    for (size_t i = 0; i < ch.n; i++) {
        /* the rs_run holds its agentrun as its first member */
        a[i].run = (const struct rs_run *)(const void *)ch.items[i].m.run;
        a[i].changed = ch.items[i].changed;
        a[i].first_success = (int64_t)i == ch.first_success;
        a[i].fix = a[i].first_success && i > 0 &&
                   (ch.items[i].changed & ~(unsigned)(CHG_OUTCOME | CHG_CLASS)) != 0;
    }
    size_t count = ch.n;
    chain_free(&ch);
    free(m);
    *out = a;
    return count;
}
