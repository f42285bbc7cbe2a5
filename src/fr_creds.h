/* SPDX-License-Identifier: MIT */
/* fr_creds: AWS credentials, found the way the AWS CLI finds them: --profile
 * (skips the environment keys), the environment, ~/.aws/credentials and
 * ~/.aws/config (static keys, credential_process, role_arn with
 * source_profile or credential_source, web_identity_token_file), the
 * environment's web identity, container credentials, then EC2 instance
 * metadata (IMDSv2). Temporary credentials are cached and refreshed before
 * they expire. Secrets never appear in messages. */
#ifndef FR_CREDS_H
#define FR_CREDS_H

#include <stddef.h>
#include <stdint.h>

#include "fr_awsconf.h"
#include "fr_error.h"

typedef struct fr_creds {
    char akid[128];
    char secret[256];
    char token[4096]; /* "" for long-term keys */
    int64_t expiration; /* Unix seconds; 0 = does not expire */
    char source[160]; /* where they came from, safe to print: "environment",
                         "profile audit (assume role arn:...)", "IMDS", ... */
} fr_creds;

typedef struct fr_creds_provider fr_creds_provider;

/* The default chain for conf's profile. Nothing is fetched yet: the first
 * fr_creds_get does that. Returns NULL when out of memory. */
fr_creds_provider *fr_creds_chain_new(const fr_awsconf *conf);

/* A provider that always returns c (tests, and the source of a role). */
fr_creds_provider *fr_creds_static_new(const fr_creds *c);

/* Current credentials into *out: cached, refreshed 15 minutes before they
 * expire. Thread-safe. Returns FR_OK; FR_ERR_CONFIG when no provider has
 * credentials (errbuf names every place looked at) or a profile is broken;
 * FR_ERR_AUTH when STS refused (AWS's code and message in errbuf);
 * FR_ERR_REMOTE when a credential endpoint could not be reached. */
fr_err fr_creds_get(fr_creds_provider *p, fr_creds *out, char *errbuf, size_t errlen);

/* Frees p and wipes the secrets it holds; NULL is fine. */
void fr_creds_provider_free(fr_creds_provider *p);

/* Wipes c (explicit_bzero). */
void fr_creds_wipe(fr_creds *c);

/* ---- Building blocks shared by creds.c and creds_remote.c ---- */

/* Fetches fresh credentials into *out; called by one thread at a time. */
typedef fr_err (*fr_creds_fetch_fn)(void *ctx, fr_creds *out, char *errbuf, size_t errlen);

/* A cached provider around fetch; free_ctx(ctx) runs at _free (and when
 * this returns NULL, out of memory). */
fr_creds_provider *fr_creds_provider_new(fr_creds_fetch_fn fetch, void (*free_ctx)(void *),
                                         void *ctx);

/* ISO 8601 UTC ("2024-01-02T03:04:05Z", fractions and +hh:mm allowed) to
 * Unix seconds; -1 when malformed. */
int64_t fr_creds_parse_time(const char *s);

/* Fills *out from a JSON credentials document (AccessKeyId,
 * SecretAccessKey, token_key, Expiration). need_version: Version must be 1.
 * Errors (FR_ERR_CONFIG) name what, never the document. */
fr_err fr_creds_from_json(const char *json, size_t len, const char *token_key, int need_version,
                          const char *what, fr_creds *out, char *errbuf, size_t errlen);

/* The STS side of a role: where to ask and what. */
typedef struct fr_creds_sts_opts {
    const char *endpoint; /* STS URL without trailing slash */
    const char *region; /* signing region */
    const char *ca_bundle; /* NULL: system store */
    const char *role_arn;
    const char *session_name; /* NULL: flowreport-<epoch> */
    int duration_seconds; /* 0: STS default */
    const char *external_id; /* NULL: none */
    const char *what; /* "profile audit": names the role in source and messages */
} fr_creds_sts_opts;

/* STS AssumeRole signed with source's credentials; takes source (freed
 * with the new provider, or at once when this returns NULL). */
fr_creds_provider *fr_creds_assume_role_new(const fr_creds_sts_opts *o, fr_creds_provider *source);

/* STS AssumeRoleWithWebIdentity (unsigned), the token re-read from
 * token_file at every fetch. */
fr_creds_provider *fr_creds_web_identity_new(const fr_creds_sts_opts *o, const char *token_file);

/* 1 when url may serve container credentials (https, loopback, or the
 * ECS/EKS link-local hosts), else 0. */
int fr_creds_container_url_ok(const char *url);

/* Container credentials from url, with Authorization from token or the
 * file token_file (read at every fetch); both may be NULL. */
fr_creds_provider *fr_creds_container_new(const char *url, const char *token,
                                          const char *token_file, const char *ca_bundle);

/* IMDSv2 at endpoint ("http://169.254.169.254"). When nothing answers the
 * fetch fails with FR_ERR_CONFIG and "<looked>, instance metadata at ...". */
fr_creds_provider *fr_creds_imds_new(const char *endpoint, const char *looked);

#endif
