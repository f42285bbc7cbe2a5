/* SPDX-License-Identifier: MIT */
/* fr_xlsx: internals shared by the files of the XLSX writer (report_xlsx.c:
 * the workbook, Summary and the traffic sheets; xlsx_table.c: cells,
 * formats, tables that run over several sheets, page setup; xlsx_sheets.c:
 * the Summary-like sheets' rows, Details and the sheets about the inputs;
 * xlsx_audit.c: the audit layer's sheets). Not a public interface. */
#ifndef FR_XLSX_H
#define FR_XLSX_H

#include <stddef.h>
#include <stdint.h>

#include <xlsxwriter.h>

#include "fr_error.h"
#include "fr_report.h"

/* Rows per sheet, header row included: Excel's limit. Tests may lower it to
 * exercise continuation sheets without writing a million rows. */
#ifndef FR_XLSX_MAX_ROWS
#define FR_XLSX_MAX_ROWS 1048576u
#endif

#define XW_NAME "report.xlsx"
#define XW_MAX_COLS 32 /* widest table */
#define XW_WIDTH_CAP 66.0 /* widest column, in characters (a SHA-256 fits) */
#define XW_WRAP_CAP 50.0 /* widest column of wrapped text */
#define XW_LINE_HEIGHT 15.0 /* points per line of text */
#define XW_STR_MAX 32767u /* Excel's cell text limit, in characters */
#define XW_TIME_WIDTH 19.0 /* "yyyy-mm-dd hh:mm:ss" */
#define XW_MIN_DATA_SCALE 70 /* smallest print scale of a data sheet, % */
#define XW_MIN_SUMMARY_SCALE 90 /* smallest print scale of the Summary, % */
/* Workbooks with more data cells than this are written in libxlsxwriter's
 * constant-memory mode, which cannot make Excel tables: their ranges get a
 * plain autofilter instead. */
#define XW_TABLE_CELLS 2000000u

/* Excel holds dates from 1900-03-01 (serial 61; earlier serials hit the
 * 1900 leap-year bug) to 9999-12-31 23:59:59. */
#define XW_TIME_MIN INT64_C(-2203891200)
#define XW_TIME_MAX INT64_C(253402300799)

/* Column kinds: text, count ("#,##0"), code number shown without separator
 * (ports, protocol numbers: "0"), seconds shown as "[h]:mm:ss" (given in
 * seconds, written as days), UTC date-time, and text that wraps at
 * spaces within a column as wide as its longest value (capped), its row
 * growing to fit. */
typedef enum xw_kind { XW_STR, XW_NUM, XW_CODE, XW_HMS, XW_TIME, XW_WRAP } xw_kind;

/* A column: its human header (with unit) and its kind. */
typedef struct xw_col {
    const char *head;
    xw_kind kind;
} xw_col;

typedef struct xw_ctx {
    const fr_report *r;
    lxw_workbook *wb;
    int tables; /* 1: ranges are Excel tables (not constant-memory mode) */
    unsigned n_tables; /* tables made so far, for their names */
    const char *path; /* final path, for messages */
    char *tmpdir; /* libxlsxwriter's temporary files go here */
    char *buf; /* scratch for sanitised text */
    size_t cap;
    char *errbuf;
    size_t errlen;
    lxw_format *title, *note, *section, *text, *wrap, *aside, *head, *count, *code, *date, *dec;
    lxw_format *bold, *hms;
    lxw_format *hash; /* a long token (a SHA-256): smaller, never wrapped */
    double byte_div; /* bytes per unit of the chart's byte axis */
    const char *byte_unit; /* "B", "KiB", ... */
    /* cells whose text was cut to XW_STR_MAX (with a marker), and the last
     * one, so that a cell written twice counts once */
    uint64_t n_cut;
    lxw_worksheet *cut_ws;
    lxw_row_t cut_row;
    lxw_col_t cut_col;
    /* where the Details sheet ended: the count of cut cells goes there */
    lxw_worksheet *details_ws;
    lxw_row_t details_row;
} xw_ctx;

/* The Summary-like sheets, written top to bottom in three columns. */
typedef struct xw_sum {
    xw_ctx *c;
    lxw_worksheet *ws;
    lxw_row_t row; /* next row to write */
    double extra; /* points that rows taller than one line add */
    int max_lines; /* lines a text row may grow to (0: 12) */
} xw_sum;
#define XW_SUM_WA 26.0 /* label */
#define XW_SUM_WB 19.0 /* value */
#define XW_SUM_WC 30.0 /* note */
/* Lines of text the Summary shows of the command line, so that it stays one
 * page; the cell holds all of it (so do summary.md and manifest.json). */
#define XW_SUM_CMD_LINES 3

/* One table being written, possibly over several sheets. */
typedef struct xw_table {
    xw_ctx *c;
    const char *base; /* name of its first sheet */
    const xw_col *cols;
    lxw_col_t ncols;
    uint64_t total; /* data rows of the whole table */
    uint64_t done; /* data rows written on earlier sheets */
    lxw_worksheet *ws; /* current sheet */
    uint64_t sheet_no; /* 1-based number of the current sheet */
    lxw_row_t row; /* last row written on ws (0: header) */
    double lines; /* lines of text in that row */
    double width[XW_MAX_COLS];
    double fixed[XW_MAX_COLS]; /* width of XW_WRAP columns */
} xw_table;

#define XW_NCOLS(a) ((lxw_col_t)(sizeof(a) / sizeof((a)[0])))

#if defined(__GNUC__)
#define XW_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define XW_PRINTF(f, a)

#endif

/* Writes "PATH: what: libxlsxwriter's reason" to errbuf; returns
 * FR_ERR_NOMEM for an allocation failure, else FR_ERR_XLSX. */
fr_err xw_fail(xw_ctx *c, lxw_error e, const char *fmt, ...) XW_PRINTF(3, 4);

/* Writes "PATH: out of memory" to errbuf; returns FR_ERR_NOMEM. */
fr_err xw_nomem(xw_ctx *c);

/* Returns how many sheets a table of `rows` data rows needs (at least 1). */
uint64_t xw_sheets_for(uint64_t rows);

/* Writes the name of sheet `no` (1-based) of table `base` into buf (32
 * bytes); returns buf. */
char *xw_sheet_name(char *buf, const char *base, uint64_t no);

/* Returns the number of characters in UTF-8 text s (NULL: 0). */
size_t xw_chars(const char *s);

/* Cell writers: text (NULL or "" leaves the cell empty), number with a
 * format, Unix time as a UTC date-time (text when Excel cannot hold it),
 * and an internal hyperlink to cell A1 of sheet `sheet`. Each puts the
 * printed width in characters into *width and returns FR_OK or an error
 * (errbuf says). */
fr_err xw_put_str(xw_ctx *c, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const char *s,
                  lxw_format *f, double *width);
fr_err xw_put_num(xw_ctx *c, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, double v,
                  lxw_format *f, double *width);
fr_err xw_put_time(xw_ctx *c, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, int64_t t,
                   double *width);
fr_err xw_put_link(xw_ctx *c, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const char *sheet,
                   const char *text, double *width);

/* Creates the cell formats. Returns FR_OK or FR_ERR_NOMEM. */
fr_err xw_formats(xw_ctx *c);

/* Sets paper, orientation, margins, the scale (the largest that fits
 * `width` characters of columns across the page and, when height > 0,
 * `height` points of rows down it, but at least min_scale), repeated
 * header row and the "Page N of M" footer. Returns FR_OK or an error. */
fr_err xw_print_setup(xw_ctx *c, lxw_worksheet *ws, int portrait, double width, double height,
                      int min_scale, int repeat_header);

/* Starts table `base` of `rows` data rows: its first sheet, header row, and
 * a link back to the Summary beside it. Returns FR_OK or an error. */
fr_err xw_table_open(xw_ctx *c, xw_table *t, const char *base, const xw_col *cols, lxw_col_t ncols,
                     uint64_t rows);

/* Moves to the next data row, continuing on a new sheet when this one is
 * full. Returns FR_OK or an error. */
fr_err xw_table_next(xw_table *t);

/* Finishes the current sheet of t: frozen header, table or autofilter,
 * column widths, print setup. Returns FR_OK or an error. */
fr_err xw_table_finish(xw_table *t);

/* Fixes the width of XW_WRAP column col from its longest text, `chars`
 * characters. */
void xw_table_fix(xw_table *t, lxw_col_t col, size_t chars);

/* Write into column col of the current row: a count or code number (by the
 * column's kind), a time (0 with zero_blank leaves it empty), text. Each
 * returns FR_OK or an error. */
fr_err xw_num(xw_table *t, lxw_col_t col, uint64_t v);
fr_err xw_time(xw_table *t, lxw_col_t col, int64_t v, int zero_blank);
fr_err xw_str(xw_table *t, lxw_col_t col, const char *s);

/* Writes num / den as the CSV's coverage_pct (fr_pct_format: rounded down
 * to one decimal) into column col of t's current row, a number "#,##0.00";
 * empty when den is 0. Returns FR_OK or an error. */
fr_err xw_pct(xw_table *t, lxw_col_t col, uint64_t num, uint64_t den);

/* Rows of the Summary-like sheets (xlsx_sheets.c). xw_sum_open starts a
 * three-column sheet (label, value, note) with a title; xw_sum_section
 * writes an empty row then a section title; xw_sum_num a "label | count |
 * note" row; xw_sum_bytes a count with its binary units as the note;
 * xw_sum_time a date-time (empty without `have`); xw_sum_text a text over
 * columns B and C, wrapping, the row as tall as it needs; xw_sum_list the
 * items of v joined by ", " (nothing when n is 0). Each returns FR_OK or an
 * error. */
fr_err xw_sum_open(xw_ctx *c, xw_sum *s, const char *name, const char *title);
fr_err xw_sum_section(xw_sum *s, const char *title);
fr_err xw_sum_num(xw_sum *s, const char *label, uint64_t v, const char *note);
fr_err xw_sum_bytes(xw_sum *s, const char *label, uint64_t v);
fr_err xw_sum_time(xw_sum *s, const char *label, int64_t t, int have, const char *note);
fr_err xw_sum_text(xw_sum *s, const char *label, const char *text);
fr_err xw_sum_list(xw_sum *s, const char *label, char *const *v, size_t n);

/* Returns the items of v joined by ", " in malloc'ed memory ("" for none),
 * or NULL when out of memory. */
char *xw_join(char *const *v, size_t n);

/* Returns the Inputs status of in: OK, MALFORMED LINES, DAMAGED, FAILED
 * (could not be opened) or UNSUPPORTED. */
const char *xw_status(const fr_input_row *in);

/* The sheets of xlsx_sheets.c: How to read; Inputs; Problems and Problem
 * reasons; Fetch (none for a local run). Each returns FR_OK or an error. */
fr_err xw_howto(xw_ctx *c);
fr_err xw_inputs(xw_ctx *c);
fr_err xw_problems(xw_ctx *c);
fr_err xw_fetch(xw_ctx *c);

/* The Details sheet (xlsx_sheets.c): the input counters, how exact the top
 * tables are, and the provenance, with the SHA-256 of every output written
 * before the workbook. Returns FR_OK or an error. */
fr_err xw_details(xw_ctx *c);

/* Appends to the Details sheet how many cells were cut to Excel's
 * 32,767-character limit, when any were; called after every other sheet.
 * Returns FR_OK or an error. */
fr_err xw_details_cut(xw_ctx *c);

/* The audit layer's sheets (xlsx_audit.c): Findings (findings.csv), Changes
 * (changes.csv; only after a --baseline comparison) and Coverage (the
 * interfaces, worst coverage first). Each returns FR_OK or an error. */
fr_err xw_findings(xw_ctx *c);
fr_err xw_changes(xw_ctx *c);
fr_err xw_coverage(xw_ctx *c);

/* The --eni-info columns (xlsx_audit.c): XW_ENI_NCOLS headers appended to
 * the Interfaces sheet when r->eni_info_given; xw_eni_cells writes those of
 * interface `id` from column col on ("unknown" description when no file
 * describes it). */
#define XW_ENI_NCOLS 6
extern const xw_col xw_eni_cols[XW_ENI_NCOLS];
fr_err xw_eni_cells(xw_table *t, lxw_col_t col, const char *id);

#endif
