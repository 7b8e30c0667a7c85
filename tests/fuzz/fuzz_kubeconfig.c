/* A kubeconfig is untrusted YAML: any bytes go through the parser, the
 * merge and the resolution of every context (at most 16) without a crash,
 * a leak or a secret in an error message. Inputs naming a tokenFile or a
 * /dev path are skipped: resolving reads such files, and /dev/stdin would
 * block the fuzzer rather than find a bug. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "kube/kubeconfig.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (memmem(data, size, "tokenFile", 9) || memmem(data, size, "/dev", 4) || memmem(data, size, "/proc", 5))
        return 0;
    char err[ERRLEN];
    struct kubeconfig *kc = NULL;
    if (kubeconfig_load_data((const char *)data, size, "/nonexistent/fuzz/kubeconfig", &kc, err, sizeof err) != 0)
        return 0;
    struct kube_config *cfg = NULL;
    if (kubeconfig_resolve(kc, NULL, NULL, &cfg, err, sizeof err) == 0) {
        struct kube_config *d = kube_config_dup(cfg);
        kube_config_free(d);
        kube_config_free(cfg);
    }
    size_t n = kubeconfig_context_count(kc);
    for (size_t i = 0; i < n && i < 16; i++) {
        if (kubeconfig_resolve(kc, kubeconfig_context_name(kc, i), "agents", &cfg, err, sizeof err) == 0)
            kube_config_free(cfg);
    }
    (void)kubeconfig_current_context(kc);
    kubeconfig_free(kc);
    return 0;
}
