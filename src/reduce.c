/* SPDX-License-Identifier: MIT */
/* reduce: per-worker aggregates of windows, interfaces, gaps and top tables:
 * adding records, merging, interface sampling and state files (the report
 * tables are built in reduce_report.c). */
#include "fr_reduce_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fr_bigmem.h"
#include "fr_coverage.h"
#include "fr_findings.h"
#include "fr_hash.h"
#include "fr_topn.h"

/* Interface ids (eni- and 17 hex digits) fit a three-word key. */
#define IFACE_KEY 24

void fr_file_stats_add(fr_file_stats *a, const fr_file_stats *b)
{
    a->lines += b->lines;
    a->records += b->records;
    a->malformed += b->malformed;
    a->excluded += b->excluded;
    a->untimed += b->untimed;
    a->tgw_records += b->tgw_records;
    a->header_lines += b->header_lines;
    a->blank_lines += b->blank_lines;
    if (b->has_time) {
        if (!a->has_time || b->first_start < a->first_start)
            a->first_start = b->first_start;
        if (!a->has_time || b->last_start > a->last_start)
            a->last_start = b->last_start;
        a->has_time = 1;
    }
}

fr_agg *fr_agg_new(const fr_reduce_opts *opts)
{
    fr_agg *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->o = *opts;
    a->cache_widx = -1;
    if (fr_ktab_init(&a->windows, sizeof(int64_t), sizeof(win_val)) ||
        fr_strtab_init(&a->iface_names) ||
        fr_ktab_init(&a->iface_keys, IFACE_KEY, sizeof(uint64_t)) ||
        fr_ktab_init(&a->pairs, sizeof(uint64_t), 0) ||
        fr_ktab_init(&a->skippairs, sizeof(uint64_t), 0) ||
        (opts->audit && !(a->fc = fr_fcount_new(opts->audit)))) {
        fr_agg_free(a);
        return NULL;
    }
    return a;
}

static void iface_release(iface_val *v);

void fr_agg_free(fr_agg *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->iface_names.count; i++)
        iface_release(&a->ifaces[i]);
    free(a->ifaces);
    fr_strtab_clear(&a->iface_names);
    fr_ktab_clear(&a->iface_keys);
    fr_ktab_clear(&a->windows);
    fr_ktab_clear(&a->pairs);
    fr_ktab_clear(&a->skippairs);
    fr_fcount_free(a->fc);
    free(a);
}

/* Sorts l and merges intervals that overlap or touch. */
void reduce_ivlist_compact(ivlist *l)
{
    if (l->n < 2 || l->n == l->merged) { /* compact already */
        l->merged = l->n;
        return;
    }
    l->n = fr_interval_merge(l->v, l->n);
    l->merged = l->n;
}

/* Room for `need` intervals in all, the capacity doubling. Large lists
 * live in huge pages (fr_bigmem). Returns 0 or -1. */
static int ivlist_reserve(ivlist *l, size_t need)
{
    if (need <= l->cap)
        return 0;
    if (need > SIZE_MAX / 4 / sizeof *l->v) /* so the doubling cannot wrap */
        return -1;
    size_t cap = l->cap ? l->cap : 4;
    if (need / 2 > cap) /* a jump (fr_agg_expect): what is asked for */
        cap = need;
    while (cap < need)
        cap *= 2;
    interval *v = fr_bigmem_grow(l->v, &l->mem, l->n * sizeof *v, cap * sizeof *v);
    if (!v)
        return -1;
    l->v = v;
    l->cap = l->mem / sizeof *v;
    return 0;
}

/* Puts [start, end) into a compact list near its end (at most `near`
 * intervals after it), uniting it with those it overlaps or touches, so the
 * list stays compact. Returns 1 when done, 0 when it lies further back, -1
 * when out of memory. */
static int ivlist_insert(ivlist *l, int64_t start, int64_t end, uint64_t records, size_t near)
{
    interval *v = l->v;
    size_t lo = 0, hi = l->n; /* the first interval that starts after start */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid].start > start)
            hi = mid;
        else
            lo = mid + 1;
    }
    if (l->n - lo > near)
        return 0;
    size_t a = lo > 0 && v[lo - 1].end >= start ? lo - 1 : lo, b = lo;
    interval u = {start, end, records};
    if (a < lo) {
        u.start = v[a].start;
        if (v[a].end > u.end)
            u.end = v[a].end;
        u.records += v[a].records;
    }
    for (; b < l->n && v[b].start <= u.end; b++) {
        if (v[b].end > u.end)
            u.end = v[b].end;
        u.records += v[b].records;
    }
    if (b == a) {
        if (ivlist_reserve(l, l->n + 1))
            return -1;
        v = l->v;
        memmove(v + a + 1, v + a, (l->n - a) * sizeof *v);
        l->n++;
    } else if (b - a > 1) {
        memmove(v + a + 1, v + b, (l->n - b) * sizeof *v);
        l->n -= b - a - 1;
    }
    v[a] = u;
    l->merged = l->n;
    return 1;
}

/* Appends an interval, compacting when the list doubled. While intervals
 * come in order, or nearly (a state's lists, states given in time order),
 * the list stays compact as it grows and is never sorted. Returns 0 or -1. */
static int ivlist_add(ivlist *l, int64_t start, int64_t end, uint64_t records)
{
    int compact = l->n == l->merged;
    if (compact && l->n) {
        interval *last = &l->v[l->n - 1];
        if (start >= last->start && start <= last->end) {
            if (end > last->end)
                last->end = end;
            last->records += records;
            return 0;
        }
        if (start < last->start) {
            int rc = ivlist_insert(l, start, end, records, 64);
            if (rc)
                return rc < 0 ? -1 : 0;
            compact = 0;
        }
    }
    int in_order = compact && (l->n == 0 || start > l->v[l->n - 1].end);
    if (l->n == l->cap && !compact && l->n >= 64 && l->n >= 2 * l->merged)
        reduce_ivlist_compact(l);
    if (ivlist_reserve(l, l->n + 1))
        return -1;
    l->v[l->n].start = start;
    l->v[l->n].end = end;
    l->v[l->n].records = records;
    l->n++;
    if (in_order)
        l->merged = l->n;
    return 0;
}

/* Appends the whole of src to l in one copy. The result is compact when both
 * were and src comes after l; otherwise it is compacted (sorted run by run)
 * when the report or the state needs it. Returns 0 or -1. */
static int ivlist_append(ivlist *l, const ivlist *src, size_t parts)
{
    if (!src->n)
        return 0;
    /* the first of `parts` similar lists: room for all of them at once */
    size_t need = l->n + src->n;
    if (l->n == 0 && parts > 1 && src->n <= SIZE_MAX / sizeof *l->v / parts)
        need = src->n * parts;
    if (ivlist_reserve(l, need))
        return -1;
    int compact = l->n == l->merged && src->n == src->merged &&
        (l->n == 0 || src->v[0].start > l->v[l->n - 1].end);
    memcpy(l->v + l->n, src->v, src->n * sizeof *l->v);
    l->n += src->n;
    if (compact)
        l->merged = l->n;
    return 0;
}

/* 1 when interface name[0..len) is kept at sampling level `level`. */
static inline int iface_sampled(int level, const char *name, size_t len)
{
    return level == 0 || (fr_hash_bytes(name, len) >> (64 - level)) == 0;
}

/* Returns the interface slot for name, creating it; NULL when out of memory.
 * An interface outside the sample gets a->other and *idx_out -1. */
static iface_val *iface_get(fr_agg *a, const char *name, size_t len, long *idx_out)
{
    uint64_t key[IFACE_KEY / 8] = {0};
    uint64_t *slot = NULL;
    if (a->iface_level) {
        long found = -1;
        if (len <= IFACE_KEY) {
            memcpy(key, name, len);
            uint64_t *v = fr_ktab_find(&a->iface_keys, key, fr_ktab_hash(&a->iface_keys, key));
            if (v)
                found = (long)*v;
        } else {
            found = fr_strtab_find(&a->iface_names, name, len);
        }
        if (found >= 0) {
            *idx_out = found;
            return &a->ifaces[found];
        }
        if (!iface_sampled(a->iface_level, name, len)) {
            *idx_out = -1;
            return &a->other;
        }
    }
    if (len <= IFACE_KEY) {
        memcpy(key, name, len);
        int c;
        slot = fr_ktab_upsert(&a->iface_keys, key, fr_ktab_hash(&a->iface_keys, key), &c);
        if (!slot)
            return NULL;
        if (!c) {
            *idx_out = (long)*slot;
            return &a->ifaces[*slot];
        }
    }
    int created;
    long idx = fr_strtab_intern(&a->iface_names, name, len, &created);
    if (idx < 0)
        return NULL;
    if (slot)
        *slot = (uint64_t)idx;
    if (created) {
        if ((size_t)idx >= a->ifaces_cap) {
            size_t cap = a->ifaces_cap ? a->ifaces_cap * 2 : 16;
            iface_val *n = realloc(a->ifaces, cap * sizeof *n);
            if (!n)
                return NULL;
            a->ifaces = n;
            a->ifaces_cap = cap;
        }
        memset(&a->ifaces[idx], 0, sizeof a->ifaces[idx]);
        a->ifaces[idx].last_widx = -1;
        a->ifaces[idx].last_skip_widx = -1;
    }
    *idx_out = idx;
    return &a->ifaces[idx];
}

/* Keeps the smallest account id. Returns 0 or -1. */
static int account_min(iface_val *iv, const char *acc, size_t len)
{
    if (iv->account) {
        size_t have = iv->account_len;
        if (have == len && memcmp(acc, iv->account, len) == 0)
            return 0; /* the usual case: the same account again */
        size_t n = have < len ? have : len;
        int c = memcmp(acc, iv->account, n);
        if (c > 0 || (c == 0 && len >= have))
            return 0;
    }
    char *copy = strndup(acc, len);
    if (!copy)
        return -1;
    free(iv->account);
    iv->account = copy;
    iv->account_len = len;
    return 0;
}

/* Returns the window stats of window index widx. */
static win_val *window_get(fr_agg *a, int64_t widx)
{
    if (widx == a->cache_widx && a->cache_win)
        return a->cache_win;
    int created;
    win_val *w = fr_ktab_upsert(&a->windows, &widx, fr_ktab_hash(&a->windows, &widx), &created);
    a->cache_widx = widx;
    a->cache_win = w;
    return w;
}

/* --prorate: window k of [start, end) gets floor(V * C_k / D) - floor(V *
 * C_(k-1) / D) of each value V, C_k being the seconds of the span up to the
 * end of window k and D = end - start, so the parts add up to V exactly.
 * Returns 0 or -1 (memory). */
static int prorate(fr_agg *a, int64_t start, int64_t end, uint64_t pk, uint64_t by, int action)
{
    int64_t W = a->o.window, D = end - start;
    int64_t k0 = window_of(start, W), k1 = window_of(end - 1, W);
    uint64_t prev_pk = 0, prev_by = 0;
    for (int64_t k = k0; k <= k1; k++) {
        int64_t upto = (k + 1) * W < end ? (k + 1) * W : end;
        uint64_t c = (uint64_t)(upto - start);
        uint64_t cum_pk = (uint64_t)((unsigned __int128)pk * c / (uint64_t)D);
        uint64_t cum_by = (uint64_t)((unsigned __int128)by * c / (uint64_t)D);
        win_val *w = window_get(a, k);
        if (!w)
            return -1;
        sat_add(&w->packets, cum_pk - prev_pk);
        sat_add(&w->bytes, cum_by - prev_by);
        if (action == FR_ACTION_ACCEPT)
            sat_add(&w->accept_bytes, cum_by - prev_by);
        else if (action == FR_ACTION_REJECT)
            sat_add(&w->reject_bytes, cum_by - prev_by);
        prev_pk = cum_pk;
        prev_by = cum_by;
    }
    return 0;
}

/* Adds the counters of s into d (interfaces folded into `other`). */
static void add_counts(iface_val *d, const iface_val *s)
{
    d->records += s->records;
    d->ok += s->ok;
    d->nodata += s->nodata;
    d->skipdata += s->skipdata;
    d->accept += s->accept;
    d->reject += s->reject;
    sat_add(&d->packets, s->packets);
    sat_add(&d->bytes, s->bytes);
}

/* Frees what an interface slot owns. */
static void iface_release(iface_val *v)
{
    free(v->account);
    fr_bigmem_free(v->gaps[0].v, v->gaps[0].mem);
    fr_bigmem_free(v->gaps[1].v, v->gaps[1].mem);
    fr_bigmem_free(v->okiv.v, v->okiv.mem);
}

/* Rewrites the (interface << 32 | window) keys of t through map, dropping
 * those whose interface maps to -1. Returns 0 or -1. */
static int remap_pairs(fr_ktab *t, const long *map)
{
    fr_ktab n;
    if (fr_ktab_init(&n, sizeof(uint64_t), 0))
        return -1;
    for (size_t i = 0; i < t->count; i++) {
        uint64_t key;
        memcpy(&key, fr_ktab_key(t, i), 8);
        long to = map[key >> 32];
        if (to < 0)
            continue;
        key = ((uint64_t)to << 32) | (key & 0xffffffffu);
        int created;
        if (!fr_ktab_upsert(&n, &key, fr_ktab_hash(&n, &key), &created)) {
            fr_ktab_clear(&n);
            return -1;
        }
    }
    fr_ktab_clear(t);
    *t = n;
    return 0;
}

/* Raises the interfaces' sampling level to at least `level`, then until
 * they fit o.max_ifaces: the interfaces that leave the sample are summed
 * into a->other. Returns 0 or -1 (memory). */
static int iface_resample(fr_agg *a, int level)
{
    while (
        a->iface_level < 63 &&
        (a->iface_level < level || (a->o.max_ifaces && a->iface_names.count > a->o.max_ifaces))) {
        a->iface_level++;
        size_t n = a->iface_names.count;
        long *map = malloc((n + 1) * sizeof *map);
        fr_strtab names;
        fr_ktab keys;
        iface_val *vals = malloc((n + 1) * sizeof *vals);
        int ok_n = map && vals && fr_strtab_init(&names) == 0;
        int ok_k = ok_n && fr_ktab_init(&keys, IFACE_KEY, sizeof(uint64_t)) == 0;
        if (!ok_k) {
            if (ok_n)
                fr_strtab_clear(&names);
            free(map);
            free(vals);
            return -1;
        }
        size_t kept = 0;
        int bad = 0;
        for (size_t i = 0; i < n && !bad; i++) {
            const char *nm = a->iface_names.strs[i];
            size_t len = a->iface_names.lens[i];
            if (!iface_sampled(a->iface_level, nm, len)) {
                map[i] = -1;
                continue;
            }
            int created;
            long idx = fr_strtab_intern(&names, nm, len, &created);
            if (idx < 0) {
                bad = 1;
                break;
            }
            if (len <= IFACE_KEY) {
                uint64_t key[IFACE_KEY / 8] = {0};
                memcpy(key, nm, len);
                uint64_t *slot = fr_ktab_upsert(&keys, key, fr_ktab_hash(&keys, key), &created);
                if (!slot) {
                    bad = 1;
                    break;
                }
                *slot = (uint64_t)idx;
            }
            map[i] = idx;
            kept++;
        }
        if (bad || remap_pairs(&a->pairs, map) || remap_pairs(&a->skippairs, map)) {
            fr_strtab_clear(&names);
            fr_ktab_clear(&keys);
            free(map);
            free(vals);
            return -1;
        }
        for (size_t i = 0; i < n; i++) {
            if (map[i] >= 0) {
                vals[map[i]] = a->ifaces[i];
            } else {
                add_counts(&a->other, &a->ifaces[i]);
                iface_release(&a->ifaces[i]);
            }
        }
        free(map);
        free(a->ifaces);
        a->ifaces = vals;
        a->ifaces_cap = n + 1;
        fr_strtab_clear(&a->iface_names);
        fr_ktab_clear(&a->iface_keys);
        a->iface_names = names;
        a->iface_keys = keys;
        (void)kept;
    }
    a->last_iface = NULL;
    return 0;
}

static int iface_shrink(fr_agg *a)
{
    return iface_resample(a, 0);
}

/* Counts a record of an interface outside the sample. */
static fr_err add_other(fr_agg *a, fr_topn *top, const fr_record *rec, int status, int action,
                        uint64_t pk, uint64_t by)
{
    iface_val *o = &a->other;
    int ok = status == FR_STATUS_OK;
    o->records++;
    o->ok += ok;
    o->nodata += status == FR_STATUS_NODATA;
    o->skipdata += status == FR_STATUS_SKIPDATA;
    o->accept += action == FR_ACTION_ACCEPT;
    o->reject += action == FR_ACTION_REJECT;
    sat_add(&o->packets, pk);
    sat_add(&o->bytes, by);
    a->last_iface = NULL;
    if (a->fc && fr_fcount_add(a->fc, rec, status, rec->iface, rec->iface_len))
        return FR_ERR_NOMEM;
    return ok ? fr_topn_add(top, rec, action, pk, by) : FR_OK;
}

fr_err fr_agg_add(fr_agg *a, fr_topn *top, const fr_record *rec, int tgw, fr_file_stats *fs)
{
    if (tgw) {
        fs->tgw_records++;
        return FR_OK;
    }
    if (!(rec->has & FR_HAS_START)) {
        fs->untimed++;
        return FR_OK;
    }
    int64_t start = rec->start;
    if ((a->o.since_set && start < a->o.since) || (a->o.until_set && start >= a->o.until)) {
        fs->excluded++;
        return FR_OK;
    }
    int64_t end = (rec->has & FR_HAS_END) ? rec->end : start;
    if (!fs->has_time || start < fs->first_start)
        fs->first_start = start;
    if (!fs->has_time || start > fs->last_start)
        fs->last_start = start;
    fs->has_time = 1;
    if (!a->has_time || start < a->min_start)
        a->min_start = start;
    if (!a->has_time || start > a->max_start)
        a->max_start = start;
    a->has_time = 1;

    int status = rec->status ? rec->status : FR_STATUS_OK;
    int ok = status == FR_STATUS_OK;
    /* NODATA/SKIPDATA records mark gaps; their action and counters (present
     * in some synthetic data) are ignored. */
    int action = ok ? rec->action : FR_ACTION_NONE;
    uint64_t pk = ok ? rec->packets : 0, by = ok ? rec->bytes : 0;
    int64_t widx = window_of(start, a->o.window);
    win_val *w = window_get(a, widx);
    if (!w)
        return FR_ERR_NOMEM;
    w->records++;
    w->ok += ok;
    w->nodata += status == FR_STATUS_NODATA;
    w->skipdata += status == FR_STATUS_SKIPDATA;
    /* --prorate: a record spanning windows has its numbers split below */
    int split = a->o.prorate && ok && end > start && window_of(end - 1, a->o.window) != widx;
    uint64_t wpk = split ? 0 : pk, wby = split ? 0 : by;
    sat_add(&w->packets, wpk);
    sat_add(&w->bytes, wby);
    if (action == FR_ACTION_ACCEPT) {
        w->accept++;
        sat_add(&w->accept_bytes, wby);
    } else if (action == FR_ACTION_REJECT) {
        w->reject++;
        sat_add(&w->reject_bytes, wby);
    }

    if (split && prorate(a, start, end, pk, by, action))
        return FR_ERR_NOMEM;
    if (rec->has & FR_HAS_IFACE) {
        long idx;
        iface_val *iv;
        if (a->last_iface && rec->iface_len == a->last_iface_len &&
            memcmp(rec->iface, a->last_iface, rec->iface_len) == 0) {
            idx = a->last_iface_idx;
            iv = &a->ifaces[idx];
        } else {
            iv = iface_get(a, rec->iface, rec->iface_len, &idx);
            if (!iv)
                return FR_ERR_NOMEM;
            if (idx < 0) /* outside the interfaces' sample: summed apart */
                return add_other(a, top, rec, status, action, pk, by);
            a->last_iface = a->iface_names.strs[idx];
            a->last_iface_len = rec->iface_len;
            a->last_iface_idx = idx;
            if (a->o.max_ifaces && a->iface_names.count > a->o.max_ifaces) {
                /* the new one may go: count this record again from the top */
                if (iface_shrink(a))
                    return FR_ERR_NOMEM;
                iv = iface_get(a, rec->iface, rec->iface_len, &idx);
                if (!iv)
                    return FR_ERR_NOMEM;
                if (idx < 0)
                    return add_other(a, top, rec, status, action, pk, by);
                a->last_iface = a->iface_names.strs[idx];
                a->last_iface_idx = idx;
            }
        }
        if (iv->records == 0 || start < iv->first_start)
            iv->first_start = start;
        if (iv->records == 0 || end > iv->last_end)
            iv->last_end = end;
        iv->records++;
        iv->ok += ok;
        iv->nodata += status == FR_STATUS_NODATA;
        iv->skipdata += status == FR_STATUS_SKIPDATA;
        iv->accept += action == FR_ACTION_ACCEPT;
        iv->reject += action == FR_ACTION_REJECT;
        sat_add(&iv->packets, pk);
        sat_add(&iv->bytes, by);
        if ((rec->has & FR_HAS_ACCOUNT) && account_min(iv, rec->account, rec->account_len))
            return FR_ERR_NOMEM;
        if (iv->last_widx != widx) {
            uint64_t key = ((uint64_t)idx << 32) | (uint32_t)widx;
            int created;
            if (!fr_ktab_upsert(&a->pairs, &key, fr_ktab_hash(&a->pairs, &key), &created))
                return FR_ERR_NOMEM;
            iv->last_widx = widx;
        }
        if (status == FR_STATUS_NODATA || status == FR_STATUS_SKIPDATA) {
            if (ivlist_add(&iv->gaps[status == FR_STATUS_SKIPDATA], start, end, 1))
                return FR_ERR_NOMEM;
        } else {
            /* records of one interface mostly come in time order and
             * overlap: extend the last interval when possible */
            ivlist *l = &iv->okiv;
            interval *last = l->n ? &l->v[l->n - 1] : NULL;
            if (last && start >= last->start && start <= last->end) {
                if (end > last->end)
                    last->end = end;
                last->records++;
            } else if (ivlist_add(l, start, end, 1)) {
                return FR_ERR_NOMEM;
            }
        }
        if (status == FR_STATUS_SKIPDATA && iv->last_skip_widx != widx) {
            uint64_t key = ((uint64_t)idx << 32) | (uint32_t)widx;
            int created;
            if (!fr_ktab_upsert(&a->skippairs, &key, fr_ktab_hash(&a->skippairs, &key), &created))
                return FR_ERR_NOMEM;
            iv->last_skip_widx = widx;
        }
        if (a->fc && fr_fcount_add(a->fc, rec, status, a->iface_names.strs[idx], rec->iface_len))
            return FR_ERR_NOMEM;
    } else if (a->fc && fr_fcount_add(a->fc, rec, status, "", 0)) {
        return FR_ERR_NOMEM;
    }
    return ok ? fr_topn_add(top, rec, action, pk, by) : FR_OK;
}

/* Adds n counters of src into dst (saturating). */
static inline void add_u64s(uint64_t *dst, const uint64_t *src, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sat_add(&dst[i], src[i]);
}

/* Merges every entry of a counter table (values are uint64 arrays). */
static fr_err merge_counters(fr_ktab *dst, const fr_ktab *src)
{
    for (size_t i = 0; i < src->count; i++) {
        const void *k = fr_ktab_key(src, i);
        int created;
        uint64_t *v = fr_ktab_upsert(dst, k, fr_ktab_hash(src, k), &created);
        if (!v)
            return FR_ERR_NOMEM;
        add_u64s(v, fr_ktab_val(src, i), src->val_size / sizeof(uint64_t));
    }
    return FR_OK;
}

fr_err fr_agg_merge(fr_agg *dst, fr_agg *src)
{
    fr_err err = fr_agg_merge_counts(dst, src);
    if (err == FR_OK && dst->fc && src->fc && fr_fcount_merge(dst->fc, src->fc))
        err = FR_ERR_NOMEM;
    return err;
}

void fr_agg_expect(fr_agg *a, size_t parts)
{
    a->parts = parts;
}

fr_err fr_agg_merge_counts(fr_agg *dst, fr_agg *src)
{

    if (src->has_time) {
        if (!dst->has_time || src->min_start < dst->min_start)
            dst->min_start = src->min_start;
        if (!dst->has_time || src->max_start > dst->max_start)
            dst->max_start = src->max_start;
        dst->has_time = 1;
    }
    dst->cache_win = NULL;
    dst->cache_widx = -1;
    if (merge_counters(&dst->windows, &src->windows))
        return FR_ERR_NOMEM;
    /* interfaces: map src indexes to dst indexes */
    if (src->iface_level > dst->iface_level && iface_resample(dst, src->iface_level))
        return FR_ERR_NOMEM;
    add_counts(&dst->other, &src->other);
    dst->last_iface = NULL;
    long *map = malloc((src->iface_names.count + 1) * sizeof *map);
    if (!map)
        return FR_ERR_NOMEM;
    fr_err err = FR_ERR_NOMEM;
    for (size_t i = 0; i < src->iface_names.count; i++) {
        const iface_val *s = &src->ifaces[i];
        long idx;
        iface_val *d = iface_get(dst, src->iface_names.strs[i], src->iface_names.lens[i], &idx);
        if (!d)
            goto done;
        map[i] = idx;
        if (idx < 0) { /* outside dst's sample */
            add_counts(&dst->other, s);
            continue;
        }
        if (d->records == 0 || s->first_start < d->first_start)
            d->first_start = s->first_start;
        if (d->records == 0 || s->last_end > d->last_end)
            d->last_end = s->last_end;
        add_counts(d, s);
        d->last_widx = -1;
        d->last_skip_widx = -1;
        if (s->account && account_min(d, s->account, s->account_len))
            goto done;
        for (int g = 0; g < 3; g++)
            if (ivlist_append(g < 2 ? &d->gaps[g] : &d->okiv, g < 2 ? &s->gaps[g] : &s->okiv,
                              dst->parts))
                goto done;
    }
    for (int p = 0; p < 2 && dst->parts > 1; p++) {
        fr_ktab *d = p ? &dst->skippairs : &dst->pairs;
        const fr_ktab *s = p ? &src->skippairs : &src->pairs;
        if (d->count == 0 && s->count && s->count <= SIZE_MAX / dst->parts &&
            fr_ktab_reserve(d, s->count * dst->parts))
            goto done;
    }
    for (size_t i = 0; i < src->pairs.count; i++) {
        uint64_t key;
        memcpy(&key, fr_ktab_key(&src->pairs, i), 8);
        if (map[key >> 32] < 0)
            continue;
        key = ((uint64_t)map[key >> 32] << 32) | (key & 0xffffffffu);
        int created;
        if (!fr_ktab_upsert(&dst->pairs, &key, fr_ktab_hash(&dst->pairs, &key), &created))
            goto done;
    }
    for (size_t i = 0; i < src->skippairs.count; i++) {
        uint64_t key;
        memcpy(&key, fr_ktab_key(&src->skippairs, i), 8);
        if (map[key >> 32] < 0)
            continue;
        key = ((uint64_t)map[key >> 32] << 32) | (key & 0xffffffffu);
        int created;
        if (!fr_ktab_upsert(&dst->skippairs, &key, fr_ktab_hash(&dst->skippairs, &key), &created))
            goto done;
    }
    if (dst->o.max_ifaces && dst->iface_names.count > dst->o.max_ifaces && iface_shrink(dst))
        goto done;
    err = FR_OK;
done:
    free(map);
    return err;
}

/* ---- state files (doc/STATE.md "aggregate") ---- */

/* Largest counts a state may declare; memory is taken as items arrive, so
 * these only stop absurd values early. */
#define MAX_ITEMS (UINT64_C(1) << 40)
#define MAX_IFACE_NAME 4096

/* A compact list: the first start, then each start as the distance from
 * the end before it (the intervals neither overlap nor touch), each end as
 * the length; a third of the bytes that absolute times take. */
static void save_ivlist(fr_swriter *w, const ivlist *l)
{
    fr_sw_u64(w, l->n);
    for (size_t k = 0; k < l->n; k++) {
        if (k)
            fr_sw_u64(w, (uint64_t)l->v[k].start - (uint64_t)l->v[k - 1].end);
        else
            fr_sw_i64(w, l->v[k].start);
        fr_sw_u64(w, (uint64_t)l->v[k].end - (uint64_t)l->v[k].start);
        fr_sw_u64(w, l->v[k].records);
    }
}

static int cmp_u64(const void *pa, const void *pb)
{
    uint64_t x = *(const uint64_t *)pa, y = *(const uint64_t *)pb;
    return (x > y) - (x < y);
}

static int cmp_i64_key(const void *ctx, size_t a, size_t b)
{
    const fr_ktab *t = ctx;
    int64_t x, y;
    memcpy(&x, fr_ktab_key(t, a), 8);
    memcpy(&y, fr_ktab_key(t, b), 8);
    return (x > y) - (x < y);
}

fr_err fr_agg_save(fr_agg *a, fr_swriter *w, uint64_t limit)
{
    /* everything in a fixed order (windows by index, interfaces by id), so
     * the same aggregate writes the same bytes at any thread count */
    size_t ni = a->iface_names.count, nw = a->windows.count;
    size_t *wo = malloc((nw ? nw : 1) * sizeof *wo);
    size_t *io = fr_strtab_order(&a->iface_names);
    uint64_t *pos = malloc((ni ? ni : 1) * sizeof *pos); /* old index -> written position */
    uint64_t *keys = NULL;
    fr_err err = FR_ERR_NOMEM;
    if (!wo || !io || !pos)
        goto done;
    for (size_t i = 0; i < nw; i++)
        wo[i] = i;
    if (fr_sort_index(wo, nw, cmp_i64_key, &a->windows))
        goto done;
    for (size_t i = 0; i < ni; i++)
        pos[io[i]] = i;
    fr_sw_u64(w, (uint64_t)a->has_time);
    fr_sw_i64(w, a->has_time ? a->min_start : 0);
    fr_sw_i64(w, a->has_time ? a->max_start : 0);
    fr_sw_u64(w, nw);
    for (size_t n = 0; n < nw; n++) {
        size_t i = wo[n];
        int64_t widx;
        memcpy(&widx, fr_ktab_key(&a->windows, i), 8);
        const win_val *v = fr_ktab_val(&a->windows, i);
        fr_sw_i64(w, widx);
        const uint64_t f[10] = {v->records,      v->ok,          v->accept,  v->reject,
                                v->nodata,       v->skipdata,    v->packets, v->bytes,
                                v->accept_bytes, v->reject_bytes};
        for (int k = 0; k < 10; k++)
            fr_sw_u64(w, f[k]);
    }
    fr_sw_u64(w, ni);
    for (size_t n = 0; n < ni; n++) {
        size_t i = io[n];
        iface_val *v = &a->ifaces[i];
        fr_sw_str(w, a->iface_names.strs[i], a->iface_names.lens[i]);
        fr_sw_optstr(w, v->account);
        const uint64_t f[8] = {v->records, v->ok,     v->nodata,  v->skipdata,
                               v->accept,  v->reject, v->packets, v->bytes};
        for (int k = 0; k < 8; k++)
            fr_sw_u64(w, f[k]);
        fr_sw_i64(w, v->first_start);
        fr_sw_i64(w, v->last_end);
        for (int g = 0; g < 3; g++) {
            ivlist *l = g < 2 ? &v->gaps[g] : &v->okiv;
            reduce_ivlist_compact(l);
            save_ivlist(w, l);
        }
    }
    for (int p = 0; p < 2; p++) {
        const fr_ktab *t = p ? &a->skippairs : &a->pairs;
        free(keys);
        if (!(keys = malloc((t->count ? t->count : 1) * sizeof *keys)))
            goto done;
        for (size_t i = 0; i < t->count; i++) {
            uint64_t key;
            memcpy(&key, fr_ktab_key(t, i), 8);
            keys[i] = pos[key >> 32] << 32 | (key & 0xffffffffu);
        }
        if (t->count > 1)
            qsort(keys, t->count, sizeof *keys, cmp_u64);
        fr_sw_u64(w, t->count);
        for (size_t i = 0; i < t->count; i++) {
            fr_sw_u64(w, keys[i] >> 32);
            fr_sw_u64(w, keys[i] & 0xffffffffu);
        }
    }
    fr_sw_u64(w, (uint64_t)a->iface_level);
    const iface_val *o = &a->other;
    const uint64_t of[8] = {o->records, o->ok,     o->nodata,  o->skipdata,
                            o->accept,  o->reject, o->packets, o->bytes};
    for (int k = 0; k < 8; k++)
        fr_sw_u64(w, of[k]);
    fr_sw_u64(w, a->fc != NULL);
    err = a->fc ? fr_fcount_save(a->fc, w, limit) : FR_OK;
done:
    free(wo);
    free(io);
    free(pos);
    free(keys);
    return err;
}

/* The window index (of a->o.window) of old window index widx of `window`. */
static int64_t rebucket(const fr_agg *a, int64_t widx, int64_t window)
{
    return window == a->o.window ? widx : window_of(widx * window, a->o.window);
}

static fr_err load_ivlist(fr_sreader *r, ivlist *l, unsigned version)
{
    uint64_t n = fr_sr_count(r, MAX_ITEMS, "intervals");
    /* sized once: an interval takes 3 bytes at least, so a damaged count
     * reserves no more than the body could fill */
    uint64_t fit = fr_sr_left(r) / 3;
    if (ivlist_reserve(l, (size_t)(n < fit ? n : fit)))
        return FR_ERR_NOMEM;
    int64_t prev_end = 0;
    for (uint64_t k = 0; k < n && !fr_sr_failed(r); k++) {
        int64_t s, e;
        if (version < 2) { /* absolute start and end */
            s = fr_sr_i64(r);
            e = fr_sr_i64(r);
        } else { /* distance from the end before, length */
            int64_t base = k ? prev_end : fr_sr_i64(r);
            uint64_t gap = k ? fr_sr_u64(r) : 0, len = fr_sr_u64(r);
            if (__builtin_add_overflow(base, gap, &s) || __builtin_add_overflow(s, len, &e)) {
                fr_sr_fail(r, "an interval ends after the largest time");
                break;
            }
            prev_end = e;
        }
        uint64_t rec = fr_sr_u64(r);
        if (fr_sr_failed(r))
            break;
        if (e < s) {
            fr_sr_fail(r, "an interval ends before it starts");
            break;
        }
        if (ivlist_add(l, s, e, rec))
            return FR_ERR_NOMEM;
    }
    return fr_sr_failed(r) ? FR_ERR_FORMAT : FR_OK;
}

fr_err fr_agg_load(fr_agg *a, fr_sreader *r, int64_t window, fr_agg *findings_into,
                   unsigned version)
{
    if (window <= 0 || a->o.window % window != 0) {
        fr_sr_fail(r, "window %lld s does not divide the report's %lld s", (long long)window,
                   (long long)a->o.window);
        return FR_ERR_FORMAT;
    }
    int has_time = (int)fr_sr_count(r, 1, "time flag");
    int64_t mn = fr_sr_i64(r), mx = fr_sr_i64(r);
    if (has_time) {
        a->has_time = 1;
        a->min_start = mn;
        a->max_start = mx;
    }
    uint64_t nw = fr_sr_count(r, MAX_ITEMS, "windows");
    int64_t prev_widx = 0;
    for (uint64_t i = 0; i < nw && !fr_sr_failed(r); i++) {
        int64_t widx = fr_sr_i64(r);
        uint64_t f[10];
        for (int k = 0; k < 10; k++)
            f[k] = fr_sr_u64(r);
        if (fr_sr_failed(r))
            break;
        if (widx < INT64_MIN / window || widx > INT64_MAX / window) {
            fr_sr_fail(r, "window index %lld is out of range", (long long)widx);
            break;
        }
        if (i && widx <= prev_widx) { /* written in order */
            fr_sr_fail(r, "windows are out of order or listed twice");
            break;
        }
        prev_widx = widx;
        win_val *v = window_get(a, rebucket(a, widx, window));
        if (!v)
            return FR_ERR_NOMEM;
        uint64_t *d[10] = {&v->records,      &v->ok,          &v->accept,  &v->reject,
                           &v->nodata,       &v->skipdata,    &v->packets, &v->bytes,
                           &v->accept_bytes, &v->reject_bytes};
        for (int k = 0; k < 10; k++)
            sat_add(d[k], f[k]);
    }
    a->cache_win = NULL;
    a->cache_widx = -1;
    uint64_t ni = fr_sr_count(r, UINT32_MAX, "interfaces");
    for (uint64_t i = 0; i < ni && !fr_sr_failed(r); i++) {
        size_t len;
        char *name = fr_sr_str(r, MAX_IFACE_NAME, &len);
        char *account = NULL;
        if (!name || fr_sr_optstr(r, MAX_IFACE_NAME, &account)) {
            free(name);
            break;
        }
        if (i) { /* written by id: each after the one before */
            size_t pl = a->iface_names.lens[i - 1];
            int c = memcmp(a->iface_names.strs[i - 1], name, pl < len ? pl : len);
            if (c > 0 || (c == 0 && pl >= len)) {
                free(name);
                free(account);
                fr_sr_fail(r, "interfaces are out of order or listed twice");
                break;
            }
        }
        long idx;
        size_t before = a->iface_names.count;
        iface_val *v = iface_get(a, name, len, &idx);
        free(name);
        if (!v) {
            free(account);
            return FR_ERR_NOMEM;
        }
        if (a->iface_names.count == before || (uint64_t)idx != i) {
            free(account);
            fr_sr_fail(r, "interface %llu is listed twice", (unsigned long long)i);
            break;
        }
        v->account = account;
        v->account_len = account ? strlen(account) : 0;
        uint64_t *d[8] = {&v->records, &v->ok,     &v->nodata,  &v->skipdata,
                          &v->accept,  &v->reject, &v->packets, &v->bytes};
        for (int k = 0; k < 8; k++)
            *d[k] = fr_sr_u64(r);
        v->first_start = fr_sr_i64(r);
        v->last_end = fr_sr_i64(r);
        for (int g = 0; g < 3; g++) {
            fr_err e = load_ivlist(r, g < 2 ? &v->gaps[g] : &v->okiv, version);
            if (e == FR_ERR_NOMEM)
                return e;
        }
    }
    for (int p = 0; p < 2 && !fr_sr_failed(r); p++) {
        fr_ktab *t = p ? &a->skippairs : &a->pairs;
        uint64_t n = fr_sr_count(r, MAX_ITEMS, "interface windows");
        uint64_t prev = 0;
        for (uint64_t i = 0; i < n && !fr_sr_failed(r); i++) {
            uint64_t idx = fr_sr_u64(r), widx = fr_sr_u64(r);
            if (fr_sr_failed(r))
                break;
            if (idx >= ni || widx > UINT32_MAX) {
                fr_sr_fail(r, "an interface window names no interface");
                break;
            }
            if (i && (idx << 32 | widx) <= prev) {
                fr_sr_fail(r, "interface windows are out of order or listed twice");
                break;
            }
            prev = idx << 32 | widx;
            int64_t nwidx = rebucket(a, (int64_t)widx, window);
            uint64_t key = (idx << 32) | (uint32_t)nwidx;
            int created;
            if (!fr_ktab_upsert(t, &key, fr_ktab_hash(t, &key), &created))
                return FR_ERR_NOMEM;
        }
    }
    a->iface_level = (int)fr_sr_count(r, 63, "interface sampling level");
    {
        iface_val *o = &a->other;
        uint64_t *d[8] = {&o->records, &o->ok,     &o->nodata,  &o->skipdata,
                          &o->accept,  &o->reject, &o->packets, &o->bytes};
        for (int k = 0; k < 8; k++)
            *d[k] = fr_sr_u64(r);
    }
    for (size_t i = 0; i < a->iface_names.count && a->iface_level && !fr_sr_failed(r); i++)
        if (!iface_sampled(a->iface_level, a->iface_names.strs[i], a->iface_names.lens[i]))
            fr_sr_fail(r, "an interface is outside the state's own sample");
    int has_fc = (int)fr_sr_count(r, 1, "findings flag");
    if (fr_sr_failed(r))
        return FR_ERR_FORMAT;
    if (has_fc != (a->fc != NULL)) {
        fr_sr_fail(r, "the findings' counters are %s", has_fc ? "unexpected" : "missing");
        return FR_ERR_FORMAT;
    }
    if (a->fc) {
        fr_agg *into = findings_into ? findings_into : a;
        if (!into->fc) {
            fr_sr_fail(r, "the findings' counters are unexpected");
            return FR_ERR_FORMAT;
        }
        fr_err e = fr_fcount_load(into->fc, r);
        if (e != FR_OK)
            return e;
    }
    return fr_sr_failed(r) ? FR_ERR_FORMAT : FR_OK;
}

int fr_agg_time_range(const fr_agg *a, int64_t *min_start, int64_t *max_start)
{
    *min_start = a->has_time ? a->min_start : 0;
    *max_start = a->has_time ? a->max_start : 0;
    return a->has_time;
}
