/* SPDX-License-Identifier: MIT */
/* fr_http: one HTTP request at a time over a reused libcurl easy handle. It
 * knows nothing of AWS: fr_aws signs and retries on top of it. TLS is always
 * verified (AWS_CA_BUNDLE or the system store); proxies come from libcurl's
 * usual environment (HTTPS_PROXY, NO_PROXY). One fr_http per thread. */
#ifndef FR_HTTP_H
#define FR_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "fr_error.h"

/* A header or query parameter: name and value, both unencoded. */
typedef struct fr_kv {
    const char *name;
    const char *value;
} fr_kv;

/* Why a request produced no complete HTTP response. */
typedef enum fr_http_fail {
    FR_HTTP_FAIL_NONE = 0, /* a complete response (any status) */
    FR_HTTP_FAIL_CONNECT, /* could not connect or resolve */
    FR_HTTP_FAIL_TIMEOUT, /* connect, stall or total timeout */
    FR_HTTP_FAIL_PARTIAL, /* the connection broke mid-body (reset, short body) */
    FR_HTTP_FAIL_TLS, /* certificate or handshake failure: never retried */
    FR_HTTP_FAIL_SINK, /* the body sink asked to stop */
    FR_HTTP_FAIL_OTHER
} fr_http_fail;

/* Called with each piece of a 2xx response body, in order. Returns 0 to go
 * on, -1 to stop the transfer (the request then fails with FR_HTTP_FAIL_SINK). */
typedef int (*fr_http_sink)(void *ctx, const uint8_t *data, size_t len);

typedef struct fr_http_req {
    const char *method; /* "GET", "POST", "PUT", "HEAD" */
    const char *url; /* complete and already encoded */
    const fr_kv *headers; /* sent as given */
    size_t n_headers;
    const uint8_t *body; /* request body or NULL */
    size_t body_len;
    long connect_timeout_ms; /* 0: 10 s */
    long stall_timeout_ms; /* no byte for this long fails the request; 0: 60 s */
    long total_timeout_ms; /* 0: none */
    fr_http_sink sink; /* 2xx body goes here when set; else into resp.body */
    void *sink_ctx;
} fr_http_req;

typedef struct fr_http_resp {
    long status; /* HTTP status, 0 when fail != NONE before any status line */
    fr_http_fail fail;
    char errmsg[256]; /* transport error text when fail != NONE */
    char *
        body; /* the body when no sink was set, or a non-2xx body (at most 64 KiB); NUL-terminated; owned */
    size_t body_len;
    uint64_t body_bytes; /* body bytes received (also those given to the sink) */
    int64_t content_length; /* -1 when absent */
    char etag[256]; /* response headers of interest, "" when absent */
    char request_id[128]; /* x-amzn-RequestId or x-amz-request-id */
    char bucket_region[64]; /* x-amz-bucket-region */
    char content_range[128];
    char retry_after[32];
} fr_http_resp;

typedef struct fr_http fr_http;

/* Once in main, before any thread: curl_global_init. Returns 1 or 0. */
int fr_http_global_init(void);
void fr_http_global_cleanup(void);

/* A new handle. ca_bundle: a CA file (AWS_CA_BUNDLE) or NULL for the system
 * store. Returns NULL when out of memory. */
fr_http *fr_http_new(const char *ca_bundle);

/* Sends rq and fills rs (cleared first). Returns FR_OK when the exchange ran
 * (check rs->fail and rs->status), FR_ERR_NOMEM, or FR_ERR_USAGE for a bad
 * request. Never prints; never puts header values in errmsg. */
fr_err fr_http_perform(fr_http *h, const fr_http_req *rq, fr_http_resp *rs);

/* Frees what rs owns and zeroes it. */
void fr_http_resp_clear(fr_http_resp *rs);

/* Frees h; NULL is fine. */
void fr_http_free(fr_http *h);

/* Percent-encodes s (RFC 3986 unreserved kept; '/' kept when keep_slash)
 * into a new string. Returns NULL when out of memory. */
char *fr_uri_encode(const char *s, int keep_slash);

#endif
