/* SPDX-License-Identifier: MIT */
/* source_cwl: a CloudWatch Logs log group as a source: the period cut into
 * time slices, each slice read with FilterLogEvents page by page and its
 * events' messages handed to the fetch queue as text lines. */
#include "fr_cwl.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "fr_interrupt.h"
#include "fr_remote.h"

/* Events per page asked for (the API's maximum). */
#define CWL_LIMIT 10000
/* Identical tokens on empty pages in a row before a slice gives up. */
#define CWL_SAME_TOKEN_MAX 100
/* Slice lengths in seconds, smallest first; slices are never under 5 min. */
static const int64_t slice_lengths[] = {300, 600, 900, 1200, 1800, 3600};
/* Past this many one-hour slices, longer slices (up to a day) are used. */
#define CWL_MAX_SLICES 2000

typedef struct cwl_slice {
    fr_cwl_source *src;
    int64_t start, end; /* seconds, [start, end) */
    char *name;
    fr_fetch_item fi;
} cwl_slice;

struct fr_cwl_source {
    fr_aws *aws;
    char *group; /* name, or ARN without ":*" */
    int is_arn;
    char *region; /* for messages, or NULL */
    char *stream_prefix;
    char *display; /* "logs:GROUP" or "logs:GROUP:PREFIX*" */
    char *save_raw;
    int64_t since, until;
    int slices_hint;

    size_t n_slices;
    cwl_slice *slices;

    pthread_mutex_t mu; /* guards everything below */
    uint64_t requests, retries, throttles, bytes, pages, events, read, failed;
    char *last_error;
    int not_found; /* a slice was told the group does not exist */
};

/* 1 when name is a valid log group name. */
static int valid_group_name(const char *s, size_t n)
{
    if (n < 1 || n > 512)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == '_' || c == '/' || c == '#'))
            return 0;
    }
    return 1;
}

/* Splits an ARN: sets region (start, length) and the name (start, length).
 * Returns 1 when s has the log group ARN shape, else 0. */
static int arn_parts(const char *s, const char **reg, size_t *reglen, const char **name,
                     size_t *namelen)
{
    if (strncmp(s, "arn:", 4) != 0)
        return 0;
    const char *f[6];
    size_t fl[6];
    const char *p = s + 4;
    /* partition, service, region, account, resource type, then the rest */
    for (int i = 0; i < 5; i++) {
        const char *c = strchr(p, ':');
        if (!c)
            return 0;
        f[i] = p;
        fl[i] = (size_t)(c - p);
        p = c + 1;
    }
    f[5] = p;
    fl[5] = strlen(p);
    if (fl[0] == 0 || fl[1] != 4 || memcmp(f[1], "logs", 4) != 0 || fl[2] == 0 || fl[3] == 0 ||
        fl[4] != 9 || memcmp(f[4], "log-group", 9) != 0)
        return 0;
    size_t nl = fl[5];
    if (nl >= 2 && strcmp(f[5] + nl - 2, ":*") == 0)
        nl -= 2;
    *reg = f[2];
    *reglen = fl[2];
    *name = f[5];
    *namelen = nl;
    return 1;
}

int fr_cwl_is_arn(const char *s)
{
    /* loose on purpose: "arn:PARTITION:logs:..." is taken as a log group
     * ARN, and fr_cwl_source_new says what is wrong with a bad one */
    if (!s || strncmp(s, "arn:", 4) != 0)
        return 0;
    const char *p = strchr(s + 4, ':');
    return p && strncmp(p, ":logs:", 6) == 0;
}

/* Returns a malloc'd copy of the first n bytes of s, or NULL. */
static char *dupn(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

fr_cwl_source *fr_cwl_source_new(const fr_cwl_opts *o, char *errbuf, size_t errlen)
{
    fr_cwl_source *s = NULL;
    const char *g = o->group ? o->group : "";
    const char *reg = NULL, *name = g;
    size_t reglen = 0, namelen = strlen(g);
    int is_arn = arn_parts(g, &reg, &reglen, &name, &namelen);
    if (!is_arn && strncmp(g, "arn:", 4) == 0) {
        snprintf(
            errbuf, errlen,
            "not a log group ARN: %.200s (want arn:PARTITION:logs:REGION:ACCOUNT:log-group:NAME)",
            g);
        return NULL;
    }
    if (!valid_group_name(name, namelen)) {
        snprintf(errbuf, errlen, "bad log group name \"%.*s\" (1-512 of A-Z a-z 0-9 . - _ / #)",
                 (int)(namelen > 200 ? 200 : namelen), name);
        return NULL;
    }
    if (o->stream_prefix &&
        (!*o->stream_prefix || strlen(o->stream_prefix) > 512 || strpbrk(o->stream_prefix, ":*"))) {
        snprintf(errbuf, errlen, "bad log stream prefix \"%.200s\"", o->stream_prefix);
        return NULL;
    }
    if (o->until <= o->since) {
        snprintf(errbuf, errlen, "log group %.200s: empty period", g);
        return NULL;
    }
    s = calloc(1, sizeof *s);
    if (!s)
        goto nomem;
    if (pthread_mutex_init(&s->mu, NULL) != 0) {
        free(s);
        s = NULL;
        goto nomem;
    }
    s->aws = o->aws;
    s->is_arn = is_arn;
    s->since = o->since;
    s->until = o->until;
    s->slices_hint = o->slices_hint > 0 ? o->slices_hint : 1;
    /* an ARN is sent without its ":*" */
    s->group = is_arn ? dupn(g, (size_t)(name + namelen - g)) : strdup(g);
    if (!s->group)
        goto nomem;
    if (is_arn && !(s->region = dupn(reg, reglen)))
        goto nomem;
    if (o->stream_prefix && !(s->stream_prefix = strdup(o->stream_prefix)))
        goto nomem;
    if (o->save_raw && !(s->save_raw = strdup(o->save_raw)))
        goto nomem;
    size_t dl = strlen(s->group) + (s->stream_prefix ? strlen(s->stream_prefix) + 2 : 0) + 6;
    if (!(s->display = malloc(dl)))
        goto nomem;
    if (s->stream_prefix)
        snprintf(s->display, dl, "logs:%s:%s*", s->group, s->stream_prefix);
    else
        snprintf(s->display, dl, "logs:%s", s->group);
    return s;
nomem:
    fr_cwl_source_free(s);
    snprintf(errbuf, errlen, "out of memory");
    return NULL;
}

fr_err fr_cwl_set_region(fr_cwl_source *s, const char *region)
{
    if (s->is_arn || !region)
        return FR_OK; /* an ARN names its own region */
    char *r = strdup(region);
    if (!r)
        return FR_ERR_NOMEM;
    free(s->region);
    s->region = r;
    return FR_OK;
}

/* Formats t (seconds) as "YYYY-MM-DDTHH:MM:SSZ" into buf (32 bytes). */
static void iso_sec(int64_t t, char *buf, size_t n)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm)) {
        snprintf(buf, n, "%lld", (long long)t);
        return;
    }
    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Chooses the slice length for the period: one hour, shorter (not under
 * 5 min) so that short periods have 2 slices per connection, longer for
 * very long periods. */
static int64_t slice_length(const fr_cwl_source *s)
{
    int64_t span = s->until - s->since;
    int64_t want = (int64_t)s->slices_hint * 2;
    size_t nl = sizeof slice_lengths / sizeof slice_lengths[0];
    int64_t len = slice_lengths[nl - 1];
    for (size_t i = nl; i-- > 0;) {
        len = slice_lengths[i];
        if ((span + len - 1) / len >= want)
            break;
    }
    while (len < 86400 && (span + len - 1) / len > CWL_MAX_SLICES)
        len = len * 2 > 86400 ? 86400 : len * 2;
    return len;
}

static fr_err slice_job(void *item, fr_fetch_job *job, char *errbuf, size_t errlen);

fr_err fr_cwl_slices(fr_cwl_source *s, fr_source_list *list, const fr_source_opener *opener,
                     char *errbuf, size_t errlen)
{
    if (!s->slices) {
        int64_t len = slice_length(s);
        size_t n = 0;
        /* boundaries on multiples of len from the epoch, the first and last
         * cut by the period */
        for (int64_t t = s->since; t < s->until; n++) {
            int64_t next = (t / len + 1) * len;
            t = next;
        }
        s->slices = calloc(n, sizeof *s->slices);
        if (!s->slices)
            goto nomem;
        s->n_slices = n;
        int64_t t = s->since;
        for (size_t i = 0; i < n; i++) {
            cwl_slice *c = &s->slices[i];
            int64_t next = (t / len + 1) * len;
            c->src = s;
            c->start = t;
            c->end = next < s->until ? next : s->until;
            c->fi.fn = slice_job;
            c->fi.item = c;
            char when[32];
            iso_sec(c->start, when, sizeof when);
            size_t nl = strlen(s->display) + strlen(when) + 2;
            if (!(c->name = malloc(nl)))
                goto nomem;
            snprintf(c->name, nl, "%s@%s", s->display, when);
            t = c->end;
        }
    }
    for (size_t i = 0; i < s->n_slices; i++) {
        cwl_slice *c = &s->slices[i];
        if (fr_source_add_remote(list, c->name, NULL, opener, &c->fi, NULL) != FR_OK)
            goto nomem;
    }
    return FR_OK;
nomem:
    snprintf(errbuf, errlen, "out of memory");
    return FR_ERR_NOMEM;
}

/* Takes the counters' lock. Returns 0, or -1 when it could not be had (the
 * update is then skipped: counters are for the report only). */
static int lock(fr_cwl_source *s)
{
    return pthread_mutex_lock(&s->mu) == 0 ? 0 : -1;
}

static void unlock(fr_cwl_source *s)
{
    (void)pthread_mutex_unlock(&s->mu);
}

/* Records a failed slice and its message. */
static void note_failure(fr_cwl_source *s, const char *msg)
{
    char *m = strdup(msg);
    if (lock(s) != 0) {
        free(m);
        return;
    }
    s->failed++;
    if (m) {
        free(s->last_error);
        s->last_error = m;
    }
    unlock(s);
}

/* What one call cost, kept past fr_aws_response_clear. */
typedef struct call_cost {
    int attempts, throttles;
    uint64_t bytes;
} call_cost;

static call_cost cost_of(const fr_aws_response *rs)
{
    call_cost c = {rs->attempts, rs->throttles, rs->bytes};
    return c;
}

/* Adds one call's counters. */
static void note_call(fr_cwl_source *s, call_cost c, uint64_t pages, uint64_t events)
{
    if (lock(s) != 0)
        return;
    s->requests += (uint64_t)c.attempts;
    s->retries += c.attempts > 1 ? (uint64_t)(c.attempts - 1) : 0;
    s->throttles += (uint64_t)c.throttles;
    s->bytes += c.bytes;
    s->pages += pages;
    s->events += events;
    unlock(s);
}

/* ---- --save-raw: one gzip file per stream of a slice ---- */

typedef struct raw_file {
    char *stream;
    char *tmp, *final;
    gzFile gz;
    long tmp_id; /* fr_interrupt_tmp_*: a signal removes tmp */
} raw_file;

typedef struct raw_set {
    const cwl_slice *c;
    char *dir; /* DIR/logs/GROUP/SLICE, made with the first file */
    size_t n, cap;
    raw_file *f;
} raw_set;

/* mkdir -p. Returns 0 or -1 (errno set). */
static int mkdirs(char *path)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        int rc = mkdir(path, 0777);
        *p = '/';
        if (rc != 0 && errno != EEXIST)
            return -1;
    }
    if (mkdir(path, 0777) != 0 && errno != EEXIST)
        return -1;
    return 0;
}

/* Copies s into a file name component: '/' and other unsafe bytes become
 * '_', and a leading '.' too (hidden names are skipped when read back). */
static char *safe_component(const char *s)
{
    size_t n = strlen(s);
    char *d = malloc(n + 1);
    if (!d)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        int ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '.' || c == '-' || c == '_' || c == '#' || c == '=' || c == '@' || c == '+';
        d[i] = ok && !(i == 0 && c == '.') ? c : '_';
    }
    d[n] = '\0';
    return d;
}

/* Closes and removes the temporary files (a failed slice). */
static void raw_discard(raw_set *r)
{
    for (size_t i = 0; i < r->n; i++) {
        if (r->f[i].gz)
            gzclose(r->f[i].gz);
        if (r->f[i].tmp)
            unlink(r->f[i].tmp);
        fr_interrupt_tmp_done(r->f[i].tmp_id);
        free(r->f[i].stream);
        free(r->f[i].tmp);
        free(r->f[i].final);
    }
    free(r->f);
    free(r->dir);
    r->f = NULL;
    r->dir = NULL;
    r->n = r->cap = 0;
}

/* Closes every file and renames it into place. Returns 0, or -1 with a
 * message in errbuf (the files are removed by raw_discard). */
static int raw_commit(raw_set *r, char *errbuf, size_t errlen)
{
    for (size_t i = 0; i < r->n; i++) {
        raw_file *f = &r->f[i];
        int rc = gzclose(f->gz);
        f->gz = NULL;
        if (rc != Z_OK) {
            snprintf(errbuf, errlen, "--save-raw: cannot write %s", f->tmp);
            return -1;
        }
    }
    for (size_t i = 0; i < r->n; i++) {
        raw_file *f = &r->f[i];
        if (rename(f->tmp, f->final) != 0) {
            snprintf(errbuf, errlen, "--save-raw: cannot rename %s: %s", f->tmp, strerror(errno));
            return -1;
        }
        free(f->tmp);
        f->tmp = NULL;
        fr_interrupt_tmp_done(f->tmp_id);
        f->tmp_id = -1;
    }
    return 0;
}

/* Creates DIR/logs/GROUP/SLICESTART. Returns 0, or -1 with a message. */
static int raw_open_dir(raw_set *r, const cwl_slice *c, char *errbuf, size_t errlen)
{
    const fr_cwl_source *s = c->src;
    char *g = safe_component(s->group);
    if (!g)
        goto nomem;
    char when[32];
    time_t tt = (time_t)c->start;
    struct tm tm;
    if (!gmtime_r(&tt, &tm))
        snprintf(when, sizeof when, "%lld", (long long)c->start);
    else
        strftime(when, sizeof when, "%Y%m%dT%H%M%SZ", &tm);
    size_t n = strlen(s->save_raw) + strlen(g) + strlen(when) + 16;
    r->dir = malloc(n);
    if (!r->dir) {
        free(g);
        goto nomem;
    }
    snprintf(r->dir, n, "%s/logs/%s/%s", s->save_raw, g, when);
    free(g);
    if (mkdirs(r->dir) != 0) {
        snprintf(errbuf, errlen, "--save-raw: cannot create %s: %s", r->dir, strerror(errno));
        return -1;
    }
    return 0;
nomem:
    snprintf(errbuf, errlen, "out of memory");
    return -1;
}

/* The open file for stream, opening it when new. Returns NULL with a
 * message in errbuf. */
static gzFile raw_file_for(raw_set *r, const char *stream, char *errbuf, size_t errlen)
{
    for (size_t i = r->n; i-- > 0;) {
        if (strcmp(r->f[i].stream, stream) == 0)
            return r->f[i].gz;
    }
    if (!r->dir && raw_open_dir(r, r->c, errbuf, errlen) != 0)
        return NULL;
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        raw_file *v = realloc(r->f, cap * sizeof *v);
        if (!v)
            goto nomem;
        r->f = v;
        r->cap = cap;
    }
    raw_file *f = &r->f[r->n];
    memset(f, 0, sizeof *f);
    f->tmp_id = -1;
    char *safe = safe_component(stream[0] ? stream : "_");
    if (!safe)
        goto nomem;
    size_t n = strlen(r->dir) + strlen(safe) + 32;
    f->stream = strdup(stream);
    f->tmp = malloc(n);
    f->final = malloc(n);
    if (!f->stream || !f->tmp || !f->final) {
        free(safe);
        free(f->stream);
        free(f->tmp);
        free(f->final);
        goto nomem;
    }
    snprintf(f->final, n, "%s/%s.log.gz", r->dir, safe);
    snprintf(f->tmp, n, "%s/.%s.log.gz.tmp", r->dir, safe);
    free(safe);
    r->n++;
    /* registered before it exists, so that a signal removes it */
    f->tmp_id = fr_interrupt_tmp_add(f->tmp);
    f->gz = gzopen(f->tmp, "wb6");
    if (!f->gz) {
        snprintf(errbuf, errlen, "--save-raw: cannot create %s: %s", f->tmp,
                 errno ? strerror(errno) : "out of memory");
        return NULL;
    }
    return f->gz;
nomem:
    snprintf(errbuf, errlen, "out of memory");
    return NULL;
}

/* Writes "YYYY-MM-DDTHH:MM:SS.mmmZ MESSAGE\n". Returns 0 or -1. */
static int raw_write(gzFile gz, int64_t ms, const char *msg, size_t len)
{
    char pre[40];
    int64_t sec = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
    int milli = (int)(ms - sec * 1000);
    time_t tt = (time_t)sec;
    struct tm tm;
    if (!gmtime_r(&tt, &tm))
        return -1;
    size_t k = strftime(pre, sizeof pre, "%Y-%m-%dT%H:%M:%S", &tm);
    if (k == 0)
        return -1;
    snprintf(pre + k, sizeof pre - k, ".%03dZ ", milli);
    size_t pl = strlen(pre);
    if (gzwrite(gz, pre, (unsigned)pl) != (int)pl)
        return -1;
    if (len && gzwrite(gz, msg, (unsigned)len) != (int)len)
        return -1;
    if (gzwrite(gz, "\n", 1) != 1)
        return -1;
    return 0;
}

/* ---- the job ---- */

/* A growable byte buffer. */
typedef struct buf {
    char *p;
    size_t n, cap;
} buf;

/* Makes room for extra bytes. Returns 0 or -1. */
static int buf_reserve(buf *b, size_t extra)
{
    if (b->n + extra <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 65536;
    while (cap < b->n + extra)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p)
        return -1;
    b->p = p;
    b->cap = cap;
    return 0;
}

/* Appends s as a JSON string. Returns 0 or -1. */
static int put_json_str(buf *b, const char *s)
{
    size_t n = strlen(s);
    if (buf_reserve(b, n * 6 + 2) != 0)
        return -1;
    char *d = b->p + b->n;
    *d++ = '"';
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            *d++ = '\\';
            *d++ = (char)c;
        } else if (c < 0x20) {
            d += sprintf(d, "\\u%04x", c);
        } else {
            *d++ = (char)c;
        }
    }
    *d++ = '"';
    b->n = (size_t)(d - b->p);
    return 0;
}

/* Appends text. Returns 0 or -1. */
static int put_text(buf *b, const char *t)
{
    size_t n = strlen(t);
    if (buf_reserve(b, n) != 0)
        return -1;
    memcpy(b->p + b->n, t, n);
    b->n += n;
    return 0;
}

/* Builds the request body into b, NUL-terminated. Returns 0 or -1 (out of
 * memory). */
static int request_body(const cwl_slice *c, const char *token, buf *b)
{
    const fr_cwl_source *s = c->src;
    char num[96];
    b->n = 0;
    if (put_text(b, s->is_arn ? "{\"logGroupIdentifier\":" : "{\"logGroupName\":") != 0 ||
        put_json_str(b, s->group) != 0)
        return -1;
    if (s->stream_prefix &&
        (put_text(b, ",\"logStreamNamePrefix\":") != 0 || put_json_str(b, s->stream_prefix) != 0))
        return -1;
    snprintf(num, sizeof num, ",\"startTime\":%lld,\"endTime\":%lld,\"limit\":%d",
             (long long)c->start * 1000, (long long)c->end * 1000 - 1, CWL_LIMIT);
    if (put_text(b, num) != 0)
        return -1;
    if (token && (put_text(b, ",\"nextToken\":") != 0 || put_json_str(b, token) != 0))
        return -1;
    if (put_text(b, "}") != 0 || buf_reserve(b, 1) != 0)
        return -1;
    b->p[b->n] = '\0';
    return 0;
}

/* Hands one scanned page's events to the raw files, then its lines to the
 * queue. Returns FR_OK; FR_ERR_IO (aborted or a --save-raw write failed);
 * message in errbuf. */
static fr_err put_page(const fr_cwl_page *pg, fr_fetch_job *job, raw_set *raw, char *errbuf,
                       size_t errlen)
{
    size_t n = fr_cwl_page_count(pg);
    for (size_t i = 0; raw && i < n; i++) {
        const char *msg, *stream;
        size_t len;
        int64_t ms;
        fr_cwl_page_event(pg, i, &msg, &len, &stream, &ms);
        gzFile gz = raw_file_for(raw, stream, errbuf, errlen);
        if (!gz)
            return FR_ERR_IO;
        if (raw_write(gz, ms, msg, len) != 0) {
            snprintf(errbuf, errlen, "--save-raw: cannot write under %s", raw->dir);
            return FR_ERR_IO;
        }
    }
    size_t len;
    const char *lines = fr_cwl_page_lines(pg, &len);
    if (len && fr_fetch_put(job, (const uint8_t *)lines, len) != 0) {
        snprintf(errbuf, errlen, "aborted");
        return FR_ERR_IO;
    }
    return FR_OK;
}

/* 1 when a slice found that the group does not exist. */
static int group_missing(fr_cwl_source *s)
{
    int r = 0;
    if (lock(s) == 0) {
        r = s->not_found;
        unlock(s);
    }
    return r;
}

static void not_found_message(const fr_cwl_source *s, char *errbuf, size_t errlen)
{
    if (s->region)
        snprintf(errbuf, errlen, "log group %s not found in %s", s->group, s->region);
    else
        snprintf(errbuf, errlen, "log group %s not found", s->group);
}

/* Reads one slice: FilterLogEvents until no nextToken comes back. */
static fr_err slice_job(void *item, fr_fetch_job *job, char *errbuf, size_t errlen)
{
    cwl_slice *c = item;
    fr_cwl_source *s = c->src;
    fr_err rc = FR_OK;
    char *token = NULL;
    int same = 0;
    buf body = {0};
    raw_set rawset = {0}, *raw = NULL;
    fr_cwl_page *pg = fr_cwl_page_new();
    fr_aws_response rs;
    memset(&rs, 0, sizeof rs);
    static const fr_kv headers[] = {
        {"Content-Type", "application/x-amz-json-1.1"},
        {"X-Amz-Target", "Logs_20140328.FilterLogEvents"},
    };

    if (!pg) {
        snprintf(errbuf, errlen, "out of memory");
        rc = FR_ERR_NOMEM;
        goto fail;
    }
    if (s->save_raw) {
        raw = &rawset;
        raw->c = c;
    }
    for (;;) {
        if (fr_fetch_aborted(job)) {
            snprintf(errbuf, errlen, "aborted");
            rc = FR_ERR_IO;
            goto fail;
        }
        if (group_missing(s)) {
            /* one slice learnt it: the others fail without asking again */
            not_found_message(s, errbuf, errlen);
            rc = FR_ERR_REMOTE;
            goto fail;
        }
        if (request_body(c, token, &body) != 0) {
            snprintf(errbuf, errlen, "out of memory");
            rc = FR_ERR_NOMEM;
            goto fail;
        }
        fr_aws_request rq = {
            .method = "POST",
            .path = "/",
            .headers = headers,
            .n_headers = sizeof headers / sizeof headers[0],
            .body = (const uint8_t *)body.p,
            .body_len = body.n,
            .what = c->name,
        };
        char msg[768];
        fr_err e = fr_aws_call(s->aws, &rq, &rs, msg, sizeof msg);
        if (e != FR_OK) {
            note_call(s, cost_of(&rs), 0, 0);
            if (e == FR_ERR_AUTH) {
                snprintf(errbuf, errlen, "%s", msg);
            } else if (rs.cls == FR_AWS_NOTFOUND ||
                       strcmp(rs.code, "ResourceNotFoundException") == 0) {
                if (lock(s) == 0) {
                    s->not_found = 1;
                    unlock(s);
                }
                not_found_message(s, errbuf, errlen);
                e = FR_ERR_REMOTE;
            } else {
                /* the reader's messages are prefixed with the item's name */
                size_t nl = strlen(c->name);
                const char *m = msg;
                if (strncmp(m, c->name, nl) == 0 && strncmp(m + nl, ": ", 2) == 0)
                    m += nl + 2;
                snprintf(errbuf, errlen, "%s", m);
            }
            rc = e;
            goto fail;
        }
        /* a page counts only when whole and valid: a retried page is
         * never put twice. The reply is not needed past the scan: freed
         * before the put, which may wait for the pipeline. */
        rc = fr_cwl_page_scan(pg, rs.body ? rs.body : "", rs.body_len, raw != NULL, errbuf, errlen);
        call_cost cost = cost_of(&rs);
        fr_aws_response_clear(&rs);
        if (rc == FR_OK)
            rc = put_page(pg, job, raw, errbuf, errlen);
        if (rc != FR_OK) {
            note_call(s, cost, 0, 0);
            goto fail;
        }
        uint64_t nev = fr_cwl_page_count(pg);
        note_call(s, cost, 1, nev);
        const char *next = fr_cwl_page_token(pg);
        if (!next)
            break;
        if (token && strcmp(token, next) == 0 && nev == 0) {
            if (++same >= CWL_SAME_TOKEN_MAX) {
                snprintf(errbuf, errlen, "the same nextToken came back on %d empty pages", same);
                rc = FR_ERR_REMOTE;
                goto fail;
            }
        } else {
            same = 0;
        }
        char *t = strdup(next);
        if (!t) {
            snprintf(errbuf, errlen, "out of memory");
            rc = FR_ERR_NOMEM;
            goto fail;
        }
        free(token);
        token = t;
    }
    if (raw && raw_commit(raw, errbuf, errlen) != 0) {
        rc = FR_ERR_IO;
        goto fail;
    }
    if (raw)
        raw_discard(raw);
    free(token);
    free(body.p);
    fr_cwl_page_free(pg);
    if (lock(s) == 0) {
        s->read++;
        unlock(s);
    }
    return FR_OK;
fail:
    if (raw)
        raw_discard(raw);
    fr_cwl_page_free(pg);
    fr_aws_response_clear(&rs);
    free(body.p);
    free(token);
    if (!fr_fetch_aborted(job) || rc == FR_ERR_AUTH) {
        /* the report's last error names the slice; errbuf goes to the
         * reader, whose messages already carry the item's name */
        char *m = NULL;
        size_t ml = strlen(c->name) + strlen(errbuf) + 3;
        if (rc != FR_ERR_AUTH && (m = malloc(ml)) != NULL)
            snprintf(m, ml, "%s: %s", c->name, errbuf);
        note_failure(s, m ? m : errbuf);
        free(m);
    }
    return rc;
}

fr_err fr_cwl_stats(const fr_cwl_source *s, fr_fetch_row *row)
{
    fr_cwl_source *m = (fr_cwl_source *)s; /* the lock only */
    memset(row, 0, sizeof *row);
    if (lock(m) != 0)
        return FR_ERR_NOMEM;
    row->requests = s->requests;
    row->retries = s->retries;
    row->throttles = s->throttles;
    row->pages = s->pages;
    row->listed = s->n_slices;
    row->read = s->read;
    row->failed = s->failed;
    row->events = s->events;
    row->bytes = s->bytes;
    row->source = strdup(s->display);
    row->kind = strdup("cloudwatch-logs");
    row->error = s->last_error ? strdup(s->last_error) : NULL;
    int bad = !row->source || !row->kind || (s->last_error && !row->error);
    unlock(m);
    if (bad) {
        free(row->source);
        free(row->kind);
        free(row->error);
        memset(row, 0, sizeof *row);
        return FR_ERR_NOMEM;
    }
    return FR_OK;
}

void fr_cwl_source_free(fr_cwl_source *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_slices; i++)
        free(s->slices[i].name);
    free(s->slices);
    free(s->group);
    free(s->region);
    free(s->stream_prefix);
    free(s->display);
    free(s->save_raw);
    free(s->last_error);
    pthread_mutex_destroy(&s->mu);
    free(s);
}
