/* SPDX-License-Identifier: MIT */
/* main: runs the pipeline and decides the exit status; nothing else does. */
#include <inttypes.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fr_cli.h"
#include "fr_output.h"
#include "fr_pipeline.h"
#include "fr_reader.h"
#include "fr_report.h"
#include "fr_source.h"
#include "fr_writers.h"

/* Exit statuses (documented in --help, README and the man page). */
enum {
    EXIT_CLEAN = 0, /* report written, input clean */
    EXIT_DAMAGED = 1, /* report written, some input damaged or malformed */
    EXIT_USAGE = 2, /* usage or configuration error, nothing written */
    EXIT_FATAL = 3 /* fatal error, previous reports untouched */
};

/* Seconds on the monotonic clock. */
static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Prints what went wrong with the inputs: FILE:LINE: reason. */
static void print_diagnostics(const fr_report *r)
{
    for (size_t i = 0; i < r->n_inputs; i++) {
        const fr_input_row *in = &r->inputs[i];
        for (size_t k = 0; k < in->n_examples; k++)
            fprintf(stderr,
                    in->line_unit_event ? "%s:event %" PRIu64 ": %s\n" : "%s:%" PRIu64 ": %s\n",
                    in->path, in->examples[k].line, in->examples[k].reason);
        if (in->malformed > in->n_examples)
            fprintf(stderr, "%s: %" PRIu64 " more malformed lines not shown\n", in->path,
                    in->malformed - in->n_examples);
        if (in->status != FR_INPUT_OK)
            fprintf(stderr, "%s: %s\n", in->path, in->error ? in->error : "failed");
    }
}

static const char *features(void)
{
    static char buf[64];
    snprintf(buf, sizeof buf, "%s csv md xlsx", fr_reader_inflate_impl());
    return buf;
}

int main(int argc, char **argv)
{
    char errbuf[1024] = "";
    fr_opts opts;
    int status = EXIT_FATAL;
    fr_source_list src = {0};
    fr_report *r = NULL;
    fr_output *out = NULL;

    if (argc < 2) {
        fr_cli_usage(stderr);
        return EXIT_USAGE;
    }
#ifdef __GLIBC__
    /* Big tables and blocks come and go as they grow; a fixed threshold keeps
     * them in mmap()ed memory that free() hands back, instead of letting
     * glibc raise it and leave the holes in its heaps (about 15 MB of RSS on
     * the benchmark). */
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
#endif
    fr_err err = fr_cli_parse(argc, argv, (int64_t)time(NULL), &opts, errbuf, sizeof errbuf);
    if (err != FR_OK) {
        fprintf(stderr, "flowreport: %s\n", errbuf);
        if (err == FR_ERR_USAGE)
            fr_cli_usage(stderr);
        fr_opts_clear(&opts);
        return err == FR_ERR_USAGE ? EXIT_USAGE : EXIT_FATAL;
    }
    if (opts.help) {
        fr_cli_help(stdout);
        status = fflush(stdout) == 0 ? EXIT_CLEAN : EXIT_FATAL;
        goto done;
    }
    if (opts.version) {
        printf("flowreport %s (%s)\n", PACKAGE_VERSION, features());
        status = fflush(stdout) == 0 ? EXIT_CLEAN : EXIT_FATAL;
        goto done;
    }
    if (opts.n_inputs == 0) {
        fprintf(stderr, "flowreport: no INPUT given\n");
        fr_cli_usage(stderr);
        status = EXIT_USAGE;
        goto done;
    }
    if (opts.threads == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        opts.threads = n < 1 ? 1 : n > 64 ? 64 : (int)n;
    }
    if (fr_source_expand(opts.inputs, opts.n_inputs, &src) != FR_OK) {
        fprintf(stderr, "flowreport: out of memory\n");
        goto done;
    }
    r = fr_report_new();
    if (!r || !(r->version = strdup(PACKAGE_VERSION)) ||
        !(r->command_line = strdup(opts.command_line))) {
        fprintf(stderr, "flowreport: out of memory\n");
        goto done;
    }
    fr_pipeline_opts po = {
        .reduce = {opts.since, opts.until, opts.since_set, opts.until_set, opts.window, opts.top_n},
        .threads = opts.threads,
        .max_memory = opts.max_memory,
        .fields = &opts.fields,
    };
    if (opts.verbose)
        fprintf(stderr, "flowreport: %zu input files, %d threads\n", src.n, opts.threads);
    double t0 = now_s();
    err = fr_pipeline_run(&po, &src, r, errbuf, sizeof errbuf);
    double t1 = now_s();
    if (err != FR_OK) {
        fprintf(stderr, "flowreport: %s\n", errbuf[0] ? errbuf : fr_strerror(err));
        status = err == FR_ERR_RANGE ? EXIT_USAGE : EXIT_FATAL;
        goto done;
    }
    if (!fr_report_sum_inputs(r)) {
        fprintf(stderr, "flowreport: cannot compute SHA-256\n");
        goto done;
    }
    print_diagnostics(r);

    out = fr_output_new(opts.outdir, &err, errbuf, sizeof errbuf);
    if (!out) {
        fprintf(stderr, "flowreport: %s\n", errbuf);
        goto done;
    }
    if ((opts.fmt_csv && (err = fr_write_csv(r, out, errbuf, sizeof errbuf)) != FR_OK) ||
        (opts.fmt_md && (err = fr_write_md(r, out, errbuf, sizeof errbuf)) != FR_OK) ||
        (opts.fmt_xlsx && (err = fr_write_xlsx(r, out, errbuf, sizeof errbuf)) != FR_OK) ||
        (err = fr_output_commit(out, errbuf, sizeof errbuf)) != FR_OK) {
        fprintf(stderr, "flowreport: %s; previous reports left untouched\n", errbuf);
        goto done;
    }
    if (opts.verbose)
        fprintf(stderr, "flowreport: read and reduced in %.3f s, reports written in %.3f s\n",
                t1 - t0, now_s() - t1);
    const fr_totals *t = &r->totals;
    status = (t->malformed || t->files_failed || t->files == 0) ? EXIT_DAMAGED : EXIT_CLEAN;
    if (t->files == 0)
        fprintf(stderr, "flowreport: no input files found; the report is empty\n");
    if (!opts.quiet) {
        fprintf(stderr,
                "flowreport: %" PRIu64 " records from %" PRIu64 " files (%" PRIu64
                " malformed lines, %" PRIu64 " failed files); reports in %s/\n",
                t->records, t->files, t->malformed, t->files_failed, opts.outdir);
    }
done:
    fr_output_free(out);
    fr_report_free(r);
    fr_source_list_clear(&src);
    fr_opts_clear(&opts);
    return status;
}
