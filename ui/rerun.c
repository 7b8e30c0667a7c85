/* rerun dialog — the console's `r`: the next attempt's preview (name, head,
 * image, key, and the fields that differ from the old run), editable name /
 * head / image, then the server dry run, a confirmation and the exactly-once
 * create (rerun/drive.h), all without freezing the screen: the dialog has
 * its own API client whose transfers advance each time it is drawn or gets
 * a key, and it asks for a redraw while a request is in flight. The new run
 * reaches the run list through the console's watch like any other.
 *
 * Opening it (rerun_view_open) reads the run, its namespace and the cache
 * once, synchronously; the view owns everything it made and frees it in
 * destroy (an unfinished request is cancelled: a create already sent may
 * still land, and carries this dialog's idempotency key).
 *
 * Built only together with the console (ui/view.h): without it there is no
 * view stack to push onto, and the console's `r` key exists only when
 * rerun_view_open is linked in. */
#if defined(HAVE_CONSOLE) && __has_include("view.h")
#include "view.h"
#include "kube/client.h"
#include "kube/kubeconfig.h"
#include "rerun/drive.h"
#include "rerun/prepare.h"
#include "rerun/rerun.h"
#include "store/store.h"
#include "util/err.h"
#include "util/sanitize.h"
#include "util/timeutil.h"
#include "util/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum field { F_NAME, F_HEAD, F_IMAGE, NFIELDS };

enum stage {
    ST_EDIT,      /* preview; fields editable */
    ST_DRY,       /* server dry run in flight */
    ST_CONFIRM,   /* dry run accepted: y creates */
    ST_CREATE,    /* create in flight */
    ST_DONE,
    ST_FAILED,
};

struct rr {
    struct kubeconfig *kc;
    struct kube_config *cfg;
    struct kube_client *client;
    struct store *st;
    struct rerun_prep prep;
    struct rerun_exec *x;
    struct rerun_drive *d;
    enum stage stage;
    int focus;
    bool editing;
    char edit[256];
    size_t elen;
    /* current choices */
    char *name, *head, *image; /* NULL name/head = the lane's default */
    char note[512];            /* last outcome line (sanitised at draw) */
    bool audited;
    int scroll;
    int top, rows, cols;       /* last draw geometry, for the line editor */
};

/* The status bar shows messages as given: cluster text is sanitised here. */
static void say_s(struct console *c, const char *prefix, const char *msg)
{
    char *m = sanitize_str(msg, 0);
    console_say(c, true, "%s%s", prefix, m);
    free(m);
}

static void rr_free(struct rr *s)
{
    rerun_drive_free(s->d);
    rerun_exec_free(s->x);
    rerun_prep_free(&s->prep);
    if (s->st) store_close(s->st);
    if (s->client) kube_client_free(s->client);
    if (s->cfg) kube_config_free(s->cfg);
    if (s->kc) kubeconfig_free(s->kc);
    free(s->name);
    free(s->head);
    free(s->image);
    free(s);
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

static void audit_once(struct rr *s, struct console *c)
{
    if (s->audited || !s->x) return;
    s->audited = true;
    char err[ERRLEN];
    if (s->st && rerun_audit(s->st, &s->prep, rerun_exec_result(s->x), s->image, err, sizeof err) < 0)
        say_s(c, "rerun not recorded in the history cache: ", err);
}

/* Advances the dialog's transfers without blocking the console for long. */
static void pump(struct rr *s, struct console *c)
{
    if (!s->d) return;
    /* At most ~100 ms per frame: a local answer completes in one frame, a
     * slow one keeps the console responsive between frames. */
    int64_t until = time_mono_ms() + 100;
    while (s->d && rerun_drive_state(s->d) == RERUN_ST_REQUEST && time_mono_ms() < until) {
        kube_client_wait(s->client, NULL, 0, 20);
        kube_client_perform(s->client);
    }
    enum rerun_state st = rerun_drive_state(s->d);
    const struct rerun_result *r = rerun_exec_result(s->x);
    switch (st) {
    case RERUN_ST_REQUEST:
        c->redraw = true;
        break;
    case RERUN_ST_CONFIRM:
        if (s->stage != ST_CONFIRM) {
            s->stage = ST_CONFIRM;
            snprintf(s->note, sizeof s->note, "server dry run accepted: press y to create %s/%s, n to go back",
                     s->prep.plan.ns, s->prep.plan.name);
            c->redraw = true;
        }
        break;
    case RERUN_ST_DONE:
        s->stage = ST_DONE;
        snprintf(s->note, sizeof s->note, "created %s/%s (uid %s)%s", s->prep.plan.ns, s->prep.plan.name,
                 r->uid ? r->uid : "?", r->recovered ? ", confirmed after a lost answer" : "");
        audit_once(s, c);
        console_cmdlog(c, "kubectl create -f - (artriage rerun)");
        rerun_drive_free(s->d);
        s->d = NULL;
        c->redraw = true;
        break;
    case RERUN_ST_DRY_DONE:
    case RERUN_ST_FAILED:
        s->stage = ST_FAILED;
        snprintf(s->note, sizeof s->note, "%s", r->error ? r->error : "rerun failed");
        audit_once(s, c);
        rerun_drive_free(s->d);
        s->d = NULL;
        c->redraw = true;
        break;
    }
}

static void start(struct rr *s, struct console *c)
{
    rerun_drive_free(s->d);
    rerun_exec_free(s->x);
    s->audited = false;
    struct rerun_exec_opts xo = {0};
    s->x = rerun_exec_new(&s->prep.plan, &xo);
    s->stage = ST_DRY;
    snprintf(s->note, sizeof s->note, "server dry run…");
    kube_client_set_interactive(s->client, false);
    s->d = rerun_drive_start(s->client, s->x, 0, NULL, NULL);
    pump(s, c);
}

static const char *field_value(struct rr *s, int f)
{
    switch (f) {
    case F_NAME: return s->prep.plan.name;
    case F_HEAD: return s->prep.plan.head ? s->prep.plan.head : "(none)";
    default: return s->image;
    }
}

static void rr_draw_rows(struct rr *s, struct console *c)
{
    int top = s->top, rows = s->rows, cols = s->cols;
    const struct rerun_plan *p = &s->prep.plan;
    attr_t dim = draw_attr(c, CP_DIM), hi = draw_attr(c, CP_HILITE), er = draw_attr(c, CP_ERROR);
    int y = top, end = top + rows;
    for (int i = top; i < end; i++) draw_clear(i, 0, cols, A_NORMAL);
    char line[1024];
    snprintf(line, sizeof line, "rerun of %s/%s", p->from_ns, p->from_name);
    if (y < end) draw_text(c, y++, 1, cols - 2, line, A_BOLD, true);
    static const char *const labels[] = {"name ", "head ", "image"};
    for (int f = 0; f < NFIELDS && y < end; f++, y++) {
        bool foc = f == s->focus && s->stage == ST_EDIT;
        draw_text(c, y, 3, 7, labels[f], foc ? hi : A_NORMAL, false);
        if (foc && s->editing) {
            snprintf(line, sizeof line, "%.*s_", (int)s->elen, s->edit);
            draw_text(c, y, 11, cols - 12, line, hi, true);
        } else {
            draw_text(c, y, 11, cols - 12, field_value(s, f), foc ? hi : A_NORMAL, true);
        }
    }
    if (y < end) {
        snprintf(line, sizeof line, "idempotencyKey %s", p->key);
        draw_text(c, y++, 3, cols - 4, line, dim, true);
    }
    if (y < end) {
        snprintf(line, sizeof line, "changes from the old run (%zu):", p->ndiff);
        draw_text(c, y++, 1, cols - 2, line, A_BOLD, false);
    }
    int footer = 3;
    for (size_t i = (size_t)s->scroll; i < p->ndiff && y < end - footer; i++) {
        const struct rerun_change *ch = &p->diff[i];
        snprintf(line, sizeof line, "%s %s: %s%s%s", ch->old_json && ch->new_json ? "~" : ch->new_json ? "+" : "-",
                 ch->path, ch->old_json ? ch->old_json : "", ch->old_json && ch->new_json ? " -> " : "",
                 ch->new_json ? ch->new_json : "");
        draw_text(c, y++, 3, cols - 4, line, A_NORMAL, true);
    }
    y = end - footer;
    if (y > top && y < end) {
        attr_t na = s->stage == ST_FAILED ? er : s->stage == ST_DONE ? hi : A_NORMAL;
        draw_text(c, y, 1, cols - 2, s->note, na, true);
    }
    if (y + 1 < end) {
        const char *help;
        switch (s->stage) {
        case ST_EDIT:
            help = s->editing ? "type the value (empty = default; image: keep, default or a reference) · Enter keep · Esc cancel"
                              : "↑↓ field · Enter edit · r server dry run, then y creates · q / Esc close";
            break;
        case ST_CONFIRM: help = "y create · n / Esc back"; break;
        case ST_DRY:
        case ST_CREATE: help = "working…"; break;
        default: help = s->stage == ST_FAILED ? "Enter edit and retry · q / Esc close" : "q / Esc close";
        }
        draw_text(c, y + 1, 1, cols - 2, help, dim, false);
    }
}

/* Applies an edited value: name/head "" = the lane's default; image
 * "" = keep. A value the plan refuses is reported and not kept. */
static void commit_edit(struct rr *s, struct console *c, const char *val)
{
    char **slot = s->focus == F_NAME ? &s->name : s->focus == F_HEAD ? &s->head : &s->image;
    char *old = *slot;
    if (s->focus == F_IMAGE) *slot = xstrdup(*val ? val : "keep");
    else *slot = *val ? xstrdup(val) : NULL;
    char err[ERRLEN];
    if (replan(s, err, sizeof err) < 0) {
        free(*slot);
        *slot = old;
        say_s(c, "", err);
        return;
    }
    free(old);
    snprintf(s->note, sizeof s->note, "nothing sent yet: r runs the server dry run first");
}

/* A short modal line editor on the field's row: the console's loop pauses
 * while the engineer types (data catches up right after). */
static void edit_field(struct rr *s, struct console *c)
{
    const char *cur = s->focus == F_IMAGE ? s->image : field_value(s, s->focus);
    snprintf(s->edit, sizeof s->edit, "%s", s->focus == F_HEAD && !s->prep.plan.head ? "" : cur);
    s->elen = strlen(s->edit);
    s->editing = true;
    bool was_nodelay = is_nodelay(stdscr);
    nodelay(stdscr, FALSE);
    bool accept = false;
    for (;;) {
        rr_draw_rows(s, c);
        wnoutrefresh(stdscr);
        doupdate();
        wint_t ch;
        int rc = get_wch(&ch);
        if (rc == ERR) break;
        if (rc == KEY_CODE_YES) {
            if (ch == KEY_ENTER) { accept = true; break; }
            if (ch == KEY_BACKSPACE && s->elen) s->elen--;
            continue;
        }
        if (ch == 27) break;
        if (ch == '\n' || ch == '\r') { accept = true; break; }
        if ((ch == 127 || ch == 8) && s->elen) s->elen--;
        else if (ch == 21) s->elen = 0; /* ^U */
        else if (ch >= 0x20 && ch < 0x7f && s->elen + 1 < sizeof s->edit) s->edit[s->elen++] = (char)ch;
    }
    nodelay(stdscr, was_nodelay);
    s->editing = false;
    s->edit[s->elen] = 0;
    if (accept) commit_edit(s, c, s->edit);
    c->redraw = true;
}

static bool rr_key(struct view *v, struct console *c, enum req req, int ch)
{
    struct rr *s = v->priv;
    pump(s, c);
    c->redraw = true;
    if (req == REQ_HELP) {
        snprintf(s->note, sizeof s->note, "%s", "↑↓ field · Enter edit it · r server dry run, then y creates · q / Esc close");
        return true;
    }
    switch (s->stage) {
    case ST_EDIT:
        if (req == REQ_UP) {
            if (s->focus > 0) s->focus--;
        } else if (req == REQ_DOWN) {
            if (s->focus < NFIELDS - 1) s->focus++;
        } else if (req == REQ_ENTER) {
            edit_field(s, c);
        } else if (req == REQ_RERUN) {
            start(s, c);
        } else if (req == REQ_PGDN) {
            if ((size_t)s->scroll + 1 < s->prep.plan.ndiff) s->scroll++;
        } else if (req == REQ_PGUP) {
            if (s->scroll > 0) s->scroll--;
        } else if (req == REQ_BACK || req == REQ_QUIT) {
            console_pop(c);
        }
        return true; /* run-list keys mean nothing here */
    case ST_CONFIRM:
        if (ch == 'y' || ch == 'Y') {
            s->stage = ST_CREATE;
            snprintf(s->note, sizeof s->note, "creating…");
            rerun_exec_confirm(s->x, true);
            rerun_drive_resume(s->d);
            pump(s, c);
        } else if (req == REQ_BACK || req == REQ_QUIT || ch == 'n') {
            rerun_exec_confirm(s->x, false);
            rerun_drive_resume(s->d);
            pump(s, c);
            s->stage = ST_EDIT;
            snprintf(s->note, sizeof s->note, "not created: nothing was sent but the dry run");
        }
        return true;
    case ST_DRY:
    case ST_CREATE:
        return true; /* let it finish: a create in flight must report */
    default:
        if (req == REQ_BACK || req == REQ_QUIT) {
            console_pop(c);
        } else if (req == REQ_ENTER && s->stage == ST_FAILED && !rerun_exec_result(s->x)->unknown) {
            s->stage = ST_EDIT; /* nothing was created: change a field, try again */
            snprintf(s->note, sizeof s->note, "nothing sent yet: r runs the server dry run first");
        }
        return true;
    }
}

static void rr_draw(struct view *v, struct console *c, int top, int rows, int cols)
{
    struct rr *s = v->priv;
    pump(s, c);
    s->top = top;
    s->rows = rows;
    s->cols = cols;
    rr_draw_rows(s, c);
}

static void rr_title(struct view *v, struct console *c, char *out, size_t outlen)
{
    struct rr *s = v->priv;
    char *n = sanitize_str(s->prep.plan.from_name, 0);
    snprintf(out, outlen, "rerun %s", n);
    free(n);
}

static const char *rr_run_uid(struct view *v)
{
    struct rr *s = v->priv;
    return s->prep.old.uid;
}

static void rr_destroy(struct view *v)
{
    rr_free(v->priv);
    free(v);
}

static const struct view_ops rerun_ops = {
    .name = "rerun",
    /* VK_RUNS too: the key table routes only bound keys, and the run
     * list's (Enter, r, y, q, arrows) are the ones this dialog uses. */
    .kind = VK_RERUN | VK_RUNS,
    .draw = rr_draw,
    .key = rr_key,
    .title = rr_title,
    .run_uid = rr_run_uid,
    .destroy = rr_destroy,
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
    struct rr *s = xcalloc(1, sizeof *s);
    s->image = xstrdup("keep");
    char err[ERRLEN];
    const char *ns = run->run.ns ? run->run.ns : c->ns;
    if (kubeconfig_load(c->cli->kubeconfig, &s->kc, err, sizeof err) < 0 ||
        kubeconfig_resolve(s->kc, c->context, ns, &s->cfg, err, sizeof err) < 0 ||
        kube_client_new(s->cfg, &s->client, err, sizeof err) < 0) {
        say_s(c, "rerun: ", err);
        rr_free(s);
        return NULL;
    }
    kube_client_set_interactive(s->client, false);
    s->st = store_open(c->cli->db, NULL, err, sizeof err); /* audit; optional */
    if (rerun_prep_load(&s->prep, s->client, s->st, ns, run->run.name, err, sizeof err) < 0) {
        say_s(c, "", err);
        rr_free(s);
        return NULL;
    }
    /* The console may know the blamed class before the cache does. */
    if (!s->prep.blamed && run->fail.cls) s->prep.blamed = xstrdup(run->fail.cls);
    if (replan(s, err, sizeof err) < 0) {
        say_s(c, "", err);
        rr_free(s);
        return NULL;
    }
    snprintf(s->note, sizeof s->note, "nothing sent yet: r runs the server dry run first");
    struct view *v = xcalloc(1, sizeof *v);
    v->ops = &rerun_ops;
    v->priv = s;
    return v;
}
#else
/* No console in this build: nothing to plug into. */
typedef int rerun_dialog_needs_the_console;
#endif
