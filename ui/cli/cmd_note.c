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
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char cmd_note_usage[] = "note add [--at T] TEXT... | note list [--since T] [--until T] [-o text|json] | note rm ID";

static int note_add(struct cli *cli, struct store *s, int argc, char **argv)
{
    static const struct option opts[] = {{"at", required_argument, NULL, 'a'}, {0, 0, 0, 0}};
    int64_t now = time_now_ms(), at = now;
    int c;
    optind = 0;
    while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
        if (c != 'a') return cli_usage("note", "unknown option");
        if (time_parse_when(optarg, now, &at) < 0)
            return cli_usage("note", "--at: '%s' is neither RFC 3339 nor a duration", optarg);
    }
    if (optind >= argc) return cli_usage("note", "note add needs the note's text");
    struct buf text = {0};
    for (int i = optind; i < argc; i++) {
        if (i > optind) buf_putc(&text, ' ');
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
    static const struct option opts[] = {{"since", required_argument, NULL, 's'},
                                         {"until", required_argument, NULL, 'u'},
                                         {0, 0, 0, 0}};
    int64_t now = time_now_ms(), since = TIME_NONE, until = TIME_NONE;
    int c;
    optind = 0;
    while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
        int64_t *slot = c == 's' ? &since : c == 'u' ? &until : NULL;
        if (!slot) return cli_usage("note", "unknown option");
        if (time_parse_when(optarg, now, slot) < 0)
            return cli_usage("note", "'%s' is neither RFC 3339 nor a duration", optarg);
    }
    if (optind < argc) return cli_usage("note", "unexpected argument '%s'", argv[optind]);
    bool json = false;
    if (cli->output) {
        if (strcmp(cli->output, "json") == 0) json = true;
        else if (strcmp(cli->output, "text") != 0)
            return cli_usage("note", "-o %s: use text or json", cli->output);
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
    if (argc != 2) return cli_usage("note", "note rm takes one note id");
    char *end;
    errno = 0;
    long long id = strtoll(argv[1], &end, 10);
    if (errno || *end || id <= 0) return cli_usage("note", "'%s' is not a note id", argv[1]);
    char err[ERRLEN];
    int rc = store_delete_note(s, id, err, sizeof err);
    if (rc < 0) return cli_fail("%s", err);
    if (rc == 0) return cli_fail("no note %lld in the history cache %s", id, store_path(s));
    printf("note %lld removed\n", id);
    return 0;
}

int cmd_note(struct cli *cli, int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        if (argc >= 2) {
            printf("usage: artriage %s\n", cmd_note_usage);
            return 0;
        }
        return cli_usage("note", "which note command: add, list or rm?");
    }
    const char *sub = argv[1];
    if (strcmp(sub, "add") != 0 && strcmp(sub, "list") != 0 && strcmp(sub, "rm") != 0)
        return cli_usage("note", "unknown note command '%s' (add, list, rm)", sub);
    char err[ERRLEN];
    struct store *s = store_open(cli->db, NULL, err, sizeof err);
    if (!s) return cli_fail("%s", err);
    int rc;
    if (strcmp(sub, "add") == 0) rc = note_add(cli, s, argc - 1, argv + 1);
    else if (strcmp(sub, "list") == 0) rc = note_list(cli, s, argc - 1, argv + 1);
    else rc = note_rm(s, argc - 1, argv + 1);
    store_close(s);
    return rc;
}
