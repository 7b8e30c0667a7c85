/* runsrc — runs for list/show/logs from the cluster and the history cache. */
#include "runsrc.h"
#include "runclass.h"
#include "kube/client.h"
#include "kube/kubeconfig.h"
#include "runs/logsrc.h"
#include "store/store.h"
#include "model/github.h"
#include "util/sanitize.h"
#include <strings.h>
#include "util/err.h"
#include "util/timeutil.h"
#include "util/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LIST_PAGE 2000

struct collect {
    struct run_set *set;
    size_t cap_views, cap_pods;
    bool runs_done, pods_done;
    bool runs_ok, pods_ok;
    long http;
    char err[ERRLEN];
    char perr[ERRLEN];
};

static void on_run_page(void *ud, cJSON *list)
{
    struct collect *c = ud;
    struct run_set *s = c->set;
    cJSON *items = cJSON_GetObjectItemCaseSensitive(list, "items");
    cJSON *it = items ? items->child : NULL;
    while (it) {
        cJSON *next = it->next;
        s->views = xgrow(s->views, &c->cap_views, s->n + 1, sizeof *s->views);
        struct run_view *v = &s->views[s->n];
        run_view_init(v);
        char e[ERRLEN];
        /* the item moves into the run: no copy of 5,000 objects */
        cJSON_DetachItemViaPointer(items, it);
        if (agentrun_parse_take(it, &v->run, e, sizeof e) != 0) {
            agentrun_free(&v->run);
            cJSON_Delete(it);
            it = next;
            continue; /* an item without a name cannot be listed */
        }
        it = next;
        v->run.context = xstrdup(s->context);
        s->n++;
    }
}

static void on_run_done(void *ud, const struct kube_result *res, const char *rv)
{
    struct collect *c = ud;
    c->runs_done = true;
    c->runs_ok = res->ok;
    c->http = res->http;
    if (!res->ok) snprintf(c->err, sizeof c->err, "%s", res->error ? res->error : "listing AgentRuns failed");
}

static void on_pod_page(void *ud, cJSON *list)
{
    struct collect *c = ud;
    struct run_set *s = c->set;
    const cJSON *it;
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(list, "items")) {
        s->pods = xgrow(s->pods, &c->cap_pods, s->npods + 1, sizeof *s->pods);
        char e[ERRLEN];
        if (pod_parse(it, &s->pods[s->npods], e, sizeof e) != 0) {
            pod_free(&s->pods[s->npods]);
            continue;
        }
        /* the raw copy is not needed by the run commands */
        cJSON_Delete(s->pods[s->npods].raw);
        s->pods[s->npods].raw = NULL;
        s->npods++;
    }
}

static void on_pod_done(void *ud, const struct kube_result *res, const char *rv)
{
    struct collect *c = ud;
    c->pods_done = true;
    c->pods_ok = res->ok;
    if (!res->ok) snprintf(c->perr, sizeof c->perr, "%s", res->error ? res->error : "listing pods failed");
}

/* ---- the history cache ---- */

struct store *runsrc_open_cache(const char *db, bool need, char *err, size_t errlen)
{
    char path[4096];
    if (db) {
        snprintf(path, sizeof path, "%s", db);
    } else if (store_default_path(path, sizeof path, err, errlen) != 0) {
        return NULL;
    }
    if (access(path, F_OK) != 0) {
        if (need) errf(err, errlen, "history cache %s does not exist (run `artriage sync` first)", path);
        return NULL;
    }
    struct store_opts o;
    store_opts_default(&o);
    o.read_only = true;
    return store_open(path, &o, err, errlen);
}

/* A cached run as a view (raw object when the cache has it, else the
 * columns the cache keeps). */
static bool view_from_store(struct store_run *sr, struct run_view *v)
{
    run_view_init(v);
    bool deleted = sr->deleted;
    if (!store_run_take_agentrun(sr, &v->run)) return false;
    struct agentrun *r = &v->run;
    if (!r->lane) {
        r->lane = xstrdup(r->name);
        free(r->attempt);
        r->attempt = xstrdup("");
    }
    v->deleted = deleted;
    return true;
}

static int cmp_uid(const void *a, const void *b)
{
    const struct store_run *x = a, *y = b;
    return strcmp(x->uid ? x->uid : "", y->uid ? y->uid : "");
}

static const struct store_run *cached_by_uid(const struct store_run_list *l, const char *uid)
{
    if (!uid || !l->n) return NULL;
    struct store_run key = {.uid = (char *)uid};
    return bsearch(&key, l->items, l->n, sizeof *l->items, cmp_uid);
}

/* Failure class and PR from the cache for one run (a failure or PR the
 * view has already stays). */
static void enrich_from_link(struct run_view *v, const struct store_link *k)
{
    const struct store_class *c = &k->verdict;
    if (!v->has_failure && c->cls) {
        run_view_set_failure(v, c->cls, c->line, c->container, c->rule, c->text);
        /* the passing run that verdict was made against (sync, record) */
        if (c->baseline_name && !v->baseline) v->baseline = xstrdup(c->baseline_name);
    }
    if (!v->has_pr && k->pr_url) {
        struct pr_link pr = {0};
        pr.url = k->pr_url;
        pr.repository = k->pr_repository;
        pr.number = k->pr_number;
        pr.source = k->pr_source;
        pr.line = -1;
        run_view_set_pr(v, &pr);
    }
    /* a PR found after the verdict (e.g. through GitHub) settles it */
    if (v->has_pr && v->has_failure && strcmp(v->failure.cls, CLASS_NO_PR) == 0)
        run_view_set_failure(v, NULL, -1, NULL, NULL, NULL);
}

/* A view to link with what the cache knows of its run: by index (the
 * views move as the set grows), with its pods when `pods`. */
struct link_req {
    size_t view;
    int64_t id;
    bool pods;
};

/* The cache's verdicts, PR links and (where asked) pods of the views in
 * lr, in a few queries for all of them (store_link_runs), not per run. */
static void link_cached(struct run_set *s, const struct link_req *lr, size_t n)
{
    if (!n || !s->store) return;
    int64_t *ids = xcalloc(n, sizeof *ids);
    bool pods = false;
    for (size_t i = 0; i < n; i++) {
        ids[i] = lr[i].id;
        pods |= lr[i].pods;
    }
    struct store_link_list l;
    char err[ERRLEN];
    int rc = store_link_runs(s->store, ids, n, STORE_LINK_FACTS | (pods ? STORE_LINK_PODS : 0u), &l, err, sizeof err);
    free(ids);
    if (rc != 0) {
        runs_note(&s->notes, "%s", err);
        return;
    }
    size_t pcap = s->npods;
    for (size_t i = 0; i < n; i++) {
        struct store_link *k = store_link_find(&l, lr[i].id);
        if (!k) continue;
        struct run_view *v = &s->views[lr[i].view];
        for (size_t p = 0; lr[i].pods && p < k->pods.n; p++) {
            s->pods = xgrow(s->pods, &pcap, s->npods + 1, sizeof *s->pods);
            store_pod_to_model(&k->pods.items[p], v->run.name, &s->pods[s->npods++]);
        }
        enrich_from_link(v, k);
    }
    store_link_list_free(&l);
}

/* True when the cache holds the agent-runner log of one of the run's
 * pods: then "no PR link" means the log had none. */
static const struct pod *pods_slice(struct run_set *s, const struct run_view *v, size_t *n);

static bool cache_saw_log(struct run_set *s, const struct run_view *v)
{
    size_t np;
    const struct pod *pods = pods_slice(s, v, &np);
    for (size_t i = 0; i < np; i++) {
        const struct pod *p = &pods[i];
        if (!p->uid || !p->run_name || strcmp(p->run_name, v->run.name) != 0) continue;
        const struct container_state *c = pod_main_container(p, RUNNER_CONTAINER);
        if (c && store_has_log(s->store, s->context ? s->context : "", p->uid, c->name, false)) return true;
    }
    return false;
}

static int cmp_pod_run(const void *a, const void *b)
{
    const struct pod *x = a, *y = b;
    int c = strcmp(x->run_name ? x->run_name : "", y->run_name ? y->run_name : "");
    if (c) return c;
    return strcmp(x->ns ? x->ns : "", y->ns ? y->ns : "");
}

/* Pods sorted by (run, namespace) once, so that each run finds its own
 * with a binary search instead of a scan of every pod. */
static void index_pods(struct run_set *s)
{
    if (s->npods > 1) qsort(s->pods, s->npods, sizeof *s->pods, cmp_pod_run);
}

static const struct pod *pods_slice(struct run_set *s, const struct run_view *v, size_t *n)
{
    *n = 0;
    if (!s->npods || !v->run.name) return NULL;
    struct pod key = {.run_name = v->run.name, .ns = v->run.ns};
    size_t lo = 0, hi = s->npods;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cmp_pod_run(&s->pods[mid], &key) < 0) lo = mid + 1;
        else hi = mid;
    }
    size_t end = lo;
    while (end < s->npods && cmp_pod_run(&s->pods[end], &key) == 0) end++;
    *n = end - lo;
    return *n ? &s->pods[lo] : NULL;
}

static void status_failure(struct run_set *s, struct run_view *v)
{
    if (v->has_failure) return;
    size_t np;
    const struct pod *pods = pods_slice(s, v, &np);
    runclass_from_status(s->rules, v, pods, np);
    if (v->has_failure) return;
    const char *container = NULL;
    const char *cls = run_status_failure(&v->run, pods, np, &container);
    if (cls) run_view_set_failure(v, cls, -1, container, "status", NULL);
}

static bool same(const char *a, const char *b);

/* lanes.md rule 1: a rerun joins the lane of the run it was made from
 * (followed through chains, within one context and namespace). */
static void resolve_lanes(struct run_set *s)
{
    for (size_t i = 0; i < s->n; i++) {
        struct run_view *v = &s->views[i];
        const struct run_view *cur = v;
        for (size_t step = 0; step < s->n && cur->run.rerun_of && *cur->run.rerun_of; step++) {
            const char *ref = cur->run.rerun_of;
            const char *slash = strchr(ref, '/');
            const char *name = slash ? slash + 1 : ref;
            size_t nsl = slash ? (size_t)(slash - ref) : 0;
            const struct run_view *parent = NULL;
            for (size_t k = 0; k < s->n && !parent; k++) {
                const struct run_view *x = &s->views[k];
                if (x == cur || !same(x->run.context, v->run.context) || !same(x->run.name, name)) continue;
                if (slash ? !(x->run.ns && strlen(x->run.ns) == nsl && strncmp(x->run.ns, ref, nsl) == 0)
                          : !same(x->run.ns, cur->run.ns))
                    continue;
                parent = x;
            }
            if (!parent || !same(parent->run.ns, v->run.ns)) break;
            cur = parent;
        }
        if (cur != v && !same(cur->run.lane, v->run.lane)) {
            free(v->run.lane);
            v->run.lane = xstrdup(cur->run.lane);
        }
    }
}

static int load_offline(const struct runs_opts *ro, const struct runsrc_opts *o, struct run_set *s, char *err,
                        size_t errlen)
{
    s->offline = true;
    if (!s->store) {
        s->store = runsrc_open_cache(ro->db, true, err, errlen);
        if (!s->store) return -1;
    }
    struct store_query q;
    store_query_init(&q);
    q.context = s->context;
    q.ns = s->ns;
    q.include_deleted = true;
    struct store_run_list l = {0};
    if (store_list_runs(s->store, &q, &l, err, errlen) != 0) return -1;
    size_t cap = 0;
    struct link_req *lr = xcalloc(l.n ? l.n : 1, sizeof *lr);
    size_t nlr = 0;
    for (size_t i = 0; i < l.n; i++) {
        s->views = xgrow(s->views, &cap, s->n + 1, sizeof *s->views);
        struct run_view *v = &s->views[s->n];
        if (!view_from_store(&l.items[i], v)) continue;
        lr[nlr++] = (struct link_req){s->n, l.items[i].id, o->with_pods};
        s->n++;
    }
    link_cached(s, lr, nlr);
    free(lr);
    resolve_lanes(s);
    index_pods(s);
    for (size_t i = 0; i < s->n; i++) {
        struct run_view *v = &s->views[i];
        size_t np;
        const struct pod *pods = pods_slice(s, v, &np);
        run_view_set_image(v, pods, np);
        status_failure(s, v);
        if (cache_saw_log(s, v)) run_view_apply_no_pr(v);
    }
    store_run_list_free(&l);
    return 0;
}

static int load_live(const struct runsrc_opts *o, struct run_set *s,
                     struct kube_client *kc, long *http, char *err, size_t errlen)
{
    struct collect c = {.set = s};
    struct kube_list_opts lo = {
        .res = &KUBE_AGENTRUNS, .ns = s->ns, .page_size = LIST_PAGE,
        .label_selector = o->label_selector, .field_selector = o->field_selector,
        .on_page = on_run_page, .on_done = on_run_done, .ud = &c,
    };
    struct kube_list *lr = kube_list_start(kc, &lo);
    struct kube_list *lp = NULL;
    if (o->with_pods) {
        struct kube_list_opts po = {
            .res = &KUBE_PODS, .ns = s->ns, .label_selector = RUN_LABEL, .page_size = LIST_PAGE,
            .on_page = on_pod_page, .on_done = on_pod_done, .ud = &c,
        };
        lp = kube_list_start(kc, &po);
    } else {
        c.pods_done = c.pods_ok = true;
    }
    (void)lr;
    (void)lp;
    while (!(c.runs_done && c.pods_done)) {
        if (kube_client_wait(kc, NULL, 0, 1000) != 0) break;
        kube_client_perform(kc);
    }
    *http = c.http;
    if (!c.runs_done || !c.runs_ok) {
        if (!c.runs_done) kube_list_cancel(lr);
        if (lp && !c.pods_done) kube_list_cancel(lp);
        return errf(err, errlen, "%s", c.err[0] ? c.err : "listing AgentRuns did not finish");
    }
    if (!c.pods_ok) {
        /* Pods only add image and digest: say so, keep the runs. */
        runs_note(&s->notes, "%s; images and digests are not shown", c.perr);
    }
    return 0;
}

int runsrc_load(const struct runs_opts *ro, const struct runsrc_opts *o, struct run_set *out, char *err,
                size_t errlen)
{
    memset(out, 0, sizeof *out);
    struct kubeconfig *kc = NULL;
    struct kube_config *cfg = NULL;
    char kerr[ERRLEN] = "";
    /* The kubeconfig is read even offline, for the context and namespace. */
    if (kubeconfig_load(ro->kubeconfig, &kc, kerr, sizeof kerr) == 0 &&
        kubeconfig_resolve(kc, ro->context, ro->ns, &cfg, kerr, sizeof kerr) == 0) {
        out->context = xstrdup(cfg->context);
        out->ns = o->ns ? xstrdup(o->ns) : o->all_namespaces ? NULL : xstrdup(cfg->ns);
        out->server = xstrdup(cfg->server);
    } else if (!ro->offline) {
        kubeconfig_free(kc);
        return errf(err, errlen, "%s", kerr);
    } else {
        out->context = ro->context ? xstrdup(ro->context) : NULL;
        out->ns = o->ns ? xstrdup(o->ns) : o->all_namespaces || !ro->ns ? NULL : xstrdup(ro->ns);
    }
    kubeconfig_free(kc);

    char rerr[ERRLEN];
    out->rules = runclass_load(ro->rules_dir, &out->rule_warnings, rerr, sizeof rerr);
    /* Without rules the failure comes from the status table alone. */
    if (!out->rules) runs_note(&out->notes, "classifier unavailable (%s)", rerr);
    char cerr[ERRLEN] = "";
    out->store = runsrc_open_cache(ro->db, false, cerr, sizeof cerr);
    if (!out->store && cerr[0] && ro->offline) {
        kube_config_free(cfg);
        return errf(err, errlen, "%s", cerr);
    }
    bool selecting = o->label_selector || o->field_selector;
    if (ro->offline && selecting) {
        kube_config_free(cfg);
        return errf(err, errlen, "selectors are evaluated by the API server; not with --offline");
    }
    if (ro->offline) {
        kube_config_free(cfg);
        return load_offline(ro, o, out, err, errlen);
    }

    if (kube_client_new(cfg, &out->kube, err, errlen) != 0) {
        kube_config_free(cfg);
        return -1;
    }
    kube_config_free(cfg);
    /* what the client withholds or does not check, said once */
    if (kube_client_notice_plain_http(out->kube)) runs_note(&out->notes, "%s", kube_client_notice_plain_http(out->kube));
    if (kube_client_notice_insecure(out->kube)) runs_note(&out->notes, "%s", kube_client_notice_insecure(out->kube));
    /* the CLI answers within the budget, however many requests it makes */
    kube_client_set_deadline(out->kube, time_mono_ms() + KUBE_REQUEST_BUDGET_S * 1000);
    long http = 0;
    if (load_live(o, out, out->kube, &http, err, errlen) != 0) {
        if (http == 0 && out->store) {
            /* The cluster was not reached: a failure (exit 1), so that no
             * script takes cache data, or nothing, for the cluster's answer;
             * the line says where the cache can be read on purpose. */
            size_t n = strlen(err);
            snprintf(err + n, errlen > n ? errlen - n : 0,
                     "; nothing printed (the history cache %s can be read with --offline)", store_path(out->store));
        }
        return -1;
    }

    /* Enrich from the cache; add runs the server no longer has. */
    struct store_run_list l = {0};
    if (out->store) {
        struct store_query q;
        store_query_init(&q);
        q.context = out->context;
        q.ns = out->ns;
        q.include_deleted = true;
        char e2[ERRLEN];
        if (store_list_runs(out->store, &q, &l, e2, sizeof e2) != 0) {
            runs_note(&out->notes, "%s", e2);
            memset(&l, 0, sizeof l);
        }
        if (l.n) qsort(l.items, l.n, sizeof *l.items, cmp_uid);
    }
    size_t live_n = out->n;
    if (l.n) {
        bool *seen = xcalloc(l.n, 1);
        struct link_req *lr = xcalloc(live_n + l.n, sizeof *lr);
        size_t nlr = 0;
        for (size_t i = 0; i < live_n; i++) {
            const struct store_run *sr = cached_by_uid(&l, out->views[i].run.uid);
            if (!sr) continue;
            seen[sr - l.items] = true;
            if (agentrun_is_terminal(&out->views[i].run)) lr[nlr++] = (struct link_req){i, sr->id, false};
        }
        /* a selector is the server's: runs it no longer has cannot be judged */
        if (o->with_deleted && !selecting) {
            size_t cap = out->n;
            for (size_t k = 0; k < l.n; k++) {
                if (seen[k]) continue;
                out->views = xgrow(out->views, &cap, out->n + 1, sizeof *out->views);
                struct run_view *v = &out->views[out->n];
                if (!view_from_store(&l.items[k], v)) continue;
                v->deleted = true; /* not on the server any more */
                lr[nlr++] = (struct link_req){out->n, l.items[k].id, true};
                out->n++;
            }
        }
        link_cached(out, lr, nlr);
        free(lr);
        free(seen);
    }
    store_run_list_free(&l);

    resolve_lanes(out);
    index_pods(out);
    for (size_t i = 0; i < out->n; i++) {
        struct run_view *v = &out->views[i];
        size_t np;
        const struct pod *pods = pods_slice(out, v, &np);
        run_view_set_image(v, pods, np);
        status_failure(out, v);
        if (out->store && cache_saw_log(out, v)) run_view_apply_no_pr(v);
    }
    return 0;
}

void runsrc_free(struct run_set *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->n; i++) run_view_free(&s->views[i]);
    free(s->views);
    for (size_t i = 0; i < s->npods; i++) pod_free(&s->pods[i]);
    free(s->pods);
    free(s->context);
    free(s->ns);
    free(s->server);
    if (s->kube) kube_client_free(s->kube);
    if (s->store) store_close(s->store);
    runclass_forget(s);
    classify_rules_free(s->rules);
    buf_free(&s->rule_warnings);
    runs_notes_free(&s->notes);
    memset(s, 0, sizeof *s);
}

struct run_view *runsrc_find(struct run_set *s, const char *run)
{
    const char *slash = strchr(run, '/');
    const char *name = slash ? slash + 1 : run;
    size_t nsl = slash ? (size_t)(slash - run) : 0;
    struct run_view *best = NULL;
    for (size_t i = 0; i < s->n; i++) {
        struct run_view *v = &s->views[i];
        if (!v->run.name || strcmp(v->run.name, name) != 0) continue;
        if (slash && !(v->run.ns && strlen(v->run.ns) == nsl && strncmp(v->run.ns, run, nsl) == 0)) continue;
        /* a live run beats a deleted one of the same name */
        if (!best || (best->deleted && !v->deleted) ||
            (best->deleted == v->deleted && v->run.created > best->run.created))
            best = v;
    }
    return best;
}

static bool same(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

const struct run_view **runsrc_lane(struct run_set *s, const struct run_view *v, size_t *n)
{
    const struct run_view **out = xcalloc(s->n + 1, sizeof *out);
    size_t k = 0;
    for (size_t i = 0; i < s->n; i++) {
        const struct run_view *x = &s->views[i];
        if (same(x->run.lane, v->run.lane) && same(x->run.ns, v->run.ns) && same(x->run.context, v->run.context))
            out[k++] = x;
    }
    *n = k;
    return out;
}

static int cmp_pod_newest(const void *a, const void *b)
{
    const struct pod *x = *(const struct pod *const *)a, *y = *(const struct pod *const *)b;
    if (x->created != y->created) return x->created > y->created ? -1 : 1;
    return strcmp(y->name, x->name);
}

const struct pod **runsrc_pods_of(struct run_set *s, const struct run_view *v, size_t *n)
{
    const struct pod **out = xcalloc(s->npods + 1, sizeof *out);
    size_t k = 0;
    for (size_t i = 0; i < s->npods; i++)
        if (s->pods[i].run_name && same(s->pods[i].run_name, v->run.name) && same(s->pods[i].ns, v->run.ns))
            out[k++] = &s->pods[i];
    qsort(out, k, sizeof *out, cmp_pod_newest);
    *n = k;
    return out;
}

long long runsrc_cache_id(struct run_set *s, const struct run_view *v)
{
    if (!s->store) return 0;
    struct store_run r;
    char err[ERRLEN];
    memset(&r, 0, sizeof r);
    long long id = 0;
    if (store_get_run(s->store, v->run.context, v->run.ns, v->run.name, &r, err, sizeof err) == 1) id = r.id;
    store_run_free(&r);
    return id;
}

#define SETTLE_LOG_MAX ((size_t)64 << 20) /* bytes of log scanned for the PR and cause */
#define GITHUB_TIMEOUT_MS 8000

struct scan_ud {
    struct pr_scan *pr;
    struct classify_ctx *cls;
    size_t bytes;
};

static int scan_chunk(void *ud, const char *data, size_t n)
{
    struct scan_ud *s = ud;
    pr_scan_feed(s->pr, data, n);
    if (s->cls) classify_feed(s->cls, data, n);
    s->bytes += n;
    return s->bytes > SETTLE_LOG_MAX;
}

/* Keeps a PR GitHub named in the history cache (when there is one and it
 * knows the run), so later list/--offline calls show it without asking. */
static void cache_pr(struct run_set *set, const struct run_view *v, const struct pr_link *pr)
{
    if (!set->store || !pr->url) return;
    long long id = runsrc_cache_id(set, v);
    if (!id) return;
    char err[ERRLEN];
    struct store_opts o;
    store_opts_default(&o);
    struct store *w = store_open(store_path(set->store), &o, err, sizeof err);
    if (w && store_put_pr(w, id, pr->url, pr->number, pr->repository, "github", TIME_NONE, time_now_ms(),
                          err, sizeof err) == 0) {
        store_close(w);
        return;
    }
    if (w) store_close(w);
    runs_note(&set->notes, "%s", err);
}

/* PR and failure from the log, then the PR from GitHub; returns true
 * when some PR source was read. */
static bool link_pr(struct run_set *set, struct run_view *v, bool github)
{
    bool looked = false;
    char pod[256], cont[256], err[ERRLEN];
    struct pr_scan *sc = pr_scan_new(v->run.repository, "log");
    struct scan_ud ud = {sc, runclass_begin(set->rules, v, set->pods, set->npods), 0};
    /* lines the passing run also printed are not the cause (show, and
     * list's cold-cache settle: one baseline log read per lane, kept by
     * runclass); a baseline the cache named stays if no log is read */
    char *prior = v->baseline ? xstrdup(v->baseline) : NULL;
    const struct classify_baseline *base = ud.cls ? runclass_baseline(set, v) : NULL;
    if (base) classify_set_baseline(ud.cls, base);
    /* The pod and container are known once the read is done: the
     * source is named afterwards. */
    if (runsrc_read_log(set, v, NULL, NULL, false, false, scan_chunk, &ud, pod, cont, err, sizeof err) == 0) {
        looked = true;
        pr_scan_finish(sc);
        /* the log's verdict replaces one made from the status alone */
        runclass_end(ud.cls, v, cont);
        ud.cls = NULL;
        struct pr_link pr;
        if (pr_scan_result(sc, &pr)) {
            free(pr.source);
            pr.source = xasprintf("log:%s/%s:line %lld", pod, cont, (long long)pr.line);
            run_view_set_pr(v, &pr);
            pr_link_free(&pr);
        }
    }
    pr_scan_free(sc);
    if (ud.cls) {
        classify_free(ud.cls);
        /* no log read: no verdict was compared with this baseline */
        free(v->baseline);
        v->baseline = prior;
        prior = NULL;
    }
    free(prior);

    if (!github) return looked;
    struct gh_client *g = gh_client_new(NULL, NULL);
    if (gh_client_enabled(g) && v->run.repository && v->run.head) {
        struct pr_link pr;
        int rc = gh_lookup_sync(g, v->run.repository, v->run.head, GITHUB_TIMEOUT_MS, &pr, err, sizeof err);
        if (rc < 0) {
            runs_note(&set->notes, "%s", err);
        } else {
            looked = true;
            if (rc == 1) {
                cache_pr(set, v, &pr);
                if (!v->has_pr) {
                    run_view_set_pr(v, &pr);
                } else if (v->pr.number == pr.number && v->pr.repository && pr.repository &&
                           strcasecmp(v->pr.repository, pr.repository) == 0) {
                    free(v->pr.state);
                    v->pr.state = xstrdup(pr.state);
                    free(v->pr.head_sha);
                    v->pr.head_sha = xstrdup(pr.head_sha);
                }
                pr_link_free(&pr);
            }
        }
    }
    gh_client_free(g);
    return looked;
}

bool runsrc_settle(struct run_set *s, struct run_view *v, bool github)
{
    bool looked = link_pr(s, v, github);
    if (looked) run_view_apply_no_pr(v);
    return looked;
}

/* True when the cache holds a verdict on the run (classification made by
 * sync or the console): its failure and PR then come from there. */
static bool cache_has_verdict(struct run_set *s, const struct run_view *v)
{
    long long id = runsrc_cache_id(s, v);
    if (!id) return false;
    struct store_class sc;
    memset(&sc, 0, sizeof sc);
    char err[ERRLEN];
    int got = store_get_classification(s->store, id, &sc, err, sizeof err);
    store_class_free(&sc);
    return got == 1;
}

size_t runsrc_settle_unknown(struct run_set *s, const struct run_view *const *views, size_t n)
{
    size_t read = 0;
    if (!s->kube) return 0;
    for (size_t i = 0; i < n; i++) {
        struct run_view *v = (struct run_view *)views[i];
        if (v->deleted || !agentrun_is_terminal(&v->run)) continue;
        size_t np;
        const struct pod *pods = pods_slice(s, v, &np);
        bool has_log = false;
        for (size_t k = 0; k < np && !has_log; k++) has_log = pod_main_container(&pods[k], RUNNER_CONTAINER) != NULL;
        if (!has_log) continue;
        if (s->store && cache_has_verdict(s, v)) continue;
        if (runsrc_settle(s, v, false)) read++;
    }
    return read;
}

/* A live log through the one log source (runs/logsrc.h), handed on in
 * slices of whole lines. */
struct log_sink {
    runsrc_log_fn fn;
    void *ud;
    struct buf slice;
    bool stopped, done, ok;
    long http;
    char err[ERRLEN];
};

static int sink_flush(struct log_sink *k)
{
    if (k->slice.len && k->fn(k->ud, k->slice.p, k->slice.len) != 0) k->stopped = true;
    buf_reset(&k->slice);
    return k->stopped;
}

static int sink_line(void *ud, const struct logsrc_line *l)
{
    struct log_sink *k = ud;
    buf_append(&k->slice, l->text, l->len);
    if (l->newline) buf_append(&k->slice, "\n", 1);
    return k->slice.len >= ((size_t)64 << 10) ? sink_flush(k) : 0;
}

static void sink_end(void *ud, const struct logsrc_end *e)
{
    struct log_sink *k = ud;
    k->done = true;
    k->ok = e->ok;
    k->http = e->http;
    if (!e->ok) snprintf(k->err, sizeof k->err, "%s", e->error ? e->error : "reading the log failed");
}

static int read_cached_log(struct run_set *s, const struct run_view *v, const char *pod, const char *container,
                           bool previous, runsrc_log_fn fn, void *ud, char *used_pod, char *used_container,
                           char *err, size_t errlen)
{
    if (!s->store) return errf(err, errlen, "no log of run %s: its pods are gone and there is no history cache", v->run.name);
    long long id = runsrc_cache_id(s, v);
    if (!id) return errf(err, errlen, "no log of run %s: its pods are gone and the history cache %s never saw it",
                         v->run.name, store_path(s->store));
    struct store_log lg;
    memset(&lg, 0, sizeof lg);
    int rc = store_get_log(s->store, id, pod, container ? container : RUNNER_CONTAINER, previous, &lg, err, errlen);
    if (rc == 0 && !container) rc = store_get_log(s->store, id, pod, NULL, previous, &lg, err, errlen);
    if (rc < 0) return -1;
    if (rc == 0) {
        store_log_free(&lg);
        return errf(err, errlen, "no %slog of run %s%s%s in the history cache %s", previous ? "previous " : "",
                    v->run.name, container ? " container " : "", container ? container : "", store_path(s->store));
    }
    snprintf(used_pod, 254, "%s", lg.pod ? lg.pod : "");
    snprintf(used_container, 254, "%s", lg.container ? lg.container : "");
    if (lg.len) fn(ud, lg.data, lg.len);
    store_log_free(&lg);
    return 0;
}

const struct pod *runsrc_log_pod(struct run_set *s, const struct run_view *v, const char *pod, const char *container,
                                 const struct container_state **out)
{
    size_t np = 0;
    const struct pod **pods = runsrc_pods_of(s, v, &np);
    const struct pod *chosen = NULL;
    *out = NULL;
    for (size_t i = 0; i < np && !chosen; i++) {
        if (pod && strcmp(pods[i]->name, pod) != 0) continue;
        const struct container_state *c = NULL;
        if (container) {
            for (size_t k = 0; k < pods[i]->ncontainers; k++)
                if (pods[i]->containers[k].name && strcmp(pods[i]->containers[k].name, container) == 0)
                    c = &pods[i]->containers[k];
        } else {
            c = pod_main_container(pods[i], RUNNER_CONTAINER);
        }
        if (c) {
            chosen = pods[i];
            *out = c;
        }
    }
    free(pods);
    return chosen;
}

int runsrc_read_log(struct run_set *s, const struct run_view *v, const char *pod, const char *container,
                    bool previous, bool follow, runsrc_log_fn fn, void *ud, char *used_pod,
                    char *used_container, char *err, size_t errlen)
{
    used_pod[0] = used_container[0] = 0;
    const struct container_state *cs = NULL;
    const struct pod *chosen = runsrc_log_pod(s, v, pod, container, &cs);
    if (!chosen || !s->kube || v->deleted)
        return read_cached_log(s, v, pod, container, previous, fn, ud, used_pod, used_container, err, errlen);
    snprintf(used_pod, 254, "%s", chosen->name);
    snprintf(used_container, 254, "%s", cs->name);
    struct log_sink k = {.fn = fn, .ud = ud};
    struct logsrc_spec sp = {
        .kube = s->kube, .ns = chosen->ns ? chosen->ns : v->run.ns, .pod = chosen->name, .container = cs->name,
        .previous = previous, .follow = follow, .on_line = sink_line, .on_end = sink_end, .ud = &k,
    };
    /* Streamed on the client's loop: whole lines reach fn as they come,
     * so a followed log and a large one need no buffer. */
    struct logsrc *ls = logsrc_start(&sp);
    logsrc_wait(s->kube, &ls, 1, NULL, NULL);
    logsrc_free(ls);
    if (!k.stopped) sink_flush(&k);
    buf_free(&k.slice);
    if (k.stopped) return 0;
    if (!k.done) return errf(err, errlen, "reading the log of pod %s container %s did not finish", chosen->name, cs->name);
    if (!k.ok) {
        /* The pod may have just been removed: the cache may still have it. */
        if (k.http == 404 && s->store &&
            read_cached_log(s, v, chosen->name, cs->name, previous, fn, ud, used_pod, used_container, err, errlen) == 0)
            return 0;
        return errf(err, errlen, "%s", k.err);
    }
    return 0;
}
