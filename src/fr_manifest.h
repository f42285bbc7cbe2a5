/* SPDX-License-Identifier: MIT */
/* fr_manifest: provenance of a run. Hashes the output files as they are
 * written (r->outputs, for the Markdown footer and the XLSX Summary) and
 * writes manifest.json beside them: the inputs (name, size, SHA-256,
 * records, problems) and the outputs (name, size, SHA-256), so that
 * `sha256sum -c`-style checks are possible. */
#ifndef FR_MANIFEST_H
#define FR_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include "fr_error.h"
#include "fr_output.h"
#include "fr_report.h"

/* Hashes the file at path. Returns FR_OK with out and *size, or FR_ERR_OPEN /
 * FR_ERR_IO. */
fr_err fr_sha256_file(const char *path, uint8_t out[32], uint64_t *size);

typedef struct fr_manifest fr_manifest;

/* Registers manifest.json in o (create it once the outputs are staged, before
 * fr_output_commit). Returns the manifest, or NULL (memory). */
fr_manifest *fr_manifest_new(fr_output *o);

/* Frees m; NULL is fine. */
void fr_manifest_free(fr_manifest *m);

/* Adds to r->outputs, in the order given, every name of names[0..n) that o
 * has staged and r does not list yet (names not written are skipped;
 * manifest.json never). Call it after the CSV writers so that summary.md and
 * report.xlsx can list the CSVs' hashes. Returns FR_OK, or an error with
 * errbuf set. */
fr_err fr_manifest_hash(fr_manifest *m, fr_report *r, const char *const *names, size_t n,
                        char *errbuf, size_t errlen);

/* Hashes names as fr_manifest_hash does, then writes manifest.json (every
 * output but itself). Returns FR_OK or an error with errbuf set. */
fr_err fr_manifest_write(fr_manifest *m, fr_report *r, const char *const *names, size_t n,
                         char *errbuf, size_t errlen);

#endif
