/* SPDX-License-Identifier: MIT */
/* addr: parsing, ordering and printing of IPv4/IPv6 addresses. */
#include "fr_addr.h"

#include <arpa/inet.h>
#include <string.h>

/* Parses a dotted quad without leading '+', spaces or empty parts.
 * Returns 1 on success, 0 otherwise. */
static int parse_v4(uint8_t out[4], const char *s, size_t len)
{
    size_t i = 0;
    for (int part = 0; part < 4; part++) {
        unsigned v = 0, digits = 0;
        while (i < len && s[i] >= '0' && s[i] <= '9') {
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
    if (memchr(s, ':', len) == NULL) {
        if (!parse_v4(out->b, s, len))
            return 0;
        out->family = 4;
        return 1;
    }
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

char *fr_addr_format(const fr_addr *a, char *buf)
{
    buf[0] = '\0';
    if (a->family == 4)
        inet_ntop(AF_INET, a->b, buf, FR_ADDR_STRLEN);
    else if (a->family == 6)
        inet_ntop(AF_INET6, a->b, buf, FR_ADDR_STRLEN);
    return buf;
}

int fr_addr_cmp(const fr_addr *a, const fr_addr *b)
{
    if (a->family != b->family)
        return a->family < b->family ? -1 : 1;
    return memcmp(a->b, b->b, a->family == 4 ? 4 : 16);
}
