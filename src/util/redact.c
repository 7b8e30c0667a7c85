/* redact.c — one left-to-right scan; each byte is looked at a bounded
 * number of times (a word or URL authority is scanned once from its
 * start), so a hostile log costs linear time. */
#include "util/redact.h"
#include "util/buf.h"
#include <stdbool.h>
#include <string.h>

static bool is_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool is_local(unsigned char c)
{
    return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

static bool is_token(unsigned char c)
{
    return is_alnum(c) || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' || c == '=' ||
           c == '-';
}

static bool word_at(const char *p, size_t n, const char *w)
{
    size_t wl = strlen(w);
    if (n < wl) return false;
    for (size_t i = 0; i < wl; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c >= 'A' && c <= 'Z') c = (unsigned char)(c - 'A' + 'a');
        if (c != (unsigned char)w[i]) return false;
    }
    return true;
}

/* "Bearer <token>" at p (p at a word start): length of the keyword and
 * blanks in *kw, of the token in *tok; false if not one. */
static bool bearer_at(const char *p, size_t n, size_t *kw, size_t *tok)
{
    if (!word_at(p, n, "bearer")) return false;
    size_t i = 6;
    if (i < n && p[i] == ':') i++;
    size_t blanks = i;
    while (i < n && (p[i] == ' ' || p[i] == '\t')) i++;
    if (i == blanks) return false;
    size_t t = i;
    while (i < n && is_token((unsigned char)p[i])) i++;
    if (i - t < 8) return false; /* "bearer token required" is prose */
    *kw = t;
    *tok = i - t;
    return true;
}

/* GitHub tokens carry their kind in a prefix: ghp_, gho_, ghu_, ghs_,
 * ghr_, github_pat_. Length of the token at p, 0 if none. */
static size_t github_token_at(const char *p, size_t n)
{
    size_t pre = 0;
    if (n > 4 && p[0] == 'g' && p[1] == 'h' && strchr("pousr", p[2]) && p[2] && p[3] == '_') pre = 4;
    else if (word_at(p, n, "github_pat_")) pre = 11;
    if (!pre) return 0;
    size_t i = pre;
    while (i < n && (is_alnum((unsigned char)p[i]) || p[i] == '_')) i++;
    return i - pre >= 20 ? i : 0;
}

/* p at the first byte after "://": the userinfo's password span
 * [*pw, *pw + *pwlen) relative to p, if the authority has one. */
static bool url_password_at(const char *p, size_t n, size_t *pw, size_t *pwlen)
{
    size_t colon = 0;
    bool have = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == '@') {
            if (!have || i == colon + 1) return false;
            *pw = colon + 1;
            *pwlen = i - colon - 1;
            return true;
        }
        if (c == '/' || c == '?' || c == '#' || c <= ' ' || c == '"' || c == '\'' || c == '<' ||
            c == '>' || c == '\\')
            return false;
        if (c == ':' && !have) {
            have = true;
            colon = i;
        }
    }
    return false;
}

/* p at the start of a run of local-part bytes: the length of the whole
 * address local@domain.tld, 0 if it is not one. */
static size_t email_at(const char *p, size_t n)
{
    size_t i = 0;
    while (i < n && is_local((unsigned char)p[i])) i++;
    if (i == 0 || i >= n || p[i] != '@') return 0;
    i++;
    size_t dots = 0, label = 0, last_alpha = 0, end = 0;
    for (; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (is_alnum(c) || c == '-') {
            label++;
            last_alpha = ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) ? last_alpha + 1 : 0;
            if (last_alpha != label) last_alpha = 0;
            continue;
        }
        if (c == '.' && label > 0 && i + 1 < n && is_alnum((unsigned char)p[i + 1])) {
            dots++;
            label = 0;
            last_alpha = 0;
            continue;
        }
        break;
    }
    end = i;
    /* at least one dot, and a top-level label of letters only */
    if (dots == 0 || label < 2 || last_alpha != label) return 0;
    return end;
}

char *redact_text(const char *data, size_t len, size_t *outlen, size_t *count)
{
    struct buf b = {0};
    size_t masks = 0;
    buf_reserve(&b, len + 1);
    size_t i = 0;
    while (i < len) {
        const char *p = data + i;
        size_t n = len - i;
        unsigned char prev = i ? (unsigned char)data[i - 1] : ' ';
        size_t kw, tok, m;
        if (!is_alnum(prev) && bearer_at(p, n, &kw, &tok)) {
            buf_append(&b, p, kw);
            buf_puts(&b, REDACT_MASK);
            masks++;
            i += kw + tok;
            continue;
        }
        if (!is_alnum(prev) && prev != '_' && (m = github_token_at(p, n)) > 0) {
            buf_puts(&b, REDACT_MASK);
            masks++;
            i += m;
            continue;
        }
        if (n >= 3 && p[0] == ':' && p[1] == '/' && p[2] == '/') {
            size_t pw, pwlen;
            buf_append(&b, "://", 3);
            i += 3;
            if (url_password_at(data + i, len - i, &pw, &pwlen)) {
                buf_append(&b, data + i, pw);
                buf_puts(&b, REDACT_MASK);
                masks++;
                i += pw + pwlen; /* the '@' follows */
                buf_putc(&b, '@');
                i++;
            }
            continue;
        }
        if (!is_local(prev) && is_local((unsigned char)p[0]) && (m = email_at(p, n)) > 0) {
            buf_puts(&b, REDACT_MASK);
            masks++;
            i += m;
            continue;
        }
        buf_putc(&b, p[0]);
        i++;
    }
    if (outlen) *outlen = b.len;
    if (count) *count = masks;
    return buf_detach(&b);
}
