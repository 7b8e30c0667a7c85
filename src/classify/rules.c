/* Rule files: parsing (docs/rules.md), loading from the shipped, user and
 * --rules directories, and compiling into a scanner (Hyperscan when built
 * with it, else one combined PCRE2 regex) plus per-pattern PCRE2 JIT code
 * that confirms each candidate line. */
#include "classify/internal.h"
#include "util/err.h"
#include "util/xalloc.h"
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#define RULE_FILE_MAX (4 * 1024 * 1024)

static const char *const marker_names[MARK_COUNT] = {
    [MARK_FAILURE] = "@failure",
    [MARK_SUCCESS] = "@success",
    [MARK_RETRY] = "@retry",
    [MARK_EXE_MISSING] = "@exe-missing",
    [MARK_WORKSPACE_MISSING] = "@workspace-missing",
    [MARK_WORKSPACE_PRESENT] = "@workspace-present",
    [MARK_GIT_PRESENT] = "@git-present",
    [MARK_CMD_START] = "@command-start",
    [MARK_CMD_END] = "@command-end",
    [MARK_SCRIPT_START] = "@script-start",
    [MARK_SCRIPT_END] = "@script-end",
    [MARK_STEP_START] = "@step-start",
    [MARK_STEP_FAILED] = "@step-failed",
    [MARK_RESOLVED] = "@resolved",
    [MARK_ERROR_BLOCK] = "@error-block",
    [MARK_STEP_FAILED_CONT] = "@step-failed-continued",
    [MARK_JOB_END] = "@job-end",
    [MARK_DIFF_HUNK] = "@diff-hunk",
    [MARK_RUN_START] = "@run-start",
    [MARK_PULLED] = "@pulled",
};

int classify_marker_of(const char *class_id)
{
    if (!class_id || class_id[0] != '@') return MARK_NONE;
    for (int m = 1; m < MARK_COUNT; m++)
        if (strcmp(class_id, marker_names[m]) == 0) return m;
    return -1;
}

int classify_outcome_parse(const char *s, enum classify_outcome *out)
{
    if (!s) return -1;
    if (strcmp(s, "failed") == 0) *out = CLASSIFY_OUTCOME_FAILED;
    else if (strcmp(s, "succeeded") == 0) *out = CLASSIFY_OUTCOME_SUCCEEDED;
    else if (strcmp(s, "unknown") == 0) *out = CLASSIFY_OUTCOME_UNKNOWN;
    else return -1;
    return 0;
}

static void rule_clear(struct crule *r)
{
    free(r->id);
    free(r->class_id);
    free(r->hint);
    free(r->file);
    free(r->alt_class);
    for (size_t i = 0; i < r->npats; i++) {
        free(r->pats[i].src);
        if (r->pats[i].re) pcre2_code_free(r->pats[i].re);
    }
    free(r->pats);
    memset(r, 0, sizeof *r);
}

struct classify_rules *classify_rules_new(void)
{
    return xcalloc(1, sizeof(struct classify_rules));
}

static void targets_free(struct classify_rules *rs)
{
    for (size_t i = 0; i < rs->ntargets; i++) free(rs->targets[i].ks);
    free(rs->targets);
    for (size_t i = 0; i < rs->nlits; i++) free(rs->lits[i]);
    free(rs->lits);
    free(rs->litlen);
    free(rs->raw);
    free(rs->bg_start);
    free(rs->bg_items);
    free(rs->gate_of);
    rs->gate_of = NULL;
    rs->ngated = 0;
    rs->targets = NULL;
    rs->lits = NULL;
    rs->litlen = NULL;
    rs->raw = NULL;
    rs->bg_start = rs->bg_items = NULL;
    rs->ntargets = rs->nlits = rs->nraw = 0;
}

static void scanner_free(struct classify_rules *rs)
{
    targets_free(rs);
    free(rs->scan);
    rs->scan = NULL;
    rs->nscan = 0;
    if (rs->combined) pcre2_code_free(rs->combined);
    rs->combined = NULL;
#ifdef HAVE_HYPERSCAN
    if (rs->scratch_proto) hs_free_scratch(rs->scratch_proto);
    if (rs->db) hs_free_database(rs->db);
    if (rs->gdb) hs_free_database(rs->gdb);
    if (rs->adb) hs_free_database(rs->adb);
    rs->scratch_proto = NULL;
    rs->db = rs->gdb = rs->adb = NULL;
#endif
}

void classify_rules_free(struct classify_rules *rs)
{
    if (!rs) return;
    for (size_t i = 0; i < rs->nrules; i++) rule_clear(&rs->rules[i]);
    free(rs->rules);
    scanner_free(rs);
    free(rs->shipped_dir);
    nb_model_free(rs->model);
    free(rs);
}

size_t classify_rules_count(const struct classify_rules *rs)
{
    size_t n = 0;
    for (size_t i = 0; i < rs->nrules; i++)
        if (!rs->rules[i].dead) n++;
    return n;
}

const char *classify_rules_version(const struct classify_rules *rs) { return rs->version; }
const char *classify_rules_shipped_dir(const struct classify_rules *rs)
{
    return rs->shipped_dir ? rs->shipped_dir : "";
}
const char *classify_rules_engine(const struct classify_rules *rs)
{
    return rs->use_hs ? "hyperscan" : "pcre2";
}

/* ---- parsing ------------------------------------------------------------ */

struct parser {
    struct classify_rules *rs;
    const char *name;
    struct buf *warn;
    struct crule cur;
    bool have, broken;
    int added;
};

static void warnf(struct parser *p, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void warnf(struct parser *p, int line, const char *fmt, ...)
{
    if (!p->warn) return;
    va_list ap;
    va_start(ap, fmt);
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    buf_printf(p->warn, "%s:%d: %s\n", p->name, line, msg);
}

static bool valid_id(const char *s)
{
    if (!*s) return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '.' && *s != '_' && *s != '-') return false;
    return true;
}

static bool valid_class(const char *s)
{
    if (s[0] == '@') return classify_marker_of(s) > 0;
    if (!islower((unsigned char)s[0]) && !isdigit((unsigned char)s[0])) return false;
    for (; *s; s++)
        if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '.' && *s != '_' &&
            *s != '-')
            return false;
    return true;
}

/* Compiles one pattern for confirmation; NULL with a message on error. */
static pcre2_code *compile_pcre(const char *src, bool caseless, char *msg, size_t msglen)
{
    int ec;
    PCRE2_SIZE eo;
    uint32_t opts = caseless ? PCRE2_CASELESS : 0;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)src, PCRE2_ZERO_TERMINATED, opts, &ec, &eo, NULL);
    if (!re) {
        char e[256];
        pcre2_get_error_message(ec, (PCRE2_UCHAR *)e, sizeof e);
        snprintf(msg, msglen, "bad pattern at offset %zu: %s", (size_t)eo, e);
        return NULL;
    }
    /* A pattern that matches an empty line would flag every line. */
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
    int rc = pcre2_match(re, (PCRE2_SPTR) "", 0, 0, 0, md, NULL);
    pcre2_match_data_free(md);
    if (rc >= 0) {
        pcre2_code_free(re);
        snprintf(msg, msglen, "pattern matches an empty line");
        return NULL;
    }
    return re; /* JIT-compiled on its first match (pat_match) */
}

/* Whether two rule file names lie in one directory (names without a '/'
 * are in the same, unnamed one). */
static bool same_dir(const char *a, const char *b)
{
    if (!a || !b) return false;
    const char *sa = strrchr(a, '/'), *sb = strrchr(b, '/');
    size_t la = sa ? (size_t)(sa - a) : 0, lb = sb ? (size_t)(sb - b) : 0;
    return la == lb && memcmp(a, b, la) == 0;
}

static void finish_rule(struct parser *p)
{
    if (!p->have) return;
    struct crule *r = &p->cur;
    bool ok = !p->broken;
    bool has_match = false;
    for (size_t i = 0; i < r->npats; i++)
        if (r->pats[i].role == PAT_MATCH) has_match = true;
    if (ok && !r->class_id) {
        warnf(p, r->line, "rule %s has no class", r->id);
        ok = false;
    }
    if (ok && !has_match) {
        warnf(p, r->line, "rule %s has no match pattern", r->id);
        ok = false;
    }
    if (ok) {
        /* Patterns were compiled case-insensitively unless "case" came
         * later; recompile those whose flag changed. */
        for (size_t i = 0; ok && i < r->npats; i++) {
            bool want = !r->case_sensitive;
            if (r->pats[i].caseless != want) {
                char msg[300];
                pcre2_code_free(r->pats[i].re);
                r->pats[i].re = compile_pcre(r->pats[i].src, want, msg, sizeof msg);
                r->pats[i].caseless = want;
                if (!r->pats[i].re) {
                    warnf(p, r->pats[i].line, "rule %s: %s", r->id, msg);
                    ok = false;
                }
            }
        }
    }
    if (!ok) {
        rule_clear(r);
    } else {
        struct classify_rules *rs = p->rs;
        struct crule *slot = NULL;
        for (size_t i = 0; i < rs->nrules; i++)
            if (!rs->rules[i].dead && strcmp(rs->rules[i].id, r->id) == 0) {
                /* a later directory overrides a rule on purpose (user rules
                 * over shipped ones); twice in one directory is two rules
                 * that happen to share a name, and one would vanish */
                if (same_dir(rs->rules[i].file, r->file))
                    warnf(p, r->line, "rule %s is already defined at %s:%d (one id per rules directory: rename one)",
                          r->id, rs->rules[i].file, rs->rules[i].line);
                rule_clear(&rs->rules[i]); /* a later file overrides the rule */
                slot = &rs->rules[i];
                break;
            }
        if (!slot) {
            rs->rules = xgrow(rs->rules, &rs->caprules, rs->nrules + 1, sizeof *rs->rules);
            slot = &rs->rules[rs->nrules++];
        }
        *slot = *r;
        memset(r, 0, sizeof *r);
        p->added++;
    }
    p->have = false;
    p->broken = false;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) s[--n] = 0;
    return s;
}

static void add_pattern(struct parser *p, int line, int role, const char *src)
{
    struct crule *r = &p->cur;
    if (!*src) {
        warnf(p, line, "rule %s: empty pattern", r->id);
        p->broken = true;
        return;
    }
    char msg[300];
    pcre2_code *re = compile_pcre(src, !r->case_sensitive, msg, sizeof msg);
    if (!re) {
        warnf(p, line, "rule %s: %s", r->id, msg);
        p->broken = true;
        return;
    }
    r->pats = xgrow(r->pats, &r->cappats, r->npats + 1, sizeof *r->pats);
    r->pats[r->npats++] = (struct cpat){.src = xstrdup(src), .role = role,
                                        .caseless = !r->case_sensitive, .line = line, .re = re,
                                        .scan = -1};
}

static void parse_line(struct parser *p, int lineno, char *line)
{
    char *s = trim(line);
    if (!*s || *s == '#') return;
    char *key = s;
    while (*s && *s != ' ' && *s != '\t') s++;
    if (*s) *s++ = 0;
    char *val = trim(s);

    if (strcmp(key, "rule") == 0) {
        finish_rule(p);
        memset(&p->cur, 0, sizeof p->cur);
        p->have = true;
        p->cur.line = lineno;
        p->cur.weight = 50;
        p->cur.file = xstrdup(p->name);
        p->cur.id = xstrdup(val);
        if (!valid_id(val)) {
            warnf(p, lineno, "bad rule id '%s' (letters, digits, '.', '_', '-')", val);
            p->broken = true;
        }
        return;
    }
    if (!p->have) {
        warnf(p, lineno, "'%s' outside a rule (a rule starts with \"rule ID\")", key);
        return;
    }
    if (p->broken) return; /* one message per broken rule */
    struct crule *r = &p->cur;
    if (strcmp(key, "class") == 0) {
        if (!valid_class(val)) {
            warnf(p, lineno, "rule %s: bad class '%s'", r->id, val);
            p->broken = true;
            return;
        }
        free(r->class_id);
        r->class_id = xstrdup(val);
        r->marker = classify_marker_of(val);
    } else if (strcmp(key, "weight") == 0) {
        char *end;
        long w = strtol(val, &end, 10);
        if (!*val || *end || w < 1 || w > 100) {
            warnf(p, lineno, "rule %s: weight must be an integer 1..100, not '%s'", r->id, val);
            p->broken = true;
            return;
        }
        r->weight = (int)w;
    } else if (strcmp(key, "match") == 0) {
        add_pattern(p, lineno, PAT_MATCH, val);
    } else if (strcmp(key, "unless") == 0) {
        add_pattern(p, lineno, PAT_UNLESS, val);
    } else if (strcmp(key, "near") == 0) {
        char *end;
        long n = strtol(val, &end, 10);
        if (end == val || n < 1 || n > 1000 || (*end != ' ' && *end != '\t')) {
            warnf(p, lineno, "rule %s: near needs a line count 1..1000 and a pattern", r->id);
            p->broken = true;
            return;
        }
        if (r->near_lines && r->near_lines != (int)n) {
            warnf(p, lineno, "rule %s: every near line must use the same line count", r->id);
            p->broken = true;
            return;
        }
        r->near_lines = (int)n;
        add_pattern(p, lineno, PAT_NEAR, trim(end));
    } else if (strcmp(key, "hint") == 0) {
        free(r->hint);
        r->hint = xstrdup(val);
    } else if (strcmp(key, "ambiguous") == 0) {
        if (!valid_class(val) || val[0] == '@') {
            warnf(p, lineno, "rule %s: bad alternative class '%s'", r->id, val);
            p->broken = true;
            return;
        }
        free(r->alt_class);
        r->alt_class = xstrdup(val);
    } else if (strcmp(key, "scan") == 0) {
        /* about the match or near pattern just before it: how it is
         * scanned if it has no usable literal (classify_rules_lint_scan) */
        int mode = strncmp(val, "whole", 5) == 0 ? SCAN_WHOLE : strncmp(val, "apart", 5) == 0 ? SCAN_APART : 0;
        char *why = mode ? val + 5 : val;
        if (!mode || (*why != ' ' && *why != '\t') || !*trim(why)) {
            warnf(p, lineno, "rule %s: scan needs 'whole' or 'apart' and the reason (scan whole REASON)", r->id);
            p->broken = true;
            return;
        }
        if (r->npats == 0 || r->pats[r->npats - 1].role == PAT_UNLESS || r->pats[r->npats - 1].scan_mode) {
            warnf(p, lineno, "rule %s: a scan line goes right after the match or near pattern it is about", r->id);
            p->broken = true;
            return;
        }
        r->pats[r->npats - 1].scan_mode = mode;
    } else if (strcmp(key, "transient") == 0 && !*val) {
        r->transient = true;
    } else if (strcmp(key, "case") == 0 && !*val) {
        r->case_sensitive = true;
    } else {
        warnf(p, lineno, "rule %s: unknown key '%s'", r->id, key);
        p->broken = true;
    }
}

int classify_rules_add_text(struct classify_rules *rs, const char *name, const char *text,
                            size_t len, struct buf *warnings)
{
    struct parser p = {.rs = rs, .name = name, .warn = warnings};
    size_t i = 0;
    int lineno = 0;
    char *line = xmalloc(len + 1);
    while (i < len) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t n = nl ? (size_t)(nl - (text + i)) : len - i;
        memcpy(line, text + i, n);
        line[n] = 0;
        lineno++;
        if (memchr(text + i, 0, n)) {
            warnf(&p, lineno, "NUL byte in rule file");
            if (p.have) p.broken = true;
        } else {
            parse_line(&p, lineno, line);
        }
        i += n + (nl ? 1 : 0);
    }
    finish_rule(&p);
    free(line);
    rs->compiled = false;
    return p.added;
}

int classify_rules_add_file(struct classify_rules *rs, const char *path, struct buf *warnings,
                            char *err, size_t errlen)
{
    /* Regular files only: a FIFO or a device named *.rules would block the
     * load (or never end). O_NONBLOCK so that opening a FIFO cannot hang,
     * then fstat on what was opened (no race with a rename). */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return errf(err, errlen, "rule file %s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return errf(err, errlen, "rule file %s: not a regular file; skipped", path);
    }
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        close(fd);
        return errf(err, errlen, "rule file %s: %s", path, strerror(errno));
    }
    struct buf b = {0};
    char tmp[65536];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) {
        if (b.len + n > RULE_FILE_MAX) {
            fclose(f);
            buf_free(&b);
            return errf(err, errlen, "rule file %s: larger than %d bytes", path, RULE_FILE_MAX);
        }
        buf_append(&b, tmp, n);
    }
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        buf_free(&b);
        return errf(err, errlen, "rule file %s: read error", path);
    }
    int added = classify_rules_add_text(rs, path, b.p ? b.p : "", b.len, warnings);
    buf_free(&b);
    return added;
}

int classify_rules_load_model(struct classify_rules *rs, const char *path, struct buf *warnings)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (errno == ENOENT) return 0;
        if (warnings) buf_printf(warnings, "%s: %s; the wording model is not used\n", path, strerror(errno));
        return -1;
    }
    struct buf b = {0};
    char tmp[65536];
    size_t n;
    bool big = false;
    while (!big && (n = fread(tmp, 1, sizeof tmp, f)) > 0) {
        big = b.len + n > RULE_FILE_MAX;
        if (!big) buf_append(&b, tmp, n);
    }
    bool bad = ferror(f);
    fclose(f);
    int rc;
    if (big || bad) {
        if (warnings)
            buf_printf(warnings, "%s: %s; the wording model is not used\n", path,
                       big ? "larger than the rule file limit" : "read error");
        rc = -1;
    } else {
        rc = classify_rules_set_model(rs, path, b.p ? b.p : "", b.len, warnings);
    }
    buf_free(&b);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int classify_rules_add_dir(struct classify_rules *rs, const char *dir, struct buf *warnings,
                           char *err, size_t errlen)
{
    DIR *d = opendir(dir);
    if (!d) return errf(err, errlen, "rules directory %s: %s", dir, strerror(errno));
    char **names = NULL;
    size_t nn = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (e->d_name[0] == '.' || l < 7 || strcmp(e->d_name + l - 6, ".rules") != 0) continue;
        names = xgrow(names, &cap, nn + 1, sizeof *names);
        names[nn++] = xasprintf("%s/%s", dir, e->d_name);
    }
    closedir(d);
    qsort(names, nn, sizeof *names, cmp_str); /* deterministic order: 10-x before 20-y */
    int total = 0;
    for (size_t i = 0; i < nn; i++) {
        char e2[ERRLEN];
        int n = classify_rules_add_file(rs, names[i], warnings, e2, sizeof e2);
        if (n < 0) {
            if (warnings) buf_printf(warnings, "%s\n", e2);
        } else {
            total += n;
        }
        free(names[i]);
    }
    free(names);
    return total;
}

/* ---- compiling ---------------------------------------------------------- */

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

static uint64_t fnv_str(uint64_t h, const char *s)
{
    if (s) h = fnv(h, s, strlen(s));
    return fnv(h, "\0", 1);
}

static void compute_version(struct classify_rules *rs)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    h = fnv_str(h, CLASSIFY_ENGINE_VERSION);
    for (size_t i = 0; i < rs->nrules; i++) {
        const struct crule *r = &rs->rules[i];
        if (r->dead) continue;
        char num[64];
        snprintf(num, sizeof num, "%d/%d/%d/%d", r->weight, r->transient, r->case_sensitive,
                 r->near_lines);
        h = fnv_str(h, r->id);
        h = fnv_str(h, r->class_id);
        h = fnv_str(h, r->alt_class);
        h = fnv_str(h, r->hint);
        h = fnv_str(h, num);
        for (size_t k = 0; k < r->npats; k++) {
            char role[8];
            snprintf(role, sizeof role, "%d", r->pats[k].role);
            h = fnv_str(h, role);
            h = fnv_str(h, r->pats[k].src);
        }
    }
    if (rs->model) h = fnv(h, &rs->model_hash, sizeof rs->model_hash);
    snprintf(rs->version, sizeof rs->version, "cls1-%016llx", (unsigned long long)h);
}

void classify_rules_update_version(struct classify_rules *rs) { compute_version(rs); }

int classify_rules_set_model(struct classify_rules *rs, const char *name, const char *text,
                             size_t len, struct buf *warnings)
{
    nb_model_free(rs->model);
    rs->model = nb_model_parse(name, text, len, warnings);
    rs->model_hash = fnv(0xcbf29ce484222325ULL, text, len);
    compute_version(rs);
    return rs->model ? 0 : -1;
}

bool classify_rules_has_model(const struct classify_rules *rs) { return rs->model != NULL; }

static void build_scan_table(struct classify_rules *rs)
{
    free(rs->scan);
    rs->scan = NULL;
    rs->nscan = 0;
    size_t cap = 0;
    rs->max_ovec = 1;
    for (size_t i = 0; i < rs->nrules; i++) {
        struct crule *r = &rs->rules[i];
        if (r->dead) continue;
        for (size_t k = 0; k < r->npats; k++) {
            uint32_t cc = 0;
            pcre2_pattern_info(r->pats[k].re, PCRE2_INFO_CAPTURECOUNT, &cc);
            if (cc + 1 > rs->max_ovec) rs->max_ovec = cc + 1;
            r->pats[k].scan = -1;
            if (r->pats[k].role == PAT_UNLESS) continue;
            r->pats[k].scan = (int)rs->nscan;
            rs->scan = xgrow(rs->scan, &cap, rs->nscan + 1, sizeof *rs->scan);
            rs->scan[rs->nscan++] = (struct scan_pat){.rule = (int)i, .pat = (int)k};
        }
    }
}

static void target_add(struct scan_target *t, int k)
{
    t->ks = xgrow(t->ks, &t->capk, t->nk + 1, sizeof *t->ks);
    t->ks[t->nk++] = k;
}

static int cmp_litlen(const void *a, const void *b, void *arg)
{
    const size_t *len = arg;
    size_t x = len[*(const size_t *)a], y = len[*(const size_t *)b];
    if (x != y) return x < y ? -1 : 1;
    return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

/* Drops every literal that contains a shorter kept literal: wherever it
 * occurs the shorter one occurs too, so the shorter one's hit stands for
 * both (its target takes the longer one's patterns; PCRE2 confirms each
 * candidate line anyway). Half the required literals of the shipped rules
 * contain another ("econnrefused" holds "refused"), and the scanner's
 * literal matcher slows down with every literal it holds. Longest kept
 * substring wins: the fewest extra candidates. */
static void fold_literals(struct classify_rules *rs)
{
    size_t n = rs->nlits;
    if (n < 2) return;
    size_t *order = xcalloc(n, sizeof *order);
    for (size_t i = 0; i < n; i++) order[i] = i;
    qsort_r(order, n, sizeof *order, cmp_litlen, rs->litlen);
    size_t *into = xcalloc(n, sizeof *into); /* the kept literal each one goes to */
    /* the bytes each literal holds: one can be in another only if its bytes
     * all are, which rules out nearly every pair before a strstr (the
     * pairwise strstr was a sixth of the start-up) */
    uint64_t (*bytes)[4] = xcalloc(n, sizeof *bytes);
    for (size_t i = 0; i < n; i++)
        for (const unsigned char *q = (const unsigned char *)rs->lits[i]; *q; q++) bytes[i][*q >> 6] |= 1ull << (*q & 63);
    for (size_t a = 0; a < n; a++) {
        size_t i = order[a];
        into[i] = i;
        for (size_t b = a; b-- > 0;) { /* longest first */
            size_t j = order[b];
            if ((bytes[j][0] & ~bytes[i][0]) | (bytes[j][1] & ~bytes[i][1]) | (bytes[j][2] & ~bytes[i][2]) |
                (bytes[j][3] & ~bytes[i][3]))
                continue;
            if (into[j] == j && rs->litlen[j] < rs->litlen[i] && strstr(rs->lits[i], rs->lits[j])) {
                into[i] = j;
                break;
            }
        }
    }
    size_t *newid = xcalloc(n, sizeof *newid), kept = 0;
    for (size_t i = 0; i < n; i++)
        if (into[i] == i) newid[i] = kept++;
    for (size_t i = 0; i < n; i++) {
        if (into[i] == i) continue;
        struct scan_target *to = &rs->targets[into[i]], *from = &rs->targets[i];
        for (size_t k = 0; k < from->nk; k++) {
            size_t q = 0;
            while (q < to->nk && to->ks[q] != from->ks[k]) q++;
            if (q == to->nk) target_add(to, from->ks[k]);
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (into[i] != i) {
            free(rs->lits[i]);
            free(rs->targets[i].ks);
            continue;
        }
        /* targets keep their patterns in scan order: candidates come out the same */
        struct scan_target *t = &rs->targets[i];
        for (size_t x = 1; x < t->nk; x++)
            for (size_t y = x; y > 0 && t->ks[y - 1] > t->ks[y]; y--) {
                int s = t->ks[y];
                t->ks[y] = t->ks[y - 1];
                t->ks[y - 1] = s;
            }
        rs->lits[newid[i]] = rs->lits[i];
        rs->litlen[newid[i]] = rs->litlen[i];
        rs->targets[newid[i]] = *t;
    }
    rs->nlits = kept;
    free(bytes);
    free(order);
    free(into);
    free(newid);
}

/* Whether every literal of a set is a number ("137", "401|403"). Logs are
 * full of numbers (counts, sizes, times, ids, progress): a given 3-digit
 * one turns up every 30-40 KiB of ordinary build output, so a pattern
 * anchored on numbers only ("exit ... 137") is given to Hyperscan whole,
 * which confirms it in the scan, instead of handing every line with the
 * number to PCRE2. */
static bool all_numbers(char *const *ls, size_t n)
{
    for (size_t j = 0; j < n; j++)
        if (strspn(ls[j], "0123456789") != strlen(ls[j])) return false;
    return true;
}

/* Splits the scan patterns into required literals (shared between
 * patterns) and raw patterns, and indexes the literals by their first two
 * bytes for the fallback scanner. */
static void build_targets(struct classify_rules *rs, bool literals, unsigned min_bits)
{
    targets_free(rs);
    size_t caplit = 0, capraw = 0, captg = 0;
    int **lit_ks = NULL;
    /* literal id by its text: open addressing, ids + 1 (0: empty). A linear
     * search of the literals for each pattern's was a tenth of the start-up. */
    size_t hcap = 64;
    while (hcap < 4 * rs->nscan + 64) hcap *= 2;
    uint32_t *hslot = xcalloc(hcap, sizeof *hslot);
    for (size_t k = 0; k < rs->nscan; k++) {
        const struct cpat *cp = &rs->rules[rs->scan[k].rule].pats[rs->scan[k].pat];
        char **ls = NULL;
        unsigned bits = 0;
        size_t n = (!literals || cp->hs_prefilter) ? 0 : classify_literals(cp->src, &ls, LIT_MIN, &bits);
        if (n > 0 && (bits < min_bits || (min_bits && all_numbers(ls, n)))) {
            for (size_t j = 0; j < n; j++) free(ls[j]);
            free(ls);
            n = 0;
        }
        if (n == 0) {
            rs->raw = xgrow(rs->raw, &capraw, rs->nraw + 1, sizeof *rs->raw);
            rs->raw[rs->nraw++] = (int)k;
            continue;
        }
        for (size_t j = 0; j < n; j++) {
            size_t h = (size_t)fnv_str(0xcbf29ce484222325ULL, ls[j]) & (hcap - 1);
            while (hslot[h] && strcmp(rs->lits[hslot[h] - 1], ls[j]) != 0) h = (h + 1) & (hcap - 1);
            size_t id = hslot[h] ? hslot[h] - 1 : rs->nlits;
            if (id == rs->nlits) {
                if (rs->nlits + 1 > hcap / 2) { /* more literals than 2 per pattern: grow */
                    free(hslot);
                    hcap *= 2;
                    hslot = xcalloc(hcap, sizeof *hslot);
                    for (size_t q = 0; q < rs->nlits; q++) {
                        size_t g = (size_t)fnv_str(0xcbf29ce484222325ULL, rs->lits[q]) & (hcap - 1);
                        while (hslot[g]) g = (g + 1) & (hcap - 1);
                        hslot[g] = (uint32_t)q + 1;
                    }
                    h = (size_t)fnv_str(0xcbf29ce484222325ULL, ls[j]) & (hcap - 1);
                    while (hslot[h]) h = (h + 1) & (hcap - 1);
                }
                hslot[h] = (uint32_t)rs->nlits + 1;
                size_t c2 = caplit;
                rs->lits = xgrow(rs->lits, &caplit, rs->nlits + 1, sizeof *rs->lits);
                rs->litlen = xgrow(rs->litlen, &c2, rs->nlits + 1, sizeof *rs->litlen);
                rs->targets = xgrow(rs->targets, &captg, rs->nlits + 1, sizeof *rs->targets);
                memset(&rs->targets[rs->nlits], 0, sizeof *rs->targets);
                rs->lits[rs->nlits] = ls[j];
                rs->litlen[rs->nlits] = strlen(ls[j]);
                rs->nlits++;
            } else {
                free(ls[j]);
            }
            struct scan_target *t = &rs->targets[id];
            if (t->nk == 0 || t->ks[t->nk - 1] != (int)k) target_add(t, (int)k);
        }
        free(ls);
    }
    free(lit_ks);
    free(hslot);
    fold_literals(rs);
    rs->ntargets = rs->nlits + rs->nraw;
    rs->targets = xgrow(rs->targets, &captg, rs->ntargets ? rs->ntargets : 1, sizeof *rs->targets);
    for (size_t i = 0; i < rs->nraw; i++) {
        memset(&rs->targets[rs->nlits + i], 0, sizeof *rs->targets);
        target_add(&rs->targets[rs->nlits + i], rs->raw[i]);
    }
    /* CSR index of literals by their first two (lower-case) bytes */
    rs->bg_start = xcalloc(65537, sizeof *rs->bg_start);
    memset(rs->bg_bits, 0, sizeof rs->bg_bits);
    for (int i = 0; i < 256; i++) rs->lower[i] = (unsigned char)((i >= 'A' && i <= 'Z') ? i + 32 : i);
    for (size_t i = 0; i < rs->nlits; i++) {
        unsigned key = (unsigned char)rs->lits[i][0] << 8 | (unsigned char)rs->lits[i][1];
        rs->bg_start[key + 1]++;
        rs->bg_bits[key >> 3] |= (uint8_t)(1u << (key & 7));
    }
    for (size_t i = 0; i < 65536; i++) rs->bg_start[i + 1] += rs->bg_start[i];
    rs->bg_items = xcalloc(rs->nlits ? rs->nlits : 1, sizeof *rs->bg_items);
    uint32_t *fill = xcalloc(65536, sizeof *fill);
    for (size_t i = 0; i < rs->nlits; i++) {
        unsigned key = (unsigned char)rs->lits[i][0] << 8 | (unsigned char)rs->lits[i][1];
        rs->bg_items[rs->bg_start[key] + fill[key]++] = (uint32_t)i;
    }
    free(fill);
}

/* Picks the gated raw patterns (see struct classify_rules): a `match`
 * pattern without a usable literal, of a rule whose `near` reach is at
 * most CLASSIFY_GATE_NEAR lines. Such a rule records a finding only when
 * a near pattern matches within N lines (eval_line, resolve_pending), so
 * trying the pattern only there changes no result; the near patterns are
 * scanned as before. Hyperscan only (the fallback scanner has no gates). */
static void mark_gates(struct classify_rules *rs)
{
    free(rs->gate_of);
    rs->gate_of = NULL;
    rs->ngated = 0;
    for (size_t i = 0; i < rs->nraw && rs->ngated < CLASSIFY_GATE_MAX; i++) {
        const struct scan_pat *sp = &rs->scan[rs->raw[i]];
        const struct crule *r = &rs->rules[sp->rule];
        if (r->pats[sp->pat].role != PAT_MATCH || r->near_lines < 1 || r->near_lines > CLASSIFY_GATE_NEAR)
            continue;
        rs->gated[rs->ngated] = (int)(rs->nlits + i);
        rs->gate_near[rs->ngated] = r->near_lines;
        rs->ngated++;
    }
    if (!rs->ngated) return;
    rs->gate_of = xcalloc(rs->ntargets, sizeof *rs->gate_of);
    for (size_t t = 0; t < rs->ntargets; t++)
        for (size_t j = 0; j < rs->targets[t].nk; j++) {
            const struct scan_pat *sp = &rs->scan[rs->targets[t].ks[j]];
            if (rs->rules[sp->rule].pats[sp->pat].role != PAT_NEAR) continue;
            for (size_t g = 0; g < rs->ngated; g++)
                if (rs->scan[rs->raw[rs->gated[g] - (int)rs->nlits]].rule == sp->rule)
                    rs->gate_of[t] |= 1u << g;
        }
}

static bool is_gated(const struct classify_rules *rs, size_t target)
{
    for (size_t g = 0; g < rs->ngated; g++)
        if (rs->gated[g] == (int)target) return true;
    return false;
}

/* Which Hyperscan database holds a target: the main one, the gated
 * patterns' or the `scan apart` patterns'. A mark on a pattern that has a
 * usable literal, or that is gated, changes nothing. */
enum { PART_MAIN, PART_GATED, PART_APART };
static int target_part(const struct classify_rules *rs, size_t target)
{
    if (target < rs->nlits) return PART_MAIN;
    if (is_gated(rs, target)) return PART_GATED;
    const struct scan_pat *sp = &rs->scan[rs->raw[target - rs->nlits]];
    return rs->rules[sp->rule].pats[sp->pat].scan_mode == SCAN_APART ? PART_APART : PART_MAIN;
}

/* The fallback scanner: one regex that matches wherever any pattern could. */
static int compile_combined(struct classify_rules *rs, char *err, size_t errlen)
{
    struct buf b = {0};
    for (size_t r = 0; r < rs->nraw; r++) {
        size_t i = (size_t)rs->raw[r];
        const struct cpat *cp = &rs->rules[rs->scan[i].rule].pats[rs->scan[i].pat];
        buf_puts(&b, r ? "|" : "");
        buf_puts(&b, cp->caseless ? "(?i:" : "(?-i:");
        buf_puts(&b, cp->src);
        buf_puts(&b, ")");
    }
    int ec;
    PCRE2_SIZE eo;
    if (!b.p) return 0; /* every pattern has a literal */
    rs->combined = pcre2_compile((PCRE2_SPTR)b.p, PCRE2_ZERO_TERMINATED,
                                 PCRE2_MULTILINE, &ec, &eo, NULL);
    buf_free(&b);
    if (!rs->combined) {
        char e[256];
        pcre2_get_error_message(ec, (PCRE2_UCHAR *)e, sizeof e);
        return errf(err, errlen, "classifier rules: combined pattern does not compile: %s", e);
    }
    pcre2_jit_compile(rs->combined, PCRE2_JIT_COMPLETE);
    return 0;
}

size_t classify_rules_lint_scan(const struct classify_rules *rs, struct buf *out)
{
    size_t bad = 0, gated = 0;
    for (size_t i = 0; i < rs->nrules; i++) {
        const struct crule *r = &rs->rules[i];
        if (r->dead) continue;
        for (size_t k = 0; k < r->npats; k++) {
            const struct cpat *cp = &r->pats[k];
            if (cp->role == PAT_UNLESS) continue;
            char **ls = NULL;
            unsigned bits = 0;
            size_t n = classify_literals(cp->src, &ls, LIT_MIN, &bits);
            bool usable = n > 0 && bits >= LIT_HS_BITS && !all_numbers(ls, n);
            struct buf lits = {0};
            for (size_t j = 0; j < n; j++) buf_printf(&lits, "%s\"%s\"", j ? " or " : "", ls[j]);
            for (size_t j = 0; j < n; j++) free(ls[j]);
            free(ls);
            /* as mark_gates: a literal-free match pattern of a rule with near N <= CLASSIFY_GATE_NEAR */
            bool gate = !usable && cp->role == PAT_MATCH && r->near_lines >= 1 &&
                        r->near_lines <= CLASSIFY_GATE_NEAR && gated < CLASSIFY_GATE_MAX;
            if (gate) gated++;
            if ((usable || gate) && cp->scan_mode) {
                bad++;
                if (out)
                    buf_printf(out, "%s:%d: rule %s: pattern `%s` has a `scan` line but needs none (%s): "
                               "delete that line\n", r->file, cp->line, r->id, cp->src,
                               usable ? "the scanner looks for its literal" : "its rule's near patterns gate it");
            } else if (!usable && !gate && !cp->scan_mode) {
                bad++;
                if (out) {
                    buf_printf(out, "%s:%d: rule %s: pattern `%s` has no literal the scanner can look for (", r->file,
                               cp->line, r->id, cp->src);
                    if (n) buf_printf(out, "its rarest required literals, %s, are too common or numbers only", lits.p);
                    else buf_printf(out, "no run of %d or more plain bytes that every match contains", LIT_MIN);
                    buf_printf(out, ") and no near gate, so Hyperscan runs it over every byte of every log. "
                               "Fix one of: (1) make it require a rarer plain-text part (a word or symbol run "
                               "every matching line has, e.g. `\\.go:` rather than `\\S+:`); (2) if it is a match "
                               "pattern, a `near N` line (N <= %d) in its rule gates it to those lines; (3) if it "
                               "must be scanned whole, add right after it `scan whole REASON` or, when its only "
                               "factors are one or two bytes (`^\\s*TS\\d{4}`), `scan apart REASON`, saying why; "
                               "measure either with bench/rule_cost.py\n", CLASSIFY_GATE_NEAR);
                }
            }
            buf_free(&lits);
        }
    }
    return bad;
}

#ifdef HAVE_HYPERSCAN
/* The expression handed to Hyperscan: the pattern without \b word
 * boundaries. That is a superset of the pattern (PCRE2 confirms every
 * candidate line) and compiles several times faster. */
static char *hs_expr(const char *src)
{
    size_t n = strlen(src);
    char *out = xmalloc(n + 1), *o = out;
    bool in_class = false;
    for (size_t i = 0; i < n; i++) {
        char ch = src[i];
        if (ch == '\\' && i + 1 < n) {
            if (!in_class && src[i + 1] == 'b') {
                i++;
                continue;
            }
            *o++ = ch;
            *o++ = src[++i];
            continue;
        }
        if (!in_class && ch == '[') {
            in_class = true;
            *o++ = ch;
            /* a ']' right after '[' or '[^' is a literal */
            if (i + 1 < n && src[i + 1] == '^') *o++ = src[++i];
            if (i + 1 < n && src[i + 1] == ']') *o++ = src[++i];
            continue;
        }
        if (in_class && ch == ']') in_class = false;
        *o++ = ch;
    }
    *o = 0;
    /* A pattern that was only a word boundary plus something empty cannot
     * happen: empty-matching patterns are refused at load. */
    return out;
}

/* Compiled databases are cached under $XDG_CACHE_HOME/artriage, keyed by
 * the rule set's version, so a run does not pay the compile again. */
char *classify_hs_cache_path_for(const struct classify_rules *rs, const hs_platform_info_t *plat)
{
    const char *off = getenv("ARTRIAGE_CLASSIFY_CACHE");
    if (off && strcmp(off, "0") == 0) return NULL;
    const char *xdg = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    char *dir;
    if (xdg && *xdg) dir = xasprintf("%s/artriage", xdg);
    else if (home && *home) dir = xasprintf("%s/.cache/artriage", home);
    else return NULL;
    /* the target table the database's ids index: literals, then raw patterns */
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < rs->nlits; i++) h = fnv_str(h, rs->lits[i]);
    for (size_t i = 0; i < rs->nraw; i++) {
        char num[24];
        snprintf(num, sizeof num, "%d", rs->raw[i]);
        h = fnv_str(h, num);
        /* and the expression Hyperscan gets: a database built from an
         * older hs_expr must not be loaded */
        const struct cpat *cp = &rs->rules[rs->scan[rs->raw[i]].rule].pats[rs->scan[rs->raw[i]].pat];
        char *e = hs_expr(cp->src);
        h = fnv_str(h, e);
        free(e);
        h = fnv_str(h, cp->caseless ? "i" : "-");
        /* a gated or apart pattern is not in the main database */
        int part = target_part(rs, rs->nlits + i);
        if (part == PART_GATED) h = fnv_str(h, "gated");
        if (part == PART_APART) h = fnv_str(h, "apart");
    }
    /* the CPU the database is tuned for: Hyperscan picks its matchers by
     * the features the compiling CPU reports */
    char pl[48];
    snprintf(pl, sizeof pl, "%u-%llx", plat ? plat->tune : 0u,
             plat ? (unsigned long long)plat->cpu_features : 0ULL);
    h = fnv_str(h, pl);
    char *p = xasprintf("%s/classify-%s-%s-%zu-%zu-%016llx.hsdb", dir, rs->version, hs_version(),
                       rs->nscan, rs->ntargets, (unsigned long long)h);
    for (char *q = p + strlen(dir) + 1; *q; q++)
        if (*q == ' ' || *q == '/') *q = '_';
    free(dir);
    return p;
}

static char *hs_cache_path(const struct classify_rules *rs)
{
    hs_platform_info_t plat;
    if (hs_populate_platform(&plat) != HS_SUCCESS) return NULL; /* no key: no cache */
    return classify_hs_cache_path_for(rs, &plat);
}

static hs_database_t *hs_cache_read(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    struct buf b = {0};
    char tmp[65536];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0 && b.len < 64u * 1024 * 1024) buf_append(&b, tmp, n);
    fclose(f);
    hs_database_t *db = NULL;
    bool ok = b.len > 0 && hs_deserialize_database(b.p, b.len, &db) == HS_SUCCESS;
    buf_free(&b);
    return ok ? db : NULL;
}

/* The gated patterns' database (what "-gated") and the apart ones'
 * ("-apart") are cached beside the main one. */
static char *hs_cache_gpath(const char *path, const char *what)
{
    return xasprintf("%.*s%s.hsdb", (int)(strlen(path) - strlen(".hsdb")), path, what);
}

static bool has_apart(const struct classify_rules *rs)
{
    for (size_t i = rs->nlits; i < rs->ntargets; i++)
        if (target_part(rs, i) == PART_APART) return true;
    return false;
}

/* Loads the main database and (if patterns are gated, or apart) the gated
 * and apart ones, with one scratch for all; false (nothing loaded) if any
 * is missing. */
static bool hs_cache_load(struct classify_rules *rs, const char *path)
{
    hs_database_t *db = hs_cache_read(path), *gdb = NULL, *adb = NULL;
    bool apart = has_apart(rs);
    if (db && rs->ngated) {
        char *gp = hs_cache_gpath(path, "-gated");
        gdb = hs_cache_read(gp);
        free(gp);
    }
    if (db && apart) {
        char *ap = hs_cache_gpath(path, "-apart");
        adb = hs_cache_read(ap);
        free(ap);
    }
    hs_scratch_t *scr = NULL;
    if (!db || (rs->ngated && !gdb) || (apart && !adb) || hs_alloc_scratch(db, &scr) != HS_SUCCESS ||
        (gdb && hs_alloc_scratch(gdb, &scr) != HS_SUCCESS) || (adb && hs_alloc_scratch(adb, &scr) != HS_SUCCESS)) {
        if (scr) hs_free_scratch(scr);
        if (db) hs_free_database(db);
        if (gdb) hs_free_database(gdb);
        if (adb) hs_free_database(adb);
        return false;
    }
    rs->db = db;
    rs->gdb = gdb;
    rs->adb = adb;
    rs->scratch_proto = scr;
    return true;
}

static void mkdir_p(char *path)
{
    for (char *q = path + 1; *q; q++) {
        if (*q != '/') continue;
        *q = 0;
        mkdir(path, 0700);
        *q = '/';
    }
}

static void hs_cache_write(const hs_database_t *db, const char *path)
{
    char *bytes = NULL;
    size_t len = 0;
    if (hs_serialize_database(db, &bytes, &len) != HS_SUCCESS) return;
    char *tmp = xasprintf("%s.%ld.tmp", path, (long)getpid());
    char *dir = xstrdup(tmp);
    mkdir_p(dir);
    free(dir);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) {
        bool ok = write(fd, bytes, len) == (ssize_t)len;
        ok = close(fd) == 0 && ok;
        if (!ok || rename(tmp, path) != 0) unlink(tmp);
    }
    free(tmp);
    free(bytes); /* hs_serialize_database uses the default allocator */
}

/* The gated and apart databases first: a load needs all, and finds the
 * main one only after the others are written. */
static void hs_cache_store(const struct classify_rules *rs, const char *path)
{
    if (rs->gdb) {
        char *gp = hs_cache_gpath(path, "-gated");
        hs_cache_write(rs->gdb, gp);
        free(gp);
    }
    if (rs->adb) {
        char *ap = hs_cache_gpath(path, "-apart");
        hs_cache_write(rs->adb, ap);
        free(ap);
    }
    hs_cache_write(rs->db, path);
}
#endif

#ifdef HAVE_HYPERSCAN
/* Compiles the Hyperscan database. A pattern Hyperscan rejects is retried
 * in prefilter mode (a superset; PCRE2 confirms), and if that fails too its
 * rule is dropped with a warning. */
static void free_exprs(const char **exprs, size_t n)
{
    for (size_t i = 0; i < n; i++) free((char *)exprs[i]);
    free(exprs);
}

/* Target i's Hyperscan expression (malloc'd) and flags. */
static char *hs_target_expr(const struct classify_rules *rs, size_t i, unsigned *flags)
{
    if (i < rs->nlits) { /* a literal, every byte escaped */
        struct buf e = {0};
        for (const char *q = rs->lits[i]; *q; q++) {
            if (isalnum((unsigned char)*q)) buf_putc(&e, *q);
            else buf_printf(&e, "\\x%02x", (unsigned char)*q);
        }
        *flags = HS_FLAG_CASELESS;
        return buf_detach(&e);
    }
    const struct cpat *cp = &rs->rules[rs->scan[rs->raw[i - rs->nlits]].rule].pats[rs->scan[rs->raw[i - rs->nlits]].pat];
    *flags = HS_FLAG_MULTILINE | (cp->caseless ? HS_FLAG_CASELESS : 0) | (cp->hs_prefilter ? HS_FLAG_PREFILTER : 0);
    return hs_expr(cp->src);
}

/* Compiles the targets of one part (PART_*) into one database; on a
 * compile error *bad is the failing target (-1 if none is named) and *ce
 * the error. */
static hs_error_t hs_compile_part(const struct classify_rules *rs, const char *const *exprs,
                                  const unsigned *flags, int part, hs_database_t **db, int *bad,
                                  hs_compile_error_t **ce)
{
    size_t n = rs->ntargets, m = 0;
    const char **e = xcalloc(n, sizeof *e);
    unsigned *f = xcalloc(n, sizeof *f), *ids = xcalloc(n, sizeof *ids);
    for (size_t i = 0; i < n; i++) {
        if (target_part(rs, i) != part) continue;
        e[m] = exprs[i];
        f[m] = flags[i];
        ids[m++] = (unsigned)i;
    }
    *db = NULL;
    *ce = NULL;
    *bad = -1;
    hs_error_t rc = hs_compile_multi(e, f, ids, (unsigned)m, HS_MODE_BLOCK, NULL, db, ce);
    if (rc != HS_SUCCESS && *ce && (*ce)->expression >= 0 && (size_t)(*ce)->expression < m)
        *bad = (int)ids[(*ce)->expression];
    free(e);
    free(f);
    free(ids);
    return rc;
}

static int compile_hs(struct classify_rules *rs, struct buf *warnings, char *err, size_t errlen)
{
    for (int attempt = 0; attempt < 64; attempt++) {
        build_scan_table(rs);
        build_targets(rs, true, LIT_HS_BITS);
        mark_gates(rs);
        size_t n = rs->ntargets;
        if (n == 0) return errf(err, errlen, "classifier rules: no patterns to compile");
        const char **exprs = xcalloc(n, sizeof *exprs);
        unsigned *flags = xcalloc(n, sizeof *flags);
        for (size_t i = 0; i < n; i++) exprs[i] = hs_target_expr(rs, i, &flags[i]);
        hs_compile_error_t *ce = NULL;
        hs_database_t *db = NULL, *gdb = NULL, *adb = NULL;
        int bad = -1;
        hs_error_t rc = hs_compile_part(rs, exprs, flags, PART_MAIN, &db, &bad, &ce);
        if (rc == HS_SUCCESS && rs->ngated) {
            rc = hs_compile_part(rs, exprs, flags, PART_GATED, &gdb, &bad, &ce);
            if (rc != HS_SUCCESS) hs_free_database(db);
        }
        if (rc == HS_SUCCESS && has_apart(rs)) {
            rc = hs_compile_part(rs, exprs, flags, PART_APART, &adb, &bad, &ce);
            if (rc != HS_SUCCESS) {
                hs_free_database(db);
                if (gdb) hs_free_database(gdb);
            }
        }
        if (rc == HS_SUCCESS) {
            hs_scratch_t *scr = NULL;
            if (hs_alloc_scratch(db, &scr) != HS_SUCCESS || (gdb && hs_alloc_scratch(gdb, &scr) != HS_SUCCESS) ||
                (adb && hs_alloc_scratch(adb, &scr) != HS_SUCCESS)) {
                if (scr) hs_free_scratch(scr);
                hs_free_database(db);
                if (gdb) hs_free_database(gdb);
                if (adb) hs_free_database(adb);
                free_exprs(exprs, n);
                free(flags);
                return errf(err, errlen, "classifier rules: cannot allocate scanner scratch space");
            }
            rs->db = db;
            rs->gdb = gdb;
            rs->adb = adb;
            rs->scratch_proto = scr;
            free_exprs(exprs, n);
            free(flags);
            return 0;
        }
        if (bad >= (int)rs->nlits && (size_t)bad < n) {
            int k = rs->raw[bad - (int)rs->nlits];
            /* Try the bad pattern alone in prefilter mode to tell whether
             * only the prefilter flag is missing. */
            hs_compile_error_t *ce2 = NULL;
            hs_database_t *db2 = NULL;
            unsigned f2 = flags[bad] | HS_FLAG_PREFILTER;
            struct crule *r = &rs->rules[rs->scan[k].rule];
            struct cpat *cp = &r->pats[rs->scan[k].pat];
            if (!cp->hs_prefilter && hs_compile(exprs[bad], f2, HS_MODE_BLOCK, NULL, &db2, &ce2) == HS_SUCCESS) {
                hs_free_database(db2);
                cp->hs_prefilter = true; /* a superset; PCRE2 confirms each line */
                hs_free_compile_error(ce);
                free_exprs(exprs, n);
                free(flags);
                continue;
            }
            if (ce2) hs_free_compile_error(ce2);
            if (warnings)
                buf_printf(warnings, "%s:%d: rule %s: pattern not supported by the scanner: %s\n",
                           r->file, cp->line, r->id, ce->message);
            r->dead = true;
            hs_free_compile_error(ce);
            free_exprs(exprs, n);
            free(flags);
            continue;
        }
        errf(err, errlen, "classifier rules: scanner compile failed: %s",
             ce ? ce->message : "unknown error");
        if (ce) hs_free_compile_error(ce);
        free_exprs(exprs, n);
        free(flags);
        return -1;
    }
    return errf(err, errlen, "classifier rules: too many unsupported patterns");
}
#endif

int classify_rules_compile(struct classify_rules *rs, struct buf *warnings, char *err,
                           size_t errlen)
{
    scanner_free(rs);
    if (classify_rules_count(rs) == 0) return errf(err, errlen, "classifier rules: no rules loaded");
    rs->use_hs = false;
#ifdef HAVE_HYPERSCAN
    const char *want = getenv("ARTRIAGE_CLASSIFY_SCANNER");
    if (!want || strcmp(want, "pcre2") != 0) {
        rs->use_hs = true;
        build_scan_table(rs);
        build_targets(rs, true, LIT_HS_BITS);
        mark_gates(rs);
        compute_version(rs);
        char *cache = hs_cache_path(rs);
        if (!cache || !hs_cache_load(rs, cache)) {
            size_t before = classify_rules_count(rs);
            if (compile_hs(rs, warnings, err, errlen) < 0) {
                free(cache);
                return -1;
            }
            /* rules dropped while compiling change the version: key the
             * cache by the set that was asked for, which is what the next
             * load computes before compiling */
            /* cache only a database whose target table the next load
             * rebuilds identically: no rule dropped, no prefilter mode */
            bool plain = classify_rules_count(rs) == before;
            for (size_t i = 0; plain && i < rs->nraw; i++)
                if (rs->rules[rs->scan[rs->raw[i]].rule].pats[rs->scan[rs->raw[i]].pat].hs_prefilter)
                    plain = false;
            if (cache && plain) hs_cache_store(rs, cache);
        }
        free(cache);
    }
#else
    (void)warnings;
#endif
    if (!rs->use_hs) {
        build_scan_table(rs);
        build_targets(rs, true, 0);
        if (compile_combined(rs, err, errlen) < 0) return -1;
    }
    compute_version(rs);
    rs->compiled = true;
    return 0;
}

/* ---- locating rule directories ------------------------------------------ */

static bool is_dir(const char *p)
{
    struct stat st;
    return p && stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The shipped rules: $ARTRIAGE_RULES, else found relative to the running
 * binary (<prefix>/bin/artriage -> <prefix>/share/artriage/rules), so that
 * an installed prefix still works after it is moved; the source tree's
 * data/rules only for a binary that runs from the build tree it was built
 * in (an installed copy never reads the source tree). */
static char *find_shipped_dir(void)
{
    const char *env = getenv("ARTRIAGE_RULES");
    if (env && *env && is_dir(env)) return xstrdup(env);
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) return NULL;
    exe[n] = 0;
    char *slash = strrchr(exe, '/');
    if (!slash) return NULL;
    *slash = 0;
    char *cand = xasprintf("%s/../share/artriage/rules", exe);
    if (is_dir(cand)) return cand;
    free(cand);
#if defined(ARTRIAGE_DATADIR) && defined(ARTRIAGE_BUILDDIR)
    char build[PATH_MAX];
    if (realpath(ARTRIAGE_BUILDDIR, build) && strcmp(exe, build) == 0 && is_dir(ARTRIAGE_DATADIR "/rules"))
        return xstrdup(ARTRIAGE_DATADIR "/rules");
#endif
    return NULL;
}

struct classify_rules *classify_rules_load(const struct classify_rules_opts *opts,
                                           struct buf *warnings, char *err, size_t errlen)
{
    struct classify_rules_opts none = {0};
    if (!opts) opts = &none;
    char *shipped = opts->shipped_dir ? xstrdup(opts->shipped_dir) : find_shipped_dir();
    if (!shipped) {
        errf(err, errlen, "classifier rules not found: no share/artriage/rules beside the binary's directory (set ARTRIAGE_RULES to the rules directory)");
        return NULL;
    }
    struct classify_rules *rs = classify_rules_new();
    rs->shipped_dir = shipped;
    if (classify_rules_add_dir(rs, shipped, warnings, err, errlen) < 0) goto fail;

    char *user = NULL;
    if (!opts->user_dir) {
        const char *xdg = getenv("XDG_CONFIG_HOME");
        const char *home = getenv("HOME");
        if (xdg && *xdg) user = xasprintf("%s/artriage/rules.d", xdg);
        else if (home && *home) user = xasprintf("%s/.config/artriage/rules.d", home);
    } else if (*opts->user_dir) {
        user = xstrdup(opts->user_dir);
    }
    if (user && is_dir(user)) {
        char e2[ERRLEN];
        if (classify_rules_add_dir(rs, user, warnings, e2, sizeof e2) < 0 && warnings)
            buf_printf(warnings, "%s\n", e2);
    }
    free(user);
    if (opts->extra_dir) {
        if (!is_dir(opts->extra_dir)) {
            errf(err, errlen, "--rules %s: not a readable directory", opts->extra_dir);
            goto fail;
        }
        if (classify_rules_add_dir(rs, opts->extra_dir, warnings, err, errlen) < 0) goto fail;
    }
    if (!opts->model_file || *opts->model_file) {
        /* data/rules -> data/model, share/artriage/rules -> share/artriage/model */
        const char *slash = strrchr(shipped, '/');
        char *mf = opts->model_file ? xstrdup(opts->model_file)
                   : slash ? xasprintf("%.*s/model/classes.nb", (int)(slash - shipped), shipped)
                           : xstrdup("model/classes.nb");
        classify_rules_load_model(rs, mf, warnings);
        free(mf);
    }
    if (classify_rules_compile(rs, warnings, err, errlen) < 0) goto fail;
    return rs;
fail:
    classify_rules_free(rs);
    return NULL;
}
