/* `artriage note` — timeline annotations that belong to no run ("fix
 * merged #3644"): add, list, rm. */
#include "cli.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/sanitize.h"
#include "util/timeutil.h"
#include "util/xalloc.h"
#include "util/jsonutil.h"
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int note_add(struct cli *cli, struct store *s, int argc, char **argv)
{
    int64_t now = time_now_ms(), at = now;
    const char *at_s = cli_opt(cli, "at");
    if (at_s && time_parse_when(at_s, now, &at) < 0)
        return cli_usage("note add", "--at: '%s' is neither RFC 3339 nor a duration", at_s);
    if (argc < 2) return cli_usage("note add", "note add needs the note's text");
    struct buf text = {0};
    for (int i = 1; i < argc; i++) {
        if (i > 1) buf_putc(&text, ' ');
        buf_puts(&text, argv[i]);
    }
    char err[ERRLEN];
    int64_t id;
    int rc = store_add_note(s, at, text.p, cli->context, cli->all_namespaces ? NULL : cli->ns, now,
                            &id, err, sizeof err);
    buf_free(&text);
    if (rc < 0) return cli_fail("%s", err);
    char ts[40];
    time_format_rfc3339(at, ts, sizeof ts);
    printf("note %lld added at %s\n", (long long)id, ts);
    return 0;
}

static int note_list(struct cli *cli, struct store *s, int argc, char **argv)
{
    int64_t now = time_now_ms(), since = TIME_NONE, until = TIME_NONE;
    const char *names[] = {"since", "until"};
    int64_t *slots[] = {&since, &until};
    for (int i = 0; i < 2; i++) {
        const char *v = cli_opt(cli, names[i]);
        if (v && time_parse_when(v, now, slots[i]) < 0)
            return cli_usage("note list", "--%s: '%s' is neither RFC 3339 nor a duration", names[i], v);
    }
    if (argc > 1) return cli_usage("note list", "unexpected argument '%s'", argv[1]);
    bool json = false;
    if (cli->output) {
        if (strcmp(cli->output, "json") == 0) json = true;
        else if (strcmp(cli->output, "text") != 0)
            return cli_usage("note list", "-o %s: use text or json", cli->output);
    }
    char err[ERRLEN];
    struct store_note_list nl;
    if (store_list_notes(s, since, until, &nl, err, sizeof err) < 0) return cli_fail("%s", err);
    if (json) {
        cJSON *arr = cJSON_CreateArray();
        for (size_t i = 0; i < nl.n; i++) {
            cJSON *o = cJSON_CreateObject();
            char ts[40];
            time_format_rfc3339(nl.items[i].time, ts, sizeof ts);
            cJSON_AddNumberToObject(o, "id", (double)nl.items[i].id);
            cJSON_AddStringToObject(o, "time", ts);
            cJSON_AddStringToObject(o, "text", nl.items[i].text);
            cJSON_AddItemToArray(arr, o);
        }
        char *out = json_print_safe(arr, 1);
        puts(out);
        free(out);
        cJSON_Delete(arr);
    } else {
        for (size_t i = 0; i < nl.n; i++) {
            char ts[40];
            time_format_rfc3339(nl.items[i].time, ts, sizeof ts);
            char *t = sanitize_str(nl.items[i].text, 0);
            printf("%lld  %s  %s\n", (long long)nl.items[i].id, ts, t);
            free(t);
        }
    }
    store_note_list_free(&nl);
    return 0;
}

static int note_rm(struct store *s, int argc, char **argv)
{
    if (argc != 2) return cli_usage("note rm", "note rm takes one note id");
    char *end;
    errno = 0;
    long long id = strtoll(argv[1], &end, 10);
    if (errno || *end || id <= 0) return cli_usage("note rm", "'%s' is not a note id", argv[1]);
    char err[ERRLEN];
    int rc = store_delete_note(s, id, err, sizeof err);
    if (rc < 0) return cli_fail("%s", err);
    if (rc == 0) return cli_fail("no note %lld in the history cache %s", id, store_path(s));
    printf("note %lld removed\n", id);
    return 0;
}

/* The three sub-commands (table.c: "note add", "note list", "note rm")
 * share the opening of the history cache. */
static int with_store(struct cli *cli, int argc, char **argv,
                      int (*fn)(struct cli *, struct store *, int, char **))
{
    char err[ERRLEN];
    struct store *s = store_open(cli->db, NULL, err, sizeof err);
    if (!s) return cli_fail("%s", err);
    int rc = fn(cli, s, argc, argv);
    store_close(s);
    return rc;
}

static int note_rm_cli(struct cli *cli, struct store *s, int argc, char **argv)
{
    (void)cli;
    return note_rm(s, argc, argv);
}

int cmd_note_add(struct cli *cli, int argc, char **argv) { return with_store(cli, argc, argv, note_add); }
int cmd_note_list(struct cli *cli, int argc, char **argv) { return with_store(cli, argc, argv, note_list); }
int cmd_note_rm(struct cli *cli, int argc, char **argv) { return with_store(cli, argc, argv, note_rm_cli); }
