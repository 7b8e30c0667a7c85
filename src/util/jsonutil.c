#include "util/jsonutil.h"
#include "util/err.h"
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
