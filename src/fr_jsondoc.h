/* SPDX-License-Identifier: MIT */
/* fr_jsondoc: CloudWatch Logs JSON documents turned into flow-log lines.
 * A file's text may be one document (the `aws logs filter-log-events` output
 * with events[], a subscription payload with logEvents[]) or a stream of
 * documents written back to back, with or without white space between them
 * (Kinesis Data Firehose writing a subscription to S3). The converter scans
 * the text as a stream and parses one event at a time, so memory holds one
 * event and a read buffer, not the document or the file. */
#ifndef FR_JSONDOC_H
#define FR_JSONDOC_H

#include <stddef.h>
#include <stdint.h>

#include "fr_error.h"
#include "fr_reader.h"

/* Largest single event kept by default: a larger one yields a line the
 * parser counts as malformed ("event too large"). Its message would be over
 * the line limit anyway. */
#define FR_JSONDOC_MAX ((size_t)8 << 20)
/* The first document must show its events (or logEvents) array or its
 * messageType within this many bytes of text; else the text is read as
 * lines. */
#define FR_JSONDOC_FIRST ((size_t)4 << 20)

typedef struct fr_jsondoc fr_jsondoc;

/* Decides from the first bytes of a file's text, head[0..len), whether the
 * file is read as JSON documents. Returns 1 when the text (after white space)
 * starts with '{' or '[' and its first line is not a complete JSON value on
 * its own, or is an object with "events", "logEvents" or "messageType";
 * returns 0 otherwise, which includes the {"message":...}-per-line shape that
 * the line parser unwraps. */
int fr_jsondoc_detect(const uint8_t *head, size_t len);

/* Creates a converter over `text` (borrowed: the caller keeps and frees it,
 * after fr_jsondoc_free). head[0..len) are the bytes already read from text
 * (copied). max_event bounds one event (0 means FR_JSONDOC_MAX). Returns
 * NULL when out of memory. */
fr_jsondoc *fr_jsondoc_new(fr_reader *text, const uint8_t *head, size_t len, size_t max_event);

/* Reads up to cap bytes of lines. For documents, each event's message with
 * CR and LF replaced by spaces, one per line ('\n'); an event without a
 * string message, or larger than max_event, yields a marker line that the
 * line parser counts as malformed and names; CONTROL_MESSAGE documents yield
 * nothing; a later document without an events array yields one marker line.
 * When the FIRST document is not such a document (a syntax error before its
 * events array or messageType, which includes a raw control byte in a string
 * as in a cut line; its end without either; the text ending inside it; or
 * neither seen in its first FR_JSONDOC_FIRST bytes), the text is passed
 * through unchanged for the line parser. Returns FR_OK with *got (0 at the
 * end), or an error, after which fr_jsondoc_errmsg() says what and where:
 * FR_ERR_IO for a later syntax error, a document cut short or stray bytes
 * between documents (the lines of the events before it are handed out
 * first), or the text reader's own error. Every line handed out is whole. */
fr_err fr_jsondoc_read(fr_jsondoc *j, uint8_t *buf, size_t cap, size_t *got);

/* 1 once the text is being read as documents of events (positions are then
 * event numbers), 0 before the first read or when the text is passed through. */
int fr_jsondoc_events(const fr_jsondoc *j);

/* After an error: 1 when every line handed out is whole (always so for
 * documents: a cut document yields nothing), else as fr_reader_text_intact. */
int fr_jsondoc_text_intact(const fr_jsondoc *j);

/* Message of the last error ("" if none). */
const char *fr_jsondoc_errmsg(const fr_jsondoc *j);

/* Documents converted so far (CONTROL_MESSAGE ones included). */
uint64_t fr_jsondoc_documents(const fr_jsondoc *j);

/* Frees j (not the text reader); NULL is fine. */
void fr_jsondoc_free(fr_jsondoc *j);

#endif
