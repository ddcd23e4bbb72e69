/* SPDX-License-Identifier: Apache-2.0 */
#include "log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "vmm/base/clock.h"

/* The process's log settings (see log.h). */
static _Atomic int log_level_ = LOG_WARN;
static _Atomic bool log_show_level_;

void log_set_level(enum log_level level)
{
	atomic_store(&log_level_, (int)level);
}

enum log_level log_get_level(void)
{
	return (enum log_level)atomic_load(&log_level_);
}

void log_set_show_level(bool on)
{
	atomic_store(&log_show_level_, on);
}

static bool log_enabled(enum log_level level)
{
	return (int)level <= atomic_load(&log_level_) && level != LOG_NONE;
}

/* Firecracker's names, for show_level. */
static const char *log_level_name(enum log_level level)
{
	static const char *const names[] = {"Off", "Error", "Warning", "Info",
					    "Debug"};
	return (unsigned)level < sizeof(names) / sizeof(names[0]) ? names[level]
								  : "?";
}

static void log_vmsg(enum log_level level, const char *fmt, va_list ap)
{
	/* Format into one buffer so that concurrent lines do not interleave. */
	char buf[1024];
	size_t n = atomic_load(&log_show_level_)
		       ? (size_t)snprintf(buf, sizeof(buf), "vmm: [%s] ",
					  log_level_name(level))
		       : (size_t)snprintf(buf, sizeof(buf), "vmm: ");
	int r = vsnprintf(buf + n, sizeof(buf) - n - 1, fmt, ap);
	if (r < 0)
		return;
	n = strlen(buf);
	buf[n++] = '\n';
	fwrite(buf, 1, n, stderr);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	if (!log_enabled(level))
		return;
	va_list ap;
	va_start(ap, fmt);
	log_vmsg(level, fmt, ap);
	va_end(ap);
}

int log_limit_init(struct log_limit *l, unsigned burst, unsigned period_ms)
{
	memset(l, 0, sizeof(*l));
	l->burst = l->tokens = burst ? burst : 1;
	l->period_ms = period_ms ? period_ms : 1;
	l->refill_ms = clock_mono_ms();
	return -pthread_mutex_init(&l->lock, NULL);
}

/* Print "N ... suppressed" for what the bucket held back. Lock held. */
static void log_limit_summary(struct log_limit *l)
{
	if (!l->suppressed)
		return;
	log_msg(LOG_WARN,
		"%llu guest-triggered message(s) suppressed (more than %u "
		"in a burst, then one per %u ms)",
		(unsigned long long)l->suppressed, l->burst, l->period_ms);
	l->suppressed = 0;
}

void log_limit_destroy(struct log_limit *l)
{
	pthread_mutex_lock(&l->lock);
	log_limit_summary(l);
	pthread_mutex_unlock(&l->lock);
	pthread_mutex_destroy(&l->lock);
}

void log_limited(struct log_limit *l, enum log_level level, const char *fmt,
		 ...)
{
	if (!log_enabled(level))
		return;
	if (l) {
		pthread_mutex_lock(&l->lock);
		uint64_t now = clock_mono_ms();
		uint64_t add = (now - l->refill_ms) / l->period_ms;
		if (add) {
			uint64_t t = l->tokens + add;
			l->tokens = t > l->burst ? l->burst : (unsigned)t;
			l->refill_ms += add * l->period_ms;
		}
		bool pass = l->tokens > 0;
		if (pass) {
			l->tokens--;
			log_limit_summary(l);
		} else {
			l->suppressed++;
			l->suppressed_total++;
		}
		pthread_mutex_unlock(&l->lock);
		if (!pass)
			return;
	}
	va_list ap;
	va_start(ap, fmt);
	log_vmsg(level, fmt, ap);
	va_end(ap);
}
