/* SPDX-License-Identifier: MIT */
/* fr_cli: command-line options, durations and times. */
#ifndef FR_CLI_H
#define FR_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "fr_error.h"
#include "fr_eni_info.h"
#include "fr_findings.h"
#include "fr_flowlog.h"

/* Most --vpc-cidr blocks. */
#define FR_MAX_VPC_CIDRS 64

typedef struct fr_opts {
    const char *outdir;
    int fmt_csv, fmt_md, fmt_xlsx;
    int64_t since, until;
    int since_set, until_set;
    int64_t window;
    unsigned top_n;
    int threads; /* 0: one per online CPU */
    uint64_t max_memory; /* bytes */
    fr_fieldmap fields; /* map for headerless input */
    int quiet, verbose;
    int help, version;
    char **inputs; /* INPUTs: the command line's, else the config file's */
    size_t n_inputs;
    char *command_line; /* shell-quoted argv (owned) */

    /* the downloader (issue 7) */
    char **log_groups; /* --log-group NAME or ARN, repeatable */
    size_t n_log_groups;
    const char *log_stream_prefix; /* --log-stream-prefix, or NULL */
    const char *region, *profile, *endpoint_url; /* or NULL */
    int connections; /* --connections, default 8 */
    double rate; /* --rate: FilterLogEvents requests/s, default 5 */
    int max_attempts; /* --max-attempts, default 5 */
    const char *save_raw; /* --save-raw DIR, or NULL */
    int progress; /* --progress 1, --no-progress 0, default -1: when stderr is a terminal */
    const char *config_path; /* the configuration file read, or NULL */
    /* the audit layer (issue 9) */
    fr_audit_opts audit; /* --silent-gap, --admin-ports, --egress-threshold, --scan-ports,
                            --sweep-hosts, --spike-factor; vpc_cidrs points here */
    fr_cidr vpc_cidrs[FR_MAX_VPC_CIDRS]; /* --vpc-cidr, repeatable */
    int fail_on; /* --fail-on: FR_SEV_*, 0 when not given */
    int prorate; /* --prorate */
    const char *eni_info[FR_MAX_ENI_FILES]; /* --eni-info FILE, repeatable */
    size_t n_eni_info;
    const char *baseline; /* --baseline DIR, or NULL */
    void *owned; /* strings and arrays the options point into (config file values) */
    int wait; /* --wait: wait for another run holding the output directory's lock */
    /* mergeable states (issue 11) */
    const char *save_state; /* --save-state FILE (or s3://bucket/key), or NULL */
    uint64_t state_keys; /* --state-keys N: N keys per table in the saved state (0: all) */
    int window_set; /* --window (or the file's `window`) was given */
    unsigned shard_k, shard_n; /* --shard K/N; shard_n 0 when not given */
    int shard_auto; /* --shard auto/N: K from AWS_BATCH_JOB_ARRAY_INDEX or
                       JOB_COMPLETION_INDEX (resolved by fr_cli_parse into shard_k) */
    /* the audit layer (issue 9) */
    int describe_enis; /* --describe-enis: EC2 DescribeNetworkInterfaces */
} fr_opts;

/* Parses argv into o, over the configuration file (--config FILE, else
 * $FLOWREPORT_CONFIG, else $XDG_CONFIG_HOME/flowreport/config, else
 * /etc/flowreport.conf; see fr_config.h), which --help and --version skip.
 * An option on the command line replaces the file's value; INPUTs on the
 * command line replace the file's `input`s, --log-group the file's
 * `log-group`s. `now` is the current Unix time (for relative --since).
 * Returns FR_OK, or FR_ERR_USAGE with a message in errbuf ("--window: ..." or
 * "FILE:LINE: window: ..."), or FR_ERR_NOMEM. Call fr_opts_clear() after it,
 * whatever it returns. */
fr_err fr_cli_parse(int argc, char **argv, int64_t now, fr_opts *o, char *errbuf, size_t errlen);

/* Frees what o owns. */
void fr_opts_clear(fr_opts *o);

/* Expands the strftime conversions of o->outdir ("/srv/audit/%Y-%m-%d") with
 * period_start (Unix seconds) in UTC; "%%" is a '%'. A path with no '%' comes
 * back unchanged. Returns FR_OK with *out (owned by the caller), or
 * FR_ERR_USAGE, FR_ERR_RANGE or FR_ERR_NOMEM with a message in errbuf. */
fr_err fr_cli_output_dir(const fr_opts *o, int64_t period_start, char **out, char *errbuf,
                         size_t errlen);

/* The distinct names of --fields (or the file's `fields`) that are no known
 * field: stores the first max of them in names (pointers into o) and returns
 * how many there are. */
size_t fr_cli_unknown_fields(const fr_opts *o, const char **names, size_t max);

/* Prints "flowreport: warning: --fields: unknown field 'NAME' (its column is
 * ignored)" on fp for each of them. Returns how many. */
size_t fr_cli_warn_unknown_fields(const fr_opts *o, FILE *fp);

/* Prints the short usage (for stderr) or the full help (for stdout). */
void fr_cli_usage(FILE *fp);
void fr_cli_help(FILE *fp);

/* Parses "90m", "24h", "7d", "30s", "1w". Returns 1 and *secs, or 0. */
int fr_parse_duration(const char *s, int64_t *secs);

/* Parses an ISO-8601 UTC time ("2026-11-26T00:00:00Z", "2026-11-26T00:00Z",
 * "2026-11-26") or epoch seconds. Returns 1 and *t, or 0. */
int fr_parse_time(const char *s, int64_t *t);

/* Parses a size like "512M", "2G", "1048576". Returns 1 and *bytes, or 0. */
int fr_parse_size(const char *s, uint64_t *bytes);

#endif
