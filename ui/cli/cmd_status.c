/* `artriage status [-o text|json]` — what the history cache holds per
 * context (namespaces, runs, logs, when the cluster last answered) and
 * whether a recorder is feeding it. Reads the cache only. */
#include "cli.h"
#include "store/store.h"
#include "util/err.h"
#include "util/jsonutil.h"
#include "util/sanitize.h"
#include "util/timeutil.h"
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>


static cJSON *recorder_json(const struct store_status *st)
{
    cJSON *r = cJSON_CreateObject();
    cJSON_AddNumberToObject(r, "pid", (double)st->recorder.pid);
    cJSON_AddStringToObject(r, "host", st->recorder.host ? st->recorder.host : "");
    json_add_time(r, "heartbeat", st->recorder.heartbeat);
    json_add_time(r, "started", st->recorder.started);
    return r;
}

static void print_json(const struct store_status *st, bool live, const char *path)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "cache", path);
    cJSON_AddTrueToObject(root, "exists");
    cJSON *arr = cJSON_AddArrayToObject(root, "contexts");
    for (size_t i = 0; i < st->n; i++) {
        const struct store_context_status *c = &st->items[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "context", c->context);
        cJSON *ns = cJSON_AddArrayToObject(o, "namespaces");
        for (size_t k = 0; k < c->nnamespaces; k++)
            cJSON_AddItemToArray(ns, cJSON_CreateString(c->namespaces[k]));
        cJSON_AddNumberToObject(o, "runs", (double)c->runs);
        cJSON_AddNumberToObject(o, "runsDeleted", (double)c->runs_deleted);
        cJSON_AddNumberToObject(o, "pods", (double)c->pods);
        cJSON_AddNumberToObject(o, "logs", (double)c->logs);
        cJSON_AddNumberToObject(o, "logBytes", (double)c->log_bytes);
        json_add_time(o, "lastSeen", c->last_seen);
        json_add_str(o, "connection", c->state);
        if (c->error) cJSON_AddStringToObject(o, "error", c->error);
        if (live && c->followed) cJSON_AddItemToObject(o, "recorder", recorder_json(st));
        else cJSON_AddNullToObject(o, "recorder");
        cJSON_AddItemToArray(arr, o);
    }
    if (live) cJSON_AddItemToObject(root, "recorder", recorder_json(st));
    else cJSON_AddNullToObject(root, "recorder");
    char *out = json_print_safe(root, 1);
    puts(out);
    free(out);
    cJSON_Delete(root);
}

static void print_text(const struct store_status *st, bool live, int64_t now, const char *path)
{
    char *p = sanitize_str(path, 0);
    printf("history cache %s\n", p);
    free(p);
    if (live) {
        char *h = sanitize_str(st->recorder.host ? st->recorder.host : "", 0);
        printf("recorder: live, pid %lld on %s, heartbeat %lld s ago\n", (long long)st->recorder.pid,
               h, (long long)((now - st->recorder.heartbeat) / 1000));
        free(h);
    } else if (st->has_recorder) {
        char ts[40];
        time_format_rfc3339(st->recorder.heartbeat, ts, sizeof ts);
        printf("recorder: none (the last one, pid %lld, %s at %s)\n", (long long)st->recorder.pid,
               st->recorder.stopped != TIME_NONE ? "stopped" : "went silent", ts);
    } else {
        printf("recorder: none\n");
    }
    if (!st->n) {
        printf("no context recorded yet\n");
        return;
    }
    printf("%-24s %6s %8s %6s %8s  %-20s %s\n", "CONTEXT", "NS", "RUNS", "GONE", "LOGS",
           "LAST SEEN", "RECORDER");
    for (size_t i = 0; i < st->n; i++) {
        const struct store_context_status *c = &st->items[i];
        char *cx = sanitize_str(*c->context ? c->context : "(none)", 0);
        char seen[40] = "never";
        if (c->last_seen != TIME_NONE) time_format_rfc3339(c->last_seen, seen, sizeof seen);
        const char *rec = live && c->followed ? (c->state ? c->state : "live") : "-";
        char *r = sanitize_str(rec, 0);
        printf("%-24s %6zu %8lld %6lld %8lld  %-20s %s\n", cx, c->nnamespaces, (long long)c->runs,
               (long long)c->runs_deleted, (long long)c->logs, seen, r);
        free(cx);
        free(r);
        if (c->error && live && c->followed) {
            char *e = sanitize_str(c->error, 0);
            printf("    %s\n", e);
            free(e);
        }
    }
}

int cmd_status(struct cli *cli, int argc, char **argv)
{
    if (argc > 1) return cli_usage("status", "unexpected argument '%s'", argv[1]);
    bool json = false;
    if (cli->output) {
        if (strcmp(cli->output, "json") == 0) json = true;
        else if (strcmp(cli->output, "text") != 0)
            return cli_usage("status", "-o %s: use text or json", cli->output);
    }
    char err[ERRLEN];
    /* status only reads: where nothing was recorded it says so, and leaves
     * no empty cache behind to be mistaken for one */
    char defpath[4096];
    const char *path = cli->db;
    if (!path || !*path) {
        if (store_default_path(defpath, sizeof defpath, err, sizeof err) < 0) return cli_fail("%s", err);
        path = defpath;
    }
    struct stat sb;
    if (stat(path, &sb) < 0 && errno == ENOENT) {
        if (json) {
            cJSON *root = cJSON_CreateObject();
            cJSON_AddStringToObject(root, "cache", path);
            cJSON_AddFalseToObject(root, "exists");
            cJSON_AddArrayToObject(root, "contexts");
            cJSON_AddNullToObject(root, "recorder");
            char *out = json_print_safe(root, 1);
            puts(out);
            free(out);
            cJSON_Delete(root);
        }
        char *p = sanitize_str(path, 0);
        int rc = cli_fail("no history cache at %s: nothing was recorded there (artriage record, sync or "
                          "the console create it)", p);
        free(p);
        return rc;
    }
    struct store *s = store_open(path, NULL, err, sizeof err);
    if (!s) return cli_fail("%s", err);
    struct store_status st;
    if (store_status_read(s, &st, err, sizeof err) < 0) {
        store_close(s);
        return cli_fail("%s", err);
    }
    int64_t now = time_now_ms();
    bool live = st.has_recorder && store_recorder_live(&st.recorder, now);
    if (json) print_json(&st, live, store_path(s));
    else print_text(&st, live, now, store_path(s));
    store_status_free(&st);
    store_close(s);
    return 0;
}
