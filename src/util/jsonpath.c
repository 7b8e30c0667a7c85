/* jsonpath — kubectl's JSONPath subset (jsonpath.h). */
#include "jsonpath.h"
#include "util/err.h"
#include "util/jsonutil.h"
#include "util/sanitize.h"
#include "util/xalloc.h"
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum step_kind { ST_FIELD, ST_ALL, ST_INDEX, ST_SLICE };

struct step {
    enum step_kind kind;
    char *name;        /* ST_FIELD */
    long a, b;         /* ST_INDEX (a), ST_SLICE [a:b] */
    bool has_a, has_b;
};

enum node_kind { N_TEXT, N_PATH, N_RANGE, N_END };

struct node {
    enum node_kind kind;
    char *text;          /* N_TEXT */
    struct step *steps;  /* N_PATH, N_RANGE */
    size_t nsteps;
    size_t end;          /* N_RANGE: index of its N_END */
};

struct jsonpath {
    struct node *n;
    size_t len, cap;
};

static struct node *add_node(struct jsonpath *t, enum node_kind k)
{
    t->n = xgrow(t->n, &t->cap, t->len + 1, sizeof *t->n);
    struct node *n = &t->n[t->len++];
    memset(n, 0, sizeof *n);
    n->kind = k;
    return n;
}

void jsonpath_free(struct jsonpath *t)
{
    if (!t) return;
    for (size_t i = 0; i < t->len; i++) {
        free(t->n[i].text);
        for (size_t k = 0; k < t->n[i].nsteps; k++) free(t->n[i].steps[k].name);
        free(t->n[i].steps);
    }
    free(t->n);
    free(t);
}

static struct step *add_step(struct node *n, size_t *cap, enum step_kind k)
{
    n->steps = xgrow(n->steps, cap, n->nsteps + 1, sizeof *n->steps);
    struct step *s = &n->steps[n->nsteps++];
    memset(s, 0, sizeof *s);
    s->kind = k;
    return s;
}

static bool parse_long(const char *p, size_t len, long *out)
{
    while (len && isspace((unsigned char)*p)) p++, len--;
    while (len && isspace((unsigned char)p[len - 1])) len--;
    if (!len || len > 20) return false;
    char tmp[24];
    memcpy(tmp, p, len);
    tmp[len] = 0;
    char *end;
    errno = 0;
    long v = strtol(tmp, &end, 10);
    if (errno || *end) return false;
    *out = v;
    return true;
}

/* A Go-quoted string ("..." as kubectl's parser unquotes it) into out. */
static int unquote(const char *p, size_t len, struct buf *out, char *err, size_t errlen)
{
    if (len < 2 || p[len - 1] != p[0]) return errf(err, errlen, "unterminated string %.*s", (int)len, p);
    for (size_t i = 1; i + 1 < len; i++) {
        char c = p[i];
        if (c != '\\') {
            buf_putc(out, c);
            continue;
        }
        if (i + 2 >= len) return errf(err, errlen, "string %.*s ends in a backslash", (int)len, p);
        c = p[++i];
        switch (c) {
        case 'n': buf_putc(out, '\n'); break;
        case 't': buf_putc(out, '\t'); break;
        case 'r': buf_putc(out, '\r'); break;
        case '\\': buf_putc(out, '\\'); break;
        case '"': buf_putc(out, '"'); break;
        case '\'': buf_putc(out, '\''); break;
        case 'u': {
            unsigned cp = 0;
            if (i + 4 > len - 2) return errf(err, errlen, "bad \\u escape in %.*s", (int)len, p);
            for (int k = 1; k <= 4; k++) {
                char h = p[i + (size_t)k];
                if (!isxdigit((unsigned char)h)) return errf(err, errlen, "bad \\u escape in %.*s", (int)len, p);
                cp = cp * 16 + (unsigned)(isdigit((unsigned char)h) ? h - '0' : (tolower((unsigned char)h) - 'a' + 10));
            }
            i += 4;
            /* as UTF-8; surrogates are not characters */
            char u8[4];
            buf_append(out, u8, utf8_encode(cp, u8));
            break;
        }
        default: return errf(err, errlen, "unknown escape \\%c in %.*s", c, (int)len, p);
        }
    }
    return 0;
}

/* One path (".a.b[*]", "$", "@.x", "['k']") into n's steps. */
static int parse_path(struct node *n, const char *p, size_t len, char *err, size_t errlen)
{
    size_t cap = 0, i = 0;
    const char *what = p;
    int wl = (int)len;
    if (i < len && (p[i] == '$' || p[i] == '@')) i++;
    if (i == len && i == 0) return errf(err, errlen, "empty expression");
    while (i < len) {
        char c = p[i];
        if (c == '.') {
            i++;
            if (i < len && p[i] == '.')
                return errf(err, errlen, "recursive descent (..) is not supported, in {%.*s}", wl, what);
            if (i < len && p[i] == '*') {
                add_step(n, &cap, ST_ALL);
                i++;
                continue;
            }
            size_t s = i;
            while (i < len && p[i] != '.' && p[i] != '[' && !isspace((unsigned char)p[i])) i++;
            if (i == s) {
                /* "{.}" is the current object, as "{@}" */
                if (i == len) break;
                return errf(err, errlen, "a field name is missing after '.' in {%.*s}", wl, what);
            }
            add_step(n, &cap, ST_FIELD)->name = xstrndup(p + s, i - s);
        } else if (c == '[') {
            size_t s = ++i;
            char q = 0;
            while (i < len && (q || p[i] != ']')) {
                if (q && p[i] == '\\') i++;
                else if (p[i] == '\'' || p[i] == '"') q = q == p[i] ? 0 : q ? q : p[i];
                i++;
            }
            if (i >= len) return errf(err, errlen, "'[' without ']' in {%.*s}", wl, what);
            const char *in = p + s;
            size_t il = i - s;
            i++; /* ']' */
            while (il && isspace((unsigned char)*in)) in++, il--;
            while (il && isspace((unsigned char)in[il - 1])) il--;
            if (il && in[0] == '?')
                return errf(err, errlen, "filter expressions ([?(...)]) are not supported, in {%.*s}", wl, what);
            if (il == 1 && in[0] == '*') {
                add_step(n, &cap, ST_ALL);
                continue;
            }
            if (il && (in[0] == '\'' || in[0] == '"')) {
                struct buf k = {0};
                if (unquote(in, il, &k, err, errlen) != 0) {
                    buf_free(&k);
                    return -1;
                }
                add_step(n, &cap, ST_FIELD)->name = k.p ? k.p : xstrdup("");
                continue;
            }
            if (memchr(in, ',', il)) return errf(err, errlen, "unions ([a,b]) are not supported, in {%.*s}", wl, what);
            const char *colon = memchr(in, ':', il);
            if (colon) {
                const char *rest = colon + 1;
                size_t rl = il - (size_t)(rest - in);
                if (memchr(rest, ':', rl)) return errf(err, errlen, "slice steps ([a:b:c]) are not supported, in {%.*s}", wl, what);
                struct step *st = add_step(n, &cap, ST_SLICE);
                size_t al = (size_t)(colon - in);
                bool blank_a = true, blank_b = true;
                for (size_t k = 0; k < al; k++) blank_a &= isspace((unsigned char)in[k]) != 0;
                for (size_t k = 0; k < rl; k++) blank_b &= isspace((unsigned char)rest[k]) != 0;
                if ((!blank_a && !(st->has_a = parse_long(in, al, &st->a))) ||
                    (!blank_b && !(st->has_b = parse_long(rest, rl, &st->b))))
                    return errf(err, errlen, "[%.*s] is not a slice of whole numbers, in {%.*s}", (int)il, in, wl, what);
                continue;
            }
            struct step *st = add_step(n, &cap, ST_INDEX);
            if (!parse_long(in, il, &st->a))
                return errf(err, errlen, "[%.*s] is not an index, in {%.*s}", (int)il, in, wl, what);
        } else if (isspace((unsigned char)c)) {
            i++;
        } else {
            return errf(err, errlen, "unexpected '%c' in {%.*s} (a field starts with '.')", c, wl, what);
        }
    }
    return 0;
}

struct jsonpath *jsonpath_parse(const char *tmpl, char *err, size_t errlen)
{
    struct jsonpath *t = xcalloc(1, sizeof *t);
    size_t *open = NULL, nopen = 0, capopen = 0;
    const char *p = tmpl;
    char e[ERRLEN] = "";
    while (*p) {
        const char *b = strchr(p, '{');
        if (!b) {
            add_node(t, N_TEXT)->text = xstrdup(p);
            break;
        }
        if (b > p) add_node(t, N_TEXT)->text = xstrndup(p, (size_t)(b - p));
        const char *q = b + 1;
        char quote = 0;
        while (*q && (quote || *q != '}')) {
            if (quote && *q == '\\' && q[1]) q++;
            else if (*q == '"' || *q == '\'') quote = quote == *q ? 0 : quote ? quote : *q;
            q++;
        }
        if (!*q) {
            errf(e, sizeof e, "'{' at offset %zu is not closed", (size_t)(b - tmpl));
            goto fail;
        }
        const char *a = b + 1;
        size_t al = (size_t)(q - a);
        while (al && isspace((unsigned char)*a)) a++, al--;
        while (al && isspace((unsigned char)a[al - 1])) al--;
        if (!al) {
            errf(e, sizeof e, "empty action {} at offset %zu", (size_t)(b - tmpl));
            goto fail;
        }
        if (al == 3 && memcmp(a, "end", 3) == 0) {
            if (!nopen) {
                errf(e, sizeof e, "{end} at offset %zu without a {range}", (size_t)(b - tmpl));
                goto fail;
            }
            t->n[open[--nopen]].end = t->len;
            add_node(t, N_END);
        } else if (al > 6 && memcmp(a, "range", 5) == 0 && isspace((unsigned char)a[5])) {
            open = xgrow(open, &capopen, nopen + 1, sizeof *open);
            open[nopen++] = t->len;
            struct node *n = add_node(t, N_RANGE);
            if (parse_path(n, a + 6, al - 6, e, sizeof e) != 0) goto fail;
        } else if (a[0] == '"' || a[0] == '\'') {
            struct buf s = {0};
            if (unquote(a, al, &s, e, sizeof e) != 0) {
                buf_free(&s);
                goto fail;
            }
            add_node(t, N_TEXT)->text = s.p ? s.p : xstrdup("");
        } else {
            struct node *n = add_node(t, N_PATH);
            if (parse_path(n, a, al, e, sizeof e) != 0) goto fail;
        }
        p = q + 1;
    }
    if (nopen) {
        errf(e, sizeof e, "{range} without {end}");
        goto fail;
    }
    free(open);
    return t;
fail:
    free(open);
    jsonpath_free(t);
    char *s = sanitize_str(e, 0);
    errf(err, errlen, "%s", s);
    free(s);
    return NULL;
}

/* ---- evaluation ---- */

struct vals {
    const cJSON **v;
    size_t n, cap;
};

static void vals_add(struct vals *s, const cJSON *j)
{
    s->v = xgrow(s->v, &s->cap, s->n + 1, sizeof *s->v);
    s->v[s->n++] = j;
}

/* 0, or -1 with err: an index outside its array is an error, as in kubectl. */
static int step_apply(const struct step *st, const cJSON *v, struct vals *out, char *err, size_t errlen)
{
    switch (st->kind) {
    case ST_FIELD:
        if (cJSON_IsObject(v)) {
            const cJSON *c = cJSON_GetObjectItemCaseSensitive(v, st->name);
            if (c) vals_add(out, c);
        }
        break;
    case ST_ALL:
        if (cJSON_IsObject(v) || cJSON_IsArray(v))
            for (const cJSON *c = v->child; c; c = c->next) vals_add(out, c);
        break;
    case ST_INDEX:
    case ST_SLICE: {
        if (!cJSON_IsArray(v)) break;
        /* kubectl's bounds: negative counts from the end; an empty slice
         * is nothing; otherwise both ends must lie in the array */
        long n = cJSON_GetArraySize(v);
        long a = st->kind == ST_INDEX ? st->a : st->has_a ? st->a : 0;
        if (a < 0) a += n;
        long b = st->kind == ST_INDEX ? a + 1 : st->has_b ? st->b : n;
        if (st->kind == ST_SLICE && b < 0) b += n;
        if (a == b) break;
        if (a < 0 || a >= n) return errf(err, errlen, "array index out of bounds: index %ld, length %ld", a, n);
        if (b < 0 || b > n) return errf(err, errlen, "array index out of bounds: index %ld, length %ld", b - 1, n);
        if (a > b) return errf(err, errlen, "starting index %ld is greater than ending index %ld", a, b);
        long i = 0;
        for (const cJSON *c = v->child; c && i < b; c = c->next, i++)
            if (i >= a) vals_add(out, c);
        break;
    }
    }
    return 0;
}

static int eval(const struct node *n, const cJSON *cur, struct vals *out, char *err, size_t errlen)
{
    struct vals a = {0}, b = {0};
    vals_add(&a, cur);
    int rc = 0;
    for (size_t k = 0; k < n->nsteps && rc == 0; k++) {
        b.n = 0;
        for (size_t i = 0; i < a.n && rc == 0; i++) rc = step_apply(&n->steps[k], a.v[i], &b, err, errlen);
        struct vals t = a;
        a = b;
        b = t;
    }
    free(b.v);
    *out = a;
    return rc;
}

static int cmp_key(const void *x, const void *y)
{
    const cJSON *a = *(const cJSON *const *)x, *b = *(const cJSON *const *)y;
    return strcmp(a->string ? a->string : "", b->string ? b->string : "");
}

/* Object keys in byte order, as Go's encoding/json prints maps (and so
 * kubectl's jsonpath). */
static void sort_keys(cJSON *j)
{
    size_t n = 0;
    for (cJSON *c = j->child; c; c = c->next) {
        sort_keys(c);
        n++;
    }
    if (!cJSON_IsObject(j) || n < 2) return;
    cJSON **v = xcalloc(n, sizeof *v);
    size_t i = 0;
    for (cJSON *c = j->child; c; c = c->next) v[i++] = c;
    qsort(v, n, sizeof *v, cmp_key);
    for (i = 0; i < n; i++) {
        v[i]->prev = i ? v[i - 1] : v[n - 1]; /* cJSON: the first's prev is the last */
        v[i]->next = i + 1 < n ? v[i + 1] : NULL;
    }
    j->child = v[0];
    free(v);
}

/* A number as Go's %v prints a float64, and an integral one as an int64
 * (kubectl reads JSON integers as int64). */
static void print_number(struct buf *out, double d)
{
    if (!isfinite(d)) {
        buf_puts(out, d != d ? "NaN" : d > 0 ? "+Inf" : "-Inf");
        return;
    }
    if (d == floor(d) && fabs(d) < 9.2e18) {
        buf_printf(out, "%lld", (long long)d);
        return;
    }
    char e[40];
    int p = 1;
    for (; p <= 17; p++) {
        snprintf(e, sizeof e, "%.*e", p - 1, d);
        if (strtod(e, NULL) == d) break;
    }
    char *ep = strchr(e, 'e');
    int exp = atoi(ep + 1);
    if (exp < -4 || exp >= 6) { /* Go: shortest %g switches at 1e6 */
        /* mantissa as printed, exponent with at least two digits (Go) */
        buf_printf(out, "%.*se%c%02d", (int)(ep - e), e, exp < 0 ? '-' : '+', abs(exp));
        return;
    }
    int decimals = p - 1 - exp;
    buf_printf(out, "%.*f", decimals > 0 ? decimals : 0, d);
}

static void print_value(struct buf *out, const cJSON *v)
{
    if (cJSON_IsString(v)) {
        const char *s = v->valuestring ? v->valuestring : "";
        sanitize_append(out, s, strlen(s), SAN_KEEP_TAB | SAN_KEEP_NEWLINE);
    } else if (cJSON_IsNumber(v)) {
        print_number(out, v->valuedouble);
    } else if (cJSON_IsBool(v)) {
        buf_puts(out, cJSON_IsTrue(v) ? "true" : "false");
    } else if (cJSON_IsNull(v)) {
        buf_puts(out, "null");
    } else {
        cJSON *d = cJSON_Duplicate(v, 1);
        if (!d) abort();
        sort_keys(d);
        char *s = json_print_safe(d, 0);
        /* Go's encoding/json escapes these three (only strings hold them) */
        for (const char *c = s; *c; c++) {
            if (*c == '<') buf_puts(out, "\\u003c");
            else if (*c == '>') buf_puts(out, "\\u003e");
            else if (*c == '&') buf_puts(out, "\\u0026");
            else buf_putc(out, *c);
        }
        free(s);
        cJSON_Delete(d);
    }
}

static int exec_nodes(const struct jsonpath *t, size_t from, size_t to, const cJSON *cur, struct buf *out, char *err,
                      size_t errlen)
{
    for (size_t i = from; i < to; i++) {
        const struct node *n = &t->n[i];
        switch (n->kind) {
        case N_TEXT: buf_puts(out, n->text); break;
        case N_PATH: {
            struct vals r;
            int rc = eval(n, cur, &r, err, errlen);
            for (size_t k = 0; k < r.n && rc == 0; k++) {
                if (k) buf_putc(out, ' ');
                print_value(out, r.v[k]);
            }
            free(r.v);
            if (rc) return rc;
            break;
        }
        case N_RANGE: {
            struct vals r;
            int rc = eval(n, cur, &r, err, errlen);
            for (size_t k = 0; k < r.n && rc == 0; k++) rc = exec_nodes(t, i + 1, n->end, r.v[k], out, err, errlen);
            free(r.v);
            if (rc) return rc;
            i = n->end;
            break;
        }
        case N_END: break;
        }
    }
    return 0;
}

int jsonpath_exec(const struct jsonpath *t, const cJSON *root, struct buf *out, char *err, size_t errlen)
{
    return exec_nodes(t, 0, t->len, root, out, err, errlen);
}
