/* logjoin — one log from successive follow connections (logdoc.h).
 * Kubernetes resumes a log with sinceTime at second precision, so a new
 * connection repeats the lines of the last second already shown: the
 * timestamps tell which ones. */
#include "model/logdoc.h"
#include "util/err.h"
#include <string.h>

void logjoin_init(struct logjoin *j)
{
    memset(j, 0, sizeof *j);
}

void logjoin_free(struct logjoin *j)
{
    buf_free(&j->partial);
}

/* "YYYY-MM-DDTHH:MM:SS.nnnnnnnnn" from a UTC ("Z") prefix of length n;
 * false for other zones (such lines are not deduplicated). */
static bool ts_key(const char *p, size_t n, char key[32])
{
    if (n < 21 || (p[n - 2] != 'Z' && p[n - 2] != 'z')) return false;
    memcpy(key, p, 19);
    key[10] = 'T';
    key[19] = '.';
    size_t f = 0;
    if (p[19] == '.')
        for (size_t i = 20; i < n - 2 && f < 9; i++) key[20 + f++] = p[i];
    while (f < 9) key[20 + f++] = '0';
    key[29] = 0;
    return true;
}

/* One complete line of the current connection: dropped when a reconnect
 * repeats it, else handed to fn. */
static int take_line(struct logjoin *j, const char *line, size_t len, bool newline, logjoin_line_fn fn,
                     void *ud)
{
    size_t tl = logdoc_ts_prefix(line, len);
    char key[32];
    bool keyed = tl && ts_key(line, tl, key);
    if (keyed && j->resuming) {
        int c = strcmp(key, j->last);
        if (c < 0 || (c == 0 && j->skip_same > 0)) {
            if (c == 0) j->skip_same--;
            j->dropped++;
            return 0;
        }
        j->resuming = false;
    }
    if (keyed) {
        if (strcmp(key, j->last) == 0) {
            j->same++;
        } else {
            memcpy(j->last, key, sizeof j->last);
            size_t rl = tl - 1 < sizeof j->last_raw - 1 ? tl - 1 : sizeof j->last_raw - 1;
            memcpy(j->last_raw, line, rl);
            j->last_raw[rl] = 0;
            j->same = 1;
        }
    }
    return fn(ud, line, len, newline);
}

int logjoin_feed(struct logjoin *j, const char *data, size_t n, logjoin_line_fn fn, void *ud)
{
    while (n) {
        const char *q = memchr(data, '\n', n);
        if (!q) {
            buf_append(&j->partial, data, n);
            return 0;
        }
        size_t len = (size_t)(q - data);
        int rc;
        if (j->partial.len) {
            buf_append(&j->partial, data, len);
            rc = take_line(j, j->partial.p, j->partial.len, true, fn, ud);
            buf_reset(&j->partial);
        } else {
            rc = take_line(j, data, len, true, fn, ud);
        }
        if (rc != 0) return rc;
        data = q + 1;
        n -= len + 1;
    }
    return 0;
}

int logjoin_end(struct logjoin *j, bool final, logjoin_line_fn fn, void *ud)
{
    int rc = 0;
    if (final && j->partial.len) rc = take_line(j, j->partial.p, j->partial.len, false, fn, ud);
    buf_reset(&j->partial);
    return rc;
}

const char *logjoin_reconnect(struct logjoin *j)
{
    buf_reset(&j->partial);
    if (!j->last[0]) return NULL;
    j->resuming = true;
    j->skip_same = j->same;
    /* sinceTime at second precision, as the API server reads it */
    static const size_t sec = 19;
    memcpy(j->last_raw, j->last, sec);
    j->last_raw[sec] = 'Z';
    j->last_raw[sec + 1] = 0;
    return j->last_raw;
}
