/* cJSON -> YAML through libyaml's emitter (util/yamlout): read back with
 * libyaml's parser, every string is the same string (sanitised), and a
 * string that a YAML 1.1 reader would resolve to null, a bool, a number or
 * a timestamp is not plain; numbers, bools and null are plain; control
 * bytes never reach the output. The resolver below is the test's own,
 * written from the YAML 1.1 type regexps, not the module's. */
#include <check.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>
#include "util/err.h"
#include "util/yamlout.h"

/* YAML 1.1 implicit types (yaml.org/type: null, bool, int, float, timestamp, merge, value) */
static bool resolves_non_string(const char *s)
{
    static const char *const re[] = {
        "^(~|null|Null|NULL|)$",
        "^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$",
        "^[-+]?0b[0-1_]+$", "^[-+]?0[0-7_]+$", "^[-+]?(0|[1-9][0-9_]*)$", "^[-+]?0x[0-9a-fA-F_]+$",
        "^[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+$",
        "^[-+]?([0-9][0-9_]*)?\\.[0-9.]*([eE][-+][0-9]+)?$", "^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\\.[0-9_]*$",
        "^[-+]?\\.(inf|Inf|INF)$", "^\\.(nan|NaN|NAN)$",
        "^[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?([Tt]|[ \t]+)?",
        "^<<$", "^=$",
        /* YAML 1.2 core, which some readers use: 1e3 without a point */
        "^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$", "^0o[0-7]+$",
    };
    for (size_t i = 0; i < sizeof re / sizeof *re; i++) {
        regex_t r;
        ck_assert_int_eq(regcomp(&r, re[i], REG_EXTENDED | REG_NOSUB), 0);
        int m = regexec(&r, s, 0, NULL, 0);
        regfree(&r);
        if (m == 0) return true;
    }
    return false;
}

static const char *const HOSTILE[] = {
    "", "yes", "No", "on", "OFF", "y", "~", "null", "NULL", "true", "False", "0", "012", "0x1F", "0o17",
    "1e3", "1.5", "-.inf", ".NaN", "+12", "1_000", "1:20", "2026-02-25", "2026-02-25T10:00:00Z", "<<", "=",
    "- item", "key: value", "a #comment", "#x", "[a]", "{b}", "&anchor", "*alias", "!tag", "|", ">", "%x",
    "@at", "`tick", "'single'", "\"double\"", " lead", "trail ", "multi\nline", "tab\there",
    "esc\033]0;TITLE\007", "c1\xc2\x9b" "2J", "bidi\xe2\x80\xae", "ok-plain", "codex/hostile", "sha256:abc",
    "ünïcode", "?", "-", ":", "...", "---",
};

struct reader {
    yaml_parser_t p;
    yaml_event_t ev;
};

static void next(struct reader *r)
{
    ck_assert_msg(yaml_parser_parse(&r->p, &r->ev), "YAML does not parse back: %s", r->p.problem);
}

START_TEST(strings_round_trip_and_ambiguous_ones_are_quoted)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *seq = cJSON_AddArrayToObject(root, "values");
    size_t n = sizeof HOSTILE / sizeof *HOSTILE;
    for (size_t i = 0; i < n; i++) cJSON_AddItemToArray(seq, cJSON_CreateString(HOSTILE[i]));
    /* hostile keys, too */
    cJSON_AddStringToObject(root, "yes", "key-like-bool");
    cJSON_AddNumberToObject(root, "int", 42);
    cJSON_AddNumberToObject(root, "float", 2.5);
    cJSON_AddNumberToObject(root, "big", 1e21);
    cJSON_AddBoolToObject(root, "bool", 1);
    cJSON_AddNullToObject(root, "nothing");

    struct buf out = {0};
    char err[ERRLEN];
    ck_assert_msg(yaml_from_json(root, false, &out, err, sizeof err) == 0, "%s", err);
    for (size_t i = 0; i < out.len; i++) {
        unsigned char c = (unsigned char)out.p[i];
        ck_assert_msg(c >= 0x20 || c == '\n', "control byte 0x%02x in the YAML at %zu", c, i);
        if (c == 0xc2 && i + 1 < out.len)
            ck_assert_msg((unsigned char)out.p[i + 1] < 0x80 || (unsigned char)out.p[i + 1] > 0x9f,
                          "a C1 control in the YAML at %zu", i);
    }

    struct reader r;
    ck_assert(yaml_parser_initialize(&r.p));
    yaml_parser_set_input_string(&r.p, (const unsigned char *)out.p, out.len);
    size_t seen = 0, scalars = 0;
    bool in_seq = false;
    int depth = 0;
    for (;;) {
        next(&r);
        yaml_event_type_t t = r.ev.type;
        if (t == YAML_STREAM_END_EVENT) {
            yaml_event_delete(&r.ev);
            break;
        }
        if (t == YAML_MAPPING_START_EVENT || t == YAML_SEQUENCE_START_EVENT) depth++;
        if (t == YAML_SEQUENCE_START_EVENT) in_seq = true;
        if (t == YAML_SEQUENCE_END_EVENT) in_seq = false;
        if (t == YAML_MAPPING_END_EVENT || t == YAML_SEQUENCE_END_EVENT) depth--;
        if (t == YAML_SCALAR_EVENT) {
            const char *v = (const char *)r.ev.data.scalar.value;
            bool plain = r.ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
            scalars++;
            if (in_seq) {
                ck_assert_uint_lt(seen, n);
                const char *want = HOSTILE[seen++];
                /* what was safe to print comes back as it was */
                if (!strpbrk(want, "\033\007") && !strstr(want, "\xc2\x9b") && !strstr(want, "\xe2\x80\xae"))
                    ck_assert_msg(strcmp(v, want) == 0, "[%s] came back as [%s]", want, v);
                ck_assert_msg(!(plain && resolves_non_string(v)), "[%s] is plain, a reader takes it for a non-string", v);
            } else if (strcmp(v, "yes") == 0) {
                ck_assert_msg(!plain, "the key yes is plain");
            } else if (plain) {
                /* numbers, bools, null and ordinary keys */
                ck_assert(strcmp(v, "42") == 0 || strcmp(v, "2.5") == 0 || strcmp(v, "1.0e+21") == 0 ||
                          strcmp(v, "true") == 0 || strcmp(v, "null") == 0 || !resolves_non_string(v));
            }
        }
        yaml_event_delete(&r.ev);
    }
    ck_assert_uint_eq(seen, n);
    ck_assert_uint_gt(scalars, n + 10);
    yaml_parser_delete(&r.p);
    ck_assert_ptr_nonnull(strstr(out.p, "\nint: 42\n"));
    ck_assert_ptr_nonnull(strstr(out.p, "\nbig: 1.0e+21\n"));
    ck_assert_ptr_nonnull(strstr(out.p, "\nnothing: null\n"));
    ck_assert_ptr_nonnull(strstr(out.p, "\nbool: true\n"));
    ck_assert_ptr_nonnull(strstr(out.p, "^[]0;TITLE^G"));
    buf_free(&out);
    cJSON_Delete(root);
}
END_TEST

START_TEST(ambiguity_predicate)
{
    for (size_t i = 0; i < sizeof HOSTILE / sizeof *HOSTILE; i++)
        if (resolves_non_string(HOSTILE[i]))
            ck_assert_msg(yaml_plain_is_ambiguous(HOSTILE[i]), "[%s] not seen as ambiguous", HOSTILE[i]);
    ck_assert(!yaml_plain_is_ambiguous("codex-agent"));
    ck_assert(!yaml_plain_is_ambiguous("Failed"));
}
END_TEST

START_TEST(document_shapes)
{
    struct buf out = {0};
    char err[ERRLEN];
    cJSON *a = cJSON_Parse("[{\"name\":\"x\",\"attempt\":\"\"},{\"name\":\"y\",\"pods\":[]}]");
    ck_assert_int_eq(yaml_from_json(a, false, &out, err, sizeof err), 0);
    /* "y" is a bool to YAML 1.1 */
    ck_assert_str_eq(out.p, "- name: x\n  attempt: \"\"\n- name: \"y\"\n  pods: []\n");
    cJSON_Delete(a);
    buf_free(&out);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("yamlout");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, strings_round_trip_and_ambiguous_ones_are_quoted);
    tcase_add_test(tc, ambiguity_predicate);
    tcase_add_test(tc, document_shapes);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
