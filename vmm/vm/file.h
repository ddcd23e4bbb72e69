/* SPDX-License-Identifier: Apache-2.0 */
/* Reading user-supplied files (kernel, initrd) whole, with clear errors. */
#ifndef VMM_FILE_H
#define VMM_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "vmm/base/compiler.h"

/* Read the regular file at path, at most `max` bytes, into a new malloc'd
 * buffer (*buf, *len; free with free()). An empty file, a directory or
 * other non-regular file, or one larger than max, is an error. 0 or -errno
 * with a one-line reason in err ("No such file or directory", ...). */
int file_read_all(const char *path, size_t max, uint8_t **buf, size_t *len,
		  char *err, size_t errlen) VMM_WUR;

#endif
