/* buf — a growable byte buffer, always NUL-terminated after len.
 * A zero-initialised struct buf is empty and valid; buf_free() releases it.
 * buf_detach() hands the bytes to the caller (free() them). */
#ifndef ARTRIAGE_BUF_H
#define ARTRIAGE_BUF_H
#include <stddef.h>

struct buf {
    char *p;
    size_t len, cap;
};

void buf_reserve(struct buf *b, size_t extra);
void buf_append(struct buf *b, const void *data, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_reset(struct buf *b);                 /* len = 0, keeps memory */
void buf_consume(struct buf *b, size_t n);     /* drop the first n bytes */
char *buf_detach(struct buf *b);               /* never NULL */
void buf_free(struct buf *b);
#endif
