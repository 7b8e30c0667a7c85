/* config — the user's config file (config.h). libyaml's events become a
 * bounded tree first (so no hostile file can nest, alias or grow past the
 * limits), then the tree is checked section by section. */
#include "config/config.h"
#include "kube/names.h"
#include "util/err.h"
#include "util/sanitize.h"
#include "util/timeutil.h"
#include "util/xalloc.h"
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

const char *const config_role_names[CFG_ROLE_COUNT] = {
    "failed", "succeeded", "running", "pending", "cancelled", "template", "title",
    "header", "status", "cursor", "error", "dim", "hilite", "banner",
};

/* ---- keys ---- */

static const struct {
    const char *name; /* canonical, as help shows it */
    const char *alias[3];
} named_keys[CFG_NK_COUNT] = {
    [CFG_NK_UP] = {"Up", {0}},
    [CFG_NK_DOWN] = {"Down", {0}},
    [CFG_NK_LEFT] = {"Left", {0}},
    [CFG_NK_RIGHT] = {"Right", {0}},
    [CFG_NK_PGUP] = {"PgUp", {"pageup", "page-up", 0}},
    [CFG_NK_PGDN] = {"PgDn", {"pagedown", "page-down", 0}},
    [CFG_NK_HOME] = {"Home", {0}},
    [CFG_NK_END] = {"End", {0}},
    [CFG_NK_ENTER] = {"Enter", {"return", 0}},
    [CFG_NK_TAB] = {"Tab", {0}},
    [CFG_NK_BTAB] = {"S-Tab", {"backtab", "shift-tab", 0}},
    [CFG_NK_ESC] = {"Esc", {"escape", 0}},
    [CFG_NK_BACKSPACE] = {"Backspace", {"bs", 0}},
    [CFG_NK_DELETE] = {"Del", {"delete", 0}},
    [CFG_NK_INSERT] = {"Ins", {"insert", 0}},
};

int config_key_parse(const char *s, struct config_key *out, char *err, size_t errlen)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0) return errf(err, errlen, "an empty key");
    unsigned cp;
    size_t l = utf8_decode((const unsigned char *)s, n, &cp);
    if (l == n) {
        if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
            return errf(err, errlen, "a control character is not a key name (write ^X)");
        *out = (struct config_key){CFG_KEY_CHAR, cp};
        return 0;
    }
    /* ^X, C-x, Ctrl-x, Ctrl+x */
    const char *ctl = NULL;
    if (n == 2 && s[0] == '^') ctl = s + 1;
    else if (n == 3 && (s[0] == 'C' || s[0] == 'c') && s[1] == '-') ctl = s + 2;
    else if (n == 6 && strncasecmp(s, "ctrl", 4) == 0 && (s[4] == '-' || s[4] == '+')) ctl = s + 5;
    if (ctl) {
        unsigned char ch = (unsigned char)toupper((unsigned char)*ctl);
        if (ch >= '@' && ch <= '_') {
            *out = (struct config_key){CFG_KEY_CHAR, ch & 0x1fu};
            return 0;
        }
        return errf(err, errlen, "'%s' is not a control key (^A to ^Z, ^@, ^[, ^\\, ^], ^^, ^_)", s);
    }
    if ((s[0] == 'F' || s[0] == 'f') && n >= 2 && n <= 3 && isdigit((unsigned char)s[1]) &&
        (n == 2 || isdigit((unsigned char)s[2]))) {
        unsigned f = (unsigned)atoi(s + 1);
        if (f < 1 || f > 24) return errf(err, errlen, "'%s': function keys are F1 to F24", s);
        *out = (struct config_key){CFG_KEY_FN, f};
        return 0;
    }
    if (strcasecmp(s, "space") == 0) {
        *out = (struct config_key){CFG_KEY_CHAR, ' '};
        return 0;
    }
    for (unsigned k = 0; k < CFG_NK_COUNT; k++) {
        bool hit = strcasecmp(s, named_keys[k].name) == 0;
        for (int a = 0; !hit && a < 3 && named_keys[k].alias[a]; a++) hit = strcasecmp(s, named_keys[k].alias[a]) == 0;
        if (hit) {
            *out = (struct config_key){CFG_KEY_NAMED, k};
            return 0;
        }
    }
    return errf(err, errlen, "'%s' is not a key (a character, ^X, F1 to F24, or Up, Down, Left, Right, "
                "PgUp, PgDn, Home, End, Enter, Tab, S-Tab, Esc, Backspace, Del, Ins, Space)", s);
}

void config_key_name(const struct config_key *k, char *buf, size_t n)
{
    if (!n) return;
    switch (k->kind) {
    case CFG_KEY_FN: snprintf(buf, n, "F%u", k->code); return;
    case CFG_KEY_NAMED: snprintf(buf, n, "%s", k->code < CFG_NK_COUNT ? named_keys[k->code].name : "?"); return;
    case CFG_KEY_CHAR: break;
    }
    unsigned c = k->code;
    if (c == ' ') snprintf(buf, n, "Space");
    else if (c < 0x20) snprintf(buf, n, "^%c", (char)(c + '@'));
    else if (c < 0x80) snprintf(buf, n, "%c", (char)c);
    else if (c < 0x800) snprintf(buf, n, "%c%c", 0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else if (c < 0x10000) snprintf(buf, n, "%c%c%c", 0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    else snprintf(buf, n, "%c%c%c%c", 0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f),
                  0x80 | (c & 0x3f));
}

bool config_key_eq(const struct config_key *a, const struct config_key *b)
{
    return a->kind == b->kind && a->code == b->code;
}

/* ---- the bounded tree ---- */

enum ytype { Y_SCALAR, Y_MAP, Y_SEQ };

struct ynode {
    enum ytype t;
    char *s;          /* scalar text */
    bool plain;       /* unquoted scalar: may be a bool or null */
    unsigned line, col;
    struct ynode **kid; /* mapping: key, value, key, value ... */
    size_t n, cap;
};

static void ynode_free(struct ynode *y)
{
    if (!y) return;
    for (size_t i = 0; i < y->n; i++) ynode_free(y->kid[i]);
    free(y->kid);
    free(y->s);
    free(y);
}

struct ctx {
    const char *name;
    char *err;
    size_t errlen;
    struct config *cfg;
    const char *const *actions;
};

static int at(struct ctx *x, unsigned line, unsigned col, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int at(struct ctx *x, unsigned line, unsigned col, const char *fmt, ...)
{
    char msg[ERRLEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return errf(x->err, x->errlen, "%s:%u:%u: %s", x->name, line, col, msg);
}

static int at_node(struct ctx *x, const struct ynode *y, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int at_node(struct ctx *x, const struct ynode *y, const char *fmt, ...)
{
    char msg[ERRLEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return at(x, y->line, y->col, "%s", msg);
}

static void warn(struct ctx *x, const struct ynode *y, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void warn(struct ctx *x, const struct ynode *y, const char *fmt, ...)
{
    if (x->cfg->nwarnings >= 16) return; /* enough to read; a file of typos says so at the first */
    char msg[ERRLEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    x->cfg->warnings = xrealloc(x->cfg->warnings, (x->cfg->nwarnings + 1) * sizeof *x->cfg->warnings);
    x->cfg->warnings[x->cfg->nwarnings++] = xasprintf("%s:%u:%u: %s", x->name, y->line, y->col, msg);
}

static void attach(struct ynode *parent, struct ynode *y)
{
    parent->kid = xgrow(parent->kid, &parent->cap, parent->n + 1, sizeof *parent->kid);
    parent->kid[parent->n++] = y;
}

/* The document as a tree; *root NULL for an empty file. */
static int build_tree(struct ctx *x, const char *data, size_t len, struct ynode **root)
{
    yaml_parser_t p;
    *root = NULL;
    if (!yaml_parser_initialize(&p)) return errf(x->err, x->errlen, "%s: cannot start the YAML parser", x->name);
    yaml_parser_set_input_string(&p, (const unsigned char *)data, len);
    struct ynode *stack[CONFIG_MAX_DEPTH + 1];
    int depth = 0, rc = 0, docs = 0;
    size_t nodes = 0;
    bool done = false;
    while (!done && rc == 0) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev)) {
            rc = at(x, (unsigned)p.problem_mark.line + 1, (unsigned)p.problem_mark.column + 1, "%s%s%s",
                    p.problem ? p.problem : "not valid YAML", p.context ? " " : "", p.context ? p.context : "");
            break;
        }
        unsigned line = (unsigned)ev.start_mark.line + 1, col = (unsigned)ev.start_mark.column + 1;
        struct ynode *y = NULL;
        switch (ev.type) {
        case YAML_STREAM_END_EVENT: done = true; break;
        case YAML_DOCUMENT_START_EVENT:
            if (++docs > 1) rc = at(x, line, col, "more than one YAML document (one file, one mapping)");
            break;
        case YAML_ALIAS_EVENT:
            rc = at(x, line, col, "anchors and aliases (&, *) are not supported");
            break;
        case YAML_SCALAR_EVENT:
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT: {
            const yaml_char_t *anchor = ev.type == YAML_SCALAR_EVENT ? ev.data.scalar.anchor
                                      : ev.type == YAML_SEQUENCE_START_EVENT ? ev.data.sequence_start.anchor
                                                                             : ev.data.mapping_start.anchor;
            if (anchor) {
                rc = at(x, line, col, "anchors and aliases (&, *) are not supported");
                break;
            }
            if (++nodes > CONFIG_MAX_NODES) {
                rc = at(x, line, col, "more than %d values: not a config file", CONFIG_MAX_NODES);
                break;
            }
            y = xcalloc(1, sizeof *y);
            y->line = line;
            y->col = col;
            if (ev.type == YAML_SCALAR_EVENT) {
                size_t sl = ev.data.scalar.length;
                y->t = Y_SCALAR;
                y->plain = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
                if (sl > CONFIG_MAX_SCALAR) {
                    rc = at(x, line, col, "a value of %zu bytes (at most %d)", sl, CONFIG_MAX_SCALAR);
                } else if (memchr(ev.data.scalar.value, 0, sl)) {
                    rc = at(x, line, col, "a value holds a NUL character");
                }
                y->s = xstrndup((const char *)ev.data.scalar.value, sl);
            } else {
                y->t = ev.type == YAML_MAPPING_START_EVENT ? Y_MAP : Y_SEQ;
            }
            if (depth > 0) attach(stack[depth - 1], y);
            else if (!*root) *root = y;
            else { ynode_free(y); y = NULL; } /* cannot happen: one document, one root */
            if (rc == 0 && y && y->t != Y_SCALAR) {
                if (depth >= CONFIG_MAX_DEPTH) rc = at(x, line, col, "nested more than %d levels deep", CONFIG_MAX_DEPTH);
                else stack[depth++] = y;
            }
            break;
        }
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            if (depth > 0) depth--;
            break;
        default: break;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&p);
    if (rc != 0) {
        ynode_free(*root);
        *root = NULL;
    }
    return rc;
}

/* ---- checking the tree ---- */

static const char *type_name(const struct ynode *y)
{
    return y->t == Y_MAP ? "a mapping" : y->t == Y_SEQ ? "a list" : "a value";
}

static bool is_null(const struct ynode *y)
{
    return y->t == Y_SCALAR && y->plain && (!*y->s || strcmp(y->s, "~") == 0 || strcasecmp(y->s, "null") == 0);
}

/* A text value: a scalar, not null, no control characters. */
static int want_text(struct ctx *x, const struct ynode *key, const struct ynode *v, const char **out)
{
    if (v->t != Y_SCALAR) return at_node(x, v, "%s: expected a text value, got %s", key->s, type_name(v));
    if (is_null(v)) return at_node(x, v, "%s: no value", key->s);
    for (const unsigned char *p = (const unsigned char *)v->s; *p; p++)
        if (*p < 0x20 || *p == 0x7f) return at_node(x, v, "%s: the value holds a control character", key->s);
    *out = v->s;
    return 0;
}

static int want_bool(struct ctx *x, const struct ynode *key, const struct ynode *v, int *out)
{
    static const char *yes[] = {"true", "yes", "on"}, *no[] = {"false", "no", "off"};
    if (v->t == Y_SCALAR && v->plain)
        for (int i = 0; i < 3; i++) {
            if (strcasecmp(v->s, yes[i]) == 0) return *out = 1, 0;
            if (strcasecmp(v->s, no[i]) == 0) return *out = 0, 0;
        }
    if (v->t != Y_SCALAR) return at_node(x, v, "%s: expected true or false, got %s", key->s, type_name(v));
    char *s = sanitize_str(v->s, 0);
    int rc = at_node(x, v, "%s: expected true or false, got '%.60s'", key->s, s);
    free(s);
    return rc;
}

/* Keys of a mapping must be plain text and appear once. */
static int check_keys(struct ctx *x, const struct ynode *map, const char *what)
{
    for (size_t i = 0; i + 1 < map->n; i += 2) {
        const struct ynode *k = map->kid[i];
        if (k->t != Y_SCALAR) return at_node(x, k, "a key in %s is %s, not a name", what, type_name(k));
        for (size_t j = 0; j < i; j += 2)
            if (strcmp(map->kid[j]->s, k->s) == 0) {
                char *s = sanitize_str(k->s, 0);
                int rc = at_node(x, k, "'%.60s' is given twice in %s (first on line %u)", s, what, map->kid[j]->line);
                free(s);
                return rc;
            }
    }
    return 0;
}

static void warn_unknown(struct ctx *x, const struct ynode *k, const char *what)
{
    char *s = sanitize_str(k->s, 0);
    warn(x, k, "unknown %s '%.60s' (ignored)", what, s);
    free(s);
}

/* "~/x" in a path option: the home directory, as a shell would. */
static char *expand_home(const char *s)
{
    const char *home = getenv("HOME");
    if (s[0] == '~' && s[1] == '/' && home && *home) return xasprintf("%s%s", home, s + 1);
    return xstrdup(s);
}

static int parse_key_value(struct ctx *x, const struct ynode *v, struct config_key *k)
{
    if (v->t != Y_SCALAR) return at_node(x, v, "expected a key such as F2 or ^G, got %s", type_name(v));
    char e[ERRLEN];
    if (config_key_parse(v->s, k, e, sizeof e) != 0) {
        char *s = sanitize_str(e, 0);
        int rc = at_node(x, v, "%s", s);
        free(s);
        return rc;
    }
    return 0;
}

static bool known_action(struct ctx *x, const char *name)
{
    for (const char *const *a = x->actions; a && *a; a++)
        if (strcmp(*a, name) == 0) return true;
    return false;
}

static int add_binding(struct ctx *x, const char *action, const struct ynode *kv)
{
    struct config *c = x->cfg;
    if (c->nbindings >= CONFIG_MAX_ENTRIES) return at_node(x, kv, "more than %d key bindings", CONFIG_MAX_ENTRIES);
    struct config_key k;
    if (parse_key_value(x, kv, &k) != 0) return -1;
    c->bindings = xrealloc(c->bindings, (c->nbindings + 1) * sizeof *c->bindings);
    c->bindings[c->nbindings++] = (struct config_binding){xstrdup(action), k, kv->line, kv->col};
    return 0;
}

static int section_keys(struct ctx *x, const struct ynode *map)
{
    if (check_keys(x, map, "keys") != 0) return -1;
    for (size_t i = 0; i + 1 < map->n; i += 2) {
        const struct ynode *k = map->kid[i], *v = map->kid[i + 1];
        if (!known_action(x, k->s)) {
            warn_unknown(x, k, "action");
            continue;
        }
        if (v->t == Y_SEQ) {
            if (v->n == 0) return at_node(x, v, "%s: an empty list of keys", k->s);
            for (size_t j = 0; j < v->n; j++)
                if (add_binding(x, k->s, v->kid[j]) != 0) return -1;
        } else if (add_binding(x, k->s, v) != 0) {
            return -1;
        }
    }
    return 0;
}

static const char *const color_names[] = {"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"};

static int parse_color(struct ctx *x, const struct ynode *at_y, const char *w, int *out)
{
    if (strcasecmp(w, "default") == 0 || strcasecmp(w, "none") == 0) return *out = CFG_COLOR_DEFAULT, 0;
    if (strcasecmp(w, "gray") == 0 || strcasecmp(w, "grey") == 0) return *out = 8, 0;
    bool bright = strncasecmp(w, "bright-", 7) == 0;
    for (int i = 0; i < 8; i++)
        if (strcasecmp(bright ? w + 7 : w, color_names[i]) == 0) return *out = i + (bright ? 8 : 0), 0;
    if (*w && strspn(w, "0123456789") == strlen(w) && strlen(w) <= 3 && atoi(w) <= 255) return *out = atoi(w), 0;
    char *s = sanitize_str(w, 0);
    int rc = at_node(x, at_y, "'%.40s' is not a colour (black, red, green, yellow, blue, magenta, cyan, white, "
                     "bright-RED etc., gray, default, or 0 to 255)", s);
    free(s);
    return rc;
}

static const struct {
    const char *name;
    unsigned bit;
} attr_names[] = {
    {"bold", CFG_ATTR_BOLD}, {"underline", CFG_ATTR_UNDERLINE}, {"reverse", CFG_ATTR_REVERSE}, {"dim", CFG_ATTR_DIM},
};

/* "red", "bold white on red", "default on blue". */
static int style_words(struct ctx *x, const struct ynode *v, struct config_style *st)
{
    char *copy = xstrdup(v->s), *save = NULL;
    int rc = 0, ncolors = 0;
    bool on = false;
    for (char *w = strtok_r(copy, " \t", &save); w && rc == 0; w = strtok_r(NULL, " \t", &save)) {
        bool attr = false;
        for (size_t i = 0; i < sizeof attr_names / sizeof attr_names[0]; i++)
            if (strcasecmp(w, attr_names[i].name) == 0) {
                st->attrs |= attr_names[i].bit;
                st->attrs_set = attr = true;
            }
        if (attr) continue;
        if (strcasecmp(w, "on") == 0) {
            if (on) rc = at_node(x, v, "'on' twice in a style");
            on = true;
            continue;
        }
        int col;
        if (parse_color(x, v, w, &col) != 0) {
            rc = -1;
        } else if (on) {
            st->bg = col;
        } else if (ncolors++) {
            rc = at_node(x, v, "two foreground colours; write 'FG on BG'");
        } else {
            st->fg = col;
        }
    }
    free(copy);
    return rc;
}

static int section_skin(struct ctx *x, const struct ynode *map)
{
    if (check_keys(x, map, "skin") != 0) return -1;
    for (size_t i = 0; i + 1 < map->n; i += 2) {
        const struct ynode *k = map->kid[i], *v = map->kid[i + 1];
        int role = -1;
        for (int r = 0; r < CFG_ROLE_COUNT; r++)
            if (strcmp(k->s, config_role_names[r]) == 0) role = r;
        if (role < 0) {
            warn_unknown(x, k, "skin role");
            continue;
        }
        struct config_style st = {true, CFG_COLOR_UNSET, CFG_COLOR_UNSET, 0, false};
        if (v->t == Y_SCALAR) {
            if (is_null(v)) return at_node(x, v, "%s: no style (a colour such as red, or 'white on blue')", k->s);
            if (style_words(x, v, &st) != 0) return -1;
        } else if (v->t == Y_MAP) {
            if (check_keys(x, v, k->s) != 0) return -1;
            for (size_t j = 0; j + 1 < v->n; j += 2) {
                const struct ynode *sk = v->kid[j], *sv = v->kid[j + 1];
                const char *text;
                int b;
                bool attr = false;
                if (strcmp(sk->s, "fg") == 0 || strcmp(sk->s, "bg") == 0) {
                    if (want_text(x, sk, sv, &text) != 0) return -1;
                    if (parse_color(x, sv, text, sk->s[0] == 'f' ? &st.fg : &st.bg) != 0) return -1;
                    continue;
                }
                for (size_t a = 0; a < sizeof attr_names / sizeof attr_names[0]; a++)
                    if (strcmp(sk->s, attr_names[a].name) == 0) {
                        if (want_bool(x, sk, sv, &b) != 0) return -1;
                        st.attrs = b ? st.attrs | attr_names[a].bit : st.attrs & ~attr_names[a].bit;
                        st.attrs_set = attr = true;
                    }
                if (!attr) warn_unknown(x, sk, "style key");
            }
        } else {
            return at_node(x, v, "%s: expected a style (red, 'white on blue' or {fg: .., bg: ..}), got %s", k->s,
                           type_name(v));
        }
        x->cfg->skin[role] = st;
    }
    return 0;
}

static int section_hotkeys(struct ctx *x, const struct ynode *map)
{
    if (check_keys(x, map, "hotkeys") != 0) return -1;
    struct config *c = x->cfg;
    for (size_t i = 0; i + 1 < map->n; i += 2) {
        const struct ynode *k = map->kid[i], *v = map->kid[i + 1];
        struct config_key key;
        if (parse_key_value(x, k, &key) != 0) return -1;
        const char *cmd;
        if (want_text(x, k, v, &cmd) != 0) return -1;
        while (*cmd == ':' || *cmd == ' ') cmd++;
        if (!*cmd) return at_node(x, v, "%s: an empty command", k->s);
        if (c->nhotkeys >= CONFIG_MAX_ENTRIES) return at_node(x, k, "more than %d hotkeys", CONFIG_MAX_ENTRIES);
        for (size_t j = 0; j < c->nhotkeys; j++)
            if (config_key_eq(&c->hotkeys[j].key, &key))
                return at_node(x, k, "the hotkey %s is given twice (first on line %u)", k->s, c->hotkeys[j].line);
        c->hotkeys = xrealloc(c->hotkeys, (c->nhotkeys + 1) * sizeof *c->hotkeys);
        c->hotkeys[c->nhotkeys++] = (struct config_hotkey){key, xstrdup(cmd), k->line, k->col};
    }
    return 0;
}

/* The options whose defaults the file may set, by their long names. */
enum { OPT_TEXT, OPT_PATH, OPT_BOOL };
static const struct {
    const char *name;
    int type;
    size_t off;
} options[] = {
    {"kubeconfig", OPT_PATH, offsetof(struct config, kubeconfig)},
    {"context", OPT_TEXT, offsetof(struct config, context)},
    {"namespace", OPT_TEXT, offsetof(struct config, ns)},
    {"all-namespaces", OPT_BOOL, offsetof(struct config, all_namespaces)},
    {"db", OPT_PATH, offsetof(struct config, db)},
    {"refresh", OPT_TEXT, offsetof(struct config, refresh)},
    {"rules", OPT_PATH, offsetof(struct config, rules)},
    {"offline", OPT_BOOL, offsetof(struct config, offline)},
    {"read-only", OPT_BOOL, offsetof(struct config, read_only)},
    {"no-color", OPT_BOOL, offsetof(struct config, no_color)},
};

const char *config_option_name(size_t i, bool *is_bool)
{
    if (i >= sizeof options / sizeof options[0]) return NULL;
    if (is_bool) *is_bool = options[i].type == OPT_BOOL;
    return options[i].name;
}

/* context: NAME, or a list of names (several followed at once). */
static int option_contexts(struct ctx *x, const struct ynode *k, const struct ynode *v)
{
    struct config *c = x->cfg;
    size_t n = v->t == Y_SEQ ? v->n : 1;
    if (n == 0) return at_node(x, v, "%s: an empty list of contexts", k->s);
    if (n > CONFIG_MAX_ENTRIES) return at_node(x, v, "%s: more than %d contexts", k->s, CONFIG_MAX_ENTRIES);
    const char **names = xcalloc(n, sizeof *names);
    for (size_t i = 0; i < n; i++) {
        const struct ynode *item = v->t == Y_SEQ ? v->kid[i] : v;
        if (want_text(x, k, item, &names[i]) != 0) {
            free(names);
            return -1;
        }
    }
    c->contexts = xcalloc(n, sizeof *c->contexts);
    for (size_t i = 0; i < n; i++) c->contexts[i] = xstrdup(names[i]);
    c->ncontexts = n;
    c->context = xstrdup(names[0]);
    free(names);
    return 0;
}

static int option(struct ctx *x, const struct ynode *k, const struct ynode *v, size_t which)
{
    char *base = (char *)x->cfg;
    if (options[which].type == OPT_BOOL) return want_bool(x, k, v, (int *)(base + options[which].off));
    if (strcmp(k->s, "context") == 0) return option_contexts(x, k, v);
    const char *text;
    if (want_text(x, k, v, &text) != 0) return -1;
    if (strcmp(k->s, "namespace") == 0 && !kube_is_dns1123_label(text)) {
        char *s = sanitize_str(text, 0);
        int rc = at_node(x, v, "namespace '%.80s' is not a valid namespace name (a DNS-1123 label: lowercase "
                         "letters, digits and '-', at most 63)", s);
        free(s);
        return rc;
    }
    int64_t ms;
    if (strcmp(k->s, "refresh") == 0 && (time_parse_duration(text, &ms) != 0 || ms < 0 || ms > 3600000)) {
        char *s = sanitize_str(text, 0);
        int rc = at_node(x, v, "refresh '%.40s' is not a duration such as 2s (at most 1h)", s);
        free(s);
        return rc;
    }
    char **slot = (char **)(base + options[which].off);
    *slot = options[which].type == OPT_PATH ? expand_home(text) : xstrdup(text);
    return 0;
}

static int check_root(struct ctx *x, const struct ynode *root)
{
    if (!root || is_null(root)) return 0;
    if (root->t != Y_MAP)
        return at_node(x, root, "the file must be a mapping of names to values (context: prod ...), not %s",
                       type_name(root));
    if (check_keys(x, root, "the file") != 0) return -1;
    for (size_t i = 0; i + 1 < root->n; i += 2) {
        const struct ynode *k = root->kid[i], *v = root->kid[i + 1];
        bool found = false;
        for (size_t o = 0; o < sizeof options / sizeof options[0]; o++)
            if (strcmp(k->s, options[o].name) == 0) {
                if (option(x, k, v, o) != 0) return -1;
                found = true;
            }
        if (found) continue;
        static const struct {
            const char *name;
            int (*fn)(struct ctx *, const struct ynode *);
        } sections[] = {{"keys", section_keys}, {"skin", section_skin}, {"hotkeys", section_hotkeys}};
        for (size_t s = 0; s < sizeof sections / sizeof sections[0]; s++)
            if (strcmp(k->s, sections[s].name) == 0) {
                found = true;
                if (is_null(v)) break;
                if (v->t != Y_MAP) return at_node(x, v, "%s: expected a mapping, got %s", k->s, type_name(v));
                if (sections[s].fn(x, v) != 0) return -1;
            }
        if (!found) warn_unknown(x, k, "key");
    }
    /* a key cannot both run a command and do an action */
    for (size_t h = 0; h < x->cfg->nhotkeys; h++)
        for (size_t b = 0; b < x->cfg->nbindings; b++)
            if (config_key_eq(&x->cfg->hotkeys[h].key, &x->cfg->bindings[b].key)) {
                char kn[32];
                config_key_name(&x->cfg->hotkeys[h].key, kn, sizeof kn);
                return at(x, x->cfg->hotkeys[h].line, x->cfg->hotkeys[h].col,
                          "the hotkey %s is also bound to the action %s (line %u)", kn, x->cfg->bindings[b].action,
                          x->cfg->bindings[b].line);
            }
    return 0;
}

static struct config *config_empty(void)
{
    struct config *c = xcalloc(1, sizeof *c);
    c->all_namespaces = c->offline = c->read_only = c->no_color = CFG_UNSET;
    for (int r = 0; r < CFG_ROLE_COUNT; r++) c->skin[r] = (struct config_style){false, CFG_COLOR_UNSET, CFG_COLOR_UNSET, 0, false};
    return c;
}

int config_parse(const char *data, size_t len, const char *name, const char *const *actions,
                 struct config **out, char *err, size_t errlen)
{
    *out = NULL;
    struct config *cfg = config_empty();
    struct ctx x = {name ? name : "config", err, errlen, cfg, actions};
    struct ynode *root = NULL;
    int rc = len > CONFIG_MAX_BYTES ? errf(err, errlen, "%s: %zu bytes; a config file is at most %u", x.name, len,
                                           CONFIG_MAX_BYTES)
                                    : build_tree(&x, data, len, &root);
    if (rc == 0) rc = check_root(&x, root);
    ynode_free(root);
    if (rc != 0) {
        config_free(cfg);
        return -1;
    }
    *out = cfg;
    return 0;
}

char *config_default_path(void)
{
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    /* the XDG spec: a relative XDG_CONFIG_HOME is invalid and ignored */
    if (xdg && xdg[0] == '/') return xasprintf("%s/artriage/config.yaml", xdg);
    if (home && *home) return xasprintf("%s/.config/artriage/config.yaml", home);
    return NULL;
}

int config_load(const char *path, const char *const *actions, struct config **out, char *err, size_t errlen)
{
    *out = NULL;
    bool given = path != NULL;
    char *def = given ? NULL : config_default_path();
    const char *file = given ? path : def;
    if (!file) {
        *out = config_empty();
        return 0;
    }
    int fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        int e = errno;
        if (!given && (e == ENOENT || e == ENOTDIR)) {
            free(def);
            *out = config_empty();
            return 0;
        }
        errf(err, errlen, "config %s: %s", file, strerror(e));
        free(def);
        return -1;
    }
    struct stat st;
    int rc = 0;
    if (fstat(fd, &st) != 0) rc = errf(err, errlen, "config %s: %s", file, strerror(errno));
    else if (!S_ISREG(st.st_mode)) rc = errf(err, errlen, "config %s: not a regular file", file);
    else if (st.st_uid != geteuid() && st.st_uid != 0)
        rc = errf(err, errlen, "config %s: owned by uid %u, not by you; refusing to read it", file, (unsigned)st.st_uid);
    else if (st.st_mode & (S_IWGRP | S_IWOTH))
        rc = errf(err, errlen, "config %s: writable by group or others (mode %04o); refusing to read it "
                  "(chmod go-w %s)", file, (unsigned)(st.st_mode & 07777), file);
    else if (st.st_size > (off_t)CONFIG_MAX_BYTES)
        rc = errf(err, errlen, "config %s: %lld bytes; a config file is at most %u", file, (long long)st.st_size,
                  CONFIG_MAX_BYTES);
    char *data = NULL;
    size_t len = 0;
    if (rc == 0) {
        data = xmalloc(CONFIG_MAX_BYTES + 1);
        for (;;) {
            ssize_t r = read(fd, data + len, CONFIG_MAX_BYTES + 1 - len);
            if (r < 0 && errno == EINTR) continue;
            if (r < 0) {
                rc = errf(err, errlen, "config %s: %s", file, strerror(errno));
                break;
            }
            if (r == 0) break;
            len += (size_t)r;
            if (len > CONFIG_MAX_BYTES) break; /* grew since fstat: config_parse refuses it */
        }
    }
    close(fd);
    if (rc == 0) rc = config_parse(data, len, file, actions, out, err, errlen);
    if (rc == 0) (*out)->path = xstrdup(file);
    free(data);
    free(def);
    return rc;
}

void config_free(struct config *c)
{
    if (!c) return;
    free(c->path);
    free(c->kubeconfig);
    free(c->context);
    for (size_t i = 0; i < c->ncontexts; i++) free(c->contexts[i]);
    free(c->contexts);
    free(c->ns);
    free(c->db);
    free(c->refresh);
    free(c->rules);
    for (size_t i = 0; i < c->nbindings; i++) free(c->bindings[i].action);
    free(c->bindings);
    for (size_t i = 0; i < c->nhotkeys; i++) free(c->hotkeys[i].command);
    free(c->hotkeys);
    for (size_t i = 0; i < c->nwarnings; i++) free(c->warnings[i]);
    free(c->warnings);
    free(c);
}
