/* SPDX-License-Identifier: MIT */
/* fr_reader: where input bytes come from. A reader is a stream of bytes with a
 * name; sources (a file, stdin, later an HTTP body) implement fr_reader_ops,
 * and fr_reader_text() stacks transparent gzip decoding on top. Everything
 * downstream reads through this one interface. */
#ifndef FR_READER_H
#define FR_READER_H

#include <stddef.h>
#include <stdint.h>

#include "fr_error.h"

typedef struct fr_reader fr_reader;

/* What a source implements. read() fills buf with up to cap bytes, sets *got
 * (0 at the end) and returns FR_OK, or returns an error with a message in
 * errbuf. close() releases ctx; it may be NULL. */
typedef struct fr_reader_ops {
    fr_err (*read)(void *ctx, uint8_t *buf, size_t cap, size_t *got, char *errbuf, size_t errlen);
    void (*close)(void *ctx);
} fr_reader_ops;

/* Wraps a source. Takes ownership of ctx (closed by fr_reader_free, also on
 * failure). Returns NULL when out of memory. */
fr_reader *fr_reader_new(const char *name, const fr_reader_ops *ops, void *ctx);

/* Like fr_reader_new, and the reader hashes every byte it reads (SHA-256)
 * like a file's: for remote sources. Returns NULL when out of memory (ctx
 * closed). */
fr_reader *fr_reader_new_hashed(const char *name, const fr_reader_ops *ops, void *ctx);

/* Opens a file, or standard input for "-". The reader hashes every byte it
 * reads (SHA-256). Returns NULL with *err and errbuf set on failure. */
fr_reader *fr_reader_open_file(const char *path, fr_err *err, char *errbuf, size_t errlen);

/* Returns a reader that yields the decompressed text of `raw` when it starts
 * with the gzip magic (all members, zlib or ISA-L), else raw's bytes as they
 * are. Takes ownership of raw. Returns NULL when out of memory (raw freed). */
fr_reader *fr_reader_text(fr_reader *raw);

/* Reads up to cap bytes. Returns FR_OK with *got == 0 at the end, or an error;
 * after an error fr_reader_errmsg() says what happened and where. */
fr_err fr_reader_read(fr_reader *r, uint8_t *buf, size_t cap, size_t *got);

/* Message of the last error ("" if none). */
const char *fr_reader_errmsg(const fr_reader *r);

/* Name given at creation. */
const char *fr_reader_name(const fr_reader *r);

/* Bytes delivered so far by this reader (for a text reader: uncompressed). */
uint64_t fr_reader_offset(const fr_reader *r);

/* Bytes read from the underlying source so far (compressed size). */
uint64_t fr_reader_raw_bytes(const fr_reader *r);

/* 1 when the text reader found gzip data. */
int fr_reader_is_gzip(const fr_reader *r);

/* After an error: 1 when all text before it is whole (gzip members complete,
 * only trailing bytes wrong), 0 when the error cut the text mid-stream. */
int fr_reader_text_intact(const fr_reader *r);

/* SHA-256 of every raw byte read so far. Returns 1, or 0 if not hashed. */
int fr_reader_sha256(const fr_reader *r, uint8_t out[32]);

/* Name of the inflate implementation: "zlib" or "isal". */
const char *fr_reader_inflate_impl(void);

/* Closes and frees r (and what it wraps); NULL is fine. */
void fr_reader_free(fr_reader *r);

#endif
