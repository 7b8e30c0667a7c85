/* `artriage __man TEMPLATE` (hidden; run by the build): the man page
 * artriage(1) from docs/artriage.1.in, whose @SYNOPSIS@, @GLOBAL_OPTIONS@,
 * @COMMANDS@, @KEYS@ and @VERSION@ lines are replaced by roff generated
 * from the one table of commands and options (table.c) and the console's
 * key table (ui/console/keys.c), so the page cannot drift from either. */
#include "cli.h"
#include "config/config.h"
#include "util/buf.h"
#include "util/xalloc.h"
#include "view.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Text as roff: backslashes escaped, hyphens as \-, no line starting with
 * a control character. */
static void roff(FILE *f, const char *s)
{
    if (*s == '.' || *s == '\'') fputs("\\&", f);
    for (; *s; s++) {
        if (*s == '\\') fputs("\\e", f);
        else if (*s == '-') fputs("\\-", f);
        else if (*s == '\n') {
            fputc('\n', f);
            if (s[1] == '.' || s[1] == '\'') fputs("\\&", f);
        } else fputc(*s, f);
    }
}

static void opt_tag(FILE *f, const struct cli_option *o)
{
    fputs(".TP\n", f);
    if (o->shrt) fprintf(f, "\\fB\\-%c\\fR, ", o->shrt);
    fputs("\\fB\\-\\-", f);
    roff(f, o->lng);
    fputs("\\fR", f);
    if (o->arg) {
        fputs(" \\fI", f);
        roff(f, o->arg);
        fputs("\\fR", f);
    }
    fputc('\n', f);
    roff(f, o->help);
    if (o->flags & CLI_OPT_REPEAT) fputs(" (may be repeated)", f);
    fputs(".\n", f);
}

static void synopsis(FILE *f)
{
    fputs(".SY artriage\n.RI [ global-options ]\n.YS\n", f);
    for (const struct cli_command *c = cli_commands; c->name; c++) {
        if (c->flags & CLI_CMD_HIDDEN) continue;
        char *syn = cli_synopsis(c);
        fputs(".SY artriage\n", f);
        roff(f, syn);
        fputs("\n.YS\n", f);
        free(syn);
    }
    fputs(".SY kubectl\\ artriage\n.RI [ command ]\n.YS\n", f);
}

static void commands(FILE *f)
{
    for (const struct cli_command *c = cli_commands; c->name; c++) {
        if (c->flags & CLI_CMD_HIDDEN) continue;
        fputs(".SS \"", f);
        roff(f, c->name);
        if (c->args) {
            fputc(' ', f);
            roff(f, c->args);
        }
        fputs("\"\n", f);
        roff(f, *c->description ? c->description : c->summary);
        fputc('\n', f);
        bool any = c->formats != NULL;
        for (const struct cli_option *o = c->opts; o->lng; o++) any |= !(o->flags & CLI_OPT_HIDDEN);
        if (any) fputs(".RS\n", f);
        for (const struct cli_option *o = c->opts; o->lng; o++)
            if (!(o->flags & CLI_OPT_HIDDEN)) opt_tag(f, o);
        if (c->formats) {
            char *h = xasprintf("output format: %s (default %.*s)", c->formats, (int)strcspn(c->formats, "|"),
                                c->formats);
            struct cli_option o = {"output", 'o', "FORMAT", h, COMP_FORMAT, 0, 0};
            opt_tag(f, &o);
            free(h);
        }
        if (any) fputs(".RE\n", f);
        if (c->examples && *c->examples) {
            fputs(".PP\nExamples:\n.RS\n.nf\n", f);
            roff(f, c->examples);
            fputs(".fi\n.RE\n", f);
        }
    }
}

/* @CONFIG@: what the config file may hold, from the tables that read it. */
static void config_doc(FILE *f)
{
    fputs(".TP\n.I option: value\nthe default of a global option (the command line wins):", f);
    bool b;
    const char *n;
    for (size_t i = 0; (n = config_option_name(i, &b)) != NULL; i++) {
        fputs(i ? ", " : " ", f);
        fputs("\\fB", f);
        roff(f, n);
        fputs("\\fR", f);
        if (b) fputs(" (true/false)", f);
    }
    fputs("; \\fBcontext\\fR may be a list (\\fBcontext: [east, west]\\fR): the console and "
          "\\fBrecord\\fR follow each, the other commands take the first", f);
    fputs(".\n.TP\n.I keys: {action: KEY or [KEY, ...]}\nkeys for an action, in place of its "
          "default keys (the action names are listed with the console keys above); KEY is a "
          "character, \\fB^G\\fR, \\fBF1\\fR to \\fBF24\\fR or a name such as \\fBUp\\fR, "
          "\\fBPgDn\\fR, \\fBEnter\\fR, \\fBTab\\fR, \\fBSpace\\fR. The help screen shows the "
          "keys bound.\n.TP\n.I skin: {role: style}\ncolours by role:", f);
    for (int r = 0; r < CFG_ROLE_COUNT; r++) {
        fputs(r ? ", " : " ", f);
        fputs("\\fB", f);
        roff(f, config_role_names[r]);
        fputs("\\fR", f);
    }
    fputs("; a style is \\fIcolour\\fR, \\fI\"fg on bg\"\\fR with \\fBbold\\fR, "
          "\\fBunderline\\fR, \\fBreverse\\fR, \\fBdim\\fR, or {fg: .., bg: .., bold: true}; "
          "colours are black, red, green, yellow, blue, magenta, cyan, white, bright\\-\\fIcolour\\fR, "
          "gray, default or 0 to 255. \\fBNO_COLOR\\fR and \\fB\\-\\-no\\-color\\fR still turn "
          "every colour off.\n.TP\n.I hotkeys: {KEY: command}\na key that runs a \\fB:\\fR command "
          "(\\fB\"ctx staging\"\\fR, \\fB\"ns agents\"\\fR, \\fB\"all\"\\fR, \\fB\"log\"\\fR).\n", f);
}

static void keys(FILE *f)
{
#ifdef HAVE_CONSOLE
    static const struct {
        unsigned bit;
        const char *name;
    } views[] = {
        {VK_RUNS, "the run list"}, {VK_DETAIL, "a run's detail"}, {VK_LOGS, "the log view"},
        {VK_TIMELINE, "the timeline"}, {VK_RERUN, "the rerun dialog"},
    };
    for (size_t v = 0; v < sizeof views / sizeof views[0]; v++) {
        fputs(".SS \"In ", f);
        roff(f, views[v].name);
        fputs("\"\n", f);
        for (const struct keybind *k = key_table; k->req != REQ_NONE || k->key; k++) {
            if (!k->keyname || !(k->views & views[v].bit)) continue;
            fputs(".TP\n.B ", f);
            roff(f, k->keyname);
            fputc('\n', f);
            roff(f, k->help);
            if (k->flags & KB_WRITES) fputs(" (not with \\-\\-read\\-only)", f);
            /* the names a config file binds keys by: this row's and its continuations' */
            const char *seen[8];
            size_t ns = 0;
            for (const struct keybind *j = k; j == k || (j->req != REQ_NONE && !j->keyname && j->views == k->views); j++) {
                const char *an = keys_action_name(j->req);
                bool dup = !an;
                for (size_t i = 0; i < ns; i++) dup |= strcmp(seen[i], an) == 0;
                if (dup || ns == sizeof seen / sizeof seen[0]) continue;
                fputs(ns ? ", " : " (action ", f);
                fputs("\\fB", f);
                roff(f, an);
                fputs("\\fR", f);
                seen[ns++] = an;
            }
            if (ns) fputc(')', f);
            fputc('\n', f);
        }
    }
#else
    fputs("This build has no console.\n", f);
#endif
}

int cmd_man(struct cli *cli, int argc, char **argv)
{
    (void)cli;
    if (argc != 2) return cli_usage("__man", "give the man page template");
    FILE *in = fopen(argv[1], "r");
    if (!in) return cli_fail("man page template %s: %s", argv[1], strerror(errno));
    char line[4096];
    FILE *f = stdout;
    while (fgets(line, sizeof line, in)) {
        if (strcmp(line, "@SYNOPSIS@\n") == 0) synopsis(f);
        else if (strcmp(line, "@GLOBAL_OPTIONS@\n") == 0)
            for (const struct cli_option *o = cli_global_opts; o->lng; o++) opt_tag(f, o);
        else if (strcmp(line, "@COMMANDS@\n") == 0) commands(f);
        else if (strcmp(line, "@KEYS@\n") == 0) keys(f);
        else if (strcmp(line, "@CONFIG@\n") == 0) config_doc(f);
        else {
            char *at = strstr(line, "@VERSION@");
            if (at) fprintf(f, "%.*s%s%s", (int)(at - line), line, ARTRIAGE_VERSION, at + 9);
            else fputs(line, f);
        }
    }
    bool bad = ferror(in);
    fclose(in);
    if (bad) return cli_fail("reading man page template %s failed", argv[1]);
    return fflush(f) == 0 ? 0 : cli_fail("cannot write the man page to stdout");
}
