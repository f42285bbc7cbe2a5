/* SPDX-License-Identifier: MIT */
/* reader: byte sources (files, stdin) and the gzip-transparent text layer. */
#include "fr_reader.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#ifdef HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif

struct fr_reader {
    char *name;
    const fr_reader_ops *ops;
    void *ctx;
    uint64_t offset; /* bytes delivered */
    fr_reader *inner; /* the raw reader under a text reader */
    int is_gzip;
    int intact; /* the last error left the text whole (see header) */
    EVP_MD_CTX *sha; /* raw readers only */
    char err[512];
};

fr_reader *fr_reader_new(const char *name, const fr_reader_ops *ops, void *ctx)
{
    fr_reader *r = calloc(1, sizeof *r);
    if (!r || !(r->name = strdup(name))) {
        free(r);
        if (ops->close)
            ops->close(ctx);
        return NULL;
    }
    r->ops = ops;
    r->ctx = ctx;
    return r;
}

fr_reader *fr_reader_new_hashed(const char *name, const fr_reader_ops *ops, void *ctx)
{
    fr_reader *r = fr_reader_new(name, ops, ctx);
    if (!r)
        return NULL;
    r->sha = EVP_MD_CTX_new();
    if (!r->sha || EVP_DigestInit_ex(r->sha, EVP_sha256(), NULL) != 1) {
        fr_reader_free(r);
        return NULL;
    }
    return r;
}

/* ---- files ---- */

typedef struct file_ctx {
    int fd;
    int owned;
    int limited; /* a regular file: read no more than it held when opened */
    uint64_t left; /* bytes still to read when limited */
} file_ctx;

/* Reads from a file descriptor, retrying on EINTR. */
static fr_err file_read(void *vctx, uint8_t *buf, size_t cap, size_t *got, char *errbuf,
                        size_t errlen)
{
    file_ctx *c = vctx;
    if (c->limited && cap > c->left)
        cap = (size_t)c->left;
    if (cap == 0) {
        *got = 0;
        return FR_OK;
    }
    for (;;) {
        ssize_t n = read(c->fd, buf, cap);
        if (n >= 0) {
            *got = (size_t)n;
            if (c->limited)
                c->left -= (uint64_t)n;
            return FR_OK;
        }
        if (errno == EINTR)
            continue;
        snprintf(errbuf, errlen, "read error: %s", strerror(errno));
        *got = 0;
        return FR_ERR_IO;
    }
}

/* Closes the descriptor unless it is stdin. */
static void file_close(void *vctx)
{
    file_ctx *c = vctx;
    if (c && c->owned)
        close(c->fd);
    free(c);
}

static const fr_reader_ops file_ops = {file_read, file_close};

fr_reader *fr_reader_open_file(const char *path, fr_err *err, char *errbuf, size_t errlen)
{
    file_ctx *c = calloc(1, sizeof *c);
    if (!c) {
        *err = FR_ERR_NOMEM;
        snprintf(errbuf, errlen, "out of memory");
        return NULL;
    }
    if (strcmp(path, "-") == 0) {
        c->fd = STDIN_FILENO;
    } else {
        c->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (c->fd < 0) {
            snprintf(errbuf, errlen, "cannot open: %s", strerror(errno));
            *err = FR_ERR_OPEN;
            free(c);
            return NULL;
        }
        c->owned = 1;
    }
    /* A regular file is read to the size it had when opened: a file that
     * keeps growing (a log being written) is not followed. Pipes, FIFOs and
     * devices are streams, read to their end, and so is a file of size 0
     * (the pseudo files of /proc and /sys say 0 and hold data). */
    struct stat st;
    if (fstat(c->fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
        c->limited = 1;
        c->left = (uint64_t)st.st_size;
    }
    fr_reader *r = fr_reader_new(strcmp(path, "-") == 0 ? "(stdin)" : path, &file_ops, c);
    if (!r) {
        *err = FR_ERR_NOMEM;
        snprintf(errbuf, errlen, "out of memory");
        return NULL;
    }
    r->sha = EVP_MD_CTX_new();
    if (!r->sha || EVP_DigestInit_ex(r->sha, EVP_sha256(), NULL) != 1) {
        fr_reader_free(r);
        *err = FR_ERR_NOMEM;
        snprintf(errbuf, errlen, "cannot initialise SHA-256");
        return NULL;
    }
    *err = FR_OK;
    return r;
}

fr_err fr_reader_read(fr_reader *r, uint8_t *buf, size_t cap, size_t *got)
{
    *got = 0;
    fr_err e = r->ops->read(r->ctx, buf, cap, got, r->err, sizeof r->err);
    if (e != FR_OK)
        return e;
    if (r->sha && *got && EVP_DigestUpdate(r->sha, buf, *got) != 1) {
        snprintf(r->err, sizeof r->err, "SHA-256 update failed");
        return FR_ERR_NOMEM;
    }
    r->offset += *got;
    return FR_OK;
}

const char *fr_reader_errmsg(const fr_reader *r)
{
    return r->err;
}
const char *fr_reader_name(const fr_reader *r)
{
    return r->name;
}
uint64_t fr_reader_offset(const fr_reader *r)
{
    return r->offset;
}
int fr_reader_is_gzip(const fr_reader *r)
{
    return r->is_gzip;
}
int fr_reader_text_intact(const fr_reader *r)
{
    return r->intact;
}

uint64_t fr_reader_raw_bytes(const fr_reader *r)
{
    while (r->inner)
        r = r->inner;
    return r->offset;
}

int fr_reader_sha256(const fr_reader *r, uint8_t out[32])
{
    while (r->inner)
        r = r->inner;
    if (!r->sha)
        return 0;
    EVP_MD_CTX *copy = EVP_MD_CTX_new();
    unsigned int len = 0;
    int ok = copy && EVP_MD_CTX_copy_ex(copy, r->sha) == 1 &&
        EVP_DigestFinal_ex(copy, out, &len) == 1 && len == 32;
    EVP_MD_CTX_free(copy);
    return ok;
}

void fr_reader_free(fr_reader *r)
{
    if (!r)
        return;
    if (r->ops && r->ops->close)
        r->ops->close(r->ctx);
    EVP_MD_CTX_free(r->sha);
    free(r->name);
    free(r);
}

/* ---- the text layer: plain bytes or gzip members ---- */

#define TEXT_INBUF (256 * 1024)

enum { MODE_UNKNOWN, MODE_PLAIN, MODE_GZIP };

typedef struct text_ctx {
    fr_reader *raw;
    fr_err pending; /* an error to report after the bytes before it */
    char pending_msg[512];
    fr_reader *self;
    uint8_t *in;
    size_t in_len, in_pos;
    int mode;
    int raw_eof;
    int in_member; /* inside a gzip member */
    int hdr_check; /* a member starts: its header flags are not checked yet */
    uint64_t member_out0; /* text offset where the current member starts */
    int failed;
#ifdef HAVE_ISAL
    struct inflate_state *isal;
#else
    z_stream z;
    int z_init;
#endif
} text_ctx;

/* Refills the input buffer when empty. Returns FR_OK (check raw_eof) or error. */
static fr_err text_fill(text_ctx *c, char *errbuf, size_t errlen)
{
    if (c->in_pos < c->in_len || c->raw_eof)
        return FR_OK;
    size_t got = 0;
    fr_err e = fr_reader_read(c->raw, c->in, TEXT_INBUF, &got);
    if (e != FR_OK) {
        snprintf(errbuf, errlen, "%s", fr_reader_errmsg(c->raw));
        return e;
    }
    c->in_pos = 0;
    c->in_len = got;
    if (got == 0)
        c->raw_eof = 1;
    return FR_OK;
}

/* Reports damage found after `out` more bytes were inflated in this call. */
static fr_err text_damage_at(text_ctx *c, size_t out, const char *what, char *errbuf, size_t errlen)
{
    c->failed = 1;
    snprintf(errbuf, errlen, "damaged gzip data at uncompressed offset %llu: %s",
             (unsigned long long)(c->self->offset + out), what);
    return FR_ERR_GZIP;
}

/* Reports damage at the current uncompressed offset. */
static fr_err text_damage(text_ctx *c, const char *what, char *errbuf, size_t errlen)
{
    return text_damage_at(c, 0, what, errbuf, errlen);
}

/* Damage found after `out` bytes were inflated in this call: hands those bytes
 * out now and keeps the error for the next call, so nothing decoded is lost. */
static fr_err defer_damage(text_ctx *c, size_t out, const char *what, size_t *got, char *errbuf,
                           size_t errlen)
{
    if (out == 0)
        return text_damage(c, what, errbuf, errlen);
    c->pending = text_damage_at(c, out, what, c->pending_msg, sizeof c->pending_msg);
    c->failed = 0;
    *got = out;
    return FR_OK;
}

/* Starts a new member; returns FR_OK. */
static fr_err member_start(text_ctx *c)
{
#ifdef HAVE_ISAL
    isal_inflate_reset(c->isal);
    c->isal->crc_flag = ISAL_GZIP;
#else
    if (inflateReset(&c->z) != Z_OK)
        return FR_ERR_GZIP;
#endif
    c->in_member = 1;
    c->hdr_check = 1;
    c->member_out0 = c->self->offset;
    return FR_OK;
}

/* Moves unread input to the front and reads until `need` bytes are buffered
 * or the source ends. Returns FR_OK or the source's error. */
static fr_err gather(text_ctx *c, size_t need, char *errbuf, size_t errlen)
{
    if (c->in_len - c->in_pos >= need || c->raw_eof)
        return FR_OK;
    memmove(c->in, c->in + c->in_pos, c->in_len - c->in_pos);
    c->in_len -= c->in_pos;
    c->in_pos = 0;
    while (c->in_len < need && !c->raw_eof) {
        size_t more = 0;
        fr_err e = fr_reader_read(c->raw, c->in + c->in_len, TEXT_INBUF - c->in_len, &more);
        if (e != FR_OK) {
            snprintf(errbuf, errlen, "%s", fr_reader_errmsg(c->raw));
            return e;
        }
        if (more == 0)
            c->raw_eof = 1;
        c->in_len += more;
    }
    return FR_OK;
}

/* Checks the FLG byte of a member header (RFC 1952 2.3.1): reserved bits
 * set mean damage. zlib refuses them and ISA-L does not; both builds refuse
 * here, so the report does not depend on the build. Returns 1 when bad. */
static int reserved_flags(const text_ctx *c)
{
    return c->in_len - c->in_pos >= 4 && (c->in[c->in_pos + 3] & 0xe0) != 0;
}

/* Inflates into buf. */
static fr_err gzip_read(text_ctx *c, uint8_t *buf, size_t cap, size_t *got, char *errbuf,
                        size_t errlen)
{
    size_t out = 0;
    while (out == 0) {
        fr_err e = text_fill(c, errbuf, errlen);
        if (e != FR_OK)
            return e;
        if (!c->in_member) {
            if (c->in_pos == c->in_len && c->raw_eof)
                break; /* clean end after a complete member */
            /* Another member must follow: check its magic (may span refills). */
            if (c->in_len - c->in_pos < 2 && !c->raw_eof) {
                memmove(c->in, c->in + c->in_pos, c->in_len - c->in_pos);
                c->in_len -= c->in_pos;
                c->in_pos = 0;
                size_t more = 0;
                e = fr_reader_read(c->raw, c->in + c->in_len, TEXT_INBUF - c->in_len, &more);
                if (e != FR_OK) {
                    snprintf(errbuf, errlen, "%s", fr_reader_errmsg(c->raw));
                    return e;
                }
                if (more == 0)
                    c->raw_eof = 1;
                c->in_len += more;
                continue;
            }
            if (c->in_len - c->in_pos < 2 || c->in[c->in_pos] != 0x1f ||
                c->in[c->in_pos + 1] != 0x8b) {
                /* Zero padding after the last member is common and harmless. */
                int zeros = 1;
                for (size_t i = c->in_pos; i < c->in_len; i++)
                    zeros &= c->in[i] == 0;
                if (zeros) {
                    c->in_pos = c->in_len;
                    continue;
                }
                c->self->intact = 1;
                return text_damage(c, "trailing data after the last gzip member", errbuf, errlen);
            }
            if (member_start(c) != FR_OK)
                return text_damage(c, "cannot reset decoder", errbuf, errlen);
        }
        if (c->hdr_check) {
            e = gather(c, 4, errbuf, errlen);
            if (e != FR_OK)
                return e;
            c->hdr_check = 0;
            if (reserved_flags(c))
                return text_damage(c, "bad gzip header (reserved flag bits set)", errbuf, errlen);
        }
#ifdef HAVE_ISAL
        struct inflate_state *s = c->isal;
        s->next_in = c->in + c->in_pos;
        s->avail_in = (uint32_t)(c->in_len - c->in_pos);
        s->next_out = buf + out;
        s->avail_out = (uint32_t)(cap - out);
        int rc = isal_inflate(s);
        c->in_pos = c->in_len - s->avail_in;
        out = cap - s->avail_out;
        if (rc < 0) {
            const char *why = rc == ISAL_INCORRECT_CHECKSUM ? "CRC mismatch"
                : rc == ISAL_INVALID_WRAPPER                ? "bad gzip header"
                                                            : "invalid deflate data";
            if (rc == ISAL_INCORRECT_CHECKSUM && c->in_pos >= 4) {
                /* ISA-L says the same for both trailer fields: tell a wrong
                 * ISIZE (the length mod 2^32) from a wrong CRC, as zlib does */
                const uint8_t *t = c->in + c->in_pos - 4;
                uint32_t isize = (uint32_t)t[0] | (uint32_t)t[1] << 8 | (uint32_t)t[2] << 16 |
                    (uint32_t)t[3] << 24;
                uint32_t len = (uint32_t)(c->self->offset + out - c->member_out0);
                if (isize != len)
                    why = "length mismatch (ISIZE)";
            }
            return defer_damage(c, out, why, got, errbuf, errlen);
        }
        if (s->block_state == ISAL_BLOCK_FINISH)
            c->in_member = 0;
#else
        z_stream *z = &c->z;
        z->next_in = c->in + c->in_pos;
        z->avail_in = (uInt)(c->in_len - c->in_pos);
        z->next_out = buf + out;
        z->avail_out = (uInt)(cap - out);
        int rc = inflate(z, Z_NO_FLUSH);
        c->in_pos = c->in_len - z->avail_in;
        out = cap - z->avail_out;
        if (rc == Z_STREAM_END) {
            c->in_member = 0;
        } else if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT) {
            return defer_damage(c, out, z->msg ? z->msg : "invalid deflate data", got, errbuf,
                                errlen);
        } else if (rc == Z_MEM_ERROR) {
            snprintf(errbuf, errlen, "out of memory");
            return FR_ERR_NOMEM;
        } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
            return text_damage(c, "inflate failed", errbuf, errlen);
        }
#endif
        if (out == 0 && c->in_member && c->in_pos == c->in_len && c->raw_eof)
            return text_damage(c, "unexpected end of file (truncated)", errbuf, errlen);
    }
    *got = out;
    return FR_OK;
}

/* Reads text: decides the mode on the first call. */
static fr_err text_read(void *vctx, uint8_t *buf, size_t cap, size_t *got, char *errbuf,
                        size_t errlen)
{
    text_ctx *c = vctx;
    *got = 0;
    if (c->pending != FR_OK) {
        fr_err e = c->pending;
        c->pending = FR_OK;
        c->failed = 1;
        snprintf(errbuf, errlen, "%s", c->pending_msg);
        return e;
    }
    if (c->failed) {
        snprintf(errbuf, errlen, "read after a previous error");
        return FR_ERR_GZIP;
    }
    if (c->mode == MODE_UNKNOWN) {
        /* Gather two bytes to look for the gzip magic. */
        while (c->in_len < 2 && !c->raw_eof) {
            size_t more = 0;
            fr_err e = fr_reader_read(c->raw, c->in + c->in_len, TEXT_INBUF - c->in_len, &more);
            if (e != FR_OK) {
                snprintf(errbuf, errlen, "%s", fr_reader_errmsg(c->raw));
                return e;
            }
            if (more == 0)
                c->raw_eof = 1;
            c->in_len += more;
        }
        if (c->in_len >= 2 && c->in[0] == 0x1f && c->in[1] == 0x8b) {
            c->mode = MODE_GZIP;
            c->self->is_gzip = 1;
#ifdef HAVE_ISAL
            c->isal = malloc(sizeof *c->isal);
            if (!c->isal) {
                snprintf(errbuf, errlen, "out of memory");
                return FR_ERR_NOMEM;
            }
            isal_inflate_init(c->isal);
#else
            if (inflateInit2(&c->z, 16 + MAX_WBITS) != Z_OK) {
                snprintf(errbuf, errlen, "cannot initialise zlib");
                return FR_ERR_NOMEM;
            }
            c->z_init = 1;
#endif
            if (member_start(c) != FR_OK)
                return text_damage(c, "cannot start decoder", errbuf, errlen);
        } else {
            c->mode = MODE_PLAIN;
        }
    }
    if (c->mode == MODE_GZIP)
        return gzip_read(c, buf, cap, got, errbuf, errlen);
    /* Plain: drain the buffered bytes first, then read straight through. */
    if (c->in_pos < c->in_len) {
        size_t n = c->in_len - c->in_pos;
        if (n > cap)
            n = cap;
        memcpy(buf, c->in + c->in_pos, n);
        c->in_pos += n;
        *got = n;
        return FR_OK;
    }
    if (c->raw_eof)
        return FR_OK;
    fr_err e = fr_reader_read(c->raw, buf, cap, got);
    if (e != FR_OK)
        snprintf(errbuf, errlen, "%s", fr_reader_errmsg(c->raw));
    return e;
}

/* Frees the decoder and the raw reader. */
static void text_close(void *vctx)
{
    text_ctx *c = vctx;
    if (!c)
        return;
#ifdef HAVE_ISAL
    free(c->isal);
#else
    if (c->z_init)
        inflateEnd(&c->z);
#endif
    fr_reader_free(c->raw);
    free(c->in);
    free(c);
}

static const fr_reader_ops text_ops = {text_read, text_close};

fr_reader *fr_reader_text(fr_reader *raw)
{
    text_ctx *c = calloc(1, sizeof *c);
    if (!c || !(c->in = malloc(TEXT_INBUF))) {
        free(c);
        fr_reader_free(raw);
        return NULL;
    }
    c->raw = raw;
    fr_reader *r = fr_reader_new(raw->name, &text_ops, c);
    if (!r)
        return NULL; /* text_close freed c and raw */
    c->self = r;
    r->inner = raw;
    return r;
}

const char *fr_reader_inflate_impl(void)
{
#ifdef HAVE_ISAL
    return "isal";
#else
    return "zlib";
#endif
}
