/* SPDX-License-Identifier: Apache-2.0 */
/* Small compiler helpers shared by every file. */
#ifndef VMM_COMPILER_H
#define VMM_COMPILER_H

/* Every function that can fail returns 0 or -errno and is marked VMM_WUR. */
#define VMM_WUR	      __attribute__((warn_unused_result))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
