/* SPDX-License-Identifier: MIT */
/* fr_source: turns command-line inputs (files, directories, "-") into the
 * sorted list of files to read. */
#ifndef FR_SOURCE_H
#define FR_SOURCE_H

#include <stddef.h>

#include "fr_error.h"

#include "fr_reader.h"

/* How a remote item is opened: open() returns the item's raw byte stream
 * (gzip or text; the pipeline stacks fr_reader_text on it), named name, or
 * NULL with *err and errbuf set. It is called from pipeline threads, so it
 * must be thread-safe. ctx is the opener's, handle the item's. */
typedef struct fr_source_opener {
    fr_reader *(*open)(void *ctx, void *handle, const char *name, fr_err *err, char *errbuf,
                       size_t errlen);
    void *ctx;
} fr_source_opener;

typedef struct fr_source_item {
    char *path; /* a local path, "-", or a remote name (s3://bucket/key, ...) */
    char *error; /* set when the path could not be listed or opened */
    const fr_source_opener *opener; /* NULL: a local file or "-" */
    void *handle; /* the opener's per-item data (not owned by the list) */
    char *etag; /* remote object's ETag (owned) or NULL */
    /* local files: identity, so one file reached by two names (hard links,
     * symlinks, a directory walked twice) is read once */
    unsigned long long dev, ino;
    int has_id; /* dev and ino are set */
    int is_dir; /* a directory that could not be walked (error set): not a file */
} fr_source_item;

typedef struct fr_source_list {
    size_t n, cap;
    fr_source_item *items; /* sorted by path (byte order), distinct */
    /* what the walk left out and why ("PATH: skipped: not a regular file
     * (FIFO)"), in walk order, owned; for main to print */
    char **notes;
    size_t n_notes;
} fr_source_list;

/* Expands args into list: directories are walked recursively (names starting
 * with '.' skipped), the result sorted and de-duplicated. Unlistable or missing
 * paths become items with an error. Each directory is walked once, by its
 * (device, inode), so symlink loops end; a file reached by several names is
 * listed once, under its first name in byte order. Inside directories only
 * regular files are listed: FIFOs, devices and sockets are left out with a
 * note in list->notes. An argument named on the command line is listed
 * whatever its type (a FIFO is read as a stream, like "-").
 * Returns FR_OK or FR_ERR_NOMEM. */
fr_err fr_source_expand(char *const *args, size_t nargs, fr_source_list *list);

/* Appends a remote item: copies name, etag (may be NULL) and error (may be
 * NULL); opener and handle are kept as they are. The list is not re-sorted
 * (call fr_source_sort). Returns FR_OK or FR_ERR_NOMEM. */
fr_err fr_source_add_remote(fr_source_list *list, const char *name, const char *etag,
                            const fr_source_opener *opener, void *handle, const char *error);

/* Sorts the list by path (byte order). Duplicate names stay. */
void fr_source_sort(fr_source_list *list);

/* Removes item i (freeing what it owns), keeping the order of the rest. */
void fr_source_remove(fr_source_list *list, size_t i);

/* Frees the list's contents. */
void fr_source_list_clear(fr_source_list *list);

#endif
