/* SPDX-License-Identifier: MIT */
/* fr_interrupt: SIGINT, SIGTERM and SIGHUP end the run through one cleanup.
 * A signal handler only writes the signal number to a pipe; a thread reads it,
 * runs the cleanup main registered (in ordinary thread context, so it may
 * take locks and allocate) and ends the process with status 128 + signal:
 * 130 (SIGINT), 143 (SIGTERM), 129 (SIGHUP). */
#ifndef FR_INTERRUPT_H
#define FR_INTERRUPT_H

#include <stddef.h>

#include "fr_error.h"

/* What runs when a signal arrives: fn(sig, arg), then _exit(128 + sig). */
typedef void (*fr_interrupt_fn)(int sig, void *arg);

/* Installs the handlers and starts the thread. Call once, early in main.
 * Returns FR_OK, or FR_ERR_THREAD / FR_ERR_IO with a message in errbuf. */
fr_err fr_interrupt_start(char *errbuf, size_t errlen);

/* Sets the cleanup (fn NULL: exit at once). Once it returns, no earlier
 * cleanup is running or will run with its old arg, so arg may be freed. If
 * a cleanup is running, it does not return: the process ends first. */
void fr_interrupt_set(fr_interrupt_fn fn, void *arg);

/* The signal's name ("SIGTERM"), or "signal". */
const char *fr_interrupt_name(int sig);

/* Temporary files outside the report directory (--save-raw's partial
 * downloads): while registered, a signal that ends the run removes them
 * before the cleanup runs. Any thread may call these; ids are >= 0.
 *
 * fr_interrupt_tmp_add registers path (copied) before the caller creates
 * it. Returns its id, or -1 when out of memory (the file is then not
 * removed on a signal). */
long fr_interrupt_tmp_add(const char *path);

/* mkstemp(tmpl) and registration in one step, so that no signal falls in
 * between. Returns the open descriptor with the id in *id, or -1 with errno
 * set (nothing created). */
int fr_interrupt_tmp_mkstemp(char *tmpl, long *id);

/* Forgets id once the file was renamed into place or removed; -1 is fine. */
void fr_interrupt_tmp_done(long id);

#endif
