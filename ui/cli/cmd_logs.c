/* logs — a run's container log (docs/cli.md). Default container: the one the
 * history cache's classification blames, else agent-runner, else the
 * pod's first main container. Live through the API (-f follows), else
 * from the history cache.
 *
 * Terminal safety (CVE-2021-25743): when stdout is a terminal every byte
 * goes through util/sanitize (escape sequences shown as text, colours
 * dropped), line by line so that a UTF-8 sequence split between chunks
 * survives. When stdout is a pipe or a file the bytes are passed through
 * untouched, as kubectl does, so that `artriage logs R > run.log` keeps
 * the evidence exact; --sanitize forces the terminal behaviour. */
#include "cli.h"
#include "kube/names.h"
#include "cliruns.h"
#include "store/store.h"
#include "model/logdoc.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/sanitize.h"
#include "util/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


#define PENDING_MAX ((size_t)1 << 20) /* a line longer than this is cut */

struct out_ud {
    bool sanitize;
    struct buf pending; /* sanitise or filter mode: an unfinished line */
    bool failed;
    struct logre *inc, *exc; /* stern's --include / --exclude, NULL = none */
};

static void emit(struct out_ud *o, const char *p, size_t n);

/* One whole line (with its '\n', if any): kept or dropped by the
 * filters, then written raw or sanitised. */
static void emit_line(struct out_ud *o, const char *p, size_t n)
{
    size_t len = n && p[n - 1] == '\n' ? n - 1 : n, so, eo;
    if (o->inc && !logre_find(o->inc, p, len, 0, &so, &eo)) return;
    if (o->exc && logre_find(o->exc, p, len, 0, &so, &eo)) return;
    if (!o->sanitize) {
        emit(o, p, n);
        return;
    }
    struct buf s = {0};
    sanitize_append(&s, p, n, SAN_KEEP_NEWLINE | SAN_KEEP_TAB | SAN_STRIP_SGR);
    emit(o, s.p, s.len);
    buf_free(&s);
}

static void emit(struct out_ud *o, const char *p, size_t n)
{
    if (n && fwrite(p, 1, n, stdout) != n) o->failed = true;
}

static int on_bytes(void *ud, const char *data, size_t n)
{
    struct out_ud *o = ud;
    if (o->inc || o->exc) {
        /* line by line: a filter judges whole lines */
        buf_append(&o->pending, data, n);
        size_t at = 0;
        for (;;) {
            const char *nl = memchr(o->pending.p + at, '\n', o->pending.len - at);
            if (!nl) break;
            size_t end = (size_t)(nl - o->pending.p) + 1;
            emit_line(o, o->pending.p + at, end - at);
            at = end;
        }
        if (!at && o->pending.len > PENDING_MAX) at = o->pending.len, emit_line(o, o->pending.p, at);
        buf_consume(&o->pending, at);
        fflush(stdout);
        return o->failed;
    }
    if (!o->sanitize) {
        emit(o, data, n);
        fflush(stdout);
        return o->failed;
    }
    buf_append(&o->pending, data, n);
    const char *start = o->pending.p;
    const char *nl = memrchr(start, '\n', o->pending.len);
    size_t upto = nl ? (size_t)(nl - start) + 1 : 0;
    if (!nl && o->pending.len > PENDING_MAX) upto = o->pending.len;
    if (upto) {
        struct buf s = {0};
        sanitize_append(&s, start, upto, SAN_KEEP_NEWLINE | SAN_KEEP_TAB | SAN_STRIP_SGR);
        emit(o, s.p, s.len);
        buf_free(&s);
        buf_consume(&o->pending, upto);
        fflush(stdout);
    }
    return o->failed;
}

static void flush_pending(struct out_ud *o)
{
    if ((o->inc || o->exc) && o->pending.len) {
        emit_line(o, o->pending.p, o->pending.len);
        if (o->sanitize) emit(o, "\n", 1);
        buf_reset(&o->pending);
        return;
    }
    if (!o->sanitize || !o->pending.len) return;
    struct buf s = {0};
    sanitize_append(&s, o->pending.p, o->pending.len, SAN_KEEP_NEWLINE | SAN_KEEP_TAB | SAN_STRIP_SGR);
    emit(o, s.p, s.len);
    emit(o, "\n", 1);
    buf_free(&s);
    buf_reset(&o->pending);
}

int cmd_logs(struct cli *cli, int argc, char **argv)
{
    const char *container = cli_opt(cli, "container");
    bool previous = cli_flag(cli, "previous"), follow = cli_flag(cli, "follow"),
         force_san = cli_flag(cli, "sanitize");
    if (argc < 2) return cli_usage("logs", "which run? (RUN or NAMESPACE/NAME)");
    if (argc > 2) return cli_usage("logs", "unexpected argument '%s'", argv[2]);
    const char *run = argv[1];
    const char *slash = strchr(run, '/');
    if (!*run || (slash && (!slash[1] || slash == run))) return cli_usage("logs", "'%s' is not RUN or NAMESPACE/NAME", run);
    char nerr[ERRLEN];
    if (kube_check_run_ref(run, nerr, sizeof nerr) < 0) return cli_usage("logs", "%s", nerr);
    struct out_ud ou = {.sanitize = force_san || isatty(1)};
    const char *inc = cli_opt(cli, "include"), *exc = cli_opt(cli, "exclude");
    char rerr[ERRLEN];
    if (inc && !(ou.inc = logre_compile(inc, rerr, sizeof rerr)))
        return cli_usage("logs", "--include '%s': %s", inc, rerr);
    if (exc && !(ou.exc = logre_compile(exc, rerr, sizeof rerr))) {
        logre_free(ou.inc);
        return cli_usage("logs", "--exclude '%s': %s", exc, rerr);
    }
    char *ns = slash ? xstrndup(run, (size_t)(slash - run)) : NULL;

    struct runsrc_opts o = {.with_pods = true, .with_deleted = true, .ns = ns};
    struct runs_opts ro = cli_runs_opts(cli);
    struct run_set set;
    char err[ERRLEN];
    int lrc = runsrc_load(&ro, &o, &set, err, sizeof err);
    cli_runs_say(&set); /* before a failure, so that its line carries them */
    if (lrc != 0) {
        runsrc_free(&set);
        free(ns);
        logre_free(ou.inc);
        logre_free(ou.exc);
        return cli_fail("%s", err);
    }
    free(ns);
    struct run_view *v = runsrc_find(&set, run);
    if (!v) {
        char *s = sanitize_str(run, 0);
        int rc = cli_fail("AgentRun '%s' not found", s);
        free(s);
        runsrc_free(&set);
        logre_free(ou.inc);
        logre_free(ou.exc);
        return rc;
    }
    /* the blamed container, when the classification names one */
    if (!container && v->has_failure && v->failure.container && *v->failure.container)
        container = v->failure.container;
    char pod[256], cont[256];
    if (follow) cli_notes_flush(); /* a follow may run for hours */
    int rc = runsrc_read_log(&set, v, NULL, container, previous, follow, on_bytes, &ou, pod, cont, err, sizeof err);
    if (rc != 0 && container && container == v->failure.container && !ou.pending.len) {
        /* the blamed container is gone: fall back to the main one */
        rc = runsrc_read_log(&set, v, NULL, NULL, previous, follow, on_bytes, &ou, pod, cont, err, sizeof err);
    }
    flush_pending(&ou);
    buf_free(&ou.pending);
    logre_free(ou.inc);
    logre_free(ou.exc);
    if (fflush(stdout) != 0) ou.failed = true;
    runsrc_free(&set);
    if (rc != 0) return cli_fail("%s", err);
    if (ou.failed) return cli_fail("cannot write the log to stdout");
    return 0;
}
