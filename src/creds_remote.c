/* SPDX-License-Identifier: MIT */
/* creds_remote: credentials fetched over the network: STS AssumeRole and
 * AssumeRoleWithWebIdentity, container credentials and EC2 instance
 * metadata (IMDSv2). */
#include "fr_creds.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fr_aws.h"
#include "fr_http.h"
#include "fr_xml.h"

#define TOKEN_FILE_MAX (64 * 1024)

/* ---- small helpers ---- */

/* Returns a copy of s (NULL stays NULL); sets *bad on out of memory. */
static char *dup_opt(const char *s, int *bad)
{
    if (!s)
        return NULL;
    char *d = strdup(s);
    if (!d)
        *bad = 1;
    return d;
}

/* Frees a string after wiping it. */
static void free_secret(char *s)
{
    if (s) {
        explicit_bzero(s, strlen(s));
        free(s);
    }
}

/* Appends name=value (form-encoded) to buf. Returns 0, or -1 when out of room. */
static int form_add(char *buf, size_t cap, const char *name, const char *value)
{
    size_t n = strlen(buf);
    static const char hex[] = "0123456789ABCDEF";
    const char *parts[2] = {name, value};
    if (n && n + 1 < cap)
        buf[n++] = '&';
    for (int i = 0; i < 2; i++) {
        if (i == 1) {
            if (n + 1 >= cap)
                return -1;
            buf[n++] = '=';
        }
        for (const unsigned char *p = (const unsigned char *)parts[i]; *p; p++) {
            if (n + 4 >= cap)
                return -1;
            if (isalnum(*p) || *p == '-' || *p == '_' || *p == '.' || *p == '~') {
                buf[n++] = (char)*p;
            } else {
                buf[n++] = '%';
                buf[n++] = hex[*p >> 4];
                buf[n++] = hex[*p & 15];
            }
        }
    }
    buf[n] = '\0';
    return 0;
}

/* Copies the decoded text of child tag of el into dst, whitespace around
 * it trimmed. Returns 1 when found and it fits, 0 when absent or
 * malformed, -1 when too long (dst wiped on failure). */
static int xml_field(const fr_xml_el *el, const char *tag, char *dst, size_t cap)
{
    fr_xml_el v;
    size_t n, lead = 0;
    if (fr_xml_child_named(el->vs, el->ve, tag, &v) != 1)
        return 0;
    int r = fr_xml_decode(v.vs, v.ve, dst, cap, &n);
    if (r != 0)
        return r == -2 ? -1 : 0;
    while (isspace((unsigned char)dst[lead]))
        lead++;
    memmove(dst, dst + lead, n - lead + 1);
    n -= lead;
    while (n > 0 && isspace((unsigned char)dst[n - 1]))
        dst[--n] = '\0';
    return 1;
}

/* Reads a small file (a token) and trims surrounding whitespace. Returns a
 * new string, or NULL with errno set. */
static char *read_token(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char *buf = malloc(TOKEN_FILE_MAX + 1);
    if (!buf) {
        fclose(f);
        errno = ENOMEM;
        return NULL;
    }
    size_t n = fread(buf, 1, TOKEN_FILE_MAX, f);
    int bad = ferror(f) || (n == TOKEN_FILE_MAX && fgetc(f) != EOF);
    fclose(f);
    if (bad) {
        explicit_bzero(buf, TOKEN_FILE_MAX);
        free(buf);
        errno = EFBIG;
        return NULL;
    }
    buf[n] = '\0';
    while (n > 0 && isspace((unsigned char)buf[n - 1]))
        buf[--n] = '\0';
    size_t lead = 0;
    while (isspace((unsigned char)buf[lead]))
        lead++;
    memmove(buf, buf + lead, n - lead + 1);
    return buf;
}

/* ---- STS ---- */

typedef struct sts_ctx {
    char *endpoint, *region, *ca_bundle, *role_arn, *session_name, *external_id, *what;
    int duration_seconds;
    fr_creds_provider *source; /* AssumeRole: signs the call */
    char *token_file; /* AssumeRoleWithWebIdentity */
    fr_aws *aws; /* made at the first fetch */
} sts_ctx;

/* Frees an sts_ctx and what it owns. */
static void sts_free(void *vctx)
{
    sts_ctx *c = vctx;
    if (!c)
        return;
    fr_aws_free(c->aws);
    fr_creds_provider_free(c->source);
    free(c->endpoint);
    free(c->region);
    free(c->ca_bundle);
    free(c->role_arn);
    free(c->session_name);
    free(c->external_id);
    free(c->what);
    free(c->token_file);
    free(c);
}

/* Calls STS and parses the Credentials element. */
static fr_err sts_fetch(void *vctx, fr_creds *out, char *errbuf, size_t errlen)
{
    sts_ctx *c = vctx;
    int web = c->token_file != NULL;
    const char *action = web ? "AssumeRoleWithWebIdentity" : "AssumeRole";
    char *body = NULL, *token = NULL;
    char sess[80], dur[16], what[300];
    size_t cap;
    fr_aws_response rs;
    fr_err err = FR_ERR_NOMEM;
    memset(&rs, 0, sizeof rs);
    snprintf(what, sizeof what, "%s: STS %s %s", c->what, action, c->role_arn);

    if (!c->aws) {
        fr_aws_opts o = {.service = "sts",
                         .region = c->region,
                         .endpoint = c->endpoint,
                         .creds = c->source,
                         .max_attempts = 3,
                         .ca_bundle = c->ca_bundle};
        if (!(c->aws = fr_aws_new(&o, errbuf, errlen)))
            return FR_ERR_NOMEM;
    }
    if (web) {
        if (!(token = read_token(c->token_file))) {
            snprintf(errbuf, errlen, "%s: cannot read the web identity token file %s: %s", c->what,
                     c->token_file, strerror(errno));
            return FR_ERR_CONFIG;
        }
        if (!*token) {
            snprintf(errbuf, errlen, "%s: the web identity token file %s is empty", c->what,
                     c->token_file);
            free(token);
            return FR_ERR_CONFIG;
        }
    }
    if (c->session_name)
        snprintf(sess, sizeof sess, "%s", c->session_name);
    else
        snprintf(sess, sizeof sess, "flowreport-%lld", (long long)time(NULL));
    cap = 1024 +
        3 *
            (strlen(c->role_arn) + strlen(sess) + (token ? strlen(token) : 0) +
             (c->external_id ? strlen(c->external_id) : 0));
    if (!(body = calloc(1, cap)))
        goto nomem;
    if (form_add(body, cap, "Action", action) || form_add(body, cap, "Version", "2011-06-15") ||
        form_add(body, cap, "RoleArn", c->role_arn) || form_add(body, cap, "RoleSessionName", sess))
        goto nomem;
    if (c->duration_seconds > 0) {
        snprintf(dur, sizeof dur, "%d", c->duration_seconds);
        if (form_add(body, cap, "DurationSeconds", dur))
            goto nomem;
    }
    if (c->external_id && form_add(body, cap, "ExternalId", c->external_id))
        goto nomem;
    if (token && form_add(body, cap, "WebIdentityToken", token))
        goto nomem;

    fr_kv hdr[] = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
    fr_aws_request rq = {.method = "POST",
                         .path = "/",
                         .headers = hdr,
                         .n_headers = 1,
                         .body = (const uint8_t *)body,
                         .body_len = strlen(body),
                         .what = what};
    err = fr_aws_call(c->aws, &rq, &rs, errbuf, errlen);
    if (err != FR_OK) {
        /* STS said no (4xx): the role cannot be had with these credentials */
        if (err == FR_ERR_REMOTE && (rs.cls == FR_AWS_CLIENT || rs.cls == FR_AWS_NOTFOUND))
            err = FR_ERR_AUTH;
        goto done;
    }
    err = FR_ERR_AUTH;
    const char *s = rs.body ? rs.body : "";
    fr_xml_el cred;
    if (fr_xml_find_named(s, s + (rs.body ? rs.body_len : 0), "Credentials", &cred) != 1) {
        snprintf(errbuf, errlen, "%s: the answer holds no Credentials", what);
        goto done;
    }
    int64_t exp = -1;
    char expbuf[64];
    if (xml_field(&cred, "AccessKeyId", out->akid, sizeof out->akid) != 1 ||
        xml_field(&cred, "SecretAccessKey", out->secret, sizeof out->secret) != 1 ||
        xml_field(&cred, "SessionToken", out->token, sizeof out->token) != 1 ||
        xml_field(&cred, "Expiration", expbuf, sizeof expbuf) != 1 ||
        (exp = fr_creds_parse_time(expbuf)) < 0 || !out->akid[0] || !out->secret[0]) {
        snprintf(errbuf, errlen, "%s: the answer's Credentials are incomplete", what);
        fr_creds_wipe(out);
        goto done;
    }
    out->expiration = exp;
    snprintf(out->source, sizeof out->source, "%s (%s %s)", c->what,
             web ? "web identity role" : "assume role", c->role_arn);
    err = FR_OK;
    goto done;
nomem:
    snprintf(errbuf, errlen, "%s: out of memory", what);
    err = FR_ERR_NOMEM;
done:
    if (rs.body)
        explicit_bzero(rs.body, rs.body_len);
    fr_aws_response_clear(&rs);
    free_secret(body);
    free_secret(token);
    return err;
}

/* An STS provider of either kind, or NULL when out of memory. */
static fr_creds_provider *sts_new(const fr_creds_sts_opts *o, fr_creds_provider *source,
                                  const char *token_file)
{
    sts_ctx *c = calloc(1, sizeof *c);
    int bad = 0;
    if (!c) {
        fr_creds_provider_free(source);
        return NULL;
    }
    c->source = source;
    c->endpoint = dup_opt(o->endpoint, &bad);
    c->region = dup_opt(o->region, &bad);
    c->ca_bundle = dup_opt(o->ca_bundle, &bad);
    c->role_arn = dup_opt(o->role_arn ? o->role_arn : "", &bad);
    c->session_name = dup_opt(o->session_name, &bad);
    c->external_id = dup_opt(o->external_id, &bad);
    c->what = dup_opt(o->what ? o->what : "role", &bad);
    c->token_file = dup_opt(token_file, &bad);
    c->duration_seconds = o->duration_seconds;
    if (bad) {
        sts_free(c);
        return NULL;
    }
    return fr_creds_provider_new(sts_fetch, sts_free, c);
}

fr_creds_provider *fr_creds_assume_role_new(const fr_creds_sts_opts *o, fr_creds_provider *source)
{
    return sts_new(o, source, NULL);
}

fr_creds_provider *fr_creds_web_identity_new(const fr_creds_sts_opts *o, const char *token_file)
{
    return sts_new(o, NULL, token_file);
}

/* ---- HTTP GET/PUT with short timeouts ---- */

/* One exchange, tried up to attempts times on transport failures and 5xx.
 * Returns FR_OK with rs filled (check rs->fail, rs->status). */
static fr_err quick_http(fr_http *h, const char *method, const char *url, const fr_kv *hdr,
                         size_t nh, int attempts, fr_http_resp *rs)
{
    fr_err err = FR_OK;
    for (int i = 0; i < attempts; i++) {
        fr_http_req rq = {.method = method,
                          .url = url,
                          .headers = hdr,
                          .n_headers = nh,
                          .connect_timeout_ms = 1000,
                          .stall_timeout_ms = 1000,
                          .total_timeout_ms = 2000};
        fr_http_resp_clear(rs);
        err = fr_http_perform(h, &rq, rs);
        if (err != FR_OK)
            return err;
        if (rs->fail == FR_HTTP_FAIL_NONE && rs->status < 500)
            break;
    }
    return err;
}

/* Writes the scheme://host[:port] part of url into dst (no path or query). */
static void url_origin(const char *url, char *dst, size_t cap)
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    size_t n = strcspn(p, "/?#");
    snprintf(dst, cap, "%.*s", (int)((p - url) + n), url);
}

/* ---- container credentials ---- */

int fr_creds_container_url_ok(const char *url)
{
    if (strncasecmp(url, "https://", 8) == 0)
        return 1;
    if (strncasecmp(url, "http://", 7) != 0)
        return 0;
    const char *h = url + 7;
    char host[256];
    size_t n;
    if (strchr(h, '@') && strchr(h, '@') < h + strcspn(h, "/?#"))
        return 0; /* no userinfo */
    if (*h == '[') {
        n = strcspn(h, "]");
        if (h[n] != ']' || n >= sizeof host)
            return 0;
        snprintf(host, sizeof host, "%.*s", (int)(n - 1), h + 1);
    } else {
        n = strcspn(h, ":/?#");
        if (n == 0 || n >= sizeof host)
            return 0;
        snprintf(host, sizeof host, "%.*s", (int)n, h);
    }
    if (strcasecmp(host, "localhost") == 0 || strcmp(host, "::1") == 0 ||
        strcmp(host, "169.254.170.2") == 0 || strcmp(host, "169.254.170.23") == 0 ||
        strcasecmp(host, "fd00:ec2::23") == 0)
        return 1;
    /* 127.0.0.0/8 */
    int a, b, c, d;
    char tail;
    if (sscanf(host, "%d.%d.%d.%d%c", &a, &b, &c, &d, &tail) == 4 && a == 127 && b >= 0 &&
        b < 256 && c >= 0 && c < 256 && d >= 0 && d < 256)
        return 1;
    return 0;
}

typedef struct container_ctx {
    char *url, *token, *token_file, *ca_bundle;
} container_ctx;

/* Frees a container_ctx. */
static void container_free(void *vctx)
{
    container_ctx *c = vctx;
    if (!c)
        return;
    free(c->url);
    free_secret(c->token);
    free(c->token_file);
    free(c->ca_bundle);
    free(c);
}

/* GETs the container endpoint. */
static fr_err container_fetch(void *vctx, fr_creds *out, char *errbuf, size_t errlen)
{
    container_ctx *c = vctx;
    char origin[512], *tok = NULL;
    fr_http *h = NULL;
    fr_http_resp rs;
    fr_kv hdr[1];
    size_t nh = 0;
    fr_err err;
    memset(&rs, 0, sizeof rs);
    url_origin(c->url, origin, sizeof origin);
    if (c->token_file) {
        if (!(tok = read_token(c->token_file))) {
            snprintf(errbuf, errlen,
                     "container credentials: cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE "
                     "%s: %s",
                     c->token_file, strerror(errno));
            return FR_ERR_CONFIG;
        }
    } else if (c->token && !(tok = strdup(c->token))) {
        snprintf(errbuf, errlen, "container credentials: out of memory");
        return FR_ERR_NOMEM;
    }
    if (tok) {
        if (strpbrk(tok, "\r\n")) {
            snprintf(errbuf, errlen,
                     "container credentials: the authorization token has a "
                     "line break");
            err = FR_ERR_CONFIG;
            goto done;
        }
        hdr[nh++] = (fr_kv){"Authorization", tok};
    }
    if (!(h = fr_http_new(c->ca_bundle))) {
        snprintf(errbuf, errlen, "container credentials: out of memory");
        err = FR_ERR_NOMEM;
        goto done;
    }
    err = quick_http(h, "GET", c->url, hdr, nh, 3, &rs);
    if (err != FR_OK) {
        snprintf(errbuf, errlen, "container credentials at %s: %s", origin, fr_strerror(err));
        goto done;
    }
    if (rs.fail != FR_HTTP_FAIL_NONE) {
        snprintf(errbuf, errlen, "container credentials at %s: %s", origin, rs.errmsg);
        err = FR_ERR_REMOTE;
        goto done;
    }
    if (rs.status != 200) {
        snprintf(errbuf, errlen, "container credentials at %s: HTTP %ld", origin, rs.status);
        err = rs.status == 401 || rs.status == 403 ? FR_ERR_AUTH : FR_ERR_REMOTE;
        goto done;
    }
    err = fr_creds_from_json(rs.body ? rs.body : "", rs.body_len, "Token", 0,
                             "container credentials", out, errbuf, errlen);
    if (err == FR_OK)
        snprintf(out->source, sizeof out->source, "container credentials");
    else
        err = FR_ERR_REMOTE;
done:
    if (rs.body)
        explicit_bzero(rs.body, rs.body_len);
    fr_http_resp_clear(&rs);
    fr_http_free(h);
    free_secret(tok);
    return err;
}

fr_creds_provider *fr_creds_container_new(const char *url, const char *token,
                                          const char *token_file, const char *ca_bundle)
{
    container_ctx *c = calloc(1, sizeof *c);
    int bad = 0;
    if (!c)
        return NULL;
    c->url = dup_opt(url, &bad);
    c->token = dup_opt(token, &bad);
    c->token_file = dup_opt(token_file, &bad);
    c->ca_bundle = dup_opt(ca_bundle, &bad);
    if (bad) {
        container_free(c);
        return NULL;
    }
    return fr_creds_provider_new(container_fetch, container_free, c);
}

/* ---- IMDSv2 ---- */

typedef struct imds_ctx {
    char *endpoint;
    char *looked; /* the places looked at before, for "nothing found" */
} imds_ctx;

/* Frees an imds_ctx. */
static void imds_free(void *vctx)
{
    imds_ctx *c = vctx;
    if (!c)
        return;
    free(c->endpoint);
    free(c->looked);
    free(c);
}

/* Token, role, credentials. */
static fr_err imds_fetch(void *vctx, fr_creds *out, char *errbuf, size_t errlen)
{
    imds_ctx *c = vctx;
    char url[1024], token[512] = "", role[256] = "";
    fr_http *h = fr_http_new(NULL);
    fr_http_resp rs;
    fr_err err;
    memset(&rs, 0, sizeof rs);
    if (!h) {
        snprintf(errbuf, errlen, "instance metadata: out of memory");
        return FR_ERR_NOMEM;
    }
    snprintf(url, sizeof url, "%s/latest/api/token", c->endpoint);
    fr_kv ttl[] = {{"X-aws-ec2-metadata-token-ttl-seconds", "21600"}};
    err = quick_http(h, "PUT", url, ttl, 1, 2, &rs);
    if (err != FR_OK) {
        snprintf(errbuf, errlen, "instance metadata: %s", fr_strerror(err));
        goto done;
    }
    if (rs.fail != FR_HTTP_FAIL_NONE || rs.status != 200 || !rs.body || !rs.body_len ||
        rs.body_len >= sizeof token) {
        char why[300];
        if (rs.fail != FR_HTTP_FAIL_NONE)
            snprintf(why, sizeof why, "no answer: %s", rs.errmsg);
        else
            snprintf(why, sizeof why, "token request answered HTTP %ld", rs.status);
        snprintf(errbuf, errlen, "%s%sinstance metadata at %s (%s)", c->looked ? c->looked : "",
                 c->looked ? ", " : "", c->endpoint, why);
        err = FR_ERR_CONFIG;
        goto done;
    }
    memcpy(token, rs.body, rs.body_len);
    token[rs.body_len] = '\0';
    token[strcspn(token, "\r\n")] = '\0';
    fr_kv th[] = {{"X-aws-ec2-metadata-token", token}};

    snprintf(url, sizeof url, "%s/latest/meta-data/iam/security-credentials/", c->endpoint);
    err = quick_http(h, "GET", url, th, 1, 2, &rs);
    if (err == FR_OK && rs.fail == FR_HTTP_FAIL_NONE && rs.status == 404) {
        snprintf(errbuf, errlen, "%s%sinstance metadata at %s (the instance has no IAM role)",
                 c->looked ? c->looked : "", c->looked ? ", " : "", c->endpoint);
        err = FR_ERR_CONFIG;
        goto done;
    }
    if (err != FR_OK || rs.fail != FR_HTTP_FAIL_NONE || rs.status != 200 || !rs.body) {
        snprintf(errbuf, errlen, "instance metadata at %s: role name: %s", c->endpoint,
                 err != FR_OK  ? fr_strerror(err)
                     : rs.fail ? rs.errmsg
                               : "bad answer");
        err = err != FR_OK ? err : FR_ERR_REMOTE;
        goto done;
    }
    snprintf(role, sizeof role, "%.*s", (int)strcspn(rs.body, "\r\n"), rs.body);
    if (!role[0] || strpbrk(role, "/?#% ")) {
        snprintf(errbuf, errlen, "instance metadata at %s: no usable role name", c->endpoint);
        err = FR_ERR_REMOTE;
        goto done;
    }
    snprintf(url, sizeof url, "%s/latest/meta-data/iam/security-credentials/%s", c->endpoint, role);
    err = quick_http(h, "GET", url, th, 1, 2, &rs);
    if (err != FR_OK || rs.fail != FR_HTTP_FAIL_NONE || rs.status != 200) {
        snprintf(errbuf, errlen, "instance metadata at %s: credentials of role %s: %s", c->endpoint,
                 role,
                 err != FR_OK  ? fr_strerror(err)
                     : rs.fail ? rs.errmsg
                               : "HTTP error");
        err = err != FR_OK ? err : FR_ERR_REMOTE;
        goto done;
    }
    err = fr_creds_from_json(rs.body ? rs.body : "", rs.body_len, "Token", 0, "instance metadata",
                             out, errbuf, errlen);
    if (err == FR_OK)
        snprintf(out->source, sizeof out->source, "IMDS role %.140s", role);
    else
        err = FR_ERR_REMOTE;
done:
    if (rs.body)
        explicit_bzero(rs.body, rs.body_len);
    fr_http_resp_clear(&rs);
    fr_http_free(h);
    explicit_bzero(token, sizeof token);
    return err;
}

fr_creds_provider *fr_creds_imds_new(const char *endpoint, const char *looked)
{
    imds_ctx *c = calloc(1, sizeof *c);
    int bad = 0;
    if (!c)
        return NULL;
    c->endpoint = dup_opt(endpoint, &bad);
    c->looked = dup_opt(looked, &bad);
    if (bad) {
        imds_free(c);
        return NULL;
    }
    size_t n = strlen(c->endpoint);
    while (n > 0 && c->endpoint[n - 1] == '/')
        c->endpoint[--n] = '\0';
    return fr_creds_provider_new(imds_fetch, imds_free, c);
}
