/* Baselines: the lines of a passing run's log, normalised and hashed, so
 * that a failing run's findings on lines the passing run also printed can
 * be set aside ("also in the passing run"). One pass over the baseline's
 * bytes, streaming (chunks of any size), memory of one 64-bit hash per
 * distinct line. */
#include "classify/internal.h"
#include "util/xalloc.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define TMP_TAIL 0x2f746d702full /* "/tmp/" as the last five bytes emitted */

struct classify_baseline {
    uint64_t *slots; /* open addressing; 0 = empty */
    size_t cap, count;
    size_t lines;
    char carry[CLASSIFY_TEXT_MAX]; /* the start of a line split across chunks */
    size_t ncarry, carried;        /* bytes kept; bytes of that line seen */
};

static const uint64_t FNV_OFF = 1469598103934665603ull, FNV_PRIME = 1099511628211ull;

enum { C_OTHER, C_WORD, C_DIGIT, C_ZERO, C_SPACE, C_ESC };

static unsigned char byte_class[256];

static pthread_once_t classes_once = PTHREAD_ONCE_INIT;

static void classes_fill(void)
{
    for (int ch = 0; ch < 256; ch++) {
        unsigned char k = C_OTHER;
        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' || ch >= 0x80) k = C_WORD;
        else if (ch == '0') k = C_ZERO;
        else if (ch >= '1' && ch <= '9') k = C_DIGIT;
        else if (ch == ' ' || ch == '\t' || ch == '\r') k = C_SPACE;
        else if (ch == 0x1b) k = C_ESC;
        byte_class[ch] = k;
    }
}

static void classes_init(void) { pthread_once(&classes_once, classes_fill); }

/* The hash of a line after its log prefix (a timestamp, a pod prefix: one
 * run's log may carry stamps the other's lacks), normalised: ANSI CSI
 * sequences dropped, runs of blanks collapsed and trimmed, and a word
 * holding a digit (a time, duration, counter, id, hash) or following
 * "/tmp/" (a temporary name) replaced by "1" — runs differ in these and
 * nothing else. A plain zero stays "0", so "1 failed" is not "0 failed",
 * unless it is part of a time or decimal (10:00:00, 0.25s). 0: nothing in
 * the line. One pass, no copy. */
static uint64_t line_hash(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    if (len > CLASSIFY_TEXT_MAX) len = CLASSIFY_TEXT_MAX; /* findings keep this much */
    size_t i = classify_skip_log_prefix(str, len);
    uint64_t h = FNV_OFF, w = 0, tail = 0;
    bool any = false, space = false, inword = false, digit = false, zero = false, tmp = false;
    unsigned char before = 0, last = 0; /* the byte before the word; the last one taken */
    for (; i < len; i++) {
        unsigned char ch = s[i];
        unsigned k = byte_class[ch];
        if (k == C_WORD || k == C_DIGIT || k == C_ZERO) {
            if (!inword) {
                inword = true;
                digit = false;
                zero = true;
                w = FNV_OFF;
                before = last;
                tmp = (tail & 0xffffffffffull) == TMP_TAIL;
            }
            w = (w ^ ch) * FNV_PRIME;
            digit |= k != C_WORD;
            zero &= k == C_ZERO;
            last = ch;
            tail = tail << 8 | ch;
            continue;
        }
        if (inword) {
            inword = false;
            if (digit || tmp) {
                bool z = zero && !tmp && before != '.' && before != ':' && ch != '.' && ch != ':';
                w = z ? '0' : '1';
            }
            if (space && any) h = (h ^ ' ') * FNV_PRIME;
            space = false;
            any = true;
            h = (h ^ w) * FNV_PRIME;
            h ^= h >> 31;
        }
        if (k == C_ESC) { /* ESC [ params final: a colour code */
            if (i + 1 < len && s[i + 1] == '[') {
                i += 2;
                while (i < len && (s[i] < 0x40 || s[i] > 0x7e)) i++;
            }
            continue;
        }
        if (k == C_SPACE) {
            space = true;
            continue;
        }
        if (space && any) h = (h ^ ' ') * FNV_PRIME;
        space = false;
        any = true;
        h = (h ^ ch) * FNV_PRIME;
        last = ch;
        tail = tail << 8 | ch;
    }
    if (inword) {
        if (digit || tmp) w = zero && !tmp && before != '.' && before != ':' ? '0' : '1';
        if (space && any) h = (h ^ ' ') * FNV_PRIME;
        any = true;
        h = (h ^ w) * FNV_PRIME;
        h ^= h >> 31;
    }
    if (!any) return 0;
    return h ? h : 1;
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
    classes_init();
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
    classes_init();
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
