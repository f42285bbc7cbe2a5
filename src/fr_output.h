/* SPDX-License-Identifier: MIT */
/* fr_output: an output directory written atomically. Writers create their
 * files under temporary names; fr_output_commit() renames them all into
 * place only once every one is complete; fr_output_free() without a commit
 * removes the temporaries, so a failed run leaves earlier reports untouched. */
#ifndef FR_OUTPUT_H
#define FR_OUTPUT_H

#include <stdio.h>

#include "fr_error.h"

typedef struct fr_output fr_output;

/* Creates dir (and parents) when missing. Returns NULL on failure with *err
 * set and a message in errbuf. */
fr_output *fr_output_new(const char *dir, fr_err *err, char *errbuf, size_t errlen);

/* Registers final name `name` (e.g. "windows.csv") and returns the path of its
 * temporary file (owned by o, valid until fr_output_free). NULL: out of memory. */
const char *fr_output_temp_path(fr_output *o, const char *name);

/* Registers `name` and opens its temporary file for writing ("wb").
 * Returns NULL on failure (message in errbuf). The caller fcloses it and must
 * check fclose's result. */
FILE *fr_output_open(fr_output *o, const char *name, char *errbuf, size_t errlen);

/* Renames every registered temporary onto its final name (after fsync).
 * Returns FR_OK or FR_ERR_IO with a message in errbuf. */
fr_err fr_output_commit(fr_output *o, char *errbuf, size_t errlen);

/* Full path of final name in the directory (owned by o). */
const char *fr_output_final_path(fr_output *o, const char *name);

/* Removes uncommitted temporaries and frees o; NULL is fine. */
void fr_output_free(fr_output *o);

#endif
