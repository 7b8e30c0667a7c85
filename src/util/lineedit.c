/* lineedit — the one line editor (see lineedit.h). */
#include "util/lineedit.h"
#include "util/cells.h"
#include "util/sanitize.h"
#include "util/xalloc.h"
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

/* Whether a character may stand in a prompt's text: printable, and none
 * of the characters the sanitiser would have to escape on the way out
 * (C1, bidi overrides and isolates, line/paragraph separators, BOM). */
static bool takes(const struct lineedit *e, wchar_t w)
{
    unsigned long u = (unsigned long)w;
    if (u < 0x20 || u == 0x7f || (u >= 0x80 && u < 0xa0)) return false;
    if ((u >= 0x202a && u <= 0x202e) || (u >= 0x2066 && u <= 0x2069) || u == 0x2028 || u == 0x2029 ||
        u == 0xfeff || u > 0x10ffff || (u >= 0xd800 && u <= 0xdfff))
        return false;
    if (!e->utf8 && u > 0x7e) return false;
    return u < 0x80 || iswprint((wint_t)w);
}

static void reset_view(struct lineedit *e)
{
    e->first = 0;
    if (e->hist) e->hpos = e->hist->n;
}

/* Puts code points in e without the editing rules (history, stash). */
static void load(struct lineedit *e, const char *text)
{
    e->len = e->cur = 0;
    e->first = 0;
    if (!text) return;
    size_t n = strlen(text);
    for (size_t i = 0; i < n && e->len < LE_MAX;) {
        unsigned cp;
        size_t l = utf8_decode((const unsigned char *)text + i, n - i, &cp);
        if (l == 0) {
            i++;
            continue;
        }
        i += l;
        if (takes(e, (wchar_t)cp)) e->buf[e->len++] = (wchar_t)cp;
    }
    e->cur = e->len;
}

void le_set(struct lineedit *e, const char *text)
{
    load(e, text);
    e->pasting = false;
    e->stash_len = 0;
    reset_view(e);
}

static void delete_range(struct lineedit *e, size_t from, size_t to)
{
    if (to <= from) return;
    memmove(e->buf + from, e->buf + to, (e->len - to) * sizeof *e->buf);
    e->len -= to - from;
    if (e->cur >= to) e->cur -= to - from;
    else if (e->cur > from) e->cur = from;
}

static enum le_result insert(struct lineedit *e, wchar_t w)
{
    if (!takes(e, w) || e->len >= LE_MAX) return LE_REFUSED;
    memmove(e->buf + e->cur + 1, e->buf + e->cur, (e->len - e->cur) * sizeof *e->buf);
    e->buf[e->cur++] = w;
    e->len++;
    return LE_CHANGED;
}

static void history_load(struct lineedit *e, const wchar_t *w, size_t n)
{
    memcpy(e->buf, w, n * sizeof *w);
    e->len = e->cur = n;
    e->first = 0;
}

enum le_result le_op(struct lineedit *e, enum le_op op)
{
    switch (op) {
    case LE_OP_LEFT:
        if (!e->cur) return LE_MOVED;
        e->cur--;
        return LE_MOVED;
    case LE_OP_RIGHT:
        if (e->cur >= e->len) return LE_MOVED;
        e->cur++;
        return LE_MOVED;
    case LE_OP_HOME: e->cur = 0; return LE_MOVED;
    case LE_OP_END: e->cur = e->len; return LE_MOVED;
    case LE_OP_BACKSPACE:
        if (!e->len) return LE_EMPTY_BS;
        if (!e->cur) return LE_MOVED;
        delete_range(e, e->cur - 1, e->cur);
        return LE_CHANGED;
    case LE_OP_DELETE:
        if (e->cur >= e->len) return LE_MOVED;
        delete_range(e, e->cur, e->cur + 1);
        return LE_CHANGED;
    case LE_OP_KILL_START:
        if (!e->cur) return LE_MOVED;
        delete_range(e, 0, e->cur);
        return LE_CHANGED;
    case LE_OP_KILL_END:
        if (e->cur >= e->len) return LE_MOVED;
        e->len = e->cur;
        return LE_CHANGED;
    case LE_OP_KILL_WORD: {
        /* the spaces before the cursor, then the word before them */
        size_t from = e->cur;
        while (from && iswspace((wint_t)e->buf[from - 1])) from--;
        while (from && !iswspace((wint_t)e->buf[from - 1])) from--;
        if (from == e->cur) return LE_MOVED;
        delete_range(e, from, e->cur);
        return LE_CHANGED;
    }
    case LE_OP_HIST_PREV: {
        struct le_history *h = e->hist;
        if (!h || !h->n || e->hpos == 0) return LE_MOVED;
        if (e->hpos > h->n) e->hpos = h->n;
        if (e->hpos == h->n) {
            memcpy(e->stash, e->buf, e->len * sizeof *e->buf);
            e->stash_len = e->len;
        }
        e->hpos--;
        load(e, h->items[e->hpos]);
        return LE_CHANGED;
    }
    case LE_OP_HIST_NEXT: {
        struct le_history *h = e->hist;
        if (!h || e->hpos >= h->n) return LE_MOVED;
        e->hpos++;
        if (e->hpos == h->n) history_load(e, e->stash, e->stash_len);
        else load(e, h->items[e->hpos]);
        return LE_CHANGED;
    }
    }
    return LE_MOVED;
}

enum le_result le_input(struct lineedit *e, wchar_t ch)
{
    if (e->pasting) {
        /* pasted: a line break or tab is a space, never Enter or Tab */
        if (ch == '\n' || ch == '\r' || ch == '\t') ch = ' ';
        else if ((unsigned long)ch < 0x20 || ch == 0x7f) return LE_MOVED; /* dropped */
        return insert(e, ch);
    }
    switch (ch) {
    case '\n':
    case '\r': return LE_ENTER;
    case 27: return LE_CANCEL;
    case '\t': return LE_TAB;
    case 127:
    case 'h' & 0x1f: return le_op(e, LE_OP_BACKSPACE);
    case 'a' & 0x1f: return le_op(e, LE_OP_HOME);
    case 'e' & 0x1f: return le_op(e, LE_OP_END);
    case 'b' & 0x1f: return le_op(e, LE_OP_LEFT);
    case 'f' & 0x1f: return le_op(e, LE_OP_RIGHT);
    case 'd' & 0x1f: return le_op(e, LE_OP_DELETE);
    case 'k' & 0x1f: return le_op(e, LE_OP_KILL_END);
    case 'u' & 0x1f: return le_op(e, LE_OP_KILL_START);
    case 'w' & 0x1f: return le_op(e, LE_OP_KILL_WORD);
    case 'p' & 0x1f: return le_op(e, LE_OP_HIST_PREV);
    case 'n' & 0x1f: return le_op(e, LE_OP_HIST_NEXT);
    default: break;
    }
    if ((unsigned long)ch < 0x20) return LE_IGNORED; /* other controls: not ours */
    return insert(e, ch);
}

size_t le_insert_utf8(struct lineedit *e, const char *s)
{
    bool was = e->pasting;
    e->pasting = true;
    size_t k = 0, n = s ? strlen(s) : 0;
    for (size_t i = 0; i < n;) {
        unsigned cp;
        size_t l = utf8_decode((const unsigned char *)s + i, n - i, &cp);
        if (l == 0) {
            i++;
            continue;
        }
        i += l;
        if (le_input(e, (wchar_t)cp) == LE_CHANGED) k++;
    }
    e->pasting = was;
    return k;
}

void le_paste_begin(struct lineedit *e) { e->pasting = true; }
void le_paste_end(struct lineedit *e) { e->pasting = false; }

char *le_text_range(const struct lineedit *e, size_t from, size_t to)
{
    if (to > e->len) to = e->len;
    if (from > to) from = to;
    char *out = xmalloc((to - from) * 4 + 1);
    size_t o = 0;
    for (size_t i = from; i < to; i++) {
        unsigned long u = (unsigned long)e->buf[i];
        if (u > 0x10ffff) out[o++] = '?';
        else o += utf8_encode((unsigned)u, out + o);
    }
    out[o] = 0;
    return out;
}

char *le_text(const struct lineedit *e) { return le_text_range(e, 0, e->len); }

int le_width(const struct lineedit *e, size_t from, size_t to)
{
    int w = 0;
    for (size_t i = from; i < to && i < e->len; i++) w += cell_wc_width(e->buf[i], e->utf8);
    return w;
}

int le_scroll(struct lineedit *e, int cols)
{
    if (cols < 1) cols = 1;
    if (e->first > e->cur) e->first = e->cur;
    /* the cursor's own cell must fit: the text before it takes cols - 1 */
    while (e->first < e->cur && le_width(e, e->first, e->cur) > cols - 1) e->first++;
    /* show as much as fits on the left once the text got shorter */
    while (e->first > 0 && le_width(e, e->first - 1, e->cur) <= cols - 1) e->first--;
    return le_width(e, e->first, e->cur);
}

void le_replace_before_cursor(struct lineedit *e, size_t from, const char *text)
{
    if (from > e->cur) from = e->cur;
    delete_range(e, from, e->cur);
    le_insert_utf8(e, text);
}

size_t le_word_start(const struct lineedit *e)
{
    size_t i = e->cur;
    while (i && e->buf[i - 1] != ' ') i--;
    return i;
}

size_t le_complete(struct lineedit *e, const char *const *cands, size_t n)
{
    size_t from = le_word_start(e);
    char *word = le_text_range(e, from, e->cur);
    size_t wl = strlen(word), matches = 0, common = 0;
    const char *first = NULL;
    for (size_t i = 0; i < n; i++) {
        if (!cands[i] || strncmp(cands[i], word, wl) != 0) continue;
        if (!first) {
            first = cands[i];
            common = strlen(first);
        } else {
            size_t k = 0;
            while (k < common && cands[i][k] == first[k]) k++;
            common = k;
        }
        matches++;
    }
    free(word);
    if (!matches) return 0;
    /* never cut inside a UTF-8 sequence */
    while (common > wl && ((unsigned char)first[common] & 0xc0) == 0x80) common--;
    char *put = xmalloc(common + 2);
    memcpy(put, first, common);
    put[common] = 0;
    if (matches == 1) strcat(put, " ");
    if (matches == 1 || common > wl) le_replace_before_cursor(e, from, put);
    free(put);
    return matches;
}

void le_history_init(struct le_history *h, size_t max)
{
    memset(h, 0, sizeof *h);
    h->max = max ? max : 100;
}

void le_history_add(struct le_history *h, const char *text)
{
    if (!text || !*text) return;
    if (h->n && strcmp(h->items[h->n - 1], text) == 0) return;
    if (h->n == h->max) {
        free(h->items[0]);
        memmove(h->items, h->items + 1, (h->n - 1) * sizeof *h->items);
        h->n--;
    }
    h->items = xgrow(h->items, &h->cap, h->n + 1, sizeof *h->items);
    h->items[h->n++] = xstrdup(text);
}

void le_history_free(struct le_history *h)
{
    for (size_t i = 0; i < h->n; i++) free(h->items[i]);
    free(h->items);
    memset(h, 0, sizeof *h);
}

void le_attach_history(struct lineedit *e, struct le_history *h)
{
    e->hist = h;
    e->hpos = h ? h->n : 0;
    e->stash_len = 0;
}
