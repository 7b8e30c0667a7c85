/* table — the ONE table of commands and options (cli.h). Adding an option
 * is one row here plus the command reading it with cli_opt(); the parser,
 * --help, the completion scripts, the man page and the docs/cli.md test
 * all read these rows. */
#include "cli.h"
#include "util/buf.h"
#include "util/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_list(struct cli *cli, int argc, char **argv);
int cmd_show(struct cli *cli, int argc, char **argv);
int cmd_logs(struct cli *cli, int argc, char **argv);
int cmd_classify(struct cli *cli, int argc, char **argv);
int cmd_sync(struct cli *cli, int argc, char **argv);
int cmd_timeline(struct cli *cli, int argc, char **argv);
int cmd_note_add(struct cli *cli, int argc, char **argv);
int cmd_note_list(struct cli *cli, int argc, char **argv);
int cmd_note_rm(struct cli *cli, int argc, char **argv);
int cmd_rerun(struct cli *cli, int argc, char **argv);
int cmd_gc(struct cli *cli, int argc, char **argv);
int cmd_view(struct cli *cli, int argc, char **argv);
int cmd_record(struct cli *cli, int argc, char **argv);
int cmd_status(struct cli *cli, int argc, char **argv);
int cmd_export(struct cli *cli, int argc, char **argv);
int cmd_completion(struct cli *cli, int argc, char **argv);
int cmd_complete_words(struct cli *cli, int argc, char **argv);
int cmd_man(struct cli *cli, int argc, char **argv);

#define END {0, 0, 0, 0, 0, 0, 0}
#define PHASES "Pending Running Succeeded Failed"

const struct cli_option cli_global_opts[] = {
    {"kubeconfig", 0, "PATH", "kubeconfig file(s); default $KUBECONFIG (colon-separated, merged), then ~/.kube/config", COMP_FILE, 0, 0},
    {"context", 0, "NAME", "kubeconfig context; default the current context (repeated: the console and record follow each)", COMP_CONTEXT, 0, 0},
    {"namespace", 'n', "NS", "namespace; default the context's namespace, else default", COMP_NAMESPACE, 0, 0},
    {"all-namespaces", 'A', NULL, "every namespace", COMP_NONE, 0, 0},
    {"db", 0, "PATH", "history cache; default $XDG_CACHE_HOME/artriage/history.db", COMP_FILE, 0, 0},
    {"offline", 0, NULL, "never contact the cluster; serve from the history cache", COMP_NONE, 0, 0},
    {"read-only", 0, NULL, "refuse every action that writes to the cluster (rerun)", COMP_NONE, 0, 0},
    {"no-color", 0, NULL, "no colours (also when NO_COLOR is set)", COMP_NONE, 0, 0},
    {"output", 'o', "FORMAT", "output format of the command (see the command's --help)", COMP_FORMAT, 0, 0},
    {"rules", 0, "DIR", "extra classifier rule files (*.rules) besides the shipped ones", COMP_DIR, 0, 0},
    {"refresh", 0, "DURATION", "console only: redraw at most this often (e.g. 2s) for very slow links", COMP_NONE, 0, 0},
    {"config", 0, "FILE", "config file; default $XDG_CONFIG_HOME/artriage/config.yaml (~/.config/...); the command line wins over it", COMP_FILE, 0, 0},
    {"help", 'h', NULL, "this help; after a command, the command's help", COMP_NONE, 0, 0},
    {"version", 0, NULL, "the version and the git revision it was built from", COMP_NONE, 0, 0},
    END,
};

const struct cli_command cli_commands[] = {
    {"list", cmd_list, NULL, "runs, newest first",
     "Lists the AgentRuns of the namespace (or of every namespace with -A), newest first: phase, "
     "lane and attempt, age, the failure class the classifier found and the pull request. The "
     "table is fitted to the terminal; -o json prints an array of run objects (docs/cli.md), -o yaml "
     "the same array as YAML, -o jsonpath=TEMPLATE kubectl's JSONPath over them as a list "
     "({.items[*].name}; filters are not supported). "
     "Served from the history cache with --offline, and then including runs deleted on the server.",
     "table|wide|name|json|yaml|jsonpath=TEMPLATE",
     (const struct cli_option[]){
         {"phase", 0, "P", "only runs in phase P", COMP_WORDS, PHASES, 0},
         {"lane", 0, "L", "only the attempts of lane L", COMP_LANE, 0, 0},
         {"since", 0, "T", "only runs created since T (RFC 3339, or a duration such as 2h)", COMP_NONE, 0, 0},
         {"selector", 'l', "SEL", "label selector as kubectl's (a=b,c!=d,e in (f,g)), sent to the API server", COMP_NONE, 0, 0},
         {"field-selector", 0, "SEL", "field selector as kubectl's (metadata.name=N,status.phase=Failed), sent to the API server", COMP_NONE, 0, 0},
         END},
     COMP_NONE, NULL,
     "artriage list\tthe runs of the current namespace\n"
     "artriage list -l app=bulk\tthe runs labelled app=bulk\n"
     "artriage -A list --phase Failed\tthe failed runs everywhere\n"
     "artriage list --since 2h -o json\tthe last two hours as JSON\n"
     "artriage list -o jsonpath='{range .items[*]}{.name}{\"\\n\"}{end}'\tone name a line\n",
     0},
    {"show", cmd_show, "RUN", "one run with its pods, containers, linkage and attempts",
     "Shows one run: its phase and conditions, its pods and containers (image, digest, state, exit "
     "code, restarts), its repository, branches and pull request, the classifier's cause, and every "
     "attempt of its lane. RUN is a run name in the selected namespace, or NAMESPACE/NAME. -o json, "
     "-o yaml and -o jsonpath=TEMPLATE (kubectl's JSONPath) print the same object.",
     "text|json|yaml|jsonpath=TEMPLATE", (const struct cli_option[]){END}, COMP_RUN, NULL,
     "artriage show torghut-v5-run-20260225d\nartriage show agents/torghut-v5-run-20260225d -o json\n"
     "artriage show torghut-v5-run-20260225d -o jsonpath='{.failure.class}'\tthe failure class alone\n", 0},
    {"logs", cmd_logs, "RUN...", "a run's container logs, or several runs' at once",
     "Prints a run's container log: by default the container the classifier blames, else the main "
     "one. On a terminal the log goes through the sanitiser (control sequences shown, not obeyed); "
     "in a pipe it is passed through as it is unless --sanitize is given. Logs of runs the server "
     "no longer has come from the history cache. A followed log (-f) that the connection drops is "
     "resumed from its last line's time, without a line lost or repeated. Several RUN arguments, or "
     "--lane L (every attempt of the lane), print the logs of all of them, each line prefixed with "
     "its run in its own colour, as stern does; with -f their lines are interleaved as they come. "
     "--since, --tail and --timestamps are kubectl's, sent to the API server; from the history "
     "cache --tail counts the cached lines and --since goes by each line's own time (a line without "
     "one takes the time of the nearest line above it that has one).",
     NULL,
     (const struct cli_option[]){
         {"container", 'c', "C", "the container's log instead of the blamed one", COMP_NONE, 0, 0},
         {"previous", 'p', NULL, "the previous (restarted) container's log", COMP_NONE, 0, 0},
         {"follow", 'f', NULL, "keep following the log until interrupted", COMP_NONE, 0, 0},
         {"sanitize", 0, NULL, "sanitise even when stdout is not a terminal", COMP_NONE, 0, 0},
         {"include", 0, "RE", "only lines matching RE (as stern's; smart case)", COMP_NONE, 0, 0},
         {"exclude", 0, "RE", "no lines matching RE (as stern's)", COMP_NONE, 0, 0},
         {"since", 0, "T", "only lines newer than a duration (10m) or since an RFC 3339 time", COMP_NONE, 0, 0},
         {"tail", 0, "N", "only the last N lines (then the new ones with -f); -1 all", COMP_NONE, 0, 0},
         {"timestamps", 0, NULL, "each line with its time (RFC 3339)", COMP_NONE, 0, 0},
         {"lane", 0, "L", "every attempt of lane L, oldest first (instead of RUN)", COMP_LANE, 0, 0},
         END},
     COMP_RUN, NULL,
     "artriage logs torghut-v5-run-20260225d\tone run's log\n"
     "artriage logs -f -c agent-runner RUN\tfollow a container\n"
     "artriage logs --lane torghut-v5-run -f --since 10m\tfollow every attempt of a lane\n"
     "artriage logs RUN1 RUN2 --tail 20 --timestamps\tthe last lines of two runs, with times\n", 0},
    {"classify", cmd_classify, "[FILE...|-]", "root cause of log files, stdin, or a run's logs",
     "Finds the root cause of a failure log: the decisive line, its failure class, the rule that "
     "matched and a hint; other findings are secondary. Reads FILE, stdin (- or no FILE), or with "
     "--run the run's logs joined with its status and pods (a failed run is set against its "
     "passing run). Several FILEs are classified one by one in one process: with -o json one "
     "object per line, each with its \"file\"; as text a \"==> FILE <==\" header before each. Without --outcome the outcome is "
     "unknown: the primary cause is null unless the log shows a failure that was not recovered "
     "from. Rules come from the installed data (share/artriage/rules), ARTRIAGE_RULES, and --rules.",
     "text|json",
     (const struct cli_option[]){
         {"run", 0, "RUN", "classify a run's logs, status and pods instead of a file", COMP_RUN, 0, 0},
         {"outcome", 0, "failed|succeeded|unknown", "what the run's outcome was", COMP_WORDS, "failed succeeded unknown", 0},
         {"explain", 0, NULL, "show which rules matched where, and why the primary won", COMP_NONE, 0, 0},
         {"baseline", 0, "PASS_LOG", "the log of a passing run of the same job: findings also in it are set aside and marked", COMP_FILE, 0, 0},
         END},
     COMP_FILE, NULL,
     "artriage classify build.log\tthe cause in a log file\n"
     "artriage classify fail.log --outcome failed --baseline pass.log\tlines new against the passing run first\n"
     "kubectl logs POD | artriage classify --outcome failed -o json\n"
     "artriage classify --run torghut-v5-run-20260225d --explain\n",
     0},
    {"sync", cmd_sync, NULL, "fill the history cache from the cluster",
     "Makes one full pass over the cluster and exits: the runs, their pods (container states, "
     "images, digests), the logs of terminated containers, classification and PR links go into the "
     "history cache. With --watch it keeps doing the same for every change until interrupted.",
     NULL,
     (const struct cli_option[]){
         {"watch", 'w', NULL, "keep following changes until interrupted", COMP_NONE, 0, 0},
         {"quiet", 'q', NULL, "no progress lines", COMP_NONE, 0, 0},
         END},
     COMP_NONE, NULL, "artriage sync\nartriage -A sync --watch\n", 0},
    {"record", cmd_record, "[--context NAME]... [-A | -n NS]", "record every named context into the history cache until stopped",
     "The recorder: follows every context named with --context (default: the current one) in one "
     "process and one loop, each with its own list+watch feed, all into one history cache: runs, "
     "pods, the logs of terminated containers before the Job TTL removes them, verdicts, PR links; "
     "each row carries its context. Each context reconnects on its own. A heartbeat in the cache "
     "names the recorder; a second record on the same cache refuses to start while it is fresh. "
     "SIGTERM/SIGINT finish the writes under way, close the cache and exit 0.",
     NULL,
     (const struct cli_option[]){
         {"quiet", 'q', NULL, "no progress lines", COMP_NONE, 0, 0},
         END},
     COMP_NONE, NULL,
     "artriage record --context prod --context staging -A\tone recorder for two clusters\n"
     "systemctl --user enable --now artriage-record\tthe same as a user service\n",
     0},
    {"status", cmd_status, NULL, "what the history cache holds per context, and its recorder",
     "Per context: the namespaces, runs (and how many were deleted on the server), pods, logs held, "
     "the last time the cluster answered and the connection state; and the recorder feeding the "
     "cache (pid, host, heartbeat), or none.",
     "text|json", (const struct cli_option[]){END}, COMP_NONE, NULL,
     "artriage status\nartriage status -o json\n", 0},
    {"export", cmd_export, NULL, "write an incident bundle (a standalone history cache)",
     "Writes the selected runs with their transitions, pods, logs, verdicts, PR links, reruns and "
     "the notes of their time window into a new history cache FILE (mode 0600; an existing file is "
     "never overwritten). Choose the runs with exactly one of --lane, --run (repeatable) or "
     "--since [--until]. --redact masks bearer tokens, passwords in URLs and e-mail addresses. The "
     "bundle opens anywhere with `artriage --db FILE --offline`.",
     NULL,
     (const struct cli_option[]){
         {"out", 0, "FILE", "the bundle to write (must not exist)", COMP_FILE, 0, 0},
         {"lane", 0, "L", "the attempts of lane L", COMP_LANE, 0, 0},
         {"run", 0, "NAME", "this run (repeatable)", COMP_RUN, 0, CLI_OPT_REPEAT},
         {"since", 0, "T", "runs active since T (RFC 3339 or a duration)", COMP_NONE, 0, 0},
         {"until", 0, "T", "runs active until T (with --since)", COMP_NONE, 0, 0},
         {"redact", 0, NULL, "mask bearer tokens, URL passwords and e-mail addresses", COMP_NONE, 0, 0},
         END},
     COMP_NONE, NULL,
     "artriage export --lane torghut-v5-run-20260225 --redact --out incident.db\n"
     "artriage --db incident.db --offline timeline --lane torghut-v5-run-20260225\n",
     0},
    {"timeline", cmd_timeline, NULL, "postmortem timeline from the history cache",
     "Prints the timeline of a lane, of some runs, or of everything in a time window, from the "
     "history cache: created, started, phase changes, the first cause, failures, successes, "
     "deletions, pull requests, reruns and notes, ordered by time. -o md gives the Markdown table "
     "of an incident report (Time (UTC) | Event); -o csv has a header row. Notes whose time lies "
     "between the first and the last event of the selected runs are included.",
     "md|json|csv",
     (const struct cli_option[]){
         {"lane", 0, "L", "the attempts of lane L", COMP_LANE, 0, 0},
         {"run", 0, "NAME", "this run (repeatable; NAMESPACE/NAME accepted)", COMP_RUN, 0, CLI_OPT_REPEAT},
         {"since", 0, "T", "events since T (RFC 3339 or a duration)", COMP_NONE, 0, 0},
         {"until", 0, "T", "events until T (RFC 3339 or a duration)", COMP_NONE, 0, 0},
         END},
     COMP_NONE, NULL,
     "artriage timeline --lane torghut-v5-run-20260225 > timeline.md\n"
     "artriage timeline --since 6h -o json\n",
     0},
    {"note add", cmd_note_add, "TEXT...", "add a timeline annotation",
     "Adds a note to the history cache at time T (default now), e.g. \"fix merged #3644\"; it shows "
     "in the timelines that span its time. The words of TEXT are joined by spaces; a word that "
     "starts with - goes after --.",
     NULL,
     (const struct cli_option[]){
         {"at", 0, "T", "the note's time (RFC 3339 or a duration ago)", COMP_NONE, 0, 0},
         END},
     COMP_NONE, NULL, "artriage note add --at 2026-02-25T10:02:00Z fix merged \\#3644\n", 0},
    {"note list", cmd_note_list, NULL, "list the notes",
     "Lists the notes of the history cache with their ids and times.", "text|json",
     (const struct cli_option[]){
         {"since", 0, "T", "notes since T", COMP_NONE, 0, 0},
         {"until", 0, "T", "notes until T", COMP_NONE, 0, 0},
         END},
     COMP_NONE, NULL, "artriage note list --since 1d\n", 0},
    {"note rm", cmd_note_rm, "ID", "remove a note",
     "Removes the note with this id (see note list).", NULL, (const struct cli_option[]){END},
     COMP_NONE, NULL, "artriage note rm 3\n", 0},
    {"rerun", cmd_rerun, "RUN", "create the next attempt of a run",
     "Creates the next attempt of a run: the same spec under the lane's next attempt name, with a "
     "new idempotency key. A server dry run comes first; on a terminal a confirmation, elsewhere "
     "--yes is needed. --image keep keeps a pinned spec.workload.image (the default), default drops "
     "it so that the controller's default applies, anything else sets that image. The rerun is "
     "recorded in the history cache; --read-only and --offline refuse it.",
     "text|json",
     (const struct cli_option[]){
         {"head", 0, "BRANCH", "the new attempt's head branch", COMP_NONE, 0, 0},
         {"name", 0, "NAME", "the new run's name instead of the next attempt's", COMP_NONE, 0, 0},
         {"image", 0, "keep|default|REF", "keep the pinned image, drop it for the controller's default, or set REF", COMP_WORDS, "keep default", 0},
         {"dry-run", 0, NULL, "only the server dry run; nothing is created", COMP_NONE, 0, 0},
         {"yes", 'y', NULL, "create without asking", COMP_NONE, 0, 0},
         END},
     COMP_RUN, NULL,
     "artriage rerun torghut-v5-run-20260225d --dry-run\n"
     "artriage rerun torghut-v5-run-20260225d --image default --yes\n",
     0},
    {"gc", cmd_gc, NULL, "prune the history cache",
     "Removes runs (with their changes, pods and logs), notes and rerun records older than the "
     "cut-off, then applies the log size caps (also from ARTRIAGE_LOG_CAP_RUN and "
     "ARTRIAGE_LOG_CAP_TOTAL).",
     NULL,
     (const struct cli_option[]){
         {"older-than", 0, "DURATION", "the cut-off age (default 90d)", COMP_NONE, 0, 0},
         {"max-log-bytes", 0, "SIZE", "cap the logs kept in total (e.g. 256M)", COMP_NONE, 0, 0},
         END},
     COMP_NONE, NULL, "artriage gc --older-than 30d\n", 0},
    {"view", cmd_view, "FILE", "page a log file with the classifier's findings inline",
     "Opens the console's log view on a file: the classifier's findings marked, ] and [ to go "
     "from one to the next, search and filter as in the console.",
     NULL, (const struct cli_option[]){END}, COMP_FILE, NULL, "artriage view build.log\n", 0},
    {"completion", cmd_completion, "bash|zsh", "print a shell completion script",
     "Prints a completion script for bash or zsh: commands, options, contexts from the "
     "kubeconfig, namespaces and run names from the history cache. The installed package puts "
     "them where bash-completion and zsh find them.",
     NULL, (const struct cli_option[]){END}, COMP_WORDS, "bash zsh",
     "source <(artriage completion bash)\tcomplete in this shell\n"
     "artriage completion zsh > ~/.zfunc/_artriage\n",
     CLI_CMD_NO_CONFIG},
    /* hidden: the completion scripts' source of candidates; the man page generator (build) */
    {"__complete", cmd_complete_words, "WORD...", "completion candidates for the last WORD", "", NULL,
     (const struct cli_option[]){END}, COMP_NONE, NULL, "", CLI_CMD_HIDDEN},
    {"__man", cmd_man, "TEMPLATE", "the man page from its template", "", NULL,
     (const struct cli_option[]){END}, COMP_FILE, NULL, "", CLI_CMD_HIDDEN},
    {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
};

const struct cli_command *cli_find_command(const char *name)
{
    for (const struct cli_command *c = cli_commands; c->name; c++)
        if (strcmp(c->name, name) == 0) return c;
    return NULL;
}

static void put_opt_synopsis(struct buf *b, const struct cli_option *o)
{
    if (o->arg) buf_printf(b, " [--%s %s]", o->lng, o->arg);
    else buf_printf(b, " [--%s]", o->lng);
    if (o->flags & CLI_OPT_REPEAT) buf_puts(b, "...");
}

char *cli_synopsis(const struct cli_command *c)
{
    struct buf b = {0};
    buf_puts(&b, c->name);
    if (c->args) buf_printf(&b, " %s", c->args);
    for (const struct cli_option *o = c->opts; o->lng; o++)
        if (!(o->flags & CLI_OPT_HIDDEN)) put_opt_synopsis(&b, o);
    if (c->formats) buf_printf(&b, " [-o %s]", c->formats);
    return buf_detach(&b);
}

/* "  -c, --container C" padded to the help column */
static void print_opt(FILE *f, const struct cli_option *o)
{
    char head[64];
    if (o->shrt)
        snprintf(head, sizeof head, "-%c, --%s%s%s", o->shrt, o->lng, o->arg ? " " : "", o->arg ? o->arg : "");
    else
        snprintf(head, sizeof head, "    --%s%s%s", o->lng, o->arg ? " " : "", o->arg ? o->arg : "");
    fprintf(f, "  %-26s %s\n", head, o->help);
}

/* Paragraph text wrapped at 78 columns with an indent. */
static void print_wrapped(FILE *f, const char *s, int indent)
{
    int col = 0;
    while (*s) {
        while (*s == ' ') s++;
        size_t w = strcspn(s, " ");
        if (!w) break;
        if (col > 0 && col + 1 + (int)w > 78) {
            fputc('\n', f);
            col = 0;
        }
        if (col == 0) col = fprintf(f, "%*s", indent, "");
        else col += fprintf(f, " ");
        col += fprintf(f, "%.*s", (int)w, s);
        s += w;
    }
    if (col) fputc('\n', f);
}

static void print_examples(FILE *f, const char *progname, const char *ex)
{
    while (ex && *ex) {
        size_t n = strcspn(ex, "\n");
        const char *tab = memchr(ex, '\t', n);
        size_t cmd = tab ? (size_t)(tab - ex) : n;
        /* "artriage ..." in the table; a kubectl plugin shows "kubectl artriage ..." */
        const char *p = ex;
        if (strncmp(p, "artriage", 8) == 0 && cmd >= 8) {
            fputs("  ", f);
            fputs(progname, f);
            fprintf(f, "%.*s\n", (int)(cmd - 8), p + 8);
        } else {
            fprintf(f, "  %.*s\n", (int)cmd, p);
        }
        if (tab) fprintf(f, "      %.*s\n", (int)(n - cmd - 1), tab + 1);
        ex += n;
        if (*ex == '\n') ex++;
    }
}

static bool in_group(const struct cli_command *c, const char *name)
{
    size_t n = strlen(name);
    return strcmp(c->name, name) == 0 || (strncmp(c->name, name, n) == 0 && c->name[n] == ' ');
}

void cli_print_command_help(FILE *f, const char *progname, const char *name)
{
    bool first = true;
    for (const struct cli_command *c = cli_commands; c->name; c++) {
        if (!in_group(c, name)) continue;
        if (!first) fputc('\n', f);
        first = false;
        char *syn = cli_synopsis(c);
        fprintf(f, "usage: %s %s\n\n", progname, syn);
        free(syn);
        if (*c->description) {
            print_wrapped(f, c->description, 0);
        } else {
            char *desc = xasprintf("%s.", c->summary);
            desc[0] = (char)(desc[0] >= 'a' && desc[0] <= 'z' ? desc[0] - 32 : desc[0]);
            print_wrapped(f, desc, 0);
            free(desc);
        }
        bool any = c->formats != NULL;
        for (const struct cli_option *o = c->opts; o->lng; o++) any |= !(o->flags & CLI_OPT_HIDDEN);
        if (any) {
            fputs("\nOptions:\n", f);
            for (const struct cli_option *o = c->opts; o->lng; o++)
                if (!(o->flags & CLI_OPT_HIDDEN)) print_opt(f, o);
            if (c->formats) {
                char *h = xasprintf("output format: %s (default %.*s)", c->formats,
                                    (int)strcspn(c->formats, "|"), c->formats);
                struct cli_option o = {"output", 'o', "FORMAT", h, COMP_FORMAT, 0, 0};
                print_opt(f, &o);
                free(h);
            }
        }
        if (c->examples && *c->examples) {
            fputs("\nExamples:\n", f);
            print_examples(f, progname, c->examples);
        }
    }
    fprintf(f, "\nGlobal options (before or after the command) are listed by '%s --help'.\n", progname);
}

void cli_print_help(FILE *f, const char *progname)
{
    fprintf(f, "usage: %s [global options] [command] [command options]\n"
               "\nWith no command, opens the interactive console.\n\nCommands:\n", progname);
    for (const struct cli_command *c = cli_commands; c->name; c++) {
        if (c->flags & CLI_CMD_HIDDEN) continue;
        char *syn = cli_synopsis(c);
        fprintf(f, "  %s\n      %s\n", syn, c->summary);
        free(syn);
    }
    fputs("\nGlobal options (before or after the command):\n", f);
    for (const struct cli_option *o = cli_global_opts; o->lng; o++) print_opt(f, o);
    fprintf(f, "\nExit status: 0 success, 1 failure (one line on stderr), 2 bad usage.\n"
               "'%s COMMAND --help' shows a command's options and examples; man artriage has the rest.\n",
            progname);
}
