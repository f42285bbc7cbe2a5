/* SPDX-License-Identifier: MIT */
/* output: an output directory whose files appear all at once or not at all. */
#include "fr_output.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct fr_output_file {
    char *final_path;
    char *temp_path;
} fr_output_file;

struct fr_output {
    char *dir;
    size_t n, cap;
    fr_output_file *files;
    int committed;
    char *scratch; /* last fr_output_final_path result */
};

/* Formats into a fresh heap string. Returns NULL when out of memory. */
static char *str_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (!s)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

/* mkdir -p. Returns 0 or -1 with errno set. */
static int make_dirs(const char *dir)
{
    char *p = strdup(dir);
    if (!p)
        return -1;
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            free(p);
            return -1;
        }
        *s = '/';
    }
    int rc = mkdir(p, 0777);
    free(p);
    if (rc != 0 && errno != EEXIST)
        return -1;
    struct stat st;
    if (stat(dir, &st) != 0)
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

fr_output *fr_output_new(const char *dir, fr_err *err, char *errbuf, size_t errlen)
{
    fr_output *o = calloc(1, sizeof *o);
    if (!o || !(o->dir = strdup(dir))) {
        free(o);
        *err = FR_ERR_NOMEM;
        snprintf(errbuf, errlen, "out of memory");
        return NULL;
    }
    if (make_dirs(dir) != 0 || access(dir, W_OK) != 0) {
        snprintf(errbuf, errlen, "%s: cannot use as output directory: %s", dir, strerror(errno));
        *err = FR_ERR_IO;
        fr_output_free(o);
        return NULL;
    }
    *err = FR_OK;
    return o;
}

const char *fr_output_temp_path(fr_output *o, const char *name)
{
    if (o->n == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 8;
        fr_output_file *f = realloc(o->files, cap * sizeof *f);
        if (!f)
            return NULL;
        o->files = f;
        o->cap = cap;
    }
    fr_output_file *f = &o->files[o->n];
    f->final_path = str_printf("%s/%s", o->dir, name);
    f->temp_path = str_printf("%s/.%s.tmp.%ld", o->dir, name, (long)getpid());
    if (!f->final_path || !f->temp_path) {
        free(f->final_path);
        free(f->temp_path);
        return NULL;
    }
    o->n++;
    return f->temp_path;
}

FILE *fr_output_open(fr_output *o, const char *name, char *errbuf, size_t errlen)
{
    const char *tmp = fr_output_temp_path(o, name);
    if (!tmp) {
        snprintf(errbuf, errlen, "out of memory");
        return NULL;
    }
    FILE *fp = fopen(tmp, "wb");
    if (!fp)
        snprintf(errbuf, errlen, "%s: cannot create: %s", tmp, strerror(errno));
    return fp;
}

const char *fr_output_final_path(fr_output *o, const char *name)
{
    free(o->scratch);
    o->scratch = str_printf("%s/%s", o->dir, name);
    return o->scratch ? o->scratch : name;
}

/* fsyncs path. Returns 0 or -1 with errno set. */
static int sync_path(const char *path, int flags)
{
    int fd = open(path, flags);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    int saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

fr_err fr_output_commit(fr_output *o, char *errbuf, size_t errlen)
{
    for (size_t i = 0; i < o->n; i++) {
        if (sync_path(o->files[i].temp_path, O_RDONLY) != 0) {
            snprintf(errbuf, errlen, "%s: %s", o->files[i].temp_path, strerror(errno));
            return FR_ERR_IO;
        }
    }
    for (size_t i = 0; i < o->n; i++) {
        if (rename(o->files[i].temp_path, o->files[i].final_path) != 0) {
            snprintf(errbuf, errlen, "%s: cannot rename into place: %s", o->files[i].final_path,
                     strerror(errno));
            return FR_ERR_IO;
        }
        free(o->files[i].temp_path);
        o->files[i].temp_path = NULL;
    }
    (void)sync_path(o->dir, O_RDONLY | O_DIRECTORY);
    o->committed = 1;
    return FR_OK;
}

void fr_output_free(fr_output *o)
{
    if (!o)
        return;
    for (size_t i = 0; i < o->n; i++) {
        if (o->files[i].temp_path)
            unlink(o->files[i].temp_path);
        free(o->files[i].temp_path);
        free(o->files[i].final_path);
    }
    free(o->files);
    free(o->scratch);
    free(o->dir);
    free(o);
}
