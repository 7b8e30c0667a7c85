/* coldsrc — the run set's cold fields (model/runset.h: message,
 * conditions, hashes...) read back from the history cache by row id, for
 * a console that seeded its run set from that cache and left them there.
 *
 * One indexed read of one row (store_get_run_by_id), converted with the
 * conversion the seeding used (store_run_take_agentrun), so an unchanged
 * row gives back exactly the fields the run set read from it:
 *   runset_set_cold_source(rs, coldsrc_load, store);
 * store is a struct store * the caller keeps open while the run set may
 * call it (and unsets the source before closing it). */
#ifndef ARTRIAGE_RUNS_COLDSRC_H
#define ARTRIAGE_RUNS_COLDSRC_H
#include <stddef.h>
#include <stdint.h>

struct agentrun;

/* An rs_cold_fn (model/runset.h): ud is the struct store *. 1 with *out
 * (agentrun_free it), 0 no such row, -1 with err. */
int coldsrc_load(void *ud, int64_t cache_id, struct agentrun *out, char *err, size_t errlen);
#endif
