/* logdoc — backing store and sparse line index (see logdoc.h). */
#include "model/logdoc.h"
#include "classify/classify.h"
#include "util/err.h"
#include "util/xalloc.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

enum doc_kind { DOC_FILE, DOC_TEMP, DOC_MEM };

struct ck {
    int64_t line;
    size_t off;
};

struct logdoc {
    enum doc_kind kind;
    int fd;               /* DOC_TEMP: the unlinked file we append to */
    char *map;            /* DOC_FILE / DOC_TEMP */
    size_t maplen;
    struct buf mem;       /* DOC_MEM */
    char *window;         /* READ_WINDOW bytes for indexing by pread */
    size_t size;
    bool growable;
    /* index */
    struct ck *ck;
    size_t nck, capck;
    size_t idx;           /* bytes scanned */
    int64_t nl;           /* '\n' in [0, idx) */
    size_t line_start;    /* start of the line after the last '\n' */
    /* last line looked up, so that drawing consecutive lines is linear */
    int64_t c_line;
    size_t c_off, c_end;  /* c_end: offset of its '\n' (or the end) */
    logdoc_sink_fn sink;
    void *sink_ud;
};

static const char *base(const struct logdoc *d)
{
    return d->kind == DOC_MEM ? d->mem.p : d->map;
}

static struct logdoc *doc_alloc(enum doc_kind kind)
{
    struct logdoc *d = xcalloc(1, sizeof *d);
    d->kind = kind;
    d->fd = -1;
    d->capck = 64;
    d->ck = xmalloc(d->capck * sizeof *d->ck);
    d->ck[0] = (struct ck){0, 0};
    d->nck = 1;
    d->c_line = -1;
    return d;
}

struct logdoc *logdoc_open_file(const char *path, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        errf(err, errlen, "log file %s: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        errf(err, errlen, "log file %s: not a regular file", path);
        close(fd);
        return NULL;
    }
    struct logdoc *d = doc_alloc(DOC_FILE);
    d->size = (size_t)st.st_size;
    if (d->size) {
        void *m = mmap(NULL, d->size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m == MAP_FAILED) {
            errf(err, errlen, "log file %s: cannot map it: %s", path, strerror(errno));
            close(fd);
            free(d->ck);
            free(d);
            return NULL;
        }
        madvise(m, d->size, MADV_RANDOM);   /* the screen reads here and there */
        d->map = m;
        d->maplen = d->size;
    }
    d->fd = fd;   /* indexing reads through it (logdoc_read) */
    return d;
}

static int temp_fd(void)
{
    const char *dir = getenv("TMPDIR");
    if (!dir || !*dir) dir = "/tmp";
    char *path = xasprintf("%s/artriage-log-XXXXXX", dir);
    int fd = mkostemp(path, O_CLOEXEC);  /* 0600 */
    if (fd >= 0) unlink(path);           /* gone with the last descriptor */
    free(path);
    return fd;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Maps [0, size) of the temp file after it grew. */
static int temp_remap(struct logdoc *d)
{
    if (d->size == d->maplen) return 0;
    void *m;
    if (!d->map)
        m = mmap(NULL, d->size, PROT_READ, MAP_SHARED, d->fd, 0);
    else
        m = mremap(d->map, d->maplen, d->size, MREMAP_MAYMOVE);
    if (m == MAP_FAILED) return -1;
    d->map = m;
    d->maplen = d->size;
    return 0;
}

/* Moves a temp document into memory (the temp file failed us). */
static void temp_to_mem(struct logdoc *d)
{
    if (d->map) {
        buf_append(&d->mem, d->map, d->maplen);
        munmap(d->map, d->maplen);
    }
    d->map = NULL;
    d->maplen = 0;
    d->size = d->mem.len;
    if (d->fd >= 0) close(d->fd);
    d->fd = -1;
    d->kind = DOC_MEM;
}

struct logdoc *logdoc_new_stream(void)
{
    int fd = temp_fd();
    struct logdoc *d = doc_alloc(fd >= 0 ? DOC_TEMP : DOC_MEM);
    d->fd = fd;
    d->growable = true;
    return d;
}

struct logdoc *logdoc_new_bytes(const void *data, size_t len, char *err, size_t errlen)
{
    struct logdoc *d = logdoc_new_stream();
    if (logdoc_append(d, data, len, err, errlen) != 0) {
        logdoc_free(d);
        return NULL;
    }
    d->growable = false;
    return d;
}

int logdoc_append(struct logdoc *d, const void *data, size_t n, char *err, size_t errlen)
{
    if (d->kind == DOC_FILE) return errf(err, errlen, "log document: a mapped file cannot grow");
    if (!n) return 0;
    if (d->kind == DOC_TEMP) {
        off_t at = (off_t)d->size;
        if (pwrite(d->fd, data, n, at) == (ssize_t)n || (lseek(d->fd, at, SEEK_SET) == at &&
                                                         write_all(d->fd, data, n) == 0)) {
            d->size += n;
            if (temp_remap(d) == 0) return 0;
            d->size -= n;
        }
        temp_to_mem(d);   /* disk full or no address space for the map */
    }
    buf_append(&d->mem, data, n);
    d->size = d->mem.len;
    return 0;
}

void logdoc_finish(struct logdoc *d)
{
    d->growable = false;
}

bool logdoc_growing(const struct logdoc *d)
{
    return d->growable;
}

void logdoc_free(struct logdoc *d)
{
    if (!d) return;
    if (d->map) munmap(d->map, d->maplen);
    if (d->fd >= 0) close(d->fd);
    buf_free(&d->mem);
    free(d->window);
    free(d->ck);
    free(d);
}

void logdoc_set_sink(struct logdoc *d, logdoc_sink_fn fn, void *ud)
{
    d->sink = fn;
    d->sink_ud = ud;
}

static void add_ck(struct logdoc *d, int64_t line, size_t off)
{
    if (d->nck == d->capck) d->ck = xgrow(d->ck, &d->capck, d->nck + 1, sizeof *d->ck);
    d->ck[d->nck++] = (struct ck){line, off};
}

/* Reads [off, off + n) into out (n <= what the document holds there). */
static int read_at(const struct logdoc *d, size_t off, char *out, size_t n)
{
    while (n) {
        ssize_t r = pread(d->fd, out, n, (off_t)off);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return -1;
        out += r;
        off += (size_t)r;
        n -= (size_t)r;
    }
    return 0;
}

size_t logdoc_read(const struct logdoc *d, size_t off, void *out, size_t n)
{
    if (off >= d->size) return 0;
    if (n > d->size - off) n = d->size - off;
    /* pread, not the mapping: on some virtual machines touching 1 GiB of
     * mapped page cache costs several times more than copying it */
    if (d->fd >= 0 && read_at(d, off, out, n) == 0) return n;
    memcpy(out, base(d) + off, n);
    return n;
}

/* Indexes w[0, n), the bytes at document offset at. */
static void index_window(struct logdoc *d, const char *w, size_t at, size_t n)
{
    size_t pos = 0;
    int64_t nl = d->nl;
    /* Between checkpoints only the number of newlines matters (counted
     * with SIMD); a checkpoint goes on the first line start at least
     * LOGDOC_CK_BYTES after the previous one. */
    while (pos < n) {
        size_t target = d->ck[d->nck - 1].off + LOGDOC_CK_BYTES;
        if (target > at + pos) {
            size_t upto = target - at < n ? target - at : n;
            size_t k = classify_count_newlines(w + pos, upto - pos);
            if (k) {
                nl += (int64_t)k;
                const char *q = memrchr(w + pos, '\n', upto - pos);
                d->line_start = at + (size_t)(q - w) + 1;
            }
            pos = upto;
            continue;
        }
        const char *q = memchr(w + pos, '\n', n - pos);
        if (!q) break;
        pos = (size_t)(q - w) + 1;
        nl++;
        d->line_start = at + pos;
        add_ck(d, nl, at + pos);
    }
    d->nl = nl;
}

#define READ_WINDOW ((size_t)4 << 20)

bool logdoc_index_step(struct logdoc *d, size_t budget)
{
    if (budget == 0) budget = 1;
    size_t start = d->idx;
    size_t end = d->size - d->idx > budget ? d->idx + budget : d->size;
    while (d->idx < end) {
        size_t n = end - d->idx;
        const char *w = base(d) + d->idx;
        if (d->fd >= 0) {
            if (n > READ_WINDOW) n = READ_WINDOW;
            if (!d->window) d->window = xmalloc(READ_WINDOW);
            if (read_at(d, d->idx, d->window, n) == 0) w = d->window;
        }
        index_window(d, w, d->idx, n);
        if (d->sink) d->sink(d->sink_ud, w, n);
        d->idx += n;
    }
    if (end > start) d->c_line = -1;   /* a cached unterminated line may have grown */
    return d->idx < d->size;
}

bool logdoc_indexed(const struct logdoc *d)
{
    return d->idx == d->size;
}

int64_t logdoc_lines(const struct logdoc *d)
{
    return d->nl + (d->idx == d->size && d->size > d->line_start ? 1 : 0);
}

size_t logdoc_size(const struct logdoc *d)
{
    return d->size;
}

size_t logdoc_indexed_bytes(const struct logdoc *d)
{
    return d->idx;
}

bool logdoc_partial_tail(const struct logdoc *d)
{
    return d->size > 0 && base(d)[d->size - 1] != '\n';
}

const char *logdoc_bytes(const struct logdoc *d)
{
    return base(d);
}

/* The last checkpoint at or before line n (by_line) or byte offset off:
 * checkpoints grow in both. */
static const struct ck *ck_before(const struct logdoc *d, bool by_line, int64_t n, size_t off)
{
    size_t lo = 0, hi = d->nck;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (by_line ? d->ck[mid].line <= n : d->ck[mid].off <= off) lo = mid;
        else hi = mid;
    }
    return &d->ck[lo];
}

static const struct ck *ck_for_line(const struct logdoc *d, int64_t n) { return ck_before(d, true, n, 0); }

static const struct ck *ck_for_off(const struct logdoc *d, size_t off) { return ck_before(d, false, 0, off); }

int logdoc_line(struct logdoc *d, int64_t n, const char **p, size_t *len, size_t *off)
{
    if (n < 0 || n >= logdoc_lines(d)) return -1;
    const char *b = base(d);
    int64_t l;
    size_t o;
    if (d->c_line >= 0 && d->c_line <= n && (n == d->c_line || d->c_line >= ck_for_line(d, n)->line)) {
        l = d->c_line;
        o = d->c_off;
        if (l < n) {          /* step from the cached line's end */
            o = d->c_end + 1;
            l++;
        }
    } else {
        const struct ck *c = ck_for_line(d, n);
        l = c->line;
        o = c->off;
    }
    while (l < n) {
        const char *q = memchr(b + o, '\n', d->idx - o);
        o = (size_t)(q - b) + 1;   /* n < lines: a '\n' ends every earlier line */
        l++;
    }
    size_t e;
    if (n == d->c_line) {
        e = d->c_end;
    } else {
        const char *q = o < d->idx ? memchr(b + o, '\n', d->idx - o) : NULL;
        e = q ? (size_t)(q - b) : d->idx;
    }
    d->c_line = n;
    d->c_off = o;
    d->c_end = e;
    size_t ln = e - o;
    if (ln && b[o + ln - 1] == '\r') ln--;
    *p = b + o;
    *len = ln;
    if (off) *off = o;
    return 0;
}

int64_t logdoc_line_at(struct logdoc *d, size_t off)
{
    if (off >= d->idx) {
        if (off == d->idx && off == d->size && d->size > d->line_start) return d->nl;
        return -1;
    }
    const char *b = base(d);
    const struct ck *c = ck_for_off(d, off);
    int64_t l = c->line;
    size_t o = c->off;
    if (d->c_line >= l && d->c_off <= off && d->c_off >= o) {
        l = d->c_line;
        o = d->c_off;
    }
    for (;;) {
        const char *q = memchr(b + o, '\n', off - o);
        if (!q) break;
        o = (size_t)(q - b) + 1;
        l++;
    }
    return l;
}

int logdoc_write(const struct logdoc *d, const char *path, char *err, size_t errlen)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return errf(err, errlen, "writing the log to %s: %s", path, strerror(errno));
    if (write_all(fd, base(d), d->size) != 0 || fsync(fd) != 0) {
        int e = errno;
        close(fd);
        unlink(path);
        return errf(err, errlen, "writing the log to %s: %s", path, strerror(e));
    }
    if (close(fd) != 0) return errf(err, errlen, "writing the log to %s: %s", path, strerror(errno));
    return 0;
}

static bool digits(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] < '0' || p[i] > '9') return false;
    return true;
}

size_t logdoc_ts_prefix(const char *p, size_t n)
{
    /* YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM) then one space */
    if (n < 21 || !digits(p, 4) || p[4] != '-' || !digits(p + 5, 2) || p[7] != '-' ||
        !digits(p + 8, 2) || (p[10] != 'T' && p[10] != 't') || !digits(p + 11, 2) ||
        p[13] != ':' || !digits(p + 14, 2) || p[16] != ':' || !digits(p + 17, 2))
        return 0;
    size_t i = 19;
    if (i < n && p[i] == '.') {
        size_t j = i + 1;
        while (j < n && j - i <= 9 && p[j] >= '0' && p[j] <= '9') j++;
        if (j == i + 1) return 0;
        i = j;
    }
    if (i < n && (p[i] == 'Z' || p[i] == 'z')) {
        i++;
    } else if (i + 6 <= n && (p[i] == '+' || p[i] == '-') && digits(p + i + 1, 2) &&
               p[i + 3] == ':' && digits(p + i + 4, 2)) {
        i += 6;
    } else {
        return 0;
    }
    if (i >= n || p[i] != ' ') return 0;
    return i + 1;
}
