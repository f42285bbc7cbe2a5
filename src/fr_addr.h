/* SPDX-License-Identifier: MIT */
/* fr_addr: IPv4/IPv6 addresses stored as bytes, parsed, ordered and printed. */
#ifndef FR_ADDR_H
#define FR_ADDR_H

#include <stddef.h>
#include <stdint.h>

/* An address. family is 0 (absent), 4 or 6; IPv4 uses b[0..3], rest zero. */
typedef struct fr_addr {
    uint8_t family;
    uint8_t b[16];
} fr_addr;

/* Longest text form, with the terminating NUL. */
#define FR_ADDR_STRLEN 46

/* Parses s[0..len) as IPv4 or IPv6. Returns 1 on success, 0 on bad text. */
int fr_addr_parse(fr_addr *out, const char *s, size_t len);

/* Writes the canonical text (dotted quad, RFC 5952) to buf (FR_ADDR_STRLEN
 * bytes). Returns buf; an absent address prints as "". */
char *fr_addr_format(const fr_addr *a, char *buf);

/* Orders addresses: absent < every IPv4 < every IPv6, numeric inside a family.
 * Returns <0, 0, >0. */
int fr_addr_cmp(const fr_addr *a, const fr_addr *b);

#endif
