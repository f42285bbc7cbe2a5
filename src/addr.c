/* SPDX-License-Identifier: MIT */
/* addr: parsing, ordering and printing of IPv4/IPv6 addresses. */
#include "fr_addr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

/* Parses a dotted quad without leading '+', spaces or empty parts.
 * Returns 1 on success, 0 otherwise. */
static int parse_v4(uint8_t out[4], const char *s, size_t len)
{
    size_t i = 0;
    for (int part = 0; part < 4; part++) {
        unsigned v = 0, digits = 0;
        while (i < len && s[i] >= '0' && s[i] <= '9') {
            if (digits == 1 && v == 0)
                return 0; /* leading zero, as inet_pton */
            v = v * 10 + (unsigned)(s[i] - '0');
            if (++digits > 3 || v > 255)
                return 0;
            i++;
        }
        if (digits == 0)
            return 0;
        out[part] = (uint8_t)v;
        if (part < 3) {
            if (i >= len || s[i] != '.')
                return 0;
            i++;
        }
    }
    return i == len;
}

int fr_addr_parse(fr_addr *out, const char *s, size_t len)
{
    memset(out, 0, sizeof *out);
    if (len == 0)
        return 0;
    if (len <= 15 && parse_v4(out->b, s, len)) {
        out->family = 4;
        return 1;
    }
    if (memchr(s, ':', len) == NULL)
        return 0;
    char tmp[FR_ADDR_STRLEN];
    if (len >= sizeof tmp)
        return 0;
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    if (inet_pton(AF_INET6, tmp, out->b) != 1)
        return 0;
    out->family = 6;
    return 1;
}

/* RFC 5952: lowercase hex without leading zeros, the longest run (first on a
 * tie) of two or more zero groups as "::", dotted form only for ::ffff:0:0/96. */
static void format_v6(const uint8_t *b, char *buf)
{
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    unsigned g[8];
    for (int i = 0; i < 8; i++)
        g[i] = (unsigned)b[2 * i] << 8 | b[2 * i + 1];
    int ngroups = memcmp(b, mapped, 12) == 0 ? 6 : 8;
    int best = -1, bestlen = 1;
    for (int i = 0; i < ngroups;) {
        if (g[i]) {
            i++;
            continue;
        }
        int j = i;
        while (j < ngroups && g[j] == 0)
            j++;
        if (j - i > bestlen) {
            best = i;
            bestlen = j - i;
        }
        i = j;
    }
    char *p = buf;
    for (int i = 0; i < ngroups; i++) {
        if (i == best) {
            *p++ = ':';
            if (i == 0)
                *p++ = ':';
            i += bestlen - 1;
            continue;
        }
        p += sprintf(p, "%x", g[i]);
        if (i < ngroups - 1 || ngroups == 6)
            *p++ = ':';
    }
    if (ngroups == 6)
        p += sprintf(p, "%u.%u.%u.%u", b[12], b[13], b[14], b[15]);
    *p = '\0';
}

char *fr_addr_format(const fr_addr *a, char *buf)
{
    buf[0] = '\0';
    if (a->family == 4)
        sprintf(buf, "%u.%u.%u.%u", a->b[0], a->b[1], a->b[2], a->b[3]);
    else if (a->family == 6)
        format_v6(a->b, buf);
    return buf;
}

int fr_addr_cmp(const fr_addr *a, const fr_addr *b)
{
    if (a->family != b->family)
        return a->family < b->family ? -1 : 1;
    return memcmp(a->b, b->b, a->family == 4 ? 4 : 16);
}
