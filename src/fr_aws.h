/* SPDX-License-Identifier: MIT */
/* fr_aws: signed AWS requests with the retry rules of the AWS CLI's
 * "standard" mode: exponential backoff with full jitter on throttling, 5xx,
 * resets, timeouts and truncated bodies; a client-side token bucket; AWS
 * error bodies (JSON __type or S3 XML <Code>) parsed into code and message;
 * counters for the report. One fr_aws per service endpoint, shared by
 * threads (each call borrows a pooled fr_http). */
#ifndef FR_AWS_H
#define FR_AWS_H

#include <stddef.h>
#include <stdint.h>

#include "fr_creds.h"
#include "fr_error.h"
#include "fr_http.h"

typedef struct fr_aws fr_aws;

typedef struct fr_aws_opts {
    const char *service; /* signing name: "logs", "s3", "sts" */
    const char *region; /* signing region */
    const char *endpoint; /* "https://host[:port][/base]", no trailing slash */
    int path_style; /* S3: bucket in the path (custom endpoints, dotted buckets) */
    fr_creds_provider *creds; /* NULL: requests are not signed (AssumeRoleWithWebIdentity) */
    int max_attempts; /* total tries per request, >= 1 (default 5) */
    double rate; /* requests per second over all threads; 0: no limit */
    const char *ca_bundle; /* NULL: system store */
    long stall_timeout_ms; /* 0: 60 s */
} fr_aws_opts;

typedef struct fr_aws_stats {
    uint64_t requests; /* attempts sent */
    uint64_t retries; /* attempts after the first */
    uint64_t throttles; /* attempts answered with a throttling error */
    uint64_t bytes; /* response body bytes */
} fr_aws_stats;

/* How a call ended. */
typedef enum fr_aws_class {
    FR_AWS_OK = 0,
    FR_AWS_TRANSIENT, /* throttling, 5xx, transport: retried until max_attempts */
    FR_AWS_AUTH, /* signature, credentials, token, access denied: fatal for the run */
    FR_AWS_NOTFOUND, /* NoSuchBucket, NoSuchKey, ResourceNotFoundException */
    FR_AWS_CHANGED, /* 412 on If-Match: the object changed while being read */
    FR_AWS_CLIENT /* any other 4xx */
} fr_aws_class;

typedef struct fr_aws_request {
    const char *method;
    const char *bucket; /* S3: the bucket (virtual-hosted or path style per opts); else NULL */
    const char *path; /* unencoded path (S3: the key with a leading '/'), "/" for JSON/query APIs */
    const fr_kv *query; /* unencoded; sorted and encoded by fr_aws */
    size_t n_query;
    const fr_kv *headers; /* extra headers (X-Amz-Target, Content-Type, ...) */
    size_t n_headers;
    const uint8_t *body;
    size_t body_len;
    /* Streaming a 2xx body (S3 GetObject): when set, the body goes to sink.
     * After a break mid-body the retry asks for the rest only (Range from
     * the bytes already delivered, If-Match the first reply's ETag), so the
     * sink sees every byte exactly once, in order. */
    fr_http_sink sink;
    void *sink_ctx;
    const char *what; /* names the request in messages: "s3://b/k", "logs group slice" */
} fr_aws_request;

typedef struct fr_aws_response {
    fr_aws_class cls;
    long status; /* last HTTP status, 0 if none */
    char *body; /* 2xx body when no sink (owned, NUL-terminated) */
    size_t body_len;
    char etag[256];
    char request_id[128];
    char code[96]; /* AWS error code ("ThrottlingException") or transport class */
    char message[512]; /* AWS error message; never holds secrets */
    int attempts; /* attempts made (requests sent for this call) */
    int throttles; /* of them, answered with a throttling error */
    uint64_t bytes; /* body bytes received over all attempts */
    /* 2xx: the size of the whole object: a 200's Content-Length, or the
     * total of a 206's Content-Range (a resumed GET); -1 when unknown. */
    int64_t total_size;
} fr_aws_response;

/* Creates a client. Returns NULL when out of memory or opts are incomplete
 * (message in errbuf). */
fr_aws *fr_aws_new(const fr_aws_opts *o, char *errbuf, size_t errlen);

/* Sends rq, retrying transient failures. Returns FR_OK on a 2xx reply;
 * FR_ERR_AUTH (cls AUTH: stop the run), FR_ERR_REMOTE (any other failure,
 * after retries), FR_ERR_CONFIG (credentials could not be had), or
 * FR_ERR_NOMEM. On failure errbuf holds "WHAT: CODE: message (HTTP n, after
 * k attempts)". Thread-safe. */
fr_err fr_aws_call(fr_aws *a, const fr_aws_request *rq, fr_aws_response *rs, char *errbuf,
                   size_t errlen);

/* Frees what rs owns and zeroes it. */
void fr_aws_response_clear(fr_aws_response *rs);

/* Counters so far (thread-safe snapshot). */
void fr_aws_get_stats(fr_aws *a, fr_aws_stats *out);

/* Frees a; NULL is fine. */
void fr_aws_free(fr_aws *a);

/* Parses an AWS error body: JSON ({"__type": "...#Code:extra", "message" or
 * "Message"}) or XML (S3, STS: <Code>, <Message>). The code loses any
 * "prefix#" and ":suffix". Returns 1 when a code or a message was found,
 * else 0 (code and msg are then ""). */
int fr_aws_parse_error(const char *body, size_t len, char *code, size_t codelen, char *msg,
                       size_t msglen);

#endif
