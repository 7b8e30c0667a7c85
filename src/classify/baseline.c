/* Baselines: the lines of a passing run's log, normalised and hashed, so
 * that a failing run's findings on lines the passing run also printed can
 * be set aside ("also in the passing run"). One pass over the baseline's
 * bytes, streaming (chunks of any size), memory of one 64-bit hash per
 * distinct line. */
#include "classify/internal.h"
#include "util/xalloc.h"
#include <stdlib.h>
#include <string.h>

#define WORD_MAX 128 /* longer words are hashed as they are */
#define TMP_TAIL 0x2f746d702full /* "/tmp/" as the last five bytes emitted */

struct classify_baseline {
    uint64_t *slots; /* open addressing; 0 = empty */
    size_t cap, count;
    size_t lines;
    char carry[CLASSIFY_TEXT_MAX]; /* the start of a line split across chunks */
    size_t ncarry, carried;        /* bytes kept; bytes of that line seen */
};

/* The normaliser's state within one line. */
struct baseline_norm {
    uint64_t h;
    int esc;        /* 0 text, 1 after ESC, 2 inside a CSI sequence */
    bool space;     /* a blank is pending (collapsed, dropped at the ends) */
    bool any;       /* the line has emitted something */
    bool digit;     /* the word holds a digit */
    bool after_tmp; /* the word follows "/tmp/": a temporary name */
    uint64_t tail;  /* the last bytes emitted, to see "/tmp/" */
    size_t wl;
    char word[WORD_MAX];
};

static const uint64_t FNV_OFF = 1469598103934665603ull, FNV_PRIME = 1099511628211ull;

static void emit(struct baseline_norm *n, unsigned char ch)
{
    if (n->space && n->any) n->h = (n->h ^ ' ') * FNV_PRIME;
    n->space = false;
    n->any = true;
    n->h = (n->h ^ ch) * FNV_PRIME;
    n->tail = n->tail << 8 | ch;
}

/* A word holding a digit (a time, duration, counter, id, hash) or naming
 * a temporary file becomes "1": runs differ in these and nothing else. A
 * plain zero stays "0", so that "1 failed" is not "0 failed" (unless it is
 * part of a time or decimal: 10:00:00, 0.25s). next: the byte after it. */
static void word_end(struct baseline_norm *n, unsigned char next)
{
    if (n->wl == 0) return;
    if (n->digit || n->after_tmp) {
        bool zero = !n->after_tmp;
        for (size_t i = 0; i < n->wl && zero; i++) zero = n->word[i] == '0';
        unsigned char prev = (unsigned char)(n->tail & 0xff);
        if (prev == '.' || prev == ':' || next == '.' || next == ':') zero = false;
        emit(n, zero ? '0' : '1');
    } else {
        for (size_t i = 0; i < n->wl; i++) emit(n, (unsigned char)n->word[i]);
    }
    n->wl = 0;
    n->digit = false;
    n->after_tmp = false;
}

static bool word_byte(unsigned char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '_' || ch >= 0x80;
}

static void norm_reset(struct baseline_norm *n)
{
    memset(n, 0, sizeof *n);
    n->h = FNV_OFF;
}

/* Feeds one byte of a line (not its '\n'). */
static void norm_byte(struct baseline_norm *n, unsigned char ch)
{
    if (n->esc == 1) {
        n->esc = ch == '[' ? 2 : 0;
        return;
    }
    if (n->esc == 2) {
        if (ch >= 0x40 && ch <= 0x7e) n->esc = 0;
        return;
    }
    if (ch == 0x1b) {
        word_end(n, 0);
        n->esc = 1;
        return;
    }
    if (word_byte(ch)) {
        if (n->wl == 0) n->after_tmp = (n->tail & 0xffffffffffull) == TMP_TAIL;
        if (ch >= '0' && ch <= '9') n->digit = true;
        if (n->wl == WORD_MAX) {
            for (size_t i = 0; i < n->wl; i++) emit(n, (unsigned char)n->word[i]);
            n->wl = 0;
        }
        n->word[n->wl++] = (char)ch;
        return;
    }
    word_end(n, ch);
    if (ch == ' ' || ch == '\t' || ch == '\r') {
        n->space = true;
        return;
    }
    emit(n, ch);
}

/* The hash of a whole normalised line; 0 for a line with nothing in it. */
static uint64_t norm_end(struct baseline_norm *n)
{
    word_end(n, 0);
    uint64_t h = n->any ? (n->h ? n->h : 1) : 0;
    norm_reset(n);
    return h;
}

/* The hash of a line after its log prefix (a timestamp, a pod prefix):
 * one run's log may carry stamps that the other's lacks. */
static uint64_t line_hash(const char *s, size_t len)
{
    struct baseline_norm n;
    norm_reset(&n);
    if (len > CLASSIFY_TEXT_MAX) len = CLASSIFY_TEXT_MAX; /* findings keep this much */
    for (size_t i = classify_skip_log_prefix(s, len); i < len; i++) norm_byte(&n, (unsigned char)s[i]);
    return norm_end(&n);
}

static void set_add(struct classify_baseline *b, uint64_t h)
{
    if ((b->count + 1) * 2 > b->cap) {
        size_t ncap = b->cap ? b->cap * 2 : 1024;
        uint64_t *ns = xcalloc(ncap, sizeof *ns);
        for (size_t i = 0; i < b->cap; i++) {
            if (!b->slots[i]) continue;
            size_t j = (size_t)(b->slots[i] & (ncap - 1));
            while (ns[j]) j = (j + 1) & (ncap - 1);
            ns[j] = b->slots[i];
        }
        free(b->slots);
        b->slots = ns;
        b->cap = ncap;
    }
    size_t j = (size_t)(h & (b->cap - 1));
    while (b->slots[j]) {
        if (b->slots[j] == h) return;
        j = (j + 1) & (b->cap - 1);
    }
    b->slots[j] = h;
    b->count++;
}

struct classify_baseline *classify_baseline_new(void)
{
    return xcalloc(1, sizeof(struct classify_baseline));
}

static void add_line(struct classify_baseline *b, const char *s, size_t n)
{
    b->lines++;
    uint64_t h = line_hash(s, n);
    if (h) set_add(b, h);
}

void classify_baseline_feed(struct classify_baseline *b, const void *bytes, size_t len)
{
    const char *p = bytes, *end = p + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (b->carried || !nl) { /* a line split across chunks: keep its start */
            size_t room = sizeof b->carry - b->ncarry, take = n < room ? n : room;
            memcpy(b->carry + b->ncarry, p, take);
            b->ncarry += take;
            b->carried += n;
            if (nl) {
                add_line(b, b->carry, b->ncarry);
                b->ncarry = b->carried = 0;
            }
        } else {
            add_line(b, p, n);
        }
        if (!nl) break;
        p = nl + 1;
    }
}

void classify_baseline_finish(struct classify_baseline *b)
{
    if (b->carried == 0) return;
    add_line(b, b->carry, b->ncarry);
    b->ncarry = b->carried = 0;
}

size_t classify_baseline_lines(const struct classify_baseline *b) { return b ? b->lines : 0; }

bool classify_baseline_has(const struct classify_baseline *b, const char *line, size_t len)
{
    if (!b || !b->cap || !line) return false;
    uint64_t h = line_hash(line, len);
    if (!h) return false;
    size_t j = (size_t)(h & (b->cap - 1));
    while (b->slots[j]) {
        if (b->slots[j] == h) return true;
        j = (j + 1) & (b->cap - 1);
    }
    return false;
}

void classify_baseline_free(struct classify_baseline *b)
{
    if (!b) return;
    free(b->slots);
    free(b);
}
