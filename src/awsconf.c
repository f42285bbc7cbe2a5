/* SPDX-License-Identifier: MIT */
/* awsconf: the AWS CLI's profile, region and endpoint settings from the
 * environment, ~/.aws/config and ~/.aws/credentials. */
#include "fr_awsconf.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One key of one section. Nested sub-keys ("s3 =" then "  endpoint_url =")
 * are stored as key "s3.endpoint_url". Sections are normalised: a profile
 * is "p:NAME", a services section "s:NAME", anything else "x:NAME". */
typedef struct ini_ent {
    char *section;
    char *key;
    char *value;
} ini_ent;

typedef struct ini_file {
    char *path;
    ini_ent *ents;
    size_t n, cap;
} ini_file;

enum { SVC_S3, SVC_LOGS, SVC_STS, SVC_EC2, SVC_COUNT };

static const struct {
    const char *name; /* our service name */
    const char *env; /* AWS_ENDPOINT_URL_<env> */
    const char *key; /* key in a [services] section */
    const char *host; /* default host prefix */
} services[SVC_COUNT] = {
    {"s3", "AWS_ENDPOINT_URL_S3", "s3", "s3"},
    {"logs", "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", "cloudwatch_logs", "logs"},
    {"sts", "AWS_ENDPOINT_URL_STS", "sts", "sts"},
    {"ec2", "AWS_ENDPOINT_URL_EC2", "ec2", "ec2"},
};

struct fr_awsconf {
    ini_file config, creds;
    char *profile;
    int explicit_profile;
    char *region;
    char *endpoint[SVC_COUNT];
    int custom[SVC_COUNT];
    char *ca_bundle;
};

/* Returns the environment variable name's value, or NULL when unset or empty. */
static const char *env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

/* ---- path expansion ---- */

typedef struct sbuf {
    char *s;
    size_t n, cap;
} sbuf;

/* Appends len bytes. Returns 0, or -1 when out of memory. */
static int sb_add(sbuf *b, const char *s, size_t len)
{
    if (b->n + len + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->n + len + 1)
            cap *= 2;
        char *p = realloc(b->s, cap);
        if (!p)
            return -1;
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->n, s, len);
    b->n += len;
    b->s[b->n] = '\0';
    return 0;
}

/* Expands a leading ~ (HOME) and $VAR / ${VAR} in path. Unknown variables
 * are left as written, as Python's os.path.expandvars does. Returns a new
 * string, or NULL when out of memory. */
static char *expand_path(const char *path)
{
    sbuf b = {0};
    const char *p = path;
    if (sb_add(&b, "", 0) != 0)
        return NULL;
    if (p[0] == '~' && (p[1] == '/' || p[1] == '\0')) {
        const char *home = getenv("HOME");
        if (home) {
            if (sb_add(&b, home, strlen(home)) != 0)
                goto fail;
            p++;
        }
    }
    while (*p) {
        if (*p == '$') {
            const char *name = p + 1, *end;
            int braced = *name == '{';
            if (braced)
                name++;
            end = name;
            while (isalnum((unsigned char)*end) || *end == '_')
                end++;
            if (end > name && (!braced || *end == '}')) {
                char var[256];
                size_t len = (size_t)(end - name);
                if (len < sizeof var) {
                    memcpy(var, name, len);
                    var[len] = '\0';
                    const char *v = getenv(var);
                    if (v) {
                        if (sb_add(&b, v, strlen(v)) != 0)
                            goto fail;
                        p = end + (braced ? 1 : 0);
                        continue;
                    }
                }
            }
        }
        if (sb_add(&b, p, 1) != 0)
            goto fail;
        p++;
    }
    return b.s;
fail:
    free(b.s);
    return NULL;
}

/* ---- INI parsing (the subset botocore's RawConfigParser accepts) ---- */

/* Trims spaces at both ends in place. Returns s. */
static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* Adds an entry (copies). Returns 0, or -1 when out of memory. */
static int ini_add(ini_file *f, const char *section, const char *key, const char *value)
{
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 32;
        ini_ent *e = realloc(f->ents, cap * sizeof *e);
        if (!e)
            return -1;
        f->ents = e;
        f->cap = cap;
    }
    ini_ent *e = &f->ents[f->n];
    e->section = strdup(section);
    e->key = strdup(key);
    e->value = strdup(value);
    if (!e->section || !e->key || !e->value) {
        free(e->section);
        free(e->key);
        free(e->value);
        return -1;
    }
    f->n++;
    return 0;
}

/* Frees an ini_file's contents (secrets wiped). */
static void ini_clear(ini_file *f)
{
    for (size_t i = 0; i < f->n; i++) {
        free(f->ents[i].section);
        free(f->ents[i].key);
        explicit_bzero(f->ents[i].value, strlen(f->ents[i].value));
        free(f->ents[i].value);
    }
    free(f->ents);
    free(f->path);
    memset(f, 0, sizeof *f);
}

/* Returns the last value of section/key, or NULL. */
static const char *ini_get(const ini_file *f, const char *section, const char *key)
{
    for (size_t i = f->n; i-- > 0;)
        if (strcmp(f->ents[i].section, section) == 0 && strcmp(f->ents[i].key, key) == 0)
            return f->ents[i].value;
    return NULL;
}

/* Returns 1 when the section exists (a header was seen), else 0. */
static int ini_has_section(const ini_file *f, const char *section)
{
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->ents[i].section, section) == 0)
            return 1;
    return 0;
}

/* Parses the file at f->path. A missing file is empty. Returns FR_OK, or
 * FR_ERR_CONFIG / FR_ERR_NOMEM with "FILE:LINE: why" in errbuf. */
static fr_err ini_load(ini_file *f, int is_config, char *errbuf, size_t errlen)
{
    FILE *fp = fopen(f->path, "r");
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    long lineno = 0;
    char section[512] = "";
    char key[256] = "";
    int nested = 0; /* the current key had an empty value: indented lines are sub-keys */
    int have_key = 0;
    fr_err err = FR_OK;

    if (!fp) {
        if (errno == ENOENT || errno == ENOTDIR)
            return FR_OK;
        snprintf(errbuf, errlen, "%s: %s", f->path, strerror(errno));
        return FR_ERR_CONFIG;
    }
    while ((got = getline(&line, &cap, fp)) != -1) {
        lineno++;
        char *s = line;
        if (lineno == 1 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB &&
            (unsigned char)s[2] == 0xBF)
            s += 3;
        int indented = *s == ' ' || *s == '\t';
        char *t = trim(s);
        if (*t == '\0' || *t == '#' || *t == ';')
            continue;
        if (indented && have_key) {
            /* a continuation line of the current key */
            if (nested) {
                char *eq = strpbrk(t, "=:");
                if (!eq) {
                    snprintf(errbuf, errlen, "%s:%ld: expected \"key = value\" in a nested section",
                             f->path, lineno);
                    err = FR_ERR_CONFIG;
                    goto done;
                }
                *eq = '\0';
                char *sk = trim(t), *sv = trim(eq + 1);
                for (char *c = sk; *c; c++)
                    *c = (char)tolower((unsigned char)*c);
                char full[600];
                int n = snprintf(full, sizeof full, "%s.%s", key, sk);
                if (n < 0 || (size_t)n >= sizeof full || *sk == '\0') {
                    snprintf(errbuf, errlen, "%s:%ld: bad nested key", f->path, lineno);
                    err = FR_ERR_CONFIG;
                    goto done;
                }
                if (ini_add(f, section, full, sv) != 0) {
                    err = FR_ERR_NOMEM;
                    goto done;
                }
            } else {
                /* a multi-line value: append it as RawConfigParser does */
                for (size_t i = f->n; i-- > 0;) {
                    ini_ent *e = &f->ents[i];
                    if (strcmp(e->section, section) == 0 && strcmp(e->key, key) == 0) {
                        size_t a = strlen(e->value), b = strlen(t);
                        char *nv = malloc(a + b + 2);
                        if (!nv) {
                            err = FR_ERR_NOMEM;
                            goto done;
                        }
                        memcpy(nv, e->value, a);
                        nv[a] = '\n';
                        memcpy(nv + a + 1, t, b + 1);
                        explicit_bzero(e->value, a);
                        free(e->value);
                        e->value = nv;
                        break;
                    }
                }
            }
            continue;
        }
        if (*t == '[') {
            char *end = strchr(t, ']');
            if (!end) {
                snprintf(errbuf, errlen, "%s:%ld: section header without ']'", f->path, lineno);
                err = FR_ERR_CONFIG;
                goto done;
            }
            *end = '\0';
            char *hdr = trim(t + 1);
            int n;
            if (!is_config)
                n = snprintf(section, sizeof section, "p:%s", hdr);
            else if (strcmp(hdr, "default") == 0)
                n = snprintf(section, sizeof section, "p:default");
            else if (strncmp(hdr, "profile", 7) == 0 && isspace((unsigned char)hdr[7]))
                n = snprintf(section, sizeof section, "p:%s", trim(hdr + 7));
            else if (strncmp(hdr, "services", 8) == 0 && isspace((unsigned char)hdr[8]))
                n = snprintf(section, sizeof section, "s:%s", trim(hdr + 8));
            else
                n = snprintf(section, sizeof section, "x:%s", hdr);
            if (n < 0 || (size_t)n >= sizeof section || *hdr == '\0') {
                snprintf(errbuf, errlen, "%s:%ld: bad section header", f->path, lineno);
                err = FR_ERR_CONFIG;
                goto done;
            }
            /* record the section's existence */
            if (ini_add(f, section, "", "") != 0) {
                err = FR_ERR_NOMEM;
                goto done;
            }
            have_key = 0;
            continue;
        }
        if (section[0] == '\0') {
            snprintf(errbuf, errlen, "%s:%ld: a setting before the first [section]", f->path,
                     lineno);
            err = FR_ERR_CONFIG;
            goto done;
        }
        char *eq = strpbrk(t, "=:");
        if (!eq) {
            snprintf(errbuf, errlen, "%s:%ld: expected \"key = value\"", f->path, lineno);
            err = FR_ERR_CONFIG;
            goto done;
        }
        *eq = '\0';
        char *k = trim(t), *v = trim(eq + 1);
        if (*k == '\0' || strlen(k) >= sizeof key) {
            snprintf(errbuf, errlen, "%s:%ld: expected \"key = value\"", f->path, lineno);
            err = FR_ERR_CONFIG;
            goto done;
        }
        for (char *c = k; *c; c++)
            *c = (char)tolower((unsigned char)*c);
        strcpy(key, k);
        have_key = 1;
        nested = *v == '\0';
        if (ini_add(f, section, key, v) != 0) {
            err = FR_ERR_NOMEM;
            goto done;
        }
    }
    if (ferror(fp)) {
        snprintf(errbuf, errlen, "%s: read error", f->path);
        err = FR_ERR_CONFIG;
    }
done:
    if (line) {
        explicit_bzero(line, cap);
        free(line);
    }
    fclose(fp);
    if (err == FR_ERR_NOMEM)
        snprintf(errbuf, errlen, "out of memory reading %s", f->path);
    return err;
}

/* ---- the configuration ---- */

/* Returns the profile's key from the given file, or NULL. */
static const char *file_get(const ini_file *f, const char *profile, const char *key)
{
    char sec[512];
    int n = snprintf(sec, sizeof sec, "p:%s", profile);
    if (n < 0 || (size_t)n >= sizeof sec || !*key)
        return NULL;
    return ini_get(f, sec, key);
}

const char *fr_awsconf_get(const fr_awsconf *c, const char *profile, const char *key)
{
    const char *v = file_get(&c->creds, profile, key);
    return v ? v : file_get(&c->config, profile, key);
}

int fr_awsconf_has_profile(const fr_awsconf *c, const char *profile)
{
    char sec[512];
    int n = snprintf(sec, sizeof sec, "p:%s", profile);
    if (n < 0 || (size_t)n >= sizeof sec)
        return 0;
    return ini_has_section(&c->creds, sec) || ini_has_section(&c->config, sec);
}

const char *fr_awsconf_config_path(const fr_awsconf *c)
{
    return c->config.path;
}
const char *fr_awsconf_credentials_path(const fr_awsconf *c)
{
    return c->creds.path;
}

/* Returns 1 when s says true (case-insensitively), else 0. */
static int is_true(const char *s)
{
    return s && strcasecmp(s, "true") == 0;
}

/* Returns a copy of url without trailing slashes, or NULL when out of memory. */
static char *dup_url(const char *url)
{
    char *s = strdup(url);
    if (s) {
        size_t n = strlen(s);
        while (n > 0 && s[n - 1] == '/')
            s[--n] = '\0';
    }
    return s;
}

/* Works out the endpoint of service i. Returns 0, or -1 when out of memory. */
static int resolve_endpoint(fr_awsconf *c, const fr_awsconf_opts *o, int i)
{
    const char *url = NULL;
    if (o->endpoint_url && *o->endpoint_url) {
        url = o->endpoint_url;
    } else if (!is_true(env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")) &&
               !is_true(fr_awsconf_get(c, c->profile, "ignore_configured_endpoint_urls"))) {
        url = env(services[i].env);
        if (!url)
            url = env("AWS_ENDPOINT_URL");
        if (!url) {
            const char *svc = fr_awsconf_get(c, c->profile, "services");
            if (svc) {
                char sec[512], key[64];
                int n = snprintf(sec, sizeof sec, "s:%s", svc);
                snprintf(key, sizeof key, "%s.endpoint_url", services[i].key);
                if (n > 0 && (size_t)n < sizeof sec)
                    url = ini_get(&c->config, sec, key);
                if (url && !*url)
                    url = NULL;
            }
        }
        if (!url) {
            url = fr_awsconf_get(c, c->profile, "endpoint_url");
            if (url && !*url)
                url = NULL;
        }
    }
    if (url) {
        c->custom[i] = 1;
        c->endpoint[i] = dup_url(url);
        return c->endpoint[i] ? 0 : -1;
    }
    if (!c->region)
        return 0;
    int cn = strncmp(c->region, "cn-", 3) == 0;
    size_t len = strlen(c->region) + 64;
    c->endpoint[i] = malloc(len);
    if (!c->endpoint[i])
        return -1;
    snprintf(c->endpoint[i], len, "https://%s.%s.amazonaws.com%s", services[i].host, c->region,
             cn ? ".cn" : "");
    return 0;
}

fr_awsconf *fr_awsconf_load(const fr_awsconf_opts *o, fr_err *err, char *errbuf, size_t errlen)
{
    fr_awsconf *c = calloc(1, sizeof *c);
    const char *v;
    *err = FR_ERR_NOMEM;
    if (!c)
        goto nomem;
    if (o->profile && *o->profile) {
        v = o->profile;
        c->explicit_profile = 1;
    } else if (!(v = env("AWS_DEFAULT_PROFILE")) && !(v = env("AWS_PROFILE"))) {
        v = "default";
    }
    if (!(c->profile = strdup(v)))
        goto nomem;

    v = env("AWS_CONFIG_FILE");
    c->config.path = expand_path(v ? v : "~/.aws/config");
    v = env("AWS_SHARED_CREDENTIALS_FILE");
    c->creds.path = expand_path(v ? v : "~/.aws/credentials");
    if (!c->config.path || !c->creds.path)
        goto nomem;
    if ((*err = ini_load(&c->config, 1, errbuf, errlen)) != FR_OK)
        goto fail;
    if ((*err = ini_load(&c->creds, 0, errbuf, errlen)) != FR_OK)
        goto fail;
    *err = FR_ERR_NOMEM;

    if (o->region && *o->region)
        v = o->region;
    else if (!(v = env("AWS_REGION")) && !(v = env("AWS_DEFAULT_REGION"))) {
        v = fr_awsconf_get(c, c->profile, "region");
        if (v && !*v)
            v = NULL;
    }
    if (v && !(c->region = strdup(v)))
        goto nomem;

    for (int i = 0; i < SVC_COUNT; i++)
        if (resolve_endpoint(c, o, i) != 0)
            goto nomem;

    if (o->ca_bundle && *o->ca_bundle)
        v = o->ca_bundle;
    else if (!(v = env("AWS_CA_BUNDLE"))) {
        v = fr_awsconf_get(c, c->profile, "ca_bundle");
        if (v && !*v)
            v = NULL;
    }
    if (v && !(c->ca_bundle = expand_path(v)))
        goto nomem;
    *err = FR_OK;
    return c;
nomem:
    snprintf(errbuf, errlen, "out of memory reading the AWS configuration");
fail:
    fr_awsconf_free(c);
    return NULL;
}

const char *fr_awsconf_profile(const fr_awsconf *c)
{
    return c->profile;
}
int fr_awsconf_profile_explicit(const fr_awsconf *c)
{
    return c->explicit_profile;
}
const char *fr_awsconf_region(const fr_awsconf *c)
{
    return c->region;
}
const char *fr_awsconf_ca_bundle(const fr_awsconf *c)
{
    return c->ca_bundle;
}

const char *fr_awsconf_endpoint(const fr_awsconf *c, const char *service, int *custom)
{
    for (int i = 0; i < SVC_COUNT; i++) {
        if (strcmp(service, services[i].name) == 0) {
            if (custom)
                *custom = c->custom[i];
            return c->endpoint[i];
        }
    }
    if (custom)
        *custom = 0;
    return NULL;
}

void fr_awsconf_free(fr_awsconf *c)
{
    if (!c)
        return;
    ini_clear(&c->config);
    ini_clear(&c->creds);
    free(c->profile);
    free(c->region);
    for (int i = 0; i < SVC_COUNT; i++)
        free(c->endpoint[i]);
    free(c->ca_bundle);
    free(c);
}
