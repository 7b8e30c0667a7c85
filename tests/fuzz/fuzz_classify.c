/* Logs are untrusted bytes: the classifier with the shipped rules (loaded
 * once; both scanners where Hyperscan is built, chosen by the input) takes
 * any log in chunks of any size, with ANSI sequences, NULs and endless
 * lines, without a crash or a leak, and the result is consistent. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "classify/classify.h"
#include "util/buf.h"
#include "util/err.h"

static struct classify_rules *load(const char *scanner)
{
    setenv("ARTRIAGE_CLASSIFY_SCANNER", scanner, 1);
    setenv("ARTRIAGE_CLASSIFY_CACHE", "0", 1);
    char err[ERRLEN];
    struct classify_rules *rs = classify_rules_load(NULL, NULL, err, sizeof err);
    if (!rs) abort(); /* the shipped rules must load */
    return rs;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct classify_rules *hs, *pcre;
    if (!pcre) {
        pcre = load("pcre2");
        hs = load("hyperscan"); /* the PCRE2 set again where Hyperscan is not built */
    }
    if (size < 1) return 0;
    size_t chunk = (size_t)(data[0] % 97) * 37 + 1;
    enum classify_outcome o = data[0] & 1 ? CLASSIFY_OUTCOME_FAILED : CLASSIFY_OUTCOME_UNKNOWN;
    struct classify_ctx *c = classify_new(data[0] & 2 ? hs : pcre, o);
    data++;
    size--;
    for (size_t i = 0; i < size; i += chunk)
        classify_feed(c, data + i, size - i < chunk ? size - i : chunk);
    struct classify_result *snap = classify_snapshot(c);
    classify_result_free(snap);
    struct classify_result *r = classify_finish(c);
    if (r->has_primary && !r->primary.class_id) abort();
    if (r->bytes != (int64_t)size) abort();
    for (size_t i = 0; i < r->nfindings; i++)
        if (r->findings[i].line < 0 || r->findings[i].line > r->lines) abort();
    classify_result_free(r);
    classify_free(c);
    return 0;
}
