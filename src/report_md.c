/* SPDX-License-Identifier: MIT */
/* report_md: the Markdown audit summary, the page a person reads first. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fr_writers.h"

/* Rows of the long tables shown before pointing at the CSV. */
#define MD_MAX_ROWS 50
#define MD_BUSIEST 5

typedef struct md {
    FILE *fp;
    int failed;
} md;

static void out(md *m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (vfprintf(m->fp, fmt, ap) < 0)
        m->failed = 1;
    va_end(ap);
}

/* Writes text with Markdown punctuation escaped (safe inside table cells). */
static void text(md *m, const char *s)
{
    for (; *s; s++) {
        if (strchr("\\`*_[]<>|~", *s)) {
            if (fputc('\\', m->fp) == EOF)
                m->failed = 1;
        }
        if (fputc(*s == '\n' || *s == '\r' ? ' ' : *s, m->fp) == EOF)
            m->failed = 1;
    }
}

/* Writes s as a code span: shown literally, whatever it holds (not for
 * table cells, where '|' still splits the cell). */
static void code(md *m, const char *s)
{
    size_t run = 0, longest = 0;
    for (const char *c = s; *c; c++) {
        run = *c == '`' ? run + 1 : 0;
        if (run > longest)
            longest = run;
    }
    char fence[16];
    size_t n = longest + 1 < sizeof fence ? longest + 1 : sizeof fence - 1;
    memset(fence, '`', n);
    fence[n] = '\0';
    int pad = s[0] == '`' || (s[0] && s[strlen(s) - 1] == '`');
    out(m, "%s%s", fence, pad ? " " : "");
    for (const char *c = s; *c; c++)
        if (fputc(*c == '\n' || *c == '\r' ? ' ' : *c, m->fp) == EOF)
            m->failed = 1;
    out(m, "%s%s", pad ? " " : "", fence);
}

/* Formats v with thousands separators into buf (32 bytes); returns buf. */
static char *num(uint64_t v, char *buf)
{
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, "%" PRIu64, v);
    int o = 0;
    for (int i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = tmp[i];
    }
    buf[o] = '\0';
    return buf;
}

/* Formats a byte count in binary units ("1.5 GiB") into buf (32 bytes). */
static char *human(uint64_t v, char *buf)
{
    static const char *const unit[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    double d = (double)v;
    int u = 0;
    while (d >= 1024 && u < 5) {
        d /= 1024;
        u++;
    }
    if (u == 0)
        snprintf(buf, 32, "%" PRIu64 " B", v);
    else
        snprintf(buf, 32, "%.1f %s", d, unit[u]);
    return buf;
}

static const char *duration(int64_t s, char *buf)
{
    if (s % 86400 == 0)
        snprintf(buf, 32, "%lld d", (long long)(s / 86400));
    else if (s % 3600 == 0)
        snprintf(buf, 32, "%lld h", (long long)(s / 3600));
    else if (s % 60 == 0)
        snprintf(buf, 32, "%lld min", (long long)(s / 60));
    else
        snprintf(buf, 32, "%lld s", (long long)s);
    return buf;
}

static const char *status_name(fr_input_status s)
{
    switch (s) {
    case FR_INPUT_OK: return "ok";
    case FR_INPUT_DAMAGED: return "damaged";
    case FR_INPUT_UNREADABLE: return "unreadable";
    case FR_INPUT_UNSUPPORTED: return "unsupported";
    }
    return "?";
}

/* Picks the MD_BUSIEST windows by bytes (ties: earlier first) into idx. */
static size_t busiest(const fr_report *r, size_t idx[MD_BUSIEST])
{
    size_t n = 0;
    for (size_t i = 0; i < r->n_windows; i++) {
        if (r->windows[i].records == 0)
            continue;
        /* insertion into a short sorted list */
        size_t pos = n;
        while (pos > 0) {
            const fr_window_row *a = &r->windows[i], *b = &r->windows[idx[pos - 1]];
            if (a->bytes > b->bytes)
                pos--;
            else
                break;
        }
        if (pos >= MD_BUSIEST)
            continue;
        if (n < MD_BUSIEST)
            n++;
        memmove(&idx[pos + 1], &idx[pos], (n - 1 - pos) * sizeof idx[0]);
        idx[pos] = i;
    }
    return n;
}

static void topn_note(md *m, const fr_topn_info *info, size_t rows, const char *csv)
{
    char a[32];
    if (rows > MD_MAX_ROWS)
        out(m, "\nThe first %d of %zu rows are shown.\n", MD_MAX_ROWS, rows);
    if (info->approximate)
        out(m,
            "\nApproximate: the distinct keys did not fit in `--max-memory`, so the "
            "smallest were dropped along the way. The ranking counter of each row may be "
            "low by at most %s (never high); the other counters are lower bounds. ",
            num(info->error_bound, a));
    else
        out(m, "\nExact, over %s distinct keys. ", num(info->distinct_keys, a));
    out(m, "CSV: `%s`.\n", csv);
}

/* Writes the Fetch section: one table row per remote source, then one
 * sentence per source on whether its fetch was complete. */
static void fetch_section(md *m, const fr_report *r)
{
    char a[32], b[32], c[32], d[32], e[32], f[32], g[32], h[32], k[32], l[32];
    int errors = 0;

    out(m, "\n## Fetch\n\n");
    out(m,
        "| source | kind | requests | retries | throttles | pages | listed | read | failed | "
        "skipped | events | bytes |\n"
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (size_t i = 0; i < r->n_fetch; i++) {
        const fr_fetch_row *x = &r->fetch[i];
        out(m, "| ");
        text(m, x->source ? x->source : "");
        out(m, " | ");
        text(m, x->kind ? x->kind : "");
        out(m, " | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", num(x->requests, a),
            num(x->retries, b), num(x->throttles, c), num(x->pages, d), num(x->listed, e),
            num(x->read, f), num(x->failed, g), num(x->skipped, h), num(x->events, k),
            human(x->bytes, l));
        errors |= x->failed || x->error;
    }
    out(m, "\n");
    for (size_t i = 0; i < r->n_fetch; i++) {
        const fr_fetch_row *x = &r->fetch[i];
        int logs = x->kind && !strcmp(x->kind, "cloudwatch-logs");
        uint64_t want = x->listed > x->skipped ? x->listed - x->skipped : 0;
        const char *one = logs ? "slice" : "object", *many = logs ? "slices" : "objects";
        const char *unit = want == 1 ? one : many;

        out(m, "- ");
        code(m, x->source ? x->source : "");
        if (x->failed)
            out(m, ": %s of %s %s failed: see the problems under Inputs", num(x->failed, a),
                num(want, b), unit);
        else if (x->read < want)
            out(m, ": incomplete, %s of %s %s read", num(x->read, a), num(want, b), unit);
        else if (x->error)
            out(m,
                ": %s %s read, but the fetch stopped with an error (the listing may be incomplete)",
                num(x->read, a), x->read == 1 ? one : many);
        else if (want == 0)
            out(m, ": nothing to read");
        else
            out(m, ": all %s %s read", num(want, a), unit);
        if (x->skipped)
            out(m, " (%s skipped: outside the period or unsupported)", num(x->skipped, a));
        if (x->error) {
            out(m, ". Last error: ");
            text(m, x->error);
        }
        out(m, ".\n");
    }
    out(m, "\n%s CSV: `fetch.csv`.\n",
        errors ? "The report is incomplete: it covers only what was read."
               : "The fetch was complete.");
}

fr_err fr_write_md(const fr_report *r, fr_output *o, char *errbuf, size_t errlen)
{
    md m = {fr_output_open(o, "summary.md", errbuf, errlen), 0};
    if (!m.fp)
        return FR_ERR_IO;
    const fr_totals *t = &r->totals;
    char a[32], b[32], c[32], d[32], e[32], f[32];

    out(&m, "# VPC Flow Logs audit summary\n\n");
    if (r->n_windows) {
        out(&m, "Period: **%s** to **%s** (UTC, end exclusive), %s windows of %s",
            fr_time_iso(r->period_start, a), fr_time_iso(r->period_end, b), num(r->n_windows, c),
            duration(r->window, d));
        out(&m,
            r->since_given || r->until_given ? ", as requested.\n\n"
                                             : ", from the records found.\n\n");
    } else {
        out(&m, "Period: no records with a start time were found; there are no windows.\n\n");
    }

    out(&m, "## Inputs\n\n");
    out(&m, "| what | count |\n|---|---:|\n");
    out(&m, "| files | %s |\n", num(r->n_inputs, a));
    out(&m, "| files damaged, unreadable or unsupported | %s |\n", num(t->files_failed, a));
    out(&m, "| bytes read | %s (%s) |\n", num(t->size, a), human(t->size, b));
    out(&m, "| bytes of text | %s (%s) |\n", num(t->text_bytes, a), human(t->text_bytes, b));
    out(&m, "| lines | %s |\n", num(t->lines, a));
    out(&m, "| header lines | %s |\n", num(t->header_lines, a));
    out(&m, "| records in the period | %s |\n", num(t->records, a));
    out(&m, "| records outside the period (excluded) | %s |\n", num(t->excluded, a));
    out(&m, "| records without a start time | %s |\n", num(t->untimed, a));
    out(&m, "| Transit Gateway records (not analysed) | %s |\n", num(t->tgw_records, a));
    out(&m, "| malformed lines | %s |\n", num(t->malformed, a));

    int problems = 0;
    for (size_t i = 0; i < r->n_inputs; i++)
        problems |= r->inputs[i].status != FR_INPUT_OK || r->inputs[i].n_examples;
    if (problems) {
        out(&m, "\nProblems found in the inputs (first %d malformed lines per file):\n\n", 10);
        for (size_t i = 0; i < r->n_inputs; i++) {
            const fr_input_row *in = &r->inputs[i];
            if (in->status != FR_INPUT_OK) {
                out(&m, "- ");
                code(&m, in->path);
                if (in->etag) {
                    out(&m, " (ETag ");
                    code(&m, in->etag);
                    out(&m, ")");
                }
                out(&m, ": %s: ", status_name(in->status));
                text(&m, in->error ? in->error : "");
                out(&m, "\n");
            }
            for (size_t k = 0; k < in->n_examples; k++) {
                out(&m, "- ");
                code(&m, in->path);
                out(&m, in->line_unit_event ? ":event %" PRIu64 ": " : ":%" PRIu64 ": ",
                    in->examples[k].line);
                text(&m, in->examples[k].reason);
                out(&m, "\n");
            }
            if (in->malformed > in->n_examples && in->n_examples) {
                out(&m, "- ... and %s more malformed lines in this file\n",
                    num(in->malformed - in->n_examples, a));
            } else if (in->malformed && !in->n_examples) {
                out(&m, "- ");
                code(&m, in->path);
                out(&m, ": %s malformed %s\n", num(in->malformed, a),
                    in->malformed == 1 ? "line" : "lines");
            }
        }
    }
    if (r->n_unknown_fields) {
        out(&m, "\nUnknown field names (kept, not analysed): ");
        for (size_t i = 0; i < r->n_unknown_fields; i++) {
            out(&m, i ? ", " : "");
            text(&m, r->unknown_fields[i]);
        }
        out(&m, ".\n");
    }

    if (r->n_fetch)
        fetch_section(&m, r);

    out(&m, "\n## Totals\n\n");
    out(&m, "| measure | value |\n|---|---:|\n");
    out(&m, "| records | %s |\n", num(t->records, a));
    out(&m, "| OK records | %s |\n", num(t->ok_records, a));
    out(&m, "| accepted records | %s |\n", num(t->accept_records, a));
    out(&m, "| rejected records | %s |\n", num(t->reject_records, a));
    out(&m, "| NODATA records | %s |\n", num(t->nodata_records, a));
    out(&m, "| SKIPDATA records | %s |\n", num(t->skipdata_records, a));
    out(&m, "| packets | %s |\n", num(t->packets, a));
    out(&m, "| bytes | %s (%s) |\n", num(t->bytes, a), human(t->bytes, b));
    out(&m, "| accepted bytes | %s (%s) |\n", num(t->accept_bytes, a), human(t->accept_bytes, b));
    out(&m, "| rejected bytes | %s (%s) |\n", num(t->reject_bytes, a), human(t->reject_bytes, b));
    out(&m, "| interfaces | %s |\n", num(t->interfaces, a));

    out(&m, "\n## Busiest windows\n\n");
    size_t idx[MD_BUSIEST];
    size_t nb = busiest(r, idx);
    if (!nb) {
        out(&m, "No traffic in the period.\n");
    } else {
        out(&m,
            "| window start | records | rejected | packets | bytes | interfaces |\n"
            "|---|---:|---:|---:|---:|---:|\n");
        for (size_t i = 0; i < nb; i++) {
            const fr_window_row *w = &r->windows[idx[i]];
            char g[32];
            out(&m, "| %s | %s | %s | %s | %s (%s) | %s |\n", fr_time_iso(w->start, a),
                num(w->records, b), num(w->reject_records, c), num(w->packets, d), num(w->bytes, e),
                human(w->bytes, f), num(w->interfaces, g));
        }
        out(&m, "\nEvery window: `windows.csv`.\n");
    }

    out(&m, "\n## Gaps\n\n");
    out(&m, "NODATA: %s %s, %s seconds in all. SKIPDATA: %s %s, %s seconds in all.\n",
        num(t->nodata_gaps, a), t->nodata_gaps == 1 ? "gap" : "gaps", num(t->nodata_gap_seconds, b),
        num(t->skipdata_gaps, c), t->skipdata_gaps == 1 ? "gap" : "gaps",
        num(t->skipdata_gap_seconds, d));
    if (r->n_gaps) {
        out(&m,
            "\n| interface | kind | start | end | seconds | records |\n"
            "|---|---|---|---|---:|---:|\n");
        for (size_t i = 0; i < r->n_gaps && i < MD_MAX_ROWS; i++) {
            const fr_gap_row *g = &r->gaps[i];
            out(&m, "| ");
            text(&m, g->interface_id);
            out(&m, " | %s | %s | %s | %s | %s |\n",
                g->kind == FR_GAP_NODATA ? "NODATA" : "SKIPDATA", fr_time_iso(g->start, a),
                fr_time_iso(g->end, b), num((uint64_t)(g->end - g->start), c), num(g->records, d));
        }
        if (r->n_gaps > MD_MAX_ROWS)
            out(&m, "\n%s more gaps in `gaps.csv`.\n", num(r->n_gaps - MD_MAX_ROWS, a));
    }

    out(&m, "\n## Top talkers\n\nOK records by source and destination, by bytes.\n\n");
    if (r->n_talkers) {
        out(&m,
            "| rank | source | destination | records | packets | bytes |\n"
            "|---:|---|---|---:|---:|---:|\n");
        for (size_t i = 0; i < r->n_talkers && i < MD_MAX_ROWS; i++) {
            const fr_talker_row *x = &r->talkers[i];
            char s1[FR_ADDR_STRLEN], s2[FR_ADDR_STRLEN];
            out(&m, "| %zu | %s | %s | %s | %s | %s |\n", i + 1, fr_addr_format(&x->src, s1),
                fr_addr_format(&x->dst, s2), num(x->records, a), num(x->packets, b),
                num(x->bytes, c));
        }
    } else {
        out(&m, "None.\n");
    }
    topn_note(&m, &r->talkers_info, r->n_talkers, "top_talkers.csv");

    out(&m, "\n## Top rejected sources\n\nREJECT records by source, by records.\n\n");
    if (r->n_rejected) {
        out(&m, "| rank | source | records | packets | bytes |\n|---:|---|---:|---:|---:|\n");
        for (size_t i = 0; i < r->n_rejected && i < MD_MAX_ROWS; i++) {
            const fr_rejected_row *x = &r->rejected[i];
            char s1[FR_ADDR_STRLEN];
            out(&m, "| %zu | %s | %s | %s | %s |\n", i + 1, fr_addr_format(&x->src, s1),
                num(x->records, a), num(x->packets, b), num(x->bytes, c));
        }
    } else {
        out(&m, "None.\n");
    }
    topn_note(&m, &r->rejected_info, r->n_rejected, "top_rejected.csv");

    out(&m,
        "\n## Top destination ports\n\nOK records by protocol and destination port, "
        "by bytes.\n\n");
    if (r->n_ports) {
        out(&m,
            "| rank | protocol | port | records | accepted | rejected | packets | bytes |\n"
            "|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (size_t i = 0; i < r->n_ports && i < MD_MAX_ROWS; i++) {
            const fr_port_row *x = &r->ports[i];
            out(&m, "| %zu | %u | %u | %s | %s | %s | %s | %s |\n", i + 1, x->protocol, x->dstport,
                num(x->records, a), num(x->accept_records, b), num(x->reject_records, c),
                num(x->packets, d), num(x->bytes, e));
        }
    } else {
        out(&m, "None.\n");
    }
    topn_note(&m, &r->ports_info, r->n_ports, "top_ports.csv");

    char hex[65];
    out(&m, "\n---\n\nMade by flowreport %s. ", r->version ? r->version : "");
    out(&m, "Inputs SHA-256: `%s`.", fr_hex_sha256(r->inputs_sha256, hex));
    {
        size_t remote = 0;
        for (size_t i = 0; i < r->n_inputs; i++)
            remote += r->inputs[i].etag != NULL;
        if (remote)
            out(&m, " %s of the %s inputs %s fetched: their ETags are in `inputs.csv`.",
                num(remote, a), num(r->n_inputs, b), remote == 1 ? "was" : "were");
    }
    out(&m, "\n\n");
    out(&m, "Command: `");
    /* a code span: only backticks need care */
    for (const char *s = r->command_line ? r->command_line : ""; *s; s++)
        out(&m, "%c", *s == '`' ? '\'' : *s);
    out(&m, "`\n");

    int failed = m.failed || fflush(m.fp) != 0 || ferror(m.fp);
    int saved = errno;
    if (fclose(m.fp) != 0 && !failed) {
        failed = 1;
        saved = errno;
    }
    if (failed) {
        snprintf(errbuf, errlen, "summary.md: write failed: %s", strerror(saved));
        return FR_ERR_IO;
    }
    return FR_OK;
}
