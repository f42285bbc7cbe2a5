/* SPDX-License-Identifier: MIT */
/* interrupt: a self-pipe turns SIGINT/SIGTERM/SIGHUP into one cleanup and a
 * documented exit status. */
#include "fr_interrupt.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int pipe_fds[2] = {-1, -1};
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static fr_interrupt_fn cleanup_fn;
static void *cleanup_arg;

static const int caught[] = {SIGINT, SIGTERM, SIGHUP};

/* The registered temporary files: slots of paths (NULL: free). tmp_mu is
 * taken by the signal thread for good before it removes them. */
static pthread_mutex_t tmp_mu = PTHREAD_MUTEX_INITIALIZER;
static char **tmp_paths;
static size_t tmp_n, tmp_cap;

/* Stores path in a free slot; tmp_mu held. Returns the id, or -1. */
static long tmp_store(const char *path)
{
    size_t i = 0;
    while (i < tmp_n && tmp_paths[i])
        i++;
    if (i == tmp_n && tmp_n == tmp_cap) {
        size_t cap = tmp_cap ? 2 * tmp_cap : 16;
        char **v = realloc(tmp_paths, cap * sizeof *v);
        if (!v)
            return -1;
        tmp_paths = v;
        tmp_cap = cap;
    }
    char *copy = strdup(path);
    if (!copy)
        return -1;
    tmp_paths[i] = copy;
    if (i == tmp_n)
        tmp_n++;
    return (long)i;
}

/* Removes every registered file; the lock is kept so that none is added
 * (or created through fr_interrupt_tmp_mkstemp) before the process ends. */
static void tmp_remove_all(void)
{
    if (pthread_mutex_lock(&tmp_mu) != 0)
        return;
    for (size_t i = 0; i < tmp_n; i++)
        if (tmp_paths[i])
            (void)unlink(tmp_paths[i]);
}

long fr_interrupt_tmp_add(const char *path)
{
    if (pthread_mutex_lock(&tmp_mu) != 0)
        return -1;
    long id = tmp_store(path);
    (void)pthread_mutex_unlock(&tmp_mu);
    return id;
}

int fr_interrupt_tmp_mkstemp(char *tmpl, long *id)
{
    *id = -1;
    if (pthread_mutex_lock(&tmp_mu) != 0) {
        errno = EAGAIN;
        return -1;
    }
    int fd = mkstemp(tmpl);
    if (fd >= 0 && (*id = tmp_store(tmpl)) < 0) {
        (void)close(fd);
        (void)unlink(tmpl);
        fd = -1;
        errno = ENOMEM;
    }
    (void)pthread_mutex_unlock(&tmp_mu);
    return fd;
}

void fr_interrupt_tmp_done(long id)
{
    if (id < 0 || pthread_mutex_lock(&tmp_mu) != 0)
        return;
    if ((size_t)id < tmp_n) {
        free(tmp_paths[id]);
        tmp_paths[id] = NULL;
    }
    (void)pthread_mutex_unlock(&tmp_mu);
}

/* The handler: async-signal-safe, only hands the number to the thread. */
static void on_signal(int sig)
{
    int saved = errno;
    unsigned char c = (unsigned char)sig;
    ssize_t n = write(pipe_fds[1], &c, 1);
    (void)n; /* a full pipe already holds a signal to act on */
    errno = saved;
}

/* The thread: waits for a signal, runs the cleanup, ends the process. */
static void *watch(void *unused)
{
    (void)unused;
    unsigned char c;
    for (;;) {
        ssize_t n = read(pipe_fds[0], &c, 1);
        if (n == 1)
            break;
        if (n < 0 && errno == EINTR)
            continue;
        return NULL; /* the pipe broke: leave the default behaviour */
    }
    int sig = c;
    tmp_remove_all();
    if (pthread_mutex_lock(&mu) == 0 && cleanup_fn)
        cleanup_fn(sig, cleanup_arg);
    _exit(128 + sig);
}

fr_err fr_interrupt_start(char *errbuf, size_t errlen)
{
    if (pipe(pipe_fds) != 0) {
        snprintf(errbuf, errlen, "cannot create a pipe: %s", strerror(errno));
        return FR_ERR_IO;
    }
    for (int i = 0; i < 2; i++) {
        int fl = fcntl(pipe_fds[i], F_GETFD);
        if (fl < 0 || fcntl(pipe_fds[i], F_SETFD, fl | FD_CLOEXEC) != 0) {
            snprintf(errbuf, errlen, "cannot set up the signal pipe: %s", strerror(errno));
            return FR_ERR_IO;
        }
    }
    int fl = fcntl(pipe_fds[1], F_GETFL);
    if (fl < 0 || fcntl(pipe_fds[1], F_SETFL, fl | O_NONBLOCK) != 0) {
        snprintf(errbuf, errlen, "cannot set up the signal pipe: %s", strerror(errno));
        return FR_ERR_IO;
    }
    pthread_t t;
    pthread_attr_t attr;
    int rc = pthread_attr_init(&attr);
    if (rc == 0) {
        rc = pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        if (rc == 0)
            rc = pthread_create(&t, &attr, watch, NULL);
        (void)pthread_attr_destroy(&attr);
    }
    if (rc != 0) {
        snprintf(errbuf, errlen, "cannot start the signal thread: %s", strerror(rc));
        return FR_ERR_THREAD;
    }
    for (size_t i = 0; i < sizeof caught / sizeof caught[0]; i++) {
        struct sigaction sa, old;
        /* a signal ignored on entry (nohup) stays ignored */
        if (sigaction(caught[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            continue;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sa.sa_flags = SA_RESTART;
        sigfillset(&sa.sa_mask);
        if (sigaction(caught[i], &sa, NULL) != 0) {
            snprintf(errbuf, errlen, "cannot catch %s: %s", fr_interrupt_name(caught[i]),
                     strerror(errno));
            return FR_ERR_IO;
        }
    }
    return FR_OK;
}

void fr_interrupt_set(fr_interrupt_fn fn, void *arg)
{
    if (pthread_mutex_lock(&mu) != 0)
        return;
    cleanup_fn = fn;
    cleanup_arg = arg;
    (void)pthread_mutex_unlock(&mu);
}

const char *fr_interrupt_name(int sig)
{
    switch (sig) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    case SIGHUP: return "SIGHUP";
    default: return "signal";
    }
}
