/* SPDX-License-Identifier: MIT */
/* fr_writers: the three report writers. Each formats a finished fr_report into
 * files of an fr_output; none computes anything the model does not hold. */
#ifndef FR_WRITERS_H
#define FR_WRITERS_H

#include <stddef.h>

#include "fr_error.h"
#include "fr_output.h"
#include "fr_report.h"

/* Writes windows.csv, interfaces.csv, gaps.csv, top_talkers.csv,
 * top_rejected.csv, top_ports.csv, inputs.csv, problems.csv (malformed lines
 * by reason), and fetch.csv when the report has remote sources. Text from
 * the input that a spreadsheet would run as a formula is prefixed with "'". Returns FR_OK or an error (errbuf says). */
fr_err fr_write_csv(const fr_report *r, fr_output *o, char *errbuf, size_t errlen);

/* Writes summary.md. */
fr_err fr_write_md(const fr_report *r, fr_output *o, char *errbuf, size_t errlen);

/* Writes report.xlsx. */
fr_err fr_write_xlsx(const fr_report *r, fr_output *o, char *errbuf, size_t errlen);

#endif
