/* A user's rule file is untrusted text: any bytes go through the rule
 * parser and compiler (PCRE2 scanner: Hyperscan compiles take too long per
 * input) with warnings instead of crashes, and whatever compiles then
 * classifies a small fixed log without a crash or a leak. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "classify/classify.h"
#include "util/buf.h"
#include "util/err.h"

static const char LOG[] = "build started\n\x1b[31merror TS2304: Cannot find name 'x'.\x1b[0m\n"
                          "npm ERR! code ELIFECYCLE\nfatal: could not read Username for 'https://github.com'\n"
                          "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaac\n[command:started] git push\n"
                          "[command:completed] exit 1\nRun failed\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* a few dozen rules per input: compiling the whole shipped set per input
     * would make each run take most of a second */
    if (size > 6144) size = 6144;
    static bool once;
    if (!once) {
        setenv("ARTRIAGE_CLASSIFY_SCANNER", "pcre2", 1);
        setenv("ARTRIAGE_CLASSIFY_CACHE", "0", 1);
        once = true;
    }
    struct classify_rules *rs = classify_rules_new();
    struct buf warn = {0};
    int added = classify_rules_add_text(rs, "fuzz.rules", (const char *)data, size, &warn);
    char err[ERRLEN];
    if (added > 0 && classify_rules_compile(rs, &warn, err, sizeof err) == 0) {
        (void)classify_rules_version(rs);
        struct classify_ctx *c = classify_new(rs, CLASSIFY_OUTCOME_FAILED);
        classify_feed(c, LOG, sizeof LOG - 1);
        struct classify_result *r = classify_finish(c);
        classify_result_free(r);
        classify_free(c);
    }
    classify_rules_free(rs);
    buf_free(&warn);
    return 0;
}
