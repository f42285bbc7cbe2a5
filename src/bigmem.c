/* SPDX-License-Identifier: MIT */
/* bigmem: blocks in quarter steps between powers of two, from 2 MiB-aligned
 * anonymous mappings marked MADV_HUGEPAGE (see fr_bigmem.h for why). */
#include "fr_bigmem.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define USE_MALLOC 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) ||                         \
    __has_feature(memory_sanitizer)
#define USE_MALLOC 1
#endif
#endif
#if !defined(MADV_HUGEPAGE) || !defined(MAP_ANONYMOUS)
#define USE_MALLOC 1
#endif

#ifndef USE_MALLOC

#define HUGE_PAGE ((size_t)2 << 20)
/* one mapping, carved into blocks; what is never handed out is never
 * touched, so it costs address space only */
#define AREA ((size_t)64 << 20)
/* block sizes: 2^k, 1.25, 1.5 and 1.75 times 2^k, from 2^16 (FR_BIGMEM_MIN)
 * on; a block is at most a quarter larger than asked for */
#define NCLASS (4 * 48)

/* the mappings made (areas carved into blocks, and blocks of their own):
 * a block is freed to where it came from, and one that could not be mapped
 * (address space limits, too many mappings) comes from malloc instead */
#define MAX_AREAS 4096
#define MAX_OWN 1024

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static void *free_blocks[NCLASS]; /* per size class, linked through their first word */
static uint8_t *next, *end; /* what is left of the area being carved */
static uint8_t *areas[MAX_AREAS];
static size_t n_areas;
static void *own[MAX_OWN]; /* blocks with a mapping of their own; NULL: a free slot */

/* The block size for `bytes` (at least FR_BIGMEM_MIN, at most SIZE_MAX / 4)
 * and its class. A block size gives itself back. */
static size_t class_size(size_t bytes, unsigned *cls)
{
    unsigned k = 63u - (unsigned)__builtin_clzll((unsigned long long)bytes);
    size_t base = (size_t)1 << k, step = base >> 2;
    size_t sub = (bytes - base + step - 1) / step;
    if (sub == 4) {
        k++;
        base <<= 1;
        step <<= 1;
        sub = 0;
    }
    *cls = (k - 16) * 4 + (unsigned)sub;
    return base + sub * step;
}

/* The bytes mapped for a block of its own of `size` bytes. */
static size_t own_bytes(size_t size)
{
    return (size + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
}

/* A mapping of `size` bytes (a multiple of HUGE_PAGE) at a HUGE_PAGE
 * boundary, marked for huge pages, or NULL. */
static void *map_aligned(size_t size)
{
    if (size > SIZE_MAX - HUGE_PAGE)
        return NULL;
    uint8_t *p = mmap(NULL, size + HUGE_PAGE, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    size_t lead = (HUGE_PAGE - (uintptr_t)p % HUGE_PAGE) % HUGE_PAGE;
    if (lead)
        munmap(p, lead);
    munmap(p + lead + size, HUGE_PAGE - lead);
    p += lead;
    (void)madvise(p, size, MADV_HUGEPAGE); /* a hint: without it, 4 KiB pages */
    return p;
}

/* The slot of block p in own[], or MAX_OWN (mu held). */
static size_t own_slot(const void *p)
{
    size_t i = 0;
    while (i < MAX_OWN && own[i] != p)
        i++;
    return i;
}

/* A block of `size` bytes, of class c, from a mapping, or NULL. */
static void *take(size_t size, unsigned c)
{
    void *p = NULL;
    if (size > AREA / 2) { /* a mapping of its own */
        pthread_mutex_lock(&mu);
        size_t i = own_slot(NULL);
        if (i < MAX_OWN && (p = map_aligned(own_bytes(size))) != NULL)
            own[i] = p;
        pthread_mutex_unlock(&mu);
        return p;
    }
    pthread_mutex_lock(&mu);
    p = free_blocks[c];
    if (p) {
        memcpy(&free_blocks[c], p, sizeof(void *));
    } else {
        if ((size_t)(end - next) < size && n_areas < MAX_AREAS) {
            uint8_t *a = map_aligned(AREA); /* the rest of the old one stays untouched */
            if (a) {
                areas[n_areas++] = a;
                next = a;
                end = a + AREA;
            }
        }
        if ((size_t)(end - next) >= size) {
            p = next;
            next += size;
        }
    }
    pthread_mutex_unlock(&mu);
    return p;
}

static void give(void *p, size_t size)
{
    pthread_mutex_lock(&mu);
    if (size > AREA / 2) {
        size_t i = own_slot(p);
        if (i < MAX_OWN)
            own[i] = NULL;
        pthread_mutex_unlock(&mu);
        if (i < MAX_OWN)
            munmap(p, own_bytes(size));
        else
            free(p); /* from malloc */
        return;
    }
    size_t i = 0;
    while (i < n_areas && !((uint8_t *)p >= areas[i] && (uint8_t *)p < areas[i] + AREA))
        i++;
    if (i < n_areas) {
        unsigned c;
        class_size(size, &c);
        memcpy(p, &free_blocks[c], sizeof(void *));
        free_blocks[c] = p;
    }
    pthread_mutex_unlock(&mu);
    if (i == n_areas)
        free(p); /* from malloc */
}

/* Grows block p of its own mapping (old bytes) to `size` bytes in place or
 * moved by the kernel; NULL when p has no mapping of its own or it fails. */
static void *regrow(void *p, size_t old, size_t size)
{
#ifdef MREMAP_MAYMOVE
    pthread_mutex_lock(&mu);
    size_t i = own_slot(p);
    void *q = MAP_FAILED;
    if (i < MAX_OWN) {
        q = mremap(p, own_bytes(old), own_bytes(size), MREMAP_MAYMOVE);
        if (q != MAP_FAILED) {
            own[i] = q;
            (void)madvise(q, own_bytes(size), MADV_HUGEPAGE);
        }
    }
    pthread_mutex_unlock(&mu);
    return q == MAP_FAILED ? NULL : q;
#else
    (void)p;
    (void)old;
    (void)size;
    return NULL;
#endif
}

int fr_bigmem_mapped(void)
{
    return 1;
}

#else

int fr_bigmem_mapped(void)
{
    return 0;
}

#endif

void *fr_bigmem_alloc(size_t bytes, size_t *size)
{
    *size = 0;
    return fr_bigmem_grow(NULL, size, 0, bytes);
}

void *fr_bigmem_grow(void *p, size_t *size, size_t keep, size_t bytes)
{
    if (bytes == 0)
        bytes = 1;
#ifndef USE_MALLOC
    if (bytes >= FR_BIGMEM_MIN) {
        if (bytes > SIZE_MAX / 4)
            return NULL;
        unsigned c;
        size_t s = class_size(bytes, &c);
        void *q = NULL;
        if (p && *size > AREA / 2 && s > AREA / 2 && (q = regrow(p, *size, s)) != NULL) {
            *size = s; /* moved by the kernel, not copied */
            return q;
        }
        if (!(q = take(s, c)) && !(q = malloc(s))) /* no mapping: malloc's */
            return NULL;
        if (keep)
            memcpy(q, p, keep);
        fr_bigmem_free(p, *size);
        *size = s;
        return q;
    }
    if (*size >= FR_BIGMEM_MIN) /* never shrinks out of a mapping */
        return p;
#endif
    void *q = realloc(p, bytes);
    if (!q)
        return NULL;
    (void)keep;
    *size = bytes;
    return q;
}

void fr_bigmem_free(void *p, size_t size)
{
    if (!p)
        return;
#ifndef USE_MALLOC
    if (size >= FR_BIGMEM_MIN) {
        give(p, size);
        return;
    }
#endif
    (void)size;
    free(p);
}
