/* SPDX-License-Identifier: MIT */
/* fr_reduce_int: the aggregate's layout, private to src/reduce.c and
 * src/reduce_report.c. It is not part of the fr_reduce interface (fr_agg stays
 * opaque everywhere else); it only exists because the module was split in two
 * files to stay under ~1,000 lines, and both halves read the same tables. */
#ifndef FR_REDUCE_INT_H
#define FR_REDUCE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "fr_coverage.h"
#include "fr_findings.h"
#include "fr_hash.h"
#include "fr_reduce.h"

typedef struct win_val {
    uint64_t records, ok, accept, reject, nodata, skipdata;
    uint64_t packets, bytes, accept_bytes, reject_bytes;
} win_val;

typedef fr_interval interval;

/* Adds v to *x, stopping at UINT64_MAX instead of wrapping. */
static inline void sat_add(uint64_t *x, uint64_t v)
{
    if (__builtin_add_overflow(*x, v, x))
        *x = UINT64_MAX;
}

typedef struct ivlist {
    size_t n, cap, merged; /* merged: length after the last compaction */
    size_t mem; /* bytes of the block v (fr_bigmem) */
    interval *v;
} ivlist;

typedef struct iface_val {
    uint64_t records, ok, nodata, skipdata, accept, reject, packets, bytes;
    int64_t first_start, last_end;
    char *account; /* smallest account-id seen, or NULL */
    size_t account_len;
    int64_t last_widx, last_skip_widx;
    ivlist gaps[2];
    ivlist okiv; /* intervals of OK records (coverage) */
} iface_val;

struct fr_agg {
    fr_reduce_opts o;
    int has_time;
    int64_t min_start, max_start;
    fr_ktab windows; /* int64 window index -> win_val */
    fr_strtab iface_names;
    fr_ktab iface_keys; /* names of up to 24 bytes, zero-padded -> index */
    iface_val *ifaces; /* parallel to iface_names */
    size_t ifaces_cap;
    fr_ktab pairs; /* (iface << 32 | window) -> nothing */
    fr_ktab skippairs; /* the same for SKIPDATA records */
    fr_fcount *fc; /* the findings' counters, NULL without --audit options */
    /* past o.max_ifaces interfaces: only ids whose hash has its top
     * iface_level bits zero are kept; the rest are summed in `other` */
    int iface_level;
    iface_val other;
    /* one-entry caches: the last interface (exports often run by ENI) and
     * the last window */
    const char *last_iface;
    uint32_t last_iface_len;
    long last_iface_idx;
    int64_t cache_widx;
    win_val *cache_win;
    /* fr_agg_expect: how many aggregates like the first merged in are
     * coming, so that lists and tables are sized once for all of them */
    size_t parts;
};

/* Floor division for the window index. */
static inline int64_t window_of(int64_t t, int64_t w)
{
    int64_t q = t / w;
    return (t % w < 0) ? q - 1 : q;
}

/* Sorts l and merges intervals that overlap or touch. */
void reduce_ivlist_compact(ivlist *l);

#endif
