/* SPDX-License-Identifier: MIT */
/* progress: the one-line progress display, redrawn by its own thread from
 * atomic counters that the pipeline and the fetch layer bump. */
#include "fr_progress.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PG_INTERVAL_NS 250000000L /* redraw every 250 ms */
#define PG_SAMPLES 20 /* rate over the last 5 s (20 redraws) */

struct fr_progress {
    fr_progress_counters c;
    FILE *fp;
    int running; /* the thread was started */
    atomic_int stop; /* the thread should end (set under mu, so a waiting thread wakes) */
    int drawn; /* under mu: a line is on screen */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t thread;
    /* the thread's own: recent (time, bytes) samples for the rate */
    double when[PG_SAMPLES];
    uint64_t bytes[PG_SAMPLES];
    size_t n_samples, next;
};

/* Returns monotonic time in seconds. */
static double pg_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Formats a byte count in binary units ("512 B", "1.2 GiB") into buf (32
 * bytes); returns buf. */
static char *pg_bytes(uint64_t n, char *buf)
{
    static const char *const unit[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double v = (double)n;
    int u = -1;

    if (n < 1024) {
        snprintf(buf, 32, "%" PRIu64 " B", n);
        return buf;
    }
    while (v >= 1023.95 && u < 5) {
        v /= 1024.0;
        u++;
    }
    snprintf(buf, 32, "%.1f %s", v, unit[u]);
    return buf;
}

/* Formats v with thousands separators into buf (32 bytes); returns buf. */
static char *pg_num(uint64_t v, char *buf)
{
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, "%" PRIu64, v), o = 0;

    for (int i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = tmp[i];
    }
    buf[o] = '\0';
    return buf;
}

/* Appends printf-style text to buf (len bytes) at *o, truncating at the end. */
#if defined(__GNUC__)
#define PG_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define PG_PRINTF(f, a)
#endif

static void pg_append(char *buf, size_t len, size_t *o, const char *fmt, ...) PG_PRINTF(4, 5);
static void pg_append(char *buf, size_t len, size_t *o, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (*o + 1 >= len)
        return;
    va_start(ap, fmt);
    n = vsnprintf(buf + *o, len - *o, fmt, ap);
    va_end(ap);
    if (n > 0)
        *o = (size_t)n < len - *o ? *o + (size_t)n : len - 1;
}

char *fr_progress_format(char *buf, size_t len, uint64_t inputs_done, uint64_t inputs_total,
                         uint64_t bytes_done, uint64_t bytes_total, uint64_t records, double rate)
{
    char a[32], b[32];
    size_t o = 0;

    if (!len)
        return buf;
    buf[0] = '\0';
    if (inputs_total)
        pg_append(buf, len, &o, "%s/%s inputs", pg_num(inputs_done, a), pg_num(inputs_total, b));
    else
        pg_append(buf, len, &o, "%s inputs", pg_num(inputs_done, a));
    pg_append(buf, len, &o, "  %s  %s records", pg_bytes(bytes_done, a), pg_num(records, b));
    if (rate >= 0)
        pg_append(buf, len, &o, "  %.1f MiB/s", rate / (1024.0 * 1024.0));
    if (rate > 0 && bytes_total && bytes_total >= bytes_done) {
        double left = (double)(bytes_total - bytes_done) / rate;
        uint64_t s = left > 359999 ? 359999 : (uint64_t)(left + 0.5);
        if (s >= 3600)
            pg_append(buf, len, &o, "  ETA %" PRIu64 ":%02" PRIu64 ":%02" PRIu64, s / 3600,
                      s / 60 % 60, s % 60);
        else
            pg_append(buf, len, &o, "  ETA %" PRIu64 ":%02" PRIu64, s / 60, s % 60);
    }
    return buf;
}

/* Draws the line once (the caller holds mu). A failed write is ignored:
 * the display is a courtesy, and the next redraw tries again. */
static void pg_draw(fr_progress *p)
{
    uint64_t done = atomic_load_explicit(&p->c.inputs_done, memory_order_relaxed);
    uint64_t total = atomic_load_explicit(&p->c.inputs_total, memory_order_relaxed);
    uint64_t bytes = atomic_load_explicit(&p->c.bytes_done, memory_order_relaxed);
    uint64_t btotal = atomic_load_explicit(&p->c.bytes_total, memory_order_relaxed);
    uint64_t records = atomic_load_explicit(&p->c.records, memory_order_relaxed);
    double now = pg_now(), rate = -1;
    char line[192];

    /* the rate over the oldest sample kept, at most PG_SAMPLES redraws ago */
    if (p->n_samples) {
        size_t oldest = p->n_samples < PG_SAMPLES ? 0 : p->next;
        double dt = now - p->when[oldest];
        if (dt > 0.1)
            rate = (double)(bytes - p->bytes[oldest]) / dt;
    }
    p->when[p->next] = now;
    p->bytes[p->next] = bytes;
    p->next = (p->next + 1) % PG_SAMPLES;
    if (p->n_samples < PG_SAMPLES)
        p->n_samples++;

    fr_progress_format(line, sizeof line, done, total, bytes, btotal, records, rate);
    if (fprintf(p->fp, "\r%s\033[K", line) >= 0)
        p->drawn = 1;
    fflush(p->fp);
}

/* Erases the line if one is drawn (the caller holds mu). */
static void pg_erase(fr_progress *p)
{
    if (!p->drawn)
        return;
    fputs("\r\033[K", p->fp);
    fflush(p->fp);
    p->drawn = 0;
}

/* The redraw thread: waits 250 ms at a time until told to stop. */
static void *pg_main(void *arg)
{
    fr_progress *p = arg;
    struct timespec due;

    if (pthread_mutex_lock(&p->mu) != 0)
        return NULL;
    /* the first sample: rates count from here */
    p->when[0] = pg_now();
    p->bytes[0] = atomic_load_explicit(&p->c.bytes_done, memory_order_relaxed);
    p->n_samples = 1;
    p->next = 1;
    clock_gettime(CLOCK_MONOTONIC, &due);
    while (!p->stop) {
        due.tv_nsec += PG_INTERVAL_NS;
        if (due.tv_nsec >= 1000000000L) {
            due.tv_nsec -= 1000000000L;
            due.tv_sec++;
        }
        int rc = 0;
        while (!p->stop && rc != ETIMEDOUT) {
            rc = pthread_cond_timedwait(&p->cv, &p->mu, &due);
            if (rc != 0 && rc != ETIMEDOUT) { /* cannot wait: stop drawing */
                (void)pthread_mutex_unlock(&p->mu);
                return NULL;
            }
        }
        if (!p->stop)
            pg_draw(p);
    }
    (void)pthread_mutex_unlock(&p->mu);
    return NULL;
}

fr_progress *fr_progress_new(FILE *fp, int enabled)
{
    pthread_condattr_t ca;
    fr_progress *p = calloc(1, sizeof *p);
    int have_mu = 0, have_cv = 0, have_ca = 0;

    if (!p)
        return NULL;
    atomic_init(&p->c.inputs_total, 0);
    atomic_init(&p->c.inputs_done, 0);
    atomic_init(&p->c.bytes_total, 0);
    atomic_init(&p->c.bytes_done, 0);
    atomic_init(&p->c.records, 0);
    atomic_init(&p->stop, 0);
    p->fp = fp;
    if (!enabled || !fp)
        return p;
    /* From here a failure only means no display: p still counts. */
    if (pthread_mutex_init(&p->mu, NULL) != 0)
        goto fail;
    have_mu = 1;
    if (pthread_condattr_init(&ca) != 0)
        goto fail;
    have_ca = 1;
    if (pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 || pthread_cond_init(&p->cv, &ca) != 0)
        goto fail;
    have_cv = 1;
    if (pthread_create(&p->thread, NULL, pg_main, p) != 0)
        goto fail;
    pthread_condattr_destroy(&ca);
    p->running = 1;
    return p;
fail:
    if (have_ca)
        pthread_condattr_destroy(&ca);
    if (have_cv)
        pthread_cond_destroy(&p->cv);
    if (have_mu)
        pthread_mutex_destroy(&p->mu);
    return p;
}

fr_progress_counters *fr_progress_counters_of(fr_progress *p)
{
    return p ? &p->c : NULL;
}

void fr_progress_clear(fr_progress *p)
{
    if (!p || !p->running || pthread_mutex_lock(&p->mu) != 0)
        return;
    pg_erase(p);
    (void)pthread_mutex_unlock(&p->mu);
}

void fr_progress_free(fr_progress *p)
{
    if (!p)
        return;
    if (p->running) {
        /* Without the lock the thread still sees stop within 250 ms. */
        int locked = pthread_mutex_lock(&p->mu) == 0;
        atomic_store(&p->stop, 1);
        if (locked) {
            (void)pthread_cond_signal(&p->cv);
            (void)pthread_mutex_unlock(&p->mu);
        }
        if (pthread_join(p->thread, NULL) != 0)
            return; /* the thread may still use p: leak it rather than free it */
        pg_erase(p); /* the thread has ended: no lock needed */
        pthread_cond_destroy(&p->cv);
        pthread_mutex_destroy(&p->mu);
    }
    free(p);
}
