/* vprompt — the console's face of the one line editor (util/lineedit.h):
 * curses keys to editing keys, bracketed paste, and drawing an editor
 * scrolled to its cursor. Every prompt uses it: the console's `:` and `/`
 * prompt (console.c), a view's own prompt (struct vprompt below: search
 * pattern, file name, note text) and the rerun dialog's fields.
 *
 * struct vprompt is a one-line prompt a view owns, for views whose keys
 * must not go through the console's `/` filter and `:` command prompt.
 * The view feeds it every key through its raw_key hook while it is open
 * and draws it on one of its rows.
 *
 *   vprompt_open(&p, '/', "/", NULL);
 *   switch (vprompt_key(&p, isfunc, ch)) { case VP_DONE: t = vprompt_text(&p); ... free(t); }
 *   vprompt_draw(c, &p, y, cols);
 * Nothing to free: the text lives in the struct. */
#ifndef ARTRIAGE_UI_VPROMPT_H
#define ARTRIAGE_UI_VPROMPT_H
#include "view.h"
#include "util/lineedit.h"
#include <stdbool.h>

/* The terminal's bracketed paste markers (console.c asks for them with
 * define_key): what comes between them is pasted text, not keys. */
#define KEY_PASTE_BEGIN (KEY_MAX + 1)
#define KEY_PASTE_END (KEY_MAX + 2)

/* Whether the locale's characters are UTF-8 (as console.c decides c->utf8). */
bool vp_locale_utf8(void);
/* One curses key to the editor: get_wch's (isfunc, ch). LE_IGNORED for a
 * key that is no editing key (resize, mouse, ^L, other function keys):
 * the caller passes it on. */
enum le_result vp_edit_key(struct lineedit *e, bool isfunc, int ch);
/* Draws e at (y, x) in w columns in attribute a, scrolled so the cursor
 * shows, the cursor's cell in reverse video (the terminal's own cursor is
 * the caller's: only the status line's prompt shows it). Returns the
 * cursor's column. The text passes the sanitiser. */
int vp_edit_draw(struct console *c, struct lineedit *e, int y, int x, int w, attr_t a);

enum { VP_CLOSED, VP_EDIT, VP_DONE, VP_CANCEL, VP_PASS };

struct vprompt {
    int kind;            /* 0 = closed; the caller's tag ('/', '?', 'w' ...) */
    char label[48];      /* shown before the text (ASCII) */
    struct lineedit e;
};

/* Opens with an optional initial UTF-8 text. */
void vprompt_open(struct vprompt *p, int kind, const char *label, const char *initial);
/* VP_EDIT: consumed; VP_DONE (Enter) / VP_CANCEL (Esc, or Backspace on an
 * empty line): the prompt is closed, its text still readable; VP_PASS: a
 * key the prompt does not take (resize, mouse); VP_CLOSED: not open. */
int vprompt_key(struct vprompt *p, bool isfunc, int ch);
/* The text as UTF-8. Caller frees. */
char *vprompt_text(const struct vprompt *p);
/* Draws label and text on row y and puts the terminal cursor after it. */
void vprompt_draw(struct console *c, struct vprompt *p, int y, int cols);
#endif
