/* Shared helpers of the store and timeline unit tests: a fresh temporary
 * cache per test, the example objects (tests/data/examples), and runs built in code. */
#ifndef TEST_STORE_FIXTURE_H
#define TEST_STORE_FIXTURE_H
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>
#include "util/buf.h"
#include "model/agentrun.h"
#include "store/store.h"
#include "util/err.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

static char fx_dir[256];

static inline char *fx_tmpdir(void)
{
    snprintf(fx_dir, sizeof fx_dir, "/tmp/artriage-test-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(fx_dir));
    return fx_dir;
}

static inline char *fx_db_path(void)
{
    return xasprintf("%s/cache/artriage/history.db", fx_tmpdir());
}

static inline struct store *fx_open(const char *path, const struct store_opts *o)
{
    char err[ERRLEN];
    struct store *s = store_open(path, o, err, sizeof err);
    ck_assert_msg(s != NULL, "store_open: %s", err);
    return s;
}

static inline void fx_rm_rf(void)
{
    if (!fx_dir[0]) return;
    char *cmd = xasprintf("rm -rf '%s'", fx_dir);
    if (system(cmd) != 0) fprintf(stderr, "cleanup failed: %s\n", cmd);
    free(cmd);
}

static inline char *fx_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *data = NULL;
    size_t n, l = 0, cap = 0;
    char tmp[65536];
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) {
        data = xgrow(data, &cap, l + n + 1, 1);
        memcpy(data + l, tmp, n);
        l += n;
    }
    fclose(f);
    if (!data) data = xcalloc(1, 1);
    data[l] = 0;
    if (len) *len = l;
    return data;
}

static inline cJSON *fx_example(const char *file)
{
    const char *src = getenv("ARTRIAGE_SRC");
    ck_assert_msg(src != NULL, "ARTRIAGE_SRC not set");
    char *path = xasprintf("%s/tests/data/examples/%s", src, file);
    size_t len;
    char *data = fx_read_file(path, &len);
    ck_assert_msg(data != NULL, "cannot read %s", path);
    free(path);
    cJSON *j = cJSON_ParseWithLength(data, len);
    free(data);
    ck_assert_ptr_nonnull(j);
    return j;
}

/* Parses the example list's item whose name ends with suffix. */
static inline void fx_example_run(const cJSON *list, const char *suffix, const char *ctx,
                                  struct agentrun *r)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(list, "items")) {
        const char *n = cJSON_GetObjectItem(cJSON_GetObjectItem(it, "metadata"), "name")->valuestring;
        if (strlen(n) >= strlen(suffix) && strcmp(n + strlen(n) - strlen(suffix), suffix) == 0) {
            char err[ERRLEN];
            ck_assert_int_eq(agentrun_parse(it, r, err, sizeof err), 0);
            free(r->context);
            r->context = ctx ? xstrdup(ctx) : NULL;
            return;
        }
    }
    ck_abort_msg("no example run %s", suffix);
}

/* A run built in code: name, uid, phase and times (ms). */
static inline void fx_run(struct agentrun *r, const char *name, const char *uid, const char *phase,
                          int64_t created, int64_t started, int64_t finished)
{
    memset(r, 0, sizeof *r);
    r->context = xstrdup("test");
    r->ns = xstrdup("agents");
    r->name = xstrdup(name);
    r->uid = xstrdup(uid);
    r->phase = phase ? xstrdup(phase) : NULL;
    r->created = created;
    r->started = started;
    r->finished = finished;
    r->updated = TIME_NONE;
    r->deleted_at = TIME_NONE;
    r->runner_exit_code = -1;
    cJSON *raw = cJSON_CreateObject();
    cJSON *md = cJSON_AddObjectToObject(raw, "metadata");
    cJSON_AddStringToObject(md, "name", name);
    cJSON_AddStringToObject(md, "namespace", "agents");
    cJSON_AddStringToObject(md, "uid", uid);
    r->raw = raw;
}

/* A pod of run `run` whose agent-runner ran image@digest and failed. */
static inline void fx_pod_img(struct pod *p, const char *name, const char *uid, const char *run,
                              int64_t created, const char *image, const char *digest)
{
    memset(p, 0, sizeof *p);
    p->ns = xstrdup("agents");
    p->name = xstrdup(name);
    p->uid = xstrdup(uid);
    p->run_name = xstrdup(run);
    p->phase = xstrdup("Failed");
    p->created = created;
    p->started = created + 1000;
    p->ncontainers = 1;
    p->containers = xcalloc(1, sizeof *p->containers);
    struct container_state *c = &p->containers[0];
    c->name = xstrdup("agent-runner");
    c->image = xstrdup(image);
    c->image_id = xasprintf("registry.example/lab/codex-runner@%s", digest);
    c->digest = xstrdup(digest);
    c->state = xstrdup("terminated");
    c->reason = xstrdup("Error");
    c->exit_code = 1;
    c->restarts = 0;
    c->started = created + 1000;
    c->finished = created + 5000;
    c->last_exit_code = -1;
}

static inline void fx_set_phase(struct agentrun *r, const char *phase, int64_t t)
{
    free(r->phase);
    r->phase = xstrdup(phase);
    if (strcmp(phase, "Running") == 0) r->started = t;
    else r->finished = t;
}

static inline int64_t fx_t(const char *rfc)
{
    int64_t t;
    ck_assert_int_eq(time_parse_rfc3339(rfc, &t), 0);
    return t;
}

/* One row/scalar of SQL as int64. */
static inline int64_t fx_sql_int(struct store *s, const char *sql)
{
    sqlite3_stmt *st;
    ck_assert_int_eq(sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}
#endif
