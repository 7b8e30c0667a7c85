/* view — the console's frame: shared state (struct console), views as
 * tables of operations (tig's view_ops), the view stack, and the drawing
 * helpers every view uses.
 *
 * The main loop (console.c) owns the terminal and the stack. It maps a key
 * to a request through the one key table (keys.c), offers the request to
 * the top view's key(), and handles what the view leaves (back, quit,
 * prompts, help). A key the table does not bind for the top view's kind
 * goes to that view's key() as REQ_NONE with the raw key, and nothing
 * else happens to it; a view that owns a prompt or an editor takes every
 * key first through raw_key(). When the run set's generation changes it calls every
 * view's data_changed(); when anything changed it calls the top view's
 * draw() for the rows between the title line and the status bar and lets
 * ncurses send only the cells that differ (an idle screen sends nothing).
 *
 * Ownership: console_push() takes the view; the stack frees it with
 * ops->destroy() when it is popped. Views read the run set (src/model/
 * runset.h) and never keep a struct rs_run across runset_clear(): they
 * keep uids and look the run up again in data_changed().
 *
 * A view from another file plugs in by defining an open function and
 * pushing its view; the rerun dialog's hook is rerun_view_open() below.
 */
#ifndef ARTRIAGE_UI_VIEW_H
#define ARTRIAGE_UI_VIEW_H
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <curses.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "cli.h"
#include "model/runset.h"

/* Requests: what a key means, independent of the key (keys.c). */
enum req {
    REQ_NONE,
    REQ_UP, REQ_DOWN, REQ_PGUP, REQ_PGDN, REQ_TOP, REQ_BOTTOM, REQ_LEFT, REQ_RIGHT,
    REQ_ENTER, REQ_BACK, REQ_QUIT,
    REQ_FILTER, REQ_COMMAND, REQ_SORT, REQ_DETAIL, REQ_RERUN, REQ_COPY,
    REQ_REFRESH, REQ_HELP, REQ_CMDLOG, REQ_REDRAW, REQ_LOGS, REQ_TIMELINE,
    REQ_NEXT_FAILED,
    /* inside the log and timeline views (logs.c, timeline.c) */
    REQ_FIND_NEXT, REQ_FIND_PREV, REQ_EXPLAIN, REQ_FOLLOW,
    REQ_SEARCH, REQ_SEARCH_BACK, REQ_SEARCH_NEXT, REQ_SEARCH_PREV, REQ_LOG_FILTER,
    REQ_WRAP, REQ_TIMESTAMPS, REQ_BASE_DIFF, REQ_TAB_NEXT, REQ_TAB_PREV, REQ_WRITE, REQ_NOTE, REQ_EXPORT,
    /* answers to a question a view asks (the rerun dialog's create) */
    REQ_YES, REQ_NO,
};

/* Views kinds, as bits, so one key table row can serve several views. */
enum {
    VK_RUNS = 1 << 0, VK_DETAIL = 1 << 1, VK_HELP = 1 << 2, VK_CMDLOG = 1 << 3,
    VK_RERUN = 1 << 4, VK_LOGS = 1 << 5, VK_TIMELINE = 1 << 6, VK_ALL = 0xff,
};

struct console;
struct view;

struct view_ops {
    const char *name;   /* shown in the title line and in help */
    unsigned kind;      /* VK_* */
    /* Draws rows [top, top+rows) of stdscr, all `cols` wide. */
    void (*draw)(struct view *v, struct console *c, int top, int rows, int cols);
    /* Handles a request; returns true if it did. ch is the raw key (a
     * curses KEY_* code or a character; 0 from the mouse wheel). req is
     * REQ_NONE for a key the table does not bind for this view: the view
     * may use it or ignore it, the console does nothing more with it. */
    bool (*key)(struct view *v, struct console *c, enum req req, int ch);
    /* The run set changed (runset_gen moved on); may be NULL. */
    void (*data_changed)(struct view *v, struct console *c);
    /* A mouse click on screen row y (absolute); may be NULL. */
    void (*click)(struct view *v, struct console *c, int y, bool dbl);
    /* Title line text (plain ASCII or already sanitised). */
    void (*title)(struct view *v, struct console *c, char *out, size_t outlen);
    /* The run this view is about (cursor or subject): its uid, or NULL, and
     * its context in *ctx (NULL = none); the op itself may be NULL. */
    const char *(*run_uid)(struct view *v, const char **ctx);
    void (*destroy)(struct view *v);
    /* Sees every key before the key table, for a view's own prompt
     * (vprompt.h); true = consumed. May be NULL. */
    bool (*raw_key)(struct view *v, struct console *c, bool isfunc, int ch);
    /* Background work of the top view (loading, indexing, search) for
     * about budget_ms; sets c->redraw when the screen must change;
     * true = more is ready now. May be NULL. */
    bool (*work)(struct view *v, struct console *c, int budget_ms);
    /* `y`: the value under the cursor, whole (malloc'd; the console
     * sanitises it before the clipboard), and what it is ("Image digest",
     * "event") in what; NULL = nothing to copy (having said why). May be
     * NULL: then `y` copies the name of the view's run. */
    char *(*copy)(struct view *v, struct console *c, char *what, size_t whatlen);
};

struct view {
    const struct view_ops *ops;
    void *priv;
};

enum conn_state { CONN_CONNECTING, CONN_LIVE, CONN_RECONNECTING, CONN_OFFLINE };

struct cmdlog_entry {
    int64_t time;
    char *text;   /* sanitised "kubectl ..." equivalent */
};

#define CONSOLE_MAX_VIEWS 16
#define CMDLOG_MAX 500

/* Colour roles (draw.c); CP_COUNT bounds arrays indexed by role. */
enum {
    CP_FAILED = 1, CP_SUCCEEDED, CP_RUNNING, CP_PENDING, CP_CANCELLED, CP_TEMPLATE,
    CP_TITLE, CP_HEADER, CP_STATUS, CP_CURSOR, CP_ERROR, CP_DIM, CP_HILITE, CP_BANNER,
    CP_COUNT
};

struct store;

struct console {
    struct cli *cli;
    struct runset *rs;
    struct view *stack[CONSOLE_MAX_VIEWS];
    int depth;
    bool quit;
    bool redraw;          /* something on screen must change */
    bool color, utf8;
    /* where we look */
    char *context, *ns;   /* owned; ns NULL with all_ns */
    bool all_ns;
    /* several contexts followed at once (`:ctx a,b`, --context a --context b):
     * their names, owned, nctx >= 2, and context is NULL; else NULL / 0 and
     * context is the one. The namespace scope applies to each. */
    char **ctxs;
    size_t nctx;
    /* connection and progress, for the status bar; with several contexts
     * conn is the best of theirs (live if any is) and source_conn_text
     * says each one's */
    enum conn_state conn;
    int64_t next_try_ms;  /* reconnecting: when */
    int64_t data_time_ms; /* offline: when the cached data was last seen live */
    char *conn_detail;    /* owned, sanitised one line (last error), may be NULL */
    char progress[128];   /* "" when idle */
    char recorder[96];    /* "recorder: live, 2 s" / "recorder: none …" (console.c) */
    int64_t recorder_next;/* monotonic: read the heartbeat again */
    struct store *rec_store; /* a read-only handle for the heartbeat, or NULL */
    char message[256];    /* one-line note / answer, cleared on next key */
    bool message_error;
    /* command log: every cluster call as a kubectl command */
    struct cmdlog_entry cmdlog[CMDLOG_MAX];
    size_t ncmdlog, cmdlog_first;
    uint64_t cmdlog_gen;
    /* data source (source.c), and the hooks it calls */
    struct source *src;
    /* `:runs -l` / `--field-selector`: what the API server selects (owned, NULL = all) */
    char *label_selector, *field_selector;
    struct nsinfo *nsinfo;  /* the cluster's namespaces (complete.c) */
    /* the config file's key bindings and hotkeys as curses codes (keys.c),
     * and its skin's attributes by colour role (console.c) */
    struct ukey { int key; enum req req; bool first; char name[16]; } *ukeys;
    size_t nukeys;
    struct hotkey { int key; const char *cmd; bool first; char name[16]; } *hot;
    size_t nhot;
    attr_t skin_attr[CP_COUNT];
    bool skin_attr_set[CP_COUNT];
};

/* ---- view stack (console.c) ---- */
void console_push(struct console *c, struct view *v);
void console_pop(struct console *c);
struct view *console_top(struct console *c);
/* One-line message in the status bar until the next key. */
void console_say(struct console *c, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Appends a kubectl-equivalent command line to :log (sanitised here). */
void console_cmdlog(struct console *c, const char *kubectl);
/* Switches context / namespace (NULL = keep; all = every namespace);
 * a context given ends following several. */
void console_switch(struct console *c, const char *ctx, const char *ns, bool all);
/* Follows the n (>= 2) contexts named (copied) in one list, keeping the
 * namespace scope. */
void console_follow(struct console *c, const char *const *ctxs, size_t n);
/* Writes an OSC 52 clipboard sequence for text (already validated). */
void console_osc52(struct console *c, const char *text);

/* ---- drawing helpers (draw.c) ---- */
/* Attribute of a colour role: a colour pair, or bold/reverse/dim without colour. */
attr_t draw_attr(const struct console *c, int role);
/* Attribute for a phase string (any phase, "" = none yet). */
attr_t draw_phase_attr(const struct console *c, const char *phase);
/* Writes s at (y, x) in exactly w columns (cut with '~' or padded).
 * raw = s is from the cluster: it goes through sanitize_str first.
 * Wide characters count two columns; outside a UTF-8 locale anything
 * that is not ASCII shows as '?'. Returns the columns the text used. */
int draw_text(const struct console *c, int y, int x, int w, const char *s, attr_t a, bool raw);
/* draw_text with a choice of what a cut keeps: the start (DRAW_CUT_END,
 * as draw_text), both ends (DRAW_CUT_MIDDLE: a run name keeps its attempt
 * suffix, "torghut-v5-doc…-20260225e") or the end (DRAW_CUT_LEFT: a class
 * keeps its distinguishing part, "…missing-module"). */
enum draw_cut { DRAW_CUT_END, DRAW_CUT_MIDDLE, DRAW_CUT_LEFT };
int draw_text_cut(const struct console *c, int y, int x, int w, const char *s, attr_t a, bool raw,
                  enum draw_cut how);
/* Display width of an already sanitised UTF-8 string. */
int draw_width(const struct console *c, const char *s);
/* Fills row y from column x to the end with blanks in attribute a. */
void draw_clear(int y, int x, int cols, attr_t a);

/* ---- keys (keys.c) ---- */
struct keybind {
    int key;            /* curses key or character */
    enum req req;
    const char *keyname;
    const char *help;
    unsigned views;     /* VK_* where it applies */
    unsigned flags;     /* KB_* */
};
enum { KB_WRITES = 1 << 0 /* hidden and refused with --read-only */ };
extern const struct keybind key_table[];
/* The request for key ch in a view of that kind, REQ_NONE if unbound. */
enum req keys_lookup(const struct console *c, unsigned kind, int ch, const struct keybind **kb);
/* Whether a binding exists for this console (read-only, hooks present). */
bool keys_available(const struct console *c, const struct keybind *kb);
/* The config file's bindings and hotkeys (c->cli->cfg) into c->ukeys and
 * c->hot; keys_cleanup frees them. A bound action loses its default keys. */
void keys_setup(struct console *c);
void keys_cleanup(struct console *c);
/* The keys of a help row (with the rows continuing it), as bound now: the
 * row's own name, or one composed in buf when the config remapped them. */
const char *keys_display_name(const struct console *c, const struct keybind *kb, char *buf, size_t n);
/* The `:` command a hotkey runs, or NULL. */
const char *keys_hotkey_command(const struct console *c, int ch);
/* An action's name in config files ("next-failed"), NULL if it has none. */
const char *keys_action_name(enum req req);

/* ---- views ---- */
struct view *runs_view_new(struct console *c);
/* The uid under the run list's cursor, or NULL. */
const char *runs_view_selected(struct view *v, const char **ctx);
struct view *detail_view_new(struct console *c, const char *ctx, const char *uid);
struct view *help_view_new(struct console *c, unsigned kind, const char *name);
struct view *cmdlog_view_new(struct console *c);
/* :ctx / :ns without a name: the names to pick from (copied); a
 * namespace picker made with none waits for picker_view_update (names,
 * and a note on where they come from when not from the cluster). */
struct view *picker_view_new(struct console *c, bool ctx, const char *const *names, size_t n);
bool picker_view_is(struct view *v, bool ctx);
void picker_view_update(struct console *c, struct view *v, const char *const *names, size_t n, const char *note);

/* Views of other files, plugged in by defining these (weak here, so a key
 * exists only when its view is linked in). Each returns the view to push
 * for the run, or NULL (having said why with console_say):
 *   `r` rerun dialog (ui/console/views/rerun.c), `l` log view (ui/console/views/logs.c),
 *   `t` timeline (ui/timeline.c). Their own keys go in key_table with
 *   their VK_* bit (VK_RERUN, VK_LOGS, VK_TIMELINE). */
struct view *rerun_view_open(struct console *c, struct rs_run *run) __attribute__((weak));
struct view *logs_view_open(struct console *c, struct rs_run *run) __attribute__((weak));
struct view *timeline_view_open(struct console *c, struct rs_run *run) __attribute__((weak));
/* The log view on a file (`artriage view FILE`, logs.c); NULL with err. */
struct view *logs_view_file(struct console *c, const char *path, char *err, size_t errlen);
/* When set before console_main, the first view instead of the run list
 * (NULL from it: the run list). */
extern struct view *(*console_first_view)(struct console *c);
#endif
