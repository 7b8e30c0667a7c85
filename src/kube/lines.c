/* Line framing and watch event decoding (see lines.h). */
#include "kube/lines.h"
#include "util/err.h"
#include "util/jsonutil.h"
#include <string.h>

void kube_lines_init(struct kube_lines *l, size_t max_line)
{
    memset(l, 0, sizeof *l);
    l->max_line = max_line ? max_line : 1;
}

void kube_lines_reset(struct kube_lines *l)
{
    buf_reset(&l->pending);
    l->skipping = false;
}

void kube_lines_free(struct kube_lines *l)
{
    buf_free(&l->pending);
    l->skipping = false;
}

int kube_lines_feed(struct kube_lines *l, const char *data, size_t n, kube_line_fn fn, void *ud)
{
    while (n > 0) {
        const char *nl = memchr(data, '\n', n);
        size_t seg = nl ? (size_t)(nl - data) : n;
        if (l->skipping) {
            if (nl) l->skipping = false;
        } else if (l->pending.len + seg > l->max_line) {
            size_t room = l->max_line - l->pending.len;
            buf_append(&l->pending, data, room);
            struct kube_line_info info = {.overflow = true};
            int rc = fn(ud, l->pending.p, l->pending.len, &info);
            buf_reset(&l->pending);
            l->skipping = !nl;
            if (rc) return rc; /* the caller stops reading this stream */
        } else if (nl) {
            int rc;
            struct kube_line_info info = {0};
            if (l->pending.len == 0) {
                rc = fn(ud, data, seg, &info); /* whole line inside this chunk: no copy */
            } else {
                buf_append(&l->pending, data, seg);
                rc = fn(ud, l->pending.p, l->pending.len, &info);
                buf_reset(&l->pending);
            }
            if (rc) return rc;
        } else {
            buf_append(&l->pending, data, seg);
        }
        if (!nl) break;
        data += seg + 1;
        n -= seg + 1;
    }
    return 0;
}

int kube_lines_finish(struct kube_lines *l, kube_line_fn fn, void *ud)
{
    int rc = 0;
    if (!l->skipping && l->pending.len) {
        struct kube_line_info info = {.partial = true};
        rc = fn(ud, l->pending.p, l->pending.len, &info);
    }
    kube_lines_reset(l);
    return rc;
}

static const char *const type_names[] = {"ADDED", "MODIFIED", "DELETED", "BOOKMARK", "ERROR"};

const char *kube_event_type_name(enum kube_event_type t)
{
    return (unsigned)t < sizeof type_names / sizeof type_names[0] ? type_names[t] : "?";
}

int kube_event_parse(const char *line, size_t len, struct kube_event *ev, char *err, size_t errlen)
{
    memset(ev, 0, sizeof *ev);
    while (len && (line[len - 1] == '\r' || line[len - 1] == ' ')) len--;
    cJSON *j = json_parse_n(line, len, "watch event", err, errlen);
    if (!j) return -1;
    const char *type = json_str(j, "type");
    const cJSON *obj = json_obj(j, "object");
    int t = -1;
    for (size_t i = 0; type && i < sizeof type_names / sizeof type_names[0]; i++)
        if (strcmp(type, type_names[i]) == 0) t = (int)i;
    if (t < 0 || !obj) {
        cJSON_Delete(j);
        return errf(err, errlen, "watch event without a known type and an object");
    }
    ev->type = (enum kube_event_type)t;
    ev->root = j;
    ev->object = obj;
    ev->rv = json_str(obj, "metadata.resourceVersion");
    ev->uid = json_str(obj, "metadata.uid");
    return 0;
}
