/* SPDX-License-Identifier: MIT */
/* fuzz_jsondoc: CloudWatch Logs JSON documents and JSON lines. The input
 * goes through the text reader (so it may be gzip), its head through
 * fr_jsondoc_detect as the pipeline does, then through the converter
 * (documents bounded to 1 MiB), and every line that comes out through the
 * line parser with the default map ({"message":...} lines unwrapped). The
 * first byte chooses the head size and the read size. */
#include <stdlib.h>
#include <string.h>

#include "fr_flowlog.h"
#include "fr_jsondoc.h"
#include "fuzz.h"
#include "memreader.h"

static volatile uint64_t sink;

/* Parses each whole line of buf[0..len) and returns how many bytes were
 * consumed (up to the last newline; all of it when final). */
static size_t parse_lines(fr_parser *p, const fr_fieldmap *map, const uint8_t *buf, size_t len,
                          int final)
{
    size_t pos = 0;
    while (pos < len) {
        const uint8_t *e = memchr(buf + pos, '\n', len - pos);
        if (!e && !final)
            break;
        size_t n = e ? (size_t)(e - (buf + pos)) : len - pos;
        fr_record rec;
        if (fr_parse_line(p, map, (const char *)buf + pos, n, &rec) == FR_LINE_RECORD)
            sink += rec.bytes + rec.ncols;
        pos += n + (e ? 1 : 0);
    }
    return pos;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const size_t heads[] = {1, 2, 16, 100, 4096, 65536, 7, 1024};
    static const size_t caps[] = {1, 5, 64, 4096, 65536, 300, 17, 1 << 20};
    char err[256];
    if (size < 1)
        return 0;
    size_t headcap = heads[data[0] & 7], cap = caps[(data[0] >> 3) & 7];
    fr_fieldmap map;
    fr_parser p;
    memset(&map, 0, sizeof map);
    fr_parser_init(&p);
    if (fr_fieldmap_parse(&map, FR_DEFAULT_FORMAT, strlen(FR_DEFAULT_FORMAT), err, sizeof err) !=
        FR_OK)
        abort();
    fr_reader *raw = fr_fuzz_mem_reader(data + 1, size - 1, (data[0] & 0x40) ? 3 : 0);
    fr_reader *text = raw ? fr_reader_text(raw) : NULL;
    fr_jsondoc *j = NULL;
    uint8_t *head = malloc(headcap), *buf = malloc(cap), *acc = NULL;
    size_t hlen = 0, alen = 0, acap = 0;
    if (!text || !head || !buf)
        goto done;
    /* the head: what the pipeline's first read gives (one read, like it) */
    if (fr_reader_read(text, head, headcap, &hlen) != FR_OK)
        goto done;
    if (!fr_jsondoc_detect(head, hlen)) {
        parse_lines(&p, &map, head, hlen, 1);
        goto done;
    }
    if (!(j = fr_jsondoc_new(text, head, hlen, (size_t)1 << 20)))
        goto done;
    for (;;) {
        size_t got = 0;
        if (fr_jsondoc_read(j, buf, cap, &got) != FR_OK) {
            const char *m = fr_jsondoc_errmsg(j);
            if (!m || !*m)
                abort(); /* an error always has a message */
            (void)fr_jsondoc_text_intact(j);
            break;
        }
        if (got == 0)
            break;
        if (got > cap)
            abort();
        if (alen + got > acap) {
            size_t nc = (alen + got) * 2;
            uint8_t *na = realloc(acc, nc);
            if (!na)
                break;
            acc = na;
            acap = nc;
        }
        memcpy(acc + alen, buf, got);
        alen += got;
        size_t used = parse_lines(&p, &map, acc, alen, 0);
        memmove(acc, acc + used, alen - used);
        alen -= used;
        if (alen > FR_MAX_LINE) /* an overlong line: dropped, as the pipeline would */
            alen = 0;
    }
    parse_lines(&p, &map, acc, alen, 1);
    (void)fr_jsondoc_events(j);
    (void)fr_jsondoc_documents(j);
done:
    fr_jsondoc_free(j);
    fr_reader_free(text);
    free(head);
    free(buf);
    free(acc);
    fr_fieldmap_clear(&map);
    fr_parser_clear(&p);
    return 0;
}
