/* A watch stream is untrusted bytes in arbitrary chunks: the line framing
 * (kube/lines) at chunk sizes taken from the input, then every line through
 * the event parser, must not crash, leak or lose the framing invariants. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "kube/lines.h"
#include "util/err.h"

struct seen {
    size_t lines;
    int stop_after; /* a callback that stops the feed, as a cancelled watch does */
};

static int on_line(void *ud, const char *line, size_t len, const struct kube_line_info *info)
{
    struct seen *s = ud;
    if (!info->overflow && memchr(line, '\n', len)) abort(); /* a line never contains its terminator */
    struct kube_event ev;
    char err[ERRLEN];
    if (kube_event_parse(line, len, &ev, err, sizeof err) == 0) {
        if (!cJSON_IsObject(ev.object)) abort();
        (void)kube_event_type_name(ev.type);
        cJSON_Delete(ev.root);
    }
    s->lines++;
    return s->stop_after > 0 && s->lines >= (size_t)s->stop_after;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) return 0;
    /* first byte: chunk size and the max line; second: when to stop */
    size_t chunk = (size_t)(data[0] % 64) + 1;
    size_t max_line = data[0] & 0x80 ? 64 : 1 << 20;
    struct seen s = {.stop_after = data[1] % 8 == 0 ? data[1] / 8 : 0};
    data += 2;
    size -= 2;
    struct kube_lines l;
    kube_lines_init(&l, max_line);
    int rc = 0;
    for (size_t i = 0; i < size && rc == 0; i += chunk) {
        size_t n = size - i < chunk ? size - i : chunk;
        rc = kube_lines_feed(&l, (const char *)data + i, n, on_line, &s);
    }
    if (rc == 0) kube_lines_finish(&l, on_line, &s);
    kube_lines_reset(&l);
    kube_lines_free(&l);
    return 0;
}
