/* kubeconfig loading and merging (see kubeconfig.h). The YAML is read with
 * libyaml's document loader and copied into flat entries at once, so the
 * YAML tree never outlives the load. */
#include "kube/kubeconfig.h"
#include "kube/names.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/xalloc.h"
#include <errno.h>
#include <limits.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#define KUBECONFIG_MAX_BYTES (16u << 20)

struct kv {
    char *key, *val;
};

/* One named cluster, user or context, with the file that defined it (the
 * base for its relative paths). */
struct entry {
    char *name, *file;
    struct kv *kv;
    size_t nkv, cap;
    struct kube_exec *exec;
};

struct entries {
    struct entry *v;
    size_t n, cap;
    /* name -> index + 1, open addressing: a kubeconfig with 100,000 users
     * must load in linear time, and every entry is looked up once as it is
     * added (first one wins) */
    size_t *slot;
    size_t nslot;
};

struct kubeconfig {
    struct entries clusters, users, contexts;
    char *current;      /* current-context, "" if unset */
    char *current_file; /* file that set it */
    struct buf source;  /* "a, b" — the files read */
    bool in_cluster;    /* no file existed */
};

/* ---- small helpers ---- */

static void exec_free(struct kube_exec *e)
{
    if (!e) return;
    free(e->api_version);
    free(e->command);
    for (char **p = e->args; p && *p; p++) free(*p);
    free(e->args);
    for (char **p = e->env; p && *p; p++) free(*p);
    free(e->env);
    free(e->interactive_mode);
    free(e->install_hint);
    free(e);
}

static struct kube_exec *exec_dup(const struct kube_exec *e)
{
    if (!e) return NULL;
    struct kube_exec *d = xcalloc(1, sizeof *d);
    d->api_version = xstrdup(e->api_version);
    d->command = xstrdup(e->command);
    d->interactive_mode = xstrdup(e->interactive_mode);
    d->install_hint = xstrdup(e->install_hint);
    d->provide_cluster_info = e->provide_cluster_info;
    size_t n = 0;
    while (e->args && e->args[n]) n++;
    d->args = xcalloc(n + 1, sizeof *d->args);
    for (size_t i = 0; i < n; i++) d->args[i] = xstrdup(e->args[i]);
    n = 0;
    while (e->env && e->env[n]) n++;
    d->env = xcalloc(n + 1, sizeof *d->env);
    for (size_t i = 0; i < n; i++) d->env[i] = xstrdup(e->env[i]);
    return d;
}

static void entry_free(struct entry *e)
{
    free(e->name);
    free(e->file);
    for (size_t i = 0; i < e->nkv; i++) {
        free(e->kv[i].key);
        /* values may be secrets: wipe before freeing */
        if (e->kv[i].val) explicit_bzero(e->kv[i].val, strlen(e->kv[i].val));
        free(e->kv[i].val);
    }
    free(e->kv);
    exec_free(e->exec);
}

static void entries_free(struct entries *es)
{
    for (size_t i = 0; i < es->n; i++) entry_free(&es->v[i]);
    free(es->v);
    free(es->slot);
}

static size_t name_hash(const char *s)
{
    size_t h = 14695981039346656037u; /* FNV-1a */
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

static void slot_put(size_t *slot, size_t nslot, const char *name, size_t idx1)
{
    for (size_t i = name_hash(name) & (nslot - 1);; i = (i + 1) & (nslot - 1)) {
        if (!slot[i]) {
            slot[i] = idx1;
            return;
        }
    }
}

static const struct entry *entries_find(const struct entries *es, const char *name)
{
    if (!es->nslot) return NULL;
    for (size_t i = name_hash(name) & (es->nslot - 1); es->slot[i]; i = (i + 1) & (es->nslot - 1))
        if (strcmp(es->v[es->slot[i] - 1].name, name) == 0) return &es->v[es->slot[i] - 1];
    return NULL;
}

/* Appends e (whose name is not in es yet) and indexes it. */
static void entries_add(struct entries *es, struct entry e)
{
    es->v = xgrow(es->v, &es->cap, es->n + 1, sizeof *es->v);
    es->v[es->n++] = e;
    if (es->n * 2 > es->nslot) { /* keep the table at most half full */
        size_t n = es->nslot ? es->nslot * 2 : 16;
        while (es->n * 2 > n) n *= 2;
        free(es->slot);
        es->slot = xcalloc(n, sizeof *es->slot);
        es->nslot = n;
        for (size_t i = 0; i < es->n; i++) slot_put(es->slot, n, es->v[i].name, i + 1);
    } else {
        slot_put(es->slot, es->nslot, e.name, es->n);
    }
}

static const char *entry_get(const struct entry *e, const char *key)
{
    for (size_t i = 0; e && i < e->nkv; i++)
        if (strcmp(e->kv[i].key, key) == 0) return e->kv[i].val;
    return NULL;
}

/* A duplicate key is kept too: entry_get returns the first, so the first
 * wins without a quadratic scan here. */
static void entry_set(struct entry *e, const char *key, const char *val)
{
    e->kv = xgrow(e->kv, &e->cap, e->nkv + 1, sizeof *e->kv);
    e->kv[e->nkv].key = xstrdup(key);
    e->kv[e->nkv].val = xstrdup(val);
    e->nkv++;
}

void kubeconfig_free(struct kubeconfig *kc)
{
    if (!kc) return;
    entries_free(&kc->clusters);
    entries_free(&kc->users);
    entries_free(&kc->contexts);
    free(kc->current);
    free(kc->current_file);
    buf_free(&kc->source);
    free(kc);
}

/* ---- YAML walking ---- */

static yaml_node_t *ynode(yaml_document_t *d, int i)
{
    return i ? yaml_document_get_node(d, i) : NULL;
}

/* Scalar text, or NULL for a non-scalar or a YAML null. */
static const char *yscalar(yaml_node_t *n)
{
    if (!n || n->type != YAML_SCALAR_NODE) return NULL;
    const char *v = (const char *)n->data.scalar.value;
    if (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
        (strcmp(v, "null") == 0 || strcmp(v, "~") == 0 || strcmp(v, "Null") == 0 ||
         strcmp(v, "NULL") == 0 || v[0] == 0))
        return NULL;
    return v;
}

/* A scalar that holds NUL bytes cannot be a path, name or token. */
static bool yscalar_clean(yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE &&
           strlen((const char *)n->data.scalar.value) == n->data.scalar.length;
}

/* Items of a sequence node; 0 for anything else (or no node). */
static size_t yseq_len(const yaml_node_t *n)
{
    if (!n || n->type != YAML_SEQUENCE_NODE) return 0;
    return (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
}

static yaml_node_t *ymap_get(yaml_document_t *d, yaml_node_t *map, const char *key)
{
    if (!map || map->type != YAML_MAPPING_NODE) return NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = ynode(d, p->key);
        if (k && k->type == YAML_SCALAR_NODE && strcmp((const char *)k->data.scalar.value, key) == 0)
            return ynode(d, p->value);
    }
    return NULL;
}

static int parse_exec(yaml_document_t *d, yaml_node_t *n, const char *file, const char *user,
                      struct kube_exec **out, char *err, size_t errlen)
{
    if (n->type != YAML_MAPPING_NODE)
        return errf(err, errlen, "kubeconfig %s: user '%s': exec must be a mapping", file, user);
    struct kube_exec *e = xcalloc(1, sizeof *e);
    const char *cmd = yscalar(ymap_get(d, n, "command"));
    const char *av = yscalar(ymap_get(d, n, "apiVersion"));
    const char *im = yscalar(ymap_get(d, n, "interactiveMode"));
    const char *hint = yscalar(ymap_get(d, n, "installHint"));
    const char *pci = yscalar(ymap_get(d, n, "provideClusterInfo"));
    if (!cmd || !yscalar_clean(ymap_get(d, n, "command"))) {
        exec_free(e);
        return errf(err, errlen, "kubeconfig %s: user '%s': exec.command is missing", file, user);
    }
    if (!av || (strcmp(av, "client.authentication.k8s.io/v1") != 0 &&
                strcmp(av, "client.authentication.k8s.io/v1beta1") != 0)) {
        exec_free(e);
        return errf(err, errlen,
                    "kubeconfig %s: user '%s': exec.apiVersion must be client.authentication.k8s.io/v1 or /v1beta1",
                    file, user);
    }
    if (im && strcmp(im, "Never") != 0 && strcmp(im, "IfAvailable") != 0 && strcmp(im, "Always") != 0) {
        exec_free(e);
        return errf(err, errlen,
                    "kubeconfig %s: user '%s': exec.interactiveMode must be Never, IfAvailable or Always",
                    file, user);
    }
    if (!im && strcmp(av, "client.authentication.k8s.io/v1") == 0) {
        exec_free(e);
        return errf(err, errlen, "kubeconfig %s: user '%s': exec.interactiveMode must be specified for %s",
                    file, user, av);
    }
    e->command = xstrdup(cmd);
    e->api_version = xstrdup(av);
    e->interactive_mode = xstrdup(im ? im : "IfAvailable");
    e->install_hint = xstrdup(hint);
    e->provide_cluster_info = pci && strcmp(pci, "true") == 0;

    yaml_node_t *args = ymap_get(d, n, "args");
    size_t na = yseq_len(args);
    e->args = xcalloc(na + 1, sizeof *e->args);
    for (size_t i = 0; i < na; i++) {
        yaml_node_t *a = ynode(d, args->data.sequence.items.start[i]);
        if (!a || a->type != YAML_SCALAR_NODE || !yscalar_clean(a)) {
            exec_free(e);
            return errf(err, errlen, "kubeconfig %s: user '%s': exec.args[%zu] is not a string", file, user, i);
        }
        e->args[i] = xstrdup((const char *)a->data.scalar.value);
    }
    yaml_node_t *env = ymap_get(d, n, "env");
    size_t ne = yseq_len(env);
    e->env = xcalloc(ne + 1, sizeof *e->env);
    for (size_t i = 0; i < ne; i++) {
        yaml_node_t *item = ynode(d, env->data.sequence.items.start[i]);
        yaml_node_t *nn = ymap_get(d, item, "name"), *vn = ymap_get(d, item, "value");
        const char *name = yscalar(nn);
        const char *val = vn && vn->type == YAML_SCALAR_NODE ? (const char *)vn->data.scalar.value : "";
        if (!name || !yscalar_clean(nn) || strchr(name, '=') || (vn && !yscalar_clean(vn))) {
            exec_free(e);
            return errf(err, errlen, "kubeconfig %s: user '%s': exec.env[%zu] needs a name and a value",
                        file, user, i);
        }
        e->env[i] = xasprintf("%s=%s", name, val);
    }
    *out = e;
    return 0;
}

/* Reads one of the clusters/users/contexts lists: [{name, <inner>: {...}}]. */
static int parse_list(yaml_document_t *d, yaml_node_t *root, const char *listkey, const char *inner,
                      const char *file, struct entries *es, char *err, size_t errlen)
{
    yaml_node_t *seq = ymap_get(d, root, listkey);
    if (!seq || (seq->type == YAML_SCALAR_NODE && !yscalar(seq))) return 0;
    if (seq->type != YAML_SEQUENCE_NODE)
        return errf(err, errlen, "kubeconfig %s: '%s' must be a list", file, listkey);
    size_t n = yseq_len(seq);
    for (size_t i = 0; i < n; i++) {
        yaml_node_t *item = ynode(d, seq->data.sequence.items.start[i]);
        if (!item || item->type != YAML_MAPPING_NODE)
            return errf(err, errlen, "kubeconfig %s: %s[%zu] must be a mapping", file, listkey, i);
        yaml_node_t *nn = ymap_get(d, item, "name");
        const char *name = yscalar(nn);
        if (!name || !yscalar_clean(nn))
            return errf(err, errlen, "kubeconfig %s: %s[%zu] has no name", file, listkey, i);
        if (entries_find(es, name)) continue; /* first file (or first entry) wins */
        yaml_node_t *body = ymap_get(d, item, inner);
        if (body && body->type != YAML_MAPPING_NODE && yscalar(body))
            return errf(err, errlen, "kubeconfig %s: %s '%s': '%s' must be a mapping", file,
                        inner, name, inner);
        struct entry e = {.name = xstrdup(name), .file = xstrdup(file)};
        if (body && body->type == YAML_MAPPING_NODE) {
            for (yaml_node_pair_t *p = body->data.mapping.pairs.start; p < body->data.mapping.pairs.top; p++) {
                yaml_node_t *k = ynode(d, p->key), *v = ynode(d, p->value);
                if (!k || k->type != YAML_SCALAR_NODE || !v) continue;
                const char *key = (const char *)k->data.scalar.value;
                if (strcmp(key, "exec") == 0 && strcmp(inner, "user") == 0) {
                    if (!yscalar(v) && v->type == YAML_SCALAR_NODE) continue;
                    if (parse_exec(d, v, file, name, &e.exec, err, errlen) < 0) {
                        entry_free(&e);
                        return -1;
                    }
                    continue;
                }
                if (v->type != YAML_SCALAR_NODE) continue; /* extensions, auth-provider … */
                const char *val = yscalar(v);
                if (!val) continue;
                if (!yscalar_clean(v)) {
                    entry_free(&e);
                    return errf(err, errlen, "kubeconfig %s: %s '%s': field '%s' contains a NUL byte",
                                file, inner, name, key);
                }
                entry_set(&e, key, val);
            }
        }
        entries_add(es, e);
    }
    return 0;
}

/* libyaml takes quadratic time on deeply nested flow collections; no
 * kubeconfig nests more than a few levels, so refuse absurd depth first. */
static bool too_deep(const char *data, size_t len)
{
    int depth = 0;
    char quote = 0;
    for (size_t i = 0; i < len; i++) {
        char ch = data[i];
        bool word_start = i == 0 || strchr(" \t\n:[{,-", data[i - 1]) != NULL;
        if (ch == '\n' && depth == 0) {
            quote = 0; /* block context: quotes rarely span lines; resync */
        } else if (quote) {
            if (ch == quote) quote = 0;
            else if (ch == '\\' && quote == '"') i++;
        } else if ((ch == '"' || ch == '\'') && word_start) {
            quote = ch;
        } else if (ch == '#' && word_start) {
            while (i + 1 < len && data[i + 1] != '\n') i++;
        } else if (ch == '[' || ch == '{') {
            if (++depth > 200) return true;
        } else if ((ch == ']' || ch == '}') && depth > 0) {
            depth--;
        }
    }
    return false;
}

static int merge_document(struct kubeconfig *kc, const char *data, size_t len, const char *file,
                          char *err, size_t errlen)
{
    if (too_deep(data, len)) return errf(err, errlen, "kubeconfig %s: nested too deeply to be a kubeconfig", file);
    yaml_parser_t parser;
    yaml_document_t doc;
    if (!yaml_parser_initialize(&parser)) return errf(err, errlen, "kubeconfig %s: cannot start the YAML parser", file);
    yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
    if (!yaml_parser_load(&parser, &doc)) {
        errf(err, errlen, "kubeconfig %s: invalid YAML at line %zu column %zu: %s", file,
             parser.problem_mark.line + 1, parser.problem_mark.column + 1,
             parser.problem ? parser.problem : "unknown error");
        yaml_parser_delete(&parser);
        return -1;
    }
    yaml_parser_delete(&parser);
    int rc = 0;
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (!root || (root->type == YAML_SCALAR_NODE && !yscalar(root))) goto out; /* empty file */
    if (root->type != YAML_MAPPING_NODE) {
        rc = errf(err, errlen, "kubeconfig %s: the top level must be a mapping (apiVersion, clusters, users, contexts)", file);
        goto out;
    }
    yaml_node_t *cur = ymap_get(&doc, root, "current-context");
    const char *cc = yscalar(cur);
    if (cc && !kc->current_file && yscalar_clean(cur)) {
        free(kc->current);
        kc->current = xstrdup(cc);
        kc->current_file = xstrdup(file);
    }
    if (parse_list(&doc, root, "clusters", "cluster", file, &kc->clusters, err, errlen) < 0 ||
        parse_list(&doc, root, "users", "user", file, &kc->users, err, errlen) < 0 ||
        parse_list(&doc, root, "contexts", "context", file, &kc->contexts, err, errlen) < 0)
        rc = -1;
out:
    yaml_document_delete(&doc);
    return rc;
}

static struct kubeconfig *kc_new(void)
{
    struct kubeconfig *kc = xcalloc(1, sizeof *kc);
    kc->current = xstrdup("");
    return kc;
}

static void add_source(struct kubeconfig *kc, const char *file)
{
    if (kc->source.len) buf_puts(&kc->source, ", ");
    buf_puts(&kc->source, file);
}

int kubeconfig_load_data(const char *data, size_t len, const char *name, struct kubeconfig **out,
                         char *err, size_t errlen)
{
    struct kubeconfig *kc = kc_new();
    add_source(kc, name);
    if (merge_document(kc, data, len, name, err, errlen) < 0) {
        kubeconfig_free(kc);
        return -1;
    }
    *out = kc;
    return 0;
}

/* Reads a whole file (capped). 1 = does not exist, 0 = ok, -1 = error. */
static int read_file(const char *path, struct buf *b, size_t cap, const char *what, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (errno == ENOENT) return 1;
        return errf(err, errlen, "cannot open %s %s: %s", what, path, strerror(errno));
    }
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (b->len + n > cap) {
            fclose(f);
            return errf(err, errlen, "%s %s is larger than %zu bytes", what, path, cap);
        }
        buf_append(b, chunk, n);
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) return errf(err, errlen, "cannot read %s %s", what, path);
    return 0;
}

/* Loads one file into kc. 1 = missing (and allowed to be), 0 ok, -1 error. */
static int merge_file(struct kubeconfig *kc, const char *path, bool must_exist, char *err, size_t errlen)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return errf(err, errlen, "kubeconfig %s is a directory", path);
    struct buf b = {0};
    int rc = read_file(path, &b, KUBECONFIG_MAX_BYTES, "kubeconfig", err, errlen);
    if (rc == 1) {
        buf_free(&b);
        if (must_exist) return errf(err, errlen, "kubeconfig %s does not exist", path);
        return 1;
    }
    if (rc == 0) {
        add_source(kc, path);
        rc = merge_document(kc, b.p ? b.p : "", b.len, path, err, errlen);
    }
    if (b.p) explicit_bzero(b.p, b.len);
    buf_free(&b);
    return rc;
}

int kubeconfig_load(const char *explicit_paths, struct kubeconfig **out, char *err, size_t errlen)
{
    struct kubeconfig *kc = kc_new();
    const char *list = explicit_paths;
    bool must_exist = true;
    char *home_cfg = NULL;
    if (!list || !*list) {
        must_exist = false;
        list = getenv("KUBECONFIG");
        if (!list || !*list) {
            const char *home = getenv("HOME");
            home_cfg = xasprintf("%s/.kube/config", home && *home ? home : ".");
            list = home_cfg;
        }
    }
    /* An explicit path that exists as written is one file even if it has a ':'. */
    struct stat st;
    char *copy = (explicit_paths && stat(explicit_paths, &st) == 0) ? NULL : xstrdup(list);
    int loaded = 0, rc = 0;
    if (!copy) {
        rc = merge_file(kc, explicit_paths, true, err, errlen);
        loaded = rc == 0;
    } else {
        char *save = NULL;
        const char **seen = NULL;
        size_t nseen = 0, seencap = 0;
        for (char *p = strtok_r(copy, ":", &save); p; p = strtok_r(NULL, ":", &save)) {
            bool dup = false; /* kubectl reads a file listed twice once */
            for (size_t i = 0; i < nseen; i++)
                if (strcmp(seen[i], p) == 0) dup = true;
            if (dup) continue;
            seen = xgrow(seen, &seencap, nseen + 1, sizeof *seen);
            seen[nseen++] = p;
            rc = merge_file(kc, p, must_exist, err, errlen);
            if (rc < 0) break;
            if (rc == 0) loaded++;
            rc = 0;
        }
        free(seen);
        free(copy);
    }
    free(home_cfg);
    if (rc < 0) {
        kubeconfig_free(kc);
        return -1;
    }
    if (!loaded) kc->in_cluster = true;
    /* The process now holds credentials (every user's, and the in-cluster
     * token is read next): no core dump, no ptrace by other users. */
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    *out = kc;
    return 0;
}

const char *kubeconfig_current_context(const struct kubeconfig *kc) { return kc->current; }
const char *kubeconfig_source(const struct kubeconfig *kc)
{
    return kc->in_cluster ? "in-cluster config" : kc->source.p ? kc->source.p : "";
}
size_t kubeconfig_context_count(const struct kubeconfig *kc) { return kc->contexts.n; }
const char *kubeconfig_context_name(const struct kubeconfig *kc, size_t i)
{
    return i < kc->contexts.n ? kc->contexts.v[i].name : NULL;
}

/* ---- base64 ---- */

unsigned char *kube_base64_decode(const char *s, size_t *outlen)
{
    size_t n = strlen(s);
    char *clean = xmalloc(n + 4);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\n' && s[i] != '\r' && s[i] != '\t') clean[m++] = s[i];
    /* Go's StdEncoding needs padding; accept unpadded input as kubectl's
     * YAML tooling sometimes writes it, by padding it here. */
    if (m % 4 == 1 || m > INT_MAX - 4) {
        free(clean);
        return NULL;
    }
    while (m % 4) clean[m++] = '=';
    size_t pad = 0;
    if (m >= 1 && clean[m - 1] == '=') pad++;
    if (m >= 2 && clean[m - 2] == '=') pad++;
    unsigned char *out = xmalloc(m / 4 * 3 + 1);
    int r = EVP_DecodeBlock(out, (const unsigned char *)clean, (int)m);
    free(clean);
    if (r < 0 || (size_t)r < pad) {
        free(out);
        return NULL;
    }
    *outlen = (size_t)r - pad;
    out[*outlen] = 0;
    return out;
}

/* ---- resolve ---- */

static char *abs_path(const char *path, const char *file)
{
    if (!path) return NULL;
    if (path[0] == '/' || !file) return xstrdup(path);
    if (path[0] == '~' && path[1] == '/') {
        const char *home = getenv("HOME");
        return xasprintf("%s%s", home ? home : "", path + 1);
    }
    const char *slash = strrchr(file, '/');
    if (!slash) return xstrdup(path);
    return xasprintf("%.*s/%s", (int)(slash - file), file, path);
}

static int check_readable(const char *path, const char *kind, const char *name, const char *field,
                          const char *file, char *err, size_t errlen)
{
    if (access(path, R_OK) == 0) return 0;
    return errf(err, errlen, "kubeconfig %s: %s '%s': %s %s cannot be read: %s", file, kind, name,
                field, path, strerror(errno));
}

static int decode_field(const struct entry *e, const char *key, const char *kind, unsigned char **out,
                        size_t *outlen, char *err, size_t errlen)
{
    const char *v = entry_get(e, key);
    if (!v) return 0;
    *out = kube_base64_decode(v, outlen);
    if (!*out)
        return errf(err, errlen, "kubeconfig %s: %s '%s': %s is not valid base64", e->file, kind, e->name, key);
    return 0;
}

static int parse_bool(const struct entry *e, const char *key, const char *kind, bool *out, char *err, size_t errlen)
{
    const char *v = entry_get(e, key);
    if (!v) return 0;
    if (strcmp(v, "true") == 0 || strcmp(v, "True") == 0 || strcmp(v, "TRUE") == 0) *out = true;
    else if (strcmp(v, "false") == 0 || strcmp(v, "False") == 0 || strcmp(v, "FALSE") == 0) *out = false;
    else return errf(err, errlen, "kubeconfig %s: %s '%s': %s must be true or false", e->file, kind, e->name, key);
    return 0;
}

static char *trim_server(const char *s)
{
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == '/') n--;
    return xstrndup(s, n);
}

int kube_read_token_file(const char *path, char **out, char *err, size_t errlen)
{
    struct buf b = {0};
    int rc = read_file(path, &b, KUBE_TOKEN_FILE_MAX, "tokenFile", err, errlen);
    if (rc != 0) {
        if (b.p) explicit_bzero(b.p, b.len);
        buf_free(&b);
        return rc;
    }
    while (b.len && (b.p[b.len - 1] == '\n' || b.p[b.len - 1] == '\r' || b.p[b.len - 1] == ' ')) b.p[--b.len] = 0;
    *out = b.p ? buf_detach(&b) : xstrdup("");
    return 0;
}

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

/* Percent-decodes n bytes of a URL's userinfo part. */
static char *pct_decode(const char *s, size_t n)
{
    char *d = xmalloc(n + 1);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            d[m++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        } else {
            d[m++] = s[i];
        }
    }
    d[m] = 0;
    return d;
}

/* A server URL's userinfo (https://user:pass@host) is basic auth, as Go's
 * HTTP client sends it. It is cut out of the server here, so that no URL we
 * print carries it, and kept as username/password, which follow the rules
 * of every credential (never over plain http). */
static void split_userinfo(char *server, char **user, char **pass)
{
    *user = *pass = NULL;
    char *auth = strstr(server, "://");
    if (!auth) return;
    auth += 3;
    size_t alen = strcspn(auth, "/?#");
    char *at = NULL;
    for (size_t i = 0; i < alen; i++)
        if (auth[i] == '@') at = auth + i;
    if (!at) return;
    size_t ulen = (size_t)(at - auth);
    const char *colon = memchr(auth, ':', ulen);
    if (colon) {
        *user = pct_decode(auth, (size_t)(colon - auth));
        *pass = pct_decode(colon + 1, ulen - (size_t)(colon - auth) - 1);
    } else {
        *user = pct_decode(auth, ulen);
    }
    explicit_bzero(auth, ulen + 1);
    memmove(auth, at + 1, strlen(at + 1) + 1);
}

static int resolve_in_cluster(const char *ns, struct kube_config **out, char *err, size_t errlen)
{
    const char *host = getenv("KUBERNETES_SERVICE_HOST");
    const char *port = getenv("KUBERNETES_SERVICE_PORT");
    const char *kenv = getenv("KUBECONFIG");
    if ((!host || !*host || !port || !*port) && kenv && *kenv)
        return errf(err, errlen,
                    "no kubeconfig found: none of the files in $KUBECONFIG (%s) exists, and not running inside "
                    "a cluster (KUBERNETES_SERVICE_HOST/KUBERNETES_SERVICE_PORT unset)", kenv);
    if (!host || !*host || !port || !*port)
        return errf(err, errlen,
                    "no kubeconfig found ($KUBECONFIG or ~/.kube/config) and not running inside a cluster "
                    "(KUBERNETES_SERVICE_HOST/KUBERNETES_SERVICE_PORT unset)");
    const char *dir = getenv("ARTRIAGE_SA_DIR");
    if (!dir || !*dir) dir = KUBE_SA_DIR;
    struct kube_config *c = xcalloc(1, sizeof *c);
    c->source = xstrdup("in-cluster config");
    c->context = xstrdup("");
    c->cluster_name = xstrdup("in-cluster");
    c->user_name = xstrdup("serviceaccount");
    c->server = strchr(host, ':') ? xasprintf("https://[%s]:%s", host, port) : xasprintf("https://%s:%s", host, port);
    c->token_file = xasprintf("%s/token", dir);
    c->ca_file = xasprintf("%s/ca.crt", dir);
    struct buf b = {0};
    int rc = read_file(c->token_file, &b, 1 << 20, "service account token", err, errlen);
    if (rc != 0) {
        if (rc == 1) errf(err, errlen, "in-cluster config: service account token %s does not exist", c->token_file);
        buf_free(&b);
        kube_config_free(c);
        return -1;
    }
    while (b.len && (b.p[b.len - 1] == '\n' || b.p[b.len - 1] == '\r')) b.p[--b.len] = 0;
    c->token = buf_detach(&b);
    if (access(c->ca_file, R_OK) != 0) {
        errf(err, errlen, "in-cluster config: CA file %s cannot be read: %s", c->ca_file, strerror(errno));
        kube_config_free(c);
        return -1;
    }
    if (ns && *ns) {
        c->ns = xstrdup(ns);
        c->ns_explicit = true;
    } else {
        char *nsf = xasprintf("%s/namespace", dir);
        struct buf nb = {0};
        if (read_file(nsf, &nb, 4096, "namespace file", NULL, 0) == 0 && nb.len) {
            size_t n = strcspn(nb.p, "\r\n");
            c->ns = xstrndup(nb.p, n);
        }
        buf_free(&nb);
        free(nsf);
        if (!c->ns || !*c->ns) {
            free(c->ns);
            c->ns = xstrdup("default");
        }
    }
    *out = c;
    return 0;
}

int kubeconfig_resolve(const struct kubeconfig *kc, const char *context, const char *ns,
                       struct kube_config **out, char *err, size_t errlen)
{
    if (kc->in_cluster && !(context && *context)) return resolve_in_cluster(ns, out, err, errlen);
    const char *src = kubeconfig_source(kc);
    const char *ctxname = context && *context ? context : kc->current;
    if (!ctxname || !*ctxname)
        return errf(err, errlen, "kubeconfig %s: current-context is not set (use --context)", src);
    const struct entry *ctx = entries_find(&kc->contexts, ctxname);
    /* a name can be megabytes: keep the files named within the message */
    if (!ctx) return errf(err, errlen, "context '%.200s%s' not found in %s", ctxname, strlen(ctxname) > 200 ? "..." : "", src);
    const char *clname = entry_get(ctx, "cluster");
    if (!clname) return errf(err, errlen, "kubeconfig %s: context '%s' has no cluster", ctx->file, ctxname);
    const struct entry *cl = entries_find(&kc->clusters, clname);
    if (!cl)
        return errf(err, errlen, "kubeconfig %s: context '%s' names cluster '%s', which is not defined in %s",
                    ctx->file, ctxname, clname, src);
    const char *uname = entry_get(ctx, "user");
    const struct entry *us = uname ? entries_find(&kc->users, uname) : NULL;
    if (uname && !us)
        return errf(err, errlen, "kubeconfig %s: context '%s' names user '%s', which is not defined in %s",
                    ctx->file, ctxname, uname, src);

    struct kube_config *c = xcalloc(1, sizeof *c);
    char *url_user = NULL, *url_pass = NULL;
    c->source = xstrdup(src);
    c->context = xstrdup(ctxname);
    c->cluster_name = xstrdup(clname);
    c->user_name = xstrdup(uname ? uname : "");
    const char *cns = entry_get(ctx, "namespace");
    c->ns_explicit = ns && *ns;
    c->ns = xstrdup(c->ns_explicit ? ns : cns ? cns : "default");
    if (!kube_is_dns1123_label(c->ns)) {
        /* as the API server would; a path segment like ".." is another request */
        if (c->ns_explicit)
            errf(err, errlen, "namespace '%s' is not a valid namespace name (a DNS-1123 label)", c->ns);
        else
            errf(err, errlen, "kubeconfig %s: context '%s': namespace '%s' is not a valid namespace name (a DNS-1123 "
                 "label)", ctx->file, ctxname, c->ns);
        goto fail;
    }

    const char *server = entry_get(cl, "server");
    if (!server) {
        errf(err, errlen, "kubeconfig %s: cluster '%s' has no server", cl->file, clname);
        goto fail;
    }
    if (strncmp(server, "https://", 8) != 0 && strncmp(server, "http://", 7) != 0) {
        errf(err, errlen, "kubeconfig %s: cluster '%s': server '%s' is not an http(s) URL", cl->file, clname, server);
        goto fail;
    }
    c->server = trim_server(server);
    split_userinfo(c->server, &url_user, &url_pass);
    if (parse_bool(cl, "insecure-skip-tls-verify", "cluster", &c->insecure, err, errlen) < 0) goto fail;
    c->tls_server_name = xstrdup(entry_get(cl, "tls-server-name"));
    c->proxy_url = xstrdup(entry_get(cl, "proxy-url"));
    if (decode_field(cl, "certificate-authority-data", "cluster", &c->ca_data, &c->ca_len, err, errlen) < 0) goto fail;
    if (!c->ca_data && entry_get(cl, "certificate-authority")) {
        c->ca_file = abs_path(entry_get(cl, "certificate-authority"), cl->file);
        if (check_readable(c->ca_file, "cluster", clname, "certificate-authority", cl->file, err, errlen) < 0) goto fail;
    }
    if (c->insecure && (c->ca_data || c->ca_file)) {
        errf(err, errlen, "kubeconfig %s: cluster '%s': a certificate authority together with insecure-skip-tls-verify is not allowed",
             cl->file, clname);
        goto fail;
    }
    if (us) {
        const char *kind = "user";
        c->token = xstrdup(entry_get(us, "token"));
        if (entry_get(us, "tokenFile")) {
            c->token_file = abs_path(entry_get(us, "tokenFile"), us->file);
            if (!c->token) {
                int rc = kube_read_token_file(c->token_file, &c->token, err, errlen);
                if (rc != 0) {
                    if (rc == 1)
                        errf(err, errlen, "kubeconfig %s: user '%s': tokenFile %s does not exist", us->file,
                             uname, c->token_file);
                    else
                        errprefix(err, errlen, "kubeconfig %s: user '%s'", us->file, uname);
                    goto fail;
                }
            }
        }
        if (decode_field(us, "client-certificate-data", kind, &c->cert_data, &c->cert_len, err, errlen) < 0 ||
            decode_field(us, "client-key-data", kind, &c->key_data, &c->key_len, err, errlen) < 0)
            goto fail;
        if (!c->cert_data && entry_get(us, "client-certificate")) {
            c->cert_file = abs_path(entry_get(us, "client-certificate"), us->file);
            if (check_readable(c->cert_file, kind, uname, "client-certificate", us->file, err, errlen) < 0) goto fail;
        }
        if (!c->key_data && entry_get(us, "client-key")) {
            c->key_file = abs_path(entry_get(us, "client-key"), us->file);
            if (check_readable(c->key_file, kind, uname, "client-key", us->file, err, errlen) < 0) goto fail;
        }
        bool has_cert = c->cert_data || c->cert_file, has_key = c->key_data || c->key_file;
        if (has_cert != has_key) {
            errf(err, errlen, "kubeconfig %s: user '%s': %s is set without %s", us->file, uname,
                 has_cert ? "client-certificate" : "client-key", has_cert ? "client-key" : "client-certificate");
            goto fail;
        }
        c->username = xstrdup(entry_get(us, "username"));
        c->password = xstrdup(entry_get(us, "password"));
        if (c->token && (c->username || c->password)) {
            errf(err, errlen, "kubeconfig %s: user '%s': more than one authentication method (token and username/password)",
                 us->file, uname);
            goto fail;
        }
        if (us->exec) {
            c->exec = exec_dup(us->exec);
            if (strchr(c->exec->command, '/') && c->exec->command[0] != '/') {
                char *p = abs_path(c->exec->command, us->file);
                free(c->exec->command);
                c->exec->command = p;
            }
        }
    }
    if (url_user || url_pass) {
        if (!c->token && !c->username && !c->password) {
            c->username = url_user;
            c->password = url_pass;
            url_user = url_pass = NULL;
        }
        if (url_user) explicit_bzero(url_user, strlen(url_user));
        if (url_pass) explicit_bzero(url_pass, strlen(url_pass));
        free(url_user);
        free(url_pass);
    }
    *out = c;
    return 0;
fail:
    if (url_user) explicit_bzero(url_user, strlen(url_user));
    if (url_pass) explicit_bzero(url_pass, strlen(url_pass));
    free(url_user);
    free(url_pass);
    kube_config_free(c);
    return -1;
}

static unsigned char *memdup(const unsigned char *p, size_t n)
{
    if (!p) return NULL;
    unsigned char *d = xmalloc(n + 1);
    memcpy(d, p, n);
    d[n] = 0;
    return d;
}

struct kube_config *kube_config_dup(const struct kube_config *s)
{
    struct kube_config *c = xcalloc(1, sizeof *c);
    c->source = xstrdup(s->source);
    c->context = xstrdup(s->context);
    c->cluster_name = xstrdup(s->cluster_name);
    c->user_name = xstrdup(s->user_name);
    c->ns = xstrdup(s->ns);
    c->ns_explicit = s->ns_explicit;
    c->server = xstrdup(s->server);
    c->ca_file = xstrdup(s->ca_file);
    c->ca_data = memdup(s->ca_data, s->ca_len);
    c->ca_len = s->ca_len;
    c->insecure = s->insecure;
    c->tls_server_name = xstrdup(s->tls_server_name);
    c->proxy_url = xstrdup(s->proxy_url);
    c->token = xstrdup(s->token);
    c->token_file = xstrdup(s->token_file);
    c->cert_file = xstrdup(s->cert_file);
    c->key_file = xstrdup(s->key_file);
    c->cert_data = memdup(s->cert_data, s->cert_len);
    c->cert_len = s->cert_len;
    c->key_data = memdup(s->key_data, s->key_len);
    c->key_len = s->key_len;
    c->username = xstrdup(s->username);
    c->password = xstrdup(s->password);
    c->exec = exec_dup(s->exec);
    return c;
}

static void free_secret(void *p, size_t n)
{
    if (p) explicit_bzero(p, n);
    free(p);
}

void kube_config_free(struct kube_config *c)
{
    if (!c) return;
    free(c->source);
    free(c->context);
    free(c->cluster_name);
    free(c->user_name);
    free(c->ns);
    free(c->server);
    free(c->ca_file);
    free(c->ca_data);
    free(c->tls_server_name);
    free(c->proxy_url);
    free_secret(c->token, c->token ? strlen(c->token) : 0);
    free(c->token_file);
    free(c->cert_file);
    free(c->key_file);
    free(c->cert_data);
    free_secret(c->key_data, c->key_len);
    free(c->username);
    free_secret(c->password, c->password ? strlen(c->password) : 0);
    exec_free(c->exec);
    free(c);
}
