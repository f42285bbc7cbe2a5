/* SPDX-License-Identifier: MIT */
/* test_xml: fr_xml's walker and text decoder against expectations written
 * by hand: the predefined entities, decimal and hex character references
 * (and the code points they may not name), CDATA and comments, UTF-8
 * boundaries, nested elements of the same name, attributes holding '>',
 * the depth limit, and every truncation of a document and of a text
 * (copied to exact-size buffers, so overreads show under ASan). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fr_xml.h"

static int failures;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);               \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

/* 1 when the content of el is exactly str. */
static int content_is(const fr_xml_el *el, const char *str)
{
    return (size_t)(el->ve - el->vs) == strlen(str) && memcmp(el->vs, str, strlen(str)) == 0;
}

static void test_utf8(void)
{
    static const struct {
        unsigned long cp;
        const char *utf8; /* NULL: refused */
    } t[] = {
        {0x41, "A"},
        {0x7F, "\x7F"},
        {0x80, "\xC2\x80"},
        {0xE9, "\xC3\xA9"},
        {0x7FF, "\xDF\xBF"},
        {0x800, "\xE0\xA0\x80"},
        {0x65E5, "\xE6\x97\xA5"},
        {0xD7FF, "\xED\x9F\xBF"},
        {0xE000, "\xEE\x80\x80"},
        {0xFFFF, "\xEF\xBF\xBF"},
        {0x10000, "\xF0\x90\x80\x80"},
        {0x1F600, "\xF0\x9F\x98\x80"},
        {0x10FFFF, "\xF4\x8F\xBF\xBF"},
        {0, NULL},
        {0xD800, NULL},
        {0xDBFF, NULL},
        {0xDC00, NULL},
        {0xDFFF, NULL},
        {0x110000, NULL},
        {0xFFFFFFFFUL, NULL},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        char o[4] = {0};
        size_t k = fr_xml_put_utf8(o, t[i].cp);
        if (!t[i].utf8) {
            CHECK(k == 0);
            continue;
        }
        CHECK(k == strlen(t[i].utf8) && memcmp(o, t[i].utf8, k) == 0);
        if (k != strlen(t[i].utf8))
            fprintf(stderr, "  U+%lX: %zu bytes\n", t[i].cp, k);
    }
}

static void test_decode(void)
{
    static const struct {
        const char *in, *out; /* out NULL: malformed */
    } t[] = {
        {"", ""},
        {"plain text > here", "plain text > here"},
        {"a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos;", "a & b <c> \"d\" 'e'"},
        {"&amp;amp;", "&amp;"}, /* decoded once */
        {"&#65;&#x42;&#x43;&#x4a;&#x4A;", "ABCJJ"},
        {"&#233;&#x65E5;&#x1F600;", "\xC3\xA9\xE6\x97\xA5\xF0\x9F\x98\x80"},
        {"&#0000000065;", "A"}, /* leading zeros */
        {"&#x10FFFF;", "\xF4\x8F\xBF\xBF"},
        {"&#1114111;", "\xF4\x8F\xBF\xBF"},
        {"&#9;&#10;", "\t\n"},
        {"<![CDATA[<raw>&amp;]]>", "<raw>&amp;"},
        {"a<![CDATA[]]>b", "ab"},
        {"<![CDATA[]]]]><![CDATA[>]]>", "]]>"},
        {"x<!-- <y> &bogus; -->z", "xz"},
        {"&#1114112;", NULL}, /* above U+10FFFF */
        {"&#x110000;", NULL},
        {"&#99999999999999999999999;", NULL}, /* would overflow */
        {"&#xD800;", NULL}, /* surrogates */
        {"&#xDFFF;", NULL},
        {"&#55296;", NULL},
        {"&#0;", NULL},
        {"&#x0;", NULL},
        {"&#;", NULL},
        {"&#x;", NULL},
        {"&#X41;", NULL}, /* XML's x is lowercase */
        {"&#12a;", NULL},
        {"&#x4G;", NULL},
        {"&#-1;", NULL},
        {"&amp", NULL},
        {"&bogus;", NULL},
        {"&AMP;", NULL},
        {"& amp;", NULL},
        {"a & b", NULL},
        {"<b>x</b>", NULL},
        {"a<", NULL},
        {"<?pi?>", NULL},
        {"<![CDATA[abc", NULL},
        {"<![CDATA[abc]]", NULL},
        {"<!-- open", NULL},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        size_t n = strlen(t[i].in);
        char *in = malloc(n ? n : 1); /* no NUL: the decoder must not need one */
        memcpy(in, t[i].in, n);
        int bad = -1;
        char *got = fr_xml_text(in, in + n, &bad);
        if (t[i].out) {
            CHECK(got && strcmp(got, t[i].out) == 0 && bad == 0);
            if (!got || strcmp(got, t[i].out) != 0)
                fprintf(stderr, "  decode %zu (%s): got %s\n", i, t[i].in, got ? got : "NULL");
        } else {
            CHECK(!got && bad == 1);
            if (got)
                fprintf(stderr, "  decode %zu (%s): accepted as %s\n", i, t[i].in, got);
        }
        free(got);
        free(in);
    }
}

static void test_decode_room(void)
{
    const char *in = "ab&amp;";
    const char *e = in + strlen(in);
    char buf[8];
    size_t len = 99;
    /* "ab&" needs 4 bytes with the NUL */
    memset(buf, 'z', sizeof buf);
    CHECK(fr_xml_decode(in, e, buf, 4, &len) == 0 && strcmp(buf, "ab&") == 0 && len == 3);
    memset(buf, 'z', sizeof buf);
    CHECK(fr_xml_decode(in, e, buf, 3, &len) == -2);
    CHECK(buf[0] == 0 && buf[1] == 0); /* what was written is wiped */
    CHECK(fr_xml_decode(in, e, buf, 0, NULL) == -2);
    CHECK(fr_xml_decode(in, in, buf, 1, &len) == 0 && buf[0] == 0 && len == 0);
    CHECK(fr_xml_decode(in, in, buf, 0, &len) == -2);
    /* malformed after some output: -1 and wiped */
    const char *bad = "secret&bogus;";
    memset(buf, 'z', sizeof buf);
    CHECK(fr_xml_decode(bad, bad + strlen(bad), buf, sizeof buf, NULL) == -1);
    CHECK(memcmp(buf, "\0\0\0\0\0\0", 6) == 0);
}

static void test_walk(void)
{
    const char *d, *p, *end;
    fr_xml_el el, c1, c2;

    /* declaration, comment and root with an attribute holding '>' and '/' */
    d = "<?xml version=\"1.0\"?>\n<!-- <fake> -->\n<r a=\"1>2\" b='/'><x/>text<y>v</y></r>\ntail";
    p = d;
    end = d + strlen(d);
    CHECK(fr_xml_child(&p, end, &el) == 1 && fr_xml_is(&el, "r") && !fr_xml_is(&el, "rr") &&
          !fr_xml_is(&el, ""));
    CHECK(content_is(&el, "<x/>text<y>v</y>"));
    CHECK(fr_xml_child(&p, end, &el) == 0); /* "tail" is only text */
    const char *r_vs = d + strlen("<?xml version=\"1.0\"?>\n<!-- <fake> -->\n<r a=\"1>2\" b='/'>");
    const char *r_ve = r_vs + strlen("<x/>text<y>v</y>");
    p = r_vs;
    CHECK(fr_xml_child(&p, r_ve, &c1) == 1 && fr_xml_is(&c1, "x") && c1.vs == c1.ve);
    CHECK(fr_xml_child(&p, r_ve, &c1) == 1 && fr_xml_is(&c1, "y") && content_is(&c1, "v"));
    CHECK(fr_xml_child(&p, r_ve, &c1) == 0);

    /* same-named nested elements: the depth count finds the right end */
    d = "<item><item>a</item><item/><item><item>b</item></item></item><item>c</item>";
    p = d;
    end = d + strlen(d);
    CHECK(fr_xml_child(&p, end, &el) == 1 && fr_xml_is(&el, "item"));
    CHECK(content_is(&el, "<item>a</item><item/><item><item>b</item></item>"));
    const char *q = el.vs;
    CHECK(fr_xml_child(&q, el.ve, &c1) == 1 && content_is(&c1, "a"));
    CHECK(fr_xml_child(&q, el.ve, &c1) == 1 && c1.vs == c1.ve);
    CHECK(fr_xml_child(&q, el.ve, &c1) == 1 && content_is(&c1, "<item>b</item>"));
    CHECK(fr_xml_child(&q, el.ve, &c1) == 0);
    CHECK(fr_xml_child(&p, end, &el) == 1 && content_is(&el, "c"));
    CHECK(fr_xml_child(&p, end, &el) == 0);

    /* CDATA and comments inside an element hide what looks like tags */
    d = "<r><![CDATA[</r><z>]]><!-- </r> --><k>1</k></r>";
    p = d;
    end = d + strlen(d);
    CHECK(fr_xml_child(&p, end, &el) == 1 && fr_xml_is(&el, "r"));
    CHECK(fr_xml_child_named(el.vs, el.ve, "k", &c1) == 1 && content_is(&c1, "1"));
    CHECK(fr_xml_child_named(el.vs, el.ve, "z", &c1) == 0);

    /* direct children only, versus any depth */
    d = "<r><s><k>deep</k></s><k>direct</k><t/></r>";
    p = d;
    end = d + strlen(d);
    CHECK(fr_xml_child(&p, end, &el) == 1);
    CHECK(fr_xml_child_named(el.vs, el.ve, "k", &c1) == 1 && content_is(&c1, "direct"));
    CHECK(fr_xml_find_named(el.vs, el.ve, "k", &c2) == 1 && content_is(&c2, "deep"));
    CHECK(fr_xml_find_named(d, end, "k", &c2) == 1 && content_is(&c2, "deep"));
    CHECK(fr_xml_find_named(d, end, "t", &c2) == 1 && c2.vs == c2.ve);
    CHECK(fr_xml_find_named(d, end, "nope", &c2) == 0);
    CHECK(fr_xml_child_named(el.vs, el.ve, "nope", &c2) == 0);
    /* names are compared whole: "k" is not "kk" */
    d = "<kk>1</kk><k>2</k>";
    CHECK(fr_xml_child_named(d, d + strlen(d), "k", &c1) == 1 && content_is(&c1, "2"));

    /* malformed */
    static const char *const bad[] = {
        "</a>",  "<a>",    "<a></b>",    "<a",   "<a>x</a",     "<",
        "< a/>", "<!-- x", "<![CDATA[x", "<?pi", "<a b=\">\"/", "text <",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        p = bad[i];
        end = p + strlen(p);
        int r = fr_xml_child(&p, end, &el);
        CHECK(r == -1);
        if (r != -1)
            fprintf(stderr, "  bad[%zu] (%s): %d\n", i, bad[i], r);
    }
    /* nothing there */
    d = "just text &amp; no elements";
    p = d;
    CHECK(fr_xml_child(&p, d + strlen(d), &el) == 0);
    p = d;
    CHECK(fr_xml_child(&p, d, &el) == 0);
    /* a malformed sibling after the one looked for does not matter, before it does */
    d = "<k>1</k><a></b>";
    CHECK(fr_xml_child_named(d, d + strlen(d), "k", &c1) == 1);
    CHECK(fr_xml_child_named(d, d + strlen(d), "z", &c1) == -1);
}

/* n levels of <a> around <b/>. Returns a new string. */
static char *nest(int n)
{
    char *s = malloc((size_t)n * 7 + 5);
    size_t k = 0;
    for (int i = 0; i < n; i++)
        k += (size_t)sprintf(s + k, "<a>");
    k += (size_t)sprintf(s + k, "<b/>");
    for (int i = 0; i < n; i++)
        k += (size_t)sprintf(s + k, "</a>");
    return s;
}

static void test_depth(void)
{
    fr_xml_el el;
    char *s = nest(FR_XML_MAX_DEPTH);
    CHECK(fr_xml_find_named(s, s + strlen(s), "b", &el) == 1);
    free(s);
    s = nest(FR_XML_MAX_DEPTH + 1);
    CHECK(fr_xml_find_named(s, s + strlen(s), "b", &el) == -1);
    CHECK(fr_xml_find_named(s, s + strlen(s), "a", &el) == 1); /* the first is at the top */
    free(s);
    s = nest(5000); /* no recursion blow-up */
    CHECK(fr_xml_find_named(s, s + strlen(s), "b", &el) == -1);
    free(s);
}

/* Every prefix of a document: the root is complete only in the whole one. */
static void test_truncated_doc(void)
{
    static const char doc[] = "<?xml version=\"1.0\"?><R x='a>b'><!-- c --><S><T>&amp;&#x65E5;</T>"
                              "<T><![CDATA[<T>]]></T><S/></S><U/></R>";
    size_t n = strlen(doc);
    for (size_t len = 0; len <= n; len++) {
        char *copy = malloc(len ? len : 1);
        memcpy(copy, doc, len);
        const char *p = copy;
        fr_xml_el el, s, t;
        int r = fr_xml_child(&p, copy + len, &el);
        if (len == n) {
            CHECK(r == 1 && fr_xml_is(&el, "R"));
            CHECK(fr_xml_child_named(el.vs, el.ve, "S", &s) == 1);
            const char *q = s.vs;
            int bad;
            CHECK(fr_xml_child(&q, s.ve, &t) == 1);
            char *txt = fr_xml_text(t.vs, t.ve, &bad);
            CHECK(txt && strcmp(txt, "&\xE6\x97\xA5") == 0);
            free(txt);
            CHECK(fr_xml_child(&q, s.ve, &t) == 1);
            txt = fr_xml_text(t.vs, t.ve, &bad);
            CHECK(txt && strcmp(txt, "<T>") == 0);
            free(txt);
            CHECK(fr_xml_child(&q, s.ve, &t) == 1 && fr_xml_is(&t, "S") && t.vs == t.ve);
            CHECK(fr_xml_child(&q, s.ve, &t) == 0);
            CHECK(fr_xml_find_named(copy, copy + len, "U", &t) == 1);
        } else {
            /* nothing yet, or only the declaration: no element; else the
             * root is cut */
            int none = len == 0 || len == strlen("<?xml version=\"1.0\"?>");
            CHECK(r == (none ? 0 : -1));
            CHECK(fr_xml_find_named(copy, copy + len, "U", &t) == (none ? 0 : -1));
        }
        free(copy);
    }
}

/* Every prefix of a text: whole tokens decode, a cut inside one fails. */
static void test_truncated_text(void)
{
    static const char text[] = "a&amp;b&#x65E5;<![CDATA[x]]>c";
    static const size_t ok[] = {0, 1, 6, 7, 15, 28, 29};
    static const char *const want[] = {
        "", "a", "a&", "a&b", "a&b\xE6\x97\xA5", "a&b\xE6\x97\xA5x", "a&b\xE6\x97\xA5xc"};
    size_t n = strlen(text), k = 0;
    CHECK(n == 29);
    for (size_t len = 0; len <= n; len++) {
        char *copy = malloc(len ? len : 1);
        memcpy(copy, text, len);
        int bad;
        char *got = fr_xml_text(copy, copy + len, &bad);
        if (k < sizeof ok / sizeof ok[0] && len == ok[k]) {
            CHECK(got && strcmp(got, want[k]) == 0);
            k++;
        } else {
            CHECK(!got && bad == 1);
            if (got)
                fprintf(stderr, "  text prefix %zu accepted: %s\n", len, got);
        }
        free(got);
        free(copy);
    }
}

int main(void)
{
    test_utf8();
    test_decode();
    test_decode_room();
    test_walk();
    test_depth();
    test_truncated_doc();
    test_truncated_text();
    if (failures) {
        fprintf(stderr, "test_xml: %d check(s) failed\n", failures);
        return 1;
    }
    printf("test_xml: all checks passed\n");
    return 0;
}
