/* store_pods.c — pods, container states and their logs in the history
 * cache. Logs are zlib-compressed and capped per run (the tail is kept)
 * and in total (the oldest logs go first). */
#include "store/store_impl.h"
#include "model/agentrun.h"
#include "util/err.h"
#include "util/timeutil.h"
#include "util/xalloc.h"
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

int store_deflate(const char *data, size_t len, unsigned char **out, size_t *outlen)
{
    uLongf cap = compressBound((uLong)len);
    unsigned char *p = xmalloc(cap ? cap : 1);
    if (compress2(p, &cap, (const Bytef *)data, (uLong)len, 6) != Z_OK) {
        free(p);
        return -1;
    }
    *out = p;
    *outlen = cap;
    return 0;
}

int store_inflate(const unsigned char *data, size_t len, size_t hint, char **out, size_t *outlen)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (inflateInit(&zs) != Z_OK) return -1;
    size_t cap = hint ? hint + 1 : len * 4 + 64, n = 0;
    /* never trust the recorded size beyond a sane bound */
    if (cap > (256u << 20)) cap = 256u << 20;
    char *p = xmalloc(cap);
    zs.next_in = (Bytef *)data;
    zs.avail_in = (uInt)len;
    int rc;
    do {
        if (n + 1 >= cap) p = xgrow(p, &cap, cap * 2, 1);
        zs.next_out = (Bytef *)p + n;
        zs.avail_out = (uInt)(cap - n - 1);
        rc = inflate(&zs, Z_NO_FLUSH);
        n = cap - 1 - zs.avail_out;
        if (rc != Z_OK && rc != Z_STREAM_END && !(rc == Z_BUF_ERROR && zs.avail_out == 0)) {
            inflateEnd(&zs);
            free(p);
            return -1;
        }
    } while (rc != Z_STREAM_END);
    inflateEnd(&zs);
    p[n] = 0;
    *out = p;
    *outlen = n;
    return 0;
}

static int put_containers(struct store *s, int64_t pod_id, const struct pod *p, char *err,
                          size_t errlen)
{
    for (size_t i = 0; i < p->ncontainers; i++) {
        const struct container_state *c = &p->containers[i];
        if (!c->name) continue;
        sqlite3_stmt *st = store_stmt(s, ST_CONTAINER_UPSERT, err, errlen);
        if (!st) return -1;
        sqlite3_bind_int64(st, 1, pod_id);
        store_bind_text(st, 2, c->name);
        sqlite3_bind_int(st, 3, c->init);
        store_bind_text(st, 4, c->image);
        store_bind_text(st, 5, c->image_id);
        store_bind_text(st, 6, c->digest);
        store_bind_text(st, 7, c->state);
        store_bind_text(st, 8, c->reason);
        store_bind_text(st, 9, c->message);
        if (c->exit_code >= 0 && c->state && strcmp(c->state, "terminated") == 0)
            sqlite3_bind_int64(st, 10, c->exit_code);
        else
            sqlite3_bind_null(st, 10);
        sqlite3_bind_int64(st, 11, c->restarts > 0 ? c->restarts : 0);
        store_bind_time(st, 12, c->started);
        store_bind_time(st, 13, c->finished);
        store_bind_text(st, 14, c->has_last ? c->last_reason : NULL);
        if (c->has_last) sqlite3_bind_int64(st, 15, c->last_exit_code);
        else sqlite3_bind_null(st, 15);
        if (sqlite3_step(st) != SQLITE_DONE)
            return store_dberr(s, "storing a container state", err, errlen);
    }
    return 0;
}

static int put_pod(struct store *s, const char *ctx, const struct pod *p, int64_t now, char *err,
                   size_t errlen)
{
    sqlite3_stmt *st = store_stmt(s, ST_POD_RUN_OF, err, errlen);
    if (!st) return -1;
    int64_t run_id = 0;
    if (p->run_name) {
        store_bind_text(st, 1, ctx);
        store_bind_text(st, 2, p->ns ? p->ns : "");
        store_bind_text(st, 3, p->run_name);
        sqlite3_bind_int64(st, 4, p->created == TIME_NONE ? INT64_MAX - 60000 : p->created);
        if (sqlite3_step(st) == SQLITE_ROW) run_id = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
    }
    st = store_stmt(s, ST_POD_FIND, err, errlen);
    if (!st) return -1;
    store_bind_text(st, 1, ctx);
    store_bind_text(st, 2, p->uid);
    int rc = sqlite3_step(st);
    int64_t pod_id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return store_dberr(s, "looking up a pod", err, errlen);
    if (pod_id) {
        st = store_stmt(s, ST_POD_UPDATE, err, errlen);
        if (!st) return -1;
        sqlite3_bind_int64(st, 1, pod_id);
        if (run_id) sqlite3_bind_int64(st, 2, run_id);
        store_bind_text(st, 3, p->phase);
        store_bind_text(st, 4, p->node);
        store_bind_time(st, 5, p->started);
        sqlite3_bind_int64(st, 6, now);
    } else {
        st = store_stmt(s, ST_POD_INSERT, err, errlen);
        if (!st) return -1;
        store_bind_text(st, 1, ctx);
        store_bind_text(st, 2, p->ns ? p->ns : "");
        store_bind_text(st, 3, p->name);
        store_bind_text(st, 4, p->uid);
        store_bind_text(st, 5, p->run_name);
        if (run_id) sqlite3_bind_int64(st, 6, run_id);
        store_bind_text(st, 7, p->job_name);
        store_bind_text(st, 8, p->phase);
        store_bind_text(st, 9, p->node);
        store_bind_time(st, 10, p->created);
        store_bind_time(st, 11, p->started);
        sqlite3_bind_int64(st, 12, now);
    }
    if (sqlite3_step(st) != SQLITE_DONE) return store_dberr(s, "storing a pod", err, errlen);
    if (!pod_id) pod_id = sqlite3_last_insert_rowid(s->db);
    return put_containers(s, pod_id, p, err, errlen);
}

int store_put_pod(struct store *s, const char *context, const struct pod *p, int64_t now,
                  char *err, size_t errlen)
{
    if (!p || !p->name || !p->uid)
        return errf(err, errlen, "history cache %s: a pod without name or uid cannot be stored",
                    s->path);
    if (store_tx_enter(s, err, errlen) < 0) return -1;
    int rc = put_pod(s, context ? context : "", p, now, err, errlen);
    if (rc < 0) errprefix(err, errlen, "pod %s/%s", p->ns ? p->ns : "", p->name);
    return store_tx_leave(s, rc, err, errlen);
}

int store_mark_pod_deleted(struct store *s, const char *context, const char *uid, int64_t when,
                           char *err, size_t errlen)
{
    sqlite3_stmt *st = store_stmt(s, ST_POD_DELETE_MARK, err, errlen);
    if (!st) return -1;
    store_bind_text(st, 1, context ? context : "");
    store_bind_text(st, 2, uid);
    sqlite3_bind_int64(st, 3, when);
    if (sqlite3_step(st) != SQLITE_DONE) return store_dberr(s, "marking a pod deleted", err, errlen);
    return 0;
}

/* Keeps at most `cap` bytes of the tail of data, cut after a newline, and
 * counts the lines dropped. */
static void cut_tail(const char *data, size_t len, int64_t cap, size_t *off, int64_t *skipped)
{
    *off = 0;
    *skipped = 0;
    if (cap < 0 || (int64_t)len <= cap) return;
    size_t start = len - (size_t)cap;
    const char *nl = memchr(data + start, '\n', len - start);
    /* no line boundary in the kept part: keep the raw tail */
    size_t cut = nl ? (size_t)(nl - data) + 1 : start;
    int64_t lines = 0;
    for (const char *p = data; (p = memchr(p, '\n', cut - (size_t)(p - data))) != NULL; p++)
        lines++;
    *off = cut;
    *skipped = lines;
}

int store_enforce_log_total(struct store *s, int64_t keep_id, int64_t *removed, char *err,
                            size_t errlen)
{
    int64_t total = store_log_bytes(s);
    if (total <= s->opts.log_cap_total) return 0;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT id, stored_size FROM logs WHERE id != ?1"
                                  " ORDER BY fetched, id", -1, &st, NULL) != SQLITE_OK)
        return store_dberr(s, "enforcing the log size cap", err, errlen);
    sqlite3_bind_int64(st, 1, keep_id);
    int64_t *ids = NULL;
    size_t n = 0, cap = 0;
    while (total > s->opts.log_cap_total && sqlite3_step(st) == SQLITE_ROW) {
        ids = xgrow(ids, &cap, n + 1, sizeof *ids);
        ids[n++] = sqlite3_column_int64(st, 0);
        total -= sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    int rc = 0;
    if (n) {
        if (sqlite3_prepare_v2(s->db, "DELETE FROM logs WHERE id = ?1", -1, &st, NULL) != SQLITE_OK) {
            free(ids);
            return store_dberr(s, "enforcing the log size cap", err, errlen);
        }
        for (size_t i = 0; i < n && rc == 0; i++) {
            sqlite3_reset(st);
            sqlite3_bind_int64(st, 1, ids[i]);
            if (sqlite3_step(st) != SQLITE_DONE) rc = store_dberr(s, "dropping an old log", err, errlen);
        }
        sqlite3_finalize(st);
    }
    free(ids);
    if (rc == 0 && removed) *removed += (int64_t)n;
    return rc;
}

static int put_log(struct store *s, const char *ctx, const char *pod_uid, const char *container,
                   bool previous, const char *data, size_t len, int64_t now, char *err,
                   size_t errlen)
{
    sqlite3_stmt *st = store_stmt(s, ST_LOG_POD, err, errlen);
    if (!st) return -1;
    store_bind_text(st, 1, ctx);
    store_bind_text(st, 2, pod_uid);
    if (sqlite3_step(st) != SQLITE_ROW)
        return errf(err, errlen, "history cache %s: pod %s is not cached, store it before its log",
                    s->path, pod_uid);
    int64_t pod_id = sqlite3_column_int64(st, 0);
    int64_t run_id = store_col_int(st, 1, 0);
    sqlite3_reset(st);

    int64_t cap = s->opts.log_cap_run;
    if (run_id) {
        st = store_stmt(s, ST_LOG_RUN_OTHERS, err, errlen);
        if (!st) return -1;
        sqlite3_bind_int64(st, 1, run_id);
        sqlite3_bind_int64(st, 2, pod_id);
        store_bind_text(st, 3, container);
        sqlite3_bind_int(st, 4, previous);
        if (sqlite3_step(st) == SQLITE_ROW) cap -= sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
        /* the run's other logs already fill the cap: still keep a little
         * tail of this one, where a failure usually is */
        if (cap < 16384) cap = s->opts.log_cap_run < 16384 ? s->opts.log_cap_run : 16384;
    }
    size_t off;
    int64_t skipped;
    cut_tail(data, len, cap, &off, &skipped);
    unsigned char *z = NULL;
    size_t zlen = 0;
    if (store_deflate(data + off, len - off, &z, &zlen) < 0)
        return errf(err, errlen, "history cache %s: cannot compress the log of pod %s", s->path,
                    pod_uid);
    st = store_stmt(s, ST_LOG_UPSERT, err, errlen);
    if (!st) {
        free(z);
        return -1;
    }
    sqlite3_bind_int64(st, 1, pod_id);
    store_bind_text(st, 2, container);
    sqlite3_bind_int(st, 3, previous);
    sqlite3_bind_int64(st, 4, now);
    sqlite3_bind_int64(st, 5, (int64_t)(len - off));
    sqlite3_bind_int64(st, 6, (int64_t)zlen);
    sqlite3_bind_int64(st, 7, (int64_t)len);
    sqlite3_bind_int64(st, 8, skipped);
    sqlite3_bind_blob(st, 9, z, (int)zlen, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    int64_t log_id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    while (rc == SQLITE_ROW) rc = sqlite3_step(st);
    sqlite3_reset(st);
    free(z);
    if (rc != SQLITE_DONE) return store_dberr(s, "storing a log", err, errlen);
    return store_enforce_log_total(s, log_id, NULL, err, errlen);
}

int store_put_log(struct store *s, const char *context, const char *pod_uid, const char *container,
                  bool previous, const char *data, size_t len, int64_t now, char *err,
                  size_t errlen)
{
    if (!pod_uid || !container)
        return errf(err, errlen, "history cache %s: a log needs a pod and a container", s->path);
    if (len > (size_t)1 << 31)
        return errf(err, errlen, "history cache %s: log of pod %s is larger than 2 GiB", s->path,
                    pod_uid);
    if (store_tx_enter(s, err, errlen) < 0) return -1;
    int rc = put_log(s, context ? context : "", pod_uid, container, previous, data ? data : "",
                     data ? len : 0, now, err, errlen);
    return store_tx_leave(s, rc, err, errlen);
}

bool store_has_log(struct store *s, const char *context, const char *pod_uid, const char *container,
                   bool previous)
{
    sqlite3_stmt *st = store_stmt(s, ST_LOG_HAS, NULL, 0);
    if (!st) return false;
    store_bind_text(st, 1, context ? context : "");
    store_bind_text(st, 2, pod_uid);
    store_bind_text(st, 3, container);
    sqlite3_bind_int(st, 4, previous);
    bool has = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_reset(st);
    return has;
}

int64_t store_log_bytes(struct store *s)
{
    sqlite3_stmt *st = store_stmt(s, ST_LOG_TOTAL, NULL, 0);
    if (!st) return 0;
    int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return n;
}

static void move_str(char **dst, char **src)
{
    *dst = *src;
    *src = NULL;
}

void store_pod_to_model(struct store_pod *sp, const char *run_name, struct pod *p)
{
    memset(p, 0, sizeof *p);
    move_str(&p->ns, &sp->ns);
    move_str(&p->name, &sp->name);
    move_str(&p->uid, &sp->uid);
    move_str(&p->phase, &sp->phase);
    move_str(&p->node, &sp->node);
    move_str(&p->job_name, &sp->job_name);
    p->run_name = xstrdup(run_name);
    p->created = sp->created;
    p->started = sp->started;
    /* the same struct: the containers move whole */
    p->containers = sp->containers;
    p->ncontainers = sp->ncontainers;
    sp->containers = NULL;
    sp->ncontainers = 0;
}
