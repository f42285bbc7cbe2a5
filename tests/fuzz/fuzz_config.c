/* SPDX-License-Identifier: MIT */
/* fuzz_config: the configuration file. The input is the file's content,
 * read by fr_config_read and then applied by fr_cli_parse (--config FILE),
 * which validates every value with the command line's code. The file is a
 * memfd, named by its /proc/self/fd path. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fr_cli.h"
#include "fr_config.h"
#include "fuzz.h"

static int fd = -1;
static char path[64];
static volatile uint64_t sink;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    unsetenv("XDG_CONFIG_HOME");
    fd = memfd_create("fuzz-config", 0);
    if (fd < 0) {
        perror("memfd_create");
        abort();
    }
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fd < 0)
        LLVMFuzzerInitialize(NULL, NULL);
    if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
        abort();
    fr_config c;
    char err[512];
    memset(&c, 0, sizeof c);
    fr_err e = fr_config_read(path, &c, err, sizeof err);
    if (e != FR_OK && !err[0])
        abort(); /* an error always has a message */
    for (size_t i = 0; e == FR_OK && i < c.n; i++) {
        if (!c.entries[i].key || !c.entries[i].value || c.entries[i].line < 1)
            abort();
        sink += strlen(c.entries[i].key) + strlen(c.entries[i].value);
    }
    fr_config_clear(&c);
    fr_config_clear(&c); /* safe twice */

    char *argv[] = {"flowreport", "--config", path, NULL};
    fr_opts o;
    memset(&o, 0, sizeof o);
    e = fr_cli_parse(3, argv, 1767225600, &o, err, sizeof err);
    if (e != FR_OK && !err[0])
        abort();
    if (e == FR_OK) {
        char *dir = NULL;
        if (o.outdir && fr_cli_output_dir(&o, 1767225600, &dir, err, sizeof err) == FR_OK)
            free(dir);
        for (size_t i = 0; i < o.n_inputs; i++)
            sink += strlen(o.inputs[i]);
    }
    fr_opts_clear(&o);
    return 0;
}
