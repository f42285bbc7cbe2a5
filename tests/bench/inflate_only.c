/*
 * inflate_only: the decompression floor for the flowreport benchmark.
 *
 *   inflate_only [--isal] -j N FILE...
 *   inflate_only --features
 *
 * Inflates every FILE (gzip, concatenated members allowed) and throws the
 * output away.  Files are handed out one at a time to N threads, so a single
 * file is always one thread's work.  Prints one key=value line:
 *
 *   lib=zlib threads=2 files=288 members=288 compressed_bytes=... uncompressed_bytes=... seconds=...
 *
 * The time covers opening, reading and inflating all files (wall clock,
 * monotonic).  Any error (unreadable file, not gzip, corrupt or truncated
 * data, bad CRC, trailing garbage) is printed and makes the exit status 1;
 * usage errors give 2.
 *
 * The ISA-L path (isal_inflate with crc_flag = ISAL_GZIP) exists only when
 * compiled with -DHAVE_ISAL (and linked with -lisal).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#ifdef HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif

#define IN_SIZE (256u * 1024u)
#define OUT_SIZE (256u * 1024u)

typedef struct {
    uint64_t compressed, uncompressed, members;
    int errors;
} totals_t;

typedef struct {
    char **files;
    int nfiles;
    int next;
    int use_isal;
    pthread_mutex_t mu;
    totals_t total;
} job_t;

/* one open input file */
typedef struct {
    const char *path;
    int fd;
    unsigned char *buf;
    uint64_t read_total;
    int eof;
} src_t;

/* read the next chunk; returns bytes read, 0 at end of file, -1 on error */
static ssize_t src_read(src_t *s)
{
    for (;;) {
        ssize_t n = read(s->fd, s->buf, IN_SIZE);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            fprintf(stderr, "inflate_only: %s: read: %s\n", s->path, strerror(errno));
            return -1;
        }
        if (n == 0)
            s->eof = 1;
        s->read_total += (uint64_t)n;
        return n;
    }
}

static void fail(const src_t *s, const char *lib, const char *what, uint64_t out_off)
{
    fprintf(stderr, "inflate_only: %s: %s: %s (uncompressed offset %" PRIu64 ")\n", s->path, lib,
            what, out_off);
}

/* ---------------------------------------------------------------- zlib */

static int inflate_zlib(src_t *s, unsigned char *out, totals_t *t)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    int rc = inflateInit2(&zs, 15 + 16); /* gzip wrapper only */
    if (rc != Z_OK) {
        fail(s, "zlib", "inflateInit2 failed", 0);
        return -1;
    }
    uint64_t produced = 0, members = 0;
    int member_open = 0, out_full = 0, status = 0;
    for (;;) {
        if (zs.avail_in == 0 && !s->eof) {
            ssize_t n = src_read(s);
            if (n < 0) {
                status = -1;
                break;
            }
            zs.next_in = s->buf;
            zs.avail_in = (uInt)n;
        }
        if (zs.avail_in == 0 && s->eof && !out_full) {
            if (member_open) {
                fail(s, "zlib", "truncated gzip data", produced);
                status = -1;
            } else if (members == 0) {
                fail(s, "zlib", "empty file", produced);
                status = -1;
            }
            break;
        }
        if (!member_open) {
            if (members > 0 && (rc = inflateReset(&zs)) != Z_OK) {
                fail(s, "zlib", "inflateReset failed", produced);
                status = -1;
                break;
            }
            member_open = 1;
        }
        uInt in_before = zs.avail_in;
        zs.next_out = out;
        zs.avail_out = OUT_SIZE;
        rc = inflate(&zs, Z_NO_FLUSH);
        uint64_t got = OUT_SIZE - zs.avail_out;
        produced += got;
        out_full = zs.avail_out == 0;
        if (rc == Z_STREAM_END) {
            members++;
            member_open = 0;
            out_full = 0;
        } else if (rc == Z_OK || rc == Z_BUF_ERROR) {
            /* Z_BUF_ERROR: no progress possible; fine only if input ran dry */
            if (got == 0 && zs.avail_in == in_before && zs.avail_in != 0) {
                fail(s, "zlib", "no progress", produced);
                status = -1;
                break;
            }
        } else {
            char msg[160];
            snprintf(msg, sizeof msg, "inflate error %d (%s)", rc, zs.msg ? zs.msg : "no message");
            fail(s, "zlib", msg, produced);
            status = -1;
            break;
        }
    }
    if (inflateEnd(&zs) != Z_OK && status == 0) {
        fail(s, "zlib", "inflateEnd failed", produced);
        status = -1;
    }
    t->uncompressed += produced;
    t->members += members;
    return status;
}

/* ---------------------------------------------------------------- ISA-L */

#ifdef HAVE_ISAL
static const char *isal_strerror(int rc)
{
    switch (rc) {
    case ISAL_INVALID_BLOCK: return "invalid deflate block";
    case ISAL_INVALID_SYMBOL: return "invalid deflate symbol";
    case ISAL_INVALID_LOOKBACK: return "invalid lookback distance";
    case ISAL_INVALID_WRAPPER: return "invalid gzip wrapper";
    case ISAL_UNSUPPORTED_METHOD: return "unsupported compression method";
    case ISAL_INCORRECT_CHECKSUM: return "incorrect checksum";
    case ISAL_NEED_DICT: return "dictionary needed";
    case ISAL_END_INPUT: return "end of input";
    case ISAL_OUT_OVERFLOW: return "output overflow";
    default: return "unknown error";
    }
}

static int inflate_isal(src_t *s, unsigned char *out, totals_t *t)
{
    struct inflate_state *st = malloc(sizeof *st);
    if (!st) {
        fail(s, "isal", "out of memory", 0);
        return -1;
    }
    isal_inflate_init(st);
    st->crc_flag = ISAL_GZIP;
    st->avail_in = 0;
    uint64_t produced = 0, members = 0;
    int member_open = 0, out_full = 0, status = 0;
    for (;;) {
        if (st->avail_in == 0 && !s->eof) {
            ssize_t n = src_read(s);
            if (n < 0) {
                status = -1;
                break;
            }
            st->next_in = s->buf;
            st->avail_in = (uint32_t)n;
        }
        if (st->avail_in == 0 && s->eof && !out_full) {
            /* ISA-L may still hold buffered output or bits: drain once */
            if (member_open) {
                st->next_out = out;
                st->avail_out = OUT_SIZE;
                int rc = isal_inflate(st);
                produced += OUT_SIZE - st->avail_out;
                if (rc == ISAL_DECOMP_OK && st->block_state == ISAL_BLOCK_FINISH) {
                    members++;
                    member_open = 0;
                    continue;
                }
                if (rc == ISAL_DECOMP_OK && st->avail_out == 0) {
                    out_full = 1;
                    continue;
                }
                fail(s, "isal", rc == ISAL_DECOMP_OK ? "truncated gzip data" : isal_strerror(rc),
                     produced);
                status = -1;
            } else if (members == 0) {
                fail(s, "isal", "empty file", produced);
                status = -1;
            }
            break;
        }
        if (!member_open) {
            if (members > 0) {
                /* keep the unread input across the reset */
                uint8_t *nin = st->next_in;
                uint32_t ain = st->avail_in;
                isal_inflate_reset(st);
                st->crc_flag = ISAL_GZIP;
                st->next_in = nin;
                st->avail_in = ain;
            }
            member_open = 1;
        }
        uint32_t in_before = st->avail_in;
        st->next_out = out;
        st->avail_out = OUT_SIZE;
        int rc = isal_inflate(st);
        uint64_t got = OUT_SIZE - st->avail_out;
        produced += got;
        out_full = st->avail_out == 0;
        if (rc != ISAL_DECOMP_OK) {
            char msg[160];
            snprintf(msg, sizeof msg, "isal_inflate error %d (%s)", rc, isal_strerror(rc));
            fail(s, "isal", msg, produced);
            status = -1;
            break;
        }
        if (st->block_state == ISAL_BLOCK_FINISH) {
            members++;
            member_open = 0;
            out_full = 0;
        } else if (got == 0 && st->avail_in == in_before && st->avail_in != 0) {
            fail(s, "isal", "no progress", produced);
            status = -1;
            break;
        }
    }
    free(st);
    t->uncompressed += produced;
    t->members += members;
    return status;
}
#endif

/* ---------------------------------------------------------------- driver */

static void *worker(void *arg)
{
    job_t *j = arg;
    totals_t t = {0};
    unsigned char *in = malloc(IN_SIZE), *out = malloc(OUT_SIZE);
    if (!in || !out) {
        fprintf(stderr, "inflate_only: out of memory\n");
        t.errors++;
        goto done;
    }
    for (;;) {
        int rc = pthread_mutex_lock(&j->mu);
        if (rc != 0) {
            fprintf(stderr, "inflate_only: pthread_mutex_lock: %s\n", strerror(rc));
            t.errors++;
            break;
        }
        int k = j->next++;
        if ((rc = pthread_mutex_unlock(&j->mu)) != 0) {
            fprintf(stderr, "inflate_only: pthread_mutex_unlock: %s\n", strerror(rc));
            t.errors++;
            break;
        }
        if (k >= j->nfiles)
            break;
        src_t s = {.path = j->files[k], .buf = in};
        s.fd = open(s.path, O_RDONLY);
        if (s.fd < 0) {
            fprintf(stderr, "inflate_only: %s: %s\n", s.path, strerror(errno));
            t.errors++;
            continue;
        }
        int st;
#ifdef HAVE_ISAL
        if (j->use_isal)
            st = inflate_isal(&s, out, &t);
        else
#endif
            st = inflate_zlib(&s, out, &t);
        if (st != 0)
            t.errors++;
        t.compressed += s.read_total;
        if (close(s.fd) != 0) {
            fprintf(stderr, "inflate_only: %s: close: %s\n", s.path, strerror(errno));
            t.errors++;
        }
    }
done:
    free(in);
    free(out);
    if (pthread_mutex_lock(&j->mu) == 0) {
        j->total.compressed += t.compressed;
        j->total.uncompressed += t.uncompressed;
        j->total.members += t.members;
        j->total.errors += t.errors;
        if (pthread_mutex_unlock(&j->mu) != 0)
            j->total.errors++;
    } else {
        fprintf(stderr, "inflate_only: pthread_mutex_lock failed\n");
        exit(1);
    }
    return NULL;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: inflate_only [--isal] -j N FILE...\n"
            "       inflate_only --features\n");
    exit(2);
}

static double now_s(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
        perror("inflate_only: clock_gettime");
        exit(1);
    }
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    job_t j;
    memset(&j, 0, sizeof j);
    long threads = 1;
    int i;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--features") == 0) {
#ifdef HAVE_ISAL
            puts("zlib isal");
#else
            puts("zlib");
#endif
            return fflush(stdout) == 0 ? 0 : 1;
        } else if (strcmp(a, "--isal") == 0) {
            j.use_isal = 1;
        } else if (strncmp(a, "-j", 2) == 0 && (a[2] != '\0' || i + 1 < argc)) {
            const char *v = a[2] ? a + 2 : argv[++i]; /* "-j N" or "-jN" */
            char *end;
            errno = 0;
            threads = strtol(v, &end, 10);
            if (errno || *end || end == v || threads < 1 || threads > 1024) {
                fprintf(stderr, "inflate_only: -j: invalid value '%s'\n", v);
                return 2;
            }
        } else if (strcmp(a, "--") == 0) {
            i++;
            break;
        } else if (a[0] == '-' && a[1] != '\0') {
            usage();
        } else {
            break;
        }
    }
    if (i >= argc)
        usage();
#ifndef HAVE_ISAL
    if (j.use_isal) {
        fprintf(stderr, "inflate_only: built without ISA-L (compile with -DHAVE_ISAL -lisal)\n");
        return 2;
    }
#endif
    j.files = argv + i;
    j.nfiles = argc - i;
    int rc = pthread_mutex_init(&j.mu, NULL);
    if (rc != 0) {
        fprintf(stderr, "inflate_only: pthread_mutex_init: %s\n", strerror(rc));
        return 1;
    }
    long nthreads = threads < j.nfiles ? threads : j.nfiles;
    pthread_t *tid = calloc((size_t)nthreads, sizeof *tid);
    if (!tid) {
        fprintf(stderr, "inflate_only: out of memory\n");
        return 1;
    }

    double t0 = now_s();
    long started = 0;
    for (long k = 0; k < nthreads; k++) {
        rc = pthread_create(&tid[k], NULL, worker, &j);
        if (rc != 0) {
            fprintf(stderr, "inflate_only: pthread_create: %s\n", strerror(rc));
            j.total.errors++;
            break;
        }
        started++;
    }
    for (long k = 0; k < started; k++) {
        rc = pthread_join(tid[k], NULL);
        if (rc != 0) {
            fprintf(stderr, "inflate_only: pthread_join: %s\n", strerror(rc));
            return 1;
        }
    }
    double secs = now_s() - t0;
    free(tid);
    if (pthread_mutex_destroy(&j.mu) != 0) {
        fprintf(stderr, "inflate_only: pthread_mutex_destroy failed\n");
        j.total.errors++;
    }

    printf("lib=%s threads=%ld files=%d members=%" PRIu64 " compressed_bytes=%" PRIu64
           " uncompressed_bytes=%" PRIu64 " seconds=%.3f errors=%d\n",
           j.use_isal ? "isal" : "zlib", threads, j.nfiles, j.total.members, j.total.compressed,
           j.total.uncompressed, secs, j.total.errors);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        perror("inflate_only: stdout");
        return 1;
    }
    return j.total.errors ? 1 : 0;
}
