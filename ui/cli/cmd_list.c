/* list — runs, newest first (docs/cli.md): a table fitted to the terminal, or
 * the JSON array of "A run" objects (also as YAML, or through a kubectl
 * JSONPath template, output.h). One AgentRun list and one pod list
 * (by the agent-run label) per call; failure classes and PR links come
 * from the history cache, else from the runs' logs as show reads them
 * (runsrc_settle), so list and show agree on a cold cache too. */
#include "cli.h"
#include "cliruns.h"
#include "output.h"
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
#include <sys/ioctl.h>
#include <unistd.h>

static int term_width(void)
{
    if (!isatty(1)) return 0;
    struct winsize ws;
    if (ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
    const char *c = getenv("COLUMNS");
    return c && atoi(c) > 0 ? atoi(c) : 80;
}

int cmd_list(struct cli *cli, int argc, char **argv)
{
    struct run_filter f = {cli_opt(cli, "phase"), cli_opt(cli, "lane"), TIME_NONE};
    const char *since = cli_opt(cli, "since");
    if (since && time_parse_when(since, time_now_ms(), &f.since) != 0)
        return cli_usage("list", "--since '%s' is neither RFC 3339 nor a duration like 2h", since);
    if (f.phase && !run_phase_known(f.phase))
        return cli_usage("list", "--phase '%s' is not a phase (Pending, Running, Succeeded, Failed, "
                         "Cancelled, Template)", f.phase);
    if (argc > 1) return cli_usage("list", "unexpected argument '%s'", argv[1]);
    struct cli_output out;
    int orc = cli_output_parse("list", cli->output, "table", "table wide name",
                               "table, wide, name, json, yaml or jsonpath=TEMPLATE", &out);
    if (orc) return orc;
    bool json = out.kind == OUT_JSON, name = strcmp(out.name, "name") == 0, wide = strcmp(out.name, "wide") == 0;

    struct runsrc_opts o = {.all_namespaces = cli->all_namespaces, .with_pods = true, .with_deleted = true,
                            .label_selector = cli_opt(cli, "selector"),
                            .field_selector = cli_opt(cli, "field-selector")};
    struct run_set set;
    int lrc = cli_runs_load(cli, &o, &set);
    if (lrc != 0) {
        cli_output_free(&out);
        return lrc;
    }
    const struct run_view **sel = xcalloc(set.n + 1, sizeof *sel);
    size_t n = 0;
    for (size_t i = 0; i < set.n; i++)
        if (run_view_match(&set.views[i], &f)) sel[n++] = &set.views[i];
    qsort(sel, n, sizeof *sel, run_view_cmp_newest);
    /* what show would say about runs the cache has no verdict on yet */
    runsrc_settle_unknown(&set, sel, n);
    cli_runs_say(&set);

    int rc = 0;
    if (json) {
        /* Printed one object at a time: 5,000 runs need no giant tree. */
        struct buf b = {0};
        buf_puts(&b, "[");
        for (size_t i = 0; i < n; i++) {
            cJSON *j = run_view_json(sel[i]);
            char *s = json_print_safe(j, 0);
            buf_puts(&b, i ? ",\n" : "\n");
            buf_puts(&b, s);
            free(s);
            cJSON_Delete(j);
            if (b.len > (1u << 20)) {
                fwrite(b.p, 1, b.len, stdout);
                buf_reset(&b);
            }
        }
        buf_puts(&b, n ? "\n]\n" : "]\n");
        fwrite(b.p, 1, b.len, stdout);
        buf_free(&b);
    } else if (out.kind != OUT_OTHER) {
        /* yaml: the same array as json; jsonpath: as kubectl sees a list,
         * so that {.items[*].name} and {range .items[*]} work */
        cJSON *arr = cJSON_CreateArray();
        for (size_t i = 0; i < n; i++) cJSON_AddItemToArray(arr, run_view_json(sel[i]));
        cJSON *root = arr;
        if (out.kind == OUT_JSONPATH) {
            root = cJSON_CreateObject();
            cJSON_AddStringToObject(root, "apiVersion", "v1");
            cJSON_AddItemToObject(root, "items", arr);
            cJSON_AddStringToObject(root, "kind", "List");
        }
        struct buf b = {0};
        rc = cli_output_render(&out, root, true, &b);
        fwrite(b.p ? b.p : "", 1, b.len, stdout);
        buf_free(&b);
        cJSON_Delete(root);
    } else if (name) {
        /* as kubectl get -o name: one resource/name a line */
        for (size_t i = 0; i < n; i++) {
            char *nm = sanitize_str(sel[i]->run.name, 0);
            printf("agentrun.agents.proompteng.ai/%s\n", nm);
            free(nm);
        }
    } else {
        struct buf b = {0};
        unsigned flags = 0;
        if (!set.ns) flags |= RUN_TABLE_NAMESPACE;
        if (n == 0) {
            fprintf(stderr, "artriage: no runs%s%s\n", set.ns ? " in namespace " : "", set.ns ? set.ns : "");
        } else {
            /* wide: every column, nothing cut to the terminal */
            run_table_render(&b, sel, n, wide ? 0 : term_width(), flags, time_now_ms());
            fwrite(b.p, 1, b.len, stdout);
        }
        buf_free(&b);
    }
    if (fflush(stdout) != 0) rc = cli_fail("cannot write the output");
    free(sel);
    runsrc_free(&set);
    cli_output_free(&out);
    return rc;
}
