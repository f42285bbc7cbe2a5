/* SPDX-License-Identifier: MIT */
/* fr_source: turns command-line inputs (files, directories, "-") into the
 * sorted list of files to read. */
#ifndef FR_SOURCE_H
#define FR_SOURCE_H

#include <stddef.h>

#include "fr_error.h"

typedef struct fr_source_item {
    char *path;
    char *error; /* set when the path could not be listed or opened */
} fr_source_item;

typedef struct fr_source_list {
    size_t n, cap;
    fr_source_item *items; /* sorted by path (byte order), distinct */
} fr_source_list;

/* Expands args into list: directories are walked recursively (names starting
 * with '.' skipped), the result sorted and de-duplicated. Unlistable or missing
 * paths become items with an error. Returns FR_OK or FR_ERR_NOMEM. */
fr_err fr_source_expand(char *const *args, size_t nargs, fr_source_list *list);

/* Frees the list's contents. */
void fr_source_list_clear(fr_source_list *list);

#endif
