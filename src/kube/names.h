/* names — Kubernetes object names checked as the API server checks them,
 * before they go into a request path: a namespace is a DNS-1123 label, an
 * object (run, pod) name a DNS-1123 subdomain. "..", "a/b" or "" in a path
 * would otherwise become another request (`-n ..` a cluster-wide list).
 * Pure functions over the caller's strings; nothing is allocated. */
#ifndef ARTRIAGE_KUBE_NAMES_H
#define ARTRIAGE_KUBE_NAMES_H
#include <stdbool.h>
#include <stddef.h>

/* [a-z0-9]([-a-z0-9]*[a-z0-9])?, at most 63 bytes (namespaces). */
bool kube_is_dns1123_label(const char *s);
/* Dot-separated labels, at most 253 bytes (object names). */
bool kube_is_dns1123_subdomain(const char *s);
/* Checks RUN = NAME or NAMESPACE/NAME. 0, or -1 with one sentence in err
 * naming what is wrong. */
int kube_check_run_ref(const char *run, char *err, size_t errlen);
#endif
