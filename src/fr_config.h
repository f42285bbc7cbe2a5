/* SPDX-License-Identifier: MIT */
#ifndef FR_CONFIG_H
#define FR_CONFIG_H
/* placeholder: being written */
#endif
