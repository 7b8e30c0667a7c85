/* Kubernetes name rules (see names.h), as apimachinery's validation. */
#include "kube/names.h"
#include "util/err.h"
#include <string.h>

static bool alnum_lower(char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'); }

/* One label of n bytes at s. */
static bool label_ok(const char *s, size_t n)
{
    if (n == 0 || n > 63 || !alnum_lower(s[0]) || !alnum_lower(s[n - 1])) return false;
    for (size_t i = 0; i < n; i++)
        if (!alnum_lower(s[i]) && s[i] != '-') return false;
    return true;
}

bool kube_is_dns1123_label(const char *s) { return s && label_ok(s, strlen(s)); }

bool kube_is_dns1123_subdomain(const char *s)
{
    if (!s) return false;
    size_t n = strlen(s);
    if (n == 0 || n > 253) return false;
    for (const char *p = s;;) {
        const char *dot = memchr(p, '.', (size_t)(s + n - p));
        size_t len = dot ? (size_t)(dot - p) : (size_t)(s + n - p);
        if (!label_ok(p, len)) return false;
        if (!dot) return true;
        p = dot + 1;
    }
}

int kube_check_run_ref(const char *run, char *err, size_t errlen)
{
    const char *slash = strchr(run, '/');
    if (slash) {
        size_t nl = (size_t)(slash - run);
        if (!label_ok(run, nl))
            return errf(err, errlen, "'%.*s' in '%s' is not a valid namespace name (a DNS-1123 label: lowercase "
                        "letters, digits and '-', at most 63)", (int)(nl > 200 ? 200 : nl), run, run);
        run = slash + 1;
    }
    if (!kube_is_dns1123_subdomain(run))
        return errf(err, errlen, "'%s' is not a valid run name (a DNS-1123 subdomain: lowercase letters, digits, "
                    "'-' and '.', at most 253)", run);
    return 0;
}
