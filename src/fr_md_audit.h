/* SPDX-License-Identifier: MIT */
/* fr_md_audit: the audit layer's Markdown (issue 9), for report_md.c to call:
 * the first-page sentence on coverage, the Findings section (top of
 * summary.md), the Coverage section (worst interfaces first) and the footer
 * list of output hashes. Each writes to fp and returns 0, or -1 when a write
 * failed. Text from the input (interface ids, details) is escaped so it can
 * neither break a table nor inject markup. */
#ifndef FR_MD_AUDIT_H
#define FR_MD_AUDIT_H

#include <stddef.h>
#include <stdio.h>

#include "fr_report.h"

/* A Markdown writer shared by report_md.c and the audit sections: the
 * stream and a sticky flag that any failed write sets. */
typedef struct fr_md {
    FILE *fp;
    int failed;
} fr_md;

/* printf to m->fp; a failed write sets m->failed. */
void fr_md_printf(fr_md *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* fr_md_put_text to m->fp; a failed write sets m->failed. */
void fr_md_text(fr_md *m, const char *s);

/* Writes input text s as plain Markdown text, safe inside table cells: the
 * punctuation that could start markup, HTML or an entity is
 * backslash-escaped, "://", "www." and "@" cannot become autolinks, and
 * control characters become visible "\xHH" escapes. report_md.c uses it
 * for everything from the input. Returns 0, or -1 when a write failed. */
int fr_md_put_text(FILE *fp, const char *s);

/* "Logs cover 97.2 % of interface-time; 3 interfaces lost data (SKIPDATA);
 * 1 went silent (the longest stretch 2 h)." and a newline. */
int fr_md_audit_sentence(FILE *fp, const fr_report *r);

/* "## Findings": counts by severity and a table of the first max_rows. */
int fr_md_findings(FILE *fp, const fr_report *r, size_t max_rows);

/* "## Coverage": totals and the max_rows worst interfaces (lowest
 * coverage_pct, then most silent seconds, then interface_id). */
int fr_md_coverage(FILE *fp, const fr_report *r, size_t max_rows);

/* The footer's "Outputs" list: name, size and SHA-256 of r->outputs (the
 * files written before summary.md). */
int fr_md_provenance(FILE *fp, const fr_report *r);

#endif
