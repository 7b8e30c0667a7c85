#include "model/runsignals.h"
#include "util/jsonutil.h"
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

enum classify_outcome run_outcome(const struct agentrun *r)
{
    if (!r->phase) return CLASSIFY_OUTCOME_UNKNOWN;
    /* Cancelled is someone's decision (exit 130, a deleted Job), not a
     * failure whose cause must be named: its log gets a class only if it
     * shows one, never "unknown" for lack of one */
    if (strcmp(r->phase, "Failed") == 0) return CLASSIFY_OUTCOME_FAILED;
    if (strcmp(r->phase, "Succeeded") == 0) return CLASSIFY_OUTCOME_SUCCEEDED;
    return CLASSIFY_OUTCOME_UNKNOWN;
}

void run_signals_add(struct classify_ctx *c, const struct agentrun *r, const struct pod *pods, size_t npods)
{
    if (!c || !r) return;
    if (r->reason || r->message) {
        struct classify_signal s = {.source = CLASSIFY_SIG_STATUS, .name = r->name, .reason = r->reason,
                                    .message = r->message, .exit_code = -1};
        classify_add_signal(c, &s);
    }
    static const char *const types[] = {"Failed", "Cancelled", "InvalidSpec", "Duplicate", "Blocked", "Warning"};
    for (size_t i = 0; i < r->nconditions; i++) {
        const struct condition *k = &r->conditions[i];
        if (!k->type || !k->status || strcmp(k->status, "True") != 0) continue;
        bool want = false;
        for (size_t t = 0; t < sizeof types / sizeof types[0]; t++)
            if (strcmp(k->type, types[t]) == 0) want = true;
        if (!want) continue;
        struct classify_signal s = {.source = CLASSIFY_SIG_CONDITION, .kind = k->type, .name = r->name,
                                    .status = k->status, .reason = k->reason, .message = k->message,
                                    .exit_code = -1};
        classify_add_signal(c, &s);
    }
    const cJSON *runner = json_obj(r->raw, "status.runner");
    if (runner) {
        char *txt = cJSON_PrintUnformatted(runner);
        struct classify_signal s = {.source = CLASSIFY_SIG_TERMINATION, .name = r->name, .message = txt,
                                    .exit_code = -1};
        classify_add_signal(c, &s);
        free(txt);
    }
    for (size_t i = 0; i < npods; i++) {
        const struct pod *p = &pods[i];
        if (!p->run_name || !r->name || strcmp(p->run_name, r->name) != 0) continue;
        for (size_t k = 0; k < p->ncontainers; k++) {
            const struct container_state *cs = &p->containers[k];
            if (cs->state && strcmp(cs->state, "running") != 0) {
                bool term = strcmp(cs->state, "terminated") == 0;
                struct classify_signal s = {.source = CLASSIFY_SIG_CONTAINER, .kind = cs->state, .name = cs->name,
                                            .reason = cs->reason, .message = term ? NULL : cs->message,
                                            .exit_code = term ? (int)cs->exit_code : -1};
                classify_add_signal(c, &s);
                /* the runner's status.json is the termination message; the
                 * AgentRun's status.runner already carries it when present */
                if (term && cs->message && !runner) {
                    struct classify_signal t = {.source = CLASSIFY_SIG_TERMINATION, .name = cs->name,
                                                .message = cs->message, .exit_code = -1};
                    classify_add_signal(c, &t);
                }
            }
            if (cs->has_last) {
                struct classify_signal s = {.source = CLASSIFY_SIG_CONTAINER, .kind = "terminated", .name = cs->name,
                                            .reason = cs->last_reason, .exit_code = (int)cs->last_exit_code};
                classify_add_signal(c, &s);
            }
        }
    }
}
