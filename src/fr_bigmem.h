/* SPDX-License-Identifier: MIT */
/* fr_bigmem: blocks for the large arrays that grow by doubling (the
 * aggregate's interval lists), carved from big anonymous mappings that ask
 * the kernel for transparent huge pages.
 *
 * Why: a merge of a month of states writes tens of MB of intervals into
 * fresh memory, and providing a fresh 4 KiB page costs the kernel about
 * 11 microseconds on the VMs flowreport was measured on (doc/SCALING.md);
 * one 2 MiB page replaces 512 of those faults. Blocks are at most a
 * quarter larger than asked for (a huge page makes the slack resident);
 * a freed block is kept for the next request of its size and the mappings
 * are given back at exit. Smaller blocks, blocks that cannot be mapped
 * (address space limits, too many mappings), builds without MADV_HUGEPAGE
 * and sanitizer builds (whose checks need malloc's blocks) use malloc.
 * Thread-safe. */
#ifndef FR_BIGMEM_H
#define FR_BIGMEM_H

#include <stddef.h>

/* The smallest block taken from the mappings. */
#define FR_BIGMEM_MIN ((size_t)64 << 10)

/* Returns a block of at least `bytes` bytes (> 0), its size in *size (what
 * fr_bigmem_free and fr_bigmem_grow need back), or NULL. */
void *fr_bigmem_alloc(size_t bytes, size_t *size);

/* A block of at least `bytes` bytes holding the first `keep` bytes of p (a
 * block of *size bytes, or NULL with *size 0), which is freed; *size is
 * updated. Returns NULL (p untouched) when out of memory. */
void *fr_bigmem_grow(void *p, size_t *size, size_t keep, size_t bytes);

/* Frees block p of `size` bytes (as returned); NULL is fine. */
void fr_bigmem_free(void *p, size_t size);

/* Whether blocks come from huge-page mappings in this build (for tests). */
int fr_bigmem_mapped(void);

#endif
