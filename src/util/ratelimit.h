/* ratelimit — the same warning line repeated (a server sending thousands of
 * garbage watch lines) is printed once, then counted: the count goes out
 * with the next different line, after `interval_ms`, or at the end.
 *
 *   struct warn_limit wl;
 *   warn_limit_init(&wl, 10000);
 *   if (warn_limit_pass(&wl, msg, now_ms, &repeated)) { print repeated note if > 0; print msg }
 *   ...
 *   repeated = warn_limit_flush(&wl);   at the end: print the note if > 0
 *
 * Holds a copy of the last line printed (fixed size); nothing to free. */
#ifndef ARTRIAGE_UTIL_RATELIMIT_H
#define ARTRIAGE_UTIL_RATELIMIT_H
#include <stdbool.h>
#include <stdint.h>

struct warn_limit {
    char last[512];        /* the last line printed (cut at 511 bytes for the comparison) */
    int64_t printed_ms;    /* when it was printed */
    int64_t interval_ms;
    unsigned long repeats; /* identical lines held back since */
};

void warn_limit_init(struct warn_limit *wl, int64_t interval_ms);
/* True if msg is to be printed now; *held (never NULL) is then the number of
 * repeats of the previous line held back, to report first. False: msg is
 * the same line as the last, within the interval, and was counted. */
bool warn_limit_pass(struct warn_limit *wl, const char *msg, int64_t now_ms, unsigned long *held);
/* Repeats not reported yet (and forgets them). */
unsigned long warn_limit_flush(struct warn_limit *wl);
#endif
