/* SPDX-License-Identifier: MIT */
/* flowlog_parse: field registry, header lines and the per-record parser. */
#include "fr_flowlog.h"

#include <jansson.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct field_def {
    const char *name;
    fr_kind kind;
} field_def;

static const field_def fields[FR_F_COUNT] = {
    [FR_F_VERSION] = {"version", FR_K_U8},
    [FR_F_ACCOUNT_ID] = {"account-id", FR_K_TEXT},
    [FR_F_INTERFACE_ID] = {"interface-id", FR_K_TEXT},
    [FR_F_SRCADDR] = {"srcaddr", FR_K_ADDR},
    [FR_F_DSTADDR] = {"dstaddr", FR_K_ADDR},
    [FR_F_SRCPORT] = {"srcport", FR_K_PORT},
    [FR_F_DSTPORT] = {"dstport", FR_K_PORT},
    [FR_F_PROTOCOL] = {"protocol", FR_K_U8},
    [FR_F_PACKETS] = {"packets", FR_K_COUNTER},
    [FR_F_BYTES] = {"bytes", FR_K_COUNTER},
    [FR_F_START] = {"start", FR_K_TIME},
    [FR_F_END] = {"end", FR_K_TIME},
    [FR_F_ACTION] = {"action", FR_K_ENUM},
    [FR_F_LOG_STATUS] = {"log-status", FR_K_ENUM},
    [FR_F_VPC_ID] = {"vpc-id", FR_K_TEXT},
    [FR_F_SUBNET_ID] = {"subnet-id", FR_K_TEXT},
    [FR_F_INSTANCE_ID] = {"instance-id", FR_K_TEXT},
    [FR_F_TCP_FLAGS] = {"tcp-flags", FR_K_U8},
    [FR_F_TYPE] = {"type", FR_K_TEXT},
    [FR_F_PKT_SRCADDR] = {"pkt-srcaddr", FR_K_ADDR},
    [FR_F_PKT_DSTADDR] = {"pkt-dstaddr", FR_K_ADDR},
    [FR_F_REGION] = {"region", FR_K_TEXT},
    [FR_F_AZ_ID] = {"az-id", FR_K_TEXT},
    [FR_F_SUBLOCATION_TYPE] = {"sublocation-type", FR_K_TEXT},
    [FR_F_SUBLOCATION_ID] = {"sublocation-id", FR_K_TEXT},
    [FR_F_PKT_SRC_AWS_SERVICE] = {"pkt-src-aws-service", FR_K_TEXT},
    [FR_F_PKT_DST_AWS_SERVICE] = {"pkt-dst-aws-service", FR_K_TEXT},
    [FR_F_FLOW_DIRECTION] = {"flow-direction", FR_K_ENUM},
    [FR_F_TRAFFIC_PATH] = {"traffic-path", FR_K_U8},
    [FR_F_ECS_CLUSTER_ARN] = {"ecs-cluster-arn", FR_K_TEXT},
    [FR_F_ECS_CLUSTER_NAME] = {"ecs-cluster-name", FR_K_TEXT},
    [FR_F_ECS_CONTAINER_INSTANCE_ARN] = {"ecs-container-instance-arn", FR_K_TEXT},
    [FR_F_ECS_CONTAINER_INSTANCE_ID] = {"ecs-container-instance-id", FR_K_TEXT},
    [FR_F_ECS_CONTAINER_ID] = {"ecs-container-id", FR_K_TEXT},
    [FR_F_ECS_SECOND_CONTAINER_ID] = {"ecs-second-container-id", FR_K_TEXT},
    [FR_F_ECS_SERVICE_NAME] = {"ecs-service-name", FR_K_TEXT},
    [FR_F_ECS_TASK_DEFINITION_ARN] = {"ecs-task-definition-arn", FR_K_TEXT},
    [FR_F_ECS_TASK_ARN] = {"ecs-task-arn", FR_K_TEXT},
    [FR_F_ECS_TASK_ID] = {"ecs-task-id", FR_K_TEXT},
    [FR_F_REJECT_REASON] = {"reject-reason", FR_K_TEXT},
    [FR_F_RESOURCE_ID] = {"resource-id", FR_K_TEXT},
    [FR_F_ENCRYPTION_STATUS] = {"encryption-status", FR_K_U8},
    [FR_F_INSTANCE_TAG] = {"instance-tag", FR_K_TEXT},
    [FR_F_INSTANCE_TAG_2] = {"instance-tag-2", FR_K_TEXT},
    [FR_F_INTERFACE_TAG] = {"interface-tag", FR_K_TEXT},
    [FR_F_INTERFACE_TAG_2] = {"interface-tag-2", FR_K_TEXT},
    [FR_F_ASG_TAG] = {"asg-tag", FR_K_TEXT},
    [FR_F_ASG_TAG_2] = {"asg-tag-2", FR_K_TEXT},
    [FR_F_INTERFACE_TYPE] = {"interface-type", FR_K_TEXT},
    [FR_F_NEXT_HOP_INTERFACE_ID] = {"next-hop-interface-id", FR_K_TEXT},
    [FR_F_NEXT_HOP_SUBNET_ID] = {"next-hop-subnet-id", FR_K_TEXT},
    [FR_F_NEXT_HOP_AZ_ID] = {"next-hop-az-id", FR_K_TEXT},
    [FR_F_NEXT_HOP_VPC_ID] = {"next-hop-vpc-id", FR_K_TEXT},
    [FR_F_NEXT_HOP_INTERFACE_TYPE] = {"next-hop-interface-type", FR_K_TEXT},
    [FR_F_RESOURCE_TYPE] = {"resource-type", FR_K_TEXT},
    [FR_F_TGW_ID] = {"tgw-id", FR_K_TEXT},
    [FR_F_TGW_ATTACHMENT_ID] = {"tgw-attachment-id", FR_K_TEXT},
    [FR_F_TGW_SRC_VPC_ACCOUNT_ID] = {"tgw-src-vpc-account-id", FR_K_TEXT},
    [FR_F_TGW_DST_VPC_ACCOUNT_ID] = {"tgw-dst-vpc-account-id", FR_K_TEXT},
    [FR_F_TGW_SRC_VPC_ID] = {"tgw-src-vpc-id", FR_K_TEXT},
    [FR_F_TGW_DST_VPC_ID] = {"tgw-dst-vpc-id", FR_K_TEXT},
    [FR_F_TGW_SRC_SUBNET_ID] = {"tgw-src-subnet-id", FR_K_TEXT},
    [FR_F_TGW_DST_SUBNET_ID] = {"tgw-dst-subnet-id", FR_K_TEXT},
    [FR_F_TGW_SRC_ENI] = {"tgw-src-eni", FR_K_TEXT},
    [FR_F_TGW_DST_ENI] = {"tgw-dst-eni", FR_K_TEXT},
    [FR_F_TGW_SRC_AZ_ID] = {"tgw-src-az-id", FR_K_TEXT},
    [FR_F_TGW_DST_AZ_ID] = {"tgw-dst-az-id", FR_K_TEXT},
    [FR_F_TGW_PAIR_ATTACHMENT_ID] = {"tgw-pair-attachment-id", FR_K_TEXT},
    [FR_F_PACKETS_LOST_NO_ROUTE] = {"packets-lost-no-route", FR_K_COUNTER},
    [FR_F_PACKETS_LOST_BLACKHOLE] = {"packets-lost-blackhole", FR_K_COUNTER},
    [FR_F_PACKETS_LOST_MTU_EXCEEDED] = {"packets-lost-mtu-exceeded", FR_K_COUNTER},
    [FR_F_PACKETS_LOST_TTL_EXPIRED] = {"packets-lost-ttl-expired", FR_K_COUNTER},
};

/* Milliseconds start at this value (year 5138 in seconds, 1973 in ms). */
#define MS_THRESHOLD 100000000000ULL
/* Latest time accepted: 9999-12-31T23:59:59Z (ISO-8601 has four digits). */
#define MAX_TIME 253402300799ULL
/* Longest plausible end - start, in seconds. */
#define MAX_DURATION 86400

const char *fr_field_name(fr_field f)
{
    return (unsigned)f < FR_F_COUNT ? fields[f].name : NULL;
}

fr_kind fr_field_kind(fr_field f)
{
    return (unsigned)f < FR_F_COUNT ? fields[f].kind : FR_K_TEXT;
}

/* 1 when name[0..len) spells field name f, an underscore standing for each
 * hyphen ("log_status", as Athena, Parquet and log shippers write it). */
static int name_matches(const char *f, const char *name, size_t len)
{
    size_t i = 0;
    for (; i < len && f[i]; i++)
        if (name[i] != f[i] && !(f[i] == '-' && name[i] == '_'))
            return 0;
    return i == len && f[i] == '\0';
}

fr_field fr_field_lookup(const char *name, size_t len)
{
    for (int i = 0; i < FR_F_COUNT; i++)
        if (name_matches(fields[i].name, name, len))
            return (fr_field)i;
    return FR_F_UNKNOWN;
}

static inline int is_ws(char c)
{
    return c == ' ' || c == '\t';
}

/* Compares 6 or 8 bytes with a word load each (memcmp is a call here). */
static inline int eq6(const char *t, const char *lit)
{
    uint32_t a, b;
    uint16_t c, d;
    memcpy(&a, t, 4);
    memcpy(&b, lit, 4);
    memcpy(&c, t + 4, 2);
    memcpy(&d, lit + 4, 2);
    return a == b && c == d;
}

static inline int eq8(const char *t, const char *lit)
{
    uint64_t a, b;
    memcpy(&a, t, 8);
    memcpy(&b, lit, 8);
    return a == b;
}

void fr_fieldmap_clear(fr_fieldmap *m)
{
    for (int i = 0; i < m->n; i++)
        free(m->unknown[i]);
    memset(m, 0, sizeof *m);
}

fr_err fr_fieldmap_parse(fr_fieldmap *m, const char *s, size_t len, char *errbuf, size_t errlen)
{
    fr_fieldmap_clear(m);
    size_t i = 0;
    while (i < len) {
        while (i < len && (is_ws(s[i]) || s[i] == '\r' || s[i] == ','))
            i++;
        if (i >= len)
            break;
        size_t b = i;
        while (i < len && !is_ws(s[i]) && s[i] != '\r' && s[i] != ',')
            i++;
        const char *name = s + b;
        size_t nlen = i - b;
        if (nlen >= 3 && name[0] == '$' && name[1] == '{' && name[nlen - 1] == '}') {
            name += 2;
            nlen -= 3;
        }
        if (m->n == FR_MAX_FIELDS) {
            snprintf(errbuf, errlen, "more than %d fields", FR_MAX_FIELDS);
            fr_fieldmap_clear(m);
            return FR_ERR_USAGE;
        }
        fr_field f = fr_field_lookup(name, nlen);
        m->id[m->n] = (uint16_t)f;
        if (f == FR_F_UNKNOWN) {
            m->unknown[m->n] = strndup(name, nlen);
            if (!m->unknown[m->n]) {
                fr_fieldmap_clear(m);
                return FR_ERR_NOMEM;
            }
        }
        /* Transit Gateway fields, known ones and any newer tgw-* name */
        if ((f >= FR_F_RESOURCE_TYPE && f < FR_F_COUNT) ||
            (f == FR_F_UNKNOWN &&
             ((nlen > 4 && (memcmp(name, "tgw-", 4) == 0 || memcmp(name, "tgw_", 4) == 0)) ||
              (nlen > 13 &&
               (memcmp(name, "packets-lost-", 13) == 0 ||
                memcmp(name, "packets_lost_", 13) == 0)))))
            m->tgw = 1;
        m->n++;
    }
    if (m->n == 0) {
        snprintf(errbuf, errlen, "no field names");
        return FR_ERR_USAGE;
    }
    m->is_default = m->n == 14;
    for (int c = 0; c < m->n && m->is_default; c++)
        m->is_default = m->id[c] == c; /* FR_F_VERSION .. FR_F_LOG_STATUS */
    return FR_OK;
}

int fr_fieldmap_duplicate(const fr_fieldmap *m, char *errbuf, size_t errlen)
{
    for (int i = 1; i < m->n; i++)
        for (int k = 0; k < i; k++)
            if (m->id[k] == m->id[i] &&
                (m->id[i] != FR_F_UNKNOWN || strcmp(m->unknown[k], m->unknown[i]) == 0)) {
                const char *name = m->id[i] == FR_F_UNKNOWN ? m->unknown[i] : fields[m->id[i]].name;
                snprintf(errbuf, errlen, "field '%.64s' given twice", name);
                return 1;
            }
    return 0;
}

int fr_fieldmap_equal(const fr_fieldmap *a, const fr_fieldmap *b)
{
    if (a->n != b->n)
        return 0;
    for (int i = 0; i < a->n; i++) {
        if (a->id[i] != b->id[i])
            return 0;
        if (a->id[i] == FR_F_UNKNOWN && strcmp(a->unknown[i], b->unknown[i]) != 0)
            return 0;
    }
    return 1;
}

fr_err fr_fieldmap_copy(fr_fieldmap *dst, const fr_fieldmap *src)
{
    *dst = *src;
    for (int i = 0; i < src->n; i++) {
        if (src->unknown[i] && !(dst->unknown[i] = strdup(src->unknown[i]))) {
            for (int k = 0; k < i; k++)
                free(dst->unknown[k]);
            memset(dst, 0, sizeof *dst);
            return FR_ERR_NOMEM;
        }
    }
    return FR_OK;
}

int fr_line_is_header(const char *line, size_t len)
{
    size_t i = 0;
    while (i < len && is_ws(line[i]))
        i++;
    if (i >= len || !(line[i] >= 'a' && line[i] <= 'z')) {
        /* "${version} ..." as printed by the console counts too */
        if (!(i + 2 < len && line[i] == '$' && line[i + 1] == '{'))
            return 0;
    }
    size_t b = i;
    while (i < len && !is_ws(line[i]) && line[i] != '\r')
        i++;
    const char *name = line + b;
    size_t nlen = i - b;
    if (nlen >= 3 && name[0] == '$') {
        name += 2;
        nlen -= 3;
    }
    return fr_field_lookup(name, nlen) != FR_F_UNKNOWN;
}

int fr_parse_u64(const char *s, size_t len, uint64_t *v)
{
    if (len == 0 || len > 20)
        return 0;
    uint64_t x = 0;
    size_t i = 0, safe = len < 19 ? len : 19; /* 19 digits cannot overflow */
    for (; i < safe; i++) {
        unsigned d = (unsigned)(unsigned char)s[i] - '0';
        if (d > 9)
            return 0;
        x = x * 10 + d;
    }
    for (; i < len; i++) {
        unsigned d = (unsigned)(unsigned char)s[i] - '0';
        if (d > 9 || __builtin_mul_overflow(x, 10, &x) || __builtin_add_overflow(x, d, &x))
            return 0;
    }
    *v = x;
    return 1;
}

void fr_parser_init(fr_parser *p)
{
    memset(p, 0, sizeof *p);
    time_t now = time(NULL);
    p->latest = (int64_t)now + FR_FUTURE_SLACK;
    if (now == (time_t)-1 || p->latest > (int64_t)MAX_TIME)
        p->latest = (int64_t)MAX_TIME;
}

/* Reads an unsigned decimal token. Returns 1 and *v, 0 when it is not a
 * number, -1 when it is one but does not fit in 64 bits. */
static int parse_num(const char *t, size_t tl, uint64_t *v)
{
    if (fr_parse_u64(t, tl, v))
        return 1;
    if (tl == 0)
        return 0;
    for (size_t i = 0; i < tl; i++)
        if (t[i] < '0' || t[i] > '9')
            return 0;
    size_t z = 0;
    while (z + 1 < tl && t[z] == '0')
        z++; /* leading zeros do not change the value */
    if (tl - z <= 20 && fr_parse_u64(t + z, tl - z, v))
        return 1;
    return -1;
}

void fr_parser_clear(fr_parser *p)
{
    free(p->scratch);
    memset(p, 0, sizeof *p);
}

/* 1 when s starts with "YYYY-MM-DDTHH:MM:SS[.fff]Z "; *skip = prefix length. */
static int export_prefix(const char *s, size_t len, size_t *skip)
{
    static const char pat[] = "dddd-dd-ddTdd:dd:dd";
    if (len < 21)
        return 0;
    for (int i = 0; i < 19; i++) {
        if (pat[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != pat[i])
            return 0;
    }
    size_t i = 19;
    if (s[i] == '.') { /* milliseconds: exactly three digits */
        if (len < 25 || !(s[20] >= '0' && s[20] <= '9') || !(s[21] >= '0' && s[21] <= '9') ||
            !(s[22] >= '0' && s[22] <= '9'))
            return 0;
        i = 23;
    }
    if (i + 1 >= len || s[i] != 'Z' || !is_ws(s[i + 1]))
        return 0;
    *skip = i + 2;
    return 1;
}

/* Unwraps a CloudWatch export prefix or a {"message": ...} wrapper: sets
 * *out and *outlen to the record text. Returns 0 when a JSON wrapper is
 * broken (p->reason says why), else 1. */
static int unwrap_line(fr_parser *p, const char *line, size_t len, const char **out, size_t *outlen)
{
    size_t skip;
    if (line[0] >= '0' && line[0] <= '9' && export_prefix(line, len, &skip)) {
        *out = line + skip;
        *outlen = len - skip;
        return 1;
    }
    if (line[0] != '{') {
        *out = line;
        *outlen = len;
        return 1;
    }
    json_error_t jerr;
    json_t *doc = json_loadb(line, len, 0, &jerr);
    json_t *msg = doc ? json_object_get(doc, "message") : NULL;
    if (!msg || !json_is_string(msg)) {
        /* the marker lines of fr_jsondoc name what was wrong with an event */
        static const char *const marks[] = {"event without a message", "event too large",
                                            "document without events"};
        const char *why = doc ? "JSON line without a \"message\" string" : "bad JSON";
        for (size_t k = 0; doc && json_object_size(doc) == 1 && k < 3; k++)
            if (json_is_true(json_object_get(doc, marks[k])))
                why = marks[k];
        snprintf(p->reason, sizeof p->reason, "%s", why);
        json_decref(doc);
        return 0;
    }
    size_t mlen = json_string_length(msg);
    if (mlen + 1 > p->scratch_cap) {
        char *n = realloc(p->scratch, mlen + 1);
        if (!n) {
            snprintf(p->reason, sizeof p->reason, "out of memory");
            json_decref(doc);
            return 0;
        }
        p->scratch = n;
        p->scratch_cap = mlen + 1;
    }
    memcpy(p->scratch, json_string_value(msg), mlen + 1);
    json_decref(doc);
    /* A message may itself carry an export prefix; not seen, but harmless. */
    *out = p->scratch;
    *outlen = mlen;
    return 1;
}

/* Bit i set when s[base + i] is a space or tab, for the 64 bytes from base;
 * bytes at or past n count as separators. */
static inline uint64_t sep_mask(const char *s, size_t base, size_t n)
{
    uint64_t m = 0;
    size_t i = 0, avail = n - base;
#ifdef __SSE2__
    const __m128i sp = _mm_set1_epi8(' '), tab = _mm_set1_epi8('\t');
    for (; i + 16 <= avail && i < 64; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(s + base + i));
        __m128i eq = _mm_or_si128(_mm_cmpeq_epi8(v, sp), _mm_cmpeq_epi8(v, tab));
        m |= (uint64_t)(uint16_t)_mm_movemask_epi8(eq) << i;
    }
#endif
    size_t end = avail < 64 ? avail : 64;
    for (; i < end; i++)
        if (is_ws(s[base + i]))
            m |= 1ULL << i;
    if (avail < 64)
        m |= ~0ULL << avail;
    return m;
}

/* Splits s[0..n) at runs of spaces and tabs into rec->tok/toklen (at most
 * FR_MAX_FIELDS kept). Returns the number of tokens. */
static int split_tokens(const char *s, size_t n, fr_record *rec)
{
    int cols = 0;
    size_t base = 0, start = 0;
    int in_token = 0;
    while (base < n) {
        uint64_t m = sep_mask(s, base, n);
        uint64_t look = in_token ? m : ~m; /* what ends the current state */
        unsigned off = 0;
        while (off < 64) {
            uint64_t rest = look >> off;
            if (!rest)
                break;
            off += (unsigned)__builtin_ctzll(rest);
            if (in_token) {
                if (cols < FR_MAX_FIELDS) {
                    rec->tok[cols] = s + start;
                    rec->toklen[cols] = (uint32_t)(base + off - start);
                }
                cols++;
            } else {
                start = base + off;
            }
            in_token = !in_token;
            look = ~look;
        }
        base += 64;
    }
    if (in_token) { /* n is a multiple of 64: the last token ends at n */
        if (cols < FR_MAX_FIELDS) {
            rec->tok[cols] = s + start;
            rec->toklen[cols] = (uint32_t)(n - start);
        }
        cols++;
    }
    return cols;
}

/* Sets the reason and returns FR_LINE_MALFORMED. */
static fr_line_kind bad(fr_parser *p, const char *what, fr_field f, int col, const fr_fieldmap *map)
{
    const char *name = f < FR_F_COUNT ? fields[f].name : map->unknown[col];
    snprintf(p->reason, sizeof p->reason, "%s in %s", what, name ? name : "?");
    return FR_LINE_MALFORMED;
}

/* ---- the default format's fast path ----
 * Most exports use the default version-2 format. This parser reads it in one
 * pass, parsing numbers while it looks for the separators. It accepts only
 * what the general parser accepts with the same values; on anything unusual
 * it returns 0 and the general parser takes the line and names the fault. */

/* Moves *pp past a run of separators. */
static inline void fast_ws(const char **pp, const char *end)
{
    const char *p = *pp;
    while (p < end && is_ws(*p))
        p++;
    *pp = p;
}

/* Reads the token at *pp into column col. Returns its length. */
static inline size_t fast_tok(const char **pp, const char *end, fr_record *rec, int col)
{
    const char *p = *pp, *t = p;
#ifdef __SSE2__
    /* 16 bytes at a time while they lie inside the line */
    const __m128i sp = _mm_set1_epi8(' '), tab = _mm_set1_epi8('\t');
    while (end - p >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)p);
        unsigned m = (unsigned)_mm_movemask_epi8(
            _mm_or_si128(_mm_cmpeq_epi8(v, sp), _mm_cmpeq_epi8(v, tab)));
        if (m) {
            p += __builtin_ctz(m);
            goto found;
        }
        p += 16;
    }
#endif
    while (p < end && !is_ws(*p))
        p++;
#ifdef __SSE2__
found:
#endif
    rec->tok[col] = t;
    rec->toklen[col] = (uint32_t)(p - t);
    *pp = p;
    fast_ws(pp, end);
    return (size_t)(p - t);
}

/* Reads a number of at most 19 digits, or '-'. Returns 1 (present), 0
 * (absent) or -1 (anything else). */
static inline int fast_num(const char **pp, const char *end, fr_record *rec, int col, uint64_t *v)
{
    const char *p = *pp, *t = p;
    uint64_t x = 0;
    while (p < end) {
        unsigned d = (unsigned)(unsigned char)*p - '0';
        if (d > 9)
            break;
        x = x * 10 + d;
        p++;
    }
    size_t nd = (size_t)(p - t);
    if (nd == 0) {
        if (p < end && *p == '-' && (p + 1 == end || is_ws(p[1]))) {
            rec->tok[col] = t;
            rec->toklen[col] = 1;
            *pp = p + 1;
            fast_ws(pp, end);
            return 0;
        }
        return -1;
    }
    if (nd > 19 || (p < end && !is_ws(*p)))
        return -1;
    rec->tok[col] = t;
    rec->toklen[col] = (uint32_t)nd;
    *v = x;
    *pp = p;
    fast_ws(pp, end);
    return 1;
}

/* Reads an address, IPv4 parsed in the same pass, anything else through
 * fr_addr_parse. Returns 1 (present), 0 ('-') or -1 (not an address). */
static inline int fast_addr(const char **pp, const char *end, fr_record *rec, int col, fr_addr *a)
{
    const char *p = *pp, *t = p;
    unsigned parts = 0, v = 0, digits = 0;
    uint8_t b[4];
    while (p < end) {
        unsigned d = (unsigned)(unsigned char)*p - '0';
        if (d <= 9) {
            if ((digits == 1 && v == 0) || digits == 3)
                goto general; /* leading zero or too many digits */
            v = v * 10 + d;
            digits++;
        } else if (*p == '.' && digits && parts < 3 && v <= 255) {
            b[parts++] = (uint8_t)v;
            v = digits = 0;
        } else {
            break;
        }
        p++;
    }
    if (parts == 3 && digits && v <= 255 && (p == end || is_ws(*p))) {
        b[3] = (uint8_t)v;
        memset(a, 0, sizeof *a);
        a->family = 4;
        memcpy(a->b, b, 4);
        rec->tok[col] = t;
        rec->toklen[col] = (uint32_t)(p - t);
        *pp = p;
        fast_ws(pp, end);
        return 1;
    }
general:
    *pp = t;
    size_t tl = fast_tok(pp, end, rec, col);
    if (tl == 1 && t[0] == '-')
        return 0;
    return tl && fr_addr_parse(a, t, tl) ? 1 : -1;
}

/* Reads a time in seconds or milliseconds into *t. Returns 1 (present),
 * 0 ('-') or -1 (anything else, out of range included). */
static inline int fast_time(const char **pp, const char *end, fr_record *rec, int col, int64_t *t,
                            int64_t latest)
{
    uint64_t v;
    int r = fast_num(pp, end, rec, col, &v);
    if (r <= 0)
        return r;
    if (v >= MS_THRESHOLD)
        v /= 1000;
    if (v > MAX_TIME || (int64_t)v > latest)
        return -1;
    *t = (int64_t)v;
    return 1;
}

/* Parses a default-format record. Returns 1 when rec is complete, 0 when the
 * general parser must look at the line. */
static int parse_default_fast(const char *s, size_t n, fr_record *rec, int64_t latest)
{
    const char *p = s, *end = s + n;
    uint64_t v;
    int r;
    rec->has = 0;
    rec->action = FR_ACTION_NONE;
    rec->status = FR_STATUS_NONE;
    rec->packets = rec->bytes = 0;
    /* version */
    if ((r = fast_num(&p, end, rec, 0, &v)) < 0 || (r && v > 255))
        return 0;
    /* account-id, interface-id */
    size_t tl = fast_tok(&p, end, rec, 1);
    if (tl == 0 || tl > FR_MAX_ID || memchr(rec->tok[1], '\0', tl))
        return 0;
    if (!(tl == 1 && rec->tok[1][0] == '-')) {
        rec->account = rec->tok[1];
        rec->account_len = (uint32_t)tl;
        rec->has |= FR_HAS_ACCOUNT;
    }
    tl = fast_tok(&p, end, rec, 2);
    if (tl == 0 || tl > FR_MAX_ID || memchr(rec->tok[2], '\0', tl))
        return 0;
    if (!(tl == 1 && rec->tok[2][0] == '-')) {
        rec->iface = rec->tok[2];
        rec->iface_len = (uint32_t)tl;
        rec->has |= FR_HAS_IFACE;
    }
    /* srcaddr, dstaddr */
    if ((r = fast_addr(&p, end, rec, 3, &rec->src)) < 0)
        return 0;
    if (r)
        rec->has |= FR_HAS_SRCADDR;
    if ((r = fast_addr(&p, end, rec, 4, &rec->dst)) < 0)
        return 0;
    if (r)
        rec->has |= FR_HAS_DSTADDR;
    /* srcport, dstport, protocol */
    if ((r = fast_num(&p, end, rec, 5, &v)) < 0 || (r && v > 65535))
        return 0;
    if (r) {
        rec->srcport = (uint16_t)v;
        rec->has |= FR_HAS_SRCPORT;
    }
    if ((r = fast_num(&p, end, rec, 6, &v)) < 0 || (r && v > 65535))
        return 0;
    if (r) {
        rec->dstport = (uint16_t)v;
        rec->has |= FR_HAS_DSTPORT;
    }
    if ((r = fast_num(&p, end, rec, 7, &v)) < 0 || (r && v > 255))
        return 0;
    if (r) {
        rec->protocol = (uint8_t)v;
        rec->has |= FR_HAS_PROTOCOL;
    }
    /* packets, bytes */
    if ((r = fast_num(&p, end, rec, 8, &v)) < 0 || (r && v > INT64_MAX))
        return 0;
    if (r) {
        rec->packets = v;
        rec->has |= FR_HAS_PACKETS;
    }
    if ((r = fast_num(&p, end, rec, 9, &v)) < 0 || (r && v > INT64_MAX))
        return 0;
    if (r) {
        rec->bytes = v;
        rec->has |= FR_HAS_BYTES;
    }
    /* start, end */
    if ((r = fast_time(&p, end, rec, 10, &rec->start, latest)) < 0)
        return 0;
    if (r)
        rec->has |= FR_HAS_START;
    if ((r = fast_time(&p, end, rec, 11, &rec->end, latest)) < 0)
        return 0;
    if (r)
        rec->has |= FR_HAS_END;
    /* action */
    tl = fast_tok(&p, end, rec, 12);
    const char *t = rec->tok[12];
    if (tl == 6 && eq6(t, "ACCEPT"))
        rec->action = FR_ACTION_ACCEPT;
    else if (tl == 6 && eq6(t, "REJECT"))
        rec->action = FR_ACTION_REJECT;
    else if (!(tl == 1 && t[0] == '-'))
        return 0;
    /* log-status, then nothing more */
    tl = fast_tok(&p, end, rec, 13);
    t = rec->tok[13];
    if (tl == 2 && t[0] == 'O' && t[1] == 'K')
        rec->status = FR_STATUS_OK;
    else if (tl == 6 && eq6(t, "NODATA"))
        rec->status = FR_STATUS_NODATA;
    else if (tl == 8 && eq8(t, "SKIPDATA"))
        rec->status = FR_STATUS_SKIPDATA;
    else if (!(tl == 1 && t[0] == '-'))
        return 0;
    if (p != end)
        return 0;
    if ((rec->has & (FR_HAS_START | FR_HAS_END)) == (FR_HAS_START | FR_HAS_END) &&
        (rec->end < rec->start || rec->end - rec->start > MAX_DURATION))
        return 0;
    rec->ncols = 14;
    return 1;
}

fr_line_kind fr_parse_line(fr_parser *p, const fr_fieldmap *map, const char *line, size_t len,
                           fr_record *rec)
{
    if (len && line[len - 1] == '\r')
        len--;
    /* the length first: a line of 1 MiB or more is malformed whatever it
     * holds, as when it is longer than the reader's buffer */
    if (len >= FR_MAX_LINE) {
        snprintf(p->reason, sizeof p->reason, "line too long");
        return FR_LINE_MALFORMED;
    }
    size_t b = 0;
    while (b < len && is_ws(line[b]))
        b++;
    if (b == len)
        return FR_LINE_BLANK;
    const char *s = line + b;
    size_t n = len - b;
    if (((s[0] >= 'a' && s[0] <= 'z') || s[0] == '$') && fr_line_is_header(s, n)) {
        /* A header the reader cannot apply (too many names, a name twice)
         * is refused: counted as malformed, and the map in force stays. */
        fr_fieldmap m;
        memset(&m, 0, sizeof m);
        char why[96];
        fr_err e = fr_fieldmap_parse(&m, s, n, why, sizeof why);
        if (e == FR_OK && fr_fieldmap_duplicate(&m, why, sizeof why))
            e = FR_ERR_FORMAT;
        fr_fieldmap_clear(&m);
        if (e == FR_ERR_NOMEM) {
            snprintf(p->reason, sizeof p->reason, "out of memory");
            return FR_LINE_MALFORMED;
        }
        if (e != FR_OK) {
            snprintf(p->reason, sizeof p->reason, "header refused: %s", why);
            return FR_LINE_MALFORMED;
        }
        return FR_LINE_HEADER;
    }
    if (!unwrap_line(p, s, n, &s, &n))
        return FR_LINE_MALFORMED;
    if (map->is_default && parse_default_fast(s, n, rec, p->latest))
        return FR_LINE_RECORD;

    /* Split into tokens. */
    int cols = split_tokens(s, n, rec);
    if (cols != map->n) {
        snprintf(p->reason, sizeof p->reason, "expected %d fields, got %d", map->n, cols);
        return FR_LINE_MALFORMED;
    }
    rec->ncols = cols;
    rec->has = 0;
    rec->action = FR_ACTION_NONE;
    rec->status = FR_STATUS_NONE;
    rec->packets = rec->bytes = 0;

    int r;
    for (int c = 0; c < cols; c++) {
        const char *t = rec->tok[c];
        size_t tl = rec->toklen[c];
        if (tl == 1 && t[0] == '-')
            continue;
        fr_field f = (fr_field)map->id[c];
        uint64_t v;
        switch (f) {
        case FR_F_SRCADDR:
            if (!fr_addr_parse(&rec->src, t, tl))
                return bad(p, "bad address", f, c, map);
            rec->has |= FR_HAS_SRCADDR;
            break;
        case FR_F_DSTADDR:
            if (!fr_addr_parse(&rec->dst, t, tl))
                return bad(p, "bad address", f, c, map);
            rec->has |= FR_HAS_DSTADDR;
            break;
        case FR_F_SRCPORT:
        case FR_F_DSTPORT:
            if ((r = parse_num(t, tl, &v)) <= 0)
                return bad(p, r ? "value out of range" : "bad number", f, c, map);
            if (v > 65535)
                return bad(p, "value out of range", f, c, map);
            if (f == FR_F_SRCPORT) {
                rec->srcport = (uint16_t)v;
                rec->has |= FR_HAS_SRCPORT;
            } else {
                rec->dstport = (uint16_t)v;
                rec->has |= FR_HAS_DSTPORT;
            }
            break;
        case FR_F_PROTOCOL:
            if ((r = parse_num(t, tl, &v)) <= 0)
                return bad(p, r ? "value out of range" : "bad number", f, c, map);
            if (v > 255)
                return bad(p, "value out of range", f, c, map);
            rec->protocol = (uint8_t)v;
            rec->has |= FR_HAS_PROTOCOL;
            break;
        case FR_F_PACKETS:
        case FR_F_BYTES:
            if ((r = parse_num(t, tl, &v)) <= 0)
                return bad(p, r ? "value out of range" : "bad number", f, c, map);
            if (v > INT64_MAX)
                return bad(p, "value out of range", f, c, map);
            if (f == FR_F_PACKETS) {
                rec->packets = v;
                rec->has |= FR_HAS_PACKETS;
            } else {
                rec->bytes = v;
                rec->has |= FR_HAS_BYTES;
            }
            break;
        case FR_F_START:
        case FR_F_END:
            if ((r = parse_num(t, tl, &v)) <= 0)
                return bad(p, r ? "value out of range" : "bad number", f, c, map);
            if (v >= MS_THRESHOLD)
                v /= 1000;
            if (v > MAX_TIME)
                return bad(p, "value out of range", f, c, map);
            if ((int64_t)v > p->latest)
                return bad(p, "time in the future", f, c, map);
            if (f == FR_F_START) {
                rec->start = (int64_t)v;
                rec->has |= FR_HAS_START;
            } else {
                rec->end = (int64_t)v;
                rec->has |= FR_HAS_END;
            }
            break;
        case FR_F_ACTION:
            if (tl == 6 && eq6(t, "ACCEPT"))
                rec->action = FR_ACTION_ACCEPT;
            else if (tl == 6 && eq6(t, "REJECT"))
                rec->action = FR_ACTION_REJECT;
            else
                return bad(p, "bad value", f, c, map);
            break;
        case FR_F_LOG_STATUS:
            if (tl == 2 && memcmp(t, "OK", 2) == 0)
                rec->status = FR_STATUS_OK;
            else if (tl == 6 && eq6(t, "NODATA"))
                rec->status = FR_STATUS_NODATA;
            else if (tl == 8 && eq8(t, "SKIPDATA"))
                rec->status = FR_STATUS_SKIPDATA;
            else
                return bad(p, "bad value", f, c, map);
            break;
        case FR_F_INTERFACE_ID:
            if (memchr(t, '\0', tl))
                return bad(p, "NUL byte", f, c, map);
            if (tl > FR_MAX_ID)
                return bad(p, "value too long", f, c, map);
            rec->iface = t;
            rec->iface_len = (uint32_t)tl;
            rec->has |= FR_HAS_IFACE;
            break;
        case FR_F_ACCOUNT_ID:
            if (memchr(t, '\0', tl))
                return bad(p, "NUL byte", f, c, map);
            if (tl > FR_MAX_ID)
                return bad(p, "value too long", f, c, map);
            rec->account = t;
            rec->account_len = (uint32_t)tl;
            rec->has |= FR_HAS_ACCOUNT;
            break;
        case FR_F_FLOW_DIRECTION:
            if (!((tl == 7 && memcmp(t, "ingress", 7) == 0) ||
                  (tl == 6 && memcmp(t, "egress", 6) == 0)))
                return bad(p, "bad value", f, c, map);
            break;
        default:
            switch (fr_field_kind(f)) {
            case FR_K_U8:
                if ((r = parse_num(t, tl, &v)) <= 0)
                    return bad(p, r ? "value out of range" : "bad number", f, c, map);
                if (v > 255)
                    return bad(p, "value out of range", f, c, map);
                break;
            case FR_K_COUNTER:
                if ((r = parse_num(t, tl, &v)) <= 0)
                    return bad(p, r ? "value out of range" : "bad number", f, c, map);
                if (v > INT64_MAX)
                    return bad(p, "value out of range", f, c, map);
                break;
            case FR_K_ADDR: {
                fr_addr a;
                if (!fr_addr_parse(&a, t, tl))
                    return bad(p, "bad address", f, c, map);
                break;
            }
            default: break;
            }
        }
    }
    if ((rec->has & (FR_HAS_START | FR_HAS_END)) == (FR_HAS_START | FR_HAS_END)) {
        if (rec->end < rec->start) {
            snprintf(p->reason, sizeof p->reason, "end before start");
            return FR_LINE_MALFORMED;
        }
        if (rec->end - rec->start > MAX_DURATION) {
            snprintf(p->reason, sizeof p->reason, "implausible duration");
            return FR_LINE_MALFORMED;
        }
    }
    return FR_LINE_RECORD;
}
