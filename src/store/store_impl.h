/* store_impl — internals shared by the store's source files (not an API):
 * the prepared-statement cache, transaction helpers, bind/column helpers
 * and the embedded schema migrations. */
#ifndef ARTRIAGE_STORE_IMPL_H
#define ARTRIAGE_STORE_IMPL_H
#include "store/store.h"
#include <sqlite3.h>

enum store_stmt {
    ST_RUN_FIND,
    ST_RUN_INSERT,
    ST_RUN_UPDATE,
    ST_RUN_SEEN,
    ST_RUN_LANE_OF,
    ST_RUN_DELETE_MARK,
    ST_CHANGE_INSERT,
    ST_POD_FIND,
    ST_POD_INSERT,
    ST_POD_UPDATE,
    ST_POD_RUN_OF,
    ST_POD_ADOPT,
    ST_POD_DELETE_MARK,
    ST_CONTAINER_UPSERT,
    ST_LOG_POD,
    ST_LOG_RUN_OTHERS,
    ST_LOG_UPSERT,
    ST_LOG_HAS,
    ST_LOG_TOTAL,
    ST_COUNT
};

#define STORE_PREP_MAX 32

struct store {
    sqlite3 *db;
    char *path;
    struct store_opts opts;
    sqlite3_stmt *stmt[ST_COUNT];
    struct {
        const char *sql; /* the caller's string: its address is the key */
        sqlite3_stmt *st;
    } prep[STORE_PREP_MAX];
    int nprep;
    int tx_depth;
};

/* One embedded migration: applying `sql` moves user_version to `version`. */
struct store_migration {
    int version;
    const char *name;
    const char *sql;
};
extern const struct store_migration store_migrations[];
extern const size_t store_nmigrations;

/* Prepared statement `id`, reset and with bindings cleared. NULL + err on
 * failure. */
sqlite3_stmt *store_stmt(struct store *s, enum store_stmt id, char *err, size_t errlen);
/* A prepared statement for sql (reset, bindings cleared), kept across
 * calls so that a query run once per run (the console links 100,000) is
 * parsed once. A statement still stepping (the same query nested in
 * itself) or a full cache gets a private one. Every store_prep is paired
 * with store_unprep, which resets a kept statement and finalizes a
 * private one. Returns an SQLite code. */
int store_prep(struct store *s, const char *sql, sqlite3_stmt **st);
void store_unprep(struct store *s, sqlite3_stmt *st);
/* "history cache <path>: <sqlite message> (<what>)"; returns -1. */
int store_dberr(struct store *s, const char *what, char *err, size_t errlen);
/* Opens a write transaction unless one is already open (nesting counts). */
int store_tx_enter(struct store *s, char *err, size_t errlen);
/* Closes what store_tx_enter opened: commits if ok == 0, else rolls back. */
int store_tx_leave(struct store *s, int ok, char *err, size_t errlen);
int store_exec(struct store *s, const char *sql, char *err, size_t errlen);

void store_bind_text(sqlite3_stmt *st, int i, const char *v);
void store_bind_time(sqlite3_stmt *st, int i, int64_t t);   /* TIME_NONE -> NULL */
char *store_col_str(sqlite3_stmt *st, int i);               /* NULL -> NULL, copy */
int64_t store_col_time(sqlite3_stmt *st, int i);            /* NULL -> TIME_NONE */
int64_t store_col_int(sqlite3_stmt *st, int i, int64_t dflt);

/* A verdict's, a pod's and a container's columns, in the order the row
 * readers take them from column i on (store_read.c; store_link.c reads
 * many at once). */
#define STORE_CLASS_COLS                                                                           \
    "class, rule, line, text, hint, pod, container, log_time, outcome, secondary, version, "       \
    "classified, baseline_name, baseline_uid"
#define STORE_POD_COLS \
    "id, namespace, name, uid, phase, node, job_name, created, started, first_seen, last_seen, deleted_at, deleted"
#define STORE_CONTAINER_COLS                                                                     \
    "name, init, image, image_id, digest, state, reason, message, exit_code, restarts, started, " \
    "finished, last_reason, last_exit_code"
struct store_class;
struct store_pod;
struct container_state;
void store_class_from_row(sqlite3_stmt *st, int i, struct store_class *c);
void store_pod_from_row(sqlite3_stmt *st, int i, struct store_pod *p);
void store_container_from_row(sqlite3_stmt *st, int i, struct container_state *c);

/* Compresses / decompresses log text with zlib. */
int store_deflate(const char *data, size_t len, unsigned char **out, size_t *outlen);
int store_inflate(const unsigned char *data, size_t len, size_t hint, char **out, size_t *outlen);
/* Drops the oldest logs (except keep_id) until the total is under the cap. */
int store_enforce_log_total(struct store *s, int64_t keep_id, int64_t *removed,
                            char *err, size_t errlen);
#endif
