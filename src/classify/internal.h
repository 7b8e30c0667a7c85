/* classify internals shared by rules.c (parse, compile) and engine.c
 * (scan, rank). Not for other modules: use classify.h. */
#ifndef ARTRIAGE_CLASSIFY_INTERNAL_H
#define ARTRIAGE_CLASSIFY_INTERNAL_H
#include "classify/classify.h"
#include <stdbool.h>
#include <stdint.h>
#ifndef HAVE_PCRE2
#error "src/classify needs PCRE2 (libpcre2-dev): rule patterns are PCRE2 regular expressions"
#endif
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#ifdef HAVE_HYPERSCAN
#include <hs/hs.h>
#endif

#if defined(__SSE2__)
#include <emmintrin.h>
/* Bit i set where s[i] is c, for the 64 bytes at s: line walks take
 * their newlines from it (a memchr call per line costs more than the work
 * the line needs). */
static inline uint64_t classify_byte_mask64(const char *s, char c)
{
    const __m128i nl = _mm_set1_epi8(c);
    uint64_t bits = 0;
    for (int q = 0; q < 4; q++)
        bits |= (uint64_t)(uint16_t)_mm_movemask_epi8(
                    _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(s + 16 * q)), nl))
                << (16 * q);
    return bits;
}
static inline uint64_t classify_nl_mask64(const char *s) { return classify_byte_mask64(s, '\n'); }
#endif

/* The pieces a block s[0..n) is scanned in (engine.c): their starts, in
 * order, into starts (room entries; classify_piece_room(n) always
 * suffices), the first 0, each other one just after a newline, none at
 * n. taper: the block is scanned by two lanes, and its last pieces get
 * smaller so that they finish together. Returns the count. */
size_t classify_piece_starts(const char *s, size_t n, bool taper, size_t *starts, size_t room);
size_t classify_piece_room(size_t n);

#define CLASSIFY_ENGINE_VERSION "artriage-classify-10"

/* Marker classes: lines that are not causes but steer the ranking. */
enum rule_marker {
    MARK_NONE = 0,
    MARK_FAILURE,           /* @failure: a bare failure (non-zero exit ...) */
    MARK_SUCCESS,           /* @success: the whole run succeeded */
    MARK_RETRY,             /* @retry: what failed on this line is retried */
    MARK_EXE_MISSING,       /* @exe-missing: a program is known missing */
    MARK_WORKSPACE_MISSING, /* @workspace-missing: checkout/cwd missing */
    MARK_WORKSPACE_PRESENT, /* @workspace-present: the workspace exists */
    MARK_GIT_PRESENT,       /* @git-present: git ran fine */
    MARK_CMD_START,         /* @command-start: the runner started a command */
    MARK_CMD_END,           /* @command-end: the runner's command completed */
    MARK_SCRIPT_START,      /* @script-start: a CI step echoes its script (##[group]Run) */
    MARK_SCRIPT_END,        /* @script-end: the echoed script ends (##[endgroup]) */
    MARK_STEP_START,        /* @step-start: a CI step's command echo ("$ make test") */
    MARK_STEP_FAILED,       /* @step-failed: a step/build ended failing (exit code N) */
    MARK_RESOLVED,          /* @resolved: a merge/rebase conflict was resolved */
    MARK_ERROR_BLOCK,       /* @error-block: a tool's header over its decisive error */
    MARK_STEP_FAILED_CONT,  /* @step-failed-continued: a step failed and the runner went on
                             * with the job's next command (Travis' script phase) */
    MARK_JOB_END,           /* @job-end: a CI runner's last line of a job, pass or fail */
    MARK_DIFF_HUNK,         /* @diff-hunk: a unified diff's "@@ -a,b +c,d @@" (file text follows) */
    MARK_RUN_START,         /* @run-start: an agent session/run starts in a log that appends runs */
    MARK_PULLED,            /* @pulled: an image was pulled: earlier pull failures were retried away */
    MARK_COUNT
};

enum pat_role { PAT_MATCH, PAT_NEAR, PAT_UNLESS };

/* Internal finding flag, with CLASSIFY_F_SCRIPT: text a runner or a tool
 * printed as text, not what happened (a step's echoed script, a diff's hunk
 * lines, a Gherkin step): never even the fallback cause. Cleared before the
 * result is returned. */
#define CLASSIFY_F_NOT_OUTPUT (1u << 15)

/* PCRE2 limits per match call (a line, or a block for the combined
 * pattern): ordinary rules need a few thousand steps; a catastrophic
 * pattern stops here and that line counts as no match. */
#define CLASSIFY_MATCH_LIMIT 200000u
#define CLASSIFY_DEPTH_LIMIT 10000u

struct cpat {
    char *src;
    int role;
    bool caseless;
    int line; /* in the rule file */
    bool hs_prefilter; /* Hyperscan needs prefilter mode for it */
    /* 0: not JIT-compiled yet (on its first match: most patterns never
     * get a candidate line, and compiling them all cost a start-up as long
     * as classifying megabytes); 1: JIT-compiled, matched with
     * pcre2_jit_match; 2: no JIT, interpreted. Set once (engine.c) */
    _Atomic int jit;
    int scan;          /* index in classify_rules.scan, -1 for unless patterns */
    /* the rule file's `scan` line after the pattern: how a pattern with no
     * usable literal is scanned (SCAN_*; classify_rules_lint_scan) */
    int scan_mode;
    pcre2_code *re;
};

/* scan modes of a pattern without a usable literal or near gate */
enum {
    SCAN_UNMARKED = 0, /* the lint refuses it (docs/rules.md, "Engine and speed") */
    SCAN_WHOLE,        /* `scan whole REASON`: in the main Hyperscan database */
    SCAN_APART,        /* `scan apart REASON`: in a database of its own */
};

struct crule {
    char *id, *class_id, *hint, *file, *alt_class;
    int line;
    int weight;
    bool transient, case_sensitive, dead;
    int near_lines;
    int marker;
    struct cpat *pats;
    size_t npats, cappats;
};

/* One pattern handed to the fast scanner. */
struct scan_pat {
    int rule;
    int pat; /* index into rules[rule].pats */
};

/* What a scanner hit stands for: the scan patterns to confirm. */
struct scan_target {
    int *ks;
    size_t nk, capk;
};

/* At most this many gated raw patterns (a bit each in gate_of), each of a
 * rule whose near reach is at most CLASSIFY_GATE_NEAR lines (the synthetic
 * hits cost a line each). */
#define CLASSIFY_GATE_MAX 32
#define CLASSIFY_GATE_NEAR 16

#define LIT_MIN 3 /* shorter required literals make a poor prefilter */
/* Hyperscan scans for a pattern's required literals when they are rare
 * enough (about one candidate per 2^LIT_HS_BITS bytes or fewer) and for
 * the full pattern otherwise: hundreds of full patterns cost Hyperscan
 * more than the same number of plain literals, but a common literal
 * ("exit", "error") finds far more candidate lines than the pattern
 * matches, and Hyperscan may anchor the full pattern on a better factor. */
#define LIT_HS_BITS 14

/* The wording model (model.c): a naive Bayes over an error block's tokens,
 * owned by the rule set. */
struct nb_model {
    char *path;       /* for messages */
    int window;       /* lines of a block it reads: the first and window-1 after */
    double threshold; /* lowest posterior that names a class from an error block */
    /* the same for a block no locator marked (the last lines, the lines
     * before a bare failure line): those are right less often, so they
     * have a threshold of their own ("fallback_threshold"; the file may
     * leave it out, then it is threshold) */
    double fallback_threshold;
    /* naive Bayes counts every token as independent evidence, so a long
     * block's posterior is near 1 whether or not the model has seen its
     * like: the log-odds between classes are divided by (known tokens) to
     * this power before the posterior is taken ("confidence_power"; absent:
     * 0, the plain posterior). It changes the confidence, never the class. */
    double confidence_power;
    char **classes;
    size_t nclass;
    double *prior;    /* log P(class) */
    char **toks;      /* sorted */
    size_t nvocab;
    double *logp;     /* log P(token | class), nvocab x nclass */
};
/* NULL (one line "name:line: message" in warnings) if the text is not a valid model. */
struct nb_model *nb_model_parse(const char *name, const char *text, size_t len, struct buf *warnings);
void nb_model_free(struct nb_model *m);
/* The most likely class of a block's text (index), its posterior in
 * *confidence; a line naming the deciding tokens goes to why (may be NULL). */
int nb_model_predict(const struct nb_model *m, const char *text, size_t len, double *confidence,
                     struct buf *why);
/* Which line of text (lines split at '\n', 0-based) names class k: the
 * first whose own known tokens favour k over every other class by at least
 * half the margin of the line from `from` on (the lines the model read) that
 * favours it most. Lines before `from` are context: they can be the answer
 * (if they favour k clearly on their own), never the yardstick. A line i <
 * nskip with skip[i] set (skip may be NULL) is neither. `from` when no line
 * from there on favours k. */
size_t nb_model_evidence_line(const struct nb_model *m, const char *text, size_t len, size_t from, int k,
                              const bool *skip, size_t nskip);
void classify_rules_update_version(struct classify_rules *rs);

struct classify_rules {
    struct crule *rules;
    size_t nrules, caprules;
    struct scan_pat *scan;
    size_t nscan;
    /* Targets 0..nlits-1 are required literals (lower case), the rest are
     * patterns without a usable literal, scanned as regexes. */
    struct scan_target *targets;
    size_t ntargets, nlits;
    char **lits;
    size_t *litlen;
    int *raw;           /* scan pattern of target nlits + i */
    size_t nraw;
    /* Gated raw patterns (Hyperscan only): a rule's `match` pattern with no
     * usable literal, in a rule that also has `near N` patterns, fires only
     * within N lines of a line its near patterns match, so it is left out
     * of the whole-log database and tried (as a synthetic hit of its raw
     * target) only on the lines within N of a hit of those near patterns
     * (engine.c, gate_hits). gated[g] is the raw target, gate_near[g] its
     * rule's N; gate_of[t] has bit g set when target t stands for a near
     * pattern of gated[g]'s rule. */
    int gated[CLASSIFY_GATE_MAX];
    int gate_near[CLASSIFY_GATE_MAX];
    size_t ngated;
    uint32_t *gate_of;  /* by target, NULL when nothing is gated */
    uint32_t *bg_start; /* fallback: literals by first two bytes (65537) */
    uint32_t *bg_items;
    uint8_t bg_bits[8192];   /* which first-two-byte keys have literals */
    unsigned char lower[256];
    bool compiled;
    bool use_hs;
    char version[40];
    char *shipped_dir;
    struct nb_model *model; /* the wording model, NULL if none (model.c) */
    uint64_t model_hash;    /* of the model file's bytes, part of the version */
    pcre2_code *combined; /* fallback scanner: every pattern in one regex */
    uint32_t max_ovec;
#ifdef HAVE_HYPERSCAN
    hs_database_t *db;
    /* the gated raw patterns alone: scanned over a piece that holds a line
     * longer than CLASSIFY_LINE_MAX, which a synthetic hit cannot stand
     * for (such a line is evaluated in windows around its real hits) */
    hs_database_t *gdb;
    /* the `scan apart` patterns: a second pass over each piece (their short
     * factors would slow the main database's literal matcher on every byte) */
    hs_database_t *adb;
    hs_scratch_t *scratch_proto; /* serves db, gdb and adb */
#endif
};

#ifdef HAVE_HYPERSCAN
/* Path of the compiled-database cache for a compiled rule set on the given
 * platform (NULL: caching off or no cache directory); the caller frees it.
 * The platform is part of the key: a database built where the CPU lacked
 * a feature (under valgrind, say) works on a CPU that has it, only slower,
 * so it must not be loaded there. */
char *classify_hs_cache_path_for(const struct classify_rules *rs, const hs_platform_info_t *plat);
#endif

/* Marker id for "@name", MARK_NONE if the class is not a marker,
 * -1 if it starts with '@' but is unknown. */
int classify_marker_of(const char *class_id);
/* Length of the log prefix a line starts with (timestamps, kubectl
 * --prefix, BuildKit's step clock, bazel's "(HH:MM:SS)", the runner's
 * [command:delta] frame), 0 if none: rules and baselines look at the line
 * after it. */
size_t classify_skip_log_prefix(const char *s, size_t n);
/* Required literals of a pattern (lower case, each >= minlen bytes), the
 * set expected to be rarest in ordinary log text; returns how many (0:
 * none usable). *bits (if not NULL) gets the set's expected rarity: about
 * one candidate per 2^bits bytes of text. *out and its strings are the
 * caller's to free. */
size_t classify_literals(const char *pattern, char ***out, size_t minlen, unsigned *bits);
#endif
