/* SPDX-License-Identifier: MIT */
/* main: runs the pipeline and decides the exit status; nothing else does. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
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
#include "fr_interrupt.h"
#include "fr_output.h"
#include "fr_pipeline.h"
#include "fr_progress.h"
#include "fr_reader.h"
#include "fr_remote.h"
#include "fr_shard.h"
#include "fr_state.h"
#include "fr_report.h"
#include "fr_source.h"
#include "fr_writers.h"
/* the audit layer (issue 9) */
#include "fr_audit_csv.h"
#include "fr_baseline.h"
#include "fr_eni_info.h"
#include "fr_findings.h"
#include "fr_manifest.h"

/* Exit statuses (documented in --help, README and the man page). */
enum {
    EXIT_CLEAN = 0, /* report written, input clean */
    EXIT_DAMAGED = 1, /* report written, some input damaged or malformed */
    EXIT_USAGE = 2, /* usage or configuration error, nothing written */
    EXIT_FATAL = 3, /* fatal error (also AWS refusing credentials or permission),
                      previous reports untouched */
    EXIT_FINDINGS = 4 /* report written; --fail-on: a finding at or above its severity */
};

/* The report names this program writes: those of an earlier run that this
 * one does not write are removed at the commit (see fr_output_claim). */
static const char *const report_names[] = {
    "windows.csv",   "interfaces.csv", "gaps.csv",      "top_talkers.csv", "top_rejected.csv",
    "top_ports.csv", "inputs.csv",     "fetch.csv",     "findings.csv",    "problems.csv",
    "summary.md",    "report.xlsx",    "manifest.json", "changes.csv", /* the audit layer */
};
#define N_REPORT_NAMES (sizeof report_names / sizeof report_names[0])

/* Appends s[0..len) to fp with every control character, DEL, backslash and
 * byte that is not part of well-formed UTF-8 (or is a C1 control) as a
 * visible escape: \n, \t, \r, \\, \xHH. Text from input (file names, ids,
 * reasons, AWS messages) can then neither move the cursor nor forge a line. */
static void put_escaped(FILE *fp, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        unsigned c = p[i];
        size_t n = c < 0x80          ? 1
            : c >= 0xC2 && c <= 0xDF ? 2
            : c >= 0xE0 && c <= 0xEF ? 3
            : c >= 0xF0 && c <= 0xF4 ? 4
                                     : 0;
        int ok = n > 0 && i + n <= len;
        for (size_t k = 1; ok && k < n; k++)
            ok = (p[i + k] & 0xC0) == 0x80;
        if (ok && n > 1) {
            unsigned c1 = p[i + 1];
            ok = !(c == 0xC2 && c1 < 0xA0) && !(c == 0xE0 && c1 < 0xA0) &&
                !(c == 0xED && c1 > 0x9F) && !(c == 0xF0 && c1 < 0x90) && !(c == 0xF4 && c1 > 0x8F);
        }
        if (ok && n > 1) {
            fwrite(p + i, 1, n, fp);
            i += n;
            continue;
        }
        if (ok && c >= 0x20 && c != 0x7F && c != '\\')
            fputc((int)c, fp);
        else if (c == '\n')
            fputs("\\n", fp);
        else if (c == '\t')
            fputs("\\t", fp);
        else if (c == '\r')
            fputs("\\r", fp);
        else if (c == '\\')
            fputs("\\\\", fp);
        else
            fprintf(fp, "\\x%02x", c);
        i++;
    }
}

/* Prints a message on stderr: the formatted text escaped by put_escaped(),
 * then one newline (a final "\n" of fmt is that newline). */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
    char small[1024], *buf = small;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof small) {
        if (!(buf = malloc((size_t)n + 1))) {
            buf = small;
            n = (int)sizeof small - 1;
        } else {
            va_start(ap, fmt);
            vsnprintf(buf, (size_t)n + 1, fmt, ap);
            va_end(ap);
        }
    }
    size_t len = (size_t)n;
    if (len > 0 && buf[len - 1] == '\n')
        len--;
    /* one write: stderr is unbuffered, and lines of two threads must not mix */
    char *esc = NULL;
    size_t esc_len = 0;
    FILE *mem = open_memstream(&esc, &esc_len);
    if (mem) {
        put_escaped(mem, buf, len);
        fputc('\n', mem);
        if (fclose(mem) == 0)
            fwrite(esc, 1, esc_len, stderr);
        free(esc);
    } else {
        flockfile(stderr);
        put_escaped(stderr, buf, len);
        fputc('\n', stderr);
        funlockfile(stderr);
    }
    if (buf != small)
        free(buf);
}

/* Test-only (FLOWREPORT_TEST_PAUSE=PHASE, used by tests/signals.sh): says so
 * and sleeps up to 30 s in that phase, so that a test can signal the run
 * there. Phases: locked, reduce, csv, md, xlsx (and commit, in output.c). */
static void test_pause(const char *phase)
{
    const char *want = getenv("FLOWREPORT_TEST_PAUSE");
    size_t len = strlen(phase);
    if (!want || strncmp(want, phase, len) != 0 || (want[len] && want[len] != ':'))
        return;
    int tenths = want[len] == ':' ? 10 * atoi(want + len + 1) : 300; /* PHASE:SECONDS */
    say("flowreport: test pause: %s", phase);
    for (int i = 0; i < tenths; i++) {
        struct timespec ts = {0, 100000000L};
        nanosleep(&ts, NULL);
    }
}

/* The cleanup of SIGINT, SIGTERM and SIGHUP (arg: the fr_output or NULL):
 * removes what the run created; the process then exits with 128 + sig. */
static void on_signal(int sig, void *arg)
{
    int installed = arg ? fr_output_abort(arg) : 0;
    say("flowreport: interrupted by %s; %s", fr_interrupt_name(sig),
        installed ? "the new reports had already been written"
                  : "nothing written, previous reports left untouched");
}

/* The same once the reports are in place. */
static void on_signal_after(int sig, void *arg)
{
    (void)arg;
    say("flowreport: interrupted by %s; the new reports had already been written",
        fr_interrupt_name(sig));
}

/* --wait: says whom the run waits for. */
static void on_wait(const char *dir, const char *holder, void *arg)
{
    (void)arg;
    say("flowreport: %s is in use by another flowreport run (%s); waiting", dir, holder);
}

/* Exit status for an error before any report is written. */
/* Interfaces kept one by one: an eighth of --max-memory (SEMANTICS.md
 * "Memory"), at least 1,024. */
static size_t fr_max_ifaces(uint64_t max_memory)
{
    if (!max_memory)
        return 0;
    uint64_t n = max_memory / 8 / FR_IFACE_BYTES_PER_KEY;
    return n < 1024 ? 1024 : (size_t)n;
}

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

/* Expands -o for period_start into *outdir and opens it into *out (lock,
 * stale files, staging; see fr_output.h); signals then clean it up. Returns
 * 0, or an exit status after printing why. */
static int open_output(const fr_opts *o, int64_t period_start, char **outdir, fr_output **out)
{
    char errbuf[1024];
    fr_err err = fr_cli_output_dir(o, period_start, outdir, errbuf, sizeof errbuf);
    if (err != FR_OK) {
        say("flowreport: %s", errbuf);
        return exit_for(err);
    }
    *out = fr_output_new_ex(*outdir, o->wait ? FR_OUTPUT_WAIT : 0, on_wait, NULL, &err, errbuf,
                            sizeof errbuf);
    if (!*out) {
        say("flowreport: %s", errbuf);
        return EXIT_FATAL;
    }
    fr_interrupt_set(on_signal, *out);
    if (fr_output_claim(*out, report_names, sizeof report_names / sizeof report_names[0]) != 0) {
        say("flowreport: out of memory");
        return EXIT_FATAL;
    }
    int rolled;
    size_t stale = fr_output_stale(*out, &rolled);
    if (rolled)
        say("flowreport: %s: a run that died while replacing the reports was rolled back", *outdir);
    if (stale && o->verbose)
        say("flowreport: %s: removed %zu temporary files or directories of dead runs", *outdir,
            stale);
    test_pause("locked");
    return 0;
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

/* 1 when arg is an s3:// URL of a state file (issue 11): such INPUTs are
 * fetched whole and merged, not listed as a prefix of flow logs. */
static int is_state_url(const char *arg)
{
    size_t n = strlen(arg), k = strlen(FR_STATE_SUFFIX);
    return strncmp(arg, "s3://", 5) == 0 && n > k && strcmp(arg + n - k, FR_STATE_SUFFIX) == 0;
}

/* Fetches the state at url into a new temporary file (its path appended to
 * *tmps, which main removes) and adds it to set. Returns FR_OK or an error
 * with errbuf set. */
static fr_err fetch_state(fr_remote *rm, fr_stateset *set, const char *url, char ***tmps,
                          size_t *ntmps, char *errbuf, size_t errlen)
{
    const char *td = getenv("TMPDIR");
    if (!td || !*td)
        td = "/tmp";
    size_t n = strlen(td) + 32;
    char *path = malloc(n);
    char **v = realloc(*tmps, (*ntmps + 1) * sizeof *v);
    if (!path || !v) {
        free(path);
        if (v)
            *tmps = v;
        snprintf(errbuf, errlen, "out of memory");
        return FR_ERR_NOMEM;
    }
    *tmps = v;
    snprintf(path, n, "%s/flowreport-state-XXXXXX", td);
    int fd = mkstemp(path);
    if (fd < 0) {
        snprintf(errbuf, errlen, "%s: cannot make a temporary file in %s: %s", url, td,
                 strerror(errno));
        free(path);
        return FR_ERR_IO;
    }
    v[(*ntmps)++] = path;
    FILE *fp = fdopen(fd, "w+b");
    if (!fp) {
        close(fd);
        snprintf(errbuf, errlen, "%s: %s", url, strerror(errno));
        return FR_ERR_IO;
    }
    char why[768];
    fr_err err = fr_remote_get_object(rm, url, fp, why, sizeof why);
    if (fclose(fp) != 0 && err == FR_OK) {
        err = FR_ERR_IO;
        snprintf(why, sizeof why, "%s: cannot write %s: %s", url, path, strerror(errno));
    }
    if (err != FR_OK) {
        snprintf(errbuf, errlen, "state %s", why);
        return err;
    }
    return fr_stateset_add(set, path, url, errbuf, errlen);
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
        if (in->via_state) /* said when the state was made; in the report again */
            continue;
        for (size_t k = 0; k < in->n_examples; k++)
            say(in->line_unit_event ? "%s:event %" PRIu64 ": %s\n" : "%s:%" PRIu64 ": %s\n",
                in->path, in->examples[k].line, in->examples[k].reason);
        if (in->malformed > in->n_examples)
            say("%s: %" PRIu64 " more malformed lines not shown\n", in->path,
                in->malformed - in->n_examples);
        if (in->status != FR_INPUT_OK)
            say("%s: %s\n", in->path, in->error ? in->error : "failed");
    }
    const fr_totals *t = &r->totals;
    if (t->iface_sample_level)
        say("flowreport: more interfaces than --max-memory holds: 1 in %llu is listed (by a hash "
            "of its id); %" PRIu64 " records of the others are in the totals only\n",
            1ULL << (t->iface_sample_level > 63 ? 63 : t->iface_sample_level),
            t->untracked_iface_records);
}

/* -v: how fast each remote source was fetched. */
static void print_fetch_rates(const fr_report *r, double secs)
{
    if (secs <= 0)
        secs = 1e-9;
    for (size_t i = 0; i < r->n_fetch; i++) {
        const fr_fetch_row *f = &r->fetch[i];
        say("flowreport: %s: %" PRIu64 " requests (%.1f/s), %" PRIu64 " retries, %" PRIu64
            " throttled, %" PRIu64 " pages, %" PRIu64 " events (%.0f/s), %" PRIu64
            " bytes (%.1f MiB/s)\n",
            f->source, f->requests, (double)f->requests / secs, f->retries, f->throttles, f->pages,
            f->events, (double)f->events / secs, f->bytes, (double)f->bytes / secs / 1048576.0);
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
    fr_manifest *man = NULL; /* audit layer */
    fr_remote *rm = NULL;
    char **local = NULL;
    size_t n_local = 0;
    int http_ready = 0;
    char *outdir = NULL;
    fr_progress *prog = NULL;
    fr_stateset *states = NULL;
    char **state_tmps = NULL; /* state files fetched from S3 */
    size_t n_state_tmps = 0;
    char **remote_in = NULL, **state_urls = NULL; /* INPUTs: logs to list, s3:// states */
    size_t n_remote_in = 0, n_state_urls = 0;

#ifdef __GLIBC__
    /* Big tables and blocks come and go as they grow; a fixed threshold keeps
     * them in mmap()ed memory that free() hands back, instead of letting
     * glibc raise it and leave the holes in its heaps (about 15 MB of RSS on
     * the benchmark). */
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
#endif
    fr_err err = fr_cli_parse(argc, argv, (int64_t)time(NULL), &opts, errbuf, sizeof errbuf);
    if (err != FR_OK) {
        say("flowreport: %s\n", errbuf);
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
        say("flowreport: configuration read from %s\n", opts.config_path);
    /* s3:// state files are fetched whole, not listed with the logs */
    remote_in = calloc(opts.n_inputs + 1, sizeof *remote_in);
    state_urls = calloc(opts.n_inputs + 1, sizeof *state_urls);
    if (!remote_in || !state_urls) {
        say("flowreport: out of memory\n");
        goto done;
    }
    for (size_t i = 0; i < opts.n_inputs; i++) {
        if (is_state_url(opts.inputs[i]))
            state_urls[n_state_urls++] = opts.inputs[i];
        else
            remote_in[n_remote_in++] = opts.inputs[i];
    }
    fr_remote_opts ro = {
        .inputs = remote_in,
        .n_inputs = n_remote_in,
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
        .describe_enis = opts.describe_enis,
        .save_state = opts.save_state,
    };
    if (opts.n_inputs == 0 && opts.n_log_groups == 0) {
        say("flowreport: no INPUT given\n");
        fr_cli_usage(stderr);
        status = EXIT_USAGE;
        goto done;
    }
    if (fr_interrupt_start(errbuf, sizeof errbuf) != FR_OK) {
        say("flowreport: %s", errbuf);
        goto done;
    }
    fr_interrupt_set(on_signal, NULL);
    if (opts.threads == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        opts.threads = n < 1 ? 1 : n > 64 ? 64 : (int)n;
    }
    /* credentials and configuration first: their errors are usage errors
     * (exit 2) that leave no trace */
    if (fr_remote_wanted(&ro) || n_state_urls) {
        protect_secrets();
        if (!fr_http_global_init()) {
            say("flowreport: cannot initialise libcurl\n");
            goto done;
        }
        http_ready = 1;
        rm = fr_remote_new(&ro, &err, errbuf, sizeof errbuf);
        if (!rm) {
            say("flowreport: %s\n", errbuf);
            status = exit_for(err);
            goto done;
        }
    }
    /* DIR is checked and locked before any input is read, unless its name
     * depends on a period start that only the input gives */
    if (!strchr(opts.outdir, '%') || opts.since_set) {
        int st = open_output(&opts, opts.since, &outdir, &out);
        if (st != 0) {
            status = st;
            goto done;
        }
    }
    if (local_inputs(&opts, &local, &n_local) != 0 ||
        fr_source_expand(local, n_local, &src) != FR_OK) {
        say("flowreport: out of memory\n");
        goto done;
    }
    if (!opts.quiet) /* what the walk left out: FIFOs, devices, loops */
        for (size_t i = 0; i < src.n_notes; i++)
            say("%s", src.notes[i]);
    if (rm) {
        double tl = now_s();
        err = fr_remote_expand(rm, &src, errbuf, sizeof errbuf);
        if (err != FR_OK) {
            say("flowreport: %s%s\n", errbuf,
                err == FR_ERR_AUTH ? "; previous reports left untouched" : "");
            status = exit_for(err);
            goto done;
        }
        fr_source_sort(&src);
        if (opts.verbose)
            say("flowreport: listed %zu inputs in %.3f s\n", src.n, now_s() - tl);
    }
    /* mergeable states (issue 11): this shard's share, then the state files */
    if (opts.shard_n) {
        size_t dropped = fr_shard_select(&src, opts.shard_k, opts.shard_n);
        if (opts.verbose)
            say("flowreport: shard %u/%u: %zu inputs here, %zu in other shards\n", opts.shard_k,
                opts.shard_n, src.n, dropped);
    }
    if (!(states = fr_stateset_new())) {
        say("flowreport: out of memory\n");
        goto done;
    }
    for (size_t i = 0; i < n_state_urls; i++) {
        err = fetch_state(rm, states, state_urls[i], &state_tmps, &n_state_tmps, errbuf,
                          sizeof errbuf);
        if (err != FR_OK) {
            say("flowreport: %s; nothing was written\n", errbuf);
            status = err == FR_ERR_FORMAT || err == FR_ERR_OPEN || err == FR_ERR_USAGE ? EXIT_USAGE
                                                                                       : EXIT_FATAL;
            goto done;
        }
    }
    for (size_t i = 0; i < src.n;) {
        const fr_source_item *it = &src.items[i];
        if (it->opener || it->error || it->is_dir || strcmp(it->path, "-") == 0 ||
            !fr_state_is_file(it->path)) {
            i++;
            continue;
        }
        err = fr_stateset_add(states, it->path, it->path, errbuf, sizeof errbuf);
        if (err != FR_OK) {
            say("flowreport: %s; nothing was written\n", errbuf);
            status = err == FR_ERR_NOMEM ? EXIT_FATAL : EXIT_USAGE;
            goto done;
        }
        fr_source_remove(&src, i);
    }
    fr_state_run srun = {
        .reduce = {opts.since, opts.until, opts.since_set, opts.until_set, opts.window, opts.top_n,
                   &opts.audit, opts.prorate},
        .reduce.max_ifaces = fr_max_ifaces(opts.max_memory),
        .window_given = opts.window_set,
        .raw_inputs = src.n > 0,
        .max_memory = opts.max_memory,
        .threads = opts.threads,
        .state_keys = opts.state_keys,
    };
    if ((err = fr_stateset_check(states, &srun, errbuf, sizeof errbuf)) != FR_OK) {
        say("flowreport: %s\n", errbuf);
        status = err == FR_ERR_NOMEM ? EXIT_FATAL : EXIT_USAGE;
        goto done;
    }
    if (opts.save_state && fr_remote_is_s3_object(opts.save_state)) {
        /* written here, then put to S3 once the reports are installed */
        const char *td = getenv("TMPDIR");
        snprintf(errbuf, sizeof errbuf, "%s/flowreport-save.frstate", td && *td ? td : "/tmp");
        if (fr_stateset_save_to(states, errbuf) != FR_OK) {
            say("flowreport: out of memory\n");
            goto done;
        }
        errbuf[0] = '\0';
    } else if (opts.save_state && fr_stateset_save_to(states, opts.save_state) != FR_OK) {
        say("flowreport: out of memory\n");
        goto done;
    }
    if (rm) {
        err = fr_remote_start(rm, &src);
        if (err != FR_OK) {
            say("flowreport: %s\n", fr_strerror(err));
            goto done;
        }
    }
    r = fr_report_new();
    if (!r || !(r->version = strdup(PACKAGE_VERSION)) ||
        !(r->command_line = strdup(opts.command_line))) {
        say("flowreport: out of memory\n");
        goto done;
    }
    /* audit layer: --eni-info, read before the inputs */
    if (opts.n_eni_info &&
        (err = fr_eni_info_load(r, opts.eni_info, opts.n_eni_info, errbuf, sizeof errbuf)) !=
            FR_OK) {
        say("flowreport: --eni-info: %s\n", errbuf);
        status = err == FR_ERR_NOMEM ? EXIT_FATAL : EXIT_USAGE;
        goto done;
    }
    /* audit layer: --describe-enis (nothing without it) */
    if ((err = fr_remote_describe_enis(rm, r, errbuf, sizeof errbuf)) != FR_OK) {
        say("flowreport: --describe-enis: %s%s\n", errbuf,
            err == FR_ERR_AUTH ? "; previous reports left untouched" : "");
        status = EXIT_FATAL;
        goto done;
    }
    fr_pipeline_opts po = {
        .reduce = srun.reduce, /* the states may set the window and period */
        .threads = opts.threads,
        .max_memory = opts.max_memory,
        .fields = &opts.fields,
    };
    if (fr_stateset_count(states) || opts.save_state) {
        po.finish = fr_stateset_finish;
        po.finish_ctx = states;
    }
    if (opts.verbose)
        say("flowreport: %zu input files, %d threads\n", src.n, opts.threads);
    int show = opts.progress < 0 ? (!opts.quiet && isatty(STDERR_FILENO)) : opts.progress;
    prog = fr_progress_new(stderr, show);
    if (!prog) {
        say("flowreport: out of memory\n");
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
        say("flowreport: %s%s\n", errbuf[0] ? errbuf : fr_strerror(err),
            err == FR_ERR_FORMAT ? "; nothing was written" : "");
        status = err == FR_ERR_RANGE || err == FR_ERR_USAGE || err == FR_ERR_FORMAT ? EXIT_USAGE
                                                                                    : EXIT_FATAL;
        goto done;
    }
    test_pause("reduce");
    if (rm) {
        if (fr_remote_fatal(rm, errbuf, sizeof errbuf)) {
            say("flowreport: %s; previous reports left untouched\n", errbuf);
            status = EXIT_FATAL;
            goto done;
        }
        if (fr_remote_report(rm, r) != FR_OK) {
            say("flowreport: out of memory\n");
            goto done;
        }
        if (opts.verbose)
            print_fetch_rates(r, t1 - t0);
    }
    if (!fr_report_sum_inputs(r)) {
        say("flowreport: cannot compute SHA-256\n");
        goto done;
    }
    print_diagnostics(r);
    /* audit layer: --baseline */
    int baseline_ignored = 0;
    if (opts.baseline) {
        err = fr_baseline_compare(r, opts.baseline, &opts.audit, &baseline_ignored, errbuf,
                                  sizeof errbuf);
        if (err != FR_OK) {
            say("flowreport: --baseline: %s\n", errbuf);
            goto done;
        }
        if (baseline_ignored)
            say("flowreport: --baseline: %s; the baseline is ignored\n", errbuf);
    }

    if (!out) {
        int st = open_output(&opts, r->period_start, &outdir, &out);
        if (st != 0) {
            status = st;
            goto done;
        }
    }
    err = FR_OK;
    if (opts.fmt_csv && (err = fr_write_csv(r, out, errbuf, sizeof errbuf)) == FR_OK &&
        (err = fr_write_csv_audit(r, out, errbuf, sizeof errbuf)) == FR_OK) /* audit layer */
        test_pause("csv");
    /* audit layer: the CSVs' SHA-256 for summary.md and report.xlsx */
    if (err == FR_OK && !(man = fr_manifest_new(out))) {
        err = FR_ERR_NOMEM;
        snprintf(errbuf, sizeof errbuf, "out of memory");
    }
    if (err == FR_OK)
        err = fr_manifest_hash(man, r, report_names, N_REPORT_NAMES, errbuf, sizeof errbuf);
    if (err == FR_OK && opts.fmt_md && (err = fr_write_md(r, out, errbuf, sizeof errbuf)) == FR_OK)
        test_pause("md");
    if (err == FR_OK && opts.fmt_xlsx &&
        (err = fr_write_xlsx(r, out, errbuf, sizeof errbuf)) == FR_OK)
        test_pause("xlsx");
    if (err == FR_OK) /* audit layer: manifest.json lists every output */
        err = fr_manifest_write(man, r, report_names, N_REPORT_NAMES, errbuf, sizeof errbuf);
    if (err != FR_OK) {
        say("flowreport: %s; previous reports left untouched\n", errbuf);
        goto done;
    }
    if (fr_output_commit(out, errbuf, sizeof errbuf) != FR_OK) {
        say("flowreport: %s", errbuf); /* it says what DIR holds */
        goto done;
    }
    fr_interrupt_set(on_signal_after, NULL);
    /* --save-state: installed once the reports are */
    int state_failed = 0;
    if (opts.save_state && fr_remote_is_s3_object(opts.save_state)) {
        err = fr_remote_put_object(rm, opts.save_state, fr_stateset_temp(states), errbuf,
                                   sizeof errbuf);
        fr_stateset_discard(states);
        if (err != FR_OK) {
            say("flowreport: --save-state: %s; the reports were written, the state was not\n",
                errbuf);
            state_failed = 1;
        }
    } else if (fr_stateset_commit(states, errbuf, sizeof errbuf) != FR_OK) {
        say("flowreport: %s; the reports were written, the state was not\n", errbuf);
        state_failed = 1;
    }
    size_t n_removed;
    const char *const *removed = fr_output_removed(out, &n_removed);
    for (size_t i = 0; i < n_removed && !opts.quiet; i++)
        say("flowreport: removed %s/%s of an earlier run (not among this run's formats)", outdir,
            removed[i]);
    if (opts.verbose) {
        if (fr_stateset_count(states))
            say("flowreport: merged %zu states in %.3f s\n", fr_stateset_count(states),
                fr_stateset_merge_seconds(states));
        say("flowreport: read and reduced in %.3f s, reports written in %.3f s\n", t1 - t0,
            now_s() - t1);
    }
    const fr_totals *t = &r->totals;
    status = (t->malformed || t->files_failed || t->dirs_failed || t->files == 0) ? EXIT_DAMAGED
                                                                                  : EXIT_CLEAN;
    if (baseline_ignored && status == EXIT_CLEAN) /* audit layer */
        status = EXIT_DAMAGED;
    if (opts.fail_on && fr_findings_max_severity(r) >= opts.fail_on) /* audit layer */
        status = EXIT_FINDINGS;
    if (state_failed)
        status = EXIT_FATAL;
    if (t->files == 0)
        say("flowreport: no input files found; the report is empty\n");
    if (!opts.quiet) {
        say("flowreport: %" PRIu64 " records from %" PRIu64 " files (%" PRIu64
            " malformed lines, %" PRIu64 " failed files); reports in %s/\n",
            t->records, t->files, t->malformed, t->files_failed, outdir);
    }
done:
    fr_stateset_free(states); /* removes an uncommitted state file */
    for (size_t i = 0; i < n_state_tmps; i++) {
        unlink(state_tmps[i]);
        free(state_tmps[i]);
    }
    free(state_tmps);
    free(remote_in);
    free(state_urls);
    fr_manifest_free(man);
    fr_interrupt_set(status == EXIT_CLEAN || status == EXIT_DAMAGED ? on_signal_after : on_signal,
                     NULL);
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
