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
/* Word bytes for normalise(): which kind, one bit each (0: not a word byte). */
enum { W_LETTER = 1, W_ZERO = 2, W_NONZERO = 4, W_DIGIT = W_ZERO | W_NONZERO };
static unsigned char word_bits[256];


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
        word_bits[ch] = k == C_WORD ? W_LETTER : k == C_ZERO ? W_ZERO : k == C_DIGIT ? W_NONZERO : 0;
    }
}

static void classes_init(void) { pthread_once(&classes_once, classes_fill); }

/* The normalised form of a line after its log prefix (a timestamp, a pod
 * prefix: one run's log may carry stamps the other's lacks): ANSI CSI
 * sequences dropped, runs of blanks collapsed and trimmed, and a word
 * holding a digit (a time, duration, counter, id, hash) or following
 * "/tmp/" (a temporary name) replaced by "1" — runs differ in these and
 * nothing else. A plain zero stays "0", so "1 failed" is not "0 failed",
 * unless it is part of a time or decimal (10:00:00, 0.25s). Written to out
 * (at least len bytes + 1); returns its length, 0 if nothing is in the
 * line. Words are copied whole and the hash runs over the result eight
 * bytes at a time: hashing byte by byte cost twice a classification. Two
 * words the text has side by side only through a colour code ("a\e[0mb")
 * are kept apart by an ESC, which the normal form has nowhere else. */
static size_t normalise(const unsigned char *s, size_t len, unsigned char *out)
{
    size_t i = classify_skip_log_prefix((const char *)s, len), o = 0;
    uint64_t tail = 0;       /* the last bytes taken (words and other bytes) */
    bool space = false, word_before = false;
    while (i < len) {
        unsigned char ch = s[i];
        if (word_bits[ch]) {
            size_t st = i;
            bool tmp = (tail & 0xffffffffffull) == TMP_TAIL;
            unsigned char before = (unsigned char)tail; /* 0 at the line start */
            if (space && o) out[o++] = ' ';
            else if (word_before) out[o++] = 0x1b;
            space = false;
            size_t wo = o;
            unsigned seen = 0, b;
            /* copied as it is scanned; a word with a digit is rewritten below */
            for (; i < len && (b = word_bits[s[i]]) != 0; i++) {
                seen |= b;
                out[o++] = s[i];
            }
            if ((seen & W_DIGIT) || tmp) {
                unsigned char next = i < len ? s[i] : 0;
                bool z = !(seen & ~W_ZERO & 7) && !tmp && before != '.' && before != ':' && next != '.' &&
                         next != ':';
                o = wo;
                out[o++] = z ? '0' : '1';
            }
            size_t n = i - st < 8 ? i - st : 8;
            if (i >= 8) { /* the word's last n bytes, big-endian, without a loop */
                uint64_t w8;
                memcpy(&w8, s + i - 8, 8);
                w8 = __builtin_bswap64(w8);
                tail = n == 8 ? w8 : (tail << (8 * n)) | (w8 & ((1ull << (8 * n)) - 1));
            } else {
                for (size_t j = i - n; j < i; j++) tail = tail << 8 | s[j];
            }
            word_before = true;
            continue;
        }
        unsigned k = byte_class[ch];
        if (k == C_ESC) { /* ESC [ params final: a colour code */
            if (i + 1 < len && s[i + 1] == '[') {
                i += 2;
                while (i < len && (s[i] < 0x40 || s[i] > 0x7e)) i++;
            }
            i++;
            continue;
        }
        i++;
        if (k == C_SPACE) {
            space = true;
            continue;
        }
        if (space && o) out[o++] = ' ';
        space = false;
        word_before = false;
        out[o++] = ch;
        tail = tail << 8 | ch;
    }
    return o;
}

static inline uint64_t mix64(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h;
}

/* The hash of a line's normal form; 0: nothing in the line. */
static uint64_t line_hash(const char *str, size_t len)
{
    unsigned char norm[CLASSIFY_TEXT_MAX + 8];
    if (len > CLASSIFY_TEXT_MAX) len = CLASSIFY_TEXT_MAX; /* findings keep this much */
    size_t n = normalise((const unsigned char *)str, len, norm);
    if (n == 0) return 0;
    uint64_t h = FNV_OFF ^ (n * FNV_PRIME);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, norm + i, 8);
        h = (h ^ mix64(w)) * 0x9e3779b97f4a7c15ull;
        h = h << 27 | h >> 37;
    }
    uint64_t w = 0;
    memcpy(&w, norm + i, n - i);
    h = mix64(h ^ mix64(w ^ (uint64_t)(n - i) << 59));
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

/* Hashes of a chunk's lines are added in batches: the table is far larger
 * than the cache, so each batch's slots are prefetched before the
 * inserts rather than missed one by one. */
#define BATCH 32

struct batch {
    uint64_t h[BATCH];
    size_t n;
};

static void batch_flush(struct classify_baseline *b, struct batch *q)
{
    if (b->cap)
        for (size_t i = 0; i < q->n; i++) __builtin_prefetch(&b->slots[q->h[i] & (b->cap - 1)]);
    for (size_t i = 0; i < q->n; i++) set_add(b, q->h[i]);
    q->n = 0;
}

static void add_line(struct classify_baseline *b, struct batch *q, const char *s, size_t n)
{
    b->lines++;
    uint64_t h = line_hash(s, n);
    if (!h) return;
    q->h[q->n++] = h;
    if (q->n == BATCH) batch_flush(b, q);
}

void classify_baseline_feed(struct classify_baseline *b, const void *bytes, size_t len)
{
    const char *p = bytes, *end = p + len;
    struct batch q = {.n = 0};
    if (b->carried) { /* the rest of a line split across chunks */
        const char *nl = memchr(p, '\n', len);
        size_t n = nl ? (size_t)(nl - p) : len;
        size_t room = sizeof b->carry - b->ncarry, take = n < room ? n : room;
        memcpy(b->carry + b->ncarry, p, take);
        b->ncarry += take;
        b->carried += n;
        if (!nl) return;
        add_line(b, &q, b->carry, b->ncarry);
        b->ncarry = b->carried = 0;
        p = nl + 1;
    }
    const char *ls = p; /* the line being walked */
    size_t n = (size_t)(end - p), i = 0;
#if defined(__SSE2__)
    for (; i + 64 <= n; i += 64) {
        uint64_t bits = classify_nl_mask64(p + i);
        while (bits) {
            const char *nl = p + i + __builtin_ctzll(bits);
            bits &= bits - 1;
            add_line(b, &q, ls, (size_t)(nl - ls));
            ls = nl + 1;
        }
    }
#endif
    for (; i < n; i++) {
        if (p[i] != '\n') continue;
        add_line(b, &q, ls, (size_t)(p + i - ls));
        ls = p + i + 1;
    }
    if (ls < end) { /* a line split across chunks: keep its start */
        size_t rest = (size_t)(end - ls), take = rest < sizeof b->carry ? rest : sizeof b->carry;
        memcpy(b->carry, ls, take);
        b->ncarry = take;
        b->carried = rest;
    }
    batch_flush(b, &q);
}

void classify_baseline_finish(struct classify_baseline *b)
{
    if (b->carried == 0) return;
    struct batch q = {.n = 0};
    add_line(b, &q, b->carry, b->ncarry);
    batch_flush(b, &q);
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
