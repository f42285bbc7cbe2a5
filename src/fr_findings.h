/* SPDX-License-Identifier: MIT */
/* fr_findings: the audit rules (SEMANTICS.md "Findings"). Workers count what
 * the rules need into an fr_fcount (merged like fr_agg); once the report's
 * windows, interfaces and coverage exist, fr_fcount_report() turns the
 * counts and the coverage into r->findings, one row per (rule, subject). */
#ifndef FR_FINDINGS_H
#define FR_FINDINGS_H

#include <stddef.h>
#include <stdint.h>

#include "fr_addr.h"
#include "fr_error.h"
#include "fr_flowlog.h"
#include "fr_report.h"
#include "fr_sbuf.h"

/* Default --silent-gap: 20 minutes. */
#define FR_SILENT_GAP 1200
/* Default --admin-ports. */
#define FR_ADMIN_PORTS "22,23,3389,5900,445,3306,5432,1433,6379,9200,27017,2375,2379"

/* An address block: the first `bits` bits of net. */
typedef struct fr_cidr {
    fr_addr net;
    int bits;
} fr_cidr;

/* The rules' options (fr_audit_opts_default sets the documented defaults). */
typedef struct fr_audit_opts {
    int64_t silent_gap; /* seconds: longer stretches without records are silent */
    uint8_t admin_ports[8192]; /* bitmap of --admin-ports */
    uint64_t egress_threshold; /* bytes; more is an egress-volume finding */
    uint64_t scan_ports, sweep_hosts; /* distinct counts that make a finding */
    uint64_t spike_factor, spike_min; /* reject-spike: factor and records over the median */
    const fr_cidr *vpc_cidrs; /* --vpc-cidr blocks that count as internal */
    size_t n_vpc_cidrs;
    size_t distinct_budget; /* distinct pairs kept exactly (0: no limit) */
} fr_audit_opts;

/* Sets o to the defaults (20m, FR_ADMIN_PORTS, 1G, 100, 50, 5, 1000). */
void fr_audit_opts_default(fr_audit_opts *o);

/* Parses a comma-separated port list ("22,3389") into a cleared bitmap.
 * Returns 1, or 0 on a bad list. */
int fr_audit_parse_ports(const char *s, uint8_t bitmap[8192]);

/* Parses "10.0.0.0/16" or "fd00::/8". Returns 1, or 0 on bad text. */
int fr_cidr_parse(fr_cidr *c, const char *s);

/* 1 when a is in c. */
int fr_cidr_contains(const fr_cidr *c, const fr_addr *a);

/* 1 when a is internal: RFC 1918, RFC 6598, loopback, link-local, ULA, or
 * inside one of o's --vpc-cidr blocks (o may be NULL). The documentation
 * ranges (RFC 5737, RFC 3849) are public. */
int fr_addr_is_internal(const fr_addr *a, const fr_audit_opts *o);

/* Bytes one distinct pair costs, at most. */
#define FR_DISTINCT_BYTES_PER_KEY 128

typedef struct fr_fcount fr_fcount;

/* Returns empty counters for o (kept by pointer: o must outlive them), or
 * NULL. */
fr_fcount *fr_fcount_new(const fr_audit_opts *o);

/* Frees c; NULL is fine. */
void fr_fcount_free(fr_fcount *c);

/* Counts one record in the period with log status `status` (FR_STATUS_*),
 * of interface iface[0..len) ("" when it has none). Returns 0 or -1
 * (memory). */
int fr_fcount_add(fr_fcount *c, const fr_record *rec, int status, const char *iface, size_t len);

/* Adds src into dst. Returns 0 or -1 (memory). */
int fr_fcount_merge(fr_fcount *dst, const fr_fcount *src);

/* Writes c in the state encoding (doc/STATE.md, section "findings"), in a
 * fixed order. Returns FR_OK or FR_ERR_NOMEM. */
fr_err fr_fcount_save(const fr_fcount *c, fr_swriter *w, uint64_t limit);

/* Adds counters saved by fr_fcount_save into c, straight from the reader
 * (as fr_fcount_merge would). Returns FR_OK, FR_ERR_NOMEM, or
 * FR_ERR_FORMAT with the reader's error; c then holds part of the state and
 * must not be reported. */
fr_err fr_fcount_load(fr_fcount *c, fr_sreader *r);

/* Builds r->findings from c and r's windows, interfaces, gaps and coverage.
 * Returns FR_OK or FR_ERR_NOMEM. */
fr_err fr_fcount_report(fr_fcount *c, fr_report *r, char *errbuf, size_t errlen);

/* The highest severity among r's findings, or 0 when there are none. */
int fr_findings_max_severity(const fr_report *r);

/* Parses "low", "medium" or "high". Returns the severity, or 0. */
int fr_severity_parse(const char *s);

#endif
