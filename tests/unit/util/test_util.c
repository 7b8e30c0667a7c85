/* Unit tests for src/util: sanitiser, time parsing, JSON reads, buffers. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "util/buf.h"
#include "util/jsonutil.h"
#include "util/redact.h"
#include "util/sanitize.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

static char *san(const char *s, size_t n, unsigned flags)
{
    struct buf b = {0};
    sanitize_append(&b, s, n, flags);
    return buf_detach(&b);
}

START_TEST(sanitize_escapes_terminal_sequences)
{
    const char in[] = "run\x1b]0;pwned\x07 \x1b]52;c;SGVsbG8=\x07\x1b[2J\x1bP1$q\x1b\\ok";
    char *out = san(in, sizeof in - 1, 0);
    ck_assert_ptr_null(strchr(out, 0x1b));
    ck_assert_ptr_null(strchr(out, 0x07));
    ck_assert_str_eq(out, "run^[]0;pwned^G ^[]52;c;SGVsbG8=^G^[[2J^[P1$q^[\\ok");
    free(out);
}
END_TEST

START_TEST(sanitize_c1_cr_and_invalid_utf8)
{
    /* U+009B (CSI as C1) in UTF-8, a raw 0x9b byte, a bare CR, CRLF, NUL. */
    const char in[] = "a\xc2\x9b" "31mb\x9b" "c\rd\r\ne\0f\x7f";
    char *out = san(in, sizeof in - 1, SAN_KEEP_NEWLINE);
    ck_assert_str_eq(out, "a\\u009b31mb\\x9bc^Md\ne^@f^?");
    free(out);
    out = san("x\r", 2, 0);
    ck_assert_str_eq(out, "x");
    free(out);
}
END_TEST

START_TEST(sanitize_keeps_utf8_and_strips_sgr_on_request)
{
    const char in[] = "\x1b[31mfehler: caf\xc3\xa9 \xe7\x95\x8c\x1b[0m \xe2\x80\xae";
    char *out = san(in, sizeof in - 1, SAN_STRIP_SGR);
    ck_assert_str_eq(out, "fehler: caf\xc3\xa9 \xe7\x95\x8c \\u202e");
    free(out);
    out = san("a\tb\nc", 5, 0);
    ck_assert_str_eq(out, "a b^Jc");
    free(out);
    out = sanitize_str(NULL, 0);
    ck_assert_str_eq(out, "");
    free(out);
}
END_TEST

START_TEST(sanitize_overlong_and_surrogates_are_escaped)
{
    const char in[] = "\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80";
    char *out = san(in, sizeof in - 1, 0);
    ck_assert_ptr_null(strchr(out, (char)0xc0));
    ck_assert_str_eq(out, "\\xc0\\xaf\\xed\\xa0\\x80\\xf4\\x90\\x80\\x80");
    free(out);
}
END_TEST

START_TEST(time_rfc3339_roundtrip_and_rejects)
{
    int64_t ms;
    ck_assert_int_eq(time_parse_rfc3339("2026-02-25T08:00:00Z", &ms), 0);
    ck_assert_int_eq(ms, 1772006400000LL);
    ck_assert_int_eq(time_parse_rfc3339("2026-02-25T09:00:00.250+01:00", &ms), 0);
    ck_assert_int_eq(ms, 1772006400250LL);
    char out[32];
    time_format_rfc3339(1772006400000LL, out, sizeof out);
    ck_assert_str_eq(out, "2026-02-25T08:00:00Z");
    ck_assert_int_eq(time_parse_rfc3339("2026-02-25", &ms), -1);
    ck_assert_int_eq(time_parse_rfc3339("2026-13-25T08:00:00Z", &ms), -1);
    ck_assert_int_eq(time_parse_rfc3339("2026-02-25T08:00:00Zjunk", &ms), -1);
    ck_assert_int_eq(time_parse_rfc3339(NULL, &ms), -1);
}
END_TEST

START_TEST(time_leading_stamps)
{
    int64_t t;
    ck_assert_int_eq(time_parse_rfc3339("2026-02-25T09:12:40Z", &t), 0);
    ck_assert_int_eq(time_leading_stamp("2026-02-25T09:12:40Z Error: boom"), t);
    ck_assert_int_eq(time_leading_stamp("  [2026-02-25T09:12:40Z] Error"), t);
    ck_assert_int_eq(time_leading_stamp("Error at 2026-02-25T09:12:40Z"), TIME_NONE);
    ck_assert_int_eq(time_leading_stamp("2026-02-25 boom"), TIME_NONE);
    ck_assert_int_eq(time_leading_stamp(""), TIME_NONE);
    ck_assert_int_eq(time_leading_stamp(NULL), TIME_NONE);
}
END_TEST

START_TEST(time_durations)
{
    int64_t ms;
    ck_assert_int_eq(time_parse_duration("2h", &ms), 0);
    ck_assert_int_eq(ms, 7200000);
    ck_assert_int_eq(time_parse_duration("1h30m", &ms), 0);
    ck_assert_int_eq(ms, 5400000);
    ck_assert_int_eq(time_parse_duration("90d", &ms), 0);
    ck_assert_int_eq(time_parse_duration("3x", &ms), -1);
    ck_assert_int_eq(time_parse_duration("", &ms), -1);
    ck_assert_int_eq(time_parse_when("3d", 1000LL * 86400 * 10, &ms), 0);
    ck_assert_int_eq(ms, 1000LL * 86400 * 7);
    char a[16];
    time_format_age(3 * 3600 * 1000 + 4 * 60 * 1000, a, sizeof a);
    ck_assert_str_eq(a, "3h4m");
}
END_TEST

START_TEST(json_reads_are_type_checked)
{
    char err[128];
    const char *doc = "{\"a\":{\"b\":\"x\",\"n\":3,\"f\":1.5,\"s\":\"7\"},\"arr\":[1]}";
    cJSON *j = json_parse_n(doc, strlen(doc), "test", err, sizeof err);
    ck_assert_ptr_nonnull(j);
    ck_assert_str_eq(json_str(j, "a.b"), "x");
    ck_assert_ptr_null(json_str(j, "a.n"));
    ck_assert_ptr_null(json_str(j, "a.b.c"));
    int64_t v = 0;
    ck_assert_int_eq(json_int(j, "a.n", &v), 0);
    ck_assert_int_eq(v, 3);
    ck_assert_int_eq(json_int(j, "a.f", &v), -1);
    ck_assert_int_eq(json_int(j, "a.s", &v), -1);
    ck_assert_ptr_nonnull(json_arr(j, "arr"));
    ck_assert_ptr_null(json_obj(j, "arr"));
    cJSON_Delete(j);
    ck_assert_ptr_null(json_parse_n("{\"a\":", 5, "api response", err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "api response: invalid JSON"));
}
END_TEST

/* The JSON fields that are null when unknown: a time, a string, a number. */
START_TEST(json_adds_null_when_unknown)
{
    cJSON *o = cJSON_CreateObject();
    json_add_time(o, "t", 1772013600000);
    json_add_time(o, "none", TIME_NONE);
    json_add_str(o, "s", "x");
    json_add_str(o, "nos", NULL);
    json_add_int(o, "line", 7, true);
    json_add_int(o, "noline", -1, false);
    char *out = cJSON_PrintUnformatted(o);
    ck_assert_str_eq(out, "{\"t\":\"2026-02-25T10:00:00Z\",\"none\":null,\"s\":\"x\",\"nos\":null,"
                          "\"line\":7,\"noline\":null}");
    cJSON_free(out);
    cJSON_Delete(o);
}
END_TEST

START_TEST(json_print_safe_escapes_what_cjson_copies_raw)
{
    cJSON *o = cJSON_CreateObject();
    /* a raw log byte 0x9b (invalid UTF-8), U+009B CSI, DEL, U+202E, ESC, é */
    cJSON_AddStringToObject(o, "t", "a\x9b" "b\xc2\x9b" "c\x7f" "d\xe2\x80\xae" "e\x1b" "f\xc3\xa9");
    char *s = json_print_safe(o, 0);
    ck_assert_str_eq(s, "{\"t\":\"a\\ufffdb\\u009bc\\u007fd\\u202ee\\u001bf\xc3\xa9\"}");
    cJSON *back = cJSON_Parse(s);
    ck_assert_ptr_nonnull(back);
    ck_assert_str_eq(json_str(back, "t"), "a\xef\xbf\xbd" "b\xc2\x9b" "c\x7f" "d\xe2\x80\xae" "e\x1b" "f\xc3\xa9");
    cJSON_Delete(back);
    free(s);
    s = json_print_safe(o, 1);
    ck_assert_ptr_nonnull(strstr(s, "\"t\":\t\"a\\ufffdb"));
    free(s);
    cJSON_Delete(o);
    o = cJSON_CreateString("plain ascii");
    s = json_print_safe(o, 0);
    ck_assert_str_eq(s, "\"plain ascii\"");
    free(s);
    cJSON_Delete(o);
}
END_TEST

static void redacts_to(const char *in, const char *want, size_t want_masks)
{
    size_t n, masks;
    char *out = redact_text(in, strlen(in), &n, &masks);
    ck_assert_str_eq(out, want);
    ck_assert_uint_eq(n, strlen(want));
    ck_assert_uint_eq(masks, want_masks);
    free(out);
}

START_TEST(redact_masks_tokens_url_passwords_and_emails)
{
    redacts_to("Authorization: Bearer eyJhbGciOi.J9x-y_z", "Authorization: Bearer [redacted]", 1);
    redacts_to("authorization: bearer:  abcdefgh1234\n", "authorization: bearer:  [redacted]\n", 1);
    redacts_to("a bearer token is required", "a bearer token is required", 0);
    redacts_to("git clone https://bot:s3cr%40t@github.com/x.git",
               "git clone https://bot:[redacted]@github.com/x.git", 1);
    redacts_to("https://github.com/proompteng/lab/pull/3653", "https://github.com/proompteng/lab/pull/3653", 0);
    redacts_to("https://user@host/x", "https://user@host/x", 0); /* no password: the user name stays */
    redacts_to("mail alice.smith+ci@example.co.uk now.", "mail [redacted] now.", 1);
    redacts_to("x@y is no address; a@b.c neither (tld); me@host.", "x@y is no address; a@b.c neither (tld); me@host.", 0);
    redacts_to("GITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123",
               "GITHUB_TOKEN=[redacted]", 1);
    redacts_to("", "", 0);
    /* bytes are bytes: NULs and invalid UTF-8 pass through */
    size_t n, masks;
    char *out = redact_text("a\0b\xff", 4, &n, &masks);
    ck_assert_uint_eq(n, 4);
    ck_assert_int_eq(memcmp(out, "a\0b\xff", 4), 0);
    free(out);
    /* linear on hostile input */
    size_t big = 1u << 20; /* quadratic would take minutes; linear is milliseconds */
    char *in = xmalloc(big);
    for (size_t i = 0; i < big; i++) in[i] = "a.://b@:"[i % 8];
    out = redact_text(in, big, &n, &masks);
    ck_assert(n > 0);
    free(out);
    free(in);
}
END_TEST

START_TEST(buf_grows_and_consumes)
{
    struct buf b = {0};
    for (int i = 0; i < 1000; i++) buf_printf(&b, "%d,", i);
    ck_assert_int_eq(strncmp(b.p, "0,1,2,", 6), 0);
    size_t len = b.len;
    buf_consume(&b, 2);
    ck_assert_int_eq(b.len, len - 2);
    ck_assert_int_eq(b.p[0], '1');
    buf_free(&b);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("util");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 30); /* the redaction test scans 1 MiB under ASan on loaded machines */
    tcase_add_test(tc, sanitize_escapes_terminal_sequences);
    tcase_add_test(tc, sanitize_c1_cr_and_invalid_utf8);
    tcase_add_test(tc, sanitize_keeps_utf8_and_strips_sgr_on_request);
    tcase_add_test(tc, sanitize_overlong_and_surrogates_are_escaped);
    tcase_add_test(tc, time_rfc3339_roundtrip_and_rejects);
    tcase_add_test(tc, time_durations);
    tcase_add_test(tc, time_leading_stamps);
    tcase_add_test(tc, json_reads_are_type_checked);
    tcase_add_test(tc, json_print_safe_escapes_what_cjson_copies_raw);
    tcase_add_test(tc, json_adds_null_when_unknown);
    tcase_add_test(tc, buf_grows_and_consumes);
    tcase_add_test(tc, redact_masks_tokens_url_passwords_and_emails);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
