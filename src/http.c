/* SPDX-License-Identifier: MIT */
/* http: one request at a time over a reused libcurl easy handle, with the
 * response headers fr_aws needs and a classification of transport failures. */
#include "fr_http.h"

#include <curl/curl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ERR_BODY_MAX (64 * 1024)

struct fr_http {
    CURL *c;
    char *ca_bundle;
};

/* Per-request state the libcurl callbacks share. */
typedef struct xfer {
    const fr_http_req *rq;
    fr_http_resp *rs;
    size_t cap;
    int sink_stopped;
    int nomem;
} xfer;

int fr_http_global_init(void)
{
    return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
}

void fr_http_global_cleanup(void)
{
    curl_global_cleanup();
}

fr_http *fr_http_new(const char *ca_bundle)
{
    fr_http *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    if (ca_bundle && *ca_bundle && !(h->ca_bundle = strdup(ca_bundle)))
        goto fail;
    if (!(h->c = curl_easy_init()))
        goto fail;
    return h;
fail:
    fr_http_free(h);
    return NULL;
}

void fr_http_free(fr_http *h)
{
    if (!h)
        return;
    if (h->c)
        curl_easy_cleanup(h->c);
    free(h->ca_bundle);
    free(h);
}

void fr_http_resp_clear(fr_http_resp *rs)
{
    if (!rs)
        return;
    free(rs->body);
    memset(rs, 0, sizeof *rs);
    rs->content_length = -1;
}

char *fr_uri_encode(const char *s, int keep_slash)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(s);
    char *out = malloc(3 * n + 1), *o = out;
    if (!out)
        return NULL;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char c = *p;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~' || (keep_slash && c == '/')) {
            *o++ = (char)c;
        } else {
            *o++ = '%';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 15];
        }
    }
    *o = '\0';
    return out;
}

static int is_2xx(long st)
{
    return st >= 200 && st < 300;
}

/* Appends to rs->body; returns 0 or -1 when out of memory. */
static int body_add(xfer *x, const char *p, size_t n)
{
    fr_http_resp *rs = x->rs;
    if (rs->body_len + n + 1 > x->cap) {
        size_t cap = x->cap ? x->cap : 4096;
        /* A declared length sizes the buffer once (a 3 MB Logs page
         * otherwise grows through ten reallocations). */
        if (!x->cap && rs->content_length > 0 && rs->content_length < (64 << 20) &&
            (size_t)rs->content_length + 1 > cap)
            cap = (size_t)rs->content_length + 1;
        while (cap < rs->body_len + n + 1)
            cap *= 2;
        char *b = realloc(rs->body, cap);
        if (!b)
            return -1;
        rs->body = b;
        x->cap = cap;
    }
    memcpy(rs->body + rs->body_len, p, n);
    rs->body_len += n;
    rs->body[rs->body_len] = '\0';
    return 0;
}

static size_t on_body(char *p, size_t size, size_t nmemb, void *ud)
{
    xfer *x = ud;
    size_t n = size * nmemb;
    fr_http_resp *rs = x->rs;
    rs->body_bytes += n;
    if (is_2xx(rs->status)) {
        if (x->rq->sink) {
            if (x->rq->sink(x->rq->sink_ctx, (const uint8_t *)p, n) != 0) {
                x->sink_stopped = 1;
                return 0;
            }
            return n;
        }
        if (body_add(x, p, n) != 0) {
            x->nomem = 1;
            return 0;
        }
        return n;
    }
    if (rs->body_len < ERR_BODY_MAX) {
        size_t k = n;
        if (k > ERR_BODY_MAX - rs->body_len)
            k = ERR_BODY_MAX - rs->body_len;
        if (body_add(x, p, k) != 0) {
            x->nomem = 1;
            return 0;
        }
    }
    return n;
}

/* Copies the header value (trimmed) into dst when the line is "name: value". */
static int take(const char *line, size_t n, const char *name, char *dst, size_t dstlen)
{
    size_t nl = strlen(name);
    if (n <= nl || line[nl] != ':' || strncasecmp(line, name, nl) != 0)
        return 0;
    const char *v = line + nl + 1, *e = line + n;
    while (v < e && (*v == ' ' || *v == '\t'))
        v++;
    while (e > v && (e[-1] == '\r' || e[-1] == '\n' || e[-1] == ' ' || e[-1] == '\t'))
        e--;
    size_t k = (size_t)(e - v);
    if (k >= dstlen)
        k = dstlen - 1;
    memcpy(dst, v, k);
    dst[k] = '\0';
    return 1;
}

static size_t on_header(char *p, size_t size, size_t nmemb, void *ud)
{
    xfer *x = ud;
    fr_http_resp *rs = x->rs;
    size_t n = size * nmemb;
    char num[32];

    if (n > 5 && strncmp(p, "HTTP/", 5) == 0) {
        /* A new response (after 100 Continue, say): forget the last one's headers. */
        const char *sp = memchr(p, ' ', n);
        rs->status = sp ? strtol(sp + 1, NULL, 10) : 0;
        rs->etag[0] = rs->request_id[0] = rs->bucket_region[0] = '\0';
        rs->content_range[0] = rs->retry_after[0] = '\0';
        rs->content_length = -1;
        return n;
    }
    if (take(p, n, "etag", rs->etag, sizeof rs->etag) ||
        take(p, n, "x-amzn-requestid", rs->request_id, sizeof rs->request_id) ||
        take(p, n, "x-amz-bucket-region", rs->bucket_region, sizeof rs->bucket_region) ||
        take(p, n, "content-range", rs->content_range, sizeof rs->content_range) ||
        take(p, n, "retry-after", rs->retry_after, sizeof rs->retry_after))
        return n;
    if (!rs->request_id[0] && take(p, n, "x-amz-request-id", rs->request_id, sizeof rs->request_id))
        return n;
    if (take(p, n, "content-length", num, sizeof num)) {
        char *end;
        long long v = strtoll(num, &end, 10);
        rs->content_length = (end != num && *end == '\0' && v >= 0) ? (int64_t)v : -1;
    }
    return n;
}

static fr_http_fail classify(CURLcode rc)
{
    switch (rc) {
    case CURLE_OK: return FR_HTTP_FAIL_NONE;
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY: return FR_HTTP_FAIL_CONNECT;
    case CURLE_OPERATION_TIMEDOUT: return FR_HTTP_FAIL_TIMEOUT;
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM: return FR_HTTP_FAIL_PARTIAL;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_USE_SSL_FAILED: return FR_HTTP_FAIL_TLS;
    default: return FR_HTTP_FAIL_OTHER;
    }
}

#define SET(opt, val)                                                                              \
    do {                                                                                           \
        if (curl_easy_setopt(c, opt, val) != CURLE_OK)                                             \
            goto bad;                                                                              \
    } while (0)

fr_err fr_http_perform(fr_http *h, const fr_http_req *rq, fr_http_resp *rs)
{
    fr_err err = FR_ERR_USAGE;
    struct curl_slist *hl = NULL;
    char errbuf[CURL_ERROR_SIZE] = "";
    xfer x = {rq, rs, 0, 0, 0};
    CURL *c = h ? h->c : NULL;

    /* rs may be uninitialised: zero it (a previous response must be cleared by the caller). */
    memset(rs, 0, sizeof *rs);
    rs->content_length = -1;
    if (!c || !rq || !rq->method || !rq->url || (rq->n_headers && !rq->headers))
        return FR_ERR_USAGE;

    /* curl_easy_reset keeps the connection cache, so keep-alive survives. */
    curl_easy_reset(c);
    SET(CURLOPT_URL, rq->url);
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_ERRORBUFFER, errbuf);
#if LIBCURL_VERSION_NUM >= 0x075500
    SET(CURLOPT_PROTOCOLS_STR, "http,https");
#else
    SET(CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    SET(CURLOPT_SSL_VERIFYPEER, 1L);
    SET(CURLOPT_SSL_VERIFYHOST, 2L);
    if (h->ca_bundle)
        SET(CURLOPT_CAINFO, h->ca_bundle);
    SET(CURLOPT_FOLLOWLOCATION, 0L);
    SET(CURLOPT_USERAGENT, PACKAGE_NAME "/" PACKAGE_VERSION);
    SET(CURLOPT_CONNECTTIMEOUT_MS, rq->connect_timeout_ms > 0 ? rq->connect_timeout_ms : 10000L);
    long stall = rq->stall_timeout_ms > 0 ? rq->stall_timeout_ms : 60000L;
    SET(CURLOPT_LOW_SPEED_LIMIT, 1L);
    SET(CURLOPT_LOW_SPEED_TIME, (stall + 999) / 1000);
    if (rq->total_timeout_ms > 0)
        SET(CURLOPT_TIMEOUT_MS, rq->total_timeout_ms);
    SET(CURLOPT_WRITEFUNCTION, on_body);
    SET(CURLOPT_WRITEDATA, &x);
    SET(CURLOPT_HEADERFUNCTION, on_header);
    SET(CURLOPT_HEADERDATA, &x);

    if (strcmp(rq->method, "GET") == 0) {
        SET(CURLOPT_HTTPGET, 1L);
    } else if (strcmp(rq->method, "HEAD") == 0) {
        SET(CURLOPT_NOBODY, 1L);
    } else if (strcmp(rq->method, "POST") == 0 || strcmp(rq->method, "PUT") == 0) {
        SET(CURLOPT_POST, 1L);
        SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(rq->body ? rq->body_len : 0));
        SET(CURLOPT_POSTFIELDS, rq->body ? (const char *)rq->body : "");
        if (rq->method[1] == 'U')
            SET(CURLOPT_CUSTOMREQUEST, "PUT");
    } else {
        goto bad;
    }

    for (size_t i = 0; i < rq->n_headers; i++) {
        const char *v = rq->headers[i].value ? rq->headers[i].value : "";
        size_t len = strlen(rq->headers[i].name) + strlen(v) + 3;
        char *line = malloc(len);
        if (!line)
            goto nomem;
        if (*v)
            snprintf(line, len, "%s: %s", rq->headers[i].name, v);
        else
            snprintf(line, len, "%s;", rq->headers[i].name);
        struct curl_slist *n = curl_slist_append(hl, line);
        free(line);
        if (!n)
            goto nomem;
        hl = n;
    }
    /* No "Expect: 100-continue" round trip for our small bodies. */
    struct curl_slist *n = curl_slist_append(hl, "Expect:");
    if (!n)
        goto nomem;
    hl = n;
    SET(CURLOPT_HTTPHEADER, hl);

    CURLcode rc = curl_easy_perform(c);
    if (x.nomem)
        goto nomem;
    rs->fail = classify(rc);
    if (rc == CURLE_WRITE_ERROR && x.sink_stopped)
        rs->fail = FR_HTTP_FAIL_SINK;
    if (rc == CURLE_OK) {
        long st = 0;
        if (curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &st) == CURLE_OK && st)
            rs->status = st;
    } else {
        /* libcurl's detail when it has one (it names host and port, never
         * headers), else the generic text. */
        snprintf(rs->errmsg, sizeof rs->errmsg, "%s", errbuf[0] ? errbuf : curl_easy_strerror(rc));
        size_t l = strlen(rs->errmsg);
        while (l && rs->errmsg[l - 1] == '\n')
            rs->errmsg[--l] = '\0';
    }
    if (!rs->body && !(rs->body = calloc(1, 1)))
        goto nomem;
    err = FR_OK;
    goto done;
nomem:
    err = FR_ERR_NOMEM;
    goto done;
bad:
    err = FR_ERR_USAGE;
done:
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, NULL);
    curl_slist_free_all(hl);
    if (err != FR_OK)
        fr_http_resp_clear(rs);
    return err;
}
