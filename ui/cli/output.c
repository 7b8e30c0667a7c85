/* output — json, yaml and jsonpath for list and show (output.h). */
#include "output.h"
#include "cli.h"
#include "util/err.h"
#include "util/jsonpath.h"
#include "util/jsonutil.h"
#include "util/sanitize.h"
#include "util/yamlout.h"
#include <stdlib.h>
#include <string.h>

static bool in_words(const char *words, const char *w)
{
    size_t n = strlen(w);
    for (const char *p = words; p && *p;) {
        size_t l = strcspn(p, " ");
        if (l == n && strncmp(p, w, n) == 0) return true;
        p += l;
        while (*p == ' ') p++;
    }
    return false;
}

int cli_output_parse(const char *cmd, const char *fmt, const char *dflt, const char *own, const char *formats,
                     struct cli_output *o)
{
    memset(o, 0, sizeof *o);
    if (!fmt) fmt = dflt;
    o->name = fmt;
    if (strcmp(fmt, "json") == 0) o->kind = OUT_JSON;
    else if (strcmp(fmt, "yaml") == 0) o->kind = OUT_YAML;
    else if (strncmp(fmt, "jsonpath=", 9) == 0) {
        char err[ERRLEN];
        o->jp = jsonpath_parse(fmt + 9, err, sizeof err);
        if (!o->jp) return cli_usage(cmd, "-o jsonpath: %s", err);
        o->kind = OUT_JSONPATH;
    } else if (strcmp(fmt, "jsonpath") == 0) {
        return cli_usage(cmd, "-o jsonpath needs a template: -o jsonpath='{.name}'");
    } else if (in_words(own, fmt)) {
        o->kind = OUT_OTHER;
    } else {
        char *s = sanitize_str(fmt, 0);
        int rc = cli_usage(cmd, "output format '%s' is not %s", s, formats);
        free(s);
        return rc;
    }
    return 0;
}

int cli_output_render(const struct cli_output *o, const cJSON *j, bool pretty, struct buf *out)
{
    switch (o->kind) {
    case OUT_JSON: {
        char *s = json_print_safe(j, pretty);
        buf_puts(out, s);
        buf_putc(out, '\n');
        free(s);
        return 0;
    }
    case OUT_YAML: {
        char err[ERRLEN];
        if (yaml_from_json(j, false, out, err, sizeof err) != 0) return cli_fail("%s", err);
        return 0;
    }
    case OUT_JSONPATH: {
        char err[ERRLEN];
        /* kubectl prints nothing of a template that fails */
        if (jsonpath_exec(o->jp, j, out, err, sizeof err) != 0) {
            buf_reset(out);
            return cli_fail("-o jsonpath: %s", err);
        }
        return 0;
    }
    case OUT_OTHER: break;
    }
    return 0;
}

void cli_output_free(struct cli_output *o)
{
    jsonpath_free(o->jp);
    o->jp = NULL;
}
