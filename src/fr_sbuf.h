/* SPDX-License-Identifier: MIT */
/* fr_sbuf: the byte encoding of state files (doc/STATE.md): unsigned LEB128
 * varints, zigzag varints for signed values, length-prefixed strings and
 * raw bytes, deflated on the way out and inflated on the way in.
 *
 * Both ends keep a sticky error: after the first failure every call is a
 * no-op (readers return zeroes) and fr_sw_failed()/fr_sr_failed() say why,
 * so encoders and decoders are written straight through and checked once. */
#ifndef FR_SBUF_H
#define FR_SBUF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct fr_swriter fr_swriter;

/* Returns a writer that deflates into fp (from its current position), or
 * NULL when out of memory. */
fr_swriter *fr_swriter_new(FILE *fp);

/* Flushes the deflate stream; returns 0 with the body's plain and deflated
 * lengths, or -1 (fr_sw_failed says why). */
int fr_swriter_finish(fr_swriter *w, uint64_t *raw_len, uint64_t *z_len);

/* Frees w; NULL is fine. */
void fr_swriter_free(fr_swriter *w);

void fr_sw_u64(fr_swriter *w, uint64_t v);
void fr_sw_i64(fr_swriter *w, int64_t v);
void fr_sw_bytes(fr_swriter *w, const void *p, size_t n);
/* A string: its length, then its bytes (s may be NULL when len is 0). */
void fr_sw_str(fr_swriter *w, const char *s, size_t len);
/* A string that may be absent: 0, or 1 and the string. */
void fr_sw_optstr(fr_swriter *w, const char *s);

/* NULL, or what went wrong first. */
const char *fr_sw_failed(const fr_swriter *w);

typedef struct fr_sreader fr_sreader;

/* Returns a reader that inflates z_len bytes of fp (from its current
 * position) that must inflate to exactly raw_len bytes; NULL when out of
 * memory. */
fr_sreader *fr_sreader_new(FILE *fp, uint64_t z_len, uint64_t raw_len);

/* Returns a reader over plain (not deflated) bytes p[0..n), which must stay
 * valid while it is used (tests and fuzzing). */
fr_sreader *fr_sreader_new_mem(const uint8_t *p, size_t n);

/* Frees r; NULL is fine. */
void fr_sreader_free(fr_sreader *r);

/* Body bytes not read yet: a bound on how many items a count can really
 * announce, for reserving memory ahead without trusting the count. */
uint64_t fr_sr_left(const fr_sreader *r);

uint64_t fr_sr_u64(fr_sreader *r);
int64_t fr_sr_i64(fr_sreader *r);
/* A varint that must be at most max; returns it, or 0 with the error set. */
uint64_t fr_sr_count(fr_sreader *r, uint64_t max, const char *what);
/* Reads n bytes into p. Returns 0, or -1 (and zeroes p). */
int fr_sr_bytes(fr_sreader *r, void *p, size_t n);
/* Reads a string of at most max bytes into a new NUL-terminated buffer
 * (*len set when len is not NULL). Returns it, or NULL with the error set. */
char *fr_sr_str(fr_sreader *r, size_t max, size_t *len);
/* Reads a string written by fr_sw_optstr: *out is NULL when absent.
 * Returns 0, or -1 with the error set. */
int fr_sr_optstr(fr_sreader *r, size_t max, char **out);

/* Sets the error (the first one wins); a format string like printf's. */
void fr_sr_fail(fr_sreader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* NULL, or what went wrong first. */
const char *fr_sr_failed(const fr_sreader *r);

/* Checks that the body was read to its last byte: returns 0, or -1 with
 * the error set ("trailing bytes", "body shorter than declared"). */
int fr_sr_end(fr_sreader *r);

#endif
