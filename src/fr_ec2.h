/* SPDX-License-Identifier: MIT */
/* fr_ec2: interface details from EC2 DescribeNetworkInterfaces (the Query
 * API: a signed form POST, an XML reply, pages chained by NextToken), turned
 * into the JSON shape that `aws ec2 describe-network-interfaces` prints so
 * that fr_eni_info builds the very same rows as from an --eni-info file. */
#ifndef FR_EC2_H
#define FR_EC2_H

#include <stddef.h>

#include "fr_aws.h"
#include "fr_error.h"
#include "fr_report.h"

/* The API version every request names. */
#define FR_EC2_API_VERSION "2016-11-15"

/* Interfaces asked for per page (EC2 allows 5 to 1000). */
#define FR_EC2_PAGE_SIZE 1000

struct json_t;

/* Parses one DescribeNetworkInterfacesResponse of len bytes: each
 * networkInterfaceSet item is appended to arr (a jansson array, not taken)
 * as an object with the CLI's keys (NetworkInterfaceId, Description,
 * Attachment.InstanceId, VpcId, SubnetId, Groups[].GroupId,
 * PrivateIpAddress, PrivateIpAddresses[].PrivateIpAddress,
 * Ipv6Addresses[].Ipv6Address); *next gets the nextToken (new string) or
 * NULL on the last page. Returns FR_OK, FR_ERR_FORMAT (not such a response,
 * or malformed XML) or FR_ERR_NOMEM. */
fr_err fr_ec2_parse_page(const char *xml, size_t len, struct json_t *arr, char **next);

/* Fetches every interface the credentials may describe through ec2 (an
 * fr_aws client for service "ec2", not taken), page by page, and adds them
 * to r->eni_info through fr_eni_info_add_json (keep_existing as there).
 * *n_found (may be NULL) gets the number of interfaces received. Returns
 * FR_OK; FR_ERR_AUTH (credentials or permission refused: stop the run);
 * FR_ERR_REMOTE (a request failed after its retries, or a reply was
 * malformed: errbuf names the request); FR_ERR_CONFIG; FR_ERR_NOMEM. Nothing
 * is added to r unless every page arrived. */
fr_err fr_ec2_describe_enis(fr_aws *ec2, fr_report *r, int keep_existing, size_t *n_found,
                            char *errbuf, size_t errlen);

#endif
