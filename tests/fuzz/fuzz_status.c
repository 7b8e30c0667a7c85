/* An error answer is untrusted: any body, any HTTP code, any Retry-After
 * goes through the Status parser and the sentence builder (with and
 * without the request's context) without a crash or a leak, and the
 * sentence is always a NUL-terminated line within its buffer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "kube/status.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3) return 0;
    long http = 100 + (long)((data[0] << 8 | data[1]) % 500);
    /* a Retry-After of the next few bytes, up to the first NUL */
    char ra[16];
    size_t ral = (size_t)(data[2] % 12);
    if (ral > size - 3) ral = size - 3;
    memcpy(ra, data + 3, ral);
    ra[ral] = 0;
    const char *body = (const char *)data + 3 + ral;
    size_t len = size - 3 - ral;
    struct kube_status st;
    kube_status_parse(http, body, len, data[2] & 0x80 ? ra : NULL, &st);
    struct kube_what w = {.verb = "get", .kind = "AgentRun", .resource = "agentruns.agents.proompteng.ai",
                          .name = "run-a", .ns = "agents", .server = "https://k:6443",
                          .path = "/apis/agents.proompteng.ai/v1alpha1/namespaces/agents/agentruns/run-a",
                          .user = "u", .context = "c", .no_credentials = data[0] & 1,
                          .credentials_withheld = data[0] & 2};
    char out[512];
    kube_status_sentence(&st, &w, out, sizeof out);
    if (!memchr(out, 0, sizeof out)) abort();
    struct kube_what bare = {0};
    kube_status_sentence(&st, &bare, out, sizeof out);
    struct kube_status copy;
    kube_status_copy(&copy, &st);
    kube_status_free(&copy);
    kube_status_free(&st);
    return 0;
}
