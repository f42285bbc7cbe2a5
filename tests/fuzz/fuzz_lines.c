/* SPDX-License-Identifier: MIT */
/* fuzz_lines: the flow-log line parser under any field map. The first line
 * of the input is tried as a field map (else the default format is used);
 * every further line is classified (fr_line_is_header) and parsed
 * (fr_parse_line); a header line becomes the map for the lines after it,
 * as the pipeline does. */
#include <stdlib.h>
#include <string.h>

#include "fr_flowlog.h"
#include "fuzz.h"

static volatile uint64_t sink;

/* Reads every byte the record points at, so ASan checks them. */
static void touch(const fr_record *rec)
{
    uint64_t x = rec->packets ^ rec->bytes ^ (uint64_t)rec->start ^ (uint64_t)rec->end;
    for (int i = 0; i < rec->ncols && i < FR_MAX_FIELDS; i++)
        for (uint32_t k = 0; k < rec->toklen[i]; k++)
            x += (uint8_t)rec->tok[i][k];
    for (uint32_t k = 0; (rec->has & FR_HAS_IFACE) && k < rec->iface_len; k++)
        x += (uint8_t)rec->iface[k];
    for (uint32_t k = 0; (rec->has & FR_HAS_ACCOUNT) && k < rec->account_len; k++)
        x += (uint8_t)rec->account[k];
    sink = x;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data, *end = s + size;
    fr_fieldmap map, next;
    fr_parser p;
    char err[256];
    memset(&map, 0, sizeof map);
    memset(&next, 0, sizeof next);
    fr_parser_init(&p);

    const char *nl = memchr(s, '\n', size);
    size_t first = nl ? (size_t)(nl - s) : size;
    if (fr_fieldmap_parse(&map, s, first, err, sizeof err) != FR_OK) {
        fr_fieldmap_clear(&map);
        if (fr_fieldmap_parse(&map, FR_DEFAULT_FORMAT, strlen(FR_DEFAULT_FORMAT), err,
                              sizeof err) != FR_OK)
            abort(); /* the default format must always parse */
    }
    for (const char *line = nl ? nl + 1 : end; line < end;) {
        const char *e = memchr(line, '\n', (size_t)(end - line));
        size_t len = e ? (size_t)(e - line) : (size_t)(end - line);
        /* an exact-size copy: reading past the line is caught */
        char *copy = malloc(len ? len : 1);
        if (!copy)
            break;
        memcpy(copy, line, len);
        int hdr = fr_line_is_header(copy, len);
        fr_record rec;
        fr_line_kind k = fr_parse_line(&p, &map, copy, len, &rec);
        if (k == FR_LINE_RECORD)
            touch(&rec);
        if (k == FR_LINE_MALFORMED && strnlen(p.reason, sizeof p.reason) == sizeof p.reason)
            abort(); /* the reason must be a string */
        if (hdr && fr_fieldmap_parse(&next, copy, len, err, sizeof err) == FR_OK) {
            fr_fieldmap copied;
            memset(&copied, 0, sizeof copied);
            if (fr_fieldmap_copy(&copied, &next) == FR_OK) {
                if (!fr_fieldmap_equal(&copied, &next))
                    abort(); /* a copy equals its original */
                fr_fieldmap_clear(&map);
                map = copied;
            }
        }
        fr_fieldmap_clear(&next);
        free(copy);
        line = e ? e + 1 : end;
    }
    fr_fieldmap_clear(&map);
    fr_parser_clear(&p);
    return 0;
}
