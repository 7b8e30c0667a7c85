/* store_recorder.c — the recorder's heartbeat, per-context connection
 * facts, `status` counts and incident-bundle export (see store.h). */
#include "store/store_impl.h"
#include "util/err.h"
#include "util/redact.h"
#include "util/timeutil.h"
#include "util/xalloc.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- the recorder ---------------------------------------------------- */

void store_recorder_free(struct store_recorder *r)
{
    if (!r) return;
    free(r->host);
    memset(r, 0, sizeof *r);
}

static int recorder_read(struct store *s, struct store_recorder *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st;
    if (store_prep(s, "SELECT pid, host, started, heartbeat, stopped FROM recorder WHERE id = 1",
                   &st) != SQLITE_OK)
        return store_dberr(s, "reading the recorder's heartbeat", err, errlen);
    int rc = sqlite3_step(st);
    int found = 0;
    if (rc == SQLITE_ROW) {
        out->pid = sqlite3_column_int64(st, 0);
        out->host = store_col_str(st, 1);
        out->started = store_col_time(st, 2);
        out->heartbeat = store_col_time(st, 3);
        out->stopped = store_col_time(st, 4);
        found = 1;
    }
    store_unprep(s, st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_dberr(s, "reading the recorder's heartbeat", err, errlen);
    return found;
}

int store_recorder_get(struct store *s, struct store_recorder *out, char *err, size_t errlen)
{
    return recorder_read(s, out, err, errlen);
}

bool store_recorder_live(const struct store_recorder *r, int64_t now)
{
    return r && r->stopped == TIME_NONE && r->heartbeat != TIME_NONE &&
           now - r->heartbeat < STORE_RECORDER_STALE_MS;
}

static int run_sql(struct store *s, const char *sql, const char *what, char *err, size_t errlen)
{
    return store_exec(s, sql, err, errlen) < 0 ? errprefix(err, errlen, "%s", what) : 0;
}

int store_recorder_claim(struct store *s, int64_t pid, const char *host,
                         const char *const *contexts, size_t ncontexts, int64_t now,
                         struct store_recorder *holder, char *err, size_t errlen)
{
    if (holder) memset(holder, 0, sizeof *holder);
    if (store_tx_enter(s, err, errlen) < 0) return -1;
    struct store_recorder cur;
    int got = recorder_read(s, &cur, err, errlen);
    if (got < 0) return store_tx_leave(s, -1, err, errlen);
    if (got > 0 && store_recorder_live(&cur, now) &&
        !(cur.pid == pid && cur.host && host && strcmp(cur.host, host) == 0)) {
        store_tx_leave(s, -1, NULL, 0);
        if (holder) *holder = cur;
        else store_recorder_free(&cur);
        return 1;
    }
    store_recorder_free(&cur);
    sqlite3_stmt *st;
    int rc = 0;
    if (store_prep(s, "INSERT OR REPLACE INTO recorder (id, pid, host, started, heartbeat, stopped)"
                      " VALUES (1, ?1, ?2, ?3, ?3, NULL)", &st) != SQLITE_OK)
        rc = store_dberr(s, "claiming the cache for the recorder", err, errlen);
    if (rc == 0) {
        sqlite3_bind_int64(st, 1, pid);
        store_bind_text(st, 2, host ? host : "");
        sqlite3_bind_int64(st, 3, now);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = store_dberr(s, "claiming the cache for the recorder", err, errlen);
        store_unprep(s, st);
    }
    if (rc == 0) rc = run_sql(s, "UPDATE contexts SET followed = 0", "claiming the cache", err, errlen);
    for (size_t i = 0; i < ncontexts && rc == 0; i++) {
        if (store_prep(s, "INSERT INTO contexts (context, followed, updated) VALUES (?1, 1, ?2)"
                          " ON CONFLICT (context) DO UPDATE SET followed = 1, updated = ?2",
                       &st) != SQLITE_OK) {
            rc = store_dberr(s, "claiming the cache for the recorder", err, errlen);
            break;
        }
        store_bind_text(st, 1, contexts[i] ? contexts[i] : "");
        sqlite3_bind_int64(st, 2, now);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = store_dberr(s, "claiming the cache for the recorder", err, errlen);
        store_unprep(s, st);
    }
    return store_tx_leave(s, rc, err, errlen);
}

int store_recorder_beat(struct store *s, int64_t pid, const char *host, int64_t now, char *err,
                        size_t errlen)
{
    sqlite3_stmt *st;
    if (store_prep(s, "UPDATE recorder SET heartbeat = ?3 WHERE id = 1 AND pid = ?1 AND host = ?2"
                      " AND stopped IS NULL", &st) != SQLITE_OK)
        return store_dberr(s, "writing the recorder's heartbeat", err, errlen);
    sqlite3_bind_int64(st, 1, pid);
    store_bind_text(st, 2, host ? host : "");
    sqlite3_bind_int64(st, 3, now);
    int rc = sqlite3_step(st);
    int changed = sqlite3_changes(s->db);
    store_unprep(s, st);
    if (rc != SQLITE_DONE) return store_dberr(s, "writing the recorder's heartbeat", err, errlen);
    return changed == 1 ? 0 : 1;
}

int store_recorder_release(struct store *s, int64_t pid, const char *host, int64_t now, char *err,
                           size_t errlen)
{
    if (store_tx_enter(s, err, errlen) < 0) return -1;
    sqlite3_stmt *st;
    int rc = 0;
    if (store_prep(s, "UPDATE recorder SET stopped = ?3, heartbeat = ?3 WHERE id = 1 AND pid = ?1"
                      " AND host = ?2", &st) != SQLITE_OK)
        rc = store_dberr(s, "releasing the cache", err, errlen);
    if (rc == 0) {
        sqlite3_bind_int64(st, 1, pid);
        store_bind_text(st, 2, host ? host : "");
        sqlite3_bind_int64(st, 3, now);
        if (sqlite3_step(st) != SQLITE_DONE) rc = store_dberr(s, "releasing the cache", err, errlen);
        bool ours = sqlite3_changes(s->db) == 1;
        store_unprep(s, st);
        /* another recorder took over after our heartbeat went stale: its contexts stay */
        if (rc == 0 && ours)
            rc = run_sql(s, "UPDATE contexts SET followed = 0", "releasing the cache", err, errlen);
    }
    return store_tx_leave(s, rc, err, errlen);
}

int store_context_seen(struct store *s, const char *context, int64_t last_seen, const char *state,
                       const char *error, int64_t now, char *err, size_t errlen)
{
    sqlite3_stmt *st;
    if (store_prep(s, "INSERT INTO contexts (context, last_seen, state, error, updated)"
                      " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (context) DO UPDATE SET"
                      " last_seen = coalesce(?2, last_seen), state = ?3, error = ?4, updated = ?5",
                   &st) != SQLITE_OK)
        return store_dberr(s, "recording a context's state", err, errlen);
    store_bind_text(st, 1, context ? context : "");
    store_bind_time(st, 2, last_seen);
    store_bind_text(st, 3, state);
    store_bind_text(st, 4, error);
    sqlite3_bind_int64(st, 5, now);
    int rc = sqlite3_step(st);
    store_unprep(s, st);
    if (rc != SQLITE_DONE) return store_dberr(s, "recording a context's state", err, errlen);
    return 0;
}

/* ---- status ------------------------------------------------------------ */

void store_status_free(struct store_status *st)
{
    if (!st) return;
    for (size_t i = 0; i < st->n; i++) {
        struct store_context_status *c = &st->items[i];
        free(c->context);
        for (size_t k = 0; k < c->nnamespaces; k++) free(c->namespaces[k]);
        free(c->namespaces);
        free(c->state);
        free(c->error);
    }
    free(st->items);
    store_recorder_free(&st->recorder);
    memset(st, 0, sizeof *st);
}

/* One row of int64 columns for `sql` bound to the context. */
static int ctx_ints(struct store *s, const char *sql, const char *ctx, int64_t *v, int nv,
                    char *err, size_t errlen)
{
    sqlite3_stmt *st;
    if (store_prep(s, sql, &st) != SQLITE_OK) return store_dberr(s, "reading status", err, errlen);
    store_bind_text(st, 1, ctx);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        for (int i = 0; i < nv; i++) v[i] = store_col_int(st, i, v[i]);
    store_unprep(s, st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return store_dberr(s, "reading status", err, errlen);
    return 0;
}

int store_status_read(struct store *s, struct store_status *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    /* one read transaction: the counts agree with each other while a recorder writes */
    if (store_exec(s, "BEGIN", err, errlen) < 0) return -1;
    int got = recorder_read(s, &out->recorder, err, errlen);
    if (got < 0) goto fail;
    out->has_recorder = got > 0;
    sqlite3_stmt *st;
    if (store_prep(s, "SELECT context FROM runs UNION SELECT context FROM pods"
                      " UNION SELECT context FROM contexts ORDER BY 1", &st) != SQLITE_OK) {
        store_dberr(s, "reading status", err, errlen);
        goto fail;
    }
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        out->items = xgrow(out->items, &cap, out->n + 1, sizeof *out->items);
        struct store_context_status *c = &out->items[out->n++];
        memset(c, 0, sizeof *c);
        c->context = store_col_str(st, 0);
        if (!c->context) c->context = xstrdup("");
        c->last_seen = TIME_NONE;
    }
    store_unprep(s, st);
    if (rc != SQLITE_DONE) {
        store_dberr(s, "reading status", err, errlen);
        goto fail;
    }
    for (size_t i = 0; i < out->n; i++) {
        struct store_context_status *c = &out->items[i];
        int64_t v[3] = {0, 0, 0};
        if (ctx_ints(s, "SELECT count(*), coalesce(sum(deleted), 0), max(last_seen) FROM runs"
                        " WHERE context = ?1", c->context, v, 3, err, errlen) < 0)
            goto fail;
        c->runs = v[0];
        c->runs_deleted = v[1];
        int64_t seen_runs = v[2];
        int64_t p[2] = {0, 0};
        if (ctx_ints(s, "SELECT count(*), max(last_seen) FROM pods WHERE context = ?1", c->context,
                     p, 2, err, errlen) < 0)
            goto fail;
        c->pods = p[0];
        int64_t l[2] = {0, 0};
        if (ctx_ints(s, "SELECT count(*), coalesce(sum(stored_size), 0) FROM logs WHERE context = ?1",
                     c->context, l, 2, err, errlen) < 0)
            goto fail;
        c->logs = l[0];
        c->log_bytes = l[1];
        /* the writer's own word first; else the newest observation of anything */
        int64_t w[2] = {TIME_NONE, 0};
        if (ctx_ints(s, "SELECT last_seen, followed FROM contexts WHERE context = ?1", c->context,
                     w, 2, err, errlen) < 0)
            goto fail;
        c->followed = w[1] != 0;
        int64_t best = w[0];
        if (c->runs && (best == TIME_NONE || seen_runs > best)) best = seen_runs;
        if (c->pods && (best == TIME_NONE || p[1] > best)) best = p[1];
        c->last_seen = best;
        if (store_prep(s, "SELECT state, error FROM contexts WHERE context = ?1", &st) != SQLITE_OK) {
            store_dberr(s, "reading status", err, errlen);
            goto fail;
        }
        store_bind_text(st, 1, c->context);
        if (sqlite3_step(st) == SQLITE_ROW) {
            c->state = store_col_str(st, 0);
            c->error = store_col_str(st, 1);
        }
        store_unprep(s, st);
        if (store_prep(s, "SELECT DISTINCT namespace FROM runs WHERE context = ?1 UNION"
                          " SELECT DISTINCT namespace FROM pods WHERE context = ?1 ORDER BY 1",
                       &st) != SQLITE_OK) {
            store_dberr(s, "reading status", err, errlen);
            goto fail;
        }
        store_bind_text(st, 1, c->context);
        size_t ncap = 0;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            c->namespaces = xgrow(c->namespaces, &ncap, c->nnamespaces + 1, sizeof *c->namespaces);
            char *ns = store_col_str(st, 0);
            c->namespaces[c->nnamespaces++] = ns ? ns : xstrdup("");
        }
        store_unprep(s, st);
        if (rc != SQLITE_DONE) {
            store_dberr(s, "reading status", err, errlen);
            goto fail;
        }
    }
    sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
    return 0;
fail:
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    store_status_free(out);
    return -1;
}

/* ---- export --------------------------------------------------------------- */

static void redact_fn(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) != SQLITE_TEXT) {
        sqlite3_result_value(cx, argv[0]);
        return;
    }
    const char *t = (const char *)sqlite3_value_text(argv[0]);
    size_t n = (size_t)sqlite3_value_bytes(argv[0]);
    size_t outlen, count;
    char *r = redact_text(t ? t : "", t ? n : 0, &outlen, &count);
    *(int64_t *)sqlite3_user_data(cx) += (int64_t)count;
    sqlite3_result_text(cx, r, (int)outlen, free);
}

/* Columns that identify rows and link tables: kept as they are, so that
 * the bundle's joins (and UNIQUE keys) hold. Names, uids and lanes are
 * Kubernetes identifiers, not free text. */
static bool identity_column(const char *c)
{
    static const char *const keep[] = {"context", "namespace", "name", "uid", "lane", "attempt",
                                       "run_name", "job_name", "from_name", "from_uid", "new_name",
                                       "new_uid", "container", "pod", "kind", "phase", "state",
                                       "cond_type", "cond_status", "version", "outcome", "source",
                                       "result", "resource_version", "cond_state", NULL};
    for (size_t i = 0; keep[i]; i++)
        if (strcmp(keep[i], c) == 0) return true;
    return false;
}

static int redact_tables(struct store *s, int64_t *masked, char *err, size_t errlen)
{
    static const char *const tables[] = {"runs", "changes", "pods", "containers", "classifications",
                                         "pr_links", "reruns", "notes", NULL};
    if (sqlite3_create_function(s->db, "artriage_redact", 1, SQLITE_UTF8, masked, redact_fn, NULL,
                                NULL) != SQLITE_OK)
        return store_dberr(s, "preparing redaction", err, errlen);
    int rc = 0;
    for (size_t t = 0; tables[t] && rc == 0; t++) {
        char *q = xasprintf("PRAGMA bundle.table_info(%s)", tables[t]);
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(s->db, q, -1, &st, NULL) != SQLITE_OK) {
            free(q);
            rc = store_dberr(s, "redacting", err, errlen);
            break;
        }
        free(q);
        while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
            const char *col = (const char *)sqlite3_column_text(st, 1);
            const char *type = (const char *)sqlite3_column_text(st, 2);
            if (!col || !type || strcmp(type, "TEXT") != 0 || identity_column(col)) continue;
            char *u = xasprintf("UPDATE bundle.%s SET \"%s\" = artriage_redact(\"%s\")"
                                " WHERE \"%s\" IS NOT NULL",
                                tables[t], col, col, col);
            rc = store_exec(s, u, err, errlen);
            free(u);
        }
        sqlite3_finalize(st);
    }
    if (rc < 0) return -1;
    /* logs: zlib blobs, masked in their text and stored again */
    sqlite3_stmt *sel, *upd;
    if (sqlite3_prepare_v2(s->db, "SELECT id, data, raw_size FROM bundle.logs", -1, &sel, NULL) !=
        SQLITE_OK)
        return store_dberr(s, "redacting logs", err, errlen);
    if (sqlite3_prepare_v2(s->db, "UPDATE bundle.logs SET data = ?2, raw_size = ?3,"
                                  " stored_size = ?4 WHERE id = ?1", -1, &upd, NULL) != SQLITE_OK) {
        sqlite3_finalize(sel);
        return store_dberr(s, "redacting logs", err, errlen);
    }
    int step;
    while (rc == 0 && (step = sqlite3_step(sel)) == SQLITE_ROW) {
        const unsigned char *z = sqlite3_column_blob(sel, 1);
        size_t zn = (size_t)sqlite3_column_bytes(sel, 1);
        int64_t raw = sqlite3_column_int64(sel, 2);
        char *text = NULL;
        size_t tn = 0;
        if (store_inflate(z, zn, raw > 0 ? (size_t)raw : 0, &text, &tn) < 0) {
            /* a log we cannot read back cannot be checked: it does not leave */
            sqlite3_stmt *del;
            if (sqlite3_prepare_v2(s->db, "DELETE FROM bundle.logs WHERE id = ?1", -1, &del, NULL) ==
                SQLITE_OK) {
                sqlite3_bind_int64(del, 1, sqlite3_column_int64(sel, 0));
                sqlite3_step(del);
                sqlite3_finalize(del);
            }
            continue;
        }
        size_t rn, count;
        char *red = redact_text(text, tn, &rn, &count);
        free(text);
        *masked += (int64_t)count;
        unsigned char *nz = NULL;
        size_t nzn = 0;
        if (store_deflate(red, rn, &nz, &nzn) < 0) {
            free(red);
            rc = errf(err, errlen, "history cache %s: cannot compress a redacted log", s->path);
            break;
        }
        free(red);
        sqlite3_reset(upd);
        sqlite3_bind_int64(upd, 1, sqlite3_column_int64(sel, 0));
        sqlite3_bind_blob(upd, 2, nz, (int)nzn, SQLITE_TRANSIENT);
        sqlite3_bind_int64(upd, 3, (int64_t)rn);
        sqlite3_bind_int64(upd, 4, (int64_t)nzn);
        if (sqlite3_step(upd) != SQLITE_DONE) rc = store_dberr(s, "redacting logs", err, errlen);
        free(nz);
    }
    sqlite3_finalize(sel);
    sqlite3_finalize(upd);
    sqlite3_create_function(s->db, "artriage_redact", 1, SQLITE_UTF8, NULL, NULL, NULL, NULL);
    return rc;
}

static int exec_bound(struct store *s, const char *sql, const char *a, const char *b, int64_t t1,
                      int64_t t2, char *err, size_t errlen)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return store_dberr(s, "selecting runs to export", err, errlen);
    store_bind_text(st, 1, a);
    store_bind_text(st, 2, b);
    store_bind_time(st, 3, t1);
    store_bind_time(st, 4, t2);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return store_dberr(s, "exporting", err, errlen);
    return 0;
}

static int64_t scalar(struct store *s, const char *sql)
{
    sqlite3_stmt *st;
    int64_t v = TIME_NONE;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) return v;
    if (sqlite3_step(st) == SQLITE_ROW) v = store_col_time(st, 0);
    sqlite3_finalize(st);
    return v;
}

static int select_runs(struct store *s, const struct store_export_opts *o, char *err, size_t errlen)
{
    if (store_exec(s, "CREATE TEMP TABLE IF NOT EXISTS export_sel (id INTEGER PRIMARY KEY);"
                      "DELETE FROM temp.export_sel", err, errlen) < 0)
        return -1;
    if (o->lane)
        return exec_bound(s, "INSERT OR IGNORE INTO temp.export_sel SELECT id FROM main.runs"
                             " WHERE lane = ?1 AND (?2 IS NULL OR context = ?2)",
                          o->lane, o->context, TIME_NONE, TIME_NONE, err, errlen);
    if (o->nnames) {
        for (size_t i = 0; i < o->nnames; i++) {
            const char *n = o->names[i];
            const char *slash = strchr(n, '/');
            char *ns = slash ? xstrndup(n, (size_t)(slash - n)) : NULL;
            const char *name = slash ? slash + 1 : n;
            sqlite3_stmt *st;
            if (sqlite3_prepare_v2(s->db, "INSERT OR IGNORE INTO temp.export_sel SELECT id FROM"
                                          " main.runs WHERE name = ?1 AND (?2 IS NULL OR context"
                                          " = ?2) AND (?3 IS NULL OR namespace = ?3)",
                                   -1, &st, NULL) != SQLITE_OK) {
                free(ns);
                return store_dberr(s, "selecting runs to export", err, errlen);
            }
            store_bind_text(st, 1, name);
            store_bind_text(st, 2, o->context);
            store_bind_text(st, 3, ns);
            int rc = sqlite3_step(st);
            int changed = sqlite3_changes(s->db);
            sqlite3_finalize(st);
            free(ns);
            if (rc != SQLITE_DONE) return store_dberr(s, "selecting runs to export", err, errlen);
            if (changed == 0) { /* none new: a name given twice, or no such run */
                sqlite3_stmt *q;
                int found = 0;
                if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM main.runs WHERE name = ?1 AND (?2 IS"
                                              " NULL OR context = ?2)", -1, &q, NULL) == SQLITE_OK) {
                    store_bind_text(q, 1, name);
                    store_bind_text(q, 2, o->context);
                    found = sqlite3_step(q) == SQLITE_ROW;
                    sqlite3_finalize(q);
                }
                if (!found)
                    return errf(err, errlen, "run %s is not in the history cache %s%s%s", n,
                                s->path, o->context ? " for context " : "",
                                o->context ? o->context : "");
            }
        }
        return 0;
    }
    /* a window: every run alive in it (created before its end, active after its start) */
    return exec_bound(s, "INSERT OR IGNORE INTO temp.export_sel SELECT id FROM main.runs"
                         " WHERE (?2 IS NULL OR context = ?2)"
                         " AND (?3 IS NULL OR coalesce(finished, deleted_at, last_seen) >= ?3)"
                         " AND (?4 IS NULL OR coalesce(created, first_seen) <= ?4)",
                      NULL, o->context, o->since, o->until, err, errlen);
}

static int64_t copy_rows(struct store *s, const char *sql, char *err, size_t errlen)
{
    if (store_exec(s, sql, err, errlen) < 0) return -1;
    return sqlite3_changes64(s->db);
}

int store_export(struct store *s, const char *path, const struct store_export_opts *o,
                 struct store_export_stats *stp, char *err, size_t errlen)
{
    struct store_export_stats local;
    struct store_export_stats *st = stp ? stp : &local;
    memset(st, 0, sizeof *st);
    if (!path || !*path) return errf(err, errlen, "export: no output file given");
    if (!o->lane && !o->nnames && o->since == TIME_NONE && o->until == TIME_NONE)
        return errf(err, errlen, "export: say which runs: --lane, --run or --since");
    if (select_runs(s, o, err, errlen) < 0) return -1;
    int64_t n = scalar(s, "SELECT count(*) FROM temp.export_sel");
    if (n <= 0) return errf(err, errlen, "export: no run in the history cache %s matches", s->path);

    int fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        if (errno == EEXIST)
            return errf(err, errlen, "export %s: the file exists; an export never overwrites one",
                        path);
        return errf(err, errlen, "export %s: %s", path, strerror(errno));
    }
    close(fd);
    /* the bundle's schema: the same migrations as any cache, then one file */
    struct store_opts bo;
    store_opts_default(&bo);
    struct store *b = store_open(path, &bo, err, errlen);
    if (!b) {
        unlink(path);
        return -1;
    }
    int rc = store_exec(b, "PRAGMA journal_mode = DELETE", err, errlen);
    store_close(b);
    if (rc < 0) {
        unlink(path);
        return -1;
    }
    sqlite3_stmt *at;
    if (sqlite3_prepare_v2(s->db, "ATTACH DATABASE ?1 AS bundle", -1, &at, NULL) != SQLITE_OK) {
        unlink(path);
        return store_dberr(s, "attaching the bundle", err, errlen);
    }
    sqlite3_bind_text(at, 1, path, -1, SQLITE_STATIC);
    int arc = sqlite3_step(at);
    sqlite3_finalize(at);
    if (arc != SQLITE_DONE) {
        store_dberr(s, "attaching the bundle", err, errlen);
        unlink(path);
        return -1;
    }
    rc = store_tx_enter(s, err, errlen);
#define COPY(field, sql)                                                                            \
    do {                                                                                            \
        if (rc == 0) {                                                                              \
            int64_t k = copy_rows(s, sql, err, errlen);                                             \
            if (k < 0) rc = -1;                                                                     \
            else st->field = k;                                                                     \
        }                                                                                           \
    } while (0)
    COPY(runs, "INSERT INTO bundle.runs SELECT * FROM main.runs WHERE id IN temp.export_sel");
    COPY(changes, "INSERT INTO bundle.changes SELECT * FROM main.changes"
                  " WHERE run_id IN temp.export_sel");
    COPY(pods, "INSERT INTO bundle.pods SELECT * FROM main.pods WHERE run_id IN temp.export_sel");
    if (rc == 0 && copy_rows(s, "INSERT INTO bundle.containers SELECT * FROM main.containers"
                                " WHERE pod_id IN (SELECT id FROM bundle.pods)", err, errlen) < 0)
        rc = -1;
    COPY(logs, "INSERT INTO bundle.logs SELECT * FROM main.logs"
               " WHERE pod_id IN (SELECT id FROM bundle.pods)");
    COPY(classifications, "INSERT INTO bundle.classifications SELECT * FROM main.classifications"
                          " WHERE run_id IN temp.export_sel");
    COPY(prs, "INSERT INTO bundle.pr_links SELECT * FROM main.pr_links"
              " WHERE run_id IN temp.export_sel");
    COPY(reruns, "INSERT INTO bundle.reruns SELECT * FROM main.reruns x WHERE EXISTS (SELECT 1"
                 " FROM bundle.runs r WHERE r.context = x.context AND r.namespace = x.namespace"
                 " AND (r.name = x.from_name OR r.name = x.new_name))");
    if (rc == 0) {
        /* notes: those of the window asked for, else of the runs' span (as timeline does) */
        int64_t from = o->since, to = o->until;
        if (o->lane || o->nnames) {
            from = scalar(s, "SELECT min(coalesce(created, first_seen)) FROM bundle.runs");
            to = scalar(s, "SELECT max(max(coalesce(finished, 0), coalesce(deleted_at, 0),"
                           " last_seen)) FROM bundle.runs");
        }
        sqlite3_stmt *nt;
        if (sqlite3_prepare_v2(s->db, "INSERT INTO bundle.notes SELECT * FROM main.notes"
                                      " WHERE (?1 IS NULL OR time >= ?1) AND (?2 IS NULL OR time <= ?2)"
                                      " AND (?3 IS NULL OR context IS NULL OR context = ?3)",
                               -1, &nt, NULL) != SQLITE_OK) {
            rc = store_dberr(s, "exporting notes", err, errlen);
        } else {
            store_bind_time(nt, 1, from);
            store_bind_time(nt, 2, to);
            store_bind_text(nt, 3, o->context);
            if (sqlite3_step(nt) != SQLITE_DONE) rc = store_dberr(s, "exporting notes", err, errlen);
            else st->notes = sqlite3_changes64(s->db);
            sqlite3_finalize(nt);
        }
    }
#undef COPY
    if (rc == 0 && o->redact) rc = redact_tables(s, &st->masked, err, errlen);
    rc = store_tx_leave(s, rc, err, errlen);
    sqlite3_exec(s->db, "DETACH DATABASE bundle", NULL, NULL, NULL);
    store_exec(s, "DELETE FROM temp.export_sel", NULL, 0);
    if (rc < 0) {
        unlink(path);
        return errprefix(err, errlen, "export %s", path);
    }
    return 0;
}
