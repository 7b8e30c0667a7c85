/* Unit tests for src/config: the user's config file, good and hostile. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "config/config.h"
#include "util/err.h"
#include "util/xalloc.h"

static const char *const actions[] = {"down", "up", "help", "next-failed", "copy", NULL};

static struct config *ok(const char *text)
{
    struct config *c = NULL;
    char err[ERRLEN] = "";
    int rc = config_parse(text, strlen(text), "cfg.yaml", actions, &c, err, sizeof err);
    ck_assert_msg(rc == 0, "unexpected error: %s", err);
    ck_assert_ptr_nonnull(c);
    return c;
}

/* The one-line error for text; the caller frees. */
static char *bad(const char *text, size_t len)
{
    struct config *c = (struct config *)1;
    char err[ERRLEN] = "";
    int rc = config_parse(text, len, "cfg.yaml", actions, &c, err, sizeof err);
    ck_assert_int_eq(rc, -1);
    ck_assert_ptr_null(c);
    ck_assert_ptr_null(strchr(err, '\n'));
    ck_assert_msg(strncmp(err, "cfg.yaml", 8) == 0, "error does not name the file: %s", err);
    return xstrdup(err);
}

#define BAD_HAS(text, want)                                                          \
    do {                                                                             \
        char *e_ = bad(text, strlen(text));                                          \
        ck_assert_msg(strstr(e_, want), "error '%s' lacks '%s'", e_, want);          \
        free(e_);                                                                    \
    } while (0)

START_TEST(defaults_keys_skin_hotkeys)
{
    struct config *c = ok("# mine\n"
                          "context: staging\n"
                          "namespace: agents\n"
                          "all-namespaces: false\n"
                          "refresh: 2s\n"
                          "db: ~/h.db\n"
                          "no-color: yes\n"
                          "keys:\n"
                          "  next-failed: N\n"
                          "  help: [F1, \"^H\"]\n"
                          "skin:\n"
                          "  failed: bold magenta\n"
                          "  header: white on blue\n"
                          "  cursor: {fg: black, bg: 214, underline: true}\n"
                          "hotkeys:\n"
                          "  F2: \"ctx staging\"\n"
                          "  \"^G\": \":ns agents\"\n");
    ck_assert_str_eq(c->context, "staging");
    ck_assert_str_eq(c->ns, "agents");
    ck_assert_int_eq(c->all_namespaces, 0);
    ck_assert_int_eq(c->no_color, 1);
    ck_assert_int_eq(c->read_only, CFG_UNSET);
    ck_assert_str_eq(c->refresh, "2s");
    const char *home = getenv("HOME");
    char *want = xasprintf("%s/h.db", home ? home : "");
    if (home && *home) ck_assert_str_eq(c->db, want);
    free(want);
    ck_assert_uint_eq(c->nbindings, 3);
    ck_assert_str_eq(c->bindings[0].action, "next-failed");
    ck_assert_int_eq(c->bindings[0].key.kind, CFG_KEY_CHAR);
    ck_assert_uint_eq(c->bindings[0].key.code, 'N');
    ck_assert_uint_eq(c->bindings[0].line, 9);
    ck_assert_int_eq(c->bindings[1].key.kind, CFG_KEY_FN);
    ck_assert_uint_eq(c->bindings[2].key.code, 8);
    ck_assert(c->skin[CFG_ROLE_FAILED].set);
    ck_assert_int_eq(c->skin[CFG_ROLE_FAILED].fg, 5);
    ck_assert_int_eq(c->skin[CFG_ROLE_FAILED].bg, CFG_COLOR_UNSET);
    ck_assert_uint_eq(c->skin[CFG_ROLE_FAILED].attrs, CFG_ATTR_BOLD);
    ck_assert_int_eq(c->skin[CFG_ROLE_HEADER].fg, 7);
    ck_assert_int_eq(c->skin[CFG_ROLE_HEADER].bg, 4);
    ck_assert(!c->skin[CFG_ROLE_HEADER].attrs_set);
    ck_assert_int_eq(c->skin[CFG_ROLE_CURSOR].bg, 214);
    ck_assert_uint_eq(c->skin[CFG_ROLE_CURSOR].attrs, CFG_ATTR_UNDERLINE);
    ck_assert(!c->skin[CFG_ROLE_STATUS].set);
    ck_assert_uint_eq(c->nhotkeys, 2);
    ck_assert_str_eq(c->hotkeys[0].command, "ctx staging");
    ck_assert_str_eq(c->hotkeys[1].command, "ns agents");
    ck_assert_uint_eq(c->hotkeys[1].key.code, 7);
    ck_assert_uint_eq(c->nwarnings, 0);
    config_free(c);
}
END_TEST

START_TEST(empty_and_null_files_are_empty_configs)
{
    const char *texts[] = {"", "\n# nothing\n", "~\n", "---\n...\n"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        struct config *c = ok(texts[i]);
        ck_assert_ptr_null(c->context);
        ck_assert_int_eq(c->no_color, CFG_UNSET);
        ck_assert_uint_eq(c->nbindings + c->nhotkeys + c->nwarnings, 0);
        config_free(c);
    }
}
END_TEST

START_TEST(unknown_keys_are_warnings_with_file_line)
{
    struct config *c = ok("context: a\n"
                          "colour-scheme: dark\n"
                          "keys:\n"
                          "  teleport: T\n"
                          "skin:\n"
                          "  sparkles: red\n"
                          "  failed: {fg: red, blink: true}\n");
    ck_assert_str_eq(c->context, "a");
    ck_assert_uint_eq(c->nwarnings, 4);
    ck_assert_str_eq(c->warnings[0], "cfg.yaml:2:1: unknown key 'colour-scheme' (ignored)");
    ck_assert_str_eq(c->warnings[1], "cfg.yaml:4:3: unknown action 'teleport' (ignored)");
    ck_assert_str_eq(c->warnings[2], "cfg.yaml:6:3: unknown skin role 'sparkles' (ignored)");
    ck_assert_str_eq(c->warnings[3], "cfg.yaml:7:21: unknown style key 'blink' (ignored)");
    ck_assert_int_eq(c->skin[CFG_ROLE_FAILED].fg, 1);
    ck_assert_uint_eq(c->nbindings, 0);
    config_free(c);
}
END_TEST

START_TEST(wrong_types_name_line_and_column)
{
    BAD_HAS("context: []\n", "cfg.yaml:1:10: context: an empty list of contexts");
    BAD_HAS("context: [a, [b]]\n", "cfg.yaml:1:14: context: expected a text value, got a list");
    BAD_HAS("context: [a, {b: c}]\n", "context: expected a text value, got a mapping");
    BAD_HAS("context: [a, \"b\\tc\"]\n", "context: the value holds a control character");
    BAD_HAS("a: 1\nno-color: maybe\n", "cfg.yaml:2:11: no-color: expected true or false, got 'maybe'");
    BAD_HAS("no-color: \"true\"\n", "expected true or false");
    BAD_HAS("namespace: Not_A_Label\n", "cfg.yaml:1:12: namespace 'Not_A_Label' is not a valid namespace");
    BAD_HAS("refresh: soon\n", "cfg.yaml:1:10: refresh 'soon' is not a duration");
    BAD_HAS("keys: [a]\n", "cfg.yaml:1:7: keys: expected a mapping, got a list");
    BAD_HAS("keys:\n  help: F99\n", "cfg.yaml:2:9: 'F99': function keys are F1 to F24");
    BAD_HAS("keys:\n  help: Hyper-X\n", "'Hyper-X' is not a key");
    BAD_HAS("keys:\n  help: {a: b}\n", "expected a key such as F2 or ^G, got a mapping");
    BAD_HAS("skin:\n  failed: chartreuse\n", "cfg.yaml:2:11: 'chartreuse' is not a colour");
    BAD_HAS("skin:\n  failed: red blue\n", "two foreground colours");
    BAD_HAS("skin:\n  failed: 256\n", "'256' is not a colour");
    BAD_HAS("hotkeys:\n  F2: [ctx, a]\n", "F2: expected a text value, got a list");
    BAD_HAS("hotkeys:\n  F2: \":\"\n", "F2: an empty command");
    BAD_HAS("hotkeys:\n  F2: \"ns a\\nq\"\n", "control character");
    BAD_HAS("- a\n- b\n", "cfg.yaml:1:1: the file must be a mapping");
    BAD_HAS("context: a\ncontext: b\n", "cfg.yaml:2:1: 'context' is given twice in the file (first on line 1)");
    BAD_HAS("? [a]\n: b\n", "is a list, not a name");
    BAD_HAS("keys:\n  help: F2\nhotkeys:\n  F2: ns a\n", "cfg.yaml:4:3: the hotkey F2 is also bound to the action help");
    BAD_HAS("context: a\n---\ncontext: b\n", "more than one YAML document");
    BAD_HAS("context: \"a\n", "cfg.yaml:");
    BAD_HAS("context: a\n  b: c\n", "cfg.yaml:2:");
}
END_TEST

/* context: one name, or a list of names the console and record follow;
 * context is the first either way. */
START_TEST(context_name_or_list)
{
    struct config *c = ok("context: staging\n");
    ck_assert_str_eq(c->context, "staging");
    ck_assert_uint_eq(c->ncontexts, 1);
    ck_assert_str_eq(c->contexts[0], "staging");
    config_free(c);
    c = ok("context: [east, west]\n");
    ck_assert_str_eq(c->context, "east");
    ck_assert_uint_eq(c->ncontexts, 2);
    ck_assert_str_eq(c->contexts[0], "east");
    ck_assert_str_eq(c->contexts[1], "west");
    config_free(c);
    c = ok("context:\n  - a\n  - b\n  - c\n");
    ck_assert_uint_eq(c->ncontexts, 3);
    ck_assert_str_eq(c->contexts[2], "c");
    config_free(c);
    c = ok("namespace: agents\n");
    ck_assert_ptr_null(c->context);
    ck_assert_uint_eq(c->ncontexts, 0);
    config_free(c);
}
END_TEST

START_TEST(hostile_nesting_aliases_and_sizes)
{
    /* deep nesting: refused at the limit, not recursed into */
    char *deep = xmalloc(200002);
    memset(deep, '[', 100000);
    memset(deep + 100000, ']', 100000);
    deep[200000] = 0;
    char *e = bad(deep, strlen(deep));
    ck_assert_msg(strstr(e, "nested more than"), "%s", e);
    free(e);
    char *deepmap = xasprintf("a: %s", "{b: {c: {d: {e: {f: {g: {h: {i: {j: 1}}}}}}}}}");
    e = bad(deepmap, strlen(deepmap));
    ck_assert_msg(strstr(e, "nested more than 8 levels"), "%s", e);
    free(e);
    free(deepmap);
    free(deep);
    /* a billion laughs needs aliases */
    BAD_HAS("a: &x [1, 2]\nb: [*x, *x]\n", "cfg.yaml:1:4: anchors and aliases");
    BAD_HAS("a: b\nc: *x\n", "cfg.yaml:2:4");
    /* one huge value */
    char *huge = xmalloc(5000 + 16);
    strcpy(huge, "context: ");
    memset(huge + 9, 'x', 5000);
    huge[5009] = '\n';
    huge[5010] = 0;
    e = bad(huge, strlen(huge));
    ck_assert_msg(strstr(e, "cfg.yaml:1:10: a value of 5000 bytes"), "%s", e);
    free(e);
    free(huge);
    /* a file over the size limit */
    size_t n = CONFIG_MAX_BYTES + 10;
    char *big = xmalloc(n);
    memset(big, '#', n);
    e = bad(big, n);
    ck_assert_msg(strstr(e, "a config file is at most"), "%s", e);
    free(e);
    free(big);
    /* many values */
    struct { char *p; size_t n; } many = {NULL, 0};
    FILE *f = open_memstream(&many.p, &many.n);
    fputs("x: [", f);
    for (int i = 0; i < CONFIG_MAX_NODES + 10; i++) fputs("1,", f);
    fputs("1]\n", f);
    fclose(f);
    e = bad(many.p, many.n);
    ck_assert_msg(strstr(e, "more than 4096 values"), "%s", e);
    free(e);
    free(many.p);
    /* NUL bytes: in the text, and in an escaped value */
    static const char nul[] = "context: a\0b\n";
    e = bad(nul, sizeof nul - 1);
    free(e);
    BAD_HAS("context: \"a\\0b\"\n", "NUL");
    /* not UTF-8 */
    BAD_HAS("context: \xff\xfe\n", "cfg.yaml:");
}
END_TEST

START_TEST(key_names_round_trip)
{
    struct {
        const char *in, *name;
    } k[] = {
        {"j", "j"},          {"^G", "^G"},     {"C-g", "^G"},  {"ctrl+G", "^G"}, {"F2", "F2"},
        {"f12", "F12"},      {"space", "Space"}, {" ", "Space"}, {"pagedown", "PgDn"}, {"S-Tab", "S-Tab"},
        {"enter", "Enter"},  {"\xc3\xa9", "\xc3\xa9"}, {"Esc", "Esc"}, {"^[", "^["},
    };
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
        struct config_key key;
        char err[ERRLEN], name[32];
        ck_assert_msg(config_key_parse(k[i].in, &key, err, sizeof err) == 0, "%s: %s", k[i].in, err);
        config_key_name(&key, name, sizeof name);
        ck_assert_str_eq(name, k[i].name);
    }
    const char *badk[] = {"", "F0", "F25", "^1", "jk", "\t", "\x7f", "Ctrl-", "FF"};
    for (size_t i = 0; i < sizeof badk / sizeof badk[0]; i++) {
        struct config_key key;
        char err[ERRLEN];
        ck_assert_msg(config_key_parse(badk[i], &key, err, sizeof err) == -1, "'%s' taken", badk[i]);
    }
}
END_TEST

static char *tmpdir(void)
{
    char tmpl[] = "/tmp/artriage-config-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(tmpl));
    return xstrdup(tmpl);
}

static void write_file(const char *path, const char *text, mode_t mode)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    ck_assert_int_eq(chmod(path, mode), 0);
}

START_TEST(load_default_path_permissions)
{
    char *dir = tmpdir();
    setenv("XDG_CONFIG_HOME", dir, 1);
    char *p = config_default_path();
    char *want = xasprintf("%s/artriage/config.yaml", dir);
    ck_assert_str_eq(p, want);
    free(want);
    /* missing default file: an empty config */
    struct config *c = NULL;
    char err[ERRLEN] = "";
    ck_assert_int_eq(config_load(NULL, actions, &c, err, sizeof err), 0);
    ck_assert_ptr_null(c->path);
    config_free(c);
    /* a missing file named with --config is an error */
    ck_assert_int_eq(config_load(p, actions, &c, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "No such file"));
    char *sub = xasprintf("%s/artriage", dir);
    ck_assert_int_eq(mkdir(sub, 0700), 0);
    write_file(p, "context: from-file\n", 0600);
    ck_assert_int_eq(config_load(NULL, actions, &c, err, sizeof err), 0);
    ck_assert_str_eq(c->context, "from-file");
    ck_assert_str_eq(c->path, p);
    config_free(c);
    /* writable by group or others: refused, one line */
    ck_assert_int_eq(chmod(p, 0620), 0);
    ck_assert_int_eq(config_load(NULL, actions, &c, err, sizeof err), -1);
    ck_assert_ptr_null(c);
    ck_assert_msg(strstr(err, "writable by group or others (mode 0620)"), "%s", err);
    ck_assert_int_eq(chmod(p, 0602), 0);
    ck_assert_int_eq(config_load(p, actions, &c, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "chmod go-w"), "%s", err);
    ck_assert_int_eq(chmod(p, 0644), 0); /* readable by others is fine: no secrets in it */
    ck_assert_int_eq(config_load(p, actions, &c, err, sizeof err), 0);
    config_free(c);
    /* a directory */
    ck_assert_int_eq(config_load(sub, actions, &c, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "not a regular file"), "%s", err);
    /* a relative XDG_CONFIG_HOME is ignored (XDG spec): HOME's .config */
    setenv("XDG_CONFIG_HOME", "rel", 1);
    setenv("HOME", dir, 1);
    char *p2 = config_default_path();
    want = xasprintf("%s/.config/artriage/config.yaml", dir);
    ck_assert_str_eq(p2, want);
    free(want);
    free(p2);
    unlink(p);
    rmdir(sub);
    rmdir(dir);
    free(sub);
    free(p);
    free(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, defaults_keys_skin_hotkeys);
    tcase_add_test(tc, context_name_or_list);
    tcase_add_test(tc, empty_and_null_files_are_empty_configs);
    tcase_add_test(tc, unknown_keys_are_warnings_with_file_line);
    tcase_add_test(tc, wrong_types_name_line_and_column);
    tcase_add_test(tc, hostile_nesting_aliases_and_sizes);
    tcase_add_test(tc, key_names_round_trip);
    tcase_add_test(tc, load_default_path_permissions);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
