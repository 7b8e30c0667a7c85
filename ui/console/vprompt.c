/* vprompt — curses keys and drawing for the one line editor (see vprompt.h). */
#include "vprompt.h"
#include "util/cells.h"
#include "util/xalloc.h"
#include <langinfo.h>
#include <stdlib.h>
#include <string.h>

bool vp_locale_utf8(void)
{
    const char *cs = nl_langinfo(CODESET);
    return cs && strcmp(cs, "UTF-8") == 0;
}

enum le_result vp_edit_key(struct lineedit *e, bool isfunc, int ch)
{
    if (!isfunc) return le_input(e, (wchar_t)ch);
    switch (ch) {
    case KEY_PASTE_BEGIN: le_paste_begin(e); return LE_MOVED;
    case KEY_PASTE_END: le_paste_end(e); return LE_MOVED;
    case KEY_ENTER: return e->pasting ? le_input(e, '\n') : LE_ENTER;
    case KEY_LEFT: return le_op(e, LE_OP_LEFT);
    case KEY_RIGHT: return le_op(e, LE_OP_RIGHT);
    case KEY_HOME: return le_op(e, LE_OP_HOME);
    case KEY_END: return le_op(e, LE_OP_END);
    case KEY_BACKSPACE: return le_op(e, LE_OP_BACKSPACE);
    case KEY_DC: return le_op(e, LE_OP_DELETE);
    case KEY_UP: return le_op(e, LE_OP_HIST_PREV);
    case KEY_DOWN: return le_op(e, LE_OP_HIST_NEXT);
    case KEY_RESIZE:
    case KEY_MOUSE: return LE_IGNORED;
    default: return LE_MOVED; /* other function keys mean nothing in a line */
    }
}

int vp_edit_draw(struct console *c, struct lineedit *e, int y, int x, int w, attr_t a)
{
    if (w < 1) return 0;
    e->utf8 = c->utf8;
    int at = le_scroll(e, w);
    /* the editor takes printable characters only; the sanitiser still
     * stands between them and the terminal */
    char *pre = le_text_range(e, e->first, e->cur);
    int used = draw_text(c, y, x, at, pre, a, true);
    free(pre);
    char *cur = e->cur < e->len ? le_text_range(e, e->cur, e->cur + 1) : xstrdup(" ");
    int cw = e->cur < e->len ? le_width(e, e->cur, e->cur + 1) : 1;
    if (cw < 1) cw = 1;
    if (used + cw > w) cw = w - used;
    used += draw_text(c, y, x + used, cw, cur, a | A_REVERSE, true);
    free(cur);
    if (used < w && e->cur < e->len) {
        char *post = le_text_range(e, e->cur + 1, e->len);
        draw_text(c, y, x + used, w - used, post, a, true);
        free(post);
    } else if (used < w) {
        draw_clear(y, x + used, x + w, a);
    }
    return x + at < x + w ? x + at : x + w - 1;
}

void vprompt_open(struct vprompt *p, int kind, const char *label, const char *initial)
{
    memset(p, 0, sizeof *p);
    p->kind = kind;
    snprintf(p->label, sizeof p->label, "%s", label ? label : "");
    p->e.utf8 = vp_locale_utf8();
    le_set(&p->e, initial);
}

int vprompt_key(struct vprompt *p, bool isfunc, int ch)
{
    if (!p->kind) return VP_CLOSED;
    switch (vp_edit_key(&p->e, isfunc, ch)) {
    case LE_IGNORED: return isfunc ? VP_PASS : VP_EDIT;
    case LE_CANCEL:
    case LE_EMPTY_BS: p->kind = 0; return VP_CANCEL;
    case LE_ENTER: p->kind = 0; return VP_DONE;
    default: return VP_EDIT;
    }
}

char *vprompt_text(const struct vprompt *p) { return le_text(&p->e); }

void vprompt_draw(struct console *c, struct vprompt *p, int y, int cols)
{
    int lw = draw_text(c, y, 0, cols, p->label, A_BOLD, false);
    vp_edit_draw(c, &p->e, y, lw, cols - lw, A_NORMAL);
}
