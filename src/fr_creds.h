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

#endif
