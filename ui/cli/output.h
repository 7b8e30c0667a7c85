/* output — the machine-readable `-o` formats that list and show share with
 * kubectl: json, yaml (libyaml's emitter, util/yamlout) and
 * jsonpath=TEMPLATE (util/jsonpath), all of the same cJSON objects, so the
 * three cannot disagree. The command keeps its own human formats (table,
 * wide, name, text) and asks this module about the rest.
 *
 *   struct cli_output o;
 *   int rc = cli_output_parse("show", cli->output, "text", "text, json, yaml or jsonpath=TEMPLATE", &o);
 *   if (rc) return rc;                          2: usage error said
 *   if (o.kind == OUT_OTHER) ... the command's own format o.name ...
 *   else rc = cli_output_print(&o, object);     1: write failed (said)
 *   cli_output_free(&o);
 *
 * The struct owns its compiled template; the object stays the caller's. */
#ifndef ARTRIAGE_CLI_OUTPUT_H
#define ARTRIAGE_CLI_OUTPUT_H
#include <cjson/cJSON.h>
#include <stdbool.h>
#include "util/buf.h"

enum cli_output_kind { OUT_OTHER, OUT_JSON, OUT_YAML, OUT_JSONPATH };

struct cli_output {
    enum cli_output_kind kind;
    const char *name;          /* OUT_OTHER: the format asked for (or the default) */
    struct jsonpath *jp;       /* OUT_JSONPATH */
};

/* fmt NULL = dflt. json, yaml and jsonpath=T are this module's; a name in
 * own ("table wide name", space-separated) is the command's (OUT_OTHER);
 * anything else is a usage error naming `formats`. 0, or 2 said. */
int cli_output_parse(const char *cmd, const char *fmt, const char *dflt, const char *own, const char *formats,
                     struct cli_output *o);
/* Appends the object in the chosen format (json: indented when pretty). */
int cli_output_render(const struct cli_output *o, const cJSON *j, bool pretty, struct buf *out);
void cli_output_free(struct cli_output *o);
#endif
