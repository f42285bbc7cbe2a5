/* SPDX-License-Identifier: MIT */
/* config: finds the configuration file and reads it, with libinih, into
 * (key, value, line) entries for fr_cli to check and apply. */
#include "fr_config.h"

#include <errno.h>
#include <ini.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Debian's libinih makes its line buffer configurable at run time through
 * these variables; upstream's fixes it at build time (200 bytes). Weak
 * references let us grow the buffer where the variables exist and refuse long
 * lines elsewhere. */
extern bool ini_use_stack;
extern bool ini_allow_realloc;
extern int ini_max_line;
#pragma weak ini_use_stack
#pragma weak ini_allow_realloc
#pragma weak ini_max_line

/* Longest line (with its newline) libinih's fixed buffer holds. */
#define FIXED_LINE_MAX (200 - 3)

/* The reader's state: the file in memory, served line by line. */
typedef struct reader {
    const char *path;
    const char *buf;
    size_t len, pos;
    int line; /* line of the text last handed out */
    int at_line_start; /* the last piece ended a line */
    fr_config *c;
    char *errbuf;
    size_t errlen;
    fr_err err; /* first error met in the handler */
} reader;

/* libinih's fgets(): hands out the next line, or its next piece when num is
 * too small, without its leading blanks (so that no line continues the one
 * before). Returns str, or NULL at the end. */
static char *read_piece(char *str, int num, void *stream)
{
    reader *r = stream;
    if (r->pos >= r->len || num < 2)
        return NULL;
    if (r->at_line_start) {
        r->line++;
        while (r->pos < r->len && (r->buf[r->pos] == ' ' || r->buf[r->pos] == '\t'))
            r->pos++;
    }
    size_t n = 0, max = (size_t)num - 1;
    while (n < max && r->pos < r->len) {
        char ch = r->buf[r->pos++];
        str[n++] = ch;
        if (ch == '\n')
            break;
    }
    str[n] = '\0';
    r->at_line_start = n > 0 && str[n - 1] == '\n';
    return str;
}

/* Records the first error of the handler. Returns 0 (libinih's "error"). */
static int handler_fail(reader *r, fr_err err, const char *msg)
{
    if (r->err == FR_OK) {
        if (err == FR_ERR_NOMEM)
            snprintf(r->errbuf, r->errlen, "%s", msg);
        else
            snprintf(r->errbuf, r->errlen, "%s:%d: %s", r->path, r->line, msg);
        r->err = err;
    }
    return 0;
}

/* Stores one key = value. Returns 1, or 0 with the error recorded. */
static int on_entry(void *user, const char *section, const char *name, const char *value)
{
    reader *r = user;
    if (r->err != FR_OK)
        return 0;
    if (*section && strcmp(section, FR_CONFIG_SECTION) != 0) {
        char msg[300];
        snprintf(msg, sizeof msg, "[%.200s]: unknown section (keys go at the top or in [%s])",
                 section, FR_CONFIG_SECTION);
        return handler_fail(r, FR_ERR_USAGE, msg);
    }
    if (!*name)
        return handler_fail(r, FR_ERR_USAGE, "a value with no key");
    fr_config *c = r->c;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        fr_config_entry *v = realloc(c->entries, cap * sizeof *v);
        if (!v)
            return handler_fail(r, FR_ERR_NOMEM, "out of memory");
        c->entries = v;
        c->cap = cap;
    }
    fr_config_entry *e = &c->entries[c->n];
    e->key = strdup(name);
    e->value = strdup(value ? value : "");
    e->line = r->line;
    if (!e->key || !e->value) {
        free(e->key);
        free(e->value);
        return handler_fail(r, FR_ERR_NOMEM, "out of memory");
    }
    c->n++;
    return 1;
}

/* Reads the whole file into *buf. Returns FR_OK, or an error with errbuf. */
static fr_err slurp(const char *path, char **buf, size_t *len, char *errbuf, size_t errlen)
{
    fr_err err = FR_ERR_USAGE;
    char *b = NULL;
    size_t n = 0;
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        snprintf(errbuf, errlen, "%s: cannot open the configuration file: %s", path,
                 strerror(errno));
        return FR_ERR_USAGE;
    }
    b = malloc(FR_CONFIG_MAX_SIZE + 1);
    if (!b) {
        err = FR_ERR_NOMEM;
        snprintf(errbuf, errlen, "out of memory");
        goto fail;
    }
    n = fread(b, 1, FR_CONFIG_MAX_SIZE + 1, fp);
    if (ferror(fp)) {
        snprintf(errbuf, errlen, "%s: cannot read the configuration file: %s", path,
                 strerror(errno));
        goto fail;
    }
    if (n > FR_CONFIG_MAX_SIZE) {
        snprintf(errbuf, errlen, "%s: the configuration file is larger than %d bytes", path,
                 FR_CONFIG_MAX_SIZE);
        goto fail;
    }
    fclose(fp);
    b[n] = '\0';
    *buf = b;
    *len = n;
    return FR_OK;
fail:
    free(b);
    fclose(fp);
    return err;
}

/* Refuses NUL bytes and lines libinih cannot hold. Returns FR_OK or
 * FR_ERR_USAGE with errbuf. */
static fr_err check_lines(const char *path, const char *buf, size_t len, size_t max_line,
                          char *errbuf, size_t errlen)
{
    int line = 1;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && buf[i] == '\0') {
            snprintf(errbuf, errlen, "%s:%d: a NUL byte (not a text file?)", path, line);
            return FR_ERR_USAGE;
        }
        if (i == len || buf[i] == '\n') {
            if (i - start + 1 > max_line) {
                snprintf(errbuf, errlen, "%s:%d: line longer than %zu bytes", path, line,
                         max_line - 1);
                return FR_ERR_USAGE;
            }
            start = i + 1;
            line++;
        }
    }
    return FR_OK;
}

fr_err fr_config_read(const char *path, fr_config *c, char *errbuf, size_t errlen)
{
    char *buf = NULL;
    size_t len = 0;
    fr_config_clear(c);
    fr_err err = slurp(path, &buf, &len, errbuf, errlen);
    if (err != FR_OK)
        return err;
    int tunable = &ini_use_stack && &ini_allow_realloc && &ini_max_line;
    bool old_stack = tunable ? ini_use_stack : 0, old_realloc = tunable ? ini_allow_realloc : 0;
    int old_max = tunable ? ini_max_line : 0;
    size_t max_line = tunable ? FR_CONFIG_MAX_LINE : FIXED_LINE_MAX;
    if ((err = check_lines(path, buf, len, max_line, errbuf, errlen)) != FR_OK)
        goto fail;
    if (!(c->path = strdup(path))) {
        err = FR_ERR_NOMEM;
        snprintf(errbuf, errlen, "out of memory");
        goto fail;
    }
    reader r = {path, buf, len, 0, 0, 1, c, errbuf, errlen, FR_OK};
    if (tunable) {
        ini_use_stack = 0;
        ini_allow_realloc = 1;
        ini_max_line = FR_CONFIG_MAX_LINE + 3;
    }
    int rc = ini_parse_stream(read_piece, &r, on_entry, &r);
    if (tunable) {
        ini_use_stack = old_stack;
        ini_allow_realloc = old_realloc;
        ini_max_line = old_max;
    }
    if (r.err != FR_OK) {
        err = r.err;
        goto fail;
    }
    if (rc == -2) {
        err = FR_ERR_NOMEM;
        snprintf(errbuf, errlen, "out of memory");
        goto fail;
    }
    if (rc != 0) {
        err = FR_ERR_USAGE;
        if (rc > 0)
            snprintf(errbuf, errlen, "%s:%d: not a 'key = value' line, a [section] or a comment",
                     path, rc);
        else
            snprintf(errbuf, errlen, "%s: cannot read the configuration file", path);
        goto fail;
    }
    free(buf);
    return FR_OK;
fail:
    free(buf);
    fr_config_clear(c);
    return err;
}

void fr_config_clear(fr_config *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->entries[i].key);
        free(c->entries[i].value);
    }
    free(c->entries);
    free(c->path);
    c->entries = NULL;
    c->path = NULL;
    c->n = c->cap = 0;
}

/* 1 when path names something (that we may then fail to read). */
static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 || errno != ENOENT;
}

/* Joins a and b into a new string. Returns it, or NULL when out of memory. */
static char *join(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *s = malloc(la + lb + 1);
    if (s) {
        memcpy(s, a, la);
        memcpy(s + la, b, lb + 1);
    }
    return s;
}

fr_err fr_config_locate_in(const char *explicit, const char *env_config, const char *xdg_home,
                           const char *home, const char *system, char **path, char *errbuf,
                           size_t errlen)
{
    *path = NULL;
    const char *must = explicit && *explicit ? explicit
        : env_config && *env_config          ? env_config
                                             : NULL;
    if (must) {
        if (!exists(must)) {
            snprintf(errbuf, errlen, "%s%s: no such configuration file",
                     must == explicit ? "--config: " : "FLOWREPORT_CONFIG: ", must);
            return FR_ERR_USAGE;
        }
        *path = strdup(must);
        goto done;
    }
    /* XDG: a relative $XDG_CONFIG_HOME is invalid and ignored */
    if (xdg_home && xdg_home[0] == '/')
        *path = join(xdg_home, "/flowreport/config");
    else if (home && *home)
        *path = join(home, "/.config/flowreport/config");
    else
        goto system;
    if (!*path)
        goto done;
    if (exists(*path))
        return FR_OK;
    free(*path);
    *path = NULL;
system:
    if (!system || !*system || !exists(system))
        return FR_OK;
    *path = strdup(system);
done:
    if (!*path) {
        snprintf(errbuf, errlen, "out of memory");
        return FR_ERR_NOMEM;
    }
    return FR_OK;
}

fr_err fr_config_locate(const char *explicit, char **path, char *errbuf, size_t errlen)
{
    return fr_config_locate_in(explicit, getenv("FLOWREPORT_CONFIG"), getenv("XDG_CONFIG_HOME"),
                               getenv("HOME"), FR_CONFIG_SYSTEM_PATH, path, errbuf, errlen);
}
