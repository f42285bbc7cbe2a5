/* SPDX-License-Identifier: MIT */
/* state: the state file format (doc/STATE.md): writing it, reading and
 * checking a state's head, and the checks of a merge's options; loading
 * and merging are in src/state_merge.c. */
#include "fr_state_int.h"

#include <errno.h>
#include <inttypes.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fr_sbuf.h"

#define MAX_PATH_LEN (64u << 10)
#define MAX_TEXT (1u << 20)
#define MAX_ROWS (UINT64_C(1) << 32)

int fr_state_sniff(const uint8_t *p, size_t n)
{
    return n >= FR_STATE_MAGIC_LEN && memcmp(p, FR_STATE_MAGIC, FR_STATE_MAGIC_LEN) == 0;
}

int fr_state_is_file(const char *path)
{
    struct stat sb;
    if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
        return 0; /* a FIFO or device is read once, as a stream: never sniffed */
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return 0;
    uint8_t b[FR_STATE_MAGIC_LEN];
    size_t n = fread(b, 1, sizeof b, fp);
    fclose(fp);
    return fr_state_sniff(b, n);
}

void state_head_clear(head *h)
{
    free(h->creator);
    free(h->cidrs);
    for (size_t i = 0; i < h->n_inputs; i++)
        fr_input_row_clear(&h->inputs[i]);
    free(h->inputs);
    for (size_t i = 0; i < h->n_unknown; i++)
        free(h->unknown[i]);
    free(h->unknown);
    memset(h, 0, sizeof *h);
}

fr_stateset *fr_stateset_new(void)
{
    return calloc(1, sizeof(fr_stateset));
}

void fr_stateset_free(fr_stateset *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        free(s->v[i].path);
        free(s->v[i].name);
        state_head_clear(&s->v[i].h);
    }
    free(s->v);
    fr_stateset_discard(s);
    free(s->save_path);
    free(s);
}

double fr_stateset_merge_seconds(const fr_stateset *s)
{
    return s ? s->merge_seconds : 0;
}

size_t fr_stateset_count(const fr_stateset *s)
{
    return s->n;
}

/* ---- encoding ---- */

static void put_u32le(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put_u64le(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

uint64_t state_get_le(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static void save_input(fr_swriter *w, const fr_input_row *in)
{
    fr_sw_str(w, in->path, strlen(in->path));
    fr_sw_optstr(w, in->etag);
    fr_sw_u64(w, in->size);
    fr_sw_u64(w, in->text_bytes);
    fr_sw_bytes(w, in->sha256, 32);
    fr_sw_u64(w, (uint64_t)in->compressed);
    fr_sw_u64(w, (uint64_t)in->status);
    fr_sw_optstr(w, in->error);
    fr_sw_u64(w, (uint64_t)in->line_unit_event);
    const uint64_t c[8] = {in->lines,   in->records,     in->malformed,    in->excluded,
                           in->untimed, in->tgw_records, in->header_lines, in->blank_lines};
    for (int k = 0; k < 8; k++)
        fr_sw_u64(w, c[k]);
    fr_sw_i64(w, in->first_start);
    fr_sw_i64(w, in->last_start);
    fr_sw_u64(w, in->n_examples);
    for (size_t k = 0; k < in->n_examples; k++) {
        fr_sw_u64(w, in->examples[k].line);
        fr_sw_str(w, in->examples[k].reason, strlen(in->examples[k].reason));
    }
    fr_sw_u64(w, in->n_reasons);
    for (size_t k = 0; k < in->n_reasons; k++) {
        fr_sw_str(w, in->reasons[k].reason, strlen(in->reasons[k].reason));
        fr_sw_u64(w, in->reasons[k].lines);
    }
    fr_sw_u64(w, (uint64_t)in->is_dir);
    fr_sw_optstr(w, in->via_state);
}

static int load_input(fr_sreader *r, fr_input_row *in)
{
    if (!(in->path = fr_sr_str(r, MAX_PATH_LEN, NULL)) || fr_sr_optstr(r, MAX_TEXT, &in->etag))
        return -1;
    in->size = fr_sr_u64(r);
    in->text_bytes = fr_sr_u64(r);
    fr_sr_bytes(r, in->sha256, 32);
    in->compressed = (int)fr_sr_count(r, 1, "compressed flag");
    in->status = (fr_input_status)fr_sr_count(r, FR_INPUT_UNSUPPORTED, "input status");
    if (fr_sr_optstr(r, MAX_TEXT, &in->error))
        return -1;
    in->line_unit_event = (int)fr_sr_count(r, 1, "line unit");
    uint64_t *c[8] = {&in->lines,   &in->records,     &in->malformed,    &in->excluded,
                      &in->untimed, &in->tgw_records, &in->header_lines, &in->blank_lines};
    for (int k = 0; k < 8; k++)
        *c[k] = fr_sr_u64(r);
    in->first_start = fr_sr_i64(r);
    in->last_start = fr_sr_i64(r);
    uint64_t ne = fr_sr_count(r, 64, "examples");
    if (ne && !fr_sr_failed(r)) {
        if (!(in->examples = calloc((size_t)ne, sizeof *in->examples))) {
            fr_sr_fail(r, "out of memory");
            return -1;
        }
        for (uint64_t k = 0; k < ne && !fr_sr_failed(r); k++) {
            in->examples[k].line = fr_sr_u64(r);
            if (!(in->examples[k].reason = fr_sr_str(r, MAX_TEXT, NULL)))
                return -1;
            in->n_examples = (size_t)k + 1;
        }
    }
    uint64_t nr = fr_sr_count(r, 1024, "reasons");
    if (nr && !fr_sr_failed(r)) {
        if (!(in->reasons = calloc((size_t)nr, sizeof *in->reasons))) {
            fr_sr_fail(r, "out of memory");
            return -1;
        }
        for (uint64_t k = 0; k < nr && !fr_sr_failed(r); k++) {
            if (!(in->reasons[k].reason = fr_sr_str(r, MAX_TEXT, NULL)))
                return -1;
            in->reasons[k].lines = fr_sr_u64(r);
            in->n_reasons = (size_t)k + 1;
        }
    }
    in->is_dir = (int)fr_sr_count(r, 1, "directory flag");
    if (fr_sr_optstr(r, MAX_PATH_LEN, &in->via_state))
        return -1;
    return fr_sr_failed(r) ? -1 : 0;
}

static void save_head(fr_swriter *w, const fr_state_run *run, const fr_agg *agg, const fr_topn *top,
                      const fr_report *r)
{
    const fr_reduce_opts *o = &run->reduce;
    const char *creator = "flowreport " PACKAGE_VERSION;
    fr_sw_str(w, creator, strlen(creator));
    fr_sw_u64(w, (uint64_t)o->window);
    fr_sw_u64(w, (uint64_t)o->since_set);
    fr_sw_i64(w, o->since);
    fr_sw_u64(w, (uint64_t)o->until_set);
    fr_sw_i64(w, o->until);
    fr_sw_u64(w, (uint64_t)o->prorate);
    int64_t mn, mx;
    int has_time = fr_agg_time_range(agg, &mn, &mx);
    fr_sw_u64(w, (uint64_t)has_time);
    fr_sw_i64(w, mn);
    fr_sw_i64(w, mx);
    uint64_t np = 0;
    for (unsigned p = 0; p < 65536; p++)
        np += (o->audit->admin_ports[p >> 3] >> (p & 7)) & 1;
    fr_sw_u64(w, np);
    for (unsigned p = 0; p < 65536; p++)
        if ((o->audit->admin_ports[p >> 3] >> (p & 7)) & 1)
            fr_sw_u64(w, p);
    fr_sw_u64(w, o->audit->n_vpc_cidrs);
    for (size_t i = 0; i < o->audit->n_vpc_cidrs; i++) {
        const fr_cidr *c = &o->audit->vpc_cidrs[i];
        fr_sw_u64(w, c->net.family);
        fr_sw_bytes(w, c->net.b, 16);
        fr_sw_u64(w, (uint64_t)c->bits);
    }
    fr_sw_u64(w, (uint64_t)(fr_topn_exact(top) && !run->state_keys));
    fr_sw_u64(w, 0); /* reserved */
    fr_sw_u64(w, r->n_inputs);
    for (size_t i = 0; i < r->n_inputs; i++)
        save_input(w, &r->inputs[i]);
    fr_sw_u64(w, r->n_unknown_fields);
    for (size_t i = 0; i < r->n_unknown_fields; i++)
        fr_sw_str(w, r->unknown_fields[i], strlen(r->unknown_fields[i]));
}

int state_load_head(fr_sreader *r, head *h)
{
    if (!(h->creator = fr_sr_str(r, 256, NULL)))
        return -1;
    h->window = (int64_t)fr_sr_count(r, INT64_MAX / 2, "window");
    h->since_set = (int)fr_sr_count(r, 1, "since flag");
    h->since = fr_sr_i64(r);
    h->until_set = (int)fr_sr_count(r, 1, "until flag");
    h->until = fr_sr_i64(r);
    h->prorate = (int)fr_sr_count(r, 1, "prorate flag");
    h->has_time = (int)fr_sr_count(r, 1, "time flag");
    h->min_start = fr_sr_i64(r);
    h->max_start = fr_sr_i64(r);
    uint64_t np = fr_sr_count(r, 65536, "admin ports");
    for (uint64_t i = 0; i < np && !fr_sr_failed(r); i++) {
        uint64_t p = fr_sr_count(r, 65535, "admin port");
        h->admin_ports[p >> 3] |= (uint8_t)(1u << (p & 7));
    }
    uint64_t nc = fr_sr_count(r, 4096, "VPC CIDR blocks");
    if (nc && !fr_sr_failed(r) && !(h->cidrs = calloc((size_t)nc, sizeof *h->cidrs))) {
        fr_sr_fail(r, "out of memory");
        return -1;
    }
    for (uint64_t i = 0; i < nc && !fr_sr_failed(r); i++) {
        fr_cidr *c = &h->cidrs[i];
        c->net.family = (uint8_t)fr_sr_count(r, 6, "address family");
        fr_sr_bytes(r, c->net.b, 16);
        c->bits = (int)fr_sr_count(r, 128, "prefix length");
        h->n_cidrs = (size_t)i + 1;
    }
    h->top_exact = (int)fr_sr_count(r, 1, "exact flag");
    h->findings_level = fr_sr_u64(r);
    if (fr_sr_failed(r))
        return -1;
    if (h->window <= 0) {
        fr_sr_fail(r, "the window is not positive");
        return -1;
    }
    uint64_t ni = fr_sr_count(r, MAX_ROWS, "inputs");
    for (uint64_t i = 0; i < ni && !fr_sr_failed(r); i++) {
        if (h->n_inputs % 64 == 0) {
            fr_input_row *v = realloc(h->inputs, (h->n_inputs + 64) * sizeof *v);
            if (!v) {
                fr_sr_fail(r, "out of memory");
                return -1;
            }
            h->inputs = v;
        }
        fr_input_row *in = &h->inputs[h->n_inputs++];
        memset(in, 0, sizeof *in);
        if (load_input(r, in))
            return -1;
    }
    uint64_t nu = fr_sr_count(r, 65536, "unknown fields");
    if (nu && !fr_sr_failed(r) && !(h->unknown = calloc((size_t)nu, sizeof *h->unknown))) {
        fr_sr_fail(r, "out of memory");
        return -1;
    }
    for (uint64_t i = 0; i < nu && !fr_sr_failed(r); i++) {
        if (!(h->unknown[i] = fr_sr_str(r, 4096, NULL)))
            return -1;
        h->n_unknown = (size_t)i + 1;
    }
    return fr_sr_failed(r) ? -1 : 0;
}

/* ---- files ---- */

/* Whether the checksum (the file's last 32 bytes, size bytes in all) is
 * the SHA-256 of what comes before it: 1 yes, 0 no, -1 on a read error.
 * Leaves fp anywhere. */
static int checksum_ok(FILE *fp, uint64_t size)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 && fseek(fp, 0, SEEK_SET) == 0;
    uint8_t buf[65536], want[32], have[32];
    uint64_t left = size - 32;
    while (ok && left) {
        size_t n = left < sizeof buf ? (size_t)left : sizeof buf;
        ok = fread(buf, 1, n, fp) == n && EVP_DigestUpdate(ctx, buf, n) == 1;
        left -= n;
    }
    unsigned int dl = 0;
    ok = ok && fread(want, 1, 32, fp) == 32 && EVP_DigestFinal_ex(ctx, have, &dl) == 1;
    EVP_MD_CTX_free(ctx);
    return !ok ? -1 : memcmp(want, have, 32) == 0;
}

/* Opens path and checks its header and length; its checksum (the trailer,
 * read into `trailer`) is checked as the body is read at merge time, or
 * here when the head does not parse. Leaves it positioned after the
 * header. Returns the file with hd, trailer and size set, or NULL with
 * errbuf set ("why", without the name). */
static FILE *open_checked(const char *path, uint8_t hd[HEADER_LEN], uint8_t trailer[32],
                          uint64_t *size, fr_err *err, char *errbuf, size_t errlen)
{
    *err = FR_ERR_FORMAT;
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        *err = FR_ERR_OPEN;
        snprintf(errbuf, errlen, "cannot open: %s", strerror(errno));
        return NULL;
    }
    struct stat sb;
    if (fstat(fileno(fp), &sb) != 0 || !S_ISREG(sb.st_mode)) {
        snprintf(errbuf, errlen, "not a regular file");
        goto fail;
    }
    if (fread(hd, 1, HEADER_LEN, fp) != HEADER_LEN || !fr_state_sniff(hd, HEADER_LEN)) {
        snprintf(errbuf, errlen, "truncated: shorter than a state file's header");
        goto fail;
    }
    uint32_t version = (uint32_t)state_get_le(hd + 8, 4),
             flags = (uint32_t)state_get_le(hd + 12, 4);
    if (version < FR_STATE_VERSION_OLDEST || version > FR_STATE_VERSION) {
        snprintf(errbuf, errlen,
                 "state format version %" PRIu32 " (this flowreport reads versions %d to %d); "
                 "re-create it with this version, or merge it with the one that wrote it",
                 version, FR_STATE_VERSION_OLDEST, FR_STATE_VERSION);
        goto fail;
    }
    if (flags != 1) {
        snprintf(errbuf, errlen, "unknown header flags 0x%" PRIx32, flags);
        goto fail;
    }
    uint64_t z_len = state_get_le(hd + 24, 8);
    *size = (uint64_t)sb.st_size;
    if (z_len > *size || *size - z_len != HEADER_LEN + 32) {
        snprintf(errbuf, errlen, "%s: the file has %" PRIu64 " bytes, its header says %" PRIu64,
                 *size < z_len + HEADER_LEN + 32 ? "truncated" : "trailing bytes", *size,
                 z_len + HEADER_LEN + 32);
        goto fail;
    }
    if (fseeko(fp, (off_t)(*size - 32), SEEK_SET) != 0 || fread(trailer, 1, 32, fp) != 32 ||
        fseek(fp, HEADER_LEN, SEEK_SET) != 0) {
        *err = FR_ERR_IO;
        snprintf(errbuf, errlen, "read error");
        goto fail;
    }
    *err = FR_OK;
    return fp;
fail:
    fclose(fp);
    return NULL;
}

static fr_err add_one(fr_stateset *s, const char *path, const char *name, char *errbuf,
                      size_t errlen)
{
    char why[512];
    uint64_t size;
    uint8_t hd[HEADER_LEN], trailer[32];
    fr_err err;
    FILE *fp = open_checked(path, hd, trailer, &size, &err, why, sizeof why);
    if (!fp) {
        snprintf(errbuf, errlen, "%s: state file refused: %s", name, why);
        return err;
    }
    state st;
    memset(&st, 0, sizeof st);
    fr_sreader *r = fr_sreader_new(fp, state_get_le(hd + 24, 8), state_get_le(hd + 16, 8));
    if (!r) {
        fclose(fp);
        return FR_ERR_NOMEM;
    }
    int bad = state_load_head(r, &st.h);
    if (bad) {
        /* a damaged file says so rather than what broke first in it */
        int ok = checksum_ok(fp, size);
        snprintf(errbuf, errlen, "%s: state file refused: %s", name,
                 ok < 0       ? "read error"
                     : ok > 0 ? fr_sr_failed(r)
                              : "checksum mismatch: the file was changed or damaged");
        fr_sreader_free(r);
        fclose(fp);
        state_head_clear(&st.h);
        return ok < 0 ? FR_ERR_IO : FR_ERR_FORMAT;
    }
    fr_sreader_free(r);
    fclose(fp);
    state *v = realloc(s->v, (s->n + 1) * sizeof *v);
    if (!v || !(st.path = strdup(path)) || !(st.name = strdup(name))) {
        if (v)
            s->v = v;
        free(st.path);
        state_head_clear(&st.h);
        return FR_ERR_NOMEM;
    }
    memcpy(st.trailer, trailer, 32);
    memcpy(st.header, hd, HEADER_LEN);
    st.size = size;
    for (size_t i = 0; i < st.h.n_inputs; i++) {
        /* provenance: the state a row came through, the outermost one */
        free(st.h.inputs[i].via_state);
        if (!(st.h.inputs[i].via_state = strdup(name))) {
            s->v = v;
            free(st.path);
            free(st.name);
            state_head_clear(&st.h);
            return FR_ERR_NOMEM;
        }
    }
    s->v = v;
    s->v[s->n++] = st;
    return FR_OK;
}

fr_err fr_stateset_add(fr_stateset *s, const char *path, const char *name, char *errbuf,
                       size_t errlen)
{
    /* reading the heads is part of the merge's time (-v) */
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    fr_err e = add_one(s, path, name, errbuf, errlen);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    s->merge_seconds += (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    return e;
}

/* ---- checks ---- */

/* An input and where it came from. */
typedef struct owner {
    const uint8_t *sha;
    const char *path, *state; /* state NULL: read from the logs */
} owner;

static int cmp_owner(const void *pa, const void *pb)
{
    const owner *a = pa, *b = pb;
    int c = memcmp(a->sha, b->sha, 32);
    if (c)
        return c;
    c = strcmp(a->state ? a->state : "", b->state ? b->state : "");
    return c ? c : strcmp(a->path, b->path);
}

static fr_err overlaps(owner *o, size_t n, char *errbuf, size_t errlen)
{
    if (n > 1)
        qsort(o, n, sizeof *o, cmp_owner);
    for (size_t i = 1; i < n; i++) {
        if (memcmp(o[i - 1].sha, o[i].sha, 32) != 0)
            continue;
        char where[2][1024];
        for (int k = 0; k < 2; k++) {
            const owner *w = &o[i - 1 + k];
            if (w->state)
                snprintf(where[k], sizeof where[k], "state %s", w->state);
            else
                snprintf(where[k], sizeof where[k], "the logs read by this run");
        }
        if (strcmp(o[i - 1].path, o[i].path) == 0)
            snprintf(errbuf, errlen,
                     "%s is in %s and in %s; merging would count it twice, so nothing was "
                     "written",
                     o[i].path, where[0], where[1]);
        else
            snprintf(errbuf, errlen,
                     "%s (in %s) and %s (in %s) are the same file (same SHA-256); merging "
                     "would count it twice, so nothing was written",
                     o[i - 1].path, where[0], o[i].path, where[1]);
        return FR_ERR_USAGE;
    }
    return FR_OK;
}

/* 1 when an input row can be compared by its SHA-256. */
static int comparable(const fr_input_row *in)
{
    return in->size && in->status != FR_INPUT_UNREADABLE && !in->is_dir;
}

fr_err state_overlaps(const fr_stateset *s, const fr_report *r, char *errbuf, size_t errlen)
{
    size_t total = r ? r->n_inputs : 0;
    for (size_t i = 0; i < s->n; i++)
        total += s->v[i].h.n_inputs;
    owner *ow = malloc((total + 1) * sizeof *ow);
    if (!ow)
        return FR_ERR_NOMEM;
    size_t k = 0;
    for (size_t i = 0; r && i < r->n_inputs; i++)
        if (comparable(&r->inputs[i]))
            ow[k++] = (owner){r->inputs[i].sha256, r->inputs[i].path, NULL};
    for (size_t i = 0; i < s->n; i++)
        for (size_t j = 0; j < s->v[i].h.n_inputs; j++) {
            const fr_input_row *in = &s->v[i].h.inputs[j];
            if (comparable(in))
                ow[k++] = (owner){in->sha256, in->path, s->v[i].name};
        }
    fr_err e = overlaps(ow, k, errbuf, errlen);
    free(ow);
    return e;
}

static int same_cidrs(const fr_cidr *a, size_t na, const fr_cidr *b, size_t nb)
{
    for (size_t i = 0; i < na; i++) {
        int found = 0;
        for (size_t j = 0; j < nb && !found; j++)
            found = a[i].bits == b[j].bits && a[i].net.family == b[j].net.family &&
                memcmp(a[i].net.b, b[j].net.b, 16) == 0;
        if (!found)
            return 0;
    }
    return 1;
}

fr_err fr_stateset_check(fr_stateset *s, fr_state_run *run, char *errbuf, size_t errlen)
{
    fr_reduce_opts *o = &run->reduce;
    s->checked = 1;
    if (s->n == 0) {
        s->run = *run;
        return FR_OK;
    }
    /* the window: given, else the states' */
    if (!run->window_given) {
        int64_t w = 0;
        for (size_t i = 0; i < s->n; i++)
            if (s->v[i].h.window > w)
                w = s->v[i].h.window;
        o->window = w;
    }
    for (size_t i = 0; i < s->n; i++) {
        const state *st = &s->v[i];
        if (o->window % st->h.window != 0) {
            snprintf(errbuf, errlen,
                     "%s: its windows of %" PRId64 " s cannot make windows of %" PRId64
                     " s (a report's window must be a multiple of every state's; "
                     "use --window with one)",
                     st->name, st->h.window, o->window);
            return FR_ERR_USAGE;
        }
        if (st->h.prorate != o->prorate) {
            snprintf(errbuf, errlen, "%s: was made %s --prorate; merge it %s it", st->name,
                     st->h.prorate ? "with" : "without", st->h.prorate ? "with" : "without");
            return FR_ERR_USAGE;
        }
        if (memcmp(st->h.admin_ports, o->audit->admin_ports, sizeof st->h.admin_ports) != 0) {
            snprintf(errbuf, errlen,
                     "%s: was made with other --admin-ports; give the same to merge it", st->name);
            return FR_ERR_USAGE;
        }
        if (st->h.n_cidrs != o->audit->n_vpc_cidrs ||
            !same_cidrs(st->h.cidrs, st->h.n_cidrs, o->audit->vpc_cidrs, o->audit->n_vpc_cidrs)) {
            snprintf(errbuf, errlen,
                     "%s: was made with other --vpc-cidr blocks; give the same to merge it",
                     st->name);
            return FR_ERR_USAGE;
        }
    }
    /* the period: states cannot be cut, so a given one must hold them */
    if (!o->since_set && !o->until_set && !run->raw_inputs) {
        int all_since = 1, all_until = 1;
        for (size_t i = 0; i < s->n; i++) {
            all_since &= s->v[i].h.since_set;
            all_until &= s->v[i].h.until_set;
        }
        for (size_t i = 0; i < s->n; i++) {
            const head *h = &s->v[i].h;
            if (all_since && (!o->since_set || h->since < o->since))
                o->since = h->since;
            if (all_until && (!o->until_set || h->until > o->until))
                o->until = h->until;
            o->since_set |= all_since;
            o->until_set |= all_until;
        }
    } else {
        for (size_t i = 0; i < s->n; i++) {
            const head *h = &s->v[i].h;
            if (!h->has_time)
                continue;
            if ((o->since_set && h->min_start < o->since) ||
                (o->until_set && h->max_start >= o->until)) {
                char a[32], b[32];
                snprintf(errbuf, errlen,
                         "%s: holds records from %s to %s, outside --since/--until; a state "
                         "cannot be cut, so merge it over a period that holds it",
                         s->v[i].name, fr_time_iso(h->min_start, a), fr_time_iso(h->max_start, b));
                return FR_ERR_USAGE;
            }
        }
    }
    /* no input in two states */
    fr_err e = state_overlaps(s, NULL, errbuf, errlen);
    s->run = *run;
    return e;
}

fr_err fr_stateset_save_to(fr_stateset *s, const char *path)
{
    free(s->save_path);
    s->save_path = strdup(path);
    return s->save_path ? FR_OK : FR_ERR_NOMEM;
}

const char *fr_stateset_temp(const fr_stateset *s)
{
    return s->save_tmp;
}

void fr_stateset_discard(fr_stateset *s)
{
    if (s && s->save_tmp) {
        unlink(s->save_tmp);
        free(s->save_tmp);
        s->save_tmp = NULL;
    }
}

fr_err fr_stateset_commit(fr_stateset *s, char *errbuf, size_t errlen)
{
    if (!s->save_tmp)
        return FR_OK;
    if (rename(s->save_tmp, s->save_path) != 0) {
        snprintf(errbuf, errlen, "--save-state: cannot rename %s to %s: %s", s->save_tmp,
                 s->save_path, strerror(errno));
        return FR_ERR_IO;
    }
    free(s->save_tmp);
    s->save_tmp = NULL;
    return FR_OK;
}

/* ---- saving ---- */

fr_err state_save(fr_stateset *s, fr_agg *agg, fr_topn *top, const fr_report *r, char *errbuf,
                  size_t errlen)
{
    const char *slash = strrchr(s->save_path, '/');
    size_t dlen = slash ? (size_t)(slash - s->save_path) + 1 : 0;
    const char *base = s->save_path + dlen;
    size_t n = dlen + strlen(base) + 32;
    char *tmp = malloc(n);
    if (!tmp)
        return FR_ERR_NOMEM;
    snprintf(tmp, n, "%.*s.%s.tmp-XXXXXX", (int)dlen, s->save_path, base);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(errbuf, errlen, "--save-state: cannot create a file beside %s: %s", s->save_path,
                 strerror(errno));
        free(tmp);
        return FR_ERR_IO;
    }
    s->save_tmp = tmp;
    mode_t um = umask(0); /* mkstemp makes it 0600: give it the reports' mode */
    umask(um);
    if (fchmod(fd, 0666 & ~um) != 0) {
        close(fd);
        snprintf(errbuf, errlen, "--save-state: %s: %s", tmp, strerror(errno));
        return FR_ERR_IO;
    }
    FILE *fp = fdopen(fd, "w+b");
    if (!fp) {
        close(fd);
        snprintf(errbuf, errlen, "--save-state: %s", strerror(errno));
        return FR_ERR_IO;
    }
    fr_err err = FR_ERR_IO;
    uint8_t hd[HEADER_LEN] = {0};
    fr_swriter *w = NULL;
    if (fwrite(hd, 1, HEADER_LEN, fp) != HEADER_LEN)
        goto io;
    if (!(w = fr_swriter_new(fp))) {
        err = FR_ERR_NOMEM;
        goto fail;
    }
    save_head(w, &s->run, agg, top, r);
    if (fr_agg_save(agg, w, s->run.state_keys) != FR_OK ||
        fr_topn_save(top, w, s->run.state_keys) != FR_OK) {
        err = FR_ERR_NOMEM;
        goto fail;
    }
    uint64_t raw_len, z_len;
    if (fr_swriter_finish(w, &raw_len, &z_len))
        goto io;
    memcpy(hd, FR_STATE_MAGIC, FR_STATE_MAGIC_LEN);
    put_u32le(hd + 8, FR_STATE_VERSION);
    put_u32le(hd + 12, 1); /* the body is deflated */
    put_u64le(hd + 16, raw_len);
    put_u64le(hd + 24, z_len);
    if (fseek(fp, 0, SEEK_SET) != 0 || fwrite(hd, 1, HEADER_LEN, fp) != HEADER_LEN ||
        fflush(fp) != 0 || fseek(fp, 0, SEEK_SET) != 0)
        goto io;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1;
    uint8_t buf[65536];
    uint64_t left = HEADER_LEN + z_len;
    while (ok && left) {
        size_t want = left < sizeof buf ? (size_t)left : sizeof buf;
        ok = fread(buf, 1, want, fp) == want && EVP_DigestUpdate(ctx, buf, want) == 1;
        left -= want;
    }
    uint8_t sha[32];
    unsigned int dl = 0;
    ok = ok && EVP_DigestFinal_ex(ctx, sha, &dl) == 1;
    EVP_MD_CTX_free(ctx);
    if (!ok || fseek(fp, 0, SEEK_END) != 0 || fwrite(sha, 1, 32, fp) != 32 || fflush(fp) != 0 ||
        fsync(fileno(fp)) != 0)
        goto io;
    fr_swriter_free(w);
    if (fclose(fp) != 0) {
        snprintf(errbuf, errlen, "--save-state: cannot write %s: %s", tmp, strerror(errno));
        return FR_ERR_IO;
    }
    return FR_OK;
io:
    snprintf(errbuf, errlen, "--save-state: cannot write %s: %s", tmp,
             w && fr_sw_failed(w) ? fr_sw_failed(w) : strerror(errno));
fail:
    if (err == FR_ERR_NOMEM)
        snprintf(errbuf, errlen, "out of memory");
    fr_swriter_free(w);
    fclose(fp);
    return err;
}

fr_err fr_state_parse_body(const uint8_t *p, size_t n, char *errbuf, size_t errlen)
{
    fr_audit_opts ao;
    fr_audit_opts_default(&ao);
    ao.distinct_budget = 1024;
    fr_reduce_opts ro = {.window = 86400, .top_n = 10, .audit = &ao};
    fr_sreader *r = fr_sreader_new_mem(p, n);
    fr_agg *a = fr_agg_new(&ro);
    fr_topn *t = fr_topn_new(0);
    head h;
    memset(&h, 0, sizeof h);
    fr_err err = FR_ERR_NOMEM;
    if (!r || !a || !t)
        goto done;
    err = FR_ERR_FORMAT;
    if (state_load_head(r, &h))
        goto bad;
    if (ro.window % h.window != 0) {
        fr_sr_fail(r, "window %" PRId64 " does not divide a day", h.window);
        goto bad;
    }
    fr_err e = fr_agg_load(a, r, h.window, NULL, FR_STATE_VERSION);
    if (e == FR_ERR_NOMEM) {
        err = e;
        goto done;
    }
    if (e != FR_OK)
        goto bad;
    e = fr_topn_load(t, r);
    if (e == FR_ERR_NOMEM) {
        err = e;
        goto done;
    }
    if (e != FR_OK || fr_sr_end(r))
        goto bad;
    fr_report *rep = fr_report_new();
    if (!rep)
        goto done;
    char eb[256];
    err = fr_agg_report(a, rep, eb, sizeof eb);
    if (err == FR_OK)
        err = fr_topn_report(t, 10, rep);
    fr_report_free(rep);
    if (err == FR_ERR_RANGE)
        err = FR_OK;
    goto done;
bad:
    snprintf(errbuf, errlen, "%s", fr_sr_failed(r) ? fr_sr_failed(r) : "bad body");
done:
    state_head_clear(&h);
    fr_sreader_free(r);
    fr_agg_free(a);
    fr_topn_free(t);
    return err;
}
