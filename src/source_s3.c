/* SPDX-License-Identifier: MIT */
/* source_s3: lists an s3://bucket/prefix/ source (narrowed to the dates of
 * the period), keeps the objects whose name-time can hold records of the
 * period, and fetches each one into the fetch queue (and --save-raw). */
#include "fr_s3.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fr_interrupt.h"
#include "fr_remote.h"
#include "fr_xml.h"

/* Which objects can hold records of [since, until). AWS names a flow-log
 * file after the start of its 5-minute capture window and it holds records
 * whose end time falls in that window; a record's start is at most one
 * aggregation interval (10 min) before its end. So records starting in
 * [since, until) are in files named from since - 5 min to until + 10 min.
 * We keep a wider margin for late delivery: files named in
 * [since - 15 min, until + 1 h). Firehose key times are delivery times,
 * after the records (buffering is at most 15 min), so the same margin holds. */
#define MARGIN_BEFORE (15 * 60)
#define MARGIN_AFTER (60 * 60)

/* More days than this in the period: list the date tree whole (filtered)
 * instead of one request per day. */
#define MAX_DAYS 120

typedef struct s3_object {
    fr_fetch_item fetch; /* the handle given to the source list */
    fr_s3_source *s;
    char *key;
    char *name; /* "s3://bucket/key" */
    char *etag; /* without quotes, or NULL */
    int parquet;
} s3_object;

struct fr_s3_source {
    char *url, *bucket, *prefix;
    fr_s3_opts o;
    char *save_raw;
    s3_object **objs;
    size_t n_objs, cap_objs;
    pthread_mutex_t mu; /* guards the counters below */
    uint64_t requests, retries, throttles, pages, listed, read, failed, skipped, bytes;
    char last_error[512];
};

/* A growable list of strings (common prefixes). */
typedef struct strvec {
    char **v;
    size_t n, cap;
} strvec;

static void strvec_clear(strvec *sv)
{
    for (size_t i = 0; i < sv->n; i++)
        free(sv->v[i]);
    free(sv->v);
    memset(sv, 0, sizeof *sv);
}

/* Takes ownership of str. Returns 0, or -1 when out of memory (str freed). */
static int strvec_push(strvec *sv, char *str)
{
    if (sv->n == sv->cap) {
        size_t cap = sv->cap ? sv->cap * 2 : 16;
        char **v = realloc(sv->v, cap * sizeof *v);
        if (!v) {
            free(str);
            return -1;
        }
        sv->v = v;
        sv->cap = cap;
    }
    sv->v[sv->n++] = str;
    return 0;
}

/* ---- URL ---- */

/* Returns 1 when b (len n) follows S3's bucket naming rules. */
static int valid_bucket(const char *b, size_t n)
{
    if (n < 3 || n > 63)
        return 0;
    int all_ip = 1, dots = 0;
    for (size_t i = 0; i < n; i++) {
        char c = b[i];
        int alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!alnum && c != '.' && c != '-')
            return 0;
        if ((i == 0 || i == n - 1) && !alnum)
            return 0;
        if (c == '.') {
            dots++;
            if (b[i + 1] == '.' || b[i - 1] == '-' || b[i + 1] == '-')
                return 0;
        } else if (!(c >= '0' && c <= '9')) {
            all_ip = 0;
        }
    }
    if (all_ip && dots == 3) /* formatted like an IP address */
        return 0;
    return 1;
}

int fr_s3_parse_url(const char *url, char **bucket, char **prefix)
{
    *bucket = *prefix = NULL;
    if (strncmp(url, "s3://", 5) != 0)
        return 0;
    const char *b = url + 5;
    const char *slash = strchr(b, '/');
    size_t bn = slash ? (size_t)(slash - b) : strlen(b);
    if (!valid_bucket(b, bn))
        return 0;
    *bucket = strndup(b, bn);
    *prefix = strdup(slash ? slash + 1 : "");
    if (!*bucket || !*prefix) {
        free(*bucket);
        free(*prefix);
        *bucket = *prefix = NULL;
        return 0;
    }
    return 1;
}

/* ---- time ---- */

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The date of a day number. */
static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

/* Reads n decimal digits at s. Returns the value or -1. */
static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* Unix time of a checked date and time, or -1 when out of range. */
static int64_t make_time(int y, int mo, int d, int h, int mi, int sec)
{
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 ||
        sec < 0 || sec > 60)
        return -1;
    return days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
}

/* The time in an object's file name: "_YYYYMMDDTHHmmZ_" (VPC flow logs) or
 * "-YYYY-MM-DD-HH-MM-SS-" (Firehose). Returns it, or -1 when there is none. */
static int64_t name_time(const char *key)
{
    const char *f = strrchr(key, '/');
    f = f ? f + 1 : key;
    size_t n = strlen(f);
    for (size_t i = 0; i + 16 <= n; i++) {
        const char *p = f + i;
        if (p[0] == '_' && p[9] == 'T' && p[14] == 'Z' && p[15] == '_') {
            int64_t t = make_time(digits(p + 1, 4), digits(p + 5, 2), digits(p + 7, 2),
                                  digits(p + 10, 2), digits(p + 12, 2), 0);
            if (t >= 0)
                return t;
        }
    }
    for (size_t i = 0; i + 21 <= n; i++) {
        const char *p = f + i;
        if (p[0] == '-' && p[5] == '-' && p[8] == '-' && p[11] == '-' && p[14] == '-' &&
            p[17] == '-' && p[20] == '-') {
            int64_t t = make_time(digits(p + 1, 4), digits(p + 6, 2), digits(p + 9, 2),
                                  digits(p + 12, 2), digits(p + 15, 2), digits(p + 18, 2));
            if (t >= 0)
                return t;
        }
    }
    return -1;
}

/* 1 when an object named at t (or with no name-time, t < 0) is kept. */
static int keep_time(const fr_s3_source *s, int64_t t)
{
    if (t < 0)
        return 1;
    if (s->o.since_set && t < s->o.since - MARGIN_BEFORE)
        return 0;
    if (s->o.until_set && t >= s->o.until + MARGIN_AFTER)
        return 0;
    return 1;
}

/* ---- listing ---- */

/* Adds the counters of one call. */
static void count_call(fr_s3_source *s, const fr_aws_response *rs, int page, const char *err)
{
    pthread_mutex_lock(&s->mu);
    s->requests += (uint64_t)rs->attempts;
    s->retries += rs->attempts > 1 ? (uint64_t)(rs->attempts - 1) : 0;
    s->throttles += (uint64_t)rs->throttles;
    s->bytes += rs->bytes;
    s->pages += page;
    if (err)
        snprintf(s->last_error, sizeof s->last_error, "%s", err);
    pthread_mutex_unlock(&s->mu);
}

/* Records a listed object: kept (appended to s->objs) or skipped. Returns
 * FR_OK or FR_ERR_NOMEM. */
static fr_err consider(fr_s3_source *s, char *key, char *etag)
{
    size_t kn = strlen(key);
    int64_t t = name_time(key);
    int keep = kn > 0 && key[kn - 1] != '/' && keep_time(s, t); /* "dir/" markers hold nothing */
    int parquet = kn >= 8 && strcmp(key + kn - 8, ".parquet") == 0;
    pthread_mutex_lock(&s->mu);
    s->listed++;
    if (!keep || parquet)
        s->skipped++;
    pthread_mutex_unlock(&s->mu);
    if (!keep) {
        free(key);
        free(etag);
        return FR_OK;
    }
    s3_object *o = calloc(1, sizeof *o);
    if (!o)
        goto fail;
    o->s = s;
    o->key = key;
    o->etag = etag;
    o->parquet = parquet;
    key = etag = NULL;
    size_t nn = strlen(s->bucket) + kn + 7;
    o->name = malloc(nn);
    if (!o->name)
        goto fail;
    snprintf(o->name, nn, "s3://%s/%s", s->bucket, o->key);
    if (s->n_objs == s->cap_objs) {
        size_t cap = s->cap_objs ? s->cap_objs * 2 : 256;
        s3_object **v = realloc(s->objs, cap * sizeof *v);
        if (!v)
            goto fail;
        s->objs = v;
        s->cap_objs = cap;
    }
    s->objs[s->n_objs++] = o;
    return FR_OK;
fail:
    if (o) {
        free(o->key);
        free(o->etag);
        free(o->name);
        free(o);
    }
    free(key);
    free(etag);
    return FR_ERR_NOMEM;
}

/* The decoded text of child name of el into *out (a new string). Returns
 * 1, 0 when absent (*out NULL), -1 malformed, -2 out of memory. */
static int child_text(const fr_xml_el *el, const char *name, char **out)
{
    fr_xml_el v;
    int bad, r = fr_xml_child_named(el->vs, el->ve, name, &v);
    *out = NULL;
    if (r != 1)
        return r;
    if (!(*out = fr_xml_text(v.vs, v.ve, &bad)))
        return bad ? -1 : -2;
    return 1;
}

/* Parses one ListObjectsV2 page: objects go to consider(), common prefixes
 * to children. Returns FR_OK, FR_ERR_REMOTE (malformed) or FR_ERR_NOMEM. */
static fr_err parse_page(fr_s3_source *s, const char *prefix, const char *xml, size_t len,
                         strvec *children, int *truncated, char **next, char *errbuf, size_t errlen)
{
    size_t plen = strlen(prefix);
    const char *end = xml + len, *p = xml;
    fr_xml_el root, el;
    int r;
    *truncated = 0;
    *next = NULL;
    if (fr_xml_child(&p, end, &root) != 1 || !fr_xml_is(&root, "ListBucketResult"))
        goto malformed;
    /* the objects first, then the folders, each in the page's order */
    for (p = root.vs; (r = fr_xml_child(&p, root.ve, &el)) == 1;) {
        if (!fr_xml_is(&el, "Contents"))
            continue;
        char *key, *etag;
        if ((r = child_text(&el, "Key", &key)) != 1)
            goto text_fail;
        if ((r = child_text(&el, "ETag", &etag)) < 0) {
            free(key);
            goto text_fail;
        }
        size_t en = etag ? strlen(etag) : 0;
        if (en >= 2 && etag[0] == '"' && etag[en - 1] == '"') {
            memmove(etag, etag + 1, en - 2);
            etag[en - 2] = '\0';
        }
        fr_err e = consider(s, key, etag);
        if (e != FR_OK)
            return e;
    }
    if (r < 0)
        goto malformed;
    for (p = root.vs; (r = fr_xml_child(&p, root.ve, &el)) == 1;) {
        if (!fr_xml_is(&el, "CommonPrefixes"))
            continue;
        char *pre;
        if ((r = child_text(&el, "Prefix", &pre)) != 1)
            goto text_fail;
        size_t n = strlen(pre);
        /* A child folder lies below the prefix asked for and ends with the
         * delimiter; anything else would make the walk read out of bounds
         * or loop. */
        if (n <= plen || strncmp(pre, prefix, plen) != 0 || pre[n - 1] != '/') {
            free(pre);
            goto malformed;
        }
        if (strvec_push(children, pre) != 0)
            return FR_ERR_NOMEM;
    }
    if (r < 0 || (r = fr_xml_child_named(root.vs, root.ve, "IsTruncated", &el)) < 0)
        goto malformed;
    if (r == 1)
        *truncated = el.ve - el.vs == 4 && memcmp(el.vs, "true", 4) == 0;
    if (*truncated) {
        if ((r = child_text(&root, "NextContinuationToken", next)) != 1)
            goto text_fail;
        if (!**next) {
            free(*next);
            *next = NULL;
            goto malformed;
        }
    }
    return FR_OK;
text_fail:
    if (r == -2)
        return FR_ERR_NOMEM;
malformed:
    snprintf(errbuf, errlen, "s3://%s: malformed ListObjectsV2 response", s->bucket);
    return FR_ERR_REMOTE;
}

/* Lists everything under prefix (with delimiter '/' when children is set:
 * the common prefixes go there). Returns FR_OK, FR_ERR_AUTH, FR_ERR_REMOTE
 * or FR_ERR_NOMEM with a message. */
static fr_err list_prefix(fr_s3_source *s, const char *prefix, strvec *children, char *errbuf,
                          size_t errlen)
{
    char *token = NULL;
    fr_err e = FR_OK;
    char what[1200];
    snprintf(what, sizeof what, "s3://%s/%s (list)", s->bucket, prefix);
    strvec dummy = {0};
    for (;;) {
        fr_kv q[4];
        size_t nq = 0;
        q[nq++] = (fr_kv){"list-type", "2"};
        q[nq++] = (fr_kv){"prefix", prefix};
        if (children)
            q[nq++] = (fr_kv){"delimiter", "/"};
        if (token)
            q[nq++] = (fr_kv){"continuation-token", token};
        fr_aws_request rq = {.method = "GET",
                             .bucket = s->bucket,
                             .path = "/",
                             .query = q,
                             .n_query = nq,
                             .what = what};
        fr_aws_response rs;
        memset(&rs, 0, sizeof rs);
        e = fr_aws_call(s->o.aws, &rq, &rs, errbuf, errlen);
        if (e == FR_ERR_CONFIG) /* no credentials: nothing else can work */
            e = FR_ERR_AUTH;
        if (e != FR_OK) {
            count_call(s, &rs, 0, errbuf);
            fr_aws_response_clear(&rs);
            break;
        }
        count_call(s, &rs, 1, NULL);
        int truncated = 0;
        char *next = NULL;
        e = parse_page(s, prefix, rs.body ? rs.body : "", rs.body ? rs.body_len : 0,
                       children ? children : &dummy, &truncated, &next, errbuf, errlen);
        fr_aws_response_clear(&rs);
        if (e != FR_OK) {
            count_call(s, &rs, 0, errbuf);
            break;
        }
        if (!truncated) {
            free(next);
            break;
        }
        if (token && strcmp(token, next) == 0) {
            free(next);
            snprintf(errbuf, errlen, "%s: the same continuation token came back", what);
            count_call(s, &rs, 0, errbuf);
            e = FR_ERR_REMOTE;
            break;
        }
        free(token);
        token = next;
    }
    free(token);
    strvec_clear(&dummy);
    return e;
}

/* ---- narrowing by the period ---- */

/* Where a prefix ending in '/' stands in the flow-log layouts. */
typedef enum level {
    LV_ABOVE, /* no AWSLogs segment: an optional prefix, Firehose, anything */
    LV_AWSLOGS, /* .../AWSLogs/ */
    LV_ACCOUNT, /* .../AWSLogs/ACCOUNT/ */
    LV_SERVICE, /* .../vpcflowlogs/ */
    LV_DATE, /* .../REGION/[YYYY/[MM/[DD/]]] */
    LV_FLAT, /* below the day, or not a layout we know: list everything */
    LV_OTHER /* a known layout's level with the wrong name (another service) */
} level;

typedef struct where {
    level lv;
    int hive;
    size_t region_end; /* LV_DATE: prefix length up to the region's '/' */
    int y, m, d; /* LV_DATE: date parts in the prefix, -1 when absent */
} where;

/* Splits a prefix ending in '/' into its segments and finds its level. */
static void classify(const char *prefix, where *w)
{
    memset(w, 0, sizeof *w);
    w->y = w->m = w->d = -1;
    const char *seg[16];
    size_t len[16], ends[16];
    size_t n = 0, total = 0;
    long aws = -1;
    for (const char *p = prefix; *p;) {
        const char *sl = strchr(p, '/');
        if (!sl)
            break;
        if (n == 16) { /* deep: keep the last 16 */
            memmove(seg, seg + 1, 15 * sizeof *seg);
            memmove(len, len + 1, 15 * sizeof *len);
            memmove(ends, ends + 1, 15 * sizeof *ends);
            n = 15;
            if (aws >= 0)
                aws = aws == 0 ? -2 : aws - 1; /* -2: AWSLogs is too far up */
        }
        seg[n] = p;
        len[n] = (size_t)(sl - p);
        total = (size_t)(sl - prefix) + 1;
        ends[n] = total;
        if (len[n] == 7 && memcmp(p, "AWSLogs", 7) == 0)
            aws = (long)n;
        n++;
        p = sl + 1;
    }
    if (aws < 0) {
        w->lv = aws == -2 ? LV_FLAT : LV_ABOVE;
        return;
    }
    size_t k = n - (size_t)aws - 1; /* levels below AWSLogs */
    const char *const *r = seg + aws + 1;
    const size_t *rl = len + aws + 1;
#define IS(i, lit) (rl[i] == strlen(lit) && memcmp(r[i], lit, strlen(lit)) == 0)
#define STARTS(i, lit) (rl[i] > strlen(lit) && memcmp(r[i], lit, strlen(lit)) == 0)
    if (k == 0) {
        w->lv = LV_AWSLOGS;
        return;
    }
    w->hive = STARTS(0, "aws-account-id=");
    if (!w->hive && memchr(r[0], '=', rl[0])) {
        w->lv = LV_FLAT;
        return;
    }
    if (k == 1) {
        w->lv = LV_ACCOUNT;
        return;
    }
    if (w->hive ? !(IS(1, "aws-service=vpcflowlogs") || IS(1, "service=vpcflowlogs"))
                : !IS(1, "vpcflowlogs")) {
        w->lv = LV_OTHER;
        return;
    }
    if (k == 2) {
        w->lv = LV_SERVICE;
        return;
    }
    if (w->hive ? !STARTS(2, "aws-region=") : rl[2] == 0 || memchr(r[2], '=', rl[2])) {
        w->lv = LV_FLAT;
        return;
    }
    w->region_end = ends[aws + 3];
    static const char *const hname[] = {"year=", "month=", "day="};
    static const int width[] = {4, 2, 2};
    int *part[] = {&w->y, &w->m, &w->d};
    for (size_t i = 3; i < k; i++) {
        if (i >= 6) { /* an hour or deeper: list it whole */
            w->lv = LV_FLAT;
            return;
        }
        size_t pl = w->hive ? strlen(hname[i - 3]) : 0;
        if ((w->hive && !STARTS(i, hname[i - 3])) || rl[i] != pl + (size_t)width[i - 3] ||
            (*part[i - 3] = digits(r[i] + pl, width[i - 3])) < 0) {
            w->lv = LV_FLAT;
            return;
        }
    }
    w->lv = LV_DATE;
#undef IS
#undef STARTS
}

/* The last segment of a prefix ending in '/' equals name. */
static int last_seg_is(const char *prefix, const char *name)
{
    size_t n = strlen(prefix), k = strlen(name);
    if (n < k + 1 || prefix[n - 1] != '/' || memcmp(prefix + n - 1 - k, name, k) != 0)
        return 0;
    return n == k + 1 || prefix[n - k - 2] == '/';
}

static fr_err explore(fr_s3_source *s, const char *prefix, int top, char *errbuf, size_t errlen);

/* Lists prefix with the delimiter and explores each child. */
static fr_err explore_children(fr_s3_source *s, const char *prefix, level lv, int top, char *errbuf,
                               size_t errlen)
{
    strvec ch = {0};
    fr_err e = list_prefix(s, prefix, &ch, errbuf, errlen);
    for (size_t i = 0; e == FR_OK && i < ch.n; i++) {
        const char *c = ch.v[i];
        if (lv == LV_ABOVE && !last_seg_is(c, "AWSLogs")) {
            e = list_prefix(s, c, NULL, errbuf, errlen); /* not a layout we narrow */
            continue;
        }
        if (lv == LV_ACCOUNT) {
            where w;
            classify(c, &w);
            if (w.lv == LV_OTHER) /* another service's logs */
                continue;
        }
        e = explore(s, c, top, errbuf, errlen);
    }
    strvec_clear(&ch);
    return e;
}

/* Lists one day under a date root: whole when the keep window covers it,
 * else by hour folders when there are some. */
static fr_err list_day(fr_s3_source *s, const char *day, int64_t t0, int hive, int64_t lo,
                       int64_t hi, char *errbuf, size_t errlen)
{
    if (t0 >= lo && t0 + 86400 <= hi)
        return list_prefix(s, day, NULL, errbuf, errlen);
    strvec ch = {0};
    fr_err e = list_prefix(s, day, &ch, errbuf, errlen);
    size_t dn = strlen(day);
    for (size_t i = 0; e == FR_OK && i < ch.n; i++) {
        const char *h = ch.v[i] + dn;
        size_t pl = hive ? 5 : 0;
        int hour = -1;
        if (strlen(h) == pl + 3 && (!hive || memcmp(h, "hour=", 5) == 0) && h[pl + 2] == '/')
            hour = digits(h + pl, 2);
        if (hour >= 0 && hour < 24) {
            int64_t ht = t0 + hour * 3600;
            if (ht + 3600 <= lo || ht >= hi)
                continue;
        }
        e = list_prefix(s, ch.v[i], NULL, errbuf, errlen);
    }
    strvec_clear(&ch);
    return e;
}

/* Lists the days of the keep window under a date root. */
static fr_err list_dates(fr_s3_source *s, const char *prefix, const where *w, char *errbuf,
                         size_t errlen)
{
    int64_t lo = s->o.since - MARGIN_BEFORE;
    int64_t hi = s->o.until_set ? s->o.until + MARGIN_AFTER : (int64_t)time(NULL) + MARGIN_AFTER;
    int64_t d0 = lo >= 0 ? lo / 86400 : -((-lo + 86399) / 86400);
    int64_t d1 = hi > 0 ? (hi + 86399) / 86400 : 0;
    if (d1 - d0 > MAX_DAYS)
        return list_prefix(s, prefix, NULL, errbuf, errlen);
    fr_err e = FR_OK;
    char *day = malloc(w->region_end + 40);
    if (!day)
        return FR_ERR_NOMEM;
    memcpy(day, prefix, w->region_end);
    for (int64_t d = d0; e == FR_OK && d < d1; d++) {
        int y, m, dd;
        civil_from_days(d, &y, &m, &dd);
        if ((w->y >= 0 && w->y != y) || (w->m >= 0 && w->m != m) || (w->d >= 0 && w->d != dd))
            continue;
        snprintf(day + w->region_end, 40,
                 w->hive ? "year=%04d/month=%02d/day=%02d/" : "%04d/%02d/%02d/", y, m, dd);
        e = list_day(s, day, d * 86400, w->hive, lo, hi, errbuf, errlen);
    }
    free(day);
    return e;
}

/* Lists what under prefix can hold records of the period. top: prefix is
 * the user's own level (an unknown level there is looked into once). */
static fr_err explore(fr_s3_source *s, const char *prefix, int top, char *errbuf, size_t errlen)
{
    size_t n = strlen(prefix);
    if (!s->o.since_set)
        return list_prefix(s, prefix, NULL, errbuf, errlen);
    if (n > 0 && prefix[n - 1] != '/') /* a partial name: find what it names */
        return explore_children(s, prefix, LV_FLAT, top, errbuf, errlen);
    where w;
    classify(prefix, &w);
    switch (w.lv) {
    case LV_ABOVE:
        if (!top)
            return list_prefix(s, prefix, NULL, errbuf, errlen);
        return explore_children(s, prefix, LV_ABOVE, 0, errbuf, errlen);
    case LV_AWSLOGS:
    case LV_ACCOUNT:
    case LV_SERVICE: return explore_children(s, prefix, w.lv, 0, errbuf, errlen);
    case LV_DATE: return list_dates(s, prefix, &w, errbuf, errlen);
    default: return list_prefix(s, prefix, NULL, errbuf, errlen);
    }
}

/* ---- the source ---- */

fr_s3_source *fr_s3_source_new(const char *url, const fr_s3_opts *o, char *errbuf, size_t errlen)
{
    fr_s3_source *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(errbuf, errlen, "out of memory");
        return NULL;
    }
    if (pthread_mutex_init(&s->mu, NULL) != 0) {
        free(s);
        snprintf(errbuf, errlen, "cannot create a mutex");
        return NULL;
    }
    s->o = *o;
    if (!fr_s3_parse_url(url, &s->bucket, &s->prefix)) {
        snprintf(errbuf, errlen, "%s: not a valid S3 URL (s3://BUCKET/PREFIX)", url);
        goto fail;
    }
    s->url = strdup(url);
    s->save_raw = o->save_raw ? strdup(o->save_raw) : NULL;
    if (!s->url || (o->save_raw && !s->save_raw)) {
        snprintf(errbuf, errlen, "out of memory");
        goto fail;
    }
    s->o.save_raw = s->save_raw;
    return s;
fail:
    fr_s3_source_free(s);
    return NULL;
}

static fr_err s3_fetch(void *item, fr_fetch_job *job, char *errbuf, size_t errlen);

fr_err fr_s3_list(fr_s3_source *s, fr_source_list *list, const fr_source_opener *opener,
                  char *errbuf, size_t errlen)
{
    size_t first = s->n_objs;
    fr_err e = explore(s, s->prefix, 1, errbuf, errlen);
    if (e == FR_ERR_NOMEM)
        snprintf(errbuf, errlen, "out of memory");
    /* all or nothing: a source that could not be listed whole adds nothing */
    for (size_t i = first; e == FR_OK && i < s->n_objs; i++) {
        s3_object *o = s->objs[i];
        o->fetch.fn = s3_fetch;
        o->fetch.item = o;
        if (fr_source_add_remote(list, o->name, o->etag, opener, &o->fetch,
                                 o->parquet ? "unsupported format: Parquet" : NULL) != FR_OK) {
            snprintf(errbuf, errlen, "out of memory");
            e = FR_ERR_NOMEM;
        }
    }
    return e;
}

fr_err fr_s3_stats(const fr_s3_source *s, fr_fetch_row *row)
{
    fr_s3_source *m = (fr_s3_source *)s; /* the lock only */
    memset(row, 0, sizeof *row);
    row->source = strdup(s->url);
    row->kind = strdup("s3");
    pthread_mutex_lock(&m->mu);
    row->requests = s->requests;
    row->retries = s->retries;
    row->throttles = s->throttles;
    row->pages = s->pages;
    row->listed = s->listed;
    row->read = s->read;
    row->failed = s->failed;
    row->skipped = s->skipped;
    row->bytes = s->bytes;
    if (s->last_error[0])
        row->error = strdup(s->last_error);
    int bad = s->last_error[0] && !row->error;
    pthread_mutex_unlock(&m->mu);
    if (!row->source || !row->kind || bad) {
        free(row->source);
        free(row->kind);
        free(row->error);
        memset(row, 0, sizeof *row);
        return FR_ERR_NOMEM;
    }
    return FR_OK;
}

void fr_s3_source_free(fr_s3_source *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_objs; i++) {
        free(s->objs[i]->key);
        free(s->objs[i]->name);
        free(s->objs[i]->etag);
        free(s->objs[i]);
    }
    free(s->objs);
    free(s->url);
    free(s->bucket);
    free(s->prefix);
    free(s->save_raw);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

/* ---- fetching ---- */

/* Creates every directory of path up to its last '/'. Returns 0 or -1. */
static int make_parents(char *path)
{
    for (char *p = strchr(path + 1, '/'); p; p = strchr(p + 1, '/')) {
        *p = '\0';
        int r = mkdir(path, 0777);
        int saved = errno;
        *p = '/';
        if (r != 0 && saved != EEXIST) {
            errno = saved;
            return -1;
        }
    }
    return 0;
}

/* 1 when key can name a file under the save directory: no empty, "." or
 * ".." segment. */
static int safe_key(const char *key)
{
    for (const char *p = key;;) {
        const char *sl = strchr(p, '/');
        size_t n = sl ? (size_t)(sl - p) : strlen(p);
        if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
            return 0;
        if (!sl)
            return 1;
        p = sl + 1;
    }
}

typedef struct sink_ctx {
    fr_fetch_job *job;
    int fd; /* the --save-raw temp file or -1 */
    uint8_t head[4];
    size_t n_head;
    int parquet, write_errno, stopped;
} sink_ctx;

/* Hands body bytes to the save file and the fetch queue. Returns 0 or -1 to
 * stop (Parquet, a write error, the queue aborted). */
static int s3_sink(void *vctx, const uint8_t *data, size_t len)
{
    sink_ctx *c = vctx;
    if (c->n_head < 4) {
        size_t k = 4 - c->n_head < len ? 4 - c->n_head : len;
        memcpy(c->head + c->n_head, data, k);
        c->n_head += k;
        if (c->n_head == 4 && memcmp(c->head, "PAR1", 4) == 0) {
            c->parquet = 1;
            return -1;
        }
    }
    for (size_t off = 0; c->fd >= 0 && off < len;) {
        ssize_t w = write(c->fd, data + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            c->write_errno = w < 0 ? errno : EIO;
            return -1;
        }
        off += (size_t)w;
    }
    if (fr_fetch_put(c->job, data, len) != 0) {
        c->stopped = 1;
        return -1;
    }
    return 0;
}

/* The fetch job of one object: GetObject (resumed by fr_aws) into the
 * queue and, with --save-raw, into DIR/s3/BUCKET/KEY. Returns FR_OK or the
 * error with "s3://bucket/key: ..." in errbuf. */
static fr_err s3_fetch(void *item, fr_fetch_job *job, char *errbuf, size_t errlen)
{
    s3_object *o = item;
    fr_s3_source *s = o->s;
    sink_ctx c = {.job = job, .fd = -1};
    char *final = NULL, *tmp = NULL;
    long tmp_id = -1; /* fr_interrupt_tmp_* */
    fr_err e = FR_OK;
    int counted = 0;
    char *path = malloc(strlen(o->key) + 2);
    if (!path) {
        snprintf(errbuf, errlen, "%s: out of memory", o->name);
        return FR_ERR_NOMEM;
    }
    path[0] = '/';
    strcpy(path + 1, o->key);
    if (s->save_raw) {
        size_t n = strlen(s->save_raw) + strlen(s->bucket) + strlen(o->key) + 8;
        final = malloc(n);
        tmp = malloc(n + 16);
        if (!final || !tmp) {
            snprintf(errbuf, errlen, "%s: out of memory", o->name);
            e = FR_ERR_NOMEM;
            goto done;
        }
        snprintf(final, n, "%s/s3/%s/%s", s->save_raw, s->bucket, o->key);
        snprintf(tmp, n + 16, "%s.part-XXXXXX", final);
        if (!safe_key(o->key)) {
            snprintf(errbuf, errlen, "%s: the key cannot be saved as a file under %s", o->name,
                     s->save_raw);
            e = FR_ERR_IO;
            goto done;
        }
        /* registered so that a signal removes the partial download */
        if (make_parents(tmp) != 0 || (c.fd = fr_interrupt_tmp_mkstemp(tmp, &tmp_id)) < 0) {
            snprintf(errbuf, errlen, "%s: cannot save to %s: %s", o->name, final, strerror(errno));
            e = FR_ERR_IO;
            goto done;
        }
    }
    fr_aws_request rq = {.method = "GET",
                         .bucket = s->bucket,
                         .path = path,
                         .sink = s3_sink,
                         .sink_ctx = &c,
                         .what = o->name};
    fr_aws_response rs;
    memset(&rs, 0, sizeof rs);
    e = fr_aws_call(s->o.aws, &rq, &rs, errbuf, errlen);
    count_call(s, &rs, 0, NULL);
    fr_aws_response_clear(&rs);
    if (e == FR_ERR_CONFIG)
        e = FR_ERR_AUTH;
    if (c.parquet) {
        snprintf(errbuf, errlen, "%s: unsupported format: Parquet", o->name);
        pthread_mutex_lock(&s->mu);
        s->skipped++;
        pthread_mutex_unlock(&s->mu);
        counted = 1;
        e = FR_ERR_FORMAT;
    } else if (c.write_errno) {
        snprintf(errbuf, errlen, "%s: cannot save to %s: %s", o->name, final,
                 strerror(c.write_errno));
        e = FR_ERR_IO;
    } else if (c.stopped) {
        snprintf(errbuf, errlen, "%s: fetch stopped", o->name);
        e = FR_ERR_REMOTE;
        counted = 1; /* the queue's error is what counts */
    }
    if (c.fd >= 0) {
        int r = close(c.fd);
        c.fd = -1;
        if (e == FR_OK && r != 0) {
            snprintf(errbuf, errlen, "%s: cannot save to %s: %s", o->name, final, strerror(errno));
            e = FR_ERR_IO;
        }
        if (e == FR_OK && rename(tmp, final) != 0) {
            snprintf(errbuf, errlen, "%s: cannot save to %s: %s", o->name, final, strerror(errno));
            e = FR_ERR_IO;
        }
        if (e != FR_OK)
            unlink(tmp);
    }
done:
    if (c.fd >= 0) {
        close(c.fd);
        unlink(tmp);
    }
    fr_interrupt_tmp_done(tmp_id);
    if (!counted) {
        pthread_mutex_lock(&s->mu);
        if (e == FR_OK) {
            s->read++;
        } else {
            s->failed++;
            snprintf(s->last_error, sizeof s->last_error, "%s", errbuf);
        }
        pthread_mutex_unlock(&s->mu);
    }
    free(path);
    free(final);
    free(tmp);
    return e;
}
