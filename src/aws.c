/* SPDX-License-Identifier: MIT */
/* aws: signed AWS requests on top of fr_http, retried like the AWS CLI's
 * "standard" mode, with a shared token bucket, a pool of connections,
 * resumable streaming GETs and AWS error bodies turned into messages.
 *
 * FLOWREPORT_RETRY_SCALE (a float, default 1) multiplies every backoff
 * delay. It exists for the test suite (which sets 0.01 so that retries do
 * not make tests slow); users have no reason to set it. */
#include "fr_aws.h"

#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "fr_sigv4.h"

#define MAX_HEADERS 32

struct fr_aws {
    char *service, *region;
    char *scheme; /* "https" */
    char *hostport; /* "host[:port]" as it goes into the Host header */
    char *base; /* "" or "/base" from the endpoint */
    int path_style, is_s3;
    fr_creds_provider *creds;
    int max_attempts;
    long stall_ms;
    double retry_scale;
    char *ca_bundle;

    pthread_mutex_t mu; /* guards everything below */
    double rate, tokens, burst;
    struct timespec last;
    fr_http **pool;
    size_t npool, cappool;
    fr_aws_stats st;
};

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

static void sleep_s(double s)
{
    if (s <= 0)
        return;
    struct timespec ts;
    ts.tv_sec = (time_t)s;
    ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

fr_aws *fr_aws_new(const fr_aws_opts *o, char *errbuf, size_t errlen)
{
    fr_aws *a = NULL;
    if (!o || !o->service || !o->region || !o->endpoint || !*o->region) {
        snprintf(errbuf, errlen, "AWS client: service, region and endpoint are required");
        return NULL;
    }
    const char *sep = strstr(o->endpoint, "://");
    if (!sep || (strncmp(o->endpoint, "https", 5) != 0 && strncmp(o->endpoint, "http", 4) != 0)) {
        snprintf(errbuf, errlen, "AWS client: endpoint %s is not an http(s) URL", o->endpoint);
        return NULL;
    }
    if (!(a = calloc(1, sizeof *a)))
        goto nomem;
    if (pthread_mutex_init(&a->mu, NULL) != 0) {
        free(a);
        snprintf(errbuf, errlen, "AWS client: cannot create a mutex");
        return NULL;
    }
    const char *host = sep + 3, *slash = strchr(host, '/');
    size_t hlen = slash ? (size_t)(slash - host) : strlen(host);
    if (!(a->scheme = strndup(o->endpoint, (size_t)(sep - o->endpoint))))
        goto nomem;
    if (!(a->hostport = strndup(host, hlen)))
        goto nomem;
    /* libcurl leaves a default port out of Host; so do we, to sign what is sent. */
    size_t hp = strlen(a->hostport);
    if ((strcmp(a->scheme, "https") == 0 && hp > 4 && strcmp(a->hostport + hp - 4, ":443") == 0) ||
        (strcmp(a->scheme, "http") == 0 && hp > 3 && strcmp(a->hostport + hp - 3, ":80") == 0))
        *strrchr(a->hostport, ':') = '\0';
    if (!(a->base = strdup(slash ? slash : "")))
        goto nomem;
    size_t bl = strlen(a->base);
    while (bl && a->base[bl - 1] == '/')
        a->base[--bl] = '\0';
    if (hlen == 0) {
        snprintf(errbuf, errlen, "AWS client: endpoint %s has no host", o->endpoint);
        fr_aws_free(a);
        return NULL;
    }
    if (!(a->service = strdup(o->service)) || !(a->region = strdup(o->region)))
        goto nomem;
    if (o->ca_bundle && !(a->ca_bundle = dup_or_null(o->ca_bundle)))
        goto nomem;
    a->is_s3 = strcmp(o->service, "s3") == 0;
    a->path_style = o->path_style;
    a->creds = o->creds;
    a->max_attempts = o->max_attempts >= 1 ? o->max_attempts : 5;
    a->stall_ms = o->stall_timeout_ms > 0 ? o->stall_timeout_ms : 60000;
    a->rate = o->rate > 0 ? o->rate : 0;
    a->burst = 1;
    a->tokens = 1;
    clock_gettime(CLOCK_MONOTONIC, &a->last);
    a->retry_scale = 1.0;
    const char *sc = getenv("FLOWREPORT_RETRY_SCALE");
    if (sc && *sc) {
        char *end;
        double v = strtod(sc, &end);
        if (end != sc && *end == '\0' && v >= 0 && v <= 100)
            a->retry_scale = v;
    }
    return a;
nomem:
    snprintf(errbuf, errlen, "AWS client: out of memory");
    fr_aws_free(a);
    return NULL;
}

void fr_aws_free(fr_aws *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->npool; i++)
        fr_http_free(a->pool[i]);
    free(a->pool);
    pthread_mutex_destroy(&a->mu);
    free(a->service);
    free(a->region);
    free(a->scheme);
    free(a->hostport);
    free(a->base);
    free(a->ca_bundle);
    free(a);
}

void fr_aws_get_stats(fr_aws *a, fr_aws_stats *out)
{
    memset(out, 0, sizeof *out);
    if (!a || pthread_mutex_lock(&a->mu) != 0)
        return;
    *out = a->st;
    pthread_mutex_unlock(&a->mu);
}

void fr_aws_response_clear(fr_aws_response *rs)
{
    if (!rs)
        return;
    free(rs->body);
    memset(rs, 0, sizeof *rs);
}

/* Borrows a pooled connection or makes one. Returns NULL when out of memory. */
static fr_http *pool_get(fr_aws *a)
{
    fr_http *h = NULL;
    if (pthread_mutex_lock(&a->mu) == 0) {
        if (a->npool)
            h = a->pool[--a->npool];
        pthread_mutex_unlock(&a->mu);
    }
    return h ? h : fr_http_new(a->ca_bundle);
}

static void pool_put(fr_aws *a, fr_http *h)
{
    if (!h)
        return;
    if (pthread_mutex_lock(&a->mu) != 0) {
        fr_http_free(h);
        return;
    }
    if (a->npool == a->cappool) {
        size_t cap = a->cappool ? 2 * a->cappool : 8;
        fr_http **p = realloc(a->pool, cap * sizeof *p);
        if (!p) {
            pthread_mutex_unlock(&a->mu);
            fr_http_free(h);
            return;
        }
        a->pool = p;
        a->cappool = cap;
    }
    a->pool[a->npool++] = h;
    pthread_mutex_unlock(&a->mu);
}

/* Waits for a token: each taker reserves one (the bucket may go negative)
 * and sleeps off its debt outside the lock, so threads are served in turn. */
static void take_token(fr_aws *a)
{
    double wait = 0;
    if (a->rate <= 0 || pthread_mutex_lock(&a->mu) != 0)
        return;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    double el = (double)(ts.tv_sec - a->last.tv_sec) + (double)(ts.tv_nsec - a->last.tv_nsec) / 1e9;
    a->last = ts;
    a->tokens += el * a->rate;
    if (a->tokens > a->burst)
        a->tokens = a->burst;
    a->tokens -= 1;
    if (a->tokens < 0)
        wait = -a->tokens / a->rate;
    pthread_mutex_unlock(&a->mu);
    sleep_s(wait);
}

static void count(fr_aws *a, int retry, int throttle, uint64_t bytes)
{
    if (pthread_mutex_lock(&a->mu) != 0)
        return;
    a->st.requests++;
    a->st.retries += retry != 0;
    a->st.throttles += throttle != 0;
    a->st.bytes += bytes;
    pthread_mutex_unlock(&a->mu);
}

/* Copies the text of the first <tag>...</tag> in body into dst, with the
 * five XML entities decoded. Returns 1 when found. */
static int xml_elem(const char *body, size_t len, const char *tag, char *dst, size_t dstlen)
{
    char open[48], close[48];
    snprintf(open, sizeof open, "<%s>", tag);
    snprintf(close, sizeof close, "</%s>", tag);
    const char *p = memmem(body, len, open, strlen(open));
    if (!p)
        return 0;
    p += strlen(open);
    const char *e = memmem(p, len - (size_t)(p - body), close, strlen(close));
    if (!e)
        return 0;
    static const struct {
        const char *ent;
        char c;
    } ents[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
    size_t o = 0;
    while (p < e && o + 1 < dstlen) {
        char c = *p++;
        if (c == '&') {
            for (size_t i = 0; i < sizeof ents / sizeof ents[0]; i++) {
                size_t l = strlen(ents[i].ent);
                if ((size_t)(e - (p - 1)) >= l && strncmp(p - 1, ents[i].ent, l) == 0) {
                    c = ents[i].c;
                    p += l - 1;
                    break;
                }
            }
        }
        dst[o++] = c;
    }
    dst[o] = '\0';
    return 1;
}

int fr_aws_parse_error(const char *body, size_t len, char *code, size_t codelen, char *msg,
                       size_t msglen)
{
    int found = 0;
    if (codelen)
        code[0] = '\0';
    if (msglen)
        msg[0] = '\0';
    if (!body || !len || !codelen || !msglen)
        return 0;
    size_t i = 0;
    while (i < len && (body[i] == ' ' || body[i] == '\t' || body[i] == '\r' || body[i] == '\n'))
        i++;
    if (i < len && body[i] == '{') {
        json_t *j = json_loadb(body, len, 0, NULL);
        if (!j)
            return 0;
        const char *t = json_string_value(json_object_get(j, "__type"));
        if (!t)
            t = json_string_value(json_object_get(j, "code"));
        if (!t)
            t = json_string_value(json_object_get(j, "Code"));
        if (t) {
            const char *h = strrchr(t, '#');
            if (h)
                t = h + 1;
            size_t n = strcspn(t, ":");
            if (n >= codelen)
                n = codelen - 1;
            memcpy(code, t, n);
            code[n] = '\0';
            found = 1;
        }
        const char *m = json_string_value(json_object_get(j, "message"));
        if (!m)
            m = json_string_value(json_object_get(j, "Message"));
        if (m) {
            snprintf(msg, msglen, "%s", m);
            found = 1;
        }
        json_decref(j);
        return found;
    }
    if (i < len && body[i] == '<') {
        found |= xml_elem(body, len, "Code", code, codelen);
        found |= xml_elem(body, len, "Message", msg, msglen);
    }
    return found;
}

static int in_list(const char *code, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(code, *list) == 0)
            return 1;
    return 0;
}

static const char *const throttle_codes[] = {"Throttling",
                                             "ThrottlingException",
                                             "ThrottledException",
                                             "RequestThrottledException",
                                             "TooManyRequestsException",
                                             "ProvisionedThroughputExceededException",
                                             "TransactionInProgressException",
                                             "RequestLimitExceeded",
                                             "BandwidthLimitExceeded",
                                             "LimitExceededException",
                                             "RequestThrottled",
                                             "SlowDown",
                                             "EC2ThrottledException",
                                             NULL};

static const char *const transient_codes[] = {"RequestTimeout",
                                              "RequestTimeoutException",
                                              "PriorRequestNotComplete",
                                              "InternalError",
                                              "ServiceUnavailable",
                                              "ServiceUnavailableException",
                                              NULL};

static const char *const auth_codes[] = {"InvalidSignatureException",
                                         "SignatureDoesNotMatch",
                                         "UnrecognizedClientException",
                                         "InvalidAccessKeyId",
                                         "InvalidClientTokenId",
                                         "ExpiredToken",
                                         "ExpiredTokenException",
                                         "InvalidToken",
                                         "TokenRefreshRequired",
                                         "AccessDenied",
                                         "AccessDeniedException",
                                         "IncompleteSignature",
                                         "IncompleteSignatureException",
                                         "MissingAuthenticationToken",
                                         "MissingAuthenticationTokenException",
                                         "RequestTimeTooSkewed",
                                         "RequestExpired",
                                         "SignatureExpired",
                                         "AuthorizationHeaderMalformed",
                                         "AuthFailure",
                                         "InvalidSecurity",
                                         "AllAccessDisabled",
                                         "AccountProblem",
                                         "UnauthorizedOperation",
                                         NULL};

static const char *const notfound_codes[] = {"NoSuchBucket", "NoSuchKey",
                                             "ResourceNotFoundException", "NotFound", NULL};

/* Removes what must not reach a message: the server's canonical request
 * (Logs puts it, with the session token, in InvalidSignatureException's
 * message), and any copy of the secret or token. */
static void scrub(char *msg, const fr_creds *c)
{
    char *p = strstr(msg, "The Canonical String");
    if (p)
        *p = '\0';
    msg[strcspn(msg, "\r\n")] = '\0';
    const char *secrets[2] = {c ? c->secret : NULL, c ? c->token : NULL};
    for (int i = 0; i < 2; i++) {
        size_t l = secrets[i] ? strlen(secrets[i]) : 0;
        if (l < 8)
            continue;
        while ((p = strstr(msg, secrets[i])) != NULL) {
            const char *r = "[redacted]";
            size_t rl = strlen(r);
            memmove(p + rl, p + l, strlen(p + l) + 1);
            memcpy(p, r, rl);
        }
    }
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == ' ' || msg[n - 1] == '.' || msg[n - 1] == ','))
        n--;
    if (n && msg[n] == '.')
        n++;
    msg[n] = '\0';
}

/* Streaming state for a sink call: what the caller's sink has received over
 * all attempts, and how to treat the current attempt's body. */
typedef struct stream {
    fr_http_sink sink;
    void *ctx;
    const fr_http_resp *hr; /* the response being received */
    uint64_t delivered; /* bytes given to the caller's sink */
    uint64_t range_start; /* this attempt asked for bytes=range_start- */
    uint64_t skip; /* bytes of this attempt to drop (server ignored Range) */
    int first; /* no body byte seen yet in this attempt */
    int bad_range; /* a 206 that does not start where asked */
    int changed; /* a different ETag than the first reply's */
    int user_stop; /* the caller's sink returned -1 */
    char etag[256]; /* the first reply's ETag */
} stream;

static int stream_sink(void *ctx, const uint8_t *data, size_t len)
{
    stream *s = ctx;
    if (s->first) {
        s->first = 0;
        s->skip = 0;
        if (s->range_start) {
            if (s->hr->status == 206) {
                unsigned long long a = 0;
                if (sscanf(s->hr->content_range, "bytes %llu-", &a) != 1 || a != s->range_start) {
                    s->bad_range = 1;
                    return -1;
                }
            } else {
                s->skip = s->range_start; /* a full 200 reply: drop what we have */
            }
            if (s->etag[0] && s->hr->etag[0] && strcmp(s->etag, s->hr->etag) != 0) {
                s->changed = 1;
                return -1;
            }
        } else if (!s->etag[0]) {
            snprintf(s->etag, sizeof s->etag, "%s", s->hr->etag);
        }
    }
    if (s->skip) {
        size_t k = s->skip < len ? (size_t)s->skip : len;
        s->skip -= k;
        data += k;
        len -= k;
        if (!len)
            return 0;
    }
    if (s->sink(s->ctx, data, len) != 0) {
        s->user_stop = 1;
        return -1;
    }
    s->delivered += len;
    return 0;
}

static const char *fail_code(fr_http_fail f)
{
    switch (f) {
    case FR_HTTP_FAIL_CONNECT: return "ConnectionFailed";
    case FR_HTTP_FAIL_TIMEOUT: return "Timeout";
    case FR_HTTP_FAIL_PARTIAL: return "ConnectionBroken";
    case FR_HTTP_FAIL_TLS: return "TLSError";
    case FR_HTTP_FAIL_SINK: return "Stopped";
    default: return "TransportError";
    }
}

/* Builds the URL and the encoded path parts for rq. Returns 0 or -1 (nomem). */
static int build_target(const fr_aws *a, const fr_aws_request *rq, char **url, char **sign_path,
                        char **query)
{
    const char *path = rq->path && *rq->path ? rq->path : "/";
    char *logical = NULL, *enc = NULL;
    size_t ll;
    *url = *sign_path = *query = NULL;
    if (a->is_s3 && rq->bucket && a->path_style) {
        ll = strlen(rq->bucket) + strlen(path) + 2;
        if (!(logical = malloc(ll)))
            return -1;
        if (strcmp(path, "/") == 0)
            snprintf(logical, ll, "/%s", rq->bucket);
        else
            snprintf(logical, ll, "/%s%s%s", rq->bucket, path[0] == '/' ? "" : "/", path);
    } else {
        if (!(logical = strdup(path)))
            return -1;
    }
    if (!(enc = fr_uri_encode(logical, 1)) ||
        !(*query = fr_sigv4_canonical_query(rq->query, rq->n_query)))
        goto fail;
    size_t sl = strlen(a->base) + strlen(a->is_s3 ? logical : enc) + 1;
    if (!(*sign_path = malloc(sl)))
        goto fail;
    /* S3 signs the path encoded once (the signer encodes logical); other
     * services sign the wire path, which the signer encodes a second time. */
    snprintf(*sign_path, sl, "%s%s", a->base, a->is_s3 ? logical : enc);
    const char *vhost = (a->is_s3 && rq->bucket && !a->path_style) ? rq->bucket : NULL;
    size_t ul = strlen(a->scheme) + strlen(a->hostport) + (vhost ? strlen(vhost) + 1 : 0) +
        strlen(a->base) + strlen(enc) + strlen(*query) + 8;
    if (!(*url = malloc(ul)))
        goto fail;
    snprintf(*url, ul, "%s://%s%s%s%s%s%s", a->scheme, vhost ? vhost : "", vhost ? "." : "",
             a->hostport, a->base, enc, **query ? "?" : "");
    size_t cur = strlen(*url);
    snprintf(*url + cur, ul - cur, "%s", *query);
    free(logical);
    free(enc);
    return 0;
fail:
    free(logical);
    free(enc);
    free(*url);
    free(*sign_path);
    free(*query);
    *url = *sign_path = *query = NULL;
    return -1;
}

static double backoff(fr_aws *a, int retry, unsigned *seed)
{
    double cap = retry >= 6 ? 20.0 : (double)(1u << (retry - 1));
    if (cap > 20.0)
        cap = 20.0;
    double r = (double)rand_r(seed) / ((double)RAND_MAX + 1.0);
    return r * cap * a->retry_scale;
}

fr_err fr_aws_call(fr_aws *a, const fr_aws_request *rq, fr_aws_response *rs, char *errbuf,
                   size_t errlen)
{
    fr_err err = FR_ERR_NOMEM;
    char *url = NULL, *sign_path = NULL, *query = NULL, *host = NULL;
    char payload_hash[65], amz_date[17], range[64];
    fr_creds cr;
    fr_http *h = NULL;
    fr_http_resp hr;
    stream st;
    const char *what = rq && rq->what ? rq->what : "AWS request";
    int have_creds = 0;

    memset(rs, 0, sizeof *rs);
    memset(&hr, 0, sizeof hr);
    memset(&cr, 0, sizeof cr);
    memset(&st, 0, sizeof st);
    if (errlen)
        errbuf[0] = '\0';
    if (!a || !rq || !rq->method || (rq->n_headers && !rq->headers) ||
        rq->n_headers > MAX_HEADERS - 8) {
        snprintf(errbuf, errlen, "%s: bad request", what);
        return FR_ERR_USAGE;
    }
    if (build_target(a, rq, &url, &sign_path, &query) != 0)
        goto nomem;
    size_t hl = strlen(a->hostport) +
        (a->is_s3 && rq->bucket && !a->path_style ? strlen(rq->bucket) + 1 : 0) + 1;
    if (!(host = malloc(hl)))
        goto nomem;
    snprintf(host, hl, "%s%s%s", a->is_s3 && rq->bucket && !a->path_style ? rq->bucket : "",
             a->is_s3 && rq->bucket && !a->path_style ? "." : "", a->hostport);
    fr_sigv4_sha256_hex(rq->body ? (const void *)rq->body : "", rq->body ? rq->body_len : 0,
                        payload_hash);
    if (!(h = pool_get(a)))
        goto nomem;
    st.sink = rq->sink;
    st.ctx = rq->sink_ctx;
    st.hr = &hr;

    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    unsigned seed = (unsigned)ts.tv_nsec ^ (unsigned)(uintptr_t)rs ^ (unsigned)ts.tv_sec;
    fr_aws_class cls = FR_AWS_TRANSIENT;

    for (int attempt = 1; attempt <= a->max_attempts; attempt++) {
        if (attempt > 1)
            sleep_s(backoff(a, attempt - 1, &seed));
        take_token(a);

        /* Credentials afresh for every attempt: a refresh may have happened. */
        if (a->creds) {
            char cmsg[512] = "";
            fr_creds_wipe(&cr);
            fr_err ce = fr_creds_get(a->creds, &cr, cmsg, sizeof cmsg);
            if (ce != FR_OK) {
                snprintf(errbuf, errlen, "%s: credentials: %s", what, cmsg);
                snprintf(rs->code, sizeof rs->code, "Credentials");
                rs->cls = ce == FR_ERR_AUTH ? FR_AWS_AUTH : FR_AWS_CLIENT;
                err = ce;
                goto done;
            }
            have_creds = 1;
        }

        fr_kv hdr[MAX_HEADERS];
        size_t nh = 0, nsigned;
        hdr[nh++] = (fr_kv){"Host", host};
        fr_sigv4_amz_date(time(NULL), amz_date);
        if (a->creds) {
            hdr[nh++] = (fr_kv){"X-Amz-Date", amz_date};
            if (cr.token[0])
                hdr[nh++] = (fr_kv){"X-Amz-Security-Token", cr.token};
        }
        if (a->is_s3)
            hdr[nh++] = (fr_kv){"x-amz-content-sha256", payload_hash};
        for (size_t i = 0; i < rq->n_headers; i++)
            hdr[nh++] = rq->headers[i];
        st.range_start = 0;
        if (rq->sink && st.delivered > 0) {
            snprintf(range, sizeof range, "bytes=%llu-", (unsigned long long)st.delivered);
            hdr[nh++] = (fr_kv){"Range", range};
            st.range_start = st.delivered;
            if (st.etag[0])
                hdr[nh++] = (fr_kv){"If-Match", st.etag};
        }
        nsigned = nh;
        fr_sigv4_out so;
        memset(&so, 0, sizeof so);
        if (a->creds) {
            fr_sigv4_in si = {rq->method, sign_path, !a->is_s3,    rq->query, rq->n_query,
                              hdr,        nsigned,   payload_hash, a->region, a->service,
                              amz_date,   cr.akid,   cr.secret};
            fr_err se = fr_sigv4_sign(&si, &so, 0);
            if (se != FR_OK) {
                snprintf(errbuf, errlen, "%s: cannot sign the request (%s)", what, fr_strerror(se));
                err = se;
                goto done;
            }
            hdr[nh++] = (fr_kv){"Authorization", so.authorization};
        }

        fr_http_req req = {0};
        req.method = rq->method;
        req.url = url;
        req.headers = hdr;
        req.n_headers = nh;
        req.body = rq->body;
        req.body_len = rq->body_len;
        req.stall_timeout_ms = a->stall_ms;
        if (rq->sink) {
            req.sink = stream_sink;
            req.sink_ctx = &st;
        }
        st.first = 1;
        st.bad_range = st.changed = st.user_stop = 0;
        fr_http_resp_clear(&hr);
        fr_err he = fr_http_perform(h, &req, &hr);
        fr_sigv4_out_clear(&so);
        if (he != FR_OK) {
            snprintf(errbuf, errlen, "%s: %s", what, fr_strerror(he));
            err = he;
            goto done;
        }

        int throttled = 0;
        rs->attempts = attempt;
        rs->status = hr.status;
        rs->bytes += hr.body_bytes;
        snprintf(rs->etag, sizeof rs->etag, "%s", hr.etag);
        snprintf(rs->request_id, sizeof rs->request_id, "%s", hr.request_id);
        rs->code[0] = rs->message[0] = '\0';

        if (hr.fail == FR_HTTP_FAIL_NONE && hr.status >= 200 && hr.status < 300) {
            count(a, attempt > 1, 0, hr.body_bytes);
            if (!rq->sink) {
                rs->body = hr.body;
                rs->body_len = hr.body_len;
                hr.body = NULL;
            }
            rs->total_size = hr.content_length;
            if (hr.status == 206) {
                const char *slash = strrchr(hr.content_range, '/');
                char *end = NULL;
                long long t = slash ? strtoll(slash + 1, &end, 10) : -1;
                rs->total_size = slash && end != slash + 1 && *end == '\0' && t >= 0 ? t : -1;
            }
            rs->cls = FR_AWS_OK;
            err = FR_OK;
            goto done;
        }
        if (hr.fail == FR_HTTP_FAIL_SINK) {
            if (st.user_stop) {
                cls = FR_AWS_CLIENT;
                snprintf(rs->code, sizeof rs->code, "Stopped");
                snprintf(rs->message, sizeof rs->message, "the transfer was stopped by its reader");
            } else if (st.changed) {
                cls = FR_AWS_CHANGED;
                snprintf(rs->code, sizeof rs->code, "ETagChanged");
                snprintf(rs->message, sizeof rs->message, "object changed while being read");
            } else {
                cls = FR_AWS_TRANSIENT;
                snprintf(rs->code, sizeof rs->code, "BadRange");
                snprintf(rs->message, sizeof rs->message,
                         "the reply to a resumed read did not start at byte %llu",
                         (unsigned long long)st.range_start);
            }
        } else if (hr.fail != FR_HTTP_FAIL_NONE) {
            cls = (hr.fail == FR_HTTP_FAIL_TLS || hr.fail == FR_HTTP_FAIL_OTHER) ? FR_AWS_CLIENT
                                                                                 : FR_AWS_TRANSIENT;
            snprintf(rs->code, sizeof rs->code, "%s", fail_code(hr.fail));
            snprintf(rs->message, sizeof rs->message, "%s", hr.errmsg);
        } else {
            fr_aws_parse_error(hr.body, hr.body_len, rs->code, sizeof rs->code, rs->message,
                               sizeof rs->message);
            scrub(rs->message, have_creds ? &cr : NULL);
            if (!rs->code[0])
                snprintf(rs->code, sizeof rs->code, "HTTP%ld", hr.status);
            if (hr.status == 412) {
                cls = FR_AWS_CHANGED;
                snprintf(rs->message, sizeof rs->message, "object changed while being read");
            } else if (in_list(rs->code, throttle_codes) || hr.status == 429 ||
                       strcmp(rs->message, "Rate exceeded") == 0) {
                cls = FR_AWS_TRANSIENT;
                throttled = 1;
            } else if (in_list(rs->code, transient_codes) || hr.status == 500 || hr.status == 502 ||
                       hr.status == 503 || hr.status == 504) {
                cls = FR_AWS_TRANSIENT;
            } else if (a->is_s3 && (hr.status == 301 || hr.status == 400) && hr.bucket_region[0] &&
                       strcmp(hr.bucket_region, a->region) != 0) {
                cls = FR_AWS_CLIENT;
                snprintf(rs->message, sizeof rs->message,
                         "bucket is in region %.40s; use --region %.40s", hr.bucket_region,
                         hr.bucket_region);
            } else if (in_list(rs->code, auth_codes)) {
                cls = FR_AWS_AUTH;
            } else if (in_list(rs->code, notfound_codes) || hr.status == 404) {
                cls = FR_AWS_NOTFOUND;
            } else {
                cls = FR_AWS_CLIENT;
            }
        }
        count(a, attempt > 1, throttled, hr.body_bytes);
        rs->throttles += throttled;
        if (cls != FR_AWS_TRANSIENT)
            break;
    }

    rs->cls = cls;
    err = cls == FR_AWS_AUTH ? FR_ERR_AUTH : FR_ERR_REMOTE;
    {
        char status[32];
        if (rs->status)
            snprintf(status, sizeof status, "HTTP %ld", rs->status);
        else
            snprintf(status, sizeof status, "no HTTP reply");
        snprintf(errbuf, errlen, "%s: %s: %s (%s, after %d attempt%s)", what, rs->code,
                 rs->message[0] ? rs->message : "no message", status, rs->attempts,
                 rs->attempts == 1 ? "" : "s");
    }
    goto done;
nomem:
    err = FR_ERR_NOMEM;
    snprintf(errbuf, errlen, "%s: out of memory", what);
done:
    fr_creds_wipe(&cr);
    fr_http_resp_clear(&hr);
    pool_put(a, h);
    free(url);
    free(sign_path);
    free(query);
    free(host);
    if (err != FR_OK && err != FR_ERR_AUTH && err != FR_ERR_REMOTE && err != FR_ERR_CONFIG &&
        rs->body) {
        free(rs->body);
        rs->body = NULL;
    }
    return err;
}
