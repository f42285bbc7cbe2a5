/* SPDX-License-Identifier: MIT */
/* source_file: local inputs: files, directory trees (the S3 delivery layout
 * after `aws s3 sync`) and standard input. */
#include "fr_source.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Appends an item (takes path; copies err). Returns 0 or -1. */
static int list_add(fr_source_list *l, char *path, const char *err)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        fr_source_item *v = realloc(l->items, cap * sizeof *v);
        if (!v) {
            free(path);
            return -1;
        }
        l->items = v;
        l->cap = cap;
    }
    memset(&l->items[l->n], 0, sizeof l->items[l->n]);
    l->items[l->n].path = path;
    l->items[l->n].error = err ? strdup(err) : NULL;
    if (err && !l->items[l->n].error) {
        free(path);
        return -1;
    }
    l->n++;
    return 0;
}

/* Appends a local item with its (device, inode). Returns 0 or -1. */
static int list_add_file(fr_source_list *l, char *path, const struct stat *st)
{
    if (list_add(l, path, NULL) != 0)
        return -1;
    fr_source_item *it = &l->items[l->n - 1];
    it->dev = (unsigned long long)st->st_dev;
    it->ino = (unsigned long long)st->st_ino;
    it->has_id = 1;
    return 0;
}

/* Appends a note "PATH: WHY". Returns 0 or -1. */
static int note_add(fr_source_list *l, const char *path, const char *why)
{
    size_t n = strlen(path) + strlen(why) + 3;
    char *s = malloc(n);
    char **v = realloc(l->notes, (l->n_notes + 1) * sizeof *v);
    if (!s || !v) {
        free(s);
        if (v)
            l->notes = v;
        return -1;
    }
    l->notes = v;
    snprintf(s, n, "%s: %s", path, why);
    l->notes[l->n_notes++] = s;
    return 0;
}

/* The directories walked so far, by (device, inode). */
typedef struct dirset {
    size_t n, cap;
    struct {
        dev_t dev;
        ino_t ino;
    } * v;
} dirset;

/* Adds a directory. Returns 1 when it was new, 0 when already walked, -1 on
 * memory. A linear scan: trees hold hundreds of directories, not millions. */
static int dirset_add(dirset *d, const struct stat *st)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->v[i].dev == st->st_dev && d->v[i].ino == st->st_ino)
            return 0;
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 32;
        void *v = realloc(d->v, cap * sizeof *d->v);
        if (!v)
            return -1;
        d->v = v;
        d->cap = cap;
    }
    d->v[d->n].dev = st->st_dev;
    d->v[d->n].ino = st->st_ino;
    d->n++;
    return 1;
}

/* Names a non-regular file type for a note. */
static const char *type_name(mode_t m)
{
    return S_ISFIFO(m) ? "FIFO"
        : S_ISCHR(m)   ? "character device"
        : S_ISBLK(m)   ? "block device"
        : S_ISSOCK(m)  ? "socket"
                       : "special file";
}

/* Adds path, walking it when it is a directory; depth 0 is a command-line
 * argument. Returns 0 or -1 (memory). */
static int add_path(fr_source_list *l, dirset *seen, const char *path, int depth)
{
    char msg[512];
    char *copy = strdup(path);
    if (!copy)
        return -1;
    if (depth == 0 && strcmp(path, "-") == 0)
        return list_add(l, copy, NULL);
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(msg, sizeof msg, "cannot open: %s", strerror(errno));
        return list_add(l, copy, msg);
    }
    if (!S_ISDIR(st.st_mode)) {
        if (S_ISREG(st.st_mode) || depth == 0)
            return list_add_file(l, copy, &st);
        snprintf(msg, sizeof msg, "skipped: not a regular file (%s)", type_name(st.st_mode));
        int rc = note_add(l, path, msg);
        free(copy);
        return rc;
    }
    int fresh = dirset_add(seen, &st);
    if (fresh <= 0) {
        free(copy);
        /* a symlink loop, or a directory reached again by another name */
        return fresh < 0 ? -1 : note_add(l, path, "skipped: directory already walked");
    }
    if (depth > 64) {
        if (list_add(l, copy, "directory nesting too deep") != 0)
            return -1;
        l->items[l->n - 1].is_dir = 1;
        return 0;
    }
    DIR *d = opendir(path);
    if (!d) {
        snprintf(msg, sizeof msg, "cannot read directory: %s", strerror(errno));
        if (list_add(l, copy, msg) != 0)
            return -1;
        l->items[l->n - 1].is_dir = 1;
        return 0;
    }
    free(copy);
    struct dirent *e;
    int rc = 0;
    size_t plen = strlen(path);
    while (rc == 0 && (e = readdir(d)) != NULL) {
        /* hidden files, and the permission probe that CreateExportTask
         * writes next to exported logs */
        if (e->d_name[0] == '.' || strcmp(e->d_name, "aws-logs-write-test") == 0)
            continue;
        size_t n = plen + strlen(e->d_name) + 2;
        char *child = malloc(n);
        if (!child) {
            rc = -1;
            break;
        }
        if (plen && path[plen - 1] == '/')
            snprintf(child, n, "%s%s", path, e->d_name);
        else
            snprintf(child, n, "%s/%s", path, e->d_name);
        rc = add_path(l, seen, child, depth + 1);
        free(child);
    }
    closedir(d);
    return rc;
}

/* Orders items by path bytes. */
static int item_cmp(const void *a, const void *b)
{
    return strcmp(((const fr_source_item *)a)->path, ((const fr_source_item *)b)->path);
}

/* Orders item pointers by (device, inode), then path. */
static int id_cmp(const void *pa, const void *pb)
{
    const fr_source_item *a = *(fr_source_item *const *)pa, *b = *(fr_source_item *const *)pb;
    if (a->dev != b->dev)
        return a->dev < b->dev ? -1 : 1;
    if (a->ino != b->ino)
        return a->ino < b->ino ? -1 : 1;
    return strcmp(a->path, b->path);
}

/* Frees an item's strings. */
static void item_clear(fr_source_item *it)
{
    free(it->path);
    free(it->error);
    free(it->etag);
    memset(it, 0, sizeof *it);
}

/* Drops every item whose file an earlier item (byte order) already names.
 * FIFOs and devices named on the command line stay as they are. Returns 0
 * or -1 (memory). */
static int drop_same_file(fr_source_list *list)
{
    fr_source_item **by = malloc((list->n ? list->n : 1) * sizeof *by);
    if (!by)
        return -1;
    size_t k = 0;
    for (size_t i = 0; i < list->n; i++)
        if (list->items[i].has_id && !list->items[i].error)
            by[k++] = &list->items[i];
    if (k > 1)
        qsort(by, k, sizeof *by, id_cmp);
    for (size_t i = 1; i < k; i++)
        if (by[i]->dev == by[i - 1]->dev && by[i]->ino == by[i - 1]->ino) {
            by[i]->has_id = 2; /* marked: a second name of the same file */
            by[i]->dev = by[i - 1]->dev;
        }
    free(by);
    size_t out = 0;
    for (size_t i = 0; i < list->n; i++) {
        if (list->items[i].has_id == 2) {
            item_clear(&list->items[i]);
            continue;
        }
        list->items[out++] = list->items[i];
    }
    list->n = out;
    return 0;
}

fr_err fr_source_expand(char *const *args, size_t nargs, fr_source_list *list)
{
    memset(list, 0, sizeof *list);
    dirset seen = {0};
    for (size_t i = 0; i < nargs; i++)
        if (add_path(list, &seen, args[i], 0) != 0) {
            free(seen.v);
            return FR_ERR_NOMEM;
        }
    free(seen.v);
    if (list->n)
        qsort(list->items, list->n, sizeof *list->items, item_cmp);
    size_t out = 0;
    for (size_t i = 0; i < list->n; i++) {
        if (out && strcmp(list->items[out - 1].path, list->items[i].path) == 0) {
            item_clear(&list->items[i]);
            continue;
        }
        list->items[out++] = list->items[i];
    }
    list->n = out;
    if (drop_same_file(list) != 0)
        return FR_ERR_NOMEM;
    return FR_OK;
}

fr_err fr_source_add_remote(fr_source_list *list, const char *name, const char *etag,
                            const fr_source_opener *opener, void *handle, const char *error)
{
    char *copy = strdup(name);
    char *tag = etag ? strdup(etag) : NULL;
    if (!copy || (etag && !tag)) {
        free(copy);
        free(tag);
        return FR_ERR_NOMEM;
    }
    if (list_add(list, copy, error) != 0) { /* list_add freed copy */
        free(tag);
        return FR_ERR_NOMEM;
    }
    fr_source_item *it = &list->items[list->n - 1];
    it->opener = opener;
    it->handle = handle;
    it->etag = tag;
    return FR_OK;
}

void fr_source_sort(fr_source_list *list)
{
    if (list->n)
        qsort(list->items, list->n, sizeof *list->items, item_cmp);
}

void fr_source_list_clear(fr_source_list *list)
{
    for (size_t i = 0; i < list->n; i++) {
        free(list->items[i].path);
        free(list->items[i].error);
        free(list->items[i].etag);
    }
    free(list->items);
    for (size_t i = 0; i < list->n_notes; i++)
        free(list->notes[i]);
    free(list->notes);
    memset(list, 0, sizeof *list);
}

void fr_source_remove(fr_source_list *list, size_t i)
{
    if (i >= list->n)
        return;
    free(list->items[i].path);
    free(list->items[i].error);
    free(list->items[i].etag);
    memmove(&list->items[i], &list->items[i + 1], (list->n - i - 1) * sizeof *list->items);
    list->n--;
}
