/* jsonutil — type-checked reads from untrusted cJSON trees, and the one
 * printer for JSON that goes to stdout.
 * Paths are dot-separated object keys ("status.vcs.headBranch"); a missing
 * key or a value of the wrong type yields the fallback, never a crash.
 * Returned strings point into the tree (owned by it; copy to keep). */
#ifndef ARTRIAGE_JSONUTIL_H
#define ARTRIAGE_JSONUTIL_H
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

const cJSON *json_at(const cJSON *obj, const char *path);
const char *json_str(const cJSON *obj, const char *path);   /* NULL unless a string */
int json_int(const cJSON *obj, const char *path, int64_t *out); /* 0 if a finite integer */
int json_bool(const cJSON *obj, const char *path, int fallback);
const cJSON *json_arr(const cJSON *obj, const char *path);  /* NULL unless an array */
const cJSON *json_obj(const cJSON *obj, const char *path);  /* NULL unless an object */
/* Parses at most len bytes; NULL on error with a message in err naming `what`. */
cJSON *json_parse_n(const char *data, size_t len, const char *what, char *err, size_t errlen);
/* Adds key: t as time_format_rfc3339 writes it (UTC, seconds), or null when t
 * is TIME_NONE. */
void json_add_time(cJSON *o, const char *key, int64_t t);
/* Adds key: s, or null when s is NULL. */
void json_add_str(cJSON *o, const char *key, const char *s);
/* Adds key: v when known, else null (a line number, an exit code). */
void json_add_int(cJSON *o, const char *key, int64_t v, bool known);
/* cJSON_Print / cJSON_PrintUnformatted, made safe for a terminal and for
 * strict parsers: cJSON copies string bytes as they are, so invalid UTF-8
 * (a raw log byte) becomes "\ufffd" and C1 controls, DEL, U+2028/9 and bidi
 * overrides/isolates become "\uXXXX" escapes. Caller frees. */
char *json_print_safe(const cJSON *j, int formatted);
#endif
