/* show — one run with pods, containers, linkage and attempts (docs/cli.md).
 * Reads the run's agent-runner log (live, else cached) to find its PR,
 * asks GitHub by head branch when GITHUB_TOKEN is set, and flags
 * agent.no-pr for a PR-less success. */
#include "cli.h"
#include "runclass.h"
#include "runsrc.h"
#include "kube/names.h"
#include "model/github.h"
#include "model/runview.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/sanitize.h"
#include "util/timeutil.h"
#include "util/xalloc.h"
#include "store/store.h"
#include "util/jsonutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>


#define SHOW_LOG_MAX ((size_t)64 << 20) /* bytes of log scanned for the PR */
#define GITHUB_TIMEOUT_MS 8000

struct scan_ud {
    struct pr_scan *pr;
    struct classify_ctx *cls;
    size_t bytes;
};

static int scan_chunk(void *ud, const char *data, size_t n)
{
    struct scan_ud *s = ud;
    pr_scan_feed(s->pr, data, n);
    if (s->cls) classify_feed(s->cls, data, n);
    s->bytes += n;
    return s->bytes > SHOW_LOG_MAX;
}

/* Keeps a PR GitHub named in the history cache (when there is one and it
 * knows the run), so later list/--offline calls show it without asking. */
static void cache_pr(struct run_set *set, const struct run_view *v, const struct pr_link *pr)
{
    if (!set->store || !pr->url) return;
    long long id = runsrc_cache_id(set, v);
    if (!id) return;
    char err[ERRLEN];
    struct store_opts o;
    store_opts_default(&o);
    struct store *w = store_open(store_path(set->store), &o, err, sizeof err);
    if (w && store_put_pr(w, id, pr->url, pr->number, pr->repository, "github", TIME_NONE, time_now_ms(),
                          err, sizeof err) == 0) {
        store_close(w);
        return;
    }
    if (w) store_close(w);
    char *e = sanitize_str(err, 0);
    cli_note("%s", e);
    free(e);
}

/* PR and failure from the log, then the PR from GitHub; returns true
 * when some PR source was read. */
static bool link_pr(struct run_set *set, struct run_view *v)
{
    bool looked = false;
    char pod[256], cont[256], err[ERRLEN];
    struct pr_scan *sc = pr_scan_new(v->run.repository, "log");
    struct scan_ud ud = {sc, runclass_begin(set->rules, v, set->pods, set->npods), 0};
    /* lines the passing run also printed are not the cause */
    struct classify_baseline *base = ud.cls ? runclass_baseline(set, v) : NULL;
    if (base) classify_set_baseline(ud.cls, base);
    /* The pod and container are known once the read is done: the
     * source is named afterwards. */
    if (runsrc_read_log(set, v, NULL, NULL, false, false, scan_chunk, &ud, pod, cont, err, sizeof err) == 0) {
        looked = true;
        pr_scan_finish(sc);
        /* the log's verdict replaces one made from the status alone */
        runclass_end(ud.cls, v, cont);
        ud.cls = NULL;
        struct pr_link pr;
        if (pr_scan_result(sc, &pr)) {
            free(pr.source);
            pr.source = xasprintf("log:%s/%s:line %lld", pod, cont, (long long)pr.line);
            run_view_set_pr(v, &pr);
            pr_link_free(&pr);
        }
    }
    pr_scan_free(sc);
    if (ud.cls) {
        classify_free(ud.cls);
        /* no log read: no verdict was compared with the baseline */
        free(v->baseline);
        v->baseline = NULL;
    }
    classify_baseline_free(base);

    struct gh_client *g = gh_client_new(NULL, NULL);
    if (gh_client_enabled(g) && v->run.repository && v->run.head) {
        struct pr_link pr;
        int rc = gh_lookup_sync(g, v->run.repository, v->run.head, GITHUB_TIMEOUT_MS, &pr, err, sizeof err);
        if (rc < 0) {
            char *s = sanitize_str(err, 0);
            cli_note("%s", s);
            free(s);
        } else {
            looked = true;
            if (rc == 1) {
                cache_pr(set, v, &pr);
                if (!v->has_pr) {
                    run_view_set_pr(v, &pr);
                } else if (v->pr.number == pr.number && v->pr.repository && pr.repository &&
                           strcasecmp(v->pr.repository, pr.repository) == 0) {
                    free(v->pr.state);
                    v->pr.state = xstrdup(pr.state);
                    free(v->pr.head_sha);
                    v->pr.head_sha = xstrdup(pr.head_sha);
                }
                pr_link_free(&pr);
            }
        }
    }
    gh_client_free(g);
    return looked;
}

int cmd_show(struct cli *cli, int argc, char **argv)
{
    if (argc < 2) return cli_usage("show", "which run? (RUN or NAMESPACE/NAME)");
    if (argc > 2) return cli_usage("show", "unexpected argument '%s'", argv[2]);
    const char *run = argv[1];
    const char *fmt = cli->output ? cli->output : "text";
    bool json = strcmp(fmt, "json") == 0;
    if (!json && strcmp(fmt, "text") != 0) return cli_usage("show", "output format '%s' is not text or json", fmt);

    char *ns = NULL;
    const char *slash = strchr(run, '/');
    if (slash) ns = xstrndup(run, (size_t)(slash - run));
    if (!*run || (slash && (!slash[1] || slash == run))) {
        free(ns);
        return cli_usage("show", "'%s' is not RUN or NAMESPACE/NAME", run);
    }
    char nerr[ERRLEN];
    if (kube_check_run_ref(run, nerr, sizeof nerr) < 0) {
        free(ns);
        return cli_usage("show", "%s", nerr);
    }
    struct runsrc_opts o = {.with_pods = true, .with_deleted = true, .ns = ns};
    struct run_set set;
    char err[ERRLEN];
    if (runsrc_load(cli, &o, &set, err, sizeof err) != 0) {
        runsrc_free(&set);
        free(ns);
        return cli_fail("%s", err);
    }
    free(ns);
    struct run_view *v = runsrc_find(&set, run);
    if (!v) {
        char *s = sanitize_str(run, 0);
        char *n = sanitize_str(set.ns ? set.ns : "any namespace", 0);
        char *c = sanitize_str(set.context ? set.context : "", 0);
        int rc = cli_fail("AgentRun '%s' not found in %s%s%s%s", s, set.ns ? "namespace " : "", n,
                          *c ? " of context " : "", c);
        free(s);
        free(n);
        free(c);
        runsrc_free(&set);
        return rc;
    }
    if (link_pr(&set, v)) run_view_apply_no_pr(v);

    size_t nlane = 0;
    const struct run_view **lane = runsrc_lane(&set, v, &nlane);
    struct attempt_set as = {lane, nlane};
    if (json) {
        cJSON *j = run_show_json(v, set.pods, set.npods, &as);
        char *s = json_print_safe(j, 1);
        fputs(s, stdout);
        fputc('\n', stdout);
        free(s);
        cJSON_Delete(j);
    } else {
        struct buf b = {0};
        run_show_text(&b, v, set.pods, set.npods, &as, time_now_ms());
        fwrite(b.p, 1, b.len, stdout);
        buf_free(&b);
    }
    free(lane);
    int rc = fflush(stdout) != 0 ? cli_fail("cannot write the output") : 0;
    runsrc_free(&set);
    return rc;
}
