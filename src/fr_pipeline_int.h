/* SPDX-License-Identifier: MIT */
/* fr_pipeline_int: the run's and the workers' layout, private to
 * src/pipeline.c and src/pipeline_inputs.c. It is not part of the fr_pipeline
 * interface; it only exists because the module was split in two files to stay
 * under ~1,000 lines: the threads count malformed lines per file and the
 * results' assembly folds those counts into the input rows. */
#ifndef FR_PIPELINE_INT_H
#define FR_PIPELINE_INT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "fr_flowlog.h"
#include "fr_hash.h"
#include "fr_pipeline.h"

/* A block of input text and a file being read: defined in pipeline.c. */
typedef struct block block;
typedef struct fstate fstate;

typedef struct example {
    uint64_t seq, line;
    char reason[96];
} example;

/* Malformed lines of a file counted by reason (the text of an example). */
typedef struct reason_count {
    char reason[96];
    uint64_t n;
} reason_count;

/* Distinct reasons a worker counts per file before folding the rest into
 * OTHER_REASONS; the merged table keeps FR_REASONS_PER_INPUT. */
#define REASONS_MAX 256
#define OTHER_REASONS "(other reasons)"

typedef struct wfile {
    fr_file_stats st;
    int nex;
    example *ex; /* FR_EXAMPLES_PER_FILE slots, allocated at the first one */
    int nrc;
    reason_count *rc; /* REASONS_MAX + 1 slots, allocated at the first one */
} wfile;

typedef struct blines {
    size_t file;
    uint64_t seq, lines;
} blines;

typedef struct run run;

typedef struct worker {
    run *run;
    pthread_t th;
    int started;
    fr_agg *agg;
    fr_topn *top; /* local top tables, moved to run.top when large */
    wfile *files;
    blines *bl;
    size_t nbl, capbl;
    fr_parser parser;
    fr_record rec;
    fstate *mine;
    fr_err err;
    char errmsg[256];
} worker;

struct run {
    const fr_pipeline_opts *o;
    const fr_source_list *src;
    fr_report *r;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    block **q;
    size_t qcap, qhead, qlen;
    block *free_blocks;
    size_t next_file, files_open;
    int T;
    int abort;
    const fr_fieldmap *default_map;
    fr_topn *top; /* the shared top tables */
    pthread_mutex_t top_mu;
    size_t flush_keys; /* local top-table size that triggers a move */
    fr_fieldmap **maps;
    size_t nmaps;
    fr_strtab unknown;
};

/* Keeps the FR_EXAMPLES_PER_FILE earliest malformed lines of a file.
 * Returns FR_OK or FR_ERR_NOMEM. */
fr_err pipeline_example_add(wfile *wf, uint64_t seq, uint64_t line, const char *reason);

/* Adds n malformed lines of reason to wf's table. Returns FR_OK or NOMEM. */
fr_err pipeline_reason_add(wfile *wf, const char *reason, uint64_t n);

/* Fills per-file rows from the workers' counters: line numbers, examples.
 * Returns FR_OK or FR_ERR_NOMEM. */
fr_err pipeline_finish_inputs(run *R, worker *ws, int T);

#endif
