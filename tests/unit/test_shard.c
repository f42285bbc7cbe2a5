/* SPDX-License-Identifier: MIT */
/* test_shard: --shard's partition. fr_shard_of against FNV-1a 64 computed
 * here by a separate loop and against values computed with python; the n
 * shards of 10,000 generated S3 names partition them exactly, each within
 * 10 % of 10000/n for n = 2, 4, 7, 16; fr_shard_select keeps exactly the
 * items of its shard, in order, with their strings. Exit 0 pass, 1 fail. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fr_shard.h"
#include "fr_source.h"

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

#define NAMES 10000

/* FNV-1a 64 written out again, apart from src/shard.c and its macros. */
static uint64_t fnv1a(const char *s)
{
    uint64_t h = 14695981039346656037ULL; /* 0xcbf29ce484222325 */
    for (size_t i = 0; s[i]; i++)
        h = (h ^ (uint8_t)s[i]) * 1099511628211ULL; /* 0x100000001b3 */
    return h;
}

/* Name i of the generated set: an S3 key as VPC Flow Logs delivers it. */
static void gen_name(unsigned i, char *buf, size_t len)
{
    unsigned month = i / 2880 % 12 + 1, day = i / 96 % 30 + 1;
    snprintf(buf, len,
             "s3://flowlogs-archive/AWSLogs/123456789012/vpcflowlogs/eu-west-3/2026/%02u/%02u/"
             "123456789012_vpcflowlogs_eu-west-3_fl-0a1b2c3d_2026%02u%02uT%02u%02uZ_%08x.log.gz",
             month, day, month, day, i / 4 % 24, i % 4 * 15, (uint32_t)(i * 2654435761u));
}

static void test_known_values(void)
{
    /* computed with python: h = 0xcbf29ce484222325; h = ((h ^ b) * 0x100000001b3) % 2**64 */
    static const struct {
        const char *name;
        uint64_t hash;
        unsigned mod7, mod65536;
    } v[] = {
        {"", 0xcbf29ce484222325ULL, 2, 8997},
        {"a", 0xaf63dc4c8601ec8cULL, 5, 60556},
        {"foobar", 0x85944171f73967e8ULL, 6, 26600},
        {"samples/a.log.gz", 0x39a8f5617e0f450fULL, 6, 17679},
        {"s3://my-bucket/AWSLogs/123456789012/vpcflowlogs/eu-west-3/2026/11/26/x.log.gz",
         0xcfc87b06b63ee735ULL, 5, 59189},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        CHECK(fnv1a(v[i].name) == v[i].hash, "the test's FNV loop is wrong on '%s'", v[i].name);
        CHECK(fr_shard_of(v[i].name, 7) == v[i].mod7, "'%s' mod 7: %u, want %u", v[i].name,
              fr_shard_of(v[i].name, 7), v[i].mod7);
        CHECK(fr_shard_of(v[i].name, 65536) == v[i].mod65536, "'%s' mod 65536: %u, want %u",
              v[i].name, fr_shard_of(v[i].name, 65536), v[i].mod65536);
        CHECK(fr_shard_of(v[i].name, 2) == (unsigned)(v[i].hash % 2), "'%s' mod 2", v[i].name);
        CHECK(fr_shard_of(v[i].name, 1) == 0, "n = 1 is not shard 0");
        CHECK(fr_shard_of(v[i].name, 0) == 0, "n = 0 is not shard 0");
    }
    /* bytes above 127 are hashed as unsigned bytes */
    const char *hi = "s3://b/caf\xc3\xa9.log";
    CHECK(fr_shard_of(hi, 1000003) == (unsigned)(fnv1a(hi) % 1000003), "non-ASCII name");
}

static void test_partition(void)
{
    static const unsigned ns[] = {2, 4, 7, 16, 3, 65536};
    char name[256];
    for (size_t t = 0; t < sizeof ns / sizeof ns[0]; t++) {
        unsigned n = ns[t];
        size_t *count = calloc(n, sizeof *count);
        if (!count) {
            CHECK(0, "out of memory");
            return;
        }
        size_t total = 0;
        for (unsigned i = 0; i < NAMES; i++) {
            gen_name(i, name, sizeof name);
            unsigned s = fr_shard_of(name, n);
            CHECK(s < n, "shard %u of n = %u", s, n);
            CHECK(s == (unsigned)(fnv1a(name) % n), "%s: shard %u, FNV-1a says %u", name, s,
                  (unsigned)(fnv1a(name) % n));
            if (s < n)
                count[s]++;
        }
        for (unsigned k = 0; k < n; k++)
            total += count[k];
        CHECK(total == NAMES, "n = %u: %zu names in the shards, not %d", n, total, NAMES);
        if (n <= 16) {
            double want = (double)NAMES / n;
            for (unsigned k = 0; k < n; k++)
                CHECK(count[k] >= 0.9 * want && count[k] <= 1.1 * want,
                      "n = %u: shard %u has %zu names, not within 10 %% of %.1f", n, k, count[k],
                      want);
        }
        free(count);
    }
}

/* A list of the first m generated names, some with an etag or an error. */
static int make_list(fr_source_list *l, unsigned m)
{
    char name[256];
    memset(l, 0, sizeof *l);
    for (unsigned i = 0; i < m; i++) {
        gen_name(i, name, sizeof name);
        if (fr_source_add_remote(l, name, i % 3 ? "\"etag\"" : NULL, NULL, NULL,
                                 i % 5 == 0 ? "cannot open: test" : NULL) != FR_OK)
            return 0;
    }
    return 1;
}

static void test_select(void)
{
    const unsigned m = 2000, n = 7;
    char name[256];
    size_t total_kept = 0;
    unsigned char *seen = calloc(m, 1);
    if (!seen) {
        CHECK(0, "out of memory");
        return;
    }
    for (unsigned k = 0; k < n; k++) {
        fr_source_list l;
        if (!make_list(&l, m)) {
            CHECK(0, "out of memory");
            fr_source_list_clear(&l);
            break;
        }
        char *note = strdup("a note the walk left");
        char **notes = malloc(sizeof *notes);
        if (note && notes) {
            notes[0] = note;
            l.notes = notes;
            l.n_notes = 1;
        } else {
            free(note);
            free(notes);
        }
        size_t dropped = fr_shard_select(&l, k, n);
        CHECK(dropped + l.n == m, "k = %u: dropped %zu + kept %zu != %u", k, dropped, l.n, m);
        total_kept += l.n;
        /* the kept items are, in order, the names with fnv1a % n == k */
        size_t j = 0;
        for (unsigned i = 0; i < m; i++) {
            gen_name(i, name, sizeof name);
            if (fnv1a(name) % n != k)
                continue;
            seen[i]++;
            CHECK(j < l.n && strcmp(l.items[j].path, name) == 0, "k = %u: item %zu is not %s", k, j,
                  name);
            if (j < l.n) {
                CHECK((l.items[j].etag != NULL) == (i % 3 != 0), "k = %u: %s lost its etag", k,
                      name);
                CHECK((l.items[j].error != NULL) == (i % 5 == 0), "k = %u: %s lost its error", k,
                      name);
            }
            j++;
        }
        CHECK(j == l.n, "k = %u: kept %zu items, want %zu", k, l.n, j);
        CHECK(l.n_notes == (notes && note ? 1u : 0u) &&
                  (!l.n_notes || strcmp(l.notes[0], "a note the walk left") == 0),
              "the notes changed");
        fr_source_list_clear(&l);
    }
    CHECK(total_kept == m, "the %u shards kept %zu items, not %u", n, total_kept, m);
    for (unsigned i = 0; i < m; i++)
        CHECK(seen[i] == 1, "name %u was in %u shards", i, seen[i]);
    free(seen);

    /* n 0 keeps everything; an empty list stays empty */
    fr_source_list l;
    if (make_list(&l, 10)) {
        CHECK(fr_shard_select(&l, 0, 0) == 0 && l.n == 10, "n = 0 dropped items");
        CHECK(fr_shard_select(&l, 0, 1) == 0 && l.n == 10, "n = 1 dropped items");
    }
    fr_source_list_clear(&l);
    memset(&l, 0, sizeof l);
    CHECK(fr_shard_select(&l, 1, 3) == 0 && l.n == 0, "an empty list");
}

int main(void)
{
    test_known_values();
    test_partition();
    test_select();
    if (failures) {
        fprintf(stderr, "test_shard: %d failures\n", failures);
        return 1;
    }
    puts("test_shard: ok");
    return 0;
}
