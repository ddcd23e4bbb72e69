/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The replay loop: read the trace's records in order; apply guest memory
 * and queue host inputs; dispatch each event to the devices (I/O exits
 * through vcpu_handle_exit, as on KVM); match the effects that follow;
 * check the end. One thread, no clock: see replay.h.
 */
#include "vmm/replay/replay_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/virtio/net.h"
#include "vmm/trace/record.h"
#include "vmm/trace/trace_norm.h"
#include "vmm/vm/vcpu.h"

static void replay_stop(struct replay *rp, bool diverged, uint64_t index,
			const char *fmt, va_list ap)
{
	if (rp->stopped)
		return;
	rp->stopped = true;
	rp->res->diverged = diverged;
	rp->res->index = index;
	int n = diverged ? snprintf(rp->res->msg, sizeof(rp->res->msg),
				    "record %" PRIu64 ": ", index)
			 : 0;
	if (n < 0 || (size_t)n >= sizeof(rp->res->msg))
		n = 0;
	vsnprintf(rp->res->msg + n, sizeof(rp->res->msg) - (size_t)n, fmt, ap);
}

void replay_diverge(struct replay *rp, uint64_t index, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	replay_stop(rp, true, index, fmt, ap);
	va_end(ap);
}

void replay_bad(struct replay *rp, uint64_t index, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	replay_stop(rp, false, index, fmt, ap);
	va_end(ap);
}

void replay_oom(struct replay *rp)
{
	replay_bad(rp, rp->event_index, "out of memory");
	rp->err = -ENOMEM;
}

/* ---- events ---- */

/* The vCPU of an I/O or CPU record, or -1 (reported) when strict and
 * out of range. */
static int replay_cpu(struct replay *rp, const struct trace_rec *r,
		      unsigned cpu)
{
	if (cpu < vm_ncpus(rp->vm))
		return (int)cpu;
	if (rp->lenient)
		return (int)(cpu % vm_ncpus(rp->vm));
	replay_bad(rp, r->index,
		   "record %" PRIu64 " (%s): vCPU %u, but the "
		   "trace's machine has %u",
		   r->index, trace_type_name(r->type), cpu, vm_ncpus(rp->vm));
	return -1;
}

static void replay_io(struct replay *rp, const struct trace_rec *r)
{
	struct trace_io io;
	struct vm *vm = rp->vm;
	bool mmio = r->type == TRACE_MMIO;
	tdec_io(r, rp->scratch, &io);
	int cpu = replay_cpu(rp, r, io.cpu);
	if (cpu < 0)
		return;
	if (rp->lenient) {
		while (io.size & (io.size - 1))
			io.size &= io.size - 1; /* 3 -> 2, 5..7 -> 4 */
		if (!tnorm_io_addr(vm_bus(vm, mmio), io.addr,
				   io.size, &io.addr))
			return;
	}
	size_t n = (size_t)io.size * io.count;
	struct accel_exit *e = &rp->exit;
	e->reason = mmio ? ACCEL_EXIT_MMIO : ACCEL_EXIT_PIO;
	e->io.addr = io.addr;
	e->io.size = io.size;
	e->io.count = io.count;
	e->io.write = io.write;
	e->io.data = rp->iobuf;
	if (io.write)
		memcpy(rp->iobuf, io.data, n);
	else
		memset(rp->iobuf, 0, n);
	replay_event_begin(rp, r->index);
	vcpu_handle_exit(vm_vcpu(vm, (unsigned)cpu), e);
	rp->res->exits++;
	if (!io.write && !rp->lenient && memcmp(rp->iobuf, io.data, n)) {
		unsigned i = 0;
		while (!memcmp(rp->iobuf + i * io.size, io.data + i * io.size,
			       io.size))
			i++;
		replay_diverge(rp, r->index,
			       "%s read of %u bytes at 0x%" PRIx64
			       " on vCPU %d%s: expected 0x%" PRIx64 ", found "
			       "0x%" PRIx64,
			       mmio ? "MMIO" : "port", io.size, io.addr, cpu,
			       io.count > 1 ? " (string)" : "",
			       trace_get_le(io.data + i * io.size, io.size),
			       trace_get_le(rp->iobuf + i * io.size, io.size));
	}
	replay_event_end(rp);
}

static void replay_cpu_event(struct replay *rp, const struct trace_rec *r)
{
	static const enum accel_exit_reason reasons[] = {
	    [TRACE_CPU_SHUTDOWN] = ACCEL_EXIT_SHUTDOWN,
	    [TRACE_CPU_RESET] = ACCEL_EXIT_RESET,
	    [TRACE_CPU_POWEROFF] = ACCEL_EXIT_POWEROFF,
	    [TRACE_CPU_ERROR] = ACCEL_EXIT_INTERNAL_ERROR,
	};
	int cpu = replay_cpu(rp, r, r->a);
	if (cpu < 0 || r->b < TRACE_CPU_SHUTDOWN || r->b > TRACE_CPU_ERROR)
		return; /* strict: tdec_validate refused a bad b */
	struct accel_exit *e = &rp->exit;
	e->reason = reasons[r->b];
	snprintf(e->detail, sizeof(e->detail),
		 "(replayed from the trace; the recording run logged the "
		 "details)");
	replay_event_begin(rp, r->index);
	vcpu_handle_exit(vm_vcpu(rp->vm, (unsigned)cpu), e);
	replay_event_end(rp);
}

static void replay_rx(struct replay *rp, const struct trace_rec *r)
{
	uint32_t taken, len;
	const uint8_t *data;
	struct vm *vm = rp->vm;
	bool console = r->type == TRACE_CONSOLE_RX;
	tdec_rx(r, &taken, &data, &len);
	if (console && !vm_has_virtio_console(vm)) {
		if (!rp->lenient)
			replay_bad(rp, r->index,
				   "record %" PRIu64 " (console-rx)"
				   ": the trace's machine has no virtio "
				   "console",
				   r->index);
		return;
	}
	replay_event_begin(rp, r->index);
	size_t n = console ? vm_virtio_console_input(vm, data, len)
			   : vm_serial_input(vm, data, len);
	if (n != taken && !rp->lenient)
		replay_diverge(rp, r->index,
			       "%s took %zu of the %" PRIu32
			       " bytes offered, the recorded run took %" PRIu32,
			       console ? "the virtio console" : "the UART", n,
			       len, taken);
	replay_event_end(rp);
}

/* The net device of a tap record, or -1. */
static int replay_net(struct replay *rp, const struct trace_rec *r)
{
	if (r->a < rp->nnets)
		return r->a;
	if (rp->lenient)
		return rp->nnets ? (int)(r->a % rp->nnets) : -1;
	replay_bad(rp, r->index,
		   "record %" PRIu64 " (%s): net %u, but the "
		   "trace's machine has %u",
		   r->index, trace_type_name(r->type), r->a, rp->nnets);
	return -1;
}

static void replay_tap(struct replay *rp, const struct trace_rec *r)
{
	int i = replay_net(rp, r);
	if (i < 0)
		return;
	replay_event_begin(rp, r->index);
	if (r->type == TRACE_NET_RX) {
		vm_virtio_net_rx(rp->net_vdev[i]);
	} else {
		size_t len =
		    r->len > TRACE_FRAME_MAX ? TRACE_FRAME_MAX : r->len;
		int e = tport_push_rx(&rp->net_port[i], r->data, len);
		if (e && !rp->lenient)
			replay_diverge(rp, r->index,
				       "the frame does not fit in "
				       "net %d's queue: %s",
				       i, strerror(-e));
	}
	replay_event_end(rp);
}

static void replay_event(struct replay *rp, const struct trace_rec *r)
{
	switch (r->type) {
	case TRACE_MMIO:
	case TRACE_PIO:
		replay_io(rp, r);
		break;
	case TRACE_CPU:
		replay_cpu_event(rp, r);
		break;
	case TRACE_SERIAL_RX:
	case TRACE_CONSOLE_RX:
		replay_rx(rp, r);
		break;
	case TRACE_VSOCK_HOST:
		replay_vsock_event(rp, r);
		break;
	default: /* TAP_RX, NET_RX */
		replay_tap(rp, r);
	}
	rp->res->events++;
}

/* ---- inputs and the end ---- */

static void replay_input(struct replay *rp, const struct trace_rec *r)
{
	if (r->type != TRACE_MEM) {
		replay_input_queue(rp, r);
		return;
	}
	uint64_t gpa, n;
	const uint8_t *data;
	uint32_t len;
	tdec_mem(r, &gpa, &data, &len);
	n = len;
	if (rp->lenient && !tnorm_gpa(vm_mem(rp->vm), gpa, &n, &gpa))
		return;
	if (gm_write(vm_mem(rp->vm), gpa, data, n) && !rp->lenient)
		replay_bad(rp, r->index,
			   "record %" PRIu64 " (mem): [0x%" PRIx64 ", +%" PRIu32
			   ") is not in the trace's guest RAM",
			   r->index, gpa, len);
}

static void replay_end(struct replay *rp, const struct trace_rec *r)
{
	uint64_t hashes[TRACE_MAX_DEVS];
	rp->res->stop = r->a;
	rp->res->status = (uint8_t)r->b;
	if (rp->lenient)
		return;
	unsigned n = tdec_end(r, hashes, TRACE_MAX_DEVS);
	enum trace_stop got = record_stop_code(vm_stop_reason(rp->vm));
	int status = vm_stop_status(rp->vm);
	/* Stops the devices cause must match; a signal, Ctrl-A x or an
	 * error in the recording run came from outside. */
	bool inside = r->a == TRACE_STOP_POWEROFF || r->a == TRACE_STOP_RESET ||
		      r->a == TRACE_STOP_DEBUG_EXIT || r->a == TRACE_STOP_CRASH;
	if (inside && (got != r->a || status != r->b)) {
		replay_diverge(rp, r->index,
			       "the recorded run stopped with "
			       "reason %u status %u, the replay with reason %u "
			       "status %d",
			       r->a, r->b, got, status);
		return;
	}
	if (n > rp->ndisks) {
		replay_bad(rp, r->index,
			   "record %" PRIu64 " (end): %u disk "
			   "hashes for %u disks",
			   r->index, n, rp->ndisks);
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		uint64_t h;
		if (!hashes[i])
			continue;
		int e = replay_vm_disk_hash(rp, i, &h);
		if (e) {
			replay_bad(rp, r->index, "hashing disk %u: %s", i,
				   strerror(-e));
			return;
		}
		if (h != hashes[i]) {
			replay_diverge(rp, r->index,
				       "disk %u differs from the "
				       "recorded run's final image (hash "
				       "0x%016" PRIx64
				       ", recorded 0x%016" PRIx64 ")",
				       i, h, hashes[i]);
			return;
		}
	}
}

/* ---- the loop ---- */

static int replay_loop(struct replay *rp, const uint8_t *buf, size_t len,
		       size_t start)
{
	struct tdec d;
	struct trace_rec r;
	bool ended = false, have_event = false;
	int n = 0;
	tdec_init(&d, buf, len, start, rp->lenient);
	while (!rp->stopped && !ended &&
	       (n = tdec_next(&d, &r, rp->res->msg, sizeof(rp->res->msg))) ==
		   1) {
		rp->res->records++;
		if (!trace_type_known(r.type) && rp->lenient)
			continue;
		if (!rp->lenient && (n = tdec_validate(&r, rp->res->msg,
						       sizeof(rp->res->msg)))) {
			rp->stopped = true;
			rp->res->index = r.index;
			return n;
		}
		enum trace_class cls = trace_class(r.type);
		if (cls != TRACE_CLASS_EFFECT && have_event) {
			replay_effects_done(rp, &r);
			have_event = false;
			if (rp->stopped)
				break;
		}
		switch (cls) {
		case TRACE_CLASS_EVENT:
			replay_event(rp, &r);
			have_event = true;
			break;
		case TRACE_CLASS_INPUT:
			replay_input(rp, &r);
			break;
		case TRACE_CLASS_EFFECT:
			if (have_event)
				replay_effect_match(rp, &r);
			else if (!rp->lenient)
				replay_bad(rp, r.index,
					   "record %" PRIu64 " (%s):"
					   " an effect with no event before it",
					   r.index, trace_type_name(r.type));
			break;
		default:
			replay_end(rp, &r);
			ended = true;
		}
	}
	if (n < 0) {
		rp->stopped = true;
		rp->res->index = d.index;
		return n;
	}
	if (rp->stopped)
		return rp->res->diverged ? 1 : rp->err ? rp->err : -EINVAL;
	if (!rp->lenient && !ended) {
		replay_bad(rp, d.index,
			   "the trace ends after record %" PRIu64
			   " without an end record (truncated?)",
			   d.index ? d.index - 1 : 0);
		return -EINVAL;
	}
	if (!rp->lenient && ended && d.pos != d.len) {
		replay_bad(rp, d.index,
			   "%zu bytes after the end record (record "
			   "%" PRIu64 ")",
			   d.len - d.pos, d.index - 1);
		return -EINVAL;
	}
	return 0;
}

int replay_run_buffer(const uint8_t *buf, size_t len,
		      const struct replay_opts *o, struct replay_result *res)
{
	memset(res, 0, sizeof(*res));
	struct replay *rp = calloc(1, sizeof(*rp));
	if (!rp) {
		snprintf(res->msg, sizeof(res->msg), "out of memory");
		return -ENOMEM;
	}
	rp->o = o;
	rp->res = res;
	rp->lenient = o->flags & REPLAY_LENIENT;
	/* Effects point into effdata: never NULL. */
	rp->effcap = 4096;
	rp->effdata = malloc(rp->effcap);
	if (!rp->effdata) {
		free(rp);
		snprintf(res->msg, sizeof(res->msg), "out of memory");
		return -ENOMEM;
	}
	size_t start;
	int r = tdec_header(buf, len, rp->lenient, &rp->hdr, &start, res->msg,
			    sizeof(res->msg));
	if (!r)
		r = replay_vm_build(rp);
	if (!r)
		r = replay_loop(rp, buf, len, start);
	replay_vm_destroy(rp);
	replay_check_free(rp);
	free(rp);
	return r;
}
