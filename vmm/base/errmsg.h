/* SPDX-License-Identifier: Apache-2.0 */
/* One-line error messages for the caller, next to a -errno return. */
#ifndef VMM_ERRMSG_H
#define VMM_ERRMSG_H

#include <stddef.h>

/* Format a message into err (errlen bytes, always NUL-terminated when
 * errlen > 0; err may be NULL when errlen is 0) and return rc, so that
 * `return errmsg(err, errlen, -EINVAL, "...", ...);` reports and fails in
 * one statement. */
int errmsg(char *err, size_t errlen, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
