/* SPDX-License-Identifier: MIT */
/* fr_eni_info: names for interfaces. Reads the JSON that `aws ec2
 * describe-network-interfaces` prints (one or several files) into
 * r->eni_info, so every table that shows an interface can add its
 * description, instance, VPC, subnet, security groups and private
 * addresses. An interface the files do not describe stays in every table,
 * shown as unknown. */
#ifndef FR_ENI_INFO_H
#define FR_ENI_INFO_H

#include <stddef.h>

#include "fr_error.h"
#include "fr_report.h"

/* Most --eni-info files. */
#define FR_MAX_ENI_FILES 64

/* Reads each file of paths[0..n) and adds its NetworkInterfaces[] to
 * r->eni_info (sorted by interface id; a later file's entry for the same id
 * replaces an earlier one). Returns FR_OK, or FR_ERR_OPEN / FR_ERR_FORMAT /
 * FR_ERR_NOMEM with "FILE: reason" in errbuf. */
fr_err fr_eni_info_load(fr_report *r, const char *const *paths, size_t n, char *errbuf,
                        size_t errlen);

/* Adds the elements of arr, a JSON array shaped like the NetworkInterfaces
 * of `aws ec2 describe-network-interfaces` (a jansson json_t, not taken),
 * to r->eni_info with the same row rules as fr_eni_info_load, and sorts.
 * keep_existing: an interface already in r->eni_info keeps its row (the
 * --eni-info files win over --describe-enis); else the new row replaces it.
 * Sets r->eni_info_given. Returns FR_OK, FR_ERR_FORMAT (arr is not an
 * array) or FR_ERR_NOMEM, with a message in errbuf. */
struct json_t;
fr_err fr_eni_info_add_json(fr_report *r, struct json_t *arr, int keep_existing, char *errbuf,
                            size_t errlen);

/* Returns the description of interface id, or NULL when no file described
 * it (show it as unknown). */
const fr_eni_row *fr_eni_info_find(const fr_report *r, const char *id);

#endif
