/* runs — the notes of the run services (runs.h). */
#include "runs.h"
#include "util/sanitize.h"
#include "util/xalloc.h"
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void runs_note(struct runs_notes *l, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *m = xvasprintf(fmt, ap);
    va_end(ap);
    /* the text may carry cluster or file bytes: one line, no controls */
    char *s = sanitize_str(m, 0);
    free(m);
    l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof *l->v);
    l->v[l->n++] = s;
}

size_t runs_notes_take(struct runs_notes *l, char ***out)
{
    size_t n = l->n;
    *out = l->v;
    memset(l, 0, sizeof *l);
    return n;
}

void runs_notes_free(struct runs_notes *l)
{
    for (size_t i = 0; i < l->n; i++) free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}
