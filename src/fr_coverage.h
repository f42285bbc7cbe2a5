/* SPDX-License-Identifier: MIT */
/* fr_coverage: how much of the period each interface's records cover, and
 * its silent stretches (SEMANTICS.md "Coverage and silent gaps"). Works on
 * the reducer's merged interval lists once the windows and interfaces of the
 * report exist; adds the coverage columns of windows and interfaces, the
 * SILENT rows (r->silent) and the coverage totals. */
#ifndef FR_COVERAGE_H
#define FR_COVERAGE_H

#include <stddef.h>
#include <stdint.h>

#include "fr_error.h"
#include "fr_report.h"

/* A time interval [start, end) (end == start for a record without duration)
 * and how many records made it. */
typedef struct fr_interval {
    int64_t start, end;
    uint64_t records;
} fr_interval;

typedef struct fr_coverage fr_coverage;

/* Returns a coverage pass over r (period and windows already set), counting
 * stretches longer than silent_gap seconds as silent, or NULL (memory). */
fr_coverage *fr_coverage_new(const fr_report *r, int64_t silent_gap);

/* Frees c; NULL is fine. */
void fr_coverage_free(fr_coverage *c);

/* Fills the coverage columns of r->ifaces[row] from its OK, NODATA and
 * SKIPDATA intervals (each list sorted by start and merged: no two overlap or
 * touch), appends its SILENT stretches and adds its seconds to the windows.
 * Returns FR_OK or FR_ERR_NOMEM. */
fr_err fr_coverage_iface(fr_coverage *c, fr_report *r, size_t row, const fr_interval *ok,
                         size_t n_ok, const fr_interval *nodata, size_t n_nodata,
                         const fr_interval *skip, size_t n_skip);

/* Finishes: the windows' covered seconds, the totals, r->silent (moved into
 * r). Returns FR_OK or FR_ERR_NOMEM. */
fr_err fr_coverage_finish(fr_coverage *c, fr_report *r);

/* Sorts a list by start and merges intervals that overlap or touch (records
 * add up). Returns the new length. */
size_t fr_interval_merge(fr_interval *v, size_t n);

#endif
