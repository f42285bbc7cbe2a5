/* SPDX-License-Identifier: MIT */
/* ec2: --describe-enis: EC2 DescribeNetworkInterfaces pages into the rows
 * that --eni-info reads from the CLI's JSON. The replies nest elements of
 * the same name (item inside item), so the small scanner here walks direct
 * children with a depth count instead of searching for closing tags. */
#include "fr_ec2.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fr_eni_info.h"

/* Most pages of one listing: a guard against a server that never ends. */
#define MAX_PAGES 100000

/* ---- a minimal XML walker ---- */

/* One element: its name and the span of its content. */
typedef struct xml_el {
    const char *name;
    size_t nlen;
    const char *vs, *ve;
} xml_el;

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

/* Skips the declaration, comment or CDATA section at p ("<?", "<!").
 * Returns the position after it, or NULL when it is not terminated. */
static const char *skip_special(const char *p, const char *end)
{
    const char *q;
    if (end - p >= 4 && memcmp(p, "<!--", 4) == 0)
        return (q = find(p + 4, end, "-->")) ? q + 3 : NULL;
    if (end - p >= 9 && memcmp(p, "<![CDATA[", 9) == 0)
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

/* The next child element in [*p, end): text between elements is skipped.
 * Returns 1 (el set, *p after the element), 0 when there is none, -1 when
 * the XML is malformed. */
static int xml_child(const char **p, const char *end, xml_el *el)
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

static int is_named(const xml_el *el, const char *name)
{
    return el->nlen == strlen(name) && memcmp(el->name, name, el->nlen) == 0;
}

/* Finds the first child named name in [s, e). Returns 1, 0 or -1 as xml_child. */
static int child_named(const char *s, const char *e, const char *name, xml_el *out)
{
    int r;
    while ((r = xml_child(&s, e, out)) == 1)
        if (is_named(out, name))
            return 1;
    return r;
}

/* Appends the UTF-8 encoding of cp at o. Returns the bytes written, 0 for a
 * code point XML does not allow. */
static size_t put_utf8(char *o, unsigned long cp)
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

/* Decodes the text content [s, e): entities, character references and
 * CDATA sections. Returns a new string; NULL with *bad = 1 when the text is
 * malformed or holds an element, NULL with *bad = 0 when out of memory. */
static char *xml_text(const char *s, const char *e, int *bad)
{
    static const struct {
        const char *ent;
        char c;
    } ents[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
    char *out = malloc((size_t)(e - s) + 1), *o = out;
    *bad = 0;
    if (!out)
        return NULL;
    while (s < e) {
        if (*s == '<') {
            const char *after;
            if (e - s < 9 || memcmp(s, "<![CDATA[", 9) != 0 || !(after = skip_special(s, e)))
                goto bad;
            memcpy(o, s + 9, (size_t)(after - 3 - (s + 9)));
            o += after - 3 - (s + 9);
            s = after;
            continue;
        }
        if (*s != '&') {
            *o++ = *s++;
            continue;
        }
        const char *semi = memchr(s, ';', (size_t)(e - s));
        if (!semi)
            goto bad;
        size_t n = (size_t)(semi - s) + 1, i;
        for (i = 0; i < sizeof ents / sizeof ents[0]; i++)
            if (n == strlen(ents[i].ent) && memcmp(s, ents[i].ent, n) == 0)
                break;
        if (i < sizeof ents / sizeof ents[0]) {
            *o++ = ents[i].c;
        } else {
            /* &#N; or &#xH; : at most 7 digits */
            int hex = n > 3 && s[2] == 'x';
            const char *d = s + 2 + hex;
            unsigned long cp = 0;
            if (s[1] != '#' || d >= semi || semi - d > 7)
                goto bad;
            for (; d < semi; d++) {
                int v = *d >= '0' && *d <= '9'      ? *d - '0'
                    : hex && *d >= 'a' && *d <= 'f' ? *d - 'a' + 10
                    : hex && *d >= 'A' && *d <= 'F' ? *d - 'A' + 10
                                                    : -1;
                if (v < 0)
                    goto bad;
                cp = cp * (hex ? 16 : 10) + (unsigned long)v;
            }
            /* a reference is at least 4 bytes long, its UTF-8 at most 4 */
            size_t k = put_utf8(o, cp);
            if (!k)
                goto bad;
            o += k;
        }
        s = semi + 1;
    }
    *o = '\0';
    return out;
bad:
    free(out);
    *bad = 1;
    return NULL;
}

/* ---- XML to the CLI's JSON ---- */

/* Sets obj[key] to the text of child name of [s, e) when it is there.
 * Returns 0, -1 malformed, -2 out of memory. */
static int take_text(json_t *obj, const char *key, const char *s, const char *e, const char *name)
{
    xml_el el;
    int r = child_named(s, e, name, &el), bad;
    if (r <= 0)
        return r;
    char *t = xml_text(el.vs, el.ve, &bad);
    if (!t)
        return bad ? -1 : -2;
    json_t *v = json_string(t); /* NULL also for text that is not UTF-8 */
    free(t);
    if (!v)
        return -1;
    return json_object_set_new(obj, key, v) ? -2 : 0;
}

/* Sets obj[key] to a list of objects {sub: text of field} made from the
 * item children of the child set of [s, e). Returns 0, -1 or -2. */
static int take_set(json_t *obj, const char *key, const char *s, const char *e, const char *set,
                    const char *field, const char *sub)
{
    xml_el el, it;
    int r = child_named(s, e, set, &el);
    if (r <= 0)
        return r;
    json_t *list = json_array();
    if (!list || json_object_set_new(obj, key, list))
        return -2;
    const char *p = el.vs;
    while ((r = xml_child(&p, el.ve, &it)) == 1) {
        if (!is_named(&it, "item"))
            continue;
        json_t *o = json_object();
        if (!o || json_array_append_new(list, o))
            return -2;
        if ((r = take_text(o, sub, it.vs, it.ve, field)) < 0)
            return r;
    }
    return r;
}

/* Converts one networkInterfaceSet item. Returns 0, -1 or -2. */
static int item_to_json(json_t *arr, const char *s, const char *e)
{
    json_t *ni = json_object();
    if (!ni || json_array_append_new(arr, ni))
        return -2;
    int r;
    xml_el att;
    if ((r = take_text(ni, "NetworkInterfaceId", s, e, "networkInterfaceId")) < 0 ||
        (r = take_text(ni, "Description", s, e, "description")) < 0 ||
        (r = take_text(ni, "VpcId", s, e, "vpcId")) < 0 ||
        (r = take_text(ni, "SubnetId", s, e, "subnetId")) < 0 ||
        (r = take_text(ni, "PrivateIpAddress", s, e, "privateIpAddress")) < 0 ||
        (r = take_set(ni, "Groups", s, e, "groupSet", "groupId", "GroupId")) < 0 ||
        (r = take_set(ni, "PrivateIpAddresses", s, e, "privateIpAddressesSet", "privateIpAddress",
                      "PrivateIpAddress")) < 0 ||
        (r = take_set(ni, "Ipv6Addresses", s, e, "ipv6AddressesSet", "ipv6Address",
                      "Ipv6Address")) < 0 ||
        (r = child_named(s, e, "attachment", &att)) < 0)
        return r;
    if (r == 1) {
        json_t *a = json_object();
        if (!a || json_object_set_new(ni, "Attachment", a))
            return -2;
        if ((r = take_text(a, "InstanceId", att.vs, att.ve, "instanceId")) < 0)
            return r;
    }
    return 0;
}

fr_err fr_ec2_parse_page(const char *xml, size_t len, json_t *arr, char **next)
{
    const char *end = xml + len, *p = xml;
    xml_el root, el, it;
    int r, bad;
    *next = NULL;
    if (xml_child(&p, end, &root) != 1 || !is_named(&root, "DescribeNetworkInterfacesResponse"))
        return FR_ERR_FORMAT;
    if ((r = child_named(root.vs, root.ve, "networkInterfaceSet", &el)) < 0)
        return FR_ERR_FORMAT;
    if (r == 1) {
        p = el.vs;
        while ((r = xml_child(&p, el.ve, &it)) == 1) {
            if (!is_named(&it, "item"))
                continue;
            if ((r = item_to_json(arr, it.vs, it.ve)) < 0)
                return r == -2 ? FR_ERR_NOMEM : FR_ERR_FORMAT;
        }
        if (r < 0)
            return FR_ERR_FORMAT;
    }
    if ((r = child_named(root.vs, root.ve, "nextToken", &el)) < 0)
        return FR_ERR_FORMAT;
    if (r == 1 && el.vs < el.ve) {
        if (!(*next = xml_text(el.vs, el.ve, &bad)))
            return bad ? FR_ERR_FORMAT : FR_ERR_NOMEM;
        if (!**next) {
            free(*next);
            *next = NULL;
        }
    }
    return FR_OK;
}

/* ---- the listing ---- */

/* The form body of one page's request. Returns a new string or NULL. */
static char *page_body(const char *token)
{
    static const char fixed[] = "Action=DescribeNetworkInterfaces&MaxResults=%d&Version=%s%s%s";
    char *enc = token ? fr_uri_encode(token, 0) : NULL;
    if (token && !enc)
        return NULL;
    size_t n = sizeof fixed + 16 + strlen(FR_EC2_API_VERSION) + (enc ? strlen(enc) + 16 : 0);
    char *b = malloc(n);
    if (b)
        snprintf(b, n, fixed, FR_EC2_PAGE_SIZE, FR_EC2_API_VERSION, enc ? "&NextToken=" : "",
                 enc ? enc : "");
    free(enc);
    return b;
}

fr_err fr_ec2_describe_enis(fr_aws *ec2, fr_report *r, int keep_existing, size_t *n_found,
                            char *errbuf, size_t errlen)
{
    static const char what[] = "ec2 DescribeNetworkInterfaces";
    static const fr_kv hdr[] = {
        {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
    json_t *arr = json_array();
    char *token = NULL, *body = NULL;
    fr_err err = FR_ERR_NOMEM;
    fr_aws_response rs;
    memset(&rs, 0, sizeof rs);
    if (n_found)
        *n_found = 0;
    snprintf(errbuf, errlen, "%s: out of memory", what);
    if (!arr)
        goto done;
    for (size_t page = 1;; page++) {
        if (page > MAX_PAGES) {
            err = FR_ERR_REMOTE;
            snprintf(errbuf, errlen, "%s: more than %d pages: giving up", what, MAX_PAGES);
            goto done;
        }
        free(body);
        if (!(body = page_body(token)))
            goto nomem;
        fr_aws_request rq = {
            .method = "POST",
            .path = "/",
            .headers = hdr,
            .n_headers = sizeof hdr / sizeof hdr[0],
            .body = (const uint8_t *)body,
            .body_len = strlen(body),
            .what = what,
        };
        fr_aws_response_clear(&rs);
        err = fr_aws_call(ec2, &rq, &rs, errbuf, errlen);
        if (err != FR_OK)
            goto done; /* errbuf: "ec2 DescribeNetworkInterfaces: CODE: ..." */
        char *next = NULL;
        err = fr_ec2_parse_page(rs.body, rs.body_len, arr, &next);
        if (err == FR_ERR_NOMEM)
            goto nomem;
        if (err != FR_OK) {
            err = FR_ERR_REMOTE;
            snprintf(errbuf, errlen, "%s: malformed response (page %zu)", what, page);
            goto done;
        }
        if (next && token && strcmp(next, token) == 0) {
            free(next);
            err = FR_ERR_REMOTE;
            snprintf(errbuf, errlen, "%s: the same NextToken came back (page %zu)", what, page);
            goto done;
        }
        free(token);
        token = next;
        if (!token)
            break;
    }
    if (n_found)
        *n_found = json_array_size(arr);
    err = fr_eni_info_add_json(r, arr, keep_existing, errbuf, errlen);
    if (err == FR_OK)
        errbuf[0] = '\0';
    goto done;
nomem:
    err = FR_ERR_NOMEM;
    snprintf(errbuf, errlen, "%s: out of memory", what);
done:
    fr_aws_response_clear(&rs);
    json_decref(arr);
    free(token);
    free(body);
    return err;
}
