/* SPDX-License-Identifier: MIT */
/* fuzz: what the fuzz targets share. Each target defines
 * LLVMFuzzerTestOneInput; libFuzzer drives it under `make fuzz`, and
 * standalone.c replays files through it under `make check`. fake_net.c
 * stands in for the network (fr_aws, fr_http) and the fetch queue, so the
 * downloader's response parsers read the fuzzer's bytes as replies. */
#ifndef FR_FUZZ_H
#define FR_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* The separator between the replies of one input. */
#define FR_FUZZ_SEP "\n--next-reply--\n"

/* Sets the replies fake_net.c gives: data[0..size) cut at FR_FUZZ_SEP. Each
 * call of fr_aws_call or fr_http_perform takes the next reply; when none is
 * left they fail as a 400 client error would. A reply starting with three
 * digits and a space ("404 ...") has that status, else 200. */
void fr_fuzz_set_replies(const uint8_t *data, size_t size);

/* Replies taken so far. */
size_t fr_fuzz_replies_taken(void);

/* Bytes handed to the fake fetch queue since the last fr_fuzz_set_replies. */
uint64_t fr_fuzz_put_bytes(void);

#endif
