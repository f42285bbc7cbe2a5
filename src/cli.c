/* SPDX-License-Identifier: MIT */
/* cli: option parsing (the command line over the configuration file); the
 * help text and the value parsers are in cli_text.c. */
#include "fr_cli.h"

#include <ctype.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "fr_config.h"

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

/* Option ids: the short option letter, or one of these. */
enum {
    OPT_SILENT_GAP = 512, /* the audit layer (issue 9) */
    OPT_ADMIN_PORTS,
    OPT_EGRESS_THRESHOLD,
    OPT_SCAN_PORTS,
    OPT_SWEEP_HOSTS,
    OPT_SPIKE_FACTOR,
    OPT_VPC_CIDR,
    OPT_FAIL_ON,
    OPT_PRORATE,
    OPT_ENI_INFO,
    OPT_BASELINE,
    OPT_SAVE_STATE, /* mergeable states (issue 11) */
    OPT_SHARD,
    OPT_STATE_KEYS,
    OPT_DESCRIBE_ENIS,
    OPT_SINCE = 256,
    OPT_UNTIL,
    OPT_WINDOW,
    OPT_FIELDS,
    OPT_TOP,
    OPT_MAXMEM,
    OPT_CONFIG,
    OPT_INPUT, /* the configuration file's `input`; INPUTs on the command line */
    OPT_LOG_GROUP,
    OPT_LOG_STREAM_PREFIX,
    OPT_REGION,
    OPT_PROFILE,
    OPT_ENDPOINT_URL,
    OPT_CONNECTIONS,
    OPT_RATE,
    OPT_MAX_ATTEMPTS,
    OPT_SAVE_RAW,
    OPT_PROGRESS,
    OPT_NO_PROGRESS,
    OPT_WAIT
};

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
    {"config", required_argument, NULL, OPT_CONFIG},
    {"log-group", required_argument, NULL, OPT_LOG_GROUP},
    {"log-stream-prefix", required_argument, NULL, OPT_LOG_STREAM_PREFIX},
    {"region", required_argument, NULL, OPT_REGION},
    {"profile", required_argument, NULL, OPT_PROFILE},
    {"endpoint-url", required_argument, NULL, OPT_ENDPOINT_URL},
    {"connections", required_argument, NULL, OPT_CONNECTIONS},
    {"rate", required_argument, NULL, OPT_RATE},
    {"max-attempts", required_argument, NULL, OPT_MAX_ATTEMPTS},
    {"save-raw", required_argument, NULL, OPT_SAVE_RAW},
    {"progress", no_argument, NULL, OPT_PROGRESS},
    {"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
    {"wait", no_argument, NULL, OPT_WAIT},
    {"silent-gap", required_argument, NULL, OPT_SILENT_GAP},
    {"admin-ports", required_argument, NULL, OPT_ADMIN_PORTS},
    {"egress-threshold", required_argument, NULL, OPT_EGRESS_THRESHOLD},
    {"scan-ports", required_argument, NULL, OPT_SCAN_PORTS},
    {"sweep-hosts", required_argument, NULL, OPT_SWEEP_HOSTS},
    {"spike-factor", required_argument, NULL, OPT_SPIKE_FACTOR},
    {"vpc-cidr", required_argument, NULL, OPT_VPC_CIDR},
    {"fail-on", required_argument, NULL, OPT_FAIL_ON},
    {"prorate", no_argument, NULL, OPT_PRORATE},
    {"eni-info", required_argument, NULL, OPT_ENI_INFO},
    {"baseline", required_argument, NULL, OPT_BASELINE},
    {"save-state", required_argument, NULL, OPT_SAVE_STATE},
    {"shard", required_argument, NULL, OPT_SHARD},
    {"state-keys", required_argument, NULL, OPT_STATE_KEYS},
    {"describe-enis", no_argument, NULL, OPT_DESCRIBE_ENIS},
    {NULL, 0, NULL, 0},
};

/* The configuration file's keys: the long option names that make sense
 * there; the command line's flags take true or false there. */
static const struct {
    const char *key;
    int id;
} file_keys[] = {
    {"input", OPT_INPUT},
    {"log-group", OPT_LOG_GROUP},
    {"log-stream-prefix", OPT_LOG_STREAM_PREFIX},
    {"fields", OPT_FIELDS},
    {"save-raw", OPT_SAVE_RAW},
    {"region", OPT_REGION},
    {"profile", OPT_PROFILE},
    {"endpoint-url", OPT_ENDPOINT_URL},
    {"connections", OPT_CONNECTIONS},
    {"rate", OPT_RATE},
    {"max-attempts", OPT_MAX_ATTEMPTS},
    {"since", OPT_SINCE},
    {"until", OPT_UNTIL},
    {"window", OPT_WINDOW},
    {"threads", 'j'},
    {"top", OPT_TOP},
    {"max-memory", OPT_MAXMEM},
    {"output", 'o'},
    {"formats", 'f'},
    {"progress", OPT_PROGRESS},
    {"wait", OPT_WAIT},
    {"silent-gap", OPT_SILENT_GAP},
    {"admin-ports", OPT_ADMIN_PORTS},
    {"egress-threshold", OPT_EGRESS_THRESHOLD},
    {"scan-ports", OPT_SCAN_PORTS},
    {"sweep-hosts", OPT_SWEEP_HOSTS},
    {"spike-factor", OPT_SPIKE_FACTOR},
    {"vpc-cidr", OPT_VPC_CIDR},
    {"fail-on", OPT_FAIL_ON},
    {"prorate", OPT_PRORATE},
    {"eni-info", OPT_ENI_INFO},
    {"baseline", OPT_BASELINE},
    {"save-state", OPT_SAVE_STATE},
    {"state-keys", OPT_STATE_KEYS},
    {"describe-enis", OPT_DESCRIBE_ENIS},
    {"quiet", 'q'},
    {"verbose", 'v'},
};

/* Returns the long name of option id ("input" for INPUTs). */
static const char *opt_name(int id)
{
    if (id == OPT_INPUT)
        return "input";
    for (const struct option *lo = longopts; lo->name; lo++)
        if (lo->val == id)
            return lo->name;
    return "?";
}

/* 1 when key names `name`, '_' standing for '-'. */
static int key_is(const char *key, const char *name)
{
    for (; *key && *name; key++, name++)
        if (*key != *name && !(*key == '_' && *name == '-'))
            return 0;
    return *key == *name;
}

/* What fr_opts.owned points to. */
typedef struct cli_owned {
    fr_config cfg; /* the file's values, which options may point into */
    size_t inputs_cap, groups_cap;
} cli_owned;

/* Values resolved once everything is read. */
typedef struct pending {
    const char *since, *until, *fields;
    int formats_add; /* -f adds to the formats of the -f before it */
} pending;

/* Appends s to the array *v of *n (capacity *cap). Returns 0 when out of memory. */
static int push(char ***v, size_t *n, size_t *cap, const char *s)
{
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 8;
        char **nv = realloc(*v, c * sizeof *nv);
        if (!nv)
            return 0;
        *v = nv;
        *cap = c;
    }
    (*v)[(*n)++] = (char *)s;
    return 1;
}

/* Parses a boolean word. Returns 1 and *b, or 0. */
static int parse_bool(const char *s, int *b)
{
    static const char *const yes[] = {"true", "yes", "1", "on"},
                             *const no[] = {"false", "no", "0", "off"};
    for (size_t i = 0; i < 4; i++) {
        if (strcasecmp(s, yes[i]) == 0)
            return *b = 1, 1;
        if (strcasecmp(s, no[i]) == 0)
            return *b = 0, 1;
    }
    return 0;
}

/* Parses a decimal number ("5", "0.5", "12.25") without locale, exponent,
 * sign or hexadecimal forms. Returns 1 and *v, or 0. */
static int parse_decimal(const char *s, double *v)
{
    int digits = 0, dots = 0;
    for (const char *p = s; *p; p++) {
        if (isdigit((unsigned char)*p))
            digits++;
        else if (*p == '.' && dots == 0)
            dots++;
        else
            return 0;
    }
    if (digits == 0 || strlen(s) > 32)
        return 0;
    *v = strtod(s, NULL);
    return 1;
}

/* The strftime conversions --output accepts: none gives a '/' or depends on
 * the locale's date layout. */
#define OUTPUT_CONVERSIONS "aAbBCdeFgGHIjmMpsSTuUVwWyYzZ%"

/* Checks the strftime conversions of an --output path. Returns 1, or 0 with
 * the reason in why. */
static int check_output(const char *s, char *why, size_t whylen)
{
    if (!*s) {
        snprintf(why, whylen, "an empty value is not a directory");
        return 0;
    }
    for (const char *p = s; *p; p++) {
        if (*p != '%')
            continue;
        if (!p[1] || !strchr(OUTPUT_CONVERSIONS, p[1])) {
            snprintf(why, whylen,
                     "'%s': '%%%.1s' is not a conversion flowreport expands (%%Y %%m %%d %%H "
                     "%%M %%S %%F %%j %%V %%G %%s %%%% and the like)",
                     s, p[1] ? p + 1 : "");
            return 0;
        }
        p++;
    }
    return 1;
}

/* A CloudWatch Logs group name ([.-_/#A-Za-z0-9], 1 to 512) or an ARN. */
static int check_log_group(const char *s)
{
    size_t n = strlen(s);
    if (strncmp(s, "arn:", 4) == 0)
        return n <= 2048 && strstr(s, ":log-group:") != NULL;
    if (n < 1 || n > 512)
        return 0;
    for (const char *p = s; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr(".-_/#", *p))
            return 0;
    return 1;
}

/* A region name such as "eu-west-3": lowercase letters, digits and '-'. */
static int check_region(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > 32 || s[0] == '-' || s[n - 1] == '-')
        return 0;
    for (const char *p = s; *p; p++)
        if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) && *p != '-')
            return 0;
    return 1;
}

/* A profile name: printable, no blanks or brackets. */
static int check_profile(const char *s)
{
    if (!*s || strlen(s) > 128)
        return 0;
    for (const char *p = s; *p; p++)
        if (!isgraph((unsigned char)*p) || *p == '[' || *p == ']')
            return 0;
    return 1;
}

/* An endpoint URL: http:// or https://, a host, nothing odd. */
static int check_url(const char *s)
{
    const char *h = strncmp(s, "https://", 8) == 0 ? s + 8
        : strncmp(s, "http://", 7) == 0            ? s + 7
                                                   : NULL;
    if (!h || !*h || *h == '/' || *h == ':' || strlen(s) > 1024)
        return 0;
    for (const char *p = s; *p; p++)
        if (!isgraph((unsigned char)*p))
            return 0;
    return 1;
}

/* The shard of --shard auto/N: the first of these set, not empty. */
static const char *const shard_vars[] = {"AWS_BATCH_JOB_ARRAY_INDEX", "JOB_COMPLETION_INDEX"};

/* Parses --shard K/N or auto/N into o. Returns FR_OK, or FR_ERR_USAGE with the
 * reason in why. */
static fr_err parse_shard(fr_opts *o, const char *val, char *why, size_t whylen)
{
    const char *slash = strchr(val, '/');
    uint64_t k = 0, n = 0;
    int is_auto = slash && (size_t)(slash - val) == 4 && strncmp(val, "auto", 4) == 0;
    if (!slash || !fr_parse_u64(slash + 1, strlen(slash + 1), &n) || n < 1 || n > 65536 ||
        (!is_auto && (!fr_parse_u64(val, (size_t)(slash - val), &k) || k >= n))) {
        snprintf(why, whylen,
                 "'%s' is not K/N or auto/N: N is a number from 1 to 65536, K one from 0 to N-1",
                 val);
        return FR_ERR_USAGE;
    }
    if (is_auto) {
        const char *var = NULL, *env = NULL;
        for (size_t i = 0; i < sizeof shard_vars / sizeof shard_vars[0] && !var; i++) {
            env = getenv(shard_vars[i]);
            if (env && *env)
                var = shard_vars[i];
        }
        if (!var) {
            snprintf(why, whylen,
                     "'%s' takes the shard from $%s (AWS Batch array jobs) or $%s (Kubernetes "
                     "Indexed Jobs), and neither is set",
                     val, shard_vars[0], shard_vars[1]);
            return FR_ERR_USAGE;
        }
        if (!fr_parse_u64(env, strlen(env), &k) || k >= n) {
            snprintf(why, whylen, "%s is '%.64s', not a number from 0 to %llu", var, env,
                     (unsigned long long)n - 1);
            return FR_ERR_USAGE;
        }
    }
    o->shard_k = (unsigned)k;
    o->shard_n = (unsigned)n;
    o->shard_auto = is_auto;
    return FR_OK;
}

/* Applies one option's value to o. Returns FR_OK, or FR_ERR_USAGE or
 * FR_ERR_NOMEM with the reason, without the option's name, in why. */
static fr_err apply(fr_opts *o, cli_owned *own, pending *pe, int id, const char *val, char *why,
                    size_t whylen)
{
    uint64_t v;
    int64_t t;
    int b;
    double d;
    switch (id) {
    case 'o':
        if (!check_output(val, why, whylen))
            return FR_ERR_USAGE;
        o->outdir = val;
        break;
    case 'f': {
        int csv = 0, md = 0, xlsx = 0;
        const char *p = val;
        while (*p) {
            size_t n = strcspn(p, ",");
            if (n == 3 && strncmp(p, "csv", 3) == 0)
                csv = 1;
            else if (n == 2 && strncmp(p, "md", 2) == 0)
                md = 1;
            else if (n == 4 && strncmp(p, "xlsx", 4) == 0)
                xlsx = 1;
            else {
                snprintf(why, whylen, "unknown format '%.*s' (csv, md, xlsx)", (int)n, p);
                return FR_ERR_USAGE;
            }
            p += n;
            if (*p == ',')
                p++;
        }
        if (!csv && !md && !xlsx) {
            snprintf(why, whylen, "no format given");
            return FR_ERR_USAGE;
        }
        if (pe->formats_add) {
            o->fmt_csv |= csv;
            o->fmt_md |= md;
            o->fmt_xlsx |= xlsx;
        } else {
            o->fmt_csv = csv;
            o->fmt_md = md;
            o->fmt_xlsx = xlsx;
        }
        break;
    }
    case 'j':
        if (!fr_parse_u64(val, strlen(val), &v) || v < 1 || v > 256) {
            snprintf(why, whylen, "'%s' is not a number from 1 to 256", val);
            return FR_ERR_USAGE;
        }
        o->threads = (int)v;
        break;
    case 'q':
    case 'v':
    case OPT_WAIT:
    case OPT_PROGRESS:
        if (!parse_bool(val, &b) && !(id == OPT_PROGRESS && strcasecmp(val, "auto") == 0)) {
            snprintf(why, whylen, "'%s' is not true or false%s", val,
                     id == OPT_PROGRESS ? " or auto" : "");
            return FR_ERR_USAGE;
        }
        if (id == OPT_WAIT) {
            o->wait = b;
        } else if (id == OPT_PROGRESS) {
            o->progress = strcasecmp(val, "auto") == 0 ? -1 : b;
        } else if (id == 'q') {
            /* quiet and verbose are one setting: the last one given wins */
            o->quiet = b;
            o->verbose = b ? 0 : o->verbose;
        } else {
            o->verbose = b;
            o->quiet = b ? 0 : o->quiet;
        }
        break;
    case 'h': o->help = 1; break;
    case 'V': o->version = 1; break;
    case OPT_NO_PROGRESS: o->progress = 0; break;
    case OPT_CONFIG: break; /* read before anything else */
    case OPT_SINCE:
    case OPT_UNTIL:
        if (!fr_parse_duration(val, &t) && !fr_parse_time(val, &t)) {
            snprintf(why, whylen, "'%s' is not a duration, ISO-8601 time or epoch", val);
            return FR_ERR_USAGE;
        }
        *(id == OPT_SINCE ? &pe->since : &pe->until) = val;
        break;
    case OPT_WINDOW:
        if (!fr_parse_duration(val, &t) || t < 60 || t > 86400 || t % 60 != 0) {
            snprintf(why, whylen, "'%s' is not a whole number of minutes from 1m to 1d", val);
            return FR_ERR_USAGE;
        }
        o->window = t;
        o->window_set = 1;
        break;
    case OPT_FIELDS: {
        char err[128];
        fr_fieldmap_clear(&o->fields);
        fr_err e = fr_fieldmap_parse(&o->fields, val, strlen(val), err, sizeof err);
        if (e != FR_OK) {
            snprintf(why, whylen, "%s", err);
            return e;
        }
        pe->fields = val;
        break;
    }
    case OPT_TOP:
        if (!fr_parse_u64(val, strlen(val), &v) || v < 1 || v > 1000000) {
            snprintf(why, whylen, "'%s' is not a number from 1 to 1000000", val);
            return FR_ERR_USAGE;
        }
        o->top_n = (unsigned)v;
        break;
    case OPT_MAXMEM:
        if (!fr_parse_size(val, &o->max_memory) || o->max_memory < (1ULL << 20)) {
            snprintf(why, whylen, "'%s' is not a size of at least 1M", val);
            return FR_ERR_USAGE;
        }
        break;
    case OPT_INPUT:
        if (!*val) {
            snprintf(why, whylen, "an empty value is not an input");
            return FR_ERR_USAGE;
        }
        if (!push(&o->inputs, &o->n_inputs, &own->inputs_cap, val))
            goto nomem;
        break;
    case OPT_LOG_GROUP:
        if (!check_log_group(val)) {
            snprintf(why, whylen,
                     "'%s' is not a log group name (1 to 512 of A-Z a-z 0-9 . - _ / #) or ARN",
                     val);
            return FR_ERR_USAGE;
        }
        if (!push(&o->log_groups, &o->n_log_groups, &own->groups_cap, val))
            goto nomem;
        break;
    case OPT_LOG_STREAM_PREFIX:
        if (!*val || strlen(val) > 512 || strpbrk(val, ":*")) {
            snprintf(why, whylen, "'%s' is not a log stream name prefix (1 to 512, no ':' or '*')",
                     val);
            return FR_ERR_USAGE;
        }
        o->log_stream_prefix = val;
        break;
    case OPT_REGION:
        if (!check_region(val)) {
            snprintf(why, whylen, "'%s' is not a region name (like eu-west-3)", val);
            return FR_ERR_USAGE;
        }
        o->region = val;
        break;
    case OPT_PROFILE:
        if (!check_profile(val)) {
            snprintf(why, whylen, "'%s' is not a profile name", val);
            return FR_ERR_USAGE;
        }
        o->profile = val;
        break;
    case OPT_ENDPOINT_URL:
        if (!check_url(val)) {
            snprintf(why, whylen, "'%s' is not an http:// or https:// URL", val);
            return FR_ERR_USAGE;
        }
        o->endpoint_url = val;
        break;
    case OPT_CONNECTIONS:
        if (!fr_parse_u64(val, strlen(val), &v) || v < 1 || v > 64) {
            snprintf(why, whylen, "'%s' is not a number from 1 to 64", val);
            return FR_ERR_USAGE;
        }
        o->connections = (int)v;
        break;
    case OPT_RATE:
        if (!parse_decimal(val, &d) || !(d > 0) || d > 1000) {
            snprintf(why, whylen, "'%s' is not a number of requests per second above 0, up to 1000",
                     val);
            return FR_ERR_USAGE;
        }
        o->rate = d;
        break;
    case OPT_MAX_ATTEMPTS:
        if (!fr_parse_u64(val, strlen(val), &v) || v < 1 || v > 20) {
            snprintf(why, whylen, "'%s' is not a number from 1 to 20", val);
            return FR_ERR_USAGE;
        }
        o->max_attempts = (int)v;
        break;
    case OPT_SAVE_RAW:
        if (!*val) {
            snprintf(why, whylen, "an empty value is not a directory");
            return FR_ERR_USAGE;
        }
        o->save_raw = val;
        break;
    case OPT_SILENT_GAP:
        if (!fr_parse_duration(val, &t) || t < 1 || t > 366 * 86400) {
            snprintf(why, whylen, "'%s' is not a duration from 1s to 366d", val);
            return FR_ERR_USAGE;
        }
        o->audit.silent_gap = t;
        break;
    case OPT_ADMIN_PORTS:
        if (!fr_audit_parse_ports(val, o->audit.admin_ports)) {
            snprintf(why, whylen, "'%s' is not a comma-separated list of ports 0 to 65535", val);
            return FR_ERR_USAGE;
        }
        break;
    case OPT_EGRESS_THRESHOLD:
        if (!fr_parse_size(val, &o->audit.egress_threshold)) {
            snprintf(why, whylen, "'%s' is not a size (like 1G or 500M)", val);
            return FR_ERR_USAGE;
        }
        break;
    case OPT_SCAN_PORTS:
    case OPT_SWEEP_HOSTS:
    case OPT_SPIKE_FACTOR:
        if (!fr_parse_u64(val, strlen(val), &v) || v < 1 || v > 1000000) {
            snprintf(why, whylen, "'%s' is not a number from 1 to 1000000", val);
            return FR_ERR_USAGE;
        }
        *(id == OPT_SCAN_PORTS        ? &o->audit.scan_ports
              : id == OPT_SWEEP_HOSTS ? &o->audit.sweep_hosts
                                      : &o->audit.spike_factor) = v;
        break;
    case OPT_VPC_CIDR:
        if (o->audit.n_vpc_cidrs >= FR_MAX_VPC_CIDRS) {
            snprintf(why, whylen, "at most %d blocks", FR_MAX_VPC_CIDRS);
            return FR_ERR_USAGE;
        }
        if (!fr_cidr_parse(&o->vpc_cidrs[o->audit.n_vpc_cidrs], val)) {
            snprintf(why, whylen, "'%s' is not an address block (like 10.0.0.0/16)", val);
            return FR_ERR_USAGE;
        }
        o->audit.n_vpc_cidrs++;
        break;
    case OPT_ENI_INFO:
        if (!*val || o->n_eni_info >= FR_MAX_ENI_FILES) {
            snprintf(why, whylen, "%s", *val ? "too many files" : "an empty value is not a file");
            return FR_ERR_USAGE;
        }
        o->eni_info[o->n_eni_info++] = val;
        break;
    case OPT_BASELINE:
        if (!*val) {
            snprintf(why, whylen, "an empty value is not a directory");
            return FR_ERR_USAGE;
        }
        o->baseline = val;
        break;
    case OPT_PRORATE:
        if (!parse_bool(val, &b)) {
            snprintf(why, whylen, "'%s' is not true or false", val);
            return FR_ERR_USAGE;
        }
        o->prorate = b;
        break;
    case OPT_SAVE_STATE:
        if (!*val) {
            snprintf(why, whylen, "an empty value is not a file");
            return FR_ERR_USAGE;
        }
        o->save_state = val;
        break;
    case OPT_STATE_KEYS:
        if (!fr_parse_u64(val, strlen(val), &v) || v < 1 || v > (UINT64_C(1) << 40)) {
            snprintf(why, whylen, "'%s' is not a number of keys from 1 to 2^40", val);
            return FR_ERR_USAGE;
        }
        o->state_keys = v;
        break;
    case OPT_SHARD: return parse_shard(o, val, why, whylen);
    case OPT_DESCRIBE_ENIS:
        if (!parse_bool(val, &b)) {
            snprintf(why, whylen, "'%s' is not true or false", val);
            return FR_ERR_USAGE;
        }
        o->describe_enis = b;
        break;
    case OPT_FAIL_ON:
        if (!(o->fail_on = fr_severity_parse(val))) {
            snprintf(why, whylen, "'%s' is not low, medium or high", val);
            return FR_ERR_USAGE;
        }
        break;
    default: snprintf(why, whylen, "not an option"); return FR_ERR_USAGE;
    }
    return FR_OK;
nomem:
    snprintf(why, whylen, "out of memory");
    return FR_ERR_NOMEM;
}

/* Reads the configuration file (if any) and applies its entries. Returns
 * FR_OK, or an error with "FILE:LINE: key: reason" in errbuf. */
static fr_err apply_file(fr_opts *o, cli_owned *own, pending *pe, const char *explicit,
                         char *errbuf, size_t errlen)
{
    char *path = NULL;
    fr_err err = fr_config_locate(explicit, &path, errbuf, errlen);
    if (err != FR_OK || !path)
        return err;
    err = fr_config_read(path, &own->cfg, errbuf, errlen);
    free(path);
    if (err != FR_OK)
        return err;
    o->config_path = own->cfg.path;
    for (size_t i = 0; i < own->cfg.n; i++) {
        const fr_config_entry *e = &own->cfg.entries[i];
        size_t k = 0, nk = sizeof file_keys / sizeof file_keys[0];
        while (k < nk && !key_is(e->key, file_keys[k].key))
            k++;
        if (k == nk) {
            snprintf(errbuf, errlen, "%s:%d: %s: unknown key", own->cfg.path, e->line, e->key);
            return FR_ERR_USAGE;
        }
        char why[512];
        err = apply(o, own, pe, file_keys[k].id, e->value, why, sizeof why);
        if (err != FR_OK) {
            if (err == FR_ERR_NOMEM)
                snprintf(errbuf, errlen, "%s", why);
            else
                snprintf(errbuf, errlen, "%s:%d: %s: %s", own->cfg.path, e->line, e->key, why);
            return err;
        }
    }
    return FR_OK;
}

fr_err fr_cli_parse(int argc, char **argv, int64_t now, fr_opts *o, char *errbuf, size_t errlen)
{
    memset(o, 0, sizeof *o);
    o->outdir = "flowreport-report";
    o->fmt_csv = o->fmt_md = o->fmt_xlsx = 1;
    o->window = 3600;
    o->top_n = 20;
    o->max_memory = 512ULL << 20;
    o->connections = 8;
    o->rate = 5;
    o->max_attempts = 5;
    o->progress = -1;
    fr_audit_opts_default(&o->audit);
    o->audit.vpc_cidrs = o->vpc_cidrs;
    cli_owned *own = calloc(1, sizeof *own);
    /* Short options cluster (-qv), so an argument may hold several: every
     * option takes at least one character of argv. */
    size_t max_given = 1;
    for (int i = 0; i < argc; i++)
        max_given += strlen(argv[i]) + 1;
    struct {
        int id;
        const char *val;
    } *given = calloc(max_given, sizeof *given);
    size_t n_given = 0;
    pending pe = {NULL, NULL, NULL, 0};
    fr_err err = FR_ERR_NOMEM;
    char why[512];
    o->owned = own;
    o->command_line = quote_args(argc, argv);
    if (!own || !given || !o->command_line) {
        snprintf(errbuf, errlen, "out of memory");
        goto fail;
    }

    /* the command line first, only to know what it says */
    const char *config = NULL;
    int help = 0;
    opterr = 0;
    optind = 0; /* glibc's full reset: forget the previous call's argv */
    int c;
    err = FR_ERR_USAGE;
    while ((c = getopt_long(argc, argv, ":o:f:j:qvhV", longopts, NULL)) != -1) {
        if (c == ':') {
            snprintf(errbuf, errlen, "option '%s' needs a value", argv[optind - 1]);
            goto fail;
        }
        if (c == '?') {
            /* a long option is the argument getopt just passed (a flag given
             * a value sets optopt to its id); optopt names a short option
             * inside a cluster (-xq) */
            const char *arg = argv[optind - 1];
            if (strncmp(arg, "--", 2) == 0) {
                size_t len = strcspn(arg + 2, "=");
                const struct option *lo = longopts;
                while (lo->name && (strlen(lo->name) != len || strncmp(lo->name, arg + 2, len)))
                    lo++;
                if (lo->name && arg[2 + len] == '=')
                    snprintf(errbuf, errlen, "option '--%s' takes no value", lo->name);
                else
                    snprintf(errbuf, errlen, "unknown option '%s'", arg);
            } else if (optopt > 0 && optopt < 256) {
                snprintf(errbuf, errlen, "unknown option '-%c'", optopt);
            } else {
                snprintf(errbuf, errlen, "unknown option '%s'", arg);
            }
            goto fail;
        }
        if (c == OPT_CONFIG) {
            if (!*optarg) {
                snprintf(errbuf, errlen, "--config: an empty value is not a file");
                goto fail;
            }
            config = optarg;
        }
        if (c == 'h' || c == 'V')
            help = 1;
        given[n_given].id = c;
        given[n_given++].val = optarg ? optarg : "true";
    }

    /* then the configuration file, which --help and --version skip */
    if (!help && (err = apply_file(o, own, &pe, config, errbuf, errlen)) != FR_OK)
        goto fail;

    /* then the command line over it: its INPUTs, --log-group and -f replace
     * the file's (repeated, they add up), its other options the file's value */
    int groups_given = 0, formats_given = 0;
    for (size_t i = 0; i < n_given; i++) {
        int id = given[i].id;
        if (id == OPT_LOG_GROUP && !groups_given++)
            o->n_log_groups = 0;
        if (id == 'f')
            pe.formats_add = formats_given++ > 0;
        if ((err = apply(o, own, &pe, id, given[i].val, why, sizeof why)) != FR_OK) {
            if (err == FR_ERR_NOMEM)
                snprintf(errbuf, errlen, "%s", why);
            else
                snprintf(errbuf, errlen, "--%s: %s", opt_name(id), why);
            goto fail;
        }
    }
    if (optind < argc)
        o->n_inputs = 0;
    for (int i = optind; i < argc; i++) {
        if (!*argv[i]) {
            snprintf(errbuf, errlen, "an empty INPUT");
            err = FR_ERR_USAGE;
            goto fail;
        }
        if (!push(&o->inputs, &o->n_inputs, &own->inputs_cap, argv[i])) {
            snprintf(errbuf, errlen, "out of memory");
            err = FR_ERR_NOMEM;
            goto fail;
        }
    }

    /* and what depends on several options */
    err = FR_ERR_USAGE;
    if (!pe.fields) {
        char ferr[128];
        if (fr_fieldmap_parse(&o->fields, FR_DEFAULT_FORMAT, strlen(FR_DEFAULT_FORMAT), ferr,
                              sizeof ferr) != FR_OK) {
            snprintf(errbuf, errlen, "--fields: %s", ferr);
            goto fail;
        }
    }
    int64_t d;
    if (pe.until) {
        if (fr_parse_duration(pe.until, &d))
            o->until = now - d;
        else
            fr_parse_time(pe.until, &o->until);
        o->until_set = 1;
    }
    if (pe.since) {
        if (fr_parse_duration(pe.since, &d))
            o->since = (o->until_set ? o->until : now) - d;
        else
            fr_parse_time(pe.since, &o->since);
        o->since_set = 1;
    }
    if (o->since_set && o->until_set && o->since >= o->until) {
        snprintf(errbuf, errlen, "--since must be before --until");
        goto fail;
    }
    if (o->state_keys && !o->save_state) {
        snprintf(errbuf, errlen, "--state-keys needs --save-state: it caps the saved state");
        goto fail;
    }
    /* the findings' distinct pairs get an eighth of --max-memory (per
     * worker; the same for every -j, so the output does not depend on it) */
    o->audit.distinct_budget = (size_t)(o->max_memory / 8 / FR_DISTINCT_BYTES_PER_KEY);
    free(given);
    return FR_OK;
fail:
    free(given);
    return err;
}

void fr_opts_clear(fr_opts *o)
{
    cli_owned *own = o->owned;
    if (own) {
        fr_config_clear(&own->cfg);
        free(own);
    }
    fr_fieldmap_clear(&o->fields);
    free(o->command_line);
    free(o->inputs);
    free(o->log_groups);
    o->owned = NULL;
    o->command_line = NULL;
    o->inputs = o->log_groups = NULL;
    o->n_inputs = o->n_log_groups = 0;
    o->config_path = NULL;
}

fr_err fr_cli_output_dir(const fr_opts *o, int64_t period_start, char **out, char *errbuf,
                         size_t errlen)
{
    *out = NULL;
    const char *fmt = o->outdir;
    if (!strchr(fmt, '%')) {
        if (!(*out = strdup(fmt)))
            goto nomem;
        return FR_OK;
    }
    char why[512];
    if (!check_output(fmt, why, sizeof why)) {
        snprintf(errbuf, errlen, "--output: %s", why);
        return FR_ERR_USAGE;
    }
    time_t t = (time_t)period_start;
    struct tm tm;
    if ((int64_t)t != period_start || !gmtime_r(&t, &tm)) {
        snprintf(errbuf, errlen, "--output: the period's start is out of range");
        return FR_ERR_RANGE;
    }
    for (size_t cap = strlen(fmt) * 4 + 64; cap <= 65536; cap *= 2) {
        char *buf = malloc(cap);
        if (!buf)
            goto nomem;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        /* the conversions were checked above */
        size_t n = strftime(buf, cap, fmt, &tm);
#pragma GCC diagnostic pop
        if (n > 0) {
            *out = buf;
            return FR_OK;
        }
        free(buf);
    }
    snprintf(errbuf, errlen, "--output: '%s' expands to nothing or to too long a path", fmt);
    return FR_ERR_USAGE;
nomem:
    snprintf(errbuf, errlen, "out of memory");
    return FR_ERR_NOMEM;
}

size_t fr_cli_unknown_fields(const fr_opts *o, const char **names, size_t max)
{
    size_t n = 0;
    for (int i = 0; i < o->fields.n && i < FR_MAX_FIELDS; i++) {
        const char *u = o->fields.unknown[i];
        if (o->fields.id[i] != FR_F_UNKNOWN || !u)
            continue;
        int seen = 0;
        for (int k = 0; k < i && !seen; k++)
            seen = o->fields.id[k] == FR_F_UNKNOWN && o->fields.unknown[k] &&
                strcmp(o->fields.unknown[k], u) == 0;
        if (seen)
            continue;
        if (n < max)
            names[n] = u;
        n++;
    }
    return n;
}

size_t fr_cli_warn_unknown_fields(const fr_opts *o, FILE *fp)
{
    const char *names[FR_MAX_FIELDS];
    size_t n = fr_cli_unknown_fields(o, names, FR_MAX_FIELDS);
    for (size_t i = 0; i < n && i < FR_MAX_FIELDS; i++)
        fprintf(fp, "flowreport: warning: --fields: unknown field '%s' (its column is ignored)\n",
                names[i]);
    return n;
}
