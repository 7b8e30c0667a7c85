/* runs — what the run services of src/runs/ (runsrc, runclass, triage)
 * share: the options they need from a front end, and the notes they hand
 * back instead of printing them.
 *
 * Both front ends fill a struct runs_opts from their own state (the CLI
 * from its parsed options, the console from its context and namespace);
 * the strings are borrowed for the duration of the call that takes them.
 *
 * A note is one sanitised line a front end may show (the CLI as
 * "artriage: note: ...", the console on its message line): something
 * that did not stop the work but leaves the answer less complete. The
 * list owns its strings; runs_notes_free() frees them, and a front end
 * that takes a note's string (runs_notes_take) frees it itself. */
#ifndef ARTRIAGE_RUNS_RUNS_H
#define ARTRIAGE_RUNS_RUNS_H
#include <stdbool.h>
#include <stddef.h>

struct runs_opts {
    const char *kubeconfig; /* NULL = $KUBECONFIG, else ~/.kube/config */
    const char *context;    /* NULL = the kubeconfig's current context */
    const char *ns;         /* NULL = the context's namespace */
    const char *db;         /* history cache file, NULL = the default path */
    const char *rules_dir;  /* extra classifier rules (--rules DIR), NULL = none */
    bool offline;           /* the history cache only, never the cluster */
};

struct runs_notes {
    char **v;
    size_t n, cap;
};

/* Appends one note, sanitised to a single line. */
void runs_note(struct runs_notes *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Moves every note out (the caller frees each string and the array); l is
 * left empty. Returns the count. */
size_t runs_notes_take(struct runs_notes *l, char ***out);
void runs_notes_free(struct runs_notes *l);
#endif
