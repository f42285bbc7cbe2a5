/* SPDX-License-Identifier: MIT */
/* fuzz_units: the small string parsers: times, durations and sizes of the
 * command line, ISO times of credentials, decimal counters, field names,
 * S3 URLs, log group ARNs, remote INPUT names and container credential
 * URLs. The input is one string (NUL-terminated copy; the counted parsers
 * get the exact bytes). */
#include <stdlib.h>
#include <string.h>

#include "fr_cli.h"
#include "fr_creds.h"
#include "fr_cwl.h"
#include "fr_flowlog.h"
#include "fr_remote.h"
#include "fr_s3.h"
#include "fuzz.h"

static volatile uint64_t sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    int64_t t = 0, d = 0;
    uint64_t b = 0, u = 0;
    if (fr_parse_time(s, &t))
        sink += (uint64_t)t;
    if (fr_parse_duration(s, &d))
        sink += (uint64_t)d;
    if (fr_parse_size(s, &b))
        sink += b;
    sink += (uint64_t)fr_creds_parse_time(s);
    /* exact-length copy for the counted parsers */
    char *exact = malloc(size ? size : 1);
    if (exact) {
        memcpy(exact, data, size);
        if (fr_parse_u64(exact, size, &u))
            sink += u;
        fr_field f = fr_field_lookup(exact, size);
        if (f != FR_F_UNKNOWN && !fr_field_name(f))
            abort(); /* a known field has a name */
        sink += (uint64_t)fr_field_kind(f == FR_F_UNKNOWN ? FR_F_VERSION : f);
        free(exact);
    }
    char *bucket = NULL, *prefix = NULL;
    if (fr_s3_parse_url(s, &bucket, &prefix)) {
        if (!bucket || !prefix)
            abort();
        sink += strlen(bucket) + strlen(prefix);
    }
    free(bucket);
    free(prefix);
    sink += (uint64_t)(fr_cwl_is_arn(s) + fr_remote_is_remote(s) + fr_creds_container_url_ok(s));
    free(s);
    return 0;
}
