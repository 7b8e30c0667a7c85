/* kubectl's JSONPath subset (util/jsonpath): fields, [*], indexes, slices,
 * range/end, quoted text; kubectl's printing (space-separated results,
 * strings raw but sanitised, objects as compact JSON with sorted keys and
 * Go's escapes, numbers as Go prints them); and the refusals with one
 * sentence: filters, recursive descent, unions, unclosed braces. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "util/err.h"
#include "util/jsonpath.h"

static const char *DOC =
    "{\"kind\":\"List\",\"items\":["
    "{\"name\":\"a\",\"phase\":\"Failed\",\"n\":3,\"f\":{\"z\":1,\"a\":\"<&>\"},\"tags\":[\"x\",\"y\"]},"
    "{\"name\":\"b\",\"phase\":null,\"n\":1234567.5,\"ok\":true,\"tags\":[]},"
    "{\"name\":\"c\\u001b]52;c;QUFB\\u0007\",\"phase\":\"Succeeded\",\"n\":0.00001,\"tags\":[\"z\"]}],"
    "\"a.b\":\"dotted\",\"big\":1e21}";

static char *run(const char *tmpl)
{
    char err[ERRLEN];
    cJSON *j = cJSON_Parse(DOC);
    ck_assert_ptr_nonnull(j);
    struct jsonpath *t = jsonpath_parse(tmpl, err, sizeof err);
    ck_assert_msg(t != NULL, "%s: %s", tmpl, err);
    struct buf b = {0};
    int rc = jsonpath_exec(t, j, &b, err, sizeof err);
    ck_assert_msg(rc == 0, "%s: %s", tmpl, err);
    jsonpath_free(t);
    cJSON_Delete(j);
    return b.p ? b.p : strdup("");
}

#define EXPECT(tmpl, want)                                                  \
    do {                                                                    \
        char *got_ = run(tmpl);                                             \
        ck_assert_msg(strcmp(got_, want) == 0, "%s -> [%s], want [%s]", tmpl, got_, want); \
        free(got_);                                                         \
    } while (0)

START_TEST(paths)
{
    EXPECT("{.kind}", "List");
    EXPECT("kind={.kind}!", "kind=List!");
    EXPECT("{$.kind} {@.kind}", "List List");
    EXPECT("{.items[*].phase}", "Failed null Succeeded");
    EXPECT("{.items[0].name}{.items[-1].phase}", "aSucceeded");
    EXPECT("{.items[0:2].name}", "a b");
    EXPECT("{.items[1:].phase}", "null Succeeded");
    EXPECT("{.items[3:].phase}{.items[1:1]}", ""); /* empty slices */
    EXPECT("{.items[:1].n}", "3");
    EXPECT("{.items[*].tags[*]}", "x y z");
    EXPECT("{['a.b']}", "dotted");
    EXPECT("{.items[0]['phase']}", "Failed");
    EXPECT("{.items[0].f.*}", "1 <&>");
    EXPECT("{.missing}|{.items[*].missing}|{.kind.deeper}", "||");
    EXPECT("{.items[1].ok} {.items[0].tags}", "true [\"x\",\"y\"]");
}
END_TEST

START_TEST(range_and_text)
{
    EXPECT("{range .items[*]}{.name}:{.n}{\"\\n\"}{end}", "a:3\nb:1.2345675e+06\nc^[]52;c;QUFB^G:1e-05\n");
    EXPECT("{range .items[*]}[{range .tags[*]}{@},{end}]{end}", "[x,y,][][z,]");
    EXPECT("{\"\\t\"}{'x'}{\"\\u00e9\"}", "\txé");
    EXPECT("{range .items[3:]}never{end}done", "done");
}
END_TEST

START_TEST(printing)
{
    /* objects: compact, keys sorted, Go's HTML escapes */
    EXPECT("{.items[0].f}", "{\"a\":\"\\u003c\\u0026\\u003e\",\"z\":1}");
    /* numbers as Go's %v: integers whole, floats shortest, e from 1e6 */
    EXPECT("{.items[0].n} {.items[1].n} {.items[2].n} {.big}", "3 1.2345675e+06 1e-05 1e+21");
    /* a string is printed raw, but its control bytes as text */
    char *s = run("{.items[2].name}");
    ck_assert_ptr_null(strchr(s, '\033'));
    ck_assert_ptr_null(strchr(s, '\007'));
    ck_assert_ptr_nonnull(strstr(s, "52;c;QUFB"));
    free(s);
}
END_TEST

static void refused(const char *tmpl, const char *want)
{
    char err[ERRLEN] = "";
    struct jsonpath *t = jsonpath_parse(tmpl, err, sizeof err);
    ck_assert_msg(t == NULL, "%s was accepted", tmpl);
    ck_assert_msg(strstr(err, want) != NULL, "%s: [%s] lacks [%s]", tmpl, err, want);
}

START_TEST(refusals)
{
    refused("{.items[?(@.phase==\"Failed\")].name}", "filter expressions");
    refused("{..name}", "recursive descent");
    refused("{.items[0,1]}", "unions");
    refused("{.items[0:2:1]}", "slice steps");
    refused("{.kind", "is not closed");
    refused("{range .items[*]}{.name}", "without {end}");
    refused("{end}", "without a {range}");
    refused("{}", "empty action");
    refused("{.items[x]}", "is not an index");
    refused("{kind}", "a field starts with '.'");
    refused("{\"\\q\"}", "unknown escape");
    refused("{.items[0}", "without ']'");
    /* an error never echoes control bytes */
    char err[ERRLEN];
    ck_assert_ptr_null(jsonpath_parse("{.a\033[2J[?(x)]}", err, sizeof err));
    ck_assert_ptr_null(strchr(err, '\033'));
}
END_TEST

START_TEST(index_out_of_bounds)
{
    char err[ERRLEN];
    cJSON *j = cJSON_Parse(DOC);
    struct jsonpath *t = jsonpath_parse("x{.items[3].name}", err, sizeof err);
    ck_assert_ptr_nonnull(t);
    struct buf b = {0};
    ck_assert_int_ne(jsonpath_exec(t, j, &b, err, sizeof err), 0);
    ck_assert_str_eq(err, "array index out of bounds: index 3, length 3");
    jsonpath_free(t);
    /* as kubectl: a slice past the end, a negative index before the start */
    t = jsonpath_parse("{.items[0:5]}", err, sizeof err);
    ck_assert_int_ne(jsonpath_exec(t, j, &b, err, sizeof err), 0);
    ck_assert_str_eq(err, "array index out of bounds: index 4, length 3");
    jsonpath_free(t);
    t = jsonpath_parse("{.items[-4]}", err, sizeof err);
    ck_assert_int_ne(jsonpath_exec(t, j, &b, err, sizeof err), 0);
    ck_assert_str_eq(err, "array index out of bounds: index -1, length 3");
    buf_free(&b);
    jsonpath_free(t);
    cJSON_Delete(j);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("jsonpath");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, paths);
    tcase_add_test(tc, range_and_text);
    tcase_add_test(tc, printing);
    tcase_add_test(tc, refusals);
    tcase_add_test(tc, index_out_of_bounds);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
