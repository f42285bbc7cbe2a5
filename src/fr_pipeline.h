/* SPDX-License-Identifier: MIT */
/* fr_pipeline: the threaded engine. Reader work decompresses inputs and cuts
 * them into line-aligned blocks; a short bounded queue feeds workers that
 * parse and fold records into worker-local aggregates, merged at the end. */
#ifndef FR_PIPELINE_H
#define FR_PIPELINE_H

#include "fr_error.h"
#include "fr_flowlog.h"
#include "fr_progress.h"
#include "fr_reduce.h"
#include "fr_report.h"
#include "fr_source.h"

/* Called for every line when set (tests and tools; use with threads == 1 to
 * get lines in order). line is 1-based within block seq of input file. rec
 * and map are valid for FR_LINE_RECORD, reason for FR_LINE_MALFORMED. */
typedef void (*fr_line_hook)(void *ctx, size_t file, uint64_t seq, uint64_t line, fr_line_kind kind,
                             const fr_record *rec, const fr_fieldmap *map, const char *reason);

typedef struct fr_pipeline_opts {
    fr_reduce_opts reduce;
    int threads; /* >= 1 */
    uint64_t max_memory; /* budget of the top tables, bytes (0: none) */
    const fr_fieldmap *fields; /* map for files without a header */
    fr_progress_counters *progress; /* counted into when set (the progress line) */
    fr_line_hook hook; /* NULL normally */
    void *hook_ctx;
    /* Called once every input is reduced and r->inputs and r->unknown_fields
     * are filled, before the report is built from agg and top: merges state
     * files and saves the run's state (fr_stateset_finish). NULL: none. */
    fr_err (*finish)(void *ctx, fr_agg *agg, fr_topn *top, fr_report *r, char *errbuf,
                     size_t errlen);
    void *finish_ctx;
} fr_pipeline_opts;

/* Reads every source and fills r (inputs, unknown fields, totals, tables).
 * Damaged or unreadable inputs are recorded in r, not returned as errors.
 * Returns FR_OK, or a fatal error (memory, threads, too many windows) with a
 * message in errbuf. */
fr_err fr_pipeline_run(const fr_pipeline_opts *o, const fr_source_list *src, fr_report *r,
                       char *errbuf, size_t errlen);

/* Maximum malformed-line examples kept and printed per file. */
#define FR_EXAMPLES_PER_FILE 10

#endif
