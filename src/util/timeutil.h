/* timeutil — times are int64 milliseconds since the Unix epoch, UTC.
 * Parsing never trusts input: every function returns -1 on anything it
 * does not fully understand and leaves *out untouched. */
#ifndef ARTRIAGE_TIMEUTIL_H
#define ARTRIAGE_TIMEUTIL_H
#include <stdint.h>
#include <stddef.h>

#define TIME_NONE INT64_MIN  /* "no time" in structs */

/* RFC 3339: 2026-02-25T08:00:00Z, fractional seconds, +hh:mm offsets. */
int time_parse_rfc3339(const char *s, int64_t *out_ms);
/* Durations: "90s", "2h", "3d", "1h30m", "250ms", "1w". */
int time_parse_duration(const char *s, int64_t *out_ms);
/* RFC 3339 or a relative duration meaning "that long before now_ms". */
int time_parse_when(const char *s, int64_t now_ms, int64_t *out_ms);
/* Formats as 2026-02-25T08:00:00Z (seconds precision) into out (>= 21 bytes).
 * TIME_NONE gives "". */
void time_format_rfc3339(int64_t ms, char *out, size_t outlen);
/* Short human age/duration: "45s", "12m", "3h4m", "5d", "2y". */
void time_format_age(int64_t ms, char *out, size_t outlen);
/* Wall clock now, and a monotonic clock for measuring intervals. */
int64_t time_now_ms(void);
int64_t time_mono_ms(void);
/* The RFC 3339 time a log line starts with ("2026-02-25T09:12:40Z ...",
 * "[2026-02-25T09:12:40.5Z] ..."), TIME_NONE when it has none: the time of
 * a first cause when no kubelet stamp is at hand (sync and the console). */
int64_t time_leading_stamp(const char *text);
#endif
