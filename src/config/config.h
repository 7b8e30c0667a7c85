/* config — the user's config file, $XDG_CONFIG_HOME/artriage/config.yaml
 * (default ~/.config/artriage/config.yaml, or the file of --config): default
 * values for the global options, key bindings by action name, a colour skin
 * by role, and hotkeys that run `:` commands (docs/config.example.yaml).
 *
 * The file is read with libyaml's event parser into a small bounded tree
 * (depth, node count, scalar size and file size are limited; anchors and
 * aliases are refused) and checked against what this program knows. A
 * file that cannot be used fails with ONE sentence that starts with
 * "FILE:LINE:COLUMN: " (1-based) and says what is wrong; keys this program
 * does not know are warnings in the same form, never errors, so that a
 * newer file still works with an older program. A file writable by group or
 * others, or owned by someone else, is refused (as ssh does): whoever can
 * write it can change what the console runs.
 *
 * Nothing here knows ncurses: keys are parsed into struct config_key (a
 * character, a function key number or a named key) and the console maps
 * them to its own codes; the action names to accept come from the caller
 * (the console's key table).
 *
 * Ownership: config_load / config_parse return a struct config the caller
 * frees with config_free; every string in it is owned by it. */
#ifndef ARTRIAGE_CONFIG_H
#define ARTRIAGE_CONFIG_H
#include <stdbool.h>
#include <stddef.h>

/* Limits: anything larger is an error naming where it is. */
#define CONFIG_MAX_BYTES (256u << 10) /* the whole file */
#define CONFIG_MAX_DEPTH 8            /* nested mappings / sequences */
#define CONFIG_MAX_NODES 4096
#define CONFIG_MAX_SCALAR 1024        /* bytes of one value */
#define CONFIG_MAX_ENTRIES 256        /* bindings, hotkeys */

enum config_keykind { CFG_KEY_CHAR, CFG_KEY_FN, CFG_KEY_NAMED };
enum config_named {
    CFG_NK_UP, CFG_NK_DOWN, CFG_NK_LEFT, CFG_NK_RIGHT, CFG_NK_PGUP, CFG_NK_PGDN, CFG_NK_HOME,
    CFG_NK_END, CFG_NK_ENTER, CFG_NK_TAB, CFG_NK_BTAB, CFG_NK_ESC, CFG_NK_BACKSPACE, CFG_NK_DELETE,
    CFG_NK_INSERT, CFG_NK_COUNT
};
/* One key: CFG_KEY_CHAR a Unicode code point (control characters from
 * "^G" or "C-g" are 1..31, Space is 32), CFG_KEY_FN a function key 1..24,
 * CFG_KEY_NAMED an enum config_named. */
struct config_key {
    enum config_keykind kind;
    unsigned code;
};

/* Parses "j", "G", "!", "^G", "C-g", "F2", "Up", "PgDn", "Enter", "Space",
 * "Tab", "S-Tab", "Esc" ... (names case-insensitive). 0 or -1 with err. */
int config_key_parse(const char *s, struct config_key *out, char *err, size_t errlen);
/* The key as the help screen shows it ("^G", "F2", "Space", "j"). */
void config_key_name(const struct config_key *k, char *buf, size_t n);
bool config_key_eq(const struct config_key *a, const struct config_key *b);

/* Colour roles of the console, in the order of config_role_names. */
enum config_role {
    CFG_ROLE_FAILED, CFG_ROLE_SUCCEEDED, CFG_ROLE_RUNNING, CFG_ROLE_PENDING, CFG_ROLE_CANCELLED,
    CFG_ROLE_TEMPLATE, CFG_ROLE_TITLE, CFG_ROLE_HEADER, CFG_ROLE_STATUS, CFG_ROLE_CURSOR,
    CFG_ROLE_ERROR, CFG_ROLE_DIM, CFG_ROLE_HILITE, CFG_ROLE_BANNER, CFG_ROLE_COUNT
};
extern const char *const config_role_names[CFG_ROLE_COUNT];

enum { CFG_ATTR_BOLD = 1 << 0, CFG_ATTR_UNDERLINE = 1 << 1, CFG_ATTR_REVERSE = 1 << 2, CFG_ATTR_DIM = 1 << 3 };
#define CFG_COLOR_UNSET (-2)
#define CFG_COLOR_DEFAULT (-1)
/* A role's style: colours 0..255 (0-7 the ANSI colours, 8-15 the bright
 * ones), CFG_COLOR_DEFAULT the terminal's own, CFG_COLOR_UNSET keep the
 * built-in; attrs replace the built-in ones when attrs_set. */
struct config_style {
    bool set;
    int fg, bg;
    unsigned attrs;
    bool attrs_set;
};

/* An action bound to a key (keys: ACTION: KEY or [KEY, ...]). */
struct config_binding {
    char *action;
    struct config_key key;
    unsigned line, col; /* where the key was written (1-based) */
};

/* A hotkey running a `:` command (hotkeys: KEY: "ctx staging"). */
struct config_hotkey {
    struct config_key key;
    char *command;      /* without a leading ':' */
    unsigned line, col;
};

#define CFG_UNSET (-1)

struct config {
    char *path;   /* the file read, NULL if there was none */
    /* default values of global options; NULL / CFG_UNSET = not in the file */
    char *kubeconfig, *context, *ns, *db, *refresh, *rules;
    /* `context:` as a name or a list of names ([east, west]: the console
     * and `record` follow each); context is the first */
    char **contexts;
    size_t ncontexts;
    int all_namespaces, offline, read_only, no_color;
    struct config_binding *bindings;
    size_t nbindings;
    struct config_style skin[CFG_ROLE_COUNT];
    struct config_hotkey *hotkeys;
    size_t nhotkeys;
    /* "FILE:LINE:COL: unknown key 'x' (ignored)" ... */
    char **warnings;
    size_t nwarnings;
};

/* The global options the file may set, by long name: i = 0, 1, ... until
 * NULL; *is_bool tells a flag (true/false) from an option with a value. */
const char *config_option_name(size_t i, bool *is_bool);

/* The default file: $XDG_CONFIG_HOME/artriage/config.yaml, else
 * $HOME/.config/artriage/config.yaml; NULL when neither is set. Caller frees. */
char *config_default_path(void);

/* Reads the config. path NULL: the default file, which may be missing
 * (then *out is an empty config with path NULL). A path given (--config)
 * must exist. actions: the action names bindings may use (NULL-terminated).
 * 0, or -1 with one sentence in err and *out NULL. */
int config_load(const char *path, const char *const *actions, struct config **out, char *err,
                size_t errlen);
/* The same for text in memory; name is used in messages in place of a file. */
int config_parse(const char *data, size_t len, const char *name, const char *const *actions,
                 struct config **out, char *err, size_t errlen);
void config_free(struct config *cfg);
#endif
