/* runclass — classify runs from their status and logs (runclass.h). */
#include "runclass.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/jsonutil.h"
#include "util/sanitize.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct classify_rules *rules;
static bool tried;

const struct classify_rules *runclass_rules(struct cli *cli)
{
    if (tried) return rules;
    tried = true;
    struct buf warn = {0};
    char err[ERRLEN];
    struct classify_rules_opts ro = {.extra_dir = cli ? cli->rules_dir : NULL};
    rules = classify_rules_load(&ro, &warn, err, sizeof err);
    if (warn.len) {
        struct buf s = {0};
        sanitize_append(&s, warn.p, warn.len, SAN_KEEP_NEWLINE);
        fprintf(stderr, "artriage: warning: rule file problems:\n%s", s.p);
        buf_free(&s);
    }
    buf_free(&warn);
    /* Without rules the failure comes from the status table alone. */
    if (!rules) fprintf(stderr, "artriage: note: classifier unavailable (%s)\n", err);
    return rules;
}

void runclass_done(void)
{
    classify_rules_free(rules);
    rules = NULL;
    tried = false;
}

static enum classify_outcome outcome_of(const struct agentrun *r)
{
    if (!r->phase) return CLASSIFY_OUTCOME_UNKNOWN;
    if (strcmp(r->phase, "Failed") == 0 || strcmp(r->phase, "Cancelled") == 0) return CLASSIFY_OUTCOME_FAILED;
    if (strcmp(r->phase, "Succeeded") == 0) return CLASSIFY_OUTCOME_SUCCEEDED;
    return CLASSIFY_OUTCOME_UNKNOWN;
}

static void add_signals(struct classify_ctx *c, const struct run_view *v, const struct pod *pods, size_t npods)
{
    const struct agentrun *r = &v->run;
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

struct classify_ctx *runclass_begin(const struct classify_rules *rs, const struct run_view *v,
                                    const struct pod *pods, size_t npods)
{
    if (!rs) return NULL;
    struct classify_ctx *c = classify_new(rs, outcome_of(&v->run));
    add_signals(c, v, pods, npods);
    return c;
}

static void apply(const struct classify_result *res, struct run_view *v, const char *container, bool keep_unknown)
{
    if (!res || !res->has_primary || !res->primary.class_id) return;
    const struct classify_finding *f = &res->primary;
    if (!keep_unknown && strcmp(f->class_id, "unknown") == 0) return;
    bool from_log = f->line > 0;
    run_view_set_failure(v, f->class_id, from_log ? f->line : -1, from_log ? container : NULL, f->rule_id, f->text);
}

void runclass_end(struct classify_ctx *c, struct run_view *v, const char *container)
{
    if (!c) return;
    struct classify_result *res = classify_finish(c);
    apply(res, v, container, true);
    classify_result_free(res);
    classify_free(c);
}

void runclass_from_status(const struct classify_rules *rs, struct run_view *v, const struct pod *pods,
                          size_t npods)
{
    if (!rs || v->has_failure) return;
    /* only runs that ended badly or show trouble are worth the work */
    enum classify_outcome o = outcome_of(&v->run);
    if (o == CLASSIFY_OUTCOME_SUCCEEDED) return;
    struct classify_ctx *c = classify_new(rs, o);
    add_signals(c, v, pods, npods);
    struct classify_result *res = classify_finish(c);
    apply(res, v, NULL, false);
    classify_result_free(res);
    classify_free(c);
}
