/* xalloc — allocation that aborts on out-of-memory (htop's xMalloc).
 * Callers never check for NULL; every pointer returned is owned by the
 * caller and released with free(). */
#ifndef ARTRIAGE_XALLOC_H
#define ARTRIAGE_XALLOC_H
#include <stddef.h>
#include <stdarg.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
/* Grows an array to hold at least `need` items of `size` bytes; *cap updated. */
void *xgrow(void *p, size_t *cap, size_t need, size_t size);
char *xstrdup(const char *s);               /* NULL in, NULL out */
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap);
#endif
