/* runset_mem — bytes per run of the console's run set (issue 16, scale).
 * Built and run by bench/runset_mem.sh against the build's libartriage_core.a:
 *   runset_mem [RUNS [DB]]
 * Applies RUNS runs (default 1,000,000) shaped like bench/console.sh's
 * cache rows ("lean": list columns only), then as many again with what a
 * synced AgentRun also carries ("full": resourceVersion, message, hashes,
 * idempotency key, three conditions), each into a fresh run set, and
 * prints the heap in use per run (glibc mallinfo2: small blocks and
 * mmapped ones) after applying, after building the sorted view, and
 * after a text filter. Then the full runs once more as the console seeds
 * them from the history cache ("full, cold in the cache": applied as cache
 * rows to a run set with a cold source, which leaves their cold fields in
 * the cache; here a source that makes the row again).
 * DB: a history cache written by bench/cache_rows.py: its runs are seeded
 * as the console does (pages of store_list_runs, runset_apply_cached, the
 * console's cold source runs/coldsrc.c), the run set's heap per run is
 * printed (SQLite's own memory apart), then the time of reading random
 * runs' cold fields back (one row read by id each; a run read twice is
 * not read again, so each read is of a run not read before).
 * Prints figures, asserts nothing. */
#include "model/agentrun.h"
#include "model/runset.h"
#include "runs/coldsrc.h"
#include "store/store.h"
#include "util/err.h"
#include "util/timeutil.h"
#include "util/xalloc.h"
#include <malloc.h>
#include <sqlite3.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double heap_mib(void)
{
    struct mallinfo2 m = mallinfo2();
    return (double)(m.uordblks + m.hblkhd) / 1048576.0;
}

static struct agentrun mk(size_t i, bool full)
{
    static const char *phases[] = {"Failed", "Succeeded", "Running", "Pending", "Cancelled"};
    struct agentrun a = {0};
    char lane[64];
    snprintf(lane, sizeof lane, "lane-%05zu-run-20260225", i / 4);
    int64_t created = 1772000000000LL + (int64_t)i * 1000;
    a.context = xstrdup("bench");
    a.ns = xstrdup(i % 10 ? "agents" : "synthesis");
    a.name = xasprintf("%s%c", lane, "abcd"[i % 4]);
    a.uid = xasprintf("uid-%06zu", i);
    a.lane = xstrdup(lane);
    a.attempt = xasprintf("%c", "abcd"[i % 4]);
    a.agent = xstrdup(i % 3 ? "codex-agent" : "anypi-agent");
    a.runtime = xstrdup("job");
    a.phase = xstrdup(phases[i % 5]);
    a.repository = xstrdup("proompteng/lab");
    a.base = xstrdup("main");
    a.head = xasprintf("codex/%s", a.name);
    a.created = created;
    a.started = created + 2000;
    a.finished = created + 60000;
    a.deleted_at = a.updated = TIME_NONE;
    a.runner_exit_code = -1;
    if (full) {
        a.resource_version = xasprintf("%zu", 100000000 + i * 7);
        a.message = xasprintf("job %s: BackoffLimitExceeded after 1 attempt(s)", a.name);
        a.reason = xstrdup("BackoffLimitExceeded");
        a.idempotency_key = xasprintf("idem-%s-%zu", lane, i);
        a.system_prompt_hash = xasprintf("%064zx", i / 1000);
        a.spec_hash = xasprintf("%064zx", i);
        a.runtime_ref_name = xasprintf("%s-job", a.name);
        a.nconditions = 3;
        a.conditions = xcalloc(3, sizeof *a.conditions);
        static const char *types[] = {"Accepted", "Ready", "Succeeded"};
        for (size_t k = 0; k < 3; k++)
            a.conditions[k] = (struct condition){xstrdup(types[k]), xstrdup(k == 2 ? "False" : "True"),
                                                 xstrdup("Reconciled"), xstrdup("the controller reconciled it"),
                                                 created + (int64_t)k * 1000};
    }
    return a;
}

/* The stand-in cache of the "cold in the cache" figure: row id i + 1 is run i. */
static int remake(void *ud, int64_t id, struct agentrun *out, char *err, size_t errlen)
{
    (void)ud;
    (void)err;
    (void)errlen;
    if (id < 1) return 0;
    *out = mk((size_t)(id - 1), true);
    return 1;
}

enum how { LEAN, FULL, FULL_CACHED };

static void one(size_t n, enum how how)
{
    static const char *names[] = {"lean", "full", "full, cold in the cache"};
    double h0 = heap_mib();
    struct runset *rs = runset_new();
    if (how == FULL_CACHED) runset_set_cold_source(rs, remake, NULL);
    for (size_t i = 0; i < n; i++) {
        struct agentrun a = mk(i, how != LEAN);
        if (how == FULL_CACHED) runset_apply_cached(rs, &a, i % 50 == 0, (int64_t)i + 1);
        else runset_apply_run(rs, RS_EV_ADDED, &a, i % 50 == 0);
    }
    double applied = heap_mib() - h0;
    runset_view_count(rs);
    double viewed = heap_mib() - h0;
    char err[128];
    runset_set_filter(rs, "lane-04", err, sizeof err);
    runset_view_count(rs);
    double filtered = heap_mib() - h0;
    printf("%s runs: %zu; heap per run: %.0f B applied, %.0f B with the sorted view, %.0f B filtered"
           " (%.1f MiB in all)\n",
           names[how], n, applied * 1048576.0 / (double)n, viewed * 1048576.0 / (double)n,
           filtered * 1048576.0 / (double)n, filtered);
    runset_free(rs);
}

static double cpu_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec * 1000.0 + (double)t.tv_nsec / 1e6;
}

static int64_t mono_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The runs of the cache at db, seeded as the console does, and reads of
 * their cold fields by row id. */
static void from_cache(const char *db)
{
    char err[ERRLEN];
    struct store_opts o;
    store_opts_default(&o);
    o.read_only = true;
    struct store *s = store_open(db, &o, err, sizeof err);
    if (!s) {
        fprintf(stderr, "runset_mem: %s\n", err);
        exit(1);
    }
    double h0 = heap_mib(), c0 = cpu_ms();
    struct runset *rs = runset_new();
    runset_set_cold_source(rs, coldsrc_load, s);
    struct store_query q;
    store_query_init(&q);
    q.limit = 2000;
    for (;;) {
        struct store_run_list l;
        if (store_list_runs(s, &q, &l, err, sizeof err) != 0) {
            fprintf(stderr, "runset_mem: %s\n", err);
            exit(1);
        }
        int64_t last = TIME_NONE;
        for (size_t i = 0; i < l.n; i++) {
            struct agentrun a;
            bool deleted = l.items[i].deleted;
            int64_t id = l.items[i].id;
            if (!store_run_take_agentrun(&l.items[i], &a)) continue;
            last = a.created;
            runset_apply_cached(rs, &a, deleted, id);
        }
        bool more = l.n == q.limit && last != TIME_NONE;
        store_run_list_free(&l);
        if (!more) break;
        q.until = last - 1; /* bench rows have distinct creation times */
    }
    runset_view_count(rs);
    double seed_cpu = cpu_ms() - c0;
    store_release_memory(s);
    malloc_trim(0);
    size_t n = runset_count(rs);
    double heap = heap_mib() - h0 - (double)sqlite3_memory_used() / 1048576.0;
    printf("cache %s: %zu runs seeded in %.0f ms CPU; run set heap per run: %.0f B (%.1f MiB)\n", db, n,
           seed_cpu, heap * 1048576.0 / (double)(n ? n : 1), heap);
    /* random runs' cold fields, each from its row */
    enum { READS = 2000 };
    double *us = xcalloc(READS, sizeof *us);
    size_t failed = 0, done = 0;
    uint64_t x = 88172645463325252ULL;
    for (size_t k = 0; k < READS && n; k++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        const struct rs_run *r = runset_at(rs, (size_t)(x % n));
        struct agentrun a;
        int64_t t0 = mono_us();
        if (runset_run_agentrun(rs, r, &a, err, sizeof err) != 0) failed++;
        us[done++] = (double)(mono_us() - t0);
        agentrun_free(&a);
    }
    qsort(us, done, sizeof *us, cmp_double);
    if (done)
        printf("cold fields of a run read back (one row by id): median %.0f us, p90 %.0f us, p99 %.0f us,"
               " worst %.0f us over %zu runs; %zu failed\n",
               us[done / 2], us[done * 9 / 10], us[done * 99 / 100], us[done - 1], done, failed);
    free(us);
    runset_free(rs);
    store_close(s);
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
    if (!n) n = 1;
    one(n, LEAN);
    one(n, FULL);
    one(n, FULL_CACHED);
    if (argc > 2) from_cache(argv[2]);
    return 0;
}
