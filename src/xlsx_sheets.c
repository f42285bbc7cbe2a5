/* SPDX-License-Identifier: MIT */
/* xlsx_sheets: the XLSX writer's sheets about the inputs and how to read
 * the workbook: How to read, Inputs, Problems, Problem reasons and Fetch. */
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
    {"Details",
     "Every input counter, how exact the top tables are, the version and the SHA-256 "
     "over all inputs."},
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
    if ((err = xw_table_open(c, &t, "Inputs", xw_input_cols, XW_NCOLS(xw_input_cols), r->n_inputs)))
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
            (err = xw_str(&t, 4, format[!!in->compressed][!!in->line_unit_event])) ||
            (err = xw_num(&t, 5, in->size)) || (err = xw_num(&t, 6, in->text_bytes)) ||
            (err = xw_num(&t, 7, in->lines)) || (err = xw_num(&t, 8, in->records)) ||
            (err = xw_num(&t, 9, in->excluded)) || (err = xw_num(&t, 10, in->untimed)) ||
            (err = xw_num(&t, 11, in->tgw_records)) ||
            (err = xw_time(&t, 12, in->first_start, 1)) ||
            (err = xw_time(&t, 13, in->last_start, 1)) || (err = xw_str(&t, 14, in->path)) ||
            (err = xw_str(&t, 15, fr_hex_sha256(in->sha256, hex))) ||
            (err = xw_str(&t, 16, in->etag)))
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
        snprintf(ex, n, "%s:%" PRIu64, name, g[k].first_line);
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
