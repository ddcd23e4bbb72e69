/* SPDX-License-Identifier: Apache-2.0 */
#include "vmm/vm/conout.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

void conout_init(struct conout *o, int fd, const char *name, unsigned stall_ms,
		 bool (*stopping)(void *opaque), void *opaque,
		 struct log_limit *log)
{
	memset(o, 0, sizeof(*o));
	o->fd = fd;
	o->name = name;
	o->stall_ms = stall_ms;
	o->stopping = stopping;
	o->opaque = opaque;
	o->log = log;
	atomic_init(&o->stalled, false);
	atomic_init(&o->broken, false);
	atomic_init(&o->dropped, 0);
	atomic_init(&o->dropped_total, 0);
}

static void conout_drop(struct conout *o, size_t len)
{
	atomic_fetch_add(&o->dropped, len);
	atomic_fetch_add(&o->dropped_total, len);
}

/* Wait until fd takes bytes: 1; the wait is over (stalled, stopping): 0;
 * the fd failed: -1. While stalled, only a wait of 0 ms. */
static int conout_wait(struct conout *o)
{
	unsigned waited = 0;
	bool stalled = atomic_load(&o->stalled);

	for (;;) {
		struct pollfd p = {.fd = o->fd, .events = POLLOUT};
		int slice = stalled ? 0 : CONOUT_SLICE_MS;
		int n = poll(&p, 1, slice);
		if (n < 0 && errno != EINTR)
			return -1;
		if (n > 0)
			return (p.revents & (POLLERR | POLLNVAL)) ? -1 : 1;
		if (stalled || (o->stopping && o->stopping(o->opaque)))
			return 0;
		waited += (unsigned)slice;
		if (waited >= o->stall_ms) {
			atomic_store(&o->stalled, true);
			return 0;
		}
	}
}

/* The reader took bytes again after a stall: say what was lost. */
static void conout_resumed(struct conout *o)
{
	if (!atomic_exchange(&o->stalled, false))
		return;
	uint64_t lost = atomic_exchange(&o->dropped, 0);
	log_limited(o->log, LOG_WARN,
		    "%s output: the reader stalled; %llu byte(s) dropped",
		    o->name, (unsigned long long)lost);
}

static void conout_broke(struct conout *o, int err)
{
	if (!atomic_exchange(&o->broken, true))
		log_limited(o->log, LOG_WARN,
			    "%s output failed (%s); discarding further output",
			    o->name, err ? strerror(err) : "short write");
}

void conout_write(struct conout *o, const uint8_t *buf, size_t len)
{
	while (len && o->fd >= 0 && !atomic_load(&o->broken)) {
		int w = conout_wait(o);
		if (w < 0) {
			conout_broke(o, errno);
			return;
		}
		if (w == 0)
			break;
		ssize_t n =
		    write(o->fd, buf, len < CONOUT_CHUNK ? len : CONOUT_CHUNK);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0) {
			conout_broke(o, n < 0 ? errno : 0);
			return;
		}
		conout_resumed(o);
		buf += n;
		len -= (size_t)n;
	}
	if (len && o->fd >= 0 && !atomic_load(&o->broken))
		conout_drop(o, len);
}
