/* github — PR lookup by branch over libcurl's multi interface. */
#include "model/github.h"
#include "util/buf.h"
#include "util/jsonutil.h"
#include "util/timeutil.h"
#include "util/xalloc.h"
#include <curl/curl.h>
#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define GH_MAX_BODY (8u << 20)
#define GH_TIMEOUT_MS 15000L

struct gh_req {
    struct gh_client *g;
    CURL *easy;
    struct curl_slist *hdrs;
    struct buf body;
    char *url;          /* without the token, for messages */
    char *repository, *branch;
    void *user;
    bool too_big;
    int64_t rl_remaining; /* -1 unknown */
    int64_t rl_reset;     /* epoch seconds, -1 unknown */
    int64_t retry_after;  /* seconds, -1 unknown */
    struct gh_req *next;
};

struct gh_client {
    char *token;
    char *base;
    CURLM *multi;
    struct gh_req *running;
    int nrunning;
    struct gh_result *done;
    size_t ndone, capdone;
    int64_t blocked_until;
};

static bool curl_ready;

struct gh_client *gh_client_new(const char *token, const char *base_url)
{
    if (!curl_ready) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        curl_ready = true;
    }
    struct gh_client *g = xcalloc(1, sizeof *g);
    if (!token) token = getenv("GITHUB_TOKEN");
    g->token = token && *token ? xstrdup(token) : NULL;
    if (!base_url) base_url = getenv("ARTRIAGE_GITHUB_API");
    if (!base_url || !*base_url) base_url = GH_DEFAULT_API;
    g->base = xstrdup(base_url);
    size_t bl = strlen(g->base);
    while (bl > 0 && g->base[bl - 1] == '/') g->base[--bl] = 0;
    return g;
}

static void req_free(struct gh_req *r)
{
    if (!r) return;
    if (r->easy) {
        if (r->g && r->g->multi) curl_multi_remove_handle(r->g->multi, r->easy);
        curl_easy_cleanup(r->easy);
    }
    curl_slist_free_all(r->hdrs);
    buf_free(&r->body);
    free(r->url);
    free(r->repository);
    free(r->branch);
    free(r);
}

void gh_client_free(struct gh_client *g)
{
    if (!g) return;
    while (g->running) {
        struct gh_req *n = g->running->next;
        req_free(g->running);
        g->running = n;
    }
    for (size_t i = 0; i < g->ndone; i++) gh_result_free(&g->done[i]);
    free(g->done);
    if (g->multi) curl_multi_cleanup(g->multi);
    if (g->token) {
        /* the token leaves memory with the client */
        volatile char *t = g->token;
        while (*t) *t++ = 0;
        free(g->token);
    }
    free(g->base);
    free(g);
}

bool gh_client_enabled(const struct gh_client *g) { return g && g->token; }
const char *gh_client_base(const struct gh_client *g) { return g ? g->base : NULL; }
int64_t gh_client_blocked_until(const struct gh_client *g) { return g ? g->blocked_until : 0; }

void *gh_client_multi(struct gh_client *g)
{
    if (!g->multi) g->multi = curl_multi_init();
    return g->multi;
}

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    struct gh_req *r = ud;
    size_t len = size * n;
    if (r->body.len + len > GH_MAX_BODY) {
        r->too_big = true;
        return 0; /* aborts the transfer */
    }
    buf_append(&r->body, p, len);
    return len;
}

static bool header_is(const char *line, size_t n, const char *name, const char **value)
{
    size_t nl = strlen(name);
    if (n <= nl || strncasecmp(line, name, nl) != 0 || line[nl] != ':') return false;
    *value = line + nl + 1;
    return true;
}

static int64_t header_int(const char *v, size_t n)
{
    char tmp[32];
    size_t k = 0;
    while (n && (*v == ' ' || *v == '\t')) { v++; n--; }
    while (n && k < sizeof tmp - 1 && isdigit((unsigned char)*v)) { tmp[k++] = *v++; n--; }
    tmp[k] = 0;
    return k ? strtoll(tmp, NULL, 10) : -1;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
    struct gh_req *r = ud;
    size_t len = size * n;
    const char *v;
    if (header_is(p, len, "x-ratelimit-remaining", &v)) r->rl_remaining = header_int(v, len - (size_t)(v - p));
    else if (header_is(p, len, "x-ratelimit-reset", &v)) r->rl_reset = header_int(v, len - (size_t)(v - p));
    else if (header_is(p, len, "retry-after", &v)) r->retry_after = header_int(v, len - (size_t)(v - p));
    return len;
}

static bool valid_repo(const char *repo)
{
    const char *slash = repo ? strchr(repo, '/') : NULL;
    if (!slash || slash == repo || !slash[1] || strchr(slash + 1, '/')) return false;
    for (const char *p = repo; *p; p++)
        if (!(isalnum((unsigned char)*p) || *p == '-' || *p == '_' || *p == '.' || *p == '/')) return false;
    return true;
}

static void fmt_blocked(int64_t until, char *out, size_t n)
{
    time_format_rfc3339(until, out, n);
}

int gh_lookup_start(struct gh_client *g, const char *repository, const char *branch, void *user,
                    char *err, size_t errlen)
{
    if (!gh_client_enabled(g)) return errf(err, errlen, "GitHub lookup disabled: GITHUB_TOKEN is not set");
    if (!valid_repo(repository)) return errf(err, errlen, "GitHub lookup: repository '%s' is not owner/repo", repository ? repository : "");
    if (!branch || !*branch) return errf(err, errlen, "GitHub lookup of %s: no head branch", repository);
    int64_t now = time_now_ms();
    if (g->blocked_until > now) {
        char t[40];
        fmt_blocked(g->blocked_until, t, sizeof t);
        return errf(err, errlen, "GitHub API rate limit reached at %s: no request before %s", g->base, t);
    }
    gh_client_multi(g);
    struct gh_req *r = xcalloc(1, sizeof *r);
    r->g = g;
    r->user = user;
    r->rl_remaining = r->rl_reset = r->retry_after = -1;
    r->repository = xstrdup(repository);
    r->branch = xstrdup(branch);
    r->easy = curl_easy_init();
    if (!r->easy) {
        req_free(r);
        return errf(err, errlen, "GitHub lookup: cannot create a curl handle");
    }
    size_t ol = (size_t)(strchr(repository, '/') - repository);
    char *owner = xstrndup(repository, ol);
    char *head = xasprintf("%s:%s", owner, branch);
    char *esc = curl_easy_escape(r->easy, head, 0);
    r->url = xasprintf("%s/repos/%s/pulls?head=%s&state=all&per_page=10", g->base, repository, esc ? esc : "");
    curl_free(esc);
    free(head);
    free(owner);
    char *auth = xasprintf("Authorization: Bearer %s", g->token);
    r->hdrs = curl_slist_append(r->hdrs, auth);
    memset(auth, 0, strlen(auth));
    free(auth);
    r->hdrs = curl_slist_append(r->hdrs, "Accept: application/vnd.github+json");
    r->hdrs = curl_slist_append(r->hdrs, "X-GitHub-Api-Version: 2022-11-28");
    curl_easy_setopt(r->easy, CURLOPT_URL, r->url);
    curl_easy_setopt(r->easy, CURLOPT_HTTPHEADER, r->hdrs);
    curl_easy_setopt(r->easy, CURLOPT_USERAGENT, "artriage/" ARTRIAGE_VERSION);
    curl_easy_setopt(r->easy, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(r->easy, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(r->easy, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(r->easy, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(r->easy, CURLOPT_TIMEOUT_MS, GH_TIMEOUT_MS);
    curl_easy_setopt(r->easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(r->easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(r->easy, CURLOPT_PRIVATE, r);
    curl_easy_setopt(r->easy, CURLOPT_ACCEPT_ENCODING, "");
    if (curl_multi_add_handle(g->multi, r->easy) != CURLM_OK) {
        req_free(r);
        return errf(err, errlen, "GitHub lookup: cannot start a transfer to %s", g->base);
    }
    r->next = g->running;
    g->running = r;
    g->nrunning++;
    return 0;
}

int gh_parse_pulls(const char *body, size_t len, const char *branch, struct pr_link *out,
                   char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->number = out->line = -1;
    cJSON *j = json_parse_n(body, len, "GitHub pulls response", err, errlen);
    if (!j) return -1;
    if (!cJSON_IsArray(j)) {
        cJSON_Delete(j);
        return errf(err, errlen, "GitHub pulls response: not a JSON array");
    }
    const cJSON *best = NULL;
    int64_t best_t = TIME_NONE, best_n = -1;
    const cJSON *pr;
    cJSON_ArrayForEach(pr, j) {
        const char *url = json_str(pr, "html_url");
        int64_t num;
        if (!url || json_int(pr, "number", &num) != 0 || num <= 0) continue;
        const char *ref = json_str(pr, "head.ref");
        if (branch && (!ref || strcmp(ref, branch) != 0)) continue;
        int64_t t = TIME_NONE;
        const char *ca = json_str(pr, "created_at");
        if (ca) time_parse_rfc3339(ca, &t);
        if (!best || t > best_t || (t == best_t && num > best_n)) {
            best = pr;
            best_t = t;
            best_n = num;
        }
    }
    int rc = 0;
    if (best) {
        out->url = xstrdup(json_str(best, "html_url"));
        out->number = best_n;
        struct pr_link tmp;
        if (pr_link_parse_url(out->url, &tmp) == 0) {
            out->repository = tmp.repository;
            tmp.repository = NULL;
            pr_link_free(&tmp);
        } else {
            out->repository = xstrdup(json_str(best, "base.repo.full_name"));
        }
        const char *state = json_str(best, "state");
        const char *merged = json_str(best, "merged_at");
        if (merged && *merged) out->state = xstrdup("merged");
        else if (state && (strcmp(state, "open") == 0 || strcmp(state, "closed") == 0)) out->state = xstrdup(state);
        out->head_sha = xstrdup(json_str(best, "head.sha"));
        out->source = xstrdup("github-api");
        rc = 1;
    }
    cJSON_Delete(j);
    return rc;
}

static void finish_req(struct gh_client *g, struct gh_req *r, CURLcode cc)
{
    g->done = xgrow(g->done, &g->capdone, g->ndone + 1, sizeof *g->done);
    struct gh_result *res = &g->done[g->ndone++];
    memset(res, 0, sizeof *res);
    res->user = r->user;
    res->pr.number = res->pr.line = -1;
    long code = 0;
    curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &code);
    int64_t now = time_now_ms();
    /* Remember the limits before anything else: they apply to every
     * later request, whatever this one's outcome. */
    int64_t until = 0;
    if (r->rl_remaining == 0 && r->rl_reset > 0) until = r->rl_reset * 1000;
    if (r->retry_after >= 0 && (code == 403 || code == 429 || code >= 500))
        if (now + r->retry_after * 1000 > until) until = now + r->retry_after * 1000;
    if ((code == 403 || code == 429) && until == 0 && r->rl_remaining == 0) until = now + 60000;
    if (until > g->blocked_until) g->blocked_until = until;

    if (cc != CURLE_OK) {
        res->status = -1;
        if (r->too_big) errf(res->err, sizeof res->err, "GitHub API %s: response larger than %u bytes", r->url, GH_MAX_BODY);
        else errf(res->err, sizeof res->err, "GitHub API %s: %s", r->url, curl_easy_strerror(cc));
        return;
    }
    if (code == 200) {
        res->status = gh_parse_pulls(r->body.p ? r->body.p : "", r->body.len, r->branch, &res->pr,
                                     res->err, sizeof res->err);
        if (res->status < 0) errprefix(res->err, sizeof res->err, "%s", r->url);
        return;
    }
    res->status = -1;
    if (code == 401) errf(res->err, sizeof res->err, "GitHub API %s: 401 Unauthorized (check GITHUB_TOKEN)", r->url);
    else if (code == 404) errf(res->err, sizeof res->err, "GitHub API %s: 404 repository %s not found or not visible to the token", r->url, r->repository);
    else if ((code == 403 || code == 429) && g->blocked_until > now) {
        char t[40];
        fmt_blocked(g->blocked_until, t, sizeof t);
        errf(res->err, sizeof res->err, "GitHub API %s: rate limited (HTTP %ld), no request before %s", r->url, code, t);
    } else errf(res->err, sizeof res->err, "GitHub API %s: HTTP %ld", r->url, code);
}

int gh_client_perform(struct gh_client *g, int timeout_ms)
{
    if (!g || !g->multi) return 0;
    int still = 0;
    if (timeout_ms > 0 && g->nrunning > 0) curl_multi_poll(g->multi, NULL, 0, timeout_ms, NULL);
    curl_multi_perform(g->multi, &still);
    CURLMsg *m;
    int left;
    while ((m = curl_multi_info_read(g->multi, &left))) {
        if (m->msg != CURLMSG_DONE) continue;
        struct gh_req *r = NULL;
        curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&r);
        if (!r) continue;
        CURLcode cc = m->data.result;
        finish_req(g, r, cc);
        for (struct gh_req **pp = &g->running; *pp; pp = &(*pp)->next) {
            if (*pp == r) {
                *pp = r->next;
                break;
            }
        }
        g->nrunning--;
        req_free(r);
    }
    return g->nrunning;
}

bool gh_client_next_result(struct gh_client *g, struct gh_result *out)
{
    if (!g || g->ndone == 0) return false;
    *out = g->done[0];
    memmove(g->done, g->done + 1, (g->ndone - 1) * sizeof *g->done);
    g->ndone--;
    return true;
}

void gh_result_free(struct gh_result *r)
{
    if (!r) return;
    pr_link_free(&r->pr);
}

int gh_lookup_sync(struct gh_client *g, const char *repository, const char *branch,
                   int timeout_ms, struct pr_link *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->number = out->line = -1;
    static int marker;
    if (gh_lookup_start(g, repository, branch, &marker, err, errlen) != 0) return -1;
    int64_t deadline = time_mono_ms() + timeout_ms;
    for (;;) {
        gh_client_perform(g, 100);
        struct gh_result res;
        bool got = false;
        int rc = -1;
        /* results of other lookups stay queued */
        for (size_t i = 0; i < g->ndone; i++) {
            if (g->done[i].user != &marker) continue;
            res = g->done[i];
            memmove(g->done + i, g->done + i + 1, (g->ndone - i - 1) * sizeof *g->done);
            g->ndone--;
            got = true;
            break;
        }
        if (got) {
            rc = res.status;
            if (rc == 1) {
                *out = res.pr;
                memset(&res.pr, 0, sizeof res.pr);
            } else if (rc < 0) {
                errf(err, errlen, "%s", res.err);
            }
            gh_result_free(&res);
            return rc;
        }
        if (time_mono_ms() > deadline) {
            /* abandon: the transfer is removed with its request */
            for (struct gh_req **pp = &g->running; *pp; pp = &(*pp)->next) {
                if ((*pp)->user == &marker) {
                    struct gh_req *r = *pp;
                    *pp = r->next;
                    g->nrunning--;
                    req_free(r);
                    break;
                }
            }
            return errf(err, errlen, "GitHub API %s: no answer within %d ms", g->base, timeout_ms);
        }
    }
}
