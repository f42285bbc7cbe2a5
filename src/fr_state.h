/* SPDX-License-Identifier: MIT */
/* fr_state: report state files (doc/STATE.md). A state is a run's whole
 * aggregate before its report is built: windows, interfaces with their gap
 * intervals, findings' counters, the top tables' full key tables, and the
 * inputs manifest. States given as INPUTs are merged into the run's own
 * aggregate, so seven nightly states make the weekly report without the
 * logs, and N shards of one night make that night's report.
 *
 * A state file is a 32-byte header (magic, version, flags, lengths), a
 * deflated body, and the SHA-256 of everything before it. It is recognised
 * by its magic, as gzip is, and refused whole when anything is wrong. */
#ifndef FR_STATE_H
#define FR_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "fr_error.h"
#include "fr_findings.h"
#include "fr_reduce.h"
#include "fr_report.h"
#include "fr_topn.h"

/* The first 8 bytes of every state file. */
#define FR_STATE_MAGIC                                                                             \
    "\x89"                                                                                         \
    "FRSTATE" /* 0x89 F R S T A T E */
#define FR_STATE_MAGIC_LEN 8
/* The format version this build writes, and the oldest it reads. */
#define FR_STATE_VERSION 2
#define FR_STATE_VERSION_OLDEST 1
/* The usual file name ending. */
#define FR_STATE_SUFFIX ".frstate"

/* 1 when p[0..n) starts like a state file. */
int fr_state_sniff(const uint8_t *p, size_t n);

/* 1 when the file at path starts like a state file (0 when it does not or
 * cannot be read: the pipeline then reports it as usual). */
int fr_state_is_file(const char *path);

/* What the run that merges states asks for. */
typedef struct fr_state_run {
    fr_reduce_opts reduce; /* window, period, audit options, prorate */
    int window_given; /* --window was given (else the states' window is used) */
    int raw_inputs; /* the run also reads logs */
    uint64_t max_memory; /* for the top tables of the loaded states */
    int threads; /* states are loaded by this many threads (-j) */
    uint64_t state_keys; /* --state-keys: the saved state's cap (0: exact) */
} fr_state_run;

/* The states of one run, and where it saves its own. */
typedef struct fr_stateset fr_stateset;

fr_stateset *fr_stateset_new(void);
void fr_stateset_free(fr_stateset *s);

/* Opens the state file at path (shown as name): checks its header, length
 * and SHA-256 and reads its options and inputs manifest. Returns FR_OK,
 * FR_ERR_NOMEM, or FR_ERR_FORMAT / FR_ERR_OPEN with "NAME: why" in errbuf. */
fr_err fr_stateset_add(fr_stateset *s, const char *path, const char *name, char *errbuf,
                       size_t errlen);

/* How many states were added. */
size_t fr_stateset_count(const fr_stateset *s);

/* Seconds spent reading, checking and merging the states: their heads when
 * added, their bodies in the finish hook. */
double fr_stateset_merge_seconds(const fr_stateset *s);

/* Checks that the states can be merged into run (window multiples, period,
 * options that change what is counted, no input in two states) and sets
 * run->reduce's window and period where the states decide them. Returns
 * FR_OK or FR_ERR_USAGE with the reason in errbuf (nothing may be written
 * then). */
fr_err fr_stateset_check(fr_stateset *s, fr_state_run *run, char *errbuf, size_t errlen);

/* Asks for the run's aggregate to be saved to path (a local file) when
 * fr_stateset_finish runs. */
fr_err fr_stateset_save_to(fr_stateset *s, const char *path);

/* The pipeline's finishing hook (fr_pipeline_opts.finish, ctx an
 * fr_stateset): merges every state into agg and top, adds their inputs and
 * unknown fields to r, refuses inputs read twice (FR_ERR_USAGE), then
 * writes the merged aggregate to a temporary file beside the save path.
 * Returns FR_OK or an error with errbuf set. */
fr_err fr_stateset_finish(void *ctx, fr_agg *agg, fr_topn *top, fr_report *r, char *errbuf,
                          size_t errlen);

/* The temporary file fr_stateset_finish wrote, or NULL. */
const char *fr_stateset_temp(const fr_stateset *s);

/* Renames the temporary file onto the save path (after the reports were
 * committed). Returns FR_OK or FR_ERR_IO with errbuf set. */
fr_err fr_stateset_commit(fr_stateset *s, char *errbuf, size_t errlen);

/* Removes the temporary file if it is still there. */
void fr_stateset_discard(fr_stateset *s);

/* For fuzzing and tests: parses a plain (inflated) state body p[0..n) as
 * fr_stateset_finish would merge it, into a new aggregate of window `window`.
 * Returns FR_OK or an error with errbuf set; never crashes on bad bytes. */
fr_err fr_state_parse_body(const uint8_t *p, size_t n, char *errbuf, size_t errlen);

#endif
