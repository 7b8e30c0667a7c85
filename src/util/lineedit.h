/* lineedit — the one line editor behind every prompt of the console (the
 * `:` command and `/` filter prompt, a view's own prompt such as the log
 * view's search, the rerun dialog's fields). It holds the text as wide
 * characters with a cursor and knows the editing keys; drawing and the
 * terminal's key codes are the front end's (ui/console/vprompt.c maps
 * curses keys to these calls), so this part has no ncurses and is unit
 * tested.
 *
 *   struct lineedit e;
 *   le_set(&e, "initial");                   cursor at the end
 *   switch (le_input(&e, ch)) { ... }        a typed character (controls too)
 *   le_op(&e, LE_OP_LEFT);                   a function key
 *   char *t = le_text(&e); ... free(t);
 *
 * Keys (readline's): ^A / Home start, ^E / End end, ^B ^F / ← → move,
 * Backspace ^H, Delete ^D, ^U deletes to the start, ^K to the end, ^W the
 * word before the cursor; ↑ ↓ walk a history (struct le_history, borrowed,
 * optional). Only printable characters enter the text: between
 * le_paste_begin and le_paste_end (a terminal's bracketed paste) a line
 * break or tab becomes a space and every other control character is
 * dropped, so pasted text can neither submit the prompt nor put a control
 * byte in a value. Outside a UTF-8 locale (utf8 = false) only ASCII is
 * taken.
 *
 * Nothing to free in struct lineedit; a history owns its strings
 * (le_history_free). */
#ifndef ARTRIAGE_LINEEDIT_H
#define ARTRIAGE_LINEEDIT_H
#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

#define LE_MAX 510 /* characters */

struct le_history {
    char **items;   /* owned UTF-8, oldest first */
    size_t n, cap, max;
};

struct lineedit {
    wchar_t buf[LE_MAX + 1];
    size_t len, cur;
    size_t first;          /* first character shown when scrolled (le_scroll) */
    bool utf8;             /* the terminal takes UTF-8: else ASCII only */
    bool pasting;          /* inside a bracketed paste */
    struct le_history *hist; /* borrowed, may be NULL */
    size_t hpos;           /* == hist->n: the line being typed */
    wchar_t stash[LE_MAX + 1]; /* the line being typed while walking history */
    size_t stash_len;
};

/* What a key did. */
enum le_result {
    LE_IGNORED,   /* a control character that is no editing key (the caller's) */
    LE_MOVED,     /* an editing key that left the text as it was (cursor moves) */
    LE_CHANGED,   /* text changed */
    LE_REFUSED,   /* a character the editor will not take (full, not ASCII
                     outside UTF-8): the caller may say why */
    LE_ENTER,     /* Enter / Return (never while pasting) */
    LE_CANCEL,    /* Esc */
    LE_TAB,       /* Tab (never while pasting): completion is the caller's */
    LE_EMPTY_BS,  /* Backspace on an empty line: many prompts close on it */
};

enum le_op {
    LE_OP_LEFT, LE_OP_RIGHT, LE_OP_HOME, LE_OP_END, LE_OP_BACKSPACE, LE_OP_DELETE,
    LE_OP_KILL_START, LE_OP_KILL_END, LE_OP_KILL_WORD, LE_OP_HIST_PREV, LE_OP_HIST_NEXT,
};

/* Empties e (keeping utf8 and hist) and puts UTF-8 text in it, cursor at
 * the end; invalid or control bytes in text are dropped, text beyond
 * LE_MAX characters too. NULL = "". */
void le_set(struct lineedit *e, const char *text);
/* A typed character: a control character is an editing key (^A ^E ^B ^F
 * ^D ^H ^K ^U ^W, Backspace 127, Enter, Esc, Tab), anything else printable
 * is inserted at the cursor. */
enum le_result le_input(struct lineedit *e, wchar_t ch);
/* A function key's editing operation. */
enum le_result le_op(struct lineedit *e, enum le_op op);
/* Inserts a UTF-8 string at the cursor as pasted text; returns the
 * characters inserted. */
size_t le_insert_utf8(struct lineedit *e, const char *s);
void le_paste_begin(struct lineedit *e);
void le_paste_end(struct lineedit *e);

/* The text as UTF-8 ('?' for a character with no encoding); caller frees. */
char *le_text(const struct lineedit *e);
/* Characters [from, to) as UTF-8; caller frees. */
char *le_text_range(const struct lineedit *e, size_t from, size_t to);
/* Columns of characters [from, to) (util/cells.h rules). */
int le_width(const struct lineedit *e, size_t from, size_t to);
/* Moves e->first so that the cursor, and the cell after it, fit in a field
 * `cols` wide; returns the cursor's column inside the field. */
int le_scroll(struct lineedit *e, int cols);
/* Replaces characters [from, cursor) with UTF-8 text (completion). */
void le_replace_before_cursor(struct lineedit *e, size_t from, const char *text);

/* Where the word before the cursor starts (after the last space). */
size_t le_word_start(const struct lineedit *e);
/* Tab completion of the word before the cursor from n UTF-8 candidates:
 * one match is put in whole with a space after it; several are cut to
 * their longest common prefix. Returns how many candidates match
 * (0: nothing changes). */
size_t le_complete(struct lineedit *e, const char *const *cands, size_t n);

/* History: max entries (0 = 100). le_history_add keeps text unless it is
 * empty or the same as the newest entry; it resets nothing in editors. */
void le_history_init(struct le_history *h, size_t max);
void le_history_add(struct le_history *h, const char *text);
void le_history_free(struct le_history *h);
/* Attaches h (may be NULL) to e and starts at the line being typed. */
void le_attach_history(struct lineedit *e, struct le_history *h);
#endif
