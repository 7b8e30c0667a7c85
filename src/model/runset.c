/* runset — see runset.h. Runs live in entries that are never freed before
 * runset_clear/runset_free (they are cut from slabs, so pointers handed to
 * views stay valid and a million cost no per-run malloc); two
 * open-addressing maps of entry numbers find them by uid and by
 * namespace/name. The view is a filter pass over an array kept sorted by
 * the current column.
 *
 * Bytes per run at 1,000,000 runs (bench/runset_mem): was 742 B of heap
 * (a 464-byte entry embedding a 296-byte struct agentrun, 3 strings and
 * the search text each a malloc of their own) + 40 B of maps; now one
 * entry in a slab, one block for the run's own strings and the serialised
 * rest of its AgentRun (or, for a run that is its cache row, a reference
 * to it), 4-byte map slots: 326 B for lean runs, 821 B for runs holding
 * all a synced AgentRun does, 340 B for those when seeded from the cache. */
#include "model/runset.h"
#include "model/linkage.h"
#include "util/xalloc.h"
#include "util/err.h"
#include "util/timeutil.h"
#include <fnmatch.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Per view row, for narrowing: where the memo term first matched the
 * row's hay, and the hay's bytes from there, so a term typed a few
 * characters longer is checked without touching the run at all (one
 * sequential pass over this array, not a million scattered reads). */
#define MEMO_WIN 14
struct vmemo {
    uint16_t off;        /* NOMEMO = unknown */
    char win[MEMO_WIN];  /* hay[off...], NUL-padded past its end */
};

/* A run's block (one malloc): its search text ("hay"), then its own
 * strings (name, uid, head, the "ns/name" key of a run without uid), then
 * the rest of its AgentRun: serialised (see cold_write), or, for a run
 * that is exactly its history cache row, a reference to that row (see
 * cold_ref_write): the cold fields are read back from the cache. */
struct entry {
    struct rs_run pub;   /* first: views get &e->pub */
    const char *key;     /* pub.run.uid, else "ns/name" in blk */
    char *blk;           /* owned; starts with the hay: what text terms search */
    uint32_t cold;       /* offset of the serialised rest (or the reference) in blk */
    uint32_t idx;        /* place in rs->all */
    bool key_owned;      /* key is not the uid */
    bool in_psort;       /* waits in rs->psort (not in rs->sorted) */
    bool in_pview;       /* waits in rs->pview (not in rs->view) */
    bool cold_cached;    /* blk + cold is a reference to the cache row pub.cache_id */
};

/* The cold fields of the runs read back from the cache lately (the detail
 * view is built again on every change, with the lane's attempts), so
 * opening a run costs its lane's row reads once, not once per paint. */
#define COLD_MEMO 32
struct cold_memo {
    uint32_t idx1;       /* 1 + entry's place in rs->all, 0 = empty */
    uint64_t hash;       /* the serialisation's hash (the entry's reference holds it too) */
    char *bytes;         /* the serialisation, as cold_write wrote it */
};

/* Slots hold 1 + the entry's place in rs->all (0 = empty): half the bytes
 * of a pointer, and a million runs need a map of two million slots. */
struct map {
    uint32_t *slot;
    size_t cap, used;    /* cap is a power of two */
    bool by_name;
};

enum term_key { TK_TEXT, TK_PHASE, TK_CLASS, TK_LANE, TK_AGENT, TK_NS, TK_NAME, TK_CTX };

struct term {
    enum term_key key;
    bool neg, glob;
    char *pat;
    char *lower;                  /* pat in lower case, for the text search */
    size_t lowlen;
};

/* Strings many runs share (namespace, agent, phase, lane...), stored once
 * in chunks that live as long as the run set. */
struct intern {
    const char **slot;
    size_t cap, used;  /* cap: a power of two */
    char **chunks, *cur; /* cur: the chunk being filled, left bytes free */
    size_t nchunks, capchunks, left;
};

#define SLAB_RUNS 4096 /* entries per slab */

struct runset {
    struct intern pool;
    struct entry **all;
    size_t nall, capall;
    struct entry **slabs;         /* all[i] lives in slabs[i / SLAB_RUNS] */
    size_t nslabs, capslabs;
    struct map by_uid, by_name;
    struct pod *orphans;          /* pods whose run has not arrived */
    const char **orphan_ctx;      /* each one's context (interned) */
    size_t norphans, caporphans, caporphan_ctx;
    uint64_t gen;
    /* Sorted order of all entries, and the filtered view over it. Both are
     * kept, not rebuilt: a changed run leaves them (a NULL hole, or stays
     * when still in order between its neighbours) and waits in psort /
     * pview with the new ones; the next rebuild merges the few waiting
     * runs in. A full sort happens only when the column changes. */
    struct entry **sorted;
    size_t nsorted, capsorted, sholes; /* nsorted counts holes (NULL) too */
    bool sort_dirty;                   /* the order must be computed from scratch */
    struct entry **psort;              /* new or moved runs, not in sorted */
    size_t npsort, cappsort;
    struct entry **view;
    size_t nview, capview, vholes;
    bool view_dirty;                   /* the filter changed: filter sorted (or narrow) again */
    struct entry **pview;              /* runs to test against the filter and merge into view */
    size_t npview, cappview;
    /* narrowing memo: where the last text term first matched each view row's
     * hay, so a term typed longer is checked at that offset first */
    struct vmemo *vmemo;
    size_t capvmemo;
    bool memo_ok;
    size_t memo_term;
    size_t narrow_from;           /* narrowing: terms before this one still hold for the view */
    enum rs_col sort;
    char *filter;
    struct term *terms;
    size_t nterms;
    bool narrow;                  /* the new filter only narrows the view: refilter it */
    struct rs_counts counts;      /* kept up to date by every change */
    int64_t sort_now;             /* "now" used for running durations */
    /* where the cold fields of runs seeded from the history cache come back from */
    rs_cold_fn cold_fn;
    void *cold_ud;
    struct cold_memo cmemo[COLD_MEMO];
    size_t cmemo_next;
    char *scratch;                /* a serialisation being measured or checked */
    size_t capscratch;
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

static const char *nz(const char *s) { return s ? s : ""; }

static bool str_eq(const char *a, const char *b)
{
    if (!a || !b) return a == b;
    return strcmp(a, b) == 0;
}

/* Both maps are keyed by context too (a NULL context is the empty one):
 * two clusters may hold runs of the same namespace and name, and a uid is
 * only unique within its cluster. */
static uint64_t hash_more(uint64_t h, const char *s)
{
    h ^= '/';
    h *= 1099511628211ULL;
    for (const char *p = nz(s); *p; p++) {
        h ^= (unsigned char)*p;
        h *= 1099511628211ULL;
    }
    return h;
}

/* The slot holding the entry for ctx + key (by_uid) or ctx + ns + name
 * (by_name), or the empty slot where it would go. */
static uint32_t *map_find(const struct map *m, struct entry *const *all, const char *ctx, const char *key,
                          const char *ns, const char *name)
{
    if (!m->cap) return NULL;
    size_t mask = m->cap - 1;
    uint64_t h = m->by_name ? hash_more(hash_more(rs_uid_key(nz(ctx)), ns), name)
                            : hash_more(rs_uid_key(nz(ctx)), key);
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        uint32_t *s = &m->slot[i];
        if (!*s) return s;
        const struct entry *e = all[*s - 1];
        if (strcmp(nz(e->pub.run.context), nz(ctx)) != 0) continue;
        if (m->by_name ? strcmp(nz(e->pub.run.name), nz(name)) == 0 && strcmp(nz(e->pub.run.ns), nz(ns)) == 0
                       : strcmp(e->key, nz(key)) == 0)
            return s;
    }
}

/* The entry stored under that key, or NULL. */
static struct entry *map_lookup(const struct runset *rs, const char *ctx, const char *key)
{
    uint32_t *s = map_find(&rs->by_uid, rs->all, ctx, key, NULL, NULL);
    return s && *s ? rs->all[*s - 1] : NULL;
}

static struct entry *map_lookup_name(const struct runset *rs, const char *ctx, const char *ns, const char *name)
{
    uint32_t *s = map_find(&rs->by_name, rs->all, ctx, NULL, ns, name);
    return s && *s ? rs->all[*s - 1] : NULL;
}

static void map_put(struct map *m, struct entry *const *all, const struct entry *e);

static void map_grow(struct map *m, struct entry *const *all)
{
    uint32_t *old = m->slot;
    size_t oldcap = m->cap;
    m->cap = oldcap ? oldcap * 2 : 64;
    m->slot = xcalloc(m->cap, sizeof *m->slot);
    m->used = 0;
    for (size_t i = 0; i < oldcap; i++)
        if (old[i]) map_put(m, all, all[old[i] - 1]);
    free(old);
}

/* Inserts or replaces the entry stored under e's key. */
static void map_put(struct map *m, struct entry *const *all, const struct entry *e)
{
    if ((m->used + 1) * 4 >= m->cap * 3) map_grow(m, all);
    uint32_t *s = map_find(m, all, e->pub.run.context, e->key, e->pub.run.ns, e->pub.run.name);
    if (!*s) m->used++;
    *s = e->idx + 1;
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

#define INTERN_CHUNK ((size_t)64 << 10)

static char *intern_chunk(struct intern *in, size_t n)
{
    in->chunks = xgrow(in->chunks, &in->capchunks, in->nchunks + 1, sizeof *in->chunks);
    return in->chunks[in->nchunks++] = xmalloc(n);
}

static const char *intern_store(struct intern *in, const char *str, size_t n)
{
    char *d;
    if (n + 1 > INTERN_CHUNK / 4) {
        d = intern_chunk(in, n + 1); /* a long one alone */
    } else {
        if (in->left < n + 1) {
            in->cur = intern_chunk(in, INTERN_CHUNK);
            in->left = INTERN_CHUNK;
        }
        d = in->cur + (INTERN_CHUNK - in->left);
        in->left -= n + 1;
    }
    memcpy(d, str, n + 1);
    return d;
}

static const char *intern(struct intern *in, const char *str)
{
    if (!str) return NULL;
    if ((in->used + 1) * 2 >= in->cap) {
        size_t oldcap = in->cap;
        const char **old = in->slot;
        in->cap = oldcap ? oldcap * 2 : 256;
        in->slot = xcalloc(in->cap, sizeof *in->slot);
        for (size_t i = 0; i < oldcap; i++) {
            if (!old[i]) continue;
            size_t k = rs_uid_key(old[i]) & (in->cap - 1);
            while (in->slot[k]) k = (k + 1) & (in->cap - 1);
            in->slot[k] = old[i];
        }
        free(old);
    }
    size_t k = rs_uid_key(str) & (in->cap - 1);
    for (; in->slot[k]; k = (k + 1) & (in->cap - 1))
        if (strcmp(in->slot[k], str) == 0) return in->slot[k];
    in->used++;
    return in->slot[k] = intern_store(in, str, strlen(str));
}

static void intern_free(struct intern *in)
{
    for (size_t i = 0; i < in->nchunks; i++) free(in->chunks[i]);
    free(in->chunks);
    free(in->slot);
    memset(in, 0, sizeof *in);
}

/* ---- the compact record ---- */

static const struct rs_links no_links = {.pr_number = -1, .fail = {.line = -1}};

/* The links of e, for writing: its own record from the first fact on. */
static struct rs_links *links_mut(struct entry *e)
{
    if (e->pub.links == &no_links) {
        struct rs_links *l = xcalloc(1, sizeof *l);
        l->pr_number = -1;
        l->fail.line = -1;
        e->pub.links = l;
    }
    return (struct rs_links *)e->pub.links;
}

static void links_free(const struct rs_links *cl)
{
    if (cl == &no_links) return;
    struct rs_links *l = (struct rs_links *)cl;
    for (size_t i = 0; i < l->npods; i++) pod_free(&l->pods[i]);
    free(l->pods);
    free(l->image);
    free(l->digest);
    failure_free(&l->fail);
    free(l->pr_url);
    free(l->pr_source);
    free(l);
}

/* The AgentRun fields r->run does not hold, serialised in the block in
 * this order (a bit each in a mask, present ones NUL-terminated). */
static const size_t cold_strs[] = {
    offsetof(struct agentrun, resource_version), offsetof(struct agentrun, rerun_of),
    offsetof(struct agentrun, rerun_of_uid),     offsetof(struct agentrun, runtime),
    offsetof(struct agentrun, idempotency_key),  offsetof(struct agentrun, workload_image),
    offsetof(struct agentrun, vcs_mode),         offsetof(struct agentrun, param_head),
    offsetof(struct agentrun, reason),           offsetof(struct agentrun, message),
    offsetof(struct agentrun, base),             offsetof(struct agentrun, system_prompt_hash),
    offsetof(struct agentrun, spec_hash),        offsetof(struct agentrun, runtime_ref_name),
    offsetof(struct agentrun, runner_status),    offsetof(struct agentrun, runner_error),
};
#define NCOLD (sizeof cold_strs / sizeof cold_strs[0])
/* ... then the numbers that differ from their "absent" value, a bit each */
enum { CI_DELETED_AT = 1, CI_UPDATED = 2, CI_EXIT = 4, CI_VCS_REQUIRED = 8, CI_RUNNER = 16, CI_CONDS = 32 };
/* ... and per condition: a mask of its four strings, bit 4 its time */
static const size_t cond_strs[] = {
    offsetof(struct condition, type), offsetof(struct condition, status),
    offsetof(struct condition, reason), offsetof(struct condition, message),
};

static char *const *str_at(const void *base, size_t off) { return (char *const *)(const void *)((const char *)base + off); }

/* Appends to a block being measured (p NULL: only n grows) or written. */
struct wr {
    char *p;
    size_t n;
};

static void wr_bytes(struct wr *w, const void *b, size_t n)
{
    if (w->p) memcpy(w->p + w->n, b, n);
    w->n += n;
}

static void wr_str(struct wr *w, const char *s) { wr_bytes(w, s, strlen(s) + 1); }

static void cold_write(struct wr *w, const struct agentrun *a)
{
    uint32_t smask = 0;
    for (size_t i = 0; i < NCOLD; i++)
        if (*str_at(a, cold_strs[i])) smask |= 1u << i;
    unsigned char imask = (unsigned char)((a->deleted_at != TIME_NONE ? CI_DELETED_AT : 0) |
                                          (a->updated != TIME_NONE ? CI_UPDATED : 0) |
                                          (a->runner_exit_code != -1 ? CI_EXIT : 0) |
                                          (a->vcs_required ? CI_VCS_REQUIRED : 0) | (a->has_runner ? CI_RUNNER : 0) |
                                          (a->nconditions ? CI_CONDS : 0));
    uint32_t nc = a->nconditions > UINT32_MAX ? UINT32_MAX : (uint32_t)a->nconditions;
    wr_bytes(w, &smask, sizeof smask);
    wr_bytes(w, &imask, 1);
    if (imask & CI_DELETED_AT) wr_bytes(w, &a->deleted_at, sizeof a->deleted_at);
    if (imask & CI_UPDATED) wr_bytes(w, &a->updated, sizeof a->updated);
    if (imask & CI_EXIT) wr_bytes(w, &a->runner_exit_code, sizeof a->runner_exit_code);
    if (imask & CI_CONDS) wr_bytes(w, &nc, sizeof nc);
    for (size_t i = 0; i < NCOLD; i++)
        if (smask & (1u << i)) wr_str(w, *str_at(a, cold_strs[i]));
    for (size_t k = 0; k < nc; k++) {
        const struct condition *c = &a->conditions[k];
        unsigned char m = c->last_transition != TIME_NONE ? 16 : 0;
        for (size_t i = 0; i < 4; i++)
            if (*str_at(c, cond_strs[i])) m |= (unsigned char)(1u << i);
        wr_bytes(w, &m, 1);
        if (m & 16) wr_bytes(w, &c->last_transition, sizeof c->last_transition);
        for (size_t i = 0; i < 4; i++)
            if (m & (1u << i)) wr_str(w, *str_at(c, cond_strs[i]));
    }
}

static const char *rd_bytes(const char *p, void *out, size_t n)
{
    memcpy(out, p, n);
    return p + n;
}

/* The inverse of cold_write, into *a (strings copied). */
static void cold_read(const char *p, struct agentrun *a)
{
    uint32_t smask;
    unsigned char imask;
    p = rd_bytes(p, &smask, sizeof smask);
    p = rd_bytes(p, &imask, 1);
    a->deleted_at = a->updated = TIME_NONE;
    a->runner_exit_code = -1;
    if (imask & CI_DELETED_AT) p = rd_bytes(p, &a->deleted_at, sizeof a->deleted_at);
    if (imask & CI_UPDATED) p = rd_bytes(p, &a->updated, sizeof a->updated);
    if (imask & CI_EXIT) p = rd_bytes(p, &a->runner_exit_code, sizeof a->runner_exit_code);
    uint32_t n = 0;
    if (imask & CI_CONDS) p = rd_bytes(p, &n, sizeof n);
    a->vcs_required = (imask & CI_VCS_REQUIRED) != 0;
    a->has_runner = (imask & CI_RUNNER) != 0;
    for (size_t i = 0; i < NCOLD; i++) {
        if (!(smask & (1u << i))) continue;
        *(char **)(void *)((char *)a + cold_strs[i]) = xstrdup(p);
        p += strlen(p) + 1;
    }
    a->conditions = n ? xcalloc(n, sizeof *a->conditions) : NULL;
    a->nconditions = n;
    for (size_t k = 0; k < n; k++) {
        struct condition *c = &a->conditions[k];
        unsigned char m;
        p = rd_bytes(p, &m, 1);
        c->last_transition = TIME_NONE;
        if (m & 16) p = rd_bytes(p, &c->last_transition, sizeof c->last_transition);
        for (size_t i = 0; i < 4; i++) {
            if (!(m & (1u << i))) continue;
            *(char **)(void *)((char *)c + cond_strs[i]) = xstrdup(p);
            p += strlen(p) + 1;
        }
    }
}

/* ---- the cold fields: in the block, or a reference to the cache row ---- */

/* A serialisation's fingerprint, 8 bytes at a time (a million runs are
 * hashed while seeding: FNV's byte loop cost a tenth of a second more).
 * It tells whether a cache row still holds what the run set read from it;
 * rows are not adversaries of each other, so a strong mix is enough. */
static uint64_t cold_hash(const char *p, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ (uint64_t)n;
    for (; n >= 8; p += 8, n -= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdULL;
        h ^= h >> 32;
    }
    uint64_t t = 0;
    memcpy(&t, p, n);
    h = (h ^ t) * 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 29;
    h *= 0xff51afd7ed558ccdULL;
    return h ^ (h >> 32);
}

/* The reference a cached run keeps instead of its cold fields: a flag
 * byte, the hash of the cold serialisation the cache row gives back
 * (deletion time apart, below), the deletion time when there is one
 * (REF_DELETED_AT), the resourceVersion (REF_RV; compared on every event,
 * so kept). The row is pub.cache_id.
 * The deletion time is the one field the row changes without a new
 * version of the run: the console marks a run the server deleted in its
 * cache as it flags it here (store_mark_run_deleted), and the row then
 * gives the time of that mark. So it is kept here as the set read it and
 * left out of the hash. */
enum { REF_RV = 1, REF_DELETED_AT = 2 };
#define REF_FIXED (1 + sizeof(uint64_t))

static size_t cold_ref_size(const struct agentrun *a)
{
    return REF_FIXED + (a->deleted_at != TIME_NONE ? sizeof a->deleted_at : 0) +
           (a->resource_version ? strlen(a->resource_version) + 1 : 0);
}

static void cold_ref_write(struct wr *w, uint64_t hash, const struct agentrun *a)
{
    unsigned char flags = (a->resource_version ? REF_RV : 0) | (a->deleted_at != TIME_NONE ? REF_DELETED_AT : 0);
    wr_bytes(w, &flags, 1);
    wr_bytes(w, &hash, sizeof hash);
    if (flags & REF_DELETED_AT) wr_bytes(w, &a->deleted_at, sizeof a->deleted_at);
    if (a->resource_version) wr_str(w, a->resource_version);
}

static uint64_t cold_ref_hash(const struct entry *e)
{
    uint64_t h;
    memcpy(&h, e->blk + e->cold + 1, sizeof h);
    return h;
}

static int64_t cold_ref_deleted_at(const struct entry *e)
{
    const char *p = e->blk + e->cold;
    int64_t t = TIME_NONE;
    if (*p & REF_DELETED_AT) memcpy(&t, p + REF_FIXED, sizeof t);
    return t;
}

/* The resourceVersion, the first cold string: compared on every event. */
static const char *cold_rv(const struct entry *e)
{
    const char *p = e->blk + e->cold;
    if (e->cold_cached)
        return (*p & REF_RV) ? p + REF_FIXED + ((*p & REF_DELETED_AT) ? sizeof(int64_t) : 0) : NULL;
    uint32_t smask;
    unsigned char imask;
    p = rd_bytes(p, &smask, sizeof smask);
    p = rd_bytes(p, &imask, 1);
    if (!(smask & 1u)) return NULL;
    p += (imask & CI_DELETED_AT ? 8 : 0) + (imask & CI_UPDATED ? 8 : 0) + (imask & CI_EXIT ? 8 : 0) +
         (imask & CI_CONDS ? 4 : 0);
    return p;
}

/* a's cold fields serialised into rs->scratch; returns the byte count. */
static size_t cold_serialise(struct runset *rs, const struct agentrun *a)
{
    struct wr w = {0};
    cold_write(&w, a);
    rs->scratch = xgrow(rs->scratch, &rs->capscratch, w.n, 1);
    size_t n = w.n;
    w = (struct wr){rs->scratch, 0};
    cold_write(&w, a);
    return n;
}

/* Separates the hay's fields; folded out of fields and terms (below). */
#define HAY_SEP '\1'

/* s in lower case (ASCII), with the hay's separator folded into the next
 * control byte: a field or a term never holds the separator, so a term
 * never matches across two fields (a term typed with that byte finds a
 * field holding it, and one holding \2 too: both are control bytes). */
static void lower_into(char *dst, const char *s)
{
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        *dst++ = (char)(ch < 128 && ch >= 'A' && ch <= 'Z' ? ch + 32 : ch == HAY_SEP ? HAY_SEP + 1 : ch);
    }
    *dst = 0;
}

static char *lower_dup(const char *s)
{
    char *d = xmalloc(strlen(s ? s : "") + 1);
    lower_into(d, s ? s : "");
    return d;
}

/* The hay: name, agent, lane and head in lower case, HAY_SEP between
 * them (one strstr over the hay is far faster than strcasestr over four
 * fields; fields ending with NUL searched with memmem, or strstr per field,
 * cost twice the time of a full pass at a million runs). Neither fields
 * nor terms hold HAY_SEP (lower_into folds it), so no match spans two
 * fields. A field found inside another one is left out: any text in it is
 * in the other too (a lane is usually its runs' name less the attempt).
 * The failure class is searched apart (it arrives later, and the hay
 * never changes). */
#define HAY_FIELDS 4
static void hay_fields(const struct agentrun *a, char *low[HAY_FIELDS])
{
    const char *f[HAY_FIELDS] = {a->name, a->agent, a->lane, a->head};
    for (size_t i = 0; i < HAY_FIELDS; i++) low[i] = f[i] && *f[i] ? lower_dup(f[i]) : NULL;
    for (size_t i = 0; i < HAY_FIELDS; i++) {
        if (!low[i]) continue;
        for (size_t j = 0; j < HAY_FIELDS; j++) {
            if (j == i || !low[j]) continue;
            /* equal ones: the first stays */
            if (strstr(low[j], low[i]) && (strlen(low[j]) > strlen(low[i]) || j < i)) {
                free(low[i]);
                low[i] = NULL;
                break;
            }
        }
    }
}

/* The first occurrence of pat (lower case, folded) in e's hay at or
 * after byte `from` (within the hay), or NULL. */
static const char *hay_find(const struct entry *e, size_t from, const char *pat)
{
    return strstr(e->blk + from, pat);
}

/* Makes e's record and block from *a and frees *a (zeroed after). A
 * string of the run's own that the hay ends with (a head or name already
 * in lower case, the usual case) is not stored twice: it points into the
 * hay's tail (suffix sharing; the hay never changes while they do).
 * cache_row: *a is exactly what the history cache's row pub.cache_id
 * gives back; with a cold source, its cold fields are then left there
 * when the reference is the smaller. */
static void entry_set_run(struct runset *rs, struct entry *e, struct agentrun *a, const char *nskey,
                          bool cache_row)
{
    char *low[HAY_FIELDS];
    hay_fields(a, low);
    size_t haylen = 0;
    for (size_t i = 0; i < HAY_FIELDS; i++) haylen += low[i] ? strlen(low[i]) + 1 : 0;
    char *hay = xmalloc(haylen + 1);
    size_t o = 0;
    for (size_t i = 0; i < HAY_FIELDS; i++) {
        if (!low[i]) continue;
        if (o) hay[o++] = HAY_SEP;
        size_t n = strlen(low[i]);
        memcpy(hay + o, low[i], n);
        o += n;
        free(low[i]);
    }
    hay[o] = 0;
    haylen = o;
    size_t ncold = cold_serialise(rs, a);
    bool ref = cache_row && rs->cold_fn && cold_ref_size(a) < ncold;
    uint64_t hash = 0;
    if (ref && a->deleted_at == TIME_NONE) {
        hash = cold_hash(rs->scratch, ncold);
    } else if (ref) {
        int64_t del = a->deleted_at; /* kept in the reference, not hashed (above) */
        a->deleted_at = TIME_NONE;
        hash = cold_hash(rs->scratch, cold_serialise(rs, a));
        a->deleted_at = del;
    }
    const char *own[] = {a->name, a->uid, a->head, nskey};
    const char **dst[] = {&e->pub.run.name, &e->pub.run.uid, &e->pub.run.head, &e->key};
    size_t nown = sizeof own / sizeof own[0];
    struct wr w = {0};
    for (int pass = 0; pass < 2; pass++) {
        if (pass) {
            free(e->blk);
            e->blk = w.p = xmalloc(w.n);
            w.n = 0;
        }
        wr_bytes(&w, hay, haylen + 1);
        for (size_t i = 0; i < nown; i++) {
            if (!own[i]) {
                if (pass) *dst[i] = NULL;
                continue;
            }
            size_t n = strlen(own[i]);
            if (n <= haylen && memcmp(hay + haylen - n, own[i], n) == 0) {
                if (pass) *dst[i] = w.p + haylen - n;
                continue;
            }
            if (pass) *dst[i] = w.p + w.n;
            wr_bytes(&w, own[i], n + 1);
        }
        e->cold = (uint32_t)w.n;
        if (ref) cold_ref_write(&w, hash, a);
        else wr_bytes(&w, rs->scratch, ncold);
    }
    free(hay);
    e->cold_cached = ref;
    struct rs_rec *r = &e->pub.run;
    r->context = intern(&rs->pool, a->context);
    r->ns = intern(&rs->pool, a->ns);
    r->lane = intern(&rs->pool, a->lane);
    r->attempt = intern(&rs->pool, a->attempt);
    r->agent = intern(&rs->pool, a->agent);
    r->phase = intern(&rs->pool, a->phase);
    r->repository = intern(&rs->pool, a->repository);
    r->created = a->created;
    r->started = a->started;
    r->finished = a->finished;
    if (!nskey) e->key = r->uid;
    agentrun_free(a);
    memset(a, 0, sizeof *a);
}

static char *dup_or_null(const char *s) { return s ? xstrdup(s) : NULL; }

void runset_set_cold_source(struct runset *rs, rs_cold_fn fn, void *ud)
{
    rs->cold_fn = fn;
    rs->cold_ud = ud;
}

static void cold_memo_clear(struct runset *rs)
{
    for (size_t i = 0; i < COLD_MEMO; i++) {
        free(rs->cmemo[i].bytes);
        rs->cmemo[i] = (struct cold_memo){0};
    }
    rs->cmemo_next = 0;
}

/* e's cold fields from the cache into *out: the row must still give back
 * what the run set read from it (same run, same serialisation), else the
 * fields are left out (never another version's) and err says why. */
static int cold_load(struct runset *rs, const struct entry *e, struct agentrun *out, char *err, size_t errlen)
{
    const struct rs_run *r = &e->pub;
    uint64_t want = cold_ref_hash(e);
    for (size_t i = 0; i < COLD_MEMO; i++) {
        const struct cold_memo *m = &rs->cmemo[i];
        if (m->idx1 == e->idx + 1 && m->hash == want) {
            cold_read(m->bytes, out);
            out->deleted_at = cold_ref_deleted_at(e);
            return 0;
        }
    }
    const char *ns = nz(r->run.ns), *name = nz(r->run.name);
    if (!rs->cold_fn)
        return errf(err, errlen, "run %s/%s: its message, conditions and hashes are in the history cache,"
                                 " which is closed", ns, name);
    struct agentrun c;
    char e2[ERRLEN];
    memset(&c, 0, sizeof c);
    int rc = rs->cold_fn(rs->cold_ud, r->cache_id, &c, e2, sizeof e2);
    if (rc < 0) {
        agentrun_free(&c);
        return errf(err, errlen, "run %s/%s: its message, conditions and hashes could not be read: %s", ns, name,
                    e2);
    }
    if (rc == 0 || !str_eq(nz(c.context), nz(r->run.context)) || !str_eq(c.uid, r->run.uid) ||
        (!r->run.uid && (!str_eq(c.name, r->run.name) || !str_eq(c.ns, r->run.ns)))) {
        agentrun_free(&c);
        return errf(err, errlen, "run %s/%s: its message, conditions and hashes are no longer in the history"
                                 " cache (row %lld is gone)", ns, name, (long long)r->cache_id);
    }
    c.deleted_at = TIME_NONE; /* the set's own is in the reference */
    size_t n = cold_serialise(rs, &c);
    agentrun_free(&c);
    if (cold_hash(rs->scratch, n) != want)
        return errf(err, errlen, "run %s/%s: its history cache row changed since the list read it (another"
                                 " artriage wrote it); its message, conditions and hashes are left out until the"
                                 " run is read again", ns, name);
    struct cold_memo *m = &rs->cmemo[rs->cmemo_next];
    rs->cmemo_next = (rs->cmemo_next + 1) % COLD_MEMO;
    free(m->bytes);
    m->bytes = xmalloc(n);
    memcpy(m->bytes, rs->scratch, n);
    m->idx1 = e->idx + 1;
    m->hash = want;
    cold_read(m->bytes, out);
    out->deleted_at = cold_ref_deleted_at(e);
    return 0;
}

int runset_run_agentrun(struct runset *rs, const struct rs_run *r, struct agentrun *out, char *err,
                        size_t errlen)
{
    const struct entry *e = (const struct entry *)(const void *)r;
    memset(out, 0, sizeof *out);
    out->context = dup_or_null(r->run.context);
    out->ns = dup_or_null(r->run.ns);
    out->name = dup_or_null(r->run.name);
    out->uid = dup_or_null(r->run.uid);
    out->lane = dup_or_null(r->run.lane);
    out->attempt = dup_or_null(r->run.attempt);
    out->agent = dup_or_null(r->run.agent);
    out->phase = dup_or_null(r->run.phase);
    out->head = dup_or_null(r->run.head);
    out->repository = dup_or_null(r->run.repository);
    out->created = r->run.created;
    out->started = r->run.started;
    out->finished = r->run.finished;
    if (!e->cold_cached) {
        cold_read(e->blk + e->cold, out);
        return 0;
    }
    if (cold_load(rs, e, out, err, errlen) == 0) return 0;
    /* what the set holds, and no cold field: none of another version */
    out->deleted_at = out->updated = TIME_NONE;
    out->runner_exit_code = -1;
    out->resource_version = dup_or_null(cold_rv(e));
    return -1;
}

bool rs_run_is_terminal(const struct rs_run *r)
{
    const char *p = r->run.phase;
    return p && (strcmp(p, "Succeeded") == 0 || strcmp(p, "Failed") == 0 || strcmp(p, "Cancelled") == 0);
}

static void entry_free(struct entry *e)
{
    links_free(e->pub.links);
    free(e->blk);
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
    for (size_t i = 0; i < rs->nslabs; i++) free(rs->slabs[i]);
    rs->nslabs = 0;
    for (size_t i = 0; i < rs->norphans; i++) pod_free(&rs->orphans[i]);
    rs->norphans = 0;
    map_clear(&rs->by_uid);
    map_clear(&rs->by_name);
    rs->nview = rs->vholes = rs->nsorted = rs->sholes = 0;
    rs->npsort = rs->npview = 0;
    rs->sort_dirty = rs->view_dirty = true;
    rs->narrow = false;
    rs->memo_ok = false;
    memset(&rs->counts, 0, sizeof rs->counts);
    cold_memo_clear(rs);
    rs->gen++;
}

void runset_free(struct runset *rs)
{
    if (!rs) return;
    runset_clear(rs);
    free(rs->all);
    free(rs->slabs);
    free(rs->orphans);
    free(rs->orphan_ctx);
    free(rs->sorted);
    free(rs->psort);
    free(rs->view);
    free(rs->pview);
    free(rs->vmemo);
    free(rs->filter);
    free(rs->scratch);
    terms_free(rs);
    intern_free(&rs->pool);
    free(rs);
}

static int cmp_entry(const struct runset *rs, const struct entry *ea, const struct entry *eb);

static void bump(size_t *x, int d)
{
    if (d > 0) (*x)++;
    else (*x)--;
}

/* The status bar's counts follow each change (a recount of a million runs
 * per paint was a tenth of the loading time). */
static void count_run(struct rs_counts *c, const struct rs_run *r, int d)
{
    const char *p = r->run.phase;
    bump(&c->total, d);
    if (r->deleted) bump(&c->deleted, d);
    if (!p || !*p) bump(&c->none, d);
    else if (strcmp(p, "Pending") == 0) bump(&c->pending, d);
    else if (strcmp(p, "Running") == 0) bump(&c->running, d);
    else if (strcmp(p, "Succeeded") == 0) bump(&c->succeeded, d);
    else if (strcmp(p, "Failed") == 0) bump(&c->failed, d);
    else if (strcmp(p, "Cancelled") == 0) bump(&c->cancelled, d);
    else if (strcmp(p, "Template") == 0) bump(&c->tmpl, d);
    else bump(&c->other, d);
}

/* Slot of e in a[0..n) (in order, NULL holes allowed), or SIZE_MAX. */
static size_t locate(const struct runset *rs, struct entry *const *a, size_t n, const struct entry *e)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2, m = mid;
        while (m < hi && !a[m]) m++;
        if (m == hi) {
            hi = mid;
            continue;
        }
        if (a[m] == e) return m;
        if (cmp_entry(rs, e, a[m]) < 0) hi = mid;
        else lo = m + 1;
    }
    return SIZE_MAX;
}

/* a[pos] still sorts between its nearest neighbours. */
static bool in_order_at(const struct runset *rs, struct entry *const *a, size_t n, size_t pos)
{
    for (size_t i = pos; i-- > 0;) {
        if (!a[i]) continue;
        if (cmp_entry(rs, a[i], a[pos]) >= 0) return false;
        break;
    }
    for (size_t i = pos + 1; i < n; i++) {
        if (!a[i]) continue;
        if (cmp_entry(rs, a[pos], a[i]) >= 0) return false;
        break;
    }
    return true;
}

static void push(struct entry ***list, size_t *n, size_t *cap, struct entry *e)
{
    *list = xgrow(*list, cap, *n + 1, sizeof **list);
    (*list)[(*n)++] = e;
}

/* The view is filtered from scratch at the next rebuild (no need to queue). */
static bool view_refilters(const struct runset *rs)
{
    return rs->sort_dirty || (rs->view_dirty && !rs->narrow);
}

/* Before a change to e: it leaves the view (it is tested again, with its
 * new fields, at the next rebuild). Returns its slot in sorted. */
static size_t change_begin(struct runset *rs, struct entry *e)
{
    count_run(&rs->counts, &e->pub, -1);
    if (!view_refilters(rs) && !e->in_pview) {
        size_t v = locate(rs, rs->view, rs->nview, e);
        if (v != SIZE_MAX) {
            rs->view[v] = NULL;
            rs->vholes++;
            rs->memo_ok = false;
        }
        e->in_pview = true;
        push(&rs->pview, &rs->npview, &rs->cappview, e);
    }
    if (rs->sort_dirty || e->in_psort) return SIZE_MAX;
    return locate(rs, rs->sorted, rs->nsorted, e);
}

static void changed(struct runset *rs, struct entry *e)
{
    rs->gen++;
    e->pub.gen = rs->gen;
}

/* After the change: e stays in sorted if it is still in order there
 * (most changes do not touch the sort column), else it waits in psort. */
static void change_end(struct runset *rs, struct entry *e, size_t pos)
{
    count_run(&rs->counts, &e->pub, 1);
    changed(rs, e);
    if (rs->sort_dirty || e->in_psort) return;
    if (pos == SIZE_MAX) {
        /* not where the order says: never expected; sort from scratch */
        rs->sort_dirty = true;
        return;
    }
    if (!in_order_at(rs, rs->sorted, rs->nsorted, pos)) {
        rs->sorted[pos] = NULL;
        rs->sholes++;
        e->in_psort = true;
        push(&rs->psort, &rs->npsort, &rs->cappsort, e);
    }
}

static void entry_added(struct runset *rs, struct entry *e)
{
    count_run(&rs->counts, &e->pub, 1);
    changed(rs, e);
    if (!rs->sort_dirty) {
        e->in_psort = true;
        push(&rs->psort, &rs->npsort, &rs->cappsort, e);
    }
    if (!view_refilters(rs)) {
        e->in_pview = true;
        push(&rs->pview, &rs->npview, &rs->cappview, e);
    }
}

static char *nskey_of(const char *ns, const char *name)
{
    return xasprintf("%s/%s", ns ? ns : "", name ? name : "");
}

/* The main container's image and digest become the run's, unless a pod
 * gives none (then an earlier value, e.g. from the cache, is kept). */
static void take_image_from_pods(struct rs_links *l)
{
    struct run_image img;
    if (!linkage_runner_image(l->pods, l->npods, NULL, &img)) return;
    if (img.image) {
        char *s = xstrdup(img.image);
        free(l->image);
        l->image = s;
    }
    if (img.digest) {
        char *s = xstrdup(img.digest);
        free(l->digest);
        l->digest = s;
    }
}

static void attach_pod(struct entry *e, struct pod *p)
{
    struct rs_links *l = links_mut(e);
    for (size_t i = 0; i < l->npods; i++) {
        if (l->pods[i].uid && p->uid && strcmp(l->pods[i].uid, p->uid) == 0) {
            pod_free(&l->pods[i]);
            l->pods[i] = *p;
            memset(p, 0, sizeof *p);
            take_image_from_pods(l);
            return;
        }
    }
    l->pods = xrealloc(l->pods, (l->npods + 1) * sizeof *l->pods);
    l->pods[l->npods++] = *p;
    memset(p, 0, sizeof *p);
    take_image_from_pods(l);
}

static void adopt_orphans(struct runset *rs, struct entry *e)
{
    size_t w = 0;
    for (size_t i = 0; i < rs->norphans; i++) {
        struct pod *p = &rs->orphans[i];
        if (p->run_name && e->pub.run.name && strcmp(p->run_name, e->pub.run.name) == 0 &&
            strcmp(nz(p->ns), nz(e->pub.run.ns)) == 0 &&
            strcmp(nz(rs->orphan_ctx[i]), nz(e->pub.run.context)) == 0) {
            attach_pod(e, p);
        } else {
            rs->orphan_ctx[w] = rs->orphan_ctx[i];
            rs->orphans[w++] = *p;
        }
    }
    rs->norphans = w;
}

/* A new entry, cut from the current slab, numbered as rs->all[idx]. */
static struct entry *entry_new(struct runset *rs)
{
    if (rs->nall % SLAB_RUNS == 0) {
        rs->slabs = xgrow(rs->slabs, &rs->capslabs, rs->nslabs + 1, sizeof *rs->slabs);
        rs->slabs[rs->nslabs++] = xcalloc(SLAB_RUNS, sizeof **rs->slabs);
    }
    struct entry *e = &rs->slabs[rs->nall / SLAB_RUNS][rs->nall % SLAB_RUNS];
    e->idx = (uint32_t)rs->nall;
    e->pub.links = &no_links;
    rs->all = xgrow(rs->all, &rs->capall, rs->nall + 1, sizeof *rs->all);
    rs->all[rs->nall++] = e;
    return e;
}

static void drop_run(struct agentrun *run, char *nskey)
{
    agentrun_free(run);
    memset(run, 0, sizeof *run);
    free(nskey);
}

/* runset_apply_run; cache_id: the cache row *run is exactly (0: not one). */
static void apply_run(struct runset *rs, enum rs_event ev, struct agentrun *run, bool deleted, int64_t cache_id)
{
    bool has_uid = run->uid && *run->uid;
    char *nskey = has_uid ? NULL : nskey_of(run->ns, run->name);
    struct entry *e = map_lookup(rs, run->context, has_uid ? run->uid : nskey);

    if (ev == RS_EV_DELETED) {
        if (e && !e->pub.deleted) {
            size_t pos = change_begin(rs, e);
            e->pub.deleted = true;
            change_end(rs, e, pos);
        } else if (!e) {
            /* A deletion of a run we never saw: keep what it says, as deleted. */
            ev = RS_EV_ADDED;
            deleted = true;
        }
        if (ev == RS_EV_DELETED) {
            drop_run(run, nskey);
            return;
        }
    }
    if (e) {
        /* The live object wins over the cache's copy; a cache copy never
         * resurrects or overwrites a run the feed already reported. */
        if (deleted && !e->pub.deleted) {
            if (!e->pub.cache_id) e->pub.cache_id = cache_id;
            drop_run(run, nskey);
            return;
        }
        const char *rv = cold_rv(e);
        bool same = rv && run->resource_version && strcmp(rv, run->resource_version) == 0;
        if (!same || e->pub.deleted != deleted) {
            size_t pos = change_begin(rs, e);
            if (cache_id) e->pub.cache_id = cache_id;
            entry_set_run(rs, e, run, nskey, cache_id != 0); /* the same key: it was found by it */
            e->pub.deleted = deleted;
            change_end(rs, e, pos);
            free(nskey);
        } else {
            if (!e->pub.cache_id) e->pub.cache_id = cache_id;
            drop_run(run, nskey);
        }
        return;
    }
    e = entry_new(rs);
    e->key_owned = !has_uid;
    e->pub.cache_id = cache_id;
    entry_set_run(rs, e, run, nskey, cache_id != 0);
    free(nskey);
    e->pub.deleted = deleted;
    map_put(&rs->by_uid, rs->all, e);
    /* Name lookups (for pods) prefer a live run over a deleted namesake. */
    struct entry *ns = map_lookup_name(rs, e->pub.run.context, e->pub.run.ns, e->pub.run.name);
    if (!ns || ns->pub.deleted || !deleted) map_put(&rs->by_name, rs->all, e);
    if (rs->norphans) adopt_orphans(rs, e);
    entry_added(rs, e);
}

void runset_apply_run(struct runset *rs, enum rs_event ev, struct agentrun *run, bool deleted)
{
    apply_run(rs, ev, run, deleted, 0);
}

void runset_apply_cached(struct runset *rs, struct agentrun *run, bool deleted, int64_t cache_id)
{
    apply_run(rs, RS_EV_ADDED, run, deleted, cache_id > 0 ? cache_id : 0);
}

void runset_apply_pod(struct runset *rs, const char *ctx, enum rs_event ev, struct pod *pod)
{
    /* A deleted pod (Job TTL) still tells which image ran: keep its facts. */
    (void)ev;
    if (!pod->run_name) {
        pod_free(pod);
        memset(pod, 0, sizeof *pod);
        return;
    }
    struct entry *e = map_lookup_name(rs, ctx, pod->ns, pod->run_name);
    if (e) {
        size_t pos = change_begin(rs, e);
        attach_pod(e, pod);
        change_end(rs, e, pos);
        return;
    }
    for (size_t i = 0; i < rs->norphans; i++) {
        if (rs->orphans[i].uid && pod->uid && strcmp(rs->orphans[i].uid, pod->uid) == 0 &&
            strcmp(nz(rs->orphan_ctx[i]), nz(ctx)) == 0) {
            pod_free(&rs->orphans[i]);
            rs->orphans[i] = *pod;
            memset(pod, 0, sizeof *pod);
            return;
        }
    }
    rs->orphans = xgrow(rs->orphans, &rs->caporphans, rs->norphans + 1, sizeof *rs->orphans);
    rs->orphan_ctx = xgrow(rs->orphan_ctx, &rs->caporphan_ctx, rs->norphans + 1, sizeof *rs->orphan_ctx);
    rs->orphan_ctx[rs->norphans] = ctx ? intern(&rs->pool, ctx) : NULL;
    rs->orphans[rs->norphans++] = *pod;
    memset(pod, 0, sizeof *pod);
}

struct rs_run *runset_find(const struct runset *rs, const char *ctx, const char *uid)
{
    if (!uid) return NULL;
    struct entry *e = map_lookup(rs, ctx, uid);
    return e ? &e->pub : NULL;
}


void runset_set_failure(struct runset *rs, const char *ctx, const char *uid, const struct rs_failure *f)
{
    struct rs_run *r = runset_find(rs, ctx, uid);
    if (!r) return;
    const struct rs_failure *o = &r->links->fail;
    if (str_eq(o->cls, f->cls) && str_eq(o->rule, f->rule) && str_eq(o->text, f->text) &&
        str_eq(o->hint, f->hint) && str_eq(o->container, f->container) && o->line == f->line)
        return;
    struct entry *e = (struct entry *)r;
    /* copied before the old ones go: f may hold this run's own strings */
    struct rs_failure n = {xstrdup(f->cls), xstrdup(f->rule), xstrdup(f->container), xstrdup(f->hint),
                           xstrdup(f->text), f->line};
    size_t pos = change_begin(rs, e);
    struct rs_links *l = links_mut(e);
    failure_free(&l->fail);
    l->fail = n;
    change_end(rs, e, pos);
}

void runset_set_pr(struct runset *rs, const char *ctx, const char *uid, int64_t number, const char *url,
                   const char *source)
{
    struct rs_run *r = runset_find(rs, ctx, uid);
    if (!r) return;
    const struct rs_links *o = r->links;
    if (o->pr_number == number && str_eq(o->pr_url, url) && str_eq(o->pr_source, source)) return;
    struct entry *e = (struct entry *)r;
    char *u = xstrdup(url), *src = xstrdup(source);
    size_t pos = change_begin(rs, e);
    struct rs_links *l = links_mut(e);
    l->pr_number = number;
    free(l->pr_url);
    l->pr_url = u;
    free(l->pr_source);
    l->pr_source = src;
    change_end(rs, e, pos);
}

void runset_set_image(struct runset *rs, const char *ctx, const char *uid, const char *image, const char *digest)
{
    struct rs_run *r = runset_find(rs, ctx, uid);
    if (!r) return;
    if (str_eq(r->links->image, image) && str_eq(r->links->digest, digest)) return;
    struct entry *e = (struct entry *)r;
    char *im = image ? xstrdup(image) : NULL, *dg = digest ? xstrdup(digest) : NULL;
    size_t pos = change_begin(rs, e);
    struct rs_links *l = links_mut(e);
    if (im) {
        free(l->image);
        l->image = im;
    }
    if (dg) {
        free(l->digest);
        l->digest = dg;
    }
    change_end(rs, e, pos);
}

size_t runset_count(const struct runset *rs) { return rs->nall; }

struct rs_run *runset_find_name(const struct runset *rs, const char *ctx, const char *ns, const char *name)
{
    if (!name) return NULL;
    struct entry *e = map_lookup_name(rs, ctx, ns, name);
    return e ? &e->pub : NULL;
}

struct rs_run *runset_at(const struct runset *rs, size_t i)
{
    return i < rs->nall ? &rs->all[i]->pub : NULL;
}

size_t runset_sweep(struct runset *rs, const char *ctx, const char *ns, uint64_t mark,
                    void (*gone)(void *ud, const struct rs_run *r), void *ud)
{
    size_t n = 0;
    for (size_t i = 0; i < rs->nall; i++) {
        struct entry *e = rs->all[i];
        struct rs_run *r = &e->pub;
        /* another context's runs are another list's business */
        if (r->deleted || r->mark == mark || !str_eq(nz(r->run.context), nz(ctx))) continue;
        if (ns && !str_eq(r->run.ns, ns)) continue;
        if (gone) gone(ud, r);
        size_t pos = change_begin(rs, e);
        r->deleted = true;
        change_end(rs, e, pos);
        n++;
    }
    return n;
}
uint64_t runset_gen(const struct runset *rs) { return rs->gen; }

/* ---- filter ---- */

static const struct {
    const char *name;
    enum term_key key;
} term_keys[] = {
    {"phase", TK_PHASE}, {"class", TK_CLASS}, {"lane", TK_LANE},
    {"agent", TK_AGENT}, {"ns", TK_NS},       {"namespace", TK_NS},
    {"name", TK_NAME},  {"ctx", TK_CTX},         {"context", TK_CTX},
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
                            "filter: unknown key '%.*s' (phase, class, lane, agent, ns, name, ctx)",
                            (int)kl, w);
            }
            w = colon + 1;
        }
        t.pat = xstrndup(w, (size_t)(end - w));
        t.glob = strpbrk(t.pat, "*?[") != NULL;
        t.lower = lower_dup(t.pat);
        t.lowlen = strlen(t.lower);
        terms = xgrow(terms, &cap, nterms + 1, sizeof *terms);
        terms[nterms++] = t;
        p = end;
    }
    /* Typing more of the filter (a longer last text term, or more terms)
     * can only remove rows: then only the current view is filtered again. */
    size_t oldlen = strlen(rs->filter);
    bool narrow = !view_refilters(rs) && oldlen > 0 &&
                  strncmp(expr, rs->filter, oldlen) == 0 && nterms >= rs->nterms && rs->nterms > 0;
    for (size_t i = 0; narrow && i < rs->nterms; i++) {
        const struct term *o = &rs->terms[i], *n = &terms[i];
        if (o->key != n->key || o->neg != n->neg) narrow = false;
        else if (strcmp(o->pat, n->pat) != 0 &&
                 !(i + 1 == rs->nterms && (n->key == TK_TEXT || (n->key == TK_NAME && !n->glob)) && !n->neg))
            narrow = false;
    }
    if (narrow) {
        /* the old terms but the last hold for every row in the view */
        size_t from = rs->nterms - 1;
        rs->narrow_from = rs->narrow && rs->narrow_from < from ? rs->narrow_from : from;
    }
    terms_free(rs);
    rs->terms = terms;
    rs->nterms = nterms;
    free(rs->filter);
    rs->filter = xstrdup(expr);
    rs->view_dirty = true;
    rs->narrow = narrow;
    if (!narrow) rs->memo_ok = false;
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

/* The failure class, searched apart from the hay (lower: the term). */
static bool cls_has(const struct entry *e, const char *lower)
{
    const char *cls = e->pub.links->fail.cls;
    return cls && strcasestr(cls, lower) != NULL;
}

static bool term_match(const struct term *t, const struct entry *e)
{
    const struct rs_run *r = &e->pub;
    const struct rs_rec *a = &r->run;
    const char *cls = r->links->fail.cls;
    switch (t->key) {
    case TK_TEXT:
        if (!*t->pat) return true;
        return hay_find(e, 0, t->lower) != NULL || cls_has(e, t->lower);
    case TK_PHASE:
        if (strcasecmp(t->pat, "none") == 0) return !a->phase || !*a->phase;
        if (strcasecmp(t->pat, "deleted") == 0) return r->deleted;
        return field_match(t, a->phase);
    case TK_CLASS: {
        if (field_match(t, cls)) return true;
        /* class:vcs means the whole vcs.* family */
        size_t n = strlen(t->pat);
        return !t->glob && cls && strncasecmp(cls, t->pat, n) == 0 && cls[n] == '.';
    }
    case TK_LANE: return field_match(t, a->lane ? a->lane : a->name);
    case TK_AGENT: return field_match(t, a->agent);
    case TK_NS: return field_match(t, a->ns);
    case TK_NAME: return t->glob ? field_match(t, a->name) : contains(a->name, t->pat);
    case TK_CTX: return field_match(t, a->context);
    }
    return false;
}

#define NOMEMO UINT16_MAX

/* The term whose first hit is remembered per view row: the last one when
 * it is a plain text term (the one being typed), else none (SIZE_MAX). */
static size_t memo_term_of(const struct runset *rs)
{
    if (!rs->nterms) return SIZE_MAX;
    const struct term *t = &rs->terms[rs->nterms - 1];
    return t->key == TK_TEXT && !t->neg && *t->lower ? rs->nterms - 1 : SIZE_MAX;
}

/* Terms from `from` on (the ones before are known to hold). *memo: in,
 * where the memo term's pattern (or a prefix of it, typed earlier) first
 * occurred in e's hay, with the bytes there (off NOMEMO = unknown); out,
 * the same for the pattern now. Any occurrence of the longer pattern is
 * an occurrence of its prefix, so none can come before the old offset. */
static bool entry_match_memo(const struct runset *rs, const struct entry *e, size_t from, size_t mt,
                             struct vmemo *memo)
{
    for (size_t i = from; i < rs->nterms; i++) {
        const struct term *t = &rs->terms[i];
        if (i != mt) {
            if (term_match(t, e) == t->neg) return false;
            continue;
        }
        size_t len = t->lowlen;
        if (memo->off != NOMEMO && len <= MEMO_WIN && memcmp(memo->win, t->lower, len) == 0)
            continue; /* still there, and the run was not read */
        const char *hit, *hay = e->blk;
        if (memo->off != NOMEMO && len > MEMO_WIN && strncmp(hay + memo->off, t->lower, len) == 0)
            hit = hay + memo->off;
        else if (memo->off != NOMEMO) hit = hay_find(e, (size_t)memo->off + 1, t->lower);
        else hit = hay_find(e, 0, t->lower);
        if (!hit) {
            /* not in the hay: the class may hold it (then no memo) */
            if (!cls_has(e, t->lower)) return false;
            memo->off = NOMEMO;
            continue;
        }
        size_t off = (size_t)(hit - hay);
        if (off >= NOMEMO) {
            memo->off = NOMEMO;
            continue;
        }
        memo->off = (uint16_t)off;
        size_t k = 0;
        for (; k < MEMO_WIN && hit[k]; k++) memo->win[k] = hit[k];
        memset(memo->win + k, 0, MEMO_WIN - k);
    }
    return true;
}

static bool entry_match(const struct runset *rs, const struct entry *e)
{
    struct vmemo m = {.off = NOMEMO};
    return entry_match_memo(rs, e, 0, SIZE_MAX, &m);
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
        if (rs_run_is_terminal(r) || r->deleted) return -1;
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

static int cmp_entry(const struct runset *rs, const struct entry *ea, const struct entry *eb)
{
    const struct rs_run *a = &ea->pub, *b = &eb->pub;
    int c = 0;
    switch (rs->sort) {
    case RS_COL_NAME: c = cmp_str(a->run.name, b->run.name); break;
    case RS_COL_PHASE: c = cmp_str(a->run.phase, b->run.phase); break;
    case RS_COL_AGENT: c = cmp_str(a->run.agent, b->run.agent); break;
    case RS_COL_AGE: break; /* the tie-break below is newest first */
    case RS_COL_DURATION:
        c = cmp_i64_desc(rs_run_duration(a, rs->sort_now), rs_run_duration(b, rs->sort_now), -1);
        break;
    case RS_COL_ATTEMPT: c = cmp_str(a->run.attempt, b->run.attempt); break;
    case RS_COL_CLASS: c = cmp_str(a->links->fail.cls, b->links->fail.cls); break;
    case RS_COL_PR: c = cmp_i64_desc(a->links->pr_number, b->links->pr_number, -1); break;
    case RS_COL_DIGEST: c = cmp_str(a->links->digest, b->links->digest); break;
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

static struct runset *sort_ctx; /* qsort has no context argument in C11 */

static int cmp_qsort(const void *pa, const void *pb)
{
    return cmp_entry(sort_ctx, *(struct entry *const *)pa, *(struct entry *const *)pb);
}

static void sort_list(struct runset *rs, struct entry **a, size_t n)
{
    sort_ctx = rs;
    qsort(a, n, sizeof *a, cmp_qsort);
    sort_ctx = NULL;
}

static size_t compact(struct entry **a, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        if (a[i]) a[w++] = a[i];
    return w;
}

/* Merges add[0..k) (sorted) into *a[0..*n) (sorted, no holes): each one
 * finds its place by binary search from the back, and the runs after it
 * move once, so k new runs cost k log n comparisons and one pass of
 * pointer moves (appending, the cache's newest-first pages, costs none). */
static void merge_in(const struct runset *rs, struct entry ***a, size_t *n, size_t *cap,
                     struct entry **add, size_t k)
{
    if (!k) return;
    *a = xgrow(*a, cap, *n + k + 1, sizeof **a);
    struct entry **arr = *a;
    size_t end = *n + k, i = *n;
    for (size_t j = k; j-- > 0;) {
        size_t lo = 0, hi = i;
        if (i && cmp_entry(rs, arr[i - 1], add[j]) < 0) lo = i;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (cmp_entry(rs, arr[mid], add[j]) < 0) lo = mid + 1;
            else hi = mid;
        }
        size_t m = i - lo;
        end -= m;
        memmove(arr + end, arr + lo, m * sizeof *arr);
        arr[--end] = add[j];
        i = lo;
    }
    *n += k;
}

/* Filters src[0..n) (holes skipped) into the view; src may be the view
 * itself (narrowing). memo_in: the rows' memo from the last pass, valid
 * for this filter's memo term (NULL = none). */
static void filter_into_view(struct runset *rs, struct entry **src, size_t n, bool memo_in, size_t from)
{
    size_t mt = memo_term_of(rs);
    if (src != rs->view) rs->view = xgrow(rs->view, &rs->capview, n + 1, sizeof *rs->view);
    if (mt != SIZE_MAX) rs->vmemo = xgrow(rs->vmemo, &rs->capvmemo, n + 1, sizeof *rs->vmemo);
    size_t w = 0;
    /* typing a term longer, the common case: only the window is compared,
     * in a loop without calls; a row whose window says no is looked at */
    const char *pat = mt != SIZE_MAX ? rs->terms[mt].lower : NULL;
    size_t plen = pat ? strlen(pat) : 0;
    bool fast = memo_in && from == mt && plen <= MEMO_WIN;
    for (size_t i = 0; i < n; i++) {
        struct entry *e = src[i];
        if (!e) continue;
        struct vmemo m = {.off = NOMEMO};
        if (memo_in) m = rs->vmemo[i];
        if (!(fast && m.off != NOMEMO && memcmp(m.win, pat, plen) == 0) &&
            !entry_match_memo(rs, e, from, mt, &m))
            continue;
        if (mt != SIZE_MAX) rs->vmemo[w] = m;
        rs->view[w++] = e;
    }
    rs->nview = w;
    rs->vholes = 0;
    rs->memo_ok = mt != SIZE_MAX;
    rs->memo_term = mt;
}

static void clear_pending(struct entry **list, size_t *n, bool view)
{
    for (size_t i = 0; i < *n; i++) {
        if (view) list[i]->in_pview = false;
        else list[i]->in_psort = false;
    }
    *n = 0;
}

/* Sorted by duration, a running run's key grows with the clock: the kept
 * order uses the time of the last full sort, taken again now and then. */
#define DURATION_RESORT_MS 30000

static void rebuild(struct runset *rs)
{
    if (rs->sort == RS_COL_DURATION && !rs->sort_dirty && time_now_ms() - rs->sort_now > DURATION_RESORT_MS)
        rs->sort_dirty = true;
    if (rs->sort_dirty) {
        rs->sorted = xgrow(rs->sorted, &rs->capsorted, rs->nall + 1, sizeof *rs->sorted);
        if (rs->nall) memcpy(rs->sorted, rs->all, rs->nall * sizeof *rs->all);
        rs->nsorted = rs->nall;
        rs->sholes = 0;
        rs->sort_now = time_now_ms();
        sort_list(rs, rs->sorted, rs->nsorted);
        clear_pending(rs->psort, &rs->npsort, false);
        rs->sort_dirty = false;
        rs->view_dirty = true;
        rs->narrow = false;
    } else if (rs->npsort || rs->sholes) {
        if (rs->sholes) rs->nsorted = compact(rs->sorted, rs->nsorted);
        rs->sholes = 0;
        sort_list(rs, rs->psort, rs->npsort);
        merge_in(rs, &rs->sorted, &rs->nsorted, &rs->capsorted, rs->psort, rs->npsort);
        clear_pending(rs->psort, &rs->npsort, false);
    }
    if (rs->view_dirty && !rs->narrow) {
        filter_into_view(rs, rs->sorted, rs->nsorted, false, 0);
        clear_pending(rs->pview, &rs->npview, true);
    } else {
        if (rs->view_dirty) {
            bool memo = rs->memo_ok && rs->memo_term == memo_term_of(rs);
            filter_into_view(rs, rs->view, rs->nview, memo, rs->narrow_from);
        } else if (rs->vholes) {
            rs->nview = compact(rs->view, rs->nview);
            rs->vholes = 0;
            rs->memo_ok = false;
        }
        if (rs->npview) {
            size_t k = 0;
            for (size_t i = 0; i < rs->npview; i++) {
                rs->pview[i]->in_pview = false;
                if (entry_match(rs, rs->pview[i])) rs->pview[k++] = rs->pview[i];
            }
            rs->npview = 0;
            sort_list(rs, rs->pview, k);
            merge_in(rs, &rs->view, &rs->nview, &rs->capview, rs->pview, k);
            if (k) rs->memo_ok = false;
        }
    }
    rs->view_dirty = false;
    rs->narrow = false;
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

size_t runset_view_index(struct runset *rs, const char *ctx, const char *uid)
{
    rebuild(rs);
    struct rs_run *r = runset_find(rs, ctx, uid);
    return r ? locate(rs, rs->view, rs->nview, (struct entry *)r) : SIZE_MAX;
}

void runset_counts(struct runset *rs, struct rs_counts *out)
{
    *out = rs->counts;
}

/* ---- lanes ---- */

static const char *lane_of(const struct rs_run *r)
{
    return r->run.lane && *r->run.lane ? r->run.lane : r->run.name;
}

size_t runset_lane(struct runset *rs, const struct rs_run *run, struct rs_attempt **out)
{
    size_t n = 0, cap = 0, capr = 0;
    struct lane_member *m = NULL;
    const struct rs_run **who = NULL; /* m[i] is who[i]'s */
    const char *lane = lane_of(run);
    for (size_t i = 0; i < rs->nall; i++) {
        const struct rs_run *r = &rs->all[i]->pub;
        if (r != run && (!str_eq(lane_of(r), lane) || !str_eq(r->run.ns, run->run.ns) ||
                         !str_eq(r->run.context, run->run.context)))
            continue;
        m = xgrow(m, &cap, n + 1, sizeof *m);
        who = xgrow(who, &capr, n + 1, sizeof *who);
        /* the chain compares hashes and VCS facts the record keeps serialised */
        struct agentrun *a = xmalloc(sizeof *a);
        char err[ERRLEN];
        /* a member whose cached fields cannot be read (the caller's own
         * runset_run_agentrun says why) is compared on what the set holds */
        runset_run_agentrun(rs, r, a, err, sizeof err);
        who[n] = r;
        m[n++] = (struct lane_member){.run = a, .image = r->links->image, .digest = r->links->digest,
                                      .failure_class = r->links->fail.cls, .pr_url = r->links->pr_url};
    }
    struct chain ch;
    linkage_chain(m, n, &ch);
    struct rs_attempt *at = xcalloc(ch.n ? ch.n : 1, sizeof *at);
    for (size_t i = 0; i < ch.n; i++) {
        for (size_t k = 0; k < n; k++)
            if (m[k].run == ch.items[i].m.run) at[i].run = who[k];
        at[i].changed = ch.items[i].changed;
        at[i].first_success = (int64_t)i == ch.first_success;
        at[i].fix = at[i].first_success && i > 0 &&
                    (ch.items[i].changed & ~(unsigned)(CHG_OUTCOME | CHG_CLASS)) != 0;
    }
    size_t count = ch.n;
    chain_free(&ch);
    for (size_t k = 0; k < n; k++) {
        agentrun_free((struct agentrun *)m[k].run);
        free((void *)m[k].run);
    }
    free(m);
    free(who);
    *out = at;
    return count;
}
