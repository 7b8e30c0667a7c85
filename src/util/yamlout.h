/* yamlout — a cJSON tree as a YAML document, through libyaml's emitter
 * (`-o yaml`): block style, two-space indent, keys in the tree's order.
 *
 * Strings are sanitised first (control bytes shown as text, as for any
 * cluster string on a terminal), then written plain when a YAML 1.1 or
 * 1.2 reader takes them back as the same string, double-quoted otherwise:
 * "yes", "null", "0x1f", "1e3", "2026-02-25", "" and the like stay strings;
 * quoting of ": ", "#", "- ", leading blanks and such is libyaml's.
 *
 *   struct buf b = {0};
 *   if (yaml_from_json(root, &b, err, sizeof err) != 0) ... err ...
 *   fwrite(b.p, 1, b.len, stdout); buf_free(&b);
 *
 * The caller owns root and the buffer. */
#ifndef ARTRIAGE_UTIL_YAMLOUT_H
#define ARTRIAGE_UTIL_YAMLOUT_H
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include "util/buf.h"

/* Appends one document ("---" only when explicit_start). 0, or -1 with err. */
int yaml_from_json(const cJSON *root, bool explicit_start, struct buf *out, char *err, size_t errlen);
/* True when a plain scalar s would be read back as something other than
 * that string (null, bool, number, timestamp, ...). */
bool yaml_plain_is_ambiguous(const char *s);
#endif
