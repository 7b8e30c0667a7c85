/* cliruns — the CLI's side of the run services (src/runs/): their options
 * from the parsed command line, and what they hand back (notes, rule-file
 * warnings) said the CLI's way: notes through cli_note (held until the
 * command ends), rule-file problems on stderr as a warning block. Nothing
 * here owns memory beyond a call. */
#ifndef ARTRIAGE_CLI_CLIRUNS_H
#define ARTRIAGE_CLI_CLIRUNS_H
#include <stdbool.h>
#include <stddef.h>
#include "cli.h"
#include "runs/runs.h"
#include "runs/runsrc.h"
#include "util/buf.h"

/* The run services' options from the global options (strings borrowed
 * from cli). */
struct runs_opts cli_runs_opts(const struct cli *cli);
/* Says the set's notes and rule warnings, and forgets them (each said once
 * however often this is called). */
void cli_runs_say(struct run_set *s);
/* runsrc_load with the global options, its notes and warnings said (even
 * before a failure, so that the failure's line carries them). 0, or the
 * set freed (runsrc_free: freeing it again is harmless) and cli_fail's
 * code. */
int cli_runs_load(const struct cli *cli, const struct runsrc_opts *o, struct run_set *set);
/* Rule-file problems (runclass_load's warnings) on stderr, unless empty. */
void cli_rule_warnings(const struct buf *warnings);
/* runclass_load with the --rules directory; its warnings said on stderr
 * unless quiet. The caller frees the rules (classify_rules_free). */
struct classify_rules *cli_rules_load(const struct cli *cli, bool quiet, char *err, size_t errlen);
#endif
