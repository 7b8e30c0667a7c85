/* logsrc — the ONE source of container log lines both front ends read
 * (`artriage logs` and the console's log view): one container log of one
 * pod, live from the cluster (followed or not), else from the history
 * cache when the pod is gone; a dropped follow is resumed from its last
 * line's time (sinceTime) after the one backoff policy (kube/watch.h
 * kube_backoff_ms), and the second the server repeats is de-duplicated
 * by the lines' timestamps (model/logdoc.h logjoin), so no line is lost
 * or doubled across drops.
 *
 * Non-blocking: it runs on the client's kube_loop, so the console's one
 * loop drives it; logsrc_wait is the blocking wrapper for the CLI (any
 * number of sources on one loop, lines delivered as they come).
 *
 *   struct logsrc_spec sp = {.kube = k, .ns = "agents", .pod = P, .container = C,
 *                            .follow = true, .store = st, .run_id = id,
 *                            .on_line = line_fn, .on_end = end_fn, .ud = me};
 *   struct logsrc *ls = logsrc_start(&sp);   copies every string of sp
 *   ... kube loop ... line_fn(me, &line) once per line, then end_fn(me, &end) once
 *   logsrc_free(ls);                         cancels; no callback after it
 *
 * A follow (and a reader that wants them) asks for timestamps=true: the
 * resume needs them, and a line hands its stamp separately. A plain read
 * asks for none (a kubelet's stamps cost the server and the wire). Cached logs keep no kubelet stamps:
 * a cached line's time is its own leading RFC 3339 time, else that of the
 * nearest timed line above it (else below it), TIME_NONE in a log with
 * none; since/tail are applied to the cache by those times and counts.
 *
 * Callbacks run from the kube loop; with no live attempt to make (no
 * client, no pod) the cache's lines and the end are delivered from inside
 * logsrc_start. Line bytes are raw cluster bytes: sanitise before any
 * terminal. */
#ifndef ARTRIAGE_RUNS_LOGSRC_H
#define ARTRIAGE_RUNS_LOGSRC_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct kube_client;
struct store;

enum logsrc_from { LOGSRC_LIVE = 1, LOGSRC_CACHE = 2 };

struct logsrc_line {
    const char *text;       /* the line without its stamp and line end; raw bytes */
    size_t len;
    const char *stamp;      /* the kubelet's stamp as sent (live), NULL when none */
    size_t stamp_len;
    int64_t time;           /* epoch ms of the line, TIME_NONE unknown */
    enum logsrc_from from;
    bool newline;           /* false: a final line without '\n' */
};

struct logsrc_end {
    bool ok;
    const char *error;      /* one sentence when !ok (valid during the call) */
    long http;              /* the live answer's status, 0 none */
    bool timed_out;         /* the live request was given up (no answer, or stalled) */
    enum logsrc_from from;  /* where the lines came from (0: none came) */
    const char *note;       /* e.g. "not on the cluster any more: …", NULL none */
};

/* 0 keeps the line coming; nonzero stops the source (no on_end follows). */
typedef int (*logsrc_line_fn)(void *ud, const struct logsrc_line *l);
typedef void (*logsrc_end_fn)(void *ud, const struct logsrc_end *e);

struct logsrc_spec {
    struct kube_client *kube;   /* NULL: the cache only */
    const char *ns;             /* the pod's namespace */
    const char *pod;            /* NULL: no live pod (cache: the run's newest with the log) */
    const char *container;      /* NULL: agent-runner, else the cache's any (cache only) */
    bool previous;              /* the restarted container's previous log */
    bool follow;                /* keep following while the container runs */
    bool timestamps;            /* the server's stamps on each line (always when following:
                                   the resume needs them); without, time is TIME_NONE */
    int64_t since_seconds;      /* > 0: only lines of the last N seconds */
    int64_t since_ms;           /* > 0: only lines at or after this epoch time */
    int64_t tail_lines;         /* > 0: only the last N lines (then new ones, following) */
    int64_t limit_bytes;        /* > 0: the server sends at most this many bytes (live only) */
    struct store *store;        /* history cache, NULL none */
    int64_t run_id;             /* the run's row in it, 0 none */
    bool cache_fallback;        /* read the cache when the live log cannot be had */
    /* The live log starts later than the cache's copy (the kubelet rotated
     * its head away): the cache's lines before the place the live text
     * continues it come first (from = LOGSRC_CACHE). */
    bool join_cache;
    /* Following, after the server ended the stream normally: true when the
     * container still runs (kubelet rotated the log), so it is resumed.
     * NULL: a normal end is the end, as kubectl's. */
    bool (*still_running)(void *ud);
    /* Optional: a resume is due (why: the sentence of the drop), or lines
     * flow again. For the console's status line. */
    void (*on_resume)(void *ud, int attempt, int64_t delay_ms, const char *why);
    logsrc_line_fn on_line;
    logsrc_end_fn on_end;
    void *ud;
};

struct logsrc;
struct logsrc *logsrc_start(const struct logsrc_spec *sp);
/* Done: on_end was called (or a line callback stopped it). */
bool logsrc_done(const struct logsrc *ls);
/* Resumes so far, and lines the resumes' overlap repeated (dropped). */
int logsrc_resumes(const struct logsrc *ls);
int64_t logsrc_duplicates(const struct logsrc *ls);
void logsrc_free(struct logsrc *ls);

/* Blocking: runs k's loop until every source is done; turn (may be NULL)
 * runs after each turn of the loop (the CLI flushes stdout there: once
 * per batch of chunks, not once per line). k may be NULL when no source
 * has a client. 0, or -1 on a poll error. */
int logsrc_wait(struct kube_client *k, struct logsrc *const *srcs, size_t n, void (*turn)(void *ud), void *ud);

/* The last n lines of text (a whole log), as the cache's --tail: the
 * offset where they start. */
size_t logsrc_tail_offset(const char *text, size_t len, int64_t n);
#endif
