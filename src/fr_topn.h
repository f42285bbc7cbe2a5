/* SPDX-License-Identifier: MIT */
/* fr_topn: the three top tables (talkers, rejected sources, ports). Exact
 * while their keys fit a budget; past it a table is pruned (its lower half by
 * the ranking counter dropped) and becomes approximate with a known bound:
 * every ranking counter it reports is at most `error_bound` below the truth,
 * never above. Workers keep small local tables and merge them into one
 * shared table, so memory does not grow with the number of threads. */
#ifndef FR_TOPN_H
#define FR_TOPN_H

#include <stddef.h>
#include <stdint.h>

#include "fr_error.h"
#include "fr_flowlog.h"
#include "fr_report.h"
#include "fr_sbuf.h"

typedef struct fr_topn fr_topn;

/* Bytes one key costs in a table, at most (entry plus slots). */
#define FR_TOPN_BYTES_PER_KEY 96

/* Returns new empty tables that prune themselves beyond max_keys keys per
 * table (0: never), or NULL when out of memory. */
fr_topn *fr_topn_new(size_t max_keys);

/* Frees t; NULL is fine. */
void fr_topn_free(fr_topn *t);

/* Counts one OK record: action is FR_ACTION_*, pk/by its packets and bytes.
 * Returns FR_OK or FR_ERR_NOMEM. */
fr_err fr_topn_add(fr_topn *t, const fr_record *rec, int action, uint64_t pk, uint64_t by);

/* Keys held by the largest of the three tables (after queued updates). */
size_t fr_topn_keys(fr_topn *t);

/* Adds src into dst (pruning dst when over its budget) and empties src.
 * Returns FR_OK or FR_ERR_NOMEM. */
fr_err fr_topn_move(fr_topn *dst, fr_topn *src);

/* Fills r->talkers, r->rejected, r->ports (the top_n best of each, ranked)
 * and their fr_topn_info. Returns FR_OK or FR_ERR_NOMEM. */
fr_err fr_topn_report(fr_topn *t, unsigned top_n, fr_report *r);

/* Writes t (its queued updates applied) in the state encoding (doc/STATE.md,
 * section "top tables"). Returns FR_OK or FR_ERR_NOMEM. */
fr_err fr_topn_save(fr_topn *t, fr_swriter *w, uint64_t limit);

/* Adds tables saved by fr_topn_save into t (pruning t past its budget, the
 * error bounds adding up), straight from the reader. Returns FR_OK,
 * FR_ERR_NOMEM, or FR_ERR_FORMAT with the reader's error set; t then holds
 * part of the state and must not be reported. */
fr_err fr_topn_load(fr_topn *t, fr_sreader *r);

/* 1 when every table is exact (none was pruned). */
int fr_topn_exact(const fr_topn *t);

#endif
