/* SPDX-License-Identifier: MIT */
/* fetchq: fetch threads that run remote jobs ahead of the pipeline, with the
 * bytes of each item buffered in a chunk list under one memory budget. */
#include "fr_fetchq.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bytes per buffer chunk: a job holds at most one chunk beyond the budget. */
#define CHUNK_CAP (64 * 1024)
#define CHUNK_MIN (4 * 1024)

typedef struct chunk {
    struct chunk *next;
    size_t cap, len, pos; /* room, bytes held, bytes already read */
    uint8_t data[];
} chunk;

struct fr_fetch_job {
    fr_fetchq *q;
    size_t id;
    fr_fetch_fn fn;
    void *item;
    /* under q->mu: */
    chunk *head, *tail;
    size_t buffered; /* this item's bytes not yet read */
    int started, done; /* done: the job returned (err, msg hold its result) */
    int opened; /* a reader exists (or existed) */
    int closed; /* its reader was freed: later bytes are dropped */
    fr_err err;
    char msg[512];
};

struct fr_fetchq {
    pthread_mutex_t mu;
    pthread_cond_t cv_put; /* jobs waiting for room */
    pthread_cond_t cv_data; /* readers waiting for bytes */
    fr_fetch_job **jobs;
    size_t n, cap;
    size_t next; /* the next job to start */
    int connections;
    pthread_t *threads;
    int n_threads; /* threads started */
    size_t budget, buffered, peak;
    int aborted;
    int fatal; /* a job failed with FR_ERR_AUTH */
    char fatal_msg[512];
};

/* Locks q's mutex; the mutex is a plain default one, so this cannot fail
 * short of memory corruption, which we do not try to survive. */
static void lock(const fr_fetchq *q)
{
    (void)pthread_mutex_lock((pthread_mutex_t *)&q->mu);
}

static void unlock(const fr_fetchq *q)
{
    (void)pthread_mutex_unlock((pthread_mutex_t *)&q->mu);
}

fr_fetchq *fr_fetchq_new(int connections, size_t budget)
{
    fr_fetchq *q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    int mu = 0, c1 = 0, c2 = 0;
    if (pthread_mutex_init(&q->mu, NULL) != 0)
        goto fail;
    mu = 1;
    if (pthread_cond_init(&q->cv_put, NULL) != 0)
        goto fail;
    c1 = 1;
    if (pthread_cond_init(&q->cv_data, NULL) != 0)
        goto fail;
    c2 = 1;
    q->connections = connections < 1 ? 1 : connections;
    q->budget = budget < CHUNK_CAP ? CHUNK_CAP : budget;
    q->threads = calloc((size_t)q->connections, sizeof *q->threads);
    if (!q->threads)
        goto fail;
    return q;
fail:
    if (c2)
        pthread_cond_destroy(&q->cv_data);
    if (c1)
        pthread_cond_destroy(&q->cv_put);
    if (mu)
        pthread_mutex_destroy(&q->mu);
    free(q);
    return NULL;
}

size_t fr_fetchq_add(fr_fetchq *q, fr_fetch_fn fn, void *item)
{
    if (q->n == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 64;
        fr_fetch_job **jobs = realloc(q->jobs, cap * sizeof *jobs);
        if (!jobs)
            return (size_t)-1;
        q->jobs = jobs;
        q->cap = cap;
    }
    fr_fetch_job *j = calloc(1, sizeof *j);
    if (!j)
        return (size_t)-1;
    j->q = q;
    j->id = q->n;
    j->fn = fn;
    j->item = item;
    q->jobs[q->n] = j;
    return q->n++;
}

/* Under the lock: the error a job or reader sees once the queue stopped. */
static fr_err abort_error(const fr_fetchq *q, char *errbuf, size_t errlen)
{
    if (q->fatal) {
        snprintf(errbuf, errlen, "%s", q->fatal_msg);
        return FR_ERR_AUTH;
    }
    snprintf(errbuf, errlen, "fetch stopped before this item was complete");
    return FR_ERR_REMOTE;
}

/* Thread body: takes jobs in order until none is left or the queue stops. */
static void *fetch_thread(void *arg)
{
    fr_fetchq *q = arg;
    char msg[512];
    lock(q);
    while (!q->aborted && q->next < q->n) {
        fr_fetch_job *j = q->jobs[q->next++];
        j->started = 1;
        unlock(q);
        msg[0] = '\0';
        fr_err e = j->fn(j->item, j, msg, sizeof msg);
        lock(q);
        if (e == FR_ERR_AUTH && !q->fatal) {
            q->fatal = 1;
            snprintf(q->fatal_msg, sizeof q->fatal_msg, "%s", msg);
            q->aborted = 1;
            pthread_cond_broadcast(&q->cv_put);
        }
        if (q->aborted && e != FR_ERR_AUTH) {
            j->err = abort_error(q, j->msg, sizeof j->msg);
        } else {
            j->err = e;
            if (e != FR_OK)
                snprintf(j->msg, sizeof j->msg, "%s", msg[0] ? msg : fr_strerror(e));
        }
        j->done = 1;
        pthread_cond_broadcast(&q->cv_data);
    }
    unlock(q);
    return NULL;
}

fr_err fr_fetchq_start(fr_fetchq *q)
{
    int want = q->connections;
    if ((size_t)want > q->n)
        want = (int)q->n;
    for (int i = 0; i < want; i++) {
        if (pthread_create(&q->threads[i], NULL, fetch_thread, q) != 0) {
            fr_fetchq_abort(q);
            return FR_ERR_THREAD;
        }
        q->n_threads++;
    }
    return FR_OK;
}

/* Under the lock: 1 when job j may buffer more bytes now. */
static int has_room(const fr_fetchq *q, const fr_fetch_job *j)
{
    if (q->buffered < q->budget)
        return 1;
    /* Over the budget, the item being read still progresses, one chunk at
     * a time, so the pipeline never waits on memory held by later items. */
    return j->opened && j->buffered == 0;
}

int fr_fetch_put(fr_fetch_job *job, const uint8_t *data, size_t len)
{
    fr_fetchq *q = job->q;
    lock(q);
    while (len > 0) {
        while (!q->aborted && !job->closed && !has_room(q, job))
            pthread_cond_wait(&q->cv_put, &q->mu);
        if (q->aborted) {
            unlock(q);
            return -1;
        }
        if (job->closed) /* nobody will read these bytes */
            break;
        chunk *t = job->tail;
        if (!t || t->len == t->cap) {
            /* sized to the data (small objects stay small), at most a chunk */
            size_t cap = len < CHUNK_MIN ? CHUNK_MIN : len > CHUNK_CAP ? CHUNK_CAP : len;
            t = malloc(sizeof *t + cap);
            if (!t) {
                unlock(q);
                return -1;
            }
            t->next = NULL;
            t->len = t->pos = 0;
            t->cap = cap;
            if (job->tail)
                job->tail->next = t;
            else
                job->head = t;
            job->tail = t;
        }
        size_t n = t->cap - t->len;
        if (n > len)
            n = len;
        memcpy(t->data + t->len, data, n);
        t->len += n;
        data += n;
        len -= n;
        job->buffered += n;
        q->buffered += n;
        if (q->buffered > q->peak)
            q->peak = q->buffered;
        pthread_cond_broadcast(&q->cv_data);
    }
    unlock(q);
    return 0;
}

int fr_fetch_aborted(const fr_fetch_job *job)
{
    lock(job->q);
    int a = job->q->aborted;
    unlock(job->q);
    return a;
}

/* ---- the reader of one item ---- */

typedef struct fetch_reader {
    fr_fetchq *q;
    fr_fetch_job *job;
    size_t name_len; /* the item's name, whose "NAME: " a job's message may start with */
    char name[];
} fetch_reader;

/* Copies buffered bytes out, waiting for some when none are there. Returns
 * FR_OK (*got 0 at the end) or the job's error once its bytes are read. */
static fr_err fetch_read(void *ctx, uint8_t *buf, size_t cap, size_t *got, char *errbuf,
                         size_t errlen)
{
    fetch_reader *fr = ctx;
    fr_fetchq *q = fr->q;
    fr_fetch_job *j = fr->job;
    fr_err e = FR_OK;
    *got = 0;
    lock(q);
    while (!j->head && !j->done && !q->aborted)
        pthread_cond_wait(&q->cv_data, &q->mu);
    size_t n = 0;
    while (j->head && n < cap) {
        chunk *c = j->head;
        size_t k = c->len - c->pos;
        if (k > cap - n)
            k = cap - n;
        memcpy(buf + n, c->data + c->pos, k);
        c->pos += k;
        n += k;
        if (c->pos == c->len) {
            j->head = c->next;
            if (!j->head)
                j->tail = NULL;
            free(c);
        }
    }
    if (n > 0) {
        j->buffered -= n;
        q->buffered -= n;
        pthread_cond_broadcast(&q->cv_put);
    } else if (j->done) {
        if (j->err != FR_OK) {
            /* The pipeline names the input itself: do not say it twice. */
            const char *m = j->msg;
            if (strncmp(m, fr->name, fr->name_len) == 0 && m[fr->name_len] == ':' &&
                m[fr->name_len + 1] == ' ')
                m += fr->name_len + 2;
            snprintf(errbuf, errlen, "%s", m);
            e = j->err;
        }
    } else if (q->aborted) {
        e = abort_error(q, errbuf, errlen);
    }
    unlock(q);
    *got = n;
    return e;
}

/* Drops what is left of the item and lets its job run without a reader. */
static void fetch_close(void *ctx)
{
    fetch_reader *fr = ctx;
    if (!fr)
        return;
    fr_fetchq *q = fr->q;
    fr_fetch_job *j = fr->job;
    lock(q);
    j->closed = 1;
    while (j->head) {
        chunk *c = j->head;
        j->head = c->next;
        free(c);
    }
    j->tail = NULL;
    q->buffered -= j->buffered;
    j->buffered = 0;
    pthread_cond_broadcast(&q->cv_put);
    unlock(q);
    free(fr);
}

static const fr_reader_ops fetch_ops = {fetch_read, fetch_close};

fr_reader *fr_fetchq_open(fr_fetchq *q, size_t id, const char *name)
{
    if (id >= q->n)
        return NULL;
    size_t nl = strlen(name);
    fetch_reader *fr = malloc(sizeof *fr + nl + 1);
    if (!fr)
        return NULL;
    fr->name_len = nl;
    memcpy(fr->name, name, nl + 1);
    fr->q = q;
    fr->job = q->jobs[id];
    lock(q);
    fr->job->opened = 1;
    pthread_cond_broadcast(&q->cv_put);
    unlock(q);
    return fr_reader_new_hashed(name, &fetch_ops, fr);
}

void fr_fetchq_abort(fr_fetchq *q)
{
    lock(q);
    q->aborted = 1;
    pthread_cond_broadcast(&q->cv_put);
    pthread_cond_broadcast(&q->cv_data);
    unlock(q);
}

int fr_fetchq_fatal(const fr_fetchq *q, char *errbuf, size_t errlen)
{
    lock(q);
    int f = q->fatal;
    if (f)
        snprintf(errbuf, errlen, "%s", q->fatal_msg);
    unlock(q);
    return f;
}

size_t fr_fetchq_peak(const fr_fetchq *q)
{
    lock(q);
    size_t p = q->peak;
    unlock(q);
    return p;
}

void fr_fetchq_free(fr_fetchq *q)
{
    if (!q)
        return;
    fr_fetchq_abort(q);
    for (int i = 0; i < q->n_threads; i++)
        pthread_join(q->threads[i], NULL);
    for (size_t i = 0; i < q->n; i++) {
        fr_fetch_job *j = q->jobs[i];
        while (j->head) {
            chunk *c = j->head;
            j->head = c->next;
            free(c);
        }
        free(j);
    }
    free(q->jobs);
    free(q->threads);
    pthread_cond_destroy(&q->cv_data);
    pthread_cond_destroy(&q->cv_put);
    pthread_mutex_destroy(&q->mu);
    free(q);
}
