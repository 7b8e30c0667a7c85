/* cliruns — the run services with the CLI's options and voice (cliruns.h). */
#include "cliruns.h"
#include "runs/runclass.h"
#include "util/err.h"
#include <stdio.h>
#include <stdlib.h>

struct runs_opts cli_runs_opts(const struct cli *cli)
{
    return (struct runs_opts){.kubeconfig = cli->kubeconfig, .context = cli->context, .ns = cli->ns,
                              .db = cli->db, .rules_dir = cli->rules_dir, .offline = cli->offline};
}

void cli_rule_warnings(const struct buf *warnings)
{
    /* rule problems are reported, the rest of the rules still apply */
    if (warnings->len) fprintf(stderr, "artriage: warning: rule file problems:\n%.*s", (int)warnings->len, warnings->p);
}

void cli_runs_say(struct run_set *s)
{
    cli_rule_warnings(&s->rule_warnings);
    buf_reset(&s->rule_warnings);
    char **v;
    size_t n = runs_notes_take(&s->notes, &v);
    for (size_t i = 0; i < n; i++) {
        cli_note("%s", v[i]);
        free(v[i]);
    }
    free(v);
}

int cli_runs_load(const struct cli *cli, const struct runsrc_opts *o, struct run_set *set)
{
    struct runs_opts ro = cli_runs_opts(cli);
    char err[ERRLEN];
    int rc = runsrc_load(&ro, o, set, err, sizeof err);
    cli_runs_say(set);
    if (rc == 0) return 0;
    runsrc_free(set);
    return cli_fail("%s", err);
}

struct classify_rules *cli_rules_load(const struct cli *cli, bool quiet, char *err, size_t errlen)
{
    struct buf warn = {0};
    struct classify_rules *rs = runclass_load(cli->rules_dir, quiet ? NULL : &warn, err, errlen);
    cli_rule_warnings(&warn);
    buf_free(&warn);
    return rs;
}
