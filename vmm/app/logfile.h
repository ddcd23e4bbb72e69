/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Where the log goes: --log-path FILE, or the API's PUT /logger log_path.
 */
#ifndef VMM_APP_LOGFILE_H
#define VMM_APP_LOGFILE_H

#include <stddef.h>

#include "vmm/base/compiler.h"

/* Send the log (stderr) to path from here on: appended, created 0600 if
 * missing, non-blocking, so a FIFO must have a reader and a line its
 * reader has no room for is lost rather than stalling a vCPU. `opt`
 * names the option in the error ("--log-path", "logger: log_path"). 0,
 * or -errno with one line in err (stderr unchanged). On the control
 * thread, before the sandbox is locked down (it opens a file). */
int logfile_redirect(const char *opt, const char *path, char *err,
		     size_t errlen) VMM_WUR;

#endif
