/* SPDX-License-Identifier: MIT */
/* report_model: allocation and release of the report model, shared formatting. */
#include "fr_report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

fr_report *fr_report_new(void)
{
    return calloc(1, sizeof(fr_report));
}

void fr_input_row_clear(fr_input_row *in)
{
    free(in->path);
    free(in->etag);
    free(in->via_state);
    free(in->error);
    for (size_t k = 0; k < in->n_examples; k++)
        free(in->examples[k].reason);
    free(in->examples);
    for (size_t k = 0; k < in->n_reasons; k++)
        free(in->reasons[k].reason);
    free(in->reasons);
    memset(in, 0, sizeof *in);
}

void fr_report_free(fr_report *r)
{
    if (!r)
        return;
    free(r->version);
    free(r->command_line);
    for (size_t i = 0; i < r->n_states; i++)
        free(r->states[i].name);
    free(r->states);
    for (size_t i = 0; i < r->n_inputs; i++)
        fr_input_row_clear(&r->inputs[i]);
    free(r->inputs);
    for (size_t i = 0; i < r->n_unknown_fields; i++)
        free(r->unknown_fields[i]);
    free(r->unknown_fields);
    free(r->windows);
    for (size_t i = 0; i < r->n_ifaces; i++) {
        free(r->ifaces[i].interface_id);
        free(r->ifaces[i].account_id);
    }
    free(r->ifaces);
    free(r->gaps);
    free(r->talkers);
    free(r->rejected);
    free(r->ports);
    for (size_t i = 0; i < r->n_fetch; i++) {
        free(r->fetch[i].source);
        free(r->fetch[i].kind);
        free(r->fetch[i].error);
    }
    free(r->fetch);
    free(r->silent);
    for (size_t i = 0; i < r->n_findings; i++) {
        free(r->findings[i].interface_id);
        free(r->findings[i].detail);
    }
    free(r->findings);
    for (size_t i = 0; i < r->n_eni_info; i++) {
        fr_eni_row *e = &r->eni_info[i];
        free(e->interface_id);
        free(e->description);
        free(e->instance_id);
        free(e->vpc_id);
        free(e->subnet_id);
        free(e->security_groups);
        free(e->private_addresses);
    }
    free(r->eni_info);
    for (size_t i = 0; i < r->n_changes; i++) {
        free(r->changes[i].change);
        free(r->changes[i].table);
        free(r->changes[i].key);
        free(r->changes[i].before);
        free(r->changes[i].after);
    }
    free(r->changes);
    for (size_t i = 0; i < r->n_outputs; i++)
        free(r->outputs[i].name);
    free(r->outputs);
    free(r);
}

/* Writes n digits of v at p. */
static void put_digits(char *p, unsigned v, int n)
{
    while (n--) {
        p[n] = (char)('0' + v % 10);
        v /= 10;
    }
}

char *fr_time_iso(int64_t t, char *buf)
{
    /* years 1970 to 9999, every time a report has: the civil date from the
     * day count (the proleptic Gregorian calendar in 400-year eras), without
     * gmtime and printf, which were a third of writing a month's gaps.csv */
    if (t >= 0 && t < INT64_C(253402300800)) {
        int64_t days = t / 86400, sec = t % 86400;
        int64_t z = days + 719468, era = z / 146097;
        unsigned doe = (unsigned)(z - era * 146097);
        unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        unsigned mp = (5 * doy + 2) / 153;
        unsigned d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
        unsigned y = (unsigned)(yoe + era * 400) + (m <= 2);
        put_digits(buf, y, 4);
        buf[4] = '-';
        put_digits(buf + 5, m, 2);
        buf[7] = '-';
        put_digits(buf + 8, d, 2);
        buf[10] = 'T';
        put_digits(buf + 11, (unsigned)(sec / 3600), 2);
        buf[13] = ':';
        put_digits(buf + 14, (unsigned)(sec / 60 % 60), 2);
        buf[16] = ':';
        put_digits(buf + 17, (unsigned)(sec % 60), 2);
        memcpy(buf + 19, "Z", 2);
        return buf;
    }
    time_t tt = (time_t)t;
    struct tm tm;
    if ((int64_t)tt != t || !gmtime_r(&tt, &tm)) {
        memcpy(buf, "invalid-time", sizeof "invalid-time");
        return buf;
    }
    /* ISO 8601 expanded years past 9999 and before 0: a sign, no cut */
    long long y = (long long)tm.tm_year + 1900;
    const char *sign = y > 9999 ? "+" : y < 0 ? "-" : "";
    char tmp[96]; /* at most 27 characters are used: "+2147483647-12-31T23:59:59Z" */
    int n = snprintf(tmp, sizeof tmp, "%s%04lld-%02d-%02dT%02d:%02d:%02dZ", sign, y < 0 ? -y : y,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    if (n < 0 || n >= FR_TIME_ISO_LEN)
        memcpy(buf, "invalid-time", sizeof "invalid-time");
    else
        memcpy(buf, tmp, (size_t)n + 1);
    return buf;
}

char *fr_hex_sha256(const uint8_t d[32], char *buf)
{
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        buf[2 * i] = hex[d[i] >> 4];
        buf[2 * i + 1] = hex[d[i] & 15];
    }
    buf[64] = '\0';
    return buf;
}

int fr_report_sum_inputs(fr_report *r)
{
    fr_totals *t = &r->totals;
    t->files = t->dirs_failed = 0;
    t->files_failed = t->size = t->text_bytes = t->lines = 0;
    t->excluded = t->untimed = t->malformed = t->tgw_records = 0;
    t->header_lines = t->blank_lines = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1;
    for (size_t i = 0; i < r->n_inputs; i++) {
        const fr_input_row *in = &r->inputs[i];
        /* a directory that could not be walked is a problem, not a file */
        t->dirs_failed += in->is_dir != 0;
        t->files += in->is_dir == 0;
        t->files_failed += in->is_dir == 0 && in->status != FR_INPUT_OK;
        t->size += in->size;
        t->text_bytes += in->text_bytes;
        t->lines += in->lines;
        t->excluded += in->excluded;
        t->untimed += in->untimed;
        t->malformed += in->malformed;
        t->tgw_records += in->tgw_records;
        t->header_lines += in->header_lines;
        t->blank_lines += in->blank_lines;
        char hex[65];
        fr_hex_sha256(in->sha256, hex);
        ok = ok && EVP_DigestUpdate(ctx, hex, 64) == 1 && EVP_DigestUpdate(ctx, "  ", 2) == 1 &&
            EVP_DigestUpdate(ctx, in->path, strlen(in->path)) == 1 &&
            EVP_DigestUpdate(ctx, "\n", 1) == 1;
    }
    unsigned int len = 0;
    ok = ok && EVP_DigestFinal_ex(ctx, r->inputs_sha256, &len) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
}

char *fr_pct_format(uint64_t num, uint64_t den, char *buf)
{
    if (den == 0) {
        buf[0] = '\0';
        return buf;
    }
    unsigned __int128 t = (unsigned __int128)num * 1000u / den;
    uint64_t tenths = t > UINT64_MAX ? UINT64_MAX : (uint64_t)t;
    snprintf(buf, 32, "%llu.%llu", (unsigned long long)(tenths / 10),
             (unsigned long long)(tenths % 10));
    return buf;
}

const char *fr_gap_kind_name(fr_gap_kind k)
{
    switch (k) {
    case FR_GAP_NODATA: return "NODATA";
    case FR_GAP_SKIPDATA: return "SKIPDATA";
    case FR_GAP_SILENT: return "SILENT";
    }
    return "UNKNOWN";
}

const char *fr_gap_edge_name(int edge)
{
    return edge == FR_EDGE_START ? "start" : edge == FR_EDGE_END ? "end" : "";
}

const char *fr_severity_name(fr_severity s)
{
    return s == FR_SEV_HIGH ? "high" : s == FR_SEV_MEDIUM ? "medium" : "low";
}

int fr_gap_cmp(const void *pa, const void *pb)
{
    const fr_gap_row *a = pa, *b = pb;
    int c = strcmp(a->interface_id, b->interface_id);
    if (c)
        return c;
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    return (int)a->kind - (int)b->kind;
}

int fr_report_fold_silent(fr_report *r)
{
    if (r->n_silent == 0)
        return 1;
    fr_gap_row *g = realloc(r->gaps, (r->n_gaps + r->n_silent) * sizeof *g);
    if (!g)
        return 0;
    memcpy(g + r->n_gaps, r->silent, r->n_silent * sizeof *g);
    r->gaps = g;
    r->n_gaps += r->n_silent;
    qsort(r->gaps, r->n_gaps, sizeof *r->gaps, fr_gap_cmp);
    free(r->silent);
    r->silent = NULL;
    r->n_silent = 0;
    return 1;
}
