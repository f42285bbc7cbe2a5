/* SPDX-License-Identifier: MIT */
/* xlsx_demo: builds a report model by hand and writes it with fr_write_csv,
 * fr_write_xlsx and fr_write_md, so the writers can be checked (check_xlsx.py)
 * and looked at (check_soffice.sh) without the parser, the reducer or the
 * downloader.
 *
 *   xlsx_demo [small|empty|edge|big N] OUTDIR
 *
 * small: a few windows, interfaces, gaps, IPv4/IPv6 talkers and inputs,
 * two of them fetched (S3 with an ETag, a CloudWatch Logs slice) with their
 * two Fetch rows, one of which failed;
 * empty: no records at all; edge: awkward text and numbers (bad UTF-8,
 * control characters, over-long text, times Excel cannot hold, counts above
 * 2^53); big N: N rows in every table (windows at most 1,000,000), to check
 * memory use and continuation sheets (Fetch too). Exit status 0, or 1 with
 * a message. */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fr_output.h"
#include "fr_report.h"
#include "fr_writers.h"

#define T0 INT64_C(1795651200) /* 2026-11-26T00:00:00Z */

/* Owns every allocation the demo makes, freed at exit. */
typedef struct demo {
    fr_report r;
    void *blocks[64];
    int nblocks;
    int oom;
} demo;

/* Returns zeroed memory owned by d, or NULL (d->oom set). */
static void *demo_alloc(demo *d, size_t n, size_t size)
{
    void *p;

    if (d->nblocks == (int)(sizeof d->blocks / sizeof d->blocks[0]) ||
        !(p = calloc(n ? n : 1, size))) {
        d->oom = 1;
        return NULL;
    }
    d->blocks[d->nblocks++] = p;
    return p;
}

/* Returns a copy of s owned by d, or NULL (d->oom set). */
static char *demo_str(demo *d, const char *s)
{
    char *p = demo_alloc(d, strlen(s) + 1, 1);

    if (p)
        memcpy(p, s, strlen(s) + 1);
    return p;
}

/* Returns address text s parsed with inet_pton; family 0 when bad. */
static fr_addr demo_addr(const char *s)
{
    fr_addr a;

    memset(&a, 0, sizeof a);
    if (inet_pton(AF_INET, s, a.b) == 1)
        a.family = 4;
    else if (inet_pton(AF_INET6, s, a.b) == 1)
        a.family = 6;
    return a;
}

/* Fills window i of d with made-up but consistent counters. */
static void demo_window(demo *d, size_t i, int64_t start, int64_t len, uint64_t seed)
{
    fr_window_row *w = &d->r.windows[i];
    uint64_t k = seed * 2654435761u % 1000;

    w->start = start;
    w->end = start + len;
    w->ok_records = 1000 + k * 13;
    w->nodata_records = k % 7;
    w->skipdata_records = k % 5 == 0 ? 1 : 0;
    w->records = w->ok_records + w->nodata_records + w->skipdata_records;
    w->reject_records = 20 + (k * 7) % 90;
    w->accept_records = w->ok_records - w->reject_records;
    w->accept_bytes = (w->accept_records * 48271u % 100000u) * 9973u + k * 1234567u;
    w->reject_bytes = w->reject_records * 60;
    w->bytes = w->accept_bytes + w->reject_bytes;
    w->packets = w->bytes / 800 + w->ok_records;
    w->interfaces = 2 + k % 3;
}

/* Sums windows, interfaces and gaps into d->r.totals. */
static void demo_totals(demo *d)
{
    fr_report *r = &d->r;
    fr_totals *t = &r->totals;

    for (size_t i = 0; i < r->n_windows; i++) {
        const fr_window_row *w = &r->windows[i];
        t->records += w->records;
        t->ok_records += w->ok_records;
        t->accept_records += w->accept_records;
        t->reject_records += w->reject_records;
        t->nodata_records += w->nodata_records;
        t->skipdata_records += w->skipdata_records;
        t->packets += w->packets;
        t->bytes += w->bytes;
        t->accept_bytes += w->accept_bytes;
        t->reject_bytes += w->reject_bytes;
    }
    t->interfaces = r->n_ifaces;
    for (size_t i = 0; i < r->n_gaps; i++) {
        const fr_gap_row *g = &r->gaps[i];
        if (g->kind == FR_GAP_NODATA) {
            t->nodata_gaps++;
            t->nodata_gap_seconds += (uint64_t)(g->end - g->start);
        } else {
            t->skipdata_gaps++;
            t->skipdata_gap_seconds += (uint64_t)(g->end - g->start);
        }
    }
    if (!fr_report_sum_inputs(r)) {
        fprintf(stderr, "xlsx_demo: cannot sum the inputs\n");
        exit(1);
    }
}

/* Builds the "small" report: six hourly windows and a little of everything. */
static void demo_small(demo *d)
{
    static const char *const ifs[][2] = {
        {"eni-01a2b3c4d5e6f7a8b", "123456789012"},
        {"eni-0c0ffee0ddba11000", "123456789012"},
        {"eni-0deadbeef00000042", "210987654321"},
        {"eni-0feedface0000001", ""},
    };
    static const char *const talk[][2] = {
        {"10.0.1.15", "10.0.2.20"},
        {"10.0.1.15", "52.94.133.131"},
        {"2001:db8::1", "2001:db8:0:1::20"},
        {"172.31.5.9", "10.0.2.20"},
        {"fe80::1ff:fe23:4567:890a", "2001:db8::1"},
    };
    static const char *const rej[] = {"198.51.100.77", "203.0.113.9", "2001:db8:bad::66"};
    fr_report *r = &d->r;
    char *gz, *js, *bad;

    r->version = demo_str(d, "0.1.0-demo");
    r->command_line = demo_str(d, "flowreport -f csv,md,xlsx -o out --window 1h logs/");
    for (int i = 0; i < 32; i++)
        r->inputs_sha256[i] = (uint8_t)(0xa0 + i);
    r->period_start = T0;
    r->period_end = T0 + 6 * 3600;
    r->window = 3600;
    r->top_n = 20;

    r->n_windows = 6;
    r->windows = demo_alloc(d, r->n_windows, sizeof *r->windows);
    r->n_ifaces = 4;
    r->ifaces = demo_alloc(d, r->n_ifaces, sizeof *r->ifaces);
    r->n_gaps = 5;
    r->gaps = demo_alloc(d, r->n_gaps, sizeof *r->gaps);
    r->n_talkers = 5;
    r->talkers = demo_alloc(d, r->n_talkers, sizeof *r->talkers);
    r->n_rejected = 3;
    r->rejected = demo_alloc(d, r->n_rejected, sizeof *r->rejected);
    r->n_ports = 4;
    r->ports = demo_alloc(d, r->n_ports, sizeof *r->ports);
    r->n_inputs = 5;
    r->inputs = demo_alloc(d, r->n_inputs, sizeof *r->inputs);
    r->n_fetch = 2;
    r->fetch = demo_alloc(d, r->n_fetch, sizeof *r->fetch);
    r->n_unknown_fields = 1;
    r->unknown_fields = demo_alloc(d, 1, sizeof *r->unknown_fields);
    if (d->oom)
        return;
    r->unknown_fields[0] = demo_str(d, "x-team-tag");

    for (size_t i = 0; i < r->n_windows; i++)
        demo_window(d, i, T0 + (int64_t)i * 3600, 3600, i + 1);
    for (size_t i = 0; i < r->n_ifaces; i++) {
        fr_iface_row *f = &r->ifaces[i];
        f->interface_id = demo_str(d, ifs[i][0]);
        f->account_id = demo_str(d, ifs[i][1]);
        f->first_start = T0 + 60 * (int64_t)i;
        f->last_end = T0 + 6 * 3600 - 5 - 7 * (int64_t)i;
        f->ok_records = 900 + 311 * i;
        f->nodata_records = i;
        f->records = f->ok_records + f->nodata_records;
        f->reject_records = 17 * i + 3;
        f->accept_records = f->ok_records - f->reject_records;
        f->packets = 123456 * (i + 1);
        f->bytes = 98765432 * (i + 1) + i;
    }
    for (size_t i = 0; i < r->n_gaps; i++) {
        fr_gap_row *g = &r->gaps[i];
        /* sorted by interface id, then start, as fr_report says */
        g->interface_id = r->ifaces[i * 3 / r->n_gaps].interface_id;
        g->kind = i == 3 ? FR_GAP_SKIPDATA : FR_GAP_NODATA;
        g->start = T0 + 1800 * (int64_t)(i + 1);
        g->end = g->start + 600 + 120 * (int64_t)i;
        g->records = 1 + i;
    }
    for (size_t i = 0; i < r->n_talkers; i++) {
        fr_talker_row *t = &r->talkers[i];
        t->src = demo_addr(talk[i][0]);
        t->dst = demo_addr(talk[i][1]);
        t->records = 400 - 50 * i;
        t->packets = 90000 - 9000 * i;
        t->bytes = UINT64_C(7300000000) / (i + 1);
    }
    for (size_t i = 0; i < r->n_rejected; i++) {
        fr_rejected_row *t = &r->rejected[i];
        t->src = demo_addr(rej[i]);
        t->records = 120 - 30 * i;
        t->packets = t->records;
        t->bytes = t->records * 60;
    }
    {
        static const uint8_t proto[] = {6, 17, 6, 1};
        static const uint16_t port[] = {443, 53, 22, 0};
        for (size_t i = 0; i < r->n_ports; i++) {
            fr_port_row *p = &r->ports[i];
            p->protocol = proto[i];
            p->dstport = port[i];
            p->records = 5000 / (i + 1);
            p->reject_records = i == 2 ? 150 : 2 * i;
            p->accept_records = p->records - p->reject_records;
            p->packets = 80000 / (i + 1);
            p->bytes = UINT64_C(5100000000) / (i + 1);
        }
    }
    gz = demo_str(d,
                  "logs/2026/11/26/"
                  "123456789012_vpcflowlogs_eu-west-1_fl-0a1b2c3d_20261126T0000Z_1a2b3c4d.log.gz");
    js = demo_str(d, "logs/cloudwatch/filter-log-events-2026-11-26.json");
    bad = demo_str(d,
                   "logs/2026/11/26/"
                   "123456789012_vpcflowlogs_eu-west-1_fl-0a1b2c3d_20261126T0500Z_deadbeef.log.gz");
    if (d->oom)
        return;
    r->inputs[0] = (fr_input_row){.path = gz,
                                  .size = 1843200,
                                  .text_bytes = 9437184,
                                  .compressed = 1,
                                  .lines = 61234,
                                  .records = 61001,
                                  .malformed = 2,
                                  .excluded = 120,
                                  .header_lines = 1,
                                  .first_start = T0 + 3,
                                  .last_start = T0 + 5 * 3600 - 2};
    r->inputs[1] = (fr_input_row){.path = js,
                                  .size = 402112,
                                  .text_bytes = 402112,
                                  .line_unit_event = 1,
                                  .lines = 1500,
                                  .records = 1500,
                                  .first_start = T0 + 17,
                                  .last_start = T0 + 6 * 3600 - 1};
    r->inputs[2] = (fr_input_row){.path = bad,
                                  .size = 65536,
                                  .text_bytes = 230000,
                                  .compressed = 1,
                                  .status = FR_INPUT_DAMAGED,
                                  .lines = 2100,
                                  .records = 2099,
                                  .malformed = 1,
                                  .first_start = T0 + 5 * 3600,
                                  .last_start = T0 + 5 * 3600 + 1700};
    r->inputs[2].error =
        demo_str(d, "damaged gzip data at uncompressed offset 230000 (unexpected end of file)");
    /* fetched: paths sort after the local ones ('/' < ':' < 's') */
    r->inputs[3] =
        (fr_input_row){.path = demo_str(d, "logs:/aws/vpc/flow-logs@2026-11-26T00:00:00Z"),
                       .size = 812345,
                       .text_bytes = 812345,
                       .line_unit_event = 1,
                       .lines = 3000,
                       .records = 3000,
                       .first_start = T0 + 2,
                       .last_start = T0 + 3600 - 9};
    r->inputs[4] = (fr_input_row){
        .path = demo_str(d,
                         "s3://flow-bucket/AWSLogs/123456789012/vpcflowlogs/eu-west-1/2026/11/26/"
                         "123456789012_vpcflowlogs_eu-west-1_fl-0a1b2c3d_20261126T0100Z_"
                         "9f8e7d6c.log.gz"),
        .etag = demo_str(d, "\"3858f62230ac3c915f300c664312c11f-2\""),
        .size = 1048576,
        .text_bytes = 5242880,
        .compressed = 1,
        .lines = 40001,
        .records = 40000,
        .header_lines = 1,
        .first_start = T0 + 3600,
        .last_start = T0 + 2 * 3600 - 1};
    r->fetch[0] = (fr_fetch_row){
        .source = demo_str(d, "s3://flow-bucket/AWSLogs/123456789012/vpcflowlogs/eu-west-1/"),
        .kind = demo_str(d, "s3"),
        .requests = 296,
        .retries = 7,
        .throttles = 3,
        .pages = 1,
        .listed = 290,
        .read = 287,
        .failed = 1,
        .skipped = 2,
        .bytes = UINT64_C(301989888),
        .error = demo_str(d,
                          "GetObject s3://flow-bucket/AWSLogs/123456789012/vpcflowlogs/"
                          "eu-west-1/2026/11/26/x.log.gz: HTTP 503 SlowDown after 5 tries")};
    r->fetch[1] = (fr_fetch_row){.source = demo_str(d, "logs:/aws/vpc/flow-logs"),
                                 .kind = demo_str(d, "cloudwatch-logs"),
                                 .requests = 31,
                                 .pages = 31,
                                 .listed = 24,
                                 .read = 24,
                                 .events = 72000,
                                 .bytes = 19922944};
    for (size_t i = 0; i < r->n_inputs; i++) {
        for (int k = 0; k < 32; k++)
            r->inputs[i].sha256[k] = (uint8_t)(k * 7 + i * 31);
    }
    r->talkers_info.distinct_keys = 1834;
    r->rejected_info.distinct_keys = 3;
    r->ports_info.approximate = 1;
    r->ports_info.error_bound = 4096;
    demo_totals(d);
    r->totals.header_lines = 1;
}

/* Builds the "edge" report: text and numbers that need care. */
static void demo_edge(demo *d)
{
    fr_report *r = &d->r;
    char *huge;
    size_t n = 40000;

    demo_small(d);
    if (d->oom)
        return;
    /* bad UTF-8, a truncated sequence, control characters, quotes, commas */
    r->ifaces[3].interface_id = demo_str(d, "eni-\xff\xfe-caf\xc3\xa9-\xe2\x82-\x01\x7f-\"q\",c");
    r->ifaces[2].account_id = demo_str(d, "0012");
    if (!(huge = demo_alloc(d, n + 1, 1)))
        return;
    for (size_t i = 0; i < n; i++)
        huge[i] = (char)('a' + i % 26);
    r->inputs[1].path = huge;
    r->inputs[2].error = demo_str(d, "line 1\nline 2\ttabbed \xe2\x9c\x93");
    r->inputs[4].etag = demo_str(d, "\"a,b\"\"c|d\xff\"");
    r->fetch[0].source = demo_str(d, "s3://b\xc3\xa9|*_[x]_/pre,fix/\x01");
    r->fetch[1].error = demo_str(d, "throttled:\r\nThrottlingException `x` | y");
    r->fetch[1].events = UINT64_C(18446744073709551615);
    /* beyond Excel's date range, and counters beyond 2^53 */
    r->ifaces[1].last_end = INT64_C(300000000000);
    r->ifaces[0].bytes = UINT64_C(18446744073709551615);
    r->talkers[0].bytes = (UINT64_C(1) << 53) + 1;
    r->windows[0].accept_bytes = (UINT64_C(1) << 53) + 1;
    r->windows[0].bytes = r->windows[0].accept_bytes + r->windows[0].reject_bytes;
    r->command_line = huge;
    memset(&r->totals, 0, sizeof r->totals);
    demo_totals(d);
}

/* Builds the "big" report: n rows per table (windows capped at 1,000,000). */
static void demo_big(demo *d, size_t n)
{
    fr_report *r = &d->r;
    size_t nw = n < 1000000 ? n : 1000000;
    char *ids;

    r->version = demo_str(d, "0.1.0-demo");
    r->command_line = demo_str(d, "flowreport -f xlsx big");
    r->window = 60;
    r->top_n = (unsigned)n;
    r->period_start = T0;
    r->period_end = T0 + (int64_t)nw * 60;
    r->n_windows = nw;
    r->windows = demo_alloc(d, nw, sizeof *r->windows);
    r->n_ifaces = n;
    r->ifaces = demo_alloc(d, n, sizeof *r->ifaces);
    r->n_gaps = n;
    r->gaps = demo_alloc(d, n, sizeof *r->gaps);
    r->n_talkers = n;
    r->talkers = demo_alloc(d, n, sizeof *r->talkers);
    r->n_rejected = n;
    r->rejected = demo_alloc(d, n, sizeof *r->rejected);
    r->n_ports = n < 65536 ? n : 65536;
    r->ports = demo_alloc(d, r->n_ports, sizeof *r->ports);
    r->n_inputs = 2;
    r->inputs = demo_alloc(d, 2, sizeof *r->inputs);
    r->n_fetch = n;
    r->fetch = demo_alloc(d, n, sizeof *r->fetch);
    ids = demo_alloc(d, n, 24);
    if (d->oom)
        return;
    for (size_t i = 0; i < nw; i++)
        demo_window(d, i, T0 + (int64_t)i * 60, 60, i + 1);
    for (size_t i = 0; i < n; i++) {
        fr_iface_row *f = &r->ifaces[i];
        fr_gap_row *g = &r->gaps[i];
        snprintf(ids + 24 * i, 24, "eni-%017zx", i);
        f->interface_id = ids + 24 * i;
        f->account_id = ids + 24 * n - 1; /* "" */
        f->first_start = T0 + (int64_t)(i % 3600);
        f->last_end = f->first_start + 3600;
        f->records = f->ok_records = f->accept_records = i + 1;
        f->packets = 3 * i;
        f->bytes = 1500 * i;
        g->interface_id = f->interface_id;
        g->kind = i & 1 ? FR_GAP_SKIPDATA : FR_GAP_NODATA;
        g->start = f->first_start;
        g->end = g->start + 60;
        g->records = 1;
        r->talkers[i].src.family = 4;
        memcpy(r->talkers[i].src.b, &(uint32_t){(uint32_t)i}, 4);
        r->talkers[i].dst = demo_addr("2001:db8::1");
        r->talkers[i].records = n - i;
        r->talkers[i].bytes = 100 * (n - i);
        r->rejected[i].src = r->talkers[i].src;
        r->rejected[i].records = n - i;
    }
    for (size_t i = 0; i < r->n_ports; i++) {
        r->ports[i].protocol = 6;
        r->ports[i].dstport = (uint16_t)i;
        r->ports[i].records = r->ports[i].accept_records = r->n_ports - i;
    }
    r->inputs[0].path = demo_str(d, "big/a.log");
    r->inputs[1].path = demo_str(d, "big/b.log.gz");
    r->inputs[1].compressed = 1;
    r->inputs[1].etag = demo_str(d, "\"0123456789abcdef0123456789abcdef\"");
    {
        char *src = demo_str(d, "s3://big-bucket/AWSLogs/"), *kind = demo_str(d, "s3");
        for (size_t i = 0; i < n; i++)
            r->fetch[i] = (fr_fetch_row){.source = src,
                                         .kind = kind,
                                         .requests = i + 2,
                                         .pages = 1,
                                         .listed = i,
                                         .read = i,
                                         .bytes = 1000 * i};
    }
    demo_totals(d);
}

int main(int argc, char **argv)
{
    static demo d;
    const char *mode = "small", *dir;
    char errbuf[512] = "";
    fr_output *o = NULL;
    fr_err err = FR_OK;
    int status = 1;

    if (argc == 3 || argc == 4) {
        mode = argv[1];
        dir = argv[argc - 1];
    } else if (argc == 2) {
        dir = argv[1];
    } else {
        fprintf(stderr, "usage: xlsx_demo [small|empty|edge|big N] OUTDIR\n");
        return 2;
    }
    if (!strcmp(mode, "small"))
        demo_small(&d);
    else if (!strcmp(mode, "edge"))
        demo_edge(&d);
    else if (!strcmp(mode, "big") && argc == 4)
        demo_big(&d, (size_t)strtoull(argv[2], NULL, 10));
    else if (strcmp(mode, "empty") != 0) {
        fprintf(stderr, "xlsx_demo: unknown mode %s\n", mode);
        return 2;
    }
    if (!strcmp(mode, "empty")) {
        d.r.version = demo_str(&d, "0.1.0-demo");
        d.r.window = 3600;
        d.r.top_n = 20;
    }
    if (d.oom) {
        fprintf(stderr, "xlsx_demo: out of memory\n");
        goto done;
    }
    if (!(o = fr_output_new(dir, &err, errbuf, sizeof errbuf)) ||
        (err = fr_write_csv(&d.r, o, errbuf, sizeof errbuf)) ||
        (err = fr_write_xlsx(&d.r, o, errbuf, sizeof errbuf)) ||
        (err = fr_write_md(&d.r, o, errbuf, sizeof errbuf)) ||
        (err = fr_output_commit(o, errbuf, sizeof errbuf))) {
        fprintf(stderr, "xlsx_demo: %s (%s)\n", errbuf, fr_strerror(err));
        goto done;
    }
    status = 0;
done:
    fr_output_free(o);
    for (int i = 0; i < d.nblocks; i++)
        free(d.blocks[i]);
    return status;
}
