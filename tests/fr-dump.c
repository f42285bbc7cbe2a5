/* SPDX-License-Identifier: MIT */
/* fr-dump: prints what the parser makes of each line of its inputs, as JSON
 * lines, through the real pipeline (one thread). Used by the conformance
 * tests; not installed. */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fr_flowlog.h"
#include "fr_pipeline.h"
#include "fr_report.h"
#include "fr_source.h"

typedef struct dump_ctx {
    const fr_source_list *src;
    uint64_t *lineno; /* per file: lines seen so far */
    json_t **unknown; /* per file: array of unknown names */
    int failed;
} dump_ctx;

/* Prints obj as one line and frees it. */
static void emit(dump_ctx *d, json_t *obj)
{
    if (!obj || json_dumpf(obj, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER) != 0 ||
        fputc('\n', stdout) == EOF)
        d->failed = 1;
    json_decref(obj);
}

/* The typed value of one token, or NULL. */
static json_t *value_of(fr_field f, const char *t, size_t len)
{
    uint64_t v;
    switch (fr_field_kind(f)) {
    case FR_K_U8:
    case FR_K_PORT:
    case FR_K_COUNTER: return fr_parse_u64(t, len, &v) ? json_integer((json_int_t)v) : NULL;
    case FR_K_TIME:
        if (!fr_parse_u64(t, len, &v))
            return NULL;
        return json_integer((json_int_t)(v >= 100000000000ULL ? v / 1000 : v));
    case FR_K_ADDR: {
        fr_addr a;
        char buf[FR_ADDR_STRLEN];
        return fr_addr_parse(&a, t, len) ? json_string(fr_addr_format(&a, buf)) : NULL;
    }
    default: return json_stringn_nocheck(t, len);
    }
}

static void hook(void *ctx, size_t file, uint64_t seq, uint64_t line, fr_line_kind kind,
                 const fr_record *rec, const fr_fieldmap *map, const char *reason)
{
    dump_ctx *d = ctx;
    (void)seq;
    (void)line;
    uint64_t n = ++d->lineno[file];
    const char *path = d->src->items[file].path;
    if (kind == FR_LINE_MALFORMED) {
        emit(
            d,
            json_pack("{s:s, s:I, s:s}", "file", path, "line", (json_int_t)n, "malformed", reason));
        return;
    }
    if (kind != FR_LINE_RECORD)
        return;
    json_t *fields = json_object();
    for (int c = 0; c < map->n; c++) {
        const char *t = rec->tok[c];
        size_t tl = rec->toklen[c];
        fr_field f = (fr_field)map->id[c];
        const char *name = f == FR_F_UNKNOWN ? map->unknown[c] : fr_field_name(f);
        if (f == FR_F_UNKNOWN) {
            size_t i;
            json_t *u;
            int seen = 0;
            json_array_foreach(d->unknown[file], i, u) seen |=
                strcmp(json_string_value(u), name) == 0;
            if (!seen)
                json_array_append_new(d->unknown[file], json_string(name));
        }
        if (tl == 1 && t[0] == '-')
            continue;
        json_t *v = value_of(f, t, tl);
        if (v)
            json_object_set_new(fields, name, v);
    }
    emit(d,
         json_pack("{s:s, s:I, s:b, s:o}", "file", path, "line", (json_int_t)n, "tgw", map->tgw,
                   "fields", fields));
}

int main(int argc, char **argv)
{
    const char *fields = FR_DEFAULT_FORMAT;
    int first = 1;
    if (argc >= 3 && strcmp(argv[1], "--fields") == 0) {
        fields = argv[2];
        first = 3;
    }
    if (first >= argc) {
        fprintf(stderr, "usage: fr-dump [--fields \"f1 f2 ...\"] FILE...\n");
        return 2;
    }
    char err[512] = "";
    fr_fieldmap map;
    memset(&map, 0, sizeof map);
    if (fr_fieldmap_parse(&map, fields, strlen(fields), err, sizeof err) != FR_OK) {
        fprintf(stderr, "fr-dump: --fields: %s\n", err);
        return 2;
    }
    int status = 3;
    fr_source_list src = {0};
    fr_report *r = fr_report_new();
    dump_ctx d = {0};
    if (!r || fr_source_expand(argv + first, (size_t)(argc - first), &src) != FR_OK)
        goto done;
    d.src = &src;
    d.lineno = calloc(src.n + 1, sizeof *d.lineno);
    d.unknown = calloc(src.n + 1, sizeof *d.unknown);
    if (!d.lineno || !d.unknown)
        goto done;
    for (size_t i = 0; i < src.n; i++)
        d.unknown[i] = json_array();
    fr_pipeline_opts po = {
        .reduce = {.window = 3600, .top_n = 10},
        .threads = 1,
        .fields = &map,
        .hook = hook,
        .hook_ctx = &d,
    };
    if (fr_pipeline_run(&po, &src, r, err, sizeof err) != FR_OK) {
        fprintf(stderr, "fr-dump: %s\n", err);
        goto done;
    }
    for (size_t i = 0; i < r->n_inputs; i++) {
        const fr_input_row *in = &r->inputs[i];
        json_t *sum =
            json_pack("{s:I, s:I, s:I, s:I, s:I, s:O}", "records", (json_int_t)in->records,
                      "malformed", (json_int_t)in->malformed, "headers",
                      (json_int_t)in->header_lines, "blank", (json_int_t)in->blank_lines, "tgw",
                      (json_int_t)in->tgw_records, "unknown_fields", d.unknown[i]);
        if (in->error)
            json_object_set_new(sum, "error", json_string(in->error));
        emit(&d, json_pack("{s:s, s:o}", "file", in->path, "summary", sum));
    }
    status = d.failed || fflush(stdout) != 0 ? 3 : 0;
done:
    if (d.unknown)
        for (size_t i = 0; i < src.n; i++)
            json_decref(d.unknown[i]);
    free(d.unknown);
    free(d.lineno);
    fr_report_free(r);
    fr_source_list_clear(&src);
    fr_fieldmap_clear(&map);
    return status;
}
