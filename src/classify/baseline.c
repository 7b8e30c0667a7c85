/* Baselines: the lines of a passing run's log, normalised and hashed, so
 * that a failing run's findings on lines the passing run also printed can
 * be set aside ("also in the passing run").
 *
 * Two ways to hold one. Whole (classify_baseline_new): one pass over the
 * baseline's bytes, streaming (chunks of any size), memory of one 64-bit
 * hash per distinct line; any line may be asked about, from any number of
 * contexts. Asked-first (classify_baseline_new_deferred), for a baseline
 * the caller can read twice: the first read only counts lines; the
 * classification then asks its few questions (failure and error-block
 * marker lines, findings), each recorded and answered "no"; the settle
 * reads the baseline again with one literal scan (Hyperscan) for the
 * questions' literals and normalises only the lines that hold one. The
 * caller classifies again if a "no" was wrong (classify.h). Memory: the
 * questions, nothing per baseline line. Each question's literal is its
 * rarest letter run in samples of the baseline (the first chunk fed, or
 * what the caller samples), and the settle may run in parts, one per
 * thread, over whole lines. */
#include "classify/internal.h"
#include "util/xalloc.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define TMP_TAIL 0x2f746d702full /* "/tmp/" as the last five bytes emitted */

/* A line an asked-first baseline was asked about. */
enum { Q_PENDING, Q_FOUND /* by the settle under way */, Q_PRESENT, Q_ABSENT };
enum { S_NONE, S_SCAN /* lines with a literal checked */, S_WHOLE /* every line hashed */ };
#define Q_RUNS 5 /* letter runs of a question kept: its literal and the next longest */
struct query {
    uint64_t h;           /* of the normal form */
    unsigned char state;  /* Q_* */
    unsigned char nruns;  /* 0: no letter in it */
    unsigned char lit;    /* the run the settle scans for: the longest, or the rarest in a sample */
    size_t run[Q_RUNS], runlen[Q_RUNS]; /* in qlits, longest first */
};

/* A part of a settle: whole lines of the baseline, in order, fed from one
 * thread; the settle's own (serial feeds) or one of
 * classify_baseline_settle_part's. It only reads the baseline's questions
 * and literals, so parts run side by side. */
struct classify_baseline_part {
    struct classify_baseline *b;
#ifdef HAVE_HYPERSCAN
    hs_scratch_t *scratch;
#endif
    unsigned char *found;          /* per question: its line seen here */
    char carry[CLASSIFY_TEXT_MAX]; /* the start of a line split across chunks */
    size_t ncarry, carried;
    size_t lines;                  /* newlines seen */
    bool ends_open;                /* the last byte fed was not a newline */
};

struct classify_baseline {
    uint64_t *slots; /* open addressing; 0 = empty */
    size_t cap, count;
    size_t lines;
    char carry[CLASSIFY_TEXT_MAX]; /* the start of a line split across chunks */
    size_t ncarry, carried;        /* bytes kept; bytes of that line seen */
    /* asked-first (deferred): the questions, and a settle under way */
    bool deferred;
    bool finished;
    bool ends_open;  /* bytes were fed and the last was not a newline */
    bool counting;   /* the settle under way counts the lines (not fed before) */
    int settling;    /* S_* */
    bool chosen;     /* the settle's literals are final (no more samples) */
    bool sampled;    /* samples were taken (or offered) in this settle */
    struct classify_baseline_part *own; /* the serial feeds' part */
#ifdef HAVE_HYPERSCAN
    hs_database_t *db;      /* the literals (each part has its scratch) */
    hs_database_t *sdb;     /* every kept run of the pending questions (samples) */
    hs_scratch_t *sscratch;
    size_t *sid;            /* per question and run (Q_RUNS each): its id in sdb */
    size_t *shits, nsruns;  /* hits per sdb id in the samples */
#endif
    const char **lits; /* the pending questions' distinct literals */
    size_t *litlens, nlits;
    size_t *lit_qs, *lit_first; /* pending_literals */
    struct query *qs;
    size_t nq, capq;
    uint32_t *qslots; /* query index + 1 by hash; 0 = empty */
    size_t qcap;
    char *qlits;      /* the queries' literals, back to back */
    size_t nqlits, capqlits;
    size_t npending;  /* queries answered "no" without knowing */
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

/* The hash of a normal form of n bytes (n > 0); never 0. */
static uint64_t norm_hash(const unsigned char *norm, size_t n)
{
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

/* The hash of a line's normal form; 0: nothing in the line. norm: room
 * for CLASSIFY_TEXT_MAX + 8 bytes, *nlen gets the normal form's length. */
static uint64_t line_hash_in(const char *str, size_t len, unsigned char *norm, size_t *nlen)
{
    if (len > CLASSIFY_TEXT_MAX) len = CLASSIFY_TEXT_MAX; /* findings keep this much */
    size_t n = normalise((const unsigned char *)str, len, norm);
    *nlen = n;
    return n ? norm_hash(norm, n) : 0;
}

static uint64_t line_hash(const char *str, size_t len)
{
    unsigned char norm[CLASSIFY_TEXT_MAX + 8];
    size_t n;
    return line_hash_in(str, len, norm, &n);
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

static bool set_has(const struct classify_baseline *b, uint64_t h)
{
    if (!b->cap) return false;
    size_t j = (size_t)(h & (b->cap - 1));
    while (b->slots[j]) {
        if (b->slots[j] == h) return true;
        j = (j + 1) & (b->cap - 1);
    }
    return false;
}

struct classify_baseline *classify_baseline_new(void)
{
    classes_init();
    return xcalloc(1, sizeof(struct classify_baseline));
}

struct classify_baseline *classify_baseline_new_deferred(void)
{
    struct classify_baseline *b = classify_baseline_new();
    b->deferred = true;
    return b;
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

/* Appends the start of a chunk (*pp, len bytes) to the line carried over
 * from the previous chunk, up to the carry's size. True when the line ended
 * in this chunk (*pp then points past its newline); false when the whole
 * chunk was part of it. */
static bool carry_rest(struct classify_baseline *b, const char **pp, size_t len)
{
    const char *p = *pp, *nl = memchr(p, '\n', len);
    size_t n = nl ? (size_t)(nl - p) : len;
    size_t room = sizeof b->carry - b->ncarry, take = n < room ? n : room;
    memcpy(b->carry + b->ncarry, p, take);
    b->ncarry += take;
    b->carried += n;
    if (!nl) return false;
    *pp = nl + 1;
    return true;
}

static void whole_feed(struct classify_baseline *b, const void *bytes, size_t len)
{
    const char *p = bytes, *end = p + len;
    struct batch q = {.n = 0};
    if (b->carried) { /* the rest of a line split across chunks */
        if (!carry_rest(b, &p, len)) return;
        add_line(b, &q, b->carry, b->ncarry);
        b->ncarry = b->carried = 0;
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

static void whole_finish(struct classify_baseline *b)
{
    if (b->carried == 0) return;
    struct batch q = {.n = 0};
    add_line(b, &q, b->carry, b->ncarry);
    batch_flush(b, &q);
    b->ncarry = b->carried = 0;
}

void classify_baseline_feed(struct classify_baseline *b, const void *bytes, size_t len)
{
    if (b->deferred) { /* lines counted, nothing else until asked */
        if (!len) return;
        b->lines += classify_count_newlines(bytes, len);
        b->ends_open = ((const char *)bytes)[len - 1] != '\n';
        return;
    }
    whole_feed(b, bytes, len);
}

void classify_baseline_finish(struct classify_baseline *b)
{
    if (b->deferred) {
        if (!b->finished && b->ends_open) b->lines++; /* a last line without newline */
        b->finished = true;
        return;
    }
    b->finished = true;
    whole_finish(b);
}

/* ---- asked-first baselines ---------------------------------------------- */

static struct query *query_find(const struct classify_baseline *b, uint64_t h)
{
    if (!b->qcap) return NULL;
    for (size_t j = (size_t)(h & (b->qcap - 1)); b->qslots[j]; j = (j + 1) & (b->qcap - 1))
        if (b->qs[b->qslots[j] - 1].h == h) return &b->qs[b->qslots[j] - 1];
    return NULL;
}

static void query_slot(struct classify_baseline *b, size_t k)
{
    size_t j = (size_t)(b->qs[k].h & (b->qcap - 1));
    while (b->qslots[j]) j = (j + 1) & (b->qcap - 1);
    b->qslots[j] = (uint32_t)(k + 1);
}

/* runs: where in norm, and how long (longest first) */
static void query_add(struct classify_baseline *b, uint64_t h, const unsigned char *norm, const size_t *at,
                      const size_t *len, size_t nruns)
{
    if ((b->nq + 1) * 2 > b->qcap) {
        free(b->qslots);
        b->qcap = b->qcap ? b->qcap * 2 : 64;
        b->qslots = xcalloc(b->qcap, sizeof *b->qslots);
        for (size_t k = 0; k < b->nq; k++) query_slot(b, k);
    }
    b->qs = xgrow(b->qs, &b->capq, b->nq + 1, sizeof *b->qs);
    struct query *q = &b->qs[b->nq];
    *q = (struct query){.h = h, .state = Q_PENDING, .nruns = (unsigned char)nruns};
    for (size_t i = 0; i < nruns; i++) {
        b->qlits = xgrow(b->qlits, &b->capqlits, b->nqlits + len[i] + 1, 1);
        memcpy(b->qlits + b->nqlits, norm + at[i], len[i]);
        q->run[i] = b->nqlits;
        q->runlen[i] = len[i];
        b->nqlits += len[i];
    }
    query_slot(b, b->nq++);
}

/* A question to an asked-first baseline: answered if settled before,
 * else recorded and answered "no" (classify_baseline_settle says whether
 * that was wrong). A line that normalises the same has every run of
 * letters of the normal form, byte for byte, in one of its words (masked
 * words, blanks, colour codes and what they separate never take part in a
 * run), so a baseline line without one of them is not a twin: the
 * longest is the literal the settle scans for, the next longest are
 * looked for in the lines it finds before they are normalised. */
static bool ask(struct classify_baseline *b, const char *line, size_t len)
{
    unsigned char norm[CLASSIFY_TEXT_MAX + 8];
    size_t n;
    uint64_t h = line_hash_in(line, len, norm, &n);
    if (!h) return false;
    const struct query *q = query_find(b, h);
    if (q) return q->state == Q_PRESENT;
    size_t at[Q_RUNS], rl[Q_RUNS], nr = 0;
    for (size_t i = 0; i < n;) {
        if (word_bits[norm[i]] != W_LETTER) {
            i++;
            continue;
        }
        size_t st = i;
        while (i < n && word_bits[norm[i]] == W_LETTER) i++;
        size_t l = i - st, k = nr;
        bool dup = false;
        for (size_t j = 0; j < nr && !dup; j++) dup = rl[j] == l && memcmp(norm + at[j], norm + st, l) == 0;
        if (dup) continue;
        while (k > 0 && rl[k - 1] < l) k--; /* kept longest first */
        if (k == Q_RUNS) continue;
        if (nr < Q_RUNS) nr++;
        memmove(at + k + 1, at + k, (nr - 1 - k) * sizeof *at);
        memmove(rl + k + 1, rl + k, (nr - 1 - k) * sizeof *rl);
        at[k] = st;
        rl[k] = l;
    }
    query_add(b, h, norm, at, rl, nr);
    b->npending++;
    return false;
}

/* A baseline line: if it normalises to a question, this part has seen
 * it (only the parts' own memory is written while they run). */
static void check_line(struct classify_baseline_part *pt, const char *s, size_t n)
{
    const struct classify_baseline *b = pt->b;
    uint64_t h = line_hash(s, n);
    const struct query *q = h ? query_find(b, h) : NULL;
    if (q) pt->found[q - b->qs] = 1;
}

/* Whether a baseline line may be the twin of a pending question with
 * literal id: it holds every other letter run kept of one of them. */
static bool may_be_twin(const struct classify_baseline_part *pt, size_t id, const char *ls, size_t n)
{
    const struct classify_baseline *b = pt->b;
    if (b->lit_first[id + 1] - b->lit_first[id] > 16) return true; /* normalising costs less */
    for (size_t k = b->lit_first[id]; k < b->lit_first[id + 1]; k++) {
        size_t qi = b->lit_qs[k];
        const struct query *q = &b->qs[qi];
        if (pt->found[qi]) continue;
        size_t r = 0;
        while (r < q->nruns && (r == q->lit || memmem(ls, n, b->qlits + q->run[r], q->runlen[r]))) r++;
        if (r == q->nruns) return true;
    }
    return false;
}

/* A hit of literal id at `at`, in whole lines [lo, hi). *ls, *le: the
 * line last looked at, *hashed: whether it was checked (a line is
 * normalised once, whatever its hits). */
static void on_hit(struct classify_baseline_part *pt, size_t id, const char *lo, const char *hi, const char *at,
                   const char **ls, const char **le, bool *hashed)
{
    if (at >= *le) { /* a new line */
        const char *s = at > lo ? memrchr(lo, '\n', (size_t)(at - lo)) : NULL;
        const char *e = memchr(at, '\n', (size_t)(hi - at));
        *ls = s ? s + 1 : lo;
        *le = e ? e : hi;
        *hashed = false;
    }
    /* only a line's first CLASSIFY_TEXT_MAX bytes are normalised: a hit
     * past them is no twin's, and the runs are looked for there only (a
     * huge line full of a literal costs one pass, not one per hit) */
    size_t n = (size_t)(*le - *ls);
    if (n > CLASSIFY_TEXT_MAX) n = CLASSIFY_TEXT_MAX;
    if (*hashed || at >= *ls + n || !may_be_twin(pt, id, *ls, n)) return;
    check_line(pt, *ls, (size_t)(*le - *ls));
    *hashed = true;
}

/* The bytes of question qi's run r */
static const char *run_at(const struct classify_baseline *b, size_t qi, size_t r, size_t *len)
{
    *len = b->qs[qi].runlen[r];
    return b->qlits + b->qs[qi].run[r];
}

/* Runs named qi * Q_RUNS + r, by their bytes */
static int qrun_cmp(const void *x, const void *y, void *ud)
{
    const struct classify_baseline *b = ud;
    size_t u = *(const size_t *)x, v = *(const size_t *)y, lu, lv;
    const char *p = run_at(b, u / Q_RUNS, u % Q_RUNS, &lu), *q = run_at(b, v / Q_RUNS, v % Q_RUNS, &lv);
    if (lu != lv) return lu < lv ? -1 : 1;
    return memcmp(p, q, lu);
}

/* The distinct literals of the pending questions (pointers into qlits,
 * which do not move while settling), and for each the questions that
 * have it: lit_qs[lit_first[i] .. lit_first[i + 1]). */
static void pending_literals(struct classify_baseline *b)
{
    free(b->lits);
    free(b->litlens);
    free(b->lit_qs);
    free(b->lit_first);
    size_t m = 0;
    size_t *e = xcalloc(b->nq ? b->nq : 1, sizeof *e); /* question * Q_RUNS + its literal's run */
    for (size_t k = 0; k < b->nq; k++)
        if (b->qs[k].state == Q_PENDING) e[m++] = k * Q_RUNS + b->qs[k].lit;
    qsort_r(e, m, sizeof *e, qrun_cmp, b);
    b->lit_qs = xcalloc(m ? m : 1, sizeof *b->lit_qs);
    b->lits = xcalloc(m ? m : 1, sizeof *b->lits);
    b->litlens = xcalloc(m ? m : 1, sizeof *b->litlens);
    b->lit_first = xcalloc(m + 1, sizeof *b->lit_first);
    b->nlits = 0;
    for (size_t i = 0; i < m; i++) {
        b->lit_qs[i] = e[i] / Q_RUNS;
        if (i && qrun_cmp(&e[i], &e[i - 1], b) == 0) continue;
        b->lit_first[b->nlits] = i;
        b->lits[b->nlits] = run_at(b, e[i] / Q_RUNS, e[i] % Q_RUNS, &b->litlens[b->nlits]);
        b->nlits++;
    }
    b->lit_first[b->nlits] = m;
    free(e);
}

#define SCAN_PIECE ((size_t)64 << 20) /* bytes a scan call takes (ends at a line end) */
#define MAX_LITS 100000               /* more: every line is hashed instead */

#ifdef HAVE_HYPERSCAN
/* Every whole line of [lo, hi) checked: the literals could not be compiled. */
static void lines_check(struct classify_baseline_part *pt, const char *lo, const char *hi)
{
    while (lo < hi) {
        const char *nl = memchr(lo, '\n', (size_t)(hi - lo)), *e = nl ? nl : hi;
        check_line(pt, lo, (size_t)(e - lo));
        lo = e + 1;
    }
}

struct piece {
    struct classify_baseline_part *pt;
    const char *lo, *hi;
    const char *ls, *le; /* the line of the last hit */
    bool hashed;
};

static int on_literal(unsigned int id, unsigned long long from, unsigned long long to,
                      unsigned int flags, void *ctx)
{
    (void)from, (void)flags;
    struct piece *p = ctx;
    on_hit(p->pt, id, p->lo, p->hi, p->lo + to - 1, &p->ls, &p->le, &p->hashed);
    return 0;
}

/* A literal database (ids: the index); NULL if it cannot be built. */
static hs_database_t *lits_db(const char *const *lits, const size_t *lens, size_t n)
{
    if (!n || n > MAX_LITS * Q_RUNS) return NULL;
    hs_compile_error_t *cerr = NULL;
    hs_database_t *db = NULL;
    unsigned *ids = xcalloc(n, sizeof *ids);
    for (size_t i = 0; i < n; i++) ids[i] = (unsigned)i;
    if (hs_compile_lit_multi(lits, NULL, ids, lens, (unsigned)n, HS_MODE_BLOCK, NULL, &db, &cerr) != HS_SUCCESS) {
        hs_free_compile_error(cerr);
        db = NULL;
    }
    free(ids);
    return db;
}

static bool literals_fit(const struct classify_baseline *b) { return b->nlits <= MAX_LITS; }

/* The scan's database for the literals; false: every line is checked. */
static bool literals_compile(struct classify_baseline *b)
{
    b->db = lits_db(b->lits, b->litlens, b->nlits);
    return b->db != NULL;
}

static void literals_free(struct classify_baseline *b)
{
    hs_free_database(b->db);
    hs_free_scratch(b->sscratch);
    hs_free_database(b->sdb);
    free(b->sid);
    free(b->shits);
    b->db = b->sdb = NULL;
    b->sscratch = NULL;
    b->sid = b->shits = NULL;
    b->nsruns = 0;
}

/* Its scratch for the scan; none: every line checked (literals_scan). */
static void part_scratch(struct classify_baseline_part *pt)
{
    if (pt->b->db && hs_alloc_scratch(pt->b->db, &pt->scratch) != HS_SUCCESS) pt->scratch = NULL;
}

static void part_scratch_free(struct classify_baseline_part *pt) { hs_free_scratch(pt->scratch); }

/* Whole lines [lo, hi): those holding a literal are checked. */
static void literals_scan(struct classify_baseline_part *pt, const char *lo, const char *hi)
{
    const struct classify_baseline *b = pt->b;
    if (!b->nlits) return; /* only counting */
    if (!b->db || !pt->scratch) {
        lines_check(pt, lo, hi);
        return;
    }
    while (lo < hi) {
        const char *end = hi;
        if ((size_t)(hi - lo) > SCAN_PIECE) {
            const char *nl = memchr(lo + SCAN_PIECE, '\n', (size_t)(hi - lo) - SCAN_PIECE);
            end = nl ? nl + 1 : hi;
        }
        struct piece p = {pt, lo, end, lo, lo, false};
        hs_scan(b->db, lo, (unsigned)(end - lo), 0, pt->scratch, on_literal, &p);
        lo = end;
    }
}

/* ---- choosing the literals from samples ----------------------------------
 * A literal costs the scan by its last bytes, more than by its hits:
 * Hyperscan's literal matcher (Teddy) looks for the last three bytes of
 * each and confirms the rest, so "code" in a log full of "node_modules",
 * or "rejected" among "deprecated" warnings, costs as much as reading the
 * file again. Samples of the baseline count each kept run's last bytes;
 * each question then scans for the run whose ending is rarest (the longest
 * among equals). Any run is as good a filter for the result: a twin holds
 * them all. */
#define MAX_SAMPLE_RUNS 4096 /* more: the longest runs, unsampled */
#define SUFFIX 3             /* the bytes counted */

/* The last SUFFIX bytes of run e (qi * Q_RUNS + r), or all of a shorter one */
static const char *suffix_of(const struct classify_baseline *b, size_t e, size_t *len)
{
    size_t n;
    const char *p = run_at(b, e / Q_RUNS, e % Q_RUNS, &n);
    *len = n < SUFFIX ? n : SUFFIX;
    return p + n - *len;
}

static int suffix_cmp(const void *x, const void *y, void *ud)
{
    size_t lu, lv;
    const char *p = suffix_of(ud, *(const size_t *)x, &lu), *q = suffix_of(ud, *(const size_t *)y, &lv);
    if (lu != lv) return lu < lv ? -1 : 1;
    return memcmp(p, q, lu);
}

static int on_sample(unsigned int id, unsigned long long from, unsigned long long to, unsigned int flags,
                     void *ctx)
{
    (void)from, (void)to, (void)flags;
    ((size_t *)ctx)[id]++;
    return 0;
}

/* The sample database: the endings of every kept run of the pending
 * questions. */
static bool sample_compile(struct classify_baseline *b)
{
    size_t m = 0;
    size_t *e = xcalloc(b->nq * Q_RUNS + 1, sizeof *e);
    for (size_t k = 0; k < b->nq; k++)
        for (size_t r = 0; b->qs[k].state == Q_PENDING && r < b->qs[k].nruns; r++) e[m++] = k * Q_RUNS + r;
    qsort_r(e, m, sizeof *e, suffix_cmp, b);
    const char **lits = xcalloc(m + 1, sizeof *lits);
    size_t *lens = xcalloc(m + 1, sizeof *lens), n = 0;
    b->sid = xcalloc(b->nq * Q_RUNS + 1, sizeof *b->sid);
    for (size_t i = 0; i < m; i++) {
        if (!(i && suffix_cmp(&e[i], &e[i - 1], b) == 0)) {
            lits[n] = suffix_of(b, e[i], &lens[n]);
            n++;
        }
        b->sid[e[i]] = n - 1;
    }
    if (n <= MAX_SAMPLE_RUNS) b->sdb = lits_db(lits, lens, n);
    free(lits);
    free(lens);
    free(e);
    if (b->sdb && hs_alloc_scratch(b->sdb, &b->sscratch) != HS_SUCCESS) {
        hs_free_database(b->sdb);
        b->sdb = NULL;
    }
    if (!b->sdb) return false;
    b->nsruns = n;
    b->shits = xcalloc(n, sizeof *b->shits);
    return true;
}

void classify_baseline_settle_sample(struct classify_baseline *b, const void *bytes, size_t n)
{
    if (!b || b->settling != S_SCAN || b->chosen || !b->nlits) return;
    b->sampled = true;
    if (!b->sdb && (b->sid || !sample_compile(b))) return; /* sid without sdb: could not be built */
    for (const char *p = bytes; n > 0;) {
        size_t k = n < SCAN_PIECE ? n : SCAN_PIECE;
        hs_scan(b->sdb, p, (unsigned)k, 0, b->sscratch, on_sample, b->shits);
        p += k;
        n -= k;
    }
}

/* Each pending question's run with the rarest ending in the samples, if
 * any were taken. */
static void choose_from_samples(struct classify_baseline *b)
{
    if (!b->sdb) return;
    for (size_t k = 0; k < b->nq; k++) {
        struct query *q = &b->qs[k];
        if (q->state != Q_PENDING) continue;
        for (size_t r = 1; r < q->nruns; r++)
            if (b->shits[b->sid[k * Q_RUNS + r]] < b->shits[b->sid[k * Q_RUNS + q->lit]]) q->lit = (unsigned char)r;
    }
    pending_literals(b);
}
#else
/* Without Hyperscan: memmem for each literal, when there are few. */
static bool literals_fit(const struct classify_baseline *b) { return b->nlits <= 8; }
static bool literals_compile(struct classify_baseline *b) { return literals_fit(b); }
static void literals_free(struct classify_baseline *b) { (void)b; }
static void part_scratch(struct classify_baseline_part *pt) { (void)pt; }
static void part_scratch_free(struct classify_baseline_part *pt) { (void)pt; }
static void choose_from_samples(struct classify_baseline *b) { (void)b; }
void classify_baseline_settle_sample(struct classify_baseline *b, const void *bytes, size_t n)
{
    if (b) b->sampled = true;
    (void)bytes, (void)n;
}

static void literals_scan(struct classify_baseline_part *pt, const char *lo, const char *hi)
{
    const struct classify_baseline *b = pt->b;
    for (size_t i = 0; i < b->nlits; i++) {
        const char *ls = lo, *le = lo;
        bool hashed = false;
        for (const char *at = lo, *f; at < hi && (f = memmem(at, (size_t)(hi - at), b->lits[i], b->litlens[i]));
             at = f + 1)
            on_hit(pt, i, lo, hi, f, &ls, &le, &hashed);
    }
}
#endif

bool classify_baseline_settled(const struct classify_baseline *b)
{
    return !b || !b->deferred || (!b->npending && b->finished);
}

bool classify_baseline_settle_begin(struct classify_baseline *b, bool whole)
{
    if (!b || !b->deferred || b->settling) return false;
    if (!whole && classify_baseline_settled(b)) return false; /* nothing to settle */
    b->counting = !b->finished; /* not read before: its lines are counted now */
    if (b->counting) b->lines = 0, b->ends_open = false;
    for (size_t k = 0; k < b->nq && !whole; k++)
        whole = b->qs[k].state == Q_PENDING && b->qs[k].nruns == 0; /* nothing to look for */
    b->ncarry = b->carried = 0;
    if (!whole) {
        for (size_t k = 0; k < b->nq; k++) b->qs[k].lit = 0; /* the longest, unless samples say */
        pending_literals(b);
        if (literals_fit(b)) {
            b->settling = S_SCAN;
            b->chosen = b->sampled = false;
            return true;
        }
    }
    /* every line hashed: the baseline is whole after this */
    b->settling = S_WHOLE;
    b->lines = 0; /* counted again as the lines go */
    return true;
}

/* The literals final (from the samples, if any) and compiled: before the
 * first part. */
static void literals_ready(struct classify_baseline *b)
{
    if (b->chosen) return;
    b->chosen = true;
    choose_from_samples(b);
    (void)literals_compile(b); /* if not, literals_scan checks every line */
}

struct classify_baseline_part *classify_baseline_settle_part(struct classify_baseline *b)
{
    if (!b || b->settling != S_SCAN) return NULL;
    literals_ready(b);
    struct classify_baseline_part *pt = xcalloc(1, sizeof *pt);
    pt->b = b;
    pt->found = xcalloc(b->nq ? b->nq : 1, 1);
    part_scratch(pt);
    return pt;
}

void classify_baseline_part_feed(struct classify_baseline_part *pt, const void *bytes, size_t len)
{
    if (!pt || !len) return;
    if (pt->b->counting) {
        pt->lines += classify_count_newlines(bytes, len);
        pt->ends_open = ((const char *)bytes)[len - 1] != '\n';
    }
    const char *p = bytes, *end = p + len;
    if (pt->carried) { /* the rest of a line split across chunks: checked whole */
        const char *nl = memchr(p, '\n', len);
        size_t n = nl ? (size_t)(nl - p) : len;
        size_t room = sizeof pt->carry - pt->ncarry, take = n < room ? n : room;
        memcpy(pt->carry + pt->ncarry, p, take);
        pt->ncarry += take;
        pt->carried += n;
        if (!nl) return;
        p = nl + 1;
        check_line(pt, pt->carry, pt->ncarry);
        pt->ncarry = pt->carried = 0;
    }
    const char *last = p < end ? memrchr(p, '\n', (size_t)(end - p)) : NULL;
    const char *ls = last ? last + 1 : p; /* the start of the last line, maybe split */
    if (ls > p) literals_scan(pt, p, ls);
    if (ls < end) {
        size_t rest = (size_t)(end - ls), take = rest < sizeof pt->carry ? rest : sizeof pt->carry;
        memcpy(pt->carry, ls, take);
        pt->ncarry = take;
        pt->carried = rest;
    }
}

void classify_baseline_part_end(struct classify_baseline_part *pt)
{
    if (!pt) return;
    struct classify_baseline *b = pt->b;
    if (pt->carried) check_line(pt, pt->carry, pt->ncarry);
    for (size_t k = 0; k < b->nq; k++)
        if (pt->found[k] && b->qs[k].state == Q_PENDING) b->qs[k].state = Q_FOUND;
    if (b->counting) b->lines += pt->lines + (pt->ends_open ? 1 : 0); /* a last line without newline */
    part_scratch_free(pt);
    free(pt->found);
    free(pt);
}

void classify_baseline_settle_feed(struct classify_baseline *b, const void *bytes, size_t len)
{
    if (!b || !b->settling) return;
    if (b->settling == S_WHOLE) {
        whole_feed(b, bytes, len);
        return;
    }
    if (!b->own) {
        if (!b->sampled) classify_baseline_settle_sample(b, bytes, len); /* the first chunk: a sample */
        b->own = classify_baseline_settle_part(b);
    }
    classify_baseline_part_feed(b->own, bytes, len);
}

unsigned classify_baseline_settle_end_why(struct classify_baseline *b)
{
    if (!b || !b->settling) return 0;
    bool whole = b->settling == S_WHOLE;
    if (whole) {
        whole_finish(b);
        b->deferred = false;
    } else {
        classify_baseline_part_end(b->own);
        b->own = NULL;
        literals_free(b);
    }
    unsigned why = b->counting ? CLASSIFY_SETTLE_LINES : 0; /* the classification was told 0 lines */
    b->counting = false;
    b->finished = true;
    free(b->lits);
    free(b->litlens);
    free(b->lit_qs);
    free(b->lit_first);
    b->lits = NULL;
    b->litlens = NULL;
    b->lit_qs = b->lit_first = NULL;
    b->nlits = 0;
    b->settling = S_NONE;
    /* and a pending question answered "no" whose line is there */
    for (size_t k = 0; k < b->nq; k++) {
        struct query *q = &b->qs[k];
        if (q->state == Q_FOUND) q->state = Q_PRESENT;
        else if (q->state != Q_PENDING) continue;
        else q->state = whole && set_has(b, q->h) ? Q_PRESENT : Q_ABSENT;
        if (q->state == Q_PRESENT) why |= CLASSIFY_SETTLE_ANSWER;
    }
    b->npending = 0;
    return why;
}

bool classify_baseline_settle_end(struct classify_baseline *b) { return classify_baseline_settle_end_why(b) != 0; }

size_t classify_baseline_lines(const struct classify_baseline *b) { return b ? b->lines : 0; }

bool classify_baseline_has(const struct classify_baseline *b, const char *line, size_t len)
{
    if (!b || !line) return false;
    /* an asked-first baseline records the question: it is never const
     * (classify_baseline_new_deferred allocates it), only lent as such */
    if (b->deferred) return ask((struct classify_baseline *)b, line, len);
    if (!b->cap) return false;
    uint64_t h = line_hash(line, len);
    return h && set_has(b, h);
}

void classify_baseline_free(struct classify_baseline *b)
{
    if (!b) return;
    if (b->settling) classify_baseline_settle_end(b);
    free(b->slots);
    free(b->qs);
    free(b->qslots);
    free(b->qlits);
    free(b);
}
