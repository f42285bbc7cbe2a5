/* SPDX-License-Identifier: MIT */
/* sigv4: the canonical request, string to sign and signature of AWS
 * Signature Version 4 (header form), computed with OpenSSL. */
#include "fr_sigv4.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A growable string; ok drops to 0 on the first allocation failure. */
typedef struct sb {
    char *s;
    size_t len, cap;
    int ok;
} sb;

static void sb_add(sb *b, const char *p, size_t n)
{
    if (!b->ok)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *s = realloc(b->s, cap);
        if (!s) {
            b->ok = 0;
            return;
        }
        b->s = s;
        b->cap = cap;
    }
    memcpy(b->s + b->len, p, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void sb_str(sb *b, const char *s)
{
    sb_add(b, s, strlen(s));
}

static int unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~';
}

/* Appends s percent-encoded (upper-case hex); '/' kept when keep_slash. */
static void sb_enc(sb *b, const char *s, size_t n, int keep_slash)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (unreserved(c) || (keep_slash && c == '/')) {
            sb_add(b, (const char *)&c, 1);
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            sb_add(b, e, 3);
        }
    }
}

static void hexify(const unsigned char *d, size_t n, char *out)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hex[d[i] >> 4];
        out[2 * i + 1] = hex[d[i] & 15];
    }
    out[2 * n] = '\0';
}

void fr_sigv4_sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    if (!EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) || mdlen != 32) {
        out[0] = '\0';
        return;
    }
    hexify(md, 32, out);
}

void fr_sigv4_amz_date(time_t t, char out[17])
{
    struct tm tm;
    if (!gmtime_r(&t, &tm) || strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm) != 16)
        out[0] = '\0';
}

/* Returns 1 when HMAC-SHA256(key, msg) went into out[32], else 0. */
static int hmac(const void *key, size_t klen, const char *msg, unsigned char out[32])
{
    unsigned int n = 0;
    if (!HMAC(EVP_sha256(), key, (int)klen, (const unsigned char *)msg, strlen(msg), out, &n))
        return 0;
    return n == 32;
}

char *fr_sigv4_canonical_uri(const char *path, int normalize)
{
    sb b = {NULL, 0, 0, 1};
    if (!path || !*path)
        path = "/";
    if (!normalize) {
        sb_enc(&b, path, strlen(path), 1);
        if (b.ok && b.len == 0)
            sb_str(&b, "/");
        return b.ok ? b.s : (free(b.s), NULL);
    }
    /* Remove "." and ".." segments and empty ones (repeated slashes); keep
     * a trailing slash. */
    size_t plen = strlen(path), nseg = 0;
    const char **seg = malloc((plen + 1) * sizeof *seg);
    size_t *slen = malloc((plen + 1) * sizeof *slen);
    if (!seg || !slen)
        goto fail;
    for (const char *p = path; *p;) {
        while (*p == '/')
            p++;
        const char *e = p;
        while (*e && *e != '/')
            e++;
        size_t n = (size_t)(e - p);
        if (n == 0 || (n == 1 && p[0] == '.')) {
            /* skip */
        } else if (n == 2 && p[0] == '.' && p[1] == '.') {
            if (nseg)
                nseg--;
        } else {
            seg[nseg] = p;
            slen[nseg++] = n;
        }
        p = e;
    }
    for (size_t i = 0; i < nseg; i++) {
        sb_add(&b, "/", 1);
        sb_enc(&b, seg[i], slen[i], 0);
    }
    if (nseg == 0 || path[plen - 1] == '/')
        sb_add(&b, "/", 1);
    free(seg);
    free(slen);
    if (!b.ok)
        goto fail;
    return b.s;
fail:
    free(seg);
    free(slen);
    free(b.s);
    return NULL;
}

typedef struct qpair {
    char *n, *v;
} qpair;

static int qpair_cmp(const void *a, const void *b)
{
    const qpair *x = a, *y = b;
    int c = strcmp(x->n, y->n);
    return c ? c : strcmp(x->v, y->v);
}

char *fr_sigv4_canonical_query(const fr_kv *q, size_t n)
{
    qpair *p = calloc(n ? n : 1, sizeof *p);
    sb b = {NULL, 0, 0, 1};
    if (!p)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        sb x = {NULL, 0, 0, 1}, y = {NULL, 0, 0, 1};
        const char *v = q[i].value ? q[i].value : "";
        sb_str(&x, "");
        sb_str(&y, "");
        sb_enc(&x, q[i].name, strlen(q[i].name), 0);
        sb_enc(&y, v, strlen(v), 0);
        p[i].n = x.s;
        p[i].v = y.s;
        if (!x.ok || !y.ok)
            b.ok = 0;
    }
    if (b.ok) {
        qsort(p, n, sizeof *p, qpair_cmp);
        sb_str(&b, "");
        for (size_t i = 0; i < n; i++) {
            if (i)
                sb_add(&b, "&", 1);
            sb_str(&b, p[i].n);
            sb_add(&b, "=", 1);
            sb_str(&b, p[i].v);
        }
    }
    for (size_t i = 0; i < n; i++) {
        free(p[i].n);
        free(p[i].v);
    }
    free(p);
    if (!b.ok) {
        free(b.s);
        return NULL;
    }
    return b.s;
}

typedef struct hdr {
    char *name; /* lower case */
    const char *value;
    size_t idx;
} hdr;

static int hdr_cmp(const void *a, const void *b)
{
    const hdr *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c)
        return c;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Appends v without leading or trailing whitespace, inner runs as one space. */
static void sb_trimall(sb *b, const char *v)
{
    int pending = 0, any = 0;
    for (const char *p = v; *p; p++) {
        if (is_ws(*p)) {
            pending = any;
            continue;
        }
        if (pending)
            sb_add(b, " ", 1);
        sb_add(b, p, 1);
        pending = 0;
        any = 1;
    }
}

void fr_sigv4_out_clear(fr_sigv4_out *out)
{
    if (!out)
        return;
    free(out->authorization);
    free(out->canonical_request);
    free(out->string_to_sign);
    memset(out, 0, sizeof *out);
}

static int valid_date(const char *d)
{
    if (!d || strlen(d) != 16 || d[8] != 'T' || d[15] != 'Z')
        return 0;
    for (int i = 0; i < 15; i++)
        if (i != 8 && (d[i] < '0' || d[i] > '9'))
            return 0;
    return 1;
}

fr_err fr_sigv4_sign(const fr_sigv4_in *in, fr_sigv4_out *out, int keep_steps)
{
    fr_err err = FR_ERR_NOMEM;
    sb cr = {NULL, 0, 0, 1}, sts = {NULL, 0, 0, 1}, sh = {NULL, 0, 0, 1}, az = {NULL, 0, 0, 1};
    char *uri = NULL, *query = NULL;
    hdr *h = NULL;
    size_t nh = in ? in->n_headers : 0;

    memset(out, 0, sizeof *out);
    if (!in || !in->method || !in->payload_hash || !in->region || !in->service || !in->akid ||
        !in->secret || !valid_date(in->amz_date) || (in->n_headers && !in->headers) ||
        (in->n_query && !in->query))
        return FR_ERR_USAGE;

    if (!(uri = fr_sigv4_canonical_uri(in->path, in->normalize)))
        goto fail;
    if (!(query = fr_sigv4_canonical_query(in->query, in->n_query)))
        goto fail;
    if (!(h = calloc(nh ? nh : 1, sizeof *h)))
        goto fail;
    for (size_t i = 0; i < nh; i++) {
        if (!(h[i].name = strdup(in->headers[i].name)))
            goto fail;
        for (char *p = h[i].name; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
        h[i].value = in->headers[i].value ? in->headers[i].value : "";
        h[i].idx = i;
    }
    qsort(h, nh, sizeof *h, hdr_cmp);

    /* The canonical request. */
    sb_str(&cr, in->method);
    sb_add(&cr, "\n", 1);
    sb_str(&cr, uri);
    sb_add(&cr, "\n", 1);
    sb_str(&cr, query);
    sb_add(&cr, "\n", 1);
    sb_str(&sh, "");
    for (size_t i = 0; i < nh; i++) {
        if (i && strcmp(h[i].name, h[i - 1].name) == 0) {
            sb_add(&cr, ",", 1);
        } else {
            if (i) {
                sb_add(&cr, "\n", 1);
                sb_add(&sh, ";", 1);
            }
            sb_str(&cr, h[i].name);
            sb_add(&cr, ":", 1);
            sb_str(&sh, h[i].name);
        }
        sb_trimall(&cr, h[i].value);
    }
    if (nh)
        sb_add(&cr, "\n", 1);
    sb_add(&cr, "\n", 1);
    sb_str(&cr, sh.ok ? sh.s : "");
    sb_add(&cr, "\n", 1);
    sb_str(&cr, in->payload_hash);
    if (!cr.ok || !sh.ok)
        goto fail;

    /* The string to sign. */
    char date[9], crhash[65], scope[256];
    memcpy(date, in->amz_date, 8);
    date[8] = '\0';
    if (snprintf(scope, sizeof scope, "%s/%s/%s/aws4_request", date, in->region, in->service) >=
        (int)sizeof scope) {
        err = FR_ERR_USAGE;
        goto fail;
    }
    fr_sigv4_sha256_hex(cr.s, cr.len, crhash);
    sb_str(&sts, "AWS4-HMAC-SHA256\n");
    sb_str(&sts, in->amz_date);
    sb_add(&sts, "\n", 1);
    sb_str(&sts, scope);
    sb_add(&sts, "\n", 1);
    sb_str(&sts, crhash);
    if (!sts.ok)
        goto fail;

    /* The signing key and the signature. */
    size_t slen = strlen(in->secret);
    unsigned char *k0 = malloc(slen + 4);
    unsigned char k1[32], k2[32], k3[32], k4[32], sig[32];
    if (!k0)
        goto fail;
    memcpy(k0, "AWS4", 4);
    memcpy(k0 + 4, in->secret, slen);
    int ok = hmac(k0, slen + 4, date, k1) && hmac(k1, 32, in->region, k2) &&
        hmac(k2, 32, in->service, k3) && hmac(k3, 32, "aws4_request", k4) &&
        hmac(k4, 32, sts.s, sig);
    OPENSSL_cleanse(k0, slen + 4);
    free(k0);
    OPENSSL_cleanse(k1, 32);
    OPENSSL_cleanse(k2, 32);
    OPENSSL_cleanse(k3, 32);
    OPENSSL_cleanse(k4, 32);
    if (!ok)
        goto fail;
    hexify(sig, 32, out->signature);

    sb_str(&az, "AWS4-HMAC-SHA256 Credential=");
    sb_str(&az, in->akid);
    sb_add(&az, "/", 1);
    sb_str(&az, scope);
    sb_str(&az, ", SignedHeaders=");
    sb_str(&az, sh.s);
    sb_str(&az, ", Signature=");
    sb_str(&az, out->signature);
    if (!az.ok)
        goto fail;
    out->authorization = az.s;
    az.s = NULL;
    if (keep_steps) {
        out->canonical_request = cr.s;
        out->string_to_sign = sts.s;
        cr.s = sts.s = NULL;
    }
    err = FR_OK;
fail:
    for (size_t i = 0; h && i < nh; i++)
        free(h[i].name);
    free(h);
    free(uri);
    free(query);
    free(cr.s);
    free(sts.s);
    free(sh.s);
    free(az.s);
    if (err != FR_OK)
        fr_sigv4_out_clear(out);
    return err;
}
