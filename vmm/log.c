/* SPDX-License-Identifier: Apache-2.0 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Write-once at start-up (see log.h); read-only while threads run. */
static enum log_level log_level_ = LOG_WARN;

void log_set_level(enum log_level level) { log_level_ = level; }

enum log_level log_get_level(void) { return log_level_; }

void log_msg(enum log_level level, const char *fmt, ...)
{
	if (level > log_level_ || level == LOG_NONE)
		return;
	/* Format into one buffer so that concurrent lines do not interleave. */
	char buf[1024];
	size_t n = (size_t)snprintf(buf, sizeof(buf), "vmm: ");
	va_list ap;
	va_start(ap, fmt);
	int r = vsnprintf(buf + n, sizeof(buf) - n - 1, fmt, ap);
	va_end(ap);
	if (r < 0)
		return;
	n = strlen(buf);
	buf[n++] = '\n';
	fwrite(buf, 1, n, stderr);
}
