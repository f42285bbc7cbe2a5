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

/* A FilterLogEvents reply scanned in one pass, without a tree: the
 * messages of the top-level "events" array as text lines, the top-level
 * "nextToken" and, on request, each event's logStreamName and timestamp.
 * Keys may come in any order; unknown keys and values of any nesting are
 * checked and skipped; a repeated key counts once, the last one (as
 * jansson has it). Buffers are kept from page to page. */
typedef struct fr_cwl_page fr_cwl_page;

/* An empty page. Returns NULL when out of memory. */
fr_cwl_page *fr_cwl_page_new(void);

/* Scans the reply body[0..len) into pg (replacing what it held); with
 * keep_events, fr_cwl_page_event works too. Returns FR_OK; FR_ERR_REMOTE
 * for a reply that is not a JSON object (bad JSON, bad UTF-8, \u0000 in a
 * string, nesting past 2048, an integer out of 64 bits) or whose "events"
 * is not an array; FR_ERR_FORMAT when an event is not an object with a
 * string "message"; FR_ERR_NOMEM. On failure (message in errbuf) pg holds
 * no events and no token. */
fr_err fr_cwl_page_scan(fr_cwl_page *pg, const char *body, size_t len, int keep_events,
                        char *errbuf, size_t errlen);

/* The messages, each followed by '\n'; a message's own line breaks (\n, \r)
 * are spaces. Sets *len; the bytes live until the next scan. */
const char *fr_cwl_page_lines(const fr_cwl_page *pg, size_t *len);

/* The number of events. */
size_t fr_cwl_page_count(const fr_cwl_page *pg);

/* The nextToken, or NULL when absent, not a string or empty. */
const char *fr_cwl_page_token(const fr_cwl_page *pg);

/* Event i < count of a page scanned with keep_events: its message (as in
 * the lines, without the '\n') and length, its stream name ("" when absent
 * or not a string) and timestamp in ms (0 when absent or not an integer). */
void fr_cwl_page_event(const fr_cwl_page *pg, size_t i, const char **msg, size_t *len,
                       const char **stream, int64_t *ms);

/* Frees pg; NULL is fine. */
void fr_cwl_page_free(fr_cwl_page *pg);

#endif
