/* SPDX-License-Identifier: MIT */
/* fr_flowlog: the flow-log record parser. A field map (from a header line,
 * --fields or the default v2 format) says which field each token is; a line
 * parses into an fr_record without allocating. */
#ifndef FR_FLOWLOG_H
#define FR_FLOWLOG_H

#include <stddef.h>
#include <stdint.h>

#include "fr_addr.h"
#include "fr_error.h"

/* Every field name flowreport knows, VPC v2..v11 and Transit Gateway. */
typedef enum fr_field {
    FR_F_VERSION,
    FR_F_ACCOUNT_ID,
    FR_F_INTERFACE_ID,
    FR_F_SRCADDR,
    FR_F_DSTADDR,
    FR_F_SRCPORT,
    FR_F_DSTPORT,
    FR_F_PROTOCOL,
    FR_F_PACKETS,
    FR_F_BYTES,
    FR_F_START,
    FR_F_END,
    FR_F_ACTION,
    FR_F_LOG_STATUS,
    FR_F_VPC_ID,
    FR_F_SUBNET_ID,
    FR_F_INSTANCE_ID,
    FR_F_TCP_FLAGS,
    FR_F_TYPE,
    FR_F_PKT_SRCADDR,
    FR_F_PKT_DSTADDR,
    FR_F_REGION,
    FR_F_AZ_ID,
    FR_F_SUBLOCATION_TYPE,
    FR_F_SUBLOCATION_ID,
    FR_F_PKT_SRC_AWS_SERVICE,
    FR_F_PKT_DST_AWS_SERVICE,
    FR_F_FLOW_DIRECTION,
    FR_F_TRAFFIC_PATH,
    FR_F_ECS_CLUSTER_ARN,
    FR_F_ECS_CLUSTER_NAME,
    FR_F_ECS_CONTAINER_INSTANCE_ARN,
    FR_F_ECS_CONTAINER_INSTANCE_ID,
    FR_F_ECS_CONTAINER_ID,
    FR_F_ECS_SECOND_CONTAINER_ID,
    FR_F_ECS_SERVICE_NAME,
    FR_F_ECS_TASK_DEFINITION_ARN,
    FR_F_ECS_TASK_ARN,
    FR_F_ECS_TASK_ID,
    FR_F_REJECT_REASON,
    FR_F_RESOURCE_ID,
    FR_F_ENCRYPTION_STATUS,
    FR_F_INSTANCE_TAG,
    FR_F_INSTANCE_TAG_2,
    FR_F_INTERFACE_TAG,
    FR_F_INTERFACE_TAG_2,
    FR_F_ASG_TAG,
    FR_F_ASG_TAG_2,
    FR_F_INTERFACE_TYPE,
    FR_F_NEXT_HOP_INTERFACE_ID,
    FR_F_NEXT_HOP_SUBNET_ID,
    FR_F_NEXT_HOP_AZ_ID,
    FR_F_NEXT_HOP_VPC_ID,
    FR_F_NEXT_HOP_INTERFACE_TYPE,
    /* Transit Gateway only */
    FR_F_RESOURCE_TYPE,
    FR_F_TGW_ID,
    FR_F_TGW_ATTACHMENT_ID,
    FR_F_TGW_SRC_VPC_ACCOUNT_ID,
    FR_F_TGW_DST_VPC_ACCOUNT_ID,
    FR_F_TGW_SRC_VPC_ID,
    FR_F_TGW_DST_VPC_ID,
    FR_F_TGW_SRC_SUBNET_ID,
    FR_F_TGW_DST_SUBNET_ID,
    FR_F_TGW_SRC_ENI,
    FR_F_TGW_DST_ENI,
    FR_F_TGW_SRC_AZ_ID,
    FR_F_TGW_DST_AZ_ID,
    FR_F_TGW_PAIR_ATTACHMENT_ID,
    FR_F_PACKETS_LOST_NO_ROUTE,
    FR_F_PACKETS_LOST_BLACKHOLE,
    FR_F_PACKETS_LOST_MTU_EXCEEDED,
    FR_F_PACKETS_LOST_TTL_EXPIRED,
    FR_F_COUNT,
    FR_F_UNKNOWN = FR_F_COUNT
} fr_field;

/* How a field's value is read. */
typedef enum fr_kind {
    FR_K_TEXT,
    FR_K_U8,
    FR_K_PORT,
    FR_K_COUNTER,
    FR_K_TIME,
    FR_K_ADDR,
    FR_K_ENUM
} fr_kind;

/* Most fields a map may hold. */
#define FR_MAX_FIELDS 128
/* A line (without its line end) of this many bytes or more is malformed. */
#define FR_MAX_LINE (1024 * 1024)
/* An interface-id or account-id longer than this is malformed ("value too
 * long"): AWS's are 12 to 21 bytes, and ids are what the run keeps. */
#define FR_MAX_ID 128
/* A start or end later than this many seconds after fr_parser_init (or
 * the time set in fr_parser.latest) is malformed ("time in the future"):
 * flow logs do not describe the future, and one such record would stretch
 * the period to the window limit. */
#define FR_FUTURE_SLACK 86400

/* Returns the field's name ("version", ...), or NULL for FR_F_UNKNOWN. */
const char *fr_field_name(fr_field f);
/* Returns the field's kind. */
fr_kind fr_field_kind(fr_field f);
/* Looks a name up; an underscore may stand for each hyphen ("log_status",
 * as Athena, Parquet and log shippers write the names). Returns
 * FR_F_UNKNOWN when not known. */
fr_field fr_field_lookup(const char *name, size_t len);

/* A field map. */
typedef struct fr_fieldmap {
    int n;
    int tgw; /* holds a Transit Gateway field */
    int is_default; /* exactly the default version-2 format */
    uint16_t id[FR_MAX_FIELDS]; /* fr_field per column */
    char *unknown[FR_MAX_FIELDS]; /* names of unknown columns (owned), else NULL */
} fr_fieldmap;

/* The default version-2 format. */
#define FR_DEFAULT_FORMAT                                                                          \
    "version account-id interface-id srcaddr dstaddr srcport dstport protocol "                    \
    "packets bytes start end action log-status"

/* Builds a map from a space-separated list of names (`${name}` accepted).
 * Returns FR_OK, or FR_ERR_USAGE with errbuf saying why (empty, more than
 * FR_MAX_FIELDS names). */
fr_err fr_fieldmap_parse(fr_fieldmap *m, const char *s, size_t len, char *errbuf, size_t errlen);
/* Returns 1 when a name appears twice in m (errbuf says which; a header
 * line with one is refused), else 0. */
int fr_fieldmap_duplicate(const fr_fieldmap *m, char *errbuf, size_t errlen);

/* 1 when both maps have the same columns. */
int fr_fieldmap_equal(const fr_fieldmap *a, const fr_fieldmap *b);
/* Copies src into dst (dst must be empty or cleared). Returns FR_OK or NOMEM. */
fr_err fr_fieldmap_copy(fr_fieldmap *dst, const fr_fieldmap *src);
/* Frees the unknown names and empties the map. */
void fr_fieldmap_clear(fr_fieldmap *m);

/* 1 when the line is a header: its first token is a known field name
 * (`${name}` and underscore spellings included). */
int fr_line_is_header(const char *line, size_t len);

enum { FR_ACTION_NONE = 0, FR_ACTION_ACCEPT, FR_ACTION_REJECT };
enum { FR_STATUS_NONE = 0, FR_STATUS_OK, FR_STATUS_NODATA, FR_STATUS_SKIPDATA };

/* Bits of fr_record.has. */
enum {
    FR_HAS_SRCADDR = 1u << 0,
    FR_HAS_DSTADDR = 1u << 1,
    FR_HAS_SRCPORT = 1u << 2,
    FR_HAS_DSTPORT = 1u << 3,
    FR_HAS_PROTOCOL = 1u << 4,
    FR_HAS_PACKETS = 1u << 5,
    FR_HAS_BYTES = 1u << 6,
    FR_HAS_START = 1u << 7,
    FR_HAS_END = 1u << 8,
    FR_HAS_IFACE = 1u << 9,
    FR_HAS_ACCOUNT = 1u << 10
};

/* A parsed record. Text fields point into the parsed line (or the JSON
 * scratch buffer) and live as long as they do. */
typedef struct fr_record {
    uint32_t has;
    uint8_t action, status, protocol;
    uint16_t srcport, dstport;
    uint64_t packets, bytes;
    int64_t start, end;
    fr_addr src, dst;
    const char *iface, *account;
    uint32_t iface_len, account_len;
    int ncols;
    const char *tok[FR_MAX_FIELDS];
    uint32_t toklen[FR_MAX_FIELDS];
} fr_record;

typedef enum fr_line_kind {
    FR_LINE_RECORD,
    FR_LINE_BLANK,
    FR_LINE_HEADER,
    FR_LINE_MALFORMED
} fr_line_kind;

/* Per-thread parser state: scratch space for JSON-wrapped lines. */
typedef struct fr_parser {
    char *scratch;
    size_t scratch_cap;
    char reason[128];
    int64_t latest; /* latest start or end accepted (seconds) */
} fr_parser;

/* Initialises p; latest is the clock plus FR_FUTURE_SLACK (a run sets one
 * value in every thread's parser so they agree). */
void fr_parser_init(fr_parser *p);
/* Frees p's scratch space. */
void fr_parser_clear(fr_parser *p);

/* Parses one line (no newline; a trailing '\r' is ignored) with map.
 * Returns the kind; for FR_LINE_MALFORMED p->reason says why. A header is
 * recognised but not applied (see fr_fieldmap_parse). CloudWatch export
 * prefixes and {"message":...} wrappers are unwrapped. */
fr_line_kind fr_parse_line(fr_parser *p, const fr_fieldmap *map, const char *line, size_t len,
                           fr_record *rec);

/* Parses an unsigned decimal token. Returns 1 and *v, or 0. */
int fr_parse_u64(const char *s, size_t len, uint64_t *v);

#endif
