/* SPDX-License-Identifier: MIT */
#ifndef FR_JSONDOC_H
#define FR_JSONDOC_H
/* placeholder: being written */
#endif
