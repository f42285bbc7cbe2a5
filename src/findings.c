/* SPDX-License-Identifier: MIT */
/* findings: counting for the audit rules and the findings they make. */
#include "fr_findings.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fr_hash.h"

enum { T_ADMIN, T_EGRESS, T_SCAN, T_SWEEP, T_COUNT };
static const size_t subj_words[T_COUNT] = {4, 1, 6, 3};

/* What a subject accumulates. */
typedef struct stats {
    int64_t first, last;
    uint64_t records, packets, bytes, distinct;
} stats;

#define DKEY_WORDS 8

struct fr_fcount {
    const fr_audit_opts *o;
    fr_strtab ifaces; /* names -> index in the keys */
    fr_ktab subj[T_COUNT];
    fr_ktab distinct; /* (tag, subject, value) */
    int level; /* sampling: pairs kept when the hash's top `level` bits are 0 */
    /* port-scan and host-sweep subjects past the budget: only sources whose
     * address hash has its top `slevel` bits zero are followed */
    int slevel;
};

static inline void sat_add(uint64_t *x, uint64_t v)
{
    if (__builtin_add_overflow(*x, v, x))
        *x = UINT64_MAX;
}

void fr_audit_opts_default(fr_audit_opts *o)
{
    memset(o, 0, sizeof *o);
    o->silent_gap = FR_SILENT_GAP;
    fr_audit_parse_ports(FR_ADMIN_PORTS, o->admin_ports);
    o->egress_threshold = 1ULL << 30;
    o->scan_ports = 100;
    o->sweep_hosts = 50;
    o->spike_factor = 5;
    o->spike_min = 1000;
}

int fr_audit_parse_ports(const char *s, uint8_t bitmap[8192])
{
    memset(bitmap, 0, 8192);
    int any = 0;
    while (*s) {
        const char *e = strchr(s, ',');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        uint64_t v;
        if (!fr_parse_u64(s, len, &v) || v > 65535)
            return 0;
        bitmap[v >> 3] |= (uint8_t)(1u << (v & 7));
        any = 1;
        s += len + (e != NULL);
        if (e && !*s)
            return 0;
    }
    return any;
}

int fr_cidr_parse(fr_cidr *c, const char *s)
{
    const char *slash = strchr(s, '/');
    if (!slash || !fr_addr_parse(&c->net, s, (size_t)(slash - s)))
        return 0;
    uint64_t bits;
    if (!fr_parse_u64(slash + 1, strlen(slash + 1), &bits) ||
        bits > (c->net.family == 4 ? 32u : 128u))
        return 0;
    c->bits = (int)bits;
    return 1;
}

int fr_cidr_contains(const fr_cidr *c, const fr_addr *a)
{
    if (a->family != c->net.family)
        return 0;
    int full = c->bits / 8, rest = c->bits % 8;
    if (memcmp(a->b, c->net.b, (size_t)full) != 0)
        return 0;
    if (rest == 0)
        return 1;
    uint8_t mask = (uint8_t)(0xff << (8 - rest));
    return (a->b[full] & mask) == (c->net.b[full] & mask);
}

int fr_addr_is_internal(const fr_addr *a, const fr_audit_opts *o)
{
    const uint8_t *b = a->b;
    if (a->family == 4) {
        if (b[0] == 10 || b[0] == 127 || (b[0] == 172 && (b[1] & 0xf0) == 16) ||
            (b[0] == 192 && b[1] == 168) || (b[0] == 100 && (b[1] & 0xc0) == 64) ||
            (b[0] == 169 && b[1] == 254))
            return 1;
    } else if (a->family == 6) {
        static const uint8_t loop[16] = {[15] = 1};
        if (memcmp(b, loop, 16) == 0 || (b[0] & 0xfe) == 0xfc ||
            (b[0] == 0xfe && (b[1] & 0xc0) == 0x80))
            return 1;
    } else {
        return 0;
    }
    for (size_t i = 0; o && i < o->n_vpc_cidrs; i++)
        if (fr_cidr_contains(&o->vpc_cidrs[i], a))
            return 1;
    return 0;
}

static void put_addr(uint64_t *w, const fr_addr *a)
{
    memset(w, 0, 24);
    memcpy(w, a, sizeof *a);
}

fr_fcount *fr_fcount_new(const fr_audit_opts *o)
{
    fr_fcount *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->o = o;
    int bad = fr_strtab_init(&c->ifaces) || fr_ktab_init(&c->distinct, DKEY_WORDS * 8, 0);
    for (int t = 0; t < T_COUNT; t++)
        bad = bad || fr_ktab_init(&c->subj[t], subj_words[t] * 8, sizeof(stats));
    if (bad) {
        fr_fcount_free(c);
        return NULL;
    }
    return c;
}

void fr_fcount_free(fr_fcount *c)
{
    if (!c)
        return;
    fr_strtab_clear(&c->ifaces);
    for (int t = 0; t < T_COUNT; t++)
        fr_ktab_clear(&c->subj[t]);
    fr_ktab_clear(&c->distinct);
    free(c);
}

/* The hash that decides whether a distinct pair is in the sample: of the
 * pair with its interface named by its id, not by its position in c (which
 * depends on the order records arrived in), so that the sample, like the
 * level, depends on the data alone. */
static uint64_t pair_hash(const fr_fcount *c, const uint64_t *key)
{
    if (key[0] != T_ADMIN)
        return fr_hash_words(key, DKEY_WORDS);
    uint64_t k[DKEY_WORDS];
    memcpy(k, key, sizeof k);
    size_t idx = (size_t)(key[1] >> 32);
    k[1] = fr_hash_bytes(c->ifaces.strs[idx], c->ifaces.lens[idx]) ^ (key[1] & 0xffffffffu);
    return fr_hash_words(k, DKEY_WORDS);
}

/* 1 when distinct pair `key` is kept at c's sampling level. */
static inline int sampled(const fr_fcount *c, const uint64_t *key)
{
    return c->level == 0 || (pair_hash(c, key) >> (64 - c->level)) == 0;
}

static int keep_sampled(const void *key, const void *val, void *ctx)
{
    (void)val;
    return sampled(ctx, key);
}

/* Raises c's pair sampling level to `level`, dropping the pairs it no
 * longer keeps. Returns 0 (it cannot fail: the table thins in place). */
static int raise_level(fr_fcount *c, int level)
{
    if (level <= c->level)
        return 0;
    c->level = level;
    fr_ktab_filter(&c->distinct, keep_sampled, c);
    return 0;
}

/* Raises the sampling level until the distinct pairs fit the budget.
 * Returns 0 or -1. */
static int shrink(fr_fcount *c)
{
    size_t budget = c->o->distinct_budget;
    while (budget && c->distinct.count > budget && c->level < 63)
        if (raise_level(c, c->level + 1))
            return -1;
    return 0;
}

/* 1 when the source address in the three words at src is followed at
 * source sampling level `slevel`. */
static inline int src_sampled(int slevel, const uint64_t *src)
{
    return slevel == 0 || (fr_hash_words(src, 3) >> (64 - slevel)) == 0;
}

/* 1 when distinct pair `key` belongs to a followed source (admin-port
 * pairs always do: their subjects are bounded by interfaces and ports). */
static inline int pair_followed(int slevel, const uint64_t *key)
{
    return key[0] == T_ADMIN || src_sampled(slevel, key + 1);
}

static int keep_subject(const void *key, const void *val, void *ctx)
{
    (void)val;
    return src_sampled(*(const int *)ctx, key);
}

static int keep_followed(const void *key, const void *val, void *ctx)
{
    (void)val;
    return pair_followed(*(const int *)ctx, key);
}

/* Raises the source sampling level to at least `level`, then until the
 * port-scan and host-sweep subjects fit the budget, dropping the subjects
 * and pairs of sources no longer followed. Returns 0 (the tables thin in
 * place). */
static int sresample(fr_fcount *c, int level)
{
    size_t budget = c->o->distinct_budget;
    int from = c->slevel;
    while (c->slevel < 63 &&
           (c->slevel < level ||
            (budget && c->subj[T_SCAN].count + c->subj[T_SWEEP].count > budget))) {
        c->slevel++;
        for (int t = T_SCAN; t <= T_SWEEP; t++)
            fr_ktab_filter(&c->subj[t], keep_subject, &c->slevel);
    }
    if (c->slevel > from)
        fr_ktab_filter(&c->distinct, keep_followed, &c->slevel);
    return 0;
}

/* Counts a distinct pair (already laid out in key). Returns 0 or -1. */
static int add_pair(fr_fcount *c, const uint64_t *key)
{
    if (!sampled(c, key))
        return 0;
    uint64_t h = fr_ktab_hash(&c->distinct, key);
    int created;
    if (!fr_ktab_upsert(&c->distinct, key, h, &created))
        return -1;
    return created && c->o->distinct_budget && c->distinct.count > c->o->distinct_budget ? shrink(c)
                                                                                         : 0;
}

/* Adds one record's numbers to a subject. Returns 0 or -1. */
static int add_subject(fr_fcount *c, int t, const uint64_t *key, const fr_record *rec, int64_t end)
{
    int created;
    stats *s = fr_ktab_upsert(&c->subj[t], key, fr_ktab_hash(&c->subj[t], key), &created);
    if (!s)
        return -1;
    if (s->records == 0 || rec->start < s->first)
        s->first = rec->start;
    if (s->records == 0 || end > s->last)
        s->last = end;
    s->records++;
    sat_add(&s->packets, rec->packets);
    sat_add(&s->bytes, rec->bytes);
    return 0;
}

int fr_fcount_add(fr_fcount *c, const fr_record *rec, int status, const char *iface, size_t len)
{
    if (status != FR_STATUS_OK || !(rec->has & FR_HAS_SRCADDR) || !(rec->has & FR_HAS_DSTADDR))
        return 0;
    int64_t end = (rec->has & FR_HAS_END) ? rec->end : rec->start;
    const fr_audit_opts *o = c->o;
    uint64_t key[DKEY_WORDS];
    if (rec->action == FR_ACTION_ACCEPT) {
        int src_int = fr_addr_is_internal(&rec->src, o);
        int dst_int = fr_addr_is_internal(&rec->dst, o);
        int admin = !src_int && (rec->has & FR_HAS_DSTPORT) && (rec->has & FR_HAS_PROTOCOL) &&
            (rec->protocol == 6 || rec->protocol == 17) &&
            (o->admin_ports[rec->dstport >> 3] & (1u << (rec->dstport & 7)));
        if (!admin && !(src_int && !dst_int))
            return 0;
        int created;
        long idx = fr_strtab_intern(&c->ifaces, iface, len, &created);
        if (idx < 0)
            return -1;
        if (admin) {
            memset(key, 0, sizeof key);
            key[0] = T_ADMIN;
            key[1] = (uint64_t)idx << 32 | (uint64_t)rec->protocol << 16 | rec->dstport;
            put_addr(key + 2, &rec->dst);
            put_addr(key + 5, &rec->src);
            if (add_subject(c, T_ADMIN, key + 1, rec, end) || add_pair(c, key))
                return -1;
        }
        if (src_int && !dst_int) {
            uint64_t k = (uint64_t)idx;
            if (add_subject(c, T_EGRESS, &k, rec, end))
                return -1;
        }
        return 0;
    }
    if (rec->action != FR_ACTION_REJECT)
        return 0;
    memset(key, 0, sizeof key);
    key[0] = T_SWEEP;
    put_addr(key + 1, &rec->src);
    if (!src_sampled(c->slevel, key + 1))
        return 0; /* a source not followed past the budget */
    put_addr(key + 4, &rec->dst);
    if (add_subject(c, T_SWEEP, key + 1, rec, end) || add_pair(c, key))
        return -1;
    if (rec->has & FR_HAS_DSTPORT) {
        key[0] = T_SCAN;
        key[7] = rec->dstport;
        if (add_subject(c, T_SCAN, key + 1, rec, end) || add_pair(c, key))
            return -1;
    }
    if (c->o->distinct_budget &&
        c->subj[T_SCAN].count + c->subj[T_SWEEP].count > c->o->distinct_budget)
        return sresample(c, 0);
    return 0;
}

/* Rewrites the interface index in a key of tag t through map. */
static void remap(int t, uint64_t *subject, const long *map)
{
    if (t == T_ADMIN)
        subject[0] = (uint64_t)map[subject[0] >> 32] << 32 | (subject[0] & 0xffffffffu);
    else if (t == T_EGRESS)
        subject[0] = (uint64_t)map[subject[0]];
}

int fr_fcount_merge(fr_fcount *dst, const fr_fcount *src)
{
    long *map = malloc((src->ifaces.count + 1) * sizeof *map);
    if (!map)
        return -1;
    int rc = -1;
    if (src->slevel > dst->slevel && sresample(dst, src->slevel))
        goto done;
    for (size_t i = 0; i < src->ifaces.count; i++) {
        int created;
        map[i] = fr_strtab_intern(&dst->ifaces, src->ifaces.strs[i], src->ifaces.lens[i], &created);
        if (map[i] < 0)
            goto done;
    }
    for (int t = 0; t < T_COUNT; t++)
        for (size_t i = 0; i < src->subj[t].count; i++) {
            uint64_t key[6];
            memcpy(key, fr_ktab_key(&src->subj[t], i), subj_words[t] * 8);
            remap(t, key, map);
            if ((t == T_SCAN || t == T_SWEEP) && !src_sampled(dst->slevel, key))
                continue;
            const stats *s = fr_ktab_val(&src->subj[t], i);
            int created;
            stats *d =
                fr_ktab_upsert(&dst->subj[t], key, fr_ktab_hash(&dst->subj[t], key), &created);
            if (!d)
                goto done;
            if (d->records == 0 || s->first < d->first)
                d->first = s->first;
            if (d->records == 0 || s->last > d->last)
                d->last = s->last;
            d->records += s->records;
            sat_add(&d->packets, s->packets);
            sat_add(&d->bytes, s->bytes);
        }
    if (raise_level(dst, src->level)) /* then drop what that level does not keep */
        goto done;
    for (size_t i = 0; i < src->distinct.count; i++) {
        uint64_t key[DKEY_WORDS];
        memcpy(key, fr_ktab_key(&src->distinct, i), sizeof key);
        remap((int)key[0], key + 1, map);
        if (!pair_followed(dst->slevel, key))
            continue;
        if (add_pair(dst, key))
            goto done;
    }
    if (sresample(dst, 0))
        goto done;
    rc = 0;
done:
    free(map);
    return rc;
}

/* ---- state files (doc/STATE.md "findings") ---- */

/* Remapped keys of `words` words each, compared as bytes (state order). */
typedef struct keyrows {
    const uint64_t *k;
    size_t words;
} keyrows;

static int cmp_keyrows(const void *ctx, size_t a, size_t b)
{
    const keyrows *r = ctx;
    return memcmp(r->k + a * r->words, r->k + b * r->words, r->words * 8);
}

/* Copies the keys of t (remapped through map for tag `tag`, -1: none) and
 * returns them with an index array in byte order; NULL when out of memory. */
static size_t *ordered_keys(const fr_ktab *t, size_t words, int tag, const long *map,
                            uint64_t **keys_out)
{
    size_t n = t->count;
    uint64_t *keys = malloc((n ? n : 1) * words * 8);
    size_t *idx = malloc((n ? n : 1) * sizeof *idx);
    if (!keys || !idx) {
        free(keys);
        free(idx);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        memcpy(keys + i * words, fr_ktab_key(t, i), words * 8);
        if (tag >= 0)
            remap(tag, keys + i * words, map);
        else /* a distinct pair: its own tag, then the subject */
            remap((int)keys[i * words], keys + i * words + 1, map);
        idx[i] = i;
    }
    keyrows kr = {keys, words};
    if (fr_sort_index(idx, n, cmp_keyrows, &kr)) {
        free(keys);
        free(idx);
        return NULL;
    }
    *keys_out = keys;
    return idx;
}

/* Leading zero bits of h (64 for 0): an item is kept at sampling level L
 * when this is at least L. */
static inline int lead0(uint64_t h)
{
    return h ? __builtin_clzll(h) : 64;
}

/* The lowest level from `from` (at most 63) at which at most `limit` of the
 * items fall in the sample, from hist[z] = items with z leading zeros. */
static int level_for(const size_t hist[65], int from, uint64_t limit)
{
    size_t kept = 0;
    for (int z = from; z <= 64; z++)
        kept += hist[z];
    int level = from;
    while (level < 63 && kept > limit)
        kept -= hist[level++];
    return level;
}

/* --state-keys: the sampling levels a capped state is saved at (at most
 * `limit` port-scan and host-sweep subjects, then at most `limit` distinct
 * pairs), and which pairs it keeps (keep[i] for c->distinct's entry i).
 * Returns 0 or -1 (memory). */
static int cap_levels(const fr_fcount *c, uint64_t limit, int *slevel, int *level, uint8_t **keep)
{
    *slevel = c->slevel;
    *level = c->level;
    *keep = NULL;
    if (!limit)
        return 0;
    size_t hist[65] = {0};
    for (int t = T_SCAN; t <= T_SWEEP; t++)
        for (size_t i = 0; i < c->subj[t].count; i++)
            hist[lead0(fr_hash_words(fr_ktab_key(&c->subj[t], i), 3))]++;
    *slevel = level_for(hist, c->slevel, limit);
    /* each followed pair's leading zero bits, 0xff for the others: kept
     * at level L when at least L */
    size_t n = c->distinct.count;
    uint8_t *k = malloc(n ? n : 1);
    if (!k)
        return -1;
    memset(hist, 0, sizeof hist);
    for (size_t i = 0; i < n; i++) {
        const uint64_t *key = fr_ktab_key(&c->distinct, i);
        k[i] = pair_followed(*slevel, key) ? (uint8_t)lead0(pair_hash(c, key)) : 0xff;
        if (k[i] != 0xff)
            hist[k[i]]++;
    }
    *level = level_for(hist, c->level, limit);
    for (size_t i = 0; i < n; i++)
        k[i] = k[i] != 0xff && k[i] >= *level;
    *keep = k;
    return 0;
}

fr_err fr_fcount_save(const fr_fcount *c, fr_swriter *w, uint64_t limit)
{
    /* interfaces by id and keys by bytes, so the same counters write the
     * same bytes whatever order they were built in */
    size_t ni = c->ifaces.count;
    size_t *io = fr_strtab_order(&c->ifaces);
    long *map = malloc((ni ? ni : 1) * sizeof *map);
    if (!io || !map) {
        free(io);
        free(map);
        return FR_ERR_NOMEM;
    }
    for (size_t i = 0; i < ni; i++)
        map[io[i]] = (long)i;
    int level, slevel;
    uint8_t *keep;
    if (cap_levels(c, limit, &slevel, &level, &keep)) {
        free(io);
        free(map);
        return FR_ERR_NOMEM;
    }
    fr_sw_u64(w, (uint64_t)level);
    fr_sw_u64(w, (uint64_t)slevel);
    fr_sw_u64(w, ni);
    for (size_t n = 0; n < ni; n++)
        fr_sw_str(w, c->ifaces.strs[io[n]], c->ifaces.lens[io[n]]);
    fr_err err = FR_ERR_NOMEM;
    for (int t = 0; t < T_COUNT; t++) {
        uint64_t *keys;
        size_t *idx = ordered_keys(&c->subj[t], subj_words[t], t, map, &keys);
        if (!idx)
            goto done;
        size_t count = c->subj[t].count;
        if ((t == T_SCAN || t == T_SWEEP) && slevel > c->slevel) { /* unfollowed sources leave */
            size_t kept = 0;
            for (size_t n = 0; n < count; n++)
                if (src_sampled(slevel, keys + idx[n] * subj_words[t]))
                    idx[kept++] = idx[n];
            count = kept;
        }
        fr_sw_u64(w, count);
        for (size_t n = 0; n < count; n++) {
            fr_sw_bytes(w, keys + idx[n] * subj_words[t], subj_words[t] * 8);
            const stats *st = fr_ktab_val(&c->subj[t], idx[n]);
            fr_sw_i64(w, st->first);
            fr_sw_i64(w, st->last);
            fr_sw_u64(w, st->records);
            fr_sw_u64(w, st->packets);
            fr_sw_u64(w, st->bytes);
            fr_sw_u64(w, st->distinct);
        }
        free(keys);
        free(idx);
    }
    uint64_t *keys;
    size_t *idx = ordered_keys(&c->distinct, DKEY_WORDS, -1, map, &keys);
    if (!idx)
        goto done;
    size_t count = c->distinct.count;
    if (keep) {
        size_t kept = 0;
        for (size_t n = 0; n < count; n++)
            if (keep[idx[n]])
                idx[kept++] = idx[n];
        count = kept;
    }
    fr_sw_u64(w, count);
    for (size_t n = 0; n < count; n++)
        fr_sw_bytes(w, keys + idx[n] * DKEY_WORDS, DKEY_WORDS * 8);
    free(keys);
    free(idx);
    err = FR_OK;
done:
    free(keep);
    free(io);
    free(map);
    return err;
}

/* 1 when the three words at w hold an address as put_addr lays it out. */
static int addr_ok(const uint64_t *w)
{
    const uint8_t *b = (const uint8_t *)w;
    if (b[0] != 4 && b[0] != 6)
        return 0;
    for (size_t i = sizeof(fr_addr); i < 24; i++)
        if (b[i])
            return 0;
    return 1;
}

/* 1 when a subject key of tag t is well formed for n interfaces. */
static int subject_ok(int t, const uint64_t *k, size_t n)
{
    switch (t) {
    case T_ADMIN: return (k[0] >> 32) < n && ((k[0] >> 16) & 0xffff) <= 255 && addr_ok(k + 1);
    case T_EGRESS: return k[0] < n;
    case T_SCAN: return addr_ok(k) && addr_ok(k + 3);
    default: return addr_ok(k);
    }
}

fr_err fr_fcount_load(fr_fcount *c, fr_sreader *r)
{
    /* merged straight into c, like fr_fcount_merge, without a table of
     * the state's own: every key is hashed once */
    int level = (int)fr_sr_count(r, 63, "sampling level");
    int slevel = (int)fr_sr_count(r, 63, "source sampling level");
    uint64_t ni = fr_sr_count(r, UINT32_MAX, "finding interfaces");
    if (fr_sr_failed(r))
        return FR_ERR_FORMAT;
    if (sresample(c, slevel) || raise_level(c, level))
        return FR_ERR_NOMEM;
    long *map = NULL;
    size_t map_cap = 0;
    char *prev = NULL;
    size_t prev_len = 0;
    fr_err err = FR_ERR_NOMEM;
    for (uint64_t i = 0; i < ni && !fr_sr_failed(r); i++) {
        if (i == map_cap) { /* grown as names arrive, not from the count */
            size_t cap = map_cap ? map_cap * 2 : 64;
            long *m = realloc(map, cap * sizeof *m);
            if (!m)
                goto done;
            map = m;
            map_cap = cap;
        }
        size_t len;
        char *name = fr_sr_str(r, 4096, &len);
        if (!name)
            break;
        size_t m = len < prev_len ? len : prev_len;
        int c0 = prev ? memcmp(prev, name, m) : -1;
        if (prev && (c0 > 0 || (c0 == 0 && prev_len >= len))) {
            free(name);
            fr_sr_fail(r, "finding interfaces are out of order or listed twice");
            break;
        }
        int created;
        map[i] = fr_strtab_intern(&c->ifaces, name, len, &created);
        free(prev);
        prev = name;
        prev_len = len;
        if (map[i] < 0)
            goto done;
    }
    for (int t = 0; t < T_COUNT && !fr_sr_failed(r); t++) {
        uint64_t n = fr_sr_count(r, UINT64_C(1) << 40, "finding subjects");
        uint64_t fit = fr_sr_left(r) / (subj_words[t] * 8 + 6), add = n < fit ? n : fit;
        if (!c->subj[t].count && !fr_sr_failed(r) && fr_ktab_reserve(&c->subj[t], (size_t)add))
            goto done;
        uint64_t last[6];
        for (uint64_t i = 0; i < n && !fr_sr_failed(r); i++) {
            uint64_t key[6];
            stats st;
            fr_sr_bytes(r, key, subj_words[t] * 8);
            st.first = fr_sr_i64(r);
            st.last = fr_sr_i64(r);
            st.records = fr_sr_u64(r);
            st.packets = fr_sr_u64(r);
            st.bytes = fr_sr_u64(r);
            st.distinct = fr_sr_u64(r);
            if (fr_sr_failed(r))
                break;
            if (!subject_ok(t, key, (size_t)ni) ||
                ((t == T_SCAN || t == T_SWEEP) && !src_sampled(slevel, key))) {
                fr_sr_fail(r, "a finding subject is malformed");
                break;
            }
            if (i && memcmp(last, key, subj_words[t] * 8) >= 0) {
                fr_sr_fail(r, "finding subjects are out of order or listed twice");
                break;
            }
            memcpy(last, key, subj_words[t] * 8);
            remap(t, key, map);
            if ((t == T_SCAN || t == T_SWEEP) && !src_sampled(c->slevel, key))
                continue;
            int created;
            stats *d = fr_ktab_upsert(&c->subj[t], key, fr_ktab_hash(&c->subj[t], key), &created);
            if (!d)
                goto done;
            if (created || st.first < d->first)
                d->first = st.first;
            if (created || st.last > d->last)
                d->last = st.last;
            d->records += st.records;
            sat_add(&d->packets, st.packets);
            sat_add(&d->bytes, st.bytes);
        }
    }
    uint64_t nd = fr_sr_count(r, UINT64_C(1) << 40, "distinct pairs");
    uint64_t fit = fr_sr_left(r) / (DKEY_WORDS * 8), add = nd < fit ? nd : fit;
    if (c->o->distinct_budget && add > c->o->distinct_budget)
        add = c->o->distinct_budget;
    if (!c->distinct.count && !fr_sr_failed(r) && fr_ktab_reserve(&c->distinct, (size_t)add + 1))
        goto done;
    uint64_t last[DKEY_WORDS];
    for (uint64_t i = 0; i < nd && !fr_sr_failed(r); i++) {
        uint64_t key[DKEY_WORDS];
        if (fr_sr_bytes(r, key, sizeof key))
            break;
        int t = key[0] < T_COUNT ? (int)key[0] : -1;
        if (t != T_ADMIN && t != T_SCAN && t != T_SWEEP) {
            fr_sr_fail(r, "a distinct pair has an unknown kind");
            break;
        }
        if (!subject_ok(t, key + 1, (size_t)ni) || !pair_followed(slevel, key)) {
            fr_sr_fail(r, "a distinct pair is malformed");
            break;
        }
        if (i && memcmp(last, key, sizeof key) >= 0) {
            fr_sr_fail(r, "distinct pairs are out of order or listed twice");
            break;
        }
        memcpy(last, key, sizeof key);
        remap(t, key + 1, map);
        if (pair_followed(c->slevel, key) && add_pair(c, key))
            goto done;
    }
    if (sresample(c, 0))
        goto done;
    err = fr_sr_failed(r) ? FR_ERR_FORMAT : FR_OK;
done:
    free(map);
    free(prev);
    return err;
}

/* ---- the findings ---- */

typedef struct rows {
    fr_finding_row *v;
    size_t n, cap;
} rows;

/* Appends a row with its own copies of iface and the formatted detail.
 * Returns the row, or NULL (memory). */
static fr_finding_row *add_row(rows *rs, const char *rule, fr_severity sev, const char *iface,
                               const char *detail)
{
    if (rs->n == rs->cap) {
        size_t cap = rs->cap ? 2 * rs->cap : 16;
        fr_finding_row *v = realloc(rs->v, cap * sizeof *v);
        if (!v)
            return NULL;
        rs->v = v;
        rs->cap = cap;
    }
    fr_finding_row *f = &rs->v[rs->n];
    memset(f, 0, sizeof *f);
    f->rule = rule;
    f->severity = sev;
    f->interface_id = strdup(iface);
    f->detail = strdup(detail);
    if (!f->interface_id || !f->detail) {
        free(f->interface_id);
        free(f->detail);
        return NULL;
    }
    rs->n++;
    return f;
}

static void set_stats(fr_finding_row *f, const stats *s)
{
    f->first_seen = s->first;
    f->last_seen = s->last;
    f->records = s->records;
    f->packets = s->packets;
    f->bytes = s->bytes;
}

static int cmp_u64(const void *pa, const void *pb)
{
    uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
    return a < b ? -1 : a > b;
}

static int cmp_finding(const void *pa, const void *pb)
{
    const fr_finding_row *a = pa, *b = pb;
    int c;
    if (a->severity != b->severity)
        return a->severity > b->severity ? -1 : 1;
    if ((c = strcmp(a->rule, b->rule)) || (c = strcmp(a->interface_id, b->interface_id)) ||
        (c = fr_addr_cmp(&a->src, &b->src)) || (c = fr_addr_cmp(&a->dst, &b->dst)))
        return c;
    if (a->protocol != b->protocol)
        return a->protocol < b->protocol ? -1 : 1;
    if (a->dstport != b->dstport)
        return a->dstport < b->dstport ? -1 : 1;
    if (a->first_seen != b->first_seen)
        return a->first_seen < b->first_seen ? -1 : 1;
    return 0;
}

/* "N distinct WHAT" or, sampled, "about N distinct WHAT (...)". */
static void distinct_text(char *buf, size_t len, uint64_t n, int level, const char *what)
{
    if (level == 0)
        snprintf(buf, len, "%" PRIu64 " distinct %s", n, what);
    else if (n == 0) /* a finding has one at least, none of them sampled */
        snprintf(buf, len, "at least 1 distinct %s (none in the 1/%" PRIu64 " sample)", what,
                 (uint64_t)1 << level);
    else
        snprintf(buf, len, "about %" PRIu64 " distinct %s (estimated from a 1/%" PRIu64 " sample)",
                 n, what, (uint64_t)1 << level);
}

/* The rules on the interfaces' coverage: data-lost and silent-interface. */
static int coverage_rules(const fr_report *r, rows *rs)
{
    char detail[256];
    size_t g = 0, s = 0;
    for (size_t i = 0; i < r->n_ifaces; i++) {
        const fr_iface_row *f = &r->ifaces[i];
        /* the gaps of this interface (both lists are by interface_id) */
        while (g < r->n_gaps && strcmp(r->gaps[g].interface_id, f->interface_id) < 0)
            g++;
        uint64_t n = 0, secs = 0;
        int64_t first = 0, last = 0;
        for (size_t k = g; k < r->n_gaps && strcmp(r->gaps[k].interface_id, f->interface_id) == 0;
             k++) {
            const fr_gap_row *gr = &r->gaps[k];
            if (gr->kind != FR_GAP_SKIPDATA)
                continue;
            if (n == 0 || gr->start < first)
                first = gr->start;
            if (n == 0 || gr->end > last)
                last = gr->end;
            n++;
            secs += (uint64_t)(gr->end - gr->start);
        }
        if (f->skipdata_records) {
            snprintf(detail, sizeof detail,
                     "%" PRIu64 " SKIPDATA records in %" PRIu64 " intervals, %" PRIu64
                     " s of the period",
                     f->skipdata_records, n, f->skipdata_seconds);
            fr_finding_row *row = add_row(rs, "data-lost", FR_SEV_MEDIUM, f->interface_id, detail);
            if (!row)
                return -1;
            row->first_seen = first;
            row->last_seen = last;
            row->records = f->skipdata_records;
        }
        while (s < r->n_silent && strcmp(r->silent[s].interface_id, f->interface_id) < 0)
            s++;
        uint64_t ns = 0, longest = 0;
        for (size_t k = s;
             k < r->n_silent && strcmp(r->silent[k].interface_id, f->interface_id) == 0; k++) {
            uint64_t len = (uint64_t)(r->silent[k].end - r->silent[k].start);
            if (ns == 0)
                first = r->silent[k].start;
            last = r->silent[k].end;
            ns++;
            if (len > longest)
                longest = len;
        }
        if (ns) {
            snprintf(detail, sizeof detail,
                     "silent for %" PRIu64 " s in %" PRIu64 " stretches, the longest %" PRIu64
                     " s%s%s",
                     f->silent_seconds, ns, longest,
                     (f->silent_edges & FR_EDGE_START) ? "; from the period's start (new?)" : "",
                     (f->silent_edges & FR_EDGE_END) ? "; until the period's end (deleted?)" : "");
            fr_finding_row *row =
                add_row(rs, "silent-interface", FR_SEV_MEDIUM, f->interface_id, detail);
            if (!row)
                return -1;
            row->first_seen = first;
            row->last_seen = last;
        }
    }
    return 0;
}

/* reject-spike: windows far above the median window. */
static int spike_rule(const fr_report *r, const fr_audit_opts *o, rows *rs)
{
    if (r->n_windows == 0)
        return 0;
    uint64_t *v = malloc(r->n_windows * sizeof *v);
    if (!v)
        return -1;
    for (size_t k = 0; k < r->n_windows; k++)
        v[k] = r->windows[k].reject_records;
    qsort(v, r->n_windows, sizeof *v, cmp_u64);
    uint64_t median = v[(r->n_windows - 1) / 2];
    free(v);
    unsigned __int128 over = (unsigned __int128)median * o->spike_factor;
    char detail[256];
    for (size_t k = 0; k < r->n_windows; k++) {
        const fr_window_row *w = &r->windows[k];
        if ((unsigned __int128)w->reject_records <= over ||
            w->reject_records - median < o->spike_min)
            continue;
        snprintf(detail, sizeof detail,
                 "%" PRIu64 " rejected records in the window; the median window has %" PRIu64,
                 w->reject_records, median);
        fr_finding_row *row = add_row(rs, "reject-spike", FR_SEV_LOW, "", detail);
        if (!row)
            return -1;
        row->first_seen = w->start;
        row->last_seen = w->end;
        row->records = w->reject_records;
        row->bytes = w->reject_bytes;
    }
    return 0;
}

fr_err fr_fcount_report(fr_fcount *c, fr_report *r, char *errbuf, size_t errlen)
{
    const fr_audit_opts *o = c->o;
    rows rs = {0};
    char detail[256];
    (void)errbuf;
    (void)errlen;
    for (size_t i = 0; i < c->distinct.count; i++) {
        const uint64_t *k = fr_ktab_key(&c->distinct, i);
        int t = (int)k[0];
        stats *s = fr_ktab_find(&c->subj[t], k + 1, fr_ktab_hash(&c->subj[t], k + 1));
        if (s)
            s->distinct++;
    }
    for (int t = 0; t < T_COUNT; t++)
        for (size_t i = 0; i < c->subj[t].count; i++) {
            const uint64_t *k = fr_ktab_key(&c->subj[t], i);
            const stats *s = fr_ktab_val(&c->subj[t], i);
            uint64_t est = s->distinct << c->level;
            fr_finding_row *row = NULL;
            if (t == T_ADMIN) {
                distinct_text(detail, sizeof detail, est, c->level, "public sources");
                row = add_row(&rs, "public-admin-port-accepted", FR_SEV_HIGH,
                              c->ifaces.strs[k[0] >> 32], detail);
                if (row) {
                    memcpy(&row->dst, k + 1, sizeof row->dst);
                    row->has_port = 1;
                    row->protocol = (uint8_t)(k[0] >> 16);
                    row->dstport = (uint16_t)k[0];
                }
            } else if (t == T_EGRESS) {
                if (s->bytes <= o->egress_threshold)
                    continue;
                snprintf(detail, sizeof detail,
                         "%" PRIu64 " bytes from internal to public addresses (threshold %" PRIu64
                         ")",
                         s->bytes, o->egress_threshold);
                row = add_row(&rs, "egress-volume", FR_SEV_MEDIUM, c->ifaces.strs[k[0]], detail);
            } else if (t == T_SCAN) {
                if (est < o->scan_ports)
                    continue;
                distinct_text(detail, sizeof detail, est, c->level, "destination ports rejected");
                row = add_row(&rs, "port-scan", FR_SEV_MEDIUM, "", detail);
                if (row) {
                    memcpy(&row->src, k, sizeof row->src);
                    memcpy(&row->dst, k + 3, sizeof row->dst);
                }
            } else {
                if (est < o->sweep_hosts)
                    continue;
                distinct_text(detail, sizeof detail, est, c->level, "destinations rejected");
                row = add_row(&rs, "host-sweep", FR_SEV_MEDIUM, "", detail);
                if (row)
                    memcpy(&row->src, k, sizeof row->src);
            }
            if (!row)
                goto nomem;
            set_stats(row, s);
        }
    if (coverage_rules(r, &rs) || spike_rule(r, o, &rs))
        goto nomem;
    if (rs.n > 1)
        qsort(rs.v, rs.n, sizeof *rs.v, cmp_finding);
    r->findings = rs.v;
    r->n_findings = rs.n;
    r->findings_approximate = c->level > 0 || c->slevel > 0;
    r->findings_source_level = c->slevel;
    return FR_OK;
nomem:
    for (size_t i = 0; i < rs.n; i++) {
        free(rs.v[i].interface_id);
        free(rs.v[i].detail);
    }
    free(rs.v);
    return FR_ERR_NOMEM;
}

int fr_findings_max_severity(const fr_report *r)
{
    int m = 0;
    for (size_t i = 0; i < r->n_findings; i++)
        if ((int)r->findings[i].severity > m)
            m = (int)r->findings[i].severity;
    return m;
}

int fr_severity_parse(const char *s)
{
    return strcmp(s, "low") == 0   ? FR_SEV_LOW
        : strcmp(s, "medium") == 0 ? FR_SEV_MEDIUM
        : strcmp(s, "high") == 0   ? FR_SEV_HIGH
                                   : 0;
}
