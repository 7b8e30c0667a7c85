/* verdict — the one verdict writer (verdict.h). */
#include "runs/verdict.h"
#include "store/store.h"
#include "util/jsonutil.h"
#include "util/timeutil.h"
#include "util/xalloc.h"
#include <cjson/cJSON.h>
#include <stdlib.h>

static char *secondary_json(const struct classify_result *res, int64_t offset)
{
    if (!res->nsecondary) return NULL;
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < res->nsecondary; i++) {
        const struct classify_finding *f = &res->secondary[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "class", f->class_id ? f->class_id : "unknown");
        json_add_int(o, "line", f->line + offset, f->line > 0);
        json_add_str(o, "rule", f->rule_id);
        json_add_str(o, "text", f->text);
        cJSON_AddItemToArray(arr, o);
    }
    char *s = cJSON_PrintUnformatted(arr);
    cJSON_Delete(arr);
    char *out = xstrdup(s);
    cJSON_free(s);
    return out;
}

int verdict_put(struct store *s, int64_t run_id, const struct classify_rules *rules, enum classify_outcome oc,
                const struct classify_result *res, int64_t skipped, const char *pod, const char *container,
                int64_t log_time, const char *base_name, const char *base_uid, int64_t now, char *err,
                     size_t errlen)
{
    struct store_class c = {0};
    c.baseline_name = (char *)base_name;
    c.baseline_uid = (char *)base_uid;
    c.version = (char *)classify_rules_version(rules);
    c.outcome = (char *)(oc == CLASSIFY_OUTCOME_FAILED ? "failed"
                         : oc == CLASSIFY_OUTCOME_SUCCEEDED ? "succeeded" : "unknown");
    c.line = -1;
    c.log_time = TIME_NONE;
    char *sec = NULL;
    if (res && res->has_primary) {
        const struct classify_finding *f = &res->primary;
        c.cls = f->class_id;
        c.rule = f->rule_id;
        c.text = f->text;
        c.hint = f->hint;
        if (f->line > 0 && skipped >= 0) {
            c.line = f->line + skipped;
            c.pod = (char *)pod;
            c.container = (char *)container;
            c.log_time = log_time != TIME_NONE ? log_time : time_leading_stamp(f->text);
        }
        sec = secondary_json(res, skipped > 0 ? skipped : 0);
        c.secondary = sec;
    }
    int rc = store_put_classification(s, run_id, &c, now, err, errlen);
    free(sec);
    return rc;
}

