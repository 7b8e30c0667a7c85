/* logstamp — the API's timestamps=true prefixes ("2026-02-25T09:14:29.123Z
 * text") taken off a log as it streams, keeping each line's time, so that
 * sync and the console's triage place a first cause at its line's own time
 * (and both say the same). Chunks may cut a stamp anywhere.
 *
 *   struct logstamp st; logstamp_init(&st);
 *   logstamp_feed(&st, chunk, n, &text);   text gets the log without stamps
 *   logstamp_finish(&st, &text);
 *   int64_t t = logstamp_line_time(&st, line);   1-based; TIME_NONE unknown
 *   logstamp_free(&st);
 *
 * A line without a stamp gets the previous line's time.
 *
 * A reader that takes the stamps off itself (runs/logsrc.h hands each
 * line with its time) keeps the times the same way, a line at a time:
 *   logstamp_push(&st, t);                 t: the line's, TIME_NONE none */
#ifndef ARTRIAGE_MODEL_LOGSTAMP_H
#define ARTRIAGE_MODEL_LOGSTAMP_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "util/buf.h"

struct logstamp {
    char pend[48];     /* the start of a line, until its first space */
    size_t npend;
    bool in_body;      /* past the stamp of the current line */
    int64_t last;
    int64_t *ts;       /* per line, owned */
    size_t n, cap;
};
void logstamp_init(struct logstamp *s);
void logstamp_feed(struct logstamp *s, const char *data, size_t n, struct buf *out);
void logstamp_finish(struct logstamp *s, struct buf *out);
/* One more line, of time t (TIME_NONE: the previous line's). */
void logstamp_push(struct logstamp *s, int64_t t);
int64_t logstamp_line_time(const struct logstamp *s, int64_t line);
void logstamp_free(struct logstamp *s);
#endif
