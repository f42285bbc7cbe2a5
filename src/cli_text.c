/* SPDX-License-Identifier: MIT */
/* cli_text: the usage and help text, and the parsers of durations, times and
 * sizes that options and configuration values share. */
#include "fr_cli.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "fr_findings.h"
#include "fr_flowlog.h"

void fr_cli_usage(FILE *fp)
{
    fprintf(fp,
            "Usage: flowreport [OPTIONS] INPUT...\n"
            "       flowreport [OPTIONS] --log-group NAME --since WHEN\n"
            "Turn AWS VPC Flow Logs (files, directories, '-' for stdin, s3://bucket/prefix/,\n"
            "CloudWatch Logs groups) into reports. Try 'flowreport --help' for more.\n");
}

void fr_cli_help(FILE *fp)
{
    fprintf(fp,
            "Usage: flowreport [OPTIONS] INPUT...\n"
            "\n"
            "Reads AWS VPC Flow Logs and writes CSV, Markdown and XLSX audit reports.\n"
            "INPUT is a file (plain or gzip), a directory (walked recursively, e.g. an\n"
            "'aws s3 sync' copy of AWSLogs/), '-' for standard input, an S3 URL\n"
            "(s3://bucket/prefix/) or a CloudWatch Logs log group ARN.\n"
            "\n"
            "Input:\n"
            "      --fields \"F1 F2 ...\"  field order of files without a header line\n"
            "                             (default: the version-2 format)\n"
            "      --log-group NAME      read a CloudWatch Logs log group (name or ARN);\n"
            "                            repeatable\n"
            "      --log-stream-prefix P only the log streams whose name starts with P\n"
            "      --save-raw DIR        also keep what was downloaded in DIR\n"
            "\n"
            "AWS access (S3 and CloudWatch Logs inputs):\n"
            "      --region R            AWS region (default: AWS_REGION, the profile's)\n"
            "      --profile P           profile of ~/.aws/config and ~/.aws/credentials\n"
            "      --endpoint-url URL    send every request to URL instead of AWS\n"
            "      --connections N       parallel downloads, 1 to 64 (default 8)\n"
            "      --rate R              CloudWatch Logs requests per second, above 0 and\n"
            "                            up to 1000, decimals allowed (default 5)\n"
            "      --max-attempts N      tries of each request, 1 to 20 (default 5)\n"
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
            "Audit (findings and coverage, see SEMANTICS.md):\n"
            "      --silent-gap DUR      stretches without records longer than DUR are\n"
            "                            silent (default 20m)\n"
            "      --admin-ports LIST    administrative ports of rule public-admin-port-\n"
            "                            accepted (default " FR_ADMIN_PORTS ")\n"
            "      --egress-threshold SIZE  bytes to public addresses that make an\n"
            "                            egress-volume finding (default 1G)\n"
            "      --scan-ports N        rejected ports of one destination for port-scan\n"
            "                            (default 100)\n"
            "      --sweep-hosts N       rejected destinations for host-sweep (default 50)\n"
            "      --spike-factor N      reject-spike: times the median window (default 5)\n"
            "      --vpc-cidr CIDR       also count addresses in CIDR as internal; repeatable\n"
            "      --eni-info FILE       name interfaces with the JSON of aws ec2\n"
            "                            describe-network-interfaces; repeatable\n"
            "      --describe-enis       name interfaces by asking EC2\n"
            "                            (DescribeNetworkInterfaces, in --region)\n"
            "      --baseline DIR        compare with the run whose reports are in DIR\n"
            "                            (changes.csv); an incompatible one is ignored\n"
            "                            and the run exits 1\n"
            "      --prorate             split each record's packets and bytes over the\n"
            "                            windows its start..end spans (windows tables)\n"
            "      --fail-on SEVERITY    exit 4 when a finding of SEVERITY (low, medium,\n"
            "                            high) or above exists; the report is still written\n"
            "\n"
            "Output:\n"
            "  -o, --output DIR          report directory (default ./flowreport-report);\n"
            "                            %%Y %%m %%d %%H ... expand to the period's start (UTC)\n"
            "  -f, --formats LIST        any of csv,md,xlsx (default all)\n"
            "      --wait                when another run is writing DIR, wait for it\n"
            "                            (default: exit 3 naming it)\n"
            "\n"
            "Sharded runs (mergeable states):\n"
            "      --save-state FILE     also save the run's state to FILE (or to\n"
            "                            s3://bucket/key); state files given as INPUTs\n"
            "                            are merged into one report\n"
            "      --state-keys N        a compact state: each top table keeps its N best\n"
            "                            keys (the rest become an error bound), findings\n"
            "                            at most N sampled distinct pairs and N scan\n"
            "                            subjects; fast rollups, approximate tables\n"
            "      --shard K/N           read only shard K (0 to N-1) of N: the inputs whose\n"
            "                            name hashes to K (FNV-1a 64 mod N), N up to 65536\n"
            "      --shard auto/N        K from $AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch array\n"
            "                            job), else $JOB_COMPLETION_INDEX (Kubernetes)\n"
            "\n"
            "General:\n"
            "      --config FILE         read options from FILE (default: $FLOWREPORT_CONFIG,\n"
            "                            ~/.config/flowreport/config, /etc/flowreport.conf);\n"
            "                            the command line overrides it\n"
            "      --progress, --no-progress\n"
            "                            show a progress line on stderr (default: when\n"
            "                            stderr is a terminal)\n"
            "  -q, --quiet               print nothing but errors\n"
            "  -v, --verbose             print progress details\n"
            "  -h, --help                this help\n"
            "  -V, --version             version and enabled features\n"
            "\n"
            "Exit status: 0 report written, input clean; 1 report written but some input\n"
            "was damaged, unreadable or malformed, or there was none; 2 usage or\n"
            "configuration error, nothing written; 3 fatal error (including AWS\n"
            "authentication or permission errors), previous reports untouched;\n"
            "4 report written, and --fail-on found a finding at or above its severity;\n"
            "130, 143, 129 interrupted by SIGINT, SIGTERM, SIGHUP: what the run created\n"
            "is removed, previous reports untouched.\n"
            "\n"
            "Examples:\n"
            "  flowreport ./flowlogs -o out/\n"
            "  flowreport --since 24h --window 15m /data/AWSLogs -o /srv/reports/today\n"
            "  flowreport --since 24h s3://my-bucket/AWSLogs/ -o '/srv/audit/%%Y-%%m-%%d'\n"
            "  flowreport --since 6h --log-group /vpc/flowlogs --region eu-west-3\n"
            "  flowreport --shard 0/2 --save-state s0.frstate ./flowlogs   (and 1/2)\n"
            "  flowreport -o out/ s0.frstate s1.frstate\n"
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
        static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        if (M < 1 || M > 12 || D < 1 || D > mdays[M - 1])
            return 0;
        if (M == 2 && D == 29 && !(Y % 4 == 0 && (Y % 100 != 0 || Y % 400 == 0)))
            return 0; /* 29 February only in a leap year; no day rolls over */
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
