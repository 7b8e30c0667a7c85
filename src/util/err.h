/* err — errors are values. A function that can fail returns 0 on success
 * and -1 on failure, filling a caller-provided buffer `err` of `errlen`
 * bytes with one sentence that names where the problem came from
 * ("kubeconfig /x: context 'prod' not found"). ERRLEN is a good size. */
#ifndef ARTRIAGE_ERR_H
#define ARTRIAGE_ERR_H
#include <stddef.h>

#define ERRLEN 512

/* Formats into err (if non-NULL) and returns -1, for `return errf(...)`. */
int errf(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Prefixes an existing message: "ctx: <old>". Returns -1. */
int errprefix(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
#endif
