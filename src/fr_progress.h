/* SPDX-License-Identifier: MIT */
/* fr_progress: a one-line progress display on a terminal. The pipeline and
 * the fetch layer bump a few atomic counters (cheap, lock-free, from any
 * thread); a thread of fr_progress redraws one line on a FILE (stderr)
 * about every 250 ms:
 *
 *   12/288 inputs  1.2 GiB  3,456,789 records  45.6 MiB/s  ETA 0:42
 *
 * and fr_progress_free() erases it, so nothing of it stays on screen. The
 * line is written only when enabled; main decides that (a terminal, no -q).
 * Nothing else is written to the FILE while it runs. */
#ifndef FR_PROGRESS_H
#define FR_PROGRESS_H

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

/* What the line shows. Every field only grows; add with the helpers below.
 * Bytes are input bytes as read (compressed), in the same unit for done and
 * total: local file sizes, S3 object sizes, CloudWatch body bytes. */
typedef struct fr_progress_counters {
    _Atomic uint64_t inputs_total; /* inputs known so far (files found, objects listed) */
    _Atomic uint64_t inputs_done; /* inputs finished (read whole, failed or skipped) */
    _Atomic uint64_t bytes_total; /* input bytes expected; 0: unknown, no ETA */
    _Atomic uint64_t bytes_done; /* input bytes read */
    _Atomic uint64_t records; /* records parsed */
} fr_progress_counters;

typedef struct fr_progress fr_progress;

/* Returns a progress display writing to fp (not owned) when `enabled`, else
 * one that only counts and never writes. When its thread cannot be started
 * it quietly counts without drawing. Returns NULL only when out of memory;
 * every function here takes NULL and then does nothing. */
fr_progress *fr_progress_new(FILE *fp, int enabled);

/* Returns the counters of p (owned by p, valid until fr_progress_free), or
 * NULL when p is NULL. Hand this pointer to the pipeline and the fetch layer. */
fr_progress_counters *fr_progress_counters_of(fr_progress *p);

/* Stops the thread, erases the line if one was drawn (leaving the cursor at
 * the start of an empty line) and frees p; NULL is fine. */
void fr_progress_free(fr_progress *p);

/* Erases the line now, before something else is printed on the same FILE;
 * the next redraw brings it back. Returns nothing; NULL is fine. */
void fr_progress_clear(fr_progress *p);

/* The add helpers: relaxed atomic adds, NULL-safe (no progress: no-op). */
static inline void fr_progress_add_inputs_total(fr_progress_counters *c, uint64_t n)
{
    if (c)
        atomic_fetch_add_explicit(&c->inputs_total, n, memory_order_relaxed);
}

static inline void fr_progress_add_inputs_done(fr_progress_counters *c, uint64_t n)
{
    if (c)
        atomic_fetch_add_explicit(&c->inputs_done, n, memory_order_relaxed);
}

static inline void fr_progress_add_bytes_total(fr_progress_counters *c, uint64_t n)
{
    if (c)
        atomic_fetch_add_explicit(&c->bytes_total, n, memory_order_relaxed);
}

static inline void fr_progress_add_bytes(fr_progress_counters *c, uint64_t n)
{
    if (c)
        atomic_fetch_add_explicit(&c->bytes_done, n, memory_order_relaxed);
}

static inline void fr_progress_add_records(fr_progress_counters *c, uint64_t n)
{
    if (c)
        atomic_fetch_add_explicit(&c->records, n, memory_order_relaxed);
}

/* Formats the line for these counter values into buf (at least 128 bytes):
 * rate in bytes per second (< 0: unknown). Returns buf. Exposed for tests. */
char *fr_progress_format(char *buf, size_t len, uint64_t inputs_done, uint64_t inputs_total,
                         uint64_t bytes_done, uint64_t bytes_total, uint64_t records, double rate);

#endif
