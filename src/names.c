/* SPDX-License-Identifier: MIT */
/* names: protocol keywords, human formatting, sources parsed from input
 * names, malformed lines by reason and short file names for the writers. */
#include "fr_names.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* IANA "Assigned Internet Protocol Numbers": the keywords a reviewer meets. */
static const struct {
    unsigned char num;
    const char *name;
} proto_names[] = {
    {0, "HOPOPT"},     {1, "ICMP"},         {2, "IGMP"},        {4, "IPv4"},
    {6, "TCP"},        {8, "EGP"},          {9, "IGP"},         {17, "UDP"},
    {27, "RDP"},       {41, "IPv6"},        {43, "IPv6-Route"}, {44, "IPv6-Frag"},
    {46, "RSVP"},      {47, "GRE"},         {50, "ESP"},        {51, "AH"},
    {58, "IPv6-ICMP"}, {59, "IPv6-NoNxt"},  {60, "IPv6-Opts"},  {88, "EIGRP"},
    {89, "OSPFIGP"},   {94, "IPIP"},        {97, "ETHERIP"},    {103, "PIM"},
    {108, "IPComp"},   {112, "VRRP"},       {115, "L2TP"},      {132, "SCTP"},
    {136, "UDPLite"},  {137, "MPLS-in-IP"},
};

const char *fr_proto_name(unsigned p)
{
    for (size_t i = 0; i < sizeof proto_names / sizeof proto_names[0]; i++)
        if (proto_names[i].num == p)
            return proto_names[i].name;
    return NULL;
}

char *fr_fmt_proto(unsigned p, char buf[FR_FMT_LEN])
{
    const char *n = fr_proto_name(p);

    if (n)
        snprintf(buf, FR_FMT_LEN, "%u (%s)", p, n);
    else
        snprintf(buf, FR_FMT_LEN, "%u", p);
    return buf;
}

char *fr_fmt_count(uint64_t v, char buf[FR_FMT_LEN])
{
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, "%" PRIu64, v), o = 0;

    for (int i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = tmp[i];
    }
    buf[o] = '\0';
    return buf;
}

char *fr_fmt_bytes(uint64_t v, char buf[FR_FMT_LEN])
{
    static const char *const unit[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double d = (double)v;
    int u = -1;

    if (v < 1024) {
        snprintf(buf, FR_FMT_LEN, "%" PRIu64 " B", v);
        return buf;
    }
    while (d >= 1023.95 && u < 5) { /* never "1024.0 KiB" */
        d /= 1024.0;
        u++;
    }
    snprintf(buf, FR_FMT_LEN, "%.1f %s", d, unit[u]);
    return buf;
}

char *fr_fmt_hms(uint64_t s, char buf[FR_FMT_LEN])
{
    uint64_t h = s / 3600, m = s % 3600 / 60, sec = s % 60;
    char hb[FR_FMT_LEN];

    if (h)
        snprintf(buf, FR_FMT_LEN, "%sh %" PRIu64 "m %" PRIu64 "s", fr_fmt_count(h, hb), m, sec);
    else if (m)
        snprintf(buf, FR_FMT_LEN, "%" PRIu64 "m %" PRIu64 "s", m, sec);
    else
        snprintf(buf, FR_FMT_LEN, "%" PRIu64 "s", sec);
    return buf;
}

int fr_csv_risky(const char *s)
{
    return s && *s && strchr("=+-@\t\r", *s) != NULL;
}

/* A growing list of distinct strings. */
typedef struct strset {
    char **v;
    size_t n, cap;
} strset;

/* Adds the first len bytes of s unless present. Returns 0 or -1 (no memory). */
static int set_add(strset *s, const char *p, size_t len)
{
    if (len == 0)
        return 0;
    for (size_t i = 0; i < s->n; i++)
        if (strlen(s->v[i]) == len && !memcmp(s->v[i], p, len))
            return 0;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 8;
        char **nv = realloc(s->v, cap * sizeof *nv);
        if (!nv)
            return -1;
        s->v = nv;
        s->cap = cap;
    }
    if (!(s->v[s->n] = malloc(len + 1)))
        return -1;
    memcpy(s->v[s->n], p, len);
    s->v[s->n][len] = '\0';
    s->n++;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* 1 when the len bytes at p are 12 decimal digits (an AWS account id). */
static int is_account(const char *p, size_t len)
{
    if (len != 12)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (p[i] < '0' || p[i] > '9')
            return 0;
    return 1;
}

enum { S_ACC, S_REG, S_FL, S_GRP, S_BKT, S_N };

/* Parses one name into the sets. Returns 1 when something was found, 0
 * when not, -1 when out of memory. */
static int parse_name(const char *name, strset set[S_N])
{
    const char *p = name, *parts[64];
    size_t lens[64], np = 0;
    int found = 0;

    if (!strncmp(p, "logs:", 5)) {
        p += 5;
        size_t n = strcspn(p, ":@");
        return set_add(&set[S_GRP], p, n) ? -1 : n > 0;
    }
    if (!strncmp(p, "s3://", 5)) {
        p += 5;
        size_t n = strcspn(p, "/");
        if (set_add(&set[S_BKT], p, n))
            return -1;
        found = n > 0;
        p += n;
    }
    while (*p && np < 64) {
        p += strspn(p, "/");
        size_t n = strcspn(p, "/");
        if (n) {
            parts[np] = p;
            lens[np++] = n;
        }
        p += n;
    }
    for (size_t i = 0; i < np; i++) {
        const char *q = parts[i];
        size_t n = lens[i];
        if (n == 7 && !memcmp(q, "AWSLogs", 7) && i + 1 < np &&
            is_account(parts[i + 1], lens[i + 1])) {
            if (set_add(&set[S_ACC], parts[i + 1], lens[i + 1]))
                return -1;
            found = 1;
            if (i + 3 < np && lens[i + 2] == 11 && !memcmp(parts[i + 2], "vpcflowlogs", 11)) {
                if (set_add(&set[S_REG], parts[i + 3], lens[i + 3]))
                    return -1;
            }
        } else if (n > 15 && !memcmp(q, "aws-account-id=", 15)) {
            if (set_add(&set[S_ACC], q + 15, n - 15))
                return -1;
            found = 1;
        } else if (n > 11 && !memcmp(q, "aws-region=", 11)) {
            if (set_add(&set[S_REG], q + 11, n - 11))
                return -1;
            found = 1;
        }
    }
    if (np) {
        /* ACCOUNT_vpcflowlogs_REGION_FLOWLOGID_TIME_HASH.log.gz */
        const char *b = parts[np - 1], *f[4];
        size_t bl = lens[np - 1], fl[4], k = 0, at = 0;
        while (k < 4 && at < bl) {
            const char *u = memchr(b + at, '_', bl - at);
            size_t len = u ? (size_t)(u - (b + at)) : bl - at;
            f[k] = b + at;
            fl[k++] = len;
            at += len + 1;
        }
        if (k == 4 && is_account(f[0], fl[0]) && fl[1] == 11 && !memcmp(f[1], "vpcflowlogs", 11) &&
            fl[3] > 3 && !memcmp(f[3], "fl-", 3)) {
            if (set_add(&set[S_ACC], f[0], fl[0]) || set_add(&set[S_REG], f[2], fl[2]) ||
                set_add(&set[S_FL], f[3], fl[3]))
                return -1;
            found = 1;
        }
    }
    return found;
}

void fr_sources_clear(fr_sources *s)
{
    if (!s)
        return;
    char **lists[] = {s->accounts, s->regions, s->flow_logs, s->log_groups, s->buckets};
    size_t ns[] = {s->n_accounts, s->n_regions, s->n_flow_logs, s->n_log_groups, s->n_buckets};
    for (int k = 0; k < S_N; k++) {
        for (size_t i = 0; i < ns[k]; i++)
            free(lists[k][i]);
        free(lists[k]);
    }
    memset(s, 0, sizeof *s);
}

int fr_sources_collect(const fr_report *r, fr_sources *s)
{
    strset set[S_N];
    int rc;

    memset(s, 0, sizeof *s);
    memset(set, 0, sizeof set);
    for (size_t i = 0; i < r->n_inputs; i++) {
        if ((rc = parse_name(r->inputs[i].path, set)) < 0)
            goto fail;
        s->named += rc == 1;
    }
    for (size_t i = 0; i < r->n_fetch; i++)
        if (r->fetch[i].source && parse_name(r->fetch[i].source, set) < 0)
            goto fail;
    for (int k = 0; k < S_N; k++)
        if (set[k].n)
            qsort(set[k].v, set[k].n, sizeof(char *), cmp_str);
    s->accounts = set[S_ACC].v, s->n_accounts = set[S_ACC].n;
    s->regions = set[S_REG].v, s->n_regions = set[S_REG].n;
    s->flow_logs = set[S_FL].v, s->n_flow_logs = set[S_FL].n;
    s->log_groups = set[S_GRP].v, s->n_log_groups = set[S_GRP].n;
    s->buckets = set[S_BKT].v, s->n_buckets = set[S_BKT].n;
    return 0;
fail:
    for (int k = 0; k < S_N; k++) {
        for (size_t i = 0; i < set[k].n; i++)
            free(set[k].v[i]);
        free(set[k].v);
    }
    memset(s, 0, sizeof *s);
    return -1;
}

/* One kept example, for sorting by reason. */
typedef struct ex_ref {
    const char *reason;
    size_t input;
    uint64_t line; /* 0: no example kept */
    uint64_t count; /* malformed lines it stands for */
} ex_ref;

static int cmp_ex(const void *a, const void *b)
{
    const ex_ref *x = a, *y = b;
    int c = strcmp(x->reason, y->reason);

    if (c)
        return c;
    if (x->input != y->input)
        return x->input < y->input ? -1 : 1;
    return x->line < y->line ? -1 : x->line > y->line;
}

static int cmp_group(const void *a, const void *b)
{
    const fr_reason_group *x = a, *y = b;

    if (x->lines != y->lines)
        return x->lines > y->lines ? -1 : 1;
    return strcmp(x->reason, y->reason);
}

int fr_reason_groups(const fr_report *r, fr_reason_group **out, size_t *n, uint64_t *unkept)
{
    size_t total = 0, k = 0, ng = 0;
    ex_ref *ex = NULL;
    fr_reason_group *g = NULL;

    *out = NULL;
    *n = 0;
    *unkept = 0;
    /* An input counts its malformed lines by reason (reasons[]); one built
     * without them (tests) contributes its kept examples, and the lines
     * beyond them are unkept. */
    for (size_t i = 0; i < r->n_inputs; i++) {
        const fr_input_row *in = &r->inputs[i];
        if (in->n_reasons) {
            total += in->n_reasons;
        } else {
            total += in->n_examples;
            if (in->malformed > in->n_examples)
                *unkept += in->malformed - in->n_examples;
        }
    }
    if (!total)
        return 0;
    if (!(ex = malloc(total * sizeof *ex)) || !(g = calloc(total, sizeof *g))) {
        free(ex);
        return -1;
    }
    for (size_t i = 0; i < r->n_inputs; i++) {
        const fr_input_row *in = &r->inputs[i];
        if (in->n_reasons) {
            for (size_t j = 0; j < in->n_reasons; j++) {
                const char *why = in->reasons[j].reason ? in->reasons[j].reason : "";
                uint64_t line = 0; /* its first kept example, if any */
                for (size_t e = 0; e < in->n_examples && !line; e++)
                    if (in->examples[e].reason && strcmp(in->examples[e].reason, why) == 0)
                        line = in->examples[e].line;
                ex[k++] = (ex_ref){why, i, line, in->reasons[j].lines};
            }
        } else {
            for (size_t j = 0; j < in->n_examples; j++) {
                const fr_example *e = &in->examples[j];
                ex[k++] = (ex_ref){e->reason ? e->reason : "", i, e->line, 1};
            }
        }
    }
    qsort(ex, total, sizeof *ex, cmp_ex);
    for (size_t i = 0; i < total; i++) {
        int same = ng && strcmp(g[ng - 1].reason, ex[i].reason) == 0;
        if (!same)
            g[ng++] = (fr_reason_group){ex[i].reason, 0, 0, ex[i].input, ex[i].line};
        else if (!g[ng - 1].first_line && ex[i].line) { /* the first that has an example */
            g[ng - 1].first_input = ex[i].input;
            g[ng - 1].first_line = ex[i].line;
        }
        g[ng - 1].lines += ex[i].count;
        if (!same || ex[i].input != ex[i - 1].input)
            g[ng - 1].files++;
    }
    free(ex);
    qsort(g, ng, sizeof *g, cmp_group);
    *out = g;
    *n = ng;
    return 0;
}

/* Returns the start of the last `parts` '/'-separated parts of s (all of s
 * when it has fewer). */
static const char *tail(const char *s, size_t parts)
{
    const char *p = s + strlen(s);

    while (p > s && p[-1] == '/')
        p--;
    while (p > s) {
        if (p[-1] == '/' && --parts == 0)
            return p;
        p--;
    }
    return s;
}

/* A tail of one input's path, for sorting. */
typedef struct tail_ref {
    const char *s;
    size_t input;
} tail_ref;

static int cmp_tail(const void *a, const void *b)
{
    return strcmp(((const tail_ref *)a)->s, ((const tail_ref *)b)->s);
}

const char **fr_short_names(const fr_report *r)
{
    size_t n = r->n_inputs, left = n;
    const char **out;
    tail_ref *tmp;

    if (!n || !(out = calloc(n, sizeof *out)))
        return NULL;
    if (!(tmp = malloc(n * sizeof *tmp))) {
        free(out);
        return NULL;
    }
    /* Each input gets its shortest tail that no other input's tail of as
     * many parts equals; at worst its whole path. */
    for (size_t parts = 1; left; parts++) {
        int changed = 0;
        for (size_t i = 0; i < n; i++) {
            tmp[i] = (tail_ref){tail(r->inputs[i].path, parts), i};
            changed |= tmp[i].s != r->inputs[i].path;
        }
        qsort(tmp, n, sizeof *tmp, cmp_tail);
        for (size_t i = 0; i < n; i++) {
            size_t k = tmp[i].input;
            int dup = (i > 0 && !strcmp(tmp[i - 1].s, tmp[i].s)) ||
                (i + 1 < n && !strcmp(tmp[i + 1].s, tmp[i].s));
            if (!out[k] && (!dup || !changed || tmp[i].s == r->inputs[k].path)) {
                out[k] = tmp[i].s;
                left--;
            }
        }
    }
    free(tmp);
    return out;
}
