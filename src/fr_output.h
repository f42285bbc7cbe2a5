/* SPDX-License-Identifier: MIT */
/* fr_output: an output directory DIR that holds one whole report set at any
 * moment, whatever fails or whoever else writes there.
 *
 * - A lock: fr_output_new() takes an exclusive flock() on DIR/.flowreport.lock
 *   (which stays in DIR; it holds the holder's PID, host and start time) and
 *   keeps it until fr_output_free(). A second run fails naming the holder, or
 *   waits with FR_OUTPUT_WAIT.
 * - A staging directory DIR/.flowreport-tmp.XXXXXX (mkdtemp, so two runs never
 *   share a name, even two with one PID in two containers): writers create
 *   their files there.
 * - fr_output_commit() installs the set: it writes a journal, keeps the old
 *   files as hard links in the staging directory, renames the new ones into
 *   place, removes the claimed report names this run did not write, then
 *   deletes the journal (the commit point). A failure before that point puts
 *   the old files back; a run killed before it leaves the journal, and the
 *   next run that takes the lock rolls the half-done commit back.
 * - Stale staging directories (from runs killed with SIGKILL, or a power
 *   loss) are removed by the next run as soon as it holds the lock: only the
 *   lock holder ever has one, so any other is dead. Old-style temporaries
 *   (.NAME.tmp.PID of a report name) go too. */
#ifndef FR_OUTPUT_H
#define FR_OUTPUT_H

#include <stdio.h>

#include "fr_error.h"

typedef struct fr_output fr_output;

/* Called once when the lock is held by another run and FR_OUTPUT_WAIT is set,
 * before waiting; holder describes it ("pid 12 on host h since TIME"). */
typedef void (*fr_output_wait_fn)(const char *dir, const char *holder, void *arg);

enum { FR_OUTPUT_WAIT = 1 };

/* Creates dir (and parents) when missing, checks it is a writable directory,
 * takes its lock (FR_OUTPUT_WAIT: waiting for it, calling on_wait first;
 * otherwise failing with "... is in use by ..."), removes what dead runs left
 * and makes the staging directory. Returns NULL on failure with *err
 * (FR_ERR_IO, FR_ERR_NOMEM) and a message in errbuf. */
fr_output *fr_output_new_ex(const char *dir, int flags, fr_output_wait_fn on_wait, void *arg,
                            fr_err *err, char *errbuf, size_t errlen);

/* fr_output_new_ex(dir, 0, NULL, NULL, ...). */
fr_output *fr_output_new(const char *dir, fr_err *err, char *errbuf, size_t errlen);

/* Registers final name `name` (e.g. "windows.csv") and returns the path of its
 * temporary file (owned by o, valid until fr_output_free). NULL: out of memory. */
const char *fr_output_temp_path(fr_output *o, const char *name);

/* Registers `name` and opens its temporary file for writing ("wb").
 * Returns NULL on failure (message in errbuf). The caller fcloses it and must
 * check fclose's result. */
FILE *fr_output_open(fr_output *o, const char *name, char *errbuf, size_t errlen);

/* Declares the report names this program writes (copied). At the commit,
 * those present in DIR as regular files (or symlinks) that this run did not
 * write are removed with the same all-or-nothing guarantee, so DIR never holds
 * one run's CSVs beside another's summary.md. Returns 0, or -1 (memory). */
int fr_output_claim(fr_output *o, const char *const *names, size_t n);

/* Installs the set (see above). Returns FR_OK, or FR_ERR_IO with a message in
 * errbuf that says what DIR holds: normally "...; previous reports left
 * untouched" (the old set is back in place); if putting it back failed too,
 * which files are new and where the old ones are kept. */
fr_err fr_output_commit(fr_output *o, char *errbuf, size_t errlen);

/* The staging directory where the writers' files are until the commit
 * (owned by o), for whoever reads them back before it (manifest.c hashes
 * them); NULL once the run was stopped. */
const char *fr_output_stage_dir(const fr_output *o);

/* Full path of final name in the directory (owned by o). */
const char *fr_output_final_path(fr_output *o, const char *name);

/* Names removed by the commit (claimed, not written by this run), and their
 * count; the array is owned by o. */
const char *const *fr_output_removed(const fr_output *o, size_t *n);

/* How many stale staging directories or temporaries of dead runs were removed,
 * and whether one of them held a half-done commit that was rolled back
 * (*rolled_back = 1). */
size_t fr_output_stale(const fr_output *o, int *rolled_back);

/* For a signal handler's thread: removes the staging directory unless the
 * commit is done, waiting for a commit in progress to finish or roll back.
 * After it, every other call but fr_output_free() is an error. Returns 1 when
 * the new set had been installed, 0 when DIR holds the previous set. */
int fr_output_abort(fr_output *o);

/* Removes uncommitted temporaries, releases the lock and frees o; NULL is fine. */
void fr_output_free(fr_output *o);

#endif
