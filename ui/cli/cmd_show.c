/* show — one run with pods, containers, linkage and attempts (docs/cli.md).
 * Its failure and PR are settled by runsrc_settle, the function list uses
 * too (the log, then GitHub by head branch when GITHUB_TOKEN is set). */
#include "cli.h"
#include "cliruns.h"
#include "output.h"
#include "kube/names.h"
#include "model/github.h"
#include "model/runview.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/sanitize.h"
#include "util/timeutil.h"
#include "util/xalloc.h"
#include "util/jsonutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


int cmd_show(struct cli *cli, int argc, char **argv)
{
    if (argc < 2) return cli_usage("show", "which run? (RUN or NAMESPACE/NAME)");
    if (argc > 2) return cli_usage("show", "unexpected argument '%s'", argv[2]);
    const char *run = argv[1];
    struct cli_output out;
    int orc = cli_output_parse("show", cli->output, "text", "text", "text, json, yaml or jsonpath=TEMPLATE", &out);
    if (orc) return orc;
    bool machine = out.kind != OUT_OTHER;

    char *ns = NULL;
    const char *slash = strchr(run, '/');
    if (slash) ns = xstrndup(run, (size_t)(slash - run));
    if (!*run || (slash && (!slash[1] || slash == run))) {
        free(ns);
        cli_output_free(&out);
        return cli_usage("show", "'%s' is not RUN or NAMESPACE/NAME", run);
    }
    char nerr[ERRLEN];
    if (kube_check_run_ref(run, nerr, sizeof nerr) < 0) {
        free(ns);
        cli_output_free(&out);
        return cli_usage("show", "%s", nerr);
    }
    struct runsrc_opts o = {.with_pods = true, .with_deleted = true, .ns = ns};
    struct run_set set;
    int lrc = cli_runs_load(cli, &o, &set);
    if (lrc != 0) {
        free(ns);
        cli_output_free(&out);
        return lrc;
    }
    free(ns);
    struct run_view *v = runsrc_find(&set, run);
    if (!v) {
        char *s = sanitize_str(run, 0);
        char *n = sanitize_str(set.ns ? set.ns : "any namespace", 0);
        char *c = sanitize_str(set.context ? set.context : "", 0);
        int rc = cli_fail("AgentRun '%s' not found in %s%s%s%s", s, set.ns ? "namespace " : "", n,
                          *c ? " of context " : "", c);
        free(s);
        free(n);
        free(c);
        runsrc_free(&set);
        cli_output_free(&out);
        return rc;
    }
    runsrc_settle(&set, v, true);
    cli_runs_say(&set);

    size_t nlane = 0;
    const struct run_view **lane = runsrc_lane(&set, v, &nlane);
    struct attempt_set as = {lane, nlane};
    int rc = 0;
    if (machine) {
        cJSON *j = run_show_json(v, set.pods, set.npods, &as);
        struct buf b = {0};
        rc = cli_output_render(&out, j, true, &b);
        fwrite(b.p ? b.p : "", 1, b.len, stdout);
        buf_free(&b);
        cJSON_Delete(j);
    } else {
        struct buf b = {0};
        run_show_text(&b, v, set.pods, set.npods, &as, time_now_ms());
        fwrite(b.p, 1, b.len, stdout);
        buf_free(&b);
    }
    free(lane);
    if (fflush(stdout) != 0) rc = cli_fail("cannot write the output");
    runsrc_free(&set);
    cli_output_free(&out);
    return rc;
}
