/* SPDX-License-Identifier: MIT */
/* report_md_audit: Markdown sections of the audit layer. */
#include "fr_md_audit.h"

#include "fr_names.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void fr_md_printf(fr_md *m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (vfprintf(m->fp, fmt, ap) < 0)
        m->failed = 1;
    va_end(ap);
}

void fr_md_text(fr_md *m, const char *s)
{
    if (fr_md_put_text(m->fp, s))
        m->failed = 1;
}

int fr_md_put_text(FILE *fp, const char *s)
{
    int failed = 0;
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x20 || c == 0x7F) {
            if (fprintf(fp, "\\x%02X", c) < 0)
                failed = 1;
            continue;
        }
        if ((strchr("\\`*_[]<>|~&!#@", c) || (c == ':' && p[1] == '/') ||
             (c == '.' && p - s >= 3 && !strncmp(p - 3, "www", 3))) &&
            fputc('\\', fp) == EOF)
            failed = 1;
        if (fputc(c, fp) == EOF)
            failed = 1;
    }
    return failed ? -1 : 0;
}

/* "2 h 5 min", "35 min", "45 s". */
static const char *duration(uint64_t s, char *buf, size_t len)
{
    if (s >= 3600 && s % 3600 / 60)
        snprintf(buf, len, "%" PRIu64 " h %" PRIu64 " min", s / 3600, s % 3600 / 60);
    else if (s >= 3600)
        snprintf(buf, len, "%" PRIu64 " h", s / 3600);
    else if (s >= 60)
        snprintf(buf, len, "%" PRIu64 " min", s / 60);
    else
        snprintf(buf, len, "%" PRIu64 " s", s);
    return buf;
}

int fr_md_audit_sentence(FILE *fp, const fr_report *r)
{
    fr_md m = {fp, 0};
    const fr_totals *t = &r->totals;
    char pct[32], d[64];
    if (r->n_ifaces == 0) {
        fr_md_printf(&m, "No interface has a record in the period: coverage is unknown.\n");
        return m.failed ? -1 : 0;
    }
    fr_md_printf(&m, "Logs cover %s %% of interface-time; ",
                 fr_pct_format(t->any_seconds, t->iface_seconds, pct));
    if (t->skipdata_interfaces)
        fr_md_printf(&m, "%" PRIu64 " interface%s lost data (SKIPDATA); ", t->skipdata_interfaces,
                     t->skipdata_interfaces == 1 ? "" : "s");
    else
        fr_md_printf(&m, "no interface lost data; ");
    if (t->silent_interfaces)
        fr_md_printf(&m, "%" PRIu64 " went silent (the longest stretch %s).\n",
                     t->silent_interfaces, duration(t->longest_silent, d, sizeof d));
    else
        fr_md_printf(&m, "none went silent for more than %s.\n",
                     duration((uint64_t)r->silent_gap, d, sizeof d));
    return m.failed ? -1 : 0;
}

int fr_md_findings(FILE *fp, const fr_report *r, size_t max_rows)
{
    fr_md m = {fp, 0};
    size_t n[4] = {0};
    for (size_t i = 0; i < r->n_findings; i++)
        n[r->findings[i].severity]++;
    fr_md_printf(&m, "\n## Findings\n\n");
    if (r->findings_source_level) /* SEMANTICS.md "Findings": past --max-memory */
        fr_md_printf(
            &m,
            "More rejected sources than --max-memory holds: port-scan and host-sweep followed 1 in "
            "%llu sources (by a hash of the address).\n\n",
            1ULL << (r->findings_source_level & 63));
    if (r->n_findings == 0) {
        fr_md_printf(&m, "No rule found anything (rules and thresholds: SEMANTICS.md).\n");
        return m.failed ? -1 : 0;
    }
    fr_md_printf(
        &m, "%zu high, %zu medium, %zu low%s.\n\n", n[FR_SEV_HIGH], n[FR_SEV_MEDIUM], n[FR_SEV_LOW],
        r->findings_approximate ? "; some distinct counts are estimates (see detail)" : "");
    fr_md_printf(&m,
                 "| Severity | Rule | Interface | Source | Destination | Port | First seen | "
                 "Last seen | Records | Bytes | Detail |\n");
    fr_md_printf(&m, "|---|---|---|---|---|--:|---|---|--:|--:|---|\n");
    for (size_t i = 0; i < r->n_findings && i < max_rows; i++) {
        const fr_finding_row *f = &r->findings[i];
        char a[FR_ADDR_STRLEN], b[FR_ADDR_STRLEN], t0[32], t1[32];
        fr_md_printf(&m, "| %s | `%s` | ", fr_severity_name(f->severity), f->rule);
        fr_md_text(&m, f->interface_id);
        fr_md_printf(&m, " | %s | %s | ", fr_addr_format(&f->src, a), fr_addr_format(&f->dst, b));
        if (f->has_port) {
            /* "22/tcp", as /etc/services writes it: the IANA keyword in
             * lower case ("9/sctp"), else the number ("9/proto 253") */
            const char *pn = fr_proto_name(f->protocol);
            char lc[FR_FMT_LEN];
            size_t k = 0;
            for (; pn && pn[k] && k + 1 < sizeof lc; k++)
                lc[k] = (char)tolower((unsigned char)pn[k]);
            lc[k] = '\0';
            if (pn)
                fr_md_printf(&m, "%u/%s", (unsigned)f->dstport, lc);
            else
                fr_md_printf(&m, "%u/proto %u", (unsigned)f->dstport, (unsigned)f->protocol);
        }
        int timed = f->first_seen || f->last_seen;
        fr_md_printf(&m, " | %s | %s | %" PRIu64 " | %" PRIu64 " | ",
                     timed ? fr_time_iso(f->first_seen, t0) : "",
                     timed ? fr_time_iso(f->last_seen, t1) : "", f->records, f->bytes);
        fr_md_text(&m, f->detail);
        fr_md_printf(&m, " |\n");
    }
    if (r->n_findings > max_rows)
        fr_md_printf(&m, "\n%zu more findings in `findings.csv`.\n", r->n_findings - max_rows);
    return m.failed ? -1 : 0;
}

/* Worst first: lowest coverage, most silent seconds, interface_id. */
static int worse(const void *pa, const void *pb)
{
    const fr_iface_row *a = *(const fr_iface_row *const *)pa, *b = *(const fr_iface_row *const *)pb;
    /* any_a / period vs any_b / period: the period is the same for all */
    if (a->any_seconds != b->any_seconds)
        return a->any_seconds < b->any_seconds ? -1 : 1;
    if (a->silent_seconds != b->silent_seconds)
        return a->silent_seconds > b->silent_seconds ? -1 : 1;
    return strcmp(a->interface_id, b->interface_id);
}

int fr_md_coverage(FILE *fp, const fr_report *r, size_t max_rows)
{
    fr_md m = {fp, 0};
    const fr_totals *t = &r->totals;
    char pct[32], d[64];
    fr_md_printf(&m, "\n## Coverage\n\n");
    if (fr_md_audit_sentence(fp, r))
        m.failed = 1;
    if (r->n_ifaces == 0)
        return m.failed ? -1 : 0;
    fr_md_printf(&m,
                 "\nInterface-time: %" PRIu64 " s covered by OK records, %" PRIu64
                 " s by NODATA, %" PRIu64 " s lost (SKIPDATA), %" PRIu64 " s silent in %" PRIu64
                 " stretches longer than %s.\n\n",
                 t->covered_seconds, t->nodata_seconds, t->skipdata_seconds, t->silent_seconds,
                 t->silent_gaps, duration((uint64_t)r->silent_gap, d, sizeof d));
    const fr_iface_row **v = malloc(r->n_ifaces * sizeof *v);
    if (!v)
        return -1;
    for (size_t i = 0; i < r->n_ifaces; i++)
        v[i] = &r->ifaces[i];
    qsort(v, r->n_ifaces, sizeof *v, worse);
    fr_md_printf(
        &m,
        "| Interface | Coverage %% | Covered (s) | NODATA (s) | SKIPDATA (s) | Silent (s) | "
        "Silent at |\n");
    fr_md_printf(&m, "|---|--:|--:|--:|--:|--:|---|\n");
    for (size_t i = 0; i < r->n_ifaces && i < max_rows; i++) {
        const fr_iface_row *f = v[i];
        fr_md_printf(&m, "| ");
        fr_md_text(&m, f->interface_id);
        fr_md_printf(&m,
                     " | %s | %" PRIu64 " | %" PRIu64 " | %" PRIu64 " | %" PRIu64 " | %s%s%s |\n",
                     fr_pct_format(f->any_seconds, f->period_seconds, pct), f->covered_seconds,
                     f->nodata_seconds, f->skipdata_seconds, f->silent_seconds,
                     (f->silent_edges & FR_EDGE_START) ? "start (new?)" : "",
                     f->silent_edges == (FR_EDGE_START | FR_EDGE_END) ? ", " : "",
                     (f->silent_edges & FR_EDGE_END) ? "end (deleted?)" : "");
    }
    if (r->n_ifaces > max_rows)
        fr_md_printf(&m, "\n%zu more interfaces in `interfaces.csv`.\n", r->n_ifaces - max_rows);
    free(v);
    return m.failed ? -1 : 0;
}

int fr_md_provenance(FILE *fp, const fr_report *r)
{
    fr_md m = {fp, 0};
    char hex[65];
    if (r->n_outputs == 0)
        return 0;
    fr_md_printf(&m,
                 "\nOutputs (SHA-256; all of them, this file included, in `manifest.json`):\n\n");
    for (size_t i = 0; i < r->n_outputs; i++) {
        fr_md_printf(&m, "- `%s` %" PRIu64 " bytes `", r->outputs[i].name, r->outputs[i].size);
        fr_md_printf(&m, "%s`\n", fr_hex_sha256(r->outputs[i].sha256, hex));
    }
    return m.failed ? -1 : 0;
}
