/* lines — splits a byte stream that arrives in arbitrary chunks into
 * newline-terminated lines (watch events, followed logs). Pure: no I/O, so
 * it is unit-tested at every split offset.
 *
 *   struct kube_lines l; kube_lines_init(&l, max_line);
 *   kube_lines_feed(&l, chunk, n, on_line, ud);   for every chunk
 *   kube_lines_finish(&l, on_line, ud);           at end of stream
 *   kube_lines_free(&l);
 *
 * on_line gets each line without its '\n' (a trailing '\r' is kept; the
 * bytes may contain NULs). A line longer than max_line is not buffered:
 * on_line is called once for it with overflow=true and the bytes seen so
 * far cut to max_line, and the rest up to its '\n' is skipped. A nonzero
 * return from on_line stops the feed and is returned. finish() hands over
 * an unterminated last line with partial=true.
 */
#ifndef ARTRIAGE_KUBE_LINES_H
#define ARTRIAGE_KUBE_LINES_H
#include "util/buf.h"
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

struct kube_line_info {
    bool overflow;  /* longer than max_line: cut */
    bool partial;   /* unterminated at end of stream */
};

typedef int (*kube_line_fn)(void *ud, const char *line, size_t len, const struct kube_line_info *info);

struct kube_lines {
    struct buf pending;
    size_t max_line;
    bool skipping;  /* inside an overflowed line, waiting for its '\n' */
};

void kube_lines_init(struct kube_lines *l, size_t max_line);
int kube_lines_feed(struct kube_lines *l, const char *data, size_t n, kube_line_fn fn, void *ud);
int kube_lines_finish(struct kube_lines *l, kube_line_fn fn, void *ud);
void kube_lines_reset(struct kube_lines *l); /* drop a partial line (new connection) */
void kube_lines_free(struct kube_lines *l);

/* A decoded watch event line {"type": ..., "object": {...}}. */
enum kube_event_type { KUBE_EV_ADDED, KUBE_EV_MODIFIED, KUBE_EV_DELETED, KUBE_EV_BOOKMARK, KUBE_EV_ERROR };
struct kube_event {
    enum kube_event_type type;
    cJSON *root;          /* owned: the whole line's JSON */
    const cJSON *object;  /* points into root; always an object */
    const char *rv;       /* object.metadata.resourceVersion or NULL */
    const char *uid;      /* object.metadata.uid or NULL */
};
/* Parses one line. -1 with err for invalid JSON, an unknown type or a
 * missing object. Caller frees ev->root with cJSON_Delete. */
int kube_event_parse(const char *line, size_t len, struct kube_event *ev, char *err, size_t errlen);
const char *kube_event_type_name(enum kube_event_type t);
#endif
