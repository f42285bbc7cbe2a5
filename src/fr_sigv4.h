/* SPDX-License-Identifier: MIT */
#ifndef FR_SIGV4_H
#define FR_SIGV4_H
/* placeholder: being written */
#endif
