/* SPDX-License-Identifier: MIT */
/* remote: the downloader's front: remote INPUTs and --log-group become S3
 * and CloudWatch Logs sources, whose items reach the pipeline through one
 * fetch queue. */
#include "fr_remote.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fr_aws.h"
#include "fr_creds.h"
#include "fr_cwl.h"
#include "fr_ec2.h"
#include "fr_s3.h"

/* Bytes fetched ahead of the pipeline at most (plus one chunk a connection). */
#define FETCH_BUDGET (8u << 20)

typedef enum { SRC_S3, SRC_CWL } src_kind;

typedef struct rsource {
    src_kind kind;
    const char *name; /* as the user wrote it (points into the options) */
    fr_s3_source *s3;
    fr_aws *aws; /* S3: one client per source, so its counters are its own */
    fr_cwl_source *cwl;
} rsource;

struct fr_remote {
    fr_remote_opts o;
    int64_t until; /* the period's end used for Logs */
    fr_awsconf *conf;
    fr_creds_provider *creds;
    fr_aws *logs; /* shared: the request rate is per account and region */
    rsource *src;
    size_t n_src;
    fr_source_opener opener;
    fr_fetchq *q;
    fr_aws *ec2; /* --describe-enis */
    fr_aws *s3obj; /* state objects: made on first use */
};

int fr_remote_is_remote(const char *arg)
{
    return strncmp(arg, "s3://", 5) == 0 || fr_cwl_is_arn(arg);
}

int fr_remote_is_s3_object(const char *path)
{
    return path && strncmp(path, "s3://", 5) == 0;
}

int fr_remote_wanted(const fr_remote_opts *o)
{
    if (o->n_log_groups || o->describe_enis || fr_remote_is_s3_object(o->save_state))
        return 1;
    for (size_t i = 0; i < o->n_inputs; i++)
        if (fr_remote_is_remote(o->inputs[i]))
            return 1;
    return 0;
}

/* The opener of every remote item: its fetch-queue reader. */
static fr_reader *remote_open(void *ctx, void *handle, const char *name, fr_err *err, char *errbuf,
                              size_t errlen)
{
    fr_remote *rm = ctx;
    const fr_fetch_item *fi = handle;
    fr_reader *r = fr_fetchq_open(rm->q, fi->job, name);
    if (!r) {
        *err = FR_ERR_NOMEM;
        snprintf(errbuf, errlen, "out of memory");
    }
    return r;
}

/* Appends a source. Returns 0 or -1 (memory). */
static int src_add(fr_remote *rm, src_kind kind, const char *name)
{
    rsource *v = realloc(rm->src, (rm->n_src + 1) * sizeof *v);
    if (!v)
        return -1;
    rm->src = v;
    memset(&v[rm->n_src], 0, sizeof *v);
    v[rm->n_src].kind = kind;
    v[rm->n_src].name = name;
    rm->n_src++;
    return 0;
}

/* Creates an fr_aws for service. Returns NULL with *err and errbuf set. */
static fr_aws *client_new(fr_remote *rm, const char *service, double rate, fr_err *err,
                          char *errbuf, size_t errlen)
{
    int custom = 0;
    const char *endpoint = fr_awsconf_endpoint(rm->conf, service, &custom);
    if (!endpoint) {
        *err = FR_ERR_CONFIG;
        snprintf(errbuf, errlen, "no endpoint for %s", service);
        return NULL;
    }
    fr_aws_opts ao = {
        .service = service,
        .region = fr_awsconf_region(rm->conf),
        .endpoint = endpoint,
        .path_style = custom,
        .creds = rm->creds,
        .max_attempts = rm->o.max_attempts,
        .rate = rate,
        .ca_bundle = fr_awsconf_ca_bundle(rm->conf),
    };
    fr_aws *a = fr_aws_new(&ao, errbuf, errlen);
    if (!a)
        *err = FR_ERR_NOMEM;
    return a;
}

fr_remote *fr_remote_new(const fr_remote_opts *o, fr_err *err, char *errbuf, size_t errlen)
{
    fr_remote *rm = calloc(1, sizeof *rm);
    *err = FR_ERR_NOMEM;
    snprintf(errbuf, errlen, "out of memory");
    if (!rm)
        return NULL;
    rm->o = *o;
    if (rm->o.connections < 1)
        rm->o.connections = 1;
    if (rm->o.max_attempts < 1)
        rm->o.max_attempts = 1;
    rm->opener.open = remote_open;
    rm->opener.ctx = rm;

    /* Which sources, and are their names good: before anything is read. */
    size_t n_cwl = 0;
    for (size_t i = 0; i < o->n_inputs; i++) {
        const char *a = o->inputs[i];
        if (strncmp(a, "s3://", 5) == 0) {
            char *bucket = NULL, *prefix = NULL;
            int ok = fr_s3_parse_url(a, &bucket, &prefix);
            free(bucket);
            free(prefix);
            if (!ok) {
                *err = FR_ERR_USAGE;
                snprintf(errbuf, errlen, "'%s' is not an S3 URL (s3://BUCKET/PREFIX)", a);
                goto fail;
            }
            if (src_add(rm, SRC_S3, a))
                goto fail;
        } else if (fr_cwl_is_arn(a)) {
            if (src_add(rm, SRC_CWL, a))
                goto fail;
            n_cwl++;
        }
    }
    for (size_t i = 0; i < o->n_log_groups; i++) {
        if (src_add(rm, SRC_CWL, o->log_groups[i]))
            goto fail;
        n_cwl++;
    }
    if (n_cwl && !o->since_set) {
        *err = FR_ERR_USAGE;
        snprintf(errbuf, errlen,
                 "a log group is read over a period: give --since (for example --since 24h)");
        goto fail;
    }
    rm->until = o->until_set ? o->until : (int64_t)time(NULL);
    if (n_cwl && rm->until <= o->since) {
        *err = FR_ERR_USAGE;
        snprintf(errbuf, errlen,
                 "--since lies in the future: nothing to read from CloudWatch Logs");
        goto fail;
    }

    /* Region and credentials: no request to S3 or Logs is sent before both. */
    rm->conf = fr_awsconf_load(&o->aws, err, errbuf, errlen);
    if (!rm->conf)
        goto fail;
    if (!fr_awsconf_region(rm->conf)) {
        *err = FR_ERR_CONFIG;
        snprintf(errbuf, errlen,
                 "no AWS region: give --region, or set AWS_REGION or AWS_DEFAULT_REGION, "
                 "or 'region' in profile '%s' of the AWS config file",
                 fr_awsconf_profile(rm->conf));
        goto fail;
    }
    rm->creds = fr_creds_chain_new(rm->conf);
    if (!rm->creds) {
        *err = FR_ERR_NOMEM;
        snprintf(errbuf, errlen, "out of memory");
        goto fail;
    }
    fr_creds c;
    fr_err e = fr_creds_get(rm->creds, &c, errbuf, errlen);
    fr_creds_wipe(&c);
    if (e != FR_OK) {
        *err = e;
        goto fail;
    }

    if (o->describe_enis && !(rm->ec2 = client_new(rm, "ec2", 0, err, errbuf, errlen)))
        goto fail;
    for (size_t i = 0; i < rm->n_src; i++) {
        rsource *s = &rm->src[i];
        if (s->kind == SRC_S3) {
            if (!(s->aws = client_new(rm, "s3", 0, err, errbuf, errlen)))
                goto fail;
            fr_s3_opts so = {
                .aws = s->aws,
                .since = o->since,
                .until = o->until,
                .since_set = o->since_set,
                .until_set = o->until_set,
                .save_raw = o->save_raw,
            };
            if (!(s->s3 = fr_s3_source_new(s->name, &so, errbuf, errlen))) {
                *err = FR_ERR_USAGE;
                goto fail;
            }
        } else {
            if (!rm->logs && !(rm->logs = client_new(rm, "logs", o->rate, err, errbuf, errlen)))
                goto fail;
            fr_cwl_opts co = {
                .aws = rm->logs,
                .group = s->name,
                .stream_prefix = o->log_stream_prefix,
                .since = o->since,
                .until = rm->until,
                .slices_hint = rm->o.connections,
                .save_raw = o->save_raw,
            };
            if (!(s->cwl = fr_cwl_source_new(&co, errbuf, errlen))) {
                *err = FR_ERR_USAGE;
                goto fail;
            }
            if (fr_cwl_set_region(s->cwl, fr_awsconf_region(rm->conf)) != FR_OK) {
                *err = FR_ERR_NOMEM;
                snprintf(errbuf, errlen, "out of memory");
                goto fail;
            }
        }
    }
    *err = FR_OK;
    errbuf[0] = '\0';
    return rm;
fail:
    fr_remote_free(rm);
    return NULL;
}

fr_err fr_remote_expand(fr_remote *rm, fr_source_list *list, char *errbuf, size_t errlen)
{
    for (size_t i = 0; i < rm->n_src; i++) {
        rsource *s = &rm->src[i];
        char msg[1024] = "";
        fr_err e;
        if (s->kind == SRC_S3)
            e = fr_s3_list(s->s3, list, &rm->opener, msg, sizeof msg);
        else
            e = fr_cwl_slices(s->cwl, list, &rm->opener, msg, sizeof msg);
        if (e == FR_ERR_AUTH || e == FR_ERR_NOMEM) {
            snprintf(errbuf, errlen, "%s", msg[0] ? msg : fr_strerror(e));
            return e;
        }
        if (e != FR_OK) {
            /* The source could not be listed: an input that failed, named in
             * the report and on stderr, while the other sources go on. */
            const char *why = msg[0] ? msg : fr_strerror(e);
            size_t nl = strlen(s->name);
            const char *colon = strncmp(why, s->name, nl) == 0 ? strstr(why + nl, ": ") : NULL;
            if (colon) /* the input is named anyway: not twice */
                why = colon + 2;
            char reason[1200];
            snprintf(reason, sizeof reason, "cannot list: %s", why);
            if (fr_source_add_remote(list, s->name, NULL, NULL, NULL, reason) != FR_OK) {
                snprintf(errbuf, errlen, "out of memory");
                return FR_ERR_NOMEM;
            }
        }
    }
    return FR_OK;
}

fr_err fr_remote_start(fr_remote *rm, fr_source_list *list)
{
    rm->q = fr_fetchq_new(rm->o.connections, FETCH_BUDGET);
    if (!rm->q)
        return FR_ERR_NOMEM;
    for (size_t i = 0; i < list->n; i++) {
        fr_source_item *it = &list->items[i];
        if (it->opener != &rm->opener || it->error)
            continue;
        fr_fetch_item *fi = it->handle;
        fi->job = fr_fetchq_add(rm->q, fi->fn, fi->item);
        if (fi->job == (size_t)-1)
            return FR_ERR_NOMEM;
    }
    return fr_fetchq_start(rm->q);
}

int fr_remote_fatal(fr_remote *rm, char *errbuf, size_t errlen)
{
    return rm->q && fr_fetchq_fatal(rm->q, errbuf, errlen);
}

fr_err fr_remote_report(fr_remote *rm, fr_report *r)
{
    if (!rm->n_src)
        return FR_OK;
    r->fetch = calloc(rm->n_src, sizeof *r->fetch);
    if (!r->fetch)
        return FR_ERR_NOMEM;
    r->n_fetch = rm->n_src;
    for (size_t i = 0; i < rm->n_src; i++) {
        rsource *s = &rm->src[i];
        fr_err e = s->kind == SRC_S3 ? fr_s3_stats(s->s3, &r->fetch[i])
                                     : fr_cwl_stats(s->cwl, &r->fetch[i]);
        if (e != FR_OK)
            return e;
    }
    return FR_OK;
}

fr_err fr_remote_describe_enis(fr_remote *rm, fr_report *r, char *errbuf, size_t errlen)
{
    if (!rm || !rm->o.describe_enis)
        return FR_OK;
    size_t n = 0;
    /* the --eni-info files win: they are what the user wrote down */
    return fr_ec2_describe_enis(rm->ec2, r, 1, &n, errbuf, errlen);
}

/* ---- state objects ---- */

/* Splits url into bucket and key (not empty, not a "folder/"). Returns 0,
 * or an error with errbuf set. */
static fr_err object_url(const char *url, char **bucket, char **key, char *errbuf, size_t errlen)
{
    *bucket = *key = NULL;
    if (!fr_remote_is_s3_object(url) || !fr_s3_parse_url(url, bucket, key) || !*key || !**key ||
        (*key)[strlen(*key) - 1] == '/') {
        free(*bucket);
        free(*key);
        *bucket = *key = NULL;
        snprintf(errbuf, errlen, "'%s' is not an S3 object URL (s3://BUCKET/KEY)", url);
        return FR_ERR_USAGE;
    }
    return FR_OK;
}

/* The S3 client for state objects, made on first use. Returns NULL with
 * *err and errbuf set. */
static fr_aws *object_client(fr_remote *rm, fr_err *err, char *errbuf, size_t errlen)
{
    if (!rm->s3obj)
        rm->s3obj = client_new(rm, "s3", 0, err, errbuf, errlen);
    return rm->s3obj;
}

/* Maps a failed object call's error: a missing bucket or key is FR_ERR_OPEN. */
static fr_err object_err(fr_err e, const fr_aws_response *rs)
{
    return e == FR_ERR_REMOTE && rs->cls == FR_AWS_NOTFOUND ? FR_ERR_OPEN : e;
}

typedef struct get_sink {
    FILE *fp;
    uint64_t n;
    int werr; /* errno of a failed write, or 0 */
} get_sink;

static int get_write(void *ctx, const uint8_t *data, size_t len)
{
    get_sink *g = ctx;
    if (fwrite(data, 1, len, g->fp) != len) {
        g->werr = errno ? errno : EIO;
        return -1;
    }
    g->n += len;
    return 0;
}

fr_err fr_remote_get_object(fr_remote *rm, const char *url, FILE *fp, char *errbuf, size_t errlen)
{
    char *bucket = NULL, *key = NULL, *path = NULL;
    fr_aws_response rs;
    memset(&rs, 0, sizeof rs);
    fr_err e = object_url(url, &bucket, &key, errbuf, errlen);
    if (e != FR_OK)
        return e;
    fr_aws *a = object_client(rm, &e, errbuf, errlen);
    if (!a)
        goto done;
    size_t pl = strlen(key) + 2;
    if (!(path = malloc(pl))) {
        e = FR_ERR_NOMEM;
        snprintf(errbuf, errlen, "%s: out of memory", url);
        goto done;
    }
    snprintf(path, pl, "/%s", key);
    get_sink g = {fp, 0, 0};
    fr_aws_request rq = {
        .method = "GET",
        .bucket = bucket,
        .path = path,
        .sink = get_write,
        .sink_ctx = &g,
        .what = url,
    };
    errno = 0;
    e = fr_aws_call(a, &rq, &rs, errbuf, errlen);
    if (g.werr) {
        e = FR_ERR_IO;
        snprintf(errbuf, errlen, "%s: cannot write the copy: %s", url, strerror(g.werr));
        goto done;
    }
    if (e != FR_OK) {
        e = object_err(e, &rs);
        goto done;
    }
    if (rs.total_size >= 0 && g.n != (uint64_t)rs.total_size) {
        e = FR_ERR_REMOTE;
        snprintf(errbuf, errlen, "%s: received %llu bytes of %lld", url, (unsigned long long)g.n,
                 (long long)rs.total_size);
        goto done;
    }
    if (fflush(fp) != 0) {
        e = FR_ERR_IO;
        snprintf(errbuf, errlen, "%s: cannot write the copy: %s", url, strerror(errno));
        goto done;
    }
    errbuf[0] = '\0';
done:
    fr_aws_response_clear(&rs);
    free(bucket);
    free(key);
    free(path);
    return e;
}

fr_err fr_remote_put_object(fr_remote *rm, const char *url, const char *path, char *errbuf,
                            size_t errlen)
{
    char *bucket = NULL, *key = NULL, *kpath = NULL;
    void *map = NULL;
    size_t size = 0;
    int fd = -1;
    fr_aws_response rs;
    memset(&rs, 0, sizeof rs);
    fr_err e = object_url(url, &bucket, &key, errbuf, errlen);
    if (e != FR_OK)
        return e;
    struct stat sb;
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &sb) != 0) {
        e = FR_ERR_OPEN;
        snprintf(errbuf, errlen, "%s: cannot open: %s", path, strerror(errno));
        goto done;
    }
    if (!S_ISREG(sb.st_mode) || sb.st_size > FR_REMOTE_PUT_MAX) {
        e = FR_ERR_IO;
        snprintf(errbuf, errlen, "%s: %s", path,
                 S_ISREG(sb.st_mode) ? "larger than one S3 PutObject (5 GiB)"
                                     : "not a regular file");
        goto done;
    }
    size = (size_t)sb.st_size;
    /* the body is the file's pages: signed (SHA-256) and sent from there */
    if (size && (map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0)) == MAP_FAILED) {
        map = NULL;
        e = FR_ERR_IO;
        snprintf(errbuf, errlen, "%s: cannot read: %s", path, strerror(errno));
        goto done;
    }
    fr_aws *a = object_client(rm, &e, errbuf, errlen);
    if (!a)
        goto done;
    size_t pl = strlen(key) + 2;
    if (!(kpath = malloc(pl))) {
        e = FR_ERR_NOMEM;
        snprintf(errbuf, errlen, "%s: out of memory", url);
        goto done;
    }
    snprintf(kpath, pl, "/%s", key);
    static const fr_kv hdr[] = {{"Content-Type", "application/octet-stream"}};
    fr_aws_request rq = {
        .method = "PUT",
        .bucket = bucket,
        .path = kpath,
        .headers = hdr,
        .n_headers = 1,
        .body = map ? map : (const uint8_t *)"",
        .body_len = size,
        .what = url,
    };
    e = fr_aws_call(a, &rq, &rs, errbuf, errlen);
    if (e != FR_OK)
        e = object_err(e, &rs);
    else
        errbuf[0] = '\0';
done:
    fr_aws_response_clear(&rs);
    if (map)
        munmap(map, size);
    if (fd >= 0)
        close(fd);
    free(bucket);
    free(key);
    free(kpath);
    return e;
}

void fr_remote_free(fr_remote *rm)
{
    if (!rm)
        return;
    /* Threads first: jobs point into the sources. */
    fr_fetchq_free(rm->q);
    for (size_t i = 0; i < rm->n_src; i++) {
        fr_s3_source_free(rm->src[i].s3);
        fr_aws_free(rm->src[i].aws);
        fr_cwl_source_free(rm->src[i].cwl);
    }
    free(rm->src);
    fr_aws_free(rm->logs);
    fr_aws_free(rm->ec2);
    fr_aws_free(rm->s3obj);
    fr_creds_provider_free(rm->creds);
    fr_awsconf_free(rm->conf);
    free(rm);
}
