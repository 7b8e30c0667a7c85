/* Unit tests for src/kube/lines.c: watch streams split at every possible
 * chunk boundary frame into the same events (ADDED, BOOKMARK, an ERROR
 * 410), oversized lines are cut, and event lines are decoded safely. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "kube/lines.h"
#include "util/buf.h"

static const char STREAM[] =
    "{\"type\":\"ADDED\",\"object\":{\"kind\":\"AgentRun\",\"metadata\":{\"name\":\"a\",\"uid\":\"u1\",\"resourceVersion\":\"10\"}}}\n"
    "{\"type\":\"MODIFIED\",\"object\":{\"metadata\":{\"name\":\"a\",\"uid\":\"u1\",\"resourceVersion\":\"11\"},\"status\":{\"message\":\"line\\nbreak\"}}}\r\n"
    "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"AgentRun\",\"metadata\":{\"resourceVersion\":\"12\"}}}\n"
    "{\"type\":\"DELETED\",\"object\":{\"metadata\":{\"name\":\"a\",\"uid\":\"u1\",\"resourceVersion\":\"13\"}}}\n"
    "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"code\":410,\"reason\":\"Expired\",\"message\":\"too old resource version\"}}\n";

struct seen {
    struct buf log;
    int lines, overflow, partial, stop_after;
};

static int on_line(void *ud, const char *line, size_t len, const struct kube_line_info *info)
{
    struct seen *s = ud;
    s->lines++;
    if (info->overflow) s->overflow++;
    if (info->partial) s->partial++;
    struct kube_event ev;
    char err[256];
    if (kube_event_parse(line, len, &ev, err, sizeof err) == 0) {
        buf_printf(&s->log, "%s %s %s|", kube_event_type_name(ev.type), ev.uid ? ev.uid : "-", ev.rv ? ev.rv : "-");
        cJSON_Delete(ev.root);
    } else {
        buf_printf(&s->log, "bad(%zu)|", len);
    }
    return s->stop_after && s->lines >= s->stop_after;
}

static const char *WANT = "ADDED u1 10|MODIFIED u1 11|BOOKMARK - 12|DELETED u1 13|ERROR - -|";

START_TEST(every_split_offset_gives_the_same_events)
{
    size_t n = sizeof STREAM - 1;
    for (size_t a = 0; a <= n; a++) {
        /* two cuts: a, and a second one at a varying distance */
        for (size_t b = a; b <= n; b += (b < a + 8 ? 1 : 37)) {
            struct kube_lines l;
            kube_lines_init(&l, 1 << 20);
            struct seen s = {0};
            ck_assert_int_eq(kube_lines_feed(&l, STREAM, a, on_line, &s), 0);
            ck_assert_int_eq(kube_lines_feed(&l, STREAM + a, b - a, on_line, &s), 0);
            ck_assert_int_eq(kube_lines_feed(&l, STREAM + b, n - b, on_line, &s), 0);
            ck_assert_int_eq(kube_lines_finish(&l, on_line, &s), 0);
            ck_assert_msg(strcmp(s.log.p, WANT) == 0, "split %zu/%zu: %s", a, b, s.log.p);
            ck_assert_int_eq(s.partial, 0);
            buf_free(&s.log);
            kube_lines_free(&l);
        }
    }
    /* byte by byte */
    struct kube_lines l;
    kube_lines_init(&l, 1 << 20);
    struct seen s = {0};
    for (size_t i = 0; i < n; i++) kube_lines_feed(&l, STREAM + i, 1, on_line, &s);
    kube_lines_finish(&l, on_line, &s);
    ck_assert_str_eq(s.log.p, WANT);
    buf_free(&s.log);
    kube_lines_free(&l);
}
END_TEST

START_TEST(overflow_partial_and_stop)
{
    struct kube_lines l;
    kube_lines_init(&l, 16);
    struct seen s = {0};
    const char *data = "short\nthis line is far too long for sixteen bytes\nok\ntail";
    /* split inside the long line to exercise the skip state */
    kube_lines_feed(&l, data, 20, on_line, &s);
    kube_lines_feed(&l, data + 20, strlen(data) - 20, on_line, &s);
    ck_assert_int_eq(s.lines, 3);
    ck_assert_int_eq(s.overflow, 1);
    kube_lines_finish(&l, on_line, &s);
    ck_assert_int_eq(s.lines, 4);
    ck_assert_int_eq(s.partial, 1);
    buf_free(&s.log);
    kube_lines_free(&l);

    kube_lines_init(&l, 1024);
    struct seen t = {.stop_after = 2};
    ck_assert_int_eq(kube_lines_feed(&l, STREAM, sizeof STREAM - 1, on_line, &t), 1);
    ck_assert_int_eq(t.lines, 2);
    buf_free(&t.log);
    kube_lines_free(&l);

    /* NUL bytes inside a line are passed through with the right length */
    kube_lines_init(&l, 1024);
    struct seen u = {0};
    kube_lines_feed(&l, "a\0b\n", 4, on_line, &u);
    ck_assert_str_eq(u.log.p, "bad(3)|");
    buf_free(&u.log);
    kube_lines_free(&l);
}
END_TEST

START_TEST(event_parse_rejects_garbage)
{
    struct kube_event ev;
    char err[256];
    const char *bad[] = {"", "{", "[]", "{\"type\":\"ADDED\"}", "{\"type\":\"ADDED\",\"object\":[]}",
                         "{\"type\":5,\"object\":{}}", "{\"type\":\"WHAT\",\"object\":{}}", "null"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_int_eq(kube_event_parse(bad[i], strlen(bad[i]), &ev, err, sizeof err), -1);
    const char *ok = "{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"uid\":7,\"resourceVersion\":[]}}} \r";
    ck_assert_int_eq(kube_event_parse(ok, strlen(ok), &ev, err, sizeof err), 0);
    ck_assert_ptr_null(ev.uid); /* wrong types read as absent */
    ck_assert_ptr_null(ev.rv);
    cJSON_Delete(ev.root);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("lines");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, every_split_offset_gives_the_same_events);
    tcase_add_test(tc, overflow_partial_and_stop);
    tcase_add_test(tc, event_parse_rejects_garbage);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
