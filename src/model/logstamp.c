/* logstamp — stamps off a streamed log, times kept per line (logstamp.h). */
#include "model/logstamp.h"
#include "util/timeutil.h"
#include "util/xalloc.h"
#include <stdlib.h>
#include <string.h>

#define STAMP_MIN 20 /* "2026-02-25T09:14:29Z" */
#define STAMP_MAX 40

void logstamp_init(struct logstamp *s)
{
    memset(s, 0, sizeof *s);
    s->last = TIME_NONE;
}

static void line_begins(struct logstamp *s)
{
    s->ts = xgrow(s->ts, &s->cap, s->n + 1, sizeof *s->ts);
    s->ts[s->n++] = s->last;
    s->in_body = true;
}

/* The pending start of a line ended at `end` (' ', '\n' or full). */
static void resolve(struct logstamp *s, char end, struct buf *out)
{
    int64_t when;
    s->pend[s->npend] = 0;
    if (end == ' ' && s->npend >= STAMP_MIN && s->npend < STAMP_MAX &&
        time_parse_rfc3339(s->pend, &when) == 0) {
        s->last = when;
        line_begins(s);
    } else {
        line_begins(s);
        buf_append(out, s->pend, s->npend);
        if (end) buf_putc(out, end);
    }
    s->npend = 0;
    if (end == '\n') s->in_body = false;
}

void logstamp_feed(struct logstamp *s, const char *data, size_t n, struct buf *out)
{
    size_t i = 0;
    while (i < n) {
        if (s->in_body) {
            const char *nl = memchr(data + i, '\n', n - i);
            size_t k = nl ? (size_t)(nl - (data + i)) + 1 : n - i;
            buf_append(out, data + i, k);
            i += k;
            if (nl) s->in_body = false;
            continue;
        }
        char ch = data[i++];
        if (ch == ' ' || ch == '\n') resolve(s, ch, out);
        else {
            s->pend[s->npend++] = ch;
            if (s->npend >= STAMP_MAX) resolve(s, 0, out);
        }
    }
}

void logstamp_finish(struct logstamp *s, struct buf *out)
{
    if (s->npend) resolve(s, 0, out);
}

void logstamp_push(struct logstamp *s, int64_t t)
{
    if (t != TIME_NONE) s->last = t;
    s->ts = xgrow(s->ts, &s->cap, s->n + 1, sizeof *s->ts);
    s->ts[s->n++] = s->last;
}

int64_t logstamp_line_time(const struct logstamp *s, int64_t line)
{
    return line >= 1 && (size_t)line <= s->n ? s->ts[line - 1] : TIME_NONE;
}

void logstamp_free(struct logstamp *s)
{
    free(s->ts);
    memset(s, 0, sizeof *s);
    s->last = TIME_NONE;
}
