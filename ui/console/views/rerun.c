/* rerun dialog — the console's `r`: the next attempt's preview (name, head,
 * image, key, and the fields that differ from the old run), editable name /
 * head / image, then the server dry run, a confirmation and the exactly-once
 * create (rerun/drive.h).
 *
 * Nothing here blocks the console's loop. Opening (rerun_view_open) only
 * starts two requests on the run's context's API client (source_kube_for): the
 * run, and the runs of its namespace (the names and heads the next attempt
 * must not take). The dialog is on screen at once, says "loading…", counts
 * what arrived, and fills in when both are in; the history cache's part of
 * the lane is read in the view's work() slice, not in a callback. The dry
 * run and the create go over the same client: the loop's one poll waits on
 * their sockets too, and the state machine reports through on_state, whose
 * outcome is applied (audit row, note) in work(). Errors stay inside the
 * dialog as one sanitised line.
 *
 * The field editor lives in the view too: while it is open every key comes
 * through raw_key, one at a time, from the main loop, so the run list and
 * the status bar keep following the watch while the engineer types. It
 * takes printable characters only (UTF-8 in a UTF-8 locale, ASCII
 * otherwise), so an edited value never holds a control byte.
 *
 * The view owns everything it made and frees it in destroy (requests in
 * flight are cancelled: a create already sent may still land, and carries
 * this dialog's idempotency key). It borrows the console's client and
 * history cache, which outlive every view.
 *
 * Built only together with the console (ui/console/view.h): without it there is no
 * view stack to push onto, and the console's `r` key exists only when
 * rerun_view_open is linked in. */
#if defined(HAVE_CONSOLE) && __has_include("view.h")
#include "view.h"
#include "source.h"
#include "vprompt.h"
#include "kube/client.h"
#include "rerun/drive.h"
#include "rerun/prepare.h"
#include "rerun/rerun.h"
#include "store/store.h"
#include "util/err.h"
#include "util/jsonutil.h"
#include "util/sanitize.h"
#include "util/timeutil.h"
#include "util/xalloc.h"
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

enum field { F_NAME, F_HEAD, F_IMAGE, NFIELDS };

enum stage {
    ST_LOAD,      /* the run and its namespace are on their way */
    ST_BROKEN,    /* loading failed: only closing is left */
    ST_EDIT,      /* preview; fields editable */
    ST_DRY,       /* server dry run in flight */
    ST_CONFIRM,   /* dry run accepted: y creates */
    ST_CREATE,    /* create in flight */
    ST_DONE,
    ST_FAILED,
};

struct rr {
    struct console *c;
    struct kube_client *kube;  /* borrowed: the console's */
    char *ns, *run, *uid, *ctx, *cls;
    /* loading */
    struct kube_request *get;
    struct kube_list *list;
    struct kube_timer *deadline;
    bool have_old, have_list;
    size_t listed;
    struct rerun_prep prep;
    /* the create */
    struct rerun_exec *x;
    struct rerun_drive *d;
    bool reported;             /* on_state said something work() has not applied */
    enum rerun_state last;
    enum stage stage;
    int focus;
    bool editing;
    struct lineedit ed;        /* the one line editor (util/lineedit.h) */
    /* current choices */
    char *name, *head, *image; /* NULL name/head = the lane's default */
    char note[512];            /* last outcome line (sanitised at draw) */
    bool note_error;
    bool audited;
    int scroll;
};

static void note(struct rr *s, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void note(struct rr *s, bool error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->note, sizeof s->note, fmt, ap);
    va_end(ap);
    s->note_error = error;
    s->c->redraw = true;
}

static void stop_loading(struct rr *s)
{
    if (s->get) kube_request_cancel(s->get);
    s->get = NULL;
    if (s->list) kube_list_cancel(s->list);
    s->list = NULL;
    if (s->deadline) kube_timer_cancel(s->deadline);
    s->deadline = NULL;
}

static void rr_free(struct rr *s)
{
    stop_loading(s);
    rerun_drive_free(s->d);
    rerun_exec_free(s->x);
    rerun_prep_free(&s->prep);
    free(s->ns);
    free(s->run);
    free(s->uid);
    free(s->ctx);
    free(s->cls);
    free(s->name);
    free(s->head);
    free(s->image);
    free(s);
}

/* ---- loading ---- */

static void load_failed(struct rr *s, const char *msg)
{
    stop_loading(s);
    s->stage = ST_BROKEN;
    note(s, true, "%s", msg);
}

static void load_deadline(void *ud)
{
    struct rr *s = ud;
    s->deadline = NULL;
    char msg[ERRLEN];
    snprintf(msg, sizeof msg, "rerun: no answer from the cluster within %lld s while reading %s/%s and its namespace",
             (long long)(rerun_timeout_ms() / 1000), s->ns, s->run);
    load_failed(s, msg);
}

static void loaded_part(struct rr *s)
{
    s->c->redraw = true;
    if (!s->have_old || !s->have_list) return;
    if (s->deadline) kube_timer_cancel(s->deadline);
    s->deadline = NULL;
    /* the cache's part and the plan come in work(), outside the callback */
}

static void get_done(void *ud, const struct kube_result *res)
{
    struct rr *s = ud;
    s->get = NULL;
    char err[ERRLEN];
    if (!res->ok) {
        snprintf(err, sizeof err, "rerun: %s", res->error ? res->error : "reading the run failed");
        load_failed(s, err);
        return;
    }
    char what[300];
    snprintf(what, sizeof what, "the run %s/%s", s->ns, s->run);
    cJSON *obj = json_parse_n(res->body, res->body_len, what, err, sizeof err);
    if (!obj || !cJSON_IsObject(obj)) {
        cJSON_Delete(obj);
        if (obj) snprintf(err, sizeof err, "rerun: %s is not a JSON object", what);
        load_failed(s, err);
        return;
    }
    if (rerun_prep_set_old(&s->prep, obj, s->ns, s->run, err, sizeof err) < 0) {
        load_failed(s, err);
        return;
    }
    s->have_old = true;
    loaded_part(s);
}

static void list_page(void *ud, cJSON *list)
{
    struct rr *s = ud;
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(list, "items");
    rerun_prep_add_runs(&s->prep, items);
    s->listed += (size_t)cJSON_GetArraySize(items);
    s->c->redraw = true;
}

static void list_done(void *ud, const struct kube_result *res, const char *rv)
{
    struct rr *s = ud;
    (void)rv;
    s->list = NULL;
    if (!res->ok) {
        char err[ERRLEN];
        snprintf(err, sizeof err, "rerun: listing the runs of namespace %s (to name the next attempt): %s", s->ns,
                 res->error ? res->error : "failed");
        load_failed(s, err);
        return;
    }
    s->have_list = true;
    loaded_part(s);
}

static int replan(struct rr *s, char *err, size_t errlen)
{
    struct rerun_opts o = {.name = s->name, .head = s->head};
    if (rerun_image_parse(s->image, &o.image, &o.image_ref, err, errlen) < 0) return -1;
    /* the preview's key stays through edits (a copy: the plan is rebuilt) */
    char *keep = xstrdup(s->prep.plan.key);
    o.key = keep;
    int rc = rerun_prep_plan(&s->prep, &o, err, errlen);
    free(keep);
    return rc;
}

/* Both answers are in: the cache's deleted attempts and blamed class, the
 * lane, the first plan. */
static void finish_loading(struct rr *s)
{
    struct console *c = s->c;
    rerun_prep_finish(&s->prep, c->src ? source_store(c->src) : NULL);
    /* The console may know the blamed class before the cache does. */
    if (!s->prep.blamed && s->cls) s->prep.blamed = xstrdup(s->cls);
    char err[ERRLEN];
    if (replan(s, err, sizeof err) < 0) {
        load_failed(s, err);
        return;
    }
    s->stage = ST_EDIT;
    note(s, false, "nothing sent yet: r runs the server dry run first");
}

/* ---- the create ---- */

static void audit_once(struct rr *s)
{
    if (s->audited || !s->x) return;
    s->audited = true;
    struct store *st = s->c->src ? source_store(s->c->src) : NULL;
    char err[ERRLEN];
    if (st && rerun_audit(st, &s->prep, rerun_exec_result(s->x), s->image, err, sizeof err) < 0) {
        char *m = sanitize_str(err, 0);
        console_say(s->c, true, "rerun not recorded in the history cache: %s", m);
        free(m);
    }
}

/* From the drive (inside the client's callbacks or rerun_drive_*): only
 * remember; work() applies it, where the drive may be freed. */
static void on_state(void *ud, enum rerun_state st)
{
    struct rr *s = ud;
    s->last = st;
    s->reported = true;
    s->c->redraw = true;
}

static void settle(struct rr *s)
{
    if (!s->reported) return;
    s->reported = false;
    const struct rerun_result *r = rerun_exec_result(s->x);
    switch (s->last) {
    case RERUN_ST_REQUEST:
        break;
    case RERUN_ST_CONFIRM:
        s->stage = ST_CONFIRM;
        note(s, false, "server dry run accepted: press y to create %s/%s, n to go back", s->prep.plan.ns,
             s->prep.plan.name);
        break;
    case RERUN_ST_DONE:
        s->stage = ST_DONE;
        note(s, false, "created %s/%s (uid %s)%s", s->prep.plan.ns, s->prep.plan.name, r->uid ? r->uid : "?",
             r->recovered ? ", confirmed after a lost answer" : "");
        audit_once(s);
        rerun_drive_free(s->d);
        s->d = NULL;
        break;
    case RERUN_ST_DRY_DONE:
    case RERUN_ST_FAILED:
        s->stage = ST_FAILED;
        note(s, true, "%s", r->error ? r->error : "rerun failed");
        audit_once(s);
        rerun_drive_free(s->d);
        s->d = NULL;
        break;
    }
}

static void start(struct rr *s)
{
    rerun_drive_free(s->d);
    s->d = NULL;
    rerun_exec_free(s->x);
    s->audited = false;
    s->reported = false;
    struct rerun_exec_opts xo = {0};
    s->x = rerun_exec_new(&s->prep.plan, &xo);
    s->stage = ST_DRY;
    note(s, false, "server dry run…");
    s->d = rerun_drive_start(s->kube, s->x, 0, on_state, s);
    settle(s);
}

/* ---- the field editor ---- */

static const char *field_value(struct rr *s, int f)
{
    switch (f) {
    case F_NAME: return s->prep.plan.name;
    case F_HEAD: return s->prep.plan.head ? s->prep.plan.head : "(none)";
    default: return s->image;
    }
}

static void edit_open(struct rr *s)
{
    const char *cur = s->focus == F_IMAGE ? s->image : field_value(s, s->focus);
    if (s->focus == F_HEAD && !s->prep.plan.head) cur = "";
    memset(&s->ed, 0, sizeof s->ed);
    s->ed.utf8 = s->c->utf8;
    le_set(&s->ed, cur);
    s->editing = true;
    note(s, false, "editing the %s: Enter keeps, Esc cancels the edit",
         s->focus == F_NAME ? "name" : s->focus == F_HEAD ? "head branch" : "image");
}

/* Applies an edited value: name/head "" = the lane's default; image
 * "" = keep. A value the plan refuses is reported and the editor stays
 * open with it. */
static void edit_commit(struct rr *s)
{
    char *val = le_text(&s->ed);
    char **slot = s->focus == F_NAME ? &s->name : s->focus == F_HEAD ? &s->head : &s->image;
    char *old = *slot;
    if (s->focus == F_IMAGE) *slot = xstrdup(*val ? val : "keep");
    else *slot = *val ? xstrdup(val) : NULL;
    free(val);
    char err[ERRLEN];
    if (replan(s, err, sizeof err) < 0) {
        free(*slot);
        *slot = old;
        note(s, true, "%s", err);
        return;
    }
    free(old);
    s->editing = false;
    note(s, false, "nothing sent yet: r runs the server dry run first");
}

/* Every key while the editor is open, one at a time, from the main loop. */
static bool rr_raw_key(struct view *v, struct console *c, bool isfunc, int ch)
{
    struct rr *s = v->priv;
    if (!s->editing) return false;
    c->redraw = true;
    switch (vp_edit_key(&s->ed, isfunc, ch)) {
    case LE_IGNORED: return false; /* the console's own: resize, mouse, ^L redraw */
    case LE_ENTER: edit_commit(s); break;
    case LE_CANCEL:
        s->editing = false;
        note(s, false, "edit cancelled; nothing sent yet");
        break;
    case LE_REFUSED:
        if (s->ed.len >= LE_MAX) note(s, true, "the value is limited to %d characters", LE_MAX);
        else if (!c->utf8) note(s, true, "only ASCII can be typed here: the terminal's locale is not UTF-8");
        break;
    default: break;
    }
    return true;
}

/* The value being edited at (y, x) in w columns: scrolled so the cursor
 * shows, the cursor cell in reverse video. */
static void edit_draw(struct rr *s, struct console *c, int y, int x, int w)
{
    if (w >= 2) vp_edit_draw(c, &s->ed, y, x, w, A_UNDERLINE);
}

/* ---- the view ---- */

static const char *stage_help(struct rr *s)
{
    switch (s->stage) {
    case ST_LOAD: return "q / Esc close";
    case ST_BROKEN: return "q / Esc close";
    case ST_EDIT:
        return s->editing ? "type · ←→ Home End ^A ^E move · Backspace ^U ^K ^W delete · Enter keep (empty = default; image: keep, "
                            "default or a reference) · Esc cancel the edit"
                          : "↑↓ field · Enter edit · r server dry run, then y creates · ? keys · q / Esc close";
    case ST_CONFIRM: return "y create · n / Esc back";
    case ST_DRY:
    case ST_CREATE: return "working…";
    case ST_FAILED: return "Enter edit and retry · q / Esc close";
    case ST_DONE: break;
    }
    return "q / Esc close";
}

static void rr_draw(struct view *v, struct console *c, int top, int rows, int cols)
{
    struct rr *s = v->priv;
    const struct rerun_plan *p = &s->prep.plan;
    attr_t dim = draw_attr(c, CP_DIM), hi = draw_attr(c, CP_HILITE), er = draw_attr(c, CP_ERROR);
    int y = top, end = top + rows;
    for (int i = top; i < end; i++) draw_clear(i, 0, cols, A_NORMAL);
    char line[1024];
    snprintf(line, sizeof line, "rerun of %s/%s", s->ns, s->run);
    if (y < end) draw_text(c, y++, 1, cols - 2, line, A_BOLD, true);
    bool ready = s->stage != ST_LOAD && s->stage != ST_BROKEN;
    if (s->stage == ST_LOAD && y < end) {
        if (!s->have_old || !s->have_list)
            snprintf(line, sizeof line, "loading… the run: %s · the runs of namespace %s: %s%zu so far",
                     s->have_old ? "read" : "waiting", s->ns, s->have_list ? "all " : "", s->listed);
        else
            snprintf(line, sizeof line, "loading… the lane's history from the cache");
        draw_text(c, ++y, 3, cols - 4, line, A_NORMAL, true);
        y++;
    }
    static const char *const labels[] = {"name ", "head ", "image"};
    for (int f = 0; ready && f < NFIELDS && y < end; f++, y++) {
        bool foc = f == s->focus && s->stage == ST_EDIT;
        draw_text(c, y, 3, 7, labels[f], foc ? hi : A_NORMAL, false);
        if (foc && s->editing) edit_draw(s, c, y, 11, cols - 12);
        else draw_text(c, y, 11, cols - 12, field_value(s, f), foc ? hi : A_NORMAL, true);
    }
    if (ready && y < end) {
        snprintf(line, sizeof line, "idempotencyKey %s", p->key);
        draw_text(c, y++, 3, cols - 4, line, dim, true);
    }
    if (ready && y < end) {
        snprintf(line, sizeof line, "changes from the old run (%zu):", p->ndiff);
        draw_text(c, y++, 1, cols - 2, line, A_BOLD, false);
    }
    int footer = 3;
    for (size_t i = (size_t)s->scroll; ready && i < p->ndiff && y < end - footer; i++) {
        const struct rerun_change *ch = &p->diff[i];
        snprintf(line, sizeof line, "%s %s: %s%s%s", ch->old_json && ch->new_json ? "~" : ch->new_json ? "+" : "-",
                 ch->path, ch->old_json ? ch->old_json : "", ch->old_json && ch->new_json ? " -> " : "",
                 ch->new_json ? ch->new_json : "");
        draw_text(c, y++, 3, cols - 4, line, A_NORMAL, true);
    }
    y = end - footer;
    if (y > top && y < end) {
        attr_t na = s->note_error ? er : s->stage == ST_DONE ? hi : A_NORMAL;
        draw_text(c, y, 1, cols - 2, s->note, na, true);
    }
    if (y + 1 < end) draw_text(c, y + 1, 1, cols - 2, stage_help(s), dim, false);
}

static bool rr_key(struct view *v, struct console *c, enum req req, int ch)
{
    struct rr *s = v->priv;
    settle(s);
    switch (req) {
    case REQ_HELP:
    case REQ_COMMAND:
    case REQ_REDRAW:
        return false; /* the console's */
    default: break;
    }
    /* the editor has every key (raw_key); the mouse wheel must not move
     * the focus under it */
    if (s->editing) return true;
    c->redraw = true;
    switch (s->stage) {
    case ST_LOAD:
    case ST_BROKEN:
        if (req == REQ_BACK || req == REQ_QUIT) console_pop(c); /* cancels what is loading */
        return true;
    case ST_EDIT:
        if (req == REQ_UP) {
            if (s->focus > 0) s->focus--;
        } else if (req == REQ_DOWN) {
            if (s->focus < NFIELDS - 1) s->focus++;
        } else if (req == REQ_ENTER) {
            edit_open(s);
        } else if (req == REQ_RERUN) {
            start(s);
        } else if (req == REQ_PGDN) {
            if ((size_t)s->scroll + 1 < s->prep.plan.ndiff) s->scroll++;
        } else if (req == REQ_PGUP) {
            if (s->scroll > 0) s->scroll--;
        } else if (req == REQ_BACK || req == REQ_QUIT) {
            console_pop(c);
        }
        return true; /* other keys mean nothing here */
    case ST_CONFIRM:
        /* the table binds y / n; capitals come through as unbound keys */
        if (req == REQ_NONE && ch == 'Y') req = REQ_YES;
        if (req == REQ_NONE && ch == 'N') req = REQ_NO;
        if (req == REQ_YES) {
            s->stage = ST_CREATE;
            note(s, false, "creating…");
            rerun_exec_confirm(s->x, true);
            rerun_drive_resume(s->d);
            settle(s);
        } else if (req == REQ_NO || req == REQ_BACK || req == REQ_QUIT) {
            rerun_exec_confirm(s->x, false);
            rerun_drive_resume(s->d);
            s->reported = false; /* the declined outcome: back to the preview */
            rerun_drive_free(s->d);
            s->d = NULL;
            s->stage = ST_EDIT;
            note(s, false, "not created: nothing was sent but the dry run");
        } else if (req == REQ_NONE && ch != 0) {
            note(s, false, "server dry run accepted: press y to create %s/%s, n to go back", s->prep.plan.ns,
                 s->prep.plan.name);
        }
        return true;
    case ST_DRY:
    case ST_CREATE:
        if (req == REQ_BACK || req == REQ_QUIT)
            note(s, false, "%s is in flight: wait for the server's answer", s->stage == ST_DRY ? "the dry run" : "the create");
        return true; /* let it finish: a create in flight must report */
    default:
        if (req == REQ_BACK || req == REQ_QUIT) {
            console_pop(c);
        } else if (req == REQ_ENTER && s->stage == ST_FAILED && !rerun_exec_result(s->x)->unknown) {
            s->stage = ST_EDIT; /* nothing was created: change a field, try again */
            note(s, false, "nothing sent yet: r runs the server dry run first");
        }
        return true;
    }
}

static bool rr_work(struct view *v, struct console *c, int budget_ms)
{
    struct rr *s = v->priv;
    (void)c;
    (void)budget_ms;
    if (s->stage == ST_LOAD && s->have_old && s->have_list) finish_loading(s);
    settle(s);
    return false;
}

static void rr_title(struct view *v, struct console *c, char *out, size_t outlen)
{
    struct rr *s = v->priv;
    (void)c;
    char *n = sanitize_str(s->run, 0);
    snprintf(out, outlen, "rerun %s", n);
    free(n);
}

static const char *rr_run_uid(struct view *v, const char **ctx)
{
    struct rr *s = v->priv;
    *ctx = s->ctx;
    return s->uid;
}

static void rr_destroy(struct view *v)
{
    rr_free(v->priv);
    free(v);
}

static const struct view_ops rerun_ops = {
    .name = "rerun",
    .kind = VK_RERUN,
    .draw = rr_draw,
    .key = rr_key,
    .title = rr_title,
    .run_uid = rr_run_uid,
    .destroy = rr_destroy,
    .raw_key = rr_raw_key,
    .work = rr_work,
};

struct view *rerun_view_open(struct console *c, struct rs_run *run)
{
    if (c->cli->read_only) {
        console_say(c, true, "rerun refused: --read-only forbids writing to the cluster");
        return NULL;
    }
    if (c->cli->offline || run->deleted) {
        console_say(c, true, "rerun needs the run on the cluster (%s)", c->cli->offline ? "offline" : "deleted");
        return NULL;
    }
    /* the run's own cluster: a rerun goes where the run ran */
    struct kube_client *kube = c->src ? source_kube_for(c->src, run->run.context) : NULL;
    if (!kube) {
        console_say(c, true, "rerun needs a connection to the cluster, and there is none");
        return NULL;
    }
    if (!run->run.name || !(run->run.ns || c->ns)) {
        console_say(c, true, "rerun: this run has no name or namespace");
        return NULL;
    }
    struct rr *s = xcalloc(1, sizeof *s);
    s->c = c;
    s->kube = kube;
    s->ns = xstrdup(run->run.ns ? run->run.ns : c->ns);
    s->run = xstrdup(run->run.name);
    s->uid = xstrdup(run->run.uid);
    s->ctx = xstrdup(run->run.context);
    s->cls = xstrdup(run->links->fail.cls);
    s->image = xstrdup("keep");
    s->stage = ST_LOAD;
    const struct kube_config *cfg = kube_client_config(kube);
    rerun_prep_begin(&s->prep, cfg && cfg->context ? cfg->context : c->context);
    struct kube_req get = {
        .verb = KUBE_GET,
        .res = &KUBE_AGENTRUNS,
        .ns = s->ns,
        .name = s->run,
        .max_body = KUBE_MAX_OBJECT_BODY,
        .on_done = get_done,
        .ud = s,
    };
    s->get = kube_request_start(kube, &get);
    struct kube_list_opts lo = {.res = &KUBE_AGENTRUNS, .ns = s->ns, .on_page = list_page, .on_done = list_done, .ud = s};
    s->list = kube_list_start(kube, &lo);
    s->deadline = kube_timer_start(kube, rerun_timeout_ms(), load_deadline, s);
    if (!s->get) load_failed(s, "rerun: the request for the run could not be started");
    else note(s, false, "nothing sent yet: the run and its lane are loading");
    struct view *v = xcalloc(1, sizeof *v);
    v->ops = &rerun_ops;
    v->priv = s;
    return v;
}
#else
/* No console in this build: nothing to plug into. */
typedef int rerun_dialog_needs_the_console;
#endif
