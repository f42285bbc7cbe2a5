/* SPDX-License-Identifier: MIT */
/* xlsx_sheets: the XLSX writer's rows of the Summary-like sheets, and the
 * sheets about the inputs and how to read the workbook: Details, How to
 * read, Inputs, Problems, Problem reasons and Fetch. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fr_names.h"
#include "fr_xlsx.h"

static const xw_col xw_input_cols[] = {
    {"File", XW_WRAP},
    {"Status", XW_STR},
    {"Malformed lines", XW_NUM},
    {"Error", XW_WRAP},
    {"Format", XW_STR},
    {"Size (bytes)", XW_NUM},
    {"Text (bytes)", XW_NUM},
    {"Lines", XW_NUM},
    {"Records", XW_NUM},
    {"Excluded records", XW_NUM},
    {"Untimed records", XW_NUM},
    {"TGW records", XW_NUM},
    {"First start (UTC)", XW_TIME},
    {"Last start (UTC)", XW_TIME},
    {"Full path", XW_WRAP},
    {"SHA-256", XW_STR},
    {"ETag", XW_STR},
    {"Via state", XW_WRAP}, /* only when states were merged */
};

static const xw_col xw_problem_cols[] = {
    {"File", XW_WRAP},
    {"Line or event", XW_NUM},
    {"Reason", XW_WRAP},
    {"Full path", XW_WRAP},
};

static const xw_col xw_reason_cols[] = {
    {"Reason", XW_WRAP},
    {"Malformed lines", XW_NUM},
    {"Files", XW_NUM},
    {"First example (file:line)", XW_WRAP},
};

static const xw_col xw_fetch_cols[] = {
    {"Source", XW_WRAP},   {"Kind", XW_STR},    {"Requests", XW_NUM}, {"Retries", XW_NUM},
    {"Throttled", XW_NUM}, {"Pages", XW_NUM},   {"Listed", XW_NUM},   {"Read", XW_NUM},
    {"Failed", XW_NUM},    {"Skipped", XW_NUM}, {"Events", XW_NUM},   {"Bytes", XW_NUM},
    {"Error", XW_WRAP},
};

static const xw_col xw_howto_cols[] = {
    {"Sheet or term", XW_WRAP},
    {"What it means", XW_WRAP},
};

/* Returns the Inputs status of in: OK, MALFORMED LINES, DAMAGED, FAILED
 * (could not be opened) or UNSUPPORTED. */
const char *xw_status(const fr_input_row *in)
{
    switch (in->status) {
    case FR_INPUT_OK: return in->malformed ? "MALFORMED LINES" : "OK";
    case FR_INPUT_DAMAGED: return "DAMAGED";
    case FR_INPUT_UNREADABLE: return "FAILED";
    case FR_INPUT_UNSUPPORTED: return "UNSUPPORTED";
    }
    return "UNKNOWN";
}

/* What each sheet and term means: the "How to read" sheet. */
static const char *const xw_howto_rows[][2] = {
    {"Summary",
     "One page: the period (UTC), where the inputs came from, how complete the reading "
     "was, the totals, links to every sheet and two charts per window."},
    {"Findings",
     "One row per rule and subject (findings.csv), high severity first: public "
     "traffic accepted to administrative ports, data lost, silent interfaces, egress "
     "volume, port scans, host sweeps, reject spikes. Rules and thresholds: "
     "SEMANTICS.md."},
    {"Changes",
     "Only with --baseline: what changed since the previous run (changes.csv): "
     "interfaces new and gone, new public peers, newly exposed ports, findings new and "
     "resolved, rank moves, totals."},
    {"Coverage",
     "The interfaces, worst first: the share of the period with any record, the "
     "seconds covered by OK and NODATA records, lost to SKIPDATA, and silent."},
    {"Details",
     "Every input counter, how exact the top tables are, the version, the SHA-256 "
     "over all inputs and the SHA-256 of each CSV written before the workbook."},
    {"Windows",
     "One row per time window of the period: records, accepted and rejected records, "
     "NODATA and SKIPDATA records, packets, bytes and interfaces seen. The last column "
     "is bytes in the unit of the chart."},
    {"Interfaces",
     "One row per network interface (ENI) with its totals, and its NODATA time "
     "(idle) and SKIPDATA time (data lost) in seconds and h:mm:ss."},
    {"Gaps", "One row per merged NODATA or SKIPDATA interval of one interface."},
    {"Top talkers", "Source and destination pairs of OK records, ranked by bytes."},
    {"Top rejected", "Sources of REJECT records, ranked by records."},
    {"Top ports",
     "Protocol and destination port of OK records, ranked by bytes; protocol numbers "
     "with their IANA names (6 TCP, 17 UDP, 1 ICMP, 58 IPv6-ICMP, 47 GRE, 50 ESP, "
     "51 AH). Ports are plain numbers."},
    {"Inputs",
     "One row per file read: status, malformed lines, error, sizes, counters, then the "
     "full path, SHA-256 and ETag. Status OK: read whole, every line valid. MALFORMED "
     "LINES: read whole, some lines could not be parsed. DAMAGED: read in part (broken "
     "gzip, read error). FAILED: could not be opened. UNSUPPORTED: a format not read "
     "(Parquet)."},
    {"Problems",
     "Every kept example of a malformed line (the first 10 per file) as FILE, line and "
     "reason, and every file that could not be read whole."},
    {"Problem reasons",
     "Malformed lines grouped by reason: how many lines, in how many files, "
     "and a first example."},
    {"Fetch",
     "For S3 and CloudWatch Logs sources: requests, retries, objects or log slices "
     "listed, read and failed."},
    {"OK", "log-status OK: the record describes traffic."},
    {"NODATA",
     "log-status NODATA: the interface was idle, no traffic in the aggregation "
     "interval. Nothing is missing."},
    {"SKIPDATA",
     "log-status SKIPDATA: AWS dropped records during the interval (capacity or an "
     "internal error). Traffic happened and its data is lost."},
    {"ACCEPT / REJECT",
     "action: whether the security groups and network ACLs let the traffic "
     "through. A REJECT answer to an ACCEPTed request often means a network "
     "ACL lacks ephemeral ports."},
    {"Windows (time)",
     "Records are counted in the window holding their start time. Windows are "
     "UTC, start inclusive, end exclusive."},
    {"Not logged",
     "VPC Flow Logs never record: traffic to the Amazon DNS resolver (your own DNS "
     "server is logged), DHCP, instance metadata (169.254.169.254), Time Sync "
     "(169.254.169.123), Windows license activation, traffic to the default "
     "router's reserved addresses, mirrored traffic, and traffic between an endpoint "
     "interface and a Network Load Balancer interface."},
    {"Double counting",
     "Each interface logs both directions; traffic between two monitored "
     "interfaces is logged on both, and NAT traffic on the instance and the "
     "NAT interface."},
    {"Units",
     "Bytes are exact counts; sizes beside them use binary units (1 KiB = 1,024 bytes, "
     "1 MiB = 1,024 KiB, 1 GiB = 1,024 MiB). Durations are seconds and h:mm:ss."},
};

/* Writes the "How to read" sheet. Returns FR_OK or an error. */
fr_err xw_howto(xw_ctx *c)
{
    size_t n = sizeof xw_howto_rows / sizeof xw_howto_rows[0];
    xw_table t;
    fr_err err;

    if ((err = xw_table_open(c, &t, "How to read", xw_howto_cols, XW_NCOLS(xw_howto_cols), n)))
        return err;
    xw_table_fix(&t, 0, 16);
    t.fixed[1] = XW_WIDTH_CAP; /* the widest a column gets */
    for (size_t i = 0; i < n; i++)
        if ((err = xw_table_next(&t)) || (err = xw_str(&t, 0, xw_howto_rows[i][0])) ||
            (err = xw_str(&t, 1, xw_howto_rows[i][1])))
            return err;
    return xw_table_finish(&t);
}

/* Writes the Inputs sheet(s): the file's name and problems first, the full
 * path, SHA-256 and ETag last. Returns FR_OK or an error. */
fr_err xw_inputs(xw_ctx *c)
{
    static const char *const format[2][2] = {{"text", "json"}, {"gzip", "json.gz"}};
    const fr_report *r = c->r;
    size_t name_chars = 0, path_chars = 0, error_chars = 0;
    const char **shortn = NULL;
    char hex[65];
    xw_table t;
    fr_err err;

    if (r->n_inputs && !(shortn = fr_short_names(r)))
        return xw_nomem(c);
    if ((err = xw_table_open(c, &t, "Inputs", xw_input_cols,
                             XW_NCOLS(xw_input_cols) - (r->n_states == 0), r->n_inputs)))
        goto fail;
    for (size_t i = 0; i < r->n_inputs; i++) {
        size_t n = xw_chars(shortn[i]), p = xw_chars(r->inputs[i].path),
               e = xw_chars(r->inputs[i].error);
        name_chars = n > name_chars ? n : name_chars;
        path_chars = p > path_chars ? p : path_chars;
        error_chars = e > error_chars ? e : error_chars;
    }
    xw_table_fix(&t, 0, name_chars < 30 ? name_chars : 30);
    xw_table_fix(&t, 3, error_chars < 30 ? error_chars : 30);
    xw_table_fix(&t, 14, path_chars);
    for (size_t i = 0; i < r->n_inputs; i++) {
        const fr_input_row *in = &r->inputs[i];
        if ((err = xw_table_next(&t)) || (err = xw_str(&t, 0, shortn[i])) ||
            (err = xw_str(&t, 1, xw_status(in))) || (err = xw_num(&t, 2, in->malformed)) ||
            (err = xw_str(&t, 3, in->error)) ||
            (err = xw_str(&t, 4,
                          in->is_dir ? "directory"
                                     : format[!!in->compressed][!!in->line_unit_event])) ||
            (err = xw_num(&t, 5, in->size)) || (err = xw_num(&t, 6, in->text_bytes)) ||
            (err = xw_num(&t, 7, in->lines)) || (err = xw_num(&t, 8, in->records)) ||
            (err = xw_num(&t, 9, in->excluded)) || (err = xw_num(&t, 10, in->untimed)) ||
            (err = xw_num(&t, 11, in->tgw_records)) ||
            (err = xw_time(&t, 12, in->first_start, 1)) ||
            (err = xw_time(&t, 13, in->last_start, 1)) || (err = xw_str(&t, 14, in->path)) ||
            (err = xw_str(&t, 15, fr_hex_sha256(in->sha256, hex))) ||
            (err = xw_str(&t, 16, in->etag)) ||
            (r->n_states && (err = xw_str(&t, 17, in->via_state ? in->via_state : ""))))
            goto fail;
    }
    err = xw_table_finish(&t);
fail:
    free(shortn);
    return err;
}

/* Writes the Problems sheet (every kept malformed-line example and every
 * file not read whole) and the Problem reasons sheet. Returns FR_OK or an
 * error. */
fr_err xw_problems(xw_ctx *c)
{
    const fr_report *r = c->r;
    const char **shortn = NULL;
    fr_reason_group *g = NULL;
    size_t ng = 0, rows = 0, name_chars = 0, reason_chars = 0, path_chars = 0;
    uint64_t unkept = 0, unkept_files = 0;
    char *ex = NULL, why[64];
    xw_table t;
    fr_err err;

    if ((r->n_inputs && !(shortn = fr_short_names(r))) || fr_reason_groups(r, &g, &ng, &unkept)) {
        err = xw_nomem(c);
        goto fail;
    }
    for (size_t i = 0; i < r->n_inputs; i++) {
        const fr_input_row *in = &r->inputs[i];
        size_t n = in->n_examples + (in->status != FR_INPUT_OK);
        rows += n;
        unkept_files += in->malformed > in->n_examples;
        if (n) {
            size_t a = xw_chars(shortn[i]), p = xw_chars(in->path);
            name_chars = a > name_chars ? a : name_chars;
            path_chars = p > path_chars ? p : path_chars;
        }
        for (size_t k = 0; k < in->n_examples; k++) {
            size_t e = xw_chars(in->examples[k].reason);
            reason_chars = e > reason_chars ? e : reason_chars;
        }
    }
    if ((err = xw_table_open(c, &t, "Problems", xw_problem_cols, XW_NCOLS(xw_problem_cols), rows)))
        goto fail;
    xw_table_fix(&t, 0, name_chars < 40 ? name_chars : 40);
    xw_table_fix(&t, 2, reason_chars < 30 ? 30 : reason_chars);
    xw_table_fix(&t, 3, path_chars);
    for (size_t i = 0; i < r->n_inputs; i++) {
        const fr_input_row *in = &r->inputs[i];
        if (in->status != FR_INPUT_OK) {
            snprintf(why, sizeof why, "%s: ", xw_status(in));
            size_t n = strlen(why) + (in->error ? strlen(in->error) : 0) + 1;
            char *msg = malloc(n);
            if (!msg) {
                err = xw_nomem(c);
                goto fail;
            }
            snprintf(msg, n, "%s%s", why, in->error ? in->error : "");
            err = xw_table_next(&t);
            if (!err)
                err = xw_str(&t, 0, shortn[i]);
            if (!err)
                err = xw_str(&t, 2, msg);
            if (!err)
                err = xw_str(&t, 3, in->path);
            free(msg);
            if (err)
                goto fail;
        }
        for (size_t k = 0; k < in->n_examples; k++)
            if ((err = xw_table_next(&t)) || (err = xw_str(&t, 0, shortn[i])) ||
                (err = xw_num(&t, 1, in->examples[k].line)) ||
                (err = xw_str(&t, 2, in->examples[k].reason)) || (err = xw_str(&t, 3, in->path)))
                goto fail;
    }
    if ((err = xw_table_finish(&t)))
        goto fail;

    if ((err = xw_table_open(c, &t, "Problem reasons", xw_reason_cols, XW_NCOLS(xw_reason_cols),
                             ng + (unkept > 0))))
        goto fail;
    xw_table_fix(&t, 0, reason_chars < 30 ? 30 : reason_chars);
    xw_table_fix(&t, 3, name_chars + 8 < 50 ? name_chars + 8 : 50);
    for (size_t k = 0; k < ng; k++) {
        const char *name = shortn[g[k].first_input];
        size_t n = strlen(name) + 32;
        if (!(ex = malloc(n))) {
            err = xw_nomem(c);
            goto fail;
        }
        if (g[k].first_line)
            snprintf(ex, n, "%s:%" PRIu64, name, g[k].first_line);
        else
            snprintf(ex, n, "%s", name); /* no example of it kept */
        if ((err = xw_table_next(&t)) || (err = xw_str(&t, 0, g[k].reason)) ||
            (err = xw_num(&t, 1, g[k].lines)) || (err = xw_num(&t, 2, g[k].files)) ||
            (err = xw_str(&t, 3, ex)))
            goto fail;
        free(ex);
        ex = NULL;
    }
    if (unkept &&
        ((err = xw_table_next(&t)) ||
         (err = xw_str(&t, 0, "(not kept: beyond the examples kept per file)")) ||
         (err = xw_num(&t, 1, unkept)) || (err = xw_num(&t, 2, unkept_files))))
        goto fail;
    err = xw_table_finish(&t);
fail:
    free(ex);
    free(g);
    free(shortn);
    return err;
}

/* Writes the Fetch sheet(s), one row per remote source; none for a local
 * run. Returns FR_OK or an error. */
fr_err xw_fetch(xw_ctx *c)
{
    const fr_report *r = c->r;
    size_t source_chars = 0, error_chars = 0;
    xw_table t;
    fr_err err;

    if (!r->n_fetch)
        return FR_OK;
    if ((err = xw_table_open(c, &t, "Fetch", xw_fetch_cols, XW_NCOLS(xw_fetch_cols), r->n_fetch)))
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

/* Starts a three-column sheet (label, value, note) with a title. Returns
 * FR_OK or an error. */
fr_err xw_sum_open(xw_ctx *c, xw_sum *s, const char *name, const char *title)
{
    double w;
    lxw_error e;
    fr_err err;

    s->c = c;
    s->row = 0;
    s->extra = 0;
    s->max_lines = 0;
    if (!(s->ws = workbook_add_worksheet(c->wb, name)))
        return xw_fail(c, LXW_ERROR_CREATING_TMPFILE, "cannot add sheet %s in %s", name, c->tmpdir);
    if ((err = xw_put_str(c, s->ws, 0, 0, title, c->title, &w)))
        return err;
    if ((e = worksheet_set_row(s->ws, 0, 24, NULL)) != LXW_NO_ERROR ||
        (e = worksheet_set_column(s->ws, 0, 0, XW_SUM_WA, NULL)) != LXW_NO_ERROR ||
        (e = worksheet_set_column(s->ws, 1, 1, XW_SUM_WB, NULL)) != LXW_NO_ERROR ||
        (e = worksheet_set_column(s->ws, 2, 2, XW_SUM_WC, NULL)) != LXW_NO_ERROR)
        return xw_fail(c, e, "cannot lay out %s", name);
    s->row = 1;
    return FR_OK;
}

/* Writes an empty row then a section title. Returns FR_OK or an error. */
fr_err xw_sum_section(xw_sum *s, const char *title)
{
    double w;
    fr_err err;

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
fr_err xw_sum_num(xw_sum *s, const char *label, uint64_t v, const char *note)
{
    double w;
    fr_err err;

    if ((err = xw_put_str(s->c, s->ws, s->row, 0, label, s->c->text, &w)) ||
        (err = xw_put_num(s->c, s->ws, s->row, 1, (double)v, s->c->count, &w)) ||
        (err = xw_put_str(s->c, s->ws, s->row, 2, note && *note ? note : NULL, s->c->aside, &w)))
        return err;
    s->row++;
    return FR_OK;
}

/* Writes a "label | bytes | binary units" row. Returns FR_OK or an error. */
fr_err xw_sum_bytes(xw_sum *s, const char *label, uint64_t v)
{
    char h[FR_FMT_LEN];

    return xw_sum_num(s, label, v, v >= 1024 ? fr_fmt_bytes(v, h) : NULL);
}

/* Writes a "label | date-time | note" row; without `have` the value stays
 * empty. Returns FR_OK or an error. */
fr_err xw_sum_time(xw_sum *s, const char *label, int64_t t, int have, const char *note)
{
    double w;
    fr_err err;

    if ((err = xw_put_str(s->c, s->ws, s->row, 0, label, s->c->text, &w)) ||
        (have && (err = xw_put_time(s->c, s->ws, s->row, 1, t, &w))) ||
        (err = xw_put_str(s->c, s->ws, s->row, 2, note, s->c->aside, &w)))
        return err;
    s->row++;
    return FR_OK;
}

/* Writes a "label | text" row, the text over columns B and C, wrapping at
 * spaces, the row as tall as it needs. Returns FR_OK or an error. */
fr_err xw_sum_text(xw_sum *s, const char *label, const char *text)
{
    size_t chars = xw_chars(text);
    double room = XW_SUM_WB + XW_SUM_WC - 2, lines = (double)(int)((double)chars / room) + 1, w;
    lxw_format *f = s->c->wrap;
    lxw_error e;
    fr_err err;

    /* One long token (a SHA-256) would wrap mid-token: smaller, one line. */
    if (text && !strchr(text, ' ') && (double)chars > room && (double)chars <= 1.4 * room) {
        f = s->c->hash;
        lines = 1;
    }

    if ((err = xw_put_str(s->c, s->ws, s->row, 0, label, s->c->text, &w)) ||
        (err = xw_put_str(s->c, s->ws, s->row, 1, text && *text ? text : "-", f, &w)))
        return err;
    if ((e = worksheet_merge_range(s->ws, s->row, 1, s->row, 2, NULL, f)) != LXW_NO_ERROR)
        return xw_fail(s->c, e, "cannot merge cells in %s", s->ws->name);
    /* merge_range wrote an empty string into B: write the text again */
    if ((err = xw_put_str(s->c, s->ws, s->row, 1, text && *text ? text : "-", f, &w)))
        return err;
    if (lines > 1) {
        if (lines > (s->max_lines ? s->max_lines : 12))
            lines = s->max_lines ? s->max_lines : 12;
        s->extra += XW_LINE_HEIGHT * (lines - 1);
        e = worksheet_set_row(s->ws, s->row, XW_LINE_HEIGHT * lines, NULL);
        if (e != LXW_NO_ERROR)
            return xw_fail(s->c, e, "cannot set row height in %s", s->ws->name);
    }
    s->row++;
    return FR_OK;
}

/* Returns the items of v joined by ", " in malloc'ed memory ("" for none),
 * or NULL when out of memory. */
char *xw_join(char *const *v, size_t n)
{
    size_t len = 1;
    char *out;

    for (size_t i = 0; i < n; i++)
        len += strlen(v[i]) + 2;
    if (!(out = malloc(len)))
        return NULL;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (i)
            strcat(out, ", ");
        strcat(out, v[i]);
    }
    return out;
}

/* Writes a Sources row listing v, unless v is empty. Returns FR_OK or an
 * error. */
fr_err xw_sum_list(xw_sum *s, const char *label, char *const *v, size_t n)
{
    char *j;
    fr_err err;

    if (!n)
        return FR_OK;
    if (!(j = xw_join(v, n)))
        return xw_nomem(s->c);
    err = xw_sum_text(s, label, j);
    free(j);
    return err;
}

/* Writes the exactness note of a top table into buf (160 bytes); returns buf. */
static char *xw_topn_note(const fr_topn_info *i, const char *keys, const char *metric, char *buf)
{
    char n[FR_FMT_LEN];

    if (i->approximate)
        snprintf(buf, 160, "approximate: %s low by up to %s, never high", metric,
                 fr_fmt_count(i->error_bound, n));
    else
        snprintf(buf, 160, "exact, of %s distinct %s", fr_fmt_count(i->distinct_keys, n), keys);
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
    char how[256], skip[96] = "";
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

/* Writes the Details sheet: the input counters, how exact the top tables
 * are, and the provenance. Returns FR_OK or an error. */
fr_err xw_details(xw_ctx *c)
{
    const fr_report *r = c->r;
    const fr_totals *tt = &r->totals;
    char note[200], hex[65], *fields = NULL;
    double w;
    xw_sum s;
    lxw_error e;
    fr_err err;

    if ((err = xw_sum_open(c, &s, "Details", "Details")) ||
        (err = xw_put_link(c, s.ws, 0, 2, "Summary", "Back to Summary", &w)))
        return err;
    if ((err = xw_sum_section(&s, "Inputs")) ||
        (err = xw_sum_num(&s, "Files", tt->files, "listed on sheet Inputs")) ||
        (err =
             xw_sum_num(&s, "Files failed", tt->files_failed, "damaged/unreadable/unsupported")) ||
        (tt->dirs_failed &&
         (err = xw_sum_num(&s, "Directories not read", tt->dirs_failed,
                           "cannot be walked: see Inputs"))) ||
        (err = xw_sum_bytes(&s, "Bytes read", tt->size)) ||
        (err = xw_sum_bytes(&s, "Text bytes", tt->text_bytes)) ||
        (err = xw_sum_num(&s, "Lines", tt->lines, NULL)) ||
        (err = xw_sum_num(&s, "Header lines", tt->header_lines, NULL)) ||
        (err = xw_sum_num(&s, "Blank lines", tt->blank_lines, NULL)) ||
        (err = xw_sum_num(&s, "Records in period", tt->records, "VPC records")) ||
        (err = xw_sum_num(&s, "Excluded records", tt->excluded, "start outside the period")) ||
        (err = xw_sum_num(&s, "Untimed records", tt->untimed, "no start time")) ||
        (err = xw_sum_num(&s, "Malformed lines", tt->malformed,
                          "sheets Problems, Problem reasons")) ||
        (err = xw_sum_num(&s, "TGW records", tt->tgw_records, "Transit Gateway, not counted")))
        return err;
    if ((err = xw_sum_section(&s, "Totals")) ||
        (err = xw_sum_num(&s, "OK records", tt->ok_records, "traffic records")) ||
        (err = xw_sum_bytes(&s, "Accepted bytes", tt->accept_bytes)) ||
        (err = xw_sum_bytes(&s, "Rejected bytes", tt->reject_bytes)) ||
        (err = xw_sum_num(&s, "NODATA gaps", tt->nodata_gaps, "the interface was idle")) ||
        (err =
             xw_sum_num(&s, "SKIPDATA gaps", tt->skipdata_gaps, "AWS dropped records: data lost")))
        return err;
    if ((err = xw_sum_section(&s, "Top tables")) ||
        (err = xw_sum_num(&s, "Top N", r->top_n, "rows asked for per table")) ||
        (err = xw_sum_num(&s, "Top talkers", r->n_talkers,
                          xw_topn_note(&r->talkers_info, "pairs", "bytes", note))) ||
        (err = xw_sum_num(&s, "Top rejected", r->n_rejected,
                          xw_topn_note(&r->rejected_info, "sources", "records", note))) ||
        (err = xw_sum_num(&s, "Top ports", r->n_ports,
                          xw_topn_note(&r->ports_info, "ports", "bytes", note))))
        return err;
    if (r->n_unknown_fields && !(fields = xw_join(r->unknown_fields, r->n_unknown_fields)))
        return xw_nomem(c);
    err = xw_sum_section(&s, "Provenance");
    if (!err)
        err = xw_sum_text(&s, "flowreport version", r->version);
    if (!err)
        err = xw_sum_text(&s, "Inputs SHA-256", fr_hex_sha256(r->inputs_sha256, hex));
    if (!err)
        err = xw_sum_text(&s, "Unknown fields", fields ? fields : "none");
    free(fields);
    for (size_t i = 0; i < r->n_states && !err; i++) { /* issue 11: merged states */
        char line[512];
        snprintf(line, sizeof line, "%s: %llu inputs, %llu bytes, SHA-256 %s", r->states[i].name,
                 (unsigned long long)r->states[i].inputs, (unsigned long long)r->states[i].size,
                 fr_hex_sha256(r->states[i].sha256, hex));
        err = xw_sum_text(&s, i ? "" : "States merged", line);
    }
    if (!err && tt->iface_sample_level) {
        char line[256];
        snprintf(line, sizeof line,
                 "1 in %llu listed (more than --max-memory holds); %llu records of the others "
                 "counted in windows and totals only",
                 1ULL << tt->iface_sample_level, (unsigned long long)tt->untracked_iface_records);
        err = xw_sum_text(&s, "Interfaces", line);
    }
    if (!err && r->n_outputs)
        err = xw_sum_text(&s, "Outputs",
                          "SHA-256 of each file written before this workbook (every output "
                          "in manifest.json):");
    for (size_t i = 0; i < r->n_outputs && !err; i++)
        err = xw_sum_text(&s, r->outputs[i].name, fr_hex_sha256(r->outputs[i].sha256, hex));
    for (size_t i = 0; i < r->n_fetch && !err; i++) {
        char label[32], *line;
        snprintf(label, sizeof label, r->n_fetch == 1 ? "Fetch" : "Fetch %zu", i + 1);
        if (!(line = xw_fetch_line(&r->fetch[i])))
            return xw_nomem(c);
        err = xw_sum_text(&s, label, line);
        free(line);
    }
    if (err)
        return err;
    c->details_ws = s.ws;
    c->details_row = s.row;
    /* Nothing beside the three columns prints (a long token's overflow). */
    if ((e = worksheet_print_area(s.ws, 0, 0, s.row, 2)) != LXW_NO_ERROR)
        return xw_fail(c, e, "cannot set print area of %s", s.ws->name);
    return xw_print_setup(c, s.ws, 1, XW_SUM_WA + XW_SUM_WB + XW_SUM_WC + 3 * 0.71,
                          24 + XW_LINE_HEIGHT * (double)s.row + s.extra, XW_MIN_SUMMARY_SCALE, 0);
}

fr_err xw_details_cut(xw_ctx *c)
{
    xw_sum s = {.c = c, .ws = c->details_ws, .row = c->details_row};
    lxw_error e;
    fr_err err;

    if (!c->n_cut || !s.ws)
        return FR_OK;
    if ((err = xw_sum_section(&s, "Excel limits")) ||
        (err = xw_sum_num(&s, "Shortened cells", c->n_cut,
                          "cut to Excel's 32,767-character limit, ending in \"[cut: N more "
                          "characters]\"; the CSVs and summary.md hold the whole text")))
        return err;
    if ((e = worksheet_print_area(s.ws, 0, 0, s.row, 2)) != LXW_NO_ERROR)
        return xw_fail(c, e, "cannot set print area of %s", s.ws->name);
    return FR_OK;
}
