/* artriage classify [FILE...|-] [--run RUN]: the root cause of log files,
 * stdin, or a run's logs joined with its status and pods (docs/cli.md
 * "Classification"). */
#include "cli.h"
#include "runs/runclass.h"
#include "cliruns.h"
#include "classify/classify.h"
#include "model/runsignals.h"
#include "util/xalloc.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/sanitize.h"
#include "util/jsonutil.h"
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define READ_CHUNK (1024u * 1024) /* read, masked and scanned while still in the core's cache */
/* A classification costs about this many reads of the same bytes (CPU,
 * bench/classify.sh: 0.6 s against 0.05 s for 256 MiB). */
#define CLASSIFY_PER_READ 12

static cJSON *finding_json(const struct classify_finding *f, bool with_hint)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "class", f->class_id);
    json_add_int(o, "line", f->line, f->line > 0);
    json_add_str(o, "rule", f->rule_id);
    json_add_str(o, "text", f->text);
    if (with_hint) json_add_str(o, "hint", f->hint);
    if (f->offset >= 0) cJSON_AddNumberToObject(o, "offset", (double)f->offset);
    if (f->line <= 0 && f->source) cJSON_AddStringToObject(o, "source", f->source);
    if (f->flags & CLASSIFY_F_BASELINE) cJSON_AddTrueToObject(o, "in_baseline");
    if (f->confidence > 0) { /* named by the wording model, not a rule */
        cJSON_AddStringToObject(o, "by", "model");
        cJSON_AddNumberToObject(o, "confidence", (double)(long)(f->confidence * 1000 + 0.5) / 1000);
    }
    return o;
}

/* The passing run a result was compared with: a file (--baseline) or a run. */
struct baseline_ref {
    const char *file, *run;
    const struct classify_baseline *b;
};

/* file: the log's name when several are classified (NULL: one). */
static void print_json(const struct classify_result *r, const struct classify_rules *rs,
                       const struct baseline_ref *base, bool explain, const char *file)
{
    cJSON *o = cJSON_CreateObject();
    if (file) cJSON_AddStringToObject(o, "file", file);
    if (r->has_primary) cJSON_AddItemToObject(o, "primary", finding_json(&r->primary, true));
    else cJSON_AddNullToObject(o, "primary");
    cJSON *sec = cJSON_AddArrayToObject(o, "secondary");
    for (size_t i = 0; i < r->nsecondary; i++)
        cJSON_AddItemToArray(sec, finding_json(&r->secondary[i], true));
    cJSON_AddNumberToObject(o, "lines", (double)r->lines);
    cJSON_AddNumberToObject(o, "bytes", (double)r->bytes);
    cJSON_AddStringToObject(o, "classifier", classify_rules_version(rs));
    if (base && base->b) {
        cJSON *bj = cJSON_AddObjectToObject(o, "baseline");
        if (base->run) cJSON_AddStringToObject(bj, "run", base->run);
        if (base->file) cJSON_AddStringToObject(bj, "file", base->file);
        cJSON_AddNumberToObject(bj, "lines", (double)classify_baseline_lines(base->b));
    }
    if (explain) cJSON_AddStringToObject(o, "explain", r->explain);
    char *s = json_print_safe(o, 0);
    if (s) {
        fputs(s, stdout);
        fputc('\n', stdout);
    }
    cJSON_free(s);
    cJSON_Delete(o);
}

static void put_san(struct buf *b, const char *s)
{
    if (s) sanitize_append(b, s, strlen(s), SAN_STRIP_SGR);
}

static void print_text(const struct classify_result *r, const struct baseline_ref *base, bool explain,
                       const char *file)
{
    struct buf b = {0};
    if (file) {
        buf_puts(&b, "==> ");
        put_san(&b, file);
        buf_puts(&b, " <==\n");
    }
    if (r->has_primary) {
        buf_puts(&b, "primary: ");
        put_san(&b, r->primary.class_id);
        if (r->primary.line > 0) buf_printf(&b, " (line %lld", (long long)r->primary.line);
        else buf_puts(&b, " (no log line");
        if (r->primary.rule_id) {
            buf_puts(&b, ", rule ");
            put_san(&b, r->primary.rule_id);
        }
        buf_puts(&b, ")\n");
        if (r->primary.text) {
            buf_puts(&b, "  ");
            if (r->primary.line > 0) buf_printf(&b, "%lld: ", (long long)r->primary.line);
            put_san(&b, r->primary.text);
            buf_putc(&b, '\n');
        }
        if (r->primary.flags & CLASSIFY_F_BASELINE)
            buf_puts(&b, "  (also in the passing run: nothing new in this log names a cause)\n");
        if (r->primary.hint) {
            buf_puts(&b, "  hint: ");
            put_san(&b, r->primary.hint);
            buf_putc(&b, '\n');
        }
    } else {
        buf_puts(&b, "primary: none\n");
    }
    for (size_t i = 0; i < r->nsecondary; i++) {
        const struct classify_finding *f = &r->secondary[i];
        buf_puts(&b, i == 0 ? "secondary:\n" : "");
        buf_puts(&b, "  ");
        put_san(&b, f->class_id);
        if (f->line > 0) buf_printf(&b, " line %lld", (long long)f->line);
        buf_puts(&b, " (rule ");
        put_san(&b, f->rule_id);
        buf_puts(&b, "): ");
        put_san(&b, f->text);
        if (f->flags & CLASSIFY_F_BASELINE) buf_puts(&b, "  (also in the passing run)");
        buf_putc(&b, '\n');
    }
    buf_printf(&b, "lines: %lld  bytes: %lld\n", (long long)r->lines, (long long)r->bytes);
    if (base && base->b) {
        buf_puts(&b, "baseline: ");
        put_san(&b, base->run ? base->run : base->file);
        buf_printf(&b, " (%zu lines)\n", classify_baseline_lines(base->b));
    }
    if (explain) {
        buf_puts(&b, "\nexplain:\n");
        sanitize_append(&b, r->explain, strlen(r->explain), SAN_STRIP_SGR | SAN_KEEP_NEWLINE);
    }
    fwrite(b.p, 1, b.len, stdout);
    buf_free(&b);
}

static int feed_chunk(void *ud, const char *data, size_t n)
{
    classify_feed(ud, data, n);
    return 0;
}

static int print_result(struct classify_result *r, const struct classify_rules *rs, const char *output,
                        const struct baseline_ref *base, bool explain, const char *file)
{
    if (strcmp(output, "json") == 0) print_json(r, rs, base, explain, file);
    else print_text(r, base, explain, file);
    /* a rule that gave up on a line is named once (stderr notes) */
    for (const char *p = r->notes; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        cli_note("%.*s", (int)len, p);
        p += len + (nl ? 1 : 0);
    }
    if (fflush(stdout) != 0) return cli_fail("classify: writing output: %s", strerror(errno));
    return 0;
}

/* A run's verdict: its status and pods as signals, then the log of the
 * container runsrc picks (agent-runner; live, else the history cache).
 * Without --outcome the run's phase decides it. */
static int classify_run(struct cli *cli, const char *run, const enum classify_outcome *outcome,
                        const char *output, bool explain)
{
    const char *slash = strchr(run, '/');
    if (!*run || (slash && (slash == run || !slash[1])))
        return cli_usage("classify", "'%s' is not RUN or NAMESPACE/NAME", run);
    char *ns = slash ? xstrndup(run, (size_t)(slash - run)) : NULL;
    struct runsrc_opts o = {.with_pods = true, .with_deleted = true, .ns = ns};
    struct run_set set;
    int rc = cli_runs_load(cli, &o, &set);
    free(ns);
    if (rc != 0) return rc;
    char err[ERRLEN];
    struct run_view *v = runsrc_find(&set, run);
    if (!v) {
        char *s = sanitize_str(run, 0);
        rc = cli_fail("classify: run %s not found%s", s, set.offline ? " in the history cache" : "");
        free(s);
        runsrc_free(&set);
        return rc;
    }
    /* the set's rules: loaded (and their warnings said) once */
    const struct classify_rules *rs = set.rules;
    if (!rs) {
        runsrc_free(&set);
        return cli_fail("classify: the classifier is unavailable");
    }
    struct classify_ctx *c = classify_new(rs, outcome ? *outcome : run_outcome(&v->run));
    run_signals_add(c, &v->run, set.pods, set.npods);
    /* a failed run is set against its passing run (runclass_baseline) */
    const struct classify_baseline *bl = runclass_baseline(&set, v);
    if (bl) classify_set_baseline(c, bl);
    struct baseline_ref base = {.run = v->baseline, .b = bl};
    char pod[256], cont[256];
    if (runsrc_read_log(&set, v, NULL, NULL, false, false, feed_chunk, c, pod, cont, err, sizeof err) != 0) {
        /* no log left (never started, or the TTL took the pod before any
         * cache saw it): the status still names a cause */
        char *s = sanitize_str(err, 0);
        cli_note("classifying from status only: %s", s);
        free(s);
    }
    struct classify_result *r = classify_finish(c);
    rc = print_result(r, rs, output, bl ? &base : NULL, explain, NULL);
    classify_result_free(r);
    classify_free(c);
    runsrc_free(&set);
    return rc;
}

/* The passing log of --baseline, fed whole (settling: to settle the
 * questions an asked-first baseline recorded): 0, or -1 not readable
 * (said on stderr). */
static int read_baseline(struct classify_baseline *bl, int bfd, const char *path, char *chunk, bool settling)
{
    if (settling && lseek(bfd, 0, SEEK_SET) != 0) {
        cli_fail("classify: reading baseline %s again: %s", path, strerror(errno));
        return -1;
    }
    for (;;) {
        ssize_t n = read(bfd, chunk, READ_CHUNK);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            cli_fail("classify: reading baseline %s: %s", path, strerror(errno));
            return -1;
        }
        if (n == 0) return 0;
        if (settling) classify_baseline_settle_feed(bl, chunk, (size_t)n);
        else classify_baseline_feed(bl, chunk, (size_t)n);
    }
}

/* One part of a settle: the baseline's bytes [from, to) (to < 0: to its
 * end) read with pread and fed to the part. */
struct part_job {
    struct classify_baseline_part *pt;
    int fd;
    off_t from, to;
    char *chunk;
    int err; /* errno of a failed read, else 0 */
};

static void *part_run(void *arg)
{
    struct part_job *j = arg;
    for (off_t at = j->from; j->to < 0 || at < j->to;) {
        size_t want = READ_CHUNK;
        if (j->to >= 0 && (off_t)want > j->to - at) want = (size_t)(j->to - at);
        ssize_t n = pread(j->fd, j->chunk, want, at);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            j->err = errno;
            break;
        }
        if (n == 0) break;
        classify_baseline_part_feed(j->pt, j->chunk, (size_t)n);
        at += n;
    }
    return NULL;
}

/* Cores this process may run on (1 when the classifier is held to one
 * thread, as the engine is: ARTRIAGE_CLASSIFY_THREADS=1). */
static int usable_cpus(void)
{
    const char *th = getenv("ARTRIAGE_CLASSIFY_THREADS");
    if (th && strcmp(th, "1") == 0) return 1;
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0) return 1;
    return CPU_COUNT(&set);
}

#define SAMPLES 4                       /* windows the literals are chosen from */
#define SAMPLE_BYTES (256u * 1024)      /* each */
#define SETTLE_SPLIT ((off_t)16 << 20)  /* from this size a settle runs in two halves */

/* The first line start at or after `at` (size: none before the end). */
static off_t line_start_from(int fd, off_t at, off_t size, char *buf, size_t len)
{
    if (at <= 0) return 0;
    for (off_t o = at - 1; o < size;) {
        ssize_t n = pread(fd, buf, len, o);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        const char *nl = memchr(buf, '\n', (size_t)n);
        if (nl) return o + (nl - buf) + 1;
        o += n;
    }
    return size;
}

/* The settle of a regular file read with pread: literals chosen from
 * windows spread over it (a log's first megabyte need not look like the
 * rest), then two halves side by side when it is large and two cores are
 * free. 0, or -1 a read failed (said). */
static int settle_parts(struct classify_baseline *bl, int bfd, off_t size, const char *path, char *chunk)
{
    for (int i = 0; i < SAMPLES && size > (off_t)SAMPLE_BYTES * SAMPLES; i++) {
        ssize_t n = pread(bfd, chunk, SAMPLE_BYTES, size / SAMPLES * i);
        if (n > 0) classify_baseline_settle_sample(bl, chunk, (size_t)n);
    }
    off_t split = size >= SETTLE_SPLIT && usable_cpus() >= 2
                      ? line_start_from(bfd, size / 2, size, chunk, 64 * 1024) : size;
    struct part_job first = {.pt = classify_baseline_settle_part(bl), .fd = bfd, .from = 0, .to = split,
                             .chunk = chunk};
    if (!first.pt) return read_baseline(bl, bfd, path, chunk, true); /* a whole settle: in order */
    struct part_job second = {.fd = bfd, .from = split, .to = -1};
    pthread_t t;
    bool threaded = false;
    if (split < size) { /* else the first part reads to the end */
        second.pt = classify_baseline_settle_part(bl);
        second.chunk = malloc(READ_CHUNK);
        threaded = second.chunk && pthread_create(&t, NULL, part_run, &second) == 0;
        if (!threaded) { /* one part after the other */
            classify_baseline_part_end(second.pt);
            second.pt = NULL;
            free(second.chunk);
            second.chunk = NULL;
        }
    }
    if (!threaded) first.to = -1;
    part_run(&first);
    if (threaded) pthread_join(t, NULL);
    classify_baseline_part_end(first.pt);
    classify_baseline_part_end(second.pt);
    free(second.chunk);
    int err = first.err ? first.err : second.err;
    if (err) {
        cli_fail("classify: reading baseline %s: %s", path, strerror(err));
        return -1;
    }
    return 0;
}

/* Settles the questions an asked-first baseline recorded (whole: hashes
 * all its lines) by reading it again: its CLASSIFY_SETTLE_* bits (0: no
 * answer was wrong), -1 the baseline could not be read (said). */
static int settle(struct classify_baseline *bl, int bfd, const char *path, char *chunk, bool whole)
{
    if (!classify_baseline_settle_begin(bl, whole)) return 0;
    struct stat st;
    int rc;
    if (!whole && fstat(bfd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
        rc = settle_parts(bl, bfd, st.st_size, path, chunk);
    else
        rc = read_baseline(bl, bfd, path, chunk, true);
    unsigned why = classify_baseline_settle_end_why(bl);
    return rc < 0 ? -1 : (int)why;
}

/* Read-ahead for a large log: a thread reads the next chunks while the
 * classifier scans this one. Reading is a tenth of a classification's CPU
 * and was the one long stretch (a copy out of the page cache per chunk)
 * in which the engine's second core had nothing to do. The reader fills a
 * ring of chunks and sleeps while it is full; it is woken when half the
 * ring is free again, not for every chunk taken. The caller's chunk is one
 * of the ring's: memory touched the first time costs a page fault a page,
 * and faults are dear on a virtual machine. */
#define RA_BUFS 3
#define RA_MIN ((off_t)8 << 20) /* smaller files are read in the caller's thread */

struct readahead {
    int fd;
    char *buf[RA_BUFS];
    ssize_t len[RA_BUFS];
    int err[RA_BUFS];
    size_t filled, taken; /* chunks read, chunks handed out (their count, not indices) */
    bool held;            /* the caller holds chunk `taken - 1` */
    bool stop, done;
    pthread_mutex_t mu;
    pthread_cond_t more, room;
    pthread_t th;
};

static void *ra_main(void *arg)
{
    struct readahead *ra = arg;
    pthread_mutex_lock(&ra->mu);
    for (;;) {
        while (!ra->stop && ra->filled - ra->taken + (ra->held ? 1 : 0) >= RA_BUFS) pthread_cond_wait(&ra->room, &ra->mu);
        if (ra->stop) break;
        size_t k = ra->filled % RA_BUFS;
        pthread_mutex_unlock(&ra->mu);
        ssize_t n;
        do n = read(ra->fd, ra->buf[k], READ_CHUNK);
        while (n < 0 && errno == EINTR);
        int err = n < 0 ? errno : 0;
        pthread_mutex_lock(&ra->mu);
        ra->len[k] = n;
        ra->err[k] = err;
        ra->filled++;
        pthread_cond_signal(&ra->more);
        if (n <= 0) break; /* the end, or an error: the caller sees it last */
    }
    ra->done = true;
    pthread_mutex_unlock(&ra->mu);
    return NULL;
}

/* Starts reading fd ahead into chunk (READ_CHUNK bytes, lent until
 * ra_end) and chunks of its own; false (nothing started) if it cannot. */
static bool ra_start(struct readahead *ra, int fd, char *chunk)
{
    memset(ra, 0, sizeof *ra);
    ra->fd = fd;
    ra->buf[0] = chunk;
    for (int i = 1; i < RA_BUFS; i++) {
        ra->buf[i] = malloc(READ_CHUNK);
        if (!ra->buf[i]) goto no_buf;
    }
    if (pthread_mutex_init(&ra->mu, NULL) != 0) goto no_buf;
    if (pthread_cond_init(&ra->more, NULL) != 0) goto no_more;
    if (pthread_cond_init(&ra->room, NULL) != 0) goto no_room;
    if (pthread_create(&ra->th, NULL, ra_main, ra) != 0) goto no_thread;
    return true;
no_thread:
    pthread_cond_destroy(&ra->room);
no_room:
    pthread_cond_destroy(&ra->more);
no_more:
    pthread_mutex_destroy(&ra->mu);
no_buf:
    for (int i = 1; i < RA_BUFS; i++) free(ra->buf[i]);
    return false;
}

/* The next chunk, read() style: *p and its length (0 at the end; -1 with
 * errno set on an error). The chunk before it is given back. */
static ssize_t ra_next(struct readahead *ra, const char **p)
{
    pthread_mutex_lock(&ra->mu);
    if (ra->held) {
        ra->held = false;
        /* wake the reader only once half the ring is free */
        if (ra->filled - ra->taken <= RA_BUFS / 2) pthread_cond_signal(&ra->room);
    }
    while (ra->filled == ra->taken) pthread_cond_wait(&ra->more, &ra->mu);
    size_t k = ra->taken++ % RA_BUFS;
    ssize_t n = ra->len[k];
    int err = ra->err[k];
    if (n > 0) ra->held = true;
    else ra->taken--; /* the end stays the end */
    pthread_mutex_unlock(&ra->mu);
    *p = ra->buf[k];
    if (n < 0) errno = err;
    return n;
}

static void ra_end(struct readahead *ra)
{
    pthread_mutex_lock(&ra->mu);
    ra->stop = true;
    pthread_cond_signal(&ra->room);
    pthread_mutex_unlock(&ra->mu);
    pthread_join(ra->th, NULL);
    pthread_cond_destroy(&ra->room);
    pthread_cond_destroy(&ra->more);
    pthread_mutex_destroy(&ra->mu);
    for (int i = 1; i < RA_BUFS; i++) free(ra->buf[i]);
}

/* One log file (or stdin "-"): 0 done; 1 not readable (said on stderr);
 * 2 the output could not be written (said). With an asked-first baseline
 * (bfd >= 0: classify_baseline_new_deferred) the lines the classification
 * asked about are settled after it, and the file is classified again if
 * an answer was wrong; a log that cannot be read twice has every line of
 * the baseline hashed first. */
static int classify_file(const struct classify_rules *rs, enum classify_outcome outcome,
                         struct classify_baseline *bl, int bfd, const struct baseline_ref *base,
                         const char *path, char *chunk, const char *output, bool explain, const char *name)
{
    int fd = 0;
    if (strcmp(path, "-") != 0) {
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            cli_fail("classify: cannot open %s: %s", path, strerror(errno));
            return 1;
        }
    }
    struct stat st;
    bool twice = fd > 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    int rc = bfd >= 0 && !twice && settle(bl, bfd, base->file, chunk, true) < 0 ? 1 : 0;
    struct classify_result *res = NULL;
    for (int round = 0; rc == 0; round++) {
        if (round > 0 && lseek(fd, 0, SEEK_SET) != 0) {
            rc = cli_fail("classify: reading %s again: %s", path, strerror(errno));
            break;
        }
        struct classify_ctx *c = classify_new(rs, outcome);
        classify_set_baseline(c, bl);
        struct readahead ra;
        bool ahead = twice && st.st_size >= RA_MIN && usable_cpus() >= 2 && ra_start(&ra, fd, chunk);
        for (;;) {
            const char *p = chunk;
            ssize_t n = ahead ? ra_next(&ra, &p) : read(fd, chunk, READ_CHUNK);
            if (n < 0) {
                if (errno == EINTR && !ahead) continue;
                rc = cli_fail("classify: reading %s: %s", strcmp(path, "-") ? path : "stdin", strerror(errno));
                break;
            }
            if (n == 0) break;
            classify_feed(c, p, (size_t)n);
        }
        if (ahead) ra_end(&ra);
        if (rc == 0) res = classify_finish(c);
        classify_free(c);
        if (rc != 0 || bfd < 0 || classify_baseline_settled(bl)) break;
        /* a second round asks what the first did; a third is the last */
        int wrong = settle(bl, bfd, base->file, chunk, round >= 1);
        /* lines counted only now change the explanation, nothing else */
        if (wrong > 0 && !explain) wrong &= CLASSIFY_SETTLE_ANSWER;
        if (wrong < 0) rc = 1;
        if (wrong <= 0) break;
        classify_result_free(res);
        res = NULL;
    }
    if (fd > 0) close(fd);
    if (rc == 0 && print_result(res, rs, output, base, explain, name) != 0) rc = 2;
    classify_result_free(res);
    return rc;
}

int cmd_classify(struct cli *cli, int argc, char **argv)
{
    enum classify_outcome outcome = CLASSIFY_OUTCOME_UNKNOWN;
    const char *outcome_s = cli_opt(cli, "outcome");
    if (outcome_s && classify_outcome_parse(outcome_s, &outcome) < 0)
        return cli_usage("classify", "--outcome must be failed, succeeded or unknown, not '%s'", outcome_s);
    const char *run = cli_opt(cli, "run"), *base_path = cli_opt(cli, "baseline");
    bool explain = cli_flag(cli, "explain");
    const char *output = cli->output;
    if (!output) output = "text";
    if (strcmp(output, "text") != 0 && strcmp(output, "json") != 0)
        return cli_usage("classify", "-o must be text or json, not '%s'", output);
    if (run && argc > 1) return cli_usage("classify", "give a log file or --run RUN, not both");
    if (run && base_path) return cli_usage("classify", "--baseline goes with a log file, not --run");
    if (run) return classify_run(cli, run, outcome_s ? &outcome : NULL, output, explain);
    for (int i = 1; i < argc && argc > 2; i++)
        if (strcmp(argv[i], "-") == 0) return cli_usage("classify", "stdin (-) goes alone, not among files");

    char err[ERRLEN];
    struct classify_rules *rs = cli_rules_load(cli, false, err, sizeof err);
    if (!rs) return cli_fail("classify: %s", err);
    char *chunk = malloc(READ_CHUNK);
    if (!chunk) abort();
    int rc = 0;
    bool unreadable = false;
    struct baseline_ref base = {.file = base_path};
    struct classify_baseline *bl = NULL;
    int bfd = -1; /* open while bl is asked-first */
    if (base_path) { /* read before the logs: failure lines are checked as they come */
        bfd = open(base_path, O_RDONLY | O_CLOEXEC);
        if (bfd < 0) {
            rc = cli_fail("classify: cannot open baseline %s: %s", base_path, strerror(errno));
        } else {
            /* a file can be read again: only the lines the logs ask about
             * are normalised, after each log (classify_baseline_new_deferred),
             * and the settle counts its lines. Only --explain shows the
             * count in the classification: then it is read first to count
             * them unless the first log is so much smaller that classifying
             * it twice costs less */
            struct stat st, lst;
            bool from_stdin = argc <= 1 || strcmp(argv[1], "-") == 0; /* read once: whole at once */
            bool twice = !from_stdin && fstat(bfd, &st) == 0 && S_ISREG(st.st_mode);
            bool later = twice && stat(argv[1], &lst) == 0 && S_ISREG(lst.st_mode) &&
                         (!explain || lst.st_size <= st.st_size / CLASSIFY_PER_READ);
            bl = twice ? classify_baseline_new_deferred() : classify_baseline_new();
            if (!later) {
                if (read_baseline(bl, bfd, base_path, chunk, false) != 0) rc = 1;
                classify_baseline_finish(bl);
            }
            if (!twice) {
                close(bfd);
                bfd = -1;
            }
            base.b = bl;
        }
    }
    /* Several files: one verdict each, in order, from one process (the
     * rules compile once); a file that cannot be read is reported and
     * the rest still classified, the exit status then 1. */
    int nfiles = argc > 1 ? argc - 1 : 1;
    for (int i = 0; rc == 0 && i < nfiles; i++) {
        const char *path = argc > 1 ? argv[1 + i] : "-";
        int frc = classify_file(rs, outcome, bl, bfd, &base, path, chunk, output, explain, nfiles > 1 ? path : NULL);
        if (frc == 2) rc = 1;          /* output failed: stop */
        else if (frc == 1) unreadable = true;
    }
    if (unreadable) rc = 1;
    if (bfd >= 0) close(bfd);
    free(chunk);
    classify_baseline_free(bl);
    classify_rules_free(rs);
    return rc;
}
