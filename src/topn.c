/* SPDX-License-Identifier: MIT */
/* topn: top talkers, rejected sources and ports; prefetching updates, merges,
 * pruning past the memory budget and the final top-N selection. */
#include "fr_topn.h"

#include <stdlib.h>
#include <string.h>

#include "fr_hash.h"

/* Table keys are whole words, zero-padded (see fr_ktab). */
typedef struct talker_key {
    uint8_t s[16], d[16];
    uint8_t sfam, dfam, pad[6];
} talker_key;
typedef struct src_key {
    uint8_t s[16];
    uint8_t fam, pad[7];
} src_key;
typedef struct port_key {
    uint8_t proto, hi, lo, pad[5];
} port_key;
/* IPv4 keys (most traffic) get one word: half the memory and hashing. */
typedef struct talker4_key {
    uint8_t s[4], d[4];
} talker4_key;
typedef struct src4_key {
    uint8_t s[4], pad[4];
} src4_key;

/* Physical tables; talkers and rejected sources have an IPv4 and a general one. */
enum { T_TALKERS4, T_TALKERS, T_REJECTED4, T_REJECTED, T_PORTS, T_COUNT };

/* Updates wait in a short queue so that their memory can be fetched ahead:
 * the slot when queued, the entry halfway through. With hundreds of
 * thousands of keys, cache misses dominate otherwise. */
#define PIPE_LEN 16
typedef struct pend {
    uint64_t hash;
    uint64_t v[5];
    uint8_t key[sizeof(talker_key)];
} pend;

typedef struct table {
    fr_ktab t;
    size_t nv; /* counters per value */
    size_t rank; /* index of the ranking counter */
    uint64_t error; /* sum of pruning thresholds */
    int pruned;
    unsigned head, n;
    pend ring[PIPE_LEN];
} table;

struct fr_topn {
    size_t max_keys;
    table tab[T_COUNT];
};

fr_topn *fr_topn_new(size_t max_keys)
{
    fr_topn *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->max_keys = max_keys;
    static const size_t ksize[T_COUNT] = {sizeof(talker4_key), sizeof(talker_key), sizeof(src4_key),
                                          sizeof(src_key), sizeof(port_key)};
    static const size_t nv[T_COUNT] = {3, 3, 3, 3, 5};
    static const size_t rank[T_COUNT] = {2, 2, 0, 0, 4}; /* bytes, records, bytes */
    for (int i = 0; i < T_COUNT; i++) {
        t->tab[i].nv = nv[i];
        t->tab[i].rank = rank[i];
        if (fr_ktab_init(&t->tab[i].t, ksize[i], nv[i] * sizeof(uint64_t))) {
            fr_topn_free(t);
            return NULL;
        }
    }
    return t;
}

void fr_topn_free(fr_topn *t)
{
    if (!t)
        return;
    for (int i = 0; i < T_COUNT; i++)
        fr_ktab_clear(&t->tab[i].t);
    free(t);
}

/* Returns the k-th smallest of v[0..n) (0-based), reordering v: Hoare's
 * selection with a median-of-three pivot, linear on average where sorting
 * was n log n (a merge of many states prunes a full table again and again). */
static uint64_t nth_smallest(uint64_t *v, size_t n, size_t k)
{
    size_t lo = 0, hi = n - 1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        uint64_t a = v[lo], b = v[mid], c = v[hi];
        uint64_t pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
        size_t i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i <= j) {
                uint64_t t = v[i];
                v[i] = v[j];
                v[j] = t;
                i++;
                if (j == 0)
                    break;
                j--;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            return v[k];
    }
    return v[k];
}

/* The k-th smallest ranking counter of tab's entries (0-based) into *theta.
 * Returns FR_OK or FR_ERR_NOMEM. */
static fr_err rank_nth(const table *tab, size_t k, uint64_t *theta)
{
    size_t n = tab->t.count;
    uint64_t *vals = malloc((n ? n : 1) * sizeof *vals);
    if (!vals)
        return FR_ERR_NOMEM;
    for (size_t i = 0; i < n; i++)
        vals[i] = ((const uint64_t *)fr_ktab_val(&tab->t, i))[tab->rank];
    *theta = nth_smallest(vals, n, k);
    free(vals);
    return FR_OK;
}

/* fr_ktab_filter's test: the ranking counter (ctx: its index and the
 * threshold) is above the threshold. */
static int above(const void *key, const void *val, void *ctx)
{
    const uint64_t *c = ctx;
    (void)key;
    return ((const uint64_t *)val)[c[0]] > c[1];
}

/* Halves tab: drops every entry whose ranking counter is at most the median
 * and adds that median to the error bound (a dropped key that comes back
 * restarts from zero, so its count can be low by at most the sum of the
 * thresholds). Returns FR_OK or FR_ERR_NOMEM. */
static fr_err prune(table *tab)
{
    if (tab->t.count == 0)
        return FR_OK;
    uint64_t theta;
    if (rank_nth(tab, tab->t.count / 2, &theta) != FR_OK)
        return FR_ERR_NOMEM;
    uint64_t ctx[2] = {tab->rank, theta};
    fr_ktab_filter(&tab->t, above, ctx);
    tab->error += theta;
    tab->pruned = 1;
    return FR_OK;
}

/* Applies the oldest queued update. Returns FR_OK or FR_ERR_NOMEM. */
static fr_err apply_oldest(fr_topn *t, table *tab)
{
    pend *e = &tab->ring[tab->head];
    int created;
    uint64_t *v = fr_ktab_upsert(&tab->t, e->key, e->hash, &created);
    if (!v)
        return FR_ERR_NOMEM;
    for (size_t i = 0; i < tab->nv; i++)
        v[i] += e->v[i];
    tab->head = (tab->head + 1) % PIPE_LEN;
    tab->n--;
    if (created && t->max_keys && tab->t.count > t->max_keys)
        return prune(tab);
    return FR_OK;
}

/* Queues an update of key by the counters v. */
static fr_err push(fr_topn *t, table *tab, const void *key, const uint64_t *v)
{
    if (tab->n == PIPE_LEN && apply_oldest(t, tab) != FR_OK)
        return FR_ERR_NOMEM;
    pend *e = &tab->ring[(tab->head + tab->n) % PIPE_LEN];
    memcpy(e->key, key, tab->t.key_size);
    e->hash = fr_ktab_hash(&tab->t, key);
    memcpy(e->v, v, tab->nv * sizeof *v);
    tab->n++;
    fr_ktab_prefetch_slot(&tab->t, e->hash);
    if (tab->n > PIPE_LEN / 2)
        fr_ktab_prefetch_entry(&tab->t,
                               tab->ring[(tab->head + tab->n - 1 - PIPE_LEN / 2) % PIPE_LEN].hash);
    return FR_OK;
}

/* Applies every queued update of every table. */
static fr_err flush(fr_topn *t)
{
    for (int i = 0; i < T_COUNT; i++)
        while (t->tab[i].n)
            if (apply_oldest(t, &t->tab[i]) != FR_OK)
                return FR_ERR_NOMEM;
    return FR_OK;
}

fr_err fr_topn_add(fr_topn *t, const fr_record *rec, int action, uint64_t pk, uint64_t by)
{
    if ((rec->has & (FR_HAS_SRCADDR | FR_HAS_DSTADDR)) == (FR_HAS_SRCADDR | FR_HAS_DSTADDR)) {
        const uint64_t v[3] = {1, pk, by};
        if (rec->src.family == 4 && rec->dst.family == 4) {
            talker4_key k;
            memcpy(k.s, rec->src.b, 4);
            memcpy(k.d, rec->dst.b, 4);
            if (push(t, &t->tab[T_TALKERS4], &k, v))
                return FR_ERR_NOMEM;
        } else {
            talker_key k;
            memset(&k, 0, sizeof k);
            memcpy(k.s, rec->src.b, 16);
            memcpy(k.d, rec->dst.b, 16);
            k.sfam = rec->src.family;
            k.dfam = rec->dst.family;
            if (push(t, &t->tab[T_TALKERS], &k, v))
                return FR_ERR_NOMEM;
        }
    }
    if (action == FR_ACTION_REJECT && (rec->has & FR_HAS_SRCADDR)) {
        const uint64_t v[3] = {1, pk, by};
        if (rec->src.family == 4) {
            src4_key k = {{0}, {0}};
            memcpy(k.s, rec->src.b, 4);
            if (push(t, &t->tab[T_REJECTED4], &k, v))
                return FR_ERR_NOMEM;
        } else {
            src_key k;
            memset(&k, 0, sizeof k);
            memcpy(k.s, rec->src.b, 16);
            k.fam = rec->src.family;
            if (push(t, &t->tab[T_REJECTED], &k, v))
                return FR_ERR_NOMEM;
        }
    }
    if ((rec->has & (FR_HAS_PROTOCOL | FR_HAS_DSTPORT)) == (FR_HAS_PROTOCOL | FR_HAS_DSTPORT)) {
        port_key k = {rec->protocol, (uint8_t)(rec->dstport >> 8), (uint8_t)rec->dstport, {0}};
        const uint64_t v[5] = {1, action == FR_ACTION_ACCEPT, action == FR_ACTION_REJECT, pk, by};
        if (push(t, &t->tab[T_PORTS], &k, v))
            return FR_ERR_NOMEM;
    }
    return FR_OK;
}

size_t fr_topn_keys(fr_topn *t)
{
    size_t m = 0;
    for (int i = 0; i < T_COUNT; i++) {
        size_t c = t->tab[i].t.count + t->tab[i].n;
        if (c > m)
            m = c;
    }
    return m;
}

fr_err fr_topn_move(fr_topn *dst, fr_topn *src)
{
    if (flush(dst) || flush(src))
        return FR_ERR_NOMEM;
    for (int i = 0; i < T_COUNT; i++) {
        table *d = &dst->tab[i], *s = &src->tab[i];
        /* through the prefetching queue: the shared table is the big one */
        for (size_t e = 0; e < s->t.count; e++)
            if (push(dst, d, fr_ktab_key(&s->t, e), fr_ktab_val(&s->t, e)))
                return FR_ERR_NOMEM;
        while (d->n)
            if (apply_oldest(dst, d) != FR_OK)
                return FR_ERR_NOMEM;
        d->error += s->error;
        d->pruned |= s->pruned;
        fr_ktab_reset(&s->t);
        s->error = 0;
        s->pruned = 0;
    }
    return FR_OK;
}

/* ---- selecting the top N ---- */

static int cmp_u64_desc(uint64_t a, uint64_t b)
{
    return a > b ? -1 : a < b ? 1 : 0;
}

static int cmp_talker(const void *pa, const void *pb)
{
    const fr_talker_row *a = pa, *b = pb;
    int c = cmp_u64_desc(a->bytes, b->bytes);
    if (c)
        return c;
    c = fr_addr_cmp(&a->src, &b->src);
    return c ? c : fr_addr_cmp(&a->dst, &b->dst);
}

static int cmp_rejected(const void *pa, const void *pb)
{
    const fr_rejected_row *a = pa, *b = pb;
    int c = cmp_u64_desc(a->records, b->records);
    return c ? c : fr_addr_cmp(&a->src, &b->src);
}

static int cmp_port(const void *pa, const void *pb)
{
    const fr_port_row *a = pa, *b = pb;
    int c = cmp_u64_desc(a->bytes, b->bytes);
    if (c)
        return c;
    if (a->protocol != b->protocol)
        return a->protocol < b->protocol ? -1 : 1;
    return a->dstport < b->dstport ? -1 : a->dstport > b->dstport;
}

/* The best `cap` rows seen so far, as a heap whose root ranks last. */
typedef struct selection {
    uint8_t *rows;
    size_t size, n, cap;
    int (*cmp)(const void *, const void *);
} selection;

static void *row_at(selection *s, size_t i)
{
    return s->rows + i * s->size;
}

static void row_swap(selection *s, size_t i, size_t j, uint8_t *tmp)
{
    memcpy(tmp, row_at(s, i), s->size);
    memcpy(row_at(s, i), row_at(s, j), s->size);
    memcpy(row_at(s, j), tmp, s->size);
}

/* Offers a row; keeps it when it ranks among the best cap. */
static void offer(selection *s, const void *row, uint8_t *tmp)
{
    size_t i;
    if (s->n < s->cap) {
        i = s->n++;
        memcpy(row_at(s, i), row, s->size);
        while (i > 0 && s->cmp(row_at(s, (i - 1) / 2), row_at(s, i)) < 0) {
            row_swap(s, i, (i - 1) / 2, tmp);
            i = (i - 1) / 2;
        }
        return;
    }
    if (s->cap == 0 || s->cmp(row, row_at(s, 0)) >= 0)
        return;
    memcpy(row_at(s, 0), row, s->size);
    for (i = 0;;) {
        size_t l = 2 * i + 1, r = l + 1, w = i;
        if (l < s->n && s->cmp(row_at(s, l), row_at(s, w)) > 0)
            w = l;
        if (r < s->n && s->cmp(row_at(s, r), row_at(s, w)) > 0)
            w = r;
        if (w == i)
            break;
        row_swap(s, i, w, tmp);
        i = w;
    }
}

/* Starts a selection of at most cap rows. Returns 0 or -1. */
static int select_init(selection *s, size_t size, size_t cap, size_t avail,
                       int (*cmp)(const void *, const void *))
{
    s->size = size;
    s->cap = cap < avail ? cap : avail;
    s->n = 0;
    s->cmp = cmp;
    s->rows = calloc(s->cap ? s->cap : 1, size);
    return s->rows ? 0 : -1;
}

/* Row builders: one entry of a table into its report row. */
static void talker_row(void *out, const void *key, const uint64_t *v)
{
    const talker_key *k = key;
    fr_talker_row *row = out;
    row->src.family = k->sfam;
    memcpy(row->src.b, k->s, 16);
    row->dst.family = k->dfam;
    memcpy(row->dst.b, k->d, 16);
    row->records = v[0];
    row->packets = v[1];
    row->bytes = v[2];
}

static void talker4_row(void *out, const void *key, const uint64_t *v)
{
    const talker4_key *k = key;
    fr_talker_row *row = out;
    row->src.family = 4;
    memcpy(row->src.b, k->s, 4);
    row->dst.family = 4;
    memcpy(row->dst.b, k->d, 4);
    row->records = v[0];
    row->packets = v[1];
    row->bytes = v[2];
}

static void rejected4_row(void *out, const void *key, const uint64_t *v)
{
    const src4_key *k = key;
    fr_rejected_row *row = out;
    row->src.family = 4;
    memcpy(row->src.b, k->s, 4);
    row->records = v[0];
    row->packets = v[1];
    row->bytes = v[2];
}

static void rejected_row(void *out, const void *key, const uint64_t *v)
{
    const src_key *k = key;
    fr_rejected_row *row = out;
    row->src.family = k->fam;
    memcpy(row->src.b, k->s, 16);
    row->records = v[0];
    row->packets = v[1];
    row->bytes = v[2];
}

static void port_row(void *out, const void *key, const uint64_t *v)
{
    const port_key *k = key;
    fr_port_row *row = out;
    row->protocol = k->proto;
    row->dstport = (uint16_t)(k->hi << 8 | k->lo);
    row->records = v[0];
    row->accept_records = v[1];
    row->reject_records = v[2];
    row->packets = v[3];
    row->bytes = v[4];
}

typedef void (*row_fn)(void *, const void *, const uint64_t *);

/* Selects and ranks the best top_n rows of one or two tables (tab2 may be
 * NULL). Returns the rows (caller frees) with *n set, or NULL when out of
 * memory. */
static void *select_top(const table *tab, row_fn to_row, const table *tab2, row_fn to_row2,
                        unsigned top_n, size_t size, int (*cmp)(const void *, const void *),
                        size_t *n, fr_topn_info *info)
{
    selection s;
    uint8_t row[sizeof(fr_talker_row) + sizeof(fr_port_row)], tmp[sizeof row];
    size_t avail = tab->t.count + (tab2 ? tab2->t.count : 0);
    if (select_init(&s, size, top_n, avail, cmp))
        return NULL;
    for (int k = 0; k < 2; k++) {
        const table *tb = k ? tab2 : tab;
        row_fn fn = k ? to_row2 : to_row;
        if (!tb)
            continue;
        for (size_t i = 0; i < tb->t.count; i++) {
            memset(row, 0, size);
            fn(row, fr_ktab_key(&tb->t, i), fr_ktab_val(&tb->t, i));
            offer(&s, row, tmp);
        }
    }
    if (s.n > 1)
        qsort(s.rows, s.n, s.size, cmp);
    *n = s.n;
    info->approximate = tab->pruned || (tab2 && tab2->pruned);
    info->distinct_keys = avail;
    info->error_bound = tab->error;
    if (tab2 && tab2->error > info->error_bound)
        info->error_bound = tab2->error;
    return s.rows;
}

fr_err fr_topn_report(fr_topn *t, unsigned top_n, fr_report *r)
{
    if (flush(t))
        return FR_ERR_NOMEM;
    r->talkers = select_top(&t->tab[T_TALKERS4], talker4_row, &t->tab[T_TALKERS], talker_row, top_n,
                            sizeof *r->talkers, cmp_talker, &r->n_talkers, &r->talkers_info);
    r->rejected =
        select_top(&t->tab[T_REJECTED4], rejected4_row, &t->tab[T_REJECTED], rejected_row, top_n,
                   sizeof *r->rejected, cmp_rejected, &r->n_rejected, &r->rejected_info);
    r->ports = select_top(&t->tab[T_PORTS], port_row, NULL, NULL, top_n, sizeof *r->ports, cmp_port,
                          &r->n_ports, &r->ports_info);
    return r->talkers && r->rejected && r->ports ? FR_OK : FR_ERR_NOMEM;
}

/* ---- state files (doc/STATE.md "top tables") ---- */

fr_err fr_topn_save(fr_topn *t, fr_swriter *w, uint64_t limit)
{
    if (flush(t))
        return FR_ERR_NOMEM;
    for (int i = 0; i < T_COUNT; i++) {
        const table *tab = &t->tab[i];
        size_t count = tab->t.count;
        size_t *order = fr_ktab_order(&tab->t); /* by key: the same bytes at any -j */
        if (!order)
            return FR_ERR_NOMEM;
        /* --state-keys: only the keys ranked above the (limit+1)-th; every
         * key left out counted at most theta, which joins the bound */
        uint64_t theta = 0, error = tab->error;
        int cut = limit && count > limit;
        if (cut) {
            if (rank_nth(tab, count - (size_t)limit - 1, &theta) != FR_OK) {
                free(order);
                return FR_ERR_NOMEM;
            }
            size_t kept = 0;
            for (size_t n = 0; n < count; n++)
                if (((const uint64_t *)fr_ktab_val(&tab->t, order[n]))[tab->rank] > theta)
                    order[kept++] = order[n];
            count = kept;
            if (__builtin_add_overflow(error, theta, &error))
                error = UINT64_MAX;
        }
        fr_sw_u64(w, (uint64_t)(tab->pruned || cut));
        fr_sw_u64(w, error);
        fr_sw_u64(w, count);
        for (size_t n = 0; n < count; n++) {
            size_t e = order[n];
            fr_sw_bytes(w, fr_ktab_key(&tab->t, e), tab->t.key_size);
            const uint64_t *v = fr_ktab_val(&tab->t, e);
            for (size_t k = 0; k < tab->nv; k++)
                fr_sw_u64(w, v[k]);
        }
        free(order);
    }
    return FR_OK;
}

/* 1 when a key of table i is laid out as fr_topn_add makes them: known
 * address families and zero padding. */
static int key_ok(int i, const uint8_t *k)
{
    switch (i) {
    case T_TALKERS: {
        const talker_key *x = (const talker_key *)k;
        if ((x->sfam != 4 && x->sfam != 6) || (x->dfam != 4 && x->dfam != 6) ||
            (x->sfam == 4 && x->dfam == 4))
            return 0;
        for (size_t j = 0; j < sizeof x->pad; j++)
            if (x->pad[j])
                return 0;
        return 1;
    }
    case T_REJECTED: {
        const src_key *x = (const src_key *)k;
        if (x->fam != 6)
            return 0;
        for (size_t j = 0; j < sizeof x->pad; j++)
            if (x->pad[j])
                return 0;
        return 1;
    }
    case T_REJECTED4: {
        const src4_key *x = (const src4_key *)k;
        return !x->pad[0] && !x->pad[1] && !x->pad[2] && !x->pad[3];
    }
    case T_PORTS: {
        const port_key *x = (const port_key *)k;
        for (size_t j = 0; j < sizeof x->pad; j++)
            if (x->pad[j])
                return 0;
        return 1;
    }
    default: return 1;
    }
}

fr_err fr_topn_load(fr_topn *t, fr_sreader *r)
{
    if (flush(t))
        return FR_ERR_NOMEM;
    for (int i = 0; i < T_COUNT && !fr_sr_failed(r); i++) {
        table *tab = &t->tab[i];
        int pruned = (int)fr_sr_count(r, 1, "table flag");
        uint64_t error = fr_sr_u64(r);
        uint64_t n = fr_sr_count(r, UINT64_C(1) << 40, "table keys");
        /* an empty table gets room for them ahead, as many as the bytes
         * left can hold and the budget allows (a table that holds keys
         * already grows as they come: the states' keys mostly overlap) */
        uint64_t fit = fr_sr_left(r) / (tab->t.key_size + tab->nv);
        uint64_t want = n < fit ? n : fit;
        if (t->max_keys && want > t->max_keys + 1)
            want = t->max_keys + 1;
        if (!tab->t.count && !fr_sr_failed(r) && fr_ktab_reserve(&tab->t, (size_t)want))
            return FR_ERR_NOMEM;
        uint8_t prev[sizeof(talker_key)];
        for (uint64_t e = 0; e < n && !fr_sr_failed(r); e++) {
            uint8_t key[sizeof(talker_key)];
            uint64_t v[5];
            fr_sr_bytes(r, key, tab->t.key_size);
            for (size_t k = 0; k < tab->nv; k++)
                v[k] = fr_sr_u64(r);
            if (fr_sr_failed(r))
                break;
            if (!key_ok(i, key)) {
                fr_sr_fail(r, "a top-table key is malformed");
                break;
            }
            /* written in key order: a key out of order or twice is damage */
            if (e && memcmp(prev, key, tab->t.key_size) >= 0) {
                fr_sr_fail(r, "top-table keys are out of order or listed twice");
                break;
            }
            memcpy(prev, key, tab->t.key_size);
            if (push(t, tab, key, v))
                return FR_ERR_NOMEM;
        }
        while (tab->n)
            if (apply_oldest(t, tab) != FR_OK)
                return FR_ERR_NOMEM;
        if (__builtin_add_overflow(tab->error, error, &tab->error))
            tab->error = UINT64_MAX;
        tab->pruned |= pruned;
    }
    return fr_sr_failed(r) ? FR_ERR_FORMAT : FR_OK;
}

int fr_topn_exact(const fr_topn *t)
{
    for (int i = 0; i < T_COUNT; i++)
        if (t->tab[i].pruned)
            return 0;
    return 1;
}
