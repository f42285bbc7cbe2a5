/* SPDX-License-Identifier: MIT */
/* fuzz_cli: the command line. The input is argv (after "flowreport"), the
 * arguments separated by NUL bytes. --config is replaced by --quiet (no
 * file is read; fuzz_config covers the file), and FLOWREPORT_CONFIG is
 * /dev/null. On success the output directory is expanded as main does. */
#include <stdlib.h>
#include <string.h>

#include "fr_cli.h"
#include "fuzz.h"

static volatile uint64_t sink;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    setenv("FLOWREPORT_CONFIG", "/dev/null", 1);
    unsetenv("XDG_CONFIG_HOME");
    return 0;
}

/* 1 when arg could be read by getopt_long as --config (abbreviations). */
static int names_config(const char *arg)
{
    if (strncmp(arg, "--", 2) != 0)
        return 0;
    size_t n = strcspn(arg + 2, "=");
    return n >= 1 && n <= 6 && strncmp(arg + 2, "config", n) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    enum { MAXARGS = 64 };
    char *copy = malloc(size + 1), *argv[MAXARGS + 2];
    int argc = 0;
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    copy[size] = '\0';
    argv[argc++] = "flowreport";
    for (size_t pos = 0; pos <= size && argc <= MAXARGS;) {
        char *a = copy + pos;
        size_t n = strlen(a);
        argv[argc++] = names_config(a) ? "--quiet" : a;
        pos += n + 1;
    }
    argv[argc] = NULL;

    fr_opts o;
    char err[512], *dir = NULL;
    memset(&o, 0, sizeof o);
    fr_err e = fr_cli_parse(argc, argv, 1767225600, &o, err, sizeof err);
    if (e != FR_OK && !err[0])
        abort(); /* an error always has a message */
    if (e == FR_OK) {
        if (o.outdir && fr_cli_output_dir(&o, 1767225600, &dir, err, sizeof err) == FR_OK) {
            sink += strlen(dir);
            free(dir);
        }
        const char *unknown[8];
        sink += fr_cli_unknown_fields(&o, unknown, 8);
        for (size_t i = 0; i < o.n_inputs; i++)
            sink += strlen(o.inputs[i]);
        sink += strlen(o.command_line);
    }
    fr_opts_clear(&o);
    free(copy);
    return 0;
}
