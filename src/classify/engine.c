/* The streaming classifier: splits fed bytes into lines without copying
 * complete lines, runs the fast scanner over whole blocks of lines, confirms
 * candidate lines with PCRE2, records findings and markers, and ranks them
 * into a primary cause on snapshot/finish. */
#include "classify/internal.h"
#include "util/jsonutil.h"
#include "util/sanitize.h"
#include "util/xalloc.h"
#include <limits.h>
#include <stdatomic.h>
#include <stddef.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define FEED_SLICE (16u * 1024 * 1024) /* largest block handed to the scanner */
#define PAR_MIN (512u * 1024) /* blocks from this size scan on two threads */
#define MAX_FINDINGS 4096
#define MAX_PER_RULE 16
#define MAX_PENDING 256
#define STRONG 50     /* weight from which a finding is a cause */
#define WEAK 30       /* weight from which a finding may name a class alone */
#define MARGIN 20     /* findings this close to the strongest compete by time */
#define BLOCK_SPAN 6  /* a cause printed as a block starts at most this far up */
#define RETRY_SPAN 3  /* a bare retry line covers the failure this far up */
#define MAX_CMDS 65536  /* runner commands remembered */
#define RERUN_LOOK 1024 /* later commands searched for a re-run of one */
#define SCRIPT_SPAN 400 /* lines a step's echoed script may take */
#define JOB_STEP_MAX 160 /* bytes gh run view's job and step columns may take */

struct hit {
    size_t end;
    int k; /* scan pattern, -1 = unknown (fallback scanner) */
};

struct cut {
    size_t at;      /* position in the stripped text */
    size_t removed; /* bytes cut before it, in all */
};

/* Where strip_ansi cut bytes (a list, or a piece's stretch of one). */
struct cutlist {
    struct cut *v;
    size_t n, cap;
};

/* One piece of a block scanned by a lane (scan_hs): whole lines of the
 * block from `start` (the piece's bytes lie in [start, next piece's
 * start)); stripped of colour and NULs when it held any, into the
 * context's strip buffer at the same offset (it only gets shorter). */
struct piece {
    size_t start, len; /* len: the bytes scanned (after stripping) */
    size_t nl;         /* its newlines */
    int lane;          /* whose hit and cut lists hold its ones */
    size_t hit0, hit1; /* its hits in the lane's list (ends count from the block's start) */
    size_t cut0, cut1; /* its cuts in the lane's list (at: from the piece's start) */
    bool stripped;
};

struct mask_edit {
    size_t at;
    char was;
};

struct mask_edits {
    struct mask_edit *v;
    size_t n, cap;
};

struct frec {
    struct classify_finding f;
    int rule; /* -1 = built-in signal table or caller */
};

/* A command the agent runner started ("[command:started] <command>"): its
 * output lies between that line and "[command:completed]". */
struct cmdrec {
    int64_t line, end; /* end: the completed line, -1 while open */
    int64_t done;      /* its "[command:completed] <command> [(exit N)]" line: an
                        * echo with nothing of the result in it; -1 if none */
    uint64_t hash;     /* of the command text */
    size_t len;        /* of the command text */
    bool search;       /* rg/grep/...: its output is file content */
    bool failed;       /* a failure marker inside it */
    char *text;        /* the command (at most CLASSIFY_TEXT_MAX bytes) */
};

/* A CI step: a runner's "##[group]Run <script>" (the script is echoed up to
 * "##[endgroup]") or a command echo ("$ make test", one line). Lines of
 * the echo are the script's text, not its output. */
struct steprec {
    int64_t line;       /* where the step starts */
    int64_t script_end; /* last line of the echoed script; -1 while open */
    bool kept_going;    /* it failed and the runner went on with the next command */
    int job;            /* index into the context's jobs, -1 when the log names none */
};

/* A job of a log that holds several: `gh run view --log` writes the job's
 * name in its first column and the jobs one after the other, each with its
 * own steps. A job that failed stops at its failing step; another job (a
 * gate that reports the first one's result, a matrix sibling) goes on in
 * its own time, so the order of the jobs in the file says nothing about
 * which failed first: the stamp of each job's first failed step does. */
#define JOB_STAMP_MAX 40
struct jobrec {
    char *name; /* the job column, owned */
    size_t len;
    char stamp[JOB_STAMP_MAX]; /* of its first @step-failed line; "" if none or no stamp */
    int64_t last_failed;       /* its last @step-failed line, -1 if none */
};

#define BLOCK_LINE_MAX 512 /* bytes of a line the model reads */
#define WINDOW_MAX 20 /* the model file's window is at most 20 */
/* Non-blank lines kept before a fallback block for its evidence line only
 * (the model does not read them): a message repeated until the run gave up,
 * or a failure whose details fill the block, shows first above it. */
#define EVID_BEFORE 20
#define TAIL_MAX (WINDOW_MAX + EVID_BEFORE)

/* The first failure line of a step, and a copy of its text. */
struct failmark {
    int64_t line, off;
    char *text;
    /* with a wording model: the block's text, the line and the ones after
     * it up to the model's window, gathered as they stream by */
    char *block;
    int64_t next; /* the next line block wants */
    /* a block that opened on a Python traceback's header: the frames under
     * it name files, the exception line that ends it names the failure.
     * tb_next is the next line to look at for that line (0: not looking) */
    int64_t tb_next;
    size_t tb_indent; /* the blanks before the header's text */
    /* the header, once the block moved to the exception line: a block that
     * stays unknown points at it (the first failure line) */
    int64_t head_line, head_off;
    char *head_text;
    /* with a wording model, for a bare failure line (no block of its own):
     * the non-blank lines before it, up to the window and EVID_BEFORE more,
     * joined by '\n'; the model reads the last nbefore - nctx of them */
    bool want_before;
    char *before;
    int64_t before_line, before_off; /* the first line the model reads */
    /* each of them (the evidence is the one that first reads like the class) */
    int nbefore, nctx;
    int64_t before_ln[TAIL_MAX], before_of[TAIL_MAX];
};

/* One of the last non-blank lines of the log, kept for the wording model
 * when neither a rule nor the locator finds anything: a failure with no
 * failure line at all still ends with its message. */
struct tailline {
    int64_t line, off;
    char *text; /* at most BLOCK_LINE_MAX bytes, NULs as spaces */
};

struct pending {
    int rule;
    int64_t line, offset;
    unsigned flags;
    char *text;
};

struct classify_ctx {
    const struct classify_rules *rs;
    enum classify_outcome outcome;
    pcre2_match_data *md;
    /* match and depth limits: a catastrophic (user) pattern gives up on
     * that line instead of taking seconds per line */
    pcre2_match_context *mctx;
    bool *limited;           /* by rule: already reported */
    struct buf limit_notes;  /* one line per rule that hit a limit */
#ifdef HAVE_HYPERSCAN
    hs_scratch_t *scratch;
    hs_scratch_t *scratch2; /* for the helper thread's pieces of a large block */
    struct hit *lhits[2];   /* each lane's hits, piece after piece */
    size_t nlhits[2], caplhits[2];
    struct cutlist lcuts[2]; /* each lane's cuts, piece after piece */
    bool par_off;
    struct helper *helper; /* started with the first large block, ended by classify_free */
#endif
    struct buf carry;        /* the current unterminated line (capped) */
    int64_t carry_off;       /* stream offset of carry.p[0] */
    int64_t carry_line_off;  /* stream offset of the line carry belongs to */
    bool carry_cont;         /* carry continues a line already scanned in part */
    int64_t lines;           /* complete lines so far */
    int64_t bytes;
    struct hit *hits;
    size_t nhits, caphits;
    struct buf strip;
    struct buf mask, mask2; /* a masked copy of a piece of the caller's block (each lane) */
    struct mask_edits medits, medits2; /* bytes mask_lines changed (each half), to restore */
    /* newlines before every NL_CK-th byte of the block, counted by
     * mask_lines on its way: a hit's line number comes from the nearest
     * checkpoint, not from a count over the whole block */
    uint32_t *nlck;
    size_t capnlck;
    struct piece *pieces; /* the block's pieces (scan_hs) */
    size_t cappieces;
    size_t *pstarts; /* where they start (classify_piece_starts) */
    size_t cappstarts;
    struct cutlist cuts; /* where strip_ansi cut a block (the fallback scanner's) */
    uint32_t *rule_epoch;
    uint32_t *pat_epoch; /* by scan pattern: hit on the line being evaluated */
    bool all_pats;       /* a fallback hit: every pattern is a candidate */
    size_t mfrom, mto;   /* where rule_matches' matching pattern matched */
    uint32_t epoch;
    /* by gated pattern (classify_rules.gated): the last line a near hit of
     * an earlier block reaches, so the next block tries it up to there */
    int64_t gate_until[CLASSIFY_GATE_MAX];
    int64_t *near_last;
    int64_t *rule_last_line;
    uint32_t *rule_count;
    int *cand;
    struct pending *pend;
    size_t npend, cappend;
    struct frec *fs;
    size_t nfs, capfs;
    int64_t mark_first[MARK_COUNT], mark_last[MARK_COUNT];
    struct cmdrec *cmds;
    size_t ncmds, capcmds;
    int64_t fail_off;
    char *fail_text;
    char *fail_rule;
    struct steprec *steps;
    size_t nsteps, capsteps;
    struct jobrec *jobs;
    size_t njobs, capjobs;
    int dec_job; /* the job whose failing step decides (dec_fail, dec_block), -1 if none */
    bool dec_here; /* the last @step-failed was in the job that decides */
    const struct classify_baseline *baseline; /* borrowed, or NULL */
    int64_t fail_line;         /* line of fail_text */
    struct failmark step_fail; /* the first failure line of the current step */
    struct failmark dec_fail;  /* ... of the step the last @step-failed ended */
    struct failmark step_block, dec_block, first_block; /* the same for @error-block */
    struct failmark first_fail; /* the line of fail_text, for the lines before it */
    struct tailline tail[TAIL_MAX]; /* the last non-blank lines, oldest first (model only) */
    int ntail;
    int64_t hunk_line, hunk_end; /* the last diff hunk header and its last possible line */
    bool sig_failure, sig_success;
    bool finished;
};

#ifdef HAVE_HYPERSCAN
/* The context's helper thread: it scans pieces of large blocks beside the
 * caller's thread. Started once and kept (waiting on a condition) until
 * classify_free: a thread started per block costs more than the scan of
 * a piece on this machine class (clone, then waking another CPU). */
struct helper {
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t go, done;
    void (*fn)(void *);
    void *arg;
    bool busy, quit;
};

static void *helper_main(void *arg)
{
    struct helper *h = arg;
    pthread_mutex_lock(&h->mu);
    for (;;) {
        while (!h->busy && !h->quit) pthread_cond_wait(&h->go, &h->mu);
        if (!h->busy) break; /* quit, and nothing left to do */
        pthread_mutex_unlock(&h->mu);
        h->fn(h->arg);
        pthread_mutex_lock(&h->mu);
        h->busy = false;
        pthread_cond_signal(&h->done);
    }
    pthread_mutex_unlock(&h->mu);
    return NULL;
}

/* NULL if no thread can be started (the caller then works alone). */
static struct helper *helper_start(void)
{
    struct helper *h = xcalloc(1, sizeof *h);
    if (pthread_mutex_init(&h->mu, NULL) != 0) goto no_mu;
    if (pthread_cond_init(&h->go, NULL) != 0) goto no_go;
    if (pthread_cond_init(&h->done, NULL) != 0) goto no_done;
    if (pthread_create(&h->th, NULL, helper_main, h) != 0) goto no_thread;
    return h;
no_thread:
    pthread_cond_destroy(&h->done);
no_done:
    pthread_cond_destroy(&h->go);
no_go:
    pthread_mutex_destroy(&h->mu);
no_mu:
    free(h);
    return NULL;
}

/* Runs fn(arg) on the helper; helper_wait waits for it to return. */
static void helper_post(struct helper *h, void (*fn)(void *), void *arg)
{
    pthread_mutex_lock(&h->mu);
    h->fn = fn;
    h->arg = arg;
    h->busy = true;
    pthread_cond_signal(&h->go);
    pthread_mutex_unlock(&h->mu);
}

static void helper_wait(struct helper *h)
{
    pthread_mutex_lock(&h->mu);
    while (h->busy) pthread_cond_wait(&h->done, &h->mu);
    pthread_mutex_unlock(&h->mu);
}

static void helper_end(struct helper *h)
{
    if (!h) return;
    pthread_mutex_lock(&h->mu);
    h->quit = true;
    pthread_cond_signal(&h->go);
    pthread_mutex_unlock(&h->mu);
    pthread_join(h->th, NULL);
    pthread_cond_destroy(&h->done);
    pthread_cond_destroy(&h->go);
    pthread_mutex_destroy(&h->mu);
    free(h);
}
#endif

/* ---- newline counting --------------------------------------------------- */

#if defined(__SSE2__)
/* Sums newline matches per byte lane with psadbw: no popcount needed. */
static size_t count_sse2(const unsigned char *s, size_t n, size_t *done)
{
    const __m128i nl = _mm_set1_epi8('\n');
    const __m128i zero = _mm_setzero_si128();
    size_t count = 0, i = 0;
    while (i + 16 <= n) {
        __m128i acc = _mm_setzero_si128();
        /* at most 255 rounds before a byte lane could overflow */
        size_t rounds = (n - i) / 16;
        if (rounds > 255) rounds = 255;
        for (size_t r = 0; r < rounds; r++, i += 16)
            acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(s + i)), nl));
        __m128i sum = _mm_sad_epu8(acc, zero);
        count += (size_t)_mm_cvtsi128_si32(sum) + (size_t)_mm_cvtsi128_si32(_mm_srli_si128(sum, 8));
    }
    *done = i;
    return count;
}
#endif

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_COUNT_AVX2 1
/* As count_sse2, 32 bytes a step: twice as fast where the bytes are in
 * cache (a settle counts a baseline's lines as it scans it). */
__attribute__((target("avx2"))) static size_t count_avx2(const unsigned char *s, size_t n, size_t *done)
{
    const __m256i nl = _mm256_set1_epi8('\n');
    const __m256i zero = _mm256_setzero_si256();
    size_t count = 0, i = 0;
    while (i + 32 <= n) {
        __m256i acc = _mm256_setzero_si256();
        size_t rounds = (n - i) / 32;
        if (rounds > 255) rounds = 255;
        for (size_t r = 0; r < rounds; r++, i += 32)
            acc = _mm256_sub_epi8(acc, _mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(s + i)), nl));
        __m256i sum = _mm256_sad_epu8(acc, zero);
        count += (size_t)_mm256_extract_epi64(sum, 0) + (size_t)_mm256_extract_epi64(sum, 1) +
                 (size_t)_mm256_extract_epi64(sum, 2) + (size_t)_mm256_extract_epi64(sum, 3);
    }
    *done = i;
    return count;
}
#endif

size_t classify_count_newlines(const void *p, size_t n)
{
    const unsigned char *s = p;
    size_t count = 0, i = 0;
#if defined(HAVE_COUNT_AVX2)
    if (n >= 256 && __builtin_cpu_supports("avx2")) {
        count = count_avx2(s, n, &i);
        for (; i < n; i++) count += s[i] == '\n';
        return count;
    }
#endif
#if defined(__SSE2__)
    count = count_sse2(s, n, &i);
#else
    /* Portable SWAR: 8 bytes at a time; the high bit of each zero byte of
     * w ^ newlines marks a newline. */
    const uint64_t ones = 0x0101010101010101ULL, nlw = ones * '\n';
    while (i + 8 <= n) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        w ^= nlw;
        uint64_t z = ~(((w & 0x7f7f7f7f7f7f7f7fULL) + 0x7f7f7f7f7f7f7f7fULL) | w | 0x7f7f7f7f7f7f7f7fULL);
        z >>= 7; /* one bit per byte, at the bottom of each byte */
        count += (size_t)((z * ones) >> 56);
        i += 8;
    }
#endif
    for (; i < n; i++) count += s[i] == '\n';
    return count;
}

/* ---- context ------------------------------------------------------------ */

struct classify_ctx *classify_new(const struct classify_rules *rs, enum classify_outcome outcome)
{
    struct classify_ctx *c = xcalloc(1, sizeof *c);
    c->rs = rs;
    c->outcome = outcome;
    c->md = pcre2_match_data_create(rs->max_ovec ? rs->max_ovec : 1, NULL);
    if (!c->md) abort();
    c->mctx = pcre2_match_context_create(NULL);
    if (!c->mctx) abort();
    pcre2_set_match_limit(c->mctx, CLASSIFY_MATCH_LIMIT);
    pcre2_set_depth_limit(c->mctx, CLASSIFY_DEPTH_LIMIT);
    c->limited = xcalloc(rs->nrules ? rs->nrules : 1, sizeof *c->limited);
#ifdef HAVE_HYPERSCAN
    if (rs->use_hs && hs_clone_scratch(rs->scratch_proto, &c->scratch) != HS_SUCCESS) abort();
    const char *th = getenv("ARTRIAGE_CLASSIFY_THREADS");
    c->par_off = th && strcmp(th, "1") == 0;
#endif
    size_t n = rs->nrules ? rs->nrules : 1;
    c->rule_epoch = xcalloc(n, sizeof *c->rule_epoch);
    c->pat_epoch = xcalloc(rs->nscan ? rs->nscan : 1, sizeof *c->pat_epoch);
    c->near_last = xcalloc(n, sizeof *c->near_last);
    c->rule_last_line = xcalloc(n, sizeof *c->rule_last_line);
    c->rule_count = xcalloc(n, sizeof *c->rule_count);
    c->cand = xcalloc(n, sizeof *c->cand);
    for (size_t i = 0; i < n; i++) {
        c->near_last[i] = -1;
        c->rule_last_line[i] = -1;
    }
    for (int m = 0; m < MARK_COUNT; m++) c->mark_first[m] = c->mark_last[m] = -1;
    c->hunk_line = c->hunk_end = -1;
    c->fail_off = -1;
    c->step_fail.line = c->dec_fail.line = c->step_block.line = c->dec_block.line = c->first_block.line = -1;
    c->first_fail.line = -1;
    c->carry_line_off = -1;
    c->dec_job = -1;
    return c;
}

void classify_set_outcome(struct classify_ctx *c, enum classify_outcome outcome) { c->outcome = outcome; }

void classify_set_baseline(struct classify_ctx *c, const struct classify_baseline *b) { c->baseline = b; }

static void finding_free(struct classify_finding *f)
{
    free(f->class_id);
    free(f->rule_id);
    free(f->text);
    free(f->hint);
    free(f->source);
}

void classify_free(struct classify_ctx *c)
{
    if (!c) return;
    pcre2_match_data_free(c->md);
    pcre2_match_context_free(c->mctx);
    free(c->limited);
    buf_free(&c->limit_notes);
#ifdef HAVE_HYPERSCAN
    if (c->scratch) hs_free_scratch(c->scratch);
    helper_end(c->helper);
    if (c->scratch2) hs_free_scratch(c->scratch2);
    for (int l = 0; l < 2; l++) {
        free(c->lhits[l]);
        free(c->lcuts[l].v);
    }
#endif
    buf_free(&c->carry);
    buf_free(&c->strip);
    buf_free(&c->mask);
    buf_free(&c->mask2);
    free(c->medits.v);
    free(c->medits2.v);
    free(c->nlck);
    free(c->pieces);
    free(c->pstarts);
    free(c->cuts.v);
    free(c->hits);
    free(c->rule_epoch);
    free(c->pat_epoch);
    free(c->near_last);
    free(c->rule_last_line);
    free(c->rule_count);
    free(c->cand);
    for (size_t i = 0; i < c->npend; i++) free(c->pend[i].text);
    free(c->pend);
    for (size_t i = 0; i < c->nfs; i++) finding_free(&c->fs[i].f);
    free(c->fs);
    for (size_t i = 0; i < c->ncmds; i++) free(c->cmds[i].text);
    free(c->cmds);
    free(c->fail_text);
    free(c->fail_rule);
    free(c->steps);
    for (size_t i = 0; i < c->njobs; i++) free(c->jobs[i].name);
    free(c->jobs);
    free(c->step_fail.text);
    free(c->dec_fail.text);
    free(c->step_block.text);
    free(c->dec_block.text);
    free(c->first_block.text);
    free(c->step_fail.block);
    free(c->dec_fail.block);
    free(c->step_block.block);
    free(c->dec_block.block);
    free(c->first_block.block);
    free(c->step_block.head_text);
    free(c->dec_block.head_text);
    free(c->first_block.head_text);
    free(c->step_fail.before);
    free(c->dec_fail.before);
    free(c->first_fail.text);
    free(c->first_fail.before);
    for (int i = 0; i < c->ntail; i++) free(c->tail[i].text);
    free(c);
}

/* ---- recording ---------------------------------------------------------- */

/* Where a line a Windows shell wrote as UTF-16LE starts its code units, or
 * -1 for any other line. Such a log splits on the LF byte of "\n\0", so
 * each line but the first starts with the NUL left over; its ASCII text then
 * reads byte, NUL, byte, NUL. Most code units with a NUL high byte say
 * UTF-16LE; a stray NUL in UTF-8 text does not. */
static ptrdiff_t utf16le_start(const char *p, size_t n)
{
    size_t s = n && p[0] == 0 ? 1 : 0;
    size_t units = (n - s) / 2, ascii = 0;
    if (units == 0) return -1;
    for (size_t k = 0; k < units; k++) ascii += p[s + 2 * k + 1] == 0 && p[s + 2 * k] != 0;
    return ascii * 2 > units ? (ptrdiff_t)s : -1;
}

/* Decodes the code units of a UTF-16LE line from `s` into UTF-8: a byte
 * order mark and the CR of its CRLF go, a lone surrogate or a NUL becomes
 * U+FFFD. At most `max` bytes are written; the result is NUL-terminated. */
static char *utf16le_decode(const char *p, size_t n, size_t s, size_t max)
{
    size_t units = (n - s) / 2;
    char *out = xmalloc((units * 3 < max ? units * 3 : max) + 1), *o = out, *lim = out + max;
    const unsigned char *u = (const unsigned char *)p + s;
    if (units && u[units * 2 - 2] == '\r' && u[units * 2 - 1] == 0) units--;
    for (size_t k = 0; k < units; k++) {
        uint32_t cp = (uint32_t)u[2 * k] | (uint32_t)u[2 * k + 1] << 8;
        if (cp >= 0xd800 && cp <= 0xdbff && k + 1 < units) {
            uint32_t lo = (uint32_t)u[2 * k + 2] | (uint32_t)u[2 * k + 3] << 8;
            if (lo >= 0xdc00 && lo <= 0xdfff) {
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                k++;
            }
        }
        if (cp == 0xfeff && o == out) continue; /* the byte order mark */
        char e[4];
        size_t len = utf8_encode(cp == 0 ? 0xfffd : cp, e);
        if ((size_t)(lim - o) < len) break;
        memcpy(o, e, len);
        o += len;
    }
    *o = 0;
    return out;
}

/* A copy of line text fit for a C string: a UTF-16LE line decoded, else
 * NUL bytes become U+FFFD. */
static char *text_copy(const char *p, size_t n)
{
    ptrdiff_t s16 = utf16le_start(p, n);
    if (s16 >= 0) return utf16le_decode(p, n, (size_t)s16, n * 2);
    size_t nul = 0;
    for (size_t i = 0; i < n; i++) nul += p[i] == 0;
    char *out = xmalloc(n + nul * 2 + 1), *o = out;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == 0) {
            memcpy(o, "\xef\xbf\xbd", 3);
            o += 3;
        } else {
            *o++ = p[i];
        }
    }
    *o = 0;
    return out;
}

/* The copy of a line the model reads: at most BLOCK_LINE_MAX bytes, a
 * UTF-16LE line decoded, else a NUL read as a blank (the training script
 * reads lines the same way). */
static char *block_copy(const char *p, size_t n)
{
    ptrdiff_t s16 = utf16le_start(p, n);
    if (s16 >= 0) return utf16le_decode(p, n, (size_t)s16, BLOCK_LINE_MAX);
    size_t take = n < BLOCK_LINE_MAX ? n : BLOCK_LINE_MAX;
    char *t = xmalloc(take + 1);
    for (size_t i = 0; i < take; i++) t[i] = p[i] ? p[i] : ' ';
    t[take] = 0;
    return t;
}

static void record(struct classify_ctx *c, int rule, const char *class_id, const char *rule_id,
                   const char *hint, int weight, int64_t line, int64_t offset, char *text,
                   unsigned flags, const char *source)
{
    if (rule >= 0) {
        if (line > 0 && c->rule_last_line[rule] == line) {
            free(text);
            return; /* one finding per rule and line */
        }
        if (c->rule_count[rule] >= MAX_PER_RULE ||
            (c->nfs >= MAX_FINDINGS && c->rule_count[rule] > 0)) {
            free(text);
            return;
        }
        c->rule_count[rule]++;
        if (line > 0) c->rule_last_line[rule] = line;
    } else if (c->nfs >= MAX_FINDINGS + 64) {
        free(text);
        return;
    }
    c->fs = xgrow(c->fs, &c->capfs, c->nfs + 1, sizeof *c->fs);
    struct frec *r = &c->fs[c->nfs++];
    r->rule = rule;
    r->f = (struct classify_finding){
        .class_id = xstrdup(class_id), .rule_id = xstrdup(rule_id), .text = text,
        .hint = xstrdup(hint), .source = xstrdup(source ? source : "log"), .line = line,
        .offset = offset, .weight = weight, .flags = flags};
}

static void failmark_set(struct failmark *d, int64_t line, int64_t off, char *text, bool model)
{
    free(d->text);
    free(d->block);
    free(d->before);
    free(d->head_text);
    /* the model reads BLOCK_LINE_MAX bytes of each line, the first too (as
     * the training script does) */
    *d = (struct failmark){.line = line, .off = off, .text = text,
                           .block = model && text ? xstrndup(text, BLOCK_LINE_MAX) : NULL, .next = line + 1};
}

static void failmark_copy(struct failmark *d, const struct failmark *s)
{
    free(d->text);
    free(d->block);
    free(d->before);
    free(d->head_text);
    *d = *s;
    d->text = xstrdup(s->text);
    d->block = xstrdup(s->block);
    d->before = xstrdup(s->before);
    d->head_text = xstrdup(s->head_text);
}


/* Appends the lines of buf (whole lines from first_line on) that an open
 * error block still wants. Only a few lines after each mark, and
 * only with a model loaded. */
/* Where a line's text starts after its log prefix and colour codes, and how
 * many blanks come before it (those the prefix's separator took too: a log
 * prefix takes every blank after it, indentation included). */
static size_t text_start(const char *p, size_t n, size_t *blanks)
{
    size_t at = classify_skip_log_prefix(p, n), j = at, i = at;
    while (j > 0 && (p[j - 1] == ' ' || p[j - 1] == '\t')) j--;
    for (;;) {
        while (i < n && (p[i] == ' ' || p[i] == '\t')) i++;
        if (!(i + 1 < n && p[i] == 0x1b && p[i + 1] == '[')) break;
        i += 2; /* a colour code */
        while (i < n && !(p[i] >= 0x40 && p[i] <= 0x7e)) i++;
        i++;
    }
    if (i > n) i = n;
    *blanks = i - j;
    return i;
}

/* Whether a line still belongs to a Python traceback whose header has
 * `indent` blanks before it: blank, indented deeper (a frame, its code),
 * or the chaining lines between two tracebacks. The first line that does
 * not is the exception ("ValueError: ..."). */
static bool traceback_frame(const char *p, size_t n, size_t indent)
{
    size_t blanks;
    size_t i = text_start(p, n, &blanks);
    if (i >= n || p[i] == '\r' || blanks > indent) return true;
    static const char *const heads[] = {"Traceback (most recent call last)", "During handling of the above",
                                        "The above exception was the direct cause"};
    for (size_t k = 0; k < sizeof heads / sizeof heads[0]; k++)
        if (n - i >= strlen(heads[k]) && memcmp(p + i, heads[k], strlen(heads[k])) == 0) return true;
    return false;
}

#define TB_SPAN 400 /* lines a traceback's frames may take */

/* A block that opened on a traceback header starts again at the exception
 * line that ends the traceback: its line, offset, text and the block the
 * model reads (the lines after it are gathered from here on). */
static void block_reanchor(struct failmark *m, const char *p, size_t n, int64_t ln, int64_t off)
{
    free(m->head_text);
    m->head_text = m->text;
    m->head_line = m->line;
    m->head_off = m->off;
    m->text = text_copy(p, n < CLASSIFY_TEXT_MAX ? n : CLASSIFY_TEXT_MAX);
    free(m->block);
    m->block = block_copy(p, n);
    m->line = ln;
    m->off = off;
    m->next = ln + 1;
    m->tb_next = 0;
}

static void block_lines(struct classify_ctx *c, const char *buf, size_t len, int64_t first_line,
                        int64_t off_base, int64_t cont_off)
{
    int window = c->rs->model ? c->rs->model->window : 0;
    if (window <= 1) return;
    struct failmark *marks[] = {&c->step_block, &c->dec_block, &c->first_block};
    int64_t lo = INT64_MAX, hi = -1;
    for (size_t k = 0; k < sizeof marks / sizeof marks[0]; k++) {
        struct failmark *m = marks[k];
        if (m->tb_next > 0 && m->tb_next > m->line + TB_SPAN) m->tb_next = 0; /* no end seen: the head stays */
        if (m->block && m->line >= 0 && m->tb_next > 0) {
            if (m->tb_next < lo) lo = m->tb_next;
            if (m->line + TB_SPAN > hi) hi = m->line + TB_SPAN;
        }
        if (!m->block || m->line < 0 || m->next > m->line + window - 1) continue;
        if (m->next < lo) lo = m->next;
        if (m->line + window - 1 > hi) hi = m->line + window - 1;
    }
    if (hi < first_line) return;
    const char *p = buf, *end = buf + len;
    for (int64_t ln = first_line; p < end && ln <= hi; ln++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (ln >= lo) {
            for (size_t k = 0; k < sizeof marks / sizeof marks[0]; k++) {
                struct failmark *m = marks[k];
                if (!m->block || m->line < 0 || m->tb_next != ln) continue;
                if (traceback_frame(p, n, m->tb_indent) && ln < m->line + TB_SPAN) {
                    m->tb_next++;
                    continue;
                }
                if (ln < m->line + TB_SPAN) {
                    size_t sn = n && p[n - 1] == '\r' ? n - 1 : n;
                    block_reanchor(m, p, sn, ln, ln == first_line && cont_off >= 0 ? cont_off : off_base + (p - buf));
                } else {
                    m->tb_next = 0;
                }
            }
            for (size_t k = 0; k < sizeof marks / sizeof marks[0]; k++) {
                struct failmark *m = marks[k];
                if (!m->block || m->line < 0 || m->next != ln || ln > m->line + window - 1) continue;
                char *t = block_copy(p, n);
                size_t have = strlen(m->block), take = strlen(t);
                m->block = xrealloc(m->block, have + take + 2);
                m->block[have] = '\n';
                memcpy(m->block + have + 1, t, take + 1);
                free(t);
                m->next++;
            }
        }
        if (!nl) break;
        p = nl + 1;
    }
}

/* Copies up to `want` non-blank lines of buf into got, newest first,
 * walking back from pos (the end of line ln, exclusive) and stopping at
 * line `stop` (kept already) or the start of buf. Returns how many. */
static int back_lines(const char *buf, size_t pos, int64_t ln, int64_t first_line, int64_t off_base,
                      int64_t cont_off, int want, int64_t stop, struct tailline *got)
{
    int ngot = 0;
    while (ngot < want && ln > stop) {
        const char *nl = pos ? memrchr(buf, '\n', pos) : NULL;
        size_t st = nl ? (size_t)(nl - buf) + 1 : 0, en = pos;
        if (en > st && buf[en - 1] == '\r') en--;
        bool blank = true;
        for (size_t i = st; i < en && blank; i++)
            blank = buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\f' || buf[i] == '\v' || buf[i] == 0;
        if (!blank) {
            char *t = block_copy(buf + st, en - st);
            got[ngot++] = (struct tailline){ln, ln == first_line && cont_off >= 0 ? cont_off : off_base + (int64_t)st, t};
        }
        if (!nl) break;
        pos = st - 1;
        ln--;
    }
    return ngot;
}

/* Keeps the last `window` non-blank lines of the log in c->tail: buf holds
 * the whole lines from first_line on (its last one may be unterminated).
 * Walks back from the end of buf only, so the cost per region is the few
 * lines copied. A piece of a long line already kept is not kept again. */
static void tail_lines(struct classify_ctx *c, const char *buf, size_t len, int64_t first_line,
                       int64_t nl_count, int64_t off_base, int64_t cont_off)
{
    int mwin = c->rs->model ? c->rs->model->window : 0;
    if (mwin > WINDOW_MAX) mwin = WINDOW_MAX;
    if (mwin < 1 || len == 0) return;
    int window = mwin + EVID_BEFORE; /* the model's lines and the evidence's context above them */
    /* a bare failure line in this region: the lines before it, first */
    struct failmark *fails[] = {&c->step_fail, &c->dec_fail, &c->first_fail};
    for (size_t k = 0; k < sizeof fails / sizeof fails[0]; k++) {
        struct failmark *f = fails[k];
        if (!f->want_before || f->before || f->line < first_line || f->line > first_line + nl_count) continue;
        f->want_before = false;
        struct tailline got[TAIL_MAX];
        size_t at = f->off > off_base && f->off - off_base <= (int64_t)len ? (size_t)(f->off - off_base) : 0;
        int ngot = at ? back_lines(buf, at - 1, f->line - 1, first_line, off_base, cont_off, window, 0, got) : 0;
        /* the rest from the lines kept before this region (a piece of
         * a long failure line itself kept there is not before it) */
        int nt = c->ntail;
        while (nt > 0 && c->tail[nt - 1].line >= f->line) nt--;
        int from = nt - (window - ngot) > 0 ? nt - (window - ngot) : 0;
        struct buf b = {0};
        f->nbefore = 0;
        for (int i = from; i < nt; i++) {
            if (b.len) buf_putc(&b, '\n');
            buf_puts(&b, c->tail[i].text);
            f->before_ln[f->nbefore] = c->tail[i].line;
            f->before_of[f->nbefore++] = c->tail[i].off;
        }
        for (int i = ngot - 1; i >= 0; i--) {
            if (b.len) buf_putc(&b, '\n');
            buf_puts(&b, got[i].text);
            f->before_ln[f->nbefore] = got[i].line;
            f->before_of[f->nbefore++] = got[i].off;
        }
        if (b.len) {
            f->before = xstrdup(b.p);
            f->nctx = f->nbefore > mwin ? f->nbefore - mwin : 0;
            f->before_line = f->before_ln[f->nctx];
            f->before_off = f->before_of[f->nctx];
        }
        buf_free(&b);
        for (int i = 0; i < ngot; i++) free(got[i].text);
    }
    struct tailline got[TAIL_MAX];
    bool ends_nl = buf[len - 1] == '\n';
    int64_t ln = first_line + nl_count - (ends_nl ? 1 : 0);
    int64_t last_kept = c->ntail ? c->tail[c->ntail - 1].line : 0;
    int ngot = back_lines(buf, ends_nl ? len - 1 : len, ln, first_line, off_base, cont_off, window, last_kept, got);
    if (ngot == 0) return;
    /* drop the oldest kept lines the new ones push out, then append these */
    int keep = c->ntail + ngot > window ? window - ngot : c->ntail;
    int drop = c->ntail - keep;
    for (int i = 0; i < drop; i++) free(c->tail[i].text);
    memmove(c->tail, c->tail + drop, (size_t)keep * sizeof *c->tail);
    for (int i = 0; i < ngot; i++) c->tail[keep + i] = got[ngot - 1 - i];
    c->ntail = keep + ngot;
}

static void step_begin(struct classify_ctx *c, int64_t line, bool script, int job)
{
    if (c->nsteps > 0 && c->steps[c->nsteps - 1].line == line) return;
    if (c->nsteps > 0 && c->steps[c->nsteps - 1].script_end < 0)
        c->steps[c->nsteps - 1].script_end = c->steps[c->nsteps - 1].line; /* no end seen */
    c->steps = xgrow(c->steps, &c->capsteps, c->nsteps + 1, sizeof *c->steps);
    c->steps[c->nsteps++] = (struct steprec){line, script ? -1 : line, false, job};
    failmark_set(&c->step_fail, -1, -1, NULL, false);
    failmark_set(&c->step_block, -1, -1, NULL, false);
}

/* The lines a unified diff hunk spans, from its header "@@ -a,b +c,d @@"
 * (a count left out is 1): its old and new lines together, an upper bound
 * (context lines count in both). 0 when the header does not parse. */
static int64_t hunk_span(const char *t, size_t n)
{
    const char *h = n >= 4 ? memmem(t, n, "@@ -", 4) : NULL;
    if (!h) return 0;
    size_t i = (size_t)(h - t) + 4;
    int64_t span = 0;
    for (int side = 0; side < 2; side++) {
        while (i < n && t[i] >= '0' && t[i] <= '9') i++; /* the start line */
        int64_t cnt = 1;
        if (i < n && t[i] == ',') {
            cnt = 0;
            for (i++; i < n && t[i] >= '0' && t[i] <= '9' && cnt < 1000000; i++) cnt = cnt * 10 + (t[i] - '0');
        }
        span += cnt;
        if (side == 0) {
            if (n - i < 2 || t[i] != ' ' || t[i + 1] != '+') return 0;
            i += 2;
        }
    }
    return span;
}

static size_t skip_job_step(const char *s, size_t n, bool tab);
static size_t skip_stamp(const char *s, size_t n);

/* The job a marker's line belongs to: gh run view's first column, looked
 * up (or added) in the context's jobs; -1 for a line without the columns
 * (a raw job log is one job). */
static int line_job(struct classify_ctx *c, const char *text, size_t tlen)
{
    size_t at = skip_job_step(text, tlen, true);
    const char *tab = at ? memchr(text, '\t', at) : NULL;
    if (!tab) return -1;
    size_t len = (size_t)(tab - text);
    /* the jobs come one after the other: the last one first */
    for (size_t k = c->njobs; k > 0; k--)
        if (c->jobs[k - 1].len == len && memcmp(c->jobs[k - 1].name, text, len) == 0) return (int)(k - 1);
    c->jobs = xgrow(c->jobs, &c->capjobs, c->njobs + 1, sizeof *c->jobs);
    c->jobs[c->njobs] = (struct jobrec){.name = xstrndup(text, len), .len = len, .last_failed = -1};
    return (int)c->njobs++;
}

/* A step of job j failed on this line: notes when, and whether j is now the
 * job that decides (the one whose first failed step is the earliest in
 * time; file order when a stamp is missing). */
static bool job_failed(struct classify_ctx *c, int j, int64_t line, const char *text, size_t tlen)
{
    struct jobrec *jr = &c->jobs[j];
    if (jr->last_failed < 0) {
        size_t at = skip_job_step(text, tlen, true);
        size_t k = at ? skip_stamp(text + at, tlen - at) : 0;
        if (k > 0 && k < JOB_STAMP_MAX) {
            memcpy(jr->stamp, text + at, k);
            jr->stamp[k] = 0;
        }
    }
    jr->last_failed = line;
    if (c->dec_job < 0 || c->dec_job == j) {
        c->dec_job = j;
        return true;
    }
    const char *ds = c->jobs[c->dec_job].stamp;
    if (jr->stamp[0] && ds[0] && strcmp(jr->stamp, ds) < 0) {
        c->dec_job = j;
        return true;
    }
    return false;
}

/* A finding an image pull that later worked retried away: the pull's own
 * class, or a line about pulling (a registry's 429 or a dial timeout in
 * "Failed to pull image ...", classed by what went wrong). */
static bool pull_failure(const char *cls, const char *text)
{
    return strcmp(cls, "image.pull") == 0 || (text && strcasestr(text, "pull"));
}

static void record_marker(struct classify_ctx *c, const struct crule *r, int64_t line,
                          int64_t offset, const char *text, size_t tlen)
{
    int m = r->marker;
    /* a line of another job than the current step's: that job's steps begin
     * here (its lines before the first marker are its set-up) */
    int job = -1;
    if (m == MARK_STEP_START || m == MARK_SCRIPT_START || m == MARK_STEP_FAILED || m == MARK_STEP_FAILED_CONT ||
        m == MARK_FAILURE || m == MARK_ERROR_BLOCK) {
        job = line_job(c, text, tlen);
        if (job >= 0 && (c->nsteps == 0 || c->steps[c->nsteps - 1].job != job) && m != MARK_STEP_START &&
            m != MARK_SCRIPT_START)
            step_begin(c, line, false, job);
    }
    if (m == MARK_DIFF_HUNK) {
        int64_t span = hunk_span(text, tlen);
        c->hunk_line = line;
        c->hunk_end = span > 0 ? line + span : -1;
    } else if (m == MARK_STEP_START || m == MARK_SCRIPT_START || m == MARK_STEP_FAILED ||
               m == MARK_STEP_FAILED_CONT || m == MARK_JOB_END) {
        c->hunk_end = -1; /* the runner speaks: the diff ended */
    }
    if (m == MARK_STEP_FAILED_CONT) {
        /* the step failed all the same: recorded as both markers */
        if (c->mark_first[m] < 0) c->mark_first[m] = line;
        c->mark_last[m] = line;
        if (c->nsteps > 0) c->steps[c->nsteps - 1].kept_going = true;
        m = MARK_STEP_FAILED;
    }
    if (m == MARK_SCRIPT_START || m == MARK_STEP_START) {
        step_begin(c, line, m == MARK_SCRIPT_START, job);
    } else if (m == MARK_SCRIPT_END) {
        if (c->nsteps > 0 && c->steps[c->nsteps - 1].script_end < 0)
            c->steps[c->nsteps - 1].script_end = line;
    }
    /* the step that ended failing decides only in the job that decides */
    if (m == MARK_STEP_FAILED) {
        int sj = c->nsteps > 0 ? c->steps[c->nsteps - 1].job : -1;
        c->dec_here = sj < 0 || job_failed(c, sj, line, text, tlen);
    }
    if (c->mark_first[m] < 0) c->mark_first[m] = line;
    c->mark_last[m] = line;
    /* a failure line the passing run printed too is not where this run
     * failed: "unknown" points at the first new one */
    bool known = m == MARK_FAILURE && c->baseline && classify_baseline_has(c->baseline, text, tlen);
    if (m == MARK_FAILURE && !known && !c->fail_text) {
        c->fail_text = text_copy(text, tlen);
        c->fail_off = offset;
        c->fail_line = line;
        c->fail_rule = xstrdup(r->id);
        failmark_set(&c->first_fail, line, offset, NULL, false);
        c->first_fail.want_before = c->rs->model != NULL;
    }
    if (m == MARK_FAILURE && !known && c->step_fail.line < 0) {
        failmark_set(&c->step_fail, line, offset, text_copy(text, tlen), false);
        c->step_fail.want_before = c->rs->model != NULL;
    }
    /* the step that ended failing: its first failure line (the two
     * markers may come in either order on one line) */
    bool ended = m == MARK_STEP_FAILED || (m == MARK_FAILURE && c->mark_last[MARK_STEP_FAILED] == line);
    if (ended && c->dec_here && c->step_fail.line > 0 && c->dec_fail.line != c->step_fail.line)
        failmark_copy(&c->dec_fail, &c->step_fail);
    if (m == MARK_ERROR_BLOCK && !(c->baseline && classify_baseline_has(c->baseline, text, tlen))) {
        /* a Python traceback's header: the block is its exception line, once seen */
        bool tb = c->rs->model && tlen >= 33 && memmem(text, tlen, "Traceback (most recent call last)", 33);
        size_t indent = 0;
        if (tb) text_start(text, tlen, &indent);
        struct failmark *opens[] = {&c->step_block, &c->first_block};
        for (size_t k = 0; k < sizeof opens / sizeof opens[0]; k++) {
            if (opens[k]->line >= 0) continue; /* the block already open stays */
            failmark_set(opens[k], line, offset, text_copy(text, tlen), c->rs->model != NULL);
            opens[k]->tb_next = tb ? line + 1 : 0;
            opens[k]->tb_indent = indent;
        }
    }
    bool ended_block = m == MARK_STEP_FAILED ||
                       (m == MARK_ERROR_BLOCK && c->mark_last[MARK_STEP_FAILED] == line);
    if (ended_block && c->dec_here && c->step_block.line > 0 && c->dec_block.line != c->step_block.line)
        failmark_copy(&c->dec_block, &c->step_block);
}

/* A line a CI runner echoed as script text: inside an open "##[group]Run"
 * echo, a command-echo line, or printed in the cyan GitHub Actions uses for
 * script text (ESC[36;1m right after the log prefix). */
/* A line of source code that a tool quotes (pytest's traceback shows the
 * test's code, "> raise ConnectionError(e)"): indented, an optional ">"
 * marker, then a statement keyword. The error is on the lines the tool
 * writes about it, not in the code. lead: blanks of the line's indentation
 * that the log prefix skip took with the prefix (a BuildKit or timestamp
 * prefix, then the traceback's own indentation). */
static bool quoted_code(const char *v, size_t n, size_t lead)
{
    size_t i = 0;
    while (i < n && (v[i] == ' ' || v[i] == '\t')) i++;
    if (i < n && v[i] == '>') {
        size_t m = ++i;
        while (i < n && v[i] == ' ') i++;
        if (i == m) return false; /* ">raise": not pytest's marker */
    } else if (i == 0 && lead == 0) {
        return false;
    }
    static const char *const kw[] = {"raise ", "except ", "throw ", "throw new ", "catch (", "def ",
                                     "return ", "elif ", "assert ", "import ", "from "};
    for (size_t k = 0; k < sizeof kw / sizeof kw[0]; k++) {
        size_t kl = strlen(kw[k]);
        if (n - i >= kl && memcmp(v + i, kw[k], kl) == 0) return true;
    }
    return false;
}

/* A Kubernetes event of type Normal, as `kubectl describe` and `kubectl get
 * events` list it ("  Normal  Issuing  2m  cert-manager  Issuing certificate
 * as Secret does not exist") or a test tool dumps it ("... +0000 UTC Normal
 * Certificate.cert-manager.io x  Issuing ...", tab-separated): the type column says the
 * cluster did not see a failure. "Normal" is the line's first word or comes
 * right after an age or a time zone, and a reason or kind follows. */
static bool normal_event_line(const char *v, size_t n)
{
    const char *p = n >= 8 ? memmem(v, n, "Normal", 6) : NULL;
    if (!p) return false;
    size_t at = (size_t)(p - v), i = at + 6;
    if (i >= n || (v[i] != ' ' && v[i] != '\t')) return false; /* columns: blanks or tabs */
    while (i < n && (v[i] == ' ' || v[i] == '\t')) i++;
    if (i >= n || v[i] < 'A' || v[i] > 'Z') return false;
    size_t j = at;
    while (j > 0 && (v[j - 1] == ' ' || v[j - 1] == '\t')) j--;
    if (j == at && at > 0) return false; /* glued to the word before */
    if (j == 0) return true;
    size_t k = j;
    while (k > 0 && v[k - 1] != ' ' && v[k - 1] != '\t') k--;
    const char *w = v + k;
    size_t wl = j - k;
    if (wl == 3 && memcmp(w, "UTC", 3) == 0) return true;
    /* an age column: "5m", "2m30s", "3h", "<unknown>" */
    if (wl == 9 && memcmp(w, "<unknown>", 9) == 0) return true;
    if (wl < 2 || !strchr("smhd", w[wl - 1])) return false;
    for (size_t x = 0; x < wl; x++)
        if (!((w[x] >= '0' && w[x] <= '9') || strchr("smhd", w[x]))) return false;
    return w[0] >= '0' && w[0] <= '9';
}

/* A test reporter's line for a test that passed (vitest's and jest's "✓",
 * mocha's "✔", Windows consoles' "√"): the test's name ("✓ returns 401 for an
 * invalid API key") describes what the test checks, not the run failing. */
static bool passed_test_line(const char *v, size_t n)
{
    size_t i = 0;
    while (i < n && (v[i] == ' ' || v[i] == '\t')) i++;
    static const char *const marks[] = {"\xe2\x9c\x93 ", "\xe2\x9c\x94 ", "\xe2\x88\x9a "};
    for (size_t k = 0; k < sizeof marks / sizeof marks[0]; k++)
        if (n - i >= 4 && memcmp(v + i, marks[k], 4) == 0) return true;
    return false;
}

/* A Gherkin step as behave and cucumber print a scenario: "Given", "When",
 * "Then", "And" or "But" (indented, unless a log prefix took the blanks),
 * the step's text, then a comment naming the
 * step definition ("# steps/api.py:34") or "# None" (not run). The text is
 * the feature's wording ("Then the API returns HTTP 429"), not what happened:
 * the runner reports a failing step on the lines under it. */
static bool gherkin_step_line(const char *v, size_t n)
{
    size_t i = 0;
    while (i < n && (v[i] == ' ' || v[i] == '\t')) i++;
    static const char *const kw[] = {"Given ", "When ", "Then ", "And ", "But "};
    bool step = false;
    for (size_t k = 0; k < sizeof kw / sizeof kw[0] && !step; k++)
        step = n - i > strlen(kw[k]) && memcmp(v + i, kw[k], strlen(kw[k])) == 0;
    if (!step) return false;
    size_t e = n;
    while (e > i && (v[e - 1] == ' ' || v[e - 1] == '\t' || v[e - 1] == '\r')) e--;
    size_t s = e;
    while (s > i && v[s - 1] != ' ') s--; /* the comment's one word */
    if (s < i + 3 || v[s - 2] != '#' || v[s - 3] != ' ' || s == e) return false;
    if (e - s == 4 && memcmp(v + s, "None", 4) == 0) return true;
    size_t d = e;
    while (d > s && v[d - 1] >= '0' && v[d - 1] <= '9') d--;
    return d < e && d > s + 1 && v[d - 1] == ':';
}

/* A prompt template in a configuration an agent prints or keeps with its run
 * (a trajectory file saves the agent's config: "timeout_template": "The
 * last command ... timed out and has been killed ..."): the key names a
 * template, a prompt or instructions and the value is its text, what the
 * agent will tell the model when something happens, not anything that
 * happened. A JSON key needs a string value; a YAML key a value on the line. */
static bool prompt_template_line(const char *v, size_t n)
{
    size_t i = 0;
    while (i < n && (v[i] == ' ' || v[i] == '\t')) i++;
    bool json = i < n && v[i] == '"';
    size_t k = i + json, from = k;
    while (k < n && ((v[k] >= 'a' && v[k] <= 'z') || (v[k] >= 'A' && v[k] <= 'Z') ||
                     (v[k] >= '0' && v[k] <= '9') || v[k] == '_' || v[k] == '-'))
        k++;
    size_t to = k;
    if (to == from) return false;
    if (json && (k >= n || v[k++] != '"')) return false;
    if (k >= n || v[k++] != ':') return false;
    while (k < n && v[k] == ' ') k++;
    if (k >= n || (json && v[k] != '"')) return false;
    static const char *const ends[] = {"template", "prompt", "instructions"};
    for (size_t e = 0; e < sizeof ends / sizeof ends[0]; e++) {
        size_t el = strlen(ends[e]);
        if (to - from < el) continue;
        size_t j = 0;
        while (j < el && (v[to - el + j] | 0x20) == ends[e][j]) j++;
        if (j == el) return true;
    }
    return false;
}

/* Error text quoted in prose: the match lies inside a Markdown code span
 * (`...`), as an agent's or a person's summary writes it ("the test failed
 * with `Cannot find module 'x'`"). Tools name what failed outside such
 * quotes (rustc's "unresolved import `x`" matches before the quote). */
static bool quoted_in_prose(const char *v, size_t n, size_t from, size_t to)
{
    if (from >= to || to > n) return false;
    size_t ticks = 0;
    for (size_t i = 0; i < from; i++) ticks += v[i] == '`';
    return (ticks & 1) && memchr(v + to, '`', n - to) != NULL;
}

static bool script_line(const struct classify_ctx *c, int64_t line, const char *text, size_t tlen)
{
    if (c->nsteps > 0) {
        const struct steprec *k = &c->steps[c->nsteps - 1];
        /* an echo with no end for this long was cut from the log */
        if (k->line == line || (k->script_end < 0 && line - k->line <= SCRIPT_SPAN)) return true;
    }
    size_t at = classify_skip_log_prefix(text, tlen);
    return tlen - at >= 7 && memcmp(text + at, "\x1b[36;1m", 7) == 0;
}

/* The program a runner command runs: after a shell wrapper ("/bin/bash -lc
 * '...'"), an opening quote and leading "cd DIR &&" steps. */
static void command_program(const char *s, size_t n, const char **prog, size_t *plen,
                            const char **rest, size_t *rlen)
{
    size_t i = 0;
    for (int round = 0; round < 8; round++) {
        while (i < n && (s[i] == ' ' || s[i] == '\'' || s[i] == '"' || s[i] == '\\')) i++;
        size_t w = i;
        while (w < n && s[w] != ' ' && s[w] != '\'' && s[w] != '"') w++;
        const char *word = s + i;
        size_t wl = w - i;
        const char *base = word;
        for (size_t k = 0; k < wl; k++)
            if (word[k] == '/') base = word + k + 1;
        size_t bl = wl - (size_t)(base - word);
        bool shell = (bl == 4 && memcmp(base, "bash", 4) == 0) || (bl == 2 && memcmp(base, "sh", 2) == 0) ||
                     (bl == 3 && memcmp(base, "zsh", 3) == 0);
        if (shell && w + 1 < n && s[w] == ' ' && s[w + 1] == '-') {
            size_t f = w + 1; /* the shell's flags: -c, -lc */
            while (f < n && s[f] != ' ') f++;
            i = f;
            continue;
        }
        if (wl == 2 && memcmp(word, "cd", 2) == 0) {
            const char *amp = n - w >= 2 ? memchr(s + w, '&', n - w) : NULL;
            if (amp && amp + 1 < s + n && amp[1] == '&') {
                i = (size_t)(amp - s) + 2;
                continue;
            }
        }
        *prog = base;
        *plen = bl;
        *rest = s + w;
        *rlen = n - w;
        return;
    }
    *prog = s + n;
    *plen = 0;
    *rest = s + n;
    *rlen = 0;
}

/* A search prints lines of the files it searched: quoted error text there
 * (a rule file, a test fixture, docs) is not the run failing. */
static bool command_is_search(const char *s, size_t n)
{
    const char *p, *rest;
    size_t pl, rl;
    command_program(s, n, &p, &pl, &rest, &rl);
    static const char *const progs[] = {"rg", "grep", "egrep", "fgrep", "ag", "ack", "zgrep"};
    for (size_t k = 0; k < sizeof progs / sizeof progs[0]; k++)
        if (pl == strlen(progs[k]) && memcmp(p, progs[k], pl) == 0) return true;
    if (pl == 3 && memcmp(p, "git", 3) == 0 && rl >= 5 && memcmp(rest, " grep", 5) == 0) return true;
    return false;
}

static void command_close(struct classify_ctx *c, struct cmdrec *k, int64_t end)
{
    k->end = end;
    k->failed = c->mark_last[MARK_FAILURE] >= k->line && c->mark_last[MARK_FAILURE] <= end;
}

static uint64_t command_hash(const char *p, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
    return h;
}

/* Whether "[command:completed] ..." (view) only echoes command k: its
 * text, then nothing or an exit status. A line that goes on ("failed:
 * ENOENT ...") carries the result and is output. */
static bool completed_is_echo(const struct cmdrec *k, const char *view, size_t vlen)
{
    const char *tag = memchr(view, ']', vlen);
    size_t at = tag ? (size_t)(tag - view) + 1 : vlen;
    while (at < vlen && view[at] == ' ') at++;
    if (vlen - at < k->len || command_hash(view + at, k->len) != k->hash) return false;
    const char *p = view + at + k->len, *end = view + vlen;
    while (end > p && (end[-1] == ' ' || end[-1] == '\r' || end[-1] == '\t')) end--;
    while (p < end && *p == ' ') p++;
    if (p == end) return true;
    bool paren = *p == '(';
    if (paren) p++;
    if (end - p < 5 || memcmp(p, "exit ", 5) != 0) return false;
    p += 5;
    if (p < end && *p == '-') p++;
    const char *digits = p;
    while (p < end && *p >= '0' && *p <= '9') p++;
    if (p == digits) return false;
    if (paren) {
        if (p == end || *p != ')') return false;
        p++;
    }
    return p == end;
}

/* "[command:started] <command>" (view: the line after its log prefix). */
static void command_started(struct classify_ctx *c, const char *view, size_t vlen, int64_t line)
{
    if (c->ncmds >= MAX_CMDS) return;
    if (c->ncmds > 0 && c->cmds[c->ncmds - 1].end < 0) command_close(c, &c->cmds[c->ncmds - 1], line - 1);
    size_t at, e = vlen;
    const char *key = vlen > 12 ? memmem(view, vlen, "\"command\":", 10) : NULL;
    if (key && view[0] == '{') { /* a JSON event: {"event": "command.started", "command": "..."} */
        at = (size_t)(key - view) + 10;
        while (at < vlen && (view[at] == ' ' || view[at] == '"')) at++;
        const char *q = at < vlen ? memchr(view + at, '"', vlen - at) : NULL;
        while (q && q > view + at && q[-1] == '\\') /* an escaped quote inside */
            q = memchr(q + 1, '"', (size_t)(view + vlen - (q + 1)));
        e = q ? (size_t)(q - view) : vlen;
    } else { /* "[command:started] <command>" */
        const char *tag = memchr(view, ']', vlen);
        at = tag ? (size_t)(tag - view) + 1 : vlen;
    }
    while (at < e && view[at] == ' ') at++;
    while (e > at && (view[e - 1] == ' ' || view[e - 1] == '\r' || view[e - 1] == '\t')) e--;
    uint64_t h = command_hash(view + at, e - at);
    c->cmds = xgrow(c->cmds, &c->capcmds, c->ncmds + 1, sizeof *c->cmds);
    size_t tl = e - at < CLASSIFY_TEXT_MAX ? e - at : CLASSIFY_TEXT_MAX;
    c->cmds[c->ncmds++] = (struct cmdrec){.line = line, .end = -1, .done = -1, .hash = h, .len = e - at,
                                          .search = command_is_search(view + at, e - at),
                                          .text = text_copy(view + at, tl)};
}

static void command_completed(struct classify_ctx *c, const char *view, size_t vlen, int64_t line)
{
    if (c->ncmds > 0 && c->cmds[c->ncmds - 1].end < 0) {
        struct cmdrec *k = &c->cmds[c->ncmds - 1];
        if (completed_is_echo(k, view, vlen)) k->done = line;
        command_close(c, k, line);
    }
}

/* ---- matching a line ---------------------------------------------------- */

/* A match that ended in an error (match or depth limit, JIT stack): the
 * line counts as no match for that pattern, the scan goes on, and the rule
 * is named once in the result's notes. */
static void match_failed(struct classify_ctx *c, int rule, int rc)
{
    if (c->limited[rule]) return;
    c->limited[rule] = true;
    char e[128];
    pcre2_get_error_message(rc, (PCRE2_UCHAR *)e, sizeof e);
    const struct crule *r = &c->rs->rules[rule];
    buf_printf(&c->limit_notes, "rule %s (%s:%d) gave up on a line (%s); it counts as no match there\n", r->id,
               r->file ? r->file : "?", r->line, e);
}

/* JIT-compiles a pattern on its first match: 1 done, 2 no JIT (matched
 * interpreted). Rule sets are shared between threads: one compiles, and no
 * thread matches the pattern before that is settled (a JIT compile
 * changes the code a concurrent pcre2_match reads). */
static int pat_jit(const struct cpat *p)
{
    static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
    _Atomic int *st = (_Atomic int *)&p->jit; /* set once, under mu */
    pthread_mutex_lock(&mu);
    int v = atomic_load(st);
    if (v == 0) {
        size_t size = 0;
        v = pcre2_jit_compile(p->re, PCRE2_JIT_COMPLETE) == 0 &&
                    pcre2_pattern_info(p->re, PCRE2_INFO_JITSIZE, &size) == 0 && size > 0
                ? 1
                : 2;
        atomic_store(st, v);
    }
    pthread_mutex_unlock(&mu);
    return v;
}

static bool pat_match(struct classify_ctx *c, const struct crule *r, const struct cpat *p, const char *s, size_t n)
{
    int jit = atomic_load(&p->jit);
    if (jit == 0) jit = pat_jit(p);
    /* pcre2_jit_match skips pcre2_match's checks: lines are bytes, not
     * UTF-8, and the pattern was compiled for them */
    int rc = jit == 1 ? pcre2_jit_match(p->re, (PCRE2_SPTR)s, n, 0, 0, c->md, c->mctx)
                      : pcre2_match(p->re, (PCRE2_SPTR)s, n, 0, 0, c->md, c->mctx);
    if (rc >= 0) return true;
    if (rc != PCRE2_ERROR_NOMATCH) match_failed(c, (int)(r - c->rs->rules), rc);
    return false;
}

/* Only a pattern the scanner found a hit for can match the line (its
 * required literal or the pattern itself is there): the others are not
 * tried, which matters for rules with many patterns on busy lines. */
static bool pat_hit(const struct classify_ctx *c, const struct cpat *p)
{
    return c->all_pats || p->scan < 0 || c->pat_epoch[p->scan] == c->epoch;
}

static bool rule_matches(struct classify_ctx *c, const struct crule *r, const char *s, size_t n)
{
    bool hit = false;
    for (size_t k = 0; k < r->npats && !hit; k++)
        if (r->pats[k].role == PAT_MATCH && pat_hit(c, &r->pats[k]) && pat_match(c, r, &r->pats[k], s, n)) {
            hit = true;
            const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(c->md);
            c->mfrom = ov[0];
            c->mto = ov[1];
        }
    if (!hit) return false;
    for (size_t k = 0; k < r->npats; k++)
        if (r->pats[k].role == PAT_UNLESS && pat_match(c, r, &r->pats[k], s, n)) return false;
    return true;
}

static bool near_matches(struct classify_ctx *c, const struct crule *r, const char *s, size_t n)
{
    for (size_t k = 0; k < r->npats; k++)
        if (r->pats[k].role == PAT_NEAR && pat_hit(c, &r->pats[k]) && pat_match(c, r, &r->pats[k], s, n))
            return true;
    return false;
}

static void add_pending(struct classify_ctx *c, int rule, int64_t line, int64_t offset,
                        char *text, unsigned flags)
{
    if (c->npend >= MAX_PENDING) {
        free(c->pend[0].text);
        memmove(c->pend, c->pend + 1, (c->npend - 1) * sizeof *c->pend);
        c->npend--;
    }
    c->pend = xgrow(c->pend, &c->cappend, c->npend + 1, sizeof *c->pend);
    c->pend[c->npend++] = (struct pending){rule, line, offset, flags, text};
}

/* The near pattern of `rule` matched at `line`: confirm waiting findings
 * that lie within reach, drop those out of reach. */
static void resolve_pending(struct classify_ctx *c, int rule, int64_t line)
{
    const struct crule *r = &c->rs->rules[rule];
    size_t w = 0;
    for (size_t i = 0; i < c->npend; i++) {
        struct pending *p = &c->pend[i];
        if (p->rule == rule && p->line >= line - r->near_lines) {
            record(c, rule, r->class_id, r->id, r->hint, r->weight, p->line, p->offset, p->text,
                   p->flags, NULL);
            continue;
        }
        if (p->line < line - 1000) { /* beyond any near reach */
            free(p->text);
            continue;
        }
        c->pend[w++] = *p;
    }
    c->npend = w;
}

/* Length of the log prefix a line starts with, 0 if none: a timestamp
 * (RFC 3339 as kubectl --timestamps and GitHub Actions print it, or the
 * "2026-04-02 10:11:12,345" of Python logging, optionally in brackets) and
 * kubectl --prefix's "[pod/NAME/CONTAINER]", each followed by blanks. Rules
 * anchored at the start of a tool's line (^--- FAIL, ^panic: ) then match
 * the same line however the collector prefixed it. */
static size_t skip_stamp(const char *s, size_t n)
{
    size_t i = 0;
    if (i < n && s[i] == '[') i++;
    static const char shape[] = "dddd-dd-dd?dd:dd:dd";
    for (size_t k = 0; shape[k]; k++, i++) {
        if (i >= n) return 0;
        unsigned char ch = (unsigned char)s[i];
        if (shape[k] == 'd' ? !(ch >= '0' && ch <= '9')
                            : shape[k] == '?' ? !(ch == 'T' || ch == ' ') : ch != (unsigned char)shape[k])
            return 0;
    }
    if (i < n && (s[i] == '.' || s[i] == ',')) {
        i++;
        while (i < n && s[i] >= '0' && s[i] <= '9') i++;
    }
    if (i < n && s[i] == 'Z') {
        i++;
    } else if (i + 5 < n && (s[i] == '+' || s[i] == '-') && s[i + 1] >= '0' && s[i + 1] <= '9') {
        i += 3;
        if (s[i] == ':') i++;
        i += 2;
    }
    if (i < n && s[0] == '[' && s[i] == ']') i++;
    return i;
}

/* Skips word w (with its trailing blank) at s[*at], if it is there. */
static bool skip_word(const char *s, size_t n, size_t *at, const char *w)
{
    size_t wl = strlen(w);
    if (n - *at < wl || memcmp(s + *at, w, wl) != 0) return false;
    *at += wl;
    return true;
}

/* BuildKit's "#5 0.245 " (step number, seconds since the step began)
 * before each line of a RUN step's output. */
static size_t skip_buildkit(const char *s, size_t n)
{
    size_t i = 0;
    if (n < 4 || s[0] != '#') return 0;
    for (i = 1; i < n && s[i] >= '0' && s[i] <= '9'; i++) {}
    if (i == 1 || i >= n || s[i] != ' ') return 0;
    size_t d = ++i;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {}
    if (i == d || i >= n || s[i] != '.') return 0;
    for (d = ++i; i < n && s[i] >= '0' && s[i] <= '9'; i++) {}
    return i > d ? i : 0;
}

/* A syslog-style stamp: "Mar 19 01:20:25", optionally " PM" (as hosted
 * build services print it). */
static size_t skip_syslog(const char *s, size_t n)
{
    static const char shape[] = "Aaa dd dd:dd:dd";
    size_t i = 0;
    for (; shape[i]; i++) {
        if (i >= n) return 0;
        unsigned char ch = (unsigned char)s[i];
        bool ok = shape[i] == 'A'   ? ch >= 'A' && ch <= 'Z'
                  : shape[i] == 'a' ? ch >= 'a' && ch <= 'z'
                  : shape[i] == 'd' ? (ch >= '0' && ch <= '9') || (i == 4 && ch == ' ')
                                    : ch == (unsigned char)shape[i];
        if (!ok) return 0;
    }
    if (i + 3 <= n && s[i] == ' ' && (s[i + 1] == 'A' || s[i + 1] == 'P') && s[i + 2] == 'M') i += 3;
    return i;
}

/* Bazel's --show_timestamps clock before each line it prints: "(07:22:49) ".
 * Only the clock: the caller wants a blank after it. */
static size_t skip_paren_clock(const char *s, size_t n)
{
    static const char shape[] = "(dd:dd:dd)";
    for (size_t i = 0; shape[i]; i++) {
        if (i >= n) return 0;
        unsigned char ch = (unsigned char)s[i];
        if (shape[i] == 'd' ? !(ch >= '0' && ch <= '9') : ch != (unsigned char)shape[i]) return 0;
    }
    return sizeof shape - 1;
}

/* The job's and the step's name that `gh run view --log` writes before each
 * line of a GitHub Actions log, tab-separated ("build\tRun tests\t2026-01-04T
 * 14:52:18.2244306Z ..."), and the byte-order mark the runner writes before
 * the stamp of a step's first line: the offset of the stamp, or 0. */
static size_t skip_job_step(const char *s, size_t n, bool tab)
{
    size_t at = 0;
    const size_t lim = n < JOB_STEP_MAX ? n : JOB_STEP_MAX;
    const char *t1 = tab ? memchr(s, '\t', lim) : NULL;
    if (t1 && t1 > s) {
        size_t a = (size_t)(t1 - s) + 1;
        const char *t2 = a < lim ? memchr(s + a, '\t', lim - a) : NULL;
        if (!t2 || t2 == s + a) return 0;
        at = (size_t)(t2 - s) + 1;
    }
    if (n - at >= 3 && memcmp(s + at, "\xef\xbb\xbf", 3) == 0) at += 3;
    if (at == 0) return 0;
    size_t k = skip_stamp(s + at, n - at);
    return k && at + k < n && (s[at + k] == ' ' || s[at + k] == '\t') ? at : 0;
}

/* Apache Ant's task column: the task's name in brackets, right-aligned in
 * 12 columns before each line a task prints ("     [exec] ERROR: ...",
 * "    [javac] Foo.java:3: error: ..."), or left-aligned after a stamp whose
 * blanks were skipped (after true). The offset of the task's text, or 0. */
static size_t skip_ant_task(const char *s, size_t n, bool after)
{
    size_t i = 0;
    while (i < n && i < 12 && s[i] == ' ') i++;
    if (i == 0 && !after) return 0;
    if (i >= n || s[i] != '[') return 0;
    size_t w = ++i;
    while (i < n && i - w < 20 && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
        i++;
    if (i == w || s[w] < 'a' || s[w] > 'z' || i + 1 >= n || s[i] != ']' || s[i + 1] != ' ') return 0;
    i += 2;
    return after || i == 12 ? i : 0;
}

/* tab: whether the line may hold a tab (false: it holds none, as the
 * masking pass knows, and the columns are not looked for) */
static size_t skip_log_prefix(const char *s, size_t n, bool tab)
{
    size_t at = skip_job_step(s, n, tab);
    for (int round = 0; round < 3; round++) {
        size_t k = skip_stamp(s + at, n - at);
        if (k == 0) k = skip_buildkit(s + at, n - at);
        if (k == 0) k = skip_syslog(s + at, n - at);
        if (k == 0) k = skip_paren_clock(s + at, n - at);
        if (k == 0 && n - at > 5 && memcmp(s + at, "[pod/", 5) == 0) {
            const char *e = memchr(s + at, ']', n - at < 256 ? n - at : 256);
            if (e) k = (size_t)(e - (s + at)) + 1;
        }
        if (k == 0 || at + k >= n || (s[at + k] != ' ' && s[at + k] != '\t')) break;
        at += k;
        while (at < n && (s[at] == ' ' || s[at] == '\t')) at++;
    }
    /* The agent runner frames each chunk of a command's output as
     * "[command:delta] command output <chunk>": the chunk is the tool's own
     * line, so "^--- FAIL" and "^panic: " must match after the frame too. */
    if (skip_word(s, n, &at, "[command:delta] ")) skip_word(s, n, &at, "command output ");
    at += skip_ant_task(s + at, n - at, at > 0);
    return at;
}

size_t classify_skip_log_prefix(const char *s, size_t n) { return skip_log_prefix(s, n, true); }

/* A bare "retrying" line (no cause of its own) announces the next attempt of
 * the failure printed just above it: that failure is transient too. A retry
 * line that names its own failure ("not healthy yet (connection refused),
 * retrying") is about that one only. Findings arrive in line order. */
static void retry_above(struct classify_ctx *c, int64_t line)
{
    for (size_t k = c->nfs, seen = 0; k > 0 && seen < 32; k--, seen++) {
        struct classify_finding *f = &c->fs[k - 1].f;
        if (f->line <= 0 || f->line >= line) continue;
        if (f->line < line - RETRY_SPAN) break;
        f->flags |= CLASSIFY_F_TRANSIENT;
    }
}

/* Evaluates the candidate rules (cand[0..ncand)) on one line view; pre:
 * the bytes of log prefix just before the view. */
static void eval_line(struct classify_ctx *c, const int *cand, size_t ncand, const char *view,
                      size_t vlen, size_t pre, int64_t line, int64_t offset, const char *text, size_t tlen)
{
    const struct classify_rules *rs = c->rs;
    /* the prefix skip ends on the blanks after the prefix: one of them
     * separates the prefix, the others indented the line itself */
    size_t blanks = 0;
    while (blanks < pre && (view[-1 - (ptrdiff_t)blanks] == ' ' || view[-1 - (ptrdiff_t)blanks] == '\t')) blanks++;
    size_t lead = blanks > 1 ? blanks - 1 : 0;
    bool retry = false;
    /* near patterns first, so a near on the same line counts */
    for (size_t i = 0; i < ncand; i++) {
        const struct crule *r = &rs->rules[cand[i]];
        if (r->near_lines && near_matches(c, r, view, vlen)) {
            c->near_last[cand[i]] = line;
            resolve_pending(c, cand[i], line);
        }
    }
    int matched[64];
    bool quoted[64];
    size_t nm = 0;
    for (size_t i = 0; i < ncand; i++) {
        const struct crule *r = &rs->rules[cand[i]];
        if (r->dead || !rule_matches(c, r, view, vlen)) continue;
        if (r->marker == MARK_RETRY) retry = true;
        if (nm < sizeof matched / sizeof matched[0]) {
            quoted[nm] = quoted_in_prose(view, vlen, c->mfrom, c->mto);
            matched[nm++] = cand[i];
        }
    }
    bool cause_here = false, cmd_end = false;
    for (size_t i = 0; i < nm; i++) cause_here |= rs->rules[matched[i]].marker == 0;
    /* a diff's hunk lines are a file's text (pre-commit prints what its
     * hooks rewrote): the hunk ends by its header's counts, or earlier
     * where the runner speaks again. A "+ cmd" there is an added line, no
     * traced command */
    bool hunk = c->hunk_line > 0 && line > c->hunk_line && line <= c->hunk_end;
    /* steps first: a step's own header line is script text */
    for (size_t i = 0; i < nm; i++) {
        const struct crule *r = &rs->rules[matched[i]];
        if (hunk && r->marker == MARK_STEP_START) continue;
        if (r->marker == MARK_SCRIPT_START || r->marker == MARK_STEP_START || r->marker == MARK_SCRIPT_END)
            record_marker(c, r, line, offset, text, tlen);
    }
    hunk = hunk && line <= c->hunk_end;
    bool script = script_line(c, line, text, tlen);
    for (size_t i = 0; i < nm; i++) {
        int ri = matched[i];
        const struct crule *r = &rs->rules[ri];
        if (r->marker == MARK_SCRIPT_START || r->marker == MARK_STEP_START || r->marker == MARK_SCRIPT_END)
            continue;
        if (r->marker == MARK_CMD_START) command_started(c, view, vlen, line);
        cmd_end |= r->marker == MARK_CMD_END;
        if (r->marker) {
            /* a marker holds from its line on, so its near pattern must
             * already have matched (on a line above within N, or this one) */
            if (r->near_lines && !(c->near_last[ri] >= 0 && c->near_last[ri] >= line - r->near_lines))
                continue;
            /* "exit 1" in a script's text is not the step failing */
            if (!script) record_marker(c, r, line, offset, text, tlen);
            continue;
        }
        unsigned flags = (retry || r->transient) ? CLASSIFY_F_TRANSIENT : 0;
        if (script || hunk || gherkin_step_line(view, vlen) || prompt_template_line(view, vlen))
            flags |= CLASSIFY_F_SCRIPT | CLASSIFY_F_NOT_OUTPUT;
        else if (quoted_code(view, vlen, lead) || quoted[i] || passed_test_line(view, vlen) ||
                 normal_event_line(view, vlen))
            flags |= CLASSIFY_F_SCRIPT;
        if (r->near_lines && !(c->near_last[ri] >= 0 && c->near_last[ri] >= line - r->near_lines)) {
            add_pending(c, ri, line, offset, text_copy(text, tlen), flags);
            continue;
        }
        record(c, ri, r->class_id, r->id, r->hint, r->weight, line, offset, text_copy(text, tlen),
               flags, NULL);
    }
    if (retry && !cause_here) retry_above(c, line);
    if (cmd_end) command_completed(c, view, vlen, line); /* after a failure marker on the same line */
}

/* ---- scanning blocks ---------------------------------------------------- */

static void push_hit(struct classify_ctx *c, size_t end, int k)
{
    c->hits = xgrow(c->hits, &c->caphits, c->nhits + 1, sizeof *c->hits);
    c->hits[c->nhits++] = (struct hit){end, k};
}

/* Rules match a line after its log prefix and without its CR (the view
 * eval_line gets), but the scanner runs over whole blocks, where ^ is a
 * line's first byte and $ stands before '\n': a pattern anchored at a
 * timestamped line's text, or at the end of a CRLF line, would find no
 * candidate. So the scanner reads the block with two kinds of byte made
 * newlines: the blank that ends a line's log prefix (a prefix always ends
 * with one) and a CR that ends a line. Every offset stays where it was
 * (hits map to lines through the unmasked block), and ^ and $ then hold
 * where they hold in the view. Masking writes a byte or two per line, not
 * a copy: a block the classifier owns (the colour-stripped one) is masked
 * in place and restored after the scan (unmask_lines); the caller's bytes
 * are copied first, only when some line needs a mask. */

/* Whether a line (v bytes) can start with a log prefix: what
 * classify_skip_log_prefix needs first, checked without a call. A stamp
 * is "dddd-" or "[d", BuildKit "#", bazel's "(dd:", a syslog month "Aaa ", kubectl's
 * "[pod/", the runner's "[command:". tab: whether the line holds a tab at
 * all (mask_lines finds them with its newlines): most lines hold none, and
 * looking for gh run view's column tab in each cost a tenth of the scan. */
static bool maybe_prefix(const char *s, size_t v, bool tab)
{
    unsigned char ch = (unsigned char)s[0];
    if (ch >= '0' && ch <= '9' && v > 19 && s[4] == '-') return true;
    if (ch == '[') return v > 2 && ((s[1] >= '0' && s[1] <= '9') || s[1] == 'p' || s[1] == 'c');
    if (ch == '#') return v > 3;
    if (ch == '(') return v > 11 && s[3] == ':' && s[9] == ')'; /* bazel's "(07:22:49) " */
    if (ch >= 'A' && ch <= 'Z' && v > 15 && s[3] == ' ') return true;
    if (ch == 0xef) return v > 22 && (unsigned char)s[1] == 0xbb;
    if (ch == ' ') return v > 12 && s[11] == ' ' && s[10] == ']'; /* Ant's "     [exec] " */
    /* gh run view's "job<TAB>step<TAB>stamp" */
    return tab && v > 24 && memchr(s, '\t', v < JOB_STEP_MAX ? v : JOB_STEP_MAX) != NULL;
}

/* e: where to note the byte to restore; NULL in a copy (thrown away). */
static void mask_byte(struct mask_edits *e, char *m, size_t at)
{
    if (e) {
        e->v = xgrow(e->v, &e->cap, e->n + 1, sizeof *e->v);
        e->v[e->n++] = (struct mask_edit){at, m[at]};
    }
    m[at] = '\n';
}

/* Masks line s[ls..le) of the block: in *m, which is s itself when the
 * block is ours (e notes the edits), else copy (n bytes, e NULL), filled
 * the first time a line needs it. */
static inline void mask_line(struct mask_edits *e, const char *s, size_t n, size_t ls, size_t le,
                             char **m, char *copy, bool *lng, bool tab)
{
    if (le == ls) return;
    bool cr = s[le - 1] == '\r';
    size_t ll = le - ls, v = ll > CLASSIFY_LINE_MAX ? CLASSIFY_LINE_MAX : ll; /* as scan_hits views it */
    if (ll > CLASSIFY_LINE_MAX) *lng = true;
    if (cr && v == ll) v--;
    size_t k = v && maybe_prefix(s + ls, v, tab) ? skip_log_prefix(s + ls, v, tab) : 0;
    if (!k && !cr) return;
    if (!*m) { /* one copy of the whole block: cheaper than one per line */
        memcpy(copy, s, n);
        *m = copy;
    }
    if (k) mask_byte(e, *m, ls + k - 1);
    if (cr) mask_byte(e, *m, le - 1);
}

/* Whether line s[ls..le) may be one mask_line changes or flags: a cheap
 * superset of maybe_prefix (its first-byte shapes without the lengths),
 * a CR end, a tab or a long line, tested without a branch per shape. Most
 * lines are none of these, and the exact test per line (a call and a
 * mispredicted branch or two on a mixed log's first bytes) cost about a
 * twentieth of a classification. Near the end of s (the shapes read up to
 * 11 bytes on) it says yes and leaves the question to mask_line. */
static inline bool line_may_mask(const char *s, size_t n, size_t ls, size_t le, bool tab)
{
    if (ls + 12 > n) return true;
    const unsigned char *u = (const unsigned char *)s + ls;
    unsigned c0 = u[0], c1 = u[1];
    unsigned dig0 = c0 - '0' < 10u, dig1 = c1 - '0' < 10u;
    unsigned p = (dig0 & (u[4] == '-')) | ((c0 == '[') & (dig1 | (c1 == 'p') | (c1 == 'c'))) | (c0 == '#') |
                 ((c0 - 'A' < 26u) & (u[3] == ' ')) | ((c0 == 0xef) & (c1 == 0xbb)) |
                 ((c0 == ' ') & (u[10] == ']') & (u[11] == ' '));
    /* an empty line reads its own newline, not a CR */
    return (p | (unsigned)tab | (s[le - (le > ls)] == '\r') | (le - ls > CLASSIFY_LINE_MAX)) != 0;
}

#define NL_CK 4096 /* bytes between newline checkpoints (a power of two, a multiple of 64) */

/* The block s[0..n) as the scanner reads it: own is s when the block is
 * the classifier's, masked in place (unmask_lines restores it from e),
 * else NULL and copy has room for n bytes. Walking the lines anyway, it
 * counts them: s starts at byte at of a run of blocks whose newlines are
 * counted together, *nl (in: the run's newlines before s; out: with those
 * of s) and ck[j] the run's newlines before its byte j * NL_CK (ck has
 * (at + n) / NL_CK + 1 entries). */
static const char *mask_lines(struct mask_edits *e, char *own, char *copy, const char *s, size_t n,
                              uint32_t *ck, size_t at0, size_t *nl, bool *lng)
{
    char *m = own;
    size_t ls = 0, i = 0, count = *nl;
    /* the last tab before i, +1 (0: none): a line [ls, x) holds a tab iff
     * the last one before x is at or after ls */
    size_t tab1 = 0;
    e->n = 0;
    if (!own) e = NULL; /* a copy is not restored */
#if defined(__SSE2__)
    for (; i < n && ((at0 + i) & 63) != 0; i++) { /* to where checkpoints fall on a 64-byte step */
        if (s[i] == '\t') tab1 = i + 1;
        if (s[i] != '\n') continue;
        count++;
        mask_line(e, s, n, ls, i, &m, copy, lng, tab1 > ls);
        ls = i + 1;
    }
    for (; i + 64 <= n; i += 64) {
        if (((at0 + i) & (NL_CK - 1)) == 0) ck[(at0 + i) / NL_CK] = (uint32_t)count;
        uint64_t bits = classify_nl_mask64(s + i), tabs = classify_byte_mask64(s + i, '\t');
        while (bits) {
            unsigned b = (unsigned)__builtin_ctzll(bits);
            size_t at = i + b;
            bits &= bits - 1;
            count++;
            uint64_t before = tabs & ((1ull << b) - 1); /* this chunk's tabs before the newline */
            size_t t1 = before ? i + 64 - (size_t)__builtin_clzll(before) : tab1;
            if (line_may_mask(s, n, ls, at, t1 > ls)) mask_line(e, s, n, ls, at, &m, copy, lng, t1 > ls);
            ls = at + 1;
        }
        if (tabs) tab1 = i + 64 - (size_t)__builtin_clzll(tabs);
    }
#endif
    for (; i < n; i++) {
        if (((at0 + i) & (NL_CK - 1)) == 0) ck[(at0 + i) / NL_CK] = (uint32_t)count;
        if (s[i] == '\t') tab1 = i + 1;
        if (s[i] != '\n') continue;
        count++;
        mask_line(e, s, n, ls, i, &m, copy, lng, tab1 > ls);
        ls = i + 1;
    }
    if (ls < n) mask_line(e, s, n, ls, n, &m, copy, lng, tab1 > ls);
    *nl = count;
    return m ? m : s;
}

/* Room for the checkpoints of an n-byte block. */
static uint32_t *nl_room(uint32_t **ck, size_t *cap, size_t n)
{
    *ck = xgrow(*ck, cap, n / NL_CK + 1, sizeof **ck);
    return *ck;
}

/* Newlines in sb before position x (mask_lines' counts): sb[0] is at
 * position base of the checkpoints, whose counts start at sb[0]. */
static size_t nl_before(const struct classify_ctx *c, const char *sb, size_t base, size_t x)
{
    size_t j = (base + x) / NL_CK;
    if (j * NL_CK < base) return classify_count_newlines(sb, x);
    return c->nlck[j] + classify_count_newlines(sb + (j * NL_CK - base), base + x - j * NL_CK);
}

static void unmask_lines(struct mask_edits *e, char *own)
{
    if (own)
        for (size_t i = 0; i < e->n; i++) own[e->v[i].at] = e->v[i].was;
    e->n = 0;
}

/* Removes ANSI CSI sequences (ESC [ params final) and NUL bytes for
 * matching; newlines stay, so line numbers do not move. NULs go because a
 * log a Windows shell redirected is UTF-16LE: dropping them leaves its ASCII
 * text for the rules (its CRLF arrives as CR NUL LF NUL, so the lines stay
 * where they are). Where bytes were cut is recorded so that a position in
 * the stripped text maps back to the original. A sequence never spans a
 * newline (none of its bytes is one), so whole lines strip alike alone or
 * in a larger stretch. */
static void add_cut(struct cutlist *cl, size_t from, size_t at, size_t removed)
{
    if (cl->n > from && cl->v[cl->n - 1].at == at) {
        cl->v[cl->n - 1].removed = removed;
        return;
    }
    cl->v = xgrow(cl->v, &cl->cap, cl->n + 1, sizeof *cl->v);
    cl->v[cl->n++] = (struct cut){at, removed};
}

/* Strips s[0..n) into o0 (room for n bytes), appending its cuts to cl
 * (positions in o0, bytes removed before them in all). Returns the bytes
 * kept. */
static size_t strip_ansi(char *o0, struct cutlist *cl, const char *s, size_t n)
{
    size_t from = cl->n;
    char *o = o0;
    size_t i = 0;
    const char *next_esc = memchr(s, 0x1b, n); /* the next ESC at or after i, or NULL: not searched again per NUL */
    while (i < n) {
        if (next_esc && next_esc < s + i) next_esc = memchr(s + i, 0x1b, n - i);
        const char *esc = next_esc;
        const char *nul = memchr(s + i, 0, (esc ? (size_t)(esc - s) : n) - i);
        if (nul) esc = nul;
        size_t upto = esc ? (size_t)(esc - s) : n;
        memcpy(o, s + i, upto - i);
        o += upto - i;
        i = upto;
        if (!esc) break;
        if (s[i] == 0x1b && i + 1 < n && s[i + 1] == '[') {
            size_t j = i + 2;
            while (j < n && (unsigned char)s[j] >= 0x30 && (unsigned char)s[j] <= 0x3f) j++;
            while (j < n && (unsigned char)s[j] >= 0x20 && (unsigned char)s[j] <= 0x2f) j++;
            if (j < n && (unsigned char)s[j] >= 0x40 && (unsigned char)s[j] <= 0x7e) {
                i = j + 1;
                add_cut(cl, from, (size_t)(o - o0), i - (size_t)(o - o0));
                continue;
            }
        }
        /* An APC or OSC string ("ESC _ ... BEL", "ESC ] ... ESC \"): Buildkite
         * stamps every line "ESC_bk;t=1781335317000BEL", terminals get OSC 8
         * links; left in, the stamp hides the tool's line from ^ anchors. A
         * string with no terminator on the line is only its ESC. */
        if (s[i] == 0x1b && i + 1 < n && (s[i + 1] == '_' || s[i + 1] == ']')) {
            size_t j = i + 2;
            while (j < n && s[j] != 0x07 && s[j] != 0x1b && s[j] != '\n') j++;
            size_t end = j < n && s[j] == 0x07 ? j + 1 : j + 1 < n && s[j] == 0x1b && s[j + 1] == '\\' ? j + 2 : 0;
            if (end) {
                i = end;
                add_cut(cl, from, (size_t)(o - o0), i - (size_t)(o - o0));
                continue;
            }
        }
        i++; /* a NUL or a lone ESC: drop it */
        add_cut(cl, from, (size_t)(o - o0), i - (size_t)(o - o0));
    }
    return (size_t)(o - o0);
}

/* Bytes cut before stripped position x: by the last cut at or before x
 * (inclusive) or strictly before it. */
static size_t cut_before(const struct cut *v, size_t n, size_t x, bool inclusive)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid].at < x || (inclusive && v[mid].at == x)) lo = mid + 1;
        else hi = mid;
    }
    return lo ? v[lo - 1].removed : 0;
}

static bool needs_strip(const char *s, size_t n) { return memchr(s, 0x1b, n) || memchr(s, 0, n); }

#ifdef HAVE_HYPERSCAN
/* Where a lane's hits go: its own list, as ends from the block's start. */
struct sink {
    struct classify_ctx *c;
    size_t base; /* of the scanned piece in the block */
    int lane;
};

static int on_hs_match(unsigned int id, unsigned long long from, unsigned long long to,
                       unsigned int flags, void *ctx)
{
    struct sink *k = ctx;
    struct classify_ctx *c = k->c;
    int l = k->lane;
    (void)from;
    (void)flags;
    c->lhits[l] = xgrow(c->lhits[l], &c->caplhits[l], c->nlhits[l] + 1, sizeof *c->lhits[l]);
    c->lhits[l][c->nlhits[l]++] = (struct hit){k->base + (size_t)to, (int)id};
    return 0;
}

/* A block is stripped, masked and scanned a piece of about SCAN_PIECE
 * bytes (whole lines) at a time, so that the piece is still in the core's
 * cache when Hyperscan reads it. All bounds are found at once, up front
 * (classify_piece_starts): the two lanes of a large block take the next
 * piece from a shared counter, and neither waits for the other while
 * pieces remain (a lane that starts late, or loses its CPU for a while,
 * does fewer). Each piece is stripped (of colour and NULs) by its
 * lane too, into the strip buffer at the piece's own offset: the lanes
 * need not wait for a strip of the whole block, which took about a tenth
 * of the caller's time on a coloured log and left the second core idle
 * meanwhile. */
#define SCAN_PIECE (192u * 1024)
#define PIECE_MIN (24u * 1024)

/* A piece starts at the block's start or after the first newline at or
 * after SCAN_PIECE bytes into the piece before. With two lanes (taper)
 * the last pieces halve, down to PIECE_MIN: the lane that takes the
 * block's last piece is the one the other waits for, half a piece on
 * average, for every block (a 1 MiB block took five whole pieces and a
 * sixth). */
size_t classify_piece_starts(const char *s, size_t n, bool taper, size_t *starts, size_t room)
{
    size_t k = 0, pos = 0;
    while (k < room) {
        starts[k++] = pos;
        size_t rest = n - pos, want = SCAN_PIECE;
        if (taper && rest < 2 * SCAN_PIECE) want = rest / 2;
        if (want < PIECE_MIN || want >= rest) break; /* the last piece */
        const char *nl = memchr(s + pos + want, '\n', rest - want);
        if (!nl || (size_t)(nl - s) + 1 >= n) break;
        pos = (size_t)(nl - s) + 1;
    }
    return k;
}

size_t classify_piece_room(size_t n) { return n / PIECE_MIN + 2; }

struct block_scan {
    struct classify_ctx *c;
    const char *p;
    size_t n;
    size_t npieces;
    _Atomic size_t next; /* the next piece a lane takes */
};

struct lane {
    struct block_scan *bs;
    struct buf *copy;     /* room for a masked piece (unless stripped) */
    struct mask_edits *e; /* bytes masked in a stripped piece, to restore */
    hs_scratch_t *scratch;
    int id;
};

static void scan_lane(void *arg)
{
    struct lane *l = arg;
    struct block_scan *bs = l->bs;
    struct classify_ctx *c = bs->c;
    for (;;) {
        size_t i = atomic_fetch_add(&bs->next, 1);
        if (i >= bs->npieces) break;
        struct piece *pc = &c->pieces[i];
        size_t a = pc->start, b = i + 1 < bs->npieces ? c->pieces[i + 1].start : bs->n;
        pc->lane = l->id;
        pc->nl = 0;
        pc->hit0 = pc->hit1 = c->nlhits[l->id];
        pc->cut0 = pc->cut1 = c->lcuts[l->id].n;
        pc->len = b - a;
        pc->stripped = false;
        if (a == b) continue;
        const char *src = bs->p + a;
        char *own = NULL, *copy = NULL;
        if (needs_strip(src, b - a)) {
            own = c->strip.p + a;
            pc->len = strip_ansi(own, &c->lcuts[l->id], src, b - a);
            pc->cut1 = c->lcuts[l->id].n;
            pc->stripped = true;
            src = own;
            if (pc->len == 0) continue;
        } else {
            buf_reserve(l->copy, b - a);
            copy = l->copy->p;
        }
        size_t n = pc->len;
        bool lng = false;
        /* checkpoints inside the piece count from its start */
        const char *m = mask_lines(l->e, own, copy, src, n, c->nlck, a, &pc->nl, &lng);
        struct sink k = {c, a, l->id};
        hs_scan(c->rs->db, m, (unsigned)n, 0, l->scratch, on_hs_match, &k);
        /* the `scan apart` patterns, while the piece is in the cache; their
         * hits come after the piece's others (eval_hits sorts) */
        if (c->rs->adb) hs_scan(c->rs->adb, m, (unsigned)n, 0, l->scratch, on_hs_match, &k);
        /* gated patterns stand in by synthetic hits only on lines of at
         * most CLASSIFY_LINE_MAX bytes (gate_hits): a longer line gets their
         * real hits, as from the whole-log database */
        if (lng && c->rs->gdb) hs_scan(c->rs->gdb, m, (unsigned)n, 0, l->scratch, on_hs_match, &k);
        unmask_lines(l->e, own);
        pc->hit1 = c->nlhits[l->id];
    }
}

/* Scans a block with Hyperscan, a piece at a time into c->pieces; a large
 * block on two threads (the caller's and the context's helper). Only the
 * (rare) hits are collected, and the pieces are then evaluated in order
 * (scan_hits), so the evaluation is the same as on one thread. Returns the
 * number of pieces. */
static size_t scan_hs(struct classify_ctx *c, const char *sb, size_t slen)
{
    bool two = slen >= PAR_MIN && !c->par_off;
    if (two && !c->scratch2 && hs_clone_scratch(c->rs->scratch_proto, &c->scratch2) != HS_SUCCESS) two = false;
    if (two && !c->helper) c->helper = helper_start();
    if (!c->helper) two = false;
    size_t room = classify_piece_room(slen);
    c->pstarts = xgrow(c->pstarts, &c->cappstarts, room, sizeof *c->pstarts);
    /* all bounds before either lane starts: a lane masks its piece in
     * place when it stripped it, and a newline it writes there must not
     * end a piece */
    size_t np = classify_piece_starts(sb, slen, two, c->pstarts, room);
    c->pieces = xgrow(c->pieces, &c->cappieces, np, sizeof *c->pieces);
    for (size_t i = 0; i < np; i++) c->pieces[i].start = c->pstarts[i];
    if (np < 2) two = false;
    struct block_scan bs = {c, sb, slen, np, 0};
    nl_room(&c->nlck, &c->capnlck, slen);
    buf_reset(&c->strip);
    buf_reserve(&c->strip, slen); /* before the lanes: each strips into its pieces' part */
    struct lane first = {&bs, &c->mask, &c->medits, c->scratch, 0};
    struct lane second = {&bs, &c->mask2, &c->medits2, c->scratch2, 1};
    for (int l = 0; l < 2; l++) {
        c->nlhits[l] = 0;
        c->lcuts[l].n = 0;
    }
    if (two) helper_post(c->helper, scan_lane, &second);
    scan_lane(&first);
    if (two) helper_wait(c->helper);
    return bs.npieces;
}
#endif

/* Fallback scanner: required literals by their first two bytes, then the
 * combined regex of the patterns that have no literal (whose hits make
 * the whole line be evaluated against every rule). */
static void scan_pcre(struct classify_ctx *c, const char *s, size_t n)
{
    const struct classify_rules *rs = c->rs;
    const unsigned char *lo = rs->lower;
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i + 1 < n; i++) {
        unsigned key = (unsigned)lo[u[i]] << 8 | lo[u[i + 1]];
        if (!(rs->bg_bits[key >> 3] & (1u << (key & 7)))) continue;
        uint32_t a = rs->bg_start[key], b = rs->bg_start[key + 1];
        for (uint32_t j = a; j < b; j++) {
            uint32_t id = rs->bg_items[j];
            size_t L = rs->litlen[id];
            if (i + L > n) continue;
            const unsigned char *lit = (const unsigned char *)rs->lits[id];
            size_t q = 2;
            while (q < L && lo[u[i + q]] == lit[q]) q++;
            if (q == L) push_hit(c, i + L, (int)id);
        }
    }
    if (!rs->combined) return;
    size_t pos = 0;
    bool per_line = false; /* after a limit: one line per match call, each with its own budget */
    while (pos < n) {
        const char *eol = per_line ? memchr(s + pos, '\n', n - pos) : NULL;
        size_t lim = eol ? (size_t)(eol - s) + 1 : n;
        int rc = pcre2_match(c->rs->combined, (PCRE2_SPTR)s, lim, pos, 0, c->md, c->mctx);
        if (rc == PCRE2_ERROR_NOMATCH && lim < n) {
            pos = lim;
            continue;
        }
        if (rc == PCRE2_ERROR_NOMATCH) break;
        if (rc < 0) {
            /* a limit, over the block or one line: that line counts as no
             * match, the rest of the block is still scanned */
            if (per_line) {
                /* every rule is tried on that line on its own, so the one
                 * that gave up is named and the others still match */
                push_hit(c, pos + 1, -1);
                pos = lim;
            }
            per_line = true;
            continue;
        }
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(c->md);
        size_t end = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
        if (end > n) end = n;
        push_hit(c, end, -1);
        const char *nl = memchr(s + end - 1, '\n', n - (end - 1));
        if (!nl) break;
        pos = (size_t)(nl - s) + 1;
    }
}

static int cmp_hit(const void *a, const void *b)
{
    const struct hit *x = a, *y = b;
    if (x->end != y->end) return x->end < y->end ? -1 : 1;
    return x->k - y->k;
}


/* Collects the rules worth evaluating for hits[a..b). */
static size_t gather(struct classify_ctx *c, size_t a, size_t b)
{
    const struct classify_rules *rs = c->rs;
    c->epoch++;
    if (c->epoch == 0) {
        memset(c->rule_epoch, 0, rs->nrules * sizeof *c->rule_epoch);
        memset(c->pat_epoch, 0, rs->nscan * sizeof *c->pat_epoch);
        c->epoch = 1;
    }
    c->all_pats = false;
    size_t n = 0;
    for (size_t i = a; i < b; i++) {
        if (c->hits[i].k < 0) { /* fallback: every rule */
            c->all_pats = true;
            n = 0;
            for (size_t r = 0; r < rs->nrules; r++)
                if (!rs->rules[r].dead) c->cand[n++] = (int)r;
            return n;
        }
        const struct scan_target *t = &rs->targets[c->hits[i].k];
        for (size_t j = 0; j < t->nk; j++) {
            c->pat_epoch[t->ks[j]] = c->epoch;
            int r = rs->scan[t->ks[j]].rule;
            if (c->rule_epoch[r] != c->epoch) {
                c->rule_epoch[r] = c->epoch;
                c->cand[n++] = r;
            }
        }
    }
    /* rule order, not hit order: findings on one line come out the same
     * whichever scanner and anchors found them */
    for (size_t i = 1; i < n; i++) {
        int r = c->cand[i];
        size_t j = i;
        for (; j > 0 && c->cand[j - 1] > r; j--) c->cand[j] = c->cand[j - 1];
        c->cand[j] = r;
    }
    return n;
}

/* Start of the line holding sb[p] (p < slen). */
static size_t line_start(const char *sb, size_t p)
{
    const char *nl = p ? memrchr(sb, '\n', p) : NULL;
    return nl ? (size_t)(nl - sb) + 1 : 0;
}

/* Walks from line start `from` up to `count` lines (not past `to`),
 * pushing a synthetic hit of target t (if t >= 0) on each line of at most
 * CLASSIFY_LINE_MAX bytes: a longer line is evaluated in windows around
 * its real hits, and its piece was scanned for the gated patterns too
 * (scan_lane). Returns where it stopped (a line start or slen) and in
 * *lines the lines it passed. */
static size_t gate_lines(struct classify_ctx *c, const char *sb, size_t slen, size_t from, size_t to,
                         int64_t count, int t, int64_t *lines)
{
    int64_t k = 0;
    while (from < to && from < slen && k < count) {
        const char *nl = memchr(sb + from, '\n', slen - from);
        size_t le = nl ? (size_t)(nl - sb) : slen;
        if (t >= 0 && le - from <= CLASSIFY_LINE_MAX) push_hit(c, from + 1, t); /* end - 1 is on the line */
        from = nl ? le + 1 : slen;
        k++;
    }
    if (lines) *lines = k;
    return from;
}

/* Gated patterns (struct classify_rules) are not in the whole-log scan:
 * each gets a synthetic hit on every line within its rule's N lines of a
 * hit of one of that rule's near patterns, which covers every line where
 * the rule can record a finding (PCRE2 still decides, as for any hit).
 * Near hits of an earlier block reach into this one through gate_until;
 * the last N + 1 lines of the block are tried whatever follows (a near
 * hit in the next block reaches back to them; a block that ends inside a
 * line is continued under the same line number). c->hits must be sorted;
 * the synthetic hits go after them (the caller sorts again). nl: the
 * block's newlines. */
static void gate_hits(struct classify_ctx *c, const char *sb, size_t slen, int64_t first_line, size_t nl)
{
    const struct classify_rules *rs = c->rs;
    if (slen == 0) return;
    size_t nh = c->nhits;
    bool open_end = sb[slen - 1] != '\n';
    for (size_t g = 0; g < rs->ngated; g++) {
        int t = rs->gated[g];
        int64_t n = rs->gate_near[g];
        uint32_t bit = 1u << g;
        size_t covered = 0; /* the lines before it have their hit */
        if (c->gate_until[g] >= first_line)
            covered = gate_lines(c, sb, slen, 0, slen, c->gate_until[g] - first_line + 1, t, NULL);
        for (size_t i = 0; i < nh; i++) {
            if (c->hits[i].k < 0 || !(rs->gate_of[c->hits[i].k] & bit)) continue;
            size_t pos = c->hits[i].end ? c->hits[i].end - 1 : 0;
            if (pos >= slen) pos = slen - 1;
            size_t ls = line_start(sb, pos), a = ls;
            for (int64_t q = 0; q < n && a > 0; q++) a = line_start(sb, a - 1);
            int64_t passed = 0;
            size_t b = gate_lines(c, sb, slen, ls, slen, n + 1, -1, &passed); /* the near line, n after */
            if (a < covered) a = covered;
            if (a < b) gate_lines(c, sb, slen, a, b, INT64_MAX, t, NULL);
            if (b > covered) covered = b;
            if (b >= slen) { /* its reach goes on into the next block */
                int64_t after = passed - (open_end ? 1 : 0); /* newlines from ls to the end */
                int64_t line = first_line + (int64_t)nl - after;
                if (line + n > c->gate_until[g]) c->gate_until[g] = line + n;
            }
        }
        size_t a = line_start(sb, slen - 1);
        for (int64_t q = 0; q < n && a > 0; q++) a = line_start(sb, a - 1);
        if (a < covered) a = covered;
        gate_lines(c, sb, slen, a, slen, INT64_MAX, t, NULL);
    }
}

/* Evaluates the hits in c->hits of a stretch of whole lines: buf[0..len)
 * as it came, sb[0..slen) as scanned (stripped, with cuts, if `stripped`),
 * sb[0] at position ck_base of the newline checkpoints; lines: its
 * newlines. The first line is line number first_line; if cont_off >= 0
 * that line started before buf, at stream offset cont_off. */
static void eval_hits(struct classify_ctx *c, const char *buf, size_t len, const char *sb, size_t slen,
                      bool stripped, const struct cut *cuts, size_t ncuts, size_t ck_base, size_t lines,
                      int64_t first_line, int64_t off_base, int64_t cont_off)
{
    for (int pass = 0; pass < 2; pass++) {
        bool sorted = true; /* Hyperscan mostly reports in order already */
        for (size_t i = 1; i < c->nhits && sorted; i++) sorted = cmp_hit(&c->hits[i - 1], &c->hits[i]) <= 0;
        if (!sorted) qsort(c->hits, c->nhits, sizeof *c->hits, cmp_hit);
        if (pass || !c->rs->ngated || !c->rs->use_hs) break;
        size_t before = c->nhits;
        gate_hits(c, sb, slen, first_line, lines);
        if (c->nhits == before) break;
    }
    if (c->nhits == 0) return;

    size_t count_pos = 0; /* a line start in sb */
    int64_t line_idx = 0; /* lines of sb before count_pos */
    size_t i = 0;
    while (i < c->nhits) {
        size_t pos = c->hits[i].end ? c->hits[i].end - 1 : 0;
        if (pos >= slen) pos = slen - 1;
        if (pos < count_pos) { /* a hit on a line already done */
            i++;
            continue;
        }
        const char *prev = pos > count_pos ? memrchr(sb + count_pos, '\n', pos - count_pos) : NULL;
        size_t ls = prev ? (size_t)(prev - sb) + 1 : count_pos;
        if (ls > count_pos) /* from the last line or the nearest checkpoint, the shorter count */
            line_idx = ls - count_pos <= NL_CK / 2
                           ? line_idx + (int64_t)classify_count_newlines(sb + count_pos, ls - count_pos)
                           : (int64_t)nl_before(c, sb, ck_base, ls);
        count_pos = ls;
        const char *nl = memchr(sb + pos, '\n', slen - pos);
        size_t le = nl ? (size_t)(nl - sb) : slen;
        size_t j = i;
        while (j < c->nhits && (c->hits[j].end ? c->hits[j].end - 1 : 0) <= le) j++;

        /* the same line in the original bytes */
        size_t ols, ole;
        if (stripped) { /* a line start keeps the cuts just after the previous newline */
            ols = ls + cut_before(cuts, ncuts, ls, false);
            ole = le + cut_before(cuts, ncuts, le, true);
            if (ole > len) ole = len;
        } else {
            ols = ls;
            ole = le;
        }
        int64_t lineno = first_line + line_idx;
        int64_t offset = (line_idx == 0 && cont_off >= 0) ? cont_off : off_base + (int64_t)ols;
        size_t oend = ole;
        if (oend > ols && buf[oend - 1] == '\r') oend--;
        size_t vend = le;
        if (vend > ls && sb[vend - 1] == '\r') vend--;

        /* Evaluate windows of at most CLASSIFY_LINE_MAX bytes around the hits. */
        size_t a = i;
        while (a < j) {
            size_t hpos = c->hits[a].end ? c->hits[a].end - 1 : 0;
            size_t ws = ls, we = vend;
            if (vend - ls > CLASSIFY_LINE_MAX) {
                ws = hpos > ls + CLASSIFY_LINE_MAX / 2 ? hpos - CLASSIFY_LINE_MAX / 2 : ls;
                we = ws + CLASSIFY_LINE_MAX < vend ? ws + CLASSIFY_LINE_MAX : vend;
            }
            size_t b = a;
            while (b < j && (c->hits[b].end ? c->hits[b].end - 1 : 0) < we) b++;
            if (b == a) b = a + 1;
            /* the text: the line, or a window of it around the hit */
            size_t ts = ols, te = oend;
            if (te - ts > CLASSIFY_TEXT_MAX) {
                if (!stripped && hpos > ols + CLASSIFY_TEXT_MAX / 2)
                    ts = hpos - CLASSIFY_TEXT_MAX / 2;
                if (ts + CLASSIFY_TEXT_MAX < te) te = ts + CLASSIFY_TEXT_MAX;
            }
            size_t nc = gather(c, a, b);
            size_t vs = ws == ls && we > ws ? ws + classify_skip_log_prefix(sb + ws, we - ws) : ws;
            if (we > ws || nc)
                eval_line(c, c->cand, nc, sb + vs, we > vs ? we - vs : 0, vs - ws, lineno, offset, buf + ts,
                          te - ts);
            a = b;
        }
        i = j;
        if (le >= slen) break;
        count_pos = le + 1;
        line_idx++;
    }
}

/* Scans buf[0..len): whole lines, the last one possibly unterminated.
 * The first line is line number first_line; if cont_off >= 0 that line
 * started before buf, at stream offset cont_off. Returns the number of
 * newlines in buf (counted once, on the way to the hits). */
static int64_t scan_hits(struct classify_ctx *c, const char *buf, size_t len, int64_t first_line,
                         int64_t off_base, int64_t cont_off)
{
    if (len == 0) return 0;
#ifdef HAVE_HYPERSCAN
    if (c->rs->use_hs) {
        /* each piece in order, as a stretch of its own: a near hit's reach
         * goes on into the next one as into the next block (gate_until) */
        size_t np = scan_hs(c, buf, len), lines = 0;
        for (size_t i = 0; i < np; i++) {
            const struct piece *pc = &c->pieces[i];
            size_t a = pc->start, b = i + 1 < np ? c->pieces[i + 1].start : len;
            if (pc->len == 0) continue; /* empty, or nothing left after stripping */
            const struct hit *h = c->lhits[pc->lane];
            c->nhits = 0;
            c->hits = xgrow(c->hits, &c->caphits, pc->hit1 - pc->hit0, sizeof *c->hits);
            for (size_t k = pc->hit0; k < pc->hit1; k++) c->hits[c->nhits++] = (struct hit){h[k].end - a, h[k].k};
            eval_hits(c, buf + a, b - a, pc->stripped ? c->strip.p + a : buf + a, pc->len, pc->stripped,
                      c->lcuts[pc->lane].v + pc->cut0, pc->cut1 - pc->cut0, a, pc->nl,
                      first_line + (int64_t)lines, off_base + (int64_t)a, a == 0 ? cont_off : -1);
            lines += pc->nl;
        }
        return (int64_t)lines; /* stripping keeps every newline */
    }
#endif
    const char *sb = buf;
    size_t slen = len;
    bool stripped = false;
    c->cuts.n = 0;
    if (needs_strip(buf, len)) {
        buf_reset(&c->strip);
        buf_reserve(&c->strip, len);
        slen = c->strip.len = strip_ansi(c->strip.p, &c->cuts, buf, len);
        c->strip.p[slen] = 0;
        sb = c->strip.p;
        stripped = true;
        if (slen == 0) return 0;
    }
    c->nhits = 0;
    size_t lines = 0; /* newlines in sb */
    char *own = stripped ? c->strip.p : NULL;
    char *copy = NULL;
    if (!own) {
        buf_reserve(&c->mask, slen);
        copy = c->mask.p;
    }
    bool lng = false;
    scan_pcre(c, mask_lines(&c->medits, own, copy, sb, slen, nl_room(&c->nlck, &c->capnlck, slen), 0, &lines, &lng),
              slen);
    unmask_lines(&c->medits, own);
    eval_hits(c, buf, len, sb, slen, stripped, c->cuts.v, c->cuts.n, 0, lines, first_line, off_base, cont_off);
    return (int64_t)lines; /* stripping keeps every newline */
}

static int64_t scan_region(struct classify_ctx *c, const char *buf, size_t len, int64_t first_line,
                           int64_t off_base, int64_t cont_off)
{
    int64_t n = scan_hits(c, buf, len, first_line, off_base, cont_off);
    block_lines(c, buf, len, first_line, off_base, cont_off);
    tail_lines(c, buf, len, first_line, n, off_base, cont_off);
    return n;
}

/* ---- feeding ------------------------------------------------------------ */

/* Scans the carried partial line (it ends a line when `ends` is true). */
static void flush_carry(struct classify_ctx *c)
{
    if (c->carry.len == 0) return;
    scan_region(c, c->carry.p, c->carry.len, c->lines + 1, c->carry_off,
                c->carry_cont ? c->carry_line_off : -1);
}

static void feed_slice(struct classify_ctx *c, const char *p, size_t n)
{
    while (n > 0) {
        if (c->carry.len > 0 || c->carry_cont) {
            const char *nl = memchr(p, '\n', n);
            size_t take = nl ? (size_t)(nl - p) + 1 : n;
            size_t used = 0;
            while (used < take) {
                size_t room = CLASSIFY_LINE_MAX - c->carry.len;
                size_t part = take - used < room ? take - used : room;
                if (c->carry.len == 0) c->carry_off = c->bytes - (int64_t)n + (int64_t)used;
                buf_append(&c->carry, p + used, part);
                used += part;
                if (c->carry.len >= CLASSIFY_LINE_MAX && used < take) {
                    /* the line is longer than the buffer: scan what we
                     * have and keep going with the same line */
                    flush_carry(c);
                    if (!c->carry_cont) c->carry_line_off = c->carry_off;
                    c->carry_cont = true;
                    buf_reset(&c->carry);
                }
            }
            p += take;
            n -= take;
            if (!nl) return;
            flush_carry(c);
            buf_reset(&c->carry);
            c->carry_cont = false;
            c->lines++;
            continue;
        }
        const char *last = memrchr(p, '\n', n);
        if (last) {
            size_t len = (size_t)(last - p) + 1;
            c->lines += scan_region(c, p, len, c->lines + 1, c->bytes - (int64_t)n, -1);
            p += len;
            n -= len;
        }
        if (n > 0) {
            c->carry_off = c->bytes - (int64_t)n;
            c->carry_line_off = c->carry_off;
            /* Go through the capped path above. */
            if (n <= CLASSIFY_LINE_MAX) {
                buf_append(&c->carry, p, n);
                return;
            }
            buf_append(&c->carry, p, CLASSIFY_LINE_MAX);
            p += CLASSIFY_LINE_MAX;
            n -= CLASSIFY_LINE_MAX;
            flush_carry(c);
            c->carry_cont = true;
            buf_reset(&c->carry);
        }
    }
}

void classify_feed(struct classify_ctx *c, const void *bytes, size_t n)
{
    if (c->finished || n == 0) return;
    const char *p = bytes;
    while (n > 0) {
        size_t part = n > FEED_SLICE ? FEED_SLICE : n;
        c->bytes += (int64_t)part;
        feed_slice(c, p, part);
        p += part;
        n -= part;
    }
}

/* ---- status signals ------------------------------------------------------ */

struct reason_map {
    const char *reason;
    const char *class_id; /* NULL: a bare failure */
    int weight;
    const char *hint;
};

static const struct reason_map reasons[] = {
    {"OOMKilled", "resource.oom", 95, "The container was killed for exceeding its memory limit: raise resources.limits.memory or make the work use less memory."},
    {"OOMKilling", "resource.oom", 90, "The kernel killed a process for memory: raise the memory limit or reduce the work's memory use."},
    {"ErrImagePull", "image.pull", 95, "The image could not be pulled: check the image reference/tag, registry credentials (imagePullSecrets) and registry rate limits."},
    {"ImagePullBackOff", "image.pull", 95, "The image could not be pulled: check the image reference/tag, registry credentials (imagePullSecrets) and registry rate limits."},
    {"InvalidImageName", "image.pull", 90, "The image reference is malformed: fix spec.workload.image or the provider's image."},
    {"ErrImageNeverPull", "image.pull", 90, "imagePullPolicy Never and the image is not on the node."},
    {"DeadlineExceeded", "timeout", 85, "The Job ran past activeDeadlineSeconds: find what was slow or stuck, or raise the deadline."},
    {"WorkflowStepTimedOut", "timeout", 85, "A workflow step ran past its timeoutSeconds: find what was slow or stuck, or raise the step timeout."},
    {"TimedOut", "timeout", 80, "The workflow timed out."},
    {"ProviderCapacityExhausted", "rate-limit", 90, "The model provider is out of capacity/quota: wait for the reset, switch model, or raise the quota."},
    {"ProviderAuthUnavailable", "auth.credentials", 90, "The model provider's credentials are missing or expired: refresh the provider auth secret."},
    {"SpecImmutableViolation", "config.invalid", 85, "An immutable spec field was changed: create a new AgentRun instead of editing this one."},
    {"WorkflowConfigMapMissing", "config.invalid", 70, "A ConfigMap the workflow needs is missing."},
    {"RuntimeConfigMapMissing", "config.invalid", 70, "A ConfigMap the runtime needs is missing."},
    {"CreateContainerConfigError", "config.invalid", 75, "The pod references a Secret/ConfigMap key that does not exist: check the run's secrets and env."},
    {"IdempotencyKeyCompleted", "config.invalid", 90, "The idempotency key was already used by a completed run: rerun with a fresh key."},
    {"IdempotencyKeyInUse", "config.invalid", 90, "Another run holds this idempotency key: wait for it or use a fresh key."},
    {"MissingVcsAuth", "vcs.auth", 90, "The VersionControlProvider has no usable credentials: check its auth secret."},
    {"VcsAuthUnavailable", "vcs.auth", 90, "The VersionControlProvider's credentials are unavailable: check its auth secret."},
    {"UnsupportedVcsAuth", "vcs.auth", 85, "The VersionControlProvider's auth method is not supported."},
    {"Evicted", "resource.disk", 80, "The kubelet evicted the pod under node pressure (most often ephemeral storage): check the pod's disk use and the node's pressure conditions."},
};

/* Reasons that only say "it failed". */
static const char *const bare_failures[] = {
    "BackoffLimitExceeded", "RunnerFailed", "JobFailed", "JobMissing", "SubmitFailed",
    "WorkflowStepFailed", "WorkflowStepRetriesExhausted", "WorkflowJobMissing", "Error",
    "Failed", "CrashLoopBackOff", "ContainerCannotRun", "StartError", "TemporalError",
    "WorkflowLoopConditionError", "PodStartTimeout",
};

static const struct reason_map *lookup_reason(const char *reason)
{
    if (!reason) return NULL;
    for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
        if (strcmp(reasons[i].reason, reason) == 0) return &reasons[i];
    return NULL;
}

const char *classify_reason_class(const char *reason)
{
    const struct reason_map *m = lookup_reason(reason);
    return m ? m->class_id : NULL;
}

static bool is_bare_failure(const char *reason)
{
    if (!reason) return false;
    for (size_t i = 0; i < sizeof bare_failures / sizeof bare_failures[0]; i++)
        if (strcmp(bare_failures[i], reason) == 0) return true;
    return false;
}

/* Runs every rule over a signal's text (one or more lines). */
static void match_text(struct classify_ctx *c, const char *text, const char *source)
{
    if (!text || !*text) return;
    const struct classify_rules *rs = c->rs;
    size_t len = strlen(text);
    if (len > CLASSIFY_LINE_MAX) len = CLASSIFY_LINE_MAX;
    size_t i = 0;
    bool retry = false;
    while (i < len) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t n = nl ? (size_t)(nl - (text + i)) : len - i;
        const char *s = text + i;
        for (size_t r = 0; r < rs->nrules; r++)
            if (!rs->rules[r].dead && rs->rules[r].marker == MARK_RETRY && rule_matches(c, &rs->rules[r], s, n))
                retry = true;
        for (size_t r = 0; r < rs->nrules; r++) {
            const struct crule *cr = &rs->rules[r];
            if (cr->dead || cr->marker == MARK_RETRY || !rule_matches(c, cr, s, n)) continue;
            if (cr->marker) {
                if (cr->near_lines) continue; /* a signal is one message: no lines around */
                if (cr->marker == MARK_FAILURE) c->sig_failure = true;
                if (cr->marker == MARK_SUCCESS) c->sig_success = true;
                continue;
            }
            size_t tl = n < CLASSIFY_TEXT_MAX ? n : CLASSIFY_TEXT_MAX;
            record(c, (int)r, cr->class_id, cr->id, cr->hint, cr->weight, 0, -1, text_copy(s, tl),
                   CLASSIFY_F_SIGNAL | ((retry || cr->transient) ? CLASSIFY_F_TRANSIENT : 0), source);
        }
        i += n + 1;
    }
}

static void signal_reason(struct classify_ctx *c, const char *reason, const char *message,
                          const char *source, const char *rule_prefix)
{
    const struct reason_map *m = lookup_reason(reason);
    if (m) {
        char *text = xasprintf("%s%s%s", reason, message && *message ? ": " : "",
                               message ? message : "");
        if (strlen(text) > CLASSIFY_TEXT_MAX) text[CLASSIFY_TEXT_MAX] = 0;
        char *rid = xasprintf("%s%s", rule_prefix, reason);
        record(c, -1, m->class_id, rid, m->hint, m->weight, 0, -1, text, CLASSIFY_F_SIGNAL, source);
        free(rid);
    } else if (is_bare_failure(reason)) {
        c->sig_failure = true;
    }
}

static void signal_exit_code(struct classify_ctx *c, int code, const char *reason, const char *source)
{
    if (code <= 0) {
        if (code == 0 && reason && strcmp(reason, "Completed") == 0) return;
        return;
    }
    c->sig_failure = true;
    const char *cls = NULL, *hint = NULL;
    int w = 0;
    switch (code) {
    case 137:
        /* a SIGKILL: the memory limit only when the reason says OOMKilled
         * (signal_reason records that); alone it is a bare failure */
        return;
    case 139: cls = "runtime.crash", w = 60, hint = "Exit 139 is SIGSEGV: the program crashed."; break;
    case 134: cls = "runtime.crash", w = 55, hint = "Exit 134 is SIGABRT: the program aborted."; break;
    case 132: cls = "runtime.crash", w = 60, hint = "Exit 132 is SIGILL: the binary does not suit this CPU."; break;
    case 127:
        cls = "runtime.missing-executable", w = 45,
        hint = "Exit 127: the shell could not find the command; check the image and $PATH.";
        break;
    case 126:
        cls = "runtime.missing-executable", w = 40,
        hint = "Exit 126: the command is not executable; check its file mode and interpreter.";
        break;
    default: return;
    }
    char *text = xasprintf("exit code %d%s%s", code, reason ? " " : "", reason ? reason : "");
    char *rid = xasprintf("signal.exit-%d", code);
    record(c, -1, cls, rid, hint, w, 0, -1, text, CLASSIFY_F_SIGNAL, source);
    free(rid);
}

static void signal_termination(struct classify_ctx *c, const char *msg, const char *source)
{
    if (!msg || !*msg) return;
    char err[256];
    cJSON *j = json_parse_n(msg, strlen(msg), "termination message", err, sizeof err);
    if (!j) { /* truncated at 4 KiB or not JSON: still read its words */
        match_text(c, msg, source);
        return;
    }
    const char *status = json_str(j, "status");
    if (status && strcmp(status, "succeeded") == 0) c->sig_success = true;
    if (status && strcmp(status, "failed") == 0) c->sig_failure = true;
    const char *e = json_str(j, "error");
    const char *te = json_str(j, "turnError");
    if (e) match_text(c, e, source);
    if (te && (!e || strcmp(te, e) != 0)) match_text(c, te, source);
    int64_t code;
    if (json_int(j, "exitCode", &code) == 0 && code > 0 && code < 256) {
        /* 130 is the runner's cancel code, not a crash */
        if (code != 130) signal_exit_code(c, (int)code, NULL, source);
    }
    cJSON_Delete(j);
}

void classify_add_signal(struct classify_ctx *c, const struct classify_signal *sig)
{
    if (!sig) return;
    char source[256];
    const char *kind = sig->kind ? sig->kind : "";
    const char *name = sig->name ? sig->name : "";
    bool is_true = !sig->status || strcmp(sig->status, "True") == 0;
    switch (sig->source) {
    case CLASSIFY_SIG_CONTAINER:
        snprintf(source, sizeof source, "container %s: %s", name, kind);
        signal_reason(c, sig->reason, sig->message, source, "signal.");
        if (strcmp(kind, "terminated") == 0) signal_exit_code(c, sig->exit_code, sig->reason, source);
        if (sig->message && sig->message[0] == '{') signal_termination(c, sig->message, source);
        else match_text(c, sig->message, source);
        break;
    case CLASSIFY_SIG_TERMINATION:
        snprintf(source, sizeof source, "runner status %s", name);
        signal_termination(c, sig->message, source);
        break;
    case CLASSIFY_SIG_EVENT:
        snprintf(source, sizeof source, "event %s %s", name, sig->reason ? sig->reason : "");
        signal_reason(c, sig->reason, sig->message, source, "event.");
        match_text(c, sig->message, source);
        break;
    case CLASSIFY_SIG_CONDITION:
        if (!is_true) break;
        snprintf(source, sizeof source, "condition %s=True", kind);
        if (strcmp(kind, "Succeeded") == 0) {
            c->sig_success = true;
        } else if (strcmp(kind, "Duplicate") == 0) {
            char *text = xasprintf("Duplicate=True %s%s%s", sig->reason ? sig->reason : "",
                                   sig->message ? ": " : "", sig->message ? sig->message : "");
            record(c, -1, "config.invalid", "condition.duplicate",
                   "The idempotency key was already used: rerun with a fresh idempotencyKey.", 90, 0,
                   -1, text, CLASSIFY_F_SIGNAL, source);
        } else if (strcmp(kind, "InvalidSpec") == 0) {
            const struct reason_map *m = lookup_reason(sig->reason);
            char *text = xasprintf("InvalidSpec=True %s%s%s", sig->reason ? sig->reason : "",
                                   sig->message ? ": " : "", sig->message ? sig->message : "");
            char *rid = xasprintf("condition.invalid-spec%s%s", sig->reason ? "." : "",
                                  sig->reason ? sig->reason : "");
            record(c, -1, m ? m->class_id : "config.invalid", rid,
                   m ? m->hint : "The AgentRun spec was rejected before submission: fix the field the message names.",
                   90, 0, -1, text, CLASSIFY_F_SIGNAL, source);
            free(rid);
            c->sig_failure = true;
        } else if (strcmp(kind, "Failed") == 0 || strcmp(kind, "Blocked") == 0 ||
                   strcmp(kind, "Cancelled") == 0) {
            if (strcmp(kind, "Failed") == 0) c->sig_failure = true;
            signal_reason(c, sig->reason, sig->message, source, "condition.");
            match_text(c, sig->message, source);
        }
        break;
    case CLASSIFY_SIG_STATUS:
        snprintf(source, sizeof source, "status.reason %s", sig->reason ? sig->reason : "");
        signal_reason(c, sig->reason, sig->message, source, "status.");
        match_text(c, sig->message, source);
        break;
    }
}

void classify_add_finding(struct classify_ctx *c, const char *class_id, const char *rule_id,
                          int weight, const char *text, const char *hint)
{
    if (!class_id || !*class_id) return;
    if (weight < 1) weight = 1;
    if (weight > 100) weight = 100;
    char *t = NULL;
    if (text) {
        size_t n = strlen(text);
        t = text_copy(text, n < CLASSIFY_TEXT_MAX ? n : CLASSIFY_TEXT_MAX);
    }
    record(c, -1, class_id, rule_id ? rule_id : class_id, hint, weight, 0, -1, t,
           CLASSIFY_F_CALLER, "caller");
}

/* ---- ranking ------------------------------------------------------------ */

/* The runner command whose lines (started .. completed) hold line, or -1. */
static ptrdiff_t command_at(const struct classify_ctx *c, int64_t line)
{
    size_t lo = 0, hi = c->ncmds;
    while (lo < hi) { /* first command starting after line */
        size_t mid = lo + (hi - lo) / 2;
        if (c->cmds[mid].line <= line) lo = mid + 1;
        else hi = mid;
    }
    if (lo == 0) return -1;
    const struct cmdrec *k = &c->cmds[lo - 1];
    return k->end < 0 || line <= k->end ? (ptrdiff_t)(lo - 1) : -1;
}

/* Findings (F, n, in line order) in the lines of command k that would
 * make it a failing run: a strong cause not retried. */
static bool command_clean(const struct classify_ctx *c, size_t k, const struct classify_finding *F,
                          size_t n)
{
    const struct cmdrec *r = &c->cmds[k];
    int64_t end = r->end >= 0 ? r->end : INT64_MAX;
    bool failed = r->end >= 0 ? r->failed : c->mark_last[MARK_FAILURE] >= r->line;
    if (failed) return false;
    for (size_t i = 0; i < n; i++) {
        if (F[i].line < r->line || F[i].line > end) continue;
        if (F[i].weight >= STRONG && !(F[i].flags & CLASSIFY_F_TRANSIENT)) return false;
    }
    return true;
}

/* Output the agent runner shows that is not the run failing: what a search
 * command printed (lines of the files searched), the command line itself,
 * and the output of a command the agent ran again later with a clean result
 * (a lint error it fixed, a test it made pass). Marked recovered. */
static size_t set_aside_commands(struct classify_ctx *c, struct classify_finding *F,
                                 const int *rule, size_t n)
{
    size_t aside = 0;
    for (size_t i = 0; i < n; i++) {
        if (F[i].line <= 0 || (F[i].flags & (CLASSIFY_F_CALLER | CLASSIFY_F_RECOVERED))) continue;
        ptrdiff_t k = command_at(c, F[i].line);
        if (k < 0) continue;
        const struct cmdrec *r = &c->cmds[k];
        /* the started line is the command text, and so is a completed line
         * that only echoes it; and output that the command's own text
         * also matches is the command echoing its arguments (echo "ERROR:
         * x", a commit message), not a failure */
        bool set = r->search || F[i].line == r->line || F[i].line == r->done;
        if (!set && rule[i] >= 0 && r->text) {
            c->all_pats = true;
            set = rule_matches(c, &c->rs->rules[rule[i]], r->text, strlen(r->text));
            c->all_pats = false;
        }
        if (!set) { /* the last later run of the same command decides */
            ptrdiff_t last = -1;
            for (size_t j = (size_t)k + 1; j < c->ncmds && j <= (size_t)k + RERUN_LOOK; j++)
                if (c->cmds[j].hash == r->hash) last = (ptrdiff_t)j;
            set = last >= 0 && command_clean(c, (size_t)last, F, n);
        }
        if (set) {
            F[i].flags |= CLASSIFY_F_RECOVERED;
            aside++;
        }
    }
    return aside;
}

/* The step that holds line: the last one starting at or before it, -1 if none. */
static ptrdiff_t step_at(const struct classify_ctx *c, int64_t line)
{
    size_t lo = 0, hi = c->nsteps;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->steps[mid].line <= line) lo = mid + 1;
        else hi = mid;
    }
    return (ptrdiff_t)lo - 1;
}

/* The first step that failed with the runner going on regardless and holds a
 * cause of its own (a strong finding not set aside), or -1: one pass over the
 * findings, a binary search each. */
static ptrdiff_t first_kept_going_cause(const struct classify_ctx *c, const struct classify_finding *F,
                                        size_t n, int job)
{
    ptrdiff_t best = -1;
    for (size_t i = 0; i < n; i++) {
        if (F[i].line <= 0 || F[i].weight < STRONG || (F[i].flags & CLASSIFY_F_ASIDE)) continue;
        ptrdiff_t k = step_at(c, F[i].line);
        if (k >= 0 && c->steps[k].kept_going && c->steps[k].job == job && (best < 0 || k < best)) best = k;
    }
    return best;
}

/* An error the run continued past is not the cause: when the log shows
 * steps and the step the run ended on (the last @step-failed) holds a
 * cause of its own, findings of earlier steps are set aside, and so are
 * those of the steps that ran after it (a job's cleanup, or an "if:
 * failure()" step dumping service logs: the run had failed already).
 * Without a cause in the failing step the others stay: nothing in it
 * explains the failure. A runner that goes on with the next command after
 * one fails (@step-failed-continued: Travis' script phase) did not continue
 * past that failure, it ran every command regardless: the first of those
 * failed commands with a cause of its own is where the run failed (a later
 * one often fails because of it). *start gets the failing step's first line. */
static size_t set_aside_passed(const struct classify_ctx *c, struct classify_finding *F, size_t n,
                               int64_t *start)
{
    /* in a log of several jobs, the step the deciding job ended on */
    int64_t end = c->dec_job >= 0 ? c->jobs[c->dec_job].last_failed : c->mark_last[MARK_STEP_FAILED];
    if (end <= 0) return 0;
    ptrdiff_t k = step_at(c, end);
    if (k < 0) return 0;
    if (c->steps[k].kept_going) {
        ptrdiff_t j = first_kept_going_cause(c, F, n, c->steps[k].job);
        if (j >= 0 && j < k) k = j;
    }
    int64_t s = c->steps[k].line;
    /* the failing step ends where the next one starts */
    int64_t e = (size_t)k + 1 < c->nsteps ? c->steps[k + 1].line : INT64_MAX;
    bool own = false;
    for (size_t i = 0; i < n && !own; i++)
        own = F[i].line >= s && F[i].line < e && F[i].weight >= STRONG && !(F[i].flags & CLASSIFY_F_ASIDE);
    if (!own) return 0;
    size_t aside = 0;
    for (size_t i = 0; i < n; i++) {
        if (F[i].line <= 0 || (F[i].line >= s && F[i].line < e) ||
            (F[i].flags & (CLASSIFY_F_ASIDE | CLASSIFY_F_CALLER)))
            continue;
        F[i].flags |= CLASSIFY_F_PASSED;
        aside++;
    }
    *start = s;
    return aside;
}

static int64_t order_key(const struct classify_finding *f)
{
    return f->line > 0 ? f->line : INT64_MAX;
}

static void copy_finding(struct classify_finding *dst, const struct classify_finding *src)
{
    dst->class_id = xstrdup(src->class_id);
    dst->rule_id = xstrdup(src->rule_id);
    dst->text = xstrdup(src->text);
    dst->hint = xstrdup(src->hint);
    dst->source = xstrdup(src->source);
    dst->line = src->line;
    dst->offset = src->offset;
    dst->weight = src->weight;
    dst->flags = src->flags;
    dst->confidence = src->confidence;
}

/* The class a finding stands for: rules with an ambiguous reading (spawn
 * ENOENT) are decided from the evidence markers around them. *why gets a
 * sentence naming the reading taken. */
static const char *resolve_class(const struct classify_ctx *c, const struct frec *r,
                                 const char **why)
{
    *why = NULL;
    if (r->rule < 0) return r->f.class_id;
    const struct crule *cr = &c->rs->rules[r->rule];
    if (!cr->alt_class) return r->f.class_id;
    int64_t at = r->f.line > 0 ? r->f.line : INT64_MAX;
    if (c->mark_first[MARK_EXE_MISSING] >= 0) {
        *why = "read as a missing program: the log shows the program itself is not installed";
        return cr->alt_class;
    }
    if (c->mark_first[MARK_WORKSPACE_MISSING] >= 0) {
        *why = "read as a missing working directory: the log shows the workspace/checkout is missing";
        return r->f.class_id;
    }
    if (c->mark_first[MARK_GIT_PRESENT] >= 0 && c->mark_first[MARK_GIT_PRESENT] < at) {
        *why = "read as a missing working directory: git ran fine earlier, so the program exists";
        return r->f.class_id;
    }
    if (c->mark_first[MARK_WORKSPACE_PRESENT] >= 0 && c->mark_first[MARK_WORKSPACE_PRESENT] < at) {
        *why = "read as a missing program: the workspace was in place before the call";
        return cr->alt_class;
    }
    *why = "read as a missing working directory: no checkout of the workspace was seen before the call";
    return r->f.class_id;
}

/* A message wrapped over two lines (a terminal's width, a log pasted into
 * an issue: "Error: Cannot find" then "  module 'x'") matches no rule on
 * either half. When nothing named a cause, the error block's first line is
 * tried joined with the next (the break read as one blank, the next line's
 * log prefix and indent dropped); a cause rule that matches only the joined
 * text names the class, heaviest first. Rules that need the lines around
 * (`near`) or markers around (`ambiguous`) and retried ones are not tried.
 * Returns the rule, or -1. */
static int wrapped_cause(struct classify_ctx *c, const char *block)
{
    const char *nl = strchr(block, '\n');
    if (!nl) return -1;
    size_t a = (size_t)(nl - block);
    while (a > 0 && (block[a - 1] == ' ' || block[a - 1] == '\t' || block[a - 1] == '\r')) a--;
    const char *b = nl + 1;
    const char *bend = strchr(b, '\n');
    size_t bl = bend ? (size_t)(bend - b) : strlen(b);
    size_t sk = classify_skip_log_prefix(b, bl);
    b += sk;
    bl -= sk;
    while (bl > 0 && (*b == ' ' || *b == '\t')) b++, bl--;
    while (bl > 0 && (b[bl - 1] == ' ' || b[bl - 1] == '\t' || b[bl - 1] == '\r')) bl--;
    if (a == 0 || bl == 0) return -1;
    char *j = xmalloc(a + 1 + bl + 1);
    memcpy(j, block, a);
    j[a] = ' ';
    memcpy(j + a + 1, b, bl);
    j[a + 1 + bl] = 0;
    int best = -1;
    c->all_pats = true;
    for (size_t r = 0; r < c->rs->nrules; r++) {
        const struct crule *cr = &c->rs->rules[r];
        if (cr->dead || cr->marker || cr->near_lines || cr->alt_class || cr->transient || cr->weight < STRONG)
            continue;
        if (best >= 0 && cr->weight <= c->rs->rules[best].weight) continue;
        if (rule_matches(c, cr, j, a + 1 + bl) && !rule_matches(c, cr, block, a) && !rule_matches(c, cr, b, bl))
            best = (int)r;
    }
    c->all_pats = false;
    free(j);
    return best;
}

/* A failure with no error block leaves lines to read instead: the log's last
 * non-blank lines, or those before a bare failure line. A message wrapped
 * over two of them ("fatal: The current branch x has no upstream" then
 * "branch.") is read joined as wrapped_cause reads a block's first two lines,
 * each pair of adjacent lines in turn, earliest first (lines with a blank
 * between are two messages, not one wrapped). texts holds n lines joined by
 * '\n', lines their numbers. Returns the rule and sets *at to the pair's
 * first line's index, or -1. */
static int wrapped_cause_in(struct classify_ctx *c, const char *texts, const int64_t *lines, int n, int *at)
{
    const char *p = texts;
    for (int i = 0; i + 1 < n && p; i++) {
        const char *next = strchr(p, '\n');
        if (!next) break;
        if (lines[i + 1] == lines[i] + 1) {
            int r = wrapped_cause(c, p);
            if (r >= 0) {
                *at = i;
                return r;
            }
        }
        p = next + 1;
    }
    return -1;
}

/* The primary from a rule read on a wrapped line and the next (i: which
 * line of texts, joined by '\n', holds its first half). */
static void wrapped_primary(const struct classify_ctx *c, struct classify_result *res, struct buf *ex, int rule,
                            const char *texts, int i, int64_t line, int64_t off, const char *what)
{
    const struct crule *cr = &c->rs->rules[rule];
    const char *t = texts;
    for (int k = 0; k < i && t; k++) {
        t = strchr(t, '\n');
        if (t) t++;
    }
    if (!t) return;
    const char *e = strchr(t, '\n');
    free(res->primary.class_id);
    free(res->primary.hint);
    free(res->primary.text);
    res->primary.class_id = xstrdup(cr->class_id);
    res->primary.rule_id = xstrdup(cr->id);
    res->primary.weight = cr->weight;
    res->primary.line = line;
    res->primary.offset = off;
    res->primary.text = e ? xstrndup(t, (size_t)(e - t)) : xstrdup(t);
    res->primary.hint = xasprintf("%s (the message is wrapped over this line and the next: read joined)",
                                  cr->hint ? cr->hint : "");
    buf_printf(ex, "primary %s from rule %s on lines %lld and %lld of %s joined (a message wrapped over two lines)\n",
               cr->class_id, cr->id, (long long)line, (long long)line + 1, what);
}

/* The wording model's answer on a block no locator marked (the last lines,
 * or the lines before a bare failure line): counts only at the fallback
 * threshold. text is nlines non-blank lines joined by '\n' (line numbers and
 * offsets in lines[] / offs[]): nctx lines of context, then the block the
 * model reads. The primary line is the first of all of them that on its own
 * reads like the class (nb_model_evidence_line), not the block's first: the
 * block starts wherever the window happened to, and the message that names
 * the class often shows first above it (repeated until the run gave up, or
 * followed by more details than the window holds). */
static void model_fallback(const struct classify_ctx *c, const struct nb_model *mod, struct classify_result *res,
                           struct buf *ex, const char *text, int nlines, int nctx, const int64_t *lines,
                           const int64_t *offs, const char *what)
{
    if (!text || nlines < 1 || nctx < 0 || nctx >= nlines) return;
    const char *block = text;
    for (int i = 0; i < nctx; i++) block = strchr(block, '\n') + 1; /* text has nlines lines */
    double conf = 0;
    int k = nb_model_predict(mod, block, strlen(block), &conf, ex);
    if (strcmp(mod->classes[k], "unknown") == 0) {
        buf_puts(ex, "the wording model reads them as lines no class fits: stays unknown\n");
        return;
    }
    if (conf < mod->fallback_threshold) {
        buf_printf(ex, "the wording model is not sure (confidence %.3f < fallback threshold %.3f): stays unknown\n",
                   conf, mod->fallback_threshold);
        return;
    }
    /* a line above the block that the passing run printed too is not where
     * this run failed (a tool's banner, a step's usual chatter); the block's
     * own lines are judged as without a baseline (the failing command's
     * last words: a passing run may print them too when its check is what
     * differs, "no tests ran" with exit code 5 or 0) */
    bool skip[TAIL_MAX] = {false};
    size_t nskip = 0;
    if (c->baseline) {
        const char *p = text;
        for (int i = 0; i < nctx && i < TAIL_MAX; i++) {
            size_t n = strcspn(p, "\n");
            skip[nskip++] = classify_baseline_has(c->baseline, p, n);
            p += n + (p[n] == '\n');
        }
    }
    size_t at = nb_model_evidence_line(mod, text, strlen(text), (size_t)nctx, k, skip, nskip);
    if (at >= (size_t)nlines) at = (size_t)nctx;
    const char *t = text;
    for (size_t i = 0; i < at; i++) t = strchr(t, '\n') + 1; /* the block has nlines lines */
    size_t n = strcspn(t, "\n");
    free(res->primary.class_id);
    free(res->primary.hint);
    free(res->primary.text);
    free(res->primary.rule_id);
    res->primary.class_id = xstrdup(mod->classes[k]);
    res->primary.rule_id = xstrdup("model");
    res->primary.confidence = conf;
    res->primary.line = lines[at];
    res->primary.offset = offs[at];
    res->primary.text = text_copy(t, n);
    res->primary.hint = xasprintf("No rule names a cause; %s read like %s (model confidence %.2f): check them.",
                                  what, mod->classes[k], conf);
    buf_printf(ex, "primary %s from the wording model on %s (confidence %.3f >= fallback threshold %.3f); "
                   "evidence line %lld, the one that alone reads most like it\n",
               mod->classes[k], what, conf, mod->fallback_threshold, (long long)lines[at]);
}

static struct classify_result *rank(struct classify_ctx *c, int64_t lines)
{
    struct classify_result *res = xcalloc(1, sizeof *res);
    res->lines = lines;
    res->bytes = c->bytes;
    struct buf ex = {0};
    buf_printf(&ex, "scanner %s, rules %s (%zu rules)\n", classify_rules_engine(c->rs),
               classify_rules_version(c->rs), classify_rules_count(c->rs));

    /* Resolved classes and flags for every finding, in line order. */
    size_t n = c->nfs;
    size_t *idx = xcalloc(n ? n : 1, sizeof *idx);
    const char **cls = xcalloc(n ? n : 1, sizeof *cls);
    const char **why = xcalloc(n ? n : 1, sizeof *why);
    for (size_t i = 0; i < n; i++) idx[i] = i;
    /* stable insertion sort by order key (findings arrive nearly sorted) */
    for (size_t i = 1; i < n; i++) {
        size_t v = idx[i], j = i;
        while (j > 0 && order_key(&c->fs[idx[j - 1]].f) > order_key(&c->fs[v].f)) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = v;
    }
    int64_t last_success = c->mark_last[MARK_SUCCESS];
    int64_t first_run_start = c->mark_first[MARK_RUN_START], last_run_start = c->mark_last[MARK_RUN_START];
    size_t earlier_runs = 0;
    res->findings = xcalloc(n ? n : 1, sizeof *res->findings);
    res->nfindings = n;
    for (size_t i = 0; i < n; i++) {
        struct frec *r = &c->fs[idx[i]];
        cls[i] = resolve_class(c, r, &why[i]);
        copy_finding(&res->findings[i], &r->f);
        free(res->findings[i].class_id);
        res->findings[i].class_id = xstrdup(cls[i]);
        if (r->f.line > 0 && last_success > r->f.line) res->findings[i].flags |= CLASSIFY_F_RECOVERED;
        /* a log that appends runs (an aider history, a wrapper's attempts):
         * what an earlier run hit is not why the last one ended; what came
         * before the first run (the pod's setup) still counts */
        if (r->f.line >= first_run_start && r->f.line < last_run_start && first_run_start > 0) {
            res->findings[i].flags |= CLASSIFY_F_RECOVERED;
            earlier_runs++;
        }
        /* a merge/rebase completed later: the checkout's state was resolved */
        if (r->f.line > 0 && c->mark_last[MARK_RESOLVED] > r->f.line && strcmp(cls[i], "vcs.worktree") == 0)
            res->findings[i].flags |= CLASSIFY_F_RECOVERED;
        /* an image pulled later: the pull failures before it were retried
         * away, but nothing else was (a pod's events list "Successfully
         * pulled image" after a run whose tests failed) */
        if (r->f.line > 0 && c->mark_last[MARK_PULLED] > r->f.line && pull_failure(cls[i], r->f.text))
            res->findings[i].flags |= CLASSIFY_F_RECOVERED;
        if (r->f.line == 0 && c->sig_success && !(r->f.flags & CLASSIFY_F_CALLER))
            res->findings[i].flags |= CLASSIFY_F_RECOVERED;
    }

    if (earlier_runs)
        buf_printf(&ex, "%zu finding(s) set aside: earlier runs of a log that appends runs (the last "
                        "starts at line %lld)\n",
                   earlier_runs, (long long)last_run_start);
    int *frule = xcalloc(n ? n : 1, sizeof *frule);
    for (size_t i = 0; i < n; i++) frule[i] = c->fs[idx[i]].rule;
    size_t aside = set_aside_commands(c, res->findings, frule, n);
    free(frule);
    if (aside)
        buf_printf(&ex, "%zu finding(s) set aside: a command line, a search's output, output the "
                        "command's own text matches, or a command re-run cleanly later\n", aside);
    size_t nbase = 0;
    for (size_t i = 0; c->baseline && i < n; i++) {
        struct classify_finding *f = &res->findings[i];
        if (f->line <= 0 || !f->text || (f->flags & CLASSIFY_F_CALLER)) continue;
        if (!classify_baseline_has(c->baseline, f->text, strlen(f->text))) continue;
        f->flags |= CLASSIFY_F_BASELINE;
        nbase++;
    }
    if (c->baseline)
        buf_printf(&ex, "baseline: %zu lines of a passing run; %zu finding(s) set aside as also in the "
                        "passing run\n", classify_baseline_lines(c->baseline), nbase);
    size_t nscript = 0;
    for (size_t i = 0; i < n; i++) nscript += (res->findings[i].flags & CLASSIFY_F_SCRIPT) != 0;
    if (nscript)
        buf_printf(&ex, "%zu finding(s) set aside: script text the CI runner echoed before running it, "
                        "source code a tool quoted, error text quoted in prose (`...`), a passed "
                        "test's name, or a Kubernetes event of type Normal\n",
                   nscript);
    int64_t step_start = 0;
    size_t passed = set_aside_passed(c, res->findings, n, &step_start);
    if (passed)
        buf_printf(&ex, "%zu finding(s) set aside: earlier steps the run continued past, or steps that "
                        "ran after it had failed (the failing step starts at line %lld)\n",
                   passed, (long long)step_start);

    /* Choose the pool the primary comes from. */
    const struct classify_finding *F = res->findings;
    /* With several runs in the log, a set-aside cause of the last run
     * (retried until the run gave up) is nearer the end than any of an
     * earlier run: pass 2 takes the earlier runs' only when the last has none. */
    bool runs = first_run_start > 0 && first_run_start < last_run_start;
    bool last_run_aside = false;
    for (size_t i = 0; runs && i < n; i++)
        last_run_aside |= F[i].line >= last_run_start && (F[i].flags & CLASSIFY_F_ASIDE) &&
                          !(F[i].flags & CLASSIFY_F_NOT_OUTPUT) && F[i].weight >= STRONG;
    int best = -1;
    const char *pool_name = NULL;
    for (int pass = 0; pass < 4 && best < 0; pass++) {
        /* pass 0: strong, clean; 1: weak, clean; 2 (failed only): strong,
         * transient or recovered; 3: caller findings whatever the outcome.
         * Text a runner or tool printed as text (a step's echoed script, a
         * diff hunk, a Gherkin step) is in no pool: nothing happened there */
        int minw = pass == 1 ? WEAK : STRONG;
        int maxw = 0;
        for (size_t i = 0; i < n; i++) {
            unsigned fl = F[i].flags;
            bool dirty = fl & CLASSIFY_F_ASIDE;
            bool caller = fl & CLASSIFY_F_CALLER;
            bool ok;
            if (pass == 3) ok = caller;
            else if (c->outcome == CLASSIFY_OUTCOME_SUCCEEDED) ok = false;
            else if (pass == 2)
                ok = c->outcome == CLASSIFY_OUTCOME_FAILED && dirty && !(fl & CLASSIFY_F_NOT_OUTPUT) &&
                     F[i].weight >= STRONG && !(last_run_aside && F[i].line < last_run_start);
            else ok = !dirty && F[i].weight >= minw;
            if (pass == 1 && c->outcome == CLASSIFY_OUTCOME_UNKNOWN) ok = false;
            if (ok && F[i].weight > maxw) maxw = F[i].weight;
        }
        if (maxw == 0) continue;
        for (size_t i = 0; i < n; i++) {
            unsigned fl = F[i].flags;
            bool dirty = fl & CLASSIFY_F_ASIDE;
            bool caller = fl & CLASSIFY_F_CALLER;
            bool ok;
            if (pass == 3) ok = caller;
            else if (c->outcome == CLASSIFY_OUTCOME_SUCCEEDED) ok = false;
            else if (pass == 2)
                ok = dirty && !(fl & CLASSIFY_F_NOT_OUTPUT) && F[i].weight >= STRONG &&
                     !(last_run_aside && F[i].line < last_run_start);
            else ok = !dirty && F[i].weight >= minw;
            if (!ok || F[i].weight < maxw - MARGIN) continue;
            if (best < 0 || order_key(&F[i]) < order_key(&F[best]) ||
                (order_key(&F[i]) == order_key(&F[best]) && F[i].weight > F[best].weight))
                best = (int)i;
        }
        static const char *const names[] = {
            "the earliest cause among those within 20 of the strongest weight",
            "no strong cause; the earliest weak finding",
            "every cause was set aside (retried, recovered, an earlier or later step, or also in "
            "the passing run); the earliest of them",
            "a finding supplied by the caller"};
        if (best >= 0) pool_name = names[pass];
    }

    if (best >= 0 && c->outcome == CLASSIFY_OUTCOME_UNKNOWN && !(F[best].flags & CLASSIFY_F_CALLER)) {
        /* Without an outcome, only a failure that the log shows ending the
         * run counts: a failure marker at or after it, no success after. */
        int64_t at = F[best].line;
        bool failed_after = c->sig_failure || (c->mark_last[MARK_FAILURE] >= 0 &&
                                               (at == 0 || c->mark_last[MARK_FAILURE] >= at));
        bool success_after = c->sig_success || (last_success >= 0 && (at == 0 || last_success > at));
        /* a runner that reports every failed step (GitHub Actions' "##[error]Process
         * completed with exit code N") ended the job after it with none: the job
         * passed, whatever a tolerated step printed (a benchmark's OOM) */
        bool clean_end = !c->sig_failure && at > 0 && c->mark_last[MARK_JOB_END] > at &&
                         c->mark_first[MARK_STEP_FAILED] < 0;
        if (!failed_after || success_after || clean_end) {
            buf_printf(&ex, "outcome unknown: line %lld (%s) is not followed by %s, so no primary\n",
                       (long long)at, F[best].class_id,
                       success_after ? "silence (a success marker follows)"
                       : clean_end   ? "a failed step (the CI job ended with none)"
                                     : "a failure marker");
            best = -1;
        }
    }

    if (best >= 0) {
        /* A cause printed as a block: point at its first line. Retried
         * attempts of the same class just above it belong to the block: the
         * retries ran out, so the first attempt is where the cause shows. */
        const struct classify_finding *ev = &F[best];
        if (ev->line > 0) {
            for (int i = best - 1; i >= 0; i--) {
                /* the block reaches up from its topmost line so far: a
                 * retry loop that prints a few lines per attempt is one */
                if (F[i].line <= 0 || F[i].line < ev->line - BLOCK_SPAN) break;
                if (F[i].line == F[best].line || F[i].weight < STRONG) continue;
                /* set-aside lines (script text, quoted code, an earlier
                 * step, the passing run's) are not part of the block;
                 * retried attempts are */
                if (F[i].flags & (CLASSIFY_F_ASIDE & ~CLASSIFY_F_TRANSIENT)) continue;
                bool same = strcmp(F[i].class_id, F[best].class_id) == 0;
                if (F[i].flags & CLASSIFY_F_TRANSIENT && !same) continue;
                if (!same) break;
                ev = &F[i];
            }
        }
        res->has_primary = true;
        copy_finding(&res->primary, &F[best]);
        if (ev != &F[best]) {
            free(res->primary.text);
            res->primary.text = xstrdup(ev->text);
            res->primary.line = ev->line;
            res->primary.offset = ev->offset;
            buf_printf(&ex, "evidence moved up to line %lld, the first line of the block\n",
                       (long long)ev->line);
        }
        const char *w = why[best];
        if (w) {
            char *h = xasprintf("%s (%s)", res->primary.hint ? res->primary.hint : "", w);
            free(res->primary.hint);
            res->primary.hint = h;
            buf_printf(&ex, "ambiguous finding at line %lld: %s\n", (long long)F[best].line, w);
        }
        buf_printf(&ex, "primary %s from %s line %lld (rule %s, weight %d): %s\n",
                   res->primary.class_id, F[best].line ? "log" : F[best].source,
                   (long long)F[best].line, F[best].rule_id, F[best].weight, pool_name);
    } else if (c->outcome == CLASSIFY_OUTCOME_FAILED) {
        res->has_primary = true;
        res->primary.class_id = xstrdup("unknown");
        /* the step the run failed on: the header of a tool's error block
         * there, else its first failure line; without steps the first
         * error block, else the first failure line */
        const struct failmark *fm = c->dec_block.line > 0 ? &c->dec_block
                                    : c->dec_fail.line > 0 ? &c->dec_fail
                                    : c->first_block.line > 0 && c->mark_last[MARK_STEP_FAILED] < 0 ? &c->first_block
                                    : NULL;
        res->primary.line = fm ? fm->line : c->fail_text ? c->fail_line : 0;
        res->primary.offset = res->primary.line ? (fm ? fm->off : c->fail_off) : -1;
        res->primary.text = res->primary.line ? xstrdup(fm ? fm->text : c->fail_text) : NULL;
        res->primary.hint = xstrdup("No rule names a cause: read the lines just before the first failure.");
        res->primary.source = xstrdup("log");
        buf_printf(&ex, "no cause recognised: unknown%s\n",
                   res->primary.line ? ", evidence is the first failure line" : "");
        /* the second stage: the block's wording, never over a rule */
        const struct nb_model *mod = c->rs->model;
        /* only a tool's error block has wording to read: a bare failure
         * line ("exited with code 1") is followed by whatever ran next */
        bool block = fm == &c->dec_block || fm == &c->first_block;
        int wr = block && fm->block ? wrapped_cause(c, fm->block) : -1;
        if (wr >= 0) {
            const struct crule *cr = &c->rs->rules[wr];
            free(res->primary.class_id);
            free(res->primary.hint);
            res->primary.class_id = xstrdup(cr->class_id);
            res->primary.rule_id = xstrdup(cr->id);
            res->primary.weight = cr->weight;
            res->primary.hint = xasprintf("%s (the message is wrapped over this line and the next: read joined)",
                                          cr->hint ? cr->hint : "");
            buf_printf(&ex, "primary %s from rule %s on the error block's first two lines joined "
                            "(a message wrapped over two lines)\n",
                       cr->class_id, cr->id);
        } else if (mod && block && fm->block) {
            if (fm->head_text)
                buf_printf(&ex, "the error block is a traceback: the wording model reads it from its exception "
                                "line %lld\n", (long long)fm->line);
            double conf = 0;
            int k = nb_model_predict(mod, fm->block, strlen(fm->block), &conf, &ex);
            if (strcmp(mod->classes[k], "unknown") == 0) {
                buf_puts(&ex, "the wording model reads the block as one no class fits: stays unknown\n");
            } else if (conf >= mod->threshold) {
                free(res->primary.class_id);
                free(res->primary.hint);
                res->primary.class_id = xstrdup(mod->classes[k]);
                res->primary.rule_id = xstrdup("model");
                res->primary.confidence = conf;
                res->primary.hint = xasprintf("No rule names a cause; the wording of the error block reads "
                                              "like %s (model confidence %.2f): check the lines from here.",
                                              mod->classes[k], conf);
                buf_printf(&ex, "primary %s from the wording model (confidence %.3f >= threshold %.3f)\n",
                           mod->classes[k], conf, mod->threshold);
            } else {
                buf_printf(&ex, "the wording model is not sure (confidence %.3f < threshold %.3f): stays unknown\n",
                           conf, mod->threshold);
            }
        } else if (mod && !fm && !c->fail_text && c->ntail > 0) {
            /* no failure line at all (a tool that prints its message and
             * exits non-zero): the log's last non-blank lines are the only
             * block there is */
            struct buf tb = {0};
            int64_t tl[TAIL_MAX], to[TAIL_MAX];
            for (int i = 0; i < c->ntail; i++) {
                if (i) buf_putc(&tb, '\n');
                buf_puts(&tb, c->tail[i].text);
                tl[i] = c->tail[i].line;
                to[i] = c->tail[i].off;
            }
            /* the model reads the last window lines; those above are context */
            int nctx = c->ntail > mod->window ? c->ntail - mod->window : 0;
            int at = -1;
            int wl = wrapped_cause_in(c, tb.p, tl, c->ntail, &at);
            if (wl >= 0) {
                wrapped_primary(c, res, &ex, wl, tb.p, at, tl[at], to[at], "the last lines");
            } else {
                buf_printf(&ex, "no failure line: the wording model reads the last %d non-blank lines (from line %lld)\n",
                           c->ntail - nctx, (long long)c->tail[nctx].line);
                model_fallback(c, mod, res, &ex, tb.p, c->ntail, nctx, tl, to, "the last lines");
            }
            buf_free(&tb);
        } else if (mod && (fm == &c->dec_fail || (!fm && c->fail_text))) {
            /* a bare failure line ("exited with code 1"): the lines before
             * it are what the failing command printed */
            const struct failmark *bf = fm ? fm : &c->first_fail;
            int at = -1;
            int wl = bf->before && bf->line == res->primary.line
                         ? wrapped_cause_in(c, bf->before, bf->before_ln, bf->nbefore, &at)
                         : -1;
            if (wl >= 0) {
                wrapped_primary(c, res, &ex, wl, bf->before, at, bf->before_ln[at], bf->before_of[at],
                                "the lines before the failure line");
            } else if (bf->before && bf->line == res->primary.line) {
                buf_printf(&ex, "a bare failure line: the wording model reads the %d non-blank lines before it "
                                "(from line %lld)\n",
                           bf->nbefore - bf->nctx, (long long)bf->before_line);
                model_fallback(c, mod, res, &ex, bf->before, bf->nbefore, bf->nctx, bf->before_ln, bf->before_of,
                               "the lines before the failure line");
            }
        }
        /* a traceback's block the model did not name: unknown points at
         * its header, the first failure line, as without a model */
        if (fm && fm->head_text && res->primary.line == fm->line && strcmp(res->primary.class_id, "unknown") == 0) {
            free(res->primary.text);
            res->primary.text = xstrdup(fm->head_text);
            res->primary.line = fm->head_line;
            res->primary.offset = fm->head_off;
        }
    } else {
        buf_printf(&ex, "no primary (outcome %s)\n",
                   c->outcome == CLASSIFY_OUTCOME_SUCCEEDED ? "succeeded" : "unknown");
    }

    /* Secondary: the first finding of every other class. */
    res->secondary = xcalloc(n ? n : 1, sizeof *res->secondary);
    for (size_t i = 0; i < n; i++) {
        if (F[i].weight < WEAK && !(F[i].flags & CLASSIFY_F_CALLER)) continue;
        if (res->has_primary && strcmp(F[i].class_id, res->primary.class_id) == 0) continue;
        bool seen = false;
        for (size_t k = 0; k < res->nsecondary && !seen; k++)
            seen = strcmp(res->secondary[k].class_id, F[i].class_id) == 0;
        if (seen) continue;
        copy_finding(&res->secondary[res->nsecondary++], &F[i]);
    }

    buf_puts(&ex, "findings:\n");
    for (size_t i = 0; i < n; i++) {
        buf_printf(&ex, "  %s %-6lld %-28s rule %-32s weight %3d%s%s%s%s%s\n",
                   F[i].line ? "line" : "    ", (long long)F[i].line, F[i].class_id, F[i].rule_id,
                   F[i].weight, F[i].flags & CLASSIFY_F_TRANSIENT ? " retried" : "",
                   F[i].flags & CLASSIFY_F_RECOVERED ? " recovered" : "",
                   F[i].flags & CLASSIFY_F_SCRIPT ? " script-text" : "",
                   F[i].flags & CLASSIFY_F_PASSED ? " continued-past" : "",
                   F[i].flags & CLASSIFY_F_BASELINE ? " also-in-the-passing-run" : "");
        if (!F[i].line) buf_printf(&ex, "         from %s\n", F[i].source);
    }
    static const char *const mnames[MARK_COUNT] = {
        NULL, "failure", "success", "retry", "exe-missing", "workspace-missing",
        "workspace-present", "git-present", "command-start", "command-end", "script-start",
        "script-end", "step-start", "step-failed", "resolved", "error-block", "step-failed-continued",
        "job-end", "diff-hunk", "run-start", "pulled"};
    for (int m = 1; m < MARK_COUNT; m++)
        if (c->mark_first[m] >= 0)
            buf_printf(&ex, "marker %s: first line %lld, last line %lld\n", mnames[m],
                       (long long)c->mark_first[m], (long long)c->mark_last[m]);
    if (c->sig_failure) buf_puts(&ex, "status signals report a failure\n");
    if (c->sig_success) buf_puts(&ex, "status signals report success\n");
    for (size_t i = 0; i < n; i++) res->findings[i].flags &= ~CLASSIFY_F_NOT_OUTPUT;
    res->primary.flags &= ~CLASSIFY_F_NOT_OUTPUT;
    for (size_t i = 0; i < res->nsecondary; i++) res->secondary[i].flags &= ~CLASSIFY_F_NOT_OUTPUT;
    res->explain = buf_detach(&ex);
    res->notes = c->limit_notes.len ? xstrndup(c->limit_notes.p, c->limit_notes.len) : NULL;
    free(idx);
    free(cls);
    free(why);
    return res;
}

struct classify_result *classify_snapshot(struct classify_ctx *c)
{
    int64_t lines = c->lines + ((c->carry.len > 0 || c->carry_cont) ? 1 : 0);
    return rank(c, lines);
}

struct classify_result *classify_finish(struct classify_ctx *c)
{
    if (!c->finished) {
        if (c->carry.len > 0 || c->carry_cont) {
            flush_carry(c);
            buf_reset(&c->carry);
            c->carry_cont = false;
            c->lines++;
        }
        c->finished = true;
    }
    return rank(c, c->lines);
}

void classify_result_free(struct classify_result *r)
{
    if (!r) return;
    if (r->has_primary) finding_free(&r->primary);
    for (size_t i = 0; i < r->nsecondary; i++) finding_free(&r->secondary[i]);
    free(r->secondary);
    for (size_t i = 0; i < r->nfindings; i++) finding_free(&r->findings[i]);
    free(r->findings);
    free(r->explain);
    free(r->notes);
    free(r);
}
