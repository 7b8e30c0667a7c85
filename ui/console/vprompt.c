/* vprompt — a view's own one-line prompt (see vprompt.h). */
#include "vprompt.h"
#include "util/xalloc.h"
#include <limits.h>
#include <stdlib.h>
#include <string.h>

void vprompt_open(struct vprompt *p, int kind, const char *label, const char *initial)
{
    memset(p, 0, sizeof *p);
    p->kind = kind;
    snprintf(p->label, sizeof p->label, "%s", label ? label : "");
    if (initial) {
        mbstate_t st;
        memset(&st, 0, sizeof st);
        const char *s = initial;
        size_t n = mbsrtowcs(p->buf, &s, sizeof p->buf / sizeof p->buf[0] - 1, &st);
        p->len = n == (size_t)-1 ? 0 : n;
    }
}

int vprompt_key(struct vprompt *p, bool isfunc, int ch)
{
    if (!p->kind) return VP_CLOSED;
    if (isfunc && (ch == KEY_RESIZE || ch == KEY_MOUSE)) return VP_PASS;
    if (!isfunc && ch == 27) {
        p->kind = 0;
        return VP_CANCEL;
    }
    if ((!isfunc && (ch == '\n' || ch == '\r')) || (isfunc && ch == KEY_ENTER)) {
        p->kind = 0;
        return VP_DONE;
    }
    if ((isfunc && ch == KEY_BACKSPACE) || (!isfunc && (ch == 127 || ch == 8))) {
        if (p->len == 0) {
            p->kind = 0;
            return VP_CANCEL;
        }
        p->len--;
    } else if (!isfunc && ch == 21) {  /* ^U */
        p->len = 0;
    } else if (!isfunc && ch >= 32 && ch != 127 && p->len + 1 < sizeof p->buf / sizeof p->buf[0]) {
        p->buf[p->len++] = (wchar_t)ch;
    }
    return VP_EDIT;
}

char *wcs_to_utf8(const wchar_t *w, size_t n)
{
    char *out = xmalloc(n * MB_LEN_MAX + 1);
    size_t o = 0;
    mbstate_t st;
    memset(&st, 0, sizeof st);
    for (size_t i = 0; i < n; i++) {
        size_t k = wcrtomb(out + o, w[i], &st);
        if (k == (size_t)-1) out[o++] = '?';
        else o += k;
    }
    out[o] = 0;
    return out;
}

char *vprompt_text(const struct vprompt *p) { return wcs_to_utf8(p->buf, p->len); }

void vprompt_draw(struct console *c, const struct vprompt *p, int y, int cols)
{
    int lw = draw_text(c, y, 0, cols, p->label, A_BOLD, false);
    char *text = vprompt_text(p);
    /* typed by the user, but still only printable text reaches the screen */
    int used = draw_text(c, y, lw, cols - lw, text, A_NORMAL, true);
    free(text);
    curs_set(1);
    leaveok(stdscr, FALSE);
    int x = lw + used;
    move(y, x < cols ? x : cols - 1);
}
