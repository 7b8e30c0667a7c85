/* store_read.c — the read side of the history cache (offline list, show,
 * logs, classify, timeline, console), plus classifications, PR links,
 * rerun records, notes and garbage collection. */
#include "store/store_impl.h"
#include "model/runbaseline.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/jsonutil.h"
#include "util/timeutil.h"
#include "util/xalloc.h"
#include <stdlib.h>
#include <string.h>

/* ---- runs ------------------------------------------------------------ */

#define RUN_COLS                                                                                  \
    "r.id, r.context, r.namespace, r.name, r.uid, r.lane, r.attempt, r.agent, r.runtime,"         \
    " r.phase, r.reason, r.message, r.repository, r.base, r.head, r.idempotency_key,"             \
    " r.workload_image, r.vcs_mode, r.system_prompt_hash, r.spec_hash, r.rerun_of, r.created,"    \
    " r.started, r.finished, r.updated, r.first_seen, r.last_seen, r.deleted_at, r.deleted,"      \
    " (SELECT count(*) FROM pods p WHERE p.run_id = r.id), r.raw"

static void read_run(sqlite3_stmt *st, struct store_run *r)
{
    memset(r, 0, sizeof *r);
    int i = 0;
    r->id = sqlite3_column_int64(st, i++);
    char **strs[] = {&r->context, &r->ns, &r->name, &r->uid, &r->lane, &r->attempt, &r->agent,
                     &r->runtime, &r->phase, &r->reason, &r->message, &r->repository, &r->base,
                     &r->head, &r->idempotency_key, &r->workload_image, &r->vcs_mode,
                     &r->system_prompt_hash, &r->spec_hash, &r->rerun_of};
    for (size_t k = 0; k < sizeof strs / sizeof strs[0]; k++) *strs[k] = store_col_str(st, i++);
    r->created = store_col_time(st, i++);
    r->started = store_col_time(st, i++);
    r->finished = store_col_time(st, i++);
    r->updated = store_col_time(st, i++);
    r->first_seen = store_col_time(st, i++);
    r->last_seen = store_col_time(st, i++);
    r->deleted_at = store_col_time(st, i++);
    r->deleted = sqlite3_column_int(st, i++) != 0;
    r->npods = sqlite3_column_int64(st, i++);
    r->raw = store_col_str(st, i++);
}

void store_run_free(struct store_run *r)
{
    if (!r) return;
    char *strs[] = {r->context, r->ns, r->name, r->uid, r->lane, r->attempt, r->agent,
                    r->runtime, r->phase, r->reason, r->message, r->repository, r->base,
                    r->head, r->idempotency_key, r->workload_image, r->vcs_mode,
                    r->system_prompt_hash, r->spec_hash, r->rerun_of, r->raw};
    for (size_t k = 0; k < sizeof strs / sizeof strs[0]; k++) free(strs[k]);
    memset(r, 0, sizeof *r);
}

void store_run_list_free(struct store_run_list *l)
{
    if (!l) return;
    for (size_t i = 0; i < l->n; i++) store_run_free(&l->items[i]);
    free(l->items);
    memset(l, 0, sizeof *l);
}

void store_query_init(struct store_query *q)
{
    memset(q, 0, sizeof *q);
    q->since = TIME_NONE;
    q->until = TIME_NONE;
    q->include_deleted = true;
}

int store_list_runs(struct store *s, const struct store_query *q, struct store_run_list *out,
                    char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    struct store_query all;
    if (!q) {
        store_query_init(&all);
        q = &all;
    }
    struct buf sql = {0};
    buf_puts(&sql, "SELECT " RUN_COLS " FROM runs r WHERE 1");
    if (q->context) buf_puts(&sql, " AND r.context = ?1");
    if (q->ns) buf_puts(&sql, " AND r.namespace = ?2");
    if (q->lane) buf_puts(&sql, " AND r.lane = ?3");
    if (q->phase) buf_puts(&sql, " AND r.phase = ?4");
    if (q->name) buf_puts(&sql, " AND r.name = ?5");
    if (q->since != TIME_NONE) buf_puts(&sql, " AND r.created >= ?6");
    if (q->until != TIME_NONE) buf_puts(&sql, " AND r.created <= ?7");
    if (!q->include_deleted) buf_puts(&sql, " AND r.deleted = 0");
    if (q->lane) buf_puts(&sql, " ORDER BY r.created, r.name, r.id");
    else buf_puts(&sql, " ORDER BY r.created DESC, r.id DESC");
    if (q->limit) buf_printf(&sql, " LIMIT %zu", q->limit);
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, sql.p, -1, &st, NULL);
    buf_free(&sql);
    if (rc != SQLITE_OK) return store_dberr(s, "listing runs", err, errlen);
    if (q->context) store_bind_text(st, 1, q->context);
    if (q->ns) store_bind_text(st, 2, q->ns);
    if (q->lane) store_bind_text(st, 3, q->lane);
    if (q->phase) store_bind_text(st, 4, q->phase);
    if (q->name) store_bind_text(st, 5, q->name);
    if (q->since != TIME_NONE) sqlite3_bind_int64(st, 6, q->since);
    if (q->until != TIME_NONE) sqlite3_bind_int64(st, 7, q->until);
    size_t cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        out->items = xgrow(out->items, &cap, out->n + 1, sizeof *out->items);
        read_run(st, &out->items[out->n++]);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        store_run_list_free(out);
        return store_dberr(s, "listing runs", err, errlen);
    }
    return 0;
}

static int get_one_run(struct store *s, const char *sql, const char *what, bool by_name,
                       const char *a, const char *b, const char *c, int64_t id,
                       struct store_run *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st;
    if (store_prep(s, sql, &st) != SQLITE_OK)
        return store_dberr(s, what, err, errlen);
    if (by_name) {
        store_bind_text(st, 1, a);
        store_bind_text(st, 2, b);
        store_bind_text(st, 3, c);
    } else {
        sqlite3_bind_int64(st, 1, id);
    }
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) read_run(st, out);
    store_unprep(s, st);
    if (rc == SQLITE_ROW) return 1;
    if (rc == SQLITE_DONE) return 0;
    return store_dberr(s, what, err, errlen);
}

int store_get_run(struct store *s, const char *context, const char *ns, const char *name,
                  struct store_run *out, char *err, size_t errlen)
{
    if (!name) return 0;
    return get_one_run(s,
                       "SELECT " RUN_COLS " FROM runs r WHERE (?1 IS NULL OR r.context = ?1)"
                       " AND (?2 IS NULL OR r.namespace = ?2) AND r.name = ?3"
                       " ORDER BY r.deleted, r.created DESC, r.id DESC LIMIT 1",
                       "looking up a run", true, context, ns, name, 0, out, err,
                       errlen);
}

int store_get_run_by_id(struct store *s, int64_t id, struct store_run *out, char *err,
                        size_t errlen)
{
    return get_one_run(s, "SELECT " RUN_COLS " FROM runs r WHERE r.id = ?1", "looking up a run",
                       false, NULL, NULL, NULL, id, out, err, errlen);
}

static void take(char **dst, char **src)
{
    free(*dst);
    *dst = *src;
    *src = NULL;
}

bool store_run_take_agentrun(struct store_run *sr, struct agentrun *a)
{
    memset(a, 0, sizeof *a);
    bool parsed = false;
    if (sr->raw) {
        char err[ERRLEN];
        cJSON *j = cJSON_Parse(sr->raw);
        parsed = j && agentrun_parse(j, a, err, sizeof err) == 0;
        cJSON_Delete(j);
        if (!parsed) {
            agentrun_free(a);
            memset(a, 0, sizeof *a);
        }
    }
    if (!parsed) {
        if (!sr->name) return false;
        take(&a->ns, &sr->ns);
        take(&a->name, &sr->name);
        take(&a->uid, &sr->uid);
        take(&a->agent, &sr->agent);
        take(&a->runtime, &sr->runtime);
        take(&a->phase, &sr->phase);
        take(&a->reason, &sr->reason);
        take(&a->message, &sr->message);
        take(&a->repository, &sr->repository);
        take(&a->base, &sr->base);
        take(&a->head, &sr->head);
        take(&a->idempotency_key, &sr->idempotency_key);
        take(&a->workload_image, &sr->workload_image);
        take(&a->vcs_mode, &sr->vcs_mode);
        take(&a->system_prompt_hash, &sr->system_prompt_hash);
        take(&a->spec_hash, &sr->spec_hash);
        take(&a->rerun_of, &sr->rerun_of);
        a->created = sr->created;
        a->started = sr->started;
        a->finished = sr->finished;
        a->updated = sr->updated;
        a->deleted_at = TIME_NONE;
        a->runner_exit_code = -1;
    }
    take(&a->context, &sr->context);
    /* the cache's lane was resolved by provenance across a whole list */
    if (sr->lane) {
        take(&a->lane, &sr->lane);
        free(a->attempt);
        a->attempt = sr->attempt ? sr->attempt : xstrdup("");
        sr->attempt = NULL;
    }
    if (sr->deleted && sr->deleted_at != TIME_NONE) a->deleted_at = sr->deleted_at;
    return true;
}

int store_get_agentrun(struct store *s, int64_t run_id, struct agentrun *out, char *err,
                       size_t errlen)
{
    memset(out, 0, sizeof *out);
    struct store_run r;
    int rc = store_get_run_by_id(s, run_id, &r, err, errlen);
    if (rc <= 0) return rc;
    if (!r.raw) {
        store_run_free(&r);
        return 0;
    }
    cJSON *obj = cJSON_Parse(r.raw);
    cJSON_Delete(obj);
    if (!obj) {
        errf(err, errlen, "history cache %s: run %s/%s has an unreadable cached object", s->path,
             r.ns, r.name);
        store_run_free(&r);
        return -1;
    }
    store_run_take_agentrun(&r, out);
    store_run_free(&r);
    return 1;
}

/* ---- changes ----------------------------------------------------------- */

void store_change_list_free(struct store_change_list *l)
{
    if (!l) return;
    for (size_t i = 0; i < l->n; i++) {
        struct store_change *c = &l->items[i];
        free(c->kind);
        free(c->phase);
        free(c->cond_type);
        free(c->cond_status);
        free(c->reason);
        free(c->message);
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}

int store_run_changes(struct store *s, int64_t run_id, struct store_change_list *out, char *err,
                      size_t errlen)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st;
    if (store_prep(s, "SELECT time, kind, phase, cond_type, cond_status, reason, message,"
                      " reconstructed, observed FROM changes WHERE run_id = ?1"
                      " ORDER BY time, id", &st) != SQLITE_OK)
        return store_dberr(s, "reading run changes", err, errlen);
    sqlite3_bind_int64(st, 1, run_id);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        out->items = xgrow(out->items, &cap, out->n + 1, sizeof *out->items);
        struct store_change *c = &out->items[out->n++];
        c->time = sqlite3_column_int64(st, 0);
        c->kind = store_col_str(st, 1);
        c->phase = store_col_str(st, 2);
        c->cond_type = store_col_str(st, 3);
        c->cond_status = store_col_str(st, 4);
        c->reason = store_col_str(st, 5);
        c->message = store_col_str(st, 6);
        c->reconstructed = sqlite3_column_int(st, 7) != 0;
        c->observed = sqlite3_column_int64(st, 8);
    }
    store_unprep(s, st);
    if (rc != SQLITE_DONE) {
        store_change_list_free(out);
        return store_dberr(s, "reading run changes", err, errlen);
    }
    return 0;
}

/* ---- pods ------------------------------------------------------------ */

void store_pod_list_free(struct store_pod_list *l)
{
    if (!l) return;
    for (size_t i = 0; i < l->n; i++) {
        struct store_pod *p = &l->items[i];
        free(p->ns);
        free(p->name);
        free(p->uid);
        free(p->phase);
        free(p->node);
        free(p->job_name);
        for (size_t k = 0; k < p->ncontainers; k++) container_state_free(&p->containers[k]);
        free(p->containers);
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}

void store_container_from_row(sqlite3_stmt *st, int i, struct container_state *c)
{
    memset(c, 0, sizeof *c);
    c->name = store_col_str(st, i + 0);
    c->init = sqlite3_column_int(st, i + 1) != 0;
    c->image = store_col_str(st, i + 2);
    c->image_id = store_col_str(st, i + 3);
    c->digest = store_col_str(st, i + 4);
    c->state = store_col_str(st, i + 5);
    c->reason = store_col_str(st, i + 6);
    c->message = store_col_str(st, i + 7);
    c->exit_code = store_col_int(st, i + 8, -1);
    c->restarts = store_col_int(st, i + 9, 0);
    c->started = store_col_time(st, i + 10);
    c->finished = store_col_time(st, i + 11);
    c->last_reason = store_col_str(st, i + 12);
    c->last_exit_code = store_col_int(st, i + 13, -1);
    c->has_last = c->last_reason != NULL || c->last_exit_code >= 0;
}

void store_pod_from_row(sqlite3_stmt *st, int i, struct store_pod *p)
{
    memset(p, 0, sizeof *p);
    p->id = sqlite3_column_int64(st, i + 0);
    p->ns = store_col_str(st, i + 1);
    p->name = store_col_str(st, i + 2);
    p->uid = store_col_str(st, i + 3);
    p->phase = store_col_str(st, i + 4);
    p->node = store_col_str(st, i + 5);
    p->job_name = store_col_str(st, i + 6);
    p->created = store_col_time(st, i + 7);
    p->started = store_col_time(st, i + 8);
    p->first_seen = store_col_time(st, i + 9);
    p->last_seen = store_col_time(st, i + 10);
    p->deleted_at = store_col_time(st, i + 11);
    p->deleted = sqlite3_column_int(st, i + 12) != 0;
}

static int read_containers(struct store *s, struct store_pod *p, char *err, size_t errlen)
{
    sqlite3_stmt *st;
    if (store_prep(s, "SELECT " STORE_CONTAINER_COLS
                      " FROM containers WHERE pod_id = ?1 ORDER BY init DESC, id", &st) != SQLITE_OK)
        return store_dberr(s, "reading container states", err, errlen);
    sqlite3_bind_int64(st, 1, p->id);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        p->containers = xgrow(p->containers, &cap, p->ncontainers + 1, sizeof *p->containers);
        store_container_from_row(st, 0, &p->containers[p->ncontainers++]);
    }
    store_unprep(s, st);
    if (rc != SQLITE_DONE) return store_dberr(s, "reading container states", err, errlen);
    return 0;
}

int store_run_pods(struct store *s, int64_t run_id, struct store_pod_list *out, char *err,
                   size_t errlen)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st;
    if (store_prep(s, "SELECT " STORE_POD_COLS " FROM pods WHERE run_id = ?1 ORDER BY created, id", &st) !=
        SQLITE_OK)
        return store_dberr(s, "reading pods", err, errlen);
    sqlite3_bind_int64(st, 1, run_id);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        out->items = xgrow(out->items, &cap, out->n + 1, sizeof *out->items);
        store_pod_from_row(st, 0, &out->items[out->n++]);
    }
    store_unprep(s, st);
    if (rc != SQLITE_DONE) {
        store_pod_list_free(out);
        return store_dberr(s, "reading pods", err, errlen);
    }
    for (size_t i = 0; i < out->n; i++) {
        if (read_containers(s, &out->items[i], err, errlen) < 0) {
            store_pod_list_free(out);
            return -1;
        }
    }
    return 0;
}

/* ---- logs -------------------------------------------------------------- */

void store_log_free(struct store_log *l)
{
    if (!l) return;
    free(l->pod);
    free(l->container);
    free(l->data);
    memset(l, 0, sizeof *l);
}

int store_get_log(struct store *s, int64_t run_id, const char *pod, const char *container,
                  bool previous, struct store_log *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st;
    if (store_prep(s, "SELECT p.name, l.container, l.previous, l.fetched, l.raw_size, l.full_size,"
                      " l.skipped_lines, l.data FROM logs l JOIN pods p ON p.id = l.pod_id"
                      " WHERE p.run_id = ?1 AND (?2 IS NULL OR p.name = ?2) AND l.previous = ?4"
                      " AND (?3 IS NULL OR l.container = ?3)"
                      " ORDER BY (?3 IS NULL AND l.container = 'agent-runner') DESC, p.created DESC,"
                      " l.fetched DESC LIMIT 1", &st) != SQLITE_OK)
        return store_dberr(s, "reading a log", err, errlen);
    sqlite3_bind_int64(st, 1, run_id);
    store_bind_text(st, 2, pod);
    store_bind_text(st, 3, container);
    sqlite3_bind_int(st, 4, previous);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        store_unprep(s, st);
        return rc == SQLITE_DONE ? 0 : store_dberr(s, "reading a log", err, errlen);
    }
    out->pod = store_col_str(st, 0);
    out->container = store_col_str(st, 1);
    out->previous = sqlite3_column_int(st, 2) != 0;
    out->fetched = sqlite3_column_int64(st, 3);
    int64_t raw_size = sqlite3_column_int64(st, 4);
    out->full_size = sqlite3_column_int64(st, 5);
    out->skipped_lines = sqlite3_column_int64(st, 6);
    const unsigned char *z = sqlite3_column_blob(st, 7);
    int zlen = sqlite3_column_bytes(st, 7);
    rc = store_inflate(z ? z : (const unsigned char *)"", (size_t)zlen,
                       raw_size > 0 ? (size_t)raw_size : 0, &out->data, &out->len);
    store_unprep(s, st);
    if (rc < 0) {
        errf(err, errlen, "history cache %s: the cached log of pod %s is corrupt", s->path,
             out->pod ? out->pod : "?");
        store_log_free(out);
        return -1;
    }
    return 1;
}

bool store_run_has_log(struct store *s, int64_t run_id)
{
    sqlite3_stmt *st;
    if (store_prep(s, "SELECT 1 FROM logs l JOIN pods p ON p.id = l.pod_id"
                      " WHERE p.run_id = ?1 AND l.previous = 0 LIMIT 1", &st) != SQLITE_OK)
        return false;
    sqlite3_bind_int64(st, 1, run_id);
    bool has = sqlite3_step(st) == SQLITE_ROW;
    store_unprep(s, st);
    return has;
}

struct pick_ud {
    struct store *s;
    const struct store_run_list *l;
};

static bool pick_has_log(void *ud, size_t i)
{
    struct pick_ud *p = ud;
    return store_run_has_log(p->s, p->l->items[i].id);
}

/* The newest succeeded run with a log that fits one rule of
 * run_baseline_pick (same lane, or same agent and repository): at most one
 * row per rule, walked from the newest through an index, so that a cache
 * of thousands of logless runs of one agent costs one index walk, not a
 * log lookup per run. The picker then chooses among these few. */
static int baseline_cand(struct store *s, const struct run_baseline_cand *me, bool by_lane,
                         struct store_run_list *out, char *err, size_t errlen)
{
    if (by_lane ? !me->lane || !me->ns : !me->agent || !me->repository) return 0;
    sqlite3_stmt *st;
    const char *sql =
        by_lane ? "SELECT " RUN_COLS " FROM runs r INDEXED BY runs_by_lane_created"
                  " WHERE r.lane = ?3 AND r.namespace = ?2 AND (?1 IS NULL OR r.context = ?1)"
                  " AND r.phase = 'Succeeded' AND r.name IS NOT ?5"
                  " AND EXISTS (SELECT 1 FROM pods p JOIN logs l ON l.pod_id = p.id"
                  " WHERE p.run_id = r.id AND l.previous = 0)"
                  " ORDER BY r.created DESC, r.id DESC LIMIT 1"
                : "SELECT " RUN_COLS " FROM runs r INDEXED BY runs_by_agent_repo"
                  " WHERE r.agent = ?3 AND r.repository = ?4 AND (?1 IS NULL OR r.context = ?1)"
                  " AND r.phase = 'Succeeded' AND NOT (r.namespace IS ?2 AND r.name IS ?5)"
                  " AND EXISTS (SELECT 1 FROM pods p JOIN logs l ON l.pod_id = p.id"
                  " WHERE p.run_id = r.id AND l.previous = 0)"
                  " ORDER BY r.created DESC, r.id DESC LIMIT 1";
    if (store_prep(s, sql, &st) != SQLITE_OK) return store_dberr(s, "choosing a baseline", err, errlen);
    store_bind_text(st, 1, me->context);
    store_bind_text(st, 2, me->ns);
    store_bind_text(st, 3, by_lane ? me->lane : me->agent);
    store_bind_text(st, 4, me->repository);
    store_bind_text(st, 5, me->name);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->items = xrealloc(out->items, (out->n + 1) * sizeof *out->items);
        read_run(st, &out->items[out->n++]);
    }
    store_unprep(s, st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return store_dberr(s, "choosing a baseline", err, errlen);
    return 0;
}

int store_pick_baseline(struct store *s, const struct run_baseline_cand *me,
                        const struct store_run_list *succeeded, int64_t *id, char **name,
                        char *err, size_t errlen)
{
    struct store_run_list own = {0};
    if (!succeeded) {
        if (baseline_cand(s, me, true, &own, err, errlen) < 0 ||
            baseline_cand(s, me, false, &own, err, errlen) < 0) {
            store_run_list_free(&own);
            return -1;
        }
        succeeded = &own;
    }
    struct run_baseline_cand *c = xcalloc(succeeded->n ? succeeded->n : 1, sizeof *c);
    for (size_t i = 0; i < succeeded->n; i++) {
        const struct store_run *r = &succeeded->items[i];
        c[i] = (struct run_baseline_cand){r->context, r->ns,    r->name,  r->lane,
                                          r->agent,   r->repository, r->phase, r->created};
    }
    struct pick_ud ud = {s, succeeded};
    /* the candidates found here all have a log: no question per run */
    long i = run_baseline_pick(me, c, succeeded->n, succeeded == &own ? NULL : pick_has_log, &ud);
    free(c);
    if (i >= 0) {
        *id = succeeded->items[i].id;
        if (name) *name = xstrdup(succeeded->items[i].name);
    }
    store_run_list_free(&own);
    return i >= 0;
}

/* ---- classification ------------------------------------------------------- */

void store_class_free(struct store_class *c)
{
    if (!c) return;
    free(c->cls);
    free(c->rule);
    free(c->text);
    free(c->hint);
    free(c->pod);
    free(c->container);
    free(c->outcome);
    free(c->secondary);
    free(c->version);
    free(c->baseline_name);
    free(c->baseline_uid);
    memset(c, 0, sizeof *c);
}

int store_put_classification(struct store *s, int64_t run_id, const struct store_class *c,
                             int64_t now, char *err, size_t errlen)
{
    sqlite3_stmt *st;
    if (store_prep(s, "INSERT INTO classifications (run_id, class, rule, line, text, hint, pod, container,"
                      " log_time, outcome, secondary, version, classified, context, baseline_name, baseline_uid)"
                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
                      " coalesce((SELECT context FROM runs WHERE id = ?1), ''), ?14, ?15)"
                      " ON CONFLICT (run_id) DO UPDATE SET class = ?2,"
                      " rule = ?3, line = ?4, text = ?5, hint = ?6, pod = ?7, container = ?8,"
                      " log_time = ?9, outcome = ?10, secondary = ?11, version = ?12, classified = ?13,"
                      " baseline_name = ?14, baseline_uid = ?15",
                   &st) != SQLITE_OK)
        return store_dberr(s, "storing a classification", err, errlen);
    sqlite3_bind_int64(st, 1, run_id);
    store_bind_text(st, 2, c->cls);
    store_bind_text(st, 3, c->rule);
    if (c->line > 0) sqlite3_bind_int64(st, 4, c->line);
    else sqlite3_bind_null(st, 4);
    store_bind_text(st, 5, c->text);
    store_bind_text(st, 6, c->hint);
    store_bind_text(st, 7, c->pod);
    store_bind_text(st, 8, c->container);
    store_bind_time(st, 9, c->log_time);
    store_bind_text(st, 10, c->outcome);
    store_bind_text(st, 11, c->secondary);
    store_bind_text(st, 12, c->version ? c->version : "");
    sqlite3_bind_int64(st, 13, now);
    store_bind_text(st, 14, c->baseline_name);
    store_bind_text(st, 15, c->baseline_uid);
    int rc = sqlite3_step(st);
    store_unprep(s, st);
    if (rc != SQLITE_DONE) return store_dberr(s, "storing a classification", err, errlen);
    return 0;
}

void store_class_from_row(sqlite3_stmt *st, int i, struct store_class *c)
{
    c->cls = store_col_str(st, i);
    c->rule = store_col_str(st, i + 1);
    c->line = store_col_int(st, i + 2, -1);
    c->text = store_col_str(st, i + 3);
    c->hint = store_col_str(st, i + 4);
    c->pod = store_col_str(st, i + 5);
    c->container = store_col_str(st, i + 6);
    c->log_time = store_col_time(st, i + 7);
    c->outcome = store_col_str(st, i + 8);
    c->secondary = store_col_str(st, i + 9);
    c->version = store_col_str(st, i + 10);
    c->classified = sqlite3_column_int64(st, i + 11);
    c->baseline_name = store_col_str(st, i + 12);
    c->baseline_uid = store_col_str(st, i + 13);
}

int store_get_classification(struct store *s, int64_t run_id, struct store_class *out, char *err,
                             size_t errlen)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st;
    if (store_prep(s, "SELECT " STORE_CLASS_COLS " FROM classifications WHERE run_id = ?1", &st) != SQLITE_OK)
        return store_dberr(s, "reading a classification", err, errlen);
    sqlite3_bind_int64(st, 1, run_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) store_class_from_row(st, 0, out);
    store_unprep(s, st);
    if (rc == SQLITE_ROW) return 1;
    if (rc == SQLITE_DONE) return 0;
    return store_dberr(s, "reading a classification", err, errlen);
}

int store_runs_to_classify(struct store *s, const char *context, const char *ns,
                           const char *version, int64_t **ids, size_t *n, char *err,
                           size_t errlen)
{
    *ids = NULL;
    *n = 0;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(
            s->db,
            "SELECT r.id FROM runs r LEFT JOIN classifications c ON c.run_id = r.id"
            " WHERE r.context = ?1 AND (?2 IS NULL OR r.namespace = ?2)"
            " AND r.phase IN ('Failed', 'Succeeded', 'Cancelled')"
            " AND (c.id IS NULL OR c.version != ?3)", -1, &st, NULL) != SQLITE_OK)
        return store_dberr(s, "finding runs to classify", err, errlen);
    store_bind_text(st, 1, context ? context : "");
    store_bind_text(st, 2, ns);
    store_bind_text(st, 3, version ? version : "");
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        *ids = xgrow(*ids, &cap, *n + 1, sizeof **ids);
        (*ids)[(*n)++] = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        free(*ids);
        *ids = NULL;
        *n = 0;
        return store_dberr(s, "finding runs to classify", err, errlen);
    }
    return 0;
}

/* ---- PR links ----------------------------------------------------------- */

void store_pr_list_free(struct store_pr_list *l)
{
    if (!l) return;
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].url);
        free(l->items[i].repository);
        free(l->items[i].source);
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}

int store_put_pr(struct store *s, int64_t run_id, const char *url, int64_t number,
                 const char *repository, const char *source, int64_t time, int64_t now,
                 char *err, size_t errlen)
{
    if (!url || !*url) return errf(err, errlen, "history cache %s: a PR link needs a URL", s->path);
    sqlite3_stmt *st;
    if (store_prep(s, "INSERT INTO pr_links (run_id, url, number, repository, source, time,"
                      " observed) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
                      " ON CONFLICT (run_id, url) DO UPDATE SET"
                      " number = coalesce(?3, number), repository = coalesce(?4, repository),"
                      " source = ?5, time = coalesce(?6, time)", &st) != SQLITE_OK)
        return store_dberr(s, "storing a PR link", err, errlen);
    sqlite3_bind_int64(st, 1, run_id);
    store_bind_text(st, 2, url);
    if (number > 0) sqlite3_bind_int64(st, 3, number);
    else sqlite3_bind_null(st, 3);
    store_bind_text(st, 4, repository);
    store_bind_text(st, 5, source ? source : "unknown");
    store_bind_time(st, 6, time);
    sqlite3_bind_int64(st, 7, now);
    int rc = sqlite3_step(st);
    store_unprep(s, st);
    if (rc != SQLITE_DONE) return store_dberr(s, "storing a PR link", err, errlen);
    return 0;
}

int store_run_prs(struct store *s, int64_t run_id, struct store_pr_list *out, char *err,
                  size_t errlen)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st;
    if (store_prep(s, "SELECT url, number, repository, source, time, observed FROM pr_links"
                      " WHERE run_id = ?1 ORDER BY observed DESC, id DESC", &st) != SQLITE_OK)
        return store_dberr(s, "reading PR links", err, errlen);
    sqlite3_bind_int64(st, 1, run_id);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        out->items = xgrow(out->items, &cap, out->n + 1, sizeof *out->items);
        struct store_pr *p = &out->items[out->n++];
        p->url = store_col_str(st, 0);
        p->number = store_col_int(st, 1, -1);
        p->repository = store_col_str(st, 2);
        p->source = store_col_str(st, 3);
        p->time = store_col_time(st, 4);
        p->observed = sqlite3_column_int64(st, 5);
    }
    store_unprep(s, st);
    if (rc != SQLITE_DONE) {
        store_pr_list_free(out);
        return store_dberr(s, "reading PR links", err, errlen);
    }
    return 0;
}

/* ---- reruns ------------------------------------------------------------ */

void store_rerun_list_free(struct store_rerun_list *l)
{
    if (!l) return;
    for (size_t i = 0; i < l->n; i++) {
        struct store_rerun *r = &l->items[i];
        char *strs[] = {r->context, r->ns, r->from_name, r->from_uid, r->new_name, r->new_uid,
                        r->idempotency_key, r->head, r->image, r->result, r->error, r->actor};
        for (size_t k = 0; k < sizeof strs / sizeof strs[0]; k++) free(strs[k]);
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}

int store_add_rerun(struct store *s, const struct store_rerun *r, int64_t *id, char *err,
                    size_t errlen)
{
    if (!r->from_name || !r->result)
        return errf(err, errlen, "history cache %s: a rerun record needs the run and a result",
                    s->path);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db,
                           "INSERT INTO reruns (time, context, namespace, from_name, from_uid,"
                           " new_name, new_uid, idempotency_key, head, image, dry_run, result,"
                           " error, actor) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
                           " ?12, ?13, ?14)", -1, &st, NULL) != SQLITE_OK)
        return store_dberr(s, "recording a rerun", err, errlen);
    sqlite3_bind_int64(st, 1, r->time);
    store_bind_text(st, 2, r->context ? r->context : "");
    store_bind_text(st, 3, r->ns ? r->ns : "");
    store_bind_text(st, 4, r->from_name);
    store_bind_text(st, 5, r->from_uid);
    store_bind_text(st, 6, r->new_name);
    store_bind_text(st, 7, r->new_uid);
    store_bind_text(st, 8, r->idempotency_key);
    store_bind_text(st, 9, r->head);
    store_bind_text(st, 10, r->image);
    sqlite3_bind_int(st, 11, r->dry_run);
    store_bind_text(st, 12, r->result);
    store_bind_text(st, 13, r->error);
    store_bind_text(st, 14, r->actor);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return store_dberr(s, "recording a rerun", err, errlen);
    if (id) *id = sqlite3_last_insert_rowid(s->db);
    return 0;
}

int store_list_reruns(struct store *s, const char *context, const char *ns, int64_t from,
                      int64_t to, struct store_rerun_list *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT id, time, context, namespace, from_name, from_uid, new_name,"
                           " new_uid, idempotency_key, head, image, dry_run, result, error, actor"
                           " FROM reruns WHERE (?1 IS NULL OR context = ?1)"
                           " AND (?2 IS NULL OR namespace = ?2) AND (?3 IS NULL OR time >= ?3)"
                           " AND (?4 IS NULL OR time <= ?4) ORDER BY time, id", -1, &st,
                           NULL) != SQLITE_OK)
        return store_dberr(s, "reading rerun records", err, errlen);
    store_bind_text(st, 1, context);
    store_bind_text(st, 2, ns);
    store_bind_time(st, 3, from);
    store_bind_time(st, 4, to);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        out->items = xgrow(out->items, &cap, out->n + 1, sizeof *out->items);
        struct store_rerun *r = &out->items[out->n++];
        memset(r, 0, sizeof *r);
        r->id = sqlite3_column_int64(st, 0);
        r->time = sqlite3_column_int64(st, 1);
        r->context = store_col_str(st, 2);
        r->ns = store_col_str(st, 3);
        r->from_name = store_col_str(st, 4);
        r->from_uid = store_col_str(st, 5);
        r->new_name = store_col_str(st, 6);
        r->new_uid = store_col_str(st, 7);
        r->idempotency_key = store_col_str(st, 8);
        r->head = store_col_str(st, 9);
        r->image = store_col_str(st, 10);
        r->dry_run = sqlite3_column_int(st, 11) != 0;
        r->result = store_col_str(st, 12);
        r->error = store_col_str(st, 13);
        r->actor = store_col_str(st, 14);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        store_rerun_list_free(out);
        return store_dberr(s, "reading rerun records", err, errlen);
    }
    return 0;
}

/* ---- notes -------------------------------------------------------------- */

void store_note_list_free(struct store_note_list *l)
{
    if (!l) return;
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].text);
        free(l->items[i].context);
        free(l->items[i].ns);
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}

int store_add_note(struct store *s, int64_t at, const char *text, const char *context,
                   const char *ns, int64_t now, int64_t *id, char *err, size_t errlen)
{
    if (!text || !*text) return errf(err, errlen, "history cache %s: a note needs text", s->path);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db,
                           "INSERT INTO notes (time, text, context, namespace, created)"
                           " VALUES (?1, ?2, ?3, ?4, ?5)", -1, &st, NULL) != SQLITE_OK)
        return store_dberr(s, "adding a note", err, errlen);
    sqlite3_bind_int64(st, 1, at);
    store_bind_text(st, 2, text);
    store_bind_text(st, 3, context);
    store_bind_text(st, 4, ns);
    sqlite3_bind_int64(st, 5, now);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return store_dberr(s, "adding a note", err, errlen);
    if (id) *id = sqlite3_last_insert_rowid(s->db);
    return 0;
}

int store_delete_note(struct store *s, int64_t id, char *err, size_t errlen)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "DELETE FROM notes WHERE id = ?1", -1, &st, NULL) != SQLITE_OK)
        return store_dberr(s, "removing a note", err, errlen);
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return store_dberr(s, "removing a note", err, errlen);
    return sqlite3_changes(s->db) > 0 ? 1 : 0;
}

int store_list_notes(struct store *s, int64_t from, int64_t to, struct store_note_list *out,
                     char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT id, time, created, text, context, namespace FROM notes"
                           " WHERE (?1 IS NULL OR time >= ?1) AND (?2 IS NULL OR time <= ?2)"
                           " ORDER BY time, id", -1, &st, NULL) != SQLITE_OK)
        return store_dberr(s, "reading notes", err, errlen);
    store_bind_time(st, 1, from);
    store_bind_time(st, 2, to);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        out->items = xgrow(out->items, &cap, out->n + 1, sizeof *out->items);
        struct store_note *n = &out->items[out->n++];
        n->id = sqlite3_column_int64(st, 0);
        n->time = sqlite3_column_int64(st, 1);
        n->created = sqlite3_column_int64(st, 2);
        n->text = store_col_str(st, 3);
        n->context = store_col_str(st, 4);
        n->ns = store_col_str(st, 5);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        store_note_list_free(out);
        return store_dberr(s, "reading notes", err, errlen);
    }
    return 0;
}

/* ---- gc -------------------------------------------------------------------- */

static int exec_count(struct store *s, const char *sql, int64_t before, int64_t *count, char *err,
                      size_t errlen)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return store_dberr(s, "pruning", err, errlen);
    sqlite3_bind_int64(st, 1, before);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return store_dberr(s, "pruning", err, errlen);
    *count += sqlite3_changes64(s->db);
    return 0;
}

int store_gc(struct store *s, int64_t before, struct store_gc_stats *stp, char *err, size_t errlen)
{
    struct store_gc_stats dummy;
    struct store_gc_stats *st = stp ? stp : &dummy;
    memset(st, 0, sizeof *st);
    if (store_tx_enter(s, err, errlen) < 0) return -1;
    int rc = 0;
    if (before != TIME_NONE) {
        /* Last activity: a run still on the server was seen lately; a
         * deleted one counts from its deletion. Pods, logs, changes,
         * classifications and PR links go with their run (cascade). */
        int64_t logs_before = 0, logs_after = 0;
        sqlite3_stmt *q;
        if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM logs", -1, &q, NULL) == SQLITE_OK) {
            if (sqlite3_step(q) == SQLITE_ROW) logs_before = sqlite3_column_int64(q, 0);
            sqlite3_finalize(q);
        }
        int64_t pods = 0;
        rc = exec_count(s, "DELETE FROM pods WHERE run_id IN (SELECT id FROM runs WHERE"
                           " (CASE WHEN deleted THEN coalesce(deleted_at, last_seen)"
                           " ELSE last_seen END) < ?1)", before, &pods, err, errlen);
        if (rc == 0)
            rc = exec_count(s, "DELETE FROM runs WHERE (CASE WHEN deleted THEN"
                               " coalesce(deleted_at, last_seen) ELSE last_seen END) < ?1",
                            before, &st->runs, err, errlen);
        if (rc == 0)
            rc = exec_count(s, "DELETE FROM pods WHERE run_id IS NULL AND"
                               " (CASE WHEN deleted THEN coalesce(deleted_at, last_seen)"
                               " ELSE last_seen END) < ?1", before, &pods, err, errlen);
        st->pods = pods;
        if (rc == 0)
            /* A note lives as long as the runs around it: it stays while a
             * kept lane has a run started before it and one active after
             * it (the span timeline --lane shows it in). */
            rc = exec_count(s, "DELETE FROM notes WHERE time < ?1 AND NOT EXISTS ("
                               " SELECT 1 FROM runs a JOIN runs b ON b.lane = a.lane"
                               " AND b.context = a.context AND b.namespace = a.namespace"
                               " WHERE a.created <= notes.time"
                               " AND coalesce(b.finished, b.deleted_at, b.last_seen) >= notes.time"
                               " AND (coalesce(notes.context, '') = '' OR notes.context = a.context)"
                               " AND (coalesce(notes.namespace, '') = '' OR notes.namespace = a.namespace))",
                            before, &st->notes, err, errlen);
        if (rc == 0)
            rc = exec_count(s, "DELETE FROM reruns WHERE time < ?1", before, &st->reruns, err,
                            errlen);
        if (rc == 0 &&
            sqlite3_prepare_v2(s->db, "SELECT count(*) FROM logs", -1, &q, NULL) == SQLITE_OK) {
            if (sqlite3_step(q) == SQLITE_ROW) logs_after = sqlite3_column_int64(q, 0);
            sqlite3_finalize(q);
            st->logs = logs_before - logs_after;
        }
    }
    if (rc == 0) rc = store_enforce_log_total(s, 0, &st->logs, err, errlen);
    rc = store_tx_leave(s, rc, err, errlen);
    if (rc == 0) {
        st->log_bytes = store_log_bytes(s);
        /* give the pruned pages back to the file system */
        sqlite3_exec(s->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
    }
    return rc;
}
