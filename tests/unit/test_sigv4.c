/* SPDX-License-Identifier: MIT */
/* test_sigv4: the SigV4 signer against every header-signing vector in
 * $SHARED_DIR/sigv4-testsuite (AWS's two suites, the S3 documentation's
 * examples, flowreport's botocore-made golden requests), plus small checks
 * of the encoders and of the AWS error-body parser. Exit 0, 1 on any
 * failure, 77 when the suite is absent. */
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "fr_aws.h"
#include "fr_http.h"
#include "fr_sigv4.h"

#define MAXH 64
#define MAXQ 64

static int n_vectors, n_failed, n_checks, n_check_failed;

/* The whole file as a NUL-terminated string, or NULL. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t n = 0, cap = 0;
    if (!f)
        return NULL;
    for (;;) {
        if (n + 4097 > cap) {
            cap = cap ? cap * 2 : 8192;
            char *b = realloc(buf, cap);
            if (!b)
                goto fail;
            buf = b;
        }
        size_t r = fread(buf + n, 1, cap - n - 1, f);
        n += r;
        if (r == 0)
            break;
    }
    if (ferror(f))
        goto fail;
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
fail:
    fclose(f);
    free(buf);
    return NULL;
}

static int exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Percent-decodes s in place ('+' stays '+', as AWS reads queries). */
static void pct_decode(char *s)
{
    char *o = s;
    for (char *p = s; *p; p++) {
        int a, b;
        if (*p == '%' && (a = hexval(p[1])) >= 0 && (b = hexval(p[2])) >= 0) {
            *o++ = (char)(a * 16 + b);
            p += 2;
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
}

/* A parsed request.txt / .req. Strings point into buf or are owned by it. */
typedef struct req {
    char *buf;
    char method[16];
    char *path;
    fr_kv q[MAXQ];
    size_t nq;
    fr_kv h[MAXH];
    char *hval[MAXH]; /* owned values (continuations are joined) */
    size_t nh;
    const char *body;
    size_t body_len;
} req;

static void req_free(req *r)
{
    for (size_t i = 0; i < r->nh; i++)
        free(r->hval[i]);
    free(r->buf);
    free(r->path);
    memset(r, 0, sizeof *r);
}

static int add_header(req *r, const char *name, const char *value)
{
    if (r->nh == MAXH || !(r->hval[r->nh] = strdup(value)))
        return -1;
    r->h[r->nh].name = name;
    r->h[r->nh].value = r->hval[r->nh];
    r->nh++;
    return 0;
}

/* Parses the request file text: request line, headers (a line starting with
 * whitespace continues the previous one), empty line, body. The query is
 * split into decoded name/value pairs. Returns 0 or -1. */
static int parse_request(char *text, size_t len, req *r)
{
    memset(r, 0, sizeof *r);
    r->buf = text;
    char *end = text + len;
    char *eol = strchr(text, '\n');
    if (!eol)
        eol = end;
    *eol = '\0';
    if (eol > text && eol[-1] == '\r')
        eol[-1] = '\0';
    /* "METHOD target HTTP/1.1"; the target may hold a raw space. */
    char *sp = strchr(text, ' '), *ver = strstr(text, " HTTP/");
    if (!sp || !ver || ver <= sp || (size_t)(sp - text) >= sizeof r->method)
        return -1;
    memcpy(r->method, text, (size_t)(sp - text));
    char *target = sp + 1;
    *ver = '\0';
    char *qs = strchr(target, '?');
    if (qs)
        *qs++ = '\0';
    if (!(r->path = strdup(target)))
        return -1;
    while (qs && *qs) {
        char *amp = strchr(qs, '&');
        if (amp)
            *amp = '\0';
        char *eq = strchr(qs, '=');
        if (eq)
            *eq = '\0';
        if (r->nq == MAXQ)
            return -1;
        pct_decode(qs);
        r->q[r->nq].name = qs;
        if (eq) {
            pct_decode(eq + 1);
            r->q[r->nq].value = eq + 1;
        } else {
            r->q[r->nq].value = "";
        }
        r->nq++;
        qs = amp ? amp + 1 : NULL;
    }

    char *p = eol < end ? eol + 1 : end;
    while (p < end) {
        char *e = memchr(p, '\n', (size_t)(end - p));
        char *next = e ? e + 1 : end;
        if (!e)
            e = end;
        *e = '\0';
        if (e > p && e[-1] == '\r')
            e[-1] = '\0';
        if (*p == '\0') {
            p = next;
            r->body = p;
            r->body_len = (size_t)(end - p);
            return 0;
        }
        if ((*p == ' ' || *p == '\t') && r->nh) {
            /* continuation: join with one space */
            char *old = r->hval[r->nh - 1];
            char *n = malloc(strlen(old) + strlen(p) + 2);
            if (!n)
                return -1;
            sprintf(n, "%s %s", old, p);
            free(old);
            r->hval[r->nh - 1] = n;
            r->h[r->nh - 1].value = n;
        } else {
            char *colon = strchr(p, ':');
            if (!colon)
                return -1;
            *colon = '\0';
            if (add_header(r, p, colon + 1) != 0)
                return -1;
        }
        p = next;
    }
    r->body = end;
    r->body_len = 0;
    return 0;
}

static const char *header_value(const req *r, const char *name)
{
    for (size_t i = 0; i < r->nh; i++)
        if (strcasecmp(r->h[i].name, name) == 0)
            return r->h[i].value;
    return NULL;
}

static char *join(const char *a, const char *b, const char *c)
{
    size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s%s%s", a, b, c);
    return s;
}

/* Compares got with the file's bytes; prints which step differs. */
static int same(const char *name, const char *step, const char *got, const char *file)
{
    char *want = slurp(file, NULL);
    if (!want) {
        printf("FAIL %s: %s: cannot read %s\n", name, step, file);
        return 0;
    }
    int ok = got && strcmp(got, want) == 0;
    if (!ok)
        printf("FAIL %s: %s differs\n--- want\n%s\n--- got\n%s\n", name, step, want,
               got ? got : "(null)");
    free(want);
    return ok;
}

typedef struct vec {
    const char *akid, *secret, *token, *region, *service;
    char amz_date[17];
    int normalize, sign_body, omit_token, wire_path;
} vec;

/* Signs r per v and returns the output; r gets the added headers. */
static int sign_vector(const char *name, req *r, const vec *v, fr_sigv4_out *out)
{
    char hash[65];
    fr_sigv4_sha256_hex(r->body, r->body_len, hash);
    if (!header_value(r, "X-Amz-Date") && add_header(r, "X-Amz-Date", v->amz_date) != 0)
        return -1;
    if (v->token && !v->omit_token && !header_value(r, "X-Amz-Security-Token") &&
        add_header(r, "X-Amz-Security-Token", v->token) != 0)
        return -1;
    if ((v->sign_body || strcmp(v->service, "s3") == 0) &&
        !header_value(r, "x-amz-content-sha256") &&
        add_header(r, "x-amz-content-sha256", hash) != 0)
        return -1;
    const char *date = header_value(r, "X-Amz-Date");
    char path[4096];
    snprintf(path, sizeof path, "%s", r->path);
    /* A wire path (flowreport-golden) is decoded for S3, whose signer
     * encodes the key once; other services sign the wire path itself. */
    if (v->wire_path && !v->normalize)
        pct_decode(path);
    fr_sigv4_in in = {r->method, path,      v->normalize, r->q, r->nq,   r->h,     r->nh,
                      hash,      v->region, v->service,   date, v->akid, v->secret};
    fr_err e = fr_sigv4_sign(&in, out, 1);
    if (e != FR_OK) {
        printf("FAIL %s: signer returned %s\n", name, fr_strerror(e));
        return -1;
    }
    return 0;
}

static void run_classic(const char *dir, const char *name)
{
    char *base = join(dir, "/", name), *f = NULL;
    req r;
    size_t len;
    int ok = 0;
    fr_sigv4_out out = {0};
    n_vectors++;
    memset(&r, 0, sizeof r);
    char *text = (base && (f = join(base, ".req", ""))) ? slurp(f, &len) : NULL;
    free(f);
    if (!text || parse_request(text, len, &r) != 0) {
        if (!r.buf)
            free(text);
        printf("FAIL %s: cannot read or parse the request\n", name);
        goto done;
    }
    vec v = {"AKIDEXAMPLE",
             "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
             NULL,
             "us-east-1",
             "service",
             "",
             1,
             0,
             0,
             0};
    /* The README: this case's token is not in its .req. */
    if (strcmp(name, "get-vanilla-with-session-token") == 0)
        v.token = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267";
    snprintf(v.amz_date, sizeof v.amz_date, "20150830T123600Z");
    if (sign_vector(name, &r, &v, &out) != 0)
        goto done;
    char *fc = join(base, ".creq", ""), *fs = join(base, ".sts", ""),
         *fa = join(base, ".authz", "");
    ok = fc && fs && fa && same(name, "canonical request", out.canonical_request, fc) &&
        same(name, "string to sign", out.string_to_sign, fs) &&
        same(name, "authorization", out.authorization, fa);
    free(fc);
    free(fs);
    free(fa);
done:
    if (!ok)
        n_failed++;
    fr_sigv4_out_clear(&out);
    req_free(&r);
    free(base);
}

static int jbool(json_t *o, const char *k, int dflt)
{
    json_t *v = json_object_get(o, k);
    return json_is_boolean(v) ? json_is_true(v) : dflt;
}

static void run_context(const char *dir, const char *name, int wire_path)
{
    char *f = NULL, *text = NULL;
    json_t *ctx = NULL;
    req r;
    size_t len;
    int ok = 0;
    fr_sigv4_out out = {0};
    n_vectors++;
    memset(&r, 0, sizeof r);

    f = join(dir, "/context.json", "");
    json_error_t je;
    if (!f || !(ctx = json_load_file(f, 0, &je))) {
        printf("FAIL %s: cannot read context.json\n", name);
        goto done;
    }
    free(f);
    f = join(dir, "/request.txt", "");
    if (!f || !(text = slurp(f, &len)) || parse_request(text, len, &r) != 0) {
        if (!r.buf)
            free(text);
        printf("FAIL %s: cannot read or parse request.txt\n", name);
        goto done;
    }
    json_t *cr = json_object_get(ctx, "credentials");
    vec v;
    memset(&v, 0, sizeof v);
    v.akid = json_string_value(json_object_get(cr, "access_key_id"));
    v.secret = json_string_value(json_object_get(cr, "secret_access_key"));
    v.token = json_string_value(json_object_get(cr, "token"));
    v.region = json_string_value(json_object_get(ctx, "region"));
    v.service = json_string_value(json_object_get(ctx, "service"));
    const char *ts = json_string_value(json_object_get(ctx, "timestamp"));
    if (!v.akid || !v.secret || !v.region || !v.service || !ts) {
        printf("FAIL %s: context.json lacks a field\n", name);
        goto done;
    }
    size_t o = 0;
    for (const char *p = ts; *p && o < 16; p++)
        if (*p != '-' && *p != ':')
            v.amz_date[o++] = *p;
    v.amz_date[o] = '\0';
    v.normalize = jbool(ctx, "normalize", strcmp(v.service, "s3") != 0);
    v.sign_body = jbool(ctx, "sign_body", 0);
    v.omit_token = jbool(ctx, "omit_session_token", 0);
    v.wire_path = wire_path;
    if (sign_vector(name, &r, &v, &out) != 0)
        goto done;
    char *fc = join(dir, "/header-canonical-request.txt", "");
    char *fs = join(dir, "/header-string-to-sign.txt", "");
    char *fg = join(dir, "/header-signature.txt", "");
    ok = fc && fs && fg && same(name, "canonical request", out.canonical_request, fc) &&
        same(name, "string to sign", out.string_to_sign, fs) &&
        same(name, "signature", out.signature, fg);
    free(fc);
    free(fs);
    free(fg);
    if (ok) {
        /* The Authorization line of the signed request, when it has one. */
        char *fr = join(dir, "/header-signed-request.txt", ""), *sr = fr ? slurp(fr, NULL) : NULL;
        char *a = sr ? strstr(sr, "\nAuthorization:") : NULL;
        if (a) {
            a += strlen("\nAuthorization:");
            a[strcspn(a, "\r\n")] = '\0';
            while (*a == ' ')
                a++;
            if (strcmp(a, out.authorization) != 0) {
                printf("FAIL %s: authorization header differs\n", name);
                ok = 0;
            }
        }
        free(sr);
        free(fr);
    }
done:
    if (!ok)
        n_failed++;
    fr_sigv4_out_clear(&out);
    req_free(&r);
    json_decref(ctx);
    free(f);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs every case under dir, recursively, in name order. */
static void walk(const char *dir, int wire_path)
{
    DIR *d = opendir(dir);
    char *names[512];
    size_t n = 0;
    struct dirent *e;
    if (!d) {
        printf("FAIL %s: cannot open\n", dir);
        n_failed++;
        return;
    }
    while ((e = readdir(d)) != NULL && n < 512) {
        if (e->d_name[0] == '.')
            continue;
        char *p = join(dir, "/", e->d_name);
        struct stat sb;
        if (p && stat(p, &sb) == 0 && S_ISDIR(sb.st_mode))
            names[n++] = strdup(e->d_name);
        free(p);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) {
        char *p = join(dir, "/", names[i]);
        char *stem = p ? join(p, "/", names[i]) : NULL;
        char *reqf = stem ? join(stem, ".req", "") : NULL;
        char *ctx = p ? join(p, "/context.json", "") : NULL;
        if (reqf && exists(reqf))
            run_classic(p, names[i]);
        else if (ctx && exists(ctx))
            run_context(p, names[i], wire_path);
        else if (p)
            walk(p, wire_path);
        free(p);
        free(stem);
        free(reqf);
        free(ctx);
        free(names[i]);
    }
}

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        n_checks++;                                                                                \
        if (!(cond)) {                                                                             \
            n_check_failed++;                                                                      \
            printf("FAIL check line %d: %s\n", __LINE__, #cond);                                   \
        }                                                                                          \
    } while (0)

static int streq_free(char *got, const char *want)
{
    int ok = got && strcmp(got, want) == 0;
    if (!ok)
        printf("  got \"%s\", want \"%s\"\n", got ? got : "(null)", want);
    free(got);
    return ok;
}

static void small_checks(void)
{
    char hex[65], date[17], code[96], msg[512];

    fr_sigv4_sha256_hex("", 0, hex);
    CHECK(strcmp(hex, FR_SIGV4_EMPTY_SHA256) == 0);
    fr_sigv4_sha256_hex("abc", 3, hex);
    CHECK(strcmp(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") == 0);
    fr_sigv4_amz_date(1440938160, date);
    CHECK(strcmp(date, "20150830T123600Z") == 0);

    CHECK(streq_free(fr_uri_encode("a b/c+=~-_.*", 0), "a%20b%2Fc%2B%3D~-_.%2A"));
    CHECK(streq_free(fr_uri_encode("AWSLogs/1 2/x.gz", 1), "AWSLogs/1%202/x.gz"));
    CHECK(streq_free(fr_uri_encode("\xe1\x88\xb4", 0), "%E1%88%B4"));

    /* Pairs sort by encoded name, then value: "id" before "id-type". */
    fr_kv q[] = {{"id-type", "b"}, {"continuation-token", "1w/Eg+=="}, {"id", "z"},
                 {"id", "a"},      {"prefix", "AWSLogs/a b/"},         {"list-type", "2"},
                 {"empty", NULL}};
    CHECK(streq_free(fr_sigv4_canonical_query(q, 7),
                     "continuation-token=1w%2FEg%2B%3D%3D&empty=&id=a&id=z&id-type=b&"
                     "list-type=2&prefix=AWSLogs%2Fa%20b%2F"));
    CHECK(streq_free(fr_sigv4_canonical_query(q, 0), ""));

    CHECK(streq_free(fr_sigv4_canonical_uri("/a//b/./c/../d/", 1), "/a/b/d/"));
    CHECK(streq_free(fr_sigv4_canonical_uri("/a//b/./c/../d/", 0), "/a//b/./c/../d/"));
    CHECK(streq_free(fr_sigv4_canonical_uri("/a%20b", 1), "/a%2520b"));
    CHECK(streq_free(fr_sigv4_canonical_uri("/k/a b+c=", 0), "/k/a%20b%2Bc%3D"));
    CHECK(streq_free(fr_sigv4_canonical_uri("", 1), "/"));
    CHECK(streq_free(fr_sigv4_canonical_uri("/..", 1), "/"));

    /* Missing inputs are refused, not signed. */
    fr_sigv4_in bad = {
        "GET",  "/",          1,      NULL,    0, NULL, 0, FR_SIGV4_EMPTY_SHA256, "us-east-1",
        "logs", "2015-08-30", "AKID", "secret"};
    fr_sigv4_out out;
    CHECK(fr_sigv4_sign(&bad, &out, 0) == FR_ERR_USAGE && out.authorization == NULL);

    /* Error bodies. */
    const char *j1 = "{\"__type\":\"com.amazonaws.logs#ThrottlingException:http://x\","
                     "\"message\":\"Rate exceeded\"}";
    CHECK(fr_aws_parse_error(j1, strlen(j1), code, sizeof code, msg, sizeof msg) == 1 &&
          strcmp(code, "ThrottlingException") == 0 && strcmp(msg, "Rate exceeded") == 0);
    const char *j2 = "  {\"__type\":\"ResourceNotFoundException\",\"Message\":\"no group\"}";
    CHECK(fr_aws_parse_error(j2, strlen(j2), code, sizeof code, msg, sizeof msg) == 1 &&
          strcmp(code, "ResourceNotFoundException") == 0 && strcmp(msg, "no group") == 0);
    const char *x1 = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchKey</Code>"
                     "<Message>The key &amp; &lt;that&gt; does not exist.</Message>"
                     "<Key>a</Key></Error>";
    CHECK(fr_aws_parse_error(x1, strlen(x1), code, sizeof code, msg, sizeof msg) == 1 &&
          strcmp(code, "NoSuchKey") == 0 && strcmp(msg, "The key & <that> does not exist.") == 0);
    const char *x2 = "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>"
                     "<Message>not allowed</Message></Error></ErrorResponse>";
    CHECK(fr_aws_parse_error(x2, strlen(x2), code, sizeof code, msg, sizeof msg) == 1 &&
          strcmp(code, "AccessDenied") == 0 && strcmp(msg, "not allowed") == 0);
    CHECK(fr_aws_parse_error("", 0, code, sizeof code, msg, sizeof msg) == 0 && code[0] == '\0');
    CHECK(fr_aws_parse_error("oops", 4, code, sizeof code, msg, sizeof msg) == 0 &&
          code[0] == '\0' && msg[0] == '\0');
    CHECK(fr_aws_parse_error("{\"__type\":", 10, code, sizeof code, msg, sizeof msg) == 0);
    /* A short code buffer truncates, never overflows. */
    char small[6];
    CHECK(fr_aws_parse_error(j1, strlen(j1), small, sizeof small, msg, sizeof msg) == 1 &&
          strcmp(small, "Throt") == 0);
}

int main(int argc, char **argv)
{
    const char *shared = argc > 1 ? argv[1] : getenv("SHARED_DIR");
    char *suite = shared ? join(shared, "/sigv4-testsuite", "") : NULL;

    small_checks();
    if (!suite || !exists(suite)) {
        printf("sigv4: %d checks, %d failed; vectors skipped (no %s)\n", n_checks, n_check_failed,
               suite ? suite : "SHARED_DIR");
        free(suite);
        return n_check_failed ? 1 : 77;
    }
    static const struct {
        const char *sub;
        int wire_path;
    } sets[] = {{"aws4_testsuite", 0},
                {"aws-signing-test-suite/v4", 0},
                {"s3-doc-examples", 0},
                {"flowreport-golden", 1}};
    for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
        char *d = join(suite, "/", sets[i].sub);
        int before = n_vectors;
        if (d)
            walk(d, sets[i].wire_path);
        if (n_vectors == before) {
            printf("FAIL %s: no vectors found\n", sets[i].sub);
            n_failed++;
        }
        free(d);
    }
    free(suite);
    printf("sigv4: %d checks, %d failed\n", n_checks, n_check_failed);
    printf("sigv4: %d vectors, %d passed, %d failed\n", n_vectors, n_vectors - n_failed, n_failed);
    return (n_failed || n_check_failed) ? 1 : 0;
}
