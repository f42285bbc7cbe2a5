/* SPDX-License-Identifier: MIT */
/* baseline: a previous run's CSVs against this run's report. */
#include "fr_baseline.h"

#include <csv.h>
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fr_cli.h"

/* A CSV file in memory: rows of NUL-terminated fields, row 0 the header. */
typedef struct table {
    char ***rows;
    size_t *ncols;
    size_t n, cap;
    char **cur; /* the row being read */
    size_t cur_n, cur_cap;
    int nomem;
} table;

/* One cell: report_csv.c wrote input-derived text that a spreadsheet would
 * take for a formula ("=", "+", "-", "@", TAB or CR first) with a leading
 * "'" (doc/SEMANTICS.md); that guard comes off here, so the baseline's
 * cells compare equal to this run's unguarded values. */
static void on_field(void *s, size_t len, void *data)
{
    table *t = data;
    const char *p = s;
    if (t->nomem)
        return;
    if (p && len > 1 && p[0] == '\'' && p[1] && strchr("=+-@\t\r", p[1])) {
        p++;
        len--;
    }
    if (t->cur_n == t->cur_cap) {
        size_t cap = t->cur_cap ? 2 * t->cur_cap : 16;
        char **c = realloc(t->cur, cap * sizeof *c);
        if (!c) {
            t->nomem = 1;
            return;
        }
        t->cur = c;
        t->cur_cap = cap;
    }
    if (!(t->cur[t->cur_n] = strndup(p ? p : "", len))) {
        t->nomem = 1;
        return;
    }
    t->cur_n++;
}

static void on_row(int c, void *data)
{
    table *t = data;
    (void)c;
    if (t->nomem)
        return;
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 64;
        char ***r = realloc(t->rows, cap * sizeof *r);
        size_t *nc = r ? realloc(t->ncols, cap * sizeof *nc) : NULL;
        if (r)
            t->rows = r;
        if (!nc) {
            t->nomem = 1;
            return;
        }
        t->ncols = nc;
        t->cap = cap;
    }
    t->rows[t->n] = t->cur;
    t->ncols[t->n] = t->cur_n;
    t->n++;
    t->cur = NULL;
    t->cur_n = t->cur_cap = 0;
}

static void table_free(table *t)
{
    for (size_t i = 0; i < t->n; i++) {
        for (size_t k = 0; k < t->ncols[i]; k++)
            free(t->rows[i][k]);
        free(t->rows[i]);
    }
    for (size_t k = 0; k < t->cur_n; k++)
        free(t->cur[k]);
    free(t->cur);
    free(t->rows);
    free(t->ncols);
    memset(t, 0, sizeof *t);
}

/* Reads dir/name. A missing file is an empty table. Returns 0, or -1 with
 * errbuf set. */
static int table_read(table *t, const char *dir, const char *name, char *errbuf, size_t errlen)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    memset(t, 0, sizeof *t);
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return errno == ENOENT ? 0
                               : (snprintf(errbuf, errlen, "%s: %s", path, strerror(errno)), -1);
    struct csv_parser p;
    if (csv_init(&p, CSV_APPEND_NULL) != 0) {
        fclose(fp);
        snprintf(errbuf, errlen, "out of memory");
        return -1;
    }
    char buf[65536];
    size_t n;
    int bad = 0;
    while (!bad && (n = fread(buf, 1, sizeof buf, fp)) > 0)
        bad = csv_parse(&p, buf, n, on_field, on_row, t) != n;
    bad = bad || ferror(fp) || csv_fini(&p, on_field, on_row, t) != 0 || t->nomem;
    csv_free(&p);
    fclose(fp);
    if (bad) {
        snprintf(errbuf, errlen, "%s: cannot read as CSV", path);
        table_free(t);
        return -1;
    }
    return 0;
}

/* The index of column name in the header, or -1. */
static int col(const table *t, const char *name)
{
    for (size_t k = 0; t->n && k < t->ncols[0]; k++)
        if (strcmp(t->rows[0][k], name) == 0)
            return (int)k;
    return -1;
}

/* Field c of row i ("" when absent). */
static const char *cell(const table *t, size_t i, int c)
{
    return c >= 0 && (size_t)c < t->ncols[i] ? t->rows[i][c] : "";
}

/* ---- the changes ---- */

typedef struct changes {
    fr_change_row *v;
    size_t n, cap;
    int nomem;
} changes;

static void add(changes *c, const char *change, const char *table_name, const char *key,
                const char *before, const char *after)
{
    if (c->nomem)
        return;
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 32;
        fr_change_row *v = realloc(c->v, cap * sizeof *v);
        if (!v) {
            c->nomem = 1;
            return;
        }
        c->v = v;
        c->cap = cap;
    }
    fr_change_row *x = &c->v[c->n];
    x->change = strdup(change);
    x->table = strdup(table_name);
    x->key = strdup(key);
    x->before = strdup(before);
    x->after = strdup(after);
    if (!x->change || !x->table || !x->key || !x->before || !x->after) {
        free(x->change);
        free(x->table);
        free(x->key);
        free(x->before);
        free(x->after);
        c->nomem = 1;
        return;
    }
    c->n++;
}

/* A sorted set of strings (keys of one side). */
typedef struct keyset {
    char **v;
    size_t n;
} keyset;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int keyset_has(const keyset *k, const char *s)
{
    return k->n && bsearch(&s, k->v, k->n, sizeof *k->v, cmp_str) != NULL;
}

static void keyset_free(keyset *k)
{
    for (size_t i = 0; i < k->n; i++)
        free(k->v[i]);
    free(k->v);
    k->v = NULL;
    k->n = 0;
}

/* Sorts and removes duplicates. */
static void keyset_sort(keyset *k)
{
    if (k->n < 2)
        return;
    qsort(k->v, k->n, sizeof *k->v, cmp_str);
    size_t out = 1;
    for (size_t i = 1; i < k->n; i++) {
        if (strcmp(k->v[i], k->v[out - 1]) == 0)
            free(k->v[i]);
        else
            k->v[out++] = k->v[i];
    }
    k->n = out;
}

/* Adds a copy of s. Returns 0 or -1. */
static int keyset_add(keyset *k, const char *s)
{
    char **v = realloc(k->v, (k->n + 1) * sizeof *v);
    if (!v)
        return -1;
    k->v = v;
    if (!(v[k->n] = strdup(s)))
        return -1;
    k->n++;
    return 0;
}

/* The key of a finding: rule and subject, without times. */
static void finding_key(char *buf, size_t len, const char *rule, const char *iface, const char *src,
                        const char *dst, const char *proto, const char *port)
{
    snprintf(buf, len, "%s %s %s %s %s %s", rule, iface, src, dst, proto, port);
}

/* Interfaces new and gone. */
static int iface_changes(const fr_report *r, const table *t, changes *c)
{
    keyset before = {0}, now = {0};
    int ci = col(t, "interface_id"), rc = -1;
    for (size_t i = 1; i < t->n; i++)
        if (keyset_add(&before, cell(t, i, ci)))
            goto done;
    for (size_t i = 0; i < r->n_ifaces; i++)
        if (keyset_add(&now, r->ifaces[i].interface_id))
            goto done;
    keyset_sort(&before);
    keyset_sort(&now);
    for (size_t i = 0; i < now.n; i++)
        if (!keyset_has(&before, now.v[i]))
            add(c, "interface-new", "interfaces", now.v[i], "", "");
    for (size_t i = 0; i < before.n; i++)
        if (!keyset_has(&now, before.v[i]))
            add(c, "interface-gone", "interfaces", before.v[i], "", "");
    rc = 0;
done:
    keyset_free(&before);
    keyset_free(&now);
    return rc;
}

/* New public peers among the top talkers. */
static int peer_changes(const fr_report *r, const table *t, const fr_audit_opts *o, changes *c)
{
    keyset before = {0}, seen = {0};
    int cs = col(t, "srcaddr"), cd = col(t, "dstaddr"), rc = -1;
    for (size_t i = 1; i < t->n; i++)
        if (keyset_add(&before, cell(t, i, cs)) || keyset_add(&before, cell(t, i, cd)))
            goto done;
    keyset_sort(&before);
    for (size_t i = 0; i < r->n_talkers; i++) {
        const fr_addr *side[2] = {&r->talkers[i].src, &r->talkers[i].dst};
        for (int s = 0; s < 2; s++) {
            char a[FR_ADDR_STRLEN], rank[32];
            fr_addr_format(side[s], a);
            if (fr_addr_is_internal(side[s], o) || !side[s]->family || keyset_has(&before, a) ||
                keyset_has(&seen, a))
                continue;
            snprintf(rank, sizeof rank, "rank %zu", i + 1);
            add(c, "public-peer-new", "top_talkers", a, "", rank);
            if (keyset_add(&seen, a))
                goto done;
            keyset_sort(&seen);
        }
    }
    rc = 0;
done:
    keyset_free(&before);
    keyset_free(&seen);
    return rc;
}

/* Findings new and resolved, and newly exposed admin ports. */
static int finding_changes(const fr_report *r, const table *t, changes *c)
{
    keyset before = {0}, now = {0};
    int cr = col(t, "rule"), ci = col(t, "interface_id"), cs = col(t, "srcaddr"),
        cd = col(t, "dstaddr"), cp = col(t, "protocol"), cq = col(t, "dstport"), rc = -1;
    char k[512];
    for (size_t i = 1; i < t->n; i++) {
        finding_key(k, sizeof k, cell(t, i, cr), cell(t, i, ci), cell(t, i, cs), cell(t, i, cd),
                    cell(t, i, cp), cell(t, i, cq));
        if (keyset_add(&before, k))
            goto done;
    }
    for (size_t i = 0; i < r->n_findings; i++) {
        const fr_finding_row *f = &r->findings[i];
        char a[FR_ADDR_STRLEN], b[FR_ADDR_STRLEN], p[8] = "", q[8] = "";
        if (f->has_port) {
            snprintf(p, sizeof p, "%u", (unsigned)f->protocol);
            snprintf(q, sizeof q, "%u", (unsigned)f->dstport);
        }
        finding_key(k, sizeof k, f->rule, f->interface_id, fr_addr_format(&f->src, a),
                    fr_addr_format(&f->dst, b), p, q);
        if (keyset_add(&now, k))
            goto done;
    }
    keyset_sort(&before);
    keyset_sort(&now);
    for (size_t i = 0; i < now.n; i++)
        if (!keyset_has(&before, now.v[i]) &&
            strncmp(now.v[i], "public-admin-port-accepted ", 27) == 0)
            add(c, "exposed-port-new", "findings", now.v[i] + 27, "", "");
    for (size_t i = 0; i < now.n; i++)
        if (!keyset_has(&before, now.v[i]))
            add(c, "finding-new", "findings", now.v[i], "", "");
    for (size_t i = 0; i < before.n; i++)
        if (!keyset_has(&now, before.v[i]))
            add(c, "finding-resolved", "findings", before.v[i], "", "");
    rc = 0;
done:
    keyset_free(&before);
    keyset_free(&now);
    return rc;
}

/* The rank of key in a top table of the baseline (0: absent). */
static size_t rank_before(const table *t, const char *key, int c1, int c2)
{
    char k[128];
    for (size_t i = 1; i < t->n; i++) {
        snprintf(k, sizeof k, c2 >= 0 ? "%s %s" : "%s", cell(t, i, c1), cell(t, i, c2));
        if (strcmp(k, key) == 0)
            return i;
    }
    return 0;
}

/* Rank moves of one top table: keys of this run whose rank differs (or is
 * new), then baseline keys no longer in it. */
static void rank_changes(const char *name, const table *t, char **keys, size_t n, int c1, int c2,
                         changes *c)
{
    char a[24], b[24], k[128];
    for (size_t i = 0; i < n; i++) {
        size_t was = rank_before(t, keys[i], c1, c2);
        if (was == i + 1)
            continue;
        snprintf(a, sizeof a, "%zu", was);
        snprintf(b, sizeof b, "%zu", i + 1);
        add(c, "rank-move", name, keys[i], was ? a : "", b);
    }
    for (size_t i = 1; i < t->n; i++) {
        snprintf(k, sizeof k, c2 >= 0 ? "%s %s" : "%s", cell(t, i, c1), cell(t, i, c2));
        size_t j = 0;
        while (j < n && strcmp(keys[j], k) != 0)
            j++;
        if (j == n) {
            snprintf(a, sizeof a, "%zu", i);
            add(c, "rank-move", name, k, a, "");
        }
    }
}

/* Builds the keys of a top table of r. Returns the array (n entries), or
 * NULL (memory). */
static char **top_keys(const fr_report *r, int which, size_t *n)
{
    size_t m = which == 0 ? r->n_talkers : which == 1 ? r->n_rejected : r->n_ports;
    char **k = calloc(m + 1, sizeof *k);
    if (!k)
        return NULL;
    for (size_t i = 0; i < m; i++) {
        char a[FR_ADDR_STRLEN], b[FR_ADDR_STRLEN], buf[128];
        if (which == 0)
            snprintf(buf, sizeof buf, "%s %s", fr_addr_format(&r->talkers[i].src, a),
                     fr_addr_format(&r->talkers[i].dst, b));
        else if (which == 1)
            snprintf(buf, sizeof buf, "%s", fr_addr_format(&r->rejected[i].src, a));
        else
            snprintf(buf, sizeof buf, "%u %u", (unsigned)r->ports[i].protocol,
                     (unsigned)r->ports[i].dstport);
        if (!(k[i] = strdup(buf))) {
            for (size_t j = 0; j < i; j++)
                free(k[j]);
            free(k);
            return NULL;
        }
    }
    *n = m;
    return k;
}

/* Totals from the baseline's windows.csv and this run's, and coverage from
 * the interfaces' columns when both runs have them. */
static void total_changes(const fr_report *r, const table *w, const table *ifs, int64_t b_period,
                          changes *c)
{
    static const char *const cols[] = {"records", "reject_records", "packets", "bytes"};
    const uint64_t now[] = {r->totals.records, r->totals.reject_records, r->totals.packets,
                            r->totals.bytes};
    for (size_t k = 0; k < 4; k++) {
        int ci = col(w, cols[k]);
        uint64_t sum = 0, v;
        for (size_t i = 1; i < w->n; i++)
            if (fr_parse_u64(cell(w, i, ci), strlen(cell(w, i, ci)), &v) &&
                __builtin_add_overflow(sum, v, &sum))
                sum = UINT64_MAX;
        char a[24], b[24];
        snprintf(a, sizeof a, "%" PRIu64, sum);
        snprintf(b, sizeof b, "%" PRIu64, now[k]);
        add(c, "total", "windows", cols[k], a, b);
    }
    char a[24], b[24];
    snprintf(a, sizeof a, "%zu", ifs->n ? ifs->n - 1 : 0);
    snprintf(b, sizeof b, "%zu", r->n_ifaces);
    add(c, "total", "interfaces", "interfaces", a, b);
    int c1 = col(ifs, "covered_seconds"), c2 = col(ifs, "nodata_seconds"),
        c3 = col(ifs, "skipdata_seconds");
    if (c1 < 0 || c2 < 0 || c3 < 0 || b_period <= 0)
        return;
    uint64_t any = 0;
    for (size_t i = 1; i < ifs->n; i++) {
        uint64_t x = 0, y = 0, z = 0;
        fr_parse_u64(cell(ifs, i, c1), strlen(cell(ifs, i, c1)), &x);
        fr_parse_u64(cell(ifs, i, c2), strlen(cell(ifs, i, c2)), &y);
        fr_parse_u64(cell(ifs, i, c3), strlen(cell(ifs, i, c3)), &z);
        any += x + y + z;
    }
    char p[32], q[32];
    fr_pct_format(any, (uint64_t)b_period * (ifs->n - 1), p);
    fr_pct_format(r->totals.any_seconds, r->totals.iface_seconds, q);
    add(c, "total", "interfaces", "coverage_pct", p, q);
}

/* Reads dir/manifest.json and checks it against r. Returns 1 when
 * compatible (and *period its seconds), else 0 with the reason in errbuf. */
static int compatible(const fr_report *r, const char *dir, int64_t *period, char *errbuf,
                      size_t errlen)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    json_error_t jerr;
    json_t *m = json_load_file(path, 0, &jerr);
    if (!m) {
        snprintf(errbuf, errlen, "%s: no manifest.json of a flowreport run (%s)", dir, jerr.text);
        return 0;
    }
    const char *ver = json_string_value(json_object_get(m, "version"));
    json_int_t fmt = json_integer_value(json_object_get(m, "format"));
    json_int_t win = json_integer_value(json_object_get(m, "window_seconds"));
    const char *ps = json_string_value(json_object_get(m, "period_start"));
    const char *pe = json_string_value(json_object_get(m, "period_end"));
    const char *ours = r->version ? r->version : "";
    const char *dot = strchr(ours, '.');
    dot = dot ? strchr(dot + 1, '.') : NULL;
    size_t mm = dot ? (size_t)(dot - ours) : strlen(ours); /* major.minor */
    int ok = 0;
    int64_t t0, t1;
    if (fmt != 1 || !ver)
        snprintf(errbuf, errlen, "%s: manifest.json of an unknown format", dir);
    else if (strncmp(ver, ours, mm) != 0 || (ver[mm] != '\0' && ver[mm] != '.'))
        snprintf(errbuf, errlen, "%s: written by flowreport %s, incompatible with %s", dir, ver,
                 ours);
    else if (win != r->window)
        snprintf(errbuf, errlen, "%s: windows of %lld s, this run has %lld s", dir, (long long)win,
                 (long long)r->window);
    else if (!ps || !pe || !fr_parse_time(ps, &t0) || !fr_parse_time(pe, &t1))
        snprintf(errbuf, errlen, "%s: manifest.json without a period", dir);
    else {
        *period = t1 - t0;
        ok = 1;
    }
    json_decref(m);
    return ok;
}

fr_err fr_baseline_compare(fr_report *r, const char *dir, const fr_audit_opts *o, int *ignored,
                           char *errbuf, size_t errlen)
{
    int64_t period = 0;
    *ignored = 0;
    if (!compatible(r, dir, &period, errbuf, errlen)) {
        *ignored = 1;
        return FR_OK;
    }
    table t[6];
    static const char *const names[6] = {"interfaces.csv",   "top_talkers.csv", "findings.csv",
                                         "top_rejected.csv", "top_ports.csv",   "windows.csv"};
    memset(t, 0, sizeof t);
    changes c = {0};
    fr_err err = FR_ERR_IO;
    for (int i = 0; i < 6; i++)
        if (table_read(&t[i], dir, names[i], errbuf, errlen))
            goto done;
    err = FR_ERR_NOMEM;
    if (iface_changes(r, &t[0], &c) || peer_changes(r, &t[1], o, &c) ||
        finding_changes(r, &t[2], &c))
        goto done;
    for (int w = 0; w < 3; w++) {
        size_t n = 0;
        char **k = top_keys(r, w, &n);
        if (!k)
            goto done;
        const table *bt = w == 0 ? &t[1] : w == 1 ? &t[3] : &t[4];
        int c1 = col(bt, w == 2 ? "protocol" : "srcaddr");
        int c2 = w == 0 ? col(bt, "dstaddr") : w == 2 ? col(bt, "dstport") : -1;
        rank_changes(names[w == 0 ? 1 : w == 1 ? 3 : 4], bt, k, n, c1, c2, &c);
        for (size_t i = 0; i < n; i++)
            free(k[i]);
        free(k);
    }
    total_changes(r, &t[5], &t[0], period, &c);
    if (c.nomem)
        goto done;
    r->changes = c.v;
    r->n_changes = c.n;
    r->baseline_given = 1;
    c.v = NULL;
    c.n = 0;
    err = FR_OK;
done:
    if (err == FR_ERR_NOMEM)
        snprintf(errbuf, errlen, "out of memory");
    for (size_t i = 0; i < c.n; i++) {
        free(c.v[i].change);
        free(c.v[i].table);
        free(c.v[i].key);
        free(c.v[i].before);
        free(c.v[i].after);
    }
    free(c.v);
    for (int i = 0; i < 6; i++)
        table_free(&t[i]);
    return err;
}
