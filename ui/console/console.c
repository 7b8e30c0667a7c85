/* console — `artriage` with no command: the terminal, the single-threaded
 * main loop, the view stack, prompts (`/` filter, `:` commands), the title
 * and status lines. Views live in their own files (runs.c, detail.c,
 * help.c, cmdlog.c); data comes from source.c; keys from keys.c.
 *
 * The loop: wait on the terminal and the cluster sockets together, handle
 * every key that is ready, do one slice of data work, and paint only when
 * something changed — ncurses then sends only the cells that differ, so an
 * idle screen writes nothing. With --refresh, data-driven repaints are
 * held back to that interval; keys are always answered at once.
 *
 * The terminal is restored on q / :q, on SIGINT / SIGTERM / SIGHUP, and
 * on a crash signal (termios and the screen-mode strings are put back from
 * the handler, then the signal is re-raised). */
#include "view.h"
#include "source.h"
#include "vprompt.h"
#include "complete.h"
#include "config/config.h"
#include "kube/kubeconfig.h"
#include "kube/client.h"
#include "store/store.h"
#include "util/err.h"
#include "util/sanitize.h"
#include "util/timeutil.h"
#include "util/xalloc.h"
#include <errno.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <openssl/evp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>

static volatile sig_atomic_t got_signal;
struct view *(*console_first_view)(struct console *c);
static struct source *signal_source;
static struct termios saved_termios;
static bool have_termios;
static char crash_reset[256];
static size_t crash_reset_len;

static void on_quit_signal(int sig)
{
    got_signal = sig;
    if (signal_source) source_wakeup(signal_source);
}

static void on_crash_signal(int sig)
{
    /* async-signal-safe only: put the terminal back, then die as before */
    if (crash_reset_len) {
        ssize_t w = write(STDOUT_FILENO, crash_reset, crash_reset_len);
        (void)w;
    }
    if (have_termios) tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_termios);
    signal(sig, SIG_DFL);
    raise(sig);
}

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_quit_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sa.sa_handler = on_crash_signal;
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    sigaction(SIGFPE, &sa, NULL);
    sigaction(SIGILL, &sa, NULL);
    sigaction(SIGABRT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

static void add_reset(const char *cap)
{
    char *s = tigetstr((char *)cap);
    if (!s || s == (char *)-1) return;
    size_t n = strlen(s);
    if (crash_reset_len + n < sizeof crash_reset) {
        memcpy(crash_reset + crash_reset_len, s, n);
        crash_reset_len += n;
    }
}

/* ---- terminal ---- */

static SCREEN *screen;

/* newterm() never exits (initscr would): an unknown or broken terminfo
 * entry falls back to a widely installed one, with a note. */
/* Whether a terminfo entry loads; checked with setupterm first because a
 * failing newterm() leaks its half-made screen. */
static bool term_usable(const char *name)
{
    int err = 0;
    if (setupterm((char *)name, STDOUT_FILENO, &err) != OK) return false;
    del_curterm(cur_term);
    return true;
}

static SCREEN *try_term(const char *name)
{
    return term_usable(name) ? newterm(name, stdout, stdin) : NULL;
}

/* A terminal type terminfo knows but that cannot move the cursor (dumb,
 * a printing terminal): a console there draws one line of garbage. */
static bool term_cannot_address(const char *name)
{
    int err = 0;
    if (!name || !*name || setupterm((char *)name, STDOUT_FILENO, &err) != OK) return false;
    char *cup = tigetstr("cup");
    bool none = cup == NULL || cup == (char *)-1;
    del_curterm(cur_term);
    return none;
}

/* The colour pairs: the built-in ones, then the config file's skin over
 * them (NO_COLOR and --no-color never get here). A colour the terminal
 * lacks keeps the built-in one (a bright one its plain colour). */
static void apply_skin(struct console *c)
{
    static const struct {
        short fg, bg;
    } pairs[CP_COUNT] = {
        [CP_FAILED] = {COLOR_RED, -1},    [CP_SUCCEEDED] = {COLOR_GREEN, -1},    [CP_RUNNING] = {COLOR_CYAN, -1},
        [CP_PENDING] = {COLOR_YELLOW, -1}, [CP_CANCELLED] = {COLOR_MAGENTA, -1}, [CP_TEMPLATE] = {COLOR_BLUE, -1},
        [CP_TITLE] = {-1, -1},            [CP_HEADER] = {COLOR_BLACK, COLOR_CYAN}, [CP_STATUS] = {COLOR_BLACK, COLOR_WHITE},
        [CP_CURSOR] = {COLOR_BLACK, COLOR_CYAN}, [CP_ERROR] = {COLOR_WHITE, COLOR_RED}, [CP_DIM] = {-1, -1},
        [CP_HILITE] = {COLOR_BLACK, COLOR_YELLOW}, [CP_BANNER] = {COLOR_WHITE, COLOR_BLUE},
    };
    /* config roles are named in the order of the colour pairs */
    _Static_assert(CFG_ROLE_COUNT + 1 == CP_COUNT, "a skin role for every colour pair");
    const struct config *cfg = c->cli->cfg;
    for (int role = 1; role < CP_COUNT; role++) {
        short fg = pairs[role].fg, bg = pairs[role].bg;
        const struct config_style *st = cfg ? &cfg->skin[role - 1] : NULL;
        if (st && st->set) {
            int want[2] = {st->fg, st->bg};
            short *slot[2] = {&fg, &bg};
            for (int k = 0; k < 2; k++) {
                int v = want[k];
                if (v == CFG_COLOR_UNSET) continue;
                if (v >= COLORS && v >= 8 && v < 16) v -= 8;
                if (v < COLORS) *slot[k] = (short)v;
            }
            if (st->attrs_set) {
                attr_t a = 0;
                if (st->attrs & CFG_ATTR_BOLD) a |= A_BOLD;
                if (st->attrs & CFG_ATTR_UNDERLINE) a |= A_UNDERLINE;
                if (st->attrs & CFG_ATTR_REVERSE) a |= A_REVERSE;
                if (st->attrs & CFG_ATTR_DIM) a |= A_DIM;
                c->skin_attr[role] = a;
                c->skin_attr_set[role] = true;
            }
        }
        init_pair((short)role, fg, bg);
    }
}

static int open_terminal(struct console *c, char *note, size_t notelen)
{
    const char *term = getenv("TERM");
    note[0] = 0;
    if (term && *term) screen = try_term(term);
    if (!screen) {
        static const char *fallbacks[] = {"xterm-256color", "xterm", "vt100", "ansi"};
        bool tmuxish = term && (strncmp(term, "tmux", 4) == 0 || strncmp(term, "screen", 6) == 0);
        const char *used = NULL;
        for (int pass = 0; pass < 2 && !screen; pass++) {
            if (pass == 1) unsetenv("TERMINFO"); /* a broken private database */
            if (tmuxish && (screen = try_term("screen")) != NULL) used = "screen";
            for (size_t i = 0; !screen && i < sizeof fallbacks / sizeof fallbacks[0]; i++)
                if ((screen = try_term(fallbacks[i])) != NULL) used = fallbacks[i];
        }
        if (screen) {
            char *t = sanitize_str(term ? term : "", 0);
            snprintf(note, notelen, "TERM '%.40s' unknown here; using %s", t, used);
            free(t);
        }
    }
    if (!screen) return -1;
    set_term(screen);
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    set_escdelay(25);
    /* bracketed paste: pasted text reaches a prompt as text (a line break in
     * it is a space), never as keys (lineedit.h) */
    define_key("\033[200~", KEY_PASTE_BEGIN);
    define_key("\033[201~", KEY_PASTE_END);
    fputs("\033[?2004h", stdout);
    fflush(stdout);
    leaveok(stdscr, TRUE);
    curs_set(0);
    mousemask(BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
    mouseinterval(0);
    c->color = !c->cli->no_color && has_colors();
    if (c->color) {
        start_color();
        use_default_colors();
        apply_skin(c);
    }
    add_reset("rmcup");
    add_reset("sgr0");
    add_reset("cnorm");
    const char *mouse_off = "\033[?1000l\033[?2004l";
    if (crash_reset_len + strlen(mouse_off) < sizeof crash_reset) {
        memcpy(crash_reset + crash_reset_len, mouse_off, strlen(mouse_off));
        crash_reset_len += strlen(mouse_off);
    }
    return 0;
}

static void close_terminal(void)
{
    if (!screen) return;
    mousemask(0, NULL);
    fputs("\033[?2004l", stdout);
    endwin();
    delscreen(screen);
    screen = NULL;
    crash_reset_len = 0;
}

/* ---- view stack ---- */

void console_push(struct console *c, struct view *v)
{
    if (!v) return;
    if (c->depth >= CONSOLE_MAX_VIEWS) {
        v->ops->destroy(v);
        console_say(c, true, "too many views open");
        return;
    }
    c->stack[c->depth++] = v;
    if (v->ops->data_changed) v->ops->data_changed(v, c);
    c->redraw = true;
}

void console_pop(struct console *c)
{
    if (c->depth <= 0) return;
    struct view *v = c->stack[--c->depth];
    v->ops->destroy(v);
    c->redraw = true;
    if (c->depth == 0) c->quit = true;
}

struct view *console_top(struct console *c)
{
    return c->depth ? c->stack[c->depth - 1] : NULL;
}

void console_say(struct console *c, bool error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->message, sizeof c->message, fmt, ap);
    va_end(ap);
    c->message_error = error;
    c->redraw = true;
}

void console_cmdlog(struct console *c, const char *kubectl)
{
    size_t slot;
    if (c->ncmdlog < CMDLOG_MAX) {
        slot = (c->cmdlog_first + c->ncmdlog++) % CMDLOG_MAX;
    } else {
        slot = c->cmdlog_first;
        free(c->cmdlog[slot].text);
        c->cmdlog_first = (c->cmdlog_first + 1) % CMDLOG_MAX;
    }
    c->cmdlog[slot].time = time_now_ms();
    c->cmdlog[slot].text = sanitize_str(kubectl, 0);
    c->cmdlog_gen++;
}

static void ctxs_free(struct console *c)
{
    for (size_t i = 0; i < c->nctx; i++) free(c->ctxs[i]);
    free(c->ctxs);
    c->ctxs = NULL;
    c->nctx = 0;
}

void console_switch(struct console *c, const char *ctx, const char *ns, bool all)
{
    if (ctx) {
        free(c->context);
        c->context = xstrdup(ctx);
        ctxs_free(c); /* one context again */
        ns_forget(c, false); /* another cluster's namespaces */
    }
    if (ns) {
        free(c->ns);
        c->ns = xstrdup(ns);
    }
    c->all_ns = all;
    ns_cancel(c); /* its request is on the client source_switch frees */
    /* views about runs of the old scope go; the list stays */
    while (c->depth > 1) console_pop(c);
    runset_clear(c->rs);
    if (c->src) source_switch(c->src);
    c->redraw = true;
}

void console_follow(struct console *c, const char *const *ctxs, size_t n)
{
    if (n < 2) {
        console_switch(c, n ? ctxs[0] : NULL, NULL, c->all_ns);
        return;
    }
    ctxs_free(c);
    c->ctxs = xcalloc(n, sizeof *c->ctxs);
    for (size_t i = 0; i < n; i++) c->ctxs[i] = xstrdup(ctxs[i]);
    c->nctx = n;
    free(c->context);
    c->context = NULL;
    ns_forget(c, false);
    console_switch(c, NULL, NULL, c->all_ns);
}

/* OSC 52: the terminal puts the base64 (libcrypto) of text on the clipboard. */
void console_osc52(struct console *c, const char *text)
{
    (void)c;
    size_t n = strlen(text);
    if (n > INT_MAX / 2) return; /* EVP_EncodeBlock counts in int */
    char *out = xmalloc((n + 2) / 3 * 4 + 16);
    size_t o = (size_t)sprintf(out, "\033]52;c;");
    o += (size_t)EVP_EncodeBlock((unsigned char *)out + o, (const unsigned char *)text, (int)n);
    out[o++] = '\a';
    fflush(stdout);
    ssize_t w = write(STDOUT_FILENO, out, o);
    (void)w;
    free(out);
}

/* ---- prompt ---- */

/* The `/` filter and `:` command prompt on the status line: the one line
 * editor (util/lineedit.h through vprompt.h), a history each. */
struct prompt {
    int kind;            /* 0, '/', ':' */
    struct lineedit e;
    struct le_history cmd_hist, filter_hist;
};

static void prompt_open(struct console *c, struct prompt *p, int kind, const char *text)
{
    p->kind = kind;
    p->e.utf8 = c->utf8;
    le_set(&p->e, text);
    le_attach_history(&p->e, kind == ':' ? &p->cmd_hist : &p->filter_hist);
}

static void apply_filter_text(struct console *c, const char *text)
{
    char err[256];
    if (runset_set_filter(c->rs, text, err, sizeof err) != 0) console_say(c, true, "%s", err);
    else c->message[0] = 0;
}

/* The kubeconfig's context names (NULL when it cannot be read: then any
 * name is taken, as offline the cache may know contexts it does not). */
static struct kubeconfig *load_contexts(struct console *c)
{
    struct kubeconfig *kc = NULL;
    char err[ERRLEN];
    if (kubeconfig_load(c->cli->kubeconfig, &kc, err, sizeof err) != 0) return NULL;
    return kc;
}

/* `:ctx NAME` switches to one context; `:ctx a,b` (commas, spaces
 * allowed around them) follows each named one in one list. Every name
 * must be in the kubeconfig (when it can be read); a name given twice
 * counts once. */
static void ctx_command(struct console *c, const char *arg)
{
    const char *names[64];
    size_t n = 0;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", arg);
    for (char *save = NULL, *t = strtok_r(buf, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
        bool dup = false;
        for (size_t i = 0; i < n && !dup; i++) dup = strcmp(names[i], t) == 0;
        if (dup) continue;
        if (n == sizeof names / sizeof names[0]) {
            console_say(c, true, ":ctx follows at most %zu contexts", sizeof names / sizeof names[0]);
            return;
        }
        names[n++] = t;
    }
    if (!n) {
        console_say(c, true, ":ctx needs a context name (or several: :ctx a,b)");
        return;
    }
    struct kubeconfig *kc = load_contexts(c);
    for (size_t k = 0; kc && k < n; k++) {
        bool known = false;
        for (size_t i = 0; i < kubeconfig_context_count(kc) && !known; i++)
            known = strcmp(kubeconfig_context_name(kc, i), names[k]) == 0;
        if (!known) {
            char *s = sanitize_str(names[k], 0);
            console_say(c, true, "no context '%s' in the kubeconfig (:ctx alone lists them)", s);
            free(s);
            kubeconfig_free(kc);
            return;
        }
    }
    kubeconfig_free(kc);
    if (n == 1) console_switch(c, names[0], NULL, c->all_ns);
    else console_follow(c, names, n);
}

static void run_command(struct console *c, const char *cmd)
{
    while (*cmd == ' ') cmd++;
    char word[32] = "";
    const char *arg = cmd;
    size_t k = 0;
    while (*arg && *arg != ' ' && k + 1 < sizeof word) word[k++] = *arg++;
    word[k] = 0;
    while (*arg == ' ') arg++;
    char argbuf[256];
    snprintf(argbuf, sizeof argbuf, "%s", arg);
    for (char *e = argbuf + strlen(argbuf); e > argbuf && e[-1] == ' ';) *--e = 0;
    if (!*word) return;
    if (strcmp(word, "q") == 0 || strcmp(word, "q!") == 0 || strcmp(word, "quit") == 0 || strcmp(word, "qa") == 0) {
        c->quit = true;
    } else if (strcmp(word, "ns") == 0 || strcmp(word, "namespace") == 0) {
        /* refused unless the cluster has it; alone: the picker (complete.c) */
        ns_command(c, argbuf);
    } else if (strcmp(word, "ctx") == 0 || strcmp(word, "context") == 0) {
        if (!*argbuf) {
            pick_open(c, true);
            return;
        }
        ctx_command(c, argbuf);
    } else if (strcmp(word, "all") == 0 || strcmp(word, "A") == 0) {
        console_switch(c, NULL, NULL, true);
        console_say(c, false, "all namespaces");
    } else if (strcmp(word, "runs") == 0) {
        runs_command(c, argbuf);
    } else if (strcmp(word, "log") == 0) {
        console_push(c, cmdlog_view_new(c));
    } else if (strcmp(word, "help") == 0) {
        struct view *t = console_top(c);
        console_push(c, help_view_new(c, t->ops->kind, t->ops->name));
    } else {
        char *s = sanitize_str(word, 0);
        console_say(c, true, "unknown command :%s (try :ns, :ctx, :all, :runs -l SEL, :log, :q; Tab completes)", s);
        free(s);
    }
}

/* Returns true when the key was consumed by an open prompt. */
static bool prompt_key(struct console *c, struct prompt *p, int isfunc, wint_t ch)
{
    if (!p->kind) return false;
    enum le_result r = vp_edit_key(&p->e, isfunc, (int)ch);
    if (r == LE_IGNORED) return !isfunc && ch != ('l' & 0x1f); /* resize, mouse, ^L: the console's */
    c->redraw = true;
    switch (r) {
    case LE_CANCEL:
    case LE_EMPTY_BS:
        if (p->kind == '/') apply_filter_text(c, "");
        p->kind = 0;
        c->message[0] = 0;
        return true;
    case LE_ENTER: {
        char *text = le_text(&p->e);
        int kind = p->kind;
        p->kind = 0;
        le_history_add(kind == ':' ? &p->cmd_hist : &p->filter_hist, text);
        c->message[0] = 0;
        if (kind == ':') run_command(c, text);
        else apply_filter_text(c, text);
        free(text);
        return true;
    }
    case LE_TAB:
        if (p->kind == ':' && prompt_complete(c, &p->e)) p->kind = 0; /* a picker took over */
        return true;
    case LE_REFUSED:
        console_say(c, true, p->e.len >= LE_MAX ? "the line is full" : "that character cannot be typed here");
        return true;
    case LE_CHANGED:
        if (p->kind == '/') {
            char *text = le_text(&p->e);
            apply_filter_text(c, text);
            free(text);
        }
        return true;
    default: return true;
    }
}

/* ---- the recorder's heartbeat ---- */

/* Whether a recorder feeds the cache, read every STORE_BEAT_MS through a
 * read-only handle of our own (the source's is busy with pages). */
static void recorder_refresh(struct console *c)
{
    int64_t mono = time_mono_ms();
    if (mono < c->recorder_next) return;
    c->recorder_next = mono + STORE_BEAT_MS;
    char err[ERRLEN], text[sizeof c->recorder];
    snprintf(text, sizeof text, "recorder: none %s history only while this console runs",
             c->utf8 ? "\u2014" : "-");
    if (!c->rec_store) {
        struct store_opts o;
        store_opts_default(&o);
        o.read_only = true;
        c->rec_store = store_open(c->cli->db, &o, err, sizeof err);
    }
    struct store_recorder r;
    int64_t now = time_now_ms();
    if (c->rec_store && store_recorder_get(c->rec_store, &r, err, sizeof err) > 0) {
        if (store_recorder_live(&r, now))
            snprintf(text, sizeof text, "recorder: live, %lld s",
                     (long long)((now - r.heartbeat > 0 ? now - r.heartbeat : 0) / 1000));
        store_recorder_free(&r);
    }
    if (strcmp(text, c->recorder) != 0) {
        snprintf(c->recorder, sizeof c->recorder, "%s", text);
        c->redraw = true;
    }
}

/* ---- painting ---- */

static void status_line(struct console *c, struct prompt *p, int y, int cols)
{
    attr_t sa = draw_attr(c, CP_STATUS);
    if (p->kind) {
        char pre[2] = {(char)p->kind, 0};
        draw_text(c, y, 0, 1, pre, A_BOLD, false);
        int at = vp_edit_draw(c, &p->e, y, 1, cols - 1, A_NORMAL);
        curs_set(1);
        leaveok(stdscr, FALSE);
        move(y, at);
        return;
    }
    curs_set(0);
    leaveok(stdscr, TRUE);
    char buf[512];
    struct rs_counts k;
    runset_counts(c->rs, &k);
    char conn[256];
    int64_t now = time_now_ms();
    bool several = c->nctx > 1 && c->src;
    if (several && c->conn != CONN_OFFLINE) source_conn_text(c->src, conn, sizeof conn);
    else switch (c->conn) {
    case CONN_CONNECTING: snprintf(conn, sizeof conn, "connecting"); break;
    case CONN_LIVE: snprintf(conn, sizeof conn, "live"); break;
    case CONN_RECONNECTING: {
        int64_t in = c->next_try_ms - now;
        snprintf(conn, sizeof conn, "reconnecting, next try in %llds", (long long)(in > 0 ? (in + 999) / 1000 : 0));
        break;
    }
    case CONN_OFFLINE: {
        char age[32];
        time_format_age(c->data_time_ms == TIME_NONE ? TIME_NONE : now - c->data_time_ms, age, sizeof age);
        snprintf(conn, sizeof conn, "offline, cache data %s old", age);
        break;
    }
    }
    /* what the connection does not check or send, next to its state */
    /* (several contexts: each one's mark is in conn, after its state) */
    struct kube_client *kc = !several && c->src && c->conn != CONN_OFFLINE ? source_kube(c->src) : NULL;
    const char *mark = kc && kube_client_notice_insecure(kc) ? " INSECURE-TLS"
                       : kc && kube_client_notice_plain_http(kc) ? " HTTP-NO-CREDENTIALS" : "";
    char ctxs[128] = "";
    for (size_t i = 0, o = 0; i < c->nctx && o + 1 < sizeof ctxs; i++) {
        int w = snprintf(ctxs + o, sizeof ctxs - o, "%s%s", i ? "," : "", c->ctxs[i]);
        if (w < 0) break;
        o += (size_t)w;
    }
    char *ctx = sanitize_str(c->nctx > 1 ? ctxs : c->context ? c->context : "-", 0);
    char *ns = sanitize_str(c->all_ns ? "*" : (c->ns ? c->ns : "-"), 0);
    /* the selectors of :runs, as kubectl would take them */
    char selbuf[200] = "";
    if (c->label_selector || c->field_selector)
        snprintf(selbuf, sizeof selbuf, "%s%.60s%s%.60s", c->label_selector ? " -l " : "",
                 c->label_selector ? c->label_selector : "", c->field_selector ? " --field-selector " : "",
                 c->field_selector ? c->field_selector : "");
    char *sel = sanitize_str(selbuf, 0);
    int n = snprintf(buf, sizeof buf, " %.60s / %.40s%s | %s%s | %zu runs", ctx, ns, sel, conn, mark, k.total);
    free(ctx);
    free(ns);
    free(sel);
    struct { const char *name; size_t v; } ph[] = {
        {"Failed", k.failed}, {"Running", k.running}, {"Pending", k.pending},
        {"Succeeded", k.succeeded}, {"Cancelled", k.cancelled}, {"Template", k.tmpl},
        {"none", k.none}, {"deleted", k.deleted},
    };
    for (size_t i = 0; i < sizeof ph / sizeof ph[0] && n > 0 && (size_t)n < sizeof buf; i++)
        if (ph[i].v) n += snprintf(buf + n, sizeof buf - (size_t)n, " %s %zu", ph[i].name, ph[i].v);
    if (c->progress[0] && n > 0 && (size_t)n < sizeof buf)
        snprintf(buf + n, sizeof buf - (size_t)n, " | %s", c->progress);
    int used = draw_text(c, y, 0, cols, buf, sa, false);
    /* the recorder, right-aligned where it fits (messages have lines of their own) */
    if (c->recorder[0]) {
        int w = draw_width(c, c->recorder) + 1;
        if (used + 3 + w <= cols) draw_text(c, y, cols - w, w, c->recorder, sa, false);
    }
}
/* Byte length of the longest prefix of s (sanitised UTF-8) that fits in
 * cols columns, cut at a space when one is in the second half. */
static size_t message_cut(const struct console *c, const char *s, int cols)
{
    size_t n = strlen(s), best = 0, space = 0;
    char tmp[sizeof c->message];
    for (size_t i = 1; i <= n; i++) {
        if (i < n && ((unsigned char)s[i] & 0xC0) == 0x80) continue;
        memcpy(tmp, s, i);
        tmp[i] = 0;
        if (draw_width(c, tmp) > cols) break;
        best = i;
        if (s[i - 1] == ' ') space = i; /* the prefix ends with a space */
    }
    if (best < n && space > best / 2) return space;
    return best ? best : n;
}

static int message_rows(const struct console *c, int cols, int rows)
{
    int max = rows >= 12 ? 3 : 1, k = 0;
    for (const char *m = c->message; *m && k < max; k++) m += message_cut(c, m, cols - 1);
    return k;
}

static void draw_message(struct console *c, int y, int nrows, int cols)
{
    attr_t a = c->message_error ? draw_attr(c, CP_ERROR) : A_BOLD;
    const char *m = c->message;
    char line[sizeof c->message + 2];
    for (int i = 0; i < nrows; i++) {
        /* the last line takes what is left: draw_text marks a cut */
        size_t len = i == nrows - 1 ? strlen(m) : message_cut(c, m, cols - 1);
        snprintf(line, sizeof line, " %.*s", (int)len, m);
        draw_text(c, y + i, 0, cols, line, a, false);
        m += len;
    }
}

static void paint(struct console *c, struct prompt *p)
{
    int rows = LINES, cols = COLS;
    if (rows < 3 || cols < 10) {
        erase();
        mvaddstr(0, 0, "too small");
        wnoutrefresh(stdscr);
        doupdate();
        return;
    }
    struct view *v = console_top(c);
    char title[512];
    v->ops->title(v, c, title, sizeof title);
    if (c->conn == CONN_OFFLINE) {
        char ban[640];
        snprintf(ban, sizeof ban, " OFFLINE - history cache only | %s", title);
        draw_text(c, 0, 0, cols, ban, draw_attr(c, CP_BANNER), false);
    } else {
        char full[640];
        snprintf(full, sizeof full, " artriage | %s", title);
        int used = draw_text(c, 0, 0, cols, full, draw_attr(c, CP_TITLE), false);
        /* the key help is bound to in the runs view: `?` unless the config moved it */
        char hint[48] = "? help ";
        for (size_t i = 0; i < c->nukeys; i++)
            if (c->ukeys[i].req == REQ_HELP && c->ukeys[i].first) {
                snprintf(hint, sizeof hint, "%s help ", c->ukeys[i].name);
                break;
            }
        int hw = draw_width(c, hint);
        if (used + hw + 1 < cols) draw_text(c, 0, cols - hw, hw, hint, draw_attr(c, CP_DIM), false);
    }
    /* a message gets lines of its own above the status bar (wrapped, at
     * most three), so it is read whole and the status stays readable */
    int mrows = !c->message[0] ? 0 : message_rows(c, cols, rows);
    v->ops->draw(v, c, 1, rows - 2 - mrows, cols);
    if (mrows) draw_message(c, rows - 1 - mrows, mrows, cols);
    status_line(c, p, rows - 1, cols);
    wnoutrefresh(stdscr);
    doupdate();
}

/* ---- keys ---- */

/* The run the top view is about, or NULL having said so. */
static struct rs_run *top_run(struct console *c)
{
    struct view *v = console_top(c);
    const char *ctx = NULL;
    const char *uid = v->ops->run_uid ? v->ops->run_uid(v, &ctx) : NULL;
    struct rs_run *r = uid ? runset_find(c->rs, ctx, uid) : NULL;
    if (!r) console_say(c, true, "no run selected");
    return r;
}

/* y: the value under the top view's cursor (the run's name where the view
 * has no value of its own), sanitised, through OSC 52; the message line
 * says what was copied. */
static void copy_value(struct console *c)
{
    struct view *v = console_top(c);
    char what[64] = "run name";
    char *text = NULL;
    if (v->ops->copy) {
        text = v->ops->copy(v, c, what, sizeof what);
    } else {
        struct rs_run *r = top_run(c);
        text = r ? xstrdup(r->run.name) : NULL;
    }
    if (!text) return;
    /* the clipboard gets printable text only: escapes shown, not obeyed */
    char *clean = sanitize_str(text, SAN_STRIP_SGR);
    free(text);
    if (!*clean) {
        console_say(c, true, "nothing to copy here");
    } else {
        console_osc52(c, clean);
        console_say(c, false, "copied %s (%zu bytes): %s", what, strlen(clean), clean);
    }
    free(clean);
}

/* r / l / t: the view another file provides for the run under the cursor. */
static void open_plugin(struct console *c, enum req req)
{
    struct rs_run *r = top_run(c);
    if (!r) return;
    struct view *(*open)(struct console *, struct rs_run *) =
        req == REQ_RERUN ? rerun_view_open : req == REQ_LOGS ? logs_view_open : timeline_view_open;
    struct view *nv = open ? open(c, r) : NULL;
    if (nv) console_push(c, nv);
}

/* ! in the detail and log views: the detail moves to the run list's next
 * failed run; the log view to the lane's next older failed attempt
 * (wrapping to the newest), opened at its cause. */
static void next_failed(struct console *c)
{
    struct view *v = console_top(c);
    struct rs_run *r = top_run(c);
    if (!r) return;
    if (v->ops->kind == VK_DETAIL) {
        struct view *runs = c->depth > 1 ? c->stack[c->depth - 2] : NULL;
        if (!runs || runs->ops->kind != VK_RUNS) return;
        console_pop(c);
        runs->ops->key(runs, c, REQ_NEXT_FAILED, '!');
        const char *ctx = NULL;
        const char *to = runs_view_selected(runs, &ctx);
        if (to && *to) console_push(c, detail_view_new(c, ctx, to));
        return;
    }
    struct rs_attempt *a = NULL;
    size_t n = runset_lane(c->rs, r, &a), me = 0;
    for (size_t i = 0; i < n; i++)
        if (a[i].run == r) me = i;
    /* uids first: opening a view may say things, never keep run pointers */
    char **uids = xcalloc(n + 1, sizeof *uids);
    size_t nu = 0;
    for (size_t k = 1; k < n; k++) {
        const struct rs_run *x = a[(me + n - k) % n].run;
        if (strcmp(rs_run_phase(x), "Failed") == 0) uids[nu++] = xstrdup(x->run.uid);
    }
    free(a);
    char *lane_ctx = xstrdup(r->run.context); /* a lane's attempts share the run's context */
    struct view *nv = NULL;
    struct rs_run *tr = NULL;
    for (size_t i = 0; i < nu && !nv; i++) {
        tr = runset_find(c->rs, lane_ctx, uids[i]);
        if (tr && logs_view_open) nv = logs_view_open(c, tr);
    }
    for (size_t i = 0; i < nu; i++) free(uids[i]);
    free(uids);
    free(lane_ctx);
    if (!nv) {
        console_say(c, true, nu ? "no other failed attempt of this lane has a log to read (no pods, none cached)"
                                : "no other failed attempt in this lane");
        return;
    }
    console_pop(c);
    console_push(c, nv);
    char *name = sanitize_str(tr->run.attempt && *tr->run.attempt ? tr->run.attempt : tr->run.name, 0);
    console_say(c, false, "failed attempt %s", name);
    free(name);
}

static void dispatch(struct console *c, struct prompt *p, int isfunc, wint_t ch)
{
    static bool paste_dropped; /* a paste outside any prompt: text, never keys */
    if (prompt_key(c, p, isfunc, ch)) return;
    {
        struct view *top = console_top(c);
        if (top && top->ops->raw_key && top->ops->raw_key(top, c, isfunc, (int)ch)) return;
    }
    if (isfunc && (ch == KEY_PASTE_BEGIN || ch == KEY_PASTE_END)) {
        paste_dropped = ch == KEY_PASTE_BEGIN;
        if (paste_dropped) console_say(c, true, "pasted text is taken in a prompt only (: or /)");
        return;
    }
    if (paste_dropped) return;
    int key = (int)ch;
    if (isfunc && ch == KEY_RESIZE) {
        c->redraw = true;
        return;
    }
    if (isfunc && ch == KEY_MOUSE) {
        MEVENT ev;
        if (getmouse(&ev) != OK) return;
        struct view *v = console_top(c);
        enum req r = REQ_NONE;
        if (ev.bstate & BUTTON4_PRESSED) r = REQ_UP;
        else if (ev.bstate & BUTTON5_PRESSED) r = REQ_DOWN;
        if (r != REQ_NONE) {
            for (int i = 0; i < 3; i++) v->ops->key(v, c, r, 0);
        } else if ((ev.bstate & BUTTON1_PRESSED) && v->ops->click) {
            v->ops->click(v, c, ev.y, false);
        }
        c->redraw = true;
        return;
    }
    c->message[0] = 0;
    c->redraw = true;
    const char *hot = keys_hotkey_command(c, key);
    if (hot) {
        /* a hotkey of the config file: its `:` command, as if typed */
        run_command(c, hot);
        return;
    }
    struct view *v = console_top(c);
    const struct keybind *kb;
    enum req req = keys_lookup(c, v->ops->kind, key, &kb);
    if (req == REQ_NONE) {
        /* not the table's: the view's own, if it wants it */
        v->ops->key(v, c, REQ_NONE, key);
        return;
    }
    if (!keys_available(c, kb)) {
        if ((kb->flags & KB_WRITES) && c->cli->read_only)
            console_say(c, true, "read-only: %s refused", kb->keyname);
        return;
    }
    if (v->ops->key(v, c, req, key)) return;
    switch (req) {
    case REQ_BACK: console_pop(c); break;
    case REQ_QUIT: c->quit = true; break;
    /* / starts from the filter in force, so it refines it */
    case REQ_FILTER: prompt_open(c, p, '/', runset_filter(c->rs)); break;
    case REQ_COMMAND: prompt_open(c, p, ':', NULL); break;
    case REQ_HELP: console_push(c, help_view_new(c, v->ops->kind, v->ops->name)); break;
    case REQ_CMDLOG: console_push(c, cmdlog_view_new(c)); break;
    case REQ_COPY: copy_value(c); break;
    case REQ_REFRESH:
        if (c->src) source_refresh(c->src);
        console_say(c, false, "refreshing");
        break;
    case REQ_REDRAW: clearok(curscr, TRUE); break;
    case REQ_RERUN:
    case REQ_LOGS:
    case REQ_TIMELINE: open_plugin(c, req); break;
    case REQ_NEXT_FAILED: next_failed(c); break;
    default: break;
    }
}

/* ---- main ---- */

static int64_t parse_refresh(const char *s, char *err, size_t errlen)
{
    if (!s) return 0;
    int64_t ms;
    if (time_parse_duration(s, &ms) != 0 || ms < 0 || ms > 3600000) {
        errf(err, errlen, "--refresh '%s' is not a duration such as 2s", s);
        return -1;
    }
    return ms;
}

int console_main(struct cli *cli)
{
    char err[512], note[256];
    int64_t refresh_ms = parse_refresh(cli->refresh, err, sizeof err);
    if (refresh_ms < 0) return cli_usage(NULL, "%s", err);
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
        return cli_fail("the console needs a terminal (stdin and stdout); for scripts use a command such as 'artriage list'");
    if (term_cannot_address(getenv("TERM"))) {
        char *t = sanitize_str(getenv("TERM"), 0);
        int rc = cli_fail("the console needs a terminal that can move the cursor, and TERM=%.40s cannot; "
                          "use the commands instead (artriage list, show RUN, logs RUN)", t);
        free(t);
        return rc;
    }
    setlocale(LC_ALL, "");
    const char *cs = nl_langinfo(CODESET);
    struct console c;
    memset(&c, 0, sizeof c);
    c.cli = cli;
    c.utf8 = cs && strcmp(cs, "UTF-8") == 0;
    c.rs = runset_new();
    c.all_ns = cli->all_namespaces;
    c.context = xstrdup(cli->context);
    /* --context a --context b: both followed in one list */
    if (cli->ncontexts > 1) {
        const char *names[64];
        size_t n = 0;
        for (int i = 0; i < cli->ncontexts && n < sizeof names / sizeof names[0]; i++) {
            bool dup = false;
            for (size_t k = 0; k < n && !dup; k++) dup = strcmp(names[k], cli->contexts[i]) == 0;
            if (!dup) names[n++] = cli->contexts[i];
        }
        if (n > 1) {
            c.ctxs = xcalloc(n, sizeof *c.ctxs);
            for (size_t i = 0; i < n; i++) c.ctxs[i] = xstrdup(names[i]);
            c.nctx = n;
            free(c.context);
            c.context = NULL;
        }
    }
    c.ns = xstrdup(cli->ns);
    c.data_time_ms = TIME_NONE;
    c.conn = cli->offline ? CONN_OFFLINE : CONN_CONNECTING;

    if (tcgetattr(STDIN_FILENO, &saved_termios) == 0) have_termios = true;
    install_signals();
    if (open_terminal(&c, note, sizeof note) != 0) {
        runset_free(c.rs);
        free(c.context);
        ctxs_free(&c);
        free(c.ns);
        return cli_fail("cannot open the terminal (TERM=%s) even with a fallback terminal type",
                        getenv("TERM") ? getenv("TERM") : "");
    }
    if (note[0]) console_say(&c, true, "%s", note);
    keys_setup(&c);
    if (cli->cfg && cli->cfg->nwarnings) {
        char *w = sanitize_str(cli->cfg->warnings[0], 0);
        if (cli->cfg->nwarnings > 1) console_say(&c, true, "config: %s (and %zu more)", w, cli->cfg->nwarnings - 1);
        else console_say(&c, true, "config: %s", w);
        free(w);
    }
    struct view *first = console_first_view ? console_first_view(&c) : NULL;
    console_push(&c, first ? first : runs_view_new(&c));
    c.src = source_new(&c);
    signal_source = c.src;

    struct prompt p;
    memset(&p, 0, sizeof p);
    le_history_init(&p.cmd_hist, 0);
    le_history_init(&p.filter_hist, 0);
    uint64_t seen_gen = runset_gen(c.rs), seen_log = c.cmdlog_gen;
    int64_t last_paint = 0, last_tick = time_mono_ms();
    bool busy = true, data_dirty = false;
    int tick_ms = refresh_ms > 1000 ? (int)refresh_ms : 1000;
    paint(&c, &p);
    while (!c.quit && !got_signal) {
        int64_t now = time_mono_ms();
        int timeout = busy ? 0 : (int)(last_tick + tick_ms - now);
        if (data_dirty && refresh_ms) {
            int64_t due = last_paint + refresh_ms - now;
            if (due < timeout) timeout = (int)due;
        }
        if (timeout < 0) timeout = 0;
        bool tty_ready = false;
        source_wait(c.src, STDIN_FILENO, timeout, &tty_ready);
        if (got_signal) break;
        /* keys first: they must be on screen before any data work */
        bool keyed = false;
        for (int guard = 0; guard < 256; guard++) {
            wint_t ch;
            int rc = get_wch(&ch);
            if (rc == ERR) break;
            dispatch(&c, &p, rc == KEY_CODE_YES, ch);
            keyed = true;
            if (c.quit) break;
        }
        if (c.quit) break;
        if (keyed && c.redraw) {
            /* a key may have changed the data (filter): let views follow */
            if (runset_gen(c.rs) != seen_gen) {
                seen_gen = runset_gen(c.rs);
                for (int i = 0; i < c.depth; i++)
                    if (c.stack[i]->ops->data_changed) c.stack[i]->ops->data_changed(c.stack[i], &c);
            }
            paint(&c, &p);
            c.redraw = false;
            last_paint = time_mono_ms();
        }
        busy = source_step(c.src, 8);
        ns_work(&c);
        recorder_refresh(&c);
        {
            struct view *top = console_top(&c);
            if (top->ops->work && top->ops->work(top, &c, 8)) busy = true;
        }
        if (runset_gen(c.rs) != seen_gen || c.cmdlog_gen != seen_log) {
            seen_gen = runset_gen(c.rs);
            seen_log = c.cmdlog_gen;
            for (int i = 0; i < c.depth; i++)
                if (c.stack[i]->ops->data_changed) c.stack[i]->ops->data_changed(c.stack[i], &c);
            data_dirty = true;
        }
        now = time_mono_ms();
        if (now - last_tick >= tick_ms) {
            /* ages and "next try in" move: repaint; unchanged cells cost nothing */
            last_tick = now;
            data_dirty = true;
        }
        if ((data_dirty || c.redraw) && (!refresh_ms || now - last_paint >= refresh_ms || c.redraw)) {
            paint(&c, &p);
            c.redraw = false;
            data_dirty = false;
            last_paint = now;
        }
    }
    signal_source = NULL;
    /* views first: they may hold requests and timers on the source's client */
    while (c.depth) {
        struct view *v = c.stack[--c.depth];
        v->ops->destroy(v);
    }
    ns_forget(&c, true); /* before its client goes */
    source_free(c.src);
    store_close(c.rec_store);
    c.src = NULL;
    close_terminal();
    for (size_t i = 0; i < c.ncmdlog; i++) free(c.cmdlog[(c.cmdlog_first + i) % CMDLOG_MAX].text);
    runset_free(c.rs);
    free(c.context);
    ctxs_free(&c);
    free(c.ns);
    free(c.conn_detail);
    free(c.label_selector);
    free(c.field_selector);
    le_history_free(&p.cmd_hist);
    le_history_free(&p.filter_hist);
    keys_cleanup(&c);
    return 0;
}
