/* runbaseline — choosing a failed run's passing baseline (runbaseline.h). */
#include "runbaseline.h"
#include "model/agentrun.h"
#include "util/xalloc.h"
#include <stdlib.h>
#include <string.h>

static bool same(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

/* NULL context on either side: one cluster, unnamed */
static bool same_context(const char *a, const char *b)
{
    return !a || !b || strcmp(a, b) == 0;
}

enum rule { BY_LANE, BY_AGENT_REPO };

static bool fits(const struct run_baseline_cand *f, const struct run_baseline_cand *c, enum rule r)
{
    if (!same(c->phase, "Succeeded") || !same_context(f->context, c->context)) return false;
    if (same(f->ns, c->ns) && same(f->name, c->name)) return false;
    if (r == BY_LANE) return same(f->ns, c->ns) && same(f->lane, c->lane);
    return same(f->agent, c->agent) && same(f->repository, c->repository);
}

/* The newest fitting candidate with a log. Candidates whose log is
 * missing are skipped; `asked` remembers answers so the fallback pass
 * does not ask again. Few runs pass `fits`, so the repeated scan for the
 * next-newest is cheap next to reading one log. */
static long newest(const struct run_baseline_cand *f, const struct run_baseline_cand *c, size_t n,
                   enum rule r, run_baseline_has_log_fn has_log, void *ud, unsigned char *asked)
{
    for (;;) {
        long best = -1;
        for (size_t i = 0; i < n; i++) {
            if (asked[i] || !fits(f, &c[i], r)) continue;
            if (best < 0 || c[i].created > c[best].created) best = (long)i;
        }
        if (best < 0) return -1;
        if (!has_log || has_log(ud, (size_t)best)) return best;
        asked[best] = 1;
    }
}

long run_baseline_pick(const struct run_baseline_cand *failed, const struct run_baseline_cand *c,
                       size_t n, run_baseline_has_log_fn has_log, void *ud)
{
    if (!failed || !c || n == 0) return -1;
    unsigned char *asked = xcalloc(n, 1);
    long i = newest(failed, c, n, BY_LANE, has_log, ud, asked);
    if (i < 0) i = newest(failed, c, n, BY_AGENT_REPO, has_log, ud, asked);
    free(asked);
    return i;
}

struct run_baseline_cand run_baseline_cand_of(const struct agentrun *a)
{
    return (struct run_baseline_cand){a->context, a->ns,         a->name,  a->lane,
                                      a->agent,   a->repository, a->phase, a->created};
}
