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
#include "fr_sbuf.h"
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
    /* interfaces kept one by one (0: no limit); past it, only interfaces
     * whose id hash falls in a shrinking sample are (SEMANTICS.md
     * "Memory"), the others' records are summed apart */
    size_t max_ifaces;
} fr_reduce_opts;

/* Bytes one interface costs, at most (with a short id and few gaps). */
#define FR_IFACE_BYTES_PER_KEY 512

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

/* The same without the findings' counters: windows, interfaces, their gaps
 * and interface-windows only, so that dst's findings can be filled by
 * another thread meanwhile. Returns FR_OK or FR_ERR_NOMEM. */
fr_err fr_agg_merge_counts(fr_agg *dst, fr_agg *src);

/* Says that about `parts` aggregates like the next one merged in (states of
 * similar days) will be merged into a, so that its interval lists and
 * tables are sized for all of them at the first (growing as usual past
 * that), instead of doubling and copying all along. */
void fr_agg_expect(fr_agg *a, size_t parts);

/* Fills r's period, windows, interfaces, gaps and record totals (the top
 * tables come from fr_topn_report).
 * Returns FR_OK, FR_ERR_RANGE (too many windows; errbuf says) or NOMEM. */
fr_err fr_agg_report(fr_agg *a, fr_report *r, char *errbuf, size_t errlen);

/* Writes a in the state encoding (doc/STATE.md, section "aggregate"), in
 * a fixed order. Its interval lists are compacted first. Returns FR_OK or
 * FR_ERR_NOMEM. */
fr_err fr_agg_save(fr_agg *a, fr_swriter *w, uint64_t limit);

/* Reads an aggregate that was saved with window `window`, in state format
 * `version`, into a, which must be new (fr_agg_new) and whose window is a
 * multiple of `window`: windows are re-bucketed. The findings' counters go straight into those of
 * findings_into when it is not NULL (the run's aggregate: the big tables
 * are then hashed once), else into a's. Returns FR_OK, FR_ERR_NOMEM, or
 * FR_ERR_FORMAT with the reader's error set (a stays valid for
 * fr_agg_free; findings_into then holds part of the state). */
fr_err fr_agg_load(fr_agg *a, fr_sreader *r, int64_t window, fr_agg *findings_into,
                   unsigned version);

/* The earliest and latest record start folded into a (in the period);
 * returns 0 when there was none. */
int fr_agg_time_range(const fr_agg *a, int64_t *min_start, int64_t *max_start);

/* Most windows a report may hold. */
#define FR_MAX_WINDOWS 1000000

#endif
