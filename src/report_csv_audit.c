/* SPDX-License-Identifier: MIT */
/* report_csv_audit: findings.csv and the coverage columns of the CSV
 * tables. */
#include "fr_audit_csv.h"

#include "fr_eni_info.h"
#include "fr_names.h"

#include <csv.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

typedef struct out {
    FILE *fp;
    int failed, first;
} out;

static void sep(out *c)
{
    if (!c->first && fputc(',', c->fp) == EOF)
        c->failed = 1;
    c->first = 0;
}

static void put_str(out *c, const char *s)
{
    sep(c);
    if (strpbrk(s, ",\"\r\n")) {
        if (csv_fwrite(c->fp, s, strlen(s)) == EOF)
            c->failed = 1;
    } else if (fputs(s, c->fp) == EOF) {
        c->failed = 1;
    }
}

/* Writes text that came from the input (ids, descriptions, a baseline's
 * cells): one a spreadsheet would take for a formula gets a leading "'", as
 * in report_csv.c (doc/SEMANTICS.md). */
static void put_text(out *c, const char *s)
{
    if (!fr_csv_risky(s)) {
        put_str(c, s);
        return;
    }
    size_t n = strlen(s);
    char *q = malloc(n + 2);
    if (!q) {
        sep(c);
        c->failed = 1;
        errno = ENOMEM;
        return;
    }
    q[0] = '\'';
    memcpy(q + 1, s, n + 1);
    put_str(c, q);
    free(q);
}

static void put_u64(out *c, uint64_t v)
{
    sep(c);
    if (fprintf(c->fp, "%" PRIu64, v) < 0)
        c->failed = 1;
}

static void put_time(out *c, int64_t t)
{
    char buf[32];
    put_str(c, fr_time_iso(t, buf));
}

static void put_addr(out *c, const fr_addr *a)
{
    char buf[FR_ADDR_STRLEN];
    put_str(c, fr_addr_format(a, buf));
}

static void put_pct(out *c, uint64_t num, uint64_t den)
{
    char buf[32];
    put_str(c, fr_pct_format(num, den, buf));
}

static void line(out *c, const char *text)
{
    if (text && fputs(text, c->fp) == EOF)
        c->failed = 1;
    if (fputc('\n', c->fp) == EOF)
        c->failed = 1;
    c->first = 1;
}

/* The --eni-info cells of an interface; unknown ones say so. */
static void put_eni(out *c, const fr_eni_row *e)
{
    put_text(c, e ? e->description : "unknown");
    put_text(c, e ? e->instance_id : "");
    put_text(c, e ? e->vpc_id : "");
    put_text(c, e ? e->subnet_id : "");
    put_text(c, e ? e->security_groups : "");
    put_text(c, e ? e->private_addresses : "");
}

int fr_csv_write_findings(FILE *fp, const fr_report *r)
{
    out c = {fp, 0, 1};
    line(&c, FR_CSV_FINDINGS_HEADER);
    for (size_t i = 0; i < r->n_findings && !c.failed; i++) {
        const fr_finding_row *f = &r->findings[i];
        put_str(&c, f->rule);
        put_str(&c, fr_severity_name(f->severity));
        put_text(&c, f->interface_id);
        put_addr(&c, &f->src);
        put_addr(&c, &f->dst);
        if (f->has_port) {
            put_u64(&c, f->protocol);
            put_u64(&c, f->dstport);
        } else {
            put_str(&c, "");
            put_str(&c, "");
        }
        if (f->first_seen || f->last_seen) {
            put_time(&c, f->first_seen);
            put_time(&c, f->last_seen);
        } else {
            put_str(&c, "");
            put_str(&c, "");
        }
        put_u64(&c, f->records);
        put_u64(&c, f->packets);
        put_u64(&c, f->bytes);
        put_text(&c, f->detail);
        line(&c, NULL);
    }
    return c.failed ? -1 : 0;
}

int fr_csv_write_windows(FILE *fp, const fr_report *r)
{
    out c = {fp, 0, 1};
    line(&c, FR_CSV_WINDOWS_HEADER);
    for (size_t i = 0; i < r->n_windows && !c.failed; i++) {
        const fr_window_row *w = &r->windows[i];
        put_time(&c, w->start);
        put_time(&c, w->end);
        const uint64_t v[] = {w->records,        w->ok_records,     w->accept_records,
                              w->reject_records, w->nodata_records, w->skipdata_records,
                              w->packets,        w->bytes,          w->accept_bytes,
                              w->reject_bytes,   w->interfaces};
        for (size_t k = 0; k < sizeof v / sizeof v[0]; k++)
            put_u64(&c, v[k]);
        put_pct(&c, w->covered_iface_seconds, w->iface_seconds);
        put_u64(&c, w->skipdata_interfaces);
        line(&c, NULL);
    }
    return c.failed ? -1 : 0;
}

void fr_csv_put_eni_cells(FILE *fp, const fr_eni_row *e, int *failed)
{
    out c = {fp, 0, 0};
    put_eni(&c, e);
    if (c.failed)
        *failed = 1;
}

int fr_csv_write_interfaces(FILE *fp, const fr_report *r)
{
    out c = {fp, 0, 1};
    if (fputs(FR_CSV_INTERFACES_HEADER, fp) == EOF)
        c.failed = 1;
    line(&c, r->eni_info_given ? "," FR_CSV_ENI_HEADER : "");
    for (size_t i = 0; i < r->n_ifaces && !c.failed; i++) {
        const fr_iface_row *f = &r->ifaces[i];
        put_text(&c, f->interface_id);
        put_text(&c, f->account_id);
        put_time(&c, f->first_start);
        put_time(&c, f->last_end);
        const uint64_t v[] = {
            f->records,         f->ok_records,     f->nodata_records,   f->skipdata_records,
            f->accept_records,  f->reject_records, f->packets,          f->bytes,
            f->covered_seconds, f->nodata_seconds, f->skipdata_seconds, f->silent_seconds};
        for (size_t k = 0; k < sizeof v / sizeof v[0]; k++)
            put_u64(&c, v[k]);
        put_pct(&c, f->any_seconds, f->period_seconds);
        put_str(&c,
                f->silent_edges == (FR_EDGE_START | FR_EDGE_END)
                    ? "start+end"
                    : fr_gap_edge_name(f->silent_edges));
        if (r->eni_info_given)
            put_eni(&c, fr_eni_info_find(r, f->interface_id));
        line(&c, NULL);
    }
    return c.failed ? -1 : 0;
}

/* 1 when gap a comes before gap b (interface_id, start, kind). */
static int gap_before(const fr_gap_row *a, const fr_gap_row *b)
{
    int c = strcmp(a->interface_id, b->interface_id);
    if (c)
        return c < 0;
    if (a->start != b->start)
        return a->start < b->start;
    return a->kind < b->kind;
}

const fr_gap_row **fr_gaps_merged(const fr_report *r, size_t *n)
{
    size_t total = r->n_gaps + r->n_silent;
    *n = 0;
    if (total == 0)
        return NULL;
    const fr_gap_row **v = malloc(total * sizeof *v);
    if (!v) {
        *n = (size_t)-1;
        return NULL;
    }
    size_t i = 0, k = 0;
    while (i < r->n_gaps || k < r->n_silent) {
        if (k >= r->n_silent || (i < r->n_gaps && gap_before(&r->gaps[i], &r->silent[k])))
            v[*n] = &r->gaps[i++];
        else
            v[*n] = &r->silent[k++];
        (*n)++;
    }
    return v;
}

int fr_csv_write_gaps(FILE *fp, const fr_report *r)
{
    out c = {fp, 0, 1};
    size_t n;
    const fr_gap_row **v = fr_gaps_merged(r, &n);
    if (n == (size_t)-1)
        return -1;
    line(&c, FR_CSV_GAPS_HEADER);
    for (size_t i = 0; i < n && !c.failed; i++) {
        const fr_gap_row *g = v[i];
        put_text(&c, g->interface_id);
        put_str(&c, fr_gap_kind_name(g->kind));
        put_time(&c, g->start);
        put_time(&c, g->end);
        put_u64(&c, (uint64_t)(g->end - g->start));
        put_u64(&c, g->records);
        put_str(&c, fr_gap_edge_name(g->edge));
        line(&c, NULL);
    }
    free((void *)v);
    return c.failed ? -1 : 0;
}

int fr_csv_write_changes(FILE *fp, const fr_report *r)
{
    out c = {fp, 0, 1};
    line(&c, FR_CSV_CHANGES_HEADER);
    for (size_t i = 0; i < r->n_changes && !c.failed; i++) {
        const fr_change_row *x = &r->changes[i];
        put_str(&c, x->change);
        put_str(&c, x->table);
        put_text(&c, x->key);
        put_text(&c, x->before);
        put_text(&c, x->after);
        line(&c, NULL);
    }
    return c.failed ? -1 : 0;
}

/* Writes one file of o with fn. Returns FR_OK or FR_ERR_IO. */
static fr_err write_one(const fr_report *r, fr_output *o, const char *name,
                        int (*fn)(FILE *, const fr_report *), char *errbuf, size_t errlen)
{
    FILE *fp = fr_output_open(o, name, errbuf, errlen);
    if (!fp)
        return FR_ERR_IO;
    int failed = fn(fp, r) != 0 || fflush(fp) != 0 || ferror(fp);
    int saved = errno;
    if (fclose(fp) != 0 && !failed) {
        failed = 1;
        saved = errno;
    }
    if (failed) {
        snprintf(errbuf, errlen, "%s: write failed: %s", name, strerror(saved));
        return FR_ERR_IO;
    }
    return FR_OK;
}

fr_err fr_write_csv_audit(const fr_report *r, fr_output *o, char *errbuf, size_t errlen)
{
    fr_err e = write_one(r, o, "findings.csv", fr_csv_write_findings, errbuf, errlen);
    if (e == FR_OK && r->baseline_given)
        e = write_one(r, o, "changes.csv", fr_csv_write_changes, errbuf, errlen);
    return e;
}
