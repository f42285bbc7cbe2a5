/* SPDX-License-Identifier: MIT */
/* fr-audit-csv: runs the real option parser and pipeline like flowreport and
 * writes windows.csv, interfaces.csv and gaps.csv with the audit layer's
 * columns, findings.csv and audit.md (the Markdown sections) into OUTDIR, through report_csv_audit.c. Used
 * by the tests in tests/audit/ until report_csv.c prints the columns itself; not
 * installed. Usage: fr-audit-csv OUTDIR [flowreport options] INPUT... */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fr_audit_csv.h"
#include "fr_cli.h"
#include "fr_eni_info.h"
#include "fr_findings.h"
#include "fr_md_audit.h"
#include "fr_pipeline.h"
#include "fr_report.h"
#include "fr_source.h"

/* The Markdown sections of the audit layer, as one file. */
static int write_md(FILE *fp, const fr_report *r)
{
    return fr_md_audit_sentence(fp, r) || fr_md_findings(fp, r, 50) || fr_md_coverage(fp, r, 20)
        ? -1
        : 0;
}

/* Writes one table with fn into dir/name. Returns 0 or -1. */
static int write_table(const char *dir, const char *name, int (*fn)(FILE *, const fr_report *),
                       const fr_report *r)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "wb");
    if (!fp)
        return -1;
    int bad = fn(fp, r) != 0;
    if (fclose(fp) != 0)
        bad = 1;
    return bad ? -1 : 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: fr-audit-csv OUTDIR [options] INPUT...\n");
        return 2;
    }
    const char *dir = argv[1];
    char err[1024] = "";
    fr_opts o;
    int status = 3;
    fr_source_list src = {0};
    fr_report *r = NULL;
    argv[1] = argv[0];
    if (fr_cli_parse(argc - 1, argv + 1, (int64_t)time(NULL), &o, err, sizeof err) != FR_OK) {
        fprintf(stderr, "fr-audit-csv: %s\n", err);
        fr_opts_clear(&o);
        return 2;
    }
    r = fr_report_new();
    if (!r || fr_source_expand(o.inputs, o.n_inputs, &src) != FR_OK)
        goto done;
    if (o.n_eni_info && fr_eni_info_load(r, o.eni_info, o.n_eni_info, err, sizeof err) != FR_OK) {
        fprintf(stderr, "fr-audit-csv: --eni-info: %s\n", err);
        status = 2;
        goto done;
    }
    fr_pipeline_opts po = {
        .reduce = {o.since, o.until, o.since_set, o.until_set, o.window, o.top_n, &o.audit,
                   o.prorate},
        .threads = o.threads ? o.threads : 2,
        .max_memory = o.max_memory,
        .fields = &o.fields,
    };
    if (fr_pipeline_run(&po, &src, r, err, sizeof err) != FR_OK) {
        fprintf(stderr, "fr-audit-csv: %s\n", err);
        goto done;
    }
    if (write_table(dir, "windows.csv", fr_csv_write_windows, r) ||
        write_table(dir, "interfaces.csv", fr_csv_write_interfaces, r) ||
        write_table(dir, "gaps.csv", fr_csv_write_gaps, r) ||
        write_table(dir, "findings.csv", fr_csv_write_findings, r) ||
        write_table(dir, "audit.md", write_md, r)) {
        fprintf(stderr, "fr-audit-csv: cannot write in %s\n", dir);
        goto done;
    }
    status = o.fail_on && fr_findings_max_severity(r) >= o.fail_on ? 4 : 0;
done:
    fr_report_free(r);
    fr_source_list_clear(&src);
    fr_opts_clear(&o);
    return status;
}
