/* SPDX-License-Identifier: MIT */
/* fr_error: the one error enum every module returns, and its messages. */
#ifndef FR_ERROR_H
#define FR_ERROR_H

/* Error codes. Modules return these; only main() maps them to exit codes. */
typedef enum fr_err {
    FR_OK = 0,
    FR_ERR_NOMEM, /* out of memory */
    FR_ERR_USAGE, /* bad option or argument */
    FR_ERR_IO, /* read or write failed (see errno / detail) */
    FR_ERR_OPEN, /* a file or directory could not be opened */
    FR_ERR_GZIP, /* damaged or truncated gzip data */
    FR_ERR_FORMAT, /* unsupported input format */
    FR_ERR_THREAD, /* a thread could not be started */
    FR_ERR_RANGE, /* a value (period, window count) is out of range */
    FR_ERR_XLSX, /* the XLSX writer failed */
    FR_ERR_AUTH, /* AWS refused the credentials or the permission: fatal */
    FR_ERR_REMOTE, /* a remote request failed after its retries */
    FR_ERR_CONFIG, /* a configuration file, credential or region problem */
    FR_ERR__COUNT
} fr_err;

/* Returns a static, human-readable message for err; never NULL. */
const char *fr_strerror(fr_err err);

#endif
