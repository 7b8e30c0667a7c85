/* sanitize — the one gate between bytes from the cluster (names, messages,
 * conditions, events, log lines) and a terminal, for the console and the
 * CLI's table/text output alike (JSON output is escaped by cJSON instead).
 *
 * The output is valid UTF-8 with no control characters at all:
 *   ESC            -> "^["  (so a sequence shows as "^[]0;title^G" text)
 *   other C0, DEL  -> "^@" .. "^_", "^?"  (TAB and LF as the flags say)
 *   bare CR        -> "^M"  (a CR right before LF or at the end is a line
 *                            ending and is dropped)
 *   C1 (U+0080..U+009F), bidi overrides/isolates, U+2028/9, BOM
 *                  -> "\u009b" style
 *   invalid UTF-8  -> "\xNN" per byte
 * With SAN_STRIP_SGR, colour sequences (ESC [ digits/; m) are removed
 * instead of shown, for log text whose colours the caller renders or drops.
 */
#ifndef ARTRIAGE_SANITIZE_H
#define ARTRIAGE_SANITIZE_H
#include <stddef.h>
#include "util/buf.h"

enum {
    SAN_KEEP_TAB = 1 << 0,     /* keep TAB (else shown as one space) */
    SAN_KEEP_NEWLINE = 1 << 1, /* keep LF (else "^J") */
    SAN_STRIP_SGR = 1 << 2,    /* drop ESC[...m colour sequences */
};

/* Appends the sanitised form of s[0..n) to out. */
void sanitize_append(struct buf *out, const char *s, size_t n, unsigned flags);
/* Returns a newly allocated sanitised copy of a NUL-terminated string
 * (NULL gives ""). Caller frees. */
char *sanitize_str(const char *s, unsigned flags);
/* Decodes one UTF-8 scalar at s (n bytes available). Returns its length
 * (1..4) and stores the code point, or 0 if the bytes are not valid UTF-8
 * (overlong, surrogate, > U+10FFFF, truncated). */
size_t utf8_decode(const unsigned char *s, size_t n, unsigned *cp);
/* Encodes code point cp as UTF-8 into out (room for 4 bytes); a surrogate or
 * a value above U+10FFFF is written as U+FFFD. Returns the length (1..4). */
size_t utf8_encode(unsigned cp, char out[4]);
#endif
