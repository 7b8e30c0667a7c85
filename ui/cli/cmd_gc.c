/* `artriage gc` — prune the history cache: runs (with their changes, pods
 * and logs), notes and rerun records older than the cut-off, then the log
 * size caps. */
#include "cli.h"
#include "store/store.h"
#include "util/err.h"
#include "util/timeutil.h"
#include <stdio.h>
#include <string.h>

int cmd_gc(struct cli *cli, int argc, char **argv)
{
    int64_t age = 90LL * 86400 * 1000;
    struct store_opts so;
    store_opts_default(&so);
    const char *max = cli_opt(cli, "max-log-bytes"), *older = cli_opt(cli, "older-than");
    if (max && (store_parse_size(max, &so.log_cap_total) < 0 || so.log_cap_total <= 0))
        return cli_usage("gc", "--max-log-bytes: '%s' is not a size such as 256M", max);
    if (older && (time_parse_duration(older, &age) < 0 || age <= 0))
        return cli_usage("gc", "--older-than: '%s' is not a duration such as 90d", older);
    if (argc > 1) return cli_usage("gc", "unexpected argument '%s'", argv[1]);
    char err[ERRLEN];
    struct store *s = store_open(cli->db, &so, err, sizeof err);
    if (!s) return cli_fail("%s", err);
    struct store_gc_stats st;
    int rc = store_gc(s, time_now_ms() - age, &st, err, sizeof err);
    store_close(s);
    if (rc < 0) return cli_fail("%s", err);
    printf("removed %lld runs, %lld pods, %lld logs, %lld notes, %lld rerun records; "
           "%.1f MiB of logs kept\n",
           (long long)st.runs, (long long)st.pods, (long long)st.logs, (long long)st.notes,
           (long long)st.reruns, (double)st.log_bytes / (1024.0 * 1024.0));
    return 0;
}
