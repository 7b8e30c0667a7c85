/* Repeated-warning limiter (see ratelimit.h). */
#include "util/ratelimit.h"
#include <stdio.h>
#include <string.h>

void warn_limit_init(struct warn_limit *wl, int64_t interval_ms)
{
    memset(wl, 0, sizeof *wl);
    wl->interval_ms = interval_ms;
}

bool warn_limit_pass(struct warn_limit *wl, const char *msg, int64_t now_ms, unsigned long *held)
{
    *held = 0;
    bool same = wl->printed_ms && strncmp(wl->last, msg, sizeof wl->last - 1) == 0;
    if (same && now_ms - wl->printed_ms < wl->interval_ms) {
        wl->repeats++;
        return false;
    }
    *held = wl->repeats;
    wl->repeats = 0;
    snprintf(wl->last, sizeof wl->last, "%s", msg);
    wl->printed_ms = now_ms ? now_ms : 1;
    return true;
}

unsigned long warn_limit_flush(struct warn_limit *wl)
{
    unsigned long n = wl->repeats;
    wl->repeats = 0;
    return n;
}
