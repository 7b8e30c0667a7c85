#include "util/jsonutil.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/sanitize.h"
#include "util/timeutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>

const cJSON *json_at(const cJSON *obj, const char *path)
{
    if (!obj || !path) return NULL;
    const cJSON *cur = obj;
    const char *p = path;
    char key[256];
    while (*p) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        if (n >= sizeof key) return NULL;
        memcpy(key, p, n);
        key[n] = 0;
        if (!cJSON_IsObject(cur)) return NULL;
        cur = cJSON_GetObjectItemCaseSensitive(cur, key);
        if (!cur) return NULL;
        p += n;
        if (*p == '.') p++;
    }
    return cur;
}

const char *json_str(const cJSON *obj, const char *path)
{
    const cJSON *v = json_at(obj, path);
    return cJSON_IsString(v) && v->valuestring ? v->valuestring : NULL;
}

int json_int(const cJSON *obj, const char *path, int64_t *out)
{
    const cJSON *v = json_at(obj, path);
    if (!cJSON_IsNumber(v)) return -1;
    double d = v->valuedouble;
    if (!isfinite(d) || d != floor(d) || d > 9.2e18 || d < -9.2e18) return -1;
    *out = (int64_t)d;
    return 0;
}

int json_bool(const cJSON *obj, const char *path, int fallback)
{
    const cJSON *v = json_at(obj, path);
    if (cJSON_IsTrue(v)) return 1;
    if (cJSON_IsFalse(v)) return 0;
    return fallback;
}

const cJSON *json_arr(const cJSON *obj, const char *path)
{
    const cJSON *v = json_at(obj, path);
    return cJSON_IsArray(v) ? v : NULL;
}

const cJSON *json_obj(const cJSON *obj, const char *path)
{
    const cJSON *v = json_at(obj, path);
    return cJSON_IsObject(v) ? v : NULL;
}

cJSON *json_parse_n(const char *data, size_t len, const char *what, char *err, size_t errlen)
{
    const char *end = NULL;
    cJSON *j = cJSON_ParseWithLengthOpts(data, len, &end, 0);
    if (!j) {
        size_t off = end && end >= data ? (size_t)(end - data) : 0;
        errf(err, errlen, "%s: invalid JSON near byte %zu", what, off);
        return NULL;
    }
    return j;
}

static int json_unsafe_cp(unsigned cp)
{
    return (cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 || (cp >= 0x202a && cp <= 0x202e) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

char *json_print_safe(const cJSON *j, int formatted)
{
    char *s = formatted ? cJSON_Print(j) : cJSON_PrintUnformatted(j);
    if (!s) abort(); /* cJSON fails only when out of memory */
    /* Outside strings cJSON writes ASCII only, so every byte >= 0x7f seen
     * here belongs to a string and may be replaced by an escape. */
    size_t n = strlen(s), i = 0;
    while (i < n && (unsigned char)s[i] < 0x7f) i++;
    if (i == n) return s;
    struct buf b = {0};
    buf_append(&b, s, i);
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x7f) {
            buf_putc(&b, (char)c);
            i++;
            continue;
        }
        if (c == 0x7f) {
            buf_puts(&b, "\\u007f");
            i++;
            continue;
        }
        unsigned cp = 0;
        size_t l = utf8_decode((const unsigned char *)s + i, n - i, &cp);
        if (l == 0) {
            buf_puts(&b, "\\ufffd");
            i++;
        } else if (json_unsafe_cp(cp)) {
            buf_printf(&b, "\\u%04x", cp);
            i += l;
        } else {
            buf_append(&b, s + i, l);
            i += l;
        }
    }
    free(s);
    return buf_detach(&b);
}

void json_add_time(cJSON *o, const char *key, int64_t t)
{
    if (t == TIME_NONE) {
        cJSON_AddNullToObject(o, key);
        return;
    }
    char buf[40];
    time_format_rfc3339(t, buf, sizeof buf);
    cJSON_AddStringToObject(o, key, buf);
}

void json_add_str(cJSON *o, const char *key, const char *s)
{
    if (s) cJSON_AddStringToObject(o, key, s);
    else cJSON_AddNullToObject(o, key);
}

void json_add_int(cJSON *o, const char *key, int64_t v, bool known)
{
    if (known) cJSON_AddNumberToObject(o, key, (double)v);
    else cJSON_AddNullToObject(o, key);
}
