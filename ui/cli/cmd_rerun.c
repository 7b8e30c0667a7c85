/* artriage rerun RUN — create the next attempt of a run (docs/cli.md, issue 9):
 * plan (rerun/rerun.h), server dry run, confirmation, exactly-once create
 * (rerun/drive.h), audit row in the history cache. */
#include "cli.h"
#include "kube/names.h"
#include "kube/client.h"
#include "kube/kubeconfig.h"
#include "rerun/drive.h"
#include "rerun/prepare.h"
#include "rerun/rerun.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/sanitize.h"
#include "util/xalloc.h"
#include "util/jsonutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Prints one cluster-derived string safely. */
static void put_s(FILE *f, const char *s)
{
    char *c = sanitize_str(s, 0);
    fputs(c, f);
    free(c);
}

/* "namespace/name", each part through the sanitiser. */
static void put_ref(FILE *f, const char *ns, const char *name)
{
    put_s(f, ns);
    fputc('/', f);
    put_s(f, name);
}

/* A JSON value for the preview: sanitised and cut to a screen line. */
static void put_val(FILE *f, const char *json)
{
    if (!json) return;
    size_t n = strlen(json);
    struct buf b = {0};
    sanitize_append(&b, json, n > 120 ? 120 : n, 0);
    fputs(b.p ? b.p : "", f);
    if (n > 120) fputs("…", f);
    buf_free(&b);
}

static void print_preview(FILE *f, const struct rerun_plan *p, enum rerun_image_mode im, const char *image_ref,
                          const char *pinned)
{
    fputs("rerun of ", f);
    put_ref(f, p->from_ns, p->from_name);
    fputs("\n  new run         ", f);
    put_ref(f, p->ns, p->name);
    fputs("\n  head branch     ", f);
    put_s(f, p->head ? p->head : "(none: the run has no VCS head)");
    fputs("\n  idempotencyKey  ", f);
    put_s(f, p->key);
    fputs("\n  image           ", f);
    if (im == RERUN_IMAGE_SET) {
        fputs("pinned to ", f);
        put_s(f, image_ref);
    } else if (!pinned) {
        fputs("controller default (not pinned)", f);
    } else if (im == RERUN_IMAGE_DEFAULT) {
        fputs("pin dropped: controller default instead of ", f);
        put_s(f, pinned);
    } else {
        fputs("kept pinned: ", f);
        put_s(f, pinned);
    }
    fprintf(f, "\nchanges from the old run (%zu):\n", p->ndiff);
    for (size_t i = 0; i < p->ndiff; i++) {
        const struct rerun_change *c = &p->diff[i];
        fputs(c->old_json && c->new_json ? "  ~ " : c->new_json ? "  + " : "  - ", f);
        put_s(f, c->path);
        fputs(": ", f);
        if (c->old_json && c->new_json) {
            put_val(f, c->old_json);
            fputs(" -> ", f);
            put_val(f, c->new_json);
        } else {
            put_val(f, c->new_json ? c->new_json : c->old_json);
        }
        fputc('\n', f);
    }
}

/* JSON with ": " and two-space indents, the layout docs/cli.md shows; every
 * scalar is written by cJSON (which escapes). */
static void json_pretty(struct buf *b, const cJSON *v, int depth)
{
    if (cJSON_IsObject(v) || cJSON_IsArray(v)) {
        bool obj = cJSON_IsObject(v);
        if (!v->child) {
            buf_puts(b, obj ? "{}" : "[]");
            return;
        }
        buf_puts(b, obj ? "{\n" : "[\n");
        for (const cJSON *it = v->child; it; it = it->next) {
            for (int i = 0; i <= depth; i++) buf_puts(b, "  ");
            if (obj) {
                cJSON *k = cJSON_CreateString(it->string ? it->string : "");
                char *ks = cJSON_PrintUnformatted(k);
                buf_puts(b, ks ? ks : "\"\"");
                buf_puts(b, ": ");
                free(ks);
                cJSON_Delete(k);
            }
            json_pretty(b, it, depth + 1);
            buf_puts(b, it->next ? ",\n" : "\n");
        }
        for (int i = 0; i < depth; i++) buf_puts(b, "  ");
        buf_putc(b, obj ? '}' : ']');
        return;
    }
    char *s = json_print_safe(v, 0);
    buf_puts(b, s ? s : "null");
    free(s);
}

/* cli_fail for a message that may quote cluster strings. */
static int fail_s(const char *msg)
{
    char *m = sanitize_str(msg, 0);
    cli_fail("%s", m);
    free(m);
    return 1;
}

struct ask {
    FILE *out;
    const struct rerun_plan *plan;
};

static bool ask_confirm(void *ud)
{
    struct ask *a = ud;
    fputs("server dry run: accepted\nCreate run ", a->out);
    put_ref(a->out, a->plan->ns, a->plan->name);
    fputs("? [y/N] ", a->out);
    fflush(a->out);
    char line[64];
    if (!fgets(line, sizeof line, stdin)) return false;
    return line[0] == 'y' || line[0] == 'Y';
}

/* Splits RUN into namespace and name ("NS/NAME" or NAME in default_ns). */
static int split_run(const char *run, const char *default_ns, char **ns, char **name)
{
    const char *slash = strchr(run, '/');
    if (slash) {
        if (slash == run || !slash[1] || strchr(slash + 1, '/')) return -1;
        *ns = xstrndup(run, (size_t)(slash - run));
        *name = xstrdup(slash + 1);
    } else {
        if (!*run) return -1;
        *ns = xstrdup(default_ns);
        *name = xstrdup(run);
    }
    return 0;
}

int cmd_rerun(struct cli *cli, int argc, char **argv)
{
    const char *head = cli_opt(cli, "head"), *name_opt = cli_opt(cli, "name");
    const char *image = cli_opt(cli, "image"), *output = cli->output;
    if (!image) image = "keep";
    bool dry_run = cli_flag(cli, "dry-run"), yes = cli_flag(cli, "yes");
    if (argc != 2) return cli_usage("rerun", "expected exactly one RUN");
    const char *run = argv[1];
    bool json = false;
    if (output && strcmp(output, "json") == 0) json = true;
    else if (output && strcmp(output, "text") != 0)
        return cli_usage("rerun", "-o must be text or json, not '%s'", output);
    enum rerun_image_mode im;
    const char *image_ref;
    char err[ERRLEN];
    if (rerun_image_parse(image, &im, &image_ref, err, sizeof err) < 0) return cli_usage("rerun", "%s", err);
    if (cli->read_only)
        return cli_fail("rerun of %s refused: --read-only forbids writing to the cluster; nothing was created", run);
    if (cli->offline)
        return cli_fail("rerun of %s refused: --offline never contacts the cluster, and a rerun must", run);
    bool tty = isatty(STDIN_FILENO);
    if (!dry_run && !yes && !tty)
        return cli_usage("rerun", "without a terminal, rerun needs --yes to create a run (or --dry-run)");

    int rc = 1;
    struct kubeconfig *kc = NULL;
    struct kube_config *cfg = NULL;
    struct kube_client *c = NULL;
    struct store *st = NULL;
    char *ns = NULL, *name = NULL;
    struct rerun_prep prep = {0};
    struct rerun_exec *x = NULL;

    if (kubeconfig_load(cli->kubeconfig, &kc, err, sizeof err) < 0 ||
        kubeconfig_resolve(kc, cli->context, cli->ns, &cfg, err, sizeof err) < 0 ||
        kube_client_new(cfg, &c, err, sizeof err) < 0) {
        fail_s(err);
        goto out;
    }
    cli_client_notices(c);
    if (split_run(run, cfg->ns, &ns, &name) < 0) {
        rc = cli_usage("rerun", "RUN must be NAME or NAMESPACE/NAME, not '%s'", run);
        goto out;
    }
    if (kube_check_run_ref(run, err, sizeof err) < 0) {
        rc = cli_usage("rerun", "%s", err);
        goto out;
    }
    st = store_open(cli->db, NULL, err, sizeof err);
    if (!st) fprintf(stderr, "artriage: warning: no history cache, this rerun will not be audited: %s\n", err);
    if (rerun_prep_load(&prep, c, st, ns, name, err, sizeof err) < 0) {
        fail_s(err);
        goto out;
    }
    struct rerun_opts po = {.name = name_opt, .head = head, .image = im, .image_ref = image_ref};
    if (rerun_prep_plan(&prep, &po, err, sizeof err) < 0) {
        fail_s(err);
        goto out;
    }
    const struct rerun_plan *plan = &prep.plan;

    FILE *pf = json ? stderr : stdout;
    bool interactive = tty && !yes && !dry_run;
    if (!json || interactive) print_preview(pf, plan, im, image_ref, prep.old.workload_image);
    fflush(pf);

    struct rerun_exec_opts xo = {.dry_run_only = dry_run, .skip_confirm = !interactive};
    x = rerun_exec_new(plan, &xo);
    struct ask a = {.out = pf, .plan = plan};
    enum rerun_state fin = rerun_drive_blocking(c, x, 0, ask_confirm, &a);
    const struct rerun_result *r = rerun_exec_result(x);
    if (st && rerun_audit(st, &prep, r, image, err, sizeof err) < 0)
        fprintf(stderr, "artriage: warning: the rerun was not recorded in the history cache: %s\n", err);

    if (fin == RERUN_ST_DONE || fin == RERUN_ST_DRY_DONE) {
        if (json) {
            cJSON *o = cJSON_CreateObject();
            cJSON *from = cJSON_AddObjectToObject(o, "from");
            cJSON_AddStringToObject(from, "namespace", plan->from_ns);
            cJSON_AddStringToObject(from, "name", plan->from_name);
            if (plan->from_uid) cJSON_AddStringToObject(from, "uid", plan->from_uid);
            else cJSON_AddNullToObject(from, "uid");
            cJSON *cr = cJSON_AddObjectToObject(o, "created");
            cJSON_AddStringToObject(cr, "namespace", plan->ns);
            cJSON_AddStringToObject(cr, "name", plan->name);
            if (r->uid) cJSON_AddStringToObject(cr, "uid", r->uid);
            else cJSON_AddNullToObject(cr, "uid");
            cJSON_AddStringToObject(cr, "idempotencyKey", plan->key);
            if (plan->head) cJSON_AddStringToObject(cr, "head", plan->head);
            else cJSON_AddNullToObject(cr, "head");
            cJSON_AddBoolToObject(o, "dryRun", fin == RERUN_ST_DRY_DONE);
            cJSON_AddBoolToObject(o, "recovered", r->recovered);
            struct buf jb = {0};
            json_pretty(&jb, o, 0);
            puts(jb.p ? jb.p : "{}");
            buf_free(&jb);
            cJSON_Delete(o);
        } else if (fin == RERUN_ST_DRY_DONE) {
            fputs("server dry run: accepted; nothing was created (--dry-run)\n", stdout);
        } else {
            fputs("created run ", stdout);
            put_ref(stdout, plan->ns, plan->name);
            fputs(" (uid ", stdout);
            put_s(stdout, r->uid);
            fputs(")", stdout);
            if (r->recovered) fputs(", confirmed by reading it back after a lost answer", stdout);
            fputc('\n', stdout);
        }
        rc = 0;
    } else {
        char *e = xasprintf("rerun of %s/%s: %s", plan->from_ns, plan->from_name,
                            r->error ? r->error : "rerun failed");
        fail_s(e);
        free(e);
    }

out:
    rerun_exec_free(x);
    rerun_prep_free(&prep);
    if (st) store_close(st);
    if (c) kube_client_free(c);
    if (cfg) kube_config_free(cfg);
    if (kc) kubeconfig_free(kc);
    free(ns);
    free(name);
    return rc;
}
