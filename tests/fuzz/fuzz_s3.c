/* SPDX-License-Identifier: MIT */
/* fuzz_s3: the S3 source's ListObjectsV2 XML parser and its walk of the
 * listing (date prefixes, pagination), then the GetObject sink of the
 * first objects. Every reply the source asks for is the next piece of the
 * input (pieces separated by FR_FUZZ_SEP, see fake_net.c); the first byte
 * chooses the URL and the period. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fr_remote.h"
#include "fr_s3.h"
#include "fr_source.h"
#include "fuzz.h"

static volatile uint64_t sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const urls[] = {
        "s3://bucket",
        "s3://bucket/",
        "s3://bucket/AWSLogs/",
        "s3://bucket/AWSLogs/123456789012/vpcflowlogs/us-east-1/",
        "s3://bucket/logs/AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/x/",
        "s3://bucket/firehose/",
        "s3://bucket/AWSLogs/123456789012/vpcflowlogs/us-east-1/2024/01/01/",
        "s3://my.dotted.bucket/x/y",
    };
    if (size < 1)
        return 0;
    fr_aws *aws = fr_aws_new(&(fr_aws_opts){.service = "s3"}, NULL, 0);
    fr_s3_opts o = {.aws = aws, .since = 1704067200, .until = 1704067200 + 2 * 86400};
    o.since_set = (data[0] & 0x08) != 0;
    o.until_set = (data[0] & 0x10) != 0;
    if (data[0] & 0x20)
        o.until = o.since + 3600;
    fr_s3_source *s = NULL;
    fr_source_list list;
    char err[1024];
    memset(&list, 0, sizeof list);
    fr_fuzz_set_replies(data + 1, size - 1);
    if (!aws || !(s = fr_s3_source_new(urls[data[0] & 7], &o, err, sizeof err)))
        goto done;
    fr_source_opener opener = {NULL, NULL};
    fr_err e = fr_s3_list(s, &list, &opener, err, sizeof err);
    if (e != FR_OK && !err[0])
        abort(); /* an error always has a message */
    if (getenv("FR_FUZZ_VERBOSE"))
        fprintf(stderr, "s3: list: %s, %zu items, %zu replies taken; %s\n", fr_strerror(e), list.n,
                fr_fuzz_replies_taken(), e != FR_OK ? err : "");
    /* the first objects' bodies through the sink */
    int dummy_job = 0;
    for (size_t i = 0; e == FR_OK && i < list.n && i < 4; i++) {
        fr_fetch_item *fi = list.items[i].handle;
        if (list.items[i].error || !fi || !fi->fn)
            continue;
        err[0] = '\0';
        fr_err fe = fi->fn(fi->item, (fr_fetch_job *)&dummy_job, err, sizeof err);
        if (fe != FR_OK && !err[0])
            abort();
        if (getenv("FR_FUZZ_VERBOSE"))
            fprintf(stderr, "s3: fetch %s: %s %s (%llu bytes put)\n", list.items[i].path,
                    fr_strerror(fe), fe != FR_OK ? err : "",
                    (unsigned long long)fr_fuzz_put_bytes());
    }
    fr_fetch_row row;
    memset(&row, 0, sizeof row);
    if (fr_s3_stats(s, &row) == FR_OK)
        sink += row.requests;
    free(row.source);
    free(row.kind);
    free(row.error);
done:
    fr_source_list_clear(&list);
    fr_s3_source_free(s);
    fr_aws_free(aws);
    fr_fuzz_set_replies(NULL, 0);
    return 0;
}
