/* classify — names the root cause of a failed AgentRun from its log bytes
 * and status signals, and points at the evidence line.
 *
 * Two objects:
 *  - struct classify_rules: a compiled rule set (shipped data/rules/NN-name.rules,
 *    user rules.d, --rules DIR). Built once, then read-only: any number of
 *    contexts, in any number of threads, may share it. The caller frees it
 *    with classify_rules_free() after the last context that uses it.
 *  - struct classify_ctx: one stream (one container log). Feed it chunks of
 *    any size with classify_feed(); add status signals with
 *    classify_add_signal() and derived findings (agent.no-pr) with
 *    classify_add_finding() at any time; read the current ranking with
 *    classify_snapshot() (the stream goes on) and the final one with
 *    classify_finish() (flushes a last line without a newline; after it
 *    only snapshot/finish/free are valid).
 *
 *   struct classify_rules *rs = classify_rules_load(NULL, &warn, err, sizeof err);
 *   struct classify_ctx *c = classify_new(rs, CLASSIFY_OUTCOME_FAILED);
 *   while ((n = read(fd, b, sizeof b)) > 0) classify_feed(c, b, n);
 *   struct classify_result *r = classify_finish(c);
 *   ... r->primary, r->secondary ...
 *   classify_result_free(r); classify_free(c); classify_rules_free(rs);
 *
 * Every string in a result is owned by the result (copied), so a result
 * outlives its context. Finding text is the raw log line (ANSI colour codes
 * kept, CR/LF dropped, at most CLASSIFY_TEXT_MAX bytes): the caller
 * sanitises it before it reaches a terminal. Matching ignores ANSI SGR
 * sequences and CR, works on bytes (invalid UTF-8 and NUL are fine), and
 * looks at most CLASSIFY_LINE_MAX bytes of a line around each candidate
 * match, so memory stays bounded whatever the log size.
 */
#ifndef ARTRIAGE_CLASSIFY_H
#define ARTRIAGE_CLASSIFY_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "util/buf.h"

#define CLASSIFY_LINE_MAX (64 * 1024) /* bytes of a line kept/matched at once */
#define CLASSIFY_TEXT_MAX 1024        /* bytes of line text kept in a finding */

enum classify_outcome {
    CLASSIFY_OUTCOME_UNKNOWN = 0, /* primary only for an unrecovered failure */
    CLASSIFY_OUTCOME_FAILED,      /* always a primary ("unknown" if nothing matched) */
    CLASSIFY_OUTCOME_SUCCEEDED,   /* no primary from the logs */
};

/* Parses "failed" / "succeeded" / "unknown"; -1 if none of them. */
int classify_outcome_parse(const char *s, enum classify_outcome *out);

/* ---- rule sets ---------------------------------------------------------- */

struct classify_rules;

struct classify_rules_opts {
    const char *shipped_dir; /* NULL: $ARTRIAGE_RULES, else ../share/artriage/rules
                                from the executable's directory, else (only
                                from the build tree) the source's data/rules */
    const char *user_dir;    /* NULL: $XDG_CONFIG_HOME/artriage/rules.d
                                (~/.config/...); "" to skip */
    const char *extra_dir;   /* --rules DIR (must exist), or NULL */
    const char *model_file;  /* NULL: ../model/classes.nb beside the shipped
                                rules directory (if present); "" to skip */
};

/* Loads and compiles the shipped rules, then user rules (a user rule with a
 * shipped rule's id replaces it). Problems in rule files do not stop the
 * load: each one appends a line "file:line: message\n" to `warnings` (may
 * be NULL) and the broken rule is skipped. Returns NULL (with err filled)
 * only if no shipped rules can be found, --rules DIR is unreadable, or
 * nothing compiles. */
struct classify_rules *classify_rules_load(const struct classify_rules_opts *opts,
                                           struct buf *warnings, char *err, size_t errlen);

/* Lower level: an empty set, add files/dirs/text, then compile once.
 * add_* return the number of rules added (problems go to warnings);
 * add_dir of a missing directory returns -1 and fills err. */
struct classify_rules *classify_rules_new(void);
int classify_rules_add_text(struct classify_rules *rs, const char *name, const char *text,
                            size_t len, struct buf *warnings);
int classify_rules_add_file(struct classify_rules *rs, const char *path, struct buf *warnings,
                            char *err, size_t errlen);
int classify_rules_add_dir(struct classify_rules *rs, const char *dir, struct buf *warnings,
                           char *err, size_t errlen);
int classify_rules_compile(struct classify_rules *rs, struct buf *warnings, char *err,
                           size_t errlen);
void classify_rules_free(struct classify_rules *rs);

/* The wording model: a second stage that names the class of an "unknown"
 * verdict's error block when no rule does (never overriding a rule). The
 * text is untrusted: if it is not a valid model, one line "name:line:
 * message" goes to warnings, any model loaded before is dropped, and -1 is
 * returned; the rules work without it. Changes the set's version. */
int classify_rules_set_model(struct classify_rules *rs, const char *name, const char *text,
                             size_t len, struct buf *warnings);
/* The same from a file; a missing file is not a problem (returns 0, no model). */
int classify_rules_load_model(struct classify_rules *rs, const char *path, struct buf *warnings);
/* Whether a model is loaded. */
bool classify_rules_has_model(const struct classify_rules *rs);

size_t classify_rules_count(const struct classify_rules *rs);
/* The scan lint (docs/rules.md, "Engine and speed"): the match and near
 * patterns the scanner would run whole over every byte of every log (no
 * required literal rare enough to look for instead, no near gate) and that
 * no `scan whole|apart REASON` line allows, and the `scan` lines on
 * patterns that do not need one. Returns how many; for each, a line
 * "file:line: rule ID: ... what to do" is appended to out (may be NULL).
 * Needs no compile. */
size_t classify_rules_lint_scan(const struct classify_rules *rs, struct buf *out);
/* "cls1-<16 hex>": a hash of the engine version and every loaded rule, so
 * cached classifications can be redone when the rules change. Owned by rs. */
const char *classify_rules_version(const struct classify_rules *rs);
/* The failure class a Kubernetes / AgentRun status reason names
 * ("OOMKilled" → "resource.oom"), or NULL: the one reason table, for the
 * classifier's signals and the list's status column alike. */
const char *classify_reason_class(const char *reason);
/* The directory the shipped rules came from (owned by rs). */
const char *classify_rules_shipped_dir(const struct classify_rules *rs);
/* "hyperscan" or "pcre2": which scanner the set uses. */
const char *classify_rules_engine(const struct classify_rules *rs);

/* ---- streams ------------------------------------------------------------ */

struct classify_ctx;

struct classify_ctx *classify_new(const struct classify_rules *rs, enum classify_outcome outcome);
void classify_set_outcome(struct classify_ctx *c, enum classify_outcome outcome);
void classify_feed(struct classify_ctx *c, const void *bytes, size_t n);
void classify_free(struct classify_ctx *c);

/* Status signals: facts from the cluster that join the log evidence.
 * All strings may be NULL; they are copied. */
enum classify_signal_source {
    CLASSIFY_SIG_CONTAINER = 1, /* a container state: kind = "waiting" |
                                   "terminated"; reason, message, exit_code */
    CLASSIFY_SIG_TERMINATION,   /* the runner's status.json (termination
                                   message / status.runner) in `message` */
    CLASSIFY_SIG_EVENT,         /* a pod/job event: reason, message */
    CLASSIFY_SIG_CONDITION,     /* an AgentRun/Job condition: kind = type
                                   ("Failed", "InvalidSpec", "Duplicate",
                                   "Blocked"...), status "True" in `status`,
                                   reason, message */
    CLASSIFY_SIG_STATUS,        /* AgentRun status.reason / status.message */
};

struct classify_signal {
    enum classify_signal_source source;
    const char *kind;     /* see above */
    const char *name;     /* container / object name, for the finding's source */
    const char *status;   /* condition status; NULL counts as "True" */
    const char *reason;
    const char *message;
    int exit_code;        /* container exit code; -1 = none */
};

/* Adds the findings a signal implies (its reason by the built-in table,
 * its message through the rules). Findings from signals have line 0. */
void classify_add_signal(struct classify_ctx *c, const struct classify_signal *sig);

/* A finding derived elsewhere (e.g. agent.no-pr from linkage). It takes
 * part in the ranking with `weight` (see docs/rules.md; 30 makes it win
 * only when nothing else names a cause) and counts even when the outcome
 * is "succeeded", because the caller asserts it. */
void classify_add_finding(struct classify_ctx *c, const char *class_id, const char *rule_id,
                          int weight, const char *text, const char *hint);

/* ---- baselines ---------------------------------------------------------- */

/* The log of a passing run of the same job: its lines, normalised (ANSI
 * codes, blank runs, and words holding a digit or naming a /tmp/ file
 * masked: times, durations, counters, hashes, ids) and hashed, one pass
 * over the bytes. A context given a baseline sets aside findings on lines
 * the passing run also printed (CLASSIFY_F_BASELINE) and points "unknown"
 * at the first failure line that is new. Feed chunks of any size, then
 * finish (a last line without newline). The caller frees it, after the
 * last context that uses it. */
struct classify_baseline;

struct classify_baseline *classify_baseline_new(void);
/* An asked-first baseline, for one log classified against one passing
 * log the caller can read twice (the CLI's --baseline FILE). Fed, it only
 * counts lines. Asked about a line it has not settled, it records the
 * question and answers "no". After the classification the caller settles
 * the questions, reading the baseline again: only its lines holding a
 * question's literal are normalised. If an answer "no" was wrong, the log
 * is classified again with the same baseline, which now knows it:
 *   b = classify_baseline_new_deferred(); feed...; finish;
 *   for (round = 0;; round++) {
 *       classify with b -> r;
 *       if (classify_baseline_settled(b)) break;           r is exact
 *       classify_baseline_settle_begin(b, round >= 1);
 *       feed the baseline again through classify_baseline_settle_feed;
 *       if (!classify_baseline_settle_end(b)) break;       r is exact
 *       free r;                           a "no" was wrong: once more
 *   }
 * (The second round asks what the first did; settling it whole bounds the
 * rounds all the same.) Not fed at all, it is read once only: the settle
 * counts its lines too, and the first round, told 0 lines, is always
 * done again (cheaper for a log much smaller than the baseline). A log
 * that cannot be read twice: settle whole before classifying. It records
 * what it is asked: one context uses it at a time. */
struct classify_baseline *classify_baseline_new_deferred(void);
void classify_baseline_feed(struct classify_baseline *b, const void *bytes, size_t n);
void classify_baseline_finish(struct classify_baseline *b);
size_t classify_baseline_lines(const struct classify_baseline *b);
/* Whether a line (raw, as a finding's text) normalises to one of b's. */
bool classify_baseline_has(const struct classify_baseline *b, const char *line, size_t n);
/* Settling an asked-first baseline's questions (after finish, or without
 * any feed: then its lines are counted too): begin says whether there is
 * anything to do (false: settled, or not asked-first); then the
 * baseline's bytes again, in chunks of any size; end says whether the
 * classification was told something wrong: a question answered "no" has
 * its line in the baseline, or the lines were counted only now. whole:
 * every line is hashed and the baseline answers as one made by
 * classify_baseline_new from then on. */
bool classify_baseline_settle_begin(struct classify_baseline *b, bool whole);
/* Whether b knows every answer it gave: no question answered "no"
 * without knowing since it was last settled, its lines counted. true for
 * a baseline that is not asked-first. */
bool classify_baseline_settled(const struct classify_baseline *b);
void classify_baseline_settle_feed(struct classify_baseline *b, const void *bytes, size_t n);
bool classify_baseline_settle_end(struct classify_baseline *b);
/* As settle_end, saying why (0: nothing was wrong): CLASSIFY_SETTLE_ANSWER
 * a question answered "no" has its line in the baseline;
 * CLASSIFY_SETTLE_LINES the lines were counted only now (a classification
 * reads the count only for its explanation). */
enum { CLASSIFY_SETTLE_ANSWER = 1, CLASSIFY_SETTLE_LINES = 2 };
unsigned classify_baseline_settle_end_why(struct classify_baseline *b);
/* Samples of the baseline, after settle_begin and before the first feed
 * or part (optional: without, the first chunk fed is the sample): each
 * question's literal is then its letter run with the fewest hits in
 * them, which costs the scan least. Any bytes will do (no line ends
 * needed); a few windows spread over the file say more than one. */
void classify_baseline_settle_sample(struct classify_baseline *b, const void *bytes, size_t n);
/* A settle in parts, side by side (one thread each): a part takes whole
 * lines of the baseline in order, from a line start to a line end (the
 * last part: to the end of the file), through part_feed in chunks of any
 * size; every byte belongs to one part. part_end (one thread at a time,
 * any time after that part's last feed) hands its findings over, and
 * frees it; every part is ended before settle_end. NULL: no parts in
 * this settle (a whole one, or none under way): feed settle_feed
 * instead. Parts and settle_feed do not mix in one settle. */
struct classify_baseline_part;
struct classify_baseline_part *classify_baseline_settle_part(struct classify_baseline *b);
void classify_baseline_part_feed(struct classify_baseline_part *p, const void *bytes, size_t n);
void classify_baseline_part_end(struct classify_baseline_part *p);
void classify_baseline_free(struct classify_baseline *b);
/* c reads b (borrowed) from now on; set it before feeding. NULL: none. */
void classify_set_baseline(struct classify_ctx *c, const struct classify_baseline *b);

/* ---- results ------------------------------------------------------------ */

enum {
    CLASSIFY_F_TRANSIENT = 1 << 0, /* retried (on its line or a retry line just below) / transient rule */
    CLASSIFY_F_RECOVERED = 1 << 1, /* followed by a run-success marker, or in an earlier run of the log */
    CLASSIFY_F_SIGNAL = 1 << 2,    /* from a status signal, not a log line */
    CLASSIFY_F_CALLER = 1 << 3,    /* added by classify_add_finding */
    CLASSIFY_F_SCRIPT = 1 << 4,    /* script text a CI runner echoed, source code a tool quoted,
                                      error text quoted in prose (`...`), or a passed test's name */
    CLASSIFY_F_PASSED = 1 << 5,    /* in another step than the one the run failed on: an earlier
                                      one it continued past, or one that ran after the failure */
    CLASSIFY_F_BASELINE = 1 << 6,  /* the same line is in the passing run's log */
};
/* Findings with any of these flags are set aside: they win only when nothing else does. */
#define CLASSIFY_F_ASIDE                                                                          \
    (CLASSIFY_F_TRANSIENT | CLASSIFY_F_RECOVERED | CLASSIFY_F_SCRIPT | CLASSIFY_F_PASSED |        \
     CLASSIFY_F_BASELINE)

struct classify_finding {
    char *class_id;
    char *rule_id;   /* NULL for an "unknown" primary */
    char *text;      /* raw line (or signal text), NULL if none */
    char *hint;      /* NULL if none */
    char *source;    /* "log" or the signal ("container agent-runner: terminated") */
    int64_t line;    /* 1-based; 0 = not a log line (JSON null) */
    int64_t offset;  /* byte offset of the line start; -1 = none */
    int weight;
    unsigned flags;
    double confidence; /* > 0: the class was named by the wording model
                          (its posterior), not a rule */
};

struct classify_result {
    bool has_primary;
    struct classify_finding primary;
    struct classify_finding *secondary; /* one per other class, in line order */
    size_t nsecondary;
    struct classify_finding *findings;  /* everything recorded, in line order */
    size_t nfindings;
    int64_t lines;   /* lines seen (a last line without newline counts) */
    int64_t bytes;
    char *explain;   /* why the primary won (multi-line text) */
    char *notes;     /* NULL, or one line per rule whose pattern gave up on a
                        line (PCRE2 match/depth limit; that line counted as
                        no match for it): each rule named once */
};

/* The ranking so far; the stream can continue. Caller frees. */
struct classify_result *classify_snapshot(struct classify_ctx *c);
/* Ends the stream (flushes a partial last line) and ranks. Caller frees. */
struct classify_result *classify_finish(struct classify_ctx *c);
void classify_result_free(struct classify_result *r);

/* Number of '\n' bytes in p[0..n), SIMD where available. */
size_t classify_count_newlines(const void *p, size_t n);
#endif
