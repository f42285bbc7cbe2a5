/* SPDX-License-Identifier: MIT */
/* main: runs the pipeline and decides the exit status; nothing else does. */
#include <inttypes.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "fr_cli.h"
#include "fr_http.h"
#include "fr_output.h"
#include "fr_pipeline.h"
#include "fr_progress.h"
#include "fr_reader.h"
#include "fr_remote.h"
#include "fr_report.h"
#include "fr_source.h"
#include "fr_writers.h"

/* Exit statuses (documented in --help, README and the man page). */
enum {
    EXIT_CLEAN = 0, /* report written, input clean */
    EXIT_DAMAGED = 1, /* report written, some input damaged or malformed */
    EXIT_USAGE = 2, /* usage or configuration error, nothing written */
    EXIT_FATAL = 3 /* fatal error (also AWS refusing credentials or permission),
                      previous reports untouched */
};

/* Exit status for an error before any report is written. */
static int exit_for(fr_err e)
{
    return (e == FR_ERR_USAGE || e == FR_ERR_CONFIG || e == FR_ERR_RANGE) ? EXIT_USAGE : EXIT_FATAL;
}

/* Keeps secrets out of core files: no core dump, no ptrace by other users. */
static void protect_secrets(void)
{
    struct rlimit rl = {0, 0};
    (void)setrlimit(RLIMIT_CORE, &rl);
    (void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

/* Splits the INPUTs: local paths into *local (pointers into opts). Returns
 * 0 or -1 (memory). */
static int local_inputs(const fr_opts *o, char ***local, size_t *n)
{
    *local = calloc(o->n_inputs + 1, sizeof **local);
    *n = 0;
    if (!*local)
        return -1;
    for (size_t i = 0; i < o->n_inputs; i++)
        if (!fr_remote_is_remote(o->inputs[i]))
            (*local)[(*n)++] = o->inputs[i];
    return 0;
}

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

/* -v: how fast each remote source was fetched. */
static void print_fetch_rates(const fr_report *r, double secs)
{
    if (secs <= 0)
        secs = 1e-9;
    for (size_t i = 0; i < r->n_fetch; i++) {
        const fr_fetch_row *f = &r->fetch[i];
        fprintf(stderr,
                "flowreport: %s: %" PRIu64 " requests (%.1f/s), %" PRIu64 " retries, %" PRIu64
                " throttled, %" PRIu64 " pages, %" PRIu64 " events (%.0f/s), %" PRIu64
                " bytes (%.1f MiB/s)\n",
                f->source, f->requests, (double)f->requests / secs, f->retries, f->throttles,
                f->pages, f->events, (double)f->events / secs, f->bytes,
                (double)f->bytes / secs / 1048576.0);
    }
}

static const char *features(void)
{
    static char buf[64];
    snprintf(buf, sizeof buf, "%s csv md xlsx s3 cloudwatch-logs", fr_reader_inflate_impl());
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
    fr_remote *rm = NULL;
    char **local = NULL;
    size_t n_local = 0;
    int http_ready = 0;
    char *outdir = NULL;
    fr_progress *prog = NULL;

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
    if (!opts.quiet)
        fr_cli_warn_unknown_fields(&opts, stderr);
    if (opts.verbose && opts.config_path)
        fprintf(stderr, "flowreport: configuration read from %s\n", opts.config_path);
    fr_remote_opts ro = {
        .inputs = opts.inputs,
        .n_inputs = opts.n_inputs,
        .log_groups = opts.log_groups,
        .n_log_groups = opts.n_log_groups,
        .log_stream_prefix = opts.log_stream_prefix,
        .since = opts.since,
        .until = opts.until,
        .since_set = opts.since_set,
        .until_set = opts.until_set,
        .aws = {.profile = opts.profile, .region = opts.region, .endpoint_url = opts.endpoint_url},
        .connections = opts.connections,
        .rate = opts.rate,
        .max_attempts = opts.max_attempts,
        .save_raw = opts.save_raw,
        .verbose = opts.verbose,
    };
    if (opts.n_inputs == 0 && opts.n_log_groups == 0) {
        fprintf(stderr, "flowreport: no INPUT given\n");
        fr_cli_usage(stderr);
        status = EXIT_USAGE;
        goto done;
    }
    if (opts.threads == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        opts.threads = n < 1 ? 1 : n > 64 ? 64 : (int)n;
    }
    if (local_inputs(&opts, &local, &n_local) != 0 ||
        fr_source_expand(local, n_local, &src) != FR_OK) {
        fprintf(stderr, "flowreport: out of memory\n");
        goto done;
    }
    if (fr_remote_wanted(&ro)) {
        protect_secrets();
        if (!fr_http_global_init()) {
            fprintf(stderr, "flowreport: cannot initialise libcurl\n");
            goto done;
        }
        http_ready = 1;
        rm = fr_remote_new(&ro, &err, errbuf, sizeof errbuf);
        if (!rm) {
            fprintf(stderr, "flowreport: %s\n", errbuf);
            status = exit_for(err);
            goto done;
        }
        double tl = now_s();
        err = fr_remote_expand(rm, &src, errbuf, sizeof errbuf);
        if (err != FR_OK) {
            fprintf(stderr, "flowreport: %s%s\n", errbuf,
                    err == FR_ERR_AUTH ? "; previous reports left untouched" : "");
            status = exit_for(err);
            goto done;
        }
        fr_source_sort(&src);
        if (opts.verbose)
            fprintf(stderr, "flowreport: listed %zu inputs in %.3f s\n", src.n, now_s() - tl);
        err = fr_remote_start(rm, &src);
        if (err != FR_OK) {
            fprintf(stderr, "flowreport: %s\n", fr_strerror(err));
            goto done;
        }
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
    int show = opts.progress < 0 ? (!opts.quiet && isatty(STDERR_FILENO)) : opts.progress;
    prog = fr_progress_new(stderr, show);
    if (!prog) {
        fprintf(stderr, "flowreport: out of memory\n");
        goto done;
    }
    po.progress = fr_progress_counters_of(prog);
    fr_progress_add_inputs_total(po.progress, src.n);
    double t0 = now_s();
    err = fr_pipeline_run(&po, &src, r, errbuf, sizeof errbuf);
    double t1 = now_s();
    fr_progress_free(prog); /* erases the line before anything else is printed */
    prog = NULL;
    if (err != FR_OK) {
        fprintf(stderr, "flowreport: %s\n", errbuf[0] ? errbuf : fr_strerror(err));
        status = err == FR_ERR_RANGE ? EXIT_USAGE : EXIT_FATAL;
        goto done;
    }
    if (rm) {
        if (fr_remote_fatal(rm, errbuf, sizeof errbuf)) {
            fprintf(stderr, "flowreport: %s; previous reports left untouched\n", errbuf);
            status = EXIT_FATAL;
            goto done;
        }
        if (fr_remote_report(rm, r) != FR_OK) {
            fprintf(stderr, "flowreport: out of memory\n");
            goto done;
        }
        if (opts.verbose)
            print_fetch_rates(r, t1 - t0);
    }
    if (!fr_report_sum_inputs(r)) {
        fprintf(stderr, "flowreport: cannot compute SHA-256\n");
        goto done;
    }
    print_diagnostics(r);

    err = fr_cli_output_dir(&opts, r->period_start, &outdir, errbuf, sizeof errbuf);
    if (err != FR_OK) {
        fprintf(stderr, "flowreport: %s\n", errbuf);
        status = exit_for(err);
        goto done;
    }
    out = fr_output_new(outdir, &err, errbuf, sizeof errbuf);
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
                t->records, t->files, t->malformed, t->files_failed, outdir);
    }
done:
    fr_output_free(out);
    fr_progress_free(prog);
    fr_remote_free(rm);
    if (http_ready)
        fr_http_global_cleanup();
    free(local);
    free(outdir);
    fr_report_free(r);
    fr_source_list_clear(&src);
    fr_opts_clear(&opts);
    return status;
}
