/* SPDX-License-Identifier: MIT */
/* test_cwl_page: the one-pass FilterLogEvents page scanner of source_cwl.c
 * against a reference built on jansson (the whole-tree parse the source
 * used before): fixed cases, then many random pages with awkward strings,
 * reordered and repeated keys, nested extra values and random whitespace,
 * then the same pages cut short or with one byte changed. Both must accept
 * and refuse the same pages and give the same lines, token and events. */
#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fr_cwl.h"

static int failures;

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);                                        \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

/* ---- a growable string ---- */

typedef struct str {
    char *p;
    size_t n, cap;
} str;

static void put(str *s, const void *b, size_t n)
{
    if (s->n + n + 1 > s->cap) {
        size_t c = s->cap ? s->cap : 256;
        while (c < s->n + n + 1)
            c *= 2;
        s->p = realloc(s->p, c);
        if (!s->p) {
            fprintf(stderr, "out of memory\n");
            exit(99);
        }
        s->cap = c;
    }
    memcpy(s->p + s->n, b, n);
    s->n += n;
    s->p[s->n] = '\0';
}

static void puts_(str *s, const char *t)
{
    put(s, t, strlen(t));
}

static void putf(str *s, const char *fmt, ...)
{
    char b[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b, sizeof b, fmt, ap);
    va_end(ap);
    put(s, b, (size_t)n);
}

/* ---- what a page yields ---- */

typedef struct result {
    int rc; /* 0 ok, 1 bad reply (FR_ERR_REMOTE), 2 bad event (FR_ERR_FORMAT) */
    str lines, token, meta; /* meta: "stream\tms\n" per event */
    size_t count;
    char err[256]; /* the scanner's message */
} result;

static void result_clear(result *r)
{
    free(r->lines.p);
    free(r->token.p);
    free(r->meta.p);
    memset(r, 0, sizeof *r);
}

/* The reference: jansson's tree, read as source_cwl.c did before. */
static void reference(const char *body, size_t len, result *r)
{
    memset(r, 0, sizeof *r);
    json_error_t jerr;
    json_t *doc = json_loadb(body, len, 0, &jerr);
    json_t *events = doc ? json_object_get(doc, "events") : NULL;
    if (!doc || !json_is_object(doc) || (events && !json_is_array(events))) {
        json_decref(doc);
        r->rc = 1;
        return;
    }
    for (size_t i = 0; i < json_array_size(events); i++) {
        json_t *ev = json_array_get(events, i);
        json_t *m = json_object_get(ev, "message");
        if (!json_is_string(m)) {
            json_decref(doc);
            result_clear(r);
            r->rc = 2;
            return;
        }
        const char *msg = json_string_value(m);
        size_t ml = json_string_length(m);
        for (size_t k = 0; k < ml; k++) {
            char c = msg[k] == '\n' || msg[k] == '\r' ? ' ' : msg[k];
            put(&r->lines, &c, 1);
        }
        put(&r->lines, "\n", 1);
        json_t *st = json_object_get(ev, "logStreamName");
        json_t *ts = json_object_get(ev, "timestamp");
        puts_(&r->meta, json_is_string(st) ? json_string_value(st) : "");
        putf(&r->meta, "\t%lld\n", json_is_integer(ts) ? (long long)json_integer_value(ts) : 0LL);
        r->count++;
    }
    json_t *next = json_object_get(doc, "nextToken");
    if (json_is_string(next) && json_string_length(next) > 0)
        puts_(&r->token, json_string_value(next));
    json_decref(doc);
}

/* The scanner under test. */
static void scanned(fr_cwl_page *pg, const char *body, size_t len, result *r)
{
    memset(r, 0, sizeof *r);
    char *err = r->err;
    fr_err e = fr_cwl_page_scan(pg, body, len, 1, err, sizeof r->err);
    if (e != FR_OK) {
        r->rc = e == FR_ERR_REMOTE ? 1 : e == FR_ERR_FORMAT ? 2 : 9;
        CHECK(fr_cwl_page_count(pg) == 0 && !fr_cwl_page_token(pg), "a failed page keeps data");
        CHECK(err[0], "no message for a failed page");
        return;
    }
    size_t n;
    const char *lines = fr_cwl_page_lines(pg, &n);
    put(&r->lines, lines, n);
    r->count = fr_cwl_page_count(pg);
    for (size_t i = 0; i < r->count; i++) {
        const char *msg, *stream;
        size_t ml;
        int64_t ms;
        fr_cwl_page_event(pg, i, &msg, &ml, &stream, &ms);
        puts_(&r->meta, stream);
        putf(&r->meta, "\t%lld\n", (long long)ms);
    }
    if (fr_cwl_page_token(pg))
        puts_(&r->token, fr_cwl_page_token(pg));
    /* the messages of the events are the lines, in order */
    str again = {0};
    for (size_t i = 0; i < r->count; i++) {
        const char *msg, *stream;
        size_t ml;
        int64_t ms;
        fr_cwl_page_event(pg, i, &msg, &ml, &stream, &ms);
        put(&again, msg, ml);
        put(&again, "\n", 1);
    }
    CHECK(again.n == r->lines.n && (!again.n || memcmp(again.p, r->lines.p, again.n) == 0),
          "events' messages differ from the lines");
    free(again.p);
}

static int same_str(const str *a, const str *b)
{
    return a->n == b->n && (a->n == 0 || memcmp(a->p, b->p, a->n) == 0);
}

static long compared, accepted;

/* Compares scanner and reference on one body. Returns 1 when they agree. */
static int compare(fr_cwl_page *pg, const char *body, size_t len, const char *what)
{
    result want, got;
    reference(body, len, &want);
    scanned(pg, body, len, &got);
    int ok = want.rc == got.rc && want.count == got.count && same_str(&want.lines, &got.lines) &&
        same_str(&want.token, &got.token) && same_str(&want.meta, &got.meta);
    compared++;
    accepted += want.rc == 0;
    if (!ok) {
        fprintf(stderr, "%s: scanner and jansson differ (rc %d vs %d, %zu vs %zu events): %s\n",
                what, got.rc, want.rc, got.count, want.count, got.err);
        fprintf(stderr, "  page (%zu bytes): %.*s\n", len, (int)(len > 600 ? 600 : len), body);
        if (want.rc == got.rc)
            fprintf(stderr, "  want lines: %.300s\n  got  lines: %.300s\n",
                    want.lines.p ? want.lines.p : "", got.lines.p ? got.lines.p : "");
        failures++;
        if (getenv("CWL_PAGE_DUMP")) {
            FILE *f = fopen(getenv("CWL_PAGE_DUMP"), "wb");
            if (f) {
                fwrite(body, 1, len, f);
                fclose(f);
            }
        }
    }
    result_clear(&want);
    result_clear(&got);
    return ok;
}

/* ---- fixed cases ---- */

/* Scans body; checks rc, the lines and the token (NULL: none). */
static void fixed(fr_cwl_page *pg, const char *body, fr_err rc, const char *lines,
                  const char *token)
{
    char err[256];
    fr_err e = fr_cwl_page_scan(pg, body, strlen(body), 0, err, sizeof err);
    CHECK(e == rc, "%s: rc %d, want %d (%s)", body, e, rc, e ? err : "");
    if (e != FR_OK || rc != FR_OK)
        return;
    size_t n;
    const char *l = fr_cwl_page_lines(pg, &n);
    CHECK(n == strlen(lines) && memcmp(l, lines, n) == 0, "%s: lines \"%.*s\", want \"%s\"", body,
          (int)n, l, lines);
    const char *t = fr_cwl_page_token(pg);
    CHECK((!t && !token) || (t && token && strcmp(t, token) == 0), "%s: token %s, want %s", body,
          t ? t : "(none)", token ? token : "(none)");
}

static void fixed_cases(fr_cwl_page *pg)
{
    fixed(pg, "{\"events\":[{\"message\":\"a b\"},{\"message\":\"c\"}],\"nextToken\":\"T\"}", FR_OK,
          "a b\nc\n", "T");
    fixed(pg, " {\n\"nextToken\" : \"x\\/y\" ,\"events\"\t:[ ] } \r\n", FR_OK, "", "x/y");
    fixed(pg, "{}", FR_OK, "", NULL);
    fixed(pg, "{\"events\":[],\"nextToken\":\"\"}", FR_OK, "", NULL);
    fixed(pg, "{\"events\":[],\"nextToken\":null}", FR_OK, "", NULL);
    /* escapes; line breaks in a message are spaces */
    fixed(pg, "{\"events\":[{\"message\":\"q\\\"b\\\\s\\/n\\nr\\rt\\tu\\u00e9\\uD83D\\ude00\"}]}",
          FR_OK, "q\"b\\s/n r t\tu\xc3\xa9\xf0\x9f\x98\x80\n", NULL);
    fixed(pg, "{\"events\":[{\"message\":\"\\u000a\\u000D\\b\\f\"}]}", FR_OK, "  \b\f\n", NULL);
    /* a key spelled with escapes, the last of repeated keys wins */
    fixed(pg, "{\"events\":[{\"mess\\u0061ge\":\"m\",\"x\":{\"message\":\"no\"}}]}", FR_OK, "m\n",
          NULL);
    fixed(pg, "{\"events\":[{\"message\":\"first\",\"message\":\"second\"}]}", FR_OK, "second\n",
          NULL);
    fixed(pg, "{\"events\":[{\"message\":\"a\"}],\"events\":[{\"message\":\"b\"}]}", FR_OK, "b\n",
          NULL);
    fixed(pg, "{\"nextToken\":\"a\",\"nextToken\":7}", FR_OK, "", NULL);
    /* nested and odd values skipped */
    fixed(pg,
          "{\"searchedLogStreams\":[{\"logStreamName\":\"s\\\"]}\",\"searchedCompletely\":true}],"
          "\"x\":[[[],{}],{\"a\":[1,-2.5e3,null,false]}],\"events\":[{\"eventId\":\"1\","
          "\"ingestionTime\":1,\"message\":\"m\",\"timestamp\":0}]}",
          FR_OK, "m\n", NULL);
    /* refused */
    fixed(pg, "", FR_ERR_REMOTE, NULL, NULL);
    fixed(pg, "[]", FR_ERR_REMOTE, NULL, NULL);
    fixed(pg, "{\"events\":{}}", FR_ERR_REMOTE, NULL, NULL);
    fixed(pg, "{\"events\":null}", FR_ERR_REMOTE, NULL, NULL);
    fixed(pg, "{\"events\":[{\"message\":\"a\"}]", FR_ERR_REMOTE, NULL, NULL);
    fixed(pg, "{\"events\":[{\"message\":\"a\"}]}x", FR_ERR_REMOTE, NULL, NULL);
    fixed(pg, "{\"events\":[{\"message\":\"a\"},]}", FR_ERR_REMOTE, NULL, NULL);
    fixed(pg, "{\"events\":[{\"message\":\"a\\u0000b\"}]}", FR_ERR_REMOTE, NULL, NULL);
    fixed(pg, "{\"events\":[{\"message\":\"\\ud800\"}]}", FR_ERR_REMOTE, NULL, NULL);
    fixed(pg, "{\"events\":[{\"message\":\"\\udc00\\ud800\"}]}", FR_ERR_REMOTE, NULL, NULL);
    fixed(pg, "{\"events\":[{\"message\":\"\\x\"}]}", FR_ERR_REMOTE, NULL, NULL);
    fixed(pg, "{\"events\":[{\"message\":\"a\tb\"}]}", FR_ERR_REMOTE, NULL, NULL);
    fixed(pg, "{\"events\":[{\"message\":\"\xc3\"}]}", FR_ERR_REMOTE, NULL, NULL);
    fixed(pg, "{\"events\":[{\"message\":\"\xed\xa0\x80\"}]}", FR_ERR_REMOTE, NULL, NULL);
    fixed(pg, "{\"x\":01}", FR_ERR_REMOTE, NULL, NULL);
    fixed(pg, "{\"x\":9223372036854775808}", FR_ERR_REMOTE, NULL, NULL);
    fixed(pg, "{\"x\":-9223372036854775808}", FR_OK, "", NULL);
    fixed(pg, "{\"x\":1e999}", FR_ERR_REMOTE, NULL, NULL);
    fixed(pg, "{\"x\":tru}", FR_ERR_REMOTE, NULL, NULL);
    fixed(pg, "{\"x\" 1}", FR_ERR_REMOTE, NULL, NULL);
    fixed(pg, "{\"events\":[{\"timestamp\":1}]}", FR_ERR_FORMAT, NULL, NULL);
    fixed(pg, "{\"events\":[{\"message\":7}]}", FR_ERR_FORMAT, NULL, NULL);
    fixed(pg, "{\"events\":[\"m\"]}", FR_ERR_FORMAT, NULL, NULL);
    fixed(pg, "{\"events\":[{\"message\":\"m\",\"message\":null}]}", FR_ERR_FORMAT, NULL, NULL);
    fixed(pg, "{\"events\":[{}],\"events\":[]}", FR_OK, "", NULL);

    /* a NUL byte: refused (jansson skips it) */
    static const char nul1[] = "{\"events\":[{\"message\":\"a\0b\"}]}";
    static const char nul2[] = "{\"x\":null\0}";
    char e0[256];
    CHECK(fr_cwl_page_scan(pg, nul1, sizeof nul1 - 1, 0, e0, sizeof e0) == FR_ERR_REMOTE,
          "a NUL byte in a string is accepted");
    CHECK(fr_cwl_page_scan(pg, nul2, sizeof nul2 - 1, 0, e0, sizeof e0) == FR_ERR_REMOTE,
          "a NUL byte between values is accepted");

    /* nesting around the 2048 limit, and stream/timestamp kept */
    for (int depth = 2044; depth <= 2050; depth++) {
        str s = {0};
        puts_(&s, "{\"events\":[{\"message\":\"m\",\"x\":");
        for (int i = 0; i < depth; i++)
            puts_(&s, i % 2 ? "[" : "{\"k\":");
        puts_(&s, "1");
        for (int i = depth; i-- > 0;)
            puts_(&s, i % 2 ? "]" : "}");
        puts_(&s, "}]}");
        compare(pg, s.p, s.n, "deep nesting");
        free(s.p);
    }
    const char *keep =
        "{\"events\":[{\"timestamp\":1764374400123,\"logStreamName\":\"eni-1\\/all\",\"message\":"
        "\"x\"},{\"message\":\"y\",\"timestamp\":1.5},{\"logStreamName\":5,\"message\":\"z\"}]}";
    char err[256];
    CHECK(fr_cwl_page_scan(pg, keep, strlen(keep), 1, err, sizeof err) == FR_OK, "keep: %s", err);
    const char *want_stream[] = {"eni-1/all", "", ""};
    const int64_t want_ms[] = {1764374400123, 0, 0};
    CHECK(fr_cwl_page_count(pg) == 3, "keep: %zu events", fr_cwl_page_count(pg));
    for (size_t i = 0; i < 3 && i < fr_cwl_page_count(pg); i++) {
        const char *msg, *stream;
        size_t ml;
        int64_t ms;
        fr_cwl_page_event(pg, i, &msg, &ml, &stream, &ms);
        CHECK(ml == 1 && msg[0] == "xyz"[i] && strcmp(stream, want_stream[i]) == 0 &&
                  ms == want_ms[i],
              "keep: event %zu", i);
    }
}

/* ---- random pages ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint32_t rnd(uint32_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return n ? (uint32_t)(rng_state % n) : 0;
}

static void ws(str *s)
{
    static const char w[] = " \t\n\r";
    if (rnd(4) == 0) {
        for (uint32_t i = rnd(3) + 1; i-- > 0;)
            put(s, &w[rnd(4)], 1);
    }
}

/* Writes code point cp as JSON text: raw UTF-8 or a \u escape (a pair
 * past U+FFFF), hex in either case. */
static void put_cp(str *s, uint32_t cp, int escape)
{
    if (escape) {
        const char *fmt = rnd(2) ? "\\u%04x" : "\\u%04X";
        if (cp >= 0x10000) {
            uint32_t v = cp - 0x10000;
            putf(s, fmt, 0xD800 + (v >> 10));
            putf(s, fmt, 0xDC00 + (v & 0x3FF));
        } else {
            putf(s, fmt, cp);
        }
        return;
    }
    unsigned char b[4];
    size_t n;
    if (cp < 0x80) {
        b[0] = (unsigned char)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (unsigned char)(0xC0 | (cp >> 6));
        b[1] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (unsigned char)(0xE0 | (cp >> 12));
        b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        b[0] = (unsigned char)(0xF0 | (cp >> 18));
        b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        b[3] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    put(s, b, n);
}

/* An awkward string value, quotes included. */
static void rand_string(str *s, size_t maxlen)
{
    static const char *const flow[] = {
        "2 123456789012 eni-0a1b2c3d4e5f60711 10.0.1.5 10.1.0.7 49152 443 6 12 8400 "
        "1764374400 1764374460 ACCEPT OK",
        "5 vpc-01 subnet-9 i-0abc eni-1 10.0.0.1 - 22 6 - - - NODATA"};
    put(s, "\"", 1);
    if (rnd(3) == 0)
        puts_(s, flow[rnd(2)]);
    size_t n = rnd((uint32_t)maxlen + 1);
    for (size_t i = 0; i < n; i++) {
        uint32_t k = rnd(20);
        if (k < 9) {
            char c = (char)(' ' + rnd(95));
            if (c == '"' || c == '\\')
                c = 'a';
            put(s, &c, 1);
        } else if (k == 9) {
            puts_(s, rnd(2) ? "\\\"" : "\\\\");
        } else if (k == 10) {
            puts_(s, rnd(2) ? "/" : "\\/");
        } else if (k == 11) {
            static const char *const esc[] = {"\\n", "\\r", "\\t", "\\b", "\\f"};
            puts_(s, esc[rnd(5)]);
        } else if (k == 12) {
            put_cp(s, 1 + rnd(0x1F), 1); /* control characters, escaped */
        } else if (k == 13) {
            put_cp(s, 0x80 + rnd(0x780), rnd(2));
        } else if (k == 14) {
            uint32_t cp = 0x800 + rnd(0xF800);
            if (cp >= 0xD800 && cp <= 0xDFFF)
                cp = 0xE000;
            put_cp(s, cp, rnd(2));
        } else if (k == 15) {
            put_cp(s, 0x10000 + rnd(0x100000), rnd(2));
        } else if (k == 16) {
            put_cp(s, rnd(2) ? '\n' : '\r', 1);
        } else {
            puts_(s, "ab cd");
        }
    }
    put(s, "\"", 1);
}

static void rand_value(str *s, int depth);

/* An object of random members (no keys of ours). */
static void rand_object(str *s, int depth)
{
    static const char *const keys[] = {"\"a\"",       "\"searchedCompletely\"",
                                       "\"k\\\"ey\"", "\"messages\"",
                                       "\"eventsX\"", "\"\\u006eext\""};
    put(s, "{", 1);
    for (uint32_t i = 0, n = rnd(4); i < n; i++) {
        if (i)
            put(s, ",", 1);
        ws(s);
        puts_(s, keys[rnd(6)]);
        ws(s);
        put(s, ":", 1);
        ws(s);
        rand_value(s, depth + 1);
        ws(s);
    }
    put(s, "}", 1);
}

static void rand_value(str *s, int depth)
{
    uint32_t k = rnd(depth > 4 ? 6 : 8);
    switch (k) {
    case 0: rand_string(s, 8); break;
    case 1: putf(s, "%d", (int)rnd(2000000) - 1000000); break;
    case 2: puts_(s, rnd(2) ? "-0.5e-3" : "12.25E+2"); break;
    case 3: puts_(s, rnd(2) ? "true" : "false"); break;
    case 4: puts_(s, "null"); break;
    case 5: putf(s, "%lld", (long long)(rng_state >> 1) * (rnd(2) ? 1 : -1)); break;
    case 6: rand_object(s, depth); break;
    default:
        put(s, "[", 1);
        for (uint32_t i = 0, n = rnd(4); i < n; i++) {
            if (i)
                put(s, ",", 1);
            ws(s);
            rand_value(s, depth + 1);
            ws(s);
        }
        put(s, "]", 1);
    }
}

/* Writes one member "KEY": followed by the value made by fn. */
static void member(str *s, int *first, const char *key)
{
    if (!*first)
        put(s, ",", 1);
    *first = 0;
    ws(s);
    puts_(s, key);
    ws(s);
    put(s, ":", 1);
    ws(s);
}

static void rand_event(str *s)
{
    /* shuffled members; rarely a message missing, repeated or not a string */
    int order[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    for (int i = 7; i > 0; i--) {
        int j = (int)rnd((uint32_t)i + 1), t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    int first = 1;
    put(s, "{", 1);
    for (int i = 0; i < 8; i++) {
        switch (order[i]) {
        case 0:
            if (rnd(300) == 0)
                break; /* no message */
            member(s, &first, rnd(20) ? "\"message\"" : "\"mess\\u0061ge\"");
            if (rnd(400) == 0)
                puts_(s, "17");
            else
                rand_string(s, 40);
            break;
        case 1:
            member(s, &first, "\"logStreamName\"");
            if (rnd(10) == 0)
                rand_value(s, 3);
            else
                rand_string(s, 12);
            break;
        case 2:
            member(s, &first, "\"timestamp\"");
            if (rnd(10) == 0)
                rand_value(s, 3);
            else
                putf(s, "%lld", 1764374400000LL + rnd(86400000));
            break;
        case 3:
            member(s, &first, "\"ingestionTime\"");
            putf(s, "%lld", 1764374400000LL + rnd(86400000));
            break;
        case 4:
            member(s, &first, "\"eventId\"");
            putf(s, "\"%u%u\"", rnd(1000000000), rnd(1000000000));
            break;
        case 5:
            if (rnd(3) == 0) {
                member(s, &first, "\"extra\"");
                rand_value(s, 3);
            }
            break;
        case 6:
            if (rnd(30) == 0) { /* a repeated message: the last counts */
                member(s, &first, "\"message\"");
                rand_string(s, 10);
            }
            break;
        case 7:
            if (rnd(30) == 0) {
                member(s, &first, "\"timestamp\"");
                putf(s, "%u", rnd(1000));
            }
            break;
        }
        ws(s);
    }
    put(s, "}", 1);
}

static void rand_page(str *s)
{
    s->n = 0;
    int order[5] = {0, 1, 2, 3, 4};
    for (int i = 4; i > 0; i--) {
        int j = (int)rnd((uint32_t)i + 1), t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    int first = 1;
    ws(s);
    put(s, "{", 1);
    for (int i = 0; i < 5; i++) {
        switch (order[i]) {
        case 0:
            if (rnd(20) == 0)
                break; /* no events */
            member(s, &first, rnd(30) ? "\"events\"" : "\"\\u0065vents\"");
            put(s, "[", 1);
            for (uint32_t k = 0, n = rnd(4) ? rnd(30) : 0; k < n; k++) {
                if (k)
                    put(s, ",", 1);
                ws(s);
                if (rnd(500) == 0)
                    rand_value(s, 2); /* not an event object */
                else
                    rand_event(s);
                ws(s);
            }
            put(s, "]", 1);
            break;
        case 1:
            if (rnd(4) == 0)
                break; /* the last page */
            member(s, &first, "\"nextToken\"");
            if (rnd(15) == 0)
                rand_value(s, 1);
            else
                rand_string(s, 60);
            break;
        case 2:
            if (rnd(2)) {
                member(s, &first, "\"searchedLogStreams\"");
                put(s, "[", 1);
                rand_object(s, 2);
                put(s, "]", 1);
            }
            break;
        case 3:
            if (rnd(3) == 0) {
                member(s, &first, "\"other\"");
                rand_value(s, 1);
            }
            break;
        case 4:
            if (rnd(40) == 0) { /* events again: the last counts */
                member(s, &first, "\"events\"");
                if (rnd(5) == 0)
                    rand_value(s, 1);
                else
                    puts_(s, "[{\"message\":\"again\"}]");
            }
            break;
        }
        ws(s);
    }
    put(s, "}", 1);
    ws(s);
}

int main(int argc, char **argv)
{
    long pages = argc > 1 ? atol(argv[1]) : 20000;
    if (argc > 2)
        rng_state = strtoull(argv[2], NULL, 0) | 1;
    fr_cwl_page *pg = fr_cwl_page_new();
    if (!pg)
        return 99;
    fixed_cases(pg);

    str s = {0}, m = {0};
    static const char pokes[] = "\"\\{}[],: x0-e\x80\xc3\x01";
    long mutated_ok = 0;
    for (long i = 0; i < pages && failures < 5; i++) {
        rand_page(&s);
        compare(pg, s.p, s.n, "random page");
        /* the same page cut short, and with one byte changed */
        compare(pg, s.p, rnd((uint32_t)s.n), "page cut short");
        m.n = 0;
        put(&m, s.p, s.n);
        /* not a NUL byte: jansson skips those, the scanner refuses them */
        m.p[rnd((uint32_t)m.n)] = pokes[rnd(sizeof pokes - 1)];
        long before = accepted;
        compare(pg, m.p, m.n, "page with a byte changed");
        mutated_ok += accepted > before;
    }
    /* one AWS-sized page: 10000 events */
    s.n = 0;
    puts_(&s, "{\"events\":[");
    for (int i = 0; i < 10000; i++) {
        if (i)
            put(&s, ",", 1);
        rand_event(&s);
    }
    puts_(&s, "],\"nextToken\":\"f/39123/abc==\",\"searchedLogStreams\":[]}");
    compare(pg, s.p, s.n, "large page");

    printf("%ld pages compared (%ld accepted, %ld changed pages still valid), %d failures\n",
           compared, accepted, mutated_ok, failures);
    free(s.p);
    free(m.p);
    fr_cwl_page_free(pg);
    return failures ? 1 : 0;
}
