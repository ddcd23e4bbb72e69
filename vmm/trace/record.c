/* SPDX-License-Identifier: Apache-2.0 */
/* Recording a run into a trace; see record.h and docs/trace-format.md. */
#include "vmm/trace/record.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "devices/virtio/net.h"
#include "vmm/base/errmsg.h"
#include "vmm/base/log.h"
#include "vmm/trace/record_int.h"
#include "vmm/trace/trace_hash.h"
#include "vmm/vm/host_dev.h"
#include "vmm/vm/outfile.h"
#include "vmm/vm/vcpu.h"

#define RECORD_FLUSH  (1u << 20) /* write the buffer out from this size */
#define RECORD_RX_MAX 65536u	 /* console input offered per record */

/* ---- the file ---- */

static void record_flush(struct recorder *r)
{
	if (!r->werr && r->out.err)
		r->werr = r->out.err;
	const uint8_t *p = r->out.p;
	size_t len = r->werr ? 0 : r->out.len;
	while (len) {
		ssize_t n = write(r->fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r->werr = n < 0 ? -errno : -EIO;
			break;
		}
		p += n;
		len -= (size_t)n;
	}
	tenc_reset(&r->out);
	if (r->werr && r->vm && vm_stop_reason(r->vm) == VM_STOP_NONE) {
		log_error("record: writing the trace failed: %s; stopping",
			  strerror(-r->werr));
		vm_request_stop(r->vm, VM_STOP_ERROR, VM_STATUS_ERROR);
	}
}

/* ---- events ---- */

void record_begin(struct recorder *r)
{
	pthread_mutex_lock(&r->lock);
	atomic_store_explicit(&r->in_event, true, memory_order_relaxed);
}

void record_commit(struct recorder *r)
{
	for (unsigned i = 0; i < r->ntaps; i++)
		rtap_drain_tx(&r->taps[i]);
	tenc_cat(&r->out, &r->eff);
	tenc_reset(&r->eff);
	for (unsigned i = 0; i < r->ntaps; i++)
		rtap_retry_rx(&r->taps[i]);
	r->events++;
	if (r->out.len >= RECORD_FLUSH || r->out.err)
		record_flush(r);
}

void record_release(struct recorder *r)
{
	atomic_store_explicit(&r->in_event, false, memory_order_relaxed);
	pthread_mutex_unlock(&r->lock);
}

void record_end(struct recorder *r)
{
	record_commit(r);
	record_release(r);
}

bool record_in_event(struct recorder *r)
{
	return atomic_load_explicit(&r->in_event, memory_order_relaxed);
}

/* ---- tracer ops ---- */

static bool record_exit(void *opaque, struct vcpu *c, struct accel_exit *e)
{
	struct recorder *r = opaque;
	enum trace_cpu_event ev;
	switch (e->reason) {
	case ACCEL_EXIT_PIO:
	case ACCEL_EXIT_MMIO:
		ev = 0;
		break;
	case ACCEL_EXIT_SHUTDOWN:
		ev = TRACE_CPU_SHUTDOWN;
		break;
	case ACCEL_EXIT_RESET:
		ev = TRACE_CPU_RESET;
		break;
	case ACCEL_EXIT_POWEROFF:
		ev = TRACE_CPU_POWEROFF;
		break;
	case ACCEL_EXIT_INTERNAL_ERROR:
		ev = TRACE_CPU_ERROR;
		break;
	default: /* HLT, INTR: no device work */
		return vcpu_handle_exit(c, e);
	}
	record_begin(r);
	bool go = vcpu_handle_exit(c, e);
	if (ev)
		tenc_cpu(&r->out, c->index, ev);
	else
		tenc_io(&r->out,
			e->reason == ACCEL_EXIT_PIO ? TRACE_PIO : TRACE_MMIO,
			c->index, e->io.write, e->io.addr, e->io.size,
			e->io.data, e->io.count);
	record_end(r);
	return go;
}

static size_t record_console_input(void *opaque, const uint8_t *buf, size_t len)
{
	struct recorder *r = opaque;
	struct vm *vm = r->vm;
	size_t n;
	if (len > RECORD_RX_MAX)
		len = RECORD_RX_MAX;
	bool virt;
	record_begin(r);
	n = vm_console_input(vm, buf, len, &virt);
	tenc_rx(&r->out, virt ? TRACE_CONSOLE_RX : TRACE_SERIAL_RX, (uint32_t)n,
		buf, (uint32_t)len);
	record_end(r);
	return n;
}

static void record_net_rx(void *opaque, struct vm_vdev *v)
{
	struct recorder *r = opaque;
	record_begin(r);
	for (unsigned i = 0; i < r->ntaps; i++) {
		if (r->taps[i].vdev != v)
			continue;
		vm_virtio_net_rx(v);
		tenc_net_rx(&r->out, i);
	}
	record_end(r);
}

static int64_t record_rtc_now(void *opaque)
{
	struct recorder *r = opaque;
	int64_t t = (int64_t)time(NULL);
	if (record_in_event(r))
		tenc_rtc(&r->out, t);
	return t;
}

static ssize_t record_dev_input(void *opaque, const struct vdev_input *in,
				void *buf, size_t len)
{
	struct recorder *r = opaque;
	ssize_t n = in->source(buf, len);
	if (record_in_event(r))
		tenc_blob(&r->out, in->trace_type, 0, buf,
			  n == (ssize_t)len ? (uint32_t)len : 0);
	return n;
}

static void record_irq(void *opaque, uint32_t gsi, int level)
{
	struct recorder *r = opaque;
	if (record_in_event(r))
		tenc_irq(&r->eff, gsi, level);
}

static void record_serial_tx(void *opaque, uint8_t byte)
{
	struct recorder *r = opaque;
	if (record_in_event(r))
		tenc_stream(&r->eff, TRACE_SERIAL_TX, 0, &byte, 1);
}

static void record_console_tx(void *opaque, const uint8_t *buf, size_t len)
{
	struct recorder *r = opaque;
	if (record_in_event(r))
		tenc_stream(&r->eff, TRACE_CONSOLE_TX, 0, buf, (uint32_t)len);
}

static const struct vm_tracer_ops record_ops = {
    .exit = record_exit,
    .console_input = record_console_input,
    .net_rx = record_net_rx,
    .rtc_now = record_rtc_now,
    .dev_input = record_dev_input,
    .irq = record_irq,
    .serial_tx = record_serial_tx,
    .console_tx = record_console_tx,
};

/* ---- lifecycle ---- */

/* Disk i's header entry: its size, flags, id, and its hash as recording
 * begins. */
static int record_disk(struct recorder *r, const struct vm_config *cfg,
		       const struct vm_host *host, unsigned i,
		       struct trace_dev *d, char *err, size_t errlen)
{
	const struct disk_config *dc = &cfg->disks[i];
	int fd = host->disk_fds[i];
	off_t end = lseek(fd, 0, SEEK_END);
	if (end < 0 || lseek(fd, 0, SEEK_SET) < 0)
		return errmsg(err, errlen, -errno, "--record: disk %s: %s",
			      dc->path, strerror(errno));
	d->flags = dc->read_only ? TRACE_BLK_RO : 0;
	d->size = (uint64_t)end;
	memcpy(d->id, dc->id, strnlen(dc->id, TRACE_ID_MAX));
	int e = thash_fd(fd, d->size, &d->hash);
	if (e)
		return errmsg(err, errlen, e, "--record: disk %s: %s", dc->path,
			      strerror(-e));
	r->disk_fds[r->ndisks++] = fd;
	return 0;
}

/* Device i of type t: its header entry, and the recorder put in front of
 * its host resource (by kind: the disk is hashed, the tap and the vsock's
 * sockets get the recorder's ports). */
static int record_dev(struct recorder *r, const struct vdev_type *t, unsigned i,
		      const struct vm_config *cfg, struct vm_host *host,
		      char *err, size_t errlen)
{
	if (!t->trace_kind)
		return errmsg(err, errlen, -ENOTSUP,
			      "--record: a VM with a virtio-%s cannot be "
			      "recorded (the device has no trace channel)",
			      t->name);
	if (r->hdr.ndevs == TRACE_MAX_DEVS)
		return errmsg(err, errlen, -ENOSPC,
			      "--record: more than %d devices", TRACE_MAX_DEVS);
	struct trace_dev *d = &r->hdr.devs[r->hdr.ndevs++];
	d->kind = t->trace_kind;
	int e = 0;
	switch (t->host) {
	case VDEV_HOST_DISK:
		return record_disk(r, cfg, host, i, d, err, errlen);
	case VDEV_HOST_TAP:
		e = rtap_open(&r->taps[i], r, i, &host->tap_fds[i],
			      &host->tap_offloads[i], &host->net_ports[i]);
		r->ntaps = i + 1;
		return e ? errmsg(err, errlen, e, "--record: tap %s: %s",
				  cfg->nets[i].tap, strerror(-e))
			 : 0;
	case VDEV_HOST_STREAMS:
		d->cid = cfg->vsock.cid;
		e = rvsock_open(&r->vsock, r, host);
		return e ? errmsg(err, errlen, e, "--record: vsock: %s",
				  strerror(-e))
			 : 0;
	default: /* nothing on the host to stand in front of */
		return 0;
	}
}

int record_open(struct recorder **out, const char *path, struct vm_config *cfg,
		struct vm_host *host, struct file_ids *ids, char *err,
		size_t errlen)
{
	struct recorder *r = calloc(1, sizeof(*r));
	if (!r)
		return errmsg(err, errlen, -ENOMEM, "out of memory");
	*out = r;
	r->fd = -1;
	tenc_init(&r->out);
	tenc_init(&r->eff);
	atomic_init(&r->in_event, false);
	int e = pthread_mutex_init(&r->lock, NULL);
	if (e)
		return errmsg(err, errlen, -e, "record: %s", strerror(e));
	if ((e = outfile_open("--record ", path, ids, &r->fd, err, errlen)))
		return e;
	cfg->eventfd = false;
	r->hdr.version = TRACE_VERSION;
	bool x86 = cfg->machine == VM_MACHINE_X86;
	r->hdr.arch = x86 ? TRACE_ARCH_X86_64 : TRACE_ARCH_AARCH64;
	r->hdr.mem_mib = cfg->mem_mib;
	r->hdr.cpus = cfg->cpus;
	r->hdr.platform = x86 && cfg->acpi ? TRACE_PLATFORM_ACPI : 0;
	/* In the order vmm creates the devices (vm_virtio.c). */
	for (const struct vdev_type *const *t = vdev_types; *t; t++) {
		unsigned n = host_dev_count(cfg, *t);
		for (unsigned i = 0; i < n; i++)
			if ((e = record_dev(r, *t, i, cfg, host, err, errlen)))
				return e;
	}
	r->tracer = (struct vm_tracer){.ops = &record_ops, .opaque = r};
	host->tracer = &r->tracer;
	return 0;
}

int record_start(struct recorder *r, struct vm *vm, char *err, size_t errlen)
{
	r->vm = vm;
	int e = outfile_commit(r->fd);
	if (e)
		return errmsg(err, errlen, e, "--record: %s", strerror(-e));
	unsigned net = 0;
	for (unsigned i = 0; i < vm_vdev_count(vm) && net < r->ntaps; i++) {
		struct vm_vdev *v = vm_vdev_at(vm, i);
		if (v->type->host != VDEV_HOST_TAP)
			continue;
		const struct virtio_net *n = v->impl;
		struct trace_dev *d = &r->hdr.devs[r->ndisks + net];
		memcpy(d->mac, n->mac, 6);
		d->offloads = n->port_offloads;
		e = rtap_start(&r->taps[net++], vm, v);
		if (e)
			return errmsg(err, errlen, e, "record: tap: %s",
				      strerror(-e));
	}
	for (unsigned i = 0; i < vm_vdev_count(vm) && r->vsock.uds_ready; i++) {
		struct vm_vdev *v = vm_vdev_at(vm, i);
		if (v->type->host == VDEV_HOST_STREAMS &&
		    (e = rvsock_start(&r->vsock, vm, v)))
			return errmsg(err, errlen, e, "record: vsock: %s",
				      strerror(-e));
	}
	tenc_header(&r->out, &r->hdr);
	e = rmem_init(&r->mem, r, vm_mem(vm));
	if (e)
		return errmsg(err, errlen, e, "record: guest memory shadow: %s",
			      strerror(-e));
	vm_mem(vm)->hooks = &r->mem.hooks;
	record_flush(r);
	return r->werr ? errmsg(err, errlen, r->werr, "--record: %s",
				strerror(-r->werr))
		       : 0;
}

enum trace_stop record_stop_code(enum vm_stop_reason why)
{
	switch (why) {
	case VM_STOP_POWEROFF:
		return TRACE_STOP_POWEROFF;
	case VM_STOP_RESET:
		return TRACE_STOP_RESET;
	case VM_STOP_DEBUG_EXIT:
		return TRACE_STOP_DEBUG_EXIT;
	case VM_STOP_CRASH:
		return TRACE_STOP_CRASH;
	case VM_STOP_SIGNAL:
		return TRACE_STOP_SIGNAL;
	case VM_STOP_QUIT:
		return TRACE_STOP_QUIT;
	case VM_STOP_ERROR:
		return TRACE_STOP_ERROR;
	default:
		return TRACE_STOP_NONE;
	}
}

int record_finish(struct recorder *r, struct vm *vm, char *err, size_t errlen)
{
	uint64_t hashes[CONFIG_MAX_DISKS] = {0};
	vm_mem(vm)->hooks = NULL;
	for (unsigned i = 0; i < r->ndisks; i++) {
		int e =
		    thash_fd(r->disk_fds[i], r->hdr.devs[i].size, &hashes[i]);
		if (e)
			return errmsg(err, errlen, e,
				      "record: hashing disk "
				      "%u: %s",
				      i, strerror(-e));
	}
	tenc_end(&r->out, record_stop_code(vm_stop_reason(vm)),
		 (uint8_t)vm_stop_status(vm), hashes, r->ndisks);
	record_flush(r);
	if (r->werr)
		return errmsg(err, errlen, r->werr,
			      "--record: writing the "
			      "trace: %s",
			      strerror(-r->werr));
	if (fdatasync(r->fd) < 0 && errno != EINVAL)
		return errmsg(err, errlen, -errno, "--record: %s",
			      strerror(errno));
	log_info(
	    "record: %llu events; guest memory: %llu records, %llu "
	    "bytes (%llu whole pages)",
	    (unsigned long long)r->events, (unsigned long long)r->mem.records,
	    (unsigned long long)r->mem.bytes, (unsigned long long)r->mem.pages);
	return 0;
}

void record_close(struct recorder *r)
{
	if (!r)
		return;
	rmem_destroy(&r->mem);
	for (unsigned i = 0; i < r->ntaps; i++)
		rtap_close(&r->taps[i]);
	rvsock_close(&r->vsock);
	if (r->fd >= 0)
		close(r->fd);
	tenc_free(&r->out);
	tenc_free(&r->eff);
	pthread_mutex_destroy(&r->lock);
	free(r);
}
