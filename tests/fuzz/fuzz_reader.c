/* SPDX-License-Identifier: MIT */
/* fuzz_reader: the text reader (gzip members, zlib or ISA-L, or plain text)
 * over an in-memory source. The first byte chooses how many bytes the
 * source hands out at a time and the size of the reads; the rest is the
 * file. Output is capped at 64 MiB per input (gzip bombs). */
#include <stdlib.h>
#include <string.h>

#include "fr_reader.h"
#include "fuzz.h"
#include "memreader.h"

static volatile uint64_t sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const size_t pieces[] = {0, 1, 2, 7, 64, 512, 4096, 65536};
    static const size_t caps[] = {1, 3, 100, 4096, 65536, 1 << 20, 17, 8191};
    if (size < 1)
        return 0;
    size_t piece = pieces[data[0] & 7], cap = caps[(data[0] >> 3) & 7];
    fr_reader *raw = fr_fuzz_mem_reader(data + 1, size - 1, piece);
    if (!raw)
        return 0;
    fr_reader *r = fr_reader_text(raw);
    if (!r)
        return 0;
    uint8_t *buf = malloc(cap);
    uint64_t total = 0, x = 0;
    int failed = 0;
    while (buf) {
        size_t got = 0;
        fr_err e = fr_reader_read(r, buf, cap, &got);
        if (e != FR_OK) {
            const char *m = fr_reader_errmsg(r);
            if (!m || !*m)
                abort(); /* an error always has a message */
            (void)fr_reader_text_intact(r);
            failed = 1;
            break;
        }
        if (got == 0)
            break;
        if (got > cap)
            abort();
        for (size_t i = 0; i < got; i++)
            x += buf[i];
        total += got;
        if (total > ((uint64_t)64 << 20))
            break;
    }
    if (buf && !failed && fr_reader_offset(r) != total)
        abort(); /* the offset counts the bytes delivered */
    if (fr_reader_raw_bytes(r) > size - 1)
        abort(); /* never more raw bytes than there are */
    (void)fr_reader_is_gzip(r);
    sink = x;
    free(buf);
    fr_reader_free(r);
    return 0;
}
