/* SPDX-License-Identifier: MIT */
/* fr-s3obj: puts a file to, or gets it from, s3://bucket/key through
 * fr_remote_put_object / fr_remote_get_object, for tests/aws/s3obj.sh.
 *   fr-s3obj put s3://BUCKET/KEY FILE
 *   fr-s3obj get s3://BUCKET/KEY FILE
 * Region, credentials and endpoint come from the usual AWS environment.
 * Exit status: 0, 3 for FR_ERR_AUTH, 4 for FR_ERR_OPEN, 1 for others. */
#include <stdio.h>
#include <string.h>

#include "fr_http.h"
#include "fr_remote.h"

int main(int argc, char **argv)
{
    char errbuf[1024] = "";
    fr_err err = FR_ERR_USAGE;
    if (argc != 4 || (strcmp(argv[1], "put") != 0 && strcmp(argv[1], "get") != 0)) {
        fprintf(stderr, "usage: fr-s3obj put|get s3://BUCKET/KEY FILE\n");
        return 2;
    }
    if (!fr_http_global_init())
        return 1;
    int put = argv[1][0] == 'p';
    fr_remote_opts o = {.connections = 1, .max_attempts = 4, .save_state = argv[2]};
    fr_remote *rm = NULL;
    if (!fr_remote_wanted(&o)) {
        fprintf(stderr, "fr-s3obj: %s is not remote\n", argv[2]);
        goto done;
    }
    rm = fr_remote_new(&o, &err, errbuf, sizeof errbuf);
    if (!rm)
        goto done;
    if (put) {
        err = fr_remote_put_object(rm, argv[2], argv[3], errbuf, sizeof errbuf);
    } else {
        FILE *fp = fopen(argv[3], "wb");
        if (!fp) {
            perror(argv[3]);
            err = FR_ERR_OPEN;
            goto done;
        }
        err = fr_remote_get_object(rm, argv[2], fp, errbuf, sizeof errbuf);
        if (fclose(fp) != 0 && err == FR_OK) {
            err = FR_ERR_IO;
            snprintf(errbuf, sizeof errbuf, "%s: close failed", argv[3]);
        }
    }
done:
    if (err != FR_OK)
        fprintf(stderr, "fr-s3obj: %s (%s)\n", errbuf, fr_strerror(err));
    fr_remote_free(rm);
    fr_http_global_cleanup();
    return err == FR_OK ? 0 : err == FR_ERR_AUTH ? 3 : err == FR_ERR_OPEN ? 4 : 1;
}
