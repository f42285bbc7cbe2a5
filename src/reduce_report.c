/* SPDX-License-Identifier: MIT */
/* reduce_report: turns the final aggregate into the report's window,
 * interface and gap tables (the fr_agg_report half of the reduce module). */
#include "fr_reduce_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fr_coverage.h"
#include "fr_findings.h"

/* An interface name and its index in the aggregate. */
typedef struct named {
    const char *name;
    size_t idx;
} named;

static int cmp_named(const void *pa, const void *pb)
{
    return strcmp(((const named *)pa)->name, ((const named *)pb)->name);
}

fr_err fr_agg_report(fr_agg *a, fr_report *r, char *errbuf, size_t errlen)
{
    int64_t W = a->o.window;
    r->window = W;
    r->top_n = a->o.top_n;
    r->since_given = a->o.since_set;
    r->until_given = a->o.until_set;

    /* period */
    int64_t ps, pe;
    if (a->o.since_set)
        ps = a->o.since;
    else
        ps = a->has_time ? window_of(a->min_start, W) * W : 0;
    if (a->o.until_set)
        pe = a->o.until;
    else
        pe = a->has_time ? (window_of(a->max_start, W) + 1) * W : 0;
    if (!a->has_time && (!a->o.since_set || !a->o.until_set)) {
        if (!a->o.since_set)
            ps = a->o.until_set ? pe : 0;
        if (!a->o.until_set)
            pe = ps;
    }
    if (pe < ps)
        pe = ps;
    r->period_start = ps;
    r->period_end = pe;
    int64_t w0 = window_of(ps, W);
    int64_t w1 = pe > ps ? window_of(pe - 1, W) : w0 - 1; /* inclusive */
    int64_t nw = w1 - w0 + 1;
    if (nw > FR_MAX_WINDOWS) {
        snprintf(errbuf, errlen,
                 "the period holds %lld windows of %lld s; at most %d are allowed "
                 "(narrow it with --since/--until or use a larger --window)",
                 (long long)nw, (long long)W, FR_MAX_WINDOWS);
        return FR_ERR_RANGE;
    }
    fr_totals *t = &r->totals;
    if (a->o.prorate && nw > 0) {
        /* parts after the period's last window belong to it */
        int created;
        if (!fr_ktab_upsert(&a->windows, &w1, fr_ktab_hash(&a->windows, &w1), &created))
            return FR_ERR_NOMEM;
        a->cache_win = NULL;
        for (size_t i = 0; i < a->windows.count; i++) {
            int64_t widx;
            memcpy(&widx, fr_ktab_key(&a->windows, i), 8);
            if (widx <= w1)
                continue;
            win_val *v = fr_ktab_val(&a->windows, i);
            win_val *last = fr_ktab_find(&a->windows, &w1, fr_ktab_hash(&a->windows, &w1));
            sat_add(&last->packets, v->packets);
            sat_add(&last->bytes, v->bytes);
            sat_add(&last->accept_bytes, v->accept_bytes);
            sat_add(&last->reject_bytes, v->reject_bytes);
            v->packets = v->bytes = v->accept_bytes = v->reject_bytes = 0;
        }
    }
    if (nw > 0) {
        r->windows = calloc((size_t)nw, sizeof *r->windows);
        if (!r->windows)
            return FR_ERR_NOMEM;
        r->n_windows = (size_t)nw;
        for (int64_t k = 0; k < nw; k++) {
            fr_window_row *row = &r->windows[k];
            row->start = (w0 + k) * W;
            row->end = row->start + W;
            int64_t widx = w0 + k;
            const win_val *v = fr_ktab_find(&a->windows, &widx, fr_ktab_hash(&a->windows, &widx));
            if (!v)
                continue;
            row->records = v->records;
            row->ok_records = v->ok;
            row->accept_records = v->accept;
            row->reject_records = v->reject;
            row->nodata_records = v->nodata;
            row->skipdata_records = v->skipdata;
            row->packets = v->packets;
            row->bytes = v->bytes;
            row->accept_bytes = v->accept_bytes;
            row->reject_bytes = v->reject_bytes;
            t->records += v->records;
            t->ok_records += v->ok;
            t->accept_records += v->accept;
            t->reject_records += v->reject;
            t->nodata_records += v->nodata;
            t->skipdata_records += v->skipdata;
            sat_add(&t->packets, v->packets);
            sat_add(&t->bytes, v->bytes);
            sat_add(&t->accept_bytes, v->accept_bytes);
            sat_add(&t->reject_bytes, v->reject_bytes);
        }
        for (size_t i = 0; i < a->pairs.count; i++) {
            uint64_t key;
            memcpy(&key, fr_ktab_key(&a->pairs, i), 8);
            int64_t widx = (int64_t)(key & 0xffffffffu);
            if (widx >= w0 && widx <= w1)
                r->windows[widx - w0].interfaces++;
        }
        for (size_t i = 0; i < a->skippairs.count; i++) {
            uint64_t key;
            memcpy(&key, fr_ktab_key(&a->skippairs, i), 8);
            int64_t widx = (int64_t)(key & 0xffffffffu);
            if (widx >= w0 && widx <= w1)
                r->windows[widx - w0].skipdata_interfaces++;
        }
    }

    /* interfaces (by name) and their gaps */
    size_t ni = a->iface_names.count;
    named *order = calloc(ni ? ni : 1, sizeof *order);
    if (!order)
        return FR_ERR_NOMEM;
    size_t ngaps = 0;
    for (size_t i = 0; i < ni; i++) {
        order[i].name = a->iface_names.strs[i];
        order[i].idx = i;
        for (int g = 0; g < 2; g++) {
            reduce_ivlist_compact(&a->ifaces[i].gaps[g]);
            ngaps += a->ifaces[i].gaps[g].n;
        }
        reduce_ivlist_compact(&a->ifaces[i].okiv);
    }
    if (ni > 1)
        qsort(order, ni, sizeof *order, cmp_named);
    r->ifaces = calloc(ni ? ni : 1, sizeof *r->ifaces);
    r->gaps = calloc(ngaps ? ngaps : 1, sizeof *r->gaps);
    fr_coverage *cov = fr_coverage_new(r, a->o.audit ? a->o.audit->silent_gap : FR_SILENT_GAP);
    if (!r->ifaces || !r->gaps || !cov) {
        fr_coverage_free(cov);
        free(order);
        return FR_ERR_NOMEM;
    }
    for (size_t i = 0; i < ni; i++) {
        const iface_val *v = &a->ifaces[order[i].idx];
        fr_iface_row *row = &r->ifaces[r->n_ifaces];
        row->interface_id = strdup(order[i].name);
        row->account_id = strdup(v->account ? v->account : "");
        if (!row->interface_id || !row->account_id) {
            free(row->interface_id);
            free(row->account_id);
            fr_coverage_free(cov);
            free(order);
            return FR_ERR_NOMEM;
        }
        r->n_ifaces++;
        row->first_start = v->first_start;
        row->last_end = v->last_end;
        row->records = v->records;
        row->ok_records = v->ok;
        row->nodata_records = v->nodata;
        row->skipdata_records = v->skipdata;
        row->accept_records = v->accept;
        row->reject_records = v->reject;
        row->packets = v->packets;
        row->bytes = v->bytes;
        if (fr_coverage_iface(cov, r, r->n_ifaces - 1, v->okiv.v, v->okiv.n, v->gaps[0].v,
                              v->gaps[0].n, v->gaps[1].v, v->gaps[1].n) != FR_OK) {
            fr_coverage_free(cov);
            free(order);
            return FR_ERR_NOMEM;
        }
        for (int g = 0; g < 2; g++)
            for (size_t k = 0; k < v->gaps[g].n; k++) {
                fr_gap_row *gr = &r->gaps[r->n_gaps++];
                gr->interface_id = row->interface_id;
                gr->kind = g ? FR_GAP_SKIPDATA : FR_GAP_NODATA;
                gr->start = v->gaps[g].v[k].start;
                gr->end = v->gaps[g].v[k].end;
                gr->records = v->gaps[g].v[k].records;
                if (g) {
                    t->skipdata_gaps++;
                    t->skipdata_gap_seconds += (uint64_t)(gr->end - gr->start);
                } else {
                    t->nodata_gaps++;
                    t->nodata_gap_seconds += (uint64_t)(gr->end - gr->start);
                }
            }
    }
    free(order);
    t->interfaces = r->n_ifaces;
    t->iface_sample_level = a->iface_level;
    t->untracked_iface_records = a->other.records;
    t->untracked_iface_bytes = a->other.bytes;
    if (r->n_gaps > 1)
        qsort(r->gaps, r->n_gaps, sizeof *r->gaps, fr_gap_cmp);
    fr_err e = fr_coverage_finish(cov, r);
    fr_coverage_free(cov);
    if (e != FR_OK)
        return e;
    t->saturated = t->packets == UINT64_MAX || t->bytes == UINT64_MAX;
    if (a->fc)
        return fr_fcount_report(a->fc, r, errbuf, errlen);
    return FR_OK;
}
