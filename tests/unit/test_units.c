/* SPDX-License-Identifier: MIT */
/* test_units: unit tests of the parser, addresses, times, hashing and the
 * gzip reader, with expected values worked out by hand. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "fr_addr.h"
#include "fr_bigmem.h"
#include "fr_cli.h"
#include "fr_config.h"
#include "fr_flowlog.h"
#include "fr_hash.h"
#include "fr_jsondoc.h"
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
    /* the direct formatter against gmtime and strftime: the first and last
     * second of days from 1970 to 9999 (leap years, century rules), then
     * random seconds */
    {
        int bad = 0;
        uint64_t x = 88172645463325252ULL;
        int64_t day = 0;
        for (int64_t i = 0; i < 700000 && bad < 5; i++) {
            int64_t tt;
            if (day < 2932897) { /* 1970-2408 every day, then every 37th */
                tt = day * 86400 + (i % 2) * 86399;
                if (i % 2)
                    day += day < 160000 ? 1 : 37;
            } else {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                tt = (int64_t)(x % UINT64_C(253402300800));
            }
            time_t ts = (time_t)tt;
            struct tm tm;
            char want[64];
            if (!gmtime_r(&ts, &tm) || !strftime(want, sizeof want, "%Y-%m-%dT%H:%M:%SZ", &tm))
                continue;
            if (strcmp(fr_time_iso(tt, buf), want) != 0) {
                fprintf(stderr, "fr_time_iso(%lld) = %s, gmtime says %s\n", (long long)tt, buf,
                        want);
                bad++;
            }
        }
        CHECK(bad == 0);
        CHECK(strcmp(fr_time_iso(INT64_C(253402300799), buf), "9999-12-31T23:59:59Z") == 0);
        CHECK(strcmp(fr_time_iso(INT64_C(253402300800), buf), "+10000-01-01T00:00:00Z") == 0);
        CHECK(strcmp(fr_time_iso(-1, buf), "1969-12-31T23:59:59Z") == 0);
    }
    uint64_t sz;
    CHECK(fr_parse_size("512M", &sz) && sz == 512ULL << 20);
    CHECK(fr_parse_size("2GiB", &sz) && sz == 2ULL << 30);
    CHECK(!fr_parse_size("12X", &sz));
}

/* Parses a command line given as a space-separated string. */
static fr_err cli(const char *line, fr_opts *o, char *err, size_t errlen)
{
    static char buf[2048];
    static char *argv[64];
    int argc = 0;
    snprintf(buf, sizeof buf, "%s", line);
    for (char *t = strtok(buf, " "); t && argc < 63; t = strtok(NULL, " "))
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

/* A scratch directory for the configuration tests, and files in it. */
static char cfg_dir[64];

/* Writes text to cfg_dir/name and returns the path (static storage, one of 8). */
static const char *cfg_file(const char *name, const char *text)
{
    static char paths[8][128];
    static int next;
    char *p = paths[next++ % 8];
    snprintf(p, 128, "%s/%s", cfg_dir, name);
    FILE *fp = fopen(p, "w");
    if (!fp || fputs(text, fp) == EOF || fclose(fp) != 0) {
        fprintf(stderr, "cannot write %s\n", p);
        exit(1);
    }
    return p;
}

/* 1 when s holds part. */
static int has(const char *s, const char *part)
{
    return strstr(s, part) != NULL;
}

static void test_cli_aws(void)
{
    fr_opts o;
    char err[512];
    CHECK(cli("flowreport x", &o, err, sizeof err) == FR_OK);
    CHECK(o.connections == 8 && o.rate == 5 && o.max_attempts == 5 && o.progress == -1);
    CHECK(!o.region && !o.profile && !o.endpoint_url && !o.save_raw && !o.log_stream_prefix);
    CHECK(o.n_log_groups == 0 && o.n_inputs == 1 && strcmp(o.inputs[0], "x") == 0);
    fr_opts_clear(&o);
    CHECK(cli("flowreport --log-group /vpc/a --log-group "
              "arn:aws:logs:eu-west-3:123456789012:log-group:/vpc/b:* --log-stream-prefix eni-0a "
              "--region eu-west-3 --profile audit --endpoint-url http://127.0.0.1:9 "
              "--connections 64 --rate 0.5 --max-attempts 20 --save-raw raw --no-progress "
              "s3://bucket/AWSLogs/ ./dir",
              &o, err, sizeof err) == FR_OK);
    CHECK(o.n_log_groups == 2 && strcmp(o.log_groups[0], "/vpc/a") == 0 &&
          strcmp(o.log_groups[1], "arn:aws:logs:eu-west-3:123456789012:log-group:/vpc/b:*") == 0);
    CHECK(o.log_stream_prefix && strcmp(o.log_stream_prefix, "eni-0a") == 0);
    CHECK(o.region && strcmp(o.region, "eu-west-3") == 0);
    CHECK(o.profile && strcmp(o.profile, "audit") == 0);
    CHECK(o.endpoint_url && strcmp(o.endpoint_url, "http://127.0.0.1:9") == 0);
    CHECK(o.connections == 64 && o.rate == 0.5 && o.max_attempts == 20 && o.progress == 0);
    CHECK(o.save_raw && strcmp(o.save_raw, "raw") == 0);
    CHECK(o.n_inputs == 2 && strcmp(o.inputs[0], "s3://bucket/AWSLogs/") == 0);
    fr_opts_clear(&o);
    CHECK(cli("flowreport --no-progress --progress --rate 1000 --connections 1 --max-attempts 1 "
              "--log-group a",
              &o, err, sizeof err) == FR_OK);
    CHECK(o.progress == 1 && o.rate == 1000 && o.connections == 1 && o.max_attempts == 1);
    CHECK(o.n_inputs == 0 && o.n_log_groups == 1);
    fr_opts_clear(&o);
    CHECK(cli("flowreport -q -v x", &o, err, sizeof err) == FR_OK && o.verbose && !o.quiet);
    fr_opts_clear(&o);
    static const char *bad[] = {
        "flowreport --connections 0 x",
        "flowreport --connections 65 x",
        "flowreport --rate 0 x",
        "flowreport --rate 0.0 x",
        "flowreport --rate -1 x",
        "flowreport --rate 1000.5 x",
        "flowreport --rate 1e3 x",
        "flowreport --rate . x",
        "flowreport --rate 5/s x",
        "flowreport --max-attempts 0 x",
        "flowreport --max-attempts 21 x",
        "flowreport --region EU_WEST x",
        "flowreport --region -x x",
        "flowreport --endpoint-url ftp://h x",
        "flowreport --endpoint-url http:// x",
        "flowreport --log-group a:b x",
        "flowreport --log-group arn:aws:s3:::b x",
        "flowreport --log-stream-prefix a:b x",
        "flowreport -o out/%Q x",
        "flowreport -o out/% x",
        "flowreport -o out/%D x",
        "flowreport --config /nonexistent/flowreport.conf x",
        "flowreport --progress=yes x",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        fr_err e = cli(bad[i], &o, err, sizeof err);
        CHECK(e == FR_ERR_USAGE && err[0]);
        if (e != FR_ERR_USAGE)
            fprintf(stderr, "  accepted: %s\n", bad[i]);
        fr_opts_clear(&o);
    }
    CHECK(cli("flowreport --rate 1e3 x", &o, err, sizeof err) == FR_ERR_USAGE &&
          strcmp(err,
                 "--rate: '1e3' is not a number of requests per second above 0, up to "
                 "1000") == 0);
    fr_opts_clear(&o);
}

static void test_config_file(void)
{
    fr_opts o;
    char err[512], cmd[600];
    const char *f = cfg_file("a.conf",
                             "# comment\n"
                             "input = /data/one\n"
                             "[flowreport]\n"
                             "  input = s3://b/AWSLogs/ \n"
                             "log-group = /vpc/a\n"
                             "log_group = /vpc/b\n"
                             "window = 15m ; a quarter\n"
                             "formats = csv\n"
                             "rate = 2.5\n"
                             "region = eu-west-3\n"
                             "progress = no\n"
                             "quiet = yes\n"
                             "top = 7\n"
                             "since = 24h\n"
                             "output = /srv/audit/%Y-%m-%d\n");
    snprintf(cmd, sizeof cmd, "flowreport --config %s", f);
    CHECK(cli(cmd, &o, err, sizeof err) == FR_OK);
    CHECK(o.config_path && strcmp(o.config_path, f) == 0);
    CHECK(o.n_inputs == 2 && strcmp(o.inputs[0], "/data/one") == 0 &&
          strcmp(o.inputs[1], "s3://b/AWSLogs/") == 0);
    CHECK(o.n_log_groups == 2 && strcmp(o.log_groups[1], "/vpc/b") == 0);
    CHECK(o.window == 900 && o.fmt_csv && !o.fmt_md && !o.fmt_xlsx && o.rate == 2.5);
    CHECK(o.progress == 0 && o.quiet && !o.verbose && o.top_n == 7);
    CHECK(o.since_set && o.since == 1795737600 - 86400 && !o.until_set);
    char *dir = NULL;
    CHECK(fr_cli_output_dir(&o, 1795651200, &dir, err, sizeof err) == FR_OK && dir &&
          strcmp(dir, "/srv/audit/2026-11-26") == 0);
    free(dir);
    fr_opts_clear(&o);
    /* the command line over the file: values, INPUTs and log groups replaced */
    snprintf(cmd, sizeof cmd,
             "flowreport --config %s --window 5m -f md,xlsx --log-group /vpc/c -v "
             "--until 2026-11-26 --progress cli-input",
             f);
    CHECK(cli(cmd, &o, err, sizeof err) == FR_OK);
    CHECK(o.n_inputs == 1 && strcmp(o.inputs[0], "cli-input") == 0);
    CHECK(o.n_log_groups == 1 && strcmp(o.log_groups[0], "/vpc/c") == 0);
    CHECK(o.window == 300 && !o.fmt_csv && o.fmt_md && o.fmt_xlsx && o.rate == 2.5);
    CHECK(o.verbose && !o.quiet && o.progress == 1 && o.top_n == 7);
    /* the file's relative --since counts back from the command line's --until */
    CHECK(o.until == 1795651200 && o.since == 1795651200 - 86400);
    fr_opts_clear(&o);
    /* --help skips a broken file */
    const char *broken = cfg_file("broken.conf", "window = 90x\n");
    snprintf(cmd, sizeof cmd, "flowreport --config %s --help", broken);
    CHECK(cli(cmd, &o, err, sizeof err) == FR_OK && o.help);
    fr_opts_clear(&o);
    /* errors name FILE:LINE and the key */
    static const struct {
        const char *text, *want;
    } bad[] = {
        {"top = 3\n\n[flowreport]\nwindw = 15m\n", ":4: windw: unknown key"},
        {"# c\nwindow = 90x\n", ":2: window: '90x' is not a whole number of minutes"},
        {"[flowreport]\nconnections = 65\n", ":2: connections: '65' is not a number from 1 to 64"},
        {"quiet = maybe\n", ":1: quiet: 'maybe' is not true or false"},
        {"progress = sometimes\n", ":1: progress: 'sometimes' is not true or false or auto"},
        {"input =\n", ":1: input: an empty value"},
        {"[aws]\nregion = eu-west-3\n", ":2: [aws]: unknown section"},
        {"top = 3\njust words\n", ":2: not a 'key = value' line"},
        {"config = other.conf\n", ":1: config: unknown key"},
        {"help = true\n", ":1: help: unknown key"},
        {"since = 2026-11-27\nuntil = 2026-11-26\n", "--since must be before --until"},
        {"output = /srv/%Q\n", ":1: output: '/srv/%Q': '%Q' is not a conversion"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *p = cfg_file("bad.conf", bad[i].text);
        snprintf(cmd, sizeof cmd, "flowreport --config %s x", p);
        fr_err e = cli(cmd, &o, err, sizeof err);
        char want[300];
        snprintf(want, sizeof want, "%s%s", bad[i].want[0] == ':' ? p : "", bad[i].want);
        CHECK(e == FR_ERR_USAGE && has(err, want));
        if (e != FR_ERR_USAGE || !has(err, want))
            fprintf(stderr, "  case %zu: got '%s', want '%s'\n", i, err, want);
        fr_opts_clear(&o);
    }
    /* a long line (a full --fields list) is read whole */
    char longtext[2000] = "fields =";
    for (int i = 0; i < 60; i++)
        strcat(longtext, i % 2 ? " srcaddr" : " dstaddr");
    strcat(longtext, " start\ntop = 9\n");
    snprintf(cmd, sizeof cmd, "flowreport --config %s x", cfg_file("long.conf", longtext));
    CHECK(cli(cmd, &o, err, sizeof err) == FR_OK && o.fields.n == 61 &&
          o.fields.id[60] == FR_F_START && o.top_n == 9);
    fr_opts_clear(&o);
}

static void test_config_locate(void)
{
    char err[512], *path = NULL;
    char xdg[96], home[96], sys[96], sub[256];
    snprintf(xdg, sizeof xdg, "%s/xdg", cfg_dir);
    snprintf(home, sizeof home, "%s/home", cfg_dir);
    snprintf(sub, sizeof sub, "mkdir -p %s/flowreport %s/.config/flowreport", xdg, home);
    CHECK(system(sub) == 0);
    const char *ex = cfg_file("explicit.conf", "");
    const char *env = cfg_file("env.conf", "");
    snprintf(sys, sizeof sys, "%s", cfg_file("system.conf", ""));
    char xdg_file[128], home_file[128];
    snprintf(xdg_file, sizeof xdg_file, "%s/flowreport/config", xdg);
    snprintf(home_file, sizeof home_file, "%s/.config/flowreport/config", home);
    /* none of the default files yet: the system one */
    CHECK(fr_config_locate_in(NULL, NULL, xdg, home, sys, &path, err, sizeof err) == FR_OK &&
          path && strcmp(path, sys) == 0);
    free(path);
    CHECK(fr_config_locate_in(NULL, "", xdg, home, "/nonexistent/x.conf", &path, err, sizeof err) ==
              FR_OK &&
          !path);
    FILE *fp = fopen(home_file, "w");
    CHECK(fp && fclose(fp) == 0);
    /* $XDG_CONFIG_HOME set: ~/.config is not looked at */
    CHECK(fr_config_locate_in(NULL, NULL, xdg, home, sys, &path, err, sizeof err) == FR_OK &&
          path && strcmp(path, sys) == 0);
    free(path);
    /* unset or relative: ~/.config */
    CHECK(fr_config_locate_in(NULL, NULL, NULL, home, sys, &path, err, sizeof err) == FR_OK &&
          path && strcmp(path, home_file) == 0);
    free(path);
    CHECK(fr_config_locate_in(NULL, NULL, "rel/xdg", home, sys, &path, err, sizeof err) == FR_OK &&
          path && strcmp(path, home_file) == 0);
    free(path);
    fp = fopen(xdg_file, "w");
    CHECK(fp && fclose(fp) == 0);
    CHECK(fr_config_locate_in(NULL, NULL, xdg, home, sys, &path, err, sizeof err) == FR_OK &&
          path && strcmp(path, xdg_file) == 0);
    free(path);
    CHECK(fr_config_locate_in(NULL, env, xdg, home, sys, &path, err, sizeof err) == FR_OK && path &&
          strcmp(path, env) == 0);
    free(path);
    CHECK(fr_config_locate_in(ex, env, xdg, home, sys, &path, err, sizeof err) == FR_OK && path &&
          strcmp(path, ex) == 0);
    free(path);
    /* named files must exist */
    CHECK(fr_config_locate_in("/nonexistent/a.conf", env, xdg, home, sys, &path, err, sizeof err) ==
              FR_ERR_USAGE &&
          !path && has(err, "--config: /nonexistent/a.conf"));
    CHECK(fr_config_locate_in(NULL, "/nonexistent/b.conf", xdg, home, sys, &path, err,
                              sizeof err) == FR_ERR_USAGE &&
          !path && has(err, "FLOWREPORT_CONFIG: /nonexistent/b.conf"));
    fr_config c = {0};
    CHECK(fr_config_read(cfg_dir, &c, err, sizeof err) == FR_ERR_USAGE && c.n == 0 && err[0]);
    fr_config_clear(&c);
}

static void test_output_dir(void)
{
    fr_opts o;
    char err[512], *dir = NULL;
    static const struct {
        const char *fmt;
        int64_t t;
        const char *want;
    } cases[] = {
        {"/srv/audit/%Y-%m-%d", 1795651200, "/srv/audit/2026-11-26"},
        {"/srv/audit/%Y-%m-%d", 1795651200 + 86399, "/srv/audit/2026-11-26"},
        {"out/%Y/%m/%d/%H%M%S", 1795651200 + 3723, "out/2026/11/26/010203"},
        {"r-%F-%j", 1767225600 /* 2026-01-01 */, "r-2026-01-01-001"},
        {"100%%-%s", 86400, "100%-86400"},
        {"plain dir", 0, "plain dir"},
        {"%G-W%V", 1795651200, "2026-W48"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memset(&o, 0, sizeof o);
        o.outdir = cases[i].fmt;
        CHECK(fr_cli_output_dir(&o, cases[i].t, &dir, err, sizeof err) == FR_OK && dir &&
              strcmp(dir, cases[i].want) == 0);
        if (dir && strcmp(dir, cases[i].want) != 0)
            fprintf(stderr, "  %s -> %s, want %s\n", cases[i].fmt, dir, cases[i].want);
        free(dir);
        dir = NULL;
    }
    /* the default is not expanded */
    CHECK(cli("flowreport x", &o, err, sizeof err) == FR_OK &&
          fr_cli_output_dir(&o, 1795651200, &dir, err, sizeof err) == FR_OK &&
          strcmp(dir, "flowreport-report") == 0);
    free(dir);
    fr_opts_clear(&o);
}

static void test_unknown_fields(void)
{
    fr_opts o;
    char err[512];
    const char *names[4];
    CHECK(cli("flowreport x", &o, err, sizeof err) == FR_OK &&
          fr_cli_unknown_fields(&o, names, 4) == 0);
    fr_opts_clear(&o);
    char *argv[] = {"flowreport", "--fields", "version srcadr dstaddr bogus-field srcadr start",
                    "x", NULL};
    CHECK(fr_cli_parse(4, argv, 0, &o, err, sizeof err) == FR_OK);
    CHECK(fr_cli_unknown_fields(&o, names, 4) == 2 && strcmp(names[0], "srcadr") == 0 &&
          strcmp(names[1], "bogus-field") == 0);
    CHECK(fr_cli_unknown_fields(&o, names, 1) == 2);
    FILE *fp = tmpfile();
    char buf[512] = "";
    CHECK(fp && fr_cli_warn_unknown_fields(&o, fp) == 2);
    if (fp) {
        rewind(fp);
        size_t n = fread(buf, 1, sizeof buf - 1, fp);
        buf[n] = '\0';
        fclose(fp);
    }
    CHECK(strcmp(buf,
                 "flowreport: warning: --fields: unknown field 'srcadr' (its column is "
                 "ignored)\nflowreport: warning: --fields: unknown field 'bogus-field' (its "
                 "column is ignored)\n") == 0);
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

/* ---- underscore field names and JSON document streams (firehose) ---- */

static void test_underscore_names(void)
{
    CHECK(fr_field_lookup("account_id", 10) == FR_F_ACCOUNT_ID);
    CHECK(fr_field_lookup("log_status", 10) == FR_F_LOG_STATUS);
    CHECK(fr_field_lookup("interface_id", 12) == FR_F_INTERFACE_ID);
    CHECK(fr_field_lookup("pkt_srcaddr", 11) == FR_F_PKT_SRCADDR);
    CHECK(fr_field_lookup("tcp_flags", 9) == FR_F_TCP_FLAGS);
    CHECK(fr_field_lookup("flow_direction", 14) == FR_F_FLOW_DIRECTION);
    CHECK(fr_field_lookup("traffic_path", 12) == FR_F_TRAFFIC_PATH);
    CHECK(fr_field_lookup("pkt_src_aws_service", 19) == FR_F_PKT_SRC_AWS_SERVICE);
    CHECK(fr_field_lookup("tgw_src_vpc_account_id", 22) == FR_F_TGW_SRC_VPC_ACCOUNT_ID);
    CHECK(fr_field_lookup("packets_lost_no_route", 21) == FR_F_PACKETS_LOST_NO_ROUTE);
    CHECK(fr_field_lookup("log-status", 10) == FR_F_LOG_STATUS);
    CHECK(fr_field_lookup("account_ids", 11) == FR_F_UNKNOWN);
    CHECK(fr_field_lookup("account_", 8) == FR_F_UNKNOWN);
    CHECK(fr_field_lookup("account__id", 11) == FR_F_UNKNOWN);
    CHECK(fr_field_lookup("version_", 8) == FR_F_UNKNOWN);
    CHECK(fr_field_lookup("_version", 8) == FR_F_UNKNOWN);
    CHECK(fr_field_lookup("log_status", 9) == FR_F_UNKNOWN); /* "log_statu" */

    const char *h1 = "account_id version interface_id srcaddr";
    const char *h2 = "${log_status} ${version}";
    const char *h3 = "2 123456789012 eni-1 10.0.0.1";
    const char *h4 = "account_ids version";
    CHECK(fr_line_is_header(h1, strlen(h1)));
    CHECK(fr_line_is_header(h2, strlen(h2)));
    CHECK(!fr_line_is_header(h3, strlen(h3)));
    CHECK(!fr_line_is_header(h4, strlen(h4)));
    CHECK(parse(&(fr_fieldmap){0}, h1) == FR_LINE_HEADER);

    fr_fieldmap us = map_of("version account_id interface_id srcaddr dstaddr srcport dstport "
                            "protocol packets bytes start end action log_status");
    fr_fieldmap dol = map_of("${version} ${account_id} ${interface_id} ${srcaddr} ${dstaddr} "
                             "${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} "
                             "${end} ${action} ${log_status}");
    fr_fieldmap hy = map_of(FR_DEFAULT_FORMAT);
    CHECK(us.is_default && dol.is_default && fr_fieldmap_equal(&us, &hy) &&
          fr_fieldmap_equal(&dol, &hy));
    CHECK(us.unknown[1] == NULL && us.unknown[13] == NULL);
    fr_fieldmap tg = map_of("version tgw_new_thing");
    CHECK(tg.tgw && tg.id[1] == FR_F_UNKNOWN && strcmp(tg.unknown[1], "tgw_new_thing") == 0);
    fr_fieldmap_clear(&us);
    fr_fieldmap_clear(&dol);
    fr_fieldmap_clear(&hy);
    fr_fieldmap_clear(&tg);
}

/* A reader over a string that hands out at most `step` bytes a call. */
typedef struct str_src {
    const char *s;
    size_t len, pos, step;
} str_src;

static fr_err str_read(void *vctx, uint8_t *buf, size_t cap, size_t *got, char *errbuf,
                       size_t errlen)
{
    (void)errbuf;
    (void)errlen;
    str_src *c = vctx;
    size_t n = c->len - c->pos;
    if (n > cap)
        n = cap;
    if (n > c->step)
        n = c->step;
    memcpy(buf, c->s + c->pos, n);
    c->pos += n;
    *got = n;
    return FR_OK;
}

static const fr_reader_ops str_ops = {str_read, NULL};

/* Runs text through fr_jsondoc (detected or not), the first `head` bytes
 * given as already read. Returns the error; out gets the lines. */
static fr_err jsondoc_run(const char *text, size_t head, size_t step, size_t max_doc, char *out,
                          size_t cap, int *events, char *msg)
{
    str_src src = {text, strlen(text), head, step};
    fr_reader *rd = fr_reader_new("t", &str_ops, &src);
    fr_jsondoc *j = rd ? fr_jsondoc_new(rd, (const uint8_t *)text, head, max_doc) : NULL;
    fr_err e = FR_ERR_NOMEM;
    size_t len = 0;
    out[0] = msg[0] = '\0';
    if (!j)
        goto done;
    for (;;) {
        size_t got = 0;
        e = fr_jsondoc_read(j, (uint8_t *)out + len, cap - 1 - len, &got);
        if (e != FR_OK || got == 0)
            break;
        len += got;
    }
    out[len] = '\0';
    *events = fr_jsondoc_events(j);
    snprintf(msg, 256, "%s", fr_jsondoc_errmsg(j));
done:
    fr_jsondoc_free(j);
    fr_reader_free(rd);
    return e;
}

static void test_jsondoc(void)
{
    const char *fh = "{\"messageType\":\"CONTROL_MESSAGE\",\"logEvents\":[{\"message\":\"CWL\"}]}"
                     "{\"messageType\":\"DATA_MESSAGE\",\"logEvents\":[{\"message\":\"a 1\"},"
                     "{\"message\":\"b}{\\\"\\n2\"}]}\n \n"
                     "{\"messageType\":\"DATA_MESSAGE\",\"logEvents\":[]}"
                     "{\"messageType\":\"DATA_MESSAGE\",\"logEvents\":[{\"id\":\"x\"},"
                     "{\"message\":\"c\"}]}\n";
    char out[1024], msg[256];
    int ev = 0;
    CHECK(fr_jsondoc_detect((const uint8_t *)fh, strlen(fh)));
    /* every split of the first bytes and read size gives the same lines */
    size_t heads[] = {0, 1, 70, strlen(fh)}, steps[] = {1, 7, 4096};
    for (size_t h = 0; h < 4; h++)
        for (size_t s = 0; s < 3; s++) {
            CHECK(jsondoc_run(fh, heads[h], steps[s], 0, out, sizeof out, &ev, msg) == FR_OK);
            CHECK(ev && strcmp(out, "a 1\nb}{\" 2\n{\"event without a message\":true}\nc\n") == 0);
        }
    /* one document with events[], pretty-printed */
    const char *flt = "{\n  \"events\": [\n    {\"message\": \"x y\"}\n  ],\n"
                      "  \"nextToken\": \"t\"\n}\n";
    CHECK(fr_jsondoc_detect((const uint8_t *)flt, strlen(flt)));
    CHECK(jsondoc_run(flt, 5, 3, 0, out, sizeof out, &ev, msg) == FR_OK);
    CHECK(ev && strcmp(out, "x y\n") == 0);
    /* {"message":...} per line is left to the line parser */
    const char *per = "{\"message\":\"2 a\"}\n{\"message\":\"2 b\"}\n";
    CHECK(!fr_jsondoc_detect((const uint8_t *)per, strlen(per)));
    CHECK(!fr_jsondoc_detect((const uint8_t *)"2 x\n", 4));
    /* a first document that is not one of events passes through unchanged */
    const char *other = "\n {\"message\":\n \"2 a\"}\nnext\n";
    CHECK(fr_jsondoc_detect((const uint8_t *)other, strlen(other)));
    CHECK(jsondoc_run(other, 3, 2, 0, out, sizeof out, &ev, msg) == FR_OK);
    CHECK(!ev && strcmp(out, other) == 0);
    /* a later document cut off: the earlier lines, then the damage */
    const char *cut = "{\"logEvents\":[{\"message\":\"a\"}]}{\"logEvents\":[{\"mess";
    CHECK(jsondoc_run(cut, 0, 5, 0, out, sizeof out, &ev, msg) == FR_ERR_IO);
    CHECK(strcmp(out, "a\n") == 0 && strstr(msg, "document 2") && strstr(msg, "cut off"));
    /* bad JSON and stray bytes after a document are damage too */
    const char *bad = "{\"logEvents\":[{\"message\":\"a\"}]}{\"logEvents\":[1,]}";
    CHECK(jsondoc_run(bad, 0, 64, 0, out, sizeof out, &ev, msg) == FR_ERR_IO);
    /* streamed: the event before the damage (1: no message) is kept */
    CHECK(strcmp(out, "a\n{\"event without a message\":true}\n") == 0 &&
          strstr(msg, "bad JSON in document 2"));
    const char *stray = "{\"logEvents\":[{\"message\":\"a\"}]} junk";
    CHECK(jsondoc_run(stray, 0, 64, 0, out, sizeof out, &ev, msg) == FR_ERR_IO);
    CHECK(strcmp(out, "a\n") == 0 && strstr(msg, "text offset 32"));
    /* an event over the limit is a marker line; the events around it stay */
    char big[600];
    snprintf(big, sizeof big,
             "{\"logEvents\":[{\"message\":\"a\"}]}{\"logEvents\":[{\"message\":\"%0400d\"},"
             "{\"message\":\"b\"}]}",
             7);
    CHECK(jsondoc_run(big, 0, 64, 200, out, sizeof out, &ev, msg) == FR_OK);
    CHECK(strcmp(out, "a\n{\"event too large\":true}\nb\n") == 0);
    fr_jsondoc_free(NULL);
}

/* Inputs hardening: a file is read to the size it had when opened; the
 * streamed JSON scanner; the parser's limits (issue 10). */
static void test_inputs_hardening(void)
{
    char path[] = "/tmp/fr-grow.XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd >= 0) {
        CHECK(write(fd, "abc\n", 4) == 4);
        fr_err e;
        char eb[256];
        fr_reader *r = fr_reader_open_file(path, &e, eb, sizeof eb);
        CHECK(r != NULL);
        /* the file grows after it was opened: the growth is not read */
        CHECK(write(fd, "def\n", 4) == 4);
        uint8_t buf[64];
        size_t got = 0, total = 0;
        while (r && fr_reader_read(r, buf + total, sizeof buf - total, &got) == FR_OK && got)
            total += got;
        CHECK(total == 4 && memcmp(buf, "abc\n", 4) == 0);
        fr_reader_free(r);
        close(fd);
        unlink(path);
    }
    /* JSON: a cut first line is text; an event split anywhere is whole */
    char out[1024], msg[256];
    int ev = 1;
    const char *cut = "{\"message\": \"2 123 eni\n2 a b\n";
    CHECK(fr_jsondoc_detect((const uint8_t *)cut, strlen(cut)));
    CHECK(jsondoc_run(cut, 0, 3, 0, out, sizeof out, &ev, msg) == FR_OK);
    CHECK(!ev && strcmp(out, cut) == 0);
    const char *doc = "{\"owner\":{\"a\":[1,2.5e3,true,null]},\"messageType\":\"DATA_MESSAGE\","
                      "\"logEvents\":[{\"id\":\"\\u0041\",\"message\":\"x\\\"y\"},"
                      "{\"message\":7},\"s\",{\"message\":\"z\"}]}";
    for (size_t step = 1; step < 9; step++) {
        CHECK(jsondoc_run(doc, 0, step, 0, out, sizeof out, &ev, msg) == FR_OK);
        CHECK(ev &&
              strcmp(out,
                     "x\"y\n{\"event without a message\":true}\n"
                     "{\"event without a message\":true}\nz\n") == 0);
    }
    /* messageType after the events: a CONTROL_MESSAGE still yields nothing */
    const char *ctl = "{\"logEvents\":[{\"message\":\"CWL\"}],\"messageType\":\"CONTROL_MESSAGE\"}"
                      "{\"logEvents\":[{\"message\":\"a\"}]}";
    CHECK(jsondoc_run(ctl, 0, 5, 0, out, sizeof out, &ev, msg) == FR_OK);
    CHECK(strcmp(out, "a\n") == 0);
    /* parser: ids, range, future, headers, the exact line limit */
    fr_fieldmap m;
    memset(&m, 0, sizeof m);
    char eb[128];
    CHECK(fr_fieldmap_parse(&m, FR_DEFAULT_FORMAT, strlen(FR_DEFAULT_FORMAT), eb, sizeof eb) ==
          FR_OK);
    fr_parser p;
    fr_parser_init(&p);
    fr_record rec;
    char line[512];
    snprintf(line, sizeof line, "2 1 eni-%0125d 1.1.1.1 2.2.2.2 1 2 6 1 1 100 160 ACCEPT OK", 7);
    CHECK(fr_parse_line(&p, &m, line, strlen(line), &rec) == FR_LINE_MALFORMED &&
          strcmp(p.reason, "value too long in interface-id") == 0);
    const char *r1 = "2 1 e 1.1.1.1 2.2.2.2 1 2 6 1 99999999999999999999 100 160 ACCEPT OK";
    CHECK(fr_parse_line(&p, &m, r1, strlen(r1), &rec) == FR_LINE_MALFORMED &&
          strcmp(p.reason, "value out of range in bytes") == 0);
    const char *r2 = "2 1 e 1.1.1.1 2.2.2.2 1 2 6 1 0000000000000000000000001 100 160 ACCEPT OK";
    CHECK(fr_parse_line(&p, &m, r2, strlen(r2), &rec) == FR_LINE_RECORD && rec.bytes == 1);
    p.latest = 1000;
    const char *r3 = "2 1 e 1.1.1.1 2.2.2.2 1 2 6 1 1 1000 1001 ACCEPT OK";
    CHECK(fr_parse_line(&p, &m, r3, strlen(r3), &rec) == FR_LINE_MALFORMED &&
          strcmp(p.reason, "time in the future in end") == 0);
    const char *h = "version srcaddr version";
    CHECK(fr_parse_line(&p, &m, h, strlen(h), &rec) == FR_LINE_MALFORMED &&
          strstr(p.reason, "'version' given twice"));
    char *big = malloc(FR_MAX_LINE + 1);
    if (big) {
        memset(big, ' ', FR_MAX_LINE);
        big[FR_MAX_LINE] = '\r';
        CHECK(fr_parse_line(&p, &m, big, FR_MAX_LINE - 1, &rec) == FR_LINE_BLANK);
        CHECK(fr_parse_line(&p, &m, big, FR_MAX_LINE + 1, &rec) == FR_LINE_MALFORMED);
        free(big);
    }
    fr_parser_clear(&p);
    fr_fieldmap_clear(&m);
}

/* Fills n bytes with a pattern of seed. */
static void fill(uint8_t *p, size_t n, uint32_t seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)((i * 2654435761u + seed) >> 13);
}

static int filled(const uint8_t *p, size_t n, uint32_t seed)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != (uint8_t)((i * 2654435761u + seed) >> 13))
            return 0;
    return 1;
}

/* fr_bigmem: blocks big enough and at most a quarter too big, contents
 * kept when grown (from malloc's
 * sizes through the mappings' classes to a mapping of its own), no two
 * live blocks overlapping, freed blocks handed out again. */
static void test_bigmem(void)
{
    size_t size = 0;
    uint8_t *p = NULL;
    size_t used = 0;
    for (size_t want = 100; want <= ((size_t)80 << 20); want = want * 3 + 7) {
        uint8_t *q = fr_bigmem_grow(p, &size, used, want);
        CHECK(q && size >= want);
        /* from the mappings: at most a quarter of slack */
        CHECK(!fr_bigmem_mapped() || want < FR_BIGMEM_MIN || size - want <= want / 4);
        if (!q)
            break;
        CHECK(filled(q, used, 7));
        fill(q, want, 7);
        p = q;
        used = want;
    }
    fr_bigmem_free(p, size);
    enum { N = 300 };
    uint8_t *b[N];
    size_t sz[N], len[N];
    uint32_t rnd = 12345;
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < N; i++) {
            rnd = rnd * 1103515245u + 12345u;
            len[i] = 1 + (rnd >> 8) % (300u << 10);
            b[i] = fr_bigmem_alloc(len[i], &sz[i]);
            CHECK(b[i] && sz[i] >= len[i]);
            if (b[i])
                fill(b[i], len[i], (uint32_t)i + 1000u * (uint32_t)round);
        }
        int intact = 1;
        for (int i = 0; i < N; i++)
            intact &= b[i] && filled(b[i], len[i], (uint32_t)i + 1000u * (uint32_t)round);
        CHECK(intact);
        for (int i = 0; i < N; i++)
            fr_bigmem_free(b[i], sz[i]);
    }
    /* with no address space left for another mapping, blocks come from
     * malloc: 84 blocks of 1 MiB, more than what is left of the current
     * mapping (at most 64 MiB), under a limit that a new 66 MiB mapping
     * would pass */
    struct rlimit rl;
    FILE *statm = fopen("/proc/self/statm", "r");
    unsigned long pages = 0;
    if (fr_bigmem_mapped() && statm && fscanf(statm, "%lu", &pages) == 1 &&
        getrlimit(RLIMIT_AS, &rl) == 0) {
        struct rlimit tight = rl;
        tight.rlim_cur = (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE) + ((rlim_t)40 << 20);
        if (rl.rlim_max == RLIM_INFINITY || tight.rlim_cur <= rl.rlim_max) {
            CHECK(setrlimit(RLIMIT_AS, &tight) == 0);
            enum { M = 84 };
            uint8_t *m[M];
            size_t msz[M];
            int all = 1;
            for (int i = 0; i < M; i++) {
                m[i] = fr_bigmem_alloc((size_t)1 << 20, &msz[i]);
                all &= m[i] != NULL;
                if (m[i])
                    fill(m[i], (size_t)1 << 20, 77u + (uint32_t)i);
            }
            for (int i = 0; i < M; i++)
                all &= m[i] && filled(m[i], (size_t)1 << 20, 77u + (uint32_t)i);
            CHECK(all);
            for (int i = 0; i < M; i++)
                fr_bigmem_free(m[i], msz[i]);
            CHECK(setrlimit(RLIMIT_AS, &rl) == 0);
        }
    }
    if (statm)
        fclose(statm);
    /* a freed block of the mappings is the next one of its size */
    if (fr_bigmem_mapped()) {
        uint8_t *x = fr_bigmem_alloc(FR_BIGMEM_MIN * 4, &size);
        CHECK(x != NULL);
        fr_bigmem_free(x, size);
        uint8_t *y = fr_bigmem_alloc(FR_BIGMEM_MIN * 4 - 100, &size);
        CHECK(y == x);
        fr_bigmem_free(y, size);
    }
}

int main(void)
{
    fr_parser_init(&P);
    /* no configuration file but the tests' own: an empty one by default */
    snprintf(cfg_dir, sizeof cfg_dir, "%s/fr-units.XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(cfg_dir)) {
        perror("mkdtemp");
        return 1;
    }
    setenv("FLOWREPORT_CONFIG", cfg_file("empty.conf", ""), 1);
    test_addr();
    test_numbers_and_times();
    test_cli();
    test_cli_aws();
    test_config_file();
    test_config_locate();
    test_output_dir();
    test_unknown_fields();
    char rm[128];
    snprintf(rm, sizeof rm, "rm -rf '%s'", cfg_dir);
    if (system(rm) != 0)
        fprintf(stderr, "warning: could not remove %s\n", cfg_dir);
    test_fields();
    test_parse_default();
    test_parse_custom();
    test_fast_path();
    test_hash();
    test_reader();
    test_underscore_names();
    test_jsondoc();
    test_inputs_hardening();
    test_bigmem();
    fr_parser_clear(&P);
    printf("%d checks, %d failed\n", checks, failures);
    return failures ? 1 : 0;
}
