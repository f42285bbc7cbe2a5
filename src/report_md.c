/* SPDX-License-Identifier: MIT */
/* report_md: the Markdown audit summary, the page a person reads first. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fr_audit_csv.h"
#include "fr_md_audit.h"
#include "fr_names.h"
#include "fr_writers.h"

/* Rows of the long tables shown before pointing at the CSV. */
#define MD_MAX_ROWS 50
#define MD_BUSIEST 5

static void put(fr_md *m, int ch)
{
    if (fputc(ch, m->fp) == EOF)
        m->failed = 1;
}

/* Writes a control character c as the visible escape "\xHH". */
static void ctl(fr_md *m, unsigned char c)
{
    fr_md_printf(m, "\\x%02X", c);
}

/* Writes s as a code span: shown literally, whatever it holds. Its fence
 * is one backtick longer than the longest run inside; control characters
 * become visible "\xHH" escapes (not for table cells, where '|' still
 * splits the cell). */
static void code(fr_md *m, const char *s)
{
    size_t run = 0, longest = 0;
    for (const char *c = s; *c; c++) {
        run = *c == '`' ? run + 1 : 0;
        if (run > longest)
            longest = run;
    }
    int pad = s[0] == '`' || (s[0] && s[strlen(s) - 1] == '`') || s[0] == ' ';
    for (size_t i = 0; i <= longest; i++)
        put(m, '`');
    if (pad)
        put(m, ' ');
    for (const char *c = s; *c; c++) {
        unsigned char u = (unsigned char)*c;
        if (u < 0x20 || u == 0x7F)
            ctl(m, u);
        else
            put(m, u);
    }
    if (pad)
        put(m, ' ');
    for (size_t i = 0; i <= longest; i++)
        put(m, '`');
}

/* Shorthands for the shared formatting (buf: FR_FMT_LEN bytes). */
static char *num(uint64_t v, char *buf)
{
    return fr_fmt_count(v, buf);
}

static char *human(uint64_t v, char *buf)
{
    return fr_fmt_bytes(v, buf);
}

static const char *duration(int64_t s, char *buf)
{
    if (s % 86400 == 0)
        snprintf(buf, FR_FMT_LEN, "%lld d", (long long)(s / 86400));
    else if (s % 3600 == 0)
        snprintf(buf, FR_FMT_LEN, "%lld h", (long long)(s / 3600));
    else if (s % 60 == 0)
        snprintf(buf, FR_FMT_LEN, "%lld min", (long long)(s / 60));
    else
        snprintf(buf, FR_FMT_LEN, "%lld s", (long long)s);
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

static void topn_note(fr_md *m, const fr_topn_info *info, size_t rows, const char *csv)
{
    char a[FR_FMT_LEN];
    if (rows > MD_MAX_ROWS)
        fr_md_printf(m, "\nThe first %d of %zu rows are shown.\n", MD_MAX_ROWS, rows);
    if (info->approximate)
        fr_md_printf(m,
                     "\nApproximate: not every distinct key was kept (past `--max-memory`, or in a "
                     "state saved with `--state-keys`); the smallest were dropped. The ranking "
                     "counter of each row may be "
                     "low by at most %s (never high); the other counters are lower bounds. ",
                     num(info->error_bound, a));
    else
        fr_md_printf(m, "\nExact, over %s distinct keys. ", num(info->distinct_keys, a));
    fr_md_printf(m, "CSV: `%s`.\n", csv);
}

/* Writes the Fetch section: one table row per remote source, then one
 * sentence per source on whether its fetch was complete. */
static void fetch_section(fr_md *m, const fr_report *r)
{
    char a[FR_FMT_LEN], b[FR_FMT_LEN], c[FR_FMT_LEN], d[FR_FMT_LEN], e[FR_FMT_LEN], f[FR_FMT_LEN],
        g[FR_FMT_LEN], h[FR_FMT_LEN], k[FR_FMT_LEN], l[FR_FMT_LEN];
    int errors = 0;

    fr_md_printf(m, "\n## Fetch\n\n");
    fr_md_printf(
        m,
        "| source | kind | requests | retries | throttles | pages | listed | read | failed | "
        "skipped | events | bytes |\n"
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (size_t i = 0; i < r->n_fetch; i++) {
        const fr_fetch_row *x = &r->fetch[i];
        fr_md_printf(m, "| ");
        fr_md_text(m, x->source ? x->source : "");
        fr_md_printf(m, " | ");
        fr_md_text(m, x->kind ? x->kind : "");
        fr_md_printf(m, " | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
                     num(x->requests, a), num(x->retries, b), num(x->throttles, c),
                     num(x->pages, d), num(x->listed, e), num(x->read, f), num(x->failed, g),
                     num(x->skipped, h), num(x->events, k), human(x->bytes, l));
        errors |= x->failed || x->error;
    }
    fr_md_printf(m, "\n");
    for (size_t i = 0; i < r->n_fetch; i++) {
        const fr_fetch_row *x = &r->fetch[i];
        int logs = x->kind && !strcmp(x->kind, "cloudwatch-logs");
        uint64_t want = x->listed > x->skipped ? x->listed - x->skipped : 0;
        const char *one = logs ? "slice" : "object", *many = logs ? "slices" : "objects";
        const char *unit = want == 1 ? one : many;

        fr_md_printf(m, "- ");
        code(m, x->source ? x->source : "");
        if (x->failed)
            fr_md_printf(m, ": %s of %s %s failed: see Problems", num(x->failed, a), num(want, b),
                         unit);
        else if (x->read < want)
            fr_md_printf(m, ": incomplete, %s of %s %s read", num(x->read, a), num(want, b), unit);
        else if (x->error)
            fr_md_printf(
                m,
                ": %s %s read, but the fetch stopped with an error (the listing may be incomplete)",
                num(x->read, a), x->read == 1 ? one : many);
        else if (want == 0)
            fr_md_printf(m, ": nothing to read");
        else
            fr_md_printf(m, ": all %s %s read", num(want, a), unit);
        if (x->skipped)
            fr_md_printf(m, " (%s skipped: outside the period or unsupported)", num(x->skipped, a));
        if (x->error) {
            fr_md_printf(m, ". Last error: ");
            fr_md_text(m, x->error);
        }
        fr_md_printf(m, ".\n");
    }
    fr_md_printf(m, "\n%s CSV: `fetch.csv`.\n",
                 errors ? "The report is incomplete: it covers only what was read."
                        : "The fetch was complete.");
}

/* Writes "- Label: a, b, c." for a non-empty list. */
static void list_line(fr_md *m, const char *label, char *const *v, size_t n)
{
    if (!n)
        return;
    fr_md_printf(m, "- %s: ", label);
    for (size_t i = 0; i < n; i++) {
        fr_md_printf(m, i ? ", " : "");
        code(m, v[i]);
    }
    fr_md_printf(m, "\n");
}

/* One line under the coverage sentence: the findings by severity. */
static void findings_line(fr_md *m, const fr_report *r)
{
    size_t n[4] = {0};
    for (size_t i = 0; i < r->n_findings; i++)
        n[r->findings[i].severity & 3]++;
    if (r->n_findings)
        fr_md_printf(m, "\nFindings: **%zu high**, %zu medium, %zu low (see Findings).\n",
                     n[FR_SEV_HIGH], n[FR_SEV_MEDIUM], n[FR_SEV_LOW]);
    else
        fr_md_printf(m, "\nFindings: none.\n");
}

/* The first screen: period, coverage, findings, then where the inputs came
 * from. */
static void period_sources(fr_md *m, const fr_report *r, const fr_sources *src)
{
    char a[FR_FMT_LEN], b[FR_FMT_LEN], c[FR_FMT_LEN], d[FR_FMT_LEN];

    if (r->n_windows) {
        fr_md_printf(m, "Period: **%s** to **%s** (UTC, end exclusive), %s windows of %s",
                     fr_time_iso(r->period_start, a), fr_time_iso(r->period_end, b),
                     num(r->n_windows, c), duration(r->window, d));
        fr_md_printf(m,
                     r->since_given || r->until_given ? ", as requested.\n"
                                                      : ", from the records found.\n");
    } else if (r->totals.excluded == 1 && !r->totals.records) {
        fr_md_printf(
            m,
            "Period: the one record with a start time falls outside --since/--until; there "
            "are no windows.\n");
    } else if (r->totals.excluded && !r->totals.records) {
        fr_md_printf(
            m,
            "Period: all %s records with a start time fall outside --since/--until; there are "
            "no windows.\n",
            num(r->totals.excluded, a));
    } else {
        fr_md_printf(m, "Period: no records with a start time were found; there are no windows.\n");
    }
    fr_md_printf(m, "\n");
    if (fr_md_audit_sentence(m->fp, r))
        m->failed = 1;
    findings_line(m, r);
    fr_md_printf(m, "\n## Sources\n\n");
    list_line(m, "Accounts", src->accounts, src->n_accounts);
    list_line(m, "Regions", src->regions, src->n_regions);
    list_line(m, "Flow logs", src->flow_logs, src->n_flow_logs);
    list_line(m, "Log groups", src->log_groups, src->n_log_groups);
    list_line(m, "S3 buckets", src->buckets, src->n_buckets);
    if (!src->named)
        fr_md_printf(
            m,
            "- The input names do not follow the S3 delivery layout: no account, region or "
            "flow log could be read from them.\n");
    fr_md_printf(m, "\nCommand: ");
    code(m, r->command_line ? r->command_line : "");
    fr_md_printf(m, "\n");
}

/* Completeness: files read of found, fetches, malformed lines. */
static void completeness(fr_md *m, const fr_report *r)
{
    const fr_totals *t = &r->totals;
    char a[FR_FMT_LEN], b[FR_FMT_LEN], c[FR_FMT_LEN], d[FR_FMT_LEN];
    uint64_t damaged = 0, failed = 0, with_bad = 0;

    for (size_t i = 0; i < r->n_inputs; i++) {
        if (r->inputs[i].is_dir)
            continue; /* a directory is not a file: t->dirs_failed */
        damaged += r->inputs[i].status == FR_INPUT_DAMAGED;
        failed += r->inputs[i].status == FR_INPUT_UNREADABLE ||
            r->inputs[i].status == FR_INPUT_UNSUPPORTED;
        with_bad += r->inputs[i].malformed > 0;
    }
    fr_md_printf(m, "\n## Completeness\n\n");
    fr_md_printf(m, "- Files: %s read of %s found", num(t->files - failed, a), num(t->files, b));
    if (damaged)
        fr_md_printf(m, " (%s of them damaged: read only in part)", num(damaged, c));
    if (failed)
        fr_md_printf(m, "; %s could not be read", num(failed, c));
    fr_md_printf(m, ".\n");
    if (t->dirs_failed)
        fr_md_printf(
            m, "- Directories: %s could not be read, their files are missing (see Problems).\n",
            num(t->dirs_failed, a));
    if (t->iface_sample_level) /* SEMANTICS.md "Memory" */
        fr_md_printf(
            m,
            "- Interfaces: more than --max-memory holds; 1 in %s is listed (by a hash of its "
            "id), the %s records (%s bytes) of the others count in the windows and totals "
            "only.\n",
            num(UINT64_C(1) << t->iface_sample_level, a), num(t->untracked_iface_records, b),
            num(t->untracked_iface_bytes, c));
    for (size_t i = 0; i < r->n_fetch; i++) {
        const fr_fetch_row *x = &r->fetch[i];
        uint64_t want = x->listed > x->skipped ? x->listed - x->skipped : 0;
        fr_md_printf(m, "- Fetch of ");
        code(m, x->source ? x->source : "");
        fr_md_printf(m, ": %s of %s read%s.\n", num(x->read, a), num(want, b),
                     x->failed || x->error ? ", with errors (see Fetch)" : "");
    }
    fr_md_printf(m, "- Malformed lines: %s in %s %s%s.\n", num(t->malformed, a), num(with_bad, b),
                 with_bad == 1 ? "file" : "files", t->malformed ? " (see Problems)" : "");
    fr_md_printf(
        m,
        "- Records: %s in the period, %s outside it, %s without a start time, %s from Transit "
        "Gateways (not analysed).\n",
        num(t->records, a), num(t->excluded, b), num(t->untimed, c), num(t->tgw_records, d));
}

static void totals(fr_md *m, const fr_report *r)
{
    const fr_totals *t = &r->totals;
    char a[FR_FMT_LEN], b[FR_FMT_LEN], c[FR_FMT_LEN];

    fr_md_printf(m, "\n## Totals\n\n");
    fr_md_printf(m, "| measure | value |\n|---|---:|\n");
    fr_md_printf(m, "| records | %s |\n", num(t->records, a));
    fr_md_printf(m, "| OK records (traffic) | %s |\n", num(t->ok_records, a));
    fr_md_printf(m, "| accepted records | %s |\n", num(t->accept_records, a));
    fr_md_printf(m, "| rejected records | %s |\n", num(t->reject_records, a));
    fr_md_printf(m, "| NODATA records: the interface was idle | %s |\n", num(t->nodata_records, a));
    fr_md_printf(m, "| SKIPDATA records: AWS dropped records, data lost | %s |\n",
                 num(t->skipdata_records, a));
    fr_md_printf(m, "| packets | %s |\n", num(t->packets, a));
    fr_md_printf(m, "| bytes | %s (%s) |\n", num(t->bytes, a), human(t->bytes, b));
    fr_md_printf(m, "| accepted bytes | %s (%s) |\n", num(t->accept_bytes, a),
                 human(t->accept_bytes, b));
    fr_md_printf(m, "| rejected bytes | %s (%s) |\n", num(t->reject_bytes, a),
                 human(t->reject_bytes, b));
    fr_md_printf(m, "| interfaces | %s |\n", num(t->interfaces, a));
    fr_md_printf(m, "| NODATA time (idle), summed over interfaces | %s s (%s) in %s gaps |\n",
                 num(t->nodata_gap_seconds, a), fr_fmt_hms(t->nodata_gap_seconds, b),
                 num(t->nodata_gaps, c));
    fr_md_printf(m,
                 "| SKIPDATA time (data lost), summed over interfaces | %s s (%s) in %s gaps |\n",
                 num(t->skipdata_gap_seconds, a), fr_fmt_hms(t->skipdata_gap_seconds, b),
                 num(t->skipdata_gaps, c));
}

/* Problems: failed files, then malformed lines grouped by reason. Returns
 * 0, or -1 when out of memory. */
static int problems(fr_md *m, const fr_report *r)
{
    char a[FR_FMT_LEN], b[FR_FMT_LEN];
    fr_reason_group *g = NULL;
    size_t ng = 0;
    uint64_t unkept = 0;
    const char **shortn = NULL;
    int bad_files = 0;

    for (size_t i = 0; i < r->n_inputs; i++)
        bad_files |= r->inputs[i].status != FR_INPUT_OK;
    if (!bad_files && !r->totals.malformed && !r->n_unknown_fields)
        return 0;
    if (fr_reason_groups(r, &g, &ng, &unkept) || (r->n_inputs && !(shortn = fr_short_names(r)))) {
        free(g);
        return -1;
    }
    fr_md_printf(m, "\n## Problems\n\n");
    for (size_t i = 0; i < r->n_inputs; i++) {
        const fr_input_row *in = &r->inputs[i];
        if (in->status == FR_INPUT_OK)
            continue;
        fr_md_printf(m, "- ");
        code(m, shortn[i]);
        if (in->etag) {
            fr_md_printf(m, " (ETag ");
            code(m, in->etag);
            fr_md_printf(m, ")");
        }
        fr_md_printf(m, ": %s: ", in->is_dir ? "unreadable directory" : status_name(in->status));
        fr_md_text(m, in->error ? in->error : "");
        fr_md_printf(m, "\n");
    }
    if (bad_files)
        fr_md_printf(m, "\n");
    if (ng || unkept) {
        fr_md_printf(
            m,
            "Malformed lines by reason (every kept example: `problems.csv`, sheet Problems):\n\n");
        fr_md_printf(m, "| reason | lines | files | first examples |\n|---|---:|---:|---|\n");
        for (size_t k = 0; k < ng; k++) {
            fr_md_printf(m, "| ");
            fr_md_text(m, g[k].reason);
            fr_md_printf(m, " | %s | %s | ", num(g[k].lines, a), num(g[k].files, b));
            unsigned shown = 0;
            for (size_t i = g[k].first_input; i < r->n_inputs && shown < 3; i++) {
                const fr_input_row *in = &r->inputs[i];
                for (size_t j = 0; j < in->n_examples && shown < 3; j++) {
                    if (strcmp(in->examples[j].reason ? in->examples[j].reason : "", g[k].reason))
                        continue;
                    fr_md_printf(m, shown++ ? ", " : "");
                    fr_md_text(m, shortn[i]);
                    fr_md_printf(m, in->line_unit_event ? ":event %" PRIu64 : ":%" PRIu64,
                                 in->examples[j].line);
                }
            }
            fr_md_printf(m, " |\n");
        }
        if (unkept)
            fr_md_printf(m, "| (not kept: beyond the first 10 examples of a file) | %s | | |\n",
                         num(unkept, a));
    }
    if (r->n_unknown_fields) {
        fr_md_printf(m, "\nUnknown field names (kept, not analysed): ");
        for (size_t i = 0; i < r->n_unknown_fields; i++) {
            fr_md_printf(m, i ? ", " : "");
            code(m, r->unknown_fields[i]);
        }
        fr_md_printf(m, ".\n");
    }
    free(g);
    free(shortn);
    return 0;
}

static void inputs(fr_md *m, const fr_report *r)
{
    const fr_totals *t = &r->totals;
    char a[FR_FMT_LEN], b[FR_FMT_LEN];

    fr_md_printf(m, "\n## Inputs\n\n");
    fr_md_printf(m, "| what | count |\n|---|---:|\n");
    fr_md_printf(m, "| files | %s |\n", num(t->files, a));
    fr_md_printf(m, "| files damaged, unreadable or unsupported | %s |\n", num(t->files_failed, a));
    if (t->dirs_failed)
        fr_md_printf(m, "| directories that could not be read | %s |\n", num(t->dirs_failed, a));
    fr_md_printf(m, "| bytes read | %s (%s) |\n", num(t->size, a), human(t->size, b));
    fr_md_printf(m, "| bytes of text | %s (%s) |\n", num(t->text_bytes, a),
                 human(t->text_bytes, b));
    fr_md_printf(m, "| lines | %s |\n", num(t->lines, a));
    fr_md_printf(m, "| header lines | %s |\n", num(t->header_lines, a));
    fr_md_printf(m, "| records in the period | %s |\n", num(t->records, a));
    fr_md_printf(m, "| records outside the period (excluded) | %s |\n", num(t->excluded, a));
    fr_md_printf(m, "| records without a start time | %s |\n", num(t->untimed, a));
    fr_md_printf(m, "| Transit Gateway records (not analysed) | %s |\n", num(t->tgw_records, a));
    fr_md_printf(m, "| malformed lines | %s |\n", num(t->malformed, a));
    fr_md_printf(m, "\nEvery file: `inputs.csv`.\n");
}

static void busiest_windows(fr_md *m, const fr_report *r)
{
    char a[FR_FMT_LEN], b[FR_FMT_LEN], c[FR_FMT_LEN], d[FR_FMT_LEN], e[FR_FMT_LEN], f[FR_FMT_LEN],
        g[FR_FMT_LEN];
    size_t idx[MD_BUSIEST];
    size_t nb = busiest(r, idx);

    fr_md_printf(m, "\n## Busiest windows\n\n");
    if (!nb) {
        fr_md_printf(m, "No traffic in the period.\n");
        return;
    }
    fr_md_printf(m,
                 "| window start (UTC) | records | rejected | packets | bytes | interfaces |\n"
                 "|---|---:|---:|---:|---:|---:|\n");
    for (size_t i = 0; i < nb; i++) {
        const fr_window_row *w = &r->windows[idx[i]];
        fr_md_printf(m, "| %s | %s | %s | %s | %s (%s) | %s |\n", fr_time_iso(w->start, a),
                     num(w->records, b), num(w->reject_records, c), num(w->packets, d),
                     num(w->bytes, e), human(w->bytes, f), num(w->interfaces, g));
    }
    fr_md_printf(m, "\nEvery window: `windows.csv`.\n");
}

/* Gaps: NODATA, SKIPDATA and SILENT apart, per interface, then the list
 * (gaps.csv's rows, SILENT stretches included). Returns 0, or -1 when out
 * of memory. */
static int gaps(fr_md *m, const fr_report *r)
{
    static const char *const what[3] = {" (idle)", " (data lost)", " (no records)"};
    const fr_totals *t = &r->totals;
    char a[FR_FMT_LEN], b[FR_FMT_LEN], c[FR_FMT_LEN], d[FR_FMT_LEN], e[FR_FMT_LEN], f[FR_FMT_LEN],
        h[FR_FMT_LEN], k[FR_FMT_LEN], l[FR_FMT_LEN];
    size_t rows = 0, n;
    const fr_gap_row **v = fr_gaps_merged(r, &n);

    if (n == (size_t)-1)
        return -1;
    fr_md_printf(m, "\n## Gaps\n\n");
    fr_md_printf(m,
                 "NODATA means the interface was idle: no traffic in the aggregation interval. "
                 "SKIPDATA means AWS dropped records: traffic happened and its data is lost. "
                 "SILENT means no record of any status for longer than %s.\n\n",
                 duration(r->silent_gap ? r->silent_gap : 1, a));
    fr_md_printf(m, "- NODATA: %s %s, %s s (%s) in all.\n", num(t->nodata_gaps, a),
                 t->nodata_gaps == 1 ? "gap" : "gaps", num(t->nodata_gap_seconds, b),
                 fr_fmt_hms(t->nodata_gap_seconds, c));
    fr_md_printf(m, "- SKIPDATA: %s %s, %s s (%s) in all.\n", num(t->skipdata_gaps, a),
                 t->skipdata_gaps == 1 ? "gap" : "gaps", num(t->skipdata_gap_seconds, b),
                 fr_fmt_hms(t->skipdata_gap_seconds, c));
    fr_md_printf(m, "- SILENT: %s %s, %s s (%s) in all.\n", num(t->silent_gaps, a),
                 t->silent_gaps == 1 ? "stretch" : "stretches", num(t->silent_seconds, b),
                 fr_fmt_hms(t->silent_seconds, c));
    if (!n)
        return 0;
    fr_md_printf(
        m,
        "\n| interface | NODATA gaps | NODATA time | SKIPDATA gaps | SKIPDATA time | SILENT "
        "stretches | SILENT time |\n"
        "|---|---:|---:|---:|---:|---:|---:|\n");
    for (size_t i = 0; i < n;) {
        const char *id = v[i]->interface_id;
        uint64_t ng[3] = {0, 0, 0}, secs[3] = {0, 0, 0};
        for (; i < n && !strcmp(v[i]->interface_id, id); i++) {
            unsigned kind = (unsigned)v[i]->kind % 3;
            ng[kind]++;
            if (v[i]->end > v[i]->start)
                secs[kind] += (uint64_t)(v[i]->end - v[i]->start);
        }
        if (rows++ >= MD_MAX_ROWS)
            continue;
        fr_md_printf(m, "| ");
        fr_md_text(m, id);
        fr_md_printf(m, " | %s | %s s (%s) | %s | %s s (%s) | %s | %s s (%s) |\n", num(ng[0], a),
                     num(secs[0], b), fr_fmt_hms(secs[0], c), num(ng[1], d), num(secs[1], e),
                     fr_fmt_hms(secs[1], f), num(ng[2], h), num(secs[2], k),
                     fr_fmt_hms(secs[2], l));
    }
    if (rows > MD_MAX_ROWS)
        fr_md_printf(m, "\nThe first %d of %s interfaces are shown.\n", MD_MAX_ROWS, num(rows, a));
    fr_md_printf(m,
                 "\n| interface | kind | start (UTC) | end (UTC) | seconds | duration | records |\n"
                 "|---|---|---|---|---:|---:|---:|\n");
    for (size_t i = 0; i < n && i < MD_MAX_ROWS; i++) {
        const fr_gap_row *g = v[i];
        uint64_t secs = g->end > g->start ? (uint64_t)(g->end - g->start) : 0;
        fr_md_printf(m, "| ");
        fr_md_text(m, g->interface_id);
        fr_md_printf(m, " | %s%s | %s | %s | %s | %s | %s |\n", fr_gap_kind_name(g->kind),
                     what[(unsigned)g->kind % 3], fr_time_iso(g->start, a), fr_time_iso(g->end, b),
                     num(secs, c), fr_fmt_hms(secs, d), num(g->records, e));
    }
    if (n > MD_MAX_ROWS)
        fr_md_printf(m, "\n%s more gaps in `gaps.csv`.\n", num(n - MD_MAX_ROWS, a));
    free((void *)v);
    return 0;
}

static void tops(fr_md *m, const fr_report *r)
{
    char a[FR_FMT_LEN], b[FR_FMT_LEN], c[FR_FMT_LEN], d[FR_FMT_LEN], e[FR_FMT_LEN], f[FR_FMT_LEN],
        p[FR_FMT_LEN];

    fr_md_printf(m, "\n## Top talkers\n\nOK records by source and destination, by bytes.\n\n");
    if (r->n_talkers) {
        fr_md_printf(m,
                     "| rank | source | destination | records | packets | bytes |\n"
                     "|---:|---|---|---:|---:|---:|\n");
        for (size_t i = 0; i < r->n_talkers && i < MD_MAX_ROWS; i++) {
            const fr_talker_row *x = &r->talkers[i];
            char s1[FR_ADDR_STRLEN], s2[FR_ADDR_STRLEN];
            fr_md_printf(m, "| %s | %s | %s | %s | %s | %s (%s) |\n", num(i + 1, f),
                         fr_addr_format(&x->src, s1), fr_addr_format(&x->dst, s2),
                         num(x->records, a), num(x->packets, b), num(x->bytes, c),
                         human(x->bytes, d));
        }
    } else {
        fr_md_printf(m, "None.\n");
    }
    topn_note(m, &r->talkers_info, r->n_talkers, "top_talkers.csv");

    fr_md_printf(m, "\n## Top rejected sources\n\nREJECT records by source, by records.\n\n");
    if (r->n_rejected) {
        fr_md_printf(m,
                     "| rank | source | records | packets | bytes |\n|---:|---|---:|---:|---:|\n");
        for (size_t i = 0; i < r->n_rejected && i < MD_MAX_ROWS; i++) {
            const fr_rejected_row *x = &r->rejected[i];
            char s1[FR_ADDR_STRLEN];
            fr_md_printf(m, "| %s | %s | %s | %s | %s (%s) |\n", num(i + 1, f),
                         fr_addr_format(&x->src, s1), num(x->records, a), num(x->packets, b),
                         num(x->bytes, c), human(x->bytes, d));
        }
    } else {
        fr_md_printf(m, "None.\n");
    }
    topn_note(m, &r->rejected_info, r->n_rejected, "top_rejected.csv");

    fr_md_printf(m,
                 "\n## Top destination ports\n\nOK records by protocol and destination port, "
                 "by bytes.\n\n");
    if (r->n_ports) {
        fr_md_printf(
            m,
            "| rank | protocol | port | records | accepted | rejected | packets | bytes |\n"
            "|---:|---|---:|---:|---:|---:|---:|---:|\n");
        for (size_t i = 0; i < r->n_ports && i < MD_MAX_ROWS; i++) {
            const fr_port_row *x = &r->ports[i];
            char g[FR_FMT_LEN];
            fr_md_printf(m, "| %s | %s | %u | %s | %s | %s | %s | %s (%s) |\n", num(i + 1, f),
                         fr_fmt_proto(x->protocol, p), x->dstport, num(x->records, a),
                         num(x->accept_records, b), num(x->reject_records, c), num(x->packets, d),
                         num(x->bytes, e), human(x->bytes, g));
        }
    } else {
        fr_md_printf(m, "None.\n");
    }
    topn_note(m, &r->ports_info, r->n_ports, "top_ports.csv");
}

static void footer(fr_md *m, const fr_report *r)
{
    char a[FR_FMT_LEN], b[FR_FMT_LEN], hex[65];
    size_t remote = 0;

    fr_md_printf(m, "\n---\n\nMade by flowreport %s. ", r->version ? r->version : "");
    fr_md_printf(m, "Inputs SHA-256: `%s`.", fr_hex_sha256(r->inputs_sha256, hex));
    for (size_t i = 0; i < r->n_inputs; i++)
        remote += r->inputs[i].etag != NULL;
    if (remote)
        fr_md_printf(m, " %s of the %s inputs %s fetched: their ETags are in `inputs.csv`.",
                     num(remote, a), num(r->n_inputs, b), remote == 1 ? "was" : "were");
    fr_md_printf(m, "\n");
    if (fr_md_provenance(m->fp, r))
        m->failed = 1;
    fr_md_printf(m,
                 "\nThis file is GitHub-flavoured Markdown (GFM): its tables need a GFM renderer "
                 "such as GitHub or cmark-gfm.\n");
}

fr_err fr_write_md(const fr_report *r, fr_output *o, char *errbuf, size_t errlen)
{
    fr_sources src;
    fr_md m = {NULL, 0};
    int nomem = 0;

    if (fr_sources_collect(r, &src)) {
        snprintf(errbuf, errlen, "summary.md: out of memory");
        return FR_ERR_NOMEM;
    }
    if (!(m.fp = fr_output_open(o, "summary.md", errbuf, errlen))) {
        fr_sources_clear(&src);
        return FR_ERR_IO;
    }
    fr_md_printf(&m, "# VPC Flow Logs audit summary\n\n");
    period_sources(&m, r, &src);
    fr_sources_clear(&src);
    completeness(&m, r);
    totals(&m, r);
    /* the audit layer: findings first, then how complete the logs are */
    if (fr_md_findings(m.fp, r, MD_MAX_ROWS) || fr_md_coverage(m.fp, r, MD_MAX_ROWS))
        m.failed = 1;
    nomem = problems(&m, r) != 0;
    busiest_windows(&m, r);
    nomem |= gaps(&m, r) != 0;
    tops(&m, r);
    inputs(&m, r);
    if (r->n_fetch)
        fetch_section(&m, r);
    footer(&m, r);

    int failed = m.failed || fflush(m.fp) != 0 || ferror(m.fp);
    int saved = errno;
    if (fclose(m.fp) != 0 && !failed) {
        failed = 1;
        saved = errno;
    }
    if (nomem) {
        snprintf(errbuf, errlen, "summary.md: out of memory");
        return FR_ERR_NOMEM;
    }
    if (failed) {
        snprintf(errbuf, errlen, "summary.md: write failed: %s", strerror(saved));
        return FR_ERR_IO;
    }
    return FR_OK;
}
