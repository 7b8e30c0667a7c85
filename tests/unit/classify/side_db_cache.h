/* Shared check of the scanner's side databases (gated, apart): each is
 * cached beside the main one, loaded with it, and compiled afresh (and
 * stored again) when its own file is missing. Header-only, for the classify
 * unit tests; the caller includes check.h and the classify headers. */
#ifndef ARTRIAGE_TEST_SIDE_DB_CACHE_H
#define ARTRIAGE_TEST_SIDE_DB_CACHE_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* findings() classifies one fixed log with freshly loaded rules and returns
 * how many findings it got; want is the right count. suffix names the side
 * database's file ("-gated.hsdb", "-apart.hsdb"). */
#ifdef HAVE_HYPERSCAN
static void side_database_cached(const char *suffix, size_t (*findings)(void), size_t want)
{
    char dir[] = "/tmp/artriage-sidedb-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    setenv("XDG_CACHE_HOME", dir, 1);
    unsetenv("ARTRIAGE_CLASSIFY_CACHE");
    ck_assert_uint_eq(findings(), want); /* compiles, stores both */
    char sub[64];
    snprintf(sub, sizeof sub, "%s/artriage", dir);
    DIR *d = opendir(sub);
    ck_assert_ptr_nonnull(d);
    char side[512] = "", main_db[512] = "";
    size_t sl = strlen(suffix);
    for (struct dirent *e; (e = readdir(d));) {
        size_t l = strlen(e->d_name);
        if (l > sl && strcmp(e->d_name + l - sl, suffix) == 0) snprintf(side, sizeof side, "%s/%s", sub, e->d_name);
        else if (l > 5 && strcmp(e->d_name + l - 5, ".hsdb") == 0)
            snprintf(main_db, sizeof main_db, "%s/%s", sub, e->d_name);
    }
    closedir(d);
    ck_assert_msg(side[0] && main_db[0], "cache files: '%s' '%s'", main_db, side);
    ck_assert_uint_eq(findings(), want); /* both from the cache */
    ck_assert_int_eq(unlink(side), 0);
    ck_assert_uint_eq(findings(), want); /* side file gone: compiled again */
    ck_assert_int_eq(access(side, F_OK), 0); /* and stored */
    unlink(side);
    unlink(main_db);
    rmdir(sub);
    rmdir(dir);
    unsetenv("XDG_CACHE_HOME");
    setenv("ARTRIAGE_CLASSIFY_CACHE", "0", 1);
}
#endif

#endif
