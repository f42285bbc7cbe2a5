/* SPDX-License-Identifier: MIT */
/* fr_names: what the writers share to make a report readable: IANA protocol
 * keywords, counts with thousands separators, binary byte units, h/m/s
 * durations, the sources (accounts, regions, flow logs, log groups) named
 * by the inputs, malformed lines grouped by reason, short file names, and
 * the CSV-injection test. Nothing here prints; every result is plain data. */
#ifndef FR_NAMES_H
#define FR_NAMES_H

#include <stddef.h>
#include <stdint.h>

#include "fr_report.h"

/* Size of the buffers the fr_fmt_* functions fill. */
#define FR_FMT_LEN 48

/* Returns the IANA keyword of IP protocol p ("TCP", "IPv6-ICMP"), or NULL
 * when it has none in our table. */
const char *fr_proto_name(unsigned p);

/* Formats p as "6 (TCP)", or "253" when it has no keyword; returns buf. */
char *fr_fmt_proto(unsigned p, char buf[FR_FMT_LEN]);

/* Formats v with thousands separators ("1,234,567"); returns buf. */
char *fr_fmt_count(uint64_t v, char buf[FR_FMT_LEN]);

/* Formats a byte count in binary units ("512 B", "1.5 KiB", "2.0 GiB");
 * returns buf. */
char *fr_fmt_bytes(uint64_t v, char buf[FR_FMT_LEN]);

/* Formats seconds as hours, minutes and seconds ("0s", "4m 5s",
 * "24h 18m 1s"; hours are not folded into days); returns buf. */
char *fr_fmt_hms(uint64_t s, char buf[FR_FMT_LEN]);

/* 1 when a spreadsheet would read text s as a formula: it starts with
 * '=', '+', '-', '@', TAB or CR (OWASP's CSV-injection list). */
int fr_csv_risky(const char *s);

/* Where the inputs came from, as their names tell: each list sorted and
 * distinct, strings owned by the struct. */
typedef struct fr_sources {
    size_t n_accounts, n_regions, n_flow_logs, n_log_groups, n_buckets;
    char **accounts, **regions, **flow_logs, **log_groups, **buckets;
    size_t named; /* inputs whose name gave at least one of these */
} fr_sources;

/* Fills s (zeroed first) from the names of r's inputs and fetch sources:
 * S3 keys (AWSLogs/ACCOUNT/vpcflowlogs/REGION/..., Hive-style
 * aws-account-id=/aws-region=), delivery file names
 * (ACCOUNT_vpcflowlogs_REGION_FLOWLOGID_TIME_HASH.log.gz), s3://BUCKET/ and
 * CloudWatch names "logs:GROUP[:PREFIX*]@...". Returns 0, or -1 when out of
 * memory (s is then cleared). */
int fr_sources_collect(const fr_report *r, fr_sources *s);

/* Frees what s owns and zeroes it; NULL is fine. */
void fr_sources_clear(fr_sources *s);

/* Malformed lines that share one reason. */
typedef struct fr_reason_group {
    const char *reason; /* points into r's inputs */
    uint64_t lines; /* malformed lines with this reason */
    uint64_t files; /* inputs with at least one of them */
    size_t first_input; /* index into r->inputs of the first example */
    uint64_t first_line; /* 0 when no example of it was kept (past the 10 per file) */
} fr_reason_group;

/* Groups the malformed lines of r by reason, most lines first (ties by
 * reason): every line, from each input's reasons[]. For an input without
 * reasons[] (a report built by hand) its kept examples are grouped, and
 * *unkept gets its lines beyond them. Returns 0 with *out malloc'ed (NULL
 * when there is nothing), or -1 when out of memory. */
int fr_reason_groups(const fr_report *r, fr_reason_group **out, size_t *n, uint64_t *unkept);

/* Returns a malloc'ed array of r->n_inputs pointers, each into the path of
 * that input: its shortest tail of '/'-separated parts (the same number of
 * parts for all) that still tells the inputs apart. NULL when out of memory
 * or when there are no inputs. */
const char **fr_short_names(const fr_report *r);

#endif
