/* SPDX-License-Identifier: MIT */
/* test_units: unit tests of the parser, addresses, times, hashing and the
 * gzip reader, with expected values worked out by hand. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "fr_addr.h"
#include "fr_cli.h"
#include "fr_flowlog.h"
#include "fr_hash.h"
#include "fr_reader.h"
#include "fr_report.h"

static int failures, checks;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        checks++;                                                                                  \
        if (!(cond)) {                                                                             \
            failures++;                                                                            \
            fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);                        \
        }                                                                                          \
    } while (0)

static fr_fieldmap map_of(const char *s)
{
    fr_fieldmap m;
    memset(&m, 0, sizeof m);
    char err[128];
    if (fr_fieldmap_parse(&m, s, strlen(s), err, sizeof err) != FR_OK) {
        fprintf(stderr, "bad map %s: %s\n", s, err);
        exit(1);
    }
    return m;
}

static fr_parser P;
static fr_record R;

/* Parses line with map and returns the kind. */
static fr_line_kind parse(const fr_fieldmap *m, const char *line)
{
    return fr_parse_line(&P, m, line, strlen(line), &R);
}

static void test_addr(void)
{
    fr_addr a, b;
    char buf[FR_ADDR_STRLEN];
    CHECK(fr_addr_parse(&a, "10.0.0.1", 8) && a.family == 4 && a.b[0] == 10 && a.b[3] == 1);
    CHECK(!fr_addr_parse(&a, "10.0.0.256", 10));
    CHECK(!fr_addr_parse(&a, "10.0.0", 6));
    CHECK(!fr_addr_parse(&a, "10.0.0.1.2", 10));
    CHECK(!fr_addr_parse(&a, "1..2.3", 6));
    CHECK(!fr_addr_parse(&a, "0010.0.0.1", 10));
    CHECK(!fr_addr_parse(&a, "", 0));
    const char *v6 = "2001:DB8:0:0:0:0:0:1";
    CHECK(fr_addr_parse(&a, v6, strlen(v6)) && a.family == 6);
    CHECK(strcmp(fr_addr_format(&a, buf), "2001:db8::1") == 0);
    const char *v6b = "2001:db8:1234:a102:4d2:cb6c:d02c:1e5c";
    CHECK(fr_addr_parse(&b, v6b, strlen(v6b)));
    CHECK(strcmp(fr_addr_format(&b, buf), v6b) == 0);
    CHECK(!fr_addr_parse(&a, "2001:db8::1::2", 14));
    CHECK(!fr_addr_parse(&a, "fe80::1%eth0", 12));
    /* ordering: IPv4 before IPv6, numeric within a family */
    fr_addr x, y, z;
    fr_addr_parse(&x, "9.0.0.1", 7);
    fr_addr_parse(&y, "10.0.0.1", 8);
    fr_addr_parse(&z, "::1", 3);
    CHECK(fr_addr_cmp(&x, &y) < 0);
    CHECK(fr_addr_cmp(&y, &z) < 0);
    CHECK(fr_addr_cmp(&z, &x) > 0);
    CHECK(fr_addr_cmp(&y, &y) == 0);
}

static void test_numbers_and_times(void)
{
    uint64_t v;
    CHECK(fr_parse_u64("0", 1, &v) && v == 0);
    CHECK(fr_parse_u64("18446744073709551615", 20, &v) && v == UINT64_MAX);
    CHECK(!fr_parse_u64("18446744073709551616", 20, &v));
    CHECK(!fr_parse_u64("12a", 3, &v));
    CHECK(!fr_parse_u64("-1", 2, &v));
    CHECK(!fr_parse_u64("+1", 2, &v));
    CHECK(!fr_parse_u64("", 0, &v));
    int64_t t;
    CHECK(fr_parse_duration("90m", &t) && t == 5400);
    CHECK(fr_parse_duration("24h", &t) && t == 86400);
    CHECK(fr_parse_duration("7d", &t) && t == 604800);
    CHECK(!fr_parse_duration("7", &t));
    CHECK(!fr_parse_duration("h", &t));
    CHECK(!fr_parse_duration("-5m", &t));
    CHECK(!fr_parse_duration("5mm", &t));
    /* 2026-11-26T00:00:00Z = 1795651200 (20418 days since 1970-01-01) */
    CHECK(fr_parse_time("2026-11-26T00:00:00Z", &t) && t == 1795651200);
    CHECK(fr_parse_time("2026-11-26", &t) && t == 1795651200);
    CHECK(fr_parse_time("2026-11-26T13:05Z", &t) && t == 1795651200 + 13 * 3600 + 5 * 60);
    CHECK(fr_parse_time("1418530010", &t) && t == 1418530010);
    CHECK(fr_parse_time("2000-02-29T00:00:00Z", &t) && t == 951782400);
    CHECK(!fr_parse_time("2026-13-01", &t));
    CHECK(!fr_parse_time("2026-11-26T25:00:00Z", &t));
    CHECK(!fr_parse_time("yesterday", &t));
    char buf[32];
    CHECK(strcmp(fr_time_iso(1418530010, buf), "2014-12-14T04:06:50Z") == 0);
    CHECK(strcmp(fr_time_iso(0, buf), "1970-01-01T00:00:00Z") == 0);
    uint64_t sz;
    CHECK(fr_parse_size("512M", &sz) && sz == 512ULL << 20);
    CHECK(fr_parse_size("2GiB", &sz) && sz == 2ULL << 30);
    CHECK(!fr_parse_size("12X", &sz));
}

/* Parses a command line given as a space-separated string. */
static fr_err cli(const char *line, fr_opts *o, char *err, size_t errlen)
{
    static char buf[512];
    char *argv[32];
    int argc = 0;
    snprintf(buf, sizeof buf, "%s", line);
    for (char *t = strtok(buf, " "); t && argc < 31; t = strtok(NULL, " "))
        argv[argc++] = t;
    argv[argc] = NULL;
    return fr_cli_parse(argc, argv, 1795737600 /* 2026-11-27T00:00:00Z */, o, err, errlen);
}

static void test_cli(void)
{
    fr_opts o;
    char err[256];
    CHECK(cli("flowreport --since 24h x", &o, err, sizeof err) == FR_OK);
    CHECK(o.since_set && o.since == 1795651200 && !o.until_set && o.n_inputs == 1);
    CHECK(o.fmt_csv && o.fmt_md && o.fmt_xlsx && o.window == 3600 && o.top_n == 20);
    fr_opts_clear(&o);
    CHECK(cli("flowreport --until 2026-11-26T12:00:00Z --since 90m -f csv,md a b", &o, err,
              sizeof err) == FR_OK);
    CHECK(o.until == 1795651200 + 43200 && o.since == o.until - 5400);
    CHECK(o.fmt_csv && o.fmt_md && !o.fmt_xlsx && o.n_inputs == 2);
    fr_opts_clear(&o);
    CHECK(cli("flowreport --window 15m --top 5 -j 3 --max-memory 64M -o out x", &o, err,
              sizeof err) == FR_OK);
    CHECK(o.window == 900 && o.top_n == 5 && o.threads == 3 && o.max_memory == 64ULL << 20);
    CHECK(strcmp(o.outdir, "out") == 0);
    fr_opts_clear(&o);
    CHECK(cli("flowreport --fields version,interface-id,start x", &o, err, sizeof err) == FR_OK);
    CHECK(o.fields.n == 3 && o.fields.id[2] == FR_F_START);
    fr_opts_clear(&o);
    static const char *bad[] = {
        "flowreport --window 90s x",
        "flowreport --window 2d x",
        "flowreport --top 0 x",
        "flowreport -j 0 x",
        "flowreport -f pdf x",
        "flowreport --since tomorrow x",
        "flowreport --since 2026-11-27 --until 2026-11-26 x",
        "flowreport --bogus x",
        "flowreport --since",
        "flowreport --max-memory 10K x",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        fr_err e = cli(bad[i], &o, err, sizeof err);
        CHECK(e == FR_ERR_USAGE && err[0]);
        fr_opts_clear(&o);
    }
    /* the recorded command line: program by name, shell-quoted arguments */
    char *argv[] = {"/usr/local/bin/flowreport", "-o", "my dir", "it's", NULL};
    CHECK(fr_cli_parse(4, argv, 0, &o, err, sizeof err) == FR_OK);
    CHECK(strcmp(o.command_line, "flowreport -o 'my dir' 'it'\\''s'") == 0);
    fr_opts_clear(&o);
}

static void test_fields(void)
{
    CHECK(fr_field_lookup("version", 7) == FR_F_VERSION);
    CHECK(fr_field_lookup("pkt-dst-aws-service", 19) == FR_F_PKT_DST_AWS_SERVICE);
    CHECK(fr_field_lookup("tgw-pair-attachment-id", 22) == FR_F_TGW_PAIR_ATTACHMENT_ID);
    CHECK(fr_field_lookup("versio", 6) == FR_F_UNKNOWN);
    for (int f = 0; f < FR_F_COUNT; f++) {
        const char *n = fr_field_name((fr_field)f);
        CHECK(n && fr_field_lookup(n, strlen(n)) == (fr_field)f);
    }
    fr_fieldmap m = map_of("${version} ${interface-id} shiny-new-field ${srcaddr}");
    CHECK(m.n == 4 && m.id[0] == FR_F_VERSION && m.id[1] == FR_F_INTERFACE_ID);
    CHECK(m.id[2] == FR_F_UNKNOWN && strcmp(m.unknown[2], "shiny-new-field") == 0);
    CHECK(!m.tgw);
    fr_fieldmap t = map_of("version resource-type account-id tgw-id");
    CHECK(t.tgw);
    fr_fieldmap m2;
    CHECK(fr_fieldmap_copy(&m2, &m) == FR_OK && fr_fieldmap_equal(&m, &m2));
    CHECK(!fr_fieldmap_equal(&m, &t));
    fr_fieldmap_clear(&m);
    fr_fieldmap_clear(&m2);
    fr_fieldmap_clear(&t);
    CHECK(fr_line_is_header("version account-id interface-id", 31));
    CHECK(fr_line_is_header("instance-id interface-id srcaddr", 32));
    CHECK(!fr_line_is_header("bogus line", 10));
    CHECK(!fr_line_is_header("2 123 eni-1", 11));
    CHECK(!fr_line_is_header("Phony unsupported log format.", 29));
    char err[64];
    fr_fieldmap e;
    memset(&e, 0, sizeof e);
    CHECK(fr_fieldmap_parse(&e, "   ", 3, err, sizeof err) == FR_ERR_USAGE);
}

static void test_parse_default(void)
{
    fr_fieldmap m = map_of(FR_DEFAULT_FORMAT);
    CHECK(parse(&m,
                "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 "
                "20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK") == FR_LINE_RECORD);
    CHECK(R.srcport == 20641 && R.dstport == 22 && R.protocol == 6);
    CHECK(R.packets == 20 && R.bytes == 4249);
    CHECK(R.start == 1418530010 && R.end == 1418530070);
    CHECK(R.action == FR_ACTION_ACCEPT && R.status == FR_STATUS_OK);
    CHECK(R.iface_len == 21 && memcmp(R.iface, "eni-1235b8ca123456789", 21) == 0);
    CHECK(R.account_len == 12);
    CHECK((R.has & (FR_HAS_SRCADDR | FR_HAS_DSTADDR)) == (FR_HAS_SRCADDR | FR_HAS_DSTADDR));

    CHECK(parse(&m,
                "2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 "
                "1431280934 - NODATA") == FR_LINE_RECORD);
    CHECK(R.status == FR_STATUS_NODATA && R.action == FR_ACTION_NONE);
    CHECK(!(R.has & (FR_HAS_SRCADDR | FR_HAS_PACKETS | FR_HAS_BYTES | FR_HAS_PROTOCOL)));
    CHECK(parse(&m, "2 123456789010 eni-1 - - - - - - - 1431280876 1431280934 - SKIPDATA") ==
              FR_LINE_RECORD &&
          R.status == FR_STATUS_SKIPDATA);

    /* whitespace runs, tabs, CR */
    CHECK(parse(&m, "2  1 eni-1\t10.0.0.1 10.0.0.2 1 2 17 1 1 100 160 REJECT OK\r") ==
              FR_LINE_RECORD &&
          R.action == FR_ACTION_REJECT && R.protocol == 17);
    /* milliseconds */
    CHECK(parse(&m, "2 1 eni-1 - - - - - - - 1512564058000 1512564059000 - SKIPDATA") ==
              FR_LINE_RECORD &&
          R.start == 1512564058 && R.end == 1512564059);
    /* IPv6 */
    CHECK(parse(&m, "2 1 eni-1 2001:db8::1 2001:db8::2 5 6 6 1 1 100 160 ACCEPT OK") ==
              FR_LINE_RECORD &&
          R.src.family == 6);
    /* blank */
    CHECK(parse(&m, "") == FR_LINE_BLANK);
    CHECK(parse(&m, " \t ") == FR_LINE_BLANK);
    /* header */
    CHECK(parse(&m, FR_DEFAULT_FORMAT) == FR_LINE_HEADER);

    struct {
        const char *line, *reason;
    } bad[] = {
        {"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 100 160 ACCEPT", "expected 14 fields, got 13"},
        {"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 100 160 ACCEPT OK x", "expected 14 fields, got 15"},
        {"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1x 100 160 ACCEPT OK", "bad number in bytes"},
        {"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 -5 1 100 160 ACCEPT OK", "bad number in packets"},
        {"2 1 eni-1 10.0.0.300 10.0.0.2 1 2 6 1 1 100 160 ACCEPT OK", "bad address in srcaddr"},
        {"2 1 eni-1 10.0.0.1 nope 1 2 6 1 1 100 160 ACCEPT OK", "bad address in dstaddr"},
        {"2 1 eni-1 10.0.0.1 10.0.0.2 1 70000 6 1 1 100 160 ACCEPT OK",
         "value out of range in dstport"},
        {"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 256 1 1 100 160 ACCEPT OK",
         "value out of range in protocol"},
        {"256 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 100 160 ACCEPT OK",
         "value out of range in version"},
        {"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 100 160 accept OK", "bad value in action"},
        {"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 100 160 ACCEPT FINE", "bad value in log-status"},
        {"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 160 100 ACCEPT OK", "end before start"},
        {"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 164000066 1640000066 ACCEPT OK",
         "implausible duration"},
        {"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 9223372036854775808 100 160 ACCEPT OK",
         "value out of range in bytes"},
        {"bogus line", "expected 14 fields, got 2"},
        {"{not json", "bad JSON"},
        {"{\"msg\":\"x\"}", "JSON line without a \"message\" string"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        fr_line_kind k = parse(&m, bad[i].line);
        CHECK(k == FR_LINE_MALFORMED);
        if (k == FR_LINE_MALFORMED && strcmp(P.reason, bad[i].reason) != 0) {
            failures++;
            fprintf(stderr, "FAIL reason for '%s': got '%s', want '%s'\n", bad[i].line, P.reason,
                    bad[i].reason);
        }
    }
    /* a NUL byte inside an interface or account id (binary garbage) */
    {
        static const char nul_line[] = "2 1 eni-1\0x 10.0.0.1 10.0.0.2 1 2 6 1 1 100 160 ACCEPT OK";
        CHECK(fr_parse_line(&P, &m, nul_line, sizeof nul_line - 1, &R) == FR_LINE_MALFORMED &&
              strcmp(P.reason, "NUL byte in interface-id") == 0);
    }
    /* CloudWatch export prefix and JSON message wrapper */
    CHECK(parse(&m,
                "2015-05-10T18:01:16.000Z 2 1 eni-1 - - - - - - - 1431280876 1431280934 - "
                "NODATA") == FR_LINE_RECORD &&
          R.start == 1431280876);
    CHECK(parse(&m,
                "2015-05-10T18:01:16Z 2 1 eni-1 - - - - - - - 1431280876 1431280934 - "
                "NODATA") == FR_LINE_RECORD);
    CHECK(parse(&m, "{\"message\":\"2 1 eni-9 - - - - - - - 1431280876 1431280934 - NODATA\"}") ==
              FR_LINE_RECORD &&
          R.iface_len == 5 && memcmp(R.iface, "eni-9", 5) == 0);
    fr_fieldmap_clear(&m);
}

static void test_parse_custom(void)
{
    fr_fieldmap m = map_of("account-id bytes dstaddr dstport end instance-id packets "
                           "pkt-dstaddr pkt-srcaddr protocol srcaddr srcport start subnet-id "
                           "tcp-flags type version vpc-id");
    CHECK(parse(&m,
                "000000000000 6392 172.18.160.93 47460 1568300425 i-06f9249b 10 "
                "172.18.160.93 192.168.0.1 6 172.18.160.68 443 1568300367 subnet-089e7569 "
                "19 IPv4 3 vpc-0461a061") == FR_LINE_RECORD);
    CHECK(R.bytes == 6392 && R.dstport == 47460 && R.srcport == 443 && R.start == 1568300367);
    CHECK(R.status == FR_STATUS_NONE && R.action == FR_ACTION_NONE);
    CHECK(parse(&m,
                "000000000000 6392 172.18.160.93 47460 1568300425 i-06f9249b 10 "
                "172.18.160.93 bad 6 172.18.160.68 443 1568300367 subnet-089e7569 "
                "19 IPv4 3 vpc-0461a061") == FR_LINE_MALFORMED);
    CHECK(strcmp(P.reason, "bad address in pkt-srcaddr") == 0);
    CHECK(parse(&m,
                "000000000000 6392 172.18.160.93 47460 1568300425 i-06f9249b 10 "
                "172.18.160.93 192.168.0.1 6 172.18.160.68 443 1568300367 subnet-089e7569 "
                "300 IPv4 3 vpc-0461a061") == FR_LINE_MALFORMED);
    CHECK(strcmp(P.reason, "value out of range in tcp-flags") == 0);
    fr_fieldmap_clear(&m);
    fr_fieldmap d = map_of("flow-direction traffic-path something-new");
    CHECK(parse(&d, "ingress - whatever") == FR_LINE_RECORD);
    CHECK(parse(&d, "sideways 1 x") == FR_LINE_MALFORMED &&
          strcmp(P.reason, "bad value in flow-direction") == 0);
    CHECK(parse(&d, "egress 9x x") == FR_LINE_MALFORMED &&
          strcmp(P.reason, "bad number in traffic-path") == 0);
    fr_fieldmap_clear(&d);
}

/* Compares two parsed records field by field. */
static int same_record(const fr_record *a, const fr_record *b)
{
    if (a->has != b->has || a->action != b->action || a->status != b->status)
        return 0;
    if ((a->has & FR_HAS_SRCPORT) && a->srcport != b->srcport)
        return 0;
    if ((a->has & FR_HAS_DSTPORT) && a->dstport != b->dstport)
        return 0;
    if ((a->has & FR_HAS_PROTOCOL) && a->protocol != b->protocol)
        return 0;
    if (a->packets != b->packets || a->bytes != b->bytes)
        return 0;
    if ((a->has & FR_HAS_START) && a->start != b->start)
        return 0;
    if ((a->has & FR_HAS_END) && a->end != b->end)
        return 0;
    if ((a->has & FR_HAS_SRCADDR) && fr_addr_cmp(&a->src, &b->src))
        return 0;
    if ((a->has & FR_HAS_DSTADDR) && fr_addr_cmp(&a->dst, &b->dst))
        return 0;
    if ((a->has & FR_HAS_IFACE) &&
        (a->iface_len != b->iface_len || memcmp(a->iface, b->iface, a->iface_len)))
        return 0;
    if ((a->has & FR_HAS_ACCOUNT) &&
        (a->account_len != b->account_len || memcmp(a->account, b->account, a->account_len)))
        return 0;
    if (a->ncols != b->ncols)
        return 0;
    for (int c = 0; c < a->ncols; c++)
        if (a->toklen[c] != b->toklen[c] || memcmp(a->tok[c], b->tok[c], a->toklen[c]))
            return 0;
    return 1;
}

/* The default format's fast path against the general parser: the same kind
 * and the same record for many mutated lines. */
static void test_fast_path(void)
{
    fr_fieldmap fast = map_of(FR_DEFAULT_FORMAT), slow = map_of(FR_DEFAULT_FORMAT);
    CHECK(fast.is_default);
    slow.is_default = 0;
    static const char *seeds[] = {
        "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 "
        "1418530010 1418530070 ACCEPT OK",
        "2 123456789010 eni-1 - - - - - - - 1431280876 1431280934 - NODATA",
        "2 1 eni-1 2001:db8::1 2001:db8::2 5 6 6 1 1 1512564058000 1512564059000 REJECT OK",
    };
    static const char alphabet[] = "0123456789 \t-.:abfACEPTROKNDSX9";
    uint64_t rng = 88172645463325252ULL;
    fr_parser p2;
    fr_parser_init(&p2);
    int mismatches = 0, records = 0;
    for (int iter = 0; iter < 60000; iter++) {
        char line[256];
        const char *seed = seeds[iter % 3];
        size_t n = strlen(seed);
        memcpy(line, seed, n);
        int edits = 1 + iter % 3;
        for (int e = 0; e < edits; e++) {
            rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
            size_t pos = (size_t)(rng % n);
            char ch = alphabet[(rng >> 20) % (sizeof alphabet - 1)];
            switch ((rng >> 40) % 3) {
            case 0: line[pos] = ch; break;
            case 1:
                if (n < sizeof line - 1) {
                    memmove(line + pos + 1, line + pos, n - pos);
                    line[pos] = ch;
                    n++;
                }
                break;
            default:
                if (n > 1) {
                    memmove(line + pos, line + pos + 1, n - pos - 1);
                    n--;
                }
                break;
            }
        }
        fr_record a, b;
        fr_line_kind ka = fr_parse_line(&P, &fast, line, n, &a);
        fr_line_kind kb = fr_parse_line(&p2, &slow, line, n, &b);
        if (ka != kb || (ka == FR_LINE_RECORD && !same_record(&a, &b)) ||
            (ka == FR_LINE_MALFORMED && strcmp(P.reason, p2.reason) != 0)) {
            if (mismatches++ < 5)
                fprintf(stderr, "FAIL fast path differs on '%.*s'\n", (int)n, line);
        }
        records += ka == FR_LINE_RECORD;
    }
    CHECK(mismatches == 0);
    CHECK(records > 1000); /* the mutations leave enough valid records */
    fr_parser_clear(&p2);
    fr_fieldmap_clear(&fast);
    fr_fieldmap_clear(&slow);
}

static void test_hash(void)
{
    fr_ktab t;
    CHECK(fr_ktab_init(&t, 12, 8) == -1);
    CHECK(fr_ktab_init(&t, 8, 8) == 0);
    for (uint64_t i = 0; i < 10000; i++) {
        int c;
        uint64_t *v = fr_ktab_upsert(&t, &i, fr_ktab_hash(&t, &i), &c);
        CHECK(v && c);
        *v = i * 3;
    }
    int ok = t.count == 10000;
    for (uint64_t i = 0; i < 10000; i++) {
        uint64_t *v = fr_ktab_find(&t, &i, fr_ktab_hash(&t, &i));
        ok &= v && *v == i * 3;
    }
    uint64_t missing = 12345678;
    CHECK(ok && !fr_ktab_find(&t, &missing, fr_ktab_hash(&t, &missing)));
    fr_ktab_clear(&t);
    fr_strtab s;
    CHECK(fr_strtab_init(&s) == 0);
    int c;
    CHECK(fr_strtab_intern(&s, "eni-a", 5, &c) == 0 && c);
    CHECK(fr_strtab_intern(&s, "eni-b", 5, &c) == 1 && c);
    CHECK(fr_strtab_intern(&s, "eni-a", 5, &c) == 0 && !c);
    fr_strtab_clear(&s);
}

/* Writes a file; returns 0 on success. */
static int write_file(const char *path, const void *data, size_t len)
{
    FILE *fp = fopen(path, "wb");
    if (!fp)
        return -1;
    int ok = fwrite(data, 1, len, fp) == len;
    return (fclose(fp) == 0 && ok) ? 0 : -1;
}

/* gzip-compresses src into dst (cap bytes). Returns the length. */
static size_t gz(const char *src, uint8_t *dst, size_t cap)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    deflateInit2(&z, 6, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY);
    z.next_in = (Bytef *)src;
    z.avail_in = (uInt)strlen(src);
    z.next_out = dst;
    z.avail_out = (uInt)cap;
    deflate(&z, Z_FINISH);
    size_t n = z.total_out;
    deflateEnd(&z);
    return n;
}

/* Reads the whole text of path into buf; returns the error code. */
static fr_err read_all(const char *path, char *buf, size_t cap, size_t *len, char *msg)
{
    fr_err e;
    char err[512];
    fr_reader *r = fr_reader_text(fr_reader_open_file(path, &e, err, sizeof err));
    *len = 0;
    if (!r)
        return FR_ERR_OPEN;
    for (;;) {
        size_t got;
        e = fr_reader_read(r, (uint8_t *)buf + *len, cap - *len, &got);
        if (e != FR_OK) {
            snprintf(msg, 512, "%s", fr_reader_errmsg(r));
            break;
        }
        if (got == 0)
            break;
        *len += got;
    }
    fr_reader_free(r);
    return e;
}

static void test_reader(void)
{
    char dir[] = "/tmp/fr-unit-XXXXXX";
    if (!mkdtemp(dir)) {
        CHECK(!"mkdtemp");
        return;
    }
    char path[256], buf[4096], msg[512] = "";
    uint8_t z1[1024], z2[1024];
    size_t n1 = gz("first member\n", z1, sizeof z1);
    size_t n2 = gz("second member\n", z2, sizeof z2);
    uint8_t both[2048];
    memcpy(both, z1, n1);
    memcpy(both + n1, z2, n2);
    size_t len;

    snprintf(path, sizeof path, "%s/multi.gz", dir);
    CHECK(write_file(path, both, n1 + n2) == 0);
    CHECK(read_all(path, buf, sizeof buf, &len, msg) == FR_OK);
    CHECK(len == 27 && memcmp(buf, "first member\nsecond member\n", 27) == 0);

    snprintf(path, sizeof path, "%s/plain.log", dir);
    CHECK(write_file(path, "plain text\n", 11) == 0);
    CHECK(read_all(path, buf, sizeof buf, &len, msg) == FR_OK && len == 11);

    snprintf(path, sizeof path, "%s/trunc.gz", dir);
    CHECK(write_file(path, both, n1 + n2 - 6) == 0);
    CHECK(read_all(path, buf, sizeof buf, &len, msg) == FR_ERR_GZIP);
    CHECK(len >= 13 && memcmp(buf, "first member\n", 13) == 0);
    CHECK(strstr(msg, "uncompressed offset") != NULL);

    snprintf(path, sizeof path, "%s/crc.gz", dir);
    both[n1 - 5] ^= 0xff; /* first member's CRC */
    CHECK(write_file(path, both, n1 + n2) == 0);
    CHECK(read_all(path, buf, sizeof buf, &len, msg) == FR_ERR_GZIP);
    both[n1 - 5] ^= 0xff;

    snprintf(path, sizeof path, "%s/garbage.gz", dir);
    memcpy(both + n1, "garbage!", 8);
    CHECK(write_file(path, both, n1 + 8) == 0);
    CHECK(read_all(path, buf, sizeof buf, &len, msg) == FR_ERR_GZIP);
    CHECK(len == 13 && strstr(msg, "trailing data") != NULL);

    snprintf(path, sizeof path, "%s/missing.gz", dir);
    fr_err e;
    char err[256];
    CHECK(fr_reader_open_file(path, &e, err, sizeof err) == NULL && e == FR_ERR_OPEN);

    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "warning: could not remove %s\n", dir);
}

int main(void)
{
    fr_parser_init(&P);
    test_addr();
    test_numbers_and_times();
    test_cli();
    test_fields();
    test_parse_default();
    test_parse_custom();
    test_fast_path();
    test_hash();
    test_reader();
    fr_parser_clear(&P);
    printf("%d checks, %d failed\n", checks, failures);
    return failures ? 1 : 0;
}
