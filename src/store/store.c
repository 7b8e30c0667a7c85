/* store.c — opening, migrating, statements and transactions of the history
 * cache, plus runs and their changes. */
#include "store/store_impl.h"
#include "util/err.h"
#include "util/timeutil.h"
#include "util/xalloc.h"
#include "util/buf.h"
#include "model/lane.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_LOG_CAP_RUN (8LL << 20)
#define DEFAULT_LOG_CAP_TOTAL (512LL << 20)
#define DEFAULT_BUSY_MS 5000
#define DEFAULT_CACHE_KIB 32768

static const char *const stmt_sql[ST_COUNT] = {
    [ST_RUN_FIND] = "SELECT id, phase, started, cond_state, deleted, resource_version "
                    "FROM runs WHERE context = ?1 AND uid = ?2",
    [ST_RUN_INSERT] =
        "INSERT INTO runs (context, namespace, name, uid, lane, attempt, agent, runtime, phase,"
        " reason, message, created, started, finished, updated, repository, base, head,"
        " idempotency_key, workload_image, vcs_mode, system_prompt_hash, spec_hash, rerun_of,"
        " resource_version, cond_state, first_seen, last_seen, raw)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,"
        " ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?27, ?28)",
    [ST_RUN_UPDATE] =
        /* identity (namespace, name, created) never changes for a uid; not
         * setting it spares three index updates per observation */
        "UPDATE runs SET lane = ?5, attempt = ?6, agent = ?7,"
        " runtime = ?8, phase = ?9, reason = ?10, message = ?11, started = ?13,"
        " finished = ?14, updated = ?15, repository = ?16, base = ?17, head = ?18,"
        " idempotency_key = ?19, workload_image = ?20, vcs_mode = ?21,"
        " system_prompt_hash = ?22, spec_hash = ?23, rerun_of = ?24, resource_version = ?25,"
        " cond_state = ?26, last_seen = ?27, raw = coalesce(?28, raw), deleted = 0,"
        " deleted_at = NULL WHERE id = ?29",
    [ST_RUN_SEEN] = "UPDATE runs SET last_seen = ?2 WHERE id = ?1",
    /* +context, +namespace: look up by name (runs_by_name_only, a handful of
     * rows), never walk every run of the context through runs_by_context */
    [ST_RUN_LANE_OF] = "SELECT lane FROM runs WHERE +context = ?1 AND +namespace = ?2 AND name = ?3"
                       " ORDER BY deleted, created DESC LIMIT 1",
    [ST_RUN_DELETE_MARK] = "UPDATE runs SET deleted = 1, deleted_at = ?3"
                           " WHERE context = ?1 AND uid = ?2 AND deleted = 0 RETURNING id",
    [ST_CHANGE_INSERT] =
        "INSERT INTO changes (run_id, time, kind, phase, cond_type, cond_status, reason, message,"
        " reconstructed, observed) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    [ST_POD_FIND] = "SELECT id, run_id FROM pods WHERE context = ?1 AND uid = ?2",
    [ST_POD_INSERT] =
        "INSERT INTO pods (context, namespace, name, uid, run_name, run_id, job_name, phase, node,"
        " created, started, first_seen, last_seen) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
        " ?10, ?11, ?12, ?12)",
    [ST_POD_UPDATE] = "UPDATE pods SET run_id = coalesce(run_id, ?2), phase = ?3, node = ?4,"
                      " started = ?5, last_seen = ?6, deleted = 0, deleted_at = NULL WHERE id = ?1",
    [ST_POD_RUN_OF] = "SELECT id FROM runs WHERE +context = ?1 AND +namespace = ?2 AND name = ?3"
                      " ORDER BY (created IS NULL OR created <= ?4 + 60000) DESC, deleted,"
                      " created DESC LIMIT 1",
    [ST_POD_ADOPT] = "UPDATE pods SET run_id = ?4 WHERE context = ?1 AND namespace = ?2"
                     " AND run_name = ?3 AND run_id IS NULL",
    [ST_POD_DELETE_MARK] = "UPDATE pods SET deleted = 1, deleted_at = ?3"
                           " WHERE context = ?1 AND uid = ?2 AND deleted = 0",
    [ST_CONTAINER_UPSERT] =
        "INSERT INTO containers (pod_id, name, init, image, image_id, digest, state, reason,"
        " message, exit_code, restarts, started, finished, last_reason, last_exit_code)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"
        " ON CONFLICT (pod_id, name) DO UPDATE SET init = ?3, image = coalesce(?4, image),"
        " image_id = coalesce(?5, image_id), digest = coalesce(?6, digest), state = ?7,"
        " reason = ?8, message = ?9, exit_code = ?10, restarts = ?11, started = ?12,"
        " finished = ?13, last_reason = ?14, last_exit_code = ?15",
    [ST_LOG_POD] = "SELECT id, run_id FROM pods WHERE context = ?1 AND uid = ?2",
    [ST_LOG_RUN_OTHERS] =
        "SELECT coalesce(sum(l.raw_size), 0) FROM logs l JOIN pods p ON p.id = l.pod_id"
        " WHERE p.run_id = ?1 AND NOT (l.pod_id = ?2 AND l.container = ?3 AND l.previous = ?4)",
    [ST_LOG_UPSERT] =
        "INSERT INTO logs (pod_id, container, previous, fetched, raw_size, stored_size,"
        " full_size, skipped_lines, data, context) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
        " (SELECT context FROM pods WHERE id = ?1))"
        " ON CONFLICT (pod_id, container, previous) DO UPDATE SET fetched = ?4, raw_size = ?5,"
        " stored_size = ?6, full_size = ?7, skipped_lines = ?8, data = ?9 RETURNING id",
    [ST_LOG_HAS] = "SELECT 1 FROM logs l JOIN pods p ON p.id = l.pod_id WHERE p.context = ?1"
                   " AND p.uid = ?2 AND l.container = ?3 AND l.previous = ?4",
    [ST_LOG_TOTAL] = "SELECT coalesce(sum(stored_size), 0) FROM logs",
};

/* ---- helpers ------------------------------------------------------ */

int store_dberr(struct store *s, const char *what, char *err, size_t errlen)
{
    return errf(err, errlen, "history cache %s: %s (%s)", s->path,
                s->db ? sqlite3_errmsg(s->db) : "not open", what);
}

sqlite3_stmt *store_stmt(struct store *s, enum store_stmt id, char *err, size_t errlen)
{
    sqlite3_stmt *st = s->stmt[id];
    if (!st) {
        if (sqlite3_prepare_v3(s->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) !=
            SQLITE_OK) {
            store_dberr(s, "preparing a statement", err, errlen);
            return NULL;
        }
        s->stmt[id] = st;
    } else {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
    }
    return st;
}

int store_prep(struct store *s, const char *sql, sqlite3_stmt **st)
{
    *st = NULL;
    int free_slot = -1;
    for (int i = 0; i < s->nprep; i++) {
        if (s->prep[i].sql != sql) continue;
        sqlite3_stmt *k = s->prep[i].st;
        /* the address may now hold another string: compare the text too */
        if (strcmp(sqlite3_sql(k), sql) != 0) {
            sqlite3_finalize(k);
            s->prep[i].st = NULL;
            s->prep[i].sql = NULL;
            free_slot = i;
            break;
        }
        if (sqlite3_stmt_busy(k)) return sqlite3_prepare_v2(s->db, sql, -1, st, NULL);
        sqlite3_reset(k);
        sqlite3_clear_bindings(k);
        *st = k;
        return SQLITE_OK;
    }
    if (free_slot < 0 && s->nprep < STORE_PREP_MAX) free_slot = s->nprep;
    if (free_slot < 0) return sqlite3_prepare_v2(s->db, sql, -1, st, NULL);
    int rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL);
    if (rc != SQLITE_OK) return rc;
    s->prep[free_slot].sql = sql;
    s->prep[free_slot].st = *st;
    if (free_slot == s->nprep) s->nprep++;
    return SQLITE_OK;
}

void store_unprep(struct store *s, sqlite3_stmt *st)
{
    if (!st) return;
    for (int i = 0; i < s->nprep; i++) {
        if (s->prep[i].st == st) {
            sqlite3_reset(st); /* ends its read: no transaction left open */
            return;
        }
    }
    sqlite3_finalize(st);
}

int store_exec(struct store *s, const char *sql, char *err, size_t errlen)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        errf(err, errlen, "history cache %s: %s", s->path, msg ? msg : sqlite3_errmsg(s->db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

int store_tx_enter(struct store *s, char *err, size_t errlen)
{
    if (s->tx_depth == 0 && store_exec(s, "BEGIN IMMEDIATE", err, errlen) < 0) return -1;
    s->tx_depth++;
    return 0;
}

int store_tx_leave(struct store *s, int ok, char *err, size_t errlen)
{
    if (s->tx_depth <= 0) return ok;
    if (--s->tx_depth > 0) return ok;
    if (ok == 0) {
        if (store_exec(s, "COMMIT", err, errlen) < 0) {
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
            return -1;
        }
        return 0;
    }
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return -1;
}

int store_begin(struct store *s, char *err, size_t errlen) { return store_tx_enter(s, err, errlen); }

int store_commit(struct store *s, char *err, size_t errlen) { return store_tx_leave(s, 0, err, errlen); }

void store_rollback(struct store *s)
{
    if (s->tx_depth > 0) {
        s->tx_depth = 1;
        store_tx_leave(s, -1, NULL, 0);
    }
}

void store_bind_text(sqlite3_stmt *st, int i, const char *v)
{
    if (v) sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
    else sqlite3_bind_null(st, i);
}

void store_bind_time(sqlite3_stmt *st, int i, int64_t t)
{
    if (t == TIME_NONE) sqlite3_bind_null(st, i);
    else sqlite3_bind_int64(st, i, t);
}

char *store_col_str(sqlite3_stmt *st, int i)
{
    if (sqlite3_column_type(st, i) == SQLITE_NULL) return NULL;
    const unsigned char *p = sqlite3_column_text(st, i);
    int n = sqlite3_column_bytes(st, i);
    return p ? xstrndup((const char *)p, (size_t)n) : NULL;
}

int64_t store_col_time(sqlite3_stmt *st, int i)
{
    if (sqlite3_column_type(st, i) == SQLITE_NULL) return TIME_NONE;
    return sqlite3_column_int64(st, i);
}

int64_t store_col_int(sqlite3_stmt *st, int i, int64_t dflt)
{
    if (sqlite3_column_type(st, i) == SQLITE_NULL) return dflt;
    return sqlite3_column_int64(st, i);
}

/* ---- options and paths ---------------------------------------------- */

int store_parse_size(const char *s, int64_t *out)
{
    if (!s || !*s) return -1;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || v < 0) return -1;
    int64_t mul = 1;
    switch (*end) {
    case 0: break;
    case 'k': case 'K': mul = 1LL << 10; end++; break;
    case 'm': case 'M': mul = 1LL << 20; end++; break;
    case 'g': case 'G': mul = 1LL << 30; end++; break;
    default: return -1;
    }
    if (*end == 'i' || *end == 'B' || *end == 'b') end++;
    if (*end == 'B') end++;
    if (*end) return -1;
    if (v > INT64_MAX / mul) return -1;
    *out = v * mul;
    return 0;
}

void store_opts_default(struct store_opts *o)
{
    memset(o, 0, sizeof *o);
    o->log_cap_run = DEFAULT_LOG_CAP_RUN;
    o->log_cap_total = DEFAULT_LOG_CAP_TOTAL;
    o->busy_ms = DEFAULT_BUSY_MS;
    int64_t v;
    if (store_parse_size(getenv("ARTRIAGE_LOG_CAP_RUN"), &v) == 0) o->log_cap_run = v;
    if (store_parse_size(getenv("ARTRIAGE_LOG_CAP_TOTAL"), &v) == 0) o->log_cap_total = v;
}

int store_default_path(char *out, size_t outlen, char *err, size_t errlen)
{
    const char *xdg = getenv("XDG_CACHE_HOME");
    int n;
    if (xdg && xdg[0] == '/') {
        n = snprintf(out, outlen, "%s/artriage/history.db", xdg);
    } else {
        const char *home = getenv("HOME");
        if (!home || home[0] != '/')
            return errf(err, errlen, "history cache: neither XDG_CACHE_HOME nor HOME is set; "
                                     "pass --db PATH");
        n = snprintf(out, outlen, "%s/.cache/artriage/history.db", home);
    }
    if (n < 0 || (size_t)n >= outlen) return errf(err, errlen, "history cache: path too long");
    return 0;
}

/* mkdir -p of path's directory: components we create get 0700. */
static int make_parent_dirs(const char *path, char *err, size_t errlen)
{
    char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir) {
        free(dir);
        return 0;
    }
    *slash = 0;
    for (char *p = dir + 1;; p++) {
        char c = *p;
        if (c == '/' || c == 0) {
            *p = 0;
            if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
                int e = errno;
                errf(err, errlen, "history cache %s: cannot create directory %s: %s", path, dir,
                     strerror(e));
                free(dir);
                return -1;
            }
            *p = c;
            if (c == 0) break;
        }
    }
    free(dir);
    return 0;
}

/* Creates the file 0600 before SQLite does (SQLite would use the umask),
 * and tightens an existing file of ours that is looser. An existing file
 * is never opened here: closing any descriptor of a file drops every POSIX
 * lock this process holds on it, including SQLite's on a database (or its
 * -shm) that another handle in this process has open. */
/* A cache shared by a team (one recorder, many readers in one group) lives
 * in a directory with the setgid bit (chgrp team DIR; chmod 2770 DIR):
 * its files are then 0660, else 0600. Nothing is ever readable by others. */
static mode_t cache_file_mode(const char *path)
{
    char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    if (slash) *(slash == dir ? slash + 1 : slash) = 0;
    struct stat sb;
    mode_t m = 0600;
    if (stat(slash ? dir : ".", &sb) == 0 && S_ISDIR(sb.st_mode) && (sb.st_mode & S_ISGID) &&
        (sb.st_mode & 0070) == 0070)
        m = 0660;
    free(dir);
    return m;
}

static int secure_file(const char *path, bool create, char *err, size_t errlen)
{
    struct stat sb;
    mode_t want = cache_file_mode(path);
    if (lstat(path, &sb) == 0) {
        if (!S_ISREG(sb.st_mode))
            return errf(err, errlen, "history cache %s: not a regular file", path);
        if (sb.st_uid == geteuid() && (sb.st_mode & 0777 & ~want)) chmod(path, want);
        return 0;
    }
    if (errno != ENOENT)
        return errf(err, errlen, "history cache %s: %s", path, strerror(errno));
    if (!create) return 0;
    int fd = open(path, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC | O_NOFOLLOW, want);
    if (fd < 0 && errno != EEXIST)
        return errf(err, errlen, "history cache %s: cannot create: %s", path, strerror(errno));
    if (fd >= 0) {
        if (want != 0600) fchmod(fd, want); /* past the umask: the group shares it */
        close(fd); /* new: nobody holds a lock on it yet */
    }
    return 0;
}

static void secure_dir_of(const char *path)
{
    char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = 0;
        struct stat sb;
        /* only our own cache directory, never e.g. /tmp */
        const char *base = strrchr(dir, '/');
        bool ok = stat(dir, &sb) == 0;
        bool shared = ok && (sb.st_mode & S_ISGID) && (sb.st_mode & 0070) == 0070;
        if (ok && sb.st_uid == geteuid() && base && strcmp(base, "/artriage") == 0) {
            if (shared && (sb.st_mode & 07)) chmod(dir, 02770);
            else if (!shared && (sb.st_mode & 077)) chmod(dir, 0700);
        }
    }
    free(dir);
}

/* ---- migrations --------------------------------------------------------- */

static int user_version(struct store *s, int *v, char *err, size_t errlen)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
        return store_dberr(s, "reading the schema version", err, errlen);
    int rc = sqlite3_step(st);
    *v = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW) return store_dberr(s, "reading the schema version", err, errlen);
    return 0;
}

static int migrate(struct store *s, char *err, size_t errlen)
{
    int v;
    if (user_version(s, &v, err, errlen) < 0) return -1;
    int latest = store_migrations[store_nmigrations - 1].version;
    if (v > latest)
        return errf(err, errlen, "history cache %s has schema version %d, newer than this "
                    "artriage understands (%d); use a newer artriage or another --db",
                    s->path, v, latest);
    if (v == latest) return 0;
    if (store_exec(s, "BEGIN IMMEDIATE", err, errlen) < 0) return -1;
    /* another process may have migrated while we waited for the lock */
    if (user_version(s, &v, err, errlen) < 0) goto fail;
    for (size_t i = 0; i < store_nmigrations; i++) {
        const struct store_migration *m = &store_migrations[i];
        if (m->version <= v) continue;
        if (store_exec(s, m->sql, err, errlen) < 0) {
            errprefix(err, errlen, "migration %s", m->name);
            goto fail;
        }
        char sql[64];
        snprintf(sql, sizeof sql, "PRAGMA user_version = %d", m->version);
        if (store_exec(s, sql, err, errlen) < 0) goto fail;
    }
    if (store_exec(s, "COMMIT", err, errlen) < 0) goto fail;
    return 0;
fail:
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return -1;
}

struct store *store_open(const char *path, const struct store_opts *opts, char *err, size_t errlen)
{
    char defpath[4096];
    if (!path || !*path) {
        if (store_default_path(defpath, sizeof defpath, err, errlen) < 0) return NULL;
        path = defpath;
    }
    struct store *s = xcalloc(1, sizeof *s);
    s->path = xstrdup(path);
    if (opts) s->opts = *opts;
    else store_opts_default(&s->opts);
    if (s->opts.log_cap_run <= 0) s->opts.log_cap_run = DEFAULT_LOG_CAP_RUN;
    if (s->opts.log_cap_total <= 0) s->opts.log_cap_total = DEFAULT_LOG_CAP_TOTAL;
    if (s->opts.busy_ms <= 0) s->opts.busy_ms = DEFAULT_BUSY_MS;
    if (s->opts.cache_kib <= 0) s->opts.cache_kib = DEFAULT_CACHE_KIB;

    bool ro = s->opts.read_only;
    if (!ro) {
        if (make_parent_dirs(path, err, errlen) < 0) goto fail;
        secure_dir_of(path);
        if (secure_file(path, true, err, errlen) < 0) goto fail;
    }
    int flags = (ro ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | SQLITE_OPEN_NOFOLLOW;
    if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
        errf(err, errlen, "history cache %s: %s", path,
             s->db ? sqlite3_errmsg(s->db) : "cannot open");
        goto fail;
    }
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, s->opts.busy_ms);
    if (!ro) {
        if (store_exec(s, "PRAGMA journal_mode = WAL", err, errlen) < 0) goto fail;
        for (const char *suf = "-wal"; suf; suf = strcmp(suf, "-wal") == 0 ? "-shm" : NULL) {
            char *p = xasprintf("%s%s", path, suf);
            secure_file(p, false, NULL, 0);
            free(p);
        }
    }
    /* NORMAL is durable enough in WAL mode (a crash loses at most the last
     * commits, never consistency); a larger page cache keeps bulk syncs
     * from spilling index pages. */
    char pragmas[160];
    snprintf(pragmas, sizeof pragmas, "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;"
             " PRAGMA temp_store = MEMORY; PRAGMA cache_size = -%d", s->opts.cache_kib);
    if (store_exec(s, pragmas, err, errlen) < 0) goto fail;
    if (ro) {
        int v;
        if (user_version(s, &v, err, errlen) < 0) goto fail;
        if (v != STORE_SCHEMA_VERSION) {
            errf(err, errlen, "history cache %s has schema version %d, this artriage needs %d "
                 "(open it once without read-only access to migrate)", path, v,
                 STORE_SCHEMA_VERSION);
            goto fail;
        }
    } else if (migrate(s, err, errlen) < 0) {
        goto fail;
    }
    return s;
fail:
    store_close(s);
    return NULL;
}

void store_release_memory(struct store *s)
{
    if (s && s->db) sqlite3_db_release_memory(s->db);
}

void store_close(struct store *s)
{
    if (!s) return;
    if (s->db && s->tx_depth > 0) sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    for (int i = 0; i < ST_COUNT; i++) sqlite3_finalize(s->stmt[i]);
    for (int i = 0; i < s->nprep; i++) sqlite3_finalize(s->prep[i].st);
    if (s->db) sqlite3_close(s->db);
    free(s->path);
    free(s);
}

const char *store_path(const struct store *s) { return s->path; }

struct sqlite3 *store_db(struct store *s) { return s->db; }

/* ---- runs ------------------------------------------------------------ */

static bool phase_terminal(const char *p)
{
    return p && (strcmp(p, "Succeeded") == 0 || strcmp(p, "Failed") == 0 ||
                 strcmp(p, "Cancelled") == 0);
}

static bool str_eq(const char *a, const char *b)
{
    if (!a || !b) return a == b;
    return strcmp(a, b) == 0;
}

/* Conditions as "type\x1fstatus\x1freason\x1e..." so that a list observation
 * can be compared with the previous one without another table. */
static void cond_state(const struct agentrun *r, struct buf *b)
{
    for (size_t i = 0; i < r->nconditions; i++) {
        const struct condition *c = &r->conditions[i];
        if (!c->type) continue;
        buf_puts(b, c->type);
        buf_putc(b, '\x1f');
        buf_puts(b, c->status ? c->status : "");
        buf_putc(b, '\x1f');
        buf_puts(b, c->reason ? c->reason : "");
        buf_putc(b, '\x1e');
    }
}

/* Did condition c (type/status/reason) already appear in an old state? */
static bool cond_in_state(const struct condition *c, const char *state)
{
    if (!state) return false;
    size_t tl = strlen(c->type);
    const char *st = c->status ? c->status : "", *rs = c->reason ? c->reason : "";
    for (const char *p = state; *p;) {
        const char *end = strchr(p, '\x1e');
        if (!end) break;
        if (strncmp(p, c->type, tl) == 0 && p[tl] == '\x1f') {
            const char *q = p + tl + 1;
            size_t sl = strlen(st), rl = strlen(rs);
            return strncmp(q, st, sl) == 0 && q[sl] == '\x1f' && strncmp(q + sl + 1, rs, rl) == 0 &&
                   q + sl + 1 + rl == end;
        }
        p = end + 1;
    }
    return false;
}

static int add_change(struct store *s, int64_t run_id, int64_t time, const char *kind,
                      const char *phase, const struct condition *c, const char *reason,
                      const char *message, bool reconstructed, int64_t now, char *err,
                      size_t errlen)
{
    sqlite3_stmt *st = store_stmt(s, ST_CHANGE_INSERT, err, errlen);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, run_id);
    sqlite3_bind_int64(st, 2, time == TIME_NONE ? now : time);
    store_bind_text(st, 3, kind);
    store_bind_text(st, 4, phase);
    store_bind_text(st, 5, c ? c->type : NULL);
    store_bind_text(st, 6, c ? c->status : NULL);
    store_bind_text(st, 7, c ? c->reason : reason);
    store_bind_text(st, 8, c ? c->message : message);
    sqlite3_bind_int(st, 9, reconstructed);
    sqlite3_bind_int64(st, 10, now);
    if (sqlite3_step(st) != SQLITE_DONE) return store_dberr(s, "recording a change", err, errlen);
    return 0;
}

/* When a phase was entered, from the status times (best evidence). */
static int64_t phase_time(const struct agentrun *r, int64_t now)
{
    if (phase_terminal(r->phase)) {
        if (r->finished != TIME_NONE) return r->finished;
        const struct condition *c = NULL;
        for (const char *t = "Failed"; t; t = strcmp(t, "Failed") == 0 ? "Succeeded" : NULL) {
            c = agentrun_condition(r, t);
            if (c && c->last_transition != TIME_NONE && c->status && strcmp(c->status, "True") == 0)
                return c->last_transition;
        }
        if (r->updated != TIME_NONE) return r->updated;
        return now;
    }
    if (r->phase && strcmp(r->phase, "Running") == 0 && r->started != TIME_NONE) return r->started;
    if (r->updated != TIME_NONE) return r->updated;
    return now;
}

static bool cond_worth_recording(const struct condition *c)
{
    /* the derived Ready/Progressing/Degraded mirror the phase; InProgress is
     * never cleared (AGENTRUN.md §4) */
    static const char *const skip[] = {"Ready", "Progressing", "Degraded", "InProgress"};
    for (size_t i = 0; i < sizeof skip / sizeof skip[0]; i++)
        if (strcmp(c->type, skip[i]) == 0) return false;
    return true;
}

/* The raw object without server bookkeeping that can be large. */
static char *raw_json(const struct agentrun *r)
{
    if (!r->raw) return NULL;
    cJSON *copy = cJSON_Duplicate(r->raw, 1);
    if (!copy) return NULL;
    cJSON *md = cJSON_GetObjectItemCaseSensitive(copy, "metadata");
    if (cJSON_IsObject(md)) {
        cJSON_DeleteItemFromObjectCaseSensitive(md, "managedFields");
        cJSON *ann = cJSON_GetObjectItemCaseSensitive(md, "annotations");
        if (cJSON_IsObject(ann))
            cJSON_DeleteItemFromObjectCaseSensitive(
                ann, "kubectl.kubernetes.io/last-applied-configuration");
    }
    char *out = cJSON_PrintUnformatted(copy);
    cJSON_Delete(copy);
    return out;
}

static void bind_run(sqlite3_stmt *st, const struct agentrun *r, const char *ctx,
                     const char *lane, const char *attempt, const char *conds, int64_t now,
                     const char *raw)
{
    store_bind_text(st, 1, ctx);
    store_bind_text(st, 2, r->ns ? r->ns : "");
    store_bind_text(st, 3, r->name);
    store_bind_text(st, 4, r->uid);
    store_bind_text(st, 5, lane);
    store_bind_text(st, 6, attempt);
    store_bind_text(st, 7, r->agent);
    store_bind_text(st, 8, r->runtime);
    store_bind_text(st, 9, r->phase);
    store_bind_text(st, 10, r->reason);
    store_bind_text(st, 11, r->message);
    store_bind_time(st, 12, r->created);
    store_bind_time(st, 13, r->started);
    store_bind_time(st, 14, r->finished);
    store_bind_time(st, 15, r->updated);
    store_bind_text(st, 16, r->repository);
    store_bind_text(st, 17, r->base);
    store_bind_text(st, 18, r->head);
    store_bind_text(st, 19, r->idempotency_key);
    store_bind_text(st, 20, r->workload_image);
    store_bind_text(st, 21, r->vcs_mode);
    store_bind_text(st, 22, r->system_prompt_hash);
    store_bind_text(st, 23, r->spec_hash);
    store_bind_text(st, 24, r->rerun_of);
    store_bind_text(st, 25, r->resource_version);
    store_bind_text(st, 26, conds);
    sqlite3_bind_int64(st, 27, now);
    store_bind_text(st, 28, raw);
}

/* Lane by provenance (a rerun joins the lane of the run it re-ran), else
 * the model's name rules. */
static int resolve_lane(struct store *s, const struct agentrun *r, const char *ctx, char **lane,
                        char **attempt, char *err, size_t errlen)
{
    *lane = NULL;
    *attempt = NULL;
    if (r->rerun_of && strchr(r->rerun_of, '/')) {
        const char *slash = strchr(r->rerun_of, '/');
        char *ns = xstrndup(r->rerun_of, (size_t)(slash - r->rerun_of));
        sqlite3_stmt *st = store_stmt(s, ST_RUN_LANE_OF, err, errlen);
        if (!st) {
            free(ns);
            return -1;
        }
        store_bind_text(st, 1, ctx);
        store_bind_text(st, 2, ns);
        store_bind_text(st, 3, slash + 1);
        if (sqlite3_step(st) == SQLITE_ROW) *lane = store_col_str(st, 0);
        sqlite3_reset(st);
        free(ns);
    }
    char *nl = NULL, *na = NULL;
    if (r->lane) {
        nl = xstrdup(r->lane);
        na = xstrdup(r->attempt ? r->attempt : "");
    } else {
        lane_from_name(r->name, &nl, &na);
    }
    if (*lane) {
        free(nl);
    } else {
        *lane = nl;
    }
    *attempt = na;
    return 0;
}

static int insert_history(struct store *s, int64_t id, const struct agentrun *r, int64_t now,
                          char *err, size_t errlen)
{
    /* Seen for the first time: what happened before is inferred from the
     * status times. A run not yet started is being watched from its start,
     * so only a run that was already under way is "reconstructed". */
    bool young = !r->phase || strcmp(r->phase, "Pending") == 0;
    bool rec = !young;
    if (add_change(s, id, r->created, "created", NULL, NULL, NULL, NULL, rec && r->created != TIME_NONE,
                   now, err, errlen) < 0)
        return -1;
    if (r->started != TIME_NONE &&
        add_change(s, id, r->started, "started", NULL, NULL, NULL, NULL, rec, now, err, errlen) < 0)
        return -1;
    for (size_t i = 0; i < r->nconditions; i++) {
        const struct condition *c = &r->conditions[i];
        if (!c->type || !c->status || strcmp(c->status, "True") != 0 || !cond_worth_recording(c))
            continue;
        if (add_change(s, id, c->last_transition, "condition", NULL, c, NULL, NULL, rec, now, err,
                       errlen) < 0)
            return -1;
    }
    if (r->phase && add_change(s, id, phase_time(r, now), "phase", r->phase, NULL, r->reason,
                               r->message, rec, now, err, errlen) < 0)
        return -1;
    return 0;
}

static int record_diff(struct store *s, int64_t id, const struct agentrun *r, const char *old_phase,
                       int64_t old_started, const char *old_conds, const char *new_conds,
                       int64_t now, char *err, size_t errlen)
{
    if (old_started == TIME_NONE && r->started != TIME_NONE &&
        add_change(s, id, r->started, "started", NULL, NULL, NULL, NULL, false, now, err, errlen) < 0)
        return -1;
    if (!str_eq(old_conds, new_conds)) {
        for (size_t i = 0; i < r->nconditions; i++) {
            const struct condition *c = &r->conditions[i];
            if (!c->type || !cond_worth_recording(c) || cond_in_state(c, old_conds)) continue;
            if (add_change(s, id, c->last_transition != TIME_NONE ? c->last_transition : now,
                           "condition", NULL, c, NULL, NULL, false, now, err, errlen) < 0)
                return -1;
        }
    }
    if (r->phase && !str_eq(old_phase, r->phase) &&
        add_change(s, id, phase_time(r, now), "phase", r->phase, NULL, r->reason, r->message,
                   false, now, err, errlen) < 0)
        return -1;
    return 0;
}

static int put_run(struct store *s, const struct agentrun *r, int64_t now, int64_t *run_id,
                   unsigned *what, char *err, size_t errlen)
{
    const char *ctx = r->context ? r->context : "";
    sqlite3_stmt *st = store_stmt(s, ST_RUN_FIND, err, errlen);
    if (!st) return -1;
    store_bind_text(st, 1, ctx);
    store_bind_text(st, 2, r->uid);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return store_dberr(s, "looking up a run", err, errlen);
    bool found = rc == SQLITE_ROW;
    int64_t id = 0, old_started = TIME_NONE;
    char *old_phase = NULL, *old_conds = NULL, *old_rv = NULL;
    bool old_deleted = false;
    if (found) {
        id = sqlite3_column_int64(st, 0);
        old_phase = store_col_str(st, 1);
        old_started = store_col_time(st, 2);
        old_conds = store_col_str(st, 3);
        old_deleted = sqlite3_column_int(st, 4) != 0;
        old_rv = store_col_str(st, 5);
    }
    sqlite3_reset(st);

    int ret = -1;
    char *lane = NULL, *attempt = NULL, *raw = NULL;
    struct buf conds = {0};
    if (found && !old_deleted && r->resource_version && str_eq(old_rv, r->resource_version)) {
        /* unchanged object: only remember that we saw it */
        st = store_stmt(s, ST_RUN_SEEN, err, errlen);
        if (!st) goto out;
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, now);
        if (sqlite3_step(st) != SQLITE_DONE) {
            store_dberr(s, "updating a run", err, errlen);
            goto out;
        }
        ret = 0;
        goto out;
    }
    if (what) {
        *what = found ? STORE_RUN_REWRITTEN : STORE_RUN_NEW;
        if (found && !str_eq(old_phase, r->phase)) *what |= STORE_RUN_PHASE;
    }
    if (resolve_lane(s, r, ctx, &lane, &attempt, err, errlen) < 0) goto out;
    cond_state(r, &conds);
    raw = raw_json(r);
    st = store_stmt(s, found ? ST_RUN_UPDATE : ST_RUN_INSERT, err, errlen);
    if (!st) goto out;
    bind_run(st, r, ctx, lane, attempt, conds.p ? conds.p : "", now, raw);
    if (found) sqlite3_bind_int64(st, 29, id);
    if (sqlite3_step(st) != SQLITE_DONE) {
        store_dberr(s, found ? "updating a run" : "inserting a run", err, errlen);
        goto out;
    }
    if (!found) {
        id = sqlite3_last_insert_rowid(s->db);
        if (insert_history(s, id, r, now, err, errlen) < 0) goto out;
        /* pods seen before their run */
        st = store_stmt(s, ST_POD_ADOPT, err, errlen);
        if (!st) goto out;
        store_bind_text(st, 1, ctx);
        store_bind_text(st, 2, r->ns ? r->ns : "");
        store_bind_text(st, 3, r->name);
        sqlite3_bind_int64(st, 4, id);
        if (sqlite3_step(st) != SQLITE_DONE) {
            store_dberr(s, "linking pods to a run", err, errlen);
            goto out;
        }
    } else if (record_diff(s, id, r, old_phase, old_started, old_conds, conds.p ? conds.p : "", now,
                           err, errlen) < 0) {
        goto out;
    }
    ret = 0;
out:
    if (ret == 0 && run_id) *run_id = id;
    free(old_phase);
    free(old_conds);
    free(old_rv);
    free(lane);
    free(attempt);
    if (raw) cJSON_free(raw);
    buf_free(&conds);
    return ret;
}

int store_put_run(struct store *s, const struct agentrun *r, int64_t now, int64_t *run_id,
                  char *err, size_t errlen)
{
    return store_put_run_what(s, r, now, run_id, NULL, err, errlen);
}

int store_put_run_what(struct store *s, const struct agentrun *r, int64_t now, int64_t *run_id,
                       unsigned *what, char *err, size_t errlen)
{
    if (what) *what = 0;
    if (!r || !r->name || !r->uid)
        return errf(err, errlen, "history cache %s: a run without name or uid cannot be stored",
                    s->path);
    if (store_tx_enter(s, err, errlen) < 0) return -1;
    int rc = put_run(s, r, now, run_id, what, err, errlen);
    if (rc < 0) errprefix(err, errlen, "run %s/%s", r->ns ? r->ns : "", r->name);
    return store_tx_leave(s, rc, err, errlen);
}

static int mark_deleted(struct store *s, const char *ctx, const char *uid, int64_t when,
                        bool *marked, char *err, size_t errlen)
{
    sqlite3_stmt *st = store_stmt(s, ST_RUN_DELETE_MARK, err, errlen);
    if (!st) return -1;
    store_bind_text(st, 1, ctx ? ctx : "");
    store_bind_text(st, 2, uid);
    sqlite3_bind_int64(st, 3, when);
    int rc = sqlite3_step(st);
    int64_t id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    while (rc == SQLITE_ROW) rc = sqlite3_step(st);
    if (rc != SQLITE_DONE) return store_dberr(s, "marking a run deleted", err, errlen);
    if (marked) *marked = id != 0;
    if (id == 0) return 0;
    return add_change(s, id, when, "deleted", NULL, NULL, NULL, NULL, false, when, err, errlen);
}

int store_mark_run_deleted(struct store *s, const char *context, const char *uid, int64_t when,
                           char *err, size_t errlen)
{
    if (store_tx_enter(s, err, errlen) < 0) return -1;
    return store_tx_leave(s, mark_deleted(s, context, uid, when, NULL, err, errlen), err, errlen);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Uids of cached live rows of a scope that are not in live[]. */
static int sweep_candidates(struct store *s, const char *table, const char *ctx, const char *ns,
                            const char *const *live, size_t nlive, char ***out, size_t *nout,
                            char *err, size_t errlen)
{
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT uid FROM %s WHERE context = ?1 AND deleted = 0%s", table,
             ns ? " AND namespace = ?2" : "");
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return store_dberr(s, "listing cached objects", err, errlen);
    store_bind_text(st, 1, ctx ? ctx : "");
    if (ns) store_bind_text(st, 2, ns);
    const char **sorted = xcalloc(nlive ? nlive : 1, sizeof *sorted);
    size_t ns_ = 0;
    for (size_t i = 0; i < nlive; i++)
        if (live[i]) sorted[ns_++] = live[i];
    qsort(sorted, ns_, sizeof *sorted, cmp_str);
    char **gone = NULL;
    size_t ngone = 0, cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *uid = (const char *)sqlite3_column_text(st, 0);
        if (!uid || bsearch(&uid, sorted, ns_, sizeof *sorted, cmp_str)) continue;
        gone = xgrow(gone, &cap, ngone + 1, sizeof *gone);
        gone[ngone++] = xstrdup(uid);
    }
    sqlite3_finalize(st);
    free(sorted);
    if (rc != SQLITE_DONE) {
        for (size_t i = 0; i < ngone; i++) free(gone[i]);
        free(gone);
        return store_dberr(s, "listing cached objects", err, errlen);
    }
    *out = gone;
    *nout = ngone;
    return 0;
}

/* A pod marked deleted counts, as a run does when its mark changed it. */
static int mark_pod_deleted(struct store *s, const char *ctx, const char *uid, int64_t when, bool *marked,
                            char *err, size_t errlen)
{
    int rc = store_mark_pod_deleted(s, ctx, uid, when, err, errlen);
    *marked = rc == 0;
    return rc;
}

/* The rows of `table` in scope that are not in live, marked deleted with
 * mark, in one transaction. */
static int sweep(struct store *s, const char *table,
                 int (*mark)(struct store *, const char *, const char *, int64_t, bool *, char *, size_t),
                 const char *context, const char *ns, const char *const *live, size_t nlive, int64_t now,
                 size_t *marked, char *err, size_t errlen)
{
    if (marked) *marked = 0;
    if (store_tx_enter(s, err, errlen) < 0) return -1;
    char **gone = NULL;
    size_t ngone = 0;
    int rc = sweep_candidates(s, table, context, ns, live, nlive, &gone, &ngone, err, errlen);
    for (size_t i = 0; rc == 0 && i < ngone; i++) {
        bool m = false;
        rc = mark(s, context, gone[i], now, &m, err, errlen);
        if (m && marked) (*marked)++;
    }
    for (size_t i = 0; i < ngone; i++) free(gone[i]);
    free(gone);
    return store_tx_leave(s, rc, err, errlen);
}

int store_sweep_deleted(struct store *s, const char *context, const char *ns,
                        const char *const *live, size_t nlive, int64_t now, size_t *marked,
                        char *err, size_t errlen)
{
    return sweep(s, "runs", mark_deleted, context, ns, live, nlive, now, marked, err, errlen);
}

int store_sweep_pods(struct store *s, const char *context, const char *ns,
                     const char *const *live, size_t nlive, int64_t now, size_t *marked,
                     char *err, size_t errlen)
{
    return sweep(s, "pods", mark_pod_deleted, context, ns, live, nlive, now, marked, err, errlen);
}
