/* SPDX-License-Identifier: MIT */
/* xlsx_audit: the XLSX writer's sheets of the audit layer (issue 9):
 * Findings (findings.csv), Changes (changes.csv, after --baseline),
 * Coverage (the interfaces, worst coverage first) and the --eni-info
 * columns of the Interfaces sheet. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fr_eni_info.h"
#include "fr_names.h"
#include "fr_xlsx.h"

static const xw_col xw_finding_cols[] = {
    {"Rule", XW_STR},
    {"Severity", XW_STR},
    {"Interface ID", XW_STR},
    {"Source address", XW_STR},
    {"Destination address", XW_STR},
    {"Protocol", XW_CODE},
    {"Protocol name", XW_STR},
    {"Destination port", XW_CODE},
    {"First seen (UTC)", XW_TIME},
    {"Last seen (UTC)", XW_TIME},
    {"Records", XW_NUM},
    {"Packets", XW_NUM},
    {"Bytes", XW_NUM},
    {"Detail", XW_WRAP},
};
#define XW_FIND_COL_DETAIL 13

static const xw_col xw_change_cols[] = {
    {"Change", XW_STR}, {"Table", XW_STR}, {"Key", XW_STR}, {"Before", XW_STR}, {"After", XW_STR},
};

static const xw_col xw_coverage_cols[] = {
    {"Interface ID", XW_STR},          {"Coverage (%)", XW_NUM},
    {"Covered by OK (s)", XW_NUM},     {"Covered by NODATA (s)", XW_NUM},
    {"Lost to SKIPDATA (s)", XW_NUM},  {"Silent time (s)", XW_NUM},
    {"Silent time (h:mm:ss)", XW_HMS}, {"Silent at period edge", XW_STR},
};
#define XW_COV_COL_PCT 1

const xw_col xw_eni_cols[XW_ENI_NCOLS] = {
    {"Description", XW_STR}, {"Instance ID", XW_STR},     {"VPC ID", XW_STR},
    {"Subnet ID", XW_STR},   {"Security groups", XW_STR}, {"Private addresses", XW_STR},
};

/* Writes the Findings sheet: findings.csv's rows, plus the protocol's IANA
 * keyword. Returns FR_OK or an error. */
fr_err xw_findings(xw_ctx *c)
{
    const fr_report *r = c->r;
    char a[FR_ADDR_STRLEN], b[FR_ADDR_STRLEN];
    size_t longest = 0;
    xw_table t;
    fr_err err;

    if ((err = xw_table_open(c, &t, "Findings", xw_finding_cols, XW_NCOLS(xw_finding_cols),
                             r->n_findings)))
        return err;
    for (size_t i = 0; i < r->n_findings; i++) {
        size_t n = xw_chars(r->findings[i].detail);
        if (n > longest)
            longest = n;
    }
    xw_table_fix(&t, XW_FIND_COL_DETAIL, longest);
    for (size_t i = 0; i < r->n_findings; i++) {
        const fr_finding_row *f = &r->findings[i];
        const char *pn = f->has_port ? fr_proto_name(f->protocol) : NULL;
        int timed = f->first_seen || f->last_seen;
        if ((err = xw_table_next(&t)) || (err = xw_str(&t, 0, f->rule)) ||
            (err = xw_str(&t, 1, fr_severity_name(f->severity))) ||
            (err = xw_str(&t, 2, f->interface_id)) ||
            (err = xw_str(&t, 3, fr_addr_format(&f->src, a))) ||
            (err = xw_str(&t, 4, fr_addr_format(&f->dst, b))) ||
            (f->has_port &&
             ((err = xw_num(&t, 5, f->protocol)) || (err = xw_str(&t, 6, pn)) ||
              (err = xw_num(&t, 7, f->dstport)))) ||
            (timed &&
             ((err = xw_time(&t, 8, f->first_seen, 0)) ||
              (err = xw_time(&t, 9, f->last_seen, 0)))) ||
            (err = xw_num(&t, 10, f->records)) || (err = xw_num(&t, 11, f->packets)) ||
            (err = xw_num(&t, 12, f->bytes)) || (err = xw_str(&t, XW_FIND_COL_DETAIL, f->detail)))
            return err;
    }
    return xw_table_finish(&t);
}

/* Writes the Changes sheet (changes.csv's rows) after a --baseline
 * comparison; nothing without one. Returns FR_OK or an error. */
fr_err xw_changes(xw_ctx *c)
{
    const fr_report *r = c->r;
    xw_table t;
    fr_err err;

    if (!r->baseline_given)
        return FR_OK;
    if ((err = xw_table_open(c, &t, "Changes", xw_change_cols, XW_NCOLS(xw_change_cols),
                             r->n_changes)))
        return err;
    for (size_t i = 0; i < r->n_changes; i++) {
        const fr_change_row *x = &r->changes[i];
        if ((err = xw_table_next(&t)) || (err = xw_str(&t, 0, x->change)) ||
            (err = xw_str(&t, 1, x->table)) || (err = xw_str(&t, 2, x->key)) ||
            (err = xw_str(&t, 3, x->before)) || (err = xw_str(&t, 4, x->after)))
            return err;
    }
    return xw_table_finish(&t);
}

/* Worst first: least interface-time with any record (the period is the
 * same for all), then most silent seconds, then interface_id, as in
 * summary.md's Coverage section. */
static int xw_worse(const void *pa, const void *pb)
{
    const fr_iface_row *a = *(const fr_iface_row *const *)pa, *b = *(const fr_iface_row *const *)pb;

    if (a->any_seconds != b->any_seconds)
        return a->any_seconds < b->any_seconds ? -1 : 1;
    if (a->silent_seconds != b->silent_seconds)
        return a->silent_seconds > b->silent_seconds ? -1 : 1;
    return strcmp(a->interface_id, b->interface_id);
}

/* Writes the Coverage sheet: interfaces.csv's coverage columns, worst
 * interface first. Returns FR_OK or an error. */
fr_err xw_coverage(xw_ctx *c)
{
    const fr_report *r = c->r;
    const fr_iface_row **v = NULL;
    xw_table t;
    fr_err err;

    if (r->n_ifaces && !(v = malloc(r->n_ifaces * sizeof *v)))
        return xw_nomem(c);
    for (size_t i = 0; i < r->n_ifaces; i++)
        v[i] = &r->ifaces[i];
    if (r->n_ifaces)
        qsort(v, r->n_ifaces, sizeof *v, xw_worse);
    if ((err = xw_table_open(c, &t, "Coverage", xw_coverage_cols, XW_NCOLS(xw_coverage_cols),
                             r->n_ifaces)))
        goto fail;
    xw_table_fix(&t, XW_COV_COL_PCT, 12);
    for (size_t i = 0; i < r->n_ifaces; i++) {
        const fr_iface_row *f = v[i];
        if ((err = xw_table_next(&t)) || (err = xw_str(&t, 0, f->interface_id)) ||
            (err = xw_pct(&t, XW_COV_COL_PCT, f->any_seconds, f->period_seconds)) ||
            (err = xw_num(&t, 2, f->covered_seconds)) || (err = xw_num(&t, 3, f->nodata_seconds)) ||
            (err = xw_num(&t, 4, f->skipdata_seconds)) ||
            (err = xw_num(&t, 5, f->silent_seconds)) || (err = xw_num(&t, 6, f->silent_seconds)) ||
            (err = xw_str(&t, 7,
                          f->silent_edges == (FR_EDGE_START | FR_EDGE_END)
                              ? "start+end"
                              : fr_gap_edge_name(f->silent_edges))))
            goto fail;
    }
    err = xw_table_finish(&t);
fail:
    free((void *)v);
    return err;
}

/* Writes the six --eni-info cells of interface id from column col on.
 * Returns FR_OK or an error. */
fr_err xw_eni_cells(xw_table *t, lxw_col_t col, const char *id)
{
    const fr_eni_row *e = fr_eni_info_find(t->c->r, id);
    fr_err err;

    if (!e)
        return xw_str(t, col, "unknown");
    if ((err = xw_str(t, col, e->description)) || (err = xw_str(t, col + 1, e->instance_id)) ||
        (err = xw_str(t, col + 2, e->vpc_id)) || (err = xw_str(t, col + 3, e->subnet_id)) ||
        (err = xw_str(t, col + 4, e->security_groups)) ||
        (err = xw_str(t, col + 5, e->private_addresses)))
        return err;
    return FR_OK;
}
