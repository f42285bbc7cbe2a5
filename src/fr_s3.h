/* SPDX-License-Identifier: MIT */
/* fr_s3: an s3://bucket/prefix/ source. ListObjectsV2 narrowed to the date
 * prefixes of the period (classic, hourly and Hive-style layouts), objects
 * kept when the time in their name can hold records of the period, and
 * GetObject bodies streamed (with resume) into the fetch queue. */
#ifndef FR_S3_H
#define FR_S3_H

#include <stdint.h>

#include "fr_aws.h"
#include "fr_report.h"
#include "fr_source.h"

typedef struct fr_s3_source fr_s3_source;

typedef struct fr_s3_opts {
    fr_aws *aws; /* the S3 client (not owned) */
    int64_t since, until; /* the period [since, until) */
    int since_set, until_set;
    const char *save_raw; /* directory or NULL: objects are saved unchanged under it */
} fr_s3_opts;

/* Splits "s3://bucket/prefix" into new strings. Returns 1, or 0 when url
 * is not a valid S3 URL (no bucket, bad bucket name). */
int fr_s3_parse_url(const char *url, char **bucket, char **prefix);

/* A source for url. Returns NULL (message in errbuf) for a bad URL or when
 * out of memory. */
fr_s3_source *fr_s3_source_new(const char *url, const fr_s3_opts *o, char *errbuf, size_t errlen);

/* Lists the objects and appends one item per object to list: name
 * "s3://bucket/key", its ETag, opener and, as handle, an fr_fetch_item
 * (fr_remote.h) owned by s. Parquet objects are appended with an error
 * ("unsupported format: Parquet") and never fetched. Returns FR_OK,
 * FR_ERR_AUTH, FR_ERR_REMOTE (listing failed: recorded in the stats) or
 * FR_ERR_NOMEM, with a message in errbuf. */
fr_err fr_s3_list(fr_s3_source *s, fr_source_list *list, const fr_source_opener *opener,
                  char *errbuf, size_t errlen);

/* Fills row (kind "s3", source, counters, last error). Returns FR_OK or
 * FR_ERR_NOMEM. Call after the fetch. */
fr_err fr_s3_stats(const fr_s3_source *s, fr_fetch_row *row);

/* Frees s and its items; NULL is fine. */
void fr_s3_source_free(fr_s3_source *s);

#endif
