/* rerun drive — runs a rerun_exec (rerun/rerun.h) over a kube_client: the
 * state machine's requests become API calls on the client's event loop,
 * each with its own deadline (an answer that does not come in time counts
 * as lost: the state machine then retries with the same name and key).
 *
 * Console (non-blocking; callbacks fire from kube_client_perform):
 *   struct rerun_drive *d = rerun_drive_start(client, x, timeout_ms, on_state, ud);
 *   on_state(ud, RERUN_ST_CONFIRM)  -> later: rerun_exec_confirm(x, yes); rerun_drive_resume(d);
 *   on_state(ud, RERUN_ST_DONE / _DRY_DONE / _FAILED) -> rerun_exec_result(x)
 *   rerun_drive_free(d);   (cancels anything in flight; never from inside on_state)
 * CLI (blocking):
 *   enum rerun_state st = rerun_drive_blocking(client, x, timeout_ms, ask, ud);
 * The drive borrows client and x; free it before them.
 */
#ifndef ARTRIAGE_RERUN_DRIVE_H
#define ARTRIAGE_RERUN_DRIVE_H
#include <stdbool.h>
#include <stdint.h>
#include "kube/client.h"
#include "rerun/rerun.h"

/* Per-request deadline when the caller passes 0; $ARTRIAGE_RERUN_TIMEOUT
 * (a duration such as "2s") overrides it, for slow links and tests. */
#define RERUN_DEFAULT_TIMEOUT_MS 30000
int64_t rerun_timeout_ms(void);

typedef void (*rerun_state_fn)(void *ud, enum rerun_state st);

struct rerun_drive;
struct rerun_drive *rerun_drive_start(struct kube_client *c, struct rerun_exec *x, int64_t timeout_ms,
                                      rerun_state_fn fn, void *ud);
void rerun_drive_resume(struct rerun_drive *d);
/* The state last reported (RERUN_ST_REQUEST while a request is in flight). */
enum rerun_state rerun_drive_state(const struct rerun_drive *d);
void rerun_drive_free(struct rerun_drive *d);

/* Drives to the end on the calling thread; `confirm` is asked at
 * RERUN_ST_CONFIRM (NULL = yes). Returns the final state. */
enum rerun_state rerun_drive_blocking(struct kube_client *c, struct rerun_exec *x, int64_t timeout_ms,
                                      bool (*confirm)(void *ud), void *ud);
#endif
