/* lane — lanes.md naming rules: lane and attempt from a run name, and the
 * name and head branch of the next attempt. */
#include "model/lane.h"
#include "util/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_MAX_LEN 63
#define MAX_RETRY_DIGITS 9

enum marker_kind { MARK_NONE, MARK_LETTERS, MARK_NUMBER };

/* A parsed name: prefix + marker. For MARK_LETTERS, date holds YYYYMMDD and
 * letters 0..2 letters (bare date = attempt ""); for MARK_NUMBER, n is N. */
struct parsed {
    enum marker_kind kind;
    size_t prefix_len; /* name[0..prefix_len) is the prefix before '-' */
    char date[9];
    char letters[3];
    long n;
};

static bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static bool plausible_date(const char *d)
{
    int month = (d[4] - '0') * 10 + (d[5] - '0');
    int day = (d[6] - '0') * 10 + (d[7] - '0');
    return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

/* Rule 2: <prefix>-<YYYYMMDD><letters 0..2>. */
static bool parse_date_letters(const char *name, size_t n, struct parsed *p)
{
    size_t k = 0;
    while (k < n && is_lower(name[n - 1 - k])) k++;
    if (k > 2 || n < k + 10) return false; /* needs "x-" + 8 digits */
    size_t dstart = n - k - 8;
    for (size_t i = dstart; i < dstart + 8; i++)
        if (!is_digit(name[i])) return false;
    if (name[dstart - 1] != '-' || dstart - 1 == 0) return false;
    if (!plausible_date(name + dstart)) return false;
    p->kind = MARK_LETTERS;
    p->prefix_len = dstart - 1;
    memcpy(p->date, name + dstart, 8);
    p->date[8] = 0;
    memcpy(p->letters, name + n - k, k);
    p->letters[k] = 0;
    return true;
}

/* The API server's generateName alphabet (no vowels, no 0/1/3). */
static bool is_random_char(char c)
{
    return c && strchr("bcdfghjklmnpqrstvwxz2456789", c) != NULL;
}

/* Rule 3: <prefix>-r<N>, <prefix>-retry-<N>, <prefix>-attempt-<N>. */
static bool parse_numbered(const char *name, size_t n, struct parsed *p)
{
    size_t d = 0;
    while (d < n && is_digit(name[n - 1 - d])) d++;
    if (d == 0 || d > MAX_RETRY_DIGITS) return false;
    size_t at = n - d; /* first digit */
    static const char *const marks[] = {"-r", "-retry-", "-attempt-"};
    for (size_t i = 0; i < 3; i++) {
        size_t ml = strlen(marks[i]);
        if (at < ml + 1) continue; /* a non-empty prefix is required */
        if (memcmp(name + at - ml, marks[i], ml) != 0) continue;
        /* "-r" + 4 characters of the random alphabet is what generateName
         * produces ("codex-agent-r2456"), not a 2456th retry. */
        if (i == 0 && d == 4) {
            bool random = true;
            for (size_t k = at; k < n; k++)
                if (!is_random_char(name[k])) random = false;
            if (random) return false;
        }
        p->kind = MARK_NUMBER;
        p->prefix_len = at - ml;
        p->n = strtol(name + at, NULL, 10);
        return true;
    }
    return false;
}

static void parse_name(const char *name, struct parsed *p)
{
    memset(p, 0, sizeof *p);
    size_t n = strlen(name);
    if (parse_date_letters(name, n, p)) return;
    if (parse_numbered(name, n, p)) return;
    p->kind = MARK_NONE;
    p->prefix_len = n;
}

void lane_from_name(const char *name, char **lane, char **attempt)
{
    if (!name) name = "";
    struct parsed p;
    parse_name(name, &p);
    switch (p.kind) {
    case MARK_LETTERS:
        *lane = xasprintf("%.*s-%s", (int)p.prefix_len, name, p.date);
        *attempt = xstrdup(p.letters);
        break;
    case MARK_NUMBER:
        *lane = xstrndup(name, p.prefix_len);
        *attempt = xasprintf("r%ld", p.n);
        break;
    default:
        *lane = xstrdup(name);
        *attempt = xstrdup("");
        break;
    }
}

bool lane_is_generated(const char *name, const char *generate_name)
{
    if (!name || !generate_name || !*generate_name) return false;
    size_t gl = strlen(generate_name), nl = strlen(name);
    if (nl != gl + 5 || strncmp(name, generate_name, gl) != 0) return false;
    for (size_t i = gl; i < nl; i++)
        if (!is_random_char(name[i])) return false;
    return true;
}

static bool in_list(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (list[i] && strcmp(list[i], s) == 0) return true;
    return false;
}

/* a..y -> next, z -> za, ?z -> next first letter + a; false after "zz". */
static bool letters_next(char *l)
{
    size_t k = strlen(l);
    if (k == 0) return false;
    if (l[k - 1] < 'z') {
        l[k - 1]++;
        return true;
    }
    if (k == 1) {
        l[1] = 'a';
        l[2] = 0;
        return true;
    }
    if (l[0] < 'z') {
        l[0]++;
        l[1] = 'a';
        return true;
    }
    return false;
}

/* Builds prefix + suffix within 63 characters by cutting the prefix. */
static char *fit_name(const char *prefix, size_t plen, const char *suffix)
{
    size_t sl = strlen(suffix);
    if (plen + sl > NAME_MAX_LEN) {
        plen = sl < NAME_MAX_LEN ? NAME_MAX_LEN - sl : 0;
        /* A cut must not leave a name ending in a separator: "x--20260225f". */
        while (plen > 0 && (prefix[plen - 1] == '-' || prefix[plen - 1] == '.')) plen--;
    }
    return xasprintf("%.*s%s", (int)plen, prefix, suffix);
}

char *lane_next_name(const char *newest, const char *const *taken, size_t ntaken)
{
    if (!newest) newest = "";
    struct parsed p;
    parse_name(newest, &p);
    /* The state of the next candidate: letters after the date, or -r<N>
     * after num_prefix. */
    enum marker_kind kind;
    char letters[3] = "";
    long n = 2;
    size_t num_prefix_len;
    if (p.kind == MARK_LETTERS && p.letters[0]) {
        kind = MARK_LETTERS;
        memcpy(letters, p.letters, sizeof letters);
        num_prefix_len = p.prefix_len + 9; /* "<prefix>-<date>" if we run out */
        if (!letters_next(letters)) kind = MARK_NUMBER;
    } else if (p.kind == MARK_LETTERS) {
        kind = MARK_NUMBER; /* bare date: the lane with no suffix gets -r2 */
        num_prefix_len = strlen(newest);
    } else if (p.kind == MARK_NUMBER) {
        kind = MARK_NUMBER;
        n = p.n + 1;
        num_prefix_len = p.prefix_len;
    } else {
        kind = MARK_NUMBER;
        num_prefix_len = strlen(newest);
    }
    for (;;) {
        char suffix[64];
        char *cand;
        if (kind == MARK_LETTERS) {
            snprintf(suffix, sizeof suffix, "-%s%s", p.date, letters);
            cand = fit_name(newest, p.prefix_len, suffix);
        } else {
            snprintf(suffix, sizeof suffix, "-r%ld", n);
            cand = fit_name(newest, num_prefix_len, suffix);
        }
        if (!in_list(cand, taken, ntaken) && strcmp(cand, newest) != 0) return cand;
        free(cand);
        if (kind == MARK_LETTERS) {
            if (!letters_next(letters)) kind = MARK_NUMBER;
        } else {
            n++;
        }
    }
}

/* Length of the attempt marker `attempt` at the end of head (0 if absent). */
static size_t marker_at_end(const char *head, const char *attempt)
{
    size_t hl = strlen(head), al = strlen(attempt);
    if (al == 0 || al > hl) return 0;
    if (is_lower(attempt[0]) && !(attempt[0] == 'r' && is_digit(attempt[1]))) {
        /* letters: right after the date digits */
        if (strcmp(head + hl - al, attempt) == 0 && hl > al && is_digit(head[hl - al - 1])) return al;
        return 0;
    }
    if (attempt[0] != 'r') return 0;
    const char *num = attempt + 1;
    size_t nl = strlen(num);
    static const char *const marks[] = {"-r", "-retry-", "-attempt-"};
    for (size_t i = 0; i < 3; i++) {
        size_t ml = strlen(marks[i]);
        if (hl < ml + nl) continue;
        if (memcmp(head + hl - nl - ml, marks[i], ml) == 0 && strcmp(head + hl - nl, num) == 0)
            return ml + nl;
    }
    return 0;
}

char *lane_next_head(const char *head, const char *old_attempt, const char *new_attempt,
                     const char *const *used, size_t nused)
{
    if (!head || !*head) return NULL;
    if (!old_attempt) old_attempt = "";
    if (!new_attempt) new_attempt = "";
    size_t hl = strlen(head);
    size_t cut = marker_at_end(head, old_attempt);
    size_t base_len = hl - cut;
    bool letters = cut > 0 && is_lower(new_attempt[0]) &&
                   !(new_attempt[0] == 'r' && is_digit(new_attempt[1])) && strlen(new_attempt) <= 2 &&
                   is_digit(head[base_len - 1]);
    char lt[3] = "";
    long n = 2;
    if (letters) {
        memcpy(lt, new_attempt, strlen(new_attempt) + 1);
    } else {
        if (new_attempt[0] == 'r' && is_digit(new_attempt[1])) n = strtol(new_attempt + 1, NULL, 10);
        if (cut == 0) base_len = hl; /* no marker of its own: append -r<N> */
    }
    for (;;) {
        char *cand;
        if (letters) cand = xasprintf("%.*s%s", (int)base_len, head, lt);
        else cand = xasprintf("%.*s-r%ld", (int)base_len, head, n);
        if (!in_list(cand, used, nused) && strcmp(cand, head) != 0) return cand;
        free(cand);
        if (letters) {
            if (!letters_next(lt)) letters = false;
        } else {
            n++;
        }
    }
}
