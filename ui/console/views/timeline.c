/* timeline — the timeline view (`t`): the lane's (or, for a run with no
 * attempt suffix, the run's) postmortem timeline from the history cache,
 * as src/timeline/timeline.h builds it for `artriage timeline`: time,
 * run, event, class, text, deleted runs included. The first cause of each
 * failed attempt and the change that preceded the lane's first success
 * stand out. `n` adds a note at the selected event's time, `x` exports
 * Markdown / JSON / CSV (by the file name's extension) to a 0600 file,
 * `l` opens the selected run's logs. */
#include "view.h"
#include "source.h"
#include "vprompt.h"
#include "model/linkage.h"
#include "store/store.h"
#include "timeline/timeline.h"
#include "util/err.h"
#include "util/sanitize.h"
#include "util/timeutil.h"
#include "util/xalloc.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { MARK_NONE, MARK_CAUSE, MARK_FIX, MARK_SUCCESS };

struct tl {
    struct console *c;
    char *uid, *ctx, *ns, *lane, *run;   /* lane NULL: one run */
    struct timeline t;
    int *mark;                     /* MARK_* per event */
    char *fix_what;                /* what changed before the first success */
    char *error;                   /* sanitised, when the cache cannot answer */
    size_t cur, top;
    int body_rows;
    struct vprompt prompt;
};

static void tl_clear(struct tl *v)
{
    timeline_free(&v->t);
    memset(&v->t, 0, sizeof v->t);
    free(v->mark);
    v->mark = NULL;
    free(v->fix_what);
    v->fix_what = NULL;
    free(v->error);
    v->error = NULL;
}

/* What changed between the first successful attempt and the one before. */
static char *change_words(struct console *c, const char *ctx, const char *ns, const char *run)
{
    struct rs_run *r = runset_find_name(c->rs, ctx, ns, run);
    if (!r) return NULL;
    struct rs_attempt *att = NULL;
    size_t n = runset_lane(c->rs, r, &att);
    char *out = NULL;
    for (size_t i = 0; i < n; i++) {
        if (att[i].run != r) continue;
        static const struct { unsigned bit; const char *word; } w[] = {
            {CHG_DIGEST, "image digest"}, {CHG_IMAGE, "image"}, {CHG_SPEC, "spec"},
            {CHG_HEAD, "head branch"}, {CHG_PROMPT, "system prompt"},
        };
        struct buf b = {0};
        for (size_t k = 0; k < sizeof w / sizeof w[0]; k++)
            if (att[i].changed & w[k].bit) buf_printf(&b, "%s%s", b.len ? ", " : "", w[k].word);
        if (b.len) out = buf_detach(&b);
        buf_free(&b);
    }
    free(att);
    return out;
}

static void tl_build(struct tl *v)
{
    size_t keep = v->cur;
    tl_clear(v);
    struct store *st = v->c->src ? source_store(v->c->src) : NULL;
    if (!st) {
        v->error = xstrdup("the history cache is not open, so there is no timeline");
        return;
    }
    struct timeline_query q;
    timeline_query_init(&q);
    q.context = v->ctx; /* the run's own context (the console may follow several) */
    q.ns = v->ns;
    const char *runs[1] = {v->run};
    if (v->lane) {
        q.lane = v->lane;
    } else {
        q.runs = runs;
        q.nruns = 1;
    }
    char err[ERRLEN];
    if (timeline_build(st, &q, &v->t, err, sizeof err) != 0) {
        v->error = sanitize_str(err, 0);
        return;
    }
    v->mark = xcalloc(v->t.n ? v->t.n : 1, sizeof *v->mark);
    /* first cause of each failed attempt */
    for (size_t i = 0; i < v->t.n; i++) {
        const struct timeline_event *e = &v->t.ev[i];
        if (e->kind != TL_FIRST_CAUSE) continue;
        bool first = true;
        for (size_t k = 0; k < i; k++)
            if (v->t.ev[k].kind == TL_FIRST_CAUSE && v->t.ev[k].run && e->run &&
                strcmp(v->t.ev[k].run, e->run) == 0)
                first = false;
        if (first) v->mark[i] = MARK_CAUSE;
    }
    /* the lane's first success, and the events of that attempt before it
     * (its creation or rerun: the change that fixed things) */
    for (size_t i = 0; i < v->t.n; i++) {
        const struct timeline_event *e = &v->t.ev[i];
        if (e->kind != TL_SUCCEEDED || !e->run) continue;
        v->mark[i] = MARK_SUCCESS;
        for (size_t k = 0; k < i; k++) {
            const struct timeline_event *p = &v->t.ev[k];
            if (p->run && strcmp(p->run, e->run) == 0 && (p->kind == TL_CREATED || p->kind == TL_RERUN))
                v->mark[k] = MARK_FIX;
        }
        /* a rerun action names the new run in its text */
        for (size_t k = 0; k < i; k++) {
            const struct timeline_event *p = &v->t.ev[k];
            if (p->kind == TL_RERUN && p->text && strstr(p->text, e->run)) v->mark[k] = MARK_FIX;
        }
        v->fix_what = change_words(v->c, v->ctx, v->ns, e->run);
        break;
    }
    v->cur = keep < v->t.n ? keep : (v->t.n ? v->t.n - 1 : 0);
}

/* ---- drawing ---- */

static void fmt_time(int64_t ms, char *out, size_t n)
{
    char t[40];
    time_format_rfc3339(ms, t, sizeof t);
    /* "2026-02-25T09:12:40Z" -> "2026-02-25 09:12:40" */
    snprintf(out, n, "%.10s %.8s", t, strlen(t) >= 19 ? t + 11 : "");
}

/* Appends text with the lane's name (shared by every run of it) cut to
 * an ellipsis, so "Run …e fails" fits where the full name would not. */
static void shorten(struct buf *b, const char *text, const char *lane, const char *ell)
{
    size_t ll = lane ? strlen(lane) : 0;
    const char *p = text;
    while (ll) {
        const char *q = strstr(p, lane);
        if (!q) break;
        buf_append(b, p, (size_t)(q - p));
        buf_puts(b, ell);
        p = q + ll;
    }
    buf_puts(b, p);
}

static void tl_draw(struct view *vw, struct console *c, int top, int rows, int cols)
{
    struct tl *v = vw->priv;
    int last_y = top + rows - 1;
    v->body_rows = rows - 3 > 1 ? rows - 3 : 1;
    char head[512];
    char *what = sanitize_str(v->lane ? v->lane : v->run, 0);
    snprintf(head, sizeof head, " %s %s | %zu events (history cache)%s%s", v->lane ? "lane" : "run",
             what, v->t.n, v->fix_what ? " | changed before the first success: " : "",
             v->fix_what ? v->fix_what : "");
    free(what);
    draw_text(c, top, 0, cols, head, draw_attr(c, CP_HEADER), true);
    bool wide = cols >= 120;
    /* a lane's runs differ by their attempt suffix: show only that */
    int tw = 19, kw = 12, cw = wide ? 26 : 0, rw = v->lane ? 4 : (wide ? (cols >= 160 ? 45 : 28) : 0);
    int xw = cols - (tw + 1) - (rw ? rw + 1 : 0) - (kw + 1) - (cw ? cw + 1 : 0) - 2;
    if (xw < 10) xw = 10;
    int x = 2;
    attr_t ha = draw_attr(c, CP_HEADER);
    draw_clear(top + 1, 0, cols, ha);
    draw_text(c, top + 1, x, tw, "TIME (UTC)", ha, false);
    x += tw + 1;
    if (rw) {
        draw_text(c, top + 1, x, rw, v->lane ? "ATT" : "RUN", ha, false);
        x += rw + 1;
    }
    draw_text(c, top + 1, x, kw, "EVENT", ha, false);
    x += kw + 1;
    if (cw) {
        draw_text(c, top + 1, x, cw, "CLASS", ha, false);
        x += cw + 1;
    }
    draw_text(c, top + 1, x, cols - x, "TEXT", ha, false);
    int y = top + 2;
    if (v->error || !v->t.n) {
        draw_text(c, y++, 1, cols - 1, v->error ? v->error : "no events for this run in the history cache",
                  v->error ? draw_attr(c, CP_ERROR) : draw_attr(c, CP_DIM), false);
    } else {
        if (v->cur < v->top) v->top = v->cur;
        if (v->cur >= v->top + (size_t)v->body_rows) v->top = v->cur - (size_t)v->body_rows + 1;
        for (size_t i = v->top; i < v->t.n && y < top + 2 + v->body_rows; i++, y++) {
            const struct timeline_event *e = &v->t.ev[i];
            attr_t a = A_NORMAL;
            const char *flag = "  ";
            switch (v->mark[i]) {
            case MARK_CAUSE: a = draw_attr(c, CP_FAILED); flag = "! "; break;
            case MARK_FIX: a = draw_attr(c, CP_SUCCEEDED) | A_BOLD; flag = "* "; break;
            case MARK_SUCCESS: a = draw_attr(c, CP_SUCCEEDED); break;
            default:
                if (e->kind == TL_FAILED) a = draw_attr(c, CP_FAILED) & ~A_BOLD;
                else if (e->kind == TL_NOTE) a = draw_attr(c, CP_HILITE);
                else if (e->kind == TL_DELETED) a = draw_attr(c, CP_DIM);
            }
            if (i == v->cur) a = draw_attr(c, CP_CURSOR);
            draw_clear(y, 0, cols, a);
            draw_text(c, y, 0, 2, flag, a, false);
            char tbuf[40];
            fmt_time(e->time, tbuf, sizeof tbuf);
            int xx = 2;
            draw_text(c, y, xx, tw, tbuf, a, false);
            xx += tw + 1;
            if (rw) {
                const char *rn = e->run ? e->run : "-";
                size_t ll = v->lane ? strlen(v->lane) : 0;
                if (ll && strncmp(rn, v->lane, ll) == 0) rn = rn[ll] ? rn + ll : "-";
                draw_text(c, y, xx, rw, rn, a, true);
                xx += rw + 1;
            }
            draw_text(c, y, xx, kw, timeline_kind_name(e->kind), a, false);
            xx += kw + 1;
            if (cw) {
                draw_text(c, y, xx, cw, e->cls ? e->cls : "", a, true);
                xx += cw + 1;
            }
            struct buf b = {0};
            if (!wide && e->cls) buf_printf(&b, "[%s] ", e->cls);
            shorten(&b, e->text ? e->text : "", v->lane, c->utf8 ? "\xe2\x80\xa6" : "~");
            if (v->mark[i] == MARK_FIX) {
                if (v->fix_what) buf_printf(&b, "  <- changed: %s", v->fix_what);
                else buf_puts(&b, "  <- before the first success");
            }
            if (e->estimated) buf_puts(&b, " (time estimated)");
            else if (e->reconstructed) buf_puts(&b, " (reconstructed)");
            draw_text(c, y, xx, cols - xx, b.p, a, true);
            buf_free(&b);
        }
    }
    while (y < last_y) draw_clear(y++, 0, cols, A_NORMAL);
    if (v->prompt.kind)
        vprompt_draw(c, &v->prompt, last_y, cols);
    else
        draw_text(c, last_y, 0, cols, " n note at this time  x export (.md .json .csv)  l logs  ! first cause  * change before first success",
                  draw_attr(c, CP_DIM), false);
}

static void tl_title(struct view *vw, struct console *c, char *out, size_t outlen)
{
    struct tl *v = vw->priv;
    char *s = sanitize_str(v->lane ? v->lane : v->run, 0);
    snprintf(out, outlen, "timeline: %s", s);
    free(s);
}

static const char *tl_run_uid(struct view *vw, const char **ctx)
{
    struct tl *v = vw->priv;
    *ctx = v->ctx;
    return v->uid;
}

/* ---- actions ---- */

static void add_note(struct tl *v, const char *text)
{
    struct store *st = v->c->src ? source_store(v->c->src) : NULL;
    if (!st || !v->t.n) {
        console_say(v->c, true, "no history cache event to attach a note to");
        return;
    }
    char err[ERRLEN];
    int64_t at = v->t.ev[v->cur].time;
    if (store_add_note(st, at, text, v->ctx, v->ns, time_now_ms(), NULL, err, sizeof err) != 0) {
        char *e = sanitize_str(err, 0);
        console_say(v->c, true, "%s", e);
        free(e);
        return;
    }
    tl_build(v);
    /* land on the new note */
    for (size_t i = 0; i < v->t.n; i++)
        if (v->t.ev[i].kind == TL_NOTE && v->t.ev[i].time == at && v->t.ev[i].text &&
            strstr(v->t.ev[i].text, text))
            v->cur = i;
    console_say(v->c, false, "note added");
}

static void export(struct tl *v, const char *path)
{
    enum timeline_format f = TIMELINE_MD;
    const char *dot = strrchr(path, '.');
    if (dot && timeline_format_parse(dot + 1, &f) != 0) f = TIMELINE_MD;
    struct buf b = {0};
    timeline_render(&v->t, f, &b);
    char *p = sanitize_str(path, 0);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    bool ok = fd >= 0;
    size_t off = 0;
    while (ok && off < b.len) {
        ssize_t w = write(fd, b.p + off, b.len - off);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) ok = false;
        else off += (size_t)w;
    }
    int e = errno;
    if (fd >= 0 && close(fd) != 0 && ok) {
        ok = false;
        e = errno;
    }
    if (ok) console_say(v->c, false, "exported %zu events to %s", v->t.n, p);
    else console_say(v->c, true, "exporting the timeline to %s: %s", p, strerror(e));
    free(p);
    buf_free(&b);
}

static bool tl_raw_key(struct view *vw, struct console *c, bool isfunc, int ch)
{
    struct tl *v = vw->priv;
    int kind = v->prompt.kind;
    int rc = vprompt_key(&v->prompt, isfunc, ch);
    if (rc == VP_CLOSED || rc == VP_PASS) return false;
    c->redraw = true;
    if (rc == VP_DONE) {
        char *text = vprompt_text(&v->prompt);
        if (*text) {
            if (kind == 'n') add_note(v, text);
            else if (kind == 'x') export(v, text);
        }
        free(text);
    }
    return true;
}

static bool tl_key(struct view *vw, struct console *c, enum req req, int ch)
{
    struct tl *v = vw->priv;
    size_t page = v->body_rows > 1 ? (size_t)v->body_rows : 1;
    switch (req) {
    case REQ_DOWN: if (v->cur + 1 < v->t.n) v->cur++; return true;
    case REQ_UP: if (v->cur > 0) v->cur--; return true;
    case REQ_PGDN: v->cur = v->cur + page < v->t.n ? v->cur + page : (v->t.n ? v->t.n - 1 : 0); return true;
    case REQ_PGUP: v->cur = v->cur > page ? v->cur - page : 0; return true;
    case REQ_TOP: v->cur = 0; return true;
    case REQ_BOTTOM: v->cur = v->t.n ? v->t.n - 1 : 0; return true;
    case REQ_REFRESH: tl_build(v); return true;
    case REQ_NOTE: {
        if (!v->t.n) return true;
        char t[40], label[80];
        fmt_time(v->t.ev[v->cur].time, t, sizeof t);
        snprintf(label, sizeof label, "note at %s: ", t);
        vprompt_open(&v->prompt, 'n', label, NULL);
        return true;
    }
    case REQ_EXPORT: {
        char *s = xasprintf("timeline-%s.md", v->lane ? v->lane : v->run);
        for (char *q = s; *q; q++)
            if (*q == '/' || (unsigned char)*q < 32) *q = '_';
        vprompt_open(&v->prompt, 'x', "export to (.md .json .csv): ", s);
        free(s);
        return true;
    }
    case REQ_LOGS: {
        if (!v->t.n || !v->t.ev[v->cur].run) return true;
        struct rs_run *r = runset_find_name(c->rs, v->ctx, v->t.ev[v->cur].ns ? v->t.ev[v->cur].ns : v->ns,
                                            v->t.ev[v->cur].run);
        struct view *lv = r ? logs_view_open(c, r) : NULL;
        if (lv) console_push(c, lv);
        else if (!r) console_say(c, true, "that run is not in the run list");
        return true;
    }
    default: return false;
    }
}

static void tl_destroy(struct view *vw)
{
    struct tl *v = vw->priv;
    tl_clear(v);
    free(v->uid);
    free(v->ctx);
    free(v->ns);
    free(v->lane);
    free(v->run);
    free(v);
    free(vw);
}

/* y: the selected event's row in full, as the screen would show it with
 * room enough: time, run, event, class, text and its marks, nothing cut. */
static char *tl_copy(struct view *vw, struct console *c, char *what, size_t whatlen)
{
    struct tl *v = vw->priv;
    if (!v->t.n) {
        console_say(c, true, "no event to copy");
        return NULL;
    }
    const struct timeline_event *e = &v->t.ev[v->cur];
    char t[40];
    fmt_time(e->time, t, sizeof t);
    struct buf b = {0};
    buf_printf(&b, "%s %s %s", t, e->run ? e->run : "-", timeline_kind_name(e->kind));
    if (e->cls) buf_printf(&b, " %s", e->cls);
    if (e->text) buf_printf(&b, " %s", e->text);
    if (v->mark[v->cur] == MARK_FIX)
        buf_printf(&b, "  <- %s%s", v->fix_what ? "changed: " : "before the first success", v->fix_what ? v->fix_what : "");
    if (e->estimated) buf_puts(&b, " (time estimated)");
    else if (e->reconstructed) buf_puts(&b, " (reconstructed)");
    snprintf(what, whatlen, "event");
    return buf_detach(&b);
}

static const struct view_ops tl_ops = {
    .copy = tl_copy,
    .name = "timeline",
    .kind = VK_TIMELINE,
    .draw = tl_draw,
    .key = tl_key,
    .title = tl_title,
    .run_uid = tl_run_uid,
    .destroy = tl_destroy,
    .raw_key = tl_raw_key,
};

struct view *timeline_view_open(struct console *c, struct rs_run *r)
{
    if (!r || !r->run.name) {
        console_say(c, true, "no run selected");
        return NULL;
    }
    struct tl *v = xcalloc(1, sizeof *v);
    v->c = c;
    v->uid = xstrdup(r->run.uid);
    v->ctx = xstrdup(r->run.context);
    v->ns = xstrdup(r->run.ns);
    v->run = xstrdup(r->run.name);
    if (r->run.lane && r->run.attempt && *r->run.attempt) v->lane = xstrdup(r->run.lane);
    tl_build(v);
    /* start on the selected run's first event */
    for (size_t i = 0; i < v->t.n; i++)
        if (v->t.ev[i].run && strcmp(v->t.ev[i].run, v->run) == 0) {
            v->cur = i;
            break;
        }
    struct view *vw = xcalloc(1, sizeof *vw);
    vw->ops = &tl_ops;
    vw->priv = v;
    return vw;
}
