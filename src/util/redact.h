/* redact — masks secrets and personal data in text handed to someone else
 * (an incident bundle): bearer tokens ("Bearer abc…", "Authorization:
 * Basic …"), the password of a URL ("https://user:pw@host"), and e-mail
 * addresses. What is masked becomes "[redacted]"; everything else is kept
 * byte for byte (line numbers and layout stay those of the original).
 * Works on bytes; no allocation other than the result, which the caller
 * frees. */
#ifndef ARTRIAGE_REDACT_H
#define ARTRIAGE_REDACT_H
#include <stddef.h>

#define REDACT_MASK "[redacted]"

/* Returns a malloc'd NUL-terminated copy of data[0..len) with the secrets
 * masked; *outlen (may be NULL) gets its length; *count (may be NULL) the
 * number of masks applied. */
char *redact_text(const char *data, size_t len, size_t *outlen, size_t *count);
#endif
