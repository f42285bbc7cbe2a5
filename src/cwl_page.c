/* SPDX-License-Identifier: MIT */
/* cwl_page: a FilterLogEvents reply scanned in one pass, without a tree:
 * the events' messages straight into one buffer of text lines, the
 * nextToken and, for --save-raw, each event's stream and timestamp. */
#include "fr_cwl.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Containers a value may be nested in (jansson's limit: every value,
 * the top-level object counting as 1, is at most 2048 deep). */
#define CWL_MAX_DEPTH 2048
/* No value is a stream name, timestamp or offset: "none". */
#define CWL_NONE ((size_t)-1)

typedef struct cwl_event {
    size_t msg, len; /* the message in lines */
    size_t stream; /* the stream name in strs, or CWL_NONE */
    int64_t ms;
} cwl_event;

struct fr_cwl_page {
    char *lines; /* the messages, each followed by '\n' */
    size_t n, cap;
    size_t count;
    char *token; /* nextToken ("" when absent) */
    size_t token_cap;
    int keep; /* keep each event's stream and timestamp */
    cwl_event *ev;
    size_t ev_cap;
    char *strs; /* the stream names, NUL-terminated one after the other */
    size_t strs_n, strs_cap;
};

typedef struct scan {
    const unsigned char *p, *end, *start;
    const char *why; /* the first syntax error */
} scan;

/* The keys the scanner looks for. */
enum { K_OTHER, K_EVENTS, K_TOKEN, K_MESSAGE, K_STREAM, K_TIMESTAMP };

/* Records a syntax error at the current byte. Returns -1. */
static int bad(scan *sc, const char *why)
{
    if (!sc->why)
        sc->why = why;
    return -1;
}

static void skip_ws(scan *sc)
{
    while (sc->p < sc->end && (*sc->p == ' ' || *sc->p == '\n' || *sc->p == '\r' || *sc->p == '\t'))
        sc->p++;
}

/* Consumes byte c after whitespace. Returns 0, or -1 when another byte is there. */
static int expect(scan *sc, unsigned char c, const char *why)
{
    skip_ws(sc);
    if (sc->p == sc->end || *sc->p != c)
        return bad(sc, why);
    sc->p++;
    return 0;
}

/* The value of 4 hex digits at p (p + 4 <= end), or -1. */
static long hex4(const unsigned char *p)
{
    long v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned char c = p[i];
        int d = c >= '0' && c <= '9' ? c - '0'
            : c >= 'a' && c <= 'f'   ? c - 'a' + 10
            : c >= 'A' && c <= 'F'   ? c - 'A' + 10
                                     : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* Length of the valid UTF-8 sequence at p (lead byte >= 0x80), or 0. */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
    unsigned char c = p[0];
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF; /* range of the second byte */
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0)
            lo = 0xA0; /* overlong */
        else if (c == 0xED)
            hi = 0x9F; /* surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F; /* past U+10FFFF */
    } else
        return 0;
    if ((size_t)(end - p) < n || p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++) {
        if (p[i] < 0x80 || p[i] > 0xBF)
            return 0;
    }
    return n;
}

/* 1 when none of the 8 bytes of w is '"', '\\', a control byte or >= 0x80. */
static int plain8(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
    uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
    uint64_t hit = ((w - ones * 0x20) & ~w) | ((q - ones) & ~q) | ((b - ones) & ~b) | w;
    return (hit & high) == 0;
}

/* Scans the string whose opening quote was just consumed, through its
 * closing quote. When dst is set, writes the unescaped bytes there (room
 * for as many bytes as the escaped text is always enough) and sets *outlen;
 * in a message (msg), line breaks become spaces. Returns 0 or -1. */
static int scan_str(scan *sc, char *dst, size_t *outlen, int msg)
{
    const unsigned char *p = sc->p, *end = sc->end;
    char *d = dst;
    for (;;) {
        while (end - p >= 8) {
            uint64_t w;
            memcpy(&w, p, 8);
            if (!plain8(w))
                break;
            if (d) {
                memcpy(d, p, 8);
                d += 8;
            }
            p += 8;
        }
        if (p == end) {
            sc->p = p;
            return bad(sc, "unterminated string");
        }
        unsigned char c = *p;
        if (c == '"') {
            sc->p = p + 1;
            if (d)
                *outlen = (size_t)(d - dst);
            return 0;
        }
        if (c < 0x20) {
            sc->p = p;
            return bad(sc, "control character in a string");
        }
        if (c >= 0x80) {
            size_t n = utf8_len(p, end);
            if (n == 0) {
                sc->p = p;
                return bad(sc, "invalid UTF-8");
            }
            if (d) {
                memcpy(d, p, n);
                d += n;
            }
            p += n;
            continue;
        }
        if (c != '\\') {
            if (d)
                *d++ = (char)c;
            p++;
            continue;
        }
        if (end - p < 2) {
            sc->p = p;
            return bad(sc, "unterminated string");
        }
        unsigned char e = p[1], out;
        p += 2;
        switch (e) {
        case '"': out = '"'; break;
        case '\\': out = '\\'; break;
        case '/': out = '/'; break;
        case 'b': out = '\b'; break;
        case 'f': out = '\f'; break;
        case 'n': out = msg ? ' ' : '\n'; break;
        case 'r': out = msg ? ' ' : '\r'; break;
        case 't': out = '\t'; break;
        case 'u': {
            long cp = end - p >= 4 ? hex4(p) : -1;
            if (cp < 0) {
                sc->p = p;
                return bad(sc, "bad \\u escape");
            }
            p += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                long lo = end - p >= 6 && p[0] == '\\' && p[1] == 'u' ? hex4(p + 2) : -1;
                if (lo < 0xDC00 || lo > 0xDFFF) {
                    sc->p = p;
                    return bad(sc, "lone surrogate in a \\u escape");
                }
                p += 6;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else if ((cp >= 0xDC00 && cp <= 0xDFFF) || cp == 0) {
                sc->p = p;
                return bad(sc, cp ? "lone surrogate in a \\u escape" : "\\u0000 in a string");
            }
            if (!d)
                continue;
            if (msg && (cp == '\n' || cp == '\r'))
                cp = ' ';
            if (cp < 0x80) {
                *d++ = (char)cp;
            } else if (cp < 0x800) {
                *d++ = (char)(0xC0 | (cp >> 6));
                *d++ = (char)(0x80 | (cp & 0x3F));
            } else if (cp < 0x10000) {
                *d++ = (char)(0xE0 | (cp >> 12));
                *d++ = (char)(0x80 | ((cp >> 6) & 0x3F));
                *d++ = (char)(0x80 | (cp & 0x3F));
            } else {
                *d++ = (char)(0xF0 | (cp >> 18));
                *d++ = (char)(0x80 | ((cp >> 12) & 0x3F));
                *d++ = (char)(0x80 | ((cp >> 6) & 0x3F));
                *d++ = (char)(0x80 | (cp & 0x3F));
            }
            continue;
        }
        default: sc->p = p - 1; return bad(sc, "bad escape in a string");
        }
        if (d)
            *d++ = (char)out;
    }
}

/* Scans a number. Sets *is_int and, for an integer, *v. Returns 0 or -1
 * (bad syntax, or out of range as jansson has it). */
static int scan_number(scan *sc, int *is_int, int64_t *v)
{
    const unsigned char *p = sc->p, *end = sc->end, *s = p;
    int neg = 0, over = 0;
    uint64_t u = 0;
    if (p < end && *p == '-') {
        neg = 1;
        p++;
    }
    if (p == end || *p < '0' || *p > '9')
        return bad(sc, "bad number");
    if (*p == '0') {
        p++;
    } else {
        for (; p < end && *p >= '0' && *p <= '9'; p++) {
            unsigned d = (unsigned)(*p - '0');
            if (u > (UINT64_MAX - d) / 10)
                over = 1;
            else
                u = u * 10 + d;
        }
    }
    *is_int = 1;
    if (p < end && *p == '.') {
        *is_int = 0;
        if (++p == end || *p < '0' || *p > '9')
            return bad(sc, "bad number");
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        *is_int = 0;
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        if (p == end || *p < '0' || *p > '9')
            return bad(sc, "bad number");
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    }
    sc->p = p;
    if (*is_int) {
        uint64_t lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
        if (over || u > lim)
            return bad(sc, "integer out of range");
        *v = neg ? (int64_t)(0 - u) : (int64_t)u;
        return 0;
    }
    /* reals are never used; like jansson, refuse one that overflows */
    size_t n = (size_t)(p - s);
    char small[64], *t = n < sizeof small ? small : malloc(n + 1);
    if (!t)
        return bad(sc, "out of memory");
    memcpy(t, s, n);
    t[n] = '\0';
    errno = 0;
    double x = strtod(t, NULL);
    int huge = errno == ERANGE && (x == HUGE_VAL || x == -HUGE_VAL);
    if (t != small)
        free(t);
    return huge ? bad(sc, "real number out of range") : 0;
}

/* Scans a literal (true, false, null). Returns 0 or -1. */
static int scan_word(scan *sc)
{
    static const char *const words[] = {"true", "false", "null"};
    for (size_t i = 0; i < 3; i++) {
        size_t n = strlen(words[i]);
        if ((size_t)(sc->end - sc->p) >= n && memcmp(sc->p, words[i], n) == 0) {
            sc->p += n;
            return 0;
        }
    }
    return bad(sc, "invalid token");
}

/* Scans a scalar value at sc->p (not an object or array). Returns 0 or -1. */
static int scan_scalar(scan *sc)
{
    if (sc->p == sc->end)
        return bad(sc, "value expected");
    unsigned char c = *sc->p;
    if (c == '"') {
        sc->p++;
        return scan_str(sc, NULL, NULL, 0);
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
        int is_int;
        int64_t v;
        return scan_number(sc, &is_int, &v);
    }
    return scan_word(sc);
}

/* Scans an object key through its ':'. Returns its K_ kind, or -1. */
static int scan_key(scan *sc)
{
    static const struct {
        const char *raw; /* with its closing quote */
        int kind;
    } keys[] = {{"message\"", K_MESSAGE},
                {"timestamp\"", K_TIMESTAMP},
                {"logStreamName\"", K_STREAM},
                {"events\"", K_EVENTS},
                {"nextToken\"", K_TOKEN}};
    if (expect(sc, '"', "object key expected") != 0)
        return -1;
    int kind = -1;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        size_t n = strlen(keys[i].raw);
        if ((size_t)(sc->end - sc->p) >= n && memcmp(sc->p, keys[i].raw, n) == 0) {
            sc->p += n;
            kind = keys[i].kind;
            break;
        }
    }
    if (kind < 0) {
        /* any other spelling: unescape short keys and compare */
        const unsigned char *s = sc->p;
        if (scan_str(sc, NULL, NULL, 0) != 0)
            return -1;
        kind = K_OTHER;
        char k[96];
        size_t kl = 0;
        scan again = {s, sc->end, sc->start, NULL};
        if ((size_t)(sc->p - s) <= sizeof k && memchr(s, '\\', (size_t)(sc->p - s)) &&
            scan_str(&again, k, &kl, 0) == 0) {
            for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
                if (kl + 1 == strlen(keys[i].raw) && memcmp(k, keys[i].raw, kl) == 0)
                    kind = keys[i].kind;
            }
        }
    }
    if (expect(sc, ':', "':' expected") != 0)
        return -1;
    skip_ws(sc);
    return kind;
}

/* Skips one value, any nesting, whose enclosing containers number depth.
 * Returns 0 or -1. */
static int skip_value(scan *sc, int depth)
{
    unsigned char in_obj[CWL_MAX_DEPTH / 8]; /* per level: object (1) or array (0) */
    int lvl = 0;
    for (;;) {
        /* a value is expected */
        skip_ws(sc);
        if (depth + lvl + 1 > CWL_MAX_DEPTH)
            return bad(sc, "nested too deep");
        if (sc->p < sc->end && (*sc->p == '{' || *sc->p == '[')) {
            int obj = *sc->p == '{';
            sc->p++;
            if (obj)
                in_obj[lvl / 8] |= (unsigned char)(1u << (lvl % 8));
            else
                in_obj[lvl / 8] &= (unsigned char)~(1u << (lvl % 8));
            lvl++;
            skip_ws(sc);
            if (sc->p < sc->end && *sc->p == (obj ? '}' : ']')) {
                sc->p++;
                lvl--;
            } else {
                if (obj && scan_key(sc) < 0)
                    return -1;
                continue;
            }
        } else if (scan_scalar(sc) != 0) {
            return -1;
        }
        /* after a value: close containers until one goes on */
        for (;;) {
            if (lvl == 0)
                return 0;
            int obj = (in_obj[(lvl - 1) / 8] >> ((lvl - 1) % 8)) & 1;
            skip_ws(sc);
            if (sc->p < sc->end && *sc->p == ',') {
                sc->p++;
                if (obj && scan_key(sc) < 0)
                    return -1;
                break;
            }
            if (sc->p < sc->end && *sc->p == (obj ? '}' : ']')) {
                sc->p++;
                lvl--;
                continue;
            }
            return bad(sc, obj ? "',' or '}' expected" : "',' or ']' expected");
        }
    }
}

/* Grows a byte buffer to hold need bytes. Returns 0 or -1. */
static int grow(char **p, size_t *cap, size_t need)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap : 256;
    while (c < need)
        c *= 2;
    char *q = realloc(*p, c);
    if (!q)
        return -1;
    *p = q;
    *cap = c;
    return 0;
}

/* Scans a string value into *dst at offset off (grown to fit), NUL
 * terminated. Sets *len. Returns 0, -1 (syntax) or -2 (out of memory). */
static int scan_str_into(scan *sc, char **dst, size_t *cap, size_t off, size_t *len)
{
    const unsigned char *s = sc->p;
    if (scan_str(sc, NULL, NULL, 0) != 0)
        return -1;
    if (grow(dst, cap, off + (size_t)(sc->p - s) + 1) != 0)
        return -2;
    scan again = {s, sc->end, sc->start, NULL};
    (void)scan_str(&again, *dst + off, len, 0);
    (*dst)[off + *len] = '\0';
    return 0;
}

/* Scans one element of "events" (its first byte at sc->p). Sets *ok to 0
 * when it is not an object with a string message. Returns 0, -1 or -2. */
static int scan_event(scan *sc, fr_cwl_page *pg, int *ok)
{
    if (sc->p == sc->end || *sc->p != '{') {
        *ok = 0;
        return skip_value(sc, 2);
    }
    sc->p++;
    size_t at = pg->n;
    int has_msg = 0;
    cwl_event ev = {at, 0, CWL_NONE, 0};
    skip_ws(sc);
    if (sc->p < sc->end && *sc->p == '}') {
        sc->p++;
        *ok = 0;
        return 0;
    }
    for (;;) {
        int k = scan_key(sc);
        if (k < 0)
            return -1;
        if (k == K_MESSAGE && sc->p < sc->end && *sc->p == '"') {
            sc->p++;
            /* room: the lines never outgrow the reply */
            if (scan_str(sc, pg->lines + at, &ev.len, 1) != 0)
                return -1;
            has_msg = 1;
        } else if (k == K_STREAM && pg->keep && sc->p < sc->end && *sc->p == '"') {
            sc->p++;
            size_t l;
            int r = scan_str_into(sc, &pg->strs, &pg->strs_cap, pg->strs_n, &l);
            if (r != 0)
                return r;
            ev.stream = pg->strs_n;
            pg->strs_n += l + 1;
        } else if (k == K_TIMESTAMP && sc->p < sc->end &&
                   (*sc->p == '-' || (*sc->p >= '0' && *sc->p <= '9'))) {
            int is_int;
            int64_t v;
            if (scan_number(sc, &is_int, &v) != 0)
                return -1;
            ev.ms = is_int ? v : 0;
        } else {
            if (skip_value(sc, 3) != 0)
                return -1;
            if (k == K_MESSAGE)
                has_msg = 0;
            else if (k == K_STREAM)
                ev.stream = CWL_NONE;
            else if (k == K_TIMESTAMP)
                ev.ms = 0;
        }
        skip_ws(sc);
        if (sc->p < sc->end && *sc->p == ',') {
            sc->p++;
            continue;
        }
        if (expect(sc, '}', "',' or '}' expected") != 0)
            return -1;
        break;
    }
    if (!has_msg) {
        *ok = 0;
        return 0;
    }
    pg->lines[at + ev.len] = '\n';
    pg->n = at + ev.len + 1;
    if (pg->keep) {
        if (pg->count == pg->ev_cap) {
            size_t c = pg->ev_cap ? pg->ev_cap * 2 : 1024;
            cwl_event *v = realloc(pg->ev, c * sizeof *v);
            if (!v)
                return -2;
            pg->ev = v;
            pg->ev_cap = c;
        }
        pg->ev[pg->count] = ev;
    }
    pg->count++;
    return 0;
}

/* Scans the "events" array (its '[' consumed). Sets *ok as scan_event.
 * Returns 0, -1 or -2. */
static int scan_events(scan *sc, fr_cwl_page *pg, int *ok)
{
    pg->n = pg->count = pg->strs_n = 0;
    *ok = 1;
    skip_ws(sc);
    if (sc->p < sc->end && *sc->p == ']') {
        sc->p++;
        return 0;
    }
    for (;;) {
        skip_ws(sc);
        int r = scan_event(sc, pg, ok);
        if (r != 0)
            return r;
        skip_ws(sc);
        if (sc->p < sc->end && *sc->p == ',') {
            sc->p++;
            continue;
        }
        return expect(sc, ']', "',' or ']' expected");
    }
}

fr_cwl_page *fr_cwl_page_new(void)
{
    return calloc(1, sizeof(fr_cwl_page));
}

fr_err fr_cwl_page_scan(fr_cwl_page *pg, const char *body, size_t len, int keep_events,
                        char *errbuf, size_t errlen)
{
    scan sc = {(const unsigned char *)body, (const unsigned char *)body + len,
               (const unsigned char *)body, NULL};
    int events = 0; /* 0 absent, 1 an array, 2 something else */
    int ok = 1, r = 0;
    pg->n = pg->count = pg->strs_n = 0;
    pg->keep = keep_events;
    if (grow(&pg->lines, &pg->cap, len + 1) != 0 || grow(&pg->token, &pg->token_cap, 1) != 0)
        goto nomem;
    pg->token[0] = '\0';
    if (expect(&sc, '{', "'{' expected") != 0)
        goto bad;
    skip_ws(&sc);
    if (sc.p < sc.end && *sc.p == '}') {
        sc.p++;
    } else {
        for (;;) {
            int k = scan_key(&sc);
            if (k < 0)
                goto bad;
            if (k == K_EVENTS && sc.p < sc.end && *sc.p == '[') {
                sc.p++;
                events = 1;
                r = scan_events(&sc, pg, &ok);
            } else if (k == K_TOKEN && sc.p < sc.end && *sc.p == '"') {
                sc.p++;
                size_t l;
                r = scan_str_into(&sc, &pg->token, &pg->token_cap, 0, &l);
            } else {
                r = skip_value(&sc, 1);
                if (k == K_EVENTS)
                    events = 2;
                else if (k == K_TOKEN && r == 0)
                    pg->token[0] = '\0';
            }
            if (r == -2)
                goto nomem;
            if (r != 0)
                goto bad;
            skip_ws(&sc);
            if (sc.p < sc.end && *sc.p == ',') {
                sc.p++;
                continue;
            }
            if (expect(&sc, '}', "',' or '}' expected") != 0)
                goto bad;
            break;
        }
    }
    skip_ws(&sc);
    if (sc.p != sc.end) {
        bad(&sc, "end of text expected");
        goto bad;
    }
    if (events == 2) {
        snprintf(errbuf, errlen, "bad FilterLogEvents reply: no events array");
        goto fail_remote;
    }
    if (events == 0)
        pg->n = pg->count = pg->strs_n = 0;
    if (!ok) {
        pg->n = pg->count = pg->strs_n = 0;
        pg->token[0] = '\0';
        snprintf(errbuf, errlen, "an event without a message");
        return FR_ERR_FORMAT;
    }
    return FR_OK;
bad:
    snprintf(errbuf, errlen, "bad FilterLogEvents reply: %s at byte %zu", sc.why ? sc.why : "?",
             (size_t)(sc.p - sc.start));
fail_remote:
    pg->n = pg->count = pg->strs_n = 0;
    pg->token[0] = '\0';
    return FR_ERR_REMOTE;
nomem:
    if (pg->token)
        pg->token[0] = '\0';
    pg->n = pg->count = pg->strs_n = 0;
    snprintf(errbuf, errlen, "out of memory");
    return FR_ERR_NOMEM;
}

const char *fr_cwl_page_lines(const fr_cwl_page *pg, size_t *len)
{
    *len = pg->n;
    return pg->lines;
}

size_t fr_cwl_page_count(const fr_cwl_page *pg)
{
    return pg->count;
}

const char *fr_cwl_page_token(const fr_cwl_page *pg)
{
    return pg->token && pg->token[0] ? pg->token : NULL;
}

void fr_cwl_page_event(const fr_cwl_page *pg, size_t i, const char **msg, size_t *len,
                       const char **stream, int64_t *ms)
{
    const cwl_event *e = &pg->ev[i];
    *msg = pg->lines + e->msg;
    *len = e->len;
    *stream = e->stream == CWL_NONE ? "" : pg->strs + e->stream;
    *ms = e->ms;
}

void fr_cwl_page_free(fr_cwl_page *pg)
{
    if (!pg)
        return;
    free(pg->lines);
    free(pg->token);
    free(pg->ev);
    free(pg->strs);
    free(pg);
}
