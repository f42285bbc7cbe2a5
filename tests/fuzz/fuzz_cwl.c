/* SPDX-License-Identifier: MIT */
/* fuzz_cwl: the CloudWatch Logs source's FilterLogEvents JSON replies,
 * page after page (nextToken), turned into lines. Every reply is the next
 * piece of the input (pieces separated by FR_FUZZ_SEP, see fake_net.c; a
 * piece "404 ..." is an error reply); the first byte chooses the group
 * name and the period (one or more slices). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fr_cwl.h"
#include "fr_remote.h"
#include "fr_source.h"
#include "fuzz.h"

static volatile uint64_t sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const groups[] = {
        "/vpc/flow-logs",
        "arn:aws:logs:us-east-1:123456789012:log-group:/vpc/flow-logs:*",
        "flowlogs",
        "arn:aws-cn:logs:cn-north-1:123456789012:log-group:g",
    };
    static const int64_t spans[] = {600, 3600, 7200, 86400};
    if (size < 1)
        return 0;
    fr_aws *aws = fr_aws_new(&(fr_aws_opts){.service = "logs"}, NULL, 0);
    fr_cwl_opts o = {.aws = aws,
                     .group = groups[data[0] & 3],
                     .stream_prefix = (data[0] & 0x10) ? "eni-" : NULL,
                     .since = 1704067200,
                     .until = 1704067200 + spans[(data[0] >> 2) & 3],
                     .slices_hint = 1 + ((data[0] >> 5) & 3)};
    fr_cwl_source *s = NULL;
    fr_source_list list;
    char err[1024];
    memset(&list, 0, sizeof list);
    fr_fuzz_set_replies(data + 1, size - 1);
    if (!aws || !(s = fr_cwl_source_new(&o, err, sizeof err)))
        goto done;
    if (fr_cwl_set_region(s, "us-east-1") != FR_OK)
        goto done;
    fr_source_opener opener = {NULL, NULL};
    if (fr_cwl_slices(s, &list, &opener, err, sizeof err) != FR_OK)
        goto done;
    int dummy_job = 0;
    /* every slice while replies last (a slice without one fails at once) */
    for (size_t i = 0; i < list.n && i < 64; i++) {
        fr_fetch_item *fi = list.items[i].handle;
        if (!fi || !fi->fn)
            abort();
        err[0] = '\0';
        fr_err fe = fi->fn(fi->item, (fr_fetch_job *)&dummy_job, err, sizeof err);
        if (fe != FR_OK && !err[0])
            abort(); /* an error always has a message */
        if (getenv("FR_FUZZ_VERBOSE"))
            fprintf(stderr, "cwl: slice %s: %s %s (%llu bytes put)\n", list.items[i].path,
                    fr_strerror(fe), fe != FR_OK ? err : "",
                    (unsigned long long)fr_fuzz_put_bytes());
    }
    fr_fetch_row row;
    memset(&row, 0, sizeof row);
    if (fr_cwl_stats(s, &row) == FR_OK)
        sink += row.requests + row.events + fr_fuzz_put_bytes();
    free(row.source);
    free(row.kind);
    free(row.error);
done:
    fr_source_list_clear(&list);
    fr_cwl_source_free(s);
    fr_aws_free(aws);
    fr_fuzz_set_replies(NULL, 0);
    return 0;
}
