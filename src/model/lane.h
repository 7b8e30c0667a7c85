/* lane — grouping retries into lanes and naming the next attempt
 * (docs/lanes.md). Pure functions on names; no I/O.
 * Every returned string is newly allocated; the caller frees it. */
#ifndef ARTRIAGE_MODEL_LANE_H
#define ARTRIAGE_MODEL_LANE_H
#include <stdbool.h>
#include <stddef.h>

/* Splits a run name into lane and attempt by the name rules (2-4 of
 * lanes.md; provenance is applied by the caller). attempt is "" for the
 * first try. Both outputs are newly allocated. */
void lane_from_name(const char *name, char **lane, char **attempt);

/* True when `name` was made from metadata.generateName (prefix + the API
 * server's 5 random characters): such a run is its own lane (rule 4).
 * generate_name may be NULL. */
bool lane_is_generated(const char *name, const char *generate_name);

/* The next attempt's name after the lane's newest attempt `newest`
 * (e -> f, z -> za, r2 -> r3, no suffix -> -r2), skipping any name in
 * taken[0..ntaken) and kept to at most 63 characters by shortening the
 * prefix, never the suffix. */
char *lane_next_name(const char *newest, const char *const *taken, size_t ntaken);

/* The next head branch: `head` with its attempt marker replaced by the
 * new attempt's, else with -r<N> appended; never one of used[]. */
char *lane_next_head(const char *head, const char *old_attempt, const char *new_attempt,
                     const char *const *used, size_t nused);
#endif
