/* SPDX-License-Identifier: MIT */
/* fr_state_int: the state set's layout and the helpers shared by
 * src/state.c (the format: writing, reading heads, checks) and
 * src/state_merge.c (overlaps, loading states, the finish hook). It is not
 * part of the fr_state interface; it exists because the module was split in
 * two files to stay under ~1,000 lines. */
#ifndef FR_STATE_INT_H
#define FR_STATE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "fr_sbuf.h"
#include "fr_state.h"

#define HEADER_LEN 32

/* What a state's head section says. */
typedef struct head {
    char *creator;
    int64_t window;
    int since_set, until_set;
    int64_t since, until;
    int prorate;
    int has_time;
    int64_t min_start, max_start;
    uint8_t admin_ports[8192];
    size_t n_cidrs;
    fr_cidr *cidrs;
    int top_exact;
    uint64_t findings_level;
    size_t n_inputs;
    fr_input_row *inputs;
    size_t n_unknown;
    char **unknown;
} head;

typedef struct state {
    char *path, *name;
    uint8_t sha256[32]; /* of the whole file, once merged (it is read then) */
    uint8_t trailer[32]; /* its checksum, as found when it was added */
    uint8_t header[HEADER_LEN]; /* its first bytes: the body's lengths */
    uint64_t size;
    head h;
} state;

struct fr_stateset {
    state *v;
    size_t n;
    fr_state_run run;
    int checked;
    char *save_path, *save_tmp;
    double merge_seconds; /* reading, checking and merging the states */
};

/* Refuses an input (by SHA-256, empty files aside) that two states, or a
 * state and r's inputs (the logs read by this run; r may be NULL), hold:
 * FR_ERR_USAGE with errbuf naming both, else FR_OK (or FR_ERR_NOMEM). */
fr_err state_overlaps(const fr_stateset *s, const fr_report *r, char *errbuf, size_t errlen);

/* Frees what a head holds. */
void state_head_clear(head *h);

/* Reads a state's head section from r into h. Returns 0, or -1 with r's
 * error set. */
int state_load_head(fr_sreader *r, head *h);

/* The little-endian unsigned integer of n bytes at p. */
uint64_t state_get_le(const uint8_t *p, int n);

/* Writes the state of agg, top and r's inputs to a new temporary file
 * beside s->save_path (s->save_tmp). Returns FR_OK or an error (errbuf). */
fr_err state_save(fr_stateset *s, fr_agg *agg, fr_topn *top, const fr_report *r, char *errbuf,
                  size_t errlen);

#endif
