/* linkage — image, PR and attempt links between runs (see linkage.h). */
#include "model/linkage.h"
#include "util/buf.h"
#include "util/timeutil.h"
#include "util/xalloc.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- image and digest ---- */

bool linkage_runner_image(const struct pod *pods, size_t npods, const char *run_name,
                          struct run_image *out)
{
    memset(out, 0, sizeof *out);
    const struct pod *best = NULL;
    const struct container_state *bestc = NULL;
    for (size_t i = 0; i < npods; i++) {
        const struct pod *p = &pods[i];
        if (run_name && (!p->run_name || strcmp(p->run_name, run_name) != 0)) continue;
        const struct container_state *c = pod_main_container(p, RUNNER_CONTAINER);
        if (!c || (!c->image && !c->digest)) continue;
        /* Newest pod wins; a pod with a digest beats one without at the
         * same time (a Pending retry has no imageID yet). */
        int64_t t = p->created, bt = best ? best->created : 0;
        if (!best || t > bt || (t == bt && c->digest && !bestc->digest) ||
            (t == bt && !!c->digest == !!bestc->digest && strcmp(p->name, best->name) > 0)) {
            best = p;
            bestc = c;
        }
    }
    if (!best) return false;
    out->pod = best;
    out->container = bestc;
    out->image = bestc->image;
    out->digest = bestc->digest;
    return true;
}

void linkage_short_digest(const char *digest, char *out, size_t outlen)
{
    if (!outlen) return;
    out[0] = 0;
    if (!digest || !*digest) return;
    const char *colon = strchr(digest, ':');
    if (colon && (size_t)(colon - digest) == 6 && strncmp(digest, "sha256", 6) == 0)
        snprintf(out, outlen, "%.12s", colon + 1);
    else if (colon)
        snprintf(out, outlen, "%.*s:%.12s", (int)(colon - digest) > 16 ? 16 : (int)(colon - digest),
                 digest, colon + 1);
    else
        snprintf(out, outlen, "%.12s", digest);
}

bool linkage_image_commit(const char *image, char *out, size_t outlen)
{
    if (outlen) out[0] = 0;
    if (!image) return false;
    size_t len = strcspn(image, "@");
    const char *slash = NULL;
    for (size_t i = 0; i < len; i++)
        if (image[i] == '/') slash = image + i;
    const char *last = slash ? slash + 1 : image;
    const char *colon = memchr(last, ':', len - (size_t)(last - image));
    if (!colon) return false;
    const char *tag = colon + 1;
    size_t tl = len - (size_t)(tag - image);
    if (tl > 4 && (strncmp(tag, "sha-", 4) == 0 || strncmp(tag, "git-", 4) == 0)) {
        tag += 4;
        tl -= 4;
    }
    if (tl < 7 || tl > 40) return false;
    bool letter = false;
    for (size_t i = 0; i < tl; i++) {
        char c = tag[i];
        if (c >= 'a' && c <= 'f') letter = true;
        else if (!(c >= '0' && c <= '9')) return false;
    }
    if (!letter) return false;
    if (outlen) snprintf(out, outlen, "%.*s", (int)tl, tag);
    return true;
}

/* ---- pull requests ---- */

void pr_link_free(struct pr_link *p)
{
    if (!p) return;
    free(p->url);
    free(p->repository);
    free(p->source);
    free(p->state);
    free(p->head_sha);
    memset(p, 0, sizeof *p);
    p->number = -1;
    p->line = -1;
}

void pr_link_copy(struct pr_link *dst, const struct pr_link *src)
{
    dst->url = xstrdup(src->url);
    dst->repository = xstrdup(src->repository);
    dst->number = src->number;
    dst->source = xstrdup(src->source);
    dst->state = xstrdup(src->state);
    dst->head_sha = xstrdup(src->head_sha);
    dst->line = src->line;
}

static const char GH_PREFIX[] = "https://github.com/";
#define GH_PREFIX_LEN (sizeof GH_PREFIX - 1)
#define NAME_PART_MAX 100
#define PR_DIGITS_MAX 9

static bool name_char(unsigned char c)
{
    return isalnum(c) || c == '_' || c == '.' || c == '-';
}

enum { URL_OK, URL_BAD, URL_MORE };

/* Parses OWNER/REPO/pull/N at p[0..n) (after the prefix). `final`: no
 * more bytes will come. On URL_OK, *end is the length consumed. */
static int parse_tail(const char *p, size_t n, bool final, size_t *end, size_t *owner_len,
                      size_t *repo_len, int64_t *number)
{
    size_t i = 0, k;
    for (k = 0; i < n && name_char((unsigned char)p[i]) && k <= NAME_PART_MAX; i++, k++) {}
    if (i == n) return final ? URL_BAD : URL_MORE;
    if (k == 0 || k > NAME_PART_MAX || p[i] != '/') return URL_BAD;
    *owner_len = k;
    i++;
    size_t rs = i;
    for (k = 0; i < n && name_char((unsigned char)p[i]) && k <= NAME_PART_MAX; i++, k++) {}
    if (i == n) return final ? URL_BAD : URL_MORE;
    if (k == 0 || k > NAME_PART_MAX || p[i] != '/') return URL_BAD;
    *repo_len = i - rs;
    i++;
    static const char pull[] = "pull/";
    for (k = 0; k < 5; k++, i++) {
        if (i == n) return final ? URL_BAD : URL_MORE;
        if (p[i] != pull[k]) return URL_BAD;
    }
    int64_t num = 0;
    for (k = 0; i < n && p[i] >= '0' && p[i] <= '9'; i++, k++) {
        if (k >= PR_DIGITS_MAX) return URL_BAD;
        num = num * 10 + (p[i] - '0');
    }
    if (i == n && !final) return URL_MORE;
    if (k == 0 || num == 0) return URL_BAD;
    *end = i;
    *number = num;
    return URL_OK;
}

int pr_link_parse_url(const char *url, struct pr_link *out)
{
    memset(out, 0, sizeof *out);
    out->number = out->line = -1;
    if (!url || strncmp(url, GH_PREFIX, GH_PREFIX_LEN) != 0) return -1;
    const char *t = url + GH_PREFIX_LEN;
    size_t n = strlen(t), end, ol, rl;
    int64_t num;
    if (parse_tail(t, n, true, &end, &ol, &rl, &num) != URL_OK || end != n) return -1;
    out->url = xstrdup(url);
    out->repository = xstrndup(t, ol + 1 + rl);
    out->number = num;
    return 0;
}

struct pr_scan {
    char *prefer;
    char *source_prefix;
    struct buf pend;       /* unconsumed bytes (bounded) */
    int64_t line;          /* line number of pend's first byte */
    struct pr_link last, last_pref;
    bool has_last, has_pref;
    size_t count;
    bool finished;
};

struct pr_scan *pr_scan_new(const char *repository, const char *source_prefix)
{
    struct pr_scan *s = xcalloc(1, sizeof *s);
    s->prefer = repository && *repository ? xstrdup(repository) : NULL;
    s->source_prefix = xstrdup(source_prefix ? source_prefix : "log");
    s->line = 1;
    pr_link_free(&s->last);
    pr_link_free(&s->last_pref);
    return s;
}

static int64_t count_nl(const char *p, size_t n)
{
    int64_t c = 0;
    const char *e = p + n;
    while (p < e && (p = memchr(p, '\n', (size_t)(e - p)))) {
        c++;
        p++;
    }
    return c;
}

static void record(struct pr_scan *s, const char *t, size_t ol, size_t rl, int64_t num, int64_t line)
{
    struct pr_link l = {0};
    l.repository = xstrndup(t, ol + 1 + rl);
    l.number = num;
    l.url = xasprintf("%s%s/pull/%lld", GH_PREFIX, l.repository, (long long)num);
    l.source = xasprintf("%s:line %lld", s->source_prefix, (long long)line);
    l.line = line;
    s->count++;
    bool pref = s->prefer && strcasecmp(l.repository, s->prefer) == 0;
    if (pref) {
        pr_link_free(&s->last_pref);
        pr_link_copy(&s->last_pref, &l);
        s->has_pref = true;
    }
    pr_link_free(&s->last);
    s->last = l;
    s->has_last = true;
}

static void scan(struct pr_scan *s, bool final)
{
    const char *p = s->pend.p;
    size_t n = s->pend.len, i = 0;
    while (i < n) {
        const char *m = memmem(p + i, n - i, GH_PREFIX, GH_PREFIX_LEN);
        if (!m) {
            /* keep a tail that may be the start of the prefix */
            size_t keep = final ? 0 : (n - i < GH_PREFIX_LEN - 1 ? n - i : GH_PREFIX_LEN - 1);
            s->line += count_nl(p + i, n - i - keep);
            i = n - keep;
            break;
        }
        size_t at = (size_t)(m - p);
        s->line += count_nl(p + i, at - i);
        i = at;
        const char *t = m + GH_PREFIX_LEN;
        size_t end, ol, rl;
        int64_t num;
        int r = parse_tail(t, n - at - GH_PREFIX_LEN, final, &end, &ol, &rl, &num);
        if (r == URL_MORE) break; /* wait for more bytes; pend stays bounded */
        if (r == URL_OK) {
            record(s, t, ol, rl, num, s->line);
            i = at + GH_PREFIX_LEN + end;
        } else {
            i = at + GH_PREFIX_LEN;
        }
    }
    buf_consume(&s->pend, i);
}

void pr_scan_feed(struct pr_scan *s, const void *data, size_t n)
{
    if (!s || s->finished || !n) return;
    buf_append(&s->pend, data, n);
    scan(s, false);
}

void pr_scan_finish(struct pr_scan *s)
{
    if (!s || s->finished) return;
    scan(s, true);
    s->finished = true;
}

int pr_scan_result(const struct pr_scan *s, struct pr_link *out)
{
    memset(out, 0, sizeof *out);
    out->number = out->line = -1;
    if (!s) return 0;
    if (s->has_pref) pr_link_copy(out, &s->last_pref);
    else if (s->has_last) pr_link_copy(out, &s->last);
    else return 0;
    return 1;
}

size_t pr_scan_count(const struct pr_scan *s)
{
    return s ? s->count : 0;
}

void pr_scan_free(struct pr_scan *s)
{
    if (!s) return;
    free(s->prefer);
    free(s->source_prefix);
    buf_free(&s->pend);
    pr_link_free(&s->last);
    pr_link_free(&s->last_pref);
    free(s);
}

/* ---- lanes and attempts ---- */

static bool same_str(const char *a, const char *b)
{
    if (!a) a = "";
    if (!b) b = "";
    return strcmp(a, b) == 0;
}

static struct agentrun *find_run(struct agentrun *runs, size_t n, const char *context, const char *ref,
                                 const char *def_ns)
{
    const char *slash = strchr(ref, '/');
    size_t nsl = slash ? (size_t)(slash - ref) : 0;
    const char *name = slash ? slash + 1 : ref;
    for (size_t i = 0; i < n; i++) {
        struct agentrun *r = &runs[i];
        if (!same_str(r->context, context) || !r->name || strcmp(r->name, name) != 0) continue;
        if (slash ? !(r->ns && strlen(r->ns) == nsl && strncmp(r->ns, ref, nsl) == 0)
                  : !same_str(r->ns, def_ns))
            continue;
        return r;
    }
    return NULL;
}

void linkage_resolve_lanes(struct agentrun *runs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct agentrun *r = &runs[i];
        struct agentrun *cur = r;
        /* Follow rerun-of to the root, at most n steps (cycles end it). */
        for (size_t step = 0; step < n && cur->rerun_of && *cur->rerun_of; step++) {
            struct agentrun *parent = find_run(runs, n, cur->context, cur->rerun_of, cur->ns);
            if (!parent || parent == cur) break;
            if (!same_str(parent->ns, r->ns)) break; /* lanes never span namespaces */
            cur = parent;
        }
        if (cur != r && cur->lane && !same_str(cur->lane, r->lane)) {
            free(r->lane);
            r->lane = xstrdup(cur->lane);
        }
    }
}

static int member_cmp(const void *a, const void *b)
{
    const struct chain_entry *x = a, *y = b;
    int64_t tx = x->m.run->created, ty = y->m.run->created;
    /* unknown creation times sort last */
    if (tx != ty) {
        if (tx == TIME_NONE) return 1;
        if (ty == TIME_NONE) return -1;
        return tx < ty ? -1 : 1;
    }
    return strcmp(x->m.run->name ? x->m.run->name : "", y->m.run->name ? y->m.run->name : "");
}

static bool differs_known(const char *a, const char *b)
{
    return a && b && *a && *b && strcmp(a, b) != 0;
}

static bool is_phase(const struct agentrun *r, const char *phase)
{
    return r->phase && strcmp(r->phase, phase) == 0;
}

void linkage_chain(const struct lane_member *members, size_t n, struct chain *out)
{
    memset(out, 0, sizeof *out);
    out->first_success = -1;
    if (!n) return;
    out->items = xcalloc(n, sizeof *out->items);
    for (size_t i = 0; i < n; i++) {
        if (!members[i].run) continue;
        out->items[out->n++].m = members[i];
    }
    qsort(out->items, out->n, sizeof *out->items, member_cmp);
    for (size_t i = 0; i < out->n; i++) {
        struct chain_entry *e = &out->items[i];
        if (i > 0) {
            const struct chain_entry *p = &out->items[i - 1];
            const struct agentrun *a = p->m.run, *b = e->m.run;
            if (differs_known(p->m.digest, e->m.digest)) e->changed |= CHG_DIGEST;
            if (differs_known(p->m.image, e->m.image)) e->changed |= CHG_IMAGE;
            if (differs_known(a->spec_hash, b->spec_hash)) e->changed |= CHG_SPEC;
            if (differs_known(a->system_prompt_hash, b->system_prompt_hash)) e->changed |= CHG_PROMPT;
            if (!same_str(a->head, b->head)) e->changed |= CHG_HEAD;
            if (!same_str(a->phase, b->phase)) e->changed |= CHG_OUTCOME;
            if (!same_str(p->m.failure_class, e->m.failure_class)) e->changed |= CHG_CLASS;
        }
        if (out->first_success < 0 && is_phase(e->m.run, "Succeeded")) {
            out->first_success = (int64_t)i;
            /* inputs only: that the outcome and class changed is the result */
            out->decisive = e->changed & (CHG_DIGEST | CHG_IMAGE | CHG_SPEC | CHG_PROMPT | CHG_HEAD);
        }
    }
}

void chain_free(struct chain *c)
{
    if (!c) return;
    free(c->items);
    memset(c, 0, sizeof *c);
    c->first_success = -1;
}

void chain_change_names(unsigned changed, char *out, size_t outlen)
{
    static const struct {
        unsigned bit;
        const char *name;
    } names[] = {{CHG_DIGEST, "digest"}, {CHG_IMAGE, "image"},   {CHG_SPEC, "spec"},
                 {CHG_PROMPT, "prompt"}, {CHG_HEAD, "head"},     {CHG_OUTCOME, "outcome"},
                 {CHG_CLASS, "class"}};
    if (!outlen) return;
    out[0] = 0;
    size_t len = 0;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (!(changed & names[i].bit)) continue;
        int w = snprintf(out + len, outlen - len, "%s%s", len ? "," : "", names[i].name);
        if (w < 0 || (size_t)w >= outlen - len) break;
        len += (size_t)w;
    }
}

bool linkage_needs_pr(const struct agentrun *r)
{
    if (!r || !is_phase(r, "Succeeded")) return false;
    if (r->vcs_mode && strcmp(r->vcs_mode, "read-write") != 0) return false;
    return r->head && *r->head;
}
