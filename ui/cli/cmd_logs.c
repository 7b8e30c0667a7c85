/* logs — container logs of one run or several (docs/cli.md), with
 * stern's and kubectl's habits: --since, --tail, --timestamps,
 * --include/--exclude, several RUN arguments or --lane L, -f following
 * them all with the lines interleaved as they come, each prefixed with its
 * run in its own colour. Default container: the one the history cache's
 * classification blames, else agent-runner, else the pod's first main
 * container. Lines come from the one log source (runs/logsrc.h): live
 * through the API (a dropped -f resumes without losing or repeating a
 * line), else from the history cache.
 *
 * Terminal safety (CVE-2021-25743): when stdout is a terminal every byte
 * goes through util/sanitize (escape sequences shown as text, colours
 * dropped), and so does every prefix. When stdout is a pipe or a file the
 * log bytes are passed through untouched, as kubectl does, so that
 * `artriage logs R > run.log` keeps the evidence exact; --sanitize forces
 * the terminal behaviour. Colours only on a terminal, never with NO_COLOR
 * or --no-color. */
#include "cli.h"
#include "kube/names.h"
#include "cliruns.h"
#include "runs/logsrc.h"
#include "store/store.h"
#include "model/linkage.h"
#include "model/logdoc.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/sanitize.h"
#include "util/timeutil.h"
#include "util/xalloc.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LINE_MAX_BYTES ((size_t)1 << 20) /* a longer line is cut (sanitised output) */

struct out {
    bool sanitize, color, timestamps, prefix;
    struct logre *inc, *exc; /* stern's --include / --exclude, NULL = none */
    bool failed;
};

/* One run being read. */
struct target {
    struct out *o;
    const struct run_view *v;
    char *label;           /* sanitised run name, for the prefix */
    int color;             /* ANSI foreground 31..36 */
    const char *container; /* asked for (NULL: the default) */
    bool blamed;           /* container is the classification's guess */
    struct logsrc *ls;
    int64_t lines;         /* lines printed */
    bool ended, ok;
    char *error;
    char *note;
};

static void emit(struct out *o, const char *p, size_t n)
{
    if (n && fwrite(p, 1, n, stdout) != n) o->failed = true;
}

static int on_line(void *ud, const struct logsrc_line *l)
{
    struct target *t = ud;
    struct out *o = t->o;
    size_t so, eo;
    if (o->inc && !logre_find(o->inc, l->text, l->len, 0, &so, &eo)) return 0;
    if (o->exc && logre_find(o->exc, l->text, l->len, 0, &so, &eo)) return 0;
    struct buf b = {0};
    if (o->prefix) {
        if (o->color) buf_printf(&b, "\033[%dm%s\033[0m ", t->color, t->label);
        else buf_printf(&b, "%s ", t->label);
    }
    if (o->timestamps) {
        char when[40];
        if (l->stamp) {
            if (o->sanitize) sanitize_append(&b, l->stamp, l->stamp_len, 0);
            else buf_append(&b, l->stamp, l->stamp_len);
            buf_append(&b, " ", 1);
        } else if (l->time != TIME_NONE) {
            time_format_rfc3339(l->time, when, sizeof when);
            buf_printf(&b, "%s ", when);
        }
    }
    size_t n = l->len;
    if (o->sanitize) {
        if (n > LINE_MAX_BYTES) n = LINE_MAX_BYTES;
        sanitize_append(&b, l->text, n, SAN_KEEP_TAB | SAN_STRIP_SGR);
        buf_append(&b, "\n", 1);
    } else {
        buf_append(&b, l->text, n);
        if (l->newline) buf_append(&b, "\n", 1);
    }
    emit(o, b.p, b.len);
    buf_free(&b);
    t->lines++;
    return o->failed; /* a closed pipe stops the reading */
}

/* After each turn of the loop: what the turn's chunks printed goes out
 * (a follow shows lines as they come; a big log is not one write a line). */
static void flush_turn(void *ud)
{
    struct out *o = ud;
    if (fflush(stdout) != 0) o->failed = true;
}

static void on_end(void *ud, const struct logsrc_end *e)
{
    struct target *t = ud;
    t->ended = true;
    t->ok = e->ok;
    free(t->error);
    t->error = e->ok ? NULL : xstrdup(e->error ? e->error : "the log could not be read");
    free(t->note);
    t->note = e->note ? xstrdup(e->note) : NULL;
}

/* The pod and container of run v whose log is read (runsrc_log_pod);
 * NULL pod: none live (the cache then serves it). */
static const struct pod *pick_pod(struct run_set *set, const struct run_view *v, const char *container,
                                  const char **cont)
{
    *cont = container;
    if (!set->kube || v->deleted) return NULL;
    const struct container_state *cs = NULL;
    const struct pod *p = runsrc_log_pod(set, v, NULL, container, &cs);
    if (p) *cont = cs->name;
    return p;
}

struct logs_opts {
    bool previous, follow, timestamps;
    int64_t since_seconds, since_ms, tail;
};

static void start_target(struct run_set *set, struct target *t, const struct logs_opts *lo)
{
    const char *cont = NULL;
    const struct pod *p = pick_pod(set, t->v, t->container, &cont);
    struct logsrc_spec sp = {
        .kube = p ? set->kube : NULL, .ns = p && p->ns ? p->ns : t->v->run.ns, .pod = p ? p->name : NULL,
        .container = cont, .previous = lo->previous, .follow = lo->follow, .timestamps = lo->timestamps,
        .since_seconds = lo->since_seconds, .since_ms = lo->since_ms, .tail_lines = lo->tail,
        .store = set->store, .run_id = set->store ? runsrc_cache_id(set, t->v) : 0, .cache_fallback = true,
        .on_line = on_line, .on_end = on_end, .ud = t,
    };
    t->ended = t->ok = false;
    t->ls = logsrc_start(&sp);
}

/* "--since" as stern's and kubectl's: a duration (sinceSeconds) or an
 * RFC 3339 time (sinceTime). */
static int parse_since(const char *s, struct logs_opts *lo)
{
    int64_t ms;
    if (time_parse_duration(s, &ms) == 0 && ms > 0) {
        lo->since_seconds = (ms + 999) / 1000;
        return 0;
    }
    if (time_parse_rfc3339(s, &ms) == 0) {
        lo->since_ms = ms > 0 ? ms : 1;
        return 0;
    }
    return -1;
}

static int parse_tail(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    long long n = strtoll(s, &end, 10);
    if (errno || end == s || *end || n < -1) return -1;
    *out = n;
    return 0;
}

static int oldest_first(const void *a, const void *b)
{
    return run_view_cmp_newest(b, a); /* it compares pointers to views */
}

int cmd_logs(struct cli *cli, int argc, char **argv)
{
    const char *container = cli_opt(cli, "container"), *lane = cli_opt(cli, "lane");
    struct logs_opts lo = {.previous = cli_flag(cli, "previous"), .follow = cli_flag(cli, "follow"),
                           .timestamps = cli_flag(cli, "timestamps")};
    bool force_san = cli_flag(cli, "sanitize");
    if (argc < 2 && !lane) return cli_usage("logs", "which run? (RUN or NAMESPACE/NAME, or --lane L)");
    if (argc >= 2 && lane) return cli_usage("logs", "RUN arguments and --lane L do not go together");
    const char *since = cli_opt(cli, "since"), *tail = cli_opt(cli, "tail");
    if (since && parse_since(since, &lo) != 0)
        return cli_usage("logs", "--since '%s' is neither a duration like 10m nor an RFC 3339 time", since);
    if (tail && parse_tail(tail, &lo.tail) != 0)
        return cli_usage("logs", "--tail '%s' is not a number of lines (-1: all)", tail);
    if (tail && lo.tail == 0) return 0; /* kubectl's --tail=0: no line */
    char nerr[ERRLEN];
    /* one namespace named by every NAMESPACE/NAME: that one; mixed: all */
    const char *ns = NULL;
    size_t nslen = 0;
    bool mixed = false;
    for (int i = 1; i < argc; i++) {
        const char *run = argv[i];
        const char *slash = strchr(run, '/');
        if (!*run || (slash && (!slash[1] || slash == run)))
            return cli_usage("logs", "'%s' is not RUN or NAMESPACE/NAME", run);
        if (kube_check_run_ref(run, nerr, sizeof nerr) < 0) return cli_usage("logs", "%s", nerr);
        size_t l = slash ? (size_t)(slash - run) : 0;
        if (i == 1) {
            ns = slash ? run : NULL;
            nslen = l;
        } else if ((slash != NULL) != (ns != NULL) || (ns && (l != nslen || strncmp(run, ns, l) != 0))) {
            mixed = true;
        }
    }
    struct out o = {.sanitize = force_san || isatty(1), .timestamps = cli_flag(cli, "timestamps")};
    o.color = isatty(1) && !cli->no_color;
    const char *inc = cli_opt(cli, "include"), *exc = cli_opt(cli, "exclude");
    char rerr[ERRLEN];
    if (inc && !(o.inc = logre_compile(inc, rerr, sizeof rerr))) return cli_usage("logs", "--include '%s': %s", inc, rerr);
    if (exc && !(o.exc = logre_compile(exc, rerr, sizeof rerr))) {
        logre_free(o.inc);
        return cli_usage("logs", "--exclude '%s': %s", exc, rerr);
    }
    char *nsname = ns && !mixed ? xstrndup(ns, nslen) : NULL;
    struct runsrc_opts ro = {.with_pods = true, .with_deleted = true, .ns = nsname, .all_namespaces = mixed};
    struct run_set set;
    int rc = 0;
    struct target *ts = NULL;
    size_t nt = 0;
    int lrc = cli_runs_load(cli, &ro, &set);
    if (lrc != 0) {
        rc = lrc;
        goto out;
    }
    /* the runs: the arguments in order, or the lane's attempts oldest first */
    const struct run_view **views = xcalloc((size_t)(argc > 1 ? argc : 1) + set.n, sizeof *views);
    size_t nv = 0;
    if (lane) {
        for (size_t i = 0; i < set.n; i++)
            if (set.views[i].run.lane && strcmp(set.views[i].run.lane, lane) == 0) views[nv++] = &set.views[i];
        qsort(views, nv, sizeof *views, oldest_first);
        if (!nv) {
            char *s = sanitize_str(lane, 0);
            rc = cli_fail("no runs in lane '%s'", s);
            free(s);
        }
    }
    for (int i = 1; i < argc && !rc; i++) {
        const struct run_view *v = runsrc_find(&set, argv[i]);
        if (!v) {
            char *s = sanitize_str(argv[i], 0);
            rc = cli_fail("AgentRun '%s' not found", s);
            free(s);
            break;
        }
        bool dup = false;
        for (size_t k = 0; k < nv; k++) dup = dup || views[k] == v;
        if (!dup) views[nv++] = v;
    }
    if (rc) {
        free(views);
        goto out;
    }
    o.prefix = nv > 1;
    ts = xcalloc(nv, sizeof *ts);
    nt = nv;
    for (size_t i = 0; i < nv; i++) {
        struct target *t = &ts[i];
        t->o = &o;
        t->v = views[i];
        t->label = sanitize_str(views[i]->run.name ? views[i]->run.name : "?", 0);
        t->color = 31 + (int)(i % 6); /* stern's way: one colour per source */
        t->container = container;
        /* the blamed container, when the classification names one */
        if (!container && t->v->has_failure && t->v->failure.container && *t->v->failure.container) {
            t->container = t->v->failure.container;
            t->blamed = true;
        }
    }
    free(views);
    if (lo.follow) cli_notes_flush(); /* a follow may run for hours */
    struct logsrc **ls = xcalloc(nt, sizeof *ls);
    for (size_t i = 0; i < nt; i++) {
        start_target(&set, &ts[i], &lo);
        ls[i] = ts[i].ls;
    }
    bool waited = logsrc_wait(set.kube, ls, nt, flush_turn, &o) == 0;
    /* the blamed container is gone: its run's main one instead */
    bool again = false;
    for (size_t i = 0; i < nt; i++) {
        struct target *t = &ts[i];
        if (t->ended && !t->ok && t->blamed && !t->lines && !o.failed) {
            logsrc_free(t->ls);
            t->container = NULL;
            t->blamed = false;
            start_target(&set, t, &lo);
            ls[i] = t->ls;
            again = true;
        }
    }
    if (again && waited) waited = logsrc_wait(set.kube, ls, nt, flush_turn, &o) == 0;
    free(ls);
    if (fflush(stdout) != 0) o.failed = true;
    size_t last = nt; /* the last run that failed: the command's one error line */
    for (size_t i = 0; i < nt; i++)
        if (ts[i].ended && !ts[i].ok) last = i;
    for (size_t i = 0; i < nt; i++) {
        struct target *t = &ts[i];
        if (t->note) cli_note("%s%s%s", nt > 1 ? t->label : "", nt > 1 ? ": " : "", t->note);
        if (t->ended && !t->ok && i != last) cli_note("run %s: %s", t->label, t->error);
    }
    if (o.failed) rc = cli_fail("cannot write the log to stdout");
    else if (!waited) rc = cli_fail("waiting for the API server failed (poll error)");
    else if (last < nt) rc = cli_fail("run %s: %s", ts[last].label, ts[last].error);
out:
    for (size_t i = 0; i < nt; i++) {
        logsrc_free(ts[i].ls);
        free(ts[i].label);
        free(ts[i].error);
        free(ts[i].note);
    }
    free(ts);
    runsrc_free(&set);
    free(nsname);
    logre_free(o.inc);
    logre_free(o.exc);
    return rc;
}
