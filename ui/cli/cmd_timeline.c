/* `artriage timeline` — the postmortem timeline of a lane, some runs or the
 * whole scope, from the history cache (docs/cli.md). */
#include "cli.h"
#include "store/store.h"
#include "timeline/timeline.h"
#include "util/err.h"
#include "util/timeutil.h"
#include "util/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_timeline(struct cli *cli, int argc, char **argv)
{
    struct timeline_query q;
    timeline_query_init(&q);
    const char *const *given;
    int ngiven = cli_opt_all(cli, "run", &given);
    const char **runs = xcalloc((size_t)ngiven + 1, sizeof *runs);
    size_t nruns = 0;
    char *run_ns = NULL;
    int64_t now = time_now_ms();
    int rc = 0;
    q.lane = cli_opt(cli, "lane");
    for (int i = 0; i < ngiven; i++) {
        /* NAMESPACE/NAME is accepted like everywhere else */
        const char *slash = strchr(given[i], '/');
        if (slash && !run_ns) run_ns = xstrndup(given[i], (size_t)(slash - given[i]));
        runs[nruns++] = slash ? slash + 1 : given[i];
    }
    const char *since = cli_opt(cli, "since"), *until = cli_opt(cli, "until");
    if (since && time_parse_when(since, now, &q.since) < 0) {
        rc = cli_usage("timeline", "--since: '%s' is neither RFC 3339 nor a duration", since);
        goto out;
    }
    if (until && time_parse_when(until, now, &q.until) < 0) {
        rc = cli_usage("timeline", "--until: '%s' is neither RFC 3339 nor a duration", until);
        goto out;
    }
    if (argc > 1) {
        rc = cli_usage("timeline", "unexpected argument '%s'", argv[1]);
        goto out;
    }
    enum timeline_format fmt = TIMELINE_MD;
    if (cli->output && timeline_format_parse(cli->output, &fmt) < 0) {
        rc = cli_usage("timeline", "-o %s: use md, json or csv", cli->output);
        goto out;
    }
    if (q.since != TIME_NONE && q.until != TIME_NONE && q.since > q.until) {
        rc = cli_usage("timeline", "--since is after --until");
        goto out;
    }
    q.runs = runs;
    q.nruns = nruns;
    q.context = cli->context;
    q.ns = cli->all_namespaces ? NULL : cli->ns ? cli->ns : run_ns;

    char err[ERRLEN];
    struct store *s = store_open(cli->db, NULL, err, sizeof err);
    if (!s) {
        rc = cli_fail("%s", err);
        goto out;
    }
    struct timeline t;
    if (timeline_build(s, &q, &t, err, sizeof err) < 0) {
        store_close(s);
        rc = cli_fail("%s", err);
        goto out;
    }
    store_close(s);
    if (t.n == 0 && (q.lane || nruns)) {
        timeline_free(&t);
        if (q.lane)
            rc = cli_fail("no run of lane '%s' in the history cache%s (run `artriage sync` first)",
                          q.lane, q.since != TIME_NONE || q.until != TIME_NONE ? " in that window" : "");
        else
            rc = cli_fail("no run named '%s' in the history cache%s (run `artriage sync` first)",
                          runs[0], q.since != TIME_NONE || q.until != TIME_NONE ? " in that window" : "");
        goto out;
    }
    struct buf b = {0};
    timeline_render(&t, fmt, &b);
    fwrite(b.p ? b.p : "", 1, b.len, stdout);
    buf_free(&b);
    timeline_free(&t);
    if (fflush(stdout) != 0) rc = cli_fail("timeline: cannot write the output");
out:
    free(runs);
    free(run_ns);
    return rc;
}
