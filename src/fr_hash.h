/* SPDX-License-Identifier: MIT */
/* fr_hash: open-addressing hash tables for the reducer's aggregates: one with
 * fixed-size byte keys and values, one interning strings to dense indexes. */
#ifndef FR_HASH_H
#define FR_HASH_H

#include <stddef.h>
#include <stdint.h>

/* Returns a 64-bit hash of key[0..len). */
uint64_t fr_hash_bytes(const void *key, size_t len);

/* A table of fixed-size keys to fixed-size values, both stored inline.
 * Entries stay at dense indexes 0..count-1 in insertion order. */
typedef struct fr_ktab {
    size_t key_size, val_size, entry_size;
    size_t count, cap;      /* entries */
    uint8_t *entries;       /* count * entry_size: key then value */
    uint32_t *slots;        /* index+1, 0 = empty */
    size_t nslots;          /* power of two */
} fr_ktab;

/* Initialises t; returns 0, or -1 when out of memory. */
int fr_ktab_init(fr_ktab *t, size_t key_size, size_t val_size);
/* Frees t's memory. */
void fr_ktab_clear(fr_ktab *t);
/* Finds key; when absent inserts it with a zeroed value and sets *created.
 * Returns the value, or NULL when out of memory. */
void *fr_ktab_upsert(fr_ktab *t, const void *key, uint64_t hash, int *created);
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
/* Bytes of memory the table holds. */
size_t fr_ktab_bytes(const fr_ktab *t);

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

#endif
