/* SPDX-License-Identifier: MIT */
/* fr_report: the report model. Everything a writer prints lives here, already
 * sorted and final; writers only format it. Built by fr_reduce, freed with
 * fr_report_free(). All times are Unix seconds (UTC). */
#ifndef FR_REPORT_H
#define FR_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "fr_addr.h"

/* One time window. */
typedef struct fr_window_row {
    int64_t start, end;
    uint64_t records, ok_records, accept_records, reject_records;
    uint64_t nodata_records, skipdata_records;
    uint64_t packets, bytes, accept_bytes, reject_bytes;
    uint64_t interfaces; /* distinct interface-ids with a record here */
    /* coverage (issue 9): seconds of interface-time in this window (clipped
     * to the period) with any record, and in all (interfaces x seconds);
     * coverage_pct is fr_pct_format(covered_iface_seconds, iface_seconds) */
    uint64_t covered_iface_seconds, iface_seconds;
    uint64_t skipdata_interfaces; /* distinct interfaces with a SKIPDATA record starting here */
} fr_window_row;

/* One network interface (ENI). */
typedef struct fr_iface_row {
    char *interface_id;
    char *account_id; /* "" when none was seen */
    int64_t first_start, last_end;
    uint64_t records, ok_records, nodata_records, skipdata_records;
    uint64_t accept_records, reject_records, packets, bytes;
    /* coverage over the period (issue 9, SEMANTICS.md "Coverage"): disjoint
     * seconds with a SKIPDATA record, else an OK record (covered), else a
     * NODATA record; silent_seconds: stretches without any record longer
     * than --silent-gap. coverage_pct = fr_pct_format(any_seconds,
     * period_seconds) with any = covered + nodata + skipdata. */
    uint64_t covered_seconds, nodata_seconds, skipdata_seconds, silent_seconds;
    uint64_t any_seconds, period_seconds;
    int silent_edges; /* FR_EDGE_* bits of its silent stretches */
} fr_iface_row;

typedef enum fr_gap_kind { FR_GAP_NODATA = 0, FR_GAP_SKIPDATA = 1, FR_GAP_SILENT = 2 } fr_gap_kind;

/* Where a SILENT stretch touches the period's edge: at its start (the
 * interface may be new) or at its end (it may have been deleted). */
enum { FR_EDGE_NONE = 0, FR_EDGE_START = 1, FR_EDGE_END = 2 };

/* One merged NODATA or SKIPDATA interval, or a SILENT stretch, of one
 * interface. */
typedef struct fr_gap_row {
    const char *interface_id; /* points into fr_report.ifaces */
    fr_gap_kind kind;
    int64_t start, end;
    uint64_t records; /* 0 for SILENT */
    int edge; /* FR_EDGE_* (SILENT only) */
} fr_gap_row;

/* Severities of findings, ordered. */
typedef enum fr_severity { FR_SEV_LOW = 1, FR_SEV_MEDIUM = 2, FR_SEV_HIGH = 3 } fr_severity;

/* One finding: one row per (rule, subject); fields that do not apply to the
 * rule are absent (family 0, has_port 0, "" strings, times 0). */
typedef struct fr_finding_row {
    const char *rule; /* static: "public-admin-port-accepted", ... */
    fr_severity severity;
    char *interface_id; /* owned; "" when none */
    fr_addr src, dst;
    int has_port;
    uint8_t protocol;
    uint16_t dstport;
    int64_t first_seen, last_seen;
    uint64_t records, packets, bytes;
    char *detail; /* owned */
} fr_finding_row;

typedef struct fr_talker_row {
    fr_addr src, dst;
    uint64_t records, packets, bytes;
} fr_talker_row;

typedef struct fr_rejected_row {
    fr_addr src;
    uint64_t records, packets, bytes;
} fr_rejected_row;

typedef struct fr_port_row {
    uint8_t protocol;
    uint16_t dstport;
    uint64_t records, accept_records, reject_records, packets, bytes;
} fr_port_row;

/* How exact a top table is. When approximate (its distinct keys did not fit in
 * --max-memory), each printed ranking counter is at most error_bound below
 * the true value and never above it; the other counters are lower bounds. */
typedef struct fr_topn_info {
    int approximate;
    uint64_t distinct_keys; /* distinct keys seen (exact mode) */
    uint64_t error_bound;
} fr_topn_info;

/* A malformed line kept as an example (first 10 per file). */
typedef struct fr_example {
    uint64_t line; /* 1-based line (or event) number */
    char *reason;
} fr_example;

typedef enum fr_input_status {
    FR_INPUT_OK = 0,
    FR_INPUT_DAMAGED, /* read partly: damaged gzip, read error */
    FR_INPUT_UNREADABLE, /* could not be opened */
    FR_INPUT_UNSUPPORTED /* a format flowreport does not read (Parquet) */
} fr_input_status;

/* Malformed lines of one input that share a reason. */
typedef struct fr_reason_count {
    char *reason; /* as in the examples; "(other reasons)" past FR_REASONS_PER_INPUT */
    uint64_t lines;
} fr_reason_count;

/* Distinct reasons counted per input; the rest are summed as "(other reasons)". */
#define FR_REASONS_PER_INPUT 32

/* One input file. */
typedef struct fr_input_row {
    char *path; /* local path, or remote name (s3://bucket/key, logs:GROUP/...) */
    char *etag; /* remote object's ETag, else NULL */
    uint64_t size; /* bytes read from the file (compressed) */
    uint64_t text_bytes; /* bytes of text after decompression */
    uint8_t sha256[32]; /* of the bytes read */
    int compressed; /* 1 when gzip */
    fr_input_status status;
    char *error; /* message when status != OK, else NULL */
    int line_unit_event; /* 1 when positions are JSON event numbers */
    uint64_t lines, records, malformed, excluded, untimed, tgw_records;
    uint64_t header_lines, blank_lines;
    int64_t first_start, last_start; /* of its valid timed records; 0 if none */
    size_t n_examples;
    fr_example *examples; /* sorted by line */
    size_t n_reasons;
    fr_reason_count *reasons; /* every malformed line counted by reason, sorted by reason */
    int is_dir; /* a directory that could not be walked: not counted as a file */
    /* mergeable states (issue 11): set when this row came from a state file
     * INPUT, the state's name (owned), else NULL */
    char *via_state;
} fr_input_row;

/* One remote source as the user named it (an s3:// prefix or a log group):
 * how complete the fetch was. Filled by fr_remote; absent for local runs. */
typedef struct fr_fetch_row {
    char *source; /* "s3://bucket/prefix/" or "logs:GROUP" (with the stream prefix) */
    char *kind; /* "s3" or "cloudwatch-logs" */
    uint64_t requests, retries, throttles; /* HTTP requests sent, retried, throttled */
    uint64_t pages; /* list pages (S3) or FilterLogEvents pages (Logs) */
    uint64_t listed, read, failed; /* objects or slices: listed, read whole, failed */
    uint64_t skipped; /* S3 objects listed but outside the period, or Parquet */
    uint64_t events; /* CloudWatch events received */
    uint64_t bytes; /* body bytes received */
    char *error; /* the last error when something failed, else NULL */
} fr_fetch_row;

/* Totals over all inputs. records counts VPC records in the period. */
typedef struct fr_totals {
    uint64_t files, files_failed, size, text_bytes, lines;
    uint64_t records, ok_records, accept_records, reject_records;
    uint64_t nodata_records, skipdata_records;
    uint64_t packets, bytes, accept_bytes, reject_bytes;
    uint64_t excluded, untimed, malformed, tgw_records, header_lines, blank_lines;
    uint64_t interfaces;
    uint64_t nodata_gaps, nodata_gap_seconds, skipdata_gaps, skipdata_gap_seconds;
    /* coverage (issue 9): sums over interfaces; iface_seconds is
     * interfaces x period seconds */
    uint64_t covered_seconds, nodata_seconds, skipdata_seconds, silent_seconds;
    uint64_t any_seconds, iface_seconds;
    uint64_t silent_gaps, silent_interfaces, skipdata_interfaces;
    uint64_t longest_silent; /* seconds */
    /* 1 when a packets/bytes sum reached UINT64_MAX and stopped there */
    int saturated;
    /* interfaces past --max-memory (SEMANTICS.md "Memory"): 0, or k when
     * only the ids whose 64-bit hash has its top k bits zero are listed;
     * the records of the others are counted here and in the windows and
     * totals, not per interface */
    int iface_sample_level;
    uint64_t untracked_iface_records, untracked_iface_bytes;
    /* input rows that are directories that could not be walked (is_dir):
     * reported with their error, never counted in files or files_failed */
    uint64_t dirs_failed;
} fr_totals;

/* What `aws ec2 describe-network-interfaces` says about an interface
 * (--eni-info); every string is owned and "" when absent. Lists are
 * space-separated. */
typedef struct fr_eni_row {
    char *interface_id, *description, *instance_id, *vpc_id, *subnet_id;
    char *security_groups; /* "sg-1 sg-2" */
    char *private_addresses; /* "10.0.0.5 10.0.0.6 2001:db8::5" */
} fr_eni_row;

/* One change since the baseline run (changes.csv); strings owned, "" when
 * absent. */
typedef struct fr_change_row {
    char *change; /* "interface-new", "finding-resolved", "rank-move", ... */
    char *table; /* the table the key comes from */
    char *key, *before, *after;
} fr_change_row;

/* A state file merged into the report (issue 11, doc/STATE.md). */
typedef struct fr_state_row {
    char *name; /* as given */
    uint64_t size;
    uint8_t sha256[32];
    uint64_t inputs; /* input rows it brought */
} fr_state_row;

/* One output file written, for provenance (manifest.json, footers). */
typedef struct fr_output_row {
    char *name; /* "windows.csv" */
    uint64_t size;
    uint8_t sha256[32];
} fr_output_row;

typedef struct fr_report {
    /* provenance */
    char *version; /* flowreport version string */
    char *command_line; /* as typed, shell-quoted */
    uint8_t inputs_sha256[32]; /* over "sha256hex  path\n" of sorted inputs */

    /* period */
    int64_t period_start, period_end; /* [start, end); both 0 when empty */
    int64_t window; /* seconds */
    int since_given, until_given;
    unsigned top_n;

    fr_totals totals;

    size_t n_inputs;
    fr_input_row *inputs; /* sorted by path */
    size_t n_unknown_fields;
    char **unknown_fields; /* sorted, distinct */
    size_t n_windows;
    fr_window_row *windows; /* by start */
    size_t n_ifaces;
    fr_iface_row *ifaces; /* by interface_id */
    size_t n_gaps;
    fr_gap_row *gaps; /* by interface_id, start, kind */
    size_t n_talkers;
    fr_talker_row *talkers; /* ranked */
    size_t n_rejected;
    fr_rejected_row *rejected; /* ranked */
    size_t n_ports;
    fr_port_row *ports; /* ranked */
    fr_topn_info talkers_info, rejected_info, ports_info;

    size_t n_fetch;
    fr_fetch_row *fetch; /* remote sources in the order named; NULL for local runs */

    /* the audit layer (issue 9) */
    int64_t silent_gap; /* --silent-gap, seconds */
    size_t n_silent;
    fr_gap_row *silent; /* SILENT stretches, by interface_id, start (see
                           fr_report_fold_silent) */
    size_t n_findings;
    fr_finding_row *findings; /* by severity (high first), rule, subject */
    int findings_approximate; /* a distinct count was estimated (sketch) */
    /* past --max-memory, port-scan and host-sweep follow only the sources
     * whose address hash has its top k bits zero: k here, else 0 */
    int findings_source_level;
    int eni_info_given; /* --eni-info was used: show the columns */
    /* --baseline (fr_baseline): changes since a previous run */
    int baseline_given; /* compared: write changes.csv */
    size_t n_changes;
    fr_change_row *changes; /* by kind, then key */
    size_t n_eni_info;
    fr_eni_row *eni_info; /* by interface_id (fr_eni_info_find) */
    size_t n_states;
    fr_state_row *states; /* merged states in the order given to the merge (by name) */
    size_t n_outputs;
    fr_output_row *outputs; /* files written so far, hashed (fr_manifest) */
} fr_report;

/* Returns a zeroed report, or NULL when out of memory. */
fr_report *fr_report_new(void);

/* Frees what one input row owns and zeroes it. */
void fr_input_row_clear(fr_input_row *in);

/* Frees the report and everything it owns; NULL is fine. */
void fr_report_free(fr_report *r);

/* Computes totals.files.., size, lines and the per-file counters summed over
 * r->inputs, and inputs_sha256 over "sha256hex  path\n" of each input in
 * order. Returns 1, or 0 when hashing failed. */
int fr_report_sum_inputs(fr_report *r);

/* Formats t as "YYYY-MM-DDTHH:MM:SSZ" into buf (at least FR_TIME_ISO_LEN
 * bytes); years from 10000 on are ISO 8601 expanded years with a sign
 * ("+10000-01-01T00:00:00Z"), years before 0 too ("-0001-..."); a time
 * gmtime cannot express is "invalid-time". Returns buf. */
#define FR_TIME_ISO_LEN 32
char *fr_time_iso(int64_t t, char *buf);

/* Formats 100 * num / den rounded down to one decimal ("97.2") into buf (at
 * least 32 bytes), or "" when den is 0. Returns buf. */
char *fr_pct_format(uint64_t num, uint64_t den, char *buf);

/* qsort order of fr_gap_row: interface_id, start, kind. */
int fr_gap_cmp(const void *pa, const void *pb);

/* Returns "NODATA", "SKIPDATA" or "SILENT". */
const char *fr_gap_kind_name(fr_gap_kind k);

/* Returns "start", "end" or "" for a gap's edge. */
const char *fr_gap_edge_name(int edge);

/* Returns "low", "medium" or "high". */
const char *fr_severity_name(fr_severity s);

/* Moves r->silent into r->gaps, keeping gaps sorted by interface_id, start,
 * kind (for writers that print SILENT rows in gaps). Returns 1, or 0 when
 * out of memory (r unchanged). */
int fr_report_fold_silent(fr_report *r);

/* Formats the 32-byte digest as 64 lowercase hex digits into buf (65 bytes). */
char *fr_hex_sha256(const uint8_t d[32], char *buf);

#endif
