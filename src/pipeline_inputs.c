/* SPDX-License-Identifier: MIT */
/* pipeline_inputs: the per-file bookkeeping of malformed lines (earliest
 * examples, counts by reason) and the rows of the inputs table assembled from
 * every worker's counters after the threads end. */
#include "fr_pipeline_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Keeps the FR_EXAMPLES_PER_FILE earliest malformed lines of a file.
 * Returns FR_OK or FR_ERR_NOMEM. */
fr_err pipeline_example_add(wfile *wf, uint64_t seq, uint64_t line, const char *reason)
{
    if (!wf->ex && !(wf->ex = calloc(FR_EXAMPLES_PER_FILE, sizeof *wf->ex)))
        return FR_ERR_NOMEM;
    int n = wf->nex;
    if (n == FR_EXAMPLES_PER_FILE) {
        example *last = &wf->ex[n - 1];
        if (last->seq < seq || (last->seq == seq && last->line < line))
            return FR_OK;
        n--;
    }
    int i = n;
    while (i > 0 &&
           (wf->ex[i - 1].seq > seq || (wf->ex[i - 1].seq == seq && wf->ex[i - 1].line > line))) {
        wf->ex[i] = wf->ex[i - 1];
        i--;
    }
    wf->ex[i].seq = seq;
    wf->ex[i].line = line;
    snprintf(wf->ex[i].reason, sizeof wf->ex[i].reason, "%s", reason);
    wf->nex = n + 1;
    return FR_OK;
}

/* Adds n malformed lines of reason to wf's table. Returns FR_OK or NOMEM. */
fr_err pipeline_reason_add(wfile *wf, const char *reason, uint64_t n)
{
    char key[96];
    snprintf(key, sizeof key, "%s", reason);
    for (int i = 0; i < wf->nrc; i++)
        if (strcmp(wf->rc[i].reason, key) == 0) {
            wf->rc[i].n += n;
            return FR_OK;
        }
    if (!wf->rc && !(wf->rc = calloc(REASONS_MAX + 1, sizeof *wf->rc)))
        return FR_ERR_NOMEM;
    if (wf->nrc >= REASONS_MAX) { /* the last slot holds the rest */
        if (wf->nrc == REASONS_MAX) {
            snprintf(wf->rc[REASONS_MAX].reason, sizeof wf->rc[REASONS_MAX].reason, "%s",
                     OTHER_REASONS);
            wf->nrc++;
        }
        wf->rc[REASONS_MAX].n += n;
        return FR_OK;
    }
    memcpy(wf->rc[wf->nrc].reason, key, sizeof key);
    wf->rc[wf->nrc++].n = n;
    return FR_OK;
}

/* Orders reason counts by count (descending), then reason. */
static int rc_cmp_count(const void *pa, const void *pb)
{
    const reason_count *a = pa, *b = pb;
    if (a->n != b->n)
        return a->n > b->n ? -1 : 1;
    return strcmp(a->reason, b->reason);
}

/* Orders reason counts by reason. */
static int rc_cmp_reason(const void *pa, const void *pb)
{
    return strcmp(((const reason_count *)pa)->reason, ((const reason_count *)pb)->reason);
}

static int blines_cmp(const void *pa, const void *pb)
{
    const blines *a = pa, *b = pb;
    if (a->file != b->file)
        return a->file < b->file ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Fills per-file rows from the workers' counters: line numbers, examples. */
fr_err pipeline_finish_inputs(run *R, worker *ws, int T)
{
    size_t nf = R->src->n;
    size_t total = 0;
    for (int t = 0; t < T; t++)
        total += ws[t].nbl;
    blines *all = malloc((total + 1) * sizeof *all);
    uint64_t *firstline = NULL;
    if (!all)
        return FR_ERR_NOMEM;
    size_t k = 0;
    for (int t = 0; t < T; t++)
        for (size_t i = 0; i < ws[t].nbl; i++)
            all[k++] = ws[t].bl[i];
    if (total > 1)
        qsort(all, total, sizeof *all, blines_cmp);
    fr_err err = FR_ERR_NOMEM;
    size_t pos = 0;
    for (size_t f = 0; f < nf; f++) {
        fr_input_row *row = &R->r->inputs[f];
        fr_file_stats st;
        memset(&st, 0, sizeof st);
        /* the earliest examples over all workers */
        wfile acc = {0};
        for (int t = 0; t < T; t++) {
            const wfile *wf = &ws[t].files[f];
            fr_file_stats_add(&st, &wf->st);
            for (int e = 0; e < wf->nex; e++)
                if (pipeline_example_add(&acc, wf->ex[e].seq, wf->ex[e].line, wf->ex[e].reason)) {
                    free(acc.ex);
                    goto done;
                }
        }
        example *ex = acc.ex;
        size_t nex = (size_t)acc.nex;
        /* every malformed line by reason: the most frequent reasons kept
         * by name (ties by reason, so any thread count gives the same),
         * the rest summed as OTHER_REASONS */
        wfile racc = {0};
        for (int t = 0; t < T; t++)
            for (int i = 0; i < ws[t].files[f].nrc; i++)
                if (pipeline_reason_add(&racc, ws[t].files[f].rc[i].reason,
                                        ws[t].files[f].rc[i].n)) {
                    free(racc.rc);
                    free(ex);
                    goto done;
                }
        if (racc.nrc) {
            qsort(racc.rc, (size_t)racc.nrc, sizeof *racc.rc, rc_cmp_count);
            int keep = racc.nrc;
            if (keep > FR_REASONS_PER_INPUT) {
                uint64_t rest = 0;
                for (int i = FR_REASONS_PER_INPUT - 1; i < racc.nrc; i++)
                    rest += racc.rc[i].n;
                keep = FR_REASONS_PER_INPUT;
                snprintf(racc.rc[keep - 1].reason, sizeof racc.rc[keep - 1].reason, "%s",
                         OTHER_REASONS);
                racc.rc[keep - 1].n = rest;
            }
            qsort(racc.rc, (size_t)keep, sizeof *racc.rc, rc_cmp_reason);
            row->reasons = calloc((size_t)keep, sizeof *row->reasons);
            if (!row->reasons) {
                free(racc.rc);
                free(ex);
                goto done;
            }
            for (int i = 0; i < keep; i++) {
                if (!(row->reasons[i].reason = strdup(racc.rc[i].reason))) {
                    free(racc.rc);
                    free(ex);
                    goto done;
                }
                row->reasons[i].lines = racc.rc[i].n;
                row->n_reasons = (size_t)i + 1;
            }
        }
        free(racc.rc);
        /* first line number of each block of this file */
        size_t b0 = pos;
        while (pos < total && all[pos].file == f)
            pos++;
        uint64_t maxseq = pos > b0 ? all[pos - 1].seq + 1 : 0;
        free(firstline);
        firstline = calloc(maxseq + 1, sizeof *firstline);
        if (!firstline) {
            free(ex);
            goto done;
        }
        for (size_t i = b0; i < pos; i++)
            firstline[all[i].seq + 1] = all[i].lines;
        for (uint64_t s = 1; s <= maxseq; s++)
            firstline[s] += firstline[s - 1];
        row->examples = calloc(nex ? nex : 1, sizeof *row->examples);
        if (!row->examples) {
            free(ex);
            goto done;
        }
        for (size_t i = 0; i < nex; i++) {
            uint64_t base = ex[i].seq < maxseq ? firstline[ex[i].seq] : 0;
            row->examples[i].line = base + ex[i].line;
            row->examples[i].reason = strdup(ex[i].reason);
            if (!row->examples[i].reason) {
                free(ex);
                goto done;
            }
            row->n_examples = i + 1;
        }
        free(ex);
        row->lines = st.lines;
        row->records = st.records;
        row->malformed = st.malformed;
        row->excluded = st.excluded;
        row->untimed = st.untimed;
        row->tgw_records = st.tgw_records;
        row->header_lines = st.header_lines;
        row->blank_lines = st.blank_lines;
        row->first_start = st.has_time ? st.first_start : 0;
        row->last_start = st.has_time ? st.last_start : 0;
    }
    err = FR_OK;
done:
    free(firstline);
    free(all);
    return err;
}
