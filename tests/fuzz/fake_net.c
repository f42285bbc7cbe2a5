/* SPDX-License-Identifier: MIT */
/* fake_net: fr_aws, fr_http and the fetch queue's job side, replaced for the
 * fuzz targets of the downloader's parsers. Linked before libflowreport.a,
 * these definitions keep aws.o, http.o and fetchq.o out of the program: the
 * sources' own code runs unchanged and every reply it reads is a piece of
 * the fuzzer's input. No packet is sent. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fr_aws.h"
#include "fr_fetchq.h"
#include "fr_http.h"
#include "fuzz.h"

static const uint8_t *replies;
static size_t replies_len, replies_pos, taken;
static int replies_done;
static uint64_t put_bytes;
static volatile uint8_t put_sink;

void fr_fuzz_set_replies(const uint8_t *data, size_t size)
{
    replies = data;
    replies_len = size;
    replies_pos = 0;
    replies_done = 0;
    taken = 0;
    put_bytes = 0;
}

size_t fr_fuzz_replies_taken(void)
{
    return taken;
}

uint64_t fr_fuzz_put_bytes(void)
{
    return put_bytes;
}

/* The next reply as a NUL-terminated copy (*body owned) and its status.
 * Returns 1, or 0 when none is left or out of memory. */
static int next_reply(char **body, size_t *len, long *status)
{
    static const char sep[] = FR_FUZZ_SEP;
    const size_t seplen = sizeof sep - 1;
    if (replies_done || !replies)
        return 0;
    const uint8_t *p = replies + replies_pos;
    size_t left = replies_len - replies_pos, n = left;
    for (size_t i = 0; i + seplen <= left; i++)
        if (memcmp(p + i, sep, seplen) == 0) {
            n = i;
            break;
        }
    if (n == left)
        replies_done = 1;
    else
        replies_pos += n + seplen;
    *status = 200;
    if (n >= 4 && p[0] >= '1' && p[0] <= '5' && p[1] >= '0' && p[1] <= '9' && p[2] >= '0' &&
        p[2] <= '9' && p[3] == ' ') {
        *status = (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
        p += 4;
        n -= 4;
    }
    if (!(*body = malloc(n + 1)))
        return 0;
    memcpy(*body, p, n);
    (*body)[n] = '\0';
    *len = n;
    taken++;
    return 1;
}

/* ---- fr_aws ---- */

struct fr_aws {
    int unused;
};

fr_aws *fr_aws_new(const fr_aws_opts *o, char *errbuf, size_t errlen)
{
    (void)o;
    fr_aws *a = calloc(1, sizeof *a);
    if (!a)
        snprintf(errbuf, errlen, "out of memory");
    return a;
}

fr_err fr_aws_call(fr_aws *a, const fr_aws_request *rq, fr_aws_response *rs, char *errbuf,
                   size_t errlen)
{
    char *body = NULL;
    size_t len = 0;
    long status = 0;
    (void)a;
    memset(rs, 0, sizeof *rs);
    rs->attempts = 1;
    if (!next_reply(&body, &len, &status)) {
        rs->cls = FR_AWS_CLIENT;
        rs->status = 400;
        snprintf(rs->code, sizeof rs->code, "NoMoreReplies");
        snprintf(errbuf, errlen, "%s: NoMoreReplies: the fuzz input has no more replies (HTTP 400)",
                 rq->what ? rq->what : "request");
        return FR_ERR_REMOTE;
    }
    rs->status = status;
    rs->bytes = len;
    if (status / 100 != 2) {
        rs->cls = status == 404 ? FR_AWS_NOTFOUND
            : status == 403     ? FR_AWS_AUTH
            : status >= 500     ? FR_AWS_TRANSIENT
                                : FR_AWS_CLIENT;
        (void)fr_aws_parse_error(body, len, rs->code, sizeof rs->code, rs->message,
                                 sizeof rs->message);
        snprintf(errbuf, errlen, "%s: %s: %s (HTTP %ld, after 1 attempts)",
                 rq->what ? rq->what : "request", rs->code, rs->message, status);
        free(body);
        return rs->cls == FR_AWS_AUTH ? FR_ERR_AUTH : FR_ERR_REMOTE;
    }
    if (rq->sink) {
        int r = rq->sink(rq->sink_ctx, (const uint8_t *)body, len);
        free(body);
        if (r != 0) {
            rs->cls = FR_AWS_CLIENT;
            snprintf(errbuf, errlen, "%s: the sink stopped", rq->what ? rq->what : "request");
            return FR_ERR_REMOTE;
        }
        return FR_OK;
    }
    rs->body = body;
    rs->body_len = len;
    return FR_OK;
}

void fr_aws_response_clear(fr_aws_response *rs)
{
    if (!rs)
        return;
    free(rs->body);
    memset(rs, 0, sizeof *rs);
}

void fr_aws_get_stats(fr_aws *a, fr_aws_stats *out)
{
    (void)a;
    memset(out, 0, sizeof *out);
}

void fr_aws_free(fr_aws *a)
{
    free(a);
}

/* Not the real parser (aws_error fuzzes that): the code is the text of the
 * first <Code> element, if any. */
int fr_aws_parse_error(const char *body, size_t len, char *code, size_t codelen, char *msg,
                       size_t msglen)
{
    if (codelen)
        code[0] = '\0';
    if (msglen)
        msg[0] = '\0';
    if (!body || !codelen)
        return 0;
    const char *s = strstr(body, "<Code>");
    if (!s || (size_t)(s - body) >= len)
        return 0;
    s += 6;
    size_t n = strcspn(s, "<");
    if (n >= codelen)
        n = codelen - 1;
    memcpy(code, s, n);
    code[n] = '\0';
    return 1;
}

/* ---- fr_http ---- */

struct fr_http {
    int unused;
};

int fr_http_global_init(void)
{
    return 0;
}

void fr_http_global_cleanup(void)
{
}

fr_http *fr_http_new(const char *ca_bundle)
{
    (void)ca_bundle;
    return calloc(1, sizeof(fr_http));
}

fr_err fr_http_perform(fr_http *h, const fr_http_req *rq, fr_http_resp *rs)
{
    char *body = NULL;
    size_t len = 0;
    long status = 0;
    (void)h;
    memset(rs, 0, sizeof *rs);
    rs->content_length = -1;
    if (!next_reply(&body, &len, &status)) {
        rs->fail = FR_HTTP_FAIL_CONNECT;
        snprintf(rs->errmsg, sizeof rs->errmsg, "connection refused (no more replies)");
        return FR_OK;
    }
    rs->status = status;
    rs->body_bytes = len;
    if (rq->sink && status / 100 == 2) {
        if (rq->sink(rq->sink_ctx, (const uint8_t *)body, len) != 0)
            rs->fail = FR_HTTP_FAIL_SINK;
        free(body);
        return FR_OK;
    }
    rs->body = body;
    rs->body_len = len;
    return FR_OK;
}

void fr_http_resp_clear(fr_http_resp *rs)
{
    if (!rs)
        return;
    free(rs->body);
    memset(rs, 0, sizeof *rs);
    rs->content_length = -1;
}

void fr_http_free(fr_http *h)
{
    free(h);
}

char *fr_uri_encode(const char *s, int keep_slash)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(s);
    char *out = malloc(3 * n + 1), *d = out;
    if (!out)
        return NULL;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~' || (keep_slash && c == '/')) {
            *d++ = (char)c;
        } else {
            *d++ = '%';
            *d++ = hex[c >> 4];
            *d++ = hex[c & 15];
        }
    }
    *d = '\0';
    return out;
}

/* ---- the job side of the fetch queue ---- */

int fr_fetch_put(fr_fetch_job *job, const uint8_t *data, size_t len)
{
    (void)job;
    uint8_t x = 0;
    for (size_t i = 0; i < len; i++) /* touch every byte: ASan checks them */
        x ^= data[i];
    put_sink = x;
    put_bytes += len;
    return 0;
}

int fr_fetch_aborted(const fr_fetch_job *job)
{
    (void)job;
    return 0;
}
