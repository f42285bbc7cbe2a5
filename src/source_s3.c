/* SPDX-License-Identifier: MIT */
/* placeholder: being written */
typedef int fr_placeholder_source_s3;
