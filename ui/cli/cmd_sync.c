/* `artriage sync [--watch]` — fill the history cache from the cluster: one
 * full pass, or a pass and then every change until SIGINT/SIGTERM. */
#include "cli.h"
#include "cliruns.h"
#include "classify/classify.h"
#include "kube/client.h"
#include "kube/kubeconfig.h"
#include "store/store.h"
#include "sync/sync.h"
#include "util/err.h"
#include "util/sanitize.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static volatile sig_atomic_t stop_flag;
static struct sync *active_sync;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
    if (active_sync) sync_wakeup(active_sync);
}

static void print_stats(const struct cli *cli, const struct kube_config *cfg,
                        const struct sync_stats *st, const char *what)
{
    char *ctx = sanitize_str(cfg->context, 0);
    char *ns = sanitize_str(cli->all_namespaces ? "all namespaces" : cfg->ns, 0);
    printf("%s context %s, %s: %zu runs (%zu gone from the server), %zu pods (%zu gone), "
           "%zu logs, %zu classified, %zu PR links\n",
           what, *ctx ? ctx : "(in-cluster)", ns, st->runs, st->runs_deleted, st->pods,
           st->pods_deleted, st->logs, st->classified, st->prs);
    free(ctx);
    free(ns);
}

int cmd_sync(struct cli *cli, int argc, char **argv)
{
    bool watch = cli_flag(cli, "watch"), quiet = cli_flag(cli, "quiet");
    if (argc > 1) return cli_usage("sync", "unexpected argument '%s'", argv[1]);
    if (cli->offline) return cli_fail("sync reads the cluster, but --offline forbids contacting it");

    char err[ERRLEN];
    struct kubeconfig *kc = NULL;
    struct kube_config *cfg = NULL;
    struct kube_client *kcl = NULL;
    struct classify_rules *rules = NULL;
    struct store *s = NULL;
    struct sync *y = NULL;
    int rc = 1;
    if (kubeconfig_load(cli->kubeconfig, &kc, err, sizeof err) < 0 ||
        kubeconfig_resolve(kc, cli->context, cli->ns, &cfg, err, sizeof err) < 0 ||
        kube_client_new(cfg, &kcl, err, sizeof err) < 0) {
        cli_fail("%s", err);
        goto out;
    }
    cli_client_notices(kcl);
    rules = cli_rules_load(cli, quiet, err, sizeof err);
    if (!rules) {
        cli_fail("%s", err);
        goto out;
    }
    s = store_open(cli->db, NULL, err, sizeof err);
    if (!s) {
        cli_fail("%s", err);
        goto out;
    }
    struct sync_opts so;
    sync_opts_init(&so);
    so.context = cfg->context ? cfg->context : "";
    so.ns = cli->all_namespaces ? NULL : cfg->ns;
    so.rules = rules;
    so.progress = quiet || !watch ? NULL : stderr;
    y = sync_new(s, kcl, &so);
    struct sync_stats st;
    memset(&st, 0, sizeof st);
    if (!watch) {
        if (sync_pass(y, &st, err, sizeof err) < 0) {
            cli_fail("sync: %s", err);
            goto out;
        }
        if (!quiet) print_stats(cli, cfg, &st, "synced");
        if (st.errors && sync_last_warning(y)) {
            char *w = sanitize_str(sync_last_warning(y), 0);
            fprintf(stderr, "artriage: %zu objects or logs could not be read; the last: %s\n",
                    st.errors, w);
            free(w);
        }
        rc = 0;
        goto out;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    active_sync = y;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    int wr = sync_watch(y, &stop_flag, &st, err, sizeof err);
    active_sync = NULL;
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    if (wr < 0) {
        cli_fail("sync: %s", err);
        goto out;
    }
    if (!quiet) print_stats(cli, cfg, &st, "stopped; recorded from");
    rc = 0;
out:
    sync_free(y);
    store_close(s);
    classify_rules_free(rules);
    kube_client_free(kcl);
    kube_config_free(cfg);
    kubeconfig_free(kc);
    return rc;
}
