/* SPDX-License-Identifier: MIT */
/* manifest: SHA-256 of the outputs and manifest.json. */
#include "fr_manifest.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

fr_err fr_sha256_file(const char *path, uint8_t out[32], uint64_t *size)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return FR_ERR_OPEN;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1;
    unsigned char buf[65536];
    size_t n;
    *size = 0;
    while (ok && (n = fread(buf, 1, sizeof buf, fp)) > 0) {
        ok = EVP_DigestUpdate(ctx, buf, n) == 1;
        *size += n;
    }
    ok = ok && !ferror(fp);
    unsigned int len = 0;
    ok = ok && EVP_DigestFinal_ex(ctx, out, &len) == 1;
    EVP_MD_CTX_free(ctx);
    fclose(fp);
    return ok ? FR_OK : FR_ERR_IO;
}

struct fr_manifest {
    char *dir; /* where o stages its files */
    char *path; /* manifest.json's temporary */
};

fr_manifest *fr_manifest_new(fr_output *o)
{
    fr_manifest *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    const char *t = fr_output_temp_path(o, "manifest.json");
    const char *dir = fr_output_stage_dir(o);
    if (!t || !dir || !(m->path = strdup(t)) || !(m->dir = strdup(dir))) {
        fr_manifest_free(m);
        return NULL;
    }
    return m;
}

void fr_manifest_free(fr_manifest *m)
{
    if (!m)
        return;
    free(m->dir);
    free(m->path);
    free(m);
}

fr_err fr_manifest_hash(fr_manifest *m, fr_report *r, const char *const *names, size_t n,
                        char *errbuf, size_t errlen)
{
    const char *dir = m->dir;
    for (size_t i = 0; i < n; i++) {
        int have = strcmp(names[i], "manifest.json") == 0;
        for (size_t k = 0; k < r->n_outputs && !have; k++)
            have = strcmp(r->outputs[k].name, names[i]) == 0;
        if (have)
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        uint8_t d[32];
        uint64_t size;
        fr_err e = fr_sha256_file(path, d, &size);
        if (e == FR_ERR_OPEN && errno == ENOENT)
            continue; /* not written by this run */
        if (e != FR_OK) {
            snprintf(errbuf, errlen, "%s: cannot hash: %s", names[i], strerror(errno));
            return e;
        }
        fr_output_row *v = realloc(r->outputs, (r->n_outputs + 1) * sizeof *v);
        if (!v)
            goto nomem;
        r->outputs = v;
        fr_output_row *row = &v[r->n_outputs];
        if (!(row->name = strdup(names[i])))
            goto nomem;
        row->size = size;
        memcpy(row->sha256, d, 32);
        r->n_outputs++;
    }
    return FR_OK;
nomem:
    snprintf(errbuf, errlen, "out of memory");
    return FR_ERR_NOMEM;
}

/* Adds a "sha256" and "size" pair to obj. Returns 0 or -1. */
static int put_hash(json_t *obj, const uint8_t d[32], uint64_t size)
{
    char hex[65];
    return json_object_set_new(obj, "size", json_integer((json_int_t)size)) ||
        json_object_set_new(obj, "sha256", json_string(fr_hex_sha256(d, hex)));
}

fr_err fr_manifest_write(fr_manifest *m, fr_report *r, const char *const *names, size_t n,
                         char *errbuf, size_t errlen)
{
    fr_err e = fr_manifest_hash(m, r, names, n, errbuf, errlen);
    if (e != FR_OK)
        return e;
    const char *path = m->path;
    json_t *root = json_object(), *ins = json_array(), *outs = json_array();
    int bad = !root || !ins || !outs;
    char t0[32], t1[32], hex[65];
    bad = bad || json_object_set_new(root, "format", json_integer(1)) ||
        json_object_set_new(root, "version", json_string(r->version ? r->version : "")) ||
        json_object_set_new(root, "window_seconds", json_integer((json_int_t)r->window)) ||
        json_object_set_new(root, "command_line",
                            json_string(r->command_line ? r->command_line : "")) ||
        json_object_set_new(root, "period_start", json_string(fr_time_iso(r->period_start, t0))) ||
        json_object_set_new(root, "period_end", json_string(fr_time_iso(r->period_end, t1))) ||
        json_object_set_new(root, "inputs_sha256",
                            json_string(fr_hex_sha256(r->inputs_sha256, hex)));
    for (size_t i = 0; i < r->n_inputs && !bad; i++) {
        const fr_input_row *in = &r->inputs[i];
        json_t *x = json_object();
        bad = !x || json_array_append_new(ins, x) ||
            json_object_set_new(x, "name", json_string(in->path)) ||
            (in->via_state && json_object_set_new(x, "state", json_string(in->via_state))) ||
            put_hash(x, in->sha256, in->size) ||
            json_object_set_new(x, "records", json_integer((json_int_t)in->records)) ||
            json_object_set_new(
                x, "problems",
                json_integer((json_int_t)(in->malformed + (in->status != FR_INPUT_OK)))) ||
            (in->error && json_object_set_new(x, "error", json_string(in->error)));
    }
    for (size_t i = 0; i < r->n_outputs && !bad; i++) {
        json_t *x = json_object();
        bad = !x || json_array_append_new(outs, x) ||
            json_object_set_new(x, "name", json_string(r->outputs[i].name)) ||
            put_hash(x, r->outputs[i].sha256, r->outputs[i].size);
    }
    json_t *sts = json_array(); /* mergeable states (issue 11) */
    bad = bad || !sts;
    for (size_t i = 0; i < r->n_states && !bad; i++) {
        json_t *x = json_object();
        bad = !x || json_array_append_new(sts, x) ||
            json_object_set_new(x, "name", json_string(r->states[i].name)) ||
            put_hash(x, r->states[i].sha256, r->states[i].size) ||
            json_object_set_new(x, "inputs", json_integer((json_int_t)r->states[i].inputs));
    }
    if (!bad && r->n_states)
        bad = json_object_set_new(root, "states", sts) != 0;
    else
        json_decref(sts);
    bad = bad || json_object_set_new(root, "inputs", ins) ||
        json_object_set_new(root, "outputs", outs);
    if (bad) {
        json_decref(root);
        snprintf(errbuf, errlen, "out of memory");
        return FR_ERR_NOMEM;
    }
    FILE *fp = fopen(path, "wbx");
    if (!fp) {
        json_decref(root);
        snprintf(errbuf, errlen, "manifest.json: cannot create: %s", strerror(errno));
        return FR_ERR_IO;
    }
    int failed = json_dumpf(root, fp, JSON_INDENT(1) | JSON_PRESERVE_ORDER) != 0 ||
        fputc('\n', fp) == EOF || fflush(fp) != 0 || ferror(fp);
    int saved = errno;
    json_decref(root);
    if (fclose(fp) != 0 && !failed) {
        failed = 1;
        saved = errno;
    }
    if (failed) {
        snprintf(errbuf, errlen, "manifest.json: write failed: %s", strerror(saved));
        return FR_ERR_IO;
    }
    return FR_OK;
}
