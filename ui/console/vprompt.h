/* vprompt — a one-line text prompt a view owns (search pattern, file name,
 * note text), for views whose keys must not go through the console's own
 * `/` filter and `:` command prompt. The view feeds it every key through
 * its raw_key hook while it is open and draws it on one of its rows.
 *
 *   vprompt_open(&p, '/', "/", NULL);
 *   switch (vprompt_key(&p, isfunc, ch)) { case VP_DONE: t = vprompt_text(&p); ... free(t); }
 *   vprompt_draw(c, &p, y, cols);
 * Nothing to free: the text lives in the struct. */
#ifndef ARTRIAGE_UI_VPROMPT_H
#define ARTRIAGE_UI_VPROMPT_H
#include "view.h"
#include <stdbool.h>
#include <wchar.h>

enum { VP_CLOSED, VP_EDIT, VP_DONE, VP_CANCEL, VP_PASS };

struct vprompt {
    int kind;            /* 0 = closed; the caller's tag ('/', '?', 'w' ...) */
    char label[48];      /* shown before the text (ASCII) */
    wchar_t buf[512];
    size_t len;
};

/* Opens with an optional initial UTF-8 text. */
void vprompt_open(struct vprompt *p, int kind, const char *label, const char *initial);
/* VP_EDIT: consumed; VP_DONE (Enter) / VP_CANCEL (Esc, or Backspace on an
 * empty line): the prompt is closed, its text still readable; VP_PASS: a
 * key the prompt does not take (resize, mouse); VP_CLOSED: not open. */
int vprompt_key(struct vprompt *p, bool isfunc, int ch);
/* The text as UTF-8. Caller frees. */
/* The n wide characters of a prompt line as UTF-8 ('?' for one that has no
 * encoding); the caller frees. Every prompt of the console uses it. */
char *wcs_to_utf8(const wchar_t *w, size_t n);
char *vprompt_text(const struct vprompt *p);
/* Draws label and text on row y and puts the terminal cursor after it. */
void vprompt_draw(struct console *c, const struct vprompt *p, int y, int cols);
#endif
