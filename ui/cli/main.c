/* artriage entry point: options through getopt_long from the one table
 * (table.c), then dispatch to the command, or to the console when no
 * command is given. */
#include "cli.h"
#include "config/config.h"
#include "kube/client.h"
#include "kube/names.h"
#include "util/err.h"
#include "util/buf.h"
#include "util/sanitize.h"
#include "util/xalloc.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <getopt.h>
#include <libgen.h>

/* Longest message line printed (a Status message may be megabytes): longer
 * ones keep their start and end. */
#define CLI_LINE_MAX 1000
#define CLI_MAX_NOTES 8

static char *notes[CLI_MAX_NOTES];
static size_t nnotes;

/* "artriage: " + msg as ONE terminal-safe line: messages quote cluster and
 * kubeconfig strings, whose control bytes and newlines are shown as text. */
static void print_line(const char *msg)
{
    struct buf b = {0};
    sanitize_append(&b, msg, strlen(msg), 0);
    if (b.len > CLI_LINE_MAX) {
        /* keep both ends: a huge name in the middle must not push the file
         * or server named at the end out of the line */
        size_t head = CLI_LINE_MAX * 2 / 3, tail = b.len - CLI_LINE_MAX / 3;
        while (head > 0 && ((unsigned char)b.p[head] & 0xC0) == 0x80) head--; /* whole characters */
        while (tail < b.len && ((unsigned char)b.p[tail] & 0xC0) == 0x80) tail++;
        fprintf(stderr, "artriage: %.*s...%.*s\n", (int)head, b.p, (int)(b.len - tail), b.p + tail);
    } else {
        fprintf(stderr, "artriage: %.*s\n", (int)b.len, b.p ? b.p : "");
    }
    buf_free(&b);
}

static void notes_drop(void)
{
    for (size_t i = 0; i < nnotes; i++) free(notes[i]);
    nnotes = 0;
}

void cli_note(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *m = xvasprintf(fmt, ap);
    va_end(ap);
    if (nnotes == CLI_MAX_NOTES) {
        free(m);
        return;
    }
    notes[nnotes++] = m;
}

void cli_notes_flush(void)
{
    for (size_t i = 0; i < nnotes; i++) {
        char *line = xasprintf("note: %s", notes[i]);
        print_line(line);
        free(line);
    }
    notes_drop();
}

void cli_client_notices(const struct kube_client *c)
{
    if (kube_client_notice_plain_http(c)) cli_note("%s", kube_client_notice_plain_http(c));
    if (kube_client_notice_insecure(c)) cli_note("%s", kube_client_notice_insecure(c));
}

int cli_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *m = xvasprintf(fmt, ap);
    va_end(ap);
    if (nnotes) {
        /* the one line of a failure carries what went wrong before it */
        char *with = xasprintf("%s (after: %s)", m, notes[0]);
        free(m);
        m = with;
    }
    notes_drop();
    print_line(m);
    free(m);
    return 1;
}

/* The program's name in usage lines: "kubectl artriage" when run as the
 * kubectl plugin (a kubectl-artriage link). */
static const char *progname = "artriage";

static bool group_has(const char *group, const struct cli_command *c)
{
    size_t n = strlen(group);
    return strncmp(c->name, group, n) == 0 && c->name[n] == ' ';
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *m = xvasprintf(fmt, ap);
    va_end(ap);
    print_line(m);
    free(m);
    if (!cmd) {
        fprintf(stderr, "see '%s --help'\n", progname);
        return 2;
    }
    for (const struct cli_command *c = cli_commands; c->name; c++) {
        if (strcmp(c->name, cmd) != 0 && !group_has(cmd, c)) continue;
        char *syn = cli_synopsis(c);
        fprintf(stderr, "usage: %s %s\n", progname, syn);
        free(syn);
    }
    fprintf(stderr, "see '%s %s --help'\n", progname, cmd);
    return 2;
}

static const struct cli_option *find_opt(const struct cli_option *t, const char *lng, int *idx)
{
    for (int i = 0; t && t[i].lng; i++)
        if (strcmp(t[i].lng, lng) == 0) {
            if (idx) *idx = i;
            return &t[i];
        }
    return NULL;
}

static struct cli_optval *optval(const struct cli *cli, const char *lng)
{
    int i;
    if (!cli->cmd || !find_opt(cli->cmd->opts, lng, &i)) {
        /* a command asking for an option its row lacks: the table and the
         * code drifted apart, which the tests must catch at once */
        fprintf(stderr, "artriage: internal error: option --%s is not in the table of '%s'\n", lng,
                cli->cmd ? cli->cmd->name : "(none)");
        abort();
    }
    return &cli->optv[i];
}

const char *cli_opt(const struct cli *cli, const char *lng)
{
    struct cli_optval *v = optval(cli, lng);
    return v->n && v->all ? v->all[v->n - 1] : NULL;
}

bool cli_flag(const struct cli *cli, const char *lng)
{
    return optval(cli, lng)->n > 0;
}

int cli_opt_all(const struct cli *cli, const char *lng, const char *const **vals)
{
    struct cli_optval *v = optval(cli, lng);
    *vals = v->all;
    return v->all ? v->n : 0;
}

/* getopt_long's tables for the global options followed by `cmd`'s own (cmd
 * NULL: the global ones alone). A long option's val is 256 + its index in
 * that order; a short one's val its letter. */
struct optset {
    struct option *lo;
    const struct cli_option **row; /* by index */
    int n, nglobal;
    char shorts[128];
};

static void optset_build(struct optset *s, const struct cli_command *cmd, const char *prefix)
{
    int ng = 0, nc = 0;
    while (cli_global_opts[ng].lng) ng++;
    while (cmd && cmd->opts[nc].lng) nc++;
    s->n = ng + nc;
    s->nglobal = ng;
    s->lo = xcalloc((size_t)s->n + 1, sizeof *s->lo);
    s->row = xcalloc((size_t)s->n, sizeof *s->row);
    size_t sl = strlen(prefix);
    memcpy(s->shorts, prefix, sl);
    for (int i = 0; i < s->n; i++) {
        const struct cli_option *o = i < ng ? &cli_global_opts[i] : &cmd->opts[i - ng];
        s->row[i] = o;
        s->lo[i] = (struct option){o->lng, o->arg ? required_argument : no_argument, NULL, 256 + i};
        if (o->shrt && sl + 3 < sizeof s->shorts) {
            s->shorts[sl++] = o->shrt;
            if (o->arg) s->shorts[sl++] = ':';
        }
    }
    s->shorts[sl] = 0;
}

static void optset_free(struct optset *s)
{
    free(s->lo);
    free(s->row);
}

/* The row index of getopt's answer ch, -1 if none. */
static int optset_index(const struct optset *s, int ch)
{
    if (ch >= 256 && ch < 256 + s->n) return ch - 256;
    for (int i = 0; i < s->n; i++)
        if (s->row[i]->shrt && s->row[i]->shrt == ch) return i;
    return -1;
}

enum { GLOBAL_OK, GLOBAL_HELP, GLOBAL_VERSION };

static int set_global(struct cli *cli, const char *lng, const char *val)
{
    static const struct {
        const char *lng;
        size_t off;
    } strs[] = {
        {"kubeconfig", offsetof(struct cli, kubeconfig)}, {"context", offsetof(struct cli, context)},
        {"namespace", offsetof(struct cli, ns)},          {"db", offsetof(struct cli, db)},
        {"output", offsetof(struct cli, output)},         {"refresh", offsetof(struct cli, refresh)},
        {"rules", offsetof(struct cli, rules_dir)},       {"config", offsetof(struct cli, config)},
    };
    static const struct {
        const char *lng;
        size_t off;
    } flags[] = {
        {"all-namespaces", offsetof(struct cli, all_namespaces)}, {"offline", offsetof(struct cli, offline)},
        {"read-only", offsetof(struct cli, read_only)},           {"no-color", offsetof(struct cli, no_color)},
    };
    if (strcmp(lng, "help") == 0) return GLOBAL_HELP;
    if (strcmp(lng, "version") == 0) return GLOBAL_VERSION;
    for (size_t k = 0; k < sizeof strs / sizeof strs[0]; k++)
        if (strcmp(lng, strs[k].lng) == 0) {
            *(const char **)((char *)cli + strs[k].off) = val;
            /* every --context, in order: record follows each (sized argc in main) */
            if (strs[k].off == offsetof(struct cli, context)) cli->contexts[cli->ncontexts++] = val;
            return GLOBAL_OK;
        }
    for (size_t k = 0; k < sizeof flags / sizeof flags[0]; k++)
        if (strcmp(lng, flags[k].lng) == 0) {
            *(bool *)((char *)cli + flags[k].off) = true;
            return GLOBAL_OK;
        }
    fprintf(stderr, "artriage: internal error: global option --%s has no field\n", lng);
    abort();
}

static void print_version(void)
{
    printf("artriage %s (%s)\n", ARTRIAGE_VERSION, ARTRIAGE_REVISION);
}

/* getopt's complaint for answer ch as one usage line; 2. */
static int bad_option(const char *cmd, int ch, char **argv)
{
    const char *a = optind > 0 ? argv[optind - 1] : "?";
    if (ch == ':') {
        if (optopt && optopt < 256) return cli_usage(cmd, "option '-%c' needs a value", optopt);
        return cli_usage(cmd, "option '%s' needs a value", a);
    }
    if (optopt && optopt < 256) return cli_usage(cmd, "unknown option '-%c'", optopt);
    return cli_usage(cmd, "unknown option '%s'", a);
}

/* Parses argv; on a command fills cli->cmd, cli->optv and the positional
 * arguments pos (pos[0] = the command's name). Returns -1 to go on, else
 * the exit status (help, version, bad usage). */
static int parse(struct cli *cli, int argc, char **argv, char **pos, int *npos)
{
    *npos = 0;
    /* 1: global options up to the command's name */
    struct optset g;
    optset_build(&g, NULL, "+:");
    optind = 0;
    opterr = 0;
    int ch, rc = -1;
    while (rc < 0 && (ch = getopt_long(argc, argv, g.shorts, g.lo, NULL)) != -1) {
        int i = optset_index(&g, ch);
        if (i < 0) {
            rc = bad_option(NULL, ch, argv);
            break;
        }
        int r = set_global(cli, g.row[i]->lng, optarg);
        if (r == GLOBAL_HELP) {
            cli_print_help(stdout, progname);
            rc = 0;
        } else if (r == GLOBAL_VERSION) {
            print_version();
            rc = 0;
        }
    }
    optset_free(&g);
    if (rc >= 0 || optind >= argc) return rc;

    /* the command: a name, or a group and its sub-command ("note add") */
    const char *word = argv[optind++];
    const struct cli_command *cmd = cli_find_command(word);
    if (!cmd) {
        bool group = false;
        for (const struct cli_command *c = cli_commands; c->name; c++) group |= group_has(word, c);
        if (!group) return cli_usage(NULL, "unknown command '%s'", word);
        const char *sub = optind < argc ? argv[optind] : NULL;
        if (sub && (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0)) {
            cli_print_command_help(stdout, progname, word);
            return 0;
        }
        struct buf subs = {0};
        for (const struct cli_command *c = cli_commands; c->name; c++)
            if (group_has(word, c)) buf_printf(&subs, "%s%s", subs.len ? ", " : "", c->name + strlen(word) + 1);
        if (sub) {
            char *full = xasprintf("%s %s", word, sub);
            cmd = cli_find_command(full);
            free(full);
        }
        if (!cmd) {
            if (sub) rc = cli_usage(word, "unknown %s command '%s' (%s)", word, sub, subs.p);
            else rc = cli_usage(word, "which %s command: %s?", word, subs.p);
            buf_free(&subs);
            return rc;
        }
        buf_free(&subs);
        optind++;
    }

    /* 2: the command's options and the global ones, anywhere after it */
    int nargs = argc - optind + 1;
    char **av = xcalloc((size_t)nargs + 1, sizeof *av);
    av[0] = (char *)cmd->name;
    memcpy(av + 1, argv + optind, (size_t)(nargs - 1) * sizeof *av);
    struct optset s;
    optset_build(&s, cmd, ":");
    cli->cmd = cmd;
    cli->optv = xcalloc((size_t)(s.n - s.nglobal) + 1, sizeof *cli->optv);
    optind = 0;
    while (rc < 0 && (ch = getopt_long(nargs, av, s.shorts, s.lo, NULL)) != -1) {
        int i = optset_index(&s, ch);
        if (i < 0) {
            rc = bad_option(cmd->name, ch, av);
            break;
        }
        if (i < s.nglobal) {
            int r = set_global(cli, s.row[i]->lng, optarg);
            if (r == GLOBAL_HELP) {
                cli_print_command_help(stdout, progname, cmd->name);
                rc = 0;
            } else if (r == GLOBAL_VERSION) {
                print_version();
                rc = 0;
            }
            continue;
        }
        struct cli_optval *v = &cli->optv[i - s.nglobal];
        if (optarg) {
            if (!v->all) v->all = xcalloc((size_t)nargs, sizeof *v->all);
            v->all[v->n] = optarg;
        }
        v->n++;
    }
    if (rc < 0) {
        pos[(*npos)++] = av[0];
        for (int i = optind; i < nargs; i++) pos[(*npos)++] = av[i];
    }
    optset_free(&s);
    free(av);
    return rc;
}

/* The config file's defaults for the options the command line left unset:
 * the command line always wins. */
static void apply_config(struct cli *cli, const struct config *cfg)
{
    if (!cli->kubeconfig) cli->kubeconfig = cfg->kubeconfig;
    /* the file's context, or its list (the console and record follow each;
     * the other commands take the first) */
    if (cli->ncontexts == 0 && cfg->ncontexts) {
        cli->context = cfg->contexts[0];
        cli->contexts = xrealloc(cli->contexts, (cfg->ncontexts + 1) * sizeof *cli->contexts);
        for (size_t i = 0; i < cfg->ncontexts; i++) cli->contexts[cli->ncontexts++] = cfg->contexts[i];
    }
    if (!cli->ns && !cli->all_namespaces) {
        if (cfg->all_namespaces == 1) cli->all_namespaces = true;
        else cli->ns = cfg->ns;
    }
    if (!cli->db) cli->db = cfg->db;
    if (!cli->refresh) cli->refresh = cfg->refresh;
    if (!cli->rules_dir) cli->rules_dir = cfg->rules;
    if (cfg->offline == 1) cli->offline = true;
    if (cfg->read_only == 1) cli->read_only = true;
    if (cfg->no_color == 1) cli->no_color = true;
}

/* Reads the config file for a command or the console (not for what the
 * build runs, `completion` and the hidden helpers: a build must not depend
 * on a user's file). A file that
 * cannot be used is ONE line naming file:line:column, and exit 2. */
static int load_config(struct cli *cli, struct config **cfg)
{
    char err[ERRLEN];
    const char *const *actions = NULL;
#ifdef HAVE_CONSOLE
    actions = keys_action_names();
#endif
    if (config_load(cli->config, actions, cfg, err, sizeof err) != 0) {
        print_line(err);
        return 2;
    }
    /* the console shows them in its message line; a command on stderr now */
    for (size_t i = 0; cli->cmd && i < (*cfg)->nwarnings; i++) {
        char *w = xasprintf("warning: %s", (*cfg)->warnings[i]);
        print_line(w);
        free(w);
    }
    apply_config(cli, *cfg);
    cli->cfg = *cfg;
    return -1;
}

static void optv_free(struct cli *cli)
{
    if (!cli->optv) return;
    for (int i = 0; cli->cmd->opts[i].lng; i++) free(cli->optv[i].all);
    free(cli->optv);
    cli->optv = NULL;
}

int main(int argc, char **argv)
{
    if (argc > 0 && argv[0]) {
        char *copy = xstrdup(argv[0]);
        if (strcmp(basename(copy), "kubectl-artriage") == 0) progname = "kubectl artriage";
        free(copy);
    }
    struct cli cli = {.progname = progname};
    const char *nc = getenv("NO_COLOR");
    if (nc && *nc) cli.no_color = true;

    char **pos = xcalloc((size_t)argc + 2, sizeof *pos);
    cli.contexts = xcalloc((size_t)argc + 1, sizeof *cli.contexts);
    int npos;
    int rc = parse(&cli, argc, argv, pos, &npos);
    struct config *cfg = NULL;
    if (rc < 0 && !(cli.cmd && (cli.cmd->flags & (CLI_CMD_HIDDEN | CLI_CMD_NO_CONFIG)))) rc = load_config(&cli, &cfg);
    if (rc < 0 && cli.ns && !kube_is_dns1123_label(cli.ns)) {
        /* as the API server would: `-n ..` must not become a cluster-wide request */
        rc = cli_usage(NULL, "namespace '%s' is not a valid namespace name (a DNS-1123 label: lowercase "
                       "letters, digits and '-', at most 63)", cli.ns);
    }
    if (rc < 0) {
        if (!cli.cmd) {
#ifdef HAVE_CONSOLE
            rc = console_main(&cli);
#else
            cli_print_help(stderr, progname);
            rc = 2;
#endif
        } else {
            rc = cli.cmd->run(&cli, npos, pos);
        }
    }
    if (rc == 0) cli_notes_flush();
    notes_drop();
    optv_free(&cli);
    free(pos);
    free(cli.contexts);
    config_free(cfg);
    return rc;
}
