/* SPDX-License-Identifier: MIT */
/* jsondoc: a stream of CloudWatch Logs JSON documents read one document at a
 * time and turned into one line per event message. */
#include "fr_jsondoc.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bytes asked of the text reader at a time. */
#define READ_CHUNK ((size_t)256 << 10)

enum { MODE_FIRST, MODE_DOCS, MODE_PASS };

struct fr_jsondoc {
    fr_reader *text;
    size_t max_doc;
    uint8_t *buf; /* unconsumed text is buf[pos..len) */
    size_t cap, len, pos;
    uint64_t buf_off; /* text offset of buf[0] */
    int text_eof;
    /* the scanner over the document that starts at doc (>= pos: in the
     * first document, white space before it stays for pass-through) */
    size_t doc, scan;
    int depth, in_str, esc;
    uint8_t *out; /* lines of the current document */
    size_t out_cap, out_len, out_pos;
    int mode;
    fr_err pending; /* pass mode: a reader error after the buffered bytes */
    int pending_intact;
    fr_err failed;
    int intact;
    uint64_t docs;
    char err[512];
};

static int is_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int fr_jsondoc_detect(const uint8_t *head, size_t len)
{
    size_t i = 0;
    while (i < len && is_space(head[i]))
        i++;
    if (i >= len || (head[i] != '{' && head[i] != '['))
        return 0;
    const uint8_t *nl = memchr(head + i, '\n', len - i);
    size_t first = nl ? (size_t)(nl - (head + i)) : len - i;
    json_error_t jerr;
    json_t *one = json_loadb((const char *)head + i, first, 0, &jerr);
    if (!one)
        return 1; /* a document spread over lines, or several on one line */
    int doc = json_is_object(one) &&
        (json_object_get(one, "events") || json_object_get(one, "logEvents") ||
         json_object_get(one, "messageType"));
    json_decref(one);
    return doc;
}

fr_jsondoc *fr_jsondoc_new(fr_reader *text, const uint8_t *head, size_t len, size_t max_doc)
{
    fr_jsondoc *j = calloc(1, sizeof *j);
    if (!j)
        return NULL;
    j->text = text;
    j->max_doc = max_doc ? max_doc : FR_JSONDOC_MAX;
    j->cap = len + READ_CHUNK;
    j->buf = malloc(j->cap);
    if (!j->buf) {
        free(j);
        return NULL;
    }
    if (len)
        memcpy(j->buf, head, len);
    j->len = len;
    j->intact = 1;
    return j;
}

void fr_jsondoc_free(fr_jsondoc *j)
{
    if (!j)
        return;
    free(j->buf);
    free(j->out);
    free(j);
}

int fr_jsondoc_events(const fr_jsondoc *j)
{
    return j->mode == MODE_DOCS;
}

int fr_jsondoc_text_intact(const fr_jsondoc *j)
{
    return j->intact;
}

const char *fr_jsondoc_errmsg(const fr_jsondoc *j)
{
    return j->err;
}

uint64_t fr_jsondoc_documents(const fr_jsondoc *j)
{
    return j->docs;
}

/* Records a lasting error with a message. Returns e. */
static fr_err fail(fr_jsondoc *j, fr_err e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(j->err, sizeof j->err, fmt, ap);
    va_end(ap);
    j->failed = e;
    return e;
}

/* Records a lasting error whose message is already in j->err. Returns e. */
static fr_err keep_fail(fr_jsondoc *j, fr_err e)
{
    j->failed = e;
    return e;
}

/* Reads more text after buf[len), moving the unconsumed bytes to the front
 * first. Returns FR_OK (text_eof set at the end) or the reader's error. */
static fr_err fill(fr_jsondoc *j)
{
    if (j->pos > 0) {
        memmove(j->buf, j->buf + j->pos, j->len - j->pos);
        j->len -= j->pos;
        j->scan -= j->pos;
        j->doc -= j->pos;
        j->buf_off += j->pos;
        j->pos = 0;
    }
    if (j->cap - j->len < READ_CHUNK) {
        size_t nc = j->cap * 2;
        if (nc < j->len + READ_CHUNK)
            nc = j->len + READ_CHUNK;
        uint8_t *nb = realloc(j->buf, nc);
        if (!nb) {
            snprintf(j->err, sizeof j->err, "out of memory");
            return FR_ERR_NOMEM;
        }
        j->buf = nb;
        j->cap = nc;
    }
    size_t got = 0;
    fr_err e = fr_reader_read(j->text, j->buf + j->len, j->cap - j->len, &got);
    if (e != FR_OK) {
        snprintf(j->err, sizeof j->err, "%s", fr_reader_errmsg(j->text));
        return e;
    }
    if (got == 0)
        j->text_eof = 1;
    j->len += got;
    return FR_OK;
}

/* Advances the scanner. Returns 1 with *end (one past the closing bracket)
 * when the document starting at pos is complete in the buffer, else 0. */
static int scan_doc(fr_jsondoc *j, size_t *end)
{
    const uint8_t *b = j->buf;
    for (size_t i = j->scan; i < j->len; i++) {
        uint8_t c = b[i];
        if (j->in_str) {
            if (j->esc)
                j->esc = 0;
            else if (c == '\\')
                j->esc = 1;
            else if (c == '"')
                j->in_str = 0;
            continue;
        }
        if (c == '"') {
            j->in_str = 1;
        } else if (c == '{' || c == '[') {
            j->depth++;
        } else if ((c == '}' || c == ']') && --j->depth == 0) {
            j->scan = *end = i + 1;
            return 1;
        }
    }
    j->scan = j->len;
    return 0;
}

/* Appends s[0..n) as one line to out. Returns 0, or -1 when out of memory. */
static int out_line(fr_jsondoc *j, const char *s, size_t n)
{
    if (j->out_len + n + 1 > j->out_cap) {
        size_t nc = j->out_cap ? j->out_cap : 4096;
        while (nc < j->out_len + n + 1)
            nc *= 2;
        uint8_t *nb = realloc(j->out, nc);
        if (!nb)
            return -1;
        j->out = nb;
        j->out_cap = nc;
    }
    uint8_t *o = j->out + j->out_len;
    for (size_t i = 0; i < n; i++)
        o[i] = (s[i] == '\n' || s[i] == '\r') ? ' ' : (uint8_t)s[i];
    o[n] = '\n';
    j->out_len += n + 1;
    return 0;
}

/* Turns one parsed document into lines. Returns FR_OK or FR_ERR_NOMEM. */
static fr_err doc_lines(fr_jsondoc *j, json_t *root)
{
    json_t *mt = json_object_get(root, "messageType");
    if (json_is_string(mt) && strcmp(json_string_value(mt), "CONTROL_MESSAGE") == 0)
        return FR_OK; /* the subscription's health check: no flow records */
    json_t *events = json_object_get(root, "events");
    if (!events)
        events = json_object_get(root, "logEvents");
    if (!json_is_array(events)) {
        static const char marker[] = "{\"document without events\":true}";
        return out_line(j, marker, sizeof marker - 1) ? FR_ERR_NOMEM : FR_OK;
    }
    size_t k;
    json_t *ev;
    json_array_foreach(events, k, ev)
    {
        json_t *m = json_object_get(ev, "message");
        int ok = json_is_string(m);
        const char *s = ok ? json_string_value(m) : "{no message}";
        size_t n = ok ? json_string_length(m) : strlen(s);
        if (out_line(j, s, n))
            return FR_ERR_NOMEM;
    }
    return FR_OK;
}

/* Leaves document mode for the first document: its bytes and the rest of the
 * text go to the line parser as they are. */
static void pass_through(fr_jsondoc *j)
{
    j->mode = MODE_PASS;
}

/* The text reader failed (message in j->err). In the first document this
 * is as for plain text: the bytes before the damage pass through, then the
 * error; later, the error ends the documents. Returns FR_OK or the error. */
static fr_err read_failed(fr_jsondoc *j, fr_err e)
{
    if (e != FR_ERR_NOMEM && j->mode == MODE_FIRST) {
        pass_through(j);
        j->pending = e;
        j->pending_intact = fr_reader_text_intact(j->text);
        return FR_OK;
    }
    return keep_fail(j, e);
}

/* Reads and converts the next document into out. Returns FR_OK with *more
 * 0 at the end of the text, or an error (recorded). */
static fr_err next_doc(fr_jsondoc *j, int *more)
{
    *more = 1;
    j->out_len = j->out_pos = 0;
    j->doc = j->pos;
    for (;;) {
        while (j->doc < j->len && is_space(j->buf[j->doc]))
            j->doc++;
        if (j->mode != MODE_FIRST)
            j->pos = j->doc; /* white space between documents is consumed */
        if (j->doc < j->len || j->text_eof)
            break;
        fr_err e = fill(j);
        if (e != FR_OK)
            return read_failed(j, e);
    }
    if (j->doc == j->len) {
        if (j->mode == MODE_FIRST)
            pass_through(j);
        else
            *more = 0;
        return FR_OK;
    }
    uint64_t at = j->buf_off + j->doc;
    uint8_t c = j->buf[j->doc];
    if (c != '{' && c != '[') {
        if (j->mode == MODE_FIRST) {
            pass_through(j);
            return FR_OK;
        }
        return fail(j, FR_ERR_IO,
                    "unexpected data at text offset %llu after JSON document %llu "
                    "(expected another document)",
                    (unsigned long long)at, (unsigned long long)j->docs);
    }
    j->scan = j->doc;
    j->depth = j->in_str = j->esc = 0;
    size_t end = 0;
    while (!scan_doc(j, &end)) {
        if (j->len - j->doc > j->max_doc)
            return fail(j, FR_ERR_FORMAT,
                        "JSON document larger than %zu MiB at text offset %llu "
                        "(split it, or export as text)",
                        j->max_doc >> 20, (unsigned long long)at);
        if (j->text_eof) {
            if (j->mode == MODE_FIRST) {
                pass_through(j);
                return FR_OK;
            }
            return fail(j, FR_ERR_IO,
                        "JSON document %llu at text offset %llu is cut off (the text ends "
                        "inside it)",
                        (unsigned long long)j->docs + 1, (unsigned long long)at);
        }
        fr_err e = fill(j);
        if (e != FR_OK)
            return read_failed(j, e);
        at = j->buf_off + j->doc;
    }
    if (end - j->doc > j->max_doc)
        return fail(j, FR_ERR_FORMAT,
                    "JSON document larger than %zu MiB at text offset %llu "
                    "(split it, or export as text)",
                    j->max_doc >> 20, (unsigned long long)at);
    json_error_t jerr;
    json_t *root = json_loadb((const char *)j->buf + j->doc, end - j->doc, 0, &jerr);
    if (j->mode == MODE_FIRST) {
        int known = json_is_object(root) &&
            (json_is_array(json_object_get(root, "events")) ||
             json_is_array(json_object_get(root, "logEvents")) ||
             json_is_string(json_object_get(root, "messageType")));
        if (!known) {
            json_decref(root);
            pass_through(j);
            return FR_OK;
        }
        j->mode = MODE_DOCS;
    }
    if (!root)
        return fail(j, FR_ERR_IO, "bad JSON in document %llu at text offset %llu: %s",
                    (unsigned long long)j->docs + 1, (unsigned long long)(at + jerr.position),
                    jerr.text);
    fr_err e = json_is_object(root) ? doc_lines(j, root) : FR_OK;
    if (!json_is_object(root)) {
        static const char marker[] = "{\"document without events\":true}";
        if (out_line(j, marker, sizeof marker - 1))
            e = FR_ERR_NOMEM;
    }
    json_decref(root);
    if (e != FR_OK)
        return fail(j, e, "out of memory");
    j->docs++;
    j->pos = end;
    return FR_OK;
}

fr_err fr_jsondoc_read(fr_jsondoc *j, uint8_t *buf, size_t cap, size_t *got)
{
    *got = 0;
    if (j->failed != FR_OK)
        return j->failed;
    for (;;) {
        if (j->out_pos < j->out_len) {
            size_t n = j->out_len - j->out_pos;
            if (n > cap)
                n = cap;
            memcpy(buf, j->out + j->out_pos, n);
            j->out_pos += n;
            *got = n;
            return FR_OK;
        }
        if (j->mode == MODE_PASS) {
            if (j->pos < j->len) {
                size_t n = j->len - j->pos;
                if (n > cap)
                    n = cap;
                memcpy(buf, j->buf + j->pos, n);
                j->pos += n;
                *got = n;
                return FR_OK;
            }
            if (j->pending != FR_OK) {
                j->intact = j->pending_intact;
                return keep_fail(j, j->pending);
            }
            if (j->text_eof)
                return FR_OK;
            fr_err e = fr_reader_read(j->text, buf, cap, got);
            if (e != FR_OK) {
                j->intact = fr_reader_text_intact(j->text);
                return fail(j, e, "%s", fr_reader_errmsg(j->text));
            }
            if (*got == 0)
                j->text_eof = 1;
            return FR_OK;
        }
        int more;
        fr_err e = next_doc(j, &more);
        if (e != FR_OK)
            return e;
        if (!more)
            return FR_OK;
    }
}
