/* SPDX-License-Identifier: MIT */
/* error: messages for fr_err. */
#include "fr_error.h"

const char *fr_strerror(fr_err err)
{
    static const char *const msg[FR_ERR__COUNT] = {
        [FR_OK] = "no error",
        [FR_ERR_NOMEM] = "out of memory",
        [FR_ERR_USAGE] = "usage error",
        [FR_ERR_IO] = "input/output error",
        [FR_ERR_OPEN] = "cannot open",
        [FR_ERR_GZIP] = "damaged gzip data",
        [FR_ERR_FORMAT] = "unsupported format",
        [FR_ERR_THREAD] = "cannot start thread",
        [FR_ERR_RANGE] = "value out of range",
        [FR_ERR_XLSX] = "XLSX writer failed",
        [FR_ERR_AUTH] = "AWS refused the credentials or the permission",
        [FR_ERR_REMOTE] = "remote request failed",
        [FR_ERR_CONFIG] = "configuration error",
    };
    if ((unsigned)err >= FR_ERR__COUNT || !msg[err])
        return "unknown error";
    return msg[err];
}
