/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Logging to stderr, one line per message, prefixed "vmm: ".
 *
 * The level and the show-level flag are the process's log settings:
 * set at start-up (CLI, test or fuzz harness main) and changed only by
 * the API's PUT /logger; both are atomic, so any thread may read them
 * while another sets them.
 */
#ifndef VMM_LOG_H
#define VMM_LOG_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "vmm/base/compiler.h"

enum log_level { LOG_NONE = 0, LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* Set the most verbose level printed (default LOG_WARN). */
void log_set_level(enum log_level level);
enum log_level log_get_level(void);

/* Whether each line names its level after the prefix ("vmm: [Warning]
 * ..."; Firecracker's show_level). Default off. */
void log_set_show_level(bool on);

/* Print one message at `level` if enabled. A trailing newline is added. */
void log_msg(enum log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A rate limiter for messages the guest can trigger (a broken device, a
 * failed request): a guest that repeats a mistake in a loop, or across
 * restarts, must not flood the log. A bucket of LOG_LIMIT_BURST messages
 * refills one message per LOG_LIMIT_PERIOD_MS; a message that finds it
 * empty is counted, not printed, and the next one printed is preceded by
 * "N guest-triggered messages suppressed". One per process (main owns it
 * and hands it to every VM, so restarts share it); thread-safe. */
#define LOG_LIMIT_BURST	    20
#define LOG_LIMIT_PERIOD_MS 1000

struct log_limit {
	pthread_mutex_t lock;
	unsigned tokens;
	uint64_t refill_ms;  /* CLOCK_MONOTONIC time of the last refill */
	uint64_t suppressed; /* since the last summary */
	uint64_t suppressed_total;
	unsigned burst, period_ms;
};

/* A full bucket of `burst` messages, one more every `period_ms`. 0 or
 * -errno (the mutex). */
int log_limit_init(struct log_limit *l, unsigned burst,
		   unsigned period_ms) VMM_WUR;

/* Print the pending summary, if any; then the limiter may be destroyed. */
void log_limit_destroy(struct log_limit *l);

/* log_msg through limiter l (NULL: no limit). A message above the level
 * in force is neither printed nor counted. */
void log_limited(struct log_limit *l, enum log_level level, const char *fmt,
		 ...) __attribute__((format(printf, 3, 4)));

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
