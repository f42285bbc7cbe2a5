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

/* Adds path, walking it when it is a directory. Returns 0 or -1 (memory). */
static int add_path(fr_source_list *l, const char *path, int depth)
{
    char msg[512];
    char *copy = strdup(path);
    if (!copy)
        return -1;
    if (strcmp(path, "-") == 0)
        return list_add(l, copy, NULL);
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(msg, sizeof msg, "cannot open: %s", strerror(errno));
        return list_add(l, copy, msg);
    }
    if (!S_ISDIR(st.st_mode))
        return list_add(l, copy, NULL);
    if (depth > 64) {
        return list_add(l, copy, "directory nesting too deep");
    }
    DIR *d = opendir(path);
    if (!d) {
        snprintf(msg, sizeof msg, "cannot read directory: %s", strerror(errno));
        return list_add(l, copy, msg);
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
        rc = add_path(l, child, depth + 1);
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

fr_err fr_source_expand(char *const *args, size_t nargs, fr_source_list *list)
{
    memset(list, 0, sizeof *list);
    for (size_t i = 0; i < nargs; i++)
        if (add_path(list, args[i], 0) != 0)
            return FR_ERR_NOMEM;
    if (list->n)
        qsort(list->items, list->n, sizeof *list->items, item_cmp);
    size_t out = 0;
    for (size_t i = 0; i < list->n; i++) {
        if (out && strcmp(list->items[out - 1].path, list->items[i].path) == 0) {
            free(list->items[i].path);
            free(list->items[i].error);
            continue;
        }
        list->items[out++] = list->items[i];
    }
    list->n = out;
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
    memset(list, 0, sizeof *list);
}
