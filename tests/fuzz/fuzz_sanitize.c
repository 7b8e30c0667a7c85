/* The sanitiser's promise, checked on arbitrary bytes: the output is valid
 * UTF-8 with no C0/C1 control, no ESC, no bare CR, whatever the flags. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "util/buf.h"
#include "util/sanitize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (unsigned flags = 0; flags < 8; flags++) {
        struct buf b = {0};
        sanitize_append(&b, (const char *)data, size, flags);
        const unsigned char *s = (const unsigned char *)b.p;
        size_t i = 0;
        while (i < b.len) {
            unsigned cp;
            size_t l = utf8_decode(s + i, b.len - i, &cp);
            if (l == 0) abort();
            if (cp == 0x1b || cp == '\r' || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f)) abort();
            if (cp < 0x20 && !((cp == '\t' && (flags & SAN_KEEP_TAB)) ||
                               (cp == '\n' && (flags & SAN_KEEP_NEWLINE))))
                abort();
            i += l;
        }
        buf_free(&b);
    }
    return 0;
}
