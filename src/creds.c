/* SPDX-License-Identifier: MIT */
/* creds: the credential chain (environment, profiles, credential_process,
 * then the remote providers of creds_remote.c) behind one cache that
 * refreshes temporary credentials before they expire. */
#include "fr_creds.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define REFRESH_ADVISORY 900 /* seconds left when one thread starts refreshing */
#define REFRESH_MANDATORY 600 /* seconds left when every caller waits for new ones */
#define PROCESS_OUTPUT_MAX (1024 * 1024)

struct fr_creds_provider {
    fr_creds_fetch_fn fetch;
    void (*free_ctx)(void *);
    void *ctx;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    fr_creds cur;
    int have; /* cur holds credentials */
    int busy; /* a thread is fetching */
};

void fr_creds_wipe(fr_creds *c)
{
    if (c)
        explicit_bzero(c, sizeof *c);
}

fr_creds_provider *fr_creds_provider_new(fr_creds_fetch_fn fetch, void (*free_ctx)(void *),
                                         void *ctx)
{
    fr_creds_provider *p = calloc(1, sizeof *p);
    if (!p)
        goto fail;
    if (pthread_mutex_init(&p->mu, NULL) != 0)
        goto fail;
    if (pthread_cond_init(&p->cv, NULL) != 0) {
        pthread_mutex_destroy(&p->mu);
        goto fail;
    }
    p->fetch = fetch;
    p->free_ctx = free_ctx;
    p->ctx = ctx;
    return p;
fail:
    free(p);
    if (free_ctx)
        free_ctx(ctx);
    return NULL;
}

void fr_creds_provider_free(fr_creds_provider *p)
{
    if (!p)
        return;
    if (p->free_ctx)
        p->free_ctx(p->ctx);
    pthread_cond_destroy(&p->cv);
    pthread_mutex_destroy(&p->mu);
    fr_creds_wipe(&p->cur);
    free(p);
}

/* Returns 1 when c is good for more than margin seconds at now. */
static int fresh(const fr_creds *c, int64_t now, int64_t margin)
{
    return c->expiration == 0 || c->expiration - now > margin;
}

fr_err fr_creds_get(fr_creds_provider *p, fr_creds *out, char *errbuf, size_t errlen)
{
    fr_creds got;
    fr_err err;
    if (pthread_mutex_lock(&p->mu) != 0) {
        snprintf(errbuf, errlen, "credentials: cannot lock");
        return FR_ERR_THREAD;
    }
    for (;;) {
        int64_t now = (int64_t)time(NULL);
        if (p->have && fresh(&p->cur, now, REFRESH_ADVISORY))
            goto use_current;
        if (!p->busy)
            break;
        /* another thread is refreshing: the current ones do until the
         * mandatory margin */
        if (p->have && fresh(&p->cur, now, REFRESH_MANDATORY))
            goto use_current;
        if (pthread_cond_wait(&p->cv, &p->mu) != 0) {
            pthread_mutex_unlock(&p->mu);
            snprintf(errbuf, errlen, "credentials: cannot wait");
            return FR_ERR_THREAD;
        }
    }
    p->busy = 1;
    pthread_mutex_unlock(&p->mu);

    memset(&got, 0, sizeof got);
    err = p->fetch(p->ctx, &got, errbuf, errlen);

    if (pthread_mutex_lock(&p->mu) != 0) {
        fr_creds_wipe(&got);
        snprintf(errbuf, errlen, "credentials: cannot lock");
        return FR_ERR_THREAD;
    }
    p->busy = 0;
    pthread_cond_broadcast(&p->cv);
    if (err == FR_OK) {
        p->cur = got;
        p->have = 1;
        *out = got;
        fr_creds_wipe(&got);
        pthread_mutex_unlock(&p->mu);
        return FR_OK;
    }
    fr_creds_wipe(&got);
    /* an advisory refresh failed: keep the current ones while they last */
    if (p->have && fresh(&p->cur, (int64_t)time(NULL), REFRESH_MANDATORY))
        goto use_current;
    pthread_mutex_unlock(&p->mu);
    return err;
use_current:
    *out = p->cur;
    pthread_mutex_unlock(&p->mu);
    return FR_OK;
}

/* ---- static credentials ---- */

/* Copies the fixed credentials. */
static fr_err static_fetch(void *ctx, fr_creds *out, char *errbuf, size_t errlen)
{
    (void)errbuf;
    (void)errlen;
    *out = *(const fr_creds *)ctx;
    return FR_OK;
}

/* Wipes and frees a fr_creds. */
static void creds_free(void *ctx)
{
    fr_creds_wipe(ctx);
    free(ctx);
}

fr_creds_provider *fr_creds_static_new(const fr_creds *c)
{
    fr_creds *copy = malloc(sizeof *copy);
    if (!copy)
        return NULL;
    *copy = *c;
    return fr_creds_provider_new(static_fetch, creds_free, copy);
}

/* ---- an error found while building the chain, reported by every get ---- */

typedef struct err_ctx {
    fr_err err;
    char msg[2048];
} err_ctx;

/* Returns the stored error. */
static fr_err err_fetch(void *ctx, fr_creds *out, char *errbuf, size_t errlen)
{
    const err_ctx *e = ctx;
    (void)out;
    snprintf(errbuf, errlen, "%s", e->msg);
    return e->err;
}

/* A provider that always fails with err and msg, or NULL when out of memory. */
static fr_creds_provider *err_new(fr_err err, const char *msg)
{
    err_ctx *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->err = err;
    snprintf(e->msg, sizeof e->msg, "%s", msg);
    return fr_creds_provider_new(err_fetch, free, e);
}

/* ---- time and JSON ---- */

int64_t fr_creds_parse_time(const char *s)
{
    struct tm tm = {0};
    int y, mo, d, h, mi, sec, n = 0;
    if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 || n == 0)
        return -1;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60 || y < 1970)
        return -1;
    s += n;
    if (*s == '.') {
        s++;
        if (!isdigit((unsigned char)*s))
            return -1;
        while (isdigit((unsigned char)*s))
            s++;
    }
    long off = 0;
    if (*s == 'Z' || *s == 'z') {
        s++;
    } else if (*s == '+' || *s == '-') {
        int oh, om;
        int sign = *s == '-' ? -1 : 1;
        if (sscanf(s + 1, "%2d:%2d%n", &oh, &om, &n) != 2)
            return -1;
        off = sign * (oh * 3600L + om * 60L);
        s += 1 + n;
    } else {
        return -1;
    }
    if (*s != '\0')
        return -1;
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    time_t t = timegm(&tm);
    if (t == (time_t)-1)
        return -1;
    return (int64_t)t - off;
}

/* Wipes a jansson string's bytes. */
static void wipe_json_string(json_t *v)
{
    if (json_is_string(v))
        explicit_bzero((char *)json_string_value(v), json_string_length(v));
}

/* Copies a JSON string member into dst (cap bytes). Returns 1 when copied,
 * 0 when absent, -1 when not a string or too long. */
static int json_take(json_t *obj, const char *key, char *dst, size_t cap)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v) || json_string_length(v) >= cap)
        return -1;
    memcpy(dst, json_string_value(v), json_string_length(v) + 1);
    return 1;
}

fr_err fr_creds_from_json(const char *json, size_t len, const char *token_key, int need_version,
                          const char *what, fr_creds *out, char *errbuf, size_t errlen)
{
    json_error_t jerr;
    json_t *doc = json_loadb(json, len, 0, &jerr);
    fr_err err = FR_ERR_CONFIG;
    char exp[64] = "";
    memset(out, 0, sizeof *out);
    if (!doc || !json_is_object(doc)) {
        snprintf(errbuf, errlen, "%s: the answer is not a JSON object", what);
        goto done;
    }
    if (need_version) {
        json_t *v = json_object_get(doc, "Version");
        if (!json_is_integer(v) || json_integer_value(v) != 1) {
            snprintf(errbuf, errlen, "%s: unsupported Version (want 1)", what);
            goto done;
        }
    }
    if (json_take(doc, "AccessKeyId", out->akid, sizeof out->akid) != 1 || !out->akid[0]) {
        snprintf(errbuf, errlen, "%s: no valid AccessKeyId", what);
        goto done;
    }
    if (json_take(doc, "SecretAccessKey", out->secret, sizeof out->secret) != 1 ||
        !out->secret[0]) {
        snprintf(errbuf, errlen, "%s: no valid SecretAccessKey", what);
        goto done;
    }
    if (json_take(doc, token_key, out->token, sizeof out->token) < 0) {
        snprintf(errbuf, errlen, "%s: %s is not a string of a usable length", what, token_key);
        goto done;
    }
    int r = json_take(doc, "Expiration", exp, sizeof exp);
    if (r < 0 || (r == 1 && (out->expiration = fr_creds_parse_time(exp)) < 0)) {
        snprintf(errbuf, errlen, "%s: Expiration is not an ISO 8601 time", what);
        goto done;
    }
    err = FR_OK;
done:
    if (doc) {
        wipe_json_string(json_object_get(doc, "SecretAccessKey"));
        wipe_json_string(json_object_get(doc, token_key));
        json_decref(doc);
    }
    if (err != FR_OK)
        fr_creds_wipe(out);
    return err;
}

/* ---- credential_process ---- */

typedef struct proc_ctx {
    char *command;
    char *profile;
} proc_ctx;

/* Frees a proc_ctx. */
static void proc_free(void *vctx)
{
    proc_ctx *c = vctx;
    if (!c)
        return;
    free(c->command);
    free(c->profile);
    free(c);
}

/* Frees a NULL-terminated argv. */
static void argv_free(char **argv)
{
    if (!argv)
        return;
    for (char **a = argv; *a; a++)
        free(*a);
    free(argv);
}

/* Splits cmd into words the way a POSIX shell (Python's shlex) does:
 * whitespace separates, '...' is literal, "..." keeps \" and \\ escapes, a
 * backslash outside quotes escapes the next character. No expansion.
 * Returns a NULL-terminated argv, or NULL with *bad set when quoting is
 * unbalanced (*bad 0: out of memory). */
static char **shell_split(const char *cmd, int *bad)
{
    size_t len = strlen(cmd), cap = 8, n = 0;
    char **argv = calloc(cap, sizeof *argv);
    char *word = malloc(len + 1);
    *bad = 0;
    if (!argv || !word)
        goto fail;
    const char *p = cmd;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
            p++;
        if (!*p)
            break;
        size_t w = 0;
        while (*p && !(*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) {
            if (*p == '\'') {
                p++;
                while (*p && *p != '\'')
                    word[w++] = *p++;
                if (!*p)
                    goto unbalanced;
                p++;
            } else if (*p == '"') {
                p++;
                while (*p && *p != '"') {
                    if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
                        p++;
                    word[w++] = *p++;
                }
                if (!*p)
                    goto unbalanced;
                p++;
            } else if (*p == '\\') {
                p++;
                if (!*p)
                    goto unbalanced;
                word[w++] = *p++;
            } else {
                word[w++] = *p++;
            }
        }
        word[w] = '\0';
        if (n + 2 > cap) {
            char **a = realloc(argv, cap * 2 * sizeof *a);
            if (!a)
                goto fail;
            argv = a;
            cap *= 2;
        }
        if (!(argv[n] = strdup(word)))
            goto fail;
        argv[++n] = NULL;
    }
    free(word);
    word = NULL;
    if (n == 0)
        goto unbalanced;
    return argv;
unbalanced:
    *bad = 1;
fail:
    free(word);
    argv_free(argv);
    return NULL;
}

/* Runs the command, reads its JSON. */
static fr_err proc_fetch(void *vctx, fr_creds *out, char *errbuf, size_t errlen)
{
    proc_ctx *c = vctx;
    int bad = 0, fds[2] = {-1, -1}, status = 0, fa_init = 0;
    char **argv = shell_split(c->command, &bad);
    posix_spawn_file_actions_t fa;
    pid_t pid = -1;
    char *buf = NULL;
    size_t n = 0;
    fr_err err = FR_ERR_CONFIG;

    if (!argv) {
        if (!bad)
            goto nomem;
        snprintf(errbuf, errlen, "credential_process of profile %s: unbalanced quotes or empty",
                 c->profile);
        return FR_ERR_CONFIG;
    }
    if (!(buf = malloc(PROCESS_OUTPUT_MAX + 1)))
        goto nomem;
    if (pipe2(fds, O_CLOEXEC) != 0) {
        snprintf(errbuf, errlen, "credential_process of profile %s: pipe: %s", c->profile,
                 strerror(errno));
        goto fail;
    }
    if (posix_spawn_file_actions_init(&fa) != 0)
        goto nomem;
    fa_init = 1;
    if (posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0) != 0 ||
        posix_spawn_file_actions_adddup2(&fa, fds[1], 1) != 0 ||
        posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0) != 0)
        goto nomem;
    int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    if (rc != 0) {
        pid = -1;
        snprintf(errbuf, errlen, "credential_process of profile %s could not be started: %s",
                 c->profile, strerror(rc));
        goto fail;
    }
    close(fds[1]);
    fds[1] = -1;
    for (;;) {
        ssize_t r = read(fds[0], buf + n, PROCESS_OUTPUT_MAX - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        n += (size_t)r;
        if (n == PROCESS_OUTPUT_MAX)
            break;
    }
    close(fds[0]);
    fds[0] = -1;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            snprintf(errbuf, errlen, "credential_process of profile %s: wait: %s", c->profile,
                     strerror(errno));
            pid = -1;
            goto fail;
        }
    }
    pid = -1;
    if (WIFSIGNALED(status)) {
        snprintf(errbuf, errlen, "credential_process of profile %s was killed by signal %d",
                 c->profile, WTERMSIG(status));
        goto fail;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        snprintf(errbuf, errlen,
                 "credential_process of profile %s failed with exit status %d (its output is "
                 "not shown: it may hold secrets)",
                 c->profile, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        goto fail;
    }
    if (n == PROCESS_OUTPUT_MAX) {
        snprintf(errbuf, errlen, "credential_process of profile %s: output too large", c->profile);
        goto fail;
    }
    char what[300];
    snprintf(what, sizeof what, "credential_process of profile %s", c->profile);
    err = fr_creds_from_json(buf, n, "SessionToken", 1, what, out, errbuf, errlen);
    if (err == FR_OK)
        snprintf(out->source, sizeof out->source, "profile %s (credential_process)", c->profile);
    goto done;
nomem:
    snprintf(errbuf, errlen, "out of memory running credential_process of profile %s", c->profile);
    err = FR_ERR_NOMEM;
    goto done;
fail:
    err = FR_ERR_CONFIG;
done:
    if (fa_init)
        posix_spawn_file_actions_destroy(&fa);
    if (fds[0] >= 0)
        close(fds[0]);
    if (fds[1] >= 0)
        close(fds[1]);
    if (pid > 0)
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
    if (buf) {
        explicit_bzero(buf, n);
        free(buf);
    }
    argv_free(argv);
    return err;
}

/* A credential_process provider, or NULL when out of memory. */
static fr_creds_provider *proc_new(const char *command, const char *profile)
{
    proc_ctx *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->command = strdup(command);
    c->profile = strdup(profile);
    if (!c->command || !c->profile) {
        proc_free(c);
        return NULL;
    }
    return fr_creds_provider_new(proc_fetch, proc_free, c);
}

/* ---- the chain ---- */

/* Returns the environment variable's value, or NULL when unset or empty. */
static const char *env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

/* While resolving: where errors go. */
typedef struct rsv {
    const fr_awsconf *conf;
    const char *visited[16]; /* profiles on the current source_profile path */
    int n_visited;
    char *msg;
    size_t msglen;
} rsv;

/* Copies s into a fixed field (truncating). */
static void setf(char *dst, size_t cap, const char *s)
{
    snprintf(dst, cap, "%s", s);
}

/* A static provider for akid/secret/token with a source description, or
 * NULL when out of memory. */
static fr_creds_provider *keys_new(const char *akid, const char *secret, const char *token,
                                   int64_t expiration, const char *source, rsv *r, fr_err *err)
{
    fr_creds c = {0};
    if (strlen(akid) >= sizeof c.akid || strlen(secret) >= sizeof c.secret ||
        (token && strlen(token) >= sizeof c.token)) {
        snprintf(r->msg, r->msglen, "%s: a key or token is too long", source);
        *err = FR_ERR_CONFIG;
        return NULL;
    }
    setf(c.akid, sizeof c.akid, akid);
    setf(c.secret, sizeof c.secret, secret);
    setf(c.token, sizeof c.token, token ? token : "");
    setf(c.source, sizeof c.source, source);
    c.expiration = expiration;
    fr_creds_provider *p = fr_creds_static_new(&c);
    fr_creds_wipe(&c);
    if (!p) {
        *err = FR_ERR_NOMEM;
        snprintf(r->msg, r->msglen, "out of memory");
    }
    return p;
}

/* The environment keys: *err FR_OK and NULL when absent. */
static fr_creds_provider *env_keys(rsv *r, fr_err *err)
{
    const char *akid = env("AWS_ACCESS_KEY_ID"), *secret = env("AWS_SECRET_ACCESS_KEY");
    const char *token = env("AWS_SESSION_TOKEN");
    const char *exp = env("AWS_CREDENTIAL_EXPIRATION");
    int64_t e = 0;
    *err = FR_OK;
    if (!token)
        token = env("AWS_SECURITY_TOKEN");
    if (!akid && !secret)
        return NULL;
    if (!akid || !secret) {
        snprintf(r->msg, r->msglen, "%s is set but %s is not",
                 akid ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY",
                 akid ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID");
        *err = FR_ERR_CONFIG;
        return NULL;
    }
    if (exp && (e = fr_creds_parse_time(exp)) < 0) {
        snprintf(r->msg, r->msglen, "AWS_CREDENTIAL_EXPIRATION is not an ISO 8601 time");
        *err = FR_ERR_CONFIG;
        return NULL;
    }
    return keys_new(akid, secret, token, e, "environment", r, err);
}

/* The STS endpoint and signing region of conf. */
static void sts_where(const fr_awsconf *conf, fr_creds_sts_opts *o)
{
    o->endpoint = fr_awsconf_endpoint(conf, "sts", NULL);
    o->region = fr_awsconf_region(conf);
    if (!o->endpoint)
        o->endpoint = "https://sts.amazonaws.com";
    if (!o->region)
        o->region = "us-east-1";
    o->ca_bundle = fr_awsconf_ca_bundle(conf);
}

/* Environment web identity: NULL with FR_OK when not configured. */
static fr_creds_provider *env_web_identity(rsv *r, fr_err *err)
{
    const char *file = env("AWS_WEB_IDENTITY_TOKEN_FILE"), *arn = env("AWS_ROLE_ARN");
    fr_creds_sts_opts o = {0};
    *err = FR_OK;
    if (!file)
        return NULL;
    if (!arn) {
        snprintf(r->msg, r->msglen, "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not");
        *err = FR_ERR_CONFIG;
        return NULL;
    }
    sts_where(r->conf, &o);
    o.role_arn = arn;
    o.session_name = env("AWS_ROLE_SESSION_NAME");
    o.what = "web identity (environment)";
    fr_creds_provider *p = fr_creds_web_identity_new(&o, file);
    if (!p) {
        *err = FR_ERR_NOMEM;
        snprintf(r->msg, r->msglen, "out of memory");
    }
    return p;
}

/* Container credentials from the environment: NULL with FR_OK when not
 * configured. */
static fr_creds_provider *env_container(rsv *r, fr_err *err)
{
    const char *rel = env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    const char *full = env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    char url[2048];
    *err = FR_OK;
    if (rel) {
        int n =
            snprintf(url, sizeof url, "http://169.254.170.2%s%s", rel[0] == '/' ? "" : "/", rel);
        if (n < 0 || (size_t)n >= sizeof url) {
            snprintf(r->msg, r->msglen, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is too long");
            *err = FR_ERR_CONFIG;
            return NULL;
        }
    } else if (full) {
        if (!fr_creds_container_url_ok(full)) {
            snprintf(r->msg, r->msglen,
                     "AWS_CONTAINER_CREDENTIALS_FULL_URI must use https, a loopback address or "
                     "the ECS/EKS credential hosts");
            *err = FR_ERR_CONFIG;
            return NULL;
        }
        setf(url, sizeof url, full);
    } else {
        return NULL;
    }
    fr_creds_provider *p = fr_creds_container_new(url, env("AWS_CONTAINER_AUTHORIZATION_TOKEN"),
                                                  env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"),
                                                  fr_awsconf_ca_bundle(r->conf));
    if (!p) {
        *err = FR_ERR_NOMEM;
        snprintf(r->msg, r->msglen, "out of memory");
    }
    return p;
}

/* Returns 1 when AWS_EC2_METADATA_DISABLED says true. */
static int imds_disabled(void)
{
    const char *v = env("AWS_EC2_METADATA_DISABLED");
    return v && strcasecmp(v, "true") == 0;
}

/* An IMDS provider, or NULL (NOMEM). */
static fr_creds_provider *imds_new(const char *looked, rsv *r, fr_err *err)
{
    const char *ep = env("AWS_EC2_METADATA_SERVICE_ENDPOINT");
    fr_creds_provider *p = fr_creds_imds_new(ep ? ep : "http://169.254.169.254", looked);
    *err = FR_OK;
    if (!p) {
        *err = FR_ERR_NOMEM;
        snprintf(r->msg, r->msglen, "out of memory");
    }
    return p;
}

static fr_creds_provider *profile_provider(rsv *r, const char *name, fr_err *err);

/* The source of a role: source_profile or credential_source. */
static fr_creds_provider *role_source(rsv *r, const char *name, fr_err *err)
{
    const fr_awsconf *conf = r->conf;
    const char *sp = fr_awsconf_get(conf, name, "source_profile");
    const char *cs = fr_awsconf_get(conf, name, "credential_source");
    fr_creds_provider *p = NULL;
    *err = FR_OK;
    if (sp && *sp && cs && *cs) {
        snprintf(r->msg, r->msglen,
                 "profile %s has both source_profile and credential_source: choose one", name);
        *err = FR_ERR_CONFIG;
        return NULL;
    }
    if (sp && *sp) {
        if (strcmp(sp, name) == 0) {
            /* a role whose source is the profile's own keys */
            const char *akid = fr_awsconf_get(conf, name, "aws_access_key_id");
            const char *secret = fr_awsconf_get(conf, name, "aws_secret_access_key");
            if (akid && *akid && secret && *secret) {
                char src[160];
                snprintf(src, sizeof src, "profile %s", name);
                return keys_new(akid, secret, fr_awsconf_get(conf, name, "aws_session_token"), 0,
                                src, r, err);
            }
        }
        for (int i = 0; i < r->n_visited; i++) {
            if (strcmp(r->visited[i], sp) == 0) {
                snprintf(r->msg, r->msglen, "profile %s: source_profile %s makes a loop", name, sp);
                *err = FR_ERR_CONFIG;
                return NULL;
            }
        }
        if (!fr_awsconf_has_profile(conf, sp)) {
            snprintf(r->msg, r->msglen, "profile %s: source_profile %s is not in %s or %s", name,
                     sp, fr_awsconf_credentials_path(conf), fr_awsconf_config_path(conf));
            *err = FR_ERR_CONFIG;
            return NULL;
        }
        p = profile_provider(r, sp, err);
        if (!p && *err == FR_OK) {
            snprintf(r->msg, r->msglen, "profile %s: source_profile %s has no credentials", name,
                     sp);
            *err = FR_ERR_CONFIG;
        }
        return p;
    }
    if (cs && *cs) {
        if (strcmp(cs, "Environment") == 0) {
            p = env_keys(r, err);
            if (!p && *err == FR_OK) {
                snprintf(r->msg, r->msglen,
                         "profile %s: credential_source Environment but AWS_ACCESS_KEY_ID and "
                         "AWS_SECRET_ACCESS_KEY are not set",
                         name);
                *err = FR_ERR_CONFIG;
            }
        } else if (strcmp(cs, "EcsContainer") == 0) {
            p = env_container(r, err);
            if (!p && *err == FR_OK) {
                snprintf(r->msg, r->msglen,
                         "profile %s: credential_source EcsContainer but neither "
                         "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor "
                         "AWS_CONTAINER_CREDENTIALS_FULL_URI is set",
                         name);
                *err = FR_ERR_CONFIG;
            }
        } else if (strcmp(cs, "Ec2InstanceMetadata") == 0) {
            char looked[300];
            snprintf(looked, sizeof looked, "profile %s: credential_source Ec2InstanceMetadata",
                     name);
            p = imds_new(looked, r, err);
        } else {
            snprintf(r->msg, r->msglen,
                     "profile %s: credential_source %s is not one of Environment, "
                     "Ec2InstanceMetadata, EcsContainer",
                     name, cs);
            *err = FR_ERR_CONFIG;
        }
        return p;
    }
    snprintf(r->msg, r->msglen,
             "profile %s has role_arn but neither source_profile nor credential_source", name);
    *err = FR_ERR_CONFIG;
    return NULL;
}

/* Fills the role parts of o from profile name. Returns FR_OK or
 * FR_ERR_CONFIG with a message. */
static fr_err role_opts(rsv *r, const char *name, fr_creds_sts_opts *o, char *what, size_t wlen)
{
    const fr_awsconf *conf = r->conf;
    const char *ds = fr_awsconf_get(conf, name, "duration_seconds");
    const char *mfa = fr_awsconf_get(conf, name, "mfa_serial");
    sts_where(conf, o);
    o->role_arn = fr_awsconf_get(conf, name, "role_arn");
    o->session_name = fr_awsconf_get(conf, name, "role_session_name");
    if (o->session_name && !*o->session_name)
        o->session_name = NULL;
    o->external_id = fr_awsconf_get(conf, name, "external_id");
    if (o->external_id && !*o->external_id)
        o->external_id = NULL;
    snprintf(what, wlen, "profile %s", name);
    o->what = what;
    if (mfa && *mfa) {
        snprintf(r->msg, r->msglen,
                 "profile %s needs an MFA code (mfa_serial), which an unattended run cannot give",
                 name);
        return FR_ERR_CONFIG;
    }
    if (ds && *ds) {
        char *end;
        long v = strtol(ds, &end, 10);
        if (*end || v < 900 || v > 43200) {
            snprintf(r->msg, r->msglen,
                     "profile %s: duration_seconds must be a number from 900 to 43200", name);
            return FR_ERR_CONFIG;
        }
        o->duration_seconds = (int)v;
    }
    return FR_OK;
}

/* The credentials a profile describes. Returns the provider; NULL with
 * *err FR_OK when the profile holds none, else NULL with *err and r->msg. */
static fr_creds_provider *profile_provider(rsv *r, const char *name, fr_err *err)
{
    const fr_awsconf *conf = r->conf;
    const char *akid = fr_awsconf_get(conf, name, "aws_access_key_id");
    const char *secret = fr_awsconf_get(conf, name, "aws_secret_access_key");
    const char *role = fr_awsconf_get(conf, name, "role_arn");
    const char *sp = fr_awsconf_get(conf, name, "source_profile");
    const char *wif = fr_awsconf_get(conf, name, "web_identity_token_file");
    const char *proc = fr_awsconf_get(conf, name, "credential_process");
    static const char *const sso_keys[] = {"sso_start_url", "sso_session", "sso_account_id",
                                           "sso_role_name", "sso_region"};
    char src[160], what[200];
    fr_creds_sts_opts o = {0};
    *err = FR_OK;

    if (r->n_visited == (int)(sizeof r->visited / sizeof r->visited[0])) {
        snprintf(r->msg, r->msglen, "profile %s: source_profile chain too long", name);
        *err = FR_ERR_CONFIG;
        return NULL;
    }
    r->visited[r->n_visited++] = name;
    fr_creds_provider *p = NULL;
    if (akid && !*akid)
        akid = NULL;
    if (secret && !*secret)
        secret = NULL;
    if (role && !*role)
        role = NULL;
    if ((akid != NULL) != (secret != NULL)) {
        snprintf(r->msg, r->msglen, "profile %s has %s but no %s", name,
                 akid ? "aws_access_key_id" : "aws_secret_access_key",
                 akid ? "aws_secret_access_key" : "aws_access_key_id");
        *err = FR_ERR_CONFIG;
        goto done;
    }
    /* static keys win, except in a role whose source is the profile itself */
    if (akid && !(role && sp && strcmp(sp, name) == 0)) {
        snprintf(src, sizeof src, "profile %s", name);
        p = keys_new(akid, secret, fr_awsconf_get(conf, name, "aws_session_token"), 0, src, r, err);
        goto done;
    }
    if (role && wif && *wif && !(sp && *sp) && !fr_awsconf_get(conf, name, "credential_source")) {
        if ((*err = role_opts(r, name, &o, what, sizeof what)) != FR_OK)
            goto done;
        char *path = NULL;
        /* expand ~ like the file-path variables */
        if (wif[0] == '~' && wif[1] == '/' && getenv("HOME")) {
            size_t n = strlen(getenv("HOME")) + strlen(wif);
            if ((path = malloc(n)) != NULL)
                snprintf(path, n, "%s%s", getenv("HOME"), wif + 1);
        } else {
            path = strdup(wif);
        }
        p = path ? fr_creds_web_identity_new(&o, path) : NULL;
        free(path);
        if (!p) {
            *err = FR_ERR_NOMEM;
            snprintf(r->msg, r->msglen, "out of memory");
        }
        goto done;
    }
    if (role) {
        if ((*err = role_opts(r, name, &o, what, sizeof what)) != FR_OK)
            goto done;
        fr_creds_provider *source = role_source(r, name, err);
        if (!source)
            goto done;
        p = fr_creds_assume_role_new(&o, source);
        if (!p) {
            *err = FR_ERR_NOMEM;
            snprintf(r->msg, r->msglen, "out of memory");
        }
        goto done;
    }
    if (wif && *wif) {
        snprintf(r->msg, r->msglen, "profile %s has web_identity_token_file but no role_arn", name);
        *err = FR_ERR_CONFIG;
        goto done;
    }
    for (size_t i = 0; i < sizeof sso_keys / sizeof sso_keys[0]; i++) {
        const char *v = fr_awsconf_get(conf, name, sso_keys[i]);
        if (v && *v) {
            snprintf(r->msg, r->msglen, "unsupported credential source sso in profile %s", name);
            *err = FR_ERR_CONFIG;
            goto done;
        }
    }
    if (proc && *proc) {
        p = proc_new(proc, name);
        if (!p) {
            *err = FR_ERR_NOMEM;
            snprintf(r->msg, r->msglen, "out of memory");
        }
    }
done:
    r->n_visited--;
    return p;
}

/* Appends the places looked at to msg. */
static void places(const fr_awsconf *conf, int explicit_profile, char *msg, size_t len)
{
    const char *prof = fr_awsconf_profile(conf);
    if (explicit_profile) {
        snprintf(msg, len, "no AWS credentials found: looked at profile %s in %s and %s", prof,
                 fr_awsconf_credentials_path(conf), fr_awsconf_config_path(conf));
        return;
    }
    snprintf(msg, len,
             "no AWS credentials found: looked at the environment (AWS_ACCESS_KEY_ID, "
             "AWS_SECRET_ACCESS_KEY; AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN), profile %s in %s "
             "and %s, container credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, "
             "AWS_CONTAINER_CREDENTIALS_FULL_URI)",
             prof, fr_awsconf_credentials_path(conf), fr_awsconf_config_path(conf));
}

fr_creds_provider *fr_creds_chain_new(const fr_awsconf *conf)
{
    char msg[2048] = "";
    rsv r = {.conf = conf, .msg = msg, .msglen = sizeof msg};
    fr_err err = FR_OK;
    fr_creds_provider *p = NULL;
    const char *prof = fr_awsconf_profile(conf);
    int explicit_profile = fr_awsconf_profile_explicit(conf);

    if (!explicit_profile) {
        if ((p = env_keys(&r, &err)) || err != FR_OK)
            goto done;
        if ((p = env_web_identity(&r, &err)) || err != FR_OK)
            goto done;
    }
    if (!fr_awsconf_has_profile(conf, prof)) {
        if (explicit_profile || strcmp(prof, "default") != 0) {
            snprintf(msg, sizeof msg, "profile %s is not in %s or %s", prof,
                     fr_awsconf_credentials_path(conf), fr_awsconf_config_path(conf));
            err = FR_ERR_CONFIG;
            goto done;
        }
    } else if ((p = profile_provider(&r, prof, &err)) || err != FR_OK) {
        goto done;
    }
    if (explicit_profile) {
        places(conf, 1, msg, sizeof msg);
        err = FR_ERR_CONFIG;
        goto done;
    }
    if ((p = env_container(&r, &err)) || err != FR_OK)
        goto done;
    places(conf, 0, msg, sizeof msg);
    if (!imds_disabled()) {
        p = imds_new(msg, &r, &err);
        goto done;
    }
    size_t n = strlen(msg);
    snprintf(msg + n, sizeof msg - n,
             ", instance metadata (turned off by AWS_EC2_METADATA_DISABLED)");
    err = FR_ERR_CONFIG;
done:
    if (p)
        return p;
    if (err == FR_ERR_NOMEM)
        return NULL;
    return err_new(err, msg);
}
