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

#endif
