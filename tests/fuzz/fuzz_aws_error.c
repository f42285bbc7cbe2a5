/* SPDX-License-Identifier: MIT */
/* fuzz_aws_error: AWS error bodies (JSON __type/message, S3 and STS XML
 * <Code>/<Message>) as fr_aws_parse_error reads them. The first byte
 * chooses the output buffer sizes; the rest is the body, not
 * NUL-terminated (the function takes a length). */
#include <stdlib.h>
#include <string.h>

#include "fr_aws.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const size_t sizes[] = {1, 2, 8, 96, 512, 3, 33, 4096};
    if (size < 1)
        return 0;
    size_t codelen = sizes[data[0] & 7], msglen = sizes[(data[0] >> 3) & 7];
    char *body = malloc(size - 1 ? size - 1 : 1);
    char *code = malloc(codelen), *msg = malloc(msglen);
    if (body && code && msg) {
        memcpy(body, data + 1, size - 1);
        int found = fr_aws_parse_error(body, size - 1, code, codelen, msg, msglen);
        if (strnlen(code, codelen) == codelen || strnlen(msg, msglen) == msglen)
            abort(); /* both are strings within their buffers */
        if (!found && (code[0] || msg[0]))
            abort(); /* "code and msg are then empty" */
    }
    free(body);
    free(code);
    free(msg);
    return 0;
}
