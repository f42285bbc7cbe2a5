/* SPDX-License-Identifier: MIT */
/* xlsx_table: the XLSX writer's cells, formats and tables: text made safe
 * for XML, counts, codes and UTC times, tables (Excel tables when the
 * workbook is small enough, else autofiltered ranges) that run on over
 * continuation sheets, and page setup for print. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fr_xlsx.h"

_Static_assert(FR_XLSX_MAX_ROWS >= 2 && FR_XLSX_MAX_ROWS <= LXW_ROW_MAX,
               "FR_XLSX_MAX_ROWS must be within 2..1048576");

/* Writes "PATH: what: libxlsxwriter's reason" to errbuf; returns
 * FR_ERR_NOMEM for an allocation failure, else FR_ERR_XLSX. */
fr_err xw_fail(xw_ctx *c, lxw_error e, const char *fmt, ...)
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
fr_err xw_nomem(xw_ctx *c)
{
    if (c->errbuf && c->errlen)
        snprintf(c->errbuf, c->errlen, "%s: out of memory", c->path);
    return FR_ERR_NOMEM;
}

/* Returns how many sheets a table of `rows` data rows needs (at least 1). */
uint64_t xw_sheets_for(uint64_t rows)
{
    const uint64_t per = FR_XLSX_MAX_ROWS - 1;

    return rows == 0 ? 1 : (rows + per - 1) / per;
}

/* Writes the name of sheet `no` (1-based) of table `base` into buf (32
 * bytes); returns buf. */
char *xw_sheet_name(char *buf, const char *base, uint64_t no)
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

/* Decodes the character of s (n bytes) at i as Excel and XML accept it:
 * each maximal invalid byte sequence, control character and U+FFFE/U+FFFF
 * becomes U+FFFD. Returns the code point; its length in bytes goes to *len. */
static uint32_t xw_next_cp(const unsigned char *s, size_t n, size_t i, size_t *len)
{
    const unsigned char *p = s + i;
    uint32_t cp;
    size_t more = 0;
    unsigned lo = 0x80, hi = 0xBF;

    *len = 1;
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
    while (more && i + *len < n && p[*len] >= lo && p[*len] <= hi) {
        cp = (cp << 6) | (p[*len] & 0x3Fu);
        (*len)++;
        more--;
        lo = 0x80;
        hi = 0xBF;
    }
    if (more)
        cp = 0xFFFD; /* truncated sequence: one U+FFFD for all of it */
    if (cp < 0x20 || cp == 0x7F || cp == 0xFFFE || cp == 0xFFFF)
        cp = 0xFFFD;
    return cp;
}

/* Appends cp as UTF-8 at b; returns the bytes written. */
static size_t xw_put_cp(char *b, uint32_t cp)
{
    if (cp < 0x80) {
        b[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        b[0] = (char)(0xC0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        b[0] = (char)(0xE0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    b[0] = (char)(0xF0 | (cp >> 18));
    b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    b[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Excel counts a cell's length in UTF-16 units: a character past U+FFFF
 * takes two. */
#define XW_UNITS(cp) ((cp) > 0xFFFFu ? 2u : 1u)

/* Room kept for the marker of a shortened cell, in characters. */
#define XW_CUT_ROOM 48u

/* Copies s into c->buf as UTF-8 that XML and Excel accept (see
 * xw_next_cp). A text longer than Excel's XW_STR_MAX is cut on a character
 * boundary and ends with "… [cut: N more characters]", and *cut is set to
 * 1. Returns the copy (its length in characters in *nchars), or NULL when
 * out of memory. */
static const char *xw_text(xw_ctx *c, const char *s, size_t *nchars, int *cut)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n = strlen(s), i = 0, o = 0, len, chars = 0, units = 0, total = 0, limit = XW_STR_MAX;

    *cut = 0;
    if (n > XW_STR_MAX) { /* 32,767 bytes or fewer cannot be too long */
        size_t all = 0;
        for (size_t k = 0; k < n && all <= XW_STR_MAX; k += len)
            all += XW_UNITS(xw_next_cp(u, n, k, &len));
        if (all > XW_STR_MAX) {
            *cut = 1;
            limit = XW_STR_MAX - XW_CUT_ROOM;
        }
    }
    /* at most 4 bytes out per character kept, and the marker */
    size_t need = (n < XW_STR_MAX ? n : XW_STR_MAX) * 4 + XW_CUT_ROOM * 4 + 1;
    if (need > c->cap) {
        char *nb = realloc(c->buf, need);
        if (!nb)
            return NULL;
        c->buf = nb;
        c->cap = need;
    }
    while (i < n) {
        uint32_t cp = xw_next_cp(u, n, i, &len);
        if (units + XW_UNITS(cp) > limit)
            break;
        o += xw_put_cp(c->buf + o, cp);
        units += XW_UNITS(cp);
        i += len;
        chars++;
    }
    if (*cut) {
        for (total = chars; i < n; i += len, total++)
            (void)xw_next_cp(u, n, i, &len);
        int m = snprintf(c->buf + o, c->cap - o, "\xE2\x80\xA6 [cut: %zu more characters]",
                         total - chars);
        if (m > 0)
            chars += (size_t)m - 2; /* the ellipsis is 3 bytes, one character */
        o += m > 0 ? (size_t)m : 0;
    }
    c->buf[o] = '\0';
    *nchars = chars;
    return c->buf;
}

/* Writes text s (NULL or "" leaves the cell empty); its width in characters
 * goes to *width. Returns FR_OK or an error (errbuf says). */
fr_err xw_put_str(xw_ctx *c, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const char *s,
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
        int cut;
        if (!(t = xw_text(c, s, &chars, &cut)))
            return xw_nomem(c);
        *width = (double)chars;
        e = worksheet_write_string(ws, row, col, t, f);
        /* counted once per cell (the Summary writes a merged cell twice) */
        if (cut && e == LXW_NO_ERROR &&
            !(c->cut_ws == ws && c->cut_row == row && c->cut_col == col)) {
            c->n_cut++;
            c->cut_ws = ws;
            c->cut_row = row;
            c->cut_col = col;
        }
    }
    if (e != LXW_NO_ERROR) {
        lxw_rowcol_to_cell(cell, row, col);
        return xw_fail(c, e, "cannot write cell %s!%s", ws->name, cell);
    }
    return FR_OK;
}

/* Writes number v with format f; its printed width goes to *width. Returns
 * FR_OK or an error (errbuf says). */
fr_err xw_put_num(xw_ctx *c, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, double v,
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
fr_err xw_put_time(xw_ctx *c, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, int64_t t,
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
fr_err xw_formats(xw_ctx *c)
{
    lxw_workbook *wb = c->wb;

    if (!(c->title = workbook_add_format(wb)) || !(c->note = workbook_add_format(wb)) ||
        !(c->section = workbook_add_format(wb)) || !(c->text = workbook_add_format(wb)) ||
        !(c->wrap = workbook_add_format(wb)) || !(c->aside = workbook_add_format(wb)) ||
        !(c->head = workbook_add_format(wb)) || !(c->count = workbook_add_format(wb)) ||
        !(c->date = workbook_add_format(wb)) || !(c->code = workbook_add_format(wb)) ||
        !(c->dec = workbook_add_format(wb)) || !(c->bold = workbook_add_format(wb)) ||
        !(c->hms = workbook_add_format(wb)) || !(c->hash = workbook_add_format(wb)))
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
    format_set_shrink(c->aside); /* a note never spills past the page */
    format_set_font_size(c->hash, 8.5);
    format_set_align(c->hash, LXW_ALIGN_VERTICAL_TOP);
    format_set_align(c->hash, LXW_ALIGN_LEFT);
    format_set_bold(c->head);
    format_set_text_wrap(c->head);
    format_set_align(c->head, LXW_ALIGN_VERTICAL_TOP);
    format_set_bg_color(c->head, 0xD9E1F2);
    format_set_bottom(c->head, LXW_BORDER_THIN);
    format_set_num_format(c->count, "#,##0");
    format_set_align(c->count, LXW_ALIGN_VERTICAL_TOP);
    format_set_num_format(c->code, "0");
    format_set_align(c->code, LXW_ALIGN_VERTICAL_TOP);
    format_set_num_format(c->dec, "#,##0.00");
    format_set_align(c->dec, LXW_ALIGN_VERTICAL_TOP);
    format_set_bold(c->bold);
    format_set_num_format(c->hms, "[h]:mm:ss");
    format_set_align(c->hms, LXW_ALIGN_VERTICAL_TOP);
    format_set_num_format(c->date, "yyyy-mm-dd hh:mm:ss");
    format_set_align(c->date, LXW_ALIGN_VERTICAL_TOP);
    return FR_OK;
}

/* Sets page layout and footer of a sheet for printing. Returns FR_OK or an
 * error. */
fr_err xw_print_setup(xw_ctx *c, lxw_worksheet *ws, int portrait, double width, double height,
                      int min_scale, int repeat_header)
{
    /* A4 less the margins, in points; a column of w characters takes about
     * 7.2 w points in LibreOffice (Excel: 7 w + 5 pixels of 0.75 point). */
    double room = portrait ? 595.0 - 2 * 0.4 * 72 : 842.0 - 2 * 0.4 * 72;
    double need = width * 7.2 + 8;
    int scale = need > room ? (int)(100.0 * room / need) : 100;
    /* A4's height less the top and bottom margins (the footer prints in
     * the bottom one) */
    double room_h = (portrait ? 842.0 : 595.0) - (0.5 + 0.6) * 72;
    lxw_error e;

    if (height > room_h && (int)(100.0 * room_h / height) < scale)
        scale = (int)(100.0 * room_h / height);

    if (scale < min_scale)
        scale = min_scale;
    if (portrait)
        worksheet_set_portrait(ws);
    else
        worksheet_set_landscape(ws);
    worksheet_set_paper(ws, 9); /* A4 */
    worksheet_set_print_scale(ws, (uint16_t)scale);
    worksheet_set_margins(ws, 0.4, 0.4, 0.5, 0.6);
    if (repeat_header && (e = worksheet_repeat_rows(ws, 0, 0)) != LXW_NO_ERROR)
        return xw_fail(c, e, "cannot set print titles of %s", ws->name);
    e = worksheet_set_footer(ws, "&L&A&RPage &P of &N");
    if (e != LXW_NO_ERROR)
        return xw_fail(c, e, "cannot set footer of %s", ws->name);
    return FR_OK;
}

fr_err xw_put_link(xw_ctx *c, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const char *sheet,
                   const char *text, double *width)
{
    char url[96], cell[LXW_MAX_CELL_NAME_LENGTH];
    lxw_error e;

    snprintf(url, sizeof url, "internal:'%s'!A1", sheet);
    e = worksheet_write_url_opt(ws, row, col, url, NULL, text, NULL);
    if (e != LXW_NO_ERROR) {
        lxw_rowcol_to_cell(cell, row, col);
        return xw_fail(c, e, "cannot write link %s!%s", ws->name, cell);
    }
    *width = (double)xw_chars(text);
    return FR_OK;
}

/* Adds the next sheet of table t and writes its header row. Returns FR_OK or
 * an error. */
static fr_err xw_table_sheet(xw_table *t)
{
    xw_ctx *c = t->c;
    const uint64_t per = FR_XLSX_MAX_ROWS - 1;
    uint64_t left = t->total - t->done, rows = left < per ? left : per;
    char name[32];
    double w;
    fr_err err;
    lxw_error e;

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
    if (c->tables) {
        /* An Excel table: banded rows, a filter button on each header. Its
         * range is known before the rows are written (at least one row:
         * Excel wants one under the header). */
        lxw_table_column cols[XW_MAX_COLS], *list[XW_MAX_COLS + 1];
        lxw_table_options opt;
        char tname[40];
        size_t k = 0;
        for (const char *p = name; *p && k < 30; p++)
            tname[k++] =
                (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')
                ? *p
                : '_';
        tname[k] = '\0';
        memset(cols, 0, sizeof cols);
        for (lxw_col_t i = 0; i < t->ncols; i++) {
            cols[i].header = (char *)t->cols[i].head;
            cols[i].header_format = c->head;
            list[i] = &cols[i];
        }
        list[t->ncols] = NULL;
        memset(&opt, 0, sizeof opt);
        opt.name = tname;
        opt.columns = list;
        opt.style_type = LXW_TABLE_STYLE_TYPE_LIGHT;
        opt.style_type_number = 9;
        e = worksheet_add_table(t->ws, 0, 0, (lxw_row_t)(rows ? rows : 1),
                                (lxw_col_t)(t->ncols - 1), &opt);
        if (e != LXW_NO_ERROR)
            return xw_fail(c, e, "cannot add table %s", tname);
        c->n_tables++;
        for (lxw_col_t i = 0; i < t->ncols; i++)
            t->width[i] = (double)xw_chars(t->cols[i].head) / 2 + 4;
    } else {
        for (lxw_col_t i = 0; i < t->ncols; i++) {
            if ((err = xw_put_str(c, t->ws, 0, i, t->cols[i].head, c->head, &w)))
                return err;
            t->width[i] = w / 2 + 4; /* headers wrap onto two lines */
        }
    }
    if ((err =
             xw_put_link(c, t->ws, 0, (lxw_col_t)(t->ncols + 1), "Summary", "Back to Summary", &w)))
        return err;
    if ((e = worksheet_set_row(t->ws, 0, 2 * XW_LINE_HEIGHT, NULL)) != LXW_NO_ERROR)
        return xw_fail(c, e, "cannot set row height in %s", name);
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
fr_err xw_table_finish(xw_table *t)
{
    xw_ctx *c = t->c;
    lxw_worksheet *ws = t->ws;
    char range[LXW_MAX_CELL_RANGE_LENGTH];
    double total = 0;
    lxw_error e;
    fr_err err;

    if ((err = xw_table_endrow(t)))
        return err;
    worksheet_freeze_panes(ws, 1, 0);
    if (!c->tables) {
        e = worksheet_autofilter(ws, 0, 0, t->row, (lxw_col_t)(t->ncols - 1));
        if (e != LXW_NO_ERROR)
            return xw_fail(c, e, "cannot set autofilter of %s", ws->name);
    }
    t->done += t->row;
    for (lxw_col_t i = 0; i < t->ncols; i++) {
        double w = t->fixed[i] > 0 ? t->fixed[i] : t->width[i] + 1;
        if (w > XW_WIDTH_CAP)
            w = XW_WIDTH_CAP;
        total += w + 0.71; /* Excel's padding, as the file stores it */
        e = worksheet_set_column(ws, i, i, w, NULL);
        if (e != LXW_NO_ERROR)
            return xw_fail(c, e, "cannot set column widths of %s", ws->name);
    }
    /* Account ids are digits kept as text on purpose. */
    lxw_rowcol_to_range(range, 0, 0, t->row, (lxw_col_t)(t->ncols - 1));
    e = worksheet_ignore_errors(ws, LXW_IGNORE_NUMBER_STORED_AS_TEXT, range);
    if (e != LXW_NO_ERROR)
        return xw_fail(c, e, "cannot set error options of %s", ws->name);
    e = worksheet_print_area(ws, 0, 0, t->row ? t->row : 1, (lxw_col_t)(t->ncols - 1));
    if (e != LXW_NO_ERROR)
        return xw_fail(c, e, "cannot set print area of %s", ws->name);
    worksheet_gridlines(ws, LXW_SHOW_ALL_GRIDLINES);
    if ((err = xw_print_setup(c, ws, 0, total, 0, XW_MIN_DATA_SCALE, 1)))
        return err;
    return FR_OK;
}

/* Starts table `base` with its first sheet and header. Returns FR_OK or an
 * error. */
fr_err xw_table_open(xw_ctx *c, xw_table *t, const char *base, const xw_col *cols, lxw_col_t ncols,
                     uint64_t rows)
{
    memset(t, 0, sizeof *t);
    t->c = c;
    t->base = base;
    t->cols = cols;
    t->ncols = ncols;
    t->total = rows;
    return xw_table_sheet(t);
}

/* Moves to the next data row, continuing on a new sheet when this one is
 * full. Returns FR_OK or an error. */
fr_err xw_table_next(xw_table *t)
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
fr_err xw_num(xw_table *t, lxw_col_t col, uint64_t v)
{
    double w;
    xw_kind k = t->cols[col].kind;
    lxw_format *f = k == XW_CODE ? t->c->code : k == XW_HMS ? t->c->hms : t->c->count;
    fr_err err =
        xw_put_num(t->c, t->ws, t->row, col, k == XW_HMS ? (double)v / 86400.0 : (double)v, f, &w);

    xw_table_width(t, col, w);
    return err;
}

/* Writes a time into column col of the current row (0 with `zero_blank`
 * leaves the cell empty). Returns FR_OK or an error. */
fr_err xw_time(xw_table *t, lxw_col_t col, int64_t v, int zero_blank)
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
size_t xw_chars(const char *s)
{
    size_t n = 0;

    for (; s && *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* Fixes the width of XW_WRAP column col from its longest text, `chars`
 * characters. */
void xw_table_fix(xw_table *t, lxw_col_t col, size_t chars)
{
    double w = (double)chars + 1;

    if (w < t->width[col] + 1)
        w = t->width[col] + 1;
    t->fixed[col] = w > XW_WRAP_CAP ? XW_WRAP_CAP : w;
}

/* Writes text into column col of the current row. Returns FR_OK or an
 * error. */
fr_err xw_str(xw_table *t, lxw_col_t col, const char *s)
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

/* Writes num / den as the CSV's coverage_pct (fr_pct_format: rounded down
 * to one decimal) into column col, a number "#,##0.00"; empty when den is
 * 0. Returns FR_OK or an error. */
fr_err xw_pct(xw_table *t, lxw_col_t col, uint64_t num, uint64_t den)
{
    char buf[32];
    double w;

    if (!*fr_pct_format(num, den, buf))
        return FR_OK;
    return xw_put_num(t->c, t->ws, t->row, col, strtod(buf, NULL), t->c->dec, &w);
}
