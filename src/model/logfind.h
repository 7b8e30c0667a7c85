/* logfind — the classifier's findings over a logdoc, as line marks for the
 * log view: which line is the primary finding's evidence, which other
 * lines carry findings (gutter), and the ranking's explanation.
 *
 * It feeds the classifier from the document's bytes in slices, behind the
 * line index. A big finished document (more than LOGFIND_TAIL_FIRST bytes)
 * first gets its last LOGFIND_TAIL bytes classified on their own, since a
 * failed run's log ends with its failure: the cause is marked as soon as
 * the index reaches the tail, long before the full pass is through; when
 * the full pass ends, its ranking replaces the provisional one. A growing
 * document (follow) is re-ranked as lines arrive.
 *
 *   struct logfind *f = logfind_new(rules, CLASSIFY_OUTCOME_FAILED);
 *   for (;;) {
 *       logdoc_index_step(d, ...);
 *       unsigned st = logfind_step(f, d, 8 << 20);
 *       if (st & LOGFIND_CHANGED) ... redraw marks, header ...
 *       if (!(st & LOGFIND_MORE) && logdoc_indexed(d)) break;  (or idle)
 *   }
 *   logfind_free(f);
 * The rules are borrowed (they must outlive f). Pointers from
 * logfind_marks / logfind_primary / logfind_explain stay valid until the
 * next logfind_step that returns LOGFIND_CHANGED. Finding text is raw
 * log bytes: sanitise before display.
 */
#ifndef ARTRIAGE_LOGFIND_H
#define ARTRIAGE_LOGFIND_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "classify/classify.h"
#include "model/logdoc.h"

#define LOGFIND_TAIL_FIRST ((size_t)16 << 20)
#define LOGFIND_TAIL ((size_t)4 << 20)

enum { LOGFIND_MORE = 1, LOGFIND_CHANGED = 2 };

/* One line carrying findings (the strongest one is `f`). */
struct logmark {
    int64_t line;                        /* 0-based line of the document */
    const struct classify_finding *f;
    bool primary;                        /* the primary finding's evidence line */
};

struct logfind;

struct logfind *logfind_new(const struct classify_rules *rules, enum classify_outcome outcome);
/* A passing run's log (classify_set_baseline; borrowed, outlives f):
 * findings on lines it also printed are set aside. Before the first step. */
void logfind_set_baseline(struct logfind *f, const struct classify_baseline *b);
void logfind_free(struct logfind *f);
/* Classifies about budget more bytes; LOGFIND_* bits. */
unsigned logfind_step(struct logfind *f, struct logdoc *d, size_t budget);
/* True once the full pass has seen every byte of a finished document. */
bool logfind_done(const struct logfind *f);
/* Marks in line order. */
const struct logmark *logfind_marks(const struct logfind *f, size_t *n);
/* The primary finding with its 0-based line in *line (-1 when it is not
 * a log line), or NULL when the log shows no failure (yet). */
const struct classify_finding *logfind_primary(const struct logfind *f, int64_t *line);
/* The mark on a line, or NULL. */
const struct logmark *logfind_mark_at(const struct logfind *f, int64_t line);
/* The next mark after (dir > 0) / before (dir < 0) line, or NULL. */
const struct logmark *logfind_next(const struct logfind *f, int64_t line, int dir);
/* Why the primary won, which rules matched where (classify --explain);
 * "" before any ranking. */
const char *logfind_explain(const struct logfind *f);
/* Whether the marks are the tail-first estimate (full pass still going). */
bool logfind_provisional(const struct logfind *f);
#endif
