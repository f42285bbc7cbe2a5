/* SPDX-License-Identifier: MIT */
/* shard: the partition of the inputs among the N shards of a sharded run
 * (--shard K/N): each input by the FNV-1a hash of its name. */
#include "fr_shard.h"

#include <stdint.h>
#include <stdlib.h>

unsigned fr_shard_of(const char *name, unsigned n)
{
    uint64_t h = FR_FNV1A64_OFFSET;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        h ^= *p;
        h *= FR_FNV1A64_PRIME;
    }
    return n > 1 ? (unsigned)(h % n) : 0;
}

size_t fr_shard_select(fr_source_list *list, unsigned k, unsigned n)
{
    if (n == 0)
        return 0;
    size_t kept = 0;
    for (size_t i = 0; i < list->n; i++) {
        fr_source_item *it = &list->items[i];
        if (fr_shard_of(it->path, n) == k) {
            list->items[kept++] = *it;
            continue;
        }
        free(it->path);
        free(it->error);
        free(it->etag);
    }
    size_t dropped = list->n - kept;
    list->n = kept;
    return dropped;
}
