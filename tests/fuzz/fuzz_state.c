/* SPDX-License-Identifier: MIT */
/* fuzz_state: the state file body parser (doc/STATE.md). The input is a
 * plain, inflated body, as fr_stateset_finish would merge it after the
 * header, length and checksum checks passed: head, inputs manifest,
 * windows, interfaces, gaps, findings' counters and the top tables, then a
 * report built from them. The seeds are bodies of states made from
 * samples/ (tests/state/mkbad.py plain). */
#include <stdlib.h>
#include <string.h>

#include "fr_state.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char errbuf[512];
    errbuf[0] = '\0';
    fr_err e = fr_state_parse_body(data, size, errbuf, sizeof errbuf);
    if (e != FR_OK && e != FR_ERR_NOMEM && errbuf[0] == '\0')
        abort(); /* a refusal always says why */
    if (memchr(errbuf, '\0', sizeof errbuf) == NULL)
        abort();
    return 0;
}
