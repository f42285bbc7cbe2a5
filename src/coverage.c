/* SPDX-License-Identifier: MIT */
/* coverage: per-interface coverage seconds, silent stretches and the
 * windows' share of interface-time with a record. */
#include "fr_coverage.h"

#include <stdlib.h>
#include <string.h>

struct fr_coverage {
    int64_t ps, pe, gap, W, w0; /* period, silent gap, window size, first window start */
    size_t nw;
    uint64_t *partial; /* per window: seconds from intervals that do not fill it */
    int64_t *full; /* difference array: windows an interval fills whole */
    fr_interval *u1, *u2; /* scratch unions */
    size_t ucap;
    fr_gap_row *silent;
    size_t n_silent, cap_silent;
};

fr_coverage *fr_coverage_new(const fr_report *r, int64_t silent_gap)
{
    fr_coverage *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->ps = r->period_start;
    c->pe = r->period_end;
    c->gap = silent_gap;
    c->W = r->window;
    c->nw = r->n_windows;
    c->w0 = c->nw ? r->windows[0].start : 0;
    c->partial = calloc(c->nw + 1, sizeof *c->partial);
    c->full = calloc(c->nw + 2, sizeof *c->full);
    if (!c->partial || !c->full) {
        fr_coverage_free(c);
        return NULL;
    }
    return c;
}

void fr_coverage_free(fr_coverage *c)
{
    if (!c)
        return;
    free(c->partial);
    free(c->full);
    free(c->u1);
    free(c->u2);
    free(c->silent);
    free(c);
}

static int interval_cmp(const void *pa, const void *pb)
{
    const fr_interval *x = pa, *y = pb;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->end != y->end)
        return x->end < y->end ? -1 : 1;
    return 0;
}

/* The end of the ascending run that starts at i. */
static size_t run_end(const fr_interval *v, size_t i, size_t n)
{
    for (i++; i < n && interval_cmp(&v[i - 1], &v[i]) <= 0; i++)
        ;
    return i;
}

/* Sorts v by merging its ascending runs pairwise: a list made of a few
 * sorted runs (states merged one after the other, a state's own sorted
 * lists) sorts in a few linear passes. Falls back to qsort without memory. */
static void sort_runs(fr_interval *v, size_t n)
{
    if (run_end(v, 0, n) == n)
        return;
    fr_interval *tmp = malloc(n * sizeof *tmp);
    if (!tmp) {
        qsort(v, n, sizeof *v, interval_cmp);
        return;
    }
    fr_interval *src = v, *dst = tmp;
    for (;;) {
        size_t runs = 0;
        for (size_t i = 0; i < n;) {
            size_t m = run_end(src, i, n), e = m < n ? run_end(src, m, n) : n;
            size_t a = i, b = m, o = i;
            while (a < m && b < e)
                dst[o++] = interval_cmp(&src[b], &src[a]) < 0 ? src[b++] : src[a++];
            memcpy(dst + o, src + a, (m - a) * sizeof *dst);
            o += m - a;
            memcpy(dst + o, src + b, (e - b) * sizeof *dst);
            runs++;
            i = e;
        }
        fr_interval *t = src;
        src = dst;
        dst = t;
        if (runs == 1)
            break;
    }
    if (src != v)
        memcpy(v, src, n * sizeof *v);
    free(tmp);
}

size_t fr_interval_merge(fr_interval *v, size_t n)
{
    if (n < 2)
        return n;
    sort_runs(v, n);
    size_t out = 0;
    for (size_t i = 1; i < n; i++) {
        if (v[i].start <= v[out].end) {
            if (v[i].end > v[out].end)
                v[out].end = v[i].end;
            v[out].records += v[i].records;
        } else {
            v[++out] = v[i];
        }
    }
    return out + 1;
}

/* Clips [s, e) to the period. Returns 0 when nothing is left (a point at
 * the period's end included). */
static int clip(const fr_coverage *c, int64_t *s, int64_t *e)
{
    if (*s < c->ps)
        *s = c->ps;
    if (*e > c->pe)
        *e = c->pe;
    if (*e < *s)
        *e = *s;
    return *s < c->pe;
}

/* Appends [s, e) to out (length *n), merging with its last interval. */
static void push(fr_interval *out, size_t *n, int64_t s, int64_t e)
{
    if (*n && s <= out[*n - 1].end) {
        if (e > out[*n - 1].end)
            out[*n - 1].end = e;
        return;
    }
    out[*n].start = s;
    out[*n].end = e;
    out[*n].records = 0;
    (*n)++;
}

/* Unites two merged lists, clipped to the period, into out (room for na + nb).
 * Returns the length. */
static size_t unite(const fr_coverage *c, const fr_interval *a, size_t na, const fr_interval *b,
                    size_t nb, fr_interval *out)
{
    size_t i = 0, k = 0, n = 0;
    while (i < na || k < nb) {
        const fr_interval *x;
        if (k >= nb || (i < na && a[i].start <= b[k].start))
            x = &a[i++];
        else
            x = &b[k++];
        int64_t s = x->start, e = x->end;
        if (clip(c, &s, &e))
            push(out, &n, s, e);
    }
    return n;
}

static uint64_t total_len(const fr_interval *v, size_t n)
{
    uint64_t t = 0;
    for (size_t i = 0; i < n; i++)
        t += (uint64_t)(v[i].end - v[i].start);
    return t;
}

/* Adds a SILENT row. Returns 0 or -1 (memory). */
static int add_silent(fr_coverage *c, const char *iface, int64_t s, int64_t e, int edge)
{
    if (c->n_silent == c->cap_silent) {
        size_t cap = c->cap_silent ? 2 * c->cap_silent : 16;
        fr_gap_row *g = realloc(c->silent, cap * sizeof *g);
        if (!g)
            return -1;
        c->silent = g;
        c->cap_silent = cap;
    }
    fr_gap_row *g = &c->silent[c->n_silent++];
    memset(g, 0, sizeof *g);
    g->interface_id = iface;
    g->kind = FR_GAP_SILENT;
    g->start = s;
    g->end = e;
    g->edge = edge;
    return 0;
}

/* Adds [s, e) (inside the period, s < e) to the window seconds. */
static void add_windows(fr_coverage *c, int64_t s, int64_t e)
{
    if (c->nw == 0 || e <= s)
        return;
    size_t k0 = (size_t)((s - c->w0) / c->W), k1 = (size_t)((e - 1 - c->w0) / c->W);
    if (k1 >= c->nw)
        k1 = c->nw - 1;
    if (k0 == k1) {
        c->partial[k0] += (uint64_t)(e - s);
        return;
    }
    c->partial[k0] += (uint64_t)(c->w0 + (int64_t)(k0 + 1) * c->W - s);
    c->partial[k1] += (uint64_t)(e - (c->w0 + (int64_t)k1 * c->W));
    if (k1 > k0 + 1) {
        c->full[k0 + 1]++;
        c->full[k1]--;
    }
}

fr_err fr_coverage_iface(fr_coverage *c, fr_report *r, size_t row, const fr_interval *ok,
                         size_t n_ok, const fr_interval *nodata, size_t n_nodata,
                         const fr_interval *skip, size_t n_skip)
{
    size_t need = n_ok + n_nodata + n_skip + 1;
    if (need > c->ucap) {
        fr_interval *a = realloc(c->u1, need * sizeof *a);
        if (!a)
            return FR_ERR_NOMEM;
        c->u1 = a;
        fr_interval *b = realloc(c->u2, need * sizeof *b);
        if (!b)
            return FR_ERR_NOMEM;
        c->u2 = b;
        c->ucap = need;
    }
    fr_iface_row *f = &r->ifaces[row];
    /* SKIPDATA alone, OK or SKIPDATA, and any record */
    size_t ns = unite(c, skip, n_skip, NULL, 0, c->u2);
    uint64_t skip_s = total_len(c->u2, ns);
    size_t nos = unite(c, ok, n_ok, skip, n_skip, c->u1);
    uint64_t os_s = total_len(c->u1, nos);
    size_t na = unite(c, c->u1, nos, nodata, n_nodata, c->u2);
    uint64_t all_s = total_len(c->u2, na);
    f->skipdata_seconds = skip_s;
    f->covered_seconds = os_s - skip_s;
    f->nodata_seconds = all_s - os_s;
    f->any_seconds = all_s;
    f->period_seconds = (uint64_t)(c->pe - c->ps);
    f->silent_seconds = 0;
    f->silent_edges = 0;

    int64_t prev = c->ps;
    for (size_t i = 0; i <= na; i++) {
        int64_t s = i < na ? c->u2[i].start : c->pe;
        if (s - prev > c->gap) {
            int edge = prev == c->ps && i == 0 ? FR_EDGE_START : i == na ? FR_EDGE_END : 0;
            if (add_silent(c, f->interface_id, prev, s, edge))
                return FR_ERR_NOMEM;
            f->silent_seconds += (uint64_t)(s - prev);
            f->silent_edges |= edge;
        }
        if (i < na) {
            add_windows(c, c->u2[i].start, c->u2[i].end);
            if (c->u2[i].end > prev)
                prev = c->u2[i].end;
        }
    }
    return FR_OK;
}

fr_err fr_coverage_finish(fr_coverage *c, fr_report *r)
{
    fr_totals *t = &r->totals;
    int64_t full = 0;
    for (size_t k = 0; k < c->nw; k++) {
        fr_window_row *w = &r->windows[k];
        full += c->full[k];
        w->covered_iface_seconds = c->partial[k] + (uint64_t)full * (uint64_t)c->W;
        int64_t s = w->start > c->ps ? w->start : c->ps;
        int64_t e = w->end < c->pe ? w->end : c->pe;
        w->iface_seconds = e > s ? (uint64_t)(e - s) * r->n_ifaces : 0;
    }
    t->covered_seconds = t->nodata_seconds = t->skipdata_seconds = t->silent_seconds = 0;
    t->any_seconds = t->silent_interfaces = t->skipdata_interfaces = 0;
    for (size_t i = 0; i < r->n_ifaces; i++) {
        const fr_iface_row *f = &r->ifaces[i];
        t->covered_seconds += f->covered_seconds;
        t->nodata_seconds += f->nodata_seconds;
        t->skipdata_seconds += f->skipdata_seconds;
        t->silent_seconds += f->silent_seconds;
        t->any_seconds += f->any_seconds;
        t->silent_interfaces += f->silent_seconds > 0;
        t->skipdata_interfaces += f->skipdata_records > 0;
    }
    t->iface_seconds = (uint64_t)(c->pe - c->ps) * r->n_ifaces;
    t->silent_gaps = c->n_silent;
    t->longest_silent = 0;
    for (size_t i = 0; i < c->n_silent; i++)
        if ((uint64_t)(c->silent[i].end - c->silent[i].start) > t->longest_silent)
            t->longest_silent = (uint64_t)(c->silent[i].end - c->silent[i].start);
    free(r->silent);
    r->silent = c->silent;
    r->n_silent = c->n_silent;
    r->silent_gap = c->gap;
    c->silent = NULL;
    c->n_silent = c->cap_silent = 0;
    return FR_OK;
}
