/* SPDX-License-Identifier: MIT */
/* fr_hash: open-addressing hash tables for the reducer's aggregates: one with
 * fixed-size byte keys and values, one interning strings to dense indexes. */
#ifndef FR_HASH_H
#define FR_HASH_H

#include <stddef.h>
#include <stdint.h>

/* Returns a 64-bit hash of key[0..len). */
uint64_t fr_hash_bytes(const void *key, size_t len);

/* Returns the hash of nwords 64-bit words (the key of an fr_ktab). */
static inline uint64_t fr_hash_words(const void *key, size_t nwords)
{
    const uint8_t *p = key;
    uint64_t h = 0x243f6a8885a308d3ULL ^ nwords;
    for (size_t i = 0; i < nwords; i++) {
        uint64_t w;
        __builtin_memcpy(&w, p + 8 * i, 8);
        h = (h ^ w) * 0x9fb21c651e98df25ULL;
        h ^= h >> 29;
    }
    h ^= h >> 32;
    h *= 0xd6e8feb86659fd93ULL;
    h ^= h >> 32;
    return h;
}

/* A table of fixed-size keys to fixed-size values, both stored inline.
 * Keys are whole 64-bit words (pad and zero them) hashed with fr_ktab_hash().
 * Entries stay at dense indexes 0..count-1 in insertion order. */
typedef struct fr_ktab {
    size_t key_size, val_size, entry_size;
    size_t count, cap; /* entries */
    uint8_t *entries; /* count * entry_size: key then value */
    uint64_t *slots; /* hash high bits << 32 | index+1; 0 = empty */
    size_t nslots; /* power of two, at most 70 % full */
} fr_ktab;

/* Initialises t for keys of key_size bytes (a multiple of 8); returns 0,
 * or -1 when out of memory or key_size is not a multiple of 8. */
int fr_ktab_init(fr_ktab *t, size_t key_size, size_t val_size);
/* The hash a key of t must be looked up with. */
static inline uint64_t fr_ktab_hash(const fr_ktab *t, const void *key)
{
    return fr_hash_words(key, t->key_size / 8);
}
/* Frees t's memory. */
void fr_ktab_clear(fr_ktab *t);
/* Removes every entry, keeping the memory for reuse. */
void fr_ktab_reset(fr_ktab *t);
/* Finds key; when absent inserts it with a zeroed value and sets *created.
 * Returns the value, or NULL when out of memory. */
void *fr_ktab_upsert(fr_ktab *t, const void *key, uint64_t hash, int *created);
/* Makes room for n entries in all (slots and entries), so that inserting up
 * to n - count keys neither grows nor rehashes. Returns 0 or -1 (memory;
 * t is unchanged). */
int fr_ktab_reserve(fr_ktab *t, size_t n);
/* Keeps only the entries for which keep(key, value, ctx) is nonzero, in
 * their order, in place: no memory is taken, so thinning a big table (a
 * sample's level raised) costs no fresh pages. */
void fr_ktab_filter(fr_ktab *t, int (*keep)(const void *key, const void *val, void *ctx),
                    void *ctx);
/* Finds key; returns its value or NULL. */
void *fr_ktab_find(const fr_ktab *t, const void *key, uint64_t hash);
/* Key and value of entry i. */
static inline void *fr_ktab_key(const fr_ktab *t, size_t i)
{
    return t->entries + i * t->entry_size;
}
static inline void *fr_ktab_val(const fr_ktab *t, size_t i)
{
    return t->entries + i * t->entry_size + t->key_size;
}
/* Hints the CPU to fetch the slot that key hash starts probing at. */
static inline void fr_ktab_prefetch_slot(const fr_ktab *t, uint64_t hash)
{
    __builtin_prefetch(&t->slots[hash & (t->nslots - 1)]);
}
/* Hints the CPU to fetch the first entry whose slot tag matches hash (the
 * slot itself should already be cached). Never reads the entry. */
void fr_ktab_prefetch_entry(const fr_ktab *t, uint64_t hash);

/* Interned strings: each distinct string gets index 0, 1, 2, ... */
typedef struct fr_strtab {
    size_t count, cap;
    char **strs;
    uint32_t *lens;
    uint64_t *hashes;
    uint32_t *slots;
    size_t nslots;
} fr_strtab;

/* Initialises t; returns 0 or -1. */
int fr_strtab_init(fr_strtab *t);
/* Frees t and its strings. */
void fr_strtab_clear(fr_strtab *t);
/* Returns the index of s[0..len), adding a copy when new (*created set);
 * returns -1 when out of memory. */
long fr_strtab_intern(fr_strtab *t, const char *s, size_t len, int *created);

/* Sorts the indexes idx[0..n) by cmp(ctx, a, b) (negative, 0, positive),
 * stably. Returns 0, or -1 when out of memory (idx unchanged). */
int fr_sort_index(size_t *idx, size_t n, int (*cmp)(const void *ctx, size_t a, size_t b),
                  const void *ctx);

/* Entry indexes of t ordered by key bytes, or NULL when out of memory; the
 * caller frees it. State files are written in this order, so the same
 * aggregate gives the same bytes whatever order it was built in. */
size_t *fr_ktab_order(const fr_ktab *t);

/* String indexes of t ordered by their bytes (a prefix first), or NULL. */
size_t *fr_strtab_order(const fr_strtab *t);

/* Returns the index of s[0..len), or -1 when it is not in t. */
long fr_strtab_find(const fr_strtab *t, const char *s, size_t len);

#endif
