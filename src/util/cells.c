/* cells — the one UTF-8 cell decoder (see cells.h). */
#include "util/cells.h"
#include "util/sanitize.h"

int cell_wc_width(wchar_t wc, bool utf8)
{
    if (!utf8 && (unsigned long)wc >= 0x80) return 1;
    int w = wcwidth(wc);
    return w < 0 ? 1 : w;
}

size_t cell_next(const char *s, size_t n, bool utf8, wchar_t *wc, int *w)
{
    unsigned cp;
    size_t l = utf8_decode((const unsigned char *)s, n, &cp);
    if (l == 0) { /* not UTF-8: one stand-in per byte */
        *wc = L'?';
        *w = 1;
        return 1;
    }
    if (!utf8 && cp >= 0x80) {
        *wc = L'?';
        *w = 1;
        return l;
    }
    int cw = wcwidth((wchar_t)cp);
    if (cw < 0) {
        *wc = L'?';
        cw = 1;
    } else {
        *wc = (wchar_t)cp;
    }
    *w = cw;
    return l;
}

int cell_str_width(const char *s, size_t n, bool utf8)
{
    int total = 0;
    for (size_t i = 0; i < n;) {
        wchar_t wc;
        int w;
        i += cell_next(s + i, n - i, utf8, &wc, &w);
        total += w;
    }
    return total;
}
