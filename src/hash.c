/* SPDX-License-Identifier: MIT */
/* hash: fixed-key tables and string interning with linear probing. */
#include "fr_hash.h"

#include <stdlib.h>
#include <string.h>

/* Mixes 64 bits (a finaliser with good avalanche). */
static inline uint64_t mix64(uint64_t x)
{
    x ^= x >> 32;
    x *= 0xd6e8feb86659fd93ULL;
    x ^= x >> 32;
    x *= 0xd6e8feb86659fd93ULL;
    x ^= x >> 32;
    return x;
}

uint64_t fr_hash_bytes(const void *key, size_t len)
{
    const uint8_t *p = key;
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ (len * 0xff51afd7ed558ccdULL);
    while (len >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * 0x9fb21c651e98df25ULL;
        h ^= h >> 29;
        p += 8;
        len -= 8;
    }
    uint64_t w = 0;
    memcpy(&w, p, len);
    return mix64(h ^ w ^ ((uint64_t)len << 56));
}

int fr_ktab_init(fr_ktab *t, size_t key_size, size_t val_size)
{
    memset(t, 0, sizeof *t);
    if (key_size == 0 || key_size % 8)
        return -1;
    t->key_size = key_size;
    t->val_size = val_size;
    t->entry_size = (key_size + val_size + 7) & ~(size_t)7;
    t->nslots = 64;
    t->slots = calloc(t->nslots, sizeof *t->slots);
    return t->slots ? 0 : -1;
}

void fr_ktab_clear(fr_ktab *t)
{
    free(t->entries);
    free(t->slots);
    memset(t, 0, sizeof *t);
}

void fr_ktab_reset(fr_ktab *t)
{
    memset(t->slots, 0, t->nslots * sizeof *t->slots);
    t->count = 0;
}

/* 1 when the two keys of nwords words are equal. */
static inline int keys_equal(const uint8_t *a, const uint8_t *b, size_t size)
{
    for (size_t i = 0; i < size; i += 8) {
        uint64_t x, y;
        memcpy(&x, a + i, 8);
        memcpy(&y, b + i, 8);
        if (x != y)
            return 0;
    }
    return 1;
}

/* The tag kept in a slot: the hash's high half, which the slot index (low
 * bits) does not use, so most mismatches are rejected without touching the
 * entry. */
static inline uint64_t slot_tag(uint64_t hash)
{
    return hash & 0xffffffff00000000ULL;
}

/* Rebuilds the slot array with ns slots; the stored tags and indexes move as
 * they are. Returns 0 or -1. */
static int ktab_resize(fr_ktab *t, size_t ns)
{
    uint64_t *slots = calloc(ns, sizeof *slots);
    if (!slots)
        return -1;
    for (size_t i = 0; i < t->count; i++) {
        uint64_t h = fr_ktab_hash(t, fr_ktab_key(t, i));
        size_t s = h & (ns - 1);
        while (slots[s])
            s = (s + 1) & (ns - 1);
        slots[s] = slot_tag(h) | (uint64_t)(i + 1);
    }
    free(t->slots);
    t->slots = slots;
    t->nslots = ns;
    return 0;
}

void fr_ktab_filter(fr_ktab *t, int (*keep)(const void *key, const void *val, void *ctx), void *ctx)
{
    size_t out = 0;
    for (size_t i = 0; i < t->count; i++) {
        uint8_t *e = t->entries + i * t->entry_size;
        if (!keep(e, e + t->key_size, ctx))
            continue;
        if (out != i)
            memcpy(t->entries + out * t->entry_size, e, t->entry_size);
        out++;
    }
    if (out == t->count)
        return;
    t->count = out;
    memset(t->slots, 0, t->nslots * sizeof *t->slots);
    size_t mask = t->nslots - 1;
    for (size_t i = 0; i < out; i++) {
        uint64_t h = fr_ktab_hash(t, fr_ktab_key(t, i));
        size_t s = h & mask;
        while (t->slots[s])
            s = (s + 1) & mask;
        t->slots[s] = slot_tag(h) | (uint64_t)(i + 1);
    }
}

int fr_ktab_reserve(fr_ktab *t, size_t n)
{
    size_t ns = t->nslots;
    while (n * 10 > ns * 7 && ns < ((size_t)1 << 40))
        ns *= 2;
    if (ns > t->nslots && ktab_resize(t, ns) != 0)
        return -1;
    if (n > t->cap) {
        uint8_t *e = realloc(t->entries, n * t->entry_size);
        if (!e)
            return -1;
        t->entries = e;
        t->cap = n;
    }
    return 0;
}

void fr_ktab_prefetch_entry(const fr_ktab *t, uint64_t hash)
{
    size_t mask = t->nslots - 1;
    uint64_t tag = slot_tag(hash);
    for (size_t s = hash & mask, n = 0; n < 4; s = (s + 1) & mask, n++) {
        uint64_t v = t->slots[s];
        if (!v)
            return;
        if ((v & 0xffffffff00000000ULL) == tag) {
            __builtin_prefetch(t->entries + (size_t)((uint32_t)v - 1) * t->entry_size);
            return;
        }
    }
}

void *fr_ktab_find(const fr_ktab *t, const void *key, uint64_t hash)
{
    size_t mask = t->nslots - 1;
    uint64_t tag = slot_tag(hash);
    for (size_t s = hash & mask;; s = (s + 1) & mask) {
        uint64_t v = t->slots[s];
        if (!v)
            return NULL;
        if ((v & 0xffffffff00000000ULL) != tag)
            continue;
        uint8_t *e = t->entries + (size_t)((uint32_t)v - 1) * t->entry_size;
        if (keys_equal(e, key, t->key_size))
            return e + t->key_size;
    }
}

void *fr_ktab_upsert(fr_ktab *t, const void *key, uint64_t hash, int *created)
{
    size_t mask = t->nslots - 1;
    uint64_t tag = slot_tag(hash);
    size_t s = hash & mask;
    for (;; s = (s + 1) & mask) {
        uint64_t v = t->slots[s];
        if (!v)
            break;
        if ((v & 0xffffffff00000000ULL) != tag)
            continue;
        uint8_t *e = t->entries + (size_t)((uint32_t)v - 1) * t->entry_size;
        if (keys_equal(e, key, t->key_size)) {
            *created = 0;
            return e + t->key_size;
        }
    }
    if (t->count == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        uint8_t *n = realloc(t->entries, cap * t->entry_size);
        if (!n)
            return NULL;
        t->entries = n;
        t->cap = cap;
    }
    if ((t->count + 1) * 10 > t->nslots * 7) {
        if (ktab_resize(t, t->nslots * 2) != 0)
            return NULL;
        mask = t->nslots - 1;
        for (s = hash & mask; t->slots[s]; s = (s + 1) & mask)
            ;
    }
    uint8_t *e = t->entries + t->count * t->entry_size;
    memset(e, 0, t->entry_size);
    memcpy(e, key, t->key_size);
    t->slots[s] = tag | (uint64_t)(++t->count);
    *created = 1;
    return e + t->key_size;
}

int fr_strtab_init(fr_strtab *t)
{
    memset(t, 0, sizeof *t);
    t->nslots = 64;
    t->slots = calloc(t->nslots, sizeof *t->slots);
    return t->slots ? 0 : -1;
}

void fr_strtab_clear(fr_strtab *t)
{
    for (size_t i = 0; i < t->count; i++)
        free(t->strs[i]);
    free(t->strs);
    free(t->lens);
    free(t->hashes);
    free(t->slots);
    memset(t, 0, sizeof *t);
}

/* Doubles the slots. Returns 0 or -1. */
static int strtab_grow(fr_strtab *t)
{
    size_t ns = t->nslots * 2;
    uint32_t *slots = calloc(ns, sizeof *slots);
    if (!slots)
        return -1;
    for (size_t i = 0; i < t->count; i++) {
        size_t s = t->hashes[i] & (ns - 1);
        while (slots[s])
            s = (s + 1) & (ns - 1);
        slots[s] = (uint32_t)(i + 1);
    }
    free(t->slots);
    t->slots = slots;
    t->nslots = ns;
    return 0;
}

long fr_strtab_intern(fr_strtab *t, const char *s, size_t len, int *created)
{
    uint64_t h = fr_hash_bytes(s, len);
    size_t mask = t->nslots - 1;
    size_t slot = h & mask;
    for (;; slot = (slot + 1) & mask) {
        uint32_t idx = t->slots[slot];
        if (!idx)
            break;
        idx--;
        if (t->hashes[idx] == h && t->lens[idx] == len && memcmp(t->strs[idx], s, len) == 0) {
            *created = 0;
            return (long)idx;
        }
    }
    if (t->count == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        char **strs = realloc(t->strs, cap * sizeof *strs);
        if (!strs)
            return -1;
        t->strs = strs;
        uint32_t *lens = realloc(t->lens, cap * sizeof *lens);
        if (!lens)
            return -1;
        t->lens = lens;
        uint64_t *hashes = realloc(t->hashes, cap * sizeof *hashes);
        if (!hashes)
            return -1;
        t->hashes = hashes;
        t->cap = cap;
    }
    char *copy = malloc(len + 1);
    if (!copy)
        return -1;
    memcpy(copy, s, len);
    copy[len] = '\0';
    if ((t->count + 1) * 4 > t->nslots * 3) {
        if (strtab_grow(t) != 0) {
            free(copy);
            return -1;
        }
        mask = t->nslots - 1;
        for (slot = h & mask; t->slots[slot]; slot = (slot + 1) & mask)
            ;
    }
    t->strs[t->count] = copy;
    t->lens[t->count] = (uint32_t)len;
    t->hashes[t->count] = h;
    t->slots[slot] = (uint32_t)(++t->count);
    *created = 1;
    return (long)(t->count - 1);
}

long fr_strtab_find(const fr_strtab *t, const char *s, size_t len)
{
    if (!t->nslots)
        return -1;
    uint64_t h = fr_hash_bytes(s, len);
    size_t mask = t->nslots - 1;
    for (size_t slot = h & mask;; slot = (slot + 1) & mask) {
        uint32_t idx = t->slots[slot];
        if (!idx)
            return -1;
        idx--;
        if (t->hashes[idx] == h && t->lens[idx] == len && memcmp(t->strs[idx], s, len) == 0)
            return (long)idx;
    }
}

int fr_sort_index(size_t *idx, size_t n, int (*cmp)(const void *ctx, size_t a, size_t b),
                  const void *ctx)
{
    if (n < 2)
        return 0;
    size_t *tmp = malloc(n * sizeof *tmp);
    if (!tmp)
        return -1;
    /* bottom-up merge sort: stable, O(n log n), no recursion */
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                tmp[k++] = cmp(ctx, idx[j], idx[i]) < 0 ? idx[j++] : idx[i++];
            while (i < mid)
                tmp[k++] = idx[i++];
            while (j < hi)
                tmp[k++] = idx[j++];
        }
        memcpy(idx, tmp, n * sizeof *idx);
    }
    free(tmp);
    return 0;
}

static int cmp_ktab_keys(const void *ctx, size_t a, size_t b)
{
    const fr_ktab *t = ctx;
    return memcmp(fr_ktab_key(t, a), fr_ktab_key(t, b), t->key_size);
}

static int cmp_strtab(const void *ctx, size_t a, size_t b)
{
    const fr_strtab *t = ctx;
    size_t la = t->lens[a], lb = t->lens[b];
    int c = memcmp(t->strs[a], t->strs[b], la < lb ? la : lb);
    return c ? c : (la > lb) - (la < lb);
}

/* The identity permutation of n, or NULL. */
static size_t *iota(size_t n)
{
    size_t *v = malloc((n ? n : 1) * sizeof *v);
    for (size_t i = 0; v && i < n; i++)
        v[i] = i;
    return v;
}

size_t *fr_ktab_order(const fr_ktab *t)
{
    size_t *v = iota(t->count);
    if (v && fr_sort_index(v, t->count, cmp_ktab_keys, t)) {
        free(v);
        return NULL;
    }
    return v;
}

size_t *fr_strtab_order(const fr_strtab *t)
{
    size_t *v = iota(t->count);
    if (v && fr_sort_index(v, t->count, cmp_strtab, t)) {
        free(v);
        return NULL;
    }
    return v;
}
