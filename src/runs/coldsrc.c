/* coldsrc — see coldsrc.h. */
#include "runs/coldsrc.h"
#include "model/agentrun.h"
#include "store/store.h"
#include <string.h>

int coldsrc_load(void *ud, int64_t cache_id, struct agentrun *out, char *err, size_t errlen)
{
    struct store *s = ud;
    memset(out, 0, sizeof *out);
    struct store_run sr;
    int rc = store_get_run_by_id(s, cache_id, &sr, err, errlen);
    if (rc <= 0) return rc;
    /* false: a row without a name, which seeding skips too */
    bool ok = store_run_take_agentrun(&sr, out);
    store_run_free(&sr);
    return ok ? 1 : 0;
}
