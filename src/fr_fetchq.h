/* SPDX-License-Identifier: MIT */
/* fr_fetchq: fetches remote items ahead of the pipeline. Jobs run on
 * `connections` fetch threads in the order they were added (the pipeline's
 * order); each job writes its item's bytes into a buffer that the pipeline
 * reads through an fr_reader. Memory is bounded: when the bytes buffered
 * but not yet read pass the budget, jobs of items nobody reads yet wait, so
 * the items being read always progress. */
#ifndef FR_FETCHQ_H
#define FR_FETCHQ_H

#include <stddef.h>
#include <stdint.h>

#include "fr_error.h"
#include "fr_reader.h"

typedef struct fr_fetchq fr_fetchq;
typedef struct fr_fetch_job fr_fetch_job;

/* A job: runs on a fetch thread and hands the item's bytes, in order, to
 * fr_fetch_put. Returns FR_OK when the item is complete; any other value
 * fails the item with errbuf's message (its reader returns that error after
 * the bytes already put). FR_ERR_AUTH also aborts the queue: every job not
 * yet done fails with the same message. */
typedef fr_err (*fr_fetch_fn)(void *item, fr_fetch_job *job, char *errbuf, size_t errlen);

/* Creates a queue with `connections` threads (not started yet) and a
 * budget of buffered bytes. Returns NULL when out of memory. */
fr_fetchq *fr_fetchq_new(int connections, size_t budget);

/* Adds a job for item (not owned); returns its id (0, 1, ... in order) or
 * (size_t)-1 when out of memory. Only before fr_fetchq_start. */
size_t fr_fetchq_add(fr_fetchq *q, fr_fetch_fn fn, void *item);

/* Starts the threads. Returns FR_OK or FR_ERR_THREAD. */
fr_err fr_fetchq_start(fr_fetchq *q);

/* From a job: appends bytes to its item. Blocks while over the budget and
 * the item is not being read. Returns 0, or -1 when the queue was aborted
 * (the job should return promptly; its result is ignored). */
int fr_fetch_put(fr_fetch_job *job, const uint8_t *data, size_t len);

/* From a job: 1 when the queue was aborted. */
int fr_fetch_aborted(const fr_fetch_job *job);

/* A reader of job id's bytes, named name; the bytes are hashed (SHA-256)
 * like a local file's. Blocks in read until bytes arrive. Call once per id.
 * Returns NULL when out of memory. */
fr_reader *fr_fetchq_open(fr_fetchq *q, size_t id, const char *name);

/* Aborts: waiting jobs and readers return at once. Safe from any thread. */
void fr_fetchq_abort(fr_fetchq *q);

/* When a job failed with FR_ERR_AUTH: 1 and its message; else 0. */
int fr_fetchq_fatal(const fr_fetchq *q, char *errbuf, size_t errlen);

/* Peak bytes buffered at once (for the benchmark). */
size_t fr_fetchq_peak(const fr_fetchq *q);

/* Aborts what is left, joins the threads and frees q; NULL is fine. */
void fr_fetchq_free(fr_fetchq *q);

#endif
