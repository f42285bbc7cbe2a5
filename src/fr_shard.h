/* SPDX-License-Identifier: MIT */
/* fr_shard: --shard K/N, which inputs a shard of a sharded run reads. */
#ifndef FR_SHARD_H
#define FR_SHARD_H

#include <stddef.h>

#include "fr_source.h"

/* FNV-1a 64-bit (Fowler/Noll/Vo): offset basis and prime. */
#define FR_FNV1A64_OFFSET 0xcbf29ce484222325ULL
#define FR_FNV1A64_PRIME 0x100000001b3ULL

/* The shard (0..n-1) of an input name: FNV-1a 64-bit of the name's bytes
 * (without the terminating NUL), modulo n. The name is the item's path as
 * listed: a local path as the directory walk found it (so "./logs/a.gz" and
 * "logs/a.gz" differ: every shard must be given the same INPUTs), or
 * s3://bucket/key. It depends on nothing else, so every shard of one command
 * computes the same partition, and adding inputs never moves the others.
 * n 0 is taken as 1 (returns 0). */
unsigned fr_shard_of(const char *name, unsigned n);

/* Keeps in list only the items of shard k of n: an item belongs to shard
 * fr_shard_of(item->path, n). Frees the others' strings (the opener's handle
 * is not the list's: it is left alone, as fr_source_list_clear does). The
 * kept items stay in their order; list->notes are kept as they are.
 * n 0 (no --shard) keeps everything. Returns how many were dropped. */
size_t fr_shard_select(fr_source_list *list, unsigned k, unsigned n);

#endif
