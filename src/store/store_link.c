/* store_link — verdicts and PR links of a page of runs in two queries
 * (see store.h, store_link_runs): the console seeds a million cached runs
 * and one query per run and kind kept it busy for minutes. */
#include "store/store_impl.h"
#include "util/buf.h"
#include "util/xalloc.h"
#include <stdlib.h>
#include <string.h>

void store_link_list_free(struct store_link_list *l)
{
    if (!l) return;
    for (size_t i = 0; i < l->n; i++) {
        struct store_link *k = &l->items[i];
        free(k->cls);
        free(k->rule);
        free(k->text);
        free(k->hint);
        free(k->container);
        free(k->pr_url);
        free(k->pr_source);
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}

static int cmp_id(const void *a, const void *b)
{
    const struct store_link *x = a, *y = b;
    return (x->run_id > y->run_id) - (x->run_id < y->run_id);
}

/* The entry for id (items sorted by run_id from first to n), added when absent. */
static struct store_link *slot(struct store_link_list *l, size_t *cap, size_t sorted_n, int64_t id)
{
    struct store_link key = {.run_id = id};
    struct store_link *k = sorted_n ? bsearch(&key, l->items, sorted_n, sizeof *l->items, cmp_id) : NULL;
    if (k) return k;
    l->items = xgrow(l->items, cap, l->n + 1, sizeof *l->items);
    k = &l->items[l->n++];
    memset(k, 0, sizeof *k);
    k->run_id = id;
    k->line = -1;
    k->pr_number = -1;
    return k;
}

/* " IN (1,2,3)": the ids are our own integers, not text from outside. */
static void in_list(struct buf *sql, const int64_t *ids, size_t n)
{
    buf_puts(sql, " IN (");
    for (size_t i = 0; i < n; i++) buf_printf(sql, "%s%lld", i ? "," : "", (long long)ids[i]);
    buf_puts(sql, ")");
}

int store_link_runs(struct store *s, const int64_t *ids, size_t n, struct store_link_list *out,
                    char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (!n) return 0;
    size_t cap = 0;
    for (int pass = 0; pass < 2; pass++) {
        struct buf sql = {0};
        if (pass == 0)
            buf_puts(&sql, "SELECT run_id, class, rule, line, text, hint, container FROM classifications"
                           " WHERE class IS NOT NULL AND run_id");
        else
            buf_puts(&sql, "SELECT run_id, url, number, source FROM pr_links WHERE run_id");
        in_list(&sql, ids, n);
        if (pass == 1) buf_puts(&sql, " ORDER BY run_id, observed DESC, id DESC");
        sqlite3_stmt *st;
        int rc = sqlite3_prepare_v2(s->db, sql.p, -1, &st, NULL);
        buf_free(&sql);
        if (rc != SQLITE_OK) {
            store_link_list_free(out);
            return store_dberr(s, pass ? "reading PR links" : "reading classifications", err, errlen);
        }
        /* verdicts first (one per run), sorted by id so PR links find their run */
        size_t sorted_n = out->n;
        int64_t last = -1;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            int64_t id = sqlite3_column_int64(st, 0);
            if (pass == 0) {
                struct store_link *k = slot(out, &cap, 0, id);
                k->cls = store_col_str(st, 1);
                k->rule = store_col_str(st, 2);
                k->line = store_col_int(st, 3, -1);
                k->text = store_col_str(st, 4);
                k->hint = store_col_str(st, 5);
                k->container = store_col_str(st, 6);
            } else if (id != last) { /* the newest link of each run */
                last = id;
                struct store_link *k = slot(out, &cap, sorted_n, id);
                k->pr_url = store_col_str(st, 1);
                k->pr_number = store_col_int(st, 2, -1);
                k->pr_source = store_col_str(st, 3);
            }
        }
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE) {
            store_link_list_free(out);
            return store_dberr(s, pass ? "reading PR links" : "reading classifications", err, errlen);
        }
        if (pass == 0 && out->n) qsort(out->items, out->n, sizeof *out->items, cmp_id);
    }
    return 0;
}
