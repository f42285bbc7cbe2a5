/* SPDX-License-Identifier: MIT */
/* fr_remote: the downloader's front. Recognises remote INPUTs (s3:// URLs,
 * log group ARNs) and --log-group, resolves region, credentials and
 * endpoints, lists what to fetch as source items, runs the fetch queue that
 * feeds them to the pipeline, and reports how complete the fetch was. */
#ifndef FR_REMOTE_H
#define FR_REMOTE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "fr_awsconf.h"
#include "fr_error.h"
#include "fr_fetchq.h"
#include "fr_report.h"
#include "fr_source.h"

/* A remote item as a source module describes it: the job that fetches it.
 * Owned by the source module; `job` is set by fr_remote_start. */
typedef struct fr_fetch_item {
    fr_fetch_fn fn;
    void *item;
    size_t job;
} fr_fetch_item;

typedef struct fr_remote_opts {
    char *const *inputs; /* every INPUT; the remote ones are taken */
    size_t n_inputs;
    char *const *log_groups; /* --log-group names or ARNs */
    size_t n_log_groups;
    const char *log_stream_prefix; /* or NULL */
    int64_t since, until; /* the period, [since, until) */
    int since_set, until_set;
    fr_awsconf_opts aws;
    int connections; /* >= 1 */
    double rate; /* FilterLogEvents requests per second */
    int max_attempts;
    const char *save_raw; /* directory or NULL */
    int verbose;
    int describe_enis; /* --describe-enis: EC2 DescribeNetworkInterfaces */
    const char *save_state; /* --save-state FILE or s3://bucket/key, or NULL */
} fr_remote_opts;

typedef struct fr_remote fr_remote;

/* 1 when arg names a remote source: "s3://..." or "arn:...:logs:...". */
int fr_remote_is_remote(const char *arg);

/* 1 when o names any remote source, asks for --describe-enis, or saves
 * its state to an s3:// URL: the run then needs region and credentials. */
int fr_remote_wanted(const fr_remote_opts *o);

/* Checks the sources' names, finds region and credentials (no request is
 * sent to S3 or Logs). Returns NULL with *err: FR_ERR_USAGE (a bad URL or
 * ARN, a log group without --since), FR_ERR_CONFIG (no region, no
 * credentials: errbuf names what was looked at), FR_ERR_AUTH, FR_ERR_NOMEM. */
fr_remote *fr_remote_new(const fr_remote_opts *o, fr_err *err, char *errbuf, size_t errlen);

/* Lists every source (S3 objects, Logs slices) into list, unsorted.
 * Returns FR_OK; FR_ERR_AUTH (stop, exit 3) or FR_ERR_NOMEM. A source that
 * cannot be listed is recorded as a failed item, not returned. */
fr_err fr_remote_expand(fr_remote *rm, fr_source_list *list, char *errbuf, size_t errlen);

/* After the list is sorted: queues the remote items in list order and
 * starts fetching. Returns FR_OK, FR_ERR_THREAD or FR_ERR_NOMEM. */
fr_err fr_remote_start(fr_remote *rm, fr_source_list *list);

/* After the pipeline: 1 when an authentication or permission error stopped
 * the fetch (message in errbuf). */
int fr_remote_fatal(fr_remote *rm, char *errbuf, size_t errlen);

/* Fills r->fetch with one row per source. Returns FR_OK or FR_ERR_NOMEM. */
fr_err fr_remote_report(fr_remote *rm, fr_report *r);

/* --describe-enis: lists the account's interfaces (EC2
 * DescribeNetworkInterfaces, every page) into r->eni_info, as --eni-info
 * does; interfaces already there (read from --eni-info files) keep their
 * rows. Does nothing when rm is NULL or describe_enis was not asked for.
 * Returns FR_OK; FR_ERR_AUTH (credentials or permission refused: exit 3,
 * write nothing); FR_ERR_REMOTE (failed after retries or malformed reply:
 * errbuf names the request); FR_ERR_NOMEM. Call from the main thread. */
fr_err fr_remote_describe_enis(fr_remote *rm, fr_report *r, char *errbuf, size_t errlen);

/* 1 when path names an S3 object ("s3://..."). */
int fr_remote_is_s3_object(const char *path);

/* GetObject of one s3://bucket/key into fp (from its current position):
 * the whole body, retried and resumed like the flow-log objects, its length
 * checked against the object's size. Returns FR_OK; FR_ERR_USAGE (not an
 * s3://bucket/key URL); FR_ERR_OPEN (no such bucket or key); FR_ERR_AUTH;
 * FR_ERR_IO (writing fp failed); FR_ERR_REMOTE; FR_ERR_NOMEM. On failure
 * fp may hold part of the object. Call from the main thread. */
fr_err fr_remote_get_object(fr_remote *rm, const char *url, FILE *fp, char *errbuf, size_t errlen);

/* PutObject of the file at path to s3://bucket/key in one request whose
 * payload SHA-256 is signed (S3 refuses a body that does not match), so a
 * stored object is exactly the file. At most FR_REMOTE_PUT_MAX bytes.
 * Returns FR_OK; FR_ERR_USAGE; FR_ERR_OPEN / FR_ERR_IO (reading path);
 * FR_ERR_AUTH; FR_ERR_OPEN (no such bucket); FR_ERR_REMOTE; FR_ERR_NOMEM. */
#define FR_REMOTE_PUT_MAX ((int64_t)5 << 30)
fr_err fr_remote_put_object(fr_remote *rm, const char *url, const char *path, char *errbuf,
                            size_t errlen);

/* Stops fetching, joins threads, frees rm; NULL is fine. */
void fr_remote_free(fr_remote *rm);

#endif
