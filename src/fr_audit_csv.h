/* SPDX-License-Identifier: MIT */
/* fr_audit_csv: the audit layer's CSV (issue 9): findings.csv, and the new
 * columns of windows.csv, interfaces.csv and gaps.csv as functions that
 * write the whole table, for report_csv.c to call (or copy) once it prints
 * them. Quoting as report_csv.c: RFC 4180, only where needed. */
#ifndef FR_AUDIT_CSV_H
#define FR_AUDIT_CSV_H

#include <stddef.h>
#include <stdio.h>

#include "fr_error.h"
#include "fr_output.h"
#include "fr_report.h"

/* The header lines (without newline) of the tables below. */
#define FR_CSV_FINDINGS_HEADER                                                                     \
    "rule,severity,interface_id,srcaddr,dstaddr,protocol,dstport,first_seen,last_seen,records,"    \
    "packets,bytes,detail"
#define FR_CSV_WINDOWS_HEADER                                                                      \
    "window_start,window_end,records,ok_records,accept_records,reject_records,"                    \
    "nodata_records,skipdata_records,packets,bytes,accept_bytes,reject_bytes,"                     \
    "interfaces,coverage_pct,skipdata_interfaces"
#define FR_CSV_INTERFACES_HEADER                                                                   \
    "interface_id,account_id,first_start,last_end,records,ok_records,"                             \
    "nodata_records,skipdata_records,accept_records,reject_records,packets,bytes,"                 \
    "covered_seconds,nodata_seconds,skipdata_seconds,silent_seconds,coverage_pct,silent_edge"
/* Appended to interfaces.csv (and any table showing an interface) when
 * --eni-info is given; an interface no file describes has description
 * "unknown" and the rest empty. */
#define FR_CSV_ENI_HEADER                                                                          \
    "description,instance_id,vpc_id,subnet_id,security_groups,private_addresses"
#define FR_CSV_CHANGES_HEADER "change,table,key,before,after"
#define FR_CSV_GAPS_HEADER "interface_id,kind,gap_start,gap_end,seconds,records,edge"

/* Each writes its table (header and rows) to fp. Gaps are r->gaps and
 * r->silent merged by interface_id, start, kind. Returns 0, or -1 when a
 * write failed. */
int fr_csv_write_findings(FILE *fp, const fr_report *r);
int fr_csv_write_windows(FILE *fp, const fr_report *r);
int fr_csv_write_interfaces(FILE *fp, const fr_report *r);
int fr_csv_write_gaps(FILE *fp, const fr_report *r);
int fr_csv_write_changes(FILE *fp, const fr_report *r);

/* The gaps of r and its SILENT stretches merged in gaps.csv's order
 * (interface_id, start, kind), as an array of n pointers into r (the caller
 * frees the array, not the rows), for every writer that lists gaps. Returns
 * the array (NULL with *n = 0 when there are none), or NULL with *n =
 * (size_t)-1 when out of memory. */
const fr_gap_row **fr_gaps_merged(const fr_report *r, size_t *n);

/* Writes the six --eni-info cells of e (NULL: unknown), each preceded by a
 * comma, for report_csv.c's rows; sets *failed on a write error. */
void fr_csv_put_eni_cells(FILE *fp, const fr_eni_row *e, int *failed);

/* Writes findings.csv, and changes.csv after a --baseline comparison, into o. Returns FR_OK or FR_ERR_IO (errbuf says). */
fr_err fr_write_csv_audit(const fr_report *r, fr_output *o, char *errbuf, size_t errlen);

#endif
