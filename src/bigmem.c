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

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static void *free_blocks[NCLASS]; /* per size class, linked through their first word */
static uint8_t *next, *end; /* what is left of the mapping being carved */

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

/* A block of `size` bytes, of class c. */
static void *take(size_t size, unsigned c)
{
    if (size > AREA / 2) { /* a mapping of its own */
        size_t m = (size + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
        return m < size ? NULL : map_aligned(m);
    }
    pthread_mutex_lock(&mu);
    void *p = c < NCLASS ? free_blocks[c] : NULL;
    if (p) {
        memcpy(&free_blocks[c], p, sizeof(void *));
    } else {
        if ((size_t)(end - next) < size) { /* the rest of the old area stays untouched */
            uint8_t *a = map_aligned(AREA);
            if (a) {
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
    if (size > AREA / 2) {
        munmap(p, (size + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE);
        return;
    }
    unsigned c;
    class_size(size, &c);
    pthread_mutex_lock(&mu);
    memcpy(p, &free_blocks[c], sizeof(void *));
    free_blocks[c] = p;
    pthread_mutex_unlock(&mu);
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
#ifdef MREMAP_MAYMOVE
        if (p && *size > AREA / 2 && s > AREA / 2) { /* moved by the kernel, not copied */
            size_t om = (*size + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
            size_t nm = (s + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
            void *q = mremap(p, om, nm, MREMAP_MAYMOVE);
            if (q == MAP_FAILED)
                return NULL;
            (void)madvise(q, nm, MADV_HUGEPAGE);
            *size = s;
            return q;
        }
#endif
        void *q = take(s, c);
        if (!q)
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
