/* artriage entry point: global options, then dispatch to a command from
 * the generated table, or to the console when no command is given. */
#include "cli.h"
#include "cmd_table.h"
#include "util/buf.h"
#include "util/sanitize.h"
#include "util/xalloc.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>

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

static const struct cli_command *find_command(const char *name)
{
    for (const struct cli_command *c = cli_commands; c->name; c++)
        if (strcmp(c->name, name) == 0) return c;
    return NULL;
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("artriage: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    const struct cli_command *c = cmd ? find_command(cmd) : NULL;
    if (c) fprintf(stderr, "usage: artriage %s\n", c->usage);
    return 2;
}

static void print_help(FILE *f)
{
    fputs("usage: artriage [global options] [command] [command options]\n"
          "\nWith no command, opens the interactive console.\n\nCommands:\n", f);
    for (const struct cli_command *c = cli_commands; c->name; c++)
        fprintf(f, "  %s\n", c->usage);
    fputs("\nGlobal options (before or after the command):\n"
          "  --kubeconfig PATH   kubeconfig file(s) (default $KUBECONFIG, ~/.kube/config)\n"
          "  --context NAME      kubeconfig context\n"
          "  -n, --namespace NS  namespace\n"
          "  -A, --all-namespaces\n"
          "  --db PATH           history cache (default $XDG_CACHE_HOME/artriage/history.db)\n"
          "  --offline           serve from the history cache only\n"
          "  --read-only         refuse every action that writes to the cluster\n"
          "  --no-color          no colours (also NO_COLOR)\n"
          "  -o FORMAT           output format of the command\n"
          "  --rules DIR         extra classifier rule files\n"
          "  --refresh DURATION  console: redraw at most this often\n"
          "  -h, --help, --version\n", f);
}

/* Global options that take a value: "--opt VALUE" or "--opt=VALUE". */
static const struct {
    const char *lng, *shrt;
    size_t off;
} valued[] = {
    {"--kubeconfig", NULL, offsetof(struct cli, kubeconfig)},
    {"--context", NULL, offsetof(struct cli, context)},
    {"--namespace", "-n", offsetof(struct cli, ns)},
    {"--db", NULL, offsetof(struct cli, db)},
    {"--output", "-o", offsetof(struct cli, output)},
    {"--refresh", NULL, offsetof(struct cli, refresh)},
    {"--rules", NULL, offsetof(struct cli, rules_dir)},
};

int main(int argc, char **argv)
{
    struct cli cli = {.progname = "artriage"};
    const char *nc = getenv("NO_COLOR");
    if (nc && *nc) cli.no_color = true;

    /* Pull global options out of argv wherever they stand; what remains is
     * the command and its own arguments. "--" ends option scanning. */
    char **rest = calloc((size_t)argc + 1, sizeof *rest);
    if (!rest) return 1;
    const char **ctxs = calloc((size_t)argc + 1, sizeof *ctxs);
    if (!ctxs) {
        free(rest);
        return 1;
    }
    cli.contexts = ctxs;
    int nrest = 0;
    bool dashdash = false;
    for (int i = 1; i < argc; i++) {
        char *a = argv[i];
        if (dashdash || a[0] != '-' || a[1] == 0) { rest[nrest++] = a; continue; }
        if (strcmp(a, "--") == 0) { dashdash = true; rest[nrest++] = a; continue; }
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            if (nrest > 0) { rest[nrest++] = a; continue; } /* command help */
            print_help(stdout);
            free(rest);
            free(ctxs);
            return 0;
        }
        if (strcmp(a, "--version") == 0) {
            printf("artriage %s\n", ARTRIAGE_VERSION);
            free(rest);
            free(ctxs);
            return 0;
        }
        if (strcmp(a, "-A") == 0 || strcmp(a, "--all-namespaces") == 0) { cli.all_namespaces = true; continue; }
        if (strcmp(a, "--offline") == 0) { cli.offline = true; continue; }
        if (strcmp(a, "--read-only") == 0) { cli.read_only = true; continue; }
        if (strcmp(a, "--no-color") == 0) { cli.no_color = true; continue; }
        bool matched = false;
        for (size_t k = 0; k < sizeof valued / sizeof valued[0]; k++) {
            const char **slot = (const char **)((char *)&cli + valued[k].off);
            size_t ll = strlen(valued[k].lng);
            if (strcmp(a, valued[k].lng) == 0 || (valued[k].shrt && strcmp(a, valued[k].shrt) == 0)) {
                if (i + 1 >= argc) {
                    free(rest);
                    free(ctxs);
                    return cli_usage(NULL, "option %s needs a value", a);
                }
                *slot = argv[++i];
                matched = true;
            } else if (strncmp(a, valued[k].lng, ll) == 0 && a[ll] == '=') {
                *slot = a + ll + 1;
                matched = true;
            } else if (valued[k].shrt && strncmp(a, valued[k].shrt, 2) == 0 && a[2] && a[1] != '-') {
                *slot = a + 2; /* -nagents, -ojson */
                matched = true;
            }
            if (matched) {
                if (valued[k].off == offsetof(struct cli, context)) ctxs[cli.ncontexts++] = cli.context;
                break;
            }
        }
        if (!matched) rest[nrest++] = a; /* a command option */
    }

    int rc;
    if (nrest == 0) {
#ifdef HAVE_CONSOLE
        rc = console_main(&cli);
#else
        print_help(stderr);
        rc = 2;
#endif
    } else {
        const struct cli_command *c = find_command(rest[0]);
        if (!c) {
            rc = cli_usage(NULL, "unknown command '%s' (see artriage --help)", rest[0]);
        } else {
            rc = c->run(&cli, nrest, rest);
        }
    }
    if (rc == 0) cli_notes_flush();
    notes_drop();
    free(rest);
    free(ctxs);
    return rc;
}
