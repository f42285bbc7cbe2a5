/* SPDX-License-Identifier: MIT */
/* xml: the element walker and text decoder shared by the AWS reply parsers
 * (S3 listings, STS credentials, EC2 interfaces). See fr_xml.h. */
#include "fr_xml.h"

#include <stdlib.h>
#include <string.h>

/* Finds str in [p, end). Returns a pointer to it or NULL. */
static const char *find(const char *p, const char *end, const char *str)
{
    size_t n = strlen(str);
    while (p && p + n <= end) {
        p = memchr(p, str[0], (size_t)(end - p));
        if (!p || p + n > end)
            return NULL;
        if (memcmp(p, str, n) == 0)
            return p;
        p++;
    }
    return NULL;
}

/* 1 when [p, end) starts with str. */
static int starts(const char *p, const char *end, const char *str)
{
    size_t n = strlen(str);
    return (size_t)(end - p) >= n && memcmp(p, str, n) == 0;
}

/* Skips the declaration, comment or CDATA section at p ("<?", "<!").
 * Returns the position after it, or NULL when it is not terminated. */
static const char *skip_special(const char *p, const char *end)
{
    const char *q;
    if (starts(p, end, "<!--"))
        return (q = find(p + 4, end, "-->")) ? q + 3 : NULL;
    if (starts(p, end, "<![CDATA["))
        return (q = find(p + 9, end, "]]>")) ? q + 3 : NULL;
    if (end - p >= 2 && p[1] == '?')
        return (q = find(p + 2, end, "?>")) ? q + 2 : NULL;
    return (q = memchr(p, '>', (size_t)(end - p))) ? q + 1 : NULL;
}

/* The '>' that ends the tag starting at p ('<'), quoted attribute values
 * honoured. Returns it or NULL. */
static const char *tag_end(const char *p, const char *end)
{
    char quote = 0;
    for (p++; p < end; p++) {
        if (quote) {
            if (*p == quote)
                quote = 0;
        } else if (*p == '"' || *p == '\'') {
            quote = *p;
        } else if (*p == '>') {
            return p;
        }
    }
    return NULL;
}

/* Length of the tag name at p (after '<' or "</"). */
static size_t name_len(const char *p, const char *end)
{
    const char *s = p;
    while (p < end && !strchr(" \t\r\n/>", *p))
        p++;
    return (size_t)(p - s);
}

int fr_xml_child(const char **p, const char *end, fr_xml_el *el)
{
    const char *s = *p;
    for (;;) {
        s = memchr(s, '<', (size_t)(end - s));
        if (!s)
            return 0;
        if (s + 1 >= end || s[1] == '/')
            return -1;
        if (s[1] != '?' && s[1] != '!')
            break;
        if (!(s = skip_special(s, end)))
            return -1;
    }
    el->name = s + 1;
    el->nlen = name_len(el->name, end);
    const char *gt = tag_end(s, end);
    if (!el->nlen || !gt)
        return -1;
    if (gt[-1] == '/') {
        el->vs = el->ve = gt;
        *p = gt + 1;
        return 1;
    }
    int depth = 1;
    for (const char *q = gt + 1; q < end;) {
        q = memchr(q, '<', (size_t)(end - q));
        if (!q || q + 1 >= end)
            return -1;
        if (q[1] == '?' || q[1] == '!') {
            if (!(q = skip_special(q, end)))
                return -1;
            continue;
        }
        const char *te = tag_end(q, end);
        if (!te)
            return -1;
        if (q[1] == '/') {
            if (--depth == 0) {
                size_t n = name_len(q + 2, end);
                if (n != el->nlen || memcmp(q + 2, el->name, n) != 0)
                    return -1;
                el->vs = gt + 1;
                el->ve = q;
                *p = te + 1;
                return 1;
            }
        } else if (te[-1] != '/') {
            depth++;
        }
        q = te + 1;
    }
    return -1;
}

int fr_xml_is(const fr_xml_el *el, const char *name)
{
    return el->nlen == strlen(name) && memcmp(el->name, name, el->nlen) == 0;
}

int fr_xml_child_named(const char *s, const char *e, const char *name, fr_xml_el *out)
{
    int r;
    while ((r = fr_xml_child(&s, e, out)) == 1)
        if (fr_xml_is(out, name))
            return 1;
    return r;
}

/* fr_xml_find_named below depth levels already descended. */
static int find_named(const char *s, const char *e, const char *name, fr_xml_el *out, int depth)
{
    fr_xml_el el;
    int r;
    if (depth > FR_XML_MAX_DEPTH) /* too deep to look into: fine when empty */
        return fr_xml_child(&s, e, &el) == 0 ? 0 : -1;
    while ((r = fr_xml_child(&s, e, &el)) == 1) {
        if (fr_xml_is(&el, name)) {
            *out = el;
            return 1;
        }
        if ((r = find_named(el.vs, el.ve, name, out, depth + 1)) != 0)
            return r;
    }
    return r;
}

int fr_xml_find_named(const char *s, const char *e, const char *name, fr_xml_el *out)
{
    return find_named(s, e, name, out, 0);
}

size_t fr_xml_put_utf8(char *o, unsigned long cp)
{
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Decodes the reference at s ('&') ending at semi (';') into u. Returns
 * the bytes written, or 0 when it is not a reference XML allows. */
static size_t reference(const char *s, const char *semi, char *u)
{
    static const struct {
        const char *ent;
        char c;
    } ents[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
    size_t n = (size_t)(semi - s) + 1;
    for (size_t i = 0; i < sizeof ents / sizeof ents[0]; i++) {
        if (n == strlen(ents[i].ent) && memcmp(s, ents[i].ent, n) == 0) {
            u[0] = ents[i].c;
            return 1;
        }
    }
    /* &#N; or &#xH; */
    if (n < 4 || s[1] != '#')
        return 0;
    int hex = s[2] == 'x';
    const char *d = s + 2 + hex;
    unsigned long cp = 0;
    if (d >= semi)
        return 0;
    for (; d < semi; d++) {
        int v = *d >= '0' && *d <= '9'      ? *d - '0'
            : hex && *d >= 'a' && *d <= 'f' ? *d - 'a' + 10
            : hex && *d >= 'A' && *d <= 'F' ? *d - 'A' + 10
                                            : -1;
        if (v < 0)
            return 0;
        cp = cp * (hex ? 16 : 10) + (unsigned long)v;
        if (cp > 0x10FFFF) /* too large already; and no overflow */
            return 0;
    }
    /* a reference is at least 4 bytes long, its UTF-8 at most 4 */
    return fr_xml_put_utf8(u, cp);
}

int fr_xml_decode(const char *s, const char *e, char *out, size_t cap, size_t *len)
{
    size_t n = 0;
    char u[4];
    int rc = -1;
    while (s < e) {
        const char *from = s, *next, *q;
        size_t k;
        if (*s == '<') {
            if (starts(s, e, "<![CDATA[")) {
                if (!(q = find(s + 9, e, "]]>")))
                    goto fail;
                from = s + 9;
                k = (size_t)(q - from);
                next = q + 3;
            } else if (starts(s, e, "<!--")) {
                if (!(q = find(s + 4, e, "-->")))
                    goto fail;
                k = 0;
                next = q + 3;
            } else {
                goto fail; /* an element or other markup: not text */
            }
        } else if (*s == '&') {
            if (!(q = memchr(s, ';', (size_t)(e - s))) || !(k = reference(s, q, u)))
                goto fail;
            from = u;
            next = q + 1;
        } else {
            for (next = s; next < e && *next != '<' && *next != '&'; next++)
                ;
            k = (size_t)(next - s);
        }
        if (k >= cap - n) {
            rc = -2;
            goto fail;
        }
        memcpy(out + n, from, k);
        n += k;
        s = next;
    }
    if (cap == 0) {
        rc = -2;
        goto fail;
    }
    out[n] = '\0';
    if (len)
        *len = n;
    return 0;
fail:
    if (n)
        explicit_bzero(out, n);
    explicit_bzero(u, sizeof u);
    return rc;
}

char *fr_xml_text(const char *s, const char *e, int *bad)
{
    size_t cap = (size_t)(e - s) + 1;
    char *out = malloc(cap);
    *bad = 0;
    if (!out)
        return NULL;
    if (fr_xml_decode(s, e, out, cap, NULL) != 0) {
        free(out);
        *bad = 1;
        return NULL;
    }
    return out;
}
