/* SPDX-License-Identifier: MIT */
/* test_progress: the progress line. Disabled, it writes nothing; enabled on
 * a pipe, it draws lines holding the counters and ends with the erase
 * sequence; a run shorter than one redraw leaves nothing; the line's text
 * for known counters; NULL handles are no-ops. Exit 0 pass, 1 fail. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fr_progress.h"

static int failures;

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                                   \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

/* Runs a progress display on a pipe for `ms` milliseconds while counting;
 * returns what it wrote (malloc'ed, NUL-terminated; *len its length). */
static char *run_on_pipe(int enabled, long ms, size_t *len)
{
    int fd[2];
    FILE *w, *r;
    char *out = NULL;
    size_t cap = 0;

    if (pipe(fd) != 0 || !(w = fdopen(fd[1], "w")) || !(r = fdopen(fd[0], "r"))) {
        perror("pipe");
        exit(1);
    }
    fr_progress *p = fr_progress_new(w, enabled);
    CHECK(p != NULL, "fr_progress_new returned NULL");
    fr_progress_counters *c = fr_progress_counters_of(p);
    CHECK(c != NULL, "no counters");
    fr_progress_add_inputs_total(c, 10);
    fr_progress_add_bytes_total(c, 100u << 20);
    for (long t = 0; t < ms; t += 50) {
        fr_progress_add_bytes(c, 1u << 20);
        fr_progress_add_records(c, 1234);
        sleep_ms(50);
    }
    fr_progress_add_inputs_done(c, 3);
    fr_progress_free(p);
    fclose(w);
    FILE *m = open_memstream(&out, &cap);
    int ch;
    while ((ch = fgetc(r)) != EOF)
        fputc(ch, m);
    fclose(m);
    fclose(r);
    *len = cap;
    return out;
}

int main(void)
{
    char buf[192];
    size_t len;
    char *s;

    /* NULL is fine everywhere */
    fr_progress_free(NULL);
    fr_progress_clear(NULL);
    CHECK(fr_progress_counters_of(NULL) == NULL, "counters of NULL");
    fr_progress_add_bytes(NULL, 1);
    fr_progress_add_records(NULL, 1);
    fr_progress_add_inputs_done(NULL, 1);
    fr_progress_add_inputs_total(NULL, 1);
    fr_progress_add_bytes_total(NULL, 1);

    /* the text of the line */
    fr_progress_format(buf, sizeof buf, 3, 10, 40u << 20, 100u << 20, 1234567, 2.0 * (1 << 20));
    CHECK(!strcmp(buf, "3/10 inputs  40.0 MiB  1,234,567 records  2.0 MiB/s  ETA 0:30"), "got %s",
          buf);
    fr_progress_format(buf, sizeof buf, 7, 0, 512, 0, 0, -1);
    CHECK(!strcmp(buf, "7 inputs  512 B  0 records"), "got %s", buf);
    fr_progress_format(buf, sizeof buf, 1, 2, 1, UINT64_C(10) << 30, 5, 1 << 20);
    CHECK(!strcmp(buf, "1/2 inputs  1 B  5 records  1.0 MiB/s  ETA 2:50:40"), "got %s", buf);
    fr_progress_format(buf, 8, 1000, 2000, 0, 0, 0, -1);
    CHECK(strlen(buf) == 7, "not truncated to the buffer: %s", buf);

    /* disabled: nothing, however long it runs */
    s = run_on_pipe(0, 600, &len);
    CHECK(len == 0, "disabled display wrote %zu bytes", len);
    free(s);

    /* enabled, shorter than one redraw: nothing */
    s = run_on_pipe(1, 50, &len);
    CHECK(len == 0, "a 50 ms run wrote %zu bytes", len);
    free(s);

    /* enabled for 900 ms: several redraws, then the line erased */
    s = run_on_pipe(1, 900, &len);
    const char *erase = "\r\033[K";
    CHECK(len >= strlen(erase) && !strcmp(s + len - strlen(erase), erase),
          "output does not end with the erase sequence");
    CHECK(strstr(s, "/10 inputs") != NULL, "no input count in %s", s);
    CHECK(strstr(s, " MiB  ") != NULL, "no bytes in %s", s);
    CHECK(strstr(s, ",") && strstr(s, " records") != NULL, "no records in %s", s);
    CHECK(strstr(s, " MiB/s") != NULL, "no rate in %s", s);
    CHECK(strstr(s, "ETA ") != NULL, "no ETA in %s", s);
    int lines = 0;
    for (const char *q = s; (q = strstr(q, "\r")) != NULL; q++)
        lines++;
    CHECK(lines >= 2 && lines <= 8, "%d carriage returns in 900 ms (want 1-7 redraws + erase)",
          lines);
    CHECK(strchr(s, '\n') == NULL, "a newline in the progress output");
    free(s);

    if (failures)
        return 1;
    printf("PASS: progress line\n");
    return 0;
}
