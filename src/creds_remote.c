/* SPDX-License-Identifier: MIT */
/* placeholder: being written */
typedef int fr_placeholder_creds_remote;
