/* SPDX-License-Identifier: MIT */
/* eni_info: reads describe-network-interfaces JSON into the report. */
#include "fr_eni_info.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A string member of obj, or "". */
static const char *str_of(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return json_is_string(v) ? json_string_value(v) : "";
}

/* A growing space-separated list. */
typedef struct list {
    char *s;
    size_t len, cap;
} list;

/* Appends word. Returns 0 or -1. */
static int list_add(list *l, const char *word)
{
    size_t n = strlen(word);
    if (!n)
        return 0;
    if (l->len + n + 2 > l->cap) {
        size_t cap = (l->len + n + 2) * 2;
        char *s = realloc(l->s, cap);
        if (!s)
            return -1;
        l->s = s;
        l->cap = cap;
    }
    if (l->len)
        l->s[l->len++] = ' ';
    memcpy(l->s + l->len, word, n + 1);
    l->len += n;
    return 0;
}

static void row_free(fr_eni_row *e)
{
    free(e->interface_id);
    free(e->description);
    free(e->instance_id);
    free(e->vpc_id);
    free(e->subnet_id);
    free(e->security_groups);
    free(e->private_addresses);
}

/* Fills e from one NetworkInterfaces[] element. Returns 0, or -1 (memory). */
static int row_from(fr_eni_row *e, json_t *ni)
{
    list sg = {0}, ip = {0};
    json_t *v;
    size_t i;
    memset(e, 0, sizeof *e);
    json_array_foreach(json_object_get(ni, "Groups"), i,
                       v) if (list_add(&sg, str_of(v, "GroupId"))) goto fail;
    json_array_foreach(json_object_get(ni, "PrivateIpAddresses"), i,
                       v) if (list_add(&ip, str_of(v, "PrivateIpAddress"))) goto fail;
    if (!ip.len && list_add(&ip, str_of(ni, "PrivateIpAddress")))
        goto fail;
    json_array_foreach(json_object_get(ni, "Ipv6Addresses"), i,
                       v) if (list_add(&ip, str_of(v, "Ipv6Address"))) goto fail;
    e->interface_id = strdup(str_of(ni, "NetworkInterfaceId"));
    e->description = strdup(str_of(ni, "Description"));
    e->instance_id = strdup(str_of(json_object_get(ni, "Attachment"), "InstanceId"));
    e->vpc_id = strdup(str_of(ni, "VpcId"));
    e->subnet_id = strdup(str_of(ni, "SubnetId"));
    e->security_groups = sg.s ? sg.s : strdup("");
    e->private_addresses = ip.s ? ip.s : strdup("");
    sg.s = ip.s = NULL;
    if (!e->interface_id || !e->description || !e->instance_id || !e->vpc_id || !e->subnet_id ||
        !e->security_groups || !e->private_addresses)
        goto fail;
    return 0;
fail:
    free(sg.s);
    free(ip.s);
    row_free(e);
    memset(e, 0, sizeof *e);
    return -1;
}

static int cmp_eni(const void *pa, const void *pb)
{
    return strcmp(((const fr_eni_row *)pa)->interface_id, ((const fr_eni_row *)pb)->interface_id);
}

typedef struct seq_row {
    fr_eni_row row;
    size_t seq;
} seq_row;

/* By interface id, then the latest read first. */
static int cmp_seq(const void *pa, const void *pb)
{
    const seq_row *a = pa, *b = pb;
    int c = strcmp(a->row.interface_id, b->row.interface_id);
    if (c)
        return c;
    return a->seq > b->seq ? -1 : a->seq < b->seq;
}

/* Appends a row for every element of arr that has a NetworkInterfaceId.
 * Returns FR_OK or FR_ERR_NOMEM. */
static fr_err add_array(fr_report *r, json_t *arr)
{
    size_t k;
    json_t *ni;
    json_array_foreach(arr, k, ni)
    {
        if (!json_is_string(json_object_get(ni, "NetworkInterfaceId")))
            continue;
        fr_eni_row e;
        if (row_from(&e, ni))
            return FR_ERR_NOMEM;
        fr_eni_row *v = realloc(r->eni_info, (r->n_eni_info + 1) * sizeof *v);
        if (!v) {
            row_free(&e);
            return FR_ERR_NOMEM;
        }
        r->eni_info = v;
        v[r->n_eni_info++] = e;
    }
    return FR_OK;
}

/* Sorts r->eni_info by id and keeps, of each id, the row that lies last in
 * the array. Returns FR_OK or FR_ERR_NOMEM (rows then unchanged). */
static fr_err sort_unique(fr_report *r)
{
    /* sort by id, the later entry of an id first (stable through the index
     * kept in the order it was read), and keep the first of each id */
    size_t m = r->n_eni_info;
    seq_row *t = malloc((m ? m : 1) * sizeof *t);
    if (!t)
        return FR_ERR_NOMEM;
    for (size_t i = 0; i < m; i++) {
        t[i].row = r->eni_info[i];
        t[i].seq = i;
    }
    qsort(t, m, sizeof *t, cmp_seq);
    size_t out = 0;
    for (size_t i = 0; i < m; i++) {
        if (out && strcmp(r->eni_info[out - 1].interface_id, t[i].row.interface_id) == 0)
            row_free(&t[i].row);
        else
            r->eni_info[out++] = t[i].row;
    }
    r->n_eni_info = out;
    free(t);
    return FR_OK;
}

fr_err fr_eni_info_load(fr_report *r, const char *const *paths, size_t n, char *errbuf,
                        size_t errlen)
{
    for (size_t f = 0; f < n; f++) {
        json_error_t jerr;
        json_t *doc = json_load_file(paths[f], 0, &jerr);
        if (!doc) {
            FILE *probe = fopen(paths[f], "rb");
            int open_failed = !probe;
            int saved = errno;
            if (probe)
                fclose(probe);
            if (open_failed) {
                snprintf(errbuf, errlen, "%s: cannot open: %s", paths[f], strerror(saved));
                return FR_ERR_OPEN;
            }
            snprintf(errbuf, errlen, "%s:%d: not JSON: %s", paths[f], jerr.line, jerr.text);
            return FR_ERR_FORMAT;
        }
        json_t *arr = json_object_get(doc, "NetworkInterfaces");
        if (!json_is_array(arr)) {
            json_decref(doc);
            snprintf(errbuf, errlen,
                     "%s: no NetworkInterfaces array (the output of aws ec2 "
                     "describe-network-interfaces is expected)",
                     paths[f]);
            return FR_ERR_FORMAT;
        }
        fr_err e = add_array(r, arr);
        json_decref(doc);
        if (e != FR_OK) {
            snprintf(errbuf, errlen, "out of memory");
            return e;
        }
    }
    if (sort_unique(r) != FR_OK) {
        snprintf(errbuf, errlen, "out of memory");
        return FR_ERR_NOMEM;
    }
    r->eni_info_given = 1;
    return FR_OK;
}

fr_err fr_eni_info_add_json(fr_report *r, struct json_t *arr, int keep_existing, char *errbuf,
                            size_t errlen)
{
    if (!json_is_array(arr)) {
        snprintf(errbuf, errlen, "no NetworkInterfaces array");
        return FR_ERR_FORMAT;
    }
    size_t old = r->n_eni_info;
    fr_err e = add_array(r, arr);
    if (e == FR_OK && keep_existing && old && r->n_eni_info > old) {
        /* the rows that win must lie last: new rows first, then the old */
        size_t added = r->n_eni_info - old;
        fr_eni_row *t = malloc(added * sizeof *t);
        if (!t) {
            e = FR_ERR_NOMEM;
        } else {
            memcpy(t, r->eni_info + old, added * sizeof *t);
            memmove(r->eni_info + added, r->eni_info, old * sizeof *t);
            memcpy(r->eni_info, t, added * sizeof *t);
            free(t);
        }
    }
    if (e == FR_OK)
        e = sort_unique(r);
    if (e != FR_OK) {
        /* rows already added stay (and are freed with r); they may be unsorted */
        snprintf(errbuf, errlen, "out of memory");
        return e;
    }
    r->eni_info_given = 1;
    return FR_OK;
}

const fr_eni_row *fr_eni_info_find(const fr_report *r, const char *id)
{
    fr_eni_row key = {.interface_id = (char *)id};
    return r->n_eni_info ? bsearch(&key, r->eni_info, r->n_eni_info, sizeof key, cmp_eni) : NULL;
}
