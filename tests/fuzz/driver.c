/* A standalone driver for the libFuzzer-style targets in tests/fuzz/, so
 * that they build and run under gcc in `make test` (ASan+UBSan) without
 * clang: it replays seed files and then feeds deterministic pseudo-random
 * mutations of them. With -DARTRIAGE_FUZZ=ON and clang, the same targets
 * link against libFuzzer instead of this file.
 *
 *   fuzz_X [-n ITERATIONS] [SEED_FILE_OR_DIR...]
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct seed {
    uint8_t *p;
    size_t n;
};

static struct seed *seeds;
static size_t nseeds, capseeds;

static void add_seed(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return;
    uint8_t *p = NULL;
    size_t n = 0, cap = 0;
    uint8_t tmp[65536];
    size_t r;
    while ((r = fread(tmp, 1, sizeof tmp, f)) > 0 && n < (4u << 20)) {
        if (n + r > cap) {
            cap = (n + r) * 2;
            p = realloc(p, cap);
            if (!p) abort();
        }
        memcpy(p + n, tmp, r);
        n += r;
    }
    fclose(f);
    if (nseeds == capseeds) {
        capseeds = capseeds ? capseeds * 2 : 16;
        seeds = realloc(seeds, capseeds * sizeof *seeds);
        if (!seeds) abort();
    }
    seeds[nseeds++] = (struct seed){p, n};
}

static void add_path(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) return;
    if (!S_ISDIR(st.st_mode)) { add_seed(path); return; }
    DIR *d = opendir(path);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char sub[4096];
        snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
        if (stat(sub, &st) == 0 && S_ISREG(st.st_mode)) add_seed(sub);
    }
    closedir(d);
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Byte flips, inserts of interesting bytes, truncation, splicing. */
static size_t mutate(uint8_t *buf, size_t n, size_t cap)
{
    static const uint8_t interesting[] = {0, 0x1b, '\r', '\n', '"', '{', '}', '[', ']', ':',
                                          ',', '\\', 0x7f, 0x80, 0x9b, 0xc2, 0xe2, 0xff, '-', '0'};
    int ops = 1 + (int)(next() % 8);
    for (int k = 0; k < ops; k++) {
        switch (next() % 5) {
        case 0:
            if (n) buf[next() % n] ^= (uint8_t)(1u << (next() % 8));
            break;
        case 1:
            if (n < cap) {
                size_t at = n ? next() % (n + 1) : 0;
                memmove(buf + at + 1, buf + at, n - at);
                buf[at] = interesting[next() % sizeof interesting];
                n++;
            }
            break;
        case 2:
            if (n) n = next() % n;
            break;
        case 3:
            if (n) buf[next() % n] = interesting[next() % sizeof interesting];
            break;
        case 4:
            if (n > 1) {
                size_t a = next() % n, b = next() % n, len = next() % (n - (a > b ? a : b) + 1);
                memmove(buf + a, buf + b, len);
            }
            break;
        }
    }
    return n;
}

int main(int argc, char **argv)
{
    long iters = 2000;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) iters = atol(argv[++i]);
        else add_path(argv[i]);
    }
    for (size_t i = 0; i < nseeds; i++) LLVMFuzzerTestOneInput(seeds[i].p, seeds[i].n);
    size_t cap = 1 << 16;
    uint8_t *buf = malloc(cap);
    if (!buf) abort();
    for (long it = 0; it < iters; it++) {
        size_t n;
        if (nseeds && next() % 8) {
            struct seed *s = &seeds[next() % nseeds];
            n = s->n < cap ? s->n : cap;
            memcpy(buf, s->p, n);
        } else {
            n = next() % 512;
            for (size_t i = 0; i < n; i++) buf[i] = (uint8_t)next();
        }
        n = mutate(buf, n, cap);
        uint8_t *exact = malloc(n ? n : 1); /* exact size so ASan sees overreads */
        if (!exact) abort();
        memcpy(exact, buf, n);
        LLVMFuzzerTestOneInput(exact, n);
        free(exact);
    }
    free(buf);
    for (size_t i = 0; i < nseeds; i++) free(seeds[i].p);
    free(seeds);
    printf("fuzz: %zu seeds, %ld mutated inputs, no crash\n", nseeds, iters);
    return 0;
}
