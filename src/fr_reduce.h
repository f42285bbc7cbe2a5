/* SPDX-License-Identifier: MIT */
/* fr_reduce: folds parsed records into aggregates. Each worker owns one
 * fr_agg (no locks on the per-record path); fr_agg_merge() combines them in
 * any order with the same result, and fr_agg_report() turns the final one
 * into the sorted tables of an fr_report. */
#ifndef FR_REDUCE_H
#define FR_REDUCE_H

#include <stdint.h>

#include "fr_error.h"
#include "fr_findings.h"
#include "fr_flowlog.h"
#include "fr_report.h"
#include "fr_topn.h"

typedef struct fr_reduce_opts {
    int64_t since, until; /* period [since, until) when set */
    int since_set, until_set;
    int64_t window; /* seconds, > 0 */
    unsigned top_n;
    /* the audit layer: findings' options, or NULL for no findings (coverage
     * is always computed, with FR_SILENT_GAP when NULL) */
    const fr_audit_opts *audit;
    int prorate; /* --prorate: OK records' packets and bytes split over windows */
} fr_reduce_opts;

/* Counters of one input file, as seen by one worker (summed later). */
typedef struct fr_file_stats {
    uint64_t lines, records, malformed, excluded, untimed, tgw_records;
    uint64_t header_lines, blank_lines;
    int64_t first_start, last_start;
    int has_time;
} fr_file_stats;

/* Adds b's counters into a. */
void fr_file_stats_add(fr_file_stats *a, const fr_file_stats *b);

typedef struct fr_agg fr_agg;

/* Returns a new empty aggregate for opts (copied), or NULL. */
fr_agg *fr_agg_new(const fr_reduce_opts *opts);

/* Frees a; NULL is fine. */
void fr_agg_free(fr_agg *a);

/* Folds one valid record parsed with a map whose tgw flag is `tgw`, counts
 * it in fs, and hands OK records in the period to the top tables `top`.
 * Returns FR_OK or FR_ERR_NOMEM. */
fr_err fr_agg_add(fr_agg *a, fr_topn *top, const fr_record *rec, int tgw, fr_file_stats *fs);

/* Adds everything of src into dst (src stays valid; its queued updates are
 * applied first). Returns FR_OK or FR_ERR_NOMEM. */
fr_err fr_agg_merge(fr_agg *dst, fr_agg *src);

/* Fills r's period, windows, interfaces, gaps and record totals (the top
 * tables come from fr_topn_report).
 * Returns FR_OK, FR_ERR_RANGE (too many windows; errbuf says) or NOMEM. */
fr_err fr_agg_report(fr_agg *a, fr_report *r, char *errbuf, size_t errlen);

/* Most windows a report may hold. */
#define FR_MAX_WINDOWS 1000000

#endif
