/* jsonpath — kubectl's JSONPath templates (`-o jsonpath=TEMPLATE`) over a
 * cJSON tree, the subset kubectl users type:
 *
 *   text outside braces, printed as it is
 *   {.a.b}  {.a['b.c']}  {@}  {$.a}      fields ($ and @: the current object)
 *   {.items[*].name}  {.a[0]}  {.a[-1]}  {.a[1:3]}  {.a.*}
 *   {range .items[*]}...{end}            the body once per element
 *   {"\n"}  {"\t"}                       quoted text (Go escapes)
 *
 * Several results of one action are separated by a space; a string is
 * printed as it is, sanitised for the terminal (control bytes as text); an
 * object or array as compact JSON with sorted keys, as kubectl prints
 * them; a missing field prints nothing (kubectl get allows missing keys),
 * an index outside its array is an error (as in kubectl).
 * Filters ([?(...)]), recursive descent (..) and unions ([0,2]) are not
 * supported: jsonpath_parse refuses them with one sentence naming them.
 *
 *   struct jsonpath *t = jsonpath_parse(template, err, sizeof err);  NULL: bad template
 *   if (jsonpath_exec(t, root, &out, err, sizeof err) != 0) ...   appends to a struct buf
 *   jsonpath_free(t);
 *
 * The compiled template owns its copies of the template's pieces; the
 * root is only read. */
#ifndef ARTRIAGE_UTIL_JSONPATH_H
#define ARTRIAGE_UTIL_JSONPATH_H
#include <cjson/cJSON.h>
#include <stddef.h>
#include "util/buf.h"

struct jsonpath;

struct jsonpath *jsonpath_parse(const char *tmpl, char *err, size_t errlen);
/* 0, or -1 with err (out then holds what came before the error). */
int jsonpath_exec(const struct jsonpath *t, const cJSON *root, struct buf *out, char *err, size_t errlen);
void jsonpath_free(struct jsonpath *t);
#endif
