#include "util/sanitize.h"
#include "util/xalloc.h"
#include <stdio.h>
#include <string.h>

size_t utf8_encode(unsigned cp, char out[4])
{
    if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) cp = 0xfffd;
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | cp >> 12);
        out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | cp >> 18);
    out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
    out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

size_t utf8_decode(const unsigned char *s, size_t n, unsigned *cp)
{
    if (n == 0) return 0;
    unsigned c = s[0];
    if (c < 0x80) { *cp = c; return 1; }
    size_t len;
    unsigned min;
    if ((c & 0xe0) == 0xc0) { len = 2; c &= 0x1f; min = 0x80; }
    else if ((c & 0xf0) == 0xe0) { len = 3; c &= 0x0f; min = 0x800; }
    else if ((c & 0xf8) == 0xf0) { len = 4; c &= 0x07; min = 0x10000; }
    else return 0;
    if (n < len) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80) return 0;
        c = (c << 6) | (s[i] & 0x3f);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) return 0;
    *cp = c;
    return len;
}

/* Code points that are valid UTF-8 yet steer a terminal or reorder text. */
static int dangerous_cp(unsigned cp)
{
    return (cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 ||
           (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
           cp == 0x200e || cp == 0x200f || cp == 0x061c || cp == 0xfeff;
}

/* Length of an SGR sequence ESC [ [0-9;:]* m starting at s, or 0. */
static size_t sgr_len(const unsigned char *s, size_t n)
{
    if (n < 3 || s[0] != 0x1b || s[1] != '[') return 0;
    for (size_t i = 2; i < n && i < 64; i++) {
        if (s[i] == 'm') return i + 1;
        if (!((s[i] >= '0' && s[i] <= '9') || s[i] == ';' || s[i] == ':')) return 0;
    }
    return 0;
}

void sanitize_append(struct buf *out, const char *str, size_t n, unsigned flags)
{
    const unsigned char *s = (const unsigned char *)str;
    buf_reserve(out, n);
    size_t i = 0;
    while (i < n) {
        /* Fast path: a run of plain printable ASCII. */
        size_t j = i;
        while (j < n && s[j] >= 0x20 && s[j] < 0x7f) j++;
        if (j > i) { buf_append(out, s + i, j - i); i = j; continue; }

        unsigned char c = s[i];
        if (c == 0x1b) {
            size_t l;
            if ((flags & SAN_STRIP_SGR) && (l = sgr_len(s + i, n - i))) { i += l; continue; }
            buf_append(out, "^[", 2);
            i++;
        } else if (c == '\t') {
            buf_putc(out, (flags & SAN_KEEP_TAB) ? '\t' : ' ');
            i++;
        } else if (c == '\n') {
            if (flags & SAN_KEEP_NEWLINE) buf_putc(out, '\n');
            else buf_append(out, "^J", 2);
            i++;
        } else if (c == '\r') {
            if (i + 1 == n || s[i + 1] == '\n') { i++; continue; }
            buf_append(out, "^M", 2);
            i++;
        } else if (c < 0x20) {
            char e[3] = {'^', (char)(c + 0x40), 0};
            buf_append(out, e, 2);
            i++;
        } else if (c == 0x7f) {
            buf_append(out, "^?", 2);
            i++;
        } else {
            unsigned cp;
            size_t l = utf8_decode(s + i, n - i, &cp);
            char e[16];
            if (l == 0) {
                snprintf(e, sizeof e, "\\x%02x", c);
                buf_puts(out, e);
                i++;
            } else if (dangerous_cp(cp)) {
                snprintf(e, sizeof e, "\\u%04x", cp);
                buf_puts(out, e);
                i += l;
            } else {
                buf_append(out, s + i, l);
                i += l;
            }
        }
    }
}

char *sanitize_str(const char *s, unsigned flags)
{
    struct buf b = {0};
    if (s) sanitize_append(&b, s, strlen(s), flags);
    return buf_detach(&b);
}
