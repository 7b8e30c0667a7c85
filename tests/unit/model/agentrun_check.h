/* Shared by the run set and cold-source unit tests: every field of one
 * AgentRun equals the other's (raw aside: the run set keeps none, so b's
 * must be NULL). Header-only, like store/store_fixture.h. */
#ifndef TEST_MODEL_AGENTRUN_CHECK_H
#define TEST_MODEL_AGENTRUN_CHECK_H
#include <check.h>
#include <string.h>
#include "model/agentrun.h"

static inline void check_str_same(const char *x, const char *y, const char *what, const char *field)
{
    ck_assert_msg((!x && !y) || (x && y && strcmp(x, y) == 0), "%s: %s: '%s' vs '%s'", what, field,
                  x ? x : "(null)", y ? y : "(null)");
}

static inline void check_same_run(const struct agentrun *a, const struct agentrun *b, const char *what)
{
#define SAME(f) check_str_same(a->f, b->f, what, #f)
    SAME(context); SAME(ns); SAME(name); SAME(uid); SAME(resource_version); SAME(lane); SAME(attempt);
    SAME(rerun_of); SAME(rerun_of_uid); SAME(agent); SAME(runtime); SAME(idempotency_key);
    SAME(workload_image); SAME(vcs_mode); SAME(param_head); SAME(phase); SAME(reason); SAME(message);
    SAME(repository); SAME(base); SAME(head); SAME(system_prompt_hash); SAME(spec_hash);
    SAME(runtime_ref_name); SAME(runner_status); SAME(runner_error);
#undef SAME
    ck_assert_msg(a->created == b->created && a->deleted_at == b->deleted_at && a->started == b->started &&
                      a->finished == b->finished && a->updated == b->updated &&
                      a->runner_exit_code == b->runner_exit_code && a->vcs_required == b->vcs_required &&
                      a->has_runner == b->has_runner,
                  "%s: numbers differ", what);
    ck_assert_uint_eq(a->nconditions, b->nconditions);
    for (size_t k = 0; k < a->nconditions; k++) {
        const struct condition *c = &a->conditions[k], *d = &b->conditions[k];
        check_str_same(c->type, d->type, what, "condition type");
        check_str_same(c->status, d->status, what, "condition status");
        check_str_same(c->reason, d->reason, what, "condition reason");
        check_str_same(c->message, d->message, what, "condition message");
        ck_assert_int_eq(c->last_transition, d->last_transition);
    }
    ck_assert_ptr_null(b->raw);
}
#endif
