/* cells — the one UTF-8 cell decoder: how sanitised UTF-8 text falls into
 * terminal cells. Every place that measures or draws text (the console's
 * draw helpers, the log view's cell lists, the line editor's scrolling)
 * asks here, so a character is never one column wide in one place and two
 * in another.
 *
 * The rules: a character wcwidth() does not know (negative width) shows as
 * '?' in one column; outside a UTF-8 locale anything that is not ASCII is
 * '?' too (one column); bytes that are not valid UTF-8 (which the
 * sanitiser never lets through) count as one '?' per byte. Width comes
 * from the C library's wcwidth under the caller's locale (setlocale).
 * Nothing is allocated. */
#ifndef ARTRIAGE_CELLS_H
#define ARTRIAGE_CELLS_H
#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

/* The next cell of s[0..n) (n > 0): stores the character to draw and its
 * width (0 for a combining mark, 1 or 2), returns the bytes it took (>= 1). */
size_t cell_next(const char *s, size_t n, bool utf8, wchar_t *wc, int *w);
/* Columns wc takes as drawn (the '?' stand-in counts one). */
int cell_wc_width(wchar_t wc, bool utf8);
/* Columns of the first n bytes of s. */
int cell_str_width(const char *s, size_t n, bool utf8);
#endif
