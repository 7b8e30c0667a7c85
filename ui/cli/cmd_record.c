/* `artriage record [--context NAME]... [-A | -n NS]` — the recorder: every
 * named context (default: the current one) followed in one process and
 * one loop (one struct kube_loop), each with its own client and sync on
 * its own feed (list, watch, logs of terminated containers, verdicts),
 * all into one history cache. A context
 * whose cluster is down is retried on its own; the others go on. A
 * heartbeat in the cache tells readers (`status`, the console) that the
 * cache is being fed, and keeps a second recorder out. SIGTERM/SIGINT:
 * log fetches in flight get a short grace, the cache is released and
 * closed, exit 0. After a SIGKILL the next start relists every context and
 * sweeps what vanished meanwhile. */
#include "cli.h"
#include "cliruns.h"
#include "classify/classify.h"
#include "kube/client.h"
#include "kube/kubeconfig.h"
#include "store/store.h"
#include "sync/sync.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/sanitize.h"
#include "util/timeutil.h"
#include "util/xalloc.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


/* How long a stopping recorder waits for log fetches already in flight. */
#define STOP_GRACE_MS 2500
/* The longest a batch of writes stays open (uncommitted). */
#define BATCH_MS 250
/* The recorder's SQLite page cache (KiB). */
#define RECORD_CACHE_KIB 4096

static volatile sig_atomic_t stop_flag;
static int wake_pipe[2] = {-1, -1};

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
    if (wake_pipe[1] >= 0) {
        int e = errno;
        ssize_t w = write(wake_pipe[1], "x", 1);
        (void)w;
        errno = e;
    }
}

struct followed {
    const char *name;          /* the context's name ("" in-cluster) */
    struct kube_config *cfg;
    struct kube_client *c;
    struct sync *y;
    struct sync_stats st;
};

/* Refuses when another recorder's heartbeat is fresh; takes over from one
 * on this host whose process is gone (SIGKILL leaves a fresh beat). */
static int claim(struct store *s, int64_t pid, const char *host, const char **names, size_t n)
{
    char err[ERRLEN];
    struct store_recorder h;
    int rc = store_recorder_claim(s, pid, host, names, n, time_now_ms(), &h, err, sizeof err);
    if (rc < 0) return cli_fail("%s", err);
    if (rc == 0) return 0;
    bool dead = h.host && strcmp(h.host, host) == 0 && h.pid > 0 &&
                kill((pid_t)h.pid, 0) < 0 && errno == ESRCH;
    if (dead) {
        /* its heartbeat is fresh but it is gone: clear the row and claim */
        store_recorder_release(s, h.pid, h.host, time_now_ms(), err, sizeof err);
        store_recorder_free(&h);
        rc = store_recorder_claim(s, pid, host, names, n, time_now_ms(), &h, err, sizeof err);
        if (rc < 0) return cli_fail("%s", err);
        if (rc == 0) return 0;
    }
    char *hh = sanitize_str(h.host ? h.host : "", 0);
    int r = cli_fail("history cache %s is already fed by a recorder (pid %lld on %s, heartbeat "
                     "%lld s ago); one recorder per cache: stop it, or use another --db",
                     store_path(s), (long long)h.pid, hh,
                     (long long)((time_now_ms() - h.heartbeat) / 1000));
    free(hh);
    store_recorder_free(&h);
    return r;
}

static void beat(struct store *s, int64_t pid, const char *host, struct followed *f, size_t n,
                 bool *lost)
{
    char err[ERRLEN];
    int64_t now = time_now_ms();
    int rc = store_recorder_beat(s, pid, host, now, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "artriage: record: %s\n", err);
        return; /* busy readers: the next beat will do */
    }
    if (rc == 1) {
        *lost = true;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const char *state, *e;
        int64_t seen;
        sync_connection(f[i].y, &state, &e, &seen);
        if (store_context_seen(s, f[i].name, seen, state, e, now, err, sizeof err) < 0)
            fprintf(stderr, "artriage: record: %s\n", err);
    }
}

int cmd_record(struct cli *cli, int argc, char **argv)
{
    bool quiet = cli_flag(cli, "quiet");
    if (argc > 1) return cli_usage("record", "unexpected argument '%s'", argv[1]);
    if (cli->offline) return cli_fail("record follows clusters, but --offline forbids contacting them");
    if (cli->all_namespaces && cli->ns) return cli_usage("record", "-A and -n exclude each other");

    char err[ERRLEN];
    struct kubeconfig *kc = NULL;
    struct classify_rules *rules = NULL;
    struct store *s = NULL;
    size_t n = cli->ncontexts > 0 ? (size_t)cli->ncontexts : 1;
    struct followed *f = xcalloc(n, sizeof *f);
    const char **names = xcalloc(n, sizeof *names);
    struct kube_loop *loop = kube_loop_new();
    size_t nf = 0;
    int rc = 1;
    bool claimed = false;
    int64_t pid = (int64_t)getpid();
    char host[256] = "";
    if (gethostname(host, sizeof host - 1) < 0) snprintf(host, sizeof host, "unknown");

    if (kubeconfig_load(cli->kubeconfig, &kc, err, sizeof err) < 0) {
        cli_fail("%s", err);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        const char *want = cli->ncontexts > 0 ? cli->contexts[i] : cli->context;
        bool dup = false;
        for (size_t k = 0; k < nf && !dup; k++) dup = want && strcmp(f[k].name, want) == 0;
        if (dup) continue;
        struct followed *x = &f[nf];
        if (kubeconfig_resolve(kc, want, cli->ns, &x->cfg, err, sizeof err) < 0 ||
            kube_client_new_on(loop, x->cfg, &x->c, err, sizeof err) < 0) {
            cli_fail("%s", err);
            kube_config_free(x->cfg);
            x->cfg = NULL;
            goto out;
        }
        x->name = x->cfg->context ? x->cfg->context : "";
        names[nf] = x->name;
        nf++;
    }
    rules = cli_rules_load(cli, quiet, err, sizeof err);
    if (!rules) {
        cli_fail("%s", err);
        goto out;
    }
    /* a process that runs for months: a page cache of the hot pages (the
     * runs being written, their indexes) keeps its memory flat as the
     * cache grows; the default fits one-shot bulk writers */
    struct store_opts sto;
    store_opts_default(&sto);
    sto.cache_kib = RECORD_CACHE_KIB;
    s = store_open(cli->db, &sto, err, sizeof err);
    if (!s) {
        cli_fail("%s", err);
        goto out;
    }
    if (claim(s, pid, host, names, nf) != 0) goto out;
    claimed = true;

    if (pipe(wake_pipe) < 0) {
        cli_fail("record: cannot create a pipe: %s", strerror(errno));
        goto out;
    }
    for (int k = 0; k < 2; k++) {
        fcntl(wake_pipe[k], F_SETFL, fcntl(wake_pipe[k], F_GETFL) | O_NONBLOCK);
        fcntl(wake_pipe[k], F_SETFD, FD_CLOEXEC);
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    for (size_t i = 0; i < nf; i++) {
        struct sync_opts so;
        sync_opts_init(&so);
        so.context = f[i].name;
        so.ns = cli->all_namespaces ? NULL : f[i].cfg->ns;
        so.rules = rules;
        so.progress = quiet ? NULL : stderr;
        f[i].y = sync_new(s, f[i].c, &so);
        sync_follow_begin(f[i].y, &f[i].st);
    }
    if (!quiet) {
        fprintf(stderr, "artriage: recording %zu context%s into %s (pid %lld)\n", nf,
                nf == 1 ? "" : "s", store_path(s), (long long)pid);
    }
    bool lost = false, failed = false, batch = false;
    int64_t next_beat = 0, commit_at = 0;
    while (!stop_flag && !failed && !lost) {
        int64_t mono = time_mono_ms();
        if (batch && mono >= commit_at) {
            batch = false;
            if (store_commit(s, err, sizeof err) < 0) {
                failed = true;
                break;
            }
        }
        if (mono >= next_beat) {
            if (batch) {
                batch = false;
                if (store_commit(s, err, sizeof err) < 0) {
                    failed = true;
                    break;
                }
            }
            beat(s, pid, host, f, nf, &lost);
            next_beat = mono + STORE_BEAT_MS;
            if (lost) break;
        }
        struct curl_waitfd wf = {.fd = wake_pipe[0], .events = CURL_WAIT_POLLIN};
        int64_t wait = next_beat - time_mono_ms();
        if (batch && commit_at - time_mono_ms() < wait) wait = commit_at - time_mono_ms();
        if (wait > 500) wait = 500;
        if (wait < 0) wait = 0;
        kube_loop_wait(loop, &wf, 1, (int)wait);
        if (wf.revents & CURL_WAIT_POLLIN) {
            char drain[64];
            while (read(wake_pipe[0], drain, sizeof drain) > 0) {}
        }
        /* Writes are batched: what the turns of up to BATCH_MS bring (runs,
         * pods, logs, verdicts) is one transaction, not one commit per
         * event. Readers never wait for it (WAL); another writer waits at
         * most BATCH_MS; a SIGKILL loses this batch only (the next start
         * relists). */
        if (!batch) {
            if (store_begin(s, err, sizeof err) < 0) {
                failed = true;
                break;
            }
            batch = true;
            commit_at = time_mono_ms() + BATCH_MS;
        }
        kube_loop_perform(loop);
        /* log fetches the events just queued go out now, before this turn's
         * verdicts: a pod may be deleted seconds after its container ends */
        kube_loop_perform(loop);
        for (size_t i = 0; i < nf && !failed; i++)
            if (sync_follow_turn(f[i].y, err, sizeof err) < 0) failed = true;
    }
    if (batch && failed) store_rollback(s);
    else if (batch && store_commit(s, err, sizeof err) < 0) failed = true;
    /* let log fetches already under way land: they are evidence */
    int64_t grace_end = time_mono_ms() + STOP_GRACE_MS;
    while (!failed && !lost && time_mono_ms() < grace_end) {
        size_t pending = 0;
        for (size_t i = 0; i < nf; i++) pending += sync_follow_pending_logs(f[i].y);
        if (!pending) break;
        kube_loop_wait(loop, NULL, 0, 100);
        kube_loop_perform(loop);
    }
    for (size_t i = 0; i < nf; i++) sync_follow_end(f[i].y);
    if (failed) {
        cli_fail("record: %s", err);
        goto out;
    }
    if (lost) {
        cli_fail("record: another recorder took over the history cache %s while this one was "
                 "silent; stopping", store_path(s));
        claimed = false;
        goto out;
    }
    /* the last word on each context, then the cache is released */
    beat(s, pid, host, f, nf, &lost);
    if (!quiet) {
        for (size_t i = 0; i < nf; i++) {
            char *cx = sanitize_str(*f[i].name ? f[i].name : "(in-cluster)", 0);
            fprintf(stderr, "artriage: stopped; context %s: %zu events, %zu runs, %zu pods, %zu logs, "
                    "%zu classified\n", cx, f[i].st.events, f[i].st.runs, f[i].st.pods, f[i].st.logs,
                    f[i].st.classified);
            free(cx);
        }
    }
    rc = 0;
out:
    if (claimed && s) {
        char e2[ERRLEN];
        if (store_recorder_release(s, pid, host, time_now_ms(), e2, sizeof e2) < 0 && rc == 0)
            rc = cli_fail("%s", e2);
    }
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    for (size_t i = 0; i < nf; i++) {
        sync_free(f[i].y);
        kube_client_free(f[i].c);
        kube_config_free(f[i].cfg);
    }
    for (int k = 0; k < 2; k++) {
        if (wake_pipe[k] >= 0) close(wake_pipe[k]);
        wake_pipe[k] = -1;
    }
    free(f);
    free(names);
    kube_loop_free(loop);
    store_close(s);
    classify_rules_free(rules);
    kubeconfig_free(kc);
    return rc;
}
