/* Baselines are untrusted bytes too, and the asked-first baseline
 * (classify_baseline_new_deferred) must answer exactly as the whole one.
 * The input: a first byte (chunk size; whether the baseline is counted by
 * a first read or by the settle; whether the settle is whole), then the
 * passing log and, after the first NUL-NUL pair, the lines asked about.
 * The settle is fed in order, or in two or three parts split at line
 * starts (two after a sample of the log). Every answer after the settle,
 * and the line count, must equal the whole baseline's; the first answers are all "no"; the settle reports a wrong
 * "no" exactly when one was. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "classify/classify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    size_t chunk = (size_t)(data[0] % 61) * 53 + 1;
    bool unread = data[0] & 0x40, whole_settle = data[0] & 0x80;
    data++;
    size--;
    const uint8_t *sep = NULL;
    for (size_t i = 0; i + 1 < size && !sep; i++)
        if (!data[i] && !data[i + 1]) sep = data + i;
    size_t plen = sep ? (size_t)(sep - data) : size;
    const char *pass = (const char *)data, *asks = sep ? (const char *)sep + 2 : NULL;
    size_t alen = sep ? size - plen - 2 : 0;

    struct classify_baseline *w = classify_baseline_new(), *b = classify_baseline_new_deferred();
    for (size_t i = 0; i < plen; i += chunk) {
        size_t n = plen - i < chunk ? plen - i : chunk;
        classify_baseline_feed(w, pass + i, n);
        if (!unread) classify_baseline_feed(b, pass + i, n);
    }
    classify_baseline_finish(w);
    if (!unread) classify_baseline_finish(b);

    /* the questions: the lines of asks, and the passing log's own lines */
    bool any = false;
    for (int round = 0; round < 2; round++) {
        const char *s = round ? pass : asks;
        size_t n = round ? plen : alen;
        for (size_t i = 0; s && i < n;) {
            const char *nl = memchr(s + i, '\n', n - i);
            size_t l = nl ? (size_t)(nl - s) - i : n - i;
            if (classify_baseline_has(b, s + i, l)) abort(); /* not settled: "no" */
            any |= classify_baseline_has(w, s + i, l);
            i += l + 1;
        }
    }
    bool settled = classify_baseline_settled(b);
    int wrong = -1;
    if (classify_baseline_settle_begin(b, whole_settle)) {
        /* in order through settle_feed, or in parts (two after a sample
         * of the whole log, or three unsampled) fed last part first */
        int nparts = data[-1] % 3 == 0 ? 0 : data[-1] % 3 == 1 ? 2 : 3;
        if (nparts == 2) classify_baseline_settle_sample(b, pass, plen);
        struct classify_baseline_part *pt[3] = {NULL, NULL, NULL};
        for (int k = 0; k < nparts; k++) pt[k] = classify_baseline_settle_part(b);
        if (!nparts || !pt[0]) {
            for (size_t i = 0; i < plen; i += chunk)
                classify_baseline_settle_feed(b, pass + i, plen - i < chunk ? plen - i : chunk);
        } else {
            size_t cut[4] = {0, 0, 0, plen};
            for (int k = 1; k < nparts; k++) { /* line starts */
                size_t at = plen * (size_t)k / (size_t)nparts;
                while (at > 0 && at < plen && pass[at - 1] != '\n') at++;
                cut[k] = at > cut[k - 1] ? at : cut[k - 1];
            }
            cut[nparts] = plen;
            for (int k = nparts - 1; k >= 0; k--)
                for (size_t i = cut[k]; i < cut[k + 1]; i += chunk)
                    classify_baseline_part_feed(pt[k], pass + i, cut[k + 1] - i < chunk ? cut[k + 1] - i : chunk);
        }
        for (int k = 0; k < nparts; k++) classify_baseline_part_end(pt[k]);
        wrong = classify_baseline_settle_end(b);
    }
    if (whole_settle ? wrong < 0 : (wrong >= 0) == settled) abort(); /* settled: nothing to do */
    if (wrong >= 0 && wrong != (any || unread)) abort();
    if (classify_baseline_lines(b) != classify_baseline_lines(w)) abort();
    for (int round = 0; round < 2; round++) {
        const char *s = round ? pass : asks;
        size_t n = round ? plen : alen;
        for (size_t i = 0; s && i < n;) {
            const char *nl = memchr(s + i, '\n', n - i);
            size_t l = nl ? (size_t)(nl - s) - i : n - i;
            if (classify_baseline_has(b, s + i, l) != classify_baseline_has(w, s + i, l)) abort();
            i += l + 1;
        }
    }
    classify_baseline_free(w);
    classify_baseline_free(b);
    return 0;
}
