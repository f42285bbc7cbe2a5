/* SPDX-License-Identifier: MIT */
/* cli: option parsing, help text, durations and times. */
#include "fr_cli.h"

#include <ctype.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

void fr_cli_usage(FILE *fp)
{
    fprintf(fp,
            "Usage: flowreport [OPTIONS] INPUT...\n"
            "Turn AWS VPC Flow Logs (files, directories, '-' for stdin) into reports.\n"
            "Try 'flowreport --help' for more.\n");
}

void fr_cli_help(FILE *fp)
{
    fprintf(fp,
            "Usage: flowreport [OPTIONS] INPUT...\n"
            "\n"
            "Reads AWS VPC Flow Log exports and writes CSV, Markdown and XLSX audit reports.\n"
            "INPUT is a file (plain or gzip), a directory (walked recursively, e.g. an\n"
            "'aws s3 sync' copy of AWSLogs/), or '-' for standard input.\n"
            "\n"
            "Input:\n"
            "      --fields \"F1 F2 ...\"  field order of files without a header line\n"
            "                             (default: the version-2 format)\n"
            "\n"
            "Period and windows:\n"
            "      --since WHEN          start of the period: a duration back from --until\n"
            "                            or now (90m, 24h, 7d), an ISO-8601 UTC time\n"
            "                            (2026-11-26T00:00:00Z), a date, or epoch seconds\n"
            "      --until WHEN          end of the period (exclusive); same forms\n"
            "      --window DUR          window size, 1m to 1d (default 1h)\n"
            "\n"
            "Reduction:\n"
            "  -j, --threads N           worker threads (default: online CPUs)\n"
            "      --top N               rows of each top table (default 20)\n"
            "      --max-memory SIZE     memory for the top tables' keys (default 512M)\n"
            "\n"
            "Output:\n"
            "  -o, --output DIR          report directory (default ./flowreport-report)\n"
            "  -f, --formats LIST        any of csv,md,xlsx (default all)\n"
            "\n"
            "General:\n"
            "  -q, --quiet               print nothing but errors\n"
            "  -v, --verbose             print progress details\n"
            "  -h, --help                this help\n"
            "  -V, --version             version and enabled features\n"
            "\n"
            "Exit status: 0 report written, input clean; 1 report written but some input\n"
            "was damaged, unreadable or malformed, or there was none; 2 usage error,\n"
            "nothing written; 3 fatal error, previous reports untouched.\n"
            "\n"
            "Examples:\n"
            "  flowreport ./flowlogs -o out/\n"
            "  flowreport --since 24h --window 15m /data/AWSLogs -o /srv/reports/today\n"
            "  zcat export.gz | flowreport --fields \"version interface-id srcaddr dstaddr\" -\n");
}

int fr_parse_duration(const char *s, int64_t *secs)
{
    char *end;
    if (!isdigit((unsigned char)s[0]))
        return 0;
    long long v = strtoll(s, &end, 10);
    int64_t unit;
    switch (*end) {
    case 's': unit = 1; break;
    case 'm': unit = 60; break;
    case 'h': unit = 3600; break;
    case 'd': unit = 86400; break;
    case 'w': unit = 7 * 86400; break;
    default: return 0;
    }
    if (end[1] != '\0' || v <= 0 || v > 100LL * 365 * 86400 / unit)
        return 0;
    *secs = (int64_t)v * unit;
    return 1;
}

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

/* Reads exactly n digits. Returns 1 and *v, or 0. */
static int digits(const char **p, int n, int *v)
{
    int x = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i]))
            return 0;
        x = x * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *v = x;
    return 1;
}

int fr_parse_time(const char *s, int64_t *t)
{
    const char *p = s;
    int Y, M, D, h = 0, mi = 0, sec = 0;
    if (strlen(s) >= 10 && s[4] == '-') {
        if (!digits(&p, 4, &Y) || *p++ != '-' || !digits(&p, 2, &M) || *p++ != '-' ||
            !digits(&p, 2, &D))
            return 0;
        if (M < 1 || M > 12 || D < 1 || D > 31)
            return 0;
        if (*p == 'T' || *p == ' ') {
            p++;
            if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi))
                return 0;
            if (*p == ':') {
                p++;
                if (!digits(&p, 2, &sec))
                    return 0;
            }
            if (h > 23 || mi > 59 || sec > 60)
                return 0;
            if (*p == 'Z')
                p++;
            else if (strcmp(p, "+00:00") == 0)
                p += 6;
        }
        if (*p != '\0')
            return 0;
        *t = days_from_civil(Y, (unsigned)M, (unsigned)D) * 86400 + h * 3600 + mi * 60 + sec;
        return 1;
    }
    uint64_t v;
    if (!fr_parse_u64(s, strlen(s), &v) || v > (uint64_t)1 << 40)
        return 0;
    *t = (int64_t)v;
    return 1;
}

int fr_parse_size(const char *s, uint64_t *bytes)
{
    char *end;
    if (!isdigit((unsigned char)s[0]))
        return 0;
    unsigned long long v = strtoull(s, &end, 10);
    uint64_t mul = 1;
    switch (toupper((unsigned char)*end)) {
    case '\0': break;
    case 'K': mul = 1ULL << 10; break;
    case 'M': mul = 1ULL << 20; break;
    case 'G': mul = 1ULL << 30; break;
    default: return 0;
    }
    if (*end && end[1] != '\0' && !(toupper((unsigned char)end[1]) == 'B' && end[2] == '\0') &&
        !(toupper((unsigned char)end[1]) == 'I' && toupper((unsigned char)end[2]) == 'B' &&
          end[3] == '\0'))
        return 0;
    if (v == 0 || v > (UINT64_MAX / mul))
        return 0;
    *bytes = v * mul;
    return 1;
}

/* Quotes argv for the report footer so it can be pasted into a shell. */
static char *quote_args(int argc, char **argv)
{
    size_t n = 1;
    for (int i = 0; i < argc; i++)
        n += strlen(argv[i]) * 4 + 3;
    char *s = malloc(n), *p = s;
    if (!s)
        return NULL;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (i == 0) {
            /* the program by name, not by the path it was started from */
            const char *slash = strrchr(a, '/');
            a = slash ? slash + 1 : a;
        }
        int plain = *a != '\0';
        for (const char *c = a; *c; c++)
            if (!(isalnum((unsigned char)*c) || strchr("-_./=:,+@%", *c)))
                plain = 0;
        if (i)
            *p++ = ' ';
        if (plain) {
            p += sprintf(p, "%s", a);
            continue;
        }
        *p++ = '\'';
        for (const char *c = a; *c; c++) {
            if (*c == '\'') {
                memcpy(p, "'\\''", 4);
                p += 4;
            } else {
                *p++ = *c;
            }
        }
        *p++ = '\'';
    }
    *p = '\0';
    return s;
}

enum { OPT_SINCE = 256, OPT_UNTIL, OPT_WINDOW, OPT_FIELDS, OPT_TOP, OPT_MAXMEM };

fr_err fr_cli_parse(int argc, char **argv, int64_t now, fr_opts *o, char *errbuf, size_t errlen)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"formats", required_argument, NULL, 'f'},
        {"threads", required_argument, NULL, 'j'},
        {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {"since", required_argument, NULL, OPT_SINCE},
        {"until", required_argument, NULL, OPT_UNTIL},
        {"window", required_argument, NULL, OPT_WINDOW},
        {"fields", required_argument, NULL, OPT_FIELDS},
        {"top", required_argument, NULL, OPT_TOP},
        {"max-memory", required_argument, NULL, OPT_MAXMEM},
        {NULL, 0, NULL, 0},
    };
    memset(o, 0, sizeof *o);
    o->outdir = "flowreport-report";
    o->fmt_csv = o->fmt_md = o->fmt_xlsx = 1;
    o->window = 3600;
    o->top_n = 20;
    o->max_memory = 512ULL << 20;
    const char *since = NULL, *until = NULL, *fields = FR_DEFAULT_FORMAT;
    o->command_line = quote_args(argc, argv);
    if (!o->command_line) {
        snprintf(errbuf, errlen, "out of memory");
        return FR_ERR_NOMEM;
    }
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":o:f:j:qvhV", longopts, NULL)) != -1) {
        uint64_t v;
        switch (c) {
        case 'o':
            if (!*optarg) {
                snprintf(errbuf, errlen, "--output needs a directory");
                return FR_ERR_USAGE;
            }
            o->outdir = optarg;
            break;
        case 'f': {
            o->fmt_csv = o->fmt_md = o->fmt_xlsx = 0;
            const char *p = optarg;
            while (*p) {
                size_t n = strcspn(p, ",");
                if (n == 3 && strncmp(p, "csv", 3) == 0)
                    o->fmt_csv = 1;
                else if (n == 2 && strncmp(p, "md", 2) == 0)
                    o->fmt_md = 1;
                else if (n == 4 && strncmp(p, "xlsx", 4) == 0)
                    o->fmt_xlsx = 1;
                else {
                    snprintf(errbuf, errlen, "--formats: unknown format '%.*s' (csv, md, xlsx)",
                             (int)n, p);
                    return FR_ERR_USAGE;
                }
                p += n;
                if (*p == ',')
                    p++;
            }
            if (!o->fmt_csv && !o->fmt_md && !o->fmt_xlsx) {
                snprintf(errbuf, errlen, "--formats: no format given");
                return FR_ERR_USAGE;
            }
            break;
        }
        case 'j':
            if (!fr_parse_u64(optarg, strlen(optarg), &v) || v < 1 || v > 256) {
                snprintf(errbuf, errlen, "--threads: '%s' is not a number from 1 to 256", optarg);
                return FR_ERR_USAGE;
            }
            o->threads = (int)v;
            break;
        case 'q': o->quiet = 1; break;
        case 'v': o->verbose = 1; break;
        case 'h': o->help = 1; break;
        case 'V': o->version = 1; break;
        case OPT_SINCE: since = optarg; break;
        case OPT_UNTIL: until = optarg; break;
        case OPT_WINDOW:
            if (!fr_parse_duration(optarg, &o->window) || o->window < 60 || o->window > 86400 ||
                o->window % 60 != 0) {
                snprintf(errbuf, errlen,
                         "--window: '%s' is not a whole number of minutes from 1m to 1d", optarg);
                return FR_ERR_USAGE;
            }
            break;
        case OPT_FIELDS: fields = optarg; break;
        case OPT_TOP:
            if (!fr_parse_u64(optarg, strlen(optarg), &v) || v < 1 || v > 1000000) {
                snprintf(errbuf, errlen, "--top: '%s' is not a number from 1 to 1000000", optarg);
                return FR_ERR_USAGE;
            }
            o->top_n = (unsigned)v;
            break;
        case OPT_MAXMEM:
            if (!fr_parse_size(optarg, &o->max_memory) || o->max_memory < (1ULL << 20)) {
                snprintf(errbuf, errlen, "--max-memory: '%s' is not a size of at least 1M", optarg);
                return FR_ERR_USAGE;
            }
            break;
        case ':':
            snprintf(errbuf, errlen, "option '%s' needs a value", argv[optind - 1]);
            return FR_ERR_USAGE;
        default:
            snprintf(errbuf, errlen, "unknown option '%s'", argv[optind - 1]);
            return FR_ERR_USAGE;
        }
    }
    char err[128];
    if (fr_fieldmap_parse(&o->fields, fields, strlen(fields), err, sizeof err) != FR_OK) {
        snprintf(errbuf, errlen, "--fields: %s", err);
        return FR_ERR_USAGE;
    }
    int64_t d;
    if (until) {
        if (fr_parse_duration(until, &d))
            o->until = now - d;
        else if (!fr_parse_time(until, &o->until)) {
            snprintf(errbuf, errlen, "--until: '%s' is not a duration, ISO-8601 time or epoch",
                     until);
            return FR_ERR_USAGE;
        }
        o->until_set = 1;
    }
    if (since) {
        if (fr_parse_duration(since, &d))
            o->since = (o->until_set ? o->until : now) - d;
        else if (!fr_parse_time(since, &o->since)) {
            snprintf(errbuf, errlen, "--since: '%s' is not a duration, ISO-8601 time or epoch",
                     since);
            return FR_ERR_USAGE;
        }
        o->since_set = 1;
    }
    if (o->since_set && o->until_set && o->since >= o->until) {
        snprintf(errbuf, errlen, "--since must be before --until");
        return FR_ERR_USAGE;
    }
    o->inputs = argv + optind;
    o->n_inputs = (size_t)(argc - optind);
    return FR_OK;
}

void fr_opts_clear(fr_opts *o)
{
    fr_fieldmap_clear(&o->fields);
    free(o->command_line);
    o->command_line = NULL;
}
