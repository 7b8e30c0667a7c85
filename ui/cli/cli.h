/* cli — the command-line front end's shared state: global options (which
 * may stand before or after the command name, docs/cli.md) and the ONE
 * table of commands and options (table.c) that feeds the parser (main.c,
 * getopt_long), `--help`, each command's `--help`, the completion scripts
 * and the man page, so that they cannot drift.
 *
 * main parses every option, global and the command's own, through the
 * table; a command gets its positional arguments (argv[0] = the command
 * name) and reads its options with cli_opt()/cli_flag()/cli_opt_all() by
 * their long name. It returns the exit status: 0 ok, 1 failure (after
 * cli_fail printed one line), 2 bad usage. Nothing here is freed by a
 * command: main owns the parsed values. */
#ifndef ARTRIAGE_CLI_H
#define ARTRIAGE_CLI_H
#include <stdbool.h>
#include <stdio.h>

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
    const char *config;      /* --config FILE, NULL = the default file (config.h) */
    const struct config *cfg; /* the config file read (main owns it; never NULL in a command or the console) */
    const char *progname;    /* "artriage", or "kubectl artriage" as a kubectl plugin */
    const struct cli_command *cmd; /* the command being run (NULL: the console) */
    struct cli_optval *optv;       /* its options' values, parallel to cmd->opts */
};

/* What a completion offers for an option's value or a positional word. */
enum cli_complete {
    COMP_NONE,      /* free text */
    COMP_FILE,
    COMP_DIR,
    COMP_WORDS,     /* the option's `words` */
    COMP_CONTEXT,   /* contexts of the kubeconfig */
    COMP_NAMESPACE, /* namespaces in the history cache */
    COMP_RUN,       /* run names in the history cache */
    COMP_LANE,      /* lanes in the history cache */
    COMP_FORMAT,    /* the command's -o formats */
};

enum {
    CLI_OPT_REPEAT = 1 << 0, /* may be given several times (cli_opt_all) */
    CLI_OPT_HIDDEN = 1 << 1, /* accepted, not advertised */
};

/* One option: a row of a command's option table, or of cli_global_opts. */
struct cli_option {
    const char *lng;   /* "phase" (as --phase) */
    char shrt;         /* 'p' or 0 */
    const char *arg;   /* metavariable "P", NULL for a flag */
    const char *help;  /* one line for --help and the man page */
    enum cli_complete comp;
    const char *words; /* COMP_WORDS: the values, space-separated */
    unsigned flags;    /* CLI_OPT_* */
};

enum {
    CLI_CMD_HIDDEN = 1 << 0, /* internal (completion helper, man generator): not in help or man */
    CLI_CMD_NO_CONFIG = 1 << 1, /* never reads the config file (the build runs it); hidden ones neither */
};

/* One command. A command with sub-commands has rows "note add", "note list"... */
struct cli_command {
    const char *name;
    int (*run)(struct cli *cli, int argc, char **argv);
    const char *args;        /* positional synopsis: "RUN", "[FILE|-]", NULL = none */
    const char *summary;     /* one line */
    const char *description; /* paragraphs for --help and the man page */
    const char *formats;     /* what -o takes: "table|json", NULL = no -o */
    const struct cli_option *opts; /* ends with a row whose lng is NULL */
    enum cli_complete argcomp;     /* what the positional words complete to */
    const char *argwords;          /* their values for COMP_WORDS */
    const char *examples;    /* "artriage list --phase Failed\tthe failed runs\n"... */
    unsigned flags;          /* CLI_CMD_* */
};

/* The value(s) of one option as parsed. */
struct cli_optval {
    int n;             /* times given */
    const char **all;  /* every value, in order (options with an argument) */
};

extern const struct cli_command cli_commands[]; /* ends with name NULL */
extern const struct cli_option cli_global_opts[];

/* The command's option by long name: its last value, NULL if absent. Asking
 * for a name the command's table lacks is a programming error (abort). */
const char *cli_opt(const struct cli *cli, const char *lng);
/* Whether the flag (or option) was given. */
bool cli_flag(const struct cli *cli, const char *lng);
/* Every value of a repeatable option; the count. */
int cli_opt_all(const struct cli *cli, const char *lng, const char *const **vals);

/* The command row by name ("note add" as two words). */
const struct cli_command *cli_find_command(const char *name);
/* The synopsis: "list [--phase P] ... [-o table|json]" (without the program name). */
char *cli_synopsis(const struct cli_command *c);
/* Full help of a command (or of a group "note"), as printed by --help. */
void cli_print_command_help(FILE *f, const char *progname, const char *name);
/* The overview printed by `artriage --help`. */
void cli_print_help(FILE *f, const char *progname);

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
/* Notes what the client withholds or does not check (credentials over
 * plain http://, insecure-skip-tls-verify): once per client. */
struct kube_client;
void cli_client_notices(const struct kube_client *c);
/* Prints "artriage: <message>" and the command's usage; returns 2. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The console (ui/console/console.c), when built: `artriage` with no command. */
int console_main(struct cli *cli);
/* The console's action names for key bindings (ui/console/keys.c), NULL-terminated. */
const char *const *keys_action_names(void);
#endif
