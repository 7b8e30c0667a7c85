/* runset_mem — bytes per run of the console's run set (issue 16, scale).
 * Built and run by bench/runset_mem.sh against the build's libartriage_core.a:
 *   runset_mem [RUNS]
 * Applies RUNS runs (default 1,000,000) shaped like bench/console.sh's
 * cache rows ("lean": list columns only), then as many again with what a
 * synced AgentRun also carries ("full": resourceVersion, message, hashes,
 * idempotency key, three conditions), each into a fresh run set, and
 * prints the heap in use per run (glibc mallinfo2: small blocks and
 * mmapped ones) after applying, after building the sorted view, and
 * after a text filter. Prints figures, asserts nothing. */
#include "model/agentrun.h"
#include "model/runset.h"
#include "util/timeutil.h"
#include "util/xalloc.h"
#include <malloc.h>
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

static void one(size_t n, bool full)
{
    double h0 = heap_mib();
    struct runset *rs = runset_new();
    for (size_t i = 0; i < n; i++) {
        struct agentrun a = mk(i, full);
        runset_apply_run(rs, RS_EV_ADDED, &a, i % 50 == 0);
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
           full ? "full" : "lean", n, applied * 1048576.0 / (double)n, viewed * 1048576.0 / (double)n,
           filtered * 1048576.0 / (double)n, filtered);
    runset_free(rs);
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
    if (!n) n = 1;
    one(n, false);
    one(n, true);
    return 0;
}
