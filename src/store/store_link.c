/* store_link — verdicts, PR links and pods of many runs in a few queries
 * (see store.h, store_link_runs): the console seeds a million cached runs
 * and links runs in slices, `list`/`show` enrich every run of a context,
 * and queries per run and kind kept them busy for minutes. */
#include "store/store_impl.h"
#include "util/buf.h"
#include "util/timeutil.h"
#include "util/xalloc.h"
#include <stdlib.h>
#include <string.h>

static void link_free(struct store_link *k)
{
    store_class_free(&k->verdict);
    free(k->pr_url);
    free(k->pr_source);
    free(k->pr_repository);
    store_pod_list_free(&k->pods);
}

void store_link_list_free(struct store_link_list *l)
{
    if (!l) return;
    for (size_t i = 0; i < l->n; i++) link_free(&l->items[i]);
    free(l->items);
    memset(l, 0, sizeof *l);
}

static int cmp_id(const void *a, const void *b)
{
    const struct store_link *x = a, *y = b;
    return (x->run_id > y->run_id) - (x->run_id < y->run_id);
}

struct store_link *store_link_find(const struct store_link_list *l, int64_t run_id)
{
    struct store_link key = {.run_id = run_id};
    return l->n ? bsearch(&key, l->items, l->n, sizeof *l->items, cmp_id) : NULL;
}

/* " IN (1,2,3)": the ids are our own integers, not text from outside. */
static void in_list(struct buf *sql, const int64_t *ids, size_t n)
{
    buf_puts(sql, " IN (");
    for (size_t i = 0; i < n; i++) buf_printf(sql, "%s%lld", i ? "," : "", (long long)ids[i]);
    buf_puts(sql, ")");
}

/* A pod read, by its row id, for its containers to find it. */
struct pod_ref {
    int64_t id;
    size_t link, pod;
};
struct pod_refs {
    struct pod_ref *p;
    size_t n, cap;
};

static int cmp_ref(const void *a, const void *b)
{
    const struct pod_ref *x = a, *y = b;
    return (x->id > y->id) - (x->id < y->id);
}

enum { Q_CLASS, Q_PR, Q_PODS, Q_CONTAINERS };

static const char *what_of(int q)
{
    return q == Q_CLASS ? "reading classifications" : q == Q_PR ? "reading PR links"
           : q == Q_PODS ? "reading pods" : "reading container states";
}

/* One query over ids[0..n) (a chunk) filling the entries of l. */
static int link_query(struct store *s, int q, const int64_t *ids, size_t n, struct store_link_list *l,
                      struct pod_refs *refs, char *err, size_t errlen)
{
    struct buf sql = {0};
    if (q == Q_CLASS)
        buf_puts(&sql, "SELECT run_id, " STORE_CLASS_COLS " FROM classifications WHERE class IS NOT NULL AND run_id");
    else if (q == Q_PR)
        buf_puts(&sql, "SELECT run_id, url, number, source, repository FROM pr_links WHERE run_id");
    else if (q == Q_PODS)
        buf_puts(&sql, "SELECT run_id, " STORE_POD_COLS " FROM pods WHERE run_id");
    else
        buf_puts(&sql, "SELECT pod_id, " STORE_CONTAINER_COLS " FROM containers WHERE pod_id");
    in_list(&sql, ids, n);
    if (q == Q_PR) buf_puts(&sql, " ORDER BY run_id, observed DESC, id DESC");
    if (q == Q_PODS) buf_puts(&sql, " ORDER BY run_id, created, id");
    if (q == Q_CONTAINERS) buf_puts(&sql, " ORDER BY pod_id, init DESC, id");
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, sql.p, -1, &st, NULL);
    buf_free(&sql);
    if (rc != SQLITE_OK) return store_dberr(s, what_of(q), err, errlen);
    int64_t last = -1;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        if (q == Q_CONTAINERS) {
            struct pod_ref key = {.id = id};
            struct pod_ref *r = bsearch(&key, refs->p, refs->n, sizeof *refs->p, cmp_ref);
            if (!r) continue;
            struct store_pod *p = &l->items[r->link].pods.items[r->pod];
            p->containers = xrealloc(p->containers, (p->ncontainers + 1) * sizeof *p->containers);
            store_container_from_row(st, 1, &p->containers[p->ncontainers++]);
            continue;
        }
        struct store_link *k = store_link_find(l, id);
        if (!k) continue;
        if (q == Q_CLASS) {
            store_class_from_row(st, 1, &k->verdict);
        } else if (q == Q_PR) {
            if (id == last) continue; /* the newest link of each run */
            last = id;
            k->pr_url = store_col_str(st, 1);
            k->pr_number = store_col_int(st, 2, -1);
            k->pr_source = store_col_str(st, 3);
            k->pr_repository = store_col_str(st, 4);
        } else {
            k->pods.items = xrealloc(k->pods.items, (k->pods.n + 1) * sizeof *k->pods.items);
            store_pod_from_row(st, 1, &k->pods.items[k->pods.n]);
            refs->p = xgrow(refs->p, &refs->cap, refs->n + 1, sizeof *refs->p);
            refs->p[refs->n++] = (struct pod_ref){k->pods.items[k->pods.n].id, (size_t)(k - l->items), k->pods.n};
            k->pods.n++;
        }
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return store_dberr(s, what_of(q), err, errlen);
    return 0;
}

static bool link_empty(const struct store_link *k)
{
    return !k->verdict.cls && !k->pr_url && !k->pods.n;
}

int store_link_runs(struct store *s, const int64_t *ids, size_t n, unsigned what, struct store_link_list *out,
                    char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (!n) return 0;
    /* one entry per distinct id, sorted, for the queries to fill */
    out->items = xcalloc(n, sizeof *out->items);
    for (size_t i = 0; i < n; i++) {
        out->items[i].run_id = ids[i];
        out->items[i].verdict.line = -1;
        out->items[i].verdict.log_time = TIME_NONE;
        out->items[i].pr_number = -1;
    }
    out->n = n;
    qsort(out->items, n, sizeof *out->items, cmp_id);
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (!u || out->items[u - 1].run_id != out->items[i].run_id) out->items[u++] = out->items[i];
    out->n = u;
    int64_t *sorted = xcalloc(u, sizeof *sorted);
    for (size_t i = 0; i < u; i++) sorted[i] = out->items[i].run_id;
    struct pod_refs refs = {0};
    int rc = 0;
    for (size_t at = 0; at < u && rc == 0; at += STORE_LINK_CHUNK) {
        size_t m = u - at < STORE_LINK_CHUNK ? u - at : STORE_LINK_CHUNK;
        if (what & STORE_LINK_FACTS) {
            rc = link_query(s, Q_CLASS, sorted + at, m, out, NULL, err, errlen);
            if (rc == 0) rc = link_query(s, Q_PR, sorted + at, m, out, NULL, err, errlen);
        }
        if (rc == 0 && (what & STORE_LINK_PODS)) {
            refs.n = 0; /* this chunk's pods */
            rc = link_query(s, Q_PODS, sorted + at, m, out, &refs, err, errlen);
            /* their containers, a chunk of pods at a time */
            if (rc == 0 && refs.n) qsort(refs.p, refs.n, sizeof *refs.p, cmp_ref);
            for (size_t p = 0; p < refs.n && rc == 0; p += STORE_LINK_CHUNK) {
                size_t pm = refs.n - p < STORE_LINK_CHUNK ? refs.n - p : STORE_LINK_CHUNK;
                int64_t *pids = xcalloc(pm, sizeof *pids);
                for (size_t k = 0; k < pm; k++) pids[k] = refs.p[p + k].id;
                struct pod_refs slice = {refs.p + p, pm, pm};
                rc = link_query(s, Q_CONTAINERS, pids, pm, out, &slice, err, errlen);
                free(pids);
            }
        }
    }
    free(refs.p);
    free(sorted);
    if (rc < 0) {
        store_link_list_free(out);
        return -1;
    }
    /* runs with nothing are left out */
    size_t kept = 0;
    for (size_t i = 0; i < out->n; i++) {
        if (link_empty(&out->items[i])) link_free(&out->items[i]);
        else out->items[kept++] = out->items[i];
    }
    out->n = kept;
    if (!kept) {
        free(out->items);
        out->items = NULL;
    }
    return 0;
}

/* A uid asked for, by its place in the caller's arrays. */
struct uid_ref {
    const char *uid;
    size_t at;
};

static int cmp_uid_ref(const void *a, const void *b)
{
    const struct uid_ref *x = a, *y = b;
    int c = strcmp(x->uid, y->uid);
    return c ? c : (x->at > y->at) - (x->at < y->at);
}

int store_run_ids(struct store *s, const char *context, char *const *uids, size_t n, int64_t *ids, bool *durable,
                  char *err, size_t errlen)
{
    /* no transaction open: every row read is committed, its id stays */
    *durable = sqlite3_get_autocommit(s->db) != 0;
    struct uid_ref *refs = xcalloc(n ? n : 1, sizeof *refs);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (uids[i]) {
            ids[i] = 0;
            refs[m++] = (struct uid_ref){uids[i], i};
        }
    qsort(refs, m, sizeof *refs, cmp_uid_ref);
    int rc = SQLITE_DONE;
    for (size_t at = 0; at < m && rc == SQLITE_DONE; at += STORE_LINK_CHUNK) {
        size_t k = m - at < STORE_LINK_CHUNK ? m - at : STORE_LINK_CHUNK;
        /* the uids are the cluster's text: bound, never written into the SQL */
        struct buf sql = {0};
        buf_puts(&sql, "SELECT id, uid FROM runs WHERE context = ?1 AND uid IN (");
        for (size_t j = 0; j < k; j++) buf_puts(&sql, j ? ",?" : "?");
        buf_puts(&sql, ")");
        sqlite3_stmt *st;
        rc = sqlite3_prepare_v2(s->db, sql.p, -1, &st, NULL);
        buf_free(&sql);
        if (rc != SQLITE_OK) break;
        store_bind_text(st, 1, context ? context : "");
        for (size_t j = 0; j < k; j++) store_bind_text(st, (int)j + 2, refs[at + j].uid);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            const char *uid = (const char *)sqlite3_column_text(st, 1);
            if (!uid) continue;
            /* the first ref of this uid in the chunk, then its repeats */
            size_t lo = at, hi = at + k;
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (strcmp(refs[mid].uid, uid) < 0) lo = mid + 1;
                else hi = mid;
            }
            for (; lo < at + k && strcmp(refs[lo].uid, uid) == 0; lo++) ids[refs[lo].at] = sqlite3_column_int64(st, 0);
        }
        sqlite3_finalize(st);
    }
    free(refs);
    if (rc != SQLITE_DONE) return store_dberr(s, "finding runs in the cache", err, errlen);
    return 0;
}
