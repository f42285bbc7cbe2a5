/* SPDX-License-Identifier: MIT */
/* fr_xml: the small XML reader behind the AWS replies (S3 ListObjectsV2,
 * STS AssumeRole*, EC2 DescribeNetworkInterfaces). It walks the direct
 * children of an element with a depth count, so elements of the same name
 * may nest (item inside item); declarations, comments, processing
 * instructions and CDATA sections are skipped where elements are looked
 * for, and quoted attribute values may hold '>'. Text is decoded from the
 * five predefined entities, decimal and hex character references and CDATA
 * sections. Nothing is allocated except by fr_xml_text; every function
 * reads [s, e) only and needs no NUL terminator. Namespaces and DTDs are
 * not understood: names are compared byte for byte, prefix included. */
#ifndef FR_XML_H
#define FR_XML_H

#include <stddef.h>

/* One element: its name (not NUL-terminated) and the span of its content,
 * [vs, ve): empty for <name/>. Points into the caller's buffer. */
typedef struct fr_xml_el {
    const char *name;
    size_t nlen;
    const char *vs, *ve;
} fr_xml_el;

/* The next element at the top level of [*p, end); text and comments,
 * declarations and CDATA between elements are skipped. Returns 1 (el set,
 * *p moved past the element), 0 when no element is left, -1 when the XML
 * is malformed (a stray closing tag, an unterminated tag, comment or
 * section, a closing tag with another name, a missing closing tag). */
int fr_xml_child(const char **p, const char *end, fr_xml_el *el);

/* Returns 1 when el is named name exactly, else 0. */
int fr_xml_is(const fr_xml_el *el, const char *name);

/* The first child of [s, e) named name. Returns 1 (out set), 0 when there
 * is none, -1 when the XML before it (or, when it is absent, anywhere at
 * that level) is malformed. */
int fr_xml_child_named(const char *s, const char *e, const char *name, fr_xml_el *out);

/* The first element named name at any depth in [s, e), in document order,
 * at most FR_XML_MAX_DEPTH levels down. Returns 1, 0 or -1 as
 * fr_xml_child_named (-1 also for deeper nesting). */
#define FR_XML_MAX_DEPTH 32
int fr_xml_find_named(const char *s, const char *e, const char *name, fr_xml_el *out);

/* Writes the UTF-8 encoding of code point cp to o (room for 4 bytes).
 * Returns the bytes written (1-4), or 0 for a code point a character
 * reference may not name here: 0, a UTF-16 surrogate (U+D800-U+DFFF) or
 * above U+10FFFF. */
size_t fr_xml_put_utf8(char *o, unsigned long cp);

/* Decodes the text content [s, e) into out (cap bytes): &amp; &lt; &gt;
 * &quot; &apos;, &#N; and &#xH; (lowercase x; any number of digits; the
 * code points fr_xml_put_utf8 takes), CDATA sections copied as they are,
 * comments dropped. The result is never longer than e - s. Returns 0 with
 * out NUL-terminated and *len (may be NULL) set; -1 when the text is
 * malformed (an unknown or unterminated reference, an element or other
 * markup); -2 when it does not fit in cap. On failure out is wiped (it may
 * hold part of a secret). */
int fr_xml_decode(const char *s, const char *e, char *out, size_t cap, size_t *len);

/* fr_xml_decode into a new string. Returns it; NULL with *bad = 1 when the
 * text is malformed, NULL with *bad = 0 when out of memory. */
char *fr_xml_text(const char *s, const char *e, int *bad);

#endif
