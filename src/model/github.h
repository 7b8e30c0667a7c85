/* github — optional PR lookup by branch through the GitHub REST API
 * (AGENTRUN.md §8.4): GET {api}/repos/{owner}/{repo}/pulls?head={owner}:
 * {branch}&state=all gives the PR of a run's head branch, its state
 * (open / merged / closed) and head SHA.
 *
 * Never required: without a token (GITHUB_TOKEN) the client is disabled
 * and every lookup is refused at once. Never blocking: transfers run on
 * the client's own libcurl multi handle, which an event loop drives with
 * gh_client_perform(g, 0) when its descriptors (gh_client_multi) are
 * ready; gh_lookup_sync() is the blocking convenience for the CLI. The
 * API base is https://api.github.com, overridden by $ARTRIAGE_GITHUB_API.
 * Rate limits are honoured: after a response with X-RateLimit-Remaining: 0
 * (until X-RateLimit-Reset) or Retry-After, no request is sent before
 * that time; lookups are refused with a message naming the time.
 * The token is kept in memory only and never appears in any message.
 *
 *   struct gh_client *g = gh_client_new(NULL, NULL);    (env token + base)
 *   if (gh_client_enabled(g)) {
 *       gh_lookup_start(g, "proompteng/lab", "codex/x", user, err, sizeof err);
 *       while (gh_client_perform(g, 100) > 0) {...}
 *       struct gh_result res; while (gh_client_next_result(g, &res)) {...; gh_result_free(&res);}
 *   }
 *   gh_client_free(g);
 */
#ifndef ARTRIAGE_MODEL_GITHUB_H
#define ARTRIAGE_MODEL_GITHUB_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "model/linkage.h"
#include "util/err.h"

#define GH_DEFAULT_API "https://api.github.com"

struct gh_client;

/* token NULL = $GITHUB_TOKEN; base_url NULL = $ARTRIAGE_GITHUB_API, else
 * the default. Never fails (a client without token is just disabled). */
struct gh_client *gh_client_new(const char *token, const char *base_url);
void gh_client_free(struct gh_client *g);
bool gh_client_enabled(const struct gh_client *g);
const char *gh_client_base(const struct gh_client *g);
/* The wall-clock time (ms) before which no request will be sent, or 0. */
int64_t gh_client_blocked_until(const struct gh_client *g);
/* The multi handle, for an event loop to wait on (curl_multi_poll/fdset). */
void *gh_client_multi(struct gh_client *g);

/* Queues a lookup of (repository "owner/repo", branch). Returns 0, or -1
 * with err when the client is disabled, rate-limited or the input is not
 * usable. `user` comes back in the result. */
int gh_lookup_start(struct gh_client *g, const char *repository, const char *branch, void *user,
                    char *err, size_t errlen);
/* Runs transfers, waiting at most timeout_ms for activity (0 = never
 * wait). Returns the number of lookups still running. */
int gh_client_perform(struct gh_client *g, int timeout_ms);

struct gh_result {
    void *user;
    int status;          /* 1 PR found, 0 no PR for that branch, -1 error */
    struct pr_link pr;   /* status 1: url, repository, number, state,
                            head_sha, source "github-api" */
    char err[ERRLEN];    /* status -1 */
};
/* Pops one finished lookup; false when none is finished. */
bool gh_client_next_result(struct gh_client *g, struct gh_result *out);
void gh_result_free(struct gh_result *r);

/* Blocking lookup with an overall timeout. 1 found, 0 none, -1 error. */
int gh_lookup_sync(struct gh_client *g, const char *repository, const char *branch,
                   int timeout_ms, struct pr_link *out, char *err, size_t errlen);

/* Parses a pulls list response body; picks the newest PR whose head ref
 * is `branch` (any when branch is NULL). 1 found, 0 none, -1 not a list. */
int gh_parse_pulls(const char *body, size_t len, const char *branch, struct pr_link *out,
                   char *err, size_t errlen);
#endif
