/* API objects are untrusted: any bytes that parse as JSON must go through
 * the AgentRun and Pod parsers, lanes and linkage without a crash. */
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include "model/agentrun.h"
#include "model/lane.h"
#include "model/linkage.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cJSON *j = cJSON_ParseWithLength((const char *)data, size);
    char err[ERRLEN];
    if (j) {
        struct agentrun r = {0};
        if (agentrun_parse(j, &r, err, sizeof err) == 0) {
            struct agentrun runs[1] = {r};
            linkage_resolve_lanes(runs, 1);
            r = runs[0];
            (void)linkage_needs_pr(&r);
            (void)agentrun_is_terminal(&r);
            char *lane = NULL, *att = NULL;
            lane_from_name(r.name, &lane, &att);
            const char *taken[] = {r.name};
            char *nx = lane_next_name(r.name, taken, 1);
            free(nx);
            free(lane);
            free(att);
        }
        agentrun_free(&r);
        struct pod p = {0};
        if (pod_parse(j, &p, err, sizeof err) == 0) {
            struct run_image img;
            (void)linkage_runner_image(&p, 1, NULL, &img);
            (void)pod_main_container(&p, "agent-runner");
        }
        pod_free(&p);
        cJSON_Delete(j);
    }
    /* The same bytes as a log for the PR scan, fed in uneven chunks. */
    struct pr_scan *s = pr_scan_new("proompteng/lab", "log:fuzz");
    size_t off = 0, step = 1;
    while (off < size) {
        size_t n = size - off < step ? size - off : step;
        pr_scan_feed(s, data + off, n);
        off += n;
        step = step * 3 % 97 + 1;
    }
    pr_scan_finish(s);
    struct pr_link pr;
    if (pr_scan_result(s, &pr)) pr_link_free(&pr);
    pr_scan_free(s);
    return 0;
}
