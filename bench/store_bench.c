/* store_bench — ingest and query figures of the history cache (issue 4).
 * Built and run by bench/store.sh against the build's libartriage_core.a:
 *   store_bench DB [RUNS]
 * Ingests RUNS runs (default 100,000), each observed three times through
 * its life (Pending+Blocked, Running, Failed) = 10 changes per run, in
 * transactions of 1,000 observations; then times the newest-1,000 list,
 * a lane list, lane and single-run timelines (best of 5). Prints figures,
 * asserts nothing: this is a benchmark, not a test. */
#include "model/agentrun.h"
#include "store/store.h"
#include "timeline/timeline.h"
#include "util/err.h"
#include "util/timeutil.h"
#include "util/xalloc.h"
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>

#define ATTEMPTS 10

static void set_cond(struct condition *c, const char *type, const char *status, const char *reason,
                     int64_t t)
{
    free(c->type);
    free(c->status);
    free(c->reason);
    c->type = xstrdup(type);
    c->status = xstrdup(status);
    c->reason = xstrdup(reason);
    c->last_transition = t;
}

static void make_run(struct agentrun *r, size_t i, int64_t base)
{
    memset(r, 0, sizeof *r);
    char name[96], uid[64];
    size_t lane = i / ATTEMPTS;
    snprintf(name, sizeof name, "bench-lane-%06zu-run-20260225%c", lane, (char)('a' + i % ATTEMPTS));
    snprintf(uid, sizeof uid, "00000000-0000-4000-8000-%012zu", i);
    r->context = xstrdup("bench");
    r->ns = xstrdup(i % 7 == 0 ? "synthesis" : "agents");
    r->name = xstrdup(name);
    r->uid = xstrdup(uid);
    char lanebuf[96];
    snprintf(lanebuf, sizeof lanebuf, "bench-lane-%06zu-run-20260225", lane);
    r->lane = xstrdup(lanebuf);
    r->attempt = xstrndup(name + strlen(name) - 1, 1);
    r->agent = xstrdup("codex-agent");
    r->runtime = xstrdup("job");
    r->repository = xstrdup("proompteng/lab");
    r->base = xstrdup("main");
    r->head = xasprintf("codex/%s", name);
    r->idempotency_key = xstrdup(name);
    r->created = base + (int64_t)i * 1000;
    r->started = TIME_NONE;
    r->finished = TIME_NONE;
    r->updated = r->created;
    r->deleted_at = TIME_NONE;
    r->runner_exit_code = -1;
    r->nconditions = 3;
    r->conditions = xcalloc(3, sizeof *r->conditions);
    r->phase = xstrdup("Pending");
    set_cond(&r->conditions[0], "Blocked", "True", "QueueLimit", r->created + 100);
    set_cond(&r->conditions[1], "Accepted", "False", "Pending", r->created + 100);
    set_cond(&r->conditions[2], "Warning", "False", "None", r->created + 100);
    cJSON *raw = cJSON_CreateObject();
    cJSON *md = cJSON_AddObjectToObject(raw, "metadata");
    cJSON_AddStringToObject(md, "name", name);
    cJSON_AddStringToObject(md, "namespace", r->ns);
    cJSON_AddStringToObject(md, "uid", uid);
    cJSON *spec = cJSON_AddObjectToObject(raw, "spec");
    cJSON_AddStringToObject(cJSON_AddObjectToObject(spec, "agentRef"), "name", "codex-agent");
    cJSON_AddStringToObject(cJSON_AddObjectToObject(spec, "runtime"), "type", "job");
    cJSON *params = cJSON_AddObjectToObject(spec, "parameters");
    cJSON_AddStringToObject(params, "repository", "proompteng/lab");
    cJSON_AddStringToObject(params, "base", "main");
    cJSON_AddStringToObject(params, "head", r->head);
    r->raw = raw;
}

static void step(struct agentrun *r, int phase)
{
    free(r->phase);
    free(r->resource_version);
    r->resource_version = xasprintf("%d", phase);
    if (phase == 1) {
        r->phase = xstrdup("Running");
        r->started = r->created + 2000;
        set_cond(&r->conditions[0], "Blocked", "False", "NotBlocked", r->started);
        set_cond(&r->conditions[1], "Accepted", "True", "Submitted", r->started);
    } else {
        r->phase = xstrdup("Failed");
        r->finished = r->created + 60000;
        set_cond(&r->conditions[1], "Failed", "True", "RunnerFailed", r->finished);
        set_cond(&r->conditions[2], "Warning", "True", "JobMissing", r->finished);
        free(r->message);
        r->message = xstrdup("ENOENT: no such file or directory, posix_spawn 'git'");
    }
}

static double best_ms(int (*fn)(struct store *, void *), struct store *s, void *arg, size_t *rows)
{
    double best = 1e18;
    for (int k = 0; k < 5; k++) {
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        int n = fn(s, arg);
        clock_gettime(CLOCK_MONOTONIC, &b);
        double ms = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
        if (ms < best) best = ms;
        if (rows) *rows = (size_t)n;
    }
    return best;
}

static int q_newest(struct store *s, void *arg)
{
    (void)arg;
    struct store_query q;
    store_query_init(&q);
    q.limit = 1000;
    struct store_run_list l;
    char err[ERRLEN];
    if (store_list_runs(s, &q, &l, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        exit(1);
    }
    int n = (int)l.n;
    store_run_list_free(&l);
    return n;
}

static int q_lane(struct store *s, void *arg)
{
    struct store_query q;
    store_query_init(&q);
    q.lane = arg;
    struct store_run_list l;
    char err[ERRLEN];
    if (store_list_runs(s, &q, &l, err, sizeof err) < 0) exit(1);
    int n = (int)l.n;
    store_run_list_free(&l);
    return n;
}

static int q_timeline_lane(struct store *s, void *arg)
{
    struct timeline_query q;
    timeline_query_init(&q);
    q.lane = arg;
    struct timeline t;
    char err[ERRLEN];
    if (timeline_build(s, &q, &t, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        exit(1);
    }
    int n = (int)t.n;
    timeline_free(&t);
    return n;
}

static int q_timeline_run(struct store *s, void *arg)
{
    struct timeline_query q;
    timeline_query_init(&q);
    const char *runs[1] = {arg};
    q.runs = runs;
    q.nruns = 1;
    struct timeline t;
    char err[ERRLEN];
    if (timeline_build(s, &q, &t, err, sizeof err) < 0) exit(1);
    int n = (int)t.n;
    timeline_free(&t);
    return n;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: store_bench DB [RUNS]\n");
        return 2;
    }
    size_t nruns = argc > 2 ? (size_t)strtoull(argv[2], NULL, 10) : 100000;
    if (nruns < ATTEMPTS) nruns = ATTEMPTS;
    char err[ERRLEN];
    struct store *s = store_open(argv[1], NULL, err, sizeof err);
    if (!s) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    int64_t base = 1771977600000; /* 2026-02-25T00:00:00Z */
    const size_t batch = 1000;
    struct agentrun *rs = xcalloc(batch, sizeof *rs);
    struct timespec a, b;
    struct rusage ua, ub;
    getrusage(RUSAGE_SELF, &ua);
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (size_t off = 0; off < nruns; off += batch) {
        size_t n = nruns - off < batch ? nruns - off : batch;
        for (size_t i = 0; i < n; i++) make_run(&rs[i], off + i, base);
        /* three observations of each run, as a watch would deliver them */
        for (int phase = 0; phase < 3; phase++) {
            if (store_begin(s, err, sizeof err) < 0) goto fail;
            for (size_t i = 0; i < n; i++) {
                if (phase) step(&rs[i], phase);
                if (store_put_run(s, &rs[i], base + (int64_t)(off + i) * 1000 + phase * 30000,
                                  NULL, err, sizeof err) < 0)
                    goto fail;
            }
            if (store_commit(s, err, sizeof err) < 0) goto fail;
        }
        for (size_t i = 0; i < n; i++) agentrun_free(&rs[i]);
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    getrusage(RUSAGE_SELF, &ub);
    double secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
    double cpu = (double)(ub.ru_utime.tv_sec - ua.ru_utime.tv_sec + ub.ru_stime.tv_sec -
                          ua.ru_stime.tv_sec) +
                 (double)(ub.ru_utime.tv_usec - ua.ru_utime.tv_usec + ub.ru_stime.tv_usec -
                          ua.ru_stime.tv_usec) / 1e6;
    sqlite3_stmt *st;
    long long nchanges = 0;
    if (sqlite3_prepare_v2(store_db(s), "SELECT count(*) FROM changes", -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW) nchanges = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    double rows_total = (double)nruns + (double)nchanges;
    printf("ingest: %zu runs, %lld changes (%zu observations) in %.2f s wall: %.0f rows/s\n",
           nruns, nchanges, nruns * 3, secs, rows_total / secs);
    printf("ingest CPU: %.2f s (user+sys): %.0f rows per CPU-second (wall time suffers when the"
           " machine is shared)\n", cpu, rows_total / cpu);
    char lane[96], run[96];
    snprintf(lane, sizeof lane, "bench-lane-%06zu-run-20260225", nruns / ATTEMPTS / 2);
    snprintf(run, sizeof run, "%se", lane);
    size_t rows;
    double ms = best_ms(q_newest, s, NULL, &rows);
    printf("list newest 1000 runs: %.2f ms (%zu rows)\n", ms, rows);
    ms = best_ms(q_lane, s, lane, &rows);
    printf("lane list (%s): %.2f ms (%zu runs)\n", lane, ms, rows);
    ms = best_ms(q_timeline_lane, s, lane, &rows);
    printf("lane timeline: %.2f ms (%zu events)\n", ms, rows);
    ms = best_ms(q_timeline_run, s, run, &rows);
    printf("run timeline (%s): %.2f ms (%zu events)\n", run, ms, rows);
    printf("lane-for-cli %s\n", lane);
    free(rs);
    store_close(s);
    return 0;
fail:
    fprintf(stderr, "store_bench: %s\n", err);
    store_close(s);
    return 1;
}
