/* SPDX-License-Identifier: MIT */
/* sbuf: varints, strings and bytes, deflated into state files and inflated
 * back out of them with every length checked. */
#include "fr_sbuf.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "config.h"
#ifdef HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif

#define CHUNK (64u << 10)

struct fr_swriter {
    FILE *fp;
    z_stream z;
    int z_ok;
    uint8_t in[CHUNK];
    size_t n_in;
    uint8_t out[CHUNK];
    uint64_t raw, zlen;
    const char *err;
};

fr_swriter *fr_swriter_new(FILE *fp)
{
    fr_swriter *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->fp = fp;
    if (deflateInit(&w->z, 6) != Z_OK) {
        free(w);
        return NULL;
    }
    w->z_ok = 1;
    return w;
}

void fr_swriter_free(fr_swriter *w)
{
    if (!w)
        return;
    if (w->z_ok)
        deflateEnd(&w->z);
    free(w);
}

/* Deflates the pending input (finishing the stream when `flush` is
 * Z_FINISH) and writes what comes out. */
static void drain(fr_swriter *w, int flush)
{
    if (w->err)
        return;
    w->z.next_in = w->in;
    w->z.avail_in = (uInt)w->n_in;
    int rc;
    do {
        w->z.next_out = w->out;
        w->z.avail_out = CHUNK;
        rc = deflate(&w->z, flush);
        if (rc == Z_STREAM_ERROR) {
            w->err = "deflate failed";
            return;
        }
        size_t have = CHUNK - w->z.avail_out;
        if (have && fwrite(w->out, 1, have, w->fp) != have) {
            w->err = "write failed";
            return;
        }
        w->zlen += have;
    } while (w->z.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
    w->n_in = 0;
}

void fr_sw_bytes(fr_swriter *w, const void *p, size_t n)
{
    const uint8_t *b = p;
    while (n && !w->err) {
        size_t k = CHUNK - w->n_in < n ? CHUNK - w->n_in : n;
        memcpy(w->in + w->n_in, b, k);
        w->n_in += k;
        w->raw += k;
        b += k;
        n -= k;
        if (w->n_in == CHUNK)
            drain(w, Z_NO_FLUSH);
    }
}

void fr_sw_u64(fr_swriter *w, uint64_t v)
{
    uint8_t b[10];
    size_t n = 0;
    do {
        b[n] = (uint8_t)(v & 0x7f);
        v >>= 7;
        if (v)
            b[n] |= 0x80;
        n++;
    } while (v);
    fr_sw_bytes(w, b, n);
}

void fr_sw_i64(fr_swriter *w, int64_t v)
{
    fr_sw_u64(w, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

void fr_sw_str(fr_swriter *w, const char *s, size_t len)
{
    fr_sw_u64(w, len);
    if (len)
        fr_sw_bytes(w, s, len);
}

void fr_sw_optstr(fr_swriter *w, const char *s)
{
    fr_sw_u64(w, s != NULL);
    if (s)
        fr_sw_str(w, s, strlen(s));
}

int fr_swriter_finish(fr_swriter *w, uint64_t *raw_len, uint64_t *z_len)
{
    drain(w, Z_FINISH);
    if (!w->err && fflush(w->fp) != 0)
        w->err = "write failed";
    *raw_len = w->raw;
    *z_len = w->zlen;
    return w->err ? -1 : 0;
}

const char *fr_sw_failed(const fr_swriter *w)
{
    return w->err;
}

/* ---- reading ---- */

struct fr_sreader {
    FILE *fp; /* NULL: plain bytes in mem */
    const uint8_t *mem;
#ifdef HAVE_ISAL
    struct inflate_state z; /* twice as fast as zlib on state bodies */
#else
    z_stream z;
#endif
    int z_ok;
    uint64_t z_left, raw_left;
    uint8_t zin[CHUNK];
    uint8_t buf[CHUNK];
    const uint8_t *p, *end;
    int z_done;
    char err[256];
    int failed;
};

fr_sreader *fr_sreader_new(FILE *fp, uint64_t z_len, uint64_t raw_len)
{
    fr_sreader *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->fp = fp;
    r->z_left = z_len;
    r->raw_left = raw_len;
    r->p = r->end = r->buf;
#ifdef HAVE_ISAL
    isal_inflate_init(&r->z);
    r->z.crc_flag = ISAL_ZLIB; /* the RFC 1950 wrapper, its Adler-32 checked */
#else
    if (inflateInit(&r->z) != Z_OK) {
        free(r);
        return NULL;
    }
    r->z_ok = 1;
#endif
    return r;
}

fr_sreader *fr_sreader_new_mem(const uint8_t *p, size_t n)
{
    fr_sreader *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->mem = p;
    r->p = p;
    r->end = p + n;
    r->z_done = 1;
    return r;
}

void fr_sreader_free(fr_sreader *r)
{
    if (!r)
        return;
#ifndef HAVE_ISAL
    if (r->z_ok)
        inflateEnd(&r->z);
#endif
    free(r);
}

void fr_sr_fail(fr_sreader *r, const char *fmt, ...)
{
    if (r->failed)
        return;
    r->failed = 1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err, sizeof r->err, fmt, ap);
    va_end(ap);
}

const char *fr_sr_failed(const fr_sreader *r)
{
    return r->failed ? r->err : NULL;
}

/* Refills buf with inflated bytes. Returns 1 when some are there, else 0
 * (end of the body, or an error set). */
static int refill(fr_sreader *r)
{
    if (r->failed || !r->fp || r->z_done)
        return 0;
    r->z.next_out = r->buf;
    r->z.avail_out = CHUNK;
    while (r->z.avail_out == CHUNK) {
        if (r->z.avail_in == 0 && r->z_left) {
            size_t want = r->z_left < CHUNK ? (size_t)r->z_left : CHUNK;
            size_t got = fread(r->zin, 1, want, r->fp);
            if (got != want) {
                fr_sr_fail(r, "the file is shorter than its header says (truncated)");
                return 0;
            }
            r->z_left -= got;
            r->z.next_in = r->zin;
            r->z.avail_in = (uint32_t)got;
        }
        /* the inflater may still hold input of an earlier call: it is
         * called even when none is left, and the stream is cut short only
         * when it then gives nothing */
#ifdef HAVE_ISAL
        int rc = isal_inflate(&r->z);
        if (rc < 0) {
            fr_sr_fail(r, "the body does not inflate (%s)",
                       rc == ISAL_INCORRECT_CHECKSUM    ? "incorrect data check"
                           : rc == ISAL_INVALID_WRAPPER ? "incorrect header check"
                                                        : "invalid deflate data");
            return 0;
        }
        int done = r->z.block_state == ISAL_BLOCK_FINISH;
#else
        int rc = inflate(&r->z, Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
            fr_sr_fail(r, "the body does not inflate (%s)", r->z.msg ? r->z.msg : "zlib error");
            return 0;
        }
        int done = rc == Z_STREAM_END;
#endif
        if (done) {
            r->z_done = 1;
            if (r->z.avail_in || r->z_left) {
                fr_sr_fail(r, "bytes follow the body's deflate stream");
                return 0;
            }
            break;
        }
        if (r->z.avail_out == CHUNK && r->z.avail_in == 0 && r->z_left == 0) {
            fr_sr_fail(r, "the body's deflate stream is cut short");
            return 0;
        }
    }
    size_t have = CHUNK - r->z.avail_out;
    if (have > r->raw_left) {
        fr_sr_fail(r, "the body is longer than its header says");
        return 0;
    }
    r->raw_left -= have;
    r->p = r->buf;
    r->end = r->buf + have;
    return have > 0;
}

uint64_t fr_sr_left(const fr_sreader *r)
{
    return (uint64_t)(r->end - r->p) + (r->fp ? r->raw_left : 0);
}

int fr_sr_bytes(fr_sreader *r, void *p, size_t n)
{
    uint8_t *o = p;
    while (n) {
        if (r->failed)
            break;
        if (r->p == r->end && !refill(r)) {
            fr_sr_fail(r, "the body ends in the middle of a record");
            break;
        }
        size_t k = (size_t)(r->end - r->p) < n ? (size_t)(r->end - r->p) : n;
        memcpy(o, r->p, k);
        r->p += k;
        o += k;
        n -= k;
    }
    if (n) {
        memset(o, 0, n);
        return -1;
    }
    return 0;
}

uint64_t fr_sr_u64(fr_sreader *r)
{
    uint64_t v = 0;
    for (int shift = 0; shift < 70; shift += 7) {
        uint8_t b;
        if (r->p < r->end) {
            b = *r->p++;
        } else if (fr_sr_bytes(r, &b, 1)) {
            return 0;
        }
        if (shift == 63 && (b & 0x7e)) {
            fr_sr_fail(r, "a number does not fit 64 bits");
            return 0;
        }
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            return v;
    }
    fr_sr_fail(r, "a number does not fit 64 bits");
    return 0;
}

int64_t fr_sr_i64(fr_sreader *r)
{
    uint64_t u = fr_sr_u64(r);
    return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

uint64_t fr_sr_count(fr_sreader *r, uint64_t max, const char *what)
{
    uint64_t v = fr_sr_u64(r);
    if (v > max) {
        fr_sr_fail(r, "%s: %llu is more than the %llu allowed", what, (unsigned long long)v,
                   (unsigned long long)max);
        return 0;
    }
    return v;
}

char *fr_sr_str(fr_sreader *r, size_t max, size_t *len)
{
    uint64_t n = fr_sr_count(r, max, "string length");
    if (r->failed)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (!s) {
        fr_sr_fail(r, "out of memory");
        return NULL;
    }
    if (fr_sr_bytes(r, s, (size_t)n)) {
        free(s);
        return NULL;
    }
    s[n] = '\0';
    if (len)
        *len = (size_t)n;
    return s;
}

int fr_sr_optstr(fr_sreader *r, size_t max, char **out)
{
    *out = NULL;
    uint64_t present = fr_sr_count(r, 1, "string flag");
    if (r->failed)
        return -1;
    if (!present)
        return 0;
    *out = fr_sr_str(r, max, NULL);
    return *out ? 0 : -1;
}

int fr_sr_end(fr_sreader *r)
{
    if (r->failed)
        return -1;
    if (r->p != r->end || refill(r) || r->failed) {
        fr_sr_fail(r, "trailing bytes after the last section");
        return -1;
    }
    if (r->fp && (!r->z_done || r->raw_left || r->z_left)) {
        fr_sr_fail(r, "the body is shorter than its header says");
        return -1;
    }
    return 0;
}
