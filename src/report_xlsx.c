/* SPDX-License-Identifier: MIT */
/* report_xlsx: formats a finished fr_report as report.xlsx (Summary, Windows,
 * Interfaces, Gaps, Top talkers, Top rejected, Top ports, Inputs and, for
 * remote sources, Fetch) with
 * libxlsxwriter in constant-memory mode, one row after the other. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xlsxwriter.h>

#include "fr_writers.h"

/* Rows per sheet, header row included: Excel's limit. Tests may lower it to
 * exercise continuation sheets without writing a million rows. */
#ifndef FR_XLSX_MAX_ROWS
#define FR_XLSX_MAX_ROWS 1048576u
#endif
_Static_assert(FR_XLSX_MAX_ROWS >= 2 && FR_XLSX_MAX_ROWS <= LXW_ROW_MAX,
               "FR_XLSX_MAX_ROWS must be within 2..1048576");

#define XW_NAME "report.xlsx"
#define XW_MAX_COLS 16 /* widest table */
#define XW_WIDTH_CAP 66.0 /* widest column, in characters (a SHA-256 fits) */
#define XW_WRAP_CAP 50.0 /* widest column of wrapped text */
#define XW_LINE_HEIGHT 15.0 /* points per line of text */
#define XW_STR_MAX 32767u /* Excel's cell text limit, in characters */
#define XW_TIME_WIDTH 19.0 /* "yyyy-mm-dd hh:mm:ss" */
#define XW_COLOR_BYTES 0x2F5597
#define XW_COLOR_REJECT 0xC00000

/* Excel holds dates from 1900-03-01 (serial 61; earlier serials hit the
 * 1900 leap-year bug) to 9999-12-31 23:59:59. */
#define XW_TIME_MIN INT64_C(-2203891200)
#define XW_TIME_MAX INT64_C(253402300799)

/* Column kinds: text, count, UTC date-time, and text that wraps within a
 * column as wide as its longest value (capped), its row growing to fit. */
typedef enum xw_kind { XW_STR, XW_NUM, XW_TIME, XW_WRAP } xw_kind;

typedef struct xw_col {
    const char *name;
    xw_kind kind;
} xw_col;

typedef struct xw_ctx {
    const fr_report *r;
    lxw_workbook *wb;
    const char *path; /* final path, for messages */
    char *tmpdir; /* libxlsxwriter's temporary files go here */
    char *buf; /* scratch for sanitised text */
    size_t cap;
    char *errbuf;
    size_t errlen;
    lxw_format *title, *note, *section, *text, *wrap, *aside, *head, *count, *date;
} xw_ctx;

/* One table being written, possibly over several sheets. */
typedef struct xw_table {
    xw_ctx *c;
    const char *base; /* name of its first sheet */
    const xw_col *cols;
    lxw_col_t ncols;
    lxw_worksheet *ws; /* current sheet */
    uint64_t sheet_no; /* 1-based number of the current sheet */
    lxw_row_t row; /* last row written on ws (0: header) */
    double lines; /* lines of text in that row */
    double width[XW_MAX_COLS];
    double fixed[XW_MAX_COLS]; /* width of XW_WRAP columns */
} xw_table;

/* The Summary sheet, written top to bottom. */
typedef struct xw_sum {
    xw_ctx *c;
    lxw_worksheet *ws;
    lxw_row_t row; /* next row to write */
    double wa, wb, wc; /* widths of columns A, B and C */
} xw_sum;

static const xw_col xw_windows_cols[] = {
    {"window_start", XW_TIME},  {"window_end", XW_TIME},      {"records", XW_NUM},
    {"ok_records", XW_NUM},     {"accept_records", XW_NUM},   {"reject_records", XW_NUM},
    {"nodata_records", XW_NUM}, {"skipdata_records", XW_NUM}, {"packets", XW_NUM},
    {"bytes", XW_NUM},          {"accept_bytes", XW_NUM},     {"reject_bytes", XW_NUM},
    {"interfaces", XW_NUM},
};
#define XW_WIN_COL_START 0
#define XW_WIN_COL_REJECT 5
#define XW_WIN_COL_BYTES 9

static const xw_col xw_iface_cols[] = {
    {"interface_id", XW_STR},   {"account_id", XW_STR},       {"first_start", XW_TIME},
    {"last_end", XW_TIME},      {"records", XW_NUM},          {"ok_records", XW_NUM},
    {"nodata_records", XW_NUM}, {"skipdata_records", XW_NUM}, {"accept_records", XW_NUM},
    {"reject_records", XW_NUM}, {"packets", XW_NUM},          {"bytes", XW_NUM},
};

static const xw_col xw_gap_cols[] = {
    {"interface_id", XW_STR}, {"kind", XW_STR},    {"gap_start", XW_TIME},
    {"gap_end", XW_TIME},     {"seconds", XW_NUM}, {"records", XW_NUM},
};

static const xw_col xw_talker_cols[] = {
    {"rank", XW_NUM},    {"srcaddr", XW_STR}, {"dstaddr", XW_STR},
    {"records", XW_NUM}, {"packets", XW_NUM}, {"bytes", XW_NUM},
};

static const xw_col xw_rejected_cols[] = {
    {"rank", XW_NUM},    {"srcaddr", XW_STR}, {"records", XW_NUM},
    {"packets", XW_NUM}, {"bytes", XW_NUM},
};

static const xw_col xw_port_cols[] = {
    {"rank", XW_NUM},    {"protocol", XW_NUM},       {"dstport", XW_NUM},
    {"records", XW_NUM}, {"accept_records", XW_NUM}, {"reject_records", XW_NUM},
    {"packets", XW_NUM}, {"bytes", XW_NUM},
};

static const xw_col xw_input_cols[] = {
    {"path", XW_WRAP},        {"status", XW_STR},      {"format", XW_STR},  {"size", XW_NUM},
    {"text_bytes", XW_NUM},   {"sha256", XW_STR},      {"lines", XW_NUM},   {"records", XW_NUM},
    {"malformed", XW_NUM},    {"excluded", XW_NUM},    {"untimed", XW_NUM}, {"tgw_records", XW_NUM},
    {"first_start", XW_TIME}, {"last_start", XW_TIME}, {"error", XW_WRAP},  {"etag", XW_STR},
};

static const xw_col xw_fetch_cols[] = {
    {"source", XW_WRAP},   {"kind", XW_STR},    {"requests", XW_NUM}, {"retries", XW_NUM},
    {"throttles", XW_NUM}, {"pages", XW_NUM},   {"listed", XW_NUM},   {"read", XW_NUM},
    {"failed", XW_NUM},    {"skipped", XW_NUM}, {"events", XW_NUM},   {"bytes", XW_NUM},
    {"error", XW_WRAP},
};

#define XW_NCOLS(a) ((lxw_col_t)(sizeof(a) / sizeof((a)[0])))

#if defined(__GNUC__)
#define XW_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define XW_PRINTF(f, a)
#endif

/* Writes "PATH: what: libxlsxwriter's reason" to errbuf; returns
 * FR_ERR_NOMEM for an allocation failure, else FR_ERR_XLSX. */
static fr_err xw_fail(xw_ctx *c, lxw_error e, const char *fmt, ...) XW_PRINTF(3, 4);
static fr_err xw_fail(xw_ctx *c, lxw_error e, const char *fmt, ...)
{
    char what[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (c->errbuf && c->errlen)
        snprintf(c->errbuf, c->errlen, "%s: %s: %s", c->path, what, lxw_strerror(e));
    return e == LXW_ERROR_MEMORY_MALLOC_FAILED ? FR_ERR_NOMEM : FR_ERR_XLSX;
}

/* Writes "PATH: out of memory" to errbuf; returns FR_ERR_NOMEM. */
static fr_err xw_nomem(xw_ctx *c)
{
    if (c->errbuf && c->errlen)
        snprintf(c->errbuf, c->errlen, "%s: out of memory", c->path);
    return FR_ERR_NOMEM;
}

/* Returns how many sheets a table of `rows` data rows needs (at least 1). */
static uint64_t xw_sheets_for(uint64_t rows)
{
    const uint64_t per = FR_XLSX_MAX_ROWS - 1;

    return rows == 0 ? 1 : (rows + per - 1) / per;
}

/* Writes the name of sheet `no` (1-based) of table `base` into buf (32
 * bytes); returns buf. */
static char *xw_sheet_name(char *buf, const char *base, uint64_t no)
{
    if (no <= 1)
        snprintf(buf, 32, "%s", base);
    else
        snprintf(buf, 32, "%s (%" PRIu64 ")", base, no);
    return buf;
}

/* Returns the width in characters of v printed with "#,##0". */
static double xw_num_width(double v)
{
    char tmp[64];
    int n = snprintf(tmp, sizeof tmp, "%.0f", v < 0 ? -v : v);

    if (n < 1)
        n = 1;
    return (double)n + (n - 1) / 3 + (v < 0 ? 1 : 0);
}

/* Formats n bytes in binary units ("512 B", "1.2 GiB") into buf (32 bytes);
 * returns buf. */
static char *xw_human_bytes(uint64_t n, char *buf)
{
    static const char *const unit[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double v = (double)n;
    int u = -1;

    if (n < 1024) {
        snprintf(buf, 32, "%" PRIu64 " B", n);
        return buf;
    }
    while (v >= 1023.95 && u < 5) { /* never "1024.0 KiB" */
        v /= 1024.0;
        u++;
    }
    snprintf(buf, 32, "%.1f %s", v, unit[u]);
    return buf;
}

/* Formats a duration as its two largest units ("1h", "2d 3h", "4m 5s") into
 * buf (32 bytes); returns buf. */
static char *xw_human_duration(uint64_t s, char *buf)
{
    static const uint64_t len[] = {86400, 3600, 60, 1};
    static const char sym[] = "dhms";
    size_t used = 0;
    int parts = 0;

    buf[0] = '\0';
    for (int i = 0; i < 4 && parts < 2; i++) {
        uint64_t q = s / len[i];
        if (q == 0 && parts == 0)
            continue;
        s -= q * len[i];
        if (q)
            used += (size_t)snprintf(buf + used, 32 - used, "%s%" PRIu64 "%c", parts ? " " : "", q,
                                     sym[i]);
        parts++;
    }
    if (!buf[0])
        snprintf(buf, 32, "0s");
    return buf;
}

/* Copies s into c->buf as UTF-8 that XML and Excel accept: each maximal
 * invalid byte sequence, control character and U+FFFE/U+FFFF becomes
 * U+FFFD, and the text stops after XW_STR_MAX characters. Returns the copy
 * (its length in characters in *nchars), or NULL when out of memory. */
static const char *xw_text(xw_ctx *c, const char *s, size_t *nchars)
{
    /* at most 4 bytes out per byte in, and per character kept */
    size_t n = strlen(s), need = (n < XW_STR_MAX ? n : XW_STR_MAX) * 4 + 1;
    size_t i = 0, o = 0, chars = 0;

    if (need > c->cap) {
        char *nb = realloc(c->buf, need);
        if (!nb)
            return NULL;
        c->buf = nb;
        c->cap = need;
    }
    while (i < n && chars < XW_STR_MAX) {
        const unsigned char *p = (const unsigned char *)s + i;
        uint32_t cp;
        size_t len = 1, more = 0;
        unsigned lo = 0x80, hi = 0xBF;

        if (p[0] < 0x80) {
            cp = p[0];
        } else if (p[0] >= 0xC2 && p[0] <= 0xDF) {
            cp = p[0] & 0x1Fu;
            more = 1;
        } else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
            cp = p[0] & 0x0Fu;
            more = 2;
            lo = p[0] == 0xE0 ? 0xA0 : 0x80;
            hi = p[0] == 0xED ? 0x9F : 0xBF;
        } else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
            cp = p[0] & 0x07u;
            more = 3;
            lo = p[0] == 0xF0 ? 0x90 : 0x80;
            hi = p[0] == 0xF4 ? 0x8F : 0xBF;
        } else {
            cp = 0xFFFD;
        }
        while (more && i + len < n && p[len] >= lo && p[len] <= hi) {
            cp = (cp << 6) | (p[len] & 0x3Fu);
            len++;
            more--;
            lo = 0x80;
            hi = 0xBF;
        }
        if (more)
            cp = 0xFFFD; /* truncated sequence: one U+FFFD for all of it */
        if (cp < 0x20 || cp == 0x7F || cp == 0xFFFE || cp == 0xFFFF)
            cp = 0xFFFD;
        if (cp < 0x80) {
            c->buf[o++] = (char)cp;
        } else if (cp < 0x800) {
            c->buf[o++] = (char)(0xC0 | (cp >> 6));
            c->buf[o++] = (char)(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            c->buf[o++] = (char)(0xE0 | (cp >> 12));
            c->buf[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
            c->buf[o++] = (char)(0x80 | (cp & 0x3F));
        } else {
            c->buf[o++] = (char)(0xF0 | (cp >> 18));
            c->buf[o++] = (char)(0x80 | ((cp >> 12) & 0x3F));
            c->buf[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
            c->buf[o++] = (char)(0x80 | (cp & 0x3F));
        }
        i += len;
        chars++;
    }
    c->buf[o] = '\0';
    *nchars = chars;
    return c->buf;
}

/* Writes text s (NULL or "" leaves the cell empty); its width in characters
 * goes to *width. Returns FR_OK or an error (errbuf says). */
static fr_err xw_put_str(xw_ctx *c, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const char *s,
                         lxw_format *f, double *width)
{
    char cell[LXW_MAX_CELL_NAME_LENGTH];
    const char *t;
    size_t chars = 0;
    lxw_error e;

    *width = 0;
    if (!s || !*s) {
        if (!f)
            return FR_OK;
        e = worksheet_write_blank(ws, row, col, f);
    } else {
        if (!(t = xw_text(c, s, &chars)))
            return xw_nomem(c);
        *width = (double)chars;
        e = worksheet_write_string(ws, row, col, t, f);
    }
    if (e != LXW_NO_ERROR) {
        lxw_rowcol_to_cell(cell, row, col);
        return xw_fail(c, e, "cannot write cell %s!%s", ws->name, cell);
    }
    return FR_OK;
}

/* Writes number v with format f; its printed width goes to *width. Returns
 * FR_OK or an error (errbuf says). */
static fr_err xw_put_num(xw_ctx *c, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, double v,
                         lxw_format *f, double *width)
{
    char cell[LXW_MAX_CELL_NAME_LENGTH];
    lxw_error e = worksheet_write_number(ws, row, col, v, f);

    if (e != LXW_NO_ERROR) {
        lxw_rowcol_to_cell(cell, row, col);
        return xw_fail(c, e, "cannot write cell %s!%s", ws->name, cell);
    }
    *width = xw_num_width(v);
    return FR_OK;
}

/* Writes Unix time t as an Excel date-time in UTC; a time Excel cannot hold
 * is written as ISO-8601 text instead. Returns FR_OK or an error. */
static fr_err xw_put_time(xw_ctx *c, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, int64_t t,
                          double *width)
{
    char cell[LXW_MAX_CELL_NAME_LENGTH], iso[32];
    lxw_error e;

    if (t < XW_TIME_MIN || t > XW_TIME_MAX)
        return xw_put_str(c, ws, row, col, fr_time_iso(t, iso), NULL, width);
    e = worksheet_write_unixtime(ws, row, col, t, c->date);
    if (e != LXW_NO_ERROR) {
        lxw_rowcol_to_cell(cell, row, col);
        return xw_fail(c, e, "cannot write cell %s!%s", ws->name, cell);
    }
    *width = XW_TIME_WIDTH;
    return FR_OK;
}

/* Creates the cell formats. Returns FR_OK or FR_ERR_NOMEM. */
static fr_err xw_formats(xw_ctx *c)
{
    lxw_workbook *wb = c->wb;

    if (!(c->title = workbook_add_format(wb)) || !(c->note = workbook_add_format(wb)) ||
        !(c->section = workbook_add_format(wb)) || !(c->text = workbook_add_format(wb)) ||
        !(c->wrap = workbook_add_format(wb)) || !(c->aside = workbook_add_format(wb)) ||
        !(c->head = workbook_add_format(wb)) || !(c->count = workbook_add_format(wb)) ||
        !(c->date = workbook_add_format(wb)))
        return xw_nomem(c);
    format_set_bold(c->title);
    format_set_font_size(c->title, 16);
    format_set_font_color(c->title, 0x1F3864);
    format_set_italic(c->note);
    format_set_font_color(c->note, 0x595959);
    format_set_bold(c->section);
    format_set_font_size(c->section, 12);
    format_set_font_color(c->section, 0x1F3864);
    format_set_bottom(c->section, LXW_BORDER_THIN);
    format_set_bottom_color(c->section, 0x8EA9DB);
    format_set_align(c->text, LXW_ALIGN_VERTICAL_TOP);
    format_set_text_wrap(c->wrap);
    format_set_align(c->wrap, LXW_ALIGN_VERTICAL_TOP);
    format_set_align(c->wrap, LXW_ALIGN_LEFT);
    format_set_indent(c->aside, 1);
    format_set_font_color(c->aside, 0x595959);
    format_set_align(c->aside, LXW_ALIGN_VERTICAL_TOP);
    format_set_bold(c->head);
    format_set_bg_color(c->head, 0xD9E1F2);
    format_set_bottom(c->head, LXW_BORDER_THIN);
    format_set_num_format(c->count, "#,##0");
    format_set_align(c->count, LXW_ALIGN_VERTICAL_TOP);
    format_set_num_format(c->date, "yyyy-mm-dd hh:mm:ss");
    format_set_align(c->date, LXW_ALIGN_VERTICAL_TOP);
    return FR_OK;
}

/* Sets title, subject, author and a creation time equal to the end of the
 * period, so the same input gives the same workbook. Returns FR_OK or an
 * error. */
static fr_err xw_properties(xw_ctx *c)
{
    const fr_report *r = c->r;
    char title[] = "VPC Flow Logs audit report";
    char author[] = "flowreport";
    char keywords[] = "AWS, VPC Flow Logs, audit";
    char subject[128], comments[160], a[32], b[32];
    lxw_doc_properties p;
    lxw_error e;

    if (r->period_start || r->period_end)
        snprintf(subject, sizeof subject, "AWS VPC Flow Logs from %s to %s",
                 fr_time_iso(r->period_start, a), fr_time_iso(r->period_end, b));
    else
        snprintf(subject, sizeof subject, "AWS VPC Flow Logs (no period)");
    snprintf(comments, sizeof comments, "Generated by flowreport %s", r->version ? r->version : "");
    memset(&p, 0, sizeof p);
    p.title = title;
    p.subject = subject;
    p.author = author;
    p.keywords = keywords;
    p.comments = comments;
    /* libxlsxwriter takes 0 as "now"; an empty report uses 1970-01-01 00:00:01
     * instead so that its workbook is reproducible too. */
    p.created = r->period_end ? (time_t)r->period_end : (time_t)1;
    e = workbook_set_properties(c->wb, &p);
    if (e != LXW_NO_ERROR)
        return xw_fail(c, e, "cannot set document properties");
    return FR_OK;
}

/* Sets page layout and footer of a sheet for printing. Returns FR_OK or an
 * error. */
static fr_err xw_print_setup(xw_ctx *c, lxw_worksheet *ws, int repeat_header)
{
    lxw_error e;

    worksheet_set_landscape(ws);
    worksheet_fit_to_pages(ws, 1, 0);
    worksheet_set_margins(ws, 0.4, 0.4, 0.6, 0.6);
    if (repeat_header && (e = worksheet_repeat_rows(ws, 0, 0)) != LXW_NO_ERROR)
        return xw_fail(c, e, "cannot set print titles of %s", ws->name);
    e = worksheet_set_footer(ws, "&L&A&RPage &P of &N");
    if (e != LXW_NO_ERROR)
        return xw_fail(c, e, "cannot set footer of %s", ws->name);
    return FR_OK;
}

/* Adds the next sheet of table t and writes its header row. Returns FR_OK or
 * an error. */
static fr_err xw_table_sheet(xw_table *t)
{
    xw_ctx *c = t->c;
    char name[32];
    double w;
    fr_err err;

    t->sheet_no++;
    xw_sheet_name(name, t->base, t->sheet_no);
    t->ws = workbook_add_worksheet(c->wb, name);
    if (!t->ws) {
        if (c->errbuf && c->errlen)
            snprintf(c->errbuf, c->errlen,
                     "%s: cannot add sheet %s (out of memory, or no temporary "
                     "file in %s: %s)",
                     c->path, name, c->tmpdir, strerror(errno));
        return FR_ERR_XLSX;
    }
    for (lxw_col_t i = 0; i < t->ncols; i++) {
        if ((err = xw_put_str(c, t->ws, 0, i, t->cols[i].name, c->head, &w)))
            return err;
        t->width[i] = w + 3; /* room for the filter button */
    }
    t->row = 0;
    t->lines = 1;
    return FR_OK;
}

/* Ends the current row of t, making it tall enough for its wrapped text
 * (while it is still the row libxlsxwriter holds). Returns FR_OK or an
 * error. */
static fr_err xw_table_endrow(xw_table *t)
{
    lxw_error e;

    if (t->lines > 1) {
        double h = XW_LINE_HEIGHT * t->lines;
        e = worksheet_set_row(t->ws, t->row, h > 409 ? 409 : h, NULL);
        if (e != LXW_NO_ERROR)
            return xw_fail(t->c, e, "cannot set row height in %s", t->ws->name);
    }
    t->lines = 1;
    return FR_OK;
}

/* Finishes the current sheet of t: frozen header, autofilter over the whole
 * table, column widths, print setup. Returns FR_OK or an error. */
static fr_err xw_table_finish(xw_table *t)
{
    xw_ctx *c = t->c;
    lxw_worksheet *ws = t->ws;
    char range[LXW_MAX_CELL_RANGE_LENGTH];
    lxw_error e;
    fr_err err;

    if ((err = xw_table_endrow(t)))
        return err;
    worksheet_freeze_panes(ws, 1, 0);
    e = worksheet_autofilter(ws, 0, 0, t->row, (lxw_col_t)(t->ncols - 1));
    if (e != LXW_NO_ERROR)
        return xw_fail(c, e, "cannot set autofilter of %s", ws->name);
    for (lxw_col_t i = 0; i < t->ncols; i++) {
        double w = t->fixed[i] > 0 ? t->fixed[i] : t->width[i] + 1;
        if (w > XW_WIDTH_CAP)
            w = XW_WIDTH_CAP;
        e = worksheet_set_column(ws, i, i, w, NULL);
        if (e != LXW_NO_ERROR)
            return xw_fail(c, e, "cannot set column widths of %s", ws->name);
    }
    /* Account ids are digits kept as text on purpose. */
    lxw_rowcol_to_range(range, 0, 0, t->row, (lxw_col_t)(t->ncols - 1));
    e = worksheet_ignore_errors(ws, LXW_IGNORE_NUMBER_STORED_AS_TEXT, range);
    if (e != LXW_NO_ERROR)
        return xw_fail(c, e, "cannot set error options of %s", ws->name);
    e = worksheet_print_area(ws, 0, 0, t->row, (lxw_col_t)(t->ncols - 1));
    if (e != LXW_NO_ERROR)
        return xw_fail(c, e, "cannot set print area of %s", ws->name);
    worksheet_gridlines(ws, LXW_SHOW_ALL_GRIDLINES);
    if ((err = xw_print_setup(c, ws, 1)))
        return err;
    return FR_OK;
}

/* Starts table `base` with its first sheet and header. Returns FR_OK or an
 * error. */
static fr_err xw_table_open(xw_ctx *c, xw_table *t, const char *base, const xw_col *cols,
                            lxw_col_t ncols)
{
    memset(t, 0, sizeof *t);
    t->c = c;
    t->base = base;
    t->cols = cols;
    t->ncols = ncols;
    return xw_table_sheet(t);
}

/* Moves to the next data row, continuing on a new sheet when this one is
 * full. Returns FR_OK or an error. */
static fr_err xw_table_next(xw_table *t)
{
    fr_err err;

    if (t->row + 1 >= FR_XLSX_MAX_ROWS) {
        if ((err = xw_table_finish(t)) || (err = xw_table_sheet(t)))
            return err;
    } else if ((err = xw_table_endrow(t))) {
        return err;
    }
    t->row++;
    return FR_OK;
}

/* Records width w for column col of t. */
static void xw_table_width(xw_table *t, lxw_col_t col, double w)
{
    if (w > t->width[col])
        t->width[col] = w;
}

/* Writes a count into column col of the current row. Returns FR_OK or an
 * error. */
static fr_err xw_num(xw_table *t, lxw_col_t col, uint64_t v)
{
    double w;
    fr_err err = xw_put_num(t->c, t->ws, t->row, col, (double)v, t->c->count, &w);

    xw_table_width(t, col, w);
    return err;
}

/* Writes a time into column col of the current row (0 with `zero_blank`
 * leaves the cell empty). Returns FR_OK or an error. */
static fr_err xw_time(xw_table *t, lxw_col_t col, int64_t v, int zero_blank)
{
    double w;
    fr_err err;

    if (zero_blank && v == 0)
        return FR_OK;
    err = xw_put_time(t->c, t->ws, t->row, col, v, &w);
    xw_table_width(t, col, w);
    return err;
}

/* Returns the number of characters in UTF-8 text s (NULL: 0). */
static size_t xw_chars(const char *s)
{
    size_t n = 0;

    for (; s && *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* Fixes the width of XW_WRAP column col from its longest text, `chars`
 * characters. */
static void xw_table_fix(xw_table *t, lxw_col_t col, size_t chars)
{
    double w = (double)chars + 1;

    if (w < t->width[col] + 1)
        w = t->width[col] + 1;
    t->fixed[col] = w > XW_WRAP_CAP ? XW_WRAP_CAP : w;
}

/* Writes text into column col of the current row. Returns FR_OK or an
 * error. */
static fr_err xw_str(xw_table *t, lxw_col_t col, const char *s)
{
    int wrap = t->cols[col].kind == XW_WRAP && t->fixed[col] > 0;
    double w, lines;
    fr_err err = xw_put_str(t->c, t->ws, t->row, col, s, wrap ? t->c->wrap : t->c->text, &w);

    xw_table_width(t, col, w);
    if (wrap && w > t->fixed[col] - 1) {
        /* Excel breaks a long word anywhere; allow a little slack. */
        lines = (double)(int)(w / (t->fixed[col] - 2)) + 1;
        if (lines > t->lines)
            t->lines = lines;
    }
    return err;
}

/* Chooses the y-axis number format for values up to max: decimal units, as
 * Excel's scaling works in thousands, switched at 10,000 units so that
 * every tick (about a tenth of max) is a whole number of them. Returns a
 * static string. */
static const char *xw_axis_format(double max, int bytes)
{
    if (max >= 1e13)
        return bytes ? "#,##0,,,,\" TB\"" : "#,##0,,,,\" T\"";
    if (max >= 1e10)
        return bytes ? "#,##0,,,\" GB\"" : "#,##0,,,\" G\"";
    if (max >= 1e7)
        return bytes ? "#,##0,,\" MB\"" : "#,##0,,\" M\"";
    if (max >= 1e4)
        return bytes ? "#,##0,\" kB\"" : "#,##0,\" k\"";
    return "#,##0";
}

/* Returns the time-axis tick interval, in seconds, that puts at most eight
 * ticks over `span` seconds. */
static int64_t xw_axis_unit(int64_t span)
{
    static const int64_t unit[] = {60,          300,        900,        1800,       3600,
                                   7200,        10800,      21600,      43200,      86400,
                                   2 * 86400,   7 * 86400,  14 * 86400, 28 * 86400, 91 * 86400,
                                   182 * 86400, 364 * 86400};
    size_t n = sizeof unit / sizeof unit[0];

    for (size_t i = 0; i < n; i++) {
        if (span / unit[i] <= 8)
            return unit[i];
    }
    return (span / 8 / unit[n - 1] + 1) * unit[n - 1];
}

/* Inserts at (row, col) of ws a line chart of Windows column data_col over
 * the window starts. It is a scatter chart with straight lines: its x axis
 * is a true time axis, where a line chart's date axis would pile every
 * window of a day onto one point. Returns FR_OK or an error. */
static fr_err xw_chart(xw_ctx *c, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col,
                       lxw_col_t data_col, const char *title, lxw_color_t color)
{
    const fr_report *r = c->r;
    size_t n = r->n_windows < FR_XLSX_MAX_ROWS - 1 ? r->n_windows : FR_XLSX_MAX_ROWS - 1;
    int64_t first = r->windows[0].start;
    int64_t last = r->windows[n - 1].end;
    int64_t unit = xw_axis_unit(last > first ? last - first : 60);
    int64_t lo, hi;
    double max = 0;
    lxw_chart *chart;
    lxw_chart_series *s;
    lxw_chart_line line = {.color = color, .width = n > 200 ? 1.0 : 1.75};
    lxw_chart_line grid = {.color = 0xD9D9D9, .width = 0.5};
    lxw_chart_fill fill = {.color = color};
    lxw_chart_font x_font = {.size = 8, .rotation = -45};
    lxw_chart_font y_font = {.size = 8};
    lxw_chart_font title_font = {.size = 11, .bold = LXW_TRUE};
    lxw_chart_options opt = {.x_offset = 4, .y_offset = 4, .x_scale = 1.5, .y_scale = 1.1};
    lxw_error e;

    if (unit < r->window) /* no tick between two windows */
        unit = r->window;
    lo = first - ((first % unit) + unit) % unit;
    hi = last + (unit - ((last % unit) + unit) % unit) % unit;
    for (size_t i = 0; i < n; i++) {
        const fr_window_row *w = &r->windows[i];
        double v = (double)(data_col == XW_WIN_COL_BYTES ? w->bytes : w->reject_records);
        if (v > max)
            max = v;
    }
    if (!(chart = workbook_add_chart(c->wb, LXW_CHART_SCATTER_STRAIGHT)) ||
        !(s = chart_add_series(chart, NULL, NULL)))
        return xw_nomem(c);
    chart_series_set_categories(s, "Windows", 1, XW_WIN_COL_START, (lxw_row_t)n, XW_WIN_COL_START);
    chart_series_set_values(s, "Windows", 1, data_col, (lxw_row_t)n, data_col);
    chart_series_set_name_range(s, "Windows", 0, data_col);
    chart_series_set_line(s, &line);
    if (n <= 100) {
        chart_series_set_marker_type(s, LXW_CHART_MARKER_CIRCLE);
        chart_series_set_marker_size(s, 4);
        chart_series_set_marker_fill(s, &fill);
        chart_series_set_marker_line(s, &line);
    } else {
        chart_series_set_marker_type(s, LXW_CHART_MARKER_NONE);
    }
    chart_title_set_name(chart, title);
    chart_title_set_name_font(chart, &title_font);
    chart_legend_set_position(chart, LXW_CHART_LEGEND_NONE);
    chart_axis_set_num_format(chart->x_axis, unit >= 86400 ? "yyyy-mm-dd" : "mm-dd hh:mm");
    chart_axis_set_num_font(chart->x_axis, &x_font);
    chart_axis_set_min(chart->x_axis, lxw_unixtime_to_excel_date(lo));
    chart_axis_set_max(chart->x_axis, lxw_unixtime_to_excel_date(hi));
    chart_axis_set_major_unit(chart->x_axis, (double)unit / 86400.0);
    chart_axis_major_gridlines_set_visible(chart->x_axis, LXW_FALSE);
    chart_axis_set_num_format(chart->y_axis, xw_axis_format(max, data_col == XW_WIN_COL_BYTES));
    chart_axis_set_num_font(chart->y_axis, &y_font);
    chart_axis_major_gridlines_set_visible(chart->y_axis, LXW_TRUE);
    chart_axis_major_gridlines_set_line(chart->y_axis, &grid);
    chart_axis_set_min(chart->y_axis, 0);
    e = worksheet_insert_chart_opt(ws, row, col, chart, &opt);
    if (e != LXW_NO_ERROR)
        return xw_fail(c, e, "cannot insert chart into %s", ws->name);
    return FR_OK;
}

/* Inserts the bytes chart at (row, col) and the rejected-records chart below
 * it. Returns FR_OK or an error. */
static fr_err xw_charts(xw_ctx *c, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col)
{
    fr_err err;

    if ((err =
             xw_chart(c, ws, row, col, XW_WIN_COL_BYTES, "Bytes per window (UTC)", XW_COLOR_BYTES)))
        return err;
    return xw_chart(c, ws, row + 17, col, XW_WIN_COL_REJECT, "Rejected records per window (UTC)",
                    XW_COLOR_REJECT);
}

/* Widens *width to w plus a margin. */
static void xw_widen(double *width, double w)
{
    if (w + 2 > *width)
        *width = w + 2;
}

/* Writes the label of the current Summary row. Returns FR_OK or an error. */
static fr_err xw_sum_label(xw_sum *s, const char *label)
{
    double w;
    fr_err err = xw_put_str(s->c, s->ws, s->row, 0, label, s->c->text, &w);

    xw_widen(&s->wa, w);
    return err;
}

/* Writes note text into column C of the current Summary row and ends the
 * row. Returns FR_OK or an error. */
static fr_err xw_sum_note(xw_sum *s, const char *note)
{
    double w;
    fr_err err = xw_put_str(s->c, s->ws, s->row, 2, note, s->c->aside, &w);

    xw_widen(&s->wc, w + 1); /* + the indent */
    s->row++;
    return err;
}

/* Writes an empty row then a section title. Returns FR_OK or an error. */
static fr_err xw_sum_section(xw_sum *s, const char *title)
{
    double w;
    fr_err err;

    if (s->row > 0)
        s->row++;
    for (lxw_col_t i = 0; i < 3; i++) {
        err = xw_put_str(s->c, s->ws, s->row, i, i ? NULL : title, s->c->section, &w);
        if (err)
            return err;
    }
    s->row++;
    return FR_OK;
}

/* Writes a "label | count | note" row. Returns FR_OK or an error. */
static fr_err xw_sum_num(xw_sum *s, const char *label, uint64_t v, const char *note)
{
    double w;
    fr_err err;

    if ((err = xw_sum_label(s, label)) ||
        (err = xw_put_num(s->c, s->ws, s->row, 1, (double)v, s->c->count, &w)))
        return err;
    xw_widen(&s->wb, w);
    return xw_sum_note(s, note && *note ? note : NULL);
}

/* Writes a "label | bytes | human bytes" row. Returns FR_OK or an error. */
static fr_err xw_sum_bytes(xw_sum *s, const char *label, uint64_t v)
{
    char h[32];

    return xw_sum_num(s, label, v, v >= 1024 ? xw_human_bytes(v, h) : NULL);
}

/* Writes a "label | date-time | note" row; without `have` the value stays
 * empty. Returns FR_OK or an error. */
static fr_err xw_sum_time(xw_sum *s, const char *label, int64_t t, int have, const char *note)
{
    double w;
    fr_err err;

    if ((err = xw_sum_label(s, label)))
        return err;
    if (have) {
        if ((err = xw_put_time(s->c, s->ws, s->row, 1, t, &w)))
            return err;
        xw_widen(&s->wb, w);
    }
    return xw_sum_note(s, note);
}

/* Writes a "label | text" row. The text runs on to the right over empty
 * cells (these rows lie below the charts); text longer than that room wraps
 * within column B and the row grows to show it. Returns FR_OK or an error. */
static fr_err xw_sum_text(xw_sum *s, const char *label, const char *text)
{
    size_t chars = xw_chars(text);
    int wrap = (double)chars > s->wb + s->wc + 60;
    double w, lines;
    lxw_error e;
    fr_err err;

    if ((err = xw_sum_label(s, label)) ||
        (err = xw_put_str(s->c, s->ws, s->row, 1, text, wrap ? s->c->wrap : s->c->text, &w)))
        return err;
    if (wrap) {
        lines = (double)(int)(w / (s->wb - 2)) + 1;
        if (lines > 27)
            lines = 27;
        e = worksheet_set_row(s->ws, s->row, XW_LINE_HEIGHT * lines, NULL);
        if (e != LXW_NO_ERROR)
            return xw_fail(s->c, e, "cannot set row height in Summary");
    }
    s->row++;
    return FR_OK;
}

/* Writes a "Sheets" row telling which sheets hold table `base` of `rows` rows.
 * Returns FR_OK or an error. */
static fr_err xw_sum_sheets(xw_sum *s, const char *base, uint64_t rows)
{
    uint64_t n = xw_sheets_for(rows);
    char note[160], last[32];

    if (n == 1)
        snprintf(note, sizeof note, "rows on sheet %s", base);
    else
        snprintf(note, sizeof note, "rows continue over %" PRIu64 " sheets: %s to %s", n, base,
                 xw_sheet_name(last, base, n));
    return xw_sum_num(s, base, rows, note);
}

/* Writes the exactness note of a top table into buf (160 bytes); returns buf. */
static char *xw_topn_note(const fr_topn_info *i, const char *keys, const char *metric, char *buf)
{
    if (i->approximate)
        snprintf(buf, 160,
                 "approximate: a count may exceed the true one "
                 "by up to %" PRIu64 " %s",
                 i->error_bound, metric);
    else
        snprintf(buf, 160, "exact, of %" PRIu64 " distinct %s", i->distinct_keys, keys);
    return buf;
}

/* Returns, in malloc'ed memory, "SOURCE: how complete its fetch was"
 * ("all 288 objects read", "2 of 288 objects failed (see sheet Fetch)"), or
 * NULL when out of memory. */
static char *xw_fetch_line(const fr_fetch_row *f)
{
    int logs = f->kind && !strcmp(f->kind, "cloudwatch-logs");
    uint64_t want = f->listed > f->skipped ? f->listed - f->skipped : 0;
    const char *one = logs ? "slice" : "object", *many = logs ? "slices" : "objects";
    const char *src = f->source ? f->source : "";
    char how[160], skip[96] = "";
    size_t n;
    char *out;

    if (f->skipped)
        snprintf(skip, sizeof skip, "; %" PRIu64 " skipped: outside the period or unsupported",
                 f->skipped);
    if (f->failed)
        snprintf(how, sizeof how, "%" PRIu64 " of %" PRIu64 " %s failed (see sheet Fetch)%s",
                 f->failed, want, want == 1 ? one : many, skip);
    else if (f->read < want)
        snprintf(how, sizeof how,
                 "incomplete: %" PRIu64 " of %" PRIu64 " %s read (see sheet Fetch)%s", f->read,
                 want, want == 1 ? one : many, skip);
    else if (f->error)
        snprintf(how, sizeof how,
                 "%" PRIu64 " %s read, but the fetch stopped with an error (see sheet Fetch)%s",
                 f->read, f->read == 1 ? one : many, skip);
    else if (want == 0)
        snprintf(how, sizeof how, "nothing to read%s", skip);
    else
        snprintf(how, sizeof how, "all %" PRIu64 " %s read%s", want, want == 1 ? one : many, skip);
    n = strlen(src) + strlen(how) + 3;
    if (!(out = malloc(n)))
        return NULL;
    snprintf(out, n, "%s: %s", src, how);
    return out;
}

/* Writes the Summary sheet. Returns FR_OK or an error. */
static fr_err xw_summary(xw_ctx *c)
{
    const fr_report *r = c->r;
    const fr_totals *tt = &r->totals;
    int have_period = r->period_start || r->period_end;
    uint64_t window = (uint64_t)(r->window > 0 ? r->window : 0);
    char h[32], note[160], *fields = NULL;
    double w;
    lxw_error e;
    fr_err err;
    xw_sum s = {.c = c, .wa = 12, .wb = XW_TIME_WIDTH + 2, .wc = 12};

    if (!(s.ws = workbook_add_worksheet(c->wb, "Summary"))) {
        err = xw_fail(c, LXW_ERROR_CREATING_TMPFILE, "cannot add sheet Summary in %s", c->tmpdir);
        goto fail;
    }
    if ((err = xw_put_str(c, s.ws, 0, 0, "VPC Flow Logs audit report", c->title, &w)))
        goto fail;
    if ((e = worksheet_set_row(s.ws, 0, 24, NULL)) != LXW_NO_ERROR) {
        err = xw_fail(c, e, "cannot set row height in Summary");
        goto fail;
    }
    if ((err = xw_put_str(c, s.ws, 1, 0,
                          "All times are UTC. Counts cover the VPC records "
                          "whose start lies in the period.",
                          c->note, &w)))
        goto fail;
    s.row = 2;

    if ((err = xw_sum_section(&s, "Period")) ||
        (err = xw_sum_time(&s, "Start (UTC)", r->period_start, have_period,
                           have_period ? "inclusive" : "no timed records")) ||
        (err = xw_sum_time(&s, "End (UTC)", r->period_end, have_period,
                           have_period ? "exclusive" : NULL)) ||
        (err = xw_sum_num(&s, "Window size (seconds)", window, xw_human_duration(window, h))) ||
        (err = xw_sum_num(&s, "Windows", r->n_windows, NULL)))
        goto fail;

    if (r->n_unknown_fields) {
        size_t len = 1;
        for (size_t i = 0; i < r->n_unknown_fields; i++)
            len += strlen(r->unknown_fields[i]) + 2;
        if (!(fields = malloc(len))) {
            err = xw_nomem(c);
            goto fail;
        }
        fields[0] = '\0';
        for (size_t i = 0; i < r->n_unknown_fields; i++) {
            if (i)
                strcat(fields, ", ");
            strcat(fields, r->unknown_fields[i]);
        }
    }
    if ((err = xw_sum_section(&s, "Inputs")) ||
        (err = xw_sum_num(&s, "Files", tt->files, "listed on sheet Inputs")) ||
        (err = xw_sum_num(&s, "Files failed", tt->files_failed,
                          "damaged, unreadable or unsupported")) ||
        (err = xw_sum_bytes(&s, "Bytes read", tt->size)) ||
        (err = xw_sum_bytes(&s, "Text bytes", tt->text_bytes)) ||
        (err = xw_sum_num(&s, "Lines", tt->lines, NULL)) ||
        (err = xw_sum_num(&s, "Header lines", tt->header_lines, NULL)) ||
        (err = xw_sum_num(&s, "Blank lines", tt->blank_lines, NULL)) ||
        (err = xw_sum_num(&s, "Records in period", tt->records, "VPC records")) ||
        (err = xw_sum_num(&s, "Excluded records", tt->excluded, "start outside the period")) ||
        (err = xw_sum_num(&s, "Untimed records", tt->untimed, "no start time")) ||
        (err = xw_sum_num(&s, "Malformed lines", tt->malformed, NULL)) ||
        (err = xw_sum_num(&s, "TGW records", tt->tgw_records, "Transit Gateway, not counted")))
        goto fail;

    if ((err = xw_sum_section(&s, "Totals")) ||
        (err = xw_sum_num(&s, "Records", tt->records, NULL)) ||
        (err = xw_sum_num(&s, "OK records", tt->ok_records, NULL)) ||
        (err = xw_sum_num(&s, "Accepted records", tt->accept_records, NULL)) ||
        (err = xw_sum_num(&s, "Rejected records", tt->reject_records, NULL)) ||
        (err = xw_sum_num(&s, "NODATA records", tt->nodata_records, NULL)) ||
        (err = xw_sum_num(&s, "SKIPDATA records", tt->skipdata_records, NULL)) ||
        (err = xw_sum_num(&s, "Packets", tt->packets, NULL)) ||
        (err = xw_sum_bytes(&s, "Bytes", tt->bytes)) ||
        (err = xw_sum_bytes(&s, "Accepted bytes", tt->accept_bytes)) ||
        (err = xw_sum_bytes(&s, "Rejected bytes", tt->reject_bytes)) ||
        (err = xw_sum_num(&s, "Interfaces", tt->interfaces, NULL)))
        goto fail;

    if ((err = xw_sum_section(&s, "Gaps")) ||
        (err = xw_sum_num(&s, "NODATA gaps", tt->nodata_gaps, NULL)) ||
        (err = xw_sum_num(&s, "NODATA gap time (seconds)", tt->nodata_gap_seconds,
                          xw_human_duration(tt->nodata_gap_seconds, h))) ||
        (err = xw_sum_num(&s, "SKIPDATA gaps", tt->skipdata_gaps, NULL)) ||
        (err = xw_sum_num(&s, "SKIPDATA gap time (seconds)", tt->skipdata_gap_seconds,
                          xw_human_duration(tt->skipdata_gap_seconds, h))))
        goto fail;

    if ((err = xw_sum_section(&s, "Top tables")) ||
        (err = xw_sum_num(&s, "Top N", r->top_n, "rows asked for per table")) ||
        (err = xw_sum_num(&s, "Top talkers", r->n_talkers,
                          xw_topn_note(&r->talkers_info, "pairs", "bytes", note))) ||
        (err = xw_sum_num(&s, "Top rejected", r->n_rejected,
                          xw_topn_note(&r->rejected_info, "sources", "records", note))) ||
        (err = xw_sum_num(&s, "Top ports", r->n_ports,
                          xw_topn_note(&r->ports_info, "ports", "bytes", note))))
        goto fail;

    if ((err = xw_sum_section(&s, "Sheets")) ||
        (err = xw_sum_sheets(&s, "Windows", r->n_windows)) ||
        (err = xw_sum_sheets(&s, "Interfaces", r->n_ifaces)) ||
        (err = xw_sum_sheets(&s, "Gaps", r->n_gaps)) ||
        (err = xw_sum_sheets(&s, "Top talkers", r->n_talkers)) ||
        (err = xw_sum_sheets(&s, "Top rejected", r->n_rejected)) ||
        (err = xw_sum_sheets(&s, "Top ports", r->n_ports)) ||
        (err = xw_sum_sheets(&s, "Inputs", r->n_inputs)) ||
        (r->n_fetch && (err = xw_sum_sheets(&s, "Fetch", r->n_fetch))))
        goto fail;

    if (s.wc > XW_WIDTH_CAP)
        s.wc = XW_WIDTH_CAP;
    if ((err = xw_sum_section(&s, "Provenance")) ||
        (err = xw_sum_text(&s, "flowreport version", r->version)) ||
        (err = xw_sum_text(&s, "Command line", r->command_line)) ||
        (err = xw_sum_text(&s, "Inputs SHA-256", fr_hex_sha256(r->inputs_sha256, note))) ||
        (err = xw_sum_text(&s, "Unknown fields", fields ? fields : "none")) ||
        (err = xw_sum_text(&s, "Charts",
                           !r->n_windows ? "none: the report has no windows"
                               : xw_sheets_for(r->n_windows) == 1
                               ? "bytes and rejected records per window, from sheet Windows"
                               : "bytes and rejected records of the windows on sheet Windows")))
        goto fail;
    for (size_t i = 0; i < r->n_fetch; i++) {
        char label[32], *line;
        if (r->n_fetch == 1)
            snprintf(label, sizeof label, "Fetch");
        else
            snprintf(label, sizeof label, "Fetch %zu", i + 1);
        if (!(line = xw_fetch_line(&r->fetch[i]))) {
            err = xw_nomem(c);
            goto fail;
        }
        err = xw_sum_text(&s, label, line);
        free(line);
        if (err)
            goto fail;
    }

    /* Column D is a gutter; the charts start in column E, beside the list,
     * so that later sections can grow downwards. */
    if ((e = worksheet_set_column(s.ws, 0, 0, s.wa, NULL)) != LXW_NO_ERROR ||
        (e = worksheet_set_column(s.ws, 1, 1, s.wb, NULL)) != LXW_NO_ERROR ||
        (e = worksheet_set_column(s.ws, 2, 2, s.wc, NULL)) != LXW_NO_ERROR ||
        (e = worksheet_set_column(s.ws, 3, 3, 3, NULL)) != LXW_NO_ERROR) {
        err = xw_fail(c, e, "cannot set column widths of Summary");
        goto fail;
    }
    if (r->n_windows && (err = xw_charts(c, s.ws, 3, 4)))
        goto fail;
    if ((err = xw_print_setup(c, s.ws, 0)))
        goto fail;
    err = FR_OK;
fail:
    free(fields);
    return err;
}

/* Writes the Windows sheet with its charts. Returns FR_OK or an error. */
static fr_err xw_windows(xw_ctx *c)
{
    const fr_report *r = c->r;
    xw_table t;
    fr_err err;

    if ((err = xw_table_open(c, &t, "Windows", xw_windows_cols, XW_NCOLS(xw_windows_cols))))
        return err;
    for (size_t i = 0; i < r->n_windows; i++) {
        const fr_window_row *w = &r->windows[i];
        if ((err = xw_table_next(&t)) || (err = xw_time(&t, 0, w->start, 0)) ||
            (err = xw_time(&t, 1, w->end, 0)) || (err = xw_num(&t, 2, w->records)) ||
            (err = xw_num(&t, 3, w->ok_records)) || (err = xw_num(&t, 4, w->accept_records)) ||
            (err = xw_num(&t, 5, w->reject_records)) || (err = xw_num(&t, 6, w->nodata_records)) ||
            (err = xw_num(&t, 7, w->skipdata_records)) || (err = xw_num(&t, 8, w->packets)) ||
            (err = xw_num(&t, 9, w->bytes)) || (err = xw_num(&t, 10, w->accept_bytes)) ||
            (err = xw_num(&t, 11, w->reject_bytes)) || (err = xw_num(&t, 12, w->interfaces)))
            return err;
    }
    if (r->n_windows && xw_sheets_for(r->n_windows) == 1 &&
        (err = xw_charts(c, t.ws, 1, (lxw_col_t)(t.ncols + 1))))
        return err;
    return xw_table_finish(&t);
}

/* Writes the Interfaces sheet(s). Returns FR_OK or an error. */
static fr_err xw_ifaces(xw_ctx *c)
{
    const fr_report *r = c->r;
    xw_table t;
    fr_err err;

    if ((err = xw_table_open(c, &t, "Interfaces", xw_iface_cols, XW_NCOLS(xw_iface_cols))))
        return err;
    for (size_t i = 0; i < r->n_ifaces; i++) {
        const fr_iface_row *f = &r->ifaces[i];
        if ((err = xw_table_next(&t)) || (err = xw_str(&t, 0, f->interface_id)) ||
            (err = xw_str(&t, 1, f->account_id)) || (err = xw_time(&t, 2, f->first_start, 0)) ||
            (err = xw_time(&t, 3, f->last_end, 0)) || (err = xw_num(&t, 4, f->records)) ||
            (err = xw_num(&t, 5, f->ok_records)) || (err = xw_num(&t, 6, f->nodata_records)) ||
            (err = xw_num(&t, 7, f->skipdata_records)) ||
            (err = xw_num(&t, 8, f->accept_records)) || (err = xw_num(&t, 9, f->reject_records)) ||
            (err = xw_num(&t, 10, f->packets)) || (err = xw_num(&t, 11, f->bytes)))
            return err;
    }
    return xw_table_finish(&t);
}

/* Writes the Gaps sheet(s). Returns FR_OK or an error. */
static fr_err xw_gaps(xw_ctx *c)
{
    const fr_report *r = c->r;
    xw_table t;
    fr_err err;

    if ((err = xw_table_open(c, &t, "Gaps", xw_gap_cols, XW_NCOLS(xw_gap_cols))))
        return err;
    for (size_t i = 0; i < r->n_gaps; i++) {
        const fr_gap_row *g = &r->gaps[i];
        int64_t secs = g->end - g->start;
        if ((err = xw_table_next(&t)) || (err = xw_str(&t, 0, g->interface_id)) ||
            (err = xw_str(&t, 1, g->kind == FR_GAP_SKIPDATA ? "SKIPDATA" : "NODATA")) ||
            (err = xw_time(&t, 2, g->start, 0)) || (err = xw_time(&t, 3, g->end, 0)) ||
            (err = xw_num(&t, 4, (uint64_t)(secs > 0 ? secs : 0))) ||
            (err = xw_num(&t, 5, g->records)))
            return err;
    }
    return xw_table_finish(&t);
}

/* Writes the three top tables. Returns FR_OK or an error. */
static fr_err xw_tops(xw_ctx *c)
{
    const fr_report *r = c->r;
    char a[FR_ADDR_STRLEN], b[FR_ADDR_STRLEN];
    xw_table t;
    fr_err err;

    if ((err = xw_table_open(c, &t, "Top talkers", xw_talker_cols, XW_NCOLS(xw_talker_cols))))
        return err;
    for (size_t i = 0; i < r->n_talkers; i++) {
        const fr_talker_row *k = &r->talkers[i];
        if ((err = xw_table_next(&t)) || (err = xw_num(&t, 0, i + 1)) ||
            (err = xw_str(&t, 1, fr_addr_format(&k->src, a))) ||
            (err = xw_str(&t, 2, fr_addr_format(&k->dst, b))) ||
            (err = xw_num(&t, 3, k->records)) || (err = xw_num(&t, 4, k->packets)) ||
            (err = xw_num(&t, 5, k->bytes)))
            return err;
    }
    if ((err = xw_table_finish(&t)))
        return err;

    if ((err = xw_table_open(c, &t, "Top rejected", xw_rejected_cols, XW_NCOLS(xw_rejected_cols))))
        return err;
    for (size_t i = 0; i < r->n_rejected; i++) {
        const fr_rejected_row *k = &r->rejected[i];
        if ((err = xw_table_next(&t)) || (err = xw_num(&t, 0, i + 1)) ||
            (err = xw_str(&t, 1, fr_addr_format(&k->src, a))) ||
            (err = xw_num(&t, 2, k->records)) || (err = xw_num(&t, 3, k->packets)) ||
            (err = xw_num(&t, 4, k->bytes)))
            return err;
    }
    if ((err = xw_table_finish(&t)))
        return err;

    if ((err = xw_table_open(c, &t, "Top ports", xw_port_cols, XW_NCOLS(xw_port_cols))))
        return err;
    for (size_t i = 0; i < r->n_ports; i++) {
        const fr_port_row *k = &r->ports[i];
        if ((err = xw_table_next(&t)) || (err = xw_num(&t, 0, i + 1)) ||
            (err = xw_num(&t, 1, k->protocol)) || (err = xw_num(&t, 2, k->dstport)) ||
            (err = xw_num(&t, 3, k->records)) || (err = xw_num(&t, 4, k->accept_records)) ||
            (err = xw_num(&t, 5, k->reject_records)) || (err = xw_num(&t, 6, k->packets)) ||
            (err = xw_num(&t, 7, k->bytes)))
            return err;
    }
    return xw_table_finish(&t);
}

/* Returns the Inputs "status" text of s. */
static const char *xw_status(fr_input_status s)
{
    switch (s) {
    case FR_INPUT_OK: return "OK";
    case FR_INPUT_DAMAGED: return "DAMAGED";
    case FR_INPUT_UNREADABLE: return "UNREADABLE";
    case FR_INPUT_UNSUPPORTED: return "UNSUPPORTED";
    }
    return "UNKNOWN";
}

/* Writes the Inputs sheet(s). Returns FR_OK or an error. */
static fr_err xw_inputs(xw_ctx *c)
{
    static const char *const format[2][2] = {{"text", "json"}, {"gzip", "json.gz"}};
    const fr_report *r = c->r;
    size_t path_chars = 0, error_chars = 0;
    char hex[65];
    xw_table t;
    fr_err err;

    if ((err = xw_table_open(c, &t, "Inputs", xw_input_cols, XW_NCOLS(xw_input_cols))))
        return err;
    for (size_t i = 0; i < r->n_inputs; i++) {
        size_t p = xw_chars(r->inputs[i].path), e = xw_chars(r->inputs[i].error);
        path_chars = p > path_chars ? p : path_chars;
        error_chars = e > error_chars ? e : error_chars;
    }
    xw_table_fix(&t, 0, path_chars);
    xw_table_fix(&t, 14, error_chars);
    for (size_t i = 0; i < r->n_inputs; i++) {
        const fr_input_row *in = &r->inputs[i];
        if ((err = xw_table_next(&t)) || (err = xw_str(&t, 0, in->path)) ||
            (err = xw_str(&t, 1, xw_status(in->status))) ||
            (err = xw_str(&t, 2, format[!!in->compressed][!!in->line_unit_event])) ||
            (err = xw_num(&t, 3, in->size)) || (err = xw_num(&t, 4, in->text_bytes)) ||
            (err = xw_str(&t, 5, fr_hex_sha256(in->sha256, hex))) ||
            (err = xw_num(&t, 6, in->lines)) || (err = xw_num(&t, 7, in->records)) ||
            (err = xw_num(&t, 8, in->malformed)) || (err = xw_num(&t, 9, in->excluded)) ||
            (err = xw_num(&t, 10, in->untimed)) || (err = xw_num(&t, 11, in->tgw_records)) ||
            (err = xw_time(&t, 12, in->first_start, 1)) ||
            (err = xw_time(&t, 13, in->last_start, 1)) || (err = xw_str(&t, 14, in->error)) ||
            (err = xw_str(&t, 15, in->etag)))
            return err;
    }
    return xw_table_finish(&t);
}

/* Writes the Fetch sheet(s), one row per remote source; none for a local
 * run. Returns FR_OK or an error. */
static fr_err xw_fetch(xw_ctx *c)
{
    const fr_report *r = c->r;
    size_t source_chars = 0, error_chars = 0;
    xw_table t;
    fr_err err;

    if (!r->n_fetch)
        return FR_OK;
    if ((err = xw_table_open(c, &t, "Fetch", xw_fetch_cols, XW_NCOLS(xw_fetch_cols))))
        return err;
    for (size_t i = 0; i < r->n_fetch; i++) {
        size_t p = xw_chars(r->fetch[i].source), e = xw_chars(r->fetch[i].error);
        source_chars = p > source_chars ? p : source_chars;
        error_chars = e > error_chars ? e : error_chars;
    }
    xw_table_fix(&t, 0, source_chars);
    xw_table_fix(&t, 12, error_chars);
    for (size_t i = 0; i < r->n_fetch; i++) {
        const fr_fetch_row *f = &r->fetch[i];
        if ((err = xw_table_next(&t)) || (err = xw_str(&t, 0, f->source)) ||
            (err = xw_str(&t, 1, f->kind)) || (err = xw_num(&t, 2, f->requests)) ||
            (err = xw_num(&t, 3, f->retries)) || (err = xw_num(&t, 4, f->throttles)) ||
            (err = xw_num(&t, 5, f->pages)) || (err = xw_num(&t, 6, f->listed)) ||
            (err = xw_num(&t, 7, f->read)) || (err = xw_num(&t, 8, f->failed)) ||
            (err = xw_num(&t, 9, f->skipped)) || (err = xw_num(&t, 10, f->events)) ||
            (err = xw_num(&t, 11, f->bytes)) || (err = xw_str(&t, 12, f->error)))
            return err;
    }
    return xw_table_finish(&t);
}

/* libxlsxwriter 1.1.4 does not check its writes of constant-memory row data
 * to temporary files; a full disk there would give a silently truncated
 * sheet. Returns FR_OK when every sheet's temporary file is intact, else
 * FR_ERR_IO (errbuf says). */
static fr_err xw_check_tmpfiles(xw_ctx *c)
{
    lxw_worksheet *ws;

    LXW_FOREACH_WORKSHEET(ws, c->wb)
    {
        FILE *f = ws->optimize_tmpfile;
        errno = 0;
        if (f && (fflush(f) != 0 || ferror(f))) {
            if (c->errbuf && c->errlen)
                snprintf(c->errbuf, c->errlen,
                         "%s: cannot write temporary data in %s (sheet %s): %s", c->path, c->tmpdir,
                         ws->name, errno ? strerror(errno) : "write error");
            return FR_ERR_IO;
        }
    }
    return FR_OK;
}

/* Returns a copy of the directory part of path ("." when it has none), or
 * NULL when out of memory. */
static char *xw_dirname(const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t n = slash ? (size_t)(slash - path) : 1;
    char *d;

    if (slash == path)
        n = 1;
    if (!(d = malloc(n + 1)))
        return NULL;
    memcpy(d, slash ? path : ".", n);
    d[n] = '\0';
    return d;
}

/* Writes report.xlsx through o's temporary file. Returns FR_OK, or an error
 * with errbuf set; the partial file is then left for fr_output_free(). */
fr_err fr_write_xlsx(const fr_report *r, fr_output *o, char *errbuf, size_t errlen)
{
    xw_ctx c;
    lxw_workbook_options opt;
    const char *tmp;
    lxw_error e;
    fr_err err;

    memset(&c, 0, sizeof c);
    c.r = r;
    c.errbuf = errbuf;
    c.errlen = errlen;
    c.path = XW_NAME;
    if (!(tmp = fr_output_temp_path(o, XW_NAME))) {
        err = xw_nomem(&c);
        goto fail;
    }
    c.path = fr_output_final_path(o, XW_NAME);
    if (!c.path)
        c.path = XW_NAME;
    /* Temporary files beside the output, not in a /tmp that may live in RAM. */
    if (!(c.tmpdir = xw_dirname(tmp))) {
        err = xw_nomem(&c);
        goto fail;
    }
    memset(&opt, 0, sizeof opt);
    opt.constant_memory = LXW_TRUE;
    opt.use_zip64 = LXW_TRUE;
    opt.tmpdir = c.tmpdir;
    if (!(c.wb = workbook_new_opt(tmp, &opt))) {
        if (errbuf && errlen)
            snprintf(errbuf, errlen,
                     "%s: cannot start the workbook (out of "
                     "memory, or no temporary file in %s)",
                     c.path, c.tmpdir);
        err = FR_ERR_XLSX;
        goto fail;
    }
    if ((err = xw_formats(&c)) || (err = xw_properties(&c)) || (err = xw_summary(&c)) ||
        (err = xw_windows(&c)) || (err = xw_ifaces(&c)) || (err = xw_gaps(&c)) ||
        (err = xw_tops(&c)) || (err = xw_inputs(&c)) || (err = xw_fetch(&c)) ||
        (err = xw_check_tmpfiles(&c)))
        goto fail;

    errno = 0;
    e = workbook_close(c.wb);
    c.wb = NULL;
    if (e != LXW_NO_ERROR) {
        int sys = errno;
        if (errbuf && errlen && sys)
            snprintf(errbuf, errlen, "%s: cannot write: %s (libxlsxwriter: %s)", c.path,
                     strerror(sys), lxw_strerror(e));
        else if (errbuf && errlen)
            snprintf(errbuf, errlen, "%s: cannot write: %s", c.path, lxw_strerror(e));
        err = e == LXW_ERROR_MEMORY_MALLOC_FAILED ? FR_ERR_NOMEM : FR_ERR_IO;
        goto fail;
    }
    err = FR_OK;
fail:
    /* Closing is libxlsxwriter's only way to free a workbook and its
     * temporary files; the half-written file it leaves is the temporary,
     * which fr_output_free() removes. */
    if (c.wb)
        (void)workbook_close(c.wb);
    free(c.tmpdir);
    free(c.buf);
    return err;
}
