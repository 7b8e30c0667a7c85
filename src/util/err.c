#include "util/err.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int errf(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen) return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

int errprefix(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen) return -1;
    char old[1024];
    snprintf(old, sizeof old, "%s", err);
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < errlen)
        snprintf(err + n, errlen - (size_t)n, ": %s", old);
    return -1;
}
