/* SPDX-License-Identifier: MIT */
/* state_merge: checking that states do not overlap, loading them (in
 * parallel with -j) into the run's aggregate and tables, and the finish
 * hook that does it and saves the run's own state. */
#include "fr_state_int.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fr_sbuf.h"

/* ---- loading ---- */

/* A state file read once at merge time: every byte read is hashed on its
 * way to the inflating reader (a stdio cookie stream). The hash of the
 * bytes before the trailer is the checksum; continued over the trailer, it
 * is the whole file's SHA-256. */
typedef struct hashed {
    int fd;
    EVP_MD_CTX *ctx; /* every byte */
    EVP_MD_CTX *cks; /* a copy of it at body_end */
    uint64_t body_end; /* where the trailer starts */
    uint8_t tail[32]; /* the trailer as read now */
    int snapped; /* cks was taken */
    uint64_t n; /* bytes read */
    int err; /* errno of a failed read, or -1 when hashing failed */
} hashed;

static ssize_t hashed_read(void *cookie, char *buf, size_t size)
{
    hashed *h = cookie;
    ssize_t got;
    do
        got = read(h->fd, buf, size);
    while (got < 0 && errno == EINTR);
    if (got < 0) {
        h->err = errno;
        return -1;
    }
    size_t n = (size_t)got;
    int snap = !h->snapped && h->n + n >= h->body_end;
    size_t first = snap ? (size_t)(h->body_end - h->n) : n;
    int ok = EVP_DigestUpdate(h->ctx, buf, first) == 1;
    if (ok && snap) {
        ok = EVP_MD_CTX_copy_ex(h->cks, h->ctx) == 1 &&
            EVP_DigestUpdate(h->ctx, buf + first, n - first) == 1;
        h->snapped = 1;
    }
    if (!ok) {
        h->err = -1;
        return -1;
    }
    /* the bytes of [body_end, body_end + 32) in this read */
    uint64_t lo = h->n > h->body_end ? h->n : h->body_end, hi = h->n + n;
    if (hi > h->body_end + 32)
        hi = h->body_end + 32;
    if (lo < hi)
        memcpy(h->tail + (lo - h->body_end), buf + (lo - h->n), (size_t)(hi - lo));
    h->n += n;
    return got;
}

/* Reads fp to its end (hashing what is left). Returns 0, or -1 on an error. */
static int drain(FILE *fp)
{
    char buf[8192];
    while (fread(buf, 1, sizeof buf, fp) == sizeof buf)
        ;
    return ferror(fp) ? -1 : 0;
}

/* Loads state st into agg and top (reading its file once). Returns FR_OK
 * or an error with "NAME: why" in errbuf; agg and top then hold part of the
 * state and must not be reported. */
static fr_err merge_one(const fr_stateset *s, state *st, fr_agg *agg, fr_topn *top,
                        fr_agg *counts_into, pthread_mutex_t *mu, char *errbuf, size_t errlen)
{
    hashed hf = {.fd = -1, .body_end = HEADER_LEN + state_get_le(st->header + 24, 8)};
    FILE *fp = NULL;
    fr_sreader *r = NULL;
    fr_agg *a = NULL;
    head h;
    memset(&h, 0, sizeof h);
    fr_err err = FR_ERR_NOMEM;
    if ((hf.fd = open(st->path, O_RDONLY | O_CLOEXEC)) < 0) {
        snprintf(errbuf, errlen, "%s: state file refused: cannot open: %s", st->name,
                 strerror(errno));
        return FR_ERR_OPEN;
    }
    cookie_io_functions_t io = {.read = hashed_read};
    if (!(hf.ctx = EVP_MD_CTX_new()) || !(hf.cks = EVP_MD_CTX_new()) ||
        EVP_DigestInit_ex(hf.ctx, EVP_sha256(), NULL) != 1 || !(fp = fopencookie(&hf, "rb", io)) ||
        setvbuf(fp, NULL, _IOFBF, 1u << 16) != 0 || !(a = fr_agg_new(&s->run.reduce)))
        goto done;
    uint8_t hd[HEADER_LEN];
    int same =
        fread(hd, 1, HEADER_LEN, fp) == HEADER_LEN && memcmp(hd, st->header, HEADER_LEN) == 0;
    if (same && !(r = fr_sreader_new(fp, state_get_le(hd + 24, 8), state_get_le(hd + 16, 8))))
        goto done;
    /* the findings' counters and the top tables, the big parts, go straight
     * into agg's and top; a state that fails here fails the run (nothing is
     * written), so a half-merged aggregate is never reported */
    int bad = !same;
    if (!bad) {
        err = FR_OK;
        bad = state_load_head(r, &h);
        if (!bad && h.window != st->h.window) { /* the bytes changed: said below */
            fr_sr_fail(r, "the window changed");
            bad = 1;
        }
        bad = bad ||
            (err = fr_agg_load(a, r, h.window, agg, (unsigned)state_get_le(st->header + 8, 4))) !=
                FR_OK ||
            (err = fr_topn_load(top, r)) != FR_OK || fr_sr_end(r);
        if (err == FR_ERR_NOMEM)
            goto done;
    }
    /* the rest is the trailer: the bytes before it must hash to it, and it
     * must be the one found when the file was added */
    uint8_t sha[32], cks[32];
    unsigned int dl = 0;
    if (drain(fp) || hf.err ||
        (hf.snapped &&
         (EVP_DigestFinal_ex(hf.cks, cks, &dl) != 1 ||
          EVP_DigestFinal_ex(hf.ctx, sha, &dl) != 1))) {
        err = FR_ERR_IO;
        snprintf(errbuf, errlen, "%s: state file refused: read error%s%s", st->name,
                 hf.err > 0 ? ": " : "", hf.err > 0 ? strerror(hf.err) : "");
        goto done;
    }
    if (hf.n != st->size || !hf.snapped || memcmp(hf.tail, st->trailer, 32) != 0) {
        err = FR_ERR_FORMAT;
        snprintf(errbuf, errlen, "%s: the state file changed while the run read it", st->name);
        goto done;
    }
    if (memcmp(cks, hf.tail, 32) != 0) {
        err = FR_ERR_FORMAT;
        snprintf(errbuf, errlen,
                 "%s: state file refused: checksum mismatch: the file was changed or damaged",
                 st->name);
        goto done;
    }
    memcpy(st->sha256, sha, 32);
    if (bad) {
        err = FR_ERR_FORMAT;
        snprintf(errbuf, errlen, "%s: state file refused: %s", st->name,
                 r && fr_sr_failed(r) ? fr_sr_failed(r) : "bad body");
        goto done;
    }
    if (mu) { /* the windows, interfaces and gaps go to the shared aggregate */
        pthread_mutex_lock(mu);
        err = fr_agg_merge_counts(counts_into, a);
        pthread_mutex_unlock(mu);
    } else {
        err = fr_agg_merge(agg, a);
    }
done:
    if (err == FR_ERR_NOMEM)
        snprintf(errbuf, errlen, "out of memory");
    state_head_clear(&h);
    fr_sreader_free(r);
    fr_agg_free(a);
    if (fp)
        fclose(fp);
    EVP_MD_CTX_free(hf.ctx);
    EVP_MD_CTX_free(hf.cks);
    close(hf.fd);
    return err;
}

/* States loaded by several threads: each worker takes the next state not
 * yet taken, loads its findings and top tables into its own and adds its
 * windows, interfaces and gaps to the run's aggregate under agg_mu (they
 * are copied once, not again at the end; the findings are not touched
 * there, so worker 0 fills the run's meanwhile). */
typedef struct loader {
    fr_stateset *s;
    pthread_mutex_t mu;
    fr_agg *agg; /* the run's: every worker adds windows, interfaces and gaps here */
    pthread_mutex_t agg_mu; /* held while one does */
    size_t next; /* the next state to take */
    size_t first_bad; /* the first state (in argument order) that failed, or s->n */
    fr_err err; /* its error */
    char *msg; /* and message */
    size_t msglen;
} loader;

typedef struct loader_worker {
    loader *l;
    pthread_t th;
    fr_agg *agg;
    fr_topn *top;
    char *msg;
} loader_worker;

/* Takes states until none is left or one before the next failed. A failed
 * worker stops: every state before the first failure is still taken by
 * someone, so the error reported is that of the first failing state. */
static void *loader_main(void *arg)
{
    loader_worker *w = arg;
    loader *l = w->l;
    for (;;) {
        pthread_mutex_lock(&l->mu);
        size_t i = l->next < l->first_bad ? l->next++ : l->s->n;
        pthread_mutex_unlock(&l->mu);
        if (i >= l->s->n)
            break;
        fr_err e =
            merge_one(l->s, &l->s->v[i], w->agg, w->top, l->agg, &l->agg_mu, w->msg, l->msglen);
        if (e != FR_OK) {
            pthread_mutex_lock(&l->mu);
            if (i < l->first_bad) {
                l->first_bad = i;
                l->err = e;
                memcpy(l->msg, w->msg, l->msglen);
            }
            pthread_mutex_unlock(&l->mu);
            break;
        }
    }
    return NULL;
}

/* Workers' tables to add to the run's, in worker order. */
typedef struct top_adder {
    fr_topn *top;
    loader_worker *w;
    size_t nt;
    fr_err err;
} top_adder;

static void *add_tops(void *arg)
{
    top_adder *a = arg;
    for (size_t t = 1; t < a->nt && a->err == FR_OK; t++) {
        a->err = fr_topn_move(a->top, a->w[t].top);
        fr_topn_free(a->w[t].top);
        a->w[t].top = NULL;
    }
    return NULL;
}

/* Loads every state into agg and top with nt threads: the calling one into
 * agg and top, each other into its own findings' counters and tables (with
 * the run's key budget), added to agg and top afterwards in worker order;
 * windows, interfaces and gaps go to agg as each state is loaded. Returns
 * FR_OK or the first failing state's error (errbuf set); agg and top then
 * hold part of the states. */
static fr_err merge_parallel(fr_stateset *s, size_t nt, fr_agg *agg, fr_topn *top, char *errbuf,
                             size_t errlen)
{
    /* the run's budget, as the pipeline sets it for its table */
    size_t max_keys =
        s->run.max_memory ? (size_t)(s->run.max_memory / 3 / FR_TOPN_BYTES_PER_KEY) : 0;
    if (s->run.max_memory && max_keys < 1024)
        max_keys = 1024;
    loader l = {.s = s, .agg = agg, .first_bad = s->n, .err = FR_OK, .msglen = errlen};
    loader_worker *w = calloc(nt, sizeof *w);
    size_t started = 0;
    int mu_ok = 0;
    fr_err err = FR_ERR_NOMEM;
    if (!w || !(l.msg = calloc(1, errlen)))
        goto done;
    /* worker 0 loads straight into the run's aggregate and tables: only
     * the others' are added afterwards */
    for (size_t t = 0; t < nt; t++) {
        w[t].l = &l;
        if (!(w[t].msg = calloc(1, errlen)))
            goto done;
        if (t == 0) {
            w[t].agg = agg;
            w[t].top = top;
        } else if (!(w[t].agg = fr_agg_new(&s->run.reduce)) ||
                   !(w[t].top = fr_topn_new(max_keys))) {
            goto done;
        }
    }
    if (pthread_mutex_init(&l.mu, NULL) != 0) {
        err = FR_ERR_THREAD;
        snprintf(errbuf, errlen, "cannot create a mutex");
        goto done;
    }
    if (pthread_mutex_init(&l.agg_mu, NULL) != 0) {
        pthread_mutex_destroy(&l.mu);
        err = FR_ERR_THREAD;
        snprintf(errbuf, errlen, "cannot create a mutex");
        goto done;
    }
    mu_ok = 1;
    /* worker 0 runs here; if a thread cannot start, the others take its share */
    for (size_t t = 1; t < nt && started + 1 == t; t++)
        if (pthread_create(&w[t].th, NULL, loader_main, &w[t]) == 0)
            started = t;
    loader_main(&w[0]);
    int joined = 1;
    for (size_t t = 1; t <= started; t++)
        joined &= pthread_join(w[t].th, NULL) == 0;
    started = 0;
    if (!joined) {
        err = FR_ERR_THREAD;
        snprintf(errbuf, errlen, "cannot join a state loading thread");
        goto done;
    }
    if (l.first_bad < s->n) {
        err = l.err;
        snprintf(errbuf, errlen, "%s", l.msg);
        goto done;
    }
    /* the others' tables are added by a thread beside their aggregates */
    top_adder ta = {top, w, nt, FR_OK};
    pthread_t th;
    int th_ok = pthread_create(&th, NULL, add_tops, &ta) == 0;
    if (!th_ok)
        add_tops(&ta);
    fr_err ea = FR_OK;
    for (size_t t = 1; t < nt && ea == FR_OK; t++) {
        ea = fr_agg_merge(agg, w[t].agg) != FR_OK ? FR_ERR_NOMEM : FR_OK;
        fr_agg_free(w[t].agg);
        w[t].agg = NULL;
    }
    if (th_ok && pthread_join(th, NULL) != 0) {
        err = FR_ERR_THREAD;
        snprintf(errbuf, errlen, "cannot join a state loading thread");
        goto done;
    }
    if (ea != FR_OK || ta.err != FR_OK)
        goto done;
    err = FR_OK;
done:
    for (size_t t = 1; t <= started; t++)
        pthread_join(w[t].th, NULL);
    if (err == FR_ERR_NOMEM)
        snprintf(errbuf, errlen, "out of memory");
    if (mu_ok) {
        pthread_mutex_destroy(&l.mu);
        pthread_mutex_destroy(&l.agg_mu);
    }
    for (size_t t = 0; w && t < nt; t++) {
        if (t > 0) {
            fr_agg_free(w[t].agg);
            fr_topn_free(w[t].top);
        }
        free(w[t].msg);
    }
    free(w);
    free(l.msg);
    return err;
}

static int cmp_input(const void *pa, const void *pb)
{
    const fr_input_row *a = pa, *b = pb;
    int c = strcmp(a->path, b->path);
    if (c)
        return c;
    return strcmp(a->via_state ? a->via_state : "", b->via_state ? b->via_state : "");
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Moves every state's inputs and unknown fields into r. */
static fr_err take_rows(fr_stateset *s, fr_report *r)
{
    size_t add = 0, addu = 0;
    for (size_t i = 0; i < s->n; i++) {
        add += s->v[i].h.n_inputs;
        addu += s->v[i].h.n_unknown;
    }
    fr_input_row *v = realloc(r->inputs, (r->n_inputs + add + 1) * sizeof *v);
    if (!v)
        return FR_ERR_NOMEM;
    r->inputs = v;
    char **u = realloc(r->unknown_fields, (r->n_unknown_fields + addu + 1) * sizeof *u);
    if (!u)
        return FR_ERR_NOMEM;
    r->unknown_fields = u;
    if (s->n) {
        fr_state_row *sr = calloc(s->n, sizeof *sr);
        if (!sr)
            return FR_ERR_NOMEM;
        r->states = sr;
        for (size_t i = 0; i < s->n; i++) {
            if (!(sr[i].name = strdup(s->v[i].name)))
                return FR_ERR_NOMEM;
            r->n_states = i + 1;
            sr[i].size = s->v[i].size;
            memcpy(sr[i].sha256, s->v[i].sha256, 32);
            sr[i].inputs = s->v[i].h.n_inputs;
        }
    }
    for (size_t i = 0; i < s->n; i++) {
        head *h = &s->v[i].h;
        memcpy(r->inputs + r->n_inputs, h->inputs, h->n_inputs * sizeof *h->inputs);
        r->n_inputs += h->n_inputs;
        h->n_inputs = 0;
        for (size_t k = 0; k < h->n_unknown; k++) {
            int dup = 0;
            for (size_t j = 0; j < r->n_unknown_fields && !dup; j++)
                dup = strcmp(r->unknown_fields[j], h->unknown[k]) == 0;
            if (dup) {
                free(h->unknown[k]);
            } else {
                r->unknown_fields[r->n_unknown_fields++] = h->unknown[k];
            }
        }
        h->n_unknown = 0;
    }
    if (r->n_inputs > 1)
        qsort(r->inputs, r->n_inputs, sizeof *r->inputs, cmp_input);
    if (r->n_unknown_fields > 1)
        qsort(r->unknown_fields, r->n_unknown_fields, sizeof *r->unknown_fields, cmp_str);
    return FR_OK;
}

/* How many threads load the states: -j, at most one per state, and only as
 * many as keep the extra workers' own tables within half of --max-memory.
 * A worker's tables grow with the keys of the states it loads, about twice
 * their inflated bodies when the keys do not overlap; the run's tables have
 * their own budget. */
static size_t workers(const fr_stateset *s)
{
    size_t nt = s->run.threads > 1 ? (size_t)s->run.threads : 1;
    if (nt > s->n)
        nt = s->n;
    uint64_t raw = 0;
    for (size_t i = 0; i < s->n; i++)
        raw += state_get_le(s->v[i].header + 16, 8);
    while (nt > 1 && s->run.max_memory && 2 * (raw / nt) * (nt - 1) > s->run.max_memory / 2)
        nt--;
    return nt;
}

fr_err fr_stateset_finish(void *ctx, fr_agg *agg, fr_topn *top, fr_report *r, char *errbuf,
                          size_t errlen)
{
    fr_stateset *s = ctx;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    /* inputs read from the logs that a state holds too */
    fr_err e = state_overlaps(s, r, errbuf, errlen);
    if (e != FR_OK)
        return e;
    size_t nt = workers(s);
    fr_agg_expect(agg, s->n); /* the run's lists sized once for every state's */
    if (nt > 1) {
        e = merge_parallel(s, nt, agg, top, errbuf, errlen);
    } else {
        for (size_t i = 0; i < s->n && e == FR_OK; i++)
            e = merge_one(s, &s->v[i], agg, top, NULL, NULL, errbuf, errlen);
    }
    fr_agg_expect(agg, 0);
    if (e != FR_OK)
        return e;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    s->merge_seconds += (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    if ((e = take_rows(s, r)) != FR_OK) {
        snprintf(errbuf, errlen, "out of memory");
        return e;
    }
    if (s->save_path)
        return state_save(s, agg, top, r, errbuf, errlen);
    return FR_OK;
}
