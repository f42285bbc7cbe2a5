/* SPDX-License-Identifier: MIT */
/* fr_awsconf: what the AWS CLI's environment and files say: the profile,
 * ~/.aws/config and ~/.aws/credentials (AWS_CONFIG_FILE,
 * AWS_SHARED_CREDENTIALS_FILE), the region and each service's endpoint. */
#ifndef FR_AWSCONF_H
#define FR_AWSCONF_H

#include <stddef.h>

#include "fr_error.h"

typedef struct fr_awsconf fr_awsconf;

/* What the command line said (NULL when not given). */
typedef struct fr_awsconf_opts {
    const char *profile; /* --profile: explicit, so environment keys are skipped */
    const char *region; /* --region */
    const char *endpoint_url; /* --endpoint-url: every service */
    const char *ca_bundle; /* NULL: AWS_CA_BUNDLE, then the profile's ca_bundle */
} fr_awsconf_opts;

/* Reads the environment and both files (missing files are fine). Returns
 * NULL with a message (file:line) in errbuf when a file is broken or memory
 * runs out; *err says which (FR_ERR_CONFIG or FR_ERR_NOMEM). */
fr_awsconf *fr_awsconf_load(const fr_awsconf_opts *o, fr_err *err, char *errbuf, size_t errlen);

/* The profile in use ("default" when none named), and 1 when it was named
 * by --profile. */
const char *fr_awsconf_profile(const fr_awsconf *c);
int fr_awsconf_profile_explicit(const fr_awsconf *c);

/* A key of a profile: the credentials file's [name] first for credential
 * keys, then the config file's [profile name] ([default] for default).
 * Returns NULL when absent. */
const char *fr_awsconf_get(const fr_awsconf *c, const char *profile, const char *key);

/* The region: --region, AWS_REGION, AWS_DEFAULT_REGION, the profile's.
 * NULL when none. */
const char *fr_awsconf_region(const fr_awsconf *c);

/* The endpoint for a service ("s3", "logs", "sts", "ec2"), as a URL without a
 * trailing slash: --endpoint-url, AWS_ENDPOINT_URL_<SERVICE>
 * (S3, CLOUDWATCH_LOGS, STS, EC2), AWS_ENDPOINT_URL, the profile's services
 * section, the profile's endpoint_url, else the AWS default for region
 * (https://logs.REGION.amazonaws.com, https://s3.REGION.amazonaws.com,
 * https://sts.REGION.amazonaws.com). *custom is set to 1 when overridden
 * (S3 then uses path-style addressing). Returns a string owned by c, or NULL
 * when neither an override nor a region is known. */
const char *fr_awsconf_endpoint(const fr_awsconf *c, const char *service, int *custom);

/* The CA bundle to verify TLS with, or NULL for the system store. */
const char *fr_awsconf_ca_bundle(const fr_awsconf *c);

/* 1 when a file has a section for profile ([name] in the credentials
 * file, [profile name] or [default] in the config file), else 0. */
int fr_awsconf_has_profile(const fr_awsconf *c, const char *profile);

/* The two files' paths after ~ and $VAR expansion (for messages). */
const char *fr_awsconf_config_path(const fr_awsconf *c);
const char *fr_awsconf_credentials_path(const fr_awsconf *c);

/* Frees c; NULL is fine. */
void fr_awsconf_free(fr_awsconf *c);

#endif
