/* SPDX-License-Identifier: MIT */
#ifndef FR_PROGRESS_H
#define FR_PROGRESS_H
/* placeholder: being written */
#endif
