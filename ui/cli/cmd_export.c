/* `artriage export --out FILE (--lane L | --run NAME... | --since T
 * [--until T]) [--redact]` — an incident bundle: a standalone history
 * cache of just those runs (with their changes, pods, logs, verdicts, PR
 * links, reruns and the notes of their window), opened elsewhere with
 * `artriage --db FILE --offline`. Reads the cache only; --context limits
 * the runs to one context. */
#include "cli.h"
#include "store/store.h"
#include "util/err.h"
#include "util/sanitize.h"
#include "util/timeutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_export(struct cli *cli, int argc, char **argv)
{
    struct store_export_opts eo = {.since = TIME_NONE, .until = TIME_NONE};
    const char *out = cli_opt(cli, "out");
    eo.lane = cli_opt(cli, "lane");
    eo.redact = cli_flag(cli, "redact");
    const char *const *given = NULL;
    int ngiven = cli_opt_all(cli, "run", &given);
    /* --run a b c: the names after --run count too */
    const char **names = calloc((size_t)ngiven + (size_t)argc + 1, sizeof *names);
    if (!names) return cli_fail("out of memory");
    size_t nnames = 0;
    for (int i = 0; i < ngiven; i++) names[nnames++] = given[i];
    int64_t now = time_now_ms();
    int rc = 2;
    const char *since = cli_opt(cli, "since"), *until = cli_opt(cli, "until");
    const char *bad = since && time_parse_when(since, now, &eo.since) < 0   ? since
                      : until && time_parse_when(until, now, &eo.until) < 0 ? until
                                                                             : NULL;
    if (bad) {
        rc = cli_usage("export", "'%s' is neither RFC 3339 nor a duration", bad);
        goto done;
    }
    for (int i = 1; i < argc; i++) {
        if (!nnames) {
            rc = cli_usage("export", "unexpected argument '%s'", argv[i]);
            goto done;
        }
        names[nnames++] = argv[i];
    }
    if (!out) {
        rc = cli_usage("export", "--out FILE is required");
        goto done;
    }
    int kinds = (eo.lane != NULL) + (nnames > 0) + (eo.since != TIME_NONE || eo.until != TIME_NONE);
    if (kinds != 1) {
        rc = cli_usage("export", "choose the runs with exactly one of --lane, --run, --since/--until");
        goto done;
    }
    if (eo.until != TIME_NONE && eo.since == TIME_NONE) {
        rc = cli_usage("export", "--until needs --since");
        goto done;
    }
    eo.names = names;
    eo.nnames = nnames;
    eo.context = cli->context;
    char err[ERRLEN];
    struct store_opts so;
    store_opts_default(&so);
    struct store *s = store_open(cli->db, &so, err, sizeof err);
    if (!s) {
        rc = cli_fail("%s", err);
        goto done;
    }
    struct store_export_stats st;
    if (store_export(s, out, &eo, &st, err, sizeof err) < 0) {
        rc = cli_fail("%s", err);
        store_close(s);
        goto done;
    }
    store_close(s);
    char *p = sanitize_str(out, 0);
    printf("exported %lld runs (%lld changes, %lld pods, %lld logs, %lld verdicts, %lld PR links, "
           "%lld reruns, %lld notes) to %s",
           (long long)st.runs, (long long)st.changes, (long long)st.pods, (long long)st.logs,
           (long long)st.classifications, (long long)st.prs, (long long)st.reruns,
           (long long)st.notes, p);
    if (eo.redact) printf("; %lld secrets masked", (long long)st.masked);
    printf("\n");
    free(p);
    rc = 0;
done:
    free(names);
    return rc;
}
