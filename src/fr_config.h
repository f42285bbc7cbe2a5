/* SPDX-License-Identifier: MIT */
/* fr_config: finding and reading flowreport's configuration file (INI
 * syntax, read with libinih) into (key, value, line) entries. The keys are
 * checked and the values validated by fr_cli, with the code the command line
 * uses, so that both give the same messages. */
#ifndef FR_CONFIG_H
#define FR_CONFIG_H

#include <stddef.h>

#include "fr_error.h"

/* The system-wide configuration file, read when no other is found. */
#define FR_CONFIG_SYSTEM_PATH "/etc/flowreport.conf"

/* The section the keys may be put in (they may also be at the top level). */
#define FR_CONFIG_SECTION "flowreport"

/* Longest file accepted, and longest line. */
#define FR_CONFIG_MAX_SIZE (1024 * 1024)
#define FR_CONFIG_MAX_LINE (64 * 1024)

/* One "key = value" line: the key as written, the value without its
 * surrounding blanks. */
typedef struct fr_config_entry {
    char *key;
    char *value;
    int line; /* 1-based line number in the file */
} fr_config_entry;

/* A file's entries in file order. Everything is owned. */
typedef struct fr_config {
    char *path; /* the file read */
    fr_config_entry *entries;
    size_t n, cap;
} fr_config;

/* Chooses the file to read, the first of: explicit (--config), env_config
 * ($FLOWREPORT_CONFIG), xdg_home/flowreport/config ($XDG_CONFIG_HOME, when
 * set to an absolute path), home/.config/flowreport/config ($HOME), system.
 * NULL or empty arguments are skipped. explicit and env_config must exist;
 * the others are used when they exist. Returns FR_OK with *path (owned, NULL
 * when no file is to be read), or FR_ERR_USAGE (an explicit file missing) or
 * FR_ERR_NOMEM with a message in errbuf. */
fr_err fr_config_locate_in(const char *explicit, const char *env_config, const char *xdg_home,
                           const char *home, const char *system, char **path, char *errbuf,
                           size_t errlen);

/* fr_config_locate_in() with explicit and the environment ($FLOWREPORT_CONFIG,
 * $XDG_CONFIG_HOME, $HOME) and FR_CONFIG_SYSTEM_PATH. */
fr_err fr_config_locate(const char *explicit, char **path, char *errbuf, size_t errlen);

/* Reads the file at path into c (which this clears first). Keys may be at the
 * top level or in a [flowreport] section; any other section, a line that is
 * neither "key = value", a [section] nor a comment ('#' or ';' first, or
 * after a blank), a NUL byte, a line over FR_CONFIG_MAX_LINE or a file over
 * FR_CONFIG_MAX_SIZE is an error. Returns FR_OK, or FR_ERR_USAGE with
 * "PATH:LINE: reason" (or "PATH: reason") in errbuf, or FR_ERR_NOMEM.
 * Not thread-safe: it sets libinih's options for the call and restores them;
 * call it before starting threads. */
fr_err fr_config_read(const char *path, fr_config *c, char *errbuf, size_t errlen);

/* Frees what c holds and empties it; safe on an empty or cleared c. */
void fr_config_clear(fr_config *c);

#endif
