/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Logging to stderr, one line per message, prefixed "vmm: ".
 *
 * The level is the process's one piece of write-once state: set it at
 * start-up (CLI, test or fuzz harness main) before any thread starts.
 */
#ifndef VMM_LOG_H
#define VMM_LOG_H

enum log_level { LOG_NONE = 0, LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* Set the most verbose level printed (default LOG_WARN). */
void log_set_level(enum log_level level);
enum log_level log_get_level(void);

/* Print one message at `level` if enabled. A trailing newline is added. */
void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
