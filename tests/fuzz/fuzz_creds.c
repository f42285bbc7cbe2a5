/* SPDX-License-Identifier: MIT */
/* fuzz_creds: the credential providers' reply parsers: JSON credential
 * documents (fr_creds_from_json: credential_process, container, IMDS), STS
 * AssumeRole and AssumeRoleWithWebIdentity XML, and the container and IMDS
 * exchanges as a whole (replies from fake_net.c, pieces separated by
 * FR_FUZZ_SEP). The first byte chooses the provider. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fr_creds.h"
#include "fuzz.h"

static volatile uint64_t sink;
static char token_path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    int fd = memfd_create("fuzz-token", 0);
    static const char tok[] = "eyJhbGciOiJSUzI1NiJ9.e30.c2ln";
    if (fd < 0 || write(fd, tok, sizeof tok - 1) != (ssize_t)(sizeof tok - 1)) {
        perror("memfd");
        abort();
    }
    snprintf(token_path, sizeof token_path, "/proc/self/fd/%d", fd);
    return 0;
}

/* Checks what a provider gave: strings within their arrays. */
static void check(const fr_creds *c)
{
    if (strnlen(c->akid, sizeof c->akid) == sizeof c->akid ||
        strnlen(c->secret, sizeof c->secret) == sizeof c->secret ||
        strnlen(c->token, sizeof c->token) == sizeof c->token ||
        strnlen(c->source, sizeof c->source) == sizeof c->source)
        abort();
    sink += strlen(c->akid) + (uint64_t)c->expiration;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    if (!token_path[0])
        LLVMFuzzerInitialize(NULL, NULL);
    int mode = data[0] % 6;
    const uint8_t *rest = data + 1;
    size_t n = size - 1;
    char err[1024];
    fr_creds c;
    memset(&c, 0, sizeof c);
    err[0] = '\0';
    if (mode <= 1) {
        /* the document alone, not NUL-terminated (it takes a length) */
        char *json = malloc(n ? n : 1);
        if (!json)
            return 0;
        memcpy(json, rest, n);
        fr_err e = fr_creds_from_json(json, n, mode ? "SessionToken" : "Token", data[0] & 0x40,
                                      "fuzz", &c, err, sizeof err);
        if (e == FR_OK)
            check(&c);
        else if (!err[0])
            abort();
        if (getenv("FR_FUZZ_VERBOSE"))
            fprintf(stderr, "creds json: %s: %s\n", fr_strerror(e), e == FR_OK ? c.akid : err);
        free(json);
        fr_creds_wipe(&c);
        return 0;
    }
    fr_creds_provider *p = NULL;
    fr_creds src = {.akid = "AKIDEXAMPLE", .secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"};
    fr_creds_sts_opts so = {.endpoint = "http://127.0.0.1:9",
                            .region = "us-east-1",
                            .role_arn = "arn:aws:iam::123456789012:role/audit",
                            .session_name = "fuzz",
                            .what = "profile fuzz"};
    fr_fuzz_set_replies(rest, n);
    switch (mode) {
    case 2: p = fr_creds_assume_role_new(&so, fr_creds_static_new(&src)); break;
    case 3: p = fr_creds_web_identity_new(&so, token_path); break;
    case 4:
        p = fr_creds_container_new("http://127.0.0.1:9/container-creds/x",
                                   (data[0] & 0x40) ? "tok" : NULL, NULL, NULL);
        break;
    default: p = fr_creds_imds_new("http://127.0.0.1:9", "the environment"); break;
    }
    if (p) {
        fr_err e = fr_creds_get(p, &c, err, sizeof err);
        if (e == FR_OK)
            check(&c);
        else if (!err[0])
            abort(); /* an error always has a message */
        if (getenv("FR_FUZZ_VERBOSE"))
            fprintf(stderr, "creds mode %d: %s: %s\n", mode, fr_strerror(e),
                    e == FR_OK ? c.source : err);
    }
    fr_creds_wipe(&c);
    fr_creds_provider_free(p);
    fr_fuzz_set_replies(NULL, 0);
    return 0;
}
