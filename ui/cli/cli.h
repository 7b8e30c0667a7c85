/* cli — the command-line front end's shared state: global options (which
 * may stand before or after the command name, docs/cli.md) and the command
 * table generated from ui/cli/cmd_*.c. A command gets the options parsed by
 * main and its own argv (argv[0] = the command name) with the global
 * options removed; it returns the exit status: 0 ok, 1 failure (after
 * cli_fail printed one line), 2 bad usage. */
#ifndef ARTRIAGE_CLI_H
#define ARTRIAGE_CLI_H
#include <stdbool.h>

struct cli {
    const char *kubeconfig;  /* --kubeconfig, NULL = $KUBECONFIG/~/.kube/config */
    const char *context;     /* --context (the last one given) */
    const char **contexts;   /* every --context, in order (record follows each) */
    int ncontexts;
    const char *ns;          /* -n */
    bool all_namespaces;     /* -A */
    const char *db;          /* --db */
    bool offline;            /* --offline */
    bool read_only;          /* --read-only */
    bool no_color;           /* --no-color or NO_COLOR set */
    const char *output;      /* -o, NULL = the command's default */
    const char *refresh;     /* --refresh */
    const char *rules_dir;   /* --rules DIR: extra classifier rules */
    const char *progname;
};

struct cli_command {
    const char *name;
    int (*run)(struct cli *cli, int argc, char **argv);
    const char *usage; /* "list [-o table|json] ..." one line */
};

/* Prints "artriage: <message>" on stderr as one sanitised line (control
 * bytes and newlines shown as text, at most ~1000 bytes), carrying the first
 * pending note; returns 1. */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A note for stderr ("artriage: note: ..."): held until the command ends and
 * printed if it succeeds, so that a failure stays ONE line (cli_fail then
 * carries the first note). Long-running commands call cli_notes_flush()
 * before they start streaming. */
void cli_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_notes_flush(void);
/* Prints "artriage: <message>" and the command's usage; returns 2. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The console (ui/console/console.c), when built: `artriage` with no command. */
int console_main(struct cli *cli);
#endif
