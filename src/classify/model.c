/* model — the classifier's second stage: a multinomial naive Bayes over the
 * tokens of the error block an "unknown" verdict points at (issue #15 item
 * 5). The model file (data/model/classes.nb, written by
 * scripts/train-model.py) is untrusted text: a problem drops the whole
 * model with one warning "file:line: message", and the rules work alone.
 * The tokeniser must stay identical to the training script's. */
#include "classify/internal.h"
#include "util/xalloc.h"
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MODEL_FILE_MAX (4u * 1024 * 1024)
#define MODEL_CLASSES_MAX 256
#define MODEL_VOCAB_MAX 100000
#define TOKEN_MAX 40

void nb_model_free(struct nb_model *m)
{
    if (!m) return;
    for (size_t i = 0; i < m->nclass; i++) free(m->classes[i]);
    free(m->classes);
    for (size_t i = 0; i < m->nvocab; i++) free(m->toks[i]);
    free(m->toks);
    free(m->prior);
    free(m->logp);
    free(m->path);
    free(m);
}

static bool class_name_ok(const char *s)
{
    if (!*s || strlen(s) > 64) return false;
    for (; *s; s++)
        if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '.' || *s == '-' ||
              *s == '_'))
            return false;
    return true;
}

static bool token_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 2 || n > TOKEN_MAX) return false;
    for (; *s; s++)
        if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '_')) return false;
    return true;
}

static bool parse_long(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi) return false;
    *out = v;
    return true;
}

static bool parse_double(const char *s, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= lo && v <= hi)) return false;
    *out = v;
    return true;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

struct nb_model *nb_model_parse(const char *name, const char *text, size_t len, struct buf *warnings)
{
    struct nb_model *m = xcalloc(1, sizeof *m);
    m->path = xstrdup(name);
    long ndocs_total = 0, *ndocs = NULL, *total = NULL, *counts = NULL; /* counts: vocab x class */
    long want_classes = -1, want_vocab = -1, lineno = 0;
    double alpha = -1;
    bool magic = false, fallback = false;
    const char *bad = NULL;
    char *copy = NULL;
    if (len > MODEL_FILE_MAX) {
        bad = "model file too large";
        goto fail;
    }
    if (memchr(text, 0, len)) {
        bad = "NUL byte in model file";
        goto fail;
    }
    copy = xmalloc(len + 1);
    memcpy(copy, text, len);
    copy[len] = 0;
    char *save = NULL;
    for (char *ln = copy; ln; ln = save) {
        char *nl = strchr(ln, '\n');
        save = nl ? nl + 1 : NULL;
        if (nl) *nl = 0;
        lineno++;
        if (!*ln || *ln == '#') continue;
        char *f[MODEL_CLASSES_MAX + 3];
        size_t nf = 0;
        for (char *sp, *t = strtok_r(ln, " \t\r", &sp); t; t = strtok_r(NULL, " \t\r", &sp)) {
            if (nf == sizeof f / sizeof f[0]) {
                bad = "too many fields";
                goto fail;
            }
            f[nf++] = t;
        }
        if (nf == 0) continue;
        long v;
        if (!magic) {
            if (nf != 2 || strcmp(f[0], "artriage-nb") != 0 || strcmp(f[1], "1") != 0) {
                bad = "not an artriage-nb 1 model";
                goto fail;
            }
            magic = true;
        } else if (strcmp(f[0], "window") == 0 && nf == 2) {
            if (!parse_long(f[1], 1, 20, &v)) { bad = "window: not 1..20"; goto fail; }
            m->window = (int)v;
        } else if (strcmp(f[0], "alpha") == 0 && nf == 2) {
            if (!parse_double(f[1], 1e-6, 100, &alpha)) { bad = "alpha: not a positive number"; goto fail; }
        } else if (strcmp(f[0], "threshold") == 0 && nf == 2) {
            if (!parse_double(f[1], 0, 1, &m->threshold)) { bad = "threshold: not 0..1"; goto fail; }
        } else if (strcmp(f[0], "fallback_threshold") == 0 && nf == 2) {
            if (!parse_double(f[1], 0, 1, &m->fallback_threshold)) { bad = "fallback_threshold: not 0..1"; goto fail; }
            fallback = true;
        } else if (strcmp(f[0], "confidence_power") == 0 && nf == 2) {
            if (!parse_double(f[1], 0, 1, &m->confidence_power)) { bad = "confidence_power: not 0..1"; goto fail; }
        } else if (strcmp(f[0], "classes") == 0 && nf == 2 && want_classes < 0) {
            if (!parse_long(f[1], 2, MODEL_CLASSES_MAX, &want_classes)) { bad = "classes: not 2..256"; goto fail; }
            m->classes = xcalloc((size_t)want_classes, sizeof *m->classes);
            ndocs = xcalloc((size_t)want_classes, sizeof *ndocs);
            total = xcalloc((size_t)want_classes, sizeof *total);
        } else if (strcmp(f[0], "vocab") == 0 && nf == 2 && want_vocab < 0 && want_classes > 0) {
            if (!parse_long(f[1], 1, MODEL_VOCAB_MAX, &want_vocab)) { bad = "vocab: not 1..100000"; goto fail; }
            m->toks = xcalloc((size_t)want_vocab, sizeof *m->toks);
            counts = xcalloc((size_t)want_vocab * (size_t)want_classes, sizeof *counts);
        } else if (strcmp(f[0], "class") == 0 && nf == 4 && want_classes > 0) {
            if ((long)m->nclass >= want_classes) { bad = "more class lines than 'classes' says"; goto fail; }
            if (!class_name_ok(f[1])) { bad = "class: bad class name"; goto fail; }
            for (size_t i = 0; i < m->nclass; i++)
                if (strcmp(m->classes[i], f[1]) == 0) { bad = "class: listed twice"; goto fail; }
            if (!parse_long(f[2], 1, 1000000000L, &ndocs[m->nclass]) ||
                !parse_long(f[3], 0, 1000000000L, &total[m->nclass])) {
                bad = "class: counts are not numbers";
                goto fail;
            }
            ndocs_total += ndocs[m->nclass];
            m->classes[m->nclass++] = xstrdup(f[1]);
        } else if (strcmp(f[0], "tok") == 0 && nf >= 3 && want_vocab > 0 && (long)m->nclass == want_classes) {
            if ((long)m->nvocab >= want_vocab) { bad = "more tok lines than 'vocab' says"; goto fail; }
            if (!token_ok(f[1])) { bad = "tok: bad token"; goto fail; }
            if (m->nvocab && strcmp(m->toks[m->nvocab - 1], f[1]) >= 0) { bad = "tok: not in sorted order"; goto fail; }
            long *row = counts + m->nvocab * (size_t)want_classes;
            for (size_t k = 2; k < nf; k++) {
                char *colon = strchr(f[k], ':');
                long ci, cnt;
                if (!colon) { bad = "tok: count is not class:count"; goto fail; }
                *colon = 0;
                if (!parse_long(f[k], 0, want_classes - 1, &ci) || !parse_long(colon + 1, 1, 1000000000L, &cnt) ||
                    row[ci]) {
                    bad = "tok: bad class:count";
                    goto fail;
                }
                row[ci] = cnt;
            }
            m->toks[m->nvocab++] = xstrdup(f[1]);
        } else {
            bad = "unexpected line";
            goto fail;
        }
    }
    lineno = 0; /* problems of the whole file name no line */
    if (!magic || m->window == 0 || alpha < 0 || want_classes < 0 || want_vocab < 0 ||
        (long)m->nclass != want_classes || (long)m->nvocab != want_vocab) {
        bad = "incomplete model (header, class or tok lines missing)";
        goto fail;
    }
    if (!fallback) m->fallback_threshold = m->threshold;
    /* log P(token | class), as the training script computes it */
    m->prior = xcalloc(m->nclass, sizeof *m->prior);
    m->logp = xmalloc(m->nvocab * m->nclass * sizeof *m->logp);
    double *den = xcalloc(m->nclass, sizeof *den);
    for (size_t c = 0; c < m->nclass; c++) {
        m->prior[c] = log((double)ndocs[c] / (double)ndocs_total);
        den[c] = log((double)total[c] + alpha * (double)m->nvocab);
    }
    /* row by row, and most counts are 0: one log(alpha) for all of those */
    double la = log(alpha);
    for (size_t t = 0; t < m->nvocab; t++)
        for (size_t c = 0; c < m->nclass; c++) {
            long n = counts[t * m->nclass + c];
            m->logp[t * m->nclass + c] = (n ? log((double)n + alpha) : la) - den[c];
        }
    free(den);
    free(ndocs);
    free(total);
    free(counts);
    free(copy);
    return m;
fail:
    if (warnings) {
        if (lineno) buf_printf(warnings, "%s:%ld: %s; the wording model is not used\n", name, lineno, bad);
        else buf_printf(warnings, "%s: %s; the wording model is not used\n", name, bad);
    }
    free(ndocs);
    free(total);
    free(counts);
    free(copy);
    nb_model_free(m);
    return NULL;
}

/* ---- tokens (the same as scripts/train-model.py) ------------------------ */

struct toks {
    char (*t)[TOKEN_MAX + 1];
    size_t n, cap;
};

static void tok_add(struct toks *ts, const char *s, size_t n)
{
    for (size_t i = 0; i < ts->n; i++)
        if (strlen(ts->t[i]) == n && memcmp(ts->t[i], s, n) == 0) return;
    ts->t = xgrow(ts->t, &ts->cap, ts->n + 1, sizeof *ts->t);
    memcpy(ts->t[ts->n], s, n);
    ts->t[ts->n++][n] = 0;
}

static bool ws(unsigned char ch) { return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\v' || ch == '\f' || ch == '\r'; }

/* The line's previous token, for the word pairs "before__token". */
struct prevtok {
    char t[TOKEN_MAX + 1];
    size_t n; /* 0: none on this line yet */
};

/* A token of the line: itself, and the pair with the one before it. */
static void emit(struct toks *ts, struct prevtok *pv, const char *t, size_t n)
{
    tok_add(ts, t, n);
    if (pv->n && pv->n + 2 + n <= TOKEN_MAX) {
        char pair[TOKEN_MAX + 1];
        memcpy(pair, pv->t, pv->n);
        memcpy(pair + pv->n, "__", 2);
        memcpy(pair + pv->n + 2, t, n);
        tok_add(ts, pair, pv->n + 2 + n);
    }
    memcpy(pv->t, t, n);
    pv->n = n;
}

/* run: a run of [A-Za-z0-9_] as written, n bytes (more than TOKEN_MAX: dropped) */
static void run_end(struct toks *ts, struct prevtok *pv, const char *run, size_t n)
{
    if (n < 2 || n > TOKEN_MAX) return;
    char low[TOKEN_MAX];
    bool digit = false, hex = true;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)run[i];
        low[i] = (char)(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
        digit |= ch >= '0' && ch <= '9';
        hex &= (ch >= '0' && ch <= '9') || (low[i] >= 'a' && low[i] <= 'f');
    }
    if (digit) {
        emit(ts, pv, n >= 7 && hex ? "_hex_" : "_num_", 5);
        return;
    }
    emit(ts, pv, low, n);
    /* camelCase: the parts split before each upper-case letter that follows
     * a lower-case one are tokens too (not paired) */
    size_t start = 0;
    for (size_t k = 1; k <= n; k++) {
        bool cut = k == n || (run[k - 1] >= 'a' && run[k - 1] <= 'z' && run[k] >= 'A' && run[k] <= 'Z');
        if (!cut) continue;
        if (start == 0 && k == n) break; /* no cut: the run is one word */
        if (k - start >= 2) tok_add(ts, low + start, k - start);
        start = k;
    }
}

static void tokenize(const char *s, size_t n, struct toks *ts)
{
    /* drop ANSI CSI sequences first, as the script does */
    char *v = xmalloc(n + 1);
    size_t vn = 0;
    for (size_t i = 0; i < n;) {
        if (s[i] == 0x1b) {
            if (i + 1 < n && s[i + 1] == '[') {
                size_t j = i + 2;
                while (j < n && !(s[j] >= 0x40 && s[j] <= 0x7e)) j++;
                i = j + 1;
            } else {
                i++;
            }
            continue;
        }
        v[vn++] = s[i++];
    }
    struct prevtok pv = {.n = 0};
    for (size_t i = 0; i < vn;) {
        while (i < vn && ws((unsigned char)v[i])) {
            if (v[i] == '\n' || v[i] == '\r') pv.n = 0; /* a new line: no pair across it */
            i++;
        }
        size_t w = i;
        while (i < vn && !ws((unsigned char)v[i])) i++;
        if (i == w) break;
        if (memchr(v + w, '/', i - w)) {
            emit(ts, &pv, "_path_", 6);
            continue;
        }
        char run[TOKEN_MAX + 1];
        size_t rn = 0, rlen = 0; /* rlen counts past TOKEN_MAX, which drops the run */
        for (size_t k = w; k <= i; k++) {
            unsigned char ch = k < i ? (unsigned char)v[k] : ' ';
            if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_') {
                if (rn < TOKEN_MAX) run[rn++] = (char)ch;
                rlen++;
                continue;
            }
            if (rlen) run_end(ts, &pv, run, rlen > TOKEN_MAX ? TOKEN_MAX + 1 : rn);
            rn = rlen = 0;
        }
    }
    free(v);
}

/* ---- prediction --------------------------------------------------------- */

int nb_model_predict(const struct nb_model *m, const char *text, size_t len, double *confidence,
                     struct buf *why)
{
    struct toks ts = {0};
    tokenize(text, len, &ts);
    size_t C = m->nclass;
    double *score = xcalloc(C, sizeof *score);
    ptrdiff_t *hit = xcalloc(ts.n ? ts.n : 1, sizeof *hit);
    for (size_t c = 0; c < C; c++) score[c] = m->prior[c];
    for (size_t i = 0; i < ts.n; i++) {
        const char *key = ts.t[i];
        char **f = bsearch(&key, m->toks, m->nvocab, sizeof *m->toks, cmp_str);
        hit[i] = f ? f - m->toks : -1;
        if (f)
            for (size_t c = 0; c < C; c++) score[c] += m->logp[(size_t)hit[i] * C + c];
    }
    size_t best = 0;
    for (size_t c = 1; c < C; c++)
        if (score[c] > score[best]) best = c;
    size_t known = 0;
    for (size_t i = 0; i < ts.n; i++) known += hit[i] >= 0;
    double scale = m->confidence_power > 0 ? pow((double)(known ? known : 1), m->confidence_power) : 1.0;
    double z = 0;
    for (size_t c = 0; c < C; c++) z += exp((score[c] - score[best]) / scale);
    *confidence = 1.0 / z;
    if (why) {
        /* the tokens that decided: how much more likely each makes the
         * winning class than the runner-up class */
        size_t second = best == 0 ? 1 : 0;
        for (size_t c = 0; c < C; c++)
            if (c != best && score[c] > score[second]) second = c;
        double *gain = xcalloc(ts.n ? ts.n : 1, sizeof *gain);
        for (size_t i = 0; i < ts.n; i++)
            gain[i] = hit[i] < 0 ? 0 : m->logp[(size_t)hit[i] * C + best] - m->logp[(size_t)hit[i] * C + second];
        buf_printf(why, "model %s: %s %.3f (next %s), %zu of %zu tokens known; deciding tokens:",
                   m->path, m->classes[best], *confidence, m->classes[second], known, ts.n);
        for (int k = 0; k < 6; k++) {
            ptrdiff_t top = -1;
            for (size_t i = 0; i < ts.n; i++)
                if (gain[i] > 0 && (top < 0 || gain[i] > gain[top])) top = (ptrdiff_t)i;
            if (top < 0) break;
            buf_printf(why, " %s (+%.2f)", ts.t[top], gain[top]);
            gain[top] = 0;
        }
        buf_puts(why, "\n");
        free(gain);
    }
    free(score);
    free(hit);
    free(ts.t);
    return (int)best;
}

/* ---- the evidence line -------------------------------------------------- */

/* A line above the lines the model read names the class only if it does so
 * clearly on its own: its tokens make the class e^4 (about 55) times likelier
 * than any other. Half the block's best is a low bar when the block itself
 * reads only faintly like the class, and twenty lines above hold many faint
 * lines (a script's progress messages, a tool's banner). */
#define EVID_CONTEXT_MIN 4.0

size_t nb_model_evidence_line(const struct nb_model *m, const char *text, size_t len, size_t from, int k,
                              const bool *skip, size_t nskip)
{
    size_t C = m->nclass;
    if ((size_t)k >= C || C < 2) return from;
    double *score = xcalloc(C, sizeof *score);
    size_t nlines = 0, cap = 0;
    double *margin = NULL;
    bool *known = NULL;
    size_t capk = 0;
    for (size_t p = 0; p <= len;) {
        const char *nl = memchr(text + p, '\n', len - p);
        size_t e = nl ? (size_t)(nl - text) : len;
        struct toks ts = {0};
        tokenize(text + p, e - p, &ts);
        memset(score, 0, C * sizeof *score);
        bool any = false;
        for (size_t i = 0; i < ts.n; i++) {
            const char *key = ts.t[i];
            char **f = bsearch(&key, m->toks, m->nvocab, sizeof *m->toks, cmp_str);
            if (!f) continue;
            any = true;
            for (size_t c = 0; c < C; c++) score[c] += m->logp[(size_t)(f - m->toks) * C + c];
        }
        free(ts.t);
        double other = -INFINITY;
        for (size_t c = 0; c < C; c++)
            if (c != (size_t)k && score[c] > other) other = score[c];
        margin = xgrow(margin, &cap, nlines + 1, sizeof *margin);
        known = xgrow(known, &capk, nlines + 1, sizeof *known);
        margin[nlines] = score[k] - other;
        known[nlines++] = any;
        p = e + 1;
    }
    /* the first line that reads at least half as much like the class as
     * the line of the block that reads most like it: a message's first line
     * usually names the class a little less loudly than its details do, and
     * the taxonomy points at the first line naming the class */
    for (size_t i = 0; i < nlines && i < nskip && skip; i++)
        if (skip[i]) known[i] = false;
    double best = 0;
    for (size_t i = from; i < nlines; i++)
        if (known[i] && margin[i] > best) best = margin[i];
    size_t at = from;
    if (best > 0)
        for (size_t i = 0; i < nlines; i++)
            if (known[i] && margin[i] >= 0.5 * best && (i >= from || margin[i] >= EVID_CONTEXT_MIN)) {
                at = i;
                break;
            }
    free(score);
    free(margin);
    free(known);
    return at;
}
