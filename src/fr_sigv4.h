/* SPDX-License-Identifier: MIT */
/* fr_sigv4: AWS Signature Version 4 for the Authorization header, over
 * OpenSSL. Pure computation: no I/O, no clock, no globals, so it is tested
 * byte for byte against AWS's own vectors (tests/unit/test_sigv4.c). */
#ifndef FR_SIGV4_H
#define FR_SIGV4_H

#include <stddef.h>
#include <time.h>

#include "fr_error.h"
#include "fr_http.h"

/* SHA-256 of the empty string, in hex: the payload hash of a bodiless request. */
#define FR_SIGV4_EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

typedef struct fr_sigv4_in {
    const char *method; /* "GET", "POST", ... (upper case) */
    /* The path to put in the canonical URI. It is percent-encoded exactly
     * once here, '/' kept. S3 (normalize 0): the unencoded key path, e.g.
     * "/bucket/a b.gz". Other services (normalize 1): the path as sent on the
     * wire; "." and ".." segments and repeated slashes are removed first, and
     * the encoding here is AWS's second one. NULL or "" means "/". */
    const char *path;
    int normalize;
    const fr_kv *query; /* unencoded name/value pairs (value NULL = "") */
    size_t n_query;
    /* The headers to sign, exactly as they are sent: any case, untrimmed;
     * repeated names are joined with ',' in the order given. Must include
     * host and x-amz-date (and x-amz-security-token, x-amz-content-sha256
     * when sent). */
    const fr_kv *headers;
    size_t n_headers;
    const char *payload_hash; /* lower-case hex SHA-256 of the body, or "UNSIGNED-PAYLOAD" */
    const char *region;
    const char *service; /* signing name: "logs", "s3", "sts" */
    const char *amz_date; /* "YYYYMMDDTHHMMSSZ", the X-Amz-Date value */
    const char *akid;
    const char *secret;
} fr_sigv4_in;

typedef struct fr_sigv4_out {
    char *authorization; /* the Authorization header value; owned */
    char *canonical_request; /* owned; only when asked for, else NULL */
    char *string_to_sign; /* owned; only when asked for, else NULL */
    char signature[65]; /* lower-case hex */
} fr_sigv4_out;

/* Signs in into out (cleared first). keep_steps: also return the canonical
 * request and the string to sign (tests, --debug). Returns FR_OK,
 * FR_ERR_NOMEM, or FR_ERR_USAGE when a field is missing or amz_date is
 * malformed. The secret is never copied into out. */
fr_err fr_sigv4_sign(const fr_sigv4_in *in, fr_sigv4_out *out, int keep_steps);

/* Frees what out owns and zeroes it; NULL is fine. */
void fr_sigv4_out_clear(fr_sigv4_out *out);

/* The canonical query string of q: every name and value strictly encoded
 * (RFC 3986 unreserved kept, '/' encoded), pairs sorted by encoded name then
 * encoded value, joined "n=v&n=v". "" when n is 0. This is also the query to
 * send, so what is signed is what goes on the wire. Returns a new string or
 * NULL when out of memory. */
char *fr_sigv4_canonical_query(const fr_kv *q, size_t n);

/* The canonical URI of path (see fr_sigv4_in.path). Returns a new string or
 * NULL when out of memory. */
char *fr_sigv4_canonical_uri(const char *path, int normalize);

/* Lower-case hex SHA-256 of len bytes at data into out (65 bytes with NUL). */
void fr_sigv4_sha256_hex(const void *data, size_t len, char out[65]);

/* t as an X-Amz-Date value ("20150830T123600Z", UTC) into out. */
void fr_sigv4_amz_date(time_t t, char out[17]);

#endif
