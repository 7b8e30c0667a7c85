/* logdoc — one container log as a document the log view can show however
 * big it is: the bytes stay where they are (a read-only mmap of a file, an
 * unlinked 0600 temp file we fill, or a growing buffer for a live follow),
 * and the only thing built over them is a sparse line index, made in
 * slices so the first screen is drawn before the index is complete.
 * Memory is that index (a checkpoint at the first line start after every
 * LOGDOC_CK_BYTES bytes: 1 MiB of index for 1 GiB of log) plus whatever
 * the caller copies for the screen.
 *
 * Calls:
 *   struct logdoc *d = logdoc_open_file(path, err, errlen);     a file, or
 *   d = logdoc_new_bytes(data, len, err, errlen);              copied to a temp file, or
 *   d = logdoc_new_stream();  logdoc_append(d, bytes, n, ...);  a live follow
 *   logdoc_set_sink(d, fn, ud);         optional: each byte once, in order, as indexed
 *   while (logdoc_index_step(d, 4 << 20)) { ...draw, poll keys... }
 *   logdoc_line(d, n, &p, &len);        line n (0-based) without its line end
 *   logdoc_free(d);
 * Pointers from logdoc_line() stay valid until the next logdoc_append()
 * or logdoc_free(). Bytes are untrusted and returned raw (NUL, invalid
 * UTF-8, escape sequences included): the caller sanitises before display.
 * A final line without '\n' counts as a line; "\r\n" endings are returned
 * without the '\r'.
 *
 * Regex search (PCRE2 with JIT when HAVE_PCRE2, else POSIX ERE) runs over
 * the indexed bytes in slices too: logdoc_search_* finds the next / the
 * previous matching line; logdoc_filter_* collects every matching line
 * (the view's `&`) and keeps collecting as the document grows.
 *
 * logjoin turns follow streams (kubectl logs -f --timestamps, which end
 * and are reopened with sinceTime) into one sequence of lines without
 * losing or repeating a line across reconnects.
 */
#ifndef ARTRIAGE_LOGDOC_H
#define ARTRIAGE_LOGDOC_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "util/buf.h"

#define LOGDOC_CK_BYTES (16 * 1024)

struct logdoc;

/* Maps a file read-only. An empty file gives an empty document. */
struct logdoc *logdoc_open_file(const char *path, char *err, size_t errlen);
/* A document holding a copy of data: written to an unlinked 0600 file in
 * $TMPDIR (else /tmp) and mapped, so the copy costs page cache, not heap;
 * kept in memory when no temp file can be made. */
struct logdoc *logdoc_new_bytes(const void *data, size_t len, char *err, size_t errlen);
/* An empty document that grows with logdoc_append (an unlinked temp file
 * when one can be made, else memory). */
struct logdoc *logdoc_new_stream(void);
/* Appends bytes (any split, partial lines fine). Fails on a mapped user
 * file, or when the temp file cannot be written. */
int logdoc_append(struct logdoc *d, const void *data, size_t n, char *err, size_t errlen);
/* No more appends (the follow ended): an unterminated last line is final. */
void logdoc_finish(struct logdoc *d);
/* Whether appends may still come. */
bool logdoc_growing(const struct logdoc *d);
void logdoc_free(struct logdoc *d);

typedef void (*logdoc_sink_fn)(void *ud, const char *bytes, size_t n);
/* Gets every byte of the document once, in order, as the index reaches
 * it (set it before the first logdoc_index_step). */
void logdoc_set_sink(struct logdoc *d, logdoc_sink_fn fn, void *ud);

/* Indexes up to about budget bytes more. Returns true while bytes remain
 * unindexed (call again), false when the index has caught up. */
bool logdoc_index_step(struct logdoc *d, size_t budget);
/* True when every byte appended so far is indexed. */
bool logdoc_indexed(const struct logdoc *d);
/* Lines indexed so far (an unterminated last line counts once indexed). */
int64_t logdoc_lines(const struct logdoc *d);
/* Bytes in the document, and how many of them are indexed. */
size_t logdoc_size(const struct logdoc *d);
size_t logdoc_indexed_bytes(const struct logdoc *d);
/* Whether the last line lacks its '\n' (a follow may still extend it). */
bool logdoc_partial_tail(const struct logdoc *d);

/* Line n (0-based) of the indexed part: *p, *len without "\n" / "\r\n";
 * *off (may be NULL) gets its byte offset. 0, or -1 when n is out of range. */
int logdoc_line(struct logdoc *d, int64_t n, const char **p, size_t *len, size_t *off);
/* The 0-based line holding byte offset off (indexed part), -1 if none. */
int64_t logdoc_line_at(struct logdoc *d, size_t off);
/* The raw bytes [0, size) (stable until the next append). */
const char *logdoc_bytes(const struct logdoc *d);
/* Copies up to n bytes from offset off into out; returns the count. For
 * long passes over the whole text (classifying): cheaper than touching
 * every page of the mapping. */
size_t logdoc_read(const struct logdoc *d, size_t off, void *out, size_t n);

/* Writes the whole document to path, created 0600 (never over an
 * existing file). */
int logdoc_write(const struct logdoc *d, const char *path, char *err, size_t errlen);

/* ---- search ---- */

struct logre;
/* Compiles pattern; smart case (caseless unless it has an upper-case
 * letter). NULL with err naming the pattern and the position. */
struct logre *logre_compile(const char *pattern, char *err, size_t errlen);
/* First match in s[start, n): true with [*so, *eo). */
bool logre_find(const struct logre *re, const char *s, size_t n, size_t start, size_t *so,
                size_t *eo);
void logre_free(struct logre *re);

/* One search at a time per caller-owned struct (zero-initialise it,
 * logsearch_free it when done). */
struct logsearch {
    const struct logre *re;  /* borrowed */
    bool forward;
    size_t pos;              /* next byte to look at (forward) / end (backward) */
    bool done;
    struct buf win;          /* bytes read for matching (logsearch_free) */
};
/* Starts looking at the line after (forward) / before line `from`;
 * from = -1 forward starts at line 0. */
void logdoc_search_begin(struct logdoc *d, struct logsearch *s, const struct logre *re,
                         int64_t from, bool forward);
/* Looks through about budget bytes. 1 = *hit is the matching line,
 * 0 = call again, -1 = no match before the end (forward: of the indexed
 * part; the caller may retry after more indexing) / the start. */
int logdoc_search_step(struct logdoc *d, struct logsearch *s, size_t budget, int64_t *hit);
/* Releases the search's read buffer (the struct may be begun again). */
void logsearch_free(struct logsearch *s);

/* Every matching line (with invert: every line that does not match),
 * collected as the index grows; or (logfilter_init_new) the lines a
 * passing run's log did not print. */
struct classify_baseline;
struct logfilter {
    const struct logre *re;  /* borrowed */
    bool invert;             /* set after init: keep the lines re misses (k9s /!) */
    const struct classify_baseline *base; /* borrowed; set: the diff filter */
    size_t pos;              /* bytes scanned */
    int64_t *lines;          /* matching lines, ascending */
    size_t n, cap;
    struct buf win;          /* bytes read for matching */
};
void logfilter_init(struct logfilter *f, const struct logre *re);
/* Lines new against base (classify_baseline_has false): the log diff. */
void logfilter_init_new(struct logfilter *f, const struct classify_baseline *base);
/* Scans about budget more bytes; true while indexed bytes remain. */
bool logfilter_step(struct logdoc *d, struct logfilter *f, size_t budget);
void logfilter_free(struct logfilter *f);

/* ---- timestamps ---- */

/* Length of a leading "RFC3339 timestamp + space" (as kubectl logs
 * --timestamps writes) in p[0, n), 0 if the line has none. */
size_t logdoc_ts_prefix(const char *p, size_t n);

/* ---- follow across reconnects ---- */

/* Lines are appended only when complete; on a reconnect (sinceTime =
 * the last timestamp, rounded down to the second by the server) lines
 * older than the last one kept are dropped, and of those stamped with
 * that same instant as many as were already kept are dropped. Lines
 * without a timestamp are kept as they come. */
struct logjoin {
    char last[32];        /* normalised last timestamp "YYYY-MM-DDTHH:MM:SS.nnnnnnnnn" */
    char last_raw[40];    /* as received, for sinceTime */
    int64_t same;         /* lines kept with timestamp == last */
    int64_t skip_same;    /* after a reconnect: same-instant lines still to drop */
    bool resuming;        /* after a reconnect, until a newer line arrives */
    struct buf partial;   /* an incomplete line of the current connection */
    int64_t dropped;      /* duplicates dropped (for tests and the status line) */
};
void logjoin_init(struct logjoin *j);
/* Each line kept, without its '\n' (newline false: a final unterminated
 * line), goes to fn, whose nonzero return stops the feed and is returned
 * (runs/logsrc.h is the one user). */
typedef int (*logjoin_line_fn)(void *ud, const char *line, size_t len, bool newline);
/* Feeds bytes of the current connection. */
int logjoin_feed(struct logjoin *j, const char *data, size_t n, logjoin_line_fn fn, void *ud);
/* The connection ended: an unterminated last line is passed on as is
 * when final (the container ended), else dropped (it comes again). */
int logjoin_end(struct logjoin *j, bool final, logjoin_line_fn fn, void *ud);
/* A new connection starts; returns the sinceTime to ask for, or NULL
 * when nothing was seen yet (ask for everything). */
const char *logjoin_reconnect(struct logjoin *j);
void logjoin_free(struct logjoin *j);
#endif
