/* SPDX-License-Identifier: MIT */
/* jsondoc: a stream of CloudWatch Logs JSON documents read one event at a
 * time and turned into one line per event message. */
#include "fr_jsondoc.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bytes asked of the text reader at a time. */
#define READ_CHUNK ((size_t)256 << 10)
/* Deepest nesting of arrays and objects accepted. */
#define MAX_DEPTH 256
/* Lines of a document held back while its messageType is not known (a
 * CONTROL_MESSAGE yields nothing); past this they are handed out. */
#define HOLD_MAX ((size_t)1 << 20)
/* Key bytes kept for matching (longer keys match nothing). */
#define KEY_MAX 16

enum { MODE_FIRST, MODE_DOCS, MODE_PASS };

/* What the scanner expects next outside a token. */
enum { X_VALUE, X_VALUE_OR_END, X_KEY_OR_END, X_KEY, X_COLON, X_COMMA_OR_END };
/* The token being read. */
enum { T_NONE, T_STR, T_NUM, T_LIT };

/* The marker lines: the line parser counts each as malformed, naming it. */
static const char MARK_NO_EVENTS[] = "{\"document without events\":true}";
static const char MARK_NO_MESSAGE[] = "{\"event without a message\":true}";
static const char MARK_TOO_LARGE[] = "{\"event too large\":true}";

struct fr_jsondoc {
    fr_reader *text;
    size_t max_event;
    uint8_t *buf; /* text; the scanner is at buf[scan], buf[0] is at buf_off */
    size_t cap, len, scan;
    uint64_t buf_off;
    int text_eof;
    int mode;
    /* the scanner */
    uint8_t stack[MAX_DEPTH];
    int depth, expect, tok, esc, uhex, is_key;
    const char *lit; /* rest of true/false/null */
    char key[KEY_MAX + 1];
    size_t key_len;
    /* the current document */
    int in_doc;
    uint64_t doc_at; /* text offset of its first byte */
    int doc_object; /* it is an object */
    int doc_events; /* it has an events or logEvents array */
    int in_events; /* inside that array */
    int mt_state; /* messageType: 0 unknown, 1 reading it, 2 data, 3 control */
    char mt[KEY_MAX + 1];
    size_t mt_len;
    /* the current event: buf[ev_start..) while it fits in max_event */
    int in_event, ev_big;
    size_t ev_start;
    /* lines: out[out_pos..ready) may be handed out, [ready..out_len) held */
    uint8_t *out;
    size_t out_cap, out_len, out_pos, ready, doc_out0;
    size_t pass_pos; /* pass mode: buffered bytes still to hand out */
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

fr_jsondoc *fr_jsondoc_new(fr_reader *text, const uint8_t *head, size_t len, size_t max_event)
{
    fr_jsondoc *j = calloc(1, sizeof *j);
    if (!j)
        return NULL;
    j->text = text;
    j->max_event = max_event ? max_event : FR_JSONDOC_MAX;
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

/* Appends s[0..n) as one line to out, CR and LF made spaces. Returns 0, or
 * -1 when out of memory. */
static int out_line(fr_jsondoc *j, const char *s, size_t n)
{
    if (j->out_pos == j->out_len) {
        j->out_pos = j->out_len = j->ready = j->doc_out0 = 0;
    }
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
    /* lines are held while a DATA/CONTROL decision is pending, up to a bound */
    if (j->mt_state == 2 || j->out_len - j->doc_out0 > HOLD_MAX)
        j->ready = j->out_len;
    return 0;
}

/* Turns the event buf[ev_start..end) into a line. Returns FR_OK or NOMEM. */
static fr_err event_line(fr_jsondoc *j, size_t end)
{
    if (j->mt_state == 3)
        return FR_OK; /* the subscription's health check: no flow records */
    if (j->ev_big || end - j->ev_start > j->max_event)
        return out_line(j, MARK_TOO_LARGE, sizeof MARK_TOO_LARGE - 1) ? FR_ERR_NOMEM : FR_OK;
    json_error_t jerr;
    json_t *ev = NULL;
    if (j->buf[j->ev_start] == '{')
        ev = json_loadb((const char *)j->buf + j->ev_start, end - j->ev_start, 0, &jerr);
    json_t *m = ev ? json_object_get(ev, "message") : NULL;
    int r = json_is_string(m) ? out_line(j, json_string_value(m), json_string_length(m))
                              : out_line(j, MARK_NO_MESSAGE, sizeof MARK_NO_MESSAGE - 1);
    json_decref(ev);
    return r ? FR_ERR_NOMEM : FR_OK;
}

/* A document ended: hands its held lines out, or drops them when it was a
 * CONTROL_MESSAGE. Returns FR_OK or NOMEM. */
static fr_err doc_end(fr_jsondoc *j)
{
    if (j->mt_state == 3 && j->ready <= j->doc_out0)
        j->out_len = j->doc_out0;
    else if (!j->doc_object || (!j->doc_events && j->mt_state != 3))
        if (out_line(j, MARK_NO_EVENTS, sizeof MARK_NO_EVENTS - 1))
            return FR_ERR_NOMEM;
    j->ready = j->out_len;
    j->docs++;
    j->in_doc = 0;
    j->expect = X_VALUE;
    return FR_OK;
}

/* Leaves document mode for the first document: the text goes to the line
 * parser as it is, from its first byte. */
static void pass_through(fr_jsondoc *j)
{
    j->mode = MODE_PASS;
    j->pass_pos = 0;
    j->out_len = j->out_pos = j->ready = 0;
}

/* A value starts at buf[i] with byte c, at the current depth. */
static void value_start(fr_jsondoc *j, size_t i, uint8_t c)
{
    if (j->depth == 0) {
        j->in_doc = 1;
        j->doc_at = j->buf_off + i;
        j->doc_object = c == '{';
        j->doc_events = j->in_events = 0;
        j->mt_state = 0;
        j->doc_out0 = j->out_len;
        j->ready = j->out_len;
        return;
    }
    if (j->depth == 1 && j->stack[0] == '{') {
        if (c == '[' && (strcmp(j->key, "events") == 0 || strcmp(j->key, "logEvents") == 0) &&
            !j->doc_events) {
            j->doc_events = j->in_events = 1;
            if (j->mode == MODE_FIRST)
                j->mode = MODE_DOCS;
        } else if (c == '"' && strcmp(j->key, "messageType") == 0 && j->mt_state == 0) {
            j->mt_state = 1;
            j->mt_len = 0;
            if (j->mode == MODE_FIRST)
                j->mode = MODE_DOCS;
        }
        return;
    }
    if (j->depth == 2 && j->in_events) {
        j->in_event = 1;
        j->ev_big = 0;
        j->ev_start = i;
    }
}

/* A value ended just before buf[end], leaving the scanner at depth.
 * Returns FR_OK or NOMEM. */
static fr_err value_end(fr_jsondoc *j, size_t end)
{
    if (j->depth == 0)
        return doc_end(j);
    j->expect = X_COMMA_OR_END;
    if (j->depth == 2 && j->in_event) {
        j->in_event = 0;
        return event_line(j, end);
    }
    if (j->depth == 1 && j->in_events)
        j->in_events = 0; /* the events array closed */
    if (j->depth == 1 && j->mt_state == 1) {
        j->mt[j->mt_len] = '\0';
        j->mt_state = strcmp(j->mt, "CONTROL_MESSAGE") == 0 ? 3 : 2;
        if (j->mt_state == 2)
            j->ready = j->out_len;
    }
    return FR_OK;
}

/* Scans the buffered text. Returns 1 at a document's end (when stop_at_doc),
 * 0 when the buffer is used up, -1 on a syntax error (j->err set), -2 when
 * out of memory. */
static int scan(fr_jsondoc *j)
{
    static const char hex[] = "0123456789abcdefABCDEF";
    for (; j->scan < j->len; j->scan++) {
        size_t i = j->scan;
        uint8_t c = j->buf[i];
        if (j->tok == T_STR) {
            if (!j->uhex && !j->esc && !j->is_key && j->mt_state != 1) {
                /* the plain bytes of a string, the bulk of the text */
                const uint8_t *b = j->buf, *e = j->buf + j->len;
                const uint8_t *q = b + i;
                while (q < e && *q >= 0x20 && *q != '"' && *q != '\\')
                    q++;
                if (q == e) {
                    j->scan = j->len - 1;
                    continue;
                }
                i = j->scan = (size_t)(q - b);
                c = *q;
            }
            if (j->uhex) {
                if (!memchr(hex, c, sizeof hex - 1) || c == 0)
                    goto bad;
                j->uhex--;
            } else if (j->esc) {
                j->esc = 0;
                if (c == 'u')
                    j->uhex = 4;
                else if (!c || !strchr("\"\\/bfnrt", c))
                    goto bad;
            } else if (c == '\\') {
                j->esc = 1;
            } else if (c == '"') {
                j->tok = T_NONE;
                if (j->is_key) {
                    j->key[j->key_len <= KEY_MAX ? j->key_len : 0] = '\0';
                    j->expect = X_COLON;
                } else if (value_end(j, i + 1) != FR_OK) {
                    return -2;
                } else if (j->depth == 0) {
                    j->scan++;
                    return 1;
                }
            } else if (c < 0x20) {
                goto bad; /* a raw control byte: a cut line, not JSON */
            } else if (j->is_key) {
                if (j->key_len < KEY_MAX)
                    j->key[j->key_len] = (char)c;
                j->key_len++;
            } else if (j->mt_state == 1 && j->depth == 1) {
                if (j->mt_len < KEY_MAX)
                    j->mt[j->mt_len++] = (char)c;
            }
            continue;
        }
        if (j->tok == T_LIT) {
            if ((uint8_t)*j->lit != c)
                goto bad;
            if (*++j->lit == '\0') {
                j->tok = T_NONE;
                if (value_end(j, i + 1) != FR_OK)
                    return -2;
                if (j->depth == 0) {
                    j->scan++;
                    return 1;
                }
            }
            continue;
        }
        if (j->tok == T_NUM) {
            if ((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-')
                continue;
            j->tok = T_NONE;
            if (value_end(j, i) != FR_OK)
                return -2;
            if (j->depth == 0)
                return 1; /* c is read again as the next document's */
        }
        if (is_space(c))
            continue;
        switch (j->expect) {
        case X_VALUE_OR_END:
            if (c == ']')
                goto close;
            /* fall through */
        case X_VALUE:
            if (j->depth == 0 && j->mode == MODE_FIRST && c != '{')
                goto bad; /* the first document must be an object */
            value_start(j, i, c);
            if (c == '{' || c == '[') {
                if (j->depth == MAX_DEPTH)
                    goto bad;
                j->stack[j->depth++] = c;
                j->expect = c == '{' ? X_KEY_OR_END : X_VALUE_OR_END;
            } else if (c == '"') {
                j->tok = T_STR;
                j->is_key = 0;
            } else if (c == '-' || (c >= '0' && c <= '9')) {
                j->tok = T_NUM;
            } else if (c == 't' || c == 'f' || c == 'n') {
                j->tok = T_LIT;
                j->lit = c == 't' ? "rue" : c == 'f' ? "alse" : "ull";
            } else {
                goto bad;
            }
            break;
        case X_KEY_OR_END:
            if (c == '}')
                goto close;
            /* fall through */
        case X_KEY:
            if (c != '"')
                goto bad;
            j->tok = T_STR;
            j->is_key = 1;
            j->key_len = 0;
            break;
        case X_COLON:
            if (c != ':')
                goto bad;
            j->expect = X_VALUE;
            break;
        case X_COMMA_OR_END:
            if (c == ',') {
                j->expect = j->stack[j->depth - 1] == '{' ? X_KEY : X_VALUE;
                break;
            }
            if ((c == '}' && j->stack[j->depth - 1] == '{') ||
                (c == ']' && j->stack[j->depth - 1] == '['))
                goto close;
            goto bad;
        }
        continue;
    close:
        j->depth--;
        if (value_end(j, i + 1) != FR_OK)
            return -2;
        if (j->depth == 0) {
            j->scan++;
            return 1;
        }
    }
    return 0;
bad:
    snprintf(j->err, sizeof j->err, "bad JSON in document %llu at text offset %llu",
             (unsigned long long)j->docs + 1, (unsigned long long)(j->buf_off + j->scan));
    return -1;
}

/* Reads more text after buf[len), first dropping what is no longer needed:
 * in the first document nothing (it may pass through), else the bytes before
 * the current event or the scanner. Returns FR_OK (text_eof set at the end)
 * or the reader's error. */
static fr_err fill(fr_jsondoc *j)
{
    size_t keep = j->scan;
    if (j->in_event && !j->ev_big && j->scan - j->ev_start > j->max_event)
        j->ev_big = 1; /* dropped as it is read: a marker line at its end */
    if (j->mode == MODE_FIRST)
        keep = 0;
    else if (j->in_event && !j->ev_big && j->ev_start < keep)
        keep = j->ev_start;
    if (keep > 0) {
        memmove(j->buf, j->buf + keep, j->len - keep);
        j->len -= keep;
        j->scan -= keep;
        if (j->in_event && !j->ev_big)
            j->ev_start -= keep;
        j->buf_off += keep;
    }
    if (j->cap - j->len < READ_CHUNK) {
        size_t nc = j->len + READ_CHUNK;
        uint8_t *nb = realloc(j->buf, nc);
        if (!nb) {
            snprintf(j->err, sizeof j->err, "out of memory");
            return FR_ERR_NOMEM;
        }
        j->buf = nb;
        j->cap = nc;
    }
    size_t got = 0;
    fr_err e = fr_reader_read(j->text, j->buf + j->len, READ_CHUNK, &got);
    if (e != FR_OK) {
        snprintf(j->err, sizeof j->err, "%s", fr_reader_errmsg(j->text));
        return e;
    }
    if (got == 0)
        j->text_eof = 1;
    j->len += got;
    return FR_OK;
}

/* Records damage that ends the documents: the whole lines converted before
 * it are handed out first, then the error. Returns FR_OK. */
static fr_err damage(fr_jsondoc *j, fr_err e, const char *fmt, ...)
{
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(j->err, sizeof j->err, fmt, ap);
        va_end(ap);
    }
    j->failed = e;
    j->ready = j->out_len;
    return FR_OK;
}

/* Converts text until some lines are ready or the text ends. Returns FR_OK
 * (*more 0 at the end of the text) or an error (recorded). */
static fr_err convert(fr_jsondoc *j, int *more)
{
    *more = 1;
    for (;;) {
        /* between documents only white space and the next document */
        if (!j->in_doc && j->mode == MODE_DOCS) {
            while (j->scan < j->len && is_space(j->buf[j->scan]))
                j->scan++;
            if (j->scan < j->len && j->buf[j->scan] != '{' && j->buf[j->scan] != '[')
                return damage(j, FR_ERR_IO,
                              "unexpected data at text offset %llu after JSON document %llu "
                              "(expected another document)",
                              (unsigned long long)(j->buf_off + j->scan),
                              (unsigned long long)j->docs);
        }
        int r = scan(j);
        if (r == -2)
            return fail(j, FR_ERR_NOMEM, "out of memory");
        if (r == -1) {
            if (j->mode == MODE_FIRST) {
                pass_through(j);
                return FR_OK;
            }
            return damage(j, FR_ERR_IO, NULL); /* message set by scan */
        }
        if (r == 1 && j->mode == MODE_FIRST) {
            pass_through(j); /* a first document without events */
            return FR_OK;
        }
        if (j->ready > j->out_pos)
            return FR_OK;
        if (r == 1)
            continue;
        if (j->mode == MODE_FIRST && j->len > FR_JSONDOC_FIRST) {
            pass_through(j); /* no events array in sight: read as lines */
            return FR_OK;
        }
        if (j->text_eof) {
            if (j->mode == MODE_FIRST) {
                pass_through(j);
                return FR_OK;
            }
            if (j->in_doc || j->tok != T_NONE)
                return damage(j, FR_ERR_IO,
                              "JSON document %llu at text offset %llu is cut off (the text ends "
                              "inside it)",
                              (unsigned long long)j->docs + 1, (unsigned long long)j->doc_at);
            *more = 0;
            return FR_OK;
        }
        fr_err e = fill(j);
        if (e != FR_OK) {
            if (e != FR_ERR_NOMEM && j->mode == MODE_FIRST) {
                /* as for plain text: the bytes before the damage, then it */
                pass_through(j);
                j->pending = e;
                j->pending_intact = fr_reader_text_intact(j->text);
                return FR_OK;
            }
            if (e == FR_ERR_NOMEM)
                return fail(j, e, "out of memory");
            return damage(j, e, NULL); /* message set by fill */
        }
    }
}

fr_err fr_jsondoc_read(fr_jsondoc *j, uint8_t *buf, size_t cap, size_t *got)
{
    *got = 0;
    for (;;) {
        if (j->out_pos < j->ready) {
            size_t n = j->ready - j->out_pos;
            if (n > cap)
                n = cap;
            memcpy(buf, j->out + j->out_pos, n);
            j->out_pos += n;
            *got = n;
            return FR_OK;
        }
        if (j->failed != FR_OK)
            return j->failed;
        if (j->mode == MODE_PASS) {
            if (j->pass_pos < j->len) {
                size_t n = j->len - j->pass_pos;
                if (n > cap)
                    n = cap;
                memcpy(buf, j->buf + j->pass_pos, n);
                j->pass_pos += n;
                *got = n;
                return FR_OK;
            }
            if (j->pending != FR_OK) {
                j->intact = j->pending_intact;
                j->failed = j->pending;
                return j->failed;
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
        fr_err e = convert(j, &more);
        if (e != FR_OK)
            return e;
        if (!more && j->out_pos >= j->ready)
            return FR_OK;
    }
}
