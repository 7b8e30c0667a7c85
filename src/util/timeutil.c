#include "util/timeutil.h"
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm), so
 * that we need neither timegm() nor the TZ environment. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i])) return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

int time_parse_rfc3339(const char *s, int64_t *out_ms)
{
    if (!s) return -1;
    int Y, M, D, h, m, sec;
    if (strlen(s) < 19) return -1;
    if (digits(s, 4, &Y) || s[4] != '-' || digits(s + 5, 2, &M) || s[7] != '-' ||
        digits(s + 8, 2, &D) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
        digits(s + 11, 2, &h) || s[13] != ':' || digits(s + 14, 2, &m) || s[16] != ':' ||
        digits(s + 17, 2, &sec))
        return -1;
    if (M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || sec > 60) return -1;
    const char *p = s + 19;
    int64_t frac_ms = 0;
    if (*p == '.') {
        p++;
        int nd = 0;
        while (isdigit((unsigned char)*p)) {
            if (nd < 3) frac_ms = frac_ms * 10 + (*p - '0');
            nd++;
            p++;
        }
        if (nd == 0) return -1;
        for (int i = nd; i < 3; i++) frac_ms *= 10;
    }
    int64_t off = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh, om;
        if (digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om) || oh > 23 || om > 59)
            return -1;
        off = (int64_t)(oh * 60 + om) * 60;
        if (*p == '-') off = -off;
        p += 6;
    } else {
        return -1;
    }
    if (*p) return -1;
    int64_t days = days_from_civil(Y, (unsigned)M, (unsigned)D);
    int64_t secs = days * 86400 + h * 3600 + m * 60 + sec - off;
    *out_ms = secs * 1000 + frac_ms;
    return 0;
}

int time_parse_duration(const char *s, int64_t *out_ms)
{
    if (!s || !*s) return -1;
    int64_t total = 0;
    const char *p = s;
    while (*p) {
        if (!isdigit((unsigned char)*p)) return -1;
        int64_t v = 0;
        while (isdigit((unsigned char)*p)) {
            if (v > 1000000000) return -1;
            v = v * 10 + (*p++ - '0');
        }
        int64_t unit;
        if (strncmp(p, "ms", 2) == 0) { unit = 1; p += 2; }
        else if (*p == 's') { unit = 1000; p++; }
        else if (*p == 'm') { unit = 60000; p++; }
        else if (*p == 'h') { unit = 3600000; p++; }
        else if (*p == 'd') { unit = 86400000; p++; }
        else if (*p == 'w') { unit = 7 * 86400000LL; p++; }
        else return -1;
        total += v * unit;
    }
    *out_ms = total;
    return 0;
}

int time_parse_when(const char *s, int64_t now_ms, int64_t *out_ms)
{
    int64_t v;
    if (time_parse_rfc3339(s, &v) == 0) { *out_ms = v; return 0; }
    if (time_parse_duration(s, &v) == 0) { *out_ms = now_ms - v; return 0; }
    return -1;
}

void time_format_rfc3339(int64_t ms, char *out, size_t outlen)
{
    if (ms == TIME_NONE) { if (outlen) out[0] = 0; return; }
    time_t t = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void time_format_age(int64_t ms, char *out, size_t outlen)
{
    if (ms == TIME_NONE) { snprintf(out, outlen, "-"); return; }
    if (ms < 0) ms = 0;
    int64_t s = ms / 1000;
    if (s < 60) snprintf(out, outlen, "%llds", (long long)s);
    else if (s < 3600) snprintf(out, outlen, "%lldm", (long long)(s / 60));
    else if (s < 86400) {
        if (s % 3600 / 60) snprintf(out, outlen, "%lldh%lldm", (long long)(s / 3600), (long long)(s % 3600 / 60));
        else snprintf(out, outlen, "%lldh", (long long)(s / 3600));
    } else if (s < 365 * 86400LL) snprintf(out, outlen, "%lldd", (long long)(s / 86400));
    else snprintf(out, outlen, "%lldy", (long long)(s / (365 * 86400LL)));
}

int64_t time_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t time_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t time_leading_stamp(const char *text)
{
    if (!text) return TIME_NONE;
    while (*text == ' ' || *text == '[') text++;
    char stamp[40];
    size_t n = 0;
    while (text[n] && text[n] != ' ' && text[n] != ']' && n < sizeof stamp - 1) {
        stamp[n] = text[n];
        n++;
    }
    stamp[n] = 0;
    int64_t t;
    return n >= 20 && time_parse_rfc3339(stamp, &t) == 0 ? t : TIME_NONE;
}
