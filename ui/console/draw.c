/* draw — cell-exact text output for the console: every string is measured
 * by the one cell decoder (util/cells.h) and cut to its column, so a row can never wrap, and cluster
 * strings pass through the one sanitiser before they reach ncurses. */
#include "view.h"
#include "util/cells.h"
#include "util/sanitize.h"
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

attr_t draw_attr(const struct console *c, int role)
{
    if (c->color) {
        /* the config file's skin replaces a role's built-in attributes */
        if (role > 0 && role < CP_COUNT && c->skin_attr_set[role]) return COLOR_PAIR(role) | c->skin_attr[role];
        attr_t extra = 0;
        if (role == CP_TITLE || role == CP_HEADER || role == CP_BANNER || role == CP_FAILED) extra = A_BOLD;
        if (role == CP_DIM) extra = A_DIM;
        return COLOR_PAIR(role) | extra;
    }
    switch (role) {
    case CP_FAILED: return A_BOLD;
    case CP_TITLE: return A_BOLD;
    case CP_HEADER: return A_UNDERLINE;
    case CP_STATUS: return A_REVERSE;
    case CP_CURSOR: return A_REVERSE;
    case CP_ERROR: return A_BOLD;
    case CP_DIM: return A_DIM;
    case CP_HILITE: return A_BOLD | A_UNDERLINE;
    case CP_BANNER: return A_REVERSE | A_BOLD;
    default: return A_NORMAL;
    }
}

attr_t draw_phase_attr(const struct console *c, const char *phase)
{
    if (!phase || !*phase) return draw_attr(c, CP_DIM);
    if (strcmp(phase, "Failed") == 0) return draw_attr(c, CP_FAILED);
    if (strcmp(phase, "Succeeded") == 0) return draw_attr(c, CP_SUCCEEDED);
    if (strcmp(phase, "Running") == 0) return draw_attr(c, CP_RUNNING);
    if (strcmp(phase, "Pending") == 0) return draw_attr(c, CP_PENDING);
    if (strcmp(phase, "Cancelled") == 0) return draw_attr(c, CP_CANCELLED);
    if (strcmp(phase, "Template") == 0) return draw_attr(c, CP_TEMPLATE);
    return A_NORMAL;
}

/* Next display cell of a sanitised UTF-8 string: the one decoder (util/cells.h). */
static size_t next_cell(const struct console *c, const char *s, size_t n, wchar_t *wc, int *w)
{
    return cell_next(s, n, c->utf8, wc, w);
}

int draw_width(const struct console *c, const char *s)
{
    int total = 0;
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        wchar_t wc;
        int w;
        i += next_cell(c, s + i, n - i, &wc, &w);
        total += w;
    }
    return total;
}

int draw_text(const struct console *c, int y, int x, int w, const char *s, attr_t a, bool raw)
{
    if (w <= 0) return 0;
    char *clean = raw ? sanitize_str(s, 0) : NULL;
    const char *p = raw ? clean : (s ? s : "");
    size_t n = strlen(p);
    wchar_t *out = malloc(((size_t)w + 2) * sizeof *out);
    int used = 0, nout = 0;
    bool cut = false;
    for (size_t i = 0; i < n;) {
        wchar_t wc;
        int cw;
        size_t l = next_cell(c, p + i, n - i, &wc, &cw);
        if (used + cw > w) {
            cut = true;
            break;
        }
        if (cw > 0 || nout > 0) {  /* a combining mark needs a base */
            out[nout++] = wc;
            used += cw;
        }
        i += l;
    }
    if (cut) {
        /* make room for the marker: drop cells until one column is free */
        while (nout > 0 && used > w - 1) {
            used -= cell_wc_width(out[nout - 1], c->utf8);
            nout--;
        }
        out[nout++] = c->utf8 ? L'\x2026' : L'~';
        used++;
    }
    attr_t old_a;
    short old_p;
    attr_get(&old_a, &old_p, NULL);
    attrset(a);
    if (nout) mvaddnwstr(y, x, out, nout);
    else move(y, x);
    for (int k = used; k < w; k++) addch(' ');
    attr_set(old_a, old_p, NULL);
    free(out);
    free(clean);
    return used;
}

void draw_clear(int y, int x, int cols, attr_t a)
{
    if (x >= cols) return;
    attr_t old_a;
    short old_p;
    attr_get(&old_a, &old_p, NULL);
    attrset(a);
    move(y, x);
    for (int k = x; k < cols; k++) addch(' ');
    attr_set(old_a, old_p, NULL);
}

int draw_text_cut(const struct console *c, int y, int x, int w, const char *s, attr_t a, bool raw,
                  enum draw_cut how)
{
    if (w <= 0) return 0;
    char *clean = raw ? sanitize_str(s, 0) : NULL;
    const char *p = raw ? clean : (s ? s : "");
    int total = draw_width(c, p);
    if (how == DRAW_CUT_END || total <= w || w < 3) {
        int used = draw_text(c, y, x, w, p, a, false);
        free(clean);
        return used;
    }
    /* keep `head` columns from the start and `tail` from the end */
    int tail = how == DRAW_CUT_LEFT ? w - 1 : w / 3 > 1 ? w / 3 : 1;
    /* a dotted id drops whole leading parts when that is enough */
    const char *dot = how == DRAW_CUT_LEFT ? strchr(p, '.') : NULL;
    if (dot && dot[1] && draw_width(c, dot + 1) <= w - 1) tail = draw_width(c, dot + 1);
    int head = how == DRAW_CUT_LEFT ? 0 : w - 1 - tail;
    size_t n = strlen(p), head_end = 0, tail_start = n;
    int col = 0;
    for (size_t i = 0; i < n;) {
        wchar_t wc;
        int cw;
        size_t l = next_cell(c, p + i, n - i, &wc, &cw);
        if (col + cw <= head) head_end = i + l;
        if (total - col <= tail && tail_start == n) tail_start = i;
        col += cw;
        i += l;
    }
    const char *mark = c->utf8 ? "\xe2\x80\xa6" : "~";
    size_t ml = strlen(mark);
    char *out = malloc(head_end + ml + (n - tail_start) + 1);
    memcpy(out, p, head_end);
    memcpy(out + head_end, mark, ml);
    memcpy(out + head_end + ml, p + tail_start, n - tail_start);
    out[head_end + ml + (n - tail_start)] = 0;
    int used = draw_text(c, y, x, w, out, a, false);
    free(out);
    free(clean);
    return used;
}
