/* SPDX-License-Identifier: MIT */
/* report_csv: the CSV tables (windows, interfaces, gaps, the three top
 * tables, inputs, problems and, for remote sources, fetch; the first three
 * with the audit layer's columns from report_csv_audit.c), RFC 4180 quoting
 * through libcsv. Text that came from the input and would open as a formula
 * in a spreadsheet gets a leading single quote (see doc/SEMANTICS.md). */
#include <csv.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fr_audit_csv.h"
#include "fr_names.h"
#include "fr_writers.h"

typedef struct csv_out {
    FILE *fp;
    int failed;
    int first; /* no separator before the next field */
} csv_out;

/* Writes a text field, quoted only when it needs to be. */
static void put_str(csv_out *c, const char *s)
{
    if (!c->first && fputc(',', c->fp) == EOF)
        c->failed = 1;
    c->first = 0;
    if (strpbrk(s, ",\"\r\n")) {
        if (csv_fwrite(c->fp, s, strlen(s)) == EOF)
            c->failed = 1;
    } else if (fputs(s, c->fp) == EOF) {
        c->failed = 1;
    }
}

/* Writes text that came from the input: one that a spreadsheet would take
 * for a formula ("=", "+", "-", "@", TAB, CR first) gets a leading "'". */
static void put_text(csv_out *c, const char *s)
{
    if (!fr_csv_risky(s)) {
        put_str(c, s);
        return;
    }
    size_t n = strlen(s);
    char *q = malloc(n + 2);
    if (!q) {
        c->failed = 1;
        errno = ENOMEM;
        return;
    }
    q[0] = '\'';
    memcpy(q + 1, s, n + 1);
    put_str(c, q);
    free(q);
}

static void put_u64(csv_out *c, uint64_t v)
{
    if (fprintf(c->fp, c->first ? "%" PRIu64 : ",%" PRIu64, v) < 0)
        c->failed = 1;
    c->first = 0;
}

static void put_time(csv_out *c, int64_t t)
{
    char buf[32];
    put_str(c, fr_time_iso(t, buf));
}

static void put_addr(csv_out *c, const fr_addr *a)
{
    char buf[FR_ADDR_STRLEN];
    put_str(c, fr_addr_format(a, buf));
}

/* Writes a time, or an empty field for 0 (no time). */
static void put_time_or_empty(csv_out *c, int64_t t)
{
    if (t)
        put_time(c, t);
    else
        put_str(c, "");
}

static void end_row(csv_out *c)
{
    if (fputc('\n', c->fp) == EOF)
        c->failed = 1;
    c->first = 1;
}

/* Writes the header row from a comma-separated list. */
static void header(csv_out *c, const char *cols)
{
    if (fputs(cols, c->fp) == EOF || fputc('\n', c->fp) == EOF)
        c->failed = 1;
    c->first = 1;
}

/* Opens name in o. Returns 0, or -1 with errbuf set. */
static int open_csv(csv_out *c, fr_output *o, const char *name, char *errbuf, size_t errlen)
{
    c->fp = fr_output_open(o, name, errbuf, errlen);
    c->failed = 0;
    c->first = 1;
    return c->fp ? 0 : -1;
}

/* Closes c. Returns FR_OK or FR_ERR_IO with errbuf naming the file. */
static fr_err close_csv(csv_out *c, const char *name, char *errbuf, size_t errlen)
{
    int failed = c->failed || fflush(c->fp) != 0 || ferror(c->fp);
    int saved = errno;
    if (fclose(c->fp) != 0 && !failed) {
        failed = 1;
        saved = errno;
    }
    c->fp = NULL;
    if (failed) {
        snprintf(errbuf, errlen, "%s: write failed: %s", name, strerror(saved));
        return FR_ERR_IO;
    }
    return FR_OK;
}

/* Returns the status word of an input, as on the XLSX Inputs sheet. */
static const char *status_name(fr_input_status s)
{
    switch (s) {
    case FR_INPUT_OK: return "OK";
    case FR_INPUT_DAMAGED: return "DAMAGED";
    case FR_INPUT_UNREADABLE: return "UNREADABLE";
    case FR_INPUT_UNSUPPORTED: return "UNSUPPORTED";
    }
    return "UNKNOWN";
}

/* Writes inputs.csv: one row per input, remote ones with their ETag.
 * Returns FR_OK or FR_ERR_IO (errbuf says). */
static fr_err write_inputs(const fr_report *r, fr_output *o, char *errbuf, size_t errlen)
{
    static const char *const format[2][2] = {{"text", "json"}, {"gzip", "json.gz"}};
    char hex[65];
    csv_out c;

    if (open_csv(&c, o, "inputs.csv", errbuf, errlen))
        return FR_ERR_IO;
    header(&c,
           "path,status,format,size,text_bytes,sha256,lines,records,malformed,excluded,"
           "untimed,tgw_records,first_start,last_start,error,etag");
    for (size_t i = 0; i < r->n_inputs && !c.failed; i++) {
        const fr_input_row *in = &r->inputs[i];
        put_text(&c, in->path);
        put_str(&c, status_name(in->status));
        put_str(&c, in->is_dir ? "directory" : format[!!in->compressed][!!in->line_unit_event]);
        put_u64(&c, in->size);
        put_u64(&c, in->text_bytes);
        put_str(&c, fr_hex_sha256(in->sha256, hex));
        const uint64_t v[] = {in->lines,    in->records, in->malformed,
                              in->excluded, in->untimed, in->tgw_records};
        for (size_t k = 0; k < sizeof v / sizeof v[0]; k++)
            put_u64(&c, v[k]);
        put_time_or_empty(&c, in->first_start);
        put_time_or_empty(&c, in->last_start);
        put_text(&c, in->error ? in->error : "");
        put_text(&c, in->etag ? in->etag : "");
        end_row(&c);
    }
    return close_csv(&c, "inputs.csv", errbuf, errlen);
}

/* Writes fetch.csv: how complete each remote source's fetch was. Returns
 * FR_OK or FR_ERR_IO (errbuf says). */
static fr_err write_fetch(const fr_report *r, fr_output *o, char *errbuf, size_t errlen)
{
    csv_out c;

    if (open_csv(&c, o, "fetch.csv", errbuf, errlen))
        return FR_ERR_IO;
    header(&c,
           "source,kind,requests,retries,throttles,pages,listed,read,failed,skipped,events,"
           "bytes,error");
    for (size_t i = 0; i < r->n_fetch && !c.failed; i++) {
        const fr_fetch_row *f = &r->fetch[i];
        put_text(&c, f->source ? f->source : "");
        put_str(&c, f->kind ? f->kind : "");
        const uint64_t v[] = {f->requests, f->retries, f->throttles, f->pages,  f->listed,
                              f->read,     f->failed,  f->skipped,   f->events, f->bytes};
        for (size_t k = 0; k < sizeof v / sizeof v[0]; k++)
            put_u64(&c, v[k]);
        put_text(&c, f->error ? f->error : "");
        end_row(&c);
    }
    return close_csv(&c, "fetch.csv", errbuf, errlen);
}

/* Writes problems.csv: the malformed lines grouped by reason, most first,
 * each with the files it occurs in and its first example; a last row
 * counts the lines beyond the examples kept per file, whose reason is not
 * known. Returns FR_OK, FR_ERR_NOMEM or FR_ERR_IO (errbuf says). */
static fr_err write_problems(const fr_report *r, fr_output *o, char *errbuf, size_t errlen)
{
    fr_reason_group *g = NULL;
    size_t n = 0;
    uint64_t unkept = 0, unkept_files = 0;
    csv_out c;

    if (fr_reason_groups(r, &g, &n, &unkept)) {
        snprintf(errbuf, errlen, "problems.csv: out of memory");
        return FR_ERR_NOMEM;
    }
    if (open_csv(&c, o, "problems.csv", errbuf, errlen)) {
        free(g);
        return FR_ERR_IO;
    }
    header(&c, "reason,malformed_lines,files,example_path,example_line");
    for (size_t i = 0; i < n && !c.failed; i++) {
        const fr_input_row *in = &r->inputs[g[i].first_input];
        put_text(&c, g[i].reason);
        put_u64(&c, g[i].lines);
        put_u64(&c, g[i].files);
        put_text(&c, in->path);
        if (g[i].first_line)
            put_u64(&c, g[i].first_line);
        else
            put_str(&c, ""); /* none of its lines was among the examples kept */
        end_row(&c);
    }
    free(g);
    for (size_t i = 0; i < r->n_inputs; i++)
        unkept_files += !r->inputs[i].n_reasons && r->inputs[i].malformed > r->inputs[i].n_examples;
    if (unkept && !c.failed) {
        put_str(&c, "(not kept: beyond the examples kept per file)");
        put_u64(&c, unkept);
        put_u64(&c, unkept_files);
        put_str(&c, "");
        put_str(&c, "");
        end_row(&c);
    }
    return close_csv(&c, "problems.csv", errbuf, errlen);
}

fr_err fr_write_csv(const fr_report *r, fr_output *o, char *errbuf, size_t errlen)
{
    csv_out c;
    fr_err e;

    /* windows, interfaces and gaps with the audit layer's coverage columns
     * (fr_audit_csv.h) */
    static const struct {
        const char *name;
        int (*fn)(FILE *, const fr_report *);
    } audit_tables[] = {{"windows.csv", fr_csv_write_windows},
                        {"interfaces.csv", fr_csv_write_interfaces},
                        {"gaps.csv", fr_csv_write_gaps}};
    for (size_t k = 0; k < sizeof audit_tables / sizeof audit_tables[0]; k++) {
        if (open_csv(&c, o, audit_tables[k].name, errbuf, errlen))
            return FR_ERR_IO;
        if (audit_tables[k].fn(c.fp, r))
            c.failed = 1;
        if ((e = close_csv(&c, audit_tables[k].name, errbuf, errlen)))
            return e;
    }

    if (open_csv(&c, o, "top_talkers.csv", errbuf, errlen))
        return FR_ERR_IO;
    header(&c, "rank,srcaddr,dstaddr,records,packets,bytes");
    for (size_t i = 0; i < r->n_talkers && !c.failed; i++) {
        const fr_talker_row *t = &r->talkers[i];
        put_u64(&c, i + 1);
        put_addr(&c, &t->src);
        put_addr(&c, &t->dst);
        put_u64(&c, t->records);
        put_u64(&c, t->packets);
        put_u64(&c, t->bytes);
        end_row(&c);
    }
    if ((e = close_csv(&c, "top_talkers.csv", errbuf, errlen)))
        return e;

    if (open_csv(&c, o, "top_rejected.csv", errbuf, errlen))
        return FR_ERR_IO;
    header(&c, "rank,srcaddr,records,packets,bytes");
    for (size_t i = 0; i < r->n_rejected && !c.failed; i++) {
        const fr_rejected_row *t = &r->rejected[i];
        put_u64(&c, i + 1);
        put_addr(&c, &t->src);
        put_u64(&c, t->records);
        put_u64(&c, t->packets);
        put_u64(&c, t->bytes);
        end_row(&c);
    }
    if ((e = close_csv(&c, "top_rejected.csv", errbuf, errlen)))
        return e;

    if (open_csv(&c, o, "top_ports.csv", errbuf, errlen))
        return FR_ERR_IO;
    header(&c, "rank,protocol,dstport,records,accept_records,reject_records,packets,bytes");
    for (size_t i = 0; i < r->n_ports && !c.failed; i++) {
        const fr_port_row *p = &r->ports[i];
        put_u64(&c, i + 1);
        put_u64(&c, p->protocol);
        put_u64(&c, p->dstport);
        put_u64(&c, p->records);
        put_u64(&c, p->accept_records);
        put_u64(&c, p->reject_records);
        put_u64(&c, p->packets);
        put_u64(&c, p->bytes);
        end_row(&c);
    }
    if ((e = close_csv(&c, "top_ports.csv", errbuf, errlen)))
        return e;

    if ((e = write_inputs(r, o, errbuf, errlen)) || (e = write_problems(r, o, errbuf, errlen)))
        return e;
    return r->n_fetch ? write_fetch(r, o, errbuf, errlen) : FR_OK;
}
