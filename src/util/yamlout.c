/* yamlout — cJSON to YAML through libyaml's emitter (yamlout.h). */
#include "yamlout.h"
#include "util/err.h"
#include "util/sanitize.h"
#include "util/xalloc.h"
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

static int write_buf(void *ud, unsigned char *data, size_t n)
{
    buf_append(ud, data, n);
    return 1;
}

static bool all_digits(const char *s, const char *set)
{
    if (!*s) return false;
    for (; *s; s++)
        if (!strchr(set, *s)) return false;
    return true;
}

bool yaml_plain_is_ambiguous(const char *s)
{
    if (!*s) return true;
    /* null and booleans of YAML 1.1 (which go-yaml and PyYAML still read) and 1.2 */
    static const char *const words[] = {"~", "null", "true", "false", "yes", "no", "on", "off", "y", "n",
                                        ".inf", "-.inf", "+.inf", ".nan", "<<", "="};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (strcasecmp(s, words[i]) == 0) return true;
    /* numbers of either version: decimal, 0x/0o/0b, sexagesimal, floats,
     * with signs and underscores */
    const char *p = s;
    if (*p == '+' || *p == '-') p++;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && all_digits(p + 2, "0123456789abcdefABCDEF_")) return true;
    if (p[0] == '0' && (p[1] == 'o' || p[1] == 'b') && all_digits(p + 2, "01234567_")) return true;
    if (*p && all_digits(p, "0123456789_:.eE+-") &&
        (isdigit((unsigned char)*p) || (*p == '.' && isdigit((unsigned char)p[1])) || all_digits(p, "."))) {
        /* anything made only of digits and number punctuation that starts
         * like a number (and "..." which YAML 1.1's float pattern takes):
         * quoting a non-number costs two characters */
        return true;
    }
    /* timestamps (YAML 1.1): 2026-02-25, 2026-02-25T10:00:00Z, ... */
    if (strlen(s) >= 8 && isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) && isdigit((unsigned char)s[2]) &&
        isdigit((unsigned char)s[3]) && s[4] == '-')
        return true;
    return false;
}

static int emit(yaml_emitter_t *em, yaml_event_t *ev, char *err, size_t errlen)
{
    if (!yaml_emitter_emit(em, ev))
        return errf(err, errlen, "YAML output failed: %s", em->problem ? em->problem : "emitter error");
    return 0;
}

static int scalar(yaml_emitter_t *em, const char *s, bool string, char *err, size_t errlen)
{
    yaml_event_t ev;
    char *safe = string ? sanitize_str(s, SAN_KEEP_TAB | SAN_KEEP_NEWLINE) : xstrdup(s);
    yaml_scalar_style_t style = YAML_ANY_SCALAR_STYLE;
    if (string && yaml_plain_is_ambiguous(safe)) style = YAML_DOUBLE_QUOTED_SCALAR_STYLE;
    /* a multi-line string quoted keeps its exact bytes (no folding surprises) */
    if (string && strchr(safe, '\n')) style = YAML_DOUBLE_QUOTED_SCALAR_STYLE;
    int ok = yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)safe, (int)strlen(safe), 1, 1, style);
    free(safe);
    if (!ok) return errf(err, errlen, "YAML output failed: bad scalar");
    return emit(em, &ev, err, errlen);
}

static void number_text(double d, char *t, size_t n)
{
    if (!isfinite(d)) snprintf(t, n, "%s", d != d ? ".nan" : d > 0 ? ".inf" : "-.inf");
    else if (d == floor(d) && fabs(d) < 9.2e18) snprintf(t, n, "%lld", (long long)d);
    else {
        for (int p = 1; p <= 17; p++) {
            snprintf(t, n, "%.*g", p, d);
            if (strtod(t, NULL) == d) break;
        }
        /* "1e+21" is a string to YAML 1.1: give it a point */
        if (!strchr(t, '.') && strchr(t, 'e')) {
            char m[64];
            char *e = strchr(t, 'e');
            snprintf(m, sizeof m, "%.*s.0%s", (int)(e - t), t, e);
            snprintf(t, n, "%s", m);
        }
    }
}

static int node(yaml_emitter_t *em, const cJSON *j, int depth, char *err, size_t errlen)
{
    yaml_event_t ev;
    if (depth > 200) return errf(err, errlen, "YAML output failed: nested too deep");
    if (cJSON_IsObject(j)) {
        yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
        if (emit(em, &ev, err, errlen)) return -1;
        for (const cJSON *c = j->child; c; c = c->next) {
            if (scalar(em, c->string ? c->string : "", true, err, errlen)) return -1;
            if (node(em, c, depth + 1, err, errlen)) return -1;
        }
        yaml_mapping_end_event_initialize(&ev);
        return emit(em, &ev, err, errlen);
    }
    if (cJSON_IsArray(j)) {
        yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE);
        if (emit(em, &ev, err, errlen)) return -1;
        for (const cJSON *c = j->child; c; c = c->next)
            if (node(em, c, depth + 1, err, errlen)) return -1;
        yaml_sequence_end_event_initialize(&ev);
        return emit(em, &ev, err, errlen);
    }
    if (cJSON_IsString(j)) return scalar(em, j->valuestring ? j->valuestring : "", true, err, errlen);
    char t[64];
    if (cJSON_IsNumber(j)) number_text(j->valuedouble, t, sizeof t);
    else if (cJSON_IsBool(j)) snprintf(t, sizeof t, "%s", cJSON_IsTrue(j) ? "true" : "false");
    else snprintf(t, sizeof t, "null");
    return scalar(em, t, false, err, errlen);
}

int yaml_from_json(const cJSON *root, bool explicit_start, struct buf *out, char *err, size_t errlen)
{
    yaml_emitter_t em;
    yaml_event_t ev;
    if (!yaml_emitter_initialize(&em)) return errf(err, errlen, "YAML output failed: cannot start the emitter");
    yaml_emitter_set_output(&em, write_buf, out);
    yaml_emitter_set_unicode(&em, 1);
    yaml_emitter_set_indent(&em, 2);
    yaml_emitter_set_width(&em, -1); /* no folding of long lines */
    yaml_emitter_set_break(&em, YAML_LN_BREAK);
    int rc = -1;
    yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
    if (emit(&em, &ev, err, errlen)) goto out;
    yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, !explicit_start);
    if (emit(&em, &ev, err, errlen)) goto out;
    if (node(&em, root, 0, err, errlen)) goto out;
    yaml_document_end_event_initialize(&ev, 1);
    if (emit(&em, &ev, err, errlen)) goto out;
    yaml_stream_end_event_initialize(&ev);
    if (emit(&em, &ev, err, errlen)) goto out;
    rc = yaml_emitter_flush(&em) ? 0 : errf(err, errlen, "YAML output failed: flush");
out:
    yaml_emitter_delete(&em);
    return rc;
}
