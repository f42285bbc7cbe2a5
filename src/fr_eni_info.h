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

/* Returns the description of interface id, or NULL when no file described
 * it (show it as unknown). */
const fr_eni_row *fr_eni_info_find(const fr_report *r, const char *id);

#endif
