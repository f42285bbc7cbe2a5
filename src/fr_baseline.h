/* SPDX-License-Identifier: MIT */
/* fr_baseline: comparison with a previous run (--baseline DIR). Reads that
 * run's manifest.json and CSVs (libcsv) and fills r->changes: interfaces new
 * and gone, new public peers among the top talkers, newly exposed admin
 * ports, findings new and resolved, rank moves in the top tables, totals and
 * coverage (SEMANTICS.md "Comparison with a baseline"). */
#ifndef FR_BASELINE_H
#define FR_BASELINE_H

#include <stddef.h>

#include "fr_error.h"
#include "fr_findings.h"
#include "fr_report.h"

/* Compares r (finished, findings included) with the run in dir. When dir is
 * no compatible baseline (no manifest.json, another format or version, another
 * window), sets *ignored with the reason in errbuf and returns FR_OK with r
 * unchanged. Returns FR_OK, or FR_ERR_NOMEM / FR_ERR_IO (errbuf says). o
 * classifies addresses (--vpc-cidr). */
fr_err fr_baseline_compare(fr_report *r, const char *dir, const fr_audit_opts *o, int *ignored,
                           char *errbuf, size_t errlen);

#endif
