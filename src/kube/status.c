/* Status errors to sentences (see status.h). */
#include "kube/status.h"
#include "util/buf.h"
#include "util/jsonutil.h"
#include "util/sanitize.h"
#include "util/xalloc.h"
#include <ctype.h>
#include <stdbool.h>
#include <strings.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHOWN_MAX 300 /* longest server text quoted in a sentence */

void kube_status_free(struct kube_status *st)
{
    free(st->reason);
    free(st->message);
    free(st->name);
    free(st->group);
    free(st->kind);
    for (size_t i = 0; i < st->ncauses; i++) {
        free(st->causes[i].reason);
        free(st->causes[i].message);
        free(st->causes[i].field);
    }
    free(st->causes);
    memset(st, 0, sizeof *st);
    st->retry_after_s = -1;
}

void kube_status_copy(struct kube_status *d, const struct kube_status *s)
{
    memset(d, 0, sizeof *d);
    d->code = s->code;
    d->reason = xstrdup(s->reason);
    d->message = xstrdup(s->message);
    d->name = xstrdup(s->name);
    d->group = xstrdup(s->group);
    d->kind = xstrdup(s->kind);
    d->retry_after_s = s->retry_after_s;
    d->is_status = s->is_status;
    if (s->ncauses) {
        d->causes = xcalloc(s->ncauses, sizeof *d->causes);
        for (size_t i = 0; i < s->ncauses; i++) {
            d->causes[i].reason = xstrdup(s->causes[i].reason);
            d->causes[i].message = xstrdup(s->causes[i].message);
            d->causes[i].field = xstrdup(s->causes[i].field);
        }
        d->ncauses = s->ncauses;
    }
}

void kube_status_from_json(const cJSON *j, long http, struct kube_status *out)
{
    memset(out, 0, sizeof *out);
    out->retry_after_s = -1;
    out->code = http;
    int64_t code;
    if (!http && json_int(j, "code", &code) == 0 && code > 0 && code < 1000) out->code = (long)code;
    const char *kind = json_str(j, "kind");
    out->is_status = kind && strcmp(kind, "Status") == 0;
    out->reason = xstrdup(json_str(j, "reason"));
    out->message = xstrdup(json_str(j, "message"));
    out->name = xstrdup(json_str(j, "details.name"));
    out->group = xstrdup(json_str(j, "details.group"));
    out->kind = xstrdup(json_str(j, "details.kind"));
    int64_t ra;
    if (json_int(j, "details.retryAfterSeconds", &ra) == 0 && ra >= 0 && ra < 86400) out->retry_after_s = ra;
    const cJSON *causes = json_arr(j, "details.causes");
    int n = causes ? cJSON_GetArraySize(causes) : 0;
    if (n > 100) n = 100;
    if (n > 0) {
        out->causes = xcalloc((size_t)n, sizeof *out->causes);
        const cJSON *c;
        cJSON_ArrayForEach(c, causes) {
            if (out->ncauses >= (size_t)n) break;
            if (!cJSON_IsObject(c)) continue;
            struct kube_status_cause *k = &out->causes[out->ncauses++];
            k->reason = xstrdup(json_str(c, "reason"));
            k->message = xstrdup(json_str(c, "message"));
            k->field = xstrdup(json_str(c, "field"));
        }
    }
}

/* Text of a non-JSON body: tags dropped, whitespace collapsed, short. */
static char *body_text(const char *body, size_t len)
{
    struct buf b = {0};
    bool in_tag = false, space = false;
    /* Prefer an HTML <title> when there is one. */
    for (size_t i = 0; i + 7 <= len; i++) {
        if (strncasecmp(body + i, "<title>", 7) == 0) {
            size_t s = i + 7, e = s;
            while (e < len && body[e] != '<') e++;
            if (e > s) {
                body = body + s;
                len = e - s;
            }
            break;
        }
    }
    for (size_t i = 0; i < len && b.len < SHOWN_MAX; i++) {
        char ch = body[i];
        if (ch == '<') { in_tag = true; continue; }
        if (ch == '>' && in_tag) { in_tag = false; space = b.len > 0; continue; }
        if (in_tag) continue;
        if (isspace((unsigned char)ch) || ch == 0) { space = b.len > 0; continue; }
        if (space) buf_putc(&b, ' ');
        space = false;
        buf_putc(&b, ch);
    }
    if (!b.len) {
        buf_free(&b);
        return NULL;
    }
    return buf_detach(&b);
}

void kube_status_parse(long http, const char *body, size_t len, const char *retry_after, struct kube_status *out)
{
    cJSON *j = NULL;
    if (body && len) j = cJSON_ParseWithLength(body, len);
    if (j && cJSON_IsObject(j)) {
        kube_status_from_json(j, http, out);
        out->code = http ? http : out->code;
    } else {
        memset(out, 0, sizeof *out);
        out->retry_after_s = -1;
        out->code = http;
        if (body && len) out->message = body_text(body, len);
    }
    cJSON_Delete(j);
    if (retry_after) {
        char *end;
        long v = strtol(retry_after, &end, 10);
        while (*end == ' ' || *end == '\r' || *end == '\n') end++;
        if (end != retry_after && *end == 0 && v >= 0 && v < 86400) out->retry_after_s = v;
    }
}

/* Appends server text, sanitised and cut at SHOWN_MAX bytes. */
static void put_server(struct buf *b, const char *s)
{
    if (!s) return;
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '.')) n--;
    bool cut = n > SHOWN_MAX;
    if (cut) n = SHOWN_MAX;
    sanitize_append(b, s, n, 0);
    if (cut) buf_puts(b, "…");
}

static void put_where(struct buf *b, const struct kube_what *w)
{
    if (w->ns && *w->ns) {
        buf_puts(b, " in namespace \"");
        put_server(b, w->ns);
        buf_putc(b, '"');
    } else if (w->verb && (!strcmp(w->verb, "list") || !strcmp(w->verb, "watch"))) {
        buf_puts(b, " in any namespace");
    }
}

static void put_object(struct buf *b, const struct kube_what *w, const struct kube_status *st)
{
    const char *kind = w->kind ? w->kind : st->kind ? st->kind : "object";
    const char *name = w->name ? w->name : st->name;
    put_server(b, kind);
    if (name) {
        buf_puts(b, " \"");
        put_server(b, name);
        buf_putc(b, '"');
    }
}

static const char *verb_or(const struct kube_what *w) { return w->verb ? w->verb : "access"; }
static const char *res_or(const struct kube_what *w) { return w->resource ? w->resource : "the resource"; }

/* A `User "x"` quoted in an RBAC message, else NULL (caller frees). */
static char *rbac_user(const char *msg)
{
    const char *p = msg ? strstr(msg, "User \"") : NULL;
    if (!p) return NULL;
    p += 6;
    const char *e = strchr(p, '"');
    if (!e || e - p > 256) return NULL;
    return xstrndup(p, (size_t)(e - p));
}

/* " (server says: …)" unless the message is a bare reason word. */
static void put_detail(struct buf *b, const struct kube_status *st)
{
    if (!st->message || !*st->message) return;
    if (st->reason && strcasecmp(st->message, st->reason) == 0) return;
    buf_puts(b, ": ");
    put_server(b, st->message);
}

void kube_status_sentence(const struct kube_status *st, const struct kube_what *w, char *out, size_t outlen)
{
    struct buf b = {0};
    const char *server = w->server ? w->server : "the API server";
    const char *reason = st->reason ? st->reason : "";
    long code = st->code;
    if (code == 401 && w->credentials_withheld) {
        buf_printf(&b, "unauthorized: %s wants credentials, and those of user", server);
        if (w->user && *w->user) buf_printf(&b, " '%s'", w->user);
        if (w->context && *w->context) buf_printf(&b, " (context '%s')", w->context);
        buf_puts(&b, " are not sent over plain HTTP (the server is http://; kubectl does the same)");
    } else if (code == 401 && w->no_credentials) {
        buf_printf(&b, "unauthorized: %s wants credentials and the kubeconfig user", server);
        if (w->user && *w->user) buf_printf(&b, " '%s'", w->user);
        if (w->context && *w->context) buf_printf(&b, " (context '%s')", w->context);
        buf_puts(&b, " has none (no token, client certificate, exec plugin or password)");
    } else if (code == 401) {
        buf_printf(&b, "unauthorized: %s rejected the credentials", server);
        if (w->user && *w->user) buf_printf(&b, " of user '%s'", w->user);
        if (w->context && *w->context) buf_printf(&b, " (context '%s')", w->context);
    } else if (code == 403) {
        char *user = rbac_user(st->message);
        buf_puts(&b, "forbidden: ");
        if (user) {
            buf_puts(&b, "user \"");
            put_server(&b, user);
            buf_puts(&b, "\" ");
        }
        buf_printf(&b, "cannot %s %s", verb_or(w), res_or(w));
        if (w->name) {
            buf_puts(&b, " \"");
            put_server(&b, w->name);
            buf_putc(&b, '"');
        }
        put_where(&b, w);
        if (!user) put_detail(&b, st);
        free(user);
    } else if (code == 404) {
        if (w->name || st->name) {
            put_object(&b, w, st);
            buf_puts(&b, " not found");
            put_where(&b, w);
        } else {
            buf_printf(&b, "%s does not serve %s (404 Not Found for %s; is the CRD installed?)", server, res_or(w),
                       w->path ? w->path : "the request");
        }
    } else if (code == 409) {
        put_object(&b, w, st);
        if (!strcmp(reason, "AlreadyExists")) {
            buf_puts(&b, " already exists");
            put_where(&b, w);
        } else {
            buf_puts(&b, " conflict");
            put_where(&b, w);
            put_detail(&b, st);
        }
    } else if (code == 410 || !strcmp(reason, "Expired") || !strcmp(reason, "Gone")) {
        buf_printf(&b, "%s of %s expired (410 Gone: resource version too old); a fresh list is needed",
                   verb_or(w), res_or(w));
    } else if (code == 422) {
        put_object(&b, w, st);
        buf_puts(&b, " is invalid");
        if (st->ncauses) {
            for (size_t i = 0; i < st->ncauses; i++) {
                buf_puts(&b, i ? "; " : ": ");
                if (st->causes[i].field) {
                    put_server(&b, st->causes[i].field);
                    buf_puts(&b, ": ");
                }
                put_server(&b, st->causes[i].message ? st->causes[i].message
                                                     : st->causes[i].reason ? st->causes[i].reason : "invalid");
            }
        } else {
            put_detail(&b, st);
        }
    } else if (code == 429) {
        buf_printf(&b, "%s is throttling requests (429 Too Many Requests)", server);
        if (st->retry_after_s >= 0) buf_printf(&b, "; retry after %lld s", (long long)st->retry_after_s);
    } else if (code == 400 && w->verb && !strcmp(w->verb, "logs")) {
        buf_puts(&b, "cannot read logs of pod \"");
        put_server(&b, w->name ? w->name : "?");
        buf_putc(&b, '"');
        put_where(&b, w);
        put_detail(&b, st);
    } else if (code >= 500) {
        buf_printf(&b, "server error %ld from %s on %s %s", code, server, verb_or(w), res_or(w));
        if (st->message && *st->message) put_detail(&b, st);
        else buf_puts(&b, " (empty body)");
        if (st->retry_after_s >= 0) buf_printf(&b, "; retry after %lld s", (long long)st->retry_after_s);
    } else {
        buf_printf(&b, "HTTP %ld from %s on %s %s", code, server, verb_or(w), res_or(w));
        if (w->name) {
            buf_puts(&b, " \"");
            put_server(&b, w->name);
            buf_putc(&b, '"');
        }
        if (st->message && *st->message) put_detail(&b, st);
        else buf_puts(&b, " (empty body)");
    }
    snprintf(out, outlen, "%s", b.p ? b.p : "unknown error");
    buf_free(&b);
}
