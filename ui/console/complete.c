/* complete — `:` prompt completion, pickers, `:ns` and `:runs` (see complete.h). */
#include "complete.h"
#include "source.h"
#include "kube/client.h"
#include "kube/kubeconfig.h"
#include "kube/names.h"
#include "util/err.h"
#include "util/sanitize.h"
#include "util/timeutil.h"
#include "util/xalloc.h"
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum ns_state { NS_NONE, NS_LOADING, NS_CLUSTER, NS_SEEN };

/* One followed context's namespace list in flight (one per context when
 * the console follows several: each cluster is asked on its own client). */
struct ns_ask {
    struct console *c;
    struct kube_request *req;  /* NULL once answered (or never started) */
    char *ctx;                 /* NULL: the one context */
};

struct nsinfo {
    enum ns_state state;
    struct ns_ask *asks;       /* while loading: one per followed context */
    size_t nasks, waiting, listed;
    char **got;                /* the answers so far, merged (owned) */
    size_t ngot, capgot;
    char failed[384];          /* the first context whose list failed, and why */
    char **names;              /* owned, sorted */
    size_t n;
    char why[384];             /* NS_SEEN: why these are not the cluster's */
    int64_t when;              /* mono ms of the answer */
    char *pending;             /* `:ns NAME` waiting for the answer */
    struct lineedit *tab_in;   /* a Tab waiting for the answer ... */
    char *tab_text;            /* ... while its editor still holds this */
    bool answered;             /* an answer ns_work has not acted on */
};

static struct nsinfo *info(struct console *c)
{
    if (!c->nsinfo) c->nsinfo = xcalloc(1, sizeof *c->nsinfo);
    return c->nsinfo;
}

static void names_clear(struct nsinfo *ni)
{
    for (size_t i = 0; i < ni->n; i++) free(ni->names[i]);
    free(ni->names);
    ni->names = NULL;
    ni->n = 0;
}

/* Cancels what is in flight (the client may be freed next) and drops the
 * answers gathered so far. */
static void asks_drop(struct nsinfo *ni)
{
    for (size_t i = 0; i < ni->nasks; i++) {
        kube_request_cancel(ni->asks[i].req);
        free(ni->asks[i].ctx);
    }
    free(ni->asks);
    ni->asks = NULL;
    ni->nasks = ni->waiting = ni->listed = 0;
    for (size_t i = 0; i < ni->ngot; i++) free(ni->got[i]);
    free(ni->got);
    ni->got = NULL;
    ni->ngot = ni->capgot = 0;
    ni->failed[0] = 0;
}

void ns_forget(struct console *c, bool all)
{
    struct nsinfo *ni = c->nsinfo;
    if (!ni) return;
    /* the client may be freed next (a context switch): nothing may stay on it */
    asks_drop(ni);
    names_clear(ni);
    free(ni->pending);
    free(ni->tab_text);
    memset(ni, 0, sizeof *ni);
    if (all) {
        free(ni);
        c->nsinfo = NULL;
    }
}

void ns_cancel(struct console *c)
{
    struct nsinfo *ni = c->nsinfo;
    if (!ni || !ni->nasks) return;
    asks_drop(ni);
    if (ni->state == NS_LOADING) ni->state = NS_NONE; /* asked again when needed */
    free(ni->pending);
    ni->pending = NULL;
    free(ni->tab_text);
    ni->tab_text = NULL;
    ni->tab_in = NULL;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* name into the list v[0..*n) unless it is there or not a namespace name. */
static void names_add(char ***v, size_t *n, size_t *cap, const char *name)
{
    if (!name || !kube_is_dns1123_label(name)) return;
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*v)[i], name) == 0) return;
    *v = xgrow(*v, cap, *n + 1, sizeof **v);
    (*v)[(*n)++] = xstrdup(name);
}

/* The namespaces seen in runs (the run set) and the one in use, added to
 * v (with those in it, if any), sorted. */
static void names_add_seen(struct console *c, char ***v, size_t *n, size_t *cap)
{
    for (size_t i = 0; i < runset_count(c->rs); i++) names_add(v, n, cap, runset_at(c->rs, i)->run.ns);
    names_add(v, n, cap, c->ns);
}

static void names_seen(struct console *c, struct nsinfo *ni, const char *why)
{
    names_clear(ni);
    size_t cap = 0;
    names_add_seen(c, &ni->names, &ni->n, &cap);
    qsort(ni->names, ni->n, sizeof *ni->names, cmp_str);
    ni->state = NS_SEEN;
    snprintf(ni->why, sizeof ni->why, "%s", why);
}

static bool ns_known(const struct nsinfo *ni, const char *name)
{
    for (size_t i = 0; i < ni->n; i++)
        if (strcmp(ni->names[i], name) == 0) return true;
    return false;
}

static struct view *ns_picker(struct console *c)
{
    struct view *v = console_top(c);
    return picker_view_is(v, false) ? v : NULL;
}

static void picker_fill(struct console *c, struct nsinfo *ni)
{
    struct view *v = ns_picker(c);
    if (!v) return;
    picker_view_update(c, v, (const char *const *)ni->names, ni->n, ni->state == NS_SEEN ? ni->why : NULL);
    c->redraw = true;
}

/* `:ns NAME` once the names are known. */
static void ns_decide(struct console *c, struct nsinfo *ni, const char *name)
{
    char *s = sanitize_str(name, 0);
    if (ns_known(ni, name)) {
        console_switch(c, NULL, name, false);
        console_say(c, false, "namespace %s", s);
    } else if (ni->state == NS_CLUSTER) {
        console_say(c, true, "no namespace '%s' in the cluster (:ns alone lists them)", s);
    } else {
        console_say(c, true, "no namespace '%s' among those seen in runs (%s)", s, ni->why);
    }
    free(s);
}

static void tab_finish(struct console *c, struct nsinfo *ni);

static void ns_answer(struct console *c, struct nsinfo *ni)
{
    picker_fill(c, ni);
    if (ni->pending) {
        char *name = ni->pending;
        ni->pending = NULL;
        ns_decide(c, ni, name);
        free(name);
    }
    if (ni->tab_in) tab_finish(c, ni);
    c->redraw = true;
}

/* Every followed context answered: the merged names. One that failed
 * (forbidden, no answer) makes the list partial: the namespaces seen in
 * runs stand in for its own, and the picker's title says which. */
static void ns_settle(struct console *c, struct nsinfo *ni)
{
    if (!ni->listed) {
        names_seen(c, ni, ni->failed);
    } else {
        names_clear(ni);
        ni->names = ni->got;
        ni->n = ni->ngot;
        size_t cap = ni->capgot;
        ni->got = NULL;
        ni->ngot = ni->capgot = 0;
        if (ni->listed < ni->nasks) names_add_seen(c, &ni->names, &ni->n, &cap);
        qsort(ni->names, ni->n, sizeof *ni->names, cmp_str);
        ni->state = ni->listed < ni->nasks ? NS_SEEN : NS_CLUSTER;
        snprintf(ni->why, sizeof ni->why, "%s", ni->failed);
    }
    asks_drop(ni);
    ni->when = time_mono_ms();
    /* acted on in ns_work, outside the client's callback: a switch frees
     * the client this callback runs in */
    ni->answered = true;
    c->redraw = true;
}

/* A context whose namespaces could not be listed: the first one is said. */
static void ns_failed(struct nsinfo *ni, const char *ctx, long http, const char *error)
{
    if (ni->failed[0]) return;
    char *name = ctx ? sanitize_str(ctx, 0) : NULL;
    char pre[80] = "";
    if (name) snprintf(pre, sizeof pre, "%.60s: ", name);
    free(name);
    if (http == 403)
        snprintf(ni->failed, sizeof ni->failed,
                 "%slisting the cluster's namespaces is forbidden (403); namespaces seen in runs", pre);
    else
        snprintf(ni->failed, sizeof ni->failed,
                 "%sthe cluster's namespaces could not be listed (%.160s); namespaces seen in runs", pre,
                 error ? error : "no answer");
}

static void on_namespaces(void *ud, const struct kube_result *res)
{
    struct ns_ask *ask = ud;
    struct console *c = ask->c;
    struct nsinfo *ni = info(c);
    ask->req = NULL;
    cJSON *doc = res->ok ? cJSON_ParseWithLength(res->body, res->body_len) : NULL;
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(doc, "items");
    if (cJSON_IsArray(items)) {
        const cJSON *it;
        cJSON_ArrayForEach(it, items) {
            const cJSON *md = cJSON_GetObjectItemCaseSensitive(it, "metadata");
            const cJSON *nm = cJSON_GetObjectItemCaseSensitive(md, "name");
            if (cJSON_IsString(nm)) names_add(&ni->got, &ni->ngot, &ni->capgot, nm->valuestring);
        }
        ni->listed++;
    } else {
        ns_failed(ni, ask->ctx, res->http, res->ok ? "not a namespace list" : res->error);
    }
    cJSON_Delete(doc);
    if (--ni->waiting == 0) ns_settle(c, ni);
}

void ns_work(struct console *c)
{
    struct nsinfo *ni = c->nsinfo;
    if (!ni || !ni->answered) return;
    ni->answered = false;
    ns_answer(c, ni);
}

/* Starts listing the namespaces of every followed context (each on its
 * own client) unless they are fresh or on their way; true = the names are
 * there now. */
static bool ns_load(struct console *c)
{
    struct nsinfo *ni = info(c);
    if (ni->state == NS_LOADING) return false;
    if ((ni->state == NS_CLUSTER || ni->state == NS_SEEN) && time_mono_ms() - ni->when < NS_KEEP_MS) return true;
    asks_drop(ni);
    bool multi = c->nctx >= 2;
    size_t n = multi ? c->nctx : 1;
    ni->asks = xcalloc(n, sizeof *ni->asks);
    ni->nasks = n;
    for (size_t i = 0; i < n; i++) {
        struct ns_ask *a = &ni->asks[i];
        a->c = c;
        a->ctx = multi ? xstrdup(c->ctxs[i]) : NULL;
        struct kube_client *kc = !c->src || c->conn == CONN_OFFLINE ? NULL
                                 : multi                            ? source_kube_for(c->src, a->ctx)
                                                                    : source_kube(c->src);
        if (!kc) {
            if (multi) ns_failed(ni, a->ctx, 0, "not connected");
            continue;
        }
        struct kube_req q = {.verb = KUBE_LIST, .res = &KUBE_NAMESPACES, .on_done = on_namespaces, .ud = a};
        a->req = kube_request_start(kc, &q);
        ni->waiting++;
    }
    if (!ni->waiting) {
        asks_drop(ni);
        names_seen(c, ni, "offline: namespaces seen in runs");
        ni->when = time_mono_ms();
        return true;
    }
    ni->state = NS_LOADING;
    return false;
}

void ns_command(struct console *c, const char *name)
{
    if (!name || !*name) {
        pick_open(c, false);
        return;
    }
    struct nsinfo *ni = info(c);
    if (ns_load(c)) {
        ns_decide(c, ni, name);
        return;
    }
    free(ni->pending);
    ni->pending = xstrdup(name);
    char *s = sanitize_str(name, 0);
    console_say(c, false, "checking namespace %s with the cluster...", s);
    free(s);
}

/* The kubeconfig's context names (caller frees the kubeconfig; NULL when it
 * cannot be read). */
static struct kubeconfig *contexts(struct console *c)
{
    struct kubeconfig *kc = NULL;
    char err[ERRLEN];
    if (kubeconfig_load(c->cli->kubeconfig, &kc, err, sizeof err) != 0) return NULL;
    return kc;
}

void pick_open(struct console *c, bool ctx)
{
    if (ctx) {
        struct kubeconfig *kc = contexts(c);
        size_t n = kc ? kubeconfig_context_count(kc) : 0;
        const char **names = xcalloc(n + 1, sizeof *names);
        for (size_t i = 0; i < n; i++) names[i] = kubeconfig_context_name(kc, i);
        if (n) console_push(c, picker_view_new(c, true, names, n));
        else console_say(c, true, "no contexts in the kubeconfig to pick from");
        free(names);
        kubeconfig_free(kc);
        return;
    }
    struct nsinfo *ni = info(c);
    bool ready = ns_load(c);
    console_push(c, picker_view_new(c, false, NULL, 0));
    if (ready) picker_fill(c, ni);
}

/* ---- Tab ---- */

static const char *const commands[] = {"all", "context", "ctx", "help", "log", "namespace", "ns", "q", "quit", "runs"};
static const char *const runs_flags[] = {"--field-selector", "--selector", "-l"};

static void show_matches(struct console *c, const char *what, const char *const *cands, size_t n,
                         const struct lineedit *e)
{
    char *word = le_text_range(e, le_word_start(e), e->cur);
    char line[sizeof c->message];
    size_t o = (size_t)snprintf(line, sizeof line, "%s:", what);
    for (size_t i = 0; i < n && o < sizeof line; i++)
        if (cands[i] && strncmp(cands[i], word, strlen(word)) == 0)
            o += (size_t)snprintf(line + o, sizeof line - o, " %s", cands[i]);
    free(word);
    char *s = sanitize_str(line, 0);
    console_say(c, false, "%s", s);
    free(s);
}

static void complete_from(struct console *c, struct lineedit *e, const char *what, const char *const *cands,
                          size_t n)
{
    size_t m = le_complete(e, cands, n);
    if (m == 0) console_say(c, true, "no %s matches", what);
    else if (m > 1) show_matches(c, what, cands, n, e);
    else c->message[0] = 0;
    c->redraw = true;
}

/* The first word of the line and the index of the word at the cursor. */
static size_t words_before(const struct lineedit *e, char *first, size_t firstlen)
{
    char *t = le_text_range(e, 0, e->cur);
    size_t nw = 0, k = 0;
    bool in = false;
    first[0] = 0;
    for (const char *p = t; *p; p++) {
        if (*p == ' ') {
            in = false;
            continue;
        }
        if (!in) {
            nw++;
            in = true;
        }
        if (nw == 1 && k + 1 < firstlen) first[k++] = *p;
    }
    first[k] = 0;
    /* the cursor right after a space starts a new word */
    if (e->cur && e->buf[e->cur - 1] == ' ') nw++;
    if (nw == 0) nw = 1;
    free(t);
    return nw - 1;
}

static void tab_finish(struct console *c, struct nsinfo *ni)
{
    struct lineedit *e = ni->tab_in;
    char *now = le_text(e);
    bool same = ni->tab_text && strcmp(now, ni->tab_text) == 0;
    free(now);
    free(ni->tab_text);
    ni->tab_in = NULL;
    ni->tab_text = NULL;
    if (same) (void)prompt_complete(c, e); /* an empty word opened no picker then */
}

bool prompt_complete(struct console *c, struct lineedit *e)
{
    char first[32];
    size_t word = words_before(e, first, sizeof first);
    if (word == 0) {
        complete_from(c, e, "commands", commands, sizeof commands / sizeof commands[0]);
        return false;
    }
    bool at_start = le_word_start(e) == e->cur;
    if (strcmp(first, "ctx") == 0 || strcmp(first, "context") == 0) {
        if (word != 1) return false;
        if (at_start) {
            pick_open(c, true);
            return true;
        }
        struct kubeconfig *kc = contexts(c);
        size_t n = kc ? kubeconfig_context_count(kc) : 0;
        const char **names = xcalloc(n + 1, sizeof *names);
        for (size_t i = 0; i < n; i++) names[i] = kubeconfig_context_name(kc, i);
        qsort(names, n, sizeof *names, cmp_str);
        /* :ctx a,b: the name after the last comma completes, the names
         * before it stay (each candidate is the whole word) */
        char *typed = le_text_range(e, le_word_start(e), e->cur);
        char *comma = strrchr(typed, ',');
        char **whole = NULL;
        if (comma) {
            comma[1] = 0;
            whole = xcalloc(n + 1, sizeof *whole);
            for (size_t i = 0; i < n; i++) whole[i] = xasprintf("%s%s", typed, names[i]);
        }
        complete_from(c, e, "contexts", whole ? (const char *const *)whole : names, n);
        for (size_t i = 0; whole && i < n; i++) free(whole[i]);
        free(whole);
        free(typed);
        free(names);
        kubeconfig_free(kc);
    } else if (strcmp(first, "ns") == 0 || strcmp(first, "namespace") == 0) {
        if (word != 1) return false;
        if (at_start) {
            pick_open(c, false);
            return true;
        }
        struct nsinfo *ni = info(c);
        if (!ns_load(c)) {
            /* finished when the answer comes, if the line is still this one */
            free(ni->tab_text);
            ni->tab_in = e;
            ni->tab_text = le_text(e);
            console_say(c, false, "asking the cluster for its namespaces...");
            return false;
        }
        complete_from(c, e, ni->state == NS_CLUSTER ? "namespaces" : "namespaces seen in runs",
                      (const char *const *)ni->names, ni->n);
    } else if (strcmp(first, "runs") == 0) {
        char *w = le_text_range(e, le_word_start(e), e->cur);
        if (w[0] == '-') complete_from(c, e, "flags", runs_flags, sizeof runs_flags / sizeof runs_flags[0]);
        free(w);
    }
    return false;
}

/* ---- :runs ---- */

/* The value of a flag: "-l X", "-lX", "--selector=X", "--selector X". */
static const char *flag_value(const char *tok, const char *next, const char *shortf, const char *longf,
                              bool *used_next)
{
    *used_next = false;
    size_t ll = strlen(longf);
    if (strncmp(tok, longf, ll) == 0 && tok[ll] == '=') return tok + ll + 1;
    if (strcmp(tok, longf) == 0 || (shortf && strcmp(tok, shortf) == 0)) {
        *used_next = true;
        return next;
    }
    if (shortf && strncmp(tok, shortf, strlen(shortf)) == 0 && tok[strlen(shortf)])
        return tok + strlen(shortf) + (tok[strlen(shortf)] == '=');
    return NULL;
}

void runs_command(struct console *c, const char *args)
{
    char *copy = xstrdup(args ? args : "");
    char *toks[16];
    size_t nt = 0;
    for (char *save = NULL, *t = strtok_r(copy, " ", &save); t && nt < 16; t = strtok_r(NULL, " ", &save))
        toks[nt++] = t;
    const char *label = NULL, *field = NULL;
    for (size_t i = 0; i < nt; i++) {
        const char *next = i + 1 < nt ? toks[i + 1] : NULL;
        bool used = false;
        const char *v;
        if ((v = flag_value(toks[i], next, "-l", "--selector", &used)) != NULL || used) {
            label = v;
        } else if ((v = flag_value(toks[i], next, NULL, "--field-selector", &used)) != NULL || used) {
            field = v;
        } else {
            char *s = sanitize_str(toks[i], 0);
            console_say(c, true, ":runs takes -l SELECTOR and --field-selector SELECTOR, not '%s'", s);
            free(s);
            free(copy);
            return;
        }
        if (used && !next) {
            console_say(c, true, ":runs %s needs a selector, e.g. -l team=infra", toks[i]);
            free(copy);
            return;
        }
        if (used) i++;
        if ((label && !*label) || (field && !*field)) {
            console_say(c, true, ":runs: an empty selector");
            free(copy);
            return;
        }
    }
    if (c->conn == CONN_OFFLINE && (label || field)) {
        console_say(c, true, "selectors are evaluated by the API server; not while offline");
        free(copy);
        return;
    }
    free(c->label_selector);
    free(c->field_selector);
    c->label_selector = xstrdup(label);
    c->field_selector = xstrdup(field);
    console_switch(c, NULL, NULL, c->all_ns);
    if (label || field) {
        char msg[200];
        snprintf(msg, sizeof msg, "runs%s%s%s%s (selected by the API server)", label ? " -l " : "",
                 label ? label : "", field ? " --field-selector " : "", field ? field : "");
        char *s = sanitize_str(msg, 0);
        console_say(c, false, "%s", s);
        free(s);
    } else {
        console_say(c, false, "runs: no selector");
    }
    free(copy);
}
