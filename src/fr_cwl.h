/* SPDX-License-Identifier: MIT */
/* fr_cwl: a CloudWatch Logs log group source. The period is cut into
 * slices; each slice is one item, read with FilterLogEvents page after page
 * (nextToken until absent) within the client's request rate, its events'
 * messages handed to the fetch queue as text lines as pages arrive. */
#ifndef FR_CWL_H
#define FR_CWL_H

#include <stdint.h>

#include "fr_aws.h"
#include "fr_report.h"
#include "fr_source.h"

typedef struct fr_cwl_source fr_cwl_source;

typedef struct fr_cwl_opts {
    fr_aws *aws; /* the Logs client (not owned) */
    const char *group; /* log group name or ARN */
    const char *stream_prefix; /* logStreamNamePrefix, or NULL */
    int64_t since, until; /* the period [since, until); required */
    int slices_hint; /* how many slices are fetched at once (the connections) */
    const char *save_raw; /* directory or NULL: events saved as export-format lines per stream */
} fr_cwl_opts;

/* 1 when s is a log group ARN ("arn:PARTITION:logs:REGION:ACCOUNT:log-group:NAME[:*]"). */
int fr_cwl_is_arn(const char *s);

/* A source. Returns NULL (message in errbuf) for a bad name or ARN or when
 * out of memory. */
fr_cwl_source *fr_cwl_source_new(const fr_cwl_opts *o, char *errbuf, size_t errlen);

/* Sets the region named in messages ("log group G not found in REGION");
 * an ARN's own region wins. Returns FR_OK or FR_ERR_NOMEM. */
fr_err fr_cwl_set_region(fr_cwl_source *s, const char *region);

/* Appends one item per slice to list: a name that sorts in time order,
 * opener and, as handle, an fr_fetch_item (fr_remote.h) owned by s.
 * Returns FR_OK or FR_ERR_NOMEM. */
fr_err fr_cwl_slices(fr_cwl_source *s, fr_source_list *list, const fr_source_opener *opener,
                     char *errbuf, size_t errlen);

/* Fills row (kind "cloudwatch-logs", source, counters, last error).
 * Returns FR_OK or FR_ERR_NOMEM. Call after the fetch. */
fr_err fr_cwl_stats(const fr_cwl_source *s, fr_fetch_row *row);

/* Frees s; NULL is fine. */
void fr_cwl_source_free(fr_cwl_source *s);

#endif
