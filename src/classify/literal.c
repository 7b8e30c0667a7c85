/* Required literals of a rule pattern: a set of strings such that every
 * line the pattern matches contains at least one of them (ASCII lower
 * case). The scanner looks for these instead of the full patterns, which
 * is faster, and the PCRE2 pattern confirms each candidate line. The
 * parser understands the PCRE subset rules use; anything it does not
 * understand ends a literal run, which only makes the choice shorter,
 * never wrong.
 *
 * Of the sets a pattern offers, the one expected to occur least often in
 * ordinary log text wins: a scanner is as fast as its rarest anchors, and
 * every candidate line costs a regex confirmation. "/workspace/" is long
 * but on every other line of an agent log; "erofs" is short and rare. */
#include "classify/internal.h"
#include "util/xalloc.h"
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct lset {
    char **s;
    size_t n, cap;
    bool valid; /* false: no literal is required */
};

static void lset_free(struct lset *l)
{
    for (size_t i = 0; i < l->n; i++) free(l->s[i]);
    free(l->s);
    memset(l, 0, sizeof *l);
}

static void lset_add(struct lset *l, const char *s, size_t n)
{
    for (size_t i = 0; i < l->n; i++)
        if (strlen(l->s[i]) == n && memcmp(l->s[i], s, n) == 0) return;
    l->s = xgrow(l->s, &l->cap, l->n + 1, sizeof *l->s);
    l->s[l->n++] = xstrndup(s, n);
    l->valid = true;
}

/* Surprise, in bits, of one (lower-case) byte in ordinary log text: a
 * coarse byte-frequency table (English, code, paths, numbers). */
static unsigned byte_bits(unsigned char c)
{
    if (c == ' ' || c == 'e') return 3;
    if (strchr("taoinsr", c)) return 4;
    if (strchr("lcdumhp012./-:_", c)) return 5;
    if (strchr("gfbywvk3456789,=\"'()[]\t", c)) return 6;
    if (c >= 0x20 && c < 0x7f) return 7;
    return 8;
}

/* Words on a large share of the lines of ordinary agent, CI and build
 * output (model turns, tool calls, npm/pip/go/git/kubectl chatter): the
 * most frequent words of the classifier corpus and the demo logs, plus the
 * vocabulary of the tools agents run. A literal that is such a word is
 * about as rare as the word, not as its letters. Sorted for bsearch. */
static const char *const common_words[] = {
    "added", "agent", "api", "app", "apply", "build", "cache", "call", "code", "command",
    "commit", "compile", "completed", "component", "config", "container", "controller",
    "debug", "default", "done", "error", "exit", "fetch", "file", "files", "from", "function",
    "get", "git", "github", "http", "https", "image", "info", "input", "install", "json",
    "level", "line", "lines", "main", "message", "model", "module", "msg", "node",
    "node_modules", "npm", "null", "output", "package", "pass", "path", "pod", "post",
    "read", "read_file", "remote", "request", "requests", "response", "run", "runner",
    "running", "src", "start", "started", "status", "step", "string", "test", "tests", "the",
    "time", "token", "tokens", "tool", "true", "turn", "type", "update", "value", "warn",
    "warning", "with", "workspace", "write",
};

static int cmp_word(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Expected rarity of a literal, in bits. Shorter than LIT_MIN is worthless. */
static unsigned lit_bits(const char *s, size_t n)
{
    if (n < LIT_MIN) return 0;
    unsigned bits = 0;
    size_t i = 0;
    while (i < n && bits < 48) {
        unsigned char c = (unsigned char)s[i];
        if (!(isalnum(c) || c == '_')) {
            bits += byte_bits(c);
            i++;
            continue;
        }
        size_t j = i;
        unsigned wb = 0;
        while (j < n && (isalnum((unsigned char)s[j]) || s[j] == '_')) wb += byte_bits((unsigned char)s[j++]);
        char word[32];
        if (j - i < sizeof word) {
            memcpy(word, s + i, j - i);
            word[j - i] = 0;
            const char *key = word;
            if (bsearch(&key, common_words, sizeof common_words / sizeof *common_words,
                        sizeof *common_words, cmp_word) &&
                wb > 7)
                wb = 7;
        }
        bits += wb;
        i = j;
    }
    return bits < 48 ? bits : 48;
}

/* How often, per byte of ordinary text, some member of the set is
 * expected to start: lower is a better prefilter. */
static double lset_cost(const struct lset *l)
{
    double c = 0;
    for (size_t i = 0; i < l->n; i++) c += ldexp(1.0, -(int)lit_bits(l->s[i], strlen(l->s[i])));
    return c;
}

static size_t lset_minlen(const struct lset *l)
{
    size_t m = SIZE_MAX;
    for (size_t i = 0; i < l->n; i++) {
        size_t k = strlen(l->s[i]);
        if (k < m) m = k;
    }
    return l->n ? m : 0;
}

/* Keeps the better of *best and *cand (frees the other): the rarer set,
 * then the one with fewer members. */
static void keep_better(struct lset *best, struct lset *cand)
{
    if (!cand->valid) return;
    double a = best->valid ? lset_cost(best) : 2, b = lset_cost(cand);
    if (b < a || (b == a && cand->n < best->n)) {
        lset_free(best);
        *best = *cand;
        memset(cand, 0, sizeof *cand);
    } else {
        lset_free(cand);
    }
}

/* Index just past the group that opens at p[i] == '(' (or len). */
static size_t group_end(const char *p, size_t len, size_t i)
{
    int depth = 0;
    bool in_class = false;
    for (; i < len; i++) {
        char c = p[i];
        if (c == '\\') {
            i++;
            continue;
        }
        if (in_class) {
            if (c == ']') in_class = false;
            continue;
        }
        if (c == '[') {
            in_class = true;
            if (i + 1 < len && p[i + 1] == '^') i++;
            if (i + 1 < len && p[i + 1] == ']') i++;
        } else if (c == '(') {
            depth++;
        } else if (c == ')') {
            if (--depth == 0) return i + 1;
        }
    }
    return len;
}

static size_t class_end(const char *p, size_t len, size_t i)
{
    i++; /* past '[' */
    if (i < len && p[i] == '^') i++;
    if (i < len && p[i] == ']') i++;
    for (; i < len; i++) {
        if (p[i] == '\\') {
            i++;
            continue;
        }
        if (p[i] == ']') return i + 1;
    }
    return len;
}

/* Reads a quantifier at p[*i]; returns its minimum count (1 if none). */
static long quantifier(const char *p, size_t len, size_t *i)
{
    if (*i >= len) return 1;
    long min = 1;
    char c = p[*i];
    if (c == '?' || c == '*') {
        min = 0;
        (*i)++;
    } else if (c == '+') {
        min = 1;
        (*i)++;
    } else if (c == '{' && *i + 1 < len && isdigit((unsigned char)p[*i + 1])) {
        size_t j = *i + 1;
        long m = 0;
        while (j < len && isdigit((unsigned char)p[j])) m = m * 10 + (p[j++] - '0');
        while (j < len && (isdigit((unsigned char)p[j]) || p[j] == ',')) j++;
        if (j < len && p[j] == '}') {
            min = m;
            *i = j + 1;
        } else {
            return 1; /* a literal '{' */
        }
    } else {
        return 1;
    }
    if (*i < len && (p[*i] == '?' || p[*i] == '+')) (*i)++; /* lazy / possessive */
    return min == 1 && (c == '+' || c == '{') ? -1 : min; /* -1: one or more */
}

static void parse_alt(const char *p, size_t len, struct lset *out);

static void flush(struct buf *run, struct lset *best)
{
    if (run->len) {
        struct lset c = {0};
        lset_add(&c, run->p, run->len);
        keep_better(best, &c);
    }
    buf_reset(run);
}

static void parse_seq(const char *p, size_t len, struct lset *best)
{
    struct buf run = {0};
    size_t i = 0;
    while (i < len) {
        char c = p[i];
        char lit = 0;
        bool is_lit = false;
        struct lset grp = {0};
        bool is_grp = false;
        if (c == '\\' && i + 1 < len) {
            char n = p[i + 1];
            if (!isalnum((unsigned char)n)) {
                lit = n;
                is_lit = true;
            }
            i += 2;
            if (!is_lit && (n == 'x' || n == 'o' || n == 'p' || n == 'P' || n == 'Q' || n == 'E' ||
                            n == 'g' || n == 'k' || n == 'c')) {
                /* escapes with arguments: give up on this pattern's tail */
                break;
            }
        } else if (c == '[') {
            i = class_end(p, len, i);
        } else if (c == '(') {
            size_t e = group_end(p, len, i);
            size_t a = i + 1, b = e > a ? e - 1 : a;
            if (a < b && p[a] == '?') {
                /* (?:..) (?i:..) (?-i:..) keep their content; look-around
                 * and inline flags match nothing */
                size_t k = a + 1;
                while (k < b && (isalpha((unsigned char)p[k]) || p[k] == '-')) k++;
                if (k < b && p[k] == ':') {
                    parse_alt(p + k + 1, b - (k + 1), &grp);
                    is_grp = true;
                }
            } else {
                parse_alt(p + a, b - a, &grp);
                is_grp = true;
            }
            i = e;
        } else if (c == '.' || c == '^' || c == '$' || c == '|') {
            i++;
        } else {
            lit = c;
            is_lit = true;
            i++;
        }
        long q = quantifier(p, len, &i);
        if (is_lit) {
            if (q == 0) {
                flush(&run, best);
            } else {
                char l = (char)tolower((unsigned char)lit);
                buf_append(&run, &l, 1);
                if (q < 0 || q > 1) flush(&run, best);
            }
        } else {
            flush(&run, best);
            if (is_grp && q != 0) keep_better(best, &grp);
        }
        lset_free(&grp);
    }
    flush(&run, best);
    buf_free(&run);
}

static void parse_alt(const char *p, size_t len, struct lset *out)
{
    memset(out, 0, sizeof *out);
    size_t start = 0, i = 0;
    bool first = true;
    bool in_class = false;
    int depth = 0;
    for (;; i++) {
        bool end = i >= len;
        if (!end) {
            char c = p[i];
            if (c == '\\') {
                i++;
                continue;
            }
            if (in_class) {
                if (c == ']') in_class = false;
                continue;
            }
            if (c == '[') {
                in_class = true;
                if (i + 1 < len && p[i + 1] == '^') i++;
                if (i + 1 < len && p[i + 1] == ']') i++;
                continue;
            }
            if (c == '(') depth++;
            if (c == ')') depth--;
            if (!(c == '|' && depth == 0)) continue;
        }
        struct lset b = {0};
        parse_seq(p + start, (end ? len : i) - start, &b);
        if (!b.valid) {
            lset_free(&b);
            lset_free(out);
            return; /* a branch without a literal: the whole has none */
        }
        if (first) {
            *out = b;
            first = false;
        } else {
            for (size_t k = 0; k < b.n; k++) lset_add(out, b.s[k], strlen(b.s[k]));
            lset_free(&b);
        }
        if (end) break;
        start = i + 1;
    }
}

size_t classify_literals(const char *pattern, char ***out, size_t minlen, unsigned *bits)
{
    struct lset l;
    parse_alt(pattern, strlen(pattern), &l);
    if (bits) *bits = 0;
    if (!l.valid || lset_minlen(&l) < minlen || l.n > 64) {
        lset_free(&l);
        *out = NULL;
        return 0;
    }
    if (bits) {
        double c = lset_cost(&l);
        *bits = c >= 1 ? 0 : (unsigned)-log2(c);
    }
    *out = l.s;
    return l.n;
}
