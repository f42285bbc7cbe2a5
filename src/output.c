/* SPDX-License-Identifier: MIT */
/* output: an output directory that holds one whole report set at any moment:
 * a lock, a private staging directory, and a journaled commit that rolls back. */
#include "fr_output.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define LOCK_NAME ".flowreport.lock"
#define STAGE_PREFIX ".flowreport-tmp."
#define JOURNAL "journal"
#define OLD "old"
#define NONE "none"

typedef struct fr_output_file {
    char *name;
    char *temp_path; /* in the staging directory */
} fr_output_file;

/* One line of the journal: 'i' installs name, 'r' removes it. */
typedef struct entry {
    char kind;
    char *name;
} entry;

enum { ST_OPEN, ST_COMMITTED, ST_ABORTED };

struct fr_output {
    pthread_mutex_t mu; /* held by a commit and by fr_output_abort() */
    char *dir;
    char *stage; /* DIR/.flowreport-tmp.XXXXXX, NULL once removed */
    int keep_stage; /* a failed rollback: the stage keeps the old files */
    int lock_fd;
    int locked; /* lock_fd holds the lock */
    int state;
    size_t n, cap;
    fr_output_file *files;
    char **claimed;
    size_t n_claimed;
    char **removed;
    size_t n_removed;
    size_t stale;
    int rolled_back;
    char *scratch; /* last fr_output_final_path result */
    /* directories this run created (DIR and missing parents, outermost
     * first): an uncommitted run removes them again, with the lock file */
    char **made;
    size_t n_made;
};

/* Formats into a fresh heap string. Returns NULL when out of memory. */
static char *str_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (!s)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

/* Test-only (FLOWREPORT_TEST_PAUSE=PHASE, see tests/signals.sh): says so on
 * stderr and sleeps up to 30 s, so a test can signal the run in that phase. */
static void test_pause(const char *phase)
{
    const char *want = getenv("FLOWREPORT_TEST_PAUSE");
    size_t len = strlen(phase);
    if (!want || strncmp(want, phase, len) != 0 || (want[len] && want[len] != ':'))
        return;
    int tenths = want[len] == ':' ? 10 * atoi(want + len + 1) : 300; /* PHASE:SECONDS */
    char msg[96];
    int n = snprintf(msg, sizeof msg, "flowreport: test pause: %s\n", phase);
    if (n > 0 && write(STDERR_FILENO, msg, (size_t)n) < 0)
        return;
    for (int i = 0; i < tenths; i++) {
        struct timespec ts = {0, 100000000L};
        nanosleep(&ts, NULL);
    }
}

/* Records dir in o->made. Returns 0 or -1 (memory). */
static int note_made(fr_output *o, const char *dir)
{
    char **v = realloc(o->made, (o->n_made + 1) * sizeof *v);
    if (!v)
        return -1;
    o->made = v;
    if (!(v[o->n_made] = strdup(dir)))
        return -1;
    o->n_made++;
    return 0;
}

/* mkdir -p, noting in o->made each directory it created. Returns 0 or -1
 * with errno set. */
static int make_dirs(fr_output *o, const char *dir)
{
    char *p = strdup(dir);
    if (!p)
        return -1;
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        int rc = mkdir(p, 0777);
        if ((rc != 0 && errno != EEXIST) || (rc == 0 && note_made(o, p) != 0)) {
            free(p);
            return -1;
        }
        *s = '/';
    }
    int rc = mkdir(p, 0777);
    if (rc == 0 && note_made(o, p) != 0) {
        free(p);
        errno = ENOMEM;
        return -1;
    }
    free(p);
    if (rc != 0 && errno != EEXIST)
        return -1;
    struct stat st;
    if (stat(dir, &st) != 0)
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

/* An uncommitted run that created DIR leaves nothing: with the lock still
 * held, removes the lock file, then DIR and the parents it made, innermost
 * first, as long as they are empty (a waiting run finds its lock file
 * gone and starts again: take_lock). */
static void remove_made(fr_output *o)
{
    if (!o->n_made)
        return;
    if (o->locked && strcmp(o->made[o->n_made - 1], o->dir) == 0) {
        char *path = str_printf("%s/" LOCK_NAME, o->dir);
        if (path)
            (void)unlink(path);
        free(path);
    }
    for (size_t i = o->n_made; i-- > 0;)
        if (rmdir(o->made[i]) != 0)
            break;
    for (size_t i = 0; i < o->n_made; i++)
        free(o->made[i]);
    free(o->made);
    o->made = NULL;
    o->n_made = 0;
}

/* fsyncs path. Returns 0 or -1 with errno set. */
static int sync_path(const char *path, int flags)
{
    int fd = open(path, flags | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    int saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

/* 1 when path exists (lstat). */
static int exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/* Removes directory path and what it holds, `depth` levels of directories
 * below it at most; retries while files appear in it (a writer still
 * running). Returns 0 or -1 with errno set. */
static int rm_tree(const char *path, int depth)
{
    for (int tries = 0; tries < 20; tries++) {
        DIR *d = opendir(path);
        if (!d)
            return errno == ENOENT ? 0 : -1;
        struct dirent *e;
        while ((e = readdir(d))) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            if (unlinkat(dirfd(d), e->d_name, 0) == 0 || errno == ENOENT)
                continue;
            if ((errno == EISDIR || errno == EPERM) && depth > 0) {
                char *sub = str_printf("%s/%s", path, e->d_name);
                if (sub)
                    (void)rm_tree(sub, depth - 1);
                free(sub);
            }
        }
        closedir(d);
        if (rmdir(path) == 0 || errno == ENOENT)
            return 0;
        if (errno != ENOTEMPTY && errno != EEXIST)
            return -1;
    }
    return -1;
}

/* Puts the previous files back after a commit of `entries` stopped short
 * (in this run, or in a dead one whose journal is in stage). Returns how many
 * could not be put back; *first names the first with its error. */
static size_t roll_back(const char *dir, const char *stage, const entry *entries, size_t n,
                        char *first, size_t firstlen)
{
    size_t failed = 0;
    for (size_t i = 0; i < n; i++) {
        char *old = str_printf("%s/" OLD "/%s", stage, entries[i].name);
        char *fin = str_printf("%s/%s", dir, entries[i].name);
        char *none = str_printf("%s/" NONE "/%s", stage, entries[i].name);
        int bad = 0;
        if (!old || !fin || !none) {
            bad = ENOMEM;
        } else if (exists(old)) {
            if (rename(old, fin) != 0)
                bad = errno;
        } else if (entries[i].kind == 'i' && exists(none)) {
            /* there was no file of this name: take out the new one, then the
             * mark (in this order, so that doing it again is harmless) */
            if ((unlink(fin) != 0 && errno != ENOENT) || unlink(none) != 0)
                bad = errno;
        }
        if (bad && failed++ == 0)
            snprintf(first, firstlen, "%s: %s", entries[i].name, strerror(bad));
        free(old);
        free(fin);
        free(none);
    }
    if (failed == 0) {
        char *j = str_printf("%s/" JOURNAL, stage);
        if (j)
            (void)unlink(j); /* rolled back: nothing left to do */
        free(j);
    }
    return failed;
}

/* Reads stage's journal into *entries. Returns the count, 0 when there is
 * none (no commit was under way), or (size_t)-1 when it cannot be read. */
static size_t read_journal(const char *stage, entry **entries)
{
    *entries = NULL;
    char *path = str_printf("%s/" JOURNAL, stage);
    if (!path)
        return (size_t)-1;
    FILE *fp = fopen(path, "r");
    free(path);
    if (!fp)
        return errno == ENOENT ? 0 : (size_t)-1;
    size_t n = 0, cap = 0;
    char line[512];
    while (fgets(line, sizeof line, fp)) {
        size_t len = strcspn(line, "\n");
        line[len] = '\0';
        if (len < 3 || (line[0] != 'i' && line[0] != 'r') || line[1] != ' ' ||
            strchr(line + 2, '/'))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            entry *e = realloc(*entries, cap * sizeof *e);
            if (!e)
                break;
            *entries = e;
        }
        if (!((*entries)[n].name = strdup(line + 2)))
            break;
        (*entries)[n++].kind = line[0];
    }
    fclose(fp);
    return n;
}

static void free_entries(entry *e, size_t n)
{
    for (size_t i = 0; i < n && e; i++)
        free(e[i].name);
    free(e);
}

/* 1 when name is an old-style temporary of a report file: ".NAME.tmp.PID"
 * with NAME ending in .csv, .md or .xlsx. */
static int legacy_temp(const char *name)
{
    const char *t = strstr(name, ".tmp.");
    if (name[0] != '.' || !t || !t[5])
        return 0;
    for (const char *p = t + 5; *p; p++)
        if (*p < '0' || *p > '9')
            return 0;
    size_t len = (size_t)(t - name);
    static const char *const ext[] = {".csv", ".md", ".xlsx"};
    for (size_t i = 0; i < 3; i++) {
        size_t el = strlen(ext[i]);
        if (len > el + 1 && strncmp(t - el, ext[i], el) == 0)
            return 1;
    }
    return 0;
}

/* With the lock held: removes what dead runs left in o->dir, rolling back a
 * commit one of them left half done. */
static void remove_stale(fr_output *o)
{
    DIR *d = opendir(o->dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        int stage = strncmp(e->d_name, STAGE_PREFIX, strlen(STAGE_PREFIX)) == 0;
        if (!stage && !legacy_temp(e->d_name))
            continue;
        struct stat st;
        if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
            (stage ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode)))
            continue;
        char *path = str_printf("%s/%s", o->dir, e->d_name);
        if (!path)
            break;
        if (stage) {
            entry *ents;
            size_t n = read_journal(path, &ents);
            if (n == (size_t)-1) {
                free(path); /* keep it: it may hold old files we cannot place */
                continue;
            }
            char first[256];
            size_t bad = n > 0 ? roll_back(o->dir, path, ents, n, first, sizeof first) : 0;
            free_entries(ents, n);
            if (n > 0 && bad == 0)
                o->rolled_back = 1;
            if (bad > 0) {
                free(path);
                continue;
            }
            if (rm_tree(path, 1) == 0)
                o->stale++;
        } else if (unlink(path) == 0) {
            o->stale++;
        }
        free(path);
    }
    closedir(d);
}

/* The lock file's text: one line padded to a fixed length, written over the
 * old one in one pwrite(); emptied by the holder before it lets go. */
#define HOLDER_LEN 160

/* Reads the holder's description from the lock file's text into buf.
 * Returns 1, or 0 when the text is empty. */
static int read_holder(int fd, char *buf, size_t len)
{
    ssize_t n = pread(fd, buf, len - 1, 0);
    buf[n > 0 ? n : 0] = '\0';
    buf[strcspn(buf, "\n")] = '\0';
    for (size_t k = strlen(buf); k > 0 && buf[k - 1] == ' '; k--)
        buf[k - 1] = '\0';
    return buf[0] != '\0';
}

/* Takes o's lock. Returns 0, or -1 with errbuf set. */
static int take_lock(fr_output *o, int flags, fr_output_wait_fn on_wait, void *arg, char *errbuf,
                     size_t errlen)
{
    char *path = str_printf("%s/" LOCK_NAME, o->dir);
    int again = 0;
    if (!path) {
        snprintf(errbuf, errlen, "out of memory");
        return -1;
    }
retry:
    o->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0666);
    if (o->lock_fd < 0) {
        snprintf(errbuf, errlen, "%s: cannot open the lock file: %s", path, strerror(errno));
        free(path);
        return -1;
    }
    int rc = -1, busy = 0;
    char holder[256] = "";
    /* a holder's text is empty for an instant while it takes or lets go of the
     * lock: try the lock again then, for up to a second */
    for (int tries = 0; tries < 100; tries++) {
        while ((rc = flock(o->lock_fd, LOCK_EX | LOCK_NB)) != 0 && errno == EINTR)
            ;
        busy = rc != 0 && errno == EWOULDBLOCK;
        if (!busy || read_holder(o->lock_fd, holder, sizeof holder))
            break;
        struct timespec ts = {0, 10000000L};
        nanosleep(&ts, NULL);
    }
    if (busy) {
        if (!holder[0])
            snprintf(holder, sizeof holder, "an unknown process");
        if (!(flags & FR_OUTPUT_WAIT)) {
            snprintf(errbuf, errlen,
                     "%s: in use by another flowreport run (%s); try again later or use "
                     "--wait; previous reports left untouched",
                     o->dir, holder);
            free(path);
            return -1;
        }
        if (on_wait)
            on_wait(o->dir, holder, arg);
        while ((rc = flock(o->lock_fd, LOCK_EX)) != 0 && errno == EINTR)
            ;
    }
    if (rc != 0) {
        snprintf(errbuf, errlen, "%s: cannot lock: %s", path, strerror(errno));
        free(path);
        return -1;
    }
    /* the holder we waited for may have created DIR, failed and removed
     * the lock file (remove_made): a lock on that file locks nothing */
    struct stat a, b;
    if (fstat(o->lock_fd, &a) != 0 || stat(path, &b) != 0 || a.st_dev != b.st_dev ||
        a.st_ino != b.st_ino) {
        close(o->lock_fd);
        o->lock_fd = -1;
        if (++again < 100 && make_dirs(o, o->dir) == 0)
            goto retry;
        snprintf(errbuf, errlen, "%s: the lock file keeps being replaced", path);
        free(path);
        return -1;
    }
    free(path);
    char host[64] = "?", when[32] = "?", text[HOLDER_LEN + 1];
    if (gethostname(host, sizeof host) != 0)
        snprintf(host, sizeof host, "?");
    host[sizeof host - 1] = '\0';
    time_t now = time(NULL);
    struct tm tm;
    if (gmtime_r(&now, &tm))
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    memset(text, ' ', HOLDER_LEN);
    int n =
        snprintf(text, sizeof text, "pid %ld on host %s, started %s", (long)getpid(), host, when);
    if (n > 0 && n < HOLDER_LEN)
        text[n] = ' ';
    text[HOLDER_LEN - 1] = '\n';
    o->locked = 1;
    /* the text is informative only: a failure to write it does not matter */
    if (pwrite(o->lock_fd, text, HOLDER_LEN, 0) == HOLDER_LEN)
        (void)!ftruncate(o->lock_fd, HOLDER_LEN);
    return 0;
}

fr_output *fr_output_new_ex(const char *dir, int flags, fr_output_wait_fn on_wait, void *arg,
                            fr_err *err, char *errbuf, size_t errlen)
{
    fr_output *o = calloc(1, sizeof *o);
    if (!o || !(o->dir = strdup(dir))) {
        free(o);
        *err = FR_ERR_NOMEM;
        snprintf(errbuf, errlen, "out of memory");
        return NULL;
    }
    o->lock_fd = -1;
    if (pthread_mutex_init(&o->mu, NULL) != 0) {
        free(o->dir);
        free(o);
        *err = FR_ERR_NOMEM;
        snprintf(errbuf, errlen, "out of memory");
        return NULL;
    }
    *err = FR_ERR_IO;
    if (make_dirs(o, dir) != 0 || access(dir, W_OK) != 0) {
        snprintf(errbuf, errlen, "%s: cannot use as output directory: %s", dir, strerror(errno));
        goto fail;
    }
    if (take_lock(o, flags, on_wait, arg, errbuf, errlen) != 0)
        goto fail;
    remove_stale(o);
    if (!(o->stage = str_printf("%s/" STAGE_PREFIX "XXXXXX", dir))) {
        *err = FR_ERR_NOMEM;
        snprintf(errbuf, errlen, "out of memory");
        goto fail;
    }
    if (!mkdtemp(o->stage)) {
        snprintf(errbuf, errlen, "%s: cannot create a temporary directory: %s", dir,
                 strerror(errno));
        free(o->stage);
        o->stage = NULL;
        goto fail;
    }
    *err = FR_OK;
    return o;
fail:
    fr_output_free(o);
    return NULL;
}

fr_output *fr_output_new(const char *dir, fr_err *err, char *errbuf, size_t errlen)
{
    return fr_output_new_ex(dir, 0, NULL, NULL, err, errbuf, errlen);
}

const char *fr_output_temp_path(fr_output *o, const char *name)
{
    if (!o->stage || strchr(name, '/'))
        return NULL;
    if (o->n == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 8;
        fr_output_file *f = realloc(o->files, cap * sizeof *f);
        if (!f)
            return NULL;
        o->files = f;
        o->cap = cap;
    }
    fr_output_file *f = &o->files[o->n];
    f->name = strdup(name);
    f->temp_path = str_printf("%s/%s", o->stage, name);
    if (!f->name || !f->temp_path) {
        free(f->name);
        free(f->temp_path);
        return NULL;
    }
    o->n++;
    return f->temp_path;
}

FILE *fr_output_open(fr_output *o, const char *name, char *errbuf, size_t errlen)
{
    const char *tmp = fr_output_temp_path(o, name);
    if (!tmp) {
        snprintf(errbuf, errlen, "%s", o->stage ? "out of memory" : "the run was stopped");
        return NULL;
    }
    FILE *fp = fopen(tmp, "wbx");
    if (!fp)
        snprintf(errbuf, errlen, "%s: cannot create: %s", tmp, strerror(errno));
    return fp;
}

int fr_output_claim(fr_output *o, const char *const *names, size_t n)
{
    char **c = realloc(o->claimed, (o->n_claimed + n) * sizeof *c + 1);
    if (!c)
        return -1;
    o->claimed = c;
    for (size_t i = 0; i < n; i++) {
        if (!(c[o->n_claimed] = strdup(names[i])))
            return -1;
        o->n_claimed++;
    }
    return 0;
}

const char *fr_output_stage_dir(const fr_output *o)
{
    return o->stage;
}

const char *fr_output_final_path(fr_output *o, const char *name)
{
    free(o->scratch);
    o->scratch = str_printf("%s/%s", o->dir, name);
    return o->scratch ? o->scratch : name;
}

const char *const *fr_output_removed(const fr_output *o, size_t *n)
{
    *n = o->n_removed;
    return (const char *const *)o->removed;
}

size_t fr_output_stale(const fr_output *o, int *rolled_back)
{
    *rolled_back = o->rolled_back;
    return o->stale;
}

/* Writes the journal of entries into o's stage, durably. Returns 0 or -1. */
static int write_journal(fr_output *o, const entry *e, size_t n)
{
    char *path = str_printf("%s/" JOURNAL, o->stage);
    if (!path)
        return -1;
    FILE *fp = fopen(path, "wx");
    free(path);
    if (!fp)
        return -1;
    int bad = 0;
    for (size_t i = 0; i < n; i++)
        if (fprintf(fp, "%c %s\n", e[i].kind, e[i].name) < 0)
            bad = 1;
    if (fflush(fp) != 0 || fsync(fileno(fp)) != 0)
        bad = 1;
    if (fclose(fp) != 0)
        bad = 1;
    return bad || sync_path(o->stage, O_RDONLY | O_DIRECTORY) != 0 ? -1 : 0;
}

/* 1 when o writes name. */
static int writes(const fr_output *o, const char *name)
{
    for (size_t i = 0; i < o->n; i++)
        if (strcmp(o->files[i].name, name) == 0)
            return 1;
    return 0;
}

/* Keeps the file dir/name (if any, and not a directory) as stage/old/name:
 * a hard link, or the file itself where links do not work; when there is
 * none, marks that with stage/none/name. Returns 0 or -1 with errno set. */
static int keep_old(const fr_output *o, const char *name)
{
    char *fin = str_printf("%s/%s", o->dir, name);
    char *old = str_printf("%s/" OLD "/%s", o->stage, name);
    char *none = str_printf("%s/" NONE "/%s", o->stage, name);
    int rc = -1, fd;
    struct stat st;
    if (!fin || !old || !none)
        errno = ENOMEM;
    else if (lstat(fin, &st) != 0) {
        if (errno == ENOENT && (fd = open(none, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) >= 0)
            rc = close(fd);
    } else if (S_ISDIR(st.st_mode))
        rc = 0; /* nothing to keep: no rename replaces a directory */
    else if (link(fin, old) == 0 || rename(fin, old) == 0)
        rc = 0;
    free(fin);
    free(old);
    free(none);
    return rc;
}

fr_err fr_output_commit(fr_output *o, char *errbuf, size_t errlen)
{
    entry *ents = NULL;
    size_t n = 0, done = 0;
    char *fin = NULL;
    fr_err err = FR_ERR_IO;
    int touched = 0; /* DIR was changed */
    if (pthread_mutex_lock(&o->mu) != 0) {
        snprintf(errbuf, errlen, "%s: cannot lock: internal error", o->dir);
        return FR_ERR_IO;
    }
    if (o->state != ST_OPEN || !o->stage) {
        snprintf(errbuf, errlen, "%s: the run was stopped; previous reports left untouched",
                 o->dir);
        goto out;
    }
    for (size_t i = 0; i < o->n; i++) {
        if (sync_path(o->files[i].temp_path, O_RDONLY) != 0) {
            snprintf(errbuf, errlen, "%s: %s; previous reports left untouched",
                     o->files[i].temp_path, strerror(errno));
            goto out;
        }
    }
    if (!(ents = calloc(o->n + o->n_claimed + 1, sizeof *ents)))
        goto nomem;
    for (size_t i = 0; i < o->n; i++)
        ents[n++] = (entry){'i', o->files[i].name};
    for (size_t i = 0; i < o->n_claimed; i++) {
        if (writes(o, o->claimed[i]))
            continue;
        char *p = str_printf("%s/%s", o->dir, o->claimed[i]);
        struct stat st;
        int present = p && lstat(p, &st) == 0 && !S_ISDIR(st.st_mode);
        free(p);
        if (present)
            ents[n++] = (entry){'r', o->claimed[i]};
    }
    char *oldd = str_printf("%s/" OLD, o->stage);
    char *noned = str_printf("%s/" NONE, o->stage);
    int mk = oldd && noned && mkdir(oldd, 0700) == 0 && mkdir(noned, 0700) == 0 ? 0 : -1;
    int saved = oldd && noned ? errno : ENOMEM;
    free(oldd);
    free(noned);
    if (mk != 0 || write_journal(o, ents, n) != 0) {
        snprintf(errbuf, errlen,
                 "%s: cannot prepare the commit: %s; previous reports left untouched", o->stage,
                 strerror(mk != 0 ? saved : errno));
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        if (keep_old(o, ents[i].name) != 0) {
            saved = errno;
            touched = 1; /* the fallback may have moved files before this one */
            snprintf(errbuf, errlen, "%s/%s: cannot keep the previous file: %s", o->dir,
                     ents[i].name, strerror(saved));
            goto roll;
        }
    }
    for (size_t i = 0; i < n; i++) {
        free(fin);
        if (!(fin = str_printf("%s/%s", o->dir, ents[i].name)))
            goto nomem_roll;
        if (ents[i].kind == 'i') {
            if (rename(o->files[i].temp_path, fin) != 0) {
                snprintf(errbuf, errlen, "%s: cannot rename into place: %s", fin, strerror(errno));
                goto roll;
            }
            touched = 1;
            done++;
            if (done == 1)
                test_pause("commit");
        } else if (unlink(fin) != 0 && errno != ENOENT) {
            snprintf(errbuf, errlen, "%s: cannot remove: %s", fin, strerror(errno));
            goto roll;
        }
    }
    (void)sync_path(o->dir, O_RDONLY | O_DIRECTORY);
    /* the commit point: without a journal, the new set stands */
    free(fin);
    if (!(fin = str_printf("%s/" JOURNAL, o->stage)))
        goto nomem_roll;
    if (unlink(fin) != 0) {
        snprintf(errbuf, errlen, "%s: cannot remove: %s", fin, strerror(errno));
        goto roll;
    }
    (void)sync_path(o->stage, O_RDONLY | O_DIRECTORY);
    for (size_t i = o->n; i < n; i++) {
        char **r = realloc(o->removed, (o->n_removed + 1) * sizeof *r);
        if (!r)
            break;
        o->removed = r;
        if (!(r[o->n_removed] = strdup(ents[i].name)))
            break;
        o->n_removed++;
    }
    o->state = ST_COMMITTED;
    (void)rm_tree(o->stage, 1); /* what is left here, the next run removes */
    free(o->stage);
    o->stage = NULL;
    err = FR_OK;
    goto out;

nomem_roll:
    snprintf(errbuf, errlen, "out of memory");
roll:
    if (touched || done) {
        char first[300] = "";
        size_t len = strlen(errbuf);
        size_t bad = roll_back(o->dir, o->stage, ents, n, first, sizeof first);
        if (bad == 0 && done > 0) {
            snprintf(errbuf + len, errlen - len,
                     "; the %zu files already replaced were put back; previous reports left "
                     "untouched",
                     done);
        } else if (bad == 0) {
            snprintf(errbuf + len, errlen - len, "; previous reports left untouched");
        } else {
            o->keep_stage = 1;
            snprintf(errbuf + len, errlen - len,
                     "; putting the previous reports back failed for %zu files (%s): %s holds "
                     "a mixed set; the previous files are kept in %s/" OLD
                     " and the next run into it puts them back",
                     bad, first, o->dir, o->stage);
        }
    } else {
        size_t len = strlen(errbuf);
        snprintf(errbuf + len, errlen - len, "; previous reports left untouched");
    }
    goto out;
nomem:
    snprintf(errbuf, errlen, "out of memory; previous reports left untouched");
    err = FR_ERR_NOMEM;
out:
    free(fin);
    free(ents);
    (void)pthread_mutex_unlock(&o->mu);
    return err;
}

int fr_output_abort(fr_output *o)
{
    if (pthread_mutex_lock(&o->mu) != 0)
        return 0;
    int committed = o->state == ST_COMMITTED;
    if (!committed) {
        o->state = ST_ABORTED;
        if (o->stage && !o->keep_stage)
            (void)rm_tree(o->stage, 1);
        if (!o->keep_stage)
            remove_made(o);
    }
    (void)pthread_mutex_unlock(&o->mu);
    return committed;
}

void fr_output_free(fr_output *o)
{
    if (!o)
        return;
    if (o->stage && !o->keep_stage)
        (void)rm_tree(o->stage, 1);
    if (o->state != ST_COMMITTED && !o->keep_stage)
        remove_made(o); /* a failed run leaves no DIR it created */
    for (size_t i = 0; i < o->n_made; i++)
        free(o->made[i]);
    free(o->made);
    if (o->lock_fd >= 0) {
        if (o->locked) /* empty the holder's text, then let go; the file stays */
            (void)!ftruncate(o->lock_fd, 0);
        close(o->lock_fd);
    }
    for (size_t i = 0; i < o->n; i++) {
        free(o->files[i].name);
        free(o->files[i].temp_path);
    }
    for (size_t i = 0; i < o->n_claimed; i++)
        free(o->claimed[i]);
    for (size_t i = 0; i < o->n_removed; i++)
        free(o->removed[i]);
    free(o->claimed);
    free(o->removed);
    free(o->files);
    free(o->scratch);
    free(o->stage);
    free(o->dir);
    (void)pthread_mutex_destroy(&o->mu);
    free(o);
}
