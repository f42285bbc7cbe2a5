/* SPDX-License-Identifier: MIT */
/* pipeline: readers cut inputs into line-aligned blocks, workers parse and
 * reduce them; every thread does either job, whichever the queue needs. The
 * inputs table is assembled from the workers' counters in pipeline_inputs.c. */
#include "fr_pipeline_int.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fr_hash.h"
#include "fr_jsondoc.h"
#include "fr_reader.h"
#include "fr_state.h"

#define BLOCK_TARGET (512u << 10)
#define BLOCK_CAP (BLOCK_TARGET + FR_MAX_LINE + 1)

typedef struct block {
    struct block *next;
    size_t file;
    uint64_t seq;
    const fr_fieldmap *map;
    int overlong_first;
    int cut_tail; /* the file's text was cut after this block's last line */
    size_t len;
    uint8_t *data;
} block;

typedef struct fstate {
    size_t idx;
    fr_reader *rd;
    const fr_fieldmap *map;
    uint64_t seq;
    uint8_t *carry;
    size_t carry_len;
    int skipping, eof, started;
    int text_cut; /* a read error cut the text mid-line */
    fr_reader *rd2; /* the inner gzip layer of gzip of gzip, read instead of rd */
    fr_jsondoc *jd; /* JSON documents turned into lines, read instead of rd/rd2 */
    uint64_t raw_counted; /* raw bytes already added to the progress counters */
} fstate;

/* ---- helpers run under the lock ---- */

/* Returns a block from the free list or a new one; NULL when out of memory. */
static block *block_get(run *R)
{
    block *b = R->free_blocks;
    if (b) {
        R->free_blocks = b->next;
        return b;
    }
    b = calloc(1, sizeof *b);
    if (b && !(b->data = malloc(BLOCK_CAP))) {
        free(b);
        b = NULL;
    }
    return b;
}

static void block_put(run *R, block *b)
{
    b->next = R->free_blocks;
    R->free_blocks = b;
}

/* Stores a map once per distinct shape and records its unknown names.
 * Returns the stored map or NULL. Caller holds the lock. */
static const fr_fieldmap *map_store(run *R, const fr_fieldmap *m)
{
    for (size_t i = 0; i < R->nmaps; i++)
        if (fr_fieldmap_equal(R->maps[i], m))
            return R->maps[i];
    fr_fieldmap **v = realloc(R->maps, (R->nmaps + 1) * sizeof *v);
    if (!v)
        return NULL;
    R->maps = v;
    fr_fieldmap *copy = calloc(1, sizeof *copy);
    if (!copy || fr_fieldmap_copy(copy, m) != FR_OK) {
        free(copy);
        return NULL;
    }
    R->maps[R->nmaps++] = copy;
    for (int i = 0; i < m->n; i++) {
        int created;
        if (m->unknown[i] &&
            fr_strtab_intern(&R->unknown, m->unknown[i], strlen(m->unknown[i]), &created) < 0)
            return NULL;
    }
    return copy;
}

/* ---- reading ---- */

/* Marks input idx as failed with a message (first error wins). */
static void input_fail(run *R, size_t idx, fr_input_status st, const char *msg)
{
    fr_input_row *row = &R->r->inputs[idx];
    if (row->status != FR_INPUT_OK)
        return;
    row->status = st;
    row->error = strdup(msg);
}

/* Opens file idx. Returns FR_OK (fs->eof set when it could not be opened). */
static fr_err file_open(run *R, fstate *fs, size_t idx)
{
    memset(fs, 0, sizeof *fs);
    fs->idx = idx;
    fs->map = R->default_map;
    const fr_source_item *it = &R->src->items[idx];
    if (it->error) {
        input_fail(R, idx, FR_INPUT_UNREADABLE, it->error);
        fs->eof = 1;
        return FR_OK;
    }
    fs->carry = malloc(BLOCK_CAP);
    if (!fs->carry)
        return FR_ERR_NOMEM;
    char msg[512];
    fr_err e;
    fr_reader *raw = it->opener
        ? it->opener->open(it->opener->ctx, it->handle, it->path, &e, msg, sizeof msg)
        : fr_reader_open_file(it->path, &e, msg, sizeof msg);
    if (!raw) {
        if (e == FR_ERR_NOMEM)
            return e;
        input_fail(R, idx, FR_INPUT_UNREADABLE, msg);
        fs->eof = 1;
        return FR_OK;
    }
    fs->rd = fr_reader_text(raw);
    if (!fs->rd)
        return FR_ERR_NOMEM;
    return FR_OK;
}

/* Records the reader's totals in the input row and closes the file. */
/* Adds the raw bytes read since the last call to the progress counters. */
static void count_raw(run *R, fstate *fs)
{
    if (R->o->progress && fs->rd) {
        uint64_t n = fr_reader_raw_bytes(fs->rd);
        fr_progress_add_bytes(R->o->progress, n - fs->raw_counted);
        fs->raw_counted = n;
    }
}

static void file_close(run *R, fstate *fs)
{
    fr_input_row *row = &R->r->inputs[fs->idx];
    count_raw(R, fs);
    fr_progress_add_inputs_done(R->o->progress, 1);
    if (fs->rd) {
        row->size = fr_reader_raw_bytes(fs->rd);
        row->text_bytes = fr_reader_offset(fs->rd2 ? fs->rd2 : fs->rd);
        row->compressed = fr_reader_is_gzip(fs->rd);
        fr_reader_sha256(fs->rd, row->sha256);
    }
    fr_jsondoc_free(fs->jd);
    fr_reader_free(fs->rd2); /* before rd, which it reads from */
    fr_reader_free(fs->rd);
    free(fs->carry);
    memset(fs, 0, sizeof *fs);
}

/* Reads up to cap bytes from the file, or from the lines of its JSON
 * documents. Returns bytes read; 0 sets eof. A read error is recorded and
 * ends the file. */
static size_t file_read(run *R, fstate *fs, uint8_t *buf, size_t cap)
{
    if (fs->eof)
        return 0;
    size_t got = 0;
    if (fs->jd) {
        fr_err e = fr_jsondoc_read(fs->jd, buf, cap, &got);
        if (e != FR_OK) {
            /* FR_ERR_FORMAT: a document over the size limit, refused */
            input_fail(R, fs->idx, e == FR_ERR_FORMAT ? FR_INPUT_UNSUPPORTED : FR_INPUT_DAMAGED,
                       fr_jsondoc_errmsg(fs->jd));
            fs->text_cut = !fr_jsondoc_text_intact(fs->jd);
            fs->eof = 1;
            return 0;
        }
        if (got == 0)
            fs->eof = 1;
        return got;
    }
    fr_reader *rd = fs->rd2 ? fs->rd2 : fs->rd;
    fr_err e = fr_reader_read(rd, buf, cap, &got);
    if (e != FR_OK) {
        input_fail(R, fs->idx, FR_INPUT_DAMAGED, fr_reader_errmsg(rd));
        fs->text_cut = !fr_reader_text_intact(rd);
        fs->eof = 1;
        return 0;
    }
    if (got == 0)
        fs->eof = 1;
    return got;
}

/* A reader that hands out bytes already read, then reads on from an inner
 * reader it does not own: a second gzip layer starts from the first block. */
typedef struct replay_ctx {
    uint8_t *head;
    size_t len, pos;
    fr_reader *inner;
} replay_ctx;

/* Returns the saved bytes, then the inner reader's; its error as it is. */
static fr_err replay_read(void *vctx, uint8_t *buf, size_t cap, size_t *got, char *errbuf,
                          size_t errlen)
{
    replay_ctx *c = vctx;
    if (c->pos < c->len) {
        size_t n = c->len - c->pos < cap ? c->len - c->pos : cap;
        memcpy(buf, c->head + c->pos, n);
        c->pos += n;
        *got = n;
        return FR_OK;
    }
    fr_err e = fr_reader_read(c->inner, buf, cap, got);
    if (e != FR_OK)
        snprintf(errbuf, errlen, "%s", fr_reader_errmsg(c->inner));
    return e;
}

/* Frees the saved bytes (not the inner reader). */
static void replay_close(void *vctx)
{
    replay_ctx *c = vctx;
    if (c)
        free(c->head);
    free(c);
}

static const fr_reader_ops replay_ops = {replay_read, replay_close};

/* Looks at the first bytes of a file in b->data[0..len): decompressed text
 * that is itself gzip (Firehose compression on top of CloudWatch Logs') is
 * decoded once more; Parquet is refused; JSON documents (events[],
 * logEvents[], Firehose concatenations) are read through fr_jsondoc, which
 * hands out their messages as lines. Returns FR_OK, or FR_ERR_NOMEM. On
 * return *len holds what the block now contains. */
static fr_err sniff_start(run *R, fstate *fs, block *b, size_t *len)
{
    fr_input_row *row = &R->r->inputs[fs->idx];
    if (!fs->rd2 && *len >= 2 && b->data[0] == 0x1f && b->data[1] == 0x8b &&
        fr_reader_is_gzip(fs->rd)) {
        replay_ctx *c = calloc(1, sizeof *c);
        if (!c || !(c->head = malloc(*len))) {
            free(c);
            return FR_ERR_NOMEM;
        }
        memcpy(c->head, b->data, *len);
        c->len = *len;
        c->inner = fs->rd;
        fr_reader *rp = fr_reader_new(fr_reader_name(fs->rd), &replay_ops, c);
        if (!rp || !(fs->rd2 = fr_reader_text(rp)))
            return FR_ERR_NOMEM;
        *len = file_read(R, fs, b->data, BLOCK_TARGET);
    }
    if (*len >= 3 && memcmp(b->data, "\xef\xbb\xbf", 3) == 0) {
        /* a UTF-8 byte order mark before the first line is not text */
        memmove(b->data, b->data + 3, *len - 3);
        *len -= 3;
    }
    const char *unsupported = NULL;
    if (*len >= 4 && memcmp(b->data, "PAR1", 4) == 0)
        unsupported = "unsupported format: Parquet";
    else if (fr_state_sniff(b->data, *len)) /* one that main did not take (stdin, S3) */
        unsupported = "a flowreport state file: give it as a local file INPUT to merge it";
    if (unsupported) {
        input_fail(R, fs->idx, FR_INPUT_UNSUPPORTED, unsupported);
        fs->eof = 1;
        *len = 0;
        return FR_OK;
    }
    if (!fr_jsondoc_detect(b->data, *len))
        return FR_OK;
    fs->jd = fr_jsondoc_new(fs->rd2 ? fs->rd2 : fs->rd, b->data, *len, 0);
    if (!fs->jd)
        return FR_ERR_NOMEM;
    *len = file_read(R, fs, b->data, BLOCK_TARGET);
    if (fr_jsondoc_events(fs->jd))
        row->line_unit_event = 1;
    return FR_OK;
}

/* Turns every '\r' of p[0..n) that is not followed by '\n' into '\n', so a
 * lone CR ends a line as LF and CRLF do. The last byte is left alone unless
 * last is set: what follows it is not read yet. */
static void lone_cr(uint8_t *p, size_t n, int last)
{
    uint8_t *q = p, *end = p + n;
    while ((q = memchr(q, '\r', (size_t)(end - q))) != NULL) {
        if (q + 1 < end ? q[1] != '\n' : last)
            *q = '\n';
        q++;
    }
}

/* 1 when p[0..n) holds a line end. */
static int has_eol(const uint8_t *p, size_t n)
{
    return memchr(p, '\n', n) != NULL || memchr(p, '\r', n) != NULL;
}

/* Fills block b with the next line-aligned piece of fs. Returns FR_OK; b->len
 * may be 0 (nothing this time). Sets fs->eof when the file is exhausted and
 * nothing is carried. */
static fr_err read_block(run *R, fstate *fs, block *b)
{
    b->file = fs->idx;
    b->seq = fs->seq++;
    b->overlong_first = 0;
    b->cut_tail = 0;
    b->len = 0;
    size_t len = 0;
    if (fs->skipping) {
        /* Discard the rest of an overlong line. */
        for (;;) {
            size_t n = file_read(R, fs, b->data, BLOCK_TARGET);
            if (n == 0) {
                fs->skipping = 0;
                b->overlong_first = 1;
                b->map = fs->map;
                return FR_OK;
            }
            lone_cr(b->data, n, fs->eof);
            uint8_t *nl = memchr(b->data, '\n', n);
            if (nl) {
                len = n - (size_t)(nl + 1 - b->data);
                memmove(b->data, nl + 1, len);
                fs->skipping = 0;
                b->overlong_first = 1;
                break;
            }
        }
    }
    memcpy(b->data + len, fs->carry, fs->carry_len);
    len += fs->carry_len;
    fs->carry_len = 0;
    /* Read to the block target, and on while no line ends in the buffer: a
     * long line is read whole (up to the buffer) wherever it starts. */
    int eol = has_eol(b->data, len);
    while (!fs->eof && len < BLOCK_CAP - 1 && (len < BLOCK_TARGET || !eol)) {
        size_t n = file_read(R, fs, b->data + len, BLOCK_CAP - 1 - len);
        if (!fs->started) {
            fs->started = 1;
            len += n;
            fr_err e = sniff_start(R, fs, b, &len);
            if (e != FR_OK)
                return e;
            eol = has_eol(b->data, len);
            continue;
        }
        eol = eol || has_eol(b->data + len, n);
        len += n;
    }
    lone_cr(b->data, len, fs->eof);
    if (fs->eof && fs->text_cut && len && b->data[len - 1] != '\n') {
        /* The damage cut the last line: it is not a record. */
        while (len && b->data[len - 1] != '\n')
            len--;
        fs->text_cut = 2;
    }
    size_t cut = len;
    if (!fs->eof) {
        uint8_t *p = b->data + len;
        while (p > b->data && p[-1] != '\n')
            p--;
        if (p == b->data) {
            /* No newline in a full buffer: an overlong line. */
            fs->skipping = 1;
            b->len = 0;
            b->map = fs->map;
            return FR_OK;
        }
        cut = (size_t)(p - b->data);
    }
    /* Headers switch the map; cut the block before one that changes it. */
    b->map = fs->map;
    for (size_t pos = 0; pos < cut;) {
        uint8_t *nl = memchr(b->data + pos, '\n', cut - pos);
        size_t end = nl ? (size_t)(nl - b->data) : cut;
        const char *line = (const char *)b->data + pos;
        size_t ll = end - pos;
        size_t s = 0;
        while (s < ll && (line[s] == ' ' || line[s] == '\t'))
            s++;
        if (s < ll && ((line[s] >= 'a' && line[s] <= 'z') || line[s] == '$') &&
            fr_line_is_header(line, ll)) {
            fr_fieldmap m;
            memset(&m, 0, sizeof m);
            char err[128];
            /* a refused header (too many names, a name twice) changes
             * nothing: the parser counts it as malformed */
            if (fr_fieldmap_parse(&m, line, ll, err, sizeof err) == FR_OK &&
                !fr_fieldmap_duplicate(&m, err, sizeof err) && !fr_fieldmap_equal(&m, fs->map)) {
                pthread_mutex_lock(&R->mu);
                const fr_fieldmap *stored = map_store(R, &m);
                pthread_mutex_unlock(&R->mu);
                fr_fieldmap_clear(&m);
                if (!stored)
                    return FR_ERR_NOMEM;
                fs->map = stored;
                if (pos == 0) {
                    b->map = stored;
                } else {
                    cut = pos;
                    break;
                }
            } else {
                fr_fieldmap_clear(&m);
            }
        }
        pos = end + 1;
    }
    fs->carry_len = len - cut;
    memcpy(fs->carry, b->data + cut, fs->carry_len);
    if (fs->eof && fs->carry_len == 0 && fs->text_cut == 2)
        b->cut_tail = 1;
    b->len = cut;
    count_raw(R, fs);
    return FR_OK;
}

/* ---- parsing ---- */

/* Counts a line the reader already judged malformed (too long, cut off).
 * Returns FR_OK or FR_ERR_NOMEM. */
static fr_err malformed_whole_line(worker *w, const block *b, uint64_t line, const char *why)
{
    const fr_pipeline_opts *o = w->run->o;
    w->files[b->file].st.malformed++;
    if (pipeline_reason_add(&w->files[b->file], why, 1) != FR_OK)
        return FR_ERR_NOMEM;
    if (o->hook)
        o->hook(o->hook_ctx, b->file, b->seq, line, FR_LINE_MALFORMED, NULL, b->map, why);
    return pipeline_example_add(&w->files[b->file], b->seq, line, why);
}

/* Moves the worker's top tables into the shared ones. Returns FR_OK or NOMEM. */
static fr_err move_top(worker *w)
{
    pthread_mutex_lock(&w->run->top_mu);
    fr_err e = fr_topn_move(w->run->top, w->top);
    pthread_mutex_unlock(&w->run->top_mu);
    return e;
}

/* Parses and reduces every line of block b. Returns FR_OK or NOMEM. */
static fr_err process_block(worker *w, const block *b)
{
    wfile *wf = &w->files[b->file];
    fr_file_stats *st = &wf->st;
    uint64_t line = 0, records0 = st->records;
    const fr_pipeline_opts *o = w->run->o;
    if (b->overlong_first && malformed_whole_line(w, b, ++line, "line too long"))
        return FR_ERR_NOMEM;
    const char *p = (const char *)b->data, *end = p + b->len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
        line++;
        fr_line_kind kind = fr_parse_line(&w->parser, b->map, p, ll, &w->rec);
        if (o->hook)
            o->hook(o->hook_ctx, b->file, b->seq, line, kind, &w->rec, b->map, w->parser.reason);
        switch (kind) {
        case FR_LINE_RECORD:
            st->records++;
            if (fr_agg_add(w->agg, w->top, &w->rec, b->map->tgw, st) != FR_OK)
                return FR_ERR_NOMEM;
            break;
        case FR_LINE_BLANK: st->blank_lines++; break;
        case FR_LINE_HEADER: st->header_lines++; break;
        case FR_LINE_MALFORMED:
            st->malformed++;
            if (pipeline_example_add(wf, b->seq, line, w->parser.reason) ||
                pipeline_reason_add(wf, w->parser.reason, 1))
                return FR_ERR_NOMEM;
            break;
        }
        p += ll + 1;
    }
    if (b->cut_tail && malformed_whole_line(w, b, ++line, "incomplete line at the damaged data"))
        return FR_ERR_NOMEM;
    st->lines += line;
    fr_progress_add_records(o->progress, st->records - records0);
    if (w->nbl == w->capbl) {
        size_t cap = w->capbl ? w->capbl * 2 : 256;
        blines *v = realloc(w->bl, cap * sizeof *v);
        if (!v)
            return FR_ERR_NOMEM;
        w->bl = v;
        w->capbl = cap;
    }
    w->bl[w->nbl++] = (blines){b->file, b->seq, line};
    if (fr_topn_keys(w->top) >= w->run->flush_keys)
        return move_top(w);
    return FR_OK;
}

/* ---- the thread loop ---- */

/* Records a fatal error and stops every thread. Caller holds the lock. */
static void fail_locked(worker *w, fr_err e, const char *msg)
{
    if (w->err == FR_OK) {
        w->err = e;
        snprintf(w->errmsg, sizeof w->errmsg, "%s", msg);
    }
    w->run->abort = 1;
    pthread_cond_broadcast(&w->run->cv);
}

static void *thread_main(void *arg)
{
    worker *w = arg;
    run *R = w->run;
    fstate fs_store;
    pthread_mutex_lock(&R->mu);
    for (;;) {
        if (R->abort)
            break;
        int can_read = w->mine != NULL || R->next_file < R->src->n;
        if (R->qlen > 0 && (R->qlen >= (size_t)R->T || !can_read || R->qlen == R->qcap)) {
            block *b = R->q[R->qhead];
            R->qhead = (R->qhead + 1) % R->qcap;
            R->qlen--;
            pthread_cond_broadcast(&R->cv);
            pthread_mutex_unlock(&R->mu);
            fr_err e = process_block(w, b);
            pthread_mutex_lock(&R->mu);
            block_put(R, b);
            if (e != FR_OK)
                fail_locked(w, e, "out of memory");
            continue;
        }
        if (can_read) {
            block *b = block_get(R);
            if (!b) {
                fail_locked(w, FR_ERR_NOMEM, "out of memory");
                break;
            }
            int opened = 0;
            if (!w->mine) {
                w->mine = &fs_store;
                fs_store.idx = R->next_file++;
                R->files_open++;
                opened = 1;
            }
            pthread_mutex_unlock(&R->mu);
            fr_err e = FR_OK;
            if (opened)
                e = file_open(R, w->mine, w->mine->idx);
            if (e == FR_OK && !(w->mine->eof && w->mine->carry_len == 0 && !w->mine->skipping))
                e = read_block(R, w->mine, b);
            else
                b->len = 0, b->overlong_first = 0, b->cut_tail = 0; /* nothing to hand out */
            int done = w->mine->eof && w->mine->carry_len == 0 && !w->mine->skipping;
            if (done)
                file_close(R, w->mine);
            pthread_mutex_lock(&R->mu);
            if (e != FR_OK) {
                block_put(R, b);
                fail_locked(w, e, "out of memory");
                break;
            }
            if (b->len || b->overlong_first || b->cut_tail) {
                R->q[(R->qhead + R->qlen) % R->qcap] = b;
                R->qlen++;
                pthread_cond_broadcast(&R->cv);
            } else {
                block_put(R, b);
            }
            if (done) {
                w->mine = NULL;
                R->files_open--;
                pthread_cond_broadcast(&R->cv);
            }
            continue;
        }
        if (R->qlen == 0 && R->files_open == 0 && R->next_file >= R->src->n)
            break;
        pthread_cond_wait(&R->cv, &R->mu);
    }
    pthread_cond_broadcast(&R->cv);
    pthread_mutex_unlock(&R->mu);
    if (w->mine) {
        file_close(R, w->mine);
        w->mine = NULL;
    }
    if (w->err == FR_OK && move_top(w) != FR_OK) {
        pthread_mutex_lock(&R->mu);
        fail_locked(w, FR_ERR_NOMEM, "out of memory");
        pthread_mutex_unlock(&R->mu);
    }
    return NULL;
}

/* ---- assembling the results ---- */

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

fr_err fr_pipeline_run(const fr_pipeline_opts *o, const fr_source_list *src, fr_report *r,
                       char *errbuf, size_t errlen)
{
    run R;
    memset(&R, 0, sizeof R);
    R.o = o;
    R.src = src;
    R.r = r;
    R.T = o->threads < 1 ? 1 : o->threads;
    R.qcap = (size_t)R.T * 2 + 2;
    fr_err err = FR_ERR_NOMEM;
    int T = R.T;
    worker *ws = calloc((size_t)T, sizeof *ws);
    R.q = calloc(R.qcap, sizeof *R.q);
    r->inputs = calloc(src->n ? src->n : 1, sizeof *r->inputs);
    int mu_ok = 0;
    if (!ws || !R.q || !r->inputs || fr_strtab_init(&R.unknown))
        goto fail;
    r->n_inputs = src->n;
    for (size_t i = 0; i < src->n; i++)
        if (!(r->inputs[i].path = strdup(src->items[i].path)) ||
            (src->items[i].etag && !(r->inputs[i].etag = strdup(src->items[i].etag))))
            goto fail;
    for (size_t i = 0; i < src->n; i++)
        r->inputs[i].is_dir = src->items[i].is_dir;
    if (pthread_mutex_init(&R.mu, NULL) != 0)
        goto fail;
    if (pthread_cond_init(&R.cv, NULL) != 0) {
        pthread_mutex_destroy(&R.mu);
        goto fail;
    }
    if (pthread_mutex_init(&R.top_mu, NULL) != 0) {
        pthread_cond_destroy(&R.cv);
        pthread_mutex_destroy(&R.mu);
        goto fail;
    }
    mu_ok = 1;
    /* The budget is shared by three tables; workers keep small local ones. */
    size_t max_keys = o->max_memory ? (size_t)(o->max_memory / 3 / FR_TOPN_BYTES_PER_KEY) : 0;
    if (o->max_memory && max_keys < 1024)
        max_keys = 1024;
    R.flush_keys = max_keys ? max_keys / (4 * (size_t)T) : 16384;
    if (R.flush_keys > 16384)
        R.flush_keys = 16384;
    if (R.flush_keys < 256)
        R.flush_keys = 256;
    if (!(R.top = fr_topn_new(max_keys)))
        goto fail;
    if (!(R.default_map = map_store(&R, o->fields)))
        goto fail;
    for (int t = 0; t < T; t++) {
        ws[t].run = &R;
        fr_parser_init(&ws[t].parser);
        if (t > 0)
            ws[t].parser.latest = ws[0].parser.latest; /* one clock for the run */
        ws[t].agg = fr_agg_new(&o->reduce);
        ws[t].top = fr_topn_new(0);
        ws[t].files = calloc(src->n ? src->n : 1, sizeof *ws[t].files);
        if (!ws[t].agg || !ws[t].top || !ws[t].files)
            goto fail;
    }
    int started = 0;
    for (int t = 0; t < T; t++) {
        if (pthread_create(&ws[t].th, NULL, thread_main, &ws[t]) != 0) {
            pthread_mutex_lock(&R.mu);
            R.abort = 1;
            pthread_cond_broadcast(&R.cv);
            pthread_mutex_unlock(&R.mu);
            snprintf(errbuf, errlen, "cannot start worker thread %d", t + 1);
            err = FR_ERR_THREAD;
            break;
        }
        ws[t].started = 1;
        started++;
    }
    for (int t = 0; t < T; t++)
        if (ws[t].started)
            pthread_join(ws[t].th, NULL);
    if (started < T)
        goto fail;
    for (int t = 0; t < T; t++) {
        if (ws[t].err != FR_OK) {
            err = ws[t].err;
            snprintf(errbuf, errlen, "%s", ws[t].errmsg);
            goto fail;
        }
    }
    /* Merge in thread order; the result does not depend on it. */
    for (int t = 1; t < T; t++)
        if (fr_agg_merge(ws[0].agg, ws[t].agg) != FR_OK) {
            snprintf(errbuf, errlen, "out of memory");
            goto fail;
        }
    if (pipeline_finish_inputs(&R, ws, T) != FR_OK) {
        snprintf(errbuf, errlen, "out of memory");
        goto fail;
    }
    if (R.unknown.count) {
        r->unknown_fields = calloc(R.unknown.count, sizeof *r->unknown_fields);
        if (!r->unknown_fields)
            goto nomem;
        for (size_t i = 0; i < R.unknown.count; i++) {
            if (!(r->unknown_fields[i] = strdup(R.unknown.strs[i])))
                goto nomem;
            r->n_unknown_fields = i + 1;
        }
        qsort(r->unknown_fields, r->n_unknown_fields, sizeof(char *), str_cmp);
    }
    if (o->finish && (err = o->finish(o->finish_ctx, ws[0].agg, R.top, r, errbuf, errlen)) != FR_OK)
        goto fail;
    err = fr_agg_report(ws[0].agg, r, errbuf, errlen);
    if (err != FR_OK)
        goto fail;
    if (fr_topn_report(R.top, o->reduce.top_n, r) != FR_OK)
        goto nomem;
    err = FR_OK;
    goto cleanup;
nomem:
    err = FR_ERR_NOMEM;
    snprintf(errbuf, errlen, "out of memory");
fail:
    if (err == FR_ERR_NOMEM && errbuf[0] == '\0')
        snprintf(errbuf, errlen, "out of memory");
cleanup:
    if (ws) {
        for (int t = 0; t < T; t++) {
            fr_agg_free(ws[t].agg);
            fr_topn_free(ws[t].top);
            for (size_t f = 0; ws[t].files && f < src->n; f++) {
                free(ws[t].files[f].ex);
                free(ws[t].files[f].rc);
            }
            free(ws[t].files);
            free(ws[t].bl);
            fr_parser_clear(&ws[t].parser);
        }
        free(ws);
    }
    while (R.free_blocks) {
        block *b = R.free_blocks;
        R.free_blocks = b->next;
        free(b->data);
        free(b);
    }
    for (size_t i = 0; i < R.qlen; i++) {
        block *b = R.q[(R.qhead + i) % R.qcap];
        free(b->data);
        free(b);
    }
    free(R.q);
    for (size_t i = 0; i < R.nmaps; i++) {
        fr_fieldmap_clear(R.maps[i]);
        free(R.maps[i]);
    }
    free(R.maps);
    fr_strtab_clear(&R.unknown);
    fr_topn_free(R.top);
    if (mu_ok) {
        pthread_cond_destroy(&R.cv);
        pthread_mutex_destroy(&R.mu);
        pthread_mutex_destroy(&R.top_mu);
    }
    return err;
}
