/* SPDX-License-Identifier: MIT */
/* fr-aws-probe: prints what fr_awsconf and the credential chain find, for
 * tests/aws/creds.sh. Never prints a secret key or a session token. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fr_awsconf.h"
#include "fr_creds.h"
#include "fr_http.h"

static void usage(void)
{
    fprintf(stderr,
            "usage: fr-aws-probe [--profile P] [--region R] [--endpoint-url U]\n"
            "                    [--ca-bundle F] [--get N] [--threads T]\n");
}

typedef struct job {
    fr_creds_provider *p;
    int n;
    fr_err err;
    char msg[1024];
} job;

/* Calls fr_creds_get n times from a thread. */
static void *run(void *v)
{
    job *j = v;
    fr_creds c;
    for (int i = 0; i < j->n && j->err == FR_OK; i++)
        j->err = fr_creds_get(j->p, &c, j->msg, sizeof j->msg);
    fr_creds_wipe(&c);
    return NULL;
}

/* Prints an endpoint line. */
static void print_endpoint(const fr_awsconf *conf, const char *svc)
{
    int custom = 0;
    const char *e = fr_awsconf_endpoint(conf, svc, &custom);
    printf("endpoint.%s=%s\n", svc, e ? e : "");
}

/* Maps an error to the probe's exit status. */
static int status_of(fr_err err)
{
    return err == FR_ERR_CONFIG ? 2 : err == FR_ERR_AUTH ? 3 : err == FR_ERR_REMOTE ? 4 : 1;
}

int main(int argc, char **argv)
{
    fr_awsconf_opts o = {0};
    int gets = 1, threads = 0, rc = 0;
    char msg[2048] = "";
    fr_err err;
    fr_creds c = {0};

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (i + 1 >= argc) {
            usage();
            return 1;
        }
        if (strcmp(a, "--profile") == 0)
            o.profile = argv[++i];
        else if (strcmp(a, "--region") == 0)
            o.region = argv[++i];
        else if (strcmp(a, "--endpoint-url") == 0)
            o.endpoint_url = argv[++i];
        else if (strcmp(a, "--ca-bundle") == 0)
            o.ca_bundle = argv[++i];
        else if (strcmp(a, "--get") == 0)
            gets = atoi(argv[++i]);
        else if (strcmp(a, "--threads") == 0)
            threads = atoi(argv[++i]);
        else {
            usage();
            return 1;
        }
    }
    if (!fr_http_global_init()) {
        fprintf(stderr, "fr-aws-probe: curl_global_init failed\n");
        return 1;
    }
    fr_awsconf *conf = fr_awsconf_load(&o, &err, msg, sizeof msg);
    if (!conf) {
        printf("error=%s\n", msg);
        fr_http_global_cleanup();
        return status_of(err);
    }
    const char *region = fr_awsconf_region(conf);
    const char *ca = fr_awsconf_ca_bundle(conf);
    printf("profile=%s\n", fr_awsconf_profile(conf));
    printf("region=%s\n", region ? region : "");
    print_endpoint(conf, "s3");
    print_endpoint(conf, "logs");
    print_endpoint(conf, "sts");
    printf("ca_bundle=%s\n", ca ? ca : "");
    fflush(stdout);

    fr_creds_provider *p = fr_creds_chain_new(conf);
    if (!p) {
        printf("error=out of memory\n");
        rc = 1;
        goto done;
    }
    if (threads > 0) {
        /* T threads call get concurrently, then one more get reports */
        pthread_t tid[64];
        job jobs[64];
        int started = 0;
        if (threads > 64)
            threads = 64;
        for (int t = 0; t < threads; t++) {
            jobs[t] = (job){.p = p, .n = gets};
            if (pthread_create(&tid[t], NULL, run, &jobs[t]) != 0)
                break;
            started++;
        }
        for (int t = 0; t < started; t++)
            if (pthread_join(tid[t], NULL) != 0)
                rc = 1;
        for (int t = 0; t < started; t++) {
            if (jobs[t].err != FR_OK) {
                printf("error=%s\n", jobs[t].msg);
                rc = status_of(jobs[t].err);
                goto done;
            }
        }
        gets = 1;
    }
    for (int i = 0; i < gets; i++) {
        err = fr_creds_get(p, &c, msg, sizeof msg);
        if (err != FR_OK) {
            printf("error=%s\n", msg);
            rc = status_of(err);
            goto done;
        }
        printf("get%d.akid=%s\n", i + 1, c.akid);
    }
    printf("source=%s\n", c.source);
    printf("akid=%s\n", c.akid);
    printf("token=%s\n", c.token[0] ? "yes" : "no");
    printf("expiration=%lld\n", (long long)c.expiration);
done:
    fr_creds_wipe(&c);
    fr_creds_provider_free(p);
    fr_awsconf_free(conf);
    fr_http_global_cleanup();
    if (fflush(stdout) != 0 && rc == 0)
        rc = 1;
    return rc;
}
