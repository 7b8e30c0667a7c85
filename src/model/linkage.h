/* linkage — the links that solved the seed incident: which runner image
 * (and digest) each attempt ran, which pull request came out of it, and
 * how the attempts of a lane differ (issue 5, AGENTRUN.md §8-9).
 *
 * Pure computations on model structs and log bytes; no I/O. GitHub lookups
 * live in model/github.h.
 *
 *   Image:    linkage_runner_image(pods, n, run_name, &img)  (borrowed ptrs)
 *   PR:       struct pr_scan *s = pr_scan_new(repo, "log:pod/agent-runner");
 *             pr_scan_feed(s, chunk, len) ...;  pr_scan_finish(s);
 *             struct pr_link pr; if (pr_scan_result(s, &pr)) {...; pr_link_free(&pr);}
 *             pr_scan_free(s);
 *   Lanes:    linkage_resolve_lanes(runs, n)  (provenance beats names)
 *   Attempts: struct lane_member m[] = {...};  struct chain c;
 *             linkage_chain(m, n, &c); ... chain_free(&c);
 *   no-PR:    linkage_needs_pr(run) && !has_pr  =>  agent.no-pr
 */
#ifndef ARTRIAGE_MODEL_LINKAGE_H
#define ARTRIAGE_MODEL_LINKAGE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "model/agentrun.h"

#define RUNNER_CONTAINER "agent-runner"
#define CLASS_NO_PR "agent.no-pr"

/* ---- image and digest ---- */

struct run_image {
    const char *image;   /* reference the runtime reports, or NULL */
    const char *digest;  /* "sha256:<hex>", or NULL */
    const struct pod *pod;
    const struct container_state *container;
};

/* The runner image of run `run_name` (NULL = any pod given) among pods:
 * the newest pod of the run that has an agent-runner (else main) container
 * with an image; digest from that container's imageID. Pointers borrow
 * from pods. Returns true if an image or a digest was found. */
bool linkage_runner_image(const struct pod *pods, size_t npods, const char *run_name,
                          struct run_image *out);

/* "sha256:6fa809abd4f4..." -> "6fa809abd4f4" (first 12 hex), other
 * algorithms keep their "algo:" prefix. out >= 24 bytes; NULL/"" -> "". */
void linkage_short_digest(const char *digest, char *out, size_t outlen);

/* The commit an image tag names: the tag (after the last ':' of the last
 * path part, before any '@') is 7-40 hex digits with at least one letter,
 * optionally prefixed "sha-" or "git-". Copies the hex (at most 40) into
 * out and returns true. "…:f12b6082" -> "f12b6082". */
bool linkage_image_commit(const char *image, char *out, size_t outlen);

/* ---- pull requests ---- */

struct pr_link {
    char *url;         /* https://github.com/OWNER/REPO/pull/N */
    char *repository;  /* OWNER/REPO */
    int64_t number;
    char *source;      /* "log:<pod>/<container>:line N", "github-api", "cache" */
    char *state;       /* open | merged | closed, NULL if unknown */
    char *head_sha;    /* NULL if unknown */
    int64_t line;      /* 1-based log line, -1 if not from a log */
};
void pr_link_free(struct pr_link *p);
void pr_link_copy(struct pr_link *dst, const struct pr_link *src);

/* Parses "https://github.com/OWNER/REPO/pull/N" (nothing after N).
 * Returns 0 and fills repository/number/url (source NULL), else -1. */
int pr_link_parse_url(const char *url, struct pr_link *out);

struct pr_scan;
/* repository: prefer matches in it (status.vcs.repository; NULL = none),
 * compared case-insensitively. source_prefix e.g. "log:pod/agent-runner". */
struct pr_scan *pr_scan_new(const char *repository, const char *source_prefix);
/* Feeds log bytes in chunks of any size (a URL may be split anywhere). */
void pr_scan_feed(struct pr_scan *s, const void *data, size_t n);
/* The log ended: a URL ending exactly at the last byte counts. */
void pr_scan_finish(struct pr_scan *s);
/* The last match in the preferred repository, else the last match.
 * Returns 1 and fills out (caller frees with pr_link_free), else 0. */
int pr_scan_result(const struct pr_scan *s, struct pr_link *out);
size_t pr_scan_count(const struct pr_scan *s); /* matches seen */
void pr_scan_free(struct pr_scan *s);

/* ---- lanes and attempts ---- */

/* Applies lanes.md rule 1: a run whose artriage.dev/rerun-of names another
 * run in runs[] (same context and namespace, following chains) takes that
 * run's lane. Other runs keep their lane from the name. */
void linkage_resolve_lanes(struct agentrun *runs, size_t n);

/* What a caller knows about one run of a lane (all borrowed). */
struct lane_member {
    const struct agentrun *run;
    const char *image, *digest;
    const char *failure_class; /* NULL = none known */
    const char *pr_url;        /* NULL = none */
};

enum chain_change {
    CHG_DIGEST = 1 << 0,   /* image digest differs (both known) */
    CHG_IMAGE = 1 << 1,    /* image reference differs (both known) */
    CHG_SPEC = 1 << 2,     /* status.specHash differs (both known) */
    CHG_HEAD = 1 << 3,     /* head branch differs */
    CHG_OUTCOME = 1 << 4,  /* phase differs */
    CHG_CLASS = 1 << 5,    /* failure class differs */
    CHG_PROMPT = 1 << 6,   /* systemPromptHash differs (both known) */
};

struct chain_entry {
    struct lane_member m;
    unsigned changed;       /* chain_change bits vs the previous entry */
};

struct chain {
    struct chain_entry *items; /* oldest first: creation time, then name */
    size_t n;
    int64_t first_success;  /* index of the first Succeeded attempt, -1 none */
    unsigned decisive;      /* which inputs (digest, image, spec, prompt,
                               head) changed right before the first success */
};

/* Orders the members (which the caller selected: one lane, one namespace
 * and context) oldest to newest and computes the changes. */
void linkage_chain(const struct lane_member *members, size_t n, struct chain *out);
void chain_free(struct chain *c);
/* "digest,spec,head" style names of change bits into out ("" for none). */
void chain_change_names(unsigned changed, char *out, size_t outlen);

/* True when the run's contract needs a PR: it succeeded by phase, its VCS
 * mode is read-write (or unset, which means read-write) and it has a head
 * branch. Such a run without any PR link is agent.no-pr. */
bool linkage_needs_pr(const struct agentrun *r);
#endif
