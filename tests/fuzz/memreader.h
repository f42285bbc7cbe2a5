/* SPDX-License-Identifier: MIT */
/* memreader: an fr_reader over a byte array, read in pieces of a given size
 * (the fuzz targets vary it, as a file or a network source would). */
#ifndef FR_FUZZ_MEMREADER_H
#define FR_FUZZ_MEMREADER_H

#include <stdlib.h>
#include <string.h>

#include "fr_reader.h"

typedef struct fr_fuzz_mem {
    const uint8_t *p;
    size_t len, pos, piece;
} fr_fuzz_mem;

static fr_err fr_fuzz_mem_read(void *ctx, uint8_t *buf, size_t cap, size_t *got, char *errbuf,
                               size_t errlen)
{
    fr_fuzz_mem *m = ctx;
    size_t n = m->len - m->pos;
    (void)errbuf;
    (void)errlen;
    if (n > cap)
        n = cap;
    if (n > m->piece)
        n = m->piece;
    if (n)
        memcpy(buf, m->p + m->pos, n);
    m->pos += n;
    *got = n;
    return FR_OK;
}

static void fr_fuzz_mem_close(void *ctx)
{
    free(ctx);
}

static const fr_reader_ops fr_fuzz_mem_ops = {fr_fuzz_mem_read, fr_fuzz_mem_close};

/* A reader over data[0..size) handing out at most piece bytes a read (0:
 * no limit). Returns NULL when out of memory. */
static inline fr_reader *fr_fuzz_mem_reader(const uint8_t *data, size_t size, size_t piece)
{
    fr_fuzz_mem *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->p = data;
    m->len = size;
    m->piece = piece ? piece : (size_t)-1;
    return fr_reader_new("fuzz-input", &fr_fuzz_mem_ops, m);
}

#endif
